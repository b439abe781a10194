/**
 * Node trust against the real things: Debian's containerd (ctr and the CRI plugin), Debian's
 * distribution registry standing in for Harbor and for Docker Hub, skopeo, and the program's own
 * node-trust install scripts run under busybox sh. Issue 20: the `hosts.toml` node trust wrote for
 * Harbor (top-level `server`/`capabilities`/`ca`, no `[host]` table) is rejected by containerd 1.6
 * and 1.7 before 1.7.32 (remotes/docker/config/hosts.go, `parseHostsFile` -> `getSortedHosts`:
 * "invalid `host` tree", containerd#10027; `loadHostDir` logs `failed to decode hosts.toml` and
 * falls back to `loadCertFiles`, which for a loopback address means plain HTTP).
 *
 * Everything runs in a private mount and network namespace (`unshare --mount --net`, only `lo`,
 * its own /etc/hosts bind-mounted inside it) under one temporary directory: containerd has its own
 * root, state, socket and config (`config_path` = the node's certs.d written by the install
 * scripts); the registries listen on the namespace's loopback. Every process the test starts is
 * stopped through its PID. `npm run test:integration`; skipped with a message when a tool is
 * missing (`.ci/run` installs them with apt-get).
 *
 * Docker Engine itself is not run (not installed here, and it reads only /etc/docker/certs.d): its
 * layout, `ca.crt` alone, is checked through containerd's reader of that same layout.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
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
  NodeTrust,
  nodeTrustNamespaceName,
  type NodeTrustArgs,
} from "../../components/node-trust";
import type { HarborConfig } from "../../config/types";
import { expandKubernetesReferences } from "../../lib/scripts";
import { registryAddress, serverSans } from "../../lib/urls";
import { configOf } from "../support/config";
import { findIn, installMocks, settle, type MockRecorder } from "../support/harness";
import {
  Namespace,
  criPullImage,
  makeCa,
  makeServerCert,
  missingPrerequisites,
  ociLayout,
  readFrom,
  version,
  waitFor,
  which,
  type OciImage,
  type Proc,
} from "../support/containerd-lab";

const HTTPS_PORT = 30003;
const PROJECT = "dockerhub-cache";
const DECODE_ERROR = "failed to decode hosts.toml";
const X509 = "x509: certificate signed by unknown authority";

/** The stack a new user writes: a host name, nodePort, a generated CA, node trust, a Hub mirror. */
function stack(
  hostname: string,
  hostsDir: string,
  extra: Record<string, unknown> = {},
): HarborConfig {
  return configOf(
    {
      hostname,
      expose: { type: "nodePort", nodePort: { http: 30002, https: HTTPS_PORT } },
      tls: { mode: "generated", ipAddresses: hostname === "127.0.0.1" ? [] : ["127.0.0.1"] },
      trust: { nodes: { enabled: true, hostsDir } },
      ...extra,
    },
    {},
    "dev",
  );
}

/** The pre-fix `hosts.toml` (components/node-trust.ts before issue 20): top-level keys only. */
function preFixHostsToml(registry: string, caPath: string): string {
  return [
    `server = "https://${registry}"`,
    'capabilities = ["pull", "resolve", "push"]',
    `ca = "${caPath}"`,
    "",
  ].join("\n");
}

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

/**
 * The ConfigMap data and the pod the `NodeTrust` component declares under Pulumi's mocks, with the
 * arguments `Harbor` passes it (components/harbor.ts) for `config`.
 */
async function declaredNodeTrust(config: HarborConfig, caPem: string) {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder);
  const args: NodeTrustArgs = {
    namespace: nodeTrustNamespaceName(config.namespace),
    registry: registryAddress(config),
    caCertificate: caPem,
    runtime: config.trust.nodes.runtime,
    hostsDir: config.trust.nodes.hostsDir,
    image: config.trust.nodes.image,
    imageRegistry: config.imageRegistry,
    mirrors: config.content.mirrors,
  };
  new NodeTrust("harbor-node-trust", args);
  await settle(recorder);
  const data = findIn(recorder.resources, "kubernetes:core/v1:ConfigMap", "harbor-node-trust-files")
    .inputs.data as Record<string, string>;
  const spec = findIn(
    recorder.resources,
    "kubernetes:apps/v1:DaemonSet",
    "harbor-node-trust-daemonset",
  ).inputs.spec as {
    template: { spec: { initContainers: PlainContainer[]; volumes: PlainVolume[] } };
  };
  return { data, pod: spec.template.spec };
}

/**
 * Runs the pod's init containers as the kubelet would on a node whose root is this machine's (the
 * stack's `hostsDir` is under the test's temporary directory): ConfigMap volumes laid out as
 * directories of their keys (only their `items` when given), hostPath volumes created like
 * `DirectoryOrCreate`, each container's `/bin/sh -c INSTALL_SCRIPT` run by busybox sh with only
 * busybox applets on PATH, its env as the kubelet expands it and its mount paths mapped to the
 * volumes' directories. Returns what each container printed.
 */
function runInitContainers(
  work: string,
  busyboxBin: string,
  pod: { initContainers: PlainContainer[]; volumes: PlainVolume[] },
  data: Record<string, string>,
): string[] {
  const local = new Map<string, string>();
  for (const v of pod.volumes) {
    if (v.configMap) {
      const dir = mkdtempSync(path.join(work, `${v.name}-`));
      const items = v.configMap.items ?? Object.keys(data).map((key) => ({ key, path: key }));
      for (const item of items) writeFileSync(path.join(dir, item.path), data[item.key]);
      local.set(v.name, dir);
    } else if (v.hostPath) {
      assert.equal(v.hostPath.type, "DirectoryOrCreate");
      assert.ok(v.hostPath.path.startsWith(`${work}/`), `${v.hostPath.path} is outside ${work}`);
      mkdirSync(v.hostPath.path, { recursive: true });
      local.set(v.name, v.hostPath.path);
    } else {
      assert.fail(`unexpected volume ${v.name}`);
    }
  }
  return pod.initContainers.map((c) => {
    assert.deepEqual(c.command, ["/bin/sh", "-c", INSTALL_SCRIPT]);
    const mounts = new Map(c.volumeMounts.map((m) => [m.mountPath, local.get(m.name)!]));
    const env: Record<string, string> = { PATH: busyboxBin };
    for (const e of c.env) {
      const value = expandKubernetesReferences(e.value, {});
      env[e.name] = mounts.get(value) ?? value;
    }
    const r = spawnSync(which("busybox")!, ["sh", "-c", INSTALL_SCRIPT], {
      env,
      cwd: work,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, `${c.name}: ${r.stderr}`);
    return r.stdout;
  });
}

describe("node trust on real containerd (private namespace)", function () {
  this.timeout(120000);

  let started = Date.now();
  let work = "";
  /** containerd's log size once the pre-fix files are gone: no decode error may follow. */
  let afterPreFix = 0;
  let ns: Namespace | undefined;
  const procs: Proc[] = [];
  let harbor: Proc;
  let certsD = "";
  let dockerCertsD = "";
  let socket = "";
  let containerdLog = "";
  let harborLog = "";
  let upstreamLog = "";
  let named: HarborConfig;
  let loopback: HarborConfig;
  let caPem = "";
  /** Images by where they are served. */
  const images: Record<"harbor" | "cache" | "upstream", OciImage> = {} as never;
  /** Environment of containerd and ctr: the stand-in for Docker Hub's public CA is the only root. */
  let tlsEnv: Record<string, string> = {};
  let hostEtcHosts = "";
  /** Host paths containerd or the CRI plugin would create with default settings, if absent. */
  const hostDefaults = [
    "/opt/containerd",
    "/etc/cni/net.d",
    "/run/containerd",
    "/var/lib/containerd",
  ];
  let absentBefore: string[] = [];

  /** `ctr images pull`, run in the namespace (ctr resolves and fetches in its own process). */
  function ctrPull(ref: string, hostsDir: string | undefined = certsD) {
    const args = ["--address", socket, "images", "pull"];
    if (hostsDir) args.push("--hosts-dir", hostsDir);
    const r = ns!.run(which("ctr")!, [...args, ref], tlsEnv, 60000);
    const unpacked = /unpacking \S+ (sha256:[0-9a-f]{64})/.exec(r.stdout)?.[1];
    return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr, manifest: unpacked };
  }

  /** A CRI PullImage and what it added to containerd's log. */
  async function criPull(ref: string) {
    const offset = statSync(containerdLog).size;
    const r = await criPullImage(socket, ref);
    return { ...r, log: readFrom(containerdLog, offset) };
  }

  /** The access-log lines a registry wrote for requests under `prefix`, since `offset`. */
  function requests(log: string, offset: number, prefix: string): string[] {
    return readFrom(log, offset)
      .split("\n")
      .filter((l) => l.includes(`"GET ${prefix}`) || l.includes(`"HEAD ${prefix}`));
  }

  function startRegistry(name: string, addr: string, tlsFiles: { cert: string; key: string }) {
    const root = path.join(work, name);
    mkdirSync(root);
    const config = path.join(work, `${name}.yml`);
    writeFileSync(
      config,
      [
        "version: 0.1",
        "log:",
        "  level: info",
        "storage:",
        "  filesystem:",
        `    rootdirectory: ${JSON.stringify(root)}`,
        "http:",
        `  addr: ${JSON.stringify(addr)}`,
        "  tls:",
        `    certificate: ${JSON.stringify(tlsFiles.cert)}`,
        `    key: ${JSON.stringify(tlsFiles.key)}`,
        "",
      ].join("\n"),
    );
    const log = path.join(work, `${name}.log`);
    const proc = ns!.start(name, which("docker-registry")!, ["serve", config], log);
    procs.push(proc);
    return { proc, log };
  }

  /** skopeo copy of an OCI layout into a registry of the namespace, trusting `caFile`. */
  function push(layout: string, tag: string, dest: string, caFile: string) {
    const certDir = mkdtempSync(path.join(work, "skopeo-certs-"));
    writeFileSync(path.join(certDir, "ca.crt"), readFileSync(caFile));
    const policy = path.join(work, "policy.json");
    writeFileSync(policy, JSON.stringify({ default: [{ type: "insecureAcceptAnything" }] }));
    const r = ns!.run(
      which("skopeo")!,
      ["--policy", policy, "copy", "--dest-cert-dir", certDir, `oci:${layout}:${tag}`, dest],
      { HOME: path.join(work, "home"), TMPDIR: work },
      60000,
    );
    assert.equal(r.status, 0, `skopeo copy to ${dest}: ${r.stderr}`);
  }

  before(async function () {
    started = Date.now();
    const missing = missingPrerequisites();
    if (missing) {
      console.log(`      (containerd node-trust test skipped: ${missing})`);
      this.skip();
    }
    console.log(
      [
        version("containerd", ["--version"]),
        version("ctr", ["--version"]),
        version("docker-registry", ["--version"]),
        version("skopeo", ["--version"]),
        version("busybox", []),
        version("openssl", ["version"]),
      ]
        .map((v) => `      ${v}`)
        .join("\n"),
    );
    hostEtcHosts = readFileSync("/etc/hosts", "utf8");
    absentBefore = hostDefaults.filter((p) => !existsSync(p));
    work = mkdtempSync(path.join(tmpdir(), "harbor-containerd-"));
    certsD = path.join(work, "etc", "containerd", "certs.d");
    dockerCertsD = path.join(work, "etc", "docker", "certs.d");
    socket = path.join(work, "containerd", "containerd.sock");
    mkdirSync(path.join(work, "home"));

    named = stack("harbor.test", certsD, {
      registries: { dockerhub: { type: "docker-hub" } },
      projects: { [PROJECT]: { proxyCache: "dockerhub" } },
      mirrors: { "docker.io": PROJECT },
    });
    loopback = stack("127.0.0.1", certsD);
    assert.equal(registryAddress(named), `harbor.test:${HTTPS_PORT}`);
    assert.equal(registryAddress(loopback), `127.0.0.1:${HTTPS_PORT}`);

    // The stack's PKI (components/certificates.ts): a CA and Harbor's server certificate with
    // the SANs serverSans computes. A second CA stands in for Docker Hub's public one.
    const algorithm = named.tls.mode === "generated" ? named.tls.keyAlgorithm : "ECDSA-P256";
    const pki = path.join(work, "pki");
    mkdirSync(pki);
    const ca = makeCa(pki, "harbor-ca", `Harbor CA (dev\\/${named.namespace})`, algorithm);
    caPem = readFileSync(ca.caCert, "utf8");
    const server = makeServerCert(pki, "harbor", ca, named.hostname, serverSans(named), algorithm);
    const publicCa = makeCa(pki, "public-ca", "Public Root CA", "RSA-3072");
    const hub = makeServerCert(
      pki,
      "hub",
      publicCa,
      "registry-1.docker.io",
      { dnsNames: ["registry-1.docker.io"], ipAddresses: [] },
      "ECDSA-P256",
    );
    mkdirSync(path.join(work, "no-cert-dir"));
    tlsEnv = { SSL_CERT_FILE: publicCa.caCert, SSL_CERT_DIR: path.join(work, "no-cert-dir") };

    // The namespace resolves harbor.test and registry-1.docker.io to its own loopback.
    const hosts = path.join(work, "hosts");
    writeFileSync(hosts, "127.0.0.1 localhost harbor.test registry-1.docker.io\n");
    ns = await Namespace.start(hosts);
    procs.push(ns.holder);

    const h = startRegistry("harbor", `127.0.0.1:${HTTPS_PORT}`, server);
    harbor = h.proc;
    harborLog = h.log;
    const u = startRegistry("upstream", "127.0.0.1:443", hub);
    upstreamLog = u.log;
    for (const log of [harborLog, upstreamLog]) {
      await waitFor(`${log} to listen`, () => readFileSync(log, "utf8").includes("listening on"));
    }

    images.harbor = ociLayout(path.join(work, "oci-harbor"), "1", "served by Harbor");
    images.cache = ociLayout(path.join(work, "oci-cache"), "1", "served by Harbor's Hub cache");
    images.upstream = ociLayout(path.join(work, "oci-upstream"), "1", "served by Docker Hub");
    const registry = registryAddress(named);
    push(path.join(work, "oci-harbor"), "1", `docker://${registry}/library/tiny:1`, ca.caCert);
    push(
      path.join(work, "oci-cache"),
      "1",
      `docker://${registry}/${PROJECT}/library/tiny:1`,
      ca.caCert,
    );
    push(
      path.join(work, "oci-upstream"),
      "1",
      "docker://registry-1.docker.io/library/tiny:1",
      publicCa.caCert,
    );

    // containerd with everything of its own; the CRI plugin reads the node's certs.d.
    const c = path.join(work, "containerd");
    mkdirSync(c);
    const config = path.join(c, "config.toml");
    writeFileSync(
      config,
      [
        "version = 2",
        `root = ${JSON.stringify(path.join(c, "root"))}`,
        `state = ${JSON.stringify(path.join(c, "state"))}`,
        // Plugins that would write outside root/state (opt: /opt/containerd) or are not needed.
        "disabled_plugins = [",
        '  "io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.btrfs",',
        '  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs",',
        '  "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp",',
        '  "io.containerd.internal.v1.tracing",',
        "]",
        "[grpc]",
        `  address = ${JSON.stringify(socket)}`,
        "[ttrpc]",
        `  address = ${JSON.stringify(`${socket}.ttrpc`)}`,
        "[debug]",
        '  level = "info"',
        // The CNI directories default to /opt/cni/bin and /etc/cni/net.d (created at start).
        '[plugins."io.containerd.grpc.v1.cri".cni]',
        `  bin_dir = ${JSON.stringify(path.join(c, "cni", "bin"))}`,
        `  conf_dir = ${JSON.stringify(path.join(c, "cni", "net.d"))}`,
        '[plugins."io.containerd.grpc.v1.cri".registry]',
        `  config_path = ${JSON.stringify(certsD)}`,
        "",
      ].join("\n"),
    );
    containerdLog = path.join(work, "containerd.log");
    procs.push(
      ns.start("containerd", which("containerd")!, ["--config", config], containerdLog, tlsEnv),
    );
    await waitFor("containerd to serve", () =>
      readFileSync(containerdLog, "utf8").includes("containerd successfully booted"),
    );
    console.log(`      setup (PKI, registries, images, containerd): ${Date.now() - started} ms`);
  });

  after(async function () {
    // Only what this test started, by PID, servers first, then the namespace's holder.
    for (const p of [...procs].reverse()) await p.stop();
    if (work !== "") {
      rmSync(work, { recursive: true, force: true });
      console.log(`      run time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  });

  it("(a) without node trust's files, ctr and the CRI plugin refuse Harbor's certificate (x509)", async function () {
    const ref = `${registryAddress(named)}/library/tiny:1`;
    const ctr = ctrPull(ref);
    assert.equal(ctr.ok, false);
    assert.ok(ctr.stderr.includes(X509), ctr.stderr);
    const cri = await criPull(ref);
    assert.notEqual(cri.status, 0);
    assert.ok(cri.message.includes(X509), cri.message);
    console.log(`      ctr: ${ctr.stderr.trim().split("\n").pop()}`);
    console.log(`      CRI: ${cri.message}`);
  });

  it("the pre-fix hosts.toml: containerd logs 'failed to decode hosts.toml'; by loopback address the pull fails", async function () {
    for (const config of [named, loopback]) {
      const dir = path.join(certsD, registryAddress(config));
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "ca.crt"), caPem);
      writeFileSync(
        path.join(dir, "hosts.toml"),
        preFixHostsToml(registryAddress(config), `${dir}/ca.crt`),
      );
    }
    try {
      // By name: the file is rejected, the pull works only through the ca.crt fallback.
      const byName = `${registryAddress(named)}/library/tiny:1`;
      const ctrName = ctrPull(byName);
      assert.ok(ctrName.stderr.includes(DECODE_ERROR), ctrName.stderr);
      assert.ok(ctrName.stderr.includes("invalid `host` tree"), ctrName.stderr);
      const criName = await criPull(byName);
      assert.ok(criName.log.includes(DECODE_ERROR), criName.log);
      // By loopback address: the fallback speaks plain HTTP to the TLS port.
      const byLoopback = `${registryAddress(loopback)}/library/tiny:1`;
      const ctrLoop = ctrPull(byLoopback);
      assert.equal(ctrLoop.ok, false);
      assert.ok(ctrLoop.stderr.includes(DECODE_ERROR), ctrLoop.stderr);
      assert.match(ctrLoop.stderr, /400 Bad Request/);
      const criLoop = await criPull(byLoopback);
      assert.notEqual(criLoop.status, 0);
      assert.ok(criLoop.log.includes(DECODE_ERROR), criLoop.log);
      console.log(
        `      ctr, by name: ${ctrName.stderr.split("\n").find((l) => l.includes(DECODE_ERROR))}`,
      );
      console.log(`      ctr, loopback: ${ctrLoop.stderr.trim().split("\n").pop()}`);
      console.log(`      CRI, loopback: ${criLoop.message}`);
    } finally {
      rmSync(certsD, { recursive: true, force: true });
      afterPreFix = statSync(containerdLog).size;
    }
  });

  it("node trust's install containers, run under busybox sh, write the node's certs.d", async function () {
    const bin = path.join(work, "busybox-bin");
    mkdirSync(bin);
    for (const applet of ["sh", "cp", "mv", "chmod", "rm", "printf"]) {
      symlinkSync(which("busybox")!, path.join(bin, applet));
    }
    const outputs: string[] = [];
    for (const config of [named, loopback]) {
      const { data, pod } = await declaredNodeTrust(config, caPem);
      outputs.push(...runInitContainers(work, bin, pod, data));
      const dir = path.join(certsD, registryAddress(config));
      assert.equal(readFileSync(path.join(dir, "ca.crt"), "utf8"), caPem);
      assert.equal(readFileSync(path.join(dir, "hosts.toml"), "utf8"), data["hosts.toml"]);
    }
    assert.deepEqual(outputs, [
      `installed ca.crt hosts.toml in ${certsD}/harbor.test:${HTTPS_PORT}\n`,
      `installed hosts.toml in ${certsD}/docker.io\n`,
      `installed ca.crt hosts.toml in ${certsD}/127.0.0.1:${HTTPS_PORT}\n`,
    ]);
    assert.deepEqual(readdirSync(certsD).sort(), [
      `127.0.0.1:${HTTPS_PORT}`,
      "docker.io",
      `harbor.test:${HTTPS_PORT}`,
    ]);
    for (const o of outputs) console.log(`      ${o.trim()}`);
  });

  it("(b) with them, ctr --hosts-dir pulls from Harbor by name and by loopback address, no decode error", function () {
    for (const [config, image] of [
      [named, images.harbor],
      [loopback, images.harbor],
    ] as const) {
      const r = ctrPull(`${registryAddress(config)}/library/tiny:1`);
      assert.equal(r.ok, true, r.stderr);
      assert.equal(r.manifest, image.manifest);
      assert.ok(!r.stderr.includes(DECODE_ERROR), r.stderr);
      console.log(`      ctr pulled ${registryAddress(config)}/library/tiny:1 (${r.manifest})`);
    }
  });

  it("(b) with them, the CRI plugin (config_path) pulls the same; containerd logs no decode error", async function () {
    for (const config of [named, loopback]) {
      const r = await criPull(`${registryAddress(config)}/library/tiny:1`);
      assert.equal(r.status, 0, r.message);
      assert.equal(r.imageRef, images.harbor.config);
      assert.ok(!r.log.includes(DECODE_ERROR), r.log);
      console.log(
        `      CRI pulled ${registryAddress(config)}/library/tiny:1 (image ${r.imageRef})`,
      );
    }
  });

  it("ctr pushes to Harbor through the [host] entry (push capability, the stack's CA)", function () {
    const registry = registryAddress(named);
    const tag = ns!.run(
      which("ctr")!,
      [
        "--address",
        socket,
        "images",
        "tag",
        `${registry}/library/tiny:1`,
        `${registry}/library/pushed:1`,
      ],
      tlsEnv,
    );
    assert.equal(tag.status, 0, tag.stderr);
    const at = statSync(harborLog).size;
    const r = ns!.run(
      which("ctr")!,
      [
        "--address",
        socket,
        "images",
        "push",
        "--hosts-dir",
        certsD,
        `${registry}/library/pushed:1`,
      ],
      tlsEnv,
      60000,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.stderr.includes(DECODE_ERROR), r.stderr);
    const put = readFrom(harborLog, at)
      .split("\n")
      .find((l) => l.includes('"PUT /v2/library/pushed/manifests/1 HTTP/1.1" 201'));
    assert.ok(put, readFrom(harborLog, at));
    console.log(`      harbor: ${put.replace(/^.*?"/, '"')}`);
  });

  it("a missing tag reports not found, not x509 (the top-level server, tried last, has the CA)", async function () {
    for (const config of [named, loopback]) {
      const ref = `${registryAddress(config)}/library/tiny:missing`;
      const ctr = ctrPull(ref);
      assert.equal(ctr.ok, false);
      assert.match(ctr.stderr, /library\/tiny:missing: not found/);
      assert.ok(!ctr.stderr.includes("x509"), ctr.stderr);
      const cri = await criPull(ref);
      assert.notEqual(cri.status, 0);
      assert.match(cri.message, /not found/);
      assert.ok(!cri.message.includes("x509"), cri.message);
    }
  });

  it("the Docker Engine layout (ca.crt only) is trusted by containerd's certs.d reader", async function () {
    const config = stack("harbor.test", dockerCertsD, {
      trust: { nodes: { enabled: true, runtime: "docker", hostsDir: dockerCertsD } },
    });
    const { data, pod } = await declaredNodeTrust(config, caPem);
    const bin = path.join(work, "busybox-bin");
    const out = runInitContainers(work, bin, pod, data);
    const dir = path.join(dockerCertsD, registryAddress(config));
    assert.deepEqual(out, [`installed ca.crt in ${dir}\n`]);
    assert.deepEqual(readdirSync(dir), ["ca.crt"]);
    // remotes/docker/config/hosts.go loadCertFiles: Docker's layout, `*.crt` files are CAs.
    const r = ctrPull(`${registryAddress(config)}/library/tiny:1`, dockerCertsD);
    assert.equal(r.ok, true, r.stderr);
    assert.equal(r.manifest, images.harbor.manifest);
    console.log(`      ctr --hosts-dir ${dockerCertsD} pulled (${r.manifest})`);
  });

  it(`the docker.io mirror pulls through /v2/${PROJECT}/ on Harbor (registry access log), not the upstream`, async function () {
    const ref = "docker.io/library/tiny:1";
    let harborAt = statSync(harborLog).size;
    let upstreamAt = statSync(upstreamLog).size;
    const ctr = ctrPull(ref);
    assert.equal(ctr.ok, true, ctr.stderr);
    assert.equal(ctr.manifest, images.cache.manifest);
    const viaCtr = requests(harborLog, harborAt, `/v2/${PROJECT}/library/tiny/manifests/`);
    assert.ok(
      viaCtr.some((l) => / 200 /.test(l)),
      viaCtr.join("\n"),
    );
    assert.deepEqual(requests(upstreamLog, upstreamAt, "/v2/"), []);

    harborAt = statSync(harborLog).size;
    upstreamAt = statSync(upstreamLog).size;
    const cri = await criPull(ref);
    assert.equal(cri.status, 0, cri.message);
    assert.equal(cri.imageRef, images.cache.config);
    assert.ok(!cri.log.includes(DECODE_ERROR), cri.log);
    const viaCri = requests(harborLog, harborAt, `/v2/${PROJECT}/library/tiny/`);
    assert.ok(
      viaCri.some((l) => / 200 /.test(l)),
      viaCri.join("\n"),
    );
    assert.deepEqual(requests(upstreamLog, upstreamAt, "/v2/"), []);
    console.log(`      harbor, ctr pull: ${viaCtr[0].replace(/^.*?"/, '"')}`);
    console.log(`      harbor, CRI pull: ${viaCri[viaCri.length - 1].replace(/^.*?"/, '"')}`);
  });

  it("with Harbor's registry stopped, containerd tries the upstream next and pulls from it", async function () {
    await harbor.stop();
    const ref = "docker.io/library/tiny:1";
    let upstreamAt = statSync(upstreamLog).size;
    const ctr = ctrPull(ref);
    assert.equal(ctr.ok, true, ctr.stderr);
    assert.equal(ctr.manifest, images.upstream.manifest);
    assert.match(ctr.stderr, /trying next host.*harbor\.test:30003.*connection refused/);
    const viaCtr = requests(upstreamLog, upstreamAt, "/v2/library/tiny/manifests/1");
    assert.ok(
      viaCtr.some((l) => / 200 /.test(l)),
      viaCtr.join("\n"),
    );

    upstreamAt = statSync(upstreamLog).size;
    const cri = await criPull(ref);
    assert.equal(cri.status, 0, cri.message);
    assert.equal(cri.imageRef, images.upstream.config);
    assert.match(cri.log, /trying next host.*harbor\.test:30003.*connection refused/);
    const viaCri = requests(upstreamLog, upstreamAt, "/v2/library/tiny/");
    assert.ok(
      viaCri.some((l) => / 200 /.test(l)),
      viaCri.join("\n"),
    );
    console.log(`      ctr: ${ctr.stderr.split("\n").find((l) => l.includes("trying next host"))}`);
    console.log(`      upstream, ctr pull: ${viaCtr[0].replace(/^.*?"/, '"')}`);
    console.log(`      upstream, CRI pull: ${viaCri[0].replace(/^.*?"/, '"')}`);
  });

  it("the host is untouched: its /etc/hosts is as before, no default containerd path created, every process stopped by PID", async function () {
    assert.equal(readFileSync("/etc/hosts", "utf8"), hostEtcHosts);
    // After the pre-fix step, no pull or push made containerd log a decode error.
    assert.ok(afterPreFix > 0);
    assert.ok(!readFrom(containerdLog, afterPreFix).includes(DECODE_ERROR));
    assert.deepEqual(
      absentBefore.filter((p) => existsSync(p)),
      [],
    );
    for (const p of [...procs].reverse()) await p.stop();
    assert.deepEqual(
      procs.filter((p) => p.running).map((p) => `${p.name} ${p.pid}`),
      [],
    );
  });
});
