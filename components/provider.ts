import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesSpec } from "../config/types";

/** Arguments of the explicit Kubernetes provider (pure; tests call it directly). */
export function providerArgs(
  spec: KubernetesSpec,
  kubeconfig?: pulumi.Input<string>,
): k8s.ProviderArgs {
  return {
    ...(spec.context ? { context: spec.context } : {}),
    ...(kubeconfig !== undefined ? { kubeconfig: pulumi.secret(kubeconfig) } : {}),
    ...(spec.renderToDirectory ? { renderYamlToDirectory: spec.renderToDirectory } : {}),
  };
}

/**
 * The Kubernetes provider every resource uses: the current kubeconfig context, a named context, or
 * a kubeconfig read from another stack (a cluster stack feeding this one).
 */
export function kubernetesProvider(name: string, spec: KubernetesSpec): k8s.Provider {
  const kubeconfig = spec.kubeconfigFromStack
    ? new pulumi.StackReference(`${name}-cluster`, {
        name: spec.kubeconfigFromStack.stack,
      }).requireOutput(spec.kubeconfigFromStack.output)
    : undefined;
  return new k8s.Provider(
    name,
    providerArgs(
      spec,
      kubeconfig?.apply((k) => (typeof k === "string" ? k : JSON.stringify(k))),
    ),
  );
}
