import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import type { HarborCredentials as HarborCredentialValues } from "../lib/values";

export interface HarborCredentialsArgs {
  /** `harbor:adminPassword`; a password is generated when unset. */
  adminPassword?: pulumi.Input<string>;
  /**
   * Refuse to replace the encryption key and the token-signing key (a replacement would make
   * Harbor's encrypted data unreadable and invalidate issued tokens), and the generated database
   * and admin passwords (`PROTECTED_PASSWORDS`).
   */
  protect: boolean;
}

/** User core and jobservice use for the registry; the chart's name, not a secret. */
export const REGISTRY_USERNAME = "harbor_registry_user";

/** Lengths of the generated credentials; all are letters and digits only. */
export const CREDENTIAL_LENGTHS = {
  adminPassword: 24,
  secretKey: 16,
  coreSecret: 32,
  jobserviceSecret: 32,
  registrySecret: 32,
  xsrfKey: 32,
  registryPassword: 32,
  databasePassword: 32,
} as const;

/**
 * Generated passwords that outlive their first use, protected under `protect`. Every argument of a
 * RandomPassword forces a new password (terraform-provider-random internal/provider/
 * resource_password.go `passwordSchemaV3`: each attribute is `RequiresReplace`), and so does
 * `pulumi up --replace`. PostgreSQL keeps the password it was initialised with, and Harbor sets
 * the admin password only on its first start: a new `databasePassword` would lock core out of the
 * internal database, a new `adminPassword` would make the `adminPassword` output and the
 * registry-content API calls wrong. Their arguments are constants of this file
 * (`CREDENTIAL_LENGTHS`, `passwordArgs`), pinned by test/credentials-protect.test.ts.
 */
export const PROTECTED_PASSWORDS = ["adminPassword", "databasePassword"] as const;

/** Arguments of each generated password: letters and digits, Harbor's admin rule for the admin. */
export function passwordArgs(role: keyof typeof CREDENTIAL_LENGTHS): random.RandomPasswordArgs {
  return {
    length: CREDENTIAL_LENGTHS[role],
    special: false,
    // Harbor requires upper case, lower case and digits in the admin password.
    ...(role === "adminPassword" ? { minUpper: 2, minLower: 2, minNumeric: 2 } : {}),
  };
}

/** Token-signing certificate lifetime: the registry trusts tokens signed by this key for ten years. */
export const TOKEN_CERT_VALIDITY_HOURS = 10 * 365 * 24;

/**
 * Every credential Harbor needs, from @pulumi/random and @pulumi/tls, so that the chart never
 * generates one at render time (which would change on every render) and none of its defaults
 * (`Harbor12345`, `not-a-secure-key`, `changeit`, `harbor_registry_password`) is used.
 */
export class HarborCredentials extends pulumi.ComponentResource {
  /** Values for the chart, each a Pulumi secret. */
  public readonly values: HarborCredentialValues;
  /** Initial admin password (secret). */
  public readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, args: HarborCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:core:Credentials", name, {}, opts);
    const password = (role: keyof typeof CREDENTIAL_LENGTHS, protect = false) =>
      new random.RandomPassword(`${name}-${role}`, passwordArgs(role), { parent: this, protect });

    this.adminPassword =
      args.adminPassword !== undefined
        ? pulumi.secret(args.adminPassword)
        : pulumi.secret(password("adminPassword", args.protect).result);
    const secretKey = password("secretKey", args.protect);
    const registryPassword = password("registryPassword");

    const tokenKey = new tls.PrivateKey(
      `${name}-token-key`,
      // Harbor signs registry tokens with RS256, so this key must be RSA.
      { algorithm: "RSA", rsaBits: 4096 },
      { parent: this, protect: args.protect },
    );
    const tokenCert = new tls.SelfSignedCert(
      `${name}-token-cert`,
      {
        privateKeyPem: tokenKey.privateKeyPem,
        subject: { commonName: "harbor-token-ca" },
        isCaCertificate: true,
        validityPeriodHours: TOKEN_CERT_VALIDITY_HOURS,
        allowedUses: ["digital_signature", "key_encipherment", "cert_signing"],
      },
      { parent: this, protect: args.protect },
    );

    this.values = {
      adminPassword: this.adminPassword,
      secretKey: pulumi.secret(secretKey.result),
      coreSecret: pulumi.secret(password("coreSecret").result),
      jobserviceSecret: pulumi.secret(password("jobserviceSecret").result),
      registrySecret: pulumi.secret(password("registrySecret").result),
      xsrfKey: pulumi.secret(password("xsrfKey").result),
      registryUsername: REGISTRY_USERNAME,
      registryPassword: pulumi.secret(registryPassword.result),
      registryHtpasswd: pulumi.secret(
        pulumi.interpolate`${REGISTRY_USERNAME}:${registryPassword.bcryptHash}`,
      ),
      databasePassword: pulumi.secret(password("databasePassword", args.protect).result),
      tokenKey: pulumi.secret(tokenKey.privateKeyPem),
      tokenCert: tokenCert.certPem,
    };
    this.registerOutputs({ adminPassword: this.adminPassword });
  }
}
