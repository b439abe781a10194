import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface HarborNamespaceArgs {
  /** Namespace name. */
  name: string;
  /** Labels added to the program's own (`app.kubernetes.io/part-of`, Pod Security). */
  labels?: Record<string, string>;
  /**
   * Guard the namespace against deletion: `pulumi destroy` stops at it (`protect`) and, once
   * unprotected, leaves it in the cluster (`retainOnDelete`), because deleting a namespace deletes
   * Harbor's claims and with them every image.
   */
  protect: boolean;
}

/** Pod Security labels: Harbor runs under `baseline`; `restricted` violations are reported. */
export const POD_SECURITY_LABELS: Readonly<Record<string, string>> = {
  "pod-security.kubernetes.io/enforce": "baseline",
  "pod-security.kubernetes.io/warn": "restricted",
  "pod-security.kubernetes.io/audit": "restricted",
};

/** The namespace Harbor lives in. */
export class HarborNamespace extends pulumi.ComponentResource {
  /** The namespace's name, known once it exists (use it to order dependants). */
  public readonly name: pulumi.Output<string>;
  public readonly namespace: k8s.core.v1.Namespace;

  constructor(name: string, args: HarborNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:core:Namespace", name, {}, opts);
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: args.name,
          labels: {
            "app.kubernetes.io/part-of": "harbor",
            "app.kubernetes.io/managed-by": "pulumi",
            ...POD_SECURITY_LABELS,
            ...args.labels,
          },
        },
      },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );
    this.name = this.namespace.metadata.name;
    this.registerOutputs({ name: this.name });
  }
}
