/**
 * Every Kubernetes object the program declares for the example stacks, validated against the
 * Kubernetes API schemas (test/support/kube-schema.ts): built-in kinds against Kubernetes 1.36's
 * (kubernetes-models 5.1.0, a pinned devDependency, so this always runs), custom resources against
 * their CRDs from HARBOR_CRDS_DIR (`.ci/run` sets it; those tests skip without it). Unknown fields,
 * wrong types, wrong enum values, missing required fields and beta API versions all fail.
 *
 * The objects the charts render are validated by test/charts/chart-schema.test.ts (`npm run test:charts`).
 */
import { strict as assert } from "node:assert";
import {
  KubeSchemas,
  declaredObjects,
  groupVersion,
  planted,
  valueAt,
  type DeclaredObject,
  type KubeObject,
} from "../support/kube-schema";
import { EXAMPLE_STACKS, exampleRun } from "../support/example-stacks";

const crdsDir = process.env.HARBOR_CRDS_DIR;

/** Problems of each object, as `resource: problem` lines. */
function problemsOf(schemas: KubeSchemas, objects: DeclaredObject[]): string[] {
  return objects.flatMap((o) =>
    schemas.problems(o.object, { patch: o.patch }).map((p) => `${o.resource}: ${p}`),
  );
}

describe("every object the program declares, against the Kubernetes API schemas", function () {
  this.timeout(120_000);
  let schemas: KubeSchemas;
  const objects = new Map<string, DeclaredObject[]>();

  before(async () => {
    for (const stack of EXAMPLE_STACKS)
      objects.set(stack, declaredObjects(await exampleRun(stack)));
    schemas = new KubeSchemas(crdsDir).prepare([...objects.values()].flat().map((o) => o.object));
  });

  for (const stack of EXAMPLE_STACKS) {
    it(`Pulumi.${stack}.yaml: every built-in object is valid for Kubernetes 1.36`, () => {
      const builtIn = objects
        .get(stack)!
        .filter((o) => schemas.isBuiltInGroup(o.object.apiVersion));
      assert.ok(builtIn.length > 0, "no Kubernetes object declared");
      assert.deepEqual(problemsOf(schemas, builtIn), []);
      console.log(`      ${builtIn.length} built-in objects checked`);
    });

    it(`Pulumi.${stack}.yaml: every custom resource is valid for its CRD`, function () {
      const custom = objects
        .get(stack)!
        .filter((o) => !schemas.isBuiltInGroup(o.object.apiVersion));
      if (custom.length === 0) {
        console.log("      (no custom resource in this stack)");
        return;
      }
      if (!crdsDir) {
        console.log("      (set HARBOR_CRDS_DIR to validate custom resources; skipped)");
        this.skip();
      }
      assert.deepEqual(problemsOf(schemas, custom), []);
      console.log(`      ${custom.length} custom resources checked`);
    });
  }

  it("every Kubernetes resource the stacks declare is an object checked here or a Helm install", async () => {
    for (const stack of EXAMPLE_STACKS) {
      const run = await exampleRun(stack);
      const kubernetes = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
      const installs = kubernetes.filter((r) => /^kubernetes:helm\.sh\/v[34]:/.test(r.type));
      assert.equal(objects.get(stack)!.length + installs.length, kubernetes.length, stack);
    }
  });

  describe("refuses what the API server would refuse or drop (planted in declared objects)", () => {
    let deployment: KubeObject;
    let daemonSet: KubeObject;
    before(() => {
      const dev = objects.get("dev")!.map((o) => o.object);
      deployment = dev.find((o) => o.kind === "Deployment")!;
      daemonSet = dev.find((o) => o.kind === "DaemonSet")!;
      assert.ok(deployment && daemonSet);
      assert.deepEqual(schemas.problems(deployment), []);
      assert.deepEqual(schemas.problems(daemonSet), []);
    });

    it("a misspelt field, at any depth", () => {
      const container = "spec.template.spec.containers.0";
      const object = planted(deployment, {
        [`${container}.imagePulPolicy`]: valueAt(deployment, `${container}.imagePullPolicy`),
        [`${container}.imagePullPolicy`]: undefined,
        "spec.template.spec.securityContext": { runAsNonroot: true },
        "metadata.label": { app: "x" },
      });
      assert.deepEqual(schemas.problems(object), [
        'unknown field "metadata.label"',
        'unknown field "spec.template.spec.containers[0].imagePulPolicy"',
        'unknown field "spec.template.spec.securityContext.runAsNonroot"',
      ]);
    });

    it("a wrong type, a wrong enum value and a missing required field", () => {
      const object = planted(deployment, {
        "spec.replicas": "2",
        "spec.template.spec.containers.0.imagePullPolicy": "Sometimes",
        "spec.selector": undefined,
      });
      assert.deepEqual(schemas.problems(object), [
        "spec.replicas: must be integer",
        "spec.selector: required",
        'spec.template.spec.containers[0].imagePullPolicy: must be one of "Always", "IfNotPresent", "Never"',
      ]);
    });

    it("a value in a map of objects and in a list inside a list", () => {
      const object = planted(daemonSet, {
        "spec.template.spec.volumes.0.configMap": { name: "x", defaultMod: 420 },
        "spec.template.spec.tolerations": [{ operator: "Exists", efect: "NoSchedule" }],
      });
      assert.deepEqual(schemas.problems(object), [
        'unknown field "spec.template.spec.tolerations[0].efect"',
        'unknown field "spec.template.spec.volumes[0].configMap.defaultMod"',
      ]);
    });

    it("a beta or removed API version, an unknown kind, a custom resource without its CRD", () => {
      assert.deepEqual(schemas.problems({ ...deployment, apiVersion: "extensions/v1beta1" }), [
        "apiVersion: extensions/v1beta1 is not a GA API; supported Kubernetes versions serve no beta or alpha version of built-in groups by default",
      ]);
      assert.deepEqual(schemas.problems({ ...deployment, kind: "Deploymnet" }), [
        "kind: apps/v1 has no kind Deploymnet (Kubernetes 1.36)",
      ]);
      assert.deepEqual(
        new KubeSchemas().problems({ apiVersion: "example.com/v1", kind: "Widget" }),
        [
          "kind: no schema for example.com/v1 Widget (a custom resource: its CRD must be in HARBOR_CRDS_DIR, which is unset)",
        ],
      );
    });

    it("a patch may leave out required fields but not misspell one", () => {
      const patch = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } };
      assert.deepEqual(
        schemas.problems({ ...patch, imagePullSecrets: [{ nam: "harbor-pull" }] }, { patch: true }),
        ['unknown field "imagePullSecrets[0].nam"'],
      );
      assert.deepEqual(
        schemas.problems({ apiVersion: "v1", kind: "Service" }, { patch: true }),
        [],
      );
      assert.deepEqual(schemas.problems({ apiVersion: "v1", kind: "Binding", metadata: {} }), [
        "target: required",
      ]);
    });

    it("a custom resource's unknown field, wrong type and metadata (needs HARBOR_CRDS_DIR)", function () {
      if (!crdsDir) this.skip();
      const ha = objects.get("ha")!.map((o) => o.object);
      const cluster = ha.find((o) => o.kind === "Cluster")!;
      assert.equal(groupVersion(cluster.apiVersion).group, "postgresql.cnpg.io");
      assert.deepEqual(schemas.problems(cluster), []);
      const object = planted(cluster, {
        "spec.instance": valueAt(cluster, "spec.instances"),
        "spec.instances": "3",
        "metadata.annotation": {},
      });
      assert.deepEqual(schemas.problems(object), [
        "spec.instances: must be integer",
        'unknown field "metadata.annotation"',
        'unknown field "spec.instance"',
      ]);
    });
  });
});
