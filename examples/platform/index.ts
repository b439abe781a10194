/**
 * A platform team's own Pulumi program: Harbor built with the @harbor-k8s/pulumi package's `Harbor` component
 * (validated like a stack's `harbor:` configuration), next to an application namespace whose
 * workload pulls its image from that Harbor. The application namespace gets Harbor's CA, and
 * every node trusts it, so the pull needs no manual step.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Harbor } from "@harbor-k8s/pulumi";

const config = new pulumi.Config("platform");
const appNamespace = config.get("appNamespace") ?? "shop";
const appImage = config.get("appImage") ?? "library/nginx:1.27";

const apps = new k8s.core.v1.Namespace("apps", {
  metadata: { name: appNamespace, labels: { "app.kubernetes.io/part-of": "shop" } },
});

// Harbor's admin password is an Output: generated here, kept in state as a Pulumi secret, checked
// against Harbor's password rules once it is known.
const generatedPassword = new random.RandomPassword("registry-admin", {
  length: 24,
  special: false,
  minUpper: 2,
  minLower: 2,
  minNumeric: 2,
});

const harbor = new Harbor(
  "registry",
  {
    hostname: config.require("registryHostname"),
    namespace: "registry",
    expose: { type: "ingress", ingress: { className: "nginx" } },
    storage: { variant: "existing", className: config.require("storageClass") },
    adminPassword: generatedPassword.result,
    // Nodes trust Harbor's CA (kubelets pull without x509 errors); the application namespace gets
    // a ConfigMap with it for workloads that call Harbor's API.
    trust: { nodes: { enabled: true }, namespaces: [appNamespace] },
    // This platform's registry holds every team's images: never deleted by a stray `pulumi up`.
    protect: true,
    resources: { registry: { requests: { cpu: "250m", memory: "512Mi" } } },
    // Harbor's images come from a private mirror that needs a pull secret (not modelled: chart values).
    chart: { values: { imagePullSecrets: [{ name: "mirror-pull" }] } },
  },
  { dependsOn: [apps] },
);

const app = new k8s.apps.v1.Deployment(
  "shop",
  {
    metadata: { name: "shop", namespace: apps.metadata.name },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "shop" } },
      template: {
        metadata: { labels: { app: "shop" } },
        spec: {
          containers: [
            {
              name: "shop",
              // `library` is Harbor's public project: no pull secret is needed.
              image: pulumi.interpolate`${harbor.registry}/${appImage}`,
              ports: [{ containerPort: 80 }],
            },
          ],
        },
      },
    },
  },
  // Harbor must be serving before the first pull.
  { dependsOn: [harbor] },
);

export const registry = harbor.registry;
export const url = harbor.url;
export const caCertificate = harbor.caCertificate;
export const adminPassword = harbor.adminPassword;
export const appDeployment = app.metadata.name;
