/**
 * The explicit Kubernetes provider against pulumi-kubernetes' own rules:
 *
 * - provider/pkg/provider/provider.go `DiffConfig`: the provider (and with it every resource it
 *   manages) is replaced when the kubeconfig's active cluster changes (util.go
 *   `getActiveClusterFromConfig`: its server, CA, ...), unless `clusterIdentifier` is set and
 *   unchanged; a changed identifier always replaces; a new `renderYamlToDirectory` replaces.
 * - provider/pkg/provider/diff.go `forceNewProperties`: a Secret's `type`/`stringData`/`data` and a
 *   ConfigMap's `data`/`binaryData` force a replacement unless `enableSecretMutable` /
 *   `enableConfigMapMutable` is on and the object is not `immutable`.
 * - provider.go `Configure`: every other setting (`upsertExistingObjects`, ...) is a provider input.
 *
 * The provider inputs are the ones the program registers under the mocks.
 */
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { defaultClusterIdentifier } from "../../components/provider";
import { projectFile, readStackFile, runProgram, type ProgramRun } from "../support/harness";
import { exampleRun } from "../support/example-stacks";

const PROVIDER = "pulumi:providers:kubernetes";
type Inputs = Record<string, unknown>;

interface Kubeconfig {
  "current-context"?: string;
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  contexts?: { name: string; context: { cluster: string } }[];
}

/** util.go `getActiveClusterFromConfig`. */
function activeCluster(inputs: Inputs): Record<string, unknown> | undefined {
  if (typeof inputs.kubeconfig !== "string") return undefined;
  const config = parse(inputs.kubeconfig) as Kubeconfig;
  if (!config.clusters?.length) return undefined;
  const contextName = (inputs.context as string | undefined) ?? config["current-context"];
  const context = config.contexts?.find((c) => c.name === contextName);
  if (!context) return undefined;
  const clusterName = (inputs.cluster as string | undefined) ?? context.context.cluster;
  return config.clusters.find((c) => c.name === clusterName)?.cluster;
}

/** provider.go `DiffConfig`: the keys that replace the provider (empty: an update or nothing). */
function diffConfigReplaces(olds: Inputs, news: Inputs): string[] {
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])];
  const changed = keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
  if (changed.length === 0) return [];
  const replaces: string[] = [];
  const id = "clusterIdentifier";
  if (changed.includes(id) && olds[id] !== undefined && news[id] !== undefined) replaces.push(id);
  const keepIdentifier = !changed.includes(id) && news[id] !== undefined;
  if (changed.includes("renderYamlToDirectory")) replaces.push("renderYamlToDirectory");
  const before = activeCluster(olds);
  const after = activeCluster(news);
  if (before && after && JSON.stringify(before) !== JSON.stringify(after)) {
    for (const key of ["kubeconfig", "context", "cluster"]) {
      if (changed.includes(key)) replaces.push(key);
    }
  }
  return keepIdentifier ? [] : replaces;
}

function kubeconfig(server: string, ca: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "current-context: admin@lab",
    "clusters:",
    `- name: lab\n  cluster:\n    server: ${server}\n    certificate-authority-data: ${ca}`,
    "contexts:",
    "- name: admin@lab\n  context:\n    cluster: lab\n    user: admin",
    "users:",
    "- name: admin\n  user:\n    token: fixture-token",
  ].join("\n");
}

async function providerInputs(
  config: Inputs,
  options: Partial<Parameters<typeof runProgram>[0]> = {},
) {
  const run: ProgramRun = await runProgram({ stack: "staging", config, ...options });
  return run.find(PROVIDER, "kubernetes").inputs;
}

const fromStack = (kc: string) =>
  providerInputs(
    {
      hostname: "harbor.example.com",
      kubernetes: { kubeconfigFromStack: { stack: "acme/cluster/prod" } },
    },
    { stackOutputs: { "acme/cluster/prod": { kubeconfig: kc } } },
  );

describe("Kubernetes provider: replacement on a kubeconfig change (provider.go DiffConfig)", function () {
  this.timeout(60_000);

  it("a new API server address and CA of the same cluster stack is an update, not a replacement", async () => {
    const before = await fromStack(kubeconfig("https://10.0.0.1:6443", "Q0EtMQ=="));
    const after = await fromStack(kubeconfig("https://api.lab.example.com:6443", "Q0EtMg=="));
    assert.equal(before.clusterIdentifier, "harbor");
    assert.deepEqual(diffConfigReplaces(before, after), []);
    // The rule itself: without the identifier the same change replaces everything.
    const strip = ({ clusterIdentifier: _, ...rest }: Inputs) => rest;
    assert.deepEqual(diffConfigReplaces(strip(before), strip(after)), ["kubeconfig"]);
  });

  it("a renamed context is an update; only a new kubernetes:clusterIdentifier replaces", async () => {
    const dev = readStackFile(projectFile("Pulumi.dev.yaml")).config;
    const lab = await providerInputs(dev, { otherConfig: { "kubernetes:context": "lab" } });
    const renamed = await providerInputs(dev, { otherConfig: { "kubernetes:context": "lab-2" } });
    assert.deepEqual(diffConfigReplaces(lab, renamed), []);
    const moved = await providerInputs(dev, {
      otherConfig: { "kubernetes:context": "lab-2", "kubernetes:clusterIdentifier": "lab-2" },
    });
    assert.deepEqual(diffConfigReplaces(lab, moved), ["clusterIdentifier"]);
  });

  it("a stack's own kubernetes:clusterIdentifier wins over the derived one", async () => {
    const dev = readStackFile(projectFile("Pulumi.dev.yaml")).config;
    const inputs = await providerInputs(dev, {
      otherConfig: { "kubernetes:context": "lab", "kubernetes:clusterIdentifier": "lab-cluster-1" },
    });
    assert.equal(inputs.clusterIdentifier, "lab-cluster-1");
  });

  it("render mode carries no identifier: a new directory re-renders everything", async () => {
    const gitops = (await exampleRun("gitops")).find(PROVIDER, "kubernetes").inputs;
    assert.equal(gitops.clusterIdentifier, undefined);
    assert.deepEqual(diffConfigReplaces(gitops, { ...gitops, renderYamlToDirectory: "other" }), [
      "renderYamlToDirectory",
    ]);
    assert.equal(defaultClusterIdentifier({ renderToDirectory: "out" }), undefined);
  });
});

/** diff.go `forceNewProperties` for Secrets and ConfigMaps, with the provider's settings. */
function forceNewData(kind: string, provider: Inputs, object: Inputs): string[] {
  const immutable = object.immutable === true;
  if (kind === "Secret" && (provider.enableSecretMutable !== "true" || immutable)) {
    return [".type", ".stringData", ".data"];
  }
  if (kind === "ConfigMap" && (provider.enableConfigMapMutable !== "true" || immutable)) {
    return [".binaryData", ".data"];
  }
  return [];
}

describe("Kubernetes provider: Secrets and ConfigMaps are patched in place (diff.go)", function () {
  this.timeout(60_000);

  for (const stack of ["dev", "prod", "gitops"] as const) {
    it(`${stack}: no Secret or ConfigMap the program declares is replaced when its data changes`, async () => {
      const run = await exampleRun(stack);
      const provider = run.find(PROVIDER, "kubernetes").inputs;
      const objects = run.resources.filter((r) =>
        /^kubernetes:core\/v1:(Secret|ConfigMap)$/.test(r.type),
      );
      assert.ok(objects.length >= 1, `${stack} declares a Secret or ConfigMap`);
      for (const r of objects) {
        assert.deepEqual(forceNewData(r.type.split(":")[2], provider, r.inputs), [], r.name);
      }
    });
  }

  it("a stack may turn it off (kubernetes:enableSecretMutable false), and passes its other settings", async () => {
    const dev = readStackFile(projectFile("Pulumi.dev.yaml")).config;
    const inputs = await providerInputs(dev, {
      otherConfig: {
        "kubernetes:enableSecretMutable": "false",
        "kubernetes:upsertExistingObjects": "true",
        "kubernetes:suppressHelmHookWarnings": "true",
        "kubernetes:helmReleaseSettings": '{"suppressBetaWarning":true}',
      },
    });
    assert.deepEqual(inputs, {
      enableSecretMutable: "false",
      enableConfigMapMutable: "true",
      upsertExistingObjects: "true",
      suppressHelmHookWarnings: "true",
      helmReleaseSettings: '{"suppressBetaWarning":true}',
      clusterIdentifier: "harbor",
    });
    assert.deepEqual(forceNewData("Secret", inputs, {}), [".type", ".stringData", ".data"]);
  });
});
