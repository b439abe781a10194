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

/** What the gate records. */
export interface VersionGuardInputs {
  /** `harbor:chart.version` being deployed. */
  chartVersion: string;
  /** Harbor version that chart installs (`SUPPORTED_CHART_VERSIONS`). */
  harborVersion: string;
  /** `harbor:releaseName`. */
  releaseName: string;
  /** `harbor:namespace`. */
  namespace: string;
  /**
   * `harbor:deployMode`. With `release` the Helm release's own state is the authority on the
   * version that runs (`releaseVersionHook`) and the gate does not compare versions.
   */
  deployMode: "release" | "chart";
  /**
   * `harbor:relocateFrom` (`<namespace>/<releaseName>`), empty when unset: the place the operator
   * knowingly leaves, so a change of `releaseName` or `namespace` away from it is accepted.
   */
  relocateFrom: string;
}

/** The gate's state: its inputs and the versions recorded before the current target. */
export interface VersionGuardState extends VersionGuardInputs {
  /** Chart version recorded before the current target; empty when there was none. */
  previousChartVersion: string;
  /** Harbor version recorded before the current target; empty when there was none. */
  previousHarborVersion: string;
}

const REFUSED_BEFORE_CHANGE =
  "Harbor migrates its database forward only, so a downgrade is refused before anything changes.";

/** The refusal of a downgrade, or undefined when `news` does not lower the chart version. */
export function downgradeRefusal(
  olds: Partial<VersionGuardInputs>,
  news: Partial<VersionGuardInputs>,
): string | undefined {
  const deployed = olds.chartVersion;
  const wanted = news.chartVersion;
  if (typeof deployed !== "string" || typeof wanted !== "string" || deployed === "") return;
  if (compareVersions(wanted, deployed) >= 0) return;
  const harbor = typeof olds.harborVersion === "string" ? ` (Harbor ${olds.harborVersion})` : "";
  return (
    `harbor:chart.version ${wanted} is lower than the deployed chart version ${deployed}${harbor}: ` +
    `${REFUSED_BEFORE_CHANGE} ` +
    `Set harbor:chart.version back to ${deployed} (or higher); to run an older Harbor, install it ` +
    "anew and restore a backup that Harbor version took (docs/backups.md)."
  );
}

/** `<namespace>/<releaseName>`: where a Harbor is installed, as `harbor:relocateFrom` names it. */
export function installationPlace(namespace: string, releaseName: string): string {
  return `${namespace}/${releaseName}`;
}

/**
 * The refusal of a changed `releaseName` or `namespace`, or undefined when neither changed (or
 * the gate has no record of them yet, or `harbor:relocateFrom` names the old place). The engine
 * replaces a helm.v3.Release whose `name` or `namespace` changes (pulumi-kubernetes
 * provider/pkg/provider/helm_release.go, Diff: `forceNewFields := []string{".name", ".namespace"}`),
 * creating the new one before deleting the old: a new, empty Harbor, and the old one uninstalled.
 */
export function relocationRefusal(
  olds: Partial<VersionGuardInputs>,
  news: Partial<VersionGuardInputs>,
): { property: "releaseName" | "namespace"; reason: string } | undefined {
  const { releaseName: oldRelease, namespace: oldNamespace } = olds;
  if (typeof oldRelease !== "string" || typeof oldNamespace !== "string") return;
  if (typeof news.releaseName !== "string" || typeof news.namespace !== "string") return;
  const changed = [
    ...(news.namespace !== oldNamespace ? (["namespace"] as const) : []),
    ...(news.releaseName !== oldRelease ? (["releaseName"] as const) : []),
  ];
  if (changed.length === 0) return;
  const from = installationPlace(oldNamespace, oldRelease);
  if (news.relocateFrom === from) return;
  const to = installationPlace(news.namespace, news.releaseName);
  const keys = changed.map((k) => `harbor:${k}`).join(" and ");
  const back = changed
    .map((k) => `harbor:${k} back to ${k === "namespace" ? oldNamespace : oldRelease}`)
    .join(" and ");
  const leaves =
    news.namespace !== oldNamespace
      ? `and delete the release ${oldRelease} and the namespace ${oldNamespace} with its volume claims (unless harbor:protect keeps them)`
      : `and uninstall the release ${oldRelease}, whose database and registry volumes stay behind unused`;
  return {
    property: changed[changed.length - 1],
    reason:
      `${keys} changed (${from} -> ${to}, namespace/release): Pulumi would install a new, empty ` +
      `Harbor as ${to} ${leaves}; Harbor's data does not move with it. ` +
      `Set ${back}. To move Harbor on purpose, take a backup first, then set harbor:relocateFrom ` +
      `to ${from} and run pulumi up, and restore the backup into the new installation ` +
      "(docs/backups.md#move-harbor-to-another-namespace-or-release-name).",
  };
}

/** The dynamic provider of the gate; tests call its methods directly. */
export const versionGuardProvider: pulumi.dynamic.ResourceProvider = {
  check(olds: Partial<VersionGuardInputs>, news: VersionGuardInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const downgrade = news.deployMode === "release" ? undefined : downgradeRefusal(olds, news);
    if (downgrade) failures.push({ property: "chartVersion", reason: downgrade });
    const relocation = relocationRefusal(olds, news);
    if (relocation) failures.push(relocation);
    return Promise.resolve(failures.length > 0 ? { inputs: news, failures } : { inputs: news });
  },

  diff(_id: string, olds: VersionGuardState, news: VersionGuardInputs) {
    // `relocateFrom` is not recorded: it only matters to `check`, at the moment of a move. A key
    // of an older program version (`backup`) is no change either.
    const changed = (
      ["chartVersion", "harborVersion", "releaseName", "namespace", "deployMode"] as const
    ).filter((key) => olds[key] !== news[key]);
    // The serialized provider code is not compared: a new program version alone is no change.
    return Promise.resolve({
      changes: changed.length > 0,
      replaces: [],
      deleteBeforeReplace: false,
    });
  },

  create(inputs: VersionGuardInputs) {
    const outs: VersionGuardState = {
      ...inputs,
      previousChartVersion: "",
      previousHarborVersion: "",
    };
    return Promise.resolve({ id: "harbor-version", outs });
  },

  update(_id: string, olds: VersionGuardState, news: VersionGuardInputs) {
    // A higher target: what was recorded before it becomes the previous version. A lower one can
    // only pass when the recorded target never ran (its pre-upgrade backup failed), and anything
    // else (a move with harbor:relocateFrom) changes no version: both keep the previous version.
    const upgrade =
      typeof olds.chartVersion === "string" &&
      olds.chartVersion !== "" &&
      compareVersions(news.chartVersion, olds.chartVersion) > 0;
    const outs: VersionGuardState = {
      ...news,
      previousChartVersion: upgrade ? olds.chartVersion : (olds.previousChartVersion ?? ""),
      previousHarborVersion: upgrade ? olds.harborVersion : (olds.previousHarborVersion ?? ""),
    };
    return Promise.resolve({ outs });
  },
};

/** The dynamic resource holding the gate's state. */
class VersionRecord extends pulumi.dynamic.Resource {
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
