/** The RegistryAccess component: the pull Secret's exact content, the CA ConfigMap, the ServiceAccount. */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RegistryAccess, type RegistryAccessArgs } from "../components/registry-access";
import {
  find,
  installMocks,
  isSecretWrapper,
  resolve,
  settle,
  type RecordedResource,
} from "./harness";

const CA = "-----BEGIN CERTIFICATE-----\nSEFSQk9SQ0E=\n-----END CERTIFICATE-----\n";
const LABELS = {
  "app.kubernetes.io/part-of": "harbor-consumer",
  "app.kubernetes.io/managed-by": "pulumi",
};

/**
 * A `.dockerconfigjson` as the Harbor stack exports it for robot `puller`, written out by hand; the
 * component stores it as given, byte for byte.
 */
const DOCKER_CONFIG =
  '{"auths":{"192.168.56.10:30003":{"username":"robot$puller","password":"pa:ss\\"word","auth":"cm9ib3QkcHVsbGVyOnBhOnNzIndvcmQ="}}}';

async function build(args: RegistryAccessArgs) {
  const resources: RecordedResource[] = [];
  await installMocks(resources);
  const access = new RegistryAccess("app", args);
  await settle(resources);
  return { access, resources };
}

const full: RegistryAccessArgs = {
  namespace: "shop",
  createNamespace: true,
  dockerConfigJson: pulumi.secret(DOCKER_CONFIG),
  caCertificate: CA,
  pullSecretName: "harbor-pull",
  caConfigMapName: "harbor-ca",
  serviceAccount: "shop",
};

describe("RegistryAccess", function () {
  describe("with a new namespace, a CA and a ServiceAccount", function () {
    let resources: RecordedResource[];
    let access: RegistryAccess;
    before(async function () {
      ({ access, resources } = await build(full));
    });

    it("creates the namespace, the Secret, the ConfigMap and the ServiceAccount", function () {
      assert.deepEqual(resources.map((r) => `${r.type}::${r.name}`).sort(), [
        "harbor-consumer:registry:RegistryAccess::app",
        "kubernetes:core/v1:ConfigMap::app-ca",
        "kubernetes:core/v1:Namespace::app-namespace",
        "kubernetes:core/v1:Secret::app-pull-secret",
        "kubernetes:core/v1:ServiceAccount::app-service-account",
      ]);
      assert.deepEqual(find(resources, "kubernetes:core/v1:Namespace", "app-namespace").inputs, {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "shop", labels: LABELS },
      });
    });

    it("the pull Secret is a dockerconfigjson Secret whose data is a Pulumi secret", function () {
      const secret = find(resources, "kubernetes:core/v1:Secret", "app-pull-secret");
      assert.deepEqual(secret.inputs, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "harbor-pull", namespace: "shop", labels: LABELS },
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": DOCKER_CONFIG },
      });
      assert.ok(isSecretWrapper(secret.rawInputs.stringData), "stringData must be a Pulumi secret");
    });

    it("the CA ConfigMap holds ca.crt", function () {
      assert.deepEqual(find(resources, "kubernetes:core/v1:ConfigMap", "app-ca").inputs, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "harbor-ca", namespace: "shop", labels: LABELS },
        data: { "ca.crt": CA },
      });
    });

    it("the ServiceAccount pulls with the Secret", async function () {
      assert.deepEqual(
        find(resources, "kubernetes:core/v1:ServiceAccount", "app-service-account").inputs,
        {
          apiVersion: "v1",
          kind: "ServiceAccount",
          metadata: { name: "shop", namespace: "shop", labels: LABELS },
          imagePullSecrets: [{ name: "harbor-pull" }],
        },
      );
      assert.equal(await resolve(access.serviceAccountName!), "shop");
      assert.equal(await resolve(access.pullSecretName), "harbor-pull");
    });
  });

  it("with an existing namespace and no CA, creates the pull Secret only", async function () {
    const { access, resources } = await build({
      ...full,
      createNamespace: false,
      caCertificate: undefined,
      serviceAccount: undefined,
    });
    assert.deepEqual(resources.map((r) => `${r.type}::${r.name}`).sort(), [
      "harbor-consumer:registry:RegistryAccess::app",
      "kubernetes:core/v1:Secret::app-pull-secret",
    ]);
    assert.equal(await resolve(access.namespace), "shop");
    assert.equal(access.caConfigMapName, undefined);
    assert.equal(access.serviceAccountName, undefined);
  });

  it("keeps the .dockerconfigjson a Pulumi secret even when it is handed over plain", async function () {
    const { resources } = await build({ ...full, dockerConfigJson: DOCKER_CONFIG });
    const secret = find(resources, "kubernetes:core/v1:Secret", "app-pull-secret");
    assert.ok(isSecretWrapper(secret.rawInputs.stringData), "stringData must be a Pulumi secret");
    assert.deepEqual(secret.inputs.stringData, { ".dockerconfigjson": DOCKER_CONFIG });
  });
});
