/**
 * Facts about goharbor's `harbor` chart that the program depends on: the chart versions whose
 * values it was written against, object names the chart derives from the release name, and the
 * images it runs.
 */
import type { VolumeName } from "../config/types";

/** Chart versions this program supports, with the Harbor version each one installs. */
export const SUPPORTED_CHART_VERSIONS: Readonly<Record<string, string>> = {
  "1.17.0": "v2.13.0",
  "1.17.1": "v2.13.1",
  "1.17.2": "v2.13.2",
  "1.17.3": "v2.13.3",
  "1.17.4": "v2.13.4",
  "1.18.0": "v2.14.0",
  "1.18.1": "v2.14.1",
  "1.18.2": "v2.14.2",
  "1.18.3": "v2.14.3",
  "1.18.4": "v2.14.4",
  "1.19.0": "v2.15.0",
  "1.19.1": "v2.15.1",
};

export const DEFAULT_CHART_VERSION = "1.19.1";
export const DEFAULT_CHART_REPOSITORY = "https://helm.goharbor.io";

/** Compares dotted versions numerically: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The chart's `harbor.fullname`: the release name when it contains "harbor", else `<release>-harbor`. */
export function chartFullname(releaseName: string): string {
  const full = releaseName.includes("harbor") ? releaseName : `${releaseName}-harbor`;
  return full.slice(0, 63).replace(/-+$/, "");
}

/** Names of the PersistentVolumeClaims the chart creates for a release (for `existingClaims`). */
export function chartClaimNames(releaseName: string): Record<VolumeName, string> {
  const full = chartFullname(releaseName);
  return {
    registry: `${full}-registry`,
    jobservice: `${full}-jobservice`,
    database: `database-data-${full}-database-0`,
    redis: `data-${full}-redis-0`,
    trivy: `data-${full}-trivy-0`,
  };
}

/** Harbor's images, by the chart value that holds each repository. */
export const HARBOR_IMAGES = {
  nginx: "nginx-photon",
  portal: "harbor-portal",
  core: "harbor-core",
  jobservice: "harbor-jobservice",
  registry: "registry-photon",
  registryctl: "harbor-registryctl",
  trivy: "trivy-adapter-photon",
  database: "harbor-db",
  redis: "redis-photon",
  exporter: "harbor-exporter",
} as const;

/** `<prefix>/goharbor/<image>`: where a mirror keeps Harbor's images. */
export function harborImageRepository(prefix: string, image: string): string {
  return `${prefix}/goharbor/${image}`;
}

/**
 * An image reference split into its registry (undefined for Docker Hub's short forms) and its
 * repository path with tag, Docker's way: the first part names a registry only when it has a dot,
 * a colon or is `localhost`; a single name is an official image under `library/`.
 */
function splitImage(image: string): { registry?: string; path: string } {
  const parts = image.split("/");
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0])) {
    return { registry: parts[0], path: parts.slice(1).join("/") };
  }
  return { path: parts.length === 1 ? `library/${image}` : image };
}

/**
 * An image reference with its registry spelled out, as a mirror tool (`skopeo copy`, `crane copy`)
 * needs it: `busybox:1.37.0` -> `docker.io/library/busybox:1.37.0`.
 */
export function fullImageRef(image: string): string {
  const { registry, path } = splitImage(image);
  return `${registry ?? "docker.io"}/${path}`;
}

/**
 * Rewrites an image reference to a mirror: `busybox:1.37.0` -> `mirror/library/busybox:1.37.0`,
 * `registry.k8s.io/sig-storage/x:v1` -> `mirror/sig-storage/x:v1`.
 */
export function mirrorImage(image: string, mirror: string | undefined): string {
  if (!mirror) return image;
  return `${mirror}/${splitImage(image).path}`;
}

/** An image the stack runs and where it is pulled from. */
export interface StackImage {
  /** The image as published, registry included. */
  source: string;
  /** Where the cluster pulls it: `source` rewritten to `harbor:imageRegistry`, or `source`. */
  mirror: string;
}

/** Each image once, in order, with the reference the cluster pulls (copy `source` to `mirror`). */
export function stackImages(sources: string[], mirror: string | undefined): StackImage[] {
  return [...new Set(sources.map(fullImageRef))].map((source) => ({
    source,
    mirror: mirrorImage(source, mirror),
  }));
}

/** Names of the objects the program creates beside the chart's, derived from the release name. */
export function harborObjectNames(releaseName: string): { tlsSecret: string; s3Secret: string } {
  const full = chartFullname(releaseName);
  return { tlsSecret: `${full}-tls`, s3Secret: `${full}-s3` };
}

/**
 * ConfigMaps in which the chart embeds an external Redis password (inside Redis URLs): core's and
 * jobservice's configuration, the registry's config.yml and the exporter's environment.
 */
export function configMapsWithRedisUrls(releaseName: string): string[] {
  const full = chartFullname(releaseName);
  return [`${full}-core`, `${full}-jobservice`, `${full}-registry`, `${full}-exporter-env`];
}

/** Which of the chart's optional workloads a configuration runs (they add named objects). */
export interface ChartFeatures {
  /** The chart's PostgreSQL StatefulSet (`database.type: internal`). */
  internalDatabase: boolean;
  /** The chart's Redis StatefulSet (`redis.type: internal`). */
  internalRedis: boolean;
  /** Trivy's StatefulSet. */
  trivy: boolean;
  /** The metrics exporter's Deployment and Service. */
  metrics: boolean;
}

/** An object the chart names after the release, with the Kubernetes limit its name must meet. */
export interface DerivedName {
  kind: "Service" | "StatefulSet";
  name: string;
  /** Longest name Kubernetes accepts for it. */
  max: number;
  /** Why, in a sentence. */
  limit: string;
}

const SERVICE_LIMIT =
  "Service names are DNS-1035 labels of at most 63 characters (they become DNS names)";
const STATEFULSET_LIMIT =
  "a StatefulSet's pods carry the label controller-revision-hash=<name>-<hash of up to 10 characters>, and label values are limited to 63, so its name is limited to 52";

/**
 * The names goharbor's chart (1.17-1.19) derives from the release whose length Kubernetes limits:
 * every Service (`<fullname>-jobservice` is the longest) and StatefulSet (`<fullname>-database`).
 * Names of ConfigMaps, Secrets, Deployments and the Ingress only need to be DNS-1123 subdomains of
 * 253 characters, which a 53-character release name never exceeds.
 */
export function chartDerivedNames(releaseName: string, features: ChartFeatures): DerivedName[] {
  const full = chartFullname(releaseName);
  const service = (suffix: string): DerivedName => ({
    kind: "Service",
    name: `${full}-${suffix}`,
    max: 63,
    limit: SERVICE_LIMIT,
  });
  const statefulSet = (suffix: string): DerivedName => ({
    kind: "StatefulSet",
    name: `${full}-${suffix}`,
    max: 52,
    limit: STATEFULSET_LIMIT,
  });
  const names = [service("core"), service("jobservice"), service("portal"), service("registry")];
  if (features.internalDatabase) names.push(service("database"), statefulSet("database"));
  if (features.internalRedis) names.push(service("redis"), statefulSet("redis"));
  if (features.trivy) names.push(service("trivy"), statefulSet("trivy"));
  if (features.metrics) names.push(service("exporter"));
  return names;
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
