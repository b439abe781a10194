/**
 * Every `hosts.toml` node trust writes (Harbor's own, components/node-trust.ts `hostsToml`, and the
 * node mirrors', lib/mirrors.ts `mirrorHostsToml`) read the way containerd reads it. The rules are
 * those of containerd's remotes/docker/config/hosts.go at v1.6.20 (Debian bookworm) through
 * v1.7.31; v1.7.32 and 2.x accept a superset:
 * - `parseHostsFile` calls `getSortedHosts`, which fails with "invalid `host` tree" when the file
 *   has no `host` table (containerd#10027; fixed in v1.7.32 by returning no hosts instead).
 *   `loadHostDir` then logs `failed to decode hosts.toml` and falls back to `loadCertFiles`.
 * - The `[host."<url>"]` tables are tried in file order, then the top-level entry (`server`, or
 *   the registry itself when empty, `ConfigureHosts`), always, last.
 * - `parseHostConfig`: a URL without a path gets `/v2` unless `override_path`; `capabilities` may
 *   only hold pull, resolve and push (none means all three); `ca` is a path or a list of paths.
 * The real containerd runs these files in test/integration/containerd-node-trust.test.ts.
 */
import * as assert from "node:assert/strict";
import { parse } from "smol-toml";
import { hostsToml, trustFiles } from "../../components/node-trust";
import { mirrorHostsToml } from "../../lib/mirrors";

/** One entry of the list containerd tries, in order. */
interface TriedHost {
  url: string;
  capabilities: string[];
  ca: string[];
  overridePath: boolean;
}

/** Keys of `hostFileConfig` (hosts.go) plus the top level's `server` and `host`. */
const HOST_KEYS = ["capabilities", "ca", "client", "skip_verify", "header", "override_path"];

function hostEntry(url: string, c: Record<string, unknown>): TriedHost {
  for (const key of Object.keys(c)) {
    assert.ok(HOST_KEYS.includes(key), `unknown key ${key} for ${url}`);
  }
  const capabilities = (c.capabilities as string[] | undefined) ?? ["pull", "resolve", "push"];
  for (const cap of capabilities) {
    if (!["pull", "resolve", "push"].includes(cap.toLowerCase())) {
      throw new Error(`unknown capability ${cap}`);
    }
  }
  const ca = c.ca === undefined ? [] : typeof c.ca === "string" ? [c.ca] : (c.ca as string[]);
  return { url, capabilities, ca, overridePath: c.override_path === true };
}

/**
 * The hosts containerd 1.6.20-1.7.31 tries for a `hosts.toml`, or the error `parseHostsFile` ends
 * with (which `loadHostDir` logs as `failed to decode hosts.toml`).
 */
function containerdHosts(toml: string, registry: string): TriedHost[] {
  const doc = parse(toml) as Record<string, unknown>;
  const hostTree = doc.host;
  if (typeof hostTree !== "object" || hostTree === null || Array.isArray(hostTree)) {
    throw new Error("invalid `host` tree"); // getSortedHosts
  }
  const { server, ...top } = doc;
  delete top.host;
  const tried = Object.entries(hostTree as Record<string, Record<string, unknown>>).map(
    ([url, c]) => hostEntry(url, c),
  );
  tried.push(hostEntry(typeof server === "string" && server !== "" ? server : registry, top));
  return tried;
}

const HOSTS_DIR = "/etc/containerd/certs.d";

describe("containerd's reading of node trust's hosts.toml", function () {
  for (const registry of [
    "harbor.example.com",
    "192.168.56.10:30003",
    "127.0.0.1:30003",
    "[2001:db8::5]:30003",
  ]) {
    it(`Harbor at ${registry}: parsed, Harbor with the CA first and as the last resort`, function () {
      const ca = `${HOSTS_DIR}/${registry}/ca.crt`;
      const harbor: TriedHost = {
        url: `https://${registry}`,
        capabilities: ["pull", "resolve", "push"],
        ca: [ca],
        overridePath: false,
      };
      assert.deepEqual(containerdHosts(hostsToml(registry, ca), registry), [harbor, harbor]);
      // What the DaemonSet's ConfigMap carries is that same file, naming the ca.crt beside it.
      const files = trustFiles("containerd", `${HOSTS_DIR}/`, registry, "PEM");
      assert.equal(files["hosts.toml"], hostsToml(registry, ca));
    });
  }

  it("honours trust.nodes.hostsDir in the CA path (k3s)", function () {
    const dir = "/var/lib/rancher/k3s/agent/etc/containerd/certs.d";
    const toml = trustFiles("containerd", dir, "harbor.example.com", "PEM")["hosts.toml"] as string;
    assert.deepEqual(
      containerdHosts(toml, "harbor.example.com").map((h) => h.ca),
      [[`${dir}/harbor.example.com/ca.crt`], [`${dir}/harbor.example.com/ca.crt`]],
    );
  });

  it("a node mirror: Harbor's project path with the CA first, then the upstream", function () {
    const toml = mirrorHostsToml("docker.io", "dockerhub-cache", {
      registry: "127.0.0.1:30003",
      hostsDir: HOSTS_DIR,
    });
    assert.deepEqual(containerdHosts(toml, "docker.io"), [
      {
        url: "https://127.0.0.1:30003/v2/dockerhub-cache",
        capabilities: ["pull", "resolve"],
        ca: [`${HOSTS_DIR}/127.0.0.1:30003/ca.crt`],
        overridePath: true,
      },
      {
        url: "https://registry-1.docker.io",
        capabilities: ["pull", "resolve", "push"],
        ca: [],
        overridePath: false,
      },
    ]);
  });

  it("refuses the pre-fix form (top-level server, capabilities and ca, no [host] table)", function () {
    const preFix = [
      'server = "https://harbor.example.com"',
      'capabilities = ["pull", "resolve", "push"]',
      'ca = "/etc/containerd/certs.d/harbor.example.com/ca.crt"',
      "",
    ].join("\n");
    assert.throws(() => containerdHosts(preFix, "harbor.example.com"), /invalid `host` tree/);
    assert.throws(
      () => containerdHosts('[host."https://h"]\n  capabilities = ["pull", "fetch"]\n', "h"),
      /unknown capability fetch/,
    );
  });
});
