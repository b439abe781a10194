/**
 * Idempotence: every example stack (`Pulumi.*.yaml`, found anew on each run) is evaluated twice,
 * in two fresh Node.js processes (test/support/evaluate-stack.ts) running side by side with the
 * same mocked provider outputs. The second process evaluates the stacks in reverse order, with its
 * clock moved by days and in another time zone. Every resource's inputs, options and registered
 * outputs and the stack outputs must be byte-identical: nothing reads the clock, draws random
 * numbers or names, carries state from one evaluation to the next, or depends on registration
 * order, so a second `pulumi up` finds nothing to change (and the Harbor chart's values never
 * churn).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { exampleStackFiles, loadExampleStack, PROJECT_ROOT } from "../support/example-stacks";
import type { EvaluatedResource, EvaluatedStack } from "../support/evaluate-stack";

const SCRIPT = path.join(__dirname, "..", "support", "evaluate-stack.ts");
/** Three days, seven hours and thirteen minutes. */
const CLOCK_SHIFT_MS = ((3 * 24 + 7) * 60 + 13) * 60 * 1000;

interface Variant {
  clockShiftMs: number;
  tz: string;
}
const FIRST: Variant = { clockShiftMs: 0, tz: "UTC" };
const SECOND: Variant = { clockShiftMs: CLOCK_SHIFT_MS, tz: "Pacific/Chatham" };

/** Evaluates the files, in that order, in one fresh process. */
function evaluate(
  files: string[],
  variant: Variant,
  secrets: Record<string, Record<string, string>>,
): Promise<EvaluatedStack[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register", SCRIPT, ...files],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          TS_NODE_TRANSPILE_ONLY: "1",
          HARBOR_TEST_STACK_SECRETS: JSON.stringify(secrets),
          HARBOR_TEST_CLOCK_SHIFT_MS: String(variant.clockShiftMs),
          TZ: variant.tz,
        },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 50_000,
      },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`evaluating ${files.join(", ")} failed: ${err.message}\n${stderr}`));
          return;
        }
        resolve(JSON.parse(stdout) as EvaluatedStack[]);
      },
    );
  });
}

/** Path of the first difference between two JSON documents, for a readable failure. */
export function firstDifference(a: unknown, b: unknown, at = ""): string | undefined {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || a === null || b === null) {
    return a === b ? undefined : at || "(root)";
  }
  if (typeof a !== "object") return a === b ? undefined : at || "(root)";
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  const bk = Object.keys(bo);
  if (ak.join("\0") !== bk.join("\0"))
    return `${at || "(root)"} (keys: ${ak.join()} vs ${bk.join()})`;
  for (const k of ak) {
    const d = firstDifference(ao[k], bo[k], at ? `${at}.${k}` : k);
    if (d) return d;
  }
  return undefined;
}

const ISO_TIMESTAMP = /\b(19|20)\d\d-[01]\d-[0-3]\d[T ][0-2]\d:[0-5]\d/;
const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];
const resourceKey = (r: EvaluatedResource) => `${r.type}::${r.name}`;

/**
 * Chart values that goharbor's chart fills at render time when left empty: random strings
 * (`randAlphaNum`), a token CA (`genCA`) and a bcrypt htpasswd with a fresh salt, all of which
 * would change on every render; or published defaults (`Harbor12345`, `not-a-secure-key`,
 * `harbor_registry_password`).
 */
const CHART_GENERATED = [
  "harborAdminPassword",
  "secretKey",
  "core.secret",
  "core.xsrfKey",
  "core.tokenKey",
  "core.tokenCert",
  "jobservice.secret",
  "registry.secret",
  "registry.credentials.password",
  "registry.credentials.htpasswdString",
];

/** Unwraps a serialized secret (`{<sig>: ..., value}`). */
function unwrap(v: unknown): unknown {
  if (v && typeof v === "object" && "value" in v && Object.keys(v).length === 2) {
    return v.value;
  }
  return v;
}

describe("idempotence: two fresh evaluations of every example stack are identical", function () {
  this.timeout(60_000);
  const files = exampleStackFiles();
  const evaluations = new Map<string, [EvaluatedStack, EvaluatedStack]>();
  let elapsedMs = 0;

  before(async function () {
    this.timeout(60_000);
    const started = Date.now();
    // The same secret configuration for both processes (fixture certificates are random).
    const secrets = Object.fromEntries(
      files.map((f) => [path.basename(f), loadExampleStack(f).secrets ?? {}]),
    );
    const [first, second] = await Promise.all([
      evaluate(files, FIRST, secrets),
      evaluate([...files].reverse(), SECOND, secrets),
    ]);
    second.reverse();
    files.forEach((f, i) => evaluations.set(f, [first[i], second[i]]));
    elapsedMs = Date.now() - started;
  });

  after(() => {
    console.log(
      `      idempotence: ${evaluations.size} stacks, each evaluated in 2 processes, ${elapsedMs} ms`,
    );
  });

  it("finds the example stacks", () => {
    assert.ok(files.some((f) => path.basename(f) === "Pulumi.dev.yaml"));
  });

  for (const file of files) {
    const stack = path.basename(file).replace(/^Pulumi\.(.+)\.yaml$/, "$1");

    it(`${stack}: the same resources, byte-identical inputs and options`, () => {
      const [a, b] = evaluations.get(file)!;
      assert.equal(a.stack, stack);
      assert.equal(b.stack, stack);
      assert.equal(a.clockShiftMs, 0);
      assert.equal(b.clockShiftMs, CLOCK_SHIFT_MS, "the second process must run on a moved clock");
      assert.ok(a.resources.length > 0);
      assert.deepEqual(b.resources.map(resourceKey), a.resources.map(resourceKey));
      a.resources.forEach((ra, i) => {
        const rb = b.resources[i];
        const where = resourceKey(ra);
        if (ra.inputs !== rb.inputs) {
          const diff = firstDifference(JSON.parse(ra.inputs), JSON.parse(rb.inputs));
          assert.fail(`${where}: inputs differ between evaluations at ${diff}`);
        }
        const da = JSON.stringify(ra);
        const db = JSON.stringify(rb);
        assert.ok(
          da === db,
          `${where}: options or registered outputs differ at ${firstDifference(ra, rb)}`,
        );
        assert.doesNotMatch(ra.inputs, ISO_TIMESTAMP, `${where}: inputs carry a timestamp`);
      });
      assert.ok(
        b.outputs === a.outputs,
        `stack outputs differ at ${firstDifference(JSON.parse(a.outputs), JSON.parse(b.outputs))}`,
      );
      assert.deepEqual(b.secretOutputs, a.secretOutputs);
    });

    it(`${stack}: the Harbor chart values are byte-identical`, () => {
      const [a, b] = evaluations.get(file)!;
      const values = (s: EvaluatedStack) => {
        const harbor = s.resources.filter(
          (r) =>
            HELM_TYPES.includes(r.type) && r.parent.endsWith("$harbor:core:HarborRelease::harbor"),
        );
        assert.equal(harbor.length, 1, "one Harbor release or chart");
        const inputs = JSON.parse(harbor[0].inputs) as { values?: unknown };
        return unwrap(inputs.values);
      };
      const va = values(a);
      const vb = values(b);
      assert.ok(JSON.stringify(va).length > 1000, "the Harbor values are missing");
      assert.ok(
        JSON.stringify(va) === JSON.stringify(vb),
        `Harbor values differ at ${firstDifference(va, vb)}`,
      );
    });
  }

  it("every value the chart would randomise or default insecurely at render time is pinned", () => {
    for (const [file, [a]] of evaluations) {
      const harbor = a.resources.find(
        (r) =>
          HELM_TYPES.includes(r.type) && r.parent.endsWith("$harbor:core:HarborRelease::harbor"),
      );
      assert.ok(harbor, path.basename(file));
      const inputs = JSON.parse(harbor.inputs) as { values?: unknown };
      const values = unwrap(inputs.values) as Record<string, unknown>;
      const at = (p: string): unknown =>
        p
          .split(".")
          .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], values);
      for (const p of CHART_GENERATED) {
        const v = at(p);
        assert.ok(
          typeof v === "string" && v.length >= 16,
          `${path.basename(file)}: ${p} is not set`,
        );
      }
      assert.notEqual(
        at("expose.tls.certSource"),
        "auto",
        "certSource auto generates a CA per render",
      );
      assert.notEqual(at("internalTLS.certSource"), "auto");
      if (at("database.type") === "internal") {
        const pw = at("database.internal.password");
        assert.ok(typeof pw === "string" && pw.length >= 16 && pw !== "changeit");
      }
    }
  });

  it("reports the first difference between two documents", () => {
    assert.equal(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }), "a.1.b");
    assert.equal(firstDifference({ a: 1, b: 2 }, { b: 2, a: 1 }), "(root) (keys: a,b vs b,a)");
    assert.equal(firstDifference({ a: "x" }, { a: "x" }), undefined);
  });
});
