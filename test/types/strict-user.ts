/**
 * `HarborArgs` under the strictest settings a user's tsconfig may have
 * (test/types/tsconfig.strict.json: strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes,
 * no skipLibCheck): the generated interface and what a program writes against it compile.
 */
import * as pulumi from "@pulumi/pulumi";
import type { HarborArgs } from "../../config/harbor-args";

const config = new pulumi.Config();
const optionalContext: string | undefined = config.get("context");

export const args: HarborArgs = {
  hostname: "registry.example.com",
  adminPassword: config.requireSecret("adminPassword"),
  // An optional argument may be given as undefined (exactOptionalPropertyTypes).
  externalURL: undefined,
  kubernetes: { context: optionalContext },
  expose: { type: "loadBalancer", loadBalancer: { sourceRanges: ["10.0.0.0/8"] } },
  chart: { values: { nested: { list: [1, "two", true, null] } } },
};
