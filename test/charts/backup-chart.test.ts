/**
 * The chart objects the backup and restore rely on, checked against goharbor's real chart: the
 * database Service and Secret (key POSTGRES_PASSWORD), the database pod's container, the registry
 * claim and where the registry mounts it, the writer Deployments and their pod labels.
 *
 * Needs the chart and helm (HARBOR_CHART=/path/to/chart HELM=/path/to/helm npm run test:charts); skipped
 * without them.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { MOUNTS, chartObjects, chartPodLabels } from "../../lib/backup";
import { chartClaimNames } from "../../lib/chart";
import { HELM, helmAvailable } from "../../scripts/runtime/helm";

const chart = process.env.HARBOR_CHART;
const helm = HELM;

interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: {
    containers: {
      name: string;
      envFrom?: { secretRef?: { name: string } }[];
      volumeMounts?: { name: string; mountPath: string }[];
    }[];
    volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
  };
}

describe("chart objects the backup relies on (goharbor/harbor, real chart)", function () {
  this.timeout(60_000);
  const release = "registry";
  let objects: K8sObject[] = [];

  before(function () {
    if (!chart || !helmAvailable()) {
      console.log("      (set HARBOR_CHART and HELM to render the real chart; skipped)");
      this.skip();
    }
    const dir = mkdtempSync(path.join(tmpdir(), "harbor-backup-render-"));
    const values = path.join(dir, "values.yaml");
    writeFileSync(
      values,
      stringify({
        metrics: { enabled: true },
        database: { internal: { password: "pw-for-render" } },
      }),
    );
    const out = execFileSync(helm, ["template", release, chart, "-n", "harbor", "-f", values], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    objects = parseAllDocuments(out)
      .map((d) => d.toJSON() as K8sObject | null)
      .filter((o): o is K8sObject => o !== null);
  });

  const names = () => chartObjects(release);
  const find = (kind: string, name: string) => {
    const hit = objects.find((o) => o.kind === kind && o.metadata.name === name);
    assert.ok(hit, `the chart renders no ${kind} ${name}`);
    return hit;
  };
  const template = (kind: string, name: string) =>
    (find(kind, name).spec as { template: PodTemplate }).template;

  it("the database Service listens on 5432 and selects the database pod", function () {
    const service = find("Service", names().databaseService).spec as {
      ports: { port: number }[];
      selector: Record<string, string>;
    };
    assert.deepEqual(
      service.ports.map((p) => p.port),
      [5432],
    );
    assert.deepEqual(service.selector, chartPodLabels(release, "database"));
  });

  it("the database Secret holds POSTGRES_PASSWORD, which the database container reads", function () {
    assert.ok(names().databasePasswordKey in (find("Secret", names().databaseSecret).data ?? {}));
    const pod = template("StatefulSet", names().databaseService);
    const container = pod.spec.containers.find((c) => c.name === names().databaseContainer);
    assert.ok(container, "the database pod has a container named database");
    assert.deepEqual(container.envFrom, [{ secretRef: { name: names().databaseSecret } }]);
    for (const [key, value] of Object.entries(chartPodLabels(release, "database"))) {
      assert.equal(pod.metadata.labels[key], value);
    }
  });

  it("the registry mounts its claim at /storage", function () {
    find("PersistentVolumeClaim", chartClaimNames(release).registry);
    const pod = template("Deployment", names().deployments.registry);
    const volume = pod.spec.volumes?.find((v) => v.name === "registry-data");
    assert.deepEqual(volume?.persistentVolumeClaim, {
      claimName: chartClaimNames(release).registry,
    });
    const registry = pod.spec.containers.find((c) => c.name === "registry");
    assert.ok(
      registry?.volumeMounts?.some(
        (m) => m.name === "registry-data" && m.mountPath === MOUNTS.registry,
      ),
    );
  });

  it("the writer Deployments carry the labels the restore waits on", function () {
    for (const [component, deployment] of Object.entries(names().deployments)) {
      const labels = template("Deployment", deployment).metadata.labels;
      for (const [key, value] of Object.entries(chartPodLabels(release, component))) {
        assert.equal(labels[key], value, `${deployment}: ${key}`);
      }
    }
  });
});
