/**
 * Registry content as code (`harbor:registries`, `projects`, `robots`, `pullSecrets`,
 * `replications`, `gc`, `scanAll`, `system`): every Harbor object the stack declares, applied
 * through Harbor's API by dynamic resources, and the `kubernetes.io/dockerconfigjson` pull Secrets
 * consumer namespaces pull with.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { RegistryContentSettings } from "../config/registry-content";
import type { RegistrySecret } from "../config/facts";
import {
  configKey,
  dockerConfigJson,
  memberSpecs,
  nameSlug,
  PULL_SECRET_LABELS,
  pullSecretName,
  registryAccessKey,
  registryAccessSecret,
  registryUrl,
  replicationTrigger,
  retentionRules,
  robotPermissions,
  robotUsername,
  type RobotAccount,
} from "../lib/registry-content";
import {
  HarborGcSchedule,
  HarborImmutableTagRule,
  HarborProject,
  HarborProjectMember,
  HarborRegistryEndpoint,
  HarborReplication,
  HarborRetention,
  HarborRobot,
  HarborScanAllSchedule,
  HarborSystemSettings,
} from "./harbor-resources";

/**
 * The registry-content keys as the component takes them: parsed (`RegistryContentConfig`), with
 * `registrySecrets` plain or already a Pulumi secret.
 */
export type RegistryContentSpec = Omit<RegistryContentSettings, "registrySecrets"> & {
  /**
   * `harbor:registrySecrets`: registry name -> secret, a password or token (Quay: its JSON
   * document); wrapped as a secret here.
   */
  registrySecrets?: pulumi.Input<Record<string, RegistrySecret>>;
};

export interface RegistryContentArgs {
  /** The registry-content keys. */
  content: RegistryContentSpec;
  /** `harbor:auth.mode`: a group member is an LDAP DN (ldap) or an OIDC group (oidc). */
  authMode: "database" | "ldap" | "oidc";
  /** URL of Harbor's API: `harbor:api.url`, default the stack's URL. */
  apiUrl: string;
  /** PEM of the stack's CA, the only trust anchor for the API; "" when TLS ends in front of Harbor. */
  caCertificate: pulumi.Input<string>;
  /** The admin password (wrapped as a secret here). */
  adminPassword: pulumi.Input<string>;
  /** Harbor's address in image references, `host[:port]`: the pull Secrets' registry. */
  registry: string;
  /** Helm release name: the pull Secrets are named `<release>-pull`. */
  releaseName: string;
  /** What Harbor's API needs up first (the release): the objects wait for it. */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export type { RobotAccount };

/** Harbor's projects, members, robots, rules and schedules, and the consumers' pull Secrets. */
export class RegistryContent extends pulumi.ComponentResource {
  /** Names of the projects the stack manages. */
  public readonly projects: string[];
  /** Robot accounts by name. */
  public readonly robots: Record<string, RobotAccount>;
  /** Robot secrets by robot name (a secret). */
  public readonly robotSecrets: pulumi.Output<Record<string, string>>;
  /** A `.dockerconfigjson` per robot, for Harbor's registry address (a secret). */
  public readonly dockerConfigJson: pulumi.Output<Record<string, string>>;
  /** The project resources, by name. */
  public readonly projectResources: Record<string, HarborProject>;
  /** The robot resources, by name. */
  public readonly robotResources: Record<string, HarborRobot>;
  /** The pull Secrets, by namespace. */
  public readonly pullSecrets: Record<string, k8s.core.v1.Secret>;

  constructor(name: string, args: RegistryContentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:content:RegistryContent", name, {}, opts);
    const c = args.content;
    const connection = {
      apiUrl: args.apiUrl,
      apiCaCertificate: args.caCertificate,
      adminPassword: pulumi.secret(args.adminPassword),
      healthTimeoutSeconds: c.api.healthTimeoutSeconds,
    };
    const root: pulumi.CustomResourceOptions = { parent: this, dependsOn: args.dependsOn };
    const child: pulumi.CustomResourceOptions = { parent: this };

    const registrySecrets = pulumi.secret(pulumi.output(c.registrySecrets ?? {}));
    const registries: Record<string, HarborRegistryEndpoint> = {};
    for (const [key, r] of Object.entries(c.registries)) {
      const secret = registrySecrets.apply((s) => registryAccessSecret(s[key]));
      registries[key] = new HarborRegistryEndpoint(
        `${name}-registry-${key}`,
        {
          ...connection,
          adopt: r.import,
          configKey: configKey("registries", key),
          name: key,
          type: r.type,
          url: registryUrl(r),
          description: r.description,
          accessKey: registryAccessKey(r),
          accessSecret: pulumi.secret(secret),
        },
        root,
      );
    }

    this.projectResources = {};
    for (const [key, p] of Object.entries(c.projects)) {
      const registry = p.proxyCache !== undefined ? registries[p.proxyCache] : undefined;
      const project = new HarborProject(
        `${name}-project-${key}`,
        {
          ...connection,
          adopt: p.import,
          configKey: configKey("projects", key),
          name: key,
          public: p.public,
          ...(p.quota !== undefined ? { quota: p.quota } : {}),
          autoScan: p.autoScan,
          preventVulnerable: p.preventVulnerable?.severity ?? "off",
          registryId: registry ? registry.id : "",
        },
        root,
      );
      this.projectResources[key] = project;

      for (const member of memberSpecs(p.members, args.authMode)) {
        new HarborProjectMember(
          `${name}-project-${key}-${member.resourceName}`,
          {
            ...connection,
            adopt: p.import,
            configKey: configKey(
              "projects",
              key,
              "members",
              member.kind === "user" ? "users" : "groups",
              member.key,
            ),
            projectId: project.id,
            projectName: key,
            kind: member.kind,
            name: member.name,
            role: member.role,
          },
          member.formerResourceName
            ? {
                ...child,
                aliases: [{ name: `${name}-project-${key}-${member.formerResourceName}` }],
              }
            : child,
        );
      }
      if (p.retention) {
        new HarborRetention(
          `${name}-project-${key}-retention`,
          {
            ...connection,
            adopt: p.retention.import,
            configKey: configKey("projects", key, "retention"),
            projectId: project.id,
            projectName: key,
            rules: retentionRules(p.retention, p.proxyCache !== undefined),
            cron: p.retention.schedule,
            takeOverDefault: p.proxyCache !== undefined,
          },
          child,
        );
      }
      p.immutableTags.forEach((rule, index) => {
        new HarborImmutableTagRule(
          `${name}-project-${key}-immutable-${nameSlug(`${rule.repositories}:${rule.tags}`)}`,
          {
            ...connection,
            adopt: p.import,
            configKey: `${configKey("projects", key, "immutableTags")}[${index}]`,
            projectId: project.id,
            projectName: key,
            tags: rule.tags,
            repositories: rule.repositories,
          },
          child,
        );
      });
    }

    this.robotResources = {};
    this.robots = {};
    for (const [key, r] of Object.entries(c.robots)) {
      const permissions = robotPermissions(r);
      const ids: Record<string, pulumi.Output<string>> = {};
      for (const p of permissions) {
        const project = this.projectResources[p.project];
        if (project) ids[p.project] = project.id;
      }
      const projectIds = pulumi.output(ids);
      const username = robotUsername(key);
      this.robotResources[key] = new HarborRobot(
        `${name}-robot-${key}`,
        {
          ...connection,
          adopt: r.import,
          configKey: configKey("robots", key),
          name: key,
          username,
          description: r.description,
          expiresDays: r.expiresDays,
          permissions,
          projectIds,
          rotation: r.rotation,
        },
        root,
      );
      this.robots[key] = { name: key, username };
    }

    for (const [key, r] of Object.entries(c.replications)) {
      const destination = r.destinationNamespace
        ? this.projectResources[r.destinationNamespace]
        : undefined;
      new HarborReplication(
        `${name}-replication-${key}`,
        {
          ...connection,
          adopt: r.import,
          configKey: configKey("replications", key),
          name: key,
          description: r.description,
          direction: r.direction,
          registryId: registries[r.registry].id,
          nameFilter: r.filters.name ?? "",
          tagFilter: r.filters.tag ?? "",
          resourceFilter: r.filters.resource ?? "",
          destinationNamespace: r.destinationNamespace ?? "",
          trigger: replicationTrigger(r),
          cron: r.schedule ?? "",
          override: r.override,
          deletion: r.deletion,
          enabled: r.enabled,
        },
        destination ? { ...child, dependsOn: [destination] } : child,
      );
    }

    if (c.gc) {
      new HarborGcSchedule(
        `${name}-gc`,
        {
          ...connection,
          adopt: c.gc.import,
          configKey: configKey("gc"),
          cron: c.gc.schedule,
          deleteUntagged: c.gc.deleteUntagged,
          workers: c.gc.workers,
        },
        root,
      );
    }
    if (c.scanAll) {
      new HarborScanAllSchedule(
        `${name}-scan-all`,
        {
          ...connection,
          adopt: c.scanAll.import,
          configKey: configKey("scanAll"),
          cron: c.scanAll.schedule,
        },
        root,
      );
    }
    // Under LDAP or OIDC authentication Harbor's configuration is read-only through its API
    // (CONFIG_OVERWRITE_JSON): the Harbor component passes `system` in that document instead.
    if (c.system && args.authMode === "database") {
      new HarborSystemSettings(
        `${name}-system`,
        {
          ...connection,
          configKey: configKey("system"),
          ...(c.system.projectCreation !== undefined
            ? { projectCreationRestriction: c.system.projectCreation }
            : {}),
          ...(c.system.robotTokenDays !== undefined
            ? { robotTokenDays: c.system.robotTokenDays }
            : {}),
        },
        root,
      );
    }

    // Secrets consumers pull with. Wrapped explicitly: a provider's secret marking is not applied
    // everywhere (mocks, older engines), and these must never be plain in state or outputs.
    const secrets: Record<string, pulumi.Output<string>> = {};
    const configs: Record<string, pulumi.Output<string>> = {};
    for (const [key, robot] of Object.entries(this.robotResources)) {
      secrets[key] = pulumi.secret(robot.secret);
      configs[key] = pulumi
        .secret(robot.secret)
        .apply((s) => dockerConfigJson(args.registry, robotUsername(key), s));
    }
    this.robotSecrets = pulumi.secret(pulumi.output(secrets));
    this.dockerConfigJson = pulumi.secret(pulumi.output(configs));

    this.pullSecrets = {};
    const secretName = pullSecretName(args.releaseName);
    for (const [namespace, s] of Object.entries(c.pullSecrets)) {
      const secret = new k8s.core.v1.Secret(
        `${name}-pull-${namespace}`,
        {
          metadata: { name: secretName, namespace, labels: { ...PULL_SECRET_LABELS } },
          type: "kubernetes.io/dockerconfigjson",
          stringData: pulumi.secret({ ".dockerconfigjson": configs[s.robot] }),
        },
        child,
      );
      this.pullSecrets[namespace] = secret;
      if (s.serviceAccount) {
        new k8s.core.v1.ServiceAccountPatch(
          `${name}-pull-${namespace}-default-sa`,
          {
            metadata: { name: "default", namespace },
            imagePullSecrets: [{ name: secretName }],
          },
          { ...child, dependsOn: [secret] },
        );
      }
    }

    this.projects = Object.keys(c.projects);
    this.registerOutputs({
      projects: this.projects,
      robots: this.robots,
      robotSecrets: this.robotSecrets,
      dockerConfigJson: this.dockerConfigJson,
    });
  }
}
