/**
 * The upgrade gate's dynamic provider (components/version-guard.ts): it refuses a chart downgrade
 * (chart mode) and a move of the release to another name or namespace before anything changes,
 * and records the versions the pre-upgrade backup reads.
 *
 * Its module is the provider's code in the state (lib/provider-module.ts): plain functions and
 * data, importing only config/facts.ts.
 */
import type * as pulumi from "@pulumi/pulumi";
import { compareVersions } from "../config/facts";

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

/** Why a downgrade is refused, in every message that refuses one. */
export const REFUSED_BEFORE_CHANGE =
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
    // The provider's code (`__provider`) is not compared: a new program version alone is no change.
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
