/**
 * Property test over every free-text key (the fast half; the render half is
 * `hostile-config-render.test.ts`): for each hostile payload class (quotes, newline, `---`, a YAML
 * object, `{{ }}`, `$()`, backticks, backslash, U+2028/U+2029, NUL) inserted into a benign value,
 * the configuration is refused with a `ConfigError` whose problems name the key, and never with a
 * stack trace; or the key is one of the declared rich-text keys (`ACCEPTED`), whose accepted values
 * the render test proves inert. A meta-test walks `rawConfigSchema` so that a new free-text key
 * without a case fails here.
 */
import * as assert from "node:assert/strict";
import { SECRET_KEYS, rawConfigSchema } from "../../config/schema";
import {
  ACCEPTED,
  CLASSES,
  PROFILES,
  attempt,
  benignValues,
  namesKey,
  valuesWith,
  type Attempt,
} from "../support/hostile-config-cases";

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown) => (schema as { _zod: { def: Def } })._zod.def;

/**
 * Paths of every string (and free-form) leaf of a zod schema: `a.b`, `list[]`, `map{key}`,
 * `map{value}`. Preprocessed numbers and booleans are not free text.
 */
export function freeTextPaths(schema: unknown, path = "", out = new Set<string>()): Set<string> {
  const def = defOf(schema);
  const at = (key: string) => (path ? `${path}.${key}` : key);
  switch (def.type) {
    case "object":
      for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) {
        freeTextPaths(v, at(k), out);
      }
      break;
    case "pipe":
      freeTextPaths(defOf(def.in).type === "transform" ? def.out : def.in, path, out);
      break;
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
      freeTextPaths(def.innerType, path, out);
      break;
    case "union":
      for (const option of def.options as unknown[]) freeTextPaths(option, path, out);
      break;
    case "array":
      freeTextPaths(def.element, `${path}[]`, out);
      break;
    case "record":
      out.add(`${path}{key}`);
      freeTextPaths(def.valueType, `${path}{value}`, out);
      break;
    case "string":
    case "unknown":
      out.add(path);
      break;
  }
  return out;
}

describe("hostile values in every free-text key", function () {
  const covered = PROFILES.flatMap((p) => Object.keys(p.keys));
  const results = new Map<string, Map<string, Attempt>>();
  let attempts = 0;

  before(function () {
    for (const profile of PROFILES) {
      for (const path of Object.keys(profile.keys)) {
        const byClass = new Map<string, Attempt>();
        for (const cls of CLASSES) {
          byClass.set(cls, attempt(profile.build(valuesWith(profile, { [path]: cls }))));
          attempts++;
        }
        results.set(path, byClass);
      }
    }
  });

  after(function () {
    const refused = [...results.values()]
      .flatMap((m) => [...m.values()])
      .filter((a) => !a.accepted).length;
    console.log(
      `      ${results.size} keys x ${CLASSES.length} payload classes: ${attempts} configurations, ${refused} refused naming the key, ${attempts - refused} accepted (rich text, proven inert by hostile-config-render.test.ts)`,
    );
  });

  it("covers every free-text key of the schema, once", function () {
    const schemaPaths = [...freeTextPaths(rawConfigSchema)].sort();
    assert.deepEqual([...covered].sort(), schemaPaths);
    assert.equal(new Set(covered).size, covered.length);
  });

  for (const profile of PROFILES) {
    it(`accepts the benign values of the profile: ${profile.name}`, function () {
      assert.deepEqual(attempt(profile.build(benignValues(profile))), { accepted: true });
    });
  }

  for (const profile of PROFILES) {
    for (const path of Object.keys(profile.keys)) {
      it(`${path}: every payload is refused naming the key, or declared rich text`, function () {
        const accepted: string[] = [];
        for (const [cls, result] of results.get(path)!) {
          if ("thrown" in result) {
            assert.fail(`${cls}: threw instead of a ConfigError: ${String(result.thrown)}`);
          }
          if (result.accepted) {
            accepted.push(cls);
            continue;
          }
          assert.ok(
            result.problems.some((line) => namesKey(line, path)),
            `${cls}: no problem names harbor:${path}:\n${result.problems.join("\n")}`,
          );
          for (const line of result.problems) {
            // A value can never forge a line of the message or hide part of it.
            // eslint-disable-next-line no-control-regex -- looking for control characters
            assert.ok(!/[\n\r\u0000\u2028\u2029]/.test(line), `${cls}: raw control in ${line}`);
            // A secret, or a value inside one (the entries of harbor:registrySecrets; their keys
            // are registry names, not secret).
            const secret = (SECRET_KEYS as readonly string[]).includes(path.split(/[.{[]/)[0]);
            if (secret && !path.endsWith("{key}")) {
              assert.ok(!line.includes(profile.keys[path].replace("{}", "")), "secret echoed");
            }
          }
        }
        assert.deepEqual(accepted, [...(ACCEPTED[path] ?? [])]);
      });
    }
  }
});
