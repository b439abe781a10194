/**
 * config/pem.ts against real certificates made with the openssl CLI, and the same checks through
 * loadConfig, where each problem names its `harbor:` key and never echoes a secret.
 */
import * as assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { ConfigError } from "../../config/errors";
import { loadConfig } from "../../config/load";
import {
  checkCaProvided,
  checkProvidedTls,
  lifetimeWarnings,
  parseCertificates,
} from "../../config/pem";
import { installMocks, isSecret, resolve } from "../support/harness";
import { Pki, daysFromNow, type Issued } from "../support/fixtures/openssl";

const HOST = "harbor.example.com";
const day = (d: Date) => d.toISOString().slice(0, 10);
const validTo = (pem: string) => day(new X509Certificate(pem).validToDate);
const validFrom = (pem: string) => day(new X509Certificate(pem).validFromDate);

describe("config/pem.ts with openssl-made certificates", function () {
  let pki: Pki;
  let root: Issued;
  let otherRoot: Issued;
  let intermediate: Issued;
  let server: Issued;
  let viaIntermediate: Issued;
  let wildcard: Issued;

  before(function () {
    pki = new Pki();
    root = pki.root("root", "Test Root CA");
    otherRoot = pki.root("other-root", "Other Root CA");
    intermediate = pki.intermediate(root, "intermediate", "Test Issuing CA");
    server = pki.leaf(root, "server", { cn: HOST, sans: [`DNS:${HOST}`, "IP:10.0.0.1"] });
    viaIntermediate = pki.leaf(intermediate, "via-intermediate", {
      cn: HOST,
      sans: [`DNS:${HOST}`],
    });
    wildcard = pki.leaf(root, "wildcard", { cn: "*.example.com", sans: ["DNS:*.example.com"] });
  });

  after(function () {
    pki.dispose();
  });

  describe("checkProvidedTls", function () {
    const check = (
      certificate: string,
      privateKey: string,
      caCertificate: string,
      hostname = HOST,
      now?: Date,
    ) => checkProvidedTls({ hostname, certificate, privateKey, caCertificate, now });

    it("accepts a server certificate signed by the CA, by DNS name and by IP", function () {
      assert.deepEqual(check(server.cert, server.key, root.cert), []);
      assert.deepEqual(check(server.cert, server.key, root.cert, "10.0.0.1"), []);
    });

    it("accepts an IPv6 address in the IP subject alternative names", function () {
      const v6 = pki.leaf(root, "v6", { cn: "fd00::10", sans: ["IP:fd00::10"] });
      assert.deepEqual(check(v6.cert, v6.key, root.cert, "fd00::10"), []);
    });

    it("accepts a wildcard certificate for a name one label below it", function () {
      assert.deepEqual(check(wildcard.cert, wildcard.key, root.cert, "harbor.example.com"), []);
    });

    it("rejects a wildcard certificate for a name two labels below it", function () {
      assert.deepEqual(check(wildcard.cert, wildcard.key, root.cert, "a.harbor.example.com"), [
        {
          key: "tlsCertificate",
          message:
            "does not cover harbor:hostname a.harbor.example.com (it covers DNS:*.example.com); issue one with DNS:a.harbor.example.com in its subject alternative names",
        },
      ]);
    });

    it("accepts a chain with an intermediate, with or without the root appended", function () {
      const chain = viaIntermediate.cert + intermediate.cert;
      assert.deepEqual(check(chain, viaIntermediate.key, root.cert), []);
      assert.deepEqual(check(chain + root.cert, viaIntermediate.key, root.cert), []);
    });

    it("accepts a CA bundle holding the intermediate and the root", function () {
      assert.deepEqual(
        check(viaIntermediate.cert, viaIntermediate.key, intermediate.cert + root.cert),
        [],
      );
      assert.deepEqual(
        check(viaIntermediate.cert, viaIntermediate.key, root.cert + intermediate.cert),
        [],
      );
    });

    it("rejects a server certificate whose intermediate is missing", function () {
      assert.deepEqual(check(viaIntermediate.cert, viaIntermediate.key, root.cert), [
        {
          key: "tlsCertificate",
          message:
            "is not signed by harbor:tlsCaCertificate (certificate issuer: CN=Test Issuing CA; CA subject: CN=Test Root CA); append any intermediate certificates after the server certificate",
        },
      ]);
    });

    it("rejects a certificate signed by another CA", function () {
      assert.deepEqual(check(server.cert, server.key, otherRoot.cert), [
        {
          key: "tlsCertificate",
          message:
            "is not signed by harbor:tlsCaCertificate (certificate issuer: CN=Test Root CA; CA subject: CN=Other Root CA); append any intermediate certificates after the server certificate",
        },
      ]);
    });

    it("rejects garbage instead of PEM, for each of the three keys", function () {
      assert.deepEqual(check("hello", "world", "again"), [
        {
          key: "tlsCertificate",
          message: "is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)",
        },
        {
          key: "tlsCaCertificate",
          message: "is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)",
        },
        {
          key: "tlsPrivateKey",
          message:
            "is not a PEM private key (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA/EC PRIVATE KEY-----)",
        },
      ]);
    });

    it("rejects a certificate block whose body is not a certificate", function () {
      const broken =
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
      assert.deepEqual(check(broken, server.key, root.cert), [
        {
          key: "tlsCertificate",
          message: "is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)",
        },
      ]);
      assert.throws(() => parseCertificates(broken));
    });

    it("rejects a key encrypted with a passphrase", function () {
      const encrypted = pki.encryptedKey(server.keyFile);
      assert.match(encrypted, /-----BEGIN ENCRYPTED PRIVATE KEY-----/);
      assert.deepEqual(check(server.cert, encrypted, root.cert), [
        {
          key: "tlsPrivateKey",
          message:
            "is encrypted with a passphrase; Harbor needs an unencrypted key (`openssl pkey -in key.pem -out key.nopass.pem`)",
        },
      ]);
    });

    it("rejects a key that belongs to another certificate, of the same or another algorithm", function () {
      const mismatch = {
        key: "tlsPrivateKey",
        message: "does not match harbor:tlsCertificate (the key belongs to another certificate)",
      };
      assert.deepEqual(check(server.cert, wildcard.key, root.cert), [mismatch]);
      const rsa = pki.leaf(root, "rsa-server", { cn: HOST, sans: [`DNS:${HOST}`] }, "rsa");
      assert.deepEqual(check(server.cert, rsa.key, root.cert), [mismatch]);
      assert.deepEqual(check(rsa.cert, rsa.key, root.cert), []);
    });

    it("rejects a certificate that does not cover a DNS hostname", function () {
      assert.deepEqual(check(server.cert, server.key, root.cert, "registry.example.org"), [
        {
          key: "tlsCertificate",
          message:
            "does not cover harbor:hostname registry.example.org (it covers DNS:harbor.example.com, IP Address:10.0.0.1); issue one with DNS:registry.example.org in its subject alternative names",
        },
      ]);
    });

    it("rejects a certificate that does not cover an IP hostname", function () {
      assert.deepEqual(check(server.cert, server.key, root.cert, "10.0.0.2"), [
        {
          key: "tlsCertificate",
          message:
            "does not cover harbor:hostname 10.0.0.2 (it covers DNS:harbor.example.com, IP Address:10.0.0.1); issue one with IP:10.0.0.2 in its subject alternative names",
        },
      ]);
    });

    it("rejects a certificate that names the host only in its common name (Go clients ignore it)", function () {
      const cnOnly = pki.leaf(root, "cn-only", { cn: HOST });
      assert.deepEqual(check(cnOnly.cert, cnOnly.key, root.cert), [
        {
          key: "tlsCertificate",
          message:
            "does not cover harbor:hostname harbor.example.com (it has no subject alternative names, and clients ignore its subject CN=harbor.example.com); issue one with DNS:harbor.example.com in its subject alternative names",
        },
      ]);
    });

    it("rejects a certificate whose extended key usage lacks serverAuth", function () {
      const client = pki.leaf(root, "client", {
        cn: HOST,
        sans: [`DNS:${HOST}`],
        extendedKeyUsage: "clientAuth",
      });
      assert.deepEqual(check(client.cert, client.key, root.cert), [
        {
          key: "tlsCertificate",
          message:
            "is not for server authentication (its extended key usage lacks serverAuth); issue one with extendedKeyUsage = serverAuth",
        },
      ]);
    });

    it("rejects an expired certificate", function () {
      const shortLived = pki.leaf(root, "short", { cn: HOST, sans: [`DNS:${HOST}`], days: 1 });
      assert.deepEqual(check(shortLived.cert, shortLived.key, root.cert, HOST, daysFromNow(3)), [
        { key: "tlsCertificate", message: `expired on ${validTo(shortLived.cert)}; renew it` },
      ]);
      assert.deepEqual(check(shortLived.cert, shortLived.key, root.cert), []);
    });

    it("rejects a certificate that is not valid yet", function () {
      assert.deepEqual(check(server.cert, server.key, root.cert, HOST, daysFromNow(-2)), [
        {
          key: "tlsCertificate",
          message: `is not valid before ${validFrom(server.cert)}; check the clock of this machine`,
        },
        { key: "tlsCaCertificate", message: `is not valid before ${validFrom(root.cert)}` },
      ]);
    });

    it("rejects an expired intermediate and an expired CA", function () {
      const shortRoot = pki.root("short-root", "Short Root CA", 1);
      const shortIntermediate = pki.intermediate(shortRoot, "short-intermediate", "Short CA", 1);
      const leaf = pki.leaf(shortIntermediate, "short-leaf", { cn: HOST, sans: [`DNS:${HOST}`] });
      assert.deepEqual(
        check(leaf.cert + shortIntermediate.cert, leaf.key, shortRoot.cert, HOST, daysFromNow(3)),
        [
          {
            key: "tlsCertificate",
            message: `has an intermediate certificate (#2, CN=Short CA) that expired on ${validTo(shortIntermediate.cert)}`,
          },
          { key: "tlsCaCertificate", message: `expired on ${validTo(shortRoot.cert)}` },
        ],
      );
    });

    it("rejects a CA certificate that is not a CA", function () {
      const notCa = pki.selfSignedLeaf("not-ca", "Not A CA");
      const leaf = pki.leaf(notCa, "under-not-ca", { cn: HOST, sans: [`DNS:${HOST}`] });
      assert.deepEqual(check(leaf.cert, leaf.key, notCa.cert), [
        {
          // OpenSSL does not accept a non-CA (no keyCertSign) as the issuer of a chain either.
          key: "tlsCertificate",
          message:
            "is not signed by harbor:tlsCaCertificate (certificate issuer: CN=Not A CA; CA subject: CN=Not A CA); append any intermediate certificates after the server certificate",
        },
        {
          key: "tlsCaCertificate",
          message: "is not a CA certificate (basicConstraints CA:TRUE is missing)",
        },
      ]);
    });

    it("reports every problem at once", function () {
      assert.deepEqual(
        check(viaIntermediate.cert, server.key, otherRoot.cert, "10.9.9.9").map((p) => p.key),
        ["tlsPrivateKey", "tlsCertificate", "tlsCertificate"],
      );
    });
  });

  describe("checkCaProvided", function () {
    const check = (caCertificate: string, caPrivateKey: string, now?: Date) =>
      checkCaProvided({ caCertificate, caPrivateKey, now });

    it("accepts a root CA or an intermediate CA with its key", function () {
      assert.deepEqual(check(root.cert, root.key), []);
      assert.deepEqual(check(intermediate.cert, intermediate.key), []);
      assert.deepEqual(check(intermediate.cert + root.cert, intermediate.key), []);
    });

    it("rejects a certificate that is not a CA", function () {
      assert.deepEqual(check(server.cert, server.key), [
        {
          key: "caCertificate",
          message: "is not a CA certificate (basicConstraints CA:TRUE is missing)",
        },
      ]);
    });

    it("rejects a key that belongs to another CA", function () {
      assert.deepEqual(check(root.cert, otherRoot.key), [
        {
          key: "caPrivateKey",
          message: "does not match harbor:caCertificate (the key belongs to another certificate)",
        },
      ]);
    });

    it("rejects an encrypted CA key, garbage and an expired CA", function () {
      assert.deepEqual(check(root.cert, pki.encryptedKey(root.keyFile)), [
        {
          key: "caPrivateKey",
          message:
            "is encrypted with a passphrase; Harbor needs an unencrypted key (`openssl pkey -in key.pem -out key.nopass.pem`)",
        },
      ]);
      assert.deepEqual(
        check("not a certificate", "not a key").map((p) => p.key),
        ["caCertificate", "caPrivateKey"],
      );
      assert.deepEqual(check(root.cert, root.key, daysFromNow(3651)), [
        { key: "caCertificate", message: `expired on ${validTo(root.cert)}` },
      ]);
    });
  });

  describe("lifetimeWarnings", function () {
    const at = (days: number) => daysFromNow(days);
    /** A provided root-signed chain, 365-day validity, 30-day window, unless overridden. */
    const warnings = (overrides: Partial<Parameters<typeof lifetimeWarnings>[0]>) =>
      lifetimeWarnings({
        mode: "provided",
        caCertificate: root.cert,
        certificate: server.cert,
        validityDays: 365,
        renewBeforeDays: 30,
        ...overrides,
      });

    it("says nothing while the CA outlives a new server certificate", function () {
      assert.deepEqual(warnings({ mode: "generated", certificate: undefined }), []);
      assert.deepEqual(warnings({ mode: "ca-provided", certificate: undefined }), []);
      assert.deepEqual(warnings({}), []);
    });

    it("warns when the CA ends before a server certificate issued now would", function () {
      // root lives 3650 days: 3300 days on, a 365-day certificate would outlive it.
      assert.deepEqual(warnings({ mode: "generated", certificate: undefined, now: at(3300) }), [
        `the generated CA (CN=Test Root CA) expires on ${validTo(root.cert)}, 349 days from now, ` +
          "before a server certificate issued now would (harbor:tls.validityDays is 365): clients " +
          'reject Harbor from that day on. Replace the CA before then (docs/tls-and-trust.md, "Replacing the CA").',
      ]);
    });

    it("ca-provided: the bundle's first expiry counts (an intermediate before its root)", function () {
      const [warning] = warnings({
        mode: "ca-provided",
        caCertificate: intermediate.cert + root.cert,
        certificate: undefined,
        validityDays: 397,
        now: at(1500),
      });
      assert.match(
        warning,
        new RegExp(
          `^harbor:caCertificate \\(CN=Test Issuing CA\\) expires on ${validTo(intermediate.cert)}, 324 days from now`,
        ),
      );
    });

    it("provided: warns inside the renewal window, which the program cannot act on", function () {
      assert.deepEqual(warnings({ now: at(75) }), [
        `harbor:tlsCertificate (CN=${HOST}) expires on ${validTo(server.cert)}, 14 days from now ` +
          "(harbor:tls.renewBeforeDays is 30): issue a new one and set it with " +
          "`pulumi config set --secret harbor:tlsCertificate`.",
      ]);
    });

    it("provided: warns when the CA expires before the served certificate", function () {
      const shortRoot = pki.root("short-lived-root", "Short Root CA", 30);
      const longLeaf = pki.leaf(shortRoot, "outlives-its-ca", {
        cn: HOST,
        sans: [`DNS:${HOST}`],
        days: 90,
      });
      assert.deepEqual(warnings({ caCertificate: shortRoot.cert, certificate: longLeaf.cert }), [
        `harbor:tlsCaCertificate (CN=Short Root CA) expires on ${validTo(shortRoot.cert)}, before ` +
          `harbor:tlsCertificate (${validTo(longLeaf.cert)}): clients reject Harbor from the CA's last day on.`,
      ]);
    });

    it("says nothing about what is not a certificate (the loader refuses those)", function () {
      const notACertificate = "-----BEGIN CERTIFICATE-----\nbW9jaw==\n-----END CERTIFICATE-----\n";
      assert.deepEqual(warnings({ mode: "generated", caCertificate: notACertificate }), []);
      assert.deepEqual(warnings({ certificate: notACertificate }), []);
    });
  });

  describe("through loadConfig", function () {
    before(async function () {
      await installMocks({ resources: [] });
    });

    /** loadConfig with the given `harbor:` keys, every one of them marked secret. */
    const load = (values: Record<string, string>) =>
      loadConfig({ stack: "dev", values, isSecret: () => true });

    const problems = (values: Record<string, string>): string[] => {
      try {
        load(values);
      } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        return err.problems;
      }
      assert.fail("the configuration was accepted");
    };

    /** Every base64 line of the PEM texts: none may appear in a message. */
    const bodies = (...pems: string[]) =>
      pems.flatMap((p) => p.split("\n")).filter((l) => l.length > 20 && !l.startsWith("-----"));

    const provided = (certificate: string, privateKey: string, ca: string, hostname = HOST) => ({
      hostname,
      tls: JSON.stringify({ mode: "provided" }),
      tlsCertificate: certificate,
      tlsPrivateKey: privateKey,
      tlsCaCertificate: ca,
    });

    it("names the key whose value is wrong, without echoing any secret", function () {
      const values = provided(server.cert, wildcard.key, root.cert);
      const found = problems(values);
      assert.deepEqual(found, [
        "harbor:tlsPrivateKey does not match harbor:tlsCertificate (the key belongs to another certificate)",
      ]);
      for (const line of bodies(server.cert, wildcard.key, root.cert)) {
        assert.ok(!found.join("\n").includes(line), "a PEM line leaked into the message");
      }
    });

    it("reports a certificate that does not cover harbor:hostname", function () {
      assert.deepEqual(
        problems(provided(server.cert, server.key, root.cert, "other.example.com")),
        [
          "harbor:tlsCertificate does not cover harbor:hostname other.example.com (it covers DNS:harbor.example.com, IP Address:10.0.0.1); issue one with DNS:other.example.com in its subject alternative names",
        ],
      );
    });

    it("reports an encrypted key and a wrong CA together", function () {
      const values = provided(server.cert, pki.encryptedKey(server.keyFile), otherRoot.cert);
      assert.deepEqual(problems(values), [
        "harbor:tlsPrivateKey is encrypted with a passphrase; Harbor needs an unencrypted key (`openssl pkey -in key.pem -out key.nopass.pem`)",
        "harbor:tlsCertificate is not signed by harbor:tlsCaCertificate (certificate issuer: CN=Test Root CA; CA subject: CN=Other Root CA); append any intermediate certificates after the server certificate",
      ]);
    });

    it("reports a mismatched CA key and a non-CA certificate in ca-provided mode", function () {
      const caProvided = (caCertificate: string, caPrivateKey: string) => ({
        hostname: HOST,
        tls: JSON.stringify({ mode: "ca-provided" }),
        caCertificate,
        caPrivateKey,
      });
      assert.deepEqual(problems(caProvided(root.cert, otherRoot.key)), [
        "harbor:caPrivateKey does not match harbor:caCertificate (the key belongs to another certificate)",
      ]);
      assert.deepEqual(problems(caProvided(server.cert, server.key)), [
        "harbor:caCertificate is not a CA certificate (basicConstraints CA:TRUE is missing)",
      ]);
    });

    it("loads a valid chain with the certificate and key as Pulumi secrets", async function () {
      const config = load(
        provided(viaIntermediate.cert + intermediate.cert, viaIntermediate.key, root.cert),
      );
      assert.equal(config.tls.mode, "provided");
      if (config.tls.mode !== "provided") return;
      assert.equal(await resolve(config.tls.certificate), viaIntermediate.cert + intermediate.cert);
      assert.equal(await isSecret(config.tls.certificate), true);
      assert.equal(await resolve(config.tls.privateKey), viaIntermediate.key);
      assert.equal(await isSecret(config.tls.privateKey), true);
      assert.equal(config.tls.caCertificate, root.cert);
    });
  });
});
