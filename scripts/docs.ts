/**
 * Generates the configuration reference from the zod schema, which is its only definition:
 *
 *   npm run docs
 *
 * rewrites README.md between `<!-- config-reference:start -->` and `<!-- config-reference:end -->`
 * (a table of the top-level keys, then one table per structured key) and the `config:` block of
 * Pulumi.yaml (every scalar, non-secret top-level key). Descriptions come from each key's schema
 * (`.describe()`, called last so that it sits on the key's outermost schema); a key without one
 * is an error naming it. test/unit/docs.test.ts fails when the committed files differ from the output.
 * It also writes `HarborArgs` (config/harbor-args.ts, see scripts/args-type.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import { z } from "zod";
import { OBJECT_KEYS, SECRET_KEYS, rawConfigSchema } from "../config/schema";
import { parseProject, stackValue, validateStackConfig } from "./runtime/pulumi-config";
import { ARGS_FILE, generateHarborArgs } from "./args-type";

export const START_MARKER = "<!-- config-reference:start -->";
export const END_MARKER = "<!-- config-reference:end -->";
const ROOT = path.join(__dirname, "..");

interface Def {
  type: string;
  [key: string]: unknown;
}

/** What the walk needs of a key's metadata (`.describe()`/`.meta()`, see config/primitives.ts). */
interface DocMeta {
  description?: string;
  /** The default as prose, where it is derived rather than a value (`<namespace>-<variant>`). */
  docDefault?: string;
  /** A paragraph after the key's table (top-level structured keys). */
  docNotes?: string;
  /** Set by `variants()`: the discriminator and the variant used when it is omitted. */
  variants?: { field: string; fallback: string };
}

const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;
const metaOf = (schema: unknown): DocMeta => z.globalRegistry.get(schema as z.ZodType) ?? {};

/** The schemas a key's outermost schema wraps, outermost first, down to its value's own type. */
function layers(schema: unknown): unknown[] {
  const out = [schema];
  for (;;) {
    const def = defOf(out[out.length - 1]);
    if (["optional", "default", "prefault", "nullable"].includes(def.type)) {
      out.push(def.innerType);
    } else if (def.type === "pipe") {
      // A preprocess (transform, then the schema) or a transform (the schema, then a transform).
      out.push(defOf(def.in).type === "transform" ? def.out : def.in);
    } else {
      return out;
    }
  }
}

/** The first metadata found from the outside in, field by field. */
function docMeta(schema: unknown): DocMeta {
  const meta: DocMeta = {};
  for (const layer of layers(schema)) {
    const m = metaOf(layer);
    for (const k of ["description", "docDefault", "docNotes", "variants"] as const) {
      if (meta[k] === undefined && m[k] !== undefined) Object.assign(meta, { [k]: m[k] });
    }
  }
  return meta;
}

const core = (schema: unknown): Def => defOf(layers(schema).at(-1));

const code = (v: unknown) => `\`${String(v)}\``;

/** A value written compactly, as in a YAML flow map. */
function flow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${flow(x)}`)
      .join(", ")}}`;
  }
  return String(v);
}

function typeOf(schema: unknown): string {
  const def = core(schema);
  switch (def.type) {
    case "string":
      return "string";
    case "number":
      return "integer";
    case "boolean":
      return "boolean";
    case "enum":
      return Object.values(def.entries as Record<string, string>)
        .map(code)
        .join(" \\| ");
    case "literal":
      return (def.values as unknown[]).map(code).join(" \\| ");
    case "array":
      return "list";
    case "record":
      return "map";
    case "union": {
      const options = def.options as unknown[];
      return options.every((o) => !isStructured(o))
        ? [...new Set(options.map(typeOf))].join(" or ")
        : "object";
    }
    case "object":
      return "object";
    default:
      return "any";
  }
}

function defaultOf(schema: unknown): string {
  const meta = docMeta(schema);
  if (meta.docDefault !== undefined) return meta.docDefault;
  const parsed = (schema as z.ZodType).safeParse(undefined);
  if (!parsed.success) return "required";
  const v = parsed.data;
  if (v === undefined) return "none";
  if (v === "") return '`""`';
  if (meta.variants) return code(`{${meta.variants.field}: ${meta.variants.fallback}}`);
  return code(flow(v));
}

export interface Row {
  /** Dotted path below the top-level key (the key itself for the top-level table). */
  key: string;
  /** Variants that take the key; undefined outside discriminated unions or when all do. */
  variants?: string[];
  type: string;
  default: string;
  meaning: string;
}

/** The options of a discriminated union, with each option's discriminator value. */
function unionOptions(def: Def, field: string): [string, unknown][] {
  return (def.options as unknown[]).map((o) => {
    const shape = defOf(o).shape as Record<string, unknown>;
    return [String((defOf(shape[field]).values as unknown[])[0]), o];
  });
}

/**
 * The rows of a structured key: each of its own keys (per variant for discriminated unions),
 * with the variants that take it; a nested object is one row whose description covers its keys. Keys without a description go to `missing`.
 */
function rowsOf(schema: unknown, prefix: string, name: string, missing: string[]): Row[] {
  const def = core(schema);
  const meta = docMeta(schema);
  if (def.type === "union" && meta.variants) {
    const { field, fallback } = meta.variants;
    const options = unionOptions(def, field);
    const names = options.map(([n]) => n);
    const byKey = new Map<string, Row>();
    const order: string[] = [];
    const rows: Row[] = [
      {
        key: field,
        type: names.map(code).join(" \\| "),
        default: code(fallback),
        meaning: describeOrMissing(options[0][1], field, `${name}.${field}`, missing, true),
      },
    ];
    for (const [variant, option] of options) {
      const shape = defOf(option).shape as Record<string, unknown>;
      for (const [k, v] of Object.entries(shape)) {
        if (k === field) continue;
        for (const row of rowsOf(v, prefix ? `${prefix}.${k}` : k, `${name}.${k}`, missing)) {
          const id = `${row.key}\u0000${row.type}\u0000${row.default}\u0000${row.meaning}`;
          const seen = byKey.get(id);
          if (seen) {
            seen.variants!.push(variant);
          } else {
            byKey.set(id, { ...row, variants: [variant] });
            order.push(id);
          }
        }
      }
    }
    for (const id of order) {
      const row = byKey.get(id)!;
      rows.push(row.variants!.length === names.length ? { ...row, variants: undefined } : row);
    }
    return rows;
  }
  if (def.type === "object" && prefix === "") {
    const shape = def.shape as Record<string, unknown>;
    return Object.entries(shape).flatMap(([k, v]) => rowsOf(v, k, `${name}.${k}`, missing));
  }
  if (def.type === "record" && prefix === "" && isStructured(def.valueType)) {
    // A map of objects (`projects: {<name>: {...}}`): the keys of each entry.
    return rowsOf(def.valueType, "", `${name}.<name>`, missing);
  }
  return [
    {
      key: prefix,
      type: typeOf(schema),
      default: defaultOf(schema),
      meaning: describeOrMissing(schema, prefix, name, missing),
    },
  ];
}

function describeOrMissing(
  schema: unknown,
  key: string,
  name: string,
  missing: string[],
  discriminator = false,
): string {
  const description = discriminator
    ? metaOf((defOf(schema).shape as Record<string, unknown>)[key]).description
    : docMeta(schema).description;
  if (description === undefined || description.trim() === "") {
    missing.push(`harbor:${name}`);
    return "";
  }
  return description.replace(/\|/g, "\\|");
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** An object, a union of objects, or a map whose entries are objects: a key with its own table. */
function isStructured(schema: unknown): boolean {
  const def = core(schema);
  if (def.type === "record") return isStructured(def.valueType);
  return ["object", "union"].includes(def.type);
}

/** The generated README section (between the markers, unformatted) and Pulumi.yaml's keys. */
export function configReference(schema: z.ZodObject = rawConfigSchema) {
  const missing: string[] = [];
  const shape = schema.shape as Record<string, unknown>;
  const secret = (k: string) => (SECRET_KEYS as readonly string[]).includes(k);
  const top: string[][] = [];
  const sections: string[] = [];
  for (const [key, keySchema] of Object.entries(shape)) {
    const meaning = describeOrMissing(keySchema, key, key, missing);
    // A secret is one value in the stack file, whatever its JSON holds (registrySecrets).
    const structured = isStructured(keySchema) && !secret(key);
    top.push([
      code(key),
      secret(key) ? "secret" : typeOf(keySchema),
      structured && docMeta(keySchema).docDefault === undefined
        ? docMeta(keySchema).variants
          ? defaultOf(keySchema)
          : (keySchema as z.ZodType).safeParse(undefined).data === undefined
            ? "none"
            : `see [${key}](#${key.toLowerCase()})`
        : defaultOf(keySchema),
      structured ? `${meaning} See [${key}](#${key.toLowerCase()}).` : meaning,
    ]);
    if (!structured) continue;
    const rows = rowsOf(keySchema, "", key, missing);
    const withVariants = rows.some((r) => r.variants !== undefined);
    const header = withVariants
      ? ["Key", "Variant", "Type", "Default", "Meaning"]
      : ["Key", "Type", "Default", "Meaning"];
    const body = rows.map((r) => {
      const cells = [code(r.key), r.type, r.default, r.meaning];
      if (withVariants) {
        cells.splice(1, 0, r.variants === undefined ? "all" : r.variants.map(code).join(", "));
      }
      return cells;
    });
    const notes = docMeta(keySchema).docNotes;
    const intro =
      core(keySchema).type === "record" ? `Each entry, \`harbor:${key}.<name>\`, takes:\n\n` : "";
    sections.push(`### ${key}\n\n${intro}${table(header, body)}${notes ? `\n\n${notes}` : ""}`);
  }
  if (missing.length > 0) {
    throw new Error(
      `every key needs a description (.describe() as the key's last call in config/): ${[...new Set(missing)].join(", ")}`,
    );
  }
  const readme = [
    "### Top level",
    table(["Key", "Type", "Default", "Meaning"], top),
    ...sections,
  ].join("\n\n");

  // Pulumi.yaml declares a scalar key only when the CLI's rules let every stack leave it out or
  // the program needs it anyway: the CLI treats a declared key without `default` or `value` as
  // required (pulumi/pulumi pkg/workspace/config.go `mergeConfig`), so an optional key whose
  // default is derived (externalURL, protect, ...) stays undeclared. A default is written with the
  // declared type (project.go `Project.Validate` checks it with `ValidateConfigValue`).
  const declared: Record<string, { type: string; default?: unknown; description: string }> = {};
  const undeclared: string[] = [];
  for (const [key, keySchema] of Object.entries(shape)) {
    if (secret(key) || (OBJECT_KEYS as readonly string[]).includes(key)) continue;
    const t = core(keySchema).type;
    const type =
      t === "boolean" ? "boolean" : t === "number" ? "integer" : t === "string" || t === "enum";
    if (type === false) continue;
    const parsed = (keySchema as z.ZodType).safeParse(undefined);
    if (parsed.success && parsed.data === undefined) {
      undeclared.push(key);
      continue;
    }
    declared[key] = {
      type: type === true ? "string" : type,
      ...(parsed.success ? { default: parsed.data } : {}),
      description: docMeta(keySchema).description!,
    };
  }
  return { readme, declared, undeclared };
}

/** Wraps words into comment lines of at most `width` characters. */
function commentLines(text: string, indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = `${indent}#`;
  for (const word of text.split(" ")) {
    if (line.length + 1 + word.length > width && line !== `${indent}#`) {
      lines.push(line);
      line = `${indent}#`;
    }
    line += ` ${word}`;
  }
  return [...lines, line];
}

/** README.md and Pulumi.yaml as `npm run docs` writes them, formatted by Prettier. */
export async function generateDocs(readme: string, project: string, schema?: z.ZodObject) {
  const ref = configReference(schema);
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) {
    throw new Error(`README.md must contain ${START_MARKER} followed by ${END_MARKER}`);
  }
  const newReadme =
    readme.slice(0, start + START_MARKER.length) + `\n\n${ref.readme}\n\n` + readme.slice(end);

  const at = project.search(/^config:$/m);
  if (at < 0) throw new Error("Pulumi.yaml must end with its config: block");
  const objectKeys = OBJECT_KEYS.join(", ");
  const secretKeys = SECRET_KEYS.join(", ");
  const comment = commentLines(
    `Generated by \`npm run docs\` from config/schema.ts. Declared here: the required key and the scalar keys with a fixed default (the Pulumi CLI requires every declared key that has no default). Optional keys without a fixed default (${ref.undeclared.join(", ")}), structured keys (${objectKeys}) and the secrets (${secretKeys}) are described in README.md and validated by the program at preview time.`,
    "  ",
  );
  const entries = Object.entries(ref.declared).flatMap(([key, d]) => [
    `  ${key}:`,
    `    type: ${d.type}`,
    ...(d.default !== undefined ? [`    default: ${JSON.stringify(d.default)}`] : []),
    `    description: ${JSON.stringify(d.description)}`,
  ]);
  const newProject = `${project.slice(0, at)}config:\n${[...comment, ...entries].join("\n")}\n`;

  const format = async (text: string, file: string) => {
    const options = await prettier.resolveConfig(path.join(ROOT, file));
    return prettier.format(text, { ...options, filepath: path.join(ROOT, file) });
  };
  const formatted = await format(newProject, "Pulumi.yaml");
  assertNewStackPasses(formatted, ref.declared);
  return { readme: await format(newReadme, "README.md"), project: formatted };
}

/**
 * The generated Pulumi.yaml must load, and a new stack that sets only the required keys must pass
 * the CLI's rules (scripts/runtime/pulumi-config.ts): otherwise `pulumi preview` stops before the
 * program runs.
 */
export function assertNewStackPasses(
  projectText: string,
  declared: Record<string, { type: string; default?: unknown }>,
): void {
  const project = parseProject(projectText);
  const sample = { string: "harbor.example.com", integer: "1", boolean: "true" } as const;
  const stack = new Map(
    Object.entries(declared)
      .filter(([, d]) => d.default === undefined)
      .map(([key, d]) => [
        `${project.name}:${key}`,
        stackValue(sample[d.type as keyof typeof sample] ?? ""),
      ]),
  );
  const check = validateStackConfig("new", project, stack);
  if (check.error !== undefined) {
    throw new Error(`the generated Pulumi.yaml fails the Pulumi CLI's rules: ${check.error}`);
  }
}

/** The committed files, read from the project root. */
export function committedDocs() {
  return {
    readme: readFileSync(path.join(ROOT, "README.md"), "utf8"),
    project: readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"),
  };
}

async function main() {
  const current = committedDocs();
  const docs = await generateDocs(current.readme, current.project);
  writeFileSync(path.join(ROOT, "README.md"), docs.readme);
  writeFileSync(path.join(ROOT, "Pulumi.yaml"), docs.project);
  writeFileSync(path.join(ROOT, ARGS_FILE), await generateHarborArgs());
  console.log(`README.md, Pulumi.yaml and ${ARGS_FILE} regenerated from config/schema.ts`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
