/**
 * Request and response bodies of the Harbor v2.0 REST API endpoints this program uses, written once
 * from Harbor 2.15.1's OpenAPI document (`api/v2.0/swagger.yaml`, Swagger 2.0, basePath
 * `/api/v2.0`; chart 1.19.1's appVersion). Names and fields follow the document's `definitions`;
 * only the fields the program reads or writes are listed. Every field is optional where the document
 * does not mark it required (it marks none in these definitions).
 *
 * Where Harbor's handlers accept more than the document says, the comment says so: the document
 * declares `Schedule.parameters` and `RetentionRule.params` values as objects, while Harbor's own
 * handlers and portal send booleans and integers there (see docs/registry-content.md).
 */

/** `#/definitions/Error` */
export interface ApiError {
  code?: string;
  message?: string;
}

/** `#/definitions/Errors`: the body of every 4xx/5xx answer. */
export interface ApiErrors {
  errors?: ApiError[];
}

/** `#/definitions/ComponentHealthStatus` */
export interface ComponentHealthStatus {
  name?: string;
  /** "healthy" or "unhealthy". */
  status?: string;
  error?: string;
}

/** `#/definitions/OverallHealthStatus`: `GET /health` (no authentication). */
export interface OverallHealthStatus {
  /** "healthy" only when every component is. */
  status?: string;
  components?: ComponentHealthStatus[];
}

/**
 * `#/definitions/ProjectMetadata`: every value is a string ("true"/"false" for flags).
 */
export interface ProjectMetadata {
  public?: string;
  enable_content_trust?: string;
  enable_content_trust_cosign?: string;
  prevent_vul?: string;
  /** "none", "low", "medium", "high" or "critical". */
  severity?: string;
  auto_scan?: string;
  auto_sbom_generation?: string;
  reuse_sys_cve_allowlist?: string;
  /** ID of the project's tag retention policy (set by Harbor). */
  retention_id?: string;
  proxy_speed_kb?: string;
  max_upstream_conn?: string;
  proxy_cache_local_on_not_found?: string;
}

/** `#/definitions/ProjectReq`: `POST /projects`, `PUT /projects/{project_name_or_id}`. */
export interface ProjectReq {
  /** At most 255 characters. */
  project_name?: string;
  /** Deprecated; `metadata.public` is what counts. */
  public?: boolean;
  metadata?: ProjectMetadata;
  /** Storage quota in bytes, -1 for unlimited; read on create only (updates go to `/quotas`). */
  storage_limit?: number;
  /** The registry endpoint of a proxy cache project; read on create only. */
  registry_id?: number;
}

/** `#/definitions/Project` */
export interface Project {
  project_id?: number;
  owner_id?: number;
  name?: string;
  /** Non-zero for a proxy cache project. */
  registry_id?: number;
  creation_time?: string;
  update_time?: string;
  deleted?: boolean;
  owner_name?: string;
  repo_count?: number;
  metadata?: ProjectMetadata;
}

/** `#/definitions/ResourceList`: resource name (`storage`) to a count in bytes. */
export type ResourceList = Record<string, number>;

/** `#/definitions/Quota`: `GET /quotas?reference=project&reference_id=<id>`. */
export interface Quota {
  id?: number;
  ref?: Record<string, unknown>;
  hard?: ResourceList;
  used?: ResourceList;
  creation_time?: string;
  update_time?: string;
}

/** `#/definitions/QuotaUpdateReq`: `PUT /quotas/{id}`. */
export interface QuotaUpdateReq {
  hard?: ResourceList;
}

/** `#/definitions/UserEntity` */
export interface UserEntity {
  user_id?: number;
  username?: string;
}

/** `#/definitions/UserGroup`; `group_type` 1 = LDAP, 2 = HTTP, 3 = OIDC. */
export interface UserGroup {
  id?: number;
  group_name?: string;
  group_type?: number;
  ldap_group_dn?: string;
}

/**
 * `#/definitions/ProjectMember`: `POST /projects/{project_name_or_id}/members`. `role_id` 1
 * projectAdmin, 2 developer, 3 guest, 4 maintainer, 5 limitedGuest.
 */
export interface ProjectMember {
  role_id?: number;
  member_user?: UserEntity;
  member_group?: UserGroup;
}

/** `#/definitions/ProjectMemberEntity` */
export interface ProjectMemberEntity {
  id?: number;
  project_id?: number;
  entity_name?: string;
  role_name?: string;
  role_id?: number;
  entity_id?: number;
  /** "u" for a user, "g" for a group. */
  entity_type?: string;
}

/** `#/definitions/RoleRequest`: `PUT /projects/{project_name_or_id}/members/{mid}`. */
export interface RoleRequest {
  role_id?: number;
}

/** `#/definitions/Access` */
export interface Access {
  resource?: string;
  action?: string;
  effect?: string;
}

/** `#/definitions/RobotPermission`: `kind` "project" or "system"; `namespace` a project or "*". */
export interface RobotPermission {
  kind?: string;
  namespace?: string;
  access?: Access[];
}

/** `#/definitions/RobotCreate`: `POST /robots`. */
export interface RobotCreate {
  name?: string;
  description?: string;
  secret?: string;
  /** "system" or "project". */
  level?: string;
  disable?: boolean;
  /** Days; -1 never expires. */
  duration?: number;
  permissions?: RobotPermission[];
}

/** `#/definitions/RobotCreated`: the only answer that carries the generated secret. */
export interface RobotCreated {
  id?: number;
  /** The full name, with Harbor's prefix (`robot$ci`). */
  name?: string;
  secret?: string;
  creation_time?: string;
  expires_at?: number;
}

/** `#/definitions/Robot`: `GET /robots/{robot_id}`, body of `PUT /robots/{robot_id}`. */
export interface Robot {
  id?: number;
  /** The full name, with Harbor's prefix (`robot$ci`); a PUT must send it unchanged. */
  name?: string;
  description?: string;
  secret?: string;
  level?: string;
  duration?: number;
  editable?: boolean;
  disable?: boolean;
  expires_at?: number;
  permissions?: RobotPermission[];
  creator_type?: string;
  creator_ref?: number;
  creation_time?: string;
  update_time?: string;
}

/** `#/definitions/RobotSec`: `PATCH /robots/{robot_id}`; an empty secret asks Harbor for a new one. */
export interface RobotSec {
  secret?: string;
}

/** `#/definitions/RegistryCredential` */
export interface RegistryCredential {
  /** "basic" or "oauth". */
  type?: string;
  access_key?: string;
  /** Harbor answers "*****" instead of the stored secret. */
  access_secret?: string;
}

/** `#/definitions/Registry`: `POST /registries`, `GET /registries/{id}`. */
export interface Registry {
  id?: number;
  url?: string;
  /** At most 64 characters (Harbor's rule). */
  name?: string;
  credential?: RegistryCredential;
  /** The adapter: docker-hub, harbor, github-ghcr, ... */
  type?: string;
  insecure?: boolean;
  ca_certificate?: string;
  description?: string;
  status?: string;
  creation_time?: string;
  update_time?: string;
}

/** `#/definitions/RegistryUpdate`: `PUT /registries/{id}`; an omitted field is left unchanged. */
export interface RegistryUpdate {
  name?: string;
  description?: string;
  url?: string;
  credential_type?: string;
  access_key?: string;
  access_secret?: string;
  insecure?: boolean;
  ca_certificate?: string;
}

/** `#/definitions/ReplicationFilter`: `type` name, tag, label or resource. */
export interface ReplicationFilter {
  type?: string;
  value?: unknown;
  /** "matches" or "excludes". */
  decoration?: string;
}

/** `#/definitions/ReplicationTriggerSettings` */
export interface ReplicationTriggerSettings {
  cron?: string;
}

/** `#/definitions/ReplicationTrigger`: `type` manual, event_based or scheduled. */
export interface ReplicationTrigger {
  type?: string;
  trigger_settings?: ReplicationTriggerSettings;
}

/** `#/definitions/ReplicationPolicy`: `POST /replication/policies`, `PUT .../{id}`. */
export interface ReplicationPolicy {
  id?: number;
  name?: string;
  description?: string;
  /** The remote registry of a pull rule; omitted (local) for a push rule. */
  src_registry?: Registry;
  /** The remote registry of a push rule; omitted (local) for a pull rule. */
  dest_registry?: Registry;
  dest_namespace?: string;
  dest_namespace_replace_count?: number;
  trigger?: ReplicationTrigger;
  filters?: ReplicationFilter[];
  replicate_deletion?: boolean;
  /** Deprecated in the document, but what Harbor 2.15's create and update handlers read. */
  deletion?: boolean;
  override?: boolean;
  enabled?: boolean;
  creation_time?: string;
  update_time?: string;
  speed?: number;
  copy_by_chunk?: boolean;
  single_active_replication?: boolean;
}

/** `#/definitions/RetentionSelector` */
export interface RetentionSelector {
  /** "doublestar". */
  kind?: string;
  /** "matches"/"excludes" for tags, "repoMatches"/"repoExcludes" for repositories. */
  decoration?: string;
  pattern?: string;
  /** JSON text such as `{"untagged":true}`. */
  extras?: string;
}

/**
 * `#/definitions/RetentionRule`. `params` maps the template's parameter to its value: Harbor reads
 * an integer there (`{"latestPushedK": 10}`), where the document says "object".
 */
export interface RetentionRule {
  id?: number;
  priority?: number;
  disabled?: boolean;
  /** "retain". */
  action?: string;
  /** latestPushedK, nDaysSinceLastPush, ... */
  template?: string;
  params?: Record<string, unknown>;
  tag_selectors?: RetentionSelector[];
  scope_selectors?: Record<string, RetentionSelector[]>;
}

/** `#/definitions/RetentionRuleTrigger`: `{kind: "Schedule", settings: {cron}}`. */
export interface RetentionRuleTrigger {
  kind?: string;
  settings?: Record<string, unknown>;
  references?: Record<string, unknown>;
}

/** `#/definitions/RetentionPolicyScope`: `{level: "project", ref: <project id>}`. */
export interface RetentionPolicyScope {
  level?: string;
  ref?: number;
}

/** `#/definitions/RetentionPolicy`: `POST /retentions`, `GET`/`PUT /retentions/{id}`. */
export interface RetentionPolicy {
  id?: number;
  /** "or": an artifact is kept when any rule retains it. */
  algorithm?: string;
  rules?: RetentionRule[];
  trigger?: RetentionRuleTrigger;
  scope?: RetentionPolicyScope;
}

/** `#/definitions/ImmutableSelector` */
export interface ImmutableSelector {
  kind?: string;
  decoration?: string;
  pattern?: string;
  extras?: string;
}

/** `#/definitions/ImmutableRule`: `/projects/{project_name_or_id}/immutabletagrules`. */
export interface ImmutableRule {
  id?: number;
  priority?: number;
  disabled?: boolean;
  /** "immutable". */
  action?: string;
  /** "immutable_template". */
  template?: string;
  params?: Record<string, unknown>;
  tag_selectors?: ImmutableSelector[];
  scope_selectors?: Record<string, ImmutableSelector[]>;
}

/**
 * `#/definitions/ScheduleObj`. `type`: Hourly, Daily, Weekly, Custom, Manual, None, Schedule;
 * `cron` has six fields, seconds first (Harbor's cron parser).
 */
export interface ScheduleObj {
  type?: "Hourly" | "Daily" | "Weekly" | "Custom" | "Manual" | "None" | "Schedule";
  cron?: string;
  next_scheduled_time?: string;
}

/**
 * `#/definitions/Schedule`: body of `/system/gc/schedule` and `/system/scanAll/schedule`. GC reads
 * `parameters.delete_untagged` (boolean) and `parameters.workers` (integer), where the document
 * says "object".
 */
export interface Schedule {
  id?: number;
  status?: string;
  creation_time?: string;
  update_time?: string;
  schedule?: ScheduleObj;
  parameters?: Record<string, unknown>;
}

/** `#/definitions/GCHistory`: `GET /system/gc/schedule`. */
export interface GCHistory {
  id?: number;
  job_name?: string;
  job_kind?: string;
  /** JSON text of the schedule's parameters (`{"delete_untagged":true,"workers":1,...}`). */
  job_parameters?: string;
  schedule?: ScheduleObj;
  job_status?: string;
  deleted?: boolean;
  creation_time?: string;
  update_time?: string;
}

/** `#/definitions/Configurations` (the fields this program sets): `PUT /configurations`. */
export interface Configurations {
  /** "adminonly" or "everyone". */
  project_creation_restriction?: string;
  /** Default lifetime of new robot accounts, in days. */
  robot_token_duration?: number;
}

/** `#/definitions/StringConfigItem` */
export interface StringConfigItem {
  value?: string;
  editable?: boolean;
}

/** `#/definitions/IntegerConfigItem` */
export interface IntegerConfigItem {
  value?: number;
  editable?: boolean;
}

/** `#/definitions/ConfigurationsResponse` (the fields this program reads): `GET /configurations`. */
export interface ConfigurationsResponse {
  /** `db_auth`, `ldap_auth`, `oidc_auth`, ...; `editable` false once users exist. */
  auth_mode?: StringConfigItem;
  project_creation_restriction?: StringConfigItem;
  robot_token_duration?: IntegerConfigItem;
}
