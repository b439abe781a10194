/**
 * Installs Harbor's CA on every node, in the container runtime's per-registry directory, so that
 * kubelets pull from Harbor without "x509: certificate signed by unknown authority"; for
 * containerd, also the node mirrors (`harbor:mirrors`): one `hosts.toml` per upstream registry that
 * sends its pulls through a Harbor proxy cache project.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerRuntime } from "../config/types";
import { isUpstreamHost } from "../config/registry-content";
import { fullImageRef, mirrorImage } from "../lib/chart";
import { mirrorFiles, type MirrorFile } from "../lib/mirrors";
import { fitName } from "../lib/names";
import { kubernetesEnv } from "../lib/scripts";
import { sha256 } from "./certificates";
import { PART_OF_LABEL } from "../config/facts";

export interface NodeTrustArgs {
  /**
   * Namespace the component creates for the DaemonSet (`nodeTrustNamespaceName`). Separate from
   * Harbor's namespace: a hostPath volume is forbidden by Pod Security `baseline`, which Harbor's
   * namespace enforces, so this one enforces `privileged`.
   */
  namespace: string;
  /**
   * Registry address as it appears in image references, `host[:port]` (`registryAddress`): the
   * name of the per-registry directory on the nodes.
   */
  registry: string;
  /** PEM of the CA to install (`Certificates.caCertificate`). */
  caCertificate: pulumi.Input<string>;
  /** Container runtime of the nodes: decides which files are written. */
  runtime: ContainerRuntime;
  /** Root of the per-registry directories on the nodes, such as `/etc/containerd/certs.d`. */
  hostsDir: string;
  /** Image with a POSIX shell, `cp`, `chmod`, `mv` and `sleep` (`busybox:1.37.0`). */
  image: string;
  /** Registry mirror (`harbor:imageRegistry`) the image is pulled from, for air-gapped sites. */
  imageRegistry?: string;
  /**
   * Node mirrors (`harbor:mirrors`): upstream host as in image references (`docker.io`,
   * `registry.local:5000`) -> Harbor proxy cache project. Each gets
   * `<hostsDir>/<upstream>/hosts.toml` (`lib/mirrors.ts`). containerd only: Docker Engine cannot
   * pull through a project path. Empty or absent: the DaemonSet is exactly what it is without.
   */
  mirrors?: Record<string, string>;
}

/** Name of the DaemonSet and its ConfigMap. */
export const NODE_TRUST_NAME = "harbor-node-trust";

/** Pod template annotation with the CA's SHA-256: a new CA rolls the pods, which rewrite the files. */
export const CA_CHECKSUM_ANNOTATION = "checksum/ca-certificate";

/**
 * Pod template annotation with the SHA-256 of Harbor's own `hosts.toml` (containerd only): a new
 * form of the file (a program upgrade, such as the `[host]` table containerd 1.6 needs) rolls the
 * pods, which rewrite it; the ConfigMap alone changing would leave the nodes' files as they were.
 */
export const HOSTS_TOML_CHECKSUM_ANNOTATION = "checksum/hosts-toml";

/**
 * Pod template annotation with the SHA-256 of the mirror files (only when there are mirrors): a
 * changed `hosts.toml` (another project, registry or CA path) rolls the pods, which rewrite it.
 */
export const MIRRORS_CHECKSUM_ANNOTATION = "checksum/mirrors";

/** Labels of the DaemonSet, its pods (also the selector) and its ConfigMap. */
export const NODE_TRUST_LABELS: Readonly<Record<string, string>> = {
  "app.kubernetes.io/name": NODE_TRUST_NAME,
  "app.kubernetes.io/component": "node-trust",
  ...PART_OF_LABEL,
};

/** Labels of the component's namespace: Pod Security `privileged`, for the hostPath volume. */
export const NODE_TRUST_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
  ...PART_OF_LABEL,
  "app.kubernetes.io/managed-by": "pulumi",
  "pod-security.kubernetes.io/enforce": "privileged",
};

/** Where the ConfigMap is mounted in the install container. */
const FILES_MOUNT = "/trust";
/** Where the node's per-registry directory is mounted in the install container. */
const TARGET_MOUNT = "/target";

/**
 * `<harbor namespace>-node-trust`; a name over 63 characters keeps its head and a hash of the whole
 * (`fitName`), so two long Harbor namespaces never share one trust namespace.
 */
export function nodeTrustNamespaceName(harborNamespace: string): string {
  return fitName(`${harborNamespace}-node-trust`);
}

/** The per-registry directory on the nodes: `<hostsDir>/<host[:port]>`. */
export function registryTrustDir(hostsDir: string, registry: string): string {
  return `${hostsDir.replace(/\/+$/, "")}/${registry}`;
}

/**
 * containerd's `hosts.toml` for the registry: Harbor itself, verified with the CA written beside
 * it. Paths are the node's, because containerd reads them.
 *
 * Harbor is described twice, on purpose (containerd's remotes/docker/config/hosts.go):
 * - the `[host."https://<registry>"]` table, because containerd 1.6 and 1.7 before 1.7.32 reject a
 *   file without one (`parseHostsFile` -> `getSortedHosts`: "invalid `host` tree", containerd
 *   #10027), log `failed to decode hosts.toml` and fall back to the certificate files beside it,
 *   which for a loopback address means plain HTTP against Harbor's TLS port;
 * - the top-level `server` with the same capabilities and CA, because every version appends the
 *   top-level entry as the last host to try (`parseHostsFile`, `ConfigureHosts`) and moves on to
 *   it when Harbor answers 404: without the CA there, a missing image would end in
 *   `x509: certificate signed by unknown authority` instead of `not found`.
 */
export function hostsToml(registry: string, caPath: string): string {
  const server = JSON.stringify(`https://${registry}`);
  const capabilities = `capabilities = ["pull", "resolve", "push"]`;
  const ca = `ca = ${JSON.stringify(caPath)}`;
  return [
    `# Written by the ${NODE_TRUST_NAME} DaemonSet (Pulumi); local changes are overwritten.`,
    "# containerd 1.6 and 1.7 (before 1.7.32) need the [host] table; the top-level server, tried",
    "# last, is the same Harbor with the same CA, so a missing image reports not found, not x509.",
    `server = ${server}`,
    capabilities,
    ca,
    "",
    `[host.${server}]`,
    `  ${capabilities}`,
    `  ${ca}`,
    "",
  ].join("\n");
}

/** Files the runtime needs in the per-registry directory, in the order they are written. */
export function trustFileNames(runtime: ContainerRuntime): string[] {
  return runtime === "containerd" ? ["ca.crt", "hosts.toml"] : ["ca.crt"];
}

/** Contents of the files written to the node, by file name (the ConfigMap's data). */
export function trustFiles(
  runtime: ContainerRuntime,
  hostsDir: string,
  registry: string,
  caCertificate: pulumi.Input<string>,
): Record<string, pulumi.Input<string>> {
  const dir = registryTrustDir(hostsDir, registry);
  const files: Record<string, pulumi.Input<string>> = { "ca.crt": caCertificate };
  if (runtime === "containerd") files["hosts.toml"] = hostsToml(registry, `${dir}/ca.crt`);
  return files;
}

/**
 * The mirror files for the nodes (`lib/mirrors.ts`), after the checks that keep them inside
 * `hostsDir` and away from Harbor's own directory. The configuration layer refuses these cases
 * with messages naming the keys; this guards direct users of the component, since each upstream
 * becomes a hostPath.
 */
export function nodeMirrorFiles(
  runtime: ContainerRuntime,
  hostsDir: string,
  registry: string,
  mirrors: Readonly<Record<string, string>> = {},
): MirrorFile[] {
  const upstreams = Object.keys(mirrors);
  if (upstreams.length === 0) return [];
  if (runtime !== "containerd") {
    throw new Error(
      `NodeTrust: mirrors need runtime containerd, got ${runtime} (Docker Engine cannot pull through a proxy cache project)`,
    );
  }
  for (const upstream of upstreams) {
    if (!isUpstreamHost(upstream)) {
      throw new Error(
        `NodeTrust: mirrors[${JSON.stringify(upstream)}] must be a registry host as in image references, such as docker.io or registry.local:5000`,
      );
    }
    if (upstream === registry) {
      throw new Error(
        `NodeTrust: mirrors[${JSON.stringify(upstream)}] is Harbor's own address; its directory already holds Harbor's hosts.toml`,
      );
    }
  }
  return mirrorFiles({ ...mirrors }, { registry, hostsDir });
}

/** The ConfigMap's data: the trust files by name, then each mirror's `hosts.toml` by its key. */
export function nodeTrustConfigMapData(
  trust: Record<string, pulumi.Input<string>>,
  mirrors: readonly MirrorFile[],
): Record<string, pulumi.Input<string>> {
  const data = { ...trust };
  for (const m of mirrors) data[m.configMapKey] = m.content;
  return data;
}

/**
 * SHA-256 over every mirror's upstream and `hosts.toml`, in order: the pod template annotation that
 * makes a changed mirror file reach the nodes.
 */
export function mirrorsChecksum(mirrors: readonly MirrorFile[]): string {
  return sha256(JSON.stringify(mirrors.map((m) => [m.upstream, m.content])));
}

/**
 * Script of the install container: copies each file named in `$TRUST_FILES` from `$FILES_DIR`
 * (the ConfigMap) into `$TARGET_DIR` (the node's directory) through a temporary name and a rename,
 * so the runtime never reads a half-written file. A constant: the file names, the directories and
 * the node path it reports (`$HOST_DIR`) arrive as environment variables (`installEnv`), never as
 * script text. Globbing is off (`set -f`), a file name with a `/` or a leading `.` is refused, a
 * stale temporary file (or a symlink planted under its name) is removed before the copy, and the
 * report is printed with `printf %s`, which interprets nothing.
 */
export const INSTALL_SCRIPT = [
  "set -euf",
  "for f in $TRUST_FILES; do",
  '  case "$f" in',
  "    '' | .* | */*) printf 'refusing file name %s\\n' \"$f\" >&2; exit 1 ;;",
  "  esac",
  '  tmp="$TARGET_DIR/.$f.tmp"',
  '  rm -f "$tmp"',
  '  cp "$FILES_DIR/$f" "$tmp"',
  '  chmod 0644 "$tmp"',
  '  mv -f "$tmp" "$TARGET_DIR/$f"',
  "done",
  'printf \'installed %s in %s\\n\' "$TRUST_FILES" "$HOST_DIR"',
  "",
].join("\n");

/** Where the install script reads and writes (the container's mount points by default). */
export interface InstallMounts {
  /** The ConfigMap with the files. */
  files: string;
  /** The node's per-registry directory. */
  target: string;
}

/** The install script's environment: the files to copy, where from and to, the node path. */
export function installEnv(
  files: string[],
  hostDir: string,
  mounts: InstallMounts = { files: FILES_MOUNT, target: TARGET_MOUNT },
): Record<string, string> {
  return {
    TRUST_FILES: files.join(" "),
    FILES_DIR: mounts.files,
    TARGET_DIR: mounts.target,
    HOST_DIR: hostDir,
  };
}

/** Script of the long-running container: idles until the pod is stopped. */
export const IDLE_SCRIPT = "trap 'exit 0' TERM INT\nwhile true; do sleep 3600 & wait $!; done";

/** Security context shared by both containers: nothing beyond what each needs. */
const LOCKED_DOWN = {
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

export interface NodeTrustSpecInput {
  /** Image reference, already rewritten to the mirror. */
  image: string;
  runtime: ContainerRuntime;
  hostsDir: string;
  registry: string;
  /** Name of the ConfigMap holding the files. */
  configMapName: pulumi.Input<string>;
  /** SHA-256 of the CA, for the pod template annotation. */
  caSha256: pulumi.Input<string>;
  /** Mirror files (`nodeMirrorFiles`): one more install container and two volumes each. */
  mirrors?: readonly MirrorFile[];
}

/**
 * What one mirror adds to the pod: an install container running the same `INSTALL_SCRIPT` with
 * `TRUST_FILES=hosts.toml`, seeing at `/trust` a ConfigMap volume that projects only its own key
 * (`mirror-<n>-hosts.toml`) as `hosts.toml`, and at `/target` the node's `<hostsDir>/<upstream>`.
 * Every container thus has the same two mounts and the script stays one constant.
 */
function mirrorPodParts(
  mirror: MirrorFile,
  index: number,
  image: string,
  configMapName: pulumi.Input<string>,
): { container: k8s.types.input.core.v1.Container; volumes: k8s.types.input.core.v1.Volume[] } {
  const files = `mirror-${index}-file`;
  const dir = `mirror-${index}-dir`;
  return {
    container: installContainer(
      `install-mirror-${index}`,
      image,
      installEnv(["hosts.toml"], mirror.directory),
      [
        { name: files, mountPath: FILES_MOUNT, readOnly: true },
        { name: dir, mountPath: TARGET_MOUNT },
      ],
    ),
    volumes: [
      {
        name: files,
        configMap: {
          name: configMapName,
          defaultMode: 0o444,
          items: [{ key: mirror.configMapKey, path: "hosts.toml" }],
        },
      },
      { name: dir, hostPath: { path: mirror.directory, type: "DirectoryOrCreate" } },
    ],
  };
}

/** An init container running `INSTALL_SCRIPT` with the given environment and mounts. */
function installContainer(
  name: string,
  image: string,
  env: Record<string, string>,
  volumeMounts: k8s.types.input.core.v1.VolumeMount[],
): k8s.types.input.core.v1.Container {
  return {
    name,
    image,
    command: ["/bin/sh", "-c", INSTALL_SCRIPT],
    env: kubernetesEnv(env),
    // Root only to write the root-owned directory; no capability is needed for that.
    securityContext: { ...LOCKED_DOWN, runAsUser: 0, runAsGroup: 0, runAsNonRoot: false },
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
    volumeMounts,
  };
}

/** The DaemonSet's spec (pure; tests call it directly). */
export function nodeTrustDaemonSetSpec(
  input: NodeTrustSpecInput,
): k8s.types.input.apps.v1.DaemonSetSpec {
  const hostDir = registryTrustDir(input.hostsDir, input.registry);
  const files = trustFileNames(input.runtime);
  const mirrors = (input.mirrors ?? []).map((m, i) =>
    mirrorPodParts(m, i, input.image, input.configMapName),
  );
  const annotations: Record<string, pulumi.Input<string>> = {
    [CA_CHECKSUM_ANNOTATION]: input.caSha256,
  };
  if (input.runtime === "containerd") {
    annotations[HOSTS_TOML_CHECKSUM_ANNOTATION] = sha256(
      hostsToml(input.registry, `${hostDir}/ca.crt`),
    );
  }
  if (input.mirrors && input.mirrors.length > 0) {
    annotations[MIRRORS_CHECKSUM_ANNOTATION] = mirrorsChecksum(input.mirrors);
  }
  return {
    selector: { matchLabels: { ...NODE_TRUST_LABELS } },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%" } },
    template: {
      metadata: {
        labels: { ...NODE_TRUST_LABELS },
        annotations,
      },
      spec: {
        hostNetwork: false,
        hostPID: false,
        hostIPC: false,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: 5,
        nodeSelector: { "kubernetes.io/os": "linux" },
        // Every node pulls images, tainted ones (GPU, control plane) included.
        tolerations: [{ operator: "Exists" }],
        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
        // Harbor's directory first: the mirrors' hosts.toml name its ca.crt.
        initContainers: [
          installContainer("install", input.image, installEnv(files, hostDir), [
            { name: "trust-files", mountPath: FILES_MOUNT, readOnly: true },
            { name: "registry-dir", mountPath: TARGET_MOUNT },
          ]),
          ...mirrors.map((m) => m.container),
        ],
        containers: [
          {
            name: "idle",
            image: input.image,
            command: ["/bin/sh", "-c", IDLE_SCRIPT],
            securityContext: {
              ...LOCKED_DOWN,
              runAsUser: 65534,
              runAsGroup: 65534,
              runAsNonRoot: true,
            },
            resources: { requests: { cpu: "1m", memory: "4Mi" }, limits: { memory: "16Mi" } },
          },
        ],
        volumes: [
          { name: "trust-files", configMap: { name: input.configMapName, defaultMode: 0o444 } },
          { name: "registry-dir", hostPath: { path: hostDir, type: "DirectoryOrCreate" } },
          ...mirrors.flatMap((m) => m.volumes),
        ],
      },
    },
  };
}

/**
 * Await policy of the node-trust DaemonSet: `pulumi up` does not wait for its rollout. It runs on
 * every node (it tolerates every taint, and the DaemonSet controller adds the not-ready and
 * unreachable tolerations itself), so a node that is NotReady holds a Pod that never becomes
 * available, and pulumi-kubernetes' DaemonSet awaiter (provider/pkg/await/daemonset.go, ready only
 * at kstatus Current, 10 minutes by default) would fail every `up` and, through its `Read`, every
 * refresh. `pulumi.com/skipAwait` (provider/pkg/metadata/overrides.go `SkipAwaitLogic`,
 * `ReadyCondition`) turns both off; each node installs the files when its Pod starts, and
 *  `kubectl -n <harbor namespace>-node-trust rollout status ds/harbor-node-trust` shows the progress.
 */
export const NODE_TRUST_AWAIT = { "pulumi.com/skipAwait": "true" } as const;

/**
 * Opt-in DaemonSet (`harbor:trust.nodes`) that writes the CA, and for containerd a `hosts.toml`,
 * into `<hostsDir>/<host[:port]>/` on every node, plus `<hostsDir>/<upstream>/hosts.toml` for each
 * node mirror. It runs in its own namespace with one hostPath volume per directory it writes (the
 * per-registry directory, then one per mirror), no host namespaces, no privilege and no
 * capabilities; a new CA or a changed mirror file changes the pod template and the files are
 * rewritten. A mirror removed from `mirrors` leaves its file on the nodes (docs/registry-content.md).
 */
export class NodeTrust extends pulumi.ComponentResource {
  /** Namespace of the DaemonSet. */
  public readonly namespace: pulumi.Output<string>;
  /** Name of the DaemonSet. */
  public readonly daemonSetName: pulumi.Output<string>;
  /** The per-registry directory written on every node. */
  public readonly hostDirectory: string;
  /** The mirrors' directories written on every node, `<hostsDir>/<upstream>`, in `mirrors` order. */
  public readonly mirrorDirectories: string[];
  /** Images it runs, as published (before any `imageRegistry` rewrite). */
  public readonly images: string[];

  constructor(name: string, args: NodeTrustArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:trust:NodeTrust", name, {}, opts);
    this.hostDirectory = registryTrustDir(args.hostsDir, args.registry);
    const mirrors = nodeMirrorFiles(args.runtime, args.hostsDir, args.registry, args.mirrors);
    this.mirrorDirectories = mirrors.map((m) => m.directory);
    this.images = [fullImageRef(args.image)];

    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: args.namespace, labels: { ...NODE_TRUST_NAMESPACE_LABELS } } },
      { parent: this },
    );
    this.namespace = namespace.metadata.name;

    const files = new k8s.core.v1.ConfigMap(
      `${name}-files`,
      {
        metadata: {
          name: NODE_TRUST_NAME,
          namespace: this.namespace,
          labels: { ...NODE_TRUST_LABELS },
        },
        data: nodeTrustConfigMapData(
          trustFiles(args.runtime, args.hostsDir, args.registry, args.caCertificate),
          mirrors,
        ),
      },
      { parent: this },
    );

    const daemonSet = new k8s.apps.v1.DaemonSet(
      `${name}-daemonset`,
      {
        metadata: {
          name: NODE_TRUST_NAME,
          namespace: this.namespace,
          labels: { ...NODE_TRUST_LABELS },
          annotations: { ...NODE_TRUST_AWAIT },
        },
        spec: nodeTrustDaemonSetSpec({
          image: mirrorImage(args.image, args.imageRegistry),
          runtime: args.runtime,
          hostsDir: args.hostsDir,
          registry: args.registry,
          configMapName: files.metadata.name,
          caSha256: pulumi.output(args.caCertificate).apply(sha256),
          mirrors,
        }),
      },
      { parent: this },
    );
    this.daemonSetName = daemonSet.metadata.name;

    this.registerOutputs({
      namespace: this.namespace,
      daemonSetName: this.daemonSetName,
      hostDirectory: this.hostDirectory,
      mirrorDirectories: this.mirrorDirectories,
    });
  }
}
