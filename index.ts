/**
 * Harbor on Kubernetes: load and validate the stack configuration once, build the components,
 * export what other stacks need.
 */
import * as pulumi from "@pulumi/pulumi";
import { Certificates } from "./components/certificates";
import { HarborCredentials } from "./components/credentials";
import { HarborRelease } from "./components/harbor";
import { HarborNamespace } from "./components/namespace";
import { kubernetesProvider } from "./components/provider";
import { HarborStorage } from "./components/storage";
import { loadConfig, pulumiConfigSource } from "./config/load";
import { userSettingsJson } from "./lib/auth";
import { harborObjectNames } from "./lib/chart";
import { deriveExternalURL, registryAddress, serverSans, trustPaths } from "./lib/urls";
import { buildHarborValues } from "./lib/values";

const config = loadConfig(pulumiConfigSource());
const names = harborObjectNames(config.releaseName);

const provider = kubernetesProvider("kubernetes", config.kubernetes);
const opts: pulumi.ComponentResourceOptions = { providers: [provider] };

const harborNamespace = new HarborNamespace(
  "harbor",
  { name: config.namespace, protect: config.protect },
  opts,
);
const inNamespace = { ...opts, dependsOn: [harborNamespace] };

const certificates =
  config.tls.mode === "disabled"
    ? undefined
    : new Certificates(
        "harbor",
        {
          namespace: harborNamespace.name,
          secretName: names.tlsSecret,
          tls: config.tls,
          commonName: config.hostname,
          sans: serverSans(config),
          caCommonName: `Harbor CA (${pulumi.getStack()}/${config.namespace})`,
          protect: config.protect,
        },
        inNamespace,
      );

const credentials = new HarborCredentials(
  "harbor",
  { adminPassword: config.adminPassword, protect: config.protect },
  opts,
);

const storage = new HarborStorage(
  "harbor",
  {
    storage: config.storage,
    namespace: config.namespace,
    deployMode: config.deployMode,
    imageRegistry: config.imageRegistry,
    protect: config.protect,
  },
  opts,
);

const s3Credentials = config.objectStorage?.credentials;
const values = buildHarborValues(config, {
  tlsSecretName: certificates ? names.tlsSecret : undefined,
  tlsCertificateSha256: certificates?.certificateSha256,
  credentials: credentials.values,
  storageClassName: config.storage.className,
  s3SecretName: s3Credentials ? names.s3Secret : undefined,
  userSettings: userSettingsJson(config.auth),
});

new HarborRelease(
  "harbor",
  {
    namespace: harborNamespace.name,
    releaseName: config.releaseName,
    chart: config.chart,
    deployMode: config.deployMode,
    values,
    s3Credentials: s3Credentials && { secretName: names.s3Secret, ...s3Credentials },
  },
  { ...opts, dependsOn: [harborNamespace, storage, ...(certificates ? [certificates] : [])] },
);

const paths = trustPaths(config);

/** URL of Harbor's portal and API. */
export const url = deriveExternalURL(config);
/** Host (and port) for `docker login` and image references. */
export const registry = registryAddress(config);
export const hostname = config.hostname;
export const namespace = config.namespace;
export const releaseName = config.releaseName;
export const chartVersion = config.chart.version;
export const storageClassName = storage.className;
/** PEM of the CA clients must trust (empty when TLS is terminated in front of Harbor). */
export const caCertificate = certificates ? certificates.caCertificate : "";
export const tlsSecretName = certificates ? certificates.secretName : "";
export const adminUsername = "admin";
export const adminPassword = pulumi.secret(credentials.adminPassword);
/** Where docker and containerd look for this registry's CA. */
export const clientTrustPaths = paths;
