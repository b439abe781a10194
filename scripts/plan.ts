/**
 * What a stack would deploy, from its stack file alone: no cluster, no Pulumi CLI, no state.
 *
 *   npx ts-node scripts/plan.ts Pulumi.<stack>.yaml [secrets.json] [--images]
 *
 * Prints the configuration check, every Kubernetes object the program declares (kind,
 * namespace/name), Harbor's chart values with credentials redacted, and every image. With a
 * helm binary (`HELM`, else `helm` on PATH) and the chart (`HARBOR_CHART`: a .tgz or an unpacked
 * chart directory) it also lists the objects the chart renders.
 *
 * Secrets: a `secure:` entry is "set, value unknown" (checks that need its value are skipped);
 * `secrets.json` supplies values (`{"databasePassword": "..."}`, keys with or without `harbor:`).
 * Generated credentials are stand-ins and are never printed. `--images` prints only
 * `<source> <mirror>` lines, for copying images into an air-gapped mirror:
 *
 *   npx ts-node scripts/plan.ts Pulumi.prod.yaml --images |
 *     while read -r source mirror; do skopeo copy --all "docker://$source" "docker://$mirror"; done
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { UNKNOWN_SECRET } from "../config/schema";
import type { StackImage } from "../lib/chart";
import {
  evaluateModule,
  harborValues,
  type ProgramRun,
  type RecordedResource,
  type RuntimeConfig,
} from "./runtime/mock-runtime";
import { HELM, helmAvailable } from "./runtime/helm";
import { readStackFile, type StackFile } from "./runtime/stack-file";

const INDEX = path.resolve(__dirname, "..", "index.ts");

export interface PlanOptions {
  /** Path of `Pulumi.<stack>.yaml`. */
  stackFile: string;
  /** Secret values by key (`databasePassword` or `harbor:databasePassword`). */
  secrets?: Record<string, string>;
}

export interface Plan {
  stack: string;
  /** Secret keys set in the stack file whose values were not supplied. */
  unknownSecrets: string[];
  /** Keys Pulumi.yaml's defaults filled in, as the Pulumi CLI does. */
  projectDefaults: string[];
  run: ProgramRun;
}

/** The runtime configuration the Pulumi CLI would hand the program, with unknown secrets. */
export function runtimeConfig(
  file: StackFile,
  secrets: Record<string, string>,
): RuntimeConfig & { unknownSecrets: string[] } {
  const values: Record<string, string> = { ...file.otherConfig };
  for (const [key, value] of Object.entries(file.config)) {
    values[`harbor:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(secrets)) {
    const full = key.includes(":") ? key : `harbor:${key}`;
    values[full] = value;
    secretKeys.push(full);
  }
  const unknownSecrets: string[] = [];
  for (const key of [...file.secureKeys.map((k) => `harbor:${k}`), ...file.otherSecureKeys]) {
    if (!secretKeys.includes(key)) {
      values[key] = UNKNOWN_SECRET;
      secretKeys.push(key);
      unknownSecrets.push(key);
    }
  }
  return { values, secretKeys, unknownSecrets };
}

/**
 * Evaluates the program for a stack file under the mock runtime. The Pulumi CLI's project rules
 * come first (`readStackFile`): a stack `pulumi preview` would refuse fails here with the CLI's
 * message, before the program runs.
 */
export async function plan(options: PlanOptions): Promise<Plan> {
  const file = readStackFile(options.stackFile);
  const config = runtimeConfig(file, options.secrets ?? {});
  const attempt = await evaluateModule(INDEX, config, { stack: file.stack });
  if (attempt.error !== undefined || !attempt.run) throw attempt.error;
  return {
    stack: file.stack,
    unknownSecrets: config.unknownSecrets,
    projectDefaults: file.projectDefaults,
    run: attempt.run,
  };
}

/** `Kind namespace/name` of a Kubernetes object the program declares, or undefined. */
export function objectLine(r: RecordedResource): string | undefined {
  const match = /^kubernetes:([^:]+):(\w+)$/.exec(r.type);
  if (!match || r.type.startsWith("kubernetes:helm.sh/")) return undefined;
  const meta = (r.inputs.metadata ?? {}) as { name?: string; namespace?: string };
  const name = meta.name ?? `${r.name} (generated name)`;
  return `${match[2]} ${meta.namespace ? `${meta.namespace}/` : ""}${name}`;
}

/** `Kind namespace/name` of every object in rendered manifests. */
export function renderedObjectLines(manifests: string, defaultNamespace: string): string[] {
  const lines: string[] = [];
  for (const doc of parseAllDocuments(manifests)) {
    const o = doc.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } };
    if (!o?.kind) continue;
    const ns = o.metadata?.namespace ?? defaultNamespace;
    lines.push(`${o.kind} ${ns}/${o.metadata?.name ?? "?"}`);
  }
  return lines;
}

/** The chart's objects for these values, through `helm template` (values passed in a 0600 file). */
export function renderChart(
  helm: string,
  chart: string,
  run: ProgramRun,
): { release: string; namespace: string; manifests: string } {
  const release = String(run.outputs.releaseName);
  const namespace = String(run.outputs.namespace);
  const dir = mkdtempSync(path.join(tmpdir(), "harbor-plan-"));
  try {
    const valuesFile = path.join(dir, "values.yaml");
    writeFileSync(valuesFile, stringify(harborValues(run)), { mode: 0o600 });
    const manifests = execFileSync(
      helm,
      ["template", release, chart, "--namespace", namespace, "--values", valuesFile],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    return { release, namespace, manifests };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--images`: one `<source> <mirror>` line per image. */
export function imageLines(p: Plan): string {
  return (p.run.outputs.images as StackImage[])
    .map((image) => `${image.source} ${image.mirror}\n`)
    .join("");
}

/** Type prefix of the registry-content objects (dynamic resources). */
const HARBOR_OBJECT_TYPE = "pulumi-nodejs:dynamic/harbor:";

/** The report `plan.ts` prints. */
export function formatPlan(p: Plan, rendered?: string[]): string {
  const out: string[] = [];
  const { run } = p;
  out.push(
    `# Stack ${p.stack}: passes the Pulumi CLI's project rules (Pulumi.yaml)${p.projectDefaults.length > 0 ? `; defaults applied: ${p.projectDefaults.join(", ")}` : ""}`,
  );
  out.push(`# Stack ${p.stack}: configuration is valid`);
  if (p.unknownSecrets.length > 0) {
    out.push(
      `# Set, value unknown (checks that need the value were skipped): ${p.unknownSecrets.join(", ")}`,
    );
  }
  out.push("", "## Kubernetes objects the program declares");
  const objects = run.resources.map(objectLine).filter((l): l is string => l !== undefined);
  out.push(...[...new Set(objects)].sort().map((l) => `- ${l}`));
  // Registry content (each object names its stack key), not the auth-mode guard.
  const harborObjects = run.resources.filter(
    (r) => r.type.startsWith(HARBOR_OBJECT_TYPE) && typeof r.inputs.configKey === "string",
  );
  if (harborObjects.length > 0) {
    out.push("", "## Harbor objects (through Harbor's API, once the release is ready)");
    const lines = harborObjects.map(
      (r) => [String(r.inputs.configKey), r.type.slice(HARBOR_OBJECT_TYPE.length)] as const,
    );
    // By stack key: registration order depends on when each object's inputs resolve.
    lines.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    out.push(...lines.map(([key, kind]) => `- ${kind} ${key}`));
  }
  const helm = run.resources.filter((r) => r.type.startsWith("kubernetes:helm.sh/"));
  out.push("", "## Helm installs");
  for (const r of helm) {
    const { chart, version, namespace, name } = r.inputs as Record<string, string | undefined>;
    out.push(
      `- ${r.type.split(":")[2]} ${namespace}/${name}: chart ${chart}${version ? ` ${version}` : ""}`,
    );
  }
  if (rendered) {
    out.push("", "## Objects the Harbor chart renders with these values");
    out.push(...rendered.map((l) => `- ${l}`));
  }
  out.push("", "## Harbor chart values (credentials redacted)");
  out.push(stringify(run.outputs.chartValues).trimEnd());
  out.push("", "## Images (source -> where the cluster pulls it)");
  for (const image of run.outputs.images as StackImage[]) {
    out.push(`- ${image.source}${image.mirror === image.source ? "" : ` -> ${image.mirror}`}`);
  }
  return `${out.join("\n")}\n`;
}

function usage(): never {
  throw new Error("usage: plan.ts <Pulumi.<stack>.yaml> [secrets.json] [--images]");
}

async function main(argv: string[]): Promise<void> {
  const imagesOnly = argv.includes("--images");
  const [stackFile, secretsFile, ...rest] = argv.filter((a) => a !== "--images");
  if (!stackFile || rest.length > 0) usage();
  const secrets = secretsFile
    ? (JSON.parse(readFileSync(secretsFile, "utf8")) as Record<string, string>)
    : {};
  const p = await plan({ stackFile, secrets });
  if (imagesOnly) {
    process.stdout.write(imageLines(p));
    return;
  }
  const chart = process.env.HARBOR_CHART;
  const helm = chart && helmAvailable() ? HELM : undefined;
  let rendered: string[] | undefined;
  if (chart && helm) {
    const r = renderChart(helm, chart, p.run);
    rendered = renderedObjectLines(r.manifests, r.namespace).sort();
  }
  process.stdout.write(formatPlan(p, rendered));
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    // The mocks keep nothing alive that matters; exit once the report is flushed.
    () => process.stdout.write("", () => process.exit(0)),
    (err: unknown) => {
      // A configuration error is its message alone: never a stack trace.
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
