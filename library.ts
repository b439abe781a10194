/**
 * The package's library entry for other Pulumi programs (`import { Harbor } from
 * "@harbor-k8s/pulumi"`); `index.ts` is this project's own stack program, and
 * `@harbor-k8s/pulumi/testing` (testing.ts) helps programs test themselves under Pulumi's mocks.
 *
 *   const harbor = new Harbor(
 *     "registry",
 *     { hostname: "registry.example.com", adminPassword: password.result, protect: true },
 *     { providers: [cluster.provider] },
 *   );
 */
export {
  Harbor,
  type ClientTrustPaths,
  type HarborArgs,
  type JsonValue,
} from "./components/harbor";
export { kubernetesProvider, providerArgs } from "./components/provider";
export { ConfigError } from "./config/errors";
export { type KubernetesStackSettings } from "./config/kubernetes";
export { loadConfig, stackArgs, type ConfigSource, type HarborConfig } from "./config/load";
export { DEFAULT_RESOURCES, RESOURCE_COMPONENTS, type ResourceComponent } from "./config/resources";
export { OWNED_CHART_VALUES, type OwnedValue } from "./config/chart-values";
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
