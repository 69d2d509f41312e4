#!/usr/bin/env bash
# batch_push.sh - 1,000 groups in one batch (PUT /api/v1/batch?group_by=job,instance, one Kafka
# transaction) against the same 1,000 groups as 1,000 single pushes (PUT /metrics/job/..), on one
# all-in-one gateway (embedded broker), in one run on one machine.
#
#   bench/batch_push.sh [JAR]          (default: app/target/kpushgateway.jar)
#
# Each group holds the 20 gauges of bench/put_load.sh. Each round times, until the last answer:
#   batch       one request carrying all groups (answered once the transaction committed)
#   single x1   the groups one after the other over one connection (curl -K)
#   single xPAR the groups from PAR parallel curls
# then waits until every group of the round (its value) is scraped. Reported: medians over RUNS
# rounds (after one unrecorded warm-up round), groups per second. Every process is stopped.
#
# Knobs: NGROUPS=1000 RUNS=5 PAR=4 PARTITIONS=4
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=${1:-app/target/kpushgateway.jar}
NGROUPS=${NGROUPS:-1000}
RUNS=${RUNS:-5}
PAR=${PAR:-4}
PARTITIONS=${PARTITIONS:-4}
for t in curl java python3; do command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 2; }; done
[[ -f "$JAR" ]] || { echo "no jar at $JAR (mvn -B package -DskipTests)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/kpgw-batch-push.XXXXXX)
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
    sleep 0.2
  done
}
now_ms() { date +%s%3N; }

# group_body VALUE [LABELS]: the 20 gauges of one group; LABELS (e.g. job="b",instance="i1",) first
group_body() {
  local k
  for ((k = 0; k < 20; k++)); do
    printf 'bench_metric_%02d{%skind="bench",idx="%d"} %s\n' "$k" "$2" "$k" "$1"
  done
}
batch_body() { # VALUE: every group, one TYPE line per family, series grouped by family
  python3 - "$1" "$NGROUPS" <<'PY'
import sys
value, n = sys.argv[1], int(sys.argv[2])
out = []
for k in range(20):
    out.append(f"# HELP bench_metric_{k:02d} Benchmark gauge {k}.\n# TYPE bench_metric_{k:02d} gauge\n")
    for i in range(n):
        out.append(f'bench_metric_{k:02d}{{job="batch",instance="i{i}",kind="bench",idx="{k}"}} {value}\n')
sys.stdout.write("".join(out))
PY
}
single_body() { # VALUE
  local k
  for ((k = 0; k < 20; k++)); do
    printf '# HELP bench_metric_%02d Benchmark gauge %d.\n# TYPE bench_metric_%02d gauge\nbench_metric_%02d{kind="bench",idx="%d"} %s\n' \
      "$k" "$k" "$k" "$k" "$k" "$1"
  done
}
# scraped JOB VALUE: every group of JOB shows VALUE for bench_metric_19
scraped() {
  [[ $(curl -sf "$N/metrics" | grep -c "^bench_metric_19{.*job=\"$1\".* $2\$") -ge $NGROUPS ]]
}
single_cfgs() { # JOB BODY WAYS: curl configs, one per way
  local w i
  for ((w = 0; w < $3; w++)); do
    : >"$WORK/$1_$w.cfg"
    for ((i = w; i < NGROUPS; i += $3)); do
      ((i > w)) && echo next >>"$WORK/$1_$w.cfg"
      printf 'url = "%s/metrics/job/%s/instance/i%d"\nrequest = "PUT"\ndata-binary = "@%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\nsilent\n' \
        "$N" "$1" "$i" "$2" >>"$WORK/$1_$w.cfg"
    done
  done
}
run_singles() { # JOB WAYS: prints the wall ms; fails unless every push was answered 200
  local w t0 t1 pids=()
  t0=$(now_ms)
  for ((w = 0; w < $2; w++)); do
    curl -K "$WORK/$1_$w.cfg" >"$WORK/$1_$w.codes" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  t1=$(now_ms)
  [[ $(cat "$WORK/$1"_*.codes | grep -vc '^200$') -eq 0 ]] || { echo "a single push failed" >&2; exit 1; }
  echo $((t1 - t0))
}
run_batch() { # BODYFILE: prints the wall ms; fails unless answered 200
  local t0 t1 code
  t0=$(now_ms)
  code=$(curl -s -o "$WORK/batch.out" -w '%{http_code}' -X PUT --data-binary "@$1" \
    "$N/api/v1/batch?group_by=job,instance")
  t1=$(now_ms)
  [[ $code == 200 ]] || { echo "batch answered $code: $(head -c 300 "$WORK/batch.out")" >&2; exit 1; }
  echo $((t1 - t0))
}

PORT=$(free_port)
N="http://127.0.0.1:$PORT"
java -jar "$JAR" --web.listen-address="127.0.0.1:$PORT" --data.dir="$WORK/n" \
  --kafka.embedded-broker-port="$(free_port)" --kafka.partitions="$PARTITIONS" \
  --log.level=warn >"$WORK/n.log" 2>&1 &
PIDS+=($!)
await "the gateway" curl -fs "$N/-/ready"

RESULTS="$WORK/results.txt"
: >"$RESULTS"
for ((r = 0; r <= RUNS; r++)); do
  v="$r.5"
  batch_body "$v" >"$WORK/batch.txt"
  single_body "$v" >"$WORK/single.txt"
  single_cfgs one "$WORK/single.txt" 1
  single_cfgs par "$WORK/single.txt" "$PAR"
  b=$(run_batch "$WORK/batch.txt"); await "the batch scraped" scraped batch "$v"
  s1=$(run_singles one 1); await "the single pushes scraped" scraped one "$v"
  sp=$(run_singles par "$PAR"); await "the parallel pushes scraped" scraped par "$v"
  if ((r == 0)); then log "warm-up round: batch $b ms, single x1 $s1 ms, single x$PAR $sp ms"; continue; fi
  log "round $r: batch $b ms, single x1 $s1 ms, single x$PAR $sp ms"
  echo "$b $s1 $sp" >>"$RESULTS"
done

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
report() { # label column
  local ms
  ms=$(awk -v c="$2" '{ print $c }' "$RESULTS" | median)
  printf '%-28s median %6d ms   %8.0f groups/s   (runs: %s)\n' "$1" "$ms" \
    "$(awk -v n="$NGROUPS" -v ms="$ms" 'BEGIN { print n * 1000 / ms }')" \
    "$(awk -v c="$2" '{ printf "%s ", $c }' "$RESULTS")"
}
echo
echo "batch_push $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $NGROUPS groups of 20 gauges, $PARTITIONS partitions, $RUNS rounds after one warm-up; batch body $(wc -c <"$WORK/batch.txt") bytes"
report "1 batch of $NGROUPS groups" 1
report "$NGROUPS single pushes x1" 2
report "$NGROUPS single pushes x$PAR" 3
