/**
 * Node mirrors (`harbor:mirrors`): containerd's per-upstream `hosts.toml` that sends pulls of an
 * upstream registry (`docker.io/library/nginx`) through Harbor's proxy-cache project
 * (`harbor.example.com/v2/dockerhub/library/nginx`), verified with the stack's CA, and falls back
 * to the upstream itself when Harbor cannot serve them.
 *
 * The node-trust DaemonSet writes these files into `<hostsDir>/<upstream>/hosts.toml` beside the
 * per-registry directory of Harbor itself (which holds `ca.crt`).
 */

/** Where containerd really pulls an upstream from; `docker.io` is served by registry-1. */
export function upstreamServer(upstream: string): string {
  return upstream === "docker.io" ? "https://registry-1.docker.io" : `https://${upstream}`;
}

export interface MirrorOptions {
  /** Harbor's address in image references, `host[:port]` (`registryAddress`). */
  registry: string;
  /** Root of containerd's per-registry directories on the nodes (`/etc/containerd/certs.d`). */
  hostsDir: string;
}

/** One file the DaemonSet writes for a mirror. */
export interface MirrorFile {
  /** The upstream, as it appears in image references (`docker.io`). */
  upstream: string;
  /** Directory on the node: `<hostsDir>/<upstream>`. */
  directory: string;
  /** Always `hosts.toml`. */
  fileName: "hosts.toml";
  /**
   * Key of the file in the DaemonSet's ConfigMap (`mirror-<n>-hosts.toml`): an upstream with a
   * port (`registry.local:5000`) is not a valid ConfigMap key.
   */
  configMapKey: string;
  content: string;
}

/** The node path of Harbor's CA, written by node trust (`<hostsDir>/<registry>/ca.crt`). */
export function harborCaPath(options: MirrorOptions): string {
  return `${options.hostsDir.replace(/\/+$/, "")}/${options.registry}/ca.crt`;
}

/**
 * `hosts.toml` for one upstream: Harbor's proxy-cache project first (`override_path`, because the
 * project is part of the path; pull and resolve only, never push), then the upstream `server`.
 * Strings are written as TOML basic strings (JSON escaping is a subset of TOML's).
 */
export function mirrorHostsToml(upstream: string, project: string, options: MirrorOptions): string {
  const harborHost = `https://${options.registry}/v2/${project}`;
  return [
    "# Written by the harbor-node-trust DaemonSet (Pulumi); local changes are overwritten.",
    `# ${upstream} is pulled through Harbor's proxy cache project ${JSON.stringify(project)};`,
    "# when Harbor cannot serve a pull, containerd falls back to the upstream server.",
    `server = ${JSON.stringify(upstreamServer(upstream))}`,
    "",
    `[host.${JSON.stringify(harborHost)}]`,
    `  capabilities = ["pull", "resolve"]`,
    `  ca = ${JSON.stringify(harborCaPath(options))}`,
    "  override_path = true",
    "",
  ].join("\n");
}

/** Every mirror's file, in the order of `mirrors` (upstream -> proxy-cache project). */
export function mirrorFiles(mirrors: Record<string, string>, options: MirrorOptions): MirrorFile[] {
  const root = options.hostsDir.replace(/\/+$/, "");
  return Object.entries(mirrors).map(([upstream, project], index) => ({
    upstream,
    directory: `${root}/${upstream}`,
    fileName: "hosts.toml",
    configMapKey: `mirror-${index}-hosts.toml`,
    content: mirrorHostsToml(upstream, project, options),
  }));
}
