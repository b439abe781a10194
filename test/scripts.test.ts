/**
 * The helper scripts the README documents, run as an operator would (`npx ts-node scripts/...`):
 * they must work from a stack file alone and print what the program declares.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { PROD_HARBOR_IMAGE_NAMES, goharborImages } from "./helpers";
import { PROJECT_ROOT } from "./support/example-stacks";

function script(name: string, ...args: string[]): string {
  return execFileSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join("scripts", name), ...args],
    { cwd: PROJECT_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
}

describe("scripts", function () {
  this.timeout(30_000);

  it("images.ts prints `<source> <mirror>` for every image the prod stack runs", () => {
    const lines = script("images.ts", "Pulumi.prod.yaml").trimEnd().split("\n");
    const mirrors = goharborImages(
      PROD_HARBOR_IMAGE_NAMES,
      "v2.15.1",
      "mirror.example.com/dockerhub",
    );
    assert.deepEqual(
      lines,
      goharborImages(PROD_HARBOR_IMAGE_NAMES).map((source, i) => `${source} ${mirrors[i]}`),
    );
  });

  it("render-values.ts prints the dev stack's chart values as YAML", () => {
    const values = parse(script("render-values.ts", "Pulumi.dev.yaml")) as {
      expose: { type: string; tls: { certSource: string } };
      externalURL: string;
    };
    assert.equal(values.expose.type, "nodePort");
    assert.equal(values.expose.tls.certSource, "secret");
    assert.equal(values.externalURL, "https://192.168.56.10:30003");
  });

  it("a bad stack file fails with the loader's message, not a stack trace", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "harbor-scripts-"));
    const file = path.join(dir, "Pulumi.lab.yaml");
    writeFileSync(
      file,
      "config:\n  harbor:hostname: harbor.lab\n  harbor:expose:\n    type: nodePort\n    nodePort:\n      https: 443\n",
    );
    try {
      assert.throws(
        () => script("images.ts", file),
        (err: { status: number; stderr: string }) => {
          assert.equal(err.status, 1);
          assert.match(err.stderr, /harbor:expose\.nodePort\.https must be 30000-32767, got 443/);
          assert.doesNotMatch(err.stderr, /^\s+at /m);
          return true;
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
