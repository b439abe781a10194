/**
 * @pulumi/pulumi records a stack trace with every promise it makes (runtime/debuggable.js,
 * `debuggablePromise`: `new Error().stack`, kept only to print where a promise was made if the
 * program exits with it still pending, "Promise leak detected"). A preview of this program makes
 * about 2,000 of them. Reading `.stack` runs `Error.prepareStackTrace`, which ts-node (and, for
 * JavaScript, the SDK's own runner) sets to source-map-support's: every frame of every one of
 * those traces is mapped back to its TypeScript line, about a fifth of the CPU a preview costs.
 *
 * `deferPromiseStackTraces` keeps those traces and maps them only if they are printed: for an
 * error made inside `debuggablePromise`, the installed `prepareStackTrace` returns the trace as a
 * value that formats itself (with the same mapping) when it is turned into text. Every other
 * stack trace (the program's own errors, the source position the SDK sends with each resource)
 * is formatted as before.
 */

/** Marks the installed `prepareStackTrace`, so that installing twice wraps once. */
const DEFERRED = Symbol.for("harbor-k8s.deferredPromiseStackTraces");

type PrepareStackTrace = (error: Error, callsites: NodeJS.CallSite[]) => unknown;

/** Whether the error was made by the SDK's `debuggablePromise`. */
function madeForPromise(callsites: NodeJS.CallSite[]): boolean {
  const site = callsites[0];
  if (site === undefined || site.getFunctionName() !== "debuggablePromise") return false;
  const file = site.getFileName() ?? "";
  return /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/.test(file);
}

/**
 * Defers the formatting of the SDK's promise stack traces (see above) in this process. Call it
 * once the TypeScript loader is registered (the program's first statement): it wraps the
 * `Error.prepareStackTrace` in place then, and does nothing without one.
 */
export function deferPromiseStackTraces(): void {
  // Read as a property value (a function of (error, callsites)), not as a method of Error.
  const prepare = Reflect.get(Error, "prepareStackTrace") as
    (PrepareStackTrace & { [DEFERRED]?: true }) | undefined;
  if (prepare === undefined || prepare[DEFERRED]) return;
  const deferred = (error: Error, callsites: NodeJS.CallSite[]): unknown => {
    if (!madeForPromise(callsites)) return prepare(error, callsites);
    let text: string | undefined;
    return {
      toString: () => (text ??= String(prepare(error, callsites))),
    };
  };
  Object.defineProperty(deferred, DEFERRED, { value: true });
  Error.prepareStackTrace = deferred;
}
