import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { HarborSettings, ReclaimPolicy } from "../config/types";
import {
  bucketClaimName,
  bucketClassName,
  bucketNamePrefix,
  rookBucketProvisioner,
} from "../lib/high-availability";
import { STORAGE_CLASS_REPLACEMENT } from "./storage";
import { PART_OF_LABEL } from "../config/facts";

/** A bucket StorageClass the program creates for a CephObjectStore. */
export interface ObjectStoreBucketClass {
  type: "objectStore";
  /** Name of the StorageClass. */
  name: string;
  /** The CephObjectStore buckets are created in. */
  objectStoreName: string;
  /** Its namespace (the CephCluster's). */
  objectStoreNamespace: string;
  /** Namespace of the Rook operator, which prefixes the bucket provisioner's name. */
  operatorNamespace: string;
  /** `Retain` keeps the bucket and its blobs when the claim is deleted; `Delete` removes them. */
  reclaimPolicy: ReclaimPolicy;
}

/** A bucket StorageClass that already exists. */
export interface ExistingBucketClass {
  type: "existing";
  name: string;
}

export type BucketClass = ObjectStoreBucketClass | ExistingBucketClass;

export interface RookBucketArgs {
  /** Name of the ObjectBucketClaim; Rook names the bucket's Secret and ConfigMap after it. */
  claimName: string;
  /** Harbor's namespace: the registry reads the claim's Secret and ConfigMap there. */
  namespace: pulumi.Input<string>;
  /** Prefix of the bucket's name; Rook appends a random suffix. */
  bucketNamePrefix: string;
  bucketClass: BucketClass;
  /**
   * Guard the blobs: the claim and the class are protected, and kept on destroy, so that neither
   * a destroy nor a replacement deletes the bucket.
   */
  protect: boolean;
}

/** The bucket for `harbor:objectStorage.type: rook`, claimed in Harbor's namespace. */
export function rookBucketArgs(
  config: HarborSettings,
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

/** The variant-specific part of a bucket StorageClass (pure; tests call it directly). */
export function bucketStorageClassArgs(bucketClass: ObjectStoreBucketClass): {
  provisioner: string;
  parameters: Record<string, string>;
  reclaimPolicy: ReclaimPolicy;
} {
  return {
    provisioner: rookBucketProvisioner(bucketClass.operatorNamespace),
    parameters: {
      objectStoreName: bucketClass.objectStoreName,
      objectStoreNamespace: bucketClass.objectStoreNamespace,
    },
    reclaimPolicy: bucketClass.reclaimPolicy,
  };
}

/** Spec of the `objectbucket.io/v1alpha1` ObjectBucketClaim (pure; tests call it directly). */
export function bucketClaimSpec(args: RookBucketArgs): {
  storageClassName: string;
  generateBucketName: string;
} {
  return { storageClassName: args.bucketClass.name, generateBucketName: args.bucketNamePrefix };
}

/** What `pulumi up` waits for on the claim: Rook has created the bucket, its Secret and ConfigMap. */
export const CLAIM_BOUND = "jsonpath={.status.phase}=Bound";

/** How long `pulumi up` waits for the claim to be bound. */
export const CLAIM_BOUND_TIMEOUT = "10m";

/**
 * A bucket for the registry's blobs, claimed from Rook-Ceph's object store: an ObjectBucketClaim
 * on a bucket StorageClass (created here for a CephObjectStore, or an existing one). Rook creates
 * the bucket and, next to the claim, a Secret (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`) and a
 * ConfigMap (`BUCKET_HOST`, `BUCKET_PORT`, `BUCKET_NAME`) named like it; the registry reads them
 * directly, so the keys never pass through the program. The Kubernetes provider does not await
 * custom resources by itself: the claim carries `pulumi.com/waitFor` so that `pulumi up` (and
 * Harbor, which depends on this component) waits until the claim is bound.
 */
export class RookBucket extends pulumi.ComponentResource {
  /** Name of the claim, its Secret and its ConfigMap. */
  public readonly claimName: pulumi.Output<string>;
  /** The bucket StorageClass the claim uses. */
  public readonly className: pulumi.Output<string>;
  public readonly storageClass?: k8s.storage.v1.StorageClass;

  constructor(name: string, args: RookBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:storage:RookBucket", name, {}, opts);
    const labels = {
      ...PART_OF_LABEL,
      "app.kubernetes.io/managed-by": "pulumi",
    };
    const guard = { protect: args.protect, retainOnDelete: args.protect };
    if (args.bucketClass.type === "objectStore") {
      this.storageClass = new k8s.storage.v1.StorageClass(
        `${name}-class`,
        {
          metadata: { name: args.bucketClass.name, labels },
          ...bucketStorageClassArgs(args.bucketClass),
        },
        { parent: this, ...guard, ...STORAGE_CLASS_REPLACEMENT },
      );
      this.className = this.storageClass.metadata.name;
    } else {
      this.className = pulumi.output(args.bucketClass.name);
    }
    const claim = new k8s.apiextensions.CustomResource(
      `${name}-claim`,
      {
        apiVersion: "objectbucket.io/v1alpha1",
        kind: "ObjectBucketClaim",
        metadata: {
          name: args.claimName,
          namespace: args.namespace,
          labels,
          annotations: { "pulumi.com/waitFor": CLAIM_BOUND },
        },
        spec: bucketClaimSpec(args),
      },
      {
        parent: this,
        ...guard,
        dependsOn: this.storageClass ? [this.storageClass] : [],
        customTimeouts: { create: CLAIM_BOUND_TIMEOUT, update: CLAIM_BOUND_TIMEOUT },
      },
    );
    this.claimName = claim.metadata.name;
    this.registerOutputs({ claimName: this.claimName, className: this.className });
  }
}
