#!/bin/sh
# A short run of every fuzz target (what CI runs after fuzz/build.sh): a few thousand executions each on
# the dev build, enough to catch a target that panics at once or a property broken by a change.
# Skips in one line without cargo-fuzz. Long runs: fuzz/run-all.sh.
set -eu
cd "$(dirname "$0")/.."
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz smoke: skipped (cargo-fuzz not installed)"
  exit 0
fi
for t in $(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^crossjar-fuzz$'); do
  cargo fuzz run -s none --dev "$t" -- -runs=2000 -max_total_time=30 -max_len=4096 -timeout=10 \
    -rss_limit_mb=2048 > "target/fuzz-smoke-$t.log" 2>&1 || { echo "fuzz smoke: $t failed"; tail -30 "target/fuzz-smoke-$t.log"; exit 1; }
  echo "fuzz smoke: $t $(grep -o 'Done [0-9]* runs' "target/fuzz-smoke-$t.log" || echo ok)"
done
