/**
 * Helpers for the shell scripts the program runs in containers. A script is a constant: every
 * value it needs reaches it through an environment variable (or a mounted file), never by being
 * spliced into its text, so no value can become a command.
 */

/** A container environment variable as Kubernetes takes it. */
export interface ContainerEnvVar {
  name: string;
  value: string;
}

/**
 * A value for a container's `env`, escaped for Kubernetes: the kubelet expands `$(NAME)` in env
 * values, and `$$` stands for a literal `$`, so every `$` is doubled and the container sees the
 * value exactly as given.
 */
export function kubernetesEnvValue(value: string): string {
  return value.replace(/\$/g, "$$$$");
}

/** Environment variables, in order, with their values escaped for Kubernetes. */
export function kubernetesEnv(vars: Readonly<Record<string, string>>): ContainerEnvVar[] {
  return Object.entries(vars).map(([name, value]) => ({ name, value: kubernetesEnvValue(value) }));
}

/**
 * Kubernetes' expansion of `$(NAME)` references in an env value, command or argument (as the
 * kubelet applies it; `third_party/forked/golang/expansion`): `$$` becomes `$`, `$(NAME)` the
 * value of an earlier variable, anything else is kept. Tests use it to check what a container
 * really receives.
 */
export function expandKubernetesReferences(
  input: string,
  vars: Readonly<Record<string, string>>,
): string {
  let out = "";
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== "$" || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1];
    if (next === "$") {
      out += "$";
      i++;
    } else if (next === "(") {
      const close = input.indexOf(")", i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      out += name in vars ? vars[name] : `$(${name})`;
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}
