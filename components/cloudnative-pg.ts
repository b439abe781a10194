import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { HarborSettings, Toleration } from "../config/types";
import { mirrorImage } from "../lib/chart";
import {
  DATABASE_MAX_CONNECTIONS,
  HARBOR_DATABASE,
  HARBOR_DATABASE_OWNER,
  cloudNativePgClusterName,
} from "../lib/high-availability";
import { podPlacement } from "../lib/values";
import { PART_OF_LABEL } from "../config/facts";

/** Requests and limits of each PostgreSQL instance. */
export interface DatabaseResources {
  requests: { cpu: string; memory: string };
  limits: { cpu?: string; memory: string };
}

/** Where the instances may run (Harbor's own scheduling, so the database lives beside it). */
export interface DatabasePlacement {
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  /** A Kubernetes `NodeAffinity`. */
  nodeAffinity?: Record<string, unknown>;
}

export interface CloudNativePgClusterArgs {
  /** Name of the Cluster; the operator names the `-rw` Service and the `-app` Secret after it. */
  name: string;
  /** Harbor's namespace, so that Harbor's pods can read the `-app` Secret. */
  namespace: pulumi.Input<string>;
  /** PostgreSQL instances: one primary, the others hot standbys it fails over to. */
  instances: number;
  /** PostgreSQL image, as the cluster pulls it (mirror applied). */
  imageName: string;
  /** Volume size of each instance (data and WAL). */
  size: string;
  /** StorageClass of the instances' volumes. */
  storageClass: string;
  /** Database the bootstrap creates. */
  database: string;
  /** Its owner: the user of the `-app` Secret, whom Harbor logs in as. */
  owner: string;
  /** PostgreSQL's `max_connections`. */
  maxConnections: number;
  resources: DatabaseResources;
  placement?: DatabasePlacement;
  /**
   * Guard the database: deleting a Cluster deletes its volumes (the operator owns them), so
   * `pulumi destroy` stops at it (`protect`) and, once unprotected, leaves it (`retainOnDelete`).
   */
  protect: boolean;
}

/** The Cluster for `harbor:database.type: cloudnative-pg`, in Harbor's namespace. */
export function cloudNativePgClusterArgs(
  config: HarborSettings,
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

/** Spec of a `postgresql.cnpg.io/v1` Cluster (pure; tests call it directly). */
export function cloudNativePgClusterSpec(args: CloudNativePgClusterArgs): Record<string, unknown> {
  const replicated = args.instances > 1;
  return {
    instances: args.instances,
    imageName: args.imageName,
    // Minor upgrades update the standbys first, then switch the primary over to one of them,
    // instead of restarting the primary in place; a single instance can only restart.
    primaryUpdateStrategy: "unsupervised",
    primaryUpdateMethod: replicated ? "switchover" : "restart",
    postgresql: { parameters: { max_connections: String(args.maxConnections) } },
    bootstrap: {
      initdb: { database: args.database, owner: args.owner, dataChecksums: true },
    },
    storage: { size: args.size, storageClass: args.storageClass },
    resources: args.resources,
    affinity: {
      // Instances on different nodes where possible, so one node failure costs one instance.
      enablePodAntiAffinity: true,
      podAntiAffinityType: "preferred",
      topologyKey: "kubernetes.io/hostname",
      ...(args.placement?.nodeSelector ? { nodeSelector: args.placement.nodeSelector } : {}),
      ...(args.placement?.tolerations ? { tolerations: args.placement.tolerations } : {}),
      ...(args.placement?.nodeAffinity ? { nodeAffinity: args.placement.nodeAffinity } : {}),
    },
    // The operator's disruption budgets keep the primary and a standby up during node drains;
    // with a single instance they would block every drain, so they are off then.
    enablePDB: replicated,
    monitoring: { enablePodMonitor: false },
    inheritedMetadata: { labels: { ...PART_OF_LABEL } },
  };
}

/** How long `pulumi up` waits for a new or changed Cluster to become Ready. */
export const CLUSTER_READY_TIMEOUT = "20m";

/**
 * Harbor's database as a CloudNativePG `Cluster`: a primary and hot standbys the operator fails
 * over between, the `registry` database owned by Harbor's user, and the read-write Service and
 * credentials Secret the operator derives from the name. The operator (its CRDs and controller)
 * is a prerequisite. `pulumi up` waits until the Cluster reports Ready, so Harbor, which depends
 * on this component, starts against a database that accepts connections.
 */
export class CloudNativePgCluster extends pulumi.ComponentResource {
  /** Name of the Cluster. */
  public readonly clusterName: pulumi.Output<string>;
  /** Service that always points at the primary. */
  public readonly readWriteService: string;
  /** Secret the operator creates with the owner's `username` and `password`. */
  public readonly appSecretName: string;
  /** The PostgreSQL image the instances run. */
  public readonly image: string;

  constructor(
    name: string,
    args: CloudNativePgClusterArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("harbor:database:CloudNativePgCluster", name, {}, opts);
    const cluster = new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Cluster",
        metadata: {
          name: args.name,
          namespace: args.namespace,
          labels: {
            ...PART_OF_LABEL,
            "app.kubernetes.io/managed-by": "pulumi",
          },
          annotations: { "pulumi.com/waitFor": "condition=Ready" },
        },
        spec: cloudNativePgClusterSpec(args),
      },
      {
        parent: this,
        protect: args.protect,
        retainOnDelete: args.protect,
        customTimeouts: { create: CLUSTER_READY_TIMEOUT, update: CLUSTER_READY_TIMEOUT },
      },
    );
    this.clusterName = cluster.metadata.name;
    this.readWriteService = `${args.name}-rw`;
    this.appSecretName = `${args.name}-app`;
    this.image = args.imageName;
    this.registerOutputs({
      clusterName: this.clusterName,
      readWriteService: this.readWriteService,
      appSecretName: this.appSecretName,
      image: this.image,
    });
  }
}
