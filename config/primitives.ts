/**
 * Zod building blocks for stack configuration. Each carries the "what is expected" half of an error
 * message; `formatIssues` (errors.ts) adds the key and the offending value.
 */
import { isIP, isIPv4, isIPv6 } from "node:net";
import { z } from "zod";
import { cronLongestGapMinutes, parseCron } from "./cron";

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
  return z.preprocess((raw, ctx) => {
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
  }, union);
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

export const nonEmpty = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .min(1, { error: `must be ${what}` });

export const stringMap = (what = "a map of strings") =>
  z.record(z.string(), z.string({ error: `must be ${what}` }), { error: `must be ${what}` });

export const list = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item, { error: `must be a list of ${what}` });

const DNS_LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
const DNS_NAME_RE = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);

export function isDnsName(value: string): boolean {
  return value.length <= 253 && DNS_NAME_RE.test(value);
}

export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

/** A lower-case DNS name (RFC 1123). */
export const dnsName = () =>
  z
    .string({ error: "must be a DNS name such as harbor.example.com" })
    .refine(isDnsName, { error: "must be a lower-case DNS name such as harbor.example.com" });

/** An IPv4 or IPv6 address. */
export const ipAddress = () =>
  z
    .string({ error: "must be an IP address such as 192.168.1.10" })
    .refine(isIpAddress, { error: "must be an IP address such as 192.168.1.10" });

/** A DNS name or an IP address, without scheme, port or path. */
export const hostOrIp = () =>
  z
    .string({ error: "must be a DNS name or an IP address" })
    .refine((v) => isDnsName(v) || isIpAddress(v), {
      error:
        "must be a lower-case DNS name or an IP address without scheme, port or path (harbor.example.com, 192.168.1.10)",
    });

/** `host:port` where host is a DNS name, IPv4, or bracketed IPv6. */
export const hostPort = () =>
  z.string({ error: "must be host:port" }).refine(
    (v) => {
      const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(v);
      if (!m) return false;
      const host = m[1].startsWith("[") ? m[1].slice(1, -1) : m[1];
      const port = Number(m[2]);
      return (isDnsName(host) || isIPv4(host) || isIPv6(host)) && port > 0 && port < 65536;
    },
    { error: "must be host:port such as redis.example.com:6379" },
  );

/** A DNS-1123 label: Kubernetes namespace and most object names. */
export const k8sName = (maxLength = 63) =>
  z
    .string({ error: "must be a Kubernetes name" })
    .refine((v) => v.length <= maxLength && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v), {
      error: `must be a lower-case DNS-1123 label of at most ${maxLength} characters (letters, digits, '-')`,
    });

/** A DNS-1123 subdomain: StorageClass and Secret names. */
export const k8sSubdomain = () =>
  z
    .string({ error: "must be a Kubernetes object name" })
    .refine((v) => v.length <= 253 && DNS_NAME_RE.test(v), {
      error: "must be a lower-case DNS-1123 name (letters, digits, '-', '.')",
    });

const QUANTITY_RE = /^(\d+(\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** A Kubernetes storage quantity; `20GB` is a common mistake for `20Gi`. */
export const quantity = () =>
  z
    .string({ error: "must be a Kubernetes quantity such as 20Gi" })
    .refine((v) => QUANTITY_RE.test(v) && parseFloat(v) > 0, {
      error: "must be a Kubernetes quantity such as 20Gi (units Ki, Mi, Gi, Ti)",
    });

/** An http(s) URL without path, query or fragment (Harbor cannot live under a sub-path). */
export const originUrl = () =>
  z.string({ error: "must be a URL such as https://harbor.example.com" }).transform((v, ctx) => {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      ctx.issues.push({
        code: "custom",
        message: "must be a URL such as https://harbor.example.com",
        input: v,
      });
      return z.NEVER;
    }
    const onlyOrigin = (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash;
    if (!["http:", "https:"].includes(url.protocol) || !onlyOrigin || url.username) {
      ctx.issues.push({
        code: "custom",
        message:
          "must be an http:// or https:// URL with only scheme, host and optional port (Harbor cannot be served under a path)",
        input: v,
      });
      return z.NEVER;
    }
    return url.origin;
  });

/** An https URL (OIDC issuer). */
export const httpsUrl = () =>
  z.string({ error: "must be an https:// URL" }).refine(
    (v) => {
      try {
        return new URL(v).protocol === "https:";
      } catch {
        return false;
      }
    },
    { error: "must be an https:// URL" },
  );

/** An IPv4/IPv6 CIDR block. */
export const cidr = () =>
  z.string({ error: "must be a CIDR such as 10.0.0.0/8" }).refine(
    (v) => {
      const [ip, bits, extra] = v.split("/");
      if (extra !== undefined || bits === undefined || !/^\d+$/.test(bits)) return false;
      const family = isIP(ip);
      const n = Number(bits);
      return family !== 0 && n <= (family === 4 ? 32 : 128);
    },
    { error: "must be a CIDR such as 10.0.0.0/8" },
  );

/** A semantic version such as 1.19.1. */
export const semver = () =>
  z
    .string({ error: "must be a chart version such as 1.19.1" })
    .refine((v) => /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v), {
      error: "must be an exact chart version such as 1.19.1 (no ranges)",
    });

/** An absolute POSIX path. */
export const absolutePath = () =>
  z
    .string({ error: "must be an absolute path such as /exports/harbor" })
    .refine((v) => v.startsWith("/") && !v.split("/").includes(".."), {
      error: "must be an absolute path such as /exports/harbor",
    });

/** A container image registry host, optionally with a path prefix (`mirror.local:5000/dockerhub`). */
export const registryPrefix = () =>
  z.string({ error: "must be a registry host such as mirror.example.com" }).refine(
    (v) => {
      const [host, ...path] = v.split("/");
      const hostOk = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d{1,5})?$/.test(host);
      return hostOk && path.every((p) => /^[a-z0-9]+([._-][a-z0-9]+)*$/.test(p));
    },
    {
      error:
        "must be a registry host with an optional path, without scheme or trailing slash (mirror.example.com, mirror.local:5000/dockerhub)",
    },
  );

/** A container image reference (`busybox:1.37`, `mirror.local/library/busybox:1.37`). */
export const imageRef = () =>
  z
    .string({ error: "must be an image reference such as busybox:1.37" })
    .refine(
      (v) => /^[a-z0-9]([-a-z0-9._:/]*[a-z0-9])?(@sha256:[a-f0-9]{64}|:[\w][\w.-]{0,127})$/.test(v),
      {
        error: "must be an image reference with a tag or digest, such as busybox:1.37",
      },
    );

/** A PEM-encoded block of the given label(s). */
export const pemText = () => z.string({ error: "must be PEM text" });

/**
 * A five-field cron expression (`minute hour day-of-month month day-of-week`) that Kubernetes
 * CronJobs and Velero Schedules both accept, and that runs at least twice in four years.
 */
export const cronSchedule = () =>
  z.string({ error: 'must be a cron expression such as "0 3 * * *"' }).superRefine((v, ctx) => {
    const parsed = parseCron(v);
    const expected =
      'must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 3 * * *"';
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: `${expected}: ${parsed.problem}`, input: v });
    } else if (cronLongestGapMinutes(v) === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `${expected} that runs at least once a year (this one never or almost never runs)`,
        input: v,
      });
    }
  });

const S3_BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const S3_BUCKET_RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const S3_BUCKET_RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** Why a name breaks S3's bucket naming rules, or undefined when it follows them. */
export function s3BucketNameProblem(v: string): string | undefined {
  if (!S3_BUCKET_RE.test(v)) {
    return "must be 3-63 characters of lower-case letters, digits, '.' and '-', starting and ending with a letter or digit (S3 bucket naming rules)";
  }
  if (v.includes("..")) return "must not contain two adjacent periods (S3 bucket naming rules)";
  if (isIPv4(v)) return "must not be formatted as an IP address (S3 bucket naming rules)";
  const prefix = S3_BUCKET_RESERVED_PREFIXES.find((p) => v.startsWith(p));
  if (prefix) return `must not start with the reserved prefix ${prefix} (S3 bucket naming rules)`;
  const suffix = S3_BUCKET_RESERVED_SUFFIXES.find((s) => v.endsWith(s));
  if (suffix) return `must not end with the reserved suffix ${suffix} (S3 bucket naming rules)`;
  return undefined;
}

/** An S3 bucket name under AWS's naming rules (which S3-compatible stores also follow). */
export const s3BucketName = () =>
  z.string({ error: "must be an S3 bucket name such as harbor-backups" }).superRefine((v, ctx) => {
    const problem = s3BucketNameProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem, input: v });
  });

/**
 * An https:// endpoint of an S3-compatible service: scheme, host and optional port only. A URL
 * carrying `user:password@` is refused without echoing it: credentials belong in secrets.
 */
export const s3Endpoint = () =>
  z
    .string({ error: "must be an https:// URL such as https://s3.example.com" })
    .transform((v, ctx) => {
      let url: URL;
      try {
        url = new URL(v);
      } catch {
        ctx.issues.push({
          code: "custom",
          message: "must be an https:// URL such as https://s3.example.com",
          input: v,
        });
        return z.NEVER;
      }
      if (url.username || url.password) {
        ctx.issues.push({
          code: "custom",
          message:
            "must not contain credentials (user:password@); set them with `pulumi config set --secret` in the keys made for them",
          input: undefined,
        });
        return z.NEVER;
      }
      const onlyOrigin = (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash;
      if (url.protocol !== "https:" || !onlyOrigin) {
        ctx.issues.push({
          code: "custom",
          message:
            "must be an https:// URL with only scheme, host and optional port, such as https://s3.example.com",
          input: v,
        });
        return z.NEVER;
      }
      return url.origin;
    });

/**
 * A key prefix inside a bucket: path segments of letters, digits, '.', '_' and '-', separated by
 * single slashes, without a leading or trailing slash and without `.` or `..` segments.
 */
export const s3KeyPrefix = () =>
  z
    .string({ error: "must be a key prefix such as harbor/prod" })
    .refine(
      (v) =>
        v.length >= 1 &&
        v.length <= 256 &&
        v.split("/").every((seg) => /^[A-Za-z0-9._-]+$/.test(seg) && seg !== "." && seg !== ".."),
      {
        error:
          "must be a key prefix such as harbor/prod: segments of letters, digits, '.', '_' and '-' separated by single '/', no leading or trailing '/'",
      },
    );

/** An S3 region name such as us-east-1 (S3-compatible stores often accept any such word). */
export const s3Region = () =>
  z
    .string({ error: "must be a region such as us-east-1" })
    .refine((v) => /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/.test(v), {
      error: "must be a region such as us-east-1 (lower-case letters, digits and '-')",
    });
