/**
 * Acceptance against the real chart: for every example stack, render goharbor's chart twice with
 * the values the program declares and require byte-identical manifests, no chart default
 * credential, every claim on the program's StorageClass, and exactly the Harbor images the stack's
 * `images` output lists (where the cluster pulls them).
 *
 * Needs the chart and a helm binary (`.ci/run` sets both: ../shared/reference/charts, `npm run -s helm`):
 *   HARBOR_CHART=/path/to/harbor-1.19.1.tgz (or an unpacked chart directory) HELM=/path/to/helm npm run test:charts
 * Without them the suite is reported as pending.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { harborValues, projectFile, readStackFile, runProgram } from "../support/harness";
import { stackSecrets } from "../support/fixtures/stack-secrets";
import { EXAMPLE_STACKS } from "../support/example-stacks";
import { HELM, helmAvailable } from "../../scripts/runtime/helm";

const chart = process.env.HARBOR_CHART;
const helm = HELM;

const DEFAULT_CREDENTIALS = [
  "Harbor12345",
  "not-a-secure-key",
  "changeit",
  "harbor_registry_password",
];

describe("chart render (goharbor/harbor, real chart)", function () {
  this.timeout(120_000);
  before(function () {
    if (!chart || !helmAvailable()) {
      console.log("      (set HARBOR_CHART and HELM to render the real chart; skipped)");
      this.skip();
    }
  });

  const stacks = EXAMPLE_STACKS.map((stack) => `Pulumi.${stack}.yaml`);
  for (const file of stacks) {
    it(`${file}: identical twice, no default credential, claims on the program's class`, async () => {
      const config = readStackFile(projectFile(file));
      const run = await runProgram({
        ...config,
        secrets: stackSecrets(config.stack ?? "", config.config),
      });
      const dir = mkdtempSync(path.join(tmpdir(), "harbor-render-"));
      const valuesFile = path.join(dir, "values.yaml");
      writeFileSync(valuesFile, stringify(harborValues(run)));
      const render = () =>
        execFileSync(
          helm,
          [
            "template",
            String(run.outputs.releaseName),
            chart!,
            "-n",
            String(run.outputs.namespace),
            "-f",
            valuesFile,
          ],
          {
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
          },
        );
      const first = render();
      const second = render();
      assert.equal(first, second, "two renders differ");

      for (const credential of DEFAULT_CREDENTIALS) {
        assert.ok(!first.includes(credential), `${credential} in manifests`);
        assert.ok(
          !first.includes(Buffer.from(credential).toString("base64")),
          `${credential} (base64) in manifests`,
        );
      }

      type Manifest = {
        kind?: string;
        spec?: {
          storageClassName?: string;
          volumeClaimTemplates?: { spec: { storageClassName?: string } }[];
        };
      };
      const docs = parseAllDocuments(first)
        .map((d) => d.toJS() as Manifest | null)
        .filter((d): d is Manifest => d !== null);
      const classes: (string | undefined)[] = [];
      for (const doc of docs) {
        if (doc.kind === "PersistentVolumeClaim") classes.push(doc.spec?.storageClassName);
        for (const t of doc.spec?.volumeClaimTemplates ?? []) classes.push(t.spec.storageClassName);
      }
      for (const c of classes) assert.equal(c, run.outputs.storageClassName);

      // The `images` output names every image the chart runs, and no Harbor image it does not.
      const rendered = new Set<string>();
      const collect = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(collect);
        else if (node !== null && typeof node === "object") {
          for (const [key, value] of Object.entries(node)) {
            if (key === "image" && typeof value === "string") rendered.add(value);
            else collect(value);
          }
        }
      };
      docs.forEach(collect);
      const listed = (run.outputs.images as { source: string; mirror: string }[])
        .filter((image) => image.source.startsWith("docker.io/goharbor/"))
        .map((image) => image.mirror);
      assert.deepEqual([...rendered].sort(), [...listed].sort());
    });
  }
});
