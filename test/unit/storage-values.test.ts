import * as assert from "node:assert/strict";
import type { HarborConfig } from "../../config/types";
import type { HarborValues, PvcValues } from "../../lib/harbor-values";
import {
  PGDATA_OWNERSHIP_SCRIPT,
  buildHarborValues,
  pgdataOwnershipContainer,
  type HarborCredentials,
} from "../../lib/values";
import { configWith } from "../support/storage";

const CREDENTIALS: HarborCredentials = {
  adminPassword: "Admin-password-1",
  secretKey: "0123456789abcdef",
  coreSecret: "core-secret",
  jobserviceSecret: "jobservice-secret",
  registrySecret: "registry-secret",
  xsrfKey: "0123456789abcdef0123456789abcdef",
  registryUsername: "harbor_registry_user",
  registryPassword: "registry-password",
  registryHtpasswd: "harbor_registry_user:$2a$04$hash",
  databasePassword: "database-password",
  tokenKey: "TOKEN KEY",
  tokenCert: "TOKEN CERT",
};

/** Harbor's values for a storage configuration, with the class index.ts passes. */
function valuesFor(storage: Record<string, unknown>): {
  config: HarborConfig;
  values: HarborValues;
} {
  const config = configWith({ storage });
  const values = buildHarborValues(config, {
    credentials: CREDENTIALS,
    storageClassName: config.storage.className,
    tlsSecretName: "harbor-tls",
  });
  return { config, values };
}

/** Every claim of the values, by volume. */
function claims(values: HarborValues): Record<string, PvcValues | undefined> {
  const pvc = values.persistence?.persistentVolumeClaim;
  return {
    registry: pvc?.registry,
    jobservice: pvc?.jobservice?.jobLog,
    database: pvc?.database,
    redis: pvc?.redis,
    trivy: pvc?.trivy,
  };
}

const DEFAULT_SIZES = {
  registry: "50Gi",
  jobservice: "1Gi",
  database: "5Gi",
  redis: "1Gi",
  trivy: "5Gi",
};

function expectedClaims(
  storageClass: string,
  shared: "ReadWriteOnce" | "ReadWriteMany",
  sizes: Record<string, string> = DEFAULT_SIZES,
  existing: Record<string, string> = {},
): Record<string, PvcValues> {
  const out: Record<string, PvcValues> = {};
  for (const volume of ["registry", "jobservice", "database", "redis", "trivy"]) {
    out[volume] = {
      storageClass,
      size: sizes[volume],
      accessMode: volume === "registry" || volume === "jobservice" ? shared : "ReadWriteOnce",
      ...(existing[volume] ? { existingClaim: existing[volume] } : {}),
    };
  }
  return out;
}

/** The init container lib/values adds for network storage (chart 1.19.1, Harbor v2.15.1). */
const PGDATA_FIX = pgdataOwnershipContainer("docker.io/goharbor/harbor-db:v2.15.1");

describe("storage: Harbor values per variant", () => {
  it("local-path: every claim on <namespace>-local-path, ReadWriteOnce, no ownership fixer", () => {
    const { values } = valuesFor({ variant: "local-path", sizes: { registry: "20Gi" } });
    assert.deepEqual(
      claims(values),
      expectedClaims("harbor-local-path", "ReadWriteOnce", { ...DEFAULT_SIZES, registry: "20Gi" }),
    );
    assert.equal(values.database?.internal?.extrInitContainers, undefined);
    assert.equal(values.updateStrategy?.type, "Recreate");
  });

  it("nfs: every claim on the class, registry and jobservice ReadWriteMany, ownership fixer", () => {
    const { values } = valuesFor({
      variant: "nfs",
      nfs: { server: "nfs.example.com", path: "/exports/harbor" },
    });
    assert.deepEqual(claims(values), expectedClaims("harbor-nfs", "ReadWriteMany"));
    assert.deepEqual(values.database?.internal?.extrInitContainers, [PGDATA_FIX]);
  });

  it("nfs with accessMode ReadWriteOnce keeps every claim ReadWriteOnce", () => {
    const { values } = valuesFor({
      variant: "nfs",
      accessMode: "ReadWriteOnce",
      nfs: { server: "nfs.example.com", path: "/exports/harbor" },
    });
    assert.deepEqual(claims(values), expectedClaims("harbor-nfs", "ReadWriteOnce"));
  });

  it("rook: every claim on the class, ReadWriteOnce, ownership fixer", () => {
    const { values } = valuesFor({ variant: "rook", className: "harbor-ceph-rbd" });
    assert.deepEqual(claims(values), expectedClaims("harbor-ceph-rbd", "ReadWriteOnce"));
    assert.deepEqual(values.database?.internal?.extrInitContainers, [PGDATA_FIX]);
  });

  it("existing: the operator's class, exactly the named claims adopted, no ownership fixer", () => {
    const existing = {
      registry: "harbor-registry",
      database: "database-data-harbor-database-0",
    };
    const { values } = valuesFor({
      variant: "existing",
      className: "fast-ssd",
      existingClaims: existing,
    });
    assert.deepEqual(
      claims(values),
      expectedClaims("fast-ssd", "ReadWriteOnce", DEFAULT_SIZES, existing),
    );
    assert.equal(values.database?.internal?.extrInitContainers, undefined);
  });

  it("the ownership fixer only needs CHOWN/FOWNER/DAC_OVERRIDE on the data volume", () => {
    assert.equal(PGDATA_FIX.name, "pgdata-ownership");
    assert.deepEqual(PGDATA_FIX.volumeMounts, [
      { name: "database-data", mountPath: "/var/lib/postgresql/data" },
    ]);
    assert.deepEqual((PGDATA_FIX.securityContext as { capabilities: unknown }).capabilities, {
      drop: ["ALL"],
      add: ["CHOWN", "FOWNER", "DAC_OVERRIDE"],
    });
  });

  it("the ownership fixer's script is a constant; the directory arrives in $PGDATA_DIR", () => {
    assert.deepEqual(PGDATA_FIX.command, ["/bin/sh", "-c"]);
    assert.deepEqual(PGDATA_FIX.args, [PGDATA_OWNERSHIP_SCRIPT]);
    assert.deepEqual(PGDATA_FIX.env, [
      { name: "PGDATA_DIR", value: "/var/lib/postgresql/data/pgdata" },
    ]);
    assert.ok(!PGDATA_OWNERSHIP_SCRIPT.includes("/var/lib/postgresql"));
    assert.ok(!PGDATA_OWNERSHIP_SCRIPT.includes("$("), "the kubelet would expand $(NAME)");
  });

  it("localPath.node pins Harbor's pods to the node holding the volumes", () => {
    const { values } = valuesFor({ variant: "local-path", localPath: { node: "worker-1" } });
    assert.deepEqual(values.core?.nodeSelector, { "kubernetes.io/hostname": "worker-1" });
    assert.deepEqual(values.database?.internal?.nodeSelector, {
      "kubernetes.io/hostname": "worker-1",
    });
  });
});
