/**
 * The goharbor chart versions this program was written against (the one place they are listed) and
 * the chart's naming rule. Configuration validation reads them here; `lib/chart.ts` re-exports
 * them for the rest.
 */
/** Chart versions this program supports, with the Harbor version each one installs. */
export const SUPPORTED_CHART_VERSIONS: Readonly<Record<string, string>> = {
  "1.17.0": "v2.13.0",
  "1.17.1": "v2.13.1",
  "1.17.2": "v2.13.2",
  "1.17.3": "v2.13.3",
  "1.17.4": "v2.13.4",
  "1.18.0": "v2.14.0",
  "1.18.1": "v2.14.1",
  "1.18.2": "v2.14.2",
  "1.18.3": "v2.14.3",
  "1.18.4": "v2.14.4",
  "1.19.0": "v2.15.0",
  "1.19.1": "v2.15.1",
};

export const DEFAULT_CHART_VERSION = "1.19.1";
export const DEFAULT_CHART_REPOSITORY = "https://helm.goharbor.io";

/** Compares dotted versions numerically: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The chart's `harbor.fullname`: the release name when it contains "harbor", else `<release>-harbor`. */
export function chartFullname(releaseName: string): string {
  const full = releaseName.includes("harbor") ? releaseName : `${releaseName}-harbor`;
  return full.slice(0, 63).replace(/-+$/, "");
}
