/**
 * Harbor's own rules as the configuration encodes them (goharbor/harbor v2.15.1): what a retention
 * keeps, replication schedules, Quay's secret, LDAP group DNs, and where Harbor is (api.url,
 * imageRegistry, mirrors). Each rule cites the upstream file and function it follows; the
 * behaviour itself is proven on a real Harbor by test/harbor/*.harbor.ts.
 */
import * as assert from "node:assert/strict";
import {
  harborItself,
  isUpstreamHost,
  parseRegistryContent,
  servesUpstream,
  splitAuthority,
  type HarborServing,
  type RegistryContentContext,
} from "../../config/registry-content";
import {
  accessSecretText,
  harborLdapGroupDn,
  ldapDnUnder,
  parseLdapDn,
  sameLdapDn,
} from "../../config/facts";
import {
  memberSpecs,
  nameSlug,
  registryAccessKey,
  registryAccessSecret,
  retentionRules,
} from "../../lib/registry-content";
import {
  MEMBER_RULES,
  diffInputs,
  observeRetention,
  retentionBody,
  type RetentionInputs,
} from "../../lib/harbor-api/model";
import { testChain } from "../support/fixtures/tls";
import { isSecretWrapper, registrationOf, runProgram } from "../support/harness";
import { Pki } from "../support/fixtures/openssl";

const CONTEXT: RegistryContentContext = {
  authMode: "ldap",
  trivyEnabled: true,
  nodeTrust: { enabled: true, runtime: "containerd" },
};

function problems(raw: Record<string, unknown>, context: Partial<RegistryContentContext> = {}) {
  try {
    parseRegistryContent(raw, { ...CONTEXT, ...context });
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
  return [];
}

const retention = (r: Record<string, unknown>, proxyCache = false) => {
  const parsed = parseRegistryContent(
    {
      registries: { hub: { type: "docker-hub" } },
      projects: { p: { retention: r, ...(proxyCache ? { proxyCache: "hub" } : {}) } },
    },
    CONTEXT,
  );
  return retentionRules(parsed.projects.p.retention!, proxyCache);
};

describe("retention: what the stack says is what Harbor keeps", function () {
  // Harbor deletes every artifact of the covered repositories that no rule keeps
  // (src/pkg/retention/policy/action/performer.go retainAction.Perform); a `matches` tag selector
  // selects untagged artifacts only with `untagged: true`, an `excludes` one only with false
  // (src/lib/selector/selectors/doublestar/selector.go tagSelectMatch, tagSelectExclude).
  const all = { tags: "**", repositories: "**" };

  it("asTagged (default): untagged artifacts are selected by every rule", function () {
    assert.deepEqual(retention({ keepLatest: 20, keepDays: 90 }), [
      { template: "latestPushedK", value: 20, ...all, untagged: true },
      { template: "nDaysSinceLastPush", value: 90, ...all, untagged: true },
    ]);
  });

  it("delete: no rule selects untagged artifacts, so each run deletes them", function () {
    assert.deepEqual(retention({ keepLatest: 20, untagged: "delete" }), [
      { template: "latestPushedK", value: 20, ...all, untagged: false },
    ]);
  });

  it("keep: the rules count tagged artifacts, and one more rule keeps every untagged artifact", function () {
    assert.deepEqual(retention({ keepDays: 30, untagged: "keep", repositories: "apps/**" }), [
      {
        template: "nDaysSinceLastPush",
        value: 30,
        tags: "**",
        repositories: "apps/**",
        untagged: false,
      },
      {
        template: "always",
        value: 0,
        tags: "**",
        repositories: "apps/**",
        untagged: false,
        excludeTags: true,
      },
    ]);
  });

  it("expresses pull-based rules", function () {
    assert.deepEqual(retention({ keepLatestPulled: 5, keepPulledDays: 14, tags: "v*" }), [
      { template: "latestPulledN", value: 5, tags: "v*", repositories: "**", untagged: true },
      { template: "nDaysSinceLastPull", value: 14, tags: "v*", repositories: "**", untagged: true },
    ]);
  });

  it("in a proxy cache project keeps what was pulled in Harbor's 7 days unless set (0: off)", function () {
    assert.deepEqual(retention({ keepDays: 30 }, true), [
      { template: "nDaysSinceLastPush", value: 30, ...all, untagged: true },
      { template: "nDaysSinceLastPull", value: 7, ...all, untagged: true },
    ]);
    assert.deepEqual(retention({ keepDays: 30, keepPulledDays: 21 }, true), [
      { template: "nDaysSinceLastPush", value: 30, ...all, untagged: true },
      { template: "nDaysSinceLastPull", value: 21, ...all, untagged: true },
    ]);
    assert.deepEqual(retention({ keepDays: 30, keepPulledDays: 0 }, true), [
      { template: "nDaysSinceLastPush", value: 30, ...all, untagged: true },
    ]);
    // A cache's retention may consist of the default pull-based rule alone.
    assert.deepEqual(retention({}, true), [
      { template: "nDaysSinceLastPull", value: 7, ...all, untagged: true },
    ]);
  });

  it("refuses a policy that keeps nothing, a proxy cache's default counting", function () {
    const none =
      "harbor:projects.p.retention must set keepLatest, keepDays, keepLatestPulled or keepPulledDays: a policy without a rule would delete every artifact of its repositories";
    assert.deepEqual(problems({ projects: { p: { retention: { untagged: "keep" } } } }), [none]);
    assert.deepEqual(
      problems({
        registries: { hub: { type: "docker-hub" } },
        projects: { p: { proxyCache: "hub", retention: { keepPulledDays: 0 } } },
      }),
      [none],
    );
  });

  it("refuses the old boolean untagged, saying what Harbor did with it", function () {
    const expected =
      "must be asTagged (untagged artifacts are kept by the same rules as tagged ones, and count towards keepLatest), keep (every untagged artifact is kept) or delete (every untagged artifact is deleted at each run)";
    assert.deepEqual(
      problems({ projects: { p: { retention: { keepLatest: 1, untagged: false } } } }),
      [
        `harbor:projects.p.retention.untagged ${expected}; false was documented as sparing untagged artifacts, but Harbor deleted every one of them at each run: delete, got false`,
      ],
    );
    assert.deepEqual(
      problems({ projects: { p: { retention: { keepLatest: 1, untagged: true } } } }),
      [
        `harbor:projects.p.retention.untagged ${expected}; true was documented as removing untagged artifacts, but Harbor kept them by the same rules as tagged ones: asTagged, got true`,
      ],
    );
    assert.deepEqual(
      problems({ projects: { p: { retention: { keepLatest: 1, untagged: "yes" } } } }),
      [`harbor:projects.p.retention.untagged ${expected}, got "yes"`],
    );
  });

  it("sends Harbor each rule's selector, and reads it back the same", function () {
    const inputs = {
      projectId: "7",
      rules: retention({ keepLatest: 3, untagged: "keep" }),
      cron: "0 0 0 * * *",
    } as RetentionInputs;
    const body = retentionBody(inputs, 12);
    assert.deepEqual(body.rules, [
      {
        priority: 1,
        disabled: false,
        action: "retain",
        template: "latestPushedK",
        params: { latestPushedK: 3 },
        tag_selectors: [
          {
            kind: "doublestar",
            decoration: "matches",
            pattern: "**",
            extras: '{"untagged":false}',
          },
        ],
        scope_selectors: {
          repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: "**" }],
        },
      },
      {
        priority: 2,
        disabled: false,
        action: "retain",
        template: "always",
        params: {},
        tag_selectors: [
          {
            kind: "doublestar",
            decoration: "excludes",
            pattern: "**",
            extras: '{"untagged":false}',
          },
        ],
        scope_selectors: {
          repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: "**" }],
        },
      },
    ]);
    assert.deepEqual(observeRetention(body).rules, inputs.rules);
  });

  it("reads a selector without extras as Harbor does: untagged for matches, not for excludes", function () {
    // doublestar.New: `untagged := true`, false for `excludes`, then the extras if they parse.
    const rule = (decoration: string, extras?: string) => ({
      template: "nDaysSinceLastPull",
      params: { nDaysSinceLastPull: 7 },
      tag_selectors: [{ kind: "doublestar", decoration, pattern: "**", extras }],
      scope_selectors: {
        repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: "**" }],
      },
    });
    const read = (decoration: string, extras?: string) =>
      observeRetention({ rules: [rule(decoration, extras)] }).rules![0].untagged;
    assert.equal(read("matches"), true);
    assert.equal(read("matches", "not json"), true);
    assert.equal(read("matches", '{"untagged":false}'), false);
    assert.equal(read("excludes"), false);
    assert.equal(read("excludes", '{"untagged":true}'), true);
  });
});

describe("replication schedules (Harbor's Policy.Validate)", function () {
  // src/controller/replication/model/model.go Policy.Validate: `*` in the minute field is refused.
  const replication = (schedule: string) =>
    problems({
      registries: { up: { type: "github-ghcr" } },
      replications: { r: { direction: "pull", registry: "up", trigger: "scheduled", schedule } },
    });
  const refused = (schedule: string) => [
    `harbor:replications.r.schedule must not have * in the minute field: Harbor refuses a replication schedule that would start every minute (give the minute, such as 0 2 * * * or */15 * * * *), got ${JSON.stringify(schedule)}`,
  ];

  it("refuses * in the minute field, in both forms", function () {
    assert.deepEqual(replication("* 2 * * *"), refused("* 2 * * *"));
    assert.deepEqual(replication("0 * * * * *"), refused("0 * * * * *"));
    assert.deepEqual(replication(" *  3 * * 6"), refused(" *  3 * * 6"));
  });

  it("accepts what Harbor accepts, and keeps the rule to replication", function () {
    for (const ok of ["*/15 * * * *", "0 2 * * *", "0-59 * * * *", "0 5,35 * * * *"]) {
      assert.deepEqual(replication(ok), [], ok);
    }
    assert.deepEqual(problems({ gc: { schedule: "* 3 * * *" } }), []);
  });
});

describe("Quay endpoints: the secret is Harbor's JSON document", function () {
  // src/pkg/reg/adapter/quay/adapter.go newAdapter unmarshals the secret into `cred` (types.go);
  // the adapter's AdapterPattern fixes the access key to json_file.
  const quay = (secret: unknown, extra: Record<string, unknown> = {}) => ({
    registries: { quay: { type: "quay", ...extra } },
    registrySecrets: JSON.stringify({ quay: secret }),
  });

  it("takes {account_name, docker_cli_password, oauth2_token} and sends it as JSON with access key json_file", function () {
    const parsed = parseRegistryContent(
      quay({ account_name: "acme+harbor", docker_cli_password: "t0k3n", oauth2_token: "oauth-1" }),
      CONTEXT,
    );
    assert.equal(registryAccessKey(parsed.registries.quay), "json_file");
    assert.equal(
      registryAccessSecret(parsed.registrySecrets!.quay),
      '{"account_name":"acme+harbor","docker_cli_password":"t0k3n","oauth2_token":"oauth-1"}',
    );
    assert.equal(
      accessSecretText({ docker_cli_password: "p", account_name: "a" }),
      '{"account_name":"a","docker_cli_password":"p"}',
    );
    assert.equal(accessSecretText("plain"), "plain");
    assert.equal(accessSecretText(undefined), "");
  });

  it("refuses a password for quay, an object elsewhere, and an access key for quay, never echoing a secret", function () {
    const secret = "s3cr3t-quay-value";
    const messages = [
      ...problems(quay(secret)),
      ...problems({
        registries: { hub: { type: "docker-hub", accessKey: "acme" } },
        registrySecrets: JSON.stringify({
          hub: { account_name: "a", docker_cli_password: secret },
        }),
      }),
      ...problems(quay({ account_name: "a", docker_cli_password: secret }, { accessKey: "acme" })),
      ...problems(quay({ account_name: "a b", docker_cli_password: `${secret}\n`, token: secret })),
    ];
    assert.deepEqual(messages, [
      "harbor:registrySecrets.quay must be an object {account_name, docker_cli_password, oauth2_token (optional)} for a quay endpoint: Harbor's Quay adapter reads its secret as that JSON document, not as a password",
      "harbor:registrySecrets.hub must be a password or token for a docker-hub endpoint (only quay endpoints take an object)",
      "harbor:registries.quay.accessKey is not used for type quay: Harbor fixes it (json_file) and logs in as the secret's account_name; put the account in harbor:registrySecrets (quay: {account_name, docker_cli_password})",
      "harbor:registrySecrets.quay.account_name must be a Quay user or robot account (org+robot): letters, digits and . _ - +, at most 255 characters",
      "harbor:registrySecrets.quay.docker_cli_password must be a non-empty secret without control characters or line breaks",
      "harbor:registrySecrets.quay.token is not a known key; harbor:registrySecrets.quay takes account_name, docker_cli_password, oauth2_token",
    ]);
    for (const m of messages) assert.ok(!m.includes(secret), m);
  });
});

describe("LDAP group DNs, compared as Harbor compares them", function () {
  // src/pkg/usergroup/manager.go stores utils.TrimLower(dn); src/pkg/ldap/ldap.go UnderBaseDN
  // parses both lower-cased (go-ldap ParseDN) and compares RDNs.
  it("parses DNs like go-ldap: spaces around RDNs, escapes, multi-valued RDNs in any order", function () {
    assert.deepEqual(parseLdapDn("CN=Dev , OU=Groups"), parseLdapDn("cn=dev,ou=groups"));
    assert.ok(sameLdapDn("cn=a\\,b,dc=x", "cn=a\\2Cb,dc=x"));
    assert.ok(sameLdapDn("cn=\\c3\\a9quipe,dc=x", "cn=équipe,dc=x"));
    assert.ok(sameLdapDn("cn=a+uid=b,dc=x", "uid=b+cn=a,dc=x"));
    assert.ok(!sameLdapDn("cn=a,dc=x", "cn=a,dc=y"));
    assert.equal(parseLdapDn("no equals"), undefined);
    assert.equal(parseLdapDn("cn=a\\zz"), undefined);
  });

  it("decides under-ness like UnderBaseDN: the base itself or below it, case-insensitive", function () {
    assert.ok(ldapDnUnder("ou=groups,dc=example,dc=com", "CN=Dev,OU=Groups,DC=Example,DC=Com"));
    assert.ok(ldapDnUnder("ou=groups,dc=example,dc=com", "ou=groups, dc=example, dc=com"));
    assert.ok(!ldapDnUnder("ou=groups,dc=example,dc=com", "cn=dev,ou=people,dc=example,dc=com"));
    assert.ok(!ldapDnUnder("ou=groups,dc=example,dc=com", "cn=dev,ou=groups,dc=example"));
    assert.ok(!ldapDnUnder("ou=groups,dc=example,dc=com", "cn=x,ou=xgroups,dc=example,dc=com"));
  });

  it("gives members Harbor's stored form, keeping the stack's key for messages", function () {
    assert.equal(
      harborLdapGroupDn(" CN=Dev,OU=Groups,DC=Example,DC=Com "),
      "cn=dev,ou=groups,dc=example,dc=com",
    );
    assert.deepEqual(
      memberSpecs(
        { groups: { "CN=Dev,OU=Groups,DC=Example,DC=Com": "developer" }, users: {} },
        "ldap",
      ),
      [
        {
          kind: "ldapGroup",
          key: "CN=Dev,OU=Groups,DC=Example,DC=Com",
          name: "cn=dev,ou=groups,dc=example,dc=com",
          role: "developer",
          resourceName: `group-${nameSlug("cn=dev,ou=groups,dc=example,dc=com")}`,
          formerResourceName: `group-${nameSlug("CN=Dev,OU=Groups,DC=Example,DC=Com")}`,
        },
      ],
    );
    // The same group in another case is the same resource: no replacement when only case changes.
    assert.equal(
      memberSpecs(
        { groups: { "cn=dev,ou=groups,dc=example,dc=com": "guest" }, users: {} },
        "ldap",
      )[0].resourceName,
      `group-${nameSlug("cn=dev,ou=groups,dc=example,dc=com")}`,
    );
    // OIDC group names are Harbor's as given.
    assert.equal(
      memberSpecs({ groups: { Platform: "guest" }, users: {} }, "oidc")[0].name,
      "Platform",
    );
  });

  it("a state written with the DN's own case is the same member: no change, no replacement", function () {
    const member = (name: string, role = "developer") => ({
      projectId: "3",
      kind: "ldapGroup",
      name,
      role,
    });
    assert.deepEqual(
      diffInputs(
        MEMBER_RULES,
        member("CN=Dev,OU=Groups,DC=Example,DC=Com"),
        member("cn=dev,ou=groups,dc=example,dc=com"),
      ),
      { changes: false, changed: [], replaces: [], deleteBeforeReplace: false },
    );
    assert.deepEqual(
      diffInputs(
        MEMBER_RULES,
        member("CN=Dev,OU=Groups,DC=Example,DC=Com"),
        member("cn=dev,ou=groups,dc=example,dc=com", "guest"),
      ),
      { changes: true, changed: ["role"], replaces: [], deleteBeforeReplace: false },
    );
    assert.deepEqual(
      diffInputs(
        MEMBER_RULES,
        member("cn=dev,ou=groups,dc=example,dc=com"),
        member("cn=ops,ou=groups,dc=example,dc=com"),
      ),
      { changes: true, changed: ["name"], replaces: ["name"], deleteBeforeReplace: false },
    );
    // User and OIDC group names keep their case: Harbor compares them as given.
    assert.deepEqual(
      diffInputs(
        MEMBER_RULES,
        { ...member("Platform"), kind: "oidcGroup" },
        { ...member("platform"), kind: "oidcGroup" },
      ).replaces,
      ["name"],
    );
  });

  const ldap = { baseDn: "dc=example,dc=com", groupBaseDn: "ou=groups,dc=example,dc=com" };
  const groups = (g: Record<string, string>, base = ldap) =>
    problems({ projects: { apps: { members: { groups: g } } } }, { ldap: base });

  it("refuses one group twice (differing in case or spacing) and groups outside the group base", function () {
    assert.deepEqual(
      groups({
        "cn=developers,ou=groups,dc=example,dc=com": "developer",
        "CN=Developers,OU=Groups,DC=Example,DC=Com": "maintainer",
        "cn=developers, ou=groups, dc=example, dc=com": "guest",
        "cn=ops,ou=teams,dc=example,dc=com": "guest",
      }),
      [
        'harbor:projects.apps.members.groups["CN=Developers,OU=Groups,DC=Example,DC=Com"] is the group "cn=developers,ou=groups,dc=example,dc=com" again (Harbor compares DNs without regard to case and stores them lower-cased as "cn=developers,ou=groups,dc=example,dc=com"): list each group once',
        'harbor:projects.apps.members.groups["cn=developers, ou=groups, dc=example, dc=com"] is the group "cn=developers,ou=groups,dc=example,dc=com" again (Harbor compares DNs without regard to case and stores them lower-cased as "cn=developers, ou=groups, dc=example, dc=com"): list each group once',
        'harbor:projects.apps.members.groups["cn=ops,ou=teams,dc=example,dc=com"] is not under harbor:auth.ldap.groupBaseDn ("ou=groups,dc=example,dc=com"): Harbor looks group DNs up only below it, so it would refuse this member; use a group under it or set harbor:auth.ldap.groupBaseDn',
      ],
    );
  });

  it("falls back to baseDn without groupBaseDn, as Harbor does", function () {
    assert.deepEqual(
      groups({ "cn=ops,ou=teams,dc=example,dc=com": "guest" }, {
        baseDn: "dc=example,dc=com",
      } as typeof ldap),
      [],
    );
    assert.deepEqual(
      groups({ "cn=ops,dc=other,dc=org": "guest" }, {
        baseDn: "ou=people,dc=example,dc=com",
      } as typeof ldap),
      [
        'harbor:projects.apps.members.groups["cn=ops,dc=other,dc=org"] is not under harbor:auth.ldap.baseDn ("ou=people,dc=example,dc=com"): Harbor looks group DNs up only below it, so it would refuse this member; use a group under it or set harbor:auth.ldap.groupBaseDn',
      ],
    );
  });
});

describe("where Harbor is: api.url, imageRegistry and mirrors", function () {
  const serving = (s: Partial<HarborServing> = {}): HarborServing => ({
    hostname: "harbor.example.com",
    tlsMode: "generated",
    dnsNames: [],
    ipAddresses: [],
    ...s,
  });
  const api = (url: string, s: Partial<HarborServing> = {}) =>
    problems({ api: { url } }, { serving: serving(s) });

  it("refuses http:// while Harbor serves TLS (the admin password would travel in clear)", function () {
    for (const mode of ["generated", "provided", "ca-provided"] as const) {
      assert.deepEqual(api("http://harbor.example.com", { tlsMode: mode }), [
        `harbor:api.url must be an https:// URL when harbor:tls.mode is ${mode}: the program sends the admin password with every call, which over http:// would cross the network in clear (Harbor serves HTTPS; use https:// with a name its certificate covers)`,
      ]);
    }
    assert.deepEqual(
      api("http://harbor-core.harbor.svc:8080", {
        tlsMode: "disabled",
        externalURL: "https://harbor.example.com",
      }),
      [],
    );
  });

  it("refuses a host the generated certificate does not cover, whatever the port", function () {
    const s = {
      externalURL: "https://registry.example.com",
      dnsNames: ["harbor.internal"],
      ipAddresses: ["10.0.0.5", "fd00::5"],
    };
    for (const ok of [
      "https://harbor.example.com:8443",
      "https://registry.example.com",
      "https://harbor.internal:30443",
      "https://10.0.0.5",
      "https://[fd00::5]:8443",
    ]) {
      assert.deepEqual(api(ok, s), [], ok);
    }
    assert.deepEqual(api("https://localhost:8443", s), [
      'harbor:api.url names "localhost", which Harbor\'s certificate does not cover (it covers harbor.example.com, registry.example.com, harbor.internal, 10.0.0.5, fd00::5): every call would fail TLS verification: add the name to harbor:tls.dnsNames (an address to harbor:tls.ipAddresses) or use a name the certificate covers',
    ]);
    assert.deepEqual(api("https://[fd00::6]", s).length, 1);
  });

  it("checks a provided certificate's own names when its PEM is known", function () {
    const pki = new Pki();
    const ca = pki.root("api-ca", "Test CA");
    const leaf = pki.leaf(ca, "api-leaf", {
      cn: "harbor.example.com",
      sans: ["DNS:*.example.com", "IP:10.0.0.9"],
    });
    const provided = { tlsMode: "provided" as const, certificate: leaf.cert };
    assert.deepEqual(api("https://other.example.com", provided), []);
    assert.deepEqual(api("https://10.0.0.9:8443", provided), []);
    assert.deepEqual(api("https://a.b.example.com", provided), [
      'harbor:api.url names "a.b.example.com", which harbor:tlsCertificate does not cover (it covers DNS:*.example.com, IP Address:10.0.0.9): every call would fail TLS verification; issue the certificate with this name or use one it covers',
    ]);
    // Unknown in a plan without the stack's secrets: nothing to check against.
    assert.deepEqual(api("https://a.b.example.com", { tlsMode: "provided" }), []);
    assert.deepEqual(
      api("https://harbor.example.com", {
        tlsMode: "provided",
        certificate: testChain("harbor.example.com").certificate,
      }),
      [],
    );
  });

  it("knows Harbor by its names and ports", function () {
    const s = serving({
      externalURL: "https://registry.example.com:8443",
      dnsNames: ["harbor.internal"],
      serviceIp: "10.1.2.3",
    });
    assert.equal(harborItself(s, "harbor.example.com"), 'harbor:hostname is "harbor.example.com"');
    assert.equal(
      harborItself(s, "harbor.example.com:443"),
      'harbor:hostname is "harbor.example.com"',
    );
    assert.equal(
      harborItself(s, "harbor.example.com:80"),
      'harbor:hostname is "harbor.example.com"',
    );
    assert.equal(harborItself(s, "harbor.example.com:5000"), undefined);
    assert.equal(
      harborItself(s, "registry.example.com:8443"),
      'harbor:externalURL is "https://registry.example.com:8443"',
    );
    assert.equal(
      harborItself(s, "harbor.internal"),
      'harbor:tls names "harbor.internal" in Harbor\'s certificate',
    );
    assert.equal(harborItself(s, "10.1.2.3"), "harbor:expose gives Harbor the address 10.1.2.3");
    assert.equal(harborItself(s, "mirror.example.com"), undefined);
    const nodePort = serving({
      hostname: "192.168.1.10",
      nodePorts: { http: 30002, https: 30003 },
    });
    assert.ok(harborItself(nodePort, "192.168.1.10:30003"));
    assert.ok(harborItself(nodePort, "192.168.1.10:30002"));
    assert.equal(harborItself(nodePort, "192.168.1.10"), undefined);
    const v6 = serving({ hostname: "fd00::10" });
    assert.ok(harborItself(v6, "[fd00:0::10]:443"));
  });

  it("refuses imageRegistry naming Harbor itself (Harbor could never start on a fresh node)", function () {
    const image = (imageRegistry: string, s: Partial<HarborServing> = {}) =>
      problems({}, { serving: serving(s), imageRegistry });
    const itself = (why: string) => [
      `harbor:imageRegistry names Harbor itself (${why}): Harbor's own images would have to be pulled from Harbor, which cannot serve them before it runs, so Harbor could never start on a fresh node; use a registry outside this Harbor`,
    ];
    assert.deepEqual(
      image("harbor.example.com/dockerhub"),
      itself('harbor:hostname is "harbor.example.com"'),
    );
    assert.deepEqual(
      image("harbor.example.com:443/dockerhub-cache"),
      itself('harbor:hostname is "harbor.example.com"'),
    );
    // Go reads port 0443 as 443: still Harbor.
    assert.deepEqual(
      image("harbor.example.com:0443/x"),
      itself('harbor:hostname is "harbor.example.com"'),
    );
    assert.deepEqual(
      image("harbor.internal/x", { dnsNames: ["harbor.internal"] }),
      itself('harbor:tls names "harbor.internal" in Harbor\'s certificate'),
    );
    assert.deepEqual(image("harbor.example.com:5000/dockerhub"), []);
    assert.deepEqual(image("mirror.example.com/dockerhub"), []);
  });

  it("mirrors: an endpoint's real host serves the upstream image references name", function () {
    const r = (type: string, url?: string) => ({ type, ...(url ? { url } : {}) });
    assert.ok(servesUpstream(r("docker-registry", "https://registry-1.docker.io"), "docker.io"));
    assert.ok(servesUpstream(r("docker-registry", "https://index.docker.io"), "docker.io"));
    assert.ok(
      servesUpstream(r("docker-registry", "https://registry.hub.docker.com:443"), "docker.io"),
    );
    assert.ok(servesUpstream(r("docker-hub"), "docker.io"));
    assert.ok(servesUpstream(r("docker-hub"), "docker.io:443"));
    assert.ok(servesUpstream(r("github-ghcr"), "ghcr.io"));
    assert.ok(
      servesUpstream(r("docker-registry", "https://registry.local:5000"), "registry.local:5000"),
    );
    assert.ok(servesUpstream(r("docker-registry", "http://[fd00::5]:5000"), "[fd00::5]:5000"));
    assert.ok(
      !servesUpstream(r("docker-registry", "http://registry.local:5000"), "registry.local"),
    );
    assert.ok(!servesUpstream(r("docker-registry", "http://registry.local"), "registry.local"));
    assert.ok(!servesUpstream(r("docker-registry", "https://registry-1.docker.io"), "ghcr.io"));
    assert.ok(!servesUpstream(r("github-ghcr"), "docker.io"));
    assert.deepEqual(
      problems({
        registries: { hub: { type: "docker-registry", url: "https://registry-1.docker.io" } },
        projects: { "hub-cache": { proxyCache: "hub", public: true } },
        mirrors: { "docker.io": "hub-cache" },
      }),
      [],
    );
  });

  it("mirror keys are hosts as image references write them", function () {
    for (const ok of [
      "docker.io",
      "registry.local:5000",
      "[fd00::5]:5000",
      "[fd00::5]",
      "10.0.0.1:5000",
    ]) {
      assert.ok(isUpstreamHost(ok), ok);
    }
    for (const bad of [
      "Docker.io",
      "docker.io.",
      "fd00::5",
      "[fd00:0::5]",
      "registry.local:0",
      "registry.local:05000",
      "registry.local:70000",
      "a..b",
      "https://docker.io",
    ]) {
      assert.ok(!isUpstreamHost(bad), bad);
    }
    assert.deepEqual(splitAuthority("Registry.Example.COM.:443"), {
      host: "registry.example.com",
      port: 443,
    });
    assert.deepEqual(splitAuthority("[FD00:0::5]"), { host: "fd00::5" });
  });
});

describe("a whole stack using these rules is accepted and sends Harbor what it needs", function () {
  it("a docker-registry cache of registry-1.docker.io for docker.io, a quay endpoint, an LDAP group in mixed case, api.url by an extra name", async function () {
    const quaySecret = { account_name: "acme+harbor", docker_cli_password: "quay-t0ken" };
    const run = await runProgram({
      stack: "dev",
      config: {
        hostname: "harbor.example.com",
        imageRegistry: "harbor.example.com:5000/dockerhub", // another registry on Harbor's host
        tls: { dnsNames: ["harbor.internal"] },
        trust: { nodes: { enabled: true, runtime: "containerd" } },
        auth: {
          mode: "ldap",
          ldap: {
            url: "ldaps://ldap.example.com",
            baseDn: "ou=people,dc=example,dc=com",
            groupBaseDn: "ou=groups,dc=example,dc=com",
          },
        },
        api: { url: "https://harbor.internal:8443" },
        registries: {
          hub: { type: "docker-registry", url: "https://registry-1.docker.io" },
          quay: { type: "quay" },
        },
        projects: {
          "hub-cache": { public: true, proxyCache: "hub", retention: { keepDays: 30 } },
          apps: {
            members: { groups: { "CN=Developers,OU=Groups,DC=Example,DC=Com": "developer" } },
            retention: { keepLatest: 10, untagged: "delete" },
          },
        },
        mirrors: { "docker.io": "hub-cache" },
        replications: {
          "from-quay": {
            direction: "pull",
            registry: "quay",
            trigger: "scheduled",
            schedule: "*/15 * * * *",
          },
        },
      },
      secrets: { registrySecrets: JSON.stringify({ quay: quaySecret }) },
    });
    const find = (type: string, name: string) =>
      run.find(`pulumi-nodejs:dynamic/harbor:${type}`, name);
    const quay = find("RegistryEndpoint", "harbor-content-registry-quay");
    assert.equal(quay.inputs.accessKey, "json_file");
    assert.equal(quay.inputs.accessSecret, JSON.stringify(quaySecret));
    assert.ok(isSecretWrapper(quay.rawInputs.accessSecret), "the Quay document must be secret");
    const member = find(
      "ProjectMember",
      `harbor-content-project-apps-group-${nameSlug("cn=developers,ou=groups,dc=example,dc=com")}`,
    );
    assert.equal(member.inputs.name, "cn=developers,ou=groups,dc=example,dc=com");
    // A stack whose member was named after the DN as written keeps it (an alias, no replacement).
    const registration = registrationOf(
      run.registrations,
      "pulumi-nodejs:dynamic/harbor:ProjectMember",
      `harbor-content-project-apps-group-${nameSlug("cn=developers,ou=groups,dc=example,dc=com")}`,
    );
    assert.deepEqual(registration.aliases, [
      {
        name: `harbor-content-project-apps-group-${nameSlug("CN=Developers,OU=Groups,DC=Example,DC=Com")}`,
      },
    ]);
    assert.equal(
      member.inputs.configKey,
      'harbor:projects.apps.members.groups["CN=Developers,OU=Groups,DC=Example,DC=Com"]',
    );
    assert.equal(
      find("Project", "harbor-content-project-apps").inputs.apiUrl,
      "https://harbor.internal:8443",
    );
    assert.deepEqual(
      (
        find("Retention", "harbor-content-project-hub-cache-retention").inputs.rules as {
          template: string;
        }[]
      ).map((r) => r.template),
      ["nDaysSinceLastPush", "nDaysSinceLastPull"],
    );
    assert.deepEqual(find("Retention", "harbor-content-project-apps-retention").inputs.rules, [
      { template: "latestPushedK", value: 10, tags: "**", repositories: "**", untagged: false },
    ]);
    assert.equal(
      find("Replication", "harbor-content-replication-from-quay").inputs.cron,
      "0 */15 * * * *",
    );
  });
});
