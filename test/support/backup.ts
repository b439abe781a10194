/**
 * Shared by the backup tests: a component built under mocks with every registration's options and
 * dependencies recorded, and the chart-derived values the backup pods rely on.
 */
import {
  evaluateProgram,
  findIn,
  installMocks,
  registrationOf,
  type MockRecorder,
  type RecordedRegistration,
  type RecordedResource,
} from "./harness";

export interface Built<T> {
  component: T;
  resources: RecordedResource[];
  registrations: RecordedRegistration[];
  /** The resource of that type and name (exactly one). */
  find(type: string, name: string): RecordedResource;
  /** Names of the resources in a registration's `dependsOn`. */
  dependencies(type: string, name: string): string[];
}

/** Builds a component under mocks and records what it declared. */
export async function build<T>(make: () => T): Promise<Built<T>> {
  const recorder: MockRecorder = { resources: [] };
  await installMocks(recorder);
  let component: T | undefined;
  const result = await evaluateProgram(recorder, () => {
    component = make();
    return {};
  });
  if (result.error !== undefined || component === undefined) throw result.error;
  const registrations = result.registrations;
  return {
    component,
    resources: recorder.resources,
    registrations,
    find: (type, name) => findIn(recorder.resources, type, name),
    dependencies: (type, name) => registrationOf(registrations, type, name).dependsOn,
  };
}

export const TYPES = {
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
  claim: "kubernetes:core/v1:PersistentVolumeClaim",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  cronJob: "kubernetes:batch/v1:CronJob",
  job: "kubernetes:batch/v1:Job",
  schedule: "kubernetes:velero.io/v1:Schedule",
  veleroBackup: "kubernetes:velero.io/v1:Backup",
} as const;

/** Labels of every backup object and pod. */
export const backupLabelsOf = (component: string) => ({
  "app.kubernetes.io/name": "harbor-backup",
  "app.kubernetes.io/component": component,
  "app.kubernetes.io/part-of": "harbor",
  "app.kubernetes.io/managed-by": "pulumi",
});

/** The `restricted` pod and container security every backup pod runs with (the registry's uid). */
export const POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 10000,
  runAsGroup: 10000,
  fsGroup: 10000,
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: { type: "RuntimeDefault" },
};
export const CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};
export const TOOLS_RESOURCES = {
  requests: { cpu: "100m", memory: "256Mi" },
  limits: { memory: "1Gi" },
};
export const KUBECTL_RESOURCES = {
  requests: { cpu: "50m", memory: "64Mi" },
  limits: { memory: "256Mi" },
};

/** The PG* environment of release `harbor`: the chart's database Service and Secret. */
export const HARBOR_DATABASE_ENV = [
  { name: "PGHOST", value: "harbor-database" },
  { name: "PGPORT", value: "5432" },
  { name: "PGUSER", value: "postgres" },
  { name: "PGDATABASE", value: "registry" },
  { name: "PGSSLMODE", value: "disable" },
  { name: "PGCONNECT_TIMEOUT", value: "30" },
  {
    name: "PGPASSWORD",
    valueFrom: { secretKeyRef: { name: "harbor-database", key: "POSTGRES_PASSWORD" } },
  },
];

export const SCRIPTS_VOLUME = {
  name: "scripts",
  configMap: { name: "harbor-backup-scripts", defaultMode: 0o555 },
};
export const SCRIPTS_MOUNT = { name: "scripts", mountPath: "/scripts", readOnly: true };
export const TMP_VOLUME = { name: "tmp", emptyDir: {} };
export const TMP_MOUNT = { name: "tmp", mountPath: "/tmp" };
