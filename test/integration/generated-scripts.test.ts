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
 * The node-trust DaemonSet with node mirrors is also run whole: its ConfigMap and volumes are laid
 * out as the kubelet would (a ConfigMap volume's `items` projected, hostPath directories created),
 * and each install container runs with exactly its env and mounts, in order.
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
import {
  INSTALL_SCRIPT,
  installEnv,
  nodeMirrorFiles,
  nodeTrustConfigMapData,
  nodeTrustDaemonSetSpec,
  trustFiles,
} from "../../components/node-trust";
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
 * Paths created, removed or changed between two snapshots, outside `allowed` (the directories the
 * script is meant to write, and their parents only for creating or removing those directories).
 */
function changesOutside(
  before: Map<string, string>,
  after: Map<string, string>,
  allowed: string | readonly string[],
): string[] {
  const dirs = typeof allowed === "string" ? [allowed] : allowed;
  const inside = (p: string) => dirs.some((d) => p === d || p.startsWith(`${d}${path.sep}`));
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

  describe("node-trust DaemonSet with node mirrors, run as the kubelet would", function () {
    const REGISTRY = "192.168.56.10:30003";
    const HOSTS_DIR = "/etc/containerd/certs.d";
    const CA = "-----BEGIN CERTIFICATE-----\nTUlJQ0FURVNUQ0E=\n-----END CERTIFICATE-----\n";
    const MIRRORS = { "docker.io": "dockerhub-cache", "registry.local:5000": "local-cache" };

    interface PlainContainer {
      name: string;
      command: string[];
      env: { name: string; value: string }[];
      volumeMounts: { name: string; mountPath: string }[];
    }
    interface PlainVolume {
      name: string;
      configMap?: { name: string; items?: { key: string; path: string }[] };
      hostPath?: { path: string; type: string };
    }

    /** The real ConfigMap data and pod spec, with plain values (no Outputs involved). */
    function realPod(mirrors: Record<string, string>) {
      const files = nodeMirrorFiles("containerd", HOSTS_DIR, REGISTRY, mirrors);
      const data = nodeTrustConfigMapData(
        trustFiles("containerd", HOSTS_DIR, REGISTRY, CA),
        files,
      ) as Record<string, string>;
      const spec = nodeTrustDaemonSetSpec({
        image: "busybox:1.37.0",
        runtime: "containerd",
        hostsDir: HOSTS_DIR,
        registry: REGISTRY,
        configMapName: "harbor-node-trust",
        caSha256: "0",
        mirrors: files,
      }) as unknown as {
        template: { spec: { initContainers: PlainContainer[]; volumes: PlainVolume[] } };
      };
      return { data, files, pod: spec.template.spec };
    }

    /**
     * Lays out the pod's volumes under `root`: a ConfigMap volume as a directory of its keys (only
     * its `items`, under their paths, when it has some), a hostPath as `<root>/node/<path>`,
     * created like `DirectoryOrCreate`. Returns the local directory of each volume.
     */
    function layOut(root: string, volumes: PlainVolume[], data: Record<string, string>) {
      const local = new Map<string, string>();
      for (const v of volumes) {
        if (v.configMap) {
          const dir = path.join(root, "volumes", v.name);
          mkdirSync(dir, { recursive: true });
          const items = v.configMap.items ?? Object.keys(data).map((key) => ({ key, path: key }));
          for (const item of items) writeFileSync(path.join(dir, item.path), data[item.key]);
          local.set(v.name, dir);
        } else if (v.hostPath) {
          assert.equal(v.hostPath.type, "DirectoryOrCreate");
          const dir = path.join(root, "node", v.hostPath.path);
          mkdirSync(dir, { recursive: true });
          local.set(v.name, dir);
        } else {
          assert.fail(`unexpected volume ${v.name}`);
        }
      }
      return local;
    }

    /**
     * Runs one init container: its script, its env as the kubelet hands it over (`$$` -> `$`),
     * with each value that is one of its mount paths replaced by that volume's local directory.
     */
    function runContainer(
      shell: Shell,
      c: PlainContainer,
      local: Map<string, string>,
      cwd: string,
      override: Record<string, string> = {},
    ): Run {
      assert.deepEqual(c.command.slice(0, 2), ["/bin/sh", "-c"]);
      assert.equal(c.command[2], INSTALL_SCRIPT);
      const mounts = new Map(c.volumeMounts.map((m) => [m.mountPath, local.get(m.name)]));
      const env: Record<string, string> = {};
      for (const e of c.env) {
        const value = expandKubernetesReferences(e.value, {});
        env[e.name] = mounts.get(value) ?? value;
      }
      count("node-trust install (pod)", shell);
      return run(shell, INSTALL_SCRIPT, { ...env, ...override }, cwd);
    }

    it("writes Harbor's directory, then docker.io and registry.local:5000, exactly, nothing else", function () {
      withRoot((root, cwd) => {
        for (const shell of shells(root, "busybox")) {
          const { data, files, pod } = realPod(MIRRORS);
          const local = layOut(root, pod.volumes, data);
          const certsD = path.join(root, "node", HOSTS_DIR);
          // Files of the node that must survive: another registry, a stale mirror file.
          mkdirSync(path.join(certsD, "quay.io"), { recursive: true });
          writeFileSync(path.join(certsD, "quay.io", "hosts.toml"), "untouched\n");
          writeFileSync(path.join(certsD, "docker.io", "hosts.toml"), "stale\n");
          const targets = [REGISTRY, "docker.io", "registry.local:5000"].map((d) =>
            path.join(certsD, d),
          );
          const before = snapshot(root);

          assert.deepEqual(
            pod.initContainers.map((c) => c.name),
            ["install", "install-mirror-0", "install-mirror-1"],
          );
          const outputs = pod.initContainers.map((c) => {
            const r = runContainer(shell, c, local, cwd);
            assert.equal(r.status, 0, `${shell.name} ${c.name}: ${r.stderr}`);
            return r.stdout;
          });
          assert.deepEqual(outputs, [
            `installed ca.crt hosts.toml in ${HOSTS_DIR}/${REGISTRY}\n`,
            `installed hosts.toml in ${HOSTS_DIR}/docker.io\n`,
            `installed hosts.toml in ${HOSTS_DIR}/registry.local:5000\n`,
          ]);

          // Each directory holds exactly its files, with the ConfigMap's content, mode 0644.
          const read = (dir: string, f: string) => readFileSync(path.join(certsD, dir, f), "utf8");
          assert.deepEqual(readdirSync(path.join(certsD, REGISTRY)).sort(), [
            "ca.crt",
            "hosts.toml",
          ]);
          assert.equal(read(REGISTRY, "ca.crt"), CA);
          assert.equal(read(REGISTRY, "hosts.toml"), data["hosts.toml"]);
          for (const [i, upstream] of ["docker.io", "registry.local:5000"].entries()) {
            assert.deepEqual(readdirSync(path.join(certsD, upstream)), ["hosts.toml"]);
            assert.equal(read(upstream, "hosts.toml"), files[i].content);
            assert.equal(read(upstream, "hosts.toml"), data[`mirror-${i}-hosts.toml`]);
            const mode = statSync(path.join(certsD, upstream, "hosts.toml")).mode & 0o777;
            assert.equal(mode, 0o644);
          }
          assert.match(
            read("docker.io", "hosts.toml"),
            /^server = "https:\/\/registry-1\.docker\.io"$/m,
          );
          assert.match(
            read("docker.io", "hosts.toml"),
            /^\[host\."https:\/\/192\.168\.56\.10:30003\/v2\/dockerhub-cache"\]$/m,
          );
          // The mirror names the CA the first container wrote.
          assert.ok(
            read("docker.io", "hosts.toml").includes(`ca = "${HOSTS_DIR}/${REGISTRY}/ca.crt"`),
          );
          assert.equal(read("quay.io", "hosts.toml"), "untouched\n");
          assert.deepEqual(changesOutside(before, snapshot(root), targets), []);
          assertNothingExecuted(root);
          rmSync(path.join(root, "node"), { recursive: true });
          rmSync(path.join(root, "volumes"), { recursive: true });
        }
      });
    });

    for (const value of HOSTILE_VALUES) {
      it(`a mirror directory named ${JSON.stringify(value)}: hosts.toml lands there, nothing run`, function () {
        withRoot((root, cwd) => {
          for (const shell of shells(root, "busybox")) {
            const { data, pod } = realPod({ "docker.io": "dockerhub-cache" });
            const mirror = pod.initContainers[1];
            // The same container, its hostPath and HOST_DIR named by the hostile value.
            const volumes = pod.volumes.map((v) =>
              v.name === "mirror-0-dir"
                ? { ...v, hostPath: { path: `${HOSTS_DIR}/${value}`, type: "DirectoryOrCreate" } }
                : v,
            );
            const local = layOut(root, volumes, data);
            const target = path.join(root, "node", HOSTS_DIR, value);
            const before = snapshot(root);
            const r = runContainer(shell, mirror, local, cwd, {
              HOST_DIR: `${HOSTS_DIR}/${value}`,
            });
            assert.equal(r.status, 0, `${shell.name}: ${r.stderr}`);
            assert.equal(r.stdout, `installed hosts.toml in ${HOSTS_DIR}/${value}\n`);
            assert.deepEqual(readdirSync(target), ["hosts.toml"]);
            assert.equal(
              readFileSync(path.join(target, "hosts.toml"), "utf8"),
              data["mirror-0-hosts.toml"],
            );
            assert.deepEqual(changesOutside(before, snapshot(root), target), []);
            assertNothingExecuted(root);
            rmSync(path.join(root, "node"), { recursive: true });
            rmSync(path.join(root, "volumes"), { recursive: true });
          }
        });
      });
    }

    const mirrorFileCases = [
      "../docker.io/hosts.toml",
      "hosts.toml ../../../escape",
      ".hosts.toml",
    ];
    for (const trustFilesValue of FULL ? mirrorFileCases : mirrorFileCases.slice(0, 2)) {
      it(`the mirror container with TRUST_FILES ${JSON.stringify(trustFilesValue)}: refused, nothing written outside`, function () {
        withRoot((root, cwd) => {
          for (const shell of shells(root, "busybox")) {
            const { data, pod } = realPod({ "docker.io": "dockerhub-cache" });
            const local = layOut(root, pod.volumes, data);
            writeFileSync(path.join(root, "node", "escape"), "outside\n");
            const target = local.get("mirror-0-dir") ?? assert.fail("no mirror directory");
            const before = snapshot(root);
            const r = runContainer(shell, pod.initContainers[1], local, cwd, {
              TRUST_FILES: trustFilesValue,
            });
            assert.notEqual(r.status, 0, `${shell.name} accepted ${trustFilesValue}`);
            assert.match(r.stderr, /refusing file name /);
            assert.deepEqual(changesOutside(before, snapshot(root), target), []);
            assert.equal(readFileSync(path.join(root, "node", "escape"), "utf8"), "outside\n");
            assertNothingExecuted(root);
            rmSync(path.join(root, "node"), { recursive: true });
            rmSync(path.join(root, "volumes"), { recursive: true });
          }
        });
      });
    }

    it("an upstream that is not a host never becomes a hostPath: the component refuses it", function () {
      for (const upstream of [...HOSTILE_VALUES, "../../../root", "docker.io/../..", REGISTRY]) {
        assert.throws(() => realPod({ [upstream]: "cache" }), /^Error: NodeTrust: mirrors\[/);
      }
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
