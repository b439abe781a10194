import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { mirrorImage } from "../lib/chart";
import { PART_OF_LABEL } from "../config/facts";

/**
 * rancher/local-path-provisioner, declared as Kubernetes resources (upstream publishes no Helm
 * repository). Pinned release; its objects follow upstream's `deploy/local-path-storage.yaml` and
 * chart of the same version, with names of its own so that it never meets a cluster's built-in one.
 */
export const LOCAL_PATH_PROVISIONER_VERSION = "v0.0.37";
export const LOCAL_PATH_PROVISIONER_IMAGE = `docker.io/rancher/local-path-provisioner:${LOCAL_PATH_PROVISIONER_VERSION}`;
/**
 * Image of the helper pods that create and remove volume directories on the nodes (upstream
 * leaves it unpinned; it only needs a POSIX shell).
 */
export const LOCAL_PATH_HELPER_IMAGE = "docker.io/library/busybox:1.37.0";

/** Object names inside the provisioner's own namespace (upstream's names). */
export const LOCAL_PATH_OBJECT_NAMES = {
  serviceAccount: "local-path-provisioner-service-account",
  role: "local-path-provisioner-role",
  roleBinding: "local-path-provisioner-bind",
  configMap: "local-path-config",
  deployment: "local-path-provisioner",
} as const;

/** Where the ConfigMap is mounted; the provisioner re-reads config.json and helperPod.yaml there. */
export const LOCAL_PATH_CONFIG_DIR = "/etc/config/";
export const LOCAL_PATH_HEALTH_PORT = 8080;

/** config.json's entry for every node without one of its own. */
export const DEFAULT_NODE_KEY = "DEFAULT_PATH_FOR_NON_LISTED_NODES";

export interface LocalPathProvisionerArgs {
  /** Namespace the component creates for the provisioner and its helper pods; unique per Harbor namespace. */
  namespace: string;
  /** Provisioner name (`--provisioner-name`) the StorageClass's `provisioner` must match. */
  provisionerName: string;
  /** Directory on every node under which volumes are created. */
  nodePath: string;
  /** Registry mirror for the provisioner and helper images (air-gapped sites). */
  imageRegistry?: string;
}

/** config.json: every node keeps its volumes under `nodePath`. */
export function localPathConfigJson(nodePath: string): string {
  return JSON.stringify({ nodePathMap: [{ node: DEFAULT_NODE_KEY, paths: [nodePath] }] }, null, 2);
}

/**
 * Helper pod script that creates a volume's directory. World-writable like upstream's: hostPath
 * volumes ignore fsGroup, and Harbor's components run as different non-root users.
 */
export const LOCAL_PATH_SETUP_SCRIPT = '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"\n';

/** Helper pod script that removes a volume's directory (only for reclaimPolicy Delete). */
export const LOCAL_PATH_TEARDOWN_SCRIPT = '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"\n';

/**
 * Template of the helper pods. The provisioner adds the hostPath volume, the node, the service
 * account and the command; the template must stay within what it accepts without
 * `--allow-unsafe-helper-pod-template` (one container, no volumes, no host namespaces).
 */
export function localPathHelperPodYaml(image: string): string {
  return [
    "apiVersion: v1",
    "kind: Pod",
    "metadata:",
    "  name: helper-pod",
    "spec:",
    "  priorityClassName: system-node-critical",
    "  tolerations:",
    "    - key: node.kubernetes.io/disk-pressure",
    "      operator: Exists",
    "      effect: NoSchedule",
    "  containers:",
    "    - name: helper-pod",
    `      image: ${JSON.stringify(image)}`,
    "      imagePullPolicy: IfNotPresent",
    "",
  ].join("\n");
}

/** The ConfigMap's data: config.json, the setup/teardown scripts and helperPod.yaml. */
export function localPathConfigData(args: LocalPathProvisionerArgs): Record<string, string> {
  return {
    "config.json": localPathConfigJson(args.nodePath),
    setup: LOCAL_PATH_SETUP_SCRIPT,
    teardown: LOCAL_PATH_TEARDOWN_SCRIPT,
    "helperPod.yaml": localPathHelperPodYaml(
      mirrorImage(LOCAL_PATH_HELPER_IMAGE, args.imageRegistry),
    ),
  };
}

/** Cluster-wide permissions: watch claims and classes, create and delete volumes. */
export const LOCAL_PATH_CLUSTER_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
  {
    apiGroups: [""],
    resources: ["nodes", "configmaps", "pods", "pods/log"],
    verbs: ["get", "list", "watch"],
  },
  {
    apiGroups: [""],
    resources: ["persistentvolumeclaims"],
    verbs: ["get", "list", "watch", "update"],
  },
  {
    apiGroups: [""],
    resources: ["persistentvolumes"],
    verbs: ["get", "list", "watch", "create", "patch", "update", "delete"],
  },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
  { apiGroups: ["storage.k8s.io"], resources: ["storageclasses"], verbs: ["get", "list", "watch"] },
];

/** Permissions in its own namespace: run the helper pods. */
export const LOCAL_PATH_NAMESPACE_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
  {
    apiGroups: [""],
    resources: ["pods"],
    verbs: ["get", "list", "watch", "create", "patch", "update", "delete"],
  },
];

/** The provisioner's container (pure; tests call it directly). */
export function localPathContainer(
  args: LocalPathProvisionerArgs,
): k8s.types.input.core.v1.Container {
  const healthProbe = (probePath: string) => ({
    httpGet: { path: probePath, port: "health" },
  });
  return {
    name: "local-path-provisioner",
    image: mirrorImage(LOCAL_PATH_PROVISIONER_IMAGE, args.imageRegistry),
    imagePullPolicy: "IfNotPresent",
    command: [
      "local-path-provisioner",
      "start",
      "--config",
      `${LOCAL_PATH_CONFIG_DIR}config.json`,
      "--provisioner-name",
      args.provisionerName,
      "--service-account-name",
      LOCAL_PATH_OBJECT_NAMES.serviceAccount,
      "--configmap-name",
      LOCAL_PATH_OBJECT_NAMES.configMap,
      "--helper-image",
      mirrorImage(LOCAL_PATH_HELPER_IMAGE, args.imageRegistry),
    ],
    env: [
      { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
      { name: "CONFIG_MOUNT_PATH", value: LOCAL_PATH_CONFIG_DIR },
      { name: "HEALTH_PORT", value: String(LOCAL_PATH_HEALTH_PORT) },
    ],
    ports: [{ name: "health", containerPort: LOCAL_PATH_HEALTH_PORT, protocol: "TCP" }],
    startupProbe: {
      ...healthProbe("/health"),
      initialDelaySeconds: 5,
      periodSeconds: 5,
      failureThreshold: 12,
    },
    livenessProbe: { ...healthProbe("/health"), initialDelaySeconds: 10, periodSeconds: 10 },
    readinessProbe: { ...healthProbe("/ready"), initialDelaySeconds: 5, periodSeconds: 5 },
    volumeMounts: [{ name: "config-volume", mountPath: LOCAL_PATH_CONFIG_DIR }],
    // The provisioner only talks to the API server; the helper pods do the host work.
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
  };
}

/**
 * rancher's local-path-provisioner in a namespace of its own, under a provisioner name of its
 * own: namespace, service account, RBAC, configuration and the Deployment.
 */
export class LocalPathProvisioner extends pulumi.ComponentResource {
  /** The provisioner's namespace, known once it exists. */
  public readonly namespace: pulumi.Output<string>;
  /** Provisioner name StorageClasses use. */
  public readonly provisionerName: string;
  /** Images it runs, as published (before any `imageRegistry` rewrite). */
  public readonly images: string[] = [LOCAL_PATH_PROVISIONER_IMAGE, LOCAL_PATH_HELPER_IMAGE];

  constructor(
    name: string,
    args: LocalPathProvisionerArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("harbor:storage:LocalPathProvisioner", name, {}, opts);
    const ns = args.namespace;
    const names = LOCAL_PATH_OBJECT_NAMES;
    const selector = {
      "app.kubernetes.io/name": "local-path-provisioner",
      "app.kubernetes.io/instance": ns,
    };
    const labels = {
      ...selector,
      "app.kubernetes.io/version": LOCAL_PATH_PROVISIONER_VERSION,
      ...PART_OF_LABEL,
      "app.kubernetes.io/managed-by": "pulumi",
    };

    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: ns,
          labels: {
            ...labels,
            // Helper pods mount the node's directory (hostPath).
            "pod-security.kubernetes.io/enforce": "privileged",
            "pod-security.kubernetes.io/audit": "privileged",
            "pod-security.kubernetes.io/warn": "privileged",
          },
        },
      },
      { parent: this },
    );
    const inNamespace = { parent: this, dependsOn: [namespace] };

    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-service-account`,
      { metadata: { name: names.serviceAccount, namespace: ns, labels } },
      inNamespace,
    );
    const subjects = [{ kind: "ServiceAccount", name: names.serviceAccount, namespace: ns }];

    const role = new k8s.rbac.v1.Role(
      `${name}-role`,
      { metadata: { name: names.role, namespace: ns, labels }, rules: LOCAL_PATH_NAMESPACE_RULES },
      inNamespace,
    );
    const roleBinding = new k8s.rbac.v1.RoleBinding(
      `${name}-role-binding`,
      {
        metadata: { name: names.roleBinding, namespace: ns, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: names.role },
        subjects,
      },
      { parent: this, dependsOn: [role, serviceAccount] },
    );
    // Cluster-scoped objects carry the namespace's name, which is unique per Harbor namespace.
    const clusterRole = new k8s.rbac.v1.ClusterRole(
      `${name}-cluster-role`,
      { metadata: { name: ns, labels }, rules: LOCAL_PATH_CLUSTER_RULES },
      { parent: this },
    );
    const clusterRoleBinding = new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-cluster-role-binding`,
      {
        metadata: { name: ns, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ns },
        subjects,
      },
      { parent: this, dependsOn: [clusterRole, serviceAccount] },
    );
    const config = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: names.configMap, namespace: ns, labels },
        data: localPathConfigData(args),
      },
      inNamespace,
    );

    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: names.deployment, namespace: ns, labels },
        spec: {
          replicas: 1,
          // The provisioner runs without leader election: never let two pods overlap.
          strategy: { type: "Recreate" },
          selector: { matchLabels: selector },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: names.serviceAccount,
              containers: [localPathContainer(args)],
              volumes: [{ name: "config-volume", configMap: { name: names.configMap } }],
            },
          },
        },
      },
      { parent: this, dependsOn: [config, roleBinding, clusterRoleBinding] },
    );

    this.namespace = namespace.metadata.name;
    this.provisionerName = args.provisionerName;
    this.registerOutputs({ namespace: this.namespace, provisionerName: this.provisionerName });
  }
}
