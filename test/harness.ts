/**
 * Test harness: Pulumi mocks that record every registered resource, deterministic stand-ins for
 * provider outputs, and helpers to run the whole program (`index.ts`) with a stack configuration.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type {
  RegisterResourceOutputsRequest,
  RegisterResourceRequest,
  RegisterResourceResponse,
} from "@pulumi/pulumi/proto/resource_pb";
import bcrypt from "bcryptjs";
import { parse as parseYaml } from "yaml";

/** Marker the Pulumi SDK uses for secret values in serialized inputs. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export interface RecordedResource {
  type: string;
  name: string;
  /** Inputs as the engine received them: secrets are `{[SECRET_SIG]: ..., value}` wrappers. */
  rawInputs: Record<string, unknown>;
  /** Inputs with secret wrappers removed. */
  inputs: Record<string, unknown>;
  /** Outputs the mock returned. */
  state: Record<string, unknown>;
  provider?: string;
}

export function isSecretWrapper(v: unknown): v is { value: unknown } {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE
  );
}

/** Removes secret wrappers from serialized inputs. */
export function plain(v: unknown): unknown {
  if (isSecretWrapper(v)) return plain(v.value);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

/** Deterministic pseudo-random text from a seed (stand-in for provider-generated values). */
export function seeded(seed: string, length: number, alphabet: string): string {
  let out = "";
  let counter = 0;
  while (out.length < length) {
    const digest = createHash("sha256").update(`${seed}:${counter++}`).digest();
    for (const byte of digest) {
      if (out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BCRYPT_SALT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** The PEM-shaped stand-in the mocks return for keys and certificates. */
export function fakePem(label: string, seed: string): string {
  const body = Buffer.from(`mock ${label} ${seed}`).toString("base64");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** A password honouring RandomPassword's length and minimum counts (letters and digits only). */
function mockPassword(name: string, inputs: Record<string, unknown>): string {
  const length = Number(inputs.length ?? 16);
  const base = seeded(name, length, ALNUM).split("");
  const need = [
    ...Array<string>(Number(inputs.minUpper ?? 0)).fill("A"),
    ...Array<string>(Number(inputs.minLower ?? 0)).fill("z"),
    ...Array<string>(Number(inputs.minNumeric ?? 0)).fill("7"),
  ];
  need.forEach((ch, i) => (base[i] = ch));
  return base.join("");
}

const bcryptCache = new Map<string, string>();
function mockBcrypt(name: string, password: string): string {
  const key = `${name}:${password}`;
  if (!bcryptCache.has(key)) {
    const salt = `$2a$04$${seeded(`salt:${name}`, 22, BCRYPT_SALT_ALPHABET)}`;
    bcryptCache.set(key, bcrypt.hashSync(password, salt));
  }
  return bcryptCache.get(key)!;
}

/** Outputs a provider would add, per resource type; a pure function of name and inputs. */
export function mockState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  stackOutputs: Record<string, Record<string, unknown>>,
): Record<string, unknown> {
  switch (type) {
    case "random:index/randomPassword:RandomPassword": {
      const result = mockPassword(name, inputs);
      return { ...inputs, result, bcryptHash: mockBcrypt(name, result) };
    }
    case "tls:index/privateKey:PrivateKey":
      return {
        ...inputs,
        privateKeyPem: fakePem("PRIVATE KEY", `${String(inputs.algorithm)} ${name}`),
        publicKeyPem: fakePem("PUBLIC KEY", `${String(inputs.algorithm)} ${name}`),
      };
    case "tls:index/selfSignedCert:SelfSignedCert":
      return { ...inputs, certPem: fakePem("CERTIFICATE", `self-signed ${name}`) };
    case "tls:index/certRequest:CertRequest":
      return { ...inputs, certRequestPem: fakePem("CERTIFICATE REQUEST", name) };
    case "tls:index/locallySignedCert:LocallySignedCert":
      return { ...inputs, certPem: fakePem("CERTIFICATE", `signed ${name}`) };
    case "kubernetes:helm.sh/v3:Release":
      return {
        ...inputs,
        status: {
          name: inputs.name,
          namespace: inputs.namespace,
          chart: inputs.chart,
          version: inputs.version,
          status: "deployed",
          revision: 1,
        },
      };
    case "pulumi:pulumi:StackReference": {
      const stack = String(inputs.name);
      return { name: stack, outputs: stackOutputs[stack] ?? {}, secretOutputNames: [] };
    }
    default:
      return inputs;
  }
}

export interface MockRecorder {
  resources: RecordedResource[];
}

/** Installs mocks that record every resource into `recorder`. */
export async function installMocks(
  recorder: MockRecorder,
  options: { stack?: string; stackOutputs?: Record<string, Record<string, unknown>> } = {},
): Promise<void> {
  const stackOutputs = options.stackOutputs ?? {};
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = plain(args.inputs) as Record<string, unknown>;
        const state = mockState(args.type, args.name, inputs, stackOutputs);
        recorder.resources.push({
          type: args.type,
          name: args.name,
          rawInputs: args.inputs as Record<string, unknown>,
          inputs,
          state,
          provider: args.provider,
        });
        const meta = (inputs.metadata ?? {}) as { name?: string; namespace?: string };
        const id = meta.namespace
          ? `${meta.namespace}/${meta.name}`
          : (meta.name ?? `${args.name}-id`);
        return { id, state };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    "harbor",
    options.stack ?? "dev",
    false,
  );
}

/** Resolves any Input, including nested Outputs. */
export function resolve<T>(value: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
  return new Promise((res) => pulumi.output(value).apply((v) => res(v)));
}

/** Whether an Output is a Pulumi secret. */
export function isSecret(value: pulumi.Input<unknown>): Promise<boolean> {
  return pulumi.isSecret(pulumi.output(value));
}

/** Waits until no resource registration happens for a few event-loop turns. */
export async function settle(recorder: MockRecorder): Promise<void> {
  let stable = 0;
  let last = -1;
  while (stable < 5) {
    await new Promise((r) => setTimeout(r, 5));
    if (recorder.resources.length === last) stable++;
    else {
      stable = 0;
      last = recorder.resources.length;
    }
  }
}

export interface ProgramRun {
  resources: RecordedResource[];
  /** Stack outputs, resolved. */
  outputs: Record<string, unknown>;
  /** Names of outputs that are Pulumi secrets. */
  secretOutputs: string[];
  /** The resource of that type and name; fails the test when there is none or several. */
  find(type: string, name: string): RecordedResource;
  /** Every resource of that type. */
  ofType(type: string): RecordedResource[];
  /** Registration requests with their resource options (`RunOptions.captureOptions`). */
  registrations?: RecordedRegistration[];
}

export function findIn(
  resources: RecordedResource[],
  type: string,
  name: string,
): RecordedResource {
  const hits = resources.filter((r) => r.type === type && r.name === name);
  if (hits.length !== 1) {
    const known = resources.map((r) => `${r.type}::${r.name}`).join("\n  ");
    throw new Error(
      `expected one ${type} named ${name}, found ${hits.length}; registered:\n  ${known}`,
    );
  }
  return hits[0];
}

export interface StackConfig {
  /** `harbor:` keys without the prefix; objects are stored as JSON like the Pulumi CLI does. */
  config: Record<string, unknown>;
  /** Keys set with `pulumi config set --secret`. */
  secrets?: Record<string, string>;
  stack?: string;
  /** Outputs of other stacks, for StackReference. */
  stackOutputs?: Record<string, Record<string, unknown>>;
}

/** Sets the runtime's configuration like the Pulumi CLI would. */
export function applyConfig(stack: StackConfig): void {
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(stack.config)) {
    all[`harbor:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  }
  for (const [k, v] of Object.entries(stack.secrets ?? {})) all[`harbor:${k}`] = v;
  pulumi.runtime.setAllConfig(
    all,
    Object.keys(stack.secrets ?? {}).map((k) => `harbor:${k}`),
  );
}

const INDEX = path.resolve(__dirname, "..", "index.ts");

/** Runs `index.ts` under mocks with the given configuration and collects what it declared. */
export async function runProgram(
  stack: StackConfig,
  options: RunOptions = {},
): Promise<ProgramRun> {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder, { stack: stack.stack, stackOutputs: stack.stackOutputs });
  const registrations = options.captureOptions ? captureRegistrations(options) : undefined;
  applyConfig(stack);
  delete require.cache[INDEX];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require(INDEX) as Record<string, pulumi.Input<unknown>>;
  return collectRun(program, recorder, registrations);
}

/** Resolves a loaded program's exports and waits for its registrations to finish. */
async function collectRun(
  program: Record<string, pulumi.Input<unknown>>,
  recorder: MockRecorder,
  registrations: RecordedRegistration[] | undefined,
): Promise<ProgramRun> {
  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [name, value] of Object.entries(program)) {
    outputs[name] = await resolve(value);
    if (pulumi.Output.isInstance(value) && (await isSecret(value))) secretOutputs.push(name);
  }
  await settle(recorder);
  const resources = recorder.resources;
  return {
    resources,
    outputs,
    secretOutputs,
    find: (type, name) => findIn(resources, type, name),
    ofType: (type) => resources.filter((r) => r.type === type),
    ...(registrations ? { registrations } : {}),
  };
}

/** Extra capture for `runProgram` / `tryRunProgram`; everything is off by default. */
export interface RunOptions {
  /**
   * Record every registration's resource options (protect, retainOnDelete, aliases) and every
   * `registerOutputs` call, which the mocks' `newResource` does not see; see `captureRegistrations`.
   */
  captureOptions?: boolean;
  /**
   * `false` simulates an engine without structured alias specs: the SDK then computes every
   * alias itself, including the ones a child inherits from a renamed parent, and sends them as
   * URNs. Only read when `captureOptions` is set.
   */
  aliasSpecs?: boolean;
}

/** One alias of a registration: a full URN, or a structured spec the engine resolves. */
export interface RecordedAlias {
  urn?: string;
  name?: string;
  type?: string;
  stack?: string;
  project?: string;
  parentUrn?: string;
  noParent?: boolean;
}

/** A `RegisterResource` request as the engine received it, with its resource options. */
export interface RecordedRegistration {
  type: string;
  name: string;
  custom: boolean;
  /** URN the mock monitor assigned (set once the registration has completed). */
  urn?: string;
  /** URN of the parent; empty for a resource without a parent. */
  parentUrn: string;
  /** `protect`; undefined when the program did not set it (a child inherits its parent's). */
  protect?: boolean;
  /** `retainOnDelete`; undefined when the program did not set it. */
  retainOnDelete?: boolean;
  /** Structured aliases, or (without alias specs) the alias URNs the SDK computed. */
  aliases: RecordedAlias[];
  /** What a component passed to `registerOutputs`, with secret wrappers kept. */
  registeredOutputs?: Record<string, unknown>;
}

interface MonitorCallbacks {
  registerResource(
    req: RegisterResourceRequest,
    callback: (err: unknown, resp?: RegisterResourceResponse) => void,
  ): unknown;
  registerResourceOutputs(
    req: RegisterResourceOutputsRequest,
    callback: (err: unknown, resp?: unknown) => void,
  ): unknown;
}

function recordedAliases(req: RegisterResourceRequest): RecordedAlias[] {
  const aliases: RecordedAlias[] = req.getAliasesList().map((alias) => {
    if (alias.hasSpec()) {
      const spec = alias.getSpec()!;
      const out: RecordedAlias = {};
      if (spec.getName()) out.name = spec.getName();
      if (spec.getType()) out.type = spec.getType();
      if (spec.getStack()) out.stack = spec.getStack();
      if (spec.getProject()) out.project = spec.getProject();
      if (spec.hasParenturn()) out.parentUrn = spec.getParenturn();
      if (spec.hasNoparent() && spec.getNoparent()) out.noParent = true;
      return out;
    }
    return { urn: alias.getUrn() };
  });
  return [...aliases, ...req.getAliasurnsList().map((urn) => ({ urn }))];
}

/**
 * Wraps the installed mock monitor (call after `installMocks`) so that every registration's
 * resource options and every component's `registerOutputs` are recorded. Additive: the mocks see
 * exactly the same requests.
 */
export function captureRegistrations(
  options: Pick<RunOptions, "aliasSpecs"> = {},
): RecordedRegistration[] {
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorCallbacks | undefined;
  if (!monitor) throw new Error("captureRegistrations: install the mocks first");
  if (options.aliasSpecs === false) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const state = require("@pulumi/pulumi/runtime/state") as {
      getStore(): { supportsAliasSpecs: boolean };
    };
    state.getStore().supportsAliasSpecs = false;
  }
  const registrations: RecordedRegistration[] = [];
  const registerResource = monitor.registerResource.bind(monitor);
  const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const entry: RecordedRegistration = {
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      parentUrn: req.getParent(),
      protect: req.hasProtect() ? req.getProtect() : undefined,
      retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : undefined,
      aliases: recordedAliases(req),
    };
    registrations.push(entry);
    return registerResource(req, (err, resp) => {
      if (resp) entry.urn = resp.getUrn();
      callback(err, resp);
    });
  };
  monitor.registerResourceOutputs = (req, callback) => {
    const outputs = req.getOutputs();
    const target = registrations.find((r) => r.urn === req.getUrn());
    if (target && outputs) {
      target.registeredOutputs = pulumi.runtime.deserializeProperties(outputs);
    }
    return registerResourceOutputs(req, callback);
  };
  return registrations;
}

/** The registration of that type and name; fails when there is none or several. */
export function registrationOf(
  registrations: RecordedRegistration[],
  type: string,
  name: string,
): RecordedRegistration {
  const hits = registrations.filter((r) => r.type === type && r.name === name);
  if (hits.length !== 1) {
    const known = registrations.map((r) => `${r.type}::${r.name}`).join("\n  ");
    throw new Error(
      `expected one registration of ${type} named ${name}, found ${hits.length}; registered:\n  ${known}`,
    );
  }
  return hits[0];
}

/** Outcome of `tryRunProgram`: the program's error, or its run. */
export interface ProgramAttempt {
  /** What loading `index.ts` threw, if anything. */
  error?: unknown;
  /** The completed run, when the program loaded. */
  run?: ProgramRun;
  /** Every resource the mocks saw, also when the program failed. */
  resources: RecordedResource[];
  /** Every registration request (always captured here). */
  registrations: RecordedRegistration[];
}

/**
 * Like `runProgram`, but a program that throws while loading (bad configuration) is reported in
 * `error` together with whatever it registered before throwing, instead of rejecting.
 */
export async function tryRunProgram(
  stack: StackConfig,
  options: Omit<RunOptions, "captureOptions"> = {},
): Promise<ProgramAttempt> {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder, { stack: stack.stack, stackOutputs: stack.stackOutputs });
  const registrations = captureRegistrations(options);
  applyConfig(stack);
  delete require.cache[INDEX];
  let program: Record<string, pulumi.Input<unknown>>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    program = require(INDEX) as Record<string, pulumi.Input<unknown>>;
  } catch (error) {
    await settle(recorder);
    return { error, resources: recorder.resources, registrations };
  }
  const run = await collectRun(program, recorder, registrations);
  return { run, resources: run.resources, registrations };
}

/** Reads an example stack file (`Pulumi.<stack>.yaml`) into a StackConfig. */
export function readStackFile(file: string): StackConfig {
  const doc = parseYaml(readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    if (!key.startsWith("harbor:")) continue;
    if (value && typeof value === "object" && "secure" in value) {
      throw new Error(`${file}: ${key} is encrypted; example stacks must not carry secrets`);
    }
    config[key.slice("harbor:".length)] = value;
  }
  const stack = path.basename(file).replace(/^Pulumi\.(.+)\.yaml$/, "$1");
  return { config, stack };
}

/** Path of a file at the project root. */
export const projectFile = (name: string) => path.resolve(__dirname, "..", name);

/** The values the program hands to Harbor's chart (Release or Chart), secrets unwrapped. */
export function harborValues(run: ProgramRun): Record<string, unknown> {
  const release = run.resources.find(
    (r) => r.type === "kubernetes:helm.sh/v3:Release" && r.name === "harbor-release",
  );
  const chart = run.resources.find(
    (r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.name === "harbor-chart",
  );
  const resource = release ?? chart;
  if (!resource) throw new Error("the program declared no Harbor release or chart");
  return resource.inputs.values as Record<string, unknown>;
}
