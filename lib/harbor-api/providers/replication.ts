/**
 * Replication rules (`harbor:replications`): /replication/policies.
 *
 * A PUT replaces the whole policy: settings it leaves out (`speed`, `copy_by_chunk`,
 * `single_active_replication`, `dest_namespace_replace_count`) go back to their zero values
 * (goharbor/harbor src/server/v2.0/handler/replication.go `UpdateReplicationPolicy` builds the
 * policy from the request body alone). So every PUT carries Harbor's current value of each of them
 * that the stack does not set, and the ones it sets are compared on refresh.
 */
import { type HarborConnection, harborRequest, idFromLocation, listAll } from "../client";
import {
  type ReplicationInputs,
  REPLICATION_EXTRAS,
  REPLICATION_RULES,
  observeReplication,
  replicationBody,
} from "../model";
import type { ReplicationPolicy } from "../types";
import { collectionProvider, deleteIfPresent, refusal } from "./common";

/** The PUT body: the configured rule, with Harbor's value of every extra the stack leaves unset. */
async function putPolicy(conn: HarborConnection, id: number, i: ReplicationInputs): Promise<void> {
  const path = `/replication/policies/${id}`;
  const current = (await harborRequest<ReplicationPolicy>(conn, "GET", path)).body;
  const body: ReplicationPolicy = replicationBody(i, id);
  for (const [input, field] of Object.entries(REPLICATION_EXTRAS)) {
    if (i[input as keyof typeof REPLICATION_EXTRAS] === undefined && current[field] !== undefined) {
      (body as Record<string, unknown>)[field] = current[field];
    }
  }
  await harborRequest(conn, "PUT", path, { body });
}

export const replicationProvider = collectionProvider<ReplicationInputs>({
  rules: REPLICATION_RULES,
  what: (i) => `replication rule ${i.name}`,
  title: (i) => `Replication rule "${i.name}"`,
  async create(conn, i) {
    const response = await harborRequest(conn, "POST", "/replication/policies", {
      body: replicationBody(i),
    });
    return { id: idFromLocation(response, `replication rule ${i.name}`) };
  },
  async find(conn, i) {
    const found = await listAll<ReplicationPolicy>(conn, "/replication/policies", {
      q: `name=${i.name}`,
    });
    const existing = found.find((p) => p.name === i.name);
    return existing?.id ? { id: existing.id, found: `id ${existing.id}` } : undefined;
  },
  async adopt(conn, id, i) {
    await putPolicy(conn, id, i);
  },
  async observe(conn, id) {
    const policy = (
      await harborRequest<ReplicationPolicy>(conn, "GET", `/replication/policies/${id}`)
    ).body;
    return { ...observeReplication(policy) };
  },
  async update(conn, id, _olds, news) {
    await putPolicy(conn, Number(id), news);
  },
  async remove(conn, id, props) {
    try {
      await deleteIfPresent(conn, `/replication/policies/${id}`);
    } catch (error) {
      throw refusal(error, `replication rule "${props.name}"`, "Stop its running executions first");
    }
  },
});
