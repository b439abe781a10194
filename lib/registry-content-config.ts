/**
 * Schema of the registry-content keys (SPEC "Registry content"): `api`, `registries`,
 * `registrySecrets` (secret), `projects`, `robots`, `pullSecrets`, `mirrors`, `replications`, `gc`,
 * `scanAll` and `system`. Every name and value gets the character set Harbor or Kubernetes really
 * allows; `checkRegistryContent` then checks the references between keys (a project naming an
 * undeclared registry, a robot naming an undeclared project, ...). Every message names its key.
 *
 * The shape is meant to be spread into the main schema (`registryContentShape`), with
 * `checkRegistryContent` called from its cross-key checks; `parseRegistryContent` runs both on
 * their own.
 */
import { z } from "zod";
import { parseCron } from "./cron";
import {
  DEFAULT_REGISTRY_URLS,
  MAX_QUOTA_BYTES,
  PERMISSION_SHORTHANDS,
  PROJECT_PERMISSIONS,
  PROXY_CACHE_TYPES,
  REGISTRY_TYPES,
  ROLES,
  SEVERITIES,
  expandPermission,
  quotaBytes,
  quotaFromBytes,
  type Quota,
} from "./harbor-api/model";
import { ConfigError, formatIssues, issueMessage, keyName } from "../config/errors";
import { bool, intRange, k8sName, list, originUrl, strictObject } from "../config/primitives";

/** Keys of this fragment whose values are JSON objects or lists in the stack file. */
export const REGISTRY_CONTENT_OBJECT_KEYS = [
  "api",
  "registries",
  "projects",
  "robots",
  "pullSecrets",
  "mirrors",
  "replications",
  "gc",
  "scanAll",
  "system",
] as const;

/** Keys of this fragment that are secrets (`pulumi config set --secret`). */
export const REGISTRY_CONTENT_SECRET_KEYS = ["registrySecrets"] as const;

/** Harbor's rule for project and robot names (`^[a-z0-9]+(?:[._-][a-z0-9]+)*$`). */
const HARBOR_NAME_RE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

function harborName(what: string, max: number) {
  const message = `must be a ${what}: lower-case letters and digits, with single . _ or - between them, at most ${max} characters (Harbor's rule)`;
  return z
    .string({ error: message })
    .refine((v) => v.length <= max && HARBOR_NAME_RE.test(v), { error: message });
}

/** A Harbor project name (ProjectReq.project_name: at most 255). */
export const projectName = () => harborName("Harbor project name", 255);
/** A robot name; Harbor adds `robot$` in front of it. */
export const robotName = () => harborName("robot name", 200);
/** A registry endpoint name (Harbor allows 64 characters). */
export const registryName = () => harborName("registry endpoint name", 64);

/**
 * A map whose keys must match `key` (a zod record would report a bad key without its name). The
 * message names the key: `harbor:projects.Apps is not a valid name: ...`.
 */
function namedMap<V extends z.ZodType>(key: z.ZodType<string>, value: V, what: string) {
  return z
    .record(z.string(), value, { error: `must be a map of ${what}` })
    .superRefine((map, ctx) => {
      for (const k of Object.keys(map)) {
        const checked = key.safeParse(k, { error: issueMessage });
        if (!checked.success) {
          ctx.addIssue({
            code: "custom",
            path: [k],
            message: checked.error.issues[0]?.message ?? "is not a valid name",
            input: k,
          });
        }
      }
    });
}

/** A cron expression, normalized to Harbor's six fields. */
export const cron = () =>
  z.string({ error: "must be a cron expression such as `0 3 * * 6`" }).transform((v, ctx) => {
    const parsed = parseCron(v);
    if (!parsed.ok) {
      ctx.issues.push({ code: "custom", message: parsed.message, input: v });
      return z.NEVER;
    }
    return parsed.cron;
  });

/** A storage quota: -1 (unlimited) or a binary size, canonical (`51200Mi` -> `50Gi`). */
export const quota = () =>
  z
    .union([z.number(), z.string()], {
      error: "must be -1 (unlimited) or a size such as 50Gi (units Mi, Gi, Ti)",
    })
    .transform((v, ctx): Quota => {
      const text = String(v).trim();
      if (text === "-1") return -1;
      const bytes = /^\d+(Mi|Gi|Ti)$/.test(text) ? quotaBytes(text) : NaN;
      if (!(bytes > 0 && bytes <= MAX_QUOTA_BYTES)) {
        ctx.issues.push({
          code: "custom",
          message:
            "must be -1 (unlimited) or a size from 1Mi to 1024Ti with a binary unit, such as 50Gi (Harbor's quotas are binary: Mi, Gi, Ti)",
          input: v,
        });
        return z.NEVER;
      }
      return quotaFromBytes(bytes);
    });

/** A doublestar pattern of tags or repositories (`v*`, `**`, `library/{nginx,redis}`). */
const pattern = () =>
  z
    .string({ error: "must be a pattern such as v* or **" })
    .refine((v) => v.length > 0 && v.length <= 255 && /^\S+$/.test(v), {
      error: "must be a doublestar pattern without spaces, such as v*, release-** or **",
    });

/** An http(s) URL with an optional path, no query, fragment or credentials. */
const registryUrl = () =>
  z.string({ error: "must be a URL such as https://registry.example.com" }).transform((v, ctx) => {
    let url: URL | undefined;
    try {
      url = new URL(v);
    } catch {
      url = undefined;
    }
    if (
      !url ||
      !["http:", "https:"].includes(url.protocol) ||
      url.username ||
      url.password ||
      url.search ||
      url.hash
    ) {
      ctx.issues.push({
        code: "custom",
        message:
          "must be an http:// or https:// URL without credentials, query or fragment, such as https://registry.example.com",
        input: v,
      });
      return z.NEVER;
    }
    return v.replace(/\/+$/, "");
  });

/** Whether `v` holds a control character other than those in `allowed`. */
function hasControlCharacters(v: string, allowed = ""): boolean {
  return [...v].some(
    (c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127) && !allowed.includes(c),
  );
}

const roleSchema = () =>
  z.enum(ROLES as [string, ...string[]], { error: `must be one of ${ROLES.join(", ")}` });

const description = () =>
  z
    .string({ error: "must be a string" })
    .refine((v) => v.length <= 1024 && !hasControlCharacters(v, "\t\n"), {
      error: "must be at most 1024 characters without control characters",
    })
    .default("");

/** `import: true` takes over an object of that name that already exists in Harbor. */
const adopt = () => bool().default(false);

const PERMISSION_MESSAGE = `must be ${Object.keys(PERMISSION_SHORTHANDS).join(", ")} or a resource:action Harbor grants a robot on a project (such as artifact:delete, tag:create, scan:create)`;

const permission = () =>
  z
    .string({ error: PERMISSION_MESSAGE })
    .refine((v) => (PROJECT_PERMISSIONS as readonly string[]).includes(expandPermission(v)), {
      error: PERMISSION_MESSAGE,
    });

export const apiSchema = strictObject({
  /** URL the program calls Harbor's API at; default the stack's URL. */
  url: originUrl().optional(),
  /** How long a change waits for Harbor's health endpoint. */
  healthTimeoutSeconds: intRange(10, 3600, "10-3600 seconds").default(300),
}).prefault({});

export const registrySchema = strictObject({
  type: z.enum(REGISTRY_TYPES, {
    error: `must be one of Harbor's registry adapters: ${REGISTRY_TYPES.join(", ")}`,
  }),
  url: registryUrl().optional(),
  /** User name or access key; its secret goes in `harbor:registrySecrets`. */
  accessKey: z
    .string({ error: "must be a user name or access key" })
    .refine((v) => v.length > 0 && v.length <= 255 && !/\s/.test(v), {
      error: "must be a user name or access key without spaces",
    })
    .optional(),
  description: description(),
  import: adopt(),
});

const retentionSchema = strictObject({
  /** Keep the N most recently pushed artifacts. */
  keepLatest: intRange(1, 10000, "an integer 1-10000").optional(),
  /** Keep the artifacts pushed in the last N days. */
  keepDays: intRange(1, 36500, "1-36500 days").optional(),
  /** Tags the rules apply to. */
  tags: pattern().default("**"),
  /** Repositories the rules apply to. */
  repositories: pattern().default("**"),
  /** Whether untagged artifacts are candidates too (and so removed unless retained). */
  untagged: bool().default(true),
  /** When retention runs. */
  schedule: cron().default("0 0 0 * * *"),
  import: adopt(),
});

const immutableTagSchema = z.preprocess(
  (v) => (typeof v === "string" ? { tags: v } : v),
  strictObject({ tags: pattern(), repositories: pattern().default("**") }),
);

/** A Harbor user name (database, LDAP uid or OIDC user claim). */
const userName = () =>
  z
    .string()
    .refine((v) => v.length > 0 && v.length <= 255 && !/\s/.test(v) && !hasControlCharacters(v), {
      error: "must be a user name without spaces, at most 255 characters",
    });

export const projectSchema = strictObject({
  public: bool().default(false),
  quota: quota().optional(),
  /** Registry endpoint (a key of `harbor:registries`) this project caches. */
  proxyCache: registryName().optional(),
  autoScan: bool().default(true),
  preventVulnerable: strictObject({
    severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(", ")}` }),
  }).optional(),
  retention: retentionSchema.optional(),
  immutableTags: list(immutableTagSchema, "tag patterns such as v*").default([]),
  members: strictObject({
    groups: z
      .record(z.string(), roleSchema(), { error: "must be a map of group to role" })
      .default({}),
    users: namedMap(userName(), roleSchema(), "user to role").default({}),
  }).prefault({}),
  import: adopt(),
});

export const robotSchema = strictObject({
  /** Permissions per project (a key of `harbor:projects`, or `*` for every project). */
  projects: z
    .record(
      z.string(),
      list(permission(), "permissions such as pull, push").min(1, {
        error: "must list at least one permission, such as pull",
      }),
      { error: "must be a map of project to permissions" },
    )
    .refine((p) => Object.keys(p).length > 0, {
      error: "must name at least one project, such as {apps: [pull]}",
    }),
  /** Days until the secret expires; -1 never. */
  expiresDays: z
    .preprocess(
      (v) => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
      z.number({ error: "must be -1 (never) or a number of days 1-36500" }),
    )
    .refine((v) => v === -1 || (Number.isInteger(v) && v >= 1 && v <= 36500), {
      error: "must be -1 (never) or a number of days 1-36500",
    })
    .default(-1),
  description: description(),
  /** Change this value (a date, a ticket) to have Harbor issue a new secret. */
  rotation: z
    .string({ error: "must be a string such as 2026-01" })
    .refine((v) => v.length <= 128, { error: "must be at most 128 characters" })
    .default(""),
  import: adopt(),
});

export const pullSecretSchema = z.preprocess(
  (v) => (typeof v === "string" ? { robot: v } : v),
  strictObject({
    robot: robotName(),
    /** Also add the Secret to the namespace's `default` ServiceAccount. */
    serviceAccount: bool().default(false),
  }),
);

/** A registry host in image references, with an optional port (`docker.io`, `registry.local:5000`). */
const upstreamHost = () =>
  z
    .string()
    .refine((v) => /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d{1,5})?$/.test(v) && v.length <= 253, {
      error: "must be a registry host as in image references, such as docker.io or ghcr.io",
    });

export const replicationSchema = strictObject({
  /** `pull` copies from the registry into Harbor, `push` from Harbor to the registry. */
  direction: z.enum(["pull", "push"], { error: "must be pull or push" }),
  /** Registry endpoint (a key of `harbor:registries`). */
  registry: registryName(),
  filters: strictObject({
    name: pattern().optional(),
    tag: pattern().optional(),
    resource: z.enum(["image", "artifact"], { error: "must be image or artifact" }).optional(),
  }).prefault({}),
  /** Namespace at the destination; the source's when unset. */
  destinationNamespace: projectName().optional(),
  trigger: z
    .enum(["manual", "scheduled", "event"], { error: "must be manual, scheduled or event" })
    .default("manual"),
  schedule: cron().optional(),
  override: bool().default(true),
  deletion: bool().default(false),
  enabled: bool().default(true),
  description: description(),
  import: adopt(),
});

export const gcSchema = strictObject({
  schedule: cron(),
  deleteUntagged: bool().default(true),
  workers: intRange(1, 10, "an integer 1-10 (Harbor's limit)").default(1),
  import: adopt(),
});

export const scanAllSchema = strictObject({
  schedule: cron(),
  import: adopt(),
});

export const systemSchema = strictObject({
  /** Who may create projects. */
  projectCreation: z
    .enum(["adminonly", "everyone"], { error: "must be adminonly or everyone" })
    .optional(),
  /** Default lifetime in days of robot accounts made in the portal. */
  robotTokenDays: intRange(1, 36500, "1-36500 days").optional(),
});

/** `harbor:registrySecrets`: a JSON map of registry name to its secret. */
export const registrySecretsSchema = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  },
  z.record(
    z.string(),
    z
      .string({ error: "must be a JSON object of registry name to secret" })
      .min(1, { error: "must not hold an empty secret" }),
    {
      error:
        'must be a JSON object of registry name to secret, set with `pulumi config set --secret harbor:registrySecrets \'{"dockerhub":"<token>"}\'`',
    },
  ),
);

/** The fragment's keys, to spread into the main schema's shape. */
export const registryContentShape = {
  api: apiSchema,
  registries: namedMap(registryName(), registrySchema, "registry endpoints").default({}),
  registrySecrets: registrySecretsSchema.optional(),
  projects: namedMap(projectName(), projectSchema, "projects").default({}),
  robots: namedMap(robotName(), robotSchema, "robot accounts").default({}),
  pullSecrets: namedMap(k8sName(), pullSecretSchema, "namespaces to robots").default({}),
  mirrors: namedMap(
    upstreamHost(),
    projectName(),
    "upstream registries to proxy cache projects",
  ).default({}),
  replications: namedMap(registryName(), replicationSchema, "replication rules").default({}),
  gc: gcSchema.optional(),
  scanAll: scanAllSchema.optional(),
  system: systemSchema.optional(),
};

export const registryContentSchema = strictObject(registryContentShape);

/** The parsed fragment (what the RegistryContent component takes). */
export type RegistryContentConfig = z.output<typeof registryContentSchema>;
export type RegistryConfig = z.output<typeof registrySchema>;
export type ProjectConfig = z.output<typeof projectSchema>;
export type RobotConfig = z.output<typeof robotSchema>;
export type ReplicationConfig = z.output<typeof replicationSchema>;

/** Settings of other keys the cross-checks depend on. */
export interface RegistryContentContext {
  /** `harbor:auth.mode`: decides what a group member is (LDAP DN or OIDC group). */
  authMode: "database" | "ldap" | "oidc";
  /** `harbor:trivy.enabled`: scan-all needs a scanner. */
  trivyEnabled: boolean;
  /** `harbor:trust.nodes`: mirrors are written by the node-trust DaemonSet. */
  nodeTrust: { enabled: boolean; runtime: "containerd" | "docker" };
}

/** A problem found by the cross-checks: the key path (below `harbor:`) and the message. */
export interface ContentProblem {
  path: (string | number)[];
  message: string;
  input?: unknown;
}

/** The upstream host a registry endpoint serves in image references. */
export function upstreamOfRegistry(r: { type: string; url?: string }): string | undefined {
  if (r.type === "docker-hub") return "docker.io";
  const url = r.url ?? DEFAULT_REGISTRY_URLS[r.type as keyof typeof DEFAULT_REGISTRY_URLS];
  return url ? new URL(url).host : undefined;
}

/** A DN as LDAP writes it: attribute=value pairs separated by commas. */
const DN_RE = /^[A-Za-z][\w-]*=[^,]+(,\s*[A-Za-z][\w-]*=[^,]+)*$/;

/**
 * The references between keys: every problem with the key it belongs to. Runs on the parsed
 * fragment (defaults applied); `context` carries the settings of other keys it depends on.
 */
export function checkRegistryContent(
  c: RegistryContentConfig,
  context: RegistryContentContext,
): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const add = (path: (string | number)[], message: string, input?: unknown) =>
    problems.push({ path, message, input });
  const registries = Object.keys(c.registries);
  const projects = Object.keys(c.projects);
  const declared = (names: string[], key: string) =>
    names.length > 0 ? `harbor:${key} declares ${names.join(", ")}` : `harbor:${key} declares none`;

  // Registry endpoints and their secrets (never echoed).
  const secrets = c.registrySecrets ?? {};
  for (const [name, r] of Object.entries(c.registries)) {
    if (r.url === undefined && DEFAULT_REGISTRY_URLS[r.type] === undefined) {
      add(["registries", name, "url"], `is required for type ${r.type} (the registry's address)`);
    }
    if (r.accessKey !== undefined && secrets[name] === undefined) {
      add(
        ["registries", name, "accessKey"],
        `is set, but harbor:registrySecrets has no secret for ${name}: set it with \`pulumi config set --secret harbor:registrySecrets '{"${name}":"<secret>"}'\` (one JSON map for every registry)`,
      );
    }
    if (r.accessKey === undefined && secrets[name] !== undefined) {
      add(
        ["registries", name, "accessKey"],
        `is required: harbor:registrySecrets holds a secret for ${name}, which Harbor sends with this user name or access key`,
      );
    }
  }
  for (const name of Object.keys(secrets)) {
    if (!registries.includes(name)) {
      add(
        ["registrySecrets"],
        `holds a secret for "${name}", which is not a registry endpoint (${declared(registries, "registries")})`,
      );
    }
  }

  // Projects.
  for (const [name, p] of Object.entries(c.projects)) {
    if (p.proxyCache !== undefined) {
      const registry = c.registries[p.proxyCache];
      if (!registry) {
        add(
          ["projects", name, "proxyCache"],
          `names registry endpoint "${p.proxyCache}", which is not declared (${declared(registries, "registries")})`,
          p.proxyCache,
        );
      } else if (!PROXY_CACHE_TYPES.includes(registry.type)) {
        add(
          ["projects", name, "proxyCache"],
          `names "${p.proxyCache}" of type ${registry.type}, which Harbor cannot use as a proxy cache (it can: ${PROXY_CACHE_TYPES.join(", ")})`,
          p.proxyCache,
        );
      }
    }
    if (p.retention && p.retention.keepLatest === undefined && p.retention.keepDays === undefined) {
      add(
        ["projects", name, "retention"],
        "must set keepLatest or keepDays (or both): a policy without a rule would remove every artifact",
      );
    }
    const seen = new Set<string>();
    p.immutableTags.forEach((t, i) => {
      const key = `${t.repositories}:${t.tags}`;
      if (seen.has(key)) {
        add(
          ["projects", name, "immutableTags", i],
          `repeats ${JSON.stringify(t.tags)} (Harbor refuses a duplicate rule)`,
        );
      }
      seen.add(key);
    });
    for (const group of Object.keys(p.members.groups)) {
      const path = ["projects", name, "members", "groups", group];
      if (context.authMode === "database") {
        add(
          path,
          "is a group, but harbor:auth.mode is database, which has no groups: add users under members.users, or use ldap or oidc",
        );
      } else if (context.authMode === "ldap" && !DN_RE.test(group)) {
        add(
          path,
          "must be an LDAP group DN such as cn=developers,ou=groups,dc=example,dc=com (harbor:auth.mode is ldap)",
        );
      } else if (group.trim() === "" || group.length > 512) {
        add(path, "must be an OIDC group name as the groups claim carries it");
      }
    }
  }

  // Robots.
  for (const [name, r] of Object.entries(c.robots)) {
    for (const project of Object.keys(r.projects)) {
      if (project !== "*" && !projects.includes(project)) {
        add(
          ["robots", name, "projects", project],
          `names project "${project}", which is not declared (${declared(projects, "projects")}); use "*" for every project`,
        );
      }
    }
  }

  // Pull secrets.
  for (const [namespace, s] of Object.entries(c.pullSecrets)) {
    const robot = c.robots[s.robot];
    if (!robot) {
      add(
        ["pullSecrets", namespace],
        `names robot "${s.robot}", which is not declared (${declared(Object.keys(c.robots), "robots")})`,
        s.robot,
      );
    } else if (
      !Object.values(robot.projects).some((actions) =>
        actions.some((a) => expandPermission(a) === "repository:pull"),
      )
    ) {
      add(
        ["pullSecrets", namespace],
        `names robot "${s.robot}", which cannot pull: give it pull on a project (harbor:robots.${s.robot}.projects)`,
        s.robot,
      );
    }
  }

  // Mirrors.
  if (Object.keys(c.mirrors).length > 0) {
    if (!context.nodeTrust.enabled || context.nodeTrust.runtime !== "containerd") {
      add(
        ["mirrors"],
        "needs harbor:trust.nodes.enabled true with runtime containerd: the node-trust DaemonSet writes the mirror configuration (Docker Engine cannot pull through a proxy cache project; see docs/registry-content.md)",
      );
    }
  }
  for (const [upstream, project] of Object.entries(c.mirrors)) {
    const p = c.projects[project];
    if (!p) {
      add(
        ["mirrors", upstream],
        `names project "${project}", which is not declared (${declared(projects, "projects")})`,
        project,
      );
    } else if (p.proxyCache === undefined) {
      add(
        ["mirrors", upstream],
        `names project "${project}", which is not a proxy cache project (set harbor:projects.${project}.proxyCache)`,
        project,
      );
    } else {
      const registry = c.registries[p.proxyCache];
      const serves = registry ? upstreamOfRegistry(registry) : undefined;
      if (serves !== undefined && serves !== upstream) {
        add(
          ["mirrors", upstream],
          `names project "${project}", which caches ${serves} (registry "${p.proxyCache}"), not ${upstream}`,
          project,
        );
      }
    }
  }

  // Replication rules.
  for (const [name, r] of Object.entries(c.replications)) {
    if (!c.registries[r.registry]) {
      add(
        ["replications", name, "registry"],
        `names registry endpoint "${r.registry}", which is not declared (${declared(registries, "registries")})`,
        r.registry,
      );
    }
    if (r.trigger === "scheduled" && r.schedule === undefined) {
      add(
        ["replications", name, "schedule"],
        "is required when trigger is scheduled (a cron expression such as `0 2 * * *`)",
      );
    }
    if (r.trigger !== "scheduled" && r.schedule !== undefined) {
      add(
        ["replications", name, "schedule"],
        `is only used when trigger is scheduled (it is ${r.trigger})`,
      );
    }
    if (r.trigger === "event" && r.direction !== "push") {
      add(
        ["replications", name, "trigger"],
        "can be event only for push rules (Harbor triggers on pushes to itself)",
        r.trigger,
      );
    }
  }

  // Scan-all.
  if (c.scanAll !== undefined && !context.trivyEnabled) {
    add(["scanAll"], "needs a scanner, but harbor:trivy.enabled is false");
  }
  return problems;
}

/** The message of a cross-check problem, as the loader prints it. */
export function problemMessage(p: ContentProblem): string {
  return `${keyName(p.path)} ${p.message}`;
}

/**
 * Parses the fragment on its own (objects as the loader hands them over) and runs the
 * cross-checks; throws ConfigError with every problem.
 */
export function parseRegistryContent(
  raw: Record<string, unknown>,
  context: RegistryContentContext,
): RegistryContentConfig {
  const parsed = registryContentSchema.safeParse(raw, { reportInput: true, error: issueMessage });
  if (!parsed.success) {
    throw new ConfigError(
      formatIssues(
        parsed.error.issues,
        [...REGISTRY_CONTENT_SECRET_KEYS],
        Object.keys(registryContentShape),
      ),
    );
  }
  const problems = checkRegistryContent(parsed.data, context);
  if (problems.length > 0) throw new ConfigError(problems.map(problemMessage));
  return parsed.data;
}
