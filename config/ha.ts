/**
 * Configuration of Harbor's high-availability back ends, plugged into the main schema
 * (schema.ts): `harbor:database` `{type: cloudnative-pg}` (a CloudNativePG `Cluster` the program
 * declares) and `harbor:objectStorage` `{type: rook}` (a bucket claimed from Rook-Ceph's object
 * store), with the cross-checks they need against the rest of the configuration.
 */
import { z } from "zod";
import {
  DEFAULT_DATABASE_RESOURCES,
  DEFAULT_POSTGRES_IMAGE,
  SUPPORTED_POSTGRES_MAJORS,
  cloudNativePgClusterName,
  clusterNameProblem,
} from "../lib/high-availability";
import { imageRef, intRange, k8sName, k8sSubdomain, quantity, strictObject } from "./primitives";

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
  instances: intRange(1, 9, "an integer 1-9 (one primary and up to eight standbys)").default(3),
  /** Volume size of each instance; `harbor:storage.sizes.database` when unset. */
  size: quantity().optional(),
  /** StorageClass of the instances' volumes; the stack's class when unset. */
  className: k8sSubdomain().optional(),
  /** PostgreSQL image (rewritten to `harbor:imageRegistry` when one is set). */
  imageName: postgresImage().default(DEFAULT_POSTGRES_IMAGE),
  /** Requests and limits of each instance. */
  resources: databaseResourcesSchema,
});

export type CloudNativePgDatabase = z.output<typeof cloudNativePgDatabaseSchema>;

/**
 * `harbor:objectStorage` `{type: rook}`: registry blobs in a bucket claimed from Rook-Ceph, on a
 * bucket class the program creates for `objectStoreName` or on an existing `bucketClassName`.
 */
export const rookObjectStorageSchema = strictObject({
  type: z.literal("rook"),
  /** CephObjectStore to claim the bucket from; the program creates a bucket class for it. */
  objectStoreName: k8sName().optional(),
  /** Namespace of that CephObjectStore (its CephCluster's); `rook-ceph` when unset. */
  objectStoreNamespace: k8sName().optional(),
  /** Namespace of the Rook operator, which prefixes the bucket provisioner; `rook-ceph` when unset. */
  operatorNamespace: k8sName().optional(),
  /** An existing bucket StorageClass (provisioner `<operator namespace>.ceph.rook.io/bucket`). */
  bucketClassName: k8sSubdomain().optional(),
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
