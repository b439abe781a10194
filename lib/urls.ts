/**
 * Addresses derived from the configuration: the externalURL Harbor advertises, the `host[:port]`
 * clients put in image references, the certificate's subject alternative names and the per-registry
 * trust directories of docker and containerd.
 */
import { isIP } from "node:net";
import type { ExposeSpec, TlsSpec } from "../config/types";
import { DEFAULT_HOSTS_DIRS } from "../config/facts";

export interface AddressInput {
  hostname: string;
  expose: ExposeSpec;
  tls: Pick<TlsSpec, "mode" | "dnsNames" | "ipAddresses">;
  /** Explicit `harbor:externalURL`, if any. */
  externalURL?: string;
}

/** A host as it appears in a URL authority: IPv6 addresses are bracketed. */
export function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** The URL Harbor advertises: explicit, or `https://hostname` (`:port` for nodePort). */
export function deriveExternalURL(input: AddressInput): string {
  if (input.externalURL) return input.externalURL;
  const scheme = input.tls.mode === "disabled" ? "http" : "https";
  const host = urlHost(input.hostname);
  if (input.expose.type === "nodePort") {
    const port =
      input.tls.mode === "disabled" ? input.expose.nodePort.http : input.expose.nodePort.https;
    return `${scheme}://${host}:${port}`;
  }
  return `${scheme}://${host}`;
}

/**
 * `host[:port]` of an `http(s)://host[:port][/]` origin as the configuration holds it (validated
 * and normalised by the schema's `originUrl`: default port dropped, IPv6 bracketed). Split by hand:
 * a URL parser would rewrite some hosts (`1.2.3` -> `1.2.0.3`) and throw on others.
 */
export function originAuthority(origin: string): string {
  const m = /^https?:\/\/([^/?#@]+)\/?$/.exec(origin);
  if (!m) throw new Error(`not an http(s) origin: ${JSON.stringify(origin)}`);
  return m[1];
}

/** The host of an origin's authority, IPv6 without brackets. */
export function originHost(origin: string): string {
  const authority = originAuthority(origin);
  const bracketed = /^\[([^\]]+)\]/.exec(authority);
  return bracketed ? bracketed[1] : authority.replace(/:\d+$/, "");
}

/**
 * The registry address in image references and `docker login`: host plus port when the port is not
 * the scheme's default (`harbor.example.com`, `192.168.1.10:30003`).
 */
export function registryAddress(input: AddressInput): string {
  const url = deriveExternalURL(input);
  const authority = originAuthority(url);
  const defaultPort = url.startsWith("https:") ? ":443" : ":80";
  return authority.endsWith(defaultPort) ? authority.slice(0, -defaultPort.length) : authority;
}

/** Subject alternative names of the server certificate. */
export function serverSans(input: AddressInput): { dnsNames: string[]; ipAddresses: string[] } {
  const dns: string[] = [];
  const ips: string[] = [];
  const add = (host: string) => {
    const bare = host.replace(/^\[|\]$/g, "");
    const list = isIP(bare) !== 0 ? ips : dns;
    if (!list.includes(bare)) list.push(bare);
  };
  add(input.hostname);
  if (input.externalURL) add(originHost(input.externalURL));
  input.tls.dnsNames.forEach(add);
  input.tls.ipAddresses.forEach(add);
  return { dnsNames: dns, ipAddresses: ips };
}

/** Where the node-trust DaemonSet writes (`harbor:trust.nodes`): the runtime and its directory. */
export interface NodeTrustDirectory {
  runtime: "containerd" | "docker";
  /** Root of the per-registry directories (`/var/lib/rancher/k3s/agent/etc/containerd/certs.d`). */
  hostsDir: string;
}

/**
 * Where clients keep the CA for this registry: the standard directories, except that the runtime
 * `trust.nodes` names uses its `hostsDir` (k3s, RKE2 and other non-default layouts), so the
 * output points where this stack's nodes really look.
 */
export function trustPaths(
  input: AddressInput,
  nodes?: NodeTrustDirectory,
): {
  /** `<hostsDir>/<host[:port]>/ca.crt`; hostsDir `/etc/docker/certs.d` unless trust.nodes says */
  docker: string;
  /** `<hostsDir>/<host[:port]>/` (`ca.crt`, `hosts.toml`); `/etc/containerd/certs.d` by default */
  containerd: string;
} {
  const address = registryAddress(input);
  const root = (runtime: NodeTrustDirectory["runtime"], standard: string) =>
    nodes?.runtime === runtime ? nodes.hostsDir.replace(/\/+$/, "") : standard;
  return {
    docker: `${root("docker", DEFAULT_HOSTS_DIRS.docker)}/${address}/ca.crt`,
    containerd: `${root("containerd", DEFAULT_HOSTS_DIRS.containerd)}/${address}/`,
  };
}
