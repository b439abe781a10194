/**
 * The Pulumi CLI's project-configuration rules (scripts/runtime/pulumi-config.ts), which
 * `pulumi preview`/`up` apply before the program runs: pulumi/pulumi pkg/workspace/config.go
 * `ValidateStackConfigAndApplyProjectConfig` -> `mergeConfig`, `validateStackConfigValue`;
 * sdk/go/common/workspace/project.go `Project.Validate`, `ValidateConfigValue`,
 * `RewriteShorthandConfigValues`; loaders.go `LoadProjectStackBytes`. The cases mirror the CLI's
 * own tests in pkg/workspace/config_project_test.go (named per case). Then every shipped stack,
 * and a new stack that sets only `harbor:hostname`, must pass this project's Pulumi.yaml.
 */
import * as assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  ProjectFileError,
  checkStackFile,
  parseProject,
  parseStackDocument,
  stackValue,
  validateConfigValue,
  validateStackConfig,
  type Project,
} from "../../scripts/runtime/pulumi-config";
import { PROJECT_FILE, StackConfigError, readStackFile } from "../../scripts/runtime/stack-file";
import { PROJECT_ROOT } from "../support/example-stacks";

/** Applies the rules to a project and a stack given as YAML text, like the CLI's tests do. */
function check(projectYaml: string, stackYaml: string, stack = "dev") {
  const project = parseProject(projectYaml);
  const doc = parseStackDocument(stackYaml, stack, project.name);
  return validateStackConfig(stack, project, doc.config, new Map(doc.plain));
}

const text = (r: ReturnType<typeof check>, key: string) => r.config.get(key)?.text;

describe("Pulumi CLI project-config rules (pulumi/pulumi pkg/workspace/config.go)", () => {
  it("TestStackConfigErrorsWhenMissingStackValueForConfigTypeWithNoDefault: one missing key", () => {
    const r = check(
      "name: test\nruntime: dotnet\nconfig:\n  values:\n    type: array\n    items:\n      type: string",
      "",
    );
    assert.equal(r.error, "Stack 'dev' is missing configuration value 'values'");
  });

  it("TestStackConfigErrorsWhenMissing{Two,Multiple}StackValue...: sorted, 'and' before the last", () => {
    assert.equal(
      check(
        "name: test\nruntime: dotnet\nconfig:\n  another:\n    type: string\n  values:\n    type: array\n    items:\n      type: string",
        "",
      ).error,
      "Stack 'dev' is missing configuration values 'another' and 'values'",
    );
    assert.equal(
      check(
        "name: test\nruntime: dotnet\nconfig:\n  world:\n    type: string\n  hello:\n    type: integer\n  values:\n    type: array\n    items:\n      type: string",
        "",
      ).error,
      "Stack 'dev' is missing configuration values 'hello', 'values' and 'world'",
    );
  });

  it("a declared key without type and without default is required too; any value counts as set", () => {
    // mergeConfig counts a key missing when it has no stack value, no `value`, no `default` and
    // is in the project's namespace, typed or not.
    assert.equal(
      check("name: test\nruntime: nodejs\nconfig:\n  region:\n    description: where", "").error,
      "Stack 'dev' is missing configuration value 'region'",
    );
    // An empty stack value is set (as ""); a `default: ""` is a default.
    assert.equal(
      check(
        "name: test\nruntime: nodejs\nconfig:\n  region:\n    type: string",
        "config:\n  test:region:\n",
      ).error,
      undefined,
    );
    assert.equal(
      check(
        'name: test\nruntime: nodejs\nconfig:\n  region:\n    type: string\n    default: ""',
        "",
      ).error,
      undefined,
    );
  });

  it("TestStackConfigIsInheritedFromProjectConfig: shorthand defaults reach the program as text", () => {
    const r = check(
      "name: test\nruntime: dotnet\nconfig:\n  instanceSize: t3.micro\n  instanceCount: 20\n  protect: true",
      "config:\n  test:instanceSize: t4.large",
    );
    assert.equal(r.error, undefined);
    assert.equal(text(r, "test:instanceSize"), "t4.large");
    assert.equal(text(r, "test:instanceCount"), "20");
    assert.equal(text(r, "test:protect"), "true");
  });

  it("TestNamespacedConfigValuesAreInheritedCorrectly / ...ObjectValuesPassedDownToStack", () => {
    const r = check(
      'name: test\nruntime: dotnet\nconfig:\n  aws:region: us-west-1\n  pulumi:disable-default-providers: ["*"]\n  instanceSize: t3.micro\n  obj:\n    value:\n      hello: world',
      "config:\n  test:instanceSize: t4.large",
    );
    assert.equal(r.error, undefined);
    assert.equal(text(r, "aws:region"), "us-west-1");
    assert.equal(text(r, "pulumi:disable-default-providers"), '["*"]');
    assert.equal(text(r, "test:obj"), '{"hello":"world"}');
  });

  it("TestUntypedProjectConfigValuesAreNotValidated; undeclared project keys are fine", () => {
    const r = check(
      "name: test\nruntime: dotnet\nconfig:\n  instanceSize: t3.micro\n  aws:region: us-west-1",
      "config:\n  instanceSize: 9999\n  aws:region: 42\n  test:undeclared: {a: 1}",
    );
    assert.equal(r.error, undefined);
    assert.equal(text(r, "test:instanceSize"), "9999");
    assert.equal(text(r, "aws:region"), "42");
  });

  it("TestStackConfigErrorsWhenStackValueIsNotCorrectlyTyped: the full type name", () => {
    assert.equal(
      check(
        "name: test\nruntime: dotnet\nconfig:\n  values:\n    type: array\n    items:\n      type: string\n    default: [value]",
        "config:\n  test:values: someValue",
      ).error,
      "Stack 'dev' with configuration key 'values' must be of type 'array<string>'",
    );
  });

  it("TestStackConfigIntegerTypeIsCorrectlyValidated: integers as YAML numbers or digit strings", () => {
    const project = "name: test\nruntime: dotnet\nconfig:\n  importantNumber:\n    type: integer";
    assert.equal(check(project, "config:\n  test:importantNumber: 20").error, undefined);
    assert.equal(check(project, 'config:\n  test:importantNumber: "-7"').error, undefined);
    for (const bad of ["hello", "1.5", '" 1"', "true"]) {
      assert.equal(
        check(project, `config:\n  test:importantNumber: ${bad}`).error,
        "Stack 'dev' with configuration key 'importantNumber' must be of type 'integer'",
        bad,
      );
    }
  });

  it("booleans: true/false (YAML or text) only; strings accept any scalar's text", () => {
    const project =
      "name: test\nruntime: nodejs\nconfig:\n  flag:\n    type: boolean\n  name:\n    type: string";
    assert.equal(check(project, "config:\n  test:flag: true\n  test:name: 42").error, undefined);
    assert.equal(check(project, 'config:\n  test:flag: "false"\n  test:name: x').error, undefined);
    assert.equal(
      check(project, "config:\n  test:flag: yes\n  test:name: x").error,
      "Stack 'dev' with configuration key 'flag' must be of type 'boolean'",
    );
    assert.equal(
      check(project, "config:\n  test:flag: true\n  test:name: {a: b}").error,
      "Stack 'dev' with configuration key 'name' must be of type 'string'",
    );
  });

  it("an object-valued stack key may be declared `type: object` (and only a map passes)", () => {
    const project = "name: test\nruntime: nodejs\nconfig:\n  expose:\n    type: object";
    assert.equal(check(project, "config:\n  test:expose:\n    type: ingress").error, undefined);
    assert.equal(
      check(project, "config:\n  test:expose: ingress").error,
      "Stack 'dev' with configuration key 'expose' must be of type 'object'",
    );
  });

  it("TestStackConfigSecretIsCorrectlyValidated: a `secret: true` key must be stored encrypted", () => {
    const project =
      "name: test\nruntime: dotnet\nconfig:\n  importantNumber:\n    type: integer\n    secret: true";
    assert.equal(
      check(project, "config:\n  test:importantNumber:\n    secure: AAABAA==").error,
      undefined,
    );
    assert.equal(
      check(project, "config:\n  test:importantNumber: 20").error,
      "Stack 'dev' with configuration key 'importantNumber' must be encrypted as it's secret",
    );
    // A default is applied in plain text, so an optional secret key cannot be declared secret.
    assert.equal(
      check(
        'name: test\nruntime: nodejs\nconfig:\n  token:\n    type: string\n    secret: true\n    default: ""',
        "",
      ).error,
      "Stack 'dev' with configuration key 'token' must be encrypted as it's secret",
    );
  });

  it("project.go Project.Validate: default typing, both default and value, namespaced keys", () => {
    const refused = (yaml: string, message: string) =>
      assert.throws(
        () => parseProject(`name: test\nruntime: nodejs\nconfig:\n${yaml}`),
        (e: Error) => e instanceof ProjectFileError && e.message === message,
      );
    refused(
      '  protect:\n    type: boolean\n    default: ""',
      "could not unmarshal 'Pulumi.yaml': The default value specified for configuration key 'protect' is not of the expected type 'boolean'",
    );
    refused(
      "  values:\n    type: array",
      "could not unmarshal 'Pulumi.yaml': The configuration key 'values' declares an array but does not specify the underlying type via the 'items' attribute",
    );
    refused(
      "  x:\n    default: 1\n    value: 2",
      "could not unmarshal 'Pulumi.yaml': project config 'x' cannot have both a 'default' and 'value' attribute",
    );
    refused(
      "  aws:region:\n    type: string\n    value: x",
      "could not unmarshal 'Pulumi.yaml': Configuration key 'aws:region' is not namespaced by the project and should not define a type",
    );
    refused(
      "  aws:region:\n    default: x",
      "could not unmarshal 'Pulumi.yaml': Configuration key 'aws:region' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?",
    );
    refused(
      "  x:\n    type: number",
      'could not validate \'Pulumi.yaml\': #/config/x/type: must be one of "string", "integer", "boolean", "array", "object"',
    );
    refused(
      "  x:\n    type: string\n    required: true",
      "could not validate 'Pulumi.yaml': #/config/x: additional property 'required' not allowed",
    );
  });

  it("ValidateConfigValue on project defaults as YAML decodes them", () => {
    assert.equal(validateConfigValue("integer", undefined, 3), true);
    assert.equal(validateConfigValue("integer", undefined, 3.5), false);
    assert.equal(validateConfigValue("string", undefined, 3), false);
    assert.equal(validateConfigValue("array", { type: "integer" }, [1, "2"]), true);
    assert.equal(validateConfigValue("array", undefined, []), false);
  });

  it("stack values are stored as the CLI stores them (config/value.go, object.go MarshalString)", () => {
    assert.deepEqual(stackValue(true), { text: "true", secure: false, object: false });
    assert.deepEqual(stackValue(30003), { text: "30003", secure: false, object: false });
    assert.deepEqual(stackValue(null), { text: "", secure: false, object: false });
    assert.deepEqual(stackValue({ secure: "AAAB" }), {
      text: undefined,
      secure: true,
      object: false,
    });
    assert.deepEqual(stackValue({ a: [1, { secure: "x" }] }), {
      text: '{"a":[1,{"secure":"x"}]}',
      secure: true,
      object: true,
    });
    // loaders.go stackConfigNamespacedWithProject: a key without a namespace is the project's.
    const doc = parseStackDocument(
      "config:\n  hostname: h\n  kubernetes:context: lab",
      "s",
      "harbor",
    );
    assert.deepEqual([...doc.config.keys()], ["harbor:hostname", "kubernetes:context"]);
  });
});

describe("this project's Pulumi.yaml under the CLI's rules", () => {
  const shipped = [
    ...readdirSync(PROJECT_ROOT)
      .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
      .map((f) => path.join(PROJECT_ROOT, f)),
    ...readdirSync(path.join(PROJECT_ROOT, "examples")).flatMap((dir) =>
      readdirSync(path.join(PROJECT_ROOT, "examples", dir))
        .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
        .map((f) => path.join(PROJECT_ROOT, "examples", dir, f)),
    ),
  ].sort();

  it("finds every shipped stack file (root and examples/*)", () => {
    assert.deepEqual(
      shipped.map((f) => path.relative(PROJECT_ROOT, f)),
      [
        "Pulumi.dev.yaml",
        "Pulumi.gitops.yaml",
        "Pulumi.ha.yaml",
        "Pulumi.nfs.yaml",
        "Pulumi.prod.yaml",
        "Pulumi.rook.yaml",
        "examples/consumer/Pulumi.example.yaml",
        "examples/platform/Pulumi.example.yaml",
      ],
    );
  });

  for (const file of shipped) {
    it(`${path.relative(PROJECT_ROOT, file)} passes its project's rules`, () => {
      const r = checkStackFile(file);
      assert.equal(r.error, undefined);
      assert.deepEqual(r.document.empty, [], "no key without a value (the CLI warns)");
      assert.deepEqual(r.document.environments, []);
    });
  }

  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), "harbor-cli-rules-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a new stack with only harbor:hostname passes, and gets the project's defaults", () => {
    const file = path.join(dir, "Pulumi.new.yaml");
    writeFileSync(file, "config:\n  harbor:hostname: harbor.example.com\n");
    const r = checkStackFile(file, { projectFile: PROJECT_FILE });
    assert.equal(r.error, undefined);
    assert.deepEqual(r.applied, ["harbor:deployMode", "harbor:namespace", "harbor:releaseName"]);
    const stack = readStackFile(file);
    assert.deepEqual(stack.config, {
      hostname: "harbor.example.com",
      deployMode: "release",
      namespace: "harbor",
      releaseName: "harbor",
    });
  });

  it("a stack without harbor:hostname stops where `pulumi preview` stops, with its message", () => {
    const file = path.join(dir, "Pulumi.empty.yaml");
    writeFileSync(file, "config: {}\n");
    assert.throws(
      () => readStackFile(file),
      (e: Error) =>
        e instanceof StackConfigError &&
        e.message === "Stack 'empty' is missing configuration value 'hostname'",
    );
  });

  it("the declaration before this fix reproduces issue 18's error on the dev stack", () => {
    // Pulumi.yaml as generated before: optional keys with a type and no default.
    const before: Project = parseProject(
      [
        "name: harbor",
        "runtime: nodejs",
        "config:",
        "  hostname: {type: string}",
        "  namespace: {type: string, default: harbor}",
        "  externalURL: {type: string}",
        "  imageRegistry: {type: string}",
        "  protect: {type: boolean}",
        "  caCertificate: {type: string}",
      ].join("\n"),
    );
    const file = path.join(dir, "Pulumi.yaml");
    writeFileSync(
      file,
      JSON.stringify({ name: before.name, runtime: "nodejs", config: before.config }),
    );
    const r = checkStackFile(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"), { projectFile: file });
    assert.equal(
      r.error,
      "Stack 'dev' is missing configuration values 'caCertificate', 'externalURL', 'imageRegistry' and 'protect'",
    );
  });
});
