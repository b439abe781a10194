/**
 * Test harness: the mock runtime of `scripts/runtime` (recording mocks, deterministic provider
 * outputs, a program runner that records resource options through public SDK hooks), plus helpers
 * to run this project's `index.ts` with a stack configuration.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import {
  evaluateProgram,
  installMocks,
  type MockRecorder,
  type ProgramAttempt,
  type ProgramRun,
} from "../scripts/runtime/mock-runtime";

export {
  SECRET_SIG,
  evaluateProgram,
  fakePem,
  findIn,
  harborValues,
  installMocks,
  isSecret,
  isSecretWrapper,
  mockState,
  plain,
  resolve,
  seeded,
  settle,
  type MockRecorder,
  type ProgramAttempt,
  type ProgramRun,
  type RecordedRegistration,
  type RecordedResource,
  registrationOf,
} from "../scripts/runtime/mock-runtime";

export interface StackConfig {
  /** `harbor:` keys without the prefix; objects are stored as JSON like the Pulumi CLI does. */
  config: Record<string, unknown>;
  /** Keys set with `pulumi config set --secret`. */
  secrets?: Record<string, string>;
  /** Keys of other namespaces in full (`kubernetes:context`), as plain strings. */
  otherConfig?: Record<string, string>;
  stack?: string;
  /** Outputs of other stacks, for StackReference. */
  stackOutputs?: Record<string, Record<string, unknown>>;
}

/** Sets the runtime's configuration like the Pulumi CLI would. */
export function applyConfig(stack: StackConfig): void {
  const all: Record<string, string> = { ...stack.otherConfig };
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

/** Loads `index.ts` afresh under the mocks with the given configuration. */
async function attempt(stack: StackConfig): Promise<ProgramAttempt> {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder, { stack: stack.stack, stackOutputs: stack.stackOutputs });
  applyConfig(stack);
  delete require.cache[INDEX];
  return evaluateProgram(recorder, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(INDEX) as Record<string, pulumi.Input<unknown>>;
  });
}

/** Runs `index.ts` under mocks with the given configuration and collects what it declared. */
export async function runProgram(stack: StackConfig): Promise<ProgramRun> {
  const result = await attempt(stack);
  if (result.error !== undefined || !result.run) throw result.error;
  return result.run;
}

/**
 * Like `runProgram`, but a program that throws while loading (bad configuration) is reported in
 * `error` together with whatever it registered before throwing, instead of rejecting.
 */
export function tryRunProgram(stack: StackConfig): Promise<ProgramAttempt> {
  return attempt(stack);
}

/** Reads an example stack file (`Pulumi.<stack>.yaml`, no secrets in it) into a StackConfig. */
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
