#!/bin/sh
# Runs fuzz targets one at a time, single worker, each until 10 million executions or a time cap.
# Usage (from the repository root): fuzz/run-all.sh [seconds-per-target] [target...]
#   fuzz/run-all.sh                 # every target, 30 minutes cap each
#   fuzz/run-all.sh 600 curl cors   # two targets, 10 minutes cap each
# Logs go to fuzz/logs/<target>.log; fuzz/logs/summary.txt collects the final counts.
set -u
cap=${1:-1800}
[ $# -gt 0 ] && shift
targets=${*:-"set_cookie cookie_date curl cors har har_pipeline jar ingress render_text render_sarif render_junit render_github sanitize diff server"}
log=fuzz/logs
mkdir -p "$log"
for t in $targets; do
  extra=""; len=4096
  case $t in
    har | har_pipeline | render_text | diff) len=65536; [ -d ../shared/samples/har ] && extra="../shared/samples/har" ;;
    curl) extra="fixtures/headers" ;;
    ingress) len=65536; extra="fixtures/ingress" ;;
  esac
  mkdir -p "fuzz/corpus/$t"
  echo "== $t start $(date -u +%H:%M:%S) cap ${cap}s" >> "$log/summary.txt"
  # shellcheck disable=SC2086 # $extra is zero or one path
  cargo fuzz run -s none "$t" "fuzz/corpus/$t" $extra -- \
    -runs=10000000 -max_total_time="$cap" -max_len="$len" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 > "$log/$t.log" 2>&1
  echo "== $t exit $? end $(date -u +%H:%M:%S)" >> "$log/summary.txt"
  grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|Done [0-9]+ runs|SUMMARY|panicked" \
    "$log/$t.log" | head -5 >> "$log/summary.txt"
done
