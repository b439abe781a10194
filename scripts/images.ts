/**
 * Prints every image a stack runs, one `<source> <mirror>` pair per line, from the stack file alone
 * (the program evaluated under the test mocks; no cluster, no Pulumi CLI). An air-gapped site
 * copies each source to its mirror before the first `pulumi up`:
 *
 *   npx ts-node scripts/images.ts Pulumi.prod.yaml [secrets.json] |
 *     while read -r source mirror; do skopeo copy --all "docker://$source" "docker://$mirror"; done
 *
 * The same list is the stack output `images`.
 */
import { readFileSync } from "node:fs";
import type { StackImage } from "../lib/chart";
import { stackSecrets } from "../test/fixtures/stack-secrets";
import { readStackFile, runProgram } from "../test/harness";

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error("usage: images.ts <Pulumi.<stack>.yaml> [secrets.json]");
  const stack = readStackFile(file);
  // Secret config the stack needs to validate (stack files carry none): a JSON map
  // {"key": "value"}, or the test fixture's values for the example stacks.
  const secrets = process.argv[3]
    ? (JSON.parse(readFileSync(process.argv[3], "utf8")) as Record<string, string>)
    : stackSecrets(stack.stack ?? "", stack.config);
  const run = await runProgram({ ...stack, secrets });
  for (const image of run.outputs.images as StackImage[]) {
    process.stdout.write(`${image.source} ${image.mirror}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
