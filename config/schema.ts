/**
 * The schema of every `harbor:` key, composed from the configuration's sections, one file each
 * with its keys' schemas, its cross-checks and its mapping to the typed configuration:
 *
 * - scalars.ts: `hostname`, `namespace`, `releaseName`, `relocateFrom`, `externalURL`,
 *   `deployMode`, `imageRegistry`, `protect`
 * - expose.ts, tls.ts (with the certificate secrets), storage.ts, chart.ts (chart-values.ts holds
 *   its `values`), auth.ts (with `adminPassword`), database.ts (PostgreSQL and Redis),
 *   object-storage.ts, workloads.ts (`replicas`, `trivy`, `metrics`, `proxy`, `ipFamily`,
 *   `scheduling`), trust.ts, resources.ts, kubernetes.ts, ha.ts (the CloudNativePG and Rook
 *   variants), backup.ts and registry-content.ts
 *
 * The order of the keys here is the order of the generated reference (`npm run docs`), and the
 * order of the cross-checks is the order of the problems a `ConfigError` lists. `loadConfig`
 * (load.ts) parses the raw stack configuration with `rawConfigSchema`, then `toHarborConfig` maps
 * each section.
 */
import type { z } from "zod";
import { authKeys, checkAuth } from "./auth";
import {
  BACKUP_OBJECT_KEYS,
  BACKUP_SECRET_KEYS,
  backupConfigShape,
  backupContext,
  backupIssues,
} from "./backup";
import { chartKeys, checkChart } from "./chart";
import { checkDatabase, databaseKeys } from "./database";
import { checkExpose, exposeKeys } from "./expose";
import { checkHighAvailability } from "./ha";
import { checkKubernetes, kubernetesKeys } from "./kubernetes";
import { checkObjectStorage, objectStorageKeys } from "./object-storage";
import { strictObject, UNKNOWN_SECRET } from "./primitives";
import {
  REGISTRY_CONTENT_OBJECT_KEYS,
  REGISTRY_CONTENT_SECRET_KEYS,
  checkRegistryContent,
  registryContentContext,
  registryContentShape,
} from "./registry-content";
import { resourceKeys } from "./resources";
import { checkReleaseName, scalarKeys } from "./scalars";
import { checkStorage, storageKeys } from "./storage";
import { checkTls, tlsKeys } from "./tls";
import { checkTrust, trustKeys } from "./trust";
import { workloadKeys } from "./workloads";

/** Keys whose values are secrets: set with `pulumi config set --secret`, never echoed in errors. */
export const SECRET_KEYS = [
  "adminPassword",
  "tlsCertificate",
  "tlsPrivateKey",
  "tlsCaCertificate",
  "caPrivateKey",
  "databasePassword",
  "redisPassword",
  "s3AccessKey",
  "s3SecretKey",
  "ldapSearchPassword",
  "oidcClientSecret",
  ...BACKUP_SECRET_KEYS,
  ...REGISTRY_CONTENT_SECRET_KEYS,
] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** Keys whose values are JSON objects or lists in the stack file. */
export const OBJECT_KEYS = [
  "expose",
  "tls",
  "storage",
  "chart",
  "auth",
  "database",
  "redis",
  "objectStorage",
  "replicas",
  "trivy",
  "metrics",
  "proxy",
  "ipFamily",
  "scheduling",
  "trust",
  "kubernetes",
  "resources",
  ...BACKUP_OBJECT_KEYS,
  ...REGISTRY_CONTENT_OBJECT_KEYS,
] as const;

export { UNKNOWN_SECRET };

/** How a section's cross-checks report a problem, each naming the key it concerns. */
export interface Checks {
  /** A problem with the key at `path` (below `harbor:`), quoting `input` unless it is a secret. */
  issue: (path: (string | number)[], message: string, input?: unknown) => void;
  /** `key` is a secret this configuration needs (`when` says why). */
  requireSecret: (key: SecretKey, when: string) => void;
}

/** Every `harbor:` key as written in the stack file (after JSON parsing of object keys). */
export const rawConfigSchema = strictObject({
  hostname: scalarKeys.hostname,
  namespace: scalarKeys.namespace,
  releaseName: scalarKeys.releaseName,
  relocateFrom: scalarKeys.relocateFrom,
  externalURL: scalarKeys.externalURL,
  expose: exposeKeys.expose,
  tls: tlsKeys.tls,
  storage: storageKeys.storage,
  chart: chartKeys.chart,
  deployMode: scalarKeys.deployMode,
  auth: authKeys.auth,
  database: databaseKeys.database,
  redis: databaseKeys.redis,
  objectStorage: objectStorageKeys.objectStorage,
  replicas: workloadKeys.replicas,
  trivy: workloadKeys.trivy,
  metrics: workloadKeys.metrics,
  proxy: workloadKeys.proxy,
  ipFamily: workloadKeys.ipFamily,
  scheduling: workloadKeys.scheduling,
  imageRegistry: scalarKeys.imageRegistry,
  trust: trustKeys.trust,
  resources: resourceKeys.resources,
  kubernetes: kubernetesKeys.kubernetes,
  protect: scalarKeys.protect,
  caCertificate: tlsKeys.caCertificate,
  // Secrets (validated as plain text here, wrapped as Pulumi secrets afterwards).
  adminPassword: authKeys.adminPassword,
  tlsCertificate: tlsKeys.tlsCertificate,
  tlsPrivateKey: tlsKeys.tlsPrivateKey,
  tlsCaCertificate: tlsKeys.tlsCaCertificate,
  caPrivateKey: tlsKeys.caPrivateKey,
  databasePassword: databaseKeys.databasePassword,
  redisPassword: databaseKeys.redisPassword,
  s3AccessKey: objectStorageKeys.s3AccessKey,
  s3SecretKey: objectStorageKeys.s3SecretKey,
  ldapSearchPassword: authKeys.ldapSearchPassword,
  oidcClientSecret: authKeys.oidcClientSecret,
  // Backups and restore (config/backup.ts), their S3 keys among the secrets.
  ...backupConfigShape,
  // Registry content as code (config/registry-content.ts), its registry secrets among the secrets.
  ...registryContentShape,
}).superRefine((c, ctx) => {
  const issue = (path: (string | number)[], message: string, input?: unknown) =>
    ctx.addIssue({ code: "custom", path, message, input });
  const requireSecret = (key: SecretKey, when: string) => {
    if (c[key] === undefined) {
      issue(
        [key],
        `is required when ${when}: set it with \`pulumi config set --secret harbor:${key} <value>\``,
      );
    }
  };
  const checks: Checks = { issue, requireSecret };
  checkReleaseName(c, checks);
  checkExpose(c, checks);
  checkTls(c, checks);
  checkTrust(c, checks);
  checkStorage(c, checks);
  checkAuth(c, checks);
  checkDatabase(c, checks);
  checkObjectStorage(c, checks);
  checkHighAvailability(c, issue);
  checkChart(c, checks);
  for (const i of backupIssues(c, backupContext(c))) issue(i.path, i.message, i.input);
  for (const p of checkRegistryContent(c, registryContentContext(c))) issue(p.path, p.message);
  checkKubernetes(c, checks);
});

export type RawConfig = z.output<typeof rawConfigSchema>;
