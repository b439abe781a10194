/**
 * Restores a backup of the job engine on request (`harbor:restore: {from: <backup>}`), as three
 * Jobs that Pulumi runs one after the other, each awaited until it has succeeded:
 *
 * 1. stop: check the backup (taken by this Harbor version or an older one, schema not newer than
 *    the database's, checksums), then suspend the backup CronJob, scale core, jobservice, registry
 *    (and the exporter) to zero and wait until their pods are gone;
 * 2. restore: replace the database with the dump in one transaction and the registry's files
 *    with the archive;
 * 3. start: scale them back up, resume the CronJob, wait for core.
 *
 * A failed step stops the chain with Harbor stopped and the cause in the Job's log; docs/backups.md
 * says how to continue: the next `pulumi up` runs the failed step again (`pulumi.com/replaceUnready`).
 * The Jobs are named after the backup and run once per backup (`ONCE_PER_INTENT_JOB`): a later
 * change (chart version, replicas, placement, image registry) never runs a kept restore again; a
 * new `harbor:restore.from` runs one new restore. Remove `harbor:restore` afterwards.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { JobBackupSpec } from "../config/backup";
import {
  ONCE_PER_INTENT_JOB,
  RESTORE_DEADLINE_SECONDS,
  backupLabels,
  backupNames,
  restorePodSpec,
  restoreRoleRules,
  restoreStartPodSpec,
  restoreStopPodSpec,
  type RegistryClaim,
  type RestorePodArgs,
  type Writers,
} from "../lib/backup";
import type { PodPlacement } from "../lib/harbor-values";

export interface RestoreArgs {
  /** Harbor's namespace. */
  namespace: string;
  /** Helm release name. */
  releaseName: string;
  /** The job engine's backup settings (where backups are). */
  spec: JobBackupSpec;
  /** Name of the backup to restore (`harbor:restore.from`). */
  from: string;
  /** Harbor version deployed by this update. */
  harborVersion: string;
  /** The registry's claim, when its files are backed up. */
  registryClaim?: RegistryClaim;
  /** Replica counts to start the writers at again (`harbor:replicas`; exporter with metrics). */
  writers: Writers;
  placement: PodPlacement;
  imageRegistry?: string;
}

/** Pulumi waits this long for each step (its deadline plus scheduling time). */
const STEP_TIMEOUT = `${RESTORE_DEADLINE_SECONDS / 60 + 10}m`;

/** A restore of a backup, run by `pulumi up` after the Helm release. */
export class Restore extends pulumi.ComponentResource {
  /** The last step: Harbor is running again on the restored data once it has completed. */
  public readonly done: k8s.batch.v1.Job;

  constructor(name: string, args: RestoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:backup:Restore", name, {}, opts);
    const names = backupNames(args.releaseName, args.namespace);
    const jobNames = names.restoreJobs(args.from);
    const labels = backupLabels("restore");
    const meta = (objectName: string) => ({
      name: objectName,
      namespace: args.namespace,
      labels,
    });
    const podArgs: RestorePodArgs = {
      releaseName: args.releaseName,
      spec: args.spec,
      from: args.from,
      harborVersion: args.harborVersion,
      registryClaim: args.registryClaim,
      writers: args.writers,
      placement: args.placement,
      imageRegistry: args.imageRegistry,
    };

    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-account`,
      { metadata: meta(names.serviceAccount) },
      { parent: this },
    );
    const role = new k8s.rbac.v1.Role(
      `${name}-role`,
      {
        metadata: meta(names.serviceAccount),
        rules: restoreRoleRules(args.releaseName, args.writers, names),
      },
      { parent: this },
    );
    const binding = new k8s.rbac.v1.RoleBinding(
      `${name}-binding`,
      {
        metadata: meta(names.serviceAccount),
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "Role",
          name: names.serviceAccount,
        },
        subjects: [
          { kind: "ServiceAccount", name: names.serviceAccount, namespace: args.namespace },
        ],
      },
      { parent: this, dependsOn: [serviceAccount, role] },
    );

    const job = (
      role: "stop" | "restore" | "start",
      spec: k8s.types.input.core.v1.PodSpec,
      dependsOn: pulumi.Resource[],
    ) =>
      new k8s.batch.v1.Job(
        `${name}-${role}`,
        {
          metadata: {
            ...meta(jobNames[role]),
            annotations: { ...ONCE_PER_INTENT_JOB.annotations },
          },
          spec: {
            // A failed step is not retried blindly: its log says what to do.
            backoffLimit: 0,
            activeDeadlineSeconds: RESTORE_DEADLINE_SECONDS,
            // No ttlSecondsAfterFinished: a vanished Job would be created (and run) again.
            template: { metadata: { labels }, spec },
          },
        },
        {
          parent: this,
          dependsOn,
          ignoreChanges: [...ONCE_PER_INTENT_JOB.ignoreChanges],
          customTimeouts: { create: STEP_TIMEOUT, update: STEP_TIMEOUT },
        },
      );
    const stop = job("stop", restoreStopPodSpec(podArgs, names), [binding]);
    const restore = job("restore", restorePodSpec(podArgs, names), [stop]);
    this.done = job("start", restoreStartPodSpec(podArgs, names), [restore]);
    this.registerOutputs({ from: args.from, jobs: jobNames });
  }
}
