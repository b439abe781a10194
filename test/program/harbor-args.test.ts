/**
 * `Harbor` as a library user builds it: `new Harbor(name, args)` with `HarborArgs` written in a
 * program (not a stack's configuration). Its arguments are validated with the stack's rules and
 * messages, each naming `args.<key>`; secret Outputs are checked once known and stay secrets;
 * `protect`, `kubernetes`, `resources` and `chart.values` behave as documented.
 */
import assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { validateHarborArgs } from "../../config/args";
import { ConfigError, forProgramAuthors } from "../../config/errors";
import type { HarborArgs } from "../../config/harbor-args";
import { Harbor } from "../../components/harbor";
import { BAD_CONFIGS } from "../support/bad-configs";
import {
  evaluateProgram,
  installMocks,
  isSecretWrapper,
  plain,
  settle,
  type MockRecorder,
  type ProgramAttempt,
  type RecordedResource,
} from "../support/harness";
import { testChain } from "../support/fixtures/tls";

const HOST = "registry.example.com";
const RELEASE = "kubernetes:helm.sh/v3:Release";

interface Built extends ProgramAttempt {
  harbor?: Harbor;
  /**
   * Errors the SDK raised while registering resources (an input that failed to resolve): what
   * fails `pulumi preview`/`up`, with the engine's "error serializing property" prefix.
   */
  failures: string[];
}

/** Builds one `Harbor` named `registry` in a stack named `dev` under the recording mocks. */
async function build(
  args: () => HarborArgs,
  opts?: () => pulumi.ComponentResourceOptions,
): Promise<Built> {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder, { stack: "dev" });
  pulumi.runtime.setAllConfig({ "app:adminPassword": "Config-Passw0rd-1" }, ["app:adminPassword"]);
  let harbor: Harbor | undefined;
  // A failed registration surfaces as an unhandled rejection (the CLI prints it and fails).
  const failures: string[] = [];
  const listeners = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const capture = (e: unknown) => failures.push(e instanceof Error ? e.message : String(e));
  process.on("unhandledRejection", capture);
  try {
    let attempt: ProgramAttempt;
    try {
      attempt = await evaluateProgram(recorder, () => {
        harbor = new Harbor("registry", args(), opts?.());
        return {};
      });
    } catch (e) {
      // The stack waits for every registration; one that failed fails the program.
      failures.push(e instanceof Error ? e.message : String(e));
      attempt = { resources: recorder.resources, registrations: [] };
    }
    await settle(recorder);
    return { ...attempt, harbor, failures };
  } finally {
    process.removeListener("unhandledRejection", capture);
    for (const l of listeners) process.on("unhandledRejection", l);
  }
}

/** An Output's value, or its rejection (what fails `pulumi preview`/`up`). */
function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

function release(b: Built): RecordedResource {
  const r = b.resources.find((x) => x.type === RELEASE);
  assert.ok(r, "the Harbor release is registered");
  return r;
}

/** Whether `needle` occurs in `value` outside every secret wrapper. */
function inPlainText(value: unknown, needle: string): boolean {
  if (isSecretWrapper(value)) return false;
  if (typeof value === "string") return value.includes(needle);
  if (Array.isArray(value)) return value.some((v) => inPlainText(v, needle));
  if (value !== null && typeof value === "object") {
    return Object.values(value).some((v) => inPlainText(v, needle));
  }
  return false;
}

/** Asserts a secret value reaches resources only inside secret wrappers; returns its carriers. */
function assertOnlyWrapped(resources: RecordedResource[], value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const carriers = resources.filter((r) => JSON.stringify(plain(r.rawInputs)).includes(json));
  for (const r of carriers) {
    assert.equal(
      inPlainText(r.rawInputs, value),
      false,
      `${r.type} ${r.name} holds it in plain text`,
    );
  }
  return carriers.map((r) => r.type);
}

function problemsOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  assert.fail("expected a ConfigError");
}

describe("Harbor args: messages for program authors", function () {
  this.timeout(30_000);

  it("names the component and the argument, before anything is registered", async () => {
    const b = await build(() => ({ hostname: HOST, storage: { variant: "nfs" } }) as HarborArgs);
    assert.ok(b.error instanceof ConfigError);
    assert.equal(
      b.error.message,
      [
        'Harbor "registry": args.storage.nfs.server is required (a DNS name or an IP address)',
        'Harbor "registry": args.storage.nfs.path is required (an absolute path such as /exports/harbor)',
      ].join("\n"),
    );
    assert.equal(b.registrations.length, 0);
    assert.equal(b.resources.length, 0);
  });

  it("a misspelt argument gets a suggestion and no pointer to the stack's reference page", () => {
    const e = problemsOf(() =>
      validateHarborArgs("r", { hostname: HOST, hostnmae: HOST } as unknown as HarborArgs),
    );
    assert.deepEqual(e.problems, [
      "args.hostnmae is not a known setting (did you mean args.hostname?); see HarborArgs",
    ]);
  });

  it("a missing secret says which argument to pass, never `pulumi config set`", () => {
    const e = problemsOf(() =>
      validateHarborArgs("r", { hostname: HOST, tls: { mode: "provided" } }),
    );
    assert.deepEqual(e.problems, [
      "args.tlsCertificate is required when args.tls.mode is provided: pass it as args.tlsCertificate",
      "args.tlsPrivateKey is required when args.tls.mode is provided: pass it as args.tlsPrivateKey",
      "args.tlsCaCertificate is required when args.tls.mode is provided: pass it as args.tlsCaCertificate",
    ]);
  });

  it("quoted values are never rewritten", () => {
    assert.equal(
      forProgramAuthors('harbor:a.b must differ from harbor:c, got "harbor:c"'),
      'args.a.b must differ from args.c, got "harbor:c"',
    );
  });

  it("every bad stack configuration fails the same way as arguments, named for a program", () => {
    let compared = 0;
    for (const c of BAD_CONFIGS) {
      const args = { ...c.config, ...c.secrets } as unknown as HarborArgs;
      // Plain-text storage of a secret is a stack file's problem; a program's value is its own.
      const expected = c.expected
        .filter((l) => !l.includes("is stored in plain text in the stack file"))
        .map((l) =>
          forProgramAuthors(l.replace(" (write it as a YAML map in the stack file)", "")),
        );
      if (expected.length === 0) {
        assert.doesNotThrow(() => validateHarborArgs("t", args), `${c.key}: ${c.title}`);
        continue;
      }
      const e = problemsOf(() => validateHarborArgs("t", args));
      assert.deepEqual(e.problems, expected, `${c.key}: ${c.title}`);
      for (const line of e.message.split("\n")) {
        assert.ok(line.startsWith('Harbor "t": args.'), line);
        assert.ok(!line.includes("pulumi config"), line);
        // `harbor:` only inside a quoted value.
        assert.ok(!/(^|[^"\w])harbor:[A-Za-z]/.test(line.replace(/"(?:[^"\\]|\\.)*"/g, "")), line);
      }
      compared++;
    }
    assert.ok(compared >= 250, `${compared} cases compared`);
  });
});

describe("Harbor args: secrets given as Outputs", function () {
  this.timeout(30_000);

  it("a RandomPassword-style Output with a known bad value fails with the same message", async () => {
    const b = await build(() => ({ hostname: HOST, adminPassword: pulumi.secret("weak") }));
    assert.equal(b.error, undefined, "the structure is valid: the constructor does not throw");
    // Complexity is a warning since seed 000's hex password (Harbor checks only the length of the
    // initial password), so the length is the one content error.
    const message =
      'Harbor "registry": args.adminPassword must be 8-128 characters (Harbor\'s rule)';
    await assert.rejects(settled(b.harbor!.adminPassword), (e: Error) => {
      // The SDK prefixes the property path it was serializing when it met the rejection.
      assert.ok(e instanceof ConfigError);
      assert.ok(e.message.endsWith(message), e.message);
      return true;
    });
    // The deployment fails on it, in every registration that needs the value.
    assert.ok(b.failures.length > 0);
    for (const f of b.failures) assert.ok(f.endsWith(`: ${message}`), f);
    // Nothing that needs the value was created: the release's values never resolved.
    assert.equal(
      b.resources.some((r) => r.type === RELEASE),
      false,
    );
  });

  it("a known good Output reaches the release and its Secret only inside secret wrappers", async () => {
    const password = "Output-Passw0rd-42";
    const b = await build(() => ({ hostname: HOST, adminPassword: pulumi.output(password) }));
    assert.equal(b.error, undefined);
    assert.equal(await settled(b.harbor!.adminPassword), password);
    assert.equal(await pulumi.isSecret(b.harbor!.adminPassword), true);
    await settle({ resources: b.resources });
    assert.equal(
      (release(b).inputs.values as { harborAdminPassword: string }).harborAdminPassword,
      password,
    );
    assert.ok(assertOnlyWrapped(b.resources, password).includes(RELEASE));
  });

  it("a plain string secret is wrapped the same way", async () => {
    const password = "Plain-Passw0rd-42";
    const b = await build(() => ({ hostname: HOST, adminPassword: password }));
    assert.ok(assertOnlyWrapped(b.resources, password).includes(RELEASE));
  });

  it("config.requireSecret is an argument as it is", async () => {
    const b = await build(() => ({
      hostname: HOST,
      adminPassword: new pulumi.Config("app").requireSecret("adminPassword"),
    }));
    assert.equal(await settled(b.harbor!.adminPassword), "Config-Passw0rd-1");
    assert.ok(assertOnlyWrapped(b.resources, "Config-Passw0rd-1").includes(RELEASE));
  });

  it("an unknown Output (preview of a password created in the same update) skips only its content checks", async () => {
    const recorder: MockRecorder = { resources: [] };
    await pulumi.runtime.setMocks(
      {
        newResource: (a) => {
          recorder.resources.push({
            type: a.type,
            name: a.name,
            rawInputs: a.inputs as Record<string, unknown>,
            inputs: plain(a.inputs) as Record<string, unknown>,
            state: {},
          });
          return { id: `${a.name}-id`, state: a.inputs as Record<string, unknown> };
        },
        call: (a) => a.inputs as Record<string, unknown>,
      },
      "harbor",
      "dev",
      true,
    );
    const unknownPassword = pulumi.output(pulumi.unknown as unknown as string);
    // The structure is still checked at once.
    assert.throws(
      () => new Harbor("bad", { hostname: "Bad_Host", adminPassword: unknownPassword }),
      (e: Error) => e instanceof ConfigError && /args\.hostname must be/.test(e.message),
    );
    await pulumi.runtime.runInPulumiStack(() => {
      new Harbor("registry", { hostname: HOST, adminPassword: unknownPassword });
      return Promise.resolve({});
    });
    await settle(recorder);
    const r = recorder.resources.find((x) => x.type === RELEASE);
    assert.ok(r, "the release is declared: nothing failed on the unknown value");
    // The values depend on the password: unknown to the engine, and a secret.
    const values = r.rawInputs.values;
    assert.ok(isSecretWrapper(values) && pulumi.isUnknown(values.value));
  });

  it("a provided chain given as Outputs is checked as a whole once known", async () => {
    const chain = testChain(HOST);
    const other = testChain("other.example.com");
    const b = await build(() => ({
      hostname: HOST,
      tls: { mode: "provided" },
      tlsCertificate: pulumi.secret(chain.certificate),
      tlsPrivateKey: pulumi.secret(other.privateKey),
      tlsCaCertificate: pulumi.output(chain.caCertificate),
    }));
    assert.equal(b.error, undefined);
    const message =
      'Harbor "registry": args.tlsPrivateKey does not match args.tlsCertificate (the key belongs to another certificate)';
    await assert.rejects(settled(b.harbor!.caCertificate), (e: Error) =>
      e.message.endsWith(message),
    );
    assert.ok(b.failures.length > 0);
    for (const f of b.failures) assert.ok(f.endsWith(`: ${message}`), f);
    const good = await build(() => ({
      hostname: HOST,
      tls: { mode: "provided" },
      tlsCertificate: pulumi.secret(chain.certificate),
      tlsPrivateKey: pulumi.secret(chain.privateKey),
      tlsCaCertificate: pulumi.output(chain.caCertificate),
    }));
    // The CA is public (the stack reads it as plain text too); the key stays a secret.
    assert.equal(await settled(good.harbor!.caCertificate), chain.caCertificate);
    assert.equal(await pulumi.isSecret(good.harbor!.caCertificate), false);
    assert.ok(assertOnlyWrapped(good.resources, chain.privateKey).length > 0);
  });

  it("registry secrets as a map of Outputs: checked once known, each entry kept secret", async () => {
    const content = {
      hostname: HOST,
      registries: { dockerhub: { type: "docker-hub" as const, accessKey: "robot" } },
      projects: { cache: { proxyCache: "dockerhub" } },
    };
    // The same check as for plain values, which fail at once.
    assert.deepEqual(
      problemsOf(() =>
        validateHarborArgs("r", { ...content, registrySecrets: { dockerhub: "t", quay: "t" } }),
      ).problems,
      [
        'args.registrySecrets holds a secret for "quay", which is not a registry endpoint (args.registries declares dockerhub)',
      ],
    );
    const good = await build(() => ({
      ...content,
      registrySecrets: { dockerhub: pulumi.secret("token-1") },
    }));
    assert.equal(good.error, undefined);
    const endpoint = good.resources.find(
      (r) => r.type === "pulumi-nodejs:dynamic/harbor:RegistryEndpoint",
    );
    assert.ok(endpoint, "the registry endpoint is declared");
    assert.deepEqual(assertOnlyWrapped(good.resources, "token-1"), [endpoint.type]);
  });
});

describe("Harbor args: protect, kubernetes, resources and chart values", function () {
  this.timeout(30_000);

  const namespaceRegistration = (b: Built) => {
    const ns = b.resources.find(
      (r) =>
        r.type === "kubernetes:core/v1:Namespace" &&
        (r.inputs.metadata as { name: string }).name === "harbor",
    );
    return b.registrations.find(
      (r) => r.type === "kubernetes:core/v1:Namespace" && r.name === ns?.name,
    );
  };

  it("protect defaults to true whatever the stack's name (this one is dev), and false is honoured", async () => {
    assert.equal(namespaceRegistration(await build(() => ({ hostname: HOST })))?.protect, true);
    const off = await build(() => ({ hostname: HOST, protect: false }));
    assert.equal(namespaceRegistration(off)?.protect, false);
    assert.equal(namespaceRegistration(off)?.retainOnDelete, false);
  });

  it("args.kubernetes builds the component's own provider, which every Kubernetes object uses", async () => {
    const b = await build(() => ({ hostname: HOST, kubernetes: { context: "prod-cluster" } }));
    assert.equal(b.error, undefined);
    const providers = b.resources.filter((r) => r.type === "pulumi:providers:kubernetes");
    assert.deepEqual(
      providers.map((p) => [p.name, p.inputs.context]),
      [["registry-kubernetes", "prod-cluster"]],
    );
    const reg = b.registrations.find((r) => r.type === "pulumi:providers:kubernetes");
    assert.match(reg!.parentUrn, /harbor:index:Harbor::registry$/);
    const k8sObjects = b.resources.filter((r) => r.type.startsWith("kubernetes:"));
    assert.ok(k8sObjects.length > 5);
    for (const r of k8sObjects) {
      assert.match(r.provider ?? "", /::registry-kubernetes::/, `${r.type} ${r.name}`);
    }
  });

  it("args.kubernetes together with a provider in the options is refused", async () => {
    const b = await build(
      () => ({ hostname: HOST, kubernetes: { context: "prod-cluster" } }),
      () => ({ providers: [new k8s.Provider("k8s", {})] }),
    );
    assert.ok(b.error instanceof ConfigError);
    assert.equal(
      b.error.message,
      'Harbor "registry": args.kubernetes cannot be combined with a Kubernetes provider in the resource options (provider, providers, or one inherited from a parent): give the cluster in one place',
    );
    assert.equal(b.resources.filter((r) => r.type.startsWith("kubernetes:")).length, 0);
  });

  it("without args.kubernetes the options' provider is used, as for any component", async () => {
    const b = await build(
      () => ({ hostname: HOST }),
      () => ({ providers: [new k8s.Provider("cluster", { context: "lab" })] }),
    );
    assert.equal(b.error, undefined);
    assert.match(release(b).provider ?? "", /::cluster::/);
  });

  it("resources land on each component the chart deploys, defaults kept where not given", async () => {
    const b = await build(() => ({
      hostname: HOST,
      expose: { type: "nodePort" },
      metrics: { enabled: true },
      resources: {
        core: { limits: { memory: "1Gi" } },
        registry: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "4Gi" } },
        database: { requests: { memory: "512Mi" } },
      },
    }));
    const v = release(b).inputs.values as Record<string, Record<string, Record<string, unknown>>>;
    const chartExample = { requests: { cpu: "100m", memory: "256Mi" } };
    assert.deepEqual(v.core.resources, { ...chartExample, limits: { memory: "1Gi" } });
    assert.deepEqual(v.registry.registry.resources, {
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { memory: "4Gi" },
    });
    assert.deepEqual((v.database.internal as { resources: unknown }).resources, {
      requests: { cpu: "100m", memory: "512Mi" },
    });
    assert.deepEqual((v.redis.internal as { resources: unknown }).resources, chartExample);
    for (const c of ["portal", "jobservice", "nginx", "exporter"]) {
      assert.deepEqual(v[c].resources, chartExample, c);
    }
    assert.deepEqual(v.trivy.resources, {
      requests: { cpu: "200m", memory: "512Mi" },
      limits: { cpu: "1", memory: "1Gi" },
    });
  });

  it("chart values merge last, key by key, without touching what the program sets", async () => {
    const b = await build(() => ({
      hostname: HOST,
      chart: {
        values: {
          imagePullSecrets: [{ name: "mirror-pull" }],
          core: { podLabels: { team: "platform" }, extraEnvVars: [{ name: "A", value: "1" }] },
          logLevel: "debug",
        },
      },
    }));
    const v = release(b).inputs.values as Record<string, unknown> & {
      core: Record<string, unknown>;
    };
    assert.deepEqual(v.imagePullSecrets, [{ name: "mirror-pull" }]);
    assert.equal(v.logLevel, "debug");
    assert.deepEqual(v.core.podLabels, { team: "platform" });
    assert.deepEqual(v.core.extraEnvVars, [{ name: "A", value: "1" }]);
    // The program's own values in the same block are still there.
    assert.equal(typeof v.core.secret, "string");
    assert.equal(v.core.replicas, 1);
    assert.ok(assertOnlyWrapped(b.resources, v.core.secret as string).every((t) => t !== ""));
  });

  it("chart values the program owns are refused, naming the argument that sets them", () => {
    const e = problemsOf(() =>
      validateHarborArgs("r", {
        hostname: HOST,
        chart: {
          values: {
            core: { replicas: 3, secret: "x" },
            persistence: { enabled: false },
            trivy: { gitHubToken: "ghp_x" },
          },
        },
      }),
    );
    assert.deepEqual(e.problems, [
      "args.chart.values.core.replicas is set by the program from args.replicas.core; chart values cannot override it",
      "args.chart.values.core.secret cannot be set through chart values: it is a credential the program generates, pins and keeps secret (the admin password is args.adminPassword)",
      "args.chart.values.persistence is set by the program from args.storage and args.objectStorage; chart values cannot override it",
      "args.chart.values.trivy.gitHubToken cannot be set through chart values: a credential here would be stored and shown in plain text",
    ]);
    assert.ok(!e.message.includes("ghp_x"));
  });

  it("an Output in chart values is refused: chart values are data", () => {
    const e = problemsOf(() =>
      validateHarborArgs("r", {
        hostname: HOST,
        chart: { values: { logLevel: pulumi.output("debug") as unknown as string } },
      }),
    );
    assert.deepEqual(e.problems, [
      "args.chart.values.logLevel must be JSON data (a string, number, boolean, null, list or object; an Output cannot be merged into chart values)",
    ]);
  });
});
