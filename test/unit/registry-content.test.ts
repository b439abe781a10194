/**
 * components/registry-content.ts under Pulumi's mocks: the exact inputs of every Harbor object and
 * pull Secret it declares, what waits for the release, and that credentials are secrets in inputs
 * and outputs.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parseRegistryContent, type RegistryContentContext } from "../../config/registry-content";
import { RegistryContent } from "../../components/registry-content";
import { dockerConfigJson, nameSlug } from "../../lib/registry-content";
import {
  evaluateProgram,
  findIn,
  installMocks,
  isSecret,
  isSecretWrapper,
  registrationOf,
  resolve,
  seeded,
  type MockRecorder,
} from "../support/harness";

const CONTEXT: RegistryContentContext = {
  authMode: "ldap",
  trivyEnabled: true,
  nodeTrust: { enabled: true, runtime: "containerd" },
};
const CA = "-----BEGIN CERTIFICATE-----\nTUlJQ0FURVNUQ0E=\n-----END CERTIFICATE-----\n";
const PASSWORD = "Adm1nPassw0rd";
const DN = "cn=developers,ou=groups,dc=example,dc=com";

const CONNECTION = {
  apiUrl: "https://harbor.example.com",
  apiCaCertificate: CA,
  adminPassword: PASSWORD,
  healthTimeoutSeconds: 300,
};

const CONFIG = {
  registries: { dockerhub: { type: "docker-hub", accessKey: "acme-puller" } },
  registrySecrets: JSON.stringify({ dockerhub: "dckr_pat_example" }),
  projects: {
    apps: {
      quota: "50Gi",
      preventVulnerable: { severity: "high" },
      retention: { keepLatest: 10 },
      immutableTags: ["v*"],
      members: { groups: { [DN]: "developer" }, users: { alice: "projectAdmin" } },
    },
    "dockerhub-cache": { public: true, proxyCache: "dockerhub", retention: { keepDays: 14 } },
  },
  robots: { puller: { projects: { apps: ["pull"], "dockerhub-cache": ["pull"] } } },
  pullSecrets: { shop: "puller", ci: { robot: "puller", serviceAccount: true } },
  replications: {
    mirror: {
      direction: "pull",
      registry: "dockerhub",
      filters: { name: "library/nginx" },
      destinationNamespace: "apps",
      trigger: "scheduled",
      schedule: "0 2 * * *",
    },
  },
  gc: { schedule: "0 3 * * 6" },
  scanAll: { schedule: "0 4 * * *" },
  system: { projectCreation: "adminonly" },
};

/** Stands in for Harbor's helm.v3.Release. */
class Release extends pulumi.CustomResource {
  constructor(name: string) {
    super("kubernetes:helm.sh/v3:Release", name, {});
  }
}

/** The secret the shared mock runtime issues for a robot resource (scripts/runtime/mock-runtime.ts). */
const robotSecret = (resource: string) => seeded(`robot secret ${resource}`, 32, ALNUM);
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const PULLER_SECRET = robotSecret("content-robot-puller");

/** The component under the shared mock runtime: what it registers, with which options. */
async function build(config: Record<string, unknown>, context = CONTEXT) {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder);
  let content: RegistryContent | undefined;
  const attempt = await evaluateProgram(recorder, () => {
    const release = new Release("harbor-release");
    content = new RegistryContent("content", {
      content: parseRegistryContent(config, context),
      authMode: context.authMode,
      apiUrl: CONNECTION.apiUrl,
      caCertificate: CA,
      adminPassword: PASSWORD,
      registry: "harbor.example.com",
      releaseName: "harbor",
      dependsOn: [release],
    });
    return {};
  });
  if (attempt.error !== undefined || !content) throw attempt.error;
  const resources = recorder.resources;
  return {
    content,
    resources,
    registrations: attempt.registrations,
    find: (type: string, name: string) => findIn(resources, type, name),
  };
}

const dyn = (type: string) => `pulumi-nodejs:dynamic/harbor:${type}`;

describe("RegistryContent", function () {
  let run: Awaited<ReturnType<typeof build>>;

  before(async function () {
    run = await build(CONFIG);
  });

  it("declares the Harbor objects and pull Secrets the configuration names, nothing else", function () {
    assert.deepEqual(
      run.resources
        .map((r) => `${r.type.replace("pulumi-nodejs:dynamic/harbor:", "")} ${r.name}`)
        .sort(),
      [
        "kubernetes:helm.sh/v3:Release harbor-release",
        "harbor:content:RegistryContent content",
        "RegistryEndpoint content-registry-dockerhub",
        "Project content-project-apps",
        "ProjectMember content-project-apps-user-alice",
        `ProjectMember content-project-apps-group-${nameSlug(DN)}`,
        "Retention content-project-apps-retention",
        `ImmutableTagRule content-project-apps-immutable-${nameSlug("**:v*")}`,
        "Project content-project-dockerhub-cache",
        "Retention content-project-dockerhub-cache-retention",
        "Robot content-robot-puller",
        "Replication content-replication-mirror",
        "GcSchedule content-gc",
        "ScanAllSchedule content-scan-all",
        "kubernetes:core/v1:Secret content-pull-shop",
        "kubernetes:core/v1:Secret content-pull-ci",
        "kubernetes:core/v1:ServiceAccountPatch content-pull-ci-default-sa",
      ].sort(),
    );
  });

  it("gives every object the connection, its stack key and its settings", function () {
    assert.deepEqual(run.find(dyn("RegistryEndpoint"), "content-registry-dockerhub").inputs, {
      ...CONNECTION,
      adopt: false,
      configKey: "harbor:registries.dockerhub",
      name: "dockerhub",
      type: "docker-hub",
      url: "https://hub.docker.com",
      description: "",
      accessKey: "acme-puller",
      accessSecret: "dckr_pat_example",
    });
    assert.deepEqual(run.find(dyn("Project"), "content-project-apps").inputs, {
      ...CONNECTION,
      adopt: false,
      configKey: "harbor:projects.apps",
      name: "apps",
      public: false,
      quota: "50Gi",
      autoScan: true,
      preventVulnerable: "high",
      registryId: "",
    });
    assert.deepEqual(run.find(dyn("Project"), "content-project-dockerhub-cache").inputs, {
      ...CONNECTION,
      adopt: false,
      configKey: "harbor:projects.dockerhub-cache",
      name: "dockerhub-cache",
      public: true,
      autoScan: true,
      preventVulnerable: "off",
      registryId: "content-registry-dockerhub-id",
    });
    assert.deepEqual(run.find(dyn("ProjectMember"), "content-project-apps-user-alice").inputs, {
      ...CONNECTION,
      adopt: false,
      configKey: "harbor:projects.apps.members.users.alice",
      projectId: "content-project-apps-id",
      projectName: "apps",
      kind: "user",
      name: "alice",
      role: "projectAdmin",
    });
    const group = run.find(dyn("ProjectMember"), `content-project-apps-group-${nameSlug(DN)}`);
    assert.deepEqual(group.inputs, {
      ...CONNECTION,
      adopt: false,
      configKey: `harbor:projects.apps.members.groups[${JSON.stringify(DN)}]`,
      projectId: "content-project-apps-id",
      projectName: "apps",
      kind: "ldapGroup",
      name: DN,
      role: "developer",
    });
    assert.deepEqual(run.find(dyn("Retention"), "content-project-apps-retention").inputs, {
      ...CONNECTION,
      adopt: false,
      configKey: "harbor:projects.apps.retention",
      projectId: "content-project-apps-id",
      projectName: "apps",
      rules: [
        { template: "latestPushedK", value: 10, tags: "**", repositories: "**", untagged: true },
      ],
      cron: "0 0 0 * * *",
      takeOverDefault: false,
    });
    const cache = run.find(dyn("Retention"), "content-project-dockerhub-cache-retention").inputs;
    assert.equal(cache.takeOverDefault, true);
    // A proxy cache keeps what was pulled in Harbor's 7 days besides the stack's push-based rule.
    assert.deepEqual(cache.rules, [
      { template: "nDaysSinceLastPush", value: 14, tags: "**", repositories: "**", untagged: true },
      { template: "nDaysSinceLastPull", value: 7, tags: "**", repositories: "**", untagged: true },
    ]);
    const immutable = run.find(
      dyn("ImmutableTagRule"),
      `content-project-apps-immutable-${nameSlug("**:v*")}`,
    );
    assert.deepEqual(immutable.inputs, {
      ...CONNECTION,
      adopt: false,
      configKey: "harbor:projects.apps.immutableTags[0]",
      projectId: "content-project-apps-id",
      projectName: "apps",
      tags: "v*",
      repositories: "**",
    });
    assert.deepEqual(run.find(dyn("Robot"), "content-robot-puller").inputs, {
      ...CONNECTION,
      adopt: false,
      configKey: "harbor:robots.puller",
      name: "puller",
      username: "robot$puller",
      description: "",
      expiresDays: -1,
      permissions: [
        { project: "apps", actions: ["repository:pull"] },
        { project: "dockerhub-cache", actions: ["repository:pull"] },
      ],
      projectIds: {
        apps: "content-project-apps-id",
        "dockerhub-cache": "content-project-dockerhub-cache-id",
      },
      rotation: "",
    });
    assert.deepEqual(run.find(dyn("Replication"), "content-replication-mirror").inputs, {
      ...CONNECTION,
      adopt: false,
      configKey: "harbor:replications.mirror",
      name: "mirror",
      description: "",
      direction: "pull",
      registryId: "content-registry-dockerhub-id",
      nameFilter: "library/nginx",
      tagFilter: "",
      resourceFilter: "",
      destinationNamespace: "apps",
      trigger: "scheduled",
      cron: "0 0 2 * * *",
      override: true,
      deletion: false,
      enabled: true,
    });
    assert.deepEqual(run.find(dyn("GcSchedule"), "content-gc").inputs, {
      ...CONNECTION,
      adopt: false,
      configKey: "harbor:gc",
      cron: "0 0 3 * * 6",
      deleteUntagged: true,
      workers: 1,
    });
    assert.deepEqual(run.find(dyn("ScanAllSchedule"), "content-scan-all").inputs, {
      ...CONNECTION,
      adopt: false,
      configKey: "harbor:scanAll",
      cron: "0 0 4 * * *",
    });
    // LDAP: Harbor's configuration is read-only through its API, so no SystemSettings here.
    assert.equal(run.resources.filter((r) => r.type === dyn("SystemSettings")).length, 0);
  });

  it("declares the system settings through the API under database authentication only", async function () {
    const { projects, ...rest } = CONFIG;
    const database = await build(
      {
        ...rest,
        projects: {
          ...projects,
          apps: { ...projects.apps, members: { users: { alice: "projectAdmin" } } },
        },
      },
      { ...CONTEXT, authMode: "database" },
    );
    assert.deepEqual(database.find(dyn("SystemSettings"), "content-system").inputs, {
      ...CONNECTION,
      configKey: "harbor:system",
      projectCreationRestriction: "adminonly",
    });
    assert.deepEqual(
      registrationOf(database.registrations, dyn("SystemSettings"), "content-system").dependsOn,
      ["harbor-release"],
    );
  });

  it("writes a dockerconfigjson pull Secret per namespace, and patches the default ServiceAccount when asked", function () {
    const config = dockerConfigJson("harbor.example.com", "robot$puller", PULLER_SECRET);
    assert.deepEqual(JSON.parse(config), {
      auths: {
        "harbor.example.com": {
          username: "robot$puller",
          password: PULLER_SECRET,
          auth: Buffer.from(`robot$puller:${PULLER_SECRET}`).toString("base64"),
        },
      },
    });
    for (const ns of ["shop", "ci"]) {
      assert.deepEqual(run.find("kubernetes:core/v1:Secret", `content-pull-${ns}`).inputs, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
          name: "harbor-pull",
          namespace: ns,
          labels: {
            "app.kubernetes.io/component": "pull-secret",
            "app.kubernetes.io/part-of": "harbor",
            "app.kubernetes.io/managed-by": "pulumi",
          },
        },
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": config },
      });
    }
    assert.deepEqual(
      run.find("kubernetes:core/v1:ServiceAccountPatch", "content-pull-ci-default-sa").inputs,
      {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "default", namespace: "ci" },
        imagePullSecrets: [{ name: "harbor-pull" }],
      },
    );
  });

  it("keeps the admin password, registry secrets and pull credentials secret in inputs", function () {
    for (const r of run.resources.filter((x) =>
      x.type.startsWith("pulumi-nodejs:dynamic/harbor:"),
    )) {
      assert.ok(isSecretWrapper(r.rawInputs.adminPassword), `${r.name}.adminPassword`);
    }
    assert.ok(
      isSecretWrapper(
        run.find(dyn("RegistryEndpoint"), "content-registry-dockerhub").rawInputs.accessSecret,
      ),
    );
    for (const ns of ["shop", "ci"]) {
      assert.ok(
        isSecretWrapper(
          run.find("kubernetes:core/v1:Secret", `content-pull-${ns}`).rawInputs.stringData,
        ),
      );
    }
  });

  it("exposes projects, robots, and secret robot credentials for consumer stacks", async function () {
    assert.deepEqual(run.content.projects, ["apps", "dockerhub-cache"]);
    assert.deepEqual(run.content.robots, { puller: { name: "puller", username: "robot$puller" } });
    assert.deepEqual(await resolve(run.content.robotSecrets), { puller: PULLER_SECRET });
    assert.deepEqual(await resolve(run.content.dockerConfigJson), {
      puller: dockerConfigJson("harbor.example.com", "robot$puller", PULLER_SECRET),
    });
    assert.equal(await isSecret(run.content.robotSecrets), true);
    assert.equal(await isSecret(run.content.dockerConfigJson), true);
  });

  it("makes the objects Harbor's API needs first wait for the release; the rest follow their project", function () {
    for (const [kind, name] of [
      ["RegistryEndpoint", "content-registry-dockerhub"],
      ["Project", "content-project-apps"],
      ["Robot", "content-robot-puller"],
      ["GcSchedule", "content-gc"],
      ["ScanAllSchedule", "content-scan-all"],
    ]) {
      assert.deepEqual(
        registrationOf(run.registrations, dyn(kind), name).dependsOn,
        ["harbor-release"],
        `${name} waits for the release`,
      );
    }
    // A member takes its project's ID as an input: the engine orders it after the project.
    assert.equal(
      run.find(dyn("ProjectMember"), "content-project-apps-user-alice").inputs.projectId,
      "content-project-apps-id",
    );
    assert.deepEqual(
      registrationOf(run.registrations, dyn("Replication"), "content-replication-mirror").dependsOn,
      ["content-project-apps"],
      "a pull rule waits for its destination",
    );
  });

  it("names children after free-form values safely and stably", function () {
    assert.equal(nameSlug("alice"), "alice");
    assert.equal(nameSlug("platform-team"), "platform-team");
    assert.equal(nameSlug(DN), "cn-developers-ou-groups-dc-example-dc-co-0829f4fa");
    assert.equal(nameSlug("**:v*"), "v-954a7227");
    assert.notEqual(nameSlug("Alice"), nameSlug("alice"));
  });

  it("declares only the component for an empty configuration", async function () {
    const empty = await build({});
    assert.deepEqual(empty.resources.map((r) => r.type).sort(), [
      "harbor:content:RegistryContent",
      "kubernetes:helm.sh/v3:Release",
    ]);
    assert.deepEqual(await resolve(empty.content.robotSecrets), {});
  });

  it("makes OIDC groups members by name under auth mode oidc", async function () {
    const oidc = await build(
      { projects: { apps: { members: { groups: { "platform-team": "maintainer" } } } } },
      { ...CONTEXT, authMode: "oidc" },
    );
    const member = oidc.find(dyn("ProjectMember"), "content-project-apps-group-platform-team");
    assert.equal(member.inputs.kind, "oidcGroup");
    assert.equal(member.inputs.name, "platform-team");
  });
});
