/**
 * Arguments of the high-availability components for a stack configuration (pure): the
 * CloudNativePG Cluster of `harbor:database.type: cloudnative-pg` and the Rook bucket of
 * `harbor:objectStorage.type: rook`. Undefined when the stack uses neither.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CloudNativePgClusterArgs } from "../components/cloudnative-pg";
import type { RookBucketArgs } from "../components/rook-bucket";
import type { HarborConfig } from "../config/types";
import {
  DATABASE_MAX_CONNECTIONS,
  HARBOR_DATABASE,
  HARBOR_DATABASE_OWNER,
  bucketClaimName,
  bucketClassName,
  bucketNamePrefix,
  cloudNativePgClusterName,
} from "./high-availability";
import { mirrorImage } from "./chart";
import { podPlacement } from "./values";

/** The Cluster for `harbor:database.type: cloudnative-pg`, in Harbor's namespace. */
export function cloudNativePgClusterArgs(
  config: HarborConfig,
  namespace: pulumi.Input<string>,
): CloudNativePgClusterArgs | undefined {
  const db = config.database;
  if (db.type !== "cloudnative-pg") return undefined;
  const placement = podPlacement(config);
  const nodeAffinity = placement.affinity?.nodeAffinity as Record<string, unknown> | undefined;
  return {
    name: cloudNativePgClusterName(config.releaseName),
    namespace,
    instances: db.instances,
    imageName: mirrorImage(db.imageName, config.imageRegistry),
    size: db.size ?? config.storage.sizes.database,
    storageClass: db.className ?? config.storage.className,
    database: HARBOR_DATABASE,
    owner: HARBOR_DATABASE_OWNER,
    maxConnections: DATABASE_MAX_CONNECTIONS,
    resources: db.resources,
    placement: {
      ...(placement.nodeSelector ? { nodeSelector: placement.nodeSelector } : {}),
      ...(config.scheduling && config.scheduling.tolerations.length > 0
        ? { tolerations: config.scheduling.tolerations }
        : {}),
      ...(nodeAffinity ? { nodeAffinity } : {}),
    },
    protect: config.protect,
  };
}

/** The bucket for `harbor:objectStorage.type: rook`, claimed in Harbor's namespace. */
export function rookBucketArgs(
  config: HarborConfig,
  namespace: pulumi.Input<string>,
): RookBucketArgs | undefined {
  const store = config.objectStorage;
  if (store?.type !== "rook") return undefined;
  return {
    claimName: bucketClaimName(config.releaseName),
    namespace,
    bucketNamePrefix: bucketNamePrefix(config.releaseName),
    bucketClass:
      store.objectStoreName !== undefined
        ? {
            type: "objectStore",
            name: bucketClassName(config.namespace),
            objectStoreName: store.objectStoreName,
            objectStoreNamespace: store.objectStoreNamespace ?? "rook-ceph",
            operatorNamespace: store.operatorNamespace ?? "rook-ceph",
            reclaimPolicy: config.storage.reclaimPolicy,
          }
        : // The schema requires exactly one of objectStoreName and bucketClassName.
          { type: "existing", name: store.bucketClassName! },
    protect: config.protect,
  };
}
