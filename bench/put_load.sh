# put_load.sh - sourced by the wrk benchmark scripts: the PUT they load a gateway with.
#
#   put_body >FILE            20 gauge families of one series each (bench_metric_00..19)
#   put_lua ROTATE BODY >FILE a wrk script PUTting BODY to /metrics/job/put_<i mod ROTATE>, each
#                             wrk thread starting at a random i

put_body() {
  local k
  for ((k = 0; k < 20; k++)); do
    printf '# HELP bench_metric_%02d Benchmark gauge %d.\n# TYPE bench_metric_%02d gauge\nbench_metric_%02d{kind="bench",idx="%d"} %d.5\n' \
      "$k" "$k" "$k" "$k" "$k" "$k"
  done
}

put_lua() { # rotate body-file
  echo "local rotate = $1"
  printf 'local body = [==[\n'; cat "$2"; printf ']==]\n'
  cat <<'LUA'
local i = 0
function init(args) i = math.random(0, 100000) end
wrk.headers["Content-Type"] = "text/plain; version=0.0.4"
function request()
  i = i + 1
  return wrk.format("PUT", "/metrics/job/put_" .. (i % rotate), nil, body)
end
LUA
}
