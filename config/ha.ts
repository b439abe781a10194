/**
 * Configuration of Harbor's high-availability back ends, plugged into the main schema
 * (schema.ts): `harbor:database` `{type: cloudnative-pg}` (a CloudNativePG `Cluster` the program
 * declares) and `harbor:objectStorage` `{type: rook}` (a bucket claimed from Rook-Ceph's object
 * store), with the cross-checks they need against the rest of the configuration.
 */
import { z } from "zod";
import { chartFullname } from "./facts";
import { imageRef, intRange, k8sName, k8sSubdomain, quantity, strictObject } from "./primitives";

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

const UNITS: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a Kubernetes quantity (`250m` -> 0.25, `1Gi` -> 1073741824). */
export function quantityValue(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(quantity);
  if (!m || !(m[2] in UNITS)) return NaN;
  return parseFloat(m[1]) * UNITS[m[2]];
}

const CPU = "a CPU quantity such as 500m or 2";

/** A CPU quantity: whole or decimal cores, or millicores (`500m`). */
export const cpuQuantity = () =>
  z
    .string({ error: `must be ${CPU}` })
    .refine((v) => /^(\d+m|\d+(\.\d+)?)$/.test(v) && quantityValue(v) > 0, {
      error: `must be ${CPU}`,
    });

/** Requests and limits of each PostgreSQL instance; a limit is never below its request. */
export const databaseResourcesSchema = strictObject({
  requests: strictObject({
    cpu: cpuQuantity().default(DEFAULT_DATABASE_RESOURCES.requests.cpu),
    memory: quantity().default(DEFAULT_DATABASE_RESOURCES.requests.memory),
  }).prefault({}),
  limits: strictObject({
    cpu: cpuQuantity().optional(),
    memory: quantity().default(DEFAULT_DATABASE_RESOURCES.limits.memory),
  }).prefault({}),
})
  .superRefine((r, ctx) => {
    for (const resource of ["cpu", "memory"] as const) {
      const limit = r.limits[resource];
      const request = r.requests[resource];
      if (limit !== undefined && quantityValue(limit) < quantityValue(request)) {
        ctx.addIssue({
          code: "custom",
          message: `must be at least harbor:database.resources.requests.${resource} (${request}); Kubernetes refuses a limit below its request`,
          path: ["limits", resource],
          input: limit,
        });
      }
    }
  })
  .prefault({});

/** An image whose tag starts with a PostgreSQL major version CloudNativePG supports. */
export const postgresImage = () =>
  imageRef().refine(
    (v) => {
      const tag = /:([\w][\w.-]*)$/.exec(v)?.[1];
      const major = tag === undefined ? NaN : Number(/^\d+/.exec(tag)?.[0]);
      return (SUPPORTED_POSTGRES_MAJORS as readonly number[]).includes(major);
    },
    {
      error: `must be an image whose tag starts with the PostgreSQL major version (${SUPPORTED_POSTGRES_MAJORS.join(", ")}), such as ${DEFAULT_POSTGRES_IMAGE}: CloudNativePG reads the version from the tag`,
    },
  );

/** `harbor:database` `{type: cloudnative-pg}`: a CloudNativePG `Cluster` the program declares. */
export const cloudNativePgDatabaseSchema = strictObject({
  type: z.literal("cloudnative-pg"),
  /** PostgreSQL instances: one primary, the rest hot standbys on other nodes. */
  instances: intRange(1, 9, "an integer 1-9 (one primary and up to eight standbys)")
    .default(3)
    .describe("PostgreSQL instances (1-9): one primary, the rest hot standbys on other nodes."),
  /** Volume size of each instance; `harbor:storage.sizes.database` when unset. */
  size: quantity()
    .optional()
    .meta({ docDefault: "`storage.sizes.database`", description: "Volume size of each instance." }),
  /** StorageClass of the instances' volumes; the stack's class when unset. */
  className: k8sSubdomain().optional().meta({
    docDefault: "the stack's class",
    description: "StorageClass of the instances' volumes.",
  }),
  /** PostgreSQL image (rewritten to `harbor:imageRegistry` when one is set). */
  imageName: postgresImage()
    .default(DEFAULT_POSTGRES_IMAGE)
    .describe(
      "PostgreSQL image (rewritten to `harbor:imageRegistry` when one is set); its tag starts with the PostgreSQL major version.",
    ),
  /** Requests and limits of each instance. */
  resources: databaseResourcesSchema.describe(
    "Requests and limits of each instance; a limit is never below its request.",
  ),
});

export type CloudNativePgDatabase = z.output<typeof cloudNativePgDatabaseSchema>;

/**
 * `harbor:objectStorage` `{type: rook}`: registry blobs in a bucket claimed from Rook-Ceph, on a
 * bucket class the program creates for `objectStoreName` or on an existing `bucketClassName`.
 */
export const rookObjectStorageSchema = strictObject({
  type: z.literal("rook"),
  /** CephObjectStore to claim the bucket from; the program creates a bucket class for it. */
  objectStoreName: k8sName()
    .optional()
    .describe(
      "CephObjectStore to claim the bucket from; the program creates a bucket class for it.",
    ),
  /** Namespace of that CephObjectStore (its CephCluster's); `rook-ceph` when unset. */
  objectStoreNamespace: k8sName().optional().meta({
    docDefault: "`rook-ceph`",
    description: "Namespace of that CephObjectStore (its CephCluster's).",
  }),
  /** Namespace of the Rook operator, which prefixes the bucket provisioner; `rook-ceph` when unset. */
  operatorNamespace: k8sName().optional().meta({
    docDefault: "`rook-ceph`",
    description: "Namespace of the Rook operator, which prefixes the bucket provisioner.",
  }),
  /** An existing bucket StorageClass (provisioner `<operator namespace>.ceph.rook.io/bucket`). */
  bucketClassName: k8sSubdomain()
    .optional()
    .describe(
      "An existing bucket StorageClass (provisioner `<operator namespace>.ceph.rook.io/bucket`), instead of `objectStoreName`.",
    ),
}).superRefine((r, ctx) => {
  if (r.objectStoreName === undefined && r.bucketClassName === undefined) {
    ctx.addIssue({
      code: "custom",
      message:
        "is required when harbor:objectStorage.type is rook: name the CephObjectStore to claim the bucket from, or set harbor:objectStorage.bucketClassName to an existing bucket StorageClass",
      path: ["objectStoreName"],
      input: undefined,
    });
  }
  if (r.objectStoreName !== undefined && r.bucketClassName !== undefined) {
    ctx.addIssue({
      code: "custom",
      message: `cannot be combined with harbor:objectStorage.objectStoreName (${r.objectStoreName}): the program either creates a bucket class for that object store or uses an existing class; set one of them`,
      path: ["bucketClassName"],
      input: r.bucketClassName,
    });
  }
  if (r.objectStoreName === undefined && r.bucketClassName !== undefined) {
    for (const key of ["objectStoreNamespace", "operatorNamespace"] as const) {
      if (r[key] !== undefined) {
        ctx.addIssue({
          code: "custom",
          message:
            "is only used with harbor:objectStorage.objectStoreName (an existing bucket class already names its object store and provisioner)",
          path: [key],
          input: r[key],
        });
      }
    }
  }
});

export type RookObjectStorage = z.output<typeof rookObjectStorageSchema>;

/** The parts of the parsed configuration the high-availability cross-checks read. */
export interface HighAvailabilityInputs {
  releaseName: string;
  database: { type: string };
  objectStorage?: { type: string };
  storage: { existingClaims: { database?: string } };
  s3AccessKey?: string;
  s3SecretKey?: string;
}

type Issue = (path: (string | number)[], message: string, input?: unknown) => void;

/**
 * Cross-checks of the high-availability back ends against the rest of the configuration; each
 * problem is reported through `issue` with the key it concerns.
 */
export function checkHighAvailability(c: HighAvailabilityInputs, issue: Issue): void {
  if (c.database.type === "cloudnative-pg") {
    const cluster = cloudNativePgClusterName(c.releaseName);
    const problem = clusterNameProblem(cluster);
    if (problem !== undefined) {
      issue(
        ["releaseName"],
        `names the CloudNativePG Cluster ${cluster}, which ${problem} (CloudNativePG wants a DNS-1035 label of at most 50 characters); choose a shorter release name that starts with a letter`,
        c.releaseName,
      );
    }
    if (c.storage.existingClaims.database !== undefined) {
      issue(
        ["storage", "existingClaims", "database"],
        "is only used by the internal database; a CloudNativePG Cluster creates its own volumes (move the data with pg_dump and the Cluster's import bootstrap, see docs/high-availability.md)",
        c.storage.existingClaims.database,
      );
    }
  }
  if (c.objectStorage?.type === "rook") {
    for (const key of ["s3AccessKey", "s3SecretKey"] as const) {
      if (c[key] !== undefined) {
        issue(
          [key],
          "is not used when harbor:objectStorage.type is rook: the registry reads the keys from the Secret Rook creates for the bucket claim",
        );
      }
    }
  }
}
