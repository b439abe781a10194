/**
 * Turns schema issues into one message per problem, each naming the `harbor:` key, what is expected
 * and (unless the key is a secret) the value that was given.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { ALLOWED_KEYS_MARKER, quoted } from "./primitives";

/**
 * Bad configuration. A `RunError`, so Pulumi prints the message alone (no stack trace) and stops
 * before any resource is registered.
 */
export class ConfigError extends pulumi.RunError {
  /**
   * `component`, for the arguments of a component (`Harbor "registry"`): every line of the
   * message names it, and `problems` name the argument (`args.hostname ...`).
   */
  constructor(
    public readonly problems: string[],
    component?: string,
  ) {
    super(
      component === undefined
        ? `Invalid Harbor configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((p) => `  - ${p}`).join("\n")
        : problems.map((p) => `${component}: ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/**
 * Who reads a message: the operator of a stack (`harbor:` keys, `pulumi config set` advice) or
 * the author of a program that builds the component (`args.` paths, no CLI advice).
 */
export type Audience = "stack" | "program";

/** `harbor:a.b[0].c` (`args.a.b[0].c` for a program); segments that are not identifiers are quoted. */
export function keyName(path: readonly PropertyKey[], audience: Audience = "stack"): string {
  let out = audience === "stack" ? "harbor:" : "args.";
  path.forEach((seg, i) => {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(String(seg))) out += (i === 0 ? "" : ".") + String(seg);
    else out += `[${quoted(String(seg))}]`;
  });
  return out;
}

/**
 * A string with any credential hidden: everything before the last `@` (`user:password@` in
 * `https://user:password@proxy:3128`, `admin:pw@db.example.com`, a token as the user name) becomes
 * `***`, the URL scheme kept. Applied before anything is shortened, so no part of a password can
 * survive in an error message.
 */
export function redactCredentials(text: string): string {
  const at = text.lastIndexOf("@");
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text)?.[0] ?? "";
  // Nothing before the `@` (a cron descriptor such as @daily): nothing to hide.
  if (at <= scheme.length) return text;
  return `${scheme}***${text.slice(at)}`;
}

function redactDeep(value: unknown): unknown {
  if (typeof value === "string") return redactCredentials(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)]));
  }
  return value;
}

/**
 * A short rendering of the offending value: credentials redacted, JSON-escaped (control
 * characters and the Unicode line separators too, so a value cannot forge lines of the message),
 * at most 80 characters.
 */
export function show(value: unknown): string {
  const redacted = redactDeep(value);
  const text =
    typeof redacted === "string"
      ? quoted(redacted)
      : (JSON.stringify(redacted) ?? String(value)).replace(
          /[\u2028\u2029]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16)}`,
        );
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** The closest allowed key, when it is close enough to be a likely typo. */
export function suggest(unknown: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = levenshtein(unknown.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3))
    ? best
    : undefined;
}

/**
 * The structured key an unknown top-level key probably belongs inside: `storageClass` ->
 * `storage`, `tlsValidityDays` -> `tls` (the longest known key it starts with, at least 3 letters).
 */
export function enclosingKey(unknown: string, allowed: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  return allowed
    .filter((k) => k.length >= 3 && k.length < unknown.length && lower.startsWith(k.toLowerCase()))
    .sort((a, b) => b.length - a.length)[0];
}

const GENERIC_MESSAGES: Record<string, string> = {
  string: "must be a string",
  number: "must be a number",
  boolean: "must be true or false",
  object: "must be an object",
  array: "must be a list",
};

/**
 * The "what is expected" part of a message for an issue the schema did not phrase itself, built
 * from the issue's structure (its code, expected type, allowed values, bounds), never from zod's
 * own English text. Pass it as the parse's `error` option: a schema's own `error` wins over it.
 */
export function issueMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return GENERIC_MESSAGES[issue.expected] ?? `must be ${issue.expected}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => String(v)).join(", ")}`;
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? "at least" : "at most";
      const limit = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const unit =
        issue.origin === "string" ? " characters" : issue.origin === "array" ? " entries" : "";
      return `must be ${bound} ${String(limit)}${unit}`;
    }
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    case "invalid_format":
      return `must be a valid ${issue.format}`;
    default:
      return "is not valid";
  }
}

/**
 * A message written for the stack file, as a program author reads it: `harbor:<key>` is
 * `args.<key>`, and `pulumi config set` advice says which argument to pass instead. Quoted values
 * (JSON strings in the message) are left as they are.
 */
export function forProgramAuthors(message: string): string {
  // Advice first: a command in backticks may quote its own arguments.
  const advised = message
    .replace(
      /(?:remove it and )?set(?: it)? with `pulumi config set(?: --secret)? harbor:([\w.]+)[^`]*`/g,
      "pass it as args.$1",
    )
    .replace(/ \(`pulumi config set --secret`\)/g, " (the secret arguments)")
    .replace(/`pulumi config set[^`]*`/g, "the argument");
  return advised
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(/harbor:(?=[A-Za-z])/g, "args.")
            .replace("see the configuration reference in README.md", "see HarborArgs"),
    )
    .join("");
}

/**
 * One line per problem. `secretKeys` are the top-level keys whose values must never be echoed;
 * `topLevelKeys` are the known `harbor:` keys, for suggestions on a misspelt one. `audience`
 * decides how keys are named (`harbor:` for a stack, `args.` for a program).
 */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  secretKeys: readonly string[],
  topLevelKeys: readonly string[],
  audience: Audience = "stack",
): string[] {
  const lines = stackLines(issues, secretKeys, topLevelKeys);
  return audience === "stack" ? lines : lines.map(forProgramAuthors);
}

function stackLines(
  issues: readonly z.core.$ZodIssue[],
  secretKeys: readonly string[],
  topLevelKeys: readonly string[],
): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path;
    const key = keyName(path);
    const secret = path.length > 0 && secretKeys.includes(String(path[0]));
    const input = (issue as { input?: unknown }).input;

    if (issue.code === "unrecognized_keys") {
      const allowed = issue.message.startsWith(ALLOWED_KEYS_MARKER)
        ? issue.message.slice(ALLOWED_KEYS_MARKER.length).split(",")
        : [];
      for (const k of issue.keys) {
        const full = keyName([...path, k]);
        if (path.length === 0) {
          const s = suggest(k, topLevelKeys);
          const within = s ? undefined : enclosingKey(k, topLevelKeys);
          const hint = s
            ? ` (did you mean harbor:${s}?)`
            : within
              ? ` (settings of this kind go inside harbor:${within})`
              : "";
          lines.push(
            `${full} is not a known setting${hint}; see the configuration reference in README.md`,
          );
        } else {
          const s = suggest(k, allowed);
          lines.push(
            `${full} is not a known key${s ? ` (did you mean ${keyName([...path, s])}?)` : ""}; ${key} takes ${allowed.join(", ")}`,
          );
        }
      }
      continue;
    }

    const message = issue.message;

    let got: unknown = input;
    const discriminator = (issue as { discriminator?: string }).discriminator;
    if (issue.code === "invalid_union" && discriminator && input && typeof input === "object") {
      got = (input as Record<string, unknown>)[discriminator];
      if (got === undefined) {
        lines.push(`${key} is required (${message.replace(/^must be /, "")})`);
        continue;
      }
    }

    if (issue.code === "invalid_type" && got === undefined) {
      lines.push(`${key} is required (${message.replace(/^must be /, "")})`);
    } else if (secret) {
      lines.push(`${key} ${message}`);
    } else if (got === undefined) {
      lines.push(`${key} ${message}`);
    } else {
      lines.push(`${key} ${message}, got ${show(got)}`);
    }
  }
  return [...new Set(lines)];
}
