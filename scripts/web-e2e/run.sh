#!/bin/sh
# End-to-end test of `crossjar serve` in headless Debian Chromium, driven by playwright-core (which never
# downloads a browser). Skips in one line when Chromium is not installed.
set -eu
cd "$(dirname "$0")/../.."
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "web-e2e: skipped (chromium not installed)"
  exit 0
fi
if ! command -v node >/dev/null 2>&1; then
  echo "web-e2e: skipped (node not installed)"
  exit 0
fi
cargo build --quiet --bin crossjar
if [ ! -d scripts/web-e2e/node_modules/playwright-core ]; then
  (cd scripts/web-e2e && npm ci --no-audit --no-fund --silent)
fi
CHROMIUM="$CHROMIUM" CROSSJAR_BIN="${CROSSJAR_BIN:-target/debug/crossjar}" exec node scripts/web-e2e/e2e.mjs
