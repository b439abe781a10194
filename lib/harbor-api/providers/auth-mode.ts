/**
 * The authentication-mode guard: records `harbor:auth.mode` and, when a change of it would reach a
 * Harbor that already has users, refuses it in `check`, which the engine runs in every preview and
 * before any resource changes in an update.
 *
 * Harbor refuses to change `auth_mode` once any user besides admin exists ("the auth mode cannot be
 * modified as new users have been inserted into database": goharbor/harbor
 * src/controller/config/controller.go `validateCfg`, `authModeCanBeModified` counting users with
 * src/pkg/user/manager.go `Count`, which leaves out the default admin). With the chart's
 * CONFIG_OVERWRITE_JSON that refusal comes from `OverwriteConfig` at core's start, so core exits
 * and crash-loops. GET /users answers the same count in `X-Total-Count`
 * (src/server/v2.0/handler/user.go `ListUsers`).
 */
import type * as pulumi from "@pulumi/pulumi";
import { type HarborConnection, harborRequest } from "../client";
import { type ConnectionInputs, connectionOf } from "../model";
import type { ConfigurationsResponse } from "../types";
import { warn } from "./common";

export type AuthMode = "database" | "ldap" | "oidc";

export interface AuthModeInputs extends ConnectionInputs {
  /** `harbor:auth.mode`. */
  authMode: AuthMode;
}

/** Harbor's `auth_mode` values for the stack's modes. */
export const HARBOR_AUTH_MODES: Record<AuthMode, string> = {
  database: "db_auth",
  ldap: "ldap_auth",
  oidc: "oidc_auth",
};

/** Pulumi ID of the guard. */
export const AUTH_MODE_GUARD_ID = "harbor-auth-mode";

/** Seconds a preview waits for Harbor's answer. */
const CHECK_TIMEOUT_SECONDS = 10;

/** Harbor's current mode and how many users it has besides admin. */
export async function harborAuthState(
  conn: HarborConnection,
): Promise<{ mode: string; users: number }> {
  const config = (await harborRequest<ConfigurationsResponse>(conn, "GET", "/configurations")).body;
  const users = await harborRequest<unknown[]>(conn, "GET", "/users", {
    query: { page: 1, page_size: 1 },
  });
  const total = Number(users.headers["x-total-count"] ?? (users.body ?? []).length);
  return { mode: config.auth_mode?.value ?? "", users: Number.isFinite(total) ? total : 0 };
}

/**
 * Why `news` cannot be applied, or undefined. `olds` is the recorded mode (undefined on the
 * guard's first run: a new installation, or a stack from before the guard).
 */
export async function authModeRefusal(
  olds: Partial<AuthModeInputs>,
  news: AuthModeInputs,
): Promise<string | undefined> {
  if (olds.authMode === news.authMode) return undefined;
  const wanted = HARBOR_AUTH_MODES[news.authMode];
  const conn = { ...connectionOf(news), requestTimeoutSeconds: CHECK_TIMEOUT_SECONDS };
  let state: { mode: string; users: number };
  try {
    state = await harborAuthState(conn);
  } catch (error) {
    // Nothing recorded: a new installation (no Harbor to ask yet) or a stack from before the guard.
    if (olds.authMode === undefined) return undefined;
    return (
      `harbor:auth.mode changes from ${olds.authMode} to ${news.authMode}, and Harbor could not ` +
      `be asked whether it has users (${(error as Error).message}). Harbor refuses a new ` +
      "authentication mode once users exist, and its core then fails to start. Run the " +
      "preview where Harbor's API is reachable (harbor:api.url), or keep harbor:auth.mode " +
      `${olds.authMode}`
    );
  }
  if (state.mode === wanted) return undefined;
  if (state.users > 0) {
    return (
      `harbor:auth.mode ${news.authMode} cannot be applied: Harbor runs with auth_mode ` +
      `${state.mode} and has ${state.users} user(s) besides admin, and Harbor refuses a new ` +
      "authentication mode once users exist (its core would fail to start with the new " +
      `settings and crash-loop). Keep harbor:auth.mode ${olds.authMode ?? modeOf(state.mode)}; to ` +
      "move to another mode, install a new Harbor with it and replicate the content over"
    );
  }
  if (news.authMode === "database") {
    warn(
      `harbor:auth.mode database: Harbor keeps auth_mode ${state.mode} when CONFIG_OVERWRITE_JSON ` +
        "goes away; after this update set it to Database in the portal (Configuration, " +
        'Authentication) or with PUT /api/v2.0/configurations {"auth_mode":"db_auth"}',
    );
  }
  return undefined;
}

function modeOf(harborMode: string): string {
  const found = Object.entries(HARBOR_AUTH_MODES).find(([, v]) => v === harborMode);
  return found ? found[0] : harborMode;
}

export const authModeGuardProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds: Partial<AuthModeInputs>, news: AuthModeInputs) {
    const reason = await authModeRefusal(olds, news);
    return reason
      ? { inputs: news, failures: [{ property: "authMode", reason }] }
      : { inputs: news };
  },
  diff(_id: string, olds: AuthModeInputs, news: AuthModeInputs) {
    // Only the mode matters; the connection and the provider's code are taken into the state.
    const keys = ["authMode", "apiUrl", "apiCaCertificate", "adminPassword"] as const;
    const changes =
      keys.some((k) => olds[k] !== news[k]) ||
      olds.healthTimeoutSeconds !== news.healthTimeoutSeconds;
    return Promise.resolve({ changes, replaces: [], deleteBeforeReplace: false });
  },
  create(inputs: AuthModeInputs) {
    return Promise.resolve({ id: AUTH_MODE_GUARD_ID, outs: { ...inputs } });
  },
  update(_id: string, _olds: AuthModeInputs, news: AuthModeInputs) {
    return Promise.resolve({ outs: { ...news } });
  },
};
