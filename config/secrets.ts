/**
 * Secret keys: the rule each one's value is checked with, which lets the stand-in of a value not
 * known yet pass (`UNKNOWN_SECRET`: a stack file read without its secrets, an Output a program
 * gives), and how the typed configuration carries secrets (each a Pulumi secret, or the Output a
 * program gave in its place).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, issueMessage } from "./errors";
import type { RegistrySecret } from "./facts";
import { UNKNOWN_SECRET } from "./primitives";
import type { RawConfig, SecretKey } from "./schema";

/** A secret key's rule, which the unknown-value stand-in passes. */
export function secretValue(rule: z.ZodType<string>) {
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
export const known = (...values: string[]): boolean => values.every((v) => v !== UNKNOWN_SECRET);

/**
 * A secret as the typed configuration carries it: any Input, wrapped as a Pulumi secret here and
 * again by every component that passes it on (a library user may hand in a plain string).
 */
export type SecretInput = pulumi.Input<string>;

export const secret = (value: string): SecretInput => pulumi.secret(value);

/** Secrets whose value is one string (`registrySecrets` is a map). */
export type TextSecretKey = Exclude<SecretKey, "registrySecrets">;

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
export function requiredText(c: RawConfig, key: TextSecretKey | "caCertificate"): string {
  const value = c[key];
  if (value === undefined) {
    throw new ConfigError([
      `harbor:${key} is required: set it with \`pulumi config set${key === "caCertificate" ? "" : " --secret"} harbor:${key} <value>\``,
    ]);
  }
  return value;
}

export const required = (c: RawConfig, key: TextSecretKey, inputs: SecretInputs): SecretInput =>
  inputs[key] ?? secret(requiredText(c, key));

export const optionalSecret = (
  c: RawConfig,
  key: TextSecretKey,
  inputs: SecretInputs,
): SecretInput | undefined => {
  const value = c[key];
  return inputs[key] ?? (value === undefined ? undefined : secret(value));
};
