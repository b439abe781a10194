import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF_LABEL } from "../config/facts";

export interface RouteCertificateGrantArgs {
  /** Harbor's namespace, where the TLS Secret lives. */
  namespace: pulumi.Input<string>;
  /** Name of Harbor's TLS Secret. */
  secretName: string;
  /** Namespaces of the Gateways Harbor's HTTPRoute attaches to (other than Harbor's own). */
  gatewayNamespaces: string[];
}

/** The ReferenceGrant spec (pure; tests call it directly). */
export function referenceGrantSpec(
  args: Pick<RouteCertificateGrantArgs, "secretName" | "gatewayNamespaces">,
) {
  return {
    from: [...new Set(args.gatewayNamespaces)].sort().map((ns) => ({
      group: "gateway.networking.k8s.io",
      kind: "Gateway",
      namespace: ns,
    })),
    to: [{ group: "", kind: "Secret", name: args.secretName }],
  };
}

/**
 * Lets the Gateways in front of Harbor's HTTPRoute use Harbor's certificate: a listener may then
 * reference `certificateRefs: [{kind: Secret, name: <tlsSecretName>, namespace: <harbor>}]`.
 */
export class RouteCertificateGrant extends pulumi.ComponentResource {
  public readonly grant: k8s.apiextensions.CustomResource;

  constructor(
    name: string,
    args: RouteCertificateGrantArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("harbor:route:CertificateGrant", name, {}, opts);
    this.grant = new k8s.apiextensions.CustomResource(
      `${name}-grant`,
      {
        apiVersion: "gateway.networking.k8s.io/v1beta1",
        kind: "ReferenceGrant",
        metadata: {
          name: `${args.secretName}-gateways`,
          namespace: args.namespace,
          labels: { ...PART_OF_LABEL },
        },
        spec: referenceGrantSpec(args),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
