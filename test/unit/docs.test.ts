/**
 * The configuration reference is generated from the zod schema (`npm run docs`): the committed
 * README section and Pulumi.yaml's `config:` block must be exactly what the generator writes, and
 * every key must carry a description.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { strictObject, variants } from "../../config/primitives";
import {
  UNTAGGED_RETENTION,
  quayCredentialSchema,
  retentionSchema,
} from "../../config/registry-content";
import {
  END_MARKER,
  assertNewStackPasses,
  START_MARKER,
  committedDocs,
  configReference,
  generateDocs,
} from "../../scripts/docs";

describe("generated configuration reference", function () {
  this.timeout(60000);

  it("README.md and Pulumi.yaml are what `npm run docs` writes", async () => {
    const committed = committedDocs();
    const generated = await generateDocs(committed.readme, committed.project);
    assert.equal(committed.readme, generated.readme, "README.md is stale: run npm run docs");
    assert.equal(committed.project, generated.project, "Pulumi.yaml is stale: run npm run docs");
  });

  it("every key of the schema has a description", () => {
    assert.doesNotThrow(() => configReference());
  });

  it("names each key without a description, nested and per variant", () => {
    const schema = strictObject({
      described: z.string().optional().describe("Has one."),
      plain: z.string().optional(),
      nested: strictObject({
        inner: z.boolean().default(false),
      })
        .prefault({})
        .describe("An object."),
      choice: variants("kind", "a", [
        strictObject({ kind: z.literal("a").describe("The variant."), x: z.string() }),
        strictObject({ kind: z.literal("b"), y: z.string().describe("Why.") }),
      ]).describe("A union."),
    });
    assert.throws(
      () => configReference(schema),
      (e: Error) =>
        e.message ===
        "every key needs a description (.describe() as the key's last call in config/): harbor:plain, harbor:nested.inner, harbor:choice.x",
    );
  });

  it("tables show types, defaults, required keys and the variants that take each key", () => {
    const { readme } = configReference();
    const row = (key: string) => readme.split("\n").find((l) => l.startsWith(`| ${key} |`));
    assert.equal(
      row("`hostname`"),
      "| `hostname` | string | required | DNS name or IP address clients use (`docker login <hostname>`). An IP goes into the certificate's IP SANs. Must be a DNS name for `ingress` and `route`. |",
    );
    assert.match(row("`adminPassword`")!, /^\| `adminPassword` \| secret \| generated \|/);
    assert.match(
      row("`deployMode`")!,
      /^\| `deployMode` \| `release` \\\| `chart` \| `release` \|/,
    );
    assert.match(
      row("`nodePort`")!,
      /^\| `nodePort` \| `nodePort` \| object \| `\{http: 30002, https: 30003\}` \|/,
    );
    // tls: every key belongs to every mode, so its table has no Variant column.
    assert.match(row("`validityDays`")!, /^\| `validityDays` \| integer \| `365` \|/);
    assert.match(row("`schedule`")!, /^\| `schedule` \| all \| string \| `0 3 \* \* \*` \|/);
    assert.match(row("`bucket`")!, /^\| `bucket` \| `s3` \| string \| required \|/);
    assert.ok(readme.includes("### backup"));
  });

  it("Pulumi.yaml declares the required key and the scalar keys with a fixed default, nothing optional without one", () => {
    // A declared key without `default` is required by the Pulumi CLI (pulumi/pulumi
    // pkg/workspace/config.go `mergeConfig`): optional keys whose default is derived stay out.
    const { declared, undeclared } = configReference();
    assert.deepEqual(Object.keys(declared), ["hostname", "namespace", "releaseName", "deployMode"]);
    assert.deepEqual(undeclared, [
      "relocateFrom",
      "externalURL",
      "imageRegistry",
      "protect",
      "caCertificate",
    ]);
    assert.deepEqual(declared.namespace.default, "harbor");
    assert.equal(declared.hostname.default, undefined);
  });

  it("leaves an optional key without a default out of the generated Pulumi.yaml", async () => {
    const schema = strictObject({
      hostname: z.string().describe("Required."),
      externalURL: z.string().optional().describe("Optional, derived."),
    });
    // Generated as before this fix: the optional key declared with a type and no default.
    const { project } = await generateDocs(
      `${START_MARKER}\n${END_MARKER}\n`,
      "name: harbor\nruntime: nodejs\nconfig:\n",
      schema,
    );
    assert.ok(!project.includes("externalURL:"), project);
  });

  it("its self-check refuses a Pulumi.yaml under which a new stack fails the CLI's rules", () => {
    const before = [
      "name: harbor",
      "runtime: nodejs",
      "config:",
      "  hostname:\n    type: string",
      "  externalURL:\n    type: string",
      "  protect:\n    type: boolean",
    ].join("\n");
    assert.throws(
      () => assertNewStackPasses(before, { hostname: { type: "string" } }),
      (e: Error) =>
        e.message ===
        "the generated Pulumi.yaml fails the Pulumi CLI's rules: Stack 'new' is missing configuration values 'externalURL' and 'protect'",
    );
    assert.doesNotThrow(() =>
      assertNewStackPasses(committedDocs().project, configReference().declared),
    );
  });

  it("the README section sits between its markers", () => {
    const { readme } = committedDocs();
    assert.ok(readme.indexOf(START_MARKER) >= 0 && readme.indexOf(END_MARKER) > 0);
  });
});

describe("docs/registry-content.md follows the schema", function () {
  const page = readFileSync(
    path.join(__dirname, "..", "..", "docs", "registry-content.md"),
    "utf8",
  );
  /** The keys in the first column of the table under a heading. */
  const tableKeys = (heading: string) => {
    const start = page.indexOf(`\n${heading}\n`);
    assert.ok(start >= 0, `docs/registry-content.md has ${heading}`);
    const next = page.indexOf("\n#", start + heading.length + 2);
    const section = page.slice(start, next < 0 ? undefined : next);
    return [...section.matchAll(/^\| `([A-Za-z0-9_]+)` +\|/gm)].map((m) => m[1]);
  };

  it("documents every key of projects.<name>.retention, and only those", () => {
    assert.deepEqual(
      tableKeys("### `projects.<name>.retention`"),
      Object.keys(retentionSchema.shape),
    );
  });

  it("documents each value of retention.untagged and each field of a Quay secret", () => {
    for (const value of UNTAGGED_RETENTION) assert.ok(page.includes(`\`${value}\``), value);
    assert.deepEqual(
      tableKeys("### `registries.<name>`").filter((k) =>
        Object.keys(quayCredentialSchema.shape).includes(k),
      ),
      Object.keys(quayCredentialSchema.shape),
    );
  });
});
