/**
 * The Pulumi CLI's project-configuration rules, applied to `Pulumi.yaml` and `Pulumi.<stack>.yaml`
 * without the CLI: what `pulumi preview`/`up`/`refresh`/`destroy` check before the program runs,
 * and the configuration they then hand the program (project defaults applied). Written from
 * pulumi/pulumi's source, each step citing the file and function it follows:
 *
 * - sdk/go/common/workspace/loaders.go `LoadProjectBytes`: the project is validated against
 *   project.json (`ValidateProject`), shorthand config entries are rewritten
 *   (`RewriteShorthandConfigValues`), then `Project.Validate` (project.go) checks each declaration.
 * - loaders.go `LoadProjectStackBytes`/`stackConfigNamespacedWithProject`: stack keys without a
 *   namespace belong to the project; config/value.go `Value.UnmarshalYAML` and object.go
 *   `object.MarshalString` decide how each stack value is stored (plain text, `secure`, or an
 *   object as JSON).
 * - pkg/workspace/config.go `mergeConfig` (behind `ValidateStackConfigAndApplyProjectConfig`):
 *   missing required keys, project defaults and values applied, then `validateStackConfigValues`
 *   / `validateStackConfigValue` (secret flag, declared type through project.go
 *   `ValidateConfigValue`).
 *
 * Not covered: Pulumi ESC `environment:` imports (their values are unknown offline; a stack that
 * imports one is reported as such) and the decryption of `secure:` values (their type is checked
 * only when the plain text is supplied).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/** project.go `ProjectConfigItemsType`. */
export interface ConfigItemsType {
  type: string;
  items?: ConfigItemsType;
}

/** project.go `ProjectConfigType`: one entry of `Pulumi.yaml`'s `config:` after rewriting. */
export interface ConfigTypeDeclaration {
  type?: string;
  description?: string;
  items?: ConfigItemsType;
  default?: unknown;
  value?: unknown;
  secret?: boolean;
}

export interface Project {
  name: string;
  /** Declarations by key as written (`hostname`, `aws:region`). */
  config: Record<string, ConfigTypeDeclaration>;
}

/** A stack value as the CLI stores it (config/value.go `Value`). */
export interface ConfigValue {
  /** The text the program receives; undefined for a `secure:` value whose plain text is unknown. */
  text: string | undefined;
  /** Stored encrypted (`secure:`), or an object containing an encrypted leaf. */
  secure: boolean;
  /** A map or list, stored as JSON. */
  object: boolean;
}

/** A stack's configuration by full key (`harbor:hostname`). */
export type ConfigMap = Map<string, ConfigValue>;

/** A project file that the CLI refuses to load. */
export class ProjectFileError extends Error {}

const SIMPLE_TYPES = ["string", "integer", "boolean", "array", "object"] as const;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** project.go `isPrimitiveValue`: string, int or bool (a YAML float is not one). */
const isPrimitive = (v: unknown): boolean =>
  typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isInteger(v));

/** project.go `configKeyIsNamespacedByProject`. */
export function isProjectNamespaced(projectName: string, key: string): boolean {
  return !key.includes(":") || key.startsWith(`${projectName}:`);
}

/**
 * config/key.go `ParseKey`: `<namespace>:<name>`, or the legacy `<namespace>:config:<name>`.
 * Returns [namespace, name].
 */
export function parseKey(key: string): [string, string] {
  const parts = key.split(":");
  if (parts.length === 2) return [parts[0], parts[1]];
  if (parts.length === 3 && parts[1] === "config" && parts[0] !== "" && parts[2] !== "") {
    return [parts[0], parts[2]];
  }
  throw new ProjectFileError(
    `could not parse ${key} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`,
  );
}

/** pkg/workspace/config.go `parseConfigKey`: a key without a namespace belongs to the project. */
function fullKey(projectName: string, key: string): string {
  const [namespace, name] = key.includes(":") ? parseKey(key) : [projectName, key];
  return `${namespace}:${name}`;
}

/** The JSON-schema part of project.json that covers `config:` (ValidateProject). */
function schemaProblems(key: string, entry: unknown): string[] {
  const at = `#/config/${key}`;
  if (key === "secret" && typeof entry !== "boolean") {
    // project.json declares `config.secret` as a boolean property.
    return [`${at}: expected boolean`];
  }
  if (
    typeof entry === "string" ||
    typeof entry === "boolean" ||
    (typeof entry === "number" && Number.isInteger(entry)) ||
    Array.isArray(entry)
  ) {
    return [];
  }
  if (!isPlainObject(entry)) {
    return [`${at}: expected string, integer, boolean, array or a configuration type declaration`];
  }
  const problems: string[] = [];
  for (const field of Object.keys(entry)) {
    if (!["type", "items", "description", "secret", "default", "value"].includes(field)) {
      problems.push(`${at}: additional property '${field}' not allowed`);
    }
  }
  if ("type" in entry && !(SIMPLE_TYPES as readonly unknown[]).includes(entry.type)) {
    problems.push(`${at}/type: must be one of ${SIMPLE_TYPES.map((t) => `"${t}"`).join(", ")}`);
  }
  if ("description" in entry && typeof entry.description !== "string") {
    problems.push(`${at}/description: expected string`);
  }
  if ("secret" in entry && typeof entry.secret !== "boolean") {
    problems.push(`${at}/secret: expected boolean`);
  }
  if ("items" in entry) problems.push(...itemsProblems(`${at}/items`, entry.items));
  return problems;
}

/** project.json `configItemsType`: `type` required; `items` required when `type` is array. */
function itemsProblems(at: string, items: unknown): string[] {
  if (!isPlainObject(items)) return [`${at}: expected object`];
  if (!("type" in items)) return [`${at}: missing property 'type'`];
  const problems: string[] = [];
  if (isPlainObject(items.type)) {
    problems.push(...itemsProblems(`${at}/type`, items.type));
  } else if (!(SIMPLE_TYPES as readonly unknown[]).includes(items.type)) {
    problems.push(`${at}/type: must be one of ${SIMPLE_TYPES.map((t) => `"${t}"`).join(", ")}`);
  }
  if (items.type === "array" && !("items" in items)) {
    problems.push(`${at}: missing property 'items'`);
  }
  if ("items" in items) problems.push(...itemsProblems(`${at}/items`, items.items));
  return problems;
}

/** project.go `InferFullTypeName`. */
export function fullTypeName(type: string, items?: ConfigItemsType): string {
  return items ? `array<${fullTypeName(items.type, items.items)}>` : type;
}

/** strconv.Atoi on a 64-bit platform: an optional sign and decimal digits, within int64. */
function isGoInt(text: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(text)) return false;
  const n = BigInt(text.replace(/^\+/, ""));
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/**
 * project.go `ValidateConfigValue`: whether a value (a project default as YAML decodes it, or a
 * stack value: its text, or for an object its decoded JSON) is of the declared type.
 */
export function validateConfigValue(
  type: string,
  items: ConfigItemsType | undefined,
  value: unknown,
): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      if (typeof value === "number") return Number.isInteger(value);
      if (typeof value === "bigint") return true;
      return typeof value === "string" && isGoInt(value);
    case "boolean":
      return value === "true" || value === "false" || typeof value === "boolean";
    case "object":
      return isPlainObject(value);
    default:
      if (!Array.isArray(value) || items === undefined) return false;
      return value.every((item) => validateConfigValue(items.type, items.items, item));
  }
}

/**
 * Reads `Pulumi.yaml` text as loaders.go `LoadProjectBytes` does: schema check of `config:`,
 * shorthand rewriting, then `Project.Validate`. Throws `ProjectFileError` with the CLI's message.
 */
export function parseProject(text: string, file = "Pulumi.yaml"): Project {
  const raw: unknown = parseYaml(text);
  if (!isPlainObject(raw)) throw new ProjectFileError(`could not validate '${file}'`);
  const name = raw.name;
  if (!("name" in raw)) {
    throw new ProjectFileError(
      `could not validate '${file}': project is missing a 'name' attribute`,
    );
  }
  if (typeof name !== "string" || name === "") {
    throw new ProjectFileError(
      `could not validate '${file}': project is missing a non-empty string 'name' attribute`,
    );
  }
  const rawConfig = raw.config;
  const config: Record<string, ConfigTypeDeclaration> = {};
  // A string is the deprecated form of stackConfigDir (RewriteConfigPathIntoStackConfigDir).
  if (isPlainObject(rawConfig)) {
    const problems = Object.entries(rawConfig).flatMap(([k, v]) => schemaProblems(k, v));
    if (problems.length > 0) {
      throw new ProjectFileError(`could not validate '${file}': ${problems.join("; ")}`);
    }
    for (const [key, entry] of Object.entries(rawConfig)) {
      // project.go `RewriteShorthandConfigValues`.
      if (isPrimitive(entry) || Array.isArray(entry)) {
        config[key] = isProjectNamespaced(name, key) ? { default: entry } : { value: entry };
      } else {
        config[key] = entry as ConfigTypeDeclaration;
      }
    }
  } else if (rawConfig !== undefined && rawConfig !== null && typeof rawConfig !== "string") {
    throw new ProjectFileError(`could not validate '${file}': #/config: expected object`);
  }
  const project = { name, config };
  validateProject(project, file);
  return project;
}

const present = (v: unknown) => v !== undefined && v !== null;

/** project.go `Project.Validate`, with its messages. */
function validateProject(project: Project, file: string): void {
  const fail = (message: string): never => {
    throw new ProjectFileError(`could not unmarshal '${file}': ${message}`);
  };
  for (const [key, decl] of Object.entries(project.config)) {
    if (present(decl.default) && present(decl.value)) {
      fail(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
    }
    if (isProjectNamespaced(project.name, key)) {
      if (decl.type === "array" && decl.items === undefined) {
        fail(
          `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`,
        );
      }
      if (decl.type !== undefined && present(decl.default)) {
        if (!validateConfigValue(decl.type, decl.items, decl.default)) {
          fail(
            `The default value specified for configuration key '${key}' is not of the expected type '${fullTypeName(decl.type, decl.items)}'`,
          );
        }
      }
    } else {
      if (decl.type !== undefined) {
        fail(
          `Configuration key '${key}' is not namespaced by the project and should not define a type`,
        );
      }
      if (present(decl.default)) {
        fail(
          `Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?`,
        );
      }
      if (!present(decl.value)) {
        fail(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
      }
    }
  }
}

/** Reads and validates a `Pulumi.yaml`. */
export function loadProject(file: string): Project {
  return parseProject(readFileSync(file, "utf8"), path.basename(file));
}

const isSecureObject = (v: unknown): v is { secure: string } =>
  isPlainObject(v) && Object.keys(v).length === 1 && typeof v.secure === "string";

/** object.go `object.Secure`: a secure leaf anywhere inside. */
function containsSecure(v: unknown): boolean {
  if (isSecureObject(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecure);
  if (isPlainObject(v)) return Object.values(v).some(containsSecure);
  return false;
}

/** JSON of an object value with secure leaves kept as `{"secure": ...}` (object.go). */
function objectJson(v: unknown): string {
  return JSON.stringify(v);
}

/**
 * config/value.go `Value.UnmarshalYAML` and object.go `object.MarshalString`: how a stack file's
 * YAML value is stored. `null` (an empty value) is stored as "" (loaders.go `checkForEmptyConfig`
 * warns about it).
 */
export function stackValue(v: unknown): ConfigValue {
  if (v === null || v === undefined) return { text: "", secure: false, object: false };
  if (typeof v === "string") return { text: v, secure: false, object: false };
  if (typeof v === "boolean" || typeof v === "number" || typeof v === "bigint") {
    return { text: String(v), secure: false, object: false };
  }
  if (isSecureObject(v)) return { text: undefined, secure: true, object: false };
  return { text: objectJson(v), secure: containsSecure(v), object: true };
}

/** pkg/workspace/config.go `createConfigValue`: how a project default or value is applied. */
function createConfigValue(raw: unknown): ConfigValue {
  if (isPrimitive(raw)) return { text: String(raw), secure: false, object: false };
  return { text: JSON.stringify(raw), secure: false, object: true };
}

/** resource.ParsePropertyPathStrict, the common forms: `a.b`, `a[0]`, `a["b.c"]`. */
function parsePath(name: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  let at = 0;
  for (let m = re.exec(name); m !== null; m = re.exec(name)) {
    if (m.index !== at && name[at] !== ".") break;
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(`"${m[3]}"`) as string);
    at = re.lastIndex;
  }
  return out;
}

/**
 * config/map.go `Map.Get` with `path` set (how `mergeConfig` looks a declared key up): a dotted
 * key reaches into an object value.
 */
function getPath(
  stack: ConfigMap,
  key: string,
  plain: Map<string, unknown>,
): ConfigValue | undefined {
  const [namespace, name] = parseKey(key);
  const p = parsePath(name);
  if (p.length <= 1) return stack.get(`${namespace}:${String(p[0] ?? name)}`);
  const root = stack.get(`${namespace}:${String(p[0])}`);
  if (root === undefined) return undefined;
  let node: unknown = plain.get(`${namespace}:${String(p[0])}`);
  for (const segment of p.slice(1)) {
    if (typeof segment === "number" ? !Array.isArray(node) : !isPlainObject(node)) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
    if (node === undefined) return undefined;
  }
  return stackValue(node);
}

/** pkg/workspace/config.go `formatMissingKeys`. */
function formatMissingKeys(keys: string[]): string {
  if (keys.length === 1) return `'${keys[0]}'`;
  const sorted = [...keys].sort(byteOrder);
  return sorted
    .map((k, i) =>
      i === sorted.length - 1 ? `and '${k}'` : i === sorted.length - 2 ? `'${k}' ` : `'${k}', `,
    )
    .join("");
}

/** Go's `sort.Strings`: byte order. */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The outcome of applying the project's rules to a stack. */
export interface StackCheck {
  /** The CLI's error, exactly as `pulumi preview` prints it; undefined when the stack passes. */
  error?: string;
  /** The configuration the program receives: the stack's keys plus project defaults and values. */
  config: ConfigMap;
  /** Keys filled in from `Pulumi.yaml` (defaults and values). */
  applied: string[];
  /** Declared keys whose type could not be checked: encrypted, plain text unknown. */
  unchecked: string[];
}

/**
 * pkg/workspace/config.go `ValidateStackConfigAndApplyProjectConfig` (through `mergeConfig` with
 * `validate` set) for a stack without an ESC environment.
 *
 * `plaintexts` supplies the decrypted text of `secure:` values when known (a plan's secrets file).
 */
export function validateStackConfig(
  stackName: string,
  project: Project,
  stackConfig: ConfigMap,
  plain: Map<string, unknown> = new Map(),
  plaintexts: Map<string, string> = new Map(),
): StackCheck {
  const config: ConfigMap = new Map(stackConfig);
  const applied: string[] = [];
  const unchecked: string[] = [];
  const keys = Object.keys(project.config).sort(byteOrder);
  const missing: string[] = [];
  for (const key of keys) {
    const decl = project.config[key];
    const full = fullKey(project.name, key);
    const found = getPath(config, full, plain) !== undefined;
    const hasDefault = present(decl.default);
    const hasValue = present(decl.value);
    if (!found && !hasValue && !hasDefault && parseKey(full)[0] === project.name) {
      missing.push(key);
      continue;
    }
    if (!found && (hasValue || hasDefault)) {
      const value = createConfigValue(hasDefault ? decl.default : decl.value);
      // Map.Set with a path: a dotted key is set inside its object (kept simple: top-level only).
      config.set(full, value);
      plain.set(full, hasDefault ? decl.default : decl.value);
      applied.push(full);
    }
  }
  if (missing.length > 0) {
    return {
      error: `Stack '${stackName}' is missing configuration ${missing.length > 1 ? "values" : "value"} ${formatMissingKeys(missing)}`,
      config,
      applied,
      unchecked,
    };
  }
  // validateStackConfigValues: explicitly typed keys only, in key order; the first error wins.
  for (const key of keys) {
    const decl = project.config[key];
    if (decl.type === undefined) continue;
    const full = fullKey(project.name, key);
    const value = getPath(config, full, plain);
    if (value === undefined) continue;
    if (decl.secret === true && !value.secure) {
      return {
        error: `Stack '${stackName}' with configuration key '${key}' must be encrypted as it's secret`,
        config,
        applied,
        unchecked,
      };
    }
    const text = value.text ?? plaintexts.get(full);
    if (text === undefined) {
      unchecked.push(full);
      continue;
    }
    const content: unknown = value.object ? JSON.parse(text) : text;
    if (!validateConfigValue(decl.type, decl.items, content)) {
      return {
        error: `Stack '${stackName}' with configuration key '${key}' must be of type '${fullTypeName(decl.type, decl.items)}'`,
        config,
        applied,
        unchecked,
      };
    }
  }
  return { config, applied, unchecked };
}

/** A stack file as the CLI reads it (loaders.go `LoadProjectStackBytes`). */
export interface StackDocument {
  /** Stack name, from the file name (`Pulumi.<stack>.yaml`). */
  stack: string;
  /** Every key in full (`harbor:hostname`) with its stored value. */
  config: ConfigMap;
  /** The parsed YAML value of every key, by full key. */
  plain: Map<string, unknown>;
  /** Keys whose value is empty (`key:` with nothing after it): the CLI warns and uses "". */
  empty: string[];
  /** `environment:` imports (Pulumi ESC), whose values this reader cannot see. */
  environments: string[];
}

/** Parses a stack file's text for a project (keys without a namespace are the project's). */
export function parseStackDocument(
  text: string,
  stack: string,
  projectName: string,
): StackDocument {
  const doc: unknown = parseYaml(text) ?? {};
  if (!isPlainObject(doc)) throw new ProjectFileError(`Pulumi.${stack}.yaml is not a YAML map`);
  const config: ConfigMap = new Map();
  const plain = new Map<string, unknown>();
  const empty: string[] = [];
  const raw = doc.config ?? {};
  if (!isPlainObject(raw)) throw new ProjectFileError(`Pulumi.${stack}.yaml: config must be a map`);
  for (const [key, value] of Object.entries(raw)) {
    const [namespace, name] = key.includes(":") ? parseKey(key) : [projectName, key];
    const full = `${namespace}:${name}`;
    if (value === null) empty.push(key);
    config.set(full, stackValue(value));
    plain.set(full, value);
  }
  const env = doc.environment;
  const environments = Array.isArray(env)
    ? env.map(String)
    : isPlainObject(env) && Array.isArray(env.imports)
      ? env.imports.map(String)
      : [];
  return { stack, config, plain, empty, environments };
}

/** The result of checking one stack file against its project. */
export interface StackFileCheck extends StackCheck {
  file: string;
  stack: string;
  project: Project;
  document: StackDocument;
}

/** `Pulumi.<stack>.yaml` -> `<stack>`. */
export function stackNameOf(file: string): string {
  return path.basename(file).replace(/^Pulumi\.(.+)\.ya?ml$/, "$1");
}

/**
 * Applies the CLI's rules to a stack file against the `Pulumi.yaml` beside it (or `projectFile`).
 * A stack importing an ESC environment gets a note with a missing-key error: the environment may
 * provide the key.
 */
export function checkStackFile(
  file: string,
  options: { projectFile?: string; plaintexts?: Map<string, string> } = {},
): StackFileCheck {
  const project = loadProject(options.projectFile ?? path.join(path.dirname(file), "Pulumi.yaml"));
  const stack = stackNameOf(file);
  const document = parseStackDocument(readFileSync(file, "utf8"), stack, project.name);
  const check = validateStackConfig(
    stack,
    project,
    document.config,
    new Map(document.plain),
    options.plaintexts,
  );
  if (check.error !== undefined && document.environments.length > 0) {
    check.error += ` (the stack imports the ESC environment ${document.environments.join(", ")}, which this offline check cannot read)`;
  }
  return { ...check, file, stack, project, document };
}

/** One line per stack: `ok` with what Pulumi.yaml filled in, or the CLI's error. */
export function formatCheck(check: StackFileCheck): string {
  if (check.error !== undefined) return `${check.file}: ${check.error}`;
  const applied = check.applied.length > 0 ? `; defaults applied: ${check.applied.join(", ")}` : "";
  const unchecked =
    check.unchecked.length > 0 ? `; encrypted, type unchecked: ${check.unchecked.join(", ")}` : "";
  return `${check.file}: ok (stack '${check.stack}', project '${check.project.name}'${applied}${unchecked})`;
}

function main(files: string[]): number {
  if (files.length === 0) {
    process.stderr.write("usage: pulumi-config.ts <Pulumi.<stack>.yaml>...\n");
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    try {
      const check = checkStackFile(file);
      if (check.error !== undefined) failed++;
      process.stdout.write(`${formatCheck(check)}\n`);
    } catch (err) {
      failed++;
      process.stdout.write(`${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
