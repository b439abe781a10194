import { createHash, type X509Certificate } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { CaProvidedTls, GeneratedTls, KeyAlgorithm, ProvidedTls } from "../config/types";
import { forProgramAuthors, type Audience } from "../config/errors";
import { lifetimeWarnings, parseCertificates } from "../config/pem";
import { PART_OF_LABEL } from "../config/facts";

export interface CertificatesArgs {
  /** Namespace of the TLS Secret. */
  namespace: pulumi.Input<string>;
  /** Name of the `kubernetes.io/tls` Secret Harbor serves. */
  secretName: string;
  /** TLS mode with its settings and, for `provided`/`ca-provided`, the operator's material. */
  tls: GeneratedTls | ProvidedTls | CaProvidedTls;
  /** Common name of the server certificate (the Harbor hostname). */
  commonName: string;
  /** Subject alternative names of the server certificate. */
  sans: { dnsNames: string[]; ipAddresses: string[] };
  /** Common name of a generated CA; keep it stable, a new name means a new CA. */
  caCommonName: string;
  /** Refuse to replace the generated CA (clients would stop trusting Harbor). */
  protect: boolean;
  /** Who reads the warnings: a stack's operator (default) or a program's author (`args.` keys). */
  audience?: Audience;
}

/** Key usages of the CA certificate. */
export const CA_USES = ["cert_signing", "crl_signing", "digital_signature"];
/** Key usages of the server certificate. */
export const SERVER_USES = ["digital_signature", "key_encipherment", "server_auth"];

/** @pulumi/tls arguments for a key of the given algorithm. */
export function privateKeyArgs(algorithm: KeyAlgorithm): tls.PrivateKeyArgs {
  switch (algorithm) {
    case "ECDSA-P256":
      return { algorithm: "ECDSA", ecdsaCurve: "P256" };
    case "ECDSA-P384":
      return { algorithm: "ECDSA", ecdsaCurve: "P384" };
    case "RSA-3072":
      return { algorithm: "RSA", rsaBits: 3072 };
    case "RSA-4096":
      return { algorithm: "RSA", rsaBits: 4096 };
  }
}

export const hoursFromDays = (days: number) => days * 24;

/**
 * Hex SHA-256 of a text. `undefined` hashes as "": a provider-computed output (`certPem`) is absent
 * under `pulumi.runtime.setMocks` mocks that return a resource's inputs as its state, and a
 * program's unit tests must still see the release registered.
 */
export function sha256(text: string | undefined): string {
  return createHash("sha256")
    .update(text ?? "")
    .digest("hex");
}

/** PEM blocks joined one after another, each ending in a newline. */
export function joinPem(...blocks: (string | undefined)[]): string {
  return blocks
    .map((b) => (b ?? "").trim())
    .filter((b) => b !== "")
    .map((b) => `${b}\n`)
    .join("");
}

const selfSigned = (cert: X509Certificate): boolean =>
  cert.subject === cert.issuer && cert.checkIssued(cert) && cert.verify(cert.publicKey);

/**
 * The certificates of a CA bundle a server must send after its own certificate: every one that is
 * not self-signed. An organisation's signing CA is usually an intermediate; clients that trust only
 * the organisation's root need it in the served chain. A root CA alone yields an empty string.
 */
export function issuingChain(caBundle: string): string {
  return joinPem(
    ...parseCertificates(caBundle)
      .filter((c) => !selfSigned(c))
      .map((c) => c.toString()),
  );
}

/**
 * The certificate Harbor serves and the CA clients must trust, as a `kubernetes.io/tls` Secret with
 * `tls.crt`, `tls.key` and `ca.crt`. In `generated` and `ca-provided` modes the server certificate
 * is re-issued by a `pulumi up` inside the renewal window, under the same CA.
 */
export class Certificates extends pulumi.ComponentResource {
  /** PEM of the CA clients must trust. */
  public readonly caCertificate: pulumi.Output<string>;
  /** PEM of the served certificate (chain). */
  public readonly certificate: pulumi.Output<string>;
  /** SHA-256 of the served certificate; changes when it is re-issued. */
  public readonly certificateSha256: pulumi.Output<string>;
  public readonly secret: k8s.core.v1.Secret;
  public readonly secretName: pulumi.Output<string>;

  constructor(name: string, args: CertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:tls:Certificates", name, {}, opts);
    const t = args.tls;

    let caCertificate: pulumi.Input<string>;
    let certificate: pulumi.Input<string>;
    let privateKey: pulumi.Input<string>;
    if (t.mode === "provided") {
      caCertificate = t.caCertificate;
      certificate = t.certificate;
      privateKey = t.privateKey;
    } else {
      let caKeyPem: pulumi.Input<string>;
      if (t.mode === "generated") {
        const caKey = new tls.PrivateKey(`${name}-ca-key`, privateKeyArgs(t.keyAlgorithm), {
          parent: this,
          protect: args.protect,
        });
        const ca = new tls.SelfSignedCert(
          `${name}-ca`,
          {
            privateKeyPem: caKey.privateKeyPem,
            subject: { commonName: args.caCommonName, organization: "Harbor" },
            isCaCertificate: true,
            validityPeriodHours: hoursFromDays(t.caValidityDays),
            allowedUses: CA_USES,
          },
          { parent: this, protect: args.protect },
        );
        caKeyPem = caKey.privateKeyPem;
        caCertificate = ca.certPem;
      } else {
        caKeyPem = t.caPrivateKey;
        caCertificate = t.caCertificate;
      }
      const serverKey = new tls.PrivateKey(`${name}-server-key`, privateKeyArgs(t.keyAlgorithm), {
        parent: this,
      });
      const csr = new tls.CertRequest(
        `${name}-server-csr`,
        {
          privateKeyPem: serverKey.privateKeyPem,
          subject: { commonName: args.commonName, organization: "Harbor" },
          dnsNames: args.sans.dnsNames,
          ipAddresses: args.sans.ipAddresses,
        },
        { parent: this },
      );
      const server = new tls.LocallySignedCert(
        `${name}-server`,
        {
          certRequestPem: csr.certRequestPem,
          caPrivateKeyPem: pulumi.secret(caKeyPem),
          caCertPem: caCertificate,
          validityPeriodHours: hoursFromDays(t.validityDays),
          earlyRenewalHours: hoursFromDays(t.renewBeforeDays),
          allowedUses: SERVER_USES,
        },
        { parent: this },
      );
      // ca-provided: send the organisation's intermediate CA(s) after the server certificate.
      const chain = t.mode === "ca-provided" ? issuingChain(t.caCertificate) : "";
      certificate = chain === "" ? server.certPem : server.certPem.apply((c) => joinPem(c, chain));
      privateKey = serverKey.privateKeyPem;
    }

    this.caCertificate = pulumi.output(caCertificate);
    // An expiring CA or operator certificate is the operator's to replace: say so in every preview.
    pulumi.all([caCertificate, t.mode === "provided" ? t.certificate : ""]).apply(([ca, cert]) => {
      const warnings = lifetimeWarnings({
        mode: t.mode,
        caCertificate: ca,
        certificate: t.mode === "provided" ? cert : undefined,
        validityDays: t.validityDays,
        renewBeforeDays: t.renewBeforeDays,
      });
      for (const warning of warnings) {
        void pulumi.log.warn(
          args.audience === "program" ? forProgramAuthors(warning) : warning,
          this,
        );
      }
    });
    // A certificate is public; unwrap the secret marking it inherits from secret config.
    this.certificate = pulumi.unsecret(pulumi.output(certificate));
    this.certificateSha256 = this.certificate.apply(sha256);
    this.secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: {
          name: args.secretName,
          namespace: args.namespace,
          labels: { ...PART_OF_LABEL, "app.kubernetes.io/component": "tls" },
        },
        type: "kubernetes.io/tls",
        stringData: pulumi.secret({
          "tls.crt": certificate,
          "tls.key": privateKey,
          "ca.crt": caCertificate,
        }),
      },
      { parent: this },
    );
    this.secretName = this.secret.metadata.name;
    this.registerOutputs({
      caCertificate: this.caCertificate,
      certificateSha256: this.certificateSha256,
      secretName: this.secretName,
    });
  }
}
