/**
 * `harbor:storage`: where volumes come from (local-path, NFS, Rook, an existing class), their
 * sizes and claims to adopt; checked against the replicas that must share the registry's volume
 * and the node scheduling pins Harbor to.
 */
import { posix } from "node:path";
import { z } from "zod";
import {
  absolutePath,
  bool,
  hostOrIp,
  intRange,
  isLabelValue,
  k8sName,
  k8sSubdomain,
  mountOption,
  quantity,
  requiredKeysObject,
  strictObject,
  uniqueList,
  variants,
} from "./primitives";
import type { Checks, RawConfig } from "./schema";

/** The chart's volumes, each key described by `what` (`what("the registry's blobs")`). */
const volumeShape = <T extends z.ZodType>(item: T, what: (volume: string) => string) =>
  strictObject({
    registry: item.describe(what("the registry's blobs (unless `objectStorage` holds them)")),
    jobservice: item.describe(what("jobservice's job logs")),
    database: item.describe(what("the internal PostgreSQL")),
    redis: item.describe(what("the internal Redis")),
    trivy: item.describe(what("Trivy's vulnerability database cache")),
  });

const sizes = () =>
  volumeShape(quantity().optional(), (v) => `Size of the volume of ${v}, such as \`20Gi\`.`)
    .prefault({})
    .transform((s) => ({
      registry: s.registry ?? "50Gi",
      jobservice: s.jobservice ?? "1Gi",
      database: s.database ?? "5Gi",
      redis: s.redis ?? "1Gi",
      trivy: s.trivy ?? "5Gi",
    }));

const storageCommon = {
  className: k8sSubdomain().optional().meta({
    docDefault: "`<namespace>-<variant>`",
    description:
      "StorageClass the program creates (never the cluster default), or for `existing` the class to use (required).",
  }),
  reclaimPolicy: z
    .enum(["Retain", "Delete"], { error: "must be Retain or Delete" })
    .default("Retain")
    .describe("`Retain` keeps registry data when a claim is deleted; `Delete`."),
  sizes: sizes().describe(
    "Volume sizes of `registry`, `jobservice`, `database`, `redis`, `trivy`: Kubernetes quantities (`20Gi`; `20GB` is refused).",
  ),
  existingClaims: volumeShape(
    k8sSubdomain().optional(),
    (v) => `An existing PersistentVolumeClaim to adopt for ${v}.`,
  )
    .prefault({})
    .meta({
      docDefault: "none",
      description:
        "`{registry, jobservice, database, redis, trivy}`: claims of an earlier install to adopt.",
    }),
  accessMode: z
    .enum(["ReadWriteOnce", "ReadWriteMany"], { error: "must be ReadWriteOnce or ReadWriteMany" })
    .optional()
    .meta({
      docDefault: "`ReadWriteMany` for nfs, else `ReadWriteOnce`",
      description: "Access mode of the registry and jobservice claims.",
    }),
};

const storageSchema = variants("variant", "local-path", [
  strictObject({
    variant: z
      .literal("local-path")
      .describe(
        "Where volumes come from; prerequisites per variant in [docs/storage.md](docs/storage.md).",
      ),
    ...storageCommon,
    localPath: strictObject({
      installProvisioner: bool().default(true),
      nodePath: absolutePath()
        .refine((p) => posix.resolve(p) !== "/", {
          error:
            "must be a directory below / such as /opt/local-path-provisioner (local-path-provisioner refuses the root directory)",
        })
        .default("/opt/local-path-provisioner"),
      node: k8sSubdomain()
        .refine((v) => isLabelValue(v), {
          error:
            "must be a node name of at most 63 characters (it is matched through the node's kubernetes.io/hostname label)",
        })
        .optional(),
    })
      .prefault({})
      .describe(
        "`installProvisioner`: install local-path-provisioner; `nodePath`: its directory on the nodes; `node`: pin Harbor and its volumes to one node.",
      ),
  }),
  strictObject({
    variant: z.literal("nfs"),
    ...storageCommon,
    nfs: requiredKeysObject(
      strictObject({
        server: hostOrIp({
          credentials: "NFS exports are authorised by client address, never by a password",
        }).describe("NFS server: a DNS name or IP address, no credentials."),
        path: absolutePath().describe("Exported directory on the server, an absolute path."),
        driver: z
          .enum(["subdir", "csi"], { error: "must be subdir or csi" })
          .default("subdir")
          .describe("`subdir`: nfs-subdir-external-provisioner; `csi`: csi-driver-nfs."),
        installProvisioner: bool()
          .default(true)
          .describe(
            "Install the NFS provisioner (csi-driver-nfs or nfs-subdir-external-provisioner).",
          ),
        mountOptions: uniqueList(mountOption(), "mount options such as nfsvers=4.1")
          .default([])
          .describe("NFS mount options, one per entry (`nfsvers=4.1`)."),
        archiveOnDelete: bool()
          .default(true)
          .describe("Keep a deleted claim's directory, renamed `archived-...` (subdir driver)."),
      }),
    ).meta({
      docDefault:
        "`{driver: subdir, installProvisioner: true, mountOptions: [], archiveOnDelete: true}`",
      description:
        "`server` and `path` required; `driver: csi` uses csi-driver-nfs. `path`: absolute, safe characters; `mountOptions`: one option per entry (`nfsvers=4.1`).",
    }),
  }),
  strictObject({
    variant: z.literal("rook"),
    ...storageCommon,
    rook: strictObject({
      clusterNamespace: k8sName()
        .default("rook-ceph")
        .describe("Namespace of the Rook CephCluster."),
      operatorNamespace: k8sName().default("rook-ceph").describe("Namespace of the Rook operator."),
      pool: k8sName().default("harbor").describe("CephBlockPool of Harbor's volumes."),
      createPool: bool()
        .default(true)
        .describe("Create the CephBlockPool (else use an existing one named `pool`)."),
      replicas: intRange(1, 9).default(3).describe("Copies of each object in the pool (1-9)."),
      failureDomain: z
        .enum(["host", "osd", "rack", "zone"], { error: "must be one of host, osd, rack, zone" })
        .default("host")
        .describe("Failure domain the pool spreads copies over."),
      fsType: z
        .enum(["ext4", "xfs"], { error: "must be ext4 or xfs" })
        .default("ext4")
        .describe("File system of the RBD volumes."),
    })
      .prefault({})
      .describe("RBD block storage from an existing Rook CephCluster."),
  }),
  strictObject({ variant: z.literal("existing"), ...storageCommon }),
]).prefault({});

/** The keys, in the order the schema lists them. */
export const storageKeys = {
  storage: storageSchema.meta({
    description: "Volumes.",
    docNotes:
      "Prerequisites per variant, moving between variants and adopting old claims: [docs/storage.md](docs/storage.md).",
  }),
};

/** The variant against the access mode, the replicated registry and the node it is pinned to. */
export function checkStorage(c: RawConfig, { issue }: Checks): void {
  const storage = c.storage;
  if (storage.variant === "existing" && storage.className === undefined) {
    issue(
      ["storage", "className"],
      "is required when harbor:storage.variant is existing: name the StorageClass Harbor's claims use",
    );
  }
  if (
    storage.accessMode === "ReadWriteMany" &&
    (storage.variant === "local-path" || storage.variant === "rook")
  ) {
    issue(
      ["storage", "accessMode"],
      `must be ReadWriteOnce for harbor:storage.variant ${storage.variant} (its volumes cannot be shared between nodes)`,
      storage.accessMode,
    );
  }
  const sharedStorage =
    storage.accessMode === "ReadWriteMany" ||
    (storage.accessMode === undefined && storage.variant === "nfs");
  // Replicated components. Only the registry has data of its own that several pods must share:
  // its blobs. On ReadWriteOnce storage they cannot share a volume, so a second registry needs
  // object storage. (Replicated jobservice logs jobs to the database instead of a volume.)
  if (!sharedStorage && c.replicas.registry > 1 && c.objectStorage === undefined) {
    issue(
      ["replicas", "registry"],
      `must be 1 unless registry blobs are shared: every registry pod must see every blob, and a ReadWriteOnce volume (harbor:storage.variant ${storage.variant}) attaches to one node only; set harbor:objectStorage (s3, or rook for a Rook-Ceph bucket), or use ReadWriteMany storage (harbor:storage.variant nfs)`,
      c.replicas.registry,
    );
  }
  if (storage.variant === "local-path" && storage.localPath.node !== undefined) {
    const pinned = c.scheduling?.nodeSelector["kubernetes.io/hostname"];
    if (pinned !== undefined && pinned !== storage.localPath.node) {
      issue(
        ["scheduling", "nodeSelector", "kubernetes.io/hostname"],
        `contradicts harbor:storage.localPath.node (${storage.localPath.node}); set the node in one place`,
        pinned,
      );
    }
  }
}

/** The StorageClass Harbor's claims use: `storage.className`, or `<namespace>-<variant>`. */
export function storageClassName(c: {
  namespace: string;
  storage: { variant: string; className?: string };
}): string {
  return c.storage.className ?? `${c.namespace}-${c.storage.variant}`;
}

/** The storage with its class and access mode decided. */
export function toStorage(c: RawConfig) {
  const s = c.storage;
  const className = storageClassName(c);
  const accessMode =
    s.accessMode ?? (s.variant === "nfs" ? ("ReadWriteMany" as const) : ("ReadWriteOnce" as const));
  return { ...s, className, accessMode };
}
