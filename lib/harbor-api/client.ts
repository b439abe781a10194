/**
 * A small client for Harbor's v2.0 REST API: basic authentication as the admin user, TLS verified
 * against the stack's CA (never skipped), bounded timeouts, and errors that say what to do.
 *
 * The dynamic providers (`providers.ts`) run this code in the provider host from the state, where
 * it travels as the providers' module (lib/provider-module.ts), so the module keeps to what that
 * can carry: plain functions, no classes, no module-level imports other than types and the
 * providers' own modules; Node's `http`/`https` are required inside the function that uses them.
 */
import type * as nodeHttp from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import type * as nodeHttps from "node:https";
import type { ApiErrors, OverallHealthStatus } from "./types";

/** Where and how to reach Harbor's API. */
export interface HarborConnection {
  /** Harbor's URL, scheme, host and optional port (`https://harbor.example.com`). */
  url: string;
  /**
   * PEM of the CA that signs Harbor's certificate (the stack's CA). Empty for `http://` URLs, or
   * to trust only the system's CAs.
   */
  caCertificate: string;
  /** The admin user. */
  username: string;
  /** The admin password. */
  password: string;
  /** Seconds to wait for `/api/v2.0/health` before the first call of a change. */
  healthTimeoutSeconds: number;
  /** Seconds between two health probes; 5 unless set (tests shorten it). */
  healthPollSeconds?: number;
  /** Seconds one request may take before it is abandoned; 30 unless set. */
  requestTimeoutSeconds?: number;
}

/** The API's base path (the document's `basePath`). */
export const API_BASE = "/api/v2.0";

/** The stack key that overrides the URL the program calls Harbor's API at. */
export const API_URL_KEY = "harbor:api.url";

/** What went wrong, for callers that react to it. */
export type HarborErrorKind = "http" | "unreachable" | "tls" | "health-timeout" | "protocol";

/** An error from Harbor or from the way to it; `message` is meant for the operator. */
export interface HarborError extends Error {
  harbor: {
    kind: HarborErrorKind;
    /** HTTP status, for `http`. */
    status?: number;
    method?: string;
    /** Path below the base path (`/projects/12`). */
    path?: string;
    /** Harbor's own messages from the `errors` body, joined. */
    detail?: string;
    /**
     * The `code` of the first entry of Harbor's JSON `errors` body (`NOT_FOUND`), when the answer
     * has that shape; undefined for any other body (an HTML page of a proxy).
     */
    code?: string;
  };
}

/** A JSON answer of Harbor's. */
export interface ApiResponse<T> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
}

/** Query parameters; undefined values are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  /** Extra headers (`X-Is-Resource-Name`). */
  headers?: Record<string, string>;
  /** Leave out the Authorization header (the health endpoint needs none). */
  anonymous?: boolean;
  /** Overrides the connection's request timeout. */
  timeoutSeconds?: number;
}

/** Creates a HarborError. */
export function harborError(
  kind: HarborErrorKind,
  message: string,
  details: Omit<HarborError["harbor"], "kind"> = {},
): HarborError {
  const error = new Error(message) as HarborError;
  error.name = "HarborError";
  error.harbor = { kind, ...details };
  return error;
}

/** Whether `error` is a HarborError of that kind (and status). */
export function isHarborError(error: unknown, kind?: HarborErrorKind, status?: number): boolean {
  const h = (error as Partial<HarborError> | undefined)?.harbor;
  if (!h) return false;
  return (kind === undefined || h.kind === kind) && (status === undefined || h.status === status);
}

/** Whether the answer was a 404, from Harbor or from anything else at that address. */
export function isNotFound(error: unknown): boolean {
  return isHarborError(error, "http", 404);
}

/**
 * Whether Harbor itself answered that the object does not exist: HTTP 404 with its JSON errors
 * body of code `NOT_FOUND` (goharbor/harbor src/lib/http/error.go `SendError` writes
 * `{"errors":[{"code":"NOT_FOUND",...}]}` for `errors.NotFoundCode`, src/lib/errors/const.go). Not
 * a 404 page of anything else at that address (an ingress default backend), and not the API
 * router's "path ... was not found" (go-openapi's router, for a path Harbor does not serve: the
 * API itself is missing there, not the object).
 */
export function isHarborNotFound(error: unknown): boolean {
  if (!isHarborError(error, "http", 404)) return false;
  const h = (error as HarborError).harbor;
  return h.code === "NOT_FOUND" && !/^path \S+ was not found$/.test(h.detail ?? "");
}

/** Whether the request never reached Harbor (network down, DNS, timeout). */
export function isUnreachable(error: unknown): boolean {
  return isHarborError(error, "unreachable");
}

/** `https://host[:port]/api/v2.0<path>?<query>`. */
export function apiUrl(baseUrl: string, path: string, query: Query = {}): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}${API_BASE}${path}`);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/** The `code` of the first entry of Harbor's JSON `errors` body; undefined for any other text. */
export function errorCode(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as ApiErrors;
    const code = Array.isArray(parsed?.errors) ? parsed.errors[0]?.code : undefined;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

/** Harbor's messages from an `Errors` body, or the raw text. */
export function errorDetail(text: string): string {
  try {
    const parsed = JSON.parse(text) as ApiErrors;
    const messages = (parsed.errors ?? [])
      .map((e) => e.message ?? e.code)
      .filter((m): m is string => !!m);
    if (messages.length > 0) return messages.join("; ");
  } catch {
    // Not JSON: fall through to the text itself.
  }
  return text.trim().slice(0, 300);
}

/** Network error codes that mean "Harbor was not reached". */
const UNREACHABLE_CODES = [
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "ECONNABORTED",
  "HARBOR_TIMEOUT",
];

/** Classifies a transport error (no HTTP answer) into an operator-facing HarborError. */
export function transportError(
  error: Error & { code?: string },
  baseUrl: string,
  method: string,
  path: string,
): HarborError {
  const code = error.code ?? "";
  const tls =
    /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/.test(
      code,
    );
  if (tls) {
    return harborError(
      "tls",
      `TLS verification of ${baseUrl} failed (${code}: ${error.message}). The program trusts only ` +
        `the stack's CA for Harbor's API and never skips verification; if that address is served ` +
        `by another certificate (a proxy in front of Harbor), set ${API_URL_KEY} to an address ` +
        `that serves Harbor's own certificate`,
      { method, path },
    );
  }
  const known = UNREACHABLE_CODES.includes(code) || /socket hang up/i.test(error.message);
  return harborError(
    known ? "unreachable" : "protocol",
    `cannot reach Harbor's API at ${baseUrl} (${method} ${API_BASE}${path}: ${code || error.name}: ${error.message})`,
    { method, path },
  );
}

/** The operator-facing error for an HTTP answer of 400 or above. */
export function httpError(
  baseUrl: string,
  method: string,
  path: string,
  status: number,
  text: string,
): HarborError {
  const detail = errorDetail(text);
  let hint = "";
  if (status === 401) {
    hint =
      " (the admin password the program holds, harbor:adminPassword, is not the one Harbor accepts: " +
      "was it changed in the portal?)";
  } else if (status === 403) {
    hint = " (Harbor forbids this to the admin user: see its message)";
  }
  return harborError(
    "http",
    `Harbor at ${baseUrl} answered ${method} ${API_BASE}${path} with HTTP ${status}: ${detail || "(no message)"}${hint}`,
    { status, method, path, detail, code: errorCode(text) },
  );
}

/**
 * One request. Resolves with Harbor's answer when its status is below 400; rejects with a
 * HarborError otherwise, or when Harbor cannot be reached.
 */
export function harborRequest<T>(
  conn: HarborConnection,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const url = new URL(apiUrl(conn.url, path, options.query));
  const secure = url.protocol === "https:";
  /* eslint-disable @typescript-eslint/no-require-imports -- required here so the provider's module carries no module objects */
  const transport = secure
    ? (require("node:https") as typeof nodeHttps)
    : (require("node:http") as typeof nodeHttp);
  /* eslint-enable @typescript-eslint/no-require-imports */
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  if (payload !== undefined) {
    headers["Content-Type"] = "application/json";
    headers["Content-Length"] = String(Buffer.byteLength(payload));
  }
  if (!options.anonymous) {
    headers.Authorization = `Basic ${Buffer.from(`${conn.username}:${conn.password}`).toString("base64")}`;
  }
  const timeoutMs = (options.timeoutSeconds ?? conn.requestTimeoutSeconds ?? 30) * 1000;
  const tlsOptions = secure
    ? {
        // Verification is never turned off; the stack's CA is the only extra trust anchor.
        rejectUnauthorized: true,
        ...(conn.caCertificate ? { ca: conn.caCertificate } : {}),
      }
    : {};
  return new Promise<ApiResponse<T>>((resolve, reject) => {
    const request = transport.request(
      url,
      { method, headers, agent: false, ...tlsOptions },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", (error: Error) =>
          reject(transportError(error, conn.url, method, path)),
        );
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = response.statusCode ?? 0;
          if (status >= 400) {
            reject(httpError(conn.url, method, path, status, text));
            return;
          }
          let body: unknown = undefined;
          if (text.trim() !== "") {
            try {
              body = JSON.parse(text);
            } catch {
              reject(
                harborError(
                  "protocol",
                  `Harbor at ${conn.url} answered ${method} ${API_BASE}${path} with HTTP ${status} and a body that is not JSON: ${text.slice(0, 200)}`,
                  { status, method, path },
                ),
              );
              return;
            }
          }
          resolve({ status, headers: response.headers, body: body as T });
        });
      },
    );
    request.setTimeout(timeoutMs, () => {
      const error = new Error(`no answer within ${timeoutMs / 1000} s`) as Error & {
        code: string;
      };
      error.code = "HARBOR_TIMEOUT";
      request.destroy(error);
    });
    request.on("error", (error: Error & { code?: string }) =>
      reject(transportError(error, conn.url, method, path)),
    );
    if (payload !== undefined) request.write(payload);
    request.end();
  });
}

/** Page size of list calls (the document's maximum). */
export const PAGE_SIZE = 100;

/** Every item of a paged list endpoint. */
export async function listAll<T>(
  conn: HarborConnection,
  path: string,
  query: Query = {},
): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= 1000; page++) {
    const response = await harborRequest<T[] | null>(conn, "GET", path, {
      query: { ...query, page, page_size: PAGE_SIZE },
    });
    const batch = response.body ?? [];
    items.push(...batch);
    if (batch.length < PAGE_SIZE) break;
  }
  return items;
}

/** The numeric ID at the end of a `Location` header (`/api/v2.0/projects/12` -> 12). */
export function idFromLocation(response: ApiResponse<unknown>, what: string): number {
  const location = response.headers.location;
  const match = location ? /\/(\d+)\/?$/.exec(location) : null;
  if (!match) {
    throw harborError(
      "protocol",
      `Harbor created the ${what} but its answer has no usable Location header (${JSON.stringify(location ?? null)})`,
      { status: response.status },
    );
  }
  return Number(match[1]);
}

/** Components whose health Harbor's API needs for the changes this program makes. */
export const ESSENTIAL_COMPONENTS = ["core", "database", "redis", "jobservice", "registry"];

/** Why a health answer is not ready yet, or undefined when it is. */
export function healthProblem(health: OverallHealthStatus | undefined): string | undefined {
  if (!health || typeof health !== "object") return "the health endpoint answered no status";
  const unhealthy = (health.components ?? []).filter(
    (c) => ESSENTIAL_COMPONENTS.includes(c.name ?? "") && c.status !== "healthy",
  );
  if (unhealthy.length > 0) {
    return `unhealthy: ${unhealthy.map((c) => `${c.name}${c.error ? ` (${c.error})` : ""}`).join(", ")}`;
  }
  if ((health.components ?? []).length === 0 && health.status !== "healthy") {
    return `overall status ${JSON.stringify(health.status ?? null)}`;
  }
  return undefined;
}

/**
 * Waits until `/api/v2.0/health` reports the essential components healthy, at most
 * `healthTimeoutSeconds`. A TLS failure ends the wait at once: waiting does not fix trust.
 */
export async function waitForHarbor(conn: HarborConnection): Promise<void> {
  const deadline = Date.now() + conn.healthTimeoutSeconds * 1000;
  const pollMs = (conn.healthPollSeconds ?? 5) * 1000;
  let last = "no answer yet";
  for (;;) {
    try {
      const response = await harborRequest<OverallHealthStatus>(conn, "GET", "/health", {
        anonymous: true,
        timeoutSeconds: Math.min(conn.requestTimeoutSeconds ?? 10, 10),
      });
      const problem = healthProblem(response.body);
      if (problem === undefined) return;
      last = problem;
    } catch (error) {
      if (isHarborError(error, "tls")) throw error;
      last = (error as Error).message;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    await new Promise((r) => setTimeout(r, Math.min(pollMs, remaining)));
  }
  throw harborError(
    "health-timeout",
    `Harbor at ${conn.url} did not become healthy within ${conn.healthTimeoutSeconds} s ` +
      `(${apiUrl(conn.url, "/health")}: ${last}). If the machine running Pulumi cannot reach ` +
      `that URL, set ${API_URL_KEY} to one it can reach (an internal address or a port-forward, ` +
      `served with Harbor's certificate); harbor:api.healthTimeoutSeconds sets how long to wait`,
  );
}
