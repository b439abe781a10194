/**
 * The dynamic providers' code as it goes into the state (`__provider`): built from the modules
 * that define the providers (lib/provider-module.ts) rather than serialized from their closures by
 * the SDK, which cost every preview 0.3-1.3 s of CPU. The engine's side of it is the dynamic
 * provider host, which loads the text as a module and calls `handler()` (@pulumi/pulumi
 * cmd/dynamic-provider/index.js, `getProvider`). Also the deferred formatting of the SDK's
 * promise stack traces (components/promise-stacks.ts).
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "../../components/dynamic-resource";
import { deferPromiseStackTraces } from "../../components/promise-stacks";
import { PROVIDERS } from "../../lib/harbor-api/providers";
import { authModeGuardProvider } from "../../lib/harbor-api/providers/auth-mode";
import { providerModule } from "../../lib/provider-module";
import { versionGuardProvider } from "../../lib/version-guard";

/** The SDK's promise wrapper (internal: runtime/debuggable.js, no type declaration). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { debuggablePromise } = require("@pulumi/pulumi/runtime/debuggable") as {
  debuggablePromise: <T>(p: Promise<T>, ctx: unknown) => Promise<T>;
};

/** Each provider of the program, with the module and export that define it. */
const DEFINED: [string, pulumi.dynamic.ResourceProvider, string, string][] = [
  ...(
    [
      ["RegistryEndpoint", "registry-endpoint", "registryEndpointProvider"],
      ["Project", "project", "projectProvider"],
      ["ProjectMember", "member", "projectMemberProvider"],
      ["Robot", "robot", "robotProvider"],
      ["Retention", "retention", "retentionProvider"],
      ["ImmutableTagRule", "immutable-rule", "immutableRuleProvider"],
      ["Replication", "replication", "replicationProvider"],
      ["GcSchedule", "gc-schedule", "gcScheduleProvider"],
      ["ScanAllSchedule", "scan-all", "scanAllScheduleProvider"],
      ["SystemSettings", "system-settings", "systemSettingsProvider"],
    ] as const
  ).map(([kind, file, name]): [string, pulumi.dynamic.ResourceProvider, string, string] => [
    kind,
    PROVIDERS[kind],
    `lib/harbor-api/providers/${file}`,
    name,
  ]),
  [
    "AuthModeGuard",
    authModeGuardProvider,
    "lib/harbor-api/providers/auth-mode",
    "authModeGuardProvider",
  ],
  ["VersionGuard", versionGuardProvider, "lib/version-guard", "versionGuardProvider"],
];

/** A provider exported by this test module, which imports packages: it cannot be bundled. */
export const unbundledProvider: pulumi.dynamic.ResourceProvider = {
  create: (inputs: Record<string, unknown>) => Promise.resolve({ id: "x", outs: inputs }),
};

describe("dynamic providers' code in the state", function () {
  this.timeout(60000);

  it("every provider is its defining module and the modules it imports, nothing else", () => {
    for (const [kind, provider, entry, name] of DEFINED) {
      const text = providerModule(provider);
      assert.ok(text !== undefined, `${kind}: not built from its sources`);
      assert.ok(
        text.endsWith(
          `exports.handler=function(){return __harborModule(${JSON.stringify(entry)})[${JSON.stringify(name)}];};\n`,
        ),
        `${kind}: handler is not ${entry}'s ${name}`,
      );
      const modules = [
        ...text.matchAll(/(?:^|__harborModules=\{)"([^"]+)":function\(exports,module\)\{/gm),
      ].map((m) => m[1]);
      assert.equal(modules[0], entry, kind);
      // The modules a provider may reach: its own kind, the API client and model, the facts.
      for (const m of modules) {
        assert.match(m, /^(lib\/harbor-api\/|lib\/version-guard$|config\/facts$)/, `${kind}: ${m}`);
      }
      assert.ok(!modules.includes("lib/harbor-api/providers"), `${kind} carries every provider`);
      const requires = new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
      assert.deepEqual(
        [...requires].filter((r) => !["node:http", "node:https"].includes(r)),
        [],
        kind,
      );
      assert.equal(providerModule(provider), text, `${kind}: built twice differently`);
    }
  });

  it("loads in a fresh Node process as the provider host loads it, with the provider's methods", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "harbor-provider-module-"));
    try {
      const files = DEFINED.map(([kind, provider]) => {
        const file = path.join(dir, `${kind}.js`);
        writeFileSync(file, providerModule(provider) ?? "");
        return { kind, file, methods: Object.keys(provider).sort() };
      });
      const driver = `
        const files = ${JSON.stringify(files)};
        process.stdout.write(JSON.stringify(files.map((f) => Object.keys(require(f.file).handler()).sort())));
      `;
      const loaded = JSON.parse(
        execFileSync(process.execPath, ["-e", driver], { cwd: dir, encoding: "utf8" }),
      ) as string[][];
      assert.deepEqual(
        loaded,
        files.map((f) => f.methods),
      );
      // The version gate's check runs: a downgrade is refused with the program's message.
      const check = `
        const p = require(${JSON.stringify(path.join(dir, "VersionGuard.js"))}).handler();
        const olds = { chartVersion: "1.19.1", harborVersion: "v2.15.1", releaseName: "harbor", namespace: "harbor", deployMode: "chart", relocateFrom: "" };
        p.check(olds, { ...olds, chartVersion: "1.18.4" }).then((r) => process.stdout.write(JSON.stringify(r.failures)));
      `;
      const failures = JSON.parse(
        execFileSync(process.execPath, ["-e", check], { cwd: dir, encoding: "utf8" }),
      ) as { property: string; reason: string }[];
      assert.deepEqual(
        failures.map((f) => f.property),
        ["chartVersion"],
      );
      assert.match(
        failures[0].reason,
        /^harbor:chart\.version 1\.18\.4 is lower than the deployed/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a provider whose module imports packages is serialized by the SDK, as before", async () => {
    assert.equal(providerModule(unbundledProvider), undefined);
    const texts: string[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          texts.push(String((args.inputs as { __provider?: unknown }).__provider));
          return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
        },
        call: () => ({}),
      },
      "harbor",
      "dev",
      true,
    );
    const r = new DynamicResource(unbundledProvider, "unbundled", { a: 1 }, {}, "test", "Thing");
    await new Promise<void>((resolve) => r.urn.apply(() => resolve()));
    assert.equal(texts.length, 1);
    assert.match(texts[0], /exports\.handler = __f0;/);
    assert.doesNotMatch(texts[0], /__harborModule/);
  });
});

describe("the SDK's promise stack traces", () => {
  const original: typeof Error.prepareStackTrace = Reflect.get(Error, "prepareStackTrace");
  afterEach(() => {
    Error.prepareStackTrace = original;
  });

  it("are formatted when printed, as before; every other stack trace at once", () => {
    let calls = 0;
    Error.prepareStackTrace = (error, callsites) => {
      calls += 1;
      return `${error.name}: formatted ${callsites.length} frames`;
    };
    deferPromiseStackTraces();
    deferPromiseStackTraces(); // a second install wraps nothing more
    // The SDK keeps the trace on the promise it wraps.
    const wrapped = Promise.resolve(1);
    void debuggablePromise(wrapped, "test");
    assert.equal(calls, 0);
    const trace = (wrapped as unknown as { _debugStackTrace: unknown })._debugStackTrace;
    const printed = `${String(trace)}`;
    assert.equal(calls, 1);
    assert.match(printed, /^Error: formatted \d+ frames$/);
    assert.equal(String(trace), printed);
    assert.equal(calls, 1);
    const stack = new Error("x").stack;
    assert.equal(calls, 2);
    assert.match(stack ?? "", /^Error: formatted \d+ frames$/);
  });
});
