/**
 * The example stacks the project ships (`Pulumi.<stack>.yaml` at the project root), by an explicit
 * list: a user's own stack file beside them is never evaluated by the tests. Each comes with the
 * secret configuration an operator would set (test/support/fixtures/stack-secrets.ts).
 */
import * as path from "node:path";
import { readStackFile, runProgram, type ProgramRun, type StackConfig } from "./harness";
import { stackSecrets } from "./fixtures/stack-secrets";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** The example stacks the project ships and documents, sorted. */
export const EXAMPLE_STACKS = ["dev", "gitops", "ha", "nfs", "prod", "rook"] as const;
/** The name of an example stack. */
export type ExampleStackName = (typeof EXAMPLE_STACKS)[number];

/** Absolute paths of the example stack files. */
export function exampleStackFiles(): string[] {
  return EXAMPLE_STACKS.map((stack) => path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`));
}

export interface ExampleStack extends StackConfig {
  stack: string;
  file: string;
}

/** Fixture kubeconfig for a stack that reads its kubeconfig from another stack. */
export function kubeconfigFixture(stack: string): string {
  return `apiVersion: v1\nkind: Config\n# fixture kubeconfig for ${stack}\nusers:\n- name: admin\n  user:\n    token: fixture-kubeconfig-token-${stack}-Wb7mKq2z\n`;
}

/** A stack file with its secrets and, when it reads a kubeconfig from another stack, that output. */
export function loadExampleStack(file: string): ExampleStack {
  const base = readStackFile(file);
  const stack = base.stack ?? path.basename(file);
  const secrets = stackSecrets(stack, base.config);
  const kubernetes = base.config.kubernetes as
    { kubeconfigFromStack?: { stack?: string; output?: string } } | undefined;
  const from = kubernetes?.kubeconfigFromStack;
  const stackOutputs =
    from?.stack !== undefined
      ? { [from.stack]: { [from.output ?? "kubeconfig"]: kubeconfigFixture(stack) } }
      : undefined;
  return { ...base, stack, file, secrets, ...(stackOutputs ? { stackOutputs } : {}) };
}

/** Every example stack, loaded. */
export function exampleStacks(): ExampleStack[] {
  return exampleStackFiles().map(loadExampleStack);
}

/** A path relative to the project root, for test titles. */
export function projectRelative(file: string): string {
  return path.relative(PROJECT_ROOT, file);
}

const runs = new Map<string, Promise<ProgramRun>>();

/**
 * The program's run for an example stack with its secrets, evaluated once per test process: many
 * suites read the same stacks, and a run is a pure function of the stack file. Tests only read it.
 */
export function exampleRun(stack: (typeof EXAMPLE_STACKS)[number]): Promise<ProgramRun> {
  let run = runs.get(stack);
  if (run === undefined) {
    run = runProgram(loadExampleStack(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`)));
    runs.set(stack, run);
  }
  return run;
}
