/**
 * The example high-availability stack for the HA tests: `Pulumi.ha.yaml` at the project root once
 * the program wires the CloudNativePG and Rook components, `examples/ha/Pulumi.ha.yaml` until then.
 */
import { existsSync } from "node:fs";
import type { HarborConfig } from "../config/types";
import { projectFile, readStackFile, type StackConfig } from "./harness";
import { configOf } from "./helpers";

/** Path of the HA example stack file. */
export function haStackFile(): string {
  const root = projectFile("Pulumi.ha.yaml");
  return existsSync(root) ? root : projectFile("examples/ha/Pulumi.ha.yaml");
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
