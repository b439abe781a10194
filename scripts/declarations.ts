/**
 * Part of `npm run build:package`: rewrites the emitted declarations (dist/**\/*.d.ts) so that none
 * refers to zod. zod's own declarations do not type-check in a program without `esModuleInterop`
 * (zod/v4/locales/index.d.cts default-imports `export =` modules: colinhacks/zod#5160, #5497), and
 * Pulumi's TypeScript template has neither `esModuleInterop` nor `skipLibCheck`, so any zod type
 * reachable from the package's entries would break a user's type-check.
 *
 * Every type written with zod (the configuration types inferred from the schema, a parameter typed
 * with a zod issue) is replaced by the structure TypeScript computes for it; a zod schema object
 * itself (internal to the package) is declared `unknown`. The build fails if a rewritten file still
 * names zod.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const DIST = path.resolve(__dirname, "..", "dist");

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? declarationFiles(path.join(dir, e.name))
      : e.name.endsWith(".d.ts")
        ? [path.join(dir, e.name)]
        : [],
  );
}

const files = declarationFiles(DIST);
// zod's declarations need esModuleInterop: compile the package's own declarations with it.
const program = ts.createProgram(files, {
  esModuleInterop: true,
  skipLibCheck: true,
  strict: true,
  noEmit: true,
  types: ["node"],
});
const checker = program.getTypeChecker();

/** Names bound by `import ... from "zod"` in a file. */
function zodBindings(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of file.statements) {
    if (
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      /^zod(\/|$)/.test(statement.moduleSpecifier.text)
    ) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) names.add(element.name.text);
      }
    }
  }
  return names;
}

const FLAGS =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.InTypeAlias |
  ts.TypeFormatFlags.UseFullyQualifiedType;
const NAMES_ZOD = /\bz\.|\$Zod|\bZod[A-Z]/;

let failures = 0;
for (const file of files) {
  const source = program.getSourceFile(file);
  if (source === undefined) continue;
  const zod = zodBindings(source);
  if (zod.size === 0) continue;
  const mentionsZod = (node: ts.Node): boolean => {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isIdentifier(n) && zod.has(n.text)) found = true;
      else ts.forEachChild(n, visit);
    };
    visit(node);
    return found;
  };
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && zodBindings(source).size > 0) {
      const spec = node.moduleSpecifier;
      if (ts.isStringLiteral(spec) && /^zod(\/|$)/.test(spec.text)) {
        edits.push({ start: node.getStart(source), end: node.getEnd(), text: "" });
        return;
      }
    }
    if (ts.isTypeNode(node) && mentionsZod(node)) {
      const type = checker.getTypeFromTypeNode(node);
      let text = checker.typeToString(type, node, FLAGS);
      const isSchema = ts.isVariableDeclaration(node.parent) || NAMES_ZOD.test(text);
      if (isSchema) text = "unknown";
      edits.push({ start: node.getStart(source), end: node.getEnd(), text });
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let text = source.getFullText();
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  }
  // The checker names another file's type by its absolute path (`import("/…/dist/config/x")`):
  // true only where it was built (npm builds a git dependency in a temporary clone).
  text = text.replace(/import\("([^"]+)"\)/g, (whole, target: string) => {
    if (!path.isAbsolute(target)) return whole;
    const relative = path.relative(path.dirname(file), target).split(path.sep).join("/");
    return `import("${relative.startsWith(".") ? relative : `./${relative}`}")`;
  });
  if (/from "zod/.test(text) || /import\("zod/.test(text)) {
    console.error(`${path.relative(DIST, file)} still refers to zod`);
    failures++;
  }
  writeFileSync(file, text);
}
if (failures > 0) process.exit(1);

// Sanity: no declaration names a path of this machine, and every rewritten file still parses.
for (const file of files) {
  const text = readFileSync(file, "utf8");
  const absolute = /(?:import\(|from )"(\/[^"]*)"/.exec(text);
  if (absolute) {
    console.error(`${path.relative(DIST, file)} refers to ${absolute[1]}, a path of this machine`);
    process.exit(1);
  }
  const parsed = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022);
  const diagnostics = (parsed as unknown as { parseDiagnostics?: ts.Diagnostic[] })
    .parseDiagnostics;
  if (diagnostics && diagnostics.length > 0) {
    console.error(`${path.relative(DIST, file)} no longer parses`);
    process.exit(1);
  }
}
