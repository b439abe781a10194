/**
 * The consumer program end to end under mocks: a StackReference to the Harbor stack (outputs from
 * the test), the consumer's own config, the resources and outputs.
 */
import * as assert from "node:assert/strict";
import { find, isSecretWrapper, runConsumer, type ConsumerRun } from "./harness";

const CA = "-----BEGIN CERTIFICATE-----\nSEFSQk9SQ0E=\n-----END CERTIFICATE-----\n";

/** Outputs of the Harbor stack as its index.ts exports them. */
const harborOutputs = (caCertificate: string) => ({
  url: "https://192.168.56.10:30003",
  registry: "192.168.56.10:30003",
  hostname: "192.168.56.10",
  namespace: "harbor",
  caCertificate,
  tlsSecretName: caCertificate === "" ? "" : "harbor-tls",
  adminUsername: "admin",
});

const CONFIG = {
  harborStack: "acme/harbor/prod",
  namespace: "shop",
  username: "robot$shop+puller",
};
const SECRETS = { password: "Robot-Secret-1" };

describe("consumer program", function () {
  describe("against a Harbor stack with its own CA", function () {
    let run: ConsumerRun;
    before(async function () {
      run = await runConsumer(CONFIG, SECRETS, { "acme/harbor/prod": harborOutputs(CA) });
    });

    it("references the Harbor stack named in consumer:harborStack", function () {
      assert.deepEqual(find(run.resources, "pulumi:pulumi:StackReference", "harbor").inputs, {
        name: "acme/harbor/prod",
      });
    });

    it("writes the registry from the Harbor stack's registry output into the pull Secret", function () {
      const secret = find(run.resources, "kubernetes:core/v1:Secret", "app-pull-secret");
      assert.ok(isSecretWrapper(secret.rawInputs.stringData), "stringData must be a Pulumi secret");
      assert.deepEqual(secret.inputs.stringData, {
        ".dockerconfigjson":
          '{"auths":{"192.168.56.10:30003":{"username":"robot$shop+puller","password":"Robot-Secret-1","auth":"cm9ib3Qkc2hvcCtwdWxsZXI6Um9ib3QtU2VjcmV0LTE="}}}',
      });
      assert.equal(
        Buffer.from("cm9ib3Qkc2hvcCtwdWxsZXI6Um9ib3QtU2VjcmV0LTE=", "base64").toString(),
        "robot$shop+puller:Robot-Secret-1",
      );
      assert.equal(secret.inputs.type, "kubernetes.io/dockerconfigjson");
    });

    it("hands the Harbor stack's CA to the namespace", function () {
      const cm = find(run.resources, "kubernetes:core/v1:ConfigMap", "app-ca");
      assert.deepEqual(cm.inputs.data, { "ca.crt": CA });
      assert.deepEqual(cm.inputs.metadata, {
        name: "harbor-ca",
        namespace: "shop",
        labels: {
          "app.kubernetes.io/part-of": "harbor-consumer",
          "app.kubernetes.io/managed-by": "pulumi",
        },
      });
    });

    it("exports what workloads need, none of it secret", function () {
      assert.deepEqual(run.outputs, {
        registry: "192.168.56.10:30003",
        namespace: "shop",
        pullSecretName: "harbor-pull",
        caConfigMapName: "harbor-ca",
        serviceAccountName: "",
      });
      assert.deepEqual(run.secretOutputs, []);
    });
  });

  it("creates no CA ConfigMap when the Harbor stack exports no CA (TLS terminated in front)", async function () {
    const run = await runConsumer(
      { ...CONFIG, createNamespace: "false", serviceAccount: "shop" },
      SECRETS,
      { "acme/harbor/prod": harborOutputs("") },
    );
    assert.deepEqual(run.resources.map((r) => `${r.type}::${r.name}`).sort(), [
      "harbor-consumer:registry:RegistryAccess::app",
      "kubernetes:core/v1:Secret::app-pull-secret",
      "kubernetes:core/v1:ServiceAccount::app-service-account",
      "pulumi:pulumi:StackReference::harbor",
    ]);
    assert.equal(run.outputs.caConfigMapName, "");
    assert.equal(run.outputs.serviceAccountName, "shop");
  });

  it("rejects missing and malformed settings, naming each key", async function () {
    await assert.rejects(
      runConsumer({ harborStack: "acme/harbor/prod", namespace: "Shop_1" }, {}, {}),
      (err: Error) => {
        assert.equal(
          err.message,
          [
            "Invalid consumer configuration:",
            "  - consumer:username is required (a Harbor user or robot account)",
            "  - consumer:password is required: set it with `pulumi config set --secret consumer:password <value>`",
            '  - consumer:namespace must be a namespace name such as shop, got "Shop_1"',
          ].join("\n"),
        );
        return true;
      },
    );
  });
});
