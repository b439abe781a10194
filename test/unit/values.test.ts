import { strict as assert } from "node:assert";
import type { HarborValues } from "../../lib/harbor-values";
import {
  buildHarborValues,
  defaultIngressAnnotations,
  podPlacement,
  harborImages,
} from "../../lib/values";
import { resolve } from "../support/harness";
import {
  CORE_HARBOR_IMAGE_NAMES,
  INTERNAL_SERVICE_IMAGE_NAMES,
  configOf,
  contextOf,
  goharborImages,
} from "../support/config";

/** Builds Harbor's values for a raw config and resolves every Output in them. */
async function valuesOf(
  raw: Record<string, unknown>,
  secrets: Record<string, string> = {},
  ctx = contextOf(),
): Promise<HarborValues> {
  return resolve(buildHarborValues(configOf(raw, secrets), ctx));
}

const host = { hostname: "harbor.example.com" };
const TLS_SECRET = { enabled: true, certSource: "secret", secret: { secretName: "harbor-tls" } };

/** The requests every component gets by default: the chart's values.yaml example. */
const CHART_EXAMPLE_RESOURCES = { requests: { cpu: "100m", memory: "256Mi" } };

describe("buildHarborValues: exposure", () => {
  it("ingress (default): host rule, the program's TLS secret, big-upload annotations", async () => {
    const v = await valuesOf({ ...host, expose: { ingress: { className: "nginx" } } });
    assert.deepEqual(v.expose, {
      type: "ingress",
      tls: TLS_SECRET,
      ingress: {
        hosts: { core: "harbor.example.com" },
        className: "nginx",
        annotations: {
          "ingress.kubernetes.io/ssl-redirect": "true",
          "ingress.kubernetes.io/proxy-body-size": "0",
          "nginx.ingress.kubernetes.io/ssl-redirect": "true",
          "nginx.ingress.kubernetes.io/proxy-body-size": "0",
          "nginx.ingress.kubernetes.io/proxy-read-timeout": "900",
          "nginx.ingress.kubernetes.io/proxy-send-timeout": "900",
          "nginx.ingress.kubernetes.io/proxy-request-buffering": "off",
        },
      },
    });
    assert.equal(v.externalURL, "https://harbor.example.com");
    assert.equal(v.caSecretName, "harbor-tls");
  });

  it("ingress annotations from config override the defaults key by key", async () => {
    const v = await valuesOf({
      ...host,
      expose: {
        type: "ingress",
        ingress: {
          annotations: {
            "nginx.ingress.kubernetes.io/proxy-read-timeout": "1800",
            "cert-manager.io/cluster-issuer": "corp",
          },
        },
      },
    });
    assert.deepEqual(v.expose?.ingress?.annotations, {
      ...defaultIngressAnnotations(true),
      "nginx.ingress.kubernetes.io/proxy-read-timeout": "1800",
      "cert-manager.io/cluster-issuer": "corp",
    });
    assert.equal(v.expose?.ingress?.className, undefined);
  });

  it("nodePort: ports and an externalURL that carries the HTTPS node port", async () => {
    const v = await valuesOf({
      hostname: "192.168.56.10",
      expose: { type: "nodePort", nodePort: { http: 30080, https: 30443 } },
    });
    assert.deepEqual(v.expose, {
      type: "nodePort",
      tls: TLS_SECRET,
      nodePort: { ports: { http: { nodePort: 30080 }, https: { nodePort: 30443 } } },
    });
    assert.equal(v.externalURL, "https://192.168.56.10:30443");
  });

  it("nodePort defaults to 30002/30003", async () => {
    const v = await valuesOf({ hostname: "10.0.0.5", expose: { type: "nodePort" } });
    assert.deepEqual(v.expose?.nodePort, {
      ports: { http: { nodePort: 30002 }, https: { nodePort: 30003 } },
    });
    assert.equal(v.externalURL, "https://10.0.0.5:30003");
  });

  it("an IPv6 hostname is bracketed in the externalURL", async () => {
    const v = await valuesOf({ hostname: "fd00::10", expose: { type: "nodePort" } });
    assert.equal(v.externalURL, "https://[fd00::10]:30003");
  });

  it("loadBalancer: IP, annotations and source ranges", async () => {
    const v = await valuesOf({
      ...host,
      expose: {
        type: "loadBalancer",
        loadBalancer: {
          ip: "192.168.1.43",
          annotations: { "metallb.universe.tf/address-pool": "lan" },
          sourceRanges: ["10.0.0.0/8"],
        },
      },
    });
    assert.deepEqual(v.expose, {
      type: "loadBalancer",
      tls: TLS_SECRET,
      loadBalancer: {
        IP: "192.168.1.43",
        annotations: { "metallb.universe.tf/address-pool": "lan" },
        sourceRanges: ["10.0.0.0/8"],
      },
    });
    assert.equal(v.externalURL, "https://harbor.example.com");
  });

  it("clusterIP: a static cluster IP when given", async () => {
    const v = await valuesOf({
      ...host,
      expose: { type: "clusterIP", clusterIP: { ip: "10.96.0.50" } },
    });
    assert.deepEqual(v.expose, {
      type: "clusterIP",
      tls: TLS_SECRET,
      clusterIP: { staticClusterIP: "10.96.0.50", annotations: {} },
    });
  });

  it("route: HTTPRoute to the Gateways, and a CA secret core can always mount", async () => {
    const parentRefs = [{ name: "public", namespace: "gateways", sectionName: "https" }];
    const v = await valuesOf({ ...host, expose: { type: "route", route: { parentRefs } } });
    assert.deepEqual(v.expose, {
      type: "route",
      tls: TLS_SECRET,
      route: { parentRefs, hosts: ["harbor.example.com"], annotations: {} },
    });
    // The chart renders no certificate secret for routes; core's ca-download volume must point
    // at the program's secret instead of waiting for `<release>-nginx`.
    assert.equal(v.caSecretName, "harbor-tls");
  });

  it("TLS disabled: no certificate, no CA download, http externalURL as given", async () => {
    const v = await valuesOf(
      { ...host, tls: { mode: "disabled" }, externalURL: "https://registry.example.com" },
      {},
      contextOf({ tlsSecretName: undefined, tlsCertificateSha256: undefined }),
    );
    assert.deepEqual(v.expose?.tls, { enabled: false, certSource: "none" });
    assert.equal(
      v.expose?.ingress?.annotations?.["nginx.ingress.kubernetes.io/ssl-redirect"],
      "false",
    );
    assert.equal(v.externalURL, "https://registry.example.com");
    assert.equal(v.caSecretName, undefined);
    assert.equal(v.nginx?.podAnnotations, undefined);
  });

  it("an explicit externalURL wins over the derived one (reverse proxy in front)", async () => {
    const v = await valuesOf({
      hostname: "192.168.1.43",
      expose: { type: "nodePort" },
      externalURL: "https://harbor.example.com/",
    });
    assert.equal(v.externalURL, "https://harbor.example.com");
  });

  it("nginx's pod template carries the served certificate's hash, so a renewal rolls it", async () => {
    const v = await valuesOf({ ...host, expose: { type: "nodePort" } });
    assert.deepEqual(v.nginx?.podAnnotations, { "checksum/tls-certificate": "cert-sha256" });
  });
});

describe("buildHarborValues: pinned credentials", () => {
  it("sets every value the chart would otherwise generate or default", async () => {
    const v = await valuesOf(host);
    assert.equal(v.harborAdminPassword, "admin-PASSWORD-1");
    assert.equal(v.secretKey, "sixteen-chars-ok");
    assert.equal(v.core?.secret, "core-secret");
    assert.equal(v.core?.xsrfKey, "xsrf-key-of-thirty-two-chars-xxx");
    assert.equal(v.core?.tokenKey, "TOKEN KEY PEM");
    assert.equal(v.core?.tokenCert, "TOKEN CERT PEM");
    assert.equal(v.jobservice?.secret, "jobservice-secret");
    assert.equal(v.registry?.secret, "registry-secret");
    assert.deepEqual(v.registry?.credentials, {
      username: "harbor_registry_user",
      password: "registry-password",
      htpasswdString: "harbor_registry_user:$2a$10$hash",
    });
    assert.deepEqual(v.database, {
      type: "internal",
      internal: { password: "database-password", resources: CHART_EXAMPLE_RESOURCES },
    });
    const text = JSON.stringify(v);
    for (const chartDefault of [
      "Harbor12345",
      "not-a-secure-key",
      "changeit",
      "harbor_registry_password",
    ]) {
      assert.ok(!text.includes(chartDefault), `values contain the chart default ${chartDefault}`);
    }
  });
});

describe("buildHarborValues: storage", () => {
  it("every claim uses the program's class and its size; data is kept on uninstall", async () => {
    const v = await valuesOf({
      ...host,
      storage: { sizes: { registry: "200Gi", database: "10Gi" } },
    });
    const claim = (size: string) => ({
      storageClass: "harbor-local-path",
      size,
      accessMode: "ReadWriteOnce",
    });
    assert.deepEqual(v.persistence, {
      enabled: true,
      resourcePolicy: "keep",
      persistentVolumeClaim: {
        registry: claim("200Gi"),
        jobservice: { jobLog: claim("1Gi") },
        database: claim("10Gi"),
        redis: claim("1Gi"),
        trivy: claim("5Gi"),
      },
      imageChartStorage: { type: "filesystem" },
    });
    assert.deepEqual(v.updateStrategy, { type: "Recreate" });
  });

  it("existingClaims adopts exactly the named claims", async () => {
    const v = await valuesOf({
      ...host,
      storage: {
        existingClaims: {
          registry: "my-harbor-registry",
          database: "database-data-my-harbor-database-0",
        },
      },
    });
    const pvc = v.persistence?.persistentVolumeClaim;
    assert.equal(pvc?.registry?.existingClaim, "my-harbor-registry");
    assert.equal(pvc?.database?.existingClaim, "database-data-my-harbor-database-0");
    assert.equal(pvc?.jobservice?.jobLog?.existingClaim, undefined);
    assert.equal(pvc?.redis?.existingClaim, undefined);
    assert.equal(pvc?.trivy?.existingClaim, undefined);
  });

  it("shared (ReadWriteMany) NFS storage: registry/jobservice claims RWX and rolling updates", async () => {
    const v = await valuesOf(
      {
        ...host,
        storage: { variant: "nfs", nfs: { server: "10.0.0.2", path: "/exports/harbor" } },
      },
      {},
      contextOf({ storageClassName: "harbor-nfs" }),
    );
    const pvc = v.persistence?.persistentVolumeClaim;
    assert.equal(pvc?.registry?.accessMode, "ReadWriteMany");
    assert.equal(pvc?.jobservice?.jobLog?.accessMode, "ReadWriteMany");
    assert.equal(pvc?.database?.accessMode, "ReadWriteOnce");
    assert.equal(pvc?.registry?.storageClass, "harbor-nfs");
    assert.deepEqual(v.updateStrategy, { type: "RollingUpdate" });
  });

  it("NFS and Rook get the pgdata ownership fixer; local-path does not", async () => {
    const nfs = await valuesOf({
      ...host,
      storage: { variant: "nfs", nfs: { server: "nfs.lan", path: "/srv/harbor" } },
    });
    const rook = await valuesOf({ ...host, storage: { variant: "rook" } });
    const local = await valuesOf(host);
    for (const v of [nfs, rook]) {
      const init = v.database?.internal?.extrInitContainers ?? [];
      assert.equal(init.length, 1);
      assert.equal(init[0].name, "pgdata-ownership");
      assert.equal(init[0].image, "docker.io/goharbor/harbor-db:v2.15.1");
      assert.deepEqual(init[0].securityContext?.capabilities, {
        drop: ["ALL"],
        add: ["CHOWN", "FOWNER", "DAC_OVERRIDE"],
      });
      assert.equal(init[0].securityContext?.privileged, false);
    }
    assert.equal(local.database?.internal?.extrInitContainers, undefined);
  });
});

describe("buildHarborValues: placement and images", () => {
  const scheduling = {
    nodeSelector: { "node-role.example.com/registry": "true" },
    tolerations: [{ key: "dedicated", operator: "Equal", value: "registry", effect: "NoSchedule" }],
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } },
  };

  it("scheduling applies to every Harbor workload, statefulsets included", async () => {
    const v = await valuesOf({ ...host, scheduling, metrics: { enabled: true } });
    const expected = {
      nodeSelector: scheduling.nodeSelector,
      tolerations: scheduling.tolerations,
      affinity: scheduling.affinity,
    };
    const pick = (x?: { nodeSelector?: unknown; tolerations?: unknown; affinity?: unknown }) => ({
      nodeSelector: x?.nodeSelector,
      tolerations: x?.tolerations,
      affinity: x?.affinity,
    });
    for (const [name, part] of Object.entries({
      nginx: v.nginx,
      portal: v.portal,
      core: v.core,
      jobservice: v.jobservice,
      registry: v.registry,
      trivy: v.trivy,
      exporter: v.exporter,
      database: v.database?.internal,
      redis: v.redis?.internal,
    })) {
      assert.deepEqual(pick(part), expected, name);
    }
  });

  it("localPath.node pins every pod to the node that holds the volumes", () => {
    const config = configOf({ ...host, storage: { localPath: { node: "worker1" } } });
    assert.deepEqual(podPlacement(config), {
      nodeSelector: { "kubernetes.io/hostname": "worker1" },
    });
  });

  it("imageRegistry rewrites every Harbor image to the mirror", async () => {
    const v = await valuesOf({
      ...host,
      imageRegistry: "mirror.lan:5000/dockerhub",
      metrics: { enabled: true },
    });
    const m = (image: string) => ({ repository: `mirror.lan:5000/dockerhub/goharbor/${image}` });
    assert.deepEqual(v.nginx?.image, m("nginx-photon"));
    assert.deepEqual(v.portal?.image, m("harbor-portal"));
    assert.deepEqual(v.core?.image, m("harbor-core"));
    assert.deepEqual(v.jobservice?.image, m("harbor-jobservice"));
    assert.deepEqual(v.registry?.registry?.image, m("registry-photon"));
    assert.deepEqual(v.registry?.controller?.image, m("harbor-registryctl"));
    assert.deepEqual(v.trivy?.image, m("trivy-adapter-photon"));
    assert.deepEqual(v.database?.internal?.image, m("harbor-db"));
    assert.deepEqual(v.redis?.internal?.image, m("redis-photon"));
    assert.deepEqual(v.exporter?.image, m("harbor-exporter"));
  });

  it("without a mirror the chart's images stay untouched", async () => {
    const v = await valuesOf(host);
    assert.equal(v.core?.image, undefined);
    assert.deepEqual(v.registry?.registry, { resources: CHART_EXAMPLE_RESOURCES });
  });

  it("lists the images the chart runs for the configuration, as published", () => {
    // Defaults: behind an Ingress (no nginx), Trivy on, internal database and Redis, no metrics.
    assert.deepEqual(
      harborImages(configOf(host)),
      goharborImages([
        ...CORE_HARBOR_IMAGE_NAMES,
        "trivy-adapter-photon",
        ...INTERNAL_SERVICE_IMAGE_NAMES,
      ]),
    );
    assert.deepEqual(
      harborImages(
        configOf(
          {
            ...host,
            expose: { type: "nodePort" },
            chart: { version: "1.18.2" },
            trivy: { enabled: false },
            metrics: { enabled: true },
            database: { type: "external", host: "pg.lan", username: "harbor" },
            redis: { type: "external", addr: "redis.lan:6379" },
          },
          { databasePassword: "pg-password-Hq8s" },
        ),
      ),
      goharborImages(["nginx-photon", ...CORE_HARBOR_IMAGE_NAMES, "harbor-exporter"], "v2.14.2"),
    );
  });
});

describe("buildHarborValues: production services", () => {
  it("external PostgreSQL with its password", async () => {
    const v = await valuesOf(
      {
        ...host,
        database: {
          type: "external",
          host: "pg.example.com",
          username: "harbor",
          sslmode: "verify-full",
        },
      },
      { databasePassword: "pg-pass" },
    );
    assert.deepEqual(v.database, {
      type: "external",
      external: {
        host: "pg.example.com",
        port: "5432",
        username: "harbor",
        password: "pg-pass",
        coreDatabase: "registry",
        sslmode: "verify-full",
      },
    });
  });

  it("external Redis through Sentinel", async () => {
    const v = await valuesOf(
      {
        ...host,
        redis: {
          type: "external",
          addr: "s1:26379,s2:26379",
          sentinelMasterSet: "harbor",
          username: "harbor",
        },
      },
      { redisPassword: "redis-pass" },
    );
    assert.deepEqual(v.redis, {
      type: "external",
      external: {
        addr: "s1:26379,s2:26379",
        sentinelMasterSet: "harbor",
        username: "harbor",
        password: "redis-pass",
        tlsOptions: { enable: false },
      },
    });
  });

  it("object storage: S3 keys by Secret reference, never as values", async () => {
    const v = await valuesOf(
      {
        ...host,
        objectStorage: {
          bucket: "harbor",
          region: "eu-central-1",
          regionEndpoint: "https://s3.example.com",
          forcePathStyle: true,
        },
      },
      { s3AccessKey: "AK", s3SecretKey: "SK" },
      contextOf({ s3SecretName: "harbor-s3" }),
    );
    assert.deepEqual(v.persistence?.imageChartStorage, {
      type: "s3",
      disableredirect: false,
      s3: {
        bucket: "harbor",
        region: "eu-central-1",
        regionendpoint: "https://s3.example.com",
        encrypt: false,
        secure: true,
        skipverify: false,
        forcepathstyle: true,
        v4auth: true,
        existingSecret: "harbor-s3",
      },
    });
    assert.ok(!JSON.stringify(v).includes('"AK"'));
  });

  it("replicas per component", async () => {
    const v = await valuesOf(
      {
        ...host,
        replicas: { core: 3, portal: 2, registry: 3, nginx: 2, trivy: 2 },
        objectStorage: { bucket: "harbor-blobs" },
      },
      {},
    );
    assert.deepEqual(
      [
        v.core?.replicas,
        v.portal?.replicas,
        v.registry?.replicas,
        v.jobservice?.replicas,
        v.nginx?.replicas,
        v.trivy?.replicas,
      ],
      [3, 2, 3, 1, 2, 2],
    );
  });

  it("LDAP settings reach core as CONFIG_OVERWRITE_JSON with the default port dropped", async () => {
    const ctxSettings = '{"auth_mode":"ldap_auth"}';
    const v = await valuesOf(host, {}, contextOf({ userSettings: ctxSettings }));
    assert.equal(v.core?.configureUserSettings, ctxSettings);
  });

  it("proxy, IP families, Trivy and metrics", async () => {
    const v = await valuesOf({
      ...host,
      proxy: { httpProxy: "http://proxy.lan:3128", noProxy: ".lan", components: ["trivy"] },
      ipFamily: { ipv6: false },
      trivy: { enabled: true, skipUpdate: true, offlineScan: true },
      metrics: { enabled: true, serviceMonitor: true },
    });
    assert.deepEqual(v.proxy, {
      httpProxy: "http://proxy.lan:3128",
      noProxy: ".lan",
      components: ["trivy"],
    });
    assert.deepEqual(v.ipFamily, { ipv4: { enabled: true }, ipv6: { enabled: false } });
    assert.deepEqual(
      {
        enabled: v.trivy?.enabled,
        skipUpdate: v.trivy?.skipUpdate,
        offlineScan: v.trivy?.offlineScan,
      },
      { enabled: true, skipUpdate: true, offlineScan: true },
    );
    assert.deepEqual(v.metrics, { enabled: true, serviceMonitor: { enabled: true } });
    assert.deepEqual(v.exporter, { resources: CHART_EXAMPLE_RESOURCES });
  });

  it("metrics off: no exporter values, no ServiceMonitor", async () => {
    const v = await valuesOf({ ...host, metrics: { serviceMonitor: true } });
    assert.deepEqual(v.metrics, { enabled: false, serviceMonitor: { enabled: false } });
    assert.equal(v.exporter, undefined);
    assert.equal(v.proxy, undefined);
  });
});
