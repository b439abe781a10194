/**
 * The registry-content objects as the dynamic providers see them (their inputs and state), the API
 * bodies built from them, the view of Harbor's answers in the same shape (for drift detection) and
 * the diff rules (what Harbor changes in place, what needs a replacement).
 *
 * Pure functions and constants only, importing only config/facts.ts and types: the providers that
 * use this module carry it into the state (see client.ts).
 */
import type { HarborConnection } from "./client";
import type {
  Configurations,
  ConfigurationsResponse,
  GCHistory,
  ImmutableRule,
  Project,
  ProjectMember,
  ProjectReq,
  Registry,
  RegistryUpdate,
  ReplicationFilter,
  ReplicationPolicy,
  RetentionPolicy,
  Robot,
  RobotCreate,
  RobotPermission,
  Schedule,
} from "./types";
import {
  ROLE_IDS,
  harborLdapGroupDn,
  quotaBytes,
  quotaFromBytes,
  type Quota,
  type RegistryType,
  type Role,
  type Severity,
  ADMIN_USERNAME,
} from "../../config/facts";

// ---------------------------------------------------------------------------------------------
// Inputs shared by every object

/** How the providers reach Harbor; the same for every object of a stack. */
export interface ConnectionInputs {
  /** Harbor's URL (`harbor:api.url`, default the stack's URL). */
  apiUrl: string;
  /** PEM of the stack's CA; empty when Harbor is reached over plain HTTP. */
  apiCaCertificate: string;
  /** The admin password (a secret). */
  adminPassword: string;
  /** Seconds to wait for Harbor's health endpoint before a change. */
  healthTimeoutSeconds: number;
}

/** What every object carries besides its own settings. */
export interface CommonInputs extends ConnectionInputs {
  /** Take over an object of the same name that already exists (`import: true` in the stack). */
  adopt: boolean;
  /** The stack key the object comes from (`harbor:projects.apps`), for messages. */
  configKey: string;
}

/** The fields of ConnectionInputs: a change there updates the state only. */
export const CONNECTION_FIELDS = [
  "apiUrl",
  "apiCaCertificate",
  "adminPassword",
  "healthTimeoutSeconds",
] as const;

/** The client's connection for an object's inputs (or state). */
export function connectionOf(inputs: ConnectionInputs): HarborConnection {
  return {
    url: inputs.apiUrl,
    caCertificate: inputs.apiCaCertificate,
    username: ADMIN_USERNAME,
    password: inputs.adminPassword,
    healthTimeoutSeconds: inputs.healthTimeoutSeconds,
  };
}

// ---------------------------------------------------------------------------------------------
// Registry endpoints

export interface RegistryEndpointInputs extends CommonInputs {
  /** Harbor's name of the endpoint (the key under `harbor:registries`). */
  name: string;
  type: RegistryType;
  url: string;
  description: string;
  /** User name or access key; empty for anonymous access. */
  accessKey: string;
  /** Password or token (a secret, from `harbor:registrySecrets`); empty for anonymous access. */
  accessSecret: string;
}

export function registryCreateBody(i: RegistryEndpointInputs): Registry {
  return {
    name: i.name,
    type: i.type,
    url: i.url,
    description: i.description,
    insecure: false,
    ...(i.accessKey || i.accessSecret
      ? { credential: { type: "basic", access_key: i.accessKey, access_secret: i.accessSecret } }
      : {}),
  };
}

export function registryUpdateBody(i: RegistryEndpointInputs): RegistryUpdate {
  return {
    name: i.name,
    description: i.description,
    url: i.url,
    insecure: false,
    credential_type: "basic",
    access_key: i.accessKey,
    access_secret: i.accessSecret,
  };
}

/** Harbor's endpoint in the inputs' shape (its secret is never answered, so it is not compared). */
export function observeRegistry(r: Registry): Partial<RegistryEndpointInputs> {
  return {
    name: r.name ?? "",
    type: (r.type ?? "") as RegistryType,
    url: (r.url ?? "").replace(/\/+$/, ""),
    description: r.description ?? "",
    accessKey: r.credential?.access_key ?? "",
  };
}

// ---------------------------------------------------------------------------------------------
// Projects

export interface ProjectInputs extends CommonInputs {
  /** Project name (Harbor cannot rename a project: a new name replaces it). */
  name: string;
  public: boolean;
  /** Storage quota; undefined leaves Harbor's (its `storage_per_project` default). */
  quota?: Quota;
  /** Scan every pushed image. */
  autoScan: boolean;
  /** "off", or the severity at or above which images cannot be pulled. */
  preventVulnerable: "off" | Severity;
  /** Pulumi ID (Harbor's registry ID) of the proxy cache's upstream; "" for a normal project. */
  registryId: string;
}

function projectMetadata(i: ProjectInputs): ProjectReq["metadata"] {
  return {
    public: String(i.public),
    auto_scan: String(i.autoScan),
    prevent_vul: String(i.preventVulnerable !== "off"),
    ...(i.preventVulnerable !== "off" ? { severity: i.preventVulnerable } : {}),
  };
}

export function projectCreateBody(i: ProjectInputs): ProjectReq {
  return {
    project_name: i.name,
    metadata: projectMetadata(i),
    ...(i.quota !== undefined ? { storage_limit: quotaBytes(i.quota) } : {}),
    ...(i.registryId ? { registry_id: Number(i.registryId) } : {}),
  };
}

export function projectUpdateBody(i: ProjectInputs): ProjectReq {
  return { metadata: projectMetadata(i) };
}

/** Harbor's project (and its quota) in the inputs' shape. */
export function observeProject(p: Project, storageBytes?: number): Partial<ProjectInputs> {
  const m = p.metadata ?? {};
  return {
    name: p.name ?? "",
    public: m.public === "true",
    autoScan: m.auto_scan === "true",
    preventVulnerable: m.prevent_vul === "true" ? ((m.severity ?? "low") as Severity) : "off",
    registryId: p.registry_id ? String(p.registry_id) : "",
    ...(storageBytes !== undefined ? { quota: quotaFromBytes(storageBytes) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Project members

/** A user (database, LDAP or OIDC), an LDAP group by DN, or an OIDC group by name. */
export type MemberKind = "user" | "ldapGroup" | "oidcGroup";

export interface ProjectMemberInputs extends CommonInputs {
  /** Pulumi ID (Harbor's project ID) of the project. */
  projectId: string;
  projectName: string;
  kind: MemberKind;
  /** User name, LDAP group DN or OIDC group name. */
  name: string;
  role: Role;
}

/**
 * An LDAP group DN as Harbor stores and looks it up: trimmed and lower-cased (goharbor/harbor
 * src/pkg/usergroup/dao/dao.go `Add` and src/pkg/usergroup/manager.go `Onboard` store
 * `utils.TrimLower(dn)`, while src/controller/member/controller.go `Create` looks a group up by the
 * DN exactly as given). LDAP compares DNs without regard to case, so this is the same group.
 */
export function harborGroupDn(dn: string): string {
  return dn.trim().toLowerCase();
}

export function memberCreateBody(i: ProjectMemberInputs): ProjectMember {
  const role_id = ROLE_IDS[i.role];
  switch (i.kind) {
    case "user":
      return { role_id, member_user: { username: i.name } };
    case "ldapGroup":
      return { role_id, member_group: { ldap_group_dn: harborGroupDn(i.name), group_type: 1 } };
    case "oidcGroup":
      return { role_id, member_group: { group_name: i.name, group_type: 3 } };
  }
}

// ---------------------------------------------------------------------------------------------
// Robot accounts

/** Permissions on one project (`*` for every project). */
export interface RobotProjectPermission {
  project: string;
  /** `resource:action` entries, sorted. */
  actions: string[];
}

export interface RobotInputs extends CommonInputs {
  /** The robot's name (the key under `harbor:robots`). */
  name: string;
  /** The name Harbor gives it, with the `robot$` prefix: what `docker login` takes. */
  username: string;
  description: string;
  /** Days until the secret expires; -1 never. */
  expiresDays: number;
  permissions: RobotProjectPermission[];
  /** Pulumi IDs of the projects it covers: a re-created project updates its permissions. */
  projectIds: Record<string, string>;
  /** Any change of this value makes Harbor issue a new secret (`rotation` in the stack). */
  rotation: string;
}

/** Sorted, de-duplicated permissions: the comparable form of both inputs and Harbor's answer. */
export function normalizePermissions(
  permissions: RobotProjectPermission[],
): RobotProjectPermission[] {
  const byProject = new Map<string, Set<string>>();
  for (const p of permissions) {
    const set = byProject.get(p.project) ?? new Set<string>();
    p.actions.forEach((a) => set.add(a));
    byProject.set(p.project, set);
  }
  return [...byProject.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([project, actions]) => ({ project, actions: [...actions].sort() }));
}

function robotPermissions(i: RobotInputs): RobotPermission[] {
  return normalizePermissions(i.permissions).map((p) => ({
    kind: "project",
    namespace: p.project,
    access: p.actions.map((a) => {
      const [resource, action] = a.split(":");
      return { resource, action, effect: "allow" };
    }),
  }));
}

export function robotCreateBody(i: RobotInputs): RobotCreate {
  return {
    name: i.name,
    description: i.description,
    level: "system",
    disable: false,
    duration: i.expiresDays,
    permissions: robotPermissions(i),
  };
}

/** The PUT body: Harbor requires the current full name and level unchanged. */
export function robotUpdateBody(i: RobotInputs, robotId: number): Robot {
  return {
    id: robotId,
    name: i.username,
    description: i.description,
    level: "system",
    disable: false,
    duration: i.expiresDays,
    permissions: robotPermissions(i),
  };
}

/** Harbor's robot in the inputs' shape; a disabled robot reads as a description change. */
export function observeRobot(r: Robot): Partial<RobotInputs> & { disabled: boolean } {
  return {
    username: r.name ?? "",
    description: r.description ?? "",
    expiresDays: r.duration ?? -1,
    disabled: r.disable === true,
    permissions: normalizePermissions(
      (r.permissions ?? [])
        .filter((p) => p.kind === "project")
        .map((p) => ({
          project: p.namespace ?? "",
          actions: (p.access ?? []).map((a) => `${a.resource ?? ""}:${a.action ?? ""}`),
        })),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Tag retention
//
// How Harbor runs a policy (goharbor/harbor v2.15.1): every repository a rule's `repositories`
// selector matches is processed (`src/pkg/retention/launcher.go` `Launch`); in it, each rule
// selects artifacts with its tag selector and keeps those its template picks, and every artifact
// of the repository that no rule keeps is deleted (`src/pkg/retention/policy/action/performer.go`
// `retainAction.Perform`). The tag selector's `untagged` extra decides whether it applies to
// artifacts without tags (`src/lib/selector/selectors/doublestar/selector.go`): with `matches`,
// untagged artifacts are selected (and may then be kept) only when it is true; with `excludes`,
// they are selected only when it is false.

/** Harbor's retention rule templates (`src/pkg/retention/policy/rule/index/index.go`). */
export type RetentionTemplate =
  "latestPushedK" | "latestPulledN" | "nDaysSinceLastPush" | "nDaysSinceLastPull" | "always";

export interface RetentionRuleInput {
  /**
   * What the rule keeps of the artifacts it selects: `latestPushedK` the N most recently pushed,
   * `latestPulledN` the N most recently pulled, `nDaysSinceLastPush` those pushed in the last N
   * days, `nDaysSinceLastPull` those pulled in the last N days, `always` all of them.
   */
  template: RetentionTemplate;
  /** The template's N; 0 for `always`, which has none. */
  value: number;
  /** doublestar pattern of tags the rule selects (or, with `excludeTags`, does not select). */
  tags: string;
  /** doublestar pattern of repositories the rule applies to. */
  repositories: string;
  /**
   * The selector's `untagged` extra: with `matches` (the default), untagged artifacts are selected
   * by this rule (and kept when its template keeps them); with `excludeTags`, they are selected
   * when this is false.
   */
  untagged: boolean;
  /** Select artifacts with no tag matching `tags` (decoration `excludes`); absent for `matches`. */
  excludeTags?: true;
}

export interface RetentionInputs extends CommonInputs {
  projectId: string;
  projectName: string;
  rules: RetentionRuleInput[];
  /** Six-field cron (seconds first) of the retention run. */
  cron: string;
  /**
   * The project is a proxy cache: Harbor gave it a retention policy of its own (7 days since the
   * last pull) when it created it, which this object replaces without `import`.
   */
  takeOverDefault: boolean;
}

export function retentionBody(i: RetentionInputs, id?: number): RetentionPolicy {
  return {
    ...(id !== undefined ? { id } : {}),
    algorithm: "or",
    rules: i.rules.map((r, index) => ({
      priority: index + 1,
      disabled: false,
      action: "retain",
      template: r.template,
      params: r.template === "always" ? {} : { [r.template]: r.value },
      tag_selectors: [
        {
          kind: "doublestar",
          decoration: r.excludeTags ? "excludes" : "matches",
          pattern: r.tags,
          extras: JSON.stringify({ untagged: r.untagged }),
        },
      ],
      scope_selectors: {
        repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: r.repositories }],
      },
    })),
    trigger: { kind: "Schedule", settings: { cron: i.cron }, references: {} },
    scope: { level: "project", ref: Number(i.projectId) },
  };
}

/**
 * A tag selector's `untagged` as Harbor reads it (`doublestar.New`): the `extras` JSON when it
 * parses, else true for `matches` and false for `excludes` (a policy made before the extra
 * existed, such as a proxy cache's default one, selects untagged artifacts).
 */
function selectorUntagged(decoration: string | undefined, extras: string | undefined): boolean {
  let untagged = decoration !== "excludes";
  if (extras) {
    try {
      const parsed = JSON.parse(extras) as { untagged?: unknown } | null;
      untagged = parsed !== null && typeof parsed === "object" && parsed.untagged === true;
    } catch {
      // Harbor keeps the default when the extras do not parse.
    }
  }
  return untagged;
}

/** Harbor's retention policy in the inputs' shape. */
export function observeRetention(p: RetentionPolicy): Partial<RetentionInputs> {
  const cron = (p.trigger?.settings as { cron?: unknown } | undefined)?.cron;
  return {
    projectId: p.scope?.ref !== undefined ? String(p.scope.ref) : "",
    cron: typeof cron === "string" ? cron : "",
    rules: (p.rules ?? [])
      .filter((r) => !r.disabled)
      .map((r) => {
        const tag = r.tag_selectors?.[0];
        const template = (r.template ?? "") as RetentionTemplate;
        return {
          template,
          value: template === "always" ? 0 : Number(r.params?.[r.template ?? ""] ?? 0),
          tags: tag?.pattern ?? "",
          repositories: r.scope_selectors?.repository?.[0]?.pattern ?? "",
          untagged: selectorUntagged(tag?.decoration, tag?.extras),
          ...(tag?.decoration === "excludes" ? { excludeTags: true as const } : {}),
        };
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Immutable tag rules

export interface ImmutableRuleInputs extends CommonInputs {
  projectId: string;
  projectName: string;
  /** doublestar pattern of immutable tags. */
  tags: string;
  /** doublestar pattern of the repositories the rule covers. */
  repositories: string;
}

export function immutableRuleBody(i: ImmutableRuleInputs, id?: number): ImmutableRule {
  return {
    ...(id !== undefined ? { id } : {}),
    disabled: false,
    action: "immutable",
    template: "immutable_template",
    tag_selectors: [{ kind: "doublestar", decoration: "matches", pattern: i.tags }],
    scope_selectors: {
      repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: i.repositories }],
    },
  };
}

/** Harbor's rule in the inputs' shape. */
export function observeImmutableRule(r: ImmutableRule): Partial<ImmutableRuleInputs> & {
  disabled: boolean;
} {
  return {
    tags: r.tag_selectors?.[0]?.pattern ?? "",
    repositories: r.scope_selectors?.repository?.[0]?.pattern ?? "",
    disabled: r.disabled === true,
  };
}

// ---------------------------------------------------------------------------------------------
// Replication rules

export type ReplicationTriggerType = "manual" | "scheduled" | "event_based";

export interface ReplicationInputs extends CommonInputs {
  name: string;
  description: string;
  /** `pull` copies from the registry into Harbor, `push` from Harbor to the registry. */
  direction: "pull" | "push";
  /** Pulumi ID (Harbor's registry ID) of the remote registry. */
  registryId: string;
  /** Repository name filter (doublestar, `library/**`); "" for all. */
  nameFilter: string;
  /** Tag filter; "" for all. */
  tagFilter: string;
  /** `image`, `artifact`; "" for all. */
  resourceFilter: string;
  /** Namespace (project) at the destination; "" keeps the source's. */
  destinationNamespace: string;
  trigger: ReplicationTriggerType;
  /** Six-field cron for `scheduled`; "" otherwise. */
  cron: string;
  override: boolean;
  /** Replicate deletions too. */
  deletion: boolean;
  enabled: boolean;
  /**
   * Bandwidth limit in KB/s per task, -1 unlimited (`speed`). This and the next three: undefined
   * leaves Harbor's value as it is (an update carries it over instead of resetting it).
   */
  speed?: number;
  /** Copy blobs in chunks (`copy_by_chunk`). */
  copyByChunk?: boolean;
  /** Never run two executions of the rule at once (`single_active_replication`). */
  singleActive?: boolean;
  /** How many leading path components the destination namespace replaces; -1 all (flattening). */
  namespaceReplaceCount?: number;
}

/** The replication settings Harbor resets to its defaults when a PUT leaves them out. */
export const REPLICATION_EXTRAS = {
  speed: "speed",
  copyByChunk: "copy_by_chunk",
  singleActive: "single_active_replication",
  namespaceReplaceCount: "dest_namespace_replace_count",
} as const;

export function replicationBody(i: ReplicationInputs, id?: number): ReplicationPolicy {
  const remote = { id: Number(i.registryId) };
  const filters: ReplicationFilter[] = [];
  if (i.nameFilter) filters.push({ type: "name", value: i.nameFilter });
  if (i.tagFilter) filters.push({ type: "tag", value: i.tagFilter, decoration: "matches" });
  if (i.resourceFilter) filters.push({ type: "resource", value: i.resourceFilter });
  return {
    ...(id !== undefined ? { id } : {}),
    name: i.name,
    description: i.description,
    ...(i.direction === "pull" ? { src_registry: remote } : { dest_registry: remote }),
    dest_namespace: i.destinationNamespace,
    trigger: {
      type: i.trigger,
      ...(i.trigger === "scheduled" ? { trigger_settings: { cron: i.cron } } : {}),
    },
    filters,
    override: i.override,
    // Harbor 2.15's handlers read the deprecated `deletion`; the document's name is sent too.
    deletion: i.deletion,
    replicate_deletion: i.deletion,
    enabled: i.enabled,
    ...(i.speed !== undefined ? { speed: i.speed } : {}),
    ...(i.copyByChunk !== undefined ? { copy_by_chunk: i.copyByChunk } : {}),
    ...(i.singleActive !== undefined ? { single_active_replication: i.singleActive } : {}),
    ...(i.namespaceReplaceCount !== undefined
      ? { dest_namespace_replace_count: i.namespaceReplaceCount }
      : {}),
  };
}

/** Harbor's replication policy in the inputs' shape. */
export function observeReplication(p: ReplicationPolicy): Partial<ReplicationInputs> {
  const src = p.src_registry?.id ?? 0;
  const dest = p.dest_registry?.id ?? 0;
  const filter = (type: string) => {
    const value = (p.filters ?? []).find((f) => f.type === type)?.value;
    return typeof value === "string" ? value : "";
  };
  return {
    name: p.name ?? "",
    description: p.description ?? "",
    direction: src !== 0 ? "pull" : "push",
    registryId: String(src !== 0 ? src : dest),
    nameFilter: filter("name"),
    tagFilter: filter("tag"),
    resourceFilter: filter("resource"),
    destinationNamespace: p.dest_namespace ?? "",
    trigger: (p.trigger?.type ?? "manual") as ReplicationTriggerType,
    cron: p.trigger?.type === "scheduled" ? (p.trigger.trigger_settings?.cron ?? "") : "",
    override: p.override === true,
    deletion: p.replicate_deletion === true || p.deletion === true,
    enabled: p.enabled === true,
    ...(p.speed !== undefined ? { speed: p.speed } : {}),
    ...(p.copy_by_chunk !== undefined ? { copyByChunk: p.copy_by_chunk } : {}),
    ...(p.single_active_replication !== undefined
      ? { singleActive: p.single_active_replication }
      : {}),
    ...(p.dest_namespace_replace_count !== undefined
      ? { namespaceReplaceCount: p.dest_namespace_replace_count }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Garbage collection, scan-all and system settings

export interface GcScheduleInputs extends CommonInputs {
  /** Six-field cron, seconds first. */
  cron: string;
  /** Delete untagged artifacts too. */
  deleteUntagged: boolean;
  /** Parallel workers, 1-5. */
  workers: number;
}

export function gcScheduleBody(i: GcScheduleInputs): Schedule {
  return {
    schedule: { type: "Custom", cron: i.cron },
    parameters: { delete_untagged: i.deleteUntagged, workers: i.workers, dry_run: false },
  };
}

/** Whether a schedule answer describes an active schedule. */
export function isScheduled(type: string | undefined): boolean {
  return type !== undefined && type !== "" && type !== "None" && type !== "Manual";
}

/** Harbor's GC schedule in the inputs' shape; undefined when there is none. */
export function observeGcSchedule(h: GCHistory | undefined): Partial<GcScheduleInputs> | undefined {
  if (!h || !isScheduled(h.schedule?.type)) return undefined;
  let params: { delete_untagged?: unknown; workers?: unknown } = {};
  try {
    params = JSON.parse(h.job_parameters ?? "{}") as typeof params;
  } catch {
    params = {};
  }
  return {
    cron: h.schedule?.cron ?? "",
    deleteUntagged: params.delete_untagged === true,
    workers: typeof params.workers === "number" ? params.workers : 1,
  };
}

export interface ScanAllScheduleInputs extends CommonInputs {
  cron: string;
}

export function scanAllScheduleBody(i: ScanAllScheduleInputs): Schedule {
  return { schedule: { type: "Custom", cron: i.cron } };
}

/** The body that removes a GC or scan-all schedule. */
export const NO_SCHEDULE: Schedule = { schedule: { type: "None" } };

export interface SystemSettingsInputs extends ConnectionInputs {
  configKey: string;
  /** Who may create projects; undefined leaves Harbor's. */
  projectCreationRestriction?: "adminonly" | "everyone";
  /** Default robot token lifetime in days; undefined leaves Harbor's. */
  robotTokenDays?: number;
}

/** Harbor's defaults, restored when the settings object is deleted. */
export const SYSTEM_DEFAULTS = { projectCreationRestriction: "everyone", robotTokenDays: 30 };

export function systemSettingsBody(
  i: Omit<SystemSettingsInputs, keyof ConnectionInputs | "configKey">,
): Configurations {
  return {
    ...(i.projectCreationRestriction !== undefined
      ? { project_creation_restriction: i.projectCreationRestriction }
      : {}),
    ...(i.robotTokenDays !== undefined ? { robot_token_duration: i.robotTokenDays } : {}),
  };
}

export function observeSystemSettings(c: ConfigurationsResponse): Partial<SystemSettingsInputs> {
  return {
    projectCreationRestriction: c.project_creation_restriction?.value as
      "adminonly" | "everyone" | undefined,
    robotTokenDays: c.robot_token_duration?.value,
  };
}

// ---------------------------------------------------------------------------------------------
// Diffs

/** Which fields a kind of object compares, and which of them Harbor cannot change in place. */
export interface DiffRules {
  /** Fields compared between the state (refreshed from Harbor) and the new inputs. */
  fields: readonly string[];
  /** Fields whose change needs a new object. */
  replace: readonly string[];
  /**
   * Fields that name the object in Harbor: when a replacement keeps them, the old object must go
   * first (`deleteBeforeReplace`), or the new one would collide with it.
   */
  identity?: readonly string[];
  /** Fields whose undefined input means "not managed" (never a change). */
  optional?: readonly string[];
  /**
   * The form Harbor compares a field in, given the object's inputs (or state): values with the same
   * form are the same (an LDAP group DN in any case).
   */
  canonical?: Readonly<
    Record<string, (value: unknown, inputs: Record<string, unknown>) => unknown>
  >;
  /** State fields that are not inputs (IDs, secrets Harbor issued, observed flags). */
  outputs?: readonly string[];
}

/**
 * The inputs a refresh hands back for subsequent diffs: the refreshed state without the fields
 * that are not inputs, so a preview lists the fields changed in Harbor (`~ quota: "10Gi" =>
 * "50Gi"`). Never a secret Harbor issued: those are output-only.
 */
export function refreshedInputs(
  rules: DiffRules,
  state: Record<string, unknown>,
): Record<string, unknown> {
  const drop = new Set([...(rules.outputs ?? []), "__provider"]);
  return Object.fromEntries(Object.entries(state).filter(([k]) => !drop.has(k)));
}

/** A provider's diff: what changed, and whether that needs a replacement. */
export interface InputDiff {
  changes: boolean;
  /** Changed fields, in the rules' order (connection fields last). */
  changed: string[];
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** Deep equality of JSON values, independent of key order. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i]));
  }
  if (typeof a === "object") {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const k of keys) {
      if (!sameValue(ao[k], bo[k])) return false;
    }
    return true;
  }
  return false;
}

/** Compares the state with the new inputs under the kind's rules. */
export function diffInputs(
  rules: DiffRules,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): InputDiff {
  const same = (f: string) => {
    const canonical = rules.canonical?.[f];
    return canonical
      ? sameValue(canonical(olds[f], olds), canonical(news[f], news))
      : sameValue(olds[f], news[f]);
  };
  const changed = rules.fields.filter((f) => {
    if (rules.optional?.includes(f) && news[f] === undefined) return false;
    return !same(f);
  });
  // The connection and the provider's own code (`__provider`, the provider's module): a change
  // updates the state only, so deletes and refreshes use the current credentials and code.
  const connection = [...CONNECTION_FIELDS, "__provider"].filter(
    (f) => !sameValue(olds[f], news[f]),
  );
  const replaces = changed.filter((f) => rules.replace.includes(f));
  const identityKept = (rules.identity ?? []).length > 0 && (rules.identity ?? []).every(same);
  return {
    changes: changed.length + connection.length > 0,
    changed: [...changed, ...connection],
    replaces,
    deleteBeforeReplace: replaces.length > 0 && identityKept,
  };
}

export const REGISTRY_RULES: DiffRules = {
  fields: ["name", "type", "url", "description", "accessKey", "accessSecret"],
  replace: ["type"],
  identity: ["name"],
  outputs: ["registryId"],
};

export const PROJECT_RULES: DiffRules = {
  fields: ["name", "public", "quota", "autoScan", "preventVulnerable", "registryId"],
  replace: ["name", "registryId"],
  identity: ["name"],
  optional: ["quota"],
  outputs: ["projectId"],
};

export const MEMBER_RULES: DiffRules = {
  fields: ["projectId", "kind", "name", "role"],
  replace: ["projectId", "kind", "name"],
  identity: ["projectId", "kind", "name"],
  // Harbor stores an LDAP group DN lower-cased (src/pkg/usergroup/manager.go): a state written
  // before members carried that form is the same member.
  canonical: {
    name: (value, inputs) =>
      inputs.kind === "ldapGroup" && typeof value === "string" ? harborLdapGroupDn(value) : value,
  },
};

export const ROBOT_RULES: DiffRules = {
  fields: [
    "name",
    "username",
    "description",
    "expiresDays",
    "permissions",
    "projectIds",
    "rotation",
    "disabled",
  ],
  replace: ["name", "username"],
  identity: ["name"],
  outputs: ["robotId", "secret", "expiresAt", "issuedAt", "disabled"],
};

export const RETENTION_RULES: DiffRules = {
  fields: ["projectId", "rules", "cron"],
  replace: ["projectId"],
};

export const IMMUTABLE_RULES: DiffRules = {
  fields: ["projectId", "tags", "repositories", "disabled"],
  replace: ["projectId"],
  outputs: ["disabled"],
};

export const REPLICATION_RULES: DiffRules = {
  fields: [
    "name",
    "description",
    "direction",
    "registryId",
    "nameFilter",
    "tagFilter",
    "resourceFilter",
    "destinationNamespace",
    "trigger",
    "cron",
    "override",
    "deletion",
    "enabled",
    "speed",
    "copyByChunk",
    "singleActive",
    "namespaceReplaceCount",
  ],
  replace: [],
  optional: ["speed", "copyByChunk", "singleActive", "namespaceReplaceCount"],
};

export const GC_RULES: DiffRules = {
  fields: ["cron", "deleteUntagged", "workers", "present"],
  replace: [],
  outputs: ["present"],
};

export const SCAN_ALL_RULES: DiffRules = {
  fields: ["cron", "present"],
  replace: [],
  outputs: ["present"],
};

export const SYSTEM_RULES: DiffRules = {
  fields: ["projectCreationRestriction", "robotTokenDays"],
  replace: [],
  optional: ["projectCreationRestriction", "robotTokenDays"],
};
