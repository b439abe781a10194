import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesStackSettings } from "../config/kubernetes";
import type { KubernetesSpec } from "../config/types";

/** The provider's `clusterIdentifier` unless the stack sets `kubernetes:clusterIdentifier`. */
export const DEFAULT_CLUSTER_IDENTIFIER = "harbor";

/**
 * The provider's `clusterIdentifier` when the stack does not set `kubernetes:clusterIdentifier`:
 * a constant, so that nothing about the kubeconfig replaces the stack's resources.
 *
 * pulumi-kubernetes provider/pkg/provider/provider.go `DiffConfig` replaces the provider, and with
 * it every resource it manages, when the kubeconfig's active cluster changes (server, CA, ...;
 * util.go `getActiveClusterFromConfig`), unless `clusterIdentifier` is set and unchanged: then it
 * never replaces, and only a changed identifier does. A rotated cluster CA, a new API server
 * address or a renamed context is therefore an update. A replacement would delete Harbor's
 * namespace, claims and data in one cluster to create them empty in another: moving Harbor to
 * another cluster is a new stack and a restore (docs/backups.md), or, deliberately, a new
 * `kubernetes:clusterIdentifier`. Undefined in render mode, where a new `renderYamlToDirectory`
 * must replace (re-render) every manifest.
 */
export function defaultClusterIdentifier(
  spec: KubernetesSpec,
  settings: KubernetesStackSettings = {},
): string | undefined {
  if (spec.renderToDirectory ?? settings.renderYamlToDirectory) return undefined;
  return DEFAULT_CLUSTER_IDENTIFIER;
}

/**
 * Arguments of the explicit Kubernetes provider (pure; tests call it directly). An explicit
 * provider does not read the `kubernetes:` stack settings by itself, so they are passed on here;
 * `harbor:kubernetes` overrides them where both set the same thing.
 *
 * Unless the stack says otherwise, Secrets and ConfigMaps are patched in place
 * (`enableSecretMutable`, `enableConfigMapMutable`: without them pulumi-kubernetes
 * provider/pkg/provider/diff.go `forceNewProperties` makes any change of their `data`,
 * `stringData` or `type` a replacement, so the TLS Secret would vanish for a moment at every
 * renewal), and the provider carries a `clusterIdentifier` (`defaultClusterIdentifier`).
 */
export function providerArgs(
  spec: KubernetesSpec,
  stackSettings: KubernetesStackSettings = {},
  kubeconfig?: pulumi.Input<string>,
): k8s.ProviderArgs {
  const { kubeconfig: stackKubeconfig, ...settings } = stackSettings;
  const chosenKubeconfig = kubeconfig ?? stackKubeconfig;
  const renderTo = spec.renderToDirectory ?? settings.renderYamlToDirectory;
  const clusterIdentifier = settings.clusterIdentifier ?? defaultClusterIdentifier(spec, settings);
  return {
    enableSecretMutable: true,
    enableConfigMapMutable: true,
    ...settings,
    ...(clusterIdentifier !== undefined ? { clusterIdentifier } : {}),
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
