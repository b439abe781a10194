/**
 * `harbor:trust`: the CA on every node (a DaemonSet writes it where the container runtime looks)
 * and in ConfigMaps of other namespaces; there is nothing to trust when TLS is off.
 */
import { z } from "zod";
import { DEFAULT_HOSTS_DIRS } from "./facts";
import { absolutePath, bool, imageRef, k8sName, strictObject, uniqueList } from "./primitives";
import type { Checks, RawConfig } from "./schema";

const trustSchema = strictObject({
  nodes: strictObject({
    enabled: bool().default(false),
    runtime: z
      .enum(["containerd", "docker"], { error: "must be containerd or docker" })
      .default("containerd"),
    hostsDir: absolutePath().optional(),
    image: imageRef().default("busybox:1.37.0"),
  })
    .prefault({})
    .describe(
      "`enabled`: a DaemonSet writes the CA on every node into the runtime's per-registry directory. `runtime`: `containerd` (`ca.crt` + `hosts.toml`) or `docker` (`ca.crt`). `hostsDir`: per-registry directory on the nodes, `/etc/containerd/certs.d` or `/etc/docker/certs.d` by default (k3s/RKE2 paths in the trust guide); absolute, `/`-separated names of letters, digits and `._-+@` (no `..`). `image`: image of the DaemonSet (rewritten to `imageRegistry`).",
    ),
  namespaces: uniqueList(k8sName(), "namespace names")
    .default([])
    .describe("Namespaces that get a ConfigMap with `ca.crt`."),
}).prefault({});

/** The keys, in the order the schema lists them. */
export const trustKeys = {
  trust: trustSchema.describe("Client trust of the CA."),
};

/** Trust needs a CA: none with `tls.mode: disabled`. */
export function checkTrust(c: RawConfig, { issue }: Checks): void {
  const tls = c.tls;
  if (tls.mode === "disabled" && c.trust.nodes.enabled) {
    issue(
      ["trust", "nodes", "enabled"],
      "must be false when harbor:tls.mode is disabled (there is no CA for nodes to trust)",
      true,
    );
  }
  if (tls.mode === "disabled" && c.trust.namespaces.length > 0) {
    issue(
      ["trust", "namespaces"],
      "must be empty when harbor:tls.mode is disabled (there is no CA to distribute)",
      c.trust.namespaces,
    );
  }
}

/** Node trust with the runtime's default directory filled in. */
export function toTrust(c: RawConfig) {
  const nodes = c.trust.nodes;
  const hostsDir = nodes.hostsDir ?? DEFAULT_HOSTS_DIRS[nodes.runtime];
  return { nodes: { ...nodes, hostsDir }, namespaces: c.trust.namespaces };
}
