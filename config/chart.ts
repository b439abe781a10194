/**
 * `harbor:chart`: the chart version (one this program was written against), where it comes from,
 * and the values the configuration does not model.
 */
import { existsSync } from "node:fs";
import { chartValuesSchema } from "./chart-values";
import {
  DEFAULT_CHART_REPOSITORY,
  DEFAULT_CHART_VERSION,
  SUPPORTED_CHART_VERSIONS,
  compareVersions,
} from "./facts";
import { helmRepositoryUrl, localPath, semver, strictObject } from "./primitives";
import type { Checks, RawConfig } from "./schema";

const chartSchema = strictObject({
  version: semver()
    .default(DEFAULT_CHART_VERSION)
    .describe("Chart version; must be one this program was written against (1.17.0-1.19.1)."),
  repository: helmRepositoryUrl()
    .default(DEFAULT_CHART_REPOSITORY)
    .describe("Helm repository of the chart."),
  path: localPath("a path to a chart .tgz or directory")
    .optional()
    .describe("A local chart `.tgz` or directory for air-gapped sites (relative to the project)."),
  values: chartValuesSchema
    .optional()
    .describe(
      "Chart values the configuration does not model (`imagePullSecrets`, extra environment, probes, pod labels...), deep-merged over the program's values last: objects key by key, lists and scalars replaced. Values the program sets are refused, naming the key that sets them: credentials, TLS, storage, database, Redis, the URL and exposure, replicas, scheduling, images and resources. See [docs/production.md](docs/production.md#chart-values).",
    ),
}).prefault({});

/** The keys, in the order the schema lists them. */
export const chartKeys = {
  chart: chartSchema.meta({
    docDefault: '`{version: "1.19.1", repository: "https://helm.goharbor.io"}`',
    description: "The Harbor chart.",
  }),
};

/** A supported version, one new enough for the exposure, and a local chart that exists. */
export function checkChart(c: RawConfig, { issue }: Checks): void {
  if (!semver().safeParse(c.chart.version).success) {
    // Already reported by the chart.version rule (a range or a malformed version).
  } else if (!(c.chart.version in SUPPORTED_CHART_VERSIONS)) {
    issue(
      ["chart", "version"],
      `must be a chart version this program was written against (${Object.keys(SUPPORTED_CHART_VERSIONS).join(", ")}); newer charts are added after their values are reviewed`,
      c.chart.version,
    );
  } else if (c.expose.type === "route" && compareVersions(c.chart.version, "1.18.0") < 0) {
    issue(
      ["chart", "version"],
      "must be 1.18.0 or later for harbor:expose.type route (older charts have no HTTPRoute)",
      c.chart.version,
    );
  }
  if (
    c.chart.path !== undefined &&
    localPath("a path").safeParse(c.chart.path).success &&
    !existsSync(c.chart.path)
  ) {
    issue(
      ["chart", "path"],
      "must point to an existing chart archive (.tgz) or directory, relative to the project directory",
      c.chart.path,
    );
  }
}
