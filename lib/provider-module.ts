/**
 * The code of a dynamic provider as the engine stores it (a resource's `__provider` input): a
 * CommonJS module whose `handler()` returns the provider, which the dynamic provider host loads
 * in its own process (@pulumi/pulumi cmd/dynamic-provider/index.js, `getProvider`:
 * `requireFromString(text).handler()`).
 *
 * `pulumi.dynamic.Resource` writes that module with the SDK's closure serializer
 * (runtime/closure/serializeClosure.js, `serializeFunction`), which walks every function the
 * provider reaches through the inspector and parses each one with TypeScript: 100-250 ms of CPU
 * per provider, and 400 ms more for the first one in a process, in every `pulumi preview`. The
 * providers here are written so they need none of that: their modules hold plain functions and
 * data, import nothing but each other, config/facts.ts and Node's own modules (required inside
 * functions). So their module is built from their source files instead: the provider's module and
 * every module it imports, each compiled to CommonJS once per process (SWC for TypeScript, as
 * ts-node runs it; compiled JavaScript as it is), wrapped in a function and loaded on demand by
 * the bundle itself. What runs in the provider host is the provider's own source, not a snapshot
 * of its closure.
 *
 * `providerModule` returns undefined where it cannot build the module (TypeScript without
 * @swc/core, a provider not exported by a module of this package); the caller then falls back to
 * the SDK's serializer.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

/** The root every bundled module lies under (the project, or the package's `dist/`). */
const ROOT = path.resolve(__dirname, "..");

/** Where a provider object is exported: its module file and export name. */
interface ProviderExport {
  file: string;
  name: string;
}

/** `require("./x")` and `require("../y")` in compiled CommonJS: the modules to bundle. */
const RELATIVE_REQUIRE = /\brequire\("(\.{1,2}\/[^"]*)"\)/g;
/** Any other `require("...")` left in a module: it must name one of Node's own modules. */
const ANY_REQUIRE = /\brequire\("([^"]*)"\)/g;

/** Each file's bundle code and imports (null: it cannot be bundled), once per process. */
const built = new Map<string, { code: string; deps: string[] } | null>();
const located = new WeakMap<object, ProviderExport | null>();
const modules = new WeakMap<object, string | null>();

type Transpile = (source: string, file: string) => string;
let transpiler: Transpile | null | undefined;

/** SWC as ts-node uses it (tsconfig.json `"swc": true`), comments left out; null without it. */
function transpile(): Transpile | null {
  if (transpiler !== undefined) return transpiler;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const swc = require("@swc/core") as {
      transformSync(code: string, options: object): { code: string };
    };
    transpiler = (source, file) =>
      swc.transformSync(source, {
        filename: file,
        swcrc: false,
        configFile: false,
        sourceMaps: false,
        isModule: true,
        module: { type: "commonjs" },
        jsc: {
          parser: { syntax: "typescript" },
          target: "es2022",
          minify: { compress: false, mangle: false, format: { comments: false } },
        },
        minify: true,
      }).code;
  } catch {
    transpiler = null;
  }
  return transpiler;
}

/** Whether a file is one of this package's own modules. */
const inPackage = (file: string) =>
  file.startsWith(ROOT + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`);

/** The module id in the bundle: the file's path below ROOT, without extension. */
const idOf = (file: string) =>
  path
    .relative(ROOT, file)
    .split(path.sep)
    .join("/")
    .replace(/\.[cm]?[jt]s$/, "");

/**
 * The module's CommonJS code with its relative requires turned into bundle ids, and the files it
 * imports; undefined where it cannot be bundled (TypeScript without SWC, a require of anything
 * but this package's modules and Node's own).
 */
function moduleCode(file: string): { code: string; deps: string[] } | undefined {
  let m = built.get(file);
  if (m === undefined) {
    m = buildModule(file);
    built.set(file, m);
  }
  return m ?? undefined;
}

function buildModule(file: string): { code: string; deps: string[] } | null {
  const source = readFileSync(file, "utf8");
  let code: string;
  if (file.endsWith(".ts")) {
    const t = transpile();
    if (t === null) return null;
    code = t(source, file);
  } else {
    code = source.replace(/^\/\/# sourceMappingURL=.*$/m, "");
  }
  const deps: string[] = [];
  let bundleable = true;
  const rewritten = code.replace(RELATIVE_REQUIRE, (all, spec: string) => {
    let dep: string;
    try {
      dep = require.resolve(path.resolve(path.dirname(file), spec));
    } catch {
      bundleable = false;
      return all;
    }
    if (!inPackage(dep)) bundleable = false;
    deps.push(dep);
    return `__harborModule(${JSON.stringify(idOf(dep))})`;
  });
  for (const m of rewritten.matchAll(ANY_REQUIRE)) {
    if (!m[1].startsWith("node:")) bundleable = false;
  }
  return bundleable ? { code: rewritten, deps } : null;
}

/** The modules `file` imports, itself included; undefined where one cannot be compiled here. */
function closure(file: string, seen = new Set<string>()): Set<string> | undefined {
  if (seen.has(file)) return seen;
  seen.add(file);
  const m = moduleCode(file);
  if (m === undefined) return undefined;
  for (const dep of m.deps) if (closure(dep, seen) === undefined) return undefined;
  return seen;
}

/**
 * The module of this package that defines `provider`, found among the loaded ones: of those that
 * export it, the one importing the fewest modules (a module that re-exports it, such as
 * lib/harbor-api/providers.ts, imports the one that defines it).
 */
function providerExport(provider: object): ProviderExport | undefined {
  const known = located.get(provider);
  if (known !== undefined) return known ?? undefined;
  let found: ProviderExport | null = null;
  let size = Infinity;
  for (const file of Object.keys(require.cache).sort()) {
    if (!inPackage(file)) continue;
    const exports = require.cache[file]?.exports as Record<string, unknown> | undefined;
    if (exports === undefined || exports === null || typeof exports !== "object") continue;
    let name: string | undefined;
    try {
      name = Object.keys(exports).find((k) => exports[k] === provider);
    } catch {
      continue; // a module still loading (an export read before its declaration)
    }
    if (name === undefined) continue;
    const modules = closure(file)?.size ?? Infinity;
    if (modules < size) {
      found = { file, name };
      size = modules;
    }
  }
  located.set(provider, found);
  return found ?? undefined;
}

/**
 * The module text of `provider`, built from its source files, or undefined where it cannot be
 * built here (the caller serializes the provider with the SDK instead). The same text for the
 * same provider and sources, whatever the machine: ids are paths below the package root.
 */
export function providerModule(provider: object): string | undefined {
  const cached = modules.get(provider);
  if (cached !== undefined) return cached ?? undefined;
  let text: string | null = null;
  const entry = providerExport(provider);
  // The entry's module first, then the modules it imports, depth first.
  const files = entry === undefined ? undefined : closure(entry.file);
  if (entry !== undefined && files !== undefined) {
    const parts = [...files].map(
      (file) =>
        `${JSON.stringify(idOf(file))}:function(exports,module){${moduleCode(file)!.code}\n}`,
    );
    text =
      `"use strict";\nconst __harborModules={${parts.join(",\n")}};\n` +
      "const __harborLoaded={};\n" +
      "function __harborModule(id){let m=__harborLoaded[id];" +
      "if(m===undefined){m=__harborLoaded[id]={exports:{}};" +
      "__harborModules[id].call(m.exports,m.exports,m);}return m.exports;}\n" +
      `exports.handler=function(){return __harborModule(${JSON.stringify(idOf(entry.file))})[${JSON.stringify(entry.name)}];};\n`;
  }
  modules.set(provider, text);
  return text ?? undefined;
}
