#!/usr/bin/env bash
# Disk full (issue 10, point 2): the all-in-one jar with --data.dir on a small tmpfs, pushed
# ~840 KB bodies until it refuses. The refusal must be a 503 with Retry-After naming the data
# directory, the free space and the flag; /metrics keeps answering and the process lives; once a
# filler file is deleted, pushes are taken again by themselves, and every acknowledged push is
# served. Prints the numbers of the run (acknowledged pushes, peak RSS, scrape and resume times).
# Needs root for `mount -t tmpfs`; otherwise prints a SKIP line and exits 0.
#   JAR=/path/to/other.jar .ci/disk_full.sh     # the same run against another build
#   SIZE_MB=260 FILLER_MB=40 SERIES=20000 GW_FLAGS='--data.min-free-space=20MiB' ...
#   KEEP_LOG=/tmp/gateway.log ...                  # keep the gateway's log
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-app/target/kpushgateway.jar}
SIZE_MB=${SIZE_MB:-260}
FILLER_MB=${FILLER_MB:-40}
SERIES=${SERIES:-20000}
MAX_PUSHES=${MAX_PUSHES:-400}
GW_FLAGS=${GW_FLAGS:-}
RESUME_DEADLINE_S=${RESUME_DEADLINE_S:-20}

if (( $(id -u) != 0 )); then
  echo "SKIP disk_full: not root, cannot mount a small tmpfs"
  exit 0
fi
WORK=$(mktemp -d /tmp/kpgw-disk.XXXXXX)
MNT=$WORK/fs
mkdir "$MNT"
if ! mount -t tmpfs -o "size=${SIZE_MB}m" tmpfs "$MNT" 2>"$WORK/mount.err"; then
  echo "SKIP disk_full: mount -t tmpfs failed: $(cat "$WORK/mount.err")"
  rm -rf "$WORK"
  exit 0
fi
GW_PID=
WATCH_PID=
cleanup() {
  [[ -n "$WATCH_PID" ]] && kill "$WATCH_PID" 2>/dev/null || true
  if [[ -n "$GW_PID" ]] && kill -0 "$GW_PID" 2>/dev/null; then
    kill -TERM "$GW_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$GW_PID" 2>/dev/null || true
  fi
  [[ -n "${KEEP_LOG:-}" && -f "$WORK/gateway.log" ]] && cp "$WORK/gateway.log" "$KEEP_LOG"
  umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

passed=0
failed=0
check() { # check NAME COMMAND...: one line per check, counted for the closing line
  local name=$1; shift
  if "$@"; then
    echo "PASS $name"; passed=$((passed + 1))
  else
    echo "FAIL $name"; failed=$((failed + 1))
  fi
}
finish() {
  echo "disk_full: $passed passed, $failed failed"
  if (( failed )); then echo "== gateway log (last 40 lines)"; tail -n 40 "$WORK/gateway.log"; fi
  exit $(( failed ? 1 : 0 ))
}

# Freed later to give the space back; fallocate takes the pages at once on tmpfs.
(( FILLER_MB > 0 )) && fallocate -l "${FILLER_MB}M" "$MNT/filler"
# ~42 bytes a series of distinct label values: the push log compresses it little
awk -v n="$SERIES" 'BEGIN { srand(10); print "# TYPE disk_fill gauge";
  for (i = 0; i < n; i++) printf "disk_fill{s=\"%05d\",v=\"%08x\"} %d\n", i, rand() * 2^32, i }' \
  >"$WORK/body"
echo "== $JAR on a ${SIZE_MB} MB tmpfs (${FILLER_MB} MB filler)," \
  "pushes of $(( $(stat -c %s "$WORK/body") / 1024 )) KiB"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
# shellcheck disable=SC2086 # GW_FLAGS is a list of flags
java -jar "$JAR" --web.listen-address="127.0.0.1:$PORT" --data.dir="$MNT/data" $GW_FLAGS \
  >"$WORK/gateway.log" 2>&1 &
GW_PID=$!
# VmHWM is the peak resident set; keep its last value while the process lives
(while kill -0 "$GW_PID" 2>/dev/null; do
   hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$GW_PID/status" 2>/dev/null) && [[ -n "$hwm" ]] &&
     echo "$hwm" >"$WORK/hwm"
   sleep 0.2
 done) &
WATCH_PID=$!
deadline=$((SECONDS + 120))
until curl -fsS "$URL/-/ready" >/dev/null 2>&1; do
  if ! kill -0 "$GW_PID" 2>/dev/null || (( SECONDS > deadline )); then
    echo "gateway did not become ready; its log:"; cat "$WORK/gateway.log"; exit 1
  fi
  sleep 0.2
done
peak_mib() { echo $(( $(cat "$WORK/hwm" 2>/dev/null || echo 0) / 1024 )); }
free_mib() { df -m --output=avail "$MNT" | tail -1 | tr -d ' '; }

push() { # push GROUP: the HTTP status, or 000 when the connection failed
  curl -sS -o "$WORK/answer" -D "$WORK/headers" -w '%{http_code}' -X PUT --max-time 60 \
    --data-binary @"$WORK/body" "$URL/metrics/job/disk_full/instance/$1" 2>"$WORK/curl.err" ||
    true
}

acked=0
code=
t0=$SECONDS
for i in $(seq 1 "$MAX_PUSHES"); do
  code=$(push "$i")
  [[ "$code" == 200 ]] || break
  acked=$i
done
echo "after $acked acknowledged pushes ($(( SECONDS - t0 )) s, $(free_mib) MB free): answer" \
  "$code $(head -c 300 "$WORK/answer" 2>/dev/null | tr '\n' ' ')$(cat "$WORK/curl.err")"
echo "peak RSS so far: $(peak_mib) MiB"
alive() { kill -0 "$GW_PID" 2>/dev/null; }
check "the gateway process is alive" alive
if ! alive; then
  echo "gateway died; its log (last 20 lines):"; tail -n 20 "$WORK/gateway.log"
  finish
fi
check "the refusal is a 503" test "$code" = 503
check "with Retry-After" grep -qi '^Retry-After: [0-9]' "$WORK/headers"
check "naming the data directory, the free space and the flag" \
  grep -q "$MNT/data.*free.*--data.min-free-space" "$WORK/answer"
check "/-/ready answers 503 with the reason" \
  bash -c "[[ \$(curl -sS -o '$WORK/ready' -w '%{http_code}' '$URL/-/ready') == 503 ]] &&
    grep -q 'free' '$WORK/ready'"
t=$EPOCHREALTIME
scrape=$(curl -sS -o "$WORK/page" -w '%{http_code}' "$URL/metrics" || true)
awk -v a="$t" -v b="$EPOCHREALTIME" -v s="$(stat -c %s "$WORK/page")" \
  'BEGIN { printf "scrape while refusing: %.1f s, %d MB\n", b - a, s / 1e6 }'
check "/metrics answers 200 while refusing" test "$scrape" = 200
check "the self-metric says pushes are refused" \
  grep -q '^kpushgateway_pushes_refused{reason="data_dir_full"} 1' "$WORK/page"

resumed=no
free_and_push() { # free_and_push GROUP SECONDS WHAT: deletes the filler, pushes until a 200
  rm -f "$MNT/filler"
  local t=$EPOCHREALTIME deadline=$((SECONDS + $2))
  resumed=no
  while (( SECONDS < deadline )); do
    if [[ $(push "$1") == 200 ]]; then resumed=yes; break; fi
    sleep 0.1
  done
  awk -v a="$t" -v b="$EPOCHREALTIME" -v r="$resumed" -v what="$3" \
    'BEGIN { printf "%s: %s, %.1f s after the space was freed\n", what, r, b - a }'
}
free_and_push resumed "$RESUME_DEADLINE_S" "pushes taken again"
check "pushes are taken again within ${RESUME_DEADLINE_S} s of freeing space" test "$resumed" = yes
check "/-/ready answers 200 again" curl -fsS -o /dev/null "$URL/-/ready"
# every acknowledged push is served: one push_time_seconds per group
served() { # served GROUP...: all of them on the page within 20 s
  local deadline=$((SECONDS + 20))
  while :; do
    curl -sS -G "$URL/federate" --data-urlencode 'match[]=push_time_seconds{job="disk_full"}' \
      | grep -o 'instance="[a-z0-9]*"' | sort -u >"$WORK/served"
    missing=0
    for g in "$@"; do grep -qx "instance=\"$g\"" "$WORK/served" || missing=$((missing + 1)); done
    (( missing == 0 )) && return 0
    (( SECONDS < deadline )) || return 1
    sleep 0.5
  done
}
acked_groups=("$(seq -s ' ' 1 "$acked")")
# shellcheck disable=SC2068 # one word per group
served ${acked_groups[@]} resumed || true
echo "served $(wc -l <"$WORK/served") groups, $missing acknowledged ones missing"
check "every acknowledged push is served" test "$missing" = 0

# The disk fills anyway (another process writes it full): Kafka fails its log directory. The
# process lives, serves scrapes from its store and refuses pushes; once the space is back it
# restarts the broker by itself.
cat /dev/zero >"$MNT/filler" 2>/dev/null || true
refusing() { # refusing REASON: the self-metric says so
  curl -sS -G "$URL/federate" --data-urlencode 'match[]=kpushgateway_pushes_refused' |
    grep -q "^kpushgateway_pushes_refused{reason=\"$1\"} 1"
}
deadline=$((SECONDS + 30))
until refusing embedded_broker_failed || (( SECONDS > deadline )); do sleep 0.2; done
broker_failed_and_alive() { refusing embedded_broker_failed && alive; }
check "a full disk fails the embedded broker, and the process lives" broker_failed_and_alive
alive || finish
check "/metrics still serves every group" served ${acked_groups[@]} resumed
code=$(push broker_failed)
check "pushes are refused with a 503 meanwhile" test "$code" = 503
check "/-/ready names the failed broker" \
  bash -c "curl -sS '$URL/-/ready' | grep -q 'Kafka stopped the embedded broker'"
free_and_push restarted 60 "broker restarted, pushes taken again"
check "the broker restarts by itself and pushes are taken again" test "$resumed" = yes
check "/-/ready answers 200 after the restart" curl -fsS -o /dev/null "$URL/-/ready"
served ${acked_groups[@]} resumed restarted || true
echo "served $(wc -l <"$WORK/served") groups, $missing acknowledged ones missing"
check "every acknowledged push is served after the restart" test "$missing" = 0
check "the gateway process is alive at the end" alive
echo "peak RSS: $(peak_mib) MiB"
finish
