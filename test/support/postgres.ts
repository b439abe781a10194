/**
 * A throwaway PostgreSQL server for the backup tests: Debian's `postgresql` binaries
 * (/usr/lib/postgresql/<major>/bin, or initdb on PATH), a cluster in a temporary directory on a
 * free loopback port with password authentication, run as the `postgres` user when the tests run
 * as root (PostgreSQL refuses to run as root).
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** Directory holding initdb, pg_ctl, psql, pg_dump and pg_restore; undefined when absent. */
export function findPostgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const majors = readdirSync(root)
      .filter((d) => /^\d+$/.test(d))
      .sort((a, b) => Number(b) - Number(a));
    for (const major of majors) {
      const bin = path.join(root, major, "bin");
      if (existsSync(path.join(bin, "initdb")) && existsSync(path.join(bin, "pg_dump"))) return bin;
    }
  }
  const which = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" });
  return which.status === 0 ? path.dirname(which.stdout.trim()) : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function uidOf(user: string): { uid: number; gid: number } | undefined {
  const id = spawnSync("id", ["-u", user], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", user], { encoding: "utf8" });
  if (id.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export interface PostgresServer {
  /** Directory of the client binaries (put it first on PATH for the scripts). */
  bin: string;
  /** PG* variables that reach the server as its superuser `postgres`. */
  env: Record<string, string>;
  /** Runs SQL and returns the unaligned output (`|`-separated columns, one row a line). */
  sql(query: string, database?: string): string;
  stop(): void;
}

/** Starts a fresh cluster; throws when it cannot. */
export async function startPostgres(bin: string): Promise<PostgresServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "harbor-pg-"));
  const password = "pg-test-password";
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? uidOf("postgres") : undefined;
  if (asRoot && !owner)
    throw new Error("running as root but there is no postgres user to run the server as");
  writeFileSync(path.join(dir, "pwfile"), `${password}\n`);
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(path.join(dir, "pwfile"), owner.uid, owner.gid);
  }
  chmodSync(dir, 0o700);
  const run = (file: string, args: string[]) => {
    const cmd = owner ? "runuser" : file;
    const argv = owner ? ["-u", "postgres", "--", file, ...args] : args;
    execFileSync(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
  };
  const data = path.join(dir, "data");
  run(path.join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=scram-sha-256",
    `--pwfile=${path.join(dir, "pwfile")}`,
    "--no-sync",
  ]);
  run(path.join(bin, "pg_ctl"), [
    "-D",
    data,
    "-l",
    path.join(dir, "server.log"),
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    "-w",
    "start",
  ]);
  const env = {
    PGHOST: "127.0.0.1",
    PGPORT: String(port),
    PGUSER: "postgres",
    PGPASSWORD: password,
    PGDATABASE: "registry",
    PGSSLMODE: "disable",
  };
  const sql = (query: string, database = "registry") =>
    execFileSync(
      path.join(bin, "psql"),
      ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", query],
      { env: { ...process.env, ...env }, encoding: "utf8" },
    ).trimEnd();
  return {
    bin,
    env,
    sql,
    stop: () => {
      try {
        run(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
