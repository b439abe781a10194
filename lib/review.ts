/**
 * Harbor's chart values as a reviewer may see them: every credential replaced by `REDACTED`, the
 * rest exactly as the release gets it. A helm.v3.Release's `values` input holds credentials, so
 * Pulumi shows it as one `[secret]`; exported as a plain stack output, this copy makes
 * `pulumi preview` print what really changes in Harbor's values (`~ chartValues: ...`).
 */
import * as pulumi from "@pulumi/pulumi";
import type { AuthSpec, HarborSettings } from "../config/types";
import { type SystemSettingsSpec, ldapSettings, oidcSettings, systemSettings } from "./auth";
import type { HarborValues } from "./harbor-values";
import { buildHarborValues, type HarborCredentials, type ValuesContext } from "./values";

/** What a credential reads as in the reviewable values. */
export const REDACTED = "(secret)";

/**
 * A copy of `value` with every Output replaced by `REDACTED`. In a validated configuration every
 * Output is secret configuration (`SecretString`); everything else is plain data.
 */
export function redactOutputs<T>(value: T): T {
  if (pulumi.Output.isInstance(value)) return pulumi.output(REDACTED) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactOutputs(v)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactOutputs(v)])) as T;
  }
  return value;
}

/** Every credential `REDACTED`, except the registry's user name, which is not one. */
export function redactedCredentials(credentials: HarborCredentials): HarborCredentials {
  const redacted = Object.fromEntries(Object.keys(credentials).map((k) => [k, REDACTED]));
  return {
    ...(redacted as unknown as HarborCredentials),
    registryUsername: credentials.registryUsername,
  };
}

/** CONFIG_OVERWRITE_JSON with the bind password or client secret `REDACTED`. */
export function reviewableUserSettings(
  auth: AuthSpec,
  system?: SystemSettingsSpec,
): string | undefined {
  switch (auth.mode) {
    case "database":
      return undefined;
    case "ldap":
      return JSON.stringify({
        ...ldapSettings(auth.ldap, auth.searchPassword === undefined ? undefined : REDACTED),
        ...systemSettings(system),
      });
    case "oidc":
      return JSON.stringify({ ...oidcSettings(auth.oidc, REDACTED), ...systemSettings(system) });
  }
}

/** `buildHarborValues` with every credential `REDACTED`; never a secret. */
export function reviewableValues(
  config: HarborSettings,
  ctx: ValuesContext,
): pulumi.Output<HarborValues> {
  const values = buildHarborValues(redactOutputs(config), {
    ...ctx,
    credentials: redactedCredentials(ctx.credentials),
    userSettings: reviewableUserSettings(config.auth, config.content.system),
  });
  return pulumi.output(values);
}
