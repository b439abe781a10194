/**
 * Harbor on Kubernetes: load and validate the stack configuration once, build the components,
 * export what other stacks need.
 */
import * as pulumi from "@pulumi/pulumi";
import { Certificates } from "./components/certificates";
import { HarborCredentials } from "./components/credentials";
import { HarborRelease } from "./components/harbor";
import { HarborNamespace } from "./components/namespace";
import { NamespaceTrust } from "./components/namespace-trust";
import { NodeTrust, nodeTrustNamespaceName } from "./components/node-trust";
import { kubernetesProvider } from "./components/provider";
import { RouteCertificateGrant } from "./components/route-grant";
import { HarborStorage } from "./components/storage";
import { loadConfig, pulumiConfigSource } from "./config/load";
import { userSettingsJson } from "./lib/auth";
import {
  chartFullname,
  configMapsWithRedisUrls,
  harborObjectNames,
  stackImages,
} from "./lib/chart";
import { deriveExternalURL, registryAddress, serverSans, trustPaths } from "./lib/urls";
import { reviewableValues } from "./lib/review";
import {
  buildHarborValues,
  harborImages,
  podSecurityReportLevel,
  type ValuesContext,
} from "./lib/values";

const config = loadConfig(pulumiConfigSource());
const names = harborObjectNames(config.releaseName);
/** Host (and port) for `docker login` and image references. */
const registry = registryAddress(config);

const provider = kubernetesProvider("kubernetes", config.kubernetes);
const opts: pulumi.ComponentResourceOptions = { providers: [provider] };

const harborNamespace = new HarborNamespace(
  "harbor",
  {
    name: config.namespace,
    protect: config.protect,
    podSecurityReport: podSecurityReportLevel(config),
  },
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
const valuesContext: ValuesContext = {
  tlsSecretName: certificates ? names.tlsSecret : undefined,
  tlsCertificateSha256: certificates?.certificateSha256,
  credentials: credentials.values,
  storageClassName: config.storage.className,
  s3SecretName: s3Credentials ? names.s3Secret : undefined,
  userSettings: userSettingsJson(config.auth),
};
const values = buildHarborValues(config, valuesContext);

new HarborRelease(
  "harbor",
  {
    namespace: harborNamespace.name,
    releaseName: config.releaseName,
    chart: config.chart,
    deployMode: config.deployMode,
    values,
    s3Credentials: s3Credentials && { secretName: names.s3Secret, ...s3Credentials },
    sensitiveConfigMaps:
      config.redis.type === "external" && config.redis.password
        ? configMapsWithRedisUrls(config.releaseName)
        : [],
  },
  { ...opts, dependsOn: [harborNamespace, storage, ...(certificates ? [certificates] : [])] },
);

if (certificates && config.expose.type === "route") {
  const gatewayNamespaces = config.expose.route.parentRefs
    .map((ref) => ref.namespace)
    .filter((ns): ns is string => ns !== undefined && ns !== config.namespace);
  if (gatewayNamespaces.length > 0) {
    new RouteCertificateGrant(
      "harbor",
      { namespace: harborNamespace.name, secretName: names.tlsSecret, gatewayNamespaces },
      inNamespace,
    );
  }
}

// Client trust: the CA on every node (opt-in DaemonSet) and in the namespaces that call Harbor.
const nodeTrust =
  certificates && config.trust.nodes.enabled
    ? new NodeTrust(
        "harbor-node-trust",
        {
          namespace: nodeTrustNamespaceName(config.namespace),
          registry,
          caCertificate: certificates.caCertificate,
          runtime: config.trust.nodes.runtime,
          hostsDir: config.trust.nodes.hostsDir,
          image: config.trust.nodes.image,
          imageRegistry: config.imageRegistry,
        },
        opts,
      )
    : undefined;
if (certificates && config.trust.namespaces.length > 0) {
  new NamespaceTrust(
    "harbor-trust",
    {
      namespaces: config.trust.namespaces,
      caCertificate: certificates.caCertificate,
      configMapName: `${chartFullname(config.releaseName)}-ca`,
    },
    opts,
  );
}

const paths = trustPaths(config);

/** URL of Harbor's portal and API. */
export const url = deriveExternalURL(config);
export { registry };
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
/**
 * Harbor's chart values with every credential shown as "(secret)": the Release's own `values` are
 * one secret, so this is where `pulumi preview` shows what changes in them.
 */
export const chartValues = reviewableValues(config, valuesContext);
/** Every image the stack runs; an air-gapped site copies each `source` to its `mirror` first. */
export const images = stackImages(
  [...harborImages(config), ...storage.images, ...(nodeTrust?.images ?? [])],
  config.imageRegistry,
);
