/** Project members (`harbor:projects.<name>.members`): /projects/{id}/members. */
import { type HarborConnection, harborRequest, idFromLocation, listAll } from "../client";
import { type ProjectMemberInputs, MEMBER_RULES, harborGroupDn, memberCreateBody } from "../model";
import { ROLE_IDS, roleOf } from "../../../config/facts";
import type { ProjectMemberEntity, UserGroup } from "../types";
import { collectionProvider, deleteIfPresent, type Props } from "./common";

async function findMember(
  conn: HarborConnection,
  i: ProjectMemberInputs,
): Promise<ProjectMemberEntity | undefined> {
  const path = `/projects/${i.projectId}/members`;
  if (i.kind === "ldapGroup") {
    const dn = harborGroupDn(i.name);
    const groups = await listAll<UserGroup>(conn, "/usergroups", { ldap_group_dn: dn });
    const ids = groups.filter((g) => harborGroupDn(g.ldap_group_dn ?? "") === dn).map((g) => g.id);
    const members = await listAll<ProjectMemberEntity>(conn, path);
    return members.find((m) => m.entity_type === "g" && ids.includes(m.entity_id));
  }
  const members = await listAll<ProjectMemberEntity>(conn, path, { entityname: i.name });
  const type = i.kind === "user" ? "u" : "g";
  return members.find((m) => m.entity_type === type && m.entity_name === i.name);
}

export const projectMemberProvider = collectionProvider<ProjectMemberInputs>({
  rules: MEMBER_RULES,
  what: (i) => `member ${i.name} of project ${i.projectName}`,
  title: (i) => `"${i.name}" as a member of project "${i.projectName}"`,
  // Harbor keeps one group per DN whatever its letter case: a DN respelled in the stack is the same
  // member, not a replacement (which would be refused with 409 mid-update).
  comparable: (p: Props) =>
    p.kind === "ldapGroup" && typeof p.name === "string"
      ? { ...p, name: harborGroupDn(p.name) }
      : p,
  async create(conn, i) {
    const path = `/projects/${i.projectId}/members`;
    const response = await harborRequest(conn, "POST", path, { body: memberCreateBody(i) });
    return { id: idFromLocation(response, `member ${i.name} of project ${i.projectName}`) };
  },
  async find(conn, i) {
    const existing = await findMember(conn, i);
    if (!existing?.id) return undefined;
    return { id: existing.id, found: `role ${roleOf(existing.role_id) ?? existing.role_id}` };
  },
  async adopt(conn, id, i) {
    await harborRequest(conn, "PUT", `/projects/${i.projectId}/members/${id}`, {
      body: { role_id: ROLE_IDS[i.role] },
    });
  },
  async observe(conn, id, props) {
    const m = (
      await harborRequest<ProjectMemberEntity>(
        conn,
        "GET",
        `/projects/${String(props.projectId)}/members/${id}`,
      )
    ).body;
    return { role: roleOf(m.role_id) ?? `role ${m.role_id}` };
  },
  async update(conn, id, _olds, news) {
    await harborRequest(conn, "PUT", `/projects/${news.projectId}/members/${id}`, {
      body: { role_id: ROLE_IDS[news.role] },
    });
  },
  async remove(conn, id, props) {
    await deleteIfPresent(conn, `/projects/${props.projectId}/members/${id}`);
  },
});
