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
 * Runs are interleaved (floor, then each stack, repeated) so that load from other processes on the
 * machine falls on all of them alike; medians are reported. `--before` adds, in the same run, each
 * stack evaluated the way it was before tsconfig.json's `"ts-node": {"swc": true}`: ts-node's
 * default, type-checking every file (through `PULUMI_NODEJS_TSCONFIG_PATH`, the language host's
 * `tsconfig` option, naming a tsconfig that extends the project's with `"swc": false`).
 * Usage:
 *
 *   npm run bench -- [--runs 5] [--stacks dev,prod] [--before] [--max-ratio 1.5]
 *
 * With `--max-ratio`, exits 1 when a stack's median is above that multiple of the floor's.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

function program(stackName: string, before = false): Measurement {
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
  if (before) env.PULUMI_NODEJS_TSCONFIG_PATH = beforeTsconfig();
  const run = require.resolve("@pulumi/pulumi/cmd/run", { paths: [ROOT] });
  const args = [
    ...runtime.nodeargs,
    run,
    ...["--monitor", "mock", "--project", runtime.project, "--root-directory", ROOT],
    ...["--stack", stackName, "--pwd", pwd, "--dry-run", "--parallel", "16", entry],
  ];
  const m = measure(args, env, `stack ${stackName}`);
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
    const dir = mkdtempSync(path.join(os.tmpdir(), "harbor-bench-tsconfig-"));
    beforeConfig = path.join(dir, "tsconfig.json");
    writeFileSync(
      beforeConfig,
      JSON.stringify({ extends: path.join(ROOT, "tsconfig.json"), "ts-node": { swc: false } }),
    );
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
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
  const before = process.argv.includes("--before");
  const labels = stacks.flatMap((s) => (before ? [`${s} (before)`, s] : [s]));
  const samples = new Map<string, number[]>([
    ["floor", []],
    ...labels.map((s) => [s, []] as [string, number[]]),
  ]);
  let resources = new Map<string, number>();
  for (let i = 0; i < runs; i++) {
    samples.get("floor")!.push(floor().cpuMs);
    for (const label of labels) {
      const m = program(label.replace(" (before)", ""), label.endsWith("(before)"));
      samples.get(label)!.push(m.cpuMs);
      resources = resources.set(
        label,
        Object.values(m.registered).reduce((a, b) => a + b, 0),
      );
    }
  }
  const floorMedian = median(samples.get("floor")!);
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(`${"process".padEnd(22)} median CPU   ratio   runs (ms)`);
  let failed = false;
  for (const [name, xs] of samples) {
    const m = median(xs);
    const ratio = m / floorMedian;
    if (name !== "floor" && !name.endsWith("(before)") && ratio > maxRatio) failed = true;
    const label = name === "floor" ? "floor" : `stack ${name}`;
    console.log(
      `${label.padEnd(22)} ${`${m.toFixed(0)} ms`.padStart(10)}   ${ratio.toFixed(2).padStart(5)}   ` +
        `${xs.map((x) => x.toFixed(0)).join(" ")}${name === "floor" ? "" : ` (${resources.get(name)} registrations)`}`,
    );
  }
  if (failed) {
    console.error(`a stack's evaluation is above ${maxRatio}x the floor`);
    process.exitCode = 1;
  }
}

main();
