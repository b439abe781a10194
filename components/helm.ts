import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { DeployMode } from "../config/types";

/** A chart installed as a helm.v3.Release or rendered by a helm.v4.Chart. */
export type HelmInstall = k8s.helm.v3.Release | k8s.helm.v4.Chart;

/**
 * Installs a chart the way `deployMode` says: `release` -> `${name}-release` (helm.v3.Release,
 * visible to `helm list`), `chart` -> `${name}-chart` (helm.v4.Chart, one Pulumi resource per
 * rendered object). `chartTransforms` apply to the Chart's rendered children only;
 * `releaseHooks` (resource hooks) to the Release only.
 */
export function installChart(
  name: string,
  deployMode: DeployMode,
  args: { release: k8s.helm.v3.ReleaseArgs; chart: k8s.helm.v4.ChartArgs },
  opts: pulumi.ComponentResourceOptions & {
    chartTransforms?: pulumi.ResourceTransform[];
    releaseHooks?: () => pulumi.ResourceHookBinding;
  },
): HelmInstall {
  const { chartTransforms, releaseHooks, ...options } = opts;
  if (deployMode === "release") {
    return new k8s.helm.v3.Release(`${name}-release`, args.release, {
      ...options,
      ...(releaseHooks ? { hooks: releaseHooks() } : {}),
    });
  }
  return new k8s.helm.v4.Chart(`${name}-chart`, args.chart, {
    ...options,
    ...(chartTransforms && chartTransforms.length > 0 ? { transforms: chartTransforms } : {}),
  });
}
