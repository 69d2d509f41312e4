# lib.sh - sourced by the bench scripts: starting, filling and measuring gateways.
#
#   free_port                  a free TCP port on 127.0.0.1
#   wait_ready URL [PID]       poll URL/-/ready (2 min deadline; fails early when PID is gone)
#   fill URL FROM TO BODY      PUT BODY to URL/metrics/job/fill_<i> for i in [FROM, TO), PAR curls
#   await_groups URL N         poll until N fill_ groups are on URL's /metrics (5 min deadline)
#   cpu_ticks PID              utime + stime of the whole process, in clock ticks
#   rss_mib PID                resident memory
#   heap_after_gc_mib PID      the Java heap used right after a full collection (jcmd)

PAR=${PAR:-4}
TICKS=$(getconf CLK_TCK)

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_ready() { # url [pid]
  local deadline=$((SECONDS + 120))
  until curl -fsS "$1/-/ready" >/dev/null 2>&1; do
    if { [[ -n ${2:-} ]] && ! kill -0 "$2" 2>/dev/null; } || ((SECONDS > deadline)); then
      echo "$1 did not become ready" >&2
      return 1
    fi
    sleep 0.2
  done
}

fill() { # url from to body
  local url=$1 from=$2 to=$3 body=$4 p i cfg pids=() cfgs=()
  for ((p = 0; p < PAR; p++)); do
    cfg=$(mktemp "${TMPDIR:-/tmp}/fill.XXXXXX")
    cfgs+=("$cfg")
    for ((i = from + p; i < to; i += PAR)); do
      ((i > from + p)) && echo next
      printf 'url = "%s/metrics/job/fill_%d"\nrequest = "PUT"\ndata-binary = "@%s"\noutput = "/dev/null"\nsilent\n' \
        "$url" "$i" "$body"
    done >"$cfg"
    if [[ -s "$cfg" ]]; then
      curl -K "$cfg" >/dev/null 2>&1 &
      pids+=($!)
    fi
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
  rm -f "${cfgs[@]}"
}

count_groups() { curl -s "$1/metrics" | grep -c '^push_time_seconds{.*job="fill_' || true; }

await_groups() { # url n
  local deadline=$((SECONDS + 300)) n=0
  while ((SECONDS < deadline)); do
    n=$(count_groups "$1")
    ((n >= $2)) && return 0
    sleep 1
  done
  echo "$1: only $n of $2 groups visible" >&2
  return 1
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

rss_mib() { echo $(($(ps -o rss= -p "$1") / 1024)); }

heap_after_gc_mib() {
  jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info |
    awk 'match($0, /used [0-9]+K/) { print int(substr($0, RSTART + 5, RLENGTH - 6) / 1024); exit }'
}
