/**
 * components/node-trust.ts: the namespace, the ConfigMap and the DaemonSet exactly as sent to the
 * engine, for containerd (node-port key) and docker (mirrored image), with 0, 1 and 2 node mirrors
 * (`harbor:mirrors`), plus the install script run for real against a temporary directory.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { sha256 } from "../../components/certificates";
import {
  CA_CHECKSUM_ANNOTATION,
  HOSTS_TOML_CHECKSUM_ANNOTATION,
  IDLE_SCRIPT,
  INSTALL_SCRIPT,
  MIRRORS_CHECKSUM_ANNOTATION,
  NodeTrust,
  hostsToml,
  installEnv,
  nodeMirrorFiles,
  nodeTrustNamespaceName,
  registryTrustDir,
  trustFileNames,
  type NodeTrustArgs,
} from "../../components/node-trust";
import { registryAddress } from "../../lib/urls";
import {
  findIn,
  installMocks,
  resolve,
  settle,
  type MockRecorder,
  type RecordedResource,
} from "../support/harness";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const DAEMON_SET = "kubernetes:apps/v1:DaemonSet";

const CA = "-----BEGIN CERTIFICATE-----\nTUlJQ0FURVNUQ0E=\n-----END CERTIFICATE-----\n";
const NEW_CA = "-----BEGIN CERTIFICATE-----\nTkVXQ0FURVNUQ0E=\n-----END CERTIFICATE-----\n";

const LABELS = {
  "app.kubernetes.io/name": "harbor-node-trust",
  "app.kubernetes.io/component": "node-trust",
  "app.kubernetes.io/part-of": "harbor",
};

/** The registry key of a nodePort install: the node port is part of it. */
const NODE_PORT_REGISTRY = registryAddress({
  hostname: "192.168.56.10",
  expose: { type: "nodePort", nodePort: { http: 30002, https: 30003 } },
  tls: { mode: "generated", dnsNames: [], ipAddresses: [] },
});

/**
 * containerd's hosts.toml for that key: Harbor in a `[host]` table (containerd 1.6 and 1.7 before
 * 1.7.32 need one) and again as the top-level server tried last, both verified with the CA beside
 * it (test/unit/containerd-hosts.test.ts checks it against containerd's parser rules).
 */
const NODE_PORT_HOSTS_TOML = [
  "# Written by the harbor-node-trust DaemonSet (Pulumi); local changes are overwritten.",
  "# containerd 1.6 and 1.7 (before 1.7.32) need the [host] table; the top-level server, tried",
  "# last, is the same Harbor with the same CA, so a missing image reports not found, not x509.",
  'server = "https://192.168.56.10:30003"',
  'capabilities = ["pull", "resolve", "push"]',
  'ca = "/etc/containerd/certs.d/192.168.56.10:30003/ca.crt"',
  "",
  '[host."https://192.168.56.10:30003"]',
  '  capabilities = ["pull", "resolve", "push"]',
  '  ca = "/etc/containerd/certs.d/192.168.56.10:30003/ca.crt"',
  "",
].join("\n");

/** docker.io through the `dockerhub-cache` project of the node-port Harbor. */
const DOCKER_IO_HOSTS_TOML = [
  "# Written by the harbor-node-trust DaemonSet (Pulumi); local changes are overwritten.",
  '# docker.io is pulled through Harbor\'s proxy cache project "dockerhub-cache";',
  "# when Harbor cannot serve a pull, containerd falls back to the upstream server.",
  'server = "https://registry-1.docker.io"',
  "",
  '[host."https://192.168.56.10:30003/v2/dockerhub-cache"]',
  '  capabilities = ["pull", "resolve"]',
  '  ca = "/etc/containerd/certs.d/192.168.56.10:30003/ca.crt"',
  "  override_path = true",
  "",
].join("\n");

/** An upstream with a port, through the `local-cache` project. */
const LOCAL_HOSTS_TOML = [
  "# Written by the harbor-node-trust DaemonSet (Pulumi); local changes are overwritten.",
  '# registry.local:5000 is pulled through Harbor\'s proxy cache project "local-cache";',
  "# when Harbor cannot serve a pull, containerd falls back to the upstream server.",
  'server = "https://registry.local:5000"',
  "",
  '[host."https://192.168.56.10:30003/v2/local-cache"]',
  '  capabilities = ["pull", "resolve"]',
  '  ca = "/etc/containerd/certs.d/192.168.56.10:30003/ca.crt"',
  "  override_path = true",
  "",
].join("\n");

interface Built {
  trust: NodeTrust;
  resources: RecordedResource[];
  /** What the component passed to `registerOutputs`. */
  registered: Record<string, unknown>;
  find(type: string, name: string): RecordedResource;
}

async function build(args: NodeTrustArgs): Promise<Built> {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder);
  // registerOutputs is protected and the mocks drop what it sends: record it on the way through.
  let registered: Record<string, unknown> = {};
  const proto = pulumi.ComponentResource.prototype as unknown as {
    registerOutputs: (this: pulumi.ComponentResource, outputs?: unknown) => void;
  };
  const original = proto.registerOutputs;
  proto.registerOutputs = function (outputs) {
    if (this instanceof NodeTrust) registered = outputs as Record<string, unknown>;
    original.call(this, outputs);
  };
  let trust: NodeTrust;
  try {
    trust = new NodeTrust("harbor-node-trust", args);
  } finally {
    proto.registerOutputs = original;
  }
  await settle(recorder);
  return {
    trust,
    resources: recorder.resources,
    registered,
    find: (type, name) => findIn(recorder.resources, type, name),
  };
}

/** The pod template's annotations of a recorded DaemonSet. */
function annotationsOf(r: RecordedResource): Record<string, string> {
  return (r.inputs as { spec: { template: { metadata: { annotations: Record<string, string> } } } })
    .spec.template.metadata.annotations;
}

const containerdArgs: NodeTrustArgs = {
  namespace: "harbor-node-trust",
  registry: NODE_PORT_REGISTRY,
  caCertificate: CA,
  runtime: "containerd",
  hostsDir: "/etc/containerd/certs.d",
  image: "busybox:1.37.0",
};

/** The DaemonSet every test expects, varying only in what the runtime and image change. */
function expectedDaemonSet(o: {
  image: string;
  hostDir: string;
  /** `$TRUST_FILES`: the files the install script copies. */
  files: string;
  caSha256: string;
  /** containerd: SHA-256 of Harbor's hosts.toml (`checksum/hosts-toml`). */
  hostsTomlSha256?: string;
}): Record<string, unknown> {
  const lockedDown = {
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
  };
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: {
      name: "harbor-node-trust",
      namespace: "harbor-node-trust",
      labels: LABELS,
      annotations: { "pulumi.com/skipAwait": "true" },
    },
    spec: {
      selector: { matchLabels: LABELS },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%" } },
      template: {
        metadata: {
          labels: LABELS,
          annotations: {
            "checksum/ca-certificate": o.caSha256,
            ...(o.hostsTomlSha256 ? { "checksum/hosts-toml": o.hostsTomlSha256 } : {}),
          },
        },
        spec: {
          hostNetwork: false,
          hostPID: false,
          hostIPC: false,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 5,
          nodeSelector: { "kubernetes.io/os": "linux" },
          tolerations: [{ operator: "Exists" }],
          securityContext: { seccompProfile: { type: "RuntimeDefault" } },
          initContainers: [
            {
              name: "install",
              image: o.image,
              command: ["/bin/sh", "-c", INSTALL_SCRIPT],
              env: [
                { name: "TRUST_FILES", value: o.files },
                { name: "FILES_DIR", value: "/trust" },
                { name: "TARGET_DIR", value: "/target" },
                { name: "HOST_DIR", value: o.hostDir },
              ],
              securityContext: { ...lockedDown, runAsUser: 0, runAsGroup: 0, runAsNonRoot: false },
              resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
              volumeMounts: [
                { name: "trust-files", mountPath: "/trust", readOnly: true },
                { name: "registry-dir", mountPath: "/target" },
              ],
            },
          ],
          containers: [
            {
              name: "idle",
              image: o.image,
              command: ["/bin/sh", "-c", IDLE_SCRIPT],
              securityContext: {
                ...lockedDown,
                runAsUser: 65534,
                runAsGroup: 65534,
                runAsNonRoot: true,
              },
              resources: { requests: { cpu: "1m", memory: "4Mi" }, limits: { memory: "16Mi" } },
            },
          ],
          volumes: [
            { name: "trust-files", configMap: { name: "harbor-node-trust", defaultMode: 0o444 } },
            { name: "registry-dir", hostPath: { path: o.hostDir, type: "DirectoryOrCreate" } },
          ],
        },
      },
    },
  };
}

/** What one mirror adds to the expected DaemonSet: its install container and its two volumes. */
function withMirrors(
  expected: Record<string, unknown>,
  image: string,
  mirrors: { directory: string; key: string }[],
  checksum: string,
): Record<string, unknown> {
  const copy = structuredClone(expected) as {
    spec: {
      template: {
        metadata: { annotations: Record<string, string> };
        spec: { initContainers: unknown[]; volumes: unknown[] };
      };
    };
  };
  const template = copy.spec.template;
  template.metadata.annotations["checksum/mirrors"] = checksum;
  mirrors.forEach((m, n) => {
    template.spec.initContainers.push({
      name: `install-mirror-${n}`,
      image,
      command: ["/bin/sh", "-c", INSTALL_SCRIPT],
      env: [
        { name: "TRUST_FILES", value: "hosts.toml" },
        { name: "FILES_DIR", value: "/trust" },
        { name: "TARGET_DIR", value: "/target" },
        { name: "HOST_DIR", value: m.directory },
      ],
      securityContext: {
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
        runAsUser: 0,
        runAsGroup: 0,
        runAsNonRoot: false,
      },
      resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
      volumeMounts: [
        { name: `mirror-${n}-file`, mountPath: "/trust", readOnly: true },
        { name: `mirror-${n}-dir`, mountPath: "/target" },
      ],
    });
    template.spec.volumes.push(
      {
        name: `mirror-${n}-file`,
        configMap: {
          name: "harbor-node-trust",
          defaultMode: 0o444,
          items: [{ key: m.key, path: "hosts.toml" }],
        },
      },
      { name: `mirror-${n}-dir`, hostPath: { path: m.directory, type: "DirectoryOrCreate" } },
    );
  });
  return copy;
}

/** The checksum annotation as documented: SHA-256 of the JSON list of [upstream, hosts.toml]. */
function mirrorsSha(pairs: [string, string][]): string {
  return createHash("sha256").update(JSON.stringify(pairs)).digest("hex");
}

describe("NodeTrust", function () {
  describe("pure helpers", function () {
    it("names its namespace after Harbor's, within 63 characters", function () {
      assert.equal(nodeTrustNamespaceName("harbor"), "harbor-node-trust");
      assert.equal(nodeTrustNamespaceName("a".repeat(52)), `${"a".repeat(52)}-node-trust`);
      // Over 63 characters: the head and a hash of the whole name, so namespaces that differ
      // only past the cut still get different trust namespaces.
      const long = `${"a".repeat(51)}-${"b".repeat(11)}`;
      const hash = createHash("sha256").update(`${long}-node-trust`).digest("hex").slice(0, 8);
      assert.equal(nodeTrustNamespaceName(long), `${"a".repeat(51)}-bb-${hash}`);
      assert.equal(nodeTrustNamespaceName(long).length, 63);
      assert.notEqual(
        nodeTrustNamespaceName(long),
        nodeTrustNamespaceName(`${"a".repeat(51)}-${"c".repeat(11)}`),
      );
    });

    it("puts the registry key (with its port) under the hosts directory", function () {
      assert.equal(NODE_PORT_REGISTRY, "192.168.56.10:30003");
      assert.equal(
        registryTrustDir("/etc/containerd/certs.d/", NODE_PORT_REGISTRY),
        "/etc/containerd/certs.d/192.168.56.10:30003",
      );
      assert.equal(
        registryTrustDir("/etc/docker/certs.d", "harbor.example.com"),
        "/etc/docker/certs.d/harbor.example.com",
      );
    });

    it("writes a hosts.toml with Harbor in a [host] table and as the server, verified with the CA beside it", function () {
      assert.equal(
        hostsToml("192.168.56.10:30003", "/etc/containerd/certs.d/192.168.56.10:30003/ca.crt"),
        NODE_PORT_HOSTS_TOML,
      );
    });

    it("writes ca.crt and hosts.toml for containerd, ca.crt alone for docker", function () {
      assert.deepEqual(trustFileNames("containerd"), ["ca.crt", "hosts.toml"]);
      assert.deepEqual(trustFileNames("docker"), ["ca.crt"]);
    });

    it("the install script is a constant; its environment carries the files and directories", function () {
      assert.deepEqual(installEnv(["ca.crt", "hosts.toml"], "/etc/containerd/certs.d/h:1"), {
        TRUST_FILES: "ca.crt hosts.toml",
        FILES_DIR: "/trust",
        TARGET_DIR: "/target",
        HOST_DIR: "/etc/containerd/certs.d/h:1",
      });
      // No `$(` either: the kubelet would expand `$(NAME)` in a command before the shell runs it.
      assert.ok(!INSTALL_SCRIPT.includes("$("));
      assert.ok(!INSTALL_SCRIPT.includes("certs.d"));
    });

    it("the install script writes the files when run by a POSIX shell", function () {
      const dir = mkdtempSync(path.join(tmpdir(), "node-trust-"));
      try {
        const files = path.join(dir, "files");
        const target = path.join(dir, "target");
        mkdirSync(files);
        mkdirSync(target);
        writeFileSync(path.join(files, "ca.crt"), CA);
        writeFileSync(path.join(files, "hosts.toml"), 'server = "https://h:1"\n');
        writeFileSync(path.join(target, "ca.crt"), "stale");
        const env = installEnv(["ca.crt", "hosts.toml"], "/node/dir", { files, target });
        const out = execFileSync("/bin/sh", ["-c", INSTALL_SCRIPT], {
          env: { PATH: process.env.PATH, ...env },
        }).toString();
        assert.equal(out, "installed ca.crt hosts.toml in /node/dir\n");
        assert.deepEqual(readdirSync(target).sort(), ["ca.crt", "hosts.toml"]);
        assert.equal(readFileSync(path.join(target, "ca.crt"), "utf8"), CA);
        assert.equal(statSync(path.join(target, "ca.crt")).mode & 0o777, 0o644);
        assert.equal(statSync(path.join(target, "hosts.toml")).mode & 0o777, 0o644);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("containerd, exposed by nodePort", function () {
    let built: Built;
    before(async function () {
      built = await build(containerdArgs);
    });

    it("creates its namespace, the ConfigMap and the DaemonSet, nothing else", function () {
      assert.deepEqual(
        built.resources.map((r) => `${r.type}::${r.name}`),
        [
          "harbor:trust:NodeTrust::harbor-node-trust",
          `${NAMESPACE}::harbor-node-trust-namespace`,
          `${CONFIG_MAP}::harbor-node-trust-files`,
          `${DAEMON_SET}::harbor-node-trust-daemonset`,
        ],
      );
    });

    it("the namespace enforces Pod Security privileged, for the hostPath volume", function () {
      assert.deepEqual(built.find(NAMESPACE, "harbor-node-trust-namespace").inputs, {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
          name: "harbor-node-trust",
          labels: {
            "app.kubernetes.io/part-of": "harbor",
            "app.kubernetes.io/managed-by": "pulumi",
            "pod-security.kubernetes.io/enforce": "privileged",
          },
        },
      });
    });

    it("the ConfigMap holds ca.crt and hosts.toml for the node-port key", function () {
      assert.deepEqual(built.find(CONFIG_MAP, "harbor-node-trust-files").inputs, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "harbor-node-trust", namespace: "harbor-node-trust", labels: LABELS },
        data: {
          "ca.crt": CA,
          "hosts.toml": NODE_PORT_HOSTS_TOML,
        },
      });
    });

    it("the DaemonSet mounts only /etc/containerd/certs.d/<host:port>, locked down", function () {
      const hostDir = "/etc/containerd/certs.d/192.168.56.10:30003";
      assert.deepEqual(
        built.find(DAEMON_SET, "harbor-node-trust-daemonset").inputs,
        expectedDaemonSet({
          image: "busybox:1.37.0",
          hostDir,
          files: "ca.crt hosts.toml",
          caSha256: sha256(CA),
          hostsTomlSha256: sha256(NODE_PORT_HOSTS_TOML),
        }),
      );
    });

    it("exposes the namespace, the DaemonSet and the node directory", async function () {
      assert.equal(await resolve(built.trust.namespace), "harbor-node-trust");
      assert.equal(await resolve(built.trust.daemonSetName), "harbor-node-trust");
      assert.equal(built.trust.hostDirectory, "/etc/containerd/certs.d/192.168.56.10:30003");
      assert.deepEqual(built.trust.mirrorDirectories, []);
      assert.deepEqual(built.trust.images, ["docker.io/library/busybox:1.37.0"]);
      assert.deepEqual(Object.keys(built.registered), [
        "namespace",
        "daemonSetName",
        "hostDirectory",
        "mirrorDirectories",
      ]);
      assert.deepEqual(built.registered.mirrorDirectories, []);
    });

    it("a new CA changes the pod template, so every node rewrites its files", async function () {
      const rotated = await build({ ...containerdArgs, caCertificate: NEW_CA });
      const before = annotationsOf(built.find(DAEMON_SET, "harbor-node-trust-daemonset"));
      const after = annotationsOf(rotated.find(DAEMON_SET, "harbor-node-trust-daemonset"));
      const hostsTomlSha = sha256(NODE_PORT_HOSTS_TOML);
      assert.deepEqual(before, {
        [CA_CHECKSUM_ANNOTATION]: sha256(CA),
        [HOSTS_TOML_CHECKSUM_ANNOTATION]: hostsTomlSha,
      });
      assert.deepEqual(after, {
        [CA_CHECKSUM_ANNOTATION]: sha256(NEW_CA),
        [HOSTS_TOML_CHECKSUM_ANNOTATION]: hostsTomlSha,
      });
      assert.notEqual(before[CA_CHECKSUM_ANNOTATION], after[CA_CHECKSUM_ANNOTATION]);
    });

    it("a new form of Harbor's hosts.toml changes the pod template, so every node rewrites it", function () {
      // The annotation is the SHA-256 of the ConfigMap's hosts.toml: the pre-issue-20 file (no
      // [host] table) gave another pod template, so upgraded clusters roll and get the new file.
      const annotations = annotationsOf(built.find(DAEMON_SET, "harbor-node-trust-daemonset"));
      const data = built.find(CONFIG_MAP, "harbor-node-trust-files").inputs.data as Record<
        string,
        string
      >;
      assert.equal(annotations[HOSTS_TOML_CHECKSUM_ANNOTATION], sha256(data["hosts.toml"]));
      const preFix = [
        "# Written by the harbor-node-trust DaemonSet (Pulumi); local changes are overwritten.",
        'server = "https://192.168.56.10:30003"',
        'capabilities = ["pull", "resolve", "push"]',
        'ca = "/etc/containerd/certs.d/192.168.56.10:30003/ca.crt"',
        "",
      ].join("\n");
      assert.notEqual(annotations[HOSTS_TOML_CHECKSUM_ANNOTATION], sha256(preFix));
    });
  });

  describe("node mirrors (harbor:mirrors), containerd", function () {
    const hostDir = "/etc/containerd/certs.d/192.168.56.10:30003";
    const base = () =>
      expectedDaemonSet({
        image: "busybox:1.37.0",
        hostDir,
        files: "ca.crt hosts.toml",
        caSha256: sha256(CA),
        hostsTomlSha256: sha256(NODE_PORT_HOSTS_TOML),
      });

    it("no mirrors, empty or absent: the same ConfigMap and DaemonSet as before mirrors existed", async function () {
      for (const mirrors of [undefined, {}]) {
        const built = await build({ ...containerdArgs, mirrors });
        assert.deepEqual(built.find(CONFIG_MAP, "harbor-node-trust-files").inputs.data, {
          "ca.crt": CA,
          "hosts.toml": NODE_PORT_HOSTS_TOML,
        });
        assert.deepEqual(built.find(DAEMON_SET, "harbor-node-trust-daemonset").inputs, base());
        assert.deepEqual(built.trust.mirrorDirectories, []);
      }
      // docker with an empty map is no mirror either.
      const docker = await build({
        ...containerdArgs,
        runtime: "docker",
        hostsDir: "/etc/docker/certs.d",
        mirrors: {},
      });
      assert.deepEqual(docker.find(CONFIG_MAP, "harbor-node-trust-files").inputs.data, {
        "ca.crt": CA,
      });
    });

    describe("one mirror: docker.io", function () {
      let built: Built;
      before(async function () {
        built = await build({ ...containerdArgs, mirrors: { "docker.io": "dockerhub-cache" } });
      });

      it("the ConfigMap adds docker.io's hosts.toml under mirror-0-hosts.toml", function () {
        assert.deepEqual(built.find(CONFIG_MAP, "harbor-node-trust-files").inputs, {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "harbor-node-trust", namespace: "harbor-node-trust", labels: LABELS },
          data: {
            "ca.crt": CA,
            "hosts.toml": NODE_PORT_HOSTS_TOML,
            "mirror-0-hosts.toml": DOCKER_IO_HOSTS_TOML,
          },
        });
      });

      it("the DaemonSet adds an install container and <hostsDir>/docker.io, after Harbor's", function () {
        assert.deepEqual(
          built.find(DAEMON_SET, "harbor-node-trust-daemonset").inputs,
          withMirrors(
            base(),
            "busybox:1.37.0",
            [{ directory: "/etc/containerd/certs.d/docker.io", key: "mirror-0-hosts.toml" }],
            mirrorsSha([["docker.io", DOCKER_IO_HOSTS_TOML]]),
          ),
        );
      });

      it("exposes and registers the mirror directory", function () {
        assert.deepEqual(built.trust.mirrorDirectories, ["/etc/containerd/certs.d/docker.io"]);
        assert.deepEqual(built.registered.mirrorDirectories, ["/etc/containerd/certs.d/docker.io"]);
        assert.equal(built.registered.hostDirectory, hostDir);
      });

      it("another project changes only the mirror checksum: the pods roll and rewrite the file", async function () {
        const moved = await build({
          ...containerdArgs,
          mirrors: { "docker.io": "hub-proxy" },
        });
        const ds = (b: Built) => b.find(DAEMON_SET, "harbor-node-trust-daemonset").inputs;
        const before = annotationsOf(built.find(DAEMON_SET, "harbor-node-trust-daemonset"));
        const after = annotationsOf(moved.find(DAEMON_SET, "harbor-node-trust-daemonset"));
        assert.equal(after[CA_CHECKSUM_ANNOTATION], before[CA_CHECKSUM_ANNOTATION]);
        assert.notEqual(after[MIRRORS_CHECKSUM_ANNOTATION], before[MIRRORS_CHECKSUM_ANNOTATION]);
        const movedToml = DOCKER_IO_HOSTS_TOML.replaceAll("dockerhub-cache", "hub-proxy");
        assert.deepEqual(moved.find(CONFIG_MAP, "harbor-node-trust-files").inputs.data, {
          "ca.crt": CA,
          "hosts.toml": NODE_PORT_HOSTS_TOML,
          "mirror-0-hosts.toml": movedToml,
        });
        assert.equal(after[MIRRORS_CHECKSUM_ANNOTATION], mirrorsSha([["docker.io", movedToml]]));
        // Without the annotation the two pod templates would be identical: nothing would roll.
        const strip = (inputs: Record<string, unknown>) => {
          const copy = structuredClone(inputs);
          delete annotationsOf({ inputs: copy } as RecordedResource)[MIRRORS_CHECKSUM_ANNOTATION];
          return copy;
        };
        assert.deepEqual(strip(ds(moved)), strip(ds(built)));
      });

      it("a new Harbor address changes the mirror file too (its CA path and host)", async function () {
        const elsewhere = await build({
          ...containerdArgs,
          registry: "harbor.example.com",
          mirrors: { "docker.io": "dockerhub-cache" },
        });
        assert.notEqual(
          annotationsOf(elsewhere.find(DAEMON_SET, "harbor-node-trust-daemonset"))[
            MIRRORS_CHECKSUM_ANNOTATION
          ],
          annotationsOf(built.find(DAEMON_SET, "harbor-node-trust-daemonset"))[
            MIRRORS_CHECKSUM_ANNOTATION
          ],
        );
      });
    });

    describe("two mirrors: docker.io and an upstream with a port", function () {
      let built: Built;
      before(async function () {
        built = await build({
          ...containerdArgs,
          mirrors: { "docker.io": "dockerhub-cache", "registry.local:5000": "local-cache" },
        });
      });

      it("the ConfigMap holds both, keyed by index (a port is not a valid key)", function () {
        assert.deepEqual(built.find(CONFIG_MAP, "harbor-node-trust-files").inputs.data, {
          "ca.crt": CA,
          "hosts.toml": NODE_PORT_HOSTS_TOML,
          "mirror-0-hosts.toml": DOCKER_IO_HOSTS_TOML,
          "mirror-1-hosts.toml": LOCAL_HOSTS_TOML,
        });
      });

      it("the DaemonSet writes <hostsDir>/docker.io and <hostsDir>/registry.local:5000", function () {
        assert.deepEqual(
          built.find(DAEMON_SET, "harbor-node-trust-daemonset").inputs,
          withMirrors(
            base(),
            "busybox:1.37.0",
            [
              { directory: "/etc/containerd/certs.d/docker.io", key: "mirror-0-hosts.toml" },
              {
                directory: "/etc/containerd/certs.d/registry.local:5000",
                key: "mirror-1-hosts.toml",
              },
            ],
            mirrorsSha([
              ["docker.io", DOCKER_IO_HOSTS_TOML],
              ["registry.local:5000", LOCAL_HOSTS_TOML],
            ]),
          ),
        );
        assert.deepEqual(built.registered.mirrorDirectories, [
          "/etc/containerd/certs.d/docker.io",
          "/etc/containerd/certs.d/registry.local:5000",
        ]);
      });

      it("removing a mirror changes the pod template; the one before it keeps its index", async function () {
        const one = await build({ ...containerdArgs, mirrors: { "docker.io": "dockerhub-cache" } });
        assert.notEqual(
          annotationsOf(one.find(DAEMON_SET, "harbor-node-trust-daemonset"))[
            MIRRORS_CHECKSUM_ANNOTATION
          ],
          annotationsOf(built.find(DAEMON_SET, "harbor-node-trust-daemonset"))[
            MIRRORS_CHECKSUM_ANNOTATION
          ],
        );
        assert.deepEqual(one.trust.mirrorDirectories, ["/etc/containerd/certs.d/docker.io"]);
        assert.deepEqual(one.find(CONFIG_MAP, "harbor-node-trust-files").inputs.data, {
          "ca.crt": CA,
          "hosts.toml": NODE_PORT_HOSTS_TOML,
          "mirror-0-hosts.toml": DOCKER_IO_HOSTS_TOML,
        });
      });
    });

    it("refuses mirrors for docker, upstreams that are not hosts, and Harbor's own address", function () {
      assert.deepEqual(nodeMirrorFiles("docker", "/etc/docker/certs.d", "h", {}), []);
      assert.throws(
        () => nodeMirrorFiles("docker", "/etc/docker/certs.d", "h", { "docker.io": "cache" }),
        {
          message:
            "NodeTrust: mirrors need runtime containerd, got docker (Docker Engine cannot pull through a proxy cache project)",
        },
      );
      for (const upstream of [
        "../../root",
        "a/b",
        "..",
        "Docker.io",
        "$(touch x)",
        "https://docker.io",
        "",
      ]) {
        assert.throws(
          () => nodeMirrorFiles("containerd", "/etc/containerd/certs.d", "h", { [upstream]: "c" }),
          {
            message: `NodeTrust: mirrors[${JSON.stringify(upstream)}] must be a registry host as in image references, such as docker.io or registry.local:5000`,
          },
          upstream,
        );
      }
      assert.throws(
        () =>
          nodeMirrorFiles("containerd", "/etc/containerd/certs.d", "192.168.56.10:30003", {
            "192.168.56.10:30003": "c",
          }),
        {
          message:
            "NodeTrust: mirrors[\"192.168.56.10:30003\"] is Harbor's own address; its directory already holds Harbor's hosts.toml",
        },
      );
    });
  });

  describe("docker, behind a mirror", function () {
    let built: Built;
    before(async function () {
      built = await build({
        namespace: "registry-node-trust",
        registry: "harbor.example.com",
        caCertificate: CA,
        runtime: "docker",
        hostsDir: "/etc/docker/certs.d",
        image: "busybox:1.37.0",
        imageRegistry: "mirror.example.com:5000",
      });
    });

    it("the ConfigMap holds ca.crt only", function () {
      const cm = built.find(CONFIG_MAP, "harbor-node-trust-files");
      assert.deepEqual(cm.inputs.data, { "ca.crt": CA });
      assert.deepEqual(cm.inputs.metadata, {
        name: "harbor-node-trust",
        namespace: "registry-node-trust",
        labels: LABELS,
      });
    });

    it("the DaemonSet writes /etc/docker/certs.d/<host>/ca.crt with the mirrored image", function () {
      const hostDir = "/etc/docker/certs.d/harbor.example.com";
      const expected = expectedDaemonSet({
        image: "mirror.example.com:5000/library/busybox:1.37.0",
        hostDir,
        files: "ca.crt",
        caSha256: sha256(CA),
      });
      (expected.metadata as { namespace: string }).namespace = "registry-node-trust";
      assert.deepEqual(built.find(DAEMON_SET, "harbor-node-trust-daemonset").inputs, expected);
    });
  });
});
