/**
 * Tag retention (`harbor:projects.<name>.retention`): /retentions, bound to a project through the
 * project's `metadata.retention_id`.
 *
 * Harbor answers a read of a policy that no longer exists with HTTP 500, not 404 (goharbor/harbor
 * src/pkg/retention/manager.go `GetPolicy` returns a plain "no such Retention policy" error, which
 * src/lib/http/error.go `SendError` maps to 500), and a DELETE of one with 400. Whether the policy
 * exists is therefore read from its project: DELETE /retentions/{id} removes the project's
 * `retention_id` (src/server/v2.0/handler/retention.go `DeleteRetention`), and a project deleted
 * by hand answers Harbor's own 404.
 */
import {
  type HarborConnection,
  harborError,
  harborRequest,
  idFromLocation,
  isHarborError,
  isHarborNotFound,
} from "../client";
import { type RetentionInputs, RETENTION_RULES, observeRetention, retentionBody } from "../model";
import type { Project, RetentionPolicy } from "../types";
import { collectionProvider } from "./common";

/** The retention policy ID the project points at; undefined when it has none. */
async function projectPolicy(
  conn: HarborConnection,
  projectId: string,
): Promise<number | undefined> {
  const project = (await harborRequest<Project>(conn, "GET", `/projects/${projectId}`)).body;
  const id = Number(project.metadata?.retention_id ?? "");
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

/**
 * Whether the policy exists. GET /retentions/{id}/executions answers a missing policy with 400
 * "no such Retention policy with id N" (src/server/v2.0/handler/retention.go
 * `ListRetentionExecutions`), where GET /retentions/{id} answers an opaque 500.
 */
async function policyExists(conn: HarborConnection, id: number): Promise<boolean> {
  try {
    await harborRequest(conn, "GET", `/retentions/${id}/executions`, {
      query: { page: 1, page_size: 1 },
    });
    return true;
  } catch (error) {
    const detail = (error as { harbor?: { detail?: string } }).harbor?.detail ?? "";
    if (isHarborError(error, "http", 400) && /no such Retention policy/i.test(detail)) return false;
    throw error;
  }
}

/**
 * The project's policy, when it exists. Harbor before 2.10 leaves the project's `retention_id`
 * behind when a policy is deleted (2.9.5's `DeleteRetention` does not remove it; 2.15.1's does),
 * and then refuses a new policy ("already has retention policy"): such a dangling pointer is
 * removed.
 */
async function livePolicy(conn: HarborConnection, projectId: string): Promise<number | undefined> {
  const id = await projectPolicy(conn, projectId);
  if (id === undefined || (await policyExists(conn, id))) return id;
  await harborRequest(conn, "DELETE", `/projects/${projectId}/metadatas/retention_id`);
  return undefined;
}

export const retentionProvider = collectionProvider<RetentionInputs>({
  rules: RETENTION_RULES,
  what: (i) => `tag retention of project ${i.projectName}`,
  title: (i) => `A tag retention policy of project "${i.projectName}"`,
  async create(conn, i) {
    const existing = await livePolicy(conn, i.projectId);
    if (existing !== undefined) {
      // Harbor keeps one policy per project: the adoption path takes it over.
      throw harborError("http", `project ${i.projectName} has retention policy ${existing}`, {
        status: 409,
      });
    }
    const response = await harborRequest(conn, "POST", "/retentions", { body: retentionBody(i) });
    return { id: idFromLocation(response, `retention policy of project ${i.projectName}`) };
  },
  async find(conn, i) {
    const id = await livePolicy(conn, i.projectId);
    return id === undefined ? undefined : { id, found: `policy ${id}` };
  },
  // A proxy cache's project gets a policy of Harbor's own at creation: replaced without `import`.
  adoptsWithoutImport: (i) => i.takeOverDefault,
  async adopt(conn, id, i) {
    await harborRequest(conn, "PUT", `/retentions/${id}`, { body: retentionBody(i, id) });
  },
  async observe(conn, id, props) {
    if ((await projectPolicy(conn, String(props.projectId))) !== Number(id)) return undefined;
    if (!(await policyExists(conn, Number(id)))) return undefined;
    const policy = (await harborRequest<RetentionPolicy>(conn, "GET", `/retentions/${id}`)).body;
    return { ...observeRetention(policy) };
  },
  async update(conn, id, _olds, news) {
    await harborRequest(conn, "PUT", `/retentions/${id}`, {
      body: retentionBody(news, Number(id)),
    });
  },
  async remove(conn, id, props) {
    let current: number | undefined;
    try {
      current = await livePolicy(conn, props.projectId);
    } catch (error) {
      // The project is gone, and its policy with it.
      if (isHarborNotFound(error)) return;
      throw error;
    }
    if (current !== Number(id)) return;
    await harborRequest(conn, "DELETE", `/retentions/${id}`);
  },
});
