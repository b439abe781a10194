/**
 * Pulumi.yaml: the project the CLI runs. Its declared config keys must be keys the loader knows
 * (with the loader's own defaults), and every run must refresh first so the server certificate is
 * re-issued inside its renewal window by a plain `pulumi up`.
 */
import * as assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { OBJECT_KEYS, SECRET_KEYS, rawConfigSchema } from "../../config/schema";
import { configOf } from "../support/config";
import { EXAMPLE_STACKS, PROJECT_ROOT, exampleStackFiles } from "../support/example-stacks";

interface ProjectFile {
  name: string;
  runtime: { name: string; options?: { typescript?: boolean } };
  options?: { refresh?: string };
  config: Record<string, { type: string; default?: unknown; description: string }>;
}

const project = parse(readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as ProjectFile;

describe("Pulumi.yaml", () => {
  it("is the TypeScript project `harbor`, so keys are `harbor:<key>`", () => {
    assert.equal(project.name, "harbor");
    assert.deepEqual(project.runtime, { name: "nodejs", options: { typescript: true } });
  });

  it("refreshes on every preview and update (certificate renewal needs the refresh)", () => {
    assert.deepEqual(project.options, { refresh: "always" });
  });

  it("declares only scalar, non-secret keys the loader knows, each with a description", () => {
    const known = Object.keys(rawConfigSchema.shape);
    const declared = Object.keys(project.config);
    // Only the required key and keys with a fixed default: the Pulumi CLI requires every declared
    // key without a default (pulumi/pulumi pkg/workspace/config.go `mergeConfig`).
    assert.deepEqual(declared, ["hostname", "namespace", "releaseName", "deployMode"]);
    for (const key of declared) {
      assert.ok(known.includes(key), `harbor:${key} is not a key of the loader`);
      assert.ok(!(SECRET_KEYS as readonly string[]).includes(key), `${key} is a secret`);
      assert.ok(!(OBJECT_KEYS as readonly string[]).includes(key), `${key} is an object`);
      assert.equal(project.config[key].type, "string");
      assert.ok(project.config[key].description.length > 20, `${key} has no description`);
    }
  });

  it("declared defaults are the loader's own: setting them changes nothing", () => {
    const defaults: Record<string, unknown> = {};
    for (const [key, decl] of Object.entries(project.config)) {
      if (decl.default !== undefined) defaults[key] = decl.default;
    }
    assert.deepEqual(defaults, {
      namespace: "harbor",
      releaseName: "harbor",
      deployMode: "release",
    });
    const hostname = "harbor.example.com";
    assert.deepEqual(configOf({ ...defaults, hostname }), configOf({ hostname }));
  });
});

describe("project layout", () => {
  it("tests evaluate the shipped example stacks by an explicit list, each of which exists", () => {
    assert.deepEqual(
      exampleStackFiles().map((f) => path.basename(f)),
      EXAMPLE_STACKS.map((s) => `Pulumi.${s}.yaml`),
    );
    for (const file of exampleStackFiles()) assert.ok(existsSync(file), file);
  });

  /** Relative imports of every .ts file under a folder, as `from -> to` folder pairs. */
  function folderImports(): Set<string> {
    const edges = new Set<string>();
    const walk = (dir: string): string[] =>
      readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? walk(path.join(dir, e.name))
          : e.name.endsWith(".ts")
            ? [path.join(dir, e.name)]
            : [],
      );
    const top = (file: string) => file.split(path.sep)[0].replace(/\.ts$/, "");
    for (const folder of ["config", "lib", "components", "scripts", "index.ts"]) {
      const files = folder.endsWith(".ts") ? [folder] : walk(folder);
      for (const file of files) {
        const text = readFileSync(path.join(PROJECT_ROOT, file), "utf8");
        for (const m of text.matchAll(/from "(\.{1,2}\/[^"]+)"/g)) {
          const target = path.normalize(path.join(path.dirname(file), m[1]));
          if (top(target) !== top(file)) edges.add(`${top(file)} -> ${top(target)}`);
        }
      }
    }
    return edges;
  }

  it("folders import one way only: index -> components -> lib -> config; nothing imports test/", () => {
    assert.deepEqual([...folderImports()].sort(), [
      "components -> config",
      "components -> lib",
      "index -> components",
      "index -> config",
      "lib -> config",
      "scripts -> config",
      "scripts -> lib",
      "scripts -> testing",
    ]);
  });
});
