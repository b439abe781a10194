/**
 * Bad configuration never reaches the cluster: every case runs the whole program (`index.ts`) under
 * the harness mocks and must fail with one `ConfigError` (a `pulumi.RunError`, so Pulumi prints the
 * message without a stack trace) carrying exactly the expected problem lines, before a single
 * resource is registered. Each line names the `harbor:` key, what is expected and, unless the key
 * is a secret, the value that was given.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config/errors";
import { SECRET_KEYS, rawConfigSchema } from "../../config/schema";
import { BAD_CONFIGS, type BadConfig } from "../support/bad-configs";
import { tryRunProgram, type StackConfig } from "../support/harness";

const TOP_LEVEL_KEYS = Object.keys(rawConfigSchema.shape);
const SECRETS: readonly string[] = SECRET_KEYS;

/** The top-level key a problem line names (`harbor:storage.sizes.registry ...` -> `storage`). */
function namedTopLevelKey(line: string): string | undefined {
  return /^harbor:([A-Za-z][\w-]*)(?:[.[][^\s]*)? /.exec(line)?.[1];
}

/** Whether a line names a `harbor:` key the program knows, or says that the key is unknown. */
function namesKey(line: string): boolean {
  const key = namedTopLevelKey(line);
  if (key === undefined) return false;
  return TOP_LEVEL_KEYS.includes(key) || / is not a known (setting|key)\b/.test(line);
}

/** Every value that must never appear in a message: secrets, also when stored in plain text. */
function secretValues(c: BadConfig): string[] {
  const plainText = Object.entries(c.config)
    .filter(([k]) => SECRETS.includes(k))
    .map(([, v]) => String(v));
  return [...Object.values(c.secrets ?? {}), ...plainText];
}

const describeError = (e: unknown) =>
  e instanceof Error ? (e.stack ?? e.message) : JSON.stringify(e);

async function rejection(stack: StackConfig): Promise<{ error: ConfigError; registered: number }> {
  const attempt = await tryRunProgram(stack);
  if (!(attempt.error instanceof ConfigError)) {
    assert.fail(
      `expected a ConfigError, got ${attempt.error === undefined ? "a successful run" : describeError(attempt.error)}`,
    );
  }
  return {
    error: attempt.error,
    registered: attempt.resources.length + attempt.registrations.length,
  };
}

describe("bad configuration is rejected before anything is registered", () => {
  for (const c of BAD_CONFIGS) {
    it(`${c.key}: ${c.title}`, async () => {
      const { error, registered } = await rejection({
        config: c.config,
        secrets: c.secrets,
        stack: "dev",
      });
      assert.deepEqual(error.problems, c.expected);
      assert.equal(registered, 0, "no resource may be registered before validation passes");
      assert.ok(pulumi.RunError.isInstance(error), "ConfigError must be a pulumi.RunError");
      for (const line of error.problems) {
        assert.ok(namesKey(line), `problem does not name a harbor: key: ${line}`);
      }
      for (const value of secretValues(c)) {
        assert.ok(!error.message.includes(value), `the message echoes a secret value: ${value}`);
      }
    });
  }

  it("has at least 45 cases, and a case naming every top-level key", () => {
    assert.ok(BAD_CONFIGS.length >= 45, `only ${BAD_CONFIGS.length} cases`);
    const named = new Set(BAD_CONFIGS.flatMap((c) => c.expected.map(namedTopLevelKey)));
    const missing = TOP_LEVEL_KEYS.filter((k) => !named.has(k));
    assert.deepEqual(missing, [], `keys without a bad-configuration case: ${missing.join(", ")}`);
  });

  it("recognises lines that do not name a key", () => {
    assert.equal(namesKey("Invalid input: expected string"), false);
    assert.equal(namesKey("harbor:nosuchkey must be a string"), false);
    assert.equal(namesKey("harbor:nosuchkey is not a known setting"), true);
    assert.equal(namesKey('harbor:scheduling.nodeSelector["a/b"] must be x'), true);
  });

  it("reports several problems together in one ConfigError", async () => {
    const { error, registered } = await rejection({
      stack: "dev",
      config: {
        hostname: "Harbor!",
        namespace: "Bad_NS",
        hostnmae: "harbor.example.com",
        adminPassword: "PlainText-Passw0rd",
        tls: { validityDays: 500 },
        storage: { sise: { registry: "20Gi" } },
        database: { type: "external", host: "db.example.com", username: "harbor" },
      },
    });
    const expected = [
      "harbor:adminPassword is stored in plain text in the stack file; remove it and set it with `pulumi config set --secret harbor:adminPassword <value>`",
      'harbor:hostname must be a lower-case DNS name or an IP address without scheme, port or path (harbor.example.com, 192.168.1.10), got "Harbor!"',
      "harbor:namespace must be a lower-case DNS-1123 label of at most 63 characters (letters, digits, '-'), got \"Bad_NS\"",
      "harbor:tls.validityDays must be 1-397 days (browsers reject longer server certificates), got 500",
      "harbor:storage.sise is not a known key (did you mean harbor:storage.sizes?); harbor:storage takes variant, className, reclaimPolicy, sizes, existingClaims, accessMode, localPath",
      "harbor:hostnmae is not a known setting (did you mean harbor:hostname?); see the configuration reference, docs/configuration.md",
      "harbor:databasePassword is required when harbor:database.type is external: set it with `pulumi config set --secret harbor:databasePassword <value>`",
    ];
    assert.deepEqual(error.problems, expected);
    assert.equal(
      error.message,
      `Invalid Harbor configuration (7 problems):\n${expected.map((p) => `  - ${p}`).join("\n")}`,
    );
    assert.equal(registered, 0);
    assert.ok(!error.message.includes("PlainText-Passw0rd"));
  });
});
