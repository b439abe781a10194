/**
 * System settings (`harbor:system`): /configurations, always present (taken over without
 * `import`), in stacks whose Harbor accepts configuration changes through its API.
 *
 * A Harbor started with CONFIG_OVERWRITE_JSON (the chart's `core.configureUserSettings`, which the
 * program sets for LDAP and OIDC authentication) refuses every configuration change with 403:
 * `OverwriteConfig` sets `readOnlyForAll`, and `UpdateUserConfigs` then answers "current config is
 * init by env variable: CONFIG_OVERWRITE_JSON, it cannot be updated" (goharbor/harbor
 * src/controller/config/controller.go); GET /configurations shows every item `editable: false`.
 * In such stacks the program passes these settings in CONFIG_OVERWRITE_JSON itself and declares
 * no resource of this kind. One left over from an earlier version is dropped on removal without a
 * call that Harbor would refuse.
 */
import { type HarborConnection, harborError, harborRequest, isHarborError } from "../client";
import {
  type SystemSettingsInputs,
  SYSTEM_DEFAULTS,
  SYSTEM_RULES,
  observeSystemSettings,
  systemSettingsBody,
} from "../model";
import type { ConfigurationsResponse } from "../types";
import { type Props, singletonProvider, warn } from "./common";

/** Pulumi ID of the system settings. */
export const SYSTEM_SETTINGS_ID = "system-settings";

async function configurations(conn: HarborConnection): Promise<ConfigurationsResponse> {
  return (await harborRequest<ConfigurationsResponse>(conn, "GET", "/configurations")).body;
}

/** Whether Harbor's configuration is locked by CONFIG_OVERWRITE_JSON. */
export function isReadOnly(c: ConfigurationsResponse): boolean {
  return c.project_creation_restriction?.editable === false;
}

/** The operator's explanation of Harbor's 403 on a locked configuration. */
function locked(error: unknown, configKey: string): unknown {
  if (isHarborError(error, "http", 403)) {
    const detail = (error as { harbor: { detail?: string } }).harbor.detail ?? "";
    return harborError(
      "http",
      `Harbor refused to change its configuration for ${configKey} (HTTP 403: ${detail}): it ` +
        "was started with CONFIG_OVERWRITE_JSON (the chart's core.configureUserSettings, set " +
        "for LDAP and OIDC authentication), which makes every setting read-only. Pass these " +
        "settings in that document instead: the Harbor component does so for harbor:system " +
        "when harbor:auth.mode is ldap or oidc",
      { status: 403, detail },
    );
  }
  return error;
}

export const systemSettingsProvider = singletonProvider<SystemSettingsInputs>({
  id: SYSTEM_SETTINGS_ID,
  rules: SYSTEM_RULES,
  what: "system settings",
  alwaysPresent: true,
  async current(conn, props) {
    const seen = observeSystemSettings(await configurations(conn));
    const out: Props = {};
    if (props.projectCreationRestriction !== undefined) {
      out.projectCreationRestriction = seen.projectCreationRestriction;
    }
    if (props.robotTokenDays !== undefined) out.robotTokenDays = seen.robotTokenDays;
    return out;
  },
  async apply(conn, i) {
    await harborRequest(conn, "PUT", "/configurations", { body: systemSettingsBody(i) });
  },
  async reset(conn, props) {
    if (isReadOnly(await configurations(conn))) {
      warn(
        `${props.configKey}: Harbor's configuration is read-only (CONFIG_OVERWRITE_JSON), so ` +
          "the settings stay as that document sets them; nothing is restored through the API",
      );
      return;
    }
    const restore = {
      ...(props.projectCreationRestriction !== undefined
        ? {
            projectCreationRestriction: SYSTEM_DEFAULTS.projectCreationRestriction as
              "adminonly" | "everyone",
          }
        : {}),
      ...(props.robotTokenDays !== undefined
        ? { robotTokenDays: SYSTEM_DEFAULTS.robotTokenDays }
        : {}),
    };
    await harborRequest(conn, "PUT", "/configurations", { body: systemSettingsBody(restore) });
  },
  explain: (error, i) => locked(error, i.configKey),
});
