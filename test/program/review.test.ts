/**
 * lib/review.ts and the `chartValues` output: the values Harbor gets, with exactly the credentials
 * replaced by "(secret)", as a plain (reviewable) output for every example stack.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  REDACTED,
  redactOutputs,
  redactedCredentials,
  reviewableUserSettings,
} from "../../lib/review";
import { CREDENTIALS, configOf } from "../support/config";
import { harborValues, installMocks, isSecretWrapper, resolve } from "../support/harness";
import { exampleRun, exampleStacks, type ExampleStackName } from "../support/example-stacks";

/** Paths (`a.b.c`) at which two JSON-like values differ, with both sides. */
function differences(
  real: unknown,
  review: unknown,
  at = "",
): { path: string; real: unknown; review: unknown }[] {
  if (
    real !== null &&
    review !== null &&
    typeof real === "object" &&
    typeof review === "object" &&
    Array.isArray(real) === Array.isArray(review)
  ) {
    const keys = [...new Set([...Object.keys(real), ...Object.keys(review)])].sort();
    return keys.flatMap((k) =>
      differences(
        (real as Record<string, unknown>)[k],
        (review as Record<string, unknown>)[k],
        at ? `${at}.${k}` : k,
      ),
    );
  }
  return real === review ? [] : [{ path: at, real, review }];
}

/** The credentials every stack pins in Harbor's values. */
const PINNED = [
  "core.secret",
  "core.tokenCert",
  "core.tokenKey",
  "core.xsrfKey",
  "harborAdminPassword",
  "jobservice.secret",
  "registry.credentials.htpasswdString",
  "registry.credentials.password",
  "registry.secret",
  "secretKey",
];

/** What each example stack adds: the internal database's password, or external services'. */
const BY_STACK: Record<string, string[]> = {
  dev: ["database.internal.password"],
  nfs: ["database.internal.password"],
  rook: ["database.internal.password"],
  gitops: ["core.configureUserSettings", "database.internal.password"],
  // CloudNativePG: the password stays in the operator's Secret, never in the values.
  ha: [],
  prod: ["core.configureUserSettings", "database.external.password", "redis.external.password"],
};

describe("lib/review.ts", () => {
  before(async () => {
    await installMocks({ resources: [] });
  });

  it("replaces every Output with (secret), keeping plain data as it is", async () => {
    const redacted = redactOutputs({
      a: pulumi.secret("s3cr3t"),
      b: ["x", pulumi.output("y")],
      c: { d: 3, e: true, f: undefined },
    });
    assert.deepEqual(await resolve(pulumi.output(redacted)), {
      a: REDACTED,
      b: ["x", REDACTED],
      c: { d: 3, e: true, f: undefined },
    });
  });

  it("redacts every credential but the registry's user name", () => {
    const redacted = redactedCredentials(CREDENTIALS);
    for (const [key, value] of Object.entries(redacted)) {
      if (key === "registryUsername") assert.equal(value, CREDENTIALS.registryUsername);
      else assert.equal(value, REDACTED, key);
    }
  });

  it("LDAP/OIDC settings keep every setting, with the password or secret redacted", () => {
    const ldap = configOf(
      {
        hostname: "harbor.example.com",
        auth: {
          mode: "ldap",
          ldap: {
            url: "ldaps://ldap.example.com:636",
            baseDn: "dc=example,dc=com",
            searchDn: "cn=harbor,dc=example,dc=com",
          },
        },
      },
      { ldapSearchPassword: "bind-Pw-4kq" },
    );
    const settings = JSON.parse(reviewableUserSettings(ldap.auth)!) as Record<string, unknown>;
    assert.equal(settings.ldap_search_password, REDACTED);
    assert.equal(settings.ldap_url, "ldaps://ldap.example.com");
    assert.equal(settings.auth_mode, "ldap_auth");
    assert.equal(
      reviewableUserSettings(configOf({ hostname: "harbor.example.com" }).auth),
      undefined,
    );
  });
});

describe("output chartValues (every example stack)", () => {
  for (const stack of exampleStacks()) {
    it(`${stack.stack}: Harbor's values with exactly the credentials as (secret), not a secret`, async () => {
      const run = await exampleRun(stack.stack as ExampleStackName);
      assert.ok(!run.secretOutputs.includes("chartValues"), "chartValues must be reviewable");
      const real = harborValues(run);
      const review = run.outputs.chartValues;
      const diff = differences(real, review);
      assert.deepEqual(
        diff.map((d) => d.path),
        [...PINNED, ...BY_STACK[stack.stack]].sort(),
      );
      for (const d of diff) {
        if (d.path === "core.configureUserSettings") {
          // Same settings; only the bind password or client secret differs.
          const a = JSON.parse(String(d.real)) as Record<string, unknown>;
          const b = JSON.parse(String(d.review)) as Record<string, unknown>;
          const changed = differences(a, b).map((x) => x.path);
          assert.ok(changed.length === 1 && /password|secret/.test(changed[0]), changed.join());
          assert.equal(b[changed[0]], REDACTED);
        } else {
          assert.equal(d.review, REDACTED, d.path);
          assert.notEqual(d.real, REDACTED, d.path);
        }
      }
    });
  }

  it("is not a secret, while the Release's values are", async () => {
    const run = await exampleRun("dev");
    const release = run.find("kubernetes:helm.sh/v3:Release", "harbor-release");
    assert.ok(isSecretWrapper(release.rawInputs.values), "the Release's values must be a secret");
    assert.deepEqual(run.secretOutputs, ["adminPassword", "dockerConfigJson", "robotSecrets"]);
  });
});
