/** Runs ./index under plain pulumi.runtime.setMocks and requires the Helm release (test/package/check.sh). */
import * as pulumi from "@pulumi/pulumi";

async function main(): Promise<void> {
  const seen: { type: string; name: string }[] = [];
  // Plain mocks, as in Pulumi's unit-testing guide: every resource's state is its inputs.
  await pulumi.runtime.setMocks(
    {
      newResource: (args: pulumi.runtime.MockResourceArgs) => {
        seen.push({ type: args.type, name: args.name });
        if (args.type === "pulumi:pulumi:StackReference") {
          return { id: args.name, state: { outputs: { registry: "registry.prod.example.com" } } };
        }
        return { id: `${args.name}_id`, state: args.inputs as Record<string, unknown> };
      },
      call: (args: pulumi.runtime.MockCallArgs) => args.inputs as Record<string, unknown>,
    },
    "harbor-user",
    "dev",
  );
  const program = await import("./index");
  const registry = await new Promise((resolve) => program.registry.apply(resolve));
  const secret = await pulumi.isSecret(program.adminPassword);
  const other = await new Promise((resolve) => program.otherRegistry.apply(resolve));
  console.log(`typed StackReference output registry: ${String(other)}`);
  await new Promise((r) => setTimeout(r, 500));
  const release = seen.find((r) => r.type === "kubernetes:helm.sh/v3:Release");
  console.log(`registry output: ${String(registry)}; adminPassword secret: ${secret}`);
  console.log(
    `registered ${seen.length} resources; Helm release: ${release ? release.name : "NONE"}`,
  );
  if (!release) process.exit(1);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
