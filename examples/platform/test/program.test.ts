/**
 * The platform example under the harbor package's mock runtime: it builds one `Harbor` through
 * the package's library entry, and its application pulls from that Harbor.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { ConfigError } from "harbor/library";
import {
  evaluateModule,
  isSecretWrapper,
  type ProgramAttempt,
} from "harbor/scripts/runtime/mock-runtime";

/** Whether `needle` occurs in `value` outside every secret wrapper. */
function inPlainText(value: unknown, needle: string): boolean {
  if (isSecretWrapper(value)) return false;
  if (typeof value === "string") return value.includes(needle);
  if (Array.isArray(value)) return value.some((v) => inPlainText(v, needle));
  if (value !== null && typeof value === "object") {
    return Object.values(value).some((v) => inPlainText(v, needle));
  }
  return false;
}

const INDEX = path.resolve(__dirname, "..", "index.ts");

function runPlatform(config: Record<string, string>): Promise<ProgramAttempt> {
  return evaluateModule(INDEX, { values: config, secretKeys: [] }, { stack: "example" });
}

describe("examples/platform: Harbor as a component of another program", function () {
  this.timeout(30_000);
  let attempt: ProgramAttempt;
  before(async () => {
    attempt = await runPlatform({
      "platform:registryHostname": "registry.example.com",
      "platform:storageClass": "ceph-block",
      "platform:appNamespace": "shop",
    });
    assert.equal(attempt.error, undefined);
  });

  it("builds one harbor:index:Harbor named registry, at the program's top level", () => {
    const harbor = attempt.registrations.filter((r) => r.type === "harbor:index:Harbor");
    assert.deepEqual(
      harbor.map((r) => [r.name, r.parentUrn]),
      [["registry", ""]],
    );
    assert.ok(
      attempt.registrations.some(
        (r) => r.type === "harbor:core:HarborRelease" && r.name === "registry",
      ),
    );
  });

  it("installs Harbor's chart in its namespace with the program's settings", () => {
    const release = attempt.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release");
    assert.ok(release);
    assert.equal(release.name, "registry-release");
    assert.equal(release.inputs.namespace, "registry");
    const values = release.inputs.values as {
      externalURL: string;
      expose: { type: string; ingress: { className: string } };
      persistence: { persistentVolumeClaim: { registry: { storageClass: string } } };
    };
    assert.equal(values.externalURL, "https://registry.example.com");
    assert.equal(values.expose.ingress.className, "nginx");
    assert.equal(values.persistence.persistentVolumeClaim.registry.storageClass, "ceph-block");
  });

  it("the application namespace gets Harbor's CA, and its Deployment pulls from Harbor", () => {
    const ca = attempt.resources.find(
      (r) =>
        r.type === "kubernetes:core/v1:ConfigMap" &&
        (r.inputs.metadata as { namespace?: string }).namespace === "shop",
    );
    assert.ok(ca, "a CA ConfigMap in the shop namespace");
    assert.deepEqual(Object.keys(ca.inputs.data as object), ["ca.crt"]);
    const app = attempt.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment");
    const spec = app?.inputs.spec as {
      template: { spec: { containers: { image: string }[] } };
    };
    assert.equal(spec.template.spec.containers[0].image, "registry.example.com/library/nginx:1.27");
    assert.equal(attempt.run?.outputs.registry, "registry.example.com");
    assert.deepEqual(attempt.run?.secretOutputs, ["adminPassword"]);
  });

  it("the RandomPassword's result is Harbor's admin password, a secret wherever it goes", () => {
    const password = attempt.resources.find(
      (r) => r.type === "random:index/randomPassword:RandomPassword" && r.name === "registry-admin",
    );
    assert.ok(password);
    const value = password.state.result as string;
    const release = attempt.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release");
    assert.equal(
      (release?.inputs.values as { harborAdminPassword: string }).harborAdminPassword,
      value,
    );
    const carriers = attempt.resources.filter((r) => JSON.stringify(r.inputs).includes(value));
    assert.deepEqual(
      carriers.map((r) => r.type),
      // The auth-mode guard asks Harbor's API (as admin) whether a mode change is safe.
      ["pulumi-nodejs:dynamic/harbor:AuthModeGuard", "kubernetes:helm.sh/v3:Release"],
    );
    for (const r of carriers) assert.equal(inPlainText(r.rawInputs, value), false, r.type);
    assert.equal(attempt.run?.outputs.adminPassword, value);
  });

  it("protect is the program's own choice, not derived from the stack's name", () => {
    const ns = attempt.resources.find(
      (r) =>
        r.type === "kubernetes:core/v1:Namespace" &&
        (r.inputs.metadata as { name: string }).name === "registry",
    );
    const registration = attempt.registrations.find(
      (r) => r.type === "kubernetes:core/v1:Namespace" && r.name === ns?.name,
    );
    // The example's stack is named "example": nothing about it is derived from that name.
    assert.equal(registration?.protect, true);
    assert.equal(registration?.retainOnDelete, true);
  });

  it("resources and chart values the program gives reach the release's values", () => {
    const release = attempt.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release");
    const values = release?.inputs.values as {
      imagePullSecrets: unknown;
      registry: { registry: { resources: unknown } };
      core: { resources: unknown };
    };
    assert.deepEqual(values.imagePullSecrets, [{ name: "mirror-pull" }]);
    assert.deepEqual(values.registry.registry.resources, {
      requests: { cpu: "250m", memory: "512Mi" },
    });
    assert.deepEqual(values.core.resources, { requests: { cpu: "100m", memory: "256Mi" } });
  });

  it("bad settings fail naming the component and the argument, before anything registers", async () => {
    const bad = await runPlatform({
      "platform:registryHostname": "Registry_Example",
      "platform:storageClass": "ceph-block",
    });
    assert.ok(bad.error instanceof ConfigError);
    assert.equal(
      bad.error.message,
      'Harbor "registry": args.hostname must be a lower-case DNS name or an IP address without scheme, port or path (harbor.example.com, 192.168.1.10), got "Registry_Example"',
    );
    assert.equal(bad.registrations.filter((r) => r.type.startsWith("harbor:")).length, 0);
  });
});
