/**
 * Names derived from `releaseName` (by goharbor's chart) and from `namespace` (by the program) stay
 * within Kubernetes' limits: the limits are computed per configuration, and a whole program run at
 * the longest accepted names declares only valid names. The render test checks the derived names
 * against what the real chart renders.
 */
import * as assert from "node:assert/strict";
import { isLabelValue, isQualifiedName } from "../../config/primitives";
import { type ChartFeatures, chartDerivedNames } from "../../config/facts";
import { releaseNameProblem } from "../../config/scalars";
import { problemsOf } from "../support/config";
import { runProgram } from "../support/harness";

const ALL: ChartFeatures = {
  internalDatabase: true,
  internalRedis: true,
  trivy: true,
  metrics: true,
};
const NONE: ChartFeatures = {
  internalDatabase: false,
  internalRedis: false,
  trivy: false,
  metrics: false,
};
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Kubernetes' IsDNS1123Subdomain: 253 characters; it does not limit each label to 63. */
const isSubdomain = (name: string) =>
  name.length <= 253 &&
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);

describe("names derived from releaseName and namespace", () => {
  it("the chart's Services and StatefulSets, per feature", () => {
    assert.deepEqual(
      chartDerivedNames("harbor", ALL).map((n) => `${n.kind} ${n.name} <= ${n.max}`),
      [
        "Service harbor-core <= 63",
        "Service harbor-jobservice <= 63",
        "Service harbor-portal <= 63",
        "Service harbor-registry <= 63",
        "Service harbor-database <= 63",
        "StatefulSet harbor-database <= 52",
        "Service harbor-redis <= 63",
        "StatefulSet harbor-redis <= 52",
        "Service harbor-trivy <= 63",
        "StatefulSet harbor-trivy <= 52",
        "Service harbor-exporter <= 63",
      ],
    );
    assert.deepEqual(
      chartDerivedNames("registry", NONE).map((n) => n.name),
      [
        "registry-harbor-core",
        "registry-harbor-jobservice",
        "registry-harbor-portal",
        "registry-harbor-registry",
      ],
    );
  });

  it("the longest release name: 43 with harbor, 36 without (the database StatefulSet's 52)", () => {
    const name = (n: number, prefix = "") => prefix + "r".repeat(n - prefix.length);
    assert.equal(releaseNameProblem(name(43, "harbor-"), ALL), undefined);
    assert.match(releaseNameProblem(name(44, "harbor-"), ALL)!, /StatefulSet .*-database" \(53/);
    assert.equal(releaseNameProblem(name(36), ALL), undefined);
    assert.match(releaseNameProblem(name(37), ALL)!, /StatefulSet "r{37}-harbor-database"/);
    // Without the chart's StatefulSets the jobservice Service (63) is the limit: 52 and 45.
    assert.equal(releaseNameProblem(name(52, "harbor-"), NONE), undefined);
    assert.match(releaseNameProblem(name(53, "harbor-"), NONE)!, /Service .*-jobservice" \(64/);
    assert.equal(releaseNameProblem(name(45), NONE), undefined);
    assert.ok(releaseNameProblem(name(46), NONE));
  });

  it("the configuration applies the limit for its own features", () => {
    const releaseName = `harbor-${"r".repeat(40)}`; // 47: too long with the internal database
    assert.deepEqual(problemsOf({ hostname: "harbor.example.com", releaseName }), [
      `harbor:releaseName is too long for this configuration: the chart names its StatefulSet "${releaseName}-database" (56 characters), and a StatefulSet's pods carry the label controller-revision-hash=<name>-<hash of up to 10 characters>, and label values are limited to 63, so its name is limited to 52; use at most 43 characters for a release name containing "harbor", 36 otherwise (the chart appends -harbor), got "${releaseName}"`,
    ]);
  });

  it("a whole stack at the longest namespace and release name declares only valid names", async () => {
    const namespace = `h${"a".repeat(62)}`;
    const run = await runProgram({
      stack: "dev",
      config: {
        hostname: "harbor.example.com",
        namespace,
        releaseName: `harbor-${"r".repeat(36)}`,
        storage: { variant: "nfs", nfs: { server: "nfs.example.com", path: "/exports/harbor" } },
        trust: { nodes: { enabled: true }, namespaces: ["ci"] },
        metrics: { enabled: true },
      },
    });
    let checked = 0;
    for (const r of run.resources) {
      const meta = r.inputs.metadata as
        { name?: string; namespace?: string; labels?: Record<string, string> } | undefined;
      if (meta?.name !== undefined) {
        const ok =
          r.type === "kubernetes:core/v1:Namespace"
            ? DNS_LABEL.test(meta.name)
            : isSubdomain(meta.name);
        assert.ok(ok, `${r.type} ${r.name}: name ${meta.name}`);
        checked++;
      }
      if (meta?.namespace !== undefined) assert.ok(DNS_LABEL.test(meta.namespace), meta.namespace);
      for (const [k, v] of Object.entries(meta?.labels ?? {})) {
        assert.ok(isQualifiedName(k) && isLabelValue(v), `${r.type} ${r.name}: label ${k}=${v}`);
      }
      if (r.type === "kubernetes:storage.k8s.io/v1:StorageClass") {
        assert.ok(isQualifiedName(String(r.inputs.provisioner)), String(r.inputs.provisioner));
      }
      if (r.type === "kubernetes:helm.sh/v3:Release") {
        assert.ok(String(r.inputs.name).length <= 53, String(r.inputs.name));
        assert.ok(DNS_LABEL.test(String(r.inputs.namespace)), String(r.inputs.namespace));
      }
    }
    assert.ok(checked >= 8, `only ${checked} named objects`);
  });
});
