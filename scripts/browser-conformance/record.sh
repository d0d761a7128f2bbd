#!/usr/bin/env bash
# Records the Chromium conformance matrix into OUTDIR (default: fixtures/browser of the repository).
#
#   scripts/browser-conformance/record.sh [OUTDIR]
#
# Installs Debian's chromium with apt when it is missing. If Chromium (or Node, or the npm package)
# cannot be had, prints one line saying so and exits 0: the Rust test then compares the committed
# recordings only. Then: CROSSJAR_BROWSER_RECORDINGS=OUTDIR cargo test --test browser_conformance
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$repo/fixtures/browser}"
chromium="${CHROMIUM:-/usr/bin/chromium}"

unavailable() {
  echo "browser-conformance: chromium unavailable ($1); comparing committed recordings only"
  exit 0
}

if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log="$(mktemp)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$log" 2>&1; then
      unavailable "apt-get install chromium failed: $(tail -n 1 "$log")"
    fi
    rm -f "$log"
  fi
  [ -x "$chromium" ] || unavailable "$chromium not found"
fi
command -v node >/dev/null || unavailable "node not found"
command -v openssl >/dev/null || unavailable "openssl not found"

cd "$here"
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null 2>&1 || unavailable "npm ci failed"
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
node record.mjs "$out" --chromium "$chromium"
