/**
 * The cluster: `harbor:kubernetes` (a kubeconfig context, a cluster stack's kubeconfig, or a
 * directory to render to) and the kubernetes provider's own stack settings (`kubernetes:*`),
 * which the program's explicit provider passes on.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { REGISTRY_CONTENT_OBJECT_KEYS } from "./registry-content";
import { kubeContextName, localPath, quoted, strictObject, token } from "./primitives";
import type { Checks, RawConfig } from "./schema";

const kubernetesSchema = strictObject({
  context: kubeContextName()
    .optional()
    .meta({ docDefault: "current context", description: "kubeconfig context to deploy to." }),
  kubeconfigFromStack: strictObject({
    stack: z
      .string({ error: "must be a stack name such as acme/cluster/prod" })
      .regex(/^[\w.-]+(\/[\w.-]+){0,2}$/, {
        error: "must be a stack name such as acme/cluster/prod",
      })
      .describe("The cluster stack, such as `acme/cluster/prod`."),
    output: token("an output name", /^[A-Za-z0-9_.-]{1,255}$/, "letters, digits and _ . -")
      .default("kubeconfig")
      .describe("Its output holding the kubeconfig."),
  })
    .optional()
    .describe(
      '`{stack: "org/cluster/prod", output: kubeconfig}`: take the kubeconfig from a cluster stack\'s output.',
    ),
  renderToDirectory: localPath("a directory path")
    .optional()
    .describe(
      "Write manifests to this directory instead of applying them (GitOps review, `deployMode: chart` only).",
    ),
})
  .superRefine((k, ctx) => {
    if (k.context && k.kubeconfigFromStack) {
      ctx.addIssue({
        code: "custom",
        message: `cannot be combined with harbor:kubernetes.context (${quoted(k.context)}); choose one way to reach the cluster`,
        path: ["kubeconfigFromStack"],
        input: k.kubeconfigFromStack.stack,
      });
    }
  })
  .prefault({});

/** The keys, in the order the schema lists them. */
export const kubernetesKeys = {
  kubernetes: kubernetesSchema.meta({
    docDefault: "current context",
    description: "The cluster to deploy to, or a directory to render to.",
    argsDefault: "the Kubernetes provider of the resource options, else the default provider",
    argsNotes:
      "Given, `Harbor` builds its own Kubernetes provider from it (`<name>-kubernetes`, a child of the component) for everything it declares. Do not also pass a Kubernetes provider in the resource options (`provider`, `providers`, or one inherited from a parent): the component refuses the combination rather than guess which cluster is meant.",
  }),
};

/** Rendering to files: chart mode only, and no registry content (it needs a running Harbor). */
export function checkKubernetes(c: RawConfig, { issue }: Checks): void {
  if (c.kubernetes.renderToDirectory !== undefined && c.deployMode !== "chart") {
    issue(
      ["kubernetes", "renderToDirectory"],
      "requires harbor:deployMode chart (a helm.v3.Release cannot be rendered to files)",
      c.kubernetes.renderToDirectory,
    );
  }
  if (c.kubernetes.renderToDirectory !== undefined) {
    const content = REGISTRY_CONTENT_OBJECT_KEYS.filter(
      (k) => k !== "api" && Object.keys(c[k] ?? {}).length > 0,
    );
    if (content.length > 0) {
      issue(
        [content[0]],
        `cannot be applied when harbor:kubernetes.renderToDirectory is set: registry content is made through Harbor's API by \`pulumi up\` against a running Harbor, not rendered to files (set in this stack: ${content.map((k) => `harbor:${k}`).join(", ")})`,
      );
    }
  }
}

/**
 * The kubernetes provider's own stack settings (`pulumi config set kubernetes:context lab`), the
 * provider's configuration keys (pulumi-kubernetes provider/pkg/provider/provider.go `Configure`
 * reads each as `kubernetes:config:<key>`). The default provider reads them itself; the program's
 * explicit provider does not, so they are passed on.
 */
export interface KubernetesStackSettings {
  context?: string;
  cluster?: string;
  /** Only a change of this value replaces the provider (and so every resource); see provider.ts. */
  clusterIdentifier?: string;
  kubeconfig?: pulumi.Input<string>;
  namespace?: string;
  renderYamlToDirectory?: string;
  enableServerSideApply?: boolean;
  /** Patch Secrets in place instead of replacing them (the program turns it on unless set). */
  enableSecretMutable?: boolean;
  /** Patch ConfigMaps in place instead of replacing them (the program turns it on unless set). */
  enableConfigMapMutable?: boolean;
  /** Server-side apply takes over an object that already exists instead of failing the create. */
  upsertExistingObjects?: boolean;
  enablePatchForce?: boolean;
  alwaysRender?: boolean;
  skipUpdateUnreachable?: boolean;
  deleteUnreachable?: boolean;
  suppressDeprecationWarnings?: boolean;
  suppressHelmHookWarnings?: boolean;
  helmReleaseSettings?: Record<string, unknown>;
  kubeClientSettings?: Record<string, unknown>;
}

const KUBERNETES_STRING_SETTINGS = [
  "context",
  "cluster",
  "clusterIdentifier",
  "namespace",
  "renderYamlToDirectory",
] as const;
const KUBERNETES_BOOLEAN_SETTINGS = [
  "enableServerSideApply",
  "enableSecretMutable",
  "enableConfigMapMutable",
  "upsertExistingObjects",
  "enablePatchForce",
  "alwaysRender",
  "skipUpdateUnreachable",
  "deleteUnreachable",
  "suppressDeprecationWarnings",
  "suppressHelmHookWarnings",
] as const;
const KUBERNETES_OBJECT_SETTINGS = ["helmReleaseSettings", "kubeClientSettings"] as const;

/** Reads the running stack's `kubernetes:` settings from the Pulumi runtime. */
export function kubernetesStackSettings(): KubernetesStackSettings {
  const config = new pulumi.Config("kubernetes");
  const settings: KubernetesStackSettings = {};
  for (const key of KUBERNETES_STRING_SETTINGS) {
    const value = config.get(key);
    if (value) settings[key] = value;
  }
  for (const key of KUBERNETES_BOOLEAN_SETTINGS) {
    const value = config.getBoolean(key);
    if (value !== undefined) settings[key] = value;
  }
  for (const key of KUBERNETES_OBJECT_SETTINGS) {
    const value = config.getObject<Record<string, unknown>>(key);
    if (value !== undefined) settings[key] = value;
  }
  const kubeconfig = config.getSecret("kubeconfig");
  if (kubeconfig !== undefined) settings.kubeconfig = kubeconfig;
  return settings;
}
