/**
 * The package's library entry for other Pulumi programs (`import { Harbor, harborArgs } from
 * "harbor/library"`); `index.ts` is this project's own stack program.
 *
 *   const harbor = new Harbor("registry", harborArgs({ hostname: "registry.example.com" }), {
 *     providers: [cluster.provider],
 *   });
 */
export { Harbor, type ClientTrustPaths, type HarborArgs } from "./components/harbor";
export { kubernetesProvider, providerArgs } from "./components/provider";
export { ConfigError } from "./config/errors";
export {
  harborArgs,
  loadConfig,
  type ConfigSource,
  type HarborConfig,
  type HarborInput,
  type KubernetesStackSettings,
} from "./config/load";
export type { StackImage } from "./lib/chart";
export {
  RegistryContent,
  type RegistryContentArgs,
  type RobotAccount,
} from "./components/registry-content";
export {
  parseRegistryContent,
  type RegistryContentConfig,
  type RegistryContentContext,
} from "./config/registry-content";
