import * as assert from "node:assert/strict";
import type { HarborValues } from "../../lib/harbor-values";
import { type ProgramRun } from "../support/harness";
import { exampleRun } from "../support/example-stacks";
import { CEPH_POOL_INPUTS, ROOK_CLASS_INPUTS, nfsSubdirClassInputs } from "../support/storage";

const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";

/** storageClass of each of Harbor's five claims in the deployed values. */
function claimClasses(run: ProgramRun): string[] {
  const harbor = run.find("kubernetes:helm.sh/v3:Release", "harbor-release");
  const pvc = (harbor.inputs.values as HarborValues).persistence?.persistentVolumeClaim;
  return [pvc?.registry, pvc?.jobservice?.jobLog, pvc?.database, pvc?.redis, pvc?.trivy].map(
    (claim) => String(claim?.storageClass),
  );
}

/** Labels of Harbor's namespace. */
function harborNamespaceLabels(run: ProgramRun): Record<string, string> {
  const ns = run.find("kubernetes:core/v1:Namespace", "harbor-namespace");
  return (ns.inputs.metadata as { labels: Record<string, string> }).labels;
}

/** Harbor's namespace where the pgdata-ownership init container runs (nfs, rook). */
const BASELINE_REPORTING = {
  "app.kubernetes.io/part-of": "harbor",
  "app.kubernetes.io/managed-by": "pulumi",
  "pod-security.kubernetes.io/enforce": "baseline",
  "pod-security.kubernetes.io/warn": "baseline",
  "pod-security.kubernetes.io/audit": "baseline",
};

describe("example stack Pulumi.nfs.yaml", () => {
  let run: ProgramRun;
  before(async () => {
    run = await exampleRun("nfs");
  });

  it("creates a non-default class on the namespace's nfs-subdir provisioner", () => {
    assert.deepEqual(
      run.find(STORAGE_CLASS, "harbor-class").inputs,
      nfsSubdirClassInputs(["nfsvers=4.1"]),
    );
    assert.equal(run.outputs.storageClassName, "harbor-nfs");
  });

  it("installs the provisioner chart for the export", () => {
    const release = run.find("kubernetes:helm.sh/v3:Release", "harbor-nfs-release");
    assert.equal(release.inputs.chart, "nfs-subdir-external-provisioner");
    assert.equal(release.inputs.version, "4.0.18");
    assert.equal(release.inputs.namespace, "harbor-nfs-provisioner");
    assert.deepEqual(release.inputs.values, {
      fullnameOverride: "harbor-nfs-provisioner",
      nfs: {
        server: "nfs01.lab.example.com",
        path: "/srv/nfs/harbor",
        mountOptions: ["nfsvers=4.1"],
      },
      storageClass: {
        create: false,
        provisionerName: "k8s-sigs.io/nfs-subdir-external-provisioner-harbor",
      },
      labels: { "app.kubernetes.io/part-of": "harbor" },
    });
  });

  it("puts every Harbor claim on the class", () => {
    assert.deepEqual(claimClasses(run), Array(5).fill("harbor-nfs"));
  });

  it("reports Pod Security baseline, not restricted: pgdata-ownership runs as root", () => {
    assert.deepEqual(harborNamespaceLabels(run), BASELINE_REPORTING);
  });
});

describe("example stack Pulumi.rook.yaml", () => {
  let run: ProgramRun;
  before(async () => {
    run = await exampleRun("rook");
  });

  it("creates a non-default class on Rook's RBD provisioner and the harbor pool", () => {
    assert.deepEqual(run.find(STORAGE_CLASS, "harbor-class").inputs, ROOK_CLASS_INPUTS);
    assert.equal(run.outputs.storageClassName, "harbor-rook");
  });

  it("creates the CephBlockPool: three replicas across hosts", () => {
    assert.deepEqual(
      run.find("kubernetes:ceph.rook.io/v1:CephBlockPool", "harbor-ceph-pool").inputs,
      CEPH_POOL_INPUTS,
    );
  });

  it("puts every Harbor claim on the class", () => {
    assert.deepEqual(claimClasses(run), Array(5).fill("harbor-rook"));
  });

  it("reports Pod Security baseline, not restricted: pgdata-ownership runs as root", () => {
    assert.deepEqual(harborNamespaceLabels(run), BASELINE_REPORTING);
  });
});

describe("example stack Pulumi.dev.yaml (local-path)", () => {
  it("runs its own local-path-provisioner under the namespace's provisioner name", async () => {
    const run = await exampleRun("dev");
    assert.equal(
      run.find(STORAGE_CLASS, "harbor-class").inputs.provisioner,
      "rancher.io/local-path-harbor",
    );
    const deployment = run.find("kubernetes:apps/v1:Deployment", "harbor-local-path-deployment");
    const spec = deployment.inputs.spec as {
      template: { spec: { containers: { command: string[] }[] } };
    };
    const command = spec.template.spec.containers[0].command;
    assert.equal(
      command[command.indexOf("--provisioner-name") + 1],
      "rancher.io/local-path-harbor",
    );
    assert.deepEqual(claimClasses(run), Array(5).fill("harbor-local-path"));
    // No root init container here: the namespace keeps reporting restricted violations.
    assert.deepEqual(harborNamespaceLabels(run), {
      ...BASELINE_REPORTING,
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
    });
  });
});
