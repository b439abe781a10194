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
  chartDerivedNames,
  chartFullname,
  compareVersions,
  type ChartFeatures,
  DEFAULT_NAMESPACE,
  DEFAULT_RELEASE_NAME,
} from "./facts";
import { BACKUP_OBJECT_KEYS, BACKUP_SECRET_KEYS, backupConfigShape, backupIssues } from "./backup";
import { issueMessage } from "./errors";
import { checkHighAvailability, cloudNativePgDatabaseSchema, rookObjectStorageSchema } from "./ha";
import { chartValuesSchema } from "./chart-values";
import type { JsonValue } from "./harbor-args";
import { checkCaProvided, checkProvidedTls } from "./pem";
import { resourcesSchema } from "./resources";
import {
  REGISTRY_CONTENT_OBJECT_KEYS,
  REGISTRY_CONTENT_SECRET_KEYS,
  checkRegistryContent,
  registryContentShape,
} from "./registry-content";
import {
  absolutePath,
  annotations as annotationMap,
  bool,
  cidr,
  claimName,
  displayText,
  dns1035Label,
  dnsName,
  helmRepositoryUrl,
  hostOrIp,
  HOST_PORT_EXPECTED,
  hostPortProblem,
  httpsUrl,
  imageRef,
  installationPlace,
  intRange,
  ipAddress,
  isIpAddress,
  isLabelValue,
  isQualifiedName,
  k8sName,
  k8sSubdomain,
  kubeContextName,
  labelSelectorMap,
  labelValue,
  ldapAttribute,
  ldapDn,
  ldapFilter,
  ldapUrl,
  localPath,
  mountOption,
  noProxyList,
  oidcScopes,
  originUrl,
  pemText,
  postgresIdentifier,
  postgresUserName,
  qualifiedName,
  quoted,
  quantity,
  redisUsername,
  registryPrefix,
  requiredKeysObject,
  s3BucketName,
  s3KeyPrefix,
  s3Region,
  s3StorageClass,
  secretText,
  semver,
  sentinelMasterSet,
  strictObject,
  token,
  uniqueList,
  variants,
  hasControlCharacters,
  UNKNOWN_SECRET,
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
  ...REGISTRY_CONTENT_SECRET_KEYS,
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
  "resources",
  ...BACKUP_OBJECT_KEYS,
  ...REGISTRY_CONTENT_OBJECT_KEYS,
] as const;

const PORT_RANGE = "30000-32767";
const annotations = () => annotationMap().prefault({});

/**
 * Namespaces Kubernetes itself uses. Harbor's namespace is created, labelled (Pod Security) and
 * protected as the program's own, which must never happen to one of these.
 */
export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/**
 * Harbor's namespace: a DNS-1123 label that is not a system namespace. Another `kube-*` name (seed
 * 003 installs into `kube-ops`) is a valid namespace of its own and gets a warning only
 * (`namespaceWarnings`).
 */
const harborNamespace = () =>
  k8sName().refine((v) => !SYSTEM_NAMESPACES.includes(v), {
    error:
      "must be a namespace of Harbor's own, not a system namespace (default, kube-system, kube-public, kube-node-lease): the program labels it for Pod Security and guards it as Harbor's",
  });

/**
 * Advice about a configured admin password that Harbor takes as its initial password but would not
 * accept later: Harbor sets HARBOR_ADMIN_PASSWORD without checking it (goharbor/harbor
 * src/core/main.go, `updateInitPasswordWithMgr`), while its API and portal require upper case,
 * lower case and a digit for every password set afterwards (src/server/v2.0/handler/user.go,
 * `requireValidSecret`). A hex password (`openssl rand -hex 16`) is a valid initial one. The
 * value is never echoed.
 */
export function adminPasswordWarnings(password: string | undefined): string[] {
  if (password === undefined || password === UNKNOWN_SECRET) return [];
  const missing = [
    /[A-Z]/.test(password) ? undefined : "upper case",
    /[a-z]/.test(password) ? undefined : "lower case",
    /\d/.test(password) ? undefined : "a digit",
  ].filter((m): m is string => m !== undefined);
  return missing.length === 0
    ? []
    : [
        `harbor:adminPassword lacks ${missing.join(" and ")}: Harbor takes it as the initial admin password, but its portal and API require upper case, lower case and a digit for every password set later, so this one cannot be set again there.`,
      ];
}

/** Advice about Harbor's namespace that does not stop a deployment. */
export function namespaceWarnings(namespace: string): string[] {
  return namespace.startsWith("kube-")
    ? [
        `harbor:namespace is ${namespace}: the kube- prefix is where Kubernetes keeps its own namespaces (kube-system, kube-public, kube-node-lease), so tools may treat it as a system namespace. It is used as Harbor's own: labelled for Pod Security baseline and protected.`,
      ]
    : [];
}

/**
 * Why a release name breaks a Kubernetes limit for these features (the object with the largest
 * overflow, and the longest release name that fits), or undefined.
 */
export function releaseNameProblem(
  releaseName: string,
  features: ChartFeatures,
): string | undefined {
  const names = chartDerivedNames(releaseName, features);
  const worst = names
    .filter((n) => n.name.length > n.max)
    .sort((a, b) => b.name.length - b.max - (a.name.length - a.max))[0];
  if (worst === undefined) return undefined;
  const full = chartFullname(releaseName);
  const fullMax = Math.min(...names.map((n) => n.max - (n.name.length - full.length)));
  const withHarbor = fullMax;
  const without = fullMax - "-harbor".length;
  return `is too long for this configuration: the chart names its ${worst.kind} ${JSON.stringify(worst.name)} (${worst.name.length} characters), and ${worst.limit}; use at most ${withHarbor} characters for a release name containing "harbor", ${without} otherwise (the chart appends -harbor)`;
}

/** Where credentials go instead of a proxy URL. */
const PROXY_CREDENTIALS =
  "Harbor's chart writes proxy URLs into ConfigMaps and pod environments in plain text; use a proxy that admits the cluster's nodes by source address (see README, Safety)";

const exposeSchema = variants("type", "ingress", [
  strictObject({
    type: z
      .literal("ingress")
      .describe(
        "How Harbor is published; the other keys belong to the variant they are named after.",
      ),
    ingress: strictObject({
      className: k8sSubdomain().optional(),
      annotations: annotations(),
    })
      .prefault({})
      .describe(
        '`className`: IngressClass (cluster default when unset). `annotations`: merged over defaults for large uploads: `proxy-body-size: "0"` (no limit), `ssl-redirect`, 900 s proxy read/send timeouts and no request buffering (nginx ingress).',
      ),
  }),
  strictObject({
    type: z.literal("nodePort"),
    nodePort: strictObject({
      http: intRange(30000, 32767, PORT_RANGE)
        .default(30002)
        .describe("Node port of plain HTTP (redirects to HTTPS when TLS is on), 30000-32767."),
      https: intRange(30000, 32767, PORT_RANGE)
        .default(30003)
        .describe("Node port of HTTPS, 30000-32767; part of the derived URL."),
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
      .prefault({})
      .describe(
        "Node ports `http` and `https`, 30000-32767 and different. The derived URL is `https://<hostname>:<https>`.",
      ),
  }),
  strictObject({
    type: z.literal("loadBalancer"),
    loadBalancer: strictObject({
      ip: ipAddress().optional(),
      annotations: annotations(),
      sourceRanges: uniqueList(cidr(), "CIDRs such as 10.0.0.0/8").default([]),
    })
      .prefault({})
      .describe(
        "`ip`: requested IP; `annotations`: Service annotations (MetalLB, cloud); `sourceRanges`: allowed client CIDRs.",
      ),
  }),
  strictObject({
    type: z.literal("clusterIP"),
    clusterIP: strictObject({
      ip: ipAddress().optional(),
      annotations: annotations(),
    })
      .prefault({})
      .describe(
        "`ip`: static cluster IP, `annotations`: Service annotations (behind your own proxy).",
      ),
  }),
  strictObject({
    type: z.literal("route"),
    route: requiredKeysObject(
      strictObject({
        parentRefs: uniqueList(
          strictObject({
            name: k8sSubdomain().describe("Name of the Gateway."),
            namespace: k8sName()
              .optional()
              .describe("Namespace of the Gateway (Harbor's namespace when unset)."),
            sectionName: k8sSubdomain()
              .optional()
              .describe("Listener of the Gateway to attach to (all listeners when unset)."),
          }),
          "Gateway references ({name, namespace, sectionName})",
          (r) => `${r.namespace ?? ""}/${r.name}/${r.sectionName ?? ""}`,
        ).min(1, { error: "must name at least one Gateway ({name, namespace, sectionName})" }),
        annotations: annotations(),
      }),
    ).describe(
      "`parentRefs` (required): `[{name, namespace, sectionName}]`, Gateways for the HTTPRoute (Gateway API). The Gateway terminates TLS; the program grants Gateways in other namespaces a `ReferenceGrant` to use Harbor's certificate Secret (`certificateRefs: [{name: <tlsSecretName>, namespace: <namespace>}]`). Needs chart 1.18+. `annotations`: HTTPRoute annotations.",
    ),
  }),
]).prefault({});

const tlsCommon = {
  dnsNames: uniqueList(dnsName(), "DNS names")
    .default([])
    .describe("Extra DNS SANs (the hostname and the externalURL's host are always included)."),
  ipAddresses: uniqueList(ipAddress(), "IP addresses")
    .default([])
    .describe("Extra IP SANs (the hostname and the externalURL's host are always included)."),
  validityDays: intRange(1, 397, "1-397 days (browsers reject longer server certificates)")
    .default(365)
    .describe("Server certificate lifetime in days, at most 397."),
  caValidityDays: intRange(30, 36500, "30-36500 days")
    .default(3650)
    .describe("Generated CA lifetime in days (30-36500)."),
  renewBeforeDays: intRange(0, 396, "0-396 days")
    .default(30)
    .describe(
      "A `pulumi up` within this many days of expiry re-issues the server certificate under the same CA (every run refreshes first: `Pulumi.yaml` sets `options.refresh: always`); nginx's pods roll because their template carries the certificate's hash.",
    ),
  keyAlgorithm: z
    .enum(["ECDSA-P256", "ECDSA-P384", "RSA-3072", "RSA-4096"], {
      error: "must be one of ECDSA-P256, ECDSA-P384, RSA-3072, RSA-4096",
    })
    .default("ECDSA-P256")
    .describe("Key algorithm of generated keys."),
};

const tlsSchema = variants("mode", "generated", [
  strictObject({
    mode: z
      .literal("generated")
      .describe(
        "`generated`: CA and server certificate from @pulumi/tls. `provided`: your chain from secrets `harbor:tlsCertificate` (server certificate, then intermediates), `harbor:tlsPrivateKey`, `harbor:tlsCaCertificate`; checked before deploy (parses, key matches, signed by the CA, covers `hostname`, not expired). `ca-provided`: your CA (`harbor:caCertificate`, secret `harbor:caPrivateKey`) signs a server certificate the program generates and renews. `disabled`: plain HTTP, TLS terminated in front (requires `externalURL`).",
      ),
    ...tlsCommon,
  }),
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

/** The chart's volumes, each key described by `what` (`what("the registry's blobs")`). */
const volumeShape = <T extends z.ZodType>(item: T, what: (volume: string) => string) =>
  strictObject({
    registry: item.describe(what("the registry's blobs (unless `objectStorage` holds them)")),
    jobservice: item.describe(what("jobservice's job logs")),
    database: item.describe(what("the internal PostgreSQL")),
    redis: item.describe(what("the internal Redis")),
    trivy: item.describe(what("Trivy's vulnerability database cache")),
  });

const sizes = () =>
  volumeShape(quantity().optional(), (v) => `Size of the volume of ${v}, such as \`20Gi\`.`)
    .prefault({})
    .transform((s) => ({
      registry: s.registry ?? "50Gi",
      jobservice: s.jobservice ?? "1Gi",
      database: s.database ?? "5Gi",
      redis: s.redis ?? "1Gi",
      trivy: s.trivy ?? "5Gi",
    }));

const storageCommon = {
  className: k8sSubdomain().optional().meta({
    docDefault: "`<namespace>-<variant>`",
    description:
      "StorageClass the program creates (never the cluster default), or for `existing` the class to use (required).",
  }),
  reclaimPolicy: z
    .enum(["Retain", "Delete"], { error: "must be Retain or Delete" })
    .default("Retain")
    .describe("`Retain` keeps registry data when a claim is deleted; `Delete`."),
  sizes: sizes().describe(
    "Volume sizes of `registry`, `jobservice`, `database`, `redis`, `trivy`: Kubernetes quantities (`20Gi`; `20GB` is refused).",
  ),
  existingClaims: volumeShape(
    k8sSubdomain().optional(),
    (v) => `An existing PersistentVolumeClaim to adopt for ${v}.`,
  )
    .prefault({})
    .meta({
      docDefault: "none",
      description:
        "`{registry, jobservice, database, redis, trivy}`: claims of an earlier install to adopt.",
    }),
  accessMode: z
    .enum(["ReadWriteOnce", "ReadWriteMany"], { error: "must be ReadWriteOnce or ReadWriteMany" })
    .optional()
    .meta({
      docDefault: "`ReadWriteMany` for nfs, else `ReadWriteOnce`",
      description: "Access mode of the registry and jobservice claims.",
    }),
};

const storageSchema = variants("variant", "local-path", [
  strictObject({
    variant: z
      .literal("local-path")
      .describe(
        "Where volumes come from; prerequisites per variant in [docs/storage.md](docs/storage.md).",
      ),
    ...storageCommon,
    localPath: strictObject({
      installProvisioner: bool().default(true),
      nodePath: absolutePath()
        .refine((p) => posix.resolve(p) !== "/", {
          error:
            "must be a directory below / such as /opt/local-path-provisioner (local-path-provisioner refuses the root directory)",
        })
        .default("/opt/local-path-provisioner"),
      node: k8sSubdomain()
        .refine((v) => isLabelValue(v), {
          error:
            "must be a node name of at most 63 characters (it is matched through the node's kubernetes.io/hostname label)",
        })
        .optional(),
    })
      .prefault({})
      .describe(
        "`installProvisioner`: install local-path-provisioner; `nodePath`: its directory on the nodes; `node`: pin Harbor and its volumes to one node.",
      ),
  }),
  strictObject({
    variant: z.literal("nfs"),
    ...storageCommon,
    nfs: requiredKeysObject(
      strictObject({
        server: hostOrIp({
          credentials: "NFS exports are authorised by client address, never by a password",
        }).describe("NFS server: a DNS name or IP address, no credentials."),
        path: absolutePath().describe("Exported directory on the server, an absolute path."),
        driver: z
          .enum(["subdir", "csi"], { error: "must be subdir or csi" })
          .default("subdir")
          .describe("`subdir`: nfs-subdir-external-provisioner; `csi`: csi-driver-nfs."),
        installProvisioner: bool()
          .default(true)
          .describe(
            "Install the NFS provisioner (csi-driver-nfs or nfs-subdir-external-provisioner).",
          ),
        mountOptions: uniqueList(mountOption(), "mount options such as nfsvers=4.1")
          .default([])
          .describe("NFS mount options, one per entry (`nfsvers=4.1`)."),
        archiveOnDelete: bool()
          .default(true)
          .describe("Keep a deleted claim's directory, renamed `archived-...` (subdir driver)."),
      }),
    ).meta({
      docDefault:
        "`{driver: subdir, installProvisioner: true, mountOptions: [], archiveOnDelete: true}`",
      description:
        "`server` and `path` required; `driver: csi` uses csi-driver-nfs. `path`: absolute, safe characters; `mountOptions`: one option per entry (`nfsvers=4.1`).",
    }),
  }),
  strictObject({
    variant: z.literal("rook"),
    ...storageCommon,
    rook: strictObject({
      clusterNamespace: k8sName()
        .default("rook-ceph")
        .describe("Namespace of the Rook CephCluster."),
      operatorNamespace: k8sName().default("rook-ceph").describe("Namespace of the Rook operator."),
      pool: k8sName().default("harbor").describe("CephBlockPool of Harbor's volumes."),
      createPool: bool()
        .default(true)
        .describe("Create the CephBlockPool (else use an existing one named `pool`)."),
      replicas: intRange(1, 9).default(3).describe("Copies of each object in the pool (1-9)."),
      failureDomain: z
        .enum(["host", "osd", "rack", "zone"], { error: "must be one of host, osd, rack, zone" })
        .default("host")
        .describe("Failure domain the pool spreads copies over."),
      fsType: z
        .enum(["ext4", "xfs"], { error: "must be ext4 or xfs" })
        .default("ext4")
        .describe("File system of the RBD volumes."),
    })
      .prefault({})
      .describe("RBD block storage from an existing Rook CephCluster."),
  }),
  strictObject({ variant: z.literal("existing"), ...storageCommon }),
]).prefault({});

const chartSchema = strictObject({
  version: semver()
    .default(DEFAULT_CHART_VERSION)
    .describe("Chart version; must be one this program was written against (1.17.0-1.19.1)."),
  repository: helmRepositoryUrl()
    .default(DEFAULT_CHART_REPOSITORY)
    .describe("Helm repository of the chart."),
  path: localPath("a path to a chart .tgz or directory")
    .optional()
    .describe("A local chart `.tgz` or directory for air-gapped sites (relative to the project)."),
  values: chartValuesSchema
    .optional()
    .describe(
      "Chart values the configuration does not model (`imagePullSecrets`, extra environment, probes, pod labels...), deep-merged over the program's values last: objects key by key, lists and scalars replaced. Values the program sets are refused, naming the key that sets them: credentials, TLS, storage, database, Redis, the URL and exposure, replicas, scheduling, images and resources. See [docs/production.md](docs/production.md#chart-values).",
    ),
}).prefault({});

const authSchema = variants("mode", "database", [
  strictObject({
    mode: z
      .literal("database")
      .describe("How users log in: Harbor's own `database`, `ldap` or `oidc`."),
  }),
  strictObject({
    mode: z.literal("ldap"),
    ldap: requiredKeysObject(
      strictObject({
        url: ldapUrl({
          credentials:
            "put the bind DN in harbor:auth.ldap.searchDn and its password in the secret harbor:ldapSearchPassword",
        }).describe("`ldap://host[:port]` or `ldaps://host[:port]` of the directory."),
        baseDn: ldapDn().describe("DN users are searched under."),
        searchDn: ldapDn("a DN")
          .optional()
          .describe(
            "DN Harbor binds as to search (anonymous when unset); its password in `harbor:ldapSearchPassword`.",
          ),
        uid: ldapAttribute().default("uid").describe("Attribute matched against the login name."),
        filter: ldapFilter().optional().describe("Extra LDAP filter users must match."),
        scope: z
          .enum(["base", "onelevel", "subtree"], { error: "must be base, onelevel or subtree" })
          .default("subtree")
          .describe("Search scope under `baseDn`."),
        verifyCert: bool().default(true).describe("Verify the directory's TLS certificate."),
        groupBaseDn: ldapDn("a DN").optional().describe("DN groups are searched under."),
        groupSearchFilter: ldapFilter().optional().describe("LDAP filter groups must match."),
        groupAttributeName: ldapAttribute()
          .optional()
          .describe("Attribute holding a group's name (such as `cn`)."),
        groupAdminDn: ldapDn("a DN")
          .optional()
          .describe("DN of the group whose members are Harbor administrators."),
      }),
    ).describe(
      "`{url, baseDn, searchDn, uid: uid, filter, scope: subtree, verifyCert: true, groupBaseDn, groupSearchFilter, groupAttributeName, groupAdminDn}`; bind password in secret `harbor:ldapSearchPassword` (required with `searchDn`). `ldaps://host:636` is written as `ldaps://host` because Harbor rejects the explicit default port.",
    ),
  }),
  strictObject({
    mode: z.literal("oidc"),
    oidc: requiredKeysObject(
      strictObject({
        name: displayText("a display name", 64)
          .default("OIDC")
          .describe("Name of the login button."),
        endpoint: httpsUrl({
          credentials: "the client secret belongs in the secret harbor:oidcClientSecret",
        }).describe("Issuer URL of the OIDC provider (https)."),
        clientId: token("the client ID registered for Harbor").describe(
          "Client ID registered for Harbor at the provider; its secret in `harbor:oidcClientSecret`.",
        ),
        scope: oidcScopes()
          .default("openid,profile,email,offline_access")
          .describe("Scopes Harbor requests, comma-separated."),
        groupsClaim: claimName().optional().describe("Claim of the ID token that lists groups."),
        adminGroup: displayText("a group name")
          .optional()
          .describe("Group whose members are Harbor administrators."),
        autoOnboard: bool()
          .default(false)
          .describe("Create users on their first login without asking for a user name."),
        userClaim: claimName()
          .optional()
          .describe("Claim Harbor takes the user name from (with `autoOnboard`)."),
        verifyCert: bool().default(true).describe("Verify the provider's TLS certificate."),
      }),
    ).describe(
      '`{name: OIDC, endpoint (https), clientId, scope: "openid,profile,email,offline_access", groupsClaim, adminGroup, autoOnboard: false, userClaim, verifyCert: true}`; secret `harbor:oidcClientSecret`.',
    ),
  }),
]).prefault({});

const databaseSchema = variants("type", "internal", [
  strictObject({
    type: z
      .literal("internal")
      .describe(
        "`internal`: the chart's PostgreSQL StatefulSet. `external`: your PostgreSQL, password in secret `harbor:databasePassword`. `cloudnative-pg`: a CloudNativePG `Cluster` the program declares; Harbor uses its `-rw` Service and the operator's `-app` Secret (no password in the program). See [docs/high-availability.md](docs/high-availability.md).",
      ),
  }),
  strictObject({
    type: z.literal("external"),
    host: hostOrIp({
      credentials:
        "put the user name in harbor:database.username and the password in the secret harbor:databasePassword",
    }).describe("Host name or IP address of the database server; no credentials."),
    port: intRange(1, 65535, "a port 1-65535").default(5432).describe("Port, 1-65535."),
    username: postgresUserName().describe(
      "User name: letters, digits, `_`, `-`, `.`, `@` (`harbor@pg-prod` on Azure, `sa@project.iam` for Cloud SQL IAM), at most 63 characters.",
    ),
    coreDatabase: postgresIdentifier("a database name")
      .default("registry")
      .describe("Harbor's database, a PostgreSQL identifier (letters, digits, `_`, `-`)."),
    sslmode: z
      .enum(["disable", "require", "verify-ca", "verify-full"], {
        error: "must be one of disable, require, verify-ca, verify-full",
      })
      .default("require")
      .describe("TLS of the database connection."),
  }),
  cloudNativePgDatabaseSchema,
]).prefault({});

const REDIS_CREDENTIALS =
  "put the user name in harbor:redis.username and the password in the secret harbor:redisPassword";

const redisSchema = variants("type", "internal", [
  strictObject({
    type: z
      .literal("internal")
      .describe(
        "`internal`: the chart's Redis. `external`: your Redis (or Redis Sentinel), optional password in secret `harbor:redisPassword`.",
      ),
  }),
  strictObject({
    type: z.literal("external"),
    addr: z
      .string({ error: "must be host:port" })
      .transform((v, ctx) => {
        // Spaces around commas are dropped; nothing else is (trim() would drop newlines too, and
        // the value would reach the chart with them).
        const parts = v.split(",").map((p) => p.replace(/^ +| +$/g, ""));
        const fail = (message: string) => {
          ctx.issues.push({ code: "custom", message, input: v });
          return z.NEVER;
        };
        const seen = new Set<string>();
        for (const part of parts) {
          const problem = hostPortProblem(part, { credentials: REDIS_CREDENTIALS });
          if (problem?.startsWith("must not carry credentials") === true) return fail(problem);
          if (problem === HOST_PORT_EXPECTED) {
            return fail(
              "must be host:port, or a comma-separated list of Sentinel host:port addresses",
            );
          }
          if (problem !== undefined) {
            return fail(
              `must be host:port, or a comma-separated list of Sentinel host:port addresses; in ${quoted(part)}, ${problem.slice(HOST_PORT_EXPECTED.length + 2)}`,
            );
          }
          if (seen.has(part)) {
            return fail(`lists ${quoted(part)} twice; list each Sentinel address once`);
          }
          seen.add(part);
        }
        return parts.join(",");
      })
      .describe("`host:6379`; with Sentinel, the sentinels (`s1:26379,s2:26379`). No credentials."),
    sentinelMasterSet: sentinelMasterSet()
      .optional()
      .describe(
        "Sentinel master set name (letters, digits, `-_.`); makes `addr` a list of sentinels.",
      ),
    username: redisUsername().optional().describe("Redis ACL user name (letters, digits, `-_.`)."),
    tls: bool().default(false).describe("Connect to Redis over TLS."),
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
    type: z
      .literal("s3")
      .describe(
        "`s3`: registry blobs in S3-compatible storage; keys in secrets `harbor:s3AccessKey` and `harbor:s3SecretKey` (both, or neither for the pod's cloud identity), stored in a Secret the chart references. `rook`: a bucket claimed from Rook-Ceph (ObjectBucketClaim) on a bucket class the program creates for `objectStoreName`, or on an existing `bucketClassName`; the registry reads the claim's own Secret and ConfigMap, redirects off. See [docs/high-availability.md](docs/high-availability.md).",
      ),
    bucket: s3BucketName().describe("Bucket, following S3's naming rules."),
    region: s3Region().default("us-east-1").describe("Region."),
    regionEndpoint: originUrl({
      credentials: "put the keys in the secrets harbor:s3AccessKey and harbor:s3SecretKey",
    })
      .optional()
      .describe(
        "Endpoint of an S3-compatible service (`https://host[:port]`, no path, no credentials); AWS when unset.",
      ),
    rootDirectory: s3KeyPrefix().optional().describe("Key prefix of the registry's objects."),
    encrypt: bool().default(false).describe("Server-side encryption."),
    secure: bool().default(true).describe("Use HTTPS."),
    skipVerify: bool().default(false).describe("Skip TLS certificate verification."),
    forcePathStyle: bool()
      .default(false)
      .describe("Path-style bucket addressing (MinIO and most on-premises services)."),
    storageClass: s3StorageClass().optional().describe("S3 storage class (`STANDARD`, ...)."),
    disableRedirect: bool()
      .default(false)
      .describe("Serve blobs through the registry instead of redirecting clients to the bucket."),
  }),
  rookObjectStorageSchema,
]);

const replicaCount = (component: string) =>
  intRange(1, 20, "an integer 1-20").default(1).describe(`Replicas of ${component} (1-20).`);
const replicasSchema = strictObject({
  core: replicaCount("core"),
  portal: replicaCount("the portal"),
  registry: replicaCount("the registry"),
  jobservice: replicaCount("jobservice"),
  nginx: replicaCount("nginx"),
  trivy: replicaCount("Trivy"),
}).prefault({});

const tolerationSchema = strictObject({
  key: qualifiedName().optional().describe("Taint key (every key with operator `Exists`)."),
  operator: z
    .enum(["Exists", "Equal"], { error: "must be Exists or Equal" })
    .optional()
    .describe("`Equal` (Kubernetes' default) or `Exists`."),
  value: labelValue().optional().describe("Taint value for `Equal`."),
  effect: z
    .enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], {
      error: "must be NoSchedule, PreferNoSchedule or NoExecute",
    })
    .optional()
    .describe("Effect tolerated (every effect when unset)."),
  tolerationSeconds: intRange(0, 31536000, "a number of seconds")
    .optional()
    .describe("How long a `NoExecute` taint is tolerated."),
}).superRefine((t, ctx) => {
  // Kubernetes' own rules (ValidateTolerations), checked before the chart is installed.
  if (t.operator === "Exists" && t.value !== undefined && t.value !== "") {
    ctx.addIssue({
      code: "custom",
      path: ["value"],
      message: "must be empty when operator is Exists (Exists matches every value of the key)",
      input: t.value,
    });
  }
  if (t.key === undefined && t.operator !== "Exists") {
    ctx.addIssue({
      code: "custom",
      path: ["key"],
      message:
        "is required unless operator is Exists (only operator Exists without a key tolerates every taint)",
    });
  }
  if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
    ctx.addIssue({
      code: "custom",
      path: ["tolerationSeconds"],
      message: "is only allowed with effect NoExecute (Kubernetes refuses it otherwise)",
      input: t.tolerationSeconds,
    });
  }
});

/**
 * Strings inside an affinity are label keys and values, operators, namespaces and topology keys:
 * letters, digits, `-`, `_`, `.`, `/`. Each one that is not is reported at its own path.
 */
function affinityTerms(what: string) {
  return z
    .record(z.string(), z.unknown() as unknown as z.ZodType<JsonValue>, {
      error: `must be ${what}`,
    })
    .superRefine((value, ctx) => {
      const walk = (node: unknown, path: (string | number)[]): void => {
        if (Array.isArray(node)) {
          node.forEach((item, i) => walk(item, [...path, i]));
        } else if (node !== null && typeof node === "object") {
          for (const [key, item] of Object.entries(node)) {
            if (!isQualifiedName(key)) {
              ctx.addIssue({
                code: "custom",
                path: [...path, key],
                message:
                  "is not a valid field or label key (letters, digits, '-', '_', '.', with an optional DNS prefix and '/')",
                input: key,
              });
            } else {
              walk(item, [...path, key]);
            }
          }
        } else if (typeof node === "string") {
          if (!/^[A-Za-z0-9_./-]{0,317}$/.test(node)) {
            ctx.addIssue({
              code: "custom",
              path,
              message:
                "must be a Kubernetes name, label key, label value or operator (letters, digits, '-', '_', '.', '/')",
              input: node,
            });
          }
        } else if (typeof node !== "number" && typeof node !== "boolean") {
          ctx.addIssue({ code: "custom", path, message: "must be a string, number or boolean" });
        }
      };
      walk(value, []);
    })
    .meta({ tsType: "{ [key: string]: JsonValue }" });
}

const schedulingSchema = strictObject({
  nodeSelector: labelSelectorMap()
    .default({})
    .describe(
      "Node labels every Harbor pod requires: keys are Kubernetes label keys, values label values.",
    ),
  tolerations: uniqueList(tolerationSchema, "tolerations")
    .default([])
    .describe(
      "Tolerations following Kubernetes' rules (`Exists` takes no `value`, no `key` needs `Exists`, `tolerationSeconds` needs `NoExecute`).",
    ),
  affinity: strictObject({
    nodeAffinity: affinityTerms("a nodeAffinity object")
      .optional()
      .describe("`nodeAffinity` of a pod spec."),
    podAffinity: affinityTerms("a podAffinity object")
      .optional()
      .describe("`podAffinity` of a pod spec."),
    podAntiAffinity: affinityTerms("a podAntiAffinity object")
      .optional()
      .describe("`podAntiAffinity` of a pod spec."),
  })
    .optional()
    .describe("`{nodeAffinity, podAffinity, podAntiAffinity}` as in a pod spec."),
});

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

const kubernetesSchema = strictObject({
  context: kubeContextName()
    .optional()
    .meta({ docDefault: "current context", description: "kubeconfig context to deploy to." }),
  kubeconfigFromStack: strictObject({
    stack: z
      .string({ error: "must be a stack name such as acme/cluster/prod" })
      .regex(/^[\w.-]+(\/[\w.-]+){0,2}$/, {
        error: "must be a stack name such as acme/cluster/prod",
      })
      .describe("The cluster stack, such as `acme/cluster/prod`."),
    output: token("an output name", /^[A-Za-z0-9_.-]{1,255}$/, "letters, digits and _ . -")
      .default("kubeconfig")
      .describe("Its output holding the kubeconfig."),
  })
    .optional()
    .describe(
      '`{stack: "org/cluster/prod", output: kubeconfig}`: take the kubeconfig from a cluster stack\'s output.',
    ),
  renderToDirectory: localPath("a directory path")
    .optional()
    .describe(
      "Write manifests to this directory instead of applying them (GitOps review, `deployMode: chart` only).",
    ),
})
  .superRefine((k, ctx) => {
    if (k.context && k.kubeconfigFromStack) {
      ctx.addIssue({
        code: "custom",
        message: `cannot be combined with harbor:kubernetes.context (${quoted(k.context)}); choose one way to reach the cluster`,
        path: ["kubeconfigFromStack"],
        input: k.kubeconfigFromStack.stack,
      });
    }
  })
  .prefault({});

export { UNKNOWN_SECRET };

/** A secret key's rule, which the unknown-value stand-in passes. */
function secretValue(rule: z.ZodType<string>) {
  return z.string({ error: "must be a string" }).check((ctx) => {
    if (ctx.value === UNKNOWN_SECRET) return;
    const result = rule.safeParse(ctx.value, { error: issueMessage });
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
  hostname: hostOrIp().describe(
    "DNS name or IP address clients use (`docker login <hostname>`). An IP goes into the certificate's IP SANs. Must be a DNS name for `ingress` and `route`.",
  ),
  namespace: harborNamespace()
    .default(DEFAULT_NAMESPACE)
    .describe(
      "Namespace the program creates for Harbor (Pod Security `baseline`). Not a system namespace (`default`, `kube-system`, `kube-public`, `kube-node-lease`); another `kube-*` name gets a warning.",
    ),
  releaseName: dns1035Label(53)
    .default(DEFAULT_RELEASE_NAME)
    .describe(
      "Helm release name. Objects are named `<release>-<component>` when the name contains `harbor`, else `<release>-harbor-<component>` (the chart's rule). Starts with a letter (Service names derive from it); at most 43 characters with `harbor` in it and 36 without while the chart runs its database StatefulSet (52-character limit), else 52/45 (Service names, 63).",
    ),
  relocateFrom: installationPlace()
    .optional()
    .describe(
      "Only to move Harbor on purpose: the `<namespace>/<releaseName>` it is installed as now. Without it a changed `namespace` or `releaseName` is refused at preview, because Pulumi would install a new, empty Harbor and remove the old release. Take a backup first; see [docs/backups.md](docs/backups.md#move-harbor-to-another-namespace-or-release-name).",
    ),
  externalURL: originUrl({
    credentials: "the URL Harbor advertises is shown to every user and never carries credentials",
  })
    .optional()
    .meta({
      docDefault: "derived",
      description:
        "The URL clients use when a reverse proxy fronts Harbor (no path). Derived as `https://<hostname>`, with `:<https node port>` for `nodePort`. Required with `tls.mode: disabled`. No credentials; the host as for `hostname`.",
    }),
  expose: exposeSchema.describe("How Harbor is published."),
  tls: tlsSchema.meta({
    description: "Certificates.",
    docNotes:
      "The served Secret (`tlsSecretName`) carries `tls.crt`, `tls.key` and `ca.crt`; the portal offers `ca.crt` for download. Details and rotation: [docs/tls-and-trust.md](docs/tls-and-trust.md).",
  }),
  storage: storageSchema.meta({
    description: "Volumes.",
    docNotes:
      "Prerequisites per variant, moving between variants and adopting old claims: [docs/storage.md](docs/storage.md).",
  }),
  chart: chartSchema.meta({
    docDefault: '`{version: "1.19.1", repository: "https://helm.goharbor.io"}`',
    description: "The Harbor chart.",
  }),
  deployMode: z
    .enum(["release", "chart"], { error: "must be release or chart" })
    .default("release")
    .describe(
      "`release`: `helm.v3.Release` (Helm-native, `helm list` works). `chart`: `helm.v4.Chart` (every chart object is a Pulumi resource with its own preview diff).",
    ),
  auth: authSchema.meta({
    description: "Directory login.",
    docNotes:
      "These settings reach Harbor as `CONFIG_OVERWRITE_JSON` (the chart's `core.configureUserSettings`): Harbor applies them at every start, so they become read-only in its UI. See [docs/production.md](docs/production.md).",
  }),
  database: databaseSchema.describe("Harbor's PostgreSQL."),
  redis: redisSchema.describe("Harbor's Redis."),
  objectStorage: objectStorageSchema
    .optional()
    .describe("Registry blobs in object storage instead of the registry's volume."),
  replicas: replicasSchema.meta({
    docDefault: "all `1`",
    description:
      "Replicas per component. More than 1 adds the chart's PodDisruptionBudget (`maxUnavailable: 1`) and a soft spread over nodes; replicated jobservice logs jobs to the database. `registry` > 1 needs `objectStorage` or ReadWriteMany storage.",
  }),
  trivy: strictObject({
    enabled: bool().default(true).describe("Deploy Trivy, Harbor's vulnerability scanner."),
    skipUpdate: bool()
      .default(false)
      .describe("Trivy skips updating its vulnerability database (air-gapped sites)."),
    offlineScan: bool().default(false).describe("Trivy's offline scan mode (air-gapped sites)."),
  })
    .prefault({})
    .describe("Vulnerability scanner."),
  metrics: strictObject({
    enabled: bool().default(false).describe("Prometheus metrics and the exporter."),
    serviceMonitor: bool()
      .default(false)
      .describe("A ServiceMonitor; needs the Prometheus Operator CRDs."),
  })
    .prefault({})
    .describe("Prometheus metrics."),
  proxy: strictObject({
    httpProxy: originUrl({ credentials: PROXY_CREDENTIALS })
      .optional()
      .describe(
        "Proxy for HTTP. Proxy URLs cannot carry credentials: the chart writes them into ConfigMaps in plain text, so use a proxy that admits the cluster by source address.",
      ),
    httpsProxy: originUrl({ credentials: PROXY_CREDENTIALS })
      .optional()
      .describe("Proxy for HTTPS; no credentials, as for `httpProxy`."),
    noProxy: noProxyList()
      .optional()
      .describe(
        "Comma-separated hosts, `.domains`, IPs, CIDRs (`:port` allowed) reached directly. Harbor's own services are always added.",
      ),
    components: uniqueList(
      z.enum(["core", "jobservice", "trivy"], { error: "must be core, jobservice or trivy" }),
      "components",
    )
      .default(["core", "jobservice", "trivy"])
      .describe("Components that use the proxy."),
  })
    .optional()
    .describe("Outbound proxy for Trivy updates and replication."),
  ipFamily: strictObject({
    ipv4: bool().default(true).describe("Serve on IPv4."),
    ipv6: bool()
      .default(true)
      .describe(
        "Serve on IPv6; turn it off on clusters without IPv6, where Harbor's nginx fails to bind `[::]`.",
      ),
  })
    .refine((f) => f.ipv4 || f.ipv6, {
      error:
        "must enable at least one of ipv4 and ipv6 (Harbor needs an address family to serve on)",
    })
    .prefault({})
    .describe("Address families Harbor serves on; at least one."),
  scheduling: schedulingSchema
    .optional()
    .describe("Applied to every Harbor pod, database/redis/trivy statefulsets included."),
  imageRegistry: registryPrefix()
    .optional()
    .describe(
      "Pull Harbor's images from this mirror: `mirror.example.com/dockerhub` pulls `mirror.example.com/dockerhub/goharbor/harbor-core:v2.15.1` and so on (also the provisioners and the trust DaemonSet). Never Harbor itself: it could not start on a fresh node.",
    ),
  trust: trustSchema.describe("Client trust of the CA."),
  resources: resourcesSchema.meta({
    docDefault: "the chart's: `100m`/`256Mi` requests, Trivy `200m`/`512Mi` with limits `1`/`1Gi`",
    description:
      "CPU and memory `requests` and `limits` per component (`core`, `portal`, `registry`, `jobservice`, `database`, `redis`, `trivy`, `nginx`, `exporter`), Kubernetes quantities (`500m`, `2`; `256Mi`, `1Gi`); a limit is never below its request. Defaults from the chart's values.yaml; see [docs/production.md](docs/production.md#resources).",
  }),
  kubernetes: kubernetesSchema.meta({
    docDefault: "current context",
    description: "The cluster to deploy to, or a directory to render to.",
    argsDefault: "the Kubernetes provider of the resource options, else the default provider",
    argsNotes:
      "Given, `Harbor` builds its own Kubernetes provider from it (`<name>-kubernetes`, a child of the component) for everything it declares. Do not also pass a Kubernetes provider in the resource options (`provider`, `providers`, or one inherited from a parent): the component refuses the combination rather than guess which cluster is meant.",
  }),
  protect: bool().optional().meta({
    argsDefault: "`true` (the stack program passes `false` for stacks named `dev`/`dev-*`)",
    docDefault: "`false` for stacks named `dev`/`dev-*`, else `true`",
    description:
      "Protect the namespace, StorageClass, CA, token key and encryption key from deletion and replacement; see [docs/safety.md](docs/safety.md).",
  }),
  caCertificate: pemText()
    .optional()
    .describe(
      "PEM of your CA when `tls.mode` is `ca-provided` (its key in secret `harbor:caPrivateKey`).",
    ),
  // Secrets (validated as plain text here, wrapped as Pulumi secrets afterwards).
  adminPassword: secretValue(
    z
      .string({ error: "must be a string" })
      .refine((v) => v.length >= 8 && v.length <= 128, {
        error: "must be 8-128 characters (Harbor's rule)",
      })
      .refine((v) => v !== "Harbor12345", { error: "must not be the chart's default password" })
      .refine((v) => !hasControlCharacters(v), {
        error: "must not contain control characters or line breaks",
      }),
  )
    .optional()
    .meta({
      docDefault: "generated",
      description:
        "Initial `admin` password, 8-128 characters; without upper case, lower case and a digit (the rule Harbor applies to passwords changed later) it gets a warning. Generated: 24 letters and digits.",
    }),
  tlsCertificate: secretValue(pemText())
    .optional()
    .describe("Server certificate, then intermediates, when `tls.mode` is `provided`."),
  tlsPrivateKey: secretValue(pemText())
    .optional()
    .describe("Private key of `tlsCertificate` when `tls.mode` is `provided`."),
  tlsCaCertificate: secretValue(pemText())
    .optional()
    .describe("CA that signed `tlsCertificate` when `tls.mode` is `provided`."),
  caPrivateKey: secretValue(pemText())
    .optional()
    .describe("Private key of `caCertificate` when `tls.mode` is `ca-provided`."),
  databasePassword: secretValue(secretText("a non-empty password"))
    .optional()
    .describe("Password of `database.username` when `database.type` is `external`."),
  redisPassword: secretValue(secretText("a non-empty password"))
    .optional()
    .describe("Password of an external Redis, if it needs one."),
  s3AccessKey: secretValue(secretText("a non-empty access key"))
    .optional()
    .describe("S3 access key (with `s3SecretKey`, or neither for the pod's cloud identity)."),
  s3SecretKey: secretValue(secretText("a non-empty secret key"))
    .optional()
    .describe("S3 secret key (with `s3AccessKey`)."),
  ldapSearchPassword: secretValue(secretText("a non-empty password"))
    .optional()
    .describe("Bind password of `auth.ldap.searchDn` (required with it)."),
  oidcClientSecret: secretValue(secretText("a non-empty client secret"))
    .optional()
    .describe("Client secret when `auth.mode` is `oidc`."),
  // Backups and restore (config/backup.ts), their S3 keys among the secrets.
  ...backupConfigShape,
  // Registry content as code (config/registry-content.ts), its registry secrets among the secrets.
  ...registryContentShape,
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

  // Names the chart derives from the release.
  if (dns1035Label(53).safeParse(c.releaseName).success) {
    const problem = releaseNameProblem(c.releaseName, {
      internalDatabase: c.database.type === "internal",
      internalRedis: c.redis.type === "internal",
      trivy: c.trivy.enabled,
      metrics: c.metrics.enabled,
    });
    if (problem !== undefined) issue(["releaseName"], problem, c.releaseName);
  }

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
  if (
    c.chart.path !== undefined &&
    localPath("a path").safeParse(c.chart.path).success &&
    !existsSync(c.chart.path)
  ) {
    issue(
      ["chart", "path"],
      "must point to an existing chart archive (.tgz) or directory, relative to the project directory",
      c.chart.path,
    );
  }

  // Backups and restore.
  for (const i of backupIssues(c, backupContext(c))) issue(i.path, i.message, i.input);

  // Registry content: references between its keys, and the settings it depends on.
  for (const p of checkRegistryContent(c, {
    authMode: c.auth.mode,
    trivyEnabled: c.trivy.enabled,
    nodeTrust: { enabled: c.trust.nodes.enabled, runtime: c.trust.nodes.runtime },
    hostname: c.hostname,
    ldap: c.auth.mode === "ldap" ? c.auth.ldap : undefined,
    imageRegistry: c.imageRegistry,
    serving:
      typeof c.hostname === "string"
        ? {
            hostname: c.hostname,
            externalURL: c.externalURL,
            tlsMode: c.tls.mode,
            dnsNames: c.tls.dnsNames,
            ipAddresses: c.tls.ipAddresses,
            certificate:
              c.tlsCertificate !== undefined && known(c.tlsCertificate)
                ? c.tlsCertificate
                : undefined,
            nodePorts: c.expose.type === "nodePort" ? c.expose.nodePort : undefined,
            serviceIp:
              c.expose.type === "loadBalancer"
                ? c.expose.loadBalancer.ip
                : c.expose.type === "clusterIP"
                  ? c.expose.clusterIP.ip
                  : undefined,
          }
        : undefined,
  })) {
    issue(p.path, p.message);
  }

  // Rendering.
  if (c.kubernetes.renderToDirectory !== undefined && c.deployMode !== "chart") {
    issue(
      ["kubernetes", "renderToDirectory"],
      "requires harbor:deployMode chart (a helm.v3.Release cannot be rendered to files)",
      c.kubernetes.renderToDirectory,
    );
  }
  if (c.kubernetes.renderToDirectory !== undefined) {
    const content = REGISTRY_CONTENT_OBJECT_KEYS.filter(
      (k) => k !== "api" && Object.keys(c[k] ?? {}).length > 0,
    );
    if (content.length > 0) {
      issue(
        [content[0]],
        `cannot be applied when harbor:kubernetes.renderToDirectory is set: registry content is made through Harbor's API by \`pulumi up\` against a running Harbor, not rendered to files (set in this stack: ${content.map((k) => `harbor:${k}`).join(", ")})`,
      );
    }
  }
});

export type RawConfig = z.output<typeof rawConfigSchema>;

/** The StorageClass Harbor's claims use: `storage.className`, or `<namespace>-<variant>`. */
export function storageClassName(c: {
  namespace: string;
  storage: { variant: string; className?: string };
}): string {
  return c.storage.className ?? `${c.namespace}-${c.storage.variant}`;
}

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
    effectiveStorageClassName: storageClassName(c),
  };
}
