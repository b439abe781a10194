/**
 * Contract test: every request each registry-content operation makes (the scenario of
 * test/support/fixtures/harbor-scenario.ts: create, read, update, delete of every kind, conflicts,
 * adoption, refusals) is validated against Harbor 2.15.1's OpenAPI document by Stoplight Prism, and
 * every answer of the fake Harbor too. The document's path comes from HARBOR_API_SPEC
 * (`.ci/run` sets it to ../shared/reference/harbor-2.15.1-swagger.yaml when that file exists).
 */
import * as assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { FakeHarbor } from "../support/fixtures/fake-harbor";
import {
  ADMIN_PASSWORD,
  LDAP_DN,
  projectInputs,
  runScenario,
} from "../support/fixtures/harbor-scenario";
import { harborRequest } from "../../lib/harbor-api/client";
import { projectProvider } from "../../lib/harbor-api/providers";
import { DOCUMENTED_DEVIATIONS, OpenApiProxy, type Exchange } from "../support/openapi-proxy";

const SPEC = process.env.HARBOR_API_SPEC;

/**
 * The document's operations the providers use: the contract pins them, so a provider that starts
 * calling another endpoint shows up here.
 */
const OPERATIONS = [
  "GET /health",
  "GET /configurations",
  "PUT /configurations",
  "GET /registries",
  "POST /registries",
  "GET /registries/{id}",
  "PUT /registries/{id}",
  "DELETE /registries/{id}",
  "POST /projects",
  "GET /projects/{project_name_or_id}",
  "PUT /projects/{project_name_or_id}",
  "DELETE /projects/{project_name_or_id}",
  "GET /quotas",
  "PUT /quotas/{id}",
  "GET /projects/{project_name_or_id}/members",
  "POST /projects/{project_name_or_id}/members",
  "GET /projects/{project_name_or_id}/members/{mid}",
  "PUT /projects/{project_name_or_id}/members/{mid}",
  "DELETE /projects/{project_name_or_id}/members/{mid}",
  "GET /usergroups",
  "GET /robots",
  "POST /robots",
  "GET /robots/{robot_id}",
  "PUT /robots/{robot_id}",
  "PATCH /robots/{robot_id}",
  "DELETE /robots/{robot_id}",
  "POST /retentions",
  "GET /retentions/{id}",
  "GET /retentions/{id}/executions",
  "PUT /retentions/{id}",
  "DELETE /retentions/{id}",
  "GET /projects/{project_name_or_id}/immutabletagrules",
  "POST /projects/{project_name_or_id}/immutabletagrules",
  "PUT /projects/{project_name_or_id}/immutabletagrules/{immutable_rule_id}",
  "DELETE /projects/{project_name_or_id}/immutabletagrules/{immutable_rule_id}",
  "GET /replication/policies",
  "POST /replication/policies",
  "GET /replication/policies/{id}",
  "PUT /replication/policies/{id}",
  "DELETE /replication/policies/{id}",
  "GET /system/gc/schedule",
  "POST /system/gc/schedule",
  "PUT /system/gc/schedule",
  "GET /system/scanAll/schedule",
  "POST /system/scanAll/schedule",
  "PUT /system/scanAll/schedule",
].sort();

/** `METHOD /path?query` without IDs that change between runs: what makes a request distinct. */
function requestKey(e: Exchange): string {
  return `${e.method} ${e.url}`;
}

/** A response violation that only says the status is not among the operation's documented ones. */
function isUndeclaredStatus(v: { message: string }): boolean {
  return /^Unable to match the returned status code with those defined in the document/.test(
    v.message,
  );
}

(SPEC && existsSync(SPEC) ? describe : describe.skip)(
  `Harbor API contract (${SPEC ?? "HARBOR_API_SPEC unset: skipped; set it to harbor-2.15.1-swagger.yaml"})`,
  function () {
    this.timeout(180000);
    let fake: FakeHarbor;
    let proxy: OpenApiProxy;

    before(async function () {
      fake = new FakeHarbor({
        adminPassword: ADMIN_PASSWORD,
        users: ["alice", "bob"],
        ldapGroups: { [LDAP_DN]: "developers" },
      });
      const url = await fake.start();
      proxy = new OpenApiProxy(SPEC!, Number(new URL(url).port));
      await proxy.start();
      // Every operation of every provider, through the validator.
      await runScenario(proxy.url, fake);
      // And a refresh that finds the project changed in the portal (drift) before it goes.
      const created = await projectProvider.create(projectInputs(proxy.url, { name: "drift" }));
      fake.project("drift")!.metadata.public = "true";
      await projectProvider.read!(created.id, created.outs as Record<string, unknown>);
      await projectProvider.delete!(created.id, created.outs as Record<string, unknown>);
    });

    after(async function () {
      await proxy?.stop();
      await fake?.stop();
    });

    it("validates every request against the document: no violation but the documented deviations", function () {
      const violations = proxy.exchanges
        .filter((e) => e.requestViolations.length > 0)
        .map((e) => `${e.method} ${e.url}: ${JSON.stringify(e.requestViolations)}`);
      assert.deepEqual(violations, []);
    });

    it("uses exactly the document's operations the providers are written against", function () {
      const used = [...new Set(proxy.exchanges.map((e) => e.operation))].sort();
      assert.deepEqual(used, OPERATIONS);
    });

    it("gets answers that match the document, except statuses Harbor answers undeclared", function () {
      const unexpected = proxy.exchanges.flatMap((e) =>
        e.responseViolations
          .filter((v) => !isUndeclaredStatus(v))
          .map((v) => `${e.method} ${e.url} -> ${e.status}: ${v.message}`),
      );
      assert.deepEqual(unexpected, []);
      const undeclared = [
        ...new Set(
          proxy.exchanges
            .filter((e) => e.responseViolations.some(isUndeclaredStatus))
            .map((e) => `${e.operation} -> ${e.status}`),
        ),
      ].sort();
      // Each is what Harbor's handler answers (src/server/v2.0/handler) where the document lists
      // no such status: a missing object is a 404, an existing one a 409. (A missing retention
      // policy is asked through its executions, which answer 400; an immutable rule of the same
      // patterns is looked for before a POST, since Harbor would accept a duplicate.)
      assert.deepEqual(undeclared, [
        "GET /projects/{project_name_or_id} -> 404",
        "GET /projects/{project_name_or_id}/immutabletagrules -> 404",
        "GET /replication/policies/{id} -> 404",
        "POST /robots -> 409",
      ]);
    });

    it("is live: a request that breaks the document is refused before it reaches Harbor", async function () {
      const before = fake.log.length;
      await assert.rejects(
        harborRequest(
          {
            url: proxy.url,
            caCertificate: "",
            username: "admin",
            password: ADMIN_PASSWORD,
            healthTimeoutSeconds: 5,
          },
          "POST",
          "/projects",
          { body: { project_name: "bad", public: "yes", storage_limit: "50Gi" } },
        ),
        /HTTP 422/,
      );
      assert.equal(fake.log.length, before);
      const last = proxy.exchanges[proxy.exchanges.length - 1];
      assert.deepEqual(last.requestViolations.map((v) => v.location.join(".")).sort(), [
        "body.public",
        "body.storage_limit",
      ]);
      proxy.exchanges.pop();
    });

    it("counts the distinct requests validated", function () {
      const distinct = new Set(proxy.exchanges.map(requestKey));
      const withDeviation = proxy.exchanges.filter((e) => e.deviations.length > 0);
      console.log(
        `      ${proxy.exchanges.length} requests validated (${distinct.size} distinct, ` +
          `${new Set(proxy.exchanges.map((e) => e.operation)).size} operations); ` +
          `${withDeviation.length} with a documented deviation: ` +
          DOCUMENTED_DEVIATIONS.map((d) => d.operations.join(", ")).join("; "),
      );
      assert.ok(distinct.size >= OPERATIONS.length);
      assert.ok(
        withDeviation.every((e) =>
          DOCUMENTED_DEVIATIONS.some((d) => d.operations.includes(e.operation)),
        ),
      );
    });
  },
);
