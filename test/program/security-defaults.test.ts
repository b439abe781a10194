/**
 * Security defaults, checked on what the program declares (every example stack, found anew on each
 * run, plus focused configurations): generated credentials, key algorithms and sizes, certificate
 * lifetimes, and no privileged or host-touching workloads beyond the opt-in node-trust DaemonSet.
 */
import assert from "node:assert/strict";
import { posix } from "node:path";
import { ConfigError } from "../../config/errors";
import { rawConfigSchema } from "../../config/schema";
import { runProgram, tryRunProgram, type ProgramRun, type StackConfig } from "../support/harness";
import {
  EXAMPLE_STACKS,
  exampleRun,
  exampleStacks,
  type ExampleStackName,
} from "../support/example-stacks";

const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
const PRIVATE_KEY = "tls:index/privateKey:PrivateKey";
const SERVER_CERT = "tls:index/locallySignedCert:LocallySignedCert";
const HELM = /^kubernetes:helm\.sh\/v[34]:(Release|Chart)$/;
const WORKLOAD =
  /^kubernetes:(apps\/v1:(Deployment|DaemonSet|StatefulSet|ReplicaSet)|core\/v1:(Pod|ReplicationController)|batch\/v1:(Job|CronJob))$/;
const MAX_SERVER_DAYS = 397;
/** Where docker and containerd look for per-registry CAs unless `trust.nodes.hostsDir` says. */
const DEFAULT_HOSTS_DIRS = ["/etc/containerd/certs.d", "/etc/docker/certs.d"];

const LAB: StackConfig = {
  stack: "dev",
  config: {
    hostname: "192.168.56.10",
    expose: { type: "nodePort" },
    trust: { nodes: { enabled: true } },
  },
};

/** Every path in `value` where `key` holds a value matching `test`. */
function findKey(
  value: unknown,
  key: string,
  test: (v: unknown) => boolean,
  at = "",
): { path: string; value: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findKey(v, key, test, `${at}[${i}]`));
  if (!value || typeof value !== "object") return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const path = at ? `${at}.${k}` : k;
    const here = k === key && test(v) ? [{ path, value: v }] : [];
    return [...here, ...findKey(v, key, test, path)];
  });
}

/** The parsed key of a generated tls PrivateKey: `ECDSA P256`, `RSA 4096`. */
function keySpec(inputs: Record<string, unknown>): string {
  return inputs.algorithm === "RSA"
    ? `RSA ${String(inputs.rsaBits)}`
    : `${String(inputs.algorithm)} ${String(inputs.ecdsaCurve)}`;
}

function assertStrongKey(spec: string, where: string): void {
  const rsa = /^RSA (\d+)$/.exec(spec);
  assert.ok(
    spec === "ECDSA P256" || spec === "ECDSA P384" || (rsa !== null && Number(rsa[1]) >= 3072),
    `${where}: ${spec} is not ECDSA P-256/P-384 or RSA >= 3072`,
  );
}

/** Whether a recorded DaemonSet is the opt-in node-trust DaemonSet. */
function isNodeTrust(run: ProgramRun, r: ProgramRun["resources"][number]): boolean {
  const reg = (run.registrations ?? []).find((g) => g.type === r.type && g.name === r.name);
  const labels = (r.inputs.metadata as { labels?: Record<string, string> } | undefined)?.labels;
  return (
    r.type === "kubernetes:apps/v1:DaemonSet" &&
    (reg?.parentUrn.includes("harbor:trust:NodeTrust") === true ||
      labels?.["app.kubernetes.io/component"] === "node-trust")
  );
}

/** Privileged containers and shared host namespaces anywhere in a run's inputs (values too). */
export function privilegeViolations(run: ProgramRun): string[] {
  const found: string[] = [];
  for (const r of run.resources) {
    const where = `${r.type}::${r.name}`;
    for (const hit of findKey(r.inputs, "privileged", (v) => v === true || v === "true")) {
      found.push(`${where} ${hit.path}`);
    }
    for (const hostNs of ["hostNetwork", "hostPID", "hostIPC"]) {
      for (const hit of findKey(r.inputs, hostNs, (v) => v === true || v === "true")) {
        found.push(`${where} ${hit.path}`);
      }
    }
  }
  return found;
}

/**
 * hostPath volumes a run declares that are not the node-trust DaemonSet's one per-registry
 * directory (which may only exist when `harbor:trust.nodes.enabled` is true). Harbor's chart
 * values must never carry one.
 */
export function hostPathViolations(
  run: ProgramRun,
  nodeTrust: { enabled: boolean; hostsDir?: string },
): string[] {
  const trustDirs = [nodeTrust.hostsDir, ...DEFAULT_HOSTS_DIRS].filter((d) => d !== undefined);
  const found: string[] = [];
  for (const r of run.resources) {
    const mounts = findKey(r.inputs, "hostPath", () => true);
    if (mounts.length === 0) continue;
    const where = `${r.type}::${r.name}`;
    if (!WORKLOAD.test(r.type) || !isNodeTrust(run, r)) {
      found.push(`${where} mounts hostPath ${JSON.stringify(mounts.map((m) => m.value))}`);
      continue;
    }
    if (!nodeTrust.enabled) found.push(`${where} exists although harbor:trust.nodes is off`);
    for (const m of mounts) {
      const p = String((m.value as { path?: string }).path).replace(/\/+$/, "");
      if (!trustDirs.includes(posix.dirname(p)) || posix.basename(p) === "..") {
        found.push(`${where} mounts ${p}, not a per-registry trust directory`);
      }
    }
  }
  return found;
}

describe("security defaults", () => {
  const stacks = exampleStacks();
  const runs = new Map<string, ProgramRun>();
  const runOf = async (stack: StackConfig & { stack: string }) => {
    if (!runs.has(stack.stack)) {
      const example = (EXAMPLE_STACKS as readonly string[]).includes(stack.stack);
      runs.set(
        stack.stack,
        example ? await exampleRun(stack.stack as ExampleStackName) : await runProgram(stack),
      );
    }
    return runs.get(stack.stack)!;
  };

  describe("generated credentials", () => {
    it("the admin password is at least 20 letters and digits with every class Harbor requires", async () => {
      const run = await runProgram(LAB);
      const admin = run.ofType(RANDOM_PASSWORD).filter((r) => r.name.endsWith("-adminPassword"));
      assert.equal(admin.length, 1);
      const inputs = admin[0].inputs;
      assert.ok(Number(inputs.length) >= 20, `length ${String(inputs.length)}`);
      assert.equal(inputs.special, false, "letters and digits only (safe in YAML, env and shells)");
      for (const min of ["minUpper", "minLower", "minNumeric"]) {
        assert.ok(Number(inputs[min]) >= 1, `${min} must be at least 1`);
      }
      const result = String(admin[0].state.result);
      assert.match(result, /^[A-Za-z0-9]{20,}$/);
      assert.ok(
        rawConfigSchema.shape.adminPassword.safeParse(result).success,
        "the generated password passes Harbor's own rule",
      );
    });

    it("every generated credential is alphanumeric and long; secretKey is exactly 16", async () => {
      for (const stack of stacks) {
        const run = await runOf(stack);
        const passwords = run.ofType(RANDOM_PASSWORD);
        assert.ok(passwords.length >= 8, `${stack.stack}: ${passwords.length} passwords`);
        for (const p of passwords) {
          assert.equal(p.inputs.special, false, `${stack.stack} ${p.name}: special`);
          const length = Number(p.inputs.length);
          if (p.name.endsWith("-secretKey")) assert.equal(length, 16, "Harbor needs 16");
          else assert.ok(length >= 20, `${stack.stack} ${p.name}: length ${length}`);
        }
      }
    });
  });

  describe("keys and certificates", () => {
    const CANDIDATES = [
      "ECDSA-P224",
      "ECDSA-P256",
      "ECDSA-P384",
      "ECDSA-P521",
      "RSA-1024",
      "RSA-2048",
      "RSA-3072",
      "RSA-4096",
      "ED25519",
    ];
    const DOCUMENTED = ["ECDSA-P256", "ECDSA-P384", "RSA-3072", "RSA-4096"];

    it("every keyAlgorithm the config accepts gives ECDSA P-256/P-384 or RSA >= 3072 CA and server keys", async () => {
      const accepted: string[] = [];
      for (const algorithm of CANDIDATES) {
        const attempt = await tryRunProgram({
          ...LAB,
          config: { ...LAB.config, tls: { mode: "generated", keyAlgorithm: algorithm } },
        });
        if (attempt.error !== undefined) {
          assert.ok(
            attempt.error instanceof ConfigError,
            attempt.error instanceof Error ? attempt.error.message : JSON.stringify(attempt.error),
          );
          assert.match(attempt.error.problems.join("\n"), /^harbor:tls\.keyAlgorithm /m);
          continue;
        }
        accepted.push(algorithm);
        const keys = attempt.run!.ofType(PRIVATE_KEY).filter((r) => !r.name.endsWith("-token-key"));
        assert.deepEqual(keys.map((k) => k.name.replace(/^harbor-/, "")).sort(), [
          "ca-key",
          "server-key",
        ]);
        for (const key of keys) assertStrongKey(keySpec(key.inputs), `${algorithm} ${key.name}`);
      }
      for (const algorithm of DOCUMENTED) assert.ok(accepted.includes(algorithm), algorithm);
      for (const weak of ["ECDSA-P224", "RSA-1024", "RSA-2048"]) {
        assert.ok(!accepted.includes(weak), `${weak} must be rejected`);
      }
    });

    it("every example stack: token key RSA 4096, CA/server keys strong, server certificates <= 397 days", async () => {
      for (const stack of stacks) {
        const run = await runOf(stack);
        const token = run.ofType(PRIVATE_KEY).filter((r) => r.name.endsWith("-token-key"));
        assert.equal(token.length, 1, `${stack.stack}: one token key`);
        assert.equal(keySpec(token[0].inputs), "RSA 4096", "Harbor signs tokens with RS256");
        for (const key of run.ofType(PRIVATE_KEY).filter((r) => r !== token[0])) {
          assertStrongKey(keySpec(key.inputs), `${stack.stack} ${key.name}`);
        }
        for (const cert of run.ofType(SERVER_CERT)) {
          const hours = Number(cert.inputs.validityPeriodHours);
          const early = Number(cert.inputs.earlyRenewalHours);
          assert.ok(hours > 0 && hours <= MAX_SERVER_DAYS * 24, `${stack.stack}: ${hours} h`);
          assert.ok(early < hours, `${stack.stack}: renewal window ${early} h of ${hours} h`);
          assert.ok(
            !(cert.inputs.allowedUses as string[]).includes("cert_signing"),
            "a server certificate cannot sign certificates",
          );
        }
      }
    });

    it("the configuration refuses server certificates longer than 397 days", async () => {
      const tooLong = await tryRunProgram({
        ...LAB,
        config: { ...LAB.config, tls: { validityDays: MAX_SERVER_DAYS + 1 } },
      });
      assert.ok(tooLong.error instanceof ConfigError);
      assert.deepEqual(tooLong.error.problems, [
        "harbor:tls.validityDays must be 1-397 days (browsers reject longer server certificates), got 398",
      ]);
      assert.equal(tooLong.resources.length, 0);

      const longest = await runProgram({
        ...LAB,
        config: { ...LAB.config, tls: { validityDays: MAX_SERVER_DAYS } },
      });
      const certs = longest.ofType(SERVER_CERT);
      assert.equal(certs.length, 1);
      assert.equal(certs[0].inputs.validityPeriodHours, MAX_SERVER_DAYS * 24);
    });
  });

  describe("workloads", () => {
    const all = () => [...stacks, { ...LAB, stack: "lab-trust" }];

    it("no container anywhere (Harbor values or declared workloads) is privileged", async () => {
      let inspected = 0;
      for (const stack of all()) {
        const run = await runOf(stack);
        assert.ok(
          run.resources.some((r) => HELM.test(r.type)),
          `${stack.stack}: no Helm release or chart`,
        );
        assert.deepEqual(privilegeViolations(run), [], stack.stack);
        inspected += run.resources.length;
      }
      assert.ok(inspected > 50, `only ${inspected} resources inspected`);
    });

    it("only the opt-in node-trust DaemonSet mounts hostPath, and only its trust directory", async () => {
      for (const stack of all()) {
        const run = await runOf(stack);
        const trust = stack.config.trust as
          { nodes?: { enabled?: boolean | string; hostsDir?: string } } | undefined;
        const enabled = trust?.nodes?.enabled === true || trust?.nodes?.enabled === "true";
        assert.deepEqual(
          hostPathViolations(run, { enabled, hostsDir: trust?.nodes?.hostsDir }),
          [],
          stack.stack,
        );
      }
    });

    describe("the checks themselves", () => {
      const resource = (type: string, name: string, inputs: Record<string, unknown>) => ({
        type,
        name,
        inputs,
        rawInputs: inputs,
        state: {},
      });
      const fakeRun = (resources: ReturnType<typeof resource>[]): ProgramRun => ({
        resources,
        outputs: {},
        secretOutputs: [],
        find: () => assert.fail("unused"),
        ofType: (t) => resources.filter((r) => r.type === t),
        registrations: [],
        requests: [],
      });
      const podSpec = (volumes: unknown[], securityContext: Record<string, unknown> = {}) => ({
        spec: {
          template: {
            spec: { containers: [{ name: "c", image: "x:1", securityContext }], volumes },
          },
        },
      });
      const nodeTrust = (path: string) =>
        resource("kubernetes:apps/v1:DaemonSet", "harbor-node-trust-daemonset", {
          metadata: { labels: { "app.kubernetes.io/component": "node-trust" } },
          ...podSpec([{ name: "registry-dir", hostPath: { path } }]),
        });

      it("flag hostPath outside the node-trust DaemonSet, or when trust is off", () => {
        const on = { enabled: true };
        const deployment = resource(
          "kubernetes:apps/v1:Deployment",
          "sneaky",
          podSpec([{ name: "root", hostPath: { path: "/" } }]),
        );
        assert.equal(hostPathViolations(fakeRun([deployment]), on).length, 1);
        const ok = nodeTrust("/etc/containerd/certs.d/harbor.example.com:30003/");
        assert.deepEqual(hostPathViolations(fakeRun([ok]), on), []);
        assert.equal(hostPathViolations(fakeRun([ok]), { enabled: false }).length, 1);
        assert.equal(hostPathViolations(fakeRun([nodeTrust("/var/lib/kubelet")]), on).length, 1);
        const custom = nodeTrust("/srv/certs.d/harbor.example.com");
        assert.equal(hostPathViolations(fakeRun([custom]), on).length, 1);
        assert.deepEqual(
          hostPathViolations(fakeRun([custom]), { enabled: true, hostsDir: "/srv/certs.d" }),
          [],
        );
      });

      it("flag privileged containers and shared host namespaces", () => {
        const privileged = resource(
          "kubernetes:apps/v1:DaemonSet",
          "p",
          podSpec([], { privileged: true }),
        );
        const hostNetwork = resource("kubernetes:core/v1:Pod", "n", {
          spec: { hostNetwork: true },
        });
        const fine = resource(
          "kubernetes:apps/v1:Deployment",
          "f",
          podSpec([], { privileged: false }),
        );
        assert.equal(privilegeViolations(fakeRun([privileged, hostNetwork, fine])).length, 2);
      });
    });
  });
});
