import { strict as assert } from "node:assert";
import type { HarborValues } from "../../lib/harbor-values";
import {
  isSecretWrapper,
  projectFile,
  readStackFile,
  runProgram,
  type ProgramRun,
} from "../support/harness";
import { exampleRun, type ExampleStackName } from "../support/example-stacks";
import {
  CORE_HARBOR_IMAGE_NAMES,
  INTERNAL_SERVICE_IMAGE_NAMES,
  PROD_HARBOR_IMAGE_NAMES,
  goharborImages,
} from "../support/config";

/** `harbor:imageRegistry` of Pulumi.prod.yaml. */
const MIRROR = "mirror.example.com/dockerhub";
import { testChain } from "../support/fixtures/tls";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CHART = "kubernetes:helm.sh/v4:Chart";
const PROVIDER = "pulumi:providers:kubernetes";
/** Secrets and ConfigMaps patched in place (components/provider.ts), JSON-encoded by the SDK. */
const PATCH_IN_PLACE = { enableSecretMutable: "true", enableConfigMapMutable: "true" };

const runStack = (stack: ExampleStackName): Promise<ProgramRun> => exampleRun(stack);

describe("program: dev stack (single-node lab)", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runStack("dev");
  });

  it("exports the outputs other stacks read", () => {
    // chartValues is asserted against the Release's values in review.test.ts.
    const { adminPassword, caCertificate, chartValues, ...rest } = run.outputs;
    assert.equal(typeof chartValues, "object");
    assert.deepEqual(rest, {
      url: "https://192.168.56.10:30003",
      registry: "192.168.56.10:30003",
      hostname: "192.168.56.10",
      namespace: "harbor",
      releaseName: "harbor",
      chartVersion: "1.19.1",
      storageClassName: "harbor-local-path",
      tlsSecretName: "harbor-tls",
      adminUsername: "admin",
      clientTrustPaths: {
        docker: "/etc/docker/certs.d/192.168.56.10:30003/ca.crt",
        containerd: "/etc/containerd/certs.d/192.168.56.10:30003/",
      },
      // nodePort: nginx runs; the provisioner and its helper; the trust DaemonSet's busybox is
      // the helper's image, listed once. No mirror: each is pulled from where it is published.
      images: [
        ...goharborImages([
          "nginx-photon",
          ...CORE_HARBOR_IMAGE_NAMES,
          "trivy-adapter-photon",
          ...INTERNAL_SERVICE_IMAGE_NAMES,
        ]),
        "docker.io/rancher/local-path-provisioner:v0.0.37",
        "docker.io/library/busybox:1.37.0",
      ].map((source) => ({ source, mirror: source })),
      releaseStatus: {
        name: "harbor",
        namespace: "harbor",
        chart: "harbor",
        version: "1.19.1",
        status: "deployed",
        revision: 1,
      },
      // No registry content declared: empty, and no RegistryContent component.
      projects: [],
      robots: {},
      robotSecrets: {},
      dockerConfigJson: {},
    });
    assert.equal(run.ofType("harbor:content:RegistryContent").length, 0);
    assert.match(String(adminPassword), /^[A-Za-z0-9]{24}$/);
    assert.equal(
      caCertificate,
      run.find("tls:index/selfSignedCert:SelfSignedCert", "harbor-ca").state.certPem,
    );
  });

  it("only the admin password and the robot credentials are secret outputs", () => {
    assert.deepEqual(run.secretOutputs, ["adminPassword", "dockerConfigJson", "robotSecrets"]);
  });

  it("creates the namespace under Pod Security baseline, unprotected in dev", () => {
    const ns = run.find("kubernetes:core/v1:Namespace", "harbor-namespace");
    assert.deepEqual(ns.inputs.metadata, {
      name: "harbor",
      labels: {
        "app.kubernetes.io/part-of": "harbor",
        "app.kubernetes.io/managed-by": "pulumi",
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      },
    });
  });

  it("deploys Harbor as a helm.v3.Release whose values are a Pulumi secret", () => {
    const release = run.find(RELEASE, "harbor-release");
    assert.ok(isSecretWrapper(release.rawInputs.values));
    const values = release.inputs.values as Record<string, unknown>;
    assert.equal(values.externalURL, "https://192.168.56.10:30003");
    assert.equal((values.expose as { type: string }).type, "nodePort");
    assert.equal(run.ofType(CHART).length, 0);
  });

  it("every Kubernetes resource goes through the explicit provider", () => {
    const provider = run.find(PROVIDER, "kubernetes");
    assert.deepEqual(provider.inputs, { ...PATCH_IN_PLACE, clusterIdentifier: "harbor" });
    for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
      assert.match(
        String(r.provider),
        /pulumi:providers:kubernetes::kubernetes::/,
        `${r.type} ${r.name}`,
      );
    }
  });
});

describe("program: the kubernetes provider's own stack settings", () => {
  const devConfig = () => readStackFile(projectFile("Pulumi.dev.yaml")).config;

  it("`pulumi config set kubernetes:context lab` reaches the explicit provider", async () => {
    const run = await runProgram({
      stack: "dev",
      config: devConfig(),
      otherConfig: { "kubernetes:context": "lab", "kubernetes:enableServerSideApply": "true" },
    });
    // The provider resource sends its boolean settings to the engine JSON-encoded.
    assert.deepEqual(run.find(PROVIDER, "kubernetes").inputs, {
      ...PATCH_IN_PLACE,
      clusterIdentifier: "harbor",
      context: "lab",
      enableServerSideApply: "true",
    });
  });

  it("harbor:kubernetes.context overrides kubernetes:context", async () => {
    const run = await runProgram({
      stack: "dev",
      config: { ...devConfig(), kubernetes: { context: "prod-cluster" } },
      otherConfig: { "kubernetes:context": "lab" },
    });
    assert.deepEqual(run.find(PROVIDER, "kubernetes").inputs, {
      ...PATCH_IN_PLACE,
      clusterIdentifier: "harbor",
      context: "prod-cluster",
    });
  });

  it("kubernetes:kubeconfig reaches the provider as a secret", async () => {
    const kubeconfig = "apiVersion: v1\nkind: Config\n# lab cluster\n";
    const run = await runProgram({
      stack: "dev",
      config: devConfig(),
      otherConfig: { "kubernetes:kubeconfig": kubeconfig },
    });
    const provider = run.find(PROVIDER, "kubernetes");
    assert.deepEqual(provider.inputs, {
      ...PATCH_IN_PLACE,
      clusterIdentifier: "harbor",
      kubeconfig,
    });
    assert.ok(isSecretWrapper(provider.rawInputs.kubeconfig));
  });
});

describe("program: prod stack (production profile)", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runStack("prod");
  });

  it("targets the named kubeconfig context", () => {
    assert.deepEqual(run.find(PROVIDER, "kubernetes").inputs, {
      ...PATCH_IN_PLACE,
      clusterIdentifier: "harbor",
      context: "prod-cluster",
    });
  });

  it("lists the images to copy to the mirror: Harbor's and node trust's, no internal database or Redis", () => {
    const sources = goharborImages(PROD_HARBOR_IMAGE_NAMES);
    const mirrors = goharborImages(PROD_HARBOR_IMAGE_NAMES, "v2.15.1", MIRROR);
    assert.deepEqual(run.outputs.images, [
      ...sources.map((source, i) => ({ source, mirror: mirrors[i] })),
      { source: "docker.io/library/busybox:1.37.0", mirror: `${MIRROR}/library/busybox:1.37.0` },
    ]);
  });

  it("serves the operator's own chain: no CA generated, PEMs in the TLS secret", () => {
    const chain = testChain("registry.example.com");
    assert.equal(
      run.ofType("tls:index/selfSignedCert:SelfSignedCert").filter((r) => r.name === "harbor-ca")
        .length,
      0,
    );
    const secret = run.find("kubernetes:core/v1:Secret", "harbor-secret");
    assert.deepEqual(secret.inputs.stringData, {
      "tls.crt": chain.certificate,
      "tls.key": chain.privateKey,
      "ca.crt": chain.caCertificate,
    });
    assert.ok(isSecretWrapper(secret.rawInputs.stringData));
    assert.equal(run.outputs.caCertificate, chain.caCertificate);
  });

  it("puts LDAP, external services, object storage and replicas into Harbor's values", () => {
    const values = run.find(RELEASE, "harbor-release").inputs.values as HarborValues;
    const settings = JSON.parse(values.core?.configureUserSettings as string) as Record<
      string,
      unknown
    >;
    assert.equal(settings.auth_mode, "ldap_auth");
    assert.equal(settings.ldap_url, "ldaps://ldap.example.com");
    assert.equal(settings.ldap_search_password, "fixture-prod-ldap-bind-Vr8qLm2x");
    assert.equal(values.database?.external?.password, "fixture-prod-postgres-Qp4nZt7w");
    assert.equal(values.redis?.external?.sentinelMasterSet, "harbor");
    assert.equal(values.persistence?.imageChartStorage?.s3?.existingSecret, "harbor-s3");
    assert.deepEqual(
      [values.core?.replicas, values.registry?.replicas, values.portal?.replicas],
      [3, 3, 2],
    );
    assert.equal(
      values.core?.image?.repository,
      "mirror.example.com/dockerhub/goharbor/harbor-core",
    );
  });

  it("stores the S3 keys in their own Secret", () => {
    const s3 = run.find("kubernetes:core/v1:Secret", "harbor-s3");
    assert.deepEqual(s3.inputs.stringData, {
      REGISTRY_STORAGE_S3_ACCESSKEY: "FIXTUREPRODACCESS7K2M",
      REGISTRY_STORAGE_S3_SECRETKEY: "fixture-prod-s3-secret-Jd6wPb1c",
    });
    assert.ok(isSecretWrapper(s3.rawInputs.stringData));
  });

  it("uses the existing StorageClass without creating one", () => {
    assert.equal(run.ofType("kubernetes:storage.k8s.io/v1:StorageClass").length, 0);
    assert.equal(run.outputs.storageClassName, "ceph-block");
  });
});

describe("program: gitops stack (render to a directory)", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runStack("gitops");
  });

  it("renders through the provider instead of applying", () => {
    // No clusterIdentifier in render mode: a new directory must re-render (replace) everything.
    assert.deepEqual(run.find(PROVIDER, "kubernetes").inputs, {
      ...PATCH_IN_PLACE,
      renderYamlToDirectory: "rendered",
    });
  });

  it("uses helm.v4.Chart so the chart's objects are rendered too", () => {
    assert.equal(run.ofType(RELEASE).length, 0);
    const chart = run.find(CHART, "harbor-chart");
    assert.equal((chart.inputs.values as { expose: { type: string } }).expose.type, "route");
  });

  it("lets the Gateway's namespace use Harbor's certificate", () => {
    const grant = run.find(
      "kubernetes:gateway.networking.k8s.io/v1beta1:ReferenceGrant",
      "harbor-grant",
    );
    assert.deepEqual(grant.inputs, {
      apiVersion: "gateway.networking.k8s.io/v1beta1",
      kind: "ReferenceGrant",
      metadata: {
        name: "harbor-tls-gateways",
        namespace: "harbor",
        labels: { "app.kubernetes.io/part-of": "harbor" },
      },
      spec: {
        from: [{ group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "gateways" }],
        to: [{ group: "", kind: "Secret", name: "harbor-tls" }],
      },
    });
  });
});

describe("program: cluster from another stack", () => {
  it("reads the kubeconfig through a StackReference and keeps it secret", async () => {
    const run = await runProgram({
      config: {
        hostname: "harbor.example.com",
        kubernetes: { kubeconfigFromStack: { stack: "acme/cluster/prod" } },
      },
      stack: "staging",
      stackOutputs: { "acme/cluster/prod": { kubeconfig: "apiVersion: v1\nkind: Config\n" } },
    });
    const ref = run.find("pulumi:pulumi:StackReference", "kubernetes-cluster");
    assert.equal(ref.inputs.name, "acme/cluster/prod");
    const provider = run.find(PROVIDER, "kubernetes");
    assert.deepEqual(provider.inputs, {
      ...PATCH_IN_PLACE,
      clusterIdentifier: "harbor",
      kubeconfig: "apiVersion: v1\nkind: Config\n",
    });
    assert.ok(isSecretWrapper(provider.rawInputs.kubeconfig));
  });
});

describe("program: ha stack (CloudNativePG, Rook bucket, two replicas)", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runStack("ha");
  });

  it("declares the CloudNativePG Cluster and the bucket claim inside the Harbor component", () => {
    const cluster = run.find("kubernetes:postgresql.cnpg.io/v1:Cluster", "harbor-database-cluster");
    assert.deepEqual(cluster.inputs.metadata, {
      name: "harbor-postgres",
      namespace: "harbor",
      labels: { "app.kubernetes.io/part-of": "harbor", "app.kubernetes.io/managed-by": "pulumi" },
      annotations: { "pulumi.com/waitFor": "condition=Ready" },
    });
    const claim = run.find(
      "kubernetes:objectbucket.io/v1alpha1:ObjectBucketClaim",
      "harbor-bucket-claim",
    );
    assert.equal((claim.inputs.metadata as { namespace: string }).namespace, "harbor");
    const components = run.registrations
      .filter(
        (r) =>
          r.type === "harbor:database:CloudNativePgCluster" ||
          r.type === "harbor:storage:RookBucket",
      )
      .map((r) => [r.type, r.name, /[:$]harbor:index:Harbor::harbor$/.test(r.parentUrn)]);
    assert.deepEqual(components, [
      ["harbor:database:CloudNativePgCluster", "harbor-database", true],
      ["harbor:storage:RookBucket", "harbor-bucket", true],
    ]);
  });

  it("Harbor reads the database password from the operator's Secret, not from the program", () => {
    const values = run.find(CHART, "harbor-chart").inputs.values as HarborValues;
    assert.equal(values.database?.type, "external");
    assert.equal(values.database?.external?.existingSecret, "harbor-postgres-app");
    assert.equal(values.database?.external?.password, undefined);
  });
});
