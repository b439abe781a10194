/**
 * components/version-guard.ts: the gate's dynamic provider (its `check` is what runs in
 * `pulumi preview` before anything changes) refuses a move to another release name or namespace
 * unless `harbor:relocateFrom` names the old place, and in chart mode a lower chart version;
 * the release's own check (a before-update resource hook on the helm.v3.Release) refuses a chart
 * version below the one the release reports running; the deployed record is written after the
 * release. The multi-`up` behaviour is in test/program/job-lifecycle.test.ts.
 */
import { strict as assert } from "node:assert";
import type * as pulumi from "@pulumi/pulumi";
import { HarborRelease } from "../../components/release";
import {
  VersionGuard,
  downgradeRefusal,
  releaseDowngradeRefusal,
  releaseVersionHook,
  relocationRefusal,
  versionGuardProvider,
  type VersionGuardInputs,
  type VersionGuardState,
} from "../../components/version-guard";
import { SUPPORTED_CHART_VERSIONS } from "../../config/facts";
import {
  evaluateProgram,
  installMocks,
  registrationOf,
  resolve,
  runProgram,
  settle,
  type MockRecorder,
} from "../support/harness";

const provider = versionGuardProvider as Required<pulumi.dynamic.ResourceProvider>;

const inputs = (
  chartVersion: string,
  more: Partial<VersionGuardInputs> = {},
): VersionGuardInputs => ({
  chartVersion,
  harborVersion: SUPPORTED_CHART_VERSIONS[chartVersion],
  releaseName: "harbor",
  namespace: "harbor",
  deployMode: "chart",
  relocateFrom: "",
  ...more,
});

const deployed: VersionGuardState = {
  ...inputs("1.19.1"),
  previousChartVersion: "1.18.4",
  previousHarborVersion: SUPPORTED_CHART_VERSIONS["1.18.4"],
};

const REFUSAL =
  "harbor:chart.version 1.18.4 is lower than the deployed chart version 1.19.1 (Harbor v2.15.1): " +
  "Harbor migrates its database forward only, so a downgrade is refused before anything changes. " +
  "Set harbor:chart.version back to 1.19.1 (or higher); to run an older Harbor, install it anew " +
  "and restore a backup that Harbor version took (docs/backups.md).";

const RENAME_REFUSAL =
  "harbor:releaseName changed (harbor/harbor -> harbor/registry, namespace/release): Pulumi would " +
  "install a new, empty Harbor as harbor/registry and uninstall the release harbor, whose database " +
  "and registry volumes stay behind unused; Harbor's data does not move with it. Set " +
  "harbor:releaseName back to harbor. To move Harbor on purpose, take a backup first, then set " +
  "harbor:relocateFrom to harbor/harbor and run pulumi up, and restore the backup into the new " +
  "installation (docs/backups.md#move-harbor-to-another-namespace-or-release-name).";

const MOVE_REFUSAL =
  "harbor:namespace and harbor:releaseName changed (harbor/harbor -> registry/registry, " +
  "namespace/release): Pulumi would install a new, empty Harbor as registry/registry and delete " +
  "the release harbor and the namespace harbor with its volume claims (unless harbor:protect keeps " +
  "them); Harbor's data does not move with it. Set harbor:namespace back to harbor and " +
  "harbor:releaseName back to harbor. To move Harbor on purpose, take a backup first, then set " +
  "harbor:relocateFrom to harbor/harbor and run pulumi up, and restore the backup into the new " +
  "installation (docs/backups.md#move-harbor-to-another-namespace-or-release-name).";

describe("VersionGuard", function () {
  describe("check (runs in preview, before any change)", function () {
    it("chart mode: refuses a lower chart version, naming harbor:chart.version and the deployed version", async function () {
      const result = await provider.check(deployed, inputs("1.18.4"));
      console.log(`      downgrade refusal: ${result.failures?.[0]?.reason}`);
      assert.deepEqual(result, {
        inputs: inputs("1.18.4"),
        failures: [{ property: "chartVersion", reason: REFUSAL }],
      });
    });

    it("release mode: leaves versions to the release's own check (what it runs, not what was asked)", async function () {
      // After a pre-upgrade backup failed the release never changed: a lower target than the one
      // recorded is fine, and the release's hook still refuses anything below what runs.
      const release = { deployMode: "release" as const };
      assert.deepEqual(await provider.check(inputs("1.19.1", release), inputs("1.19.0", release)), {
        inputs: inputs("1.19.0", release),
      });
    });

    it("compares versions numerically (1.9.0 < 1.19.0 < 1.19.1)", function () {
      assert.ok(downgradeRefusal({ chartVersion: "1.19.0" }, { chartVersion: "1.9.0" }));
      assert.ok(downgradeRefusal({ chartVersion: "1.19.1" }, { chartVersion: "1.19.0" }));
      assert.equal(
        downgradeRefusal({ chartVersion: "1.9.0" }, { chartVersion: "1.19.0" }),
        undefined,
      );
    });

    it("accepts the same version, an upgrade, and a first installation", async function () {
      assert.deepEqual(await provider.check(deployed, inputs("1.19.1")), {
        inputs: inputs("1.19.1"),
      });
      assert.deepEqual(await provider.check(inputs("1.18.4"), inputs("1.19.1")), {
        inputs: inputs("1.19.1"),
      });
      assert.deepEqual(await provider.check({}, inputs("1.17.0")), { inputs: inputs("1.17.0") });
    });

    it("every supported version may follow each lower one, never the reverse", function () {
      const versions = Object.keys(SUPPORTED_CHART_VERSIONS);
      for (const [i, older] of versions.entries()) {
        for (const newer of versions.slice(i + 1)) {
          assert.equal(
            downgradeRefusal({ chartVersion: older }, { chartVersion: newer }),
            undefined,
          );
          assert.match(
            downgradeRefusal({ chartVersion: newer }, { chartVersion: older }) ?? "",
            new RegExp(
              `^harbor:chart.version ${older} is lower than the deployed chart version ${newer}`,
            ),
          );
        }
      }
    });

    // pulumi-kubernetes replaces a helm.v3.Release whose name or namespace changes
    // (provider/pkg/provider/helm_release.go, Diff: forceNewFields ".name", ".namespace"),
    // creating the new release before deleting the old one: a new, empty Harbor.
    it("refuses a changed releaseName, naming the key, the old place and the escape hatch", async function () {
      const result = await provider.check(deployed, inputs("1.19.1", { releaseName: "registry" }));
      console.log(`      move refusal: ${result.failures?.[0]?.reason}`);
      assert.deepEqual(result.failures, [{ property: "releaseName", reason: RENAME_REFUSAL }]);
    });

    it("refuses a changed namespace and release together, saying the old namespace goes", function () {
      assert.deepEqual(
        relocationRefusal(
          deployed,
          inputs("1.19.1", { namespace: "registry", releaseName: "registry" }),
        ),
        { property: "releaseName", reason: MOVE_REFUSAL },
      );
      assert.equal(
        relocationRefusal(deployed, inputs("1.19.1", { namespace: "registry" }))?.property,
        "namespace",
      );
    });

    it("accepts the move when harbor:relocateFrom names the old place, and only then", async function () {
      const move = { namespace: "registry", releaseName: "registry" };
      assert.deepEqual(
        await provider.check(
          deployed,
          inputs("1.19.1", { ...move, relocateFrom: "harbor/harbor" }),
        ),
        { inputs: inputs("1.19.1", { ...move, relocateFrom: "harbor/harbor" }) },
      );
      for (const wrong of ["registry/registry", "harbor/registry", "default/harbor"]) {
        const result = await provider.check(
          deployed,
          inputs("1.19.1", { ...move, relocateFrom: wrong }),
        );
        assert.equal(result.failures?.length, 1, wrong);
      }
    });

    it("a record without a release name (an older program version) cannot know of a move", function () {
      const legacy = { chartVersion: "1.19.1", harborVersion: "v2.15.1", backup: "sha" };
      assert.equal(
        relocationRefusal(legacy, inputs("1.19.1", { releaseName: "registry" })),
        undefined,
      );
    });
  });

  describe("diff, create, update", function () {
    it("changes when a recorded value changes, never replaces", async function () {
      assert.deepEqual(await provider.diff("harbor-version", deployed, inputs("1.19.1")), {
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      });
      for (const change of [
        { chartVersion: "1.19.0", harborVersion: "v2.15.0" },
        { releaseName: "registry" },
        { namespace: "registry" },
        { deployMode: "release" as const },
      ]) {
        assert.deepEqual(
          await provider.diff("harbor-version", { ...deployed, ...change }, inputs("1.19.1")),
          { changes: true, replaces: [], deleteBeforeReplace: false },
          JSON.stringify(change),
        );
      }
    });

    it("is no change for harbor:relocateFrom alone, nor for an older program's backup fingerprint", async function () {
      const legacy = { ...deployed, backup: "0123abcd" } as VersionGuardState;
      const result = await provider.diff(
        "harbor-version",
        legacy,
        inputs("1.19.1", { relocateFrom: "x/y" }),
      );
      assert.equal(result.changes, false);
    });

    it("a first installation has no previous version", async function () {
      assert.deepEqual(await provider.create(inputs("1.19.1")), {
        id: "harbor-version",
        outs: { ...inputs("1.19.1"), previousChartVersion: "", previousHarborVersion: "" },
      });
    });

    it("an upgrade records the version recorded before it", async function () {
      const before = { ...deployed, chartVersion: "1.18.4", harborVersion: "v2.14.4" };
      assert.deepEqual(await provider.update("harbor-version", before, inputs("1.19.1")), {
        outs: {
          ...inputs("1.19.1"),
          previousChartVersion: "1.18.4",
          previousHarborVersion: "v2.14.4",
        },
      });
    });

    it("a lower target (the higher one never ran) and a move keep the previous version", async function () {
      const lower = await provider.update(
        "harbor-version",
        deployed,
        inputs("1.19.0", { deployMode: "release" }),
      );
      assert.equal((lower.outs as VersionGuardState).previousChartVersion, "1.18.4");
      const moved = await provider.update(
        "harbor-version",
        deployed,
        inputs("1.19.1", { releaseName: "registry", relocateFrom: "harbor/harbor" }),
      );
      assert.equal((moved.outs as VersionGuardState).previousChartVersion, "1.18.4");
    });
  });

  describe("the release's own check (a before-update resource hook)", function () {
    const RUNNING = {
      name: "harbor",
      version: "1.18.4",
      status: { name: "harbor", version: "1.19.1", appVersion: "2.15.1", status: "deployed" },
    };

    it("refuses a chart version below the one the release reports running (status.version)", function () {
      // status.version is the chart version Helm reports for the release
      // (pulumi-kubernetes provider/pkg/provider/helm_release.go, setReleaseAttributes), also
      // after `pulumi refresh` or `pulumi import` (Read).
      assert.equal(
        releaseDowngradeRefusal({ oldOutputs: RUNNING, newInputs: { version: "1.18.4" } }),
        "harbor:chart.version 1.18.4 is lower than the chart version the Helm release harbor runs " +
          "(1.19.1, Harbor 2.15.1, as the release reports it): Harbor migrates its database forward " +
          "only, so a downgrade is refused before anything changes. Set harbor:chart.version to " +
          "1.19.1 (or higher).",
      );
    });

    it("accepts the same or a higher version, and what it cannot read", function () {
      for (const version of ["1.19.1", "1.19.2"]) {
        assert.equal(
          releaseDowngradeRefusal({ oldOutputs: RUNNING, newInputs: { version } }),
          undefined,
        );
      }
      assert.equal(releaseDowngradeRefusal({ newInputs: { version: "1.17.0" } }), undefined);
      assert.equal(releaseDowngradeRefusal({ oldOutputs: RUNNING, newInputs: {} }), undefined);
      // Without a status (never deployed), the output version counts.
      assert.match(
        releaseDowngradeRefusal({
          oldOutputs: { version: "1.19.0" },
          newInputs: { version: "1.18.4" },
        }) ?? "",
        /lower than the chart version the Helm release harbor runs \(1.19.0, as/,
      );
    });

    it("the hook runs in previews too and fails the update with the refusal", async function () {
      const recorder: MockRecorder = { resources: [] };
      await installMocks(recorder);
      const hook = releaseVersionHook("harbor-chart-version");
      assert.equal(hook.name, "harbor-chart-version");
      assert.equal(hook.opts?.onDryRun, true);
      const args = {
        urn: "urn",
        id: "harbor/harbor",
        name: "harbor-release",
        type: "kubernetes:helm.sh/v3:Release",
        oldOutputs: RUNNING,
      };
      await assert.rejects(
        async () => hook.callback({ ...args, newInputs: { version: "1.18.4" } }),
        /^Error: harbor:chart.version 1.18.4 is lower than the chart version the Helm release harbor runs/,
      );
      await hook.callback({ ...args, newInputs: { version: "1.19.1" } });
    });

    it("HarborRelease binds it to the helm.v3.Release (not in chart mode)", async function () {
      for (const deployMode of ["release", "chart"] as const) {
        const recorder: MockRecorder = { resources: [] };
        await installMocks(recorder);
        const result = await evaluateProgram(recorder, () => {
          new HarborRelease("harbor", {
            namespace: "harbor",
            releaseName: "harbor",
            chart: { version: "1.19.1", repository: "https://helm.goharbor.io" },
            deployMode,
            values: {},
          });
          return {};
        });
        if (deployMode === "release") {
          const reg = registrationOf(
            result.registrations,
            "kubernetes:helm.sh/v3:Release",
            "harbor-release",
          );
          assert.deepEqual(reg.hooks, { beforeUpdate: ["harbor-chart-version"] });
        } else {
          const chart = registrationOf(
            result.registrations,
            "kubernetes:helm.sh/v4:Chart",
            "harbor-chart",
          );
          assert.equal(chart.hooks, undefined);
        }
      }
    });
  });

  describe("component", function () {
    it("registers harbor:upgrade:VersionGuard with the dynamic record as its child", async function () {
      const recorder: MockRecorder = { resources: [] };
      await installMocks(recorder);
      const guard = new VersionGuard("harbor-upgrade", {
        chartVersion: "1.19.1",
        harborVersion: "v2.15.1",
        releaseName: "harbor",
        namespace: "harbor",
        deployMode: "chart",
      });
      assert.equal(await resolve(guard.chartVersion), "1.19.1");
      await settle(recorder);
      const record = recorder.resources.find((r) => r.name === "harbor-upgrade-version");
      assert.ok(record, "the dynamic resource is registered");
      assert.equal(record.type, "pulumi-nodejs:dynamic:Resource");
      // The recorded inputs leave out the serialized provider; the raw inputs carry it.
      assert.deepEqual(record.inputs, inputs("1.19.1"));
      // The provider is serialized into the state, so `pulumi up` can run its check later.
      const serialized = await resolve(record.rawInputs.__provider as pulumi.Input<string>);
      assert.match(String(serialized), /harbor:chart\.version/);
      assert.match(String(serialized), /harbor:relocateFrom/);
      assert.equal(
        recorder.resources.filter(
          (r) => r.type === "harbor:upgrade:VersionGuard" && r.name === "harbor-upgrade",
        ).length,
        1,
      );
    });

    it("with a pre-upgrade backup, Harbor writes the deployed record after the release", async function () {
      const run = await runProgram({
        config: {
          hostname: "harbor.example.com",
          externalURL: "https://harbor.example.com",
          expose: { type: "clusterIP" },
          tls: { mode: "disabled" },
          storage: { variant: "existing", className: "standard" },
          backup: { target: { pvc: { className: "nfs-backup", size: "100Gi" } } },
          relocateFrom: "old/harbor",
        },
        stack: "test",
      });
      assert.deepEqual(run.find("kubernetes:core/v1:ConfigMap", "harbor-upgrade-deployed").inputs, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: "harbor-deployed-version",
          namespace: "harbor",
          labels: {
            "app.kubernetes.io/name": "harbor-deployed-version",
            "app.kubernetes.io/part-of": "harbor",
            "app.kubernetes.io/managed-by": "pulumi",
          },
        },
        data: { chartVersion: "1.19.1", harborVersion: "v2.15.1", releaseName: "harbor" },
      });
      assert.deepEqual(
        registrationOf(run.registrations, "kubernetes:core/v1:ConfigMap", "harbor-upgrade-deployed")
          .dependsOn,
        ["harbor"],
      );
      assert.deepEqual(
        run.find("pulumi-nodejs:dynamic:Resource", "harbor-upgrade-version").inputs,
        {
          ...inputs("1.19.1", { deployMode: "release", relocateFrom: "old/harbor" }),
        },
      );
    });
  });
});
