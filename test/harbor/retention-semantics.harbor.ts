/**
 * What a `harbor:projects.<name>.retention` really does, on a real Harbor: artifacts are pushed
 * through Harbor's `/v2`, the policy the program sends for a stack setting is created, and a dry
 * run by jobservice says which artifacts Harbor would keep (`RETAIN`) and delete (`DEL`).
 *
 * Harbor's rules (goharbor/harbor v2.15.1, the same in 2.9.5): every artifact of a repository a
 * rule covers that no rule keeps is deleted (`src/pkg/retention/policy/action/performer.go`
 * `retainAction.Perform`); a tag selector's `untagged` extra decides whether it selects untagged
 * artifacts (`src/lib/selector/selectors/doublestar/selector.go` `tagSelectMatch` and
 * `tagSelectExclude`); a proxy cache project starts with a policy keeping what was pulled in the
 * last 7 days (`src/server/v2.0/handler/project.go`, `policy.WithNDaysSinceLastPull`).
 *
 * Runs against the suite's shared Harbor 2.9.5 box (HARBOR_BOX, test/support/harbor-box.ts), or the
 * Harbor in HARBOR_URL as HARBOR_USERNAME/HARBOR_PASSWORD when those are set, with jobservice and
 * the registry; skipped with a message without either. Every run makes projects of its own.
 */
import * as assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { parseRegistryContent, type RegistryContentContext } from "../../config/registry-content";
import { retentionRules } from "../../lib/registry-content";
import { observeRetention, retentionBody, type RetentionInputs } from "../../lib/harbor-api/model";
import type { RetentionPolicy } from "../../lib/harbor-api/types";
import { harborSkipReason, harborUnderTest } from "../support/harbor-box";
import { harborApi, harborCall, harborCreate, type HarborUser } from "../support/harbor-http";
import { pullImage as pullImageAs, pushImage as pushImageAs } from "../support/registry-v2";

const SKIP = harborSkipReason();
/** The Harbor under test, as admin (set by the suite's first `before`). */
let harbor: HarborUser;
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const call = (method: string, path: string, body?: unknown, accept?: string) =>
  harborCall(harbor, method, path, body, accept);
const api = <T>(method: string, path: string, body?: unknown) =>
  harborApi<T>(harbor, method, path, body);
const create = (path: string, body: unknown) => harborCreate(harbor, path, body);

// --- the registry protocol (/v2), as docker and containerd speak it

/** Pushes a small image of its own content; `tag` undefined pushes it by digest (untagged). */
async function pushImage(repository: string, tag: string | undefined): Promise<string> {
  const digest = await pushImageAs(harbor.url, harbor.username, harbor.password, repository, tag);
  // Push times are in seconds: keep every push in a second of its own.
  await sleep(1100);
  return digest;
}

/** Pulls an image (manifest, then its blobs) as a client does; answers the manifest's digest. */
const pullImage = (repository: string, reference: string) =>
  pullImageAs(harbor.url, harbor.username, harbor.password, repository, reference);

interface Artifact {
  digest: string;
  pull_time?: string;
  push_time?: string;
  tags?: { name: string }[] | null;
}

async function artifacts(project: string, repository: string): Promise<Artifact[]> {
  return api<Artifact[]>(
    "GET",
    `/projects/${project}/repositories/${encodeURIComponent(repository)}/artifacts?page_size=100&with_tag=true`,
  );
}

// --- retention as the program sends it

const CONTEXT: RegistryContentContext = {
  authMode: "database",
  trivyEnabled: true,
  nodeTrust: { enabled: false, runtime: "containerd" },
};

/** The policy body for `projects.<project>.retention` as written in a stack. */
function policyFor(
  project: string,
  projectId: number,
  retention: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  id?: number,
): RetentionPolicy {
  const declared = (extra.projects as Record<string, object> | undefined)?.[project] ?? {};
  const parsed = parseRegistryContent(
    { ...extra, projects: { [project]: { ...declared, retention } } },
    CONTEXT,
  );
  const p = parsed.projects[project];
  const inputs = {
    projectId: String(projectId),
    projectName: project,
    rules: retentionRules(p.retention!, p.proxyCache !== undefined),
    cron: p.retention!.schedule,
    takeOverDefault: p.proxyCache !== undefined,
  } as RetentionInputs;
  return retentionBody(inputs, id);
}

/** Runs the project's policy as a dry run; answers each artifact's fate by digest. */
async function dryRun(policyId: number): Promise<Record<string, string>> {
  const execution = await create(`/retentions/${policyId}/executions`, { dry_run: true });
  // The tasks' status arrives with jobservice's hook; the execution's own status follows it only
  // at Harbor's periodic refresh (up to 30 s later), so the tasks are what is awaited.
  const deadline = Date.now() + 120_000;
  const started = Date.now();
  let tasks: { id: number; status: string }[] = [];
  for (;;) {
    tasks = await api<{ id: number; status: string }[]>(
      "GET",
      `/retentions/${policyId}/executions/${execution}/tasks?page=1&page_size=50`,
    );
    if (tasks.length > 0 && tasks.every((t) => ["Success", "Error", "Stopped"].includes(t.status)))
      break;
    if (Date.now() > deadline) {
      throw new Error(`retention execution ${execution}: tasks ${JSON.stringify(tasks)}`);
    }
    await sleep(300);
  }
  assert.deepEqual(
    tasks.map((t) => t.status),
    tasks.map(() => "Success"),
    `execution ${execution} of policy ${policyId}`,
  );
  if (process.env.DEBUG_RETENTION)
    console.log(`      dry run ${execution}: ${Date.now() - started} ms`);
  const fate: Record<string, string> = {};
  for (const task of tasks) {
    const log = await call(
      "GET",
      `/retentions/${policyId}/executions/${execution}/tasks/${task.id}`,
      undefined,
      "text/plain",
    );
    assert.equal(log.status, 200, `log of task ${task.id}: ${log.text}`);
    // jobservice's table (src/pkg/retention/job.go logResults): | digest | tags | ... | RETAIN/DEL |
    for (const line of log.text.split("\n")) {
      const cells = line.split("|").map((c) => c.trim());
      const digest = cells.find((c) => c.startsWith("sha256:"));
      const result = cells.filter((c) => c !== "").pop();
      if (digest && result) fate[digest] = result;
    }
  }
  return fate;
}

describe("retention on a real Harbor: what a stack's retention keeps and deletes", function () {
  this.timeout(300_000);
  before(async function () {
    if (SKIP) {
      console.log(`      ${SKIP}`);
      this.skip();
    }
    harbor = await harborUnderTest();
  });

  describe("untagged artifacts", function () {
    const project = `retention-${RUN}`;
    const repository = `${project}/app`;
    let projectId = 0;
    let policyId = 0;
    const d: Record<string, string> = {};

    before(async function () {
      if (SKIP) return;
      projectId = await create("/projects", {
        project_name: project,
        metadata: { public: "false" },
      });
      // Oldest first: v1, v2, an untagged artifact, v3.
      d.v1 = await pushImage(repository, "v1");
      d.v2 = await pushImage(repository, "v2");
      d.untagged = await pushImage(repository, undefined);
      d.v3 = await pushImage(repository, "v3");
      const listed = await artifacts(project, "app");
      assert.deepEqual(
        listed.map((a) => [a.digest, (a.tags ?? []).map((t) => t.name).join(",")]).sort(),
        [
          [d.v1, "v1"],
          [d.v2, "v2"],
          [d.untagged, ""],
          [d.v3, "v3"],
        ].sort(),
      );
      policyId = await create("/retentions", policyFor(project, projectId, { keepLatest: 2 }));
    });

    const fates = async (untagged: string) => {
      await api(
        "PUT",
        `/retentions/${policyId}`,
        policyFor(project, projectId, { keepLatest: 2, untagged }, {}, policyId),
      );
      const fate = await dryRun(policyId);
      return { v1: fate[d.v1], v2: fate[d.v2], untagged: fate[d.untagged], v3: fate[d.v3] };
    };

    it("asTagged (the default): untagged artifacts are kept by the same rules and count towards keepLatest", async function () {
      assert.deepEqual(await fates("asTagged"), {
        v1: "DEL",
        v2: "DEL",
        untagged: "RETAIN",
        v3: "RETAIN",
      });
    });

    it("delete: every untagged artifact is deleted, keepLatest counts tagged artifacts only", async function () {
      // What `untagged: false` used to send: the old docs said it spared untagged artifacts.
      assert.deepEqual(await fates("delete"), {
        v1: "DEL",
        v2: "RETAIN",
        untagged: "DEL",
        v3: "RETAIN",
      });
    });

    it("keep: every untagged artifact is kept, keepLatest counts tagged artifacts only", async function () {
      assert.deepEqual(await fates("keep"), {
        v1: "DEL",
        v2: "RETAIN",
        untagged: "RETAIN",
        v3: "RETAIN",
      });
    });

    it("reads the policy back in the shape the program sends it (no drift)", async function () {
      const sent = policyFor(project, projectId, { keepLatest: 2, untagged: "keep" }, {}, policyId);
      await api("PUT", `/retentions/${policyId}`, sent);
      const read = observeRetention(await api<RetentionPolicy>("GET", `/retentions/${policyId}`));
      assert.deepEqual(read.rules, observeRetention(sent).rules);
      assert.deepEqual(read.rules, [
        { template: "latestPushedK", value: 2, tags: "**", repositories: "**", untagged: false },
        {
          template: "always",
          value: 0,
          tags: "**",
          repositories: "**",
          untagged: false,
          excludeTags: true,
        },
      ]);
    });
  });

  describe("pull-based rules, and the default of a proxy cache project", function () {
    const project = `pulled-${RUN}`;
    const repository = `${project}/app`;
    let projectId = 0;
    let policyId = 0;
    const d: Record<string, string> = {};

    before(async function () {
      if (SKIP) return;
      projectId = await create("/projects", {
        project_name: project,
        metadata: { public: "false" },
      });
      d.v1 = await pushImage(repository, "v1");
      d.v2 = await pushImage(repository, "v2");
      // v1 is in daily use: pulled now. Harbor records pull times within ~10 s
      // (src/controller/event/handler/internal/artifact.go, asyncFlushDuration).
      await pullImage(repository, "v1");
      const deadline = Date.now() + 60_000;
      for (;;) {
        const v1 = (await artifacts(project, "app")).find((a) => a.digest === d.v1);
        if (v1?.pull_time && !v1.pull_time.startsWith("0001")) break;
        if (Date.now() > deadline) throw new Error("v1's pull time never reached Harbor");
        await sleep(1000);
      }
      policyId = await create("/retentions", policyFor(project, projectId, { keepLatest: 1 }));
    });

    const run = async (policy: RetentionPolicy) => {
      await api("PUT", `/retentions/${policyId}`, { ...policy, id: policyId });
      const fate = await dryRun(policyId);
      return { v1: fate[d.v1], v2: fate[d.v2] };
    };
    /** The body for the same retention in a stack where the project is a proxy cache. */
    const asCache = (retention: Record<string, unknown>) =>
      policyFor(project, projectId, retention, {
        registries: { upstream: { type: "docker-hub" } },
        projects: { [project]: { proxyCache: "upstream" } },
      });

    it("push-based rules alone delete the image pulled every day once newer ones arrive", async function () {
      assert.deepEqual(await run(policyFor(project, projectId, { keepLatest: 1 })), {
        v1: "DEL",
        v2: "RETAIN",
      });
      assert.deepEqual(await run(asCache({ keepLatest: 1, keepPulledDays: 0 })), {
        v1: "DEL",
        v2: "RETAIN",
      });
    });

    it("keepPulledDays keeps what was pulled in the last N days", async function () {
      assert.deepEqual(
        await run(policyFor(project, projectId, { keepLatest: 1, keepPulledDays: 7 })),
        { v1: "RETAIN", v2: "RETAIN" },
      );
      assert.deepEqual(await run(policyFor(project, projectId, { keepLatestPulled: 1 })), {
        v1: "RETAIN",
        v2: "DEL",
      });
    });

    it("in a proxy cache project, a retention keeps what was pulled in the last 7 days unless told otherwise", async function () {
      const body = asCache({ keepLatest: 1 });
      assert.deepEqual(
        body.rules?.map((r) => [r.template, r.params]),
        [
          ["latestPushedK", { latestPushedK: 1 }],
          ["nDaysSinceLastPull", { nDaysSinceLastPull: 7 }],
        ],
      );
      assert.deepEqual(await run(body), { v1: "RETAIN", v2: "RETAIN" });
    });
  });

  describe("taking over a proxy cache project's own policy", function () {
    const cache = `cache-${RUN}`;
    let cacheId = 0;
    let policyId = 0;

    before(async function () {
      if (SKIP) return;
      const registryId = await create("/registries", {
        name: `upstream-${RUN}`,
        type: "harbor",
        url: harbor.url,
        insecure: false,
        credential: {
          type: "basic",
          access_key: harbor.username,
          access_secret: harbor.password,
        },
      });
      cacheId = await create("/projects", {
        project_name: cache,
        metadata: { public: "false" },
        registry_id: registryId,
      });
      const project = await api<{ metadata?: { retention_id?: string } }>(
        "GET",
        `/projects/${cacheId}`,
      );
      policyId = Number(project.metadata?.retention_id);
    });

    it("Harbor's policy keeps what was pulled in the last 7 days, untagged artifacts too", async function () {
      assert.ok(policyId > 0, "the cache project has a retention policy");
      const read = observeRetention(await api<RetentionPolicy>("GET", `/retentions/${policyId}`));
      assert.deepEqual(read.rules, [
        {
          template: "nDaysSinceLastPull",
          value: 7,
          tags: "**",
          repositories: "**",
          untagged: true,
        },
      ]);
    });

    it("the stack's policy replaces it and keeps its pull-based rule", async function () {
      const sent = policyFor(
        cache,
        cacheId,
        { keepDays: 30 },
        {
          registries: { upstream: { type: "harbor", url: "https://harbor.example.com" } },
          projects: { [cache]: { proxyCache: "upstream" } },
        },
        policyId,
      );
      await api("PUT", `/retentions/${policyId}`, sent);
      const read = observeRetention(await api<RetentionPolicy>("GET", `/retentions/${policyId}`));
      assert.deepEqual(read.rules, [
        {
          template: "nDaysSinceLastPush",
          value: 30,
          tags: "**",
          repositories: "**",
          untagged: true,
        },
        {
          template: "nDaysSinceLastPull",
          value: 7,
          tags: "**",
          repositories: "**",
          untagged: true,
        },
      ]);
    });
  });
});
