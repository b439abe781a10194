/**
 * Property test, render half: every hostile value the configuration accepts (the rich-text keys in
 * `ACCEPTED`: annotation values, LDAP DNs and filters, OIDC display names, passwords, PEM) is run
 * through the whole program and the real charts, and must produce exactly the same objects
 * (kind/namespace/name) as the benign value, with the value arriving intact where it belongs. All
 * accepted keys of a profile carry the payload at once: one render per payload class per profile
 * and chart. A control case feeds the same payloads past the schema into strict keys and must see
 * the object set change, so the comparison is shown to catch an injection.
 *
 * Profiles without charts (registry content, applied through Harbor's API) are not rendered: for
 * them, every accepted payload of every key at once must leave Harbor's chart values exactly as
 * they are without the profile's content keys, and arrive intact in the API resources. That half
 * needs no chart and always runs.
 *
 * Needs the charts and helm (`.ci/run` sets them: ../shared/reference/charts, `npm run -s helm`):
 *   HARBOR_CHART=/path/to/harbor NFS_SUBDIR_CHART=/path/to/nfs-subdir-external-provisioner \
 *   HELM=/path/to/helm npm run test:charts
 * Without HARBOR_CHART and a working helm the suite is reported as pending; without
 * NFS_SUBDIR_CHART only the NFS provisioner's renders are.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { harborLdapGroupDn } from "../../config/facts";
import {
  ACCEPTED,
  CLASSES,
  PAYLOADS,
  PLAIN_BREAKOUT,
  QUOTED_BREAKOUT,
  PROFILES,
  TRAILING_PAYLOADS,
  attempt,
  benignValues,
  valuesWith,
  type Profile,
  type StackInput,
  type Values,
} from "../support/hostile-config-cases";
import { chartDerivedNames } from "../../config/facts";
import {
  REGISTRY_CONTENT_OBJECT_KEYS,
  REGISTRY_CONTENT_SECRET_KEYS,
} from "../../config/registry-content";
import { harborValues, runProgram, type ProgramRun } from "../support/harness";
import { HELM, helmAvailable } from "../../scripts/runtime/helm";

const harborChart = process.env.HARBOR_CHART;
const nfsChart = process.env.NFS_SUBDIR_CHART;
const helm = HELM;

interface Rendered {
  /** `kind/namespace/name` of every object, sorted. */
  objects: string[];
  docs: Record<string, unknown>[];
}

/** `helm template` of a chart with values; a chart that fails to render is returned as an error. */
function render(
  chart: string,
  release: string,
  namespace: string,
  values: unknown,
  dir: string,
): Rendered | Error {
  // JSON (which YAML reads) with U+2028/U+2029 escaped: go-yaml reads those raw as line breaks,
  // which would change the value before the chart sees it. Pulumi hands Helm the values as a map,
  // never as text, so this is the faithful transport.
  const file = path.join(dir, `values-${Date.now()}-${Math.random()}.json`);
  writeFileSync(
    file,
    JSON.stringify(values).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`),
  );
  let out: string;
  try {
    out = execFileSync(helm, ["template", release, chart, "-n", namespace, "-f", file], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    return error as Error;
  }
  const docs = parseAllDocuments(out)
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d !== null);
  const objects = docs
    .map((d) => {
      const meta = (d.metadata ?? {}) as { name?: string; namespace?: string };
      return `${String(d.kind)}/${meta.namespace ?? ""}/${meta.name ?? ""}`;
    })
    .sort();
  return { objects, docs };
}

function find(r: Rendered, kind: string, name: string): Record<string, unknown> {
  const doc = r.docs.find(
    (d) => d.kind === kind && (d.metadata as { name?: string } | undefined)?.name === name,
  );
  assert.ok(doc, `no ${kind} ${name} rendered`);
  return doc;
}

/** The NFS provisioner's release values, when the stack installs it. */
function nfsValues(run: ProgramRun): Record<string, unknown> | undefined {
  const release = run.resources.find(
    (r) => r.type === "kubernetes:helm.sh/v3:Release" && r.name === "harbor-nfs-release",
  );
  return release?.inputs.values as Record<string, unknown> | undefined;
}

/** Renders of one stack: Harbor's chart, and the NFS provisioner's when it has one. */
interface StackRender {
  run: ProgramRun;
  harbor: Rendered | Error;
  nfs?: Rendered | Error;
}

async function renderStack(input: StackInput, dir: string): Promise<StackRender> {
  const run = await runProgram({ ...input, stack: "dev" });
  const release = String(run.outputs.releaseName);
  const namespace = String(run.outputs.namespace);
  const harbor = render(harborChart!, release, namespace, harborValues(run), dir);
  const nfs = nfsValues(run);
  return {
    run,
    harbor,
    nfs:
      nfs && nfsChart
        ? render(nfsChart, "nfs-subdir-external-provisioner", "harbor-nfs-provisioner", nfs, dir)
        : undefined,
  };
}

function ok(r: Rendered | Error | undefined, what: string): Rendered {
  if (r === undefined) assert.fail(`${what}: not rendered`);
  if (r instanceof Error) assert.fail(`${what}: helm failed: ${r.message}`);
  return r;
}

const b64 = (s: unknown) => Buffer.from(String(s), "base64").toString("utf8");

/** The keys of `profile` that accept payload class `cls`. */
function acceptedKeys(profile: Profile, cls: string): string[] {
  return Object.keys(profile.keys).filter((k) => ACCEPTED[k]?.includes(cls));
}

/** Where each rich-text key's value must arrive, read from the rendered Harbor chart. */
function arrived(profile: Profile, r: Rendered, key: string, release: string): string | undefined {
  const full = release.includes("harbor") ? release : `${release}-harbor`;
  const note = (kind: string, name: string) =>
    ((find(r, kind, name).metadata as { annotations?: Record<string, string> }).annotations ?? {})[
      "example.com/note"
    ];
  const coreSecret = () => find(r, "Secret", `${full}-core`).data as Record<string, string>;
  const userSettings = () =>
    JSON.parse(b64(coreSecret().CONFIG_OVERWRITE_JSON)) as Record<string, unknown>;
  switch (key) {
    case "expose.ingress.annotations{value}":
      return note("Ingress", `${full}-ingress`);
    case "expose.loadBalancer.annotations{value}":
    case "expose.clusterIP.annotations{value}":
      return note("Service", "harbor");
    case "expose.route.annotations{value}":
      return note("HTTPRoute", `${full}-route`);
    case "auth.ldap.baseDn":
      return String(userSettings().ldap_base_dn);
    case "auth.ldap.searchDn":
      return String(userSettings().ldap_search_dn);
    case "auth.ldap.groupBaseDn":
      return String(userSettings().ldap_group_base_dn);
    case "auth.ldap.groupAdminDn":
      return String(userSettings().ldap_group_admin_dn);
    case "auth.ldap.filter":
      return String(userSettings().ldap_filter);
    case "auth.ldap.groupSearchFilter":
      return String(userSettings().ldap_group_search_filter);
    case "ldapSearchPassword":
      return String(userSettings().ldap_search_password);
    case "auth.oidc.name":
      return String(userSettings().oidc_name);
    case "auth.oidc.adminGroup":
      return String(userSettings().oidc_admin_group);
    case "oidcClientSecret":
      return String(userSettings().oidc_client_secret);
    case "adminPassword":
      return b64(coreSecret().HARBOR_ADMIN_PASSWORD);
    case "databasePassword":
      return b64(coreSecret().POSTGRESQL_PASSWORD);
    case "redisPassword": {
      const cm = find(r, "ConfigMap", `${full}-registry`).data as Record<string, string>;
      return String((parse(cm["config.yml"]) as { redis: { password: string } }).redis.password);
    }
    default:
      // S3 keys and PEM material reach only the program's own Secrets, never the chart.
      void profile;
      return undefined;
  }
}

describe("hostile values that are accepted render inertly (real charts)", function () {
  this.timeout(600_000);
  let dir: string;
  const stats = { renders: 0, configurations: 0, started: 0 };

  before(function () {
    if (!harborChart || !helmAvailable()) {
      console.log("      (set HARBOR_CHART and HELM to render the real charts; skipped)");
      this.skip();
    }
    if (!nfsChart) {
      console.log("      (set NFS_SUBDIR_CHART to render the NFS provisioner's chart too)");
    }
    dir = mkdtempSync(path.join(tmpdir(), "hostile-render-"));
    stats.started = Date.now();
  });

  after(function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (stats.started) {
      console.log(
        `      ${stats.configurations} hostile configurations, ${stats.renders} chart renders, ${((Date.now() - stats.started) / 1000).toFixed(1)} s`,
      );
    }
  });

  for (const profile of PROFILES) {
    const classes = CLASSES.filter((c) => acceptedKeys(profile, c).length > 0);
    // Profiles without charts are checked below, without rendering.
    if (classes.length === 0 || profile.charts.length === 0) continue;
    describe(profile.name, function () {
      let baseline: StackRender;
      before(async function () {
        baseline = await renderStack(profile.build(benignValues(profile)), dir);
        stats.renders += baseline.nfs ? 2 : 1;
      });

      for (const cls of classes) {
        const keys = acceptedKeys(profile, cls);
        it(`${cls} in ${keys.join(", ")}: the same objects, the value intact`, async function () {
          const values = valuesWith(profile, Object.fromEntries(keys.map((k) => [k, cls])));
          const input = profile.build(values);
          assert.deepEqual(
            attempt(input),
            { accepted: true },
            "the payloads are accepted together",
          );
          const hostile = await renderStack(input, dir);
          stats.configurations++;
          stats.renders += hostile.nfs ? 2 : 1;

          const base = ok(baseline.harbor, "benign Harbor");
          const got = ok(hostile.harbor, `${cls} Harbor`);
          assert.deepEqual(got.objects, base.objects);
          if (profile.charts.includes("nfs-subdir") && nfsChart) {
            assert.deepEqual(
              ok(hostile.nfs, `${cls} NFS`).objects,
              ok(baseline.nfs, "benign NFS").objects,
            );
          }
          const release = String(hostile.run.outputs.releaseName);
          for (const key of keys) {
            const value = arrived(profile, got, key, release);
            if (value !== undefined) assert.equal(value, values[key], `${key} changed on the way`);
          }
        });
      }
    });
  }

  it("the chart's Services and StatefulSets are exactly chartDerivedNames, within their limits", async function () {
    for (const releaseName of [`harbor-${"r".repeat(36)}`, "r".repeat(36)]) {
      const run = await runProgram({
        stack: "dev",
        config: { hostname: "harbor.example.com", releaseName, metrics: { enabled: true } },
      });
      const r = ok(
        render(harborChart!, releaseName, "harbor", harborValues(run), dir),
        releaseName,
      );
      stats.renders++;
      const rendered = r.objects
        .filter((o) => /^(Service|StatefulSet)\//.test(o))
        .map((o) => o.replace(/\/harbor\//, " "))
        // The Service in front of nginx is named by expose.clusterIP.name, not the release.
        .filter((o) => o !== "Service harbor")
        .sort();
      const derived = chartDerivedNames(releaseName, {
        internalDatabase: true,
        internalRedis: true,
        trivy: true,
        metrics: true,
      });
      assert.deepEqual(rendered, derived.map((n) => `${n.kind} ${n.name}`).sort());
      for (const n of derived) assert.ok(n.name.length <= n.max, `${n.kind} ${n.name}`);
    }
  });

  describe("control: the same payloads past the schema do change the objects", function () {
    const profile = PROFILES.find((p) => p.charts.includes("nfs-subdir"))!;
    const fromQuotes = (v: string) => `${v}${QUOTED_BREAKOUT}`;
    const fromPlain = (v: string) => `${v}${PLAIN_BREAKOUT}`;
    let run: ProgramRun;
    let base: Rendered;
    before(async function () {
      run = await runProgram({ ...profile.build(benignValues(profile)), stack: "dev" });
      base = ok(render(harborChart!, "harbor", "harbor", harborValues(run), dir), "benign");
    });

    /** The parts of Harbor's values the control cases change. */
    interface Mutable {
      database: { external: { username: string } };
      persistence: { imageChartStorage: { s3: { region: string } } };
      proxy?: { noProxy: string; components: string[] };
    }
    const cases: [string, (v: Mutable) => void][] = [
      [
        "database.external.username (goharbor core ConfigMap)",
        (v) => (v.database.external.username = fromQuotes(v.database.external.username)),
      ],
      [
        "imageChartStorage.s3.region (registry config.yml)",
        (v) => {
          const s3 = v.persistence.imageChartStorage.s3;
          s3.region = fromPlain(s3.region);
        },
      ],
      [
        "proxy.noProxy (core environment)",
        (v) => (v.proxy = { noProxy: fromQuotes("10.0.0.0/8"), components: ["core"] }),
      ],
    ];
    for (const [what, mutate] of cases) {
      it(`${what}: the chart renders an extra ClusterRoleBinding`, function () {
        const values = structuredClone(harborValues(run)) as unknown as Mutable;
        mutate(values);
        const r = render(harborChart!, "harbor", "harbor", values, dir);
        stats.renders++;
        const got = ok(r, what);
        assert.notDeepEqual(got.objects, base.objects);
        assert.ok(got.objects.includes("ClusterRoleBinding//pwned"), got.objects.join("\n"));
      });
    }

    it("nfs.path (nfs-subdir-external-provisioner's Deployment): an extra ClusterRoleBinding", function () {
      if (!nfsChart) this.skip();
      const values = structuredClone(nfsValues(run)) as { nfs: { path: string } };
      const benign = ok(
        render(nfsChart, "nfs-subdir-external-provisioner", "harbor-nfs-provisioner", values, dir),
        "benign NFS",
      );
      values.nfs.path = fromPlain(values.nfs.path);
      const r = render(
        nfsChart,
        "nfs-subdir-external-provisioner",
        "harbor-nfs-provisioner",
        values,
        dir,
      );
      stats.renders += 2;
      const got = ok(r, "nfs.path");
      assert.notDeepEqual(got.objects, benign.objects);
      assert.ok(got.objects.includes("ClusterRoleBinding//pwned"), got.objects.join("\n"));
    });
  });
});

/** Every accepted payload of each key at once: `{}` filled with them all, trailing ones appended. */
function everyAcceptedPayload(profile: Profile): Values {
  return Object.fromEntries(
    Object.entries(profile.keys).map(([key, benign]) => {
      const accepted = ACCEPTED[key] ?? [];
      const inside = accepted.filter((c) => c in PAYLOADS).map((c) => PAYLOADS[c]);
      const trailing = accepted.filter((c) => c in TRAILING_PAYLOADS);
      const value = benign.replace("{}", () => inside.join(""));
      return [key, value + trailing.map((c) => TRAILING_PAYLOADS[c]).join("")];
    }),
  );
}

/** The stack without the registry-content keys. */
function withoutRegistryContent(input: StackInput): StackInput {
  const content: readonly string[] = [
    ...REGISTRY_CONTENT_OBJECT_KEYS,
    ...REGISTRY_CONTENT_SECRET_KEYS,
  ];
  const keep = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([k]) => !content.includes(k)));
  return {
    ...input,
    config: keep(input.config),
    secrets: keep(input.secrets) as Record<string, string>,
  };
}

/** Where each accepted registry-content value must arrive: the input of one API resource. */
function arrivedInApi(run: ProgramRun, key: string): unknown {
  const one = (type: string, match: (inputs: Record<string, unknown>) => boolean) => {
    const found = run.resources.filter(
      (r) => r.type === `pulumi-nodejs:dynamic/harbor:${type}` && match(r.inputs),
    );
    assert.equal(found.length, 1, `one ${type} for ${key}`);
    return found[0].inputs;
  };
  const endpoint = () => one("RegistryEndpoint", (i) => i.name === "dockerhub");
  const quay = () =>
    JSON.parse(String(one("RegistryEndpoint", (i) => i.name === "quay").accessSecret)) as Record<
      string,
      string
    >;
  switch (key) {
    case "registries{value}.accessKey":
      return endpoint().accessKey;
    case "registries{value}.description":
      return endpoint().description;
    case "registrySecrets{value}":
      return endpoint().accessSecret;
    case "registrySecrets{value}.docker_cli_password":
      return quay().docker_cli_password;
    case "registrySecrets{value}.oauth2_token":
      return quay().oauth2_token;
    case "projects{value}.members.groups{key}":
      return one("ProjectMember", (i) => i.kind === "ldapGroup").name;
    case "projects{value}.members.users{key}":
      return one("ProjectMember", (i) => i.kind === "user").name;
    case "robots{value}.description":
      return one("Robot", () => true).description;
    case "replications{value}.description":
      return one("Replication", () => true).description;
    default:
      assert.fail(`no API resource known for ${key}`);
  }
}

describe("hostile values accepted in keys that never reach a chart (registry content)", function () {
  for (const profile of PROFILES.filter((p) => p.charts.length === 0)) {
    it(`${profile.name}: Harbor's chart values are those without the content keys, every payload intact in the API resources`, async function () {
      const values = everyAcceptedPayload(profile);
      const input = profile.build(values);
      assert.deepEqual(attempt(input), { accepted: true }, "every payload is accepted at once");
      const hostile = await runProgram({ ...input, stack: "dev" });
      const without = await runProgram({ ...withoutRegistryContent(input), stack: "dev" });
      assert.deepEqual(harborValues(hostile), harborValues(without));

      const accepted = Object.keys(profile.keys).filter((k) => ACCEPTED[k] !== undefined);
      assert.ok(accepted.length > 0, "the profile has accepted keys");
      for (const key of accepted) {
        assert.notEqual(values[key], benignValues(profile)[key], `${key} carries payloads`);
        // An LDAP group DN travels in the form Harbor stores it: lower-cased
        // (src/pkg/usergroup/manager.go); nothing else changes.
        const expected =
          key === "projects{value}.members.groups{key}"
            ? harborLdapGroupDn(values[key])
            : values[key];
        assert.equal(arrivedInApi(hostile, key), expected, `${key} changed on the way`);
      }
    });
  }
});
