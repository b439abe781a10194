/**
 * The bad configurations of test/program/bad-config.test.ts, one per rule: the program must fail
 * on each with exactly the expected problem lines. Library users get the same rules and messages
 * naming `args.<key>` (test/program/harbor-args.test.ts).
 */
export interface BadConfig {
  /** The part of the configuration the case is about. */
  key: string;
  title: string;
  /** `harbor:` keys as written in the stack file. */
  config: Record<string, unknown>;
  /** Keys set with `pulumi config set --secret`. */
  secrets?: Record<string, string>;
  /** The exact problem lines of the ConfigError, in order. */
  expected: string[];
}

export const BAD_CONFIGS: readonly BadConfig[] = [
  // hostname
  {
    key: "hostname",
    title: "is required",
    config: {},
    expected: ["harbor:hostname is required (a DNS name or an IP address)"],
  },
  {
    key: "hostname",
    title: "has no scheme",
    config: { hostname: "https://harbor.example.com" },
    expected: [
      'harbor:hostname must be a lower-case DNS name or an IP address without scheme, port or path (harbor.example.com, 192.168.1.10), got "https://harbor.example.com"',
    ],
  },
  {
    key: "hostname",
    title: "is lower case",
    config: { hostname: "Harbor.Example.com" },
    expected: [
      'harbor:hostname must be a lower-case DNS name or an IP address without scheme, port or path (harbor.example.com, 192.168.1.10), got "Harbor.Example.com"',
    ],
  },
  {
    key: "hostname",
    title: "carries no port",
    config: { hostname: "harbor.example.com:443" },
    expected: [
      'harbor:hostname must be a lower-case DNS name or an IP address without scheme, port or path (harbor.example.com, 192.168.1.10), got "harbor.example.com:443"',
    ],
  },
  {
    key: "hostname",
    title: "is a DNS name for an Ingress",
    config: { hostname: "10.0.0.5" },
    expected: [
      'harbor:hostname must be a DNS name when harbor:expose.type is ingress (Ingress rules cannot match an IP address); use a DNS name or expose.type nodePort/loadBalancer, got "10.0.0.5"',
    ],
  },
  {
    key: "hostname",
    title: "is a DNS name for an HTTPRoute",
    config: {
      hostname: "10.0.0.5",
      expose: { type: "route", route: { parentRefs: [{ name: "gw" }] } },
    },
    expected: [
      'harbor:hostname must be a DNS name when harbor:expose.type is route (HTTPRoute hostnames cannot match an IP address); use a DNS name or expose.type nodePort/loadBalancer, got "10.0.0.5"',
    ],
  },
  {
    key: "hostname",
    title: "leading zeros are refused, not read as octal by a URL parser",
    config: { hostname: "192.168.001.010", expose: { type: "nodePort" } },
    expected: [
      'harbor:hostname must be an IPv4 address written as four decimal numbers 0-255 without leading zeros, such as 192.168.1.10 (URL parsers read 010 as octal, 0x7f as hex and 1.2.3 as 1.2.0.3), got "192.168.001.010"',
    ],
  },
  {
    key: "hostname",
    title: "1.2.3 is not an IPv4 address (a URL parser reads 1.2.0.3)",
    config: { hostname: "1.2.3", expose: { type: "nodePort" } },
    expected: [
      'harbor:hostname must be an IPv4 address written as four decimal numbers 0-255 without leading zeros, such as 192.168.1.10 (URL parsers read 010 as octal, 0x7f as hex and 1.2.3 as 1.2.0.3), got "1.2.3"',
    ],
  },
  {
    key: "hostname",
    title: "0x7f.1 is not a host name (a URL parser reads 127.0.0.1)",
    config: { hostname: "0x7f.1", expose: { type: "nodePort" } },
    expected: [
      'harbor:hostname must be an IPv4 address written as four decimal numbers 0-255 without leading zeros, such as 192.168.1.10 (URL parsers read 010 as octal, 0x7f as hex and 1.2.3 as 1.2.0.3), got "0x7f.1"',
    ],
  },
  {
    key: "hostname",
    title: "256.1.1.1 gets a message, not a stack trace",
    config: { hostname: "256.1.1.1", expose: { type: "nodePort" } },
    expected: [
      'harbor:hostname must be an IPv4 address written as four decimal numbers 0-255 without leading zeros, such as 192.168.1.10 (URL parsers read 010 as octal, 0x7f as hex and 1.2.3 as 1.2.0.3), got "256.1.1.1"',
    ],
  },
  {
    key: "hostname",
    title: "an IPv6 zone id is refused",
    config: { hostname: "fe80::1%eth0", expose: { type: "nodePort" } },
    expected: [
      'harbor:hostname must be an IPv6 address without a zone id (%eth0): URLs and certificates cannot carry one, got "fe80::1%eth0"',
    ],
  },
  {
    key: "hostname",
    title: "IPv6 in canonical form",
    config: { hostname: "2001:DB8:0:0::1", expose: { type: "nodePort" } },
    expected: [
      'harbor:hostname must be written in canonical form: 2001:db8::1, got "2001:DB8:0:0::1"',
    ],
  },
  {
    key: "hostname",
    title: "0.0.0.0 cannot be connected to",
    config: { hostname: "0.0.0.0", expose: { type: "nodePort" } },
    expected: [
      'harbor:hostname must be a reachable address: 0.0.0.0 means "any address" and cannot be connected to, got "0.0.0.0"',
    ],
  },
  {
    key: "hostname",
    title: ":: cannot be connected to",
    config: { hostname: "::", expose: { type: "nodePort" } },
    expected: [
      'harbor:hostname must be a reachable address: :: means "any address" and cannot be connected to, got "::"',
    ],
  },
  {
    key: "hostname",
    title: "an injected YAML document is refused",
    config: {
      hostname: 'x"\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding',
    },
    expected: [
      'harbor:hostname must be a lower-case DNS name or an IP address without scheme, port or path (harbor.example.com, 192.168.1.10), got "x\\"\\n---\\napiVersion: rbac.authorization.k8s.io/v1\\nkind: ClusterRoleBinding"',
    ],
  },
  // namespace and releaseName
  {
    key: "namespace and releaseName",
    title: "namespace is a DNS-1123 label",
    config: { hostname: "harbor.example.com", namespace: "Harbor_NS" },
    expected: [
      "harbor:namespace must be a lower-case DNS-1123 label of at most 63 characters (letters, digits, '-'), got \"Harbor_NS\"",
    ],
  },
  {
    key: "namespace and releaseName",
    title: "namespace is at most 63 characters",
    config: {
      hostname: "harbor.example.com",
      namespace: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    },
    expected: [
      "harbor:namespace must be a lower-case DNS-1123 label of at most 63 characters (letters, digits, '-'), got \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
    ],
  },
  {
    key: "namespace and releaseName",
    title: "releaseName is at most 53 characters (Helm's limit)",
    config: {
      hostname: "harbor.example.com",
      releaseName: "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr",
    },
    expected: [
      "harbor:releaseName must be a lower-case DNS-1035 label of at most 53 characters (letters, digits, '-'; starting with a letter, because Kubernetes Service names derive from it), got \"rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr\"",
    ],
  },
  {
    key: "namespace and releaseName",
    title: "relocateFrom names the old place as <namespace>/<releaseName>",
    config: { hostname: "harbor.example.com", relocateFrom: "harbor" },
    expected: [
      "harbor:relocateFrom must be <namespace>/<releaseName> of the installation being left, such as harbor/harbor (a DNS-1123 label, '/', and a DNS-1035 label of at most 53 characters), got \"harbor\"",
    ],
  },
  {
    key: "namespace and releaseName",
    title: "is not kube-system",
    config: { hostname: "harbor.example.com", namespace: "kube-system" },
    expected: [
      "harbor:namespace must be a namespace of Harbor's own, not a system namespace (default, kube-system, kube-public, kube-node-lease): the program labels it for Pod Security and guards it as Harbor's, got \"kube-system\"",
    ],
  },
  {
    key: "namespace and releaseName",
    title: "is not default",
    config: { hostname: "harbor.example.com", namespace: "default" },
    expected: [
      "harbor:namespace must be a namespace of Harbor's own, not a system namespace (default, kube-system, kube-public, kube-node-lease): the program labels it for Pod Security and guards it as Harbor's, got \"default\"",
    ],
  },
  {
    key: "namespace and releaseName",
    title: "is not kube-public",
    config: { hostname: "harbor.example.com", namespace: "kube-public" },
    expected: [
      "harbor:namespace must be a namespace of Harbor's own, not a system namespace (default, kube-system, kube-public, kube-node-lease): the program labels it for Pod Security and guards it as Harbor's, got \"kube-public\"",
    ],
  },
  {
    key: "namespace and releaseName",
    title: "is not kube-node-lease",
    config: { hostname: "harbor.example.com", namespace: "kube-node-lease" },
    expected: [
      "harbor:namespace must be a namespace of Harbor's own, not a system namespace (default, kube-system, kube-public, kube-node-lease): the program labels it for Pod Security and guards it as Harbor's, got \"kube-node-lease\"",
    ],
  },
  {
    key: "namespace and releaseName",
    title: "starts with a letter (Service names are DNS-1035)",
    config: { hostname: "harbor.example.com", releaseName: "1harbor" },
    expected: [
      "harbor:releaseName must be a lower-case DNS-1035 label of at most 53 characters (letters, digits, '-'; starting with a letter, because Kubernetes Service names derive from it), got \"1harbor\"",
    ],
  },
  {
    key: "namespace and releaseName",
    title: "leaves room for the database StatefulSet name (52)",
    config: {
      hostname: "harbor.example.com",
      releaseName: "harbor-rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr",
    },
    expected: [
      `harbor:releaseName is too long for this configuration: the chart names its StatefulSet "harbor-rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr-database" (53 characters), and a StatefulSet's pods carry the label controller-revision-hash=<name>-<hash of up to 10 characters>, and label values are limited to 63, so its name is limited to 52; use at most 43 characters for a release name containing "harbor", 36 otherwise (the chart appends -harbor), got "harbor-rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"`,
    ],
  },
  {
    key: "namespace and releaseName",
    title: "counts the -harbor the chart appends",
    config: {
      hostname: "harbor.example.com",
      releaseName: "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr",
    },
    expected: [
      `harbor:releaseName is too long for this configuration: the chart names its StatefulSet "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr-harbor-database" (53 characters), and a StatefulSet's pods carry the label controller-revision-hash=<name>-<hash of up to 10 characters>, and label values are limited to 63, so its name is limited to 52; use at most 43 characters for a release name containing "harbor", 36 otherwise (the chart appends -harbor), got "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"`,
    ],
  },
  {
    key: "namespace and releaseName",
    title: "without internal StatefulSets, Service names are the limit",
    config: {
      hostname: "harbor.example.com",
      database: { type: "external", host: "db.example.com", username: "harbor" },
      redis: { type: "external", addr: "redis.example.com:6379" },
      trivy: { enabled: false },
      releaseName: "harbor-rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr",
    },
    secrets: { databasePassword: "fixture-db-password" },
    expected: [
      'harbor:releaseName is too long for this configuration: the chart names its Service "harbor-rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr-jobservice" (64 characters), and Service names are DNS-1035 labels of at most 63 characters (they become DNS names); use at most 52 characters for a release name containing "harbor", 45 otherwise (the chart appends -harbor), got "harbor-rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"',
    ],
  },
  // externalURL
  {
    key: "externalURL",
    title: "has no path",
    config: { hostname: "harbor.example.com", externalURL: "https://harbor.example.com/harbor" },
    expected: [
      'harbor:externalURL must be an http:// or https:// URL with only scheme, host and optional port (Harbor cannot be served under a path), got "https://harbor.example.com/harbor"',
    ],
  },
  {
    key: "externalURL",
    title: "is http or https",
    config: { hostname: "harbor.example.com", externalURL: "ftp://harbor.example.com" },
    expected: [
      'harbor:externalURL must be an http:// or https:// URL with only scheme, host and optional port (Harbor cannot be served under a path), got "ftp://harbor.example.com"',
    ],
  },
  {
    key: "externalURL",
    title: "is a URL",
    config: { hostname: "harbor.example.com", externalURL: "not a url" },
    expected: [
      'harbor:externalURL must be a URL such as https://harbor.example.com, got "not a url"',
    ],
  },
  {
    key: "externalURL",
    title: "is https while Harbor serves TLS",
    config: { hostname: "harbor.example.com", externalURL: "http://harbor.example.com" },
    expected: [
      'harbor:externalURL must use https:// when harbor:tls.mode is generated (Harbor serves HTTPS); use harbor:tls.mode disabled for plain HTTP, got "http://harbor.example.com"',
    ],
  },
  {
    key: "externalURL",
    title: "is required when TLS is terminated in front of Harbor",
    config: { hostname: "harbor.example.com", tls: { mode: "disabled" } },
    expected: [
      "harbor:externalURL is required when harbor:tls.mode is disabled: give the URL of the proxy that terminates TLS in front of Harbor, such as https://harbor.example.com",
    ],
  },
  {
    key: "externalURL",
    title: "a password in the URL is redacted, and said where it belongs",
    config: {
      hostname: "harbor.example.com",
      externalURL: "https://admin:S3cret-pw@harbor.example.com",
    },
    expected: [
      'harbor:externalURL must not carry credentials (user:password@): the URL Harbor advertises is shown to every user and never carries credentials, got "https://***@harbor.example.com"',
    ],
  },
  {
    key: "externalURL",
    title: "its host is not rewritten by a URL parser",
    config: { hostname: "harbor.example.com", externalURL: "https://192.168.001.010" },
    expected: [
      'harbor:externalURL must be a URL whose host is valid: the host must be an IPv4 address written as four decimal numbers 0-255 without leading zeros, such as 192.168.1.10 (URL parsers read 010 as octal, 0x7f as hex and 1.2.3 as 1.2.0.3), got "https://192.168.001.010"',
    ],
  },
  {
    key: "externalURL",
    title: "its host is lower case",
    config: { hostname: "harbor.example.com", externalURL: "https://Harbor.Example.com" },
    expected: [
      'harbor:externalURL must be a URL whose host is a lower-case DNS name or an IP address (https://harbor.example.com, https://192.168.1.10), got "https://Harbor.Example.com"',
    ],
  },
  {
    key: "externalURL",
    title: "its port is 1-65535",
    config: { hostname: "harbor.example.com", externalURL: "https://harbor.example.com:70000" },
    expected: [
      'harbor:externalURL must be an http:// or https:// URL with only scheme, host and optional port (Harbor cannot be served under a path); the port must be 1-65535, got "https://harbor.example.com:70000"',
    ],
  },
  // expose
  {
    key: "expose",
    title: "is a map",
    config: { hostname: "harbor.example.com", expose: "ingress" },
    expected: [
      'harbor:expose must be an object (write it as a YAML map in the stack file), got "ingress"',
    ],
  },
  {
    key: "expose",
    title: "type is one of the five",
    config: { hostname: "harbor.example.com", expose: { type: "nodeport" } },
    expected: [
      'harbor:expose.type must be one of ingress, nodePort, loadBalancer, clusterIP, route, got "nodeport"',
    ],
  },
  {
    key: "expose",
    title: "misspelt key is not ignored",
    config: {
      hostname: "harbor.example.com",
      expose: { type: "ingress", ingres: { className: "nginx" } },
    },
    expected: [
      "harbor:expose.ingres is not a known key (did you mean harbor:expose.ingress?); harbor:expose takes type, ingress",
    ],
  },
  {
    key: "expose",
    title: "nodePort.http is in the node port range",
    config: {
      hostname: "harbor.example.com",
      expose: { type: "nodePort", nodePort: { http: 80 } },
    },
    expected: ["harbor:expose.nodePort.http must be 30000-32767, got 80"],
  },
  {
    key: "expose",
    title: "nodePort.https is a number",
    config: {
      hostname: "harbor.example.com",
      expose: { type: "nodePort", nodePort: { https: "3o003" } },
    },
    expected: ['harbor:expose.nodePort.https must be 30000-32767, got "3o003"'],
  },
  {
    key: "expose",
    title: "nodePort ports differ",
    config: {
      hostname: "harbor.example.com",
      expose: { type: "nodePort", nodePort: { http: 30080, https: 30080 } },
    },
    expected: [
      "harbor:expose.nodePort.https must differ from harbor:expose.nodePort.http (one node port cannot serve both HTTP and HTTPS), got 30080",
    ],
  },
  {
    key: "expose",
    title: "route needs parentRefs",
    config: { hostname: "harbor.example.com", expose: { type: "route" } },
    expected: [
      "harbor:expose.route.parentRefs is required (a list of Gateway references ({name, namespace, sectionName}))",
    ],
  },
  {
    key: "expose",
    title: "route parentRefs is not empty",
    config: {
      hostname: "harbor.example.com",
      expose: { type: "route", route: { parentRefs: [] } },
    },
    expected: [
      "harbor:expose.route.parentRefs must name at least one Gateway ({name, namespace, sectionName}), got []",
    ],
  },
  {
    key: "expose",
    title: "route parentRef name is a Kubernetes name",
    config: {
      hostname: "harbor.example.com",
      expose: { type: "route", route: { parentRefs: [{ name: "Gateway_1" }] } },
    },
    expected: [
      "harbor:expose.route.parentRefs[0].name must be a lower-case DNS-1123 name (letters, digits, '-', '.'), got \"Gateway_1\"",
    ],
  },
  {
    key: "expose",
    title: "route parentRef has a name",
    config: {
      hostname: "harbor.example.com",
      expose: { type: "route", route: { parentRefs: [{ namespace: "gateways" }] } },
    },
    expected: ["harbor:expose.route.parentRefs[0].name is required (a Kubernetes object name)"],
  },
  {
    key: "expose",
    title: "route needs a chart with HTTPRoute",
    config: {
      hostname: "harbor.example.com",
      expose: { type: "route", route: { parentRefs: [{ name: "gw" }] } },
      chart: { version: "1.17.4" },
    },
    expected: [
      'harbor:chart.version must be 1.18.0 or later for harbor:expose.type route (older charts have no HTTPRoute), got "1.17.4"',
    ],
  },
  {
    key: "expose",
    title: "loadBalancer.sourceRanges are CIDRs",
    config: {
      hostname: "harbor.example.com",
      expose: { type: "loadBalancer", loadBalancer: { sourceRanges: ["10.0.0.0/33"] } },
    },
    expected: [
      'harbor:expose.loadBalancer.sourceRanges[0] must be a CIDR such as 10.0.0.0/8, got "10.0.0.0/33"',
    ],
  },
  {
    key: "expose",
    title: "loadBalancer.ip is an IP address",
    config: {
      hostname: "harbor.example.com",
      expose: { type: "loadBalancer", loadBalancer: { ip: "10.0.0.300" } },
    },
    expected: [
      'harbor:expose.loadBalancer.ip must be an IPv4 address written as four decimal numbers 0-255 without leading zeros, such as 192.168.1.10 (URL parsers read 010 as octal, 0x7f as hex and 1.2.3 as 1.2.0.3), got "10.0.0.300"',
    ],
  },
  {
    key: "expose",
    title: "variant settings without their type",
    config: { hostname: "harbor.example.com", expose: { nodePort: { https: 30443 } } },
    expected: [
      "harbor:expose.type must be set to nodePort: nodePort is given, but the default ingress takes none of that",
    ],
  },
  {
    key: "expose",
    title: "ingress annotation keys are Kubernetes keys",
    config: {
      hostname: "harbor.example.com",
      expose: { type: "ingress", ingress: { annotations: { "bad key!": "x" } } },
    },
    expected: [
      "harbor:expose.ingress.annotations[\"bad key!\"] is not a valid annotation key: it must be a Kubernetes key: name or prefix/name, the name at most 63 letters, digits, '-', '_', '.' (starting and ending with a letter or digit), the prefix a lower-case DNS name, got \"bad key!\"",
    ],
  },
  {
    key: "expose",
    title: "loadBalancer annotation keys have a DNS prefix",
    config: {
      hostname: "harbor.example.com",
      expose: { type: "loadBalancer", loadBalancer: { annotations: { "Example.com/pool": "x" } } },
    },
    expected: [
      "harbor:expose.loadBalancer.annotations[\"Example.com/pool\"] is not a valid annotation key: it must be a Kubernetes key: name or prefix/name, the name at most 63 letters, digits, '-', '_', '.' (starting and ending with a letter or digit), the prefix a lower-case DNS name, got \"Example.com/pool\"",
    ],
  },
  {
    key: "expose",
    title: "annotation values carry no control characters",
    config: {
      hostname: "harbor.example.com",
      expose: { type: "clusterIP", clusterIP: { annotations: { "example.com/a": "x\u0000y" } } },
    },
    expected: [
      'harbor:expose.clusterIP.annotations["example.com/a"] must be text without control characters (tab and newline are allowed), got "x\\u0000y"',
    ],
  },
  {
    key: "expose",
    title: "a Gateway is referenced once",
    config: {
      hostname: "harbor.example.com",
      expose: {
        type: "route",
        route: {
          parentRefs: [
            { name: "gw", namespace: "gateways" },
            { name: "gw", namespace: "gateways" },
          ],
        },
      },
    },
    expected: [
      'harbor:expose.route.parentRefs[1] repeats entry [0]; list each value once, got {"name":"gw","namespace":"gateways"}',
    ],
  },
  {
    key: "expose",
    title: "sourceRanges are listed once",
    config: {
      hostname: "harbor.example.com",
      expose: {
        type: "loadBalancer",
        loadBalancer: { sourceRanges: ["10.0.0.0/8", "10.0.0.0/8"] },
      },
    },
    expected: [
      'harbor:expose.loadBalancer.sourceRanges[1] repeats entry [0]; list each value once, got "10.0.0.0/8"',
    ],
  },
  {
    key: "expose",
    title: "sourceRanges are canonical CIDRs",
    config: {
      hostname: "harbor.example.com",
      expose: { type: "loadBalancer", loadBalancer: { sourceRanges: ["010.0.0.0/8"] } },
    },
    expected: [
      'harbor:expose.loadBalancer.sourceRanges[0] must be a CIDR such as 10.0.0.0/8, got "010.0.0.0/8"',
    ],
  },
  // tls
  {
    key: "tls",
    title: "mode is one of the four",
    config: { hostname: "harbor.example.com", tls: { mode: "self-signed" } },
    expected: [
      'harbor:tls.mode must be one of generated, provided, ca-provided, disabled, got "self-signed"',
    ],
  },
  {
    key: "tls",
    title: "validityDays is at most 397",
    config: { hostname: "harbor.example.com", tls: { validityDays: 825 } },
    expected: [
      "harbor:tls.validityDays must be 1-397 days (browsers reject longer server certificates), got 825",
    ],
  },
  {
    key: "tls",
    title: "validityDays is a number of days",
    config: { hostname: "harbor.example.com", tls: { validityDays: "1y" } },
    expected: [
      'harbor:tls.validityDays must be 1-397 days (browsers reject longer server certificates), got "1y"',
    ],
  },
  {
    key: "tls",
    title: "renewBeforeDays is less than validityDays",
    config: { hostname: "harbor.example.com", tls: { validityDays: 90, renewBeforeDays: 90 } },
    expected: [
      "harbor:tls.renewBeforeDays must be less than harbor:tls.validityDays (90), or every `pulumi up` re-issues the certificate, got 90",
    ],
  },
  {
    key: "tls",
    title: "a certificate does not outlive its CA",
    config: { hostname: "harbor.example.com", tls: { validityDays: 365, caValidityDays: 100 } },
    expected: [
      "harbor:tls.validityDays must not exceed harbor:tls.caValidityDays (100; a certificate cannot outlive its CA), got 365",
    ],
  },
  {
    key: "tls",
    title: "keyAlgorithm is a strong one",
    config: { hostname: "harbor.example.com", tls: { keyAlgorithm: "RSA-2048" } },
    expected: [
      'harbor:tls.keyAlgorithm must be one of ECDSA-P256, ECDSA-P384, RSA-3072, RSA-4096, got "RSA-2048"',
    ],
  },
  {
    key: "tls",
    title: "dnsNames are lower-case DNS names",
    config: { hostname: "harbor.example.com", tls: { dnsNames: ["Registry.Example.com"] } },
    expected: [
      'harbor:tls.dnsNames[0] must be a lower-case DNS name such as harbor.example.com, got "Registry.Example.com"',
    ],
  },
  {
    key: "tls",
    title: "provided mode needs its three secrets",
    config: { hostname: "harbor.example.com", tls: { mode: "provided" } },
    expected: [
      "harbor:tlsCertificate is required when harbor:tls.mode is provided: set it with `pulumi config set --secret harbor:tlsCertificate <value>`",
      "harbor:tlsPrivateKey is required when harbor:tls.mode is provided: set it with `pulumi config set --secret harbor:tlsPrivateKey <value>`",
      "harbor:tlsCaCertificate is required when harbor:tls.mode is provided: set it with `pulumi config set --secret harbor:tlsCaCertificate <value>`",
    ],
  },
  {
    key: "tls",
    title: "provided material is checked without echoing it",
    config: { hostname: "harbor.example.com", tls: { mode: "provided" } },
    secrets: {
      tlsCertificate: "fixture-not-a-certificate",
      tlsPrivateKey:
        "-----BEGIN PRIVATE KEY-----\nZml4dHVyZS1ub3QtYS1yZWFsLWtleS1kby1ub3QtZWNobw==\n-----END PRIVATE KEY-----\n",
      tlsCaCertificate: "fixture-not-a-ca",
    },
    expected: [
      "harbor:tlsCertificate is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)",
      "harbor:tlsCaCertificate is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)",
      "harbor:tlsPrivateKey is not a PEM private key (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA/EC PRIVATE KEY-----)",
    ],
  },
  {
    key: "tls",
    title: "tlsCertificate contradicts a generated certificate",
    config: { hostname: "harbor.example.com" },
    secrets: {
      tlsCertificate: "-----BEGIN CERTIFICATE-----\nZml4dHVyZQ==\n-----END CERTIFICATE-----\n",
    },
    expected: [
      "harbor:tlsCertificate is only used when harbor:tls.mode is provided (it is generated)",
    ],
  },
  {
    key: "tls",
    title: "ca-provided mode needs the CA and its key",
    config: { hostname: "harbor.example.com", tls: { mode: "ca-provided" } },
    expected: [
      'harbor:caCertificate is required when harbor:tls.mode is ca-provided: set it with `pulumi config set harbor:caCertificate -- "$(cat ca.crt)"`',
      "harbor:caPrivateKey is required when harbor:tls.mode is ca-provided: set it with `pulumi config set --secret harbor:caPrivateKey <value>`",
    ],
  },
  {
    key: "tls",
    title: "caPrivateKey contradicts a generated CA",
    config: { hostname: "harbor.example.com" },
    secrets: {
      caPrivateKey:
        "-----BEGIN PRIVATE KEY-----\nZml4dHVyZS1ub3QtYS1yZWFsLWtleS1kby1ub3QtZWNobw==\n-----END PRIVATE KEY-----\n",
    },
    expected: [
      "harbor:caPrivateKey is only used when harbor:tls.mode is ca-provided (it is generated)",
    ],
  },
  {
    key: "tls",
    title: "dnsNames are listed once",
    config: {
      hostname: "harbor.example.com",
      tls: { dnsNames: ["registry.example.com", "registry.example.com"] },
    },
    expected: [
      'harbor:tls.dnsNames[1] repeats entry [0]; list each value once, got "registry.example.com"',
    ],
  },
  {
    key: "tls",
    title: "dnsNames do not end in a number",
    config: { hostname: "harbor.example.com", tls: { dnsNames: ["registry.1"] } },
    expected: [
      'harbor:tls.dnsNames[0] must be a lower-case DNS name such as harbor.example.com, got "registry.1"',
    ],
  },
  {
    key: "tls",
    title: "ipAddresses are written without leading zeros",
    config: { hostname: "harbor.example.com", tls: { ipAddresses: ["10.0.0.01"] } },
    expected: [
      'harbor:tls.ipAddresses[0] must be an IPv4 address written as four decimal numbers 0-255 without leading zeros, such as 192.168.1.10 (URL parsers read 010 as octal, 0x7f as hex and 1.2.3 as 1.2.0.3), got "10.0.0.01"',
    ],
  },
  {
    key: "tls",
    title: "ipAddresses are listed once",
    config: { hostname: "harbor.example.com", tls: { ipAddresses: ["10.0.0.1", "10.0.0.1"] } },
    expected: ['harbor:tls.ipAddresses[1] repeats entry [0]; list each value once, got "10.0.0.1"'],
  },
  {
    key: "tls",
    title: "caCertificate holds PEM blocks and nothing else",
    config: {
      hostname: "harbor.example.com",
      caCertificate:
        "subject=CN = evil\n-----BEGIN CERTIFICATE-----\nZml4dHVyZQ==\n-----END CERTIFICATE-----\n",
    },
    expected: [
      'harbor:caCertificate must be PEM text: only -----BEGIN ...----- / -----END ...----- blocks of base64, without text around or inside them, got "subject=CN = evil\\n-----BEGIN CERTIFICATE-----\\nZml4dHVyZQ==\\n-----END CERTI...',
      "harbor:caCertificate is only used when harbor:tls.mode is ca-provided (it is generated)",
    ],
  },
  // storage
  {
    key: "storage",
    title: "variant is known",
    config: { hostname: "harbor.example.com", storage: { variant: "ceph" } },
    expected: ['harbor:storage.variant must be one of local-path, nfs, rook, existing, got "ceph"'],
  },
  {
    key: "storage",
    title: "sizes are Kubernetes quantities (20Gi, not 20GB)",
    config: { hostname: "harbor.example.com", storage: { sizes: { registry: "20GB" } } },
    expected: [
      'harbor:storage.sizes.registry must be a Kubernetes quantity such as 20Gi (units Ki, Mi, Gi, Ti), got "20GB"',
    ],
  },
  {
    key: "storage",
    title: "a misspelt key (sise) is not ignored",
    config: { hostname: "harbor.example.com", storage: { sise: { registry: "20Gi" } } },
    expected: [
      "harbor:storage.sise is not a known key (did you mean harbor:storage.sizes?); harbor:storage takes variant, className, reclaimPolicy, sizes, existingClaims, accessMode, localPath",
    ],
  },
  {
    key: "storage",
    title: "a misspelt volume is not ignored",
    config: { hostname: "harbor.example.com", storage: { sizes: { regsitry: "20Gi" } } },
    expected: [
      "harbor:storage.sizes.regsitry is not a known key (did you mean harbor:storage.sizes.registry?); harbor:storage.sizes takes registry, jobservice, database, redis, trivy",
    ],
  },
  {
    key: "storage",
    title: "nfs needs a server",
    config: {
      hostname: "harbor.example.com",
      storage: { variant: "nfs", nfs: { path: "/exports/harbor" } },
    },
    expected: ["harbor:storage.nfs.server is required (a DNS name or an IP address)"],
  },
  {
    key: "storage",
    title: "nfs needs its settings",
    config: { hostname: "harbor.example.com", storage: { variant: "nfs" } },
    expected: [
      "harbor:storage.nfs.server is required (a DNS name or an IP address)",
      "harbor:storage.nfs.path is required (an absolute path such as /exports/harbor)",
    ],
  },
  {
    key: "storage",
    title: "existing needs className",
    config: { hostname: "harbor.example.com", storage: { variant: "existing" } },
    expected: [
      "harbor:storage.className is required when harbor:storage.variant is existing: name the StorageClass Harbor's claims use",
    ],
  },
  {
    key: "storage",
    title: "local-path volumes cannot be ReadWriteMany",
    config: { hostname: "harbor.example.com", storage: { accessMode: "ReadWriteMany" } },
    expected: [
      'harbor:storage.accessMode must be ReadWriteOnce for harbor:storage.variant local-path (its volumes cannot be shared between nodes), got "ReadWriteMany"',
    ],
  },
  {
    key: "storage",
    title: "reclaimPolicy is Retain or Delete",
    config: { hostname: "harbor.example.com", storage: { reclaimPolicy: "Recycle" } },
    expected: ['harbor:storage.reclaimPolicy must be Retain or Delete, got "Recycle"'],
  },
  {
    key: "storage",
    title: "localPath.nodePath is absolute",
    config: { hostname: "harbor.example.com", storage: { localPath: { nodePath: "opt/harbor" } } },
    expected: [
      "harbor:storage.localPath.nodePath must be an absolute path such as /exports/harbor: '/'-separated names of letters, digits, '.', '_', '-', '+', '@' (no '.', '..' or '//'), got \"opt/harbor\"",
    ],
  },
  {
    key: "storage",
    title: "rook.replicas is at least 1",
    config: { hostname: "harbor.example.com", storage: { variant: "rook", rook: { replicas: 0 } } },
    expected: ["harbor:storage.rook.replicas must be an integer 1-9, got 0"],
  },
  {
    key: "storage",
    title: "nfs settings without variant nfs",
    config: {
      hostname: "harbor.example.com",
      storage: { nfs: { server: "nfs.example.com", path: "/exports/harbor" } },
    },
    expected: [
      "harbor:storage.variant must be set to nfs: nfs is given, but the default local-path takes none of that",
    ],
  },
  {
    key: "storage",
    title: "nfs.path cannot break out of the provisioner's template",
    config: {
      hostname: "harbor.example.com",
      storage: {
        variant: "nfs",
        nfs: { server: "nfs.example.com", path: "/exports/harbor\n---\nkind: ClusterRoleBinding" },
      },
    },
    expected: [
      "harbor:storage.nfs.path must be an absolute path such as /exports/harbor: '/'-separated names of letters, digits, '.', '_', '-', '+', '@' (no '.', '..' or '//'), got \"/exports/harbor\\n---\\nkind: ClusterRoleBinding\"",
    ],
  },
  {
    key: "storage",
    title: "nfs.path has no ..",
    config: {
      hostname: "harbor.example.com",
      storage: { variant: "nfs", nfs: { server: "nfs.example.com", path: "/exports/../etc" } },
    },
    expected: [
      "harbor:storage.nfs.path must be an absolute path such as /exports/harbor: '/'-separated names of letters, digits, '.', '_', '-', '+', '@' (no '.', '..' or '//'), got \"/exports/../etc\"",
    ],
  },
  {
    key: "storage",
    title: "nfs.mountOptions are one option each",
    config: {
      hostname: "harbor.example.com",
      storage: {
        variant: "nfs",
        nfs: {
          server: "nfs.example.com",
          path: "/exports/harbor",
          mountOptions: ["nfsvers=4.1,sec=sys"],
        },
      },
    },
    expected: [
      "harbor:storage.nfs.mountOptions[0] must be one mount option such as nfsvers=4.1 (letters, digits, '_', '.', '=', ':', '/', '+', '-'; one option per list entry), got \"nfsvers=4.1,sec=sys\"",
    ],
  },
  {
    key: "storage",
    title: "nfs.mountOptions cannot inject YAML",
    config: {
      hostname: "harbor.example.com",
      storage: {
        variant: "nfs",
        nfs: {
          server: "nfs.example.com",
          path: "/exports/harbor",
          mountOptions: ['hard"\n- evil'],
        },
      },
    },
    expected: [
      "harbor:storage.nfs.mountOptions[0] must be one mount option such as nfsvers=4.1 (letters, digits, '_', '.', '=', ':', '/', '+', '-'; one option per list entry), got \"hard\\\"\\n- evil\"",
    ],
  },
  {
    key: "storage",
    title: "nfs.mountOptions are listed once",
    config: {
      hostname: "harbor.example.com",
      storage: {
        variant: "nfs",
        nfs: { server: "nfs.example.com", path: "/exports/harbor", mountOptions: ["hard", "hard"] },
      },
    },
    expected: [
      'harbor:storage.nfs.mountOptions[1] repeats entry [0]; list each value once, got "hard"',
    ],
  },
  {
    key: "storage",
    title: "nfs.server is a reachable address",
    config: {
      hostname: "harbor.example.com",
      storage: { variant: "nfs", nfs: { server: "0.0.0.0", path: "/exports/harbor" } },
    },
    expected: [
      'harbor:storage.nfs.server must be a reachable address: 0.0.0.0 means "any address" and cannot be connected to, got "0.0.0.0"',
    ],
  },
  {
    key: "storage",
    title: "localPath.node fits the kubernetes.io/hostname label",
    config: {
      hostname: "harbor.example.com",
      storage: {
        localPath: {
          node: "worker-1.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com",
        },
      },
    },
    expected: [
      `harbor:storage.localPath.node must be a node name of at most 63 characters (it is matched through the node's kubernetes.io/hostname label), got "worker-1.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com"`,
    ],
  },
  {
    key: "storage",
    title: "localPath.nodePath has only safe characters",
    config: {
      hostname: "harbor.example.com",
      storage: { localPath: { nodePath: "/opt/local path" } },
    },
    expected: [
      "harbor:storage.localPath.nodePath must be an absolute path such as /exports/harbor: '/'-separated names of letters, digits, '.', '_', '-', '+', '@' (no '.', '..' or '//'), got \"/opt/local path\"",
    ],
  },
  // chart
  {
    key: "chart",
    title: "version is one the program supports",
    config: { hostname: "harbor.example.com", chart: { version: "1.20.0" } },
    expected: [
      'harbor:chart.version must be a chart version this program was written against (1.17.0, 1.17.1, 1.17.2, 1.17.3, 1.17.4, 1.18.0, 1.18.1, 1.18.2, 1.18.3, 1.18.4, 1.19.0, 1.19.1); newer charts are added after their values are reviewed, got "1.20.0"',
    ],
  },
  {
    key: "chart",
    title: "version is exact, not a range",
    config: { hostname: "harbor.example.com", chart: { version: "^1.19.0" } },
    expected: [
      'harbor:chart.version must be an exact chart version such as 1.19.1 (no ranges), got "^1.19.0"',
    ],
  },
  {
    key: "chart",
    title: "repository has a scheme",
    config: { hostname: "harbor.example.com", chart: { repository: "helm.goharbor.io" } },
    expected: [
      'harbor:chart.repository must be an https:// or oci:// Helm repository URL (letters, digits and . _ ~ % + - in the path, no query), got "helm.goharbor.io"',
    ],
  },
  {
    key: "chart",
    title: "path exists",
    config: { hostname: "harbor.example.com", chart: { path: "./charts/harbor-1.19.1.tgz" } },
    expected: [
      'harbor:chart.path must point to an existing chart archive (.tgz) or directory, relative to the project directory, got "./charts/harbor-1.19.1.tgz"',
    ],
  },
  {
    key: "chart",
    title: "deployMode is release or chart",
    config: { hostname: "harbor.example.com", deployMode: "helm" },
    expected: ['harbor:deployMode must be release or chart, got "helm"'],
  },
  {
    key: "chart",
    title: "repository carries no credentials",
    config: {
      hostname: "harbor.example.com",
      chart: { repository: "https://user:token@charts.example.com/harbor" },
    },
    expected: [
      'harbor:chart.repository must not carry credentials (user:password@): repository credentials would be stored in plain text; mirror the chart to a repository that needs none, or download it and set harbor:chart.path, got "https://***@charts.example.com/harbor"',
    ],
  },
  {
    key: "chart",
    title: "path has only safe characters",
    config: { hostname: "harbor.example.com", chart: { path: "charts/harbor.tgz\nother" } },
    expected: [
      "harbor:chart.path must be a path to a chart .tgz or directory: '/'-separated names of letters, digits, '.', '_', '-', '+', '@', got \"charts/harbor.tgz\\nother\"",
    ],
  },
  // adminPassword
  {
    key: "adminPassword",
    title: "is 8-128 characters",
    config: { hostname: "harbor.example.com" },
    secrets: { adminPassword: "Ab1cdE" },
    expected: ["harbor:adminPassword must be 8-128 characters (Harbor's rule)"],
  },
  {
    key: "adminPassword",
    title: "is not the chart's default",
    config: { hostname: "harbor.example.com" },
    secrets: { adminPassword: "Harbor12345" },
    expected: ["harbor:adminPassword must not be the chart's default password"],
  },
  {
    key: "adminPassword",
    title: "is never stored in plain text",
    config: { hostname: "harbor.example.com", adminPassword: "PlainText-Passw0rd" },
    expected: [
      "harbor:adminPassword is stored in plain text in the stack file; remove it and set it with `pulumi config set --secret harbor:adminPassword <value>`",
    ],
  },
  {
    key: "adminPassword",
    title: "a password has no control characters (and is not echoed)",
    config: {
      hostname: "harbor.example.com",
      database: { type: "external", host: "db.example.com", username: "harbor" },
    },
    secrets: { databasePassword: "pass\nword" },
    expected: [
      "harbor:databasePassword must be a non-empty password without control characters or line breaks",
    ],
  },
  {
    key: "adminPassword",
    title: "has no control characters (and is not echoed)",
    config: { hostname: "harbor.example.com" },
    secrets: { adminPassword: "Admin-Pass\u0000w0rd" },
    expected: ["harbor:adminPassword must not contain control characters or line breaks"],
  },
  // auth
  {
    key: "auth",
    title: "mode is database, ldap or oidc",
    config: { hostname: "harbor.example.com", auth: { mode: "saml" } },
    expected: ['harbor:auth.mode must be one of database, ldap, oidc, got "saml"'],
  },
  {
    key: "auth",
    title: "ldap needs its settings",
    config: { hostname: "harbor.example.com", auth: { mode: "ldap" } },
    expected: [
      "harbor:auth.ldap.url is required (an ldap:// or ldaps:// URL)",
      "harbor:auth.ldap.baseDn is required (a DN such as dc=example,dc=com)",
    ],
  },
  {
    key: "auth",
    title: "ldap url is ldap:// or ldaps://",
    config: {
      hostname: "harbor.example.com",
      auth: { mode: "ldap", ldap: { url: "http://ldap.example.com", baseDn: "dc=example,dc=com" } },
    },
    expected: [
      'harbor:auth.ldap.url must be an ldap:// or ldaps:// URL such as ldaps://ldap.example.com, got "http://ldap.example.com"',
    ],
  },
  {
    key: "auth",
    title: "ldap searchDn needs ldapSearchPassword",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "ldap",
        ldap: {
          url: "ldaps://ldap.example.com",
          baseDn: "dc=example,dc=com",
          searchDn: "cn=harbor,dc=example,dc=com",
        },
      },
    },
    expected: [
      "harbor:ldapSearchPassword is required when harbor:auth.ldap.searchDn is set: set it with `pulumi config set --secret harbor:ldapSearchPassword <value>`",
    ],
  },
  {
    key: "auth",
    title: "ldap scope is known",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "ldap",
        ldap: { url: "ldaps://ldap.example.com", baseDn: "dc=example,dc=com", scope: "sub" },
      },
    },
    expected: ['harbor:auth.ldap.scope must be base, onelevel or subtree, got "sub"'],
  },
  {
    key: "auth",
    title: "ldapSearchPassword without LDAP",
    config: { hostname: "harbor.example.com" },
    secrets: { ldapSearchPassword: "fixture-ldap-secret-value" },
    expected: ["harbor:ldapSearchPassword is only used when harbor:auth.mode is ldap"],
  },
  {
    key: "auth",
    title: "oidc needs its settings",
    config: { hostname: "harbor.example.com", auth: { mode: "oidc" } },
    expected: [
      "harbor:auth.oidc.endpoint is required (an https:// URL)",
      "harbor:auth.oidc.clientId is required (the client ID registered for Harbor)",
    ],
  },
  {
    key: "auth",
    title: "oidc needs oidcClientSecret",
    config: {
      hostname: "harbor.example.com",
      auth: { mode: "oidc", oidc: { endpoint: "https://id.example.com", clientId: "harbor" } },
    },
    expected: [
      "harbor:oidcClientSecret is required when harbor:auth.mode is oidc: set it with `pulumi config set --secret harbor:oidcClientSecret <value>`",
    ],
  },
  {
    key: "auth",
    title: "oidc endpoint is https",
    config: {
      hostname: "harbor.example.com",
      auth: { mode: "oidc", oidc: { endpoint: "http://id.example.com", clientId: "harbor" } },
    },
    secrets: { oidcClientSecret: "fixture-oidc-secret-value" },
    expected: [
      'harbor:auth.oidc.endpoint must be an https:// URL such as https://login.example.com/realms/harbor (letters, digits and . _ ~ % + - in the path; no query, fragment or credentials), got "http://id.example.com"',
    ],
  },
  {
    key: "auth",
    title: "ldap settings without mode ldap",
    config: {
      hostname: "harbor.example.com",
      auth: { ldap: { url: "ldaps://ldap.example.com", baseDn: "dc=example,dc=com" } },
    },
    expected: [
      "harbor:auth.mode must be set to ldap: ldap is given, but the default database takes none of that",
    ],
  },
  {
    key: "auth",
    title: "ldap filter has balanced parentheses",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "ldap",
        ldap: {
          url: "ldaps://ldap.example.com",
          baseDn: "dc=example,dc=com",
          filter: "(&(objectClass=person)(uid=*)",
        },
      },
    },
    expected: [
      "harbor:auth.ldap.filter must be an LDAP filter such as (objectClass=person): balanced parentheses, '(', ')', '*' and '\\' in values escaped as \\28, \\29, \\2a, \\5c, no line breaks, got \"(&(objectClass=person)(uid=*)\"",
    ],
  },
  {
    key: "auth",
    title: "ldap filter has no line breaks",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "ldap",
        ldap: {
          url: "ldaps://ldap.example.com",
          baseDn: "dc=example,dc=com",
          filter: "(objectClass=person)\n(uid=admin)",
        },
      },
    },
    expected: [
      "harbor:auth.ldap.filter must be an LDAP filter such as (objectClass=person): balanced parentheses, '(', ')', '*' and '\\' in values escaped as \\28, \\29, \\2a, \\5c, no line breaks, got \"(objectClass=person)\\n(uid=admin)\"",
    ],
  },
  {
    key: "auth",
    title: "ldap groupSearchFilter escapes parentheses in values",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "ldap",
        ldap: {
          url: "ldaps://ldap.example.com",
          baseDn: "dc=example,dc=com",
          groupSearchFilter: "(cn=harbor (admins))",
        },
      },
    },
    expected: [
      "harbor:auth.ldap.groupSearchFilter must be an LDAP filter such as (objectClass=person): balanced parentheses, '(', ')', '*' and '\\' in values escaped as \\28, \\29, \\2a, \\5c, no line breaks, got \"(cn=harbor (admins))\"",
    ],
  },
  {
    key: "auth",
    title: "ldap baseDn escapes its special characters",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "ldap",
        ldap: { url: "ldaps://ldap.example.com", baseDn: 'ou="people",dc=example,dc=com' },
      },
    },
    expected: [
      `harbor:auth.ldap.baseDn must be a DN such as dc=example,dc=com: type=value pairs separated by ',', special characters (" + , ; < > \\) escaped with '\\', no line breaks, got "ou=\\"people\\",dc=example,dc=com"`,
    ],
  },
  {
    key: "auth",
    title: "ldap uid is an attribute name",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "ldap",
        ldap: {
          url: "ldaps://ldap.example.com",
          baseDn: "dc=example,dc=com",
          uid: "uid)(objectClass=*",
        },
      },
    },
    expected: [
      "harbor:auth.ldap.uid must be an LDAP attribute name such as uid or memberOf (a letter, then letters, digits, '-'), got \"uid)(objectClass=*\"",
    ],
  },
  {
    key: "auth",
    title: "ldap url carries no credentials",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "ldap",
        ldap: { url: "ldaps://cn=admin:bind-pw@ldap.example.com", baseDn: "dc=example,dc=com" },
      },
    },
    expected: [
      'harbor:auth.ldap.url must not carry credentials (user:password@): put the bind DN in harbor:auth.ldap.searchDn and its password in the secret harbor:ldapSearchPassword, got "ldaps://***@ldap.example.com"',
    ],
  },
  {
    key: "auth",
    title: "oidc scope includes openid",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "oidc",
        oidc: { endpoint: "https://id.example.com", clientId: "harbor", scope: "profile,email" },
      },
    },
    secrets: { oidcClientSecret: "fixture-oidc-secret" },
    expected: [
      'harbor:auth.oidc.scope must include openid (Harbor requires it), got "profile,email"',
    ],
  },
  {
    key: "auth",
    title: "oidc scope tokens have no spaces",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "oidc",
        oidc: { endpoint: "https://id.example.com", clientId: "harbor", scope: "openid profile" },
      },
    },
    secrets: { oidcClientSecret: "fixture-oidc-secret" },
    expected: [
      'harbor:auth.oidc.scope must be comma-separated scopes such as openid,profile,email (letters, digits and _ . : / -, no spaces), got "openid profile"',
    ],
  },
  {
    key: "auth",
    title: "oidc name is one line",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "oidc",
        oidc: { endpoint: "https://id.example.com", clientId: "harbor", name: "Corporate\nSSO" },
      },
    },
    secrets: { oidcClientSecret: "fixture-oidc-secret" },
    expected: [
      'harbor:auth.oidc.name must be a display name without control characters or line breaks, got "Corporate\\nSSO"',
    ],
  },
  {
    key: "auth",
    title: "oidc groupsClaim is a claim name",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "oidc",
        oidc: { endpoint: "https://id.example.com", clientId: "harbor", groupsClaim: "my groups" },
      },
    },
    secrets: { oidcClientSecret: "fixture-oidc-secret" },
    expected: [
      'harbor:auth.oidc.groupsClaim must be a claim name such as groups (letters, digits and _ . : / -), got "my groups"',
    ],
  },
  {
    key: "auth",
    title: "oidc endpoint has no query",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "oidc",
        oidc: { endpoint: "https://id.example.com/realms/harbor?x=1", clientId: "harbor" },
      },
    },
    secrets: { oidcClientSecret: "fixture-oidc-secret" },
    expected: [
      'harbor:auth.oidc.endpoint must be an https:// URL such as https://login.example.com/realms/harbor (letters, digits and . _ ~ % + - in the path; no query, fragment or credentials), got "https://id.example.com/realms/harbor?x=1"',
    ],
  },
  // database and redis
  {
    key: "database and redis",
    title: "external database needs databasePassword",
    config: {
      hostname: "harbor.example.com",
      database: { type: "external", host: "db.example.com", username: "harbor" },
    },
    expected: [
      "harbor:databasePassword is required when harbor:database.type is external: set it with `pulumi config set --secret harbor:databasePassword <value>`",
    ],
  },
  {
    key: "database and redis",
    title: "external database host has no port",
    config: {
      hostname: "harbor.example.com",
      database: { type: "external", host: "db.example.com:5432", username: "harbor" },
    },
    secrets: { databasePassword: "fixture-db-secret-value" },
    expected: [
      'harbor:database.host must be a lower-case DNS name or an IP address without scheme, port or path (harbor.example.com, 192.168.1.10), got "db.example.com:5432"',
    ],
  },
  {
    key: "database and redis",
    title: "external database sslmode is known",
    config: {
      hostname: "harbor.example.com",
      database: { type: "external", host: "db.example.com", username: "harbor", sslmode: "prefer" },
    },
    secrets: { databasePassword: "fixture-db-secret-value" },
    expected: [
      'harbor:database.sslmode must be one of disable, require, verify-ca, verify-full, got "prefer"',
    ],
  },
  {
    key: "database and redis",
    title: "databasePassword without an external database",
    config: { hostname: "harbor.example.com" },
    secrets: { databasePassword: "fixture-db-secret-value" },
    expected: ["harbor:databasePassword is only used when harbor:database.type is external"],
  },
  {
    key: "database and redis",
    title: "external redis addr has a port",
    config: {
      hostname: "harbor.example.com",
      redis: { type: "external", addr: "redis.example.com" },
    },
    expected: [
      'harbor:redis.addr must be host:port, or a comma-separated list of Sentinel host:port addresses, got "redis.example.com"',
    ],
  },
  {
    key: "database and redis",
    title: "external redis lists addresses only for Sentinel",
    config: {
      hostname: "harbor.example.com",
      redis: { type: "external", addr: "r1.example.com:26379,r2.example.com:26379" },
    },
    expected: [
      'harbor:redis.addr must be a single host:port unless harbor:redis.sentinelMasterSet is set (a list of addresses is only valid for Sentinel), got "r1.example.com:26379,r2.example.com:26379"',
    ],
  },
  {
    key: "database and redis",
    title: "redisPassword without an external redis",
    config: { hostname: "harbor.example.com" },
    secrets: { redisPassword: "fixture-redis-secret-value" },
    expected: ["harbor:redisPassword is only used when harbor:redis.type is external"],
  },
  {
    key: "database and redis",
    title: "external database settings without type external",
    config: {
      hostname: "harbor.example.com",
      database: { host: "db.example.com", username: "harbor" },
    },
    expected: [
      "harbor:database.type must be set to external: host, username are given, but the default internal takes none of that",
    ],
  },
  {
    key: "database and redis",
    title: "username cannot inject into goharbor's core ConfigMap",
    config: {
      hostname: "harbor.example.com",
      database: {
        type: "external",
        host: "db.example.com",
        username: 'x"\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding',
      },
    },
    secrets: { databasePassword: "fixture-db-password" },
    expected: [
      "harbor:database.username must be a PostgreSQL user name: a letter or '_', then letters, digits, '_', '-', '.', '@'; at most 63 characters, got \"x\\\"\\n---\\napiVersion: rbac.authorization.k8s.io/v1\\nkind: ClusterRoleBinding\"",
    ],
  },
  {
    key: "database and redis",
    title: "coreDatabase is a PostgreSQL identifier",
    config: {
      hostname: "harbor.example.com",
      database: {
        type: "external",
        host: "db.example.com",
        username: "harbor",
        coreDatabase: "registry; DROP TABLE x",
      },
    },
    secrets: { databasePassword: "fixture-db-password" },
    expected: [
      "harbor:database.coreDatabase must be a database name: a letter or '_', then letters, digits, '_', '-'; at most 63 characters, got \"registry; DROP TABLE x\"",
    ],
  },
  {
    key: "database and redis",
    title: "host carries no credentials (redacted)",
    config: {
      hostname: "harbor.example.com",
      database: { type: "external", host: "harbor:S3cret-pw@db.example.com", username: "harbor" },
    },
    secrets: { databasePassword: "fixture-db-password" },
    expected: [
      'harbor:database.host must not carry credentials (user:password@): put the user name in harbor:database.username and the password in the secret harbor:databasePassword, got "***@db.example.com"',
    ],
  },
  {
    key: "database and redis",
    title: "host is not rewritten by a URL parser",
    config: {
      hostname: "harbor.example.com",
      database: { type: "external", host: "10.0.0.010", username: "harbor" },
    },
    secrets: { databasePassword: "fixture-db-password" },
    expected: [
      'harbor:database.host must be an IPv4 address written as four decimal numbers 0-255 without leading zeros, such as 192.168.1.10 (URL parsers read 010 as octal, 0x7f as hex and 1.2.3 as 1.2.0.3), got "10.0.0.010"',
    ],
  },
  {
    key: "database and redis",
    title: "addr carries no credentials (redacted)",
    config: {
      hostname: "harbor.example.com",
      redis: { type: "external", addr: "default:S3cret-pw@redis.example.com:6379" },
    },
    expected: [
      'harbor:redis.addr must not carry credentials (user:password@): put the user name in harbor:redis.username and the password in the secret harbor:redisPassword, got "***@redis.example.com:6379"',
    ],
  },
  {
    key: "database and redis",
    title: "addr's port is 1-65535",
    config: {
      hostname: "harbor.example.com",
      redis: { type: "external", addr: "redis.example.com:0" },
    },
    expected: [
      'harbor:redis.addr must be host:port, or a comma-separated list of Sentinel host:port addresses; in "redis.example.com:0", the port must be 1-65535, got "redis.example.com:0"',
    ],
  },
  {
    key: "database and redis",
    title: "sentinel addresses are listed once",
    config: {
      hostname: "harbor.example.com",
      redis: {
        type: "external",
        addr: "s1.example.com:26379,s1.example.com:26379",
        sentinelMasterSet: "mymaster",
      },
    },
    expected: [
      'harbor:redis.addr lists "s1.example.com:26379" twice; list each Sentinel address once, got "s1.example.com:26379,s1.example.com:26379"',
    ],
  },
  {
    key: "database and redis",
    title: "sentinelMasterSet cannot inject into the registry's config.yml",
    config: {
      hostname: "harbor.example.com",
      redis: {
        type: "external",
        addr: "s1.example.com:26379",
        sentinelMasterSet: "mymaster\n  password: x",
      },
    },
    expected: [
      "harbor:redis.sentinelMasterSet must be a Sentinel master set name such as mymaster (letters, digits, '-', '_', '.'; at most 64), got \"mymaster\\n  password: x\"",
    ],
  },
  {
    key: "database and redis",
    title: "username is a Redis user name",
    config: {
      hostname: "harbor.example.com",
      redis: { type: "external", addr: "redis.example.com:6379", username: "harbor@corp" },
    },
    expected: [
      "harbor:redis.username must be a Redis user name (letters, digits, '-', '_', '.'), got \"***@corp\"",
    ],
  },
  // objectStorage
  {
    key: "objectStorage",
    title: "needs a bucket",
    config: { hostname: "harbor.example.com", objectStorage: { region: "eu-west-1" } },
    expected: ["harbor:objectStorage.bucket is required (an S3 bucket name)"],
  },
  {
    key: "objectStorage",
    title: "s3AccessKey needs s3SecretKey",
    config: { hostname: "harbor.example.com", objectStorage: { bucket: "harbor" } },
    secrets: { s3AccessKey: "FIXTUREACCESSKEY0001" },
    expected: [
      "harbor:s3SecretKey is required together with its pair (harbor:s3AccessKey and harbor:s3SecretKey); leave both unset to use the pod's cloud identity",
    ],
  },
  {
    key: "objectStorage",
    title: "s3SecretKey needs s3AccessKey",
    config: { hostname: "harbor.example.com", objectStorage: { bucket: "harbor" } },
    secrets: { s3SecretKey: "fixture-s3-secret-value" },
    expected: [
      "harbor:s3AccessKey is required together with its pair (harbor:s3AccessKey and harbor:s3SecretKey); leave both unset to use the pod's cloud identity",
    ],
  },
  {
    key: "objectStorage",
    title: "regionEndpoint is a URL",
    config: {
      hostname: "harbor.example.com",
      objectStorage: { bucket: "harbor", regionEndpoint: "minio.example.com:9000" },
    },
    expected: [
      'harbor:objectStorage.regionEndpoint must be an http:// or https:// URL with only scheme, host and optional port (Harbor cannot be served under a path), got "minio.example.com:9000"',
    ],
  },
  {
    key: "objectStorage",
    title: "S3 keys without objectStorage",
    config: { hostname: "harbor.example.com" },
    secrets: { s3AccessKey: "FIXTUREACCESSKEY0001", s3SecretKey: "fixture-s3-secret-value" },
    expected: ["harbor:s3AccessKey is only used when harbor:objectStorage is set"],
  },
  {
    key: "objectStorage",
    title: "bucket follows S3's naming rules",
    config: { hostname: "harbor.example.com", objectStorage: { bucket: "Harbor_Blobs" } },
    expected: [
      "harbor:objectStorage.bucket must be an S3 bucket name: 3-63 lower-case letters, digits, '.', '-', starting and ending with a letter or digit, got \"Harbor_Blobs\"",
    ],
  },
  {
    key: "objectStorage",
    title: "bucket is not formatted as an IP address",
    config: { hostname: "harbor.example.com", objectStorage: { bucket: "192.168.1.10" } },
    expected: [
      "harbor:objectStorage.bucket must be an S3 bucket name: 3-63 lower-case letters, digits, '.', '-', starting and ending with a letter or digit, not formatted as an IP address, got \"192.168.1.10\"",
    ],
  },
  {
    key: "objectStorage",
    title: "bucket avoids S3's reserved prefixes",
    config: { hostname: "harbor.example.com", objectStorage: { bucket: "xn--harbor" } },
    expected: [
      "harbor:objectStorage.bucket must be an S3 bucket name: 3-63 lower-case letters, digits, '.', '-', starting and ending with a letter or digit; the prefixes xn--, sthree- and amzn-s3-demo- are reserved, got \"xn--harbor\"",
    ],
  },
  {
    key: "objectStorage",
    title: "region cannot inject into the registry's config.yml",
    config: {
      hostname: "harbor.example.com",
      objectStorage: {
        bucket: "harbor-blobs",
        region: "us-east-1\n  regionendpoint: https://evil.example.com",
      },
    },
    expected: [
      "harbor:objectStorage.region must be a region such as us-east-1 (letters, digits, '-', '_', '.'; at most 64), got \"us-east-1\\n  regionendpoint: https://evil.example.com\"",
    ],
  },
  {
    key: "objectStorage",
    title: "rootDirectory is a key prefix",
    config: {
      hostname: "harbor.example.com",
      objectStorage: { bucket: "harbor-blobs", rootDirectory: "/harbor/../other" },
    },
    expected: [
      "harbor:objectStorage.rootDirectory must be a key prefix such as /harbor: '/'-separated names of letters, digits, '.', '_', '-', '+', '@' (no '.' or '..'), got \"/harbor/../other\"",
    ],
  },
  {
    key: "objectStorage",
    title: "storageClass is an S3 storage class",
    config: {
      hostname: "harbor.example.com",
      objectStorage: { bucket: "harbor-blobs", storageClass: "standard ia" },
    },
    expected: [
      "harbor:objectStorage.storageClass must be an S3 storage class such as STANDARD or STANDARD_IA (upper-case letters, digits, '_'), got \"standard ia\"",
    ],
  },
  {
    key: "objectStorage",
    title: "regionEndpoint carries no keys (redacted)",
    config: {
      hostname: "harbor.example.com",
      objectStorage: {
        bucket: "harbor-blobs",
        regionEndpoint: "https://AKIAXXXX:S3cret-key@s3.example.com",
      },
    },
    expected: [
      'harbor:objectStorage.regionEndpoint must not carry credentials (user:password@): put the keys in the secrets harbor:s3AccessKey and harbor:s3SecretKey, got "https://***@s3.example.com"',
    ],
  },
  // replicas
  {
    key: "replicas",
    title: "registry HA on ReadWriteOnce needs object storage",
    config: { hostname: "harbor.example.com", replicas: { registry: 2 } },
    expected: [
      "harbor:replicas.registry must be 1 unless registry blobs are shared: every registry pod must see every blob, and a ReadWriteOnce volume (harbor:storage.variant local-path) attaches to one node only; set harbor:objectStorage (s3, or rook for a Rook-Ceph bucket), or use ReadWriteMany storage (harbor:storage.variant nfs), got 2",
    ],
  },
  {
    key: "replicas",
    title: "registry HA on Rook RBD volumes (ReadWriteOnce) needs object storage",
    config: {
      hostname: "harbor.example.com",
      storage: { variant: "rook" },
      replicas: { registry: 3, jobservice: 3 },
    },
    expected: [
      "harbor:replicas.registry must be 1 unless registry blobs are shared: every registry pod must see every blob, and a ReadWriteOnce volume (harbor:storage.variant rook) attaches to one node only; set harbor:objectStorage (s3, or rook for a Rook-Ceph bucket), or use ReadWriteMany storage (harbor:storage.variant nfs), got 3",
    ],
  },
  {
    key: "replicas",
    title: "are at least 1",
    config: { hostname: "harbor.example.com", replicas: { core: 0 } },
    expected: ["harbor:replicas.core must be an integer 1-20, got 0"],
  },
  {
    key: "replicas",
    title: "misspelt component is not ignored",
    config: { hostname: "harbor.example.com", replicas: { portl: 2 } },
    expected: [
      "harbor:replicas.portl is not a known key (did you mean harbor:replicas.portal?); harbor:replicas takes core, portal, registry, jobservice, nginx, trivy",
    ],
  },
  {
    key: "replicas",
    title: "is a map",
    config: { hostname: "harbor.example.com", replicas: 3 },
    expected: ["harbor:replicas must be an object, got 3"],
  },
  // trivy, metrics, protect
  {
    key: "trivy, metrics, protect",
    title: "trivy.enabled is a boolean",
    config: { hostname: "harbor.example.com", trivy: { enabled: "yes" } },
    expected: ['harbor:trivy.enabled must be true or false, got "yes"'],
  },
  {
    key: "trivy, metrics, protect",
    title: "metrics.serviceMonitor is a boolean",
    config: { hostname: "harbor.example.com", metrics: { serviceMonitor: "on" } },
    expected: ['harbor:metrics.serviceMonitor must be true or false, got "on"'],
  },
  {
    key: "trivy, metrics, protect",
    title: "protect is a boolean",
    config: { hostname: "harbor.example.com", protect: "maybe" },
    expected: ['harbor:protect must be true or false, got "maybe"'],
  },
  // proxy and ipFamily
  {
    key: "proxy and ipFamily",
    title: "httpProxy is a URL",
    config: { hostname: "harbor.example.com", proxy: { httpProxy: "proxy.example.com:3128" } },
    expected: [
      'harbor:proxy.httpProxy must be an http:// or https:// URL with only scheme, host and optional port (Harbor cannot be served under a path), got "proxy.example.com:3128"',
    ],
  },
  {
    key: "proxy and ipFamily",
    title: "components are the ones that use a proxy",
    config: {
      hostname: "harbor.example.com",
      proxy: { httpsProxy: "http://proxy.example.com:3128", components: ["registry"] },
    },
    expected: ['harbor:proxy.components[0] must be core, jobservice or trivy, got "registry"'],
  },
  {
    key: "proxy and ipFamily",
    title: "at least one IP family",
    config: { hostname: "harbor.example.com", ipFamily: { ipv4: false, ipv6: false } },
    expected: [
      'harbor:ipFamily must enable at least one of ipv4 and ipv6 (Harbor needs an address family to serve on), got {"ipv4":false,"ipv6":false}',
    ],
  },
  {
    key: "proxy and ipFamily",
    title: "httpProxy carries no password: the chart writes it into ConfigMaps (redacted)",
    config: {
      hostname: "harbor.example.com",
      proxy: { httpProxy: "http://proxyuser:S3cret-pw@proxy.example.com:3128" },
    },
    expected: [
      "harbor:proxy.httpProxy must not carry credentials (user:password@): Harbor's chart writes proxy URLs into ConfigMaps and pod environments in plain text; use a proxy that admits the cluster's nodes by source address (see README, Safety), got \"http://***@proxy.example.com:3128\"",
    ],
  },
  {
    key: "proxy and ipFamily",
    title: "noProxy cannot inject into core's environment",
    config: {
      hostname: "harbor.example.com",
      proxy: {
        noProxy: 'x"\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding',
      },
    },
    expected: [
      'harbor:proxy.noProxy must be a comma-separated list of host names (.example.com for a domain), IP addresses and CIDRs, each with an optional :port; entry 1 ("x\\"\\n---\\napiVersion: rbac.authorization.k8s.io/v1\\nkind: ClusterRoleBinding") is not one, got "x\\"\\n---\\napiVersion: rbac.authorization.k8s.io/v1\\nkind: ClusterRoleBinding"',
    ],
  },
  {
    key: "proxy and ipFamily",
    title: "noProxy lists each entry once",
    config: { hostname: "harbor.example.com", proxy: { noProxy: ".example.com,.example.com" } },
    expected: [
      'harbor:proxy.noProxy lists ".example.com" twice; list each entry once, got ".example.com,.example.com"',
    ],
  },
  {
    key: "proxy and ipFamily",
    title: "components are listed once",
    config: {
      hostname: "harbor.example.com",
      proxy: { httpProxy: "http://proxy.example.com:3128", components: ["core", "core"] },
    },
    expected: ['harbor:proxy.components[1] repeats entry [0]; list each value once, got "core"'],
  },
  // scheduling and imageRegistry
  {
    key: "scheduling and imageRegistry",
    title: "toleration effect is known",
    config: {
      hostname: "harbor.example.com",
      scheduling: {
        tolerations: [
          { key: "dedicated", operator: "Equal", value: "harbor", effect: "NoSchedul" },
        ],
      },
    },
    expected: [
      'harbor:scheduling.tolerations[0].effect must be NoSchedule, PreferNoSchedule or NoExecute, got "NoSchedul"',
    ],
  },
  {
    key: "scheduling and imageRegistry",
    title: "tolerations is a list",
    config: { hostname: "harbor.example.com", scheduling: { tolerations: { key: "dedicated" } } },
    expected: [
      'harbor:scheduling.tolerations must be a list of tolerations, got {"key":"dedicated"}',
    ],
  },
  {
    key: "scheduling and imageRegistry",
    title: "nodeSelector does not contradict localPath.node",
    config: {
      hostname: "harbor.example.com",
      storage: { localPath: { node: "node-1" } },
      scheduling: { nodeSelector: { "kubernetes.io/hostname": "node-2" } },
    },
    expected: [
      'harbor:scheduling.nodeSelector["kubernetes.io/hostname"] contradicts harbor:storage.localPath.node (node-1); set the node in one place, got "node-2"',
    ],
  },
  {
    key: "scheduling and imageRegistry",
    title: "imageRegistry has no scheme",
    config: { hostname: "harbor.example.com", imageRegistry: "https://mirror.example.com" },
    expected: [
      'harbor:imageRegistry must be a registry host with an optional path, without scheme or trailing slash (mirror.example.com, mirror.local:5000/dockerhub), got "https://mirror.example.com"',
    ],
  },
  {
    key: "scheduling and imageRegistry",
    title: "a toleration with operator Exists has no value",
    config: {
      hostname: "harbor.example.com",
      scheduling: { tolerations: [{ key: "dedicated", operator: "Exists", value: "harbor" }] },
    },
    expected: [
      'harbor:scheduling.tolerations[0].value must be empty when operator is Exists (Exists matches every value of the key), got "harbor"',
    ],
  },
  {
    key: "scheduling and imageRegistry",
    title: "a toleration without a key needs operator Exists",
    config: {
      hostname: "harbor.example.com",
      scheduling: { tolerations: [{ value: "harbor", effect: "NoSchedule" }] },
    },
    expected: [
      'harbor:scheduling.tolerations[0].key is required unless operator is Exists (only operator Exists without a key tolerates every taint), got {"value":"harbor","effect":"NoSchedule"}',
    ],
  },
  {
    key: "scheduling and imageRegistry",
    title: "tolerationSeconds needs effect NoExecute",
    config: {
      hostname: "harbor.example.com",
      scheduling: {
        tolerations: [
          { key: "dedicated", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 60 },
        ],
      },
    },
    expected: [
      "harbor:scheduling.tolerations[0].tolerationSeconds is only allowed with effect NoExecute (Kubernetes refuses it otherwise), got 60",
    ],
  },
  {
    key: "scheduling and imageRegistry",
    title: "a toleration key is a Kubernetes key",
    config: {
      hostname: "harbor.example.com",
      scheduling: { tolerations: [{ key: "dedicated node", operator: "Exists" }] },
    },
    expected: [
      "harbor:scheduling.tolerations[0].key must be a Kubernetes key: name or prefix/name, the name at most 63 letters, digits, '-', '_', '.' (starting and ending with a letter or digit), the prefix a lower-case DNS name, got \"dedicated node\"",
    ],
  },
  {
    key: "scheduling and imageRegistry",
    title: "tolerations are listed once",
    config: {
      hostname: "harbor.example.com",
      scheduling: {
        tolerations: [
          { key: "a", operator: "Exists" },
          { key: "a", operator: "Exists" },
        ],
      },
    },
    expected: [
      'harbor:scheduling.tolerations[1] repeats entry [0]; list each value once, got {"key":"a","operator":"Exists"}',
    ],
  },
  {
    key: "scheduling and imageRegistry",
    title: "nodeSelector keys are label keys",
    config: {
      hostname: "harbor.example.com",
      scheduling: { nodeSelector: { "node role": "registry" } },
    },
    expected: [
      "harbor:scheduling.nodeSelector[\"node role\"] is not a valid label key: it must be a Kubernetes key: name or prefix/name, the name at most 63 letters, digits, '-', '_', '.' (starting and ending with a letter or digit), the prefix a lower-case DNS name, got \"node role\"",
    ],
  },
  {
    key: "scheduling and imageRegistry",
    title: "nodeSelector values are label values",
    config: {
      hostname: "harbor.example.com",
      scheduling: { nodeSelector: { "example.com/pool": "registry pool" } },
    },
    expected: [
      "harbor:scheduling.nodeSelector[\"example.com/pool\"] must be a Kubernetes label value: at most 63 letters, digits, '-', '_', '.' (starting and ending with a letter or digit), got \"registry pool\"",
    ],
  },
  {
    key: "scheduling and imageRegistry",
    title: "affinity holds names and label values only",
    config: {
      hostname: "harbor.example.com",
      scheduling: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: "pool", operator: "In", values: ['a"\n---'] }] },
              ],
            },
          },
        },
      },
    },
    expected: [
      "harbor:scheduling.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0] must be a Kubernetes name, label key, label value or operator (letters, digits, '-', '_', '.', '/'), got \"a\\\"\\n---\"",
    ],
  },
  {
    key: "scheduling and imageRegistry",
    title: "imageRegistry carries no credentials (redacted)",
    config: { hostname: "harbor.example.com", imageRegistry: "robot:S3cret-pw@mirror.example.com" },
    expected: [
      'harbor:imageRegistry must not carry credentials (user:password@): a configuration value is stored and shown in plain text; give credentials through the secret keys (`pulumi config set --secret`), got "***@mirror.example.com"',
    ],
  },
  // trust
  {
    key: "trust",
    title: "nodes cannot trust a CA when TLS is disabled",
    config: {
      hostname: "harbor.example.com",
      externalURL: "https://harbor.example.com",
      tls: { mode: "disabled" },
      trust: { nodes: { enabled: true } },
    },
    expected: [
      "harbor:trust.nodes.enabled must be false when harbor:tls.mode is disabled (there is no CA for nodes to trust), got true",
    ],
  },
  {
    key: "trust",
    title: "namespaces get no CA when TLS is disabled",
    config: {
      hostname: "harbor.example.com",
      externalURL: "https://harbor.example.com",
      tls: { mode: "disabled" },
      trust: { namespaces: ["ci"] },
    },
    expected: [
      'harbor:trust.namespaces must be empty when harbor:tls.mode is disabled (there is no CA to distribute), got ["ci"]',
    ],
  },
  {
    key: "trust",
    title: "nodes.image has a tag",
    config: {
      hostname: "harbor.example.com",
      trust: { nodes: { enabled: true, image: "busybox" } },
    },
    expected: [
      'harbor:trust.nodes.image must be an image reference with a tag or digest, such as busybox:1.37, got "busybox"',
    ],
  },
  {
    key: "trust",
    title: "nodes.runtime is containerd or docker",
    config: {
      hostname: "harbor.example.com",
      trust: { nodes: { enabled: true, runtime: "cri-o" } },
    },
    expected: ['harbor:trust.nodes.runtime must be containerd or docker, got "cri-o"'],
  },
  {
    key: "trust",
    title: "nodes is a map",
    config: { hostname: "harbor.example.com", trust: { nodes: "yes" } },
    expected: ['harbor:trust.nodes must be an object, got "yes"'],
  },
  {
    key: "trust",
    title: "nodes.hostsDir cannot run a command on every node",
    config: {
      hostname: "harbor.example.com",
      trust: { nodes: { enabled: true, hostsDir: "/etc/containerd/certs.d/$(touch /tmp/pwned)" } },
    },
    expected: [
      "harbor:trust.nodes.hostsDir must be an absolute path such as /exports/harbor: '/'-separated names of letters, digits, '.', '_', '-', '+', '@' (no '.', '..' or '//'), got \"/etc/containerd/certs.d/$(touch /tmp/pwned)\"",
    ],
  },
  {
    key: "trust",
    title: "nodes.hostsDir cannot smuggle backticks",
    config: {
      hostname: "harbor.example.com",
      trust: { nodes: { enabled: true, hostsDir: "/etc/`id`" } },
    },
    expected: [
      "harbor:trust.nodes.hostsDir must be an absolute path such as /exports/harbor: '/'-separated names of letters, digits, '.', '_', '-', '+', '@' (no '.', '..' or '//'), got \"/etc/`id`\"",
    ],
  },
  {
    key: "trust",
    title: "nodes.hostsDir has no ..",
    config: {
      hostname: "harbor.example.com",
      trust: { nodes: { enabled: true, hostsDir: "/etc/containerd/../../root" } },
    },
    expected: [
      "harbor:trust.nodes.hostsDir must be an absolute path such as /exports/harbor: '/'-separated names of letters, digits, '.', '_', '-', '+', '@' (no '.', '..' or '//'), got \"/etc/containerd/../../root\"",
    ],
  },
  {
    key: "trust",
    title: "namespaces are listed once (no duplicate resource URN)",
    config: { hostname: "harbor.example.com", trust: { namespaces: ["ci", "argocd", "ci"] } },
    expected: ['harbor:trust.namespaces[2] repeats entry [0]; list each value once, got "ci"'],
  },
  // resources
  {
    key: "resources",
    title: "a CPU quantity is cores or millicores",
    config: { hostname: "harbor.example.com", resources: { core: { requests: { cpu: "100mi" } } } },
    expected: [
      'harbor:resources.core.requests.cpu must be a CPU quantity such as 500m or 2, got "100mi"',
    ],
  },
  {
    key: "resources",
    title: "a limit is never below its request (Kubernetes refuses the pod)",
    config: {
      hostname: "harbor.example.com",
      resources: { registry: { requests: { memory: "1Gi" }, limits: { memory: "512Mi" } } },
    },
    expected: [
      'harbor:resources.registry.limits.memory must be at least harbor:resources.registry.requests.memory (1Gi); Kubernetes refuses a limit below its request, got "512Mi"',
    ],
  },
  {
    key: "resources",
    title: "a limit below a default request names the default",
    config: { hostname: "harbor.example.com", resources: { trivy: { limits: { cpu: "100m" } } } },
    expected: [
      'harbor:resources.trivy.limits.cpu must be at least harbor:resources.trivy.requests.cpu (200m); Kubernetes refuses a limit below its request, got "100m"',
    ],
  },
  {
    key: "resources",
    title: "only the chart's components",
    config: { hostname: "harbor.example.com", resources: { registryctl: {} } },
    expected: [
      "harbor:resources.registryctl is not a known key; harbor:resources takes core, portal, registry, jobservice, database, redis, trivy, nginx, exporter",
    ],
  },
  // chart.values
  {
    key: "chart",
    title: "values cannot override a modelled key",
    config: { hostname: "harbor.example.com", chart: { values: { core: { replicas: 3 } } } },
    expected: [
      "harbor:chart.values.core.replicas is set by the program from harbor:replicas.core; chart values cannot override it",
    ],
  },
  {
    key: "chart",
    title: "values cannot carry a credential, nor echo it",
    config: {
      hostname: "harbor.example.com",
      chart: { values: { harborAdminPassword: "Chart-Passw0rd" } },
    },
    expected: [
      "harbor:chart.values.harborAdminPassword is set by the program from harbor:adminPassword; chart values cannot override it",
    ],
  },
  {
    key: "chart",
    title: "values cannot replace the exposure (TLS included)",
    config: {
      hostname: "harbor.example.com",
      chart: { values: { expose: { tls: { enabled: false } } } },
    },
    expected: [
      "harbor:chart.values.expose is set by the program from harbor:expose and harbor:tls; chart values cannot override it",
    ],
  },
  {
    key: "chart",
    title: "values cannot pin what the chart would generate at render time",
    config: {
      hostname: "harbor.example.com",
      chart: { values: { internalTLS: { enabled: true } } },
    },
    expected: [
      "harbor:chart.values.internalTLS is set by the program from harbor:tls (the chart would generate certificates at every render); chart values cannot override it",
    ],
  },
  {
    key: "chart",
    title: "values are one line each",
    config: {
      hostname: "harbor.example.com",
      chart: { values: { core: { podAnnotations: { note: "a\n---\nkind: Secret" } } } },
    },
    expected: [
      "harbor:chart.values.core.podAnnotations.note must be one line without control characters (chart templates interpolate some values unquoted, where a line break could add objects to the release)",
    ],
  },
  {
    key: "chart",
    title: "values the chart renders through tpl are refused",
    config: {
      hostname: "harbor.example.com",
      chart: {
        values: { metrics: { serviceMonitor: { metricRelabelings: [{ action: "keep" }] } } },
      },
    },
    expected: [
      "harbor:chart.values.metrics.serviceMonitor.metricRelabelings cannot be set through chart values: the chart renders it through `tpl`, which would run template code written in it",
    ],
  },
  // kubernetes
  {
    key: "kubernetes",
    title: "context and kubeconfigFromStack exclude each other",
    config: {
      hostname: "harbor.example.com",
      kubernetes: { context: "lab", kubeconfigFromStack: { stack: "acme/cluster/prod" } },
    },
    expected: [
      'harbor:kubernetes.kubeconfigFromStack cannot be combined with harbor:kubernetes.context ("lab"); choose one way to reach the cluster, got "acme/cluster/prod"',
    ],
  },
  {
    key: "kubernetes",
    title: "renderToDirectory needs deployMode chart",
    config: { hostname: "harbor.example.com", kubernetes: { renderToDirectory: "out" } },
    expected: [
      'harbor:kubernetes.renderToDirectory requires harbor:deployMode chart (a helm.v3.Release cannot be rendered to files), got "out"',
    ],
  },
  {
    key: "kubernetes",
    title: "kubeconfigFromStack.stack is a stack name",
    config: {
      hostname: "harbor.example.com",
      kubernetes: { kubeconfigFromStack: { stack: "acme cluster" } },
    },
    expected: [
      'harbor:kubernetes.kubeconfigFromStack.stack must be a stack name such as acme/cluster/prod, got "acme cluster"',
    ],
  },
  {
    key: "kubernetes",
    title: "context is one kubeconfig context name",
    config: { hostname: "harbor.example.com", kubernetes: { context: "prod\nother" } },
    expected: [
      'harbor:kubernetes.context must be a kubeconfig context name (letters, digits and _ . : / @ + = -), got "prod\\nother"',
    ],
  },
  {
    key: "kubernetes",
    title: "renderToDirectory has only safe characters",
    config: {
      hostname: "harbor.example.com",
      deployMode: "chart",
      kubernetes: { renderToDirectory: "out'; rm -rf ~" },
    },
    expected: [
      "harbor:kubernetes.renderToDirectory must be a directory path: '/'-separated names of letters, digits, '.', '_', '-', '+', '@', got \"out'; rm -rf ~\"",
    ],
  },
  // unknown keys
  {
    key: "unknown keys",
    title: "a misspelt top-level key gets a suggestion",
    config: { hostname: "harbor.example.com", hostnmae: "harbor.example.com" },
    expected: [
      "harbor:hostnmae is not a known setting (did you mean harbor:hostname?); see the configuration reference, docs/configuration.md",
    ],
  },
  {
    key: "unknown keys",
    title: "an unknown top-level key is not ignored",
    config: { hostname: "harbor.example.com", storageClass: "fast" },
    expected: [
      "harbor:storageClass is not a known setting (settings of this kind go inside harbor:storage); see the configuration reference, docs/configuration.md",
    ],
  },
  // backup and restore
  {
    key: "backup",
    title: "schedule is a five-field cron expression",
    config: {
      hostname: "harbor.example.com",
      backup: { schedule: "0 3 * *", target: { pvc: { className: "backup", size: "50Gi" } } },
    },
    expected: [
      'harbor:backup.schedule must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 3 * * *": has 4 fields, not 5 (minute hour day-of-month month day-of-week), got "0 3 * *"',
    ],
  },
  {
    key: "backup",
    title: "keep is 1-365",
    config: {
      hostname: "harbor.example.com",
      backup: { keep: 0, target: { pvc: { className: "backup", size: "50Gi" } } },
    },
    expected: ["harbor:backup.keep must be an integer 1-365 (backups kept), got 0"],
  },
  {
    key: "backup",
    title: "engine is job or velero",
    config: { hostname: "harbor.example.com", backup: { engine: "restic" } },
    expected: ['harbor:backup.engine must be one of job, velero, got "restic"'],
  },
  {
    key: "backup",
    title: "the job engine needs a target",
    config: { hostname: "harbor.example.com", backup: { engine: "job" } },
    expected: [
      "harbor:backup.target is required when harbor:backup.engine is job: {pvc: {className, size}} (a claim the program creates) or {s3: {bucket, endpoint, region, prefix}}",
    ],
  },
  {
    key: "backup",
    title: "an S3 bucket follows S3's naming rules",
    config: {
      hostname: "harbor.example.com",
      backup: { target: { s3: { bucket: "Bad_Bucket", endpoint: "https://s3.example.com" } } },
    },
    secrets: { backupS3AccessKey: "AKIABACKUPEXAMPLE7", backupS3SecretKey: "backup-secret-Zr4q" },
    expected: [
      "harbor:backup.target.s3.bucket must be an S3 bucket name: 3-63 lower-case letters, digits, '.', '-', starting and ending with a letter or digit, got \"Bad_Bucket\"",
    ],
  },
  {
    key: "backup",
    title: "an S3 target needs both keys",
    config: {
      hostname: "harbor.example.com",
      backup: { target: { s3: { bucket: "harbor-backups" } } },
    },
    expected: [
      "harbor:backupS3AccessKey is required when harbor:backup.target is s3: set it with `pulumi config set --secret harbor:backupS3AccessKey <value>`",
      "harbor:backupS3SecretKey is required when harbor:backup.target is s3: set it with `pulumi config set --secret harbor:backupS3SecretKey <value>`",
    ],
  },
  {
    key: "backup",
    title: "registry files are not archived from object storage",
    config: {
      hostname: "harbor.example.com",
      objectStorage: { bucket: "blobs" },
      backup: { registry: true, target: { pvc: { className: "backup", size: "50Gi" } } },
    },
    expected: [
      "harbor:backup.registry must be false when harbor:objectStorage is set: the registry's blobs live in the bucket, which its own versioning or replication must protect, got true",
    ],
  },
  {
    key: "backup",
    title: "velero takes no target",
    config: {
      hostname: "harbor.example.com",
      backup: { engine: "velero", target: { pvc: { className: "backup", size: "50Gi" } } },
    },
    expected: [
      "harbor:backup.target is not used with harbor:backup.engine velero: Velero writes to its BackupStorageLocation (choose one with harbor:backup.velero.storageLocation)",
    ],
  },
  {
    key: "restore",
    title: "from names a backup",
    config: {
      hostname: "harbor.example.com",
      backup: { target: { pvc: { className: "backup", size: "50Gi" } } },
      restore: { from: "yesterday" },
    },
    expected: [
      'harbor:restore.from must be the name of a backup as the backup job writes them, such as 20250301T030000Z-scheduled or 20250301T030000Z-pre-upgrade-1.19.1, got "yesterday"',
    ],
  },
  {
    key: "restore",
    title: "needs the job engine's backups",
    config: { hostname: "harbor.example.com", restore: { from: "20250301T030000Z-scheduled" } },
    expected: [
      "harbor:restore needs harbor:backup with engine job: the restore reads the backup from its target",
    ],
  },
  {
    key: "backupS3AccessKey",
    title: "is only used with an S3 target",
    config: { hostname: "harbor.example.com" },
    secrets: { backupS3AccessKey: "AKIABACKUPEXAMPLE7" },
    expected: ["harbor:backupS3AccessKey is only used when harbor:backup.target is s3"],
  },
  {
    key: "backupS3SecretKey",
    title: "is only used with an S3 target",
    config: {
      hostname: "harbor.example.com",
      backup: { target: { pvc: { className: "backup", size: "50Gi" } } },
    },
    secrets: { backupS3SecretKey: "backup-secret-Zr4q" },
    expected: ["harbor:backupS3SecretKey is only used when harbor:backup.target is s3"],
  },
  // Registry content (projects, robots, pull secrets, mirrors, ... through Harbor's API)
  {
    key: "api",
    title: "url is Harbor's origin, not its API path",
    config: {
      hostname: "harbor.example.com",
      api: { url: "https://harbor.internal.example.com/api/v2.0" },
    },
    expected: [
      'harbor:api.url must be an http:// or https:// URL with only scheme, host and optional port (Harbor cannot be served under a path), got "https://harbor.internal.example.com/api/v2.0"',
    ],
  },
  {
    key: "api",
    title: "url carries no credentials, and they are not echoed",
    config: {
      hostname: "harbor.example.com",
      api: { url: "https://admin:Adm1n-Pw@harbor.internal.example.com" },
    },
    expected: [
      'harbor:api.url must not carry credentials (user:password@): a configuration value is stored and shown in plain text; give credentials through the secret keys (`pulumi config set --secret`), got "https://***@harbor.internal.example.com"',
    ],
  },
  {
    key: "registries",
    title: "type is one of Harbor's adapters",
    config: { hostname: "harbor.example.com", registries: { dockerhub: { type: "dockerhub" } } },
    expected: [
      'harbor:registries.dockerhub.type must be one of Harbor\'s registry adapters: docker-hub, docker-registry, harbor, github-ghcr, quay, google-gcr, aws-ecr, azure-acr, ali-acr, jfrog-artifactory, gitlab, dtr, huawei-SWR, tencent-tcr, volcengine-cr, got "dockerhub"',
    ],
  },
  {
    key: "registries",
    title: "url is required for an adapter without a fixed address",
    config: { hostname: "harbor.example.com", registries: { lab: { type: "gitlab" } } },
    expected: ["harbor:registries.lab.url is required for type gitlab (the registry's address)"],
  },
  {
    key: "registries",
    title: "names follow Harbor's rule",
    config: {
      hostname: "harbor.example.com",
      registries: { "Docker Hub": { type: "docker-hub" } },
    },
    expected: [
      'harbor:registries["Docker Hub"] must be a registry endpoint name: lower-case letters and digits, with single . _ or - between them, at most 64 characters (Harbor\'s rule), got "Docker Hub"',
    ],
  },
  {
    key: "registries",
    title: "accessKey needs its secret in registrySecrets",
    config: {
      hostname: "harbor.example.com",
      registries: { dockerhub: { type: "docker-hub", accessKey: "acme-puller" } },
    },
    expected: [
      'harbor:registries.dockerhub.accessKey is set, but harbor:registrySecrets has no secret for dockerhub: set it with `pulumi config set --secret harbor:registrySecrets \'{"dockerhub":"<secret>"}\'` (one JSON map for every registry)',
    ],
  },
  {
    key: "registries",
    title: "a secret needs its accessKey",
    config: { hostname: "harbor.example.com", registries: { dockerhub: { type: "docker-hub" } } },
    secrets: { registrySecrets: JSON.stringify({ dockerhub: "dckr_pat_Zq8vK2mW" }) },
    expected: [
      "harbor:registries.dockerhub.accessKey is required: harbor:registrySecrets holds a secret for dockerhub, which Harbor sends with this user name or access key",
    ],
  },
  {
    key: "registrySecrets",
    title: "is a JSON map, and a secret that is not is never echoed",
    config: {
      hostname: "harbor.example.com",
      registries: { dockerhub: { type: "docker-hub", accessKey: "acme-puller" } },
    },
    secrets: { registrySecrets: "dckr_pat_Zq8vK2mW" },
    expected: [
      'harbor:registrySecrets must be a JSON object of registry name to secret, set with `pulumi config set --secret harbor:registrySecrets \'{"dockerhub":"<token>"}\'`',
    ],
  },
  {
    key: "registrySecrets",
    title: "holds secrets of declared registries only",
    config: {
      hostname: "harbor.example.com",
      registries: { dockerhub: { type: "docker-hub", accessKey: "acme-puller" } },
    },
    secrets: {
      registrySecrets: JSON.stringify({ dockerhub: "dckr_pat_Zq8vK2mW", ghcr: "ghp_R7tx0Lq" }),
    },
    expected: [
      'harbor:registrySecrets holds a secret for "ghcr", which is not a registry endpoint (harbor:registries declares dockerhub)',
    ],
  },
  {
    key: "registrySecrets",
    title: "is never stored in plain text",
    config: {
      hostname: "harbor.example.com",
      registries: { dockerhub: { type: "docker-hub", accessKey: "acme-puller" } },
      registrySecrets: JSON.stringify({ dockerhub: "dckr_pat_Zq8vK2mW" }),
    },
    expected: [
      "harbor:registrySecrets is stored in plain text in the stack file; remove it and set it with `pulumi config set --secret harbor:registrySecrets <value>`",
    ],
  },
  {
    key: "projects",
    title: "names are lower case (Harbor's rule)",
    config: { hostname: "harbor.example.com", projects: { Apps: {} } },
    expected: [
      'harbor:projects.Apps must be a Harbor project name: lower-case letters and digits, with single . _ or - between them, at most 255 characters (Harbor\'s rule), got "Apps"',
    ],
  },
  {
    key: "projects",
    title: "proxyCache names a declared registry endpoint",
    config: {
      hostname: "harbor.example.com",
      registries: { dockerhub: { type: "docker-hub" } },
      projects: { "dockerhub-cache": { proxyCache: "docker-hub" } },
    },
    expected: [
      'harbor:projects.dockerhub-cache.proxyCache names registry endpoint "docker-hub", which is not declared (harbor:registries declares dockerhub)',
    ],
  },
  {
    key: "projects",
    title: "proxyCache over a registry type Harbor cannot proxy",
    config: {
      hostname: "harbor.example.com",
      registries: { quay: { type: "quay" } },
      projects: { "quay-cache": { proxyCache: "quay" } },
    },
    expected: [
      'harbor:projects.quay-cache.proxyCache names "quay" of type quay, which Harbor cannot use as a proxy cache (it can: docker-hub, harbor, azure-acr, ali-acr, aws-ecr, google-gcr, docker-registry, github-ghcr, jfrog-artifactory)',
    ],
  },
  {
    key: "projects",
    title: "quota has a binary unit",
    config: { hostname: "harbor.example.com", projects: { apps: { quota: "50GB" } } },
    expected: [
      'harbor:projects.apps.quota must be -1 (unlimited) or a size from 1Mi to 1024Ti with a binary unit, such as 50Gi (Harbor\'s quotas are binary: Mi, Gi, Ti), got "50GB"',
    ],
  },
  {
    key: "projects",
    title: "quota is at most 1024Ti",
    config: { hostname: "harbor.example.com", projects: { apps: { quota: "2048Ti" } } },
    expected: [
      'harbor:projects.apps.quota must be -1 (unlimited) or a size from 1Mi to 1024Ti with a binary unit, such as 50Gi (Harbor\'s quotas are binary: Mi, Gi, Ti), got "2048Ti"',
    ],
  },
  {
    key: "projects",
    title: "retention schedule is a cron expression",
    config: {
      hostname: "harbor.example.com",
      projects: { apps: { retention: { keepLatest: 10, schedule: "0 25 * * *" } } },
    },
    expected: [
      'harbor:projects.apps.retention.schedule must be a cron expression of 5 fields (minute hour day-of-month month day-of-week, such as "0 3 * * 6") or Harbor\'s 6 with seconds first ("0 0 3 * * 6"): field 2 (hour): "25" is out of range 0-23, got "0 25 * * *"',
    ],
  },
  {
    key: "projects",
    title: "retention has a rule",
    config: { hostname: "harbor.example.com", projects: { apps: { retention: { tags: "v*" } } } },
    expected: [
      "harbor:projects.apps.retention must set keepLatest, keepDays, keepLatestPulled or keepPulledDays: a policy without a rule would delete every artifact of its repositories",
    ],
  },
  {
    key: "projects",
    title: "member groups need ldap or oidc",
    config: {
      hostname: "harbor.example.com",
      projects: { apps: { members: { groups: { developers: "developer" } } } },
    },
    expected: [
      "harbor:projects.apps.members.groups.developers is a group, but harbor:auth.mode is database, which has no groups: add users under members.users, or use ldap or oidc",
    ],
  },
  {
    key: "projects",
    title: "member groups are DNs under ldap",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "ldap",
        ldap: { url: "ldaps://ldap.example.com", baseDn: "dc=example,dc=com" },
      },
      projects: { apps: { members: { groups: { developers: "developer" } } } },
    },
    expected: [
      "harbor:projects.apps.members.groups.developers must be an LDAP group DN such as cn=developers,ou=groups,dc=example,dc=com (harbor:auth.mode is ldap)",
    ],
  },
  {
    key: "projects",
    title: "member roles are Harbor's",
    config: {
      hostname: "harbor.example.com",
      projects: { apps: { members: { users: { alice: "owner" } } } },
    },
    expected: [
      'harbor:projects.apps.members.users.alice must be one of projectAdmin, maintainer, developer, guest, limitedGuest, got "owner"',
    ],
  },
  {
    key: "robots",
    title: "name declared projects",
    config: {
      hostname: "harbor.example.com",
      projects: { apps: {} },
      robots: { ci: { projects: { app: ["pull", "push"] } } },
    },
    expected: [
      'harbor:robots.ci.projects.app names project "app", which is not declared (harbor:projects declares apps); use "*" for every project',
    ],
  },
  {
    key: "robots",
    title: "permissions are Harbor's",
    config: {
      hostname: "harbor.example.com",
      projects: { apps: {} },
      robots: { ci: { projects: { apps: ["pull", "write"] } } },
    },
    expected: [
      'harbor:robots.ci.projects.apps[1] must be pull, push, delete, list, read or a resource:action Harbor grants a robot on a project (such as artifact:delete, tag:create, scan:create), got "write"',
    ],
  },
  {
    key: "pullSecrets",
    title: "name a declared robot",
    config: {
      hostname: "harbor.example.com",
      projects: { apps: {} },
      robots: { ci: { projects: { apps: ["pull"] } } },
      pullSecrets: { shop: "shop-puller" },
    },
    expected: [
      'harbor:pullSecrets.shop names robot "shop-puller", which is not declared (harbor:robots declares ci)',
    ],
  },
  {
    key: "pullSecrets",
    title: "name a robot that can pull",
    config: {
      hostname: "harbor.example.com",
      projects: { apps: {} },
      robots: { ci: { projects: { apps: ["push"] } } },
      pullSecrets: { shop: "ci" },
    },
    expected: [
      'harbor:pullSecrets.shop names robot "ci", which cannot pull: give it pull on a project (harbor:robots.ci.projects)',
    ],
  },
  {
    key: "mirrors",
    title: "need node trust with containerd",
    config: {
      hostname: "harbor.example.com",
      registries: { dockerhub: { type: "docker-hub" } },
      projects: { "dockerhub-cache": { proxyCache: "dockerhub" } },
      mirrors: { "docker.io": "dockerhub-cache" },
    },
    expected: [
      "harbor:mirrors needs harbor:trust.nodes.enabled true with runtime containerd: the node-trust DaemonSet writes the mirror configuration (Docker Engine cannot pull through a proxy cache project; see docs/registry-content.md)",
    ],
  },
  {
    key: "mirrors",
    title: "name a proxy cache project",
    config: {
      hostname: "harbor.example.com",
      trust: { nodes: { enabled: true, runtime: "containerd" } },
      projects: { apps: {} },
      mirrors: { "docker.io": "apps" },
    },
    expected: [
      'harbor:mirrors["docker.io"] names project "apps", which is not a proxy cache project (set harbor:projects.apps.proxyCache)',
    ],
  },
  {
    key: "mirrors",
    title: "name a cache of that upstream",
    config: {
      hostname: "harbor.example.com",
      trust: { nodes: { enabled: true, runtime: "containerd" } },
      registries: { ghcr: { type: "github-ghcr" } },
      projects: { "ghcr-cache": { proxyCache: "ghcr" } },
      mirrors: { "docker.io": "ghcr-cache" },
    },
    expected: [
      'harbor:mirrors["docker.io"] names project "ghcr-cache", which caches ghcr.io (registry "ghcr"), not docker.io',
    ],
  },
  {
    key: "mirrors",
    title: "never name Harbor itself",
    config: {
      hostname: "harbor.example.com",
      trust: { nodes: { enabled: true, runtime: "containerd" } },
      registries: { own: { type: "harbor", url: "https://harbor.example.com" } },
      projects: { "own-cache": { proxyCache: "own" } },
      mirrors: { "harbor.example.com": "own-cache" },
    },
    expected: [
      'harbor:mirrors["harbor.example.com"] is Harbor itself (harbor:hostname is "harbor.example.com"): a mirror sends pulls of another registry through Harbor',
    ],
  },
  {
    key: "replications",
    title: "schedule is a cron expression",
    config: {
      hostname: "harbor.example.com",
      registries: { ghcr: { type: "github-ghcr" } },
      replications: {
        nightly: { direction: "pull", registry: "ghcr", trigger: "scheduled", schedule: "0 2 * *" },
      },
    },
    expected: [
      'harbor:replications.nightly.schedule must be a cron expression of 5 fields (minute hour day-of-month month day-of-week, such as "0 3 * * 6") or Harbor\'s 6 with seconds first ("0 0 3 * * 6"): has 4 fields, not 5 or 6 (minute hour day-of-month month day-of-week), got "0 2 * *"',
    ],
  },
  {
    key: "replications",
    title: "a scheduled rule has a schedule",
    config: {
      hostname: "harbor.example.com",
      registries: { ghcr: { type: "github-ghcr" } },
      replications: { nightly: { direction: "pull", registry: "ghcr", trigger: "scheduled" } },
    },
    expected: [
      "harbor:replications.nightly.schedule is required when trigger is scheduled (a cron expression such as `0 2 * * *`)",
    ],
  },
  {
    key: "replications",
    title: "event triggers push rules only",
    config: {
      hostname: "harbor.example.com",
      registries: { ghcr: { type: "github-ghcr" } },
      replications: { copy: { direction: "pull", registry: "ghcr", trigger: "event" } },
    },
    expected: [
      "harbor:replications.copy.trigger is event, which only push rules can use (Harbor triggers on pushes to itself): use manual or scheduled for a pull rule",
    ],
  },
  {
    key: "replications",
    title: "name a declared registry endpoint",
    config: {
      hostname: "harbor.example.com",
      replications: { copy: { direction: "pull", registry: "ghcr" } },
    },
    expected: [
      'harbor:replications.copy.registry names registry endpoint "ghcr", which is not declared (harbor:registries declares none)',
    ],
  },
  {
    key: "gc",
    title: "schedule is a cron expression",
    config: { hostname: "harbor.example.com", gc: { schedule: "weekly" } },
    expected: [
      'harbor:gc.schedule must be a cron expression of 5 fields (minute hour day-of-month month day-of-week, such as "0 3 * * 6") or Harbor\'s 6 with seconds first ("0 0 3 * * 6"): has 1 field, not 5 or 6 (minute hour day-of-month month day-of-week), got "weekly"',
    ],
  },
  {
    key: "scanAll",
    title: "a six-field schedule has 0 seconds",
    config: { hostname: "harbor.example.com", scanAll: { schedule: "30 0 4 * * *" } },
    expected: [
      'harbor:scanAll.schedule must be a cron expression of 5 fields (minute hour day-of-month month day-of-week, such as "0 3 * * 6") or Harbor\'s 6 with seconds first ("0 0 3 * * 6"): has seconds "30": Harbor runs schedules on whole minutes, so the seconds field must be 0, got "30 0 4 * * *"',
    ],
  },
  {
    key: "scanAll",
    title: "needs Trivy",
    config: {
      hostname: "harbor.example.com",
      trivy: { enabled: false },
      scanAll: { schedule: "0 4 * * *" },
    },
    expected: ["harbor:scanAll needs a scanner, but harbor:trivy.enabled is false"],
  },
  {
    key: "system",
    title: "settings take Harbor's values",
    config: {
      hostname: "harbor.example.com",
      system: { projectCreation: "admins", robotTokenDays: 0 },
    },
    expected: [
      'harbor:system.projectCreation must be adminonly or everyone, got "admins"',
      "harbor:system.robotTokenDays must be 1-36500 days, got 0",
    ],
  },
  // Harbor's own rules (issue 19), refused at preview.
  {
    key: "projects",
    title: "retention untagged says what happens, not the old boolean Harbor read backwards",
    config: {
      hostname: "harbor.example.com",
      projects: { apps: { retention: { keepLatest: 20, untagged: false } } },
    },
    expected: [
      "harbor:projects.apps.retention.untagged must be asTagged (untagged artifacts are kept by the same rules as tagged ones, and count towards keepLatest), keep (every untagged artifact is kept) or delete (every untagged artifact is deleted at each run); false was documented as sparing untagged artifacts, but Harbor deleted every one of them at each run: delete, got false",
    ],
  },
  {
    key: "projects",
    title: "a proxy cache's retention without its pull-based rule keeps nothing",
    config: {
      hostname: "harbor.example.com",
      registries: { dockerhub: { type: "docker-hub" } },
      projects: { cache: { proxyCache: "dockerhub", retention: { keepPulledDays: 0 } } },
    },
    expected: [
      "harbor:projects.cache.retention must set keepLatest, keepDays, keepLatestPulled or keepPulledDays: a policy without a rule would delete every artifact of its repositories",
    ],
  },
  {
    key: "replications",
    title: "schedule has no * in the minute field (Harbor's rule)",
    config: {
      hostname: "harbor.example.com",
      registries: { ghcr: { type: "github-ghcr" } },
      replications: {
        hourly: {
          direction: "pull",
          registry: "ghcr",
          trigger: "scheduled",
          schedule: "* 2 * * *",
        },
      },
    },
    expected: [
      'harbor:replications.hourly.schedule must not have * in the minute field: Harbor refuses a replication schedule that would start every minute (give the minute, such as 0 2 * * * or */15 * * * *), got "* 2 * * *"',
    ],
  },
  {
    key: "registrySecrets",
    title: "a quay endpoint's secret is Harbor's JSON document, never echoed",
    config: { hostname: "harbor.example.com", registries: { quay: { type: "quay" } } },
    secrets: { registrySecrets: JSON.stringify({ quay: "quay-robot-t0ken" }) },
    expected: [
      "harbor:registrySecrets.quay must be an object {account_name, docker_cli_password, oauth2_token (optional)} for a quay endpoint: Harbor's Quay adapter reads its secret as that JSON document, not as a password",
    ],
  },
  {
    key: "registries",
    title: "a quay endpoint takes no access key",
    config: {
      hostname: "harbor.example.com",
      registries: { quay: { type: "quay", accessKey: "acme+harbor" } },
    },
    secrets: {
      registrySecrets: JSON.stringify({
        quay: { account_name: "acme+harbor", docker_cli_password: "quay-robot-t0ken" },
      }),
    },
    expected: [
      "harbor:registries.quay.accessKey is not used for type quay: Harbor fixes it (json_file) and logs in as the secret's account_name; put the account in harbor:registrySecrets (quay: {account_name, docker_cli_password})",
    ],
  },
  {
    key: "projects",
    title: "one LDAP group once, whatever its case (Harbor stores DNs lower-cased)",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "ldap",
        ldap: { url: "ldaps://ldap.example.com", baseDn: "dc=example,dc=com" },
      },
      projects: {
        apps: {
          members: {
            groups: {
              "cn=developers,ou=groups,dc=example,dc=com": "developer",
              "CN=Developers,OU=Groups,DC=Example,DC=Com": "maintainer",
            },
          },
        },
      },
    },
    expected: [
      'harbor:projects.apps.members.groups["CN=Developers,OU=Groups,DC=Example,DC=Com"] is the group "cn=developers,ou=groups,dc=example,dc=com" again (Harbor compares DNs without regard to case and stores them lower-cased as "cn=developers,ou=groups,dc=example,dc=com"): list each group once',
    ],
  },
  {
    key: "projects",
    title: "LDAP groups lie under groupBaseDn",
    config: {
      hostname: "harbor.example.com",
      auth: {
        mode: "ldap",
        ldap: {
          url: "ldaps://ldap.example.com",
          baseDn: "ou=people,dc=example,dc=com",
          groupBaseDn: "ou=groups,dc=example,dc=com",
        },
      },
      projects: {
        apps: { members: { groups: { "cn=ops,ou=teams,dc=example,dc=com": "developer" } } },
      },
    },
    expected: [
      'harbor:projects.apps.members.groups["cn=ops,ou=teams,dc=example,dc=com"] is not under harbor:auth.ldap.groupBaseDn ("ou=groups,dc=example,dc=com"): Harbor looks group DNs up only below it, so it would refuse this member; use a group under it or set harbor:auth.ldap.groupBaseDn',
    ],
  },
  {
    key: "api",
    title: "url is https while Harbor serves TLS (the admin password travels with every call)",
    config: {
      hostname: "harbor.example.com",
      projects: { apps: {} },
      api: { url: "http://harbor.example.com" },
    },
    expected: [
      "harbor:api.url must be an https:// URL when harbor:tls.mode is generated: the program sends the admin password with every call, which over http:// would cross the network in clear (Harbor serves HTTPS; use https:// with a name its certificate covers)",
    ],
  },
  {
    key: "api",
    title: "url names a host Harbor's certificate covers",
    config: {
      hostname: "harbor.example.com",
      tls: { dnsNames: ["harbor.internal"] },
      projects: { apps: {} },
      api: { url: "https://localhost:8443" },
    },
    expected: [
      'harbor:api.url names "localhost", which Harbor\'s certificate does not cover (it covers harbor.example.com, harbor.internal): every call would fail TLS verification: add the name to harbor:tls.dnsNames (an address to harbor:tls.ipAddresses) or use a name the certificate covers',
    ],
  },
  {
    key: "imageRegistry",
    title: "is not Harbor itself (Harbor could never start on a fresh node)",
    config: { hostname: "harbor.example.com", imageRegistry: "harbor.example.com:443/dockerhub" },
    expected: [
      'harbor:imageRegistry names Harbor itself (harbor:hostname is "harbor.example.com"): Harbor\'s own images would have to be pulled from Harbor, which cannot serve them before it runs, so Harbor could never start on a fresh node; use a registry outside this Harbor',
    ],
  },
  {
    key: "mirrors",
    title: "upstream is the registry the cache's endpoint serves, by its real host and port",
    config: {
      hostname: "harbor.example.com",
      trust: { nodes: { enabled: true, runtime: "containerd" } },
      registries: { local: { type: "docker-registry", url: "http://registry.local:5000" } },
      projects: { "local-cache": { proxyCache: "local" } },
      mirrors: { "registry.local": "local-cache" },
    },
    expected: [
      'harbor:mirrors["registry.local"] names project "local-cache", which caches registry.local:5000 (registry "local"), not registry.local',
    ],
  },
  {
    key: "kubernetes",
    title: "renderToDirectory cannot make registry content",
    config: {
      hostname: "harbor.example.com",
      deployMode: "chart",
      kubernetes: { renderToDirectory: "rendered" },
      projects: { apps: {} },
      robots: { ci: { projects: { apps: ["pull"] } } },
    },
    expected: [
      "harbor:projects cannot be applied when harbor:kubernetes.renderToDirectory is set: registry content is made through Harbor's API by `pulumi up` against a running Harbor, not rendered to files (set in this stack: harbor:projects, harbor:robots)",
    ],
  },
];
