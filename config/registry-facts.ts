/**
 * Facts about Harbor 2.15.1 (chart 1.19.1) that the configuration checks and the API model share:
 * registry adapters, which of them can back a proxy cache, roles, severities, the permissions a
 * robot can get on a project, and storage quotas.
 *
 * Constants and pure functions only, with no imports: the dynamic providers that use them through
 * lib/harbor-api/model.ts are serialized by Pulumi into the state.
 */

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
