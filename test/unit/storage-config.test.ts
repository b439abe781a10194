import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { projectFile } from "../support/harness";
import { configWith, problemsOf } from "../support/storage";

/** The `config:` blocks of a Markdown file's YAML examples, as `harbor:` keys without prefix. */
function yamlExamples(file: string): Record<string, unknown>[] {
  const blocks = readFileSync(projectFile(file), "utf8").matchAll(
    /^( *)```yaml\n([\s\S]*?)^\1```/gm,
  );
  const examples: Record<string, unknown>[] = [];
  for (const [, indent, body] of blocks) {
    const text = body
      .split("\n")
      .map((line) => line.slice(indent.length))
      .join("\n");
    const doc = parseYaml(text) as { config?: Record<string, unknown> };
    if (!doc.config) continue;
    examples.push(
      Object.fromEntries(
        Object.entries(doc.config).map(([k, v]) => [k.replace(/^harbor:/, ""), v]),
      ),
    );
  }
  return examples;
}

describe("storage: configuration errors name the key", () => {
  it("nfs without a server", () => {
    assert.deepEqual(
      problemsOf({ storage: { variant: "nfs", nfs: { path: "/exports/harbor" } } }),
      ["harbor:storage.nfs.server is required (a DNS name or an IP address)"],
    );
  });

  it("an unknown variant", () => {
    assert.deepEqual(problemsOf({ storage: { variant: "ceph" } }), [
      'harbor:storage.variant must be one of local-path, nfs, rook, existing, got "ceph"',
    ]);
  });

  it("20GB instead of 20Gi", () => {
    assert.deepEqual(problemsOf({ storage: { sizes: { registry: "20GB" } } }), [
      'harbor:storage.sizes.registry must be a Kubernetes quantity such as 20Gi (units Ki, Mi, Gi, Ti), got "20GB"',
    ]);
  });

  it("local-path on the node's root directory", () => {
    assert.deepEqual(problemsOf({ storage: { localPath: { nodePath: "/" } } }), [
      'harbor:storage.localPath.nodePath must be a directory below / such as /opt/local-path-provisioner (local-path-provisioner refuses the root directory), got "/"',
    ]);
  });

  it("existing without a className", () => {
    assert.deepEqual(problemsOf({ storage: { variant: "existing" } }), [
      "harbor:storage.className is required when harbor:storage.variant is existing: name the StorageClass Harbor's claims use",
    ]);
  });

  it("defaults: local-path with its own provisioner, class <namespace>-<variant>, Retain", () => {
    const storage = configWith({ namespace: "registry" }).storage;
    assert.deepEqual(storage, {
      variant: "local-path",
      className: "registry-local-path",
      reclaimPolicy: "Retain",
      sizes: { registry: "50Gi", jobservice: "1Gi", database: "5Gi", redis: "1Gi", trivy: "5Gi" },
      existingClaims: {},
      accessMode: "ReadWriteOnce",
      localPath: { installProvisioner: true, nodePath: "/opt/local-path-provisioner" },
    });
  });

  it("defaults: nfs subdir, provisioner installed, archived on delete, shared claims", () => {
    const storage = configWith({
      storage: { variant: "nfs", nfs: { server: "nfs.example.com", path: "/exports/harbor" } },
    }).storage;
    assert.ok(storage.variant === "nfs");
    assert.equal(storage.accessMode, "ReadWriteMany");
    assert.deepEqual(storage.nfs, {
      server: "nfs.example.com",
      path: "/exports/harbor",
      driver: "subdir",
      installProvisioner: true,
      mountOptions: [],
      archiveOnDelete: true,
    });
  });

  it("defaults: rook", () => {
    const storage = configWith({ storage: { variant: "rook" } }).storage;
    assert.ok(storage.variant === "rook");
    assert.equal(storage.className, "harbor-rook");
    assert.deepEqual(storage.rook, {
      clusterNamespace: "rook-ceph",
      operatorNamespace: "rook-ceph",
      pool: "harbor",
      createPool: true,
      replicas: 3,
      failureDomain: "host",
      fsType: "ext4",
    });
  });

  it("every configuration example in docs/storage.md is valid", () => {
    const examples = yamlExamples("docs/storage.md");
    assert.equal(examples.length, 5);
    for (const example of examples) configWith(example);
  });
});
