/**
 * Harbor on Kubernetes: load and validate the stack configuration once, build one `Harbor`,
 * export what other stacks need.
 */
import { Harbor } from "./components/harbor";
import { deferPromiseStackTraces } from "./components/promise-stacks";
import { kubernetesProvider } from "./components/provider";
import { kubernetesStackSettings } from "./config/kubernetes";
import { loadConfig, pulumiConfigSource, stackArgs } from "./config/load";

// A preview maps ~2,000 stack traces the SDK keeps only for diagnostics; map them when printed.
deferPromiseStackTraces();
const config = loadConfig(pulumiConfigSource());
const provider = kubernetesProvider("kubernetes", config.kubernetes, kubernetesStackSettings());
const harbor = new Harbor("harbor", stackArgs(config), { providers: [provider] });

/** URL of Harbor's portal and API. */
export const url = harbor.url;
/** Host (and port) for `docker login` and image references. */
export const registry = harbor.registry;
export const hostname = harbor.hostname;
export const namespace = harbor.namespace;
export const releaseName = harbor.releaseName;
export const chartVersion = harbor.chartVersion;
export const storageClassName = harbor.storageClassName;
/** PEM of the CA clients must trust (empty when TLS is terminated in front of Harbor). */
export const caCertificate = harbor.caCertificate;
export const tlsSecretName = harbor.tlsSecretName;
export const adminUsername = harbor.adminUsername;
export const adminPassword = harbor.adminPassword;
/** Where docker and containerd look for this registry's CA. */
export const clientTrustPaths = harbor.clientTrustPaths;
/** Harbor's chart values with every credential shown as "(secret)", for reviewing previews. */
export const chartValues = harbor.chartValues;
/** Every image the stack runs, with where the cluster pulls it. */
export const images = harbor.images;
/** Status of the Helm release (deployMode `release`). */
export const releaseStatus = harbor.releaseStatus;
/** Names of the Harbor projects the stack manages. */
export const projects = harbor.projects;
/** Robot accounts by name: `{name, username}`. */
export const robots = harbor.robots;
/** Each robot's secret by robot name (secret). */
export const robotSecrets = harbor.robotSecrets;
/** A `.dockerconfigjson` per robot for this registry (secret): a consumer's pull Secret data. */
export const dockerConfigJson = harbor.dockerConfigJson;
