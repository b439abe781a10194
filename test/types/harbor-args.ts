/**
 * Compile-time test of `HarborArgs` (type-checked by `npm run build`, never run): what a program
 * writes compiles, and typos, wrong enum literals and another variant's fields do not. Every
 * `@ts-expect-error` line must be an error, or the build fails.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Harbor, type HarborArgs } from "../../library";

/** Programs as users write them. */
export function accepted(): Harbor[] {
  const password = new random.RandomPassword("admin", { length: 24, special: false });
  const config = new pulumi.Config();
  const args: HarborArgs[] = [
    { hostname: "registry.example.com" },
    // Secrets: a RandomPassword's result, a config secret, a plain string, an Output of a map.
    { hostname: "registry.example.com", adminPassword: password.result },
    { hostname: "registry.example.com", adminPassword: config.requireSecret("adminPassword") },
    {
      hostname: "registry.example.com",
      database: { type: "external", host: "db.example.com", username: "harbor" },
      databasePassword: config.requireSecret("databasePassword"),
      registries: { dockerhub: { type: "docker-hub", accessKey: "me" } },
      registrySecrets: { dockerhub: config.requireSecret("dockerhubToken") },
    },
    // Variants, booleans, numbers; protect explicit.
    {
      hostname: "registry.example.com",
      expose: { type: "nodePort", nodePort: { https: 30443 } },
      tls: { mode: "generated", validityDays: 90, keyAlgorithm: "RSA-3072" },
      storage: { variant: "nfs", nfs: { server: "nfs.example.com", path: "/exports/harbor" } },
      auth: { mode: "oidc", oidc: { endpoint: "https://id.example.com", clientId: "harbor" } },
      oidcClientSecret: config.requireSecret("oidcClientSecret"),
      replicas: { core: 2 },
      trivy: { enabled: false },
      protect: false,
      kubernetes: { context: "prod-cluster" },
      resources: { registry: { requests: { cpu: "500m", memory: "1Gi" } } },
      chart: { values: { imagePullSecrets: [{ name: "mirror-pull" }] } },
      backup: { engine: "job", target: { pvc: { className: "backup", size: "200Gi" } } },
    },
  ];
  return args.map((a, i) => new Harbor(`registry-${i}`, a));
}

/** Mistakes the compiler catches. */
export function refused(): HarborArgs[] {
  return [
    // @ts-expect-error a required argument is missing
    {},
    // @ts-expect-error a typo of a key
    { hostname: "registry.example.com", hostnmae: "x" },
    // @ts-expect-error a typo inside a structured key
    { hostname: "registry.example.com", storage: { variant: "existing", sise: {} } },
    // @ts-expect-error a wrong enum literal
    { hostname: "registry.example.com", tls: { keyAlgorithm: "RSA-1024" } },
    // @ts-expect-error a wrong discriminator
    { hostname: "registry.example.com", expose: { type: "nodeport" } },
    // @ts-expect-error another variant's field
    { hostname: "registry.example.com", expose: { type: "nodePort", ingress: { className: "x" } } },
    // @ts-expect-error a required field of the chosen variant
    { hostname: "registry.example.com", storage: { variant: "nfs", nfs: { server: "nfs" } } },
    // @ts-expect-error a boolean written as a string
    { hostname: "registry.example.com", protect: "true" },
    // @ts-expect-error a number written as a string
    { hostname: "registry.example.com", replicas: { core: "2" } },
    // @ts-expect-error a secret is a string Input, not a number
    { hostname: "registry.example.com", adminPassword: 12345678 },
    // @ts-expect-error chart values are JSON data, not functions
    { hostname: "registry.example.com", chart: { values: { hook: () => 1 } } },
    // @ts-expect-error resources name the chart's components only
    { hostname: "registry.example.com", resources: { registryctl: {} } },
  ];
}
