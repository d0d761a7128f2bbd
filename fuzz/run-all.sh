#!/bin/sh
# Runs every target once, one at a time, single worker, up to 10 million executions or a time cap.
# Usage: fuzz/run-all.sh [seconds-per-target]   (from the repository root)
set -u
cap=${1:-600}
log=fuzz/logs
mkdir -p "$log"
for spec in set_cookie:360 cookie_date:300 curl:480 cors:600 har:900 jar:900; do
  t=${spec%%:*}; secs=${spec#*:}; [ "$cap" -lt "$secs" ] && secs=$cap
  extra=""; len=4096; [ "$t" = har ] && len=65536
  [ "$t" = har ] && [ -d ../shared/samples/har ] && extra="../shared/samples/har"
  [ "$t" = curl ] && extra="fixtures/headers"
  echo "== $t start $(date -u +%H:%M:%S) cap ${secs}s" >> "$log/summary.txt"
  cargo fuzz run -s none "$t" "fuzz/corpus/$t" $extra -- \
    -runs=10000000 -max_total_time="$secs" -max_len="$len" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 > "$log/$t.log" 2>&1
  echo "== $t exit $? end $(date -u +%H:%M:%S)" >> "$log/summary.txt"
  grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|Done [0-9]+ runs|SUMMARY|panicked" "$log/$t.log" | head -5 >> "$log/summary.txt"
done
