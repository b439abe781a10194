/**
 * Validation of `Harbor`'s arguments as a program writes them (`HarborArgs`): the stack's schema,
 * rules and messages, with each message naming the argument (`args.storage.nfs.server`) and
 * none giving `pulumi config set` advice.
 *
 * A secret may be an Output (`config.requireSecret`, a `RandomPassword`'s `result`, a Vault
 * lookup). The synchronous check treats it as set with its value unknown (`UNKNOWN_SECRET`, as
 * `scripts/plan.ts` does for a stack file without its secrets), so everything that does not need
 * the value is checked at once. Its content checks (a password's rules, PEM parsing, a key
 * matching its certificate, the registry secrets' shape) run again inside `apply` when the value is
 * known: a bad value fails the deployment (and the preview, where the value is known) with the
 * same message. When the value is unknown (a password created in the same update) the checks are
 * skipped, as Pulumi skips every `apply` on an unknown value. The checked value is what the
 * resources receive, wrapped as a Pulumi secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import type { HarborArgs } from "./harbor-args";
import { parseRaw, toHarborConfig, validatedStackConfig, type HarborConfig } from "./load";
import { SECRET_KEYS, UNKNOWN_SECRET, type SecretKey } from "./schema";

/**
 * Secrets the schema checks against each other (`checkProvidedTls` in config/tls.ts: the key
 * matches the certificate, the CA signed it): given as Outputs, they are checked together once all
 * are known.
 */
const CHECKED_TOGETHER: readonly SecretKey[][] = [
  ["tlsCertificate", "tlsPrivateKey", "tlsCaCertificate"],
];

/** Whether a value is an Output or a promise: an Input whose value is not here yet. */
function isEventual(v: unknown): boolean {
  return pulumi.Output.isInstance(v) || typeof (v as { then?: unknown })?.then === "function";
}

/** Whether a secret argument must be resolved before its content can be checked. */
function isDeferred(key: SecretKey, v: unknown): boolean {
  if (v === undefined || typeof v === "string") return false;
  if (key === "registrySecrets" && v !== null && typeof v === "object" && !isEventual(v)) {
    return Object.values(v).some(isEventual);
  }
  return isEventual(v);
}

/** The component's name as messages show it: `Harbor "registry"`. */
const componentName = (name: string) => `Harbor ${JSON.stringify(name)}`;

/**
 * `args` validated, as the typed configuration the component builds from. Throws `ConfigError`
 * (every line naming `Harbor "<name>"` and the argument) when anything is wrong; a secret Output's
 * content checks run later, on the Outputs this returns. Arguments a stack program built from its
 * configuration (`stackArgs`) were validated with the stack's messages already.
 */
export function validateHarborArgs(name: string, args: HarborArgs): HarborConfig {
  const stack = validatedStackConfig(args);
  if (stack !== undefined) return stack;
  const component = componentName(name);
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    throw new ConfigError(["args must be an object of Harbor's settings (HarborArgs)"], component);
  }

  // Secrets given as Outputs: set, value unknown, for the synchronous check.
  const raw: Record<string, unknown> = { ...args };
  const deferred = SECRET_KEYS.filter((k) => isDeferred(k, raw[k]));
  for (const key of deferred) raw[key] = UNKNOWN_SECRET;

  const problems: string[] = [];
  const parsed = parseRaw(raw, SECRET_KEYS, "program", problems);
  if (parsed === undefined) throw new ConfigError(problems, component);

  /** The problems with these secrets' values in place of their stand-ins. */
  const check = (values: Partial<Record<SecretKey, unknown>>): void => {
    const found: string[] = [];
    parseRaw({ ...raw, ...values }, SECRET_KEYS, "program", found);
    if (found.length > 0) throw new ConfigError(found, component);
  };

  const inputs: Record<string, pulumi.Output<unknown>> = {};
  const groups = [
    ...CHECKED_TOGETHER.map((group) => group.filter((k) => deferred.includes(k))),
    ...deferred.filter((k) => !CHECKED_TOGETHER.some((g) => g.includes(k))).map((k) => [k]),
  ].filter((group) => group.length > 0);
  for (const group of groups) {
    const checked = pulumi
      .all(group.map((k) => pulumi.output(args[k] as pulumi.Input<unknown>)))
      .apply((values) => {
        check(Object.fromEntries(group.map((k, i) => [k, values[i]])));
        return values;
      });
    group.forEach((key, i) => {
      const value = checked.apply((values) => values[i]);
      // The CA of a provided chain is public (the stack reads it as plain text too).
      inputs[key] = key === "tlsCaCertificate" ? pulumi.unsecret(value) : pulumi.secret(value);
    });
  }
  return toHarborConfig(parsed, parsed.protect ?? true, inputs);
}
