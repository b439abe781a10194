/**
 * `harbor:chart.values`: chart values the schema does not model (`imagePullSecrets` for a private
 * mirror, extra environment, probes, pod labels...), deep-merged over the program's values last.
 *
 * Values the program owns are refused, naming the key and what sets it instead: credentials and
 * TLS (which must stay Pulumi secrets, pinned so that two renders are byte-identical), storage,
 * the database and Redis, the URL and exposure, and every value a modelled key sets (replicas,
 * scheduling, images, resources). `OWNED_CHART_VALUES` is that list; test/chart-values.test.ts
 * proves that every value `buildHarborValues` sets is on it. The values are data: they go into
 * the chart's values object, never into a template or YAML text the program writes.
 */
import { z } from "zod";
import type { JsonValue } from "./harbor-args";
import { hasControlCharacters } from "./primitives";

/**
 * Chart templates interpolate some values unquoted: a line break there could start a new YAML
 * document (an object the program never declared).
 */
const WHY_ONE_LINE =
  "(chart templates interpolate some values unquoted, where a line break could add objects to the release)";
const ONE_LINE = `must be one line without control characters ${WHY_ONE_LINE}`;

/** A chart value path the program owns, and what sets it (or why nothing may). */
export interface OwnedValue {
  /** Path segments below the chart's values. */
  path: string[];
  /** Where the value comes from instead (`harbor:replicas.core`), or `nothing: <why>`. */
  owner: string;
}

/** `a.b.c`, or the segments themselves where a key has dots (an annotation name). */
const owned = (path: string | string[], owner: string): OwnedValue => ({
  path: typeof path === "string" ? path.split(".") : path,
  owner,
});

const CREDENTIALS =
  "nothing: it is a credential the program generates, pins and keeps secret (the admin password is harbor:adminPassword)";
const PLACEMENT = "harbor:scheduling (and harbor:storage.localPath.node)";

/** Workloads' value blocks, with the modelled keys that set their fields. */
const WORKLOADS = [
  "core",
  "portal",
  "jobservice",
  "nginx",
  "trivy",
  "exporter",
  "registry",
  "database.internal",
  "redis.internal",
];

/** Every chart value the program owns. */
export const OWNED_CHART_VALUES: OwnedValue[] = [
  owned("externalURL", "harbor:hostname and harbor:externalURL"),
  owned("expose", "harbor:expose and harbor:tls"),
  owned("caSecretName", "harbor:tls"),
  owned("internalTLS", "harbor:tls (the chart would generate certificates at every render)"),
  owned("persistence", "harbor:storage and harbor:objectStorage"),
  owned("harborAdminPassword", "harbor:adminPassword"),
  owned("existingSecretAdminPassword", "harbor:adminPassword"),
  owned("existingSecretAdminPasswordKey", "harbor:adminPassword"),
  owned("secretKey", CREDENTIALS),
  owned("existingSecretSecretKey", CREDENTIALS),
  owned("updateStrategy", "harbor:storage (Recreate on ReadWriteOnce volumes)"),
  owned("ipFamily", "harbor:ipFamily"),
  owned("metrics.enabled", "harbor:metrics"),
  owned("metrics.serviceMonitor.enabled", "harbor:metrics"),
  owned(
    "metrics.serviceMonitor.metricRelabelings",
    "nothing: the chart renders it through `tpl`, which would run template code written in it",
  ),
  owned("proxy", "harbor:proxy"),
  ...["core", "portal", "jobservice", "nginx", "trivy", "registry"].map((w) =>
    owned(`${w}.replicas`, `harbor:replicas.${w}`),
  ),
  ...WORKLOADS.flatMap((w) => [
    owned(`${w}.nodeSelector`, PLACEMENT),
    owned(`${w}.tolerations`, PLACEMENT),
    owned(`${w}.affinity`, PLACEMENT),
    owned(`${w}.image`, "harbor:imageRegistry and harbor:chart.version (the chart pins its tags)"),
  ]),
  ...["core", "portal", "jobservice", "nginx", "trivy", "registry"].flatMap((w) => [
    owned(`${w}.podDisruptionBudget`, `harbor:replicas.${w}`),
    owned(`${w}.topologySpreadConstraints`, `harbor:replicas.${w}`),
  ]),
  ...["core", "portal", "jobservice", "nginx", "trivy", "exporter"].map((w) =>
    owned(`${w}.resources`, `harbor:resources.${w}`),
  ),
  owned("registry.registry.resources", "harbor:resources.registry"),
  owned("database.internal.resources", "harbor:resources.database"),
  owned("redis.internal.resources", "harbor:resources.redis"),
  owned(
    ["nginx", "podAnnotations", "checksum/tls-certificate"],
    "harbor:tls (rolls nginx on a new certificate)",
  ),
  owned(
    ["registry", "podAnnotations", "backup.velero.io/backup-volumes-excludes"],
    "harbor:backup (engine velero)",
  ),
  owned("core.secret", CREDENTIALS),
  owned("core.secretName", CREDENTIALS),
  owned("core.existingSecret", CREDENTIALS),
  owned("core.xsrfKey", CREDENTIALS),
  owned("core.existingXsrfSecret", CREDENTIALS),
  owned("core.existingXsrfSecretKey", CREDENTIALS),
  owned("core.tokenKey", CREDENTIALS),
  owned("core.tokenCert", CREDENTIALS),
  owned("core.configureUserSettings", "harbor:auth"),
  owned("jobservice.secret", CREDENTIALS),
  owned("jobservice.existingSecret", CREDENTIALS),
  owned("jobservice.existingSecretKey", CREDENTIALS),
  owned("jobservice.jobLoggers", "harbor:replicas.jobservice (job logs move to the database)"),
  owned("registry.secret", CREDENTIALS),
  owned("registry.existingSecret", CREDENTIALS),
  owned("registry.existingSecretKey", CREDENTIALS),
  owned("registry.credentials", CREDENTIALS),
  owned("registry.registry.extraEnvVars", "harbor:objectStorage"),
  owned("registry.controller.extraEnvVars", "harbor:objectStorage"),
  owned("registry.registry.image", "harbor:imageRegistry and harbor:chart.version"),
  owned("registry.controller.image", "harbor:imageRegistry and harbor:chart.version"),
  owned("trivy.enabled", "harbor:trivy"),
  owned("trivy.skipUpdate", "harbor:trivy"),
  owned("trivy.offlineScan", "harbor:trivy"),
  owned("trivy.gitHubToken", "nothing: a credential here would be stored and shown in plain text"),
  owned("database.type", "harbor:database"),
  owned("database.external", "harbor:database and harbor:databasePassword"),
  owned("database.internal.password", CREDENTIALS),
  owned("database.internal.extrInitContainers", "harbor:storage (the pgdata ownership fix)"),
  owned("database.maxIdleConns", "harbor:database (pools sized for CloudNativePG)"),
  owned("database.maxOpenConns", "harbor:database (pools sized for CloudNativePG)"),
  owned("redis.type", "harbor:redis"),
  owned("redis.external", "harbor:redis and harbor:redisPassword"),
];

/** The owned value a chart value path conflicts with: one is a prefix of the other. */
export function ownerOf(path: readonly (string | number)[]): OwnedValue | undefined {
  return OWNED_CHART_VALUES.find((o) => {
    const n = Math.min(o.path.length, path.length);
    for (let i = 0; i < n; i++) if (o.path[i] !== path[i]) return false;
    return true;
  });
}

/** The message refusing an owned value. */
export function ownedMessage(owner: OwnedValue): string {
  return owner.owner.startsWith("nothing: ")
    ? `cannot be set through chart values: ${owner.owner.slice("nothing: ".length)}`
    : `is set by the program from ${owner.owner}; chart values cannot override it`;
}

/** Paths of a values object's leaves (scalars, lists, null); an empty object is no leaf. */
export function leafPaths(value: unknown, path: string[] = []): string[][] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, k]));
  }
  return [path];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;

/** Why a value is not JSON data (an Output, a function, NaN...), or undefined. */
function notJson(v: unknown): string | undefined {
  if (v === null || typeof v === "string" || typeof v === "boolean") return undefined;
  if (typeof v === "number") return Number.isFinite(v) ? undefined : "a finite number";
  if (Array.isArray(v) || isPlainObject(v)) return undefined;
  return "JSON data (a string, number, boolean, null, list or object; an Output cannot be merged into chart values)";
}

/** `harbor:chart.values`: JSON data, nothing the program owns. */
export const chartValuesSchema = z
  .record(z.string(), z.unknown() as unknown as z.ZodType<JsonValue>, {
    error: "must be an object of chart values",
  })
  .superRefine((values, ctx) => {
    const walk = (node: unknown, path: (string | number)[]): void => {
      const problem =
        notJson(node) ??
        (typeof node === "string" && hasControlCharacters(node) ? ONE_LINE : undefined);
      if (problem !== undefined) {
        ctx.addIssue({
          code: "custom",
          path,
          message: problem.startsWith("must ") ? problem : `must be ${problem}`,
          // Never echoed: a value here may be a credential that belongs elsewhere.
          input: undefined,
        });
        return;
      }
      const owner = ownerOf(path);
      const isObject = isPlainObject(node);
      // An object is merged key by key; anything else replaces what is there.
      if (owner !== undefined && (!isObject || owner.path.length <= path.length)) {
        ctx.addIssue({
          code: "custom",
          path,
          message: ownedMessage(owner),
          input: undefined,
        });
        return;
      }
      if (isObject) {
        for (const [k, v] of Object.entries(node)) {
          if (hasControlCharacters(k)) {
            ctx.addIssue({
              code: "custom",
              path,
              message: `has a key with control characters or a line break ${WHY_ONE_LINE}`,
              input: undefined,
            });
          } else {
            walk(v, [...path, k]);
          }
        }
      } else if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...path, i]));
    };
    walk(values, []);
  })
  .meta({ tsType: "{ [key: string]: JsonValue }" });

/**
 * `values` with `overrides` merged over it: objects key by key, anything else (lists included)
 * replaced, as Helm merges a values file over a chart's defaults. Owned values never reach here
 * (the schema refuses them), so no Output of the program's values is touched.
 */
export function mergeChartValues<T extends object>(
  values: T,
  overrides: Record<string, unknown>,
): T {
  const out: Record<string, unknown> = { ...(values as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] =
      isPlainObject(value) && isPlainObject(current) ? mergeChartValues(current, value) : value;
  }
  return out as T;
}
