import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesStackSettings } from "../config/load";
import type { KubernetesSpec } from "../config/types";

/**
 * Arguments of the explicit Kubernetes provider (pure; tests call it directly). An explicit
 * provider does not read the `kubernetes:` stack settings by itself, so they are passed on here;
 * `harbor:kubernetes` overrides them where both set the same thing.
 */
export function providerArgs(
  spec: KubernetesSpec,
  stackSettings: KubernetesStackSettings = {},
  kubeconfig?: pulumi.Input<string>,
): k8s.ProviderArgs {
  const { kubeconfig: stackKubeconfig, ...settings } = stackSettings;
  const chosenKubeconfig = kubeconfig ?? stackKubeconfig;
  const renderTo = spec.renderToDirectory ?? settings.renderYamlToDirectory;
  return {
    ...settings,
    ...(spec.context ? { context: spec.context } : {}),
    ...(chosenKubeconfig !== undefined ? { kubeconfig: pulumi.secret(chosenKubeconfig) } : {}),
    ...(renderTo ? { renderYamlToDirectory: renderTo } : {}),
  };
}

/**
 * The Kubernetes provider every resource uses: `harbor:kubernetes` (a named context, or a
 * kubeconfig read from another stack, a cluster stack feeding this one), else the kubernetes
 * provider's own stack settings (`kubernetes:context`, `kubernetes:kubeconfig`, ...), else the
 * current kubeconfig context.
 */
export function kubernetesProvider(
  name: string,
  spec: KubernetesSpec,
  stackSettings: KubernetesStackSettings = {},
  opts?: pulumi.CustomResourceOptions,
): k8s.Provider {
  const kubeconfig = spec.kubeconfigFromStack
    ? new pulumi.StackReference(
        `${name}-cluster`,
        { name: spec.kubeconfigFromStack.stack },
        opts && { parent: opts.parent },
      ).requireOutput(spec.kubeconfigFromStack.output)
    : undefined;
  return new k8s.Provider(
    name,
    providerArgs(
      spec,
      stackSettings,
      kubeconfig?.apply((k) => (typeof k === "string" ? k : JSON.stringify(k))),
    ),
    opts,
  );
}
