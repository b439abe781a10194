/** The example high-availability stack for the HA tests: `Pulumi.ha.yaml` at the project root. */
import type { HarborConfig } from "../../config/types";
import { projectFile, readStackFile, type StackConfig } from "./harness";
import { configOf } from "./config";

/** Path of the HA example stack file. */
export function haStackFile(): string {
  return projectFile("Pulumi.ha.yaml");
}

/** The HA example stack (it needs no secrets). */
export function haStack(): StackConfig {
  return readStackFile(haStackFile());
}

/** Its validated configuration. */
export function haConfig(): HarborConfig {
  const stack = haStack();
  return configOf(stack.config, {}, stack.stack);
}
