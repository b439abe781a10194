/**
 * Harbor objects as Pulumi resources: dynamic resources backed by the providers in
 * lib/harbor-api/providers.ts, which call Harbor's v2.0 API (no provider plugin to download).
 *
 * Each resource takes its settings and the connection (`apiUrl`, `apiCaCertificate`,
 * `adminPassword` (a secret), `healthTimeoutSeconds`). Dependents reference a project or registry
 * endpoint by its Pulumi `id` (Harbor's numeric ID), which stays known in a preview of an update,
 * so a quota change does not show the project's members as replaced.
 */
import type * as pulumi from "@pulumi/pulumi";
import type {
  GcScheduleInputs,
  ImmutableRuleInputs,
  ProjectInputs,
  ProjectMemberInputs,
  RegistryEndpointInputs,
  ReplicationInputs,
  RetentionInputs,
  RobotInputs,
  ScanAllScheduleInputs,
  SystemSettingsInputs,
} from "../lib/harbor-api/model";
import {
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
} from "../lib/harbor-api/providers";
import { type AuthModeInputs, authModeGuardProvider } from "../lib/harbor-api/providers/auth-mode";
import { DynamicResource } from "./dynamic-resource";

/** The inputs of a provider, each one a Pulumi Input. */
export type Args<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** Module of the dynamic resources' type tokens: `pulumi-nodejs:dynamic/harbor:<Type>`. */
export const DYNAMIC_MODULE = "harbor";

/** Outputs that are secrets in the state and in the resources' outputs. */
const CONNECTION_SECRETS = ["adminPassword"];

function secretOptions(
  opts: pulumi.CustomResourceOptions | undefined,
  extra: string[] = [],
): pulumi.CustomResourceOptions {
  return {
    ...opts,
    additionalSecretOutputs: [
      ...CONNECTION_SECRETS,
      ...extra,
      ...(opts?.additionalSecretOutputs ?? []),
    ],
  };
}

/** A registry endpoint (`harbor:registries.<name>`): an upstream for proxy caches and replication. */
export class HarborRegistryEndpoint extends DynamicResource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly type: pulumi.Output<string>;
  declare public readonly registryId: pulumi.Output<number>;

  constructor(
    name: string,
    args: Args<RegistryEndpointInputs>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      registryEndpointProvider,
      name,
      { ...args, registryId: undefined },
      secretOptions(opts, ["accessSecret"]),
      DYNAMIC_MODULE,
      "RegistryEndpoint",
    );
  }
}

/** A project (`harbor:projects.<name>`), optionally a proxy cache of a registry endpoint. */
export class HarborProject extends DynamicResource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly projectId: pulumi.Output<number>;

  constructor(name: string, args: Args<ProjectInputs>, opts?: pulumi.CustomResourceOptions) {
    super(
      projectProvider,
      name,
      { ...args, projectId: undefined },
      secretOptions(opts),
      DYNAMIC_MODULE,
      "Project",
    );
  }
}

/** A project member: a user, an LDAP group (by DN) or an OIDC group, with a role. */
export class HarborProjectMember extends DynamicResource {
  declare public readonly role: pulumi.Output<string>;

  constructor(name: string, args: Args<ProjectMemberInputs>, opts?: pulumi.CustomResourceOptions) {
    super(
      projectMemberProvider,
      name,
      { ...args },
      secretOptions(opts),
      DYNAMIC_MODULE,
      "ProjectMember",
    );
  }
}

/** A system-level robot account; `secret` is the credential Harbor shows once (a secret). */
export class HarborRobot extends DynamicResource {
  declare public readonly username: pulumi.Output<string>;
  declare public readonly robotId: pulumi.Output<number>;
  declare public readonly secret: pulumi.Output<string>;
  /** Unix time the secret expires, -1 never. */
  declare public readonly expiresAt: pulumi.Output<number>;

  constructor(name: string, args: Args<RobotInputs>, opts?: pulumi.CustomResourceOptions) {
    super(
      robotProvider,
      name,
      { ...args, robotId: undefined, secret: undefined, expiresAt: undefined },
      secretOptions(opts, ["secret"]),
      DYNAMIC_MODULE,
      "Robot",
    );
  }
}

/** A project's tag retention policy. */
export class HarborRetention extends DynamicResource {
  constructor(name: string, args: Args<RetentionInputs>, opts?: pulumi.CustomResourceOptions) {
    super(retentionProvider, name, { ...args }, secretOptions(opts), DYNAMIC_MODULE, "Retention");
  }
}

/** An immutable tag rule of a project. */
export class HarborImmutableTagRule extends DynamicResource {
  constructor(name: string, args: Args<ImmutableRuleInputs>, opts?: pulumi.CustomResourceOptions) {
    super(
      immutableRuleProvider,
      name,
      { ...args },
      secretOptions(opts),
      DYNAMIC_MODULE,
      "ImmutableTagRule",
    );
  }
}

/** A replication rule (pull from or push to a registry endpoint). */
export class HarborReplication extends DynamicResource {
  constructor(name: string, args: Args<ReplicationInputs>, opts?: pulumi.CustomResourceOptions) {
    super(
      replicationProvider,
      name,
      { ...args },
      secretOptions(opts),
      DYNAMIC_MODULE,
      "Replication",
    );
  }
}

/** The garbage-collection schedule (one per Harbor). */
export class HarborGcSchedule extends DynamicResource {
  constructor(name: string, args: Args<GcScheduleInputs>, opts?: pulumi.CustomResourceOptions) {
    super(gcScheduleProvider, name, { ...args }, secretOptions(opts), DYNAMIC_MODULE, "GcSchedule");
  }
}

/** The scan-all schedule (one per Harbor). */
export class HarborScanAllSchedule extends DynamicResource {
  constructor(
    name: string,
    args: Args<ScanAllScheduleInputs>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      scanAllScheduleProvider,
      name,
      { ...args },
      secretOptions(opts),
      DYNAMIC_MODULE,
      "ScanAllSchedule",
    );
  }
}

/** System settings an operator sets once (project creation, robot token lifetime). */
export class HarborSystemSettings extends DynamicResource {
  constructor(name: string, args: Args<SystemSettingsInputs>, opts?: pulumi.CustomResourceOptions) {
    super(
      systemSettingsProvider,
      name,
      { ...args },
      secretOptions(opts),
      DYNAMIC_MODULE,
      "SystemSettings",
    );
  }
}

/**
 * Refuses a change of `harbor:auth.mode` that Harbor would refuse (users exist) in every preview,
 * before anything changes (lib/harbor-api/providers/auth-mode.ts).
 */
export class HarborAuthModeGuard extends DynamicResource {
  constructor(name: string, args: Args<AuthModeInputs>, opts?: pulumi.CustomResourceOptions) {
    super(
      authModeGuardProvider,
      name,
      { ...args },
      secretOptions(opts),
      DYNAMIC_MODULE,
      "AuthModeGuard",
    );
  }
}
