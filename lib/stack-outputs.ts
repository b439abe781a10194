/**
 * The outputs of a Harbor stack (this project's `index.ts`), typed for the programs that read them
 * through a `StackReference`:
 *
 *   const harbor = harborStackOutputs(new pulumi.StackReference("acme/harbor/prod"));
 *   const image = pulumi.interpolate`${harbor.registry}/apps/shop:1.0`;
 *
 * `index.ts` exports exactly these names (a test pins both the names and the types).
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackImage } from "./chart";
import type { RobotAccount } from "./registry-content";
import type { trustPaths } from "./urls";

/** A Harbor stack's outputs, as values. */
export interface HarborOutputs {
  /** URL of Harbor's portal and API. */
  url: string;
  /** Host (and port) for `docker login` and image references. */
  registry: string;
  hostname: string;
  namespace: string;
  releaseName: string;
  chartVersion: string;
  /** The StorageClass Harbor's claims use. */
  storageClassName: string;
  /** PEM of the CA clients must trust ("" when TLS is terminated in front of Harbor). */
  caCertificate: string;
  /** Secret serving Harbor's certificate ("" when TLS is off). */
  tlsSecretName: string;
  adminUsername: string;
  /** Initial admin password (secret). */
  adminPassword: string;
  /** Where docker and containerd look for this registry's CA. */
  clientTrustPaths: ReturnType<typeof trustPaths>;
  /** Harbor's chart values with every credential shown as "(secret)". */
  chartValues: Record<string, unknown>;
  /** Every image the stack runs, with where the cluster pulls it. */
  images: StackImage[];
  /** Status of the Helm release; absent in deploy mode `chart`. */
  releaseStatus?: k8s.types.output.helm.v3.ReleaseStatus;
  /** Names of the Harbor projects the stack manages. */
  projects: string[];
  /** Robot accounts by name. */
  robots: Record<string, RobotAccount>;
  /** Each robot's secret by robot name (secret). */
  robotSecrets: Record<string, string>;
  /** A `.dockerconfigjson` per robot for this registry, by robot name (secret). */
  dockerConfigJson: Record<string, string>;
}

/** Every output name, in the order `index.ts` exports them. */
export const HARBOR_OUTPUT_NAMES = [
  "url",
  "registry",
  "hostname",
  "namespace",
  "releaseName",
  "chartVersion",
  "storageClassName",
  "caCertificate",
  "tlsSecretName",
  "adminUsername",
  "adminPassword",
  "clientTrustPaths",
  "chartValues",
  "images",
  "releaseStatus",
  "projects",
  "robots",
  "robotSecrets",
  "dockerConfigJson",
] as const satisfies readonly (keyof HarborOutputs)[];

/** The outputs that are Pulumi secrets. */
export const HARBOR_SECRET_OUTPUTS = [
  "adminPassword",
  "robotSecrets",
  "dockerConfigJson",
] as const satisfies readonly (keyof HarborOutputs)[];

/** A Harbor stack's outputs as typed Outputs of a `StackReference`. */
export type HarborStackOutputs = {
  readonly [K in keyof HarborOutputs]-?: pulumi.Output<HarborOutputs[K]>;
};

/**
 * Outputs a stack of an earlier version of the program may lack, and what they mean then: no
 * registry content was managed there.
 */
const LATER_OUTPUTS = {
  projects: [],
  robots: {},
  robotSecrets: {},
  dockerConfigJson: {},
} as const;

/**
 * The Harbor stack's outputs through `ref`, typed. Each property is read from `ref` when first
 * used. An output every Harbor stack has is required (reading a stack that is not a Harbor stack
 * fails naming the missing output); `releaseStatus` may be absent, and the registry-content
 * outputs read as empty on a stack from before them. `adminPassword`, `robotSecrets` and
 * `dockerConfigJson` are Pulumi secrets whatever the referenced stack's marking.
 */
export function harborStackOutputs(ref: pulumi.StackReference): HarborStackOutputs {
  const read = (name: keyof HarborOutputs): pulumi.Output<unknown> => {
    let value: pulumi.Output<unknown>;
    if (name === "releaseStatus") {
      value = ref.getOutput(name);
    } else if (name in LATER_OUTPUTS) {
      const empty = LATER_OUTPUTS[name as keyof typeof LATER_OUTPUTS];
      value = ref.getOutput(name).apply((v: unknown) => v ?? empty);
    } else {
      value = ref.requireOutput(name);
    }
    return (HARBOR_SECRET_OUTPUTS as readonly string[]).includes(name)
      ? pulumi.secret(value)
      : value;
  };
  const outputs = {};
  for (const name of HARBOR_OUTPUT_NAMES) {
    let cached: pulumi.Output<unknown> | undefined;
    Object.defineProperty(outputs, name, {
      enumerable: true,
      get: () => (cached ??= read(name)),
    });
  }
  return outputs as HarborStackOutputs;
}
