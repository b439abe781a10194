/**
 * Harbor's values for high availability (buildHarborValues called directly): disruption budgets
 * and node spread for replicated components, job logs in the database, the update strategy, the
 * CloudNativePG database and the Rook bucket, and the images they add.
 */
import { strict as assert } from "node:assert";
import type { EnvVar, HarborValues } from "../../lib/harbor-values";
import {
  DATABASE_MAX_CONNECTIONS,
  DATABASE_RESERVED_CONNECTIONS,
  DEFAULT_POSTGRES_IMAGE,
  databasePools,
  jobLogsInDatabase,
  mountsReadWriteOnceClaim,
} from "../../lib/high-availability";
import { buildHarborValues, harborImages } from "../../lib/values";
import { resolve } from "../support/harness";
import { CORE_HARBOR_IMAGE_NAMES, configOf, contextOf, goharborImages } from "../support/config";

async function valuesOf(raw: Record<string, unknown>): Promise<HarborValues> {
  return resolve(
    buildHarborValues(configOf({ hostname: "harbor.example.com", ...raw }), contextOf()),
  );
}

const HA_REPLICAS = { core: 2, portal: 2, registry: 2, jobservice: 2, nginx: 2, trivy: 2 };
const S3 = { bucket: "harbor-blobs", regionEndpoint: "https://s3.example.com" };
const ROOK = { type: "rook", objectStoreName: "harbor-store" };

/** The chart's budget as the program enables it: one pod of the component evicted at a time. */
const BUDGET = { enabled: true, minAvailable: 0, maxUnavailable: 1 };
/** One pod per node where possible; the chart adds the component's labels as the selector. */
const SPREAD = [
  { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway" },
];

type Workload = { podDisruptionBudget?: unknown; topologySpreadConstraints?: unknown };
const workloads = (v: HarborValues): Record<string, Workload | undefined> => ({
  core: v.core,
  portal: v.portal,
  registry: v.registry,
  jobservice: v.jobservice,
  nginx: v.nginx,
  trivy: v.trivy,
});

/** The registry container's default requests (harbor:resources.registry). */
const REGISTRY_RESOURCES = { requests: { cpu: "100m", memory: "256Mi" } };

describe("HA values: replicated components", () => {
  it("every component with two replicas gets the budget and the spread", async () => {
    const v = await valuesOf({
      expose: { type: "loadBalancer" },
      objectStorage: S3,
      replicas: HA_REPLICAS,
    });
    for (const [name, w] of Object.entries(workloads(v))) {
      assert.deepEqual(w?.podDisruptionBudget, BUDGET, name);
      assert.deepEqual(w?.topologySpreadConstraints, SPREAD, name);
    }
  });

  it("a single replica gets neither (the chart renders no budget for it anyway)", async () => {
    const v = await valuesOf({ replicas: { core: 3 } });
    assert.deepEqual(v.core?.podDisruptionBudget, BUDGET);
    for (const name of ["portal", "registry", "jobservice", "nginx", "trivy"]) {
      const w = workloads(v)[name];
      assert.equal(w?.podDisruptionBudget, undefined, name);
      assert.equal(w?.topologySpreadConstraints, undefined, name);
    }
  });

  it("no budget for nginx behind an ingress or a route, nor for a disabled Trivy", async () => {
    // The chart renders those budgets even when it deploys no pod for them.
    for (const expose of [
      { type: "ingress" },
      { type: "route", route: { parentRefs: [{ name: "gw" }] } },
    ]) {
      const v = await valuesOf({
        expose,
        replicas: { nginx: 2, trivy: 2 },
        trivy: { enabled: false },
      });
      assert.equal(v.nginx?.podDisruptionBudget, undefined, expose.type);
      assert.equal(v.trivy?.podDisruptionBudget, undefined, expose.type);
      assert.equal(v.nginx?.replicas, 2);
    }
    const nodePort = await valuesOf({ expose: { type: "nodePort" }, replicas: { nginx: 2 } });
    assert.deepEqual(nodePort.nginx?.podDisruptionBudget, BUDGET);
  });

  it("spread and budgets sit beside the stack's own scheduling", async () => {
    const v = await valuesOf({
      replicas: { core: 2 },
      scheduling: { nodeSelector: { "node-role.example.com/registry": "true" } },
    });
    assert.deepEqual(v.core?.nodeSelector, { "node-role.example.com/registry": "true" });
    assert.deepEqual(v.core?.topologySpreadConstraints, SPREAD);
  });
});

describe("HA values: job logs and the update strategy", () => {
  it("replicated jobservice logs jobs to the database: no job-log claim, rolling updates", async () => {
    const v = await valuesOf({ objectStorage: S3, replicas: { jobservice: 2 } });
    assert.deepEqual(v.jobservice?.jobLoggers, ["database"]);
    assert.deepEqual(v.updateStrategy, { type: "RollingUpdate" });
  });

  it("replicated jobservice on ReadWriteOnce filesystem storage: the registry's claim keeps Recreate", async () => {
    const v = await valuesOf({ replicas: { jobservice: 3 } });
    assert.deepEqual(v.jobservice?.jobLoggers, ["database"]);
    assert.equal(v.persistence?.imageChartStorage?.type, "filesystem");
    assert.deepEqual(v.updateStrategy, { type: "Recreate" });
  });

  it("a replicated registry on object storage takes job logs off the last ReadWriteOnce claim", async () => {
    // The chart's one updateStrategy covers registry and jobservice: a job-log claim would force
    // Recreate on the two registry pods as well.
    const v = await valuesOf({ objectStorage: S3, replicas: { registry: 2 } });
    assert.deepEqual(v.jobservice?.jobLoggers, ["database"]);
    assert.deepEqual(v.updateStrategy, { type: "RollingUpdate" });
  });

  it("single replicas on ReadWriteOnce: job logs in a file on the claim, Recreate", async () => {
    const v = await valuesOf({ objectStorage: S3 });
    assert.deepEqual(v.jobservice?.jobLoggers, ["file"]);
    assert.deepEqual(v.updateStrategy, { type: "Recreate" });
  });

  it("ReadWriteMany (NFS): file logs on the shared claim, rolling updates, also for a replicated registry", async () => {
    const v = await valuesOf({
      storage: { variant: "nfs", nfs: { server: "nfs.example.com", path: "/exports/harbor" } },
      replicas: { registry: 2 },
    });
    assert.deepEqual(v.jobservice?.jobLoggers, ["file"]);
    assert.deepEqual(v.updateStrategy, { type: "RollingUpdate" });
    assert.equal(v.persistence?.persistentVolumeClaim?.registry?.accessMode, "ReadWriteMany");
  });

  it("jobLogsInDatabase and mountsReadWriteOnceClaim over the cases", () => {
    const cases: [Record<string, unknown>, boolean, boolean][] = [
      [{}, false, true],
      [{ replicas: { jobservice: 2 } }, true, true],
      [{ objectStorage: S3 }, false, true],
      [{ objectStorage: S3, replicas: { jobservice: 2 } }, true, false],
      [{ objectStorage: S3, replicas: { registry: 2 } }, true, false],
      [{ objectStorage: ROOK, replicas: HA_REPLICAS }, true, false],
      [
        { storage: { accessMode: "ReadWriteMany", variant: "existing", className: "cephfs" } },
        false,
        false,
      ],
    ];
    for (const [raw, database, recreate] of cases) {
      const config = configOf({ hostname: "harbor.example.com", ...raw });
      assert.equal(jobLogsInDatabase(config), database, JSON.stringify(raw));
      assert.equal(mountsReadWriteOnceClaim(config), recreate, JSON.stringify(raw));
    }
  });
});

describe("HA values: CloudNativePG database", () => {
  it("Harbor connects to the Cluster's read-write Service with the operator's app Secret", async () => {
    const v = await valuesOf({ database: { type: "cloudnative-pg" } });
    assert.deepEqual(v.database, {
      type: "external",
      external: {
        host: "harbor-postgres-rw.harbor.svc",
        port: "5432",
        username: "harbor",
        coreDatabase: "registry",
        existingSecret: "harbor-postgres-app",
        sslmode: "require",
      },
      maxOpenConns: 190,
      maxIdleConns: 50,
    });
  });

  it("names follow the release and the namespace", async () => {
    const v = await valuesOf({
      releaseName: "registry",
      namespace: "platform",
      database: { type: "cloudnative-pg" },
    });
    assert.equal(v.database?.external?.host, "registry-harbor-postgres-rw.platform.svc");
    assert.equal(v.database?.external?.existingSecret, "registry-harbor-postgres-app");
  });

  it("no password passes through the program: none in the values", async () => {
    const v = await valuesOf({ database: { type: "cloudnative-pg" } });
    assert.equal(v.database?.external?.password, undefined);
    assert.equal(v.database?.internal, undefined);
  });

  it("pools shrink with the pods that hold them, so all of them fit max_connections", () => {
    const budget = DATABASE_MAX_CONNECTIONS - DATABASE_RESERVED_CONNECTIONS;
    for (const [raw, clients] of [
      [{}, 2],
      [{ replicas: { core: 3, jobservice: 2 } }, 5],
      [{ replicas: { core: 3, jobservice: 2 }, metrics: { enabled: true } }, 6],
    ] as [Record<string, unknown>, number][]) {
      const config = configOf({
        hostname: "harbor.example.com",
        database: { type: "cloudnative-pg" },
        objectStorage: S3,
        ...raw,
      });
      const pools = databasePools(config);
      assert.equal(pools.maxOpenConns, Math.floor(budget / clients));
      assert.ok(pools.maxOpenConns * clients <= budget);
      assert.ok(pools.maxIdleConns <= pools.maxOpenConns);
    }
  });

  it("images: Harbor's without harbor-db, then the Cluster's PostgreSQL image", () => {
    const config = configOf({
      hostname: "harbor.example.com",
      database: { type: "cloudnative-pg" },
      trivy: { enabled: false },
    });
    assert.deepEqual(harborImages(config), [
      ...goharborImages([...CORE_HARBOR_IMAGE_NAMES, "redis-photon"]),
      DEFAULT_POSTGRES_IMAGE,
    ]);
    assert.equal(DEFAULT_POSTGRES_IMAGE, "ghcr.io/cloudnative-pg/postgresql:17.9-system-trixie");
  });
});

describe("HA values: Rook bucket", () => {
  const claimEnv = (claim: string): EnvVar[] => [
    { name: "REGISTRY_STORAGE_S3_FORCEPATHSTYLE", value: "true" },
    { name: "BUCKET_HOST", valueFrom: { configMapKeyRef: { name: claim, key: "BUCKET_HOST" } } },
    { name: "BUCKET_PORT", valueFrom: { configMapKeyRef: { name: claim, key: "BUCKET_PORT" } } },
    { name: "REGISTRY_STORAGE_S3_REGIONENDPOINT", value: "http://$(BUCKET_HOST):$(BUCKET_PORT)" },
    {
      name: "REGISTRY_STORAGE_S3_BUCKET",
      valueFrom: { configMapKeyRef: { name: claim, key: "BUCKET_NAME" } },
    },
    {
      name: "REGISTRY_STORAGE_S3_ACCESSKEY",
      valueFrom: { secretKeyRef: { name: claim, key: "AWS_ACCESS_KEY_ID" } },
    },
    {
      name: "REGISTRY_STORAGE_S3_SECRETKEY",
      valueFrom: { secretKeyRef: { name: claim, key: "AWS_SECRET_ACCESS_KEY" } },
    },
  ];

  it("S3 storage with redirects disabled; bucket, endpoint and keys from the claim's ConfigMap and Secret", async () => {
    const v = await valuesOf({ objectStorage: ROOK });
    assert.deepEqual(v.persistence?.imageChartStorage, {
      type: "s3",
      disableredirect: true,
      s3: { bucket: "", region: "us-east-1", forcepathstyle: true, v4auth: true },
    });
    assert.deepEqual(v.registry?.registry, {
      extraEnvVars: claimEnv("harbor-registry-bucket"),
      resources: REGISTRY_RESOURCES,
    });
    // registryctl deletes blobs for garbage collection: it needs the same storage settings.
    assert.deepEqual(v.registry?.controller, { extraEnvVars: claimEnv("harbor-registry-bucket") });
  });

  it("no existingSecret and no keys in the values: nothing is copied", async () => {
    const v = await valuesOf({ objectStorage: ROOK });
    const s3 = v.persistence?.imageChartStorage?.s3;
    assert.equal(s3?.existingSecret, undefined);
    assert.equal(s3?.accesskey, undefined);
    assert.equal(s3?.secretkey, undefined);
  });

  it("the claim is named after the release; a mirror keeps the registry's image", async () => {
    const v = await valuesOf({
      releaseName: "registry",
      imageRegistry: "mirror.example.com",
      objectStorage: ROOK,
    });
    assert.deepEqual(v.registry?.registry, {
      image: { repository: "mirror.example.com/goharbor/registry-photon" },
      extraEnvVars: claimEnv("registry-harbor-registry-bucket"),
      resources: REGISTRY_RESOURCES,
    });
  });

  it("registry and jobservice scale on ReadWriteOnce storage: no claim mounted, rolling updates", async () => {
    const v = await valuesOf({ objectStorage: ROOK, replicas: HA_REPLICAS });
    assert.deepEqual(v.jobservice?.jobLoggers, ["database"]);
    assert.deepEqual(v.updateStrategy, { type: "RollingUpdate" });
  });
});

describe("HA values: S3 path-style addressing", () => {
  it("forcePathStyle reaches the registry through its environment (chart 1.19.1 drops the value)", async () => {
    const v = await valuesOf({ objectStorage: { ...S3, forcePathStyle: true } });
    const env = [{ name: "REGISTRY_STORAGE_S3_FORCEPATHSTYLE", value: "true" }];
    assert.deepEqual(v.registry?.registry, { extraEnvVars: env, resources: REGISTRY_RESOURCES });
    assert.deepEqual(v.registry?.controller, { extraEnvVars: env });
  });

  it("without forcePathStyle the containers get no extra environment", async () => {
    const v = await valuesOf({ objectStorage: S3 });
    assert.deepEqual(v.registry?.registry, { resources: REGISTRY_RESOURCES });
    assert.equal(v.registry?.controller, undefined);
  });
});
