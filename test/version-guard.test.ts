/**
 * components/version-guard.ts: the dynamic provider's check refuses a lower chart version (this is
 * what runs in `pulumi preview` before anything changes), diff/create/update record the versions
 * deployed before, and the component registers the dynamic resource under mocks.
 */
import { strict as assert } from "node:assert";
import type * as pulumi from "@pulumi/pulumi";
import {
  VersionGuard,
  downgradeRefusal,
  versionGuardProvider,
  type VersionGuardState,
} from "../components/version-guard";
import { SUPPORTED_CHART_VERSIONS } from "../lib/chart";
import { installMocks, resolve, settle, type MockRecorder } from "./harness";

const provider = versionGuardProvider as Required<pulumi.dynamic.ResourceProvider>;

const deployed: VersionGuardState = {
  chartVersion: "1.19.1",
  harborVersion: SUPPORTED_CHART_VERSIONS["1.19.1"],
  backup: "job-a",
  previousChartVersion: "1.18.4",
  previousHarborVersion: SUPPORTED_CHART_VERSIONS["1.18.4"],
};

const inputs = (chartVersion: string, backup = "job-a") => ({
  chartVersion,
  harborVersion: SUPPORTED_CHART_VERSIONS[chartVersion],
  backup,
});

const REFUSAL =
  "harbor:chart.version 1.18.4 is lower than the deployed chart version 1.19.1 (Harbor v2.15.1): " +
  "Harbor migrates its database forward only, so a downgrade is refused before anything changes. " +
  "Set harbor:chart.version back to 1.19.1 (or higher); to run an older Harbor, install it anew " +
  "and restore a backup that Harbor version took (docs/backups.md).";

describe("VersionGuard", function () {
  describe("check (runs in preview, before any change)", function () {
    it("refuses a lower chart version, naming harbor:chart.version and the deployed version", async function () {
      const result = await provider.check(deployed, inputs("1.18.4"));
      console.log(`      downgrade refusal: ${result.failures?.[0]?.reason}`);
      assert.deepEqual(result, {
        inputs: inputs("1.18.4"),
        failures: [{ property: "chartVersion", reason: REFUSAL }],
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
  });

  describe("diff, create, update", function () {
    it("changes only when a recorded value changes, never replaces", async function () {
      assert.deepEqual(await provider.diff("harbor-version", deployed, inputs("1.19.1")), {
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      });
      assert.equal(
        (await provider.diff("harbor-version", deployed, inputs("1.19.1", "job-b"))).changes,
        true,
      );
      const upgrade = await provider.diff(
        "harbor-version",
        { ...deployed, chartVersion: "1.19.0", harborVersion: "v2.15.0" },
        inputs("1.19.1"),
      );
      assert.deepEqual(upgrade, { changes: true, replaces: [], deleteBeforeReplace: false });
    });

    it("a first installation has no previous version", async function () {
      assert.deepEqual(await provider.create(inputs("1.19.1")), {
        id: "harbor-version",
        outs: { ...inputs("1.19.1"), previousChartVersion: "", previousHarborVersion: "" },
      });
    });

    it("an upgrade records the version deployed before it", async function () {
      const before = { ...deployed, chartVersion: "1.18.4", harborVersion: "v2.14.4" };
      assert.deepEqual(await provider.update("harbor-version", before, inputs("1.19.1")), {
        outs: {
          ...inputs("1.19.1"),
          previousChartVersion: "1.18.4",
          previousHarborVersion: "v2.14.4",
        },
      });
    });

    it("a changed pre-upgrade Job records the current version as the previous one (nothing to back up)", async function () {
      const withoutBackup = { ...deployed, backup: "" };
      const result = await provider.update(
        "harbor-version",
        withoutBackup,
        inputs("1.19.1", "job-b"),
      );
      assert.equal((result.outs as VersionGuardState).previousChartVersion, "1.19.1");
    });
  });

  describe("component", function () {
    it("registers harbor:upgrade:VersionGuard with the dynamic record as its child", async function () {
      const recorder: MockRecorder = { resources: [] };
      await installMocks(recorder);
      const guard = new VersionGuard("harbor-upgrade", inputs("1.19.1"));
      assert.equal(await resolve(guard.chartVersion), "1.19.1");
      await settle(recorder);
      const record = recorder.resources.find((r) => r.name === "harbor-upgrade-version");
      assert.ok(record, "the dynamic resource is registered");
      assert.equal(record.type, "pulumi-nodejs:dynamic:Resource");
      // The recorded inputs leave out the serialized provider; the raw inputs carry it.
      assert.deepEqual(record.inputs, inputs("1.19.1"));
      // The provider is serialized into the state, so `pulumi up` can run its check later.
      const provider = await resolve(record.rawInputs.__provider as pulumi.Input<string>);
      assert.match(String(provider), /harbor:chart\.version/);
      assert.equal(
        recorder.resources.filter(
          (r) => r.type === "harbor:upgrade:VersionGuard" && r.name === "harbor-upgrade",
        ).length,
        1,
      );
    });
  });
});
