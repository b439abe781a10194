/**
 * components/backup.ts under mocks: the CronJob, its claim or S3 Secret, the scripts ConfigMap and
 * the pre-upgrade Job exactly as sent to the engine, for a claim and for a bucket; the Velero
 * Schedule, the pre-upgrade Velero Backup and its wait Job; what the claim's protection is.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Backup, type BackupArgs } from "../../components/backup";
import type { JobBackupSpec, VeleroBackupSpec } from "../../config/backup";
import { VELERO_DATABASE_DUMP_HOOK } from "../../lib/backup-scripts";
import {
  CONTAINER_SECURITY,
  HARBOR_DATABASE_ENV,
  KUBECTL_RESOURCES,
  POD_SECURITY,
  SCRIPTS_MOUNT,
  SCRIPTS_VOLUME,
  TMP_MOUNT,
  TMP_VOLUME,
  TOOLS_RESOURCES,
  TYPES,
  backupLabelsOf,
  build,
} from "../support/backup";
import { isSecretWrapper, registrationOf } from "../support/harness";

const PVC_SPEC: JobBackupSpec = {
  engine: "job",
  schedule: "0 3 * * *",
  keep: 7,
  registry: true,
  database: true,
  target: { type: "pvc", className: "nfs-backups", size: "200Gi" },
};

const S3_SPEC: JobBackupSpec = {
  ...PVC_SPEC,
  target: {
    type: "s3",
    bucket: "harbor-backups",
    endpoint: "https://s3.example.com",
    region: "eu-central-1",
    prefix: "harbor/prod",
    credentials: {
      accessKey: pulumi.secret("AKIAEXAMPLE"),
      secretKey: pulumi.secret("s3cr3t-value"),
    },
  },
};

const VELERO_SPEC: VeleroBackupSpec = {
  engine: "velero",
  schedule: "0 3 * * *",
  keep: 7,
  registry: true,
  database: true,
  velero: { namespace: "velero" },
  ttl: "168h0m0s",
};

const PLACEMENT = {
  nodeSelector: { "kubernetes.io/hostname": "worker1" },
  tolerations: [{ key: "gpu", operator: "Exists" as const, effect: "NoSchedule" as const }],
};

const ARGS: BackupArgs = {
  namespace: "harbor",
  releaseName: "harbor",
  spec: PVC_SPEC,
  chartVersion: "1.19.1",
  harborVersion: "v2.15.1",
  previous: { chartVersion: "1.18.4", harborVersion: "v2.14.4" },
  registryClaim: { name: "harbor-registry", readWriteOnce: true },
  placement: PLACEMENT,
  protect: true,
};

const LABELS = backupLabelsOf("backup");
const PRE_UPGRADE_LABELS = backupLabelsOf("pre-upgrade-backup");

/** Scheduled onto the registry's node: its claim is ReadWriteOnce. */
const REGISTRY_AFFINITY = {
  podAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      {
        labelSelector: { matchLabels: { release: "harbor", app: "harbor", component: "registry" } },
        topologyKey: "kubernetes.io/hostname",
      },
    ],
  },
};

const BACKUPS_CLAIM_VOLUME = {
  name: "backups",
  persistentVolumeClaim: { claimName: "harbor-backups" },
};
const REGISTRY_VOLUME = {
  name: "registry",
  persistentVolumeClaim: { claimName: "harbor-registry", readOnly: true },
};

/**
 * Before an upgrade the chart's database Secret may not exist yet (a first installation): a
 * required `secretKeyRef` to a missing Secret keeps the container from starting (Kubernetes API,
 * `SecretKeySelector.optional`), so the Job would never finish.
 */
const PRE_UPGRADE_DATABASE_ENV = HARBOR_DATABASE_ENV.map((e) =>
  e.name === "PGPASSWORD"
    ? {
        name: "PGPASSWORD",
        valueFrom: {
          secretKeyRef: { name: "harbor-database", key: "POSTGRES_PASSWORD", optional: true },
        },
      }
    : e,
);

/** pulumi-kubernetes replaces an unready Job on the next update (provider.go, Diff). */
const REPLACE_UNREADY = { "pulumi.com/replaceUnready": "true" };

function createEnv(o: {
  target: "pvc" | "s3";
  kind: "scheduled" | "pre-upgrade";
  chart: string;
  harbor: string;
  upgradeTo?: string;
  registry: boolean;
}) {
  return [
    { name: "BACKUP_DIR", value: "/backups" },
    { name: "BACKUP_TARGET", value: o.target },
    { name: "BACKUP_KIND", value: o.kind },
    { name: "BACKUP_KEEP", value: "7" },
    { name: "HARBOR_VERSION", value: o.harbor },
    { name: "CHART_VERSION", value: o.chart },
    ...(o.upgradeTo
      ? [
          { name: "UPGRADE_TO", value: o.upgradeTo },
          {
            name: "DEPLOYED_CHART_VERSION",
            valueFrom: {
              configMapKeyRef: {
                name: "harbor-deployed-version",
                key: "chartVersion",
                optional: true,
              },
            },
          },
          {
            name: "DEPLOYED_HARBOR_VERSION",
            valueFrom: {
              configMapKeyRef: {
                name: "harbor-deployed-version",
                key: "harborVersion",
                optional: true,
              },
            },
          },
        ]
      : []),
    { name: "BACKUP_DATABASE", value: "true" },
    ...(o.kind === "pre-upgrade" ? PRE_UPGRADE_DATABASE_ENV : HARBOR_DATABASE_ENV),
    ...(o.registry ? [{ name: "BACKUP_REGISTRY_ROOT", value: "/storage" }] : []),
    { name: "HOME", value: "/tmp" },
    { name: "TMPDIR", value: "/tmp" },
  ];
}

function backupContainer(env: unknown[], registry: boolean) {
  return {
    name: "backup",
    image: "postgres:15.14-alpine3.22",
    command: ["/bin/sh", "/scripts/backup.sh", "create"],
    env,
    securityContext: CONTAINER_SECURITY,
    resources: TOOLS_RESOURCES,
    volumeMounts: [
      SCRIPTS_MOUNT,
      TMP_MOUNT,
      { name: "backups", mountPath: "/backups" },
      ...(registry ? [{ name: "registry", mountPath: "/storage", readOnly: true }] : []),
    ],
  };
}

const S3_ENV = [
  { name: "BACKUP_S3_BUCKET", value: "harbor-backups" },
  { name: "BACKUP_S3_PREFIX", value: "harbor/prod" },
  { name: "BACKUP_S3_ENDPOINT", value: "https://s3.example.com" },
  { name: "AWS_DEFAULT_REGION", value: "eu-central-1" },
  {
    name: "AWS_ACCESS_KEY_ID",
    valueFrom: { secretKeyRef: { name: "harbor-backup-s3", key: "AWS_ACCESS_KEY_ID" } },
  },
  {
    name: "AWS_SECRET_ACCESS_KEY",
    valueFrom: { secretKeyRef: { name: "harbor-backup-s3", key: "AWS_SECRET_ACCESS_KEY" } },
  },
  { name: "AWS_REQUEST_CHECKSUM_CALCULATION", value: "when_required" },
  { name: "AWS_RESPONSE_CHECKSUM_VALIDATION", value: "when_required" },
  { name: "AWS_EC2_METADATA_DISABLED", value: "true" },
];

const UPLOAD_CONTAINER = {
  name: "upload",
  image: "amazon/aws-cli:2.27.9",
  command: ["/bin/sh", "/scripts/backup.sh", "upload"],
  env: [
    { name: "BACKUP_DIR", value: "/backups" },
    { name: "BACKUP_KEEP", value: "7" },
    ...S3_ENV,
    { name: "HOME", value: "/tmp" },
    { name: "TMPDIR", value: "/tmp" },
  ],
  securityContext: CONTAINER_SECURITY,
  resources: TOOLS_RESOURCES,
  volumeMounts: [
    SCRIPTS_MOUNT,
    TMP_MOUNT,
    { name: "backups", mountPath: "/backups", readOnly: true },
  ],
};

function cronJob(podSpec: Record<string, unknown>) {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "harbor-backup", namespace: "harbor", labels: LABELS },
    spec: {
      schedule: "0 3 * * *",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: LABELS },
        spec: {
          backoffLimit: 1,
          activeDeadlineSeconds: 21600,
          template: { metadata: { labels: LABELS }, spec: podSpec },
        },
      },
    },
  };
}

function preUpgradeJob(podSpec: Record<string, unknown>) {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: "harbor-pre-upgrade-1-19-1",
      namespace: "harbor",
      labels: PRE_UPGRADE_LABELS,
      annotations: REPLACE_UNREADY,
    },
    spec: {
      backoffLimit: 1,
      activeDeadlineSeconds: 3600,
      template: { metadata: { labels: PRE_UPGRADE_LABELS }, spec: podSpec },
    },
  };
}

const SCRIPT_FILES = ["common.sh", "backup.sh", "restore.sh"];
const scriptText = (file: string) =>
  readFileSync(path.resolve(__dirname, "..", "..", "scripts", "backup", file), "utf8");

describe("Backup (engine job)", function () {
  describe("to a claim the program creates", function () {
    let built: Awaited<ReturnType<typeof build<Backup>>>;
    before(async function () {
      built = await build(() => new Backup("harbor-backup", ARGS));
    });

    it("the CronJob: no overlap, bounded run time, kept history, the registry mounted read-only on its node", function () {
      const pod = {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        securityContext: POD_SECURITY,
        ...PLACEMENT,
        affinity: REGISTRY_AFFINITY,
        volumes: [SCRIPTS_VOLUME, TMP_VOLUME, BACKUPS_CLAIM_VOLUME, REGISTRY_VOLUME],
        containers: [
          backupContainer(
            createEnv({
              target: "pvc",
              kind: "scheduled",
              chart: "1.19.1",
              harbor: "v2.15.1",
              registry: true,
            }),
            true,
          ),
        ],
      };
      assert.deepEqual(built.find(TYPES.cronJob, "harbor-backup-cronjob").inputs, cronJob(pod));
    });

    it("the database password comes from the chart's Secret, never from the manifest", function () {
      const cron = built.find(TYPES.cronJob, "harbor-backup-cronjob").inputs as {
        spec: {
          jobTemplate: {
            spec: { template: { spec: { containers: { env: Record<string, unknown>[] }[] } } };
          };
        };
      };
      const env = cron.spec.jobTemplate.spec.template.spec.containers[0].env;
      assert.deepEqual(
        env.filter((e) => e.name === "PGPASSWORD"),
        [
          {
            name: "PGPASSWORD",
            valueFrom: { secretKeyRef: { name: "harbor-database", key: "POSTGRES_PASSWORD" } },
          },
        ],
      );
    });

    it("the pre-upgrade Job: named after the target version, database only, from the deployed version", function () {
      const pod = {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        securityContext: POD_SECURITY,
        ...PLACEMENT,
        volumes: [SCRIPTS_VOLUME, TMP_VOLUME, BACKUPS_CLAIM_VOLUME],
        containers: [
          backupContainer(
            createEnv({
              target: "pvc",
              kind: "pre-upgrade",
              chart: "1.18.4",
              harbor: "v2.14.4",
              upgradeTo: "1.19.1",
              registry: false,
            }),
            false,
          ),
        ],
      };
      assert.deepEqual(
        built.find(TYPES.job, "harbor-backup-pre-upgrade").inputs,
        preUpgradeJob(pod),
      );
      assert.equal(built.component.preUpgrade !== undefined, true);
    });

    it("the pre-upgrade Job runs once per target: its spec never replaces it, an unready one is replaced", function () {
      // pulumi-kubernetes replaces a Job whose `.spec.template` changes (provider/pkg/provider/
      // diff.go, `forceNew` for batch/v1 Job); the engine puts ignored inputs back to their old
      // values before diffing (pulumi/pulumi pkg/resource/deploy/step_generator.go,
      // `processIgnoreChanges`); the annotation makes the provider replace a Job that has not
      // completed (provider/pkg/provider/provider.go, Diff, `metadata.ReplaceUnready`).
      const reg = registrationOf(built.registrations, TYPES.job, "harbor-backup-pre-upgrade");
      assert.deepEqual(reg.ignoreChanges, ["spec"]);
      const job = built.find(TYPES.job, "harbor-backup-pre-upgrade").inputs as {
        metadata: { annotations: unknown };
      };
      assert.deepEqual(job.metadata.annotations, REPLACE_UNREADY);
    });

    it("the claim: the given class and size, protected and kept when the stack is destroyed", function () {
      assert.deepEqual(built.find(TYPES.claim, "harbor-backup-claim").inputs, {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "harbor-backups", namespace: "harbor", labels: LABELS },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: "nfs-backups",
          resources: { requests: { storage: "200Gi" } },
        },
      });
      const reg = registrationOf(built.registrations, TYPES.claim, "harbor-backup-claim");
      assert.equal(reg.protect, true);
      assert.equal(reg.retainOnDelete, true);
    });

    it("the scripts ConfigMap carries scripts/backup/*.sh unchanged", function () {
      assert.deepEqual(built.find(TYPES.configMap, "harbor-backup-scripts").inputs, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "harbor-backup-scripts", namespace: "harbor", labels: LABELS },
        data: Object.fromEntries(SCRIPT_FILES.map((f) => [f, scriptText(f)])),
      });
    });

    it("the CronJob and the pre-upgrade Job wait for the scripts and the claim", function () {
      for (const name of ["harbor-backup-cronjob", "harbor-backup-pre-upgrade"]) {
        const type = name.endsWith("cronjob") ? TYPES.cronJob : TYPES.job;
        assert.deepEqual(built.dependencies(type, name), [
          "harbor-backup-claim",
          "harbor-backup-scripts",
        ]);
      }
    });

    it("lists the images it runs: PostgreSQL tools and kubectl for a restore", function () {
      assert.deepEqual(built.component.images, [
        "postgres:15.14-alpine3.22",
        "registry.k8s.io/kubectl:v1.34.0",
      ]);
    });
  });

  describe("to an S3 bucket", function () {
    let built: Awaited<ReturnType<typeof build<Backup>>>;
    before(async function () {
      built = await build(
        () =>
          new Backup("harbor-backup", {
            ...ARGS,
            spec: S3_SPEC,
            registryClaim: { name: "harbor-registry", readWriteOnce: false },
            placement: {},
            imageRegistry: "mirror.example.com",
          }),
      );
    });

    it("stages the backup in the pod, then the pinned S3 client uploads and prunes", function () {
      const staging = { name: "backups", emptyDir: {} };
      const create = {
        ...backupContainer(
          createEnv({
            target: "s3",
            kind: "scheduled",
            chart: "1.19.1",
            harbor: "v2.15.1",
            registry: true,
          }),
          true,
        ),
        image: "mirror.example.com/library/postgres:15.14-alpine3.22",
      };
      const pod = {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        securityContext: POD_SECURITY,
        // ReadWriteMany: no need to share the registry's node.
        volumes: [SCRIPTS_VOLUME, TMP_VOLUME, staging, REGISTRY_VOLUME],
        initContainers: [create],
        containers: [{ ...UPLOAD_CONTAINER, image: "mirror.example.com/amazon/aws-cli:2.27.9" }],
      };
      assert.deepEqual(built.find(TYPES.cronJob, "harbor-backup-cronjob").inputs, cronJob(pod));
    });

    it("keeps the access keys in a Secret whose data is a Pulumi secret", function () {
      const secret = built.find(TYPES.secret, "harbor-backup-s3");
      assert.deepEqual(secret.inputs, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "harbor-backup-s3", namespace: "harbor", labels: LABELS },
        type: "Opaque",
        stringData: { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "s3cr3t-value" },
      });
      assert.ok(isSecretWrapper(secret.rawInputs.stringData));
      assert.ok(
        !JSON.stringify(built.find(TYPES.cronJob, "harbor-backup-cronjob").inputs).includes(
          "s3cr3t",
        ),
      );
    });

    it("creates no claim and lists the S3 client among its images", function () {
      assert.equal(built.resources.filter((r) => r.type === TYPES.claim).length, 0);
      assert.deepEqual(built.component.images, [
        "postgres:15.14-alpine3.22",
        "amazon/aws-cli:2.27.9",
        "registry.k8s.io/kubectl:v1.34.0",
      ]);
    });
  });

  it("with an external database: registry files only, and no pre-upgrade Job", async function () {
    const built = await build(
      () => new Backup("harbor-backup", { ...ARGS, spec: { ...PVC_SPEC, database: false } }),
    );
    assert.equal(built.component.preUpgrade, undefined);
    assert.equal(built.resources.filter((r) => r.type === TYPES.job).length, 0);
    const cron = built.find(TYPES.cronJob, "harbor-backup-cronjob").inputs as {
      spec: {
        jobTemplate: {
          spec: {
            template: { spec: { containers: { env: { name: string; value?: string }[] }[] } };
          };
        };
      };
    };
    const env = cron.spec.jobTemplate.spec.template.spec.containers[0].env;
    assert.deepEqual(
      env.find((e) => e.name === "BACKUP_DATABASE"),
      { name: "BACKUP_DATABASE", value: "false" },
    );
    assert.equal(
      env.some((e) => e.name.startsWith("PG")),
      false,
    );
  });

  it("without registry archives (object storage): no registry mount, no affinity", async function () {
    const built = await build(
      () =>
        new Backup("harbor-backup", {
          ...ARGS,
          spec: { ...PVC_SPEC, registry: false },
          registryClaim: undefined,
          placement: {},
        }),
    );
    const cron = built.find(TYPES.cronJob, "harbor-backup-cronjob").inputs as {
      spec: { jobTemplate: { spec: { template: { spec: Record<string, unknown> } } } };
    };
    const pod = cron.spec.jobTemplate.spec.template.spec;
    assert.deepEqual(pod.volumes, [SCRIPTS_VOLUME, TMP_VOLUME, BACKUPS_CLAIM_VOLUME]);
    assert.equal(pod.affinity, undefined);
  });
});

describe("Backup (engine velero)", function () {
  let built: Awaited<ReturnType<typeof build<Backup>>>;
  before(async function () {
    built = await build(() => new Backup("harbor-backup", { ...ARGS, spec: VELERO_SPEC }));
  });

  const BACKUP_SPEC = {
    includedNamespaces: ["harbor"],
    defaultVolumesToFsBackup: true,
    snapshotVolumes: false,
    ttl: "168h0m0s",
    hooks: {
      resources: [
        {
          name: "harbor-database-dump",
          includedNamespaces: ["harbor"],
          includedResources: ["pods"],
          labelSelector: {
            matchLabels: { release: "harbor", app: "harbor", component: "database" },
          },
          pre: [
            {
              exec: {
                container: "database",
                command: ["/bin/sh", "-c", VELERO_DATABASE_DUMP_HOOK],
                onError: "Fail",
                timeout: "30m",
              },
            },
          ],
        },
      ],
    },
  };

  it("the Schedule: Harbor's namespace, file-system backup of volumes, a database dump hook", function () {
    assert.deepEqual(built.find(TYPES.schedule, "harbor-backup-schedule").inputs, {
      apiVersion: "velero.io/v1",
      kind: "Schedule",
      metadata: { name: "harbor-harbor", namespace: "velero", labels: LABELS },
      spec: { schedule: "0 3 * * *", useOwnerReferencesInBackup: false, template: BACKUP_SPEC },
    });
  });

  it("before an upgrade: a Velero Backup (kept when replaced) and a Job that waits for it", function () {
    assert.deepEqual(built.find(TYPES.veleroBackup, "harbor-backup-pre-upgrade-backup").inputs, {
      apiVersion: "velero.io/v1",
      kind: "Backup",
      metadata: {
        name: "harbor-harbor-pre-upgrade-1-19-1",
        namespace: "velero",
        labels: PRE_UPGRADE_LABELS,
      },
      spec: BACKUP_SPEC,
    });
    assert.equal(
      registrationOf(built.registrations, TYPES.veleroBackup, "harbor-backup-pre-upgrade-backup")
        .retainOnDelete,
      true,
    );
    assert.deepEqual(built.find(TYPES.job, "harbor-backup-pre-upgrade").inputs, {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: "harbor-pre-upgrade-1-19-1",
        namespace: "harbor",
        labels: PRE_UPGRADE_LABELS,
        annotations: REPLACE_UNREADY,
      },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: 3600,
        template: {
          metadata: { labels: PRE_UPGRADE_LABELS },
          spec: {
            restartPolicy: "Never",
            serviceAccountName: "harbor-backup-admin",
            automountServiceAccountToken: true,
            securityContext: POD_SECURITY,
            ...PLACEMENT,
            volumes: [TMP_VOLUME],
            containers: [
              {
                name: "wait-for-backup",
                image: "registry.k8s.io/kubectl:v1.34.0",
                command: [
                  "kubectl",
                  "wait",
                  "--for=jsonpath={.status.phase}=Completed",
                  "backups.velero.io/harbor-harbor-pre-upgrade-1-19-1",
                  "--namespace=velero",
                  "--timeout=3600s",
                ],
                env: [{ name: "HOME", value: "/tmp" }],
                securityContext: CONTAINER_SECURITY,
                resources: KUBECTL_RESOURCES,
                volumeMounts: [TMP_MOUNT],
              },
            ],
          },
        },
      },
    });
    assert.deepEqual(built.dependencies(TYPES.job, "harbor-backup-pre-upgrade"), [
      "harbor-backup-pre-upgrade-backup",
      "harbor-backup-velero-wait",
    ]);
    assert.deepEqual(
      registrationOf(built.registrations, TYPES.job, "harbor-backup-pre-upgrade").ignoreChanges,
      ["spec"],
    );
  });

  it("the wait Job may only read Velero's Backups, in Velero's namespace", function () {
    assert.deepEqual(built.find(TYPES.role, "harbor-backup-velero-wait").inputs, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "harbor-backup-admin", namespace: "velero", labels: LABELS },
      rules: [
        { apiGroups: ["velero.io"], resources: ["backups"], verbs: ["get", "list", "watch"] },
      ],
    });
    assert.deepEqual(built.find(TYPES.roleBinding, "harbor-backup-velero-wait").inputs, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "harbor-backup-admin", namespace: "velero", labels: LABELS },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "harbor-backup-admin" },
      subjects: [{ kind: "ServiceAccount", name: "harbor-backup-admin", namespace: "harbor" }],
    });
  });

  it("no hook without an internal database; no CronJob, no claim", async function () {
    const external = await build(
      () => new Backup("harbor-backup", { ...ARGS, spec: { ...VELERO_SPEC, database: false } }),
    );
    const schedule = external.find(TYPES.schedule, "harbor-backup-schedule").inputs as {
      spec: { template: Record<string, unknown> };
    };
    assert.equal(schedule.spec.template.hooks, undefined);
    assert.equal(
      built.resources.filter((r) => r.type === TYPES.cronJob || r.type === TYPES.claim).length,
      0,
    );
    assert.deepEqual(built.component.images, ["registry.k8s.io/kubectl:v1.34.0"]);
  });
});
