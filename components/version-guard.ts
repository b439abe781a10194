/**
 * The downgrade guard: a small dynamic resource that remembers, in Pulumi's state, the chart
 * version the stack last deployed. Its `check` runs in every preview and update before any
 * resource changes and refuses a lower `harbor:chart.version`: Harbor migrates its database
 * forward only, so an older Harbor cannot run on data a newer one has touched.
 *
 * It also tells the pre-upgrade backup what was deployed before this update
 * (`previousChartVersion`): empty on a first installation, the old version on an upgrade, and the
 * current version when only the pre-upgrade Job itself changed (so the re-created Job finds no
 * upgrade to back up, instead of labelling today's data with an old version).
 */
import * as pulumi from "@pulumi/pulumi";
import { compareVersions } from "../lib/chart";

/** What the guard records. */
export interface VersionGuardInputs {
  /** `harbor:chart.version` being deployed. */
  chartVersion: string;
  /** Harbor version that chart installs (`SUPPORTED_CHART_VERSIONS`). */
  harborVersion: string;
  /**
   * Fingerprint of the pre-upgrade backup Job (`preUpgradeFingerprint`), empty without one: when
   * it changes, the Job is created anew and the deployed version is recorded as the previous one.
   */
  backup: string;
}

/** The guard's state: its inputs and the versions deployed before the last change. */
export interface VersionGuardState extends VersionGuardInputs {
  /** Chart version deployed before the last change; empty when there was none. */
  previousChartVersion: string;
  /** Harbor version deployed before the last change; empty when there was none. */
  previousHarborVersion: string;
}

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
    "Harbor migrates its database forward only, so a downgrade is refused before anything changes. " +
    `Set harbor:chart.version back to ${deployed} (or higher); to run an older Harbor, install it ` +
    "anew and restore a backup that Harbor version took (docs/backups.md)."
  );
}

/** The dynamic provider; tests call its methods directly. */
export const versionGuardProvider: pulumi.dynamic.ResourceProvider = {
  check(olds: Partial<VersionGuardInputs>, news: VersionGuardInputs) {
    const reason = downgradeRefusal(olds, news);
    return Promise.resolve(
      reason
        ? { inputs: news, failures: [{ property: "chartVersion", reason }] }
        : { inputs: news },
    );
  },

  diff(_id: string, olds: VersionGuardState, news: VersionGuardInputs) {
    const changed = (["chartVersion", "harborVersion", "backup"] as const).filter(
      (key) => olds[key] !== news[key],
    );
    // The serialized provider code is not compared: a new program version alone is no change.
    return Promise.resolve({
      changes: changed.length > 0,
      replaces: [],
      deleteBeforeReplace: false,
    });
  },

  create(inputs: VersionGuardInputs) {
    const outs: VersionGuardState = {
      chartVersion: inputs.chartVersion,
      harborVersion: inputs.harborVersion,
      backup: inputs.backup,
      previousChartVersion: "",
      previousHarborVersion: "",
    };
    return Promise.resolve({ id: "harbor-version", outs });
  },

  update(_id: string, olds: VersionGuardState, news: VersionGuardInputs) {
    const outs: VersionGuardState = {
      chartVersion: news.chartVersion,
      harborVersion: news.harborVersion,
      backup: news.backup,
      previousChartVersion: olds.chartVersion,
      previousHarborVersion: olds.harborVersion,
    };
    return Promise.resolve({ outs });
  },
};

/** The dynamic resource holding the guard's state. */
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

export type VersionGuardArgs = VersionGuardInputs;

/**
 * Refuses a chart downgrade before anything changes. Make every other resource depend on it (the
 * Helm release at least) so that, even with `--skip-preview`, nothing is touched first.
 */
export class VersionGuard extends pulumi.ComponentResource {
  /** The chart version recorded as deployed. */
  public readonly chartVersion: pulumi.Output<string>;
  /** Chart version deployed before this update (empty on a first installation). */
  public readonly previousChartVersion: pulumi.Output<string>;
  /** Harbor version deployed before this update (empty on a first installation). */
  public readonly previousHarborVersion: pulumi.Output<string>;
  /** The resource to depend on. */
  public readonly record: pulumi.CustomResource;

  constructor(name: string, args: VersionGuardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:upgrade:VersionGuard", name, {}, opts);
    const record = new VersionRecord(`${name}-version`, args, { parent: this });
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
