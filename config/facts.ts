/**
 * Facts about Harbor, its chart and the clusters it runs on that the configuration (config/) and
 * what is built from it (lib/, components/) share: the chart versions this program was written
 * against and the names the chart derives from a release, the defaults of an installation (its
 * namespace and release name, the admin user, the label on everything the program creates, the
 * container runtimes' certificate directories), and Harbor 2.15.1's registry model (adapters,
 * proxy caches, roles, severities, robot permissions, quotas, Quay secrets, LDAP group DNs).
 *
 * Constants and pure functions only, with no imports: the dynamic providers that use them through
 * lib/harbor-api/model.ts carry them into the state, and nothing here may pull zod or Pulumi in.
 */

// ---------------------------------------------------------------------------------------------
// Harbor's chart

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

/** The chart's name in its repository, and its `app` label on every pod (`harbor.name`). */
export const CHART_NAME = "harbor";

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

// ---------------------------------------------------------------------------------------------
// An installation

/** The namespace the program creates for Harbor unless `harbor:namespace` says otherwise. */
export const DEFAULT_NAMESPACE = "harbor";

/** The Helm release name unless `harbor:releaseName` says otherwise. */
export const DEFAULT_RELEASE_NAME = "harbor";

/** Harbor's built-in administrator (user ID 1), whose initial password the program sets. */
export const ADMIN_USERNAME = "admin";

/** The label on every object the program creates outside the chart. */
export const PART_OF_LABEL = { "app.kubernetes.io/part-of": "harbor" } as const;

/**
 * Where each container runtime looks for a registry's CA by default (`<dir>/<host[:port]>/`):
 * the `config_path` containerd's registry documentation configures (containerd/containerd/docs/hosts.md),
 * and Docker's `certs.d`. k3s and RKE2 keep theirs elsewhere (`harbor:trust.nodes.hostsDir`).
 */
export const DEFAULT_HOSTS_DIRS = {
  containerd: "/etc/containerd/certs.d",
  docker: "/etc/docker/certs.d",
} as const;

// ---------------------------------------------------------------------------------------------
// Harbor's registry model (Harbor 2.15.1, chart 1.19.1)

/** Registry adapters of Harbor 2.15.1 (`src/pkg/reg/model`, `src/pkg/reg/adapter`). */
export const REGISTRY_TYPES = [
  "docker-hub",
  "docker-registry",
  "harbor",
  "github-ghcr",
  "quay",
  "google-gcr",
  "aws-ecr",
  "azure-acr",
  "ali-acr",
  "jfrog-artifactory",
  "gitlab",
  "dtr",
  "huawei-SWR",
  "tencent-tcr",
  "volcengine-cr",
] as const;
export type RegistryType = (typeof REGISTRY_TYPES)[number];

/**
 * Adapters chart 1.19.1 permits as a proxy cache's upstream (`PERMITTED_REGISTRY_TYPES_FOR_PROXY_CACHE`
 * in the core ConfigMap); Harbor refuses a proxy cache project over any other.
 */
export const PROXY_CACHE_TYPES: readonly RegistryType[] = [
  "docker-hub",
  "harbor",
  "azure-acr",
  "ali-acr",
  "aws-ecr",
  "google-gcr",
  "docker-registry",
  "github-ghcr",
  "jfrog-artifactory",
];

/** The URL Harbor's portal fills in for adapters with a fixed endpoint. */
export const DEFAULT_REGISTRY_URLS: Partial<Record<RegistryType, string>> = {
  "docker-hub": "https://hub.docker.com",
  "github-ghcr": "https://ghcr.io",
  quay: "https://quay.io",
};

/** Project roles; Harbor's IDs are 1 projectAdmin, 2 developer, 3 guest, 4 maintainer, 5 limitedGuest. */
export const ROLE_IDS = {
  projectAdmin: 1,
  maintainer: 4,
  developer: 2,
  guest: 3,
  limitedGuest: 5,
} as const;
export type Role = keyof typeof ROLE_IDS;
export const ROLES = Object.keys(ROLE_IDS) as Role[];

/** The role of a Harbor role ID. */
export function roleOf(id: number | undefined): Role | undefined {
  return (Object.keys(ROLE_IDS) as Role[]).find((r) => ROLE_IDS[r] === id);
}

/** Severities of `metadata.severity`: images with a vulnerability at or above it cannot be pulled. */
export const SEVERITIES = ["none", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Actions a system robot can get on a project (`ScopeProject` of Harbor 2.15.1's
 * `src/common/rbac/const.go`), as `resource:action`.
 */
export const PROJECT_PERMISSIONS = [
  "log:list",
  "project:read",
  "project:delete",
  "project:update",
  "metadata:read",
  "metadata:create",
  "metadata:delete",
  "metadata:list",
  "metadata:update",
  "repository:read",
  "repository:update",
  "repository:delete",
  "repository:list",
  "repository:pull",
  "repository:push",
  "artifact:read",
  "artifact:create",
  "artifact:list",
  "artifact:delete",
  "scan:create",
  "scan:read",
  "scan:stop",
  "sbom:create",
  "sbom:stop",
  "sbom:read",
  "tag:create",
  "tag:list",
  "tag:delete",
  "accessory:list",
  "artifact-addition:read",
  "artifact-label:create",
  "artifact-label:delete",
  "scanner:create",
  "scanner:read",
  "preheat-policy:read",
  "preheat-policy:create",
  "preheat-policy:delete",
  "preheat-policy:list",
  "preheat-policy:update",
  "immutable-tag:create",
  "immutable-tag:delete",
  "immutable-tag:list",
  "immutable-tag:update",
  "notification-policy:read",
  "notification-policy:create",
  "notification-policy:delete",
  "notification-policy:list",
  "notification-policy:update",
  "tag-retention:read",
  "tag-retention:create",
  "tag-retention:delete",
  "tag-retention:list",
  "tag-retention:update",
  "label:read",
  "label:create",
  "label:delete",
  "label:list",
  "label:update",
  "quota:read",
] as const;

/** Short names for the common permissions (`pull` is `repository:pull`). */
export const PERMISSION_SHORTHANDS: Record<string, string> = {
  pull: "repository:pull",
  push: "repository:push",
  delete: "repository:delete",
  list: "repository:list",
  read: "repository:read",
};

/** `repository:pull` for `pull`; a full `resource:action` unchanged. */
export function expandPermission(permission: string): string {
  return PERMISSION_SHORTHANDS[permission] ?? permission;
}

// ---------------------------------------------------------------------------------------------
// Quotas

/** A storage quota: a binary size (`50Gi`) or -1 for unlimited. */
export type Quota = string | -1;

const QUOTA_UNITS: [string, number][] = [
  ["Ti", 2 ** 40],
  ["Gi", 2 ** 30],
  ["Mi", 2 ** 20],
  ["Ki", 2 ** 10],
];

/** Largest quota Harbor's portal offers (1024 TiB). */
export const MAX_QUOTA_BYTES = 1024 * 2 ** 40;

/** Bytes of a quota (`50Gi` -> 53687091200, -1 -> -1); NaN for anything else. */
export function quotaBytes(quota: Quota): number {
  if (quota === -1) return -1;
  const match = /^(\d+)(Ti|Gi|Mi|Ki)?$/.exec(quota);
  if (!match) return NaN;
  const unit = QUOTA_UNITS.find(([u]) => u === match[2]);
  return Number(match[1]) * (unit ? unit[1] : 1);
}

/** The canonical quota of a byte count: the largest unit that divides it (53687091200 -> `50Gi`). */
export function quotaFromBytes(bytes: number): Quota {
  if (bytes < 0) return -1;
  for (const [unit, size] of QUOTA_UNITS) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

// ---------------------------------------------------------------------------------------------
// Registry endpoints whose secret is a JSON document

/**
 * Adapters whose access key Harbor fixes and whose secret is a JSON document rather than a
 * password: the portal fills in this access key itself (`CredentialPattern.AccessKeyData` of the
 * adapter's `AdapterPattern`). Quay (`src/pkg/reg/adapter/quay/adapter.go`, `newAdapter`) reads
 * its secret as `{"account_name", "docker_cli_password", "oauth2_token"}` and fails on anything
 * else.
 */
export const JSON_SECRET_ACCESS_KEYS: Partial<Record<RegistryType, string>> = {
  quay: "json_file",
};

/** The fields of a Quay endpoint's secret (`cred` in Harbor's `src/pkg/reg/adapter/quay/types.go`). */
export interface QuayCredential {
  /** Quay user or robot account (`org+robot`) the registry calls log in as. */
  account_name: string;
  /** Its password or robot token for `docker login`. */
  docker_cli_password: string;
  /** An OAuth2 application token; with it Harbor also creates missing organizations on push. */
  oauth2_token?: string;
}

/** A registry endpoint's secret: a password or token, or Quay's JSON document. */
export type RegistrySecret = string | QuayCredential;

/**
 * The text Harbor stores as an endpoint's `access_secret`: a password as it is, Quay's document as
 * the JSON its adapter parses (keys in a fixed order, so the same document is the same text).
 */
export function accessSecretText(secret: RegistrySecret | undefined): string {
  if (secret === undefined) return "";
  if (typeof secret === "string") return secret;
  return JSON.stringify({
    account_name: secret.account_name,
    docker_cli_password: secret.docker_cli_password,
    ...(secret.oauth2_token !== undefined ? { oauth2_token: secret.oauth2_token } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// Docker Hub's hosts

/**
 * Hosts that all mean Docker Hub: `docker.io` in image references (containerd and Docker rewrite
 * `index.docker.io` to it), `registry-1.docker.io` and `registry.hub.docker.com` serving its
 * registry API (containerd's default server for `docker.io`, `remotes/docker/config/hosts.go`),
 * `index.docker.io` (Docker's legacy index) and `hub.docker.com` (the `docker-hub` adapter's URL).
 */
export const DOCKER_HUB_HOSTS: readonly string[] = [
  "docker.io",
  "registry-1.docker.io",
  "registry.hub.docker.com",
  "index.docker.io",
  "hub.docker.com",
];

// ---------------------------------------------------------------------------------------------
// Tag retention

/**
 * Days Harbor's own retention policy of a proxy cache project keeps an artifact after its last
 * pull (`defaultDaysToRetentionForProxyCacheProject` in `src/server/v2.0/handler/project.go`,
 * applied with `policy.WithNDaysSinceLastPull`).
 */
export const PROXY_CACHE_PULLED_DAYS = 7;

// ---------------------------------------------------------------------------------------------
// LDAP group DNs

/**
 * The form Harbor stores an LDAP group DN in, and looks it up by: lower-cased and trimmed
 * (`utils.TrimLower` in `src/pkg/usergroup/manager.go` `Onboard`/`Create`, and the DAO's insert).
 */
export function harborLdapGroupDn(dn: string): string {
  return dn.toLowerCase().trim();
}

/**
 * A DN parsed the way Harbor compares DNs (go-ldap's `ParseDN` on the lower-cased text, as
 * `UnderBaseDN` in `src/pkg/ldap/ldap.go` does): one entry per RDN, each its sorted
 * `type=value` pairs with escapes decoded and unescaped spaces around types and values dropped.
 * Undefined when the text is not a DN.
 */
export function parseLdapDn(dn: string): string[][] | undefined {
  const text = Array.from(dn.toLowerCase());
  const utf8 = new TextEncoder();
  const rdns: string[][] = [];
  let rdn: string[] = [];
  let type: string | undefined;
  // Bytes, as go-ldap decodes `\hh` escapes into bytes: `\c3\a9` and `é` are the same value.
  let buffer: number[] = [];
  let trailingSpaces = 0;
  const take = () => {
    const bytes = buffer.slice(0, buffer.length - trailingSpaces);
    buffer = [];
    trailingSpaces = 0;
    return bytes.map((b) => b.toString(16).padStart(2, "0")).join("");
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") {
      const next = text[i + 1];
      if (next !== undefined && ` "#+,;<=>\\`.includes(next)) {
        buffer.push(next.charCodeAt(0));
        i += 1;
      } else if (/^[0-9a-f]{2}$/.test(text.slice(i + 1, i + 3).join(""))) {
        buffer.push(parseInt(text.slice(i + 1, i + 3).join(""), 16));
        i += 2;
      } else {
        return undefined;
      }
      trailingSpaces = 0;
    } else if (c === "=" && type === undefined) {
      type = take();
      if (type === "") return undefined;
    } else if (c === "," || c === "+") {
      if (type === undefined) return undefined;
      rdn.push(`${type}=${take()}`);
      type = undefined;
      if (c === ",") {
        rdns.push(rdn.sort());
        rdn = [];
      }
    } else if (c === " " && buffer.length === 0) {
      continue;
    } else {
      trailingSpaces = c === " " ? trailingSpaces + 1 : 0;
      buffer.push(...utf8.encode(c));
    }
  }
  if (type === undefined) return undefined;
  rdn.push(`${type}=${take()}`);
  rdns.push(rdn.sort());
  return rdns;
}

/** Whether two DNs name the same entry, compared as Harbor compares them. */
export function sameLdapDn(a: string, b: string): boolean {
  const x = parseLdapDn(a);
  const y = parseLdapDn(b);
  return x !== undefined && y !== undefined && JSON.stringify(x) === JSON.stringify(y);
}

/**
 * Whether `dn` is `base` or lies under it: Harbor's `UnderBaseDN` (`src/pkg/ldap/ldap.go`), which
 * decides whether Harbor looks a group DN up at all (`searchGroup`).
 */
export function ldapDnUnder(base: string, dn: string): boolean {
  const b = parseLdapDn(base);
  const d = parseLdapDn(dn);
  if (b === undefined || d === undefined || b.length > d.length) return false;
  const tail = d.slice(d.length - b.length);
  return JSON.stringify(tail) === JSON.stringify(b);
}
