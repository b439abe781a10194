/**
 * A small test harness for the consumer program: the mocks of `@harbor-k8s/pulumi/testing` (every
 * resource recorded, StackReferences answered with the outputs the test gives), the way a team that
 * tests its own program uses them, and a runner for `index.ts`. `@pulumi/pulumi` is imported here
 * and not by the testing entry, so it resolves the same way the consumer's code does, also when
 * the example has its own node_modules.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  HarborMocks,
  isSecretWrapper,
  unwrapSecrets,
  type MockedResource,
} from "@harbor-k8s/pulumi/testing";

export { isSecretWrapper };
/** A resource the mocks saw: `inputs` without secret wrappers, `rawInputs` as the engine gets them. */
export type RecordedResource = MockedResource;
/** Removes secret wrappers from serialized inputs. */
export const plain = unwrapSecrets;

/**
 * Installs mocks recording into `resources`; StackReferences read `stackOutputs[stackName]`, and
 * mark the outputs `secretOutputs[stackName]` secret as the engine does (none when unset).
 */
export async function installMocks(
  resources: RecordedResource[],
  stackOutputs: Record<string, Record<string, unknown>> = {},
  secretOutputs: Record<string, string[]> = {},
): Promise<void> {
  const mocks = new HarborMocks({ stackOutputs, stackSecretOutputs: secretOutputs });
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const answer = mocks.newResource(args);
        resources.push(mocks.resources[mocks.resources.length - 1]);
        return answer;
      },
      call: (args) => mocks.call(args),
    },
    "harbor-consumer",
    "dev",
    false,
  );
}

/** Resolves any Input, including nested Outputs. */
export function resolve<T>(value: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
  return new Promise((res) => pulumi.output(value).apply((v) => res(v)));
}

/** Whether an Input is a Pulumi secret. */
export function isSecret(value: pulumi.Input<unknown>): Promise<boolean> {
  return pulumi.isSecret(pulumi.output(value));
}

/** Waits until no resource registration happens for a few event-loop turns. */
export async function settle(resources: RecordedResource[]): Promise<void> {
  let stable = 0;
  let last = -1;
  while (stable < 5) {
    await new Promise((r) => setTimeout(r, 5));
    if (resources.length === last) stable++;
    else {
      stable = 0;
      last = resources.length;
    }
  }
}

/** The resource of that type and name; fails when there is none or several. */
export function find(resources: RecordedResource[], type: string, name: string): RecordedResource {
  const hits = resources.filter((r) => r.type === type && r.name === name);
  if (hits.length !== 1) {
    const known = resources.map((r) => `${r.type}::${r.name}`).join("\n  ");
    throw new Error(`expected one ${type} named ${name}, found ${hits.length}:\n  ${known}`);
  }
  return hits[0];
}

export interface ConsumerRun {
  resources: RecordedResource[];
  /** Stack outputs, resolved. */
  outputs: Record<string, unknown>;
  /** Names of outputs that are Pulumi secrets. */
  secretOutputs: string[];
}

const INDEX = path.resolve(__dirname, "..", "index.ts");

/** Options of `runConsumer`. */
export interface RunOptions {
  /** Outputs each referenced stack marks secret (by stack name); none by default. */
  secretOutputs?: Record<string, string[]>;
  /** Record the resources here, to inspect them also when the program fails. */
  resources?: RecordedResource[];
}

/**
 * Runs the consumer's `index.ts` under mocks: `config` are `consumer:` keys without the prefix,
 * `secrets` those set with `--secret`, `stackOutputs` the outputs of referenced stacks.
 */
export async function runConsumer(
  config: Record<string, string>,
  secrets: Record<string, string>,
  stackOutputs: Record<string, Record<string, unknown>>,
  options: RunOptions = {},
): Promise<ConsumerRun> {
  const resources: RecordedResource[] = options.resources ?? [];
  await installMocks(resources, stackOutputs, options.secretOutputs);
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...config, ...secrets })) all[`consumer:${k}`] = v;
  pulumi.runtime.setAllConfig(
    all,
    Object.keys(secrets).map((k) => `consumer:${k}`),
  );
  delete require.cache[INDEX];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const main = require(INDEX) as () => Promise<Record<string, pulumi.Input<unknown>>>;
  const program = await main();
  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [name, value] of Object.entries(program)) {
    outputs[name] = await resolve(value);
    if (await isSecret(value)) secretOutputs.push(name);
  }
  await settle(resources);
  return { resources, outputs, secretOutputs };
}

/** Every string in serialized inputs that is not inside a secret wrapper. */
export function plainStrings(v: unknown): string[] {
  if (isSecretWrapper(v)) return [];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(plainStrings);
  if (v && typeof v === "object") return Object.values(v).flatMap(plainStrings);
  return [];
}
