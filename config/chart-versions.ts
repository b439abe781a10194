/**
 * The goharbor chart versions this program was written against (the one place they are listed) and
 * the chart's naming rule. Configuration validation reads them here; `lib/chart.ts` re-exports
 * them for the rest.
 */
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
