/**
 * Checks of operator-supplied certificates, run before anything is deployed so that a wrong chain
 * fails `pulumi preview` instead of producing "x509: certificate signed by unknown authority" later.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import { isIP } from "node:net";

export interface PemIssue {
  /** The `harbor:` key the problem belongs to. */
  key: "tlsCertificate" | "tlsPrivateKey" | "tlsCaCertificate" | "caCertificate" | "caPrivateKey";
  message: string;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM bundle, in order; throws when there is none or one is broken. */
export function parseCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error("no -----BEGIN CERTIFICATE----- block");
  return blocks.map((b) => new X509Certificate(b));
}

function parseKey(pem: string): KeyObject | string {
  if (/ENCRYPTED/.test(pem)) {
    return "is encrypted with a passphrase; Harbor needs an unencrypted key (`openssl pkey -in key.pem -out key.nopass.pem`)";
  }
  try {
    return createPrivateKey(pem);
  } catch {
    return "is not a PEM private key (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA/EC PRIVATE KEY-----)";
  }
}

const day = (d: Date) => d.toISOString().slice(0, 10);

function validityProblem(cert: X509Certificate, now: Date): string | undefined {
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (now > to) return `expired on ${day(to)}`;
  if (now < from) return `is not valid before ${day(from)}`;
  return undefined;
}

/** True when `issuer` signed `cert`. */
function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function covers(cert: X509Certificate, hostname: string): boolean {
  return isIP(hostname) !== 0
    ? cert.checkIP(hostname) !== undefined
    : cert.checkHost(hostname) !== undefined;
}

/**
 * `tls.mode: provided`: the server certificate (optionally followed by intermediates), its key and
 * the CA. Returns every problem found; an empty list means the chain will work for `hostname`.
 */
export function checkProvidedTls(input: {
  hostname: string;
  certificate: string;
  privateKey: string;
  caCertificate: string;
  now?: Date;
}): PemIssue[] {
  const now = input.now ?? new Date();
  const issues: PemIssue[] = [];

  let chain: X509Certificate[] | undefined;
  try {
    chain = parseCertificates(input.certificate);
  } catch {
    issues.push({
      key: "tlsCertificate",
      message: "is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)",
    });
  }
  let ca: X509Certificate | undefined;
  try {
    ca = parseCertificates(input.caCertificate)[0];
  } catch {
    issues.push({
      key: "tlsCaCertificate",
      message: "is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)",
    });
  }
  const key = parseKey(input.privateKey);
  if (typeof key === "string") issues.push({ key: "tlsPrivateKey", message: key });

  if (chain) {
    const leaf = chain[0];
    if (typeof key !== "string" && !leaf.checkPrivateKey(key)) {
      issues.push({
        key: "tlsPrivateKey",
        message: "does not match harbor:tlsCertificate (the key belongs to another certificate)",
      });
    }
    if (!covers(leaf, input.hostname)) {
      issues.push({
        key: "tlsCertificate",
        message: `does not cover harbor:hostname ${input.hostname} (it covers ${leaf.subjectAltName ?? leaf.subject.replace(/\n/g, ", ")}); issue one with ${isIP(input.hostname) ? "IP" : "DNS"}:${input.hostname} in its subject alternative names`,
      });
    }
    const expiry = validityProblem(leaf, now);
    if (expiry) issues.push({ key: "tlsCertificate", message: `${expiry}; renew it` });
    if (ca) {
      // Walk leaf -> intermediates -> CA.
      let current = leaf;
      let ok = true;
      for (const next of chain.slice(1)) {
        if (next.fingerprint256 === ca.fingerprint256) break;
        if (!signedBy(current, next)) {
          ok = false;
          break;
        }
        current = next;
      }
      if (!ok || !signedBy(current, ca)) {
        issues.push({
          key: "tlsCertificate",
          message: `is not signed by harbor:tlsCaCertificate (certificate issuer: ${leaf.issuer.replace(/\n/g, ", ")}; CA subject: ${ca.subject.replace(/\n/g, ", ")}); append any intermediate certificates after the server certificate`,
        });
      }
    }
  }
  if (ca) {
    if (!ca.ca) {
      issues.push({
        key: "tlsCaCertificate",
        message: "is not a CA certificate (basicConstraints CA:TRUE is missing)",
      });
    }
    const expiry = validityProblem(ca, now);
    if (expiry) issues.push({ key: "tlsCaCertificate", message: expiry });
  }
  return issues;
}

/** `tls.mode: ca-provided`: the organisation's CA certificate and its private key. */
export function checkCaProvided(input: {
  caCertificate: string;
  caPrivateKey: string;
  now?: Date;
}): PemIssue[] {
  const now = input.now ?? new Date();
  const issues: PemIssue[] = [];
  let ca: X509Certificate | undefined;
  try {
    ca = parseCertificates(input.caCertificate)[0];
  } catch {
    issues.push({
      key: "caCertificate",
      message: "is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)",
    });
  }
  const key = parseKey(input.caPrivateKey);
  if (typeof key === "string") issues.push({ key: "caPrivateKey", message: key });
  if (ca) {
    if (!ca.ca) {
      issues.push({
        key: "caCertificate",
        message: "is not a CA certificate (basicConstraints CA:TRUE is missing)",
      });
    }
    const expiry = validityProblem(ca, now);
    if (expiry) issues.push({ key: "caCertificate", message: expiry });
    if (typeof key !== "string" && !ca.checkPrivateKey(key)) {
      issues.push({
        key: "caPrivateKey",
        message: "does not match harbor:caCertificate (the key belongs to another certificate)",
      });
    }
  }
  return issues;
}
