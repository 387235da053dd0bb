#!/usr/bin/env bash
# Installs the console's npm packages (console/node_modules: vite, preact, htm, playwright-core) with `npm ci` from
# console/package-lock.json when they are missing or older than the lock file. ConsoleBrowserTest needs them to
# drive Chromium and to check that the committed build is current. Never downloads a browser: playwright-core has
# none, and the tests use Debian's /usr/bin/chromium. Fails when Node.js or npm is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../console"

die() { echo "console-deps: FAILED: $*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || die "node is missing: the console's tests need Node.js 20.19 or newer"
command -v npm >/dev/null 2>&1 || die "npm is missing: the console's tests need npm"
if [[ -d node_modules/playwright-core && -d node_modules/vite \
      && node_modules/.package-lock.json -nt package-lock.json ]]; then
  echo "console-deps: console/node_modules is current"
  exit 0
fi
echo "console-deps: npm ci in console/"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund || die "npm ci in console/ failed"
