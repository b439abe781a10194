/**
 * The package's library entry for other Pulumi programs (`import { Harbor, harborArgs } from
 * "@harbor-k8s/pulumi"`); `index.ts` is this project's own stack program, and
 * `@harbor-k8s/pulumi/testing` (testing.ts) helps programs test themselves under Pulumi's mocks.
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
  HARBOR_OUTPUT_NAMES,
  HARBOR_SECRET_OUTPUTS,
  harborStackOutputs,
  type HarborOutputs,
  type HarborStackOutputs,
} from "./lib/stack-outputs";
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
