/**
 * What an application namespace needs to pull from Harbor: the registry's CA for workloads that
 * call Harbor themselves, and an `imagePullSecrets`-ready `kubernetes.io/dockerconfigjson` Secret
 * holding a robot's credentials as the Harbor stack exports them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface RegistryAccessArgs {
  /** The application namespace. */
  namespace: string;
  /** Create the namespace; false uses an existing one managed elsewhere. */
  createNamespace: boolean;
  /**
   * The Secret's `.dockerconfigjson`: the Harbor stack's `dockerConfigJson` output for the robot
   * (an `auths` entry for Harbor's registry address). Stored only inside the Secret, as a Pulumi
   * secret whether or not the input already is one.
   */
  dockerConfigJson: pulumi.Input<string>;
  /**
   * PEM of Harbor's CA (the Harbor stack's `caCertificate` output); undefined when Harbor's
   * certificate is trusted without it (TLS terminated in front of Harbor by a public CA).
   */
  caCertificate?: pulumi.Input<string>;
  /** Name of the pull Secret. */
  pullSecretName: string;
  /** Name of the CA ConfigMap (key `ca.crt`). */
  caConfigMapName: string;
  /** A ServiceAccount to create with the pull Secret in `imagePullSecrets`; none when unset. */
  serviceAccount?: string;
}

/** Labels of everything this component creates. */
export const CONSUMER_LABELS: Readonly<Record<string, string>> = {
  "app.kubernetes.io/part-of": "harbor-consumer",
  "app.kubernetes.io/managed-by": "pulumi",
};

/** Pull Secret, CA ConfigMap and, optionally, a ServiceAccount that uses the Secret. */
export class RegistryAccess extends pulumi.ComponentResource {
  /** The namespace (known once it exists when the component creates it). */
  public readonly namespace: pulumi.Output<string>;
  /** Name of the pull Secret, for `imagePullSecrets`. */
  public readonly pullSecretName: pulumi.Output<string>;
  /** Name of the CA ConfigMap; undefined without a CA. */
  public readonly caConfigMapName?: pulumi.Output<string>;
  /** Name of the ServiceAccount; undefined when none is created. */
  public readonly serviceAccountName?: pulumi.Output<string>;

  constructor(name: string, args: RegistryAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("harbor-consumer:registry:RegistryAccess", name, {}, opts);

    this.namespace = args.createNamespace
      ? new k8s.core.v1.Namespace(
          `${name}-namespace`,
          { metadata: { name: args.namespace, labels: { ...CONSUMER_LABELS } } },
          { parent: this },
        ).metadata.name
      : pulumi.output(args.namespace);

    const pullSecret = new k8s.core.v1.Secret(
      `${name}-pull-secret`,
      {
        metadata: {
          name: args.pullSecretName,
          namespace: this.namespace,
          labels: { ...CONSUMER_LABELS },
        },
        type: "kubernetes.io/dockerconfigjson",
        stringData: pulumi.secret({ ".dockerconfigjson": args.dockerConfigJson }),
      },
      { parent: this },
    );
    this.pullSecretName = pullSecret.metadata.name;

    if (args.caCertificate !== undefined) {
      this.caConfigMapName = new k8s.core.v1.ConfigMap(
        `${name}-ca`,
        {
          metadata: {
            name: args.caConfigMapName,
            namespace: this.namespace,
            labels: { ...CONSUMER_LABELS },
          },
          data: { "ca.crt": args.caCertificate },
        },
        { parent: this },
      ).metadata.name;
    }

    if (args.serviceAccount !== undefined) {
      this.serviceAccountName = new k8s.core.v1.ServiceAccount(
        `${name}-service-account`,
        {
          metadata: {
            name: args.serviceAccount,
            namespace: this.namespace,
            labels: { ...CONSUMER_LABELS },
          },
          imagePullSecrets: [{ name: this.pullSecretName }],
        },
        { parent: this },
      ).metadata.name;
    }

    this.registerOutputs({
      namespace: this.namespace,
      pullSecretName: this.pullSecretName,
      caConfigMapName: this.caConfigMapName,
      serviceAccountName: this.serviceAccountName,
    });
  }
}
