/**
 * config/backup.ts: `harbor:backup`, `harbor:restore` and the backup target's secrets, parsed and
 * cross-checked the way the main schema will (every problem names its key), and the typed specs.
 */
import { strict as assert } from "node:assert";
import {
  BACKUP_SECRET_KEYS,
  backupConfigSchema,
  backupConfigShape,
  backupIssues,
  backupWarnings,
  toBackupSpecs,
  type BackupContext,
  type BackupRawConfig,
} from "../../config/backup";
import { formatIssues, issueMessage } from "../../config/errors";
import { isSecret, resolve } from "../support/harness";

const CTX: BackupContext = {
  databaseType: "internal",
  objectStorage: false,
  storageVariant: "local-path",
  effectiveStorageClassName: "harbor-local-path",
};

const PVC = { pvc: { className: "nfs-backups", size: "200Gi" } };
const S3 = { s3: { bucket: "harbor-backups", endpoint: "https://s3.example.com" } };
const S3_SECRETS = { backupS3AccessKey: "AKIAEXAMPLE", backupS3SecretKey: "s3cr3t-value" };

function parse(raw: Record<string, unknown>): BackupRawConfig {
  const parsed = backupConfigSchema.safeParse(raw, { reportInput: true, error: issueMessage });
  if (!parsed.success) {
    throw new Error(
      formatIssues(parsed.error.issues, BACKUP_SECRET_KEYS, Object.keys(backupConfigShape)).join(
        "\n",
      ),
    );
  }
  return parsed.data;
}

/** Problem lines as loadConfig prints them: schema problems first, then the cross-checks. */
function problems(raw: Record<string, unknown>, ctx: BackupContext = CTX): string[] {
  const keys = Object.keys(backupConfigShape);
  const parsed = backupConfigSchema.safeParse(raw, { reportInput: true, error: issueMessage });
  if (!parsed.success) return formatIssues(parsed.error.issues, BACKUP_SECRET_KEYS, keys);
  const issues = backupIssues(parsed.data, ctx).map((i) => ({
    code: "custom" as const,
    path: i.path,
    message: i.message,
    input: i.input,
  }));
  return formatIssues(issues, BACKUP_SECRET_KEYS, keys);
}

describe("config/backup: harbor:backup and harbor:restore", function () {
  describe("defaults", function () {
    it("a claim target alone: engine job, daily at 03:00, keep 7, registry archived", function () {
      const c = parse({ backup: { target: PVC } });
      assert.deepEqual(c.backup, {
        engine: "job",
        schedule: "0 3 * * *",
        keep: 7,
        target: { pvc: { className: "nfs-backups", size: "200Gi" } },
      });
      assert.deepEqual(problems({ backup: { target: PVC } }), []);
      assert.deepEqual(toBackupSpecs(c, { ...CTX, namespace: "harbor" }), {
        backup: {
          engine: "job",
          schedule: "0 3 * * *",
          keep: 7,
          registry: true,
          database: true,
          target: { type: "pvc", className: "nfs-backups", size: "200Gi" },
        },
        restore: undefined,
      });
    });

    it("velero: the Schedule in namespace velero, TTL keep x the interval", function () {
      const c = parse({ backup: { engine: "velero", keep: 14 } });
      assert.deepEqual(toBackupSpecs(c, { ...CTX, namespace: "harbor" }).backup, {
        engine: "velero",
        schedule: "0 3 * * *",
        keep: 14,
        registry: true,
        database: true,
        velero: { namespace: "velero" },
        ttl: "336h0m0s",
      });
    });

    it("velero's TTL follows the longest gap of the schedule (weekdays: Friday to Monday)", function () {
      const c = parse({ backup: { engine: "velero", schedule: "30 1 * * 1-5", keep: 5 } });
      const spec = toBackupSpecs(c, { ...CTX, namespace: "harbor" }).backup;
      assert.equal(spec?.engine === "velero" && spec.ttl, "360h0m0s");
    });

    it("registry archives default off with object storage, the database dump off when external", function () {
      const c = parse({ backup: { target: PVC } });
      const spec = toBackupSpecs(c, {
        databaseType: "internal",
        objectStorage: true,
        namespace: "harbor",
      }).backup;
      assert.equal(spec?.registry, false);
      assert.equal(spec?.database, true);
      const external = toBackupSpecs(c, {
        databaseType: "external",
        objectStorage: false,
        namespace: "harbor",
      }).backup;
      assert.equal(external?.database, false);
      assert.equal(external?.registry, true);
    });

    it("S3: region us-east-1, prefix harbor/<namespace>, credentials as Pulumi secrets", async function () {
      const c = parse({ backup: { target: S3 }, ...S3_SECRETS });
      const spec = toBackupSpecs(c, { ...CTX, namespace: "registry" }).backup;
      assert.ok(spec?.engine === "job" && spec.target.type === "s3");
      const { credentials, ...rest } = spec.target;
      assert.deepEqual(rest, {
        type: "s3",
        bucket: "harbor-backups",
        endpoint: "https://s3.example.com",
        region: "us-east-1",
        prefix: "harbor/registry",
      });
      assert.equal(await resolve(credentials.accessKey), "AKIAEXAMPLE");
      assert.equal(await resolve(credentials.secretKey), "s3cr3t-value");
      assert.equal(await isSecret(credentials.accessKey), true);
      assert.equal(await isSecret(credentials.secretKey), true);
    });

    it("values set with --path arrive as strings", function () {
      const c = parse({ backup: { target: PVC, keep: "3", registry: "false" } });
      assert.equal(c.backup?.keep, 3);
      assert.equal(c.backup?.registry, false);
    });

    it("restore: {from}", function () {
      const c = parse({
        backup: { target: PVC },
        restore: { from: "20250301T030000Z-pre-upgrade-1.19.1" },
      });
      assert.deepEqual(toBackupSpecs(c, { ...CTX, namespace: "harbor" }).restore, {
        from: "20250301T030000Z-pre-upgrade-1.19.1",
      });
    });
  });

  describe("bad values name the key and say what is expected", function () {
    const cases: [string, Record<string, unknown>, string[]][] = [
      [
        "schedule with six fields",
        { backup: { target: PVC, schedule: "0 0 3 * * *" } },
        [
          'harbor:backup.schedule must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 3 * * *": has 6 fields, not 5 (minute hour day-of-month month day-of-week), got "0 0 3 * * *"',
        ],
      ],
      [
        "hour out of range",
        { backup: { target: PVC, schedule: "0 25 * * *" } },
        [
          'harbor:backup.schedule must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 3 * * *": field 2 (hour): "25" is out of range 0-23, got "0 25 * * *"',
        ],
      ],
      [
        "a descriptor",
        { backup: { target: PVC, schedule: "@daily" } },
        [
          'harbor:backup.schedule must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 3 * * *": descriptors such as @daily are not accepted; write the 5 fields, got "@daily"',
        ],
      ],
      [
        "a schedule that never runs",
        { backup: { target: PVC, schedule: "0 0 30 2 *" } },
        [
          'harbor:backup.schedule must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 3 * * *" that runs at least once a year (this one never or almost never runs), got "0 0 30 2 *"',
        ],
      ],
      [
        "day of week 7 (robfig/cron takes 0-6)",
        { backup: { target: PVC, schedule: "0 3 * * 7" } },
        [
          'harbor:backup.schedule must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 3 * * *": field 5 (day of week): "7" is out of range 0-6, got "0 3 * * 7"',
        ],
      ],
      [
        "keep 0",
        { backup: { target: PVC, keep: 0 } },
        ["harbor:backup.keep must be an integer 1-365 (backups kept), got 0"],
      ],
      [
        "keep 366",
        { backup: { target: PVC, keep: 366 } },
        ["harbor:backup.keep must be an integer 1-365 (backups kept), got 366"],
      ],
      [
        "an unknown engine",
        { backup: { engine: "restic", target: PVC } },
        ['harbor:backup.engine must be one of job, velero, got "restic"'],
      ],
      [
        "a target with neither pvc nor s3",
        { backup: { target: {} } },
        [
          "harbor:backup.target must be {pvc: {className, size}} (a claim the program creates) or {s3: {bucket, endpoint, region, prefix}}",
        ],
      ],
      [
        "both targets",
        { backup: { target: { ...PVC, ...S3 } }, ...S3_SECRETS },
        [
          "harbor:backup.target must name one target, not both: {pvc: {className, size}} (a claim the program creates) or {s3: {bucket, endpoint, region, prefix}}",
        ],
      ],
      [
        "a pvc target without size",
        { backup: { target: { pvc: { className: "nfs-backups" } } } },
        [
          "harbor:backup.target.pvc.size is required (a Kubernetes quantity such as 200Gi, room for keep x (database dump + registry archive))",
        ],
      ],
      [
        "a pvc target size in GB",
        { backup: { target: { pvc: { className: "nfs-backups", size: "200GB" } } } },
        [
          'harbor:backup.target.pvc.size must be a Kubernetes quantity such as 20Gi (units Ki, Mi, Gi, Ti), got "200GB"',
        ],
      ],
      [
        "a misspelt target key",
        { backup: { target: { pvcs: PVC.pvc } } },
        [
          "harbor:backup.target.pvcs is not a known key (did you mean harbor:backup.target.pvc?); harbor:backup.target takes pvc, s3",
          "harbor:backup.target must be {pvc: {className, size}} (a claim the program creates) or {s3: {bucket, endpoint, region, prefix}}",
        ],
      ],
      [
        "an upper-case bucket",
        { backup: { target: { s3: { bucket: "Harbor" } } }, ...S3_SECRETS },
        [
          "harbor:backup.target.s3.bucket must be an S3 bucket name: 3-63 lower-case letters, digits, '.', '-', starting and ending with a letter or digit, got \"Harbor\"",
        ],
      ],
      [
        "a bucket with adjacent periods",
        { backup: { target: { s3: { bucket: "harbor..backups" } } }, ...S3_SECRETS },
        [
          `harbor:backup.target.s3.bucket must be an S3 bucket name: 3-63 lower-case letters, digits, '.', '-', starting and ending with a letter or digit, without two adjacent dots, got "harbor..backups"`,
        ],
      ],
      [
        "a bucket named like an IP address",
        { backup: { target: { s3: { bucket: "192.168.1.10" } } }, ...S3_SECRETS },
        [
          `harbor:backup.target.s3.bucket must be an S3 bucket name: 3-63 lower-case letters, digits, '.', '-', starting and ending with a letter or digit, not formatted as an IP address, got "192.168.1.10"`,
        ],
      ],
      [
        "a bucket with a reserved suffix",
        { backup: { target: { s3: { bucket: "backups-s3alias" } } }, ...S3_SECRETS },
        [
          `harbor:backup.target.s3.bucket must be an S3 bucket name: 3-63 lower-case letters, digits, '.', '-', starting and ending with a letter or digit; the suffixes -s3alias, --ol-s3, .mrap, --x-s3 and --table-s3 are reserved, got "backups-s3alias"`,
        ],
      ],
      [
        "a plain-http endpoint",
        {
          backup: { target: { s3: { bucket: "b-1", endpoint: "http://minio:9000" } } },
          ...S3_SECRETS,
        },
        [
          'harbor:backup.target.s3.endpoint must be an https:// URL with only scheme, host and optional port, such as https://s3.example.com, got "http://minio:9000"',
        ],
      ],
      [
        "credentials in the endpoint (never echoed)",
        {
          backup: { target: { s3: { bucket: "b-1", endpoint: "https://ak:sk@s3.example.com" } } },
          ...S3_SECRETS,
        },
        [
          'harbor:backup.target.s3.endpoint must not carry credentials (user:password@): a configuration value is stored and shown in plain text; give credentials through the secret keys (`pulumi config set --secret`), got "https://***@s3.example.com"',
        ],
      ],
      [
        "a prefix with a command substitution",
        { backup: { target: { s3: { bucket: "b-1", prefix: "$(touch x)" } } }, ...S3_SECRETS },
        [
          "harbor:backup.target.s3.prefix must be a key prefix such as /harbor: '/'-separated names of letters, digits, '.', '_', '-', '+', '@' (no '.' or '..'), got \"$(touch x)\"",
        ],
      ],
      [
        "a prefix with a parent segment",
        { backup: { target: { s3: { bucket: "b-1", prefix: "harbor/../other" } } }, ...S3_SECRETS },
        [
          "harbor:backup.target.s3.prefix must be a key prefix such as /harbor: '/'-separated names of letters, digits, '.', '_', '-', '+', '@' (no '.' or '..'), got \"harbor/../other\"",
        ],
      ],
      [
        "a region with spaces",
        { backup: { target: { s3: { bucket: "b-1", region: "eu west" } } }, ...S3_SECRETS },
        [
          "harbor:backup.target.s3.region must be a region such as us-east-1 (letters, digits, '-', '_', '.'; at most 64), got \"eu west\"",
        ],
      ],
      [
        "a restore without from",
        { backup: { target: PVC }, restore: {} },
        [
          "harbor:restore.from is required (the name of a backup such as 20250301T030000Z-scheduled)",
        ],
      ],
      [
        "a restore of a path",
        { backup: { target: PVC }, restore: { from: "../../etc" } },
        [
          'harbor:restore.from must be the name of a backup as the backup job writes them, such as 20250301T030000Z-scheduled or 20250301T030000Z-pre-upgrade-1.19.1, got "../../etc"',
        ],
      ],
    ];
    for (const [what, raw, expected] of cases) {
      it(what, function () {
        assert.deepEqual(problems(raw), expected);
      });
    }
  });

  describe("cross-checks against the rest of the configuration", function () {
    it("registry: true with object storage", function () {
      assert.deepEqual(
        problems({ backup: { target: PVC, registry: true } }, { ...CTX, objectStorage: true }),
        [
          "harbor:backup.registry must be false when harbor:objectStorage is set: the registry's blobs live in the bucket, which its own versioning or replication must protect, got true",
        ],
      );
    });

    it("engine job without a target", function () {
      assert.deepEqual(problems({ backup: {} }), [
        "harbor:backup.target is required when harbor:backup.engine is job: {pvc: {className, size}} (a claim the program creates) or {s3: {bucket, endpoint, region, prefix}}",
      ]);
    });

    it("nothing to back up: external database and object storage", function () {
      assert.deepEqual(
        problems(
          { backup: { target: PVC } },
          { ...CTX, databaseType: "external", objectStorage: true },
        ),
        [
          `harbor:backup.engine has nothing to back up with engine job: the database is external (back it up with its own tools) and the registry's blobs are in harbor:objectStorage; remove harbor:backup or use engine velero, got "job"`,
        ],
      );
    });

    it("velero takes no target", function () {
      assert.deepEqual(problems({ backup: { engine: "velero", target: PVC } }), [
        "harbor:backup.target is not used with harbor:backup.engine velero: Velero writes to its BackupStorageLocation (choose one with harbor:backup.velero.storageLocation)",
      ]);
    });

    it("velero settings without engine velero say which engine they need", function () {
      assert.deepEqual(problems({ backup: { velero: { namespace: "backup" } } }), [
        "harbor:backup.engine must be set to velero: velero is given, but the default job takes none of that",
      ]);
    });

    it("an S3 target needs both secrets; the secrets need an S3 target (values never echoed)", function () {
      assert.deepEqual(problems({ backup: { target: S3 } }), [
        "harbor:backupS3AccessKey is required when harbor:backup.target is s3: set it with `pulumi config set --secret harbor:backupS3AccessKey <value>`",
        "harbor:backupS3SecretKey is required when harbor:backup.target is s3: set it with `pulumi config set --secret harbor:backupS3SecretKey <value>`",
      ]);
      const lines = problems({ backup: { target: PVC }, ...S3_SECRETS });
      assert.deepEqual(lines, [
        "harbor:backupS3AccessKey is only used when harbor:backup.target is s3",
        "harbor:backupS3SecretKey is only used when harbor:backup.target is s3",
      ]);
      assert.ok(!lines.join("\n").includes("s3cr3t"));
    });

    it("restore needs backup with engine job", function () {
      assert.deepEqual(problems({ restore: { from: "20250301T030000Z-scheduled" } }), [
        "harbor:restore needs harbor:backup with engine job: the restore reads the backup from its target",
      ]);
      assert.deepEqual(
        problems({ backup: { engine: "velero" }, restore: { from: "20250301T030000Z-scheduled" } }),
        [
          "harbor:restore is only for harbor:backup.engine job; restore a Velero backup with `velero restore create --from-backup <name>` (see docs/backups.md)",
        ],
      );
    });

    it("warns when the backups would share the local-path node with Harbor's data", function () {
      const same = parse({
        backup: { target: { pvc: { className: "harbor-local-path", size: "50Gi" } } },
      });
      assert.deepEqual(backupWarnings(same, CTX), [
        "harbor:backup.target.pvc.className is harbor-local-path, the local-path class of Harbor's own volumes: the backups stay on the node that holds Harbor's data and are lost with it. Prefer a network-backed class (NFS, Ceph) or an S3 target.",
      ]);
      assert.deepEqual(backupWarnings(parse({ backup: { target: PVC } }), CTX), []);
      assert.deepEqual(backupWarnings(same, { ...CTX, storageVariant: "nfs" }), []);
    });
  });
});
