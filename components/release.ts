import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ChartSpec, DeployMode } from "../config/types";
import type { HarborValues } from "../lib/harbor-values";
import { installChart, type HelmInstall } from "./helm";
import { engineRegistersHooks, releaseVersionHook } from "./version-guard";
import { CHART_NAME, PART_OF_LABEL } from "../config/facts";

export interface HarborReleaseArgs {
  /** Namespace to install into (created by the program). */
  namespace: pulumi.Input<string>;
  /** Helm release name; the chart derives object names from it. */
  releaseName: string;
  /** Chart version and source. */
  chart: ChartSpec;
  /** `release`: helm.v3.Release; `chart`: helm.v4.Chart. */
  deployMode: DeployMode;
  /** The chart's values, from `buildHarborValues`. */
  values: pulumi.Input<HarborValues>;
  /**
   * ConfigMaps the chart writes a credential into (an external Redis password ends up in Redis
   * URLs): in chart mode their data is marked secret so it is encrypted in Pulumi state.
   */
  sensitiveConfigMaps?: string[];
  /** S3 access keys, stored in the Secret named by the values' `s3.existingSecret`. */
  s3Credentials?: {
    secretName: string;
    accessKey: pulumi.Input<string>;
    secretKey: pulumi.Input<string>;
  };
}

/**
 * Seconds `pulumi up` waits for Harbor to become ready: the first start migrates the database.
 * The Release's Helm timeout, and in chart mode every rendered object's await timeout.
 */
export const RELEASE_TIMEOUT_SECONDS = 900;

/** Arguments of the helm.v3.Release (pure; tests call it directly). */
export function releaseArgs(args: HarborReleaseArgs): k8s.helm.v3.ReleaseArgs {
  return {
    name: args.releaseName,
    namespace: args.namespace,
    createNamespace: false,
    ...chartSource(args.chart),
    values: args.values,
    // Harbor's database schema migrates forward only: never let Helm roll back on failure
    // (no `atomic`, no `cleanupOnFail`), and keep the history short.
    atomic: false,
    cleanupOnFail: false,
    maxHistory: 10,
    timeout: RELEASE_TIMEOUT_SECONDS,
    waitForJobs: true,
  };
}

/** Arguments of the helm.v4.Chart (pure; tests call it directly). */
export function chartArgs(args: HarborReleaseArgs): k8s.helm.v4.ChartArgs {
  return {
    name: args.releaseName,
    namespace: args.namespace,
    ...chartSource(args.chart),
    values: args.values,
  };
}

/** `chart`, `version` and `repositoryOpts`, or the local archive for air-gapped sites. */
export function chartSource(chart: ChartSpec): {
  chart: string;
  version?: string;
  repositoryOpts?: { repo: string };
} {
  if (chart.path !== undefined) return { chart: chart.path };
  return { chart: CHART_NAME, version: chart.version, repositoryOpts: { repo: chart.repository } };
}

/**
 * A transform for helm.v4.Chart's children that gives each object the release path's await
 * timeout. pulumi-kubernetes waits for a chart object as for any other (provider/pkg/await/await.go
 * `Creation`/`Update`: 10 minutes unless the resource's custom timeout, else its
 * `pulumi.com/timeoutSeconds` annotation, says otherwise; provider/pkg/metadata/overrides.go
 * `TimeoutDuration`), and helm.v4.Chart sets neither for the objects it renders
 * (provider/pkg/provider/helm/v4/chart.go). The transform sets `customTimeouts`, which the engine
 * sends with each create and update, so the objects themselves stay as the chart rendered them.
 * Components (the Chart itself) are left alone.
 */
export function chartAwaitTimeouts(seconds: number): pulumi.ResourceTransform {
  const timeout = `${seconds}s`;
  return (args) => {
    if (!args.custom) return undefined;
    return {
      props: args.props,
      opts: {
        ...args.opts,
        customTimeouts: { create: timeout, update: timeout, ...args.opts.customTimeouts },
      },
    };
  };
}

/**
 * A transform for helm.v4.Chart's children that marks the `data` of the named ConfigMaps secret
 * (pure apart from wrapping; tests call it directly).
 */
export function secretConfigMapData(names: readonly string[]): pulumi.ResourceTransform {
  return (args) => {
    const metadata = args.props.metadata as { name?: string } | undefined;
    if (
      args.type !== "kubernetes:core/v1:ConfigMap" ||
      metadata?.name === undefined ||
      !names.includes(metadata.name)
    ) {
      return undefined;
    }
    return { props: { ...args.props, data: pulumi.secret(args.props.data) }, opts: args.opts };
  };
}

/**
 * The type this component registered as before the `Harbor` component existed, at the stack's top
 * level: an alias to its old URN names both that parent and this type in ONE alias
 * (`{parent: rootStackResource, type: HARBOR_RELEASE_FORMER_TYPE}`).
 */
export const HARBOR_RELEASE_FORMER_TYPE = "harbor:core:Harbor";

/** Harbor itself: goharbor's chart with the program's values. */
export class HarborRelease extends pulumi.ComponentResource {
  /** The Helm release or chart resource. */
  public readonly resource: HelmInstall;
  /** Status of the helm.v3.Release (undefined in chart mode). */
  public readonly status?: pulumi.Output<k8s.types.output.helm.v3.ReleaseStatus>;

  constructor(name: string, args: HarborReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:core:HarborRelease", name, {}, opts);
    const dependsOn: pulumi.Resource[] = [];
    if (args.s3Credentials) {
      dependsOn.push(
        new k8s.core.v1.Secret(
          `${name}-s3`,
          {
            metadata: {
              name: args.s3Credentials.secretName,
              namespace: args.namespace,
              labels: { ...PART_OF_LABEL },
            },
            type: "Opaque",
            stringData: pulumi.secret({
              REGISTRY_STORAGE_S3_ACCESSKEY: args.s3Credentials.accessKey,
              REGISTRY_STORAGE_S3_SECRETKEY: args.s3Credentials.secretKey,
            }),
          },
          { parent: this },
        ),
      );
    }
    // Credentials inside the values make the whole values input a secret; wrap explicitly so it
    // stays one even where a provider does not mark its outputs.
    const values = pulumi.secret(args.values);
    this.resource = installChart(
      name,
      args.deployMode,
      { release: releaseArgs({ ...args, values }), chart: chartArgs({ ...args, values }) },
      {
        parent: this,
        dependsOn,
        chartTransforms: [
          chartAwaitTimeouts(RELEASE_TIMEOUT_SECONDS),
          ...(args.sensitiveConfigMaps?.length
            ? [secretConfigMapData(args.sensitiveConfigMaps)]
            : []),
        ],
        // The release refuses to go to a lower chart version than the one it reports running.
        releaseHooks: engineRegistersHooks()
          ? () => ({ beforeUpdate: [releaseVersionHook(`${name}-chart-version`)] })
          : undefined,
      },
    );
    if (this.resource instanceof k8s.helm.v3.Release) this.status = this.resource.status;
    this.registerOutputs({ status: this.status });
  }
}
