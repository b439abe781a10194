import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF_LABEL } from "../config/facts";

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
  /**
   * The Pod Security level violations of which are reported (`warn` on every apply, `audit` in
   * the API server's log); enforcement is always `baseline`. `restricted` unless a Harbor pod is
   * known to need more: on nfs and rook the database pod's `pgdata-ownership` init container runs
   * as root with CHOWN/FOWNER/DAC_OVERRIDE, which `restricted` reports on every `pulumi up`
   * (`podSecurityReportLevel`).
   */
  podSecurityReport?: PodSecurityReport;
}

/** Levels the namespace can report violations of. */
export type PodSecurityReport = "restricted" | "baseline";

/**
 * Pod Security labels: Harbor runs under `baseline`; violations of `report` (`restricted` by
 * default) are reported as warnings and audit events.
 */
export function podSecurityLabels(
  report: PodSecurityReport = "restricted",
): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": "baseline",
    "pod-security.kubernetes.io/warn": report,
    "pod-security.kubernetes.io/audit": report,
  };
}

/** Pod Security labels of a namespace whose pods all meet `restricted`. */
export const POD_SECURITY_LABELS: Readonly<Record<string, string>> = podSecurityLabels();

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
            ...PART_OF_LABEL,
            "app.kubernetes.io/managed-by": "pulumi",
            ...podSecurityLabels(args.podSecurityReport),
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
