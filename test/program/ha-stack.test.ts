/**
 * The example HA stack (Pulumi.ha.yaml) evaluated as a whole program under the mocks: the values
 * Harbor's chart gets and the images it lists. Where helm and the chart are available, the values
 * are rendered with the real chart: the PodDisruptionBudgets are there, no claim is made for job
 * logs or blobs, and the replicated Deployments roll.
 *
 *   HARBOR_CHART=/path/to/harbor (or .tgz) HELM=/path/to/helm npm test
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import type { HarborValues } from "../../lib/harbor-values";
import { harborValues, type ProgramRun } from "../support/harness";
import { exampleRun } from "../support/example-stacks";
import { HELM, helmAvailable } from "../../scripts/runtime/helm";

const REPLICATED = ["core", "portal", "registry", "jobservice", "trivy"] as const;

describe("example stack Pulumi.ha.yaml (high availability)", () => {
  let run: ProgramRun;
  let values: HarborValues;
  before(async () => {
    run = await exampleRun("ha");
    values = harborValues(run);
  });

  it("deploys the chart as a helm.v4.Chart", () => {
    assert.equal(run.ofType("kubernetes:helm.sh/v4:Chart").length, 1);
  });

  it("two replicas of every stateless component, each with a budget and a spread", () => {
    for (const name of REPLICATED) {
      const w = values[name]!;
      assert.equal(w.replicas, 2, name);
      assert.deepEqual(
        w.podDisruptionBudget,
        { enabled: true, minAvailable: 0, maxUnavailable: 1 },
        name,
      );
      assert.equal(w.topologySpreadConstraints?.length, 1, name);
    }
    // Behind an Ingress the chart runs no nginx: no budget for it.
    assert.equal(values.nginx?.podDisruptionBudget, undefined);
  });

  it("jobservice logs to the database; no ReadWriteOnce claim is mounted, so pods roll", () => {
    assert.deepEqual(values.jobservice?.jobLoggers, ["database"]);
    assert.equal(values.persistence?.imageChartStorage?.type, "s3");
    assert.deepEqual(values.updateStrategy, { type: "RollingUpdate" });
  });

  it("the database is the CloudNativePG Cluster, its password from the operator's Secret", () => {
    assert.deepEqual(values.database?.external, {
      host: "harbor-postgres-rw.harbor.svc",
      port: "5432",
      username: "harbor",
      coreDatabase: "registry",
      existingSecret: "harbor-postgres-app",
      sslmode: "require",
    });
  });

  it("blobs in the Rook bucket, redirects disabled, keys from the claim's Secret", () => {
    assert.equal(values.persistence?.imageChartStorage?.disableredirect, true);
    const env = values.registry?.registry?.extraEnvVars ?? [];
    assert.deepEqual(env.find((e) => e.name === "REGISTRY_STORAGE_S3_SECRETKEY")?.valueFrom, {
      secretKeyRef: { name: "harbor-registry-bucket", key: "AWS_SECRET_ACCESS_KEY" },
    });
  });

  it("Redis through the three Sentinels", () => {
    assert.equal(values.redis?.type, "external");
    assert.equal(values.redis?.external?.sentinelMasterSet, "harbor");
    assert.equal(values.redis?.external?.addr?.split(",").length, 3);
  });

  it("images: Harbor's without harbor-db and redis-photon, and the Cluster's PostgreSQL", () => {
    const sources = (run.outputs.images as { source: string }[]).map((i) => i.source);
    assert.ok(sources.includes("ghcr.io/cloudnative-pg/postgresql:17.9-system-trixie"));
    assert.ok(!sources.some((s) => /goharbor\/(harbor-db|redis-photon):/.test(s)));
  });
});

const chart = process.env.HARBOR_CHART;
const helm = HELM;

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

describe("example stack Pulumi.ha.yaml rendered by the real chart", function () {
  this.timeout(120_000);
  let docs: Manifest[];
  before(async function () {
    if (!chart || !helmAvailable()) {
      console.log("      (set HARBOR_CHART and HELM to render the real chart; skipped)");
      this.skip();
    }
    const run = await exampleRun("ha");
    const dir = mkdtempSync(path.join(tmpdir(), "harbor-ha-"));
    const valuesFile = path.join(dir, "values.yaml");
    writeFileSync(valuesFile, stringify(harborValues(run)));
    const render = () =>
      execFileSync(helm, ["template", "harbor", chart, "-n", "harbor", "-f", valuesFile], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      });
    const first = render();
    assert.equal(render(), first, "two renders differ");
    docs = parseAllDocuments(first)
      .map((d) => d.toJS() as Manifest | null)
      .filter((d): d is Manifest => d !== null);
  });

  it("a PodDisruptionBudget for each replicated component, one pod at a time", () => {
    const budgets = docs.filter((d) => d.kind === "PodDisruptionBudget");
    console.log(
      budgets.map((b) => `      PDB ${b.metadata.name}: ${JSON.stringify(b.spec)}`).join("\n"),
    );
    assert.deepEqual(
      budgets.map((b) => b.metadata.name).sort(),
      REPLICATED.map((c) => `harbor-${c}`).sort(),
    );
    for (const b of budgets) {
      const component = b.metadata.name.replace(/^harbor-/, "");
      assert.deepEqual(b.spec, {
        maxUnavailable: 1,
        selector: { matchLabels: { release: "harbor", app: "harbor", component } },
      });
    }
  });

  it("no claim for job logs or blobs: no PersistentVolumeClaim at all", () => {
    assert.deepEqual(
      docs.filter((d) => d.kind === "PersistentVolumeClaim").map((d) => d.metadata.name),
      [],
    );
    const jobservice = docs.find(
      (d) => d.kind === "ConfigMap" && d.metadata.name === "harbor-jobservice",
    );
    assert.match(jobservice!.data!["config.yml"], /job_loggers:\n\s+- name: "DB"/);
    assert.doesNotMatch(jobservice!.data!["config.yml"], /name: "FILE"/);
  });

  it("replicas spread over nodes with the component's labels; registry and jobservice roll", () => {
    for (const name of ["core", "portal", "registry", "jobservice"]) {
      const d = docs.find((x) => x.kind === "Deployment" && x.metadata.name === `harbor-${name}`)!;
      const spec = d.spec as {
        replicas: number;
        strategy?: { type: string };
        template: { spec: { topologySpreadConstraints: unknown[] } };
      };
      assert.equal(spec.replicas, 2, name);
      assert.deepEqual(spec.template.spec.topologySpreadConstraints, [
        {
          maxSkew: 1,
          topologyKey: "kubernetes.io/hostname",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: { release: "harbor", app: "harbor", component: name } },
        },
      ]);
      if (name === "registry" || name === "jobservice") {
        assert.deepEqual(spec.strategy, { type: "RollingUpdate" }, name);
      }
    }
  });

  it("registry and registryctl read the bucket from the claim; core reads the Cluster's password", () => {
    const registry = docs.find(
      (d) => d.kind === "Deployment" && d.metadata.name === "harbor-registry",
    )!;
    const containers = (
      registry.spec as {
        template: { spec: { containers: { name: string; env: { name: string }[] }[] } };
      }
    ).template.spec.containers;
    for (const c of containers) {
      const names = c.env.map((e) => e.name);
      for (const wanted of [
        "REGISTRY_STORAGE_S3_BUCKET",
        "REGISTRY_STORAGE_S3_REGIONENDPOINT",
        "REGISTRY_STORAGE_S3_ACCESSKEY",
        "REGISTRY_STORAGE_S3_SECRETKEY",
        "REGISTRY_STORAGE_S3_FORCEPATHSTYLE",
      ]) {
        assert.ok(names.includes(wanted), `${c.name} lacks ${wanted}`);
      }
      // $(BUCKET_HOST) expands only from variables defined before it.
      assert.ok(names.indexOf("BUCKET_HOST") < names.indexOf("REGISTRY_STORAGE_S3_REGIONENDPOINT"));
    }
    const config = docs.find(
      (d) => d.kind === "ConfigMap" && d.metadata.name === "harbor-registry",
    )!;
    assert.match(config.data!["config.yml"], /redirect:\n\s+disable: true/);
    const core = docs.find((d) => d.kind === "Deployment" && d.metadata.name === "harbor-core")!;
    const coreEnv = (
      core.spec as {
        template: { spec: { containers: { env: { name: string; valueFrom?: unknown }[] }[] } };
      }
    ).template.spec.containers[0].env;
    assert.deepEqual(coreEnv.find((e) => e.name === "POSTGRESQL_PASSWORD")?.valueFrom, {
      secretKeyRef: { name: "harbor-postgres-app", key: "password" },
    });
    const secret = docs.find((d) => d.kind === "Secret" && d.metadata.name === "harbor-core")!;
    assert.equal(
      (secret as { data?: Record<string, string> }).data?.POSTGRESQL_PASSWORD,
      undefined,
    );
  });
});
