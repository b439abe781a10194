#!/usr/bin/env bash
# A Pulumi program outside the repository that depends on this package, as a user's would:
#   bash test/package/check.sh file   # "@harbor-k8s/pulumi": "file:<this checkout>"
#   bash test/package/check.sh git    # "git+file://<this checkout>#<current branch>" (committed)
# It installs the package with npm, type-checks the program with Pulumi's template tsconfig made
# stricter (strict, noUncheckedIndexedAccess, no skipLibCheck, no esModuleInterop), then runs it
# under plain `pulumi.runtime.setMocks` and requires the Helm release to be registered.
# Needs the npm registry (the program's own dependencies). Not part of `npm test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
mode="${1:-file}"
case "$mode" in
  file) spec="file:$root" ;;
  git) spec="git+file://$root#$(git -C "$root" branch --show-current)" ;;
  *) echo "usage: $0 file|git" >&2; exit 2 ;;
esac
dir="$(mktemp -d "${TMPDIR:-/tmp}/harbor-consumer-XXXXXX")"
# Removed at the end unless KEEP_CONSUMER=1 (to look at tsc.log or node_modules).
[ "${KEEP_CONSUMER:-}" = 1 ] || trap 'rm -rf "$dir"' EXIT
cp "$root/test/package/consumer/"{index.ts,test.ts,tsconfig.json} "$dir/"
cd "$dir"
node -e '
const [spec] = process.argv.slice(1);
require("fs").writeFileSync("package.json", JSON.stringify({
  name: "harbor-consumer-check", version: "0.0.0", private: true, main: "index.ts",
  dependencies: {
    "@harbor-k8s/pulumi": spec,
    "@pulumi/kubernetes": "4.34.2", "@pulumi/pulumi": "3.270.0",
    "@pulumi/random": "4.21.2", "@pulumi/tls": "5.6.1",
  },
  devDependencies: { "@types/node": "22.20.5", "ts-node": "10.9.2", "typescript": "5.9.3" },
}, null, 2));' "$spec"
echo "--- $dir: npm install ($spec)"
npm install --no-audit --no-fund --loglevel=error >/dev/null
[ -L node_modules/@harbor-k8s/pulumi ] && echo "node_modules/@harbor-k8s/pulumi -> $(readlink node_modules/@harbor-k8s/pulumi) (npm links a file: directory)" || echo "installed files: $(find node_modules/@harbor-k8s/pulumi/ -type f | sed 's|node_modules/@harbor-k8s/pulumi/||' | sed 's|/.*||' | sort | uniq -c | tr -s ' ' | tr '\n' ',')"
echo "--- type-check (strict, noUncheckedIndexedAccess, no skipLibCheck)"
status=0
if npx tsc --noEmit -p tsconfig.json --pretty false > tsc.log 2>&1; then
  echo "no errors"
else
  status=1
  echo "$(grep -c 'error TS' tsc.log) errors; by file:"
  grep 'error TS' tsc.log | sed 's/(.*//' | sort | uniq -c | sort -rn | head -10
fi
echo "--- run under plain pulumi.runtime.setMocks (node $(node --version))"
npx ts-node --transpile-only test.ts || status=1
exit "$status"
