#!/usr/bin/env bash
# Runs tests on the Node.js major the production image runs (the Dockerfile's last FROM node:<major>-…),
# installed from the npm registry's `node` package into .ci-node/<major> (kept between runs), while the
# rest of the suite runs on the machine's Node.js (package.json engines: >=20).
#
#   scripts/other-node.sh [tap file globs...]
#
# Default files: every test but the dashboard's browser tests (test/browser drives Chromium through
# playwright-core over CDP: nothing there depends on the Node.js version that the API tests do not
# already exercise, and they are the slowest part). No coverage: the real-clock run reports it.
# Needs a build in dist/. Prints tap's output; exits with tap's status.
set -euo pipefail
cd "$(dirname "$0")/.."

major=$(sed -n 's/^FROM node:\([0-9][0-9]*\)-.*/\1/p' Dockerfile | tail -n 1)
[ -n "$major" ] || { echo "other-node: no FROM node:<major>-… in the Dockerfile" >&2; exit 2; }
dir=.ci-node/$major
node=$dir/node_modules/node/bin/node
if ! "$node" --version >/dev/null 2>&1; then
  npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock "node@$major" >&2
fi
"$node" --version >/dev/null || { echo "other-node: Node.js $major did not install" >&2; exit 2; }
echo "node $("$node" --version) (from the npm registry's node@$major)"

files=("$@")
[ ${#files[@]} -eq 0 ] && files=("dist/test/{unit,integration,e2e,conformance}/**/*.test.js")
# tap, npx and every test's child processes start `node` from PATH or process.execPath: both this one.
PATH="$(cd "$dir/node_modules/node/bin" && pwd):$PATH" exec npx --no-install tap --disable-coverage "${files[@]}"
