#!/usr/bin/env bash
# ingest_scaling.sh - PUT throughput through 1 and through 3 ingest nodes sharing one Kafka broker
# and one store node, in one run on one machine.
#
#   bench/ingest_scaling.sh [JAR]          (default: app/target/kpushgateway.jar)
#
# The broker is the all-in-one mode's own (EmbeddedKafka from the jar), started alone in a JVM of
# its own on a free port through java's source launcher, so every node is a plain cluster node
# (--kafka.bootstrap-servers) and the broker is the same for both measurements. A store node
# (--roles=store) applies every push; three ingest nodes (--roles=ingest) take them. After a
# warm-up through all three, each round measures wrk PUTs of the 20-series body of
# bench/put_load.sh over $ROTATE groups through ingest node 1 alone, then through all
# three at once (one wrk per node, the same connections in all, $CONNS, split over them); rounds
# alternate so that other work on the machine weighs on both alike. Reported per round and as
# the median over the rounds: req/s (summed over the wrk processes), the CPU time the broker and all
# nodes spent per PUT, in all and split into broker, store node and ingest nodes (from /proc:
# steadier than req/s when other work shares the machine, and what predicts separate machines),
# p50/p99 per wrk, non-2xx answers and socket errors. Every process started here is stopped at
# the end.
#
# Knobs: ROUNDS=3 DURATION=10s (per measurement) WARMUP=60s (unrecorded) CONNS=12 (in all)
#        THREADS=2 (wrk threads in all) ROTATE=1000 PARTITIONS=4 INGEST_ROLES=ingest (the pushed
#        nodes' --roles; ingest,store makes them store nodes too) NODE_FLAGS= (more flags for every
#        node) JAVA_OPTS= (JVM flags for every node)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/put_load.sh
source bench/put_load.sh

JAR=${1:-app/target/kpushgateway.jar}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-60s}
CONNS=${CONNS:-12}
THREADS=${THREADS:-2}
ROTATE=${ROTATE:-1000}
PARTITIONS=${PARTITIONS:-4}
INGEST_ROLES=${INGEST_ROLES:-ingest}
NODE_FLAGS=${NODE_FLAGS:-}
JAVA_OPTS=${JAVA_OPTS:-}

for t in wrk curl java python3; do command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 2; }; done
[[ -f "$JAR" ]] || { echo "no jar at $JAR (mvn -B package -DskipTests)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/ingest-scaling.XXXXXX)
BROKER_PID=
NODE_PIDS=()
stop() { # pids...: TERM, then KILL whatever still runs after 20 s
  local pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
cleanup() {
  stop "${NODE_PIDS[@]}"
  [[ -n "$BROKER_PID" ]] && stop "$BROKER_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
fail() { # message log
  echo "$1; last lines of $2:" >&2
  tail -n 20 "$2" >&2
  exit 1
}

# The broker: EmbeddedKafka.start(dir, port) from the jar, until the script stops it.
BROKER_PORT=$(free_port)
cat >"$WORK/Broker.java" <<'JAVA'
import io.kpushgateway.broker.EmbeddedKafka;
import java.nio.file.Path;

class Broker {
  public static void main(String[] args) throws InterruptedException {
    EmbeddedKafka broker = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]));
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
    System.out.println("broker ready at " + broker.bootstrapServers());
    Thread.currentThread().join();
  }
}
JAVA
java -cp "$JAR" "$WORK/Broker.java" "$WORK/kafka" "$BROKER_PORT" >"$WORK/broker.log" 2>&1 &
BROKER_PID=$!
deadline=$((SECONDS + 120))
until grep -q '^broker ready at' "$WORK/broker.log"; do
  kill -0 "$BROKER_PID" 2>/dev/null && ((SECONDS < deadline)) || fail "the broker did not start" "$WORK/broker.log"
  sleep 0.2
done
log "broker on 127.0.0.1:$BROKER_PORT"

URLS=() # the ingest nodes wrk pushes through
NODE_URL=
start_node() { # name roles: the one place a node's command line is built; sets NODE_URL
  local port
  port=$(free_port)
  # shellcheck disable=SC2086 # JAVA_OPTS and NODE_FLAGS are word lists
  java $JAVA_OPTS -jar "$JAR" --web.listen-address="127.0.0.1:$port" --data.dir="$WORK/$1" \
    --kafka.bootstrap-servers="127.0.0.1:$BROKER_PORT" --kafka.application-id=scaling \
    --kafka.topic-prefix=scaling --kafka.partitions="$PARTITIONS" --roles="$2" \
    --log.level=warn $NODE_FLAGS >"$WORK/$1.log" 2>&1 &
  NODE_PIDS+=($!)
  NODE_URL="http://127.0.0.1:$port"
}
await_ready() { # name url pid
  local deadline=$((SECONDS + 180))
  until curl -fs "$2/-/ready" >/dev/null 2>&1; do
    kill -0 "$3" 2>/dev/null && ((SECONDS < deadline)) || fail "$1 did not become ready" "$WORK/$1.log"
    sleep 0.2
  done
}
start_ingest() { # n: starts ingest node n and waits until it is ready
  start_node "ingest$1" "$INGEST_ROLES"
  URLS+=("$NODE_URL")
  await_ready "ingest$1" "$NODE_URL" "${NODE_PIDS[-1]}"
}

BODY="$WORK/body.txt"
put_body >"$BODY"
LUA="$WORK/put.lua"
put_lua "$ROTATE" "$BODY" >"$LUA"

put() { # duration out-prefix url...: one wrk per url at once, $CONNS connections and $THREADS threads in all
  local duration=$1 prefix=$2 i pids=() c t
  shift 2
  local n=$#
  for ((i = 0; i < n; i++)); do
    c=$(((CONNS + n - 1 - i) / n)); t=$(((THREADS + n - 1 - i) / n)); ((t >= 1)) || t=1; ((t <= c)) || t=$c
    wrk -t"$t" -c"$c" -d"$duration" --timeout 30s --latency -s "$LUA" "${@:i+1:1}" >"$prefix.$i.txt" 2>&1 &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || true; done
}

RESULTS="$WORK/results.txt"
TICKS=$(getconf CLK_TCK)
cpu_ticks() { # utime + stime, all threads: "broker store ingest-nodes" (store = the first node)
  local pid i ingest=0
  for ((i = 1; i < ${#NODE_PIDS[@]}; i++)); do
    ingest=$((ingest + $(ticks "${NODE_PIDS[i]}")))
  done
  echo "$(ticks "$BROKER_PID") $(ticks "${NODE_PIDS[0]}") $ingest"
}
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
per_put() { # ticks requests: CPU ms per PUT
  awk -v t="$1" -v hz="$TICKS" -v r="$2" 'BEGIN { print r ? t / hz * 1000 / r : 0 }'
}
measure() { # round url...: one measurement through the given ingest nodes, a line in $RESULTS
  local round=$1 n=$(($# - 1)) i rps=0 requests=0 p50= p99= non2xx=0 errors=0 cpu0 cpu1 out
  local b0 s0 i0 b1 s1 i1
  local prefix="$WORK/run$round-$n"
  shift
  log "round $round: $DURATION through $n ingest node(s)"
  cpu0=$(cpu_ticks)
  put "$DURATION" "$prefix" "$@"
  cpu1=$(cpu_ticks)
  for ((i = 0; i < n; i++)); do
    out="$prefix.$i.txt"
    rps=$(awk -v s="$rps" '/^Requests\/sec:/ { s += $2 } END { print s }' "$out")
    requests=$(awk -v s="$requests" '/ requests in / { s += $1 } END { print s }' "$out")
    p50+="${p50:+/}$(awk '$1 == "50%" { print $2 }' "$out")"
    p99+="${p99:+/}$(awk '$1 == "99%" { print $2 }' "$out")"
    non2xx=$((non2xx + $(awk '/Non-2xx/ { print $NF }' "$out" | grep . || echo 0)))
    errors=$((errors + $(awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$out" | grep . || echo 0)))
  done
  read -r b0 s0 i0 <<<"$cpu0"
  read -r b1 s1 i1 <<<"$cpu1"
  printf '%-6s %-7s %9.1f %11.2f %7.2f %7.2f %7.2f   %-26s %-26s %7d %7d\n' "$round" "$n" "$rps" \
    "$(per_put $((b1 + s1 + i1 - b0 - s0 - i0)) "$requests")" "$(per_put $((b1 - b0)) "$requests")" \
    "$(per_put $((s1 - s0)) "$requests")" "$(per_put $((i1 - i0)) "$requests")" \
    "$p50" "$p99" "$non2xx" "$errors" >>"$RESULTS"
}
median() { # nodes column: median of a column over the rounds with that many ingest nodes
  awk -v n="$1" -v c="$2" '$2 == n { print $c }' "$RESULTS" | sort -g |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
start_node store store
await_ready store "$NODE_URL" "${NODE_PIDS[-1]}"
for n in 1 2 3; do start_ingest "$n"; done
log "warm-up: $WARMUP through all ingest nodes"
put "$WARMUP" "$WORK/warmup" "${URLS[@]}"
# Rounds alternate so that other work on the machine weighs on both alike.
for ((r = 1; r <= ROUNDS; r++)); do
  measure "$r" "${URLS[0]}"
  measure "$r" "${URLS[@]}"
done

echo
echo "ingest_scaling $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after"
echo "$JAR, one broker JVM, one store node, 3 ingest nodes (--roles=$INGEST_ROLES), $PARTITIONS partitions"
echo "wrk: PUT of a 20-series body over $ROTATE groups, $CONNS connections and $THREADS threads in all, $DURATION per measurement after $WARMUP warm-up"
echo "CPU ms/PUT: all gateway JVMs, then the broker, the store node and the ingest nodes (summed);"
echo "wrk's own CPU is not counted. p50/p99: each pushed node's wrk"
printf '%-6s %-7s %9s %11s %7s %7s %7s   %-26s %-26s %7s %7s\n' round ingest req/s 'CPU ms/PUT' broker store ingest p50 p99 non-2xx errors
cat "$RESULTS"
for n in 1 3; do
  printf '%-6s %-7s %9.1f %11.2f %7.2f %7.2f %7.2f\n' median "$n" "$(median "$n" 3)" "$(median "$n" 4)" \
    "$(median "$n" 5)" "$(median "$n" 6)" "$(median "$n" 7)"
done
