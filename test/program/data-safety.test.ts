/**
 * Data safety: `harbor:protect` (default true, false for stacks named dev / dev-*) must reach the
 * resources whose loss loses data or trust: the Harbor namespace and every StorageClass (and any
 * claim, volume or Ceph pool the program declares) get `protect` and `retainOnDelete`; the CA, the
 * token-signing key and Harbor's encryption key (secretKey) get `protect`. Resource options are
 * not visible to the mocks' `newResource`; the harness records them through the SDK's stack
 * transformations. Also: moving the resources into the `Harbor` component keeps them (`aliases`).
 */
import assert from "node:assert/strict";
import { isDevStack } from "../../config/load";
import {
  runProgram,
  type ProgramRun,
  type RecordedRegistration,
  type StackConfig,
} from "../support/harness";
import {
  exampleRun,
  exampleStacks,
  projectRelative,
  type ExampleStackName,
} from "../support/example-stacks";

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
  // PostgreSQL and Harbor keep the first value (test/program/credentials-protect.test.ts).
  {
    type: "random:index/randomPassword:RandomPassword",
    suffix: "-databasePassword",
    what: "internal database password",
  },
  {
    type: "random:index/randomPassword:RandomPassword",
    suffix: "-adminPassword",
    what: "generated admin password",
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
      const run = await exampleRun(stack.stack as ExampleStackName);
      const namespace =
        typeof stack.config.namespace === "string" ? stack.config.namespace : "harbor";
      const checked = assertProtection(run, expected, namespace);
      const keys = checked.keyMaterial.join(" ");
      assert.match(keys, /-token-key\b/, "the token key was checked");
      assert.match(keys, /-secretKey\b/, "the encryption key was checked");
      assert.match(keys, /-databasePassword\b/, "the database password was checked");
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
      const run = await runProgram({ config, stack: o.stack });
      const checked = assertProtection(run, o.expected, "harbor");
      assert.equal(checked.keyMaterial.length, KEY_MATERIAL.length, checked.keyMaterial.join());
      assert.ok(checked.dataHolding.length >= 2, checked.dataHolding.join());
    });
  }
});

describe("moving everything into the Harbor component keeps existing stacks' resources", () => {
  let run: ProgramRun;
  before(async () => {
    run = await exampleRun("prod");
  });

  it("everything but the provider hangs under one harbor:index:Harbor", () => {
    const harbor = run.registrations.filter((r) => r.type === "harbor:index:Harbor");
    assert.equal(harbor.length, 1);
    assert.equal(harbor[0].parentUrn, "");
    const topLevel = run.registrations
      .filter((r) => r.parentUrn === "")
      .map((r) => `${r.type}::${r.name}`)
      .sort();
    assert.deepEqual(topLevel, [
      "harbor:index:Harbor::harbor",
      "pulumi:providers:kubernetes::kubernetes",
    ]);
  });

  it("each direct child keeps its old top-level URN through an alias, the release its old type", () => {
    const harborUrn = run.registrations
      .map((r) => r.parentUrn)
      .find((u) => /[:$]harbor:index:Harbor::harbor$/.test(u));
    assert.ok(harborUrn);
    const children = run.registrations.filter((r) => r.parentUrn === harborUrn);
    assert.deepEqual(children.map((c) => `${c.type}::${c.name}`).sort(), [
      "harbor:content:RegistryContent::harbor-content",
      "harbor:core:Credentials::harbor",
      "harbor:core:HarborRelease::harbor",
      "harbor:core:Namespace::harbor",
      "harbor:storage:Storage::harbor",
      "harbor:tls:Certificates::harbor",
      "harbor:trust:NamespaceTrust::harbor-trust",
      "harbor:trust:NodeTrust::harbor-node-trust",
      "harbor:upgrade:VersionGuard::harbor-upgrade",
      "pulumi-nodejs:dynamic/harbor:AuthModeGuard::harbor-auth-mode",
    ]);
    for (const child of children) {
      // The guards and the registry content came with the component: no earlier URN.
      if (
        child.type === "harbor:upgrade:VersionGuard" ||
        child.type === "harbor:content:RegistryContent" ||
        child.type === "pulumi-nodejs:dynamic/harbor:AuthModeGuard"
      ) {
        assert.deepEqual(child.aliases, []);
        continue;
      }
      // One alias per old URN (test/program/aliases.test.ts resolves them as the engine does).
      const expected =
        child.type === "harbor:core:HarborRelease"
          ? [{ parent: "", type: "harbor:core:Harbor" }]
          : [{ parent: "" }];
      assert.deepEqual(child.aliases, expected, `${child.type}::${child.name}`);
    }
  });
});
