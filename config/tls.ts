/**
 * `harbor:tls` and its material: `caCertificate` and the secrets `tlsCertificate`, `tlsPrivateKey`,
 * `tlsCaCertificate` and `caPrivateKey`. The checks need the material of the mode (a provided
 * chain is parsed, matched to its key and its CA, and must cover the hostname) and an
 * `externalURL` that fits it; the mapping hands each mode its own material as secrets.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkCaProvided, checkProvidedTls } from "./pem";
import {
  dnsName,
  intRange,
  ipAddress,
  pemText,
  strictObject,
  uniqueList,
  variants,
} from "./primitives";
import type { Checks, RawConfig } from "./schema";
import { known, required, requiredText, secretValue, type SecretInputs } from "./secrets";

const tlsCommon = {
  dnsNames: uniqueList(dnsName(), "DNS names")
    .default([])
    .describe("Extra DNS SANs (the hostname and the externalURL's host are always included)."),
  ipAddresses: uniqueList(ipAddress(), "IP addresses")
    .default([])
    .describe("Extra IP SANs (the hostname and the externalURL's host are always included)."),
  validityDays: intRange(1, 397, "1-397 days (browsers reject longer server certificates)")
    .default(365)
    .describe("Server certificate lifetime in days, at most 397."),
  caValidityDays: intRange(30, 36500, "30-36500 days")
    .default(3650)
    .describe("Generated CA lifetime in days (30-36500)."),
  renewBeforeDays: intRange(0, 396, "0-396 days")
    .default(30)
    .describe(
      "A `pulumi up` within this many days of expiry re-issues the server certificate under the same CA (every run refreshes first: `Pulumi.yaml` sets `options.refresh: always`); nginx's pods roll because their template carries the certificate's hash.",
    ),
  keyAlgorithm: z
    .enum(["ECDSA-P256", "ECDSA-P384", "RSA-3072", "RSA-4096"], {
      error: "must be one of ECDSA-P256, ECDSA-P384, RSA-3072, RSA-4096",
    })
    .default("ECDSA-P256")
    .describe("Key algorithm of generated keys."),
};

const tlsSchema = variants("mode", "generated", [
  strictObject({
    mode: z
      .literal("generated")
      .describe(
        "`generated`: CA and server certificate from @pulumi/tls. `provided`: your chain from secrets `harbor:tlsCertificate` (server certificate, then intermediates), `harbor:tlsPrivateKey`, `harbor:tlsCaCertificate`; checked before deploy (parses, key matches, signed by the CA, covers `hostname`, not expired). `ca-provided`: your CA (`harbor:caCertificate`, secret `harbor:caPrivateKey`) signs a server certificate the program generates and renews. `disabled`: plain HTTP, TLS terminated in front (requires `externalURL`).",
      ),
    ...tlsCommon,
  }),
  strictObject({ mode: z.literal("provided"), ...tlsCommon }),
  strictObject({ mode: z.literal("ca-provided"), ...tlsCommon }),
  strictObject({ mode: z.literal("disabled"), ...tlsCommon }),
])
  .superRefine((t, ctx) => {
    if (t.renewBeforeDays >= t.validityDays) {
      ctx.addIssue({
        code: "custom",
        message: `must be less than harbor:tls.validityDays (${t.validityDays}), or every \`pulumi up\` re-issues the certificate`,
        path: ["renewBeforeDays"],
        input: t.renewBeforeDays,
      });
    }
  })
  .prefault({});

/** The keys, in the order the schema lists them. */
export const tlsKeys = {
  tls: tlsSchema.meta({
    description: "Certificates.",
    docNotes:
      "The served Secret (`tlsSecretName`) carries `tls.crt`, `tls.key` and `ca.crt`; the portal offers `ca.crt` for download. Details and rotation: [docs/tls-and-trust.md](docs/tls-and-trust.md).",
  }),
  caCertificate: pemText()
    .optional()
    .describe(
      "PEM of your CA when `tls.mode` is `ca-provided` (its key in secret `harbor:caPrivateKey`).",
    ),
  tlsCertificate: secretValue(pemText())
    .optional()
    .describe("Server certificate, then intermediates, when `tls.mode` is `provided`."),
  tlsPrivateKey: secretValue(pemText())
    .optional()
    .describe("Private key of `tlsCertificate` when `tls.mode` is `provided`."),
  tlsCaCertificate: secretValue(pemText())
    .optional()
    .describe("CA that signed `tlsCertificate` when `tls.mode` is `provided`."),
  caPrivateKey: secretValue(pemText())
    .optional()
    .describe("Private key of `caCertificate` when `tls.mode` is `ca-provided`."),
};

/** Each mode with its material and an `externalURL` that fits it. */
export function checkTls(c: RawConfig, { issue, requireSecret }: Checks): void {
  const tls = c.tls;
  if (tls.mode === "disabled" && c.externalURL === undefined) {
    issue(
      ["externalURL"],
      "is required when harbor:tls.mode is disabled: give the URL of the proxy that terminates TLS in front of Harbor, such as https://harbor.example.com",
    );
  }
  if (tls.mode !== "disabled" && c.externalURL?.startsWith("http://")) {
    issue(
      ["externalURL"],
      `must use https:// when harbor:tls.mode is ${tls.mode} (Harbor serves HTTPS); use harbor:tls.mode disabled for plain HTTP`,
      c.externalURL,
    );
  }
  if (tls.mode === "generated" && tls.validityDays > tls.caValidityDays) {
    issue(
      ["tls", "validityDays"],
      `must not exceed harbor:tls.caValidityDays (${tls.caValidityDays}; a certificate cannot outlive its CA)`,
      tls.validityDays,
    );
  }
  if (tls.mode === "provided") {
    requireSecret("tlsCertificate", "harbor:tls.mode is provided");
    requireSecret("tlsPrivateKey", "harbor:tls.mode is provided");
    requireSecret("tlsCaCertificate", "harbor:tls.mode is provided");
    if (
      c.tlsCertificate &&
      c.tlsPrivateKey &&
      c.tlsCaCertificate &&
      known(c.tlsCertificate, c.tlsPrivateKey, c.tlsCaCertificate)
    ) {
      for (const p of checkProvidedTls({
        hostname: c.hostname,
        certificate: c.tlsCertificate,
        privateKey: c.tlsPrivateKey,
        caCertificate: c.tlsCaCertificate,
      })) {
        issue([p.key], p.message);
      }
    }
  } else {
    for (const key of ["tlsCertificate", "tlsPrivateKey", "tlsCaCertificate"] as const) {
      if (c[key] !== undefined) {
        issue([key], `is only used when harbor:tls.mode is provided (it is ${tls.mode})`);
      }
    }
  }
  if (tls.mode === "ca-provided") {
    if (c.caCertificate === undefined) {
      issue(
        ["caCertificate"],
        'is required when harbor:tls.mode is ca-provided: set it with `pulumi config set harbor:caCertificate -- "$(cat ca.crt)"`',
      );
    }
    requireSecret("caPrivateKey", "harbor:tls.mode is ca-provided");
    if (c.caCertificate && c.caPrivateKey && known(c.caPrivateKey)) {
      for (const p of checkCaProvided({
        caCertificate: c.caCertificate,
        caPrivateKey: c.caPrivateKey,
      })) {
        issue([p.key], p.message);
      }
    }
  } else {
    for (const key of ["caCertificate", "caPrivateKey"] as const) {
      if (c[key] !== undefined) {
        issue([key], `is only used when harbor:tls.mode is ca-provided (it is ${tls.mode})`);
      }
    }
  }
}

/** The mode with its material: secrets wrapped, or the Outputs a program gave. */
export function toTls(c: RawConfig, inputs: SecretInputs) {
  const common = {
    dnsNames: c.tls.dnsNames,
    ipAddresses: c.tls.ipAddresses,
    validityDays: c.tls.validityDays,
    caValidityDays: c.tls.caValidityDays,
    renewBeforeDays: c.tls.renewBeforeDays,
    keyAlgorithm: c.tls.keyAlgorithm,
  };
  switch (c.tls.mode) {
    case "provided":
      return {
        ...common,
        mode: "provided" as const,
        certificate: required(c, "tlsCertificate", inputs),
        privateKey: required(c, "tlsPrivateKey", inputs),
        /** The CA is public: plain text (unless a program gave an Output), shown and checked. */
        caCertificate: (inputs.tlsCaCertificate ?? requiredText(c, "tlsCaCertificate")) as
          string | pulumi.Output<string>,
      };
    case "ca-provided":
      return {
        ...common,
        mode: "ca-provided" as const,
        caCertificate: requiredText(c, "caCertificate"),
        caPrivateKey: required(c, "caPrivateKey", inputs),
      };
    case "generated":
      return { ...common, mode: "generated" as const };
    case "disabled":
      return { ...common, mode: "disabled" as const };
  }
}
