/**
 * Facts and derived settings of Harbor's high-availability back ends (pure: no resources, no
 * config reads): the CloudNativePG `Cluster` behind `harbor:database.type: cloudnative-pg`, the
 * bucket Rook-Ceph provisions for `harbor:objectStorage.type: rook`, and what Harbor's chart gets
 * for them and for replicated components.
 */
import {
  DATABASE_MAX_CONNECTIONS,
  DATABASE_RESERVED_CONNECTIONS,
  cloudNativePgNames,
} from "../config/ha";
import { chartFullname } from "../config/facts";
import type { HarborSettings } from "../config/types";

export {
  DATABASE_MAX_CONNECTIONS,
  DATABASE_RESERVED_CONNECTIONS,
  DEFAULT_DATABASE_RESOURCES,
  DEFAULT_POSTGRES_IMAGE,
  HARBOR_DATABASE,
  HARBOR_DATABASE_OWNER,
  MAX_CLUSTER_NAME_LENGTH,
  SUPPORTED_POSTGRES_MAJORS,
  cloudNativePgClusterName,
  cloudNativePgNames,
  clusterNameProblem,
  type CloudNativePgNames,
} from "../config/ha";

/** Host Harbor connects to: the read-write Service, fully qualified within the cluster. */
export function readWriteHost(releaseName: string, namespace: string): string {
  return `${cloudNativePgNames(releaseName).readWriteService}.${namespace}.svc`;
}

/** The Harbor pods that hold database pools: core, jobservice and (with metrics) the exporter. */
export function databaseClients(config: HarborSettings): number {
  return config.replicas.core + config.replicas.jobservice + (config.metrics.enabled ? 1 : 0);
}

/**
 * Pool sizes for Harbor's database clients, so that every pod at its maximum still fits the
 * Cluster's `max_connections` (less the reserved connections).
 */
export function databasePools(config: HarborSettings): {
  maxOpenConns: number;
  maxIdleConns: number;
} {
  const budget = DATABASE_MAX_CONNECTIONS - DATABASE_RESERVED_CONNECTIONS;
  const maxOpenConns = Math.min(900, Math.floor(budget / databaseClients(config)));
  return { maxOpenConns, maxIdleConns: Math.min(50, maxOpenConns) };
}

/** Name of the ObjectBucketClaim, and so of the Secret and ConfigMap Rook creates for it. */
export function bucketClaimName(releaseName: string): string {
  return `${chartFullname(releaseName)}-registry-bucket`;
}

/** Name of the bucket StorageClass the program creates for a CephObjectStore. */
export function bucketClassName(namespace: string): string {
  return `${namespace}-rook-bucket`;
}

/**
 * Prefix of the generated bucket name. Rook appends `-<uuid>` and keeps the whole name within
 * S3's 63 characters by cutting the prefix to 26.
 */
export function bucketNamePrefix(releaseName: string): string {
  return `${chartFullname(releaseName)}-registry`.slice(0, 26).replace(/-+$/, "");
}

/** The bucket StorageClass's provisioner: Rook's bucket provisioner of an operator namespace. */
export function rookBucketProvisioner(operatorNamespace: string): string {
  return `${operatorNamespace}.ceph.rook.io/bucket`;
}

/** Keys of the ConfigMap and Secret Rook creates next to a bound ObjectBucketClaim. */
export const BUCKET_KEYS = {
  host: "BUCKET_HOST",
  port: "BUCKET_PORT",
  name: "BUCKET_NAME",
  accessKey: "AWS_ACCESS_KEY_ID",
  secretKey: "AWS_SECRET_ACCESS_KEY",
} as const;

/**
 * Whether jobservice writes job logs to the database instead of a file on its claim. Several
 * jobservice pods cannot share a ReadWriteOnce claim, and the chart's one `updateStrategy` covers
 * both registry and jobservice: a job-log claim on ReadWriteOnce would force `Recreate` on a
 * replicated registry too, taking all its pods down at every rollout. So job logs go to the
 * database when jobservice is replicated, or when the registry is replicated on ReadWriteOnce
 * storage (its blobs are then in object storage, and the job-log claim is the last volume).
 */
export function jobLogsInDatabase(config: HarborSettings): boolean {
  const rwo = config.storage.accessMode === "ReadWriteOnce";
  return config.replicas.jobservice > 1 || (rwo && config.replicas.registry > 1);
}

/**
 * Whether registry or jobservice mounts a ReadWriteOnce claim, and so must be updated with
 * `Recreate` (a rolling update would start the new pod before the old one releases the volume,
 * and wait forever).
 */
export function mountsReadWriteOnceClaim(config: HarborSettings): boolean {
  if (config.storage.accessMode !== "ReadWriteOnce") return false;
  const registryClaim = config.objectStorage === undefined;
  const jobLogClaim = !jobLogsInDatabase(config);
  return registryClaim || jobLogClaim;
}
