/**
 * Registry content against a real Harbor (`npm run test:harbor`; HARBOR_BOX is the Harbor 2.9.5
 * box, see box.ts). Harbor starts once for this file; a second one, started with the chart's
 * CONFIG_OVERWRITE_JSON as LDAP and OIDC stacks run it, is in ldap.harbor.ts.
 */
import * as assert from "node:assert/strict";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { projectInputs, robotInputs } from "../support/fixtures/harbor-scenario";
import {
  LIFECYCLE,
  type HarborTarget,
  capturingStderr,
  portal,
  rejects,
  targetConnection,
} from "../support/fixtures/harbor-lifecycle";
import { Pki } from "../support/fixtures/openssl";
import { projectProvider, robotProvider } from "../../lib/harbor-api/providers";
import { authModeGuardProvider } from "../../lib/harbor-api/providers/auth-mode";
import { type Box, sharedBox, skipReason } from "../support/harbor-box";
import { grantedActions, pullImage, pushImage, registryToken } from "../support/registry-v2";

type Props = Record<string, unknown>;
const props = (v: unknown) => v as Props;

/** A pluggable-scanner adapter's metadata endpoint, all Harbor asks when a scanner is registered. */
async function scannerStub(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, {
      "Content-Type": "application/vnd.scanner.adapter.metadata+json; version=1.0",
    });
    res.end(
      JSON.stringify({
        scanner: { name: "stub", vendor: "tests", version: "1.0" },
        capabilities: [
          {
            consumes_mime_types: [
              "application/vnd.oci.image.manifest.v1+json",
              "application/vnd.docker.distribution.manifest.v2+json",
            ],
            produces_mime_types: [
              "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0",
            ],
          },
        ],
        properties: {},
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * What may stand between the program and Harbor: a proxy that forwards to Harbor, or answers 503
 * (an ingress whose backend is down), or an ingress default backend's 404 page, or serves TLS
 * with a certificate of another CA.
 */
async function frontProxy(target: string, tls?: { cert: string; key: string }) {
  const state = { mode: "forward" as "forward" | "503" | "404" };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (state.mode === "503") {
      res.writeHead(503, { "Content-Type": "text/html" });
      res.end("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>");
      return;
    }
    if (state.mode === "404") {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("default backend - 404");
      return;
    }
    const upstream = http.request(
      `${target}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const reason = skipReason();

(reason ? describe.skip : describe)(
  `registry content against a real Harbor (${reason ?? process.env.HARBOR_BOX})`,
  function () {
    this.timeout(180000);
    let box: Box;
    let target: HarborTarget;
    let scanner: Awaited<ReturnType<typeof scannerStub>>;
    let scannerId: number | undefined;

    before(async function () {
      box = await sharedBox();
      scanner = await scannerStub();
      console.log(
        `      Harbor ${box.url} started in ${box.startSeconds.toFixed(1)} s (${box.runDir})`,
      );
      target = {
        url: box.url,
        adminPassword: box.adminPassword,
        async addUser(name) {
          await portal(target, "POST", "/users", {
            username: name,
            email: `${name}@example.com`,
            realname: name,
            password: "Passw0rd-of-" + name,
            comment: "",
          });
        },
        async addLdapGroup(dn, name) {
          // As Harbor onboards a group it found in the directory (src/pkg/usergroup/dao/dao.go
          // `Add`): the DN trimmed and lower-cased. This box has no LDAP server to search.
          await box.sql(
            `insert into user_group (group_name, group_type, ldap_group_dn, creation_time, update_time) values ('${name}', 1, '${dn.toLowerCase()}', now(), now())`,
          );
        },
        async setScanner(present) {
          if (present && scannerId === undefined) {
            await portal(target, "POST", "/scanners", { name: "stub", url: scanner.url });
            const all = await portal<{ uuid: string; name: string }[]>(target, "GET", "/scanners");
            const uuid = all.find((s) => s.name === "stub")!.uuid;
            await portal(target, "PATCH", `/scanners/${uuid}`, { is_default: true });
            scannerId = 1;
          } else if (!present && scannerId !== undefined) {
            const all = await portal<{ uuid: string; name: string }[]>(target, "GET", "/scanners");
            for (const s of all) await portal(target, "DELETE", `/scanners/${s.uuid}`);
            scannerId = undefined;
          }
        },
        async ageRobot(id, days) {
          await box.sql(
            `update robot set creation_time = now() - interval '${days} days', ` +
              `expiresat = extract(epoch from now() - interval '${days} days')::bigint + duration * 86400 where id = ${id}`,
          );
        },
      };
    });

    after(async function () {
      await scanner?.close();
    });

    describe("every kind's lifecycle (the same cases run against the fake in npm test)", function () {
      for (const c of LIFECYCLE) {
        it(c.name, async function () {
          await c.run(target);
        });
      }
    });

    describe("robots used through Harbor's /v2 as docker push and pull do", function () {
      it("pushes with a push robot, pulls with a pull robot, and a rotated secret replaces the old one", async function () {
        const c = targetConnection(target);
        const name = "docker-v2";
        const project = await projectProvider.create({ ...projectInputs(box.url), ...c, name });
        const robot = (robotName: string, actions: string[]) => ({
          ...robotInputs(box.url, project.id),
          ...c,
          name: robotName,
          username: `robot$${robotName}`,
          configKey: `harbor:robots.${robotName}`,
          expiresDays: 30,
          permissions: [{ project: name, actions }],
          projectIds: { [name]: project.id },
        });
        const pusher = await robotProvider.create(
          robot("pusher", ["repository:pull", "repository:push"]),
        );
        const puller = await robotProvider.create(robot("puller", ["repository:pull"]));
        const secret = (r: { outs?: unknown }) => String(props(r.outs).secret);
        const pushed = await pushImage(
          box.url,
          "robot$pusher",
          secret(pusher),
          `${name}/app`,
          "v1",
        );
        assert.equal(
          await pullImage(box.url, "robot$puller", secret(puller), `${name}/app`, "v1"),
          pushed,
        );
        // The pull robot's token grants pull only.
        assert.deepEqual(
          grantedActions(
            await registryToken(
              box.url,
              "robot$puller",
              secret(puller),
              `${name}/app`,
              "pull,push",
            ),
          ),
          ["pull"],
        );
        // Rotation: the new secret works, the old one is refused.
        const rotated = await robotProvider.update!(puller.id, props(puller.outs), {
          ...robot("puller", ["repository:pull"]),
          rotation: "next",
        });
        assert.equal(
          await pullImage(box.url, "robot$puller", secret(rotated), `${name}/app`, "v1"),
          pushed,
        );
        // Harbor's token service answers a failed login with a token that grants nothing.
        assert.deepEqual(
          grantedActions(
            await registryToken(box.url, "robot$puller", secret(puller), `${name}/app`, "pull"),
          ),
          [],
        );
        // Harbor refuses to delete a project that holds a repository; the program says what to do.
        await rejects(
          projectProvider.delete!(project.id, { ...projectInputs(box.url), ...c, name }),
          new RegExp(
            `^Harbor refused to delete project "${name}" \\(HTTP 412: .*\\)\\. Delete its repositories first`,
          ),
        );
        await portal(target, "DELETE", `/projects/${name}/repositories/app`);
        await robotProvider.delete!(pusher.id, robot("pusher", []));
        await robotProvider.delete!(puller.id, robot("puller", []));
        await projectProvider.delete!(project.id, { ...projectInputs(box.url), ...c, name });
      });

      it("a robot of last year with yearly rotation keeps pulling after its rotation (issue 19 item 2)", async function () {
        const c = targetConnection(target);
        const name = "yearly";
        const project = await projectProvider.create({ ...projectInputs(box.url), ...c, name });
        const inputs = {
          ...robotInputs(box.url, project.id),
          ...c,
          name: "yearly",
          username: "robot$yearly",
          configKey: "harbor:robots.yearly",
          expiresDays: 365,
          permissions: [{ project: name, actions: ["repository:pull", "repository:push"] }],
          projectIds: { [name]: project.id },
          rotation: "2025",
        };
        const created = await robotProvider.create(inputs);
        await pushImage(
          box.url,
          "robot$yearly",
          String(props(created.outs).secret),
          `${name}/app`,
          "v1",
        );
        await target.ageRobot(Number(created.id), 364);
        const read = await robotProvider.read!(created.id, props(created.outs));
        const rotated = await robotProvider.update!(created.id, props(read.props), {
          ...inputs,
          rotation: "2026",
        });
        // Two days later Harbor would have expired it under the old provider (expires_at untouched).
        const expiresAt = (
          await portal<{ expires_at: number }>(target, "GET", `/robots/${created.id}`)
        ).expires_at;
        assert.ok(expiresAt > Date.now() / 1000 + 364 * 86400, `expires_at ${expiresAt}`);
        await pullImage(
          box.url,
          "robot$yearly",
          String(props(rotated.outs).secret),
          `${name}/app`,
          "v1",
        );
        await portal(target, "DELETE", `/projects/${name}/repositories/app`);
        await robotProvider.delete!(created.id, inputs);
        await projectProvider.delete!(project.id, { ...projectInputs(box.url), ...c, name });
      });
    });

    describe("refresh when something is wrong between the program and Harbor (issue 18 item 5)", function () {
      let projectId: string;
      let state: Props;
      const NAME = "refresh-cases";

      before(async function () {
        const created = await projectProvider.create({
          ...projectInputs(box.url),
          ...targetConnection(target),
          name: NAME,
        });
        projectId = created.id;
        state = props(created.outs);
      });
      after(async function () {
        await projectProvider.delete!(projectId, state);
      });

      /** A refresh through `url`: its result and warning. */
      async function refreshVia(url: string, extra: Props = {}) {
        return capturingStderr(() =>
          projectProvider.read!(projectId, { ...state, apiUrl: url, ...extra }),
        );
      }

      it("5xx from what is in front of Harbor: keeps the state, warns", async function () {
        const proxy = await frontProxy(box.url);
        try {
          proxy.state.mode = "503";
          const { result, lines } = await refreshVia(proxy.url);
          assert.equal(result.id, projectId);
          assert.deepEqual(result.props, { ...state, apiUrl: proxy.url });
          assert.match(
            lines[0],
            /^warning: project refresh-cases: .* with HTTP 503: .*Harbor is failing \(HTTP 5xx\).*; keeping its last known state/,
          );
        } finally {
          await proxy.close();
        }
      });

      it("a 404 that is not Harbor's (an ingress default backend): keeps the state, names harbor:api.url", async function () {
        const proxy = await frontProxy(box.url);
        try {
          proxy.state.mode = "404";
          const { result, lines } = await refreshVia(proxy.url);
          assert.equal(result.id, projectId);
          assert.match(
            lines[0],
            /HTTP 404: default backend - 404.*is not Harbor's own "not found".*harbor:api\.url may point at something other than Harbor's API.*keeping its last known state/,
          );
          // Through the same proxy forwarding, Harbor's own 404 for a deleted object drops it.
          proxy.state.mode = "forward";
          const gone = await capturingStderr(() =>
            projectProvider.read!("999999", { ...state, apiUrl: proxy.url }),
          );
          assert.deepEqual(gone.result, { id: "", props: {} });
        } finally {
          await proxy.close();
        }
      });

      it("TLS served with another CA's certificate: keeps the state, names harbor:api.url", async function () {
        const pki = new Pki();
        const ours = pki.root("stack-ca", "The stack's CA");
        const theirs = pki.root("other-ca", "Another CA");
        const leaf = pki.leaf(theirs, "other-server", { cn: "127.0.0.1", sans: ["IP:127.0.0.1"] });
        const proxy = await frontProxy(box.url, { cert: leaf.cert, key: leaf.key });
        try {
          const { result, lines } = await refreshVia(proxy.url, { apiCaCertificate: ours.cert });
          assert.equal(result.id, projectId);
          assert.match(
            lines[0],
            /TLS verification of https:\/\/127\.0\.0\.1:\d+ failed .*does not serve a certificate signed by the stack's CA.*keeping its last known state/,
          );
        } finally {
          await proxy.close();
          pki.dispose();
        }
      });

      it("the admin password changed in the portal: 401 keeps the state and names harbor:adminPassword; the new one applies to the state only", async function () {
        const changed = "N3w-Adm1n-Passw0rd";
        await portal(target, "PUT", "/users/1/password", {
          old_password: box.adminPassword,
          new_password: changed,
        });
        try {
          const { result, lines } = await refreshVia(box.url);
          assert.equal(result.id, projectId);
          assert.match(
            lines[0],
            /HTTP 401: .*set harbor:adminPassword to the current one.*keeping its last known state/,
          );
          // The stack takes the new password: a state-only update, then reads work again.
          const inputs = {
            ...projectInputs(box.url),
            ...targetConnection(target),
            name: NAME,
            adminPassword: changed,
          };
          assert.deepEqual(await projectProvider.diff!(projectId, state, props(inputs)), {
            changes: true,
            replaces: [],
            deleteBeforeReplace: false,
          });
          const updated = await projectProvider.update!(projectId, state, inputs);
          assert.deepEqual(updated.outs, { ...state, adminPassword: changed });
          const again = await capturingStderr(() =>
            projectProvider.read!(projectId, props(updated.outs)),
          );
          assert.deepEqual(again.lines, []);
          assert.equal(again.result.id, projectId);
        } finally {
          await harborRequestAs(changed, "PUT", "/users/1/password", {
            old_password: changed,
            new_password: box.adminPassword,
          });
        }
      });

      it("Harbor stopped mid-run: refresh keeps the state, a change waits and names the URL, and all works once it is back", async function () {
        await box.stopCore();
        try {
          const { result, lines } = await refreshVia(box.url);
          assert.equal(result.id, projectId);
          assert.match(
            lines[0],
            /^warning: project refresh-cases: cannot reach Harbor's API at http:\/\/127\.0\.0\.1:\d+ \(GET \/api\/v2\.0\/projects\/\d+: ECONNREFUSED/,
          );
          await rejects(
            projectProvider.create({
              ...projectInputs(box.url),
              ...targetConnection(target),
              name: "while-down",
              healthTimeoutSeconds: 2,
            }),
            /did not become healthy within 2 s .*If the machine running Pulumi cannot reach that URL, set harbor:api\.url/,
          );
        } finally {
          await box.startCore();
        }
        const created = await projectProvider.create({
          ...projectInputs(box.url),
          ...targetConnection(target),
          name: "while-down",
          healthTimeoutSeconds: 120,
        });
        await projectProvider.delete!(created.id, props(created.outs));
      });

      async function harborRequestAs(
        password: string,
        method: string,
        path: string,
        body: unknown,
      ) {
        return portal({ ...target, adminPassword: password }, method, path, body);
      }
    });

    describe("auth.mode changes once users exist (issue 19 item 12)", function () {
      it("the guard refuses at preview, with Harbor's reason, a mode Harbor would refuse", async function () {
        await target.addUser("guarded-user");
        const news = { ...targetConnection(target), authMode: "ldap" as const };
        const checked = await authModeGuardProvider.check!({ ...news, authMode: "database" }, news);
        assert.deepEqual(
          checked.failures?.map((f) => f.property),
          ["authMode"],
        );
        assert.match(
          String(checked.failures?.[0].reason),
          /^harbor:auth\.mode ldap cannot be applied: Harbor runs with auth_mode db_auth and has \d+ user\(s\) besides admin, and Harbor refuses a new authentication mode once users exist/,
        );
        // Unchanged mode: no question asked, no refusal.
        assert.deepEqual(await authModeGuardProvider.check!(news, news), { inputs: news });
      });

      it("with Harbor unreachable at preview: refuses a change it cannot verify, passes a first run", async function () {
        const down = {
          ...targetConnection(target),
          apiUrl: "http://127.0.0.1:9",
          authMode: "ldap" as const,
        };
        const refused = await authModeGuardProvider.check!({ ...down, authMode: "database" }, down);
        assert.match(
          String(refused.failures?.[0].reason),
          /could not be asked whether it has users.*harbor:api\.url/,
        );
        assert.deepEqual(await authModeGuardProvider.check!({}, down), { inputs: down });
      });

      it("Harbor's own rule: core refuses to start when CONFIG_OVERWRITE_JSON changes the mode of a Harbor with users", async function () {
        // What the guard prevents: core exits at start (OverwriteConfig -> validateCfg).
        await box.stopCore();
        const env = `${box.runDir}/core.env`;
        const { readFileSync, writeFileSync } = await import("node:fs");
        const original = readFileSync(env, "utf8");
        writeFileSync(
          env,
          `${original}CONFIG_OVERWRITE_JSON={"auth_mode":"ldap_auth","ldap_url":"ldap://127.0.0.1:1"}\n`,
        );
        try {
          await assert.rejects(box.startCore(30), /did not answer/);
          const log = readFileSync(`${box.runDir}/logs/core.log`, "utf8");
          assert.match(
            log,
            /the auth mode cannot be modified as new users have been inserted into database/,
          );
        } finally {
          writeFileSync(env, original);
          await box.startCore();
        }
      });
    });
  },
);
