import * as assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import {
  LOCAL_PATH_HELPER_IMAGE,
  LOCAL_PATH_PROVISIONER_IMAGE,
  LocalPathProvisioner,
  localPathConfigData,
  localPathConfigJson,
  localPathContainer,
  localPathHelperPodYaml,
  type LocalPathProvisionerArgs,
} from "../../components/local-path-provisioner";
import { resolve } from "../support/harness";
import { declare } from "../support/storage";

const ARGS: LocalPathProvisionerArgs = {
  namespace: "harbor-local-path-provisioner",
  provisionerName: "rancher.io/local-path-harbor",
  nodePath: "/var/lib/harbor-volumes",
};
const MIRRORED: LocalPathProvisionerArgs = { ...ARGS, imageRegistry: "mirror.example.com:5000" };

const NS = "harbor-local-path-provisioner";
const LABELS = {
  "app.kubernetes.io/name": "local-path-provisioner",
  "app.kubernetes.io/instance": NS,
  "app.kubernetes.io/version": "v0.0.37",
  "app.kubernetes.io/part-of": "harbor",
  "app.kubernetes.io/managed-by": "pulumi",
};
const SUBJECTS = [
  { kind: "ServiceAccount", name: "local-path-provisioner-service-account", namespace: NS },
];

const HELPER_POD_YAML = `apiVersion: v1
kind: Pod
metadata:
  name: helper-pod
spec:
  priorityClassName: system-node-critical
  tolerations:
    - key: node.kubernetes.io/disk-pressure
      operator: Exists
      effect: NoSchedule
  containers:
    - name: helper-pod
      image: "docker.io/library/busybox:1.37.0"
      imagePullPolicy: IfNotPresent
`;

function declareProvisioner(args: LocalPathProvisionerArgs) {
  return declare((opts) => new LocalPathProvisioner("harbor-local-path", args, opts));
}

describe("LocalPathProvisioner: configuration (pure)", () => {
  it("pins the provisioner release and a helper image", () => {
    assert.equal(LOCAL_PATH_PROVISIONER_IMAGE, "docker.io/rancher/local-path-provisioner:v0.0.37");
    assert.equal(LOCAL_PATH_HELPER_IMAGE, "docker.io/library/busybox:1.37.0");
  });

  it("config.json maps every node to localPath.nodePath", () => {
    assert.equal(
      localPathConfigJson("/var/lib/harbor-volumes"),
      '{\n  "nodePathMap": [\n    {\n      "node": "DEFAULT_PATH_FOR_NON_LISTED_NODES",\n      "paths": [\n        "/var/lib/harbor-volumes"\n      ]\n    }\n  ]\n}',
    );
  });

  it("ConfigMap data: config.json, setup and teardown scripts, helperPod.yaml", () => {
    assert.deepEqual(localPathConfigData(ARGS), {
      "config.json": localPathConfigJson("/var/lib/harbor-volumes"),
      setup: '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"\n',
      teardown: '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"\n',
      "helperPod.yaml": HELPER_POD_YAML,
    });
  });

  it("helperPod.yaml stays within the template rules the provisioner enforces", () => {
    const pod = parseYaml(localPathHelperPodYaml(LOCAL_PATH_HELPER_IMAGE)) as {
      kind: string;
      spec: Record<string, unknown> & { containers: Record<string, unknown>[] };
    };
    assert.equal(pod.kind, "Pod");
    assert.equal(pod.spec.containers.length, 1);
    for (const forbidden of ["volumes", "initContainers", "nodeName", "serviceAccountName"]) {
      assert.equal(pod.spec[forbidden], undefined, forbidden);
    }
    for (const forbidden of ["volumeMounts", "securityContext", "envFrom"]) {
      assert.equal(pod.spec.containers[0][forbidden], undefined, forbidden);
    }
    assert.equal(pod.spec.containers[0].image, "docker.io/library/busybox:1.37.0");
  });

  it("a mirror rewrites the provisioner and helper images", () => {
    const data = localPathConfigData(MIRRORED);
    assert.equal(
      (parseYaml(data["helperPod.yaml"]) as { spec: { containers: { image: string }[] } }).spec
        .containers[0].image,
      "mirror.example.com:5000/library/busybox:1.37.0",
    );
    const container = localPathContainer(MIRRORED);
    assert.equal(container.image, "mirror.example.com:5000/rancher/local-path-provisioner:v0.0.37");
    const command = container.command as string[];
    assert.equal(
      command[command.indexOf("--helper-image") + 1],
      "mirror.example.com:5000/library/busybox:1.37.0",
    );
  });
});

describe("LocalPathProvisioner: resources", () => {
  it("declares exactly its objects, each with an explicit name", async () => {
    const run = await declareProvisioner(ARGS);
    assert.deepEqual(
      run.resources.map((r) => `${r.type} ${r.name}`).sort(),
      [
        "harbor:storage:LocalPathProvisioner harbor-local-path",
        "kubernetes:core/v1:Namespace harbor-local-path-namespace",
        "kubernetes:core/v1:ServiceAccount harbor-local-path-service-account",
        "kubernetes:rbac.authorization.k8s.io/v1:Role harbor-local-path-role",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole harbor-local-path-cluster-role",
        "kubernetes:core/v1:ConfigMap harbor-local-path-config",
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding harbor-local-path-role-binding",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding harbor-local-path-cluster-role-binding",
        "kubernetes:apps/v1:Deployment harbor-local-path-deployment",
      ].sort(),
    );
    for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
      assert.ok((r.inputs.metadata as { name?: string }).name, `${r.name} has no metadata.name`);
    }
    assert.equal(await resolve(run.component.namespace), NS);
    assert.equal(run.component.provisionerName, "rancher.io/local-path-harbor");
  });

  it("namespace admits the helper pods' hostPath (Pod Security privileged)", async () => {
    const run = await declareProvisioner(ARGS);
    assert.deepEqual(
      run.find("kubernetes:core/v1:Namespace", "harbor-local-path-namespace").inputs,
      {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
          name: NS,
          labels: {
            ...LABELS,
            "pod-security.kubernetes.io/enforce": "privileged",
            "pod-security.kubernetes.io/audit": "privileged",
            "pod-security.kubernetes.io/warn": "privileged",
          },
        },
      },
    );
  });

  it("RBAC: upstream's rules; cluster-scoped objects named after the namespace", async () => {
    const run = await declareProvisioner(ARGS);
    const rbac = "kubernetes:rbac.authorization.k8s.io/v1";
    assert.deepEqual(
      run.find("kubernetes:core/v1:ServiceAccount", "harbor-local-path-service-account").inputs,
      {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "local-path-provisioner-service-account", namespace: NS, labels: LABELS },
      },
    );
    assert.deepEqual(run.find(`${rbac}:Role`, "harbor-local-path-role").inputs, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "local-path-provisioner-role", namespace: NS, labels: LABELS },
      rules: [
        {
          apiGroups: [""],
          resources: ["pods"],
          verbs: ["get", "list", "watch", "create", "patch", "update", "delete"],
        },
      ],
    });
    assert.deepEqual(run.find(`${rbac}:RoleBinding`, "harbor-local-path-role-binding").inputs, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "local-path-provisioner-bind", namespace: NS, labels: LABELS },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "Role",
        name: "local-path-provisioner-role",
      },
      subjects: SUBJECTS,
    });
    assert.deepEqual(run.find(`${rbac}:ClusterRole`, "harbor-local-path-cluster-role").inputs, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: NS, labels: LABELS },
      rules: [
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
        {
          apiGroups: ["storage.k8s.io"],
          resources: ["storageclasses"],
          verbs: ["get", "list", "watch"],
        },
      ],
    });
    assert.deepEqual(
      run.find(`${rbac}:ClusterRoleBinding`, "harbor-local-path-cluster-role-binding").inputs,
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: NS, labels: LABELS },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: NS },
        subjects: SUBJECTS,
      },
    );
  });

  it("ConfigMap carries config.json with localPath.nodePath", async () => {
    const run = await declareProvisioner(ARGS);
    const cm = run.find("kubernetes:core/v1:ConfigMap", "harbor-local-path-config");
    assert.deepEqual(cm.inputs, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "local-path-config", namespace: NS, labels: LABELS },
      data: localPathConfigData(ARGS),
    });
    // deepEqual above narrowed cm.inputs to the expected shape.
    assert.deepEqual(JSON.parse(cm.inputs.data["config.json"]), {
      nodePathMap: [
        { node: "DEFAULT_PATH_FOR_NON_LISTED_NODES", paths: ["/var/lib/harbor-volumes"] },
      ],
    });
  });

  it("Deployment runs under the namespace's own provisioner name, one pod at a time", async () => {
    const run = await declareProvisioner(ARGS);
    const deployment = run.find("kubernetes:apps/v1:Deployment", "harbor-local-path-deployment");
    const health = (path: string) => ({ httpGet: { path, port: "health" } });
    assert.deepEqual(deployment.inputs, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "local-path-provisioner", namespace: NS, labels: LABELS },
      spec: {
        replicas: 1,
        strategy: { type: "Recreate" },
        selector: {
          matchLabels: {
            "app.kubernetes.io/name": "local-path-provisioner",
            "app.kubernetes.io/instance": NS,
          },
        },
        template: {
          metadata: { labels: LABELS },
          spec: {
            serviceAccountName: "local-path-provisioner-service-account",
            containers: [
              {
                name: "local-path-provisioner",
                image: "docker.io/rancher/local-path-provisioner:v0.0.37",
                imagePullPolicy: "IfNotPresent",
                command: [
                  "local-path-provisioner",
                  "start",
                  "--config",
                  "/etc/config/config.json",
                  "--provisioner-name",
                  "rancher.io/local-path-harbor",
                  "--service-account-name",
                  "local-path-provisioner-service-account",
                  "--configmap-name",
                  "local-path-config",
                  "--helper-image",
                  "docker.io/library/busybox:1.37.0",
                ],
                env: [
                  {
                    name: "POD_NAMESPACE",
                    valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } },
                  },
                  { name: "CONFIG_MOUNT_PATH", value: "/etc/config/" },
                  { name: "HEALTH_PORT", value: "8080" },
                ],
                ports: [{ name: "health", containerPort: 8080, protocol: "TCP" }],
                startupProbe: {
                  ...health("/health"),
                  initialDelaySeconds: 5,
                  periodSeconds: 5,
                  failureThreshold: 12,
                },
                livenessProbe: { ...health("/health"), initialDelaySeconds: 10, periodSeconds: 10 },
                readinessProbe: { ...health("/ready"), initialDelaySeconds: 5, periodSeconds: 5 },
                volumeMounts: [{ name: "config-volume", mountPath: "/etc/config/" }],
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
              },
            ],
            volumes: [{ name: "config-volume", configMap: { name: "local-path-config" } }],
          },
        },
      },
    });
  });

  it("the Deployment waits for its configuration and permissions", async () => {
    const run = await declareProvisioner(ARGS);
    const deps = run.options.get("harbor-local-path-deployment")?.dependsOn ?? [];
    const depNames = await Promise.all(deps.map((d) => resolve(d.urn)));
    assert.deepEqual(depNames.map((urn) => urn.split("::").pop()).sort(), [
      "harbor-local-path-cluster-role-binding",
      "harbor-local-path-config",
      "harbor-local-path-role-binding",
    ]);
  });

  it("with a mirror, every image comes from it", async () => {
    const run = await declareProvisioner(MIRRORED);
    const deployment = run.find("kubernetes:apps/v1:Deployment", "harbor-local-path-deployment");
    const spec = deployment.inputs.spec as {
      template: { spec: { containers: { image: string }[] } };
    };
    assert.equal(
      spec.template.spec.containers[0].image,
      "mirror.example.com:5000/rancher/local-path-provisioner:v0.0.37",
    );
    const cm = run.find("kubernetes:core/v1:ConfigMap", "harbor-local-path-config");
    assert.match(
      (cm.inputs.data as Record<string, string>)["helperPod.yaml"],
      /image: "mirror\.example\.com:5000\/library\/busybox:1\.37\.0"/,
    );
  });
});
