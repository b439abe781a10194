/**
 * The configuration reference is generated from the zod schema (`npm run docs`): the committed
 * docs/configuration.md, README.md's table of the most-used keys and Pulumi.yaml's `config:` block
 * must be exactly what the generator writes, and every key must carry a description. The docs'
 * links, the files and constants they name, the README's outputs and its quick start are checked
 * against the repository as it is.
 */
import * as assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { strictObject, variants } from "../../config/primitives";
import {
  UNTAGGED_RETENTION,
  quayCredentialSchema,
  retentionSchema,
} from "../../config/registry-content";
import { HARBOR_OUTPUT_NAMES } from "../../lib/stack-outputs";
import {
  END_MARKER,
  REFERENCE_FILE,
  SUMMARY_KEYS,
  assertNewStackPasses,
  START_MARKER,
  committedDocs,
  configReference,
  firstSentence,
  generateDocs,
  rebaseLink,
  sampleConfigError,
} from "../../scripts/docs";

describe("generated configuration reference", function () {
  this.timeout(60000);

  it("docs/configuration.md, README.md and Pulumi.yaml are what `npm run docs` writes", async () => {
    const committed = committedDocs();
    const generated = await generateDocs(committed.readme, committed.project);
    assert.equal(
      committed.reference,
      generated.reference,
      `${REFERENCE_FILE} is stale: run npm run docs`,
    );
    assert.equal(committed.readme, generated.readme, "README.md is stale: run npm run docs");
    assert.equal(committed.project, generated.project, "Pulumi.yaml is stale: run npm run docs");
  });

  it("every key of the schema has a description", () => {
    assert.doesNotThrow(() => configReference());
  });

  it("names each key without a description, nested and per variant", () => {
    const schema = strictObject({
      described: z.string().optional().describe("Has one."),
      plain: z.string().optional(),
      nested: strictObject({
        inner: z.boolean().default(false),
      })
        .prefault({})
        .describe("An object."),
      choice: variants("kind", "a", [
        strictObject({ kind: z.literal("a").describe("The variant."), x: z.string() }),
        strictObject({ kind: z.literal("b"), y: z.string().describe("Why.") }),
      ]).describe("A union."),
    });
    assert.throws(
      () => configReference(schema),
      (e: Error) =>
        e.message ===
        "every key needs a description (.describe() as the key's last call in config/): harbor:plain, harbor:nested.inner, harbor:choice.x",
    );
  });

  it("tables show types, defaults, required keys and the variants that take each key", () => {
    const { reference } = configReference();
    const row = (key: string) => reference.split("\n").find((l) => l.startsWith(`| ${key} |`));
    assert.equal(
      row("`hostname`"),
      "| `hostname` | string | required | DNS name or IP address clients use (`docker login <hostname>`). An IP goes into the certificate's IP SANs. Must be a DNS name for `ingress` and `route`. |",
    );
    assert.match(row("`adminPassword`")!, /^\| `adminPassword` \| secret \| generated \|/);
    assert.match(
      row("`deployMode`")!,
      /^\| `deployMode` \| `release` \\\| `chart` \| `release` \|/,
    );
    assert.match(
      row("`nodePort`")!,
      /^\| `nodePort` \| `nodePort` \| object \| `\{http: 30002, https: 30003\}` \|/,
    );
    // tls: every key belongs to every mode, so its table has no Variant column.
    assert.match(row("`validityDays`")!, /^\| `validityDays` \| integer \| `365` \|/);
    assert.match(row("`schedule`")!, /^\| `schedule` \| all \| string \| `0 3 \* \* \*` \|/);
    assert.match(row("`bucket`")!, /^\| `bucket` \| `s3` \| string \| required \|/);
    assert.ok(reference.includes("\n## backup\n"));
  });

  it("Pulumi.yaml declares the required key and the scalar keys with a fixed default, nothing optional without one", () => {
    // A declared key without `default` is required by the Pulumi CLI (pulumi/pulumi
    // pkg/workspace/config.go `mergeConfig`): optional keys whose default is derived stay out.
    const { declared, undeclared } = configReference();
    assert.deepEqual(Object.keys(declared), ["hostname", "namespace", "releaseName", "deployMode"]);
    assert.deepEqual(undeclared, [
      "relocateFrom",
      "externalURL",
      "imageRegistry",
      "protect",
      "caCertificate",
    ]);
    assert.deepEqual(declared.namespace.default, "harbor");
    assert.equal(declared.hostname.default, undefined);
  });

  it("leaves an optional key without a default out of the generated Pulumi.yaml", async () => {
    const schema = strictObject({
      hostname: z.string().describe("Required."),
      externalURL: z.string().optional().describe("Optional, derived."),
    });
    // Generated as before this fix: the optional key declared with a type and no default.
    const { project } = await generateDocs(
      `${START_MARKER}\n${END_MARKER}\n`,
      "name: harbor\nruntime: nodejs\nconfig:\n",
      schema,
    );
    assert.ok(!project.includes("externalURL:"), project);
  });

  it("its self-check refuses a Pulumi.yaml under which a new stack fails the CLI's rules", () => {
    const before = [
      "name: harbor",
      "runtime: nodejs",
      "config:",
      "  hostname:\n    type: string",
      "  externalURL:\n    type: string",
      "  protect:\n    type: boolean",
    ].join("\n");
    assert.throws(
      () => assertNewStackPasses(before, { hostname: { type: "string" } }),
      (e: Error) =>
        e.message ===
        "the generated Pulumi.yaml fails the Pulumi CLI's rules: Stack 'new' is missing configuration values 'externalURL' and 'protect'",
    );
    assert.doesNotThrow(() =>
      assertNewStackPasses(committedDocs().project, configReference().declared),
    );
  });

  it("README.md's key table sits between its markers and links each key into the reference", () => {
    const { readme } = committedDocs();
    const start = readme.indexOf(START_MARKER);
    const end = readme.indexOf(END_MARKER);
    assert.ok(start >= 0 && end > start);
    const keys = [...readme.slice(start, end).matchAll(/^\| \[`(\w+)`\]\(([^)]+)\)/gm)];
    assert.deepEqual(
      keys.map((m) => m[1]),
      [...SUMMARY_KEYS],
    );
    assert.equal(keys.find((m) => m[1] === "storage")?.[2], "docs/configuration.md#storage");
    // A scalar key has no section of its own: it links to the top-level table.
    assert.equal(keys.find((m) => m[1] === "hostname")?.[2], "docs/configuration.md#top-level");
  });

  it("the reference's sample error is the loader's own message for that configuration", () => {
    assert.equal(
      sampleConfigError(),
      [
        "error: Invalid Harbor configuration (2 problems):",
        "  - harbor:expose.nodePort.https must be 30000-32767, got 443",
        "  - harbor:storage.sise is not a known key (did you mean harbor:storage.sizes?); harbor:storage takes variant, className, reclaimPolicy, sizes, existingClaims, accessMode, localPath",
      ].join("\n"),
    );
    assert.ok(committedDocs().reference.includes(sampleConfigError()));
  });

  it("rebases the descriptions' root-relative links for the file they are written into", () => {
    assert.equal(
      rebaseLink("docs/backups.md#restore-a-backup", REFERENCE_FILE),
      "backups.md#restore-a-backup",
    );
    assert.equal(rebaseLink("docs/safety.md", "README.md"), "docs/safety.md");
    assert.equal(rebaseLink("Pulumi.ha.yaml", REFERENCE_FILE), "../Pulumi.ha.yaml");
    // `#key` is a heading of the reference page: kept there, pointed at it from elsewhere.
    assert.equal(rebaseLink("#expose", REFERENCE_FILE), "#expose");
    assert.equal(rebaseLink("#expose", "README.md"), "docs/configuration.md#expose");
    assert.equal(
      rebaseLink("https://helm.goharbor.io", REFERENCE_FILE),
      "https://helm.goharbor.io",
    );
  });

  it("takes a description's first sentence, not a full stop inside code or parentheses", () => {
    assert.equal(firstSentence("Helm release name. Objects are named."), "Helm release name.");
    assert.equal(
      firstSentence("Use `a. b` (see x. y) here. Then more."),
      "Use `a. b` (see x. y) here.",
    );
    assert.equal(firstSentence("No full stop"), "No full stop");
  });
});

describe("docs/registry-content.md follows the schema", function () {
  const page = readFileSync(
    path.join(__dirname, "..", "..", "docs", "registry-content.md"),
    "utf8",
  );
  /** The keys in the first column of the table under a heading. */
  const tableKeys = (heading: string) => {
    const start = page.indexOf(`\n${heading}\n`);
    assert.ok(start >= 0, `docs/registry-content.md has ${heading}`);
    const next = page.indexOf("\n#", start + heading.length + 2);
    const section = page.slice(start, next < 0 ? undefined : next);
    return [...section.matchAll(/^\| `([A-Za-z0-9_]+)` +\|/gm)].map((m) => m[1]);
  };

  it("documents every key of projects.<name>.retention, and only those", () => {
    assert.deepEqual(
      tableKeys("### `projects.<name>.retention`"),
      Object.keys(retentionSchema.shape),
    );
  });

  it("documents each value of retention.untagged and each field of a Quay secret", () => {
    for (const value of UNTAGGED_RETENTION) assert.ok(page.includes(`\`${value}\``), value);
    assert.deepEqual(
      tableKeys("### `registries.<name>`").filter((k) =>
        Object.keys(quayCredentialSchema.shape).includes(k),
      ),
      Object.keys(quayCredentialSchema.shape),
    );
  });
});

/** The repository's root. */
const ROOT = path.join(__dirname, "..", "..");
const readText = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

/** README.md, every page under docs/ and the examples' READMEs, relative to the root. */
function markdownFiles(): string[] {
  return [
    "README.md",
    ...readdirSync(path.join(ROOT, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`),
    ...readdirSync(path.join(ROOT, "examples"))
      .map((d) => `examples/${d}/README.md`)
      .filter((f) => existsSync(path.join(ROOT, f))),
  ];
}

/** Markdown without its fenced code blocks (their `#` lines are comments, not headings). */
const withoutFences = (text: string) =>
  text.replace(/^([ \t]*)```[^\n]*\n[\s\S]*?^\1```[ \t]*$/gm, "");

/**
 * The anchors GitHub gives a page's headings: markup and punctuation dropped (hyphens and
 * underscores kept), lower case, spaces as hyphens, `-1`, `-2` for repeated headings.
 */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const m of withoutFences(markdown).matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const base = m[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}_\- ]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Why a link target (relative to `fromFile`'s directory) does not resolve, or undefined. */
function brokenLink(fromFile: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const [file, anchor] = target.split("#", 2);
  const resolved = file === "" ? fromFile : path.posix.join(path.posix.dirname(fromFile), file);
  if (!existsSync(path.join(ROOT, resolved))) return `${resolved} does not exist`;
  if (anchor === undefined || !resolved.endsWith(".md")) return undefined;
  return headingAnchors(readText(resolved)).has(anchor)
    ? undefined
    : `${resolved} has no heading #${anchor}`;
}

/** Files whose code, comments and messages name docs pages (`docs/backups.md#upgrades`). */
function sourceFiles(dir = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (["node_modules", "dist", ".git", "fixtures", "rendered"].includes(entry.name)) continue;
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|ya?ml|sh|json)$/.test(entry.name) || rel === ".ci/run") out.push(rel);
  }
  return out;
}

/** Every file under `dir` (relative to the root), skipping dependencies and builds. */
function walk(dir: string): string[] {
  if (!existsSync(path.join(ROOT, dir))) return [];
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (["node_modules", "dist"].includes(e.name)) return [];
    return e.isDirectory() ? walk(rel) : [rel];
  });
}

/** A repository path as the docs write it (`lib/chart.ts`, `test/harbor/*.harbor.ts`) exists. */
function repositoryPathExists(fromFile: string, written: string): boolean {
  const candidates = [path.posix.join(path.posix.dirname(fromFile), written), written];
  return candidates.some((candidate) => {
    if (!candidate.includes("*")) return existsSync(path.join(ROOT, candidate));
    // A glob: `**/` any directories, `*` any name part.
    const base = candidate
      .slice(0, candidate.indexOf("*"))
      .replace(/[^/]*$/, "")
      .replace(/\/$/, "");
    const pattern = new RegExp(
      `^${candidate
        .split("**/")
        .map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
        .join("(?:[^/]+/)*")}$`,
    );
    return walk(base).some((f) => pattern.test(f));
  });
}

describe("the docs against the repository", function () {
  this.timeout(30000);

  it("finds GitHub's anchors for headings, skipping code blocks", () => {
    assert.deepEqual(
      [
        ...headingAnchors(
          "# Top\n## Names in commands: `$NS`, `$REL`, `$FULL`\n```sh\n# not a heading\n```\n### Kubernetes nodes: `harbor:trust.nodes`\n## Top\n",
        ),
      ],
      ["top", "names-in-commands-ns-rel-full", "kubernetes-nodes-harbortrustnodes", "top-1"],
    );
  });

  it("every relative link of README.md, docs/ and the examples' READMEs resolves, anchor included", () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      const text = withoutFences(readText(file)).replace(/`[^`\n]*`/g, "``");
      for (const m of text.matchAll(/\]\(([^()\s]+)\)/g)) {
        const why = brokenLink(file, m[1]);
        if (why) broken.push(`${file}: (${m[1]}): ${why}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it("every docs page or README anchor named in code, messages and stack files resolves", () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of sourceFiles()) {
      const text = readText(file);
      for (const m of text.matchAll(/(?<![\w/.-])((?:docs\/[\w-]+|README)\.md)(?:#([\w-]+))?/g)) {
        checked++;
        const why = brokenLink("x", m[2] === undefined ? m[1] : `${m[1]}#${m[2]}`);
        if (why) broken.push(`${file}: ${m[0]}: ${why}`);
      }
    }
    assert.deepEqual(broken, []);
    assert.ok(checked > 20, `only ${checked} references found: the scan is broken`);
  });

  it("every repository file the docs name exists", () => {
    const missing: string[] = [];
    const repoPath =
      /(?<![\w/.@-])((?:components|config|lib|scripts|test|examples|docs)\/[\w./*-]*[\w*]\.(?:ts|md|sh|yaml|json))(?![\w/])/g;
    for (const file of markdownFiles()) {
      for (const m of withoutFences(readText(file)).matchAll(repoPath)) {
        if (!repositoryPathExists(file, m[1])) missing.push(`${file}: ${m[1]}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it("a constant or function the docs place in a file is declared there", () => {
    const wrong: string[] = [];
    let checked = 0;
    const claims = [
      /`([A-Za-z_]\w*)` in `?((?:[\w.-]+\/)+[\w.-]+\.ts)`?/g,
      /`?((?:[\w.-]+\/)+[\w.-]+\.ts)`? \(`([A-Za-z_]\w*)`/g,
    ];
    for (const file of markdownFiles()) {
      const text = withoutFences(readText(file)).replace(/\s*\n\s*/g, " ");
      for (const [i, claim] of claims.entries()) {
        for (const m of text.matchAll(claim)) {
          const [name, source] = i === 0 ? [m[1], m[2]] : [m[2], m[1]];
          checked++;
          const declared =
            existsSync(path.join(ROOT, source)) &&
            new RegExp(`\\b(?:const|let|function|class|interface|type|enum)\\s+${name}\\b`).test(
              readText(source),
            );
          if (!declared) wrong.push(`${file}: ${name} is not declared in ${source}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
    // RELEASE_TIMEOUT_SECONDS, SUPPORTED_CHART_VERSIONS, chartClaimNames, EXAMPLE_STACKS, ...
    assert.ok(checked >= 5, `only ${checked} claims found: the scan is broken`);
  });

  it("README's Outputs table lists exactly the stack's outputs", () => {
    const readme = readText("README.md");
    const start = readme.indexOf("\n## Outputs\n");
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    const listed = [...section.matchAll(/^\| (`[^|]+`) +\|/gm)]
      .filter((m) => m[1] !== "`Output`")
      .flatMap((m) => [...m[1].matchAll(/`(\w+)`/g)].map((n) => n[1]));
    assert.deepEqual([...listed].sort(), [...HARBOR_OUTPUT_NAMES].sort());
  });

  it("README's Quick start fits on a screen: at most 50 lines of at most 100 characters", () => {
    const readme = readText("README.md");
    const start = readme.indexOf("## Quick start\n");
    assert.ok(start >= 0, "README.md has a Quick start");
    const lines = readme.slice(start, readme.indexOf("\n## ", start)).split("\n");
    assert.ok(lines.length <= 50, `the Quick start has ${lines.length} lines`);
    assert.deepEqual(
      lines.filter((l) => l.length > 100),
      [],
    );
  });

  it("commands use $NS, $REL and $FULL, and every page that does says where they come from", () => {
    const definition = "getting-started.md#names-in-commands-ns-rel-full";
    const problems: string[] = [];
    for (const file of markdownFiles()) {
      const text = readText(file);
      // Harbor's namespace or objects spelt out in a command only fit the default names.
      for (const m of text.matchAll(/kubectl[^\n]* -n harbor(?:-node-trust)?\b(?!-)[^\n]*/g)) {
        problems.push(`${file}: ${m[0]}`);
      }
      if (/\$(?:NS|REL|FULL)\b|"\$(?:NS|REL|FULL)"/.test(text)) {
        const defines = /^\s*NS=.*\n\s*REL=.*\n[^\n]*FULL=/m.test(text);
        if (!defines && !text.includes(definition)) {
          problems.push(
            `${file} uses $NS/$REL/$FULL without defining them or linking ${definition}`,
          );
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});
