/**
 * The one place that reads `harbor:` configuration: raw values in, a validated `HarborConfig` out,
 * or a `ConfigError` listing every problem before anything is deployed. The schema is composed in
 * schema.ts; `toHarborConfig` composes each section's mapping to the typed configuration.
 */
import * as pulumi from "@pulumi/pulumi";
import { adminPasswordWarnings, toAuth } from "./auth";
import { backupContext, backupWarnings, toBackup } from "./backup";
import { toDatabase, toRedis } from "./database";
import { ConfigError, formatIssues, issueMessage, show, type Audience } from "./errors";
import type { HarborArgs } from "./harbor-args";
import { toObjectStorage } from "./object-storage";
import { toRegistryContent } from "./registry-content";
import { namespaceWarnings } from "./scalars";
import {
  OBJECT_KEYS,
  SECRET_KEYS,
  UNKNOWN_SECRET,
  rawConfigSchema,
  type RawConfig,
} from "./schema";
import { optionalSecret, type SecretInputs } from "./secrets";
import { toStorage } from "./storage";
import { toTls } from "./tls";
import { toTrust } from "./trust";

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
 * Stacks named `dev` (or `dev-*`, `dev_*`, `dev.*`) are labs: data protection is off unless asked
 * for. Any other name, a copy of the dev stack's file included, is protected.
 */
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
