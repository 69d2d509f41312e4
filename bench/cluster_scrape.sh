#!/usr/bin/env bash
# cluster_scrape.sh - full /metrics scrape time of one store node holding every group, then of the
# same groups spread over two store nodes (each scrape asks the other node for its partitions),
# in one run on one machine.
#
#   bench/cluster_scrape.sh [JAR]          (default: app/target/kpushgateway.jar)
#
# Node 1 is the all-in-one gateway (its embedded broker on a free port); it is filled with
# $NGROUPS groups of the 20-gauge body of bench/put_load.sh and scraped $RUNS times. Then a
# store-only node 2 joins, takes half the partitions, and both are scraped $RUNS times.
# Reported: median and max wall time per scrape, page size. Every process is stopped at the end.
#
# Knobs: NGROUPS=10000 RUNS=5 PAR=4 (parallel curl fills) PARTITIONS=4
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/put_load.sh
source bench/put_load.sh

JAR=${1:-app/target/kpushgateway.jar}
NGROUPS=${NGROUPS:-10000}
RUNS=${RUNS:-5}
PAR=${PAR:-4}
PARTITIONS=${PARTITIONS:-4}
for t in curl java python3; do command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 2; }; done
[[ -f "$JAR" ]] || { echo "no jar at $JAR (mvn -B package -DskipTests)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/kpgw-cluster-scrape.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
await() { # what command...: polls until the command succeeds, 5 minutes at most
  local what=$1 deadline=$((SECONDS + 300))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { echo "timed out waiting for $what" >&2; exit 1; }
    sleep 0.5
  done
}
groups_on() { # url: groups on a full (200) page
  curl -sf "$1/metrics" | grep -c '^push_time_seconds{.*job="fill_'
}
has_groups() { [[ $(groups_on "$1") -ge $2 ]]; }

BODY="$WORK/body.txt"
put_body >"$BODY"
BROKER_PORT=$(free_port); P1=$(free_port); P2=$(free_port)
N1="http://127.0.0.1:$P1"; N2="http://127.0.0.1:$P2"
java -jar "$JAR" --web.listen-address="127.0.0.1:$P1" --data.dir="$WORK/n1" \
  --kafka.embedded-broker-port="$BROKER_PORT" --kafka.partitions="$PARTITIONS" \
  --log.level=warn >"$WORK/n1.log" 2>&1 &
PIDS+=($!)
await "node 1" curl -fs "$N1/-/ready"

log "filling $NGROUPS groups"
pids=()
for ((p = 0; p < PAR; p++)); do
  cfg="$WORK/fill_$p.cfg"; : >"$cfg"
  for ((i = p; i < NGROUPS; i += PAR)); do
    ((i > p)) && echo next >>"$cfg"
    printf 'url = "%s/metrics/job/fill_%d"\nrequest = "PUT"\ndata-binary = "@%s"\noutput = "/dev/null"\nsilent\n' \
      "$N1" "$i" "$BODY" >>"$cfg"
  done
  curl -K "$cfg" >/dev/null 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
await "$NGROUPS groups on node 1" has_groups "$N1" "$NGROUPS"

scrape() { # label url
  local times bytes
  curl -s -o /dev/null "$2/metrics" # warm
  times=$(for ((k = 0; k < RUNS; k++)); do curl -s -o /dev/null -w '%{time_total}\n' "$2/metrics"; done | sort -g)
  bytes=$(curl -s "$2/metrics" | wc -c)
  printf '%-34s median %5.0f ms   max %5.0f ms   %5.1f MB\n' "$1" \
    "$(echo "$times" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] * 1000 }')" \
    "$(echo "$times" | tail -1 | awk '{ print $1 * 1000 }')" \
    "$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')"
}
RESULTS="$WORK/results.txt"
scrape "1 store node, every partition" "$N1" >>"$RESULTS"

log "node 2 joins"
java -jar "$JAR" --web.listen-address="127.0.0.1:$P2" --data.dir="$WORK/n2" \
  --kafka.bootstrap-servers="127.0.0.1:$BROKER_PORT" --roles=store \
  --log.level=warn >"$WORK/n2.log" 2>&1 &
PIDS+=($!)
await "node 2" curl -fs "$N2/-/ready"
local_share() { [[ $(curl -sf "$N2/metrics?scope=local" | grep -c '^push_time_seconds{') -gt 0 ]]; }
await "node 2's share" local_share
await "every group through node 1" has_groups "$N1" "$NGROUPS"
await "every group through node 2" has_groups "$N2" "$NGROUPS"
scrape "2 store nodes, through node 1" "$N1" >>"$RESULTS"
scrape "2 store nodes, through node 2" "$N2" >>"$RESULTS"
printf '%-34s %s groups on node 2\n' "" "$(curl -s "$N2/metrics?scope=local" | grep -c '^push_time_seconds{')" >>"$RESULTS"

echo
echo "cluster_scrape $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $NGROUPS groups of 20 gauges, $PARTITIONS partitions, $RUNS scrapes each after one unrecorded"
cat "$RESULTS"
