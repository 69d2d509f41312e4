# Shared by .ci/run and the .ci/*.sh checks: start the shipped jar, wait for it, stop it.
# Source it; every gateway started is stopped by stop_gateways (call it from an EXIT trap).
# KPGW_JAR runs another build (e.g. an older jar, to reproduce a defect).

GATEWAY_PIDS=()

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_gateway LOG [JVM flags...] -- [gateway flags...]: sets GW_PID; output goes to LOG.
start_gateway() {
  local log=$1 jvm=() ; shift
  while (( $# )) && [[ $1 != -- ]]; do jvm+=("$1"); shift; done
  [[ ${1:-} == -- ]] && shift
  java "${jvm[@]}" -jar "${KPGW_JAR:-$ROOT/app/target/kpushgateway.jar}" "$@" >"$log" 2>&1 &
  GW_PID=$!
  GATEWAY_PIDS+=("$GW_PID")
}

# await_ready URL LOG [curl flags...]: polls URL/-/ready until 200, for at most 120 s.
await_ready() {
  local url=$1 log=$2 t0=$EPOCHREALTIME deadline=$((SECONDS + 120)); shift 2
  until curl -fsS "$@" "$url/-/ready" >/dev/null 2>&1; do
    if ! kill -0 "$GW_PID" 2>/dev/null || (( SECONDS > deadline )); then
      echo "gateway did not become ready; its log:"; cat "$log"; return 1
    fi
    sleep 0.2
  done
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "ready after %.1f s\n", b - a }'
}

# stop_gateway PID: SIGTERM, then SIGKILL after 10 s.
stop_gateway() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

stop_gateways() {
  local pid
  for pid in "${GATEWAY_PIDS[@]}"; do stop_gateway "$pid"; done
}

# expect NAME WANT GOT: one line per check; a mismatch counts into FAILED.
FAILED=0
expect() {
  if [[ $2 == "$3" ]]; then
    echo "ok   $1"
  else
    echo "FAIL $1: want $2, got $3"; FAILED=$((FAILED + 1))
  fi
}
