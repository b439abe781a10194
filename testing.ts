/**
 * `@harbor-k8s/pulumi/testing`: unit-test a Pulumi program that builds `Harbor`, under Pulumi's
 * mock runtime, without a cluster or the Pulumi CLI.
 *
 * Plain `pulumi.runtime.setMocks` with mocks that return a resource's inputs as its state works:
 * the program declares everything, the Helm release included. Provider-computed outputs are then
 * absent (`adminPassword`, `caCertificate`, a robot's secret). `HarborMocks` fills them with
 * deterministic stand-ins and records every resource, so a test can assert on the values Harbor's
 * chart gets or on a pull Secret built from a robot's secret:
 *
 *   import * as pulumi from "@pulumi/pulumi";
 *   import { HarborMocks } from "@harbor-k8s/pulumi/testing";
 *
 *   const mocks = new HarborMocks();
 *   pulumi.runtime.setMocks(mocks, "platform", "test");
 *   const program = await import("../index");
 *   const release = mocks.find("kubernetes:helm.sh/v3:Release", "registry-release");
 *
 * This module needs only @pulumi/pulumi and Node.js.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

/** Key of the marker the Pulumi SDK puts on secret values it sends to the engine (and the mocks). */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Whether a value the mocks received is a secret (`{[SECRET_SIG]: ..., value}`). */
export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE
  );
}

/** A value the mocks received with every secret marker removed. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretWrapper(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** Deterministic text of `length` characters from `alphabet`, derived from a seed. */
export function seeded(seed: string, length: number, alphabet: string): string {
  let out = "";
  let counter = 0;
  while (out.length < length) {
    const digest = createHash("sha256").update(`${seed}:${counter++}`).digest();
    for (const byte of digest) {
      if (out.length < length) out += alphabet.charAt(byte % alphabet.length);
    }
  }
  return out;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** The PEM-shaped stand-in returned for keys and certificates (not a parseable key). */
export function fakePem(label: string, seed: string): string {
  const body = Buffer.from(`mock ${label} ${seed}`).toString("base64");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** A password honouring RandomPassword's length and minimum counts (letters and digits only). */
export function mockPassword(name: string, inputs: Record<string, unknown>): string {
  const length = Number(inputs.length ?? 16);
  const chars = seeded(name, length, ALNUM).split("");
  const needed = [
    ...Array<string>(Number(inputs.minUpper ?? 0)).fill("A"),
    ...Array<string>(Number(inputs.minLower ?? 0)).fill("z"),
    ...Array<string>(Number(inputs.minNumeric ?? 0)).fill("7"),
  ];
  needed.forEach((ch, i) => (chars[i] = ch));
  return chars.join("");
}

/** Outputs of other stacks, by stack name, for `StackReference`s the program makes. */
export type StackOutputs = Record<string, Record<string, unknown>>;

/**
 * The state a provider would return for a resource Harbor declares: its inputs plus deterministic
 * stand-ins for what the provider computes (a pure function of type, name and inputs). A
 * RandomPassword's `bcryptHash` is a stand-in in bcrypt's format, not a hash of its `result`.
 */
export function providerState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  stackOutputs: StackOutputs = {},
): Record<string, unknown> {
  switch (type) {
    case "random:index/randomPassword:RandomPassword": {
      const result = mockPassword(name, inputs);
      return {
        ...inputs,
        result,
        bcryptHash: `$2a$04$${seeded(`bcrypt:${name}:${result}`, 53, BCRYPT_ALPHABET)}`,
      };
    }
    case "tls:index/privateKey:PrivateKey":
      return {
        ...inputs,
        privateKeyPem: fakePem("PRIVATE KEY", `${String(inputs.algorithm)} ${name}`),
        publicKeyPem: fakePem("PUBLIC KEY", `${String(inputs.algorithm)} ${name}`),
      };
    case "tls:index/selfSignedCert:SelfSignedCert":
      return { ...inputs, certPem: fakePem("CERTIFICATE", `self-signed ${name}`) };
    case "tls:index/certRequest:CertRequest":
      return { ...inputs, certRequestPem: fakePem("CERTIFICATE REQUEST", name) };
    case "tls:index/locallySignedCert:LocallySignedCert":
      return { ...inputs, certPem: fakePem("CERTIFICATE", `signed ${name}`) };
    case "kubernetes:helm.sh/v3:Release":
      return {
        ...inputs,
        status: {
          name: inputs.name,
          namespace: inputs.namespace,
          chart: inputs.chart,
          version: inputs.version,
          status: "deployed",
          revision: 1,
        },
      };
    case "pulumi-nodejs:dynamic/harbor:Robot":
      // Harbor returns a robot's secret once, on creation.
      return {
        ...inputs,
        robotId: 1,
        secret: seeded(`robot secret ${name}`, 32, ALNUM),
        expiresAt: -1,
      };
    case "pulumi:pulumi:StackReference": {
      const stack = String(inputs.name);
      return { name: stack, outputs: stackOutputs[stack] ?? {}, secretOutputNames: [] };
    }
    default:
      return inputs;
  }
}

/** A resource the mocks saw. */
export interface MockedResource {
  /** Type token, such as `kubernetes:helm.sh/v3:Release` or `harbor:index:Harbor`. */
  type: string;
  name: string;
  /** Whether it is a custom resource (false for components such as `Harbor`). */
  custom: boolean;
  /** Inputs with secret markers removed. */
  inputs: Record<string, unknown>;
  /** Inputs as the engine would receive them: secrets are `{[SECRET_SIG]: ..., value}`. */
  rawInputs: Record<string, unknown>;
  /** The state the mocks returned. */
  state: Record<string, unknown>;
}

/** Options of `HarborMocks`. */
export interface HarborMocksOptions {
  /** Outputs of the stacks the program reads through `StackReference`, by stack name. */
  stackOutputs?: StackOutputs;
  /**
   * Names of the outputs each of those stacks marks secret, by stack name: a `StackReference`
   * hands them over as secrets, as the engine does. None by default.
   */
  stackSecretOutputs?: Record<string, string[]>;
}

/**
 * `pulumi.runtime.Mocks` for programs that build `Harbor`: records every resource and answers with
 * `providerState`. Pass it to `pulumi.runtime.setMocks`.
 */
export class HarborMocks implements pulumi.runtime.Mocks {
  /** Every resource registered so far, in order. */
  public readonly resources: MockedResource[] = [];
  private readonly stackOutputs: StackOutputs;
  private readonly stackSecretOutputs: Record<string, string[]>;

  constructor(options: HarborMocksOptions = {}) {
    this.stackOutputs = options.stackOutputs ?? {};
    this.stackSecretOutputs = options.stackSecretOutputs ?? {};
  }

  newResource(args: pulumi.runtime.MockResourceArgs): {
    id: string;
    state: Record<string, unknown>;
  } {
    const rawInputs = args.inputs as Record<string, unknown>;
    const inputs = unwrapSecrets(rawInputs) as Record<string, unknown>;
    // A dynamic resource's serialized provider code is not one of its settings.
    delete inputs.__provider;
    const state =
      args.type === "pulumi:pulumi:Stack"
        ? {}
        : providerState(args.type, args.name, inputs, this.stackOutputs);
    if (args.type === "pulumi:pulumi:StackReference") {
      state.secretOutputNames = this.stackSecretOutputs[String(inputs.name)] ?? [];
    }
    this.resources.push({
      type: args.type,
      name: args.name,
      custom: args.custom ?? true,
      inputs,
      rawInputs,
      state,
    });
    const meta = (inputs.metadata ?? {}) as { name?: unknown; namespace?: unknown };
    const metaName = typeof meta.name === "string" ? meta.name : undefined;
    const id =
      typeof meta.namespace === "string" && metaName !== undefined
        ? `${meta.namespace}/${metaName}`
        : (metaName ?? `${args.name}-id`);
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    return args.inputs as Record<string, unknown>;
  }

  /** Every resource of a type. */
  ofType(type: string): MockedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of that type and name; throws, listing what was registered, otherwise. */
  find(type: string, name: string): MockedResource {
    const hits = this.resources.filter((r) => r.type === type && r.name === name);
    const [hit] = hits;
    if (hits.length !== 1 || hit === undefined) {
      const known = this.resources.map((r) => `${r.type}::${r.name}`).join("\n  ");
      throw new Error(
        `expected one ${type} named ${name}, found ${hits.length}; registered:\n  ${known}`,
      );
    }
    return hit;
  }
}
