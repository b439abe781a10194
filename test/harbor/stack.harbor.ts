/**
 * The whole-stack path against a real Harbor: the RegistryContent component is evaluated under
 * the shared mock runtime (scripts/runtime/mock-runtime.ts), and each dynamic resource it declares
 * is then driven as the engine drives it: its serialized provider (`__provider`) loaded in a fresh
 * module as @pulumi/pulumi's dynamic provider host does (cmd/dynamic-provider/index.js:
 * `require`s the text and calls `handler()`), create in dependency order with the real IDs of what
 * it depends on, read (refresh) and diff, then a second `up` with changed settings (diff, update),
 * then destroy in reverse order.
 */
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceProvider } from "@pulumi/pulumi/dynamic";
import { RegistryContent } from "../../components/registry-content";
import { parseRegistryContent } from "../../config/registry-content";
import {
  evaluateProgram,
  installMocks,
  type MockRecorder,
  type RecordedResource,
} from "../../scripts/runtime/mock-runtime";
import { portal } from "../support/fixtures/harbor-lifecycle";
import { type Box, sharedBox, skipReason } from "../support/harbor-box";
import { pullImage, pushImage } from "../support/registry-v2";

type Props = Record<string, unknown>;
const DYNAMIC = "pulumi-nodejs:dynamic/harbor:";

class Release extends pulumi.CustomResource {
  constructor(name: string) {
    super("kubernetes:helm.sh/v3:Release", name, {});
  }
}

/** The stack's registry-content keys, with the box as the registry endpoint's upstream. */
function content(url: string, quota: string, workers: number) {
  return {
    registries: { upstream: { type: "docker-registry", url } },
    projects: {
      shop: {
        quota,
        retention: { keepLatest: 5 },
        immutableTags: ["v*"],
      },
    },
    robots: { deployer: { projects: { shop: ["pull", "push"] }, expiresDays: 90 } },
    replications: {
      "pull-upstream": {
        direction: "pull",
        registry: "upstream",
        filters: { name: "library/**" },
        destinationNamespace: "shop",
        trigger: "manual",
      },
    },
    gc: { schedule: "0 3 * * 6", workers },
    system: { projectCreation: "adminonly" },
  };
}

/** The dynamic resources the component declares, with their serialized providers. */
async function declare(box: Box, quota: string, workers: number): Promise<RecordedResource[]> {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder);
  const attempt = await evaluateProgram(recorder, () => {
    const release = new Release("harbor-release");
    new RegistryContent("harbor-content", {
      content: parseRegistryContent(content(box.url, quota, workers), {
        authMode: "database",
        trivyEnabled: true,
        nodeTrust: { enabled: false, runtime: "containerd" },
      }),
      authMode: "database",
      apiUrl: box.url,
      caCertificate: "",
      adminPassword: box.adminPassword,
      registry: new URL(box.url).host,
      releaseName: "harbor",
      dependsOn: [release],
    });
    return {};
  });
  if (attempt.error !== undefined) throw attempt.error as Error;
  return recorder.resources.filter((r) => r.type.startsWith(DYNAMIC));
}

const reason = skipReason();

(reason ? describe.skip : describe)(
  `whole stack: RegistryContent's providers driven as the engine would (${reason ?? process.env.HARBOR_BOX})`,
  function () {
    this.timeout(180000);
    let box: Box;
    let dir: string;

    before(async function () {
      box = await sharedBox();
      dir = mkdtempSync(path.join(tmpdir(), "harbor-stack-"));
    });
    after(function () {
      rmSync(dir, { recursive: true, force: true });
    });

    /** The provider the host would run: the serialized text as a module, `handler()`. */
    const loaded = new Map<string, ResourceProvider>();
    function providerOf(r: RecordedResource): ResourceProvider {
      const text = String(r.rawInputs.__provider);
      const key = r.type;
      if (!loaded.has(key)) {
        const file = path.join(dir, `${key.slice(DYNAMIC.length)}.js`);
        writeFileSync(file, text);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        loaded.set(key, (require(file) as { handler(): ResourceProvider }).handler());
      }
      return loaded.get(key)!;
    }

    it("create, refresh without a diff, a second up that updates in place, and destroy", async function () {
      const first = await declare(box, "10Gi", 1);
      assert.deepEqual(first.map((r) => r.type.slice(DYNAMIC.length)).sort(), [
        "GcSchedule",
        "ImmutableTagRule",
        "Project",
        "RegistryEndpoint",
        "Replication",
        "Retention",
        "Robot",
        "SystemSettings",
      ]);
      // The mocks give each resource the ID `<name>-id`; the engine gives the real one.
      const realId = new Map<string, string>();
      const placeholder = (r: RecordedResource) => `${r.name}-id`;
      const inputsOf = (r: RecordedResource): Props => {
        const swap = (v: unknown): unknown => {
          if (typeof v === "string") return realId.get(v) ?? v;
          if (Array.isArray(v)) return v.map(swap);
          if (v && typeof v === "object") {
            return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
          }
          return v;
        };
        return swap(r.inputs) as Props;
      };
      const waits = (r: RecordedResource, pending: RecordedResource[]) =>
        pending.some((p) => p !== r && JSON.stringify(r.inputs).includes(`"${placeholder(p)}"`));

      // `pulumi up`: create in dependency order.
      const state = new Map<string, { id: string; outs: Props }>();
      const order: RecordedResource[] = [];
      let pending = [...first];
      while (pending.length > 0) {
        const ready = pending.filter((r) => !waits(r, pending));
        assert.ok(ready.length > 0, "a dependency cycle");
        for (const r of ready) {
          const created = await providerOf(r).create(inputsOf(r));
          state.set(r.name, { id: created.id, outs: created.outs as Props });
          realId.set(placeholder(r), created.id);
          order.push(r);
        }
        pending = pending.filter((r) => !ready.includes(r));
      }

      // `pulumi preview` (refresh, then diff against the same program): nothing to do.
      for (const r of order) {
        const s = state.get(r.name)!;
        const read = await providerOf(r).read!(s.id, s.outs);
        assert.equal(read.id, s.id, r.name);
        const diff = await providerOf(r).diff!(s.id, read.props as Props, inputsOf(r));
        assert.equal(diff.changes, false, `${r.name}: ${JSON.stringify(diff)}`);
        state.set(r.name, { id: s.id, outs: read.props as Props });
      }

      // The robot Harbor issued works through /v2.
      const robot = state.get("harbor-content-robot-deployer")!.outs;
      const digest = await pushImage(
        box.url,
        "robot$deployer",
        String(robot.secret),
        "shop/app",
        "1.0",
      );
      assert.equal(
        await pullImage(box.url, "robot$deployer", String(robot.secret), "shop/app", "1.0"),
        digest,
      );
      await portal(
        { url: box.url, adminPassword: box.adminPassword } as never,
        "DELETE",
        "/projects/shop/repositories/app",
      );

      // A second `pulumi up` with a larger quota and more GC workers: two in-place updates.
      const second = await declare(box, "20Gi", 2);
      const changed: string[] = [];
      for (const r of second) {
        const s = state.get(r.name)!;
        const news = inputsOf(r);
        const diff = await providerOf(r).diff!(s.id, s.outs, news);
        assert.deepEqual(diff.replaces, [], r.name);
        if (!diff.changes) continue;
        changed.push(r.name);
        const updated = await providerOf(r).update!(s.id, s.outs, news);
        state.set(r.name, { id: s.id, outs: updated.outs as Props });
      }
      assert.deepEqual(changed.sort(), ["harbor-content-gc", "harbor-content-project-shop"]);
      const quotas = await portal<{ hard: { storage: number } }[]>(
        { url: box.url, adminPassword: box.adminPassword } as never,
        "GET",
        `/quotas?reference=project&reference_id=${state.get("harbor-content-project-shop")!.id}`,
      );
      assert.equal(quotas[0].hard.storage, 20 * 2 ** 30);

      // `pulumi destroy`: dependents first.
      for (const r of [...order].reverse()) {
        const s = state.get(r.name)!;
        await providerOf(r).delete!(s.id, s.outs);
      }
      for (const r of order) {
        const s = state.get(r.name)!;
        const read = await providerOf(r).read!(s.id, s.outs);
        const gone = read.id === "" || (read.props as Props).present === false;
        if (r.type.endsWith("SystemSettings")) {
          assert.equal((read.props as Props).projectCreationRestriction, "everyone");
        } else {
          assert.ok(gone, `${r.name} is gone after destroy`);
        }
      }
    });
  },
);
