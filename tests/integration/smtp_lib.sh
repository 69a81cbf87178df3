# smtp_lib.sh — the SMTP sink for the email tests (sourced after lib.sh): installs
# tests/smtp-sink, starts sinks (start_sink), stops them at exit, and reads a captured
# message (mail_json).
# shellcheck shell=bash

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
sink_dir=$root/tests/smtp-sink
command -v node >/dev/null 2>&1 || fail "node (v20 or later) is required for the SMTP sink"
command -v openssl >/dev/null 2>&1 || fail "openssl is required to make the sink's certificate"
"$sink_dir/install" || fail "could not install the SMTP sink's node_modules"

pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  rm -f "$_errfile"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_sink NAME [ARGS...]: starts the sink writing into NAME/, sets sink_port.
start_sink() {
  local name=$1 i
  shift
  node "$sink_dir/sink.mjs" --port 0 --dir "$name" "$@" >"$name.port" 2>"$name.err" &
  pids+=($!)
  for ((i = 0; i < 100; i++)); do
    sink_port=$(head -n 1 "$name.port" 2>/dev/null || true)
    [[ -n $sink_port ]] && return 0
    sleep 0.1
  done
  cat "$name.err" >&2
  fail "the SMTP sink $name did not start"
}

# mail_json FILE: the message's headers (decoded) and its decoded text body as JSON,
# from Python's email parser (one run: importing it is the slow part).
mail_json() {
  python3 - "$1" <<'PY'
import sys, json, email, email.policy
with open(sys.argv[1], 'rb') as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
h = {k.lower(): str(v) for k, v in m.items()}
h['content_type_charset'] = f'{m.get_content_type()} {m.get_content_charset()}'
h['body'] = m.get_content() if not m.is_multipart() else ''
print(json.dumps(h))
PY
}

