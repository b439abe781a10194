/** Projects (`harbor:projects`): /projects and their quota in /quotas. */
import {
  type HarborConnection,
  harborError,
  harborRequest,
  idFromLocation,
  listAll,
} from "../client";
import {
  type ProjectInputs,
  PROJECT_RULES,
  observeProject,
  projectCreateBody,
  projectUpdateBody,
} from "../model";
import { quotaBytes } from "../../../config/facts";
import type { Project, Quota } from "../types";
import { changed, collectionProvider, deleteIfPresent, type Props, refusal } from "./common";

async function projectQuota(conn: HarborConnection, projectId: number): Promise<Quota | undefined> {
  const quotas = await listAll<Quota>(conn, "/quotas", {
    reference: "project",
    reference_id: String(projectId),
  });
  return quotas[0];
}

async function setQuota(conn: HarborConnection, projectId: number, i: ProjectInputs) {
  if (i.quota === undefined) return;
  const quota = await projectQuota(conn, projectId);
  if (quota?.id === undefined) {
    throw harborError(
      "protocol",
      `Harbor keeps no quota for project "${i.name}" (is "quota per project" disabled in its ` +
        `configuration?), so ${i.configKey}.quota cannot be applied`,
    );
  }
  await harborRequest(conn, "PUT", `/quotas/${quota.id}`, {
    body: { hard: { storage: quotaBytes(i.quota) } },
  });
}

async function projectByName(conn: HarborConnection, name: string): Promise<Project> {
  return (
    await harborRequest<Project>(conn, "GET", `/projects/${name}`, {
      headers: { "X-Is-Resource-Name": "true" },
    })
  ).body;
}

const proxyOf = (p: Project) => (p.registry_id ? `proxy cache of registry ${p.registry_id}` : "");

export const projectProvider = collectionProvider<ProjectInputs>({
  rules: PROJECT_RULES,
  what: (i) => `project ${i.name}`,
  title: (i) => `Project "${i.name}"`,
  async create(conn, i) {
    const response = await harborRequest(conn, "POST", "/projects", {
      body: projectCreateBody(i),
    });
    const id = idFromLocation(response, `project ${i.name}`);
    return { id, outs: { projectId: id } };
  },
  async find(conn, i) {
    const existing = await projectByName(conn, i.name);
    if (!existing.project_id) return undefined;
    return {
      id: existing.project_id,
      found: proxyOf(existing) || `${existing.repo_count ?? 0} repositories`,
    };
  },
  async adopt(conn, id, i) {
    const existing = (await harborRequest<Project>(conn, "GET", `/projects/${id}`)).body;
    if (String(existing.registry_id || "") !== i.registryId) {
      const proxy = proxyOf(existing);
      throw harborError(
        "http",
        `Project "${i.name}" exists in Harbor ${proxy ? `as a ${proxy}` : "as a normal project"}, ` +
          `which ${i.configKey}.proxyCache does not match; Harbor cannot change that, so the ` +
          `project cannot be taken over as configured`,
      );
    }
    await harborRequest(conn, "PUT", `/projects/${id}`, { body: projectUpdateBody(i) });
    await setQuota(conn, id, i);
    return { projectId: id };
  },
  async observe(conn, id, props) {
    const project = (await harborRequest<Project>(conn, "GET", `/projects/${id}`)).body;
    let storage: number | undefined;
    if (props.quota !== undefined) {
      storage = (await projectQuota(conn, Number(id)))?.hard?.storage;
    }
    return { ...observeProject(project, storage) };
  },
  async update(conn, id, olds, news) {
    const current = news as unknown as Props;
    if (changed(olds, current, "public", "autoScan", "preventVulnerable")) {
      await harborRequest(conn, "PUT", `/projects/${id}`, { body: projectUpdateBody(news) });
    }
    if (news.quota !== undefined && changed(olds, current, "quota")) {
      await setQuota(conn, Number(id), news);
    }
    return { projectId: Number(id) };
  },
  async remove(conn, id, props) {
    try {
      await deleteIfPresent(conn, `/projects/${id}`);
    } catch (error) {
      throw refusal(
        error,
        `project "${props.name}"`,
        "Delete its repositories first (in the portal, or DELETE /api/v2.0/projects/" +
          `${props.name}/repositories/<name>), then run pulumi up again`,
      );
    }
  },
});
