#!/usr/bin/env bash
# store_disk_full.sh - a store-only node whose own disk fills: its --data.dir on a 30 MB tmpfs
# (with --data.min-free-space=0, so nothing holds pushes back), the broker on an ingest node on
# the normal disk. 120 pushes of ~770 KiB go to the ingest node; then the tmpfs grows to 200 MB.
# Reported: pushes acknowledged, the store's state while full, how many groups it serves once
# there is room (every acknowledged one, or a push was skipped) and after how long.
#
#   bench/store_disk_full.sh [JAR]          (default: app/target/kpushgateway.jar; needs root)
#   STORE_FLAGS= bench/store_disk_full.sh OLD.jar   # a build without --data.min-free-space
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-app/target/kpushgateway.jar}
PUSHES=${PUSHES:-120}
STORE_FLAGS=${STORE_FLAGS---data.min-free-space=0}
(( $(id -u) == 0 )) || { echo "needs root for mount -t tmpfs" >&2; exit 2; }
[[ -f "$JAR" ]] || { echo "no jar at $JAR (mvn -B package -DskipTests)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/kpgw-store-full.XXXXXX)
mkdir "$WORK/fs"
mount -t tmpfs -o size=30m tmpfs "$WORK/fs"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  umount "$WORK/fs" 2>/dev/null || umount -l "$WORK/fs" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
await_ready() { # await_ready PORT
  for _ in $(seq 1 300); do
    curl -fsS "127.0.0.1:$1/-/ready" >/dev/null 2>&1 && return
    sleep 0.2
  done
  echo "node on :$1 not ready" >&2; exit 1
}
INGEST=$(free_port); STORE=$(free_port); BROKER=$(free_port)
java -jar "$JAR" --web.listen-address="127.0.0.1:$INGEST" --data.dir="$WORK/ingest" \
  --kafka.embedded-broker-port="$BROKER" --roles=ingest >"$WORK/ingest.log" 2>&1 &
PIDS+=($!)
await_ready "$INGEST"
# shellcheck disable=SC2086 # STORE_FLAGS is a list of flags
java -jar "$JAR" --web.listen-address="127.0.0.1:$STORE" --data.dir="$WORK/fs/data" \
  --kafka.bootstrap-servers="127.0.0.1:$BROKER" --roles=store $STORE_FLAGS \
  >"$WORK/store.log" 2>&1 &
PIDS+=($!)
await_ready "$STORE"

awk 'BEGIN { srand(10); print "# TYPE disk_fill gauge"; for (i = 0; i < 20000; i++)
  printf "disk_fill{s=\"%05d\",v=\"%08x\"} %d\n", i, rand() * 2^32, i }' >"$WORK/body"
acked=0
for i in $(seq 1 "$PUSHES"); do
  code=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT --data-binary @"$WORK/body" \
    "127.0.0.1:$INGEST/metrics/job/s/instance/$i")
  [[ "$code" == 200 ]] && acked=$((acked + 1))
done
echo "acknowledged $acked of $PUSHES; the store's tmpfs: $(df -m --output=used,avail "$WORK/fs" |
  tail -1 | awk '{ print $1 " MB used, " $2 " MB free" }'); its /-/ready:" \
  "$(curl -sS "127.0.0.1:$STORE/-/ready")"
echo "stream threads replaced so far: $(grep -c 'stream thread failed' "$WORK/store.log" || true)"

mount -o remount,size=200m "$WORK/fs"
t0=$SECONDS
served=0
while (( SECONDS - t0 < 120 )); do
  served=$(curl -sS -G "127.0.0.1:$STORE/federate" \
    --data-urlencode 'match[]=push_time_seconds{job="s"}' 2>/dev/null |
    grep -o 'instance="[0-9]*"' | sort -u | wc -l || true)
  (( served >= acked )) && break
  sleep 1
done
echo "after the tmpfs grew: $served of $acked groups served after $((SECONDS - t0)) s; /-/ready:" \
  "$(curl -sS "127.0.0.1:$STORE/-/ready")"
echo "pushes the store skipped: $(grep -c 'Exception caught during message processing' \
  "$WORK/store.log" || true)"
