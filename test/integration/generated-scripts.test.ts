/**
 * Every shell script the program generates, run for real with hostile values in its environment:
 * nothing in a value is executed, and nothing outside the directory the script is meant to write is
 * created or changed. Each script runs in a temporary root whose paths stand in for the container's
 * mounts, under the shell its image has: busybox's sh with busybox's own cp/mv/chmod/mkdir/rm for
 * the busybox-based node-trust and local-path helpers, bash with GNU coreutils for pgdata-ownership
 * (the harbor-db image is Photon, whose /bin/sh is bash).
 *
 * Each run starts several processes, so `npm test` runs the classes the issue names (`$()`,
 * backticks, both quotes, newline, `;`) plus `*` and `-rf` under the image's shell;
 * `HOSTILE_SCRIPTS=full` runs all 13 values and every file-name case under dash, bash and busybox.
 *
 * The scripts: the node-trust install script (`components/node-trust.ts`), the pgdata-ownership
 * init container (`lib/values.ts`) and the local-path-provisioner's setup and teardown helpers
 * (`components/local-path-provisioner.ts`). The node-trust idle script takes no input.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { INSTALL_SCRIPT, installEnv } from "../../components/node-trust";
import {
  LOCAL_PATH_SETUP_SCRIPT,
  LOCAL_PATH_TEARDOWN_SCRIPT,
} from "../../components/local-path-provisioner";
import { expandKubernetesReferences, kubernetesEnv } from "../../lib/scripts";
import { PGDATA_OWNERSHIP_SCRIPT, pgdataOwnershipContainer } from "../../lib/values";

/**
 * Values an attacker would try. None contains `/`, so each is also a valid file name; the commands
 * they smuggle create `pwned-*` files in the script's working directory.
 */
export const ALL_HOSTILE_VALUES: readonly string[] = [
  "$(touch pwned-dollar)",
  "`touch pwned-backtick`",
  '"; touch pwned-dquote; echo "',
  "'; touch pwned-squote; echo '",
  "x\ntouch pwned-newline",
  "x; touch pwned-semicolon",
  "*",
  "-rf",
  "x && touch pwned-and",
  "x | touch pwned-pipe",
  "${IFS}touch${IFS}pwned-ifs",
  "%s%n\\c\\n-escapes",
  "x\u2028y\u2029z",
];

const FULL = process.env.HOSTILE_SCRIPTS === "full";

/** The values each script is run with: the first eight, or all with `HOSTILE_SCRIPTS=full`. */
export const HOSTILE_VALUES = FULL ? ALL_HOSTILE_VALUES : ALL_HOSTILE_VALUES.slice(0, 8);

interface Shell {
  name: string;
  /** argv[0] and the arguments before `-c`. */
  command: string[];
  PATH: string;
}

const BUSYBOX = ["/usr/bin/busybox", "/bin/busybox"].find((p) => existsSync(p));
const BASH = ["/usr/bin/bash", "/bin/bash"].find((p) => existsSync(p));
const APPLETS = ["cp", "mv", "chmod", "chown", "mkdir", "rm", "printf", "touch", "echo", "sleep"];
const ALL_SHELLS = FULL;

/**
 * The shells a script runs under: the one its image has (`busybox` or `bash`), falling back to
 * /bin/sh when this machine lacks it; every available one with `HOSTILE_SCRIPTS=full`.
 */
function shells(root: string, image: "busybox" | "bash"): Shell[] {
  const PATH = process.env.PATH ?? "";
  const available: Shell[] = [];
  if (BUSYBOX && (ALL_SHELLS || image === "busybox")) {
    const bin = path.join(root, ".busybox-bin");
    if (!existsSync(bin)) {
      mkdirSync(bin);
      for (const applet of APPLETS) symlinkSync(BUSYBOX, path.join(bin, applet));
    }
    available.push({ name: "busybox", command: [BUSYBOX, "sh"], PATH: bin });
  }
  if (BASH && (ALL_SHELLS || image === "bash")) {
    available.push({ name: "bash", command: [BASH], PATH });
  }
  if (ALL_SHELLS || available.length === 0) {
    available.push({ name: "sh", command: ["/bin/sh"], PATH });
  }
  return available;
}

/** Every path under `dir` with what a write would change (content, mode, owner; not dir mtimes). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string) => {
    const st = lstatSync(p);
    const content = st.isFile() ? readFileSync(p).toString("base64") : "";
    out.set(p, `${st.mode}:${st.uid}:${st.gid}:${content}`);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(path.join(p, e));
  };
  walk(dir);
  return out;
}

/**
 * Paths created, removed or changed between two snapshots, outside `allowed` (the directory the
 * script is meant to write, and its parent only for creating or removing that directory).
 */
function changesOutside(
  before: Map<string, string>,
  after: Map<string, string>,
  allowed: string,
): string[] {
  const inside = (p: string) => p === allowed || p.startsWith(`${allowed}${path.sep}`);
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => !inside(k) && before.get(k) !== after.get(k)).sort();
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(shell: Shell, script: string, env: Record<string, string>, cwd: string): Run {
  const r = spawnSync(shell.command[0], [...shell.command.slice(1), "-c", script], {
    cwd,
    env: { PATH: shell.PATH, ...env },
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** No smuggled command ran: no `pwned-*` file anywhere under the root or in the temp directory. */
function assertNothingExecuted(root: string): void {
  const found = [...snapshot(root).keys()].filter((p) => path.basename(p).startsWith("pwned"));
  assert.deepEqual(found, [], "a command inside a value was executed");
  assert.ok(!readdirSync(tmpdir()).some((f) => f.startsWith("pwned")));
}

/** A fresh temporary root with a working directory for the script. */
function withRoot(body: (root: string, cwd: string) => void): void {
  const root = mkdtempSync(path.join(tmpdir(), "hostile-script-"));
  try {
    const cwd = path.join(root, "cwd");
    mkdirSync(cwd);
    body(root, cwd);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Counts of script runs, reported once at the end. */
const runs: Record<string, number> = {};
const count = (script: string, shell: Shell) => {
  const key = `${script} (${shell.name})`;
  runs[key] = (runs[key] ?? 0) + 1;
};

describe("generated scripts with hostile values", function () {
  after(function () {
    const total = Object.values(runs).reduce((a, b) => a + b, 0);
    console.log(
      `      hostile-value runs: ${total} (${Object.entries(runs)
        .map(([k, v]) => `${k}: ${v}`)
        .join(", ")})`,
    );
  });

  it("a container sees each env value exactly as given (every $ is escaped for the kubelet)", function () {
    for (const value of ALL_HOSTILE_VALUES) {
      const [env] = kubernetesEnv({ V: `$(HOME)${value}$$` });
      assert.equal(expandKubernetesReferences(env.value, { HOME: "/root" }), `$(HOME)${value}$$`);
    }
    // And the scripts carry no $( the kubelet would expand before the shell runs them.
    for (const script of [
      INSTALL_SCRIPT,
      PGDATA_OWNERSHIP_SCRIPT,
      LOCAL_PATH_SETUP_SCRIPT,
      LOCAL_PATH_TEARDOWN_SCRIPT,
    ]) {
      assert.equal(expandKubernetesReferences(script, { HOME: "/root", PGDATA_DIR: "x" }), script);
    }
  });

  describe("node-trust install script", function () {
    /** Sets up the ConfigMap stand-in and the node directory; runs the script once. */
    function install(
      root: string,
      cwd: string,
      shell: Shell,
      o: { hostDir?: string; targetName?: string; files?: string[] },
    ) {
      const files = path.join(root, "trust");
      const target = path.join(root, "node", o.targetName ?? "registry");
      mkdirSync(files, { recursive: true });
      mkdirSync(target, { recursive: true });
      writeFileSync(path.join(files, "ca.crt"), "CA PEM\n");
      writeFileSync(path.join(files, "hosts.toml"), 'server = "https://h"\n');
      writeFileSync(path.join(root, "node", "neighbour"), "untouched\n");
      const before = snapshot(root);
      const env = installEnv(o.files ?? ["ca.crt", "hosts.toml"], o.hostDir ?? "/etc/x", {
        files,
        target,
      });
      count("node-trust install", shell);
      const result = run(shell, INSTALL_SCRIPT, env, cwd);
      return { result, before, after: snapshot(root), target };
    }

    for (const value of HOSTILE_VALUES) {
      it(`HOST_DIR and the target directory ${JSON.stringify(value)}: files installed, nothing run`, function () {
        withRoot((root, cwd) => {
          for (const shell of shells(root, "busybox")) {
            const { result, before, after, target } = install(root, cwd, shell, {
              hostDir: `/etc/containerd/certs.d/${value}`,
              targetName: value,
            });
            assert.equal(result.status, 0, `${shell.name}: ${result.stderr}`);
            assert.equal(
              result.stdout,
              `installed ca.crt hosts.toml in /etc/containerd/certs.d/${value}\n`,
            );
            assert.equal(readFileSync(path.join(target, "ca.crt"), "utf8"), "CA PEM\n");
            assert.equal(statSync(path.join(target, "ca.crt")).mode & 0o777, 0o644);
            assert.deepEqual(readdirSync(target).sort(), ["ca.crt", "hosts.toml"]);
            assert.deepEqual(changesOutside(before, after, target), []);
            assertNothingExecuted(root);
            rmSync(path.join(root, "node"), { recursive: true });
          }
        });
      });
    }

    const fileCases = [
      ["ca.crt", "../../outside"],
      ["*"],
      ["$(touch pwned-files)"],
      ["../escape"],
      [".hidden"],
      ["ca.crt\ntouch pwned-newline"],
      ["`touch pwned-backtick`"],
    ];
    for (const files of FULL ? fileCases : fileCases.slice(0, 3)) {
      it(`TRUST_FILES ${JSON.stringify(files.join(" "))}: refused or missing, nothing written outside`, function () {
        withRoot((root, cwd) => {
          for (const shell of shells(root, "busybox")) {
            writeFileSync(path.join(root, "escape"), "outside\n");
            const { result, before, after, target } = install(root, cwd, shell, { files });
            assert.notEqual(result.status, 0, `${shell.name} accepted ${files.join(" ")}`);
            assert.deepEqual(changesOutside(before, after, target), []);
            assert.equal(readFileSync(path.join(root, "escape"), "utf8"), "outside\n");
            assertNothingExecuted(root);
            rmSync(path.join(root, "node"), { recursive: true });
          }
        });
      });
    }

    it("a symlink planted under the temporary name is replaced, not followed", function () {
      withRoot((root, cwd) => {
        for (const shell of shells(root, "busybox")) {
          const victim = path.join(root, "victim");
          writeFileSync(victim, "precious\n");
          const target = path.join(root, "node", "registry");
          mkdirSync(target, { recursive: true });
          symlinkSync(victim, path.join(target, ".ca.crt.tmp"));
          const { result } = install(root, cwd, shell, {});
          assert.equal(result.status, 0, result.stderr);
          assert.equal(readFileSync(victim, "utf8"), "precious\n");
          assert.equal(readFileSync(path.join(target, "ca.crt"), "utf8"), "CA PEM\n");
          rmSync(path.join(root, "node"), { recursive: true });
        }
      });
    });
  });

  describe("pgdata-ownership init container", function () {
    const asRoot = process.getuid?.() === 0;

    it("its container passes the directory in the environment, nowhere else", function () {
      const container = pgdataOwnershipContainer("harbor-db:v2.15.1");
      assert.deepEqual(container.args, [PGDATA_OWNERSHIP_SCRIPT]);
      assert.deepEqual(container.env, [
        { name: "PGDATA_DIR", value: "/var/lib/postgresql/data/pgdata" },
      ]);
    });

    for (const value of HOSTILE_VALUES) {
      it(`PGDATA_DIR named ${JSON.stringify(value)}: owned by 999 with mode 0700, nothing run`, function () {
        withRoot((root, cwd) => {
          for (const shell of shells(root, "bash")) {
            const data = path.join(root, "data");
            const pgdata = path.join(data, value);
            const outside = path.join(root, "outside");
            mkdirSync(pgdata, { recursive: true });
            writeFileSync(outside, "outside\n");
            writeFileSync(path.join(pgdata, "PG_VERSION"), "15\n");
            symlinkSync(outside, path.join(pgdata, "link-out"));
            chmodSync(pgdata, 0o777);
            const before = snapshot(root);
            count("pgdata-ownership", shell);
            const result = run(shell, PGDATA_OWNERSHIP_SCRIPT, { PGDATA_DIR: pgdata }, cwd);
            assert.equal(result.status, 0, `${shell.name}: ${result.stderr}`);
            if (asRoot) {
              assert.equal(result.stdout, "");
              for (const p of [pgdata, path.join(pgdata, "PG_VERSION")]) {
                assert.equal(statSync(p).uid, 999, `${shell.name}: ${p} not chowned`);
              }
              assert.equal(lstatSync(path.join(pgdata, "link-out")).uid, 999);
              assert.equal(statSync(pgdata).mode & 0o777, 0o700);
            } else {
              // Without root the chown fails: a warning naming the directory verbatim.
              assert.equal(
                result.stdout,
                `warning: could not fix ownership of ${pgdata} (root squashed by the NFS export?)\n`,
              );
            }
            // Nothing outside the data directory changed: not the link's target either.
            assert.deepEqual(changesOutside(before, snapshot(root), pgdata), []);
            assertNothingExecuted(root);
            rmSync(data, { recursive: true });
          }
        });
      });
    }

    it("a data directory that is a symlink is left alone (it may point outside the volume)", function () {
      withRoot((root, cwd) => {
        for (const shell of shells(root, "bash")) {
          const elsewhere = path.join(root, "elsewhere");
          mkdirSync(elsewhere);
          chmodSync(elsewhere, 0o755);
          const link = path.join(root, "pgdata");
          symlinkSync(elsewhere, link);
          const before = snapshot(root);
          count("pgdata-ownership", shell);
          const result = run(shell, PGDATA_OWNERSHIP_SCRIPT, { PGDATA_DIR: link }, cwd);
          assert.equal(result.status, 0, result.stderr);
          assert.deepEqual(changesOutside(before, snapshot(root), path.join(root, "none")), []);
          rmSync(link);
          rmSync(elsewhere, { recursive: true });
        }
      });
    });
  });

  describe("local-path-provisioner helper scripts", function () {
    for (const value of HOSTILE_VALUES) {
      it(`VOL_DIR named ${JSON.stringify(value)}: setup creates it, teardown removes it, nothing else`, function () {
        withRoot((root, cwd) => {
          for (const shell of shells(root, "busybox")) {
            const volumes = path.join(root, "volumes");
            mkdirSync(volumes);
            writeFileSync(path.join(volumes, "neighbour"), "keep\n");
            const volume = path.join(volumes, value);
            const env = { VOL_DIR: volume, VOL_MODE: "Filesystem", VOL_SIZE_BYTES: "1024" };

            let before = snapshot(root);
            count("local-path setup", shell);
            const setup = run(shell, LOCAL_PATH_SETUP_SCRIPT, env, cwd);
            assert.equal(setup.status, 0, `${shell.name}: ${setup.stderr}`);
            assert.ok(statSync(volume).isDirectory());
            assert.equal(statSync(volume).mode & 0o777, 0o777);
            assert.deepEqual(changesOutside(before, snapshot(root), volume), []);

            writeFileSync(path.join(volume, "data"), "blob\n");
            before = snapshot(root);
            count("local-path teardown", shell);
            const teardown = run(shell, LOCAL_PATH_TEARDOWN_SCRIPT, env, cwd);
            assert.equal(teardown.status, 0, `${shell.name}: ${teardown.stderr}`);
            assert.ok(!existsSync(volume));
            assert.deepEqual(changesOutside(before, snapshot(root), volume), []);
            assert.equal(readFileSync(path.join(volumes, "neighbour"), "utf8"), "keep\n");
            assertNothingExecuted(root);
            rmSync(volumes, { recursive: true });
          }
        });
      });
    }
  });
});
