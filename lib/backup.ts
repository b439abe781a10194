/**
 * Pure builders for backups, restores and pre-upgrade backups: object names, pinned images, the
 * pod templates of the backup and restore Jobs, and Velero's Schedule and Backup specs. The
 * components only declare what these return; tests call them directly.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { BackupTarget, JobBackupSpec, VeleroBackupSpec } from "../config/backup";
import type { PodPlacement } from "./harbor-values";
import { SCRIPTS_MOUNT_PATH, VELERO_DATABASE_DUMP_HOOK, scriptCommand } from "./backup-scripts";
import { CHART_NAME, PART_OF_LABEL, chartFullname } from "../config/facts";
import { mirrorImage } from "./chart";
import { fitName } from "./names";

/**
 * PostgreSQL client tools (pg_dump, pg_restore, psql) of the major version Harbor's database runs
 * (harbor-db 2.13-2.15: PostgreSQL 15), with busybox's sh, tar, find and sha256sum.
 */
export const BACKUP_TOOLS_IMAGE = "postgres:15.14-alpine3.22";
/** The S3 client for S3 targets. */
export const S3_CLIENT_IMAGE = "amazon/aws-cli:2.27.9";
/** kubectl (distroless: argv only, no shell) for stopping and starting Harbor around a restore. */
export const KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.34.0";

/** The registry's uid and gid (chart: registry securityContext): archives keep its ownership. */
export const REGISTRY_UID = 10000;

/** Where the pods mount things. */
export const MOUNTS = {
  backups: "/backups",
  registry: "/storage",
  tmp: "/tmp",
} as const;

/** Longest run of a scheduled backup (database dump and registry archive). */
export const BACKUP_DEADLINE_SECONDS = 6 * 60 * 60;
/** Longest run of the pre-upgrade backup (database only, or Velero's backup of the namespace). */
export const PRE_UPGRADE_DEADLINE_SECONDS = 60 * 60;
/** Longest run of a restore step. */
export const RESTORE_DEADLINE_SECONDS = 6 * 60 * 60;
/** How long the restore waits for Harbor's pods and database sessions to end. */
export const STOP_TIMEOUT_SECONDS = 600;

/** Objects of goharbor's chart the backup relies on (templates/database, core, registry, ...). */
export interface ChartObjects {
  /** Service of the internal database (port 5432): `harbor.database`. */
  databaseService: string;
  /** Secret of the internal database, key `POSTGRES_PASSWORD`. */
  databaseSecret: string;
  databasePasswordKey: "POSTGRES_PASSWORD";
  /** Name of the core database (`harbor.database.coreDatabase` for the internal database). */
  coreDatabase: "registry";
  /** Superuser Harbor connects as (`harbor.database.username` for the internal database). */
  databaseUser: "postgres";
  /** Deployments that write to the database or the registry storage, plus the exporter. */
  deployments: { core: string; jobservice: string; registry: string; exporter: string };
  /** Container of the database StatefulSet's pod (Velero's hook runs in it). */
  databaseContainer: "database";
}

/** Names of the chart's objects for a release (see `ChartObjects`). */
export function chartObjects(releaseName: string): ChartObjects {
  const full = chartFullname(releaseName);
  return {
    databaseService: `${full}-database`,
    databaseSecret: `${full}-database`,
    databasePasswordKey: "POSTGRES_PASSWORD",
    coreDatabase: "registry",
    databaseUser: "postgres",
    deployments: {
      core: `${full}-core`,
      jobservice: `${full}-jobservice`,
      registry: `${full}-registry`,
      exporter: `${full}-exporter`,
    },
    databaseContainer: "database",
  };
}

/** Labels the chart puts on a component's pods (`harbor.matchLabels` plus `component`). */
export function chartPodLabels(releaseName: string, component: string): Record<string, string> {
  return { release: releaseName, app: CHART_NAME, component };
}

/** Names of the objects the backup program creates, derived from the release (and version). */
export interface BackupNames {
  cronJob: string;
  scriptsConfigMap: string;
  claim: string;
  s3Secret: string;
  veleroSchedule: string;
  /** ServiceAccount, Role and RoleBinding of the restore and Velero wait Jobs. */
  serviceAccount: string;
  /**
   * ConfigMap holding the chart and Harbor version the last successful `pulumi up` deployed
   * (written after the Helm release succeeded); the pre-upgrade backup reads it when it runs.
   */
  deployedVersion: string;

  /** The pre-upgrade Job for a target chart version (the backup, or the wait for Velero's). */
  preUpgradeJob(chartVersion: string): string;
  /** The pre-upgrade Velero Backup for a target chart version. */
  veleroPreUpgradeBackup(chartVersion: string): string;
  /** The restore's three Jobs for a backup name. */
  restoreJobs(from: string): { stop: string; restore: string; start: string };
}

/** `1.19.1` -> `1-19-1`: a chart version as part of an object name. */
export function versionSlug(version: string): string {
  return version.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

export function backupNames(releaseName: string, namespace: string): BackupNames {
  const full = chartFullname(releaseName);
  // `20250301T030000Z-pre-upgrade-1.19.1` -> `20250301t030000z-pre-upgrade-1-19-1`.
  const backupSlug = (from: string) => from.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
  return {
    cronJob: fitName(`${full}-backup`, 52),
    scriptsConfigMap: fitName(`${full}-backup-scripts`),
    claim: fitName(`${full}-backups`),
    s3Secret: fitName(`${full}-backup-s3`),
    veleroSchedule: fitName(`${namespace}-${full}`),
    serviceAccount: fitName(`${full}-backup-admin`),
    deployedVersion: fitName(`${full}-deployed-version`),
    preUpgradeJob: (v) => fitName(`${full}-pre-upgrade-${versionSlug(v)}`),
    veleroPreUpgradeBackup: (v) => fitName(`${namespace}-${full}-pre-upgrade-${versionSlug(v)}`),
    restoreJobs: (from) => ({
      stop: fitName(`${full}-restore-stop-${backupSlug(from)}`),
      restore: fitName(`${full}-restore-${backupSlug(from)}`),
      start: fitName(`${full}-restore-start-${backupSlug(from)}`),
    }),
  };
}

/** Images a backup configuration runs, as published (list them in the stack's `images`). */
export function backupImages(spec: JobBackupSpec | VeleroBackupSpec): string[] {
  if (spec.engine === "velero") return [KUBECTL_IMAGE];
  return [
    BACKUP_TOOLS_IMAGE,
    ...(spec.target.type === "s3" ? [S3_CLIENT_IMAGE] : []),
    // Stops and starts Harbor around a restore; listed always so air-gapped sites mirror it
    // before they need it.
    KUBECTL_IMAGE,
  ];
}

/** Labels of the program's backup objects and pods (never the chart's, so no selector matches). */
export function backupLabels(component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "harbor-backup",
    "app.kubernetes.io/component": component,
    ...PART_OF_LABEL,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

type EnvVar = k8s.types.input.core.v1.EnvVar;
type Container = k8s.types.input.core.v1.Container;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;
type PodSpec = k8s.types.input.core.v1.PodSpec;

const env = (name: string, value: pulumi.Input<string>): EnvVar => ({ name, value });
/** A variable from a ConfigMap key that may be missing (then the variable is unset). */
const configMapEnv = (name: string, configMap: string, key: string): EnvVar => ({
  name,
  valueFrom: { configMapKeyRef: { name: configMap, key, optional: true } },
});

/**
 * Settings of a Job that must run once per intent (a restore of one backup, the backup before one
 * upgrade): its name carries the intent, and these keep it from running again for anything else.
 *
 * - `ignoreChanges: ["spec"]`: pulumi-kubernetes replaces a Job whose `.spec.template` changes
 *   (provider/pkg/provider/diff.go, `forceNew` for batch/v1 Job), which would run it again on an
 *   unrelated change (placement, image registry, replicas, versions). The engine sets ignored
 *   inputs back to their old values before diffing (pkg/resource/deploy/step_generator.go,
 *   `processIgnoreChanges`), but a replacement, once required, is created from the full new
 *   inputs (the step generator checks `goal.Properties` again), so a new intent (a new name)
 *   runs with today's settings.
 * - `pulumi.com/replaceUnready`: in Diff the provider reads the live Job and, when it has not
 *   completed, asks for its replacement (provider/pkg/provider/provider.go, Diff,
 *   `metadata.ReplaceUnready`). A Job that failed is therefore run again, from the current
 *   settings, by the next `pulumi up` after its cause is fixed; one that completed never is.
 */
export const ONCE_PER_INTENT_JOB = {
  annotations: { "pulumi.com/replaceUnready": "true" } as Record<string, string>,
  ignoreChanges: ["spec"],
} as const;

/** Pod security that passes the `restricted` Pod Security Standard, as the registry's user. */
export const POD_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: REGISTRY_UID,
  runAsGroup: REGISTRY_UID,
  fsGroup: REGISTRY_UID,
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: { type: "RuntimeDefault" },
};

export const CONTAINER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

const TOOLS_RESOURCES = { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } };
const KUBECTL_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } };

/**
 * PG* variables that point psql, pg_dump and pg_restore at Harbor's internal database.
 * `passwordOptional`: the pre-upgrade backup runs before the Helm release, so on a first
 * installation the chart's database Secret does not exist yet; a required `secretKeyRef` to a
 * missing Secret keeps the container from starting (Kubernetes API, `SecretKeySelector.optional`),
 * so that Job would never finish.
 */
export function databaseEnv(chart: ChartObjects, passwordOptional = false): EnvVar[] {
  return [
    env("PGHOST", chart.databaseService),
    env("PGPORT", "5432"),
    env("PGUSER", chart.databaseUser),
    env("PGDATABASE", chart.coreDatabase),
    env("PGSSLMODE", "disable"),
    env("PGCONNECT_TIMEOUT", "30"),
    {
      name: "PGPASSWORD",
      valueFrom: {
        secretKeyRef: {
          name: chart.databaseSecret,
          key: chart.databasePasswordKey,
          ...(passwordOptional ? { optional: true } : {}),
        },
      },
    },
  ];
}

/** BACKUP_S3_* and AWS_* variables for the S3 client; the keys come from the Secret. */
export function s3Env(target: Extract<BackupTarget, { type: "s3" }>, secretName: string): EnvVar[] {
  return [
    env("BACKUP_S3_BUCKET", target.bucket),
    env("BACKUP_S3_PREFIX", target.prefix),
    ...(target.endpoint ? [env("BACKUP_S3_ENDPOINT", target.endpoint)] : []),
    env("AWS_DEFAULT_REGION", target.region),
    {
      name: "AWS_ACCESS_KEY_ID",
      valueFrom: { secretKeyRef: { name: secretName, key: "AWS_ACCESS_KEY_ID" } },
    },
    {
      name: "AWS_SECRET_ACCESS_KEY",
      valueFrom: { secretKeyRef: { name: secretName, key: "AWS_SECRET_ACCESS_KEY" } },
    },
    // aws-cli 2.23+ adds checksums many S3-compatible stores (MinIO, Ceph RGW) reject.
    env("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required"),
    env("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required"),
    env("AWS_EC2_METADATA_DISABLED", "true"),
  ];
}

/**
 * Required pod affinity to the registry's pod, so a pod that mounts the registry's
 * ReadWriteOnce claim lands on the node that already has it attached; merged into Harbor's own
 * affinity (`harbor:scheduling.affinity`).
 */
export function withRegistryAffinity(
  releaseName: string,
  affinity: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const podAffinity = (affinity?.podAffinity ?? {}) as Record<string, unknown>;
  const required = (podAffinity.requiredDuringSchedulingIgnoredDuringExecution ?? []) as unknown[];
  return {
    ...affinity,
    podAffinity: {
      ...podAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: [
        ...required,
        {
          labelSelector: { matchLabels: chartPodLabels(releaseName, "registry") },
          topologyKey: "kubernetes.io/hostname",
        },
      ],
    },
  };
}

/** The registry's claim as the backup and restore pods see it. */
export interface RegistryClaim {
  /** Claim name: `harbor:storage.existingClaims.registry` or the chart's `<fullname>-registry`. */
  name: string;
  /** ReadWriteOnce: pods that mount it are scheduled beside the registry's pod. */
  readWriteOnce: boolean;
}

/** What a backup pod needs besides the backup spec. */
export interface BackupPodArgs {
  releaseName: string;
  namespace: string;
  spec: JobBackupSpec;
  /** `scheduled` for the CronJob, `pre-upgrade` for the Job that runs before an upgrade. */
  kind: "scheduled" | "pre-upgrade";
  /**
   * Versions of the Harbor whose data is backed up. For `pre-upgrade`: what the stack recorded
   * as deployed before this target (empty on a first installation), used only when the cluster
   * holds no `deployedVersion` ConfigMap yet (a stack deployed by an older program version).
   */
  chartVersion: pulumi.Input<string>;
  harborVersion: pulumi.Input<string>;
  /** `pre-upgrade`: the chart version about to be deployed. */
  upgradeTo?: string;
  /**
   * `pre-upgrade`: the ConfigMap (`BackupNames.deployedVersion`) that records what the last
   * successful release deployed. Read when the pod starts (`optional`: absent before the first
   * installation), so the Job backs up what really runs, whatever Pulumi recorded before.
   */
  deployedVersionConfigMap?: string;
  /** The registry's claim, mounted read-only when the registry's files are archived. */
  registryClaim?: RegistryClaim;
  /** Harbor's node selector, tolerations and affinity. */
  placement: PodPlacement;
  /** `harbor:imageRegistry`. */
  imageRegistry?: string;
}

const volume = {
  scripts: (configMap: string): Volume => ({
    name: "scripts",
    configMap: { name: configMap, defaultMode: 0o555 },
  }),
  tmp: (): Volume => ({ name: "tmp", emptyDir: {} }),
  backupsClaim: (claim: string, readOnly = false): Volume => ({
    name: "backups",
    persistentVolumeClaim: { claimName: claim, ...(readOnly ? { readOnly: true } : {}) },
  }),
  backupsStaging: (): Volume => ({ name: "backups", emptyDir: {} }),
  registry: (claim: string, readOnly: boolean): Volume => ({
    name: "registry",
    persistentVolumeClaim: { claimName: claim, ...(readOnly ? { readOnly: true } : {}) },
  }),
};

const mount = {
  scripts: (): VolumeMount => ({ name: "scripts", mountPath: SCRIPTS_MOUNT_PATH, readOnly: true }),
  tmp: (): VolumeMount => ({ name: "tmp", mountPath: MOUNTS.tmp }),
  backups: (readOnly = false): VolumeMount => ({
    name: "backups",
    mountPath: MOUNTS.backups,
    ...(readOnly ? { readOnly: true } : {}),
  }),
  registry: (readOnly: boolean): VolumeMount => ({
    name: "registry",
    mountPath: MOUNTS.registry,
    ...(readOnly ? { readOnly: true } : {}),
  }),
};

/** Node selector and tolerations from Harbor's placement, and the affinity given. */
function placementFields(
  placement: PodPlacement,
  affinity: Record<string, unknown> | undefined,
): Pick<PodSpec, "nodeSelector" | "tolerations" | "affinity"> {
  return {
    ...(placement.nodeSelector ? { nodeSelector: placement.nodeSelector } : {}),
    ...(placement.tolerations ? { tolerations: placement.tolerations } : {}),
    ...(affinity ? { affinity } : {}),
  };
}

/**
 * The pod of a backup run. A claim target: one container writes `/backups/<name>/` on the claim
 * and prunes it. An S3 target: an init container writes the backup to a staging volume, then the
 * S3 client uploads it and prunes the bucket.
 */
export function backupPodSpec(args: BackupPodArgs, names: BackupNames): PodSpec {
  const { spec } = args;
  const chart = chartObjects(args.releaseName);
  // The pre-upgrade backup holds the database only: an upgrade migrates the database and leaves
  // the registry's files alone (and on a first installation the registry's claim does not exist).
  const archiveRegistry =
    spec.registry && args.kind === "scheduled" && args.registryClaim !== undefined;
  const s3 = spec.target.type === "s3" ? spec.target : undefined;
  const tools = mirrorImage(BACKUP_TOOLS_IMAGE, args.imageRegistry);

  const createEnv: EnvVar[] = [
    env("BACKUP_DIR", MOUNTS.backups),
    env("BACKUP_TARGET", spec.target.type),
    env("BACKUP_KIND", args.kind),
    env("BACKUP_KEEP", String(spec.keep)),
    env("HARBOR_VERSION", args.harborVersion),
    env("CHART_VERSION", args.chartVersion),
    ...(args.upgradeTo !== undefined ? [env("UPGRADE_TO", args.upgradeTo)] : []),
    ...(args.deployedVersionConfigMap !== undefined
      ? [
          configMapEnv("DEPLOYED_CHART_VERSION", args.deployedVersionConfigMap, "chartVersion"),
          configMapEnv("DEPLOYED_HARBOR_VERSION", args.deployedVersionConfigMap, "harborVersion"),
        ]
      : []),
    env("BACKUP_DATABASE", String(spec.database)),
    ...(spec.database ? databaseEnv(chart, args.kind === "pre-upgrade") : []),
    ...(archiveRegistry ? [env("BACKUP_REGISTRY_ROOT", MOUNTS.registry)] : []),
    env("HOME", MOUNTS.tmp),
    env("TMPDIR", MOUNTS.tmp),
  ];
  const createContainer: Container = {
    name: "backup",
    image: tools,
    command: scriptCommand("backup.sh", "create"),
    env: createEnv,
    securityContext: CONTAINER_SECURITY_CONTEXT,
    resources: TOOLS_RESOURCES,
    volumeMounts: [
      mount.scripts(),
      mount.tmp(),
      mount.backups(),
      ...(archiveRegistry ? [mount.registry(true)] : []),
    ],
  };
  const volumes: Volume[] = [
    volume.scripts(names.scriptsConfigMap),
    volume.tmp(),
    s3 ? volume.backupsStaging() : volume.backupsClaim(names.claim),
    ...(archiveRegistry ? [volume.registry(args.registryClaim!.name, true)] : []),
  ];
  const affinity =
    archiveRegistry && args.registryClaim!.readWriteOnce
      ? withRegistryAffinity(args.releaseName, args.placement.affinity)
      : args.placement.affinity;
  const pod: PodSpec = {
    restartPolicy: "Never",
    automountServiceAccountToken: false,
    securityContext: POD_SECURITY_CONTEXT,
    ...placementFields(args.placement, affinity),
    volumes,
    containers: [createContainer],
  };
  if (s3) {
    pod.initContainers = [createContainer];
    pod.containers = [
      {
        name: "upload",
        image: mirrorImage(S3_CLIENT_IMAGE, args.imageRegistry),
        command: scriptCommand("backup.sh", "upload"),
        env: [
          env("BACKUP_DIR", MOUNTS.backups),
          env("BACKUP_KEEP", String(spec.keep)),
          ...s3Env(s3, names.s3Secret),
          env("HOME", MOUNTS.tmp),
          env("TMPDIR", MOUNTS.tmp),
        ],
        securityContext: CONTAINER_SECURITY_CONTEXT,
        resources: TOOLS_RESOURCES,
        volumeMounts: [mount.scripts(), mount.tmp(), mount.backups(true)],
      },
    ];
  }
  return pod;
}

/** The deployments a restore stops and starts again, with the replica counts to start them at. */
export interface Writers {
  core: number;
  jobservice: number;
  registry: number;
  /** Present with metrics enabled: the exporter reads the database. */
  exporter?: number;
}

/** What the restore's pods need. */
export interface RestorePodArgs {
  releaseName: string;
  spec: JobBackupSpec;
  from: string;
  /** Harbor version deployed now (the restore refuses backups of newer Harbors). */
  harborVersion: string;
  registryClaim?: RegistryClaim;
  writers: Writers;
  placement: PodPlacement;
  imageRegistry?: string;
}

function writerDeployments(releaseName: string, writers: Writers): [string, number][] {
  const d = chartObjects(releaseName).deployments;
  return [
    [d.core, writers.core],
    [d.jobservice, writers.jobservice],
    [d.registry, writers.registry],
    ...(writers.exporter !== undefined ? [[d.exporter, writers.exporter] as [string, number]] : []),
  ];
}

/** Environment of the restore script's steps. */
function restoreEnv(args: RestorePodArgs, names: BackupNames, withDatabase: boolean): EnvVar[] {
  const chart = chartObjects(args.releaseName);
  const restoreRegistry = args.spec.registry && args.registryClaim !== undefined;
  return [
    env("RESTORE_FROM", args.from),
    env("BACKUP_DIR", MOUNTS.backups),
    env("HARBOR_VERSION", args.harborVersion),
    env("RESTORE_DATABASE", String(args.spec.database)),
    ...(withDatabase && args.spec.database ? databaseEnv(chart) : []),
    ...(restoreRegistry ? [env("REGISTRY_ROOT", MOUNTS.registry)] : []),
    env("RESTORE_WAIT_SECONDS", String(STOP_TIMEOUT_SECONDS)),
    env("HOME", MOUNTS.tmp),
    env("TMPDIR", MOUNTS.tmp),
    ...(args.spec.target.type === "s3" ? s3Env(args.spec.target, names.s3Secret) : []),
  ];
}

function kubectlContainer(name: string, args: string[], imageRegistry?: string): Container {
  return {
    name,
    image: mirrorImage(KUBECTL_IMAGE, imageRegistry),
    command: ["kubectl", ...args],
    env: [env("HOME", MOUNTS.tmp)],
    securityContext: CONTAINER_SECURITY_CONTEXT,
    resources: KUBECTL_RESOURCES,
    volumeMounts: [mount.tmp()],
  };
}

/** A restore step that copies from the bucket with the S3 client (`restore.sh <step>`). */
function s3FetchContainer(
  args: RestorePodArgs,
  names: BackupNames,
  step: "fetch-manifest" | "fetch",
): Container {
  return {
    name: step,
    image: mirrorImage(S3_CLIENT_IMAGE, args.imageRegistry),
    command: scriptCommand("restore.sh", step),
    env: restoreEnv(args, names, false),
    securityContext: CONTAINER_SECURITY_CONTEXT,
    resources: TOOLS_RESOURCES,
    volumeMounts: [mount.scripts(), mount.tmp(), mount.backups()],
  };
}

/**
 * Step 1 of a restore: check the backup (version, schema, checksums on a claim), then suspend the
 * backup CronJob, scale Harbor's writers to zero and wait until their pods are gone.
 */
export function restoreStopPodSpec(args: RestorePodArgs, names: BackupNames): PodSpec {
  const s3 = args.spec.target.type === "s3";
  const toolsEnv = restoreEnv(args, names, true);
  const deployments = writerDeployments(args.releaseName, args.writers);
  const components = [
    "core",
    "jobservice",
    "registry",
    ...(args.writers.exporter ? ["exporter"] : []),
  ];
  const selector = `release=${args.releaseName},app=harbor,component in (${components.join(",")})`;
  const verify: Container = {
    name: "verify",
    image: mirrorImage(BACKUP_TOOLS_IMAGE, args.imageRegistry),
    command: scriptCommand("restore.sh", "verify"),
    // From a bucket only the manifest is here yet; the files are checked after the download.
    env: s3 ? [...toolsEnv, env("RESTORE_VERIFY_FILES", "false")] : toolsEnv,
    securityContext: CONTAINER_SECURITY_CONTEXT,
    resources: TOOLS_RESOURCES,
    volumeMounts: [mount.scripts(), mount.tmp(), mount.backups(!s3)],
  };
  const fetchManifest = s3FetchContainer(args, names, "fetch-manifest");
  return {
    restartPolicy: "Never",
    serviceAccountName: names.serviceAccount,
    automountServiceAccountToken: true,
    securityContext: POD_SECURITY_CONTEXT,
    ...placementFields(args.placement, args.placement.affinity),
    volumes: [
      volume.scripts(names.scriptsConfigMap),
      volume.tmp(),
      s3 ? volume.backupsStaging() : volume.backupsClaim(names.claim, true),
    ],
    initContainers: [
      ...(s3 ? [fetchManifest] : []),
      verify,
      kubectlContainer(
        "suspend-backups",
        ["patch", "cronjob", names.cronJob, "--type=merge", '--patch={"spec":{"suspend":true}}'],
        args.imageRegistry,
      ),
      kubectlContainer(
        "scale-down",
        ["scale", "deployment", ...deployments.map(([d]) => d), "--replicas=0"],
        args.imageRegistry,
      ),
    ],
    containers: [
      kubectlContainer(
        "wait-for-stop",
        [
          "wait",
          "--for=delete",
          "pod",
          `--selector=${selector}`,
          `--timeout=${STOP_TIMEOUT_SECONDS}s`,
        ],
        args.imageRegistry,
      ),
    ],
  };
}

/**
 * Step 2 of a restore, once Harbor's writers are stopped: fetch the backup from the bucket (S3),
 * then `restore.sh run` replaces the database and the registry's files.
 */
export function restorePodSpec(args: RestorePodArgs, names: BackupNames): PodSpec {
  const s3 = args.spec.target.type === "s3";
  const restoreRegistry = args.spec.registry && args.registryClaim !== undefined;
  const run: Container = {
    name: "restore",
    image: mirrorImage(BACKUP_TOOLS_IMAGE, args.imageRegistry),
    command: scriptCommand("restore.sh", "run"),
    env: restoreEnv(args, names, true),
    securityContext: CONTAINER_SECURITY_CONTEXT,
    resources: TOOLS_RESOURCES,
    volumeMounts: [
      mount.scripts(),
      mount.tmp(),
      mount.backups(!s3),
      ...(restoreRegistry ? [mount.registry(false)] : []),
    ],
  };
  const fetch = s3FetchContainer(args, names, "fetch");
  return {
    restartPolicy: "Never",
    automountServiceAccountToken: false,
    securityContext: POD_SECURITY_CONTEXT,
    ...placementFields(args.placement, args.placement.affinity),
    volumes: [
      volume.scripts(names.scriptsConfigMap),
      volume.tmp(),
      s3 ? volume.backupsStaging() : volume.backupsClaim(names.claim, true),
      ...(restoreRegistry ? [volume.registry(args.registryClaim!.name, false)] : []),
    ],
    ...(s3 ? { initContainers: [fetch] } : {}),
    containers: [run],
  };
}

/**
 * Step 3 of a restore: scale Harbor's writers back to their replica counts, resume the backup
 * CronJob and wait until core is available again.
 */
export function restoreStartPodSpec(args: RestorePodArgs, names: BackupNames): PodSpec {
  const deployments = writerDeployments(args.releaseName, args.writers);
  return {
    restartPolicy: "Never",
    serviceAccountName: names.serviceAccount,
    automountServiceAccountToken: true,
    securityContext: POD_SECURITY_CONTEXT,
    ...placementFields(args.placement, args.placement.affinity),
    volumes: [volume.tmp()],
    initContainers: [
      ...deployments.map(([deployment, replicas], i) =>
        kubectlContainer(
          `scale-up-${i}`,
          ["scale", "deployment", deployment, `--replicas=${replicas}`],
          args.imageRegistry,
        ),
      ),
      kubectlContainer(
        "resume-backups",
        ["patch", "cronjob", names.cronJob, "--type=merge", '--patch={"spec":{"suspend":false}}'],
        args.imageRegistry,
      ),
    ],
    containers: [
      kubectlContainer(
        "wait-for-core",
        [
          "rollout",
          "status",
          "deployment",
          chartObjects(args.releaseName).deployments.core,
          `--timeout=${STOP_TIMEOUT_SECONDS}s`,
        ],
        args.imageRegistry,
      ),
    ],
  };
}

/** Rules of the Role the restore's kubectl steps run under (Harbor's namespace only). */
export function restoreRoleRules(
  releaseName: string,
  writers: Writers,
  names: BackupNames,
): k8s.types.input.rbac.v1.PolicyRule[] {
  return [
    { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "watch"] },
    {
      apiGroups: ["apps"],
      resources: ["deployments/scale"],
      resourceNames: writerDeployments(releaseName, writers).map(([d]) => d),
      verbs: ["get", "patch", "update"],
    },
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
    {
      apiGroups: ["batch"],
      resources: ["cronjobs"],
      resourceNames: [names.cronJob],
      verbs: ["get", "patch"],
    },
  ];
}

/** Velero's BackupSpec for Harbor's namespace (the Schedule's template and the pre-upgrade Backup). */
export function veleroBackupSpec(args: {
  releaseName: string;
  namespace: string;
  spec: VeleroBackupSpec;
}): Record<string, unknown> {
  const { spec } = args;
  const chart = chartObjects(args.releaseName);
  return {
    includedNamespaces: [args.namespace],
    // Volumes are copied file by file (kopia), so any StorageClass works without snapshots.
    defaultVolumesToFsBackup: true,
    snapshotVolumes: false,
    ttl: spec.ttl,
    ...(spec.velero.storageLocation ? { storageLocation: spec.velero.storageLocation } : {}),
    ...(spec.database
      ? {
          hooks: {
            resources: [
              {
                name: "harbor-database-dump",
                includedNamespaces: [args.namespace],
                includedResources: ["pods"],
                labelSelector: { matchLabels: chartPodLabels(args.releaseName, "database") },
                pre: [
                  {
                    exec: {
                      container: chart.databaseContainer,
                      command: ["/bin/sh", "-c", VELERO_DATABASE_DUMP_HOOK],
                      onError: "Fail",
                      timeout: "30m",
                    },
                  },
                ],
              },
            ],
          },
        }
      : {}),
  };
}

/** The `spec` of Velero's Schedule. */
export function veleroScheduleSpec(args: {
  releaseName: string;
  namespace: string;
  spec: VeleroBackupSpec;
}): Record<string, unknown> {
  return {
    schedule: args.spec.schedule,
    useOwnerReferencesInBackup: false,
    template: veleroBackupSpec(args),
  };
}

/**
 * Annotations for the registry's pod (chart value `registry.podAnnotations`) when Velero must
 * leave the registry's volume out (`harbor:backup.registry` false).
 */
export function veleroRegistryPodAnnotations(spec: VeleroBackupSpec): Record<string, string> {
  return spec.registry ? {} : { "backup.velero.io/backup-volumes-excludes": "registry-data" };
}

/** Rules of the Role (in Velero's namespace) the pre-upgrade wait Job reads Velero's Backup with. */
export const VELERO_WAIT_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
  { apiGroups: ["velero.io"], resources: ["backups"], verbs: ["get", "list", "watch"] },
];

/** The pod that waits until Velero's pre-upgrade Backup has completed. */
export function veleroWaitPodSpec(args: {
  backupName: string;
  veleroNamespace: string;
  names: BackupNames;
  placement: PodPlacement;
  imageRegistry?: string;
}): PodSpec {
  return {
    restartPolicy: "Never",
    serviceAccountName: args.names.serviceAccount,
    automountServiceAccountToken: true,
    securityContext: POD_SECURITY_CONTEXT,
    ...placementFields(args.placement, args.placement.affinity),
    volumes: [volume.tmp()],
    containers: [
      kubectlContainer(
        "wait-for-backup",
        [
          "wait",
          "--for=jsonpath={.status.phase}=Completed",
          `backups.velero.io/${args.backupName}`,
          `--namespace=${args.veleroNamespace}`,
          `--timeout=${PRE_UPGRADE_DEADLINE_SECONDS}s`,
        ],
        args.imageRegistry,
      ),
    ],
  };
}
