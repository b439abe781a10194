/**
 * `harbor:chart.values`: every value the program sets in Harbor's chart values is on the list of
 * owned values (so chart values can never override one), the merge is Helm's (objects key by key,
 * everything else replaced), and the values stay deterministic.
 */
import { strict as assert } from "node:assert";
import {
  OWNED_CHART_VALUES,
  leafPaths,
  mergeChartValues,
  ownerOf,
} from "../../config/chart-values";
import { buildHarborValues } from "../../lib/values";
import { EXAMPLE_STACKS, loadExampleStack } from "../support/example-stacks";
import { configOf, contextOf } from "../support/config";
import { testChain } from "../support/fixtures/tls";
import * as path from "node:path";

const host = { hostname: "harbor.example.com" };

/** Configurations that between them make the program set every value it ever sets. */
function configurations(): [string, ReturnType<typeof configOf>][] {
  const chain = testChain("harbor.example.com");
  const out: [string, ReturnType<typeof configOf>][] = EXAMPLE_STACKS.map((stack) => {
    const s = loadExampleStack(path.resolve(__dirname, "..", "..", `Pulumi.${stack}.yaml`));
    return [stack, configOf(s.config, s.secrets, stack)];
  });
  const more: [string, Record<string, unknown>, Record<string, string>][] = [
    [
      "nodePort, metrics, proxy",
      {
        ...host,
        expose: { type: "nodePort" },
        metrics: { enabled: true, serviceMonitor: true },
        proxy: { httpProxy: "http://proxy:3128", noProxy: ".local" },
      },
      {},
    ],
    [
      "loadBalancer, external services",
      {
        ...host,
        expose: { type: "loadBalancer", loadBalancer: { ip: "10.0.0.5" } },
        database: { type: "external", host: "db", username: "harbor" },
        redis: { type: "external", addr: "redis:6379" },
      },
      { databasePassword: "db-pass", redisPassword: "redis-pass" },
    ],
    [
      "clusterIP, provided TLS, S3 with keys",
      {
        ...host,
        expose: { type: "clusterIP", clusterIP: { ip: "10.96.0.9" } },
        tls: { mode: "provided" },
        objectStorage: { type: "s3", bucket: "blobs", forcePathStyle: true },
      },
      {
        tlsCertificate: chain.certificate,
        tlsPrivateKey: chain.privateKey,
        tlsCaCertificate: chain.caCertificate,
        s3AccessKey: "AK",
        s3SecretKey: "SK",
      },
    ],
    [
      "route, oidc, velero, mirror, replicas",
      {
        ...host,
        expose: { type: "route", route: { parentRefs: [{ name: "gw" }] } },
        auth: { mode: "oidc", oidc: { endpoint: "https://id.example.com", clientId: "harbor" } },
        backup: { engine: "velero", registry: false },
        imageRegistry: "mirror.example.com",
        objectStorage: { type: "s3", bucket: "blobs" },
        replicas: { core: 2, portal: 2, registry: 2, jobservice: 2, nginx: 2, trivy: 2 },
        scheduling: {
          nodeSelector: { pool: "registry" },
          tolerations: [{ key: "dedicated", operator: "Exists" }],
        },
      },
      { oidcClientSecret: "oidc-secret" },
    ],
    [
      "nfs (pgdata ownership), tls disabled",
      {
        ...host,
        tls: { mode: "disabled" },
        externalURL: "https://harbor.example.com",
        storage: { variant: "nfs", nfs: { server: "nfs", path: "/exports" } },
      },
      {},
    ],
  ];
  for (const [name, raw, secrets] of more) out.push([name, configOf(raw, secrets)]);
  return out;
}

describe("chart values: what the program owns", function () {
  this.timeout(30_000);

  it("every value the program sets, in every configuration, is owned", () => {
    const unowned = new Set<string>();
    let leaves = 0;
    for (const [name, config] of configurations()) {
      for (const leaf of leafPaths(buildHarborValues(config, contextOf()))) {
        leaves++;
        if (ownerOf(leaf) === undefined) unowned.add(`${name}: ${leaf.join(".")}`);
      }
    }
    assert.deepEqual([...unowned], []);
    assert.ok(leaves > 500, `${leaves} leaves`);
  });

  it("owns nothing twice and only chart value paths", () => {
    const seen = OWNED_CHART_VALUES.map((o) => o.path.join("\u0000"));
    assert.equal(new Set(seen).size, seen.length);
    for (const o of OWNED_CHART_VALUES)
      assert.ok(o.owner.startsWith("harbor:") || o.owner.startsWith("nothing: "), o.owner);
  });

  it("a path conflicts with an owned value above or below it, not beside it", () => {
    assert.deepEqual(ownerOf(["core", "replicas"])?.path, ["core", "replicas"]);
    assert.deepEqual(ownerOf(["persistence", "persistentVolumeClaim", "registry", "size"])?.path, [
      "persistence",
    ]);
    assert.deepEqual(ownerOf(["registry"])?.path, ["registry", "replicas"]);
    assert.equal(ownerOf(["core", "podLabels", "team"]), undefined);
    assert.equal(ownerOf(["registry", "podAnnotations", "example.com/x"]), undefined);
    assert.equal(ownerOf(["imagePullSecrets"]), undefined);
  });
});

describe("chart values: merged last, as Helm merges a values file", () => {
  it("objects key by key, lists and scalars replaced, null kept for Helm to delete a default", () => {
    const base = { core: { replicas: 1, podLabels: { a: "1" } }, list: [1, 2], keep: "x" };
    const merged = mergeChartValues(base, {
      core: { podLabels: { b: "2" } },
      list: [3],
      gone: null,
      extra: { deep: { value: true } },
    });
    assert.deepEqual(merged, {
      core: { replicas: 1, podLabels: { a: "1", b: "2" } },
      list: [3],
      keep: "x",
      gone: null,
      extra: { deep: { value: true } },
    });
    assert.deepEqual(base, {
      core: { replicas: 1, podLabels: { a: "1" } },
      list: [1, 2],
      keep: "x",
    });
  });

  it("the program's values with chart values are the same object graph on every render", () => {
    const raw = {
      ...host,
      chart: {
        values: { imagePullSecrets: [{ name: "pull" }], core: { podLabels: { team: "a" } } },
      },
    };
    const once = JSON.stringify(buildHarborValues(configOf(raw), contextOf()));
    const twice = JSON.stringify(buildHarborValues(configOf(raw), contextOf()));
    assert.equal(once, twice);
    assert.match(once, /"imagePullSecrets":\[\{"name":"pull"\}\]/);
  });
});
