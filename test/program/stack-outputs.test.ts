/**
 * Typed stack outputs: `index.ts` exports exactly `HarborOutputs` (names checked at run time on
 * the example stacks, types at compile time by `npm run build`), and `harborStackOutputs` reads
 * them through a StackReference typed, with the credentials kept secret.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import type * as program from "../../index";
import {
  HARBOR_OUTPUT_NAMES,
  HARBOR_SECRET_OUTPUTS,
  harborStackOutputs,
  type HarborOutputs,
} from "../../lib/stack-outputs";
import { HarborMocks } from "../../testing";
import { exampleRun } from "../support/example-stacks";

/** The program's exports as values. */
type ProgramOutputs = {
  [K in keyof typeof program]: (typeof program)[K] extends pulumi.Output<infer T> ? T : never;
};
// Compile-time: the same names both ways, and every exported value fits HarborOutputs.
type SameKeys = [keyof ProgramOutputs] extends [keyof HarborOutputs]
  ? [keyof HarborOutputs] extends [keyof ProgramOutputs]
    ? true
    : false
  : false;
const sameKeys: SameKeys = true;
const fits = (outputs: ProgramOutputs): HarborOutputs => outputs;

const value = <T>(output: pulumi.Output<T>): Promise<T> =>
  new Promise((resolve) => output.apply((v) => resolve(v)));

describe("typed stack outputs (HarborOutputs)", () => {
  it("index.ts exports every HarborOutputs name and no other", async () => {
    assert.equal(sameKeys, true);
    assert.equal(typeof fits, "function");
    for (const stack of ["dev", "prod"] as const) {
      const run = await exampleRun(stack);
      const exported = Object.keys(run.outputs).sort();
      assert.deepEqual(exported, [...HARBOR_OUTPUT_NAMES].sort(), stack);
      assert.deepEqual(run.secretOutputs, [...HARBOR_SECRET_OUTPUTS].sort(), stack);
    }
  });

  describe("harborStackOutputs(ref)", () => {
    let outputs: Record<string, unknown>;
    before(async () => {
      outputs = (await exampleRun("prod")).outputs;
    });

    async function read(stackOutputs: Record<string, unknown>) {
      await pulumi.runtime.setMocks(
        new HarborMocks({ stackOutputs: { "acme/harbor/prod": stackOutputs } }),
        "consumer",
        "test",
      );
      return harborStackOutputs(new pulumi.StackReference("acme/harbor/prod"));
    }

    it("gives each output's value, the credentials as secrets", async () => {
      const harbor = await read(outputs);
      for (const name of HARBOR_OUTPUT_NAMES) {
        const output = harbor[name] as pulumi.Output<unknown>;
        assert.deepEqual(await value(output), outputs[name], name);
        const secret = (HARBOR_SECRET_OUTPUTS as readonly string[]).includes(name);
        assert.equal(await pulumi.isSecret(output), secret, name);
      }
      const registry: pulumi.Output<string> = harbor.registry;
      assert.equal(await value(registry), "registry.example.com");
    });

    it("a stack from before registry content reads as having none; releaseStatus may be absent", async () => {
      const older = Object.fromEntries(
        Object.entries(outputs).filter(
          ([k]) =>
            !["projects", "robots", "robotSecrets", "dockerConfigJson", "releaseStatus"].includes(
              k,
            ),
        ),
      );
      const harbor = await read(older);
      assert.deepEqual(await value(harbor.projects), []);
      assert.deepEqual(await value(harbor.robots), {});
      assert.deepEqual(await value(harbor.dockerConfigJson), {});
      assert.equal(await pulumi.isSecret(harbor.dockerConfigJson), true);
      assert.equal(await value(harbor.releaseStatus), undefined);
    });
  });
});
