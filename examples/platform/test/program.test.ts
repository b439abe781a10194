/**
 * The platform example tested the way its authors would test their own program: Pulumi's mock
 * runtime, the program module loaded under it, and only the package's public entries
 * (`@harbor-k8s/pulumi` and `@harbor-k8s/pulumi/testing`), never files of the repository.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "@harbor-k8s/pulumi";
import { HarborMocks, isSecretWrapper, type MockedResource } from "@harbor-k8s/pulumi/testing";

const INDEX = path.resolve(__dirname, "..", "index.ts");

/** Whether `needle` occurs in `value` outside every secret wrapper. */
function inPlainText(value: unknown, needle: string): boolean {
  if (isSecretWrapper(value)) return false;
  if (typeof value === "string") return value.includes(needle);
  if (Array.isArray(value)) return value.some((v) => inPlainText(v, needle));
  if (value !== null && typeof value === "object") {
    return Object.values(value).some((v) => inPlainText(v, needle));
  }
  return false;
}

/** Resource options the program gave, by resource name (a stack transformation sees them). */
const options = new Map<string, { protect?: boolean; retainOnDelete?: boolean }>();

type Program = Record<string, pulumi.Output<unknown>>;

function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Waits until the mocks saw no new registration for a few event-loop turns. */
async function settled(count: () => number): Promise<void> {
  for (let stable = 0, last = -1; stable < 20;) {
    await new Promise((r) => setImmediate(r));
    if (count() === last) stable++;
    else [stable, last] = [0, count()];
  }
}

/** Loads the program afresh with this `platform:` configuration, inside a stack. */
async function load(config: Record<string, string>): Promise<Program> {
  pulumi.runtime.setAllConfig(config, []);
  delete require.cache[INDEX];
  let program: Program = {};
  await pulumi.runtime.runInPulumiStack(() => {
    pulumi.runtime.registerStackTransformation((args) => {
      options.set(`${args.type}::${args.name}`, {
        protect: args.opts.protect,
        retainOnDelete: (args.opts as pulumi.CustomResourceOptions).retainOnDelete,
      });
      return undefined;
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    program = require(INDEX) as Program;
    return Promise.resolve({});
  });
  return program;
}

const CONFIG = {
  "platform:registryHostname": "registry.example.com",
  "platform:storageClass": "ceph-block",
  "platform:appNamespace": "shop",
};

describe("examples/platform: Harbor as a component of another program", function () {
  this.timeout(30_000);

  describe("under plain pulumi.runtime.setMocks (state = inputs)", () => {
    const seen: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
    let program: Program;
    before(async () => {
      await pulumi.runtime.setMocks(
        {
          newResource: (args) => {
            seen.push({
              type: args.type,
              name: args.name,
              inputs: args.inputs as Record<string, unknown>,
            });
            return { id: `${args.name}_id`, state: args.inputs as Record<string, unknown> };
          },
          call: (args) => args.inputs as Record<string, unknown>,
        },
        "platform",
        "example",
      );
      program = await load(CONFIG);
      await value(program.registry);
      await settled(() => seen.length);
    });

    it("registers Harbor's Helm release with the program's namespace", () => {
      const releases = seen.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
      assert.deepEqual(
        releases.map((r) => [r.name, r.inputs.namespace]),
        [["registry-release", "registry"]],
      );
    });

    it("exports the registry address and a secret admin password", async () => {
      assert.equal(await value(program.registry), "registry.example.com");
      assert.equal(await pulumi.isSecret(program.adminPassword), true);
    });
  });

  describe("under the package's HarborMocks", () => {
    let mocks: HarborMocks;
    let program: Program;
    before(async () => {
      mocks = new HarborMocks();
      await pulumi.runtime.setMocks(mocks, "platform", "example");
      program = await load(CONFIG);
      await value(program.registry);
      await settled(() => mocks.resources.length);
    });

    it("builds one harbor:index:Harbor named registry and its release component", () => {
      assert.deepEqual(
        mocks.ofType("harbor:index:Harbor").map((r) => [r.name, r.custom]),
        [["registry", false]],
      );
      assert.equal(mocks.ofType("harbor:core:HarborRelease").length, 1);
    });

    it("installs Harbor's chart in its namespace with the program's settings", () => {
      const release = mocks.find("kubernetes:helm.sh/v3:Release", "registry-release");
      assert.equal(release.inputs.namespace, "registry");
      const values = release.inputs.values as {
        externalURL: string;
        expose: { ingress: { className: string } };
        persistence: { persistentVolumeClaim: { registry: { storageClass: string } } };
        harborAdminPassword: string;
      };
      assert.equal(values.externalURL, "https://registry.example.com");
      assert.equal(values.expose.ingress.className, "nginx");
      assert.equal(values.persistence.persistentVolumeClaim.registry.storageClass, "ceph-block");
    });

    it("the application namespace gets Harbor's CA, and its Deployment pulls from Harbor", async () => {
      const ca = mocks
        .ofType("kubernetes:core/v1:ConfigMap")
        .find(
          (r: MockedResource) => (r.inputs.metadata as { namespace?: string }).namespace === "shop",
        );
      assert.ok(ca, "a CA ConfigMap in the shop namespace");
      // The generated CA's stand-in certificate, as HarborMocks answers for tls.SelfSignedCert.
      assert.match(
        String((ca.inputs.data as Record<string, string>)["ca.crt"]),
        /^-----BEGIN CERTIFICATE-----\n/,
      );
      assert.equal(
        await value(program.caCertificate),
        (ca.inputs.data as Record<string, string>)["ca.crt"],
      );
      const app = mocks.find("kubernetes:apps/v1:Deployment", "shop");
      const spec = app.inputs.spec as { template: { spec: { containers: { image: string }[] } } };
      assert.equal(
        spec.template.spec.containers[0].image,
        "registry.example.com/library/nginx:1.27",
      );
    });

    it("the RandomPassword's result is Harbor's admin password, a secret wherever it goes", async () => {
      const password = mocks.find("random:index/randomPassword:RandomPassword", "registry-admin");
      const secret = password.state.result as string;
      const release = mocks.find("kubernetes:helm.sh/v3:Release", "registry-release");
      assert.equal(
        (release.inputs.values as { harborAdminPassword: string }).harborAdminPassword,
        secret,
      );
      const carriers = mocks.resources.filter((r) => JSON.stringify(r.inputs).includes(secret));
      assert.deepEqual(
        carriers.map((r) => r.type),
        // The auth-mode guard asks Harbor's API (as admin) whether a mode change is safe.
        ["pulumi-nodejs:dynamic/harbor:AuthModeGuard", "kubernetes:helm.sh/v3:Release"],
      );
      for (const r of carriers) assert.equal(inPlainText(r.rawInputs, secret), false, r.type);
      assert.equal(await value(program.adminPassword), secret);
    });

    it("protect is the program's own choice, not derived from the stack's name", () => {
      const ns = mocks
        .ofType("kubernetes:core/v1:Namespace")
        .find((r) => (r.inputs.metadata as { name: string }).name === "registry");
      assert.ok(ns);
      // The example's stack is named "example": nothing about it is derived from that name.
      assert.deepEqual(options.get(`kubernetes:core/v1:Namespace::${ns.name}`), {
        protect: true,
        retainOnDelete: true,
      });
    });

    it("resources and chart values the program gives reach the release's values", () => {
      const release = mocks.find("kubernetes:helm.sh/v3:Release", "registry-release");
      const values = release.inputs.values as {
        imagePullSecrets: unknown;
        registry: { registry: { resources: unknown } };
        core: { resources: unknown };
      };
      assert.deepEqual(values.imagePullSecrets, [{ name: "mirror-pull" }]);
      assert.deepEqual(values.registry.registry.resources, {
        requests: { cpu: "250m", memory: "512Mi" },
      });
      assert.deepEqual(values.core.resources, { requests: { cpu: "100m", memory: "256Mi" } });
    });

    it("bad settings fail naming the component and the argument, before anything registers", async () => {
      const before = mocks.resources.length;
      await assert.rejects(
        load({ ...CONFIG, "platform:registryHostname": "Registry_Example" }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.message ===
            'Harbor "registry": args.hostname must be a lower-case DNS name or an IP address without scheme, port or path (harbor.example.com, 192.168.1.10), got "Registry_Example"',
      );
      assert.equal(
        mocks.resources.slice(before).filter((r) => r.type.startsWith("harbor:")).length,
        0,
      );
    });
  });
});
