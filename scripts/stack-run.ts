/**
 * Shared by the scripts: evaluates the program for a stack file under the test mocks (no cluster,
 * no Pulumi CLI), with the stack's secret configuration from a JSON file or, for the example
 * stacks, the test fixtures. Errors print as one message and exit 1.
 */
import { readFileSync } from "node:fs";
import { stackSecrets } from "../test/fixtures/stack-secrets";
import { readStackFile, runProgram, type ProgramRun } from "../test/harness";

/** `<script> <Pulumi.<stack>.yaml> [secrets.json]`: the program's run for that stack. */
export async function runStackFromArgs(script: string): Promise<ProgramRun> {
  const file = process.argv[2];
  if (!file) throw new Error(`usage: ${script} <Pulumi.<stack>.yaml> [secrets.json]`);
  const stack = readStackFile(file);
  // Secret config the stack needs to validate (stack files carry none): a JSON map
  // {"key": "value"}, or the test fixture's values for the example stacks.
  const secrets = process.argv[3]
    ? (JSON.parse(readFileSync(process.argv[3], "utf8")) as Record<string, string>)
    : stackSecrets(stack.stack ?? "", stack.config);
  return runProgram({ ...stack, secrets });
}

/** Runs a script's main, printing a failure as its message alone. */
export function runScript(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
