/**
 * The one place that reads `harbor:` configuration: raw values in, a validated `HarborConfig` out,
 * or a `ConfigError` listing every problem before anything is deployed.
 */
import type { RegistrySecret } from "./facts";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, formatIssues, issueMessage, show, type Audience } from "./errors";
import type { HarborArgs } from "./harbor-args";
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
import { DEFAULT_HOSTS_DIRS } from "./facts";

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
  const parsed = parseRaw(raw, secretKeys, "stack", problems);
  if (problems.length > 0 || parsed === undefined) throw new ConfigError(problems);
  // The stack program decides `protect` from the stack's name; the component never does.
  const protect = parsed.protect ?? !isDevStack(source.stack);
  const config = toHarborConfig(parsed, protect);
  const args = toStackArgs(parsed, protect);
  argsOfConfig.set(config, args);
  configOfArgs.set(args, config);
  return config;
}

/**
 * The schema's validation of raw settings: the parsed configuration, or undefined with each
 * problem added to `problems` (naming keys for `audience`). `secretKeys` are never echoed.
 */
export function parseRaw(
  raw: unknown,
  secretKeys: readonly string[],
  audience: Audience,
  problems: string[],
): RawConfig | undefined {
  const parsed = rawConfigSchema.safeParse(raw, { reportInput: true, error: issueMessage });
  if (!parsed.success) {
    problems.push(...formatIssues(parsed.error.issues, secretKeys, TOP_LEVEL_KEYS, audience));
    return undefined;
  }
  return parsed.data;
}

const argsOfConfig = new WeakMap<HarborConfig, HarborArgs>();
const configOfArgs = new WeakMap<HarborArgs, HarborConfig>();

/**
 * The `Harbor` arguments of a stack's configuration (`loadConfig`'s result): its validated keys
 * with `protect` decided, without `kubernetes` (the stack program builds that provider itself).
 * The component takes them without validating them again.
 */
export function stackArgs(config: HarborConfig): HarborArgs {
  const args = argsOfConfig.get(config);
  if (args === undefined) throw new Error("stackArgs takes a configuration loadConfig returned");
  return args;
}

/** The configuration `loadConfig` validated for these arguments, if they are a stack's. */
export function validatedStackConfig(args: HarborArgs): HarborConfig | undefined {
  return configOfArgs.get(args);
}

/**
 * The parsed configuration as `Harbor` arguments. Assigning the schema's output type to
 * `HarborArgs` is also the compile-time check that the generated interface (config/harbor-args.ts)
 * accepts everything the schema produces.
 */
function toStackArgs(c: RawConfig, protect: boolean): HarborArgs {
  const { registrySecrets, ...rest } = c;
  return {
    ...rest,
    kubernetes: undefined,
    protect,
    ...(registrySecrets === undefined || registrySecrets === UNKNOWN_SECRET
      ? {}
      : { registrySecrets }),
  };
}

/**
 * A secret as the typed configuration carries it: any Input, wrapped as a Pulumi secret here and
 * again by every component that passes it on (a library user may hand in a plain string).
 */
export type SecretInput = pulumi.Input<string>;

const secret = (value: string): SecretInput => pulumi.secret(value);

/** Secrets whose value is one string (`registrySecrets` is a map). */
type TextSecretKey = Exclude<SecretKey, "registrySecrets">;

/**
 * Secrets a program gave as Outputs, already wrapped with their content checks (config/args.ts):
 * the parsed configuration holds stand-ins (`UNKNOWN_SECRET`) for them.
 */
export type SecretInputs = Partial<Record<TextSecretKey, pulumi.Input<string>>> & {
  registrySecrets?: pulumi.Input<Record<string, RegistrySecret>>;
};

/**
 * A secret the schema's cross-checks already required (`requireSecret`): reaching this without one
 * is a bug in those checks, reported as a configuration error rather than a crash.
 */
function requiredText(c: RawConfig, key: TextSecretKey | "caCertificate"): string {
  const value = c[key];
  if (value === undefined) {
    throw new ConfigError([
      `harbor:${key} is required: set it with \`pulumi config set${key === "caCertificate" ? "" : " --secret"} harbor:${key} <value>\``,
    ]);
  }
  return value;
}

const required = (c: RawConfig, key: TextSecretKey, inputs: SecretInputs): SecretInput =>
  inputs[key] ?? secret(requiredText(c, key));

const optionalSecret = (
  c: RawConfig,
  key: TextSecretKey,
  inputs: SecretInputs,
): SecretInput | undefined => {
  const value = c[key];
  return inputs[key] ?? (value === undefined ? undefined : secret(value));
};

function toTls(c: RawConfig, inputs: SecretInputs) {
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
        certificate: required(c, "tlsCertificate", inputs),
        privateKey: required(c, "tlsPrivateKey", inputs),
        /** The CA is public: plain text (unless a program gave an Output), shown and checked. */
        caCertificate: (inputs.tlsCaCertificate ?? requiredText(c, "tlsCaCertificate")) as
          string | pulumi.Output<string>,
      };
    case "ca-provided":
      return {
        ...common,
        mode: "ca-provided" as const,
        caCertificate: requiredText(c, "caCertificate"),
        caPrivateKey: required(c, "caPrivateKey", inputs),
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

function toAuth(c: RawConfig, inputs: SecretInputs) {
  switch (c.auth.mode) {
    case "ldap":
      return { ...c.auth, searchPassword: optionalSecret(c, "ldapSearchPassword", inputs) };
    case "oidc":
      return { ...c.auth, clientSecret: required(c, "oidcClientSecret", inputs) };
    default:
      return c.auth;
  }
}

function toDatabase(c: RawConfig, inputs: SecretInputs) {
  return c.database.type === "external"
    ? { ...c.database, password: required(c, "databasePassword", inputs) }
    : c.database;
}

function toRedis(c: RawConfig, inputs: SecretInputs) {
  return c.redis.type === "external"
    ? { ...c.redis, password: optionalSecret(c, "redisPassword", inputs) }
    : c.redis;
}

function toObjectStorage(c: RawConfig, inputs: SecretInputs) {
  const o = c.objectStorage;
  if (o === undefined) return undefined;
  // A Rook bucket's keys stay in the Secret Rook creates for the claim.
  if (o.type !== "s3") return o;
  const credentials =
    c.s3AccessKey !== undefined && c.s3SecretKey !== undefined
      ? {
          accessKey: required(c, "s3AccessKey", inputs),
          secretKey: required(c, "s3SecretKey", inputs),
        }
      : undefined;
  return { ...o, credentials };
}

function toTrust(c: RawConfig) {
  const nodes = c.trust.nodes;
  const hostsDir = nodes.hostsDir ?? DEFAULT_HOSTS_DIRS[nodes.runtime];
  return { nodes: { ...nodes, hostsDir }, namespaces: c.trust.namespaces };
}

/**
 * The registry-content keys as the `RegistryContent` component takes them, the registry secrets
 * wrapped as one Pulumi secret. In a plan without the stack's secrets (`UNKNOWN_SECRET`) the map is
 * empty: nothing is deployed from a plan.
 */
function toRegistryContent(c: RawConfig, inputs: SecretInputs) {
  const secrets = c.registrySecrets === UNKNOWN_SECRET ? {} : c.registrySecrets;
  return {
    api: c.api,
    registries: c.registries,
    registrySecrets:
      inputs.registrySecrets !== undefined
        ? pulumi.secret(inputs.registrySecrets)
        : secrets === undefined
          ? undefined
          : pulumi.secret(secrets),
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
 * The backup and restore settings, with a program's Output S3 keys in place of their stand-ins.
 */
function toBackup(c: RawConfig, inputs: SecretInputs) {
  const specs = toBackupSpecs(c, { ...backupContext(c), namespace: c.namespace });
  const backup = specs.backup;
  if (backup?.engine === "job" && backup.target.type === "s3") {
    const { accessKey, secretKey } = backup.target.credentials;
    backup.target.credentials = {
      accessKey: inputs.backupS3AccessKey ? pulumi.secret(inputs.backupS3AccessKey) : accessKey,
      secretKey: inputs.backupS3SecretKey ? pulumi.secret(inputs.backupS3SecretKey) : secretKey,
    };
  }
  return specs;
}

/**
 * Applies derived defaults and moves secret configuration into the parts that use it. Its result
 * type is the typed configuration (`HarborConfig`): inferred from the schema, never restated.
 * `protect` is decided by the caller (the stack program from the stack's name; a program
 * building `Harbor` says it or gets `true`). `inputs` are the secrets a program gave as Outputs.
 */
export function toHarborConfig(c: RawConfig, protect: boolean, inputs: SecretInputs = {}) {
  return {
    hostname: c.hostname,
    namespace: c.namespace,
    releaseName: c.releaseName,
    relocateFrom: c.relocateFrom,
    externalURL: c.externalURL,
    expose: c.expose,
    tls: toTls(c, inputs),
    storage: toStorage(c),
    chart: c.chart,
    deployMode: c.deployMode,
    adminPassword: optionalSecret(c, "adminPassword", inputs),
    auth: toAuth(c, inputs),
    database: toDatabase(c, inputs),
    redis: toRedis(c, inputs),
    objectStorage: toObjectStorage(c, inputs),
    replicas: c.replicas,
    trivy: c.trivy,
    metrics: c.metrics,
    proxy: c.proxy,
    ipFamily: c.ipFamily,
    scheduling: c.scheduling,
    imageRegistry: c.imageRegistry,
    trust: toTrust(c),
    kubernetes: c.kubernetes,
    protect,
    resources: c.resources,
    ...toBackup(c, inputs),
    /** Harbor's projects, robots, pull Secrets, mirrors and schedules (`harbor:projects`, ...). */
    content: toRegistryContent(c, inputs),
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
