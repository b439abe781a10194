/**
 * The values of goharbor's `harbor` Helm chart (1.19.x), as far as this program sets them. Written
 * from the chart's values.yaml so that a misspelt key is a compile error. Every field is optional
 * because Helm merges these over the chart's own defaults. String fields that may carry credentials
 * accept `pulumi.Input<string>` so secrets stay Pulumi secrets.
 */
import type * as pulumi from "@pulumi/pulumi";

type S = pulumi.Input<string>;

export interface ImageValues {
  repository?: string;
  tag?: string;
}

export interface ProbeValues {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
}

export interface EnvVar {
  name: string;
  value?: S;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

export interface ResourceRequirements {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

export interface TolerationValues {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** Scheduling fields shared by every workload in the chart. */
export interface PodPlacement {
  nodeSelector?: Record<string, string>;
  tolerations?: TolerationValues[];
  affinity?: Record<string, unknown>;
  priorityClassName?: string;
}

export interface PodMeta {
  podAnnotations?: Record<string, pulumi.Input<string>>;
  podLabels?: Record<string, string>;
}

/** The chart's PodDisruptionBudget of a component (rendered only with more than one replica). */
export interface PdbValues {
  enabled?: boolean;
  /** Rendered only when non-zero. */
  minAvailable?: number;
  /** Rendered only when non-zero. */
  maxUnavailable?: number;
}

export interface ContainerValues {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value: string }[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
  resources?: ResourceRequirements;
}

/** One container's image, environment, resources and probes. */
export interface ContainerSettings {
  image?: ImageValues;
  extraEnvVars?: EnvVar[];
  resources?: ResourceRequirements;
  livenessProbe?: ProbeValues;
  readinessProbe?: ProbeValues;
}

/** The service account a workload's pods run as. */
export interface ServiceAccountValues {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
}

/** Fields of every Deployment, whatever its containers. */
export interface WorkloadValues extends PodPlacement, PodMeta, ServiceAccountValues {
  replicas?: number;
  podDisruptionBudget?: PdbValues;
  revisionHistoryLimit?: number;
  topologySpreadConstraints?: Record<string, unknown>[];
  initContainers?: ContainerValues[];
}

/** Fields of the single-container Deployments (core, portal, jobservice, nginx, exporter, trivy). */
export interface DeploymentValues extends WorkloadValues, ContainerSettings {}

export interface PvcValues {
  existingClaim?: string;
  storageClass?: string;
  subPath?: string;
  accessMode?: "ReadWriteOnce" | "ReadWriteMany";
  size?: string;
  annotations?: Record<string, string>;
}

export interface S3StorageValues {
  region?: string;
  bucket?: string;
  accesskey?: S;
  secretkey?: S;
  regionendpoint?: string;
  forcepathstyle?: boolean;
  encrypt?: boolean;
  keyid?: string;
  secure?: boolean;
  skipverify?: boolean;
  v4auth?: boolean;
  chunksize?: string;
  rootdirectory?: string;
  storageclass?: string;
  multipartcopychunksize?: string;
  multipartcopymaxconcurrency?: number;
  multipartcopythresholdsize?: string;
  /** Secret with REGISTRY_STORAGE_S3_ACCESSKEY and REGISTRY_STORAGE_S3_SECRETKEY. */
  existingSecret?: string;
}

export interface HarborValues {
  expose?: {
    type?: "ingress" | "clusterIP" | "nodePort" | "loadBalancer" | "route";
    tls?: {
      enabled?: boolean;
      certSource?: "auto" | "secret" | "none";
      auto?: { commonName?: string };
      secret?: { secretName?: string };
    };
    ingress?: {
      hosts?: { core?: string };
      controller?: "default" | "gce" | "ncp" | "alb" | "f5-bigip";
      kubeVersionOverride?: string;
      className?: string;
      annotations?: Record<string, string | null>;
      labels?: Record<string, string>;
    };
    route?: {
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
      parentRefs?: { name: string; namespace?: string; sectionName?: string }[];
      hosts?: string[];
    };
    clusterIP?: {
      name?: string;
      staticClusterIP?: string;
      ports?: { httpPort?: number; httpsPort?: number };
      annotations?: Record<string, string>;
      labels?: Record<string, string>;
    };
    nodePort?: {
      name?: string;
      ports?: {
        http?: { port?: number; nodePort?: number };
        https?: { port?: number; nodePort?: number };
      };
      annotations?: Record<string, string>;
      labels?: Record<string, string>;
    };
    loadBalancer?: {
      name?: string;
      IP?: string;
      ports?: { httpPort?: number; httpsPort?: number };
      annotations?: Record<string, string>;
      labels?: Record<string, string>;
      sourceRanges?: string[];
    };
  };
  externalURL?: string;
  persistence?: {
    enabled?: boolean;
    resourcePolicy?: "keep" | "";
    persistentVolumeClaim?: {
      registry?: PvcValues;
      jobservice?: { jobLog?: PvcValues };
      database?: PvcValues;
      redis?: PvcValues;
      trivy?: PvcValues;
    };
    imageChartStorage?: {
      disableredirect?: boolean;
      caBundleSecretName?: string;
      type?: "filesystem" | "azure" | "gcs" | "s3" | "swift" | "oss";
      filesystem?: { rootdirectory?: string; maxthreads?: number };
      s3?: S3StorageValues;
    };
  };
  existingSecretAdminPassword?: string;
  existingSecretAdminPasswordKey?: string;
  harborAdminPassword?: S;
  internalTLS?: {
    enabled?: boolean;
    strong_ssl_ciphers?: boolean;
    certSource?: "auto" | "manual" | "secret";
    trustCa?: S;
    core?: { secretName?: string; crt?: S; key?: S };
    jobservice?: { secretName?: string; crt?: S; key?: S };
    registry?: { secretName?: string; crt?: S; key?: S };
    portal?: { secretName?: string; crt?: S; key?: S };
    trivy?: { secretName?: string; crt?: S; key?: S };
  };
  ipFamily?: {
    ipv6?: { enabled?: boolean };
    ipv4?: { enabled?: boolean };
    policy?: "" | "SingleStack" | "PreferDualStack" | "RequireDualStack";
    families?: ("IPv4" | "IPv6")[];
  };
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  imagePullSecrets?: { name: string }[];
  updateStrategy?: { type?: "RollingUpdate" | "Recreate" };
  logLevel?: "debug" | "info" | "warning" | "error" | "fatal";
  caSecretName?: string;
  caBundleSecretName?: string;
  secretKey?: S;
  existingSecretSecretKey?: string;
  proxy?: {
    httpProxy?: string;
    httpsProxy?: string;
    noProxy?: string;
    components?: string[];
  };
  enableMigrateHelmHook?: boolean;
  metrics?: {
    enabled?: boolean;
    core?: { path?: string; port?: number };
    registry?: { path?: string; port?: number };
    jobservice?: { path?: string; port?: number };
    exporter?: { path?: string; port?: number };
    serviceMonitor?: {
      enabled?: boolean;
      additionalLabels?: Record<string, string>;
      interval?: string;
    };
  };
  trace?: { enabled?: boolean };
  cache?: { enabled?: boolean; expireHours?: number };
  containerSecurityContext?: Record<string, unknown>;
  nginx?: DeploymentValues;
  portal?: DeploymentValues & { serviceAnnotations?: Record<string, string> };
  core?: DeploymentValues & {
    startupProbe?: ProbeValues & { enabled?: boolean };
    serviceAnnotations?: Record<string, string>;
    /** JSON of Harbor system settings; Harbor reads it as CONFIG_OVERWRITE_JSON. */
    configureUserSettings?: S;
    quotaUpdateProvider?: "db" | "redis";
    secret?: S;
    existingSecret?: string;
    /** Secret of type kubernetes.io/tls holding the token-signing key and certificate. */
    secretName?: string;
    tokenKey?: S;
    tokenCert?: S;
    xsrfKey?: S;
    existingXsrfSecret?: string;
    existingXsrfSecretKey?: string;
    artifactPullAsyncFlushDuration?: number;
    gdpr?: { deleteUser?: boolean; auditLogsCompliant?: boolean };
  };
  jobservice?: DeploymentValues & {
    maxJobWorkers?: number;
    jobLoggers?: ("file" | "database" | "stdout")[];
    loggerSweeperDuration?: number;
    notification?: { webhook_job_max_retry?: number; webhook_job_http_client_timeout?: number };
    reaper?: { max_update_hours?: number; max_dangling_hours?: number };
    secret?: S;
    existingSecret?: string;
    existingSecretKey?: string;
    registryHttpClientTimeout?: number;
  };
  registry?: WorkloadValues & {
    /** The registry container. */
    registry?: ContainerSettings;
    /** The registryctl container beside it. */
    controller?: ContainerSettings;
    secret?: S;
    existingSecret?: string;
    existingSecretKey?: string;
    relativeurls?: boolean;
    credentials?: {
      username?: string;
      password?: S;
      existingSecret?: string;
      /** `user:bcrypt-hash`; pins the htpasswd line the chart would salt randomly. */
      htpasswdString?: S;
    };
    middleware?: { enabled?: boolean };
    upload_purging?: { enabled?: boolean; age?: string; interval?: string; dryrun?: boolean };
  };
  trivy?: DeploymentValues & {
    enabled?: boolean;
    debugMode?: boolean;
    vulnType?: string;
    severity?: string;
    ignoreUnfixed?: boolean;
    insecure?: boolean;
    gitHubToken?: S;
    skipUpdate?: boolean;
    skipJavaDBUpdate?: boolean;
    dbRepository?: string[];
    javaDBRepository?: string[];
    offlineScan?: boolean;
    securityCheck?: string;
    timeout?: string;
  };
  database?: PodMeta & {
    type?: "internal" | "external";
    internal?: PodPlacement &
      ContainerSettings &
      ServiceAccountValues & {
        /** Spelt `extrInitContainers` by the chart. */
        extrInitContainers?: ContainerValues[];
        password?: S;
        shmSizeLimit?: string;
        initContainer?: {
          migrator?: { resources?: ResourceRequirements };
          permissions?: { resources?: ResourceRequirements };
        };
      };
    external?: {
      host?: string;
      port?: string;
      username?: string;
      password?: S;
      coreDatabase?: string;
      /** Secret with key `password`. */
      existingSecret?: string;
      sslmode?: "disable" | "require" | "verify-ca" | "verify-full";
    };
    maxIdleConns?: number;
    maxOpenConns?: number;
  };
  redis?: PodMeta & {
    type?: "internal" | "external";
    internal?: PodPlacement &
      ContainerSettings &
      ServiceAccountValues & {
        initContainers?: ContainerValues[];
        jobserviceDatabaseIndex?: string;
        registryDatabaseIndex?: string;
        trivyAdapterIndex?: string;
      };
    external?: {
      addr?: string;
      sentinelMasterSet?: string;
      tlsOptions?: { enable?: boolean };
      coreDatabaseIndex?: string;
      jobserviceDatabaseIndex?: string;
      registryDatabaseIndex?: string;
      trivyAdapterIndex?: string;
      username?: string;
      password?: S;
      /** Secret with key REDIS_PASSWORD (and optionally REDIS_USERNAME). */
      existingSecret?: string;
    };
  };
  exporter?: DeploymentValues & { cacheDuration?: number; cacheCleanInterval?: number };
}
