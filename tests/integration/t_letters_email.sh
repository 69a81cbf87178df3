#!/usr/bin/env bash
# t_letters_email.sh — the letters run's emails, through the SMTP sink: a strategy's
# `email reminder` goes to the debtor's address with the reminder's subject, its text
# and a working opt-out link; the email is a contact; a second run sends nothing (an
# email goes once); an email refused by the sink is recorded failed and sent by the
# next run of the date; a bounce marks the address bounced and opens skip tracing; an
# address whose consent is revoked gets no email.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/integration/smtp_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/smtp_lib.sh"

D=2026-11-23
ok arrears init
ok arrears client add ACME --name "Acme Bank"
csv_file p.csv "client_account,first_name,last_name,principal,address1,city,state,zip,email,itemization_date,charge_off_date" \
  "M-1,Ann,Lee,100.00,12 Elm St,Tulsa,OK,74103,ann.lee@example.com,2026-06-30,2026-06-30" \
  "M-2,Bob,Day,200.00,3 Oak Ave,Tulsa,OK,74104,bob.day@example.com,2026-06-30,2026-06-30"
ok arrears import placements p.csv --client ACME
for kv in "name|Test Collections LLC" "street|100 Main Street" "city_line|Dallas, TX 75202" \
  "phone|(800) 555-0100" "hours|Monday to Friday, 8 a.m. to 8 p.m. Central"; do
  ok arrears agency set "${kv%%|*}" "${kv#*|}"
done
printf '%s\n' 'rule "email" when has_email then email reminder; queue call_now priority 50' >s.txt
ok arrears strategy save --file s.txt --note "email reminders"
ok arrears strategy assign --champion "$(db_sql "SELECT MAX(id) FROM strategies")"
ok arrears batch run --as-of $D --quiet

step "no SMTP: the emails are skipped with the reason, nothing is recorded"
unset ARREARS_SMTP_URL ARREARS_SMTP_USER ARREARS_SMTP_PASSWORD ARREARS_SMTP_PASSWORD_FILE \
  ARREARS_SMTP_FROM ARREARS_SMTP_FROM_NAME ARREARS_SMTP_TLS ARREARS_SMTP_CA_FILE \
  ARREARS_SMTP_TIMEOUT_MS ARREARS_PUBLIC_URL
ok arrears letters run --as-of $D --out out --json
assert_eq 0 "$(json_get "$output" .emails_sent)" "emails sent"
contains ",email,reminder,SMTP_NOT_CONFIGURED," "$(cat out/skipped-$D.csv)"
assert_eq 0 "$(db_sql "SELECT COUNT(*) FROM letters")" "no letters recorded"

step "a configuration error stops the run, naming the variable"
export ARREARS_SMTP_URL="smtp://localhost:1"
fails 1 arrears letters run --as-of $D --out out
contains "ARREARS_SMTP_FROM must be set" "$errout"

step "a refused email is recorded failed; the next run of the date sends it, once"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 \
  -keyout key.pem -out cert.pem >/dev/null 2>&1 || fail "openssl could not make a certificate"
start_sink mail --key key.pem --cert cert.pem --user arrears --password right
export ARREARS_SMTP_URL="smtp://localhost:$sink_port" ARREARS_SMTP_FROM=notices@agency.example \
  ARREARS_SMTP_FROM_NAME="Test Collections" ARREARS_SMTP_CA_FILE="$PWD/cert.pem" \
  ARREARS_SMTP_TIMEOUT_MS=10000 ARREARS_PUBLIC_URL="http://127.0.0.1:9/" \
  ARREARS_SMTP_USER=arrears ARREARS_SMTP_PASSWORD=wrong
ok arrears letters run --as-of $D --out out --json
assert_eq 0 "$(json_get "$output" .emails_sent)" "emails sent with a wrong password"
assert_eq 2 "$(json_get "$output" .emails_failed)" "emails failed"
assert_eq "failed" "$(db_sql "SELECT DISTINCT status FROM letters")" "recorded failed"
assert_eq 0 "$(ls mail/*.eml 2>/dev/null | wc -l | tr -d ' ')" "nothing at the sink"
export ARREARS_SMTP_PASSWORD=right
ok arrears letters run --as-of $D --out out --json
assert_eq 2 "$(json_get "$output" .emails_sent)" "the failed emails sent"

step "the reminder by email: subject, text, opt-out link; a contact; sent once"
ls mail/*.eml >/dev/null 2>&1 || fail "the sink has no message"
ann=$(grep -l "ann.lee@example.com" mail/*.json | head -1)
mail_json "${ann%.json}.eml" >ann.json
assert_eq "Ann Lee <ann.lee@example.com>" "$(json_get ann.json .to)" "To"
body=$(json_get ann.json .body)
contains "This communication is from a debt collector." "$body"
contains "Test Collections LLC" "$body"
matches "http://127\.0\.0\.1:9/optout/[A-Za-z0-9_-]{43}" "$body"
unsub=$(json_get ann.json '.["list-unsubscribe"]')
matches "^<http://127\.0\.0\.1:9/optout/[A-Za-z0-9_-]{43}>\$" "$unsub"
assert_eq "sent" "$(db_sql "SELECT status FROM letters WHERE recipient = 'ann.lee@example.com'")" "status"
assert_eq "1" "$(db_sql "SELECT COUNT(*) FROM contacts WHERE channel = 'email' AND target = 'ann.lee@example.com' AND outcome = 'sent'")" "contact"
not_contains "optout" "$(db_sql "SELECT fields FROM letters")"
ok arrears letters run --as-of $D --out out --json
assert_eq 0 "$(json_get "$output" .emails_sent)" "a third run sends nothing"
assert_eq 2 "$(ls mail/*.eml | wc -l | tr -d ' ')" "still two messages at the sink"

step "a bounce marks the address and opens skip tracing"
id=$(db_sql "SELECT id FROM letters WHERE recipient = 'bob.day@example.com'")
ok arrears letters returned "$id" --reason "550 mailbox unavailable"
contains "bounced" "$output"
assert_eq "bounced" "$(db_sql "SELECT status FROM emails WHERE address = 'bob.day@example.com'")" "email status"
assert_eq "1" "$(db_sql "SELECT COUNT(*) FROM skip_trace_requests WHERE source = 'email_bounce'")" "skip trace"
ok arrears contact check ACME:M-2 --channel email --to bob.day@example.com --at 2026-11-23T16:00:00Z --json
contains "BAD_ADDRESS" "$output"

