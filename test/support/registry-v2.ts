/**
 * A client of the distribution (`/v2`) protocol as `docker push`/`pull` speak it to Harbor: a
 * bearer token from Harbor's token service for the robot's user name and secret
 * (`/service/token?service=harbor-registry&scope=repository:<repo>:<actions>`), blob uploads
 * (POST then PUT with the digest), and the manifest.
 */
import { createHash, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";

const sha256 = (data: Buffer | string) =>
  `sha256:${createHash("sha256").update(data).digest("hex")}`;

/** A token for `scope`, or the HTTP status Harbor's token service answered instead. */
export async function registryToken(
  url: string,
  username: string,
  password: string,
  repository: string,
  actions: string,
): Promise<string> {
  const response = await fetch(
    `${url}/service/token?service=harbor-registry&scope=repository:${repository}:${actions}`,
    {
      headers: {
        Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`,
      },
    },
  );
  if (response.status !== 200) throw new Error(`token service answered ${response.status}`);
  const { token } = (await response.json()) as { token?: string };
  if (!token) throw new Error("token service answered no token");
  return token;
}

/** What a token's access claim grants on the repository (Harbor leaves out what is denied). */
export function grantedActions(token: string): string[] {
  const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")) as {
    access?: { actions?: string[] }[];
  };
  return (claims.access ?? []).flatMap((a) => a.actions ?? []).sort();
}

/**
 * Pushes a one-layer OCI image of content of its own (a new digest every push); answers its manifest
 * digest. Without `tag` it is pushed by digest: an untagged artifact.
 */
export async function pushImage(
  url: string,
  username: string,
  password: string,
  repository: string,
  tag: string | undefined,
): Promise<string> {
  const token = await registryToken(url, username, password, repository, "pull,push");
  const auth = { Authorization: `Bearer ${token}` };
  const layerText = Buffer.from(`hello harbor ${randomBytes(8).toString("hex")}`);
  const layer = gzipSync(layerText);
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      rootfs: { type: "layers", diff_ids: [sha256(layerText)] },
      config: {},
    }),
  );
  for (const blob of [config, layer]) {
    const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, {
      method: "POST",
      headers: auth,
    });
    if (start.status !== 202) throw new Error(`blob upload start answered ${start.status}`);
    const location = new URL(start.headers.get("location")!, url);
    location.searchParams.set("digest", sha256(blob));
    const put = await fetch(location, {
      method: "PUT",
      headers: { ...auth, "Content-Type": "application/octet-stream" },
      body: blob,
    });
    if (put.status !== 201) throw new Error(`blob upload answered ${put.status}`);
  }
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest: sha256(config),
      size: config.length,
    },
    layers: [
      {
        mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
        digest: sha256(layer),
        size: layer.length,
      },
    ],
  });
  const put = await fetch(`${url}/v2/${repository}/manifests/${tag ?? sha256(manifest)}`, {
    method: "PUT",
    headers: { ...auth, "Content-Type": "application/vnd.oci.image.manifest.v1+json" },
    body: manifest,
  });
  if (put.status !== 201)
    throw new Error(`manifest push answered ${put.status}: ${await put.text()}`);
  return sha256(manifest);
}

/** Pulls a tag's manifest and its layers; answers the manifest digest. */
export async function pullImage(
  url: string,
  username: string,
  password: string,
  repository: string,
  tag: string,
): Promise<string> {
  const token = await registryToken(url, username, password, repository, "pull");
  const auth = { Authorization: `Bearer ${token}` };
  const response = await fetch(`${url}/v2/${repository}/manifests/${tag}`, {
    headers: { ...auth, Accept: "application/vnd.oci.image.manifest.v1+json" },
  });
  if (response.status !== 200) throw new Error(`manifest pull answered ${response.status}`);
  const text = await response.text();
  const manifest = JSON.parse(text) as { layers: { digest: string }[]; config: { digest: string } };
  for (const digest of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
    const blob = await fetch(`${url}/v2/${repository}/blobs/${digest}`, { headers: auth });
    const data = Buffer.from(await blob.arrayBuffer());
    if (blob.status !== 200 || sha256(data) !== digest) {
      throw new Error(`blob ${digest} answered ${blob.status}`);
    }
  }
  return sha256(text);
}
