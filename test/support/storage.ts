/**
 * Helpers for the storage tests: typed configurations from raw `harbor:` values, and components
 * declared under the recording mocks with the resource options each child received.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { HarborConfig, StorageSpec } from "../../config/types";
import {
  findIn,
  installMocks,
  settle,
  withoutStackTraces,
  type MockRecorder,
  type RecordedResource,
} from "./harness";
import { configOf, problemsOf as problemsOfConfig } from "./config";

/** Validates raw `harbor:` values (with a default hostname) and returns the typed config. */
export function configWith(raw: Record<string, unknown>, stack = "test"): HarborConfig {
  return configOf({ hostname: "harbor.example.com", ...raw }, {}, stack);
}

/** The typed storage spec for a raw `harbor:storage` value. */
export function storageOf(storage: Record<string, unknown>, namespace?: string): StorageSpec {
  return configWith({ storage, ...(namespace ? { namespace } : {}) }).storage;
}

/** The problem lines `loadConfig` reports (fails the test when the configuration is accepted). */
export function problemsOf(raw: Record<string, unknown>): string[] {
  return problemsOfConfig({ hostname: "harbor.example.com", ...raw });
}

/** Resource options a child was declared with, as a transformation sees them. */
export interface DeclaredOptions {
  type: string;
  dependsOn: pulumi.Resource[];
  protect?: boolean;
  retainOnDelete?: boolean;
}

/** What a component declared under the mocks. */
export interface Declared<T> {
  component: T;
  resources: RecordedResource[];
  /** Options per resource name. */
  options: Map<string, DeclaredOptions>;
  find(type: string, name: string): RecordedResource;
  ofType(type: string): RecordedResource[];
}

/**
 * Installs the recording mocks, builds a component through `make` (with a transformation that
 * records every descendant's options) and waits until every registration has completed.
 */
export function declare<T>(
  make: (opts: pulumi.ComponentResourceOptions) => T,
): Promise<Declared<T>> {
  return withoutStackTraces(() => declareWithMocks(make));
}

async function declareWithMocks<T>(
  make: (opts: pulumi.ComponentResourceOptions) => T,
): Promise<Declared<T>> {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder);
  const options = new Map<string, DeclaredOptions>();
  const component = make({
    transformations: [
      (args) => {
        const deps = args.opts.dependsOn;
        options.set(args.name, {
          type: args.type,
          dependsOn: (Array.isArray(deps) ? deps : deps ? [deps] : []) as pulumi.Resource[],
          protect: args.opts.protect,
          retainOnDelete: (args.opts as pulumi.CustomResourceOptions).retainOnDelete,
        });
        return undefined;
      },
    ],
  });
  await settle(recorder);
  const resources = recorder.resources;
  return {
    component,
    resources,
    options,
    find: (type, name) => findIn(resources, type, name),
    ofType: (type) => resources.filter((r) => r.type === type),
  };
}

/** Every label a program-created object carries. */
export const PROGRAM_LABELS = {
  "app.kubernetes.io/part-of": "harbor",
  "app.kubernetes.io/managed-by": "pulumi",
};

/** StorageClass inputs for the default rook settings (Rook in rook-ceph, pool harbor, ext4). */
export const ROOK_CLASS_INPUTS = {
  apiVersion: "storage.k8s.io/v1",
  kind: "StorageClass",
  metadata: { name: "harbor-rook", labels: PROGRAM_LABELS },
  reclaimPolicy: "Retain",
  provisioner: "rook-ceph.rbd.csi.ceph.com",
  parameters: {
    clusterID: "rook-ceph",
    pool: "harbor",
    imageFormat: "2",
    imageFeatures: "layering",
    "csi.storage.k8s.io/provisioner-secret-name": "rook-csi-rbd-provisioner",
    "csi.storage.k8s.io/provisioner-secret-namespace": "rook-ceph",
    "csi.storage.k8s.io/controller-expand-secret-name": "rook-csi-rbd-provisioner",
    "csi.storage.k8s.io/controller-expand-secret-namespace": "rook-ceph",
    "csi.storage.k8s.io/node-stage-secret-name": "rook-csi-rbd-node",
    "csi.storage.k8s.io/node-stage-secret-namespace": "rook-ceph",
    "csi.storage.k8s.io/fstype": "ext4",
  },
  volumeBindingMode: "Immediate",
  allowVolumeExpansion: true,
};

/** `storageClassArgs` of an nfs-subdir class in the `harbor` namespace (archive on, default pattern). */
export function nfsSubdirClassArgs(mountOptions: string[]) {
  return {
    provisioner: "k8s-sigs.io/nfs-subdir-external-provisioner-harbor",
    parameters: {
      archiveOnDelete: "true",
      pathPattern: "${.PVC.namespace}-${.PVC.name}",
    },
    volumeBindingMode: "Immediate",
    allowVolumeExpansion: true,
    mountOptions,
  };
}

/** StorageClass inputs of that class, named `harbor-nfs`, reclaiming with `Retain`. */
export function nfsSubdirClassInputs(mountOptions: string[]) {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "harbor-nfs", labels: PROGRAM_LABELS },
    reclaimPolicy: "Retain",
    ...nfsSubdirClassArgs(mountOptions),
  };
}

/** CephBlockPool inputs for the default rook settings: pool harbor in rook-ceph, 3 replicas per host. */
export const CEPH_POOL_INPUTS = {
  apiVersion: "ceph.rook.io/v1",
  kind: "CephBlockPool",
  metadata: { name: "harbor", namespace: "rook-ceph", labels: PROGRAM_LABELS },
  spec: { failureDomain: "host", replicated: { size: 3, requireSafeReplicaSize: true } },
};
