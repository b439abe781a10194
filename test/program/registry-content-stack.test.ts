/**
 * The prod example stack's registry content, through the whole program (`index.ts`) under mocks:
 * which Harbor objects and pull Secrets it declares, with exact inputs, in which order they wait,
 * the outputs consumer stacks read, and that every credential stays a secret.
 */
import { strict as assert } from "node:assert";
import { mirrorHostsToml } from "../../lib/mirrors";
import { PULL_SECRET_LABELS, dockerConfigJson } from "../../lib/registry-content";
import { stackSecrets } from "../support/fixtures/stack-secrets";
import { exampleRun } from "../support/example-stacks";
import { testChain } from "../support/fixtures/tls";
import {
  harborValues,
  isSecretWrapper,
  projectFile,
  readStackFile,
  registrationOf,
  type ProgramRun,
} from "../support/harness";

const dyn = (kind: string) => `pulumi-nodejs:dynamic/harbor:${kind}`;
const REGISTRY = "registry.example.com";

describe("program: prod stack registry content", function () {
  let run: ProgramRun;
  let secrets: Record<string, string>;
  before(async function () {
    const config = readStackFile(projectFile("Pulumi.prod.yaml"));
    secrets = stackSecrets("prod", config.config);
    run = await exampleRun("prod");
  });

  const harborObjects = () =>
    run.resources
      .filter((r) => r.type.startsWith(dyn("")))
      .map((r) => `${r.type.slice(dyn("").length)} ${r.name}`)
      .sort();

  it("declares the Harbor objects the stack names, nothing else, under harbor-content", function () {
    assert.deepEqual(harborObjects(), [
      // Beside the content: the auth-mode guard every stack has (components/harbor.ts).
      "AuthModeGuard harbor-auth-mode",
      "GcSchedule harbor-content-gc",
      "ImmutableTagRule harbor-content-project-apps-immutable-v-954a7227",
      "Project harbor-content-project-apps",
      "Project harbor-content-project-dockerhub-cache",
      // Long or unusual names are cut and get a hash of the whole, so two never collide.
      "ProjectMember harbor-content-project-apps-group-cn-developers-ou-groups-dc-example-dc-co-0829f4fa",
      "ProjectMember harbor-content-project-apps-group-cn-registry-admins-ou-groups-dc-example-a53deab6",
      "RegistryEndpoint harbor-content-registry-dockerhub",
      "Retention harbor-content-project-apps-retention",
      "Retention harbor-content-project-dockerhub-cache-retention",
      "Robot harbor-content-robot-ci",
      "Robot harbor-content-robot-puller",
      "ScanAllSchedule harbor-content-scan-all",
    ]);
    const content = registrationOf(
      run.registrations,
      "harbor:content:RegistryContent",
      "harbor-content",
    );
    assert.equal(content.parentUrn.endsWith("harbor:index:Harbor::harbor"), true);
  });

  it("reaches Harbor's API at the stack's URL, trusting only the stack's CA, as admin", function () {
    const project = run.find(dyn("Project"), "harbor-content-project-apps");
    assert.deepEqual(project.inputs, {
      apiUrl: `https://${REGISTRY}`,
      apiCaCertificate: testChain(REGISTRY).caCertificate,
      adminPassword: project.inputs.adminPassword,
      healthTimeoutSeconds: 300,
      adopt: false,
      configKey: "harbor:projects.apps",
      name: "apps",
      public: false,
      quota: "200Gi",
      autoScan: true,
      preventVulnerable: "high",
      registryId: "",
    });
    assert.match(String(project.inputs.adminPassword), /^[A-Za-z0-9]{24}$/);
    assert.ok(isSecretWrapper(project.rawInputs.adminPassword), "adminPassword must be secret");
  });

  it("makes the Docker Hub cache a proxy-cache project over the registry endpoint", function () {
    const endpoint = run.find(dyn("RegistryEndpoint"), "harbor-content-registry-dockerhub");
    const { apiCaCertificate, adminPassword, ...settings } = endpoint.inputs;
    assert.ok(apiCaCertificate && adminPassword);
    assert.deepEqual(settings, {
      apiUrl: `https://${REGISTRY}`,
      healthTimeoutSeconds: 300,
      adopt: false,
      configKey: "harbor:registries.dockerhub",
      name: "dockerhub",
      type: "docker-hub",
      url: "https://hub.docker.com",
      description: "",
      accessKey: "acme-puller",
      accessSecret: (JSON.parse(secrets.registrySecrets) as Record<string, string>).dockerhub,
    });
    assert.ok(isSecretWrapper(endpoint.rawInputs.accessSecret), "accessSecret must be secret");
    const cache = run.find(dyn("Project"), "harbor-content-project-dockerhub-cache");
    assert.equal(cache.inputs.registryId, "harbor-content-registry-dockerhub-id");
    assert.equal(cache.inputs.public, true);
    assert.equal(cache.inputs.quota, "500Gi");
  });

  it("gives LDAP groups their roles, and robots their permissions per project", function () {
    const member = run.find(
      dyn("ProjectMember"),
      "harbor-content-project-apps-group-cn-developers-ou-groups-dc-example-dc-co-0829f4fa",
    );
    assert.deepEqual(
      {
        kind: member.inputs.kind,
        name: member.inputs.name,
        role: member.inputs.role,
        projectId: member.inputs.projectId,
      },
      {
        kind: "ldapGroup",
        name: "cn=developers,ou=groups,dc=example,dc=com",
        role: "developer",
        projectId: "harbor-content-project-apps-id",
      },
    );
    const ci = run.find(dyn("Robot"), "harbor-content-robot-ci");
    assert.deepEqual(
      {
        username: ci.inputs.username,
        expiresDays: ci.inputs.expiresDays,
        rotation: ci.inputs.rotation,
        permissions: ci.inputs.permissions,
        projectIds: ci.inputs.projectIds,
      },
      {
        username: "robot$ci",
        expiresDays: 365,
        rotation: "2026-11",
        permissions: [{ project: "apps", actions: ["repository:pull", "repository:push"] }],
        projectIds: { apps: "harbor-content-project-apps-id" },
      },
    );
  });

  it("retains what the stack says: untagged leftovers deleted in apps, what nodes pull stays cached", function () {
    const all = { tags: "**", repositories: "**" };
    assert.deepEqual(
      run.find(dyn("Retention"), "harbor-content-project-apps-retention").inputs.rules,
      [
        { template: "latestPushedK", value: 20, ...all, untagged: false },
        { template: "nDaysSinceLastPush", value: 90, ...all, untagged: false },
      ],
    );
    const cache = run.find(dyn("Retention"), "harbor-content-project-dockerhub-cache-retention");
    assert.deepEqual(cache.inputs.rules, [
      { template: "nDaysSinceLastPush", value: 30, ...all, untagged: true },
      { template: "nDaysSinceLastPull", value: 14, ...all, untagged: true },
    ]);
    assert.equal(cache.inputs.takeOverDefault, true);
  });

  it("schedules garbage collection and scanning in Harbor's six-field cron", function () {
    assert.equal(run.find(dyn("GcSchedule"), "harbor-content-gc").inputs.cron, "0 0 3 * * 6");
    assert.equal(
      run.find(dyn("ScanAllSchedule"), "harbor-content-scan-all").inputs.cron,
      "0 0 4 * * *",
    );
    // An LDAP stack: Harbor's configuration is read-only through its API (CONFIG_OVERWRITE_JSON),
    // so harbor:system travels in the chart's user settings and no SystemSettings is declared.
    assert.equal(run.ofType(dyn("SystemSettings")).length, 0);
    // The release waits for the auth-mode guard, whose check refuses a mode Harbor would refuse.
    assert.ok(
      registrationOf(run.registrations, "harbor:core:HarborRelease", "harbor").dependsOn.includes(
        "harbor-auth-mode",
      ),
    );
    assert.equal(run.find(dyn("AuthModeGuard"), "harbor-auth-mode").inputs.authMode, "ldap");
    const settings = JSON.parse(
      String((harborValues(run).core as Record<string, unknown>).configureUserSettings),
    ) as Record<string, unknown>;
    assert.deepEqual(
      [settings.auth_mode, settings.project_creation_restriction, settings.robot_token_duration],
      ["ldap_auth", "adminonly", 90],
    );
  });

  it("calls Harbor only after the release: the first objects depend on it", function () {
    // `harbor` is the HarborRelease component: depending on it waits for the helm Release in it.
    registrationOf(run.registrations, "harbor:core:HarborRelease", "harbor");
    for (const [kind, name] of [
      ["RegistryEndpoint", "harbor-content-registry-dockerhub"],
      ["Project", "harbor-content-project-apps"],
      ["Robot", "harbor-content-robot-puller"],
      ["GcSchedule", "harbor-content-gc"],
    ]) {
      assert.deepEqual(
        registrationOf(run.registrations, dyn(kind), name).dependsOn,
        ["harbor"],
        name,
      );
    }
  });

  it("writes a dockerconfigjson pull Secret per namespace, secret, and patches apps' default ServiceAccount", function () {
    const robotSecret = run.find(dyn("Robot"), "harbor-content-robot-puller").state
      .secret as string;
    const apps = run.find("kubernetes:core/v1:Secret", "harbor-content-pull-apps");
    assert.deepEqual(apps.inputs, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "harbor-pull", namespace: "apps", labels: { ...PULL_SECRET_LABELS } },
      type: "kubernetes.io/dockerconfigjson",
      stringData: {
        ".dockerconfigjson": dockerConfigJson(REGISTRY, "robot$puller", robotSecret),
      },
    });
    assert.ok(isSecretWrapper(apps.rawInputs.stringData), "the pull Secret's data must be secret");
    const ci = run.find("kubernetes:core/v1:Secret", "harbor-content-pull-ci");
    const ciSecret = run.find(dyn("Robot"), "harbor-content-robot-ci").state.secret as string;
    assert.deepEqual(ci.inputs.stringData, {
      ".dockerconfigjson": dockerConfigJson(REGISTRY, "robot$ci", ciSecret),
    });
    const patch = run.find(
      "kubernetes:core/v1:ServiceAccountPatch",
      "harbor-content-pull-apps-default-sa",
    );
    assert.deepEqual(patch.inputs, {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "default", namespace: "apps" },
      imagePullSecrets: [{ name: "harbor-pull" }],
    });
    assert.equal(run.ofType("kubernetes:core/v1:ServiceAccountPatch").length, 1);
  });

  it("has every node pull docker.io through the Docker Hub cache (containerd hosts.toml)", function () {
    const files = run.find("kubernetes:core/v1:ConfigMap", "harbor-node-trust-files");
    const data = files.inputs.data as Record<string, string>;
    assert.deepEqual(Object.keys(data).sort(), ["ca.crt", "hosts.toml", "mirror-0-hosts.toml"]);
    const toml = mirrorHostsToml("docker.io", "dockerhub-cache", {
      registry: REGISTRY,
      hostsDir: "/etc/containerd/certs.d",
    });
    assert.equal(data["mirror-0-hosts.toml"], toml);
    assert.match(toml, /^server = "https:\/\/registry-1\.docker\.io"$/m);
    assert.match(toml, /^\[host\."https:\/\/registry\.example\.com\/v2\/dockerhub-cache"\]$/m);
    const daemonSet = run.find("kubernetes:apps/v1:DaemonSet", "harbor-node-trust-daemonset");
    const pod = (daemonSet.inputs.spec as { template: { spec: Record<string, unknown> } }).template
      .spec;
    const init = pod.initContainers as { name: string; env: { name: string; value: string }[] }[];
    assert.deepEqual(
      init.map((c) => c.name),
      ["install", "install-mirror-0"],
    );
    assert.deepEqual(
      init[1].env.find((e) => e.name === "HOST_DIR"),
      { name: "HOST_DIR", value: "/etc/containerd/certs.d/docker.io" },
    );
  });

  it("exports projects, robots and the robots' credentials (secret) for consumer stacks", function () {
    const secretOf = (robot: string) =>
      run.find(dyn("Robot"), `harbor-content-robot-${robot}`).state.secret as string;
    assert.deepEqual(run.outputs.projects, ["apps", "dockerhub-cache"]);
    assert.deepEqual(run.outputs.robots, {
      ci: { name: "ci", username: "robot$ci" },
      puller: { name: "puller", username: "robot$puller" },
    });
    assert.deepEqual(run.outputs.robotSecrets, { ci: secretOf("ci"), puller: secretOf("puller") });
    assert.deepEqual(run.outputs.dockerConfigJson, {
      ci: dockerConfigJson(REGISTRY, "robot$ci", secretOf("ci")),
      puller: dockerConfigJson(REGISTRY, "robot$puller", secretOf("puller")),
    });
    assert.deepEqual(run.secretOutputs, ["adminPassword", "dockerConfigJson", "robotSecrets"]);
  });
});
