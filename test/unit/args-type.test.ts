/**
 * `HarborArgs` is generated from the zod schema (`npm run docs`, scripts/args-type.ts): the
 * committed config/harbor-args.ts must be what the generator writes, every field carries JSDoc,
 * every secret is a `pulumi.Input<string>`, and nothing is typed `unknown` or `any`. The
 * compile-time half is test/types/harbor-args.ts, type-checked by `npm run build`.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { strictObject, variants } from "../../config/primitives";
import { SECRET_KEYS } from "../../config/schema";
import {
  committedHarborArgs,
  describedByParent,
  generateHarborArgs,
  harborArgsSource,
} from "../../scripts/args-type";

describe("generated HarborArgs", function () {
  this.timeout(60_000);
  let committed: string;
  before(() => {
    committed = committedHarborArgs();
  });

  it("config/harbor-args.ts is what `npm run docs` writes", async () => {
    assert.equal(
      committed,
      await generateHarborArgs(),
      "config/harbor-args.ts is stale: run npm run docs",
    );
  });

  it("every field has a JSDoc comment right above it", () => {
    const lines = committed.split("\n");
    let fields = 0;
    lines.forEach((line, i) => {
      if (/^\s+("[^"]+"|\w+)\??: /.test(line) && !line.trimStart().startsWith("*")) {
        fields++;
        assert.match(lines[i - 1], /^\s+\*\/$/, `no JSDoc above: ${line.trim()}`);
      }
    });
    assert.ok(fields > 250, `${fields} fields`);
  });

  it("secrets are Inputs; nothing is unknown or any", () => {
    for (const key of SECRET_KEYS) {
      if (key === "registrySecrets") continue;
      const expected = `  ${key}?: pulumi.Input<string> | undefined;`;
      assert.ok(committed.split("\n").includes(expected), `${key}: ${expected}`);
    }
    // A map of Inputs: a password or token, or Quay's JSON document (config/registry-content.ts).
    const registrySecrets = committed.slice(committed.indexOf("  registrySecrets?:"));
    assert.match(
      registrySecrets.slice(0, registrySecrets.indexOf("| undefined;") + 12).replace(/\s+/g, " "),
      /^ registrySecrets\?: \| pulumi\.Input<\{ \[name: string\]: pulumi\.Input< string \| \{ account_name: string; docker_cli_password: string; oauth2_token\?: string \} >; \}> \| undefined;$/,
    );
    const code = committed
      .split("\n")
      .filter((l) => !/^\s*(\/\*\*|\*)/.test(l))
      .join("\n");
    assert.doesNotMatch(code, /\b(unknown|any)\b/);
  });

  it("variants are discriminated unions; the discriminator is optional in the default only", () => {
    const expose = committed.slice(committed.indexOf("  expose?:"), committed.indexOf("  tls?:"));
    assert.deepEqual(
      [...expose.matchAll(/^ {8}type(\??): (.*);$/gm)].map((m) => `${m[1]}${m[2]}`),
      ['?"ingress" | undefined', '"nodePort"', '"loadBalancer"', '"clusterIP"', '"route"'],
    );
    // Keys every mode shares are written once, intersected with the union of the modes.
    assert.match(committed, /^ {2}tls\?:\n {4}\| \(\{\n/m);
  });

  it("a schema the walk cannot type must say its type, and is named", () => {
    const schema = strictObject({
      ok: z.string().describe("Fine."),
      opaque: z.unknown().optional().describe("No type."),
      nested: strictObject({ inner: z.custom<string>(() => true) }).describe("`inner`: custom."),
    });
    assert.throws(
      () => harborArgsSource(schema, []),
      (e: Error) =>
        e.message ===
        'every key needs a TypeScript type for HarborArgs (a schema the walk cannot type takes .meta({ tsType: "..." })): harbor:opaque (unknown), harbor:nested.inner (custom)',
    );
  });

  it("types and docs follow the schema: defaults, literals, variants, a nested key from its parent", () => {
    const shared = z.boolean().describe("Both take it.");
    const schema = strictObject({
      secret: z.string().optional().describe("A password."),
      mode: z.enum(["a", "b"]).default("a").describe("The mode."),
      count: z.number().default(2).describe("How many."),
      choice: variants("kind", "x", [
        strictObject({ kind: z.literal("x").describe("Which."), shared }),
        strictObject({ kind: z.literal("y"), shared, y: z.string().describe("Why.") }),
      ]).describe("A union."),
      parent: strictObject({ child: z.string() }).describe("`child`: the child; other text."),
    });
    const source = harborArgsSource(schema, ["secret"]);
    for (const line of [
      "  secret?: pulumi.Input<string> | undefined;",
      '  mode?: "a" | "b" | undefined;',
      "  count?: number | undefined;",
      '      kind?: "x" | undefined;',
      '      kind: "y";',
      "      y: string;",
      "    child: string;",
      "   * Default: `2`.",
      "  choice: {",
      "     * The child; other text.",
    ]) {
      assert.ok(source.split("\n").includes(line), `missing: ${JSON.stringify(line)}\n${source}`);
    }
    // `shared` is the same in both variants: written once.
    assert.equal(source.match(/shared: boolean;/g)?.length, 1);
  });

  it("a parent's description gives a nested key its own sentence", () => {
    const parent =
      "`installProvisioner`: install local-path-provisioner; `nodePath`: its directory on the nodes; `node`: pin Harbor and its volumes to one node.";
    assert.equal(describedByParent(parent, "nodePath"), "Its directory on the nodes.");
    assert.equal(describedByParent(parent, "node"), "Pin Harbor and its volumes to one node.");
    assert.equal(describedByParent(parent, "other"), undefined);
  });
});
