import * as assert from "node:assert/strict";
import {
  CephBlockPool,
  cephBlockPoolSpec,
  type CephBlockPoolArgs,
} from "../../components/ceph-block-pool";
import { resolve } from "../support/harness";
import { CEPH_POOL_INPUTS, declare } from "../support/storage";

const ARGS: CephBlockPoolArgs = {
  name: "harbor",
  namespace: "rook-ceph",
  replicas: 3,
  failureDomain: "host",
  protect: false,
};

describe("CephBlockPool", () => {
  it("spec: failure domain and replica count, Rook's safety check kept", () => {
    assert.deepEqual(cephBlockPoolSpec(ARGS), {
      failureDomain: "host",
      replicated: { size: 3, requireSafeReplicaSize: true },
    });
  });

  it("spec: a single replica must turn off requireSafeReplicaSize (Rook refuses it otherwise)", () => {
    assert.deepEqual(cephBlockPoolSpec({ ...ARGS, replicas: 1, failureDomain: "osd" }), {
      failureDomain: "osd",
      replicated: { size: 1, requireSafeReplicaSize: false },
    });
  });

  it("declares a ceph.rook.io/v1 CephBlockPool in the CephCluster's namespace", async () => {
    const run = await declare((opts) => new CephBlockPool("harbor-ceph", ARGS, opts));
    assert.deepEqual(
      run.resources.map((r) => `${r.type} ${r.name}`),
      [
        "harbor:storage:CephBlockPool harbor-ceph",
        "kubernetes:ceph.rook.io/v1:CephBlockPool harbor-ceph-pool",
      ],
    );
    assert.deepEqual(
      run.find("kubernetes:ceph.rook.io/v1:CephBlockPool", "harbor-ceph-pool").inputs,
      CEPH_POOL_INPUTS,
    );
    assert.equal(await resolve(run.component.poolName), "harbor");
  });

  it("protect guards the pool and keeps it on destroy", async () => {
    for (const protect of [true, false]) {
      const run = await declare(
        (opts) => new CephBlockPool("harbor-ceph", { ...ARGS, protect }, opts),
      );
      const opts = run.options.get("harbor-ceph-pool");
      assert.equal(opts?.protect, protect);
      assert.equal(opts?.retainOnDelete, protect);
    }
  });
});
