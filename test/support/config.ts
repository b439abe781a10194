/** Shared helpers for tests of pure logic: typed configs from raw values, plain credentials. */
import { loadConfig } from "../../config/load";
import type { HarborConfig } from "../../config/types";
import type { HarborCredentials, ValuesContext } from "../../lib/values";

/**
 * Validates a raw `harbor:` configuration the way the program does (objects as JSON strings,
 * secrets marked secret) and returns the typed config.
 */
export function configOf(
  raw: Record<string, unknown>,
  secrets: Record<string, string> = {},
  stack = "test",
): HarborConfig {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    values[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  Object.assign(values, secrets);
  return loadConfig({ stack, values, isSecret: (k) => k in secrets });
}

/** The problem lines loadConfig reports for a configuration (fails if it is accepted). */
export function problemsOf(
  raw: Record<string, unknown>,
  secrets: Record<string, string> = {},
  stack = "test",
): string[] {
  try {
    configOf(raw, secrets, stack);
  } catch (err) {
    const problems = (err as { problems?: string[] }).problems;
    if (problems) return problems;
    throw err;
  }
  throw new Error("configuration was accepted");
}

/** Recognisable stand-ins for every pinned credential. */
export const CREDENTIALS: HarborCredentials = {
  adminPassword: "admin-PASSWORD-1",
  secretKey: "sixteen-chars-ok",
  coreSecret: "core-secret",
  jobserviceSecret: "jobservice-secret",
  registrySecret: "registry-secret",
  xsrfKey: "xsrf-key-of-thirty-two-chars-xxx",
  registryUsername: "harbor_registry_user",
  registryPassword: "registry-password",
  registryHtpasswd: "harbor_registry_user:$2a$10$hash",
  databasePassword: "database-password",
  tokenKey: "TOKEN KEY PEM",
  tokenCert: "TOKEN CERT PEM",
};

export function contextOf(overrides: Partial<ValuesContext> = {}): ValuesContext {
  return {
    tlsSecretName: "harbor-tls",
    tlsCertificateSha256: "cert-sha256",
    credentials: CREDENTIALS,
    storageClassName: "harbor-local-path",
    ...overrides,
  };
}

/** Harbor's image references by image name: `<registry>/goharbor/<name>:<tag>`. */
export function goharborImages(
  names: readonly string[],
  tag = "v2.15.1",
  registry = "docker.io",
): string[] {
  return names.map((name) => `${registry}/goharbor/${name}:${tag}`);
}

/** The Harbor images every configuration runs, in the chart's order. */
export const CORE_HARBOR_IMAGE_NAMES = [
  "harbor-portal",
  "harbor-core",
  "harbor-jobservice",
  "registry-photon",
  "harbor-registryctl",
] as const;

/** The internal database and Redis. */
export const INTERNAL_SERVICE_IMAGE_NAMES = ["harbor-db", "redis-photon"] as const;

/**
 * The Harbor images Pulumi.prod.yaml runs: behind an Ingress (no nginx), Trivy, external
 * PostgreSQL and Redis (no harbor-db, no redis-photon), metrics on (the exporter).
 */
export const PROD_HARBOR_IMAGE_NAMES = [
  ...CORE_HARBOR_IMAGE_NAMES,
  "trivy-adapter-photon",
  "harbor-exporter",
] as const;
