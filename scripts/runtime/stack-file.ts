/**
 * Reads a `Pulumi.<stack>.yaml` as the Pulumi CLI would hand it to the program: the CLI's
 * project-configuration rules are applied first (scripts/runtime/pulumi-config.ts, against the
 * project's `Pulumi.yaml`), so a stack `pulumi preview` would refuse is refused here
 * with the CLI's message, and the project's defaults are filled in as the CLI does. Then `harbor:`
 * keys without the prefix (objects kept as objects), the other providers' keys in full, and which
 * keys are encrypted (`secure:`), whose values a stack file alone cannot reveal.
 */
import * as path from "node:path";
import { checkStackFile, type StackFileCheck } from "./pulumi-config";

/** This project's Pulumi.yaml: the project every stack file of this program belongs to. */
export const PROJECT_FILE = path.resolve(__dirname, "..", "..", "Pulumi.yaml");

export interface StackFile {
  /** Stack name, from the file name. */
  stack: string;
  /** `harbor:` keys without the prefix, in plain text, including the project's defaults. */
  config: Record<string, unknown>;
  /** `harbor:` keys stored encrypted (`secure:`): set, value unknown without a secrets file. */
  secureKeys: string[];
  /** Other namespaces' keys in full (`kubernetes:context`), in plain text. */
  otherConfig: Record<string, string>;
  /** Other namespaces' keys stored encrypted (`kubernetes:kubeconfig`). */
  otherSecureKeys: string[];
  /** Keys `Pulumi.yaml` filled in (its defaults), in full. */
  projectDefaults: string[];
  /** Keys the CLI warns about: present without a value (used as ""). */
  emptyKeys: string[];
}

/** A stack file the Pulumi CLI refuses before the program runs. */
export class StackConfigError extends Error {
  constructor(
    message: string,
    public readonly check: StackFileCheck,
  ) {
    super(message);
  }
}

const PROJECT_NAMESPACE = "harbor";

/**
 * Reads a stack file of this project and applies the CLI's rules (against this project's
 * Pulumi.yaml, wherever the stack file is); throws `StackConfigError` with the CLI's own message
 * (`Stack 'dev' is missing configuration value 'hostname'`) when `pulumi preview` would stop there.
 */
export function readStackFile(file: string, projectFile = PROJECT_FILE): StackFile {
  const check = checkStackFile(file, { projectFile });
  if (check.error !== undefined) throw new StackConfigError(check.error, check);
  const result: StackFile = {
    stack: check.stack,
    config: {},
    secureKeys: [],
    otherConfig: {},
    otherSecureKeys: [],
    projectDefaults: check.applied,
    emptyKeys: check.document.empty,
  };
  const plain = check.document.plain;
  for (const [key, value] of check.config) {
    const [namespace] = key.split(":");
    const name = key.slice(namespace.length + 1);
    if (namespace === PROJECT_NAMESPACE) {
      if (value.secure && !value.object) result.secureKeys.push(name);
      else if (check.applied.includes(key)) result.config[name] = plainDefault(check, key);
      else result.config[name] = plain.get(key) ?? "";
    } else if (value.secure) {
      result.otherSecureKeys.push(key);
    } else {
      result.otherConfig[key] = value.text ?? "";
    }
  }
  return result;
}

/** The value `Pulumi.yaml` declares for a key it filled in. */
function plainDefault(check: StackFileCheck, key: string): unknown {
  const decl =
    check.project.config[key] ?? check.project.config[key.slice(check.project.name.length + 1)];
  return decl?.default ?? decl?.value;
}
