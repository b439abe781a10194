/**
 * Builds the Harbor chart's values from the validated configuration. Pure: no resources, no
 * config reads. Every value the chart would otherwise generate at render time (random secrets,
 * self-signed certificates, a salted htpasswd) comes in through `ValuesContext.credentials`.
 */
import type * as pulumi from "@pulumi/pulumi";
import type {
  ContainerValues,
  EnvVar,
  HarborValues,
  PodPlacement,
  PvcValues,
  ResourceRequirements,
  WorkloadValues,
} from "./harbor-values";
import { mergeChartValues } from "../config/chart-values";
import type { ResourceComponent } from "../config/resources";
import type { HarborSettings, VolumeName } from "../config/types";
import { SUPPORTED_CHART_VERSIONS } from "../config/facts";
import { HARBOR_IMAGES, harborImageRepository } from "./chart";
import {
  BUCKET_KEYS,
  HARBOR_DATABASE,
  HARBOR_DATABASE_OWNER,
  bucketClaimName,
  cloudNativePgNames,
  databasePools,
  jobLogsInDatabase,
  mountsReadWriteOnceClaim,
  readWriteHost,
} from "./high-availability";
import { veleroRegistryPodAnnotations } from "./backup";
import { kubernetesEnv } from "./scripts";
import { deriveExternalURL } from "./urls";

/** Credentials Harbor needs, each pinned by @pulumi/random or @pulumi/tls. */
export interface HarborCredentials {
  /** Initial password of `admin`. */
  adminPassword: pulumi.Input<string>;
  /** Harbor's encryption key; exactly 16 characters and stable forever. */
  secretKey: pulumi.Input<string>;
  /** Shared secret core uses with the other components (16 characters). */
  coreSecret: pulumi.Input<string>;
  /** Jobservice's secret (16 characters). */
  jobserviceSecret: pulumi.Input<string>;
  /** Registry's HTTP secret (16 characters). */
  registrySecret: pulumi.Input<string>;
  /** CSRF key of core (32 characters). */
  xsrfKey: pulumi.Input<string>;
  /** User core and jobservice use to reach the registry. */
  registryUsername: string;
  /** Its password. */
  registryPassword: pulumi.Input<string>;
  /** `registryUsername:<bcrypt of registryPassword>`: the registry's htpasswd line. */
  registryHtpasswd: pulumi.Input<string>;
  /** Password of the internal PostgreSQL superuser. */
  databasePassword: pulumi.Input<string>;
  /** PEM private key core signs registry tokens with. */
  tokenKey: pulumi.Input<string>;
  /** PEM certificate of that key, which the registry trusts. */
  tokenCert: pulumi.Input<string>;
}

export interface ValuesContext {
  /** Secret with `tls.crt`, `tls.key` and `ca.crt`; undefined when TLS is disabled. */
  tlsSecretName?: string;
  /** SHA-256 of the served certificate: nginx's pod template changes when it is re-issued. */
  tlsCertificateSha256?: pulumi.Input<string>;
  credentials: HarborCredentials;
  /** StorageClass every claim uses. */
  storageClassName: string;
  /** Secret with REGISTRY_STORAGE_S3_ACCESSKEY/SECRETKEY, when object storage has keys. */
  s3SecretName?: string;
  /** CONFIG_OVERWRITE_JSON for LDAP/OIDC (a Pulumi secret). */
  userSettings?: pulumi.Input<string>;
}

/** Ingress annotations for a registry: unlimited body size and long timeouts for big layers. */
export function defaultIngressAnnotations(tlsEnabled: boolean): Record<string, string> {
  const redirect = tlsEnabled ? "true" : "false";
  return {
    "ingress.kubernetes.io/ssl-redirect": redirect,
    "ingress.kubernetes.io/proxy-body-size": "0",
    "nginx.ingress.kubernetes.io/ssl-redirect": redirect,
    "nginx.ingress.kubernetes.io/proxy-body-size": "0",
    "nginx.ingress.kubernetes.io/proxy-read-timeout": "900",
    "nginx.ingress.kubernetes.io/proxy-send-timeout": "900",
    "nginx.ingress.kubernetes.io/proxy-request-buffering": "off",
  };
}

/** Annotation on nginx's pod template carrying the served certificate's hash. */
export const TLS_CHECKSUM_ANNOTATION = "checksum/tls-certificate";

/** Node selector, tolerations and affinity every Harbor pod gets. */
export function podPlacement(config: HarborSettings): PodPlacement {
  const nodeSelector: Record<string, string> = { ...(config.scheduling?.nodeSelector ?? {}) };
  if (config.storage.variant === "local-path" && config.storage.localPath.node !== undefined) {
    nodeSelector["kubernetes.io/hostname"] = config.storage.localPath.node;
  }
  const placement: PodPlacement = {};
  if (Object.keys(nodeSelector).length > 0) placement.nodeSelector = nodeSelector;
  if (config.scheduling && config.scheduling.tolerations.length > 0) {
    placement.tolerations = config.scheduling.tolerations;
  }
  if (config.scheduling?.affinity) placement.affinity = config.scheduling.affinity;
  return placement;
}

function claim(config: HarborSettings, volume: VolumeName, storageClass: string): PvcValues {
  const shared = volume === "registry" || volume === "jobservice";
  const pvc: PvcValues = {
    storageClass,
    size: config.storage.sizes[volume],
    accessMode: shared ? config.storage.accessMode : "ReadWriteOnce",
  };
  const existing = config.storage.existingClaims[volume];
  if (existing !== undefined) pvc.existingClaim = existing;
  return pvc;
}

/** Where the database volume is mounted in the init container, and the data directory in it. */
export const DATABASE_DATA_MOUNT = "/var/lib/postgresql/data";
export const PGDATA_DIR = `${DATABASE_DATA_MOUNT}/pgdata`;

/**
 * Script of the `pgdata-ownership` init container. A constant: the directory arrives in
 * `$PGDATA_DIR`. A symlink in its place is left alone (so nothing outside the volume is changed),
 * `chown -h` changes links inside rather than what they point to, and a failure (root squashed by
 * the NFS export) is a warning printed with `printf %s`, not a failed pod.
 */
export const PGDATA_OWNERSHIP_SCRIPT = [
  'd="$PGDATA_DIR"',
  'if [ -d "$d" ] && [ ! -L "$d" ]; then',
  '  chown -hR 999:999 "$d" && chmod 0700 "$d" ||',
  "    printf 'warning: could not fix ownership of %s (root squashed by the NFS export?)\\n' \"$d\"",
  "fi",
  "",
].join("\n");

/**
 * Init container that hands the PostgreSQL data directory back to the postgres user (uid 999) with
 * mode 0700 on network storage, where a restore, root-owned export or fsGroup change otherwise
 * stops postgres with "data directory has group or world access" or "wrong ownership". It runs
 * after the chart's own `data-permissions-ensurer` (which can only chmod as uid 999) and needs
 * only CHOWN/FOWNER/DAC_OVERRIDE, not a privileged container.
 */
export function pgdataOwnershipContainer(image: string): ContainerValues {
  return {
    name: "pgdata-ownership",
    image,
    command: ["/bin/sh", "-c"],
    args: [PGDATA_OWNERSHIP_SCRIPT],
    env: kubernetesEnv({ PGDATA_DIR }),
    securityContext: {
      runAsUser: 0,
      runAsNonRoot: false,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"], add: ["CHOWN", "FOWNER", "DAC_OVERRIDE"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumeMounts: [{ name: "database-data", mountPath: DATABASE_DATA_MOUNT }],
  };
}

/** Node label the replicas of a component are spread over: one pod per node where possible. */
export const SPREAD_TOPOLOGY_KEY = "kubernetes.io/hostname";

/**
 * What a replicated component gets: the chart's PodDisruptionBudget, allowing one pod at a time
 * to be evicted (a node drain never takes the component down; `minAvailable` 0 leaves the chart's
 * default out, because a budget may not set both), and a soft spread over nodes (the chart adds
 * the component's labels as the constraint's selector). Nothing for a single replica, or for a
 * component the chart does not deploy (its budget would select no pod and block nothing useful).
 */
export function replicatedWorkload(
  replicas: number,
  deployed = true,
): Pick<WorkloadValues, "podDisruptionBudget" | "topologySpreadConstraints"> {
  if (replicas < 2 || !deployed) return {};
  return {
    podDisruptionBudget: { enabled: true, minAvailable: 0, maxUnavailable: 1 },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: SPREAD_TOPOLOGY_KEY, whenUnsatisfiable: "ScheduleAnyway" },
    ],
  };
}

/**
 * Environment of the registry and registryctl containers for a bucket claimed from Rook: the
 * distribution registry overrides its config file with `REGISTRY_STORAGE_S3_*` variables, so the
 * bucket's name, endpoint and keys come straight from the ConfigMap and Secret Rook creates for
 * the claim (named like it). Nothing is copied: the program never holds the keys, and a pod
 * started after Rook rotates them reads the new ones.
 */
export function bucketEnvironment(claimName: string): EnvVar[] {
  const fromConfigMap = (key: string): EnvVar["valueFrom"] => ({
    configMapKeyRef: { name: claimName, key },
  });
  const fromSecret = (key: string): EnvVar["valueFrom"] => ({
    secretKeyRef: { name: claimName, key },
  });
  return [
    ...forcePathStyleEnvironment(),
    { name: BUCKET_KEYS.host, valueFrom: fromConfigMap(BUCKET_KEYS.host) },
    { name: BUCKET_KEYS.port, valueFrom: fromConfigMap(BUCKET_KEYS.port) },
    {
      name: "REGISTRY_STORAGE_S3_REGIONENDPOINT",
      value: `http://$(${BUCKET_KEYS.host}):$(${BUCKET_KEYS.port})`,
    },
    { name: "REGISTRY_STORAGE_S3_BUCKET", valueFrom: fromConfigMap(BUCKET_KEYS.name) },
    { name: "REGISTRY_STORAGE_S3_ACCESSKEY", valueFrom: fromSecret(BUCKET_KEYS.accessKey) },
    { name: "REGISTRY_STORAGE_S3_SECRETKEY", valueFrom: fromSecret(BUCKET_KEYS.secretKey) },
  ];
}

/**
 * Path-style bucket addressing (`http://endpoint/bucket/key`), which S3-compatible services such
 * as Ceph's gateway and MinIO need. Chart 1.19.1 leaves `forcepathstyle` out of the registry's
 * config file, and the registry's S3 driver defaults to virtual-hosted style, so it is set the
 * way the registry reads any setting from its environment.
 */
export function forcePathStyleEnvironment(): EnvVar[] {
  return [{ name: "REGISTRY_STORAGE_S3_FORCEPATHSTYLE", value: "true" }];
}

/** Adds environment variables to both containers of the registry pod (registry, registryctl). */
function addRegistryEnvironment(values: HarborValues, env: EnvVar[]): void {
  const registry = values.registry!;
  registry.registry = { ...registry.registry, extraEnvVars: env };
  registry.controller = { ...registry.controller, extraEnvVars: env };
}

/**
 * Whether the database pod gets the `pgdata-ownership` init container: the internal database on
 * network storage (nfs, rook). It runs as root with CHOWN/FOWNER/DAC_OVERRIDE, which Pod Security
 * `baseline` admits and `restricted` does not (see `podSecurityLabels`).
 */
export function runsPgdataOwnership(
  config: Pick<HarborSettings, "database"> & {
    storage: Pick<HarborSettings["storage"], "variant">;
  },
): boolean {
  return (
    config.database.type === "internal" &&
    (config.storage.variant === "nfs" || config.storage.variant === "rook")
  );
}

/**
 * The Pod Security level Harbor's namespace reports violations of: `baseline` when the
 * `pgdata-ownership` init container runs (it needs root, which `restricted` forbids, and would
 * warn on every `pulumi up`), else `restricted`. Enforcement stays `baseline` either way.
 */
export function podSecurityReportLevel(
  config: Parameters<typeof runsPgdataOwnership>[0],
): "restricted" | "baseline" {
  return runsPgdataOwnership(config) ? "baseline" : "restricted";
}

/** Image repositories rewritten to `harbor:imageRegistry`, per component. */
function images(mirror: string | undefined) {
  const repo = (image: string) =>
    mirror === undefined ? undefined : { repository: harborImageRepository(mirror, image) };
  return {
    nginx: repo(HARBOR_IMAGES.nginx),
    portal: repo(HARBOR_IMAGES.portal),
    core: repo(HARBOR_IMAGES.core),
    jobservice: repo(HARBOR_IMAGES.jobservice),
    registry: repo(HARBOR_IMAGES.registry),
    registryctl: repo(HARBOR_IMAGES.registryctl),
    trivy: repo(HARBOR_IMAGES.trivy),
    database: repo(HARBOR_IMAGES.database),
    redis: repo(HARBOR_IMAGES.redis),
    exporter: repo(HARBOR_IMAGES.exporter),
  };
}

/** Adds `image` only when a mirror is configured, so chart defaults stay untouched otherwise. */
function withImage<T extends object>(
  values: T,
  image: { repository: string } | undefined,
): T & { image?: { repository: string } } {
  return image === undefined ? values : { ...values, image };
}

export function buildHarborValues(config: HarborSettings, ctx: ValuesContext): HarborValues {
  const tlsEnabled = config.tls.mode !== "disabled";
  const creds = ctx.credentials;
  const placement = podPlacement(config);
  const img = images(config.imageRegistry);
  const expose = config.expose;
  const sc = ctx.storageClassName;
  const replicas = config.replicas;
  const nginxDeployed = expose.type !== "ingress" && expose.type !== "route";
  // Several jobservice pods cannot share a job-log file volume; the database logger needs none,
  // and with it the chart makes no job-log claim.
  const jobLoggers: ("file" | "database")[] = [jobLogsInDatabase(config) ? "database" : "file"];

  const values: HarborValues = {
    expose: {
      type: expose.type,
      tls: tlsEnabled
        ? { enabled: true, certSource: "secret", secret: { secretName: ctx.tlsSecretName } }
        : { enabled: false, certSource: "none" },
    },
    externalURL: deriveExternalURL(config),
    persistence: {
      enabled: true,
      resourcePolicy: "keep",
      persistentVolumeClaim: {
        registry: claim(config, "registry", sc),
        jobservice: { jobLog: claim(config, "jobservice", sc) },
        database: claim(config, "database", sc),
        redis: claim(config, "redis", sc),
        trivy: claim(config, "trivy", sc),
      },
      imageChartStorage: { type: "filesystem" },
    },
    harborAdminPassword: creds.adminPassword,
    secretKey: creds.secretKey,
    updateStrategy: {
      // Applies to registry and jobservice, the Deployments that may mount claims. On
      // ReadWriteOnce a rolling update starts the new pod before the old one releases the volume
      // and hangs (Multi-Attach); without such a claim pods are replaced one by one.
      type: mountsReadWriteOnceClaim(config) ? "Recreate" : "RollingUpdate",
    },
    ipFamily: { ipv4: { enabled: config.ipFamily.ipv4 }, ipv6: { enabled: config.ipFamily.ipv6 } },
    nginx: withImage(
      {
        replicas: replicas.nginx,
        ...placement,
        ...replicatedWorkload(replicas.nginx, nginxDeployed),
      },
      img.nginx,
    ),
    portal: withImage(
      { replicas: replicas.portal, ...placement, ...replicatedWorkload(replicas.portal) },
      img.portal,
    ),
    core: withImage(
      {
        replicas: replicas.core,
        ...placement,
        ...replicatedWorkload(replicas.core),
        secret: creds.coreSecret,
        xsrfKey: creds.xsrfKey,
        tokenKey: creds.tokenKey,
        tokenCert: creds.tokenCert,
      },
      img.core,
    ),
    jobservice: withImage(
      {
        replicas: replicas.jobservice,
        ...placement,
        ...replicatedWorkload(replicas.jobservice),
        jobLoggers,
        secret: creds.jobserviceSecret,
      },
      img.jobservice,
    ),
    registry: {
      ...(img.registry ? { registry: { image: img.registry } } : {}),
      ...(img.registryctl ? { controller: { image: img.registryctl } } : {}),
      replicas: replicas.registry,
      ...placement,
      ...replicatedWorkload(replicas.registry),
      secret: creds.registrySecret,
      credentials: {
        username: creds.registryUsername,
        password: creds.registryPassword,
        htpasswdString: creds.registryHtpasswd,
      },
    },
    trivy: withImage(
      {
        enabled: config.trivy.enabled,
        replicas: replicas.trivy,
        ...placement,
        ...replicatedWorkload(replicas.trivy, config.trivy.enabled),
        skipUpdate: config.trivy.skipUpdate,
        offlineScan: config.trivy.offlineScan,
      },
      img.trivy,
    ),
    metrics: {
      enabled: config.metrics.enabled,
      serviceMonitor: { enabled: config.metrics.enabled && config.metrics.serviceMonitor },
    },
  };

  // Exposure.
  switch (expose.type) {
    case "ingress":
      values.expose!.ingress = {
        hosts: { core: config.hostname },
        ...(expose.ingress.className ? { className: expose.ingress.className } : {}),
        annotations: { ...defaultIngressAnnotations(tlsEnabled), ...expose.ingress.annotations },
      };
      break;
    case "nodePort":
      values.expose!.nodePort = {
        ports: {
          http: { nodePort: expose.nodePort.http },
          https: { nodePort: expose.nodePort.https },
        },
      };
      break;
    case "loadBalancer":
      values.expose!.loadBalancer = {
        ...(expose.loadBalancer.ip ? { IP: expose.loadBalancer.ip } : {}),
        annotations: expose.loadBalancer.annotations,
        sourceRanges: expose.loadBalancer.sourceRanges,
      };
      break;
    case "clusterIP":
      values.expose!.clusterIP = {
        ...(expose.clusterIP.ip ? { staticClusterIP: expose.clusterIP.ip } : {}),
        annotations: expose.clusterIP.annotations,
      };
      break;
    case "route":
      values.expose!.route = {
        parentRefs: expose.route.parentRefs,
        hosts: [config.hostname],
        annotations: expose.route.annotations,
      };
      break;
  }
  if (tlsEnabled && ctx.tlsSecretName) {
    // The portal's "download CA" link, and a secret core's ca-download volume can always find
    // (for routes the chart renders no certificate secret of its own).
    values.caSecretName = ctx.tlsSecretName;
  }
  if (tlsEnabled && ctx.tlsCertificateSha256 !== undefined && values.nginx) {
    values.nginx.podAnnotations = { [TLS_CHECKSUM_ANNOTATION]: ctx.tlsCertificateSha256 };
  }

  // Velero backs up volumes by file system; the registry's is left out unless asked for.
  if (config.backup?.engine === "velero") {
    const annotations = veleroRegistryPodAnnotations(config.backup);
    if (Object.keys(annotations).length > 0) {
      values.registry = { ...values.registry, podAnnotations: annotations };
    }
  }

  // Metrics exporter (deployed by the chart only with metrics enabled).
  if (config.metrics.enabled) values.exporter = withImage({ ...placement }, img.exporter);

  // Database.
  if (config.database.type === "internal") {
    const fixOwnership = runsPgdataOwnership(config);
    const appVersion = SUPPORTED_CHART_VERSIONS[config.chart.version];
    values.database = {
      type: "internal",
      internal: {
        ...withImage({ ...placement }, img.database),
        password: creds.databasePassword,
        ...(fixOwnership
          ? {
              extrInitContainers: [
                pgdataOwnershipContainer(
                  `${img.database?.repository ?? `docker.io/goharbor/${HARBOR_IMAGES.database}`}:${appVersion}`,
                ),
              ],
            }
          : {}),
      },
    };
  } else if (config.database.type === "external") {
    const db = config.database;
    values.database = {
      type: "external",
      external: {
        host: db.host,
        port: String(db.port),
        username: db.username,
        password: db.password,
        coreDatabase: db.coreDatabase,
        sslmode: db.sslmode,
      },
    };
  } else {
    // The CloudNativePG Cluster: its read-write Service always points at the primary, and the
    // operator's `<cluster>-app` Secret holds the owner's password (key `password`), which the
    // chart reads through `existingSecret`: no password passes through the program. The
    // connection is encrypted; the operator's self-signed server certificate is not verified.
    values.database = {
      type: "external",
      external: {
        host: readWriteHost(config.releaseName, config.namespace),
        port: "5432",
        username: HARBOR_DATABASE_OWNER,
        coreDatabase: HARBOR_DATABASE,
        existingSecret: cloudNativePgNames(config.releaseName).appSecret,
        sslmode: "require",
      },
      ...databasePools(config),
    };
  }

  // Redis.
  if (config.redis.type === "internal") {
    values.redis = { type: "internal", internal: withImage({ ...placement }, img.redis) };
  } else {
    const redis = config.redis;
    values.redis = {
      type: "external",
      external: {
        addr: redis.addr,
        ...(redis.sentinelMasterSet ? { sentinelMasterSet: redis.sentinelMasterSet } : {}),
        ...(redis.username ? { username: redis.username } : {}),
        ...(redis.password ? { password: redis.password } : {}),
        tlsOptions: { enable: redis.tls },
      },
    };
  }

  // Registry blobs in S3-compatible object storage.
  if (config.objectStorage?.type === "rook") {
    // The bucket's name, endpoint and keys reach the registry (and registryctl, which deletes
    // blobs for garbage collection) as environment variables from the claim's own ConfigMap and
    // Secret, overriding the empty `bucket` of its config file. Ceph's gateway is addressed by
    // path over the in-cluster Service, which clients cannot reach: blobs are served through
    // Harbor (redirects disabled).
    values.persistence!.imageChartStorage = {
      type: "s3",
      disableredirect: true,
      s3: { bucket: "", region: "us-east-1", forcepathstyle: true, v4auth: true },
    };
    addRegistryEnvironment(values, bucketEnvironment(bucketClaimName(config.releaseName)));
  } else if (config.objectStorage) {
    const s3 = config.objectStorage;
    values.persistence!.imageChartStorage = {
      type: "s3",
      disableredirect: s3.disableRedirect,
      s3: {
        bucket: s3.bucket,
        region: s3.region,
        ...(s3.regionEndpoint ? { regionendpoint: s3.regionEndpoint } : {}),
        ...(s3.rootDirectory ? { rootdirectory: s3.rootDirectory } : {}),
        ...(s3.storageClass ? { storageclass: s3.storageClass } : {}),
        encrypt: s3.encrypt,
        secure: s3.secure,
        skipverify: s3.skipVerify,
        forcepathstyle: s3.forcePathStyle,
        v4auth: true,
        ...(ctx.s3SecretName ? { existingSecret: ctx.s3SecretName } : {}),
      },
    };
    if (s3.forcePathStyle) addRegistryEnvironment(values, forcePathStyleEnvironment());
  }

  // Directory login.
  if (ctx.userSettings !== undefined) values.core!.configureUserSettings = ctx.userSettings;

  // Outbound proxy.
  if (config.proxy) {
    values.proxy = {
      ...(config.proxy.httpProxy ? { httpProxy: config.proxy.httpProxy } : {}),
      ...(config.proxy.httpsProxy ? { httpsProxy: config.proxy.httpsProxy } : {}),
      ...(config.proxy.noProxy ? { noProxy: config.proxy.noProxy } : {}),
      components: config.proxy.components,
    };
  }

  addResources(values, config.resources);

  // Chart values the configuration does not model, merged last (owned values are refused by
  // the schema, config/chart-values.ts).
  return config.chart.values === undefined ? values : mergeChartValues(values, config.chart.values);
}

/** Requests and limits as the chart takes them: no empty `limits`. */
function resourceValues(r: HarborSettings["resources"][ResourceComponent]): ResourceRequirements {
  const limits = Object.fromEntries(
    Object.entries(r.limits).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return { requests: { ...r.requests }, ...(Object.keys(limits).length > 0 ? { limits } : {}) };
}

/**
 * `harbor:resources` into the blocks of the components the chart deploys: the registry container
 * (`registry.registry`), the internal database and Redis, the exporter with metrics.
 */
function addResources(values: HarborValues, resources: HarborSettings["resources"]): void {
  const r = (c: ResourceComponent) => resourceValues(resources[c]);
  for (const c of ["core", "portal", "jobservice", "nginx", "trivy"] as const) {
    values[c] = { ...values[c], resources: r(c) };
  }
  values.registry = {
    ...values.registry,
    registry: { ...values.registry?.registry, resources: r("registry") },
  };
  if (values.exporter) values.exporter = { ...values.exporter, resources: r("exporter") };
  if (values.database?.type === "internal" && values.database.internal) {
    values.database.internal = { ...values.database.internal, resources: r("database") };
  }
  if (values.redis?.type === "internal" && values.redis.internal) {
    values.redis.internal = { ...values.redis.internal, resources: r("redis") };
  }
}

/**
 * The images Harbor's chart runs for this configuration, as published (`docker.io/goharbor/...`):
 * nginx only when Harbor exposes itself (not behind an Ingress or a route), Trivy when enabled,
 * the database and Redis when internal, the exporter with metrics; then the PostgreSQL image of a
 * CloudNativePG Cluster.
 */
export function harborImages(config: HarborSettings): string[] {
  const tag = SUPPORTED_CHART_VERSIONS[config.chart.version];
  const inUse: Record<keyof typeof HARBOR_IMAGES, boolean> = {
    nginx: config.expose.type !== "ingress" && config.expose.type !== "route",
    portal: true,
    core: true,
    jobservice: true,
    registry: true,
    registryctl: true,
    trivy: config.trivy.enabled,
    database: config.database.type === "internal",
    redis: config.redis.type === "internal",
    exporter: config.metrics.enabled,
  };
  const postgres = config.database.type === "cloudnative-pg" ? [config.database.imageName] : [];
  return [
    ...(Object.keys(HARBOR_IMAGES) as (keyof typeof HARBOR_IMAGES)[])
      .filter((component) => inUse[component])
      .map((component) => `${harborImageRepository("docker.io", HARBOR_IMAGES[component])}:${tag}`),
    ...postgres,
  ];
}
