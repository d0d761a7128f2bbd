#!/usr/bin/env bash
# Issue #8 benchmark: one command, release binaries, a table of CPU (user+sys), wall time and peak
# memory for crossjar next to the bare-parse baseline and jq, on synthetic HARs of 10 MB, 100 MB and
# 1 GB, a many-cookies-per-host capture, 1 000 small files, and 10 000 Ingress objects.
#
# Usage: scripts/bench/run.sh [--skip-1g] [--no-jq-1g] [--sizes "10M 100M"]
#
# Memory, two numbers per run:
#   peak RSS   = "Maximum resident set size" of GNU time -v (the kernel's high-water mark, VmHWM). It
#                counts the resident pages of the memory-mapped HAR, which the kernel can drop at any
#                time and which are shared with the page cache.
#   peak anon  = the largest RssAnon (heap, stacks: memory the process really owns) seen while
#                sampling /proc/PID/status every 20 ms. A spike shorter than that can be missed.
# Inputs live in a temporary directory under /tmp that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZES="10M 100M 1G"
JQ_1G=1
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-1g) SIZES="${SIZES/ 1G/}" ;;
    --no-jq-1g) JQ_1G=0 ;;
    --sizes) SIZES="$2"; shift ;;
    *) echo "usage: $0 [--skip-1g] [--no-jq-1g] [--sizes \"10M 100M\"]" >&2; exit 2 ;;
  esac
  shift
done

command -v jq >/dev/null || { echo "jq is missing: apt-get install -y jq" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is missing: apt-get install -y time" >&2; exit 2; }

echo "building release binaries..." >&2
cargo build --release --quiet --bin crossjar --example har_parse_baseline --example har_count \
  --example gen_har --example ingress_bench
BIN=target/release/crossjar
BASE=target/release/examples/har_parse_baseline
COUNT=target/release/examples/har_count
GEN=target/release/examples/gen_har

TMP=$(mktemp -d /tmp/crossjar-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# measure LABEL STDIN_FILE CMD... → sets CPU WALL RSS ANON RC and prints a row.
measure() {
  local label=$1 input=$2; shift 2
  local tpid child="" peak=0 v k rest
  /usr/bin/time -v -o "$TMP/time.txt" "$@" <"$input" >/dev/null 2>"$TMP/err" &
  tpid=$!
  while kill -0 "$tpid" 2>/dev/null; do
    if [ -z "$child" ]; then child=$(pgrep -P "$tpid" | head -n1 || true); fi
    if [ -n "$child" ] && [ -r "/proc/$child/status" ]; then
      while read -r k v rest; do
        if [ "$k" = "RssAnon:" ]; then [ "$v" -gt "$peak" ] && peak=$v; break; fi
      done <"/proc/$child/status" 2>/dev/null || true
    fi
    sleep 0.02
  done
  RC=0; wait "$tpid" || RC=$?
  local user sys wall
  user=$(awk -F': ' '/User time/{print $2}' "$TMP/time.txt")
  sys=$(awk -F': ' '/System time/{print $2}' "$TMP/time.txt")
  wall=$(awk -F'): ' '/Elapsed/{n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$TMP/time.txt")
  RSS=$(awk -F': ' '/Maximum resident/{printf "%.1f", $2/1024}' "$TMP/time.txt")
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')
  WALL=$(printf "%.2f" "$wall")
  ANON=$(awk -v a="$peak" 'BEGIN{printf "%.1f", a/1024}')
  [ "$(awk -F': ' '/Exit status/{print $2}' "$TMP/time.txt")" -le 1 ] || echo "  ($label exited $RC: $(head -c 300 "$TMP/err"))" >&2
  printf "| %-44s | %8s | %8s | %9s | %9s |\n" "$label" "$CPU" "$WALL" "$RSS" "$ANON"
}

header() {
  printf "\n### %s\n\n" "$1"
  printf "| %-44s | %8s | %8s | %9s | %9s |\n" "run" "CPU s" "wall s" "RSS MiB" "anon MiB"
  printf "|%s|%s|%s|%s|%s|\n" "----------------------------------------------" "----------" "----------" "-----------" "-----------"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }

bench_file() {
  local name=$1 file=$2 jq_ok=$3
  local mb; mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN{printf "%.0f", b/1048576}')
  local entries; entries=$("$COUNT" "$file" 2>/dev/null | awk '/^entries/{print $2}' | tr -d ,)
  header "$name: $mb MiB, $entries entries"
  measure "bare parse (serde_json IgnoredAny, mmap)" /dev/null "$BASE" "$file"; local base=$CPU
  measure "bare parse, stdin" "$file" "$BASE" -; local base_in=$CPU
  measure "reader only (har_count, mmap)" /dev/null "$COUNT" "$file"; local reader=$CPU
  measure "crossjar har FILE" /dev/null "$BIN" har "$file"; local text=$CPU text_wall=$WALL
  measure "crossjar har FILE --format json" /dev/null "$BIN" har "$file" --format json; local json=$CPU
  measure "crossjar har - < FILE" "$file" "$BIN" har -; local stdin=$CPU
  local jq_cpu="" jq_wall=""
  if [ "$jq_ok" = 1 ]; then
    measure "jq request+response headers" /dev/null jq -c '.log.entries[] | [.request.headers, .response.headers]' "$file"
    jq_cpu=$CPU; jq_wall=$WALL
  fi
  printf "\nratios (CPU): reader/baseline %s; crossjar text/baseline %s; json/baseline %s; stdin/baseline-stdin %s; stdin/baseline-mmap %s" \
    "$(ratio "$reader" "$base")" "$(ratio "$text" "$base")" "$(ratio "$json" "$base")" "$(ratio "$stdin" "$base_in")" "$(ratio "$stdin" "$base")"
  [ -n "$jq_cpu" ] && printf "; jq/crossjar %s (wall: %s)" "$(ratio "$jq_cpu" "$text")" "$(ratio "$jq_wall" "$text_wall")"
  printf "\ncrossjar har (text) per entry: %s µs\n" "$(awk -v c="$text" -v n="$entries" 'BEGIN{ if (n > 0) printf "%.1f", c*1e6/n; else print "n/a" }')"
}

echo "# crossjar benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"

for size in $SIZES; do
  f="$TMP/synthetic-$size.har"
  "$GEN" --size "$size" --seed 8 --out "$f" 2>/dev/null
  jq_ok=1; [ "$size" = 1G ] && jq_ok=$JQ_1G
  bench_file "synthetic $size" "$f" "$jq_ok"
  rm -f "$f"
done

# Many cookies per host: every document sets one more of K cookies per site; requests carry them all.
# With K = 300 the jars are still filling at these sizes (each request carries more cookies than the
# last); with K = 50 they fill early, and the cost per entry should then stay flat as the file grows.
for spec in 300:5M 300:10M 50:10M 50:20M 50:40M; do
  k=${spec%%:*}; size=${spec#*:}
  f="$TMP/cookies-$k-$size.har"
  "$GEN" --size "$size" --seed 9 --body 1K --cookies-per-host "$k" --out "$f" 2>/dev/null
  bench_file "many cookies per host ($k), $size" "$f" 1
  rm -f "$f"
done

# 1 000 small captures in one call.
mkdir -p "$TMP/many"
"$GEN" --files 1000 --size 20K --body 1K --seed 3 --dir "$TMP/many"
header "1 000 files of ~20 KiB"
measure "crossjar har 1000 files (-j default = $(nproc))" /dev/null "$BIN" har "$TMP"/many/*.har
measure "crossjar har 1000 files -j 1" /dev/null "$BIN" har -j 1 "$TMP"/many/*.har
rm -rf "$TMP/many"

printf "\n### 10 000 Ingress objects (in-process timing, issue #5/#8 target < 1 s)\n\n"
target/release/examples/ingress_bench 10000
