#!/usr/bin/env bash
# memory.sh - where the all-in-one gateway's memory goes under a long PUT load, and whether its
# resident size levels off: one fresh gateway, NGROUPS groups of the 20-gauge PUT of
# bench/put_load.sh pushed over and over by wrk for DURATION, RSS sampled every SAMPLE seconds;
# then heap after a full GC (jcmd GC.run, GC.heap_info) and the memory self-metrics.
#
#   bench/memory.sh [JAR] [-- gateway flags...]    (default: app/target/kpushgateway.jar)
#
# JAVA_OPTS are the JVM's flags; the default stands for the Dockerfile's in a 2 GiB container
# (-XX:MaxRAM=2g makes the JVM size itself as if the machine had 2 GiB). Give MALLOC_ARENA_MAX in
# the environment to bound glibc's malloc arenas. With -XX:NativeMemoryTracking=summary in
# JAVA_OPTS the JVM's own share of RSS is printed too (RSS minus it: RocksDB and other malloc).
# Environment: NGROUPS=10000 DURATION=150 SAMPLE=15 CONNS=4 THREADS=1 JAVA_OPTS=...
# Every process started here is stopped at the end. Not a throughput benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-app/target/kpushgateway.jar}
shift || true
[[ ${1:-} == -- ]] && shift
NGROUPS=${NGROUPS:-10000}
DURATION=${DURATION:-150}
SAMPLE=${SAMPLE:-15}
CONNS=${CONNS:-4}
THREADS=${THREADS:-1}
JAVA_OPTS=${JAVA_OPTS:--XX:MaxRAM=2g -XX:MaxRAMPercentage=50 -XX:+UseG1GC}
for t in wrk curl java jcmd python3; do command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 2; }; done
# shellcheck source=bench/put_load.sh
source bench/put_load.sh

WORK=$(mktemp -d "${TMPDIR:-/tmp}/memory.XXXXXX")
PID=
WRK=
cleanup() {
  [[ -n $WRK ]] && kill "$WRK" 2>/dev/null || true
  if [[ -n $PID ]]; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

rss_mib() { awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$PID/status"; }
scrape() { curl -fsS "$url/metrics" >"$WORK/page.txt"; }
metric() { # NAME: the sum of its samples on the last scrape, in MiB when it is in bytes
  awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $NF }
    END { if (n ~ /_bytes$/) printf "%.0f", s / 1048576; else printf "%.0f", s }' "$WORK/page.txt"
}

put_body >"$WORK/body.txt"
put_lua "$NGROUPS" "$WORK/body.txt" >"$WORK/put.lua"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$JAR" --web.listen-address="127.0.0.1:$port" --data.dir="$WORK/data" "$@" \
  >"$WORK/gateway.log" 2>&1 &
PID=$!
deadline=$((SECONDS + 120))
until curl -fsS "$url/-/ready" >/dev/null 2>&1; do
  if ! kill -0 "$PID" 2>/dev/null || ((SECONDS > deadline)); then
    echo "the gateway did not become ready" >&2
    tail -20 "$WORK/gateway.log" >&2
    exit 1
  fi
  sleep 0.2
done
echo "== $JAR $* | JAVA_OPTS=$JAVA_OPTS MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-unset}"
echo "== $NGROUPS groups x 20 gauges, wrk -t$THREADS -c$CONNS for ${DURATION}s ($(nproc) cores)"
echo "ready: RSS $(rss_mib) MiB"
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 30s -s "$WORK/put.lua" "$url" >"$WORK/wrk.txt" &
WRK=$!
t0=$SECONDS
while kill -0 "$WRK" 2>/dev/null; do
  sleep "$SAMPLE"
  kill -0 "$WRK" 2>/dev/null || break
  scrape # one scrape a sample, as Prometheus would: a page of every group
  echo "t=$((SECONDS - t0))s RSS $(rss_mib) MiB" \
    "block cache $(metric kpushgateway_store_rocksdb_block_cache_usage_bytes) MiB" \
    "memtables $(metric kpushgateway_store_rocksdb_memtable_bytes) MiB" \
    "heap used $(awk '/^jvm_memory_used_bytes\{area="heap"/ { printf "%.0f", $2 / 1048576 }' "$WORK/page.txt") MiB"
done
wait "$WRK" || true
WRK=
awk '/requests in/ { print "wrk: " $1 " requests" } /Non-2xx/ { print "wrk: " $NF " non-2xx" }' "$WORK/wrk.txt"
sleep 5
scrape
echo "after the load: RSS $(rss_mib) MiB, groups $(metric kpushgateway_store_groups)"
jcmd "$PID" GC.run >/dev/null
echo "heap after a full GC: $(jcmd "$PID" GC.heap_info | grep -Eo 'used [0-9]+K' | head -1)"
jcmd "$PID" GC.heap_info | sed -n 2p | sed 's/^ */  /'
echo "RSS after the GC: $(rss_mib) MiB; the heap's largest classes:"
jcmd "$PID" GC.class_histogram 2>/dev/null | sed -n '4,11p' | awk '{ printf "  %7.1f MiB %s\n", $3 / 1048576, $4 }'

scrape
grep -E '^(kpushgateway_store_rocksdb_[a-z_]+|jvm_memory_used_bytes|jvm_memory_committed_bytes|jvm_buffer_pool_used_bytes|process_resident_memory_bytes)' "$WORK/page.txt" |
  awk '{ if ($1 ~ /bytes/) printf "  %-80s %8.1f MiB\n", $1, $2 / 1048576; else printf "  %-80s %8d\n", $1, $2 }'
if jcmd "$PID" VM.native_memory summary >"$WORK/nmt.txt" 2>/dev/null && grep -q committed "$WORK/nmt.txt"; then
  echo "JVM native memory tracking (committed):"
  sed -nE 's/^Total: reserved=[0-9]+KB, committed=([0-9]+)KB.*/Total \1/p; s/^- +([A-Za-z ]*[A-Za-z]) +\(reserved=[0-9]+KB, committed=([0-9]+)KB.*/\1 \2/p' "$WORK/nmt.txt" |
    awk '{ kb = $NF; $NF = ""; if (kb >= 1024) printf "  %-28s %6d MiB\n", $0, kb / 1024 }'
fi
# resident memory by mapping: anonymous (heap, malloc, RocksDB, thread stacks) against files
# (the embedded broker's mapped index files, shared libraries)
python3 - "$PID" <<'PY'
import collections, sys
rss, name = collections.Counter(), None
for line in open(f"/proc/{sys.argv[1]}/smaps"):
    f = line.split()
    if "-" in f[0] and not f[0].endswith(":"):
        path = f[5] if len(f) >= 6 else ""
        name = ("Kafka index files" if path.endswith((".index", ".timeindex"))
                else "shared libraries" if ".so" in path
                else "anonymous" if path in ("", "[heap]") else "other")
    elif f[0] == "Rss:":
        rss[name] += int(f[1])
print("resident by mapping: " + ", ".join(f"{k} {v // 1024} MiB" for k, v in rss.most_common()))
PY
