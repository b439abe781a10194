/**
 * Preloaded (`node --require`) into each process `npm run bench` measures, before anything else:
 * installs Pulumi's mock monitor in place of the engine, so the process evaluates a program (or
 * only loads the SDKs) without a Pulumi CLI, and on exit writes the process's whole CPU time
 * (`process.cpuUsage()`: user + system of every thread since start) and what it registered to
 * $BENCH_RESULT. Plain JavaScript, so that measuring adds no TypeScript loader of its own.
 *
 * Environment: BENCH_RESULT (file to write), BENCH_PROJECT, BENCH_STACK, BENCH_STACK_OUTPUTS
 * (JSON: outputs of stacks the program reads through a StackReference).
 */
"use strict";
const fs = require("node:fs");
const pulumi = require("@pulumi/pulumi");

const registered = {};
const stackOutputs = JSON.parse(process.env.BENCH_STACK_OUTPUTS || "{}");

void pulumi.runtime.setMocks(
  {
    newResource(args) {
      registered[args.type] = (registered[args.type] || 0) + 1;
      if (args.type === "pulumi:pulumi:StackReference") {
        return { id: args.name, state: { outputs: stackOutputs[args.inputs.name] || {} } };
      }
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call(args) {
      return args.inputs;
    },
  },
  process.env.BENCH_PROJECT || "project",
  process.env.BENCH_STACK || "stack",
  true, // a preview, as `pulumi preview` runs the program
);
// The mock monitor has no shutdown handshake; the language host's exit path asks for one.
const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor();
monitor.signalAndWaitForShutdown = (_request, callback) => callback(null, {});

process.on("exit", (code) => {
  const cpu = process.cpuUsage();
  fs.writeFileSync(
    process.env.BENCH_RESULT,
    JSON.stringify({ code, cpuMs: (cpu.user + cpu.system) / 1000, registered }),
  );
});
