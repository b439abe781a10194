/** Registry endpoints (`harbor:registries`): /registries. */
import { harborError, harborRequest, listAll } from "../client";
import {
  type RegistryEndpointInputs,
  REGISTRY_RULES,
  observeRegistry,
  registryCreateBody,
  registryUpdateBody,
} from "../model";
import type { Registry } from "../types";
import { collectionProvider, deleteIfPresent, refusal } from "./common";
import { idFromLocation } from "../client";

export const registryEndpointProvider = collectionProvider<RegistryEndpointInputs>({
  rules: REGISTRY_RULES,
  what: (i) => `registry endpoint ${i.name}`,
  title: (i) => `Registry endpoint "${i.name}"`,
  async create(conn, i) {
    const response = await harborRequest(conn, "POST", "/registries", {
      body: registryCreateBody(i),
    });
    const id = idFromLocation(response, `registry endpoint ${i.name}`);
    return { id, outs: { registryId: id } };
  },
  async find(conn, i) {
    const found = await listAll<Registry>(conn, "/registries", { q: `name=${i.name}` });
    const existing = found.find((r) => r.name === i.name);
    return existing?.id
      ? { id: existing.id, found: `${existing.type} ${existing.url}` }
      : undefined;
  },
  async adopt(conn, id, i) {
    const existing = (await harborRequest<Registry>(conn, "GET", `/registries/${id}`)).body;
    if (existing.type !== i.type) {
      throw harborError(
        "http",
        `Registry endpoint "${i.name}" exists in Harbor as type ${existing.type}, not ` +
          `${i.type}; Harbor cannot change an endpoint's type, so it cannot be taken over ` +
          `(${i.configKey}.type)`,
      );
    }
    await harborRequest(conn, "PUT", `/registries/${id}`, { body: registryUpdateBody(i) });
    return { registryId: id };
  },
  async observe(conn, id) {
    const r = await harborRequest<Registry>(conn, "GET", `/registries/${id}`);
    return { ...observeRegistry(r.body) };
  },
  async update(conn, id, _olds, news) {
    await harborRequest(conn, "PUT", `/registries/${id}`, { body: registryUpdateBody(news) });
    return { registryId: Number(id) };
  },
  async remove(conn, id, props) {
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
});
