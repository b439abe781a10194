import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { RookStorage } from "../config/types";
import { PART_OF_LABEL } from "../config/facts";

export interface CephBlockPoolArgs {
  /** Name of the CephBlockPool, and so of the Ceph pool the StorageClass's `pool` parameter names. */
  name: string;
  /** Namespace of the CephCluster the pool belongs to. */
  namespace: string;
  /** Copies of every object (`spec.replicated.size`). */
  replicas: number;
  /** CRUSH failure domain: no two copies of an object share one. */
  failureDomain: RookStorage["rook"]["failureDomain"];
  /**
   * Guard the pool: deleting a CephBlockPool deletes the Ceph pool and every volume in it, so
   * `pulumi destroy` stops at it (`protect`) and, once unprotected, leaves it (`retainOnDelete`).
   */
  protect: boolean;
}

/** Spec of a replicated CephBlockPool (ceph.rook.io/v1). */
export interface CephBlockPoolSpec {
  failureDomain: RookStorage["rook"]["failureDomain"];
  replicated: { size: number; requireSafeReplicaSize: boolean };
}

/**
 * The pool's spec (pure; tests call it directly). Rook refuses a pool of one replica unless
 * `requireSafeReplicaSize` is false, and keeps the safety check for every larger size.
 */
export function cephBlockPoolSpec(args: CephBlockPoolArgs): CephBlockPoolSpec {
  return {
    failureDomain: args.failureDomain,
    replicated: { size: args.replicas, requireSafeReplicaSize: args.replicas > 1 },
  };
}

/** A replicated RBD pool in an existing Rook CephCluster, for Harbor's volumes. */
export class CephBlockPool extends pulumi.ComponentResource {
  /** Name of the pool, known once the CephBlockPool exists. */
  public readonly poolName: pulumi.Output<string>;

  constructor(name: string, args: CephBlockPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:storage:CephBlockPool", name, {}, opts);
    const pool = new k8s.apiextensions.CustomResource(
      `${name}-pool`,
      {
        apiVersion: "ceph.rook.io/v1",
        kind: "CephBlockPool",
        metadata: {
          name: args.name,
          namespace: args.namespace,
          labels: {
            ...PART_OF_LABEL,
            "app.kubernetes.io/managed-by": "pulumi",
          },
        },
        spec: cephBlockPoolSpec(args),
      },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );
    this.poolName = pool.metadata.name;
    this.registerOutputs({ poolName: this.poolName });
  }
}
