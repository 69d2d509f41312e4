#!/usr/bin/env bash
# history_at.sh - what reading the past costs: GET /metrics?at=T against the current GET /metrics,
# on a gateway holding NGROUPS groups of 20 gauge series with PUSHES pushes in its log; and the push
# throughput with snapshots on (the default) and off.
#
#   bench/history_at.sh [JAR [JAR_B]]   (default: app/target/kpushgateway.jar)
#
# 1. Starts the jar all-in-one (embedded broker) on a free 127.0.0.1 port, state in a temp dir.
#    wrk PUTs the 20-series body of bench/put_load.sh over NGROUPS groups (job=put_<i>) in chunks of
#    CHUNK until PUSHES pushes are acknowledged; after each chunk it notes the instant.
# 2. Scrapes /metrics RUNS times after a first one (reported apart: the first read of an instant
#    parses what the next ones find parsed), then /metrics?at=T for the instants noted after
#    the first chunk, the middle one and the last but one (RUNS times each). Reported: wall medians
#    (curl), the server's CPU per scrape (/proc), the ratio to the current scrape, the heap in use
#    after each kind (jvm_memory_used_bytes, sampled after every scrape: the most seen), one
#    group's history page (100 entries), the snapshots the store logged, and the oldest answerable
#    instant (/api/v1/status). With JAR_B, the same state is then served by JAR_B, JAR, JAR_B in
#    turn (each restarted on the same data directory) and scraped the same way: an A/B in one run.
# 3. Throughput: ROUNDS pairs of fresh gateways, snapshots on then off (--history.snapshot-interval=0),
#    each loaded by wrk for DURATION after WARMUP; the median req/s of each and their ratio.
# Every process started here is stopped at the end.
# Environment: NGROUPS=10000 PUSHES=1000000 CHUNK=60s RUNS=5 ROUNDS=3 DURATION=30s WARMUP=10s
# CONNS=16 THREADS=2 JAVA_OPTS=
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-app/target/kpushgateway.jar}
JAR_B=${2:-}
NGROUPS=${NGROUPS:-10000}
PUSHES=${PUSHES:-1000000}
CHUNK=${CHUNK:-60s}
RUNS=${RUNS:-5}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-10s}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
JAVA_OPTS=${JAVA_OPTS:-}
TICKS=$(getconf CLK_TCK)
for t in wrk curl java python3; do command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 2; }; done
# shellcheck source=bench/put_load.sh
source bench/put_load.sh

WORK=$(mktemp -d /tmp/history-at.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
start() { # name extra-flags... -> sets URL, PID (the jar: $RUN_JAR, else $JAR; data: $DATA, else name)
  local port
  port=$(free_port)
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "${RUN_JAR:-$JAR}" --web.listen-address="127.0.0.1:$port" \
    --data.dir="$WORK/${DATA:-$1}" "${@:2}" \
    >"$WORK/$1.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  URL="http://127.0.0.1:$port"
  local deadline=$((SECONDS + 120))
  until curl -fsS "$URL/-/ready" >/dev/null 2>&1; do
    if ! kill -0 "$PID" 2>/dev/null || ((SECONDS > deadline)); then
      echo "$1 did not become ready" >&2
      exit 1
    fi
    sleep 0.2
  done
}
stop() { # pid
  kill -TERM "$1"
  for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}
load() { # duration url out -> prints requests done
  wrk -t"$THREADS" -c"$CONNS" -d"$1" --timeout 30s -s "$LUA" "$2" >"$3" 2>&1
  awk '/requests in/ { print $1 }' "$3"
}
heap() { # url -> heap bytes in use
  curl -s "$1/metrics" | awk '/^jvm_memory_used_bytes\{area="heap"\}/ { printf "%.0f\n", $2 }'
}
timed() { # name url pid path -> one line of medians
  local name=$1 url=$2 pid=$3 path=$4 walls=() cpus=() t c0 c1 h most=0 first
  first=$(curl -s -o /dev/null -w '%{time_total}' "$url$path") # the first, not in the medians
  for ((r = 0; r < RUNS; r++)); do
    c0=$(cpu_ticks "$pid")
    t=$(curl -s -o /dev/null -w '%{time_total}' "$url$path")
    c1=$(cpu_ticks "$pid")
    h=$(heap "$url")
    ((h > most)) && most=$h
    walls+=("$t")
    cpus+=("$(awk -v a="$c0" -v b="$c1" -v hz="$TICKS" 'BEGIN { print (b - a) / hz }')")
  done
  printf '%s %s\n' "$(printf '%s\n' "${walls[@]}" | sort -g | tr '\n' ' ')" \
    "$(printf '%s\n' "${cpus[@]}" | sort -g | tr '\n' ' ')" |
    awk -v n="$name" -v k="$RUNS" -v h="$most" -v f="$first" '
      { printf "%-44s first %6.0f ms   wall median %6.0f ms   server CPU median %6.0f ms   heap after, most %5.0f MiB\n",
          n, f * 1000, $(int((k + 1) / 2)) * 1000, $(k + int((k + 1) / 2)) * 1000, h / 1048576 }'
}
median_of() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

BODY="$WORK/body.txt"
LUA="$WORK/put.lua"
put_body >"$BODY"
put_lua "$NGROUPS" "$BODY" >"$LUA"

echo "== 1. $PUSHES pushes over $NGROUPS groups x 20 series ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
start history
done_pushes=0
INSTANTS=()
chunk=0
while ((done_pushes < PUSHES)); do
  n=$(load "$CHUNK" "$URL" "$WORK/chunk-$chunk.txt")
  done_pushes=$((done_pushes + n))
  INSTANTS+=("$(date +%s.%N)")
  echo "chunk $chunk: $n pushes ($(awk '/Requests\/sec/ { print $2 }' "$WORK/chunk-$chunk.txt") req/s), $done_pushes in all, at ${INSTANTS[-1]}"
  chunk=$((chunk + 1))
done
all_visible() {
  local deadline=$((SECONDS + 300))
  until (($(curl -s "$URL/metrics" | grep -c '^push_time_seconds{.*job="put_' || true) >= NGROUPS)); do
    ((SECONDS < deadline)) || { echo "not every group visible" >&2; exit 1; }
    sleep 1
  done
}
all_visible
last=$((${#INSTANTS[@]} - 2)); ((last >= 0)) || last=0
mid=$((${#INSTANTS[@]} / 2))
now=$(date +%s.%N)

scrapes() { # label
  timed "$1GET /metrics (now)" "$URL" "$PID" "/metrics"
  for i in 0 "$mid" "$last"; do
    back=$(awk -v n="$now" -v t="${INSTANTS[$i]}" 'BEGIN { printf "%.0f", n - t }')
    timed "$1GET /metrics?at= ${back}s back (chunk $i)" "$URL" "$PID" "/metrics?at=${INSTANTS[$i]}"
  done
}
echo "== 2. scrapes, $RUNS sequential curl runs each after one warm-up"
scrapes ""
timed "GET /api/v1/history/job/put_1234 (100 entries)" "$URL" "$PID" "/api/v1/history/job/put_1234"
echo "snapshots the store wrote: $(grep -c 'snapshot of partition' "$WORK/history.log" || true)"
grep 'snapshot of partition' "$WORK/history.log" | tail -3 | sed 's/^/  /'
echo "oldest answerable: $(curl -s "$URL/api/v1/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"].get("history"))')"
echo "resident memory: $(($(ps -o rss= -p "$PID") / 1024)) MiB"
stop "$PID"

if [[ -n $JAR_B ]]; then
  echo "== 2b. the same state served by B ($JAR_B) and A ($JAR) in turn"
  for turn in B A B; do
    if [[ $turn == B ]]; then RUN_JAR=$JAR_B; else RUN_JAR=$JAR; fi
    RUN_JAR=$RUN_JAR DATA=history start "history-$turn-$SECONDS"
    all_visible
    scrapes "$turn: "
    stop "$PID"
  done
fi

echo "== 3. push throughput, snapshots on / off: $ROUNDS pairs, wrk $DURATION after $WARMUP, $CONNS connections"
ON=()
OFF=()
for ((r = 0; r < ROUNDS; r++)); do
  for mode in on off; do
    if [[ $mode == on ]]; then start "on-$r"; else start "off-$r" --history.snapshot-interval=0; fi
    load "$WARMUP" "$URL" "$WORK/warm-$mode-$r.txt" >/dev/null
    load "$DURATION" "$URL" "$WORK/run-$mode-$r.txt" >/dev/null
    rps=$(awk '/Requests\/sec/ { print $2 }' "$WORK/run-$mode-$r.txt")
    snaps=$(grep -c 'snapshot of partition' "$WORK/$mode-$r.log" || true)
    echo "round $r snapshots $mode: $rps req/s ($snaps snapshots written)"
    if [[ $mode == on ]]; then ON+=("$rps"); else OFF+=("$rps"); fi
    stop "$PID"
  done
done
((ROUNDS > 0)) || exit 0
on=$(printf '%s\n' "${ON[@]}" | median_of)
off=$(printf '%s\n' "${OFF[@]}" | median_of)
awk -v a="$on" -v b="$off" 'BEGIN { printf "median req/s: on %.0f, off %.0f; on/off %.3f\n", a, b, a / b }'
