/**
 * Configuration of the high-availability back ends: `harbor:database` `{type: cloudnative-pg}`,
 * `harbor:objectStorage` `{type: rook}` and the replica rules, with their defaults and the exact
 * error text of every refusal (each naming the key and saying what is expected).
 */
import { strict as assert } from "node:assert";
import { quantityValue } from "../../config/ha";
import { configOf, problemsOf } from "../support/config";

const host = { hostname: "harbor.example.com" };

describe("config: database.type cloudnative-pg", () => {
  it("defaults: three instances, the pinned PostgreSQL 17 image, sensible resources", () => {
    const c = configOf({ ...host, database: { type: "cloudnative-pg" } });
    assert.deepEqual(c.database, {
      type: "cloudnative-pg",
      instances: 3,
      imageName: "ghcr.io/cloudnative-pg/postgresql:17.9-system-trixie",
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } },
    });
  });

  it("takes instances, size, className, imageName and resources", () => {
    const c = configOf({
      ...host,
      database: {
        type: "cloudnative-pg",
        instances: 5,
        size: "40Gi",
        className: "ceph-block",
        imageName: "ghcr.io/cloudnative-pg/postgresql:16.13-standard-trixie",
        resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
      },
    });
    assert.deepEqual(c.database, {
      type: "cloudnative-pg",
      instances: 5,
      size: "40Gi",
      className: "ceph-block",
      imageName: "ghcr.io/cloudnative-pg/postgresql:16.13-standard-trixie",
      resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
    });
  });

  const refusals: [string, Record<string, unknown>, string[], Record<string, string>?][] = [
    [
      "instances are 1-9",
      { database: { type: "cloudnative-pg", instances: 0 } },
      [
        "harbor:database.instances must be an integer 1-9 (one primary and up to eight standbys), got 0",
      ],
    ],
    [
      "size is a quantity",
      { database: { type: "cloudnative-pg", size: "20GB" } },
      [
        'harbor:database.size must be a Kubernetes quantity such as 20Gi (units Ki, Mi, Gi, Ti), got "20GB"',
      ],
    ],
    [
      "the image tag carries the PostgreSQL major version",
      {
        database: { type: "cloudnative-pg", imageName: "ghcr.io/cloudnative-pg/postgresql:latest" },
      },
      [
        'harbor:database.imageName must be an image whose tag starts with the PostgreSQL major version (14, 15, 16, 17, 18), such as ghcr.io/cloudnative-pg/postgresql:17.9-system-trixie: CloudNativePG reads the version from the tag, got "ghcr.io/cloudnative-pg/postgresql:latest"',
      ],
    ],
    [
      "a major version CloudNativePG 1.29 no longer supports",
      { database: { type: "cloudnative-pg", imageName: "postgres:13.22" } },
      [
        'harbor:database.imageName must be an image whose tag starts with the PostgreSQL major version (14, 15, 16, 17, 18), such as ghcr.io/cloudnative-pg/postgresql:17.9-system-trixie: CloudNativePG reads the version from the tag, got "postgres:13.22"',
      ],
    ],
    [
      "a CPU quantity",
      { database: { type: "cloudnative-pg", resources: { requests: { cpu: "half" } } } },
      [
        'harbor:database.resources.requests.cpu must be a CPU quantity such as 500m or 2, got "half"',
      ],
    ],
    [
      "a limit is not below its request",
      {
        database: {
          type: "cloudnative-pg",
          resources: { requests: { cpu: "2", memory: "2Gi" }, limits: { cpu: "1500m" } },
        },
      },
      [
        'harbor:database.resources.limits.cpu must be at least harbor:database.resources.requests.cpu (2); Kubernetes refuses a limit below its request, got "1500m"',
        'harbor:database.resources.limits.memory must be at least harbor:database.resources.requests.memory (2Gi); Kubernetes refuses a limit below its request, got "1Gi"',
      ],
    ],
    [
      "unknown keys are refused",
      { database: { type: "cloudnative-pg", instanceCount: 3 } },
      [
        "harbor:database.instanceCount is not a known key; harbor:database takes type, instances, size, className, imageName, resources",
      ],
    ],
    [
      "its settings without the type",
      { database: { instances: 3 } },
      [
        "harbor:database.type must be set to cloudnative-pg: instances is given, but the default internal takes none of that",
      ],
    ],
    [
      "no databasePassword: the operator makes the password",
      { database: { type: "cloudnative-pg" } },
      ["harbor:databasePassword is only used when harbor:database.type is external"],
      { databasePassword: "fixture-db-secret-value" },
    ],
    [
      "the release name gives a Cluster name CloudNativePG accepts",
      // 36 characters: the chart's own names fit, the Cluster's (52) does not.
      { releaseName: "r".repeat(36), database: { type: "cloudnative-pg" } },
      [
        `harbor:releaseName names the CloudNativePG Cluster ${"r".repeat(36)}-harbor-postgres, which is longer than 50 characters (CloudNativePG wants a DNS-1035 label of at most 50 characters); choose a shorter release name that starts with a letter, got "${"r".repeat(36)}"`,
      ],
    ],
    [
      "the Cluster name starts with a letter",
      { releaseName: "1harbor", database: { type: "cloudnative-pg" } },
      [
        `harbor:releaseName must be a lower-case DNS-1035 label of at most 53 characters (letters, digits, '-'; starting with a letter, because Kubernetes Service names derive from it), got "1harbor"`,
        'harbor:releaseName names the CloudNativePG Cluster 1harbor-postgres, which does not start with a letter (CloudNativePG wants a DNS-1035 label of at most 50 characters); choose a shorter release name that starts with a letter, got "1harbor"',
      ],
    ],
    [
      "an adopted internal-database claim is not silently ignored",
      {
        database: { type: "cloudnative-pg" },
        storage: { existingClaims: { database: "database-data-harbor-database-0" } },
      },
      [
        'harbor:storage.existingClaims.database is only used by the internal database; a CloudNativePG Cluster creates its own volumes (move the data with pg_dump and the Cluster\'s import bootstrap, see docs/high-availability.md), got "database-data-harbor-database-0"',
      ],
    ],
  ];
  for (const [title, raw, expected, secrets] of refusals) {
    it(`refuses: ${title}`, () => {
      assert.deepEqual(problemsOf({ ...host, ...raw }, secrets), expected);
    });
  }
});

describe("config: objectStorage.type rook", () => {
  it("an object store by name (its namespaces default to rook-ceph in the component's arguments)", () => {
    const c = configOf({
      ...host,
      objectStorage: { type: "rook", objectStoreName: "harbor-store" },
    });
    assert.deepEqual(c.objectStorage, { type: "rook", objectStoreName: "harbor-store" });
  });

  it("or an existing bucket class", () => {
    const c = configOf({
      ...host,
      objectStorage: { type: "rook", bucketClassName: "rook-bucket" },
    });
    assert.deepEqual(c.objectStorage, { type: "rook", bucketClassName: "rook-bucket" });
  });

  it("s3 stays the default type", () => {
    const c = configOf({ ...host, objectStorage: { bucket: "harbor" } });
    assert.equal(c.objectStorage?.type, "s3");
  });

  const refusals: [string, Record<string, unknown>, string[], Record<string, string>?][] = [
    [
      "needs an object store or a bucket class",
      { objectStorage: { type: "rook" } },
      [
        "harbor:objectStorage.objectStoreName is required when harbor:objectStorage.type is rook: name the CephObjectStore to claim the bucket from, or set harbor:objectStorage.bucketClassName to an existing bucket StorageClass",
      ],
    ],
    [
      "not both",
      { objectStorage: { type: "rook", objectStoreName: "store", bucketClassName: "rook-bucket" } },
      [
        'harbor:objectStorage.bucketClassName cannot be combined with harbor:objectStorage.objectStoreName (store): the program either creates a bucket class for that object store or uses an existing class; set one of them, got "rook-bucket"',
      ],
    ],
    [
      "namespaces only with an object store",
      {
        objectStorage: {
          type: "rook",
          bucketClassName: "rook-bucket",
          objectStoreNamespace: "ceph",
          operatorNamespace: "rook",
        },
      },
      [
        'harbor:objectStorage.objectStoreNamespace is only used with harbor:objectStorage.objectStoreName (an existing bucket class already names its object store and provisioner), got "ceph"',
        'harbor:objectStorage.operatorNamespace is only used with harbor:objectStorage.objectStoreName (an existing bucket class already names its object store and provisioner), got "rook"',
      ],
    ],
    [
      "names are Kubernetes names",
      { objectStorage: { type: "rook", objectStoreName: "Harbor_Store" } },
      [
        "harbor:objectStorage.objectStoreName must be a lower-case DNS-1123 label of at most 63 characters (letters, digits, '-'), got \"Harbor_Store\"",
      ],
    ],
    [
      "its settings without the type",
      { objectStorage: { objectStoreName: "store" } },
      [
        "harbor:objectStorage.type must be set to rook: objectStoreName is given, but the default s3 takes none of that",
      ],
    ],
    [
      "an unknown type",
      { objectStorage: { type: "gcs", bucket: "harbor" } },
      ['harbor:objectStorage.type must be one of s3, rook, got "gcs"'],
    ],
    [
      "no S3 keys: the claim's own Secret holds them",
      { objectStorage: { type: "rook", objectStoreName: "store" } },
      [
        "harbor:s3AccessKey is not used when harbor:objectStorage.type is rook: the registry reads the keys from the Secret Rook creates for the bucket claim",
        "harbor:s3SecretKey is not used when harbor:objectStorage.type is rook: the registry reads the keys from the Secret Rook creates for the bucket claim",
      ],
      { s3AccessKey: "FIXTUREACCESSKEY0001", s3SecretKey: "fixture-s3-secret-value" },
    ],
  ];
  for (const [title, raw, expected, secrets] of refusals) {
    it(`refuses: ${title}`, () => {
      assert.deepEqual(problemsOf({ ...host, ...raw }, secrets), expected);
    });
  }
});

describe("config: replicas", () => {
  it("jobservice scales on ReadWriteOnce storage (it logs to the database then)", () => {
    const c = configOf({ ...host, replicas: { jobservice: 3 } });
    assert.equal(c.replicas.jobservice, 3);
  });

  it("the registry scales on a Rook bucket, on S3 and on ReadWriteMany storage", () => {
    for (const raw of [
      { objectStorage: { type: "rook", objectStoreName: "store" } },
      { objectStorage: { bucket: "harbor" } },
      { storage: { variant: "existing", className: "cephfs", accessMode: "ReadWriteMany" } },
    ]) {
      assert.equal(configOf({ ...host, ...raw, replicas: { registry: 2 } }).replicas.registry, 2);
    }
  });

  it("refuses a replicated registry whose blobs would sit on one ReadWriteOnce volume", () => {
    assert.deepEqual(
      problemsOf({
        ...host,
        storage: { variant: "existing", className: "ceph-block" },
        replicas: { registry: 2 },
      }),
      [
        "harbor:replicas.registry must be 1 unless registry blobs are shared: every registry pod must see every blob, and a ReadWriteOnce volume (harbor:storage.variant existing) attaches to one node only; set harbor:objectStorage (s3, or rook for a Rook-Ceph bucket), or use ReadWriteMany storage (harbor:storage.variant nfs), got 2",
      ],
    );
  });
});

describe("config/ha.ts: quantityValue", () => {
  it("reads CPU and memory quantities", () => {
    assert.equal(quantityValue("250m"), 0.25);
    assert.equal(quantityValue("2"), 2);
    assert.equal(quantityValue("1.5"), 1.5);
    assert.equal(quantityValue("512Mi"), 512 * 2 ** 20);
    assert.equal(quantityValue("1Gi"), 2 ** 30);
    assert.equal(quantityValue("2G"), 2e9);
    assert.ok(Number.isNaN(quantityValue("2GB")));
  });
});
