/**
 * An application namespace that pulls from the Harbor deployed by the harbor project: reads the
 * Harbor stack's outputs through a StackReference and creates the pull Secret with the credentials
 * of one of the robots that stack manages, the CA ConfigMap and, optionally, a ServiceAccount that
 * pulls with the Secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { RegistryAccess } from "./components/registry-access";
import { harborRobot, readConsumerConfig } from "./config";

/** Stack outputs of this program. */
interface ConsumerOutputs {
  /** Registry address used in image references (`host[:port]`). */
  registry: pulumi.Output<string>;
  namespace: pulumi.Output<string>;
  /** The robot the pull Secret logs in as (`robot$<consumer:robot>`). */
  robot: string;
  /** Put this name in `imagePullSecrets`. */
  pullSecretName: pulumi.Output<string>;
  /** ConfigMap with Harbor's CA (`ca.crt`); empty when Harbor's stack exports no CA. */
  caConfigMapName: pulumi.Output<string> | string;
  /** ServiceAccount that pulls with the Secret; empty when none was asked for. */
  serviceAccountName: pulumi.Output<string> | string;
}

/** The value of a Harbor stack output, whether or not that stack marks it secret. */
async function outputValue(stack: pulumi.StackReference, name: string): Promise<unknown> {
  const details = await stack.getOutputDetails(name);
  return details.value ?? details.secretValue;
}

async function main(): Promise<ConsumerOutputs> {
  const config = readConsumerConfig();
  const harbor = new pulumi.StackReference("harbor", { name: config.harborStack });
  // Checked before anything is declared: a robot the Harbor stack does not manage fails here,
  // naming consumer:robot and the robots that stack has.
  const robot = harborRobot(
    config.robot,
    config.harborStack,
    await outputValue(harbor, "robots"),
    await outputValue(harbor, "dockerConfigJson"),
  );
  const registry = harbor.requireOutput("registry").apply((r) => String(r));
  // The Harbor stack exports an empty caCertificate when TLS is terminated in front of Harbor;
  // the CA ConfigMap is only created when there is a CA to hand out.
  const ca = await harbor.getOutputDetails("caCertificate");
  const caCertificate = typeof ca.value === "string" && ca.value !== "" ? ca.value : undefined;

  const access = new RegistryAccess("app", {
    namespace: config.namespace,
    createNamespace: config.createNamespace,
    dockerConfigJson: robot.dockerConfigJson,
    caCertificate,
    pullSecretName: config.pullSecretName,
    caConfigMapName: config.caConfigMapName,
    serviceAccount: config.serviceAccount,
  });

  return {
    registry,
    namespace: access.namespace,
    robot: robot.username,
    pullSecretName: access.pullSecretName,
    caConfigMapName: access.caConfigMapName ?? "",
    serviceAccountName: access.serviceAccountName ?? "",
  };
}

export = main;
