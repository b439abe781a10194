/**
 * `npm run bench`: what one `pulumi preview` costs this program before any provider runs, as
 * whole-process CPU time (user + system), against the floor every Pulumi program of this kind
 * pays.
 *
 * - floor: a Node.js process that loads @pulumi/pulumi, @pulumi/kubernetes, @pulumi/random,
 *   @pulumi/tls and zod and sets Pulumi's mocks;
 * - program (per stack): a Node.js process started the way the Pulumi CLI's Node.js language host
 *   starts one (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go, `execRuntime` and
 *   `constructArguments`): `node <runtime.options.nodeargs> @pulumi/pulumi/cmd/run --monitor ...
 *   --stack <stack> --pwd <project> --dry-run <main>`, with `PULUMI_NODEJS_TYPESCRIPT=true` unless
 *   Pulumi.yaml sets `typescript: false`, `PULUMI_NODEJS_TSCONFIG_PATH` from its `tsconfig` option,
 *   and the stack's configuration in `PULUMI_CONFIG`. The SDK's own loader
 *   (@pulumi/pulumi/cmd/run/run.js) then registers ts-node or loads JavaScript exactly as under the
 *   CLI; only the engine is Pulumi's mock monitor (test/bench/mock-engine.cjs).
 *
 * - empty program: a TypeScript program of a few lines (it imports those SDKs and zod and declares
 *   one Namespace), in a project of its own with this project's tsconfig.json, started exactly as a
 *   stack is. It is what the language host alone costs any TypeScript program on top of the floor
 *   (ts-node, the host's inspector session for closure serialization, its tracing setup), so
 *   "stack - empty program" is what this program itself costs.
 *
 * Runs are interleaved (floor, then each stack, repeated) so that load from other processes on the
 * machine falls on all of them alike; medians are reported. `--before` adds, in the same run, each
 * stack evaluated the way it was before tsconfig.json's `"ts-node": {"swc": true}`: ts-node's
 * default, type-checking every file (through `PULUMI_NODEJS_TSCONFIG_PATH`, the language host's
 * `tsconfig` option, naming a tsconfig that extends the project's with `"swc": false`).
 * Usage:
 *
 *   npm run bench -- [--runs 5] [--stacks dev,prod] [--before] [--compiled] [--max-ratio 1.5]
 *
 * `--compiled` adds each stack compiled by tsc and loaded by plain node with the mocks (no language
 * host): the program's own cost, as "the same program compiled to JavaScript" was measured.
 *
 * With `--max-ratio`, exits 1 when a stack's median is above that multiple of the floor's.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { runtimeConfigOf } from "../support/harness";
import { loadExampleStack } from "../support/example-stacks";

const ROOT = path.resolve(__dirname, "..", "..");
const PRELOAD = path.join(__dirname, "mock-engine.cjs");
const FLOOR_MODULES = [
  "@pulumi/pulumi",
  "@pulumi/kubernetes",
  "@pulumi/random",
  "@pulumi/tls",
  "zod",
];

interface Measurement {
  cpuMs: number;
  registered: Record<string, number>;
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** Pulumi.yaml's `main` and the Node.js runtime options the language host reads. */
function projectRuntime(): {
  project: string;
  main: string;
  typescript: boolean;
  tsconfig?: string;
  nodeargs: string[];
} {
  const doc = parseYaml(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
    name: string;
    main?: string;
    runtime: { options?: { typescript?: boolean; tsconfig?: string; nodeargs?: string } };
  };
  const options = doc.runtime.options ?? {};
  return {
    project: doc.name,
    main: doc.main ?? ".",
    typescript: options.typescript !== false,
    tsconfig: options.tsconfig,
    nodeargs: (options.nodeargs ?? "").split(/\s+/).filter((a) => a !== ""),
  };
}

function measure(args: string[], env: Record<string, string>, label: string): Measurement {
  const dir = mkdtempSync(path.join(os.tmpdir(), "harbor-bench-"));
  const result = path.join(dir, "result.json");
  try {
    const child = spawnSync(process.execPath, ["--require", PRELOAD, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, BENCH_RESULT: result },
      encoding: "utf8",
    });
    if (child.status !== 0) {
      throw new Error(`${label} exited with ${child.status}:\n${child.stdout}\n${child.stderr}`);
    }
    return JSON.parse(readFileSync(result, "utf8")) as Measurement;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function floor(): Measurement {
  const code = FLOOR_MODULES.map((m) => `require(${JSON.stringify(m)});`).join(" ");
  return measure(["-e", code], { BENCH_PROJECT: "harbor", BENCH_STACK: "floor" }, "floor");
}

/** The language host's command line for a program (`--monitor` is the mock engine's). */
function hostArgs(project: string, root: string, pwd: string, stack: string, entry: string) {
  const runtime = projectRuntime();
  const run = require.resolve("@pulumi/pulumi/cmd/run", { paths: [ROOT] });
  return [
    ...runtime.nodeargs,
    run,
    ...["--monitor", "mock", "--project", project, "--root-directory", root],
    ...["--stack", stack, "--pwd", pwd, "--dry-run", "--parallel", "16", entry],
  ];
}

/** A temporary directory removed when the benchmark exits. */
function benchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `harbor-bench-${prefix}-`));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let emptyDir: string | undefined;
/** A few-line TypeScript program in a project of its own, started as the stacks are. */
function emptyProgram(): Measurement {
  const runtime = projectRuntime();
  if (emptyDir === undefined) {
    const dir = benchDir("empty");
    emptyDir = dir;
    symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: "empty", private: true, main: "index.ts" }),
    );
    const tsconfig = JSON.parse(readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as {
      include?: string[];
    };
    writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({ ...tsconfig, include: ["index.ts"] }),
    );
    writeFileSync(
      path.join(dir, "index.ts"),
      [
        'import * as k8s from "@pulumi/kubernetes";',
        'import * as pulumi from "@pulumi/pulumi";',
        'import "@pulumi/random";',
        'import "@pulumi/tls";',
        'import { z } from "zod";',
        'const name = z.object({ name: z.string() }).parse({ name: "empty" }).name;',
        "const ns = new k8s.core.v1.Namespace(name, {});",
        "export const namespace = pulumi.output(ns.metadata.name);",
        "",
      ].join("\n"),
    );
  }
  const env: Record<string, string> = {
    PULUMI_CONFIG: "{}",
    BENCH_PROJECT: "empty",
    BENCH_STACK: "dev",
  };
  if (runtime.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  const m = measure(hostArgs("empty", emptyDir, emptyDir, "dev", "index.ts"), env, "empty");
  if ((m.registered["kubernetes:core/v1:Namespace"] ?? 0) !== 1) {
    throw new Error(`the empty program did not register its Namespace: ${JSON.stringify(m)}`);
  }
  return m;
}

/** How a stack is evaluated: as the host runs it now, as before SWC, or compiled without the host. */
type Mode = "host" | "before" | "compiled";
const SUFFIX: Record<Mode, string> = { host: "", before: " (before)", compiled: " (compiled)" };

let compiledDir: string | undefined;
/** The program compiled by tsc to JavaScript, once per run of the benchmark. */
function compiledProgram(): string {
  if (compiledDir === undefined) {
    const dir = benchDir("js");
    compiledDir = dir;
    const tsc = spawnSync(
      process.execPath,
      [
        require.resolve("typescript/bin/tsc", { paths: [ROOT] }),
        ...["-p", path.join(ROOT, "tsconfig.json"), "--noEmit", "false", "--outDir", dir],
        ...["--rootDir", ROOT, "--sourceMap", "false", "--declaration", "false"],
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
    symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  }
  return compiledDir;
}

function program(stackName: string, mode: Mode = "host"): Measurement {
  const runtime = projectRuntime();
  // Pulumi.yaml's `main` is relative to the project; the host runs from its directory
  // (pkg/engine/project.go, getPwdMain).
  const main = path.resolve(ROOT, runtime.main);
  const isFile = runtime.main !== "." && path.extname(main) !== "";
  const pwd = isFile ? path.dirname(main) : main;
  const entry = isFile ? path.basename(main) : ".";
  const stack = loadExampleStack(path.join(ROOT, `Pulumi.${stackName}.yaml`));
  const config = runtimeConfigOf(stack);
  const env: Record<string, string> = {
    PULUMI_CONFIG: JSON.stringify(config.values),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(config.secretKeys),
    BENCH_PROJECT: runtime.project,
    BENCH_STACK: stackName,
    BENCH_STACK_OUTPUTS: JSON.stringify(stack.stackOutputs ?? {}),
  };
  if (runtime.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (runtime.tsconfig !== undefined) env.PULUMI_NODEJS_TSCONFIG_PATH = runtime.tsconfig;
  if (mode === "before") env.PULUMI_NODEJS_TSCONFIG_PATH = beforeTsconfig();
  // Compiled: the program's JavaScript loaded by plain node, without the language host (no
  // ts-node, no inspector session): the program's own cost. Its Stack resource is the host's.
  const args =
    mode === "compiled"
      ? ["-e", `require(${JSON.stringify(path.join(compiledProgram(), "index.js"))})`]
      : hostArgs(runtime.project, ROOT, pwd, stackName, entry);
  const m = measure(args, env, `stack ${stackName}${SUFFIX[mode]}`);
  const releases =
    (m.registered["kubernetes:helm.sh/v3:Release"] ?? 0) +
    (m.registered["kubernetes:helm.sh/v4:Chart"] ?? 0);
  if ((m.registered["harbor:index:Harbor"] ?? 0) !== 1 || releases < 1) {
    throw new Error(
      `stack ${stackName}: the program did not register Harbor and its chart: ${JSON.stringify(m.registered)}`,
    );
  }
  return m;
}

let beforeConfig: string | undefined;
/** A tsconfig.json like the project's without SWC: what `pulumi preview` ran before. */
function beforeTsconfig(): string {
  if (beforeConfig === undefined) {
    beforeConfig = path.join(benchDir("tsconfig"), "tsconfig.json");
    writeFileSync(
      beforeConfig,
      JSON.stringify({ extends: path.join(ROOT, "tsconfig.json"), "ts-node": { swc: false } }),
    );
  }
  return beforeConfig;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

function main(): void {
  const runs = Number(option("runs", "5"));
  const stacks = option("stacks", "dev,prod").split(",");
  const maxRatio = process.argv.includes("--max-ratio") ? Number(option("max-ratio", "")) : NaN;
  const runtime = projectRuntime();
  console.log(
    `node ${process.version}; Pulumi.yaml main: ${runtime.main}, typescript: ${runtime.typescript}` +
      `${runtime.nodeargs.length > 0 ? `, nodeargs: ${runtime.nodeargs.join(" ")}` : ""}; ` +
      `${runs} runs; load average before: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );
  const modes: Mode[] = [
    ...(process.argv.includes("--before") ? (["before"] as const) : []),
    "host",
    ...(process.argv.includes("--compiled") ? (["compiled"] as const) : []),
  ];
  const runsOf = stacks.flatMap((stack) =>
    modes.map((mode) => ({ stack, mode, label: `${stack}${SUFFIX[mode]}` })),
  );
  const labels = runsOf.map((r) => r.label);
  const samples = new Map<string, number[]>([
    ["floor", []],
    ["empty program", []],
    ...labels.map((s) => [s, []] as [string, number[]]),
  ]);
  let resources = new Map<string, number>();
  for (let i = 0; i < runs; i++) {
    samples.get("floor")!.push(floor().cpuMs);
    samples.get("empty program")!.push(emptyProgram().cpuMs);
    for (const { stack, mode, label } of runsOf) {
      const m = program(stack, mode);
      samples.get(label)!.push(m.cpuMs);
      resources = resources.set(
        label,
        Object.values(m.registered).reduce((a, b) => a + b, 0),
      );
    }
  }
  const floorMedian = median(samples.get("floor")!);
  const emptyMedian = median(samples.get("empty program")!);
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(`${"process".padEnd(22)} median CPU   ratio   beyond empty   runs (ms)`);
  let failed = false;
  for (const [name, xs] of samples) {
    const m = median(xs);
    const ratio = m / floorMedian;
    const isStack = name !== "floor" && name !== "empty program";
    if (isStack && !name.includes(" (") && ratio > maxRatio) failed = true;
    const label = isStack ? `stack ${name}` : name;
    const beyond = isStack ? `${(m - emptyMedian).toFixed(0)} ms` : "";
    console.log(
      `${label.padEnd(22)} ${`${m.toFixed(0)} ms`.padStart(10)}   ${ratio.toFixed(2).padStart(5)}   ` +
        `${beyond.padStart(12)}   ${xs.map((x) => x.toFixed(0)).join(" ")}` +
        `${isStack ? ` (${resources.get(name)} registrations)` : ""}`,
    );
  }
  if (failed) {
    console.error(`a stack's evaluation is above ${maxRatio}x the floor`);
    process.exitCode = 1;
  }
}

main();
