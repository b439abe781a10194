/**
 * The consumer's own settings, all under the `consumer:` namespace, validated before anything is
 * declared so that a typo fails `pulumi preview` with the key's name; and the robot it names,
 * picked out of the Harbor stack's outputs with the same care.
 */
import * as pulumi from "@pulumi/pulumi";

/** Configuration namespace of this program (`consumer:<key>`). */
export const CONFIG_NAMESPACE = "consumer";

export interface ConsumerConfig {
  /** `consumer:harborStack`: the Harbor stack to read, such as `acme/harbor/prod`. */
  harborStack: string;
  /** `consumer:namespace`: the application namespace. */
  namespace: string;
  /** `consumer:createNamespace`: create the namespace (default true) or use an existing one. */
  createNamespace: boolean;
  /** `consumer:robot`: a robot of the Harbor stack (a key of its `harbor:robots`), such as `puller`. */
  robot: string;
  /** `consumer:pullSecretName`: name of the `kubernetes.io/dockerconfigjson` Secret. */
  pullSecretName: string;
  /** `consumer:caConfigMapName`: name of the ConfigMap with Harbor's CA (`ca.crt`). */
  caConfigMapName: string;
  /** `consumer:serviceAccount`: a ServiceAccount to create that pulls with the Secret. */
  serviceAccount?: string;
}

/** A DNS-1123 label: what Kubernetes accepts as a namespace name. */
const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A DNS-1123 subdomain: what Kubernetes accepts as a Secret, ConfigMap or ServiceAccount name. */
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** Harbor's rule for robot names (`^[a-z0-9]+(?:[._-][a-z0-9]+)*$`, at most 200 characters). */
const ROBOT = /^(?=.{1,200}$)[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const ROBOT_WHAT =
  "the name of a robot under the Harbor stack's harbor:robots, such as puller (lower-case letters and digits with single . _ or - between them, at most 200 characters)";

/** Keys earlier versions read; set now, they would be silently ignored, so they are refused. */
const REMOVED_KEYS = ["username", "password"] as const;

/** Reads and checks every `consumer:` key; throws one RunError listing every problem. */
export function readConsumerConfig(config = new pulumi.Config(CONFIG_NAMESPACE)): ConsumerConfig {
  const problems: string[] = [];
  const name = (key: string, pattern: RegExp, what: string, fallback?: string): string => {
    const value = config.get(key) ?? fallback;
    if (value === undefined) {
      problems.push(`${CONFIG_NAMESPACE}:${key} is required (${what})`);
      return "";
    }
    if (!pattern.test(value)) {
      problems.push(`${CONFIG_NAMESPACE}:${key} must be ${what}, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const harborStack = config.get("harborStack");
  if (harborStack === undefined || !/^[\w.-]+(\/[\w.-]+){0,2}$/.test(harborStack)) {
    problems.push(
      `${CONFIG_NAMESPACE}:harborStack ${harborStack === undefined ? "is required" : "must be"} a stack name such as acme/harbor/prod`,
    );
  }
  const robotValue = config.get("robot");
  let robot: string;
  if (robotValue?.startsWith("robot$")) {
    const bare = robotValue.slice("robot$".length);
    problems.push(
      `${CONFIG_NAMESPACE}:robot takes the robot's name under harbor:robots, without robot$ (${JSON.stringify(bare)}), got ${JSON.stringify(robotValue)}`,
    );
    robot = robotValue;
  } else {
    robot = name("robot", ROBOT, ROBOT_WHAT);
  }
  for (const key of REMOVED_KEYS) {
    if (config.get(key) !== undefined) {
      problems.push(
        `${CONFIG_NAMESPACE}:${key} is no longer read: the pull credentials come from the Harbor stack's robot named by ${CONFIG_NAMESPACE}:robot; remove it with \`pulumi config rm ${CONFIG_NAMESPACE}:${key}\``,
      );
    }
  }
  const result: ConsumerConfig = {
    harborStack: harborStack ?? "",
    namespace: name("namespace", LABEL, "a namespace name such as shop"),
    createNamespace: config.getBoolean("createNamespace") ?? true,
    robot,
    pullSecretName: name("pullSecretName", SUBDOMAIN, "a Secret name", "harbor-pull"),
    caConfigMapName: name("caConfigMapName", SUBDOMAIN, "a ConfigMap name", "harbor-ca"),
  };
  if (config.get("serviceAccount") !== undefined) {
    result.serviceAccount = name("serviceAccount", SUBDOMAIN, "a ServiceAccount name");
  }
  if (problems.length > 0) {
    throw new pulumi.RunError(
      `Invalid consumer configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  return result;
}

/** The robot's credentials as the Harbor stack exports them. */
export interface HarborRobot {
  /** What `docker login` takes: `robot$<name>` (the Harbor stack's `robots[<name>].username`). */
  username: string;
  /** The `.dockerconfigjson` for Harbor's registry (`dockerConfigJson[<name>]`), a Pulumi secret. */
  dockerConfigJson: pulumi.Output<string>;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Picks `consumer:robot` out of the Harbor stack's `robots` and `dockerConfigJson` outputs (their
 * values, `undefined` when the stack has no such output). Throws a RunError naming the key, the
 * stack and the robots it has when the robot is not there, so nothing is declared with credentials
 * that do not exist. The `.dockerconfigjson` comes back wrapped as a Pulumi secret whatever the
 * Harbor stack's marking.
 */
export function harborRobot(
  robot: string,
  harborStack: string,
  robots: unknown,
  dockerConfigJson: unknown,
): HarborRobot {
  const key = `${CONFIG_NAMESPACE}:robot`;
  if (!isMap(robots)) {
    throw new pulumi.RunError(
      `${key} "${robot}" cannot be read from stack ${harborStack}: it exports no robots output (a Harbor stack older than robot accounts as code); upgrade that stack and declare the robot under harbor:robots there, such as harbor:robots: {${robot}: {projects: {<project>: [pull]}}}`,
    );
  }
  if (!Object.prototype.hasOwnProperty.call(robots, robot)) {
    const names = Object.keys(robots).sort();
    throw new pulumi.RunError(
      `${key} "${robot}" is not a robot of stack ${harborStack} (${names.length > 0 ? `it has: ${names.join(", ")}` : "it has none"}); add it under harbor:robots there`,
    );
  }
  const account = robots[robot];
  const username = isMap(account) ? account.username : undefined;
  const config = isMap(dockerConfigJson) ? dockerConfigJson[robot] : undefined;
  const stale = (missing: string) =>
    new pulumi.RunError(
      `${key} "${robot}": stack ${harborStack} exports no ${missing}; run \`pulumi up\` on that stack with a current version of the Harbor program`,
    );
  if (typeof username !== "string") throw stale(`robots[${JSON.stringify(robot)}].username`);
  if (typeof config !== "string") throw stale(`dockerConfigJson[${JSON.stringify(robot)}]`);
  return { username, dockerConfigJson: pulumi.secret(config) };
}
