#!/usr/bin/env bash
# End to end through a real Lambda runtime emulator: `cargo lambda watch` serves the Runtime
# API and function URLs on loopback; the Connect starter is invoked with `cargo lambda invoke`
# and the API Gateway starter is called through its function URL with curl, asserting the
# real HTTP status line, headers and problem bodies. Stops every process it started.
# Needs cargo-lambda (`pip install cargo-lambda==1.9.2`, or `cargo install cargo-lambda --locked`) and curl.
set -euo pipefail
cd "$(dirname "$0")/../.."

port="${E2E_PORT:-19321}"
base="http://127.0.0.1:$port"
log="$(mktemp)"
failures=0

cargo build --quiet -p connect-customer-lookup -p apigw-rest-api

# setsid: the emulator and the functions it starts form one process group, stopped together.
setsid cargo lambda watch --invoke-address 127.0.0.1 --invoke-port "$port" >"$log" 2>&1 &
watch_pid=$!
stop() {
  kill -TERM -- "-$watch_pid" 2>/dev/null || true
  sleep 1
  kill -KILL -- "-$watch_pid" 2>/dev/null || true
  wait "$watch_pid" 2>/dev/null || true
}
trap stop EXIT

for _ in $(seq 1 240); do
  if curl -s -o /dev/null "$base/" 2>/dev/null; then break; fi
  if ! kill -0 "$watch_pid" 2>/dev/null; then echo "cargo lambda watch exited:"; cat "$log"; exit 1; fi
  sleep 0.5
done

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# --- Amazon Connect, through the emulated Invoke API ---------------------------------------
invoke() { # function event-file -> stdout of `cargo lambda invoke`, and its exit status
  cargo lambda invoke "$1" --invoke-address 127.0.0.1 --invoke-port "$port" --data-file "$2" 2>&1
}
events=examples/connect-customer-lookup/events

out="$(invoke connect-customer-lookup "$events/found.json")" || fail "found: exit $?: $out"
case "$out" in *'"found":"true"'*'"accountId":"A-1001"'*) ;; *) fail "found: $out" ;; esac

out="$(invoke connect-customer-lookup "$events/not-found.json")" || fail "not found: exit $?: $out"
case "$out" in *'{"found":"false"}'*) ;; *) fail "not found: $out" ;; esac

if out="$(invoke connect-customer-lookup "$events/missing-parameter.json")"; then
  fail "missing parameter succeeded: $out"
fi
case "$out" in *MissingParameter*'missing parameter `phone`'*) ;; *) fail "missing parameter: $out" ;; esac

# --- API Gateway, through the emulated function URL ---------------------------------------
url="$base/lambda-url/apigw-rest-api"
request() { # expected-status method path [curl args...]
  local expected="$1" method="$2" path="$3"
  shift 3
  local headers body status
  headers="$(mktemp)"
  body="$(curl -s -X "$method" -D "$headers" "$url$path" "$@")"
  status="$(head -n 1 "$headers" | tr -d '\r')"
  case "$status" in
    "HTTP/1.1 $expected "*) ;;
    *) fail "$method $path: expected $expected, got '$status' body: $body" ;;
  esac
  RESPONSE_HEADERS="$(tr -d '\r' <"$headers")"
  RESPONSE_BODY="$body"
  rm -f "$headers"
}
expect_header() { # name value
  grep -qi "^$1: $2" <<<"$RESPONSE_HEADERS" || fail "missing header '$1: $2' in: $RESPONSE_HEADERS"
}
expect_body() { # substring
  [[ "$RESPONSE_BODY" == *"$1"* ]] || fail "body lacks '$1': $RESPONSE_BODY"
}

json='{"id":"grace","name":"Grace Hopper","email":"grace@example.com"}'
request 200 GET /users/ada
expect_header content-type application/json
expect_body '"name":"Ada Lovelace"'

request 201 POST /users -H 'content-type: application/json' --data "$json"
expect_body '"id":"grace"'

request 204 DELETE /users/grace
[[ -z "$RESPONSE_BODY" ]] || fail "204 with a body: $RESPONSE_BODY"

request 400 POST /users -H 'content-type: application/json' --data '{"id":'
expect_header content-type application/problem+json
expect_body '"status":400'

request 404 GET /users/nobody
expect_header content-type application/problem+json
expect_body '"detail":"no user `nobody`"'

request 415 POST /users --data "$json" -H 'content-type: text/plain'
expect_body '"status":415'

request 422 POST /users -H 'content-type: application/json' --data '{"id":"x"}'
expect_body '"status":422'

request 500 GET /users/outage
expect_header content-type application/problem+json
expect_body 'The server could not complete the request'
[[ "$RESPONSE_BODY" != *10.0.3.7* ]] || fail "internal text reached the client: $RESPONSE_BODY"

if [ "$failures" -ne 0 ]; then
  echo "--- cargo lambda watch log ---"
  tail -n 60 "$log"
  echo "$failures end-to-end check(s) failed"
  exit 1
fi
echo "end to end: all checks passed (Connect via cargo lambda invoke: 3; function URL: 8 statuses)"
