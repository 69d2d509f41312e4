#!/usr/bin/env bash
# fsync.sh - what --storage.fsync costs: push throughput and latency of the all-in-one gateway
# with the embedded broker's log left to the operating system (os, the default), forced to disk
# at each push (always) and every --storage.fsync-interval (interval).
#
#   bench/fsync.sh [JAR]   (default: app/target/kpushgateway.jar)
#
# ROUNDS rounds; in each, one fresh gateway per mode in turn (state in a temp dir on the same
# filesystem as TMPDIR: the disk under test), loaded by wrk with the 20-series PUT of
# bench/put_load.sh over NGROUPS groups for DURATION after WARMUP. Reported per run: req/s and
# wrk's p50/p99 latency; then each mode's median req/s and its ratio to os. Every process started
# here is stopped at the end.
# Environment: NGROUPS=1000 ROUNDS=2 DURATION=30s WARMUP=20s CONNS=16 THREADS=2 INTERVAL=1s
# MODES="os always interval" JAVA_OPTS=
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-app/target/kpushgateway.jar}
NGROUPS=${NGROUPS:-1000}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-20s}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
INTERVAL=${INTERVAL:-1s}
MODES=${MODES:-os always interval}
JAVA_OPTS=${JAVA_OPTS:-}
for t in wrk curl java python3; do command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 2; }; done
# shellcheck source=bench/put_load.sh
source bench/put_load.sh

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fsync.XXXXXX")
PID=
cleanup() {
  if [[ -n $PID ]]; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

put_body >"$WORK/body.txt"
put_lua "$NGROUPS" "$WORK/body.txt" >"$WORK/put.lua"
echo "== --storage.fsync: $ROUNDS rounds of $MODES, wrk $DURATION after $WARMUP, $CONNS connections, $NGROUPS groups ($(nproc) cores, $(df -T "$WORK" | awk 'NR == 2 { print $2 }') under $WORK)"
declare -A RPS
for ((r = 0; r < ROUNDS; r++)); do
  for mode in $MODES; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    rm -rf "$WORK/data"
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$JAR" --web.listen-address="127.0.0.1:$port" --data.dir="$WORK/data" \
      --storage.fsync="$mode" --storage.fsync-interval="$INTERVAL" >"$WORK/$mode-$r.log" 2>&1 &
    PID=$!
    url="http://127.0.0.1:$port"
    deadline=$((SECONDS + 120))
    until curl -fsS "$url/-/ready" >/dev/null 2>&1; do
      if ! kill -0 "$PID" 2>/dev/null || ((SECONDS > deadline)); then
        echo "$mode did not become ready" >&2
        tail -5 "$WORK/$mode-$r.log" >&2
        exit 1
      fi
      sleep 0.2
    done
    wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" --timeout 30s -s "$WORK/put.lua" "$url" >/dev/null
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 30s --latency -s "$WORK/put.lua" "$url" >"$WORK/run.txt"
    rps=$(awk '/Requests\/sec/ { print $2 }' "$WORK/run.txt")
    p50=$(awk '$1 == "50%" { print $2 }' "$WORK/run.txt")
    p99=$(awk '$1 == "99%" { print $2 }' "$WORK/run.txt")
    non2xx=$(awk '/Non-2xx/ { print $NF }' "$WORK/run.txt")
    echo "round $r fsync=$mode: $rps req/s, p50 $p50, p99 $p99${non2xx:+, $non2xx non-2xx}"
    RPS[$mode]="${RPS[$mode]:-} $rps"
    kill -TERM "$PID"
    for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null || true
    PID=
  done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
base=$(echo "${RPS[os]:-}" | median)
for mode in $MODES; do
  m=$(echo "${RPS[$mode]}" | median)
  if [[ -n $base ]]; then
    awk -v n="$mode" -v m="$m" -v b="$base" 'BEGIN { printf "fsync=%-9s median %7.0f req/s  (%.2f of os)\n", n, m, m / b }'
  else
    echo "fsync=$mode median $m req/s"
  fi
done
