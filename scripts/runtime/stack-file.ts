/**
 * Reads a `Pulumi.<stack>.yaml` as the Pulumi CLI would hand it to the program: `harbor:` keys
 * without the prefix (objects kept as objects), the other providers' keys in full, and which keys
 * are encrypted (`secure:`), whose values a stack file alone cannot reveal.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

export interface StackFile {
  /** Stack name, from the file name. */
  stack: string;
  /** `harbor:` keys without the prefix, in plain text. */
  config: Record<string, unknown>;
  /** `harbor:` keys stored encrypted (`secure:`): set, value unknown without a secrets file. */
  secureKeys: string[];
  /** Other namespaces' keys in full (`kubernetes:context`), in plain text. */
  otherConfig: Record<string, string>;
  /** Other namespaces' keys stored encrypted (`kubernetes:kubeconfig`). */
  otherSecureKeys: string[];
}

const isSecure = (value: unknown): boolean =>
  value !== null && typeof value === "object" && "secure" in value;

export function readStackFile(file: string): StackFile {
  const doc = (parseYaml(readFileSync(file, "utf8")) ?? {}) as {
    config?: Record<string, unknown>;
  };
  const result: StackFile = {
    stack: path.basename(file).replace(/^Pulumi\.(.+)\.yaml$/, "$1"),
    config: {},
    secureKeys: [],
    otherConfig: {},
    otherSecureKeys: [],
  };
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    if (key.startsWith("harbor:")) {
      const name = key.slice("harbor:".length);
      if (isSecure(value)) result.secureKeys.push(name);
      else result.config[name] = value;
    } else if (isSecure(value)) {
      result.otherSecureKeys.push(key);
    } else {
      result.otherConfig[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return result;
}
