/**
 * Pulumi's mock runtime, set up to evaluate this program without a cluster or the Pulumi CLI:
 * mocks that record every registered resource with deterministic stand-ins for provider outputs,
 * and a runner that evaluates a program inside a stack, recording each resource's options through
 * the SDK's public stack transformations. Used by `scripts/plan.ts` and by the tests.
 */
import * as pulumi from "@pulumi/pulumi";
import bcrypt from "bcryptjs";
import { providerState, seeded, unwrapSecrets } from "../../testing";

const STACK_TYPE = "pulumi:pulumi:Stack";

// The provider stand-ins and secret markers are the package's testing entry (testing.ts), which
// programs that use the `Harbor` component test with; this runtime adds a real bcrypt hash and the
// recording runner the project's own tests and scripts/plan.ts need.
export { SECRET_SIG, fakePem, isSecretWrapper, seeded } from "../../testing";
/** Removes secret wrappers from serialized inputs. */
export const plain = unwrapSecrets;

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

const BCRYPT_SALT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

const bcryptCache = new Map<string, string>();
function mockBcrypt(name: string, password: string): string {
  const key = `${name}:${password}`;
  if (!bcryptCache.has(key)) {
    const salt = `$2a$04$${seeded(`salt:${name}`, 22, BCRYPT_SALT_ALPHABET)}`;
    bcryptCache.set(key, bcrypt.hashSync(password, salt));
  }
  return bcryptCache.get(key)!;
}

/**
 * Outputs a provider would add, per resource type; a pure function of name and inputs: the
 * testing entry's stand-ins, with a RandomPassword's `bcryptHash` a real bcrypt of its `result`.
 */
export function mockState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  stackOutputs: Record<string, Record<string, unknown>>,
): Record<string, unknown> {
  const state = providerState(type, name, inputs, stackOutputs);
  if (type === "random:index/randomPassword:RandomPassword") {
    return { ...state, bcryptHash: mockBcrypt(name, String(state.result)) };
  }
  return state;
}

/**
 * An alias as the SDK sent it to the engine in `RegisterResourceRequest.aliases`
 * (runtime/resource.js `mapAliasesForRequest`): a URN, or a spec whose missing fields the engine
 * fills in from the resource.
 */
export type SentAlias =
  | { urn: string }
  | {
      spec: {
        name: string;
        type: string;
        stack: string;
        project: string;
        /** Set when the spec names a parent (the URN the SDK resolved). */
        parentUrn?: string;
        /** Set when the spec says "no parent". */
        noParent?: boolean;
      };
    };

/** A `RegisterResource` request as the mock monitor received it, with the URN it answered. */
export interface RecordedRequest {
  type: string;
  name: string;
  custom: boolean;
  /** Parent URN as the mock monitor knows it ("" for none). */
  parent: string;
  /** The URN the mock monitor answered. */
  urn: string;
  /** `aliasSpecs`: the SDK sends properly specified aliases. */
  aliasSpecs: boolean;
  aliases: SentAlias[];
  /** `aliasURNs`, sent by SDKs talking to engines without alias specs. */
  aliasUrns: string[];
}

export interface MockRecorder {
  resources: RecordedResource[];
  /** Every RegisterResource request, in the order the monitor received them. */
  requests?: RecordedRequest[];
}

interface RegisterRequestLike {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getAliasspecs(): boolean;
  getAliasurnsList(): string[];
  getAliasesList(): {
    getUrn(): string;
    getSpec():
      | {
          getName(): string;
          getType(): string;
          getStack(): string;
          getProject(): string;
          hasParenturn(): boolean;
          getParenturn(): string;
          hasNoparent(): boolean;
          getNoparent(): boolean;
        }
      | undefined;
  }[];
}

/** What the SDK put in a RegisterResource request's alias fields. */
function sentAliases(req: RegisterRequestLike): SentAlias[] {
  return req.getAliasesList().map((a) => {
    const spec = a.getSpec();
    if (spec === undefined) return { urn: a.getUrn() };
    return {
      spec: {
        name: spec.getName(),
        type: spec.getType(),
        stack: spec.getStack(),
        project: spec.getProject(),
        ...(spec.hasParenturn() ? { parentUrn: spec.getParenturn() } : {}),
        ...(spec.hasNoparent() ? { noParent: spec.getNoparent() } : {}),
      },
    };
  });
}

/**
 * Records every RegisterResource request the mock monitor receives (the aliases exactly as the
 * SDK serialized them), by wrapping the monitor's handler.
 */
function recordRequests(recorder: MockRecorder): void {
  const requests: RecordedRequest[] = [];
  recorder.requests = requests;
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(
      req: RegisterRequestLike,
      callback: (err: unknown, resp?: { getUrn(): string }) => void,
    ): void;
  };
  const handle = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    handle(req, (err, resp) => {
      if (resp) {
        requests.push({
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          parent: req.getParent(),
          urn: resp.getUrn(),
          aliasSpecs: req.getAliasspecs(),
          aliases: sentAliases(req),
          aliasUrns: req.getAliasurnsList(),
        });
      }
      callback(err, resp);
    });
}

/**
 * Lets a program bind resource hooks under the mocks. Pulumi's MockMonitor (`runtime/mocks.js`)
 * sets `supportsResourceHooks` but has no `registerResourceHook`, so a `pulumi.ResourceHook`
 * (which registers itself with the engine through the SDK's callback server, `runtime/callbacks.ts`
 * `registerResourceHook`) would fail. This answers the registration like the engine's resource
 * monitor does (an empty response); the mocks never run steps, so the hooks never run here: a
 * test that needs them calls the hook's `callback` itself (see test/support/engine-sim.ts).
 */
export function acceptResourceHooks(): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as Record<string, unknown> | undefined;
  if (monitor && typeof monitor.registerResourceHook !== "function") {
    monitor.registerResourceHook = (_req: unknown, done: (err: null, res: object) => void) =>
      done(null, {});
  }
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
        if (args.type === STACK_TYPE) return { id: `${args.name}-id`, state: {} };
        // A dynamic resource's serialized provider code is not one of its settings.
        delete inputs.__provider;
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
  acceptResourceHooks();
  recordRequests(recorder);
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
  // The mocks answer registrations through promise chains: a few event-loop turns without a new
  // registration mean the program has declared everything (no timers, so no fixed delay per run).
  let stable = 0;
  let last = -1;
  while (stable < 20) {
    await new Promise((r) => setImmediate(r));
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
  /** The resource of that type and name; fails when there is none or several. */
  find(type: string, name: string): RecordedResource;
  /** Every resource of that type. */
  ofType(type: string): RecordedResource[];
  /** Every resource registration with its resource options. */
  registrations: RecordedRegistration[];
  /** Every RegisterResource request as the engine would receive it. */
  requests: RecordedRequest[];
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

/** A resource registration with the options the program gave it. */
export interface RecordedRegistration {
  type: string;
  name: string;
  custom: boolean;
  /** URN of the parent; "" for a resource at the stack's top level. */
  parentUrn: string;
  /** `protect` as the program set it; undefined when inherited from the parent. */
  protect?: boolean;
  /** `retainOnDelete` as the program set it. */
  retainOnDelete?: boolean;
  /** `replaceOnChanges` as the program set it. */
  replaceOnChanges?: string[];
  /** `deleteBeforeReplace` as the program set it. */
  deleteBeforeReplace?: boolean;
  /** `ignoreChanges` as the program set it. */
  ignoreChanges?: string[];
  /** `customTimeouts` as the program set it. */
  customTimeouts?: pulumi.CustomTimeouts;
  /** `transforms` as the program set them (applied by the engine to children, e.g. a Chart's). */
  transforms?: pulumi.ResourceTransform[];
  /** Names of the resource hooks the program bound, by hook type (`beforeUpdate`: [...]). */
  hooks?: Record<string, string[]>;
  /**
   * Aliases as the program gave them; a `parent` of `pulumi.rootStackResource` (the top level)
   * is recorded as `{parent: ""}`.
   */
  aliases: Record<string, unknown>[];
  /** Names of the resources in its `dependsOn`. */
  dependsOn: string[];
  /**
   * For a component: its public Output properties (what it exposes to the program using it),
   * resolved with secret wrappers kept.
   */
  exposed?: Record<string, unknown>;
}

/** The options beyond protect/retainOnDelete/aliases that the program set (undefined left out). */
function definedOptions(opts: pulumi.CustomResourceOptions): Partial<RecordedRegistration> {
  const out: Partial<RecordedRegistration> = {};
  if (opts.replaceOnChanges !== undefined) out.replaceOnChanges = opts.replaceOnChanges;
  if (opts.deleteBeforeReplace !== undefined) out.deleteBeforeReplace = opts.deleteBeforeReplace;
  if (opts.ignoreChanges !== undefined) out.ignoreChanges = opts.ignoreChanges;
  if (opts.customTimeouts !== undefined) out.customTimeouts = opts.customTimeouts;
  if (opts.transforms !== undefined) out.transforms = opts.transforms;
  return out;
}

interface PendingRegistration {
  record: RecordedRegistration;
  parent?: pulumi.Resource;
  resource: pulumi.Resource;
  aliases: unknown[];
  dependsOn: pulumi.ResourceOptions["dependsOn"];
}

/** The resource names of a `dependsOn` option. */
async function dependencyNames(dependsOn: pulumi.ResourceOptions["dependsOn"]): Promise<string[]> {
  if (dependsOn === undefined) return [];
  const resolved = await resolve<unknown>(dependsOn);
  const list = (Array.isArray(resolved) ? resolved : [resolved]) as pulumi.Resource[];
  const names = await Promise.all(
    list.map(async (r) => {
      const urn = await resolve<string>(r.urn);
      return urn.slice(urn.lastIndexOf("::") + 2);
    }),
  );
  return names.sort();
}

/** Serialized value with secrets kept as wrappers (like the engine receives them). */
async function serialized(value: unknown): Promise<unknown> {
  return pulumi.runtime.serializeProperty("exposed", value, new Set(), {
    keepOutputValues: false,
  });
}

async function finishRegistration(p: PendingRegistration): Promise<RecordedRegistration> {
  const urnOf = async (r: pulumi.Resource | undefined) =>
    r === undefined ? "" : await resolve<string>(r.urn);
  p.record.parentUrn = await urnOf(p.parent);
  p.record.dependsOn = await dependencyNames(p.dependsOn);
  p.record.aliases = await Promise.all(
    p.aliases.map(async (alias) => {
      if (typeof alias === "string") return { urn: alias };
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(alias as Record<string, unknown>)) {
        out[key] =
          key === "parent"
            ? pulumi.Resource.isInstance(value)
              ? await urnOf(value)
              : (value ?? "")
            : await resolve<unknown>(value);
      }
      return out;
    }),
  );
  if (pulumi.ComponentResource.isInstance(p.resource)) {
    const exposed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(p.resource)) {
      if (key.startsWith("__") || key === "urn") continue;
      if (pulumi.Output.isInstance(value)) exposed[key] = await serialized(value);
    }
    p.record.exposed = exposed;
  }
  return p.record;
}

/** The names of the hooks in a binding, by hook type; undefined without hooks. */
function hookNames(
  binding: pulumi.ResourceHookBinding | undefined,
): Record<string, string[]> | undefined {
  if (!binding) return undefined;
  const out: Record<string, string[]> = {};
  for (const [type, hooks] of Object.entries(binding) as [string, unknown[] | undefined][]) {
    if (!hooks?.length) continue;
    out[type] = hooks.map((h) => (h instanceof pulumi.ResourceHook ? h.name : "(function)"));
  }
  return out;
}

/** The outcome of `evaluateProgram`: its error, if loading it threw, and what it registered. */
export interface ProgramAttempt {
  /** What loading the program threw, if anything. */
  error?: unknown;
  /** The completed run, when the program loaded. */
  run?: ProgramRun;
  /** Every resource the mocks saw, also when the program failed. */
  resources: RecordedResource[];
  /** Every registration, also when the program failed. */
  registrations: RecordedRegistration[];
}

/**
 * Evaluates a program module (its top level declares the resources; its exports are the stack
 * outputs) inside a stack under the mocks. The mocks must be installed and the configuration set.
 */
export async function evaluateProgram(
  recorder: MockRecorder,
  load: () => Record<string, pulumi.Input<unknown>>,
): Promise<ProgramAttempt> {
  const pending: PendingRegistration[] = [];
  let program: Record<string, pulumi.Input<unknown>> | undefined;
  let error: unknown;
  await pulumi.runtime.runInPulumiStack(() => {
    pulumi.runtime.registerStackTransformation((args) => {
      pending.push({
        record: {
          type: args.type,
          name: args.name,
          custom: pulumi.CustomResource.isInstance(args.resource),
          parentUrn: "",
          protect: args.opts.protect,
          retainOnDelete: (args.opts as pulumi.CustomResourceOptions).retainOnDelete,
          ...definedOptions(args.opts),
          ...(args.opts.hooks ? { hooks: hookNames(args.opts.hooks) } : {}),
          aliases: [],
          dependsOn: [],
        },
        parent: args.opts.parent,
        dependsOn: args.opts.dependsOn,
        resource: args.resource,
        aliases: [...(args.opts.aliases ?? [])],
      });
      return undefined;
    });
    try {
      program = load();
    } catch (err) {
      error = err;
    }
    return Promise.resolve({});
  });
  await settle(recorder);
  const registrations = await Promise.all(pending.map(finishRegistration));
  if (error !== undefined || program === undefined) {
    return { error, resources: recorder.resources, registrations };
  }
  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  // By name: Pulumi keeps stack outputs by name, and the export order of a module depends on the
  // transpiler (SWC, which `pulumi preview` uses here, defines exports alphabetically).
  for (const [name, value] of Object.entries(program).sort(([a], [b]) => (a < b ? -1 : 1))) {
    outputs[name] = await resolve(value);
    if (pulumi.Output.isInstance(value) && (await isSecret(value))) secretOutputs.push(name);
  }
  await settle(recorder);
  const resources = recorder.resources;
  const run: ProgramRun = {
    resources,
    outputs,
    secretOutputs,
    find: (type, name) => findIn(resources, type, name),
    ofType: (type) => resources.filter((r) => r.type === type),
    registrations,
    requests: recorder.requests ?? [],
  };
  return { run, resources, registrations };
}

/** The configuration the Pulumi CLI hands a program: every key in full, and which are secret. */
export interface RuntimeConfig {
  values: Record<string, string>;
  secretKeys: string[];
}

/**
 * Loads a program module afresh (its top level declares the resources; its exports are the stack
 * outputs) under newly installed mocks with this configuration, and evaluates it.
 */
export async function evaluateModule(
  modulePath: string,
  config: RuntimeConfig,
  options: { stack?: string; stackOutputs?: Record<string, Record<string, unknown>> } = {},
): Promise<ProgramAttempt> {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder, options);
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  delete require.cache[modulePath];
  return evaluateProgram(recorder, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(modulePath) as Record<string, pulumi.Input<unknown>>;
  });
}

/** The values the program hands to Harbor's chart (Release or Chart), secrets unwrapped. */
export function harborValues(run: Pick<ProgramRun, "resources">): Record<string, unknown> {
  const resource = run.resources.find(
    (r) =>
      (r.type === "kubernetes:helm.sh/v3:Release" && r.name === "harbor-release") ||
      (r.type === "kubernetes:helm.sh/v4:Chart" && r.name === "harbor-chart"),
  );
  if (!resource) throw new Error("the program declared no Harbor release or chart");
  return resource.inputs.values as Record<string, unknown>;
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
