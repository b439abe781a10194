/**
 * The platform example under the harbor package's mock runtime: it builds one `Harbor` through
 * the package's library entry, and its application pulls from that Harbor.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { ConfigError } from "harbor/library";
import { evaluateModule, type ProgramAttempt } from "harbor/scripts/runtime/mock-runtime";

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

  it("bad settings fail with the stack configuration's messages, naming the key", async () => {
    const bad = await runPlatform({
      "platform:registryHostname": "Registry_Example",
      "platform:storageClass": "ceph-block",
    });
    assert.ok(bad.error instanceof ConfigError);
    assert.match(bad.error.problems.join("\n"), /^harbor:hostname /m);
    assert.equal(bad.registrations.filter((r) => r.type.startsWith("harbor:")).length, 0);
  });
});
