/**
 * scripts/plan.ts, as an operator runs it on their own stack file: `secure:` entries are "set,
 * value unknown", secrets come only from the secrets file, nothing from the test fixtures, and a
 * bad or incomplete configuration is reported like the program reports it.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ConfigError } from "../../config/errors";
import { formatPlan, imageLines, plan, renderedObjectLines } from "../../scripts/plan";
import { StackConfigError } from "../../scripts/runtime/stack-file";
import { PROD_HARBOR_IMAGE_NAMES, goharborImages } from "../support/config";
import { PROJECT_ROOT } from "../support/example-stacks";

function planCli(...args: string[]): string {
  return execFileSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join("scripts", "plan.ts"), ...args],
    { cwd: PROJECT_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
}

/** The prod example as a user keeps it: encrypted secrets in the stack file. */
const SECURE_ENTRIES = [
  "  harbor:databasePassword:\n    secure: AAABAKx2mEQ0cW5vdC1yZWFsLWNpcGhlcnRleHQ=\n",
  "  harbor:redisPassword:\n    secure: AAABAHRoaXMtaXMtbm90LXJlYWw=\n",
  "  harbor:ldapSearchPassword:\n    secure: AAABAGxkYXAtYmluZA==\n",
  "  harbor:tlsCertificate:\n    secure: AAABAGNlcnQ=\n",
  "  harbor:tlsPrivateKey:\n    secure: AAABAGtleQ==\n",
  "  harbor:tlsCaCertificate:\n    secure: AAABAGNh\n",
  "  harbor:registrySecrets:\n    secure: AAABAHJlZ2lzdHJ5LXNlY3JldHM=\n",
  "  kubernetes:kubeconfig:\n    secure: AAABAGt1YmVjb25maWc=\n",
];
const S3_SECRETS = { s3AccessKey: "AKIAUSEREXAMPLE7Q", s3SecretKey: "user-s3-secret-Zq81xLw3" };

describe("scripts/plan.ts on a user's stack file", function () {
  this.timeout(30_000);
  let dir: string;
  let stackFile: string;
  let secretsFile: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "harbor-plan-test-"));
    stackFile = path.join(dir, "Pulumi.prod.yaml");
    writeFileSync(
      stackFile,
      readFileSync(path.join(PROJECT_ROOT, "Pulumi.prod.yaml"), "utf8") + SECURE_ENTRIES.join(""),
    );
    secretsFile = path.join(dir, "secrets.json");
    writeFileSync(secretsFile, JSON.stringify(S3_SECRETS));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reports the secure: entries as set, value unknown, and the objects the stack declares", async () => {
    const p = await plan({ stackFile, secrets: S3_SECRETS });
    assert.deepEqual(p.unknownSecrets, [
      "harbor:databasePassword",
      "harbor:redisPassword",
      "harbor:ldapSearchPassword",
      "harbor:tlsCertificate",
      "harbor:tlsPrivateKey",
      "harbor:tlsCaCertificate",
      "harbor:registrySecrets",
      "kubernetes:kubeconfig",
    ]);
    const report = formatPlan(p);
    const objects = report
      .split("## Kubernetes objects the program declares\n")[1]
      .split("\n\n")[0]
      .split("\n");
    assert.deepEqual(objects, [
      "- ConfigMap apps/harbor-ca",
      "- ConfigMap ci/harbor-ca",
      "- ConfigMap harbor-node-trust/harbor-node-trust",
      "- DaemonSet harbor-node-trust/harbor-node-trust",
      "- Namespace harbor",
      "- Namespace harbor-node-trust",
      "- Secret apps/harbor-pull",
      "- Secret ci/harbor-pull",
      "- Secret harbor/harbor-s3",
      "- Secret harbor/harbor-tls",
      "- ServiceAccountPatch apps/default",
    ]);
    const harborObjects = report
      .split("## Harbor objects (through Harbor's API, once the release is ready)\n")[1]
      .split("\n\n")[0]
      .split("\n");
    assert.deepEqual(harborObjects, [
      "- GcSchedule harbor:gc",
      "- Project harbor:projects.apps",
      "- ImmutableTagRule harbor:projects.apps.immutableTags[0]",
      '- ProjectMember harbor:projects.apps.members.groups["cn=developers,ou=groups,dc=example,dc=com"]',
      '- ProjectMember harbor:projects.apps.members.groups["cn=registry-admins,ou=groups,dc=example,dc=com"]',
      "- Retention harbor:projects.apps.retention",
      "- Project harbor:projects.dockerhub-cache",
      "- Retention harbor:projects.dockerhub-cache.retention",
      "- RegistryEndpoint harbor:registries.dockerhub",
      "- Robot harbor:robots.ci",
      "- Robot harbor:robots.puller",
      "- ScanAllSchedule harbor:scanAll",
    ]);
    assert.match(report, /^- Release harbor\/harbor: chart harbor 1\.19\.1$/m);
    assert.match(report, /^harborAdminPassword: \(secret\)$/m);
    assert.match(report, /^ {4}password: \(secret\)$/m);
    // Neither the secrets file's values nor any generated stand-in credential is printed.
    for (const value of Object.values(S3_SECRETS)) assert.ok(!report.includes(value), value);
    assert.doesNotMatch(report, /fixture-/);
  });

  it("a missing required secret is a configuration error naming the key", async () => {
    const incomplete = path.join(dir, "Pulumi.incomplete.yaml");
    writeFileSync(incomplete, readFileSync(stackFile, "utf8").replace(SECURE_ENTRIES[0], ""));
    await assert.rejects(plan({ stackFile: incomplete, secrets: S3_SECRETS }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.problems, [
        "harbor:databasePassword is required when harbor:database.type is external: set it with `pulumi config set --secret harbor:databasePassword <value>`",
      ]);
      return true;
    });
  });

  it("--images prints `<source> <mirror>` for every image", async () => {
    const p = await plan({ stackFile, secrets: S3_SECRETS });
    const lines = imageLines(p).trimEnd().split("\n");
    const mirrors = goharborImages(
      PROD_HARBOR_IMAGE_NAMES,
      "v2.15.1",
      "mirror.example.com/dockerhub",
    );
    assert.deepEqual(lines, [
      ...goharborImages(PROD_HARBOR_IMAGE_NAMES).map((source, i) => `${source} ${mirrors[i]}`),
      "docker.io/library/busybox:1.37.0 mirror.example.com/dockerhub/library/busybox:1.37.0",
    ]);
  });

  it("a bad stack file fails with the loader's message, not a stack trace", () => {
    const file = path.join(dir, "Pulumi.lab.yaml");
    writeFileSync(
      file,
      "config:\n  harbor:hostname: harbor.lab\n  harbor:expose:\n    type: nodePort\n    nodePort:\n      https: 443\n",
    );
    assert.throws(
      () => planCli(file, secretsFile),
      (err: { status: number; stderr: string }) => {
        assert.equal(err.status, 1);
        assert.match(err.stderr, /harbor:expose\.nodePort\.https must be 30000-32767, got 443/);
        assert.doesNotMatch(err.stderr, /^\s+at /m);
        return true;
      },
    );
  });

  it("applies the Pulumi CLI's project rules first: their error, before the program runs", async () => {
    // pulumi/pulumi pkg/workspace/config.go `mergeConfig`: a key Pulumi.yaml declares without a
    // default must be set (scripts/runtime/pulumi-config.ts).
    const file = path.join(dir, "Pulumi.nohost.yaml");
    writeFileSync(file, "config:\n  harbor:expose:\n    type: ingress\n");
    await assert.rejects(plan({ stackFile: file }), (err: unknown) => {
      assert.ok(err instanceof StackConfigError);
      assert.equal(err.message, "Stack 'nohost' is missing configuration value 'hostname'");
      return true;
    });
    const ok = path.join(dir, "Pulumi.lab2.yaml");
    writeFileSync(ok, "config:\n  harbor:hostname: harbor.lab\n");
    assert.equal(
      formatPlan(await plan({ stackFile: ok })).split("\n")[0],
      "# Stack lab2: passes the Pulumi CLI's project rules (Pulumi.yaml); defaults applied: harbor:deployMode, harbor:namespace, harbor:releaseName",
    );
  });

  it("lists rendered objects by kind and namespace/name", () => {
    const manifests =
      "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: harbor-core\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: harbor-core\n  namespace: other\n";
    assert.deepEqual(renderedObjectLines(manifests, "harbor"), [
      "Service harbor/harbor-core",
      "Deployment other/harbor-core",
    ]);
  });
});
