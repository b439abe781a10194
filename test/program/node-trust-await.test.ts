/**
 * A NotReady node must not block `pulumi up` (issue 18, item 7). pulumi-kubernetes decides how it
 * waits for an object from its annotations:
 *
 * - provider/pkg/await/await.go `Creation`/`Update`: 10 minutes unless `customTimeouts` or
 *   `pulumi.com/timeoutSeconds` (provider/pkg/metadata/overrides.go `TimeoutDuration`); the
 *   built-in awaiter (provider/pkg/await/daemonset.go: ready at kstatus Current, i.e. a ready Pod
 *   on every node that should run one) unless `ReadyCondition` reports a custom condition.
 * - overrides.go `ReadyCondition`: `pulumi.com/skipAwait: "true"` is an immediate condition;
 *   `pulumi.com/waitFor` a custom one.
 * - await.go `Read` (every refresh): the built-in awaiter's read unless `SkipAwaitLogic`.
 *
 * The node-trust DaemonSet tolerates every taint, so it has a Pod on a NotReady node that never
 * becomes ready: with the built-in awaiter, `up` (and refresh) fails after 10 minutes.
 */
import * as assert from "node:assert/strict";
import { exampleRun } from "../support/example-stacks";

type Annotations = Record<string, string> | undefined;

/** What the provider waits for after creating or updating an object, and on refresh. */
function awaitPolicy(annotations: Annotations): { apply: string; refresh: string } {
  if (annotations?.["pulumi.com/skipAwait"] === "true") return { apply: "none", refresh: "none" };
  const custom = annotations?.["pulumi.com/waitFor"] !== undefined;
  const seconds = Number(annotations?.["pulumi.com/timeoutSeconds"] ?? 600);
  return {
    apply: custom ? `waitFor, ${seconds} s` : `rollout on every node, ${seconds} s`,
    refresh: "rollout on every node",
  };
}

describe("node trust: the DaemonSet's await policy (pulumi-kubernetes await.go)", function () {
  this.timeout(60_000);

  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: pulumi up and refresh never wait for a rollout that a NotReady node blocks`, async () => {
      const run = await exampleRun(stack);
      const ds = run.find("kubernetes:apps/v1:DaemonSet", "harbor-node-trust-daemonset");
      const inputs = ds.inputs as {
        metadata: { annotations?: Record<string, string> };
        spec: { template: { spec: { tolerations?: { operator?: string; key?: string }[] } } };
      };
      // The premise: it runs on every node, tainted and NotReady ones included.
      assert.deepEqual(inputs.spec.template.spec.tolerations, [{ operator: "Exists" }]);
      assert.deepEqual(awaitPolicy(inputs.metadata.annotations), {
        apply: "none",
        refresh: "none",
      });
    });
  }

  it("without the annotation the provider would wait for every node, 10 minutes", () => {
    assert.deepEqual(awaitPolicy(undefined), {
      apply: "rollout on every node, 600 s",
      refresh: "rollout on every node",
    });
  });
});
