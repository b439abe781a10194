/**
 * The top-level scalar keys: `hostname`, `namespace`, `releaseName`, `relocateFrom`, `externalURL`,
 * `deployMode`, `imageRegistry` and `protect`, with the release name's check against the objects
 * the chart names after it and the advice about a `kube-*` namespace.
 */
import { z } from "zod";
import {
  DEFAULT_NAMESPACE,
  DEFAULT_RELEASE_NAME,
  chartDerivedNames,
  chartFullname,
  type ChartFeatures,
} from "./facts";
import {
  bool,
  dns1035Label,
  hostOrIp,
  installationPlace,
  k8sName,
  originUrl,
  registryPrefix,
} from "./primitives";
import type { Checks, RawConfig } from "./schema";

/**
 * Namespaces Kubernetes itself uses. Harbor's namespace is created, labelled (Pod Security) and
 * protected as the program's own, which must never happen to one of these.
 */
export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/**
 * Harbor's namespace: a DNS-1123 label that is not a system namespace. Another `kube-*` name (seed
 * 003 installs into `kube-ops`) is a valid namespace of its own and gets a warning only
 * (`namespaceWarnings`).
 */
const harborNamespace = () =>
  k8sName().refine((v) => !SYSTEM_NAMESPACES.includes(v), {
    error:
      "must be a namespace of Harbor's own, not a system namespace (default, kube-system, kube-public, kube-node-lease): the program labels it for Pod Security and guards it as Harbor's",
  });

/** Advice about Harbor's namespace that does not stop a deployment. */
export function namespaceWarnings(namespace: string): string[] {
  return namespace.startsWith("kube-")
    ? [
        `harbor:namespace is ${namespace}: the kube- prefix is where Kubernetes keeps its own namespaces (kube-system, kube-public, kube-node-lease), so tools may treat it as a system namespace. It is used as Harbor's own: labelled for Pod Security baseline and protected.`,
      ]
    : [];
}

/**
 * Why a release name breaks a Kubernetes limit for these features (the object with the largest
 * overflow, and the longest release name that fits), or undefined.
 */
export function releaseNameProblem(
  releaseName: string,
  features: ChartFeatures,
): string | undefined {
  const names = chartDerivedNames(releaseName, features);
  const worst = names
    .filter((n) => n.name.length > n.max)
    .sort((a, b) => b.name.length - b.max - (a.name.length - a.max))[0];
  if (worst === undefined) return undefined;
  const full = chartFullname(releaseName);
  const fullMax = Math.min(...names.map((n) => n.max - (n.name.length - full.length)));
  const withHarbor = fullMax;
  const without = fullMax - "-harbor".length;
  return `is too long for this configuration: the chart names its ${worst.kind} ${JSON.stringify(worst.name)} (${worst.name.length} characters), and ${worst.limit}; use at most ${withHarbor} characters for a release name containing "harbor", ${without} otherwise (the chart appends -harbor)`;
}

/** The keys, in the order the schema lists them. */
export const scalarKeys = {
  hostname: hostOrIp().describe(
    "DNS name or IP address clients use (`docker login <hostname>`). An IP goes into the certificate's IP SANs. Must be a DNS name for `ingress` and `route`.",
  ),
  namespace: harborNamespace()
    .default(DEFAULT_NAMESPACE)
    .describe(
      "Namespace the program creates for Harbor (Pod Security `baseline`). Not a system namespace (`default`, `kube-system`, `kube-public`, `kube-node-lease`); another `kube-*` name gets a warning.",
    ),
  releaseName: dns1035Label(53)
    .default(DEFAULT_RELEASE_NAME)
    .describe(
      "Helm release name. Objects are named `<release>-<component>` when the name contains `harbor`, else `<release>-harbor-<component>` (the chart's rule). Starts with a letter (Service names derive from it); at most 43 characters with `harbor` in it and 36 without while the chart runs its database StatefulSet (52-character limit), else 52/45 (Service names, 63).",
    ),
  relocateFrom: installationPlace()
    .optional()
    .describe(
      "Only to move Harbor on purpose: the `<namespace>/<releaseName>` it is installed as now. Without it a changed `namespace` or `releaseName` is refused at preview, because Pulumi would install a new, empty Harbor and remove the old release. Take a backup first; see [docs/backups.md](docs/backups.md#move-harbor-to-another-namespace-or-release-name).",
    ),
  externalURL: originUrl({
    credentials: "the URL Harbor advertises is shown to every user and never carries credentials",
  })
    .optional()
    .meta({
      docDefault: "derived",
      description:
        "The URL clients use when a reverse proxy fronts Harbor (no path). Derived as `https://<hostname>`, with `:<https node port>` for `nodePort`. Required with `tls.mode: disabled`. No credentials; the host as for `hostname`.",
    }),
  deployMode: z
    .enum(["release", "chart"], { error: "must be release or chart" })
    .default("release")
    .describe(
      "`release`: `helm.v3.Release` (Helm-native, `helm list` works). `chart`: `helm.v4.Chart` (every chart object is a Pulumi resource with its own preview diff).",
    ),
  imageRegistry: registryPrefix()
    .optional()
    .describe(
      "Pull Harbor's images from this mirror: `mirror.example.com/dockerhub` pulls `mirror.example.com/dockerhub/goharbor/harbor-core:v2.15.1` and so on (also the provisioners and the trust DaemonSet). Never Harbor itself: it could not start on a fresh node.",
    ),
  protect: bool().optional().meta({
    argsDefault:
      "`true` (the stack program passes `false` for a stack named `dev` or starting with `dev-`, `dev_` or `dev.`)",
    docDefault:
      "`false` for a stack named `dev` or starting with `dev-`, `dev_` or `dev.`, else `true` (`true` for a program building `Harbor`)",
    description:
      "Protect what holds data or cannot be made again (the namespace, StorageClass, Ceph pool, CloudNativePG Cluster, Rook bucket, backup claim, CA, token key, encryption key, generated admin and database passwords) from deletion and replacement; see [docs/safety.md](docs/safety.md#data-protection).",
  }),
};

/** The release name against the names the chart derives from it for this configuration. */
export function checkReleaseName(c: RawConfig, { issue }: Checks): void {
  if (dns1035Label(53).safeParse(c.releaseName).success) {
    const problem = releaseNameProblem(c.releaseName, {
      internalDatabase: c.database.type === "internal",
      internalRedis: c.redis.type === "internal",
      trivy: c.trivy.enabled,
      metrics: c.metrics.enabled,
    });
    if (problem !== undefined) issue(["releaseName"], problem, c.releaseName);
  }
}
