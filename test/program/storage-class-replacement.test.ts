/**
 * A StorageClass change the API server cannot apply in place must be planned as a replacement.
 *
 * - kubernetes pkg/apis/storage/validation/validation.go `ValidateStorageClassUpdate`: updates to
 *   `parameters`, `provisioner`, `reclaimPolicy` and `volumeBindingMode` are forbidden.
 * - pulumi-kubernetes provider/pkg/provider/diff.go `forceNew`: StorageClass replaces on
 *   `.parameters` and `.provisioner` only; provider.go `Diff` asks for delete-before-replace only
 *   when its own `replaces` are non-empty (the name is fixed).
 * - pulumi/pulumi pkg/resource/deploy/step_generator.go `applyReplaceOnChanges`: a changed property
 *   under a `replaceOnChanges` path becomes a replacement.
 */
import * as assert from "node:assert/strict";
import type { RecordedRegistration } from "../support/harness";
import { exampleRun } from "../support/example-stacks";

const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";
/** ValidateStorageClassUpdate's immutable fields. */
const IMMUTABLE = ["parameters", "provisioner", "reclaimPolicy", "volumeBindingMode"];
/** diff.go forceNew for storage.k8s.io/v1 StorageClass. */
const PROVIDER_FORCE_NEW = ["parameters", "provisioner"];

/** The plan for a change of `field`: provider diff, then the engine's replaceOnChanges. */
function plannedStep(field: string, options: RecordedRegistration) {
  const providerReplaces = PROVIDER_FORCE_NEW.includes(field);
  const replaceOnChanges = options.replaceOnChanges ?? [];
  // PropertyPath.Contains: the same path or a prefix of it.
  const engineReplaces = replaceOnChanges.some((p) => field === p || field.startsWith(`${p}.`));
  if (!providerReplaces && !engineReplaces) return "update";
  const deleteFirst = providerReplaces || options.deleteBeforeReplace === true;
  return deleteFirst ? "delete, then create" : "create, then delete";
}

describe("StorageClass: immutable fields replace (ValidateStorageClassUpdate)", function () {
  this.timeout(60_000);

  for (const stack of ["dev", "nfs", "rook", "ha"] as const) {
    it(`${stack}: a change of any immutable field deletes, then re-creates the class`, async () => {
      const run = await exampleRun(stack);
      const classes = run.registrations.filter((r) => r.type === STORAGE_CLASS);
      assert.ok(classes.length >= 1, `${stack} creates a StorageClass`);
      for (const sc of classes) {
        for (const field of [...IMMUTABLE, "parameters.pool"]) {
          assert.equal(plannedStep(field, sc), "delete, then create", `${sc.name}: ${field}`);
        }
        // A mutable field stays an update.
        assert.equal(plannedStep("allowVolumeExpansion", sc), "update", sc.name);
      }
    });
  }

  it("the rule: without replaceOnChanges a new reclaimPolicy is an update the API server rejects", () => {
    const bare = { type: STORAGE_CLASS, name: "x" } as RecordedRegistration;
    assert.equal(plannedStep("reclaimPolicy", bare), "update");
    assert.equal(plannedStep("volumeBindingMode", bare), "update");
    assert.equal(
      plannedStep("reclaimPolicy", { ...bare, replaceOnChanges: ["reclaimPolicy"] }),
      "create, then delete",
    );
  });
});
