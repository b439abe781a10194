/**
 * The Velero objects the Backup component declares, validated with ajv against Velero's own CRD
 * schema (velero 1.18.1 `schedules.velero.io`): the Schedule as a whole, and the pre-upgrade
 * Backup's spec against the Schedule's `spec.template` (the same BackupSpec type). Unknown fields
 * are refused too: the API server would silently prune a misspelt one.
 *
 * Needs the reference CRDs: HARBOR_CRDS_DIR=<dir with velero-1.18.1-schedules.yaml> (`.ci/run`
 * sets it when ../shared/reference/crds exists); skipped without it.
 */
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { parse as parseYaml } from "yaml";
import { Backup } from "../../components/backup";
import type { VeleroBackupSpec } from "../../config/backup";
import { TYPES, build } from "../support/backup";

const CRD_FILE = "velero-1.18.1-schedules.yaml";

/** A CRD schema as plain JSON Schema: no x-kubernetes-* keys, unknown properties refused. */
function strictSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictSchema);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-kubernetes-")) continue;
    out[key] = key === "properties" ? mapValues(value, strictSchema) : strictSchema(value);
  }
  if (out.type === "object" && out.properties && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

function mapValues(value: unknown, f: (v: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, f(v)]),
  );
}

describe("Velero objects against Velero's CRD schema", function () {
  let schedule: ValidateFunction;
  let backupSpec: ValidateFunction;

  before(function () {
    const dir = process.env.HARBOR_CRDS_DIR;
    const file = dir && path.join(dir, CRD_FILE);
    if (!file || !existsSync(file)) {
      console.log(`      (set HARBOR_CRDS_DIR to a directory with ${CRD_FILE}; skipped)`);
      this.skip();
    }
    const crd = parseYaml(readFileSync(file, "utf8")) as {
      spec: { versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[] };
    };
    const v1 = crd.spec.versions.find((v) => v.name === "v1");
    assert.ok(v1, "the CRD serves velero.io/v1");
    const root = strictSchema(v1.schema.openAPIV3Schema) as {
      properties: { spec: { properties: { template: Record<string, unknown> } } };
    };
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    schedule = ajv.compile(root);
    backupSpec = ajv.compile(root.properties.spec.properties.template);
  });

  const spec: VeleroBackupSpec = {
    engine: "velero",
    schedule: "0 3 * * *",
    keep: 7,
    registry: true,
    database: true,
    velero: { namespace: "velero", storageLocation: "offsite" },
    ttl: "168h0m0s",
  };
  const declare = () =>
    build(
      () =>
        new Backup("harbor-backup", {
          namespace: "harbor",
          releaseName: "harbor",
          spec,
          chartVersion: "1.19.1",
          harborVersion: "v2.15.1",
          previous: { chartVersion: "1.18.4", harborVersion: "v2.14.4" },
          placement: {},
          protect: true,
        }),
    );

  it("the Schedule is valid", async function () {
    const built = await declare();
    const object = built.find(TYPES.schedule, "harbor-backup-schedule").inputs;
    assert.ok(schedule(object), JSON.stringify(schedule.errors, null, 2));
  });

  it("the pre-upgrade Backup's spec is a valid BackupSpec", async function () {
    const built = await declare();
    const object = built.find(TYPES.veleroBackup, "harbor-backup-pre-upgrade-backup").inputs as {
      spec: unknown;
    };
    assert.ok(backupSpec(object.spec), JSON.stringify(backupSpec.errors, null, 2));
  });

  it("refuses what the API server would: a misspelt field, a wrong onError", function () {
    assert.equal(
      schedule({
        apiVersion: "velero.io/v1",
        kind: "Schedule",
        spec: { schedule: "0 3 * * *", template: { ttlSeconds: "1h" } },
      }),
      false,
    );
    assert.equal(
      backupSpec({
        hooks: {
          resources: [{ name: "x", pre: [{ exec: { command: ["true"], onError: "Ignore" } }] }],
        },
      }),
      false,
    );
  });
});
