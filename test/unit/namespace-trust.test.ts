/** components/namespace-trust.ts: one `ca.crt` ConfigMap per listed namespace, exactly. */
import * as assert from "node:assert/strict";
import { NamespaceTrust, caConfigMapArgs } from "../../components/namespace-trust";
import { installMocks, resolve, settle, type MockRecorder } from "../support/harness";

const CA = "-----BEGIN CERTIFICATE-----\nTUlJQ0FURVNUQ0E=\n-----END CERTIFICATE-----\n";

const LABELS = {
  "app.kubernetes.io/component": "ca",
  "app.kubernetes.io/part-of": "harbor",
  "app.kubernetes.io/managed-by": "pulumi",
};

async function build(namespaces: string[]) {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder);
  const trust = new NamespaceTrust("harbor-trust", {
    namespaces,
    caCertificate: CA,
    configMapName: "harbor-ca",
  });
  await settle(recorder);
  return { trust, resources: recorder.resources };
}

describe("NamespaceTrust", function () {
  it("builds a ConfigMap with ca.crt for one namespace", function () {
    assert.deepEqual(caConfigMapArgs("ci", "harbor-ca", CA), {
      metadata: { name: "harbor-ca", namespace: "ci", labels: LABELS },
      data: { "ca.crt": CA },
    });
  });

  it("creates one ConfigMap per listed namespace, nothing else", async function () {
    const { trust, resources } = await build(["ci", "argocd"]);
    assert.deepEqual(
      resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
      [
        { type: "harbor:trust:NamespaceTrust", name: "harbor-trust", inputs: {} },
        {
          type: "kubernetes:core/v1:ConfigMap",
          name: "harbor-trust-ci",
          inputs: {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "harbor-ca", namespace: "ci", labels: LABELS },
            data: { "ca.crt": CA },
          },
        },
        {
          type: "kubernetes:core/v1:ConfigMap",
          name: "harbor-trust-argocd",
          inputs: {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "harbor-ca", namespace: "argocd", labels: LABELS },
            data: { "ca.crt": CA },
          },
        },
      ],
    );
    assert.deepEqual(Object.keys(trust.configMaps), ["ci", "argocd"]);
    assert.equal(await resolve(trust.configMaps.ci.metadata.namespace), "ci");
  });

  it("creates no ConfigMap for an empty list", async function () {
    const { resources } = await build([]);
    assert.deepEqual(
      resources.map((r) => r.type),
      ["harbor:trust:NamespaceTrust"],
    );
  });
});
