/**
 * Configuration rules the program enforces at preview because Harbor enforces them at `up`: each
 * case sends Harbor what the program would send and shows that Harbor refuses exactly what the
 * configuration check refuses.
 *
 * - Replication schedules: `*` in the minute field is refused (goharbor/harbor v2.15.1
 *   `src/controller/replication/model/model.go`, `Policy.Validate`).
 * - Quay endpoints: the secret is a JSON document (`src/pkg/reg/adapter/quay/adapter.go`,
 *   `newAdapter`); a password fails before Harbor even tries the registry.
 * - OIDC: a user exists in Harbor only after a first login, so it cannot be made a member before
 *   (`src/core/auth/authenticator.go` `SearchAndOnBoardUser`); OIDC groups can.
 *
 * Runs against the suite's shared Harbor 2.9.5 box (HARBOR_BOX, test/support/harbor-box.ts), or the
 * Harbor in HARBOR_URL as HARBOR_USERNAME/HARBOR_PASSWORD when those are set; skipped with a message
 * without either. The OIDC case switches Harbor's auth mode for a moment and restores it; Harbor
 * allows that only while no user but admin exists, so it runs on a fresh Harbor of its own (with
 * HARBOR_URL: on that Harbor, skipped when it has users).
 */
import * as assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { parseRegistryContent, type RegistryContentContext } from "../../config/registry-content";
import { harborCron } from "../../config/cron";
import { registryAccessKey, registryAccessSecret } from "../../lib/registry-content";
import { type Box, harborSkipReason, harborUnderTest, startBox } from "../support/harbor-box";
import { harborCall, harborCreate, type HarborUser } from "../support/harbor-http";
import {
  registryCreateBody,
  replicationBody,
  type ReplicationInputs,
} from "../../lib/harbor-api/model";

const SKIP = harborSkipReason();
/** The Harbor under test, as admin (set by the suite's `before`). */
let harbor: HarborUser;
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;

const call = (method: string, path: string, body?: unknown) =>
  harborCall(harbor, method, path, body);
const create = (path: string, body: unknown) => harborCreate(harbor, path, body);

const CONTEXT: RegistryContentContext = {
  authMode: "database",
  trivyEnabled: true,
  nodeTrust: { enabled: false, runtime: "containerd" },
};

/** The configuration's verdict: the problems, or none. */
function verdict(raw: Record<string, unknown>, context = CONTEXT): string[] {
  try {
    parseRegistryContent(raw, context);
    return [];
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
}

/** The connection part of the inputs the program sends (`lib/harbor-api/model.ts`). */
const connection = () => ({
  apiUrl: harbor.url,
  apiCaCertificate: "",
  adminPassword: harbor.password,
  healthTimeoutSeconds: 60,
  adopt: false,
});

describe("configuration rules that are Harbor's rules (real Harbor)", function () {
  this.timeout(120_000);
  before(async function () {
    if (SKIP) {
      console.log(`      ${SKIP}`);
      this.skip();
    }
    harbor = await harborUnderTest();
  });

  it("replication schedules: the program refuses exactly the crons Harbor refuses", async function () {
    const registryId = await create("/registries", {
      name: `self-${RUN}`,
      type: "harbor",
      url: harbor.url,
      insecure: false,
      credential: { type: "basic", access_key: harbor.username, access_secret: harbor.password },
    });
    const results: [string, string, number][] = [];
    for (const schedule of ["* 2 * * *", "0 * 2 * * *", "*/15 * * * *", "0 2 * * *"]) {
      const name = `r-${RUN}-${results.length}`;
      const raw = {
        registries: { upstream: { type: "harbor", url: "https://harbor.example.com" } },
        replications: {
          [name]: { direction: "pull", registry: "upstream", trigger: "scheduled", schedule },
        },
      };
      const problems = verdict(raw);
      // What the program sends for the schedule: Harbor's six-field form (config/cron.ts).
      const six = harborCron(schedule);
      assert.ok(six.ok);
      const inputs = {
        ...connection(),
        configKey: `harbor:replications.${name}`,
        name,
        description: "",
        direction: "pull",
        registryId: String(registryId),
        nameFilter: "",
        tagFilter: "",
        resourceFilter: "",
        destinationNamespace: "",
        trigger: "scheduled",
        cron: six.cron,
        override: true,
        deletion: false,
        enabled: true,
      } as ReplicationInputs;
      const answer = await call("POST", "/replication/policies", replicationBody(inputs));
      results.push([schedule, problems.length === 0 ? "accepted" : "refused", answer.status]);
      if (problems.length > 0) {
        assert.deepEqual(problems, [
          `harbor:replications.${name}.schedule must not have * in the minute field: Harbor refuses a replication schedule that would start every minute (give the minute, such as 0 2 * * * or */15 * * * *), got "${schedule}"`,
        ]);
        assert.match(answer.text, /\* is not allowed for the Minutes field/);
      }
    }
    assert.deepEqual(results, [
      ["* 2 * * *", "refused", 400],
      ["0 * 2 * * *", "refused", 400],
      ["*/15 * * * *", "accepted", 201],
      ["0 2 * * *", "accepted", 201],
    ]);
  });

  it("quay endpoints: Harbor reads the secret as JSON; a password fails before the registry is tried", async function () {
    const raw = (secret: unknown) => ({
      registries: { quay: { type: "quay", url: "http://127.0.0.1:1" } },
      registrySecrets: JSON.stringify({ quay: secret }),
    });
    const document = { account_name: "acme+harbor", docker_cli_password: "r0b0t-t0ken" };
    assert.deepEqual(verdict(raw(document)), []);
    assert.deepEqual(verdict(raw("r0b0t-t0ken")), [
      "harbor:registrySecrets.quay must be an object {account_name, docker_cli_password, oauth2_token (optional)} for a quay endpoint: Harbor's Quay adapter reads its secret as that JSON document, not as a password",
    ]);
    const parsed = parseRegistryContent(raw(document), CONTEXT);
    const body = (secret: string) =>
      registryCreateBody({
        ...connection(),
        configKey: "harbor:registries.quay",
        name: `quay-${RUN}-${randomBytes(2).toString("hex")}`,
        type: "quay",
        url: "http://127.0.0.1:1",
        description: "",
        accessKey: registryAccessKey(parsed.registries.quay),
        accessSecret: secret,
      });
    // The document: Harbor's adapter accepts it and goes on to the registry, which is not there.
    const withDocument = await call(
      "POST",
      "/registries",
      body(registryAccessSecret(parsed.registrySecrets!.quay)),
    );
    assert.equal(withDocument.status, 400, withDocument.text);
    assert.match(withDocument.text, /the registry is unhealthy/);
    // A password, as the program sent before: the adapter's json.Unmarshal fails (HTTP 500).
    const withPassword = await call("POST", "/registries", body("r0b0t-t0ken"));
    assert.equal(withPassword.status, 500, withPassword.text);
  });
});

describe("configuration rules that are Harbor's rules: OIDC (a real Harbor of its own)", function () {
  this.timeout(180_000);
  // Harbor changes its auth mode only while no user but admin exists, and a mode left behind by a
  // failed run would change the Harbor of every later file: this case gets a fresh Harbor of its
  // own, stopped after it. Against HARBOR_URL it uses that Harbor, and skips when it has users.
  let own: Box | undefined;
  let oidc: HarborUser;
  before(async function () {
    if (SKIP) {
      console.log(`      ${SKIP}`);
      this.skip();
    }
    if (process.env.HARBOR_URL) {
      oidc = await harborUnderTest();
    } else {
      own = await startBox();
      oidc = { url: own.url, username: "admin", password: own.adminPassword };
    }
  });
  after(async function () {
    await own?.stop();
  });

  it("OIDC: a user who never logged in cannot be a member; a group can", async function () {
    const users = await harborCall(oidc, "GET", "/users?page_size=2");
    if ((JSON.parse(users.text) as unknown[]).length > 0) {
      console.log("      users other than admin exist: Harbor cannot switch to OIDC, skipped");
      this.skip();
    }
    const projectId = await harborCreate(oidc, "/projects", {
      project_name: `oidc-${RUN}`,
      metadata: { public: "false" },
    });
    const switched = await harborCall(oidc, "PUT", "/configurations", {
      auth_mode: "oidc_auth",
      oidc_name: "test",
      oidc_endpoint: "https://127.0.0.1:1",
      oidc_client_id: "harbor",
      oidc_client_secret: "not-used",
      oidc_scope: "openid",
    });
    assert.equal(switched.status, 200, switched.text);
    try {
      const user = await harborCall(oidc, "POST", `/projects/${projectId}/members`, {
        role_id: 2,
        member_user: { username: "alice" },
      });
      assert.equal(user.status, 404, user.text);
      assert.match(user.text, /alice not found/);
      const group = await harborCall(oidc, "POST", `/projects/${projectId}/members`, {
        role_id: 2,
        member_group: { group_name: "platform", group_type: 3 },
      });
      assert.equal(group.status, 201, group.text);
    } finally {
      const restored = await harborCall(oidc, "PUT", "/configurations", { auth_mode: "db_auth" });
      assert.equal(restored.status, 200, restored.text);
    }
  });
});
