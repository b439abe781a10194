import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import {
  HarborRelease,
  RELEASE_TIMEOUT_SECONDS,
  chartSource,
  secretConfigMapData,
  type HarborReleaseArgs,
} from "../../components/release";
import { configMapsWithRedisUrls } from "../../lib/chart";
import {
  installMocks,
  isSecret,
  isSecretWrapper,
  resolve,
  settle,
  type MockRecorder,
} from "../support/harness";

const chart = { version: "1.19.1", repository: "https://helm.goharbor.io" };
const values = {
  externalURL: "https://harbor.example.com",
  secretKey: pulumi.secret("sixteen-chars-ok"),
};

async function declare(args: Partial<HarborReleaseArgs> = {}): Promise<MockRecorder> {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder);
  new HarborRelease("harbor", {
    namespace: "harbor",
    releaseName: "harbor",
    chart,
    deployMode: "release",
    values,
    ...args,
  });
  await settle(recorder);
  return recorder;
}

describe("HarborRelease", () => {
  it("release mode: helm.v3.Release of goharbor/harbor, no rollback options, values as a secret", async () => {
    const { resources } = await declare();
    const release = resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release")!;
    assert.equal(release.name, "harbor-release");
    assert.deepEqual(release.inputs, {
      name: "harbor",
      namespace: "harbor",
      createNamespace: false,
      chart: "harbor",
      version: "1.19.1",
      repositoryOpts: { repo: "https://helm.goharbor.io" },
      values: { externalURL: "https://harbor.example.com", secretKey: "sixteen-chars-ok" },
      atomic: false,
      cleanupOnFail: false,
      maxHistory: 10,
      timeout: RELEASE_TIMEOUT_SECONDS,
      waitForJobs: true,
      compat: "true",
    });
    assert.ok(isSecretWrapper(release.rawInputs.values), "values must be a Pulumi secret");
    assert.equal(resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart").length, 0);
  });

  it("chart mode: helm.v4.Chart with the same chart and values", async () => {
    const { resources } = await declare({ deployMode: "chart" });
    const c = resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart")!;
    assert.equal(c.name, "harbor-chart");
    assert.deepEqual(c.inputs, {
      name: "harbor",
      namespace: "harbor",
      chart: "harbor",
      version: "1.19.1",
      repositoryOpts: { repo: "https://helm.goharbor.io" },
      values: { externalURL: "https://harbor.example.com", secretKey: "sixteen-chars-ok" },
    });
    assert.ok(isSecretWrapper(c.rawInputs.values));
    assert.equal(resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release").length, 0);
  });

  it("an air-gapped chart archive replaces repository and version", () => {
    assert.deepEqual(chartSource({ ...chart, path: "./charts/harbor-1.19.1.tgz" }), {
      chart: "./charts/harbor-1.19.1.tgz",
    });
  });

  it("S3 keys go to a Secret the chart references, as Pulumi secrets", async () => {
    const { resources } = await declare({
      s3Credentials: { secretName: "harbor-s3", accessKey: "AK", secretKey: "SK" },
    });
    const secret = resources.find((r) => r.type === "kubernetes:core/v1:Secret")!;
    assert.equal(secret.name, "harbor-s3");
    assert.deepEqual(secret.inputs, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "harbor-s3",
        namespace: "harbor",
        labels: { "app.kubernetes.io/part-of": "harbor" },
      },
      type: "Opaque",
      stringData: { REGISTRY_STORAGE_S3_ACCESSKEY: "AK", REGISTRY_STORAGE_S3_SECRETKEY: "SK" },
    });
    assert.ok(isSecretWrapper(secret.rawInputs.stringData));
  });
});

describe("chart mode: ConfigMaps that carry a Redis password", () => {
  const names = configMapsWithRedisUrls("harbor");
  const transform = secretConfigMapData(names);
  const opts = {};

  it("names the four ConfigMaps the chart puts Redis URLs in", () => {
    assert.deepEqual(names, [
      "harbor-core",
      "harbor-jobservice",
      "harbor-registry",
      "harbor-exporter-env",
    ]);
  });

  it("marks their data secret", async () => {
    const result = await transform({
      custom: true,
      type: "kubernetes:core/v1:ConfigMap",
      name: "harbor-chart:harbor/harbor-core",
      props: {
        metadata: { name: "harbor-core" },
        data: { _REDIS_URL_CORE: "redis://:pw@r:6379/0" },
      },
      opts,
    });
    assert.ok(result);
    const data = result.props.data as pulumi.Output<Record<string, string>>;
    assert.equal(await isSecret(data), true);
    assert.deepEqual(await resolve(data), { _REDIS_URL_CORE: "redis://:pw@r:6379/0" });
  });

  it("leaves other ConfigMaps and other kinds alone", async () => {
    const other = await transform({
      custom: true,
      type: "kubernetes:core/v1:ConfigMap",
      name: "x",
      props: { metadata: { name: "harbor-portal" }, data: {} },
      opts,
    });
    const secret = await transform({
      custom: true,
      type: "kubernetes:core/v1:Secret",
      name: "y",
      props: { metadata: { name: "harbor-core" } },
      opts,
    });
    assert.equal(other, undefined);
    assert.equal(secret, undefined);
  });
});
