/**
 * Prints the Harbor chart values a stack declares, evaluated under the test mocks (deterministic
 * stand-ins for generated passwords, keys and certificates), as YAML. Used to check the chart
 * renders identically twice with the program's values:
 *
 *   npx ts-node scripts/render-values.ts Pulumi.dev.yaml [secrets.json] > values.yaml
 *   helm template harbor ./harbor -n harbor -f values.yaml
 */
import { stringify } from "yaml";
import { harborValues } from "../test/harness";
import { runScript, runStackFromArgs } from "./stack-run";

runScript(async () => {
  const run = await runStackFromArgs("render-values.ts");
  process.stdout.write(stringify(harborValues(run)));
});
