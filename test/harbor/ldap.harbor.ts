/**
 * A real Harbor started as an LDAP stack runs it: with the CONFIG_OVERWRITE_JSON document the
 * program hands the chart (`core.configureUserSettings`, lib/auth.ts `userSettingsJson`), passed
 * to core through the box's CORE_EXTRA_ENV. Harbor then makes its whole configuration read-only
 * through the API (goharbor/harbor src/controller/config/controller.go `OverwriteConfig` sets
 * `readOnlyForAll`; `UpdateUserConfigs` answers 403). Issue 19 item 1.
 */
import * as assert from "node:assert/strict";
import { projectInputs } from "../support/fixtures/harbor-scenario";
import {
  type HarborTarget,
  capturingStderr,
  portal,
  rejects,
  targetConnection,
} from "../support/fixtures/harbor-lifecycle";
import { configOf } from "../support/config";
import { resolve } from "../support/harness";
import { userSettingsJson } from "../../lib/auth";
import { memberInputs, systemInputs } from "../support/fixtures/harbor-scenario";
import {
  projectMemberProvider,
  projectProvider,
  systemSettingsProvider,
} from "../../lib/harbor-api/providers";
import { authModeGuardProvider } from "../../lib/harbor-api/providers/auth-mode";
import { type Box, skipReason, startBox } from "../support/harbor-box";

const reason = skipReason();

(reason ? describe.skip : describe)(
  `an LDAP stack's Harbor: configuration from CONFIG_OVERWRITE_JSON (${reason ?? process.env.HARBOR_BOX})`,
  function () {
    this.timeout(180000);
    let box: Box;
    let target: HarborTarget;
    let document: string;

    before(async function () {
      const config = configOf(
        {
          hostname: "harbor.example.com",
          auth: {
            mode: "ldap",
            ldap: {
              url: "ldap://127.0.0.1:1",
              baseDn: "dc=example,dc=com",
              searchDn: "cn=harbor,dc=example,dc=com",
              groupBaseDn: "ou=groups,dc=example,dc=com",
            },
          },
        },
        { ldapSearchPassword: "bind-Passw0rd" },
      );
      // Exactly what the program gives the chart for this stack with harbor:system set.
      document = await resolve(
        userSettingsJson(config.auth, { projectCreation: "adminonly", robotTokenDays: 45 })!,
      );
      box = await startBox({ coreExtraEnv: `CONFIG_OVERWRITE_JSON=${document}` });
      console.log(
        `      Harbor ${box.url} (LDAP, CONFIG_OVERWRITE_JSON) started in ${box.startSeconds.toFixed(1)} s`,
      );
      target = {
        url: box.url,
        adminPassword: box.adminPassword,
        addUser: () => Promise.reject(new Error("no database users under LDAP")),
        addLdapGroup: async (dn, name) => {
          await box.sql(
            `insert into user_group (group_name, group_type, ldap_group_dn, creation_time, update_time) values ('${name}', 1, '${dn.toLowerCase()}', now(), now())`,
          );
        },
        setScanner: () => Promise.resolve(),
        ageRobot: () => Promise.resolve(),
      };
    });
    after(async function () {
      await box?.stop();
    });

    it("applies harbor:system from the chart's user settings: Harbor runs with them, read-only", async function () {
      const config = await portal<Record<string, { value: unknown; editable: boolean }>>(
        target,
        "GET",
        "/configurations",
      );
      assert.deepEqual(
        ["auth_mode", "project_creation_restriction", "robot_token_duration"].map((k) => [
          config[k].value,
          config[k].editable,
        ]),
        [
          ["ldap_auth", false],
          ["adminonly", false],
          [45, false],
        ],
      );
    });

    it("an API change of the settings is refused by Harbor (403), and the provider says why and what to do", async function () {
      await rejects(
        systemSettingsProvider.create({ ...systemInputs(box.url), ...targetConnection(target) }),
        /^Harbor refused to change its configuration for harbor:system \(HTTP 403: current config is init by env variable: CONFIG_OVERWRITE_JSON, it cannot be updated\): it was started with CONFIG_OVERWRITE_JSON .*the Harbor component does so for harbor:system when harbor:auth\.mode is ldap or oidc$/,
      );
    });

    it("removing a SystemSettings resource left in the state drops it without a call Harbor refuses", async function () {
      const left = { ...systemInputs(box.url), ...targetConnection(target) };
      const { lines } = await capturingStderr(() =>
        systemSettingsProvider.delete!("system-settings", left),
      );
      assert.deepEqual(lines, [
        "warning: harbor:system: Harbor's configuration is read-only (CONFIG_OVERWRITE_JSON), so the settings stay as that document sets them; nothing is restored through the API",
      ]);
      const config = await portal<Record<string, { value: unknown }>>(
        target,
        "GET",
        "/configurations",
      );
      assert.equal(config.project_creation_restriction.value, "adminonly");
    });

    it("the rest of the content works: a project and an LDAP group member named with capitals", async function () {
      const c = targetConnection(target);
      const project = await projectProvider.create({
        ...projectInputs(box.url),
        ...c,
        name: "ldap-apps",
      });
      await target.addLdapGroup("cn=Platform,ou=groups,dc=example,dc=com", "platform");
      const member = {
        ...memberInputs(box.url, project.id),
        ...c,
        projectName: "ldap-apps",
        kind: "ldapGroup" as const,
        name: "CN=Platform,OU=Groups,DC=example,DC=com",
        role: "developer" as const,
      };
      const created = await projectMemberProvider.create(member);
      const read = await projectMemberProvider.read!(
        created.id,
        created.outs as Record<string, unknown>,
      );
      assert.equal((read.props as Record<string, unknown>).role, "developer");
      await projectMemberProvider.delete!(created.id, member);
      await projectProvider.delete!(project.id, {
        ...projectInputs(box.url),
        ...c,
        name: "ldap-apps",
      });
    });

    it("the auth-mode guard passes a stack whose mode Harbor already runs", async function () {
      const news = { ...targetConnection(target), authMode: "ldap" as const };
      assert.deepEqual(
        await authModeGuardProvider.check!({ ...news, authMode: "database" }, news),
        {
          inputs: news,
        },
      );
      assert.ok(!document.includes(" "), "the box passes CORE_EXTRA_ENV values without spaces");
    });
  },
);
