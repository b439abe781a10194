/**
 * The generated database and admin passwords cannot silently change.
 *
 * - terraform-provider-random internal/provider/resource_password.go `passwordSchemaV3`: every
 *   argument (`length`, `special`, `upper`, `lower`, `numeric`, `number`, `min_*`,
 *   `override_special`, `keepers`) is `RequiresReplace`, so any change of them generates a new
 *   password; `pulumi up --replace <urn>` does the same.
 * - pulumi/pulumi pkg/resource/deploy/step_generator.go: a replacement of a resource protected in
 *   the state and in the program is refused ("unable to replace resource ... as it is currently
 *   marked for protection").
 *
 * The internal PostgreSQL keeps the password it was initialised with and Harbor sets the admin
 * password only at its first start, so a new value would lock core out of its database and make
 * the `adminPassword` output wrong. Under `protect` both are refused; their arguments are pinned.
 */
import * as assert from "node:assert/strict";
import {
  CREDENTIAL_LENGTHS,
  PROTECTED_PASSWORDS,
  passwordArgs,
} from "../../components/credentials";
import { isDevStack } from "../../config/load";
import { exampleRun, exampleStacks, type ExampleStackName } from "../support/example-stacks";

const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
/** passwordSchemaV3's arguments, as @pulumi/random names them: each one forces a new password. */
const FORCE_NEW = [
  "keepers",
  "length",
  "special",
  "upper",
  "lower",
  "number",
  "numeric",
  "minNumeric",
  "minUpper",
  "minLower",
  "minSpecial",
  "overrideSpecial",
];

/** What the engine plans for a password whose arguments changed (or `--replace`). */
function plan(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  protect: { old: boolean; new: boolean },
  replaceFlag = false,
): "same" | "replace" | "refused: protected" {
  const changed = FORCE_NEW.some((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
  if (!changed && !replaceFlag) return "same";
  return protect.old && protect.new ? "refused: protected" : "replace";
}

describe("credentials: the database and admin passwords are fixed and protected", function () {
  this.timeout(60_000);

  it("their arguments are constants: letters and digits, 32 and 24 characters", () => {
    assert.deepEqual(PROTECTED_PASSWORDS, ["adminPassword", "databasePassword"]);
    assert.deepEqual(passwordArgs("databasePassword"), { length: 32, special: false });
    assert.deepEqual(passwordArgs("adminPassword"), {
      length: 24,
      special: false,
      minUpper: 2,
      minLower: 2,
      minNumeric: 2,
    });
    assert.equal(CREDENTIAL_LENGTHS.databasePassword, 32);
  });

  for (const stack of exampleStacks()) {
    const explicit = stack.config.protect;
    const protect =
      explicit === undefined ? !isDevStack(stack.stack) : explicit === true || explicit === "true";
    it(`${stack.stack}: protect=${protect} on the generated passwords; a new length or --replace is ${protect ? "refused" : "a replacement"}`, async () => {
      const run = await exampleRun(stack.stack as ExampleStackName);
      for (const role of PROTECTED_PASSWORDS) {
        const reg = run.registrations.find(
          (r) => r.type === RANDOM_PASSWORD && r.name === `harbor-${role}`,
        );
        if (role === "adminPassword" && stack.secrets?.adminPassword !== undefined) {
          assert.equal(reg, undefined, "a configured admin password generates none");
          continue;
        }
        assert.ok(reg, `harbor-${role}`);
        assert.equal(reg.protect, protect, `harbor-${role}: protect`);
        const inputs = run.find(RANDOM_PASSWORD, `harbor-${role}`).inputs;
        assert.deepEqual(inputs, passwordArgs(role));
        const flags = { old: protect, new: protect };
        assert.equal(
          plan(inputs, { ...inputs, length: 40 }, flags),
          protect ? "refused: protected" : "replace",
        );
        assert.equal(plan(inputs, inputs, flags, true), protect ? "refused: protected" : "replace");
        assert.equal(plan(inputs, inputs, flags), "same");
      }
    });
  }
});
