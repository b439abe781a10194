/** lib/mirrors.ts: containerd's hosts.toml that pulls an upstream through Harbor's proxy cache. */
import * as assert from "node:assert/strict";
import { parse } from "smol-toml";
import { mirrorFiles, mirrorHostsToml, upstreamServer } from "../../lib/mirrors";

const OPTIONS = { registry: "harbor.example.com", hostsDir: "/etc/containerd/certs.d" };

describe("node mirrors", function () {
  it("writes hosts.toml: Harbor's proxy-cache project first, the upstream as fallback", function () {
    assert.equal(
      mirrorHostsToml("docker.io", "dockerhub-cache", OPTIONS),
      [
        "# Written by the harbor-node-trust DaemonSet (Pulumi); local changes are overwritten.",
        '# docker.io is pulled through Harbor\'s proxy cache project "dockerhub-cache";',
        "# when Harbor cannot serve a pull, containerd falls back to the upstream server.",
        'server = "https://registry-1.docker.io"',
        "",
        '[host."https://harbor.example.com/v2/dockerhub-cache"]',
        '  capabilities = ["pull", "resolve"]',
        '  ca = "/etc/containerd/certs.d/harbor.example.com/ca.crt"',
        "  override_path = true",
        "",
      ].join("\n"),
    );
  });

  it("is TOML containerd reads as one host with override_path and the stack's CA", function () {
    const toml = mirrorHostsToml("ghcr.io", "ghcr-cache", {
      registry: "10.0.0.5:30003",
      hostsDir: "/etc/containerd/certs.d/",
    });
    assert.deepEqual(JSON.parse(JSON.stringify(parse(toml))), {
      server: "https://ghcr.io",
      host: {
        "https://10.0.0.5:30003/v2/ghcr-cache": {
          capabilities: ["pull", "resolve"],
          ca: "/etc/containerd/certs.d/10.0.0.5:30003/ca.crt",
          override_path: true,
        },
      },
    });
  });

  it("pulls docker.io from registry-1.docker.io and any other upstream from itself", function () {
    assert.equal(upstreamServer("docker.io"), "https://registry-1.docker.io");
    assert.equal(upstreamServer("registry.k8s.io"), "https://registry.k8s.io");
    assert.equal(upstreamServer("registry.local:5000"), "https://registry.local:5000");
  });

  it("lists one file per upstream in the upstream's own directory", function () {
    assert.deepEqual(
      mirrorFiles(
        { "docker.io": "dockerhub-cache", "registry.local:5000": "local-cache" },
        OPTIONS,
      ).map(({ content: _c, ...f }) => f),
      [
        {
          upstream: "docker.io",
          directory: "/etc/containerd/certs.d/docker.io",
          fileName: "hosts.toml",
          configMapKey: "mirror-0-hosts.toml",
        },
        {
          upstream: "registry.local:5000",
          directory: "/etc/containerd/certs.d/registry.local:5000",
          fileName: "hosts.toml",
          configMapKey: "mirror-1-hosts.toml",
        },
      ],
    );
    assert.deepEqual(mirrorFiles({}, OPTIONS), []);
  });
});
