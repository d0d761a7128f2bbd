#!/usr/bin/env bash
# Records the conformance matrix in headless Firefox into OUTDIR/firefox (default: fixtures/browser of
# the repository), see firefox/record-firefox.mjs.
#
#   scripts/browser-conformance/record-firefox.sh [OUTDIR]
#
# Installs Debian's firefox-esr and libnss3-tools (certutil) with apt when missing, and the pinned npm
# packages of firefox/package-lock.json. If Firefox (or Node, openssl, certutil or the npm package)
# cannot be had, or Firefox does not start, prints one line saying so and exits 0: the Rust test then
# compares the committed recordings only. Then:
#   CROSSJAR_FIREFOX_RECORDINGS=OUTDIR/firefox cargo test --test browser_conformance_firefox
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$repo/fixtures/browser}"
firefox="${FIREFOX:-/usr/bin/firefox-esr}"

unavailable() {
  echo "browser-conformance: firefox unavailable ($1); comparing committed recordings only"
  exit 0
}

missing=()
[ -x "$firefox" ] || missing+=(firefox-esr)
command -v certutil >/dev/null || missing+=(libnss3-tools)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log="$(mktemp)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >"$log" 2>&1; then
      unavailable "apt-get install ${missing[*]} failed: $(tail -n 1 "$log")"
    fi
    rm -f "$log"
  fi
  [ -x "$firefox" ] || unavailable "$firefox not found"
  command -v certutil >/dev/null || unavailable "certutil (libnss3-tools) not found"
fi
command -v node >/dev/null || unavailable "node not found"
command -v openssl >/dev/null || unavailable "openssl not found"

cd "$here/firefox"
if [ ! -d node_modules/puppeteer-core ]; then
  npm ci --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null 2>&1 || unavailable "npm ci failed"
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
log="$(mktemp)"
if ! node record-firefox.mjs "$out" --firefox "$firefox" 2>"$log"; then
  # A browser that does not start here (missing libraries, BiDi handshake failed) is "unavailable",
  # not a broken build; any other failure is an error. Either way OUTDIR is untouched (the recorder
  # moves its recordings in only when every case succeeded).
  if grep -q "Failed to launch\|Timed out after .* waiting for the WebDriver BiDi" "$log"; then
    unavailable "firefox did not start: $(grep -m1 -o 'Failed to launch[^\n]*\|Timed out[^\n]*' "$log" | head -c 200)"
  fi
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
