/**
 * config/registry-content.ts: defaults, the character sets of names and values, and the
 * cross-checks between keys, each message naming its key.
 */
import * as assert from "node:assert/strict";
import {
  checkRegistryContent,
  parseRegistryContent,
  problemMessage,
  type RegistryContentConfig,
  type RegistryContentContext,
} from "../../config/registry-content";
import { harborCron } from "../../config/cron";

const CONTEXT: RegistryContentContext = {
  authMode: "ldap",
  trivyEnabled: true,
  nodeTrust: { enabled: true, runtime: "containerd" },
};

/** The problems of a configuration, one message each. */
function problems(
  raw: Record<string, unknown>,
  context: Partial<RegistryContentContext> = {},
): string[] {
  try {
    parseRegistryContent(raw, { ...CONTEXT, ...context });
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
  return [];
}

/** A valid configuration with every kind of object. */
const EXAMPLE = {
  api: { url: "https://harbor.internal.example.com" },
  registries: {
    dockerhub: { type: "docker-hub", accessKey: "acme-puller" },
    ghcr: { type: "github-ghcr" },
  },
  registrySecrets: JSON.stringify({ dockerhub: "dckr_pat_example" }),
  projects: {
    apps: {
      quota: "50Gi",
      preventVulnerable: { severity: "high" },
      retention: { keepLatest: 10, keepDays: 30 },
      immutableTags: ["v*", { tags: "release-*", repositories: "prod/**" }],
      members: {
        groups: { "cn=developers,ou=groups,dc=example,dc=com": "developer" },
        users: { alice: "projectAdmin" },
      },
    },
    "dockerhub-cache": { public: true, quota: -1, proxyCache: "dockerhub" },
  },
  robots: {
    ci: { projects: { apps: ["pull", "push"] }, expiresDays: 90, rotation: "2026-01" },
    puller: { projects: { apps: ["pull"], "dockerhub-cache": ["pull"] } },
  },
  pullSecrets: { shop: "puller", ci: { robot: "ci", serviceAccount: true } },
  mirrors: { "docker.io": "dockerhub-cache" },
  replications: {
    "nginx-from-ghcr": {
      direction: "pull",
      registry: "ghcr",
      filters: { name: "nginx/**", tag: "1.*" },
      destinationNamespace: "apps",
      trigger: "scheduled",
      schedule: "0 2 * * *",
    },
  },
  gc: { schedule: "0 3 * * 6" },
  scanAll: { schedule: "0 4 * * *" },
  system: { projectCreation: "adminonly", robotTokenDays: 90 },
};

describe("registry-content configuration", function () {
  it("is empty by default: nothing is managed unless declared", function () {
    assert.deepEqual(parseRegistryContent({}, CONTEXT), {
      api: { healthTimeoutSeconds: 300 },
      registries: {},
      projects: {},
      robots: {},
      pullSecrets: {},
      mirrors: {},
      replications: {},
    });
  });

  it("parses a full example with Harbor's forms (six-field cron, canonical quota, role names)", function () {
    assert.deepEqual(parseRegistryContent(EXAMPLE, CONTEXT), {
      api: { url: "https://harbor.internal.example.com", healthTimeoutSeconds: 300 },
      registries: {
        dockerhub: { type: "docker-hub", accessKey: "acme-puller", description: "", import: false },
        ghcr: { type: "github-ghcr", description: "", import: false },
      },
      registrySecrets: { dockerhub: "dckr_pat_example" },
      projects: {
        apps: {
          public: false,
          quota: "50Gi",
          autoScan: true,
          preventVulnerable: { severity: "high" },
          retention: {
            keepLatest: 10,
            keepDays: 30,
            tags: "**",
            repositories: "**",
            untagged: "asTagged",
            schedule: "0 0 0 * * *",
            import: false,
          },
          immutableTags: [
            { tags: "v*", repositories: "**" },
            { tags: "release-*", repositories: "prod/**" },
          ],
          members: {
            groups: { "cn=developers,ou=groups,dc=example,dc=com": "developer" },
            users: { alice: "projectAdmin" },
          },
          import: false,
        },
        "dockerhub-cache": {
          public: true,
          quota: -1,
          proxyCache: "dockerhub",
          autoScan: true,
          immutableTags: [],
          members: { groups: {}, users: {} },
          import: false,
        },
      },
      robots: {
        ci: {
          projects: { apps: ["pull", "push"] },
          expiresDays: 90,
          description: "",
          rotation: "2026-01",
          import: false,
        },
        puller: {
          projects: { apps: ["pull"], "dockerhub-cache": ["pull"] },
          expiresDays: -1,
          description: "",
          rotation: "",
          import: false,
        },
      },
      pullSecrets: {
        shop: { robot: "puller", serviceAccount: false },
        ci: { robot: "ci", serviceAccount: true },
      },
      mirrors: { "docker.io": "dockerhub-cache" },
      replications: {
        "nginx-from-ghcr": {
          direction: "pull",
          registry: "ghcr",
          filters: { name: "nginx/**", tag: "1.*" },
          destinationNamespace: "apps",
          trigger: "scheduled",
          schedule: "0 0 2 * * *",
          override: true,
          deletion: false,
          enabled: true,
          description: "",
          import: false,
        },
      },
      gc: { schedule: "0 0 3 * * 6", deleteUntagged: true, workers: 1, import: false },
      scanAll: { schedule: "0 0 4 * * *", import: false },
      system: { projectCreation: "adminonly", robotTokenDays: 90 },
    });
  });

  it("canonicalizes quotas and accepts -1 written either way", function () {
    const quota = (q: unknown) =>
      parseRegistryContent({ projects: { apps: { quota: q } } }, CONTEXT).projects.apps.quota;
    assert.equal(quota("51200Mi"), "50Gi");
    assert.equal(quota("1024Gi"), "1Ti");
    assert.equal(quota("1500Mi"), "1500Mi");
    assert.equal(quota(-1), -1);
    assert.equal(quota("-1"), -1);
  });

  it("refuses a quota with a line break or separator after it instead of trimming it away", function () {
    for (const q of ["50Gi\n", "50Gi\u2028", " 50Gi"]) {
      assert.deepEqual(problems({ projects: { apps: { quota: q } } }), [
        `harbor:projects.apps.quota must be -1 (unlimited) or a size from 1Mi to 1024Ti with a binary unit, such as 50Gi (Harbor's quotas are binary: Mi, Gi, Ti), got ${JSON.stringify(q).replace("\u2028", "\\u2028")}`,
      ]);
    }
  });

  it("gives names the character sets Harbor and Kubernetes allow", function () {
    assert.deepEqual(
      problems({
        projects: { Apps: {}, "a..b": {}, [`p${"x".repeat(255)}`]: {} },
        robots: { "ci+1": { projects: { "*": ["pull"] } } },
        registries: { "Docker Hub": { type: "docker-hub" } },
        pullSecrets: { Shop_NS: "ci" },
        mirrors: { "https://docker.io": "apps" },
      }),
      [
        'harbor:registries["Docker Hub"] must be a registry endpoint name: lower-case letters and digits, with single . _ or - between them, at most 64 characters (Harbor\'s rule), got "Docker Hub"',
        'harbor:projects.Apps must be a Harbor project name: lower-case letters and digits, with single . _ or - between them, at most 255 characters (Harbor\'s rule), got "Apps"',
        'harbor:projects["a..b"] must be a Harbor project name: lower-case letters and digits, with single . _ or - between them, at most 255 characters (Harbor\'s rule), got "a..b"',
        `harbor:projects.p${"x".repeat(255)} must be a Harbor project name: lower-case letters and digits, with single . _ or - between them, at most 255 characters (Harbor's rule), got "p${"x".repeat(75)}...`,
        'harbor:robots["ci+1"] must be a robot name: lower-case letters and digits, with single . _ or - between them, at most 200 characters (Harbor\'s rule), got "ci+1"',
        "harbor:pullSecrets.Shop_NS must be a lower-case DNS-1123 label of at most 63 characters (letters, digits, '-'), got \"Shop_NS\"",
        'harbor:mirrors["https://docker.io"] must be a registry host as in image references, such as docker.io, ghcr.io or registry.local:5000 (lower case; an IPv6 address in brackets), got "https://docker.io"',
      ],
    );
  });

  it("rejects values outside what Harbor accepts, naming the key", function () {
    assert.deepEqual(
      problems({
        registries: { hub: { type: "dockerhub", url: "ftp://hub" } },
        projects: {
          apps: {
            quota: "50GB",
            preventVulnerable: { severity: "severe" },
            retention: { tags: "v *" },
            members: { users: { "al ice": "owner" } },
          },
        },
        robots: {
          ci: { projects: { apps: ["pull", "artifact:destroy"] }, expiresDays: 0 },
          none: { projects: {} },
        },
        gc: { schedule: "every sunday", workers: 11 },
        scanAll: { schedule: "0 0 4 * * 8" },
        system: { projectCreation: "admins" },
      }),
      [
        'harbor:registries.hub.type must be one of Harbor\'s registry adapters: docker-hub, docker-registry, harbor, github-ghcr, quay, google-gcr, aws-ecr, azure-acr, ali-acr, jfrog-artifactory, gitlab, dtr, huawei-SWR, tencent-tcr, volcengine-cr, got "dockerhub"',
        'harbor:registries.hub.url must be an http:// or https:// URL such as https://registry.example.com (letters, digits and . _ ~ % + - in the path; no query, fragment or credentials), got "ftp://hub"',
        'harbor:projects.apps.quota must be -1 (unlimited) or a size from 1Mi to 1024Ti with a binary unit, such as 50Gi (Harbor\'s quotas are binary: Mi, Gi, Ti), got "50GB"',
        'harbor:projects.apps.preventVulnerable.severity must be one of none, low, medium, high, critical, got "severe"',
        'harbor:projects.apps.retention.tags must be a doublestar pattern of letters, digits and . _ / - * ? { } , [ ] ! ^, such as v*, release-** or {nginx,redis}, got "v *"',
        'harbor:projects.apps.members.users["al ice"] must be one of projectAdmin, maintainer, developer, guest, limitedGuest, got "owner"',
        'harbor:robots.ci.projects.apps[1] must be pull, push, delete, list, read or a resource:action Harbor grants a robot on a project (such as artifact:delete, tag:create, scan:create), got "artifact:destroy"',
        "harbor:robots.ci.expiresDays must be -1 (never) or a number of days 1-36500, got 0",
        "harbor:robots.none.projects must name at least one project, such as {apps: [pull]}, got {}",
        `harbor:gc.schedule must be a cron expression of 5 fields (minute hour day-of-month month day-of-week, such as "0 3 * * 6") or Harbor's 6 with seconds first ("0 0 3 * * 6"): has 2 fields, not 5 or 6 (minute hour day-of-month month day-of-week), got "every sunday"`,
        "harbor:gc.workers must be an integer 1-10 (Harbor's limit), got 11",
        `harbor:scanAll.schedule must be a cron expression of 5 fields (minute hour day-of-month month day-of-week, such as "0 3 * * 6") or Harbor's 6 with seconds first ("0 0 3 * * 6"): field 5 (day of week): "8" is out of range 0-6, got "0 0 4 * * 8"`,
        'harbor:system.projectCreation must be adminonly or everyone, got "admins"',
      ],
    );
  });

  it("checks a retention without rules and user names once the values are valid", function () {
    assert.deepEqual(
      problems({
        projects: {
          apps: { retention: { tags: "v*" }, members: { users: { "al ice": "guest" } } },
        },
      }),
      [
        'harbor:projects.apps.members.users["al ice"] must be a user name without spaces or control characters, at most 255 characters, got "al ice"',
      ],
    );
    assert.deepEqual(problems({ projects: { apps: { retention: { tags: "v*" } } } }), [
      "harbor:projects.apps.retention must set keepLatest, keepDays, keepLatestPulled or keepPulledDays: a policy without a rule would delete every artifact of its repositories",
    ]);
  });

  it("checks references between keys, naming the key that refers", function () {
    assert.deepEqual(
      problems(
        {
          registries: {
            hub: { type: "docker-hub", accessKey: "me" },
            q: { type: "quay" },
            lab: { type: "gitlab" },
          },
          registrySecrets: JSON.stringify({ ghost: "s3cr3t-value" }),
          projects: {
            apps: { members: { groups: { developers: "guest" } }, immutableTags: ["v*", "v*"] },
            cache: { proxyCache: "q" },
            other: { proxyCache: "nope" },
          },
          robots: { ci: { projects: { apps: ["push"], ghost: ["push"] } } },
          pullSecrets: { shop: "nobody", ci: "ci" },
          mirrors: { "docker.io": "cache", "ghcr.io": "apps", "quay.io": "missing" },
          replications: {
            r: { direction: "pull", registry: "nope", trigger: "event", schedule: "0 1 * * *" },
            s: { direction: "push", registry: "hub", trigger: "scheduled" },
          },
          scanAll: { schedule: "0 4 * * *" },
        },
        { trivyEnabled: false, nodeTrust: { enabled: true, runtime: "docker" } },
      ),
      [
        'harbor:registries.hub.accessKey is set, but harbor:registrySecrets has no secret for hub: set it with `pulumi config set --secret harbor:registrySecrets \'{"hub":"<secret>"}\'` (one JSON map for every registry)',
        "harbor:registries.lab.url is required for type gitlab (the registry's address)",
        'harbor:registrySecrets holds a secret for "ghost", which is not a registry endpoint (harbor:registries declares hub, q, lab)',
        'harbor:projects.apps.immutableTags[1] repeats "v*" (Harbor refuses a duplicate rule)',
        "harbor:projects.apps.members.groups.developers must be an LDAP group DN such as cn=developers,ou=groups,dc=example,dc=com (harbor:auth.mode is ldap)",
        'harbor:projects.cache.proxyCache names "q" of type quay, which Harbor cannot use as a proxy cache (it can: docker-hub, harbor, azure-acr, ali-acr, aws-ecr, google-gcr, docker-registry, github-ghcr, jfrog-artifactory)',
        'harbor:projects.other.proxyCache names registry endpoint "nope", which is not declared (harbor:registries declares hub, q, lab)',
        'harbor:robots.ci.projects.ghost names project "ghost", which is not declared (harbor:projects declares apps, cache, other); use "*" for every project',
        'harbor:pullSecrets.shop names robot "nobody", which is not declared (harbor:robots declares ci)',
        'harbor:pullSecrets.ci names robot "ci", which cannot pull: give it pull on a project (harbor:robots.ci.projects)',
        "harbor:mirrors needs harbor:trust.nodes.enabled true with runtime containerd: the node-trust DaemonSet writes the mirror configuration (Docker Engine cannot pull through a proxy cache project; see docs/registry-content.md)",
        'harbor:mirrors["docker.io"] names project "cache", which caches quay.io (registry "q"), not docker.io',
        'harbor:mirrors["ghcr.io"] names project "apps", which is not a proxy cache project (set harbor:projects.apps.proxyCache)',
        'harbor:mirrors["quay.io"] names project "missing", which is not declared (harbor:projects declares apps, cache, other)',
        'harbor:replications.r.registry names registry endpoint "nope", which is not declared (harbor:registries declares hub, q, lab)',
        "harbor:replications.r.schedule is only used when trigger is scheduled (it is event)",
        "harbor:replications.r.trigger is event, which only push rules can use (Harbor triggers on pushes to itself): use manual or scheduled for a pull rule",
        "harbor:replications.s.schedule is required when trigger is scheduled (a cron expression such as `0 2 * * *`)",
        "harbor:scanAll needs a scanner, but harbor:trivy.enabled is false",
      ],
    );
  });

  it("refuses Harbor as a mirror of itself", function () {
    const raw = {
      registries: { own: { type: "harbor", url: "https://harbor.example.com" } },
      projects: { "own-cache": { proxyCache: "own" } },
      mirrors: { "harbor.example.com:443": "own-cache" },
    };
    assert.deepEqual(problems(raw, { hostname: "harbor.example.com" }), [
      'harbor:mirrors["harbor.example.com:443"] is Harbor itself (harbor:hostname is "harbor.example.com"): a mirror sends pulls of another registry through Harbor',
    ]);
  });

  it("quotes the names it refers to, so a name that failed its own rule cannot break a line", function () {
    // The main schema runs the cross-checks even when a name failed its own rule (a refinement does
    // not stop zod), so they see raw names: feed them some directly.
    const valid = parseRegistryContent(
      {
        registries: { hub: { type: "docker-hub" } },
        projects: { cache: { proxyCache: "hub" } },
        robots: { ci: { projects: { cache: ["pull"] } } },
      },
      CONTEXT,
    );
    const raw: RegistryContentConfig = {
      ...valid,
      registries: { "hub\n": valid.registries.hub },
      projects: {
        cache: { ...valid.projects.cache, proxyCache: "hub\n" },
        other: { ...valid.projects.cache, proxyCache: "nope\u2029" },
      },
      robots: { ci: { ...valid.robots.ci, projects: { "apps\u2028": ["pull"] } } },
      pullSecrets: { shop: { robot: "ci\n", serviceAccount: false } },
      mirrors: { "docker.io\n": "cache" },
    };
    assert.deepEqual(checkRegistryContent(raw, CONTEXT).map(problemMessage), [
      'harbor:projects.other.proxyCache names registry endpoint "nope\\u2029", which is not declared (harbor:registries declares "hub\\n")',
      'harbor:robots.ci.projects["apps\\u2028"] names project "apps\\u2028", which is not declared (harbor:projects declares cache, other); use "*" for every project',
      'harbor:pullSecrets.shop names robot "ci\\n", which is not declared (harbor:robots declares ci)',
      'harbor:mirrors["docker.io\\n"] names project "cache", which caches docker.io (registry "hub\\n"), not "docker.io\\n"',
    ]);
  });

  it("never echoes registry secrets", function () {
    const messages = problems({
      registrySecrets: JSON.stringify({ hub: "", ghcr: "s3cr3t\nline" }),
    });
    assert.deepEqual(messages, [
      "harbor:registrySecrets.hub must be a non-empty secret without control characters or line breaks",
      "harbor:registrySecrets.ghcr must be a non-empty secret without control characters or line breaks",
    ]);
    assert.deepEqual(problems({ registrySecrets: "not json s3cr3t" }), [
      'harbor:registrySecrets must be a JSON object of registry name to secret, set with `pulumi config set --secret harbor:registrySecrets \'{"dockerhub":"<token>"}\'`',
    ]);
  });

  it("reads groups as OIDC groups under oidc and refuses them under database", function () {
    const raw = { projects: { apps: { members: { groups: { "platform-team": "maintainer" } } } } };
    assert.deepEqual(problems(raw, { authMode: "oidc" }), []);
    const oidcGroup = (group: string) =>
      problems(
        { projects: { apps: { members: { groups: { [group]: "guest" } } } } },
        {
          authMode: "oidc",
        },
      );
    assert.deepEqual(oidcGroup('Platform "core" {{ team }}'), []);
    for (const [group, shown] of [
      ["team\n", "team\\n"],
      ["team\u2028x", "team\\u2028x"],
      ["team\u0000", "team\\u0000"],
    ]) {
      assert.deepEqual(oidcGroup(group), [
        `harbor:projects.apps.members.groups["${shown}"] must be an OIDC group name as the groups claim carries it (one line, at most 512 characters)`,
      ]);
    }
    assert.deepEqual(problems(raw, { authMode: "database" }), [
      "harbor:projects.apps.members.groups.platform-team is a group, but harbor:auth.mode is database, which has no groups: add users under members.users, or use ldap or oidc",
    ]);
  });
});

describe("Harbor cron expressions (harborCron)", function () {
  it("turns five fields into Harbor's six and keeps valid six-field ones", function () {
    assert.deepEqual(harborCron("0 3 * * 6"), { ok: true, cron: "0 0 3 * * 6" });
    assert.deepEqual(harborCron(" 0  0 3 * * SAT "), { ok: true, cron: "0 0 3 * * SAT" });
    assert.deepEqual(harborCron("*/15 1-5 1,15 JAN-MAR *"), {
      ok: true,
      cron: "0 */15 1-5 1,15 JAN-MAR *",
    });
  });

  it("refuses what Harbor's parser refuses, and what the 5-field parser refuses", function () {
    for (const bad of [
      "@daily",
      "0 3 * *",
      "0 0 0 3 * * 6",
      "60 * * * *",
      "0 24 * * *",
      "0 0 32 * *",
      "0 0 * 13 *",
      "5-1 * * * *",
      "*/0 * * * *",
      "? * * * *",
      "0 0 3 * * ?",
    ]) {
      assert.equal(harborCron(bad).ok, false, bad);
    }
    assert.deepEqual(harborCron("30 0 3 * * 6"), {
      ok: false,
      problem:
        'has seconds "30": Harbor runs schedules on whole minutes, so the seconds field must be 0',
    });
    assert.deepEqual(harborCron("0 0 0 3 * * 6"), {
      ok: false,
      problem: "has 7 fields, not 5 or 6 (minute hour day-of-month month day-of-week)",
    });
    assert.deepEqual(harborCron("weekly"), {
      ok: false,
      problem: "has 1 field, not 5 or 6 (minute hour day-of-month month day-of-week)",
    });
    assert.deepEqual(harborCron("0 0 3 * * 8"), {
      ok: false,
      problem: 'field 5 (day of week): "8" is out of range 0-6',
    });
  });
});
