/**
 * Zod building blocks for stack configuration. Each carries the "what is expected" half of an error
 * message; `formatIssues` (errors.ts) adds the key and the offending value.
 *
 * Every free-text key gets the character set its target really allows (a DNS label, a PostgreSQL
 * identifier, an S3 bucket name, a Kubernetes label key, ...), so that no value can change the
 * meaning of the chart template, YAML document or script it reaches. Values that must stay rich
 * text (LDAP DNs and filters, annotation values, display names) are checked for structure and for
 * control characters, and are only ever carried where they cannot be interpreted (JSON, YAML
 * emitted by a serializer, environment variables). No check here throws: a value a parser would
 * reject or rewrite is refused with a message instead.
 */
import { isIPv6 } from "node:net";
import { z } from "zod";
import { cronLongestGapMinutes, harborCron, parseCron } from "./cron";

/**
 * Stands for a secret that is set but cannot be read where the configuration is checked: a
 * `secure:` entry of a stack file read without its secrets (`scripts/plan.ts`). It passes the
 * secret's own rule; checks that need the value itself are skipped.
 */
export const UNKNOWN_SECRET = "(set, value unknown)";

/** Marker prefix the strict-object error uses to hand its allowed keys to the formatter. */
export const ALLOWED_KEYS_MARKER = "allowed-keys:";

/**
 * An object that rejects unknown keys (a typo such as `sise` must never be ignored). The issue
 * carries the allowed keys so the message can say what was expected.
 */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(",");
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `${ALLOWED_KEYS_MARKER}${allowed}`
        : iss.code === "invalid_type"
          ? "must be an object"
          : undefined,
  });
}

/**
 * A discriminated union whose discriminator may be omitted when the object sets none of the
 * variant-specific keys: `{}` becomes `{[field]: fallback}`.
 */
export function variants<
  const Options extends readonly [z.core.$ZodTypeDiscriminable, ...z.core.$ZodTypeDiscriminable[]],
>(field: string, fallback: string, options: Options) {
  const names = options.map((o) => optionValue(o, field));
  const union = z.discriminatedUnion(field, options, {
    error: (iss) =>
      iss.code === "invalid_union" ? `must be one of ${names.join(", ")}` : "must be an object",
  });
  const fallbackKeys = new Set(optionKeys(options[names.indexOf(fallback)]));
  /** Keys only other variants take, with the variants that take them. */
  const specific = new Map<string, string[]>();
  options.forEach((o, i) => {
    for (const key of optionKeys(o)) {
      if (key !== field && !fallbackKeys.has(key)) {
        specific.set(key, [...(specific.get(key) ?? []), names[i]]);
      }
    }
  });
  return z
    .preprocess((raw, ctx) => {
      if (raw && typeof raw === "object" && !Array.isArray(raw) && !(field in raw)) {
        // Settings of another variant without the discriminator: say which variant they need
        // instead of calling them unknown keys of the default variant.
        const foreign = Object.keys(raw).filter((k) => specific.has(k));
        if (foreign.length > 0) {
          const wanted = [...new Set(foreign.flatMap((k) => specific.get(k)!))];
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: `must be set to ${wanted.join(" or ")}: ${foreign.join(", ")} ${foreign.length === 1 ? "is" : "are"} given, but the default ${fallback} takes none of that`,
            input: undefined,
          });
          return z.NEVER;
        }
        return { [field]: fallback, ...(raw as Record<string, unknown>) };
      }
      return raw;
    }, union)
    .meta({ variants: { field, fallback } });
}

function optionKeys(option: z.core.$ZodTypeDiscriminable | undefined): string[] {
  return option ? Object.keys((option as unknown as z.ZodObject).shape) : [];
}

function optionValue(option: z.core.$ZodTypeDiscriminable, field: string): string {
  const shape = (option as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
  const literal = shape[field] as z.ZodLiteral<string>;
  return String(literal.value);
}

/**
 * An object with required keys that may itself be omitted: a missing object is read as `{}`, so
 * the message names the missing keys (`harbor:storage.nfs.server is required`) instead of only
 * the object.
 */
export function requiredKeysObject<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === undefined ? {} : v), schema);
}

/** Pulumi config values set with `--path` arrive as strings; accept "true"/"false" too. */
export const bool = () =>
  z.preprocess(
    (v) => (v === "true" ? true : v === "false" ? false : v),
    z.boolean({ error: "must be true or false" }),
  );

/** An integer in [min, max]; numeric strings are accepted. */
export const intRange = (min: number, max: number, what = `an integer ${min}-${max}`) =>
  z.preprocess(
    (v) => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
    z
      .number({ error: `must be ${what}` })
      .int({ error: `must be ${what}` })
      .min(min, { error: `must be ${what}` })
      .max(max, { error: `must be ${what}` }),
  );

/**
 * A non-empty string, trimmed. No character set: only for values that never reach a chart
 * template, YAML document or script; everything else takes a primitive below that says what its
 * target allows (the property test in test/hostile-config.test.ts fails for a free-text key
 * without a hostile-value case).
 */
export const nonEmpty = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .min(1, { error: `must be ${what}` });

/**
 * A map of strings with no character set. Prefer `annotations()` or `labelSelectorMap()`, which
 * check the keys (and values) against what Kubernetes accepts.
 */
export const stringMap = (what = "a map of strings") =>
  z.record(z.string(), z.string({ error: `must be ${what}` }), { error: `must be ${what}` });

export const list = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item, { error: `must be a list of ${what}` });

/**
 * A list whose entries must be distinct: a repeated entry is reported on its own index
 * (`harbor:trust.namespaces[2]`), naming the index it repeats. `identity` maps an entry to what
 * makes it the same (a Gateway reference's name and namespace, a toleration's fields).
 */
export function uniqueList<T extends z.ZodType>(
  item: T,
  what: string,
  identity: (entry: z.output<T>) => string = (e) => JSON.stringify(e),
) {
  return list(item, what).superRefine((entries, ctx) => {
    const seen = new Map<string, number>();
    entries.forEach((entry, i) => {
      const id = identity(entry);
      const first = seen.get(id);
      if (first === undefined) {
        seen.set(id, i);
      } else {
        ctx.addIssue({
          code: "custom",
          path: [i],
          message: `repeats entry [${first}]; list each value once`,
          input: entry,
        });
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Characters

/**
 * C0 and C1 control characters (NUL, newline, escape, ...) and the Unicode line and paragraph
 * separators, which YAML 1.1 parsers (Helm, Kubernetes) read as line breaks.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** The same without tab and newline, for multi-line text (annotation values). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_EXCEPT_TAB_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

export function hasControlCharacters(value: string): boolean {
  return CONTROL.test(value);
}

/**
 * A value quoted for a message: JSON-escaped, U+2028/U+2029 too (JSON leaves them raw), so no value
 * can break or forge a line of an error message.
 */
export function quoted(value: string): string {
  return JSON.stringify(value).replace(
    /[\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

/**
 * A string checked by `problem`, which returns what is expected (the message) or undefined. The
 * type error and the refusal share `what` unless the check says something more precise.
 */
function checked(what: string, problem: (value: string) => string | undefined) {
  return z.string({ error: `must be ${what}` }).superRefine((value, ctx) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: "custom", message, input: value });
  });
}

/** Text a person reads (a display name, a group name): any printable characters, one line. */
export const displayText = (what: string, maxLength = 255) =>
  checked(what, (v) => {
    if (v.trim().length === 0) return `must be ${what}`;
    if (CONTROL.test(v)) {
      return `must be ${what} without control characters or line breaks`;
    }
    if (v.length > maxLength) return `must be ${what} of at most ${maxLength} characters`;
    return undefined;
  });

/**
 * A password or key given as a secret: any printable text (it only ever reaches a Secret, a
 * base64-encoded value or a URL-escaped connection string), without control characters, which no
 * client can send and C libraries (libpq, hiredis) cut at.
 */
export const secretText = (what: string) =>
  checked(what, (v) => {
    if (v.trim().length === 0) return `must be ${what}`;
    if (CONTROL.test(v)) return `must be ${what} without control characters or line breaks`;
    return undefined;
  });

// ---------------------------------------------------------------------------------------------
// Hosts and addresses

const DNS_LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
const DNS_NAME_RE = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);
/** Octet of a canonical dotted-quad IPv4 address: 0-255 without leading zeros. */
const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)";
const IPV4_RE = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

/**
 * A lower-case DNS name (RFC 1123) that a URL parser reads as a name: its last label is not a
 * number (`1.2.3` and `0x7f.1` are IPv4 addresses to a URL parser, and no top-level domain is
 * numeric).
 */
export function isDnsName(value: string): boolean {
  if (value.length > 253 || !DNS_NAME_RE.test(value)) return false;
  const last = value.slice(value.lastIndexOf(".") + 1);
  return !/^\d+$/.test(last) && !/^0x[0-9a-f]*$/.test(last);
}

/** A canonical dotted-quad IPv4 address: four decimal numbers 0-255, no leading zeros. */
export function isCanonicalIPv4(value: string): boolean {
  return IPV4_RE.test(value);
}

/**
 * The RFC 5952 form of an IPv6 address (lower case, no leading zeros, the longest run of zero
 * groups compressed, an embedded IPv4 address written in hex), or undefined when `value` is not an
 * IPv6 address or carries a zone id (`%eth0`), which neither URLs nor certificates can hold.
 */
export function canonicalIPv6(value: string): string | undefined {
  if (value.includes("%") || !isIPv6(value)) return undefined;
  let text = value.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const o = v4[1].split(".").map(Number);
    text = `${text.slice(0, v4.index)}${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const part = (s: string | undefined) => (s ? s.split(":") : []);
  const left = part(head);
  const right = part(tail);
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  const hex = groups.map((g) => parseInt(g, 16).toString(16));
  // The longest run of at least two zero groups (the first of equal runs) becomes "::".
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (hex[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && hex[j] === "0") j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLength).join(":")}`;
}

/** A canonical IPv4 address or RFC 5952 IPv6 address. */
export function isIpAddress(value: string): boolean {
  return isCanonicalIPv4(value) || canonicalIPv6(value) === value;
}

const UNSPECIFIED = new Set(["0.0.0.0", "::"]);

/**
 * What is wrong with an IP address as written, or undefined when it is a canonical, specified
 * address. `value` is known to look like an address (digits and dots, or a colon).
 */
function ipProblem(value: string): string | undefined {
  if (value.includes(":")) {
    if (value.includes("%")) {
      return "must be an IPv6 address without a zone id (%eth0): URLs and certificates cannot carry one";
    }
    const canonical = canonicalIPv6(value);
    if (canonical === undefined) return "must be a valid IPv6 address such as 2001:db8::10";
    if (canonical !== value) return `must be written in canonical form: ${canonical}`;
  } else if (!isCanonicalIPv4(value)) {
    return "must be an IPv4 address written as four decimal numbers 0-255 without leading zeros, such as 192.168.1.10 (URL parsers read 010 as octal, 0x7f as hex and 1.2.3 as 1.2.0.3)";
  }
  if (UNSPECIFIED.has(value)) {
    return `must be a reachable address: ${value} means "any address" and cannot be connected to`;
  }
  return undefined;
}

/** Whether `value` is meant as an IP address: dotted numbers (any base) or an IPv6 address. */
function looksLikeIp(value: string): boolean {
  if (value.includes(":")) return /^[0-9a-fA-F:.%]+$/.test(value) || value.includes("%");
  const last = value.slice(value.lastIndexOf(".") + 1);
  return /^[0-9a-fA-Fx.]+$/i.test(value) && (/^\d+$/.test(last) || /^0x[0-9a-f]*$/i.test(last));
}

/** Where credentials found in a value belong, for the message that refuses them. */
export interface CredentialHint {
  /** Sentence saying where the credential goes instead (a secret key), or why it cannot be used. */
  credentials?: string;
}

const DEFAULT_CREDENTIALS_HINT =
  "a configuration value is stored and shown in plain text; give credentials through the secret keys (`pulumi config set --secret`)";

function credentialsMessage(hint: CredentialHint): string {
  return `must not carry credentials (user:password@): ${hint.credentials ?? DEFAULT_CREDENTIALS_HINT}`;
}

const HOST_EXPECTED =
  "must be a lower-case DNS name or an IP address without scheme, port or path (harbor.example.com, 192.168.1.10)";

/**
 * What is wrong with a host as it will be used (in a URL, a certificate, a connection string), or
 * undefined: a lower-case DNS name, a canonical IPv4 address, or an RFC 5952 IPv6 address without
 * zone id; never an unspecified address.
 */
export function hostProblem(value: string, hint: CredentialHint = {}): string | undefined {
  if (value.includes("@")) return credentialsMessage(hint);
  if (isDnsName(value)) return undefined;
  if (looksLikeIp(value)) return ipProblem(value);
  return HOST_EXPECTED;
}

/** A lower-case DNS name (RFC 1123). */
export const dnsName = () =>
  checked("a DNS name such as harbor.example.com", (v) =>
    isDnsName(v) ? undefined : "must be a lower-case DNS name such as harbor.example.com",
  );

/** An IPv4 or IPv6 address, written the way it will be used. */
export const ipAddress = () =>
  checked("an IP address such as 192.168.1.10", (v) =>
    v.includes(":") || looksLikeIp(v) ? ipProblem(v) : "must be an IP address such as 192.168.1.10",
  );

/** A DNS name or an IP address, without scheme, port or path. */
export const hostOrIp = (hint: CredentialHint = {}) =>
  checked("a DNS name or an IP address", (v) => hostProblem(v, hint));

/** `host:port` parts, or undefined when `value` has no port. */
function splitHostPort(
  value: string,
): { host: string; port: string; bracketed: boolean } | undefined {
  const m = /^(\[([^\]]*)\]|[^:[\]]*):([^:]*)$/.exec(value);
  if (!m) return undefined;
  return m[2] !== undefined
    ? { host: m[2], port: m[3], bracketed: true }
    : { host: m[1], port: m[3], bracketed: false };
}

/** A TCP port 1-65535 written without leading zeros. */
export function isPort(value: string): boolean {
  return /^[1-9]\d{0,4}$/.test(value) && Number(value) <= 65535;
}

export const HOST_PORT_EXPECTED =
  "must be host:port such as redis.example.com:6379 (an IPv6 host in brackets: [2001:db8::10]:6379)";

/** What is wrong with a `host:port` value, or undefined. */
export function hostPortProblem(value: string, hint: CredentialHint = {}): string | undefined {
  if (value.includes("@")) return credentialsMessage(hint);
  const parts = splitHostPort(value);
  if (!parts || parts.host === "") return HOST_PORT_EXPECTED;
  if (!isPort(parts.port)) return `${HOST_PORT_EXPECTED}; the port must be 1-65535`;
  if (parts.bracketed !== parts.host.includes(":")) return HOST_PORT_EXPECTED;
  const problem = hostProblem(parts.host, hint);
  if (problem === undefined) return undefined;
  return problem === HOST_EXPECTED
    ? HOST_PORT_EXPECTED
    : `${HOST_PORT_EXPECTED}; the host ${problem}`;
}

/** `host:port` where host is a DNS name, IPv4, or bracketed IPv6. */
export const hostPort = (hint: CredentialHint = {}) =>
  checked("host:port", (v) => hostPortProblem(v, hint));

/** Parts of an `scheme://authority/path` URL, split without any URL parser. */
interface UrlParts {
  scheme: string;
  host: string;
  /** Port as written, or undefined. */
  port?: string;
  /** Everything after the authority: path, query and fragment. */
  rest: string;
}

/**
 * Splits a URL, or returns the message saying what is wrong with its scheme and authority. Parsing
 * is by hand on purpose: WHATWG's parser rewrites hosts (`192.168.001.010` becomes
 * `192.168.1.8`, `1.2.3` becomes `1.2.0.3`) and throws on others.
 */
function splitUrl(
  value: string,
  schemes: readonly string[],
  expected: string,
  hint: CredentialHint,
): UrlParts | string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s.exec(value);
  if (!m) return expected;
  const [, scheme, authority, rest] = m;
  if (!schemes.includes(scheme)) return expected;
  if (authority.includes("@")) return credentialsMessage(hint);
  const withPort = splitHostPort(authority);
  const host = withPort ? withPort.host : authority.replace(/^\[(.*)\]$/, "$1");
  const bracketed = withPort ? withPort.bracketed : authority.startsWith("[");
  if (host === "" || bracketed !== host.includes(":")) return expected;
  if (withPort && !isPort(withPort.port)) return `${expected}; the port must be 1-65535`;
  const problem = hostProblem(host, hint);
  if (problem === HOST_EXPECTED) {
    return "must be a URL whose host is a lower-case DNS name or an IP address (https://harbor.example.com, https://192.168.1.10)";
  }
  if (problem !== undefined) {
    return problem.startsWith("must not carry")
      ? problem
      : `must be a URL whose host is valid: the host ${problem}`;
  }
  return { scheme, host, port: withPort?.port, rest };
}

const DEFAULT_PORTS: Record<string, string> = {
  http: "80",
  https: "443",
  ldap: "389",
  ldaps: "636",
};

/** `scheme://host[:port]`, the scheme's default port left out, IPv6 hosts in brackets. */
function origin(parts: UrlParts): string {
  const host = parts.host.includes(":") ? `[${parts.host}]` : parts.host;
  const port = parts.port && parts.port !== DEFAULT_PORTS[parts.scheme] ? `:${parts.port}` : "";
  return `${parts.scheme}://${host}${port}`;
}

const ORIGIN_EXPECTED =
  "must be an http:// or https:// URL with only scheme, host and optional port (Harbor cannot be served under a path)";

/**
 * An http(s) URL without path, query or fragment (Harbor cannot live under a sub-path), returned as
 * `scheme://host[:port]` (a trailing `/` and the scheme's default port dropped).
 */
export const originUrl = (hint: CredentialHint = {}) =>
  z.string({ error: "must be a URL such as https://harbor.example.com" }).transform((v, ctx) => {
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(v)) {
      ctx.issues.push({
        code: "custom",
        message: "must be a URL such as https://harbor.example.com",
        input: v,
      });
      return z.NEVER;
    }
    const parts = splitUrl(v, ["http", "https"], ORIGIN_EXPECTED, hint);
    if (typeof parts === "string" || (parts.rest !== "" && parts.rest !== "/")) {
      ctx.issues.push({
        code: "custom",
        message: typeof parts === "string" ? parts : ORIGIN_EXPECTED,
        input: v,
      });
      return z.NEVER;
    }
    return origin(parts);
  });

/** One path segment of a URL, of unreserved characters and percent-escapes only. */
const URL_PATH_RE = /^(\/[A-Za-z0-9._~%+-]+)*\/?$/;

/** An https URL with an optional path (an OIDC issuer), without query, fragment or credentials. */
export const httpsUrl = (hint: CredentialHint = {}) =>
  checked("an https:// URL", (v) => {
    const expected =
      "must be an https:// URL such as https://login.example.com/realms/harbor (letters, digits and . _ ~ % + - in the path; no query, fragment or credentials)";
    const parts = splitUrl(v, ["https"], expected, hint);
    if (typeof parts === "string") return parts;
    return URL_PATH_RE.test(parts.rest) && !/(^|\/)\.\.?(\/|$)/.test(parts.rest)
      ? undefined
      : expected;
  });

/**
 * An http(s) URL with an optional path (a registry endpoint such as https://registry.example.com or
 * https://artifactory.example.com/artifactory/api/docker/hub), without query, fragment or
 * credentials; returned with the scheme's default port and trailing slashes dropped.
 */
export const httpUrl = (hint: CredentialHint = {}) =>
  z.string({ error: "must be a URL such as https://registry.example.com" }).transform((v, ctx) => {
    const expected =
      "must be an http:// or https:// URL such as https://registry.example.com (letters, digits and . _ ~ % + - in the path; no query, fragment or credentials)";
    const parts = splitUrl(v, ["http", "https"], expected, hint);
    const message =
      typeof parts === "string"
        ? parts
        : URL_PATH_RE.test(parts.rest) && !/(^|\/)\.\.?(\/|$)/.test(parts.rest)
          ? undefined
          : expected;
    if (message !== undefined || typeof parts === "string") {
      ctx.issues.push({ code: "custom", message: message ?? expected, input: v });
      return z.NEVER;
    }
    return `${origin(parts)}${parts.rest.replace(/\/+$/, "")}`;
  });

/** `host[:port]` of a URL that `httpUrl` or `originUrl` returned. */
export function urlAuthority(url: string): string {
  return url.replace(/^[a-z]+:\/\//, "").replace(/\/.*$/, "");
}

/** An `ldap://` or `ldaps://` URL of one server, without path or credentials. */
export const ldapUrl = (hint: CredentialHint = {}) =>
  checked("an ldap:// or ldaps:// URL", (v) => {
    const expected = "must be an ldap:// or ldaps:// URL such as ldaps://ldap.example.com";
    const parts = splitUrl(v, ["ldap", "ldaps"], expected, hint);
    if (typeof parts === "string") return parts;
    return parts.rest === "" || parts.rest === "/" ? undefined : expected;
  });

/** A Helm repository: `https://`, `http://` or `oci://` with an optional path. */
export const helmRepositoryUrl = () =>
  checked("an https:// or oci:// Helm repository URL", (v) => {
    const expected =
      "must be an https:// or oci:// Helm repository URL (letters, digits and . _ ~ % + - in the path, no query)";
    const parts = splitUrl(v, ["https", "http", "oci"], expected, {
      credentials:
        "repository credentials would be stored in plain text; mirror the chart to a repository that needs none, or download it and set harbor:chart.path",
    });
    if (typeof parts === "string") return parts;
    return URL_PATH_RE.test(parts.rest) && !/(^|\/)\.\.?(\/|$)/.test(parts.rest)
      ? undefined
      : expected;
  });

/** An IPv4/IPv6 CIDR block. */
export const cidr = () =>
  checked("a CIDR such as 10.0.0.0/8", (v) => {
    const expected = "must be a CIDR such as 10.0.0.0/8";
    const [ip, bits, extra] = v.split("/");
    if (extra !== undefined || bits === undefined || !/^(0|[1-9]\d{0,2})$/.test(bits)) {
      return expected;
    }
    const n = Number(bits);
    if (isCanonicalIPv4(ip)) return n <= 32 ? undefined : expected;
    const v6 = canonicalIPv6(ip);
    if (v6 === undefined || n > 128) return expected;
    return v6 === ip ? undefined : `must be written in canonical form: ${v6}/${bits}`;
  });

/**
 * A `NO_PROXY` list: comma-separated host names (`.example.com` and `*.example.com` for a
 * domain), IP addresses, CIDRs, each optionally with `:port`, or `*` alone. Returned without spaces.
 */
export const noProxyList = () =>
  z.string({ error: "must be a comma-separated host list" }).transform((v, ctx) => {
    // Only spaces around entries are tolerated: trim() would also drop newlines and U+2028.
    const entries = v.split(",").map((e) => e.replace(/^ +| +$/g, ""));
    const fail = (message: string) => {
      ctx.issues.push({ code: "custom", message, input: v });
      return z.NEVER;
    };
    if (v.includes("@")) return fail(credentialsMessage({}));
    const seen = new Set<string>();
    for (const [i, entry] of entries.entries()) {
      if (!isNoProxyEntry(entry)) {
        return fail(
          `must be a comma-separated list of host names (.example.com for a domain), IP addresses and CIDRs, each with an optional :port; entry ${i + 1} (${quoted(entry)}) is not one`,
        );
      }
      if (seen.has(entry)) return fail(`lists ${quoted(entry)} twice; list each entry once`);
      seen.add(entry);
    }
    return entries.join(",");
  });

/** Host names in NO_PROXY may carry upper case and underscores (Go compares them loosely). */
const NO_PROXY_LABEL = "[A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9_])?";
const NO_PROXY_NAME_RE = new RegExp(
  `^(\\*?\\.)?${NO_PROXY_LABEL}(\\.${NO_PROXY_LABEL})*(:[1-9]\\d{0,4})?$`,
);

function isNoProxyEntry(entry: string): boolean {
  if (entry === "*") return true;
  if (entry.includes("/")) return cidr().safeParse(entry).success;
  if (isIpAddress(entry) && !UNSPECIFIED.has(entry)) return true;
  const bracketed = /^\[([^\]]+)\](:(\d+))?$/.exec(entry);
  if (bracketed) return isIpAddress(bracketed[1]) && (!bracketed[3] || isPort(bracketed[3]));
  return entry.length <= 253 && NO_PROXY_NAME_RE.test(entry);
}

// ---------------------------------------------------------------------------------------------
// Kubernetes names

/** A DNS-1123 label: Kubernetes namespace and most object names. */
export const k8sName = (maxLength = 63) =>
  checked("a Kubernetes name", (v) =>
    v.length <= maxLength && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v)
      ? undefined
      : `must be a lower-case DNS-1123 label of at most ${maxLength} characters (letters, digits, '-')`,
  );

/** A DNS-1035 label: names that become Service names must start with a letter. */
export const dns1035Label = (maxLength = 63) =>
  checked("a Kubernetes name", (v) =>
    v.length <= maxLength && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(v)
      ? undefined
      : `must be a lower-case DNS-1035 label of at most ${maxLength} characters (letters, digits, '-'; starting with a letter, because Kubernetes Service names derive from it)`,
  );

/**
 * `<namespace>/<releaseName>`: where a Harbor is installed (`harbor:relocateFrom`), a DNS-1123
 * label and a DNS-1035 label of at most 53 characters (Helm's limit).
 */
export const installationPlace = () =>
  checked("a namespace/release", (v) => {
    const [namespace, release, ...rest] = v.split("/");
    return rest.length === 0 &&
      release !== undefined &&
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace) &&
      namespace.length <= 63 &&
      /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(release) &&
      release.length <= 53
      ? undefined
      : "must be <namespace>/<releaseName> of the installation being left, such as harbor/harbor (a DNS-1123 label, '/', and a DNS-1035 label of at most 53 characters)";
  });

/** A DNS-1123 subdomain: StorageClass and Secret names. */
export const k8sSubdomain = () =>
  checked("a Kubernetes object name", (v) =>
    v.length <= 253 && DNS_NAME_RE.test(v)
      ? undefined
      : "must be a lower-case DNS-1123 name (letters, digits, '-', '.')",
  );

/** The name part of a qualified name: 63 characters of letters, digits, `-`, `_`, `.`. */
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * A Kubernetes label or annotation key: `name` or `prefix/name`, the prefix a DNS-1123 subdomain of
 * at most 253 characters, the name at most 63 of letters, digits, `-`, `_`, `.`.
 */
export function isQualifiedName(value: string): boolean {
  const slash = value.indexOf("/");
  const prefix = slash < 0 ? undefined : value.slice(0, slash);
  const name = slash < 0 ? value : value.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !DNS_NAME_RE.test(prefix))) return false;
  return QUALIFIED_NAME_PART.test(name);
}

const QUALIFIED_NAME_EXPECTED =
  "must be a Kubernetes key: name or prefix/name, the name at most 63 letters, digits, '-', '_', '.' (starting and ending with a letter or digit), the prefix a lower-case DNS name";

/** A label or annotation key. */
export const qualifiedName = () =>
  checked("a Kubernetes label key", (v) =>
    isQualifiedName(v) ? undefined : QUALIFIED_NAME_EXPECTED,
  );

/** A label value: empty, or at most 63 letters, digits, `-`, `_`, `.`, alphanumeric at both ends. */
export function isLabelValue(value: string): boolean {
  return value === "" || QUALIFIED_NAME_PART.test(value);
}

const LABEL_VALUE_EXPECTED =
  "must be a Kubernetes label value: at most 63 letters, digits, '-', '_', '.' (starting and ending with a letter or digit)";

export const labelValue = () =>
  checked("a Kubernetes label value", (v) => (isLabelValue(v) ? undefined : LABEL_VALUE_EXPECTED));

/**
 * A map whose keys are Kubernetes keys: a bad key is reported on the key itself
 * (`harbor:scheduling.nodeSelector["bad key"]`).
 */
function keyedMap<V extends z.ZodType>(value: V, what: string, keyWhat: string) {
  return z.record(z.string(), value, { error: `must be ${what}` }).superRefine((map, ctx) => {
    for (const key of Object.keys(map)) {
      if (!isQualifiedName(key)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `is not a valid ${keyWhat}: ${QUALIFIED_NAME_EXPECTED.replace(/^must be /, "it must be ")}`,
          input: key,
        });
      }
    }
  });
}

/** Kubernetes' limit on the annotations of one object, keys and values together. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/**
 * Annotations: Kubernetes keys, values of any text (multi-line snippets included) except control
 * characters other than tab and newline. Values reach the chart as values and are written by its
 * `toYaml`, never spliced into a template.
 */
export const annotations = () =>
  keyedMap(
    z.string({ error: "must be a string" }).superRefine((v, ctx) => {
      if (CONTROL_EXCEPT_TAB_NEWLINE.test(v)) {
        ctx.addIssue({
          code: "custom",
          message: "must be text without control characters (tab and newline are allowed)",
          input: v,
        });
      }
    }),
    "a map of annotation names to string values",
    "annotation key",
  ).superRefine((map, ctx) => {
    const size = Object.entries(map).reduce(
      (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v),
      0,
    );
    if (size > ANNOTATIONS_MAX_BYTES) {
      ctx.addIssue({
        code: "custom",
        message: `must total at most ${ANNOTATIONS_MAX_BYTES} bytes (Kubernetes' limit), got ${size}`,
        input: undefined,
      });
    }
  });

/** Node labels to match: Kubernetes label keys and values. */
export const labelSelectorMap = () =>
  keyedMap(
    z.string({ error: "must be a string" }).superRefine((v, ctx) => {
      if (!isLabelValue(v))
        ctx.addIssue({ code: "custom", message: LABEL_VALUE_EXPECTED, input: v });
    }),
    "a map of node label names to values",
    "label key",
  );

// ---------------------------------------------------------------------------------------------
// Values of other systems

/**
 * A PostgreSQL role or database name that needs no quoting anywhere Harbor uses it (connection
 * strings, migrations): a letter or `_`, then letters, digits, `_`, `-`; at most 63 bytes
 * (NAMEDATALEN - 1).
 */
export const postgresIdentifier = (what: string) =>
  checked(what, (v) =>
    /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/.test(v)
      ? undefined
      : `must be ${what}: a letter or '_', then letters, digits, '_', '-'; at most 63 characters`,
  );

/**
 * The PostgreSQL user Harbor logs in as. Besides an identifier's letters, digits, `_` and `-`, a
 * role name of a managed service carries `@` and `.`: `harbor@pg-prod` (Azure Database for
 * PostgreSQL single server, `user@server`), `sa@project.iam` (a Cloud SQL IAM service account).
 * Both are safe everywhere Harbor puts the name: inside double quotes in the chart's ConfigMaps
 * (goharbor/harbor-helm templates/core/core-cm.yaml `POSTGRESQL_USERNAME: "{{ ... }}"`,
 * templates/exporter/exporter-cm-env.yaml), as an unquoted value of core's keyword/value
 * connection string, which ends only at white space (goharbor/harbor src/common/dao/pgsql.go,
 * `Register`: `user=%s`), and in the migrator's URL, escaped by `url.UserPassword` (`NewMigrator`).
 * At most 63 characters (NAMEDATALEN - 1).
 */
export const postgresUserName = () =>
  checked("a PostgreSQL user name", (v) =>
    /^[A-Za-z_][A-Za-z0-9_.@-]{0,62}$/.test(v)
      ? undefined
      : "must be a PostgreSQL user name: a letter or '_', then letters, digits, '_', '-', '.', '@'; at most 63 characters",
  );

/** S3's bucket naming rules (general purpose buckets). */
export function s3BucketProblem(value: string): string | undefined {
  const rules =
    "must be an S3 bucket name: 3-63 lower-case letters, digits, '.', '-', starting and ending with a letter or digit";
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)) return rules;
  if (value.includes("..")) return `${rules}, without two adjacent dots`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(value)) return `${rules}, not formatted as an IP address`;
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(value)) {
    return `${rules}; the prefixes xn--, sthree- and amzn-s3-demo- are reserved`;
  }
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(value)) {
    return `${rules}; the suffixes -s3alias, --ol-s3, .mrap, --x-s3 and --table-s3 are reserved`;
  }
  return undefined;
}

export const s3BucketName = () => checked("an S3 bucket name", s3BucketProblem);

/** An S3 region (`us-east-1`; MinIO and Ceph use names such as `default`). */
export const s3Region = () =>
  checked("a region such as us-east-1", (v) =>
    /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,62}[A-Za-z0-9])?$/.test(v)
      ? undefined
      : "must be a region such as us-east-1 (letters, digits, '-', '_', '.'; at most 64)",
  );

/** An S3 storage class (`STANDARD`, `STANDARD_IA`, a Ceph placement such as `COLD`). */
export const s3StorageClass = () =>
  checked("an S3 storage class such as STANDARD", (v) =>
    /^[A-Z][A-Z0-9_]{0,63}$/.test(v)
      ? undefined
      : "must be an S3 storage class such as STANDARD or STANDARD_IA (upper-case letters, digits, '_')",
  );

/** Segments of object-key or file paths: letters, digits, `.`, `_`, `-`, `+`, `@`. */
const SAFE_SEGMENT = /^[A-Za-z0-9._@+-]+$/;

/** A key prefix in the bucket (`/harbor`, `registry/prod`). */
export const s3KeyPrefix = () =>
  checked("a key prefix such as /harbor", (v) => {
    const segments = v.replace(/^\/|\/$/g, "").split("/");
    return v.length <= 1024 &&
      segments.every((s) => SAFE_SEGMENT.test(s) && s !== "." && s !== "..")
      ? undefined
      : "must be a key prefix such as /harbor: '/'-separated names of letters, digits, '.', '_', '-', '+', '@' (no '.' or '..')";
  });

const ABSOLUTE_PATH_EXPECTED =
  "must be an absolute path such as /exports/harbor: '/'-separated names of letters, digits, '.', '_', '-', '+', '@' (no '.', '..' or '//')";

/** Whether `value` is `/`, or `/`-separated safe names without `.`/`..`; a trailing `/` is allowed. */
export function isSafeAbsolutePath(value: string): boolean {
  if (value === "/") return true;
  if (!value.startsWith("/") || value.length > 4096) return false;
  const segments = value.slice(1).replace(/\/$/, "").split("/");
  return segments.every((s) => SAFE_SEGMENT.test(s) && s !== "." && s !== "..");
}

/** An absolute POSIX path of safe characters. */
export const absolutePath = () =>
  checked("an absolute path such as /exports/harbor", (v) =>
    isSafeAbsolutePath(v) ? undefined : ABSOLUTE_PATH_EXPECTED,
  );

/** A path on the machine running Pulumi, relative (to the project) or absolute; `..` allowed. */
export const localPath = (what: string) =>
  checked(what, (v) => {
    const segments = v.replace(/^\/|\/$/g, "").split("/");
    return v.length > 0 && v.length <= 4096 && segments.every((s) => SAFE_SEGMENT.test(s))
      ? undefined
      : `must be ${what}: '/'-separated names of letters, digits, '.', '_', '-', '+', '@'`;
  });

/**
 * One NFS mount option (`nfsvers=4.1`, `hard`, `rsize=1048576`, `sec=krb5p`): letters, digits and
 * `_ . = : / + -`. A comma would smuggle further options into the same entry.
 */
export const mountOption = () =>
  checked("a mount option such as nfsvers=4.1", (v) =>
    /^[A-Za-z0-9][A-Za-z0-9_.=:/+-]{0,127}$/.test(v)
      ? undefined
      : "must be one mount option such as nfsvers=4.1 (letters, digits, '_', '.', '=', ':', '/', '+', '-'; one option per list entry)",
  );

/** A Redis Sentinel master set name (`mymaster`). */
export const sentinelMasterSet = () =>
  checked("a Sentinel master set name", (v) =>
    /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,62}[A-Za-z0-9])?$/.test(v)
      ? undefined
      : "must be a Sentinel master set name such as mymaster (letters, digits, '-', '_', '.'; at most 64)",
  );

/** A Redis ACL user name. */
export const redisUsername = () =>
  checked("a Redis user name", (v) =>
    /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,126}[A-Za-z0-9])?$/.test(v)
      ? undefined
      : "must be a Redis user name (letters, digits, '-', '_', '.')",
  );

/** A kubeconfig context name (`prod`, `kubernetes-admin@kubernetes`, an EKS ARN). */
export const kubeContextName = () =>
  checked("a kubeconfig context name", (v) =>
    /^[A-Za-z0-9_.:/@+=-]{1,253}$/.test(v)
      ? undefined
      : "must be a kubeconfig context name (letters, digits and _ . : / @ + = -)",
  );

/** An identifier of another system (an OIDC client ID, a stack output name). */
export const token = (
  what: string,
  pattern = /^[A-Za-z0-9_.~:/@+=-]{1,255}$/,
  characters = "letters, digits and _ . ~ : / @ + = -",
) => checked(what, (v) => (pattern.test(v) ? undefined : `must be ${what} (${characters})`));

// ---------------------------------------------------------------------------------------------
// LDAP

const LDAP_ATTRIBUTE_RE = /^([A-Za-z][A-Za-z0-9-]{0,127}|\d+(\.\d+)+)$/;

/** An LDAP attribute name (`uid`, `memberOf`) or OID. */
export const ldapAttribute = () =>
  checked("an attribute name", (v) =>
    LDAP_ATTRIBUTE_RE.test(v)
      ? undefined
      : "must be an LDAP attribute name such as uid or memberOf (a letter, then letters, digits, '-')",
  );

/**
 * Whether `value` is an RFC 4514 distinguished name: `type=value` pairs separated by `,` (or `+`
 * inside one RDN), special characters in values escaped with `\`.
 */
export function isLdapDn(value: string): boolean {
  if (CONTROL.test(value) || value.length > 4096) return false;
  let i = 0;
  const n = value.length;
  const spaces = () => {
    while (i < n && value[i] === " ") i++;
  };
  for (;;) {
    spaces();
    const type = /^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)\s*=/.exec(value.slice(i));
    if (!type) return false;
    i += type[0].length;
    spaces();
    let length = 0;
    while (i < n && value[i] !== "," && value[i] !== "+") {
      const c = value[i];
      if (c === "\\") {
        const next = value.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(next)) i += 3;
        else if (i + 1 < n && ` "#+,;<=>\\`.includes(value[i + 1])) i += 2;
        else return false;
      } else if (`"+;<>`.includes(c)) {
        return false;
      } else {
        i++;
      }
      length++;
    }
    if (length === 0) return false;
    if (i >= n) return true;
    i++; // separator
  }
}

/** A distinguished name (`dc=example,dc=com`). Carried in JSON, inside a Secret. */
export const ldapDn = (what = "a DN such as dc=example,dc=com") =>
  checked(what, (v) =>
    isLdapDn(v)
      ? undefined
      : `must be ${what}: type=value pairs separated by ',', special characters (" + , ; < > \\) escaped with '\\', no line breaks`,
  );

/**
 * Whether `value` is an RFC 4515 search filter: one parenthesised filter (the outer parentheses
 * may be left out, as Harbor adds them), `&`/`|`/`!` groups, items `attr op value` with `=`, `~=`,
 * `>=`, `<=`, `:=` and values whose parentheses, `*` and `\` are escaped or used as wildcards.
 */
export function isLdapFilter(value: string): boolean {
  if (CONTROL.test(value) || value.length > 4096) return false;
  const text = value.trim();
  const input = text.startsWith("(") ? text : `(${text})`;
  let i = 0;
  const filter = (): boolean => {
    if (input[i] !== "(") return false;
    i++;
    const op = input[i];
    if (op === "&" || op === "|") {
      i++;
      let count = 0;
      while (input[i] === "(") {
        if (!filter()) return false;
        count++;
      }
      if (count === 0) return false;
    } else if (op === "!") {
      i++;
      if (!filter()) return false;
    } else if (!item()) {
      return false;
    }
    if (input[i] !== ")") return false;
    i++;
    return true;
  };
  const item = (): boolean => {
    const m = /^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)?(:dn)?(:[A-Za-z0-9.-]+)?(~=|>=|<=|:=|=)/.exec(
      input.slice(i),
    );
    if (!m || (m[1] === undefined && m[4] === undefined)) return false;
    i += m[0].length;
    while (i < input.length && input[i] !== ")") {
      const c = input[i];
      if (c === "(") return false;
      if (c === "\\") {
        if (!/^[0-9a-fA-F]{2}$/.test(input.slice(i + 1, i + 3))) return false;
        i += 3;
      } else {
        i++;
      }
    }
    return true;
  };
  return filter() && i === input.length;
}

/** An LDAP search filter (`(objectClass=person)`). Carried in JSON, inside a Secret. */
export const ldapFilter = () =>
  checked("an LDAP filter", (v) =>
    isLdapFilter(v)
      ? undefined
      : "must be an LDAP filter such as (objectClass=person): balanced parentheses, '(', ')', '*' and '\\' in values escaped as \\28, \\29, \\2a, \\5c, no line breaks",
  );

// ---------------------------------------------------------------------------------------------
// OIDC

/** Comma-separated OAuth scopes, including `openid` (Harbor refuses a scope without it). */
export const oidcScopes = () =>
  checked("comma-separated scopes", (v) => {
    const scopes = v.split(",");
    if (!scopes.every((s) => /^[A-Za-z0-9_.:/-]{1,255}$/.test(s))) {
      return "must be comma-separated scopes such as openid,profile,email (letters, digits and _ . : / -, no spaces)";
    }
    if (new Set(scopes).size !== scopes.length) return "must list each scope once";
    if (!scopes.includes("openid")) return "must include openid (Harbor requires it)";
    return undefined;
  });

/** A claim name in the ID token (`groups`, `preferred_username`, `https://example.com/groups`). */
export const claimName = () =>
  checked("a claim name", (v) =>
    /^[A-Za-z0-9_.:/-]{1,255}$/.test(v)
      ? undefined
      : "must be a claim name such as groups (letters, digits and _ . : / -)",
  );

// ---------------------------------------------------------------------------------------------
// Other formats

const QUANTITY_RE = /^(\d+(\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** A Kubernetes storage quantity; `20GB` is a common mistake for `20Gi`. */
export const quantity = () =>
  checked("a Kubernetes quantity such as 20Gi", (v) =>
    QUANTITY_RE.test(v) && parseFloat(v) > 0
      ? undefined
      : "must be a Kubernetes quantity such as 20Gi (units Ki, Mi, Gi, Ti)",
  );

/** A semantic version such as 1.19.1. */
export const semver = () =>
  checked("a chart version such as 1.19.1", (v) =>
    /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v)
      ? undefined
      : "must be an exact chart version such as 1.19.1 (no ranges)",
  );

/** A container image registry host, optionally with a path prefix (`mirror.local:5000/dockerhub`). */
export const registryPrefix = () =>
  checked("a registry host such as mirror.example.com", (v) => {
    if (v.includes("@")) return credentialsMessage({});
    const [host, ...path] = v.split("/");
    const hostOk = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d{1,5})?$/.test(host);
    return hostOk && path.every((p) => /^[a-z0-9]+([._-][a-z0-9]+)*$/.test(p))
      ? undefined
      : "must be a registry host with an optional path, without scheme or trailing slash (mirror.example.com, mirror.local:5000/dockerhub)";
  });

/** A container image reference (`busybox:1.37`, `mirror.local/library/busybox:1.37`). */
export const imageRef = () =>
  checked("an image reference such as busybox:1.37", (v) =>
    /^[a-z0-9]([-a-z0-9._:/]*[a-z0-9])?(@sha256:[a-f0-9]{64}|:[\w][\w.-]{0,127})$/.test(v)
      ? undefined
      : "must be an image reference with a tag or digest, such as busybox:1.37",
  );

const PEM_BLOCK_RE =
  /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]*)-----END \1-----(\r?\n|$)/g;

/**
 * PEM text. When it holds PEM blocks it must hold nothing else (no text around or inside them that
 * would travel into Secrets and ConfigMaps); what the blocks contain is checked where they are used.
 */
export const pemText = () =>
  checked("PEM text", (v) => {
    if (!v.includes("-----BEGIN ")) {
      return CONTROL.test(v.replace(/\r?\n/g, "")) ? "must be PEM text" : undefined;
    }
    const rest = v.replace(PEM_BLOCK_RE, "");
    return /^[ \t\r\n]*$/.test(rest)
      ? undefined
      : "must be PEM text: only -----BEGIN ...----- / -----END ...----- blocks of base64, without text around or inside them";
  });

// ---------------------------------------------------------------------------------------------
// Cron

const CRON_EXPECTED =
  'must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 3 * * *"';

/** What is wrong with a 5-field cron expression (`0 2 * * *`), or undefined (config/cron.ts). */
export function cronProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return CRON_EXPECTED;
  const parsed = parseCron(value);
  if (!parsed.ok) return `${CRON_EXPECTED}: ${parsed.problem}`;
  if (cronLongestGapMinutes(value) === undefined) {
    return `${CRON_EXPECTED} that runs at least once a year (this one never or almost never runs)`;
  }
  return undefined;
}

/**
 * A five-field cron expression (`minute hour day-of-month month day-of-week`) that Kubernetes
 * CronJobs and Velero Schedules both accept, and that runs at least once a year.
 */
export const cronSchedule = () => checked('a cron expression such as "0 3 * * *"', cronProblem);

/** A 5-field cron schedule, as Kubernetes CronJobs take it. */
export const cron = cronSchedule;

const HARBOR_CRON =
  'a cron expression of 5 fields (minute hour day-of-month month day-of-week, such as "0 3 * * 6") or Harbor\'s 6 with seconds first ("0 0 3 * * 6")';
const HARBOR_CRON_EXPECTED = `must be ${HARBOR_CRON}`;

/** What is wrong with a schedule for Harbor (5 fields, or 6 with 0 seconds), or undefined. */
export function harborScheduleProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return HARBOR_CRON_EXPECTED;
  const parsed = harborCron(value);
  if (!parsed.ok) return `${HARBOR_CRON_EXPECTED}: ${parsed.problem}`;
  if (cronLongestGapMinutes(parsed.cron.slice(2)) === undefined) {
    return `${HARBOR_CRON_EXPECTED} that runs at least once a year (this one never or almost never runs)`;
  }
  return undefined;
}

/**
 * A schedule Harbor runs (garbage collection, scan-all, retention, replication): five fields, or
 * Harbor's six with 0 seconds, returned in Harbor's six-field form (`0 3 * * 6` -> `0 0 3 * * 6`).
 */
export const harborSchedule = (
  /** A further rule of the schedule's consumer, on Harbor's six-field form: a problem or undefined. */
  rule: (sixFields: string) => string | undefined = () => undefined,
) =>
  checked(HARBOR_CRON, (value) => {
    const problem = harborScheduleProblem(value);
    if (problem !== undefined) return problem;
    const parsed = harborCron(value);
    return parsed.ok ? rule(parsed.cron) : undefined;
  }).transform((value) => {
    const parsed = harborCron(value);
    return parsed.ok ? parsed.cron : value;
  });

/**
 * An https:// endpoint of an S3-compatible service: scheme, host and optional port only, returned
 * as `https://host[:port]`. A URL carrying `user:password@` is refused without echoing it.
 */
export const s3Endpoint = () =>
  originUrl().superRefine((v, ctx) => {
    if (!v.startsWith("https://")) {
      ctx.addIssue({
        code: "custom",
        message:
          "must be an https:// URL with only scheme, host and optional port, such as https://s3.example.com",
        input: v,
      });
    }
  });
