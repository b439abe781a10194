/**
 * The consumer's own settings, all under the `consumer:` namespace, validated before anything is
 * declared so that a typo fails `pulumi preview` with the key's name.
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
  /** `consumer:username`: Harbor user or robot account (`robot$team+puller`). */
  username: string;
  /** `consumer:password`: its password or robot secret, a Pulumi secret. */
  password: pulumi.Output<string>;
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
  const username = config.get("username");
  if (username === undefined || username.trim() === "") {
    problems.push(`${CONFIG_NAMESPACE}:username is required (a Harbor user or robot account)`);
  }
  if (config.get("password") === undefined) {
    problems.push(
      `${CONFIG_NAMESPACE}:password is required: set it with \`pulumi config set --secret ${CONFIG_NAMESPACE}:password <value>\``,
    );
  }
  const result: ConsumerConfig = {
    harborStack: harborStack ?? "",
    namespace: name("namespace", LABEL, "a namespace name such as shop"),
    createNamespace: config.getBoolean("createNamespace") ?? true,
    username: username ?? "",
    password: config.getSecret("password") ?? pulumi.secret(""),
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
