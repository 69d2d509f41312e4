#!/usr/bin/env bash
# The shipped jar with a web config (TLS with a self-signed certificate, basic auth): a push and
# a scrape with and without credentials. Tests the fat jar, not the test classpath: a library
# missing from the jar (issue 10: snakeyaml) stops the start here.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source .ci/lib.sh
WORK=$(mktemp -d /tmp/kpgw-webcfg.XXXXXX)
trap 'stop_gateways; rm -rf "$WORK"' EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
# bcrypt("ci-secret"), cost 10 (htpasswd -nbBC 10 ci ci-secret makes another valid one)
cat >"$WORK/web.yml" <<YAML
tls_server_config:
  cert_file: cert.pem
  key_file: key.pem
basic_auth_users:
  ci: \$2a\$10\$Jd7rmDZtEGh1a.wndCaGS.mDXxom4uY4hMCTIMdD4M8TmDRgZQVoS
YAML

PORT=$(free_port)
URL=https://127.0.0.1:$PORT
echo "== the jar with TLS and basic auth on $URL"
start_gateway "$WORK/gateway.log" -- --web.listen-address="127.0.0.1:$PORT" \
  --data.dir="$WORK/data" --web.config.file="$WORK/web.yml"
TLS=(--cacert "$WORK/cert.pem")
AUTH=(-u ci:ci-secret)
await_ready "$URL" "$WORK/gateway.log" "${TLS[@]}" "${AUTH[@]}"

status() { curl -s -o /dev/null -w '%{http_code}' "${TLS[@]}" "$@"; }
body='# TYPE ci_web_config gauge
ci_web_config 1
'
expect "push without credentials is 401" 401 \
  "$(status -X PUT --data-binary "$body" "$URL/metrics/job/webcfg")"
expect "push with a wrong password is 401" 401 \
  "$(status -u ci:wrong -X PUT --data-binary "$body" "$URL/metrics/job/webcfg")"
expect "push with credentials is 200" 200 \
  "$(status "${AUTH[@]}" -X PUT --data-binary "$body" "$URL/metrics/job/webcfg")"
expect "scrape without credentials is 401" 401 "$(status "$URL/metrics")"
page=$(curl -fsS "${TLS[@]}" "${AUTH[@]}" "$URL/metrics")
expect "scrape with credentials serves the push" 'ci_web_config{instance="",job="webcfg"} 1' \
  "$(grep '^ci_web_config' <<<"$page")"
expect "plain HTTP on the TLS port is refused" no \
  "$(curl -fsS -o /dev/null "${AUTH[@]}" "http://127.0.0.1:$PORT/metrics" 2>/dev/null && echo yes || echo no)"
if (( FAILED )); then
  echo "== gateway log (last 50 lines)"; tail -n 50 "$WORK/gateway.log"; exit 1
fi
