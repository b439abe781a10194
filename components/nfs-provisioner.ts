import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DeployMode, NfsStorage } from "../config/types";
import { mirrorImage } from "../lib/chart";
import { installChart, type HelmInstall } from "./helm";
import { PART_OF_LABEL } from "../config/facts";

/** An upstream Helm chart, pinned. */
export interface PinnedChart {
  /** Chart name in the repository. */
  chart: string;
  /** Chart version. */
  version: string;
  /** Helm repository URL. */
  repo: string;
  /** Helm release name. */
  releaseName: string;
}

/** kubernetes-sigs' nfs-subdir-external-provisioner chart (app v4.0.2). */
export const NFS_SUBDIR_CHART: PinnedChart = {
  chart: "nfs-subdir-external-provisioner",
  version: "4.0.18",
  repo: "https://kubernetes-sigs.github.io/nfs-subdir-external-provisioner/",
  releaseName: "nfs-subdir-external-provisioner",
};

/** kubernetes-csi's csi-driver-nfs chart (app v4.13.4). */
export const CSI_DRIVER_NFS_CHART: PinnedChart = {
  chart: "csi-driver-nfs",
  version: "4.13.4",
  // Upstream's GitHub Pages mirror (same charts, no raw.githubusercontent.com rate limits).
  repo: "https://kubernetes-csi.github.io/csi-driver-nfs",
  releaseName: "csi-driver-nfs",
};

/** A container image as a chart's values name it. */
export interface ChartImage {
  /** Repository, with its registry. */
  repository: string;
  /** Tag the pinned chart uses. */
  tag: string;
}

/** The image nfs-subdir-external-provisioner 4.0.18 runs (`image.repository`/`image.tag`). */
export const NFS_SUBDIR_IMAGE: ChartImage = {
  repository: "registry.k8s.io/sig-storage/nfs-subdir-external-provisioner",
  tag: "v4.0.2",
};

/**
 * The images csi-driver-nfs 4.13.4 runs, by their key under the chart's `image` value. The chart
 * prefixes repositories that start with `/` with `image.baseRepo`; the program always gives
 * full repositories, so a mirrored one is used as written.
 */
export const CSI_DRIVER_NFS_IMAGES = {
  nfs: { repository: "registry.k8s.io/sig-storage/nfsplugin", tag: "v4.13.4" },
  csiProvisioner: { repository: "registry.k8s.io/sig-storage/csi-provisioner", tag: "v6.3.0" },
  csiResizer: { repository: "registry.k8s.io/sig-storage/csi-resizer", tag: "v2.2.0" },
  csiSnapshotter: { repository: "registry.k8s.io/sig-storage/csi-snapshotter", tag: "v8.6.0" },
  livenessProbe: { repository: "registry.k8s.io/sig-storage/livenessprobe", tag: "v2.19.0" },
  nodeDriverRegistrar: {
    repository: "registry.k8s.io/sig-storage/csi-node-driver-registrar",
    tag: "v2.17.0",
  },
  externalSnapshotter: {
    repository: "registry.k8s.io/sig-storage/snapshot-controller",
    tag: "v8.6.0",
  },
} as const satisfies Record<string, ChartImage>;

export interface NfsProvisionerArgs {
  /** `subdir`: nfs-subdir-external-provisioner; `csi`: csi-driver-nfs. */
  driver: NfsStorage["nfs"]["driver"];
  /** NFS server host name or IP. */
  server: string;
  /** Exported path on the server (the subdir provisioner's root; csi takes it from the class). */
  path: string;
  /** Mount options of the subdir provisioner's own mount of the export. */
  mountOptions: string[];
  /** Namespace to install into: its own (subdir) or `kube-system` (csi). */
  namespace: string;
  /** Create `namespace` (false for an existing one such as kube-system). */
  createNamespace: boolean;
  /** Provisioner name the StorageClass uses: subdir's `storageClass.provisionerName`, csi's `driver.name`. */
  provisionerName: string;
  /** `release`: helm.v3.Release; `chart`: helm.v4.Chart (the same as Harbor's). */
  deployMode: DeployMode;
  /** Registry mirror for the provisioner's images (air-gapped sites). */
  imageRegistry?: string;
}

/** Values of nfs-subdir-external-provisioner that the program sets. */
export interface NfsSubdirValues {
  /** Base of every object name, cluster-scoped ones (ClusterRole, PV) included. */
  fullnameOverride: string;
  nfs: { server: string; path: string; mountOptions?: string[] };
  storageClass: { create: false; provisionerName: string };
  labels: Record<string, string>;
  image?: { repository: string };
}

/** Values of csi-driver-nfs that the program sets. */
export interface CsiDriverNfsValues {
  driver: { name: string };
  storageClass: { create: false };
  image?: Partial<Record<keyof typeof CSI_DRIVER_NFS_IMAGES, { repository: string }>>;
}

/**
 * Values of nfs-subdir-external-provisioner (pure; tests call it directly). The chart's own
 * StorageClass is off, so the program's class is the only one. `fullnameOverride` is the
 * namespace's name, unique per Harbor namespace, so the ClusterRole `<name>-runner`, the
 * ClusterRoleBinding `run-<name>` and (with mount options) the PersistentVolume `pv-<name>` of
 * two stacks never collide.
 */
export function nfsSubdirValues(args: NfsProvisionerArgs): NfsSubdirValues {
  return {
    fullnameOverride: args.namespace,
    nfs: {
      server: args.server,
      path: args.path,
      // With mount options the chart mounts the export through a PV/PVC pair that carries them.
      ...(args.mountOptions.length > 0 ? { mountOptions: args.mountOptions } : {}),
    },
    storageClass: { create: false, provisionerName: args.provisionerName },
    labels: { ...PART_OF_LABEL },
    ...(args.imageRegistry
      ? { image: { repository: mirrorImage(NFS_SUBDIR_IMAGE.repository, args.imageRegistry) } }
      : {}),
  };
}

/** Values of csi-driver-nfs (pure; tests call it directly). */
export function csiDriverNfsValues(args: NfsProvisionerArgs): CsiDriverNfsValues {
  const mirror = args.imageRegistry;
  return {
    driver: { name: args.provisionerName },
    storageClass: { create: false },
    ...(mirror
      ? {
          image: Object.fromEntries(
            Object.entries(CSI_DRIVER_NFS_IMAGES).map(([key, image]) => [
              key,
              { repository: mirrorImage(image.repository, mirror) },
            ]),
          ),
        }
      : {}),
  };
}

/** The images a driver's chart runs, as published (before any `imageRegistry` rewrite). */
export function nfsImages(driver: NfsProvisionerArgs["driver"]): string[] {
  const images: ChartImage[] =
    driver === "csi" ? Object.values(CSI_DRIVER_NFS_IMAGES) : [NFS_SUBDIR_IMAGE];
  return images.map((image) => `${image.repository}:${image.tag}`);
}

/** The pinned chart for a driver. */
export function nfsChart(driver: NfsProvisionerArgs["driver"]): PinnedChart {
  return driver === "csi" ? CSI_DRIVER_NFS_CHART : NFS_SUBDIR_CHART;
}

/** What both deploy modes install: release name, namespace, chart and values (pure). */
export function nfsChartInstall(args: NfsProvisionerArgs): {
  name: string;
  namespace: string;
  chart: string;
  version: string;
  repositoryOpts: { repo: string };
  values: NfsSubdirValues | CsiDriverNfsValues;
} {
  const chart = nfsChart(args.driver);
  return {
    name: chart.releaseName,
    namespace: args.namespace,
    chart: chart.chart,
    version: chart.version,
    repositoryOpts: { repo: chart.repo },
    values: args.driver === "csi" ? csiDriverNfsValues(args) : nfsSubdirValues(args),
  };
}

/** Seconds Helm waits for the provisioner to become ready. */
export const NFS_RELEASE_TIMEOUT_SECONDS = 300;

/** Arguments of the helm.v3.Release (pure; tests call it directly). */
export function nfsReleaseArgs(args: NfsProvisionerArgs): k8s.helm.v3.ReleaseArgs {
  return {
    ...nfsChartInstall(args),
    createNamespace: false,
    maxHistory: 10,
    timeout: NFS_RELEASE_TIMEOUT_SECONDS,
  };
}

/** Arguments of the helm.v4.Chart (pure; tests call it directly). */
export function nfsChartArgs(args: NfsProvisionerArgs): k8s.helm.v4.ChartArgs {
  return nfsChartInstall(args);
}

/**
 * An NFS provisioner from its upstream chart: nfs-subdir-external-provisioner in a namespace of
 * its own, or csi-driver-nfs in kube-system. csi-driver-nfs is cluster-wide: a cluster runs one,
 * and every stack (Harbor's or not) that uses `nfs.csi.k8s.io` shares it.
 */
export class NfsProvisioner extends pulumi.ComponentResource {
  /** The Helm release or chart resource. */
  public readonly resource: HelmInstall;
  /** Provisioner name StorageClasses use. */
  public readonly provisionerName: string;
  /** Images it runs, as published (before any `imageRegistry` rewrite). */
  public readonly images: string[];

  constructor(name: string, args: NfsProvisionerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:storage:NfsProvisioner", name, {}, opts);
    const dependsOn: pulumi.Resource[] = [];
    if (args.createNamespace) {
      dependsOn.push(
        new k8s.core.v1.Namespace(
          `${name}-namespace`,
          {
            metadata: {
              name: args.namespace,
              labels: {
                ...PART_OF_LABEL,
                "app.kubernetes.io/managed-by": "pulumi",
                // The provisioner runs as root and mounts the export (an nfs volume or a PVC).
                "pod-security.kubernetes.io/enforce": "baseline",
                "pod-security.kubernetes.io/audit": "baseline",
                "pod-security.kubernetes.io/warn": "baseline",
              },
            },
          },
          { parent: this },
        ),
      );
    }
    this.resource = installChart(
      name,
      args.deployMode,
      { release: nfsReleaseArgs(args), chart: nfsChartArgs(args) },
      { parent: this, dependsOn },
    );
    this.provisionerName = args.provisionerName;
    this.images = nfsImages(args.driver);
    this.registerOutputs({ provisionerName: this.provisionerName });
  }
}
