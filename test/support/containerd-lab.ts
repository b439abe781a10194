/**
 * The pieces of the containerd node-trust test (containerd-node-trust.test.ts): a private mount
 * and network namespace, processes started in it and stopped by PID, the stack's kind of CA and
 * server certificate made with openssl, a tiny OCI image built in memory, and the one CRI call the
 * test needs (ImageService/PullImage) spoken over HTTP/2 to containerd's socket.
 *
 * Nothing here touches the host's network or files outside the temporary directory it is given:
 * every server listens on the namespace's own loopback interface, and the namespace's /etc/hosts is
 * a bind mount that only the namespace sees (util-linux `unshare --propagation private`).
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import * as http2 from "node:http2";
import * as net from "node:net";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { CA_USES, SERVER_USES, privateKeyArgs } from "../../components/certificates";
import type { KeyAlgorithm } from "../../config/types";

/** The binaries the test runs, with the Debian package that ships each. */
export const TOOLS: Readonly<Record<string, string>> = {
  containerd: "containerd",
  ctr: "containerd",
  "docker-registry": "docker-registry",
  skopeo: "skopeo",
  busybox: "busybox",
  openssl: "openssl",
  unshare: "util-linux",
  nsenter: "util-linux",
};

/** Full path of a binary on PATH or in the usual system directories, if any. */
export function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
  for (const dir of dirs) {
    if (dir === "") continue;
    const p = path.join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** What keeps the test from running here, or undefined when everything is in place. */
export function missingPrerequisites(): string | undefined {
  if (process.platform !== "linux") return "needs Linux namespaces";
  if (process.getuid?.() !== 0) return "needs root for unshare --mount --net";
  const missing = Object.keys(TOOLS).filter((t) => which(t) === undefined);
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((t) => TOOLS[t]))].join(" ");
    return `${missing.join(", ")} not installed (apt-get install ${packages})`;
  }
  if (!existsSync("/etc/hosts")) return "/etc/hosts is missing (the namespace bind-mounts its own)";
  const probe = spawnSync(which("unshare")!, ["--mount", "--net", "--", "true"], {
    encoding: "utf8",
  });
  if (probe.status !== 0) return `unshare --mount --net is not permitted: ${probe.stderr.trim()}`;
  return undefined;
}

/** First line of a command's output: its version. */
export function version(cmd: string, args: string[]): string {
  const r = spawnSync(which(cmd) ?? cmd, args, { encoding: "utf8" });
  return `${r.stdout}${r.stderr}`.trim().split("\n")[0];
}

/** A process the test started, stopped only through its own PID. */
export class Proc {
  private readonly exited: Promise<void>;
  private done = false;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) =>
      child.once("exit", () => {
        this.done = true;
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return !this.done;
  }

  /** SIGTERM to this PID, SIGKILL after `graceMs`; resolves when it has exited. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.done) return;
    process.kill(this.pid, "SIGTERM");
    const timer = setTimeout(() => {
      if (!this.done) process.kill(this.pid, "SIGKILL");
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Waits until `ready()` holds, polling every 50 ms, or throws `what` after `timeoutMs`. */
export async function waitFor(what: string, ready: () => boolean, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A private mount and network namespace held open by a busybox `sleep` (its PID is the handle):
 * `lo` up, nothing else, and `/etc/hosts` replaced inside it by `hostsFile`.
 */
export class Namespace {
  private constructor(
    readonly holder: Proc,
    private readonly nsenter: string,
  ) {}

  static async start(hostsFile: string): Promise<Namespace> {
    const busybox = which("busybox")!;
    const script = [
      "set -e",
      '"$BUSYBOX" ip link set lo up',
      '"$BUSYBOX" mount --bind "$HOSTS_FILE" /etc/hosts',
      "echo ready",
      // A stray namespace ends by itself if the test process dies without its after hook.
      'exec "$BUSYBOX" sleep 900',
    ].join("\n");
    const child = spawn(
      which("unshare")!,
      ["--mount", "--net", "--propagation", "private", "--", busybox, "sh", "-c", script],
      {
        env: { BUSYBOX: busybox, HOSTS_FILE: hostsFile, PATH: "/usr/bin:/bin" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const holder = new Proc("namespace", child);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    await waitFor(`the namespace (${out})`, () => out.includes("ready") || !holder.running, 10000);
    if (!holder.running) throw new Error(`unshare failed: ${out}`);
    return new Namespace(holder, which("nsenter")!);
  }

  private argv(cmd: string, args: string[]): string[] {
    return ["--target", String(this.holder.pid), "--mount", "--net", "--", cmd, ...args];
  }

  /** Runs a command to completion inside the namespace. */
  run(
    cmd: string,
    args: string[],
    env: Record<string, string> = {},
    timeoutMs = 30000,
  ): SpawnSyncReturns<string> {
    return spawnSync(this.nsenter, this.argv(cmd, args), {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
      encoding: "utf8",
      timeout: timeoutMs,
    });
  }

  /**
   * Starts a server inside the namespace with stdout and stderr appended to `logFile`. nsenter
   * enters a mount and a network namespace without forking, so the PID is the server's own.
   */
  start(
    name: string,
    cmd: string,
    args: string[],
    logFile: string,
    env: Record<string, string> = {},
  ): Proc {
    const fd = openSync(logFile, "a");
    try {
      const child = spawn(this.nsenter, this.argv(cmd, args), {
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
        stdio: ["ignore", fd, fd],
      });
      return new Proc(name, child);
    } finally {
      closeSync(fd);
    }
  }
}

/** openssl's name for each key usage of @pulumi/tls (terraform-provider-tls `allowed_uses`). */
const OPENSSL_KEY_USAGE: Readonly<Record<string, string>> = {
  cert_signing: "keyCertSign",
  crl_signing: "cRLSign",
  digital_signature: "digitalSignature",
  key_encipherment: "keyEncipherment",
};
const OPENSSL_EXTENDED_KEY_USAGE: Readonly<Record<string, string>> = { server_auth: "serverAuth" };

function extensions(uses: readonly string[]): string[] {
  const ku = uses.filter((u) => u in OPENSSL_KEY_USAGE).map((u) => OPENSSL_KEY_USAGE[u]);
  const eku = uses.filter((u) => u in OPENSSL_EXTENDED_KEY_USAGE);
  const known = [...Object.keys(OPENSSL_KEY_USAGE), ...Object.keys(OPENSSL_EXTENDED_KEY_USAGE)];
  const unknown = uses.filter((u) => !known.includes(u));
  if (unknown.length > 0) throw new Error(`no openssl name for key usage ${unknown.join(", ")}`);
  const lines = [`keyUsage = critical, ${ku.join(", ")}`];
  if (eku.length > 0) {
    lines.push(`extendedKeyUsage = ${eku.map((u) => OPENSSL_EXTENDED_KEY_USAGE[u]).join(", ")}`);
  }
  return lines;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync(which("openssl")!, args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
}

/** `openssl genpkey` arguments for the key `privateKeyArgs` (components/certificates.ts) asks for. */
function genpkeyArgs(algorithm: KeyAlgorithm): string[] {
  // Plain values: privateKeyArgs returns literals, typed as Inputs for @pulumi/tls.
  const k = privateKeyArgs(algorithm) as {
    algorithm: string;
    ecdsaCurve?: string;
    rsaBits?: number;
  };
  if (k.algorithm === "ECDSA" && (k.ecdsaCurve === "P256" || k.ecdsaCurve === "P384")) {
    const curve = k.ecdsaCurve === "P256" ? "P-256" : "P-384";
    return ["-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${curve}`];
  }
  if (k.algorithm === "RSA" && k.rsaBits !== undefined) {
    return ["-algorithm", "RSA", "-pkeyopt", `rsa_keygen_bits:${k.rsaBits}`];
  }
  throw new Error(`no openssl key for ${JSON.stringify(k)}`);
}

export interface Pki {
  caCert: string;
  caKey: string;
}

/**
 * A CA like the one `Certificates` generates (components/certificates.ts, mode `generated`): a key
 * of `privateKeyArgs(algorithm)`, self-signed, CA:TRUE, key usages `CA_USES`, subject
 * `O=Harbor, CN=<commonName>`. Files `<name>.key` and `<name>.crt` in `dir`.
 */
export function makeCa(
  dir: string,
  name: string,
  commonName: string,
  algorithm: KeyAlgorithm,
): Pki {
  const key = path.join(dir, `${name}.key`);
  const crt = path.join(dir, `${name}.crt`);
  const ext = path.join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    [
      "[req]",
      "distinguished_name = dn",
      "[dn]",
      "[v3_ca]",
      "basicConstraints = critical, CA:TRUE",
      "subjectKeyIdentifier = hash",
      ...extensions(CA_USES),
      "",
    ].join("\n"),
  );
  openssl(["genpkey", ...genpkeyArgs(algorithm), "-out", key], dir);
  openssl(
    ["req", "-x509", "-new", "-key", key, "-sha256", "-days", "2", "-config", ext].concat([
      "-extensions",
      "v3_ca",
      "-subj",
      `/O=Harbor/CN=${commonName}`,
      "-out",
      crt,
    ]),
    dir,
  );
  return { caCert: crt, caKey: key };
}

/**
 * A server certificate like `Certificates` issues under that CA: its own key of the same
 * algorithm, subject `O=Harbor, CN=<commonName>`, the SANs `serverSans` computes, key usages
 * `SERVER_USES`. Returns the paths of the certificate and key.
 */
export function makeServerCert(
  dir: string,
  name: string,
  ca: Pki,
  commonName: string,
  sans: { dnsNames: string[]; ipAddresses: string[] },
  algorithm: KeyAlgorithm,
): { cert: string; key: string } {
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.crt`);
  const ext = path.join(dir, `${name}.ext`);
  const altNames = [
    ...sans.dnsNames.map((d) => `DNS:${d}`),
    ...sans.ipAddresses.map((ip) => `IP:${ip}`),
  ];
  writeFileSync(
    ext,
    [
      "basicConstraints = critical, CA:FALSE",
      "authorityKeyIdentifier = keyid",
      ...extensions(SERVER_USES),
      `subjectAltName = ${altNames.join(", ")}`,
      "",
    ].join("\n"),
  );
  openssl(["genpkey", ...genpkeyArgs(algorithm), "-out", key], dir);
  openssl(["req", "-new", "-key", key, "-subj", `/O=Harbor/CN=${commonName}`, "-out", csr], dir);
  openssl(
    ["x509", "-req", "-in", csr, "-CA", ca.caCert, "-CAkey", ca.caKey, "-CAcreateserial"].concat([
      "-days",
      "1",
      "-sha256",
      "-extfile",
      ext,
      "-out",
      cert,
    ]),
    dir,
  );
  return { cert, key };
}

/** The Go platform names of this machine, as containerd matches an image's config. */
export function goPlatform(): { os: string; architecture: string } {
  const arch: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", s390x: "s390x" };
  return { os: "linux", architecture: arch[process.arch] ?? process.arch };
}

/** A ustar archive with one regular file (and the two zero blocks that end it). */
function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, "utf8");
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(`${content.length.toString(8).padStart(11, "0")}\0`, 124);
  header.write("00000000000\0", 136);
  header.write("        ", 148);
  header.write("0", 156);
  header.write("ustar\0", 257);
  header.write("00", 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  const body = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  content.copy(body);
  return Buffer.concat([header, body, Buffer.alloc(1024)]);
}

export interface OciImage {
  /** Digest of the image manifest (what `ctr images pull` reports when it unpacks). */
  manifest: string;
  /** Digest of the image config (the image ID the CRI returns). */
  config: string;
}

/**
 * An OCI image layout in `dir` holding one image tagged `tag`: one gzip layer with `hello.txt`
 * containing `text`, for this machine's platform. Different texts give different digests, which
 * tells which registry an image was pulled from.
 */
export function ociLayout(dir: string, tag: string, text: string): OciImage {
  const blobs = path.join(dir, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
  const put = (b: Buffer) => {
    const hex = sha256(b);
    writeFileSync(path.join(blobs, hex), b);
    return { digest: `sha256:${hex}`, size: b.length };
  };
  const tar = tarOneFile("hello.txt", Buffer.from(`${text}\n`));
  const layer = put(gzipSync(tar));
  const config = put(
    Buffer.from(
      JSON.stringify({
        ...goPlatform(),
        config: {},
        rootfs: { type: "layers", diff_ids: [`sha256:${sha256(tar)}`] },
      }),
    ),
  );
  const manifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer }],
      }),
    ),
  );
  writeFileSync(path.join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    path.join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          ...manifest,
          annotations: { "org.opencontainers.image.ref.name": tag },
        },
      ],
    }),
  );
  return { manifest: manifest.digest, config: config.digest };
}

/** A protobuf length-delimited field (wire type 2). */
function protoBytes(field: number, value: Buffer): Buffer {
  const len: number[] = [];
  let n = value.length;
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    len.push(b);
  } while (n !== 0);
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...len]), value]);
}

/** Field 1 of a protobuf message when it is a string (PullImageResponse.image_ref). */
function protoFirstString(m: Buffer): string | undefined {
  if (m.length === 0 || m[0] !== 0x0a) return undefined;
  let i = 1;
  let len = 0;
  let shift = 0;
  let b: number;
  do {
    b = m[i++];
    len |= (b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  return m.subarray(i, i + len).toString("utf8");
}

export interface CriPull {
  /** gRPC status: 0 is OK. */
  status: number;
  /** grpc-message on failure. */
  message: string;
  /** PullImageResponse.image_ref (the image ID) on success. */
  imageRef?: string;
}

/**
 * The kubelet's call, `runtime.v1.ImageService/PullImage` (k8s.io/cri-api api.proto:
 * PullImageRequest{image: ImageSpec{image}}), over gRPC's HTTP/2 framing to containerd's socket.
 * The pull itself runs inside containerd, with the CRI plugin's `config_path`.
 */
export function criPullImage(socket: string, image: string, timeoutMs = 30000): Promise<CriPull> {
  return new Promise((resolve, reject) => {
    const session = http2.connect("http://localhost", {
      createConnection: () => net.connect(socket),
    });
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`CRI PullImage ${image}: no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    session.on("error", (e: Error) => {
      clearTimeout(timer);
      reject(e);
    });
    const message = protoBytes(1, protoBytes(1, Buffer.from(image)));
    const prefix = Buffer.alloc(5); // uncompressed flag, then the message length
    prefix.writeUInt32BE(message.length, 1);
    const req = session.request({
      ":method": "POST",
      ":path": "/runtime.v1.ImageService/PullImage",
      "content-type": "application/grpc",
      te: "trailers",
    });
    let headers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    req.on("response", (h: http2.IncomingHttpHeaders) => (headers = { ...headers, ...h }));
    req.on("trailers", (t: http2.IncomingHttpHeaders) => (headers = { ...headers, ...t }));
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      clearTimeout(timer);
      session.close();
      const body = Buffer.concat(chunks);
      const status = Number(headers["grpc-status"] ?? -1);
      resolve({
        status,
        message: decodeURIComponent(String(headers["grpc-message"] ?? "")),
        imageRef: status === 0 && body.length > 5 ? protoFirstString(body.subarray(5)) : undefined,
      });
    });
    req.end(Buffer.concat([prefix, message]));
  });
}

/** Reads a log file from a byte offset (what a step added to it). */
export function readFrom(file: string, offset: number): string {
  return readFileSync(file).subarray(offset).toString("utf8");
}
