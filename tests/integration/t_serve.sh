#!/usr/bin/env bash
# t_serve.sh — `arrears serve` as an operator runs it: the INI config file and its
# flags, /healthz, the access log, static files (and path traversal refused), body
# limits, security headers, and a graceful stop on SIGTERM that lets a request in
# flight finish. The API itself is tested by tests/api.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ok arrears init
ok arrears demo --accounts 50 --seed 3
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p www/assets
printf '<!doctype html><title>arrears</title>\n' >www/index.html
printf 'console.log(1)\n' >www/assets/app-1234.js
printf 'secret\n' >outside.txt
ln -s ../outside.txt www/link.txt

step "config file: errors name the file and line; flags override keys"
printf '[server]\nlisten = 127.0.0.1:1\nbogus = 1\n' >bad.ini
fails 1 arrears serve --config bad.ini
contains "bad.ini line 3" "$errout"
contains "bogus" "$errout"
printf '[server]\nthreads = zero\n' >bad2.ini
fails 1 arrears serve --config bad2.ini
contains "line 2" "$errout"
fails 1 arrears serve --config missing.ini
fails 2 arrears serve --threads 0
fails 2 arrears serve --listen nonsense
cat >good.ini <<INI
; the operator's file
[server]
listen = 127.0.0.1:1
threads = 2
static_dir = www
access_log = access.log
max_body_bytes = 2048
[database]
url = $ARREARS_DB
key_file = $ARREARS_KEY_FILE
INI

"$ARREARS" serve --config good.ini --listen "127.0.0.1:$port" 2>serve.err &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
ok curl -fsS "http://127.0.0.1:$port/healthz"
assert_eq ok "$(json_get "$output" .status)" "healthz"
contains "listening on http://127.0.0.1:$port (2 threads)" "$(<serve.err)"

step "static files, client routes, traversal and symlinks refused, headers"
ok curl -fsS "http://127.0.0.1:$port/"
contains "<title>arrears</title>" "$output"
ok curl -fsS "http://127.0.0.1:$port/work/queue"
contains "<title>arrears</title>" "$output"
ok curl -sS -D - -o /dev/null "http://127.0.0.1:$port/assets/app-1234.js"
contains "max-age=31536000" "$output"
contains "X-Content-Type-Options: nosniff" "$output"
contains "Content-Security-Policy:" "$output"
for p in /../outside.txt /assets/../../outside.txt /%2e%2e/outside.txt /link.txt /assets/missing.js; do
  _run curl -sS --path-as-is -o body -w '%{http_code}' "http://127.0.0.1:$port$p"
  assert_eq 404 "$output" "GET $p"
  not_contains secret "$(<body)"
done
_run curl -sS -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/index.html"
assert_eq 405 "$output" "POST to a file"

step "API basics: 401 shape, no-store, body limit 413"
_run curl -sS -D headers -o body -w '%{http_code}' "http://127.0.0.1:$port/api/v1/accounts"
assert_eq 401 "$output" "anonymous"
assert_eq unauthenticated "$(jq -r .error.code body)" "error code"
contains "no-store" "$(<headers)"
head -c 5000 /dev/zero | tr '\0' 'x' >big.json
_run curl -sS -o body -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary @big.json "http://127.0.0.1:$port/api/v1/session"
assert_eq 413 "$output" "oversized body"
assert_eq too_large "$(jq -r .error.code body)" "413 code"
_run curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/nothing"
assert_eq 404 "$output" "unknown route"
_run curl -sS -o /dev/null -w '%{http_code}' -X PUT "http://127.0.0.1:$port/api/v1/accounts"
assert_eq 405 "$output" "wrong method"

step "access log: one line per request, with the user"
ok curl -fsS -c jar -H 'Content-Type: application/json' \
  -d '{"username":"alice","password":"arrears-demo"}' "http://127.0.0.1:$port/api/v1/session"
ok curl -fsS -b jar "http://127.0.0.1:$port/api/v1/work/next"
sleep 0.2
matches '127\.0\.0\.1 alice "GET /api/v1/work/next" 200' "$(<access.log)"
matches '127\.0\.0\.1 - "GET /api/v1/accounts" 401' "$(<access.log)"

step "SIGTERM: a slow request in flight finishes, then the server exits 0"
# A body streamed slowly (curl -T - sends stdin as it comes, chunked) keeps one
# request in flight while the signal arrives.
( { printf '{"username":"alice",'; sleep 1; printf '"password":"arrears-demo"}'; } |
  curl -sS -o slow.out -w '%{http_code}' -H 'Content-Type: application/json' \
    -X POST -T - "http://127.0.0.1:$port/api/v1/session" >slow.code ) &
slow=$!
sleep 0.4
kill -TERM $pid
wait $slow
assert_eq 200 "$(<slow.code)" "request in flight during shutdown"
rc=0
wait $pid || rc=$?
trap - EXIT
assert_eq 0 "$rc" "server exit status"
contains "SIGTERM received" "$(<serve.err)"
contains "stopped" "$(<serve.err)"
_run curl -sS "http://127.0.0.1:$port/healthz"
[[ $rc != 0 ]] || fail "the server still answers after SIGTERM"
ok arrears audit verify
