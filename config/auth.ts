/**
 * How users log in: `harbor:auth` (Harbor's own database, LDAP or OIDC) with the secrets
 * `ldapSearchPassword` and `oidcClientSecret`, and the initial password of Harbor's `admin`
 * (`adminPassword`).
 */
import { z } from "zod";
import {
  bool,
  claimName,
  displayText,
  hasControlCharacters,
  httpsUrl,
  ldapAttribute,
  ldapDn,
  ldapFilter,
  ldapUrl,
  oidcScopes,
  requiredKeysObject,
  secretText,
  strictObject,
  token,
  UNKNOWN_SECRET,
  variants,
} from "./primitives";
import type { Checks, RawConfig } from "./schema";
import { optionalSecret, required, secretValue, type SecretInputs } from "./secrets";

const authSchema = variants("mode", "database", [
  strictObject({
    mode: z
      .literal("database")
      .describe("How users log in: Harbor's own `database`, `ldap` or `oidc`."),
  }),
  strictObject({
    mode: z.literal("ldap"),
    ldap: requiredKeysObject(
      strictObject({
        url: ldapUrl({
          credentials:
            "put the bind DN in harbor:auth.ldap.searchDn and its password in the secret harbor:ldapSearchPassword",
        }).describe("`ldap://host[:port]` or `ldaps://host[:port]` of the directory."),
        baseDn: ldapDn().describe("DN users are searched under."),
        searchDn: ldapDn("a DN")
          .optional()
          .describe(
            "DN Harbor binds as to search (anonymous when unset); its password in `harbor:ldapSearchPassword`.",
          ),
        uid: ldapAttribute().default("uid").describe("Attribute matched against the login name."),
        filter: ldapFilter().optional().describe("Extra LDAP filter users must match."),
        scope: z
          .enum(["base", "onelevel", "subtree"], { error: "must be base, onelevel or subtree" })
          .default("subtree")
          .describe("Search scope under `baseDn`."),
        verifyCert: bool().default(true).describe("Verify the directory's TLS certificate."),
        groupBaseDn: ldapDn("a DN").optional().describe("DN groups are searched under."),
        groupSearchFilter: ldapFilter().optional().describe("LDAP filter groups must match."),
        groupAttributeName: ldapAttribute()
          .optional()
          .describe("Attribute holding a group's name (such as `cn`)."),
        groupAdminDn: ldapDn("a DN")
          .optional()
          .describe("DN of the group whose members are Harbor administrators."),
      }),
    ).describe(
      "`{url, baseDn, searchDn, uid: uid, filter, scope: subtree, verifyCert: true, groupBaseDn, groupSearchFilter, groupAttributeName, groupAdminDn}`; bind password in secret `harbor:ldapSearchPassword` (required with `searchDn`). `ldaps://host:636` is written as `ldaps://host` because Harbor rejects the explicit default port.",
    ),
  }),
  strictObject({
    mode: z.literal("oidc"),
    oidc: requiredKeysObject(
      strictObject({
        name: displayText("a display name", 64)
          .default("OIDC")
          .describe("Name of the login button."),
        endpoint: httpsUrl({
          credentials: "the client secret belongs in the secret harbor:oidcClientSecret",
        }).describe("Issuer URL of the OIDC provider (https)."),
        clientId: token("the client ID registered for Harbor").describe(
          "Client ID registered for Harbor at the provider; its secret in `harbor:oidcClientSecret`.",
        ),
        scope: oidcScopes()
          .default("openid,profile,email,offline_access")
          .describe("Scopes Harbor requests, comma-separated."),
        groupsClaim: claimName().optional().describe("Claim of the ID token that lists groups."),
        adminGroup: displayText("a group name")
          .optional()
          .describe("Group whose members are Harbor administrators."),
        autoOnboard: bool()
          .default(false)
          .describe("Create users on their first login without asking for a user name."),
        userClaim: claimName()
          .optional()
          .describe("Claim Harbor takes the user name from (with `autoOnboard`)."),
        verifyCert: bool().default(true).describe("Verify the provider's TLS certificate."),
      }),
    ).describe(
      '`{name: OIDC, endpoint (https), clientId, scope: "openid,profile,email,offline_access", groupsClaim, adminGroup, autoOnboard: false, userClaim, verifyCert: true}`; secret `harbor:oidcClientSecret`.',
    ),
  }),
]).prefault({});

/**
 * Advice about a configured admin password that Harbor takes as its initial password but would not
 * accept later: Harbor sets HARBOR_ADMIN_PASSWORD without checking it (goharbor/harbor
 * src/core/main.go, `updateInitPasswordWithMgr`), while its API and portal require upper case,
 * lower case and a digit for every password set afterwards (src/server/v2.0/handler/user.go,
 * `requireValidSecret`). A hex password (`openssl rand -hex 16`) is a valid initial one. The
 * value is never echoed.
 */
export function adminPasswordWarnings(password: string | undefined): string[] {
  if (password === undefined || password === UNKNOWN_SECRET) return [];
  const missing = [
    /[A-Z]/.test(password) ? undefined : "upper case",
    /[a-z]/.test(password) ? undefined : "lower case",
    /\d/.test(password) ? undefined : "a digit",
  ].filter((m): m is string => m !== undefined);
  return missing.length === 0
    ? []
    : [
        `harbor:adminPassword lacks ${missing.join(" and ")}: Harbor takes it as the initial admin password, but its portal and API require upper case, lower case and a digit for every password set later, so this one cannot be set again there.`,
      ];
}

/** The keys, in the order the schema lists them. */
export const authKeys = {
  auth: authSchema.meta({
    description: "Directory login.",
    docNotes:
      "With `ldap` or `oidc` these settings, and the `system` settings, reach Harbor as `CONFIG_OVERWRITE_JSON` (the chart's `core.configureUserSettings`): Harbor applies them at every start and then makes its whole configuration read-only, in its UI and its API. See [docs/production.md](docs/production.md#directory-login).",
  }),
  adminPassword: secretValue(
    z
      .string({ error: "must be a string" })
      .refine((v) => v.length >= 8 && v.length <= 128, {
        error: "must be 8-128 characters (Harbor's rule)",
      })
      .refine((v) => v !== "Harbor12345", { error: "must not be the chart's default password" })
      .refine((v) => !hasControlCharacters(v), {
        error: "must not contain control characters or line breaks",
      }),
  )
    .optional()
    .meta({
      docDefault: "generated",
      description:
        "Initial `admin` password, 8-128 characters; without upper case, lower case and a digit (the rule Harbor applies to passwords changed later) it gets a warning. Generated: 24 letters and digits.",
    }),
  ldapSearchPassword: secretValue(secretText("a non-empty password"))
    .optional()
    .describe("Bind password of `auth.ldap.searchDn` (required with it)."),
  oidcClientSecret: secretValue(secretText("a non-empty client secret"))
    .optional()
    .describe("Client secret when `auth.mode` is `oidc`."),
};

/** The directory's secrets, required by its mode and refused by the others. */
export function checkAuth(c: RawConfig, { issue, requireSecret }: Checks): void {
  if (c.auth.mode === "ldap" && c.auth.ldap.searchDn !== undefined) {
    requireSecret("ldapSearchPassword", "harbor:auth.ldap.searchDn is set");
  }
  if (c.auth.mode === "oidc") {
    requireSecret("oidcClientSecret", "harbor:auth.mode is oidc");
  }
  if (c.auth.mode !== "ldap" && c.ldapSearchPassword !== undefined) {
    issue(["ldapSearchPassword"], `is only used when harbor:auth.mode is ldap`);
  }
  if (c.auth.mode !== "oidc" && c.oidcClientSecret !== undefined) {
    issue(["oidcClientSecret"], `is only used when harbor:auth.mode is oidc`);
  }
}

/** The login mode with its secret. */
export function toAuth(c: RawConfig, inputs: SecretInputs) {
  switch (c.auth.mode) {
    case "ldap":
      return { ...c.auth, searchPassword: optionalSecret(c, "ldapSearchPassword", inputs) };
    case "oidc":
      return { ...c.auth, clientSecret: required(c, "oidcClientSecret", inputs) };
    default:
      return c.auth;
  }
}
