/**
 * Scheduled backups of Harbor and the backup that runs before every upgrade.
 *
 * - engine `job`: a CronJob in Harbor's namespace runs `scripts/backup/backup.sh` (pg_dump of the
 *   internal database, tar of the registry's files, manifest.json) into a claim the program
 *   creates and protects, or into an S3 bucket, and prunes to `keep`.
 * - engine `velero`: a Velero `Schedule` for Harbor's namespace, volumes copied file by file, with
 *   a pre-backup hook that dumps the database inside its own pod.
 *
 * Either way `preUpgrade` is a Job the Helm release must depend on: named after the target chart
 * version, it runs once per upgrade (`ONCE_PER_INTENT_JOB`) and the release waits until it has
 * succeeded; a failed one runs again at the next `pulumi up`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { BackupSpec, JobBackupSpec, VeleroBackupSpec } from "../config/backup";
import {
  BACKUP_DEADLINE_SECONDS,
  ONCE_PER_INTENT_JOB,
  PRE_UPGRADE_DEADLINE_SECONDS,
  VELERO_WAIT_RULES,
  backupImages,
  backupLabels,
  backupNames,
  backupPodSpec,
  veleroBackupSpec,
  veleroScheduleSpec,
  veleroWaitPodSpec,
  type BackupNames,
  type RegistryClaim,
} from "../lib/backup";
import { backupScripts } from "../lib/backup-scripts";
import type { PodPlacement } from "../lib/harbor-values";

export interface BackupArgs {
  /** Harbor's namespace (make the component depend on the namespace resource). */
  namespace: string;
  /** Helm release name; chart object names derive from it. */
  releaseName: string;
  /** `harbor:backup`, typed (`toBackupSpecs`). */
  spec: BackupSpec;
  /** `harbor:chart.version` and the Harbor version it installs. */
  chartVersion: string;
  harborVersion: string;
  /**
   * Versions the stack recorded as deployed before this target, from the VersionGuard; empty on a
   * first install. The pre-upgrade Job prefers the cluster's `deployedVersion` ConfigMap and
   * falls back to these only where that ConfigMap does not exist yet.
   */
  previous: { chartVersion: pulumi.Input<string>; harborVersion: pulumi.Input<string> };
  /** The registry's claim (filesystem storage): archived when `spec.registry`. */
  registryClaim?: RegistryClaim;
  /** Harbor's node selector, tolerations and affinity (`podPlacement`). */
  placement: PodPlacement;
  /** `harbor:imageRegistry`: pull the backup images from this mirror. */
  imageRegistry?: string;
  /** `harbor:protect`: `pulumi destroy` stops at the backup claim. */
  protect: boolean;
}

/** The pre-upgrade backup Job's spec (engine job); `previous` from the VersionGuard. */
function preUpgradeJobSpec(
  args: Omit<BackupArgs, "previous">,
  spec: JobBackupSpec,
  names: BackupNames,
  previous: BackupArgs["previous"],
): k8s.types.input.batch.v1.JobSpec {
  return {
    backoffLimit: 1,
    activeDeadlineSeconds: PRE_UPGRADE_DEADLINE_SECONDS,
    // No ttlSecondsAfterFinished: a vanished Job would be created (and run) again.
    template: {
      metadata: { labels: backupLabels("pre-upgrade-backup") },
      spec: backupPodSpec(
        {
          releaseName: args.releaseName,
          namespace: args.namespace,
          spec,
          kind: "pre-upgrade",
          chartVersion: previous.chartVersion,
          harborVersion: previous.harborVersion,
          upgradeTo: args.chartVersion,
          deployedVersionConfigMap: names.deployedVersion,
          placement: args.placement,
          imageRegistry: args.imageRegistry,
        },
        names,
      ),
    },
  };
}

/** How long Pulumi waits for a pre-upgrade Job: its deadline plus time to be scheduled. */
const PRE_UPGRADE_TIMEOUT = `${PRE_UPGRADE_DEADLINE_SECONDS / 60 + 10}m`;

/** Scheduled backups and the pre-upgrade backup. */
export class Backup extends pulumi.ComponentResource {
  /** The backup CronJob (engine job). */
  public readonly cronJob?: k8s.batch.v1.CronJob;
  /** Velero's Schedule (engine velero). */
  public readonly schedule?: k8s.apiextensions.CustomResource;
  /** The claim that holds the backups (claim target). */
  public readonly claim?: k8s.core.v1.PersistentVolumeClaim;
  /**
   * The Job the Helm release depends on: the pre-upgrade backup must succeed before the release
   * changes. Undefined when there is no database to back up before an upgrade.
   */
  public readonly preUpgrade?: k8s.batch.v1.Job;
  /** Images this component runs, as published (for the stack's `images` output). */
  public readonly images: string[];
  /** Object names, for the Restore component and the docs. */
  public readonly names: BackupNames;

  constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:backup:Backup", name, {}, opts);
    this.names = backupNames(args.releaseName, args.namespace);
    this.images = backupImages(args.spec);
    if (args.spec.engine === "job") {
      const built = this.jobEngine(name, args, args.spec);
      this.cronJob = built.cronJob;
      this.claim = built.claim;
      this.preUpgrade = built.preUpgrade;
    } else {
      const built = this.veleroEngine(name, args, args.spec);
      this.schedule = built.schedule;
      this.preUpgrade = built.preUpgrade;
    }
    this.registerOutputs({
      cronJobName: this.cronJob ? this.names.cronJob : undefined,
      claimName: this.claim ? this.names.claim : undefined,
      images: this.images,
    });
  }

  private jobEngine(name: string, args: BackupArgs, spec: JobBackupSpec) {
    const names = this.names;
    const labels = backupLabels("backup");
    const meta = (objectName: string) => ({
      name: objectName,
      namespace: args.namespace,
      labels,
    });
    const scripts = new k8s.core.v1.ConfigMap(
      `${name}-scripts`,
      { metadata: meta(names.scriptsConfigMap), data: backupScripts() },
      { parent: this },
    );
    const dependsOn: pulumi.Resource[] = [scripts];
    let claim: k8s.core.v1.PersistentVolumeClaim | undefined;
    if (spec.target.type === "pvc") {
      claim = new k8s.core.v1.PersistentVolumeClaim(
        `${name}-claim`,
        {
          metadata: meta(names.claim),
          spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName: spec.target.className,
            resources: { requests: { storage: spec.target.size } },
          },
        },
        // Backups outlive the stack: `pulumi destroy` leaves the claim (and with it the volume).
        { parent: this, protect: args.protect, retainOnDelete: true },
      );
      dependsOn.push(claim);
    } else {
      dependsOn.push(
        new k8s.core.v1.Secret(
          `${name}-s3`,
          {
            metadata: meta(names.s3Secret),
            type: "Opaque",
            stringData: pulumi.secret({
              AWS_ACCESS_KEY_ID: spec.target.credentials.accessKey,
              AWS_SECRET_ACCESS_KEY: spec.target.credentials.secretKey,
            }),
          },
          { parent: this },
        ),
      );
    }

    const cronJob = new k8s.batch.v1.CronJob(
      `${name}-cronjob`,
      {
        metadata: meta(names.cronJob),
        spec: {
          schedule: spec.schedule,
          concurrencyPolicy: "Forbid",
          // A run missed by more than an hour (cluster down) waits for the next schedule.
          startingDeadlineSeconds: 3600,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            metadata: { labels },
            spec: {
              backoffLimit: 1,
              activeDeadlineSeconds: BACKUP_DEADLINE_SECONDS,
              template: {
                metadata: { labels },
                spec: backupPodSpec(
                  {
                    releaseName: args.releaseName,
                    namespace: args.namespace,
                    spec,
                    kind: "scheduled",
                    chartVersion: args.chartVersion,
                    harborVersion: args.harborVersion,
                    registryClaim: args.registryClaim,
                    placement: args.placement,
                    imageRegistry: args.imageRegistry,
                  },
                  names,
                ),
              },
            },
          },
        },
      },
      { parent: this, dependsOn },
    );

    // Only the database changes irreversibly in an upgrade; without an internal one there is
    // nothing this Job could save (the user's own database backups must cover it).
    const preUpgrade = spec.database
      ? new k8s.batch.v1.Job(
          `${name}-pre-upgrade`,
          {
            metadata: {
              ...meta(names.preUpgradeJob(args.chartVersion)),
              labels: backupLabels("pre-upgrade-backup"),
              annotations: { ...ONCE_PER_INTENT_JOB.annotations },
            },
            spec: preUpgradeJobSpec(args, spec, names, args.previous),
          },
          {
            parent: this,
            dependsOn,
            ignoreChanges: [...ONCE_PER_INTENT_JOB.ignoreChanges],
            customTimeouts: { create: PRE_UPGRADE_TIMEOUT, update: PRE_UPGRADE_TIMEOUT },
          },
        )
      : undefined;
    return { cronJob, claim, preUpgrade };
  }

  private veleroEngine(name: string, args: BackupArgs, spec: VeleroBackupSpec) {
    const names = this.names;
    const veleroNamespace = spec.velero.namespace;
    const labels = backupLabels("backup");
    const schedule = new k8s.apiextensions.CustomResource(
      `${name}-schedule`,
      {
        apiVersion: "velero.io/v1",
        kind: "Schedule",
        metadata: { name: names.veleroSchedule, namespace: veleroNamespace, labels },
        spec: veleroScheduleSpec({
          releaseName: args.releaseName,
          namespace: args.namespace,
          spec,
        }),
      },
      { parent: this },
    );

    // Before an upgrade: one Velero Backup of the namespace, and a Job that waits for it.
    const backupName = names.veleroPreUpgradeBackup(args.chartVersion);
    const backup = new k8s.apiextensions.CustomResource(
      `${name}-pre-upgrade-backup`,
      {
        apiVersion: "velero.io/v1",
        kind: "Backup",
        metadata: {
          name: backupName,
          namespace: veleroNamespace,
          labels: backupLabels("pre-upgrade-backup"),
        },
        spec: veleroBackupSpec({ releaseName: args.releaseName, namespace: args.namespace, spec }),
      },
      // Velero expires it (ttl); deleting the object would not delete the backup anyway.
      { parent: this, retainOnDelete: true },
    );
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-velero-wait`,
      { metadata: { name: names.serviceAccount, namespace: args.namespace, labels } },
      { parent: this },
    );
    const role = new k8s.rbac.v1.Role(
      `${name}-velero-wait`,
      {
        metadata: { name: names.serviceAccount, namespace: veleroNamespace, labels },
        rules: VELERO_WAIT_RULES,
      },
      { parent: this },
    );
    const binding = new k8s.rbac.v1.RoleBinding(
      `${name}-velero-wait`,
      {
        metadata: { name: names.serviceAccount, namespace: veleroNamespace, labels },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "Role",
          name: names.serviceAccount,
        },
        subjects: [
          { kind: "ServiceAccount", name: names.serviceAccount, namespace: args.namespace },
        ],
      },
      { parent: this, dependsOn: [role, serviceAccount] },
    );
    const preUpgrade = new k8s.batch.v1.Job(
      `${name}-pre-upgrade`,
      {
        metadata: {
          name: names.preUpgradeJob(args.chartVersion),
          namespace: args.namespace,
          labels: backupLabels("pre-upgrade-backup"),
          annotations: { ...ONCE_PER_INTENT_JOB.annotations },
        },
        spec: {
          backoffLimit: 0,
          activeDeadlineSeconds: PRE_UPGRADE_DEADLINE_SECONDS,
          template: {
            metadata: { labels: backupLabels("pre-upgrade-backup") },
            spec: veleroWaitPodSpec({
              backupName,
              veleroNamespace,
              names,
              placement: args.placement,
              imageRegistry: args.imageRegistry,
            }),
          },
        },
      },
      {
        parent: this,
        dependsOn: [backup, binding],
        ignoreChanges: [...ONCE_PER_INTENT_JOB.ignoreChanges],
        customTimeouts: { create: PRE_UPGRADE_TIMEOUT, update: PRE_UPGRADE_TIMEOUT },
      },
    );
    return { schedule, preUpgrade };
  }
}
