/**
 * The registry-content providers against an in-memory Harbor (test/support/fixtures/fake-harbor.ts) on
 * loopback: the requests each operation makes, what it does with Harbor's answers, the errors an
 * operator sees, and the diffs a preview shows.
 */
import * as assert from "node:assert/strict";
import { createServer } from "node:net";
import { quotaBytes } from "../../config/facts";
import { diffInputs, PROJECT_RULES } from "../../lib/harbor-api/model";
import {
  gcScheduleProvider,
  immutableRuleProvider,
  projectMemberProvider,
  projectProvider,
  registryEndpointProvider,
  replicationProvider,
  retentionProvider,
  robotProvider,
  scanAllScheduleProvider,
  systemSettingsProvider,
} from "../../lib/harbor-api/providers";
import { authModeGuardProvider } from "../../lib/harbor-api/providers/auth-mode";
import { FakeHarbor } from "../support/fixtures/fake-harbor";
import {
  ADMIN_PASSWORD,
  LDAP_DN,
  gcInputs,
  immutableInputs,
  memberInputs,
  projectInputs,
  registryInputs,
  rejects,
  replicationInputs,
  retentionInputs,
  robotInputs,
  runScenario,
  scanAllInputs,
  systemInputs,
} from "../support/fixtures/harbor-scenario";

type Props = Record<string, unknown>;
const props = (v: unknown) => v as Props;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Runs `fn` with console.error captured. */
async function capturingStderr<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    return { result: await fn(), lines };
  } finally {
    console.error = original;
  }
}

/** The provider's diff of a project whose quota goes from 50Gi to 100Gi. */
async function quotaDiff() {
  const olds = props({ ...projectInputs("https://harbor.example.com"), projectId: 7 });
  const news = props(projectInputs("https://harbor.example.com", { quota: "100Gi" }));
  return projectProvider.diff!("7", olds, news);
}

describe("registry-content providers against a fake Harbor", function () {
  let fake: FakeHarbor;
  let url: string;

  beforeEach(async function () {
    fake = new FakeHarbor({
      adminPassword: ADMIN_PASSWORD,
      users: ["alice", "bob"],
      ldapGroups: { [LDAP_DN]: "developers" },
    });
    url = await fake.start();
  });
  afterEach(async function () {
    await fake.stop();
  });

  it("runs every operation of every provider with Harbor's outcomes", async function () {
    await runScenario(url, fake);
    assert.equal(fake.projects.size, 0);
    assert.equal(fake.robots.size, 0);
    assert.equal(fake.registries.size, 0);
    assert.equal(fake.retentions.size, 0);
    assert.equal(fake.gcSchedule, undefined);
  });

  it("waits for Harbor's health, then creates a project with its metadata and quota", async function () {
    const created = await projectProvider.create(projectInputs(url));
    assert.deepEqual(
      fake.log.map((r) => `${r.method} ${r.path} ${r.status}`),
      ["GET /health 200", "POST /projects 201"],
    );
    assert.equal(fake.log[0].headers.authorization, undefined);
    assert.deepEqual(fake.requests("POST", "/projects")[0].body, {
      project_name: "apps",
      metadata: { public: "false", auto_scan: "true", prevent_vul: "true", severity: "high" },
      storage_limit: 50 * 2 ** 30,
    });
    assert.equal(created.id, String(fake.project("apps")!.project_id));
    assert.equal(props(created.outs).projectId, Number(created.id));
  });

  it("changes a quota through /quotas and metadata through PUT /projects", async function () {
    const created = await projectProvider.create(projectInputs(url));
    fake.log.length = 0;
    await projectProvider.update!(
      created.id,
      props(created.outs),
      projectInputs(url, { quota: "100Gi" }),
    );
    const quota = [...fake.quotas.values()].find((q) => q.projectId === Number(created.id))!;
    assert.deepEqual(
      fake.log.map((r) => `${r.method} ${r.path}`),
      ["GET /health", "GET /quotas", `PUT /quotas/${quota.id}`],
    );
    assert.deepEqual(fake.requests("GET", "/quotas")[0].query, {
      reference: "project",
      reference_id: created.id,
      page: "1",
      page_size: "100",
    });
    assert.deepEqual(fake.requests("PUT")[0].body, { hard: { storage: 100 * 2 ** 30 } });
    assert.equal(quota.storage, quotaBytes("100Gi"));

    fake.log.length = 0;
    await projectProvider.update!(
      created.id,
      props(created.outs),
      projectInputs(url, { public: true, preventVulnerable: "off" }),
    );
    assert.deepEqual(fake.requests("PUT", `/projects/${created.id}`)[0].body, {
      metadata: { public: "true", auto_scan: "true", prevent_vul: "false" },
    });
    assert.equal(fake.project("apps")!.metadata.public, "true");
  });

  it("detects drift on refresh: a quota and a flag changed in the portal show up in the next diff", async function () {
    const created = await projectProvider.create(projectInputs(url));
    const quota = [...fake.quotas.values()].find((q) => q.projectId === Number(created.id))!;
    quota.storage = 10 * 2 ** 30;
    fake.project("apps")!.metadata.auto_scan = "false";
    const read = await projectProvider.read!(created.id, props(created.outs));
    assert.equal(read.id, created.id);
    assert.equal(props(read.props).quota, "10Gi");
    assert.equal(props(read.props).autoScan, false);
    // The refreshed inputs, so the preview lists the fields changed in Harbor.
    assert.deepEqual(read.inputs, { ...projectInputs(url), quota: "10Gi", autoScan: false });
    const diff = await projectProvider.diff!(
      created.id,
      props(read.props),
      props(projectInputs(url)),
    );
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(
      diffInputs(PROJECT_RULES, props(read.props), props(projectInputs(url))).changed,
      ["quota", "autoScan"],
    );
  });

  it("keeps the last known state and warns when Harbor is unreachable on refresh", async function () {
    const created = await projectProvider.create(projectInputs(url));
    const state = { ...props(created.outs), apiUrl: `http://127.0.0.1:${await closedPort()}` };
    const { result, lines } = await capturingStderr(() => projectProvider.read!(created.id, state));
    assert.deepEqual(result, { id: created.id, props: state });
    assert.equal(lines.length, 1);
    assert.match(
      lines[0],
      /^warning: project apps: cannot reach Harbor's API at http:\/\/127\.0\.0\.1:\d+ \(GET \/api\/v2\.0\/projects\/\d+: ECONNREFUSED: .*\); keeping its last known state, so this run shows the changes of the stack's inputs only and cannot detect changes made in Harbor$/,
    );
  });

  it("keeps the state on a refresh with wrong credentials, and says which setting to fix", async function () {
    const created = await projectProvider.create(projectInputs(url));
    fake.adminPassword = "Chang3dInPortal";
    const { result, lines } = await capturingStderr(() =>
      projectProvider.read!(created.id, props(created.outs)),
    );
    assert.deepEqual(result, { id: created.id, props: props(created.outs) });
    assert.equal(lines.length, 1);
    assert.match(
      lines[0],
      /^warning: project apps: Harbor at http:\/\/127\.0\.0\.1:\d+ answered GET \/api\/v2\.0\/projects\/\d+ with HTTP 401: unauthorized .*\. Harbor refused the admin credentials the stack holds: if the admin password was changed in the portal, set harbor:adminPassword to the current one \(pulumi config set --secret harbor:adminPassword \.\.\.\) and run again; keeping its last known state/,
    );
  });

  it("reads a project deleted in the portal as gone, so the next up creates it again", async function () {
    const created = await projectProvider.create(projectInputs(url));
    fake.projects.clear();
    assert.deepEqual(await projectProvider.read!(created.id, props(created.outs)), {
      id: "",
      props: {},
    });
  });

  it("says how to adopt a project that exists, and refuses one whose proxy cache differs", async function () {
    await projectProvider.create(projectInputs(url));
    await rejects(
      projectProvider.create(projectInputs(url)),
      /^Project "apps" already exists in Harbor \(0 repositories\)\. To manage the existing one from this stack, set harbor:projects\.apps\.import to true: the program then takes it over and sets it as configured\. Otherwise remove it in Harbor or choose another name$/,
    );
    await rejects(
      projectProvider.create(projectInputs(url, { adopt: true, registryId: "99" })),
      /exists in Harbor as a normal project, which harbor:projects\.apps\.proxyCache does not match/,
    );
  });

  it("surfaces Harbor's refusal to delete a project that holds repositories", async function () {
    const created = await projectProvider.create(projectInputs(url));
    fake.addRepositories("apps", 3);
    await rejects(
      projectProvider.delete!(created.id, props(created.outs)),
      /^Harbor refused to delete project "apps" \(HTTP 412: the project contains repositories, can not be deleted\)\. Delete its repositories first \(in the portal, or DELETE \/api\/v2\.0\/projects\/apps\/repositories\/<name>\), then run pulumi up again\. To stop managing it without deleting it, run `pulumi state delete <urn>` for it instead$/,
    );
    assert.ok(fake.project("apps"));
  });

  it("creates a proxy cache project, and its retention takes over Harbor's default policy", async function () {
    const registry = await registryEndpointProvider.create(registryInputs(url));
    assert.deepEqual(fake.requests("POST", "/registries")[0].body, {
      name: "dockerhub",
      type: "docker-hub",
      url: "https://hub.docker.com",
      description: "",
      insecure: false,
      credential: { type: "basic", access_key: "puller", access_secret: "dckr_pat_secret" },
    });
    const project = await projectProvider.create(
      projectInputs(url, { name: "cache", registryId: registry.id, quota: undefined }),
    );
    assert.deepEqual(fake.requests("POST", "/projects")[0].body, {
      project_name: "cache",
      metadata: { public: "false", auto_scan: "true", prevent_vul: "true", severity: "high" },
      registry_id: Number(registry.id),
    });
    const defaultPolicy = fake.project("cache")!.metadata.retention_id!;
    const retention = await retentionProvider.create(
      retentionInputs(url, project.id, { projectName: "cache", takeOverDefault: true }),
    );
    assert.equal(retention.id, defaultPolicy);
    assert.deepEqual(fake.requests("PUT", `/retentions/${defaultPolicy}`)[0].body, {
      id: Number(defaultPolicy),
      algorithm: "or",
      rules: [
        {
          priority: 1,
          disabled: false,
          action: "retain",
          template: "latestPushedK",
          params: { latestPushedK: 10 },
          tag_selectors: [
            {
              kind: "doublestar",
              decoration: "matches",
              pattern: "**",
              extras: '{"untagged":true}',
            },
          ],
          scope_selectors: {
            repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: "**" }],
          },
        },
      ],
      trigger: { kind: "Schedule", settings: { cron: "0 0 0 * * *" }, references: {} },
      scope: { level: "project", ref: Number(project.id) },
    });
  });

  it("reads a registry endpoint without its masked secret, so a secret change comes from inputs only", async function () {
    const created = await registryEndpointProvider.create(registryInputs(url));
    const read = await registryEndpointProvider.read!(created.id, props(created.outs));
    assert.equal(props(read.props).accessSecret, "dckr_pat_secret");
    fake.registries.get(Number(created.id))!.url = "https://mirror.example.com";
    const drifted = await registryEndpointProvider.read!(created.id, props(created.outs));
    assert.equal(props(drifted.props).url, "https://mirror.example.com");
    assert.deepEqual(
      await registryEndpointProvider.diff!(
        created.id,
        props(read.props),
        props(registryInputs(url, { accessSecret: "new" })),
      ),
      { changes: true, replaces: [], deleteBeforeReplace: false },
    );
    assert.deepEqual(
      await registryEndpointProvider.diff!(
        created.id,
        props(read.props),
        props(registryInputs(url, { type: "harbor" })),
      ),
      { changes: true, replaces: ["type"], deleteBeforeReplace: true },
    );
  });

  it("adds users, LDAP groups by DN and OIDC groups as members with Harbor's role IDs", async function () {
    const project = await projectProvider.create(projectInputs(url));
    await projectMemberProvider.create(memberInputs(url, project.id));
    await projectMemberProvider.create(
      memberInputs(url, project.id, { kind: "ldapGroup", name: LDAP_DN, role: "limitedGuest" }),
    );
    await projectMemberProvider.create(
      memberInputs(url, project.id, { kind: "oidcGroup", name: "ops", role: "projectAdmin" }),
    );
    assert.deepEqual(
      fake.requests("POST", `/projects/${project.id}/members`).map((r) => r.body),
      [
        { role_id: 2, member_user: { username: "alice" } },
        { role_id: 5, member_group: { ldap_group_dn: LDAP_DN, group_type: 1 } },
        { role_id: 1, member_group: { group_name: "ops", group_type: 3 } },
      ],
    );
    await rejects(
      projectMemberProvider.create(memberInputs(url, project.id, { name: "mallory" })),
      /answered POST \/api\/v2\.0\/projects\/\d+\/members with HTTP 404: user mallory not found/,
    );
  });

  it("detects a role changed in the portal", async function () {
    const project = await projectProvider.create(projectInputs(url));
    const member = await projectMemberProvider.create(memberInputs(url, project.id));
    fake.members.get(Number(member.id))!.role_id = 3;
    const read = await projectMemberProvider.read!(member.id, props(member.outs));
    assert.equal(props(read.props).role, "guest");
    assert.deepEqual(
      await projectMemberProvider.diff!(
        member.id,
        props(read.props),
        props(memberInputs(url, project.id)),
      ),
      {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      },
    );
  });

  it("creates a system robot whose secret Harbor answers once, and rotates it on demand", async function () {
    const project = await projectProvider.create(projectInputs(url));
    const created = await robotProvider.create(robotInputs(url, project.id));
    assert.deepEqual(fake.requests("POST", "/robots")[0].body, {
      name: "ci",
      description: "",
      level: "system",
      disable: false,
      duration: -1,
      permissions: [
        {
          kind: "project",
          namespace: "apps",
          access: [
            { resource: "repository", action: "pull", effect: "allow" },
            { resource: "repository", action: "push", effect: "allow" },
          ],
        },
      ],
    });
    const createBody = fake.requests("POST", "/robots")[0].body as { permissions: unknown };
    const outs = props(created.outs);
    assert.equal(outs.secret, fake.robot("ci")!.secret);
    assert.equal(outs.expiresAt, -1);

    fake.log.length = 0;
    const rotated = await robotProvider.update!(
      created.id,
      outs,
      robotInputs(url, project.id, { rotation: "2026-02" }),
    );
    assert.deepEqual(
      fake.log.map((r) => `${r.method} ${r.path}`),
      ["GET /health", `GET /robots/${created.id}`, `PATCH /robots/${created.id}`],
    );
    assert.deepEqual(fake.requests("PATCH")[0].body, {});
    assert.equal(props(rotated.outs).secret, fake.robot("ci")!.secret);
    assert.notEqual(props(rotated.outs).secret, outs.secret);

    fake.log.length = 0;
    await robotProvider.update!(
      created.id,
      props(rotated.outs),
      robotInputs(url, project.id, { rotation: "2026-02", expiresDays: 30 }),
    );
    assert.deepEqual(fake.requests("PUT", `/robots/${created.id}`)[0].body, {
      id: Number(created.id),
      name: "robot$ci",
      description: "",
      level: "system",
      disable: false,
      duration: 30,
      permissions: createBody.permissions,
    });
  });

  it("re-enables a robot disabled in the portal", async function () {
    const project = await projectProvider.create(projectInputs(url));
    const created = await robotProvider.create(robotInputs(url, project.id));
    fake.robot("ci")!.disable = true;
    const read = await robotProvider.read!(created.id, props(created.outs));
    assert.equal(props(read.props).disabled, true);
    // The secret Harbor issued stays an output: refreshed inputs never carry it.
    assert.deepEqual(read.inputs, robotInputs(url, project.id));
    assert.deepEqual(
      await robotProvider.diff!(created.id, props(read.props), props(robotInputs(url, project.id))),
      {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      },
    );
    await robotProvider.update!(created.id, props(read.props), robotInputs(url, project.id));
    assert.equal(fake.robot("ci")!.disable, false);
  });

  it("adopting a robot issues a new secret, since Harbor never shows an existing one", async function () {
    const project = await projectProvider.create(projectInputs(url));
    await robotProvider.create(robotInputs(url, project.id));
    const old = fake.robot("ci")!.secret;
    await rejects(
      robotProvider.create(robotInputs(url, project.id)),
      /^Robot account "robot\$ci" already exists in Harbor \(id \d+; taking it over issues a new secret, because Harbor never shows an existing one\)\. To manage the existing one from this stack, set harbor:robots\.ci\.import to true/,
    );
    const adopted = await robotProvider.create(robotInputs(url, project.id, { adopt: true }));
    assert.equal(props(adopted.outs).secret, fake.robot("ci")!.secret);
    assert.notEqual(fake.robot("ci")!.secret, old);
  });

  it("rejects a robot whose Harbor name is not robot$<name>, and removes it again", async function () {
    const project = await projectProvider.create(projectInputs(url));
    await rejects(
      robotProvider.create(robotInputs(url, project.id, { username: "bot-ci" })),
      /Harbor named robot "ci" "robot\$ci", not "bot-ci": its robot name prefix is not the default robot\$/,
    );
    assert.equal(fake.robot("ci"), undefined);
  });

  it("writes immutable tag rules, replication rules and schedules in Harbor's shapes", async function () {
    const project = await projectProvider.create(projectInputs(url));
    const registry = await registryEndpointProvider.create(registryInputs(url));
    await immutableRuleProvider.create(immutableInputs(url, project.id));
    assert.deepEqual(fake.requests("POST", `/projects/${project.id}/immutabletagrules`)[0].body, {
      disabled: false,
      action: "immutable",
      template: "immutable_template",
      tag_selectors: [{ kind: "doublestar", decoration: "matches", pattern: "v*" }],
      scope_selectors: {
        repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: "**" }],
      },
    });
    await replicationProvider.create(replicationInputs(url, registry.id));
    assert.deepEqual(fake.requests("POST", "/replication/policies")[0].body, {
      name: "mirror-nginx",
      description: "",
      src_registry: { id: Number(registry.id) },
      dest_namespace: "apps",
      trigger: { type: "scheduled", trigger_settings: { cron: "0 0 2 * * *" } },
      filters: [
        { type: "name", value: "library/nginx" },
        { type: "tag", value: "1.*", decoration: "matches" },
        { type: "resource", value: "image" },
      ],
      override: true,
      deletion: false,
      replicate_deletion: false,
      enabled: true,
    });
    await gcScheduleProvider.create(gcInputs(url));
    assert.deepEqual(fake.requests("POST", "/system/gc/schedule")[0].body, {
      schedule: { type: "Custom", cron: "0 0 3 * * 6" },
      parameters: { delete_untagged: true, workers: 2, dry_run: false },
    });
    await scanAllScheduleProvider.create(scanAllInputs(url));
    assert.deepEqual(fake.requests("POST", "/system/scanAll/schedule")[0].body, {
      schedule: { type: "Custom", cron: "0 0 4 * * *" },
    });
    await systemSettingsProvider.create(systemInputs(url));
    assert.deepEqual(fake.requests("PUT", "/configurations")[0].body, {
      project_creation_restriction: "adminonly",
      robot_token_duration: 90,
    });
  });

  it("reads replication rules back as configured (no spurious diff after create)", async function () {
    const registry = await registryEndpointProvider.create(registryInputs(url));
    for (const inputs of [
      replicationInputs(url, registry.id),
      replicationInputs(url, registry.id, {
        name: "push",
        direction: "push",
        trigger: "event_based",
        cron: "",
        destinationNamespace: "",
      }),
    ]) {
      const created = await replicationProvider.create(inputs);
      const read = await replicationProvider.read!(created.id, props(created.outs));
      assert.deepEqual(
        await replicationProvider.diff!(created.id, props(read.props), props(inputs)),
        {
          changes: false,
          replaces: [],
          deleteBeforeReplace: false,
        },
      );
    }
  });

  it("has no diff right after each kind's create and read", async function () {
    const project = await projectProvider.create(projectInputs(url));
    const cases: [typeof projectProvider, Props][] = [
      [projectProvider, props(projectInputs(url))],
      [robotProvider, props(robotInputs(url, project.id))],
      [retentionProvider, props(retentionInputs(url, project.id))],
      [immutableRuleProvider, props(immutableInputs(url, project.id))],
      [projectMemberProvider, props(memberInputs(url, project.id))],
      [gcScheduleProvider, props(gcInputs(url))],
      [scanAllScheduleProvider, props(scanAllInputs(url))],
      [systemSettingsProvider, props(systemInputs(url))],
    ];
    for (const [provider, inputs] of cases) {
      const created = provider === projectProvider ? project : await provider.create(inputs);
      const read = await provider.read!(created.id, props(created.outs));
      assert.deepEqual(
        await provider.diff!(created.id, props(read.props), inputs),
        { changes: false, replaces: [], deleteBeforeReplace: false },
        `no diff expected for ${String(inputs.configKey)}`,
      );
    }
  });

  it("applies a new admin password or API URL to the state only, without calling Harbor", async function () {
    const project = await projectProvider.create(projectInputs(url));
    const robot = await robotProvider.create(robotInputs(url, project.id));
    fake.log.length = 0;
    const moved = { adminPassword: "N3wAdminPassw0rd", apiUrl: "https://harbor.internal" };
    const updated = await robotProvider.update!(robot.id, props(robot.outs), {
      ...robotInputs(url, project.id),
      ...moved,
    });
    assert.deepEqual(updated.outs, { ...props(robot.outs), ...moved });
    const projectUpdated = await projectProvider.update!(project.id, props(project.outs), {
      ...projectInputs(url),
      ...moved,
    });
    assert.deepEqual(projectUpdated.outs, { ...props(project.outs), ...moved });
    assert.deepEqual(fake.log, []);
  });

  it("notices a GC schedule removed in the portal and puts it back", async function () {
    const created = await gcScheduleProvider.create(gcInputs(url));
    fake.gcSchedule = undefined;
    const read = await gcScheduleProvider.read!(created.id, props(created.outs));
    assert.equal(props(read.props).present, false);
    assert.equal(
      (await gcScheduleProvider.diff!(created.id, props(read.props), props(gcInputs(url)))).changes,
      true,
    );
    await gcScheduleProvider.update!(created.id, props(read.props), gcInputs(url));
    assert.equal(fake.requests("POST", "/system/gc/schedule").length, 2);
    assert.equal(fake.gcSchedule!.cron, "0 0 3 * * 6");
  });

  it("explains a scan-all schedule without a scanner", async function () {
    fake.scanner = false;
    await rejects(
      scanAllScheduleProvider.create(scanAllInputs(url)),
      /^Harbor has no scanner to scan with \(HTTP 412\), so harbor:scanAll cannot be applied: keep harbor:trivy\.enabled true, or register a scanner in Harbor$/,
    );
  });

  it("restores Harbor's defaults when the system settings are removed from the stack", async function () {
    const created = await systemSettingsProvider.create(systemInputs(url));
    assert.deepEqual(fake.configurations, {
      project_creation_restriction: "adminonly",
      robot_token_duration: 90,
    });
    await systemSettingsProvider.delete!(created.id, props(created.outs));
    assert.deepEqual(fake.configurations, {
      project_creation_restriction: "everyone",
      robot_token_duration: 30,
    });
  });

  it("times out waiting for an unhealthy Harbor, naming the URL and harbor:api.url", async function () {
    fake.health = {
      status: "unhealthy",
      components: [
        { name: "core", status: "healthy" },
        { name: "database", status: "unhealthy", error: "dial tcp: connection refused" },
      ],
    };
    const started = Date.now();
    await rejects(
      projectProvider.create(projectInputs(url, { healthTimeoutSeconds: 1 })),
      new RegExp(
        `^Harbor at ${url.replace(/\./g, "\\.")} did not become healthy within 1 s \\(${url.replace(/\./g, "\\.")}/api/v2\\.0/health: unhealthy: database \\(dial tcp: connection refused\\)\\)\\. If the machine running Pulumi cannot reach that URL, set harbor:api\\.url to one it can reach`,
      ),
    );
    assert.ok(Date.now() - started < 3000);
    assert.equal(fake.requests("POST").length, 0);
  });
});

describe("preview diffs (provider diff, no Harbor needed)", function () {
  it("pins what a preview shows when a project's quota changes: an in-place update of quota", async function () {
    assert.deepEqual(await quotaDiff(), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const olds = props({ ...projectInputs("https://harbor.example.com"), projectId: 7 });
    assert.deepEqual(
      diffInputs(
        PROJECT_RULES,
        olds,
        props(projectInputs("https://harbor.example.com", { quota: "100Gi" })),
      ),
      { changes: true, changed: ["quota"], replaces: [], deleteBeforeReplace: false },
    );
  });

  it("replaces a project whose name or proxy cache changes; the old one goes first when the name stays", async function () {
    const base = props(projectInputs("https://h"));
    assert.deepEqual(
      await projectProvider.diff!("7", base, props(projectInputs("https://h", { name: "apps2" }))),
      {
        changes: true,
        replaces: ["name"],
        deleteBeforeReplace: false,
      },
    );
    assert.deepEqual(
      await projectProvider.diff!(
        "7",
        base,
        props(projectInputs("https://h", { registryId: "3" })),
      ),
      {
        changes: true,
        replaces: ["registryId"],
        deleteBeforeReplace: true,
      },
    );
  });

  it("updates the state only when the admin password or API URL changes", async function () {
    const base = props(projectInputs("https://h"));
    assert.deepEqual(
      diffInputs(PROJECT_RULES, base, {
        ...base,
        adminPassword: "N3wPassword",
        apiUrl: "https://internal",
      }),
      {
        changes: true,
        changed: ["apiUrl", "adminPassword"],
        replaces: [],
        deleteBeforeReplace: false,
      },
    );
    assert.deepEqual(
      await projectProvider.diff!("7", base, { ...base, adopt: true, configKey: "x" }),
      {
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      },
    );
  });

  it("takes a new version of the provider code into the state without touching Harbor's objects", function () {
    const base = { ...props(projectInputs("https://h")), __provider: "exports.handler = v1" };
    assert.deepEqual(
      diffInputs(PROJECT_RULES, base, { ...base, __provider: "exports.handler = v2" }),
      { changes: true, changed: ["__provider"], replaces: [], deleteBeforeReplace: false },
    );
  });

  it("leaves a quota that the stack does not set alone", async function () {
    const olds = props({ ...projectInputs("https://h"), quota: "10Gi" });
    assert.deepEqual(
      await projectProvider.diff!(
        "7",
        olds,
        props(projectInputs("https://h", { quota: undefined })),
      ),
      {
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      },
    );
  });

  it("replaces a member whose project is replaced (its ID unknown in the preview)", async function () {
    const olds = props(memberInputs("https://h", "7"));
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    assert.deepEqual(
      await projectMemberProvider.diff!("9", olds, props(memberInputs("https://h", unknown))),
      {
        changes: true,
        replaces: ["projectId"],
        deleteBeforeReplace: false,
      },
    );
    assert.deepEqual(
      await projectMemberProvider.diff!(
        "9",
        olds,
        props(memberInputs("https://h", "7", { role: "guest" })),
      ),
      {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      },
    );
  });
});

describe("auth-mode guard (no Harbor needed)", function () {
  const base = {
    apiUrl: "http://127.0.0.1:9",
    apiCaCertificate: "",
    adminPassword: ADMIN_PASSWORD,
    healthTimeoutSeconds: 5,
  };

  it("asks nothing when the mode is unchanged", async function () {
    const news = { ...base, authMode: "ldap" as const };
    assert.deepEqual(await authModeGuardProvider.check!(news, news), { inputs: news });
  });

  it("passes a first run it cannot verify (a new installation), refuses a change it cannot verify", async function () {
    const news = { ...base, authMode: "oidc" as const };
    assert.deepEqual(await authModeGuardProvider.check!({}, news), { inputs: news });
    const refused = await authModeGuardProvider.check!({ ...news, authMode: "database" }, news);
    assert.deepEqual(
      refused.failures?.map((f) => f.property),
      ["authMode"],
    );
    assert.match(
      String(refused.failures?.[0].reason),
      /^harbor:auth\.mode changes from database to oidc, and Harbor could not be asked whether it has users \(cannot reach Harbor's API at http:\/\/127\.0\.0\.1:9 .*\)\. Harbor refuses a new authentication mode once users exist, and its core then fails to start\. Run the preview where Harbor's API is reachable \(harbor:api\.url\), or keep harbor:auth\.mode database$/,
    );
  });

  it("records the mode without calling Harbor", async function () {
    const inputs = { ...base, authMode: "ldap" as const };
    assert.deepEqual(await authModeGuardProvider.create(inputs), {
      id: "harbor-auth-mode",
      outs: inputs,
    });
    assert.deepEqual(
      await authModeGuardProvider.diff!("harbor-auth-mode", inputs, {
        ...inputs,
        authMode: "oidc",
      }),
      { changes: true, replaces: [], deleteBeforeReplace: false },
    );
  });
});
