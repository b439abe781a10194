/**
 * The schema of every `harbor:` configuration key. `loadConfig` parses the raw stack configuration
 * with `rawConfigSchema`, then `toHarborConfig` applies derived defaults and wraps secrets.
 */
import { existsSync } from "node:fs";
import { posix } from "node:path";
import { z } from "zod";
import {
  DEFAULT_CHART_REPOSITORY,
  DEFAULT_CHART_VERSION,
  SUPPORTED_CHART_VERSIONS,
  compareVersions,
} from "./chart-versions";
import { BACKUP_OBJECT_KEYS, BACKUP_SECRET_KEYS, backupConfigShape, backupIssues } from "./backup";
import { checkHighAvailability, cloudNativePgDatabaseSchema, rookObjectStorageSchema } from "./ha";
import { checkCaProvided, checkProvidedTls } from "./pem";
import {
  absolutePath,
  bool,
  cidr,
  dnsName,
  hostOrIp,
  hostPort,
  httpsUrl,
  imageRef,
  intRange,
  ipAddress,
  isIpAddress,
  k8sName,
  k8sSubdomain,
  list,
  nonEmpty,
  originUrl,
  pemText,
  quantity,
  registryPrefix,
  requiredKeysObject,
  semver,
  strictObject,
  stringMap,
  variants,
} from "./primitives";

/** Keys whose values are secrets: set with `pulumi config set --secret`, never echoed in errors. */
export const SECRET_KEYS = [
  "adminPassword",
  "tlsCertificate",
  "tlsPrivateKey",
  "tlsCaCertificate",
  "caPrivateKey",
  "databasePassword",
  "redisPassword",
  "s3AccessKey",
  "s3SecretKey",
  "ldapSearchPassword",
  "oidcClientSecret",
  ...BACKUP_SECRET_KEYS,
] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** Keys whose values are JSON objects or lists in the stack file. */
export const OBJECT_KEYS = [
  "expose",
  "tls",
  "storage",
  "chart",
  "auth",
  "database",
  "redis",
  "objectStorage",
  "replicas",
  "trivy",
  "metrics",
  "proxy",
  "ipFamily",
  "scheduling",
  "trust",
  "kubernetes",
  ...BACKUP_OBJECT_KEYS,
] as const;

const PORT_RANGE = "30000-32767";
const annotations = () => stringMap("a map of annotation names to string values").prefault({});

const exposeSchema = variants("type", "ingress", [
  strictObject({
    type: z.literal("ingress"),
    ingress: strictObject({
      className: k8sSubdomain().optional(),
      annotations: annotations(),
    }).prefault({}),
  }),
  strictObject({
    type: z.literal("nodePort"),
    nodePort: strictObject({
      http: intRange(30000, 32767, PORT_RANGE).default(30002),
      https: intRange(30000, 32767, PORT_RANGE).default(30003),
    })
      .superRefine((p, ctx) => {
        if (p.http === p.https) {
          ctx.addIssue({
            code: "custom",
            message:
              "must differ from harbor:expose.nodePort.http (one node port cannot serve both HTTP and HTTPS)",
            path: ["https"],
            input: p.https,
          });
        }
      })
      .prefault({}),
  }),
  strictObject({
    type: z.literal("loadBalancer"),
    loadBalancer: strictObject({
      ip: ipAddress().optional(),
      annotations: annotations(),
      sourceRanges: list(cidr(), "CIDRs such as 10.0.0.0/8").default([]),
    }).prefault({}),
  }),
  strictObject({
    type: z.literal("clusterIP"),
    clusterIP: strictObject({
      ip: ipAddress().optional(),
      annotations: annotations(),
    }).prefault({}),
  }),
  strictObject({
    type: z.literal("route"),
    route: requiredKeysObject(
      strictObject({
        parentRefs: list(
          strictObject({
            name: k8sSubdomain(),
            namespace: k8sName().optional(),
            sectionName: k8sSubdomain().optional(),
          }),
          "Gateway references ({name, namespace, sectionName})",
        ).min(1, { error: "must name at least one Gateway ({name, namespace, sectionName})" }),
        annotations: annotations(),
      }),
    ),
  }),
]).prefault({});

const tlsCommon = {
  dnsNames: list(dnsName(), "DNS names").default([]),
  ipAddresses: list(ipAddress(), "IP addresses").default([]),
  validityDays: intRange(1, 397, "1-397 days (browsers reject longer server certificates)").default(
    365,
  ),
  caValidityDays: intRange(30, 36500, "30-36500 days").default(3650),
  renewBeforeDays: intRange(0, 396, "0-396 days").default(30),
  keyAlgorithm: z
    .enum(["ECDSA-P256", "ECDSA-P384", "RSA-3072", "RSA-4096"], {
      error: "must be one of ECDSA-P256, ECDSA-P384, RSA-3072, RSA-4096",
    })
    .default("ECDSA-P256"),
};

const tlsSchema = variants("mode", "generated", [
  strictObject({ mode: z.literal("generated"), ...tlsCommon }),
  strictObject({ mode: z.literal("provided"), ...tlsCommon }),
  strictObject({ mode: z.literal("ca-provided"), ...tlsCommon }),
  strictObject({ mode: z.literal("disabled"), ...tlsCommon }),
])
  .superRefine((t, ctx) => {
    if (t.renewBeforeDays >= t.validityDays) {
      ctx.addIssue({
        code: "custom",
        message: `must be less than harbor:tls.validityDays (${t.validityDays}), or every \`pulumi up\` re-issues the certificate`,
        path: ["renewBeforeDays"],
        input: t.renewBeforeDays,
      });
    }
  })
  .prefault({});

const volumeShape = <T extends z.ZodType>(item: T) =>
  strictObject({
    registry: item,
    jobservice: item,
    database: item,
    redis: item,
    trivy: item,
  });

const sizes = () =>
  volumeShape(quantity().optional())
    .prefault({})
    .transform((s) => ({
      registry: s.registry ?? "50Gi",
      jobservice: s.jobservice ?? "1Gi",
      database: s.database ?? "5Gi",
      redis: s.redis ?? "1Gi",
      trivy: s.trivy ?? "5Gi",
    }));

const storageCommon = {
  className: k8sSubdomain().optional(),
  reclaimPolicy: z
    .enum(["Retain", "Delete"], { error: "must be Retain or Delete" })
    .default("Retain"),
  sizes: sizes(),
  existingClaims: volumeShape(k8sSubdomain().optional()).prefault({}),
  accessMode: z
    .enum(["ReadWriteOnce", "ReadWriteMany"], { error: "must be ReadWriteOnce or ReadWriteMany" })
    .optional(),
};

const storageSchema = variants("variant", "local-path", [
  strictObject({
    variant: z.literal("local-path"),
    ...storageCommon,
    localPath: strictObject({
      installProvisioner: bool().default(true),
      nodePath: absolutePath()
        .refine((p) => posix.resolve(p) !== "/", {
          error:
            "must be a directory below / such as /opt/local-path-provisioner (local-path-provisioner refuses the root directory)",
        })
        .default("/opt/local-path-provisioner"),
      node: k8sSubdomain().optional(),
    }).prefault({}),
  }),
  strictObject({
    variant: z.literal("nfs"),
    ...storageCommon,
    nfs: requiredKeysObject(
      strictObject({
        server: hostOrIp(),
        path: absolutePath(),
        driver: z.enum(["subdir", "csi"], { error: "must be subdir or csi" }).default("subdir"),
        installProvisioner: bool().default(true),
        mountOptions: list(nonEmpty("a mount option"), "mount options such as nfsvers=4.1").default(
          [],
        ),
        archiveOnDelete: bool().default(true),
      }),
    ),
  }),
  strictObject({
    variant: z.literal("rook"),
    ...storageCommon,
    rook: strictObject({
      clusterNamespace: k8sName().default("rook-ceph"),
      operatorNamespace: k8sName().default("rook-ceph"),
      pool: k8sName().default("harbor"),
      createPool: bool().default(true),
      replicas: intRange(1, 9).default(3),
      failureDomain: z
        .enum(["host", "osd", "rack", "zone"], { error: "must be one of host, osd, rack, zone" })
        .default("host"),
      fsType: z.enum(["ext4", "xfs"], { error: "must be ext4 or xfs" }).default("ext4"),
    }).prefault({}),
  }),
  strictObject({ variant: z.literal("existing"), ...storageCommon }),
]).prefault({});

const chartSchema = strictObject({
  version: semver().default(DEFAULT_CHART_VERSION),
  repository: z
    .string({ error: "must be an https:// or oci:// Helm repository URL" })
    .refine((v) => /^(https?|oci):\/\/[^\s]+$/.test(v), {
      error: "must be an https:// or oci:// Helm repository URL",
    })
    .default(DEFAULT_CHART_REPOSITORY),
  path: nonEmpty("a path to a chart .tgz or directory").optional(),
}).prefault({});

const authSchema = variants("mode", "database", [
  strictObject({ mode: z.literal("database") }),
  strictObject({
    mode: z.literal("ldap"),
    ldap: requiredKeysObject(
      strictObject({
        url: z
          .string({ error: "must be an ldap:// or ldaps:// URL" })
          .refine((v) => /^ldaps?:\/\/[^/\s]+\/?$/.test(v), {
            error: "must be an ldap:// or ldaps:// URL such as ldaps://ldap.example.com",
          }),
        baseDn: nonEmpty("a DN such as dc=example,dc=com"),
        searchDn: nonEmpty("a DN").optional(),
        uid: nonEmpty("an attribute name").default("uid"),
        filter: nonEmpty("an LDAP filter").optional(),
        scope: z
          .enum(["base", "onelevel", "subtree"], { error: "must be base, onelevel or subtree" })
          .default("subtree"),
        verifyCert: bool().default(true),
        groupBaseDn: nonEmpty("a DN").optional(),
        groupSearchFilter: nonEmpty("an LDAP filter").optional(),
        groupAttributeName: nonEmpty("an attribute name").optional(),
        groupAdminDn: nonEmpty("a DN").optional(),
      }),
    ),
  }),
  strictObject({
    mode: z.literal("oidc"),
    oidc: requiredKeysObject(
      strictObject({
        name: nonEmpty("a display name").default("OIDC"),
        endpoint: httpsUrl(),
        clientId: nonEmpty("the client ID registered for Harbor"),
        scope: nonEmpty("comma-separated scopes").default("openid,profile,email,offline_access"),
        groupsClaim: nonEmpty("a claim name").optional(),
        adminGroup: nonEmpty("a group name").optional(),
        autoOnboard: bool().default(false),
        userClaim: nonEmpty("a claim name").optional(),
        verifyCert: bool().default(true),
      }),
    ),
  }),
]).prefault({});

const databaseSchema = variants("type", "internal", [
  strictObject({ type: z.literal("internal") }),
  strictObject({
    type: z.literal("external"),
    host: hostOrIp(),
    port: intRange(1, 65535, "a port 1-65535").default(5432),
    username: nonEmpty("a PostgreSQL user name"),
    coreDatabase: nonEmpty("a database name").default("registry"),
    sslmode: z
      .enum(["disable", "require", "verify-ca", "verify-full"], {
        error: "must be one of disable, require, verify-ca, verify-full",
      })
      .default("require"),
  }),
  cloudNativePgDatabaseSchema,
]).prefault({});

const redisSchema = variants("type", "internal", [
  strictObject({ type: z.literal("internal") }),
  strictObject({
    type: z.literal("external"),
    addr: z.string({ error: "must be host:port" }).superRefine((v, ctx) => {
      for (const part of v.split(",")) {
        if (!hostPort().safeParse(part.trim()).success) {
          ctx.addIssue({
            code: "custom",
            message: "must be host:port, or a comma-separated list of Sentinel host:port addresses",
            input: v,
          });
          return;
        }
      }
    }),
    sentinelMasterSet: nonEmpty("a Sentinel master set name").optional(),
    username: nonEmpty("a Redis user name").optional(),
    tls: bool().default(false),
  }).superRefine((r, ctx) => {
    if (r.sentinelMasterSet === undefined && r.addr.includes(",")) {
      ctx.addIssue({
        code: "custom",
        message:
          "must be a single host:port unless harbor:redis.sentinelMasterSet is set (a list of addresses is only valid for Sentinel)",
        path: ["addr"],
        input: r.addr,
      });
    }
  }),
]).prefault({});

const objectStorageSchema = variants("type", "s3", [
  strictObject({
    type: z.literal("s3"),
    bucket: nonEmpty("a bucket name"),
    region: nonEmpty("a region such as us-east-1").default("us-east-1"),
    regionEndpoint: originUrl().optional(),
    rootDirectory: nonEmpty("a key prefix").optional(),
    encrypt: bool().default(false),
    secure: bool().default(true),
    skipVerify: bool().default(false),
    forcePathStyle: bool().default(false),
    storageClass: nonEmpty("an S3 storage class such as STANDARD").optional(),
    disableRedirect: bool().default(false),
  }),
  rookObjectStorageSchema,
]);

const replicaCount = () => intRange(1, 20, "an integer 1-20").default(1);
const replicasSchema = strictObject({
  core: replicaCount(),
  portal: replicaCount(),
  registry: replicaCount(),
  jobservice: replicaCount(),
  nginx: replicaCount(),
  trivy: replicaCount(),
}).prefault({});

const tolerationSchema = strictObject({
  key: nonEmpty("a taint key").optional(),
  operator: z.enum(["Exists", "Equal"], { error: "must be Exists or Equal" }).optional(),
  value: z.string({ error: "must be a string" }).optional(),
  effect: z
    .enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], {
      error: "must be NoSchedule, PreferNoSchedule or NoExecute",
    })
    .optional(),
  tolerationSeconds: intRange(0, 31536000, "a number of seconds").optional(),
});

const schedulingSchema = strictObject({
  nodeSelector: stringMap("a map of node label names to values").default({}),
  tolerations: list(tolerationSchema, "tolerations").default([]),
  affinity: strictObject({
    nodeAffinity: z.record(z.string(), z.unknown()).optional(),
    podAffinity: z.record(z.string(), z.unknown()).optional(),
    podAntiAffinity: z.record(z.string(), z.unknown()).optional(),
  }).optional(),
});

const trustSchema = strictObject({
  nodes: strictObject({
    enabled: bool().default(false),
    runtime: z
      .enum(["containerd", "docker"], { error: "must be containerd or docker" })
      .default("containerd"),
    hostsDir: absolutePath().optional(),
    image: imageRef().default("busybox:1.37.0"),
  }).prefault({}),
  namespaces: list(k8sName(), "namespace names").default([]),
}).prefault({});

const kubernetesSchema = strictObject({
  context: nonEmpty("a kubeconfig context name").optional(),
  kubeconfigFromStack: strictObject({
    stack: z
      .string({ error: "must be a stack name such as acme/cluster/prod" })
      .regex(/^[\w.-]+(\/[\w.-]+){0,2}$/, {
        error: "must be a stack name such as acme/cluster/prod",
      }),
    output: nonEmpty("an output name").default("kubeconfig"),
  }).optional(),
  renderToDirectory: nonEmpty("a directory path").optional(),
})
  .superRefine((k, ctx) => {
    if (k.context && k.kubeconfigFromStack) {
      ctx.addIssue({
        code: "custom",
        message: `cannot be combined with harbor:kubernetes.context (${JSON.stringify(k.context)}); choose one way to reach the cluster`,
        path: ["kubeconfigFromStack"],
        input: k.kubeconfigFromStack.stack,
      });
    }
  })
  .prefault({});

/**
 * Stands for a secret that is set but cannot be read where the configuration is checked: a
 * `secure:` entry of a stack file read without its secrets (`scripts/plan.ts`). It passes the
 * secret's own rule; checks that need the value itself are skipped.
 */
export const UNKNOWN_SECRET = "(set, value unknown)";

/** A secret key's rule, which the unknown-value stand-in passes. */
function secretValue(rule: z.ZodType<string>) {
  return z.string({ error: "must be a string" }).check((ctx) => {
    if (ctx.value === UNKNOWN_SECRET) return;
    const result = rule.safeParse(ctx.value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        ctx.issues.push({ ...issue, input: ctx.value } as (typeof ctx.issues)[number]);
      }
    }
  });
}

/** Whether every one of these values is known (none is the unknown-secret stand-in). */
const known = (...values: string[]): boolean => values.every((v) => v !== UNKNOWN_SECRET);

/** Every `harbor:` key as written in the stack file (after JSON parsing of object keys). */
export const rawConfigSchema = strictObject({
  hostname: hostOrIp(),
  namespace: k8sName().default("harbor"),
  releaseName: k8sName(53).default("harbor"),
  externalURL: originUrl().optional(),
  expose: exposeSchema,
  tls: tlsSchema,
  storage: storageSchema,
  chart: chartSchema,
  deployMode: z
    .enum(["release", "chart"], { error: "must be release or chart" })
    .default("release"),
  auth: authSchema,
  database: databaseSchema,
  redis: redisSchema,
  objectStorage: objectStorageSchema.optional(),
  replicas: replicasSchema,
  trivy: strictObject({
    enabled: bool().default(true),
    skipUpdate: bool().default(false),
    offlineScan: bool().default(false),
  }).prefault({}),
  metrics: strictObject({
    enabled: bool().default(false),
    serviceMonitor: bool().default(false),
  }).prefault({}),
  proxy: strictObject({
    httpProxy: originUrl().optional(),
    httpsProxy: originUrl().optional(),
    noProxy: nonEmpty("a comma-separated host list").optional(),
    components: list(
      z.enum(["core", "jobservice", "trivy"], { error: "must be core, jobservice or trivy" }),
      "components",
    ).default(["core", "jobservice", "trivy"]),
  }).optional(),
  ipFamily: strictObject({
    ipv4: bool().default(true),
    ipv6: bool().default(true),
  })
    .refine((f) => f.ipv4 || f.ipv6, {
      error:
        "must enable at least one of ipv4 and ipv6 (Harbor needs an address family to serve on)",
    })
    .prefault({}),
  scheduling: schedulingSchema.optional(),
  imageRegistry: registryPrefix().optional(),
  trust: trustSchema,
  kubernetes: kubernetesSchema,
  protect: bool().optional(),
  caCertificate: pemText().optional(),
  // Secrets (validated as plain text here, wrapped as Pulumi secrets afterwards).
  adminPassword: secretValue(
    z
      .string({ error: "must be a string" })
      .refine((v) => v.length >= 8 && v.length <= 128, {
        error: "must be 8-128 characters (Harbor's rule)",
      })
      .refine((v) => /[a-z]/.test(v) && /[A-Z]/.test(v) && /\d/.test(v), {
        error: "must contain an upper-case letter, a lower-case letter and a digit (Harbor's rule)",
      })
      .refine((v) => v !== "Harbor12345", { error: "must not be the chart's default password" }),
  ).optional(),
  tlsCertificate: secretValue(pemText()).optional(),
  tlsPrivateKey: secretValue(pemText()).optional(),
  tlsCaCertificate: secretValue(pemText()).optional(),
  caPrivateKey: secretValue(pemText()).optional(),
  databasePassword: secretValue(nonEmpty("a non-empty password")).optional(),
  redisPassword: secretValue(nonEmpty("a non-empty password")).optional(),
  s3AccessKey: secretValue(nonEmpty("a non-empty access key")).optional(),
  s3SecretKey: secretValue(nonEmpty("a non-empty secret key")).optional(),
  ldapSearchPassword: secretValue(nonEmpty("a non-empty password")).optional(),
  oidcClientSecret: secretValue(nonEmpty("a non-empty client secret")).optional(),
  // Backups and restore (config/backup.ts), their S3 keys among the secrets.
  ...backupConfigShape,
}).superRefine((c, ctx) => {
  const issue = (path: (string | number)[], message: string, input?: unknown) =>
    ctx.addIssue({ code: "custom", path, message, input });
  const requireSecret = (key: SecretKey, when: string) => {
    if (c[key] === undefined) {
      issue(
        [key],
        `is required when ${when}: set it with \`pulumi config set --secret harbor:${key} <value>\``,
      );
    }
  };
  const hostIsIp = isIpAddress(c.hostname);

  // Exposure and hostname.
  if (hostIsIp && (c.expose.type === "ingress" || c.expose.type === "route")) {
    issue(
      ["hostname"],
      `must be a DNS name when harbor:expose.type is ${c.expose.type} (${c.expose.type === "ingress" ? "Ingress rules" : "HTTPRoute hostnames"} cannot match an IP address); use a DNS name or expose.type nodePort/loadBalancer`,
      c.hostname,
    );
  }

  // TLS modes and their material.
  const tls = c.tls;
  if (tls.mode === "disabled" && c.externalURL === undefined) {
    issue(
      ["externalURL"],
      "is required when harbor:tls.mode is disabled: give the URL of the proxy that terminates TLS in front of Harbor, such as https://harbor.example.com",
    );
  }
  if (tls.mode !== "disabled" && c.externalURL?.startsWith("http://")) {
    issue(
      ["externalURL"],
      `must use https:// when harbor:tls.mode is ${tls.mode} (Harbor serves HTTPS); use harbor:tls.mode disabled for plain HTTP`,
      c.externalURL,
    );
  }
  if (tls.mode === "generated" && tls.validityDays > tls.caValidityDays) {
    issue(
      ["tls", "validityDays"],
      `must not exceed harbor:tls.caValidityDays (${tls.caValidityDays}; a certificate cannot outlive its CA)`,
      tls.validityDays,
    );
  }
  if (tls.mode === "provided") {
    requireSecret("tlsCertificate", "harbor:tls.mode is provided");
    requireSecret("tlsPrivateKey", "harbor:tls.mode is provided");
    requireSecret("tlsCaCertificate", "harbor:tls.mode is provided");
    if (
      c.tlsCertificate &&
      c.tlsPrivateKey &&
      c.tlsCaCertificate &&
      known(c.tlsCertificate, c.tlsPrivateKey, c.tlsCaCertificate)
    ) {
      for (const p of checkProvidedTls({
        hostname: c.hostname,
        certificate: c.tlsCertificate,
        privateKey: c.tlsPrivateKey,
        caCertificate: c.tlsCaCertificate,
      })) {
        issue([p.key], p.message);
      }
    }
  } else {
    for (const key of ["tlsCertificate", "tlsPrivateKey", "tlsCaCertificate"] as const) {
      if (c[key] !== undefined) {
        issue([key], `is only used when harbor:tls.mode is provided (it is ${tls.mode})`);
      }
    }
  }
  if (tls.mode === "ca-provided") {
    if (c.caCertificate === undefined) {
      issue(
        ["caCertificate"],
        'is required when harbor:tls.mode is ca-provided: set it with `pulumi config set harbor:caCertificate -- "$(cat ca.crt)"`',
      );
    }
    requireSecret("caPrivateKey", "harbor:tls.mode is ca-provided");
    if (c.caCertificate && c.caPrivateKey && known(c.caPrivateKey)) {
      for (const p of checkCaProvided({
        caCertificate: c.caCertificate,
        caPrivateKey: c.caPrivateKey,
      })) {
        issue([p.key], p.message);
      }
    }
  } else {
    for (const key of ["caCertificate", "caPrivateKey"] as const) {
      if (c[key] !== undefined) {
        issue([key], `is only used when harbor:tls.mode is ca-provided (it is ${tls.mode})`);
      }
    }
  }
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

  // Storage.
  const storage = c.storage;
  if (storage.variant === "existing" && storage.className === undefined) {
    issue(
      ["storage", "className"],
      "is required when harbor:storage.variant is existing: name the StorageClass Harbor's claims use",
    );
  }
  if (
    storage.accessMode === "ReadWriteMany" &&
    (storage.variant === "local-path" || storage.variant === "rook")
  ) {
    issue(
      ["storage", "accessMode"],
      `must be ReadWriteOnce for harbor:storage.variant ${storage.variant} (its volumes cannot be shared between nodes)`,
      storage.accessMode,
    );
  }
  const sharedStorage =
    storage.accessMode === "ReadWriteMany" ||
    (storage.accessMode === undefined && storage.variant === "nfs");
  // Replicated components. Only the registry has data of its own that several pods must share:
  // its blobs. On ReadWriteOnce storage they cannot share a volume, so a second registry needs
  // object storage. (Replicated jobservice logs jobs to the database instead of a volume.)
  if (!sharedStorage && c.replicas.registry > 1 && c.objectStorage === undefined) {
    issue(
      ["replicas", "registry"],
      `must be 1 unless registry blobs are shared: every registry pod must see every blob, and a ReadWriteOnce volume (harbor:storage.variant ${storage.variant}) attaches to one node only; set harbor:objectStorage (s3, or rook for a Rook-Ceph bucket), or use ReadWriteMany storage (harbor:storage.variant nfs)`,
      c.replicas.registry,
    );
  }
  if (storage.variant === "local-path" && storage.localPath.node !== undefined) {
    const pinned = c.scheduling?.nodeSelector["kubernetes.io/hostname"];
    if (pinned !== undefined && pinned !== storage.localPath.node) {
      issue(
        ["scheduling", "nodeSelector", "kubernetes.io/hostname"],
        `contradicts harbor:storage.localPath.node (${storage.localPath.node}); set the node in one place`,
        pinned,
      );
    }
  }

  // Authentication.
  if (c.auth.mode === "ldap" && c.auth.ldap.searchDn !== undefined) {
    requireSecret("ldapSearchPassword", "harbor:auth.ldap.searchDn is set");
  }
  if (c.auth.mode === "oidc") {
    requireSecret("oidcClientSecret", "harbor:auth.mode is oidc");
  }
  if (c.auth.mode !== "ldap" && c.ldapSearchPassword !== undefined) {
    issue(["ldapSearchPassword"], `is only used when harbor:auth.mode is ldap`);
  }
  if (c.auth.mode !== "oidc" && c.oidcClientSecret !== undefined) {
    issue(["oidcClientSecret"], `is only used when harbor:auth.mode is oidc`);
  }

  // External services.
  if (c.database.type === "external") {
    requireSecret("databasePassword", "harbor:database.type is external");
  } else if (c.databasePassword !== undefined) {
    issue(["databasePassword"], "is only used when harbor:database.type is external");
  }
  if (c.redis.type === "internal" && c.redisPassword !== undefined) {
    issue(["redisPassword"], "is only used when harbor:redis.type is external");
  }
  if (
    c.objectStorage?.type !== "rook" &&
    (c.s3AccessKey === undefined) !== (c.s3SecretKey === undefined)
  ) {
    const missing = c.s3AccessKey === undefined ? "s3AccessKey" : "s3SecretKey";
    issue(
      [missing],
      "is required together with its pair (harbor:s3AccessKey and harbor:s3SecretKey); leave both unset to use the pod's cloud identity",
    );
  }
  if (c.objectStorage === undefined && (c.s3AccessKey ?? c.s3SecretKey) !== undefined) {
    issue(
      [c.s3AccessKey !== undefined ? "s3AccessKey" : "s3SecretKey"],
      "is only used when harbor:objectStorage is set",
    );
  }

  // High availability: CloudNativePG and Rook bucket back ends.
  checkHighAvailability(c, issue);

  // Chart.
  if (!semver().safeParse(c.chart.version).success) {
    // Already reported by the chart.version rule (a range or a malformed version).
  } else if (!(c.chart.version in SUPPORTED_CHART_VERSIONS)) {
    issue(
      ["chart", "version"],
      `must be a chart version this program was written against (${Object.keys(SUPPORTED_CHART_VERSIONS).join(", ")}); newer charts are added after their values are reviewed`,
      c.chart.version,
    );
  } else if (c.expose.type === "route" && compareVersions(c.chart.version, "1.18.0") < 0) {
    issue(
      ["chart", "version"],
      "must be 1.18.0 or later for harbor:expose.type route (older charts have no HTTPRoute)",
      c.chart.version,
    );
  }
  if (c.chart.path !== undefined && !existsSync(c.chart.path)) {
    issue(
      ["chart", "path"],
      "must point to an existing chart archive (.tgz) or directory, relative to the project directory",
      c.chart.path,
    );
  }

  // Backups and restore.
  for (const i of backupIssues(c, backupContext(c))) issue(i.path, i.message, i.input);

  // Rendering.
  if (c.kubernetes.renderToDirectory !== undefined && c.deployMode !== "chart") {
    issue(
      ["kubernetes", "renderToDirectory"],
      "requires harbor:deployMode chart (a helm.v3.Release cannot be rendered to files)",
      c.kubernetes.renderToDirectory,
    );
  }
});

export type RawConfig = z.output<typeof rawConfigSchema>;

/** What the backup cross-checks and settings need from the rest of the configuration. */
export function backupContext(c: {
  namespace: string;
  database: { type: string };
  objectStorage?: unknown;
  storage: { variant: string; className?: string };
}) {
  return {
    databaseType: c.database.type,
    objectStorage: c.objectStorage !== undefined,
    storageVariant: c.storage.variant,
    storageClassName: c.storage.className,
    effectiveStorageClassName: c.storage.className ?? `${c.namespace}-${c.storage.variant}`,
  };
}
