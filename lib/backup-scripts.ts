/**
 * The backup and restore scripts (`scripts/backup/*.sh`, POSIX sh) as the ConfigMap that carries
 * them, and the Velero hook that dumps the database inside its own pod. The scripts take every
 * value from environment variables: no configuration value is ever spliced into their text.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

/** Directory of the scripts in this repository (also what the tests run). */
export const BACKUP_SCRIPTS_DIR = path.resolve(__dirname, "..", "scripts", "backup");

/** File names of the scripts; each becomes a key of the scripts ConfigMap. */
export const BACKUP_SCRIPT_FILES = ["common.sh", "backup.sh", "restore.sh"] as const;
export type BackupScriptFile = (typeof BACKUP_SCRIPT_FILES)[number];

/** Where the scripts ConfigMap is mounted in the backup and restore pods. */
export const SCRIPTS_MOUNT_PATH = "/scripts";

/** The scripts' text by file name, read once. */
export function backupScripts(): Record<BackupScriptFile, string> {
  return Object.fromEntries(
    BACKUP_SCRIPT_FILES.map((file) => [
      file,
      readFileSync(path.join(BACKUP_SCRIPTS_DIR, file), "utf8"),
    ]),
  ) as Record<BackupScriptFile, string>;
}

/** `sh /scripts/<file> <command>`: how a container runs one of the scripts. */
export function scriptCommand(file: "backup.sh" | "restore.sh", command: string): string[] {
  return ["/bin/sh", `${SCRIPTS_MOUNT_PATH}/${file}`, command];
}

/**
 * Velero's pre-backup hook, run with `/bin/sh -c` in the database container of Harbor's own
 * database pod: a consistent `pg_dump` of the `registry` database into the database volume
 * (`harbor-backup/registry.dump`, beside the data directory), which Velero's file-system backup
 * then copies. The container's `POSTGRES_PASSWORD` authenticates; the variables with defaults
 * let tests point it at another server and directory.
 */
export const VELERO_DATABASE_DUMP_HOOK = [
  "set -eu",
  'dir="${HARBOR_BACKUP_DIR:-/var/lib/postgresql/data/harbor-backup}"',
  'mkdir -p "$dir"',
  'PGPASSWORD="${POSTGRES_PASSWORD:-}" pg_dump --host="${PGHOST:-127.0.0.1}" --port="${PGPORT:-5432}" --username="${PGUSER:-postgres}" --dbname="${PGDATABASE:-registry}" --format=custom --no-password --file="$dir/registry.dump.partial"',
  'mv "$dir/registry.dump.partial" "$dir/registry.dump"',
  'echo "harbor database dumped to $dir/registry.dump"',
].join("\n");
