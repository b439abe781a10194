/**
 * Prints the Harbor chart values a stack declares, evaluated under the test mocks (deterministic
 * stand-ins for generated passwords, keys and certificates), as YAML. Used to check the chart
 * renders identically twice with the program's values:
 *
 *   npx ts-node scripts/render-values.ts Pulumi.dev.yaml [secrets.json] > values.yaml
 *   helm template harbor ./harbor -n harbor -f values.yaml
 */
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import { stackSecrets } from "../test/fixtures/stack-secrets";
import { harborValues, readStackFile, runProgram } from "../test/harness";

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error("usage: render-values.ts <Pulumi.<stack>.yaml> [secrets.json]");
  const stack = readStackFile(file);
  // Secret config the stack needs (stack files carry none): a JSON map {"key": "value"}, or the
  // test fixture's values for the example stacks.
  const secrets = process.argv[3]
    ? (JSON.parse(readFileSync(process.argv[3], "utf8")) as Record<string, string>)
    : stackSecrets(stack.stack ?? "", stack.config);
  const run = await runProgram({ ...stack, secrets });
  process.stdout.write(stringify(harborValues(run)));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
