/**
 * config/primitives.ts and config/errors.ts on their own: the character sets, the hand-written
 * parsers (IPv6, LDAP filters and DNs, cron, NO_PROXY) and the redaction of credentials. The
 * configuration-level behaviour (messages naming keys) is in bad-config.test.ts.
 */
import * as assert from "node:assert/strict";
import type { z } from "zod";
import { redactCredentials, show } from "../../config/errors";
import {
  absolutePath,
  canonicalIPv6,
  cron,
  cronProblem,
  hostProblem,
  isCanonicalIPv4,
  isDnsName,
  isLabelValue,
  isLdapDn,
  isLdapFilter,
  isQualifiedName,
  noProxyList,
  originUrl,
  postgresIdentifier,
  postgresUserName,
  s3BucketProblem,
} from "../../config/primitives";
import { registryAddress, serverSans } from "../../lib/urls";

const accepts = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;

describe("config/primitives.ts", () => {
  it("hosts: canonical IPv4 only; DNS names whose last label is not a number", () => {
    for (const ok of ["10.0.0.1", "0.0.0.0", "255.255.255.255", "192.168.1.10"]) {
      assert.ok(isCanonicalIPv4(ok), ok);
    }
    for (const bad of [
      "192.168.001.010",
      "1.2.3",
      "256.1.1.1",
      "10.0.0.01",
      "1.2.3.4.5",
      "0x7f.0.0.1",
    ]) {
      assert.ok(!isCanonicalIPv4(bad), bad);
    }
    for (const ok of ["harbor.example.com", "a", "h-1.example.io", "x1.example.123abc"]) {
      assert.ok(isDnsName(ok), ok);
    }
    for (const bad of [
      "1.2.3",
      "0x7f.1",
      "example.123",
      "host.0x1f",
      "Harbor.example.com",
      "a..b",
    ]) {
      assert.ok(!isDnsName(bad), bad);
    }
    assert.equal(hostProblem("harbor.example.com"), undefined);
    assert.equal(hostProblem("2001:db8::10"), undefined);
    assert.match(hostProblem("0.0.0.0")!, /any address/);
    assert.match(hostProblem("::")!, /any address/);
    assert.match(hostProblem("fe80::1%eth0")!, /zone id/);
    assert.match(hostProblem("user:pw@db")!, /credentials/);
  });

  it("IPv6: RFC 5952 canonical form, zone ids refused", () => {
    const cases: [string, string | undefined][] = [
      ["2001:db8::1", "2001:db8::1"],
      ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"],
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
      ["::", "::"],
      ["::1", "::1"],
      ["1::", "1::"],
      ["::ffff:10.0.0.1", "::ffff:a00:1"],
      ["fe80::1%eth0", undefined],
      ["2001:db8::g", undefined],
    ];
    for (const [input, canonical] of cases) assert.equal(canonicalIPv6(input), canonical, input);
  });

  it("URLs are split by hand: nothing is rewritten, nothing throws", () => {
    const origin = originUrl();
    assert.equal(origin.parse("https://harbor.example.com/"), "https://harbor.example.com");
    assert.equal(origin.parse("https://harbor.example.com:443"), "https://harbor.example.com");
    assert.equal(origin.parse("http://10.0.0.5:8080"), "http://10.0.0.5:8080");
    assert.equal(origin.parse("https://[2001:db8::5]:30003"), "https://[2001:db8::5]:30003");
    for (const bad of [
      "https://192.168.001.010",
      "https://1.2.3",
      "https://0x7f.1",
      "https://256.1.1.1",
      "https://[fe80::1%25eth0]",
      "https://u:p@harbor.example.com",
      "https://harbor.example.com:0",
      "https://harbor.example.com/path",
      "https://harbor.example.com?q",
      "https://2001:db8::5",
      "HTTPS://harbor.example.com",
    ]) {
      assert.ok(!accepts(origin, bad), bad);
    }
    // The address helpers take validated origins and never re-read them through a URL parser.
    const expose = { type: "nodePort" as const, nodePort: { http: 30002, https: 30003 } };
    const tls = { mode: "generated" as const, dnsNames: [], ipAddresses: [] };
    assert.equal(registryAddress({ hostname: "2001:db8::5", expose, tls }), "[2001:db8::5]:30003");
    assert.equal(
      registryAddress({
        hostname: "h.example.com",
        expose,
        tls,
        externalURL: "https://registry.example.com",
      }),
      "registry.example.com",
    );
    assert.deepEqual(
      serverSans({ hostname: "h.example.com", expose, tls, externalURL: "https://[2001:db8::5]" }),
      { dnsNames: ["h.example.com"], ipAddresses: ["2001:db8::5"] },
    );
  });

  it("Kubernetes keys and label values", () => {
    for (const ok of ["app", "app.kubernetes.io/name", "example.com/a_b-c.d", "A1"]) {
      assert.ok(isQualifiedName(ok), ok);
    }
    for (const bad of [
      "",
      "/a",
      "a/",
      "Example.com/a",
      "a b",
      "-a",
      `${"a".repeat(64)}`,
      "a/b/c",
    ]) {
      assert.ok(!isQualifiedName(bad), bad);
    }
    for (const ok of ["", "a", "linux", "v1.2_3-x"]) assert.ok(isLabelValue(ok), ok);
    for (const bad of ["-a", "a-", "a b", "a/b", "x".repeat(64)])
      assert.ok(!isLabelValue(bad), bad);
  });

  it("paths: absolute, safe characters, no . or ..", () => {
    const path = absolutePath();
    for (const ok of [
      "/",
      "/exports/harbor",
      "/var/lib/rancher/k3s/agent/etc/containerd/certs.d",
      "/a/",
    ]) {
      assert.ok(accepts(path, ok), ok);
    }
    for (const bad of ["exports", "/a/../b", "/a/./b", "//a", "/a b", "/a$(x)", "/a\nb", "/a`b`"]) {
      assert.ok(!accepts(path, bad), bad);
    }
  });

  it("PostgreSQL identifiers and S3 bucket names", () => {
    const user = postgresIdentifier("a user");
    for (const ok of ["harbor", "_h", "Harbor_Core", "harbor-app"])
      assert.ok(accepts(user, ok), ok);
    for (const bad of ["1harbor", "harbor core", 'h"', "h;", "a".repeat(64)]) {
      assert.ok(!accepts(user, bad), bad);
    }
    // Managed services' role names: Azure single server `user@server`, Cloud SQL IAM accounts.
    const login = postgresUserName();
    for (const ok of ["harbor", "harbor@pg-prod", "sa@project.iam", "alice@example.com", "_h-1"]) {
      assert.ok(accepts(login, ok), ok);
    }
    for (const bad of [
      "1harbor",
      "@pg-prod",
      "harbor pg",
      'h"',
      "h'",
      "h\\",
      "h:pw",
      "h/x",
      "h\n",
      "h{{}}",
      "a".repeat(64),
    ]) {
      assert.ok(!accepts(login, bad), bad);
    }
    for (const ok of ["harbor-blobs", "abc", "my.bucket.example", "a1-b2"]) {
      assert.equal(s3BucketProblem(ok), undefined, ok);
    }
    for (const bad of [
      "ab",
      "Harbor",
      "harbor_blobs",
      "-harbor",
      "harbor.",
      "a..b",
      "192.168.1.10",
      "xn--abc",
      "sthree-abc",
      "amzn-s3-demo-abc",
      "abc-s3alias",
      "abc--ol-s3",
      "abc.mrap",
      "abc--x-s3",
      "abc--table-s3",
      "a".repeat(64),
    ]) {
      assert.notEqual(s3BucketProblem(bad), undefined, bad);
    }
  });

  it("NO_PROXY lists: hosts, domains, IPs, CIDRs, ports; normalised without spaces", () => {
    const list = noProxyList();
    assert.equal(
      list.parse(".example.com, 10.0.0.0/8,localhost,*.svc,[2001:db8::1]:443,registry:5000,*"),
      ".example.com,10.0.0.0/8,localhost,*.svc,[2001:db8::1]:443,registry:5000,*",
    );
    for (const bad of [
      "a b",
      "a,,b",
      "a\nb",
      "a\u2028",
      "a,a",
      "u:p@proxy",
      '"',
      "a;b",
      "10.0.0.0/33",
    ]) {
      assert.ok(!accepts(list, bad), JSON.stringify(bad));
    }
  });

  it("LDAP filters: RFC 4515 with balanced parentheses and escapes", () => {
    for (const ok of [
      "(objectClass=person)",
      "objectClass=person",
      "(&(objectClass=person)(|(uid=a*)(mail=*@example.com)))",
      "(!(cn=admin))",
      "(cn=harbor \\28admins\\29)",
      "(memberOf=cn=harbor,ou=groups,dc=example,dc=com)",
      "(uid>=a)",
      "(cn~=harbor)",
      "(member:1.2.840.113556.1.4.1941:=cn=x,dc=y)",
      '(cn="quoted")',
    ]) {
      assert.ok(isLdapFilter(ok), ok);
    }
    for (const bad of [
      "",
      "(",
      "(cn=a))",
      "(&(cn=a)(uid=b)",
      "(cn=a)(uid=b)",
      "(cn=a (b))",
      "(cn=a\\)",
      "(cn=a\\zz)",
      "(&)",
      "(=a)",
      "(cn=a)\n",
      "(cn=a\u2028)",
    ]) {
      assert.ok(!isLdapFilter(bad), JSON.stringify(bad));
    }
  });

  it("LDAP DNs: RFC 4514 pairs with escapes", () => {
    for (const ok of [
      "dc=example,dc=com",
      "cn=Harbor Admins,ou=groups,dc=example,dc=com",
      "cn=a\\,b,dc=x",
      "cn=a\\22b\\22,dc=x",
      "cn=a+uid=b,dc=x",
      "dc=example, dc=com",
      "2.5.4.3=x",
      "cn=$(x) {{ y }}",
    ]) {
      assert.ok(isLdapDn(ok), ok);
    }
    for (const bad of [
      "",
      "example",
      "cn=",
      'cn="x"',
      "cn=a;b",
      "cn=a\\",
      "cn=a\nb",
      "cn=<x>",
      "=x",
    ]) {
      assert.ok(!isLdapDn(bad), JSON.stringify(bad));
    }
  });

  it("cron: five fields within their ranges (exported for schedules)", () => {
    for (const ok of [
      "0 2 * * *",
      "*/15 * * * *",
      "0 0-6/2 1,15 * MON-FRI",
      "30 3 * JAN,JUL sun",
      "5/10 * * * 6",
    ]) {
      assert.equal(cronProblem(ok), undefined, ok);
      assert.ok(accepts(cron(), ok), ok);
    }
    for (const bad of [
      "",
      "* * * *",
      "* * * * * *",
      "60 * * * *",
      "* 24 * * *",
      "* * 0 * *",
      "* * * 13 *",
      // Day of week is 0-6: Kubernetes' and Velero's parser (robfig/cron) refuse 7.
      "* * * * 7",
      "5-1 * * * *",
      "*/0 * * * *",
      "@daily",
      "0 2 * * *\n0 3 * * *",
      "0 2 * * $(id)",
    ]) {
      assert.notEqual(cronProblem(bad), undefined, JSON.stringify(bad));
    }
    assert.equal(
      cronProblem("61 * * * *"),
      'must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 3 * * *": field 1 (minute): "61" is out of range 0-59',
    );
  });
});

describe("config/errors.ts: showing values", () => {
  it("redacts everything before the last @, keeping the scheme", () => {
    assert.equal(redactCredentials("https://u:p@ss@proxy:3128"), "https://***@proxy:3128");
    assert.equal(redactCredentials("admin:pw@db.example.com"), "***@db.example.com");
    assert.equal(redactCredentials("s1:26379,u:p,w@s2:26379"), "***@s2:26379");
    assert.equal(redactCredentials("harbor.example.com"), "harbor.example.com");
  });

  it("escapes what could forge a line, redacts, shortens after redacting", () => {
    assert.equal(show("a\u2028b\nc"), '"a\\u2028b\\nc"');
    assert.equal(show(["x:secret@y"]), '["***@y"]');
    const long = `https://user:${"s".repeat(100)}@proxy.example.com:3128`;
    assert.equal(show(long), '"https://***@proxy.example.com:3128"');
    assert.ok(!show(long).includes("sss"));
  });
});
