/**
 * The helm binary the optional chart renders use: `HELM`, else `helm` on PATH. Used by
 * `scripts/plan.ts` and the render tests.
 */
import { execFileSync } from "node:child_process";

/** Path or name of the helm binary. */
export const HELM = process.env.HELM ?? "helm";

/** Whether that helm runs here. */
export function helmAvailable(helm: string = HELM): boolean {
  try {
    execFileSync(helm, ["version", "--short"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
