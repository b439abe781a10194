/**
 * How the Pulumi engine matches registered resources to the state of the last deployment, written
 * from pulumi/pulumi's source so tests can check aliases without the CLI:
 *
 * - pkg/resource/deploy/deployment.go `generateURN`: a resource's URN is its parent's full
 *   qualified type (left out for the root stack), `$`, its own type, `::`, its name.
 * - pkg/resource/deploy/source_eval.go `RegisterResource`: alias specs as the SDK sent them
 *   (`transformAliasForNodeJSCompat` only for Node.js requests without `aliasSpecs`).
 * - pkg/resource/deploy/step_generator.go `collapseAliasToUrn` (an alias spec is ONE alternative:
 *   a field it leaves empty is the resource's own name, type or parent; a parent that itself
 *   matched through an alias is replaced by its old URN), `inheritedChildAlias` and
 *   `generateAliases` (a child inherits its parent's matched alias), and `getOldResource` (the URN
 *   first, then each alias, in order; the alias that matched is remembered for the children).
 * - sdk/go/common/resource/alias.go `CreateURN`.
 */
import type { RecordedRequest, SentAlias } from "../../scripts/runtime/mock-runtime";

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** urn.go `URN.QualifiedType`: the type part, parents' types included (`a$b`). */
export const qualifiedType = (urn: string) => urn.split("::")[2];
/** urn.go `URN.Type`: the resource's own type. */
export const urnType = (urn: string) => qualifiedType(urn).split("$").pop()!;
/** urn.go `URN.Name`: everything after the type. */
export const urnName = (urn: string) => urn.split("::").slice(3).join("::");

/** urn.go `New`. */
function newUrn(stack: string, project: string, parentType: string, type: string, name: string) {
  const typ = parentType !== "" && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${typ}::${name}`;
}

/** deployment.go `generateURN`. */
export function generateUrn(
  stack: string,
  project: string,
  parent: string,
  type: string,
  name: string,
): string {
  const parentType =
    parent !== "" && urnType(parent) !== ROOT_STACK_TYPE ? qualifiedType(parent) : "";
  return newUrn(stack, project, parentType, type, name);
}

/** alias.go `CreateURN`. */
function createUrn(name: string, type: string, parent: string, project: string, stack: string) {
  const prefix =
    parent === ""
      ? `urn:pulumi:${stack}::${project}::`
      : `${parent.slice(0, parent.lastIndexOf("::"))}$`;
  return `${prefix}${type}::${name}`;
}

/** resource.Alias as the engine holds it after parsing the request. */
interface EngineAlias {
  urn?: string;
  name: string;
  type: string;
  project: string;
  stack: string;
  parent: string;
  noParent: boolean;
}

/** source_eval.go `transformAliasForNodeJSCompat` for requests without `aliasSpecs`. */
function nodeCompat(alias: SentAlias): SentAlias {
  if ("urn" in alias) return alias;
  const spec = { ...alias.spec };
  if (spec.parentUrn !== undefined) {
    if (spec.parentUrn === "") {
      delete spec.parentUrn;
      spec.noParent = true;
    }
  } else if (spec.noParent !== undefined) {
    if (spec.noParent) delete spec.noParent;
  } else {
    spec.noParent = true;
  }
  return { spec };
}

export interface Resolution {
  /** The URN the engine gives each request, by the mock monitor's URN. */
  urnOf: Map<string, string>;
  /** Every new resource's alias URNs (step_generator.go `generateAliases`), by engine URN. */
  aliasesOf: Map<string, string[]>;
  /** Old URN -> the new resource (engine URN) that took it over. */
  matched: Map<string, string>;
  /** New resources with no old state: `create` steps. */
  creates: string[];
  /** Old URNs nothing claimed: `delete` steps. */
  deletes: string[];
  /** Duplicate claims the engine reports as errors. */
  errors: string[];
}

/**
 * Runs the step generator's lookup over the requests a program sent, against the URNs of the
 * previous deployment's state.
 */
export function resolveAgainstState(
  requests: readonly RecordedRequest[],
  olds: readonly string[],
  stack: string,
  project = "harbor",
): Resolution {
  const oldSet = new Set(olds);
  const urnOf = new Map<string, string>();
  const aliasesOf = new Map<string, string[]>();
  /** sg.aliases: new URN -> the old URN it matched through an alias. */
  const aliased = new Map<string, string>();
  const matched = new Map<string, string>();
  const creates: string[] = [];
  const errors: string[] = [];
  const engine = (mockUrn: string) => urnOf.get(mockUrn) ?? mockUrn;

  const collapse = (name: string, type: string, resParent: string, a: EngineAlias): string => {
    if (a.urn !== undefined) return a.urn;
    const n = a.name || name;
    const t = a.type || type;
    let parent = a.parent;
    if (parent === "") parent = resParent;
    else parent = aliased.get(parent) ?? parent;
    if (a.noParent || (parent !== "" && urnType(parent) === ROOT_STACK_TYPE)) parent = "";
    return createUrn(n, t, parent, a.project || project, a.stack || stack);
  };
  const inherited = (
    childType: string,
    childName: string,
    parentName: string,
    parentAlias: string,
  ) => {
    const aliasName = childName.startsWith(parentName)
      ? urnName(parentAlias) + childName.slice(parentName.length)
      : childName;
    return newUrn(stack, project, qualifiedType(parentAlias), childType, aliasName);
  };

  for (const req of requests) {
    const parent = req.parent === "" ? "" : engine(req.parent);
    const urn = generateUrn(stack, project, parent, req.type, req.name);
    urnOf.set(req.urn, urn);
    const sent = [
      ...req.aliasUrns.map((u): SentAlias => ({ urn: u })),
      ...(req.aliasSpecs ? req.aliases : req.aliases.map(nodeCompat)),
    ];
    const parsed: EngineAlias[] = sent.map((a) =>
      "urn" in a
        ? { urn: a.urn, name: "", type: "", project: "", stack: "", parent: "", noParent: false }
        : {
            name: a.spec.name,
            type: a.spec.type,
            project: a.spec.project,
            stack: a.spec.stack,
            parent: a.spec.parentUrn ? engine(a.spec.parentUrn) : "",
            noParent: a.spec.noParent ?? false,
          },
    );
    // generateAliases
    const aliases: string[] = [];
    const add = (u: string) => {
      if (!aliases.includes(u)) aliases.push(u);
    };
    for (const a of parsed) add(collapse(req.name, req.type, parent, a));
    const parentAlias = parent === "" ? undefined : aliased.get(parent);
    if (parentAlias !== undefined) {
      add(inherited(req.type, req.name, urnName(parent), parentAlias));
      for (const a of parsed) {
        const child = collapse(req.name, req.type, parent, a);
        add(inherited(urnType(child), urnName(child), urnName(parent), parentAlias));
      }
    }
    aliasesOf.set(urn, aliases);
    // getOldResource: the URN first, then each alias.
    let found = false;
    for (const candidate of [urn, ...aliases]) {
      if (!oldSet.has(candidate)) continue;
      if (matched.has(candidate)) {
        errors.push(`${urn} claims ${candidate}, already taken by ${matched.get(candidate)}`);
      }
      matched.set(candidate, urn);
      if (candidate !== urn) aliased.set(urn, candidate);
      found = true;
      break;
    }
    if (!found) creates.push(urn);
  }
  const deletes = olds.filter((u) => !matched.has(u));
  return { urnOf, aliasesOf, matched, creates, deletes, errors };
}
