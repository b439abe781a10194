import { strict as assert } from "node:assert";
import bcrypt from "bcryptjs";
import {
  CREDENTIAL_LENGTHS,
  HarborCredentials,
  REGISTRY_USERNAME,
  TOKEN_CERT_VALIDITY_HOURS,
} from "../../components/credentials";
import { installMocks, isSecret, resolve, settle, type MockRecorder } from "../support/harness";
import * as pulumi from "@pulumi/pulumi";

async function declare(adminPassword?: string, protect = false) {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder);
  const creds = new HarborCredentials("harbor", {
    adminPassword: adminPassword === undefined ? undefined : pulumi.secret(adminPassword),
    protect,
  });
  const values = await resolve(creds.values);
  await settle(recorder);
  return { creds, values, resources: recorder.resources };
}

describe("HarborCredentials", () => {
  it("generates every credential from RandomPassword with the documented lengths, letters and digits only", async () => {
    const { resources } = await declare();
    const passwords = resources.filter(
      (r) => r.type === "random:index/randomPassword:RandomPassword",
    );
    assert.deepEqual(
      passwords.map((p) => [p.name, p.inputs]).sort(),
      [
        [
          "harbor-adminPassword",
          { length: 24, special: false, minUpper: 2, minLower: 2, minNumeric: 2 },
        ],
        ["harbor-coreSecret", { length: 32, special: false }],
        ["harbor-databasePassword", { length: 32, special: false }],
        ["harbor-jobserviceSecret", { length: 32, special: false }],
        ["harbor-registryPassword", { length: 32, special: false }],
        ["harbor-registrySecret", { length: 32, special: false }],
        ["harbor-secretKey", { length: 16, special: false }],
        ["harbor-xsrfKey", { length: 32, special: false }],
      ].sort(),
    );
    assert.equal(
      CREDENTIAL_LENGTHS.secretKey,
      16,
      "Harbor's secretKey must be exactly 16 characters",
    );
    assert.equal(CREDENTIAL_LENGTHS.xsrfKey, 32, "core's CSRF key must be 32 characters");
  });

  it("every value is a Pulumi secret except the public token certificate and user name", async () => {
    const { creds } = await declare();
    for (const [key, value] of Object.entries(creds.values)) {
      if (key === "registryUsername") continue;
      assert.equal(await isSecret(value as pulumi.Input<string>), key !== "tokenCert", key);
    }
  });

  it("the htpasswd line is the bcrypt of the same password core and jobservice use", async () => {
    const { values } = await declare();
    const [user, hash] = String(values.registryHtpasswd).split(/:(.*)/s);
    assert.equal(user, REGISTRY_USERNAME);
    assert.match(hash, /^\$2[aby]\$\d\d\$/);
    assert.ok(bcrypt.compareSync(String(values.registryPassword), hash));
    assert.equal(values.secretKey.length, 16);
    assert.equal(values.xsrfKey.length, 32);
  });

  it("core's token key is RSA 4096 with a ten-year certificate", async () => {
    const { resources } = await declare();
    const key = resources.find((r) => r.name === "harbor-token-key")!;
    assert.deepEqual(key.inputs, { algorithm: "RSA", rsaBits: 4096 });
  });

  it("a configured admin password replaces the generated one", async () => {
    const { creds, resources } = await declare("Configured-Pass-1");
    assert.equal(await resolve(creds.adminPassword), "Configured-Pass-1");
    assert.equal(await isSecret(creds.adminPassword), true);
    assert.equal(resources.filter((r) => r.name === "harbor-adminPassword").length, 0);
  });

  it("token certificate inputs", async () => {
    const { resources } = await declare();
    const cert = resources.find((r) => r.name === "harbor-token-cert")!;
    assert.deepEqual(cert.inputs, {
      privateKeyPem: resources.find((r) => r.name === "harbor-token-key")!.state.privateKeyPem,
      subject: { commonName: "harbor-token-ca" },
      isCaCertificate: true,
      validityPeriodHours: TOKEN_CERT_VALIDITY_HOURS,
      allowedUses: ["digital_signature", "key_encipherment", "cert_signing"],
    });
    assert.equal(TOKEN_CERT_VALIDITY_HOURS, 87600);
  });
});
