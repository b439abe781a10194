/**
 * Every object the real charts render with the program's values is valid for the Kubernetes API
 * (test/support/kube-schema.ts: Kubernetes 1.36 schemas, unknown fields refused, GA APIs only;
 * custom resources against their CRDs or packaged schemas). For every example stack and every
 * seed's stack (test/support/fixtures/seed-stacks.ts), each Helm install the program declares is rendered
 * with `helm template` (goharbor/harbor 1.19.1 from HARBOR_CHART, nfs-subdir-external-provisioner
 * 4.0.18 from NFS_SUBDIR_CHART) and each rendered object is checked.
 *
 * It also proves by rendering that managed PostgreSQL roles (`harbor@pg-prod`, `sa@project.iam`)
 * are inert in the chart: the chart quotes the user name (templates/core/core-cm.yaml,
 * templates/exporter/exporter-cm-env.yaml), so the same objects render and the value arrives
 * unchanged.
 *
 * Runs in `npm run test:charts` (`.ci/run` sets the variables); skipped without a chart and helm.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runProgram, type ProgramRun, type StackConfig } from "../support/harness";
import { EXAMPLE_STACKS, exampleRun } from "../support/example-stacks";
import {
  MANAGED_DATABASE_USERS,
  SEED_STACKS,
  externalDatabaseStack,
} from "../support/fixtures/seed-stacks";
import {
  KubeSchemas,
  describeObject,
  planted,
  valueAt,
  renderedObjects,
  type KubeObject,
} from "../support/kube-schema";
import { HELM, helmAvailable } from "../../scripts/runtime/helm";

const harborChart = process.env.HARBOR_CHART;
const nfsChart = process.env.NFS_SUBDIR_CHART;
const crdsDir = process.env.HARBOR_CRDS_DIR;

/** A Helm install the program declared (helm.v3.Release or helm.v4.Chart). */
interface Install {
  resource: string;
  chart: string;
  name: string;
  namespace: string;
  values: unknown;
}

function installsOf(run: ProgramRun): Install[] {
  return run.resources
    .filter((r) => /^kubernetes:helm\.sh\/v[34]:(Release|Chart)$/.test(r.type))
    .map((r) => ({
      resource: `${r.type}::${r.name}`,
      chart: String(r.inputs.chart),
      name: String(r.inputs.name),
      namespace: String(r.inputs.namespace),
      values: r.inputs.values ?? {},
    }));
}

/** The reference chart an install uses: Harbor's (by name or a local path) or the NFS provisioner. */
function referenceChart(install: Install): string {
  const chart = path.basename(install.chart).replace(/-\d+\.\d+\.\d+\.tgz$/, "");
  if (chart === "harbor") return harborChart!;
  if (chart === "nfs-subdir-external-provisioner") {
    assert.ok(nfsChart, `${install.resource}: set NFS_SUBDIR_CHART to render ${install.chart}`);
    return nfsChart;
  }
  throw new Error(`${install.resource}: no reference chart for ${install.chart}`);
}

let dir: string;

/**
 * `helm template` with the install's values. They travel as JSON (which YAML reads) with U+2028/9
 * escaped, as Pulumi hands Helm a map and never text.
 */
function render(install: Install): KubeObject[] {
  const file = path.join(dir, `values-${install.name}-${Date.now()}.json`);
  writeFileSync(
    file,
    JSON.stringify(install.values).replace(
      /[\u2028\u2029]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16)}`,
    ),
  );
  const out = execFileSync(
    HELM,
    ["template", install.name, referenceChart(install), "-n", install.namespace, "-f", file],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] },
  );
  return renderedObjects(out);
}

/** Problems of every rendered object, as `Kind ns/name: problem`. */
function problemsOf(schemas: KubeSchemas, objects: KubeObject[]): string[] {
  return objects.flatMap((o) => schemas.problems(o).map((p) => `${describeObject(o)}: ${p}`));
}

describe("every object the real charts render is valid for the Kubernetes API", function () {
  this.timeout(300_000);
  let schemas: KubeSchemas;

  before(function () {
    if (!harborChart || !helmAvailable()) {
      console.log("      (set HARBOR_CHART and HELM to render the real charts; skipped)");
      this.skip();
    }
    dir = mkdtempSync(path.join(tmpdir(), "chart-schema-"));
    schemas = new KubeSchemas(crdsDir);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const stacks: { title: string; run: () => Promise<ProgramRun> }[] = [
    ...EXAMPLE_STACKS.map((stack) => ({
      title: `Pulumi.${stack}.yaml`,
      run: () => exampleRun(stack),
    })),
    ...SEED_STACKS.map((seed) => ({
      title: `seed ${seed.seed}`,
      run: () => runProgram(seed),
    })),
  ];

  for (const stack of stacks) {
    it(`${stack.title}: every rendered object`, async () => {
      const installs = installsOf(await stack.run());
      assert.ok(installs.length > 0, "no Helm install declared");
      const counts: string[] = [];
      for (const install of installs) {
        const objects = render(install);
        schemas.prepare(objects);
        assert.deepEqual(problemsOf(schemas, objects), [], install.resource);
        counts.push(`${objects.length} from ${path.basename(install.chart)}`);
      }
      console.log(`      ${counts.join(", ")}`);
    });
  }

  describe("refuses what the API server would refuse or drop (planted in rendered objects)", () => {
    let objects: KubeObject[];
    const find = (kind: string, name: string) => {
      const hit = objects.find((o) => o.kind === kind && o.metadata?.name === name);
      assert.ok(hit, `no ${kind} ${name} rendered`);
      assert.deepEqual(schemas.problems(hit), []);
      return hit;
    };

    before(async () => {
      const [harbor] = installsOf(await exampleRun("dev"));
      objects = render(harbor);
      schemas.prepare(objects);
    });

    it("a misspelt field in the core Deployment, a wrong type in its probe", () => {
      const core = find("Deployment", "harbor-core");
      const probe = "spec.template.spec.containers.0.livenessProbe";
      const object = planted(core, {
        [`${probe}.httpGet.prot`]: valueAt(core, `${probe}.httpGet.port`),
        [`${probe}.httpGet.port`]: undefined,
        [`${probe}.periodSeconds`]: "10s",
      });
      assert.deepEqual(schemas.problems(object), [
        "spec.template.spec.containers[0].livenessProbe.httpGet.port: required",
        "spec.template.spec.containers[0].livenessProbe.periodSeconds: must be integer",
        'unknown field "spec.template.spec.containers[0].livenessProbe.httpGet.prot"',
      ]);
    });

    it("a wrong enum value in the exposing Service, an unknown field in a claim template", () => {
      const service = planted(find("Service", "harbor"), { "spec.type": "NodePorts" });
      assert.deepEqual(schemas.problems(service), [
        'spec.type: must be one of "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ]);
      const database = planted(find("StatefulSet", "harbor-database"), {
        "spec.volumeClaimTemplates.0.spec.storageClass": "harbor-local-path",
      });
      assert.deepEqual(schemas.problems(database), [
        'unknown field "spec.volumeClaimTemplates[0].spec.storageClass"',
      ]);
    });
  });

  it("a custom resource the chart renders: prod's ServiceMonitor (prometheus-operator's schema)", async () => {
    const [harbor] = installsOf(await exampleRun("prod"));
    const monitor = render(harbor).find((o) => o.kind === "ServiceMonitor");
    assert.ok(monitor, "prod enables metrics.serviceMonitor");
    assert.equal(monitor.apiVersion, "monitoring.coreos.com/v1");
    schemas.prepare([monitor]);
    assert.deepEqual(schemas.problems(monitor), []);
    const object = planted(monitor, {
      "spec.endpoints.0.intervall": "30s",
      "spec.endpoints.0.scheme": "tcp",
    });
    assert.deepEqual(schemas.problems(object), [
      'spec.endpoints[0].scheme: must be one of "http", "https", "HTTP", "HTTPS"',
      'unknown field "spec.endpoints[0].intervall"',
    ]);
  });

  describe("managed PostgreSQL roles render inertly", () => {
    /** The objects, and `kind/name` of each, for a stack on an external database as `user`. */
    async function renderFor(user: string) {
      const stack: StackConfig = externalDatabaseStack(user);
      stack.config.metrics = { enabled: true };
      const [harbor] = installsOf(await runProgram(stack));
      const objects = render(harbor);
      return {
        objects,
        names: objects.map((o) => `${o.kind}/${o.metadata?.name ?? ""}`).sort(),
        data: (kind: string, name: string) =>
          objects.find((o) => o.kind === kind && o.metadata?.name === name)?.data as
            Record<string, string> | undefined,
      };
    }

    for (const user of MANAGED_DATABASE_USERS) {
      it(`${user}: the same objects as for harbor, the name intact, every object valid`, async () => {
        const baseline = await renderFor("harbor");
        const managed = await renderFor(user);
        assert.deepEqual(managed.names, baseline.names);
        assert.equal(baseline.data("ConfigMap", "harbor-core")?.POSTGRESQL_USERNAME, "harbor");
        assert.equal(managed.data("ConfigMap", "harbor-core")?.POSTGRESQL_USERNAME, user);
        assert.equal(
          managed.data("ConfigMap", "harbor-exporter-env")?.HARBOR_DATABASE_USERNAME,
          user,
        );
        schemas.prepare(managed.objects);
        assert.deepEqual(problemsOf(schemas, managed.objects), []);
      });
    }
  });
});
