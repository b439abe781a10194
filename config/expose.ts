/**
 * `harbor:expose`: how Harbor is published (Ingress, node ports, a LoadBalancer or ClusterIP
 * Service, or an HTTPRoute), and the hostname it needs.
 */
import { z } from "zod";
import {
  annotations as annotationMap,
  cidr,
  intRange,
  ipAddress,
  isIpAddress,
  k8sName,
  k8sSubdomain,
  requiredKeysObject,
  strictObject,
  uniqueList,
  variants,
} from "./primitives";
import type { Checks, RawConfig } from "./schema";

const PORT_RANGE = "30000-32767";
const annotations = () => annotationMap().prefault({});

const exposeSchema = variants("type", "ingress", [
  strictObject({
    type: z
      .literal("ingress")
      .describe(
        "How Harbor is published; the other keys belong to the variant they are named after.",
      ),
    ingress: strictObject({
      className: k8sSubdomain().optional(),
      annotations: annotations(),
    })
      .prefault({})
      .describe(
        '`className`: IngressClass (cluster default when unset). `annotations`: merged over defaults for large uploads: `proxy-body-size: "0"` (no limit), `ssl-redirect`, 900 s proxy read/send timeouts and no request buffering (nginx ingress).',
      ),
  }),
  strictObject({
    type: z.literal("nodePort"),
    nodePort: strictObject({
      http: intRange(30000, 32767, PORT_RANGE)
        .default(30002)
        .describe("Node port of plain HTTP (redirects to HTTPS when TLS is on), 30000-32767."),
      https: intRange(30000, 32767, PORT_RANGE)
        .default(30003)
        .describe("Node port of HTTPS, 30000-32767; part of the derived URL."),
    })
      .superRefine((p, ctx) => {
        if (p.http === p.https) {
          ctx.addIssue({
            code: "custom",
            message:
              "must differ from harbor:expose.nodePort.http (one node port cannot serve both HTTP and HTTPS)",
            path: ["https"],
            input: p.https,
          });
        }
      })
      .prefault({})
      .describe(
        "Node ports `http` and `https`, 30000-32767 and different. The derived URL is `https://<hostname>:<https>`.",
      ),
  }),
  strictObject({
    type: z.literal("loadBalancer"),
    loadBalancer: strictObject({
      ip: ipAddress().optional(),
      annotations: annotations(),
      sourceRanges: uniqueList(cidr(), "CIDRs such as 10.0.0.0/8").default([]),
    })
      .prefault({})
      .describe(
        "`ip`: requested IP; `annotations`: Service annotations (MetalLB, cloud); `sourceRanges`: allowed client CIDRs.",
      ),
  }),
  strictObject({
    type: z.literal("clusterIP"),
    clusterIP: strictObject({
      ip: ipAddress().optional(),
      annotations: annotations(),
    })
      .prefault({})
      .describe(
        "`ip`: static cluster IP, `annotations`: Service annotations (behind your own proxy).",
      ),
  }),
  strictObject({
    type: z.literal("route"),
    route: requiredKeysObject(
      strictObject({
        parentRefs: uniqueList(
          strictObject({
            name: k8sSubdomain().describe("Name of the Gateway."),
            namespace: k8sName()
              .optional()
              .describe("Namespace of the Gateway (Harbor's namespace when unset)."),
            sectionName: k8sSubdomain()
              .optional()
              .describe("Listener of the Gateway to attach to (all listeners when unset)."),
          }),
          "Gateway references ({name, namespace, sectionName})",
          (r) => `${r.namespace ?? ""}/${r.name}/${r.sectionName ?? ""}`,
        ).min(1, { error: "must name at least one Gateway ({name, namespace, sectionName})" }),
        annotations: annotations(),
      }),
    ).describe(
      "`parentRefs` (required): `[{name, namespace, sectionName}]`, Gateways for the HTTPRoute (Gateway API). The Gateway terminates TLS; the program grants Gateways in other namespaces a `ReferenceGrant` to use Harbor's certificate Secret (`certificateRefs: [{name: <tlsSecretName>, namespace: <namespace>}]`). Needs chart 1.18+. `annotations`: HTTPRoute annotations.",
    ),
  }),
]).prefault({});

/** The keys, in the order the schema lists them. */
export const exposeKeys = {
  expose: exposeSchema.describe("How Harbor is published."),
};

/** The hostname the exposure type can serve: Ingress rules and HTTPRoutes match DNS names only. */
export function checkExpose(c: RawConfig, { issue }: Checks): void {
  const hostIsIp = isIpAddress(c.hostname);
  if (hostIsIp && (c.expose.type === "ingress" || c.expose.type === "route")) {
    issue(
      ["hostname"],
      `must be a DNS name when harbor:expose.type is ${c.expose.type} (${c.expose.type === "ingress" ? "Ingress rules" : "HTTPRoute hostnames"} cannot match an IP address); use a DNS name or expose.type nodePort/loadBalancer`,
      c.hostname,
    );
  }
}
