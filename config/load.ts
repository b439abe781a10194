/**
 * The one place that reads `harbor:` configuration: raw values in, a validated `HarborConfig` out,
 * or a `ConfigError` listing every problem before anything is deployed.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { ConfigError, formatIssues, issueMessage, show } from "./errors";
import { backupWarnings, toBackupSpecs } from "./backup";
import {
  OBJECT_KEYS,
  SECRET_KEYS,
  UNKNOWN_SECRET,
  adminPasswordWarnings,
  backupContext,
  namespaceWarnings,
  rawConfigSchema,
  storageClassName,
  type RawConfig,
  type SecretKey,
} from "./schema";

/** Where raw configuration comes from: the Pulumi runtime, or a plain map in tests. */
export interface ConfigSource {
  /** Stack name; decides defaults such as `protect`. */
  stack: string;
  /** Every configured `harbor:<key>` with its raw string value. */
  values: Record<string, string>;
  /** Whether `harbor:<key>` was stored encrypted (`pulumi config set --secret`). */
  isSecret(key: string): boolean;
}

export const PROJECT = "harbor";

/** Reads the running stack's configuration from the Pulumi runtime. */
export function pulumiConfigSource(): ConfigSource {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(pulumi.runtime.allConfig())) {
    if (k.startsWith(`${PROJECT}:`)) values[k.slice(PROJECT.length + 1)] = v;
  }
  return {
    stack: pulumi.getStack(),
    values,
    isSecret: (key) => runtimeSecrets.isConfigSecret?.(`${PROJECT}:${key}`) ?? true,
  };
}

/** `isConfigSecret` is exported by the runtime but left out of its type declarations. */
const runtimeSecrets = pulumi.runtime as typeof pulumi.runtime & {
  isConfigSecret?: (key: string) => boolean;
};

/**
 * The kubernetes provider's own stack settings (`pulumi config set kubernetes:context lab`), the
 * provider's configuration keys (pulumi-kubernetes provider/pkg/provider/provider.go `Configure`
 * reads each as `kubernetes:config:<key>`). The default provider reads them itself; the program's
 * explicit provider does not, so they are passed on.
 */
export interface KubernetesStackSettings {
  context?: string;
  cluster?: string;
  /** Only a change of this value replaces the provider (and so every resource); see provider.ts. */
  clusterIdentifier?: string;
  kubeconfig?: pulumi.Input<string>;
  namespace?: string;
  renderYamlToDirectory?: string;
  enableServerSideApply?: boolean;
  /** Patch Secrets in place instead of replacing them (the program turns it on unless set). */
  enableSecretMutable?: boolean;
  /** Patch ConfigMaps in place instead of replacing them (the program turns it on unless set). */
  enableConfigMapMutable?: boolean;
  /** Server-side apply takes over an object that already exists instead of failing the create. */
  upsertExistingObjects?: boolean;
  enablePatchForce?: boolean;
  alwaysRender?: boolean;
  skipUpdateUnreachable?: boolean;
  deleteUnreachable?: boolean;
  suppressDeprecationWarnings?: boolean;
  suppressHelmHookWarnings?: boolean;
  helmReleaseSettings?: Record<string, unknown>;
  kubeClientSettings?: Record<string, unknown>;
}

const KUBERNETES_STRING_SETTINGS = [
  "context",
  "cluster",
  "clusterIdentifier",
  "namespace",
  "renderYamlToDirectory",
] as const;
const KUBERNETES_BOOLEAN_SETTINGS = [
  "enableServerSideApply",
  "enableSecretMutable",
  "enableConfigMapMutable",
  "upsertExistingObjects",
  "enablePatchForce",
  "alwaysRender",
  "skipUpdateUnreachable",
  "deleteUnreachable",
  "suppressDeprecationWarnings",
  "suppressHelmHookWarnings",
] as const;
const KUBERNETES_OBJECT_SETTINGS = ["helmReleaseSettings", "kubeClientSettings"] as const;

/** Reads the running stack's `kubernetes:` settings from the Pulumi runtime. */
export function kubernetesStackSettings(): KubernetesStackSettings {
  const config = new pulumi.Config("kubernetes");
  const settings: KubernetesStackSettings = {};
  for (const key of KUBERNETES_STRING_SETTINGS) {
    const value = config.get(key);
    if (value) settings[key] = value;
  }
  for (const key of KUBERNETES_BOOLEAN_SETTINGS) {
    const value = config.getBoolean(key);
    if (value !== undefined) settings[key] = value;
  }
  for (const key of KUBERNETES_OBJECT_SETTINGS) {
    const value = config.getObject<Record<string, unknown>>(key);
    if (value !== undefined) settings[key] = value;
  }
  const kubeconfig = config.getSecret("kubeconfig");
  if (kubeconfig !== undefined) settings.kubeconfig = kubeconfig;
  return settings;
}

/** Stacks named `dev` (or `dev-*`) are labs: data protection is off unless asked for. */
export function isDevStack(stack: string): boolean {
  return /^dev([-_.].*)?$/.test(stack);
}

const TOP_LEVEL_KEYS = Object.keys(rawConfigSchema.shape);

/** Validates the raw configuration and returns the typed configuration, or throws `ConfigError`. */
export function loadConfig(source: ConfigSource): HarborConfig {
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source.values)) {
    // An empty scalar means "not set" (Pulumi.yaml declares some keys with an empty default).
    if (value === "") continue;
    if ((SECRET_KEYS as readonly string[]).includes(key) && !source.isSecret(key)) {
      problems.push(
        `harbor:${key} is stored in plain text in the stack file; remove it and set it with \`pulumi config set --secret harbor:${key} <value>\``,
      );
    }
    if ((OBJECT_KEYS as readonly string[]).includes(key)) {
      try {
        raw[key] = JSON.parse(value);
      } catch {
        problems.push(
          `harbor:${key} must be an object (write it as a YAML map in the stack file), got ${show(value)}`,
        );
      }
    } else {
      raw[key] = value;
    }
  }
  const secretKeys = [
    ...SECRET_KEYS,
    ...Object.keys(source.values).filter((k) => source.isSecret(k)),
  ];
  return parseConfig(raw, source.stack, secretKeys, problems);
}

/**
 * Schema validation and derived defaults, shared by `loadConfig` (stack configuration) and
 * `harborArgs` (a program building `Harbor` itself). `secretKeys` are never echoed in errors.
 */
function parseConfig(
  raw: Record<string, unknown>,
  stack: string,
  secretKeys: readonly string[],
  problems: string[] = [],
): HarborConfig {
  const parsed = rawConfigSchema.safeParse(raw, { reportInput: true, error: issueMessage });
  if (!parsed.success) {
    problems.push(...formatIssues(parsed.error.issues, secretKeys, TOP_LEVEL_KEYS));
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(problems);
  }
  return toHarborConfig(parsed.data, stack);
}

/**
 * The settings of one Harbor as a program writes them: the stack file's `harbor:` keys as an
 * object (defaults may be left out), secrets included as plain strings.
 */
export type HarborInput = z.input<typeof rawConfigSchema>;

/**
 * Validates settings written in a program exactly like `loadConfig` validates a stack's
 * configuration, and returns the `Harbor` component's arguments (defaults applied, secrets
 * wrapped). Throws `ConfigError` naming each bad key. `stack` decides the `protect` default.
 */
export function harborArgs(input: HarborInput, stack: string = pulumi.getStack()): HarborConfig {
  return parseConfig(input, stack, SECRET_KEYS);
}

/**
 * A secret as the typed configuration carries it: any Input, wrapped as a Pulumi secret here and
 * again by every component that passes it on (a library user may hand in a plain string).
 */
export type SecretInput = pulumi.Input<string>;

const secret = (value: string): SecretInput => pulumi.secret(value);

/**
 * A secret the schema's cross-checks already required (`requireSecret`): reaching this without one
 * is a bug in those checks, reported as a configuration error rather than a crash.
 */
/** Secrets whose value is one string (`registrySecrets` is a map). */
type TextSecretKey = Exclude<SecretKey, "registrySecrets">;

function requiredText(c: RawConfig, key: TextSecretKey | "caCertificate"): string {
  const value = c[key];
  if (value === undefined) {
    throw new ConfigError([
      `harbor:${key} is required: set it with \`pulumi config set${key === "caCertificate" ? "" : " --secret"} harbor:${key} <value>\``,
    ]);
  }
  return value;
}

const required = (c: RawConfig, key: TextSecretKey): SecretInput => secret(requiredText(c, key));

const optionalSecret = (value: string | undefined): SecretInput | undefined =>
  value === undefined ? undefined : secret(value);

function toTls(c: RawConfig) {
  const common = {
    dnsNames: c.tls.dnsNames,
    ipAddresses: c.tls.ipAddresses,
    validityDays: c.tls.validityDays,
    caValidityDays: c.tls.caValidityDays,
    renewBeforeDays: c.tls.renewBeforeDays,
    keyAlgorithm: c.tls.keyAlgorithm,
  };
  switch (c.tls.mode) {
    case "provided":
      return {
        ...common,
        mode: "provided" as const,
        certificate: required(c, "tlsCertificate"),
        privateKey: required(c, "tlsPrivateKey"),
        /** The CA is public: plain text, so it can be shown and checked. */
        caCertificate: requiredText(c, "tlsCaCertificate"),
      };
    case "ca-provided":
      return {
        ...common,
        mode: "ca-provided" as const,
        caCertificate: requiredText(c, "caCertificate"),
        caPrivateKey: required(c, "caPrivateKey"),
      };
    case "generated":
      return { ...common, mode: "generated" as const };
    case "disabled":
      return { ...common, mode: "disabled" as const };
  }
}

function toStorage(c: RawConfig) {
  const s = c.storage;
  const className = storageClassName(c);
  const accessMode =
    s.accessMode ?? (s.variant === "nfs" ? ("ReadWriteMany" as const) : ("ReadWriteOnce" as const));
  return { ...s, className, accessMode };
}

function toAuth(c: RawConfig) {
  switch (c.auth.mode) {
    case "ldap":
      return { ...c.auth, searchPassword: optionalSecret(c.ldapSearchPassword) };
    case "oidc":
      return { ...c.auth, clientSecret: required(c, "oidcClientSecret") };
    default:
      return c.auth;
  }
}

function toDatabase(c: RawConfig) {
  return c.database.type === "external"
    ? { ...c.database, password: required(c, "databasePassword") }
    : c.database;
}

function toRedis(c: RawConfig) {
  return c.redis.type === "external"
    ? { ...c.redis, password: optionalSecret(c.redisPassword) }
    : c.redis;
}

function toObjectStorage(c: RawConfig) {
  const o = c.objectStorage;
  if (o === undefined) return undefined;
  // A Rook bucket's keys stay in the Secret Rook creates for the claim.
  if (o.type !== "s3") return o;
  const credentials =
    c.s3AccessKey !== undefined && c.s3SecretKey !== undefined
      ? { accessKey: secret(c.s3AccessKey), secretKey: secret(c.s3SecretKey) }
      : undefined;
  return { ...o, credentials };
}

function toTrust(c: RawConfig) {
  const nodes = c.trust.nodes;
  const hostsDir =
    nodes.hostsDir ??
    (nodes.runtime === "containerd" ? "/etc/containerd/certs.d" : "/etc/docker/certs.d");
  return { nodes: { ...nodes, hostsDir }, namespaces: c.trust.namespaces };
}

/**
 * The registry-content keys as the `RegistryContent` component takes them, the registry secrets
 * wrapped as one Pulumi secret. In a plan without the stack's secrets (`UNKNOWN_SECRET`) the map is
 * empty: nothing is deployed from a plan.
 */
function toRegistryContent(c: RawConfig) {
  const secrets = c.registrySecrets === UNKNOWN_SECRET ? {} : c.registrySecrets;
  return {
    api: c.api,
    registries: c.registries,
    registrySecrets: secrets === undefined ? undefined : pulumi.secret(secrets),
    projects: c.projects,
    robots: c.robots,
    pullSecrets: c.pullSecrets,
    mirrors: c.mirrors,
    replications: c.replications,
    gc: c.gc,
    scanAll: c.scanAll,
    system: c.system,
  };
}

/**
 * Applies derived defaults and moves secret configuration into the parts that use it. Its result
 * type is the typed configuration (`HarborConfig`): inferred from the schema, never restated.
 */
export function toHarborConfig(c: RawConfig, stack: string) {
  return {
    hostname: c.hostname,
    namespace: c.namespace,
    releaseName: c.releaseName,
    relocateFrom: c.relocateFrom,
    externalURL: c.externalURL,
    expose: c.expose,
    tls: toTls(c),
    storage: toStorage(c),
    chart: c.chart,
    deployMode: c.deployMode,
    adminPassword: optionalSecret(c.adminPassword),
    auth: toAuth(c),
    database: toDatabase(c),
    redis: toRedis(c),
    objectStorage: toObjectStorage(c),
    replicas: c.replicas,
    trivy: c.trivy,
    metrics: c.metrics,
    proxy: c.proxy,
    ipFamily: c.ipFamily,
    scheduling: c.scheduling,
    imageRegistry: c.imageRegistry,
    trust: toTrust(c),
    kubernetes: c.kubernetes,
    protect: c.protect ?? !isDevStack(stack),
    ...toBackupSpecs(c, { ...backupContext(c), namespace: c.namespace }),
    /** Harbor's projects, robots, pull Secrets, mirrors and schedules (`harbor:projects`, ...). */
    content: toRegistryContent(c),
    /** Advice that does not stop a deployment; the `Harbor` component logs each as a warning. */
    warnings: [
      ...namespaceWarnings(c.namespace),
      ...adminPasswordWarnings(c.adminPassword),
      ...backupWarnings(c, backupContext(c)),
    ],
  };
}

/** The validated, typed configuration of a Harbor stack (and the `Harbor` component's arguments). */
export type HarborConfig = ReturnType<typeof toHarborConfig>;
