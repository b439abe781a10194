import * as assert from "node:assert/strict";
import { CephBlockPool } from "../../components/ceph-block-pool";
import { LocalPathProvisioner } from "../../components/local-path-provisioner";
import { NfsProvisioner } from "../../components/nfs-provisioner";
import {
  HarborStorage,
  NFS_CSI_NAMESPACE,
  RANCHER_LOCAL_PATH,
  localPathProvisionerName,
  localPathProvisionerNamespace,
  nfsProvisionerNamespace,
  nfsSubdirProvisionerName,
  rookRbdProvisioner,
  storageClassArgs,
  type HarborStorageArgs,
} from "../../components/storage";
import type { StorageSpec } from "../../config/types";
import { fitName } from "../../lib/names";
import { resolve } from "../support/harness";
import {
  PROGRAM_LABELS,
  ROOK_CLASS_INPUTS,
  declare,
  nfsSubdirClassArgs,
  nfsSubdirClassInputs,
  storageOf,
} from "../support/storage";

const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A StorageClass `provisioner`: a qualified name whose name part is at most 63 characters. */
const QUALIFIED_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;

const LONG_NAMESPACE = `harbor-${"x".repeat(50)}-team`; // 61 characters

function declareStorage(storage: StorageSpec, overrides: Partial<HarborStorageArgs> = {}) {
  return declare(
    (opts) =>
      new HarborStorage(
        "harbor",
        { storage, namespace: "harbor", deployMode: "release", protect: false, ...overrides },
        opts,
      ),
  );
}

describe("storage: names", () => {
  it("keeps names that fit and shortens long ones with a hash", () => {
    assert.equal(fitName("harbor-nfs-provisioner"), "harbor-nfs-provisioner");
    const a = fitName(`${LONG_NAMESPACE}-nfs-provisioner`);
    const b = fitName(`${LONG_NAMESPACE.replace("team", "tean")}-nfs-provisioner`);
    assert.equal(a.length, 63);
    assert.match(a, DNS_LABEL);
    assert.match(a, /-[0-9a-f]{8}$/);
    assert.notEqual(a, b);
  });

  it("derives provisioner names and namespaces from the Harbor namespace", () => {
    assert.equal(localPathProvisionerName("harbor"), "rancher.io/local-path-harbor");
    assert.equal(
      nfsSubdirProvisionerName("harbor"),
      "k8s-sigs.io/nfs-subdir-external-provisioner-harbor",
    );
    assert.equal(localPathProvisionerNamespace("harbor"), "harbor-local-path-provisioner");
    assert.equal(nfsProvisionerNamespace("harbor"), "harbor-nfs-provisioner");
    assert.equal(NFS_CSI_NAMESPACE, "kube-system");
  });

  it("never races a cluster's built-in rancher.io/local-path", () => {
    assert.notEqual(localPathProvisionerName("harbor"), RANCHER_LOCAL_PATH);
    assert.notEqual(localPathProvisionerName("local-path"), RANCHER_LOCAL_PATH);
  });

  it("stays valid for the longest namespaces (provisioner name part and namespace <= 63)", () => {
    for (const provisioner of [
      localPathProvisionerName(LONG_NAMESPACE),
      nfsSubdirProvisionerName(LONG_NAMESPACE),
    ]) {
      assert.match(provisioner, QUALIFIED_NAME);
      assert.ok(provisioner.split("/")[1].length <= 63, provisioner);
    }
    for (const ns of [
      localPathProvisionerNamespace(LONG_NAMESPACE),
      nfsProvisionerNamespace(LONG_NAMESPACE),
    ]) {
      assert.match(ns, DNS_LABEL);
      assert.ok(ns.length <= 63, ns);
    }
    assert.notEqual(
      nfsSubdirProvisionerName(LONG_NAMESPACE),
      nfsSubdirProvisionerName(`${LONG_NAMESPACE}s`),
    );
  });
});

describe("storage: StorageClass per variant (storageClassArgs)", () => {
  it("local-path with the program's provisioner: its own name, WaitForFirstConsumer", () => {
    const storage = storageOf({ variant: "local-path" });
    assert.ok(storage.variant === "local-path");
    assert.deepEqual(storageClassArgs(storage, "harbor"), {
      provisioner: "rancher.io/local-path-harbor",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: false,
    });
  });

  it("local-path without installProvisioner uses the cluster's rancher.io/local-path", () => {
    const storage = storageOf({ variant: "local-path", localPath: { installProvisioner: false } });
    assert.ok(storage.variant === "local-path");
    assert.equal(storageClassArgs(storage, "harbor").provisioner, "rancher.io/local-path");
  });

  it("nfs subdir: the namespace's provisioner, archive and path pattern, mount options", () => {
    const storage = storageOf({
      variant: "nfs",
      nfs: { server: "nfs.example.com", path: "/exports/harbor", mountOptions: ["nfsvers=4.1"] },
    });
    assert.ok(storage.variant === "nfs");
    assert.deepEqual(storageClassArgs(storage, "harbor"), nfsSubdirClassArgs(["nfsvers=4.1"]));
  });

  it("nfs csi: nfs.csi.k8s.io with server, share, subDir and onDelete", () => {
    const storage = storageOf({
      variant: "nfs",
      nfs: {
        server: "10.0.0.5",
        path: "/srv/nfs/harbor",
        driver: "csi",
        archiveOnDelete: false,
      },
    });
    assert.ok(storage.variant === "nfs");
    assert.deepEqual(storageClassArgs(storage, "harbor"), {
      provisioner: "nfs.csi.k8s.io",
      parameters: {
        server: "10.0.0.5",
        share: "/srv/nfs/harbor",
        subDir: "${pvc.metadata.namespace}-${pvc.metadata.name}",
        onDelete: "delete",
      },
      volumeBindingMode: "Immediate",
      allowVolumeExpansion: true,
      mountOptions: undefined,
    });
  });

  it("rook: the operator's RBD provisioner, cluster secrets, pool and fsType", () => {
    const storage = storageOf({
      variant: "rook",
      rook: { operatorNamespace: "rook-operator", clusterNamespace: "ceph-a", fsType: "xfs" },
    });
    assert.ok(storage.variant === "rook");
    assert.equal(rookRbdProvisioner("rook-operator"), "rook-operator.rbd.csi.ceph.com");
    assert.deepEqual(storageClassArgs(storage, "harbor"), {
      provisioner: "rook-operator.rbd.csi.ceph.com",
      parameters: {
        clusterID: "ceph-a",
        pool: "harbor",
        imageFormat: "2",
        imageFeatures: "layering",
        "csi.storage.k8s.io/provisioner-secret-name": "rook-csi-rbd-provisioner",
        "csi.storage.k8s.io/provisioner-secret-namespace": "ceph-a",
        "csi.storage.k8s.io/controller-expand-secret-name": "rook-csi-rbd-provisioner",
        "csi.storage.k8s.io/controller-expand-secret-namespace": "ceph-a",
        "csi.storage.k8s.io/node-stage-secret-name": "rook-csi-rbd-node",
        "csi.storage.k8s.io/node-stage-secret-namespace": "ceph-a",
        "csi.storage.k8s.io/fstype": "xfs",
      },
      volumeBindingMode: "Immediate",
      allowVolumeExpansion: true,
    });
  });
});

describe("storage: HarborStorage component", () => {
  it("local-path: installs the provisioner first, then a non-default class on it", async () => {
    const run = await declareStorage(storageOf({ variant: "local-path" }));
    const sc = run.find(STORAGE_CLASS, "harbor-class");
    assert.deepEqual(sc.inputs, {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "harbor-local-path", labels: PROGRAM_LABELS },
      reclaimPolicy: "Retain",
      provisioner: "rancher.io/local-path-harbor",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: false,
    });
    assert.ok(run.component.provisioner instanceof LocalPathProvisioner);
    assert.deepEqual(run.component.images, [
      "docker.io/rancher/local-path-provisioner:v0.0.37",
      "docker.io/library/busybox:1.37.0",
    ]);
    assert.deepEqual(run.options.get("harbor-class")?.dependsOn, [run.component.provisioner]);
    assert.equal(await resolve(run.component.className), "harbor-local-path");
    run.find("harbor:storage:LocalPathProvisioner", "harbor-local-path");
    const ns = run.find("kubernetes:core/v1:Namespace", "harbor-local-path-namespace");
    assert.equal((ns.inputs.metadata as { name: string }).name, "harbor-local-path-provisioner");
  });

  it("local-path without installProvisioner: only the class, on rancher.io/local-path", async () => {
    const run = await declareStorage(
      storageOf({ variant: "local-path", localPath: { installProvisioner: false } }),
    );
    assert.equal(run.component.provisioner, undefined);
    assert.deepEqual(run.component.images, []);
    assert.deepEqual(
      run.resources.map((r) => r.type),
      ["harbor:storage:Storage", STORAGE_CLASS],
    );
    assert.equal(run.find(STORAGE_CLASS, "harbor-class").inputs.provisioner, RANCHER_LOCAL_PATH);
    assert.deepEqual(run.options.get("harbor-class")?.dependsOn, []);
  });

  it("nfs subdir: the chart in its own namespace, the class after it", async () => {
    const run = await declareStorage(
      storageOf({
        variant: "nfs",
        nfs: {
          server: "nfs.example.com",
          path: "/exports/harbor",
          mountOptions: ["nfsvers=4.1", "hard"],
        },
      }),
    );
    assert.deepEqual(
      run.find(STORAGE_CLASS, "harbor-class").inputs,
      nfsSubdirClassInputs(["nfsvers=4.1", "hard"]),
    );
    assert.ok(run.component.provisioner instanceof NfsProvisioner);
    assert.deepEqual(run.component.images, [
      "registry.k8s.io/sig-storage/nfs-subdir-external-provisioner:v4.0.2",
    ]);
    assert.deepEqual(run.options.get("harbor-class")?.dependsOn, [run.component.provisioner]);
    const release = run.find("kubernetes:helm.sh/v3:Release", "harbor-nfs-release");
    assert.equal(release.inputs.namespace, "harbor-nfs-provisioner");
    assert.equal(release.inputs.chart, "nfs-subdir-external-provisioner");
    assert.equal(
      (release.inputs.values as { storageClass: { provisionerName: string } }).storageClass
        .provisionerName,
      "k8s-sigs.io/nfs-subdir-external-provisioner-harbor",
    );
  });

  it("nfs csi: csi-driver-nfs in kube-system, Harbor's deploy mode and mirror", async () => {
    const run = await declareStorage(
      storageOf({
        variant: "nfs",
        reclaimPolicy: "Delete",
        nfs: { server: "10.0.0.5", path: "/srv/nfs/harbor", driver: "csi" },
      }),
      { deployMode: "chart", imageRegistry: "mirror.example.com:5000" },
    );
    assert.deepEqual(run.find(STORAGE_CLASS, "harbor-class").inputs, {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "harbor-nfs", labels: PROGRAM_LABELS },
      reclaimPolicy: "Delete",
      provisioner: "nfs.csi.k8s.io",
      parameters: {
        server: "10.0.0.5",
        share: "/srv/nfs/harbor",
        subDir: "${pvc.metadata.namespace}-${pvc.metadata.name}",
        onDelete: "archive",
      },
      volumeBindingMode: "Immediate",
      allowVolumeExpansion: true,
    });
    const chart = run.find("kubernetes:helm.sh/v4:Chart", "harbor-nfs-chart");
    assert.equal(chart.inputs.namespace, "kube-system");
    assert.equal(chart.inputs.chart, "csi-driver-nfs");
    assert.equal(
      (chart.inputs.values as { image: { nfs: { repository: string } } }).image.nfs.repository,
      "mirror.example.com:5000/sig-storage/nfsplugin",
    );
    assert.equal(run.ofType("kubernetes:core/v1:Namespace").length, 0);
    assert.deepEqual(run.options.get("harbor-class")?.dependsOn, [run.component.provisioner]);
  });

  it("nfs without installProvisioner: only the class", async () => {
    const run = await declareStorage(
      storageOf({
        variant: "nfs",
        nfs: { server: "nfs.example.com", path: "/exports/harbor", installProvisioner: false },
      }),
    );
    assert.deepEqual(
      run.resources.map((r) => r.type),
      ["harbor:storage:Storage", STORAGE_CLASS],
    );
  });

  it("rook: the CephBlockPool first, the class after it, both protected", async () => {
    const run = await declareStorage(
      storageOf({ variant: "rook", rook: { replicas: 2, failureDomain: "rack" } }),
      { protect: true },
    );
    assert.deepEqual(run.find(STORAGE_CLASS, "harbor-class").inputs, ROOK_CLASS_INPUTS);
    assert.ok(run.component.pool instanceof CephBlockPool);
    assert.deepEqual(run.options.get("harbor-class")?.dependsOn, [run.component.pool]);
    const pool = run.find("kubernetes:ceph.rook.io/v1:CephBlockPool", "harbor-ceph-pool");
    assert.deepEqual(pool.inputs.spec, {
      failureDomain: "rack",
      replicated: { size: 2, requireSafeReplicaSize: true },
    });
    for (const name of ["harbor-class", "harbor-ceph-pool"]) {
      const opts = run.options.get(name);
      assert.equal(opts?.protect, true, name);
      assert.equal(opts?.retainOnDelete, true, name);
    }
  });

  it("rook with createPool false: only the class, on the existing pool", async () => {
    const run = await declareStorage(
      storageOf({ variant: "rook", rook: { createPool: false, pool: "replicapool" } }),
    );
    assert.deepEqual(
      run.resources.map((r) => r.type),
      ["harbor:storage:Storage", STORAGE_CLASS],
    );
    assert.equal(
      (run.find(STORAGE_CLASS, "harbor-class").inputs.parameters as { pool: string }).pool,
      "replicapool",
    );
  });

  it("existing: names the operator's class and creates nothing", async () => {
    const run = await declareStorage(storageOf({ variant: "existing", className: "fast-ssd" }));
    assert.deepEqual(
      run.resources.map((r) => r.type),
      ["harbor:storage:Storage"],
    );
    assert.equal(await resolve(run.component.className), "fast-ssd");
    assert.equal(run.component.storageClass, undefined);
    assert.deepEqual(run.component.images, []);
  });

  it("no class is ever marked as the cluster default", async () => {
    for (const storage of [
      storageOf({ variant: "local-path" }),
      storageOf({ variant: "nfs", nfs: { server: "nfs.example.com", path: "/x" } }),
      storageOf({ variant: "rook" }),
    ]) {
      const run = await declareStorage(storage);
      const metadata = run.find(STORAGE_CLASS, "harbor-class").inputs.metadata as {
        annotations?: Record<string, string>;
      };
      assert.equal(metadata.annotations, undefined, storage.variant);
    }
  });

  it("two Harbor namespaces get provisioners that share no name", async () => {
    const names = async (namespace: string) => {
      const run = await declareStorage(storageOf({ variant: "local-path" }, namespace), {
        namespace,
      });
      return run.resources
        .filter((r) => r.type.startsWith("kubernetes:"))
        .map((r) => {
          const meta = r.inputs.metadata as { name: string; namespace?: string };
          return `${r.type} ${meta.namespace ?? ""}/${meta.name}`;
        });
    };
    const a = await names("harbor");
    const b = await names("harbor-staging");
    assert.deepEqual(
      a.filter((n) => b.includes(n)),
      [],
    );
  });
});
