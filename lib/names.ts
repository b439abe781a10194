/** Kubernetes names the program derives from configuration, kept within Kubernetes' limits. */
import { createHash } from "node:crypto";

/**
 * Longest DNS-1123 label, label value and name part of a qualified name (`prefix/name`, which is
 * what a StorageClass `provisioner` must be).
 */
export const MAX_NAME_LENGTH = 63;

/**
 * `name` unchanged when it fits in `max` characters; otherwise its head and an 8-character hash
 * of the whole name, so that two long names never shorten to the same result.
 */
export function fitName(name: string, max = MAX_NAME_LENGTH): string {
  if (name.length <= max) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, max - hash.length - 1).replace(/[-.]+$/, "")}-${hash}`;
}
