/**
 * Validates Kubernetes objects against the API schemas, strictly: the objects the program declares
 * (under the mock runtime) and the objects the charts render.
 *
 * - Built-in kinds: the Kubernetes 1.36 OpenAPI schemas that the pinned `kubernetes-models`
 *   package (5.1.0) ships compiled into validators (types, formats, enum values, required fields),
 *   plus a check for unknown fields, which those validators do not make (the OpenAPI schemas do
 *   not forbid additional properties): every field name is looked up in the same package's type
 *   declarations, read with the TypeScript compiler. Only GA versions of built-in groups are
 *   accepted: every beta API enabled by default was removed by Kubernetes 1.29 (new betas are off
 *   by default since 1.24, KEP-3136), and kubernetes-models keeps removed versions for old
 *   clusters.
 * - Custom resources: the `openAPIV3Schema` of their CRD from `HARBOR_CRDS_DIR`, with unknown
 *   fields refused where the schema lists properties and does not preserve unknown fields; their
 *   `metadata` as a built-in ObjectMeta. Kinds without a CRD there but packaged by the same
 *   project (`@kubernetes-models/prometheus-operator` 6.0.0: the chart's ServiceMonitor) are
 *   checked like built-in ones.
 *
 * Unknown fields are what this is for. The API server drops them, and strict field validation
 * (KEP-2885, kubernetes/enhancements keps/sig-api-machinery/2885-server-side-unknown-field-validation)
 * rejects them. pulumi-kubernetes applies with `fieldValidation: Warn` (provider/pkg/await/await.go,
 * `Creation`), so a misspelt field would be dropped with no more than a warning. A problem reads
 * like the API server's message: `unknown field "spec.template.spec.containers[0].imagePulPolicy"`.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import * as ts from "typescript";
import { parseAllDocuments } from "yaml";
import type { ProgramRun } from "./harness";
import { PROJECT_ROOT } from "./example-stacks";

const MODELS = path.join(PROJECT_ROOT, "node_modules", "kubernetes-models");
/** Custom resources packaged with schemas by the kubernetes-models project (pinned devDependencies). */
const CUSTOM_RESOURCE_MODELS = [
  path.join(PROJECT_ROOT, "node_modules", "@kubernetes-models", "prometheus-operator"),
];

/** Which schema errors count (a patch may leave out required fields). */
type Keep = (e: ErrorObject) => boolean;
const OBJECT_META_MODULE = "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
const OBJECT_META = path.join(PROJECT_ROOT, "node_modules", ...OBJECT_META_MODULE.split("/"));

/** A Kubernetes object: `apiVersion`, `kind` and whatever else it has. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
  [field: string]: unknown;
}

/** Version of the Kubernetes API the built-in schemas are (kubernetes-models 5.1.0). */
export const KUBERNETES_SCHEMA_VERSION = "1.36";

/** `spec.containers[0].name` from a JSON pointer `/spec/containers/0/name`. */
export function fieldPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((out, p) => (/^\d+$/.test(p) ? `${out}[${p}]` : out ? `${out}.${p}` : p), "");
}

/** A JSON pointer segment. */
const segment = (key: string) => `/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;

function ajvProblem(e: ErrorObject): string {
  const at = fieldPath(e.instancePath) || "(object)";
  const params = e.params as Record<string, unknown>;
  if (e.keyword === "additionalProperties") {
    const name = String(params.additionalProperty);
    return `unknown field "${fieldPath(`${e.instancePath}${segment(name)}`)}"`;
  }
  if (e.keyword === "required") {
    const name = String(params.missingProperty);
    return `${fieldPath(`${e.instancePath}${segment(name)}`)}: required`;
  }
  if (e.keyword === "enum") {
    return `${at}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  }
  if (e.keyword === "type") return `${at}: must be ${String(params.type)}`;
  if (e.keyword === "format") return `${at}: must be a ${String(params.format)}`;
  return `${at}: ${e.message ?? e.keyword}`;
}

/** Problems of a kubernetes-models validator on `object` (the package's public Model API). */
function modelProblems(modelFile: string, exportName: string, object: unknown): ErrorObject[] {
  // kubernetes-models is ESM-only with an import-only export map: load the file by its path
  // (require of ESM, Node 22), the model class being the package's public validation API.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Model = (require(`${modelFile}.js`) as Record<string, new (data: unknown) => unknown>)[
    exportName
  ];
  if (typeof Model !== "function") throw new Error(`${modelFile}.js exports no ${exportName}`);
  try {
    (new Model(object) as { validate(): void }).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: ErrorObject[] }).errors;
    if (!Array.isArray(errors)) throw error;
    return errors;
  }
}

/**
 * Field names from kubernetes-models' type declarations: a TypeScript program over one small root
 * file per type, grown as new kinds are asked for (unchanged files are reused).
 */
class DeclaredFields {
  private readonly roots = new Map<string, string>();
  private program: ts.Program | undefined;
  private readonly options: ts.CompilerOptions = {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  private readonly host = ts.createCompilerHost(this.options);

  constructor() {
    const read = this.host.getSourceFile.bind(this.host);
    const exists = this.host.fileExists.bind(this.host);
    this.host.getSourceFile = (file, language, ...rest) => {
      const text = this.roots.get(file);
      return text !== undefined
        ? ts.createSourceFile(file, text, language)
        : read(file, language, ...rest);
    };
    this.host.fileExists = (file) => this.roots.has(file) || exists(file);
    this.host.getCurrentDirectory = () => PROJECT_ROOT;
  }

  private dirty = false;

  /** The root file naming type `name` of the declaration file `file` (no extension). */
  private root(file: string, name: string): string {
    const root = path.join(
      PROJECT_ROOT,
      "__kube_schema__",
      `${file.replace(/[^A-Za-z0-9]/g, "_")}_${name}.ts`,
    );
    if (!this.roots.has(root)) {
      this.roots.set(root, `export type T = import(${JSON.stringify(file)}).${name};\n`);
      this.dirty = true;
    }
    return root;
  }

  /** Adds types to the program without building it (one build for many kinds). */
  add(file: string, name: string): void {
    this.root(file, name);
  }

  /** The declared type `name` exported by the declaration file `file` (no extension). */
  type(file: string, name: string): { type: ts.Type; checker: ts.TypeChecker } {
    const root = this.root(file, name);
    if (this.dirty || this.program === undefined) {
      this.program = ts.createProgram(
        [...this.roots.keys()],
        this.options,
        this.host,
        this.program,
      );
      this.dirty = false;
    }
    const checker = this.program.getTypeChecker();
    const source = this.program.getSourceFile(root)!;
    const moduleSymbol = checker.getSymbolAtLocation(source)!;
    const alias = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === "T")!;
    const type = checker.getDeclaredTypeOfSymbol(alias);
    if (type.flags & ts.TypeFlags.Any) throw new Error(`${file}: no type ${name}`);
    return { type, checker };
  }
}

/** Unknown fields of `value` against a declared TypeScript type, as `unknown field "a.b"`. */
function unknownFields(
  checker: ts.TypeChecker,
  value: unknown,
  declared: ts.Type,
  pointer: string,
  out: string[],
): void {
  if (value === null || value === undefined) return;
  const type = checker.getNonNullableType(declared);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
  if (type.isUnion()) {
    const members = type.types.filter((t) =>
      Array.isArray(value)
        ? checker.isArrayType(t)
        : typeof value === "object" && !!(t.flags & ts.TypeFlags.Object) && !checker.isArrayType(t),
    );
    // A member that fits without unknown fields wins; otherwise report against the first.
    let first: string[] | undefined;
    for (const member of members) {
      const found: string[] = [];
      unknownFields(checker, value, member, pointer, found);
      if (found.length === 0) return;
      first ??= found;
    }
    out.push(...(first ?? []));
    return;
  }
  if (checker.isArrayType(type)) {
    if (!Array.isArray(value)) return; // the schema validator reports the type
    const item = checker.getTypeArguments(type as ts.TypeReference)[0];
    value.forEach((v, i) => unknownFields(checker, v, item, `${pointer}/${i}`, out));
    return;
  }
  if (!(type.flags & ts.TypeFlags.Object) || typeof value !== "object" || Array.isArray(value)) {
    return;
  }
  const index = checker.getIndexTypeOfType(type, ts.IndexKind.String);
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const property = checker.getPropertyOfType(type, key);
    const at = `${pointer}${segment(key)}`;
    if (property) unknownFields(checker, v, checker.getTypeOfSymbol(property), at, out);
    else if (index) unknownFields(checker, v, index, at, out);
    else out.push(`unknown field "${fieldPath(at)}"`);
  }
}

/** A CRD schema as plain JSON Schema for ajv: no `x-kubernetes-*`, unknown properties refused. */
export function strictCrdSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictCrdSchema);
  if (node === null || typeof node !== "object") return node;
  const schema = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith("x-kubernetes-")) continue;
    out[key] =
      key === "properties"
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([k, v]) => [
              k,
              strictCrdSchema(v),
            ]),
          )
        : strictCrdSchema(value);
  }
  const open =
    schema["x-kubernetes-preserve-unknown-fields"] === true ||
    schema.additionalProperties !== undefined;
  if (schema.properties !== undefined && !open) out.additionalProperties = false;
  return out;
}

interface Crd {
  kind?: string;
  spec?: {
    group: string;
    names: { kind: string };
    versions: { name: string; served?: boolean; schema?: { openAPIV3Schema: unknown } }[];
  };
}

/** `apps/v1` → `{group: "apps", version: "v1"}`; `v1` → the core group `""`. */
export function groupVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Validates objects against the Kubernetes API schemas and, for custom resources, their CRDs. */
export class KubeSchemas {
  private readonly fields = new DeclaredFields();
  /** Custom resource schemas by `apiVersion:kind`, compiled on first use. */
  private readonly crds = new Map<string, { schema: unknown; validate?: ValidateFunction }>();
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

  /** `crdsDir`: CRD manifests (`HARBOR_CRDS_DIR`); custom resources without one are refused. */
  constructor(readonly crdsDir?: string) {
    if (crdsDir === undefined) return;
    for (const file of readdirSync(crdsDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()) {
      for (const doc of parseAllDocuments(readFileSync(path.join(crdsDir, file), "utf8"))) {
        const crd = doc.toJS() as Crd | null;
        if (crd?.kind !== "CustomResourceDefinition" || !crd.spec) continue;
        for (const v of crd.spec.versions) {
          if (v.served === false || !v.schema) continue;
          const apiVersion = `${crd.spec.group}/${v.name}`;
          const root = strictCrdSchema(v.schema.openAPIV3Schema) as {
            properties?: Record<string, unknown>;
          };
          root.properties = {
            ...root.properties,
            // ObjectMeta is checked as a built-in type (`problems`).
            metadata: { type: "object" },
            apiVersion: { type: "string", enum: [apiVersion] },
            kind: { type: "string", enum: [crd.spec.names.kind] },
          };
          this.crds.set(`${apiVersion}:${crd.spec.names.kind}`, { schema: root });
        }
      }
    }
  }

  /** Where a kind's model lives in `root` (no extension), if it does. */
  private static modelIn(root: string, apiVersion: string, kind: string): string | undefined {
    const { group, version } = groupVersion(apiVersion);
    if (!/^[A-Za-z0-9.]*$/.test(group) || !/^[A-Za-z0-9]+$/.test(version)) return undefined;
    if (!/^[A-Za-z]+$/.test(kind)) return undefined;
    const file =
      group === "" ? path.join(root, version, kind) : path.join(root, group, version, kind);
    return existsSync(`${file}.d.ts`) ? file : undefined;
  }

  /** Whether the group is one of Kubernetes' own (kubernetes-models has it, in any version). */
  isBuiltInGroup(apiVersion: string): boolean {
    const { group } = groupVersion(apiVersion);
    return group === "" || existsSync(path.join(MODELS, group));
  }

  /**
   * The model of a kind: a built-in one in kubernetes-models, or a custom resource packaged by
   * the same project (`@kubernetes-models/prometheus-operator`) when HARBOR_CRDS_DIR has no CRD
   * for it.
   */
  private modelOf(apiVersion: string, kind: string): string | undefined {
    if (this.isBuiltInGroup(apiVersion)) return KubeSchemas.modelIn(MODELS, apiVersion, kind);
    if (this.crds.has(`${apiVersion}:${kind}`)) return undefined;
    for (const root of CUSTOM_RESOURCE_MODELS) {
      const model = KubeSchemas.modelIn(root, apiVersion, kind);
      if (model !== undefined) return model;
    }
    return undefined;
  }

  /** Module specifier of a model file (no extension). */
  private static specifier(model: string): string {
    return path.relative(path.join(PROJECT_ROOT, "node_modules"), model).split(path.sep).join("/");
  }

  /** Loads the field declarations of every kind in `objects` at once (one TypeScript build). */
  prepare(objects: Iterable<{ apiVersion?: unknown; kind?: unknown }>): this {
    for (const { apiVersion, kind } of objects) {
      if (typeof apiVersion !== "string" || typeof kind !== "string") continue;
      const model = this.modelOf(apiVersion, kind);
      if (model !== undefined) this.fields.add(KubeSchemas.specifier(model), `I${kind}`);
    }
    this.fields.add(OBJECT_META_MODULE, "IObjectMeta");
    return this;
  }

  /** Problems from a model: its compiled schema, then unknown fields from its declared type. */
  private modelProblems(model: string, kind: string, object: unknown, keep: Keep): string[] {
    const found = modelProblems(model, kind, object).filter(keep).map(ajvProblem);
    const { type, checker } = this.fields.type(KubeSchemas.specifier(model), `I${kind}`);
    unknownFields(checker, object, type, "", found);
    return [...new Set(found)].sort();
  }

  /**
   * What the API server would refuse, drop or not know in `object`, as messages (none: valid).
   * `patch`: a partial object (Pulumi's `*Patch` resources), so required fields may be missing.
   */
  problems(object: unknown, options: { patch?: boolean } = {}): string[] {
    if (object === null || typeof object !== "object" || Array.isArray(object)) {
      return ["(object): must be an object"];
    }
    const { apiVersion, kind } = object as Partial<KubeObject>;
    if (typeof apiVersion !== "string" || typeof kind !== "string") {
      return ["(object): apiVersion and kind are required"];
    }
    const keep: Keep = (e) => !(options.patch && e.keyword === "required");
    if (this.isBuiltInGroup(apiVersion)) {
      if (!/^v\d+$/.test(groupVersion(apiVersion).version)) {
        return [
          `apiVersion: ${apiVersion} is not a GA API; supported Kubernetes versions serve no beta or alpha version of built-in groups by default`,
        ];
      }
      const model = this.modelOf(apiVersion, kind);
      if (model === undefined) {
        return [
          `kind: ${apiVersion} has no kind ${kind} (Kubernetes ${KUBERNETES_SCHEMA_VERSION})`,
        ];
      }
      return this.modelProblems(model, kind, object, keep);
    }
    const packaged = this.modelOf(apiVersion, kind);
    if (packaged !== undefined) return this.modelProblems(packaged, kind, object, keep);
    const crd = this.crds.get(`${apiVersion}:${kind}`);
    if (crd === undefined) {
      return [
        `kind: no schema for ${apiVersion} ${kind} (a custom resource: its CRD must be in ${this.crdsDir ?? "HARBOR_CRDS_DIR, which is unset"})`,
      ];
    }
    const validate = (crd.validate ??= this.ajv.compile(crd.schema as object));
    const found = validate(object) ? [] : (validate.errors ?? []).filter(keep).map(ajvProblem);
    const metadata = (object as KubeObject).metadata;
    if (metadata !== undefined) {
      found.push(
        ...modelProblems(OBJECT_META, "ObjectMeta", metadata)
          .filter(keep)
          .map((e) => ajvProblem({ ...e, instancePath: `/metadata${e.instancePath}` })),
      );
      const { type, checker } = this.fields.type(OBJECT_META_MODULE, "IObjectMeta");
      unknownFields(checker, metadata, type, "/metadata", found);
    }
    return [...new Set(found)].sort();
  }
}

/** A Kubernetes object the program declared, with the Pulumi resource it came from. */
export interface DeclaredObject {
  /** `type::name` of the Pulumi resource. */
  resource: string;
  object: KubeObject;
  /** A `*Patch` resource: a partial object applied over an existing one. */
  patch: boolean;
}

/** Pulumi resources of the Kubernetes provider that are not one API object. */
const NOT_AN_OBJECT = /^kubernetes:(helm\.sh|yaml|kustomize)\//;

/**
 * The Kubernetes objects a program run declared: every resource of the Kubernetes provider except
 * Helm releases/charts and YAML/Kustomize groups (their objects are rendered, not declared). The
 * type token must agree with the object's `apiVersion` and `kind` (`core` is the group `""`).
 */
export function declaredObjects(run: Pick<ProgramRun, "resources">): DeclaredObject[] {
  const out: DeclaredObject[] = [];
  for (const r of run.resources) {
    if (!r.type.startsWith("kubernetes:") || NOT_AN_OBJECT.test(r.type)) continue;
    const match = /^kubernetes:([^:]+)\/([^/:]+):([A-Za-z]+?)(Patch)?$/.exec(r.type);
    if (!match) throw new Error(`${r.type}: not a Kubernetes object type token`);
    const [, group, version, kind, patch] = match;
    const object = r.inputs as KubeObject;
    const apiVersion = group === "core" ? version : `${group}/${version}`;
    if (object.apiVersion !== apiVersion || object.kind !== kind) {
      throw new Error(
        `${r.type}::${r.name}: declares ${object.apiVersion} ${object.kind}, expected ${apiVersion} ${kind}`,
      );
    }
    out.push({ resource: `${r.type}::${r.name}`, object, patch: patch !== undefined });
  }
  return out;
}

/** The objects of a rendered manifest stream (`helm template` output), empty documents dropped. */
export function renderedObjects(manifests: string): KubeObject[] {
  return parseAllDocuments(manifests)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((d): d is KubeObject => d !== null);
}

/** `Kind namespace/name` for messages. */
export function describeObject(object: KubeObject): string {
  const m = object.metadata ?? {};
  return `${object.kind} ${m.namespace ? `${m.namespace}/` : ""}${m.name ?? "(generated name)"}`;
}

/** The parts of a dotted path (`spec.containers.0.name`). */
const parts = (at: string) => (at === "" ? [] : at.split("."));

/** The value at a dotted path (`spec.template.spec.containers.0`), undefined where it stops. */
export function valueAt(object: unknown, at: string): unknown {
  let node: unknown = object;
  for (const key of parts(at)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * A deep copy of `object` with each dotted path set to its value, or removed where the value is
 * `undefined`: mistakes planted in a valid object, to show the validation catches them.
 */
export function planted<T>(object: T, edits: Record<string, unknown>): T {
  const copy = structuredClone(object);
  for (const [at, value] of Object.entries(edits)) {
    const keys = parts(at);
    const parent = valueAt(copy, keys.slice(0, -1).join("."));
    if (parent === null || typeof parent !== "object") throw new Error(`${at}: no such parent`);
    const last = keys[keys.length - 1];
    if (value === undefined) delete (parent as Record<string, unknown>)[last];
    else (parent as Record<string, unknown>)[last] = value;
  }
  return copy;
}
