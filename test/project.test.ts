/**
 * Pulumi.yaml: the project the CLI runs. Its declared config keys must be keys the loader knows
 * (with the loader's own defaults), and every run must refresh first so the server certificate is
 * re-issued inside its renewal window by a plain `pulumi up`.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { OBJECT_KEYS, SECRET_KEYS, rawConfigSchema } from "../config/schema";
import { configOf } from "./helpers";
import { PROJECT_ROOT } from "./support/example-stacks";

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
    assert.deepEqual(declared, [
      "hostname",
      "namespace",
      "releaseName",
      "deployMode",
      "externalURL",
      "imageRegistry",
    ]);
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
      externalURL: "",
      imageRegistry: "",
    });
    const hostname = "harbor.example.com";
    assert.deepEqual(configOf({ ...defaults, hostname }), configOf({ hostname }));
  });
});
