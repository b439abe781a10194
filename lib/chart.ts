/**
 * What the program builds from goharbor's `harbor` chart beyond its facts (config/facts.ts: the
 * supported versions and the names derived from the release): the claim and object names the
 * chart uses, and the images it runs.
 */
import { chartFullname } from "../config/facts";
import type { VolumeName } from "../config/types";

/** Names of the PersistentVolumeClaims the chart creates for a release (for `existingClaims`). */
export function chartClaimNames(releaseName: string): Record<VolumeName, string> {
  const full = chartFullname(releaseName);
  return {
    registry: `${full}-registry`,
    jobservice: `${full}-jobservice`,
    database: `database-data-${full}-database-0`,
    redis: `data-${full}-redis-0`,
    trivy: `data-${full}-trivy-0`,
  };
}

/** Harbor's images, by the chart value that holds each repository. */
export const HARBOR_IMAGES = {
  nginx: "nginx-photon",
  portal: "harbor-portal",
  core: "harbor-core",
  jobservice: "harbor-jobservice",
  registry: "registry-photon",
  registryctl: "harbor-registryctl",
  trivy: "trivy-adapter-photon",
  database: "harbor-db",
  redis: "redis-photon",
  exporter: "harbor-exporter",
} as const;

/** `<prefix>/goharbor/<image>`: where a mirror keeps Harbor's images. */
export function harborImageRepository(prefix: string, image: string): string {
  return `${prefix}/goharbor/${image}`;
}

/**
 * An image reference split into its registry (undefined for Docker Hub's short forms) and its
 * repository path with tag, Docker's way: the first part names a registry only when it has a dot,
 * a colon or is `localhost`; a single name is an official image under `library/`.
 */
function splitImage(image: string): { registry?: string; path: string } {
  const parts = image.split("/");
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0])) {
    return { registry: parts[0], path: parts.slice(1).join("/") };
  }
  return { path: parts.length === 1 ? `library/${image}` : image };
}

/**
 * An image reference with its registry spelled out, as a mirror tool (`skopeo copy`, `crane copy`)
 * needs it: `busybox:1.37.0` -> `docker.io/library/busybox:1.37.0`.
 */
export function fullImageRef(image: string): string {
  const { registry, path } = splitImage(image);
  return `${registry ?? "docker.io"}/${path}`;
}

/**
 * Rewrites an image reference to a mirror: `busybox:1.37.0` -> `mirror/library/busybox:1.37.0`,
 * `registry.k8s.io/sig-storage/x:v1` -> `mirror/sig-storage/x:v1`.
 */
export function mirrorImage(image: string, mirror: string | undefined): string {
  if (!mirror) return image;
  return `${mirror}/${splitImage(image).path}`;
}

/** An image the stack runs and where it is pulled from. */
export interface StackImage {
  /** The image as published, registry included. */
  source: string;
  /** Where the cluster pulls it: `source` rewritten to `harbor:imageRegistry`, or `source`. */
  mirror: string;
}

/** Each image once, in order, with the reference the cluster pulls (copy `source` to `mirror`). */
export function stackImages(sources: string[], mirror: string | undefined): StackImage[] {
  return [...new Set(sources.map(fullImageRef))].map((source) => ({
    source,
    mirror: mirrorImage(source, mirror),
  }));
}

/** Names of the objects the program creates beside the chart's, derived from the release name. */
export function harborObjectNames(releaseName: string): { tlsSecret: string; s3Secret: string } {
  const full = chartFullname(releaseName);
  return { tlsSecret: `${full}-tls`, s3Secret: `${full}-s3` };
}

/**
 * ConfigMaps in which the chart embeds an external Redis password (inside Redis URLs): core's and
 * jobservice's configuration, the registry's config.yml and the exporter's environment.
 */
export function configMapsWithRedisUrls(releaseName: string): string[] {
  const full = chartFullname(releaseName);
  return [`${full}-core`, `${full}-jobservice`, `${full}-registry`, `${full}-exporter-env`];
}
