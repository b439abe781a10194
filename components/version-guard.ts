/**
 * The upgrade guard. Harbor migrates its database forward only, and a Helm release under a new
 * name or namespace is a new, empty Harbor; three checks keep a `pulumi up` from doing either by
 * mistake, and one record tells the pre-upgrade backup what really runs:
 *
 * 1. The gate, a small dynamic resource every other resource waits for. Its `check` runs in every
 *    preview and update before anything changes and refuses a changed `harbor:releaseName` or
 *    `harbor:namespace` unless `harbor:relocateFrom` names the old place. In chart mode (no Helm
 *    release to ask) it also refuses a `harbor:chart.version` lower than the one the last
 *    `pulumi up` set out to deploy.
 * 2. The release's own check (deployMode `release`): a resource hook on the helm.v3.Release
 *    (`releaseVersionHook`) that compares the chart version about to be deployed with the one the
 *    release's state says runs (`status.version`, which `pulumi refresh` and `pulumi import` read
 *    from the cluster, and which a failed upgrade leaves at the version it tried). The engine runs
 *    it right before the release's update, in previews too, with `--target` and with
 *    `--skip-preview`. What the stack merely asked for before counts for nothing here: after a
 *    pre-upgrade backup failed, the release never started, and a lower target is still fine.
 * 3. The deployed record (`deployedVersionRecord`), a ConfigMap beside Harbor written only after
 *    the release has succeeded. The pre-upgrade backup Job reads it when it starts: it backs up
 *    the Harbor that runs, whatever the stack's state says, and a failed upgrade leaves it alone.
 *
 * The gate also tells the pre-upgrade backup what the stack recorded before this target
 * (`previousChartVersion`), which the Job uses only where the cluster has no record yet.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_RELEASE_NAME, PART_OF_LABEL, compareVersions } from "../config/facts";
import {
  REFUSED_BEFORE_CHANGE,
  type VersionGuardInputs,
  versionGuardProvider,
} from "../lib/version-guard";
import { DynamicResource } from "./dynamic-resource";

export {
  REFUSED_BEFORE_CHANGE,
  downgradeRefusal,
  installationPlace,
  relocationRefusal,
  versionGuardProvider,
  type VersionGuardInputs,
  type VersionGuardState,
} from "../lib/version-guard";

/** The dynamic resource holding the gate's state. */
class VersionRecord extends DynamicResource {
  // `declare`: the base constructor sets these outputs; a class field would reset them.
  declare public readonly chartVersion: pulumi.Output<string>;
  declare public readonly previousChartVersion: pulumi.Output<string>;
  declare public readonly previousHarborVersion: pulumi.Output<string>;

  constructor(name: string, inputs: VersionGuardInputs, opts?: pulumi.CustomResourceOptions) {
    super(
      versionGuardProvider,
      name,
      { ...inputs, previousChartVersion: undefined, previousHarborVersion: undefined },
      opts,
    );
  }
}

export interface VersionGuardArgs {
  chartVersion: string;
  harborVersion: string;
  releaseName: string;
  namespace: string;
  deployMode: "release" | "chart";
  /** `harbor:relocateFrom`. */
  relocateFrom?: string;
}

/**
 * Refuses a chart downgrade and an accidental move before anything changes. Make every other
 * resource depend on it (the Helm release at least) so that, even with `--skip-preview`, nothing
 * is touched first.
 */
export class VersionGuard extends pulumi.ComponentResource {
  /** The chart version the gate recorded. */
  public readonly chartVersion: pulumi.Output<string>;
  /** Chart version recorded before the current target (empty on a first installation). */
  public readonly previousChartVersion: pulumi.Output<string>;
  /** Harbor version recorded before the current target (empty on a first installation). */
  public readonly previousHarborVersion: pulumi.Output<string>;
  /** The resource to depend on. */
  public readonly record: pulumi.CustomResource;

  constructor(name: string, args: VersionGuardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:upgrade:VersionGuard", name, {}, opts);
    const record = new VersionRecord(
      `${name}-version`,
      {
        chartVersion: args.chartVersion,
        harborVersion: args.harborVersion,
        releaseName: args.releaseName,
        namespace: args.namespace,
        deployMode: args.deployMode,
        relocateFrom: args.relocateFrom ?? "",
      },
      { parent: this },
    );
    this.record = record;
    this.chartVersion = record.chartVersion;
    this.previousChartVersion = record.previousChartVersion;
    this.previousHarborVersion = record.previousHarborVersion;
    this.registerOutputs({
      chartVersion: this.chartVersion,
      previousChartVersion: this.previousChartVersion,
      previousHarborVersion: this.previousHarborVersion,
    });
  }
}

/** What a resource hook on the helm.v3.Release sees of it (`pulumi.ResourceHookArgs`). */
export interface ReleaseHookView {
  oldOutputs?: Record<string, unknown>;
  newInputs?: Record<string, unknown>;
}

const text = (v: unknown): string | undefined =>
  typeof v === "string" && v !== "" ? v : undefined;

/**
 * The refusal of a release update that would lower the chart version the release runs, or
 * undefined. What runs is the release's `status.version` (pulumi-kubernetes
 * provider/pkg/provider/helm_release.go, `setReleaseAttributes`: `Status.Version =
 * r.Chart.Metadata.Version`, set by create, update, and by Read on refresh and import), else its
 * output `version`; what is wanted is the checked input `version` (Check resolves it to the
 * chart's own version, also for a local chart path).
 */
export function releaseDowngradeRefusal(view: ReleaseHookView): string | undefined {
  const status = (view.oldOutputs?.status ?? {}) as Record<string, unknown>;
  const running = text(status.version) ?? text(view.oldOutputs?.version);
  const wanted = text(view.newInputs?.version);
  if (running === undefined || wanted === undefined) return;
  if (compareVersions(wanted, running) >= 0) return;
  const name = text(status.name) ?? text(view.oldOutputs?.name) ?? DEFAULT_RELEASE_NAME;
  const app = text(status.appVersion);
  return (
    `harbor:chart.version ${wanted} is lower than the chart version the Helm release ${name} runs ` +
    `(${running}${app ? `, Harbor ${app}` : ""}, as the release reports it): ` +
    `${REFUSED_BEFORE_CHANGE} Set harbor:chart.version to ${running} (or higher).`
  );
}

/**
 * The release's own downgrade check as a resource hook: `beforeUpdate`, also in previews
 * (`onDryRun`). The engine runs before-update hooks with the old outputs and the new inputs right
 * before it calls the provider (pulumi/pulumi pkg/resource/deploy/step.go, `UpdateStep.Apply`:
 * `RunHooks(... resource.BeforeUpdate ...)`), and an error there fails the step, so the release
 * is not changed. Create the hook inside the program (it registers with the engine).
 */
export function releaseVersionHook(name: string): pulumi.ResourceHook {
  return new pulumi.ResourceHook(
    name,
    (args) => {
      const reason = releaseDowngradeRefusal(args);
      if (reason) throw new Error(reason);
    },
    { onDryRun: true },
  );
}

/**
 * Whether the engine the program talks to can register resource hooks. Pulumi's mock monitor
 * (@pulumi/pulumi runtime/mocks.js, `MockMonitor`) advertises resource hooks but has no
 * `registerResourceHook`, so under a program's own `pulumi.runtime.setMocks` binding the hook
 * fails the release's registration (runtime/callbacks.ts `registerResourceHook` rejects) and the
 * release is never declared. Mocks run no steps, so no hook would run there anyway.
 */
export function engineRegistersHooks(): boolean {
  const monitor = pulumi.runtime.getMonitor() as unknown as Record<string, unknown> | undefined;
  return monitor === undefined || typeof monitor.registerResourceHook === "function";
}

export interface DeployedVersionArgs {
  /** Harbor's namespace. */
  namespace: pulumi.Input<string>;
  /** The ConfigMap's name (`BackupNames.deployedVersion`). */
  configMapName: string;
  chartVersion: string;
  harborVersion: string;
  releaseName: string;
}

/**
 * The deployed record: a ConfigMap with the chart and Harbor version that run. Give it
 * `dependsOn` the release: the engine registers it only after the release's update succeeded,
 * so a failed upgrade leaves the record at the version that still runs.
 */
export function deployedVersionRecord(
  name: string,
  args: DeployedVersionArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.ConfigMap {
  return new k8s.core.v1.ConfigMap(
    name,
    {
      metadata: {
        name: args.configMapName,
        namespace: args.namespace,
        labels: {
          "app.kubernetes.io/name": "harbor-deployed-version",
          ...PART_OF_LABEL,
          "app.kubernetes.io/managed-by": "pulumi",
        },
      },
      data: {
        chartVersion: args.chartVersion,
        harborVersion: args.harborVersion,
        releaseName: args.releaseName,
      },
    },
    opts,
  );
}
