/**
 * Immutable tag rules (`harbor:projects.<name>.immutableTags`): /projects/{id}/immutabletagrules.
 *
 * A PUT whose `disabled` differs from the rule's only toggles it and drops every other change
 * (goharbor/harbor src/controller/immutable/controller.go `UpdateImmutableRule`: when
 * `m0.Disabled != m.Disabled` it calls `EnableImmutableRule` and returns). So a rule disabled in
 * the portal whose patterns also change gets two PUTs: the patterns with its current state, then
 * the toggle.
 */
import {
  type HarborConnection,
  harborError,
  harborRequest,
  idFromLocation,
  listAll,
} from "../client";
import {
  type ImmutableRuleInputs,
  IMMUTABLE_RULES,
  immutableRuleBody,
  observeImmutableRule,
} from "../model";
import type { ImmutableRule } from "../types";
import { collectionProvider, deleteIfPresent } from "./common";

async function listRules(conn: HarborConnection, projectId: string): Promise<ImmutableRule[]> {
  return listAll<ImmutableRule>(conn, `/projects/${projectId}/immutabletagrules`);
}

/** The project's rule with these patterns. */
async function findRule(
  conn: HarborConnection,
  i: ImmutableRuleInputs,
): Promise<ImmutableRule | undefined> {
  return (await listRules(conn, i.projectId)).find((r) => {
    const seen = observeImmutableRule(r);
    return seen.tags === i.tags && seen.repositories === i.repositories;
  });
}

/** Sets the rule's patterns and enables it, in the order Harbor's controller needs. */
async function putRule(conn: HarborConnection, id: number, i: ImmutableRuleInputs): Promise<void> {
  const path = `/projects/${i.projectId}/immutabletagrules/${id}`;
  const current = (await listRules(conn, i.projectId)).find((r) => r.id === id);
  const body = immutableRuleBody(i, id);
  if (current?.disabled === true) {
    await harborRequest(conn, "PUT", path, { body: { ...body, disabled: true } });
  }
  await harborRequest(conn, "PUT", path, { body });
}

export const immutableRuleProvider = collectionProvider<ImmutableRuleInputs>({
  rules: IMMUTABLE_RULES,
  implied: { disabled: false },
  what: (i) => `immutable tag rule of project ${i.projectName}`,
  title: (i) => `An immutable tag rule ${i.repositories}:${i.tags} of project "${i.projectName}"`,
  async create(conn, i) {
    // Harbor's unique key is the rule's serialized JSON (immutable_tag_rule UNIQUE(project_id,
    // tag_filter), make/migrations/postgresql/0015_1.10.0_schema.up.sql), which a rule updated
    // once no longer matches: a second rule of the same patterns would be accepted. Look first.
    const same = await findRule(conn, i);
    if (same?.id) {
      throw harborError("http", `project ${i.projectName} has immutable rule ${same.id}`, {
        status: 409,
      });
    }
    const response = await harborRequest(
      conn,
      "POST",
      `/projects/${i.projectId}/immutabletagrules`,
      {
        body: immutableRuleBody(i),
      },
    );
    return { id: idFromLocation(response, `immutable tag rule of project ${i.projectName}`) };
  },
  async find(conn, i) {
    const existing = await findRule(conn, i);
    return existing?.id ? { id: existing.id, found: `rule ${existing.id}` } : undefined;
  },
  async adopt(conn, id, i) {
    await putRule(conn, id, i);
  },
  async observe(conn, id, props) {
    const rule = (await listRules(conn, String(props.projectId))).find((r) => String(r.id) === id);
    return rule ? { ...observeImmutableRule(rule) } : undefined;
  },
  async update(conn, id, _olds, news) {
    await putRule(conn, Number(id), news);
  },
  async remove(conn, id, props) {
    await deleteIfPresent(conn, `/projects/${props.projectId}/immutabletagrules/${id}`);
  },
});
