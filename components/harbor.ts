/**
 * Harbor on Kubernetes as one component: the namespace, certificates, credentials, storage, the
 * chart, and client trust, from the typed configuration `loadConfig` produces. Another Pulumi
 * program imports it like awsx's `Repository`:
 *
 *   const harbor = new Harbor("harbor", { ...args }, { providers: [cluster.provider] });
 *   export const registry = harbor.registry;
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { validateHarborArgs } from "../config/args";
import { ConfigError, forProgramAuthors, type Audience } from "../config/errors";
import { ADMIN_USERNAME, SUPPORTED_CHART_VERSIONS, chartFullname } from "../config/facts";
import { validatedStackConfig } from "../config/load";
import type { HarborArgs } from "../config/harbor-args";
import { hasRegistryContent } from "../config/registry-content";
import { userSettingsJson } from "../lib/auth";
import type { RegistryClaim } from "../lib/backup";
import {
  chartClaimNames,
  configMapsWithRedisUrls,
  harborObjectNames,
  stackImages,
  type StackImage,
} from "../lib/chart";
import { reviewableValues } from "../lib/review";
import { deriveExternalURL, registryAddress, serverSans, trustPaths } from "../lib/urls";
import {
  buildHarborValues,
  harborImages,
  podPlacement,
  podSecurityReportLevel,
  type ValuesContext,
} from "../lib/values";
import { Backup, type BackupArgs } from "./backup";
import { Certificates } from "./certificates";
import { CloudNativePgCluster, cloudNativePgClusterArgs } from "./cloudnative-pg";
import { HarborCredentials } from "./credentials";
import { HarborNamespace } from "./namespace";
import { kubernetesProvider } from "./provider";
import { NamespaceTrust } from "./namespace-trust";
import { NodeTrust, nodeTrustNamespaceName } from "./node-trust";
import { HarborAuthModeGuard } from "./harbor-resources";
import { RegistryContent, type RobotAccount } from "./registry-content";
import { HARBOR_RELEASE_FORMER_TYPE, HarborRelease } from "./release";
import { Restore } from "./restore";
import { RookBucket, rookBucketArgs } from "./rook-bucket";
import { RouteCertificateGrant } from "./route-grant";
import { HarborStorage } from "./storage";
import { VersionGuard, deployedVersionRecord } from "./version-guard";

export type { HarborArgs, JsonValue } from "../config/harbor-args";

/** Where docker and containerd look for the registry's CA. */
export type ClientTrustPaths = ReturnType<typeof trustPaths>;

/** Harbor: everything one stack declares, with the outputs consumer stacks need. */
export class Harbor extends pulumi.ComponentResource {
  /** URL of Harbor's portal and API. */
  public readonly url: pulumi.Output<string>;
  /** Host (and port) for `docker login` and image references. */
  public readonly registry: pulumi.Output<string>;
  public readonly hostname: pulumi.Output<string>;
  public readonly namespace: pulumi.Output<string>;
  public readonly releaseName: pulumi.Output<string>;
  public readonly chartVersion: pulumi.Output<string>;
  /** The StorageClass Harbor's claims use. */
  public readonly storageClassName: pulumi.Output<string>;
  /** PEM of the CA clients must trust ("" when TLS is terminated in front of Harbor). */
  public readonly caCertificate: pulumi.Output<string>;
  /** Secret serving Harbor's certificate ("" when TLS is off). */
  public readonly tlsSecretName: pulumi.Output<string>;
  public readonly adminUsername: pulumi.Output<string>;
  /** Initial admin password (a Pulumi secret). */
  public readonly adminPassword: pulumi.Output<string>;
  /** Where docker and containerd look for this registry's CA. */
  public readonly clientTrustPaths: pulumi.Output<ClientTrustPaths>;
  /**
   * Harbor's chart values with every credential shown as "(secret)": the Release's own `values`
   * are one secret, so this is where `pulumi preview` shows what changes in them.
   */
  public readonly chartValues: pulumi.Output<Record<string, unknown>>;
  /** Every image the stack runs; an air-gapped site copies each `source` to its `mirror` first. */
  public readonly images: pulumi.Output<StackImage[]>;
  /** Names of the projects the stack manages (`harbor:projects`). */
  public readonly projects: pulumi.Output<string[]>;
  /** Robot accounts the stack manages, by name: `{name, username}` (`harbor:robots`). */
  public readonly robots: pulumi.Output<Record<string, RobotAccount>>;
  /** Each robot's secret, by robot name (a Pulumi secret). */
  public readonly robotSecrets: pulumi.Output<Record<string, string>>;
  /** A `.dockerconfigjson` per robot for this registry, by robot name (a Pulumi secret). */
  public readonly dockerConfigJson: pulumi.Output<Record<string, string>>;
  /** Status of the Helm release (deployMode `release`); undefined in chart mode. */
  public readonly releaseStatus: pulumi.Output<k8s.types.output.helm.v3.ReleaseStatus | undefined>;

  /** The chart install (Release or Chart) everything that talks to Harbor waits for. */
  public readonly release: HarborRelease;

  /**
   * @param name The component's name; its children are named `<name>-<role>`.
   * @param harborArgs Harbor's settings, validated here with the stack configuration's rules: a
   *   problem throws `ConfigError` naming `args.<key>` before anything is registered; a secret
   *   Output's content is checked once its value is known.
   * @param opts Resource options. The cluster is the Kubernetes provider in `provider`/`providers`
   *   (or the default provider), unless `harborArgs.kubernetes` builds one.
   */
  constructor(name: string, harborArgs: HarborArgs, opts?: pulumi.ComponentResourceOptions) {
    const args = validateHarborArgs(name, harborArgs);
    super("harbor:index:Harbor", name, {}, opts);
    // Warnings name `harbor:` keys for a stack's operator, `args.` for a program's author.
    const audience: Audience = validatedStackConfig(harborArgs) ? "stack" : "program";
    for (const warning of args.warnings) {
      void pulumi.log.warn(audience === "program" ? forProgramAuthors(warning) : warning, this);
    }
    // `args.kubernetes` builds the provider every child uses; given as well as a provider in the
    // resource options, which cluster is meant is ambiguous: refused.
    let provider: pulumi.ProviderResource | undefined;
    if (harborArgs.kubernetes !== undefined) {
      if (this.getProvider("kubernetes::Provider") !== undefined) {
        throw new ConfigError(
          [
            "args.kubernetes cannot be combined with a Kubernetes provider in the resource options (provider, providers, or one inherited from a parent): give the cluster in one place",
          ],
          `Harbor ${JSON.stringify(name)}`,
        );
      }
      provider = kubernetesProvider(`${name}-kubernetes`, args.kubernetes, {}, { parent: this });
    }
    /** Options of a direct child: this component as parent, and the provider args built. */
    const parent = { parent: this, ...(provider ? { providers: [provider] } : {}) };
    const names = harborObjectNames(args.releaseName);
    const registry = registryAddress(args);
    const harborVersion = SUPPORTED_CHART_VERSIONS[args.chart.version];
    const placement = podPlacement(args);

    // Backups: where the registry's files are, and what the pre-upgrade backup Job will be.
    const registryClaim: RegistryClaim | undefined = args.backup?.registry
      ? {
          name: args.storage.existingClaims.registry ?? chartClaimNames(args.releaseName).registry,
          readWriteOnce: args.storage.accessMode === "ReadWriteOnce",
        }
      : undefined;
    const backupArgs: Omit<BackupArgs, "previous"> | undefined = args.backup && {
      namespace: args.namespace,
      releaseName: args.releaseName,
      spec: args.backup,
      chartVersion: args.chart.version,
      harborVersion,
      registryClaim,
      placement,
      imageRegistry: args.imageRegistry,
      protect: args.protect,
    };

    // Refuses a lower chart version or an accidental move before anything else changes: every
    // child waits for it.
    const guard = new VersionGuard(
      `${name}-upgrade`,
      {
        chartVersion: args.chart.version,
        harborVersion,
        releaseName: args.releaseName,
        namespace: args.namespace,
        deployMode: args.deployMode,
        relocateFrom: args.relocateFrom,
      },
      parent,
    );
    // Before this component existed its children were registered at the stack's top level. Each
    // alias is one alternative URN; fields it leaves out are the child's own (the engine's
    // step_generator.go collapseAliasToUrn), and the children's children follow their parent.
    const child = (extra?: pulumi.CustomResourceOptions): pulumi.ComponentResourceOptions => ({
      ...parent,
      aliases: [{ parent: pulumi.rootStackResource }],
      ...extra,
      dependsOn: [guard, ...((extra?.dependsOn as pulumi.Resource[] | undefined) ?? [])],
    });

    const harborNamespace = new HarborNamespace(
      name,
      {
        name: args.namespace,
        protect: args.protect,
        podSecurityReport: podSecurityReportLevel(args),
      },
      child(),
    );
    const inNamespace = child({ dependsOn: [harborNamespace] });

    const certificates =
      args.tls.mode === "disabled"
        ? undefined
        : new Certificates(
            name,
            {
              namespace: harborNamespace.name,
              secretName: names.tlsSecret,
              tls: args.tls,
              commonName: args.hostname,
              sans: serverSans(args),
              caCommonName: `Harbor CA (${pulumi.getStack()}/${args.namespace})`,
              protect: args.protect,
              audience,
            },
            inNamespace,
          );

    const credentials = new HarborCredentials(
      name,
      { adminPassword: args.adminPassword, protect: args.protect },
      child(),
    );

    const storage = new HarborStorage(
      name,
      {
        storage: args.storage,
        namespace: args.namespace,
        deployMode: args.deployMode,
        imageRegistry: args.imageRegistry,
        protect: args.protect,
      },
      child(),
    );

    // High-availability back ends Harbor waits for: the database Cluster until it is Ready, the
    // bucket claim until it is Bound.
    const clusterArgs = cloudNativePgClusterArgs(args, harborNamespace.name);
    const database =
      clusterArgs &&
      new CloudNativePgCluster(`${name}-database`, clusterArgs, {
        ...parent,
        dependsOn: [guard, harborNamespace, storage],
      });
    const bucketArgs = rookBucketArgs(args, harborNamespace.name);
    const bucket =
      bucketArgs &&
      new RookBucket(`${name}-bucket`, bucketArgs, {
        ...parent,
        dependsOn: [guard, harborNamespace],
      });
    const backup =
      backupArgs &&
      new Backup(
        `${name}-backup`,
        {
          ...backupArgs,
          previous: {
            chartVersion: guard.previousChartVersion,
            harborVersion: guard.previousHarborVersion,
          },
        },
        { ...parent, dependsOn: [guard, harborNamespace, storage] },
      );

    // Refuses, in every preview, an auth.mode change Harbor would refuse once users exist.
    const authGuard = new HarborAuthModeGuard(
      `${name}-auth-mode`,
      {
        apiUrl: args.content.api.url ?? deriveExternalURL(args),
        apiCaCertificate: certificates ? certificates.caCertificate : "",
        adminPassword: pulumi.secret(credentials.adminPassword),
        healthTimeoutSeconds: args.content.api.healthTimeoutSeconds,
        authMode: args.auth.mode,
      },
      { parent: this, dependsOn: [guard] },
    );

    const s3Credentials =
      args.objectStorage?.type === "s3" ? args.objectStorage.credentials : undefined;
    const valuesContext: ValuesContext = {
      tlsSecretName: certificates ? names.tlsSecret : undefined,
      tlsCertificateSha256: certificates?.certificateSha256,
      credentials: credentials.values,
      storageClassName: args.storage.className,
      s3SecretName: s3Credentials ? names.s3Secret : undefined,
      userSettings: userSettingsJson(args.auth, args.content.system),
    };

    this.release = new HarborRelease(
      name,
      {
        namespace: harborNamespace.name,
        releaseName: args.releaseName,
        chart: args.chart,
        deployMode: args.deployMode,
        values: buildHarborValues(args, valuesContext),
        s3Credentials: s3Credentials && { secretName: names.s3Secret, ...s3Credentials },
        sensitiveConfigMaps:
          args.redis.type === "external" && args.redis.password
            ? configMapsWithRedisUrls(args.releaseName)
            : [],
      },
      child({
        // Its old URN differs in parent and type at once: one alias naming both.
        aliases: [{ parent: pulumi.rootStackResource, type: HARBOR_RELEASE_FORMER_TYPE }],
        dependsOn: [
          harborNamespace,
          storage,
          ...(certificates ? [certificates] : []),
          ...(database ? [database] : []),
          ...(bucket ? [bucket] : []),
          // An upgrade waits for its backup.
          ...(backup?.preUpgrade ? [backup.preUpgrade] : []),
          authGuard,
        ],
      }),
    );

    // What now runs, for the next pre-upgrade backup: written only once the release succeeded.
    if (backup?.preUpgrade && args.backup?.engine === "job") {
      deployedVersionRecord(
        `${name}-upgrade-deployed`,
        {
          namespace: harborNamespace.name,
          configMapName: backup.names.deployedVersion,
          chartVersion: args.chart.version,
          harborVersion,
          releaseName: args.releaseName,
        },
        { parent: this, dependsOn: [this.release] },
      );
    }

    if (args.restore && backup && args.backup?.engine === "job") {
      new Restore(
        `${name}-restore`,
        {
          namespace: args.namespace,
          releaseName: args.releaseName,
          spec: args.backup,
          from: args.restore.from,
          harborVersion,
          registryClaim,
          writers: {
            core: args.replicas.core,
            jobservice: args.replicas.jobservice,
            registry: args.replicas.registry,
            ...(args.metrics.enabled ? { exporter: 1 } : {}),
          },
          placement,
          imageRegistry: args.imageRegistry,
        },
        { ...parent, dependsOn: [this.release, backup] },
      );
    }

    if (certificates && args.expose.type === "route") {
      const gatewayNamespaces = args.expose.route.parentRefs
        .map((ref) => ref.namespace)
        .filter((ns): ns is string => ns !== undefined && ns !== args.namespace);
      if (gatewayNamespaces.length > 0) {
        new RouteCertificateGrant(
          name,
          { namespace: harborNamespace.name, secretName: names.tlsSecret, gatewayNamespaces },
          inNamespace,
        );
      }
    }

    // Client trust: the CA on every node (opt-in DaemonSet) and in the namespaces that call Harbor.
    const nodeTrust =
      certificates && args.trust.nodes.enabled
        ? new NodeTrust(
            `${name}-node-trust`,
            {
              namespace: nodeTrustNamespaceName(args.namespace),
              registry,
              caCertificate: certificates.caCertificate,
              runtime: args.trust.nodes.runtime,
              hostsDir: args.trust.nodes.hostsDir,
              image: args.trust.nodes.image,
              imageRegistry: args.imageRegistry,
              mirrors: args.content.mirrors,
            },
            child(),
          )
        : undefined;
    if (certificates && args.trust.namespaces.length > 0) {
      new NamespaceTrust(
        `${name}-trust`,
        {
          namespaces: args.trust.namespaces,
          caCertificate: certificates.caCertificate,
          configMapName: `${chartFullname(args.releaseName)}-ca`,
        },
        child(),
      );
    }

    // Registry content through Harbor's API, once the release is ready.
    const url = deriveExternalURL(args);
    const content = hasRegistryContent(args.content)
      ? new RegistryContent(
          `${name}-content`,
          {
            content: args.content,
            authMode: args.auth.mode,
            apiUrl: args.content.api.url ?? url,
            caCertificate: certificates ? certificates.caCertificate : "",
            adminPassword: credentials.adminPassword,
            registry,
            releaseName: args.releaseName,
            dependsOn: [this.release],
          },
          { ...parent, dependsOn: [guard] },
        )
      : undefined;

    this.url = pulumi.output(url);
    this.registry = pulumi.output(registry);
    this.hostname = pulumi.output(args.hostname);
    this.namespace = pulumi.output(args.namespace);
    this.releaseName = pulumi.output(args.releaseName);
    this.chartVersion = pulumi.output(args.chart.version);
    this.storageClassName = storage.className;
    this.caCertificate = certificates ? certificates.caCertificate : pulumi.output("");
    this.tlsSecretName = certificates ? certificates.secretName : pulumi.output("");
    this.adminUsername = pulumi.output(ADMIN_USERNAME);
    this.adminPassword = pulumi.secret(credentials.adminPassword);
    this.clientTrustPaths = pulumi.output(trustPaths(args, args.trust.nodes));
    this.chartValues = pulumi.output(reviewableValues(args, valuesContext)) as pulumi.Output<
      Record<string, unknown>
    >;
    this.images = pulumi.output(
      stackImages(
        [
          ...harborImages(args),
          ...storage.images,
          ...(nodeTrust?.images ?? []),
          ...(backup?.images ?? []),
        ],
        args.imageRegistry,
      ),
    );
    this.releaseStatus = pulumi.output(this.release.status);
    this.projects = pulumi.output(content?.projects ?? []);
    this.robots = pulumi.output(content?.robots ?? {});
    this.robotSecrets = pulumi.secret(content ? content.robotSecrets : {});
    this.dockerConfigJson = pulumi.secret(content ? content.dockerConfigJson : {});

    this.registerOutputs({
      url: this.url,
      registry: this.registry,
      hostname: this.hostname,
      namespace: this.namespace,
      releaseName: this.releaseName,
      chartVersion: this.chartVersion,
      storageClassName: this.storageClassName,
      caCertificate: this.caCertificate,
      tlsSecretName: this.tlsSecretName,
      adminUsername: this.adminUsername,
      adminPassword: this.adminPassword,
      clientTrustPaths: this.clientTrustPaths,
      chartValues: this.chartValues,
      images: this.images,
      releaseStatus: this.releaseStatus,
      projects: this.projects,
      robots: this.robots,
      robotSecrets: this.robotSecrets,
      dockerConfigJson: this.dockerConfigJson,
    });
  }
}
