/**
 * The program's dynamic resources: what `pulumi.dynamic.Resource` declares (the type
 * `pulumi-nodejs:dynamic[/<module>]:<type>`, the provider's code in the `__provider` input; see
 * @pulumi/pulumi dynamic/index.js), with the provider's code built from its source modules
 * (lib/provider-module.ts) instead of serialized from its closure for every resource of every
 * preview. Where that module cannot be built, the SDK's serializer writes it, as before.
 */
import * as pulumi from "@pulumi/pulumi";
import { providerModule } from "../lib/provider-module";

const PROVIDER_KEY = "__provider";

/** The provider's module text: built from its sources, else serialized by the SDK. */
function providerCode(provider: pulumi.dynamic.ResourceProvider): pulumi.Input<string> {
  const text = providerModule(provider);
  if (text !== undefined) return text;
  return pulumi
    .output(pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false }))
    .apply((f) => f.text);
}

/** A dynamic resource whose provider's code is built from its source modules. */
export class DynamicResource extends pulumi.CustomResource {
  /**
   * @param provider the provider, exported by a module of this package that imports only its
   *   own kind (see lib/provider-module.ts)
   * @param module the type's module (`pulumi-nodejs:dynamic/<module>:<type>`)
   */
  constructor(
    provider: pulumi.dynamic.ResourceProvider,
    name: string,
    props: pulumi.Inputs,
    opts?: pulumi.CustomResourceOptions,
    module?: string,
    type = "Resource",
  ) {
    if (props[PROVIDER_KEY] !== undefined) {
      throw new Error("A dynamic resource must not define the __provider key");
    }
    super(
      `pulumi-nodejs:dynamic${module ? `/${module}` : ""}:${type}`,
      name,
      { ...props, [PROVIDER_KEY]: providerCode(provider) },
      opts,
    );
  }
}
