/**
 * What every registry-content provider shares: the connection for a change or a refresh, how a
 * refresh treats each failure, the adoption error, diffs, and the two factories every kind is
 * built with: `collectionProvider` (objects Harbor keeps many of: POST, on 409 adopt and PUT) and
 * `singletonProvider` (the one GC schedule, scan-all schedule, system settings).
 *
 * Each provider goes into the state as its module with the modules it imports
 * (lib/provider-module.ts) and runs in a separate process (see ../client.ts): plain functions and
 * data only, no module objects; Node modules are required inside functions.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  API_URL_KEY,
  type HarborConnection,
  type HarborError,
  harborError,
  harborRequest,
  isHarborError,
  isHarborNotFound,
  waitForHarbor,
} from "../client";
import {
  type ConnectionInputs,
  type DiffRules,
  connectionOf,
  diffInputs,
  refreshedInputs,
} from "../model";

export type Props = Record<string, unknown>;

/** Seconds a refresh waits for one answer before it treats Harbor as unreachable. */
export const READ_TIMEOUT_SECONDS = 20;

/** The connection for a change: Harbor must be healthy first (bounded wait). */
export async function changeConnection(inputs: ConnectionInputs): Promise<HarborConnection> {
  const conn = connectionOf(inputs);
  await waitForHarbor(conn);
  return conn;
}

/** The connection for a refresh: no health wait, a shorter timeout. */
export function readConnection(props: ConnectionInputs): HarborConnection {
  return { ...connectionOf(props), requestTimeoutSeconds: READ_TIMEOUT_SECONDS };
}

/**
 * Writes a warning where the Pulumi CLI shows it: the engine turns each line a provider writes to
 * stderr into a diagnostic (pulumi/pulumi sdk/go/common/resource/plugin/plugin.go, `runtrace`:
 * stderr lines are logged with `Diag.Infoerrf`).
 */
export function warn(message: string): void {
  console.error(`warning: ${message}`);
}

/** What to do about a read that failed for a reason other than the object being gone. */
export function readFailureHint(error: unknown): string {
  const h = (error as Partial<HarborError>).harbor;
  if (!h) return "";
  if (h.kind === "http" && h.status === 401) {
    return (
      "Harbor refused the admin credentials the stack holds: if the admin password was changed " +
      "in the portal, set harbor:adminPassword to the current one (pulumi config set --secret " +
      "harbor:adminPassword ...) and run again"
    );
  }
  if (h.kind === "http" && h.status === 403) {
    return "Harbor forbids this read to the admin user: check that harbor:adminPassword is the admin's";
  }
  if (h.kind === "tls") {
    return (
      `the address in ${API_URL_KEY} does not serve a certificate signed by the stack's CA ` +
      "(harbor:tls): point it at Harbor itself"
    );
  }
  if (h.kind === "http" && h.status === 404) {
    return (
      `the answer is not Harbor's own "not found" (its JSON errors body), so ${API_URL_KEY} may ` +
      "point at something other than Harbor's API (an ingress default backend, another host)"
    );
  }
  if (h.kind === "http" && (h.status ?? 0) >= 500) {
    return "Harbor is failing (HTTP 5xx): see its core logs";
  }
  return "";
}

/**
 * A read: the observed state merged over the last one, or an empty ID when the object is gone from
 * Harbor (the next `pulumi up` creates it again).
 *
 * The engine removes a resource from the state when a read answers no ID, and fails the whole
 * refresh (so every `preview`, `up` and `destroy` under `refresh: always`) when a read throws
 * (@pulumi/pulumi cmd/dynamic-provider/index.js, `read`: the result's `id` is sent as is, an
 * exception becomes the gRPC error). So only Harbor's own answer that the object does not exist
 * (its JSON `NOT_FOUND` error, `isHarborNotFound`) or an `observe` that finds no such object drops
 * it; every other failure (unreachable, 5xx, 401, 403, TLS, a 404 that is not Harbor's) keeps the
 * last known state and warns, naming what to fix.
 */
export async function refreshed(
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
    if (isHarborNotFound(error)) return { id: "", props: {} };
    const hint = readFailureHint(error);
    warn(
      `${what}: ${(error as Error).message}${hint ? `. ${hint}` : ""}; keeping its last known ` +
        `state, so this run shows the changes of the stack's inputs only and cannot detect ` +
        `changes made in Harbor`,
    );
    return { id, props };
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

/** A delete that treats Harbor's own "not found" as done. */
export async function deleteIfPresent(conn: HarborConnection, path: string): Promise<void> {
  try {
    await harborRequest(conn, "DELETE", path);
  } catch (error) {
    if (isHarborNotFound(error)) return;
    throw error;
  }
}

/** Rewords a 412 (Harbor refuses while something still uses the object) with what to do. */
export function refusal(error: unknown, what: string, todo: string): unknown {
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
export function diffWith(
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
export function stateOnly(
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
export function changed(olds: Props, news: Props, ...fields: string[]): boolean {
  return diffInputs({ fields, replace: [] }, olds, news).changed.some((f) => fields.includes(f));
}

// ---------------------------------------------------------------------------------------------
// Collections: POST -> 409 -> adopt -> PUT

/** An object Harbor already has, found for adoption. */
export interface Existing {
  /** Harbor's ID. */
  id: number;
  /** How the refusal names it (`rule 4`, `docker-hub https://...`). */
  found: string;
}

/** What one kind of collection object does against Harbor's API. */
export interface CollectionSpec<I> {
  rules: DiffRules;
  /** Fields the inputs imply (`disabled: false`), for diffs and state. */
  implied?: Props;
  /** The object in read warnings: `project apps`. */
  what(i: I): string;
  /** The object in the refusal to create it over an existing one: `Project "apps"`. */
  title(i: I): string;
  /** POST; answers Harbor's ID (and outputs besides the inputs). Throws Harbor's 409 on a clash. */
  create(conn: HarborConnection, i: I): Promise<{ id: number; outs?: Props }>;
  /** After a 409: the object that is in the way, when it can be identified. */
  find(conn: HarborConnection, i: I): Promise<Existing | undefined>;
  /** Whether an existing object is taken over without `import` (a proxy cache's own policy). */
  adoptsWithoutImport?(i: I): boolean;
  /** Takes the existing object over: sets it as configured (checks first what cannot change). */
  adopt(conn: HarborConnection, id: number, i: I): Promise<Props | void>;
  /** Harbor's object in the inputs' shape; undefined when it is gone. */
  observe(conn: HarborConnection, id: string, props: Props): Promise<Props | undefined>;
  /** Applies a change of settings; answers outputs besides the inputs. */
  update(conn: HarborConnection, id: string, olds: Props, news: I): Promise<Props | void>;
  /** Removes the object (already gone is done). */
  remove(conn: HarborConnection, id: string, props: I): Promise<void>;
  /** A preview-time refusal of a change (throws); `olds` is the refreshed state. */
  refuse?(olds: Props, news: I): void;
  /**
   * The form in which the state and the inputs are compared, where Harbor treats two spellings as
   * one (an LDAP group DN in another letter case).
   */
  comparable?(p: Props): Props;
}

interface Adoptable {
  adopt: boolean;
  configKey: string;
}

/** A provider for a kind of object Harbor keeps many of. */
export function collectionProvider<I extends ConnectionInputs & Adoptable>(
  spec: CollectionSpec<I>,
): pulumi.dynamic.ResourceProvider {
  const implied = spec.implied ?? {};
  const comparable = (p: Props) => (spec.comparable ? spec.comparable(p) : p);
  return {
    async create(inputs: I) {
      const conn = await changeConnection(inputs);
      try {
        const created = await spec.create(conn, inputs);
        return { id: String(created.id), outs: { ...inputs, ...implied, ...created.outs } };
      } catch (error) {
        if (!isHarborError(error, "http", 409)) throw error;
        const existing = await spec.find(conn, inputs);
        if (!existing) throw error;
        if (!inputs.adopt && !spec.adoptsWithoutImport?.(inputs)) {
          throw alreadyExists(spec.title(inputs), inputs.configKey, existing.found);
        }
        const outs = await spec.adopt(conn, existing.id, inputs);
        return { id: String(existing.id), outs: { ...inputs, ...implied, ...(outs ?? {}) } };
      }
    },
    async read(id, props: Props) {
      return refreshed(id, props, spec.what(props as I), spec.rules, (conn) =>
        spec.observe(conn, id, props),
      );
    },
    diff(_id, olds: Props, news: Props) {
      spec.refuse?.(olds, news as I);
      return Promise.resolve(diffWith(spec.rules, comparable(olds), comparable(news), implied));
    },
    async update(id, olds: Props, news: I) {
      spec.refuse?.(olds, news);
      const same = stateOnly(spec.rules, comparable(olds), comparable(news as Props), implied);
      if (same) return same;
      const conn = await changeConnection(news);
      const outs = await spec.update(conn, id, olds, news);
      return { outs: { ...news, ...implied, ...(outs ?? {}) } };
    },
    async delete(id, props: I) {
      const conn = await changeConnection(props);
      await spec.remove(conn, id, props);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Singletons: one per Harbor, present or not

/** What one kind of singleton does against Harbor's API. */
export interface SingletonSpec<I> {
  /** Pulumi ID of the singleton. */
  id: string;
  rules: DiffRules;
  /** The object in messages: `garbage-collection schedule`. */
  what: string;
  /**
   * Whether Harbor always has one (system settings: taken over without `import`, read as is);
   * otherwise a present flag is kept (`present`) and a schedule removed in the portal comes back.
   */
  alwaysPresent?: boolean;
  /** Harbor's current one in the inputs' shape; undefined when there is none. */
  current(conn: HarborConnection, props: Props): Promise<Props | undefined>;
  /** Sets it as configured; `exists` says whether Harbor has one (POST or PUT). */
  apply(conn: HarborConnection, i: I, exists: boolean): Promise<void>;
  /** Puts Harbor's default back (the stack no longer manages it). */
  reset(conn: HarborConnection, props: I): Promise<void>;
  /** Rewords Harbor's refusals (a 412 without a scanner). */
  explain?(error: unknown, i: I): unknown;
}

/** A provider for a kind of which Harbor has exactly one. */
export function singletonProvider<I extends ConnectionInputs & { configKey: string }>(
  spec: SingletonSpec<I>,
): pulumi.dynamic.ResourceProvider {
  const implied: Props = spec.alwaysPresent ? {} : { present: true };
  const explain = (error: unknown, i: I) => (spec.explain ? spec.explain(error, i) : error);
  return {
    async create(inputs: I) {
      const conn = await changeConnection(inputs);
      try {
        const existing = spec.alwaysPresent ? undefined : await spec.current(conn, {});
        const adopt = (inputs as Partial<Adoptable>).adopt === true;
        if (existing && !adopt) {
          throw alreadyExists(
            `A ${spec.what}`,
            inputs.configKey,
            `cron "${String(existing.cron)}"`,
          );
        }
        await spec.apply(conn, inputs, spec.alwaysPresent === true || existing !== undefined);
      } catch (error) {
        throw explain(error, inputs);
      }
      return { id: spec.id, outs: { ...inputs, ...implied } };
    },
    async read(id, props: Props) {
      return refreshed(id, props, spec.what, spec.rules, async (conn) => {
        const seen = await spec.current(conn, props);
        if (spec.alwaysPresent) return seen ?? {};
        return seen ? { ...seen, present: true } : { present: false };
      });
    },
    diff(_id, olds: Props, news: Props) {
      return Promise.resolve(diffWith(spec.rules, olds, news, implied));
    },
    async update(_id, olds: Props, news: I) {
      const same = stateOnly(spec.rules, olds, news, implied);
      if (same) return same;
      const conn = await changeConnection(news);
      try {
        await spec.apply(conn, news, spec.alwaysPresent === true || olds.present !== false);
      } catch (error) {
        throw explain(error, news);
      }
      return { outs: { ...news, ...implied } };
    },
    async delete(_id, props: I) {
      const conn = await changeConnection(props);
      try {
        await spec.reset(conn, props);
      } catch (error) {
        throw explain(error, props);
      }
    },
  };
}
