#!/usr/bin/env bash
# consistency_bench.sh - checked PUT throughput/latency and full scrape time with 0, 1,000 and
# 10,000 stored groups (20 series each), kpushgateway side by side with the real Pushgateway,
# in one run on one machine.
#
#   bench/consistency_bench.sh [JAR] [PUSHGATEWAY_BINARY]
#
# Defaults: app/target/kpushgateway.jar and /usr/bin/prometheus-pushgateway. Needs wrk, curl.
# Each level: both gateways are filled to SIZE groups (fill_<i>, 20 gauge families of one series),
# then wrk PUTs the same 20-family body for $DURATION over $ROTATE groups (put_<i>, so the store
# stays near SIZE), then $GET_SEQ sequential curl scrapes of /metrics.
# Upstream checks every push against its whole store, so filling it to 10,000 groups with checks
# on takes most of an hour: it is filled with --push.disable-consistency-check and restarted with
# checks on from its persistence file, which it writes on shutdown. Ours is filled checked.
#
# Knobs: SIZES="0 1000 10000" DURATION=10s CONNS=16 THREADS=2 ROTATE=100 GET_SEQ=5 PAR=4
#        WARMUP=10s (an unrecorded PUT run on both first)
set -euo pipefail
# shellcheck source=bench/put_load.sh
source "$(dirname "${BASH_SOURCE[0]}")/put_load.sh"

JAR=${1:-app/target/kpushgateway.jar}
PGW=${2:-/usr/bin/prometheus-pushgateway}
SIZES=${SIZES:-"0 1000 10000"}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
ROTATE=${ROTATE:-100}
GET_SEQ=${GET_SEQ:-5}
PAR=${PAR:-4}
WARMUP=${WARMUP:-10s}

for t in wrk curl java python3; do command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 2; }; done
[[ -f "$JAR" ]] || { echo "no jar at $JAR (mvn -B package -DskipTests)" >&2; exit 2; }
[[ -x "$PGW" ]] || { echo "no Pushgateway at $PGW (apt-get install prometheus-pushgateway)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/kpgw-bench.XXXXXX)
OURS_PID= UP_PID=
cleanup() {
  for p in $OURS_PID $UP_PID; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_ready() { # url
  for _ in $(seq 1 600); do curl -fs "$1/-/ready" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "$1 not ready" >&2; return 1
}

BODY="$WORK/body.txt"
put_body >"$BODY"

OURS_PORT=$(free_port); UP_PORT=$(free_port)
OURS="http://127.0.0.1:$OURS_PORT"; UP="http://127.0.0.1:$UP_PORT"
java -jar "$JAR" --web.listen-address="127.0.0.1:$OURS_PORT" --data.dir="$WORK/data" \
  --log.level=warn >"$WORK/ours.log" 2>&1 &
OURS_PID=$!

start_upstream() { # extra flags...
  "$PGW" --web.listen-address="127.0.0.1:$UP_PORT" --persistence.file="$WORK/pgw.data" \
    --log.level=warn "$@" >>"$WORK/upstream.log" 2>&1 &
  UP_PID=$!
  wait_ready "$UP"
}
stop_upstream() {
  kill -TERM "$UP_PID"; wait "$UP_PID" 2>/dev/null || true; UP_PID=
}
start_upstream --push.disable-consistency-check
wait_ready "$OURS"
log "ours on $OURS, upstream on $UP"

fill() { # url from to
  local url=$1 from=$2 to=$3 p i
  local pids=()
  for ((p = 0; p < PAR; p++)); do
    local cfg="$WORK/fill_${url##*:}_$p.cfg"; : > "$cfg"
    for ((i = from + p; i < to; i += PAR)); do
      (( i > from + p )) && echo next >> "$cfg"
      printf 'url = "%s/metrics/job/fill_%d"\nrequest = "PUT"\ndata-binary = "@%s"\noutput = "/dev/null"\nsilent\n' \
        "$url" "$i" "$BODY" >> "$cfg"
    done
    [[ -s "$cfg" ]] && { curl -K "$cfg" >/dev/null 2>&1 & pids+=($!); }
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
}
count_groups() { curl -s "$1/metrics" | grep -c '^push_time_seconds{.*job="fill_' || true; }
await_groups() { # url n
  for _ in $(seq 1 600); do [[ $(count_groups "$1") -ge $2 ]] && return 0; sleep 0.2; done
  echo "$1 never showed $2 groups" >&2; return 1
}

LUA="$WORK/put.lua"
put_lua "$ROTATE" "$BODY" >"$LUA"

RESULTS="$WORK/results.tsv"
run_put() { # name url size
  local out="$WORK/wrk_$1_$3.txt"
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 60s --latency -s "$LUA" "$2" > "$out" 2>&1 || true
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec:/{print $2}' "$out")
  p50=$(awk '$1=="50%"{print $2}' "$out")
  p99=$(awk '$1=="99%"{print $2}' "$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' "$out")
  printf '%s\t%s\tput\t%s req/s\tp50 %s\tp99 %s\tnon-2xx %s\n' "$3" "$1" "$rps" "$p50" "$p99" "${non2xx:-0}" >> "$RESULTS"
}
run_get() { # name url size
  local times
  times=$(for ((k = 0; k < GET_SEQ; k++)); do curl -s -o /dev/null -w '%{time_total}\n' "$2/metrics"; done | sort -g)
  local bytes
  bytes=$(curl -s "$2/metrics" | wc -c)
  printf '%s\t%s\tscrape\tmedian %.0f ms\tmax %.0f ms\t%.1f MB\n' "$3" "$1" \
    "$(echo "$times" | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]*1000}')" \
    "$(echo "$times" | tail -1 | awk '{print $1*1000}')" \
    "$(awk -v b="$bytes" 'BEGIN{print b/1048576}')" >> "$RESULTS"
}

# JIT warm-up of both (not recorded), so the first level does not measure a cold JVM
log "warming up"
wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$LUA" "$OURS" >/dev/null 2>&1 || true
wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$LUA" "$UP" >/dev/null 2>&1 || true
for ((k = 0; k < 5; k++)); do curl -s -o /dev/null "$OURS/metrics"; done

filled=0
for size in $SIZES; do
  if (( size > filled )); then
    log "filling both to $size groups"
    fill "$OURS" "$filled" "$size" & f1=$!
    fill "$UP" "$filled" "$size" & f2=$!
    wait $f1 $f2
    await_groups "$OURS" "$size"; await_groups "$UP" "$size"
    filled=$size
  fi
  stop_upstream; start_upstream   # checked, from its persistence file
  await_groups "$UP" "$size"
  log "size $size: PUT on ours"; run_put ours "$OURS" "$size"
  log "size $size: PUT on upstream"; run_put upstream "$UP" "$size"
  run_get ours "$OURS" "$size"; run_get upstream "$UP" "$size"
  stop_upstream; start_upstream --push.disable-consistency-check   # for the next fill
done

echo
echo "consistency_bench $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, wrk -t$THREADS -c$CONNS -d$DURATION, 20-series body, PUTs over $ROTATE groups"
echo "ours = $JAR, upstream = $PGW $("$PGW" --version 2>&1 | head -1 | awk '{print $3}')"
printf 'groups\ttarget\twhat\t\t\t\n'
cat "$RESULTS"
