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
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  DEFAULT_REGISTRY_URLS,
  DOCKER_HUB_HOSTS,
  JSON_SECRET_ACCESS_KEYS,
  MAX_QUOTA_BYTES,
  PERMISSION_SHORTHANDS,
  PROJECT_PERMISSIONS,
  PROXY_CACHE_PULLED_DAYS,
  PROXY_CACHE_TYPES,
  REGISTRY_TYPES,
  ROLES,
  SEVERITIES,
  expandPermission,
  harborLdapGroupDn,
  ldapDnUnder,
  quotaBytes,
  quotaFromBytes,
  sameLdapDn,
  type Quota,
  type RegistrySecret,
  type Role,
} from "./facts";
import { ConfigError, formatIssues, issueMessage, keyName } from "./errors";
import { certificateCovers, parseCertificates } from "./pem";
import {
  bool,
  canonicalIPv6,
  harborSchedule,
  hasControlCharacters,
  httpUrl,
  intRange,
  isLdapDn,
  k8sName,
  list,
  originUrl,
  quoted,
  strictObject,
  UNKNOWN_SECRET,
  urlAuthority,
} from "./primitives";
import type { RawConfig } from "./schema";
import { known, type SecretInputs } from "./secrets";

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

/**
 * A storage quota: -1 (unlimited) or a binary size, canonical (`51200Mi` -> `50Gi`). The text is
 * not trimmed: a size with a line break or U+2028 after it is refused like any other stray text.
 */
export const quota = () =>
  z
    .union([z.number(), z.string()], {
      error: "must be -1 (unlimited) or a size such as 50Gi (units Mi, Gi, Ti)",
    })
    .transform((v, ctx): Quota => {
      const text = String(v);
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
    .refine((v) => v.length <= 255 && /^[A-Za-z0-9._/*?{},[\]!^-]+$/.test(v), {
      error:
        "must be a doublestar pattern of letters, digits and . _ / - * ? { } , [ ] ! ^, such as v*, release-** or {nginx,redis}",
    });

const roleSchema = () =>
  z.enum(ROLES as [Role, ...Role[]], { error: `must be one of ${ROLES.join(", ")}` });

const description = () =>
  z
    .string({ error: "must be a string" })
    .refine((v) => v.length <= 1024 && !hasControlCharacters(v), {
      error: "must be one line of at most 1024 characters, without control characters",
    })
    .default("")
    .describe("Description shown in Harbor's portal.");

/** `import: true` takes over an object of that name that already exists in Harbor. */
const adopt = () =>
  bool()
    .default(false)
    .describe(
      "Take over an object of this name that already exists in Harbor (made in the portal) instead of failing.",
    );

const PERMISSION_MESSAGE = `must be ${Object.keys(PERMISSION_SHORTHANDS).join(", ")} or a resource:action Harbor grants a robot on a project (such as artifact:delete, tag:create, scan:create)`;

const permission = () =>
  z
    .string({ error: PERMISSION_MESSAGE })
    .refine((v) => (PROJECT_PERMISSIONS as readonly string[]).includes(expandPermission(v)), {
      error: PERMISSION_MESSAGE,
    });

/** A user name or access key: no spaces or control characters (it travels in API JSON only). */
const login = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .refine((v) => v.length > 0 && v.length <= 255 && !/\s/.test(v) && !hasControlCharacters(v), {
      error: `must be ${what} without spaces or control characters, at most 255 characters`,
    });

export const apiSchema = strictObject({
  url: originUrl().optional().meta({
    docDefault: "the stack's URL",
    description:
      "URL the program calls Harbor's API at, when the machine running `pulumi` reaches Harbor under another address. TLS is still verified against the stack's CA: while Harbor serves TLS it must be `https://` with a host Harbor's certificate covers (`hostname`, `tls.dnsNames`, `tls.ipAddresses`).",
  }),
  healthTimeoutSeconds: intRange(10, 3600, "10-3600 seconds")
    .default(300)
    .describe(
      "Seconds a change waits for Harbor's health endpoint (after the release is ready) before it fails.",
    ),
})
  .prefault({})
  .describe("How the program reaches Harbor's API to manage registry content.");

export const registrySchema = strictObject({
  type: z
    .enum(REGISTRY_TYPES, {
      error: `must be one of Harbor's registry adapters: ${REGISTRY_TYPES.join(", ")}`,
    })
    .describe(
      "Harbor's adapter: `docker-hub`, `github-ghcr`, `quay`, `harbor`, `docker-registry`, ...",
    ),
  url: httpUrl({
    credentials: "its user name goes in accessKey and its secret in harbor:registrySecrets",
  })
    .optional()
    .meta({
      docDefault: "the adapter's (docker-hub, github-ghcr, quay)",
      description: "Address of the registry; required for adapters without a fixed one.",
    }),
  accessKey: login("a user name or access key")
    .optional()
    .describe(
      "User name or access key; its secret goes in `harbor:registrySecrets`. Unset: anonymous.",
    ),
  description: description(),
  import: adopt(),
});

/** What happens to untagged artifacts in a retention policy's repositories. */
export const UNTAGGED_RETENTION = ["asTagged", "keep", "delete"] as const;

const UNTAGGED_EXPECTED =
  "must be asTagged (untagged artifacts are kept by the same rules as tagged ones, and count towards keepLatest), keep (every untagged artifact is kept) or delete (every untagged artifact is deleted at each run)";

const untaggedRetention = () =>
  z
    .enum(UNTAGGED_RETENTION, {
      // A boolean is what this key took before: say what Harbor really did with it.
      error: (issue) =>
        issue.input === true || issue.input === "true"
          ? `${UNTAGGED_EXPECTED}; true was documented as removing untagged artifacts, but Harbor kept them by the same rules as tagged ones: asTagged`
          : issue.input === false || issue.input === "false"
            ? `${UNTAGGED_EXPECTED}; false was documented as sparing untagged artifacts, but Harbor deleted every one of them at each run: delete`
            : UNTAGGED_EXPECTED,
    })
    .default("asTagged");

export const retentionSchema = strictObject({
  keepLatest: intRange(1, 10000, "an integer 1-10000")
    .optional()
    .describe("Keep the N most recently pushed artifacts (Harbor's `latestPushedK`)."),
  keepDays: intRange(1, 36500, "1-36500 days")
    .optional()
    .describe("Keep artifacts pushed in the last N days (`nDaysSinceLastPush`)."),
  keepLatestPulled: intRange(1, 10000, "an integer 1-10000")
    .optional()
    .describe("Keep the N most recently pulled artifacts (`latestPulledN`)."),
  keepPulledDays: intRange(0, 36500, "0-36500 days (0: no pull-based rule)").optional().meta({
    docDefault: "7 in a proxy cache project, else none",
    description:
      "Keep artifacts pulled in the last N days (`nDaysSinceLastPull`); 0 turns the rule off. A proxy cache project keeps what was pulled in the last 7 days unless this is set.",
  }),
  tags: pattern()
    .default("**")
    .describe(
      "The rules keep only artifacts with a tag matching this pattern: others are deleted (untagged ones as `untagged` says).",
    ),
  repositories: pattern()
    .default("**")
    .describe(
      "Repositories the policy applies to (`apps/**`); artifacts in other repositories are never touched.",
    ),
  untagged: untaggedRetention().describe(
    "Untagged artifacts: `asTagged` (kept by the same rules, counting towards `keepLatest`), `keep` (all kept) or `delete` (all deleted at each run).",
  ),
  schedule: harborSchedule()
    .default("0 0 0 * * *")
    .describe("When the policy runs (cron, 5 fields or Harbor's 6)."),
  import: adopt(),
});

const immutableTagSchema = z.preprocess(
  (v) => (typeof v === "string" ? { tags: v } : v),
  strictObject({ tags: pattern(), repositories: pattern().default("**") }),
);

export const projectSchema = strictObject({
  public: bool().default(false).describe("Anyone may pull without logging in."),
  quota: quota().optional().meta({
    docDefault: "unlimited",
    description: "Storage quota: a binary size (`50Gi`; units Mi, Gi, Ti) or -1 for unlimited.",
  }),
  proxyCache: registryName()
    .optional()
    .describe(
      "Registry endpoint (a key of `harbor:registries`) this project caches: pulls of `<host>/<project>/library/nginx` fetch `library/nginx` from it once.",
    ),
  autoScan: bool().default(true).describe("Scan every artifact on push."),
  preventVulnerable: strictObject({
    severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(", ")}` }),
  })
    .optional()
    .describe(
      "`{severity: none|low|medium|high|critical}`: artifacts with a vulnerability at or above it cannot be pulled.",
    ),
  retention: retentionSchema
    .optional()
    .describe(
      'Tag retention: `{keepLatest, keepDays, keepLatestPulled, keepPulledDays, tags: "**", repositories: "**", untagged: asTagged|keep|delete, schedule: "0 0 * * *"}`. An artifact stays when any rule keeps it; every other artifact of the repositories is deleted when the policy runs.',
    ),
  immutableTags: list(immutableTagSchema, "tag patterns such as v*")
    .default([])
    .describe(
      "Tag patterns (`v*`) or `{tags, repositories}` that cannot be overwritten or deleted once pushed.",
    ),
  members: strictObject({
    groups: z
      .record(z.string(), roleSchema(), { error: "must be a map of group to role" })
      .default({}),
    users: namedMap(login("a user name"), roleSchema(), "user to role").default({}),
  })
    .prefault({})
    .describe(
      "`{groups: {<LDAP group DN or OIDC group>: <role>}, users: {<name>: <role>}}`; roles `projectAdmin`, `maintainer`, `developer`, `guest`, `limitedGuest`. LDAP group DNs lie under `auth.ldap.groupBaseDn` (else `baseDn`); an OIDC user must have logged in to Harbor once.",
    ),
  import: adopt(),
});

/** A key of `harbor:projects`, or `*` for every project. */
const robotProject = () =>
  z.string().refine((v) => v === "*" || projectName().safeParse(v).success, {
    error: "must be a project name or * (every project)",
  });

export const robotSchema = strictObject({
  projects: namedMap(
    robotProject(),
    list(permission(), "permissions such as pull, push").min(1, {
      error: "must list at least one permission, such as pull",
    }),
    "project to permissions",
  )
    .refine((p) => Object.keys(p).length > 0, {
      error: "must name at least one project, such as {apps: [pull]}",
    })
    .describe(
      "Permissions per project (a key of `harbor:projects`, or `*` for every project): `pull`, `push`, `delete`, `list`, `read` or a `resource:action` such as `artifact:delete`.",
    ),
  expiresDays: z
    .preprocess(
      (v) => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
      z.number({ error: "must be -1 (never) or a number of days 1-36500" }),
    )
    .refine((v) => v === -1 || (Number.isInteger(v) && v >= 1 && v <= 36500), {
      error: "must be -1 (never) or a number of days 1-36500",
    })
    .default(-1)
    .describe("Days until the robot's secret expires; -1 never."),
  description: description(),
  rotation: z
    .string({ error: "must be a string such as 2026-01" })
    .refine((v) => /^[A-Za-z0-9._:-]{0,128}$/.test(v), {
      error:
        "must be at most 128 letters, digits and . _ : - (a date or a ticket, such as 2026-01)",
    })
    .default("")
    .describe(
      "Change this value (a date, a ticket) to have Harbor issue a new secret; consumers get it through `robotSecrets` and the pull Secrets.",
    ),
  import: adopt(),
});

export const pullSecretSchema = z.preprocess(
  (v) => (typeof v === "string" ? { robot: v } : v),
  strictObject({
    robot: robotName().describe(
      "Robot (a key of `harbor:robots`) whose credentials the Secret holds; the entry may be just this name.",
    ),
    serviceAccount: bool()
      .default(false)
      .describe("Also add the Secret to the namespace's `default` ServiceAccount."),
  }),
);

/**
 * Whether `v` is a registry host as in image references, with an optional port (`docker.io`,
 * `registry.local:5000`, `[2001:db8::5]:5000`): what `harbor:mirrors` takes, and what node trust
 * turns into a directory. Lower case, no trailing dot, an IPv6 address in brackets and in its
 * RFC 5952 form, a port 1-65535 without leading zeros.
 */
export function isUpstreamHost(v: string): boolean {
  const parts = splitAuthority(v);
  if (parts === undefined || v.length > 253) return false;
  const host = v.startsWith("[") ? `[${parts.host}]` : parts.host;
  return v === (parts.port === undefined ? host : `${host}:${parts.port}`);
}

const upstreamHost = () =>
  z.string().refine(isUpstreamHost, {
    error:
      "must be a registry host as in image references, such as docker.io, ghcr.io or registry.local:5000 (lower case; an IPv6 address in brackets)",
  });

/**
 * `host` and `port` of an authority as image references and URLs write it (`host`, `host:port`,
 * `[v6]`, `[v6]:port`): the host lower-cased, without a trailing dot, an IPv6 address in RFC 5952
 * form without brackets; the port a number (`0443` is 443, as Go's dialer reads it). Undefined
 * when it is not one.
 */
export function splitAuthority(authority: string): { host: string; port?: number } | undefined {
  const m =
    /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9](?:[-A-Za-z0-9.]*[A-Za-z0-9])?\.?))(?::(\d{1,5}))?$/.exec(
      authority,
    );
  if (!m) return undefined;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  if (m[1] !== undefined) {
    const v6 = canonicalIPv6(m[1]);
    return v6 === undefined ? undefined : { host: v6, ...(port !== undefined ? { port } : {}) };
  }
  const host = m[2].toLowerCase().replace(/\.$/, "");
  if (host.includes("..")) return undefined;
  return { host, ...(port !== undefined ? { port } : {}) };
}

export const replicationSchema = strictObject({
  direction: z
    .enum(["pull", "push"], { error: "must be pull or push" })
    .describe("`pull` copies from the registry into Harbor, `push` from Harbor to the registry."),
  registry: registryName().describe("Registry endpoint (a key of `harbor:registries`)."),
  filters: strictObject({
    name: pattern().optional(),
    tag: pattern().optional(),
    resource: z.enum(["image", "artifact"], { error: "must be image or artifact" }).optional(),
  })
    .prefault({})
    .describe(
      "`{name, tag, resource: image|artifact}`: doublestar patterns of the repositories and tags copied.",
    ),
  destinationNamespace: projectName()
    .optional()
    .meta({ docDefault: "the source's", description: "Project (namespace) at the destination." }),
  trigger: z
    .enum(["manual", "scheduled", "event"], { error: "must be manual, scheduled or event" })
    .default("manual")
    .describe("`manual`, `scheduled` (with `schedule`) or `event` (push rules: on every push)."),
  schedule: harborSchedule((cron) =>
    // Harbor refuses a replication schedule whose minute field is `*` (goharbor/harbor v2.15.1
    // `src/controller/replication/model/model.go`, `Policy.Validate`: the second field of the
    // six-field cron it receives).
    cron.split(" ")[1] === "*"
      ? "must not have * in the minute field: Harbor refuses a replication schedule that would start every minute (give the minute, such as 0 2 * * * or */15 * * * *)"
      : undefined,
  )
    .optional()
    .describe(
      "Cron schedule when `trigger` is `scheduled`; its minute field cannot be `*` (Harbor's rule).",
    ),
  override: bool().default(true).describe("Overwrite artifacts that exist at the destination."),
  deletion: bool()
    .default(false)
    .describe("Delete at the destination what is deleted at the source."),
  enabled: bool().default(true).describe("Whether the rule runs."),
  description: description(),
  import: adopt(),
});

export const gcSchema = strictObject({
  schedule: harborSchedule().describe(
    "Cron schedule of garbage collection (5 fields, or Harbor's 6 with 0 seconds).",
  ),
  deleteUntagged: bool().default(true).describe("Also delete untagged artifacts."),
  workers: intRange(1, 10, "an integer 1-10 (Harbor's limit)")
    .default(1)
    .describe("Parallel deletion workers, 1-10."),
  import: adopt(),
});

export const scanAllSchema = strictObject({
  schedule: harborSchedule().describe("Cron schedule of scanning every artifact."),
  import: adopt(),
});

export const systemSchema = strictObject({
  projectCreation: z
    .enum(["adminonly", "everyone"], { error: "must be adminonly or everyone" })
    .optional()
    .meta({ docDefault: "Harbor's (`everyone`)", description: "Who may create projects." }),
  robotTokenDays: intRange(1, 36500, "1-36500 days").optional().meta({
    docDefault: "Harbor's (30)",
    description: "Default lifetime in days of robot accounts made in the portal.",
  }),
});

const REGISTRY_SECRETS_EXPECTED =
  'must be a JSON object of registry name to secret, set with `pulumi config set --secret harbor:registrySecrets \'{"dockerhub":"<token>"}\'`';

const SECRET_TEXT_EXPECTED = "must be a non-empty secret without control characters or line breaks";

/** A password or token: one line of at most 4096 characters (it travels in API JSON only). */
const secretLine = () =>
  z
    .string({ error: SECRET_TEXT_EXPECTED })
    .refine((v) => v !== "" && v.length <= 4096 && !hasControlCharacters(v), {
      error: SECRET_TEXT_EXPECTED,
    });

const QUAY_ACCOUNT_EXPECTED =
  "must be a Quay user or robot account (org+robot): letters, digits and . _ - +, at most 255 characters";

/**
 * A Quay endpoint's secret: the JSON document Harbor's Quay adapter parses
 * (`src/pkg/reg/adapter/quay/adapter.go` `newAdapter`, fields of `cred` in `types.go`).
 */
export const quayCredentialSchema = strictObject({
  account_name: z
    .string({ error: QUAY_ACCOUNT_EXPECTED })
    .refine((v) => /^[A-Za-z0-9._+-]{1,255}$/.test(v), { error: QUAY_ACCOUNT_EXPECTED })
    .describe("Quay user or robot account (`org+robot`) Harbor logs in to the registry as."),
  docker_cli_password: secretLine().describe("Its password, or the robot's token."),
  oauth2_token: z
    .string({ error: "must be an OAuth2 token without spaces or control characters" })
    .refine((v) => /^[\x21-\x7e]{1,4096}$/.test(v), {
      error: "must be an OAuth2 token without spaces or control characters",
    })
    .optional()
    .describe(
      "OAuth2 application token for Quay's API; with it Harbor creates missing organizations when it pushes.",
    ),
});

const REGISTRY_SECRET_EXPECTED = `${SECRET_TEXT_EXPECTED}, or for a quay endpoint an object {account_name, docker_cli_password, oauth2_token}`;

/**
 * `harbor:registrySecrets`: a JSON map of registry name to its secret (a password or token, or a
 * Quay endpoint's JSON object), as the secret config value (text) or an object. `UNKNOWN_SECRET`
 * (a plan without the stack's secrets) stays unknown, and the checks that need the map are
 * skipped. Messages never carry a secret.
 */
export const registrySecretsSchema = z.preprocess(
  (v) => {
    if (typeof v !== "string" || v === UNKNOWN_SECRET) return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return undefined;
    }
  },
  z.union(
    [
      z.literal(UNKNOWN_SECRET),
      z
        .record(
          z.string(),
          z.union([secretLine(), quayCredentialSchema], { error: REGISTRY_SECRET_EXPECTED }),
          { error: REGISTRY_SECRETS_EXPECTED },
        )
        .superRefine((map, ctx) => {
          for (const name of Object.keys(map)) {
            if (!registryName().safeParse(name).success) {
              ctx.addIssue({
                code: "custom",
                message: `has an entry ${quoted(name)} that is not a registry endpoint name`,
                input: "",
              });
            }
          }
        }),
    ],
    { error: REGISTRY_SECRETS_EXPECTED },
  ),
);

/** The fragment's keys, to spread into the main schema's shape. */
export const registryContentShape = {
  api: apiSchema,
  registries: namedMap(registryName(), registrySchema, "registry endpoints")
    .default({})
    .describe(
      "Registry endpoints, the upstreams of proxy caches and replication: `{<name>: {type, url, accessKey}}`.",
    ),
  registrySecrets: registrySecretsSchema
    .meta({
      tsType:
        "pulumi.Input<{ [name: string]: pulumi.Input<string | { account_name: string; docker_cli_password: string; oauth2_token?: string } > }>",
    })
    .optional()
    .describe(
      'Secrets of the registry endpoints: one JSON map of name to password or token, `{"dockerhub": "<token>"}`; a `quay` endpoint takes Harbor\'s JSON document `{"account_name", "docker_cli_password", "oauth2_token"}`.',
    ),
  projects: namedMap(projectName(), projectSchema, "projects")
    .default({})
    .describe("Harbor projects as code: `{<name>: {public, quota, proxyCache, members, ...}}`."),
  robots: namedMap(robotName(), robotSchema, "robot accounts")
    .default({})
    .describe(
      "System robot accounts (`robot$<name>`) with per-project permissions; their secrets are the `robotSecrets` output.",
    ),
  pullSecrets: namedMap(k8sName(), pullSecretSchema, "namespaces to robots")
    .default({})
    .describe(
      "Namespace -> robot (or `{robot, serviceAccount: true}`): a `kubernetes.io/dockerconfigjson` Secret `<release>-pull` there (the namespace must exist), optionally added to its `default` ServiceAccount.",
    ),
  mirrors: namedMap(upstreamHost(), projectName(), "upstream registries to proxy cache projects")
    .default({})
    .describe(
      "Upstream host -> proxy-cache project (`docker.io: dockerhub-cache`): with `trust.nodes` (containerd), nodes pull that upstream through Harbor and fall back to it when Harbor is down.",
    ),
  replications: namedMap(registryName(), replicationSchema, "replication rules")
    .default({})
    .describe("Replication rules by name: pull from or push to a registry endpoint."),
  gc: gcSchema
    .optional()
    .describe("Garbage collection: `{schedule, deleteUntagged: true, workers: 1}`."),
  scanAll: scanAllSchema.optional().describe("Scan every artifact: `{schedule}` (needs Trivy)."),
  system: systemSchema
    .optional()
    .describe("Settings an operator sets once: `{projectCreation, robotTokenDays}`."),
};

export const registryContentSchema = strictObject(registryContentShape);

/** The parsed fragment (what the RegistryContent component takes). */
export type RegistryContentConfig = z.output<typeof registryContentSchema>;
/** The fragment with its secrets known: what the `RegistryContent` component takes. */
export type RegistryContentSettings = Omit<RegistryContentConfig, "registrySecrets"> & {
  /**
   * Registry name -> secret (a password or token; Quay's JSON object); a plain map here, wrapped
   * as a Pulumi secret by the component.
   */
  registrySecrets?: Record<string, RegistrySecret>;
};
export type RegistryConfig = z.output<typeof registrySchema>;
export type ProjectConfig = z.output<typeof projectSchema>;
export type RobotConfig = z.output<typeof robotSchema>;
export type ReplicationConfig = z.output<typeof replicationSchema>;

/**
 * Whether the stack declares any Harbor object (mirrors alone are node configuration, and need a
 * project anyway). Without any, no `RegistryContent` component is made and no API is called.
 */
export function hasRegistryContent(c: {
  registries: object;
  projects: object;
  robots: object;
  pullSecrets: object;
  replications: object;
  gc?: object;
  scanAll?: object;
  system?: object;
}): boolean {
  return (
    [c.registries, c.projects, c.robots, c.pullSecrets, c.replications].some(
      (m) => Object.keys(m).length > 0,
    ) ||
    c.gc !== undefined ||
    c.scanAll !== undefined ||
    c.system !== undefined
  );
}

/** Settings of other keys the cross-checks depend on. */
export interface RegistryContentContext {
  /** `harbor:auth.mode`: decides what a group member is (LDAP DN or OIDC group). */
  authMode: "database" | "ldap" | "oidc";
  /** `harbor:trivy.enabled`: scan-all needs a scanner. */
  trivyEnabled: boolean;
  /** `harbor:trust.nodes`: mirrors are written by the node-trust DaemonSet. */
  nodeTrust: { enabled: boolean; runtime: "containerd" | "docker" };
  /** `harbor:hostname`: Harbor cannot be a mirror of itself. */
  hostname?: string;
  /**
   * `harbor:auth.ldap`'s base DNs (auth.mode ldap): Harbor looks a group DN up only under
   * `groupBaseDn`, else `baseDn`.
   */
  ldap?: { baseDn: string; groupBaseDn?: string };
  /** How Harbor is served (the stack's other keys): for `api.url`, `imageRegistry` and mirrors. */
  serving?: HarborServing;
  /** `harbor:imageRegistry`: where Harbor's own images come from. */
  imageRegistry?: string;
}

/** Where and how Harbor is served, from `hostname`, `externalURL`, `expose` and `tls`. */
export interface HarborServing {
  hostname: string;
  /** `harbor:externalURL` when set (a proxy in front of Harbor). */
  externalURL?: string;
  tlsMode: "generated" | "provided" | "ca-provided" | "disabled";
  /** `harbor:tls.dnsNames` and `tls.ipAddresses`: extra names of the certificate. */
  dnsNames: readonly string[];
  ipAddresses: readonly string[];
  /** PEM of `harbor:tlsCertificate` (tls.mode provided) when known: its names are the SANs. */
  certificate?: string;
  /** `harbor:expose.nodePort`'s ports when Harbor is exposed on node ports. */
  nodePorts?: { http: number; https: number };
  /** A fixed address of Harbor's Service (`expose.loadBalancer.ip`, `expose.clusterIP.ip`). */
  serviceIp?: string;
}

/**
 * A problem found by the cross-checks: the key path (below `harbor:`) and the message, which quotes
 * any value it is about (so the loader adds no `got ...`).
 */
export interface ContentProblem {
  path: (string | number)[];
  message: string;
}

/** The upstream host a registry endpoint serves in image references. */
export function upstreamOfRegistry(r: { type: string; url?: string }): string | undefined {
  if (r.type === "docker-hub") return "docker.io";
  const url = r.url ?? DEFAULT_REGISTRY_URLS[r.type as keyof typeof DEFAULT_REGISTRY_URLS];
  return url ? urlAuthority(url) : undefined;
}

/** An IP address's canonical form, or the host as it is. */
const canonicalHost = (host: string) => canonicalIPv6(host) ?? host;

/**
 * Whether an upstream as image references name it (a `harbor:mirrors` key) is the registry an
 * endpoint serves: the same host, Docker Hub by any of its names (`docker.io` is served by
 * `registry-1.docker.io`), and the same port, a missing port being the default of the endpoint's
 * scheme on its side and 443 (image references are https) on the mirror's.
 */
export function servesUpstream(r: { type: string; url?: string }, upstream: string): boolean {
  const mirror = splitAuthority(upstream);
  if (mirror === undefined) return false;
  const hub = (host: string) => (DOCKER_HUB_HOSTS.includes(host) ? "docker.io" : host);
  if (r.type === "docker-hub")
    return hub(mirror.host) === "docker.io" && (mirror.port ?? 443) === 443;
  const url = r.url ?? DEFAULT_REGISTRY_URLS[r.type as keyof typeof DEFAULT_REGISTRY_URLS];
  if (url === undefined) return false;
  const endpoint = splitAuthority(urlAuthority(url));
  if (endpoint === undefined) return false;
  const endpointPort = endpoint.port ?? (url.startsWith("http://") ? 80 : 443);
  return (
    hub(canonicalHost(endpoint.host)) === hub(canonicalHost(mirror.host)) &&
    endpointPort === (mirror.port ?? 443)
  );
}

/** `host` and port of an http(s) origin or URL (`https://h:8443/x` -> h, 8443). */
function urlHostPort(url: string): { host: string; port: number } | undefined {
  const parts = splitAuthority(urlAuthority(url));
  if (parts === undefined) return undefined;
  return { host: parts.host, port: parts.port ?? (url.startsWith("http://") ? 80 : 443) };
}

/** The names Harbor's generated certificate covers: `hostname`, `externalURL`'s host and the extras. */
export function certificateNames(s: HarborServing): string[] {
  const names = [s.hostname];
  const external = s.externalURL ? urlHostPort(s.externalURL) : undefined;
  if (external) names.push(external.host);
  names.push(...s.dnsNames, ...s.ipAddresses);
  return [...new Set(names.map(canonicalHost))];
}

/**
 * Why `authority` (`host[:port]` as an image reference or a mirror key writes it, a missing port
 * being 443) is Harbor itself, or undefined: one of Harbor's names (its hostname, its externalURL's
 * host, its certificate's extra names, its Service's fixed IP) on one of the ports Harbor serves
 * (443 and 80, or the node ports, and the externalURL's port).
 */
export function harborItself(s: HarborServing, authority: string): string | undefined {
  const parts = splitAuthority(authority);
  if (parts === undefined) return undefined;
  const host = canonicalHost(parts.host);
  const port = parts.port ?? 443;
  const external = s.externalURL ? urlHostPort(s.externalURL) : undefined;
  const ports = new Set<number>(s.nodePorts ? [s.nodePorts.https, s.nodePorts.http] : [443, 80]);
  if (external) ports.add(external.port);
  const names: [string, string][] = [
    [s.hostname, `harbor:hostname is ${quoted(s.hostname)}`],
    ...(external && s.externalURL
      ? [[external.host, `harbor:externalURL is ${quoted(s.externalURL)}`] as [string, string]]
      : []),
    ...[...s.dnsNames, ...s.ipAddresses].map(
      (n) => [n, `harbor:tls names ${quoted(n)} in Harbor's certificate`] as [string, string],
    ),
    ...(s.serviceIp
      ? [[s.serviceIp, `harbor:expose gives Harbor the address ${s.serviceIp}`] as [string, string]]
      : []),
  ];
  const match = names.find(([name]) => canonicalHost(name) === host);
  if (match === undefined || !ports.has(port)) return undefined;
  return match[1];
}

/** A Harbor reached by its hostname alone (the checks run without the rest of the stack). */
function servingOf(context: RegistryContentContext): HarborServing | undefined {
  if (context.serving) return context.serving;
  if (context.hostname === undefined) return undefined;
  return { hostname: context.hostname, tlsMode: "generated", dnsNames: [], ipAddresses: [] };
}

/** What is wrong with `api.url` for a Harbor served with TLS, or undefined. */
function apiUrlProblem(s: HarborServing, url: string): string | undefined {
  if (s.tlsMode === "disabled") return undefined;
  if (url.startsWith("http://")) {
    return `must be an https:// URL when harbor:tls.mode is ${s.tlsMode}: the program sends the admin password with every call, which over http:// would cross the network in clear (Harbor serves HTTPS; use https:// with a name its certificate covers)`;
  }
  const target = urlHostPort(url);
  if (target === undefined) return undefined;
  const host = canonicalHost(target.host);
  const fix =
    "every call would fail TLS verification: add the name to harbor:tls.dnsNames (an address to harbor:tls.ipAddresses) or use a name the certificate covers";
  if (s.tlsMode === "provided") {
    if (s.certificate === undefined) return undefined;
    let leaf;
    try {
      leaf = parseCertificates(s.certificate)[0];
    } catch {
      return undefined; // harbor:tlsCertificate's own check reports it
    }
    if (certificateCovers(leaf, host)) return undefined;
    return `names ${quoted(host)}, which harbor:tlsCertificate does not cover (${leaf.subjectAltName ? `it covers ${leaf.subjectAltName}` : "it has no subject alternative names"}): every call would fail TLS verification; issue the certificate with this name or use one it covers`;
  }
  const names = certificateNames(s);
  if (names.includes(host)) return undefined;
  return `names ${quoted(host)}, which Harbor's certificate does not cover (it covers ${names.join(", ")}): ${fix}`;
}

/**
 * The references between keys: every problem with the key it belongs to. Runs on the parsed
 * fragment (defaults applied); `context` carries the settings of other keys it depends on.
 */
export function checkRegistryContent(
  c: RegistryContentConfig,
  context: RegistryContentContext,
): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });
  const registries = Object.keys(c.registries);
  const projects = Object.keys(c.projects);
  // Names and values are quoted in messages (a name that failed its own rule, reported by the
  // schema too, may still carry a line break); a list shows plain names bare.
  const bare = (name: string) => (/^[a-z0-9][a-z0-9._:-]*$/.test(name) ? name : quoted(name));
  const listed = (names: string[]) => names.map(bare).join(", ");
  const declared = (names: string[], key: string) =>
    names.length > 0 ? `harbor:${key} declares ${listed(names)}` : `harbor:${key} declares none`;

  // Registry endpoints and their secrets (never echoed; unknown in a plan without secrets).
  const unknownSecrets = c.registrySecrets === UNKNOWN_SECRET;
  const secrets: Record<string, RegistrySecret> =
    c.registrySecrets === UNKNOWN_SECRET ? {} : (c.registrySecrets ?? {});
  for (const [name, r] of Object.entries(c.registries)) {
    if (r.url === undefined && DEFAULT_REGISTRY_URLS[r.type] === undefined) {
      add(["registries", name, "url"], `is required for type ${r.type} (the registry's address)`);
    }
    const fixedKey = JSON_SECRET_ACCESS_KEYS[r.type];
    if (fixedKey !== undefined && r.accessKey !== undefined) {
      add(
        ["registries", name, "accessKey"],
        `is not used for type ${r.type}: Harbor fixes it (${fixedKey}) and logs in as the secret's account_name; put the account in harbor:registrySecrets (${bare(name)}: {account_name, docker_cli_password})`,
      );
    }
    if (unknownSecrets) continue;
    const secret = secrets[name];
    if (fixedKey !== undefined) {
      if (typeof secret === "string") {
        add(
          ["registrySecrets", name],
          `must be an object {account_name, docker_cli_password, oauth2_token (optional)} for a ${r.type} endpoint: Harbor's Quay adapter reads its secret as that JSON document, not as a password`,
        );
      }
      continue;
    }
    if (secret !== undefined && typeof secret !== "string") {
      add(
        ["registrySecrets", name],
        `must be a password or token for a ${r.type} endpoint (only quay endpoints take an object)`,
      );
    }
    if (r.accessKey !== undefined && secret === undefined) {
      add(
        ["registries", name, "accessKey"],
        `is set, but harbor:registrySecrets has no secret for ${bare(name)}: set it with \`pulumi config set --secret harbor:registrySecrets '{${quoted(name)}:"<secret>"}'\` (one JSON map for every registry)`,
      );
    }
    if (r.accessKey === undefined && secret !== undefined) {
      add(
        ["registries", name, "accessKey"],
        `is required: harbor:registrySecrets holds a secret for ${bare(name)}, which Harbor sends with this user name or access key`,
      );
    }
  }
  for (const name of Object.keys(secrets)) {
    if (!registries.includes(name)) {
      add(
        ["registrySecrets"],
        `holds a secret for ${quoted(name)}, which is not a registry endpoint (${declared(registries, "registries")})`,
      );
    }
  }

  // How the program reaches Harbor, and where Harbor's own images come from.
  const serving = servingOf(context);
  if (serving && c.api.url !== undefined) {
    const problem = apiUrlProblem(serving, c.api.url);
    if (problem) add(["api", "url"], problem);
  }
  if (serving && context.imageRegistry !== undefined) {
    const host = context.imageRegistry.split("/")[0];
    const why = harborItself(serving, host);
    if (why) {
      add(
        ["imageRegistry"],
        `names Harbor itself (${why}): Harbor's own images would have to be pulled from Harbor, which cannot serve them before it runs, so Harbor could never start on a fresh node; use a registry outside this Harbor`,
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
          `names registry endpoint ${quoted(p.proxyCache)}, which is not declared (${declared(registries, "registries")})`,
        );
      } else if (!PROXY_CACHE_TYPES.includes(registry.type)) {
        add(
          ["projects", name, "proxyCache"],
          `names ${quoted(p.proxyCache)} of type ${registry.type}, which Harbor cannot use as a proxy cache (it can: ${PROXY_CACHE_TYPES.join(", ")})`,
        );
      }
    }
    if (p.retention) {
      const r = p.retention;
      const pulledDays =
        r.keepPulledDays ?? (p.proxyCache !== undefined ? PROXY_CACHE_PULLED_DAYS : undefined);
      const rules = [r.keepLatest, r.keepDays, r.keepLatestPulled, pulledDays].filter(
        (v) => v !== undefined && v > 0,
      );
      if (rules.length === 0) {
        add(
          ["projects", name, "retention"],
          "must set keepLatest, keepDays, keepLatestPulled or keepPulledDays: a policy without a rule would delete every artifact of its repositories",
        );
      }
    }
    const seen = new Set<string>();
    p.immutableTags.forEach((t, i) => {
      const key = `${t.repositories}:${t.tags}`;
      if (seen.has(key)) {
        add(
          ["projects", name, "immutableTags", i],
          `repeats ${quoted(t.tags)} (Harbor refuses a duplicate rule)`,
        );
      }
      seen.add(key);
    });
    const groups = Object.keys(p.members.groups);
    groups.forEach((group, index) => {
      const path = ["projects", name, "members", "groups", group];
      if (context.authMode === "database") {
        add(
          path,
          "is a group, but harbor:auth.mode is database, which has no groups: add users under members.users, or use ldap or oidc",
        );
      } else if (context.authMode === "ldap" && !isLdapDn(group)) {
        add(
          path,
          "must be an LDAP group DN such as cn=developers,ou=groups,dc=example,dc=com (harbor:auth.mode is ldap)",
        );
      } else if (context.authMode === "ldap") {
        // Harbor stores a group DN lower-cased (src/pkg/usergroup/manager.go) and compares DNs
        // case-insensitively (src/pkg/ldap/ldap.go UnderBaseDN): one group, one entry.
        const same = groups.slice(0, index).find((other) => sameLdapDn(other, group));
        const base = context.ldap?.groupBaseDn ?? context.ldap?.baseDn;
        const baseKey = context.ldap?.groupBaseDn !== undefined ? "groupBaseDn" : "baseDn";
        if (same !== undefined) {
          add(
            path,
            `is the group ${quoted(same)} again (Harbor compares DNs without regard to case and stores them lower-cased as ${quoted(harborLdapGroupDn(group))}): list each group once`,
          );
        } else if (base !== undefined && !ldapDnUnder(base, group)) {
          add(
            path,
            `is not under harbor:auth.ldap.${baseKey} (${quoted(base)}): Harbor looks group DNs up only below it, so it would refuse this member; use a group under it or set harbor:auth.ldap.groupBaseDn`,
          );
        }
      } else if (group.trim() === "" || group.length > 512 || hasControlCharacters(group)) {
        add(
          path,
          "must be an OIDC group name as the groups claim carries it (one line, at most 512 characters)",
        );
      }
    });
  }

  // Robots.
  for (const [name, r] of Object.entries(c.robots)) {
    for (const project of Object.keys(r.projects)) {
      if (project !== "*" && !projects.includes(project)) {
        add(
          ["robots", name, "projects", project],
          `names project ${quoted(project)}, which is not declared (${declared(projects, "projects")}); use "*" for every project`,
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
        `names robot ${quoted(s.robot)}, which is not declared (${declared(Object.keys(c.robots), "robots")})`,
      );
    } else if (
      !Object.values(robot.projects).some((actions) =>
        actions.some((a) => expandPermission(a) === "repository:pull"),
      )
    ) {
      add(
        ["pullSecrets", namespace],
        `names robot ${quoted(s.robot)}, which cannot pull: give it pull on a project (${keyName(["robots", s.robot, "projects"])})`,
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
    const itself = serving ? harborItself(serving, upstream) : undefined;
    if (itself !== undefined) {
      add(
        ["mirrors", upstream],
        `is Harbor itself (${itself}): a mirror sends pulls of another registry through Harbor`,
      );
    } else if (!p) {
      add(
        ["mirrors", upstream],
        `names project ${quoted(project)}, which is not declared (${declared(projects, "projects")})`,
      );
    } else if (p.proxyCache === undefined) {
      add(
        ["mirrors", upstream],
        `names project ${quoted(project)}, which is not a proxy cache project (set ${keyName(["projects", project, "proxyCache"])})`,
      );
    } else {
      const registry = c.registries[p.proxyCache];
      const serves = registry ? upstreamOfRegistry(registry) : undefined;
      if (registry && serves !== undefined && !servesUpstream(registry, upstream)) {
        add(
          ["mirrors", upstream],
          `names project ${quoted(project)}, which caches ${serves} (registry ${quoted(p.proxyCache)}), not ${bare(upstream)}`,
        );
      }
    }
  }

  // Replication rules.
  for (const [name, r] of Object.entries(c.replications)) {
    if (!c.registries[r.registry]) {
      add(
        ["replications", name, "registry"],
        `names registry endpoint ${quoted(r.registry)}, which is not declared (${declared(registries, "registries")})`,
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
        "is event, which only push rules can use (Harbor triggers on pushes to itself): use manual or scheduled for a pull rule",
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
): RegistryContentSettings {
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
  const { registrySecrets, ...rest } = parsed.data;
  return registrySecrets === UNKNOWN_SECRET || registrySecrets === undefined
    ? rest
    : { ...rest, registrySecrets };
}

/** What the cross-checks read from the rest of a stack's parsed configuration. */
export function registryContentContext(c: RawConfig): RegistryContentContext {
  return {
    authMode: c.auth.mode,
    trivyEnabled: c.trivy.enabled,
    nodeTrust: { enabled: c.trust.nodes.enabled, runtime: c.trust.nodes.runtime },
    hostname: c.hostname,
    ldap: c.auth.mode === "ldap" ? c.auth.ldap : undefined,
    imageRegistry: c.imageRegistry,
    serving:
      typeof c.hostname === "string"
        ? {
            hostname: c.hostname,
            externalURL: c.externalURL,
            tlsMode: c.tls.mode,
            dnsNames: c.tls.dnsNames,
            ipAddresses: c.tls.ipAddresses,
            certificate:
              c.tlsCertificate !== undefined && known(c.tlsCertificate)
                ? c.tlsCertificate
                : undefined,
            nodePorts: c.expose.type === "nodePort" ? c.expose.nodePort : undefined,
            serviceIp:
              c.expose.type === "loadBalancer"
                ? c.expose.loadBalancer.ip
                : c.expose.type === "clusterIP"
                  ? c.expose.clusterIP.ip
                  : undefined,
          }
        : undefined,
  };
}

/**
 * The registry-content keys as the `RegistryContent` component takes them, the registry secrets
 * wrapped as one Pulumi secret. In a plan without the stack's secrets (`UNKNOWN_SECRET`) the map is
 * empty: nothing is deployed from a plan.
 */
export function toRegistryContent(c: RawConfig, inputs: SecretInputs) {
  const secrets = c.registrySecrets === UNKNOWN_SECRET ? {} : c.registrySecrets;
  return {
    api: c.api,
    registries: c.registries,
    registrySecrets:
      inputs.registrySecrets !== undefined
        ? pulumi.secret(inputs.registrySecrets)
        : secrets === undefined
          ? undefined
          : pulumi.secret(secrets),
    projects: c.projects,
    robots: c.robots,
    pullSecrets: c.pullSecrets,
    mirrors: c.mirrors,
    replications: c.replications,
    gc: c.gc,
    scanAll: c.scanAll,
    system: c.system,
  };
}
