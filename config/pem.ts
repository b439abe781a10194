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

/** The subject or issuer as one line (`CN=Harbor CA, O=Harbor`). */
const dn = (name: string) => name.replace(/\n/g, ", ");

/** True when `issuer` signed `cert`. */
function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * Whether the certificate's subject alternative names cover `hostname` the way Go clients (docker,
 * containerd, kubelet) check it: the common name is never used, and a wildcard must be the whole
 * left-most label (`*.example.com`, not `h*.example.com`).
 */
export function certificateCovers(cert: X509Certificate, hostname: string): boolean {
  return isIP(hostname) !== 0
    ? cert.checkIP(hostname) !== undefined
    : cert.checkHost(hostname, { subject: "never", partialWildcards: false }) !== undefined;
}

/** Extended key usage OIDs a TLS server certificate may carry. */
const SERVER_AUTH_OIDS = ["1.3.6.1.5.5.7.3.1", "2.5.29.37.0"];

/** True when the certificate restricts its extended key usage and serverAuth is not among it. */
function lacksServerAuth(cert: X509Certificate): boolean {
  const usages = cert.keyUsage as string[] | undefined;
  return usages !== undefined && !usages.some((u) => SERVER_AUTH_OIDS.includes(u));
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
  let cas: X509Certificate[] | undefined;
  try {
    cas = parseCertificates(input.caCertificate);
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
    if (!certificateCovers(leaf, input.hostname)) {
      const names = leaf.subjectAltName
        ? `it covers ${leaf.subjectAltName}`
        : `it has no subject alternative names, and clients ignore its subject ${dn(leaf.subject)}`;
      issues.push({
        key: "tlsCertificate",
        message: `does not cover harbor:hostname ${input.hostname} (${names}); issue one with ${isIP(input.hostname) ? "IP" : "DNS"}:${input.hostname} in its subject alternative names`,
      });
    }
    if (lacksServerAuth(leaf)) {
      issues.push({
        key: "tlsCertificate",
        message:
          "is not for server authentication (its extended key usage lacks serverAuth); issue one with extendedKeyUsage = serverAuth",
      });
    }
    const expiry = validityProblem(leaf, now);
    if (expiry) {
      const advice = expiry.startsWith("expired") ? "renew it" : "check the clock of this machine";
      issues.push({ key: "tlsCertificate", message: `${expiry}; ${advice}` });
    }
    chain.slice(1).forEach((intermediate, i) => {
      const problem = validityProblem(intermediate, now);
      if (problem) {
        issues.push({
          key: "tlsCertificate",
          message: `has an intermediate certificate (#${i + 2}, ${dn(intermediate.subject)}) that ${problem}`,
        });
      }
    });
    if (cas && cas.length > 0) {
      const isCa = (c: X509Certificate) => cas.some((a) => a.fingerprint256 === c.fingerprint256);
      // Walk leaf -> intermediates until a certificate is signed by one in the CA bundle.
      let current = leaf;
      let trusted = cas.some((a) => signedBy(current, a));
      for (const next of chain.slice(1)) {
        if (trusted || isCa(next) || !signedBy(current, next)) break;
        current = next;
        trusted = cas.some((a) => signedBy(current, a));
      }
      if (!trusted) {
        issues.push({
          key: "tlsCertificate",
          message: `is not signed by harbor:tlsCaCertificate (certificate issuer: ${dn(leaf.issuer)}; CA subject: ${cas.map((a) => dn(a.subject)).join(" | ")}); append any intermediate certificates after the server certificate`,
        });
      }
    }
  }
  (cas ?? []).forEach((ca, i) => {
    const which = cas && cas.length > 1 ? ` (certificate #${i + 1} of the bundle)` : "";
    if (!ca.ca) {
      issues.push({
        key: "tlsCaCertificate",
        message: `is not a CA certificate${which} (basicConstraints CA:TRUE is missing)`,
      });
    }
    const expiry = validityProblem(ca, now);
    if (expiry) issues.push({ key: "tlsCaCertificate", message: `${expiry}${which}` });
  });
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

const DAY_MS = 86_400_000;
const daysBetween = (from: Date, to: Date) => Math.floor((to.getTime() - from.getTime()) / DAY_MS);

/**
 * Lifetimes the program cannot fix by itself, as warnings for `pulumi preview` (never errors: an
 * approaching expiry must not block an unrelated change):
 * - the CA expires before a server certificate issued now would (`generated`, `ca-provided`):
 *   clients reject Harbor from the CA's last day, whatever the server certificate says;
 * - a `provided` server certificate is inside the renewal window (the program cannot renew it).
 * What does not parse yields no warning: the loader has refused operator PEMs that do not.
 */
export function lifetimeWarnings(input: {
  mode: "generated" | "provided" | "ca-provided";
  /** The CA bundle clients trust. */
  caCertificate: string;
  /** The served certificate and its intermediates (`provided` only). */
  certificate?: string;
  validityDays: number;
  renewBeforeDays: number;
  now?: Date;
}): string[] {
  const now = input.now ?? new Date();
  const warnings: string[] = [];
  /** The certificate of a bundle that expires first (the whole chain fails on its last day). */
  const soonest = (pem: string) => {
    try {
      return parseCertificates(pem).reduce((a, b) => (b.validToDate < a.validToDate ? b : a));
    } catch {
      return undefined;
    }
  };
  const ca = soonest(input.caCertificate);
  if (ca === undefined) return warnings;
  const caEnd = ca.validToDate;
  const caKey = input.mode === "generated" ? "the generated CA" : "harbor:caCertificate";
  if (input.mode !== "provided" && daysBetween(now, caEnd) < input.validityDays) {
    warnings.push(
      `${caKey} (${dn(ca.subject)}) expires on ${day(caEnd)}, ${daysBetween(now, caEnd)} days from now, ` +
        `before a server certificate issued now would (harbor:tls.validityDays is ${input.validityDays}): ` +
        "clients reject Harbor from that day on. Replace the CA before then (docs/tls-and-trust.md, " +
        '"Replacing the CA").',
    );
  }
  if (input.mode === "provided" && input.certificate !== undefined) {
    const leaf = soonest(input.certificate);
    if (leaf === undefined) return warnings;
    const leafEnd = leaf.validToDate;
    const left = daysBetween(now, leafEnd);
    if (left < input.renewBeforeDays) {
      warnings.push(
        `harbor:tlsCertificate (${dn(leaf.subject)}) expires on ${day(leafEnd)}, ${left} days from now ` +
          `(harbor:tls.renewBeforeDays is ${input.renewBeforeDays}): issue a new one and set it with ` +
          "`pulumi config set --secret harbor:tlsCertificate`.",
      );
    }
    if (caEnd < leafEnd) {
      warnings.push(
        `harbor:tlsCaCertificate (${dn(ca.subject)}) expires on ${day(caEnd)}, before ` +
          `harbor:tlsCertificate (${day(leafEnd)}): clients reject Harbor from the CA's last day on.`,
      );
    }
  }
  return warnings;
}
