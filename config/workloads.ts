/**
 * How Harbor's pods run: `harbor:replicas`, `scheduling` (node selector, tolerations, affinity),
 * `trivy`, `metrics`, the outbound `proxy` and the address families (`ipFamily`).
 */
import { z } from "zod";
import type { JsonValue } from "./harbor-args";
import {
  bool,
  intRange,
  isQualifiedName,
  labelSelectorMap,
  labelValue,
  noProxyList,
  originUrl,
  qualifiedName,
  strictObject,
  uniqueList,
} from "./primitives";

/** Where credentials go instead of a proxy URL. */
const PROXY_CREDENTIALS =
  "Harbor's chart writes proxy URLs into ConfigMaps and pod environments in plain text; use a proxy that admits the cluster's nodes by source address (see README, Safety)";

const replicaCount = (component: string) =>
  intRange(1, 20, "an integer 1-20").default(1).describe(`Replicas of ${component} (1-20).`);
const replicasSchema = strictObject({
  core: replicaCount("core"),
  portal: replicaCount("the portal"),
  registry: replicaCount("the registry"),
  jobservice: replicaCount("jobservice"),
  nginx: replicaCount("nginx"),
  trivy: replicaCount("Trivy"),
}).prefault({});

const tolerationSchema = strictObject({
  key: qualifiedName().optional().describe("Taint key (every key with operator `Exists`)."),
  operator: z
    .enum(["Exists", "Equal"], { error: "must be Exists or Equal" })
    .optional()
    .describe("`Equal` (Kubernetes' default) or `Exists`."),
  value: labelValue().optional().describe("Taint value for `Equal`."),
  effect: z
    .enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], {
      error: "must be NoSchedule, PreferNoSchedule or NoExecute",
    })
    .optional()
    .describe("Effect tolerated (every effect when unset)."),
  tolerationSeconds: intRange(0, 31536000, "a number of seconds")
    .optional()
    .describe("How long a `NoExecute` taint is tolerated."),
}).superRefine((t, ctx) => {
  // Kubernetes' own rules (ValidateTolerations), checked before the chart is installed.
  if (t.operator === "Exists" && t.value !== undefined && t.value !== "") {
    ctx.addIssue({
      code: "custom",
      path: ["value"],
      message: "must be empty when operator is Exists (Exists matches every value of the key)",
      input: t.value,
    });
  }
  if (t.key === undefined && t.operator !== "Exists") {
    ctx.addIssue({
      code: "custom",
      path: ["key"],
      message:
        "is required unless operator is Exists (only operator Exists without a key tolerates every taint)",
    });
  }
  if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
    ctx.addIssue({
      code: "custom",
      path: ["tolerationSeconds"],
      message: "is only allowed with effect NoExecute (Kubernetes refuses it otherwise)",
      input: t.tolerationSeconds,
    });
  }
});

/**
 * Strings inside an affinity are label keys and values, operators, namespaces and topology keys:
 * letters, digits, `-`, `_`, `.`, `/`. Each one that is not is reported at its own path.
 */
function affinityTerms(what: string) {
  return z
    .record(z.string(), z.unknown() as unknown as z.ZodType<JsonValue>, {
      error: `must be ${what}`,
    })
    .superRefine((value, ctx) => {
      const walk = (node: unknown, path: (string | number)[]): void => {
        if (Array.isArray(node)) {
          node.forEach((item, i) => walk(item, [...path, i]));
        } else if (node !== null && typeof node === "object") {
          for (const [key, item] of Object.entries(node)) {
            if (!isQualifiedName(key)) {
              ctx.addIssue({
                code: "custom",
                path: [...path, key],
                message:
                  "is not a valid field or label key (letters, digits, '-', '_', '.', with an optional DNS prefix and '/')",
                input: key,
              });
            } else {
              walk(item, [...path, key]);
            }
          }
        } else if (typeof node === "string") {
          if (!/^[A-Za-z0-9_./-]{0,317}$/.test(node)) {
            ctx.addIssue({
              code: "custom",
              path,
              message:
                "must be a Kubernetes name, label key, label value or operator (letters, digits, '-', '_', '.', '/')",
              input: node,
            });
          }
        } else if (typeof node !== "number" && typeof node !== "boolean") {
          ctx.addIssue({ code: "custom", path, message: "must be a string, number or boolean" });
        }
      };
      walk(value, []);
    })
    .meta({ tsType: "{ [key: string]: JsonValue }" });
}

const schedulingSchema = strictObject({
  nodeSelector: labelSelectorMap()
    .default({})
    .describe(
      "Node labels every Harbor pod requires: keys are Kubernetes label keys, values label values.",
    ),
  tolerations: uniqueList(tolerationSchema, "tolerations")
    .default([])
    .describe(
      "Tolerations following Kubernetes' rules (`Exists` takes no `value`, no `key` needs `Exists`, `tolerationSeconds` needs `NoExecute`).",
    ),
  affinity: strictObject({
    nodeAffinity: affinityTerms("a nodeAffinity object")
      .optional()
      .describe("`nodeAffinity` of a pod spec."),
    podAffinity: affinityTerms("a podAffinity object")
      .optional()
      .describe("`podAffinity` of a pod spec."),
    podAntiAffinity: affinityTerms("a podAntiAffinity object")
      .optional()
      .describe("`podAntiAffinity` of a pod spec."),
  })
    .optional()
    .describe("`{nodeAffinity, podAffinity, podAntiAffinity}` as in a pod spec."),
});

/** The keys, in the order the schema lists them. */
export const workloadKeys = {
  replicas: replicasSchema.meta({
    docDefault: "all `1`",
    description:
      "Replicas per component. More than 1 adds the chart's PodDisruptionBudget (`maxUnavailable: 1`) and a soft spread over nodes; replicated jobservice logs jobs to the database. `registry` > 1 needs `objectStorage` or ReadWriteMany storage.",
  }),
  trivy: strictObject({
    enabled: bool().default(true).describe("Deploy Trivy, Harbor's vulnerability scanner."),
    skipUpdate: bool()
      .default(false)
      .describe("Trivy skips updating its vulnerability database (air-gapped sites)."),
    offlineScan: bool().default(false).describe("Trivy's offline scan mode (air-gapped sites)."),
  })
    .prefault({})
    .describe("Vulnerability scanner."),
  metrics: strictObject({
    enabled: bool().default(false).describe("Prometheus metrics and the exporter."),
    serviceMonitor: bool()
      .default(false)
      .describe("A ServiceMonitor; needs the Prometheus Operator CRDs."),
  })
    .prefault({})
    .describe("Prometheus metrics."),
  proxy: strictObject({
    httpProxy: originUrl({ credentials: PROXY_CREDENTIALS })
      .optional()
      .describe(
        "Proxy for HTTP. Proxy URLs cannot carry credentials: the chart writes them into ConfigMaps in plain text, so use a proxy that admits the cluster by source address.",
      ),
    httpsProxy: originUrl({ credentials: PROXY_CREDENTIALS })
      .optional()
      .describe("Proxy for HTTPS; no credentials, as for `httpProxy`."),
    noProxy: noProxyList()
      .optional()
      .describe(
        "Comma-separated hosts, `.domains`, IPs, CIDRs (`:port` allowed) reached directly. Harbor's own services are always added.",
      ),
    components: uniqueList(
      z.enum(["core", "jobservice", "trivy"], { error: "must be core, jobservice or trivy" }),
      "components",
    )
      .default(["core", "jobservice", "trivy"])
      .describe("Components that use the proxy."),
  })
    .optional()
    .describe("Outbound proxy for Trivy updates and replication."),
  ipFamily: strictObject({
    ipv4: bool().default(true).describe("Serve on IPv4."),
    ipv6: bool()
      .default(true)
      .describe(
        "Serve on IPv6; turn it off on clusters without IPv6, where Harbor's nginx fails to bind `[::]`.",
      ),
  })
    .refine((f) => f.ipv4 || f.ipv6, {
      error:
        "must enable at least one of ipv4 and ipv6 (Harbor needs an address family to serve on)",
    })
    .prefault({})
    .describe("Address families Harbor serves on; at least one."),
  scheduling: schedulingSchema
    .optional()
    .describe("Applied to every Harbor pod, database/redis/trivy statefulsets included."),
};
