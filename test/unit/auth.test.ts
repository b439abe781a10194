import { strict as assert } from "node:assert";
import { ldapSettings, normalizeLdapUrl, oidcSettings, userSettingsJson } from "../../lib/auth";
import { isSecret, resolve } from "../support/harness";
import { configOf } from "../support/config";

const host = { hostname: "harbor.example.com" };

describe("auth: LDAP URL normalisation (Harbor rejects ldaps://host:636)", () => {
  const cases: [string, string][] = [
    ["ldaps://ldap.example.com:636", "ldaps://ldap.example.com"],
    ["ldap://ldap.example.com:389/", "ldap://ldap.example.com"],
    ["ldaps://ldap.example.com:3269", "ldaps://ldap.example.com:3269"],
    ["ldap://10.0.0.7:636", "ldap://10.0.0.7:636"],
    ["ldaps://ldap.example.com", "ldaps://ldap.example.com"],
  ];
  for (const [input, expected] of cases) {
    it(`${input} -> ${expected}`, () => assert.equal(normalizeLdapUrl(input), expected));
  }
});

describe("auth: CONFIG_OVERWRITE_JSON", () => {
  it("database auth needs no overrides", () => {
    assert.equal(userSettingsJson(configOf(host).auth), undefined);
  });

  it("LDAP: auth_mode ldap_auth, every setting given, bind password inside a secret", async () => {
    const config = configOf(
      {
        ...host,
        auth: {
          mode: "ldap",
          ldap: {
            url: "ldaps://ldap.example.com:636",
            baseDn: "ou=people,dc=example,dc=com",
            searchDn: "cn=harbor,dc=example,dc=com",
            filter: "(objectClass=person)",
            scope: "onelevel",
            verifyCert: false,
            groupBaseDn: "ou=groups,dc=example,dc=com",
            groupSearchFilter: "(objectClass=groupOfNames)",
            groupAttributeName: "cn",
            groupAdminDn: "cn=admins,ou=groups,dc=example,dc=com",
          },
        },
      },
      { ldapSearchPassword: "bind-pw" },
    );
    const json = userSettingsJson(config.auth)!;
    assert.equal(await isSecret(json), true);
    assert.deepEqual(JSON.parse(await resolve(json)), {
      auth_mode: "ldap_auth",
      ldap_url: "ldaps://ldap.example.com",
      ldap_base_dn: "ou=people,dc=example,dc=com",
      ldap_search_dn: "cn=harbor,dc=example,dc=com",
      ldap_search_password: "bind-pw",
      ldap_uid: "uid",
      ldap_filter: "(objectClass=person)",
      ldap_scope: 1,
      ldap_verify_cert: false,
      ldap_group_base_dn: "ou=groups,dc=example,dc=com",
      ldap_group_search_filter: "(objectClass=groupOfNames)",
      ldap_group_attribute_name: "cn",
      ldap_group_admin_dn: "cn=admins,ou=groups,dc=example,dc=com",
      // harbor:system travels here too (Harbor's API refuses it under CONFIG_OVERWRITE_JSON):
      // Harbor's defaults when the stack sets none.
      project_creation_restriction: "everyone",
      robot_token_duration: 30,
    });
    const withSystem = userSettingsJson(config.auth, {
      projectCreation: "adminonly",
      robotTokenDays: 90,
    })!;
    const system = JSON.parse(await resolve(withSystem)) as Record<string, unknown>;
    assert.deepEqual(
      [system.auth_mode, system.project_creation_restriction, system.robot_token_duration],
      ["ldap_auth", "adminonly", 90],
    );
  });

  it("LDAP with anonymous search: no password key at all", () => {
    assert.deepEqual(
      ldapSettings({
        url: "ldap://ldap.lan",
        baseDn: "dc=lan",
        uid: "sAMAccountName",
        scope: "subtree",
        verifyCert: true,
      }),
      {
        auth_mode: "ldap_auth",
        ldap_url: "ldap://ldap.lan",
        ldap_base_dn: "dc=lan",
        ldap_uid: "sAMAccountName",
        ldap_scope: 2,
        ldap_verify_cert: true,
      },
    );
  });

  it("OIDC: auth_mode oidc_auth with the client secret, as a secret", async () => {
    const config = configOf(
      {
        ...host,
        auth: {
          mode: "oidc",
          oidc: {
            endpoint: "https://sso.example.com/realms/platform",
            clientId: "harbor",
            groupsClaim: "groups",
            adminGroup: "registry-admins",
            autoOnboard: true,
            userClaim: "preferred_username",
          },
        },
      },
      { oidcClientSecret: "client-secret" },
    );
    const json = userSettingsJson(config.auth)!;
    assert.equal(await isSecret(json), true);
    assert.deepEqual(JSON.parse(await resolve(json)), {
      auth_mode: "oidc_auth",
      oidc_name: "OIDC",
      oidc_endpoint: "https://sso.example.com/realms/platform",
      oidc_client_id: "harbor",
      oidc_client_secret: "client-secret",
      oidc_scope: "openid,profile,email,offline_access",
      oidc_groups_claim: "groups",
      oidc_admin_group: "registry-admins",
      oidc_auto_onboard: true,
      oidc_user_claim: "preferred_username",
      oidc_verify_cert: true,
      project_creation_restriction: "everyone",
      robot_token_duration: 30,
    });
  });

  it("oidcSettings leaves out what is not configured", () => {
    assert.deepEqual(
      Object.keys(
        oidcSettings(
          {
            name: "SSO",
            endpoint: "https://sso",
            clientId: "c",
            scope: "openid",
            autoOnboard: false,
            verifyCert: true,
          },
          "s",
        ),
      ),
      [
        "auth_mode",
        "oidc_name",
        "oidc_endpoint",
        "oidc_client_id",
        "oidc_client_secret",
        "oidc_scope",
        "oidc_auto_onboard",
        "oidc_verify_cert",
      ],
    );
  });
});
