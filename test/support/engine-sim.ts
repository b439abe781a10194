/**
 * A small simulation of successive `pulumi up`s of this program under Pulumi's mock runtime, with
 * the state carried from one run to the next and the rules of the real engine and of
 * pulumi-kubernetes applied to it, so that tests can assert which Jobs a sequence of
 * configurations creates, replaces, keeps or runs again.
 *
 * What it encodes, and from where (pulumi/pulumi at /work/.mirror/pulumi+pulumi, pulumi-kubernetes
 * at /work/.mirror/pulumi+pulumi-kubernetes):
 *
 * - `up` is a preview and then an update, each a fresh run of the program (the CLI's `pulumi up`).
 *   Check failures and failing before-hooks stop the preview, so nothing changes.
 * - ignoreChanges: before diffing, the engine puts the old input value back at every ignored path
 *   (pkg/resource/deploy/step_generator.go, `processIgnoreChanges`); a replacement, once decided,
 *   is created from the full new inputs (the step generator checks `goal.Properties` again).
 * - Replacement: a provider's diff with replace keys replaces the resource; delete-before-replace
 *   when the provider asks for it (step_generator.go, `deleteBeforeReplace := diff.DeleteBeforeReplace`),
 *   else the old object is deleted at the end of the run.
 * - Init errors: a resource whose create or update failed to become ready is kept in state with
 *   init errors; with no diff the next run updates it again to keep waiting (step_generator.go,
 *   `if hasInitErrors { ... NewUpdateStep ... }`).
 * - A failed step stops the run: nothing registered after it runs, and no deletes happen.
 * - Kubernetes objects (provider/pkg/provider/provider.go, Diff): a change under a force-new path
 *   replaces (provider/pkg/provider/diff.go, `forceNew`: Job `.spec.template`, `.spec.selector`,
 *   `.spec.completions`, `.spec.parallelism`; `.metadata.name`/`.metadata.namespace` for every
 *   kind; ...); delete-before-replace when the name and namespace stay the same; a Job annotated
 *   `pulumi.com/replaceUnready: "true"` whose live object has not completed is replaced
 *   (`metadata.ReplaceUnready`, checked with the Job checker of provider/pkg/await/checker/job).
 * - Jobs: creating one runs it. The container that runs `scripts/backup/backup.sh` is run for real
 *   with sh, with the environment Kubernetes would give it (`configMapKeyRef`/`secretKeyRef`
 *   resolved from the simulated cluster; a missing required reference keeps the container from
 *   starting, so the Job fails, as the Kubernetes API documents for `EnvVarSource`), its volumes
 *   as directories, and stand-ins for `pg_dump` and `psql`. Other containers succeed unless the
 *   test injects a fault. Awaiting a Job (pulumi-kubernetes provider/pkg/await/job.go) fails when
 *   it has failed and succeeds when it has completed.
 * - helm.v3.Release (provider/pkg/provider/helm_release.go): `name`/`namespace` changes replace;
 *   install refuses a name in use; before-update resource hooks run with the old outputs and new
 *   inputs, in previews too when `onDryRun` (pkg/resource/deploy/step.go, `UpdateStep.Apply`).
 *   `status.version` is the chart version installed, refreshed from the cluster by `refresh()`.
 * - Dynamic resources run their real provider (`check`, `diff`, `create`, `update`); in a preview
 *   their outputs are their inputs (the dynamic provider host does not support provider previews,
 *   sdk/go/common/resource/plugin/provider_plugin.go, Update: `if !protocol.supportsPreview`).
 *
 * Not modelled: refresh of other kinds, parallel steps, `--continue-on-error`, protect.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { chartObjects } from "../../lib/backup";
import {
  acceptResourceHooks,
  mockState,
  plain,
  type MockRecorder,
} from "../../scripts/runtime/mock-runtime";
import { evaluateProgram, runtimeConfigOf, type StackConfig } from "./harness";

const INDEX = path.resolve(__dirname, "..", "..", "index.ts");
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const JOB = "kubernetes:batch/v1:Job";

type Obj = Record<string, unknown>;

/** A resource in the simulated state. */
export interface SimResource {
  type: string;
  name: string;
  id: string;
  inputs: Obj;
  outputs: Obj;
  initErrors?: string[];
}

export type StepOp = "create" | "update" | "replace" | "same" | "delete" | "skipped";

export interface StepRecord {
  /** `type::name`. */
  resource: string;
  op: StepOp;
  /** Why: the replace keys, or the failure. */
  detail?: string;
}

/** One run of a Job's pod. */
export interface JobRun {
  up: number;
  /** `namespace/name` of the Job. */
  job: string;
  outcome: "succeeded" | "failed";
  /** The last lines of its log (backup.sh), or the reason it failed. */
  log: string;
}

export interface UpResult {
  up: number;
  /** True when the preview and the update both completed. */
  ok: boolean;
  /** Check failures and failing hooks that stopped the preview (nothing changed). */
  refused: string[];
  /** Errors that stopped the update. */
  failed: string[];
  steps: StepRecord[];
  runs: JobRun[];
}

/** Kubernetes objects as the simulated cluster holds them. */
export class SimCluster {
  readonly configMaps = new Map<string, Record<string, string>>();
  readonly secrets = new Map<string, Record<string, string>>();
  readonly jobs = new Map<string, "Complete" | "Failed">();
  readonly releases = new Map<string, { version: string; appVersion?: string }>();
  /** Set: pg_dump fails with this message (a full backup claim, a wrong password, ...). */
  backupFault?: string;
  /** A failure for a Job (by `namespace/name`), or undefined for success. */
  jobFault?: (job: string) => string | undefined;
  /** Set: the next Helm upgrade or install fails with this message. */
  releaseFault?: string;
  private readonly root = mkdtempSync(path.join(tmpdir(), "harbor-engine-sim-"));

  /** The directory behind a claim, kept from run to run. */
  claimDir(namespace: string, claim: string): string {
    const dir = path.join(this.root, "claims", namespace, claim);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Names of the backups on a claim. */
  backupsOn(namespace: string, claim: string): string[] {
    return readdirSync(this.claimDir(namespace, claim))
      .filter((n) => !n.startsWith("."))
      .sort();
  }

  scratch(): string {
    return mkdtempSync(path.join(this.root, "pod-"));
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

interface Captured {
  opts: pulumi.CustomResourceOptions;
}

const key = (type: string, name: string) => `${type}::${name}`;

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Obj)[k])]),
    );
  }
  return v;
}

/** Paths (`.a.b[0].c`) where two input values differ; a whole value when its type differs. */
export function changedPaths(a: unknown, b: unknown, at = ""): string[] {
  if (deepEqual(a, b)) return [];
  const isObj = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a as Obj), ...Object.keys(b as Obj)]);
    return [...keys].flatMap((k) => changedPaths((a as Obj)[k], (b as Obj)[k], `${at}.${k}`));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => changedPaths(x, b[i], `${at}[${i}]`));
  }
  return [at || "."];
}

const segments = (p: string) => p.match(/\.[^.[]+|\[[^\]]*\]/g) ?? [];

/** Whether a changed path touches a force-new path (`[*]` matches any index). */
function touches(changed: string, forceNew: string): boolean {
  const c = segments(changed);
  const f = segments(forceNew);
  for (let i = 0; i < Math.min(c.length, f.length); i++) {
    if (f[i] === "[*]" && c[i].startsWith("[")) continue;
    if (c[i] !== f[i]) return false;
  }
  return true;
}

/** pulumi-kubernetes provider/pkg/provider/diff.go, `forceNew` and `forceNewProperties`. */
function forceNewPaths(type: string, mutable: { configMaps: boolean; secrets: boolean }): string[] {
  const always = [".metadata.name", ".metadata.namespace"];
  const kind = type.split(":")[2];
  switch (kind) {
    case "Job":
      return [
        ...always,
        ".spec.completions",
        ".spec.parallelism",
        ".spec.selector",
        ".spec.template",
      ];
    case "PersistentVolumeClaim":
      return [
        ...always,
        ".spec.accessModes",
        ".spec.selector",
        ".spec.storageClassName",
        ".spec.volumeName",
      ];
    case "RoleBinding":
    case "ClusterRoleBinding":
      return [...always, ".roleRef"];
    case "StorageClass":
      return [...always, ".parameters", ".provisioner"];
    case "Secret":
      return mutable.secrets ? [...always, ".type"] : [...always, ".type", ".stringData", ".data"];
    case "ConfigMap":
      return mutable.configMaps ? always : [...always, ".binaryData", ".data"];
    default:
      return always;
  }
}

/** Resets every ignored path to its old value (step_generator.go, `processIgnoreChanges`). */
function applyIgnoreChanges(news: Obj, olds: Obj, ignore: readonly string[]): Obj {
  const out = clone(news);
  for (const p of ignore) {
    const parts = p.split(".");
    let n: Obj = out;
    let o: Obj | undefined = olds;
    for (const part of parts.slice(0, -1)) {
      if (!n[part] || typeof n[part] !== "object") n[part] = {};
      n = n[part] as Obj;
      o = o?.[part] as Obj | undefined;
    }
    const last = parts[parts.length - 1];
    if (o && last in o) n[last] = clone(o[last]);
    else delete n[last];
  }
  return out;
}

const meta = (inputs: Obj) =>
  (inputs.metadata ?? {}) as {
    name?: string;
    namespace?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
const objectKey = (inputs: Obj) => `${meta(inputs).namespace ?? "default"}/${meta(inputs).name}`;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}
interface Container {
  name: string;
  command?: string[];
  env?: EnvVar[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Volume {
  name: string;
  configMap?: { name: string };
  persistentVolumeClaim?: { claimName: string };
  emptyDir?: object;
}

/** Stand-ins for the PostgreSQL clients backup.sh calls. */
const PG_DUMP = `#!/bin/sh
if [ -n "\${SIM_BACKUP_FAULT:-}" ]; then echo "pg_dump: error: \${SIM_BACKUP_FAULT}" >&2; exit 1; fi
[ -n "\${PGPASSWORD:-}" ] || { echo "pg_dump: error: no password supplied" >&2; exit 1; }
for a in "$@"; do case "$a" in --file=*) printf 'PGDMP simulated dump\\n' >"\${a#--file=}" ;; esac; done
`;
const PSQL = `#!/bin/sh
case "$*" in *to_regclass*) echo t ;; *) echo 180 ;; esac
`;

export interface SimOptions {
  /** The dynamic providers, by resource name (the engine loads them from the serialized code). */
  dynamicProviders: Record<string, pulumi.dynamic.ResourceProvider>;
}

/** Successive `pulumi up`s of index.ts against one state and one simulated cluster. */
export class EngineSim {
  readonly state = new Map<string, SimResource>();
  readonly history: UpResult[] = [];
  private ups = 0;

  readonly cluster: SimCluster;

  /** `cluster`: share one simulated cluster between stacks (a new stack over an old release). */
  constructor(
    private readonly options: SimOptions,
    cluster?: SimCluster,
  ) {
    this.cluster = cluster ?? new SimCluster();
  }

  /** `pulumi up`: a preview, then (when it passes) the update. `target`: `type::name` keys. */
  async up(stack: StackConfig, opts: { target?: string[]; skipPreview?: boolean } = {}) {
    const up = ++this.ups;
    const result: UpResult = { up, ok: false, refused: [], failed: [], steps: [], runs: [] };
    if (!opts.skipPreview) {
      const preview = new Run(this, up, true, opts.target);
      await preview.evaluate(stack);
      result.refused = preview.errors;
      if (preview.errors.length > 0) {
        this.history.push(result);
        return result;
      }
    }
    const run = new Run(this, up, false, opts.target);
    await run.evaluate(stack);
    result.failed = run.errors;
    result.steps = run.steps;
    result.runs = run.runs;
    result.ok = run.errors.length === 0;
    this.history.push(result);
    return result;
  }

  /**
   * `pulumi refresh` of the releases and Jobs: a release's `version` and `status` from Helm (a
   * missing one leaves the state, helm_release.go Read), a Job's failure as init errors
   * (provider/pkg/await/job.go, `Read`).
   */
  refresh(): void {
    for (const [k, r] of this.state) {
      if (r.type === RELEASE) {
        const live = this.cluster.releases.get(
          `${String(r.inputs.namespace)}/${String(r.inputs.name)}`,
        );
        if (!live) {
          this.state.delete(k);
          continue;
        }
        const status: Obj = { ...(r.outputs.status as Obj), version: live.version };
        if (live.appVersion) status.appVersion = live.appVersion;
        r.outputs = { ...r.outputs, version: live.version, status };
      } else if (r.type === JOB) {
        const phase = this.cluster.jobs.get(objectKey(r.inputs));
        if (phase === undefined) this.state.delete(k);
        else r.initErrors = phase === "Failed" ? ["Job failed"] : undefined;
      }
    }
  }

  /** Every Job run so far. */
  get runs(): JobRun[] {
    return this.history.flatMap((h) => h.runs);
  }

  dispose(): void {
    this.cluster.dispose();
  }

  /** @internal */
  dynamicProvider(name: string): pulumi.dynamic.ResourceProvider | undefined {
    return this.options.dynamicProviders[name];
  }
}

/** One evaluation of the program (the preview or the update of an `up`). */
class Run {
  readonly errors: string[] = [];
  readonly steps: StepRecord[] = [];
  readonly runs: JobRun[] = [];
  private readonly registered = new Set<string>();
  private readonly captured = new Map<string, Captured>();
  private readonly laterDeletes: SimResource[] = [];
  private halted = false;

  constructor(
    private readonly sim: EngineSim,
    private readonly up: number,
    private readonly preview: boolean,
    private readonly target?: string[],
  ) {}

  private get cluster() {
    return this.sim.cluster;
  }

  async evaluate(stack: StackConfig): Promise<void> {
    const recorder: MockRecorder = { resources: [] };
    await pulumi.runtime.setMocks(
      {
        newResource: async (args) => {
          recorder.resources.push({
            type: args.type,
            name: args.name,
            rawInputs: args.inputs as Obj,
            inputs: {},
            state: {},
          });
          return this.register(args);
        },
        call: (args) => args.inputs as Obj,
      },
      "harbor",
      stack.stack ?? "sim",
      this.preview,
    );
    acceptResourceHooks();
    const config = runtimeConfigOf(stack);
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    delete require.cache[INDEX];
    // The harness's evaluateProgram runs it without stack traces (withoutStackTraces).
    const attempt = await evaluateProgram(recorder, () => {
      pulumi.runtime.registerStackTransformation((args) => {
        this.captured.set(key(args.type, args.name), {
          opts: args.opts,
        });
        return undefined;
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(INDEX) as Record<string, pulumi.Input<unknown>>;
    });
    if (attempt.error !== undefined) {
      this.errors.push(
        attempt.error instanceof Error ? attempt.error.message : JSON.stringify(attempt.error),
      );
    }
    if (!this.preview && !this.halted && this.errors.length === 0) this.deleteRest();
  }

  private fail(resource: string, message: string) {
    this.errors.push(`${resource}: ${message}`);
    if (!this.preview) this.halted = true;
  }

  private record(resource: string, op: StepOp, detail?: string) {
    if (!this.preview) this.steps.push({ resource, op, ...(detail ? { detail } : {}) });
  }

  private async register(args: pulumi.runtime.MockResourceArgs) {
    if (args.type === "pulumi:pulumi:Stack") return { id: "stack", state: {} };
    const k = key(args.type, args.name);
    this.registered.add(k);
    const inputs = plain(args.inputs) as Obj;
    delete inputs.__provider;
    if (!args.custom) return { id: k, state: {} };
    const old = this.sim.state.get(k);
    const untargeted = this.target !== undefined && !this.target.includes(k);
    if (this.halted || untargeted) {
      if (this.halted) this.record(k, "skipped", "the run stopped");
      else this.record(k, old ? "same" : "skipped", "not targeted");
      return old ? { id: old.id, state: old.outputs } : { id: "", state: inputs };
    }
    const opts = this.captured.get(k)?.opts ?? {};
    if (args.type === DYNAMIC) return this.dynamic(k, args.name, inputs, old);
    return this.kubernetes(k, args.type, args.name, inputs, old, opts);
  }

  private save(k: string, r: SimResource) {
    if (!this.preview) this.sim.state.set(k, r);
  }

  // ---------------------------------------------------------------------------------------------
  // Dynamic resources: the real provider.

  private async dynamic(k: string, name: string, inputs: Obj, old?: SimResource) {
    const provider = this.sim.dynamicProvider(name);
    if (!provider) throw new Error(`engine-sim: no dynamic provider registered for ${name}`);
    const checked = provider.check ? await provider.check(old?.inputs ?? {}, inputs) : { inputs };
    const news = (checked.inputs ?? inputs) as Obj;
    if (checked.failures && checked.failures.length > 0) {
      for (const f of checked.failures) this.fail(k, `${f.property}: ${f.reason}`);
      return { id: old?.id ?? "", state: old?.outputs ?? news };
    }
    if (this.preview) return { id: old?.id ?? "", state: news };
    if (!old) {
      const created = await provider.create(news);
      this.save(k, {
        type: DYNAMIC,
        name,
        id: created.id,
        inputs: news,
        outputs: created.outs as Obj,
      });
      this.record(k, "create");
      return { id: created.id, state: created.outs as Obj };
    }
    const diff = provider.diff
      ? await provider.diff(old.id, old.outputs, news)
      : { changes: !deepEqual(old.inputs, news) };
    if (!diff.changes) {
      this.record(k, "same");
      return { id: old.id, state: old.outputs };
    }
    const updated = provider.update
      ? await provider.update(old.id, old.outputs, news)
      : { outs: news };
    const outs = (updated.outs ?? news) as Obj;
    this.save(k, { ...old, inputs: news, outputs: outs });
    this.record(k, "update");
    return { id: old.id, state: outs };
  }

  // ---------------------------------------------------------------------------------------------
  // Kubernetes objects and the Helm release: pulumi-kubernetes's rules.

  private mutable() {
    const provider = [...this.sim.state.values()].find(
      (r) => r.type === "pulumi:providers:kubernetes",
    );
    return {
      configMaps: provider?.inputs.enableConfigMapMutable === true,
      secrets: provider?.inputs.enableSecretMutable === true,
    };
  }

  private async kubernetes(
    k: string,
    type: string,
    name: string,
    newInputs: Obj,
    old: SimResource | undefined,
    opts: pulumi.CustomResourceOptions,
  ) {
    const ignore = opts.ignoreChanges ?? [];
    const compared = old ? applyIgnoreChanges(newInputs, old.inputs, ignore) : newInputs;
    const state = (inputs: Obj) => mockState(type, name, inputs, {});
    const idOf = (inputs: Obj) =>
      type === RELEASE
        ? `${String(inputs.namespace)}/${String(inputs.name)}`
        : meta(inputs).namespace
          ? objectKey(inputs)
          : (meta(inputs).name ?? `${name}-id`);

    if (!old) {
      if (this.preview) return { id: "", state: state(newInputs) };
      const error = await this.apply(type, k, newInputs, undefined, "create");
      const saved: SimResource = {
        type,
        name,
        id: idOf(newInputs),
        inputs: newInputs,
        outputs: state(newInputs),
        ...(error ? { initErrors: [error] } : {}),
      };
      if (error === undefined || type === JOB) this.save(k, saved);
      this.record(k, "create", error);
      if (error) this.fail(k, error);
      return { id: saved.id, state: saved.outputs };
    }

    // Diff (provider.go Diff, helm_release.go Diff). The release's diff is a three-way merge of
    // the old inputs, the new inputs and the old state (`CreateThreeWayMergePatch`), so a chart
    // version that differs from the one the state reports (after a refresh) is a change too.
    const changed = changedPaths(old.inputs, compared);
    if (
      type === RELEASE &&
      old.outputs.version !== compared.version &&
      !changed.includes(".version")
    ) {
      changed.push(".version");
    }
    const forceNew =
      type === RELEASE ? [".name", ".namespace"] : forceNewPaths(type, this.mutable());
    const replaceKeys = changed.filter((p) => forceNew.some((f) => touches(p, f)));
    if (
      type === JOB &&
      meta(compared).annotations?.["pulumi.com/replaceUnready"] === "true" &&
      this.cluster.jobs.has(objectKey(old.inputs)) &&
      this.cluster.jobs.get(objectKey(old.inputs)) !== "Complete"
    ) {
      replaceKeys.push('.metadata.annotations["pulumi.com/replaceUnready"]');
    }

    if (replaceKeys.length > 0) {
      // A replacement is created from the full new inputs (ignoreChanges does not apply).
      if (this.preview) return { id: "", state: state(newInputs) };
      const sameName =
        type === RELEASE
          ? old.inputs.name === newInputs.name && old.inputs.namespace === newInputs.namespace
          : objectKey(old.inputs) === objectKey(newInputs);
      const deleteBeforeReplace = opts.deleteBeforeReplace ?? (type !== RELEASE && sameName);
      if (deleteBeforeReplace) this.remove(old);
      else this.laterDeletes.push(old);
      const error = await this.apply(type, k, newInputs, undefined, "create");
      const saved: SimResource = {
        type,
        name,
        id: idOf(newInputs),
        inputs: newInputs,
        outputs: state(newInputs),
        ...(error ? { initErrors: [error] } : {}),
      };
      this.save(k, saved);
      this.record(k, "replace", error ?? replaceKeys.join(", "));
      if (error) this.fail(k, error);
      return { id: saved.id, state: saved.outputs };
    }

    if (changed.length === 0 && !old.initErrors) {
      this.record(k, "same");
      return { id: old.id, state: old.outputs };
    }

    // An update, or the empty update that keeps waiting for an object with init errors.
    const error = await this.apply(type, k, compared, old, "update", opts);
    if (this.preview) return { id: old.id, state: error ? old.outputs : state(compared) };
    // A failed Helm upgrade is checkpointed with the failed revision (helm_release.go, Update:
    // `partialError(..., inputsAndComputed)` after `setReleaseAttributes` of the failed release).
    const failedRelease =
      error !== undefined && type === RELEASE && !error.startsWith("before-update");
    const saved: SimResource =
      error && !failedRelease
        ? { ...old, initErrors: [error] }
        : {
            type,
            name,
            id: old.id,
            inputs: compared,
            outputs: failedRelease
              ? {
                  ...state(compared),
                  status: { ...(state(compared).status as Obj), status: "failed" },
                }
              : state(compared),
            ...(error ? { initErrors: [error] } : {}),
          };
    this.save(k, saved);
    this.record(k, "update", error ?? changed.join(", "));
    if (error) this.fail(k, error);
    return { id: saved.id, state: saved.outputs };
  }

  /** The object's effect on the cluster; returns an error message when the step fails. */
  private async apply(
    type: string,
    k: string,
    inputs: Obj,
    old: SimResource | undefined,
    op: "create" | "update",
    opts: pulumi.CustomResourceOptions = {},
  ): Promise<string | undefined> {
    if (type === RELEASE) return this.release(k, inputs, old, op, opts);
    if (this.preview) return undefined;
    const kind = type.split(":")[2];
    const id = objectKey(inputs);
    if (kind === "ConfigMap") this.cluster.configMaps.set(id, { ...(inputs.data as Obj) } as never);
    if (kind === "Secret") {
      this.cluster.secrets.set(id, { ...((inputs.stringData ?? inputs.data) as Obj) } as never);
    }
    if (kind === "Job") {
      if (op === "create") return this.runJob(inputs);
      // Awaiting an existing Job again (provider/pkg/await/job.go).
      return this.cluster.jobs.get(id) === "Failed" ? `Job ${id} has failed` : undefined;
    }
    return undefined;
  }

  private async release(
    k: string,
    inputs: Obj,
    old: SimResource | undefined,
    op: "create" | "update",
    opts: pulumi.CustomResourceOptions,
  ): Promise<string | undefined> {
    const id = `${String(inputs.namespace)}/${String(inputs.name)}`;
    if (op === "update" && old) {
      for (const hook of opts.hooks?.beforeUpdate ?? []) {
        const h = hook instanceof pulumi.ResourceHook ? hook : undefined;
        if (this.preview && !h?.opts?.onDryRun) continue;
        const callback = h ? h.callback : (hook as pulumi.ResourceHookFunction);
        try {
          await callback({
            urn: k,
            id: old.id,
            name: k.split("::")[1],
            type: RELEASE,
            newInputs: inputs,
            oldInputs: old.inputs,
            oldOutputs: old.outputs,
          });
        } catch (err) {
          const message = `before-update hook ${h?.name ?? ""}: ${(err as Error).message}`;
          if (this.preview) this.fail(k, message);
          return message;
        }
      }
    }
    if (this.preview) return undefined;
    if (this.cluster.releaseFault) {
      const fault = this.cluster.releaseFault;
      this.cluster.releaseFault = undefined;
      // Helm records the failed revision: the release now reports the chart it tried.
      if (op === "update") this.cluster.releases.set(id, { version: String(inputs.version) });
      return `helm ${op === "create" ? "install" : "upgrade"} failed: ${fault}`;
    }
    if (op === "create" && this.cluster.releases.has(id)) {
      return `cannot re-use a name that is still in use (Helm release ${id})`;
    }
    this.cluster.releases.set(id, { version: String(inputs.version) });
    // The chart creates its database Secret (templates/database/database-secret.yaml).
    const secret = chartObjects(String(inputs.name)).databaseSecret;
    this.cluster.secrets.set(`${String(inputs.namespace)}/${secret}`, { POSTGRES_PASSWORD: "db" });
    return undefined;
  }

  private remove(r: SimResource) {
    if (this.preview) return;
    if (r.type === JOB) this.cluster.jobs.delete(objectKey(r.inputs));
    if (r.type === "kubernetes:core/v1:ConfigMap")
      this.cluster.configMaps.delete(objectKey(r.inputs));
    if (r.type === RELEASE) {
      this.cluster.releases.delete(`${String(r.inputs.namespace)}/${String(r.inputs.name)}`);
    }
  }

  private deleteRest() {
    for (const r of this.laterDeletes) {
      this.remove(r);
      this.record(key(r.type, r.name), "delete", "replaced");
    }
    for (const [k, r] of [...this.sim.state]) {
      if (this.registered.has(k)) continue;
      this.remove(r);
      this.sim.state.delete(k);
      this.record(k, "delete");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Jobs

  private runJob(inputs: Obj): string | undefined {
    const id = objectKey(inputs);
    const pod = ((inputs.spec as Obj).template as Obj).spec as {
      initContainers?: Container[];
      containers: Container[];
      volumes?: Volume[];
    };
    const done = (outcome: JobRun["outcome"], log: string) => {
      this.cluster.jobs.set(id, outcome === "succeeded" ? "Complete" : "Failed");
      this.runs.push({ up: this.up, job: id, outcome, log });
      return outcome === "succeeded" ? undefined : `Job ${id} failed: ${log}`;
    };
    const fault = this.cluster.jobFault?.(id);
    if (fault) return done("failed", fault);
    const namespace = meta(inputs).namespace ?? "default";
    let log = "";
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      const env = this.resolveEnv(namespace, container.env ?? []);
      if (typeof env === "string") return done("failed", `CreateContainerConfigError: ${env}`);
      const script = container.command?.[1];
      if (script !== "/scripts/backup.sh") continue;
      const result = this.runBackupScript(namespace, container, pod.volumes ?? [], env);
      log = result.log;
      if (!result.ok) return done("failed", log);
    }
    return done("succeeded", log);
  }

  /** The container's environment, or why the kubelet cannot start it. */
  private resolveEnv(namespace: string, vars: EnvVar[]): Record<string, string> | string {
    const env: Record<string, string> = {};
    for (const v of vars) {
      if (v.value !== undefined) {
        env[v.name] = v.value;
        continue;
      }
      const ref = v.valueFrom?.configMapKeyRef ?? v.valueFrom?.secretKeyRef;
      if (!ref) continue;
      const source = v.valueFrom?.configMapKeyRef ? this.cluster.configMaps : this.cluster.secrets;
      const value = source.get(`${namespace}/${ref.name}`)?.[ref.key];
      if (value !== undefined) env[v.name] = value;
      else if (!ref.optional) {
        const what = v.valueFrom?.configMapKeyRef ? "configmap" : "secret";
        return `${what} "${ref.name}" not found (key ${ref.key}, for ${v.name})`;
      }
    }
    return env;
  }

  /** Runs scripts/backup/backup.sh as the container would, with the pod's volumes as directories. */
  private runBackupScript(
    namespace: string,
    container: Container,
    volumes: Volume[],
    env: Record<string, string>,
  ): { ok: boolean; log: string } {
    const scratch = this.cluster.scratch();
    const mounts: [string, string][] = [];
    for (const m of container.volumeMounts ?? []) {
      const volume = volumes.find((v) => v.name === m.name);
      let dir = path.join(scratch, m.name);
      if (volume?.configMap) {
        mkdirSync(dir, { recursive: true });
        const data = this.cluster.configMaps.get(`${namespace}/${volume.configMap.name}`) ?? {};
        for (const [file, text] of Object.entries(data)) writeFileSync(path.join(dir, file), text);
      } else if (volume?.persistentVolumeClaim) {
        dir = this.cluster.claimDir(namespace, volume.persistentVolumeClaim.claimName);
      } else {
        mkdirSync(dir, { recursive: true });
      }
      mounts.push([m.mountPath, dir]);
    }
    mounts.sort((a, b) => b[0].length - a[0].length);
    const host = (p: string) => {
      const m = mounts.find(([at]) => p === at || p.startsWith(`${at}/`));
      return m ? m[1] + p.slice(m[0].length) : p;
    };
    const bin = path.join(scratch, "bin");
    mkdirSync(bin);
    writeFileSync(path.join(bin, "pg_dump"), PG_DUMP, { mode: 0o755 });
    writeFileSync(path.join(bin, "psql"), PSQL, { mode: 0o755 });
    const hostEnv: Record<string, string> = {};
    for (const [name, value] of Object.entries(env)) hostEnv[name] = host(value);
    const [shell, script, ...rest] = container.command ?? [];
    const result = spawnSync(shell, [host(script), ...rest], {
      env: {
        ...hostEnv,
        PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        ...(this.cluster.backupFault ? { SIM_BACKUP_FAULT: this.cluster.backupFault } : {}),
      },
      encoding: "utf8",
      timeout: 30_000,
    });
    const log = `${result.stdout}${result.stderr}`
      .trim()
      .split("\n")
      .map((l) => l.replace(/^\S+Z /, ""))
      .slice(-2)
      .join(" | ");
    return { ok: result.status === 0, log };
  }
}

/** A one-line-per-step account of an `up`, for logs. */
export function traceOf(r: UpResult, only: (resource: string) => boolean = () => true): string {
  const lines = [
    `up ${r.up}: ${r.ok ? "ok" : r.refused.length > 0 ? "refused at preview" : "failed"}`,
  ];
  for (const e of r.refused) lines.push(`  refused: ${e}`);
  for (const s of r.steps.filter((s) => s.op !== "same" && only(s.resource))) {
    lines.push(`  ${s.op} ${s.resource.split("::")[1]}${s.detail ? ` (${s.detail})` : ""}`);
  }
  for (const j of r.runs) lines.push(`  job ${j.job}: ${j.outcome}${j.log ? `: ${j.log}` : ""}`);
  for (const e of r.failed) lines.push(`  error: ${e}`);
  return lines.join("\n");
}
