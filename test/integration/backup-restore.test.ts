/**
 * scripts/backup/*.sh run for real with sh against a throwaway PostgreSQL server and a registry
 * storage laid out like /storage/docker/registry/v2: back up, drop, restore and compare every
 * row and file; refusals (newer Harbor, newer schema, damaged files, Harbor still running);
 * pruning to `keep`; an S3 target through an `aws` stand-in; hostile values that must not run;
 * the pre-upgrade backup; Velero's database hook; and the same round trip with busybox's tools,
 * which is what the pinned postgres:*-alpine image has.
 *
 * `npm run test:integration`; skipped with a message when PostgreSQL's binaries are missing
 * (`apt-get install postgresql`).
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { BACKUP_SCRIPTS_DIR, VELERO_DATABASE_DUMP_HOOK } from "../../lib/backup-scripts";
import { findPostgresBin, startPostgres, type PostgresServer } from "../support/postgres";

const FAKE_AWS = path.resolve(__dirname, "..", "support", "fixtures", "fake-aws.sh");

/** Harbor-like schema and rows, with quotes, a line break and non-ASCII text in the data. */
const SEED_SQL = `
CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO schema_migrations VALUES (180, false);
CREATE TABLE harbor_user (
  user_id serial PRIMARY KEY, username varchar(255) UNIQUE, email varchar(255),
  realname varchar(255), sysadmin_flag boolean NOT NULL DEFAULT false,
  creation_time timestamp NOT NULL DEFAULT '2025-01-01 00:00:00');
CREATE TABLE project (
  project_id serial PRIMARY KEY, owner_id int NOT NULL REFERENCES harbor_user(user_id),
  name varchar(255) NOT NULL UNIQUE, deleted boolean NOT NULL DEFAULT false,
  creation_time timestamp NOT NULL DEFAULT '2025-01-02 00:00:00');
CREATE TABLE project_metadata (
  id serial PRIMARY KEY, project_id int NOT NULL REFERENCES project(project_id),
  name varchar(255) NOT NULL, value varchar(255), UNIQUE (project_id, name));
CREATE TABLE repository (
  repository_id serial PRIMARY KEY, name varchar(255) NOT NULL UNIQUE,
  project_id int NOT NULL REFERENCES project(project_id), pull_count int NOT NULL DEFAULT 0);
CREATE TABLE artifact (
  id serial PRIMARY KEY, project_id int NOT NULL, repository_name varchar(255) NOT NULL,
  digest varchar(255) NOT NULL, size bigint, extra_attrs jsonb, UNIQUE (repository_name, digest));
CREATE TABLE tag (
  id serial PRIMARY KEY, repository_id int NOT NULL REFERENCES repository(repository_id),
  artifact_id int NOT NULL REFERENCES artifact(id), name varchar(255) NOT NULL,
  UNIQUE (repository_id, name));
CREATE INDEX idx_artifact_digest ON artifact (digest);
CREATE VIEW project_repository_count AS
  SELECT p.name, count(r.repository_id) AS repositories
  FROM project p LEFT JOIN repository r USING (project_id) GROUP BY p.name;
INSERT INTO harbor_user (username, email, realname, sysadmin_flag) VALUES
  ('admin', 'admin@example.com', 'System Admin', true),
  ('obrien', 'o''brien@example.com', E'Line 1\\nLine 2', false),
  ('zoe', 'zoe@example.com', 'Zoë Ünïcödé "quoted"', false);
INSERT INTO project (owner_id, name) VALUES (1, 'library'), (2, 'team-a'), (3, 'proxy-docker-hub');
INSERT INTO project_metadata (project_id, name, value) VALUES
  (1, 'public', 'true'), (2, 'auto_scan', 'true'), (3, 'public', 'false');
INSERT INTO repository (name, project_id, pull_count) VALUES
  ('library/nginx', 1, 42), ('team-a/app', 2, 7), ('proxy-docker-hub/library/alpine', 3, 0);
INSERT INTO artifact (project_id, repository_name, digest, size, extra_attrs) VALUES
  (1, 'library/nginx', 'sha256:${"a".repeat(64)}', 1024, '{"architecture": "amd64"}'),
  (1, 'library/nginx', 'sha256:${"b".repeat(64)}', 2048, '{"architecture": "arm64"}'),
  (2, 'team-a/app', 'sha256:${"c".repeat(64)}', 4096, NULL);
INSERT INTO tag (repository_id, artifact_id, name) VALUES (1, 1, 'latest'), (1, 2, '1.27'), (2, 3, 'v1');
`;

const TABLES = [
  "schema_migrations",
  "harbor_user",
  "project",
  "project_metadata",
  "repository",
  "artifact",
  "tag",
] as const;

interface Snapshot {
  counts: Record<string, number>;
  rows: Record<string, string>;
}

function snapshot(pg: PostgresServer): Snapshot {
  const counts: Record<string, number> = {};
  const rows: Record<string, string> = {};
  for (const table of TABLES) {
    counts[table] = Number(pg.sql(`SELECT count(*) FROM ${table}`));
    rows[table] = pg.sql(`SELECT * FROM ${table} ORDER BY 1`);
  }
  rows.project_repository_count = pg.sql("SELECT * FROM project_repository_count ORDER BY 1");
  rows.sequence = pg.sql("SELECT last_value FROM project_project_id_seq");
  return { counts, rows };
}

/** Files below `root`, with the sha256 of each. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else
        out[path.relative(root, full)] = createHash("sha256")
          .update(readFileSync(full))
          .digest("hex");
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

function write(file: string, content: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** A registry storage root as the registry writes it, with an upload in progress. */
function seedRegistry(root: string) {
  const v2 = path.join(root, "docker", "registry", "v2");
  const layer = "a".repeat(64);
  const manifest = "b".repeat(64);
  write(
    path.join(v2, "blobs", "sha256", layer.slice(0, 2), layer, "data"),
    "layer bytes\n".repeat(100),
  );
  write(
    path.join(v2, "blobs", "sha256", manifest.slice(0, 2), manifest, "data"),
    '{"schemaVersion": 2}',
  );
  const repo = path.join(v2, "repositories", "library", "nginx");
  write(path.join(repo, "_layers", "sha256", layer, "link"), `sha256:${layer}`);
  write(
    path.join(repo, "_manifests", "revisions", "sha256", manifest, "link"),
    `sha256:${manifest}`,
  );
  write(path.join(repo, "_manifests", "tags", "latest", "current", "link"), `sha256:${manifest}`);
  write(path.join(repo, "_uploads", "0d4c-upload", "data"), "half an upload");
  write(path.join(repo, "_uploads", "0d4c-upload", "startedat"), "2025-03-01T02:59:59Z");
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe("backup and restore scripts (real PostgreSQL, real sh)", function () {
  this.timeout(180_000);
  let pg: PostgresServer;
  let work: string;

  before(async function () {
    const bin = findPostgresBin();
    if (!bin) {
      console.log(
        "      (PostgreSQL's binaries are not installed: apt-get install postgresql; skipped)",
      );
      this.skip();
    }
    pg = await startPostgres(bin);
  });

  after(function () {
    pg?.stop();
  });

  beforeEach(function () {
    work = mkdtempSync(path.join(tmpdir(), "harbor-backup-test-"));
    mkdirSync(path.join(work, "tmp"));
    pg.sql("DROP DATABASE IF EXISTS registry WITH (FORCE)", "postgres");
    pg.sql("CREATE DATABASE registry", "postgres");
    pg.sql(SEED_SQL);
  });

  afterEach(function () {
    rmSync(work, { recursive: true, force: true });
  });

  /** Runs a script the way the pods do: `sh <script> <command>`, values only in the environment. */
  function run(
    script: "backup.sh" | "restore.sh",
    command: string,
    env: Record<string, string>,
    options: { shell?: string; pathDirs?: string[] } = {},
  ): Run {
    const result = spawnSync(
      options.shell ?? "sh",
      [path.join(BACKUP_SCRIPTS_DIR, script), command],
      {
        cwd: work,
        encoding: "utf8",
        env: {
          PATH: [...(options.pathDirs ?? [pg.bin, "/usr/local/bin", "/usr/bin", "/bin"])].join(":"),
          TMPDIR: path.join(work, "tmp"),
          ...pg.env,
          ...env,
        },
      },
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  function ok(result: Run): Run {
    assert.equal(result.status, 0, `script failed:\n${result.stderr}`);
    return result;
  }

  const backupEnv = (dir: string, extra: Record<string, string> = {}) => ({
    BACKUP_DIR: dir,
    BACKUP_TARGET: "pvc",
    BACKUP_KIND: "scheduled",
    BACKUP_KEEP: "7",
    HARBOR_VERSION: "v2.15.1",
    CHART_VERSION: "1.19.1",
    BACKUP_DATABASE: "true",
    ...extra,
  });

  const restoreEnv = (dir: string, from: string, extra: Record<string, string> = {}) => ({
    RESTORE_FROM: from,
    BACKUP_DIR: dir,
    HARBOR_VERSION: "v2.15.1",
    RESTORE_DATABASE: "true",
    RESTORE_WAIT_SECONDS: "10",
    ...extra,
  });

  /** The one backup in `dir`. */
  function onlyBackup(dir: string): string {
    const names = readdirSync(dir).filter((n) => !n.startsWith("."));
    assert.equal(names.length, 1, `expected one backup in ${dir}: ${names.join(", ")}`);
    return names[0];
  }

  function printRows(label: string, s: Snapshot) {
    console.log(`      ${label}: ${TABLES.map((t) => `${t}=${s.counts[t]}`).join(" ")}`);
    for (const line of s.rows.project.split("\n")) console.log(`        project | ${line}`);
  }

  it("round trip: back up, drop everything, restore; every row and registry file comes back", function () {
    const storage = path.join(work, "storage");
    seedRegistry(storage);
    const backups = path.join(work, "backups");
    const before = snapshot(pg);
    const filesBefore = tree(path.join(storage, "docker", "registry"));
    printRows("rows before", before);

    const created = ok(
      run("backup.sh", "create", backupEnv(backups, { BACKUP_REGISTRY_ROOT: storage })),
    );
    const name = onlyBackup(backups);
    assert.match(name, /^\d{8}T\d{6}Z-scheduled$/);
    assert.match(created.stderr, /backup \S+ complete/);

    // manifest.json is valid JSON with the versions, sizes and sha256 of what is there.
    const manifest = JSON.parse(
      readFileSync(path.join(backups, name, "manifest.json"), "utf8"),
    ) as {
      files: { name: string; size: number; sha256: string }[];
      [key: string]: unknown;
    };
    const { createdAt, files, ...fields } = manifest;
    assert.match(String(createdAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(fields, {
      format: 1,
      name,
      kind: "scheduled",
      harborVersion: "v2.15.1",
      chartVersion: "1.19.1",
      upgradeTo: "",
      database: "dumped",
      databaseSchemaVersion: 180,
      registry: "archived",
    });
    assert.deepEqual(
      files.map((f) => f.name),
      ["database.dump", "registry.tar"],
    );
    for (const f of files) {
      const bytes = readFileSync(path.join(backups, name, f.name));
      assert.equal(f.size, bytes.length);
      assert.equal(f.sha256, createHash("sha256").update(bytes).digest("hex"));
    }
    // Uploads in progress are not archived.
    const listing = spawnSync("tar", ["-tf", path.join(backups, name, "registry.tar")], {
      encoding: "utf8",
    });
    assert.ok(listing.stdout.includes("docker/registry/v2/blobs/sha256/aa/"));
    assert.ok(!listing.stdout.includes("_uploads"));

    // Disaster: the tables are gone, a later migration added a table, the blobs are lost.
    pg.sql(`DROP TABLE tag, artifact, repository, project_metadata, project, harbor_user CASCADE;
            CREATE TABLE newer_feature (id int); UPDATE schema_migrations SET version = 190`);
    rmSync(path.join(storage, "docker", "registry", "v2", "blobs"), { recursive: true });
    write(path.join(storage, "docker", "registry", "v2", "repositories", "stray", "link"), "stray");
    const left = pg.sql(
      "SELECT string_agg(tablename, ', ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'",
    );
    console.log(`      after the drop: tables ${left}; registry blobs deleted`);
    assert.equal(left, "newer_feature, schema_migrations");

    const restored = ok(
      run("restore.sh", "run", restoreEnv(backups, name, { REGISTRY_ROOT: storage })),
    );
    assert.match(restored.stderr, /restore of \S+ complete/);
    const after = snapshot(pg);
    printRows("rows after ", after);
    assert.deepEqual(after, before);
    assert.equal(pg.sql("SELECT to_regclass('public.newer_feature') IS NULL"), "t");
    assert.equal(
      pg.sql("SELECT realname FROM harbor_user WHERE username = 'obrien'"),
      "Line 1\nLine 2",
    );
    const filesAfter = tree(path.join(storage, "docker", "registry"));
    const withoutUploads = Object.fromEntries(
      Object.entries(filesBefore).filter(([f]) => !f.includes("/_uploads/")),
    );
    assert.deepEqual(filesAfter, withoutUploads);
  });

  it("a fresh installation (empty registry storage, no schema table) backs up and restores", function () {
    pg.sql("DROP TABLE schema_migrations");
    const backups = path.join(work, "backups");
    const storage = path.join(work, "empty-storage");
    mkdirSync(storage);
    ok(run("backup.sh", "create", backupEnv(backups, { BACKUP_REGISTRY_ROOT: storage })));
    const name = onlyBackup(backups);
    const manifest = JSON.parse(
      readFileSync(path.join(backups, name, "manifest.json"), "utf8"),
    ) as Record<string, unknown>;
    assert.equal(manifest.registry, "empty");
    assert.equal(manifest.databaseSchemaVersion, null);
    const dump = readFileSync(path.join(backups, name, "database.dump"));
    assert.deepEqual(manifest.files, [
      {
        name: "database.dump",
        size: statSync(path.join(backups, name, "database.dump")).size,
        sha256: createHash("sha256").update(dump).digest("hex"),
      },
    ]);
    // Images pushed after the backup are removed by the restore: the registry matches the database.
    seedRegistry(storage);
    ok(run("restore.sh", "run", restoreEnv(backups, name, { REGISTRY_ROOT: storage })));
    assert.deepEqual(tree(path.join(storage, "docker", "registry")), {});
  });

  it("refuses a backup taken by a newer Harbor, before touching anything", function () {
    const backups = path.join(work, "backups");
    ok(
      run(
        "backup.sh",
        "create",
        backupEnv(backups, { HARBOR_VERSION: "v2.16.0", CHART_VERSION: "1.20.0" }),
      ),
    );
    const name = onlyBackup(backups);
    pg.sql("DELETE FROM tag");
    const refused = run("restore.sh", "run", restoreEnv(backups, name));
    assert.equal(refused.status, 1);
    assert.match(
      refused.stderr,
      /error: backup \S+ was taken by Harbor v2\.16\.0, newer than the deployed Harbor v2\.15\.1: Harbor cannot run on a newer database schema\. Deploy Harbor v2\.16\.0 or later \(harbor:chart\.version\) and restore again\./,
    );
    assert.equal(pg.sql("SELECT count(*) FROM tag"), "0");
    // An older backup into a newer Harbor is fine (Harbor migrates it forward when it starts).
    ok(run("restore.sh", "run", restoreEnv(backups, name, { HARBOR_VERSION: "v2.16.1" })));
    assert.equal(pg.sql("SELECT count(*) FROM tag"), "3");
  });

  it("refuses a backup whose database schema is newer than the running database's", function () {
    const backups = path.join(work, "backups");
    pg.sql("UPDATE schema_migrations SET version = 190");
    ok(run("backup.sh", "create", backupEnv(backups)));
    pg.sql("UPDATE schema_migrations SET version = 180");
    const refused = run("restore.sh", "verify", restoreEnv(backups, onlyBackup(backups)));
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /has database schema version 190, newer than this Harbor's 180/);
  });

  it("refuses a damaged backup and leaves the database as it was", function () {
    const backups = path.join(work, "backups");
    ok(run("backup.sh", "create", backupEnv(backups)));
    const name = onlyBackup(backups);
    const dump = path.join(backups, name, "database.dump");
    const bytes = readFileSync(dump);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(dump, bytes);
    pg.sql("DELETE FROM tag");
    const refused = run("restore.sh", "run", restoreEnv(backups, name));
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /database\.dump does not match its sha256: the backup is damaged/);
    assert.equal(pg.sql("SELECT count(*) FROM tag"), "0");
  });

  it("waits for Harbor's sessions to end and refuses while one stays, naming it", function () {
    const backups = path.join(work, "backups");
    ok(run("backup.sh", "create", backupEnv(backups)));
    const holder = spawnSync(
      "sh",
      [
        "-c",
        `PGAPPNAME=harbor-core "${path.join(pg.bin, "psql")}" -X -q -c "SELECT pg_sleep(20)" >/dev/null 2>&1 & echo $!`,
      ],
      { env: { ...process.env, ...pg.env }, encoding: "utf8" },
    );
    const pid = Number(holder.stdout.trim());
    try {
      // Wait until the session is there.
      for (
        let i = 0;
        i < 50 &&
        pg.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'harbor-core'") ===
          "0";
        i++
      ) {
        spawnSync("sleep", ["0.1"]);
      }
      const refused = run(
        "restore.sh",
        "run",
        restoreEnv(backups, onlyBackup(backups), { RESTORE_WAIT_SECONDS: "1" }),
      );
      assert.equal(refused.status, 1);
      assert.match(
        refused.stderr,
        /other sessions still use database registry \(harbor-core@127\.0\.0\.1\)/,
      );
    } finally {
      process.kill(pid);
      pg.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'harbor-core'",
        "postgres",
      );
    }
  });

  it("prunes to keep: keep+2 scheduled backups leave keep; other kinds and fresh partials stay", function () {
    const backups = path.join(work, "backups");
    const complete = (name: string) => write(path.join(backups, name, "manifest.json"), "{}\n");
    const old = ["20250101T030000Z", "20250102T030000Z", "20250103T030000Z", "20250104T030000Z"];
    for (const stamp of old) complete(`${stamp}-scheduled`);
    complete("20241231T120000Z-pre-upgrade-1.19.1");
    write(path.join(backups, "20241230T030000Z-scheduled", "database.dump"), "incomplete");
    write(path.join(backups, ".partial-20241229T030000Z-scheduled", "database.dump"), "stale");
    const stale = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(path.join(backups, ".partial-20241229T030000Z-scheduled"), stale, stale);
    write(path.join(backups, ".partial-29990101T030000Z-scheduled", "database.dump"), "running");

    // keep 3: the four old ones and the new one are keep + 2.
    const created = ok(
      run(
        "backup.sh",
        "create",
        backupEnv(backups, { BACKUP_KEEP: "3", BACKUP_DATABASE: "false" }),
      ),
    );
    const newest = readdirSync(backups)
      .filter((n) => /^2\d{7}T\d{6}Z-scheduled$/.test(n))
      .sort()
      .pop()!;
    assert.deepEqual(
      readdirSync(backups).sort(),
      [
        ".partial-29990101T030000Z-scheduled",
        "20241230T030000Z-scheduled",
        "20241231T120000Z-pre-upgrade-1.19.1",
        "20250103T030000Z-scheduled",
        "20250104T030000Z-scheduled",
        newest,
      ].sort(),
    );
    assert.match(
      created.stderr,
      /pruned 20250101T030000Z-scheduled \(keeping 3 scheduled backups\)/,
    );
    assert.match(created.stderr, /pruned 20250102T030000Z-scheduled/);
  });

  describe("S3 target (aws CLI stand-in)", function () {
    const bucketEnv = (extra: Record<string, string> = {}) => ({
      BACKUP_S3_BUCKET: "harbor-backups",
      BACKUP_S3_PREFIX: "harbor/prod",
      BACKUP_S3_ENDPOINT: "https://s3.example.com",
      FAKE_S3_ROOT: path.join(work, "s3"),
      FAKE_AWS_LOG: path.join(work, "aws.log"),
      ...extra,
    });
    const fakeAwsDir = () => {
      const dir = path.join(work, "fake-bin");
      if (!existsSync(dir)) {
        mkdirSync(dir);
        symlinkSync(FAKE_AWS, path.join(dir, "aws"));
      }
      return [dir, pg.bin, "/usr/local/bin", "/usr/bin", "/bin"];
    };
    const awsCalls = () =>
      readFileSync(path.join(work, "aws.log"), "utf8")
        .split("--\n")
        .filter((c) => c !== "")
        .map((c) => c.trimEnd().split("\n"));

    it("stages, uploads (manifest last), prunes to keep, and restores from the bucket", function () {
      const staging = path.join(work, "staging");
      const storage = path.join(work, "storage");
      seedRegistry(storage);
      const prefixDir = path.join(work, "s3", "harbor-backups", "harbor", "prod");
      for (const stamp of ["20250101T030000Z", "20250102T030000Z", "20250103T030000Z"]) {
        write(path.join(prefixDir, `${stamp}-scheduled`, "manifest.json"), "{}\n");
      }
      const before = snapshot(pg);
      ok(
        run(
          "backup.sh",
          "create",
          backupEnv(staging, {
            BACKUP_TARGET: "s3",
            BACKUP_KEEP: "2",
            BACKUP_REGISTRY_ROOT: storage,
          }),
        ),
      );
      const name = onlyBackup(staging);
      const uploaded = ok(
        run(
          "backup.sh",
          "upload",
          { BACKUP_DIR: staging, BACKUP_KEEP: "2", ...bucketEnv() },
          { pathDirs: fakeAwsDir() },
        ),
      );
      assert.match(uploaded.stderr, /uploaded to s3:\/\/harbor-backups\/harbor\/prod\//);
      const calls = awsCalls();
      assert.deepEqual(
        calls.slice(0, 3).map((c) => c.slice(0, 5)),
        [
          ["--endpoint-url", "https://s3.example.com", "s3", "cp", "--only-show-errors"],
          ["--endpoint-url", "https://s3.example.com", "s3", "cp", "--only-show-errors"],
          ["--endpoint-url", "https://s3.example.com", "s3", "cp", "--only-show-errors"],
        ],
      );
      assert.deepEqual(
        calls.slice(0, 3).map((c) => c[6]),
        [
          `s3://harbor-backups/harbor/prod/${name}/database.dump`,
          `s3://harbor-backups/harbor/prod/${name}/registry.tar`,
          `s3://harbor-backups/harbor/prod/${name}/manifest.json`,
        ],
      );
      // Three old + the new one = keep + 2: the two oldest are removed.
      assert.deepEqual(readdirSync(prefixDir).sort(), ["20250103T030000Z-scheduled", name].sort());

      // Lose everything, then restore from the bucket: the manifest first, then the files.
      pg.sql("DROP TABLE tag, artifact CASCADE");
      rmSync(path.join(storage, "docker"), { recursive: true });
      const restoreDir = path.join(work, "restore");
      const env = { ...restoreEnv(restoreDir, name, { REGISTRY_ROOT: storage }), ...bucketEnv() };
      ok(run("restore.sh", "fetch-manifest", env, { pathDirs: fakeAwsDir() }));
      assert.deepEqual(readdirSync(path.join(restoreDir, name)), ["manifest.json"]);
      ok(run("restore.sh", "verify", { ...env, RESTORE_VERIFY_FILES: "false" }));
      ok(run("restore.sh", "fetch", env, { pathDirs: fakeAwsDir() }));
      ok(run("restore.sh", "run", env));
      assert.deepEqual(snapshot(pg), before);
      assert.ok(existsSync(path.join(storage, "docker", "registry", "v2", "blobs")));
    });

    it("fetch-manifest refuses a backup whose objects do not match the manifest", function () {
      const staging = path.join(work, "staging");
      ok(run("backup.sh", "create", backupEnv(staging, { BACKUP_TARGET: "s3" })));
      const name = onlyBackup(staging);
      ok(
        run(
          "backup.sh",
          "upload",
          { BACKUP_DIR: staging, BACKUP_KEEP: "7", ...bucketEnv() },
          { pathDirs: fakeAwsDir() },
        ),
      );
      writeFileSync(
        path.join(work, "s3", "harbor-backups", "harbor", "prod", name, "database.dump"),
        "truncated",
      );
      const refused = run(
        "restore.sh",
        "fetch-manifest",
        { ...restoreEnv(path.join(work, "r"), name), ...bucketEnv() },
        { pathDirs: fakeAwsDir() },
      );
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /database\.dump should be \d+ bytes, the bucket has 9/);
      const missing = run(
        "restore.sh",
        "fetch-manifest",
        { ...restoreEnv(path.join(work, "r"), "20200101T000000Z-scheduled"), ...bucketEnv() },
        { pathDirs: fakeAwsDir() },
      );
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /backup 20200101T000000Z-scheduled not found/);
    });

    it("hostile values reach aws as plain arguments and never run", function () {
      const staging = path.join(work, "staging");
      ok(
        run(
          "backup.sh",
          "create",
          backupEnv(staging, { BACKUP_TARGET: "s3", BACKUP_DATABASE: "false" }),
        ),
      );
      const hostile = {
        BACKUP_S3_BUCKET: "b'; touch pwned-bucket; '",
        BACKUP_S3_PREFIX: '$(touch pwned-prefix)/`touch pwned-tick`/"q"\nline',
        BACKUP_S3_ENDPOINT: "https://x;touch pwned-endpoint",
      };
      const result = run(
        "backup.sh",
        "upload",
        { BACKUP_DIR: staging, BACKUP_KEEP: "7", ...bucketEnv(hostile) },
        { pathDirs: fakeAwsDir() },
      );
      ok(result);
      for (const f of ["pwned-bucket", "pwned-prefix", "pwned-tick", "pwned-endpoint"]) {
        assert.ok(!existsSync(path.join(work, f)), `${f} was created`);
      }
      const [first] = awsCalls();
      assert.equal(first[1], "https://x;touch pwned-endpoint");
      assert.equal(
        first[6],
        `s3://b'; touch pwned-bucket; '/$(touch pwned-prefix)/\`touch pwned-tick\`/"q"`,
      );
      assert.ok(first[7].startsWith("line/"), "the newline stays inside the one argument");
    });
  });

  it("hostile names and versions are refused without running", function () {
    const backups = path.join(work, "backups");
    mkdirSync(backups);
    for (const from of [
      "$(touch pwned-from)",
      "20250101T030000Z-scheduled\n$(touch pwned-nl)",
      "../../etc",
    ]) {
      const refused = run("restore.sh", "verify", restoreEnv(backups, from));
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /not a backup name/);
    }
    const badVersion = run(
      "backup.sh",
      "create",
      backupEnv(backups, { HARBOR_VERSION: 'v2"; touch pwned-version; "' }),
    );
    assert.equal(badVersion.status, 1);
    assert.match(badVersion.stderr, /HARBOR_VERSION must be a version such as 1\.19\.1/);
    const badKeep = run(
      "backup.sh",
      "create",
      backupEnv(backups, { BACKUP_KEEP: "$(touch pwned-keep)" }),
    );
    assert.equal(badKeep.status, 1);
    assert.deepEqual(
      readdirSync(work).filter((f) => f.startsWith("pwned")),
      [],
    );
    assert.deepEqual(readdirSync(backups), []);
  });

  it("pre-upgrade: nothing on a first installation or without a version change; else the database, named for the target", function () {
    const backups = path.join(work, "backups");
    const env = (chart: string, harbor: string) =>
      backupEnv(backups, {
        BACKUP_KIND: "pre-upgrade",
        CHART_VERSION: chart,
        HARBOR_VERSION: harbor,
        UPGRADE_TO: "1.19.1",
      });
    const first = ok(run("backup.sh", "create", env("", "")));
    assert.match(
      first.stderr,
      /first installation of chart 1\.19\.1: no Harbor data to back up yet/,
    );
    const same = ok(run("backup.sh", "create", env("1.19.1", "v2.15.1")));
    assert.match(same.stderr, /chart 1\.19\.1 is already deployed: no upgrade, nothing to back up/);
    assert.equal(existsSync(backups) ? readdirSync(backups).length : 0, 0);
    ok(run("backup.sh", "create", env("1.18.4", "v2.14.4")));
    const name = onlyBackup(backups);
    assert.match(name, /^\d{8}T\d{6}Z-pre-upgrade-1\.19\.1$/);
    const manifest = JSON.parse(
      readFileSync(path.join(backups, name, "manifest.json"), "utf8"),
    ) as Record<string, unknown>;
    assert.equal(manifest.harborVersion, "v2.14.4");
    assert.equal(manifest.chartVersion, "1.18.4");
    assert.equal(manifest.upgradeTo, "1.19.1");
    assert.equal(manifest.registry, "excluded");
  });

  it("Velero's hook writes a complete custom-format dump inside the database volume", function () {
    const volume = path.join(work, "pgdata-volume");
    const result = spawnSync("sh", ["-c", VELERO_DATABASE_DUMP_HOOK], {
      encoding: "utf8",
      env: {
        PATH: `${pg.bin}:/usr/bin:/bin`,
        HARBOR_BACKUP_DIR: path.join(volume, "harbor-backup"),
        PGHOST: pg.env.PGHOST,
        PGPORT: pg.env.PGPORT,
        POSTGRES_PASSWORD: pg.env.PGPASSWORD,
      },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(readdirSync(path.join(volume, "harbor-backup")), ["registry.dump"]);
    const list = spawnSync(
      path.join(pg.bin, "pg_restore"),
      ["--list", path.join(volume, "harbor-backup", "registry.dump")],
      { encoding: "utf8" },
    );
    assert.equal(list.status, 0);
    assert.match(list.stdout, /TABLE DATA public artifact/);
  });

  it("busybox's tools (as in postgres:*-alpine) run the same round trip", function () {
    const busybox = spawnSync("sh", ["-c", "command -v busybox"], {
      encoding: "utf8",
    }).stdout.trim();
    if (!busybox) {
      console.log("      (busybox is not installed; skipped)");
      this.skip();
    }
    // Only busybox applets and PostgreSQL's clients on PATH. Debian's busybox build lacks
    // `tar -T` (Alpine's has it), so archive creation uses GNU tar; extraction is busybox's.
    const bin = path.join(work, "busybox-bin");
    mkdirSync(bin);
    for (const applet of [
      "sh",
      "find",
      "sed",
      "grep",
      "sort",
      "wc",
      "cut",
      "tr",
      "date",
      "ls",
      "mkdir",
      "rm",
      "mv",
      "cat",
      "dirname",
      "mktemp",
      "sleep",
      "sha256sum",
      "printf",
    ]) {
      symlinkSync(busybox, path.join(bin, applet));
    }
    write(
      path.join(bin, "tar"),
      `#!${busybox} sh\ncase " $* " in *" -T "*) exec /bin/tar "$@" ;; *) exec ${busybox} tar "$@" ;; esac\n`,
    );
    chmodSync(path.join(bin, "tar"), 0o755);
    for (const tool of ["psql", "pg_dump", "pg_restore"])
      symlinkSync(path.join(pg.bin, tool), path.join(bin, tool));

    const storage = path.join(work, "storage");
    seedRegistry(storage);
    const backups = path.join(work, "backups");
    const before = snapshot(pg);
    const options = { shell: path.join(bin, "sh"), pathDirs: [bin] };
    ok(run("backup.sh", "create", backupEnv(backups, { BACKUP_REGISTRY_ROOT: storage }), options));
    const name = onlyBackup(backups);
    pg.sql("DELETE FROM tag; DELETE FROM artifact");
    rmSync(path.join(storage, "docker"), { recursive: true });
    ok(run("restore.sh", "run", restoreEnv(backups, name, { REGISTRY_ROOT: storage }), options));
    assert.deepEqual(snapshot(pg), before);
    assert.ok(
      existsSync(
        path.join(
          storage,
          "docker",
          "registry",
          "v2",
          "repositories",
          "library",
          "nginx",
          "_manifests",
        ),
      ),
    );
  });
});
