import * as assert from "node:assert/strict";
import {
  CSI_DRIVER_NFS_CHART,
  CSI_DRIVER_NFS_IMAGES,
  NFS_SUBDIR_CHART,
  NFS_SUBDIR_IMAGE,
  NfsProvisioner,
  csiDriverNfsValues,
  nfsChartArgs,
  nfsImages,
  nfsReleaseArgs,
  nfsSubdirValues,
  type NfsProvisionerArgs,
} from "../../components/nfs-provisioner";
import { declare } from "../support/storage";

const SUBDIR: NfsProvisionerArgs = {
  driver: "subdir",
  server: "nfs.lab.example.com",
  path: "/exports/harbor",
  mountOptions: ["nfsvers=4.1"],
  namespace: "harbor-nfs-provisioner",
  createNamespace: true,
  provisionerName: "k8s-sigs.io/nfs-subdir-external-provisioner-harbor",
  deployMode: "release",
};

const CSI: NfsProvisionerArgs = {
  driver: "csi",
  server: "10.0.0.5",
  path: "/srv/nfs/harbor",
  mountOptions: [],
  namespace: "kube-system",
  createNamespace: false,
  provisionerName: "nfs.csi.k8s.io",
  deployMode: "release",
};

const MIRROR = "mirror.example.com:5000";

const SUBDIR_VALUES = {
  fullnameOverride: "harbor-nfs-provisioner",
  nfs: { server: "nfs.lab.example.com", path: "/exports/harbor", mountOptions: ["nfsvers=4.1"] },
  storageClass: {
    create: false,
    provisionerName: "k8s-sigs.io/nfs-subdir-external-provisioner-harbor",
  },
  labels: { "app.kubernetes.io/part-of": "harbor" },
};

/** Chart, version and values both deploy modes install for SUBDIR. */
const SUBDIR_INSTALL = {
  name: "nfs-subdir-external-provisioner",
  namespace: "harbor-nfs-provisioner",
  chart: "nfs-subdir-external-provisioner",
  version: "4.0.18",
  repositoryOpts: {
    repo: "https://kubernetes-sigs.github.io/nfs-subdir-external-provisioner/",
  },
  values: SUBDIR_VALUES,
};

/** The same for CSI, into kube-system. */
const CSI_INSTALL = {
  name: "csi-driver-nfs",
  namespace: "kube-system",
  chart: "csi-driver-nfs",
  version: "4.13.4",
  repositoryOpts: {
    repo: "https://kubernetes-csi.github.io/csi-driver-nfs",
  },
  values: { driver: { name: "nfs.csi.k8s.io" }, storageClass: { create: false } },
};

/** What a helm.v3.Release adds: no namespace creation, short history, a 5-minute wait. */
const RELEASE_SETTINGS = { createNamespace: false, maxHistory: 10, timeout: 300 };

describe("NfsProvisioner: pinned charts", () => {
  it("nfs-subdir-external-provisioner 4.0.18 from the kubernetes-sigs repository", () => {
    assert.deepEqual(NFS_SUBDIR_CHART, {
      chart: "nfs-subdir-external-provisioner",
      version: "4.0.18",
      repo: "https://kubernetes-sigs.github.io/nfs-subdir-external-provisioner/",
      releaseName: "nfs-subdir-external-provisioner",
    });
    assert.deepEqual(NFS_SUBDIR_IMAGE, {
      repository: "registry.k8s.io/sig-storage/nfs-subdir-external-provisioner",
      tag: "v4.0.2",
    });
  });

  it("csi-driver-nfs 4.13.4 from the kubernetes-csi repository", () => {
    assert.deepEqual(CSI_DRIVER_NFS_CHART, {
      chart: "csi-driver-nfs",
      version: "4.13.4",
      repo: "https://kubernetes-csi.github.io/csi-driver-nfs",
      releaseName: "csi-driver-nfs",
    });
    assert.equal(CSI_DRIVER_NFS_IMAGES.nfs.tag, "v4.13.4");
  });
});

describe("NfsProvisioner: chart values (pure)", () => {
  it("lists the images each driver's chart runs, as published", () => {
    assert.deepEqual(nfsImages("subdir"), [
      "registry.k8s.io/sig-storage/nfs-subdir-external-provisioner:v4.0.2",
    ]);
    assert.deepEqual(nfsImages("csi"), [
      "registry.k8s.io/sig-storage/nfsplugin:v4.13.4",
      "registry.k8s.io/sig-storage/csi-provisioner:v6.3.0",
      "registry.k8s.io/sig-storage/csi-resizer:v2.2.0",
      "registry.k8s.io/sig-storage/csi-snapshotter:v8.6.0",
      "registry.k8s.io/sig-storage/livenessprobe:v2.19.0",
      "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.17.0",
      "registry.k8s.io/sig-storage/snapshot-controller:v8.6.0",
    ]);
  });

  it("subdir: no StorageClass of its own, the namespace's provisioner name, the export", () => {
    assert.deepEqual(nfsSubdirValues(SUBDIR), SUBDIR_VALUES);
  });

  it("subdir without mount options leaves the chart's plain nfs volume", () => {
    assert.deepEqual(nfsSubdirValues({ ...SUBDIR, mountOptions: [] }), {
      ...SUBDIR_VALUES,
      nfs: { server: "nfs.lab.example.com", path: "/exports/harbor" },
    });
  });

  it("subdir with a mirror rewrites image.repository and keeps the chart's tag", () => {
    assert.deepEqual(nfsSubdirValues({ ...SUBDIR, imageRegistry: MIRROR }), {
      ...SUBDIR_VALUES,
      image: { repository: "mirror.example.com:5000/sig-storage/nfs-subdir-external-provisioner" },
    });
  });

  it("csi: the driver name StorageClasses use, no StorageClass of its own", () => {
    assert.deepEqual(csiDriverNfsValues(CSI), {
      driver: { name: "nfs.csi.k8s.io" },
      storageClass: { create: false },
    });
  });

  it("csi with a mirror rewrites every image of the chart to a full repository", () => {
    assert.deepEqual(csiDriverNfsValues({ ...CSI, imageRegistry: MIRROR }), {
      driver: { name: "nfs.csi.k8s.io" },
      storageClass: { create: false },
      image: {
        nfs: { repository: "mirror.example.com:5000/sig-storage/nfsplugin" },
        csiProvisioner: { repository: "mirror.example.com:5000/sig-storage/csi-provisioner" },
        csiResizer: { repository: "mirror.example.com:5000/sig-storage/csi-resizer" },
        csiSnapshotter: { repository: "mirror.example.com:5000/sig-storage/csi-snapshotter" },
        livenessProbe: { repository: "mirror.example.com:5000/sig-storage/livenessprobe" },
        nodeDriverRegistrar: {
          repository: "mirror.example.com:5000/sig-storage/csi-node-driver-registrar",
        },
        externalSnapshotter: {
          repository: "mirror.example.com:5000/sig-storage/snapshot-controller",
        },
      },
    });
  });

  it("release arguments", () => {
    assert.deepEqual(nfsReleaseArgs(SUBDIR), { ...SUBDIR_INSTALL, ...RELEASE_SETTINGS });
  });

  it("chart arguments", () => {
    assert.deepEqual(nfsChartArgs(CSI), CSI_INSTALL);
  });
});

describe("NfsProvisioner: resources", () => {
  it("subdir, release mode: its namespace (baseline), then a helm.v3.Release", async () => {
    const run = await declare((opts) => new NfsProvisioner("harbor-nfs", SUBDIR, opts));
    assert.deepEqual(
      run.resources.map((r) => `${r.type} ${r.name}`),
      [
        "harbor:storage:NfsProvisioner harbor-nfs",
        "kubernetes:core/v1:Namespace harbor-nfs-namespace",
        "kubernetes:helm.sh/v3:Release harbor-nfs-release",
      ],
    );
    assert.deepEqual(run.find("kubernetes:core/v1:Namespace", "harbor-nfs-namespace").inputs, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: "harbor-nfs-provisioner",
        labels: {
          "app.kubernetes.io/part-of": "harbor",
          "app.kubernetes.io/managed-by": "pulumi",
          "pod-security.kubernetes.io/enforce": "baseline",
          "pod-security.kubernetes.io/audit": "baseline",
          "pod-security.kubernetes.io/warn": "baseline",
        },
      },
    });
    const release = run.find("kubernetes:helm.sh/v3:Release", "harbor-nfs-release");
    assert.deepEqual(release.inputs, {
      ...SUBDIR_INSTALL,
      ...RELEASE_SETTINGS,
      compat: "true", // added by @pulumi/kubernetes to every Release
    });
    const deps = run.options.get("harbor-nfs-release")?.dependsOn ?? [];
    assert.equal(deps.length, 1);
    assert.equal(run.component.provisionerName, SUBDIR.provisionerName);
  });

  it("subdir, chart mode: a helm.v4.Chart with the same chart and values", async () => {
    const run = await declare(
      (opts) => new NfsProvisioner("harbor-nfs", { ...SUBDIR, deployMode: "chart" }, opts),
    );
    const chart = run.find("kubernetes:helm.sh/v4:Chart", "harbor-nfs-chart");
    assert.deepEqual(chart.inputs, SUBDIR_INSTALL);
    assert.equal(run.ofType("kubernetes:helm.sh/v3:Release").length, 0);
  });

  it("csi: into kube-system, which it does not create", async () => {
    const run = await declare((opts) => new NfsProvisioner("harbor-nfs", CSI, opts));
    assert.deepEqual(
      run.resources.map((r) => `${r.type} ${r.name}`),
      [
        "harbor:storage:NfsProvisioner harbor-nfs",
        "kubernetes:helm.sh/v3:Release harbor-nfs-release",
      ],
    );
    const release = run.find("kubernetes:helm.sh/v3:Release", "harbor-nfs-release");
    assert.deepEqual(release.inputs, {
      ...CSI_INSTALL,
      ...RELEASE_SETTINGS,
      compat: "true", // added by @pulumi/kubernetes to every Release
    });
  });
});
