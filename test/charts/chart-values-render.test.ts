/**
 * `harbor:resources` and `harbor:chart.values` rendered by the real chart (goharbor/harbor-helm):
 * each component's requests and limits land on its own container, chart values the schema does not
 * model land where the chart reads them, and two renders stay byte-identical.
 *
 *   HARBOR_CHART=/path/to/harbor-1.19.1.tgz HELM=/path/to/helm npm test
 *
 * Without them the suite is reported as pending.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { HELM, helmAvailable } from "../../scripts/runtime/helm";
import { harborValues, runProgram } from "../support/harness";

const chart = process.env.HARBOR_CHART;

interface Container {
  name: string;
  resources?: unknown;
}
interface Workload {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    template: {
      metadata: { labels?: Record<string, string> };
      spec: { containers: Container[]; imagePullSecrets?: { name: string }[] };
    };
  };
}

describe("resources and chart values in the real chart's manifests", function () {
  this.timeout(120_000);
  let manifests: string;
  let workloads: Map<string, Workload>;

  before(async function () {
    if (!chart || !helmAvailable()) {
      console.log("      (set HARBOR_CHART and HELM to render the real chart; skipped)");
      this.skip();
    }
    const run = await runProgram({
      stack: "dev",
      config: {
        hostname: "harbor.example.com",
        expose: { type: "nodePort" },
        metrics: { enabled: true },
        resources: {
          core: { requests: { cpu: "250m", memory: "384Mi" }, limits: { memory: "1Gi" } },
          registry: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "4Gi" } },
          database: { requests: { memory: "512Mi" } },
        },
        chart: {
          values: {
            imagePullSecrets: [{ name: "mirror-pull" }],
            core: { podLabels: { team: "platform" } },
          },
        },
      },
    });
    const dir = mkdtempSync(path.join(tmpdir(), "harbor-render-values-"));
    try {
      const valuesFile = path.join(dir, "values.yaml");
      writeFileSync(valuesFile, stringify(harborValues(run)), { mode: 0o600 });
      const render = () =>
        execFileSync(HELM, ["template", "harbor", chart, "-n", "harbor", "-f", valuesFile], {
          encoding: "utf8",
          maxBuffer: 64 * 1024 * 1024,
        });
      manifests = render();
      assert.equal(render(), manifests, "two renders differ");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    workloads = new Map();
    for (const doc of parseAllDocuments(manifests)) {
      const o = doc.toJS() as Workload | null;
      if (o && (o.kind === "Deployment" || o.kind === "StatefulSet")) {
        workloads.set(o.metadata.name, o);
      }
    }
  });

  const containerOf = (workload: string, container: string) => {
    const w = workloads.get(workload);
    assert.ok(w, `${workload} is rendered`);
    const c = w.spec.template.spec.containers.find((x) => x.name === container);
    assert.ok(c, `${workload} has a container ${container}`);
    return c;
  };

  it("each component's requests and limits are on its own container", () => {
    const example = { requests: { cpu: "100m", memory: "256Mi" } };
    assert.deepEqual(containerOf("harbor-core", "core").resources, {
      requests: { cpu: "250m", memory: "384Mi" },
      limits: { memory: "1Gi" },
    });
    assert.deepEqual(containerOf("harbor-registry", "registry").resources, {
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { memory: "4Gi" },
    });
    assert.deepEqual(containerOf("harbor-database", "database").resources, {
      requests: { cpu: "100m", memory: "512Mi" },
    });
    assert.deepEqual(containerOf("harbor-portal", "portal").resources, example);
    assert.deepEqual(containerOf("harbor-jobservice", "jobservice").resources, example);
    assert.deepEqual(containerOf("harbor-redis", "redis").resources, example);
    assert.deepEqual(containerOf("harbor-nginx", "nginx").resources, example);
    assert.deepEqual(containerOf("harbor-exporter", "exporter").resources, example);
    assert.deepEqual(containerOf("harbor-trivy", "trivy").resources, {
      requests: { cpu: "200m", memory: "512Mi" },
      limits: { cpu: "1", memory: "1Gi" },
    });
  });

  it("chart values land where the chart reads them", () => {
    for (const [name, w] of workloads) {
      assert.deepEqual(w.spec.template.spec.imagePullSecrets, [{ name: "mirror-pull" }], name);
    }
    assert.equal(workloads.get("harbor-core")?.spec.template.metadata.labels?.team, "platform");
    assert.equal(workloads.get("harbor-portal")?.spec.template.metadata.labels?.team, undefined);
  });
});
