/**
 * Existing stacks keep their resources across the move into the `Harbor` component: the old URN
 * of every resource must be among the alias URNs the engine computes for its new registration.
 * The requests are the ones the SDK really sends (the mock monitor records each
 * RegisterResourceRequest's alias specs, serialized by @pulumi/pulumi runtime/resource.js
 * `mapAliasesForRequest`); the engine's matching is test/support/engine-aliases.ts, from
 * pulumi/pulumi pkg/resource/deploy/step_generator.go `generateAliases`, `collapseAliasToUrn`,
 * `inheritedChildAlias` and `getOldResource`. An alias spec is ONE alternative: the fields it
 * leaves out are the resource's own, so `{parent: root}` and `{type: old}` given separately never
 * produce an URN that differs in both (issue 18, item 4).
 *
 * The old state is test/support/fixtures/pre-component-urns.ts: the URNs the pre-refactor program
 * declared for each example stack.
 */
import * as assert from "node:assert/strict";
import { PRE_COMPONENT_URNS } from "../support/fixtures/pre-component-urns";
import { resolveAgainstState, urnName, urnType, type Resolution } from "../support/engine-aliases";
import { exampleRun } from "../support/example-stacks";

const STACKS = ["dev", "nfs", "rook", "prod", "gitops"] as const;

describe("aliases: the state of a stack deployed before the Harbor component", function () {
  this.timeout(60_000);
  const resolutions = new Map<string, Resolution>();
  before(async () => {
    for (const stack of STACKS) {
      const run = await exampleRun(stack);
      resolutions.set(stack, resolveAgainstState(run.requests, PRE_COMPONENT_URNS[stack], stack));
    }
  });

  it("the SDK sends alias specs, so the engine's resolution is the one that applies", async () => {
    const run = await exampleRun("dev");
    assert.ok(run.requests.length > 30);
    for (const req of run.requests) {
      assert.equal(req.aliasSpecs, true, `${req.type}::${req.name}`);
      assert.deepEqual(req.aliasUrns, [], `${req.type}::${req.name}`);
    }
  });

  for (const stack of STACKS) {
    it(`${stack}: every old resource is taken over by a new registration; nothing is deleted`, () => {
      const r = resolutions.get(stack)!;
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.deletes, []);
      assert.equal(r.matched.size, PRE_COMPONENT_URNS[stack].length);
      for (const [old, now] of r.matched) {
        if (old !== now) assert.ok(r.aliasesOf.get(now)!.includes(old), `${now} -> ${old}`);
      }
    });
  }

  it("dev: the release keeps its URN through the alias {parent: root, type: harbor:core:Harbor}", () => {
    const r = resolutions.get("dev")!;
    const component =
      "urn:pulumi:dev::harbor::harbor:index:Harbor$harbor:core:HarborRelease::harbor";
    assert.equal(r.matched.get("urn:pulumi:dev::harbor::harbor:core:Harbor::harbor"), component);
    assert.deepEqual(r.aliasesOf.get(component), [
      "urn:pulumi:dev::harbor::harbor:core:Harbor::harbor",
    ]);
    // Its helm.v3.Release inherits the old parent's URN (inheritedChildAlias).
    assert.equal(
      r.matched.get(
        "urn:pulumi:dev::harbor::harbor:core:Harbor$kubernetes:helm.sh/v3:Release::harbor-release",
      ),
      "urn:pulumi:dev::harbor::harbor:index:Harbor$harbor:core:HarborRelease$kubernetes:helm.sh/v3:Release::harbor-release",
    );
  });

  it("dev: a grandchild follows its moved grandparent (Storage -> LocalPathProvisioner -> Deployment)", () => {
    const r = resolutions.get("dev")!;
    assert.equal(
      r.matched.get(
        "urn:pulumi:dev::harbor::harbor:storage:Storage$harbor:storage:LocalPathProvisioner$kubernetes:apps/v1:Deployment::harbor-local-path-deployment",
      ),
      "urn:pulumi:dev::harbor::harbor:index:Harbor$harbor:storage:Storage$harbor:storage:LocalPathProvisioner$kubernetes:apps/v1:Deployment::harbor-local-path-deployment",
    );
  });

  it("nothing is created under a type and name the old state already holds", () => {
    for (const stack of STACKS) {
      const r = resolutions.get(stack)!;
      const old = new Set(PRE_COMPONENT_URNS[stack].map((u) => `${urnType(u)}::${urnName(u)}`));
      for (const created of r.creates) {
        assert.ok(!old.has(`${urnType(created)}::${urnName(created)}`), `${stack}: ${created}`);
      }
      // The component itself and the downgrade guard came with the refactor.
      assert.ok(r.creates.includes(`urn:pulumi:${stack}::harbor::harbor:index:Harbor::harbor`));
    }
  });
});
