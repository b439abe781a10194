/**
 * Chart mode waits as long as the release path: 900 s (`RELEASE_TIMEOUT_SECONDS`).
 *
 * pulumi-kubernetes provider/pkg/await/await.go `Creation`/`Update` await each object for 10
 * minutes unless provider/pkg/metadata/overrides.go `TimeoutDuration` finds the resource's custom
 * timeout (first) or its `pulumi.com/timeoutSeconds` annotation; provider/pkg/provider/helm/v4/
 * chart.go registers the rendered objects with neither. The Chart's `transforms` (applied by the
 * engine to every child it registers) add the custom timeouts.
 */
import * as assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { RELEASE_TIMEOUT_SECONDS, chartAwaitTimeouts } from "../../components/release";
import { exampleRun } from "../support/example-stacks";

/** overrides.go `TimeoutDuration` after the engine parsed the custom timeout (Go durations). */
function awaitSeconds(opts: pulumi.CustomResourceOptions | undefined, op: "create" | "update") {
  const t = opts?.customTimeouts?.[op];
  if (t === undefined) return 600;
  const m = /^(\d+)(s|m)$/.exec(t);
  assert.ok(m, `unparsed duration ${t}`);
  return Number(m[1]) * (m[2] === "m" ? 60 : 1);
}

/** Runs a resource through the transforms in order, as the engine does. */
async function transformed(
  transforms: pulumi.ResourceTransform[],
  args: pulumi.ResourceTransformArgs,
): Promise<pulumi.ResourceTransformArgs> {
  let current = args;
  for (const t of transforms) {
    const result = await t(current);
    if (result) current = { ...current, props: result.props, opts: result.opts };
  }
  return current;
}

const deployment = (): pulumi.ResourceTransformArgs => ({
  custom: true,
  type: "kubernetes:apps/v1:Deployment",
  name: "harbor-chart:harbor/harbor-core",
  props: { metadata: { name: "harbor-core" } },
  opts: {},
});

describe("chart mode: every rendered object is awaited for RELEASE_TIMEOUT_SECONDS", function () {
  this.timeout(60_000);

  it("gitops/ha (helm.v4.Chart): the Chart's transforms give each child 900 s to create and update", async () => {
    for (const stack of ["gitops", "ha"] as const) {
      const run = await exampleRun(stack);
      const chart = run.registrations.find(
        (r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.name === "harbor-chart",
      );
      assert.ok(chart?.transforms, `${stack}: the Chart has transforms`);
      const child = await transformed(chart.transforms, deployment());
      assert.equal(awaitSeconds(child.opts, "create"), RELEASE_TIMEOUT_SECONDS);
      assert.equal(awaitSeconds(child.opts, "update"), RELEASE_TIMEOUT_SECONDS);
      assert.deepEqual(child.props, deployment().props, "the object itself is unchanged");
    }
  });

  it("leaves the Chart component and explicit timeouts alone", async () => {
    const t = chartAwaitTimeouts(900);
    assert.equal(
      await t({ ...deployment(), custom: false, type: "kubernetes:helm.sh/v4:Chart" }),
      undefined,
    );
    const kept = await transformed([t], {
      ...deployment(),
      opts: { customTimeouts: { create: "30m" } },
    });
    assert.deepEqual(kept.opts.customTimeouts, { create: "30m", update: "900s" });
  });

  it("the rule: without the transform a chart object gets the provider's 10 minutes", () => {
    assert.equal(awaitSeconds({}, "create"), 600);
  });
});
