/**
 * The `clientTrustPaths` output: where docker and containerd keep Harbor's CA on this stack's
 * machines. The runtime `harbor:trust.nodes` names uses its `hostsDir` (k3s, RKE2), the other
 * runtime its standard directory.
 */
import * as assert from "node:assert/strict";
import { trustPaths } from "../../lib/urls";
import { runProgram } from "../support/harness";

const expose = { type: "nodePort" as const, nodePort: { http: 30002, https: 30003 } };
const tls = { mode: "generated" as const, dnsNames: [], ipAddresses: [] };
const K3S = "/var/lib/rancher/k3s/agent/etc/containerd/certs.d";

describe("clientTrustPaths", function () {
  it("the standard directories without trust.nodes, the registry key with its port", function () {
    assert.deepEqual(trustPaths({ hostname: "192.168.56.10", expose, tls }), {
      docker: "/etc/docker/certs.d/192.168.56.10:30003/ca.crt",
      containerd: "/etc/containerd/certs.d/192.168.56.10:30003/",
    });
  });

  it("containerd's entry follows trust.nodes.hostsDir; docker's stays standard", function () {
    assert.deepEqual(
      trustPaths(
        { hostname: "harbor.example.com", expose, tls },
        { runtime: "containerd", hostsDir: `${K3S}/` },
      ),
      {
        docker: "/etc/docker/certs.d/harbor.example.com:30003/ca.crt",
        containerd: `${K3S}/harbor.example.com:30003/`,
      },
    );
  });

  it("docker's entry follows trust.nodes.hostsDir with runtime docker (CRI-O's layout)", function () {
    assert.deepEqual(
      trustPaths(
        {
          hostname: "harbor.example.com",
          expose: { type: "loadBalancer", loadBalancer: { annotations: {}, sourceRanges: [] } },
          tls,
        },
        { runtime: "docker", hostsDir: "/etc/containers/certs.d" },
      ),
      {
        docker: "/etc/containers/certs.d/harbor.example.com/ca.crt",
        containerd: "/etc/containerd/certs.d/harbor.example.com/",
      },
    );
  });

  it("the stack output honours harbor:trust.nodes.hostsDir, where node trust writes", async function () {
    const run = await runProgram({
      stack: "dev",
      config: {
        hostname: "192.168.56.10",
        expose: { type: "nodePort", nodePort: { http: 30002, https: 30003 } },
        trust: { nodes: { enabled: true, hostsDir: K3S } },
      },
    });
    assert.deepEqual(run.outputs.clientTrustPaths, {
      docker: "/etc/docker/certs.d/192.168.56.10:30003/ca.crt",
      containerd: `${K3S}/192.168.56.10:30003/`,
    });
    const configMap = run.resources.find(
      (r) => r.type === "kubernetes:core/v1:ConfigMap" && r.name.endsWith("node-trust-files"),
    );
    assert.ok(configMap, "node trust's ConfigMap");
    assert.match(
      (configMap.inputs.data as Record<string, string>)["hosts.toml"],
      new RegExp(`^ca = "${K3S}/192\\.168\\.56\\.10:30003/ca\\.crt"$`, "m"),
    );
  });
});
