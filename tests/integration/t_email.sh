#!/usr/bin/env bash
# t_email.sh — email over SMTP, end to end: `arrears email test` sends through a local
# SMTP sink (tests/smtp-sink: STARTTLS with a self-signed certificate made here, AUTH
# with a password file); the message at the sink has the headers, body and opt-out
# link it should, over TLS, as the configured user; the link's page works in
# `arrears serve` (GET shows the masked address and a button, POST stops emails, again
# says already stopped, a one-click POST works, unknown tokens get a 404 that tells
# nothing); afterwards the compliance engine refuses email with EMAIL_OPT_OUT. Then the
# failures: a wrong password, a server without STARTTLS while TLS is required, bad
# configuration naming the variable, and a debtor's name with a line break (header
# injection) refused cleanly.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# shellcheck source=tests/integration/smtp_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/smtp_lib.sh"

step "setup: two accounts with addresses and emails, the sink's certificate"
ok arrears init
ok arrears client add ACME --name "Acme Bank"
csv_file p.csv "client_account,first_name,last_name,ssn,principal,address1,city,state,zip,email" \
  "E-1,Ann,Lee,111-22-3333,100.00,12 Elm St,Tulsa,OK,74103,ann.lee@example.com" \
  "E-2,Bob,Day,222-33-4444,200.00,3 Oak Ave,Tulsa,OK,74104,bob.day@example.com" \
  "E-3,Ann,Lee,111-22-3333,60.00,12 Elm St,Tulsa,OK,74103,ann.lee@example.com"
ok arrears import placements p.csv --client ACME
contains "loaded 3" "$output"
id1=$(account_id ACME:E-1)
id2=$(account_id ACME:E-2)
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 \
  -keyout key.pem -out cert.pem >/dev/null 2>&1 || fail "openssl could not make a certificate"
printf 'sink password\n' >smtp.pw
chmod 600 smtp.pw

step "without ARREARS_SMTP_URL email is off"
unset ARREARS_SMTP_URL ARREARS_SMTP_USER ARREARS_SMTP_PASSWORD ARREARS_SMTP_PASSWORD_FILE \
  ARREARS_SMTP_FROM ARREARS_SMTP_FROM_NAME ARREARS_SMTP_TLS ARREARS_SMTP_CA_FILE \
  ARREARS_SMTP_TIMEOUT_MS ARREARS_PUBLIC_URL
fails 1 arrears email test "$id1" --to ann.lee@example.com
contains "SMTP not configured" "$errout"
fails 2 arrears email test "$id1"

step "a message through the sink: STARTTLS, AUTH, headers, body, opt-out link"
start_sink mail --key key.pem --cert cert.pem --user arrears --password "sink password"
http_port=$(free_port)
export ARREARS_SMTP_URL="smtp://localhost:$sink_port" ARREARS_SMTP_USER=arrears \
  ARREARS_SMTP_PASSWORD_FILE="$PWD/smtp.pw" ARREARS_SMTP_FROM=notices@agency.example \
  ARREARS_SMTP_FROM_NAME="Acme Recovery" ARREARS_SMTP_CA_FILE="$PWD/cert.pem" \
  ARREARS_SMTP_TIMEOUT_MS=10000 ARREARS_PUBLIC_URL="http://127.0.0.1:$http_port/"
ok arrears email test "$id1" --to ANN.LEE@example.com --json
assert_eq "ann.lee@example.com" "$(json_get "$output" .to)" "recipient"
msgid=$(json_get "$output" .message_id)
matches '^test\.[0-9a-f]{16}@agency\.example$' "$msgid"
[[ -f mail/1.json && -f mail/1.eml ]] || fail "the sink has no message"
assert_eq "notices@agency.example" "$(json_get mail/1.json .from)" "envelope sender"
assert_eq "ann.lee@example.com" "$(json_get mail/1.json '.to | join(",")')" "envelope recipients"
assert_eq "arrears" "$(json_get mail/1.json .authUser)" "authenticated as"
assert_eq "true" "$(json_get mail/1.json .secure)" "the session was TLS"
raw=$(<mail/1.eml)
mail_json mail/1.eml >mail1.json
assert_eq "Acme Recovery <notices@agency.example>" "$(json_get mail1.json .from)" "From"
assert_eq "Ann Lee <ann.lee@example.com>" "$(json_get mail1.json .to)" "To"
assert_eq "Test message from arrears" "$(json_get mail1.json .subject)" "Subject"
assert_eq "Mon, 23 Nov 2026 15:00:00 +0000" "$(json_get mail1.json .date)" "Date"
assert_eq "<$msgid>" "$(json_get mail1.json '.["message-id"]')" "Message-ID"
assert_eq "1.0" "$(json_get mail1.json '.["mime-version"]')" "MIME-Version"
assert_eq "text/plain utf-8" "$(json_get mail1.json .content_type_charset)" "Content-Type"
matches $'^Content-Type: text/plain; charset=UTF-8\r?$' "$raw"
assert_eq "List-Unsubscribe=One-Click" "$(json_get mail1.json '.["list-unsubscribe-post"]')" \
  "List-Unsubscribe-Post"
unsub=$(json_get mail1.json '.["list-unsubscribe"]')
matches "^<http://127\.0\.0\.1:$http_port/optout/[A-Za-z0-9_-]{43}>\$" "$unsub"
url=${unsub#<}
url=${url%>}
token=${url##*/}
body=$(json_get mail1.json .body)
contains "This is a test message from arrears" "$body"
contains "$url" "$body"
# Every line ends CRLF (the sink keeps the bytes as sent).
[[ $(grep -c $'\r$' mail/1.eml) == $(wc -l <mail/1.eml) ]] || fail "a line of the message does not end with CRLF"
ok arrears audit list --action email.test
contains "email.test" "$output"
not_contains "$token" "$output"

step "arrears serve: the opt-out page"
ok arrears contact check "$id1" --channel email --to ann.lee@example.com --at 2026-11-23T15:00:00Z --json
assert_eq true "$(json_get "$output" .allowed)" "email allowed before the opt-out"
"$ARREARS" serve --listen "127.0.0.1:$http_port" 2>serve.err &
pids+=($!)
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$http_port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
ok curl -fsS "http://127.0.0.1:$http_port/healthz"
_run curl -sS -D headers -o page.html -w '%{http_code}' "$url"
assert_eq 200 "$output" "GET the link"
contains "a***@example.com" "$(<page.html)"
not_contains "ann.lee" "$(<page.html)"
contains "Stop emails from us" "$(<page.html)"
contains '<form method="post">' "$(<page.html)"
matches '^Content-Type: text/html; charset=utf-8' "$(<headers)"
matches '^Cache-Control: no-store' "$(<headers)"
_run curl -sS -o page.html -w '%{http_code}' -X POST -d 'List-Unsubscribe=One-Click' "$url"
assert_eq 200 "$output" "POST the link"
contains "Emails stopped" "$(<page.html)"
contains "a***@example.com" "$(<page.html)"
_run curl -sS -o page.html -w '%{http_code}' -X POST "$url"
assert_eq 200 "$output" "POST the link again"
contains "already stopped" "$(<page.html)"
_run curl -sS -o page.html -w '%{http_code}' "$url"
assert_eq 200 "$output" "GET the used link"
contains "already stopped" "$(<page.html)"
not_contains "<form" "$(<page.html)"

step "unknown and malformed tokens: the same 404 page"
_run curl -sS -o unknown.html -w '%{http_code}' "http://127.0.0.1:$http_port/optout/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
assert_eq 404 "$output" "unknown token"
for t in short "$(head -c 3000 /dev/zero | tr '\0' 'A')" "${token}/x" "${token:0:42}." "%00"; do
  _run curl -sS -o bad.html -w '%{http_code}' -X POST "http://127.0.0.1:$http_port/optout/$t"
  assert_eq 404 "$output" "malformed token ${t:0:50}"
  cmp -s bad.html unknown.html || fail "the 404 for ${t:0:50} differs from the unknown token's"
done
not_contains "example.com" "$(<unknown.html)"
_run curl -sS -o /dev/null -w '%{http_code}' -X DELETE "$url"
assert_eq 405 "$output" "DELETE"
sleep 0.2
not_contains "$token" "$(<serve.err)"
contains "/optout/(token)" "$(<serve.err)"

step "the compliance engine now refuses email to the account: EMAIL_OPT_OUT"
ok arrears contact check "$id1" --channel email --to ann.lee@example.com --at 2026-11-23T15:00:00Z --json
assert_eq false "$(json_get "$output" .allowed)" "email allowed after the opt-out"
contains EMAIL_OPT_OUT "$(json_get "$output" '[.reasons[].code] | join(" ")')"
ok arrears account show "$id1" --json
assert_eq revoked "$(json_get "$output" '.emails[0].consent')" "the address's consent"
assert_eq "consent unknown revoked optout" \
  "$(json_get "$output" '.emails[0].history[0] | "\(.field) \(.old) \(.new) \(.source)"')" "consent history"
ok arrears audit list --action email.opt_out
contains "optout" "$output"
assert_eq 1 "$(db_sql "SELECT count(*) FROM account_events WHERE account_id = $id1 AND type = 'email_opt_out' AND actor = 'optout'")" "one opt-out event"
# The person opted out, not the account: Ann's other debt is held from email too.
ok arrears contact check ACME:E-3 --channel email --to ann.lee@example.com --at 2026-11-23T15:00:00Z --json
contains EMAIL_OPT_OUT "$(json_get "$output" '[.reasons[].code] | join(" ")')"
ok arrears contact check "$id2" --channel email --to bob.day@example.com --at 2026-11-23T15:00:00Z --json
assert_eq true "$(json_get "$output" .allowed)" "another person's email"
assert_eq 1 "$(db_sql "SELECT count(*) FROM optout_tokens WHERE used_at IS NOT NULL")" "the token is used"
not_contains "$token" "$(db_sql "SELECT token_hash FROM optout_tokens")"
fails 1 arrears email test "$id1" --to ann.lee@example.com
contains "revoked" "$errout"
ok arrears audit verify
[[ ! -f mail/2.eml ]] || fail "a message was sent after the opt-out"

step "a wrong SMTP password: a clear error, exit 1, nothing sent"
ARREARS_SMTP_PASSWORD_FILE="" ARREARS_SMTP_PASSWORD="wrong" \
  fails 1 arrears email test "$id2" --to bob.day@example.com
contains "SMTP login as arrears" "$errout"
contains "535" "$errout"
[[ ! -f mail/2.eml ]] || fail "a message was sent with a wrong password"

step "TLS required, but the server offers no STARTTLS: refused before anything is sent"
start_sink plain --user arrears --password "sink password"
ARREARS_SMTP_URL="smtp://127.0.0.1:$sink_port" fails 1 arrears email test "$id2" --to bob.day@example.com
contains "does not offer STARTTLS" "$errout"
[[ ! -f plain/1.eml ]] || fail "a message was sent in the clear"
step "ARREARS_SMTP_TLS=none: plain SMTP, only to this machine"
ARREARS_SMTP_URL="smtp://127.0.0.1:$sink_port" ARREARS_SMTP_TLS=none \
  ok arrears email test "$id2" --to bob.day@example.com
assert_eq "false arrears" "$(json_get plain/1.json '"\(.secure) \(.authUser)"')" "plain session"
ARREARS_SMTP_URL="smtp://mail.example.com:25" ARREARS_SMTP_TLS=none \
  fails 1 arrears email test "$id2" --to bob.day@example.com
contains "ARREARS_SMTP_TLS" "$errout"

step "configuration errors name the variable"
check_var() {
  local var=$1
  shift
  env "$@" "$ARREARS" email test "$id2" --to bob.day@example.com >/dev/null 2>"$_errfile" && rc=0 || rc=$?
  errout=$(<"$_errfile")
  assert_eq 1 "$rc" "exit status with $*"
  contains "$var" "$errout"
}
check_var ARREARS_SMTP_URL ARREARS_SMTP_URL=http://localhost:25
check_var ARREARS_SMTP_URL ARREARS_SMTP_URL=smtp://user:pw@localhost:25
check_var ARREARS_SMTP_URL ARREARS_SMTP_URL=smtp://localhost:99999
check_var ARREARS_SMTP_FROM ARREARS_SMTP_FROM=not-an-address
check_var ARREARS_SMTP_FROM_NAME ARREARS_SMTP_FROM_NAME=$'Acme\r\nBcc: x@evil.example'
check_var ARREARS_SMTP_TLS ARREARS_SMTP_TLS=maybe
check_var ARREARS_SMTP_TIMEOUT_MS ARREARS_SMTP_TIMEOUT_MS=soon
check_var ARREARS_SMTP_CA_FILE ARREARS_SMTP_CA_FILE=/no/such/ca.pem
check_var ARREARS_PUBLIC_URL ARREARS_PUBLIC_URL=javascript:alert
check_var ARREARS_SMTP_PASSWORD ARREARS_SMTP_PASSWORD=x
check_var ARREARS_SMTP_USER ARREARS_SMTP_USER=
chmod 644 smtp.pw
check_var ARREARS_SMTP_PASSWORD_FILE
contains "chmod 600" "$errout"
chmod 600 smtp.pw

step "header injection: a debtor's name with a line break is refused, not sent"
case $(engine) in
sqlite) nl="char(10)" ;;
postgres) nl="chr(10)" ;;
esac
db_sql "UPDATE debtors SET first_name = 'Bob' || $nl || 'Bcc: victim@evil.example' WHERE id = (SELECT debtor_id FROM accounts WHERE id = $id2)"
fails 1 arrears email test "$id2" --to bob.day@example.com
contains "line break" "$errout"
[[ ! -f mail/2.eml ]] || fail "a message with an injected header was sent"
ok arrears audit verify
