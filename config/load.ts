/**
 * The one place that reads `harbor:` configuration: raw values in, a validated `HarborConfig` out,
 * or a `ConfigError` listing every problem before anything is deployed.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, formatIssues, show } from "./errors";
import { OBJECT_KEYS, SECRET_KEYS, rawConfigSchema, type RawConfig } from "./schema";
import type { HarborConfig, StorageSpec, TlsSpec } from "./types";

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
  const parsed = rawConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    // Never echo a value the operator stored as a secret, whichever key it is.
    const secretKeys = [
      ...SECRET_KEYS,
      ...Object.keys(source.values).filter((k) => source.isSecret(k)),
    ];
    problems.push(...formatIssues(parsed.error.issues, secretKeys, TOP_LEVEL_KEYS));
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(problems);
  }
  return toHarborConfig(parsed.data, source.stack);
}

const secret = (value: string): pulumi.Output<string> => pulumi.secret(value);

function toTls(c: RawConfig): TlsSpec {
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
        mode: "provided",
        certificate: secret(c.tlsCertificate!),
        privateKey: secret(c.tlsPrivateKey!),
        caCertificate: c.tlsCaCertificate!,
      };
    case "ca-provided":
      return {
        ...common,
        mode: "ca-provided",
        caCertificate: c.caCertificate!,
        caPrivateKey: secret(c.caPrivateKey!),
      };
    default:
      return { ...common, mode: c.tls.mode };
  }
}

function toStorage(c: RawConfig): StorageSpec {
  const s = c.storage;
  const className = s.className ?? `${c.namespace}-${s.variant}`;
  const accessMode = s.accessMode ?? (s.variant === "nfs" ? "ReadWriteMany" : "ReadWriteOnce");
  return { ...s, className, accessMode };
}

/** Applies derived defaults and moves secret config into the parts that use it. */
export function toHarborConfig(c: RawConfig, stack: string): HarborConfig {
  const auth: HarborConfig["auth"] =
    c.auth.mode === "ldap"
      ? {
          ...c.auth,
          searchPassword:
            c.ldapSearchPassword === undefined ? undefined : secret(c.ldapSearchPassword),
        }
      : c.auth.mode === "oidc"
        ? { ...c.auth, clientSecret: secret(c.oidcClientSecret!) }
        : c.auth;
  const database: HarborConfig["database"] =
    c.database.type === "external"
      ? { ...c.database, password: secret(c.databasePassword!) }
      : c.database;
  const redis: HarborConfig["redis"] =
    c.redis.type === "external"
      ? {
          ...c.redis,
          password: c.redisPassword === undefined ? undefined : secret(c.redisPassword),
        }
      : c.redis;
  const objectStorage: HarborConfig["objectStorage"] = c.objectStorage && {
    ...c.objectStorage,
    credentials:
      c.s3AccessKey !== undefined && c.s3SecretKey !== undefined
        ? { accessKey: secret(c.s3AccessKey), secretKey: secret(c.s3SecretKey) }
        : undefined,
  };
  const runtime = c.trust.nodes.runtime;
  return {
    hostname: c.hostname,
    namespace: c.namespace,
    releaseName: c.releaseName,
    externalURL: c.externalURL,
    expose: c.expose,
    tls: toTls(c),
    storage: toStorage(c),
    chart: c.chart,
    deployMode: c.deployMode,
    adminPassword: c.adminPassword === undefined ? undefined : secret(c.adminPassword),
    auth,
    database,
    redis,
    objectStorage,
    replicas: c.replicas,
    trivy: c.trivy,
    metrics: c.metrics,
    proxy: c.proxy,
    ipFamily: c.ipFamily,
    scheduling: c.scheduling,
    imageRegistry: c.imageRegistry,
    trust: {
      nodes: {
        ...c.trust.nodes,
        hostsDir:
          c.trust.nodes.hostsDir ??
          (runtime === "containerd" ? "/etc/containerd/certs.d" : "/etc/docker/certs.d"),
      },
      namespaces: c.trust.namespaces,
    },
    kubernetes: c.kubernetes,
    protect: c.protect ?? !isDevStack(stack),
  };
}
