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
import type { StackImage } from "../lib/chart";
import { runScript, runStackFromArgs } from "./stack-run";

runScript(async () => {
  const run = await runStackFromArgs("images.ts");
  for (const image of run.outputs.images as StackImage[]) {
    process.stdout.write(`${image.source} ${image.mirror}\n`);
  }
});
