/**
 * components/certificates.ts per TLS mode: the exact inputs of every @pulumi/tls resource, the
 * served `kubernetes.io/tls` Secret (a Pulumi secret), the outputs, and which resources are
 * protected. `disabled` runs the whole program: it must create no certificate at all.
 */
import * as assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import {
  CA_USES,
  Certificates,
  SERVER_USES,
  hoursFromDays,
  issuingChain,
  joinPem,
  privateKeyArgs,
  sha256,
  type CertificatesArgs,
} from "../../components/certificates";
import type { CaProvidedTls, GeneratedTls, ProvidedTls } from "../../config/types";
import { serverSans } from "../../lib/urls";
import {
  evaluateProgram,
  fakePem,
  findIn,
  installMocks,
  isSecret,
  isSecretWrapper,
  registrationOf,
  resolve,
  runProgram,
  type MockRecorder,
  type RecordedRegistration,
} from "../support/harness";
import { Pki, type Issued } from "../support/fixtures/openssl";

const PRIVATE_KEY = "tls:index/privateKey:PrivateKey";
const SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert";
const CERT_REQUEST = "tls:index/certRequest:CertRequest";
const LOCALLY_SIGNED = "tls:index/locallySignedCert:LocallySignedCert";
const SECRET = "kubernetes:core/v1:Secret";
const COMPONENT = "harbor:tls:Certificates";

const COMMON = {
  dnsNames: ["registry.example.com"],
  ipAddresses: [],
  validityDays: 90,
  caValidityDays: 1825,
  renewBeforeDays: 21,
  keyAlgorithm: "ECDSA-P256" as const,
};

const SANS = { dnsNames: ["harbor.example.com", "registry.example.com"], ipAddresses: [] };

function args(tls: CertificatesArgs["tls"], overrides: Partial<CertificatesArgs> = {}) {
  return {
    namespace: "harbor",
    secretName: "harbor-tls",
    tls,
    commonName: "harbor.example.com",
    sans: SANS,
    caCommonName: "Harbor CA (prod/harbor)",
    protect: true,
    ...overrides,
  } satisfies CertificatesArgs;
}

interface Built {
  certs: Certificates;
  recorder: MockRecorder;
  registrations: RecordedRegistration[];
  find: (type: string, name: string) => ReturnType<typeof findIn>;
  types: () => string[];
}

async function build(a: CertificatesArgs): Promise<Built> {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder, { stack: "prod" });
  let certs: Certificates | undefined;
  const result = await evaluateProgram(recorder, () => {
    certs = new Certificates("harbor", a);
    return {};
  });
  if (result.error !== undefined || certs === undefined) throw result.error;
  return {
    certs,
    recorder,
    registrations: result.registrations,
    find: (type, name) => findIn(recorder.resources, type, name),
    types: () => recorder.resources.map((r) => `${r.type}::${r.name}`).sort(),
  };
}

/** Asserts that the Secret's stringData went to the engine as one Pulumi secret. */
function assertSecretData(built: Built): Record<string, unknown> {
  const secret = built.find(SECRET, "harbor-secret");
  assert.ok(isSecretWrapper(secret.rawInputs.stringData), "stringData must be a Pulumi secret");
  const { stringData, ...rest } = secret.inputs;
  assert.deepEqual(rest, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: "harbor-tls",
      namespace: "harbor",
      labels: { "app.kubernetes.io/part-of": "harbor", "app.kubernetes.io/component": "tls" },
    },
    type: "kubernetes.io/tls",
  });
  return stringData as Record<string, unknown>;
}

describe("Certificates", function () {
  describe("helpers", function () {
    it("maps each key algorithm to @pulumi/tls arguments", function () {
      assert.deepEqual(privateKeyArgs("ECDSA-P256"), { algorithm: "ECDSA", ecdsaCurve: "P256" });
      assert.deepEqual(privateKeyArgs("ECDSA-P384"), { algorithm: "ECDSA", ecdsaCurve: "P384" });
      assert.deepEqual(privateKeyArgs("RSA-3072"), { algorithm: "RSA", rsaBits: 3072 });
      assert.deepEqual(privateKeyArgs("RSA-4096"), { algorithm: "RSA", rsaBits: 4096 });
      assert.equal(hoursFromDays(365), 8760);
    });

    it("joins PEM blocks one per line", function () {
      assert.equal(joinPem("a\n\n", "", "  b"), "a\nb\n");
    });
  });

  describe("generated", function () {
    const tls: GeneratedTls = { mode: "generated", ...COMMON };
    let built: Built;
    before(async function () {
      built = await build(args(tls));
    });

    it("creates a CA key, a CA, a server key, a CSR, a signed certificate and the Secret", function () {
      assert.deepEqual(built.types(), [
        `${COMPONENT}::harbor`,
        `${SECRET}::harbor-secret`,
        `${CERT_REQUEST}::harbor-server-csr`,
        `${LOCALLY_SIGNED}::harbor-server`,
        `${PRIVATE_KEY}::harbor-ca-key`,
        `${PRIVATE_KEY}::harbor-server-key`,
        `${SELF_SIGNED}::harbor-ca`,
      ]);
    });

    it("keys use the configured algorithm", function () {
      const expected = { algorithm: "ECDSA", ecdsaCurve: "P256" };
      assert.deepEqual(built.find(PRIVATE_KEY, "harbor-ca-key").inputs, expected);
      assert.deepEqual(built.find(PRIVATE_KEY, "harbor-server-key").inputs, expected);
    });

    it("the CA is a CA certificate with CA usages and caValidityDays", function () {
      const ca = built.find(SELF_SIGNED, "harbor-ca");
      assert.deepEqual(ca.inputs, {
        privateKeyPem: fakePem("PRIVATE KEY", "ECDSA harbor-ca-key"),
        subject: { commonName: "Harbor CA (prod/harbor)", organization: "Harbor" },
        isCaCertificate: true,
        validityPeriodHours: 1825 * 24,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      });
      assert.deepEqual(CA_USES, ["cert_signing", "crl_signing", "digital_signature"]);
    });

    it("the CSR carries the hostname and every SAN", function () {
      assert.deepEqual(built.find(CERT_REQUEST, "harbor-server-csr").inputs, {
        privateKeyPem: fakePem("PRIVATE KEY", "ECDSA harbor-server-key"),
        subject: { commonName: "harbor.example.com", organization: "Harbor" },
        dnsNames: ["harbor.example.com", "registry.example.com"],
        ipAddresses: [],
      });
    });

    it("the server certificate renews renewBeforeDays before expiry, with server usages", function () {
      const server = built.find(LOCALLY_SIGNED, "harbor-server");
      assert.deepEqual(server.inputs, {
        certRequestPem: fakePem("CERTIFICATE REQUEST", "harbor-server-csr"),
        caPrivateKeyPem: fakePem("PRIVATE KEY", "ECDSA harbor-ca-key"),
        caCertPem: fakePem("CERTIFICATE", "self-signed harbor-ca"),
        validityPeriodHours: 90 * 24,
        earlyRenewalHours: 21 * 24,
        allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
      });
      assert.deepEqual(SERVER_USES, ["digital_signature", "key_encipherment", "server_auth"]);
      assert.ok(isSecretWrapper(server.rawInputs.caPrivateKeyPem), "the CA key must stay secret");
    });

    it("the Secret holds tls.crt, tls.key and ca.crt as a Pulumi secret", function () {
      assert.deepEqual(assertSecretData(built), {
        "tls.crt": fakePem("CERTIFICATE", "signed harbor-server"),
        "tls.key": fakePem("PRIVATE KEY", "ECDSA harbor-server-key"),
        "ca.crt": fakePem("CERTIFICATE", "self-signed harbor-ca"),
      });
    });

    it("exposes the CA, the certificate's hash and the Secret's name", async function () {
      const leaf = fakePem("CERTIFICATE", "signed harbor-server");
      assert.equal(
        await resolve(built.certs.caCertificate),
        fakePem("CERTIFICATE", "self-signed harbor-ca"),
      );
      assert.equal(await resolve(built.certs.certificate), leaf);
      assert.equal(await resolve(built.certs.certificateSha256), sha256(leaf));
      assert.equal(await resolve(built.certs.secretName), "harbor-tls");
      assert.equal(await isSecret(built.certs.caCertificate), false);
    });

    it("protects the CA key and the CA, not the renewable server certificate", function () {
      const protect = (type: string, name: string) =>
        registrationOf(built.registrations, type, name).protect;
      assert.equal(protect(PRIVATE_KEY, "harbor-ca-key"), true);
      assert.equal(protect(SELF_SIGNED, "harbor-ca"), true);
      assert.equal(protect(PRIVATE_KEY, "harbor-server-key"), undefined);
      assert.equal(protect(CERT_REQUEST, "harbor-server-csr"), undefined);
      assert.equal(protect(LOCALLY_SIGNED, "harbor-server"), undefined);
      assert.equal(protect(SECRET, "harbor-secret"), undefined);
    });

    it("leaves the CA unprotected when protect is false (dev stacks)", async function () {
      const dev = await build(args(tls, { protect: false }));
      assert.equal(registrationOf(dev.registrations, PRIVATE_KEY, "harbor-ca-key").protect, false);
      assert.equal(registrationOf(dev.registrations, SELF_SIGNED, "harbor-ca").protect, false);
    });

    it("puts an IP hostname in the IP SANs, and RSA keys when asked", async function () {
      const rsa: GeneratedTls = {
        ...tls,
        keyAlgorithm: "RSA-3072",
        dnsNames: ["harbor.lab"],
        ipAddresses: ["10.0.0.5"],
      };
      const sans = serverSans({
        hostname: "192.168.56.10",
        expose: { type: "nodePort", nodePort: { http: 30002, https: 30003 } },
        tls: rsa,
      });
      const lab = await build(args(rsa, { commonName: "192.168.56.10", sans }));
      assert.deepEqual(lab.find(CERT_REQUEST, "harbor-server-csr").inputs, {
        privateKeyPem: fakePem("PRIVATE KEY", "RSA harbor-server-key"),
        subject: { commonName: "192.168.56.10", organization: "Harbor" },
        dnsNames: ["harbor.lab"],
        ipAddresses: ["192.168.56.10", "10.0.0.5"],
      });
      assert.deepEqual(lab.find(PRIVATE_KEY, "harbor-ca-key").inputs, {
        algorithm: "RSA",
        rsaBits: 3072,
      });
    });
  });

  describe("provided", function () {
    const certificate =
      fakePem("CERTIFICATE", "operator server") + fakePem("CERTIFICATE", "operator intermediate");
    const key = fakePem("PRIVATE KEY", "operator");
    const ca = fakePem("CERTIFICATE", "operator root");
    let built: Built;
    before(async function () {
      const tls: ProvidedTls = {
        mode: "provided",
        ...COMMON,
        certificate: pulumi.secret(certificate),
        privateKey: pulumi.secret(key),
        caCertificate: ca,
      };
      built = await build(args(tls));
    });

    it("creates no key and no certificate, only the Secret", function () {
      assert.deepEqual(built.types(), [`${COMPONENT}::harbor`, `${SECRET}::harbor-secret`]);
    });

    it("serves the operator's chain, key and CA as a Pulumi secret", function () {
      assert.deepEqual(assertSecretData(built), {
        "tls.crt": certificate,
        "tls.key": key,
        "ca.crt": ca,
      });
    });

    it("exposes the chain as plain data (a certificate is public) with its hash", async function () {
      assert.equal(await resolve(built.certs.certificate), certificate);
      assert.equal(await isSecret(built.certs.certificate), false);
      assert.equal(await resolve(built.certs.certificateSha256), sha256(certificate));
      assert.equal(await resolve(built.certs.caCertificate), ca);
    });
  });

  describe("ca-provided", function () {
    let pki: Pki;
    let root: Issued;
    let issuing: Issued;
    before(function () {
      pki = new Pki();
      root = pki.root("org-root", "Org Root CA");
      issuing = pki.intermediate(root, "org-issuing", "Org Issuing CA");
    });
    after(function () {
      pki.dispose();
    });

    const tlsOf = (caCertificate: string, caPrivateKey: string): CaProvidedTls => ({
      mode: "ca-provided",
      ...COMMON,
      keyAlgorithm: "ECDSA-P384",
      caCertificate,
      caPrivateKey: pulumi.secret(caPrivateKey),
    });

    it("signs the server certificate with the organisation's root CA", async function () {
      const built = await build(args(tlsOf(root.cert, root.key)));
      assert.deepEqual(built.types(), [
        `${COMPONENT}::harbor`,
        `${SECRET}::harbor-secret`,
        `${CERT_REQUEST}::harbor-server-csr`,
        `${LOCALLY_SIGNED}::harbor-server`,
        `${PRIVATE_KEY}::harbor-server-key`,
      ]);
      assert.deepEqual(built.find(PRIVATE_KEY, "harbor-server-key").inputs, {
        algorithm: "ECDSA",
        ecdsaCurve: "P384",
      });
      const server = built.find(LOCALLY_SIGNED, "harbor-server");
      assert.deepEqual(server.inputs, {
        certRequestPem: fakePem("CERTIFICATE REQUEST", "harbor-server-csr"),
        caPrivateKeyPem: root.key,
        caCertPem: root.cert,
        validityPeriodHours: 90 * 24,
        earlyRenewalHours: 21 * 24,
        allowedUses: SERVER_USES,
      });
      assert.ok(isSecretWrapper(server.rawInputs.caPrivateKeyPem), "the CA key must stay secret");
      const leaf = fakePem("CERTIFICATE", "signed harbor-server");
      assert.deepEqual(assertSecretData(built), {
        "tls.crt": leaf,
        "tls.key": fakePem("PRIVATE KEY", "ECDSA harbor-server-key"),
        "ca.crt": root.cert,
      });
      assert.equal(await resolve(built.certs.caCertificate), root.cert);
      assert.equal(await resolve(built.certs.certificateSha256), sha256(leaf));
    });

    it("serves an intermediate signing CA after the server certificate", async function () {
      const bundle = issuing.cert + root.cert;
      const built = await build(args(tlsOf(bundle, issuing.key)));
      const chain = fakePem("CERTIFICATE", "signed harbor-server") + issuing.cert;
      assert.equal(assertSecretData(built)["tls.crt"], chain);
      assert.equal(assertSecretData(built)["ca.crt"], bundle);
      assert.equal(await resolve(built.certs.certificate), chain);
      assert.equal(await resolve(built.certs.certificateSha256), sha256(chain));
    });

    it("warns in the preview when the CA expires before the server certificate would", async function () {
      const shortCa = pki.root("short-org-root", "Short Org CA", 60);
      const warned: string[] = [];
      const original = pulumi.log.warn;
      (pulumi.log as { warn: typeof pulumi.log.warn }).warn = (message) => {
        warned.push(message);
        return Promise.resolve();
      };
      try {
        const built = await build(args(tlsOf(shortCa.cert, shortCa.key)));
        await resolve(built.certs.certificate);
        const longCa = await build(args(tlsOf(root.cert, root.key)));
        await resolve(longCa.certs.certificate);
      } finally {
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = original;
      }
      const end = new X509Certificate(shortCa.cert).validToDate.toISOString().slice(0, 10);
      assert.deepEqual(warned, [
        `harbor:caCertificate (CN=Short Org CA) expires on ${end}, 59 days from now, before a ` +
          "server certificate issued now would (harbor:tls.validityDays is 90): clients reject " +
          'Harbor from that day on. Replace the CA before then (docs/tls-and-trust.md, "Replacing the CA").',
      ]);
    });

    it("issuingChain keeps only the certificates that are not self-signed", function () {
      assert.equal(issuingChain(root.cert), "");
      assert.equal(issuingChain(issuing.cert + root.cert), issuing.cert);
    });
  });

  describe("disabled (whole program)", function () {
    it("creates no key, no certificate and no TLS Secret", async function () {
      const run = await runProgram({
        config: {
          hostname: "harbor.example.com",
          externalURL: "https://harbor.example.com",
          tls: { mode: "disabled" },
        },
      });
      // Only core's token-signing key and certificate (components/credentials.ts) remain.
      assert.deepEqual(
        run.resources
          .filter((r) => r.type.startsWith("tls:"))
          .map((r) => `${r.type}::${r.name}`)
          .sort(),
        [`${PRIVATE_KEY}::harbor-token-key`, `${SELF_SIGNED}::harbor-token-cert`],
      );
      assert.deepEqual(
        run.ofType(SECRET).filter((s) => s.inputs.type === "kubernetes.io/tls"),
        [],
      );
      assert.equal(run.outputs.caCertificate, "");
      assert.equal(run.outputs.tlsSecretName, "");
    });
  });
});
