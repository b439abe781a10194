/** The program test/package/check.sh installs the package into: a user's Pulumi program building Harbor. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Harbor, harborStackOutputs, type HarborOutputs } from "@harbor-k8s/pulumi";

const password = new random.RandomPassword("admin", { length: 24, special: false });
const harbor = new Harbor("registry", {
  hostname: "registry.example.com",
  namespace: "registry",
  adminPassword: password.result,
  protect: false,
});

const shop = new k8s.core.v1.Namespace("shop", { metadata: { name: "shop" } });
export const registry = harbor.registry;
export const adminPassword = harbor.adminPassword;
export const shopNamespace = shop.metadata.name;

// Typed outputs of another Harbor stack.
const other = harborStackOutputs(new pulumi.StackReference("acme/harbor/prod"));
export const otherRegistry: pulumi.Output<HarborOutputs["registry"]> = other.registry;
