/**
 * The consumer program end to end under mocks: a StackReference to the Harbor stack (outputs from
 * the test), the consumer's own config, the resources and outputs.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  find,
  installMocks,
  isSecretWrapper,
  plainStrings,
  runConsumer,
  settle,
  type ConsumerRun,
  type RecordedResource,
} from "./harness";

const STACK = "acme/harbor/prod";
const CA = "-----BEGIN CERTIFICATE-----\nSEFSQk9SQ0E=\n-----END CERTIFICATE-----\n";
const PULLER_SECRET = "Robot-Secret-1";
const CI_SECRET = "Robot-Secret-2";

/**
 * The `.dockerconfigjson` the Harbor stack exports for robot `puller`, written out by hand: one
 * `auths` entry for the registry, `auth` = base64("robot$puller:Robot-Secret-1").
 */
const PULLER_DOCKER_CONFIG =
  '{"auths":{"192.168.56.10:30003":{"username":"robot$puller","password":"Robot-Secret-1","auth":"cm9ib3QkcHVsbGVyOlJvYm90LVNlY3JldC0x"}}}';
const CI_DOCKER_CONFIG =
  '{"auths":{"192.168.56.10:30003":{"username":"robot$ci","password":"Robot-Secret-2","auth":"cm9ib3QkY2k6Um9ib3QtU2VjcmV0LTI="}}}';

/** Outputs of the Harbor stack as its index.ts exports them (robots `ci` and `puller`). */
const harborOutputs = (caCertificate: string): Record<string, unknown> => ({
  url: "https://192.168.56.10:30003",
  registry: "192.168.56.10:30003",
  hostname: "192.168.56.10",
  namespace: "harbor",
  caCertificate,
  tlsSecretName: caCertificate === "" ? "" : "harbor-tls",
  adminUsername: "admin",
  adminPassword: "Harbor-Admin-1",
  projects: ["shop", "ci"],
  robots: {
    ci: { name: "ci", username: "robot$ci" },
    puller: { name: "puller", username: "robot$puller" },
  },
  robotSecrets: { ci: CI_SECRET, puller: PULLER_SECRET },
  dockerConfigJson: { ci: CI_DOCKER_CONFIG, puller: PULLER_DOCKER_CONFIG },
});

/** The outputs the Harbor program marks secret, as the engine reports them. */
const HARBOR_SECRET_OUTPUTS = ["adminPassword", "robotSecrets", "dockerConfigJson"];

const CONFIG = { harborStack: STACK, namespace: "shop", robot: "puller" };

/** Runs the consumer and returns the error it fails with, and what it declared before. */
async function failure(
  config: Record<string, string>,
  stackOutputs: Record<string, Record<string, unknown>>,
  secrets: Record<string, string> = {},
): Promise<{ message: string; declared: string[] }> {
  const resources: RecordedResource[] = [];
  let message: string | undefined;
  try {
    await runConsumer(config, secrets, stackOutputs, { resources });
  } catch (err) {
    message = (err as Error).message;
  }
  assert.notEqual(message, undefined, "the program must fail");
  await settle(resources);
  return { message: message!, declared: resources.map((r) => `${r.type}::${r.name}`).sort() };
}

describe("consumer program", function () {
  describe("against a Harbor stack with its own CA", function () {
    let run: ConsumerRun;
    before(async function () {
      run = await runConsumer(CONFIG, {}, { [STACK]: harborOutputs(CA) });
    });

    it("references the Harbor stack named in consumer:harborStack", function () {
      assert.deepEqual(find(run.resources, "pulumi:pulumi:StackReference", "harbor").inputs, {
        name: STACK,
      });
    });

    it("fills the pull Secret with the Harbor stack's dockerConfigJson for consumer:robot, as a secret", function () {
      const secret = find(run.resources, "kubernetes:core/v1:Secret", "app-pull-secret");
      assert.ok(isSecretWrapper(secret.rawInputs.stringData), "stringData must be a Pulumi secret");
      assert.deepEqual(secret.inputs, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
          name: "harbor-pull",
          namespace: "shop",
          labels: {
            "app.kubernetes.io/part-of": "harbor-consumer",
            "app.kubernetes.io/managed-by": "pulumi",
          },
        },
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": PULLER_DOCKER_CONFIG },
      });
      assert.equal(
        Buffer.from("cm9ib3QkcHVsbGVyOlJvYm90LVNlY3JldC0x", "base64").toString(),
        "robot$puller:Robot-Secret-1",
      );
    });

    it("never lets a robot secret out of a secret wrapper", function () {
      for (const r of run.resources) {
        for (const s of plainStrings(r.rawInputs)) {
          assert.ok(
            !s.includes(PULLER_SECRET) && !s.includes(CI_SECRET),
            `${r.type}::${r.name} has a robot secret in plain text`,
          );
        }
      }
      assert.ok(!JSON.stringify(run.outputs).includes("Robot-Secret"));
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

    it("exports what workloads need, the robot's user name included, none of it secret", function () {
      assert.deepEqual(run.outputs, {
        registry: "192.168.56.10:30003",
        namespace: "shop",
        robot: "robot$puller",
        pullSecretName: "harbor-pull",
        caConfigMapName: "harbor-ca",
        serviceAccountName: "",
      });
      assert.deepEqual(run.secretOutputs, []);
    });
  });

  it("picks the robot consumer:robot names among several", async function () {
    const run = await runConsumer({ ...CONFIG, robot: "ci" }, {}, { [STACK]: harborOutputs(CA) });
    const secret = find(run.resources, "kubernetes:core/v1:Secret", "app-pull-secret");
    assert.deepEqual(secret.inputs.stringData, { ".dockerconfigjson": CI_DOCKER_CONFIG });
    assert.equal(run.outputs.robot, "robot$ci");
  });

  it("reads the credentials when the Harbor stack marks them secret, as the engine does", async function () {
    // The mocks really mark them: a StackReference returns dockerConfigJson as a secretValue.
    await installMocks([], { [STACK]: harborOutputs(CA) }, { [STACK]: HARBOR_SECRET_OUTPUTS });
    const ref = new pulumi.StackReference("probe", { name: STACK });
    assert.deepEqual(await ref.getOutputDetails("dockerConfigJson"), {
      secretValue: { ci: CI_DOCKER_CONFIG, puller: PULLER_DOCKER_CONFIG },
    });

    const run = await runConsumer(
      CONFIG,
      {},
      { [STACK]: harborOutputs(CA) },
      { secretOutputs: { [STACK]: HARBOR_SECRET_OUTPUTS } },
    );
    const secret = find(run.resources, "kubernetes:core/v1:Secret", "app-pull-secret");
    assert.ok(isSecretWrapper(secret.rawInputs.stringData), "stringData must be a Pulumi secret");
    assert.deepEqual(secret.inputs.stringData, { ".dockerconfigjson": PULLER_DOCKER_CONFIG });
    assert.equal(run.outputs.robot, "robot$puller");
    assert.deepEqual(run.secretOutputs, []);
  });

  it("creates no CA ConfigMap when the Harbor stack exports no CA (TLS terminated in front)", async function () {
    const run = await runConsumer(
      { ...CONFIG, createNamespace: "false", serviceAccount: "shop" },
      {},
      { [STACK]: harborOutputs("") },
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

  describe("refuses bad configuration before declaring anything", function () {
    it("names each missing or malformed key", async function () {
      const { message, declared } = await failure({ harborStack: STACK, namespace: "Shop_1" }, {});
      assert.equal(
        message,
        [
          "Invalid consumer configuration:",
          "  - consumer:robot is required (the name of a robot under the Harbor stack's harbor:robots, such as puller (lower-case letters and digits with single . _ or - between them, at most 200 characters))",
          '  - consumer:namespace must be a namespace name such as shop, got "Shop_1"',
        ].join("\n"),
      );
      assert.deepEqual(declared, []);
    });

    it("rejects a consumer:robot that breaks Harbor's naming rule", async function () {
      for (const robot of ["Puller", "pull--er", "puller.", "shop+puller", "a".repeat(201)]) {
        const { message } = await failure({ ...CONFIG, robot }, { [STACK]: harborOutputs(CA) });
        assert.equal(
          message,
          `Invalid consumer configuration:\n  - consumer:robot must be the name of a robot under the Harbor stack's harbor:robots, such as puller (lower-case letters and digits with single . _ or - between them, at most 200 characters), got ${JSON.stringify(robot)}`,
        );
      }
    });

    it("points at the bare name when consumer:robot is given as robot$<name>", async function () {
      const { message } = await failure(
        { ...CONFIG, robot: "robot$puller" },
        { [STACK]: harborOutputs(CA) },
      );
      assert.equal(
        message,
        'Invalid consumer configuration:\n  - consumer:robot takes the robot\'s name under harbor:robots, without robot$ ("puller"), got "robot$puller"',
      );
    });

    it("refuses the removed consumer:username and consumer:password rather than ignore them", async function () {
      const { message } = await failure(
        { ...CONFIG, username: "robot$shop+puller" },
        { [STACK]: harborOutputs(CA) },
        { password: "Old-Secret" },
      );
      assert.equal(
        message,
        [
          "Invalid consumer configuration:",
          "  - consumer:username is no longer read: the pull credentials come from the Harbor stack's robot named by consumer:robot; remove it with `pulumi config rm consumer:username`",
          "  - consumer:password is no longer read: the pull credentials come from the Harbor stack's robot named by consumer:robot; remove it with `pulumi config rm consumer:password`",
        ].join("\n"),
      );
    });
  });

  describe("checks consumer:robot against the Harbor stack before declaring the namespace's resources", function () {
    it("names the stack and the robots it has when the robot is not one of them", async function () {
      const { message, declared } = await failure(
        { ...CONFIG, robot: "pusher" },
        { [STACK]: harborOutputs(CA) },
      );
      assert.equal(
        message,
        'consumer:robot "pusher" is not a robot of stack acme/harbor/prod (it has: ci, puller); add it under harbor:robots there',
      );
      assert.deepEqual(declared, ["pulumi:pulumi:StackReference::harbor"]);
    });

    it("says so when the Harbor stack has no robots at all", async function () {
      const { message } = await failure(CONFIG, {
        [STACK]: { ...harborOutputs(CA), robots: {}, robotSecrets: {}, dockerConfigJson: {} },
      });
      assert.equal(
        message,
        'consumer:robot "puller" is not a robot of stack acme/harbor/prod (it has none); add it under harbor:robots there',
      );
    });

    it("asks to upgrade a Harbor stack older than robots as code", async function () {
      const old = harborOutputs(CA);
      for (const key of ["projects", "robots", "robotSecrets", "dockerConfigJson"]) delete old[key];
      const { message, declared } = await failure(CONFIG, { [STACK]: old });
      assert.equal(
        message,
        'consumer:robot "puller" cannot be read from stack acme/harbor/prod: it exports no robots output (a Harbor stack older than robot accounts as code); upgrade that stack and declare the robot under harbor:robots there, such as harbor:robots: {puller: {projects: {<project>: [pull]}}}',
      );
      assert.deepEqual(declared, ["pulumi:pulumi:StackReference::harbor"]);
    });

    it("refuses a robot the Harbor stack lists without its dockerConfigJson", async function () {
      const { message } = await failure(CONFIG, {
        [STACK]: { ...harborOutputs(CA), dockerConfigJson: { ci: CI_DOCKER_CONFIG } },
      });
      assert.equal(
        message,
        'consumer:robot "puller": stack acme/harbor/prod exports no dockerConfigJson["puller"]; run `pulumi up` on that stack with a current version of the Harbor program',
      );
    });
  });
});
