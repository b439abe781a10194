/**
 * Generates the configuration reference from the zod schema, which is its only definition:
 *
 *   npm run docs
 *
 * writes docs/configuration.md (how keys are set, a real error for a bad configuration, a table
 * of the top-level keys, then one table per structured key), README.md's table of the most-used
 * keys between `<!-- config-summary:start -->` and `<!-- config-summary:end -->`, and the
 * `config:` block of Pulumi.yaml (the required key and the scalar keys with a fixed default).
 * Descriptions come from each key's schema (`.describe()`, called last so that it sits on the
 * key's outermost schema); a key without one is an error naming it. Their links are written
 * relative to the project root (as HarborArgs' JSDoc reads them) and rebased for each file.
 * test/unit/docs.test.ts fails when the committed files differ from the output. It also writes
 * `HarborArgs` (config/harbor-args.ts, see scripts/args-type.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import { z } from "zod";
import { ConfigError } from "../config/errors";
import { loadConfig } from "../config/load";
import { OBJECT_KEYS, SECRET_KEYS, rawConfigSchema } from "../config/schema";
import { parseProject, stackValue, validateStackConfig } from "./runtime/pulumi-config";
import { ARGS_FILE, generateHarborArgs } from "./args-type";

/** The generated reference page, relative to the project root. */
export const REFERENCE_FILE = "docs/configuration.md";
/** README.md's table of the most-used keys sits between these markers. */
export const START_MARKER = "<!-- config-summary:start -->";
export const END_MARKER = "<!-- config-summary:end -->";
/** The top-level keys README.md's table lists: what a first stack decides. */
export const SUMMARY_KEYS = [
  "hostname",
  "expose",
  "tls",
  "storage",
  "trust",
  "adminPassword",
  "namespace",
  "releaseName",
  "chart",
  "auth",
  "database",
  "backup",
  "kubernetes",
  "protect",
] as const;
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

/** A top-level key's row, as the reference's first table shows it. */
export interface TopRow {
  key: string;
  type: string;
  default: string;
  meaning: string;
  /** For a key with variants: the values of its discriminator (`` `ingress` \| `nodePort` ``). */
  choices?: string;
  /** Whether the key has a section (a table of its own keys) after the top-level table. */
  section: boolean;
}

/**
 * The reference's tables (unformatted markdown, links relative to the project root), its top-level
 * rows, and Pulumi.yaml's keys.
 */
export function configReference(schema: z.ZodObject = rawConfigSchema) {
  const missing: string[] = [];
  const shape = schema.shape as Record<string, unknown>;
  const secret = (k: string) => (SECRET_KEYS as readonly string[]).includes(k);
  const topRows: TopRow[] = [];
  const sections: string[] = [];
  for (const [key, keySchema] of Object.entries(shape)) {
    const meaning = describeOrMissing(keySchema, key, key, missing);
    // A secret is one value in the stack file, whatever its JSON holds (registrySecrets).
    const structured = isStructured(keySchema) && !secret(key);
    const row: TopRow = {
      key,
      type: secret(key) ? "secret" : typeOf(keySchema),
      default:
        structured && docMeta(keySchema).docDefault === undefined
          ? docMeta(keySchema).variants
            ? defaultOf(keySchema)
            : (keySchema as z.ZodType).safeParse(undefined).data === undefined
              ? "none"
              : `see [${key}](#${key.toLowerCase()})`
          : defaultOf(keySchema),
      meaning: structured ? `${meaning} See [${key}](#${key.toLowerCase()}).` : meaning,
      section: structured,
    };
    topRows.push(row);
    if (!structured) continue;
    const rows = rowsOf(keySchema, "", key, missing);
    if (docMeta(keySchema).variants) row.choices = rows[0].type;
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
    sections.push(`## ${key}\n\n${intro}${table(header, body)}${notes ? `\n\n${notes}` : ""}`);
  }
  if (missing.length > 0) {
    throw new Error(
      `every key needs a description (.describe() as the key's last call in config/): ${[...new Set(missing)].join(", ")}`,
    );
  }
  const reference = [
    "## Top level",
    table(
      ["Key", "Type", "Default", "Meaning"],
      topRows.map((r) => [code(r.key), r.type, r.default, r.meaning]),
    ),
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
  return { reference, topRows, declared, undeclared };
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

/**
 * A link target written relative to the project root (as the schema's descriptions are) as seen
 * from `file`. `#anchor` alone means a heading of the reference page itself.
 */
export function rebaseLink(target: string, file: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return target; // https:, mailto:
  const fromDir = path.posix.dirname(file);
  if (target.startsWith("#")) {
    return file === REFERENCE_FILE
      ? target
      : `${path.posix.relative(fromDir, REFERENCE_FILE)}${target}`;
  }
  const [pathPart, anchor] = target.split("#", 2);
  const rebased = path.posix.relative(fromDir, pathPart) || path.posix.basename(pathPart);
  return anchor === undefined ? rebased : `${rebased}#${anchor}`;
}

/** Every markdown link of `text` rebased for `file` (see `rebaseLink`). */
export function rebaseLinks(text: string, file: string): string {
  return text.replace(/\]\(([^()\s]+)\)/g, (_, target: string) => `](${rebaseLink(target, file)})`);
}

/** The first sentence of a description (up to a `. ` outside code and parentheses). */
export function firstSentence(text: string): string {
  let depth = 0;
  let inCode = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "`") inCode = !inCode;
    else if (!inCode && (c === "(" || c === "[")) depth++;
    else if (!inCode && (c === ")" || c === "]")) depth--;
    else if (
      !inCode &&
      depth === 0 &&
      c === "." &&
      (i + 1 === text.length || text[i + 1] === " ")
    ) {
      return text.slice(0, i + 1);
    }
  }
  return text;
}

/**
 * The problems the program reports for a small bad configuration, as `pulumi preview` prints
 * them: the reference shows the real message, so it cannot drift from the loader's.
 */
export function sampleConfigError(): string {
  try {
    loadConfig({
      stack: "dev",
      values: {
        hostname: "harbor.example.com",
        expose: JSON.stringify({ type: "nodePort", nodePort: { https: 443 } }),
        storage: JSON.stringify({ sise: { registry: "20Gi" } }),
      },
      isSecret: () => false,
    });
  } catch (e) {
    if (e instanceof ConfigError) return `error: ${e.message}`;
    throw e;
  }
  throw new Error("the sample bad configuration was accepted");
}

/** docs/configuration.md, unformatted. */
function referencePage(ref: ReturnType<typeof configReference>): string {
  const sections = [...ref.reference.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  const toc = sections
    .map((name) => `[${name}](#${name.toLowerCase().replace(/ /g, "-")})`)
    .join(" · ");
  const declared = Object.entries(ref.declared)
    .map(([key, d]) => `\`${key}\`${d.default === undefined ? " (required)" : ""}`)
    .join(", ");
  return `<!-- Generated by \`npm run docs\` (scripts/docs.ts) from the schema in config/: edit the
descriptions there and run it again; test/unit/docs.test.ts fails when this file is stale. -->

# Configuration reference

Every key the program reads, in the \`harbor:\` namespace of \`Pulumi.<stack>.yaml\`. A program
that builds the \`Harbor\` component passes the same keys as \`HarborArgs\` (\`args.<key>\`, every
secret a \`pulumi.Input<string>\`; see [library.md](library.md)).

- Scalar keys: \`pulumi config set harbor:hostname registry.example.com\`.
- Structured keys are YAML maps in the stack file; one field can be set with
  \`pulumi config set --path harbor:expose.type nodePort\`.
- Secrets (type \`secret\` below): \`pulumi config set --secret harbor:<key>\`, which prompts
  for the value when it is left out. A secret key stored in plain text is refused.
- \`Pulumi.yaml\` declares only these keys, with their defaults:
  ${declared}.
  The Pulumi CLI treats a declared key without a default as required and checks declared types
  before the program runs; the program checks every key.

Unknown keys anywhere are errors, and every problem is reported at once, each naming its key,
before anything is deployed:

\`\`\`
${sampleConfigError()}
\`\`\`

${toc}

${rebaseLinks(ref.reference, REFERENCE_FILE)}
`;
}

/** README.md's table of the most-used keys, unformatted. */
function summaryTable(ref: ReturnType<typeof configReference>): string {
  const rows = SUMMARY_KEYS.flatMap((key) => {
    const row = ref.topRows.find((r) => r.key === key);
    if (row === undefined) return [];
    const anchor = `${REFERENCE_FILE}#${row.section ? key.toLowerCase() : "top-level"}`;
    return [
      [
        `[\`${key}\`](${anchor})`,
        row.choices ?? row.type,
        rebaseLinks(row.default, "README.md"),
        rebaseLinks(firstSentence(row.meaning), "README.md"),
      ],
    ];
  });
  return table(["Key", "Type", "Default", "Meaning"], rows);
}

/** The generated files as `npm run docs` writes them, formatted by Prettier. */
export async function generateDocs(readme: string, project: string, schema?: z.ZodObject) {
  const ref = configReference(schema);
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) {
    throw new Error(`README.md must contain ${START_MARKER} followed by ${END_MARKER}`);
  }
  const newReadme =
    readme.slice(0, start + START_MARKER.length) +
    `\n\n${summaryTable(ref)}\n\n` +
    readme.slice(end);

  const at = project.search(/^config:$/m);
  if (at < 0) throw new Error("Pulumi.yaml must end with its config: block");
  const objectKeys = OBJECT_KEYS.join(", ");
  const secretKeys = SECRET_KEYS.join(", ");
  const comment = commentLines(
    `Generated by \`npm run docs\` from config/schema.ts. Declared here: the required key and the scalar keys with a fixed default (the Pulumi CLI requires every declared key that has no default). Optional keys without a fixed default (${ref.undeclared.join(", ")}), structured keys (${objectKeys}) and the secrets (${secretKeys}) are described in ${REFERENCE_FILE} and validated by the program at preview time.`,
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
  return {
    readme: await format(newReadme, "README.md"),
    project: formatted,
    reference: await format(referencePage(ref), REFERENCE_FILE),
  };
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
    readme: read("README.md"),
    project: read("Pulumi.yaml"),
    reference: read(REFERENCE_FILE),
  };
}

const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

async function main() {
  const docs = await generateDocs(read("README.md"), read("Pulumi.yaml"));
  writeFileSync(path.join(ROOT, REFERENCE_FILE), docs.reference);
  writeFileSync(path.join(ROOT, "README.md"), docs.readme);
  writeFileSync(path.join(ROOT, "Pulumi.yaml"), docs.project);
  writeFileSync(path.join(ROOT, ARGS_FILE), await generateHarborArgs());
  console.log(
    `${REFERENCE_FILE}, README.md's key table, Pulumi.yaml and ${ARGS_FILE} regenerated from config/schema.ts`,
  );
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
