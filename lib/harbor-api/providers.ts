/**
 * Dynamic providers of the registry-content resources, one file per kind in `providers/`, built
 * with the two factories of `providers/common.ts`: collections (registry endpoints, projects,
 * members, robots, retention, immutable rules, replication: POST, on 409 adopt and PUT) and
 * singletons (GC and scan-all schedules, system settings).
 *
 * Each provider goes into the state as its module and the modules it imports, built from their
 * sources (lib/provider-module.ts, components/dynamic-resource.ts), and runs in a separate
 * process. So these modules and those they use at run time (client.ts, model.ts, config/facts.ts)
 * keep to plain functions and data: no classes, no module-level imports except each other (and
 * types); Node modules are required inside functions. A test runs every provider's code in a
 * fresh process.
 *
 * Reachability: create, update and delete first wait (bounded) for Harbor's health endpoint. A
 * read (every `pulumi preview`/`up` refreshes, see Pulumi.yaml) drops an object only on Harbor's
 * own "not found"; any other failure keeps the last known state and warns (common.ts `refreshed`).
 */
import type * as pulumi from "@pulumi/pulumi";
import { gcScheduleProvider } from "./providers/gc-schedule";
import { immutableRuleProvider } from "./providers/immutable-rule";
import { projectMemberProvider } from "./providers/member";
import { projectProvider } from "./providers/project";
import { registryEndpointProvider } from "./providers/registry-endpoint";
import { replicationProvider } from "./providers/replication";
import { retentionProvider } from "./providers/retention";
import { robotProvider } from "./providers/robot";
import { scanAllScheduleProvider } from "./providers/scan-all";
import { systemSettingsProvider } from "./providers/system-settings";

export { READ_TIMEOUT_SECONDS, alreadyExists, warn } from "./providers/common";
export { GC_SCHEDULE_ID } from "./providers/gc-schedule";
export { SCAN_ALL_SCHEDULE_ID } from "./providers/scan-all";
export { SYSTEM_SETTINGS_ID } from "./providers/system-settings";
export {
  gcScheduleProvider,
  immutableRuleProvider,
  projectMemberProvider,
  projectProvider,
  registryEndpointProvider,
  replicationProvider,
  retentionProvider,
  robotProvider,
  scanAllScheduleProvider,
  systemSettingsProvider,
};

/** Every provider, by the resource type name it backs. */
export const PROVIDERS: Record<string, pulumi.dynamic.ResourceProvider> = {
  RegistryEndpoint: registryEndpointProvider,
  Project: projectProvider,
  ProjectMember: projectMemberProvider,
  Robot: robotProvider,
  Retention: retentionProvider,
  ImmutableTagRule: immutableRuleProvider,
  Replication: replicationProvider,
  GcSchedule: gcScheduleProvider,
  ScanAllSchedule: scanAllScheduleProvider,
  SystemSettings: systemSettingsProvider,
};
