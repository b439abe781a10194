/**
 * Facts and derived settings of Harbor's high-availability back ends (pure: no resources, no
 * config reads): the CloudNativePG `Cluster` behind `harbor:database.type: cloudnative-pg`, the
 * bucket Rook-Ceph provisions for `harbor:objectStorage.type: rook`, and what Harbor's chart gets
 * for them and for replicated components.
 */
import type { HarborConfig } from "../config/types";
import { chartFullname } from "./chart";

/**
 * PostgreSQL image of the Cluster unless `harbor:database.imageName` says otherwise: the image
 * CloudNativePG 1.29 publishes for PostgreSQL 17, pinned. The operator's own default runs 18;
 * Harbor 2.15 ships PostgreSQL 15 in its internal database, and 17 is the conservative newer
 * major. CloudNativePG reads the major version from the tag.
 */
export const DEFAULT_POSTGRES_IMAGE = "ghcr.io/cloudnative-pg/postgresql:17.9-system-trixie";

/** PostgreSQL major versions CloudNativePG 1.29 supports, read from an image tag. */
export const SUPPORTED_POSTGRES_MAJORS = [14, 15, 16, 17, 18] as const;

/** Harbor's database (the chart's `coreDatabase`), created by the Cluster's bootstrap. */
export const HARBOR_DATABASE = "registry";

/** The PostgreSQL role that owns Harbor's database and that Harbor logs in as. */
export const HARBOR_DATABASE_OWNER = "harbor";

/** CloudNativePG refuses longer Cluster names (its derived object names must fit 63 characters). */
export const MAX_CLUSTER_NAME_LENGTH = 50;

/**
 * `max_connections` of the Cluster. Harbor's pools default to 900 open connections per pod, far
 * above PostgreSQL's default of 100; the pools are sized from this instead.
 */
export const DATABASE_MAX_CONNECTIONS = 400;

/** Connections kept free for the operator, replication, superusers and a manual `psql`. */
export const DATABASE_RESERVED_CONNECTIONS = 20;

/** Resources of each PostgreSQL instance unless `harbor:database.resources` says otherwise. */
export const DEFAULT_DATABASE_RESOURCES = {
  requests: { cpu: "250m", memory: "512Mi" },
  limits: { memory: "1Gi" },
} as const;

/** Objects the operator derives from a Cluster's name. */
export interface CloudNativePgNames {
  /** The `Cluster` object. */
  cluster: string;
  /** Service that always points at the primary (read-write). */
  readWriteService: string;
  /** Secret with `username`, `password` (and URIs) of the database owner. */
  appSecret: string;
}

/** The Cluster's name: `<chart fullname>-postgres`, next to the chart's own objects. */
export function cloudNativePgClusterName(releaseName: string): string {
  return `${chartFullname(releaseName)}-postgres`;
}

export function cloudNativePgNames(releaseName: string): CloudNativePgNames {
  const cluster = cloudNativePgClusterName(releaseName);
  return { cluster, readWriteService: `${cluster}-rw`, appSecret: `${cluster}-app` };
}

/**
 * Why CloudNativePG would refuse a Cluster name (a DNS-1035 label of at most 50 characters), or
 * undefined when it accepts it.
 */
export function clusterNameProblem(name: string): string | undefined {
  if (name.length > MAX_CLUSTER_NAME_LENGTH) {
    return `is longer than ${MAX_CLUSTER_NAME_LENGTH} characters`;
  }
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    return "does not start with a letter";
  }
  return undefined;
}

/** Host Harbor connects to: the read-write Service, fully qualified within the cluster. */
export function readWriteHost(releaseName: string, namespace: string): string {
  return `${cloudNativePgNames(releaseName).readWriteService}.${namespace}.svc`;
}

/** The Harbor pods that hold database pools: core, jobservice and (with metrics) the exporter. */
export function databaseClients(config: HarborConfig): number {
  return config.replicas.core + config.replicas.jobservice + (config.metrics.enabled ? 1 : 0);
}

/**
 * Pool sizes for Harbor's database clients, so that every pod at its maximum still fits the
 * Cluster's `max_connections` (less the reserved connections).
 */
export function databasePools(config: HarborConfig): {
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
export function jobLogsInDatabase(config: HarborConfig): boolean {
  const rwo = config.storage.accessMode === "ReadWriteOnce";
  return config.replicas.jobservice > 1 || (rwo && config.replicas.registry > 1);
}

/**
 * Whether registry or jobservice mounts a ReadWriteOnce claim, and so must be updated with
 * `Recreate` (a rolling update would start the new pod before the old one releases the volume,
 * and wait forever).
 */
export function mountsReadWriteOnceClaim(config: HarborConfig): boolean {
  if (config.storage.accessMode !== "ReadWriteOnce") return false;
  const registryClaim = config.objectStorage === undefined;
  const jobLogClaim = !jobLogsInDatabase(config);
  return registryClaim || jobLogClaim;
}
