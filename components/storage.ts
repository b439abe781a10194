import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DeployMode, NfsStorage, RookStorage, StorageSpec } from "../config/types";
import { fitName } from "../lib/names";
import { CephBlockPool } from "./ceph-block-pool";
import { LocalPathProvisioner } from "./local-path-provisioner";
import { NfsProvisioner } from "./nfs-provisioner";
import { PART_OF_LABEL } from "../config/facts";

export interface HarborStorageArgs {
  /** The storage variant and its settings. */
  storage: StorageSpec;
  /** Harbor's namespace; names the provisioner installs so that stacks do not collide. */
  namespace: string;
  /** How provisioner charts are deployed (same as Harbor's). */
  deployMode: DeployMode;
  /** Registry mirror for provisioner images (air-gapped sites). */
  imageRegistry?: string;
  /** Keep the StorageClass when the stack is destroyed. */
  protect: boolean;
}

/** Provisioner of an existing rancher local-path-provisioner (k3s, RKE2, kind ship one). */
export const RANCHER_LOCAL_PATH = "rancher.io/local-path";

/**
 * Provisioner name of the local-path-provisioner this program installs: its own name, so that it
 * never races a provisioner the cluster already runs under `rancher.io/local-path`.
 */
export function localPathProvisionerName(namespace: string): string {
  const [prefix, name] = RANCHER_LOCAL_PATH.split("/");
  return `${prefix}/${fitName(`${name}-${namespace}`)}`;
}

/** Namespace of the local-path-provisioner installed for a Harbor namespace. */
export function localPathProvisionerNamespace(namespace: string): string {
  return fitName(`${namespace}-local-path-provisioner`);
}

export const NFS_CSI_PROVISIONER = "nfs.csi.k8s.io";

/**
 * Namespace of csi-driver-nfs: `kube-system`, where upstream installs it. The driver is
 * cluster-wide (one CSIDriver `nfs.csi.k8s.io`, fixed ClusterRole names, host ports on every
 * node), so it belongs to the cluster rather than to one Harbor namespace; its pods run with
 * `system-cluster-critical` priority, hostNetwork and privileged containers, which kube-system
 * admits on every distribution.
 */
export const NFS_CSI_NAMESPACE = "kube-system";

/** Provisioner name of the nfs-subdir-external-provisioner installed for this namespace. */
export function nfsSubdirProvisionerName(namespace: string): string {
  return `k8s-sigs.io/${fitName(`nfs-subdir-external-provisioner-${namespace}`)}`;
}

/** Namespace of the nfs-subdir-external-provisioner installed for a Harbor namespace. */
export function nfsProvisionerNamespace(namespace: string): string {
  return fitName(`${namespace}-nfs-provisioner`);
}

/** The RBD CSI provisioner of a Rook operator namespace. */
export function rookRbdProvisioner(operatorNamespace: string): string {
  return `${operatorNamespace}.rbd.csi.ceph.com`;
}

/** The variant-specific part of a StorageClass. */
export interface StorageClassSpec {
  provisioner: string;
  parameters?: Record<string, string>;
  volumeBindingMode: "Immediate" | "WaitForFirstConsumer";
  allowVolumeExpansion: boolean;
  mountOptions?: string[];
}

/** StorageClass arguments for a variant (pure; tests call it directly). */
export function storageClassArgs(
  storage: Exclude<StorageSpec, { variant: "existing" }>,
  namespace: string,
): StorageClassSpec {
  switch (storage.variant) {
    case "local-path":
      return {
        provisioner: storage.localPath.installProvisioner
          ? localPathProvisionerName(namespace)
          : RANCHER_LOCAL_PATH,
        // Bind where the pod lands, so the volume and the pod share a node.
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: false,
      };
    case "nfs":
      return nfsClassArgs(storage, namespace);
    case "rook":
      return rookClassArgs(storage);
  }
}

function nfsClassArgs(storage: NfsStorage, namespace: string): StorageClassSpec {
  const nfs = storage.nfs;
  const mountOptions = nfs.mountOptions.length > 0 ? nfs.mountOptions : undefined;
  if (nfs.driver === "csi") {
    return {
      provisioner: NFS_CSI_PROVISIONER,
      parameters: {
        server: nfs.server,
        share: nfs.path,
        // Sub-directory per claim, named after the claim so an operator can find Harbor's data.
        subDir: "${pvc.metadata.namespace}-${pvc.metadata.name}",
        onDelete: nfs.archiveOnDelete ? "archive" : "delete",
      },
      volumeBindingMode: "Immediate",
      allowVolumeExpansion: true,
      mountOptions,
    };
  }
  return {
    provisioner: nfsSubdirProvisionerName(namespace),
    parameters: {
      archiveOnDelete: String(nfs.archiveOnDelete),
      pathPattern: "${.PVC.namespace}-${.PVC.name}",
    },
    volumeBindingMode: "Immediate",
    allowVolumeExpansion: true,
    mountOptions,
  };
}

function rookClassArgs(storage: RookStorage): StorageClassSpec {
  const r = storage.rook;
  return {
    provisioner: rookRbdProvisioner(r.operatorNamespace),
    parameters: {
      clusterID: r.clusterNamespace,
      pool: r.pool,
      imageFormat: "2",
      imageFeatures: "layering",
      "csi.storage.k8s.io/provisioner-secret-name": "rook-csi-rbd-provisioner",
      "csi.storage.k8s.io/provisioner-secret-namespace": r.clusterNamespace,
      "csi.storage.k8s.io/controller-expand-secret-name": "rook-csi-rbd-provisioner",
      "csi.storage.k8s.io/controller-expand-secret-namespace": r.clusterNamespace,
      "csi.storage.k8s.io/node-stage-secret-name": "rook-csi-rbd-node",
      "csi.storage.k8s.io/node-stage-secret-namespace": r.clusterNamespace,
      "csi.storage.k8s.io/fstype": r.fsType,
    },
    volumeBindingMode: "Immediate",
    allowVolumeExpansion: true,
  };
}

/**
 * Resource options of every StorageClass the program creates. Kubernetes refuses to change a
 * StorageClass's `parameters`, `provisioner`, `reclaimPolicy` and `volumeBindingMode`
 * (kubernetes pkg/apis/storage/validation/validation.go `ValidateStorageClassUpdate`), but
 * pulumi-kubernetes replaces on only the first two (provider/pkg/provider/diff.go `forceNew`), so
 * a new `reclaimPolicy` or binding mode would be planned as an update the API server rejects. A
 * change of any of them replaces the class instead; its name is fixed, so the old class goes first
 * (existing volumes keep their own reclaim policy). A protected class refuses the replacement at
 * preview.
 */
export const STORAGE_CLASS_REPLACEMENT = {
  replaceOnChanges: ["parameters", "provisioner", "reclaimPolicy", "volumeBindingMode"],
  deleteBeforeReplace: true,
} satisfies pulumi.CustomResourceOptions;

/**
 * The StorageClass every Harbor claim uses. For `existing` it only names the operator's class;
 * otherwise it creates a class of its own (never marked as the cluster default), and first what
 * the class needs: the provisioner (local-path, NFS) or the Ceph pool (rook).
 */
export class HarborStorage extends pulumi.ComponentResource {
  /** Name of the StorageClass Harbor's claims use. */
  public readonly className: pulumi.Output<string>;
  public readonly storageClass?: k8s.storage.v1.StorageClass;
  /** The provisioner the program installs (`installProvisioner` of local-path and nfs). */
  public readonly provisioner?: LocalPathProvisioner | NfsProvisioner;
  /** Images the installed provisioner runs, as published; empty when none is installed. */
  public readonly images: string[];
  /** The CephBlockPool the program creates (`rook.createPool`). */
  public readonly pool?: CephBlockPool;

  constructor(name: string, args: HarborStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:storage:Storage", name, {}, opts);
    const storage = args.storage;
    if (storage.variant === "existing") {
      this.className = pulumi.output(storage.className);
    } else {
      const classSpec = storageClassArgs(storage, args.namespace);
      if (storage.variant === "local-path") {
        if (storage.localPath.installProvisioner) {
          this.provisioner = new LocalPathProvisioner(
            `${name}-local-path`,
            {
              namespace: localPathProvisionerNamespace(args.namespace),
              provisionerName: classSpec.provisioner,
              nodePath: storage.localPath.nodePath,
              imageRegistry: args.imageRegistry,
            },
            { parent: this },
          );
        }
      } else if (storage.variant === "nfs") {
        const nfs = storage.nfs;
        if (nfs.installProvisioner) {
          const csi = nfs.driver === "csi";
          this.provisioner = new NfsProvisioner(
            `${name}-nfs`,
            {
              driver: nfs.driver,
              server: nfs.server,
              path: nfs.path,
              mountOptions: nfs.mountOptions,
              namespace: csi ? NFS_CSI_NAMESPACE : nfsProvisionerNamespace(args.namespace),
              createNamespace: !csi,
              provisionerName: classSpec.provisioner,
              deployMode: args.deployMode,
              imageRegistry: args.imageRegistry,
            },
            { parent: this },
          );
        }
      } else if (storage.rook.createPool) {
        this.pool = new CephBlockPool(
          `${name}-ceph`,
          {
            name: storage.rook.pool,
            namespace: storage.rook.clusterNamespace,
            replicas: storage.rook.replicas,
            failureDomain: storage.rook.failureDomain,
            protect: args.protect,
          },
          { parent: this },
        );
      }
      const prerequisite = this.provisioner ?? this.pool;
      this.storageClass = new k8s.storage.v1.StorageClass(
        `${name}-class`,
        {
          metadata: {
            name: storage.className,
            labels: {
              ...PART_OF_LABEL,
              "app.kubernetes.io/managed-by": "pulumi",
            },
          },
          reclaimPolicy: storage.reclaimPolicy,
          ...classSpec,
        },
        {
          parent: this,
          protect: args.protect,
          retainOnDelete: args.protect,
          dependsOn: prerequisite ? [prerequisite] : [],
          ...STORAGE_CLASS_REPLACEMENT,
        },
      );
      this.className = this.storageClass.metadata.name;
    }
    this.images = this.provisioner?.images ?? [];
    this.registerOutputs({ className: this.className });
  }
}
