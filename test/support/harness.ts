/**
 * Test harness: the mock runtime of `scripts/runtime` (recording mocks, deterministic provider
 * outputs, a program runner that records resource options through public SDK hooks), plus helpers
 * to run this project's `index.ts` with a stack configuration.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  evaluateModule,
  evaluateProgram as evaluateProgramUnderMocks,
  type ProgramAttempt,
  type ProgramRun,
  type RuntimeConfig,
} from "../../scripts/runtime/mock-runtime";
import { readStackFile as readStackFileAsCli } from "../../scripts/runtime/stack-file";

export {
  SECRET_SIG,
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
} from "../../scripts/runtime/mock-runtime";

let quiet = 0;
let savedStackTraceLimit = Error.stackTraceLimit;

/**
 * Runs `evaluate` with V8's stack traces off. The SDK gives every promise it makes a stack trace
 * (@pulumi/pulumi runtime/debuggable.js `debuggablePromise`: `new Error().stack`), and mapping each
 * through ts-node's source maps is most of what evaluating a program under the mocks costs. The
 * tests' assertions run outside and keep their stacks; an error the program throws here carries its
 * message only (HARBOR_TEST_STACK_TRACES=1 keeps the traces, for debugging one).
 */
export async function withoutStackTraces<T>(evaluate: () => Promise<T>): Promise<T> {
  if (process.env.HARBOR_TEST_STACK_TRACES) return evaluate();
  if (quiet++ === 0) {
    savedStackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
  }
  try {
    return await evaluate();
  } finally {
    if (--quiet === 0) Error.stackTraceLimit = savedStackTraceLimit;
  }
}

/** `evaluateProgram` of the mock runtime, without stack traces (`withoutStackTraces`). */
export function evaluateProgram(
  ...args: Parameters<typeof evaluateProgramUnderMocks>
): Promise<ProgramAttempt> {
  return withoutStackTraces(() => evaluateProgramUnderMocks(...args));
}

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

/** The runtime configuration the Pulumi CLI would hand the program for this stack. */
export function runtimeConfigOf(stack: StackConfig): RuntimeConfig {
  const values: Record<string, string> = { ...stack.otherConfig };
  for (const [k, v] of Object.entries(stack.config)) {
    values[`harbor:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  }
  for (const [k, v] of Object.entries(stack.secrets ?? {})) values[`harbor:${k}`] = v;
  return { values, secretKeys: Object.keys(stack.secrets ?? {}).map((k) => `harbor:${k}`) };
}

/** Sets the runtime's configuration like the Pulumi CLI would. */
export function applyConfig(stack: StackConfig): void {
  const config = runtimeConfigOf(stack);
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
}

const INDEX = path.resolve(__dirname, "..", "..", "index.ts");

/** Loads `index.ts` afresh under the mocks with the given configuration. */
function attempt(stack: StackConfig): Promise<ProgramAttempt> {
  return withoutStackTraces(() =>
    evaluateModule(INDEX, runtimeConfigOf(stack), {
      stack: stack.stack,
      stackOutputs: stack.stackOutputs,
    }),
  );
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
  const { config, stack, secureKeys } = readStackFileAsCli(file);
  if (secureKeys.length > 0) {
    throw new Error(
      `${file}: harbor:${secureKeys[0]} is encrypted; example stacks must not carry secrets`,
    );
  }
  return { config, stack };
}

/** Path of a file at the project root. */
export const projectFile = (name: string) => path.resolve(__dirname, "..", "..", name);
