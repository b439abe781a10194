/**
 * Harbor's PostgreSQL (`harbor:database`: the chart's, an external server, or a CloudNativePG
 * Cluster) and Redis (`harbor:redis`: the chart's, or an external server or Sentinel), with the
 * secrets `databasePassword` and `redisPassword`.
 */
import { z } from "zod";
import { cloudNativePgDatabaseSchema } from "./ha";
import {
  bool,
  HOST_PORT_EXPECTED,
  hostOrIp,
  hostPortProblem,
  intRange,
  postgresIdentifier,
  postgresUserName,
  quoted,
  redisUsername,
  secretText,
  sentinelMasterSet,
  strictObject,
  variants,
} from "./primitives";
import type { Checks, RawConfig } from "./schema";
import { optionalSecret, required, secretValue, type SecretInputs } from "./secrets";

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

/** The keys, in the order the schema lists them. */
export const databaseKeys = {
  database: databaseSchema.describe("Harbor's PostgreSQL."),
  redis: redisSchema.describe("Harbor's Redis."),
  databasePassword: secretValue(secretText("a non-empty password"))
    .optional()
    .describe("Password of `database.username` when `database.type` is `external`."),
  redisPassword: secretValue(secretText("a non-empty password"))
    .optional()
    .describe("Password of an external Redis, if it needs one."),
};

/** The passwords, required or refused by the type of each service. */
export function checkDatabase(c: RawConfig, { issue, requireSecret }: Checks): void {
  if (c.database.type === "external") {
    requireSecret("databasePassword", "harbor:database.type is external");
  } else if (c.databasePassword !== undefined) {
    issue(["databasePassword"], "is only used when harbor:database.type is external");
  }
  if (c.redis.type === "internal" && c.redisPassword !== undefined) {
    issue(["redisPassword"], "is only used when harbor:redis.type is external");
  }
}

/** The database with its password. */
export function toDatabase(c: RawConfig, inputs: SecretInputs) {
  return c.database.type === "external"
    ? { ...c.database, password: required(c, "databasePassword", inputs) }
    : c.database;
}

/** Redis with its password. */
export function toRedis(c: RawConfig, inputs: SecretInputs) {
  return c.redis.type === "external"
    ? { ...c.redis, password: optionalSecret(c, "redisPassword", inputs) }
    : c.redis;
}
