/**
 * From the parsed registry-content configuration to what the RegistryContent component declares:
 * resource names, the settings of each Harbor object, and the pull Secrets' docker config.
 */
import { createHash } from "node:crypto";
import type {
  ProjectConfig,
  RegistryConfig,
  ReplicationConfig,
  RobotConfig,
} from "../config/registry-content";
import {
  type MemberKind,
  type RetentionRuleInput,
  type RobotProjectPermission,
  normalizePermissions,
} from "./harbor-api/model";
import { DEFAULT_REGISTRY_URLS, expandPermission, type Role } from "../config/registry-facts";

/** Harbor's default robot name prefix (`robot_name_prefix`). */
export const ROBOT_PREFIX = "robot$";

/** The user name `docker login` takes for a robot: `robot$<name>`. */
export function robotUsername(name: string): string {
  return `${ROBOT_PREFIX}${name}`;
}

/**
 * A Pulumi resource name part for a free-form value (a DN, a user name, a pattern): lower-case
 * letters, digits and dashes, with a short hash of the value when it had to be changed, so two
 * values never share a name.
 */
export function nameSlug(value: string): string {
  const slug = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  if (slug === value && slug !== "") return slug;
  const hash = createHash("sha256").update(value).digest("hex").slice(0, 8);
  return slug ? `${slug}-${hash}` : hash;
}

/** The stack key of a setting, for messages (`harbor:projects.apps`). */
export function configKey(...path: string[]): string {
  return `harbor:${path
    .map((p, i) =>
      /^[A-Za-z_][\w-]*$/.test(p) ? `${i === 0 ? "" : "."}${p}` : `[${JSON.stringify(p)}]`,
    )
    .join("")}`;
}

/** The URL of a registry endpoint: given, or the adapter's fixed one. */
export function registryUrl(r: RegistryConfig): string {
  const url = r.url ?? DEFAULT_REGISTRY_URLS[r.type];
  if (url === undefined) throw new Error(`registry type ${r.type} needs a url`);
  return url;
}

/** One member of a project. */
export interface MemberSpec {
  kind: MemberKind;
  name: string;
  role: Role;
  /** Part of the member resource's name. */
  resourceName: string;
}

/** The members of a project: users, then groups (LDAP DNs or OIDC groups after the auth mode). */
export function memberSpecs(
  members: ProjectConfig["members"],
  authMode: "database" | "ldap" | "oidc",
): MemberSpec[] {
  const users = Object.entries(members.users).map(([name, role]) => ({
    kind: "user" as const,
    name,
    role,
    resourceName: `user-${nameSlug(name)}`,
  }));
  const groupKind: MemberKind = authMode === "ldap" ? "ldapGroup" : "oidcGroup";
  const groups = Object.entries(members.groups).map(([name, role]) => ({
    kind: groupKind,
    name,
    role,
    resourceName: `group-${nameSlug(name)}`,
  }));
  return [...users, ...groups];
}

/** The retention rules of a project's `retention` (keepLatest, then keepDays). */
export function retentionRules(r: NonNullable<ProjectConfig["retention"]>): RetentionRuleInput[] {
  const base = { tags: r.tags, repositories: r.repositories, untagged: r.untagged };
  const rules: RetentionRuleInput[] = [];
  if (r.keepLatest !== undefined)
    rules.push({ template: "latestPushedK", value: r.keepLatest, ...base });
  if (r.keepDays !== undefined)
    rules.push({ template: "nDaysSinceLastPush", value: r.keepDays, ...base });
  return rules;
}

/** A robot's permissions as `resource:action`, sorted per project. */
export function robotPermissions(r: RobotConfig): RobotProjectPermission[] {
  return normalizePermissions(
    Object.entries(r.projects).map(([project, actions]) => ({
      project,
      actions: actions.map(expandPermission),
    })),
  );
}

/** Harbor's trigger type of a replication rule's `trigger`. */
export function replicationTrigger(r: ReplicationConfig): "manual" | "scheduled" | "event_based" {
  return r.trigger === "event" ? "event_based" : r.trigger;
}

/** The `.dockerconfigjson` of a `kubernetes.io/dockerconfigjson` Secret for one registry. */
export function dockerConfigJson(registry: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  return JSON.stringify({ auths: { [registry]: { username, password, auth } } });
}

/** Name of the pull Secret in every consumer namespace: `<release>-pull`. */
export function pullSecretName(releaseName: string): string {
  return `${releaseName}-pull`;
}

/** Labels of the pull Secrets. */
export const PULL_SECRET_LABELS: Readonly<Record<string, string>> = {
  "app.kubernetes.io/component": "pull-secret",
  "app.kubernetes.io/part-of": "harbor",
  "app.kubernetes.io/managed-by": "pulumi",
};
