/**
 * The real Harbor of `npm run test:harbor`: Harbor 2.9.5's core, jobservice and registryctl with
 * Debian's PostgreSQL, Redis and registry, from the box directory in HARBOR_BOX (`.ci/run` sets it
 * to ../shared/reference/harbor-2.9.5 when that exists; its README says what it covers).
 *
 * Each start picks free loopback ports (or HARBOR_PORT, PG_PORT, ... from the environment), keeps
 * its state in a fresh directory of its own (TMPDIR and RUN_DIR), and is stopped with the box's
 * stop.sh for that directory, which kills exactly the PIDs start.sh recorded.
 */
import { execFile, spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  appendFileSync,
  rmSync,
  openSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { HarborUser } from "./harbor-http";

/** The box directory, or undefined (the suite then skips, saying why). */
export const BOX = process.env.HARBOR_BOX;

/** Why the suite skips, or undefined when it runs. */
export function skipReason(): string | undefined {
  if (!BOX) return "HARBOR_BOX unset: skipped; set it to the Harbor 2.9.5 box directory";
  if (!existsSync(path.join(BOX, "start.sh"))) return `HARBOR_BOX=${BOX} has no start.sh: skipped`;
  return undefined;
}

/** A running Harbor. */
export interface Box {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The admin password it started with. */
  adminPassword: string;
  runDir: string;
  /** Seconds start.sh took. */
  startSeconds: number;
  /** Stops core only (connection refused), as when Harbor is down. */
  stopCore(): Promise<void>;
  /** Starts core again on the same data; resolves when it answers, rejects when it exits. */
  startCore(seconds?: number): Promise<void>;
  /** SQL as PostgreSQL's superuser on Harbor's database; answers the rows, tab-separated. */
  sql(statement: string): Promise<string>;
  /** Stops everything this start started. */
  stop(): Promise<void>;
}

const run = (file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 240000) =>
  new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
    execFile(
      file,
      args,
      { env, timeout: timeoutMs, maxBuffer: 8 << 20 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`${file} ${args.join(" ")}: ${error.message}\n${stdout}\n${stderr}`))
          : resolve({ stdout, stderr }),
    ),
  );

/** A loopback port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function waitFor(url: string, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const PORT_VARS = [
  "HARBOR_PORT",
  "PG_PORT",
  "REDIS_PORT",
  "REGISTRY_PORT",
  "REGISTRY_DEBUG_PORT",
  "REGISTRYCTL_PORT",
  "JOBSERVICE_PORT",
] as const;

/**
 * Starts Harbor; `coreExtraEnv` are NAME=VALUE lines for core (CONFIG_OVERWRITE_JSON). Only the
 * shared box takes ports from the environment (HARBOR_PORT, ...): any other runs beside it.
 */
export async function startBox(
  options: { coreExtraEnv?: string; portsFromEnvironment?: boolean } = {},
): Promise<Box> {
  const box = BOX!;
  const tmp = mkdtempSync(path.join(tmpdir(), "harbor-test-"));
  // PostgreSQL runs as user postgres (start.sh): it must reach the run directory.
  chmodSync(tmp, 0o755);
  const runDir = path.join(tmp, "run");
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, RUN_DIR: runDir };
  const taken = new Set<number>();
  for (const name of PORT_VARS) {
    if (process.env[name] && options.portsFromEnvironment) continue;
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    env[name] = String(port);
  }
  if (options.coreExtraEnv) env.CORE_EXTRA_ENV = options.coreExtraEnv;
  else delete env.CORE_EXTRA_ENV;
  const started = Date.now();
  try {
    await run(path.join(box, "start.sh"), [], env);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  const startSeconds = (Date.now() - started) / 1000;
  const harborEnv = Object.fromEntries(
    readFileSync(path.join(runDir, "harbor.env"), "utf8")
      .trim()
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  const url = harborEnv.HARBOR_URL;
  const pids = path.join(runDir, "pids");
  const corePid = () => {
    const lines = readFileSync(pids, "utf8").trim().split("\n");
    return Number(
      lines
        .filter((l) => l.startsWith("core "))
        .pop()!
        .split(" ")[1],
    );
  };
  const pgPort = env.PG_PORT ?? "15432";
  return {
    url,
    adminPassword: harborEnv.HARBOR_PASSWORD,
    runDir,
    startSeconds,
    async stopCore() {
      const pid = corePid();
      process.kill(pid, "SIGTERM");
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`core ${pid} did not stop`);
    },
    async startCore(seconds = 120) {
      // As start.sh starts it: core.env as the whole environment, the box's harbor/ as its
      // working directory; recorded in the PID file so stop.sh stops it too.
      const coreEnv = Object.fromEntries(
        readFileSync(path.join(runDir, "core.env"), "utf8")
          .split("\n")
          .filter((l) => l.includes("="))
          .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
      );
      const log = openSync(path.join(runDir, "logs", "core.log"), "a");
      const child = spawn(path.join(box, "bin", "harbor_core"), [], {
        cwd: path.join(box, "harbor"),
        env: { PATH: "/usr/bin:/bin", ...coreEnv },
        stdio: ["ignore", log, log],
        detached: true,
      });
      child.unref();
      appendFileSync(pids, `core ${child.pid}\n`);
      const exited = new Promise<never>((_, reject) =>
        child.once("exit", (code) => reject(new Error(`core exited (${code}): did not answer`))),
      );
      exited.catch(() => undefined);
      await Promise.race([waitFor(`${url}/api/v2.0/ping`, seconds), exited]);
    },
    async sql(statement: string) {
      const { stdout } = await run(
        "runuser",
        [
          "-u",
          "postgres",
          "--",
          "/usr/lib/postgresql/15/bin/psql",
          "-h",
          path.join(runDir, "pgsock"),
          "-p",
          pgPort,
          "-U",
          "postgres",
          "-d",
          "registry",
          "-At",
          "-F",
          "\t",
          "-c",
          statement,
        ],
        process.env,
        30000,
      );
      return stdout.trim();
    },
    async stop() {
      try {
        await run(path.join(box, "stop.sh"), [runDir], env, 60000);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  };
}

let shared: Promise<Box> | undefined;

/** The Harbor the suite's files share: started on first use, stopped by hooks.ts after all. */
export function sharedBox(): Promise<Box> {
  shared ??= startBox({ portsFromEnvironment: true });
  return shared;
}

/** Stops the shared Harbor, if it was started. */
export async function stopSharedBox(): Promise<void> {
  if (!shared) return;
  const box = await shared.catch(() => undefined);
  shared = undefined;
  await box?.stop();
}

/**
 * Why a file that can run against any Harbor skips, or undefined when it runs: HARBOR_URL with
 * HARBOR_USERNAME and HARBOR_PASSWORD (a Harbor of your own, for instance one started by hand with
 * the box's start.sh) overrides the shared box.
 */
export function harborSkipReason(): string | undefined {
  if (process.env.HARBOR_URL) {
    return process.env.HARBOR_USERNAME && process.env.HARBOR_PASSWORD
      ? undefined
      : "HARBOR_URL is set without HARBOR_USERNAME and HARBOR_PASSWORD: skipped";
  }
  return skipReason();
}

/** The Harbor in HARBOR_URL when set, else the shared box; as admin. */
export async function harborUnderTest(): Promise<HarborUser> {
  const url = process.env.HARBOR_URL;
  if (url) {
    return {
      url: url.replace(/\/+$/, ""),
      username: process.env.HARBOR_USERNAME ?? "",
      password: process.env.HARBOR_PASSWORD ?? "",
    };
  }
  const box = await sharedBox();
  return { url: box.url, username: "admin", password: box.adminPassword };
}
