/**
 * No valid setup from the operators' write-ups is refused: each seed's setup, written as a stack
 * (test/support/fixtures/seed-stacks.ts), runs through the whole program under the mocks, reaches Harbor's
 * chart as the operator meant it, and every object it declares is valid for the Kubernetes API
 * (test/support/kube-schema.ts). Seed 003's `kube-ops` namespace and managed PostgreSQL roles such
 * as `harbor@pg-prod` were refused before. The chart renders of the same stacks are in
 * test/charts/chart-schema.test.ts (`npm run test:charts`).
 */
import { strict as assert } from "node:assert";
import { harborValues, runProgram, type ProgramRun } from "../support/harness";
import { configOf, problemsOf } from "../support/config";
import {
  MANAGED_DATABASE_USERS,
  SEED_STACKS,
  externalDatabaseStack,
  type SeedStack,
} from "../support/fixtures/seed-stacks";
import { KubeSchemas, declaredObjects, valueAt } from "../support/kube-schema";

const crdsDir = process.env.HARBOR_CRDS_DIR;

/** What each seed's setup must become, beyond being accepted. */
const EXPECTED: Record<string, (run: ProgramRun, values: unknown) => void> = {
  "seed-000": (run, values) => {
    assert.equal(valueAt(values, "expose.type"), "loadBalancer");
    assert.equal(valueAt(values, "expose.loadBalancer.IP"), "192.168.1.43");
    assert.equal(valueAt(values, "ipFamily.ipv6.enabled"), false);
    assert.equal(
      valueAt(values, "persistence.persistentVolumeClaim.registry.existingClaim"),
      "my-harbor-registry",
    );
    assert.equal(
      valueAt(values, "persistence.persistentVolumeClaim.trivy.storageClass"),
      "rook-ceph-block",
    );
    const ldap = JSON.parse(valueAt(values, "core.configureUserSettings") as string) as Record<
      string,
      unknown
    >;
    assert.equal(ldap.auth_mode, "ldap_auth");
    assert.equal(ldap.ldap_url, "ldaps://ldap.example.com");
    assert.equal(run.outputs.releaseName, "my-harbor");
  },
  "seed-001": (run, values) => {
    assert.equal(valueAt(values, "externalURL"), "https://harbor.kaps.example.org");
    assert.deepEqual(valueAt(values, "expose.nodePort.ports"), {
      http: { nodePort: 30002 },
      https: { nodePort: 30003 },
    });
    const nfs = run.find("kubernetes:helm.sh/v3:Release", "harbor-nfs-release").inputs;
    assert.equal(valueAt(nfs, "values.nfs.server"), "192.168.15.20");
    assert.equal(valueAt(nfs, "values.nfs.path"), "/srv/nfs");
  },
  "seed-002": (run, values) => {
    assert.equal(valueAt(values, "externalURL"), "https://15.165.92.201:30003");
    assert.deepEqual(valueAt(values, "core.nodeSelector"), { "kubernetes.io/hostname": "worker1" });
    assert.equal(run.ofType("kubernetes:apps/v1:DaemonSet").length, 1);
    assert.equal(run.ofType("kubernetes:batch/v1:CronJob").length, 1);
  },
  "seed-003": (run, values) => {
    assert.equal(run.outputs.namespace, "kube-ops");
    const namespace = run.find("kubernetes:core/v1:Namespace", "harbor-namespace").inputs;
    assert.equal((namespace.metadata as { name: string }).name, "kube-ops");
    assert.equal(
      run.find("kubernetes:helm.sh/v3:Release", "harbor-release").inputs.namespace,
      "kube-ops",
    );
    assert.equal(valueAt(values, "expose.ingress.className"), "traefik");
    assert.equal(valueAt(values, "expose.ingress.hosts.core"), "registry.qikqiak.com");
    assert.equal(
      valueAt(values, "persistence.persistentVolumeClaim.registry.storageClass"),
      "harbor-data",
    );
  },
  "seed-004": (run, values) => {
    assert.equal(valueAt(values, "expose.loadBalancer.IP"), "10.213.208.67");
    const pull = run.find("kubernetes:core/v1:Secret", "harbor-content-pull-ns1").inputs;
    assert.equal((pull.metadata as { namespace: string }).namespace, "ns1");
    assert.equal(pull.type, "kubernetes.io/dockerconfigjson");
    assert.equal(run.ofType("pulumi-nodejs:dynamic/harbor:Project").length, 1);
  },
};

describe("the seeds' setups are accepted and deployed as written", function () {
  this.timeout(120_000);
  let schemas: KubeSchemas;

  before(() => {
    schemas = new KubeSchemas(crdsDir);
  });

  it("covers every seed", () => {
    assert.deepEqual(
      SEED_STACKS.map((s: SeedStack) => s.seed.slice(0, 3)),
      ["000", "001", "002", "003", "004"],
    );
    assert.deepEqual(
      Object.keys(EXPECTED),
      SEED_STACKS.map((s) => s.stack),
    );
  });

  for (const seed of SEED_STACKS) {
    it(`${seed.seed}: ${seed.setup}`, async () => {
      const run = await runProgram(seed);
      EXPECTED[seed.stack](run, harborValues(run));
      const objects = declaredObjects(run);
      schemas.prepare(objects.map((o) => o.object));
      const problems = objects.flatMap((o) =>
        schemas.problems(o.object, { patch: o.patch }).map((p) => `${o.resource}: ${p}`),
      );
      const unchecked = crdsDir ? [] : problems.filter((p) => /: kind: no schema for /.test(p));
      assert.deepEqual(
        problems.filter((p) => !unchecked.includes(p)),
        [],
      );
      console.log(
        `      ${objects.length} declared objects checked against the Kubernetes API schemas${unchecked.length ? ` (${unchecked.length} custom resources need HARBOR_CRDS_DIR)` : ""}`,
      );
    });
  }

  it("a kube-* namespace other than the system ones is Harbor's own, with a warning", () => {
    assert.deepEqual(configOf({ hostname: "harbor.example.com", namespace: "kube-ops" }).warnings, [
      "harbor:namespace is kube-ops: the kube- prefix is where Kubernetes keeps its own namespaces (kube-system, kube-public, kube-node-lease), so tools may treat it as a system namespace. It is used as Harbor's own: labelled for Pod Security baseline and protected.",
    ]);
    assert.deepEqual(
      configOf({ hostname: "harbor.example.com", namespace: "harbor" }).warnings,
      [],
    );
    for (const system of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      assert.deepEqual(problemsOf({ hostname: "harbor.example.com", namespace: system }), [
        `harbor:namespace must be a namespace of Harbor's own, not a system namespace (default, kube-system, kube-public, kube-node-lease): the program labels it for Pod Security and guards it as Harbor's, got "${system}"`,
      ]);
    }
  });

  it("seed 000's hex admin password is a valid initial one: accepted, with a warning", () => {
    const raw = { hostname: "harbor.example.com" };
    assert.deepEqual(configOf(raw, { adminPassword: "ff0dfac092171002" }).warnings, [
      "harbor:adminPassword lacks upper case: Harbor takes it as the initial admin password, but its portal and API require upper case, lower case and a digit for every password set later, so this one cannot be set again there.",
    ]);
    assert.deepEqual(configOf(raw, { adminPassword: "0123456789abcdef0123" }).warnings, [
      "harbor:adminPassword lacks upper case: Harbor takes it as the initial admin password, but its portal and API require upper case, lower case and a digit for every password set later, so this one cannot be set again there.",
    ]);
    assert.deepEqual(configOf(raw, { adminPassword: "0123456789ABCDEF" }).warnings, [
      "harbor:adminPassword lacks lower case: Harbor takes it as the initial admin password, but its portal and API require upper case, lower case and a digit for every password set later, so this one cannot be set again there.",
    ]);
    assert.deepEqual(configOf(raw, { adminPassword: "correct-horse-battery" }).warnings, [
      "harbor:adminPassword lacks upper case and a digit: Harbor takes it as the initial admin password, but its portal and API require upper case, lower case and a digit for every password set later, so this one cannot be set again there.",
    ]);
    assert.deepEqual(configOf(raw, { adminPassword: "Ff0dfac092171002" }).warnings, []);
    assert.deepEqual(problemsOf(raw, { adminPassword: "Harbor12345" }), [
      "harbor:adminPassword must not be the chart's default password",
    ]);
  });

  for (const username of MANAGED_DATABASE_USERS) {
    it(`an external PostgreSQL role ${username} reaches the chart unchanged`, async () => {
      const values = harborValues(await runProgram(externalDatabaseStack(username)));
      assert.equal(valueAt(values, "database.type"), "external");
      assert.equal(valueAt(values, "database.external.username"), username);
    });
  }

  it("a user name that would need quoting is still refused, naming the key", () => {
    const stack = externalDatabaseStack('harbor"pg');
    assert.deepEqual(problemsOf(stack.config, stack.secrets), [
      "harbor:database.username must be a PostgreSQL user name: a letter or '_', then letters, digits, '_', '-', '.', '@'; at most 63 characters, got \"harbor\\\"pg\"",
    ]);
  });
});
