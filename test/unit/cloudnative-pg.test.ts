/**
 * The CloudNativePG Cluster behind `harbor:database.type: cloudnative-pg`: its arguments derived
 * from the stack configuration, the exact inputs of the Cluster it declares, and the resource
 * options that guard the database and make `pulumi up` wait for it.
 */
import { strict as assert } from "node:assert";
import type * as pulumi from "@pulumi/pulumi";
import {
  CloudNativePgCluster,
  cloudNativePgClusterSpec,
  type CloudNativePgClusterArgs,
} from "../../components/cloudnative-pg";
import { stackImages } from "../../lib/chart";
import { cloudNativePgClusterArgs } from "../../components/cloudnative-pg";
import { harborImages } from "../../lib/values";
import { resolve } from "../support/harness";
import { configOf } from "../support/config";
import { PROGRAM_LABELS, declare } from "../support/storage";

const CLUSTER = "kubernetes:postgresql.cnpg.io/v1:Cluster";

const ARGS: CloudNativePgClusterArgs = {
  name: "harbor-postgres",
  namespace: "harbor",
  instances: 3,
  imageName: "ghcr.io/cloudnative-pg/postgresql:17.9-system-trixie",
  size: "20Gi",
  storageClass: "ceph-block",
  database: "registry",
  owner: "harbor",
  maxConnections: 400,
  resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } },
  placement: {},
  protect: true,
};

/** The Cluster's spec for ARGS: what the operator is asked to run. */
const CLUSTER_SPEC = {
  instances: 3,
  imageName: "ghcr.io/cloudnative-pg/postgresql:17.9-system-trixie",
  primaryUpdateStrategy: "unsupervised",
  primaryUpdateMethod: "switchover",
  postgresql: { parameters: { max_connections: "400" } },
  bootstrap: { initdb: { database: "registry", owner: "harbor", dataChecksums: true } },
  storage: { size: "20Gi", storageClass: "ceph-block" },
  resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } },
  affinity: {
    enablePodAntiAffinity: true,
    podAntiAffinityType: "preferred",
    topologyKey: "kubernetes.io/hostname",
  },
  enablePDB: true,
  monitoring: { enablePodMonitor: false },
  inheritedMetadata: { labels: { "app.kubernetes.io/part-of": "harbor" } },
};

describe("CloudNativePgCluster", () => {
  it("spec: instances, image, bootstrap of registry owned by harbor, storage, resources, PDBs", () => {
    assert.deepEqual(cloudNativePgClusterSpec(ARGS), CLUSTER_SPEC);
  });

  it("spec: a single instance restarts in place and has no disruption budget (it would block drains)", () => {
    const spec = cloudNativePgClusterSpec({ ...ARGS, instances: 1 });
    assert.equal(spec.primaryUpdateMethod, "restart");
    assert.equal(spec.enablePDB, false);
  });

  it("spec: Harbor's node selection and tolerations reach the instances", () => {
    const spec = cloudNativePgClusterSpec({
      ...ARGS,
      placement: {
        nodeSelector: { "node-role.example.com/registry": "true" },
        tolerations: [
          { key: "dedicated", operator: "Equal", value: "registry", effect: "NoSchedule" },
        ],
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
      },
    });
    assert.deepEqual(spec.affinity, {
      enablePodAntiAffinity: true,
      podAntiAffinityType: "preferred",
      topologyKey: "kubernetes.io/hostname",
      nodeSelector: { "node-role.example.com/registry": "true" },
      tolerations: [
        { key: "dedicated", operator: "Equal", value: "registry", effect: "NoSchedule" },
      ],
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
    });
  });

  it("declares one postgresql.cnpg.io/v1 Cluster, awaited until Ready", async () => {
    const timeouts = new Map<string, pulumi.CustomTimeouts | undefined>();
    const run = await declare(
      (opts) =>
        new CloudNativePgCluster("harbor-database", ARGS, {
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
    assert.deepEqual(
      run.resources.map((r) => `${r.type} ${r.name}`),
      [
        "harbor:database:CloudNativePgCluster harbor-database",
        `${CLUSTER} harbor-database-cluster`,
      ],
    );
    assert.deepEqual(run.find(CLUSTER, "harbor-database-cluster").inputs, {
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Cluster",
      metadata: {
        name: "harbor-postgres",
        namespace: "harbor",
        labels: PROGRAM_LABELS,
        annotations: { "pulumi.com/waitFor": "condition=Ready" },
      },
      spec: CLUSTER_SPEC,
    });
    assert.deepEqual(timeouts.get("harbor-database-cluster"), { create: "20m", update: "20m" });
    assert.equal(await resolve(run.component.clusterName), "harbor-postgres");
    assert.equal(run.component.readWriteService, "harbor-postgres-rw");
    assert.equal(run.component.appSecretName, "harbor-postgres-app");
    assert.equal(run.component.image, ARGS.imageName);
  });

  it("protect guards the Cluster (its volumes go with it) and keeps it on destroy", async () => {
    for (const protect of [true, false]) {
      const run = await declare(
        (opts) => new CloudNativePgCluster("harbor-database", { ...ARGS, protect }, opts),
      );
      const opts = run.options.get("harbor-database-cluster");
      assert.equal(opts?.protect, protect);
      assert.equal(opts?.retainOnDelete, protect);
    }
  });
});

describe("cloudNativePgClusterArgs (from the stack configuration)", () => {
  const host = { hostname: "harbor.example.com" };

  it("size and class default to the stack's database size and StorageClass", () => {
    const config = configOf({ ...host, database: { type: "cloudnative-pg" } }, {}, "prod");
    assert.deepEqual(cloudNativePgClusterArgs(config, "harbor"), {
      name: "harbor-postgres",
      namespace: "harbor",
      instances: 3,
      imageName: "ghcr.io/cloudnative-pg/postgresql:17.9-system-trixie",
      size: "5Gi",
      storageClass: "harbor-local-path",
      database: "registry",
      owner: "harbor",
      maxConnections: 400,
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } },
      placement: {},
      protect: true,
    });
  });

  it("explicit size, class and image; the mirror rewrites the image; a dev stack is unprotected", () => {
    const config = configOf(
      {
        ...host,
        releaseName: "registry",
        imageRegistry: "mirror.example.com/ghcr",
        storage: { variant: "existing", className: "ceph-block" },
        database: {
          type: "cloudnative-pg",
          instances: 2,
          size: "30Gi",
          className: "fast-ssd",
          imageName: "ghcr.io/cloudnative-pg/postgresql:16.13-standard-trixie",
        },
      },
      {},
      "dev",
    );
    const args = cloudNativePgClusterArgs(config, "registry-ns")!;
    assert.equal(args.name, "registry-harbor-postgres");
    assert.equal(args.namespace, "registry-ns");
    assert.equal(args.instances, 2);
    assert.equal(args.size, "30Gi");
    assert.equal(args.storageClass, "fast-ssd");
    assert.equal(
      args.imageName,
      "mirror.example.com/ghcr/cloudnative-pg/postgresql:16.13-standard-trixie",
    );
    assert.equal(args.protect, false);
  });

  it("Harbor's scheduling and a pinned local-path node carry over", () => {
    const config = configOf({
      ...host,
      storage: { localPath: { node: "worker1" } },
      scheduling: {
        tolerations: [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }],
        affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } },
      },
      database: { type: "cloudnative-pg", instances: 1 },
    });
    assert.deepEqual(cloudNativePgClusterArgs(config, "harbor")?.placement, {
      nodeSelector: { "kubernetes.io/hostname": "worker1" },
      tolerations: [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }],
      nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] },
    });
  });

  it("the images output lists the Cluster's image, and the mirror it is pulled from", () => {
    const config = configOf({
      ...host,
      imageRegistry: "mirror.example.com",
      database: { type: "cloudnative-pg" },
    });
    const images = stackImages(harborImages(config), config.imageRegistry);
    assert.deepEqual(images[images.length - 1], {
      source: "ghcr.io/cloudnative-pg/postgresql:17.9-system-trixie",
      mirror: cloudNativePgClusterArgs(config, "harbor")!.imageName,
    });
    assert.equal(
      cloudNativePgClusterArgs(config, "harbor")!.imageName,
      "mirror.example.com/cloudnative-pg/postgresql:17.9-system-trixie",
    );
  });

  it("none for the internal or an external database", () => {
    assert.equal(cloudNativePgClusterArgs(configOf(host), "harbor"), undefined);
    const external = configOf(
      { ...host, database: { type: "external", host: "db.example.com", username: "harbor" } },
      { databasePassword: "fixture-db-secret-value" },
    );
    assert.equal(cloudNativePgClusterArgs(external, "harbor"), undefined);
  });
});
