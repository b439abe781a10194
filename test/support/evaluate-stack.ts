/**
 * Evaluates example stacks under the harness mocks, in the order given, and prints a canonical JSON
 * record of what each declared: every resource (sorted by type and name, so registration order
 * does not matter) with its inputs as the engine received them (secret wrappers kept), its
 * resource options and registered outputs, and the stack outputs. Two processes evaluating the
 * same stacks, even in another order, must print the same record for each stack
 * (test/program/idempotence.test.ts).
 *
 *   TS_NODE_TRANSPILE_ONLY=1 node -r ts-node/register test/support/evaluate-stack.ts \
 *     Pulumi.dev.yaml Pulumi.prod.yaml
 *
 * Environment: HARBOR_TEST_STACK_SECRETS (JSON map of stack file name to secret configuration)
 * replaces the fixture's secrets; HARBOR_TEST_CLOCK_SHIFT_MS moves the process's clock
 * (test/support/shift-clock.ts).
 */
import { CLOCK_SHIFT_MS } from "./shift-clock";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "./harness";
import { PROJECT_ROOT, loadExampleStack } from "./example-stacks";

export interface EvaluatedResource {
  type: string;
  name: string;
  /** Parent URN, or "" for a resource without a parent. */
  parent: string;
  protect?: boolean;
  retainOnDelete?: boolean;
  aliases: unknown[];
  /** Inputs as JSON, key order as the program produced it. */
  inputs: string;
  /** A component's public Outputs, as JSON. */
  exposed?: string;
}

export interface EvaluatedStack {
  stack: string;
  clockShiftMs: number;
  resources: EvaluatedResource[];
  outputs: string;
  secretOutputs: string[];
}

/** JSON that survives resource references and cycles (neither is expected in inputs). */
export function canonicalJson(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object") {
      if (pulumi.Resource.isInstance(v)) return { resourceReference: "(resource)" };
      if (seen.has(v)) return "(cycle)";
      seen.add(v);
    }
    return v;
  });
}

/**
 * Evaluates a stack file. `secrets` replaces the fixture's secret configuration: a caller comparing
 * two evaluations passes the same material to both (fixture certificates are made afresh per
 * process).
 */
export async function evaluateStack(
  file: string,
  secrets?: Record<string, string>,
): Promise<EvaluatedStack> {
  const loaded = loadExampleStack(path.resolve(PROJECT_ROOT, file));
  const stack = secrets ? { ...loaded, secrets } : loaded;
  const run = await runProgram(stack);
  const registrations = run.registrations;
  const resources = run.resources.map((r): EvaluatedResource => {
    const reg = registrations.find((g) => g.type === r.type && g.name === r.name);
    return {
      type: r.type,
      name: r.name,
      parent: reg?.parentUrn ?? "",
      ...(reg?.protect !== undefined ? { protect: reg.protect } : {}),
      ...(reg?.retainOnDelete !== undefined ? { retainOnDelete: reg.retainOnDelete } : {}),
      aliases: reg?.aliases ?? [],
      inputs: canonicalJson(r.rawInputs),
      ...(reg?.exposed ? { exposed: canonicalJson(reg.exposed) } : {}),
    };
  });
  const key = (r: EvaluatedResource) => `${r.type}::${r.name}::${r.parent}`;
  resources.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return {
    stack: stack.stack,
    clockShiftMs: CLOCK_SHIFT_MS,
    resources,
    outputs: canonicalJson(run.outputs),
    secretOutputs: [...run.secretOutputs].sort(),
  };
}

/** Evaluates the files one after another in this process. */
export async function evaluateStacks(
  files: string[],
  secrets: Record<string, Record<string, string>> = {},
): Promise<EvaluatedStack[]> {
  const results: EvaluatedStack[] = [];
  for (const file of files) {
    results.push(await evaluateStack(file, secrets[path.basename(file)]));
  }
  return results;
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: evaluate-stack.ts Pulumi.<stack>.yaml...");
    process.exit(2);
  }
  const secretsJson = process.env.HARBOR_TEST_STACK_SECRETS;
  const secrets = secretsJson
    ? (JSON.parse(secretsJson) as Record<string, Record<string, string>>)
    : {};
  evaluateStacks(files, secrets).then(
    (results) => {
      // The mocks keep nothing alive that matters; do not wait for stray timers.
      process.stdout.write(`${JSON.stringify(results)}\n`, () => process.exit(0));
    },
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exit(1);
    },
  );
}
