/**
 * Harbor's authentication settings as the JSON Harbor reads from CONFIG_OVERWRITE_JSON (the chart's
 * `core.configureUserSettings`). Settings given this way become read-only in Harbor's UI.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AuthSpec, LdapAuth, OidcAuth } from "../config/types";

const LDAP_SCOPE = { base: 0, onelevel: 1, subtree: 2 } as const;

/**
 * Harbor rejects an LDAP URL that spells out the scheme's default port (`ldaps://host:636`, seed
 * 000); drop the default port and any trailing slash.
 */
export function normalizeLdapUrl(url: string): string {
  const m = /^(ldaps?):\/\/([^/]+?)\/?$/.exec(url);
  if (!m) return url;
  const [, scheme, authority] = m;
  const defaultPort = scheme === "ldaps" ? "636" : "389";
  const host = authority.endsWith(`:${defaultPort}`)
    ? authority.slice(0, -defaultPort.length - 1)
    : authority;
  return `${scheme}://${host}`;
}

type Settings = Record<string, string | number | boolean>;

/** Drops unset entries so Harbor keeps its own defaults for them. */
function compact(settings: Record<string, string | number | boolean | undefined>): Settings {
  return Object.fromEntries(
    Object.entries(settings).filter(
      (e): e is [string, string | number | boolean] => e[1] !== undefined,
    ),
  );
}

export function ldapSettings(ldap: LdapAuth["ldap"], searchPassword?: string): Settings {
  return compact({
    auth_mode: "ldap_auth",
    ldap_url: normalizeLdapUrl(ldap.url),
    ldap_base_dn: ldap.baseDn,
    ldap_search_dn: ldap.searchDn,
    ldap_search_password: searchPassword,
    ldap_uid: ldap.uid,
    ldap_filter: ldap.filter,
    ldap_scope: LDAP_SCOPE[ldap.scope],
    ldap_verify_cert: ldap.verifyCert,
    ldap_group_base_dn: ldap.groupBaseDn,
    ldap_group_search_filter: ldap.groupSearchFilter,
    ldap_group_attribute_name: ldap.groupAttributeName,
    ldap_group_admin_dn: ldap.groupAdminDn,
  });
}

export function oidcSettings(oidc: OidcAuth["oidc"], clientSecret: string): Settings {
  return compact({
    auth_mode: "oidc_auth",
    oidc_name: oidc.name,
    oidc_endpoint: oidc.endpoint,
    oidc_client_id: oidc.clientId,
    oidc_client_secret: clientSecret,
    oidc_scope: oidc.scope,
    oidc_groups_claim: oidc.groupsClaim,
    oidc_admin_group: oidc.adminGroup,
    oidc_auto_onboard: oidc.autoOnboard,
    oidc_user_claim: oidc.userClaim,
    oidc_verify_cert: oidc.verifyCert,
  });
}

/** `harbor:system`: the settings an operator sets once. */
export interface SystemSettingsSpec {
  projectCreation?: "adminonly" | "everyone";
  robotTokenDays?: number;
}

/** Harbor's defaults of the `harbor:system` settings (its config metadata in src/lib/config). */
export const HARBOR_SYSTEM_DEFAULTS = {
  project_creation_restriction: "everyone",
  robot_token_duration: 30,
} as const;

/**
 * The `harbor:system` settings as CONFIG_OVERWRITE_JSON entries. Harbor makes its whole
 * configuration read-only when started with that document (goharbor/harbor
 * src/controller/config/controller.go `OverwriteConfig` sets `readOnlyForAll`, and
 * `UpdateUserConfigs` then refuses every API change with 403), so in LDAP and OIDC stacks these
 * settings travel in the document instead of through the API. Unset ones carry Harbor's defaults:
 * Harbor keeps the last value the document gave, and nothing else could ever reset it.
 */
export function systemSettings(system: SystemSettingsSpec | undefined): Settings {
  return {
    project_creation_restriction:
      system?.projectCreation ?? HARBOR_SYSTEM_DEFAULTS.project_creation_restriction,
    robot_token_duration: system?.robotTokenDays ?? HARBOR_SYSTEM_DEFAULTS.robot_token_duration,
  };
}

/**
 * The CONFIG_OVERWRITE_JSON document for `auth` (and the `harbor:system` settings), as a Pulumi
 * secret (it carries the bind password or client secret); undefined for database authentication,
 * which needs no overrides and keeps Harbor's configuration editable.
 */
export function userSettingsJson(
  auth: AuthSpec,
  system?: SystemSettingsSpec,
): pulumi.Output<string> | undefined {
  switch (auth.mode) {
    case "database":
      return undefined;
    case "ldap":
      return pulumi.secret(
        pulumi
          .output(auth.searchPassword)
          .apply((pw) =>
            JSON.stringify({ ...ldapSettings(auth.ldap, pw), ...systemSettings(system) }),
          ),
      );
    case "oidc":
      return pulumi.secret(
        pulumi
          .output(auth.clientSecret)
          .apply((secret) =>
            JSON.stringify({ ...oidcSettings(auth.oidc, secret), ...systemSettings(system) }),
          ),
      );
  }
}
