import { strict as assert } from "node:assert";
import { isDevStack } from "../../config/load";
import { isSecret, resolve } from "../support/harness";
import { configOf, problemsOf } from "../support/config";

const CHART_EXAMPLE = { requests: { cpu: "100m", memory: "256Mi" }, limits: {} };

describe("loadConfig: defaults from the spec", () => {
  it("a hostname alone gives the documented defaults", () => {
    const c = configOf({ hostname: "harbor.example.com" });
    assert.deepEqual(c, {
      hostname: "harbor.example.com",
      namespace: "harbor",
      releaseName: "harbor",
      relocateFrom: undefined,
      externalURL: undefined,
      expose: { type: "ingress", ingress: { annotations: {} } },
      tls: {
        mode: "generated",
        dnsNames: [],
        ipAddresses: [],
        validityDays: 365,
        caValidityDays: 3650,
        renewBeforeDays: 30,
        keyAlgorithm: "ECDSA-P256",
      },
      storage: {
        variant: "local-path",
        className: "harbor-local-path",
        reclaimPolicy: "Retain",
        accessMode: "ReadWriteOnce",
        sizes: { registry: "50Gi", jobservice: "1Gi", database: "5Gi", redis: "1Gi", trivy: "5Gi" },
        existingClaims: {},
        localPath: { installProvisioner: true, nodePath: "/opt/local-path-provisioner" },
      },
      chart: { version: "1.19.1", repository: "https://helm.goharbor.io" },
      deployMode: "release",
      adminPassword: undefined,
      auth: { mode: "database" },
      database: { type: "internal" },
      redis: { type: "internal" },
      objectStorage: undefined,
      replicas: { core: 1, portal: 1, registry: 1, jobservice: 1, nginx: 1, trivy: 1 },
      trivy: { enabled: true, skipUpdate: false, offlineScan: false },
      metrics: { enabled: false, serviceMonitor: false },
      proxy: undefined,
      ipFamily: { ipv4: true, ipv6: true },
      scheduling: undefined,
      imageRegistry: undefined,
      trust: {
        nodes: {
          enabled: false,
          runtime: "containerd",
          hostsDir: "/etc/containerd/certs.d",
          image: "busybox:1.37.0",
        },
        namespaces: [],
      },
      kubernetes: {},
      protect: true,
      // The chart's values.yaml example for every component; Trivy the chart's own default.
      resources: {
        core: CHART_EXAMPLE,
        portal: CHART_EXAMPLE,
        registry: CHART_EXAMPLE,
        jobservice: CHART_EXAMPLE,
        database: CHART_EXAMPLE,
        redis: CHART_EXAMPLE,
        trivy: {
          requests: { cpu: "200m", memory: "512Mi" },
          limits: { cpu: "1", memory: "1Gi" },
        },
        nginx: CHART_EXAMPLE,
        exporter: CHART_EXAMPLE,
      },
      restore: undefined,
      // No registry content unless declared: no Harbor object is managed.
      content: {
        api: { healthTimeoutSeconds: 300 },
        registries: {},
        registrySecrets: undefined,
        projects: {},
        robots: {},
        pullSecrets: {},
        mirrors: {},
        replications: {},
        gc: undefined,
        scanAll: undefined,
        system: undefined,
      },
      warnings: [],
    });
  });

  it("empty scalars (Pulumi.yaml's declared defaults) mean unset", () => {
    const c = configOf({ hostname: "harbor.example.com", externalURL: "", imageRegistry: "" });
    assert.equal(c.externalURL, undefined);
    assert.equal(c.imageRegistry, undefined);
  });

  it("derived defaults: class per namespace and variant, RWX on NFS, docker's certs.d", () => {
    const c = configOf({
      hostname: "harbor.example.com",
      namespace: "registry",
      storage: { variant: "nfs", nfs: { server: "10.0.0.2", path: "/exports/harbor" } },
      trust: { nodes: { enabled: true, runtime: "docker" } },
    });
    assert.equal(c.storage.className, "registry-nfs");
    assert.equal(c.storage.accessMode, "ReadWriteMany");
    assert.equal(c.trust.nodes.hostsDir, "/etc/docker/certs.d");
  });

  it("values set with `pulumi config set --path` arrive as strings and are accepted", () => {
    const c = configOf({
      hostname: "10.0.0.5",
      expose: { type: "nodePort", nodePort: { https: "30443" } },
      trivy: { enabled: "false" },
    });
    assert.deepEqual(c.expose, { type: "nodePort", nodePort: { http: 30002, https: 30443 } });
    assert.equal(c.trivy.enabled, false);
  });

  it("an externalURL is normalised to its origin (default port and trailing slash dropped)", () => {
    assert.equal(
      configOf({ hostname: "h.example.com", externalURL: "https://registry.example.com:443/" })
        .externalURL,
      "https://registry.example.com",
    );
    assert.equal(
      configOf({ hostname: "h.example.com", externalURL: "https://[2001:db8::10]:8443" })
        .externalURL,
      "https://[2001:db8::10]:8443",
    );
  });
});

describe("loadConfig: data protection default follows the stack name", () => {
  for (const [stack, dev] of [
    ["dev", true],
    ["dev-alice", true],
    ["development", false],
    ["staging", false],
    ["prod", false],
  ] as const) {
    it(`${stack}: ${dev ? "lab, unprotected" : "protected"}`, () => {
      assert.equal(isDevStack(stack), dev);
      assert.equal(configOf({ hostname: "h.example.com" }, {}, stack).protect, !dev);
    });
  }

  it("harbor:protect overrides the default either way", () => {
    assert.equal(configOf({ hostname: "h.example.com", protect: true }, {}, "dev").protect, true);
    assert.equal(
      configOf({ hostname: "h.example.com", protect: false }, {}, "prod").protect,
      false,
    );
  });
});

describe("loadConfig: secrets", () => {
  it("wraps every secret it returns", async () => {
    const c = configOf(
      {
        hostname: "h.example.com",
        database: { type: "external", host: "pg", username: "harbor" },
        objectStorage: { bucket: "harbor-blobs" },
      },
      {
        adminPassword: "Admin-Pass-1",
        databasePassword: "db",
        s3AccessKey: "ak",
        s3SecretKey: "sk",
      },
    );
    assert.equal(await isSecret(c.adminPassword!), true);
    assert.equal(await resolve(c.adminPassword!), "Admin-Pass-1");
    assert.ok(c.database.type === "external");
    assert.equal(await isSecret(c.database.password), true);
    assert.ok(c.objectStorage?.type === "s3" && c.objectStorage.credentials);
    assert.equal(await isSecret(c.objectStorage.credentials.accessKey), true);
    assert.equal(await isSecret(c.objectStorage.credentials.secretKey), true);
  });

  it("refuses a secret stored in plain text, without echoing it", () => {
    const problems = problemsOf({ hostname: "h.example.com", adminPassword: "Plain-Text-Pass-1" });
    assert.deepEqual(problems, [
      "harbor:adminPassword is stored in plain text in the stack file; remove it and set it with `pulumi config set --secret harbor:adminPassword <value>`",
    ]);
  });

  it("never echoes a value stored as a secret, even under a non-secret key", () => {
    const problems = problemsOf({ hostname: "h.example.com" }, { namespace: "Top_Secret" });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^harbor:namespace must be a lower-case DNS-1123 label/);
    assert.ok(!problems[0].includes("Top_Secret"));
  });
});
