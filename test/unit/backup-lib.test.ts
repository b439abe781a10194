/**
 * lib/backup.ts and the scripts' small helpers: derived names within Kubernetes' limits, the
 * registry affinity merged into Harbor's own, images, the scripts' syntax and version comparison
 * (run for real with sh). The scripts' full runs are in test/integration.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import {
  BACKUP_TOOLS_IMAGE,
  KUBECTL_IMAGE,
  S3_CLIENT_IMAGE,
  backupNames,
  veleroRegistryPodAnnotations,
  withRegistryAffinity,
} from "../../lib/backup";
import { BACKUP_SCRIPTS_DIR, BACKUP_SCRIPT_FILES } from "../../lib/backup-scripts";
import { fullImageRef } from "../../lib/chart";

describe("lib/backup", function () {
  it("derives names from the release, within 63 characters", function () {
    const names = backupNames("harbor", "harbor");
    assert.equal(names.cronJob, "harbor-backup");
    assert.equal(names.claim, "harbor-backups");
    assert.equal(names.preUpgradeJob("1.19.1"), "harbor-pre-upgrade-1-19-1");
    assert.equal(names.veleroSchedule, "harbor-harbor");
    assert.deepEqual(names.restoreJobs("20250301T030000Z-pre-upgrade-1.19.1"), {
      stop: "harbor-restore-stop-20250301t030000z-pre-upgrade-1-19-1",
      restore: "harbor-restore-20250301t030000z-pre-upgrade-1-19-1",
      start: "harbor-restore-start-20250301t030000z-pre-upgrade-1-19-1",
    });
    const long = backupNames("r".repeat(53), "n".repeat(63));
    for (const name of [
      long.cronJob,
      long.claim,
      long.scriptsConfigMap,
      long.veleroSchedule,
      long.preUpgradeJob("1.19.1"),
      ...Object.values(long.restoreJobs("20250301T030000Z-pre-upgrade-1.19.1")),
    ]) {
      assert.ok(name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name), name);
    }
    // CronJob names leave room for the Job suffix the controller appends (11 characters).
    assert.ok(long.cronJob.length <= 52);
    // Two restores of different backups never share a Job name.
    assert.notEqual(
      long.restoreJobs("20250301T030000Z-scheduled").restore,
      long.restoreJobs("20250302T030000Z-scheduled").restore,
    );
  });

  it("adds the registry pod affinity to Harbor's own affinity without dropping any", function () {
    const own = {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "zone" }],
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }],
      },
    };
    assert.deepEqual(withRegistryAffinity("harbor", own), {
      nodeAffinity: own.nodeAffinity,
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { topologyKey: "zone" },
          {
            labelSelector: {
              matchLabels: { release: "harbor", app: "harbor", component: "registry" },
            },
            topologyKey: "kubernetes.io/hostname",
          },
        ],
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }],
      },
    });
  });

  it("pins every image it runs to a version", function () {
    for (const image of [BACKUP_TOOLS_IMAGE, S3_CLIENT_IMAGE, KUBECTL_IMAGE]) {
      assert.match(image, /:[0-9v][\w.-]*$/, image);
      assert.notEqual(fullImageRef(image).split(":").pop(), "latest");
    }
  });

  it("asks Velero to leave the registry volume out only when told", function () {
    const spec = {
      engine: "velero" as const,
      schedule: "0 3 * * *",
      keep: 7,
      database: true,
      velero: { namespace: "velero" },
      ttl: "168h0m0s",
    };
    assert.deepEqual(veleroRegistryPodAnnotations({ ...spec, registry: true }), {});
    assert.deepEqual(veleroRegistryPodAnnotations({ ...spec, registry: false }), {
      "backup.velero.io/backup-volumes-excludes": "registry-data",
    });
  });
});

describe("scripts/backup (sh)", function () {
  it("parse as POSIX sh", function () {
    for (const file of BACKUP_SCRIPT_FILES) {
      execFileSync("sh", ["-n", path.join(BACKUP_SCRIPTS_DIR, file)]);
    }
  });

  it("compare versions numerically, ignoring a leading v and suffixes", function () {
    const cmp = (a: string, b: string) =>
      execFileSync(
        "sh",
        ["-c", '. "$0"; version_cmp "$1" "$2"', path.join(BACKUP_SCRIPTS_DIR, "common.sh"), a, b],
        { encoding: "utf8" },
      ).trim();
    assert.equal(cmp("v2.15.1", "v2.15.1"), "0");
    assert.equal(cmp("v2.15.1", "v2.9.9"), "1");
    assert.equal(cmp("v2.14.4", "v2.15.0"), "-1");
    assert.equal(cmp("2.15", "2.15.0"), "0");
    assert.equal(cmp("v2.16.0-rc1", "v2.15.1"), "1");
  });
});
