/**
 * The custom resources of the high-availability back ends, validated against the schemas their
 * CRDs give the API server (CloudNativePG 1.29.2's Cluster, Rook 1.19.10's ObjectBucketClaim and
 * CephObjectStore): the objects the components declare for the example HA stack and for other
 * settings, and the CephObjectStore docs/high-availability.md shows as the prerequisite.
 *
 * Kubernetes' `x-kubernetes-*` extensions are dropped (CEL rules cannot be evaluated here), and
 * every object schema with listed properties that does not preserve unknown fields refuses other
 * properties, as the API server's strict field validation does: a misspelt field fails here instead
 * of being pruned silently by the cluster.
 *
 * Needs the CRDs (copies are in ../shared/reference/crds; .ci/run sets the variable):
 *   HARBOR_CRDS_DIR=/path/to/crds npm test
 * Without it the suite is reported as pending.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { parse, parseAllDocuments } from "yaml";
import {
  CloudNativePgCluster,
  type CloudNativePgClusterArgs,
} from "../../components/cloudnative-pg";
import { RookBucket, type RookBucketArgs } from "../../components/rook-bucket";
import { cloudNativePgClusterArgs } from "../../components/cloudnative-pg";
import { rookBucketArgs } from "../../components/rook-bucket";
import { projectFile } from "../support/harness";
import { haConfig } from "../support/ha";
import { declare } from "../support/storage";

const dir = process.env.HARBOR_CRDS_DIR;

/** A CRD schema as ajv reads it: no Kubernetes extensions, unknown properties refused. */
export function strictSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictSchema);
  if (node === null || typeof node !== "object") return node;
  const schema = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith("x-kubernetes-")) continue;
    out[key] =
      key === "properties"
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, strictSchema(v)]),
          )
        : strictSchema(value);
  }
  const open =
    schema["x-kubernetes-preserve-unknown-fields"] === true ||
    schema.additionalProperties !== undefined;
  if (schema.properties !== undefined && !open) out.additionalProperties = false;
  return out;
}

interface Crd {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema: { openAPIV3Schema: unknown } }[];
  };
}

/** The validator of one version of the CRD in `file`. */
function validatorOf(file: string, version: string): ValidateFunction {
  const crd = parse(readFileSync(path.join(dir!, file), "utf8")) as Crd;
  const v = crd.spec.versions.find((x) => x.name === version);
  assert.ok(v, `${file} has no version ${version}`);
  const root = strictSchema(v.schema.openAPIV3Schema) as { properties?: Record<string, unknown> };
  // Every object has these, whether or not the CRD lists them; and exactly this group, version
  // and kind.
  root.properties = {
    metadata: { type: "object" },
    ...root.properties,
    apiVersion: { type: "string", enum: [`${crd.spec.group}/${version}`] },
    kind: { type: "string", enum: [crd.spec.names.kind] },
  };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(root);
}

/** Problems ajv finds, as `path message` lines (empty when the object is valid). */
function problems(validate: ValidateFunction, object: unknown): string[] {
  if (validate(object)) return [];
  return (validate.errors ?? []).map(
    (e) =>
      `${e.instancePath || "/"} ${e.message ?? ""}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`,
  );
}

const CLUSTER = "kubernetes:postgresql.cnpg.io/v1:Cluster";
const CLAIM = "kubernetes:objectbucket.io/v1alpha1:ObjectBucketClaim";

/** The Cluster object the component declares for these arguments. */
async function declaredCluster(args: CloudNativePgClusterArgs): Promise<Record<string, unknown>> {
  const run = await declare((opts) => new CloudNativePgCluster("harbor-database", args, opts));
  return run.find(CLUSTER, "harbor-database-cluster").inputs;
}

/** The ObjectBucketClaim the component declares for these arguments. */
async function declaredClaim(args: RookBucketArgs): Promise<Record<string, unknown>> {
  const run = await declare((opts) => new RookBucket("harbor-bucket", args, opts));
  return run.find(CLAIM, "harbor-bucket-claim").inputs;
}

describe("HA custom resources against their CRDs (CloudNativePG 1.29.2, Rook 1.19.10)", function () {
  let cluster: ValidateFunction;
  let claim: ValidateFunction;
  let objectStore: ValidateFunction;

  before(function () {
    if (!dir) {
      console.log("      (set HARBOR_CRDS_DIR to validate against the CRDs; skipped)");
      this.skip();
    }
    cluster = validatorOf("cloudnative-pg-1.29.2-clusters.yaml", "v1");
    claim = validatorOf("rook-1.19.10-objectbucketclaims.objectbucket.io.yaml", "v1alpha1");
    objectStore = validatorOf("rook-1.19.10-cephobjectstores.ceph.rook.io.yaml", "v1");
  });

  it("the example HA stack's Cluster is valid", async () => {
    const object = await declaredCluster(cloudNativePgClusterArgs(haConfig(), "harbor")!);
    assert.deepEqual(problems(cluster, object), []);
    assert.equal((object.spec as { instances: number }).instances, 3);
  });

  it("a single-instance Cluster with Harbor's scheduling and CPU limits is valid", async () => {
    const args = cloudNativePgClusterArgs(haConfig(), "harbor")!;
    const object = await declaredCluster({
      ...args,
      instances: 1,
      resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
      placement: {
        nodeSelector: { "node-role.example.com/registry": "true" },
        tolerations: [
          { key: "dedicated", operator: "Equal", value: "registry", effect: "NoSchedule" },
        ],
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] },
            ],
          },
        },
      },
    });
    assert.deepEqual(problems(cluster, object), []);
  });

  it("the example HA stack's ObjectBucketClaim is valid, and one on an existing class", async () => {
    const args = rookBucketArgs(haConfig(), "harbor")!;
    assert.deepEqual(problems(claim, await declaredClaim(args)), []);
    const existing = await declaredClaim({
      ...args,
      bucketClass: { type: "existing", name: "rook-ceph-bucket" },
    });
    assert.deepEqual(problems(claim, existing), []);
  });

  it("the CephObjectStore docs/high-availability.md shows is valid and is the stack's store", () => {
    const docs = readFileSync(projectFile("docs/high-availability.md"), "utf8");
    const stores = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .flatMap((m) => parseAllDocuments(m[1]).map((d) => d.toJS() as Record<string, unknown>))
      .filter((d) => d?.kind === "CephObjectStore");
    assert.equal(stores.length, 1);
    assert.deepEqual(problems(objectStore, stores[0]), []);
    const store = haConfig().objectStorage;
    assert.equal(store?.type, "rook");
    const metadata = stores[0].metadata as { name: string; namespace: string };
    assert.equal(store?.type === "rook" ? store.objectStoreName : undefined, metadata.name);
    assert.equal(
      store?.type === "rook" ? store.objectStoreNamespace : undefined,
      metadata.namespace,
    );
  });

  it("refuses what the API server would refuse or drop (the validation is not vacuous)", async () => {
    const good = await declaredCluster(cloudNativePgClusterArgs(haConfig(), "harbor")!);
    const spec = good.spec as Record<string, unknown>;
    assert.deepEqual(problems(cluster, { ...good, spec: { ...spec, instance: 3 } }), [
      "/spec must NOT have additional properties (instance)",
    ]);
    assert.deepEqual(problems(cluster, { ...good, apiVersion: "postgresql.cnpg.io/v1beta1" }), [
      "/apiVersion must be equal to one of the allowed values",
    ]);
    assert.deepEqual(problems(cluster, { ...good, spec: { ...spec, instances: "3" } }), [
      "/spec/instances must be integer",
    ]);
    assert.deepEqual(
      problems(cluster, {
        ...good,
        spec: { ...spec, bootstrap: { initdb: { database: "registry", ownr: "harbor" } } },
      }),
      ["/spec/bootstrap/initdb must NOT have additional properties (ownr)"],
    );
    const claimObject = await declaredClaim(rookBucketArgs(haConfig(), "harbor")!);
    assert.deepEqual(
      problems(claim, {
        ...claimObject,
        spec: { storageClassName: "harbor-rook-bucket", generateBucketNmae: "harbor-registry" },
      }),
      ["/spec must NOT have additional properties (generateBucketNmae)"],
    );
  });
});
