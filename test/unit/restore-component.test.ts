/**
 * components/restore.ts under mocks: the ServiceAccount and its Role (scale Harbor's writers,
 * suspend the backup CronJob, nothing else), and the three Jobs exactly as sent to the engine,
 * each waiting for the one before.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { Restore, type RestoreArgs } from "../../components/restore";
import type { JobBackupSpec } from "../../config/backup";
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
import { registrationOf } from "../support/harness";

const SPEC: JobBackupSpec = {
  engine: "job",
  schedule: "0 3 * * *",
  keep: 7,
  registry: true,
  database: true,
  target: { type: "pvc", className: "nfs-backups", size: "200Gi" },
};

const FROM = "20250301T030000Z-scheduled";

const ARGS: RestoreArgs = {
  namespace: "harbor",
  releaseName: "harbor",
  spec: SPEC,
  from: FROM,
  harborVersion: "v2.15.1",
  registryClaim: { name: "harbor-registry", readWriteOnce: true },
  writers: { core: 2, jobservice: 1, registry: 1, exporter: 1 },
  placement: {},
};

const LABELS = backupLabelsOf("restore");
const JOB_NAMES = {
  stop: "harbor-restore-stop-20250301t030000z-scheduled",
  restore: "harbor-restore-20250301t030000z-scheduled",
  start: "harbor-restore-start-20250301t030000z-scheduled",
};

const RESTORE_ENV = (withDatabase: boolean) => [
  { name: "RESTORE_FROM", value: FROM },
  { name: "BACKUP_DIR", value: "/backups" },
  { name: "HARBOR_VERSION", value: "v2.15.1" },
  { name: "RESTORE_DATABASE", value: "true" },
  ...(withDatabase ? HARBOR_DATABASE_ENV : []),
  { name: "REGISTRY_ROOT", value: "/storage" },
  { name: "RESTORE_WAIT_SECONDS", value: "600" },
  { name: "HOME", value: "/tmp" },
  { name: "TMPDIR", value: "/tmp" },
];

const kubectl = (name: string, args: string[]) => ({
  name,
  image: "registry.k8s.io/kubectl:v1.34.0",
  command: ["kubectl", ...args],
  env: [{ name: "HOME", value: "/tmp" }],
  securityContext: CONTAINER_SECURITY,
  resources: KUBECTL_RESOURCES,
  volumeMounts: [TMP_MOUNT],
});

const job = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: {
    name,
    namespace: "harbor",
    labels: LABELS,
    annotations: { "pulumi.com/replaceUnready": "true" },
  },
  spec: {
    backoffLimit: 0,
    activeDeadlineSeconds: 21600,
    template: { metadata: { labels: LABELS }, spec },
  },
});

const BACKUPS_READ_ONLY = {
  name: "backups",
  persistentVolumeClaim: { claimName: "harbor-backups", readOnly: true },
};

describe("Restore", function () {
  let built: Awaited<ReturnType<typeof build<Restore>>>;
  before(async function () {
    built = await build(() => new Restore("harbor-restore", ARGS));
  });

  it("step 1 checks the backup, suspends backups, stops core, jobservice, registry and exporter", function () {
    assert.deepEqual(
      built.find(TYPES.job, "harbor-restore-stop").inputs,
      job(JOB_NAMES.stop, {
        restartPolicy: "Never",
        serviceAccountName: "harbor-backup-admin",
        automountServiceAccountToken: true,
        securityContext: POD_SECURITY,
        volumes: [SCRIPTS_VOLUME, TMP_VOLUME, BACKUPS_READ_ONLY],
        initContainers: [
          {
            name: "verify",
            image: "postgres:15.14-alpine3.22",
            command: ["/bin/sh", "/scripts/restore.sh", "verify"],
            env: RESTORE_ENV(true),
            securityContext: CONTAINER_SECURITY,
            resources: TOOLS_RESOURCES,
            volumeMounts: [
              SCRIPTS_MOUNT,
              TMP_MOUNT,
              { name: "backups", mountPath: "/backups", readOnly: true },
            ],
          },
          kubectl("suspend-backups", [
            "patch",
            "cronjob",
            "harbor-backup",
            "--type=merge",
            '--patch={"spec":{"suspend":true}}',
          ]),
          kubectl("scale-down", [
            "scale",
            "deployment",
            "harbor-core",
            "harbor-jobservice",
            "harbor-registry",
            "harbor-exporter",
            "--replicas=0",
          ]),
        ],
        containers: [
          kubectl("wait-for-stop", [
            "wait",
            "--for=delete",
            "pod",
            "--selector=release=harbor,app=harbor,component in (core,jobservice,registry,exporter)",
            "--timeout=600s",
          ]),
        ],
      }),
    );
  });

  it("step 2 restores the database and the registry's files (claim mounted read-write)", function () {
    assert.deepEqual(
      built.find(TYPES.job, "harbor-restore-restore").inputs,
      job(JOB_NAMES.restore, {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        securityContext: POD_SECURITY,
        volumes: [
          SCRIPTS_VOLUME,
          TMP_VOLUME,
          BACKUPS_READ_ONLY,
          { name: "registry", persistentVolumeClaim: { claimName: "harbor-registry" } },
        ],
        containers: [
          {
            name: "restore",
            image: "postgres:15.14-alpine3.22",
            command: ["/bin/sh", "/scripts/restore.sh", "run"],
            env: RESTORE_ENV(true),
            securityContext: CONTAINER_SECURITY,
            resources: TOOLS_RESOURCES,
            volumeMounts: [
              SCRIPTS_MOUNT,
              TMP_MOUNT,
              { name: "backups", mountPath: "/backups", readOnly: true },
              { name: "registry", mountPath: "/storage" },
            ],
          },
        ],
      }),
    );
  });

  it("step 3 starts them again at their replica counts, resumes backups, waits for core", function () {
    assert.deepEqual(
      built.find(TYPES.job, "harbor-restore-start").inputs,
      job(JOB_NAMES.start, {
        restartPolicy: "Never",
        serviceAccountName: "harbor-backup-admin",
        automountServiceAccountToken: true,
        securityContext: POD_SECURITY,
        volumes: [TMP_VOLUME],
        initContainers: [
          kubectl("scale-up-0", ["scale", "deployment", "harbor-core", "--replicas=2"]),
          kubectl("scale-up-1", ["scale", "deployment", "harbor-jobservice", "--replicas=1"]),
          kubectl("scale-up-2", ["scale", "deployment", "harbor-registry", "--replicas=1"]),
          kubectl("scale-up-3", ["scale", "deployment", "harbor-exporter", "--replicas=1"]),
          kubectl("resume-backups", [
            "patch",
            "cronjob",
            "harbor-backup",
            "--type=merge",
            '--patch={"spec":{"suspend":false}}',
          ]),
        ],
        containers: [
          kubectl("wait-for-core", [
            "rollout",
            "status",
            "deployment",
            "harbor-core",
            "--timeout=600s",
          ]),
        ],
      }),
    );
  });

  it("runs each step once per backup name: a changed spec never replaces it, a failed one is replaced", function () {
    // A changed `.spec.template` would replace (and so run) the Job again (pulumi-kubernetes
    // provider/pkg/provider/diff.go, `forceNew` for batch/v1 Job): the engine resets ignored
    // inputs to their old values before the diff (pulumi/pulumi pkg/resource/deploy/
    // step_generator.go, `processIgnoreChanges`). The name carries the backup, so a new
    // `harbor:restore.from` is a new Job; `pulumi.com/replaceUnready` replaces a failed step at
    // the next update (provider/pkg/provider/provider.go, Diff, `metadata.ReplaceUnready`).
    for (const role of ["stop", "restore", "start"] as const) {
      const reg = registrationOf(built.registrations, TYPES.job, `harbor-restore-${role}`);
      assert.deepEqual(reg.ignoreChanges, ["spec"], role);
      const job = built.find(TYPES.job, `harbor-restore-${role}`).inputs as {
        metadata: { name: string; annotations: unknown };
      };
      assert.equal(job.metadata.name, JOB_NAMES[role]);
      assert.deepEqual(job.metadata.annotations, { "pulumi.com/replaceUnready": "true" });
    }
  });

  it("runs the steps one after the other", function () {
    assert.deepEqual(built.dependencies(TYPES.job, "harbor-restore-stop"), [
      "harbor-restore-binding",
    ]);
    assert.deepEqual(built.dependencies(TYPES.job, "harbor-restore-restore"), [
      "harbor-restore-stop",
    ]);
    assert.deepEqual(built.dependencies(TYPES.job, "harbor-restore-start"), [
      "harbor-restore-restore",
    ]);
  });

  it("may scale only Harbor's writers and patch only the backup CronJob, in Harbor's namespace", function () {
    assert.deepEqual(built.find(TYPES.role, "harbor-restore-role").inputs, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "harbor-backup-admin", namespace: "harbor", labels: LABELS },
      rules: [
        { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "watch"] },
        {
          apiGroups: ["apps"],
          resources: ["deployments/scale"],
          resourceNames: ["harbor-core", "harbor-jobservice", "harbor-registry", "harbor-exporter"],
          verbs: ["get", "patch", "update"],
        },
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
        {
          apiGroups: ["batch"],
          resources: ["cronjobs"],
          resourceNames: ["harbor-backup"],
          verbs: ["get", "patch"],
        },
      ],
    });
    assert.deepEqual(built.find(TYPES.roleBinding, "harbor-restore-binding").inputs, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "harbor-backup-admin", namespace: "harbor", labels: LABELS },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "harbor-backup-admin" },
      subjects: [{ kind: "ServiceAccount", name: "harbor-backup-admin", namespace: "harbor" }],
    });
  });

  it("from a bucket: the manifest is fetched and checked before Harbor stops, the files after", async function () {
    const s3 = await build(
      () =>
        new Restore("harbor-restore", {
          ...ARGS,
          spec: {
            ...SPEC,
            target: {
              type: "s3",
              bucket: "harbor-backups",
              region: "us-east-1",
              prefix: "harbor/harbor",
              credentials: { accessKey: pulumi.secret("ak"), secretKey: pulumi.secret("sk") },
            },
          },
          writers: { core: 1, jobservice: 1, registry: 1 },
        }),
    );
    type Pod = {
      initContainers?: {
        name: string;
        image: string;
        command: string[];
        env: { name: string; value?: string }[];
      }[];
      volumes: unknown[];
    };
    const podOf = (name: string) =>
      (s3.find(TYPES.job, name).inputs as { spec: { template: { spec: Pod } } }).spec.template.spec;
    const stop = podOf("harbor-restore-stop");
    assert.deepEqual(
      stop.initContainers?.map((c) => [c.name, c.image, c.command.join(" ")]),
      [
        ["fetch-manifest", "amazon/aws-cli:2.27.9", "/bin/sh /scripts/restore.sh fetch-manifest"],
        ["verify", "postgres:15.14-alpine3.22", "/bin/sh /scripts/restore.sh verify"],
        [
          "suspend-backups",
          "registry.k8s.io/kubectl:v1.34.0",
          'kubectl patch cronjob harbor-backup --type=merge --patch={"spec":{"suspend":true}}',
        ],
        [
          "scale-down",
          "registry.k8s.io/kubectl:v1.34.0",
          "kubectl scale deployment harbor-core harbor-jobservice harbor-registry --replicas=0",
        ],
      ],
    );
    assert.deepEqual(
      stop.initContainers?.[1].env.find((e) => e.name === "RESTORE_VERIFY_FILES"),
      {
        name: "RESTORE_VERIFY_FILES",
        value: "false",
      },
    );
    assert.deepEqual(stop.volumes[2], { name: "backups", emptyDir: {} });
    const restore = podOf("harbor-restore-restore");
    assert.deepEqual(
      restore.initContainers?.map((c) => [c.name, c.command.join(" ")]),
      [["fetch", "/bin/sh /scripts/restore.sh fetch"]],
    );
    // The fetch steps get the bucket and the key references, never the database.
    const fetchEnv = (restore.initContainers?.[0].env ?? []).map((e) => e.name);
    assert.ok(fetchEnv.includes("AWS_SECRET_ACCESS_KEY") && fetchEnv.includes("BACKUP_S3_BUCKET"));
    assert.ok(!fetchEnv.some((n) => n.startsWith("PG")));
  });
});
