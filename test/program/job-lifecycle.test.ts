/**
 * The restore and the pre-upgrade backup across successive `pulumi up`s: the program (index.ts)
 * runs under Pulumi's mock runtime in test/support/engine-sim.ts, which carries every resource's
 * inputs and outputs from one run to the next and applies the engine's and pulumi-kubernetes's
 * rules for diffs, ignoreChanges, replacements, init errors, `pulumi.com/replaceUnready`, resource
 * hooks and Helm releases (each cited there). The pre-upgrade backup runs
 * scripts/backup/backup.sh for real against a claim directory.
 *
 * What the rules mean here:
 * - pulumi-kubernetes replaces a Job whose `.spec.template` changes (provider/pkg/provider/diff.go,
 *   `forceNew` for batch/v1 Job), and creating a Job runs it: a restore or backup Job must not
 *   see such a change for anything but a new intent (issue 18, items 2 and 3).
 * - A Job that failed stays in the state with init errors and is only awaited again
 *   (pulumi/pulumi pkg/resource/deploy/step_generator.go); `pulumi.com/replaceUnready` makes the
 *   provider replace it instead (provider/pkg/provider/provider.go, Diff).
 * - The Helm release's `status.version` says what runs (provider/pkg/provider/helm_release.go,
 *   `setReleaseAttributes`), also after `pulumi refresh` (issue 18, item 8).
 *
 * `ENGINE_SIM_TRACE=1` prints each `up`'s steps and Job runs.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { versionGuardProvider } from "../../components/version-guard";
import type { StackConfig } from "../support/harness";
import type { SimCluster } from "../support/engine-sim";
import { EngineSim, traceOf, type UpResult } from "../support/engine-sim";

const JOB = "kubernetes:batch/v1:Job";
const RELEASE = "kubernetes:helm.sh/v3:Release::harbor-release";
const GATE = "pulumi-nodejs:dynamic:Resource::harbor-upgrade-version";
const RECORD_CONFIGMAP = "harbor/harbor-deployed-version";
const CLAIM = "harbor-backups";

const BASE: Record<string, unknown> = {
  hostname: "harbor.example.com",
  externalURL: "https://harbor.example.com",
  expose: { type: "clusterIP" },
  tls: { mode: "disabled" },
  storage: { variant: "existing", className: "standard" },
  chart: { version: "1.18.4" },
  backup: {
    engine: "job",
    schedule: "0 3 * * *",
    keep: 7,
    target: { pvc: { className: "nfs-backup", size: "100Gi" } },
  },
};

/** The stack's configuration with some keys changed (`undefined` removes a key). */
function stack(changes: Record<string, unknown> = {}): StackConfig {
  const config = { ...BASE, ...changes };
  for (const [k, v] of Object.entries(config)) if (v === undefined) delete config[k];
  return { config, stack: "sim" };
}

const withChart = (version: string, more: Record<string, unknown> = {}) =>
  stack({ chart: { version }, ...more });

function newSim(cluster?: SimCluster): EngineSim {
  return new EngineSim(
    { dynamicProviders: { "harbor-upgrade-version": versionGuardProvider } },
    cluster,
  );
}

function trace(r: UpResult): UpResult {
  if (process.env.ENGINE_SIM_TRACE) {
    console.log(
      traceOf(r, (res) => /Job::|Release::|ConfigMap::harbor-upgrade|dynamic:Resource/.test(res)),
    );
  }
  return r;
}

async function up(sim: EngineSim, config: StackConfig, opts?: { target?: string[] }) {
  return trace(await sim.up(config, opts));
}

/** Runs of a Job of Harbor's namespace, by object name: [up, outcome, log]. */
function runsOf(sim: EngineSim, job: string) {
  return sim.runs.filter((r) => r.job === `harbor/${job}`).map((r) => [r.up, r.outcome, r.log]);
}

function opsOf(r: UpResult, resource: string) {
  return r.steps.filter((s) => s.resource === resource).map((s) => s.op);
}

/** The manifest of a backup on the claim. */
function manifestOf(sim: EngineSim, backup: string): Record<string, unknown> {
  const dir = sim.cluster.claimDir("harbor", CLAIM);
  return JSON.parse(readFileSync(path.join(dir, backup, "manifest.json"), "utf8")) as Record<
    string,
    unknown
  >;
}

const RESTORE_JOBS = (slug: string) => [
  `harbor-restore-stop-${slug}`,
  `harbor-restore-${slug}`,
  `harbor-restore-start-${slug}`,
];

describe("Jobs across successive pulumi up runs (engine simulation)", function () {
  this.timeout(120_000);
  let sim: EngineSim;
  afterEach(() => sim.dispose());

  it("a kept harbor:restore.from restores once; later changes never run it again; a new name runs one new restore", async function () {
    sim = newSim();
    const FIRST = "20250301T030000Z-scheduled";
    const SECOND = "20250302T030000Z-scheduled";
    const first = RESTORE_JOBS("20250301t030000z-scheduled");
    const second = RESTORE_JOBS("20250302t030000z-scheduled");

    assert.equal((await up(sim, stack())).ok, true);
    const restore1 = await up(sim, stack({ restore: { from: FIRST } }));
    assert.equal(restore1.ok, true);
    assert.deepEqual(
      restore1.runs.map((r) => r.job),
      first.map((j) => `harbor/${j}`),
    );

    // Unrelated changes with the restore kept: a chart upgrade, then replicas, placement and an
    // image mirror. Each would change the restore pods' template.
    const upgrade = await up(sim, withChart("1.19.1", { restore: { from: FIRST } }));
    assert.equal(upgrade.ok, true);
    assert.deepEqual(
      upgrade.runs.map((r) => r.job),
      ["harbor/harbor-pre-upgrade-1-19-1"],
    );
    const unrelated = await up(
      sim,
      withChart("1.19.1", {
        restore: { from: FIRST },
        replicas: { core: 2 },
        scheduling: { nodeSelector: { "node-role.kubernetes.io/harbor": "" } },
        imageRegistry: "mirror.example.com/hub",
      }),
    );
    assert.equal(unrelated.ok, true);
    assert.deepEqual(unrelated.runs, []);
    for (const job of ["harbor-restore-stop", "harbor-restore-restore", "harbor-restore-start"]) {
      assert.deepEqual(opsOf(unrelated, `${JOB}::${job}`), ["same"], job);
    }

    // A new backup name: one new restore, the old Jobs replaced.
    const restore2 = await up(
      sim,
      withChart("1.19.1", { restore: { from: SECOND }, replicas: { core: 2 } }),
    );
    assert.equal(restore2.ok, true);
    assert.deepEqual(
      restore2.runs.map((r) => r.job),
      second.map((j) => `harbor/${j}`),
    );

    // Removing the request deletes the Jobs and runs nothing.
    const removed = await up(sim, withChart("1.19.1", { replicas: { core: 2 } }));
    assert.equal(removed.ok, true);
    assert.deepEqual(removed.runs, []);
    assert.deepEqual(opsOf(removed, `${JOB}::harbor-restore-restore`), ["delete"]);

    for (const job of [...first, ...second]) {
      assert.equal(runsOf(sim, job).length, 1, `${job} ran ${runsOf(sim, job).length} times`);
    }
  });

  it("a failed restore step runs again at the next up, the completed ones do not", async function () {
    sim = newSim();
    const FROM = "20250301T030000Z-scheduled";
    const [stop, restore, start] = RESTORE_JOBS("20250301t030000z-scheduled");
    assert.equal((await up(sim, stack())).ok, true);
    sim.cluster.jobFault = (job) =>
      job === `harbor/${restore}` ? "pg_restore: error: could not connect" : undefined;
    const failed = await up(sim, stack({ restore: { from: FROM } }));
    assert.equal(failed.ok, false);
    assert.deepEqual(
      failed.runs.map((r) => [r.job, r.outcome]),
      [
        [`harbor/${stop}`, "succeeded"],
        [`harbor/${restore}`, "failed"],
      ],
    );
    sim.cluster.jobFault = undefined;
    const again = await up(sim, stack({ restore: { from: FROM } }));
    assert.equal(again.ok, true);
    assert.deepEqual(
      again.runs.map((r) => [r.job, r.outcome]),
      [
        [`harbor/${restore}`, "succeeded"],
        [`harbor/${start}`, "succeeded"],
      ],
    );
    assert.equal(runsOf(sim, stop).length, 1);
  });

  it("the first installation's pre-upgrade Job starts before the chart's database Secret exists", async function () {
    sim = newSim();
    const install = await up(sim, stack());
    assert.deepEqual(install.failed, []);
    assert.deepEqual(runsOf(sim, "harbor-pre-upgrade-1-18-4"), [
      [1, "succeeded", "first installation of chart 1.18.4: no Harbor data to back up yet"],
    ]);
    assert.deepEqual(sim.cluster.configMaps.get(RECORD_CONFIGMAP), {
      chartVersion: "1.18.4",
      harborVersion: "v2.14.4",
      releaseName: "harbor",
    });
  });

  it("a failed pre-upgrade backup runs again once the cause is fixed, and backs up the version that runs", async function () {
    sim = newSim();
    assert.equal((await up(sim, stack())).ok, true);

    sim.cluster.backupFault = "could not write to file: No space left on device";
    const failed = await up(sim, withChart("1.19.1"));
    assert.equal(failed.ok, false);
    assert.deepEqual(opsOf(failed, RELEASE), ["skipped"], "the release waits for its backup");
    assert.equal(sim.cluster.releases.get("harbor/harbor")?.version, "1.18.4");

    // `pulumi refresh` reads the Job back as failed; it stays failed at every run until fixed.
    sim.refresh();
    const stillBroken = await up(sim, withChart("1.19.1"));
    assert.equal(stillBroken.ok, false);

    // The cause is fixed outside the program; the same configuration runs the backup again.
    sim.cluster.backupFault = undefined;
    const fixed = await up(sim, withChart("1.19.1"));
    assert.deepEqual(fixed.failed, []);
    assert.deepEqual(opsOf(fixed, `${JOB}::harbor-backup-pre-upgrade`), ["replace"]);
    const runs = runsOf(sim, "harbor-pre-upgrade-1-19-1");
    assert.deepEqual(
      runs.map(([up, outcome]) => [up, outcome]),
      [
        [2, "failed"],
        [3, "failed"],
        [4, "succeeded"],
      ],
    );
    const backups = sim.cluster.backupsOn("harbor", CLAIM);
    assert.equal(backups.length, 1);
    assert.match(backups[0], /^\d{8}T\d{6}Z-pre-upgrade-1\.19\.1$/);
    const manifest = manifestOf(sim, backups[0]);
    assert.deepEqual(
      [manifest.chartVersion, manifest.harborVersion, manifest.upgradeTo, manifest.database],
      ["1.18.4", "v2.14.4", "1.19.1", "dumped"],
    );
    assert.equal(sim.cluster.releases.get("harbor/harbor")?.version, "1.19.1");

    // Later unrelated changes never run it again.
    const later = await up(sim, withChart("1.19.1", { imageRegistry: "mirror.example.com/hub" }));
    assert.equal(later.ok, true);
    assert.deepEqual(later.runs, []);
  });

  it("a fix that changes the pre-upgrade Job still backs up the old version before upgrading", async function () {
    sim = newSim();
    assert.equal((await up(sim, stack())).ok, true);
    sim.cluster.backupFault = "could not write to file: No space left on device";
    assert.equal((await up(sim, withChart("1.19.1"))).ok, false);

    // The fix: another node for Harbor's pods and jobs, through the image mirror.
    sim.cluster.backupFault = undefined;
    const fixed = await up(
      sim,
      withChart("1.19.1", {
        scheduling: { nodeSelector: { "node-role.kubernetes.io/harbor": "" } },
        imageRegistry: "mirror.example.com/hub",
      }),
    );
    assert.deepEqual(fixed.failed, []);
    const [, outcome, log] = runsOf(sim, "harbor-pre-upgrade-1-19-1").at(-1)!;
    assert.equal(outcome, "succeeded");
    assert.match(String(log), /backup \d{8}T\d{6}Z-pre-upgrade-1\.19\.1 complete$/);
    const [backup] = sim.cluster.backupsOn("harbor", CLAIM);
    assert.equal(manifestOf(sim, backup).chartVersion, "1.18.4");
  });

  it("after a failed backup another target still backs up the version that runs, not the one tried", async function () {
    sim = newSim();
    assert.equal((await up(sim, stack())).ok, true);
    sim.cluster.backupFault = "could not write to file: No space left on device";
    assert.equal((await up(sim, withChart("1.19.1"))).ok, false);
    sim.cluster.backupFault = undefined;
    const other = await up(sim, withChart("1.19.0"));
    assert.deepEqual(other.failed, []);
    const [backup] = sim.cluster.backupsOn("harbor", CLAIM);
    assert.match(backup, /-pre-upgrade-1\.19\.0$/);
    assert.deepEqual(
      [manifestOf(sim, backup).chartVersion, manifestOf(sim, backup).harborVersion],
      ["1.18.4", "v2.14.4"],
    );
  });

  it("records the deployed version only after the release succeeded", async function () {
    sim = newSim();
    assert.equal((await up(sim, stack())).ok, true);
    sim.cluster.releaseFault = "timed out waiting for the condition";
    const failed = await up(sim, withChart("1.19.1"));
    assert.equal(failed.ok, false);
    assert.deepEqual(
      runsOf(sim, "harbor-pre-upgrade-1-19-1").map(([, o]) => o),
      ["succeeded"],
    );
    assert.equal(sim.cluster.configMaps.get(RECORD_CONFIGMAP)?.chartVersion, "1.18.4");
    // The release reports the revision it tried: the database may have migrated, no way back.
    const back = await up(sim, stack());
    assert.match(
      back.refused.join("\n"),
      /harbor:chart.version 1.18.4 is lower than the chart version the Helm release harbor runs \(1.19.1/,
    );

    const retried = await up(sim, withChart("1.19.1"));
    assert.equal(retried.ok, true);
    assert.equal(
      runsOf(sim, "harbor-pre-upgrade-1-19-1").length,
      1,
      "the backup is not taken twice",
    );
    assert.equal(sim.cluster.configMaps.get(RECORD_CONFIGMAP)?.chartVersion, "1.19.1");
  });

  describe("the deployed version comes from what runs (item 8)", function () {
    it("refuses a changed releaseName or namespace at preview, unless harbor:relocateFrom names the old place", async function () {
      sim = newSim();
      assert.equal((await up(sim, stack())).ok, true);
      const renamed = await up(sim, stack({ releaseName: "registry" }));
      assert.equal(renamed.ok, false);
      assert.deepEqual(renamed.steps, [], "nothing changed");
      assert.equal(renamed.refused.length, 1);
      assert.match(
        renamed.refused[0],
        /^pulumi-nodejs:dynamic:Resource::harbor-upgrade-version: releaseName: harbor:releaseName changed \(harbor\/harbor -> harbor\/registry, namespace\/release\): Pulumi would install a new, empty Harbor/,
      );
      const moved = await up(sim, stack({ namespace: "registry" }));
      assert.match(
        moved.refused[0],
        /namespace: harbor:namespace changed \(harbor\/harbor -> registry\/harbor/,
      );

      const intended = await up(
        sim,
        stack({ releaseName: "registry", relocateFrom: "harbor/harbor" }),
      );
      assert.deepEqual(intended.refused, []);
      assert.deepEqual(opsOf(intended, RELEASE), ["replace", "delete"]);
      assert.deepEqual([...sim.cluster.releases.keys()], ["harbor/registry"]);
    });

    it("refuses a downgrade below what the release reports after a refresh of an older checkpoint", async function () {
      sim = newSim();
      assert.equal((await up(sim, stack())).ok, true);
      const olderCheckpoint = new Map(
        [...sim.state].map(([k, r]) => [k, JSON.parse(JSON.stringify(r)) as typeof r]),
      );
      assert.equal((await up(sim, withChart("1.19.1"))).ok, true);
      // `pulumi stack import` of the older checkpoint, then `pulumi refresh`.
      sim.state.clear();
      for (const [k, r] of olderCheckpoint) sim.state.set(k, r);
      sim.refresh();
      const downgrade = await up(sim, stack());
      assert.equal(downgrade.ok, false);
      assert.match(
        downgrade.refused.join("\n"),
        /harbor:chart.version 1.18.4 is lower than the chart version the Helm release harbor runs \(1.19.1, as the release reports it\)/,
      );
      assert.equal(sim.cluster.releases.get("harbor/harbor")?.version, "1.19.1");
    });

    it("refuses a downgrade of the release alone (--target) without the gate", async function () {
      sim = newSim();
      assert.equal((await up(sim, withChart("1.19.1"))).ok, true);
      const targeted = await up(sim, stack(), { target: [RELEASE] });
      assert.equal(targeted.ok, false);
      assert.match(targeted.refused.join("\n"), /harbor:chart.version 1.18.4 is lower than/);
      assert.equal(sim.cluster.releases.get("harbor/harbor")?.version, "1.19.1");
      assert.equal(sim.state.get(GATE)?.outputs.chartVersion, "1.19.1");
    });

    it("a new stack over an existing Harbor backs up (or refuses) against what runs", async function () {
      sim = newSim();
      assert.equal((await up(sim, withChart("1.19.1"))).ok, true);
      const other = newSim(sim.cluster);
      const downgrade = await up(other, stack());
      assert.equal(downgrade.ok, false);
      assert.deepEqual(
        other.runs.map((r) => [r.job, r.outcome]),
        [["harbor/harbor-pre-upgrade-1-18-4", "failed"]],
      );
      assert.match(
        other.runs[0].log,
        /harbor:chart.version 1.18.4 is lower than the deployed chart 1.19.1/,
      );
      assert.equal(sim.cluster.releases.get("harbor/harbor")?.version, "1.19.1");
    });
  });
});
