/**
 * Data safety: `harbor:protect` (default true, false for stacks named dev / dev-*) must reach the
 * resources whose loss loses data or trust: the Harbor namespace and every StorageClass (and any
 * claim, volume or Ceph pool the program declares) get `protect` and `retainOnDelete`; the CA, the
 * token-signing key and Harbor's encryption key (secretKey) get `protect`. Resource options are
 * not visible to the mocks' `newResource`; the harness captures them from the registration
 * requests (`captureOptions`). Also: renaming a component keeps its resources through `aliases`.
 */
import assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { HarborCredentials } from "../components/credentials";
import { isDevStack } from "../config/load";
import {
  captureRegistrations,
  installMocks,
  resolve,
  runProgram,
  settle,
  type MockRecorder,
  type ProgramRun,
  type RecordedRegistration,
  type StackConfig,
} from "./harness";
import { exampleStacks, projectRelative } from "./support/example-stacks";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";
/** Types whose deletion deletes data: they need both `protect` and `retainOnDelete`. */
const DATA_HOLDING =
  /^kubernetes:(storage\.k8s\.io\/v1:StorageClass|core\/v1:PersistentVolumeClaim|core\/v1:PersistentVolume|ceph\.rook\.io\/v1:Ceph(BlockPool|Filesystem|ObjectStore))$/;

/** Key material whose replacement breaks trust or Harbor's encrypted data: needs `protect`. */
const KEY_MATERIAL: readonly { type: string; suffix: string; what: string }[] = [
  { type: "tls:index/privateKey:PrivateKey", suffix: "-ca-key", what: "CA key" },
  { type: "tls:index/selfSignedCert:SelfSignedCert", suffix: "-ca", what: "CA certificate" },
  { type: "tls:index/privateKey:PrivateKey", suffix: "-token-key", what: "token-signing key" },
  {
    type: "tls:index/selfSignedCert:SelfSignedCert",
    suffix: "-token-cert",
    what: "token certificate",
  },
  {
    type: "random:index/randomPassword:RandomPassword",
    suffix: "-secretKey",
    what: "encryption key",
  },
];

/** What `harbor:protect` resolves to for a stack. */
export function expectedProtect(stack: string, config: Record<string, unknown>): boolean {
  const explicit = config.protect;
  if (explicit === true || explicit === "true") return true;
  if (explicit === false || explicit === "false") return false;
  return !isDevStack(stack);
}

interface Checked {
  dataHolding: string[];
  keyMaterial: string[];
}

/** Asserts the protection options of a run; returns what it checked. */
function assertProtection(run: ProgramRun, expected: boolean, namespace: string): Checked {
  const regs = run.registrations ?? [];
  const label = (r: RecordedRegistration) => `${r.type}::${r.name}`;
  const checked: Checked = { dataHolding: [], keyMaterial: [] };

  const harborNamespace = run.resources.filter(
    (r) => r.type === NAMESPACE && (r.inputs.metadata as { name?: string })?.name === namespace,
  );
  assert.equal(harborNamespace.length, 1, `one Namespace named ${namespace}`);
  const nsReg = regs.find((g) => g.type === NAMESPACE && g.name === harborNamespace[0].name);
  assert.ok(nsReg, "the namespace registration was captured");
  const guarded = [nsReg, ...regs.filter((g) => DATA_HOLDING.test(g.type))];
  for (const reg of guarded) {
    assert.equal(reg.protect, expected, `${label(reg)}: protect`);
    assert.equal(reg.retainOnDelete, expected, `${label(reg)}: retainOnDelete`);
    checked.dataHolding.push(label(reg));
  }
  for (const key of KEY_MATERIAL) {
    for (const reg of regs.filter((g) => g.type === key.type && g.name.endsWith(key.suffix))) {
      assert.equal(reg.protect, expected, `${label(reg)} (${key.what}): protect`);
      checked.keyMaterial.push(label(reg));
    }
  }
  return checked;
}

const hasGeneratedCa = (config: Record<string, unknown>) => {
  const mode = (config.tls as { mode?: string } | undefined)?.mode ?? "generated";
  return mode === "generated";
};

describe("data safety: protect and retainOnDelete", () => {
  for (const stack of exampleStacks()) {
    const expected = expectedProtect(stack.stack, stack.config);
    it(`${projectRelative(stack.file)}: protect=${expected} reaches the namespace, storage and keys`, async () => {
      const run = await runProgram(stack, { captureOptions: true });
      const namespace =
        typeof stack.config.namespace === "string" ? stack.config.namespace : "harbor";
      const checked = assertProtection(run, expected, namespace);
      const keys = checked.keyMaterial.join(" ");
      assert.match(keys, /-token-key\b/, "the token key was checked");
      assert.match(keys, /-secretKey\b/, "the encryption key was checked");
      if (hasGeneratedCa(stack.config)) assert.match(keys, /-ca-key\b/, "the CA key was checked");
      const storage = stack.config.storage as { variant?: string } | undefined;
      if ((storage?.variant ?? "local-path") !== "existing") {
        assert.ok(
          checked.dataHolding.some((l) => l.startsWith(STORAGE_CLASS)),
          "the StorageClass was checked",
        );
      }
    });
  }

  const dev: StackConfig = {
    config: {
      hostname: "192.168.56.10",
      expose: { type: "nodePort" },
      storage: { variant: "local-path" },
    },
  };
  const overrides: { stack: string; protect?: boolean | string; expected: boolean }[] = [
    { stack: "dev", expected: false },
    { stack: "dev-lab", expected: false },
    { stack: "development", expected: true },
    { stack: "staging", expected: true },
    { stack: "prod", expected: true },
    { stack: "dev", protect: true, expected: true },
    { stack: "dev-lab", protect: "true", expected: true },
    { stack: "staging", protect: false, expected: false },
  ];
  for (const o of overrides) {
    const title = `stack ${o.stack}${o.protect === undefined ? "" : ` with protect ${JSON.stringify(o.protect)}`}: protect=${o.expected}`;
    it(title, async () => {
      const config = o.protect === undefined ? dev.config : { ...dev.config, protect: o.protect };
      assert.equal(expectedProtect(o.stack, config), o.expected);
      const run = await runProgram({ config, stack: o.stack }, { captureOptions: true });
      const checked = assertProtection(run, o.expected, "harbor");
      assert.equal(checked.keyMaterial.length, KEY_MATERIAL.length, checked.keyMaterial.join());
      assert.ok(checked.dataHolding.length >= 2, checked.dataHolding.join());
    });
  }
});

/** Registrations of a freshly constructed HarborCredentials component. */
async function constructCredentials(
  name: string,
  opts: pulumi.ComponentResourceOptions,
  aliasSpecs = true,
): Promise<RecordedRegistration[]> {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder, { stack: "prod" });
  const registrations = captureRegistrations({ aliasSpecs });
  const credentials = new HarborCredentials(name, { protect: true }, opts);
  await resolve(credentials.adminPassword);
  await settle(recorder);
  return registrations;
}

describe("renaming a component keeps its resources (aliases)", () => {
  const COMPONENT = "harbor:core:Credentials";

  it("the renamed component carries an alias spec to its old name; children hang under it", async () => {
    const regs = await constructCredentials("registry-credentials", {
      aliases: [{ name: "harbor" }],
    });
    const component = regs.find((r) => r.type === COMPONENT);
    assert.ok(component?.urn);
    assert.deepEqual(component.aliases, [{ name: "harbor" }]);
    const children = regs.filter((r) => r !== component);
    assert.ok(children.length >= 10);
    for (const child of children) {
      assert.equal(child.parentUrn, component.urn, `${child.name} is a child of the component`);
      assert.ok(child.name.startsWith("registry-credentials-"), child.name);
    }
  });

  it("every child inherits an alias to its URN under the old name, and stays protected", async () => {
    const before = await constructCredentials("harbor", {});
    const oldChildUrns = before
      .filter((r) => r.type !== COMPONENT)
      .map((r) => r.urn)
      .sort();
    assert.ok(oldChildUrns.length >= 10);
    // Without alias specs the SDK itself computes what the engine derives from the parent's alias
    // spec: each child `<new>-x` is aliased to `<old>-x` under the old parent.
    const after = await constructCredentials(
      "registry-credentials",
      { aliases: [{ name: "harbor" }] },
      false,
    );
    const children = after.filter((r) => r.type !== COMPONENT);
    const aliased = children.flatMap((c) => c.aliases.map((a) => a.urn)).sort();
    assert.deepEqual(aliased, oldChildUrns);
    for (const child of children) {
      assert.equal(child.aliases.length, 1, `${child.name}: one inherited alias`);
      assert.ok(
        child.aliases[0].urn?.endsWith(child.name.replace(/^registry-credentials/, "harbor")),
      );
    }
    for (const name of ["registry-credentials-secretKey", "registry-credentials-token-key"]) {
      assert.equal(children.find((c) => c.name === name)?.protect, true, `${name} stays protected`);
    }
  });

  it("without an alias the renamed children would be new resources (replacements)", async () => {
    const regs = await constructCredentials("registry-credentials", {});
    assert.ok(regs.every((r) => r.aliases.length === 0));
  });
});
