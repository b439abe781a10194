/**
 * `harbor:resources`: CPU and memory requests and limits of each Harbor component's container.
 *
 * Defaults come from Harbor's chart (goharbor/harbor-helm 1.19.1, values.yaml): every component
 * carries the same commented example, `requests: {memory: 256Mi, cpu: 100m}`, and Trivy the only
 * default the chart sets itself, `requests: {cpu: 200m, memory: 512Mi}, limits: {cpu: 1, memory:
 * 1Gi}` (a scan loads the vulnerability database into memory). Together they request 1 CPU and
 * 2.5Gi, inside the 2 CPU / 4 GB Harbor's installation guide names as its minimum. No other
 * limits are set by default: a registry's memory follows its uploads and garbage collection, and a
 * memory limit Harbor's own documentation does not size would turn a big push into an OOM kill.
 * Set them per component where a namespace's LimitRange or quota asks for them.
 */
import type { z } from "zod";
import { cpuQuantity, quantityValue } from "./ha";
import { quantity, strictObject } from "./primitives";

/** Components with requests and limits, as the chart names them. */
export const RESOURCE_COMPONENTS = [
  "core",
  "portal",
  "registry",
  "jobservice",
  "database",
  "redis",
  "trivy",
  "nginx",
  "exporter",
] as const;
export type ResourceComponent = (typeof RESOURCE_COMPONENTS)[number];

interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu?: string; memory?: string };
}

/** The chart's example requests for every component (values.yaml, `resources:` comments). */
const CHART_EXAMPLE: Resources = { requests: { cpu: "100m", memory: "256Mi" }, limits: {} };

/** Requests and limits unless `harbor:resources.<component>` says otherwise. */
export const DEFAULT_RESOURCES: Record<ResourceComponent, Resources> = {
  core: CHART_EXAMPLE,
  portal: CHART_EXAMPLE,
  registry: CHART_EXAMPLE,
  jobservice: CHART_EXAMPLE,
  database: CHART_EXAMPLE,
  redis: CHART_EXAMPLE,
  // The chart's own default for Trivy (values.yaml `trivy.resources`).
  trivy: { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  nginx: CHART_EXAMPLE,
  exporter: CHART_EXAMPLE,
};

const WHERE: Record<ResourceComponent, string> = {
  core: "core",
  portal: "the portal",
  registry: "the registry container (registryctl keeps the chart's setting)",
  jobservice: "jobservice",
  database: "the internal PostgreSQL (`database.type: internal` only)",
  redis: "the internal Redis (`redis.type: internal` only)",
  trivy: "Trivy",
  nginx: "Harbor's nginx (exposures other than `ingress` and `route`)",
  exporter: "the metrics exporter (`metrics.enabled` only)",
};

function componentResources(component: ResourceComponent) {
  const d = DEFAULT_RESOURCES[component];
  const limit = (value: string | undefined, rule: () => z.ZodType<string>) =>
    value === undefined ? rule().optional() : rule().default(value);
  return strictObject({
    requests: strictObject({
      cpu: cpuQuantity().default(d.requests.cpu).describe("CPU request: `500m` or `2` cores."),
      memory: quantity()
        .default(d.requests.memory)
        .describe("Memory request, such as `256Mi` or `1Gi`."),
    })
      .prefault({})
      .describe("What the scheduler reserves for the container."),
    limits: strictObject({
      cpu: limit(d.limits.cpu, cpuQuantity).describe("CPU limit (throttled above it)."),
      memory: limit(d.limits.memory, quantity).describe(
        "Memory limit (the container is killed above it).",
      ),
    })
      .prefault({})
      .describe("Caps on the container; none unless set (Trivy: the chart's)."),
  })
    .superRefine((r, ctx) => {
      // Kubernetes refuses a pod whose limit is below its request (ValidateResourceRequirements in
      // kubernetes/kubernetes pkg/apis/core/validation/validation.go).
      for (const resource of ["cpu", "memory"] as const) {
        const limit = r.limits[resource];
        const request = r.requests[resource];
        if (limit !== undefined && quantityValue(limit) < quantityValue(request)) {
          ctx.addIssue({
            code: "custom",
            message: `must be at least harbor:resources.${component}.requests.${resource} (${request}); Kubernetes refuses a limit below its request`,
            path: ["limits", resource],
            input: limit,
          });
        }
      }
    })
    .prefault({})
    .describe(`Requests and limits of ${WHERE[component]}.`);
}

/** `harbor:resources`. */
export const resourcesSchema = strictObject(
  Object.fromEntries(RESOURCE_COMPONENTS.map((c) => [c, componentResources(c)])) as Record<
    ResourceComponent,
    ReturnType<typeof componentResources>
  >,
).prefault({});

/** The keys, in the order the schema lists them. */
export const resourceKeys = {
  resources: resourcesSchema.meta({
    docDefault: "the chart's: `100m`/`256Mi` requests, Trivy `200m`/`512Mi` with limits `1`/`1Gi`",
    description:
      "CPU and memory `requests` and `limits` per component (`core`, `portal`, `registry`, `jobservice`, `database`, `redis`, `trivy`, `nginx`, `exporter`), Kubernetes quantities (`500m`, `2`; `256Mi`, `1Gi`); a limit is never below its request. Defaults from the chart's values.yaml; see [docs/production.md](docs/production.md#resources).",
  }),
};
