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
import {
  DEFAULT_REGISTRY_URLS,
  JSON_SECRET_ACCESS_KEYS,
  PROXY_CACHE_PULLED_DAYS,
  accessSecretText,
  expandPermission,
  harborLdapGroupDn,
  type RegistrySecret,
  type Role,
  PART_OF_LABEL,
} from "../config/facts";

/** Harbor's default robot name prefix (`robot_name_prefix`). */
export const ROBOT_PREFIX = "robot$";

/** A robot as consumer stacks see it (the `robots` output). */
export interface RobotAccount {
  /** The key under `harbor:robots`. */
  name: string;
  /** What `docker login` takes: `robot$<name>`. */
  username: string;
}

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

/**
 * What Harbor gets as an endpoint's access key and secret: the user name or access key and the
 * password as given, or for adapters whose secret is a JSON document (Quay) the access key Harbor
 * fixes and the document as JSON.
 */
export function registryAccessKey(r: RegistryConfig): string {
  return JSON_SECRET_ACCESS_KEYS[r.type] ?? r.accessKey ?? "";
}

/** The endpoint's `access_secret` text (see `registryAccessKey`); "" for anonymous access. */
export function registryAccessSecret(secret: RegistrySecret | undefined): string {
  return accessSecretText(secret);
}

/** One member of a project. */
export interface MemberSpec {
  kind: MemberKind;
  /** The key as the stack writes it (under `members.users` or `members.groups`). */
  key: string;
  /** What Harbor knows the member by: the user or OIDC group name, an LDAP DN lower-cased. */
  name: string;
  role: Role;
  /** Part of the member resource's name. */
  resourceName: string;
  /**
   * The name part the member had before LDAP DNs were lower-cased (from the DN as written), when
   * it differs: an alias, so that such a stack keeps its member instead of replacing it.
   */
  formerResourceName?: string;
}

/** The members of a project: users, then groups (LDAP DNs or OIDC groups after the auth mode). */
export function memberSpecs(
  members: ProjectConfig["members"],
  authMode: "database" | "ldap" | "oidc",
): MemberSpec[] {
  const users = Object.entries(members.users).map(([name, role]) => ({
    kind: "user" as const,
    key: name,
    name,
    role,
    resourceName: `user-${nameSlug(name)}`,
  }));
  const groupKind: MemberKind = authMode === "ldap" ? "ldapGroup" : "oidcGroup";
  // Harbor stores and looks up an LDAP group DN lower-cased: the member carries that form, so its
  // state, Harbor's answers and an adoption by DN agree whatever case the stack writes.
  const groups = Object.entries(members.groups).map(([group, role]) => {
    const name = groupKind === "ldapGroup" ? harborLdapGroupDn(group) : group;
    const resourceName = `group-${nameSlug(name)}`;
    const former = `group-${nameSlug(group)}`;
    return {
      kind: groupKind,
      key: group,
      name,
      role,
      resourceName,
      ...(former !== resourceName ? { formerResourceName: former } : {}),
    };
  });
  return [...users, ...groups];
}

/**
 * The pull-based rule a project's retention gets: `keepPulledDays` as set (0: none), and Harbor's
 * own 7 days in a proxy cache project when it is not set, so that taking over a cache's policy
 * never evicts what is pulled every day.
 */
export function retentionPulledDays(
  r: NonNullable<ProjectConfig["retention"]>,
  proxyCache: boolean,
): number | undefined {
  const days = r.keepPulledDays ?? (proxyCache ? PROXY_CACHE_PULLED_DAYS : undefined);
  return days === 0 ? undefined : days;
}

/**
 * Harbor's rules for a project's `retention`: one per `keep*` setting (pushed, then pulled), and
 * with `untagged: keep` one that keeps every untagged artifact. Harbor keeps an artifact when any
 * rule does and deletes every other artifact of the repositories the rules cover, so `untagged`
 * decides what the rules' tag selectors do with untagged artifacts (see lib/harbor-api/model.ts).
 */
export function retentionRules(
  r: NonNullable<ProjectConfig["retention"]>,
  proxyCache: boolean,
): RetentionRuleInput[] {
  const base = {
    tags: r.tags,
    repositories: r.repositories,
    untagged: r.untagged === "asTagged",
  };
  const pulledDays = retentionPulledDays(r, proxyCache);
  const rules: RetentionRuleInput[] = [];
  if (r.keepLatest !== undefined)
    rules.push({ template: "latestPushedK", value: r.keepLatest, ...base });
  if (r.keepDays !== undefined)
    rules.push({ template: "nDaysSinceLastPush", value: r.keepDays, ...base });
  if (r.keepLatestPulled !== undefined)
    rules.push({ template: "latestPulledN", value: r.keepLatestPulled, ...base });
  if (pulledDays !== undefined)
    rules.push({ template: "nDaysSinceLastPull", value: pulledDays, ...base });
  if (r.untagged === "keep") {
    // `excludes **` with untagged false selects exactly the artifacts without tags.
    rules.push({
      template: "always",
      value: 0,
      tags: "**",
      repositories: r.repositories,
      untagged: false,
      excludeTags: true,
    });
  }
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
  ...PART_OF_LABEL,
  "app.kubernetes.io/managed-by": "pulumi",
};
