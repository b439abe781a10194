/**
 * `harbor:objectStorage`: registry blobs in S3-compatible storage (keys in the secrets
 * `s3AccessKey` and `s3SecretKey`, or the pods' cloud identity) or in a Rook-Ceph bucket.
 */
import { z } from "zod";
import { rookObjectStorageSchema } from "./ha";
import {
  bool,
  originUrl,
  s3BucketName,
  s3KeyPrefix,
  s3Region,
  s3StorageClass,
  secretText,
  strictObject,
  variants,
} from "./primitives";
import type { Checks, RawConfig } from "./schema";
import { required, secretValue, type SecretInputs } from "./secrets";

const objectStorageSchema = variants("type", "s3", [
  strictObject({
    type: z
      .literal("s3")
      .describe(
        "`s3`: registry blobs in S3-compatible storage; keys in secrets `harbor:s3AccessKey` and `harbor:s3SecretKey` (both, or neither for the pod's cloud identity), stored in a Secret the chart references. `rook`: a bucket claimed from Rook-Ceph (ObjectBucketClaim) on a bucket class the program creates for `objectStoreName`, or on an existing `bucketClassName`; the registry reads the claim's own Secret and ConfigMap, redirects off. See [docs/high-availability.md](docs/high-availability.md).",
      ),
    bucket: s3BucketName().describe("Bucket, following S3's naming rules."),
    region: s3Region().default("us-east-1").describe("Region."),
    regionEndpoint: originUrl({
      credentials: "put the keys in the secrets harbor:s3AccessKey and harbor:s3SecretKey",
    })
      .optional()
      .describe(
        "Endpoint of an S3-compatible service (`https://host[:port]`, no path, no credentials); AWS when unset.",
      ),
    rootDirectory: s3KeyPrefix().optional().describe("Key prefix of the registry's objects."),
    encrypt: bool().default(false).describe("Server-side encryption."),
    secure: bool().default(true).describe("Use HTTPS."),
    skipVerify: bool().default(false).describe("Skip TLS certificate verification."),
    forcePathStyle: bool()
      .default(false)
      .describe("Path-style bucket addressing (MinIO and most on-premises services)."),
    storageClass: s3StorageClass().optional().describe("S3 storage class (`STANDARD`, ...)."),
    disableRedirect: bool()
      .default(false)
      .describe("Serve blobs through the registry instead of redirecting clients to the bucket."),
  }),
  rookObjectStorageSchema,
]);

/** The keys, in the order the schema lists them. */
export const objectStorageKeys = {
  objectStorage: objectStorageSchema
    .optional()
    .describe("Registry blobs in object storage instead of the registry's volume."),
  s3AccessKey: secretValue(secretText("a non-empty access key"))
    .optional()
    .describe("S3 access key (with `s3SecretKey`, or neither for the pod's cloud identity)."),
  s3SecretKey: secretValue(secretText("a non-empty secret key"))
    .optional()
    .describe("S3 secret key (with `s3AccessKey`)."),
};

/** The S3 keys: both or neither, and only with a bucket. */
export function checkObjectStorage(c: RawConfig, { issue }: Checks): void {
  if (
    c.objectStorage?.type !== "rook" &&
    (c.s3AccessKey === undefined) !== (c.s3SecretKey === undefined)
  ) {
    const missing = c.s3AccessKey === undefined ? "s3AccessKey" : "s3SecretKey";
    issue(
      [missing],
      "is required together with its pair (harbor:s3AccessKey and harbor:s3SecretKey); leave both unset to use the pod's cloud identity",
    );
  }
  if (c.objectStorage === undefined && (c.s3AccessKey ?? c.s3SecretKey) !== undefined) {
    issue(
      [c.s3AccessKey !== undefined ? "s3AccessKey" : "s3SecretKey"],
      "is only used when harbor:objectStorage is set",
    );
  }
}

/** The bucket with its keys as secrets (a Rook bucket keeps them in its claim's Secret). */
export function toObjectStorage(c: RawConfig, inputs: SecretInputs) {
  const o = c.objectStorage;
  if (o === undefined) return undefined;
  // A Rook bucket's keys stay in the Secret Rook creates for the claim.
  if (o.type !== "s3") return o;
  const credentials =
    c.s3AccessKey !== undefined && c.s3SecretKey !== undefined
      ? {
          accessKey: required(c, "s3AccessKey", inputs),
          secretKey: required(c, "s3SecretKey", inputs),
        }
      : undefined;
  return { ...o, credentials };
}
