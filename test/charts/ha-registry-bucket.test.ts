/**
 * End to end with real components: the registry the chart configures for a Rook bucket finds the
 * bucket, endpoint and keys in its environment. The example HA stack's values are rendered by the
 * real chart; the storage section of the registry's config.yml and the registry container's
 * environment (resolved the way the kubelet does: ConfigMap and Secret keys of the claim, then
 * `$(VAR)` references) are handed to a real distribution registry, which must list the claim's
 * bucket, path-style, signed with the claim's access key, on a stand-in S3 endpoint.
 *
 * Needs the chart, helm and a registry binary (Debian: `apt-get install docker-registry`):
 *   HARBOR_CHART=/path/to/harbor HELM=/path/to/helm DOCKER_REGISTRY=/usr/bin/docker-registry npm run test:charts
 * Without them the suite is reported as pending.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, parseAllDocuments, stringify } from "yaml";
import type { EnvVar } from "../../lib/harbor-values";
import { harborValues } from "../support/harness";
import { exampleRun } from "../support/example-stacks";
import { HELM, helmAvailable } from "../../scripts/runtime/helm";

const chart = process.env.HARBOR_CHART;
const helm = HELM;
const registryBin = process.env.DOCKER_REGISTRY;

/** What Rook puts next to a bound claim (stand-ins). */
const CLAIM_CONFIGMAP: Record<string, string> = {
  BUCKET_NAME: "harbor-registry-0e5a6b1c-2f0d-4c1e-9d8a-6f3b2a1c0d9e",
  BUCKET_PORT: "", // the stand-in S3 endpoint's port, set below
  BUCKET_HOST: "127.0.0.1",
};
const CLAIM_SECRET: Record<string, string> = {
  AWS_ACCESS_KEY_ID: "ABCDEFGHIJ0123456789",
  AWS_SECRET_ACCESS_KEY: "abcdefghijABCDEFGHIJ0123456789abcdefghij",
};

/** A container's environment as the kubelet builds it: key references, then `$(VAR)` expansion. */
export function resolveEnvironment(
  env: EnvVar[],
  configMaps: Record<string, Record<string, string>>,
  secrets: Record<string, Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) {
    let value: string;
    const cm = e.valueFrom?.configMapKeyRef;
    const secret = e.valueFrom?.secretKeyRef;
    if (cm) value = configMaps[cm.name]?.[cm.key];
    else if (secret) value = secrets[secret.name]?.[secret.key];
    else
      value = (typeof e.value === "string" ? e.value : "").replace(
        /\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
        (m, name) => (m === "$$" ? "$" : name in out ? out[name as string] : m),
      );
    assert.ok(value !== undefined, `${e.name}: the referenced key does not exist`);
    out[e.name] = value;
  }
  return out;
}

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

describe("a real registry reads the Rook bucket from its environment", function () {
  this.timeout(120_000);
  let s3: http.Server;
  let registry: ChildProcess | undefined;
  const requests: { url: string; authorization: string }[] = [];

  before(function () {
    if (!chart || !helmAvailable() || !registryBin || !existsSync(registryBin)) {
      console.log(
        "      (set HARBOR_CHART, HELM and DOCKER_REGISTRY to run a real registry; skipped)",
      );
      this.skip();
    }
  });

  after(async () => {
    registry?.kill();
    if (s3) await new Promise<void>((r) => s3.close(() => r()));
  });

  it("lists the claim's bucket, path-style, with the claim's access key", async () => {
    s3 = http.createServer((req, res) => {
      requests.push({ url: req.url ?? "", authorization: req.headers.authorization ?? "" });
      const body =
        '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>';
      res.writeHead(200, { "Content-Type": "application/xml" }).end(body);
    });
    await new Promise<void>((r) => s3.listen(0, "127.0.0.1", r));
    CLAIM_CONFIGMAP.BUCKET_PORT = String((s3.address() as AddressInfo).port);

    // The chart's manifests for the HA stack.
    const run = await exampleRun("ha");
    const values = harborValues(run);
    const dir = mkdtempSync(path.join(tmpdir(), "harbor-registry-"));
    writeFileSync(path.join(dir, "values.yaml"), stringify(values));
    const manifests = execFileSync(
      helm,
      ["template", "harbor", chart!, "-n", "harbor", "-f", path.join(dir, "values.yaml")],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    type Doc = {
      kind: string;
      metadata: { name: string };
      data?: Record<string, string>;
      spec?: { template: { spec: { containers: { name: string; env?: EnvVar[] }[] } } };
    };
    const docs = parseAllDocuments(manifests).map((d) => d.toJS() as Doc);
    const configMap = docs.find(
      (d) => d.kind === "ConfigMap" && d.metadata.name === "harbor-registry",
    )!;
    const deployment = docs.find(
      (d) => d.kind === "Deployment" && d.metadata.name === "harbor-registry",
    )!;
    const container = deployment.spec!.template.spec.containers.find((c) => c.name === "registry")!;

    // Its storage section, served on a local port; its environment as the kubelet resolves it
    // (only the variables that come from the claim or name storage settings).
    const rendered = parse(configMap.data!["config.yml"]) as { storage: Record<string, unknown> };
    const storage = { ...rendered.storage };
    delete storage.cache; // layer-info cache in Redis: not under test
    const port = await freePort();
    const config = {
      version: 0.1,
      log: { level: "info" },
      storage,
      http: { addr: `127.0.0.1:${port}` },
    };
    writeFileSync(path.join(dir, "config.yml"), stringify(config));
    const claim = "harbor-registry-bucket";
    const env = resolveEnvironment(
      (container.env ?? []).filter(
        (e) => e.name.startsWith("REGISTRY_STORAGE_") || e.name.startsWith("BUCKET_"),
      ),
      { [claim]: CLAIM_CONFIGMAP },
      { [claim]: CLAIM_SECRET },
    );
    assert.equal(
      env.REGISTRY_STORAGE_S3_REGIONENDPOINT,
      `http://127.0.0.1:${CLAIM_CONFIGMAP.BUCKET_PORT}`,
    );

    registry = spawn(registryBin!, ["serve", path.join(dir, "config.yml")], {
      env: { PATH: process.env.PATH, HOME: dir, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    registry.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    let catalog: { status: number; body: string } | undefined;
    for (let i = 0; i < 50 && catalog === undefined; i++) {
      await new Promise((r) => setTimeout(r, 200));
      catalog = await get(`http://127.0.0.1:${port}/v2/_catalog`).catch(() => undefined);
    }
    assert.ok(catalog, `the registry did not start:\n${stderr}`);
    assert.equal(catalog.status, 200, stderr);
    assert.deepEqual(JSON.parse(catalog.body), { repositories: [] });

    assert.ok(requests.length > 0, "the registry never called the S3 endpoint");
    for (const r of requests) {
      assert.ok(
        r.url.startsWith(`/${CLAIM_CONFIGMAP.BUCKET_NAME}?`),
        `not the claim's bucket, path-style: ${r.url}`,
      );
      assert.match(r.authorization, new RegExp(`Credential=${CLAIM_SECRET.AWS_ACCESS_KEY_ID}/`));
    }
  });
});
