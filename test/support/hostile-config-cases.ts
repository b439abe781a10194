/**
 * Every free-text configuration key with a benign value and a stack that uses it, for the property
 * test of hostile values (`hostile-config.test.ts`, `hostile-config-render.test.ts`).
 *
 * Keys are grouped in profiles: one stack configuration that uses every key of the profile at once
 * (keys of exclusive variants, such as LDAP and OIDC, live in different profiles). A benign value
 * has `{}` where a payload is inserted, inside the value rather than only at its end, so that rich
 * text (an LDAP filter, an annotation value) is attacked where its own syntax allows it.
 */
import { ConfigError } from "../../config/errors";
import { loadConfig } from "../../config/load";
import { testChain } from "./fixtures/tls";

/** The object an attacker adds: cluster-admin for a service account. */
export const BINDING = [
  "apiVersion: rbac.authorization.k8s.io/v1",
  "kind: ClusterRoleBinding",
  "metadata: {name: pwned}",
  "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}",
  "subjects: [{kind: ServiceAccount, name: default, namespace: default}]",
].join("\n");

/** A ConfigMap that swallows the rest of the template's document, so that the render parses. */
const TAIL = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: tail}\ndata:\n  rest:";

/** Breaks out of a double-quoted scalar (`KEY: "{{ value }}"`, goharbor's core ConfigMap). */
export const QUOTED_BREAKOUT = `"\n---\n${BINDING}\n${TAIL} "`;

/**
 * Breaks out of a plain or block scalar (`region: {{ value }}` in the registry's `config.yml: |+`,
 * `path: {{ value }}` in nfs-subdir-external-provisioner); the rest of the document becomes a
 * block scalar indented 4 (`|2` under `rest`).
 */
export const PLAIN_BREAKOUT = `\n---\n${BINDING}\n${TAIL} |2\n`;

/** Hostile payloads by class, inserted inside a value (at its `{}`). */
export const PAYLOADS: Readonly<Record<string, string>> = {
  "double quote": '"',
  "single quote": "'",
  newline: "\n",
  "document separator": "\n---\n",
  "object injection from a quoted scalar": QUOTED_BREAKOUT,
  "object injection from a plain or block scalar": PLAIN_BREAKOUT,
  "template action": "{{ .Release.Name }}",
  "command substitution": "$(touch /tmp/pwned)",
  backticks: "`touch /tmp/pwned`",
  backslash: "\\",
  "line separator U+2028": "\u2028",
  "paragraph separator U+2029": "\u2029",
  NUL: "\u0000",
};

/**
 * Payloads appended to the end of a value instead: a check that trims the value before looking at
 * it (`trim()` drops newlines and U+2028) would let these through untouched.
 */
export const TRAILING_PAYLOADS: Readonly<Record<string, string>> = {
  "newline at the end": "\n",
  "document separator at the end": "\n---\n",
  "U+2028 at the end": "\u2028",
  "NUL at the end": "\u0000",
};

/** Every payload class. */
export const CLASSES: readonly string[] = [
  ...Object.keys(PAYLOADS),
  ...Object.keys(TRAILING_PAYLOADS),
];

/** A benign value (with its `{}`) carrying the payload of class `cls`, or none. */
export function withPayload(benign: string, cls: string | undefined): string {
  if (cls !== undefined && cls in TRAILING_PAYLOADS) {
    return benign.replace("{}", "") + TRAILING_PAYLOADS[cls];
  }
  return benign.replace("{}", () => (cls === undefined ? "" : PAYLOADS[cls]));
}

/** A stack configuration: plain keys, secret keys, other stacks' outputs. */
export interface StackInput {
  config: Record<string, unknown>;
  secrets: Record<string, string>;
  stackOutputs?: Record<string, Record<string, unknown>>;
}

/** The value of each key of a profile (benign values with `{}` filled in). */
export type Values = Readonly<Record<string, string>>;

export interface Profile {
  name: string;
  /**
   * Free-text keys, as `rawConfigSchema` paths (`auth.ldap.filter`, `expose.ingress.annotations{value}`,
   * `tls.dnsNames[]`), with benign values; `{}` marks where a payload goes.
   */
  keys: Readonly<Record<string, string>>;
  /** The stack configuration with these values. */
  build(v: Values): StackInput;
  /**
   * Charts this profile renders: Harbor's, and the NFS provisioner's with NFS storage. None for
   * keys that never reach a chart (registry content, applied through Harbor's API): the render test
   * proves that instead, comparing Harbor's chart values with and without them.
   */
  charts: readonly ("harbor" | "nfs-subdir")[];
}

/** Benign values of a profile with `{}` removed. */
export function benignValues(profile: Profile): Record<string, string> {
  return Object.fromEntries(Object.entries(profile.keys).map(([k, v]) => [k, v.replace("{}", "")]));
}

/** One entry of a map in a key name: `.apps` or `["docker.io"]` (see `keyName`). */
const MAP_ENTRY = String.raw`(?:\.[A-Za-z_][\w-]*|\["(?:[^"\\]|\\.)*"\])`;

/**
 * Whether a problem line names the key of `path`: `harbor:` and the path with list indexes filled
 * in (`tls.dnsNames[]` -> `harbor:tls.dnsNames[0]`), a map's entries under the map
 * (`expose.ingress.annotations{key}` -> `harbor:expose.ingress.annotations["x"]`), any entry of a
 * map inside the path (`projects{value}.quota` -> `harbor:projects.apps.quota`), followed by a
 * space, `.` or `[`.
 */
export function namesKey(line: string, path: string): boolean {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = path
    .replace(/\{(key|value)\}$/, "")
    .split("{value}")
    .map((part) => part.split("[]").map(escape).join("\\[\\d+\\]"))
    .join(MAP_ENTRY);
  return new RegExp(`^harbor:${pattern}[ .[]`).test(line);
}

const chain = () => testChain("harbor.example.com");

/** Common keys every profile sets to make a valid stack. */
const HOST = "harbor.example.com";

export const PROFILES: readonly Profile[] = [
  {
    name: "CloudNativePG, backups to S3, a restore",
    charts: ["harbor"],
    keys: {
      "database.className": "ceph-block{}",
      "database.imageName": "ghcr.io/cloudnative-pg/postgresql:17.9{}",
      "database.size": "20Gi{}",
      "database.resources.requests.cpu": "250m{}",
      "database.resources.requests.memory": "512Mi{}",
      "database.resources.limits.cpu": "2{}",
      "database.resources.limits.memory": "1Gi{}",
      "backup.schedule": "0 3 * * *{}",
      "backup.target.s3.bucket": "harbor-backups{}",
      "backup.target.s3.endpoint": "https://s3{}.example.com",
      "backup.target.s3.prefix": "harbor/prod{}",
      "backup.target.s3.region": "us-east-1{}",
      "restore.from": "20250301T030000Z-scheduled{}",
      backupS3AccessKey: "ACCESS{}KEY",
      backupS3SecretKey: "secret{}key",
    },
    build: (v) => ({
      config: {
        hostname: HOST,
        storage: { variant: "existing", className: "ceph-block" },
        database: {
          type: "cloudnative-pg",
          className: v["database.className"],
          imageName: v["database.imageName"],
          size: v["database.size"],
          resources: {
            requests: {
              cpu: v["database.resources.requests.cpu"],
              memory: v["database.resources.requests.memory"],
            },
            limits: {
              cpu: v["database.resources.limits.cpu"],
              memory: v["database.resources.limits.memory"],
            },
          },
        },
        backup: {
          engine: "job",
          schedule: v["backup.schedule"],
          target: {
            s3: {
              bucket: v["backup.target.s3.bucket"],
              endpoint: v["backup.target.s3.endpoint"],
              prefix: v["backup.target.s3.prefix"],
              region: v["backup.target.s3.region"],
            },
          },
        },
        restore: { from: v["restore.from"] },
      },
      secrets: { backupS3AccessKey: v.backupS3AccessKey, backupS3SecretKey: v.backupS3SecretKey },
    }),
  },
  {
    name: "a Rook bucket from an object store",
    charts: ["harbor"],
    keys: {
      "objectStorage.objectStoreName": "harbor-store{}",
      "objectStorage.objectStoreNamespace": "rook-ceph{}",
      "objectStorage.operatorNamespace": "rook-ceph{}",
    },
    build: (v) => ({
      config: {
        hostname: HOST,
        storage: { variant: "existing", className: "ceph-block" },
        objectStorage: {
          type: "rook",
          objectStoreName: v["objectStorage.objectStoreName"],
          objectStoreNamespace: v["objectStorage.objectStoreNamespace"],
          operatorNamespace: v["objectStorage.operatorNamespace"],
        },
      },
      secrets: {},
    }),
  },
  {
    name: "a Rook bucket class, backups to a claim",
    charts: ["harbor"],
    keys: {
      "objectStorage.bucketClassName": "harbor-bucket{}",
      "backup.target.pvc.className": "backup{}",
      "backup.target.pvc.size": "50Gi{}",
    },
    build: (v) => ({
      config: {
        hostname: HOST,
        storage: { variant: "existing", className: "ceph-block" },
        objectStorage: { type: "rook", bucketClassName: v["objectStorage.bucketClassName"] },
        backup: {
          target: {
            pvc: { className: v["backup.target.pvc.className"], size: v["backup.target.pvc.size"] },
          },
        },
      },
      secrets: {},
    }),
  },
  {
    name: "Velero backups",
    charts: ["harbor"],
    keys: {
      "backup.velero.namespace": "velero{}",
      "backup.velero.storageLocation": "default{}",
    },
    build: (v) => ({
      config: {
        hostname: HOST,
        backup: {
          engine: "velero",
          velero: {
            namespace: v["backup.velero.namespace"],
            storageLocation: v["backup.velero.storageLocation"],
          },
        },
      },
      secrets: {},
    }),
  },
  {
    name: "ingress, LDAP, local-path, node trust, proxy",
    charts: ["harbor"],
    keys: {
      hostname: "harbor{}.example.com",
      namespace: "harbor{}",
      releaseName: "harbor{}",
      relocateFrom: "old{}/harbor",
      externalURL: "https://harbor{}.example.com",
      "expose.ingress.className": "nginx{}",
      "expose.ingress.annotations{key}": "example.com/owner{}",
      "expose.ingress.annotations{value}": "team {} registry",
      "tls.dnsNames[]": "registry{}.example.com",
      "tls.ipAddresses[]": "10.0.0.1{}",
      "storage.className": "fast{}",
      "storage.sizes.registry": "20Gi{}",
      "storage.sizes.jobservice": "1Gi{}",
      "storage.sizes.database": "5Gi{}",
      "storage.sizes.redis": "1Gi{}",
      "storage.sizes.trivy": "5Gi{}",
      "storage.existingClaims.registry": "old-registry{}",
      "storage.existingClaims.jobservice": "old-jobservice{}",
      "storage.existingClaims.database": "old-database{}",
      "storage.existingClaims.redis": "old-redis{}",
      "storage.existingClaims.trivy": "old-trivy{}",
      "storage.localPath.nodePath": "/opt/harbor{}",
      "storage.localPath.node": "worker-1{}",
      "chart.version": "1.19.1{}",
      "chart.repository": "https://helm.goharbor.io{}",
      "auth.ldap.url": "ldaps://ldap{}.example.com",
      "auth.ldap.baseDn": "ou=people{},dc=example,dc=com",
      "auth.ldap.searchDn": "cn=harbor{},dc=example,dc=com",
      "auth.ldap.uid": "uid{}",
      "auth.ldap.filter": "(objectClass=person{})",
      "auth.ldap.groupBaseDn": "ou=groups{},dc=example,dc=com",
      "auth.ldap.groupSearchFilter": "(cn=harbor{})",
      "auth.ldap.groupAttributeName": "cn{}",
      "auth.ldap.groupAdminDn": "cn=admins{},ou=groups,dc=example,dc=com",
      "proxy.httpProxy": "http://proxy{}.example.com:3128",
      "proxy.httpsProxy": "http://proxy{}.example.com:3128",
      "proxy.noProxy": ".example.com,10.0.0.0/8{}",
      "scheduling.nodeSelector{key}": "example.com/pool{}",
      "scheduling.nodeSelector{value}": "registry{}",
      "scheduling.tolerations[].key": "dedicated{}",
      "scheduling.tolerations[].value": "harbor{}",
      "scheduling.affinity.nodeAffinity{key}": "requiredDuringSchedulingIgnoredDuringExecution{}",
      "scheduling.affinity.nodeAffinity{value}": "linux{}",
      "scheduling.affinity.podAffinity{key}": "preferredDuringSchedulingIgnoredDuringExecution{}",
      "scheduling.affinity.podAffinity{value}": "harbor{}",
      "scheduling.affinity.podAntiAffinity{key}":
        "preferredDuringSchedulingIgnoredDuringExecution{}",
      "scheduling.affinity.podAntiAffinity{value}": "kubernetes.io/hostname{}",
      imageRegistry: "mirror{}.example.com",
      "trust.nodes.hostsDir": "/etc/containerd/certs.d{}",
      "trust.nodes.image": "busybox:1.37.0{}",
      "trust.namespaces[]": "ci{}",
      "kubernetes.context": "prod{}",
      adminPassword: "Admin-Passw0rd{}",
      ldapSearchPassword: "bind-password{}",
    },
    build: (v) => ({
      config: {
        hostname: v.hostname,
        namespace: v.namespace,
        releaseName: v.releaseName,
        relocateFrom: v.relocateFrom,
        externalURL: v.externalURL,
        expose: {
          type: "ingress",
          ingress: {
            className: v["expose.ingress.className"],
            annotations: {
              [v["expose.ingress.annotations{key}"]]: "x",
              "example.com/note": v["expose.ingress.annotations{value}"],
            },
          },
        },
        tls: { dnsNames: [v["tls.dnsNames[]"]], ipAddresses: [v["tls.ipAddresses[]"]] },
        storage: {
          variant: "local-path",
          className: v["storage.className"],
          sizes: {
            registry: v["storage.sizes.registry"],
            jobservice: v["storage.sizes.jobservice"],
            database: v["storage.sizes.database"],
            redis: v["storage.sizes.redis"],
            trivy: v["storage.sizes.trivy"],
          },
          existingClaims: {
            registry: v["storage.existingClaims.registry"],
            jobservice: v["storage.existingClaims.jobservice"],
            database: v["storage.existingClaims.database"],
            redis: v["storage.existingClaims.redis"],
            trivy: v["storage.existingClaims.trivy"],
          },
          localPath: {
            nodePath: v["storage.localPath.nodePath"],
            node: v["storage.localPath.node"],
          },
        },
        chart: { version: v["chart.version"], repository: v["chart.repository"] },
        auth: {
          mode: "ldap",
          ldap: {
            url: v["auth.ldap.url"],
            baseDn: v["auth.ldap.baseDn"],
            searchDn: v["auth.ldap.searchDn"],
            uid: v["auth.ldap.uid"],
            filter: v["auth.ldap.filter"],
            groupBaseDn: v["auth.ldap.groupBaseDn"],
            groupSearchFilter: v["auth.ldap.groupSearchFilter"],
            groupAttributeName: v["auth.ldap.groupAttributeName"],
            groupAdminDn: v["auth.ldap.groupAdminDn"],
          },
        },
        proxy: {
          httpProxy: v["proxy.httpProxy"],
          httpsProxy: v["proxy.httpsProxy"],
          noProxy: v["proxy.noProxy"],
        },
        scheduling: {
          nodeSelector: {
            [v["scheduling.nodeSelector{key}"]]: v["scheduling.nodeSelector{value}"],
          },
          tolerations: [
            {
              key: v["scheduling.tolerations[].key"],
              operator: "Equal",
              value: v["scheduling.tolerations[].value"],
              effect: "NoSchedule",
            },
          ],
          affinity: {
            nodeAffinity: {
              [v["scheduling.affinity.nodeAffinity{key}"]]: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      {
                        key: "kubernetes.io/os",
                        operator: "In",
                        values: [v["scheduling.affinity.nodeAffinity{value}"]],
                      },
                    ],
                  },
                ],
              },
            },
            podAffinity: {
              [v["scheduling.affinity.podAffinity{key}"]]: [
                {
                  weight: 10,
                  podAffinityTerm: {
                    topologyKey: "kubernetes.io/hostname",
                    labelSelector: {
                      matchLabels: { app: v["scheduling.affinity.podAffinity{value}"] },
                    },
                  },
                },
              ],
            },
            podAntiAffinity: {
              [v["scheduling.affinity.podAntiAffinity{key}"]]: [
                {
                  weight: 10,
                  podAffinityTerm: {
                    topologyKey: v["scheduling.affinity.podAntiAffinity{value}"],
                    labelSelector: { matchLabels: { app: "harbor" } },
                  },
                },
              ],
            },
          },
        },
        imageRegistry: v.imageRegistry,
        trust: {
          nodes: {
            enabled: true,
            hostsDir: v["trust.nodes.hostsDir"],
            image: v["trust.nodes.image"],
          },
          namespaces: [v["trust.namespaces[]"]],
        },
        kubernetes: { context: v["kubernetes.context"] },
      },
      secrets: { adminPassword: v.adminPassword, ldapSearchPassword: v.ldapSearchPassword },
    }),
  },
  {
    name: "loadBalancer, OIDC, external services, S3, NFS, provided TLS",
    charts: ["harbor", "nfs-subdir"],
    keys: {
      "expose.loadBalancer.ip": "10.0.0.10{}",
      "expose.loadBalancer.annotations{key}": "metallb.universe.tf/pool{}",
      "expose.loadBalancer.annotations{value}": "pool {} a",
      "expose.loadBalancer.sourceRanges[]": "10.0.0.0/8{}",
      "storage.nfs.server": "nfs{}.example.com",
      "storage.nfs.path": "/exports/harbor{}",
      "storage.nfs.mountOptions[]": "nfsvers=4.1{}",
      "auth.oidc.name": "Corporate {} SSO",
      "auth.oidc.endpoint": "https://login.example.com/realms/harbor{}",
      "auth.oidc.clientId": "harbor{}",
      "auth.oidc.scope": "openid,profile,email{}",
      "auth.oidc.groupsClaim": "groups{}",
      "auth.oidc.adminGroup": "Harbor {} Admins",
      "auth.oidc.userClaim": "preferred_username{}",
      "database.host": "db{}.example.com",
      "database.username": "harbor{}",
      "database.coreDatabase": "registry{}",
      "redis.addr": "redis{}.example.com:26379",
      "redis.sentinelMasterSet": "mymaster{}",
      "redis.username": "harbor{}",
      "objectStorage.bucket": "harbor-blobs{}",
      "objectStorage.region": "us-east-1{}",
      "objectStorage.regionEndpoint": "https://s3{}.example.com",
      "objectStorage.rootDirectory": "/harbor{}",
      "objectStorage.storageClass": "STANDARD{}",
      tlsCertificate: "{cert}{}",
      tlsPrivateKey: "{key}{}",
      tlsCaCertificate: "{ca}{}",
      databasePassword: "db-password{}",
      redisPassword: "redis-password{}",
      s3AccessKey: "ACCESS{}KEY",
      s3SecretKey: "secret{}key",
      oidcClientSecret: "client-secret{}",
    },
    build: (v) => ({
      config: {
        hostname: HOST,
        expose: {
          type: "loadBalancer",
          loadBalancer: {
            ip: v["expose.loadBalancer.ip"],
            annotations: {
              [v["expose.loadBalancer.annotations{key}"]]: "x",
              "example.com/note": v["expose.loadBalancer.annotations{value}"],
            },
            sourceRanges: [v["expose.loadBalancer.sourceRanges[]"]],
          },
        },
        tls: { mode: "provided" },
        storage: {
          variant: "nfs",
          nfs: {
            server: v["storage.nfs.server"],
            path: v["storage.nfs.path"],
            mountOptions: [v["storage.nfs.mountOptions[]"]],
          },
        },
        auth: {
          mode: "oidc",
          oidc: {
            name: v["auth.oidc.name"],
            endpoint: v["auth.oidc.endpoint"],
            clientId: v["auth.oidc.clientId"],
            scope: v["auth.oidc.scope"],
            groupsClaim: v["auth.oidc.groupsClaim"],
            adminGroup: v["auth.oidc.adminGroup"],
            userClaim: v["auth.oidc.userClaim"],
          },
        },
        database: {
          type: "external",
          host: v["database.host"],
          username: v["database.username"],
          coreDatabase: v["database.coreDatabase"],
        },
        redis: {
          type: "external",
          addr: v["redis.addr"],
          sentinelMasterSet: v["redis.sentinelMasterSet"],
          username: v["redis.username"],
        },
        objectStorage: {
          bucket: v["objectStorage.bucket"],
          region: v["objectStorage.region"],
          regionEndpoint: v["objectStorage.regionEndpoint"],
          rootDirectory: v["objectStorage.rootDirectory"],
          storageClass: v["objectStorage.storageClass"],
        },
      },
      secrets: {
        tlsCertificate: fill(v.tlsCertificate),
        tlsPrivateKey: fill(v.tlsPrivateKey),
        tlsCaCertificate: fill(v.tlsCaCertificate),
        databasePassword: v.databasePassword,
        redisPassword: v.redisPassword,
        s3AccessKey: v.s3AccessKey,
        s3SecretKey: v.s3SecretKey,
        oidcClientSecret: v.oidcClientSecret,
      },
    }),
  },
  {
    name: "clusterIP, rook, CA provided, rendered to a directory, local chart",
    charts: ["harbor"],
    keys: {
      "expose.clusterIP.ip": "10.96.0.50{}",
      "expose.clusterIP.annotations{key}": "example.com/owner{}",
      "expose.clusterIP.annotations{value}": "team {} registry",
      "storage.rook.clusterNamespace": "rook-ceph{}",
      "storage.rook.operatorNamespace": "rook-ceph{}",
      "storage.rook.pool": "harbor{}",
      caCertificate: "{ca}{}",
      caPrivateKey: "{cakey}{}",
      "chart.path": "examples{}",
      "kubernetes.renderToDirectory": "rendered{}",
    },
    build: (v) => ({
      config: {
        hostname: HOST,
        expose: {
          type: "clusterIP",
          clusterIP: {
            ip: v["expose.clusterIP.ip"],
            annotations: {
              [v["expose.clusterIP.annotations{key}"]]: "x",
              "example.com/note": v["expose.clusterIP.annotations{value}"],
            },
          },
        },
        tls: { mode: "ca-provided" },
        caCertificate: fill(v.caCertificate),
        storage: {
          variant: "rook",
          rook: {
            clusterNamespace: v["storage.rook.clusterNamespace"],
            operatorNamespace: v["storage.rook.operatorNamespace"],
            pool: v["storage.rook.pool"],
          },
        },
        chart: { path: v["chart.path"] },
        deployMode: "chart",
        kubernetes: { renderToDirectory: v["kubernetes.renderToDirectory"] },
      },
      secrets: { caPrivateKey: fill(v.caPrivateKey) },
    }),
  },
  {
    name: "route, NFS CSI, kubeconfig from a stack",
    charts: ["harbor"],
    keys: {
      "expose.route.parentRefs[].name": "gateway{}",
      "expose.route.parentRefs[].namespace": "gateways{}",
      "expose.route.parentRefs[].sectionName": "https{}",
      "expose.route.annotations{key}": "example.com/owner{}",
      "expose.route.annotations{value}": "team {} registry",
      "kubernetes.kubeconfigFromStack.stack": "acme/cluster/prod{}",
      "kubernetes.kubeconfigFromStack.output": "kubeconfig{}",
    },
    build: (v) => ({
      config: {
        hostname: HOST,
        expose: {
          type: "route",
          route: {
            parentRefs: [
              {
                name: v["expose.route.parentRefs[].name"],
                namespace: v["expose.route.parentRefs[].namespace"],
                sectionName: v["expose.route.parentRefs[].sectionName"],
              },
            ],
            annotations: {
              [v["expose.route.annotations{key}"]]: "x",
              "example.com/note": v["expose.route.annotations{value}"],
            },
          },
        },
        kubernetes: {
          kubeconfigFromStack: {
            stack: v["kubernetes.kubeconfigFromStack.stack"],
            output: v["kubernetes.kubeconfigFromStack.output"],
          },
        },
      },
      secrets: {},
      stackOutputs: { "acme/cluster/prod": { kubeconfig: "apiVersion: v1\nkind: Config\n" } },
    }),
  },
  {
    name: "registry content: a Docker Hub cache and its mirror, LDAP groups, robots, pull secrets, replication, schedules",
    charts: [],
    keys: {
      "api.url": "https://harbor{}.internal.example.com",
      "registries{key}": "upstream{}",
      "registries{value}.url": "https://registry{}.example.com",
      "registries{value}.accessKey": "harbor{}-pull",
      "registries{value}.description": "Docker Hub {} for the cache",
      "registrySecrets{key}": "dockerhub{}",
      "registrySecrets{value}": "dckr_pat_{}0123",
      "registrySecrets{value}.account_name": "acme+harbor{}",
      "registrySecrets{value}.docker_cli_password": "quay{}robot-token",
      "registrySecrets{value}.oauth2_token": "quay{}oauth",
      "projects{key}": "apps{}",
      "projects{value}.quota": "50Gi{}",
      "projects{value}.proxyCache": "dockerhub{}",
      "projects{value}.retention.tags": "release-{}*",
      "projects{value}.retention.repositories": "apps/{}**",
      "projects{value}.retention.schedule": "0 4 * * *{}",
      "projects{value}.immutableTags[].tags": "v{}*",
      "projects{value}.immutableTags[].repositories": "apps/{}**",
      "projects{value}.members.groups{key}": "cn=developers{},ou=groups,dc=example,dc=com",
      "projects{value}.members.users{key}": "alice{}",
      "robots{key}": "ci{}",
      "robots{value}.projects{key}": "apps{}",
      "robots{value}.projects{value}[]": "pull{}",
      "robots{value}.description": "CI {} pulls",
      "robots{value}.rotation": "2026-01{}",
      "pullSecrets{key}": "ci{}",
      "pullSecrets{value}.robot": "ci{}",
      "mirrors{key}": "docker{}.io",
      "mirrors{value}": "dockerhub-cache{}",
      "replications{key}": "nightly{}",
      "replications{value}.registry": "upstream{}",
      "replications{value}.filters.name": "library/{}**",
      "replications{value}.filters.tag": "v{}*",
      "replications{value}.destinationNamespace": "mirrored{}",
      "replications{value}.schedule": "0 2 * * *{}",
      "replications{value}.description": "Nightly {} copy",
      "gc.schedule": "0 3 * * 6{}",
      "scanAll.schedule": "0 5 * * 0{}",
    },
    build: (v) => ({
      config: {
        hostname: HOST,
        auth: {
          mode: "ldap",
          ldap: { url: "ldaps://ldap.example.com", baseDn: "dc=example,dc=com" },
        },
        trust: { nodes: { enabled: true, runtime: "containerd" } },
        // The API's internal name is in Harbor's certificate, or api.url is refused.
        tls: { dnsNames: ["harbor.internal.example.com"] },
        api: { url: v["api.url"] },
        registries: {
          quay: { type: "quay" },
          dockerhub: {
            type: "docker-hub",
            accessKey: v["registries{value}.accessKey"],
            description: v["registries{value}.description"],
          },
          [v["registries{key}"]]: { type: "docker-registry", url: v["registries{value}.url"] },
        },
        projects: {
          [v["projects{key}"]]: {
            quota: v["projects{value}.quota"],
            retention: {
              keepLatest: 10,
              tags: v["projects{value}.retention.tags"],
              repositories: v["projects{value}.retention.repositories"],
              schedule: v["projects{value}.retention.schedule"],
            },
            immutableTags: [
              {
                tags: v["projects{value}.immutableTags[].tags"],
                repositories: v["projects{value}.immutableTags[].repositories"],
              },
            ],
            members: {
              groups: { [v["projects{value}.members.groups{key}"]]: "developer" },
              users: { [v["projects{value}.members.users{key}"]]: "maintainer" },
            },
          },
          "dockerhub-cache": { proxyCache: v["projects{value}.proxyCache"] },
          mirrored: {},
        },
        robots: {
          [v["robots{key}"]]: {
            projects: {
              [v["robots{value}.projects{key}"]]: [v["robots{value}.projects{value}[]"]],
            },
            description: v["robots{value}.description"],
            rotation: v["robots{value}.rotation"],
          },
        },
        pullSecrets: {
          [v["pullSecrets{key}"]]: { robot: v["pullSecrets{value}.robot"], serviceAccount: true },
        },
        mirrors: { [v["mirrors{key}"]]: v["mirrors{value}"] },
        replications: {
          [v["replications{key}"]]: {
            direction: "pull",
            registry: v["replications{value}.registry"],
            filters: {
              name: v["replications{value}.filters.name"],
              tag: v["replications{value}.filters.tag"],
            },
            destinationNamespace: v["replications{value}.destinationNamespace"],
            trigger: "scheduled",
            schedule: v["replications{value}.schedule"],
            description: v["replications{value}.description"],
          },
        },
        gc: { schedule: v["gc.schedule"] },
        scanAll: { schedule: v["scanAll.schedule"] },
      },
      secrets: {
        registrySecrets: JSON.stringify({
          [v["registrySecrets{key}"]]: v["registrySecrets{value}"],
          quay: {
            account_name: v["registrySecrets{value}.account_name"],
            docker_cli_password: v["registrySecrets{value}.docker_cli_password"],
            oauth2_token: v["registrySecrets{value}.oauth2_token"],
          },
        }),
      },
    }),
  },
  {
    name: "resources of every component, chart values the schema does not model",
    charts: ["harbor"],
    keys: {
      "resources.core.requests.cpu": "100{}m",
      "resources.core.requests.memory": "256{}Mi",
      "resources.core.limits.cpu": "2{}",
      "resources.core.limits.memory": "1{}Gi",
      "resources.portal.requests.cpu": "100{}m",
      "resources.portal.requests.memory": "256{}Mi",
      "resources.portal.limits.cpu": "2{}",
      "resources.portal.limits.memory": "1{}Gi",
      "resources.registry.requests.cpu": "100{}m",
      "resources.registry.requests.memory": "256{}Mi",
      "resources.registry.limits.cpu": "2{}",
      "resources.registry.limits.memory": "1{}Gi",
      "resources.jobservice.requests.cpu": "100{}m",
      "resources.jobservice.requests.memory": "256{}Mi",
      "resources.jobservice.limits.cpu": "2{}",
      "resources.jobservice.limits.memory": "1{}Gi",
      "resources.database.requests.cpu": "100{}m",
      "resources.database.requests.memory": "256{}Mi",
      "resources.database.limits.cpu": "2{}",
      "resources.database.limits.memory": "1{}Gi",
      "resources.redis.requests.cpu": "100{}m",
      "resources.redis.requests.memory": "256{}Mi",
      "resources.redis.limits.cpu": "2{}",
      "resources.redis.limits.memory": "1{}Gi",
      "resources.trivy.requests.cpu": "100{}m",
      "resources.trivy.requests.memory": "256{}Mi",
      "resources.trivy.limits.cpu": "2{}",
      "resources.trivy.limits.memory": "1{}Gi",
      "resources.nginx.requests.cpu": "100{}m",
      "resources.nginx.requests.memory": "256{}Mi",
      "resources.nginx.limits.cpu": "2{}",
      "resources.nginx.limits.memory": "1{}Gi",
      "resources.exporter.requests.cpu": "100{}m",
      "resources.exporter.requests.memory": "256{}Mi",
      "resources.exporter.limits.cpu": "2{}",
      "resources.exporter.limits.memory": "1{}Gi",
      "chart.values{key}": "team{}",
      "chart.values{value}": "registry {} team",
    },
    build: (v) => ({
      config: {
        hostname: HOST,
        expose: { type: "nodePort" },
        metrics: { enabled: true },
        resources: {
          core: {
            requests: {
              cpu: v["resources.core.requests.cpu"],
              memory: v["resources.core.requests.memory"],
            },
            limits: {
              cpu: v["resources.core.limits.cpu"],
              memory: v["resources.core.limits.memory"],
            },
          },
          portal: {
            requests: {
              cpu: v["resources.portal.requests.cpu"],
              memory: v["resources.portal.requests.memory"],
            },
            limits: {
              cpu: v["resources.portal.limits.cpu"],
              memory: v["resources.portal.limits.memory"],
            },
          },
          registry: {
            requests: {
              cpu: v["resources.registry.requests.cpu"],
              memory: v["resources.registry.requests.memory"],
            },
            limits: {
              cpu: v["resources.registry.limits.cpu"],
              memory: v["resources.registry.limits.memory"],
            },
          },
          jobservice: {
            requests: {
              cpu: v["resources.jobservice.requests.cpu"],
              memory: v["resources.jobservice.requests.memory"],
            },
            limits: {
              cpu: v["resources.jobservice.limits.cpu"],
              memory: v["resources.jobservice.limits.memory"],
            },
          },
          database: {
            requests: {
              cpu: v["resources.database.requests.cpu"],
              memory: v["resources.database.requests.memory"],
            },
            limits: {
              cpu: v["resources.database.limits.cpu"],
              memory: v["resources.database.limits.memory"],
            },
          },
          redis: {
            requests: {
              cpu: v["resources.redis.requests.cpu"],
              memory: v["resources.redis.requests.memory"],
            },
            limits: {
              cpu: v["resources.redis.limits.cpu"],
              memory: v["resources.redis.limits.memory"],
            },
          },
          trivy: {
            requests: {
              cpu: v["resources.trivy.requests.cpu"],
              memory: v["resources.trivy.requests.memory"],
            },
            limits: {
              cpu: v["resources.trivy.limits.cpu"],
              memory: v["resources.trivy.limits.memory"],
            },
          },
          nginx: {
            requests: {
              cpu: v["resources.nginx.requests.cpu"],
              memory: v["resources.nginx.requests.memory"],
            },
            limits: {
              cpu: v["resources.nginx.limits.cpu"],
              memory: v["resources.nginx.limits.memory"],
            },
          },
          exporter: {
            requests: {
              cpu: v["resources.exporter.requests.cpu"],
              memory: v["resources.exporter.requests.memory"],
            },
            limits: {
              cpu: v["resources.exporter.limits.cpu"],
              memory: v["resources.exporter.limits.memory"],
            },
          },
        },
        chart: {
          values: {
            [v["chart.values{key}"]]: "x",
            core: { podAnnotations: { "example.com/note": v["chart.values{value}"] } },
          },
        },
      },
      secrets: {},
    }),
  },
];

/** Replaces the PEM placeholders of a benign value with real PEM from the test chain. */
function fill(value: string): string {
  const c = chain();
  return value
    .replace("{cert}", () => c.certificate)
    .replace("{key}", () => c.privateKey)
    .replace("{cakey}", () => c.caPrivateKey)
    .replace("{ca}", () => c.caCertificate);
}

/** Every key of every profile, with its profile. */
export function allKeys(): { path: string; profile: Profile }[] {
  return PROFILES.flatMap((profile) =>
    Object.keys(profile.keys).map((path) => ({ path, profile })),
  );
}

/** A profile's values, the keys in `classFor` carrying a payload of the given class. */
export function valuesWith(profile: Profile, classFor: Readonly<Record<string, string>>): Values {
  return Object.fromEntries(
    Object.entries(profile.keys).map(([path, benign]) => [
      path,
      withPayload(benign, classFor[path]),
    ]),
  );
}

const ALL_BUT = (...refused: string[]) => CLASSES.filter((c) => !refused.includes(c));
/** Printable text: everything but control characters, line breaks and the Unicode separators. */
const PRINTABLE = [
  "double quote",
  "single quote",
  "template action",
  "command substitution",
  "backticks",
  "backslash",
];
/** Annotation values: multi-line text; only NUL (a control character) is refused. */
const ANNOTATION_VALUE = ALL_BUT("NUL", "NUL at the end");
/** LDAP DNs: `"` and line breaks must be escaped; `\` before `,` is a valid escape. */
const LDAP_DN = [
  "single quote",
  "template action",
  "command substitution",
  "backticks",
  "backslash",
];
/** LDAP filters: parentheses and `\` in values must be escaped; quotes are ordinary characters. */
const LDAP_FILTER = ["double quote", "single quote", "template action", "backticks"];
/** PEM: only blocks and whitespace, so a newline after a block is fine. */
const PEM = ["newline", "newline at the end"];
/** A user name or access key: printable without spaces, so no template action or `$( )`. */
const LOGIN = ["double quote", "single quote", "backslash"];

/**
 * The payload classes each rich-text key accepts; every other key refuses every class. Accepted
 * values must be proven inert (`hostile-config-render.test.ts`): by rendering the real charts, or,
 * for keys that never reach a chart, by Harbor's chart values not changing with them.
 */
export const ACCEPTED: Readonly<Record<string, readonly string[]>> = {
  "expose.ingress.annotations{value}": ANNOTATION_VALUE,
  "expose.loadBalancer.annotations{value}": ANNOTATION_VALUE,
  "expose.clusterIP.annotations{value}": ANNOTATION_VALUE,
  "expose.route.annotations{value}": ANNOTATION_VALUE,
  "auth.ldap.baseDn": LDAP_DN,
  "auth.ldap.searchDn": LDAP_DN,
  "auth.ldap.groupBaseDn": LDAP_DN,
  "auth.ldap.groupAdminDn": LDAP_DN,
  "auth.ldap.filter": LDAP_FILTER,
  "auth.ldap.groupSearchFilter": LDAP_FILTER,
  "auth.oidc.name": PRINTABLE,
  "auth.oidc.adminGroup": PRINTABLE,
  adminPassword: PRINTABLE,
  ldapSearchPassword: PRINTABLE,
  databasePassword: PRINTABLE,
  redisPassword: PRINTABLE,
  s3AccessKey: PRINTABLE,
  s3SecretKey: PRINTABLE,
  oidcClientSecret: PRINTABLE,
  backupS3AccessKey: PRINTABLE,
  backupS3SecretKey: PRINTABLE,
  tlsCertificate: PEM,
  tlsPrivateKey: PEM,
  tlsCaCertificate: PEM,
  caCertificate: PEM,
  caPrivateKey: PEM,
  // Registry content never reaches a chart, a YAML template or a shell: these values travel only
  // in JSON bodies of Harbor API requests (and URL-encoded query parameters whose results are
  // matched exactly), so printable text is what their targets really allow. Names, patterns,
  // schedules and URLs of registry content keep their strict character sets.
  "registries{value}.accessKey": LOGIN,
  "registries{value}.description": PRINTABLE,
  "registrySecrets{value}": PRINTABLE,
  "registrySecrets{value}.docker_cli_password": PRINTABLE,
  "registrySecrets{value}.oauth2_token": LOGIN,
  "projects{value}.members.groups{key}": LDAP_DN,
  "projects{value}.members.users{key}": LOGIN,
  "robots{value}.description": PRINTABLE,
  "replications{value}.description": PRINTABLE,
  // Chart values are data in the release's values; line breaks and control characters, which could
  // add objects where a template interpolates a value unquoted, are refused.
  "chart.values{key}": PRINTABLE,
  "chart.values{value}": PRINTABLE,
};

/** Outcome of loading a stack configuration. */
export type Attempt =
  | { accepted: true }
  | { accepted: false; problems: string[] }
  | { accepted: false; thrown: unknown };

/** Loads a stack configuration the way the program does (objects as JSON, secrets marked). */
export function attempt(input: StackInput): Attempt {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.config)) {
    if (v !== undefined) values[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  Object.assign(values, input.secrets);
  try {
    loadConfig({ stack: "test", values, isSecret: (k) => k in input.secrets });
    return { accepted: true };
  } catch (error) {
    return error instanceof ConfigError
      ? { accepted: false, problems: error.problems }
      : { accepted: false, thrown: error };
  }
}
