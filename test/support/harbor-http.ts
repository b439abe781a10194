/**
 * Harbor's API (`/api/v2.0`) called as a user of the portal or of curl would: basic auth, JSON in
 * and out, the answer's status kept, so a test can assert what Harbor refuses as well as what it
 * accepts. The real-Harbor suite (test/harbor) uses these against the box (test/support/harbor-box.ts).
 */
import * as assert from "node:assert/strict";

/** A Harbor and the user the calls authenticate as. */
export interface HarborUser {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  username: string;
  password: string;
}

/** An answer of Harbor's API as it came. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** One call; any status is an answer. */
export async function harborCall(
  harbor: HarborUser,
  method: string,
  path: string,
  body?: unknown,
  accept = "application/json",
): Promise<Answer> {
  const response = await fetch(`${harbor.url}/api/v2.0${path}`, {
    method,
    headers: {
      Authorization: `Basic ${Buffer.from(`${harbor.username}:${harbor.password}`).toString("base64")}`,
      Accept: accept,
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** One call that must succeed; answers the parsed body (undefined when empty). */
export async function harborApi<T>(
  harbor: HarborUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const answer = await harborCall(harbor, method, path, body);
  if (answer.status >= 300) {
    throw new Error(`${method} ${path}: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
  }
  return (answer.text ? JSON.parse(answer.text) : undefined) as T;
}

/** A POST that must create (201); answers the ID at the end of its Location. */
export async function harborCreate(
  harbor: HarborUser,
  path: string,
  body: unknown,
): Promise<number> {
  const answer = await harborCall(harbor, "POST", path, body);
  assert.equal(answer.status, 201, `POST ${path}: ${answer.text}`);
  return Number(answer.headers.get("location")!.split("/").pop());
}
