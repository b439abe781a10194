/**
 * Names for the parts of the typed configuration. Every type here is derived from
 * `HarborConfig`, which is inferred from the zod schema (config/schema.ts) through `toHarborConfig`
 * (config/load.ts): a key added to the schema appears here without being written twice.
 */
import type { HarborConfig } from "./load";
import type { SecretInput } from "./secrets";

export type { HarborConfig, SecretInput };

/** A value that must stay a Pulumi secret in state and outputs. */
export type SecretString = SecretInput;

export type ExposeSpec = HarborConfig["expose"];
export type ExposeType = ExposeSpec["type"];
export type RouteParentRef = Extract<ExposeSpec, { type: "route" }>["route"]["parentRefs"][number];

export type TlsSpec = HarborConfig["tls"];
export type TlsMode = TlsSpec["mode"];
export type GeneratedTls = Extract<TlsSpec, { mode: "generated" }>;
export type ProvidedTls = Extract<TlsSpec, { mode: "provided" }>;
export type CaProvidedTls = Extract<TlsSpec, { mode: "ca-provided" }>;
export type DisabledTls = Extract<TlsSpec, { mode: "disabled" }>;
export type KeyAlgorithm = TlsSpec["keyAlgorithm"];

export type StorageSpec = HarborConfig["storage"];
export type StorageVariant = StorageSpec["variant"];
export type LocalPathStorage = Extract<StorageSpec, { variant: "local-path" }>;
export type NfsStorage = Extract<StorageSpec, { variant: "nfs" }>;
export type RookStorage = Extract<StorageSpec, { variant: "rook" }>;
export type ExistingStorage = Extract<StorageSpec, { variant: "existing" }>;
export type VolumeName = keyof StorageSpec["sizes"];
export type ReclaimPolicy = StorageSpec["reclaimPolicy"];
export type AccessMode = StorageSpec["accessMode"];

export type ChartSpec = HarborConfig["chart"];
export type DeployMode = HarborConfig["deployMode"];

export type AuthSpec = HarborConfig["auth"];
export type LdapAuth = Extract<AuthSpec, { mode: "ldap" }>;
export type OidcAuth = Extract<AuthSpec, { mode: "oidc" }>;

export type DatabaseSpec = HarborConfig["database"];
export type RedisSpec = HarborConfig["redis"];
export type ObjectStorageSpec = NonNullable<HarborConfig["objectStorage"]>;

export type ComponentName = keyof HarborConfig["replicas"];
export type SchedulingSpec = NonNullable<HarborConfig["scheduling"]>;
export type Toleration = SchedulingSpec["tolerations"][number];
export type ProxySpec = NonNullable<HarborConfig["proxy"]>;

export type TrustSpec = HarborConfig["trust"];
export type ContainerRuntime = TrustSpec["nodes"]["runtime"];
export type KubernetesSpec = HarborConfig["kubernetes"];

/**
 * Everything Harbor itself is built from: the configuration without `kubernetes`, which only
 * chooses the cluster (the provider `index.ts` builds). The `Harbor` component's arguments.
 */
export type HarborSettings = Omit<HarborConfig, "kubernetes">;
