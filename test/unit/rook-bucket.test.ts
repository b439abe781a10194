/**
 * The Rook bucket behind `harbor:objectStorage.type: rook`: its arguments derived from the stack
 * configuration, the exact inputs of the bucket StorageClass and the ObjectBucketClaim, and the
 * options that guard the blobs and make `pulumi up` wait until the claim is bound.
 */
import { strict as assert } from "node:assert";
import type * as pulumi from "@pulumi/pulumi";
import {
  RookBucket,
  bucketClaimSpec,
  bucketStorageClassArgs,
  type ObjectStoreBucketClass,
  type RookBucketArgs,
} from "../../components/rook-bucket";
import { rookBucketArgs } from "../../components/rook-bucket";
import { bucketNamePrefix } from "../../lib/high-availability";
import { resolve } from "../support/harness";
import { configOf } from "../support/config";
import { PROGRAM_LABELS, declare } from "../support/storage";

const CLAIM = "kubernetes:objectbucket.io/v1alpha1:ObjectBucketClaim";
const CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";

const STORE_CLASS: ObjectStoreBucketClass = {
  type: "objectStore",
  name: "harbor-rook-bucket",
  objectStoreName: "harbor-store",
  objectStoreNamespace: "rook-ceph",
  operatorNamespace: "rook-ceph",
  reclaimPolicy: "Retain",
};

const ARGS: RookBucketArgs = {
  claimName: "harbor-registry-bucket",
  namespace: "harbor",
  bucketNamePrefix: "harbor-registry",
  bucketClass: STORE_CLASS,
  protect: true,
};

/** Declares the component, recording each child's customTimeouts too. */
async function declareBucket(args: RookBucketArgs) {
  const timeouts = new Map<string, pulumi.CustomTimeouts | undefined>();
  const run = await declare(
    (opts) =>
      new RookBucket("harbor-bucket", args, {
        ...opts,
        transformations: [
          ...(opts.transformations ?? []),
          (t) => {
            timeouts.set(t.name, (t.opts as pulumi.CustomResourceOptions).customTimeouts);
            return undefined;
          },
        ],
      }),
  );
  return { run, timeouts };
}

describe("RookBucket", () => {
  it("class: Rook's bucket provisioner of the operator namespace, the object store, Retain", () => {
    assert.deepEqual(bucketStorageClassArgs(STORE_CLASS), {
      provisioner: "rook-ceph.ceph.rook.io/bucket",
      parameters: { objectStoreName: "harbor-store", objectStoreNamespace: "rook-ceph" },
      reclaimPolicy: "Retain",
    });
    assert.equal(
      bucketStorageClassArgs({ ...STORE_CLASS, operatorNamespace: "rook-operator" }).provisioner,
      "rook-operator.ceph.rook.io/bucket",
    );
  });

  it("claim: a generated bucket name on the class", () => {
    assert.deepEqual(bucketClaimSpec(ARGS), {
      storageClassName: "harbor-rook-bucket",
      generateBucketName: "harbor-registry",
    });
  });

  it("declares the bucket class, then the claim, awaited until Bound", async () => {
    const { run, timeouts } = await declareBucket(ARGS);
    assert.deepEqual(
      run.resources.map((r) => `${r.type} ${r.name}`),
      [
        "harbor:storage:RookBucket harbor-bucket",
        `${CLASS} harbor-bucket-class`,
        `${CLAIM} harbor-bucket-claim`,
      ],
    );
    assert.deepEqual(run.find(CLASS, "harbor-bucket-class").inputs, {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "harbor-rook-bucket", labels: PROGRAM_LABELS },
      provisioner: "rook-ceph.ceph.rook.io/bucket",
      parameters: { objectStoreName: "harbor-store", objectStoreNamespace: "rook-ceph" },
      reclaimPolicy: "Retain",
    });
    assert.deepEqual(run.find(CLAIM, "harbor-bucket-claim").inputs, {
      apiVersion: "objectbucket.io/v1alpha1",
      kind: "ObjectBucketClaim",
      metadata: {
        name: "harbor-registry-bucket",
        namespace: "harbor",
        labels: PROGRAM_LABELS,
        annotations: { "pulumi.com/waitFor": "jsonpath={.status.phase}=Bound" },
      },
      spec: { storageClassName: "harbor-rook-bucket", generateBucketName: "harbor-registry" },
    });
    const claimOpts = run.options.get("harbor-bucket-claim");
    assert.deepEqual(claimOpts?.dependsOn, [run.component.storageClass]);
    assert.deepEqual(timeouts.get("harbor-bucket-claim"), { create: "10m", update: "10m" });
    assert.equal(await resolve(run.component.claimName), "harbor-registry-bucket");
    assert.equal(await resolve(run.component.className), "harbor-rook-bucket");
  });

  it("an existing bucket class: only the claim, on that class", async () => {
    const { run } = await declareBucket({
      ...ARGS,
      bucketClass: { type: "existing", name: "rook-ceph-bucket" },
    });
    assert.deepEqual(
      run.resources.map((r) => `${r.type} ${r.name}`),
      ["harbor:storage:RookBucket harbor-bucket", `${CLAIM} harbor-bucket-claim`],
    );
    const spec = run.find(CLAIM, "harbor-bucket-claim").inputs.spec;
    assert.deepEqual(spec, {
      storageClassName: "rook-ceph-bucket",
      generateBucketName: "harbor-registry",
    });
    assert.deepEqual(run.options.get("harbor-bucket-claim")?.dependsOn, []);
    assert.equal(await resolve(run.component.className), "rook-ceph-bucket");
  });

  it("protect guards the claim and the class and keeps both on destroy", async () => {
    for (const protect of [true, false]) {
      const { run } = await declareBucket({ ...ARGS, protect });
      for (const child of ["harbor-bucket-class", "harbor-bucket-claim"]) {
        const opts = run.options.get(child);
        assert.equal(opts?.protect, protect, child);
        assert.equal(opts?.retainOnDelete, protect, child);
      }
    }
  });
});

describe("rookBucketArgs (from the stack configuration)", () => {
  const host = { hostname: "harbor.example.com" };

  it("an object store: a class named after the namespace, Rook in rook-ceph, the stack's reclaim policy", () => {
    const config = configOf(
      { ...host, objectStorage: { type: "rook", objectStoreName: "harbor-store" } },
      {},
      "prod",
    );
    assert.deepEqual(rookBucketArgs(config, "harbor"), ARGS);
  });

  it("namespaces, reclaim policy, release and protection from the stack", () => {
    const config = configOf(
      {
        ...host,
        namespace: "registry",
        releaseName: "registry",
        storage: { reclaimPolicy: "Delete" },
        objectStorage: {
          type: "rook",
          objectStoreName: "store",
          objectStoreNamespace: "ceph",
          operatorNamespace: "rook-system",
        },
      },
      {},
      "dev",
    );
    assert.deepEqual(rookBucketArgs(config, "registry"), {
      claimName: "registry-harbor-registry-bucket",
      namespace: "registry",
      bucketNamePrefix: "registry-harbor-registry",
      bucketClass: {
        type: "objectStore",
        name: "registry-rook-bucket",
        objectStoreName: "store",
        objectStoreNamespace: "ceph",
        operatorNamespace: "rook-system",
        reclaimPolicy: "Delete",
      },
      protect: false,
    });
  });

  it("an existing bucket class", () => {
    const config = configOf({
      ...host,
      objectStorage: { type: "rook", bucketClassName: "rook-ceph-bucket" },
    });
    assert.deepEqual(rookBucketArgs(config, "harbor")?.bucketClass, {
      type: "existing",
      name: "rook-ceph-bucket",
    });
  });

  it("none without a Rook bucket", () => {
    assert.equal(rookBucketArgs(configOf(host), "harbor"), undefined);
    assert.equal(
      rookBucketArgs(configOf({ ...host, objectStorage: { bucket: "blobs" } }), "harbor"),
      undefined,
    );
  });

  it("the bucket name prefix leaves room for Rook's 37-character suffix", () => {
    assert.equal(bucketNamePrefix("harbor"), "harbor-registry");
    const long = bucketNamePrefix("a-very-long-release-name");
    assert.equal(long, "a-very-long-release-name-h");
    assert.ok(long.length + 37 <= 63);
    assert.equal(bucketNamePrefix("abcdefghijklmnopqrstuvwx-z"), "abcdefghijklmnopqrstuvwx-z");
    assert.ok(!bucketNamePrefix("abcdefghijklmnopqrstuvwxy").endsWith("-"));
  });
});
