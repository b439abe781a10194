/**
 * Dynamic providers of the registry-content resources: create, read, update, delete and diff of
 * each kind of Harbor object, through the client in client.ts.
 *
 * Pulumi serializes each provider object (with everything it references) into the state and runs
 * it in a separate process. So this module and the modules it uses at run time (client.ts,
 * model.ts) keep to plain functions and data: no classes, no module-level imports except each
 * other (and types); Node modules are required inside functions. A test serializes every provider
 * and runs the result in a fresh process.
 *
 * Reachability: create, update and delete first wait (bounded) for Harbor's health endpoint. A
 * read (every `pulumi preview`/`up` refreshes, see Pulumi.yaml) that cannot reach Harbor keeps the
 * last known state and warns, so a preview where Harbor is unreachable still works and shows the
 * changes the inputs make; a reachable Harbor gives drift detection. Any other failure of a read
 * (TLS, credentials) fails it.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  type HarborConnection,
  harborError,
  harborRequest,
  idFromLocation,
  isHarborError,
  isNotFound,
  isUnreachable,
  listAll,
  waitForHarbor,
} from "./client";
import {
  type ConnectionInputs,
  type DiffRules,
  type GcScheduleInputs,
  type ImmutableRuleInputs,
  type ProjectInputs,
  type ProjectMemberInputs,
  type RegistryEndpointInputs,
  type ReplicationInputs,
  type RetentionInputs,
  type RobotInputs,
  type ScanAllScheduleInputs,
  type SystemSettingsInputs,
  GC_RULES,
  IMMUTABLE_RULES,
  MEMBER_RULES,
  NO_SCHEDULE,
  PROJECT_RULES,
  REGISTRY_RULES,
  REPLICATION_RULES,
  RETENTION_RULES,
  ROBOT_RULES,
  SCAN_ALL_RULES,
  SYSTEM_DEFAULTS,
  SYSTEM_RULES,
  connectionOf,
  diffInputs,
  gcScheduleBody,
  immutableRuleBody,
  memberCreateBody,
  observeGcSchedule,
  observeImmutableRule,
  observeProject,
  observeRegistry,
  observeReplication,
  observeRetention,
  observeRobot,
  observeSystemSettings,
  projectCreateBody,
  projectUpdateBody,
  refreshedInputs,
  registryCreateBody,
  registryUpdateBody,
  replicationBody,
  retentionBody,
  robotCreateBody,
  robotUpdateBody,
  scanAllScheduleBody,
  systemSettingsBody,
} from "./model";
import { ROLE_IDS, quotaBytes, roleOf } from "../../config/registry-facts";
import type {
  ConfigurationsResponse,
  GCHistory,
  ImmutableRule,
  Project,
  ProjectMemberEntity,
  Quota,
  Registry,
  ReplicationPolicy,
  RetentionPolicy,
  Robot,
  RobotCreated,
  RobotSec,
  Schedule,
  UserGroup,
} from "./types";

type Props = Record<string, unknown>;

/** Seconds a refresh waits for one answer before it treats Harbor as unreachable. */
export const READ_TIMEOUT_SECONDS = 20;

/** The connection for a change: Harbor must be healthy first (bounded wait). */
async function changeConnection(inputs: ConnectionInputs): Promise<HarborConnection> {
  const conn = connectionOf(inputs);
  await waitForHarbor(conn);
  return conn;
}

/** The connection for a refresh: no health wait, a shorter timeout. */
function readConnection(props: ConnectionInputs): HarborConnection {
  return { ...connectionOf(props), requestTimeoutSeconds: READ_TIMEOUT_SECONDS };
}

/** Writes a warning where the Pulumi CLI shows a provider's diagnostics. */
export function warn(message: string): void {
  console.error(`warning: ${message}`);
}

/**
 * A read: the observed state merged over the last one, an empty ID when the object is gone from
 * Harbor (the next `pulumi up` creates it again), or the last state with a warning when Harbor
 * cannot be reached.
 */
async function refreshed(
  id: string,
  props: Props,
  what: string,
  rules: DiffRules,
  observe: (conn: HarborConnection) => Promise<Props | undefined>,
): Promise<pulumi.dynamic.ReadResult> {
  try {
    const observed = await observe(readConnection(props as unknown as ConnectionInputs));
    if (observed === undefined) return { id: "", props: {} };
    const state = { ...props, ...observed };
    return { id, props: state, inputs: refreshedInputs(rules, state) };
  } catch (error) {
    if (isNotFound(error)) return { id: "", props: {} };
    if (isUnreachable(error)) {
      warn(
        `${what}: ${(error as Error).message}; keeping its last known state, so this run shows ` +
          `the changes of the stack's inputs only and cannot detect changes made in Harbor`,
      );
      return { id, props };
    }
    throw error;
  }
}

/** The error for an object that exists already and was not marked for adoption. */
export function alreadyExists(what: string, configKey: string, found: string): Error {
  return harborError(
    "http",
    `${what} already exists in Harbor (${found}). To manage the existing one from this stack, ` +
      `set ${configKey}.import to true: the program then takes it over and sets it as ` +
      `configured. Otherwise remove it in Harbor or choose another name`,
    { status: 409 },
  );
}

/** A delete that treats "already gone" as done. */
async function deleteIfPresent(conn: HarborConnection, path: string): Promise<void> {
  try {
    await harborRequest(conn, "DELETE", path);
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
}

/** Rewords a 412 (Harbor refuses while something still uses the object) with what to do. */
function refusal(error: unknown, what: string, todo: string): unknown {
  if (isHarborError(error, "http", 412)) {
    const detail = (error as { harbor: { detail?: string } }).harbor.detail ?? "";
    return harborError(
      "http",
      `Harbor refused to delete ${what} (HTTP 412: ${detail}). ${todo}. To stop managing it ` +
        `without deleting it, run \`pulumi state delete <urn>\` for it instead`,
      { status: 412, detail },
    );
  }
  return error;
}

/** The dynamic diff of a kind, with the implied fields of the new inputs filled in. */
function diffWith(
  rules: DiffRules,
  olds: Props,
  news: Props,
  implied: Props = {},
): pulumi.dynamic.DiffResult {
  const d = diffInputs(rules, olds, { ...news, ...implied });
  return {
    changes: d.changes,
    replaces: d.replaces,
    deleteBeforeReplace: d.deleteBeforeReplace,
  };
}

/**
 * The update of a change that touches no Harbor setting (the admin password, the API URL, the
 * provider's code): the new state, with the outputs kept, and no call to Harbor.
 */
function stateOnly(
  rules: DiffRules,
  olds: Props,
  news: object,
  implied: Props = {},
): pulumi.dynamic.UpdateResult | undefined {
  const d = diffInputs(rules, olds, { ...(news as Props), ...implied });
  if (d.changed.some((f) => rules.fields.includes(f))) return undefined;
  const kept = Object.fromEntries(
    (rules.outputs ?? []).filter((k) => k in olds).map((k) => [k, olds[k]]),
  );
  return { outs: { ...(news as Props), ...kept } };
}

/** Whether a field differs between the state and the new inputs. */
function changed(olds: Props, news: Props, ...fields: string[]): boolean {
  return diffInputs({ fields, replace: [] }, olds, news).changed.some((f) => fields.includes(f));
}

// ---------------------------------------------------------------------------------------------
// Registry endpoints: /registries

async function findRegistry(conn: HarborConnection, name: string): Promise<Registry | undefined> {
  const found = await listAll<Registry>(conn, "/registries", { q: `name=${name}` });
  return found.find((r) => r.name === name);
}

export const registryEndpointProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: RegistryEndpointInputs) {
    const conn = await changeConnection(inputs);
    let id: number;
    try {
      const response = await harborRequest(conn, "POST", "/registries", {
        body: registryCreateBody(inputs),
      });
      id = idFromLocation(response, `registry endpoint ${inputs.name}`);
    } catch (error) {
      if (!isHarborError(error, "http", 409)) throw error;
      const existing = await findRegistry(conn, inputs.name);
      if (!existing?.id) throw error;
      if (!inputs.adopt) {
        throw alreadyExists(
          `Registry endpoint "${inputs.name}"`,
          inputs.configKey,
          `${existing.type} ${existing.url}`,
        );
      }
      if (existing.type !== inputs.type) {
        throw harborError(
          "http",
          `Registry endpoint "${inputs.name}" exists in Harbor as type ${existing.type}, not ` +
            `${inputs.type}; Harbor cannot change an endpoint's type, so it cannot be taken over ` +
            `(${inputs.configKey}.type)`,
        );
      }
      id = existing.id;
      await harborRequest(conn, "PUT", `/registries/${id}`, { body: registryUpdateBody(inputs) });
    }
    return { id: String(id), outs: { ...inputs, registryId: id } };
  },
  async read(id, props: Props) {
    return refreshed(
      id,
      props,
      `registry endpoint ${String(props.name)}`,
      REGISTRY_RULES,
      async (conn) => {
        const r = await harborRequest<Registry>(conn, "GET", `/registries/${id}`);
        return { ...observeRegistry(r.body) };
      },
    );
  },
  diff(_id, olds: Props, news: Props) {
    return Promise.resolve(diffWith(REGISTRY_RULES, olds, news));
  },
  async update(id, olds: Props, news: RegistryEndpointInputs) {
    const same = stateOnly(REGISTRY_RULES, olds, news);
    if (same) return same;
    const conn = await changeConnection(news);
    await harborRequest(conn, "PUT", `/registries/${id}`, { body: registryUpdateBody(news) });
    return { outs: { ...news, registryId: Number(id) } };
  },
  async delete(id, props: RegistryEndpointInputs) {
    const conn = await changeConnection(props);
    try {
      await deleteIfPresent(conn, `/registries/${id}`);
    } catch (error) {
      throw refusal(
        error,
        `registry endpoint "${props.name}"`,
        "Remove the proxy cache projects and replication rules that use it first",
      );
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Projects: /projects, /quotas

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

export const projectProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: ProjectInputs) {
    const conn = await changeConnection(inputs);
    let id: number;
    try {
      const response = await harborRequest(conn, "POST", "/projects", {
        body: projectCreateBody(inputs),
      });
      id = idFromLocation(response, `project ${inputs.name}`);
    } catch (error) {
      if (!isHarborError(error, "http", 409)) throw error;
      const existing = (
        await harborRequest<Project>(conn, "GET", `/projects/${inputs.name}`, {
          headers: { "X-Is-Resource-Name": "true" },
        })
      ).body;
      const proxy = existing.registry_id ? `proxy cache of registry ${existing.registry_id}` : "";
      if (!inputs.adopt) {
        throw alreadyExists(
          `Project "${inputs.name}"`,
          inputs.configKey,
          proxy || `${existing.repo_count ?? 0} repositories`,
        );
      }
      if (String(existing.registry_id || "") !== inputs.registryId) {
        throw harborError(
          "http",
          `Project "${inputs.name}" exists in Harbor ${proxy ? `as a ${proxy}` : "as a normal project"}, ` +
            `which ${inputs.configKey}.proxyCache does not match; Harbor cannot change that, so the ` +
            `project cannot be taken over as configured`,
        );
      }
      id = existing.project_id ?? 0;
      await harborRequest(conn, "PUT", `/projects/${id}`, { body: projectUpdateBody(inputs) });
      await setQuota(conn, id, inputs);
    }
    return { id: String(id), outs: { ...inputs, projectId: id } };
  },
  async read(id, props: Props) {
    return refreshed(id, props, `project ${String(props.name)}`, PROJECT_RULES, async (conn) => {
      const project = (await harborRequest<Project>(conn, "GET", `/projects/${id}`)).body;
      let storage: number | undefined;
      if (props.quota !== undefined) {
        storage = (await projectQuota(conn, Number(id)))?.hard?.storage;
      }
      return { ...observeProject(project, storage) };
    });
  },
  diff(_id, olds: Props, news: Props) {
    return Promise.resolve(diffWith(PROJECT_RULES, olds, news));
  },
  async update(id, olds: Props, news: ProjectInputs) {
    const same = stateOnly(PROJECT_RULES, olds, news);
    if (same) return same;
    const conn = await changeConnection(news);
    const current = news as unknown as Props;
    if (changed(olds, current, "public", "autoScan", "preventVulnerable")) {
      await harborRequest(conn, "PUT", `/projects/${id}`, { body: projectUpdateBody(news) });
    }
    if (news.quota !== undefined && changed(olds, current, "quota")) {
      await setQuota(conn, Number(id), news);
    }
    return { outs: { ...news, projectId: Number(id) } };
  },
  async delete(id, props: ProjectInputs) {
    const conn = await changeConnection(props);
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
};

// ---------------------------------------------------------------------------------------------
// Project members: /projects/{id}/members

async function findMember(
  conn: HarborConnection,
  i: ProjectMemberInputs,
): Promise<ProjectMemberEntity | undefined> {
  const path = `/projects/${i.projectId}/members`;
  if (i.kind === "ldapGroup") {
    const groups = await listAll<UserGroup>(conn, "/usergroups", { ldap_group_dn: i.name });
    const ids = groups.filter((g) => g.ldap_group_dn === i.name).map((g) => g.id);
    const members = await listAll<ProjectMemberEntity>(conn, path);
    return members.find((m) => m.entity_type === "g" && ids.includes(m.entity_id));
  }
  const members = await listAll<ProjectMemberEntity>(conn, path, { entityname: i.name });
  const type = i.kind === "user" ? "u" : "g";
  return members.find((m) => m.entity_type === type && m.entity_name === i.name);
}

export const projectMemberProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: ProjectMemberInputs) {
    const conn = await changeConnection(inputs);
    const path = `/projects/${inputs.projectId}/members`;
    let id: number;
    try {
      const response = await harborRequest(conn, "POST", path, {
        body: memberCreateBody(inputs),
      });
      id = idFromLocation(response, `member ${inputs.name} of project ${inputs.projectName}`);
    } catch (error) {
      if (!isHarborError(error, "http", 409)) throw error;
      const existing = await findMember(conn, inputs);
      if (!existing?.id) throw error;
      if (!inputs.adopt) {
        throw alreadyExists(
          `"${inputs.name}" as a member of project "${inputs.projectName}"`,
          inputs.configKey,
          `role ${roleOf(existing.role_id) ?? existing.role_id}`,
        );
      }
      id = existing.id;
      await harborRequest(conn, "PUT", `${path}/${id}`, {
        body: { role_id: ROLE_IDS[inputs.role] },
      });
    }
    return { id: String(id), outs: { ...inputs } };
  },
  async read(id, props: Props) {
    return refreshed(
      id,
      props,
      `member ${String(props.name)} of project ${String(props.projectName)}`,
      MEMBER_RULES,
      async (conn) => {
        const m = (
          await harborRequest<ProjectMemberEntity>(
            conn,
            "GET",
            `/projects/${String(props.projectId)}/members/${id}`,
          )
        ).body;
        return { role: roleOf(m.role_id) ?? `role ${m.role_id}` };
      },
    );
  },
  diff(_id, olds: Props, news: Props) {
    return Promise.resolve(diffWith(MEMBER_RULES, olds, news));
  },
  async update(id, olds: Props, news: ProjectMemberInputs) {
    const same = stateOnly(MEMBER_RULES, olds, news);
    if (same) return same;
    const conn = await changeConnection(news);
    await harborRequest(conn, "PUT", `/projects/${news.projectId}/members/${id}`, {
      body: { role_id: ROLE_IDS[news.role] },
    });
    return { outs: { ...news } };
  },
  async delete(id, props: ProjectMemberInputs) {
    const conn = await changeConnection(props);
    await deleteIfPresent(conn, `/projects/${props.projectId}/members/${id}`);
  },
};

// ---------------------------------------------------------------------------------------------
// Robot accounts: /robots

/** Asks Harbor for a new secret (the old one stops working). */
async function refreshSecret(conn: HarborConnection, robotId: number): Promise<string> {
  const body: RobotSec = {};
  const response = await harborRequest<RobotSec>(conn, "PATCH", `/robots/${robotId}`, { body });
  if (!response.body?.secret) {
    throw harborError(
      "protocol",
      `Harbor refreshed robot ${robotId}'s secret but did not answer it`,
    );
  }
  return response.body.secret;
}

async function robotExpiry(conn: HarborConnection, robotId: number): Promise<number> {
  const robot = (await harborRequest<Robot>(conn, "GET", `/robots/${robotId}`)).body;
  return robot.expires_at ?? -1;
}

export const robotProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: RobotInputs) {
    const conn = await changeConnection(inputs);
    let id: number;
    let secret: string;
    let expiresAt: number;
    try {
      const created = (
        await harborRequest<RobotCreated>(conn, "POST", "/robots", {
          body: robotCreateBody(inputs),
        })
      ).body;
      id = created.id ?? 0;
      secret = created.secret ?? "";
      expiresAt = created.expires_at ?? -1;
      if (created.name !== inputs.username) {
        await deleteIfPresent(conn, `/robots/${id}`);
        throw harborError(
          "protocol",
          `Harbor named robot "${inputs.name}" ${JSON.stringify(created.name)}, not ` +
            `${JSON.stringify(inputs.username)}: its robot name prefix is not the default robot$, ` +
            `so pull secrets made from ${inputs.configKey} would carry the wrong user name`,
        );
      }
    } catch (error) {
      if (!isHarborError(error, "http", 409)) throw error;
      const robots = await listAll<Robot>(conn, "/robots", { q: `name=${inputs.name}` });
      const existing = robots.find((r) => r.name === inputs.username);
      if (!existing?.id) throw error;
      if (!inputs.adopt) {
        throw alreadyExists(
          `Robot account "${inputs.username}"`,
          inputs.configKey,
          `id ${existing.id}; taking it over issues a new secret, because Harbor never shows an existing one`,
        );
      }
      id = existing.id;
      await harborRequest(conn, "PUT", `/robots/${id}`, { body: robotUpdateBody(inputs, id) });
      secret = await refreshSecret(conn, id);
      expiresAt = await robotExpiry(conn, id);
    }
    return {
      id: String(id),
      outs: { ...inputs, robotId: id, secret, expiresAt, disabled: false },
    };
  },
  async read(id, props: Props) {
    return refreshed(
      id,
      props,
      `robot account ${String(props.username)}`,
      ROBOT_RULES,
      async (conn) => {
        const robot = (await harborRequest<Robot>(conn, "GET", `/robots/${id}`)).body;
        return { ...observeRobot(robot), expiresAt: robot.expires_at ?? -1 };
      },
    );
  },
  diff(_id, olds: Props, news: Props) {
    return Promise.resolve(diffWith(ROBOT_RULES, olds, news, { disabled: false }));
  },
  async update(id, olds: Props, news: RobotInputs) {
    const same = stateOnly(ROBOT_RULES, olds, news, { disabled: false });
    if (same) return same;
    const conn = await changeConnection(news);
    const current = { ...(news as unknown as Props), disabled: false };
    const robotId = Number(id);
    let expiresAt = Number(olds.expiresAt ?? -1);
    if (
      changed(olds, current, "description", "expiresDays", "permissions", "projectIds", "disabled")
    ) {
      await harborRequest(conn, "PUT", `/robots/${robotId}`, {
        body: robotUpdateBody(news, robotId),
      });
      expiresAt = await robotExpiry(conn, robotId);
    }
    let secret = typeof olds.secret === "string" ? olds.secret : "";
    if (changed(olds, current, "rotation")) secret = await refreshSecret(conn, robotId);
    return { outs: { ...news, robotId, secret, expiresAt, disabled: false } };
  },
  async delete(id, props: RobotInputs) {
    const conn = await changeConnection(props);
    await deleteIfPresent(conn, `/robots/${id}`);
  },
};

// ---------------------------------------------------------------------------------------------
// Tag retention: /retentions (bound to a project through its metadata.retention_id)

export const retentionProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: RetentionInputs) {
    const conn = await changeConnection(inputs);
    const project = (await harborRequest<Project>(conn, "GET", `/projects/${inputs.projectId}`))
      .body;
    const existing = project.metadata?.retention_id;
    let id: number;
    if (existing) {
      if (!inputs.adopt && !inputs.takeOverDefault) {
        throw alreadyExists(
          `A tag retention policy of project "${inputs.projectName}"`,
          inputs.configKey,
          `policy ${existing}`,
        );
      }
      id = Number(existing);
      await harborRequest(conn, "PUT", `/retentions/${id}`, { body: retentionBody(inputs, id) });
    } else {
      const response = await harborRequest(conn, "POST", "/retentions", {
        body: retentionBody(inputs),
      });
      id = idFromLocation(response, `retention policy of project ${inputs.projectName}`);
    }
    return { id: String(id), outs: { ...inputs } };
  },
  async read(id, props: Props) {
    return refreshed(
      id,
      props,
      `tag retention of project ${String(props.projectName)}`,
      RETENTION_RULES,
      async (conn) => {
        const policy = (await harborRequest<RetentionPolicy>(conn, "GET", `/retentions/${id}`))
          .body;
        return { ...observeRetention(policy) };
      },
    );
  },
  diff(_id, olds: Props, news: Props) {
    return Promise.resolve(diffWith(RETENTION_RULES, olds, news));
  },
  async update(id, olds: Props, news: RetentionInputs) {
    const same = stateOnly(RETENTION_RULES, olds, news);
    if (same) return same;
    const conn = await changeConnection(news);
    await harborRequest(conn, "PUT", `/retentions/${id}`, {
      body: retentionBody(news, Number(id)),
    });
    return { outs: { ...news } };
  },
  async delete(id, props: RetentionInputs) {
    const conn = await changeConnection(props);
    // Harbor answers a DELETE of a missing policy with 400; look first.
    try {
      await harborRequest(conn, "GET", `/retentions/${id}`);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    await harborRequest(conn, "DELETE", `/retentions/${id}`);
  },
};

// ---------------------------------------------------------------------------------------------
// Immutable tag rules: /projects/{id}/immutabletagrules

async function listImmutableRules(
  conn: HarborConnection,
  projectId: string,
): Promise<ImmutableRule[]> {
  return listAll<ImmutableRule>(conn, `/projects/${projectId}/immutabletagrules`);
}

export const immutableRuleProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: ImmutableRuleInputs) {
    const conn = await changeConnection(inputs);
    const path = `/projects/${inputs.projectId}/immutabletagrules`;
    let id: number;
    try {
      const response = await harborRequest(conn, "POST", path, {
        body: immutableRuleBody(inputs),
      });
      id = idFromLocation(response, `immutable tag rule of project ${inputs.projectName}`);
    } catch (error) {
      if (!isHarborError(error, "http", 409)) throw error;
      const existing = (await listImmutableRules(conn, inputs.projectId)).find((r) => {
        const seen = observeImmutableRule(r);
        return seen.tags === inputs.tags && seen.repositories === inputs.repositories;
      });
      if (!existing?.id) throw error;
      if (!inputs.adopt) {
        throw alreadyExists(
          `An immutable tag rule ${inputs.repositories}:${inputs.tags} of project "${inputs.projectName}"`,
          inputs.configKey,
          `rule ${existing.id}`,
        );
      }
      id = existing.id;
      await harborRequest(conn, "PUT", `${path}/${id}`, { body: immutableRuleBody(inputs, id) });
    }
    return { id: String(id), outs: { ...inputs, disabled: false } };
  },
  async read(id, props: Props) {
    return refreshed(
      id,
      props,
      `immutable tag rule of project ${String(props.projectName)}`,
      IMMUTABLE_RULES,
      async (conn) => {
        const rule = (await listImmutableRules(conn, String(props.projectId))).find(
          (r) => String(r.id) === id,
        );
        return rule ? { ...observeImmutableRule(rule) } : undefined;
      },
    );
  },
  diff(_id, olds: Props, news: Props) {
    return Promise.resolve(diffWith(IMMUTABLE_RULES, olds, news, { disabled: false }));
  },
  async update(id, olds: Props, news: ImmutableRuleInputs) {
    const same = stateOnly(IMMUTABLE_RULES, olds, news, { disabled: false });
    if (same) return same;
    const conn = await changeConnection(news);
    await harborRequest(conn, "PUT", `/projects/${news.projectId}/immutabletagrules/${id}`, {
      body: immutableRuleBody(news, Number(id)),
    });
    return { outs: { ...news, disabled: false } };
  },
  async delete(id, props: ImmutableRuleInputs) {
    const conn = await changeConnection(props);
    await deleteIfPresent(conn, `/projects/${props.projectId}/immutabletagrules/${id}`);
  },
};

// ---------------------------------------------------------------------------------------------
// Replication rules: /replication/policies

export const replicationProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: ReplicationInputs) {
    const conn = await changeConnection(inputs);
    let id: number;
    try {
      const response = await harborRequest(conn, "POST", "/replication/policies", {
        body: replicationBody(inputs),
      });
      id = idFromLocation(response, `replication rule ${inputs.name}`);
    } catch (error) {
      if (!isHarborError(error, "http", 409)) throw error;
      const found = await listAll<ReplicationPolicy>(conn, "/replication/policies", {
        q: `name=${inputs.name}`,
      });
      const existing = found.find((p) => p.name === inputs.name);
      if (!existing?.id) throw error;
      if (!inputs.adopt) {
        throw alreadyExists(
          `Replication rule "${inputs.name}"`,
          inputs.configKey,
          `id ${existing.id}`,
        );
      }
      id = existing.id;
      await harborRequest(conn, "PUT", `/replication/policies/${id}`, {
        body: replicationBody(inputs, id),
      });
    }
    return { id: String(id), outs: { ...inputs } };
  },
  async read(id, props: Props) {
    return refreshed(
      id,
      props,
      `replication rule ${String(props.name)}`,
      REPLICATION_RULES,
      async (conn) => {
        const policy = (
          await harborRequest<ReplicationPolicy>(conn, "GET", `/replication/policies/${id}`)
        ).body;
        return { ...observeReplication(policy) };
      },
    );
  },
  diff(_id, olds: Props, news: Props) {
    return Promise.resolve(diffWith(REPLICATION_RULES, olds, news));
  },
  async update(id, olds: Props, news: ReplicationInputs) {
    const same = stateOnly(REPLICATION_RULES, olds, news);
    if (same) return same;
    const conn = await changeConnection(news);
    await harborRequest(conn, "PUT", `/replication/policies/${id}`, {
      body: replicationBody(news, Number(id)),
    });
    return { outs: { ...news } };
  },
  async delete(id, props: ReplicationInputs) {
    const conn = await changeConnection(props);
    try {
      await deleteIfPresent(conn, `/replication/policies/${id}`);
    } catch (error) {
      throw refusal(error, `replication rule "${props.name}"`, "Stop its running executions first");
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Garbage collection and scan-all schedules: singletons

/** Pulumi ID of the GC schedule (there is one per Harbor). */
export const GC_SCHEDULE_ID = "gc-schedule";
/** Pulumi ID of the scan-all schedule. */
export const SCAN_ALL_SCHEDULE_ID = "scan-all-schedule";

async function currentGcSchedule(conn: HarborConnection): Promise<Props | undefined> {
  const body = (await harborRequest<GCHistory | null>(conn, "GET", "/system/gc/schedule")).body;
  return observeGcSchedule(body ?? undefined);
}

export const gcScheduleProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: GcScheduleInputs) {
    const conn = await changeConnection(inputs);
    const existing = await currentGcSchedule(conn);
    if (existing && !inputs.adopt) {
      throw alreadyExists(
        "A garbage-collection schedule",
        inputs.configKey,
        `cron "${String(existing.cron)}"`,
      );
    }
    await harborRequest(conn, existing ? "PUT" : "POST", "/system/gc/schedule", {
      body: gcScheduleBody(inputs),
    });
    return { id: GC_SCHEDULE_ID, outs: { ...inputs, present: true } };
  },
  async read(id, props: Props) {
    return refreshed(id, props, "garbage-collection schedule", GC_RULES, async (conn) => {
      const seen = await currentGcSchedule(conn);
      return seen ? { ...seen, present: true } : { present: false };
    });
  },
  diff(_id, olds: Props, news: Props) {
    return Promise.resolve(diffWith(GC_RULES, olds, news, { present: true }));
  },
  async update(_id, olds: Props, news: GcScheduleInputs) {
    const same = stateOnly(GC_RULES, olds, news, { present: true });
    if (same) return same;
    const conn = await changeConnection(news);
    await harborRequest(conn, olds.present === false ? "POST" : "PUT", "/system/gc/schedule", {
      body: gcScheduleBody(news),
    });
    return { outs: { ...news, present: true } };
  },
  async delete(_id, props: GcScheduleInputs) {
    const conn = await changeConnection(props);
    await harborRequest(conn, "PUT", "/system/gc/schedule", { body: NO_SCHEDULE });
  },
};

function scanAllRefusal(error: unknown, configKey: string): unknown {
  if (isHarborError(error, "http", 412)) {
    return harborError(
      "http",
      `Harbor has no scanner to scan with (HTTP 412), so ${configKey} cannot be applied: keep ` +
        `harbor:trivy.enabled true, or register a scanner in Harbor`,
      { status: 412 },
    );
  }
  return error;
}

async function currentScanAll(conn: HarborConnection): Promise<Props | undefined> {
  const body = (await harborRequest<Schedule | null>(conn, "GET", "/system/scanAll/schedule")).body;
  const type = body?.schedule?.type;
  if (!type || type === "None" || type === "Manual") return undefined;
  return { cron: body?.schedule?.cron ?? "" };
}

export const scanAllScheduleProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: ScanAllScheduleInputs) {
    const conn = await changeConnection(inputs);
    try {
      const existing = await currentScanAll(conn);
      if (existing && !inputs.adopt) {
        throw alreadyExists(
          "A scan-all schedule",
          inputs.configKey,
          `cron "${String(existing.cron)}"`,
        );
      }
      await harborRequest(conn, existing ? "PUT" : "POST", "/system/scanAll/schedule", {
        body: scanAllScheduleBody(inputs),
      });
    } catch (error) {
      throw scanAllRefusal(error, inputs.configKey);
    }
    return { id: SCAN_ALL_SCHEDULE_ID, outs: { ...inputs, present: true } };
  },
  async read(id, props: Props) {
    return refreshed(id, props, "scan-all schedule", SCAN_ALL_RULES, async (conn) => {
      const seen = await currentScanAll(conn);
      return seen ? { ...seen, present: true } : { present: false };
    });
  },
  diff(_id, olds: Props, news: Props) {
    return Promise.resolve(diffWith(SCAN_ALL_RULES, olds, news, { present: true }));
  },
  async update(_id, olds: Props, news: ScanAllScheduleInputs) {
    const same = stateOnly(SCAN_ALL_RULES, olds, news, { present: true });
    if (same) return same;
    const conn = await changeConnection(news);
    try {
      await harborRequest(
        conn,
        olds.present === false ? "POST" : "PUT",
        "/system/scanAll/schedule",
        { body: scanAllScheduleBody(news) },
      );
    } catch (error) {
      throw scanAllRefusal(error, news.configKey);
    }
    return { outs: { ...news, present: true } };
  },
  async delete(_id, props: ScanAllScheduleInputs) {
    const conn = await changeConnection(props);
    try {
      await harborRequest(conn, "PUT", "/system/scanAll/schedule", { body: NO_SCHEDULE });
    } catch (error) {
      throw scanAllRefusal(error, props.configKey);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// System settings: /configurations (always present; taken over without `import`)

/** Pulumi ID of the system settings. */
export const SYSTEM_SETTINGS_ID = "system-settings";

export const systemSettingsProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: SystemSettingsInputs) {
    const conn = await changeConnection(inputs);
    await harborRequest(conn, "PUT", "/configurations", { body: systemSettingsBody(inputs) });
    return { id: SYSTEM_SETTINGS_ID, outs: { ...inputs } };
  },
  async read(id, props: Props) {
    return refreshed(id, props, "system settings", SYSTEM_RULES, async (conn) => {
      const config = (await harborRequest<ConfigurationsResponse>(conn, "GET", "/configurations"))
        .body;
      const seen = observeSystemSettings(config);
      const out: Props = {};
      if (props.projectCreationRestriction !== undefined) {
        out.projectCreationRestriction = seen.projectCreationRestriction;
      }
      if (props.robotTokenDays !== undefined) out.robotTokenDays = seen.robotTokenDays;
      return out;
    });
  },
  diff(_id, olds: Props, news: Props) {
    return Promise.resolve(diffWith(SYSTEM_RULES, olds, news));
  },
  async update(_id, olds: Props, news: SystemSettingsInputs) {
    const same = stateOnly(SYSTEM_RULES, olds, news);
    if (same) return same;
    const conn = await changeConnection(news);
    await harborRequest(conn, "PUT", "/configurations", { body: systemSettingsBody(news) });
    return { outs: { ...news } };
  },
  async delete(_id, props: SystemSettingsInputs) {
    const conn = await changeConnection(props);
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
};

/** Every provider, by the resource type name it backs. */
export const PROVIDERS: Record<string, pulumi.dynamic.ResourceProvider> = {
  RegistryEndpoint: registryEndpointProvider,
  Project: projectProvider,
  ProjectMember: projectMemberProvider,
  Robot: robotProvider,
  Retention: retentionProvider,
  ImmutableTagRule: immutableRuleProvider,
  Replication: replicationProvider,
  GcSchedule: gcScheduleProvider,
  ScanAllSchedule: scanAllScheduleProvider,
  SystemSettings: systemSettingsProvider,
};
