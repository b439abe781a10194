/**
 * lib/harbor-api/client.ts: TLS verified against the stack's CA and nothing else, errors that say
 * what to do, bounded waits, paging; and the providers still working after Pulumi serialized them
 * and a fresh Node process loaded the result, as the dynamic provider host does.
 */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  apiUrl,
  errorDetail,
  harborRequest,
  healthProblem,
  idFromLocation,
  isHarborError,
  listAll,
  waitForHarbor,
  type HarborConnection,
} from "../../lib/harbor-api/client";
import {
  HarborGcSchedule,
  HarborImmutableTagRule,
  HarborProject,
  HarborProjectMember,
  HarborRegistryEndpoint,
  HarborReplication,
  HarborRetention,
  HarborRobot,
  HarborScanAllSchedule,
  HarborSystemSettings,
  HarborAuthModeGuard,
} from "../../components/harbor-resources";
import { PROVIDERS } from "../../lib/harbor-api/providers";
import { FakeHarbor } from "../support/fixtures/fake-harbor";
import { ADMIN_PASSWORD, projectInputs } from "../support/fixtures/harbor-scenario";
import { Pki, type Issued } from "../support/fixtures/openssl";

function conn(url: string, over: Partial<HarborConnection> = {}): HarborConnection {
  return {
    url,
    caCertificate: "",
    username: "admin",
    password: ADMIN_PASSWORD,
    healthTimeoutSeconds: 5,
    ...over,
  };
}

describe("Harbor API client", function () {
  describe("pure helpers", function () {
    it("builds URLs below /api/v2.0 and drops undefined query values", function () {
      assert.equal(
        apiUrl("https://harbor.example.com/", "/quotas", {
          reference: "project",
          reference_id: "7",
          q: undefined,
        }),
        "https://harbor.example.com/api/v2.0/quotas?reference=project&reference_id=7",
      );
      assert.equal(
        apiUrl("https://[2001:db8::1]:30003", "/robots", { q: "name=ci" }),
        "https://[2001:db8::1]:30003/api/v2.0/robots?q=name%3Dci",
      );
    });

    it("reads Harbor's error messages out of an Errors body", function () {
      assert.equal(
        errorDetail(
          '{"errors":[{"code":"CONFLICT","message":"The project named apps already exists"}]}',
        ),
        "The project named apps already exists",
      );
      assert.equal(errorDetail("<html>bad gateway</html>"), "<html>bad gateway</html>");
    });

    it("takes IDs from Location headers, and says so when there is none", function () {
      const response = {
        status: 201,
        headers: { location: "/api/v2.0/projects/12" },
        body: undefined,
      };
      assert.equal(idFromLocation(response, "project apps"), 12);
      assert.throws(
        () => idFromLocation({ ...response, headers: {} }, "project apps"),
        /^HarborError: Harbor created the project apps but its answer has no usable Location header \(null\)$/,
      );
    });

    it("treats only the components the API needs as blocking", function () {
      assert.equal(
        healthProblem({
          status: "unhealthy",
          components: [
            { name: "core", status: "healthy" },
            { name: "trivy", status: "unhealthy", error: "db download" },
          ],
        }),
        undefined,
      );
      assert.equal(
        healthProblem({
          status: "unhealthy",
          components: [{ name: "redis", status: "unhealthy" }],
        }),
        "unhealthy: redis",
      );
    });
  });

  describe("over TLS with the stack's CA", function () {
    let pki: Pki;
    let ca: Issued;
    let other: Issued;
    let fake: FakeHarbor;

    before(function () {
      pki = new Pki();
      ca = pki.root("stack-ca", "Harbor CA (test)");
      other = pki.root("other-ca", "Someone else's CA");
    });
    after(function () {
      pki.dispose();
    });
    afterEach(async function () {
      await fake.stop();
    });

    async function start(sans: string[]): Promise<string> {
      const server = pki.leaf(ca, `server-${sans.length}-${Date.now()}`, { cn: "harbor", sans });
      fake = new FakeHarbor({
        adminPassword: ADMIN_PASSWORD,
        tls: { cert: server.cert, key: server.key },
      });
      return fake.start();
    }

    it("trusts Harbor's certificate through the stack's CA", async function () {
      const url = await start(["IP:127.0.0.1"]);
      const response = await harborRequest(
        conn(url, { caCertificate: ca.cert }),
        "GET",
        "/health",
        {
          anonymous: true,
        },
      );
      assert.equal(response.status, 200);
    });

    it("refuses a certificate the stack's CA did not sign, and never retries that", async function () {
      const url = await start(["IP:127.0.0.1"]);
      const started = Date.now();
      await assert.rejects(
        waitForHarbor(conn(url, { caCertificate: other.cert, healthTimeoutSeconds: 30 })),
        (error: Error) => {
          assert.ok(isHarborError(error, "tls"));
          assert.match(
            error.message,
            new RegExp(
              `^TLS verification of ${url.replace(/\./g, "\\.")} failed \\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN): .*\\)\\. The program trusts only the stack's CA for Harbor's API and never skips verification; if that address is served by another certificate \\(a proxy in front of Harbor\\), set harbor:api\\.url to an address that serves Harbor's own certificate$`,
            ),
          );
          return true;
        },
      );
      assert.ok(Date.now() - started < 5000, "a TLS failure ends the health wait at once");
    });

    it("refuses a certificate for another name", async function () {
      const url = await start(["DNS:harbor.example.com"]);
      await assert.rejects(
        harborRequest(conn(url, { caCertificate: ca.cert }), "GET", "/health", { anonymous: true }),
        (error: Error) =>
          isHarborError(error, "tls") && /ERR_TLS_CERT_ALTNAME_INVALID/.test(error.message),
      );
    });
  });

  describe("failures", function () {
    it("says when Harbor does not answer in time", async function () {
      const server = http.createServer(() => {
        /* never answers */
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      try {
        await assert.rejects(
          harborRequest(conn(url, { requestTimeoutSeconds: 0.3 }), "GET", "/projects/1"),
          (error: Error) =>
            isHarborError(error, "unreachable") &&
            error.message ===
              `cannot reach Harbor's API at ${url} (GET /api/v2.0/projects/1: HARBOR_TIMEOUT: no answer within 0.3 s)`,
        );
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });

    it("pages through lists of more than 100", async function () {
      const fake = new FakeHarbor({ adminPassword: ADMIN_PASSWORD });
      const url = await fake.start();
      try {
        for (let i = 0; i < 150; i++) {
          fake.registries.set(i + 1, {
            id: i + 1,
            name: `r${i}`,
            type: "harbor",
            url: "https://x",
          });
        }
        const all = await listAll(conn(url), "/registries");
        assert.equal(all.length, 150);
        assert.deepEqual(
          fake.requests("GET", "/registries").map((r) => r.query),
          [
            { page: "1", page_size: "100" },
            { page: "2", page_size: "100" },
          ],
        );
      } finally {
        await fake.stop();
      }
    });
  });
});

describe("serialized providers", function () {
  this.timeout(60000);

  /**
   * The serialized provider of every resource class, as `pulumi.dynamic.Resource` puts it in the
   * `__provider` input (the SDK caches it per provider, so the component tests reuse this work).
   */
  async function serializedProviders(): Promise<Record<string, string>> {
    const texts: Record<string, string> = {};
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          const type = args.type.replace("pulumi-nodejs:dynamic/harbor:", "");
          texts[type] = String((args.inputs as { __provider?: unknown }).__provider);
          return { id: `${args.name}-id`, state: {} };
        },
        call: () => ({}),
      },
      "harbor",
      "dev",
      false,
    );
    const classes = [
      HarborRegistryEndpoint,
      HarborProject,
      HarborProjectMember,
      HarborRobot,
      HarborRetention,
      HarborImmutableTagRule,
      HarborReplication,
      HarborGcSchedule,
      HarborScanAllSchedule,
      HarborSystemSettings,
      HarborAuthModeGuard,
    ] as unknown as (new (name: string, args: object) => pulumi.Resource)[];
    classes.forEach((C, i) => new C(`r${i}`, {}));
    for (let i = 0; i < 200 && Object.keys(texts).length < classes.length; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return texts;
  }

  it("carry no module objects, and work in a fresh Node process as the provider host loads them", async function () {
    const dir = mkdtempSync(path.join(tmpdir(), "harbor-provider-"));
    const fake = new FakeHarbor({ adminPassword: ADMIN_PASSWORD });
    const url = await fake.start();
    try {
      const texts = await serializedProviders();
      assert.deepEqual(
        Object.keys(texts).sort(),
        [...Object.keys(PROVIDERS), "AuthModeGuard"].sort(),
      );
      for (const [name, text] of Object.entries(texts)) {
        // Only Node's own modules are required at run time; nothing of the program's config,
        // zod or Pulumi itself travels with the provider.
        const requires = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
        assert.deepEqual(
          [...new Set(requires)].filter((m) => !["node:http", "node:https"].includes(m)),
          [],
          `${name} requires ${requires.join(", ")}`,
        );
        assert.doesNotMatch(text, /zod|ConfigError|@pulumi/, name);
        writeFileSync(path.join(dir, `${name}.js`), text);
      }
      // What the dynamic provider host does: load the text as a module, call handler().
      const driver = `
        const project = require(${JSON.stringify(path.join(dir, "Project.js"))}).handler();
        const inputs = ${JSON.stringify(projectInputs(url))};
        (async () => {
          const created = await project.create(inputs);
          const read = await project.read(created.id, created.outs);
          const diff = await project.diff(created.id, read.props, inputs);
          await project.delete(created.id, read.props);
          process.stdout.write(JSON.stringify({ id: created.id, quota: read.props.quota, diff }));
        })().catch((e) => { process.stderr.write(String(e.stack || e)); process.exit(1); });
      `;
      const output = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ["-e", driver], { cwd: dir }, (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      );
      assert.deepEqual(JSON.parse(output), {
        id: "1",
        quota: "50Gi",
        diff: { changes: false, replaces: [], deleteBeforeReplace: false },
      });
      assert.deepEqual(
        fake.log.map((r) => `${r.method} ${r.path}`),
        [
          "GET /health",
          "POST /projects",
          "GET /projects/1",
          "GET /quotas",
          "GET /health",
          "DELETE /projects/1",
        ],
      );
    } finally {
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
