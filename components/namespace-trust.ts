/**
 * Hands Harbor's CA to workloads that call Harbor (CI runners, Argo CD, image scanners): a ConfigMap
 * with `ca.crt` in each listed namespace, to mount or to point `SSL_CERT_FILE` at.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF_LABEL } from "../config/facts";

export interface NamespaceTrustArgs {
  /** Existing namespaces that get the ConfigMap (`harbor:trust.namespaces`). */
  namespaces: string[];
  /** PEM of the CA (`Certificates.caCertificate`). */
  caCertificate: pulumi.Input<string>;
  /** Name of the ConfigMap in every namespace, such as `harbor-ca`. */
  configMapName: string;
}

/** Labels of every CA ConfigMap. */
export const CA_CONFIGMAP_LABELS: Readonly<Record<string, string>> = {
  "app.kubernetes.io/component": "ca",
  ...PART_OF_LABEL,
  "app.kubernetes.io/managed-by": "pulumi",
};

/** Arguments of the CA ConfigMap in one namespace (pure; tests call it directly). */
export function caConfigMapArgs(
  namespace: string,
  configMapName: string,
  caCertificate: pulumi.Input<string>,
): k8s.core.v1.ConfigMapArgs {
  return {
    metadata: { name: configMapName, namespace, labels: { ...CA_CONFIGMAP_LABELS } },
    data: { "ca.crt": caCertificate },
  };
}

/** One ConfigMap with Harbor's CA (`ca.crt`) per namespace listed in `harbor:trust.namespaces`. */
export class NamespaceTrust extends pulumi.ComponentResource {
  /** The ConfigMaps, by namespace. */
  public readonly configMaps: Record<string, k8s.core.v1.ConfigMap>;

  constructor(name: string, args: NamespaceTrustArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor:trust:NamespaceTrust", name, {}, opts);
    this.configMaps = {};
    for (const namespace of args.namespaces) {
      this.configMaps[namespace] = new k8s.core.v1.ConfigMap(
        `${name}-${namespace}`,
        caConfigMapArgs(namespace, args.configMapName, args.caCertificate),
        { parent: this },
      );
    }
    this.registerOutputs({
      namespaces: args.namespaces,
      configMapName: args.configMapName,
    });
  }
}
