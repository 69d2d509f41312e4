#!/usr/bin/env bash
# scrape_speed.sh - time GET /metrics on kpushgateway jar(s) and on the upstream Pushgateway, side
# by side, while each holds NGROUPS groups of 20 gauge families (one series each, the body of
# ../shared/bench/pgbench.sh).
#
#   bench/scrape_speed.sh [JAR...]        (default: app/target/kpushgateway.jar)
#
# Every server runs on a free 127.0.0.1 port with its state in a temp dir and gets the same PUTs
# (upstream with --push.disable-consistency-check, see below). Then, in turn, each is scraped
# RUNS times with curl (identity, then gzip) after one warm-up; reported are the wall time curl
# measured and the CPU time the server process spent per scrape (from /proc, all its threads:
# robust when other work shares the machine), then each server's resident memory and each jar's
# heap after a full GC (jcmd). The jars are also asked for GET /federate?match[]=$FEDERATE (by
# default the 99 groups whose job ends in 00: 1% of the series), which upstream does not serve.
# Every server started here is stopped at the end.
# Environment: NGROUPS=10000 RUNS=5 PAR=4 PUSHGATEWAY=/usr/bin/prometheus-pushgateway
# JAVA_OPTS= (extra JVM flags for the jars) FEDERATE='{job=~"bench_.*00"}'.
set -euo pipefail
cd "$(dirname "$0")/.."
JARS=("$@")
((${#JARS[@]})) || JARS=(app/target/kpushgateway.jar)
NGROUPS=${NGROUPS:-10000}
RUNS=${RUNS:-5}
PAR=${PAR:-4}
PUSHGATEWAY=${PUSHGATEWAY:-/usr/bin/prometheus-pushgateway}
JAVA_OPTS=${JAVA_OPTS:-}
FEDERATE=${FEDERATE:-'{job=~"bench_.*00"}'}
TICKS=$(getconf CLK_TCK)

WORK=$(mktemp -d /tmp/scrape-speed.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
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
await_ready() { # url pid
  local deadline=$((SECONDS + 120))
  until curl -fsS "$1/-/ready" >/dev/null 2>&1; do
    if ! kill -0 "$2" 2>/dev/null || ((SECONDS > deadline)); then
      echo "$1 did not become ready" >&2
      exit 1
    fi
    sleep 0.2
  done
}
cpu_ticks() { # pid -> utime + stime of the whole process
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

BODY="$WORK/body.txt"
for ((k = 0; k < 20; k++)); do
  printf '# HELP pgbench_metric_%02d Benchmark gauge %d.\n# TYPE pgbench_metric_%02d gauge\npgbench_metric_%02d{kind="bench",idx="%d"} %d.5\n' \
    "$k" "$k" "$k" "$k" "$k" "$k"
done >"$BODY"

fill() { # url
  local p i cfg pids=()
  for ((p = 0; p < PAR; p++)); do
    cfg="$WORK/fill_${p}.cfg"
    : >"$cfg"
    for ((i = p; i < NGROUPS; i += PAR)); do
      printf 'next\nurl = "%s/metrics/job/bench_%d"\nrequest = "PUT"\ndata-binary = "@%s"\noutput = "/dev/null"\nsilent\n' \
        "$1" "$i" "$BODY" >>"$cfg"
    done
    sed -i '1d' "$cfg" # no 'next' before the first URL
    curl -K "$cfg" >/dev/null 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  # pushes are applied asynchronously: wait until every group is visible
  local deadline=$((SECONDS + 300)) n=0
  while ((SECONDS < deadline)); do
    n=$(curl -s "$1/metrics" | grep -c '^push_time_seconds{.*job="bench_' || true)
    ((n >= NGROUPS)) && return
    sleep 0.5
  done
  echo "$1: only $n of $NGROUPS groups visible" >&2
  exit 1
}

scrape() { # name url pid path [curl args...]
  local name=$1 url=$2$4 pid=$3 t c0 c1 walls=() cpus=() bytes
  shift 4
  curl -fs -o /dev/null "$@" "$url" # warm-up, not counted
  for ((r = 0; r < RUNS; r++)); do
    c0=$(cpu_ticks "$pid")
    t=$(curl -s -o /dev/null -w '%{time_total}' "$@" "$url")
    c1=$(cpu_ticks "$pid")
    walls+=("$t")
    cpus+=("$(awk -v a="$c0" -v b="$c1" -v hz="$TICKS" 'BEGIN { print (b - a) / hz }')")
  done
  bytes=$(curl -s -o /dev/null -w '%{size_download}' "$@" "$url")
  printf '%s %s\n' "$(printf '%s\n' "${walls[@]}" | sort -g | tr '\n' ' ')" \
    "$(printf '%s\n' "${cpus[@]}" | sort -g | tr '\n' ' ')" | awk -v n="$name" -v b="$bytes" -v k="$RUNS" '
    { printf "%-34s wall median %6.0f ms (min %6.0f)   server CPU median %6.0f ms (min %6.0f)   %5.1f MB\n",
        n, $(int((k + 1) / 2)) * 1000, $1 * 1000, $(k + int((k + 1) / 2)) * 1000, $(k + 1) * 1000, b / 1048576 }'
}

NAMES=()
URLS=()
for jar in "${JARS[@]}"; do
  port=$(free_port)
  java $JAVA_OPTS -jar "$jar" --web.listen-address="127.0.0.1:$port" --data.dir="$WORK/data-$port" \
    >"$WORK/kpgw-$port.log" 2>&1 &
  PIDS+=($!)
  NAMES+=("kpushgateway $(basename "$jar")")
  URLS+=("http://127.0.0.1:$port")
done
port=$(free_port)
# Without its consistency check, which costs O(stored series) per push and would make filling
# 10,000 groups take hours (a scrape checks consistency anyway), and without the persistence file
# the Debian build would otherwise write to /var/lib/prometheus.
"$PUSHGATEWAY" --web.listen-address="127.0.0.1:$port" --persistence.file= --push.disable-consistency-check \
  >"$WORK/upstream.log" 2>&1 &
PIDS+=($!)
NAMES+=("upstream $("$PUSHGATEWAY" --version 2>&1 | awk 'NR == 1 { print $3 }')")
URLS+=("http://127.0.0.1:$port")

for i in "${!URLS[@]}"; do await_ready "${URLS[$i]}" "${PIDS[$i]}"; done
echo "filling $NGROUPS groups x 20 series into each ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
for url in "${URLS[@]}"; do fill "$url"; done

echo "GET /metrics, $RUNS sequential curl runs each after one warm-up"
for i in "${!URLS[@]}"; do scrape "${NAMES[$i]}" "${URLS[$i]}" "${PIDS[$i]}" /metrics; done
for i in "${!URLS[@]}"; do
  scrape "${NAMES[$i]} gzip" "${URLS[$i]}" "${PIDS[$i]}" /metrics --compressed
done
echo "GET /federate?match[]=$FEDERATE, the same way"
federate="/federate?match%5B%5D=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$FEDERATE")"
for i in "${!JARS[@]}"; do scrape "${NAMES[$i]}" "${URLS[$i]}" "${PIDS[$i]}" "$federate"; done
for i in "${!URLS[@]}"; do
  echo "${NAMES[$i]}: resident memory $(($(ps -o rss= -p "${PIDS[$i]}") / 1024)) MiB"
done
# the Java heap a jar keeps between scrapes: live objects after a full collection
for i in "${!JARS[@]}"; do
  jcmd "${PIDS[$i]}" GC.run >/dev/null
  echo "${NAMES[$i]}: heap after a full GC $(jcmd "${PIDS[$i]}" GC.heap_info |
    awk 'match($0, /used [0-9]+K/) { print int(substr($0, RSTART + 5, RLENGTH - 6) / 1024); exit }') MiB"
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
