/**
 * `harbor:backup`, `harbor:restore` and the backup target's S3 secrets: their zod schema (to be
 * spread into the main `rawConfigSchema`), the cross-checks against the rest of the configuration,
 * and the typed specs the Backup and Restore components take.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { cronLongestGapMinutes, goDuration } from "./cron";
import {
  secretText,
  bool,
  cronSchedule,
  intRange,
  k8sName,
  k8sSubdomain,
  quantity,
  requiredKeysObject,
  s3BucketName,
  s3Endpoint,
  s3KeyPrefix,
  s3Region,
  strictObject,
  variants,
} from "./primitives";
import type { RawConfig } from "./schema";
import type { SecretInputs } from "./secrets";
import { storageClassName } from "./storage";

/** Secret keys of the backup target (set with `pulumi config set --secret`). */
export const BACKUP_SECRET_KEYS = ["backupS3AccessKey", "backupS3SecretKey"] as const;
/** Keys whose values are objects in the stack file. */
export const BACKUP_OBJECT_KEYS = ["backup", "restore"] as const;

export const DEFAULT_BACKUP_SCHEDULE = "0 3 * * *";
export const DEFAULT_BACKUP_KEEP = 7;
export const MAX_BACKUP_KEEP = 365;
export const DEFAULT_S3_REGION = "us-east-1";
export const DEFAULT_VELERO_NAMESPACE = "velero";

/** Names the backup scripts give backups: `<UTC time>-<kind>[-<chart version>]`. */
export const BACKUP_NAME_RE = /^\d{8}T\d{6}Z-[a-z][a-z0-9.-]{0,110}$/;

const pvcTargetSchema = strictObject({
  className: z
    .string({
      error:
        "must be the StorageClass of the claim that holds the backups (preferably not on the nodes that hold Harbor's data)",
    })
    .refine((v) => v.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v), {
      error: "must be a lower-case DNS-1123 name (letters, digits, '-', '.')",
    }),
  size: z
    .string({
      error:
        "must be a Kubernetes quantity such as 200Gi, room for keep x (database dump + registry archive)",
    })
    .pipe(quantity()),
});

const s3TargetSchema = strictObject({
  bucket: s3BucketName(),
  endpoint: s3Endpoint().optional(),
  region: s3Region().default(DEFAULT_S3_REGION),
  prefix: s3KeyPrefix().optional(),
});

const TARGET_EXPECTED =
  "{pvc: {className, size}} (a claim the program creates) or {s3: {bucket, endpoint, region, prefix}}";

const targetSchema = strictObject({
  pvc: pvcTargetSchema.optional(),
  s3: s3TargetSchema.optional(),
}).superRefine((t, ctx) => {
  if (t.pvc === undefined && t.s3 === undefined) {
    ctx.addIssue({ code: "custom", message: `must be ${TARGET_EXPECTED}`, input: undefined });
  } else if (t.pvc !== undefined && t.s3 !== undefined) {
    ctx.addIssue({
      code: "custom",
      message: `must name one target, not both: ${TARGET_EXPECTED}`,
      input: undefined,
    });
  }
});

const commonBackupKeys = {
  schedule: cronSchedule()
    .default(DEFAULT_BACKUP_SCHEDULE)
    .describe("Cron schedule of the backups."),
  keep: intRange(1, MAX_BACKUP_KEEP, `an integer 1-${MAX_BACKUP_KEEP} (backups kept)`)
    .default(DEFAULT_BACKUP_KEEP)
    .describe("Backups kept, 1-365 (engine velero: the TTL is `keep` x the schedule's interval)."),
  registry: bool().optional().meta({
    docDefault: "`true` unless the blobs are in `objectStorage`",
    description: "Also back up the registry's files.",
  }),
};

/** `harbor:backup`. */
export const backupSchema = variants("engine", "job", [
  strictObject({
    engine: z
      .literal("job")
      .describe(
        "`job`: a CronJob in Harbor's namespace dumps the database, archives the registry's files and writes a manifest to `target`. `velero`: a Velero `Schedule` for the namespace (Velero with its node agent is a prerequisite).",
      ),
    ...commonBackupKeys,
    target: targetSchema
      .optional()
      .describe(
        "`{pvc: {className, size}}`: a claim the program creates and protects, or `{s3: {bucket, endpoint, region: us-east-1, prefix}}` with keys in secrets `harbor:backupS3AccessKey` and `harbor:backupS3SecretKey`.",
      ),
  }),
  strictObject({
    engine: z.literal("velero"),
    ...commonBackupKeys,
    // Accepted here only so the cross-check can say why it does not apply.
    // Any value is refused by the cross-check (engine velero writes to Velero's own storage); it
    // is parsed as opaque so the message can say why instead of "not a known key".
    target: z
      .custom<never>(() => true)
      .meta({ tsType: "never" })
      .optional()
      .describe("Not used: Velero writes to its own storage location (any value is refused)."),
    velero: strictObject({
      namespace: k8sName().default(DEFAULT_VELERO_NAMESPACE),
      storageLocation: k8sSubdomain().optional(),
    })
      .prefault({})
      .describe(
        "`namespace`: Velero's namespace; `storageLocation`: its BackupStorageLocation (Velero's default when unset).",
      ),
  }),
]);

/** `harbor:restore`. */
export const restoreSchema = requiredKeysObject(
  strictObject({
    from: z
      .string({ error: "must be the name of a backup such as 20250301T030000Z-scheduled" })
      .refine((v) => BACKUP_NAME_RE.test(v), {
        error:
          "must be the name of a backup as the backup job writes them, such as 20250301T030000Z-scheduled or 20250301T030000Z-pre-upgrade-1.19.1",
      })
      .describe("The backup to restore, such as `20250301T030000Z-scheduled`."),
  }),
);

/** The keys this module adds to the main schema; spread it into `rawConfigSchema`'s shape. */
export const backupConfigShape = {
  backup: backupSchema.optional().meta({
    description: "Scheduled backups.",
    docNotes: "What each target holds, restore and upgrades: [docs/backups.md](docs/backups.md).",
  }),
  restore: restoreSchema
    .optional()
    .describe(
      "Restore a backup on the next `pulumi up` (engine job). See [docs/backups.md](docs/backups.md#restore-a-backup).",
    ),
  backupS3AccessKey: secretText("a non-empty access key")
    .optional()
    .describe("S3 access key of the backup target."),
  backupS3SecretKey: secretText("a non-empty secret key")
    .optional()
    .describe("S3 secret key of the backup target."),
};

/** The backup keys alone (tests parse them without the rest of the configuration). */
export const backupConfigSchema = z.object(backupConfigShape);
/** The parsed backup keys, as they appear inside the parsed raw configuration. */
export type BackupRawConfig = z.output<typeof backupConfigSchema>;

/** What the cross-check needs from the rest of the parsed configuration. */
export interface BackupContext {
  /** `harbor:database.type`: only the internal database is dumped by the job. */
  databaseType: string;
  /** Whether `harbor:objectStorage` is set (registry blobs in a bucket, not on a volume). */
  objectStorage: boolean;
  /** `harbor:storage.variant`. */
  storageVariant: string;
  /** `harbor:storage.className` as given (undefined when derived). */
  storageClassName?: string;
  /** The StorageClass Harbor's claims use after derivation (`<namespace>-<variant>` by default). */
  effectiveStorageClassName: string;
}

/** One problem, with the path of the key it belongs to (for the schema's `ctx.addIssue`). */
export interface BackupIssue {
  path: (string | number)[];
  message: string;
  input?: unknown;
}

/** Whether the registry's files are archived: explicit, or whenever they live on a volume. */
function registryEnabled(registry: boolean | undefined, ctx: BackupContext): boolean {
  return registry ?? !ctx.objectStorage;
}

/** Problems that need more than one key to see, each naming the key to change. */
export function backupIssues(c: BackupRawConfig, ctx: BackupContext): BackupIssue[] {
  const issues: BackupIssue[] = [];
  const add = (path: (string | number)[], message: string, input?: unknown) =>
    issues.push({ path, message, input });
  const b = c.backup;
  const s3 = b?.engine === "job" ? b.target?.s3 : undefined;

  if (b !== undefined) {
    if (b.registry === true && ctx.objectStorage) {
      add(
        ["backup", "registry"],
        "must be false when harbor:objectStorage is set: the registry's blobs live in the bucket, which its own versioning or replication must protect",
        true,
      );
    }
    const registry = registryEnabled(b.registry, ctx);
    if (b.engine === "job") {
      if (b.target === undefined) {
        add(
          ["backup", "target"],
          `is required when harbor:backup.engine is job: ${TARGET_EXPECTED}`,
        );
      }
      if (ctx.databaseType !== "internal" && !registry) {
        add(
          ["backup", "engine"],
          `has nothing to back up with engine job: the database is ${ctx.databaseType} (back it up with its own tools) and the registry's blobs are ${ctx.objectStorage ? "in harbor:objectStorage" : "excluded (harbor:backup.registry false)"}; remove harbor:backup or use engine velero`,
          "job",
        );
      }
    } else if (b.target !== undefined) {
      add(
        ["backup", "target"],
        "is not used with harbor:backup.engine velero: Velero writes to its BackupStorageLocation (choose one with harbor:backup.velero.storageLocation)",
      );
    }
  }

  // The S3 target's credentials.
  for (const key of BACKUP_SECRET_KEYS) {
    if (s3 !== undefined && c[key] === undefined) {
      add(
        [key],
        `is required when harbor:backup.target is s3: set it with \`pulumi config set --secret harbor:${key} <value>\``,
      );
    } else if (s3 === undefined && c[key] !== undefined) {
      add([key], "is only used when harbor:backup.target is s3");
    }
  }

  // Restore.
  if (c.restore !== undefined) {
    if (b === undefined) {
      add(
        ["restore"],
        "needs harbor:backup with engine job: the restore reads the backup from its target",
      );
    } else if (b.engine === "velero") {
      add(
        ["restore"],
        "is only for harbor:backup.engine job; restore a Velero backup with `velero restore create --from-backup <name>` (see docs/backups.md)",
      );
    }
  }
  return issues;
}

/**
 * Advice that does not stop a deployment: backups on the same node-local disks as Harbor's data
 * do not survive losing that node (a node that was tainted and could no longer run Harbor).
 */
export function backupWarnings(c: BackupRawConfig, ctx: BackupContext): string[] {
  const b = c.backup;
  if (b?.engine !== "job" || b.target?.pvc === undefined) return [];
  if (
    ctx.storageVariant === "local-path" &&
    b.target.pvc.className === ctx.effectiveStorageClassName
  ) {
    return [
      `harbor:backup.target.pvc.className is ${b.target.pvc.className}, the local-path class of Harbor's own volumes: the backups stay on the node that holds Harbor's data and are lost with it. Prefer a network-backed class (NFS, Ceph) or an S3 target.`,
    ];
  }
  return [];
}

/** Where the job engine writes backups. */
export type BackupTarget =
  | {
      type: "pvc";
      /** StorageClass of the claim the program creates for backups. */
      className: string;
      /** Size of that claim. */
      size: string;
    }
  | {
      type: "s3";
      /** Bucket holding the backups. */
      bucket: string;
      /** S3-compatible endpoint (https origin); AWS's when unset. */
      endpoint?: string;
      /** Region of the bucket. */
      region: string;
      /** Key prefix under which each backup is a folder `<prefix>/<name>/`. */
      prefix: string;
      /** `harbor:backupS3AccessKey` / `harbor:backupS3SecretKey`. */
      credentials: { accessKey: pulumi.Output<string>; secretKey: pulumi.Output<string> };
    };

interface BackupCommon {
  /** Five-field cron schedule, in the cluster's time zone (UTC on most clusters). */
  schedule: string;
  /** Scheduled backups kept (older ones are pruned). */
  keep: number;
  /** Archive the registry's filesystem storage (`/storage/docker/registry`). */
  registry: boolean;
  /** Dump the internal database (false with an external or CloudNativePG database). */
  database: boolean;
}

/** A CronJob in Harbor's namespace writes backups to a claim or a bucket. */
export interface JobBackupSpec extends BackupCommon {
  engine: "job";
  target: BackupTarget;
}

/** A Velero Schedule backs up Harbor's namespace, volumes included. */
export interface VeleroBackupSpec extends BackupCommon {
  engine: "velero";
  velero: {
    /** Namespace Velero runs in; the Schedule is created there. */
    namespace: string;
    /** BackupStorageLocation; Velero's default when unset. */
    storageLocation?: string;
  };
  /** Backup retention as a Go duration: `keep` times the longest gap between two runs. */
  ttl: string;
}

export type BackupSpec = JobBackupSpec | VeleroBackupSpec;

/** `harbor:restore`: restore this backup (by name) on the next `pulumi up`. */
export interface RestoreSpec {
  from: string;
}

/** Longest Velero TTL the program sets (ten years), well inside a Go duration's range. */
export const MAX_VELERO_TTL_MINUTES = 10 * 365 * 24 * 60;

/** `keep` times the longest gap between two runs of `schedule`, as a Go duration. */
export function veleroTtl(schedule: string, keep: number): string {
  const gap = cronLongestGapMinutes(schedule);
  if (gap === undefined) throw new Error(`schedule ${JSON.stringify(schedule)} does not repeat`);
  return goDuration(Math.min(gap * keep, MAX_VELERO_TTL_MINUTES));
}

/**
 * The typed backup and restore settings of a validated configuration (run `backupIssues` first):
 * derived defaults applied, the S3 credentials wrapped as Pulumi secrets.
 */
export function toBackupSpecs(
  c: BackupRawConfig,
  ctx: Pick<BackupContext, "databaseType" | "objectStorage"> & {
    /** Harbor's namespace: the default S3 prefix is `harbor/<namespace>`. */
    namespace: string;
  },
): { backup?: BackupSpec; restore?: RestoreSpec } {
  const b = c.backup;
  const restore = c.restore && { from: c.restore.from };
  if (b === undefined) return { restore };
  const common: BackupCommon = {
    schedule: b.schedule,
    keep: b.keep,
    registry: b.registry ?? !ctx.objectStorage,
    database: ctx.databaseType === "internal",
  };
  if (b.engine === "velero") {
    return {
      backup: {
        ...common,
        engine: "velero",
        velero: { ...b.velero },
        ttl: veleroTtl(b.schedule, b.keep),
      },
      restore,
    };
  }
  const t = b.target;
  if (t === undefined) throw new Error("harbor:backup.target is required with engine job");
  const target: BackupTarget = t.pvc
    ? { type: "pvc", className: t.pvc.className, size: t.pvc.size }
    : {
        type: "s3",
        bucket: t.s3!.bucket,
        endpoint: t.s3!.endpoint,
        region: t.s3!.region,
        prefix: t.s3!.prefix ?? `harbor/${ctx.namespace}`,
        credentials: {
          accessKey: pulumi.secret(c.backupS3AccessKey!),
          secretKey: pulumi.secret(c.backupS3SecretKey!),
        },
      };
  return { backup: { ...common, engine: "job", target }, restore };
}

/** What the backup cross-checks and settings need from the rest of the configuration. */
export function backupContext(c: {
  namespace: string;
  database: { type: string };
  objectStorage?: unknown;
  storage: { variant: string; className?: string };
}) {
  return {
    databaseType: c.database.type,
    objectStorage: c.objectStorage !== undefined,
    storageVariant: c.storage.variant,
    storageClassName: c.storage.className,
    effectiveStorageClassName: storageClassName(c),
  };
}

/**
 * The backup and restore settings, with a program's Output S3 keys in place of their stand-ins.
 */
export function toBackup(c: RawConfig, inputs: SecretInputs) {
  const specs = toBackupSpecs(c, { ...backupContext(c), namespace: c.namespace });
  const backup = specs.backup;
  if (backup?.engine === "job" && backup.target.type === "s3") {
    const { accessKey, secretKey } = backup.target.credentials;
    backup.target.credentials = {
      accessKey: inputs.backupS3AccessKey ? pulumi.secret(inputs.backupS3AccessKey) : accessKey,
      secretKey: inputs.backupS3SecretKey ? pulumi.secret(inputs.backupS3SecretKey) : secretKey,
    };
  }
  return specs;
}
