/**
 * The validated, typed configuration of a Harbor stack: what `loadConfig` returns after reading every
 * `harbor:` key. Defaults from the product spec are already applied. Secret values are Pulumi secrets
 * (`pulumi.Output<string>` marked secret); everything else is plain data.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CloudNativePgDatabase, RookObjectStorage } from "./ha";

/** A value that must stay a Pulumi secret in state and outputs. */
export type SecretString = pulumi.Output<string>;

/** Kubernetes resource quantity such as `20Gi`. */
export type Quantity = string;

/** How Harbor is published to clients. */
export type ExposeType = "ingress" | "nodePort" | "loadBalancer" | "clusterIP" | "route";

export interface IngressExpose {
  type: "ingress";
  ingress: {
    /** IngressClass name (`spec.ingressClassName`); the cluster default class when unset. */
    className?: string;
    /** Extra annotations, merged over the program's defaults for large uploads. */
    annotations: Record<string, string>;
  };
}

export interface NodePortExpose {
  type: "nodePort";
  nodePort: {
    /** Node port for plain HTTP (redirects to HTTPS when TLS is on). 30000-32767. */
    http: number;
    /** Node port for HTTPS; part of the derived externalURL (`https://host:30003`). */
    https: number;
  };
}

export interface LoadBalancerExpose {
  type: "loadBalancer";
  loadBalancer: {
    /** Requested load balancer IP (`spec.loadBalancerIP`), when the provider supports it. */
    ip?: string;
    /** Annotations for the Service (cloud or MetalLB settings). */
    annotations: Record<string, string>;
    /** Client CIDRs allowed to reach the load balancer. Empty means everyone. */
    sourceRanges: string[];
  };
}

export interface ClusterIPExpose {
  type: "clusterIP";
  clusterIP: {
    /** Fixed cluster IP for the Service. */
    ip?: string;
    /** Annotations for the Service. */
    annotations: Record<string, string>;
  };
}

/** A Gateway the HTTPRoute attaches to (Gateway API `parentRefs` entry). */
export interface RouteParentRef {
  /** Name of the Gateway. */
  name: string;
  /** Namespace of the Gateway; the Harbor namespace when unset. */
  namespace?: string;
  /** Listener name on the Gateway. */
  sectionName?: string;
}

export interface RouteExpose {
  type: "route";
  route: {
    /** Gateways the HTTPRoute attaches to; at least one. */
    parentRefs: RouteParentRef[];
    /** Annotations for the HTTPRoute. */
    annotations: Record<string, string>;
  };
}

export type ExposeSpec =
  IngressExpose | NodePortExpose | LoadBalancerExpose | ClusterIPExpose | RouteExpose;

/** Key algorithm for the CA and server keys the program generates. */
export type KeyAlgorithm = "ECDSA-P256" | "ECDSA-P384" | "RSA-3072" | "RSA-4096";

/** Settings shared by every TLS mode. */
interface TlsCommon {
  /** Extra DNS names for the server certificate, besides `hostname`. */
  dnsNames: string[];
  /** Extra IP addresses for the server certificate; an IP `hostname` is added automatically. */
  ipAddresses: string[];
  /** Server certificate lifetime in days (at most 397, the CA/Browser Forum limit). */
  validityDays: number;
  /** CA certificate lifetime in days (`generated` mode). */
  caValidityDays: number;
  /** A `pulumi up` this many days before expiry re-issues the server certificate. */
  renewBeforeDays: number;
  /** Key algorithm for generated keys. */
  keyAlgorithm: KeyAlgorithm;
}

/** The program makes a CA and a server certificate with @pulumi/tls. */
export interface GeneratedTls extends TlsCommon {
  mode: "generated";
}

/** The operator's own certificate chain, from secret config. */
export interface ProvidedTls extends TlsCommon {
  mode: "provided";
  /** `harbor:tlsCertificate`: PEM server certificate (optionally followed by intermediates). */
  certificate: SecretString;
  /** `harbor:tlsPrivateKey`: PEM private key of the server certificate. */
  privateKey: SecretString;
  /** `harbor:tlsCaCertificate`: PEM CA certificate that signed the server certificate. */
  caCertificate: string;
}

/** The organisation's CA signs a server certificate the program generates and renews. */
export interface CaProvidedTls extends TlsCommon {
  mode: "ca-provided";
  /** `harbor:caCertificate`: PEM CA certificate. */
  caCertificate: string;
  /** `harbor:caPrivateKey`: PEM private key of the CA. */
  caPrivateKey: SecretString;
}

/** Harbor serves plain HTTP; TLS is terminated in front of it. */
export interface DisabledTls extends TlsCommon {
  mode: "disabled";
}

export type TlsSpec = GeneratedTls | ProvidedTls | CaProvidedTls | DisabledTls;
export type TlsMode = TlsSpec["mode"];

/** Harbor's five volumes. */
export type VolumeName = "registry" | "jobservice" | "database" | "redis" | "trivy";

export type ReclaimPolicy = "Retain" | "Delete";
export type AccessMode = "ReadWriteOnce" | "ReadWriteMany";

interface StorageCommon {
  /** StorageClass name: the class the program creates, or the class to use for `existing`. */
  className: string;
  /** What happens to a volume when its claim is deleted. */
  reclaimPolicy: ReclaimPolicy;
  /** Requested size per volume. */
  sizes: Record<VolumeName, Quantity>;
  /** Claims of an earlier install to adopt, per volume. */
  existingClaims: Partial<Record<VolumeName, string>>;
  /** Access mode of the registry and jobservice claims. */
  accessMode: AccessMode;
}

export interface LocalPathStorage extends StorageCommon {
  variant: "local-path";
  localPath: {
    /** Install rancher's local-path-provisioner (with its own provisioner name). */
    installProvisioner: boolean;
    /** Directory on the node that holds the volumes. */
    nodePath: string;
    /** Pin Harbor (pods and volumes) to this node. */
    node?: string;
  };
}

export interface NfsStorage extends StorageCommon {
  variant: "nfs";
  nfs: {
    /** NFS server host name or IP. */
    server: string;
    /** Exported path on the server. */
    path: string;
    /** `subdir`: nfs-subdir-external-provisioner; `csi`: csi-driver-nfs (`nfs.csi.k8s.io`). */
    driver: "subdir" | "csi";
    /** Install the provisioner from its upstream Helm chart at a pinned version. */
    installProvisioner: boolean;
    /** Mount options for the volumes (`nfsvers=4.1`, ...). */
    mountOptions: string[];
    /** Keep a deleted volume's directory as `archived-...` instead of removing it. */
    archiveOnDelete: boolean;
  };
}

export interface RookStorage extends StorageCommon {
  variant: "rook";
  rook: {
    /** Namespace of the CephCluster (also the RBD `clusterID`). */
    clusterNamespace: string;
    /** Namespace of the Rook operator; prefixes the CSI provisioner name. */
    operatorNamespace: string;
    /** CephBlockPool name. */
    pool: string;
    /** Create the CephBlockPool. */
    createPool: boolean;
    /** Replica count of the pool. */
    replicas: number;
    /** CRUSH failure domain of the pool. */
    failureDomain: "host" | "osd" | "rack" | "zone";
    /** Filesystem created on the RBD images. */
    fsType: "ext4" | "xfs";
  };
}

export interface ExistingStorage extends StorageCommon {
  variant: "existing";
}

export type StorageSpec = LocalPathStorage | NfsStorage | RookStorage | ExistingStorage;
export type StorageVariant = StorageSpec["variant"];

export interface ChartSpec {
  /** Chart version of goharbor's `harbor` chart. */
  version: string;
  /** Helm repository URL. */
  repository: string;
  /** Local chart archive (.tgz) or directory, for air-gapped sites; replaces the repository. */
  path?: string;
}

export type DeployMode = "release" | "chart";

export interface LdapAuth {
  mode: "ldap";
  ldap: {
    /** `ldap://host[:port]` or `ldaps://host[:port]`; the default port is dropped for Harbor. */
    url: string;
    /** Base DN to search users under. */
    baseDn: string;
    /** Bind DN for searches; password in `harbor:ldapSearchPassword`. */
    searchDn?: string;
    /** Attribute that holds the user name. */
    uid: string;
    /** Extra LDAP filter for users. */
    filter?: string;
    /** Search scope. */
    scope: "base" | "onelevel" | "subtree";
    /** Verify the LDAP server's certificate. */
    verifyCert: boolean;
    /** Base DN of groups. */
    groupBaseDn?: string;
    /** Filter for groups. */
    groupSearchFilter?: string;
    /** Attribute holding the group name. */
    groupAttributeName?: string;
    /** DN of the group whose members are Harbor admins. */
    groupAdminDn?: string;
  };
  /** `harbor:ldapSearchPassword`. */
  searchPassword?: SecretString;
}

export interface OidcAuth {
  mode: "oidc";
  oidc: {
    /** Provider name shown on Harbor's login button. */
    name: string;
    /** Issuer URL of the OIDC provider. */
    endpoint: string;
    /** Client ID registered for Harbor. */
    clientId: string;
    /** Requested scopes, comma separated. */
    scope: string;
    /** Claim that carries group names. */
    groupsClaim?: string;
    /** Group whose members are Harbor admins. */
    adminGroup?: string;
    /** Create users on first login without asking for a user name. */
    autoOnboard: boolean;
    /** Claim used as the user name when onboarding automatically. */
    userClaim?: string;
    /** Verify the provider's certificate. */
    verifyCert: boolean;
  };
  /** `harbor:oidcClientSecret`. */
  clientSecret: SecretString;
}

export type AuthSpec = { mode: "database" } | LdapAuth | OidcAuth;

export type DatabaseSpec =
  | { type: "internal" }
  | {
      type: "external";
      /** PostgreSQL host. */
      host: string;
      /** PostgreSQL port. */
      port: number;
      /** User Harbor connects as. */
      username: string;
      /** Database holding Harbor's data. */
      coreDatabase: string;
      /** libpq sslmode. */
      sslmode: "disable" | "require" | "verify-ca" | "verify-full";
      /** `harbor:databasePassword`. */
      password: SecretString;
    }
  | CloudNativePgDatabase;

export type RedisSpec =
  | { type: "internal" }
  | {
      type: "external";
      /** `host:port`, or comma-separated Sentinel `host:port` list when `sentinelMasterSet` is set. */
      addr: string;
      /** Sentinel master set name; enables Sentinel. */
      sentinelMasterSet?: string;
      /** Redis ACL user name. */
      username?: string;
      /** Connect with TLS. */
      tls: boolean;
      /** `harbor:redisPassword`. */
      password?: SecretString;
    };

/** Registry blobs in an S3-compatible bucket the operator provides. */
export interface S3ObjectStorage {
  type: "s3";
  /** Bucket holding the registry blobs. */
  bucket: string;
  /** Region of the bucket. */
  region: string;
  /** Endpoint of an S3-compatible service (MinIO, Ceph RGW, ...). */
  regionEndpoint?: string;
  /** Key prefix inside the bucket. */
  rootDirectory?: string;
  /** Server-side encryption. */
  encrypt: boolean;
  /** Use HTTPS to the endpoint. */
  secure: boolean;
  /** Skip TLS verification of the endpoint. */
  skipVerify: boolean;
  /** Use path-style bucket URLs (most S3-compatible services need this off AWS). */
  forcePathStyle: boolean;
  /** S3 storage class of new objects. */
  storageClass?: string;
  /** Return blobs through Harbor instead of redirecting clients to the bucket. */
  disableRedirect: boolean;
  /** `harbor:s3AccessKey` / `harbor:s3SecretKey`; absent means the pod's cloud identity. */
  credentials?: { accessKey: SecretString; secretKey: SecretString };
}

/** Registry blobs in a bucket claimed from Rook-Ceph (the claim's own Secret holds the keys). */
export type RookBucketStorage = RookObjectStorage & {
  /** Never set: the registry reads the keys from the Secret Rook creates for the claim. */
  credentials?: undefined;
};

export type ObjectStorageSpec = S3ObjectStorage | RookBucketStorage;

export type ComponentName = "core" | "portal" | "registry" | "jobservice" | "nginx" | "trivy";

export interface Toleration {
  key?: string;
  operator?: "Exists" | "Equal";
  value?: string;
  effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
  tolerationSeconds?: number;
}

export interface SchedulingSpec {
  /** Node labels every Harbor pod must match. */
  nodeSelector: Record<string, string>;
  /** Tolerations for every Harbor pod. */
  tolerations: Toleration[];
  /** Affinity for every Harbor pod (Kubernetes `Affinity` object). */
  affinity?: Record<string, unknown>;
}

export interface ProxySpec {
  httpProxy?: string;
  httpsProxy?: string;
  /** Hosts that bypass the proxy; Harbor's own services are always added by the chart. */
  noProxy?: string;
  /** Components that use the proxy. */
  components: ("core" | "jobservice" | "trivy")[];
}

export type ContainerRuntime = "containerd" | "docker";

export interface TrustSpec {
  nodes: {
    /** Run the DaemonSet that installs the CA on every node. */
    enabled: boolean;
    /** Container runtime of the nodes. */
    runtime: ContainerRuntime;
    /** Per-registry config directory on the nodes. */
    hostsDir: string;
    /** Image of the DaemonSet (a small image with a POSIX shell). */
    image: string;
  };
  /** Namespaces that get a ConfigMap with the CA (`ca.crt`). */
  namespaces: string[];
}

export interface KubernetesSpec {
  /** kubeconfig context to use; the current context when unset. */
  context?: string;
  /** Read the kubeconfig from another stack's output. */
  kubeconfigFromStack?: { stack: string; output: string };
  /** Render manifests to this directory instead of applying them (deployMode `chart` only). */
  renderToDirectory?: string;
}

/** The whole validated stack configuration. */
export interface HarborConfig {
  hostname: string;
  namespace: string;
  releaseName: string;
  /** Explicit externalURL, when set. */
  externalURL?: string;
  expose: ExposeSpec;
  tls: TlsSpec;
  storage: StorageSpec;
  chart: ChartSpec;
  deployMode: DeployMode;
  /** `harbor:adminPassword`, when set; otherwise the program generates one. */
  adminPassword?: SecretString;
  auth: AuthSpec;
  database: DatabaseSpec;
  redis: RedisSpec;
  objectStorage?: ObjectStorageSpec;
  replicas: Record<ComponentName, number>;
  trivy: { enabled: boolean; skipUpdate: boolean; offlineScan: boolean };
  metrics: { enabled: boolean; serviceMonitor: boolean };
  proxy?: ProxySpec;
  ipFamily: { ipv4: boolean; ipv6: boolean };
  scheduling?: SchedulingSpec;
  imageRegistry?: string;
  trust: TrustSpec;
  kubernetes: KubernetesSpec;
  /** Protect the namespace, the StorageClass and data from deletion (`pulumi destroy`). */
  protect: boolean;
}
