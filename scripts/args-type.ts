/**
 * Generates `HarborArgs`, the `Harbor` component's input interface, from the zod schema
 * (config/schema.ts and its fragments), which stays the one definition of the configuration:
 *
 *   npm run docs   (also writes docs/configuration.md, README.md's key table and Pulumi.yaml's
 *                   config block)
 *
 * writes config/harbor-args.ts. Each field's JSDoc is its key's description (`.describe()` /
 * `.meta()`), with its default; a nested key without a description of its own points at its
 * parent's, which describes it. Types follow what the schema accepts from a program:
 *
 * - literal unions for enums and literals, `boolean` and `number` for `bool()` and `intRange()`
 *   (the stack file's `"true"`/`"8"` spellings are for `pulumi config set --path`, not for
 *   programs), discriminated unions for `variants()` (the discriminator optional only in the
 *   default variant);
 * - every secret key (`SECRET_KEYS`) a `pulumi.Input<string>`: a plain string, `config.requireSecret`,
 *   a `RandomPassword`'s `result`, a Vault lookup;
 * - a shorthand accepted by a preprocess (a pull Secret given as the robot's name) is left out:
 *   programs write the full form;
 * - `unknown` is never emitted: a schema whose values the walk cannot type (`z.unknown()`,
 *   `z.custom()`) must say its TypeScript type in `.meta({ tsType })`, or generation fails
 *   naming the key.
 *
 * test/program/harbor-args.test.ts fails when the committed file differs from this output, and
 * config/load.ts's `stackArgs` assigns the schema's own output type to `HarborArgs`, so
 * `npm run build` fails when the generated type refuses something the schema produces.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import { z } from "zod";
import { SECRET_KEYS, rawConfigSchema } from "../config/schema";

const ROOT = path.join(__dirname, "..");
/** The generated file, relative to the project root. */
export const ARGS_FILE = "config/harbor-args.ts";

interface Def {
  type: string;
  [key: string]: unknown;
}

/** What the walk reads from a schema's metadata (`.describe()`/`.meta()`). */
interface ArgsMeta {
  description?: string;
  docDefault?: string;
  /** The TypeScript type of a value the walk cannot type itself (`z.unknown()`, `z.custom()`). */
  tsType?: string;
  /** The default for a program, where it differs from the stack's (`protect`). */
  argsDefault?: string;
  /** A paragraph only programs need (how `kubernetes` relates to the resource options). */
  argsNotes?: string;
  variants?: { field: string; fallback: string };
}

const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;
const metaOf = (schema: unknown): ArgsMeta =>
  (z.globalRegistry.get(schema as z.ZodType) as ArgsMeta | undefined) ?? {};

/** The wrappers of a key's schema, outermost first, down to its value's own type. */
function layers(schema: unknown): unknown[] {
  const out = [schema];
  for (;;) {
    const def = defOf(out[out.length - 1]);
    if (["optional", "default", "prefault", "nullable", "readonly"].includes(def.type)) {
      out.push(def.innerType);
    } else if (def.type === "pipe") {
      // A preprocess (transform, then the schema): the schema. A transform (the schema, then a
      // transform) or a `.pipe()`: what goes in.
      out.push(defOf(def.in).type === "transform" ? def.out : def.in);
    } else {
      return out;
    }
  }
}

function metaFrom(schema: unknown): ArgsMeta {
  const meta: ArgsMeta = {};
  for (const layer of layers(schema)) {
    const m = metaOf(layer);
    for (const k of [
      "description",
      "docDefault",
      "tsType",
      "argsDefault",
      "argsNotes",
      "variants",
    ] as const) {
      if (meta[k] === undefined && m[k] !== undefined) Object.assign(meta, { [k]: m[k] });
    }
  }
  return meta;
}

/** Whether a program may leave the key out (optional, or with a default). */
function isOptional(schema: unknown): boolean {
  return layers(schema).some((l) => ["optional", "default", "prefault"].includes(defOf(l).type));
}

const isNullable = (schema: unknown) => layers(schema).some((l) => defOf(l).type === "nullable");

/** A value in a comment: compact, like a YAML flow map. */
function flow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${flow(x)}`)
      .join(", ")}}`;
  }
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/** The default as a sentence part, or undefined (required, or nothing to say). */
function defaultText(schema: unknown, meta: ArgsMeta): string | undefined {
  if (meta.argsDefault !== undefined) return meta.argsDefault;
  if (meta.docDefault !== undefined) return meta.docDefault;
  if (!isOptional(schema)) return undefined;
  const parsed = (schema as z.ZodType).safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return undefined;
  if (meta.variants) return `\`{${meta.variants.field}: "${meta.variants.fallback}"}\``;
  const text = flow(parsed.data);
  return text.length > 120 ? undefined : `\`${text}\``;
}

/** Descriptions are written for the stack file: `harbor:key` is `args.key` to a program. */
function forPrograms(text: string): string {
  return text.replace(/harbor:(?=[A-Za-z])/g, "args.");
}

/** A JSDoc comment: paragraphs wrapped at 100 columns, `*\/` escaped. */
function jsDoc(paragraphs: string[], indent: string): string {
  const width = 100 - indent.length - 3;
  const lines: string[] = [];
  paragraphs.forEach((paragraph, i) => {
    if (i > 0) lines.push("");
    let line = "";
    for (const word of paragraph.replace(/\*\//g, "*\\/").split(/\s+/)) {
      if (line !== "" && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line === "" ? word : `${line} ${word}`;
      }
    }
    lines.push(line);
  });
  return `${indent}/**\n${lines.map((l) => (l === "" ? `${indent} *` : `${indent} * ${l}`)).join("\n")}\n${indent} */\n`;
}

/**
 * What a parent's description says about one of its keys, where it is written as
 * `` `key`: text `` (`"`className`: IngressClass. `annotations`: ..."`), else undefined.
 */
export function describedByParent(parent: string | undefined, name: string): string | undefined {
  if (parent === undefined) return undefined;
  const marker = /`(\w+)`(?: \([^)]*\))?: /g;
  const marks = [...parent.matchAll(marker)];
  const at = marks.findIndex((m) => m[1] === name);
  if (at < 0) return undefined;
  const start = marks[at].index + marks[at][0].length;
  const end = at + 1 < marks.length ? marks[at + 1].index : parent.length;
  const text = parent
    .slice(start, end)
    .trim()
    .replace(/[;,.]$/, "");
  return text === "" ? undefined : `${text[0].toUpperCase()}${text.slice(1)}.`;
}

class Generator {
  readonly missingTypes: string[] = [];

  constructor(private readonly secrets: readonly string[]) {}

  /** The TypeScript type of a value. `key` names it in errors; `indent` is its field's. */
  type(schema: unknown, key: string, indent: string): string {
    const meta = metaFrom(schema);
    if (meta.tsType !== undefined) return meta.tsType;
    const inner = layers(schema).at(-1);
    const def = defOf(inner);
    const nullable = isNullable(schema) ? " | null" : "";
    switch (def.type) {
      case "string":
        return `string${nullable}`;
      case "number":
        return `number${nullable}`;
      case "boolean":
        return `boolean${nullable}`;
      case "enum":
        return Object.values(def.entries as Record<string, string>)
          .map((v) => JSON.stringify(v))
          .join(" | ");
      case "literal":
        return (def.values as unknown[]).map((v) => JSON.stringify(v)).join(" | ");
      case "array":
        return `${this.parenthesized(this.type(def.element, `${key}[]`, indent))}[]`;
      case "record":
        return `{ [name: string]: ${this.type(def.valueType, `${key}.<name>`, indent)} }`;
      case "object":
        return this.object(def, key, indent, meta.description);
      case "union": {
        const options = def.options as unknown[];
        if (meta.variants) return this.variants(options, meta.variants, key, indent);
        return [...new Set(options.map((o) => this.type(o, key, indent)))].join(" | ");
      }
      default:
        this.missingTypes.push(`harbor:${key} (${def.type})`);
        return "never";
    }
  }

  private parenthesized(type: string): string {
    return /^[\w.<>[\]]+$/.test(type) || type.startsWith("{") ? type : `(${type})`;
  }

  /** The fields of an object, each with its JSDoc. */
  fields(
    shape: Record<string, unknown>,
    key: string,
    indent: string,
    optionalKeys: ReadonlySet<string> = new Set(),
    descriptions: Record<string, string | undefined> = {},
    parentDescription?: string,
  ): string {
    const inner = `${indent}  `;
    let out = "";
    for (const [name, schema] of Object.entries(shape)) {
      const path = key === "" ? name : `${key}.${name}`;
      const meta = metaFrom(schema);
      meta.description ??= descriptions[name];
      const secret = key === "" && this.secrets.includes(name);
      const type =
        secret && meta.tsType === undefined && defOf(layers(schema).at(-1)).type === "string"
          ? "pulumi.Input<string>"
          : this.type(schema, path, inner);
      const optional = optionalKeys.has(name) || isOptional(schema);
      const doc: string[] = [];
      const parent = key === "" ? undefined : key.replace(/\.<name>|\[\]/g, "");
      const own = meta.description?.trim() ? meta.description : undefined;
      const fromParent = own ?? describedByParent(parentDescription, name);
      doc.push(forPrograms(fromParent ?? `Described with \`${parent ?? name}\`.`));
      if (meta.argsNotes !== undefined) doc.push(forPrograms(meta.argsNotes));
      if (secret) {
        doc.push(
          "A secret: a plain string, or an Output such as `config.requireSecret(...)` or a `RandomPassword`'s `result`. It stays a Pulumi secret; its content is checked once its value is known.",
        );
      }
      const def = defaultText(schema, meta);
      if (def !== undefined) doc.push(`Default: ${forPrograms(def)}.`);
      out += jsDoc(doc, inner);
      const declared = !optional ? type : type === "never" ? "undefined" : `${type} | undefined`;
      out += `${inner}${quoteKey(name)}${optional ? "?" : ""}: ${declared};\n`;
    }
    return out;
  }

  private object(def: Def, key: string, indent: string, description?: string): string {
    const shape = def.shape as Record<string, unknown>;
    return `{\n${this.fields(shape, key, indent, new Set(), {}, description)}${indent}}`;
  }

  /**
   * A discriminated union: the keys every variant shares (the same schema) once, intersected with
   * one object per variant; the discriminator may be left out only in the default variant.
   */
  private variants(
    options: unknown[],
    v: { field: string; fallback: string },
    key: string,
    indent: string,
  ): string {
    const inner = `${indent}  `;
    const shapes = options.map((o) => defOf(o).shape as Record<string, unknown>);
    const descriptions = { [v.field]: metaFrom(shapes[0][v.field]).description };
    const shared = Object.keys(shapes[0]).filter(
      (k) => k !== v.field && shapes.every((shape) => shape[k] === shapes[0][k]),
    );
    const pick = (shape: Record<string, unknown>, keep: (k: string) => boolean) =>
      Object.fromEntries(Object.entries(shape).filter(([k]) => keep(k)));
    const union = shapes
      .map((shape) => {
        const value = String((defOf(shape[v.field]).values as unknown[])[0]);
        const optional = new Set(value === v.fallback ? [v.field] : []);
        const own = pick(shape, (k) => !shared.includes(k));
        return `${inner}| {\n${this.fields(own, key, inner, optional, descriptions)}${inner}  }`;
      })
      .join("\n");
    if (shared.length === 0) return `\n${union}`;
    const common = pick(shapes[0], (k) => shared.includes(k));
    return `{\n${this.fields(common, key, indent)}${indent}} & (\n${union}\n${indent})`;
  }
}

const quoteKey = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

/** config/harbor-args.ts as `npm run docs` writes it (unformatted). */
export function harborArgsSource(
  schema: z.ZodObject = rawConfigSchema,
  secrets: readonly string[] = SECRET_KEYS,
): string {
  const generator = new Generator(secrets);
  const body = generator.fields(schema.shape, "", "");
  if (generator.missingTypes.length > 0) {
    throw new Error(
      `every key needs a TypeScript type for HarborArgs (a schema the walk cannot type takes .meta({ tsType: "..." })): ${generator.missingTypes.join(", ")}`,
    );
  }
  return `/**
 * Generated by \`npm run docs\` (scripts/args-type.ts) from the zod schema in config/: do not edit.
 *
 * The arguments of the \`Harbor\` component: the stack's \`harbor:\` keys as a program writes them.
 * \`new Harbor(name, args)\` validates them with the stack's rules and messages (each naming
 * \`args.<key>\`); secrets are \`pulumi.Input<string>\` and stay Pulumi secrets.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A JSON value, as in a pod spec's affinity or Helm chart values. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Arguments of \`Harbor\`: one Harbor installation on Kubernetes. */
export interface HarborArgs {
${body}}
`;
}

/** The generated file, formatted by Prettier like the committed one. */
export async function generateHarborArgs(schema?: z.ZodObject): Promise<string> {
  const file = path.join(ROOT, ARGS_FILE);
  const options = await prettier.resolveConfig(file);
  return prettier.format(harborArgsSource(schema), { ...options, filepath: file });
}

/** The committed file. */
export function committedHarborArgs(): string {
  return readFileSync(path.join(ROOT, ARGS_FILE), "utf8");
}
