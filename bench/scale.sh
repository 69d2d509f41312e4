#!/usr/bin/env bash
# scale.sh - kpushgateway and the Pushgateway side by side at 2 million series (issue 14 item 5).
#
#   bench/scale.sh [JAR] [PUSHGATEWAY_BINARY]
#
# In one run on one machine: both start empty (ours checked and durable, upstream with
# --push.disable-consistency-check, whose check at this size would cost O(2 M) a push), get a
# JIT warm-up, then
#   1. PUT throughput and latency at 1,000 groups: wrk PUTs a 20-series body over put_0..999;
#   2. both are filled to NGROUPS groups of 20 series (fill_<i>, PAR curls each, in parallel);
#      upstream is then restarted from the persistence file it wrote, as its users would run it;
#   3. the same PUT run at that size;
#   4. RUNS sequential full scrapes of /metrics (identity), wall time and server CPU, and for ours
#      one /federate of 1% of the series;
#   5. resident memory of both and our heap after a full GC.
# Needs wrk, curl, jcmd, python3. Knobs: NGROUPS=100000 DURATION=20s WARMUP=30s CONNS=16
# THREADS=2 RUNS=3 PAR=4 JAVA_OPTS=-Xmx1g (our JVM; the heap it ran in is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/put_load.sh
source bench/put_load.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

JAR=${1:-app/target/kpushgateway.jar}
PGW=${2:-/usr/bin/prometheus-pushgateway}
NGROUPS=${NGROUPS:-100000}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-30s}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
RUNS=${RUNS:-3}
JAVA_OPTS=${JAVA_OPTS:--Xmx1g}
FEDERATE='{job=~"fill_.*00"}'

for t in wrk curl jcmd python3; do command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 2; }; done
[[ -f "$JAR" ]] || { echo "no jar at $JAR (mvn -B package -DskipTests)" >&2; exit 2; }
[[ -x "$PGW" ]] || { echo "no Pushgateway at $PGW (apt-get install prometheus-pushgateway)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/kpgw-scale.XXXXXX)
export TMPDIR=$WORK
OURS_PID= UP_PID=
cleanup() {
  for p in $OURS_PID $UP_PID; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

BODY="$WORK/body.txt"
put_body >"$BODY"
LUA="$WORK/put.lua"
put_lua 1000 "$BODY" >"$LUA"

OURS="http://127.0.0.1:$(free_port)"
UP="http://127.0.0.1:$(free_port)"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
java $JAVA_OPTS -jar "$JAR" --web.listen-address="${OURS#http://}" --data.dir="$WORK/data" \
  --log.level=warn >"$WORK/ours.log" 2>&1 &
OURS_PID=$!
start_upstream() {
  "$PGW" --web.listen-address="${UP#http://}" --persistence.file="$WORK/pgw.data" \
    --push.disable-consistency-check --log.level=warn >>"$WORK/upstream.log" 2>&1 &
  UP_PID=$!
  wait_ready "$UP" "$UP_PID"
}
start_upstream
wait_ready "$OURS" "$OURS_PID"

RESULTS="$WORK/results.txt"
result() { printf '%-9s %-9s %s\n' "$@" >>"$RESULTS"; }

run_put() { # name url groups
  local out="$WORK/wrk_$1_$3.txt" rps p50 p99 errors
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 60s --latency -s "$LUA" "$2" >"$out" 2>&1 || true
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
  p50=$(awk '$1 == "50%" { print $2 }' "$out")
  p99=$(awk '$1 == "99%" { print $2 }' "$out")
  errors=$(awk '/Non-2xx/ { print $NF }' "$out")
  result "$3" "$1" "PUT ${rps}/s  p50 $p50  p99 $p99  non-2xx ${errors:-0}"
}

run_scrape() { # name url pid path
  local c0 c1 t walls=() cpus=() bytes
  curl -fs -o /dev/null "$2$4" # warm-up, not counted
  for ((r = 0; r < RUNS; r++)); do
    c0=$(cpu_ticks "$3")
    t=$(curl -s -o /dev/null -w '%{time_total}' "$2$4")
    c1=$(cpu_ticks "$3")
    walls+=("$(awk -v t="$t" 'BEGIN { printf "%.0f", t * 1000 }')")
    cpus+=("$(awk -v a="$c0" -v b="$c1" -v hz="$TICKS" 'BEGIN { printf "%.0f", (b - a) * 1000 / hz }')")
  done
  bytes=$(curl -s -o /dev/null -w '%{size_download}' "$2$4")
  result "$NGROUPS" "$1" "GET ${4%%\?*}: wall ms $(printf '%s\n' "${walls[@]}" | sort -n | tr '\n' ' ')  server CPU ms $(printf '%s\n' "${cpus[@]}" | sort -n | tr '\n' ' ') $(awk -v b="$bytes" 'BEGIN { printf "(%.0f MB)", b / 1048576 }')"
}

log "warming up ($WARMUP of PUTs each)"
wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$LUA" "$OURS" >/dev/null 2>&1 || true
wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$LUA" "$UP" >/dev/null 2>&1 || true

log "PUT at 1,000 groups"
run_put ours "$OURS" 1000
run_put upstream "$UP" 1000

log "filling both to $NGROUPS groups x 20 series"
start=$SECONDS
fill "$OURS" 0 "$NGROUPS" "$BODY" &
f1=$!
fill "$UP" 0 "$NGROUPS" "$BODY" &
f2=$!
wait $f1 $f2
await_groups "$OURS" "$NGROUPS"
await_groups "$UP" "$NGROUPS"
log "filled in $((SECONDS - start)) s; restarting upstream from its persistence file"
kill -TERM "$UP_PID"
wait "$UP_PID" 2>/dev/null || true
start_upstream
await_groups "$UP" "$NGROUPS"

log "PUT at $NGROUPS groups"
run_put ours "$OURS" "$NGROUPS"
run_put upstream "$UP" "$NGROUPS"

log "scrapes"
run_scrape ours "$OURS" "$OURS_PID" /metrics
run_scrape upstream "$UP" "$UP_PID" /metrics
run_scrape ours "$OURS" "$OURS_PID" \
  "/federate?match%5B%5D=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$FEDERATE")"

result "$NGROUPS" ours "resident $(rss_mib "$OURS_PID") MiB, heap after a full GC $(heap_after_gc_mib "$OURS_PID") MiB (JVM flags: $JAVA_OPTS)"
result "$NGROUPS" upstream "resident $(rss_mib "$UP_PID") MiB"

echo
echo "scale.sh $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ours = $JAR, upstream = $PGW $("$PGW" --version 2>&1 | awk 'NR == 1 { print $3 }') (unchecked)"
echo "wrk -t$THREADS -c$CONNS -d$DURATION, 20-series body over put_0..999; $RUNS scrapes after one warm-up"
cat "$RESULTS"
