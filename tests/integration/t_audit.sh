#!/usr/bin/env bash
# t_audit.sh — audit verify: passes on a clean database; fails (exit 1, naming the
# account or event) after a ledger row, a cached balance or an audit row is changed
# or an audit row is deleted behind the program's back (sqlite3 or psql directly).
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

verify_ok() {
  ok arrears audit verify
  matches "audit chain: [0-9]+ events verified" "$output"
  contains "ledger: 3 accounts verified" "$output"
}

verify_broken() { # PATTERN: what the report must name
  fails 1 arrears audit verify
  matches "$1" "$output
$errout"
}

client_with_accounts ACME "V-1,Ann,Lee,,100.00,10.00,5.00" "V-2,Bob,Ray,,200.00,," "V-3,Cy,Ode,,300.00,,"
ok arrears pay ACME:V-1 20.00
ok arrears pay ACME:V-2 50.00 --json
pid=$(json_get "$output" .payment_id)
ok arrears payment reverse "$pid" --reason nsf
ok arrears pay ACME:V-2 30.00
ok arrears account adjust ACME:V-3 --bucket fees --amount 12.00 --reason "late fee"
v2=$(account_id ACME:V-2)

step "a clean database verifies"
verify_ok
n=$(grep -oE 'audit chain: [0-9]+' <<<"$output" | grep -oE '[0-9]+$')
# client add, import, pay, pay, reverse, pay, adjust: at least 7 events
((n >= 7)) || fail "only $n audit events after 7 state changes"
ok arrears audit verify --json
json_get "$output" . >/dev/null

step "a changed ledger amount is found"
entry=$(db_sql "SELECT max(id) FROM ledger_entries WHERE account_id = $v2")
[[ $entry =~ ^[0-9]+$ ]] || fail "no ledger entry for account $v2"
db_sql "UPDATE ledger_entries SET principal_cents = principal_cents - 1 WHERE id = $entry"
verify_broken "account[^0-9]*\\b$v2\\b"
db_sql "UPDATE ledger_entries SET principal_cents = principal_cents + 1 WHERE id = $entry"
verify_ok

step "a changed ledger date is found"
date=$(db_sql "SELECT effective_on FROM ledger_entries WHERE id = $entry")
[[ $date =~ ^[0-9-]+$ ]] || fail "unexpected effective_on '$date'"
db_sql "UPDATE ledger_entries SET effective_on = '2026-01-01' WHERE id = $entry"
verify_broken "account[^0-9]*\\b$v2\\b"
db_sql "UPDATE ledger_entries SET effective_on = '$date' WHERE id = $entry"
verify_ok

step "a changed cached balance is found"
db_sql "UPDATE accounts SET principal_cents = principal_cents + 100 WHERE id = $v2"
verify_broken "account[^0-9]*\\b$v2\\b"
db_sql "UPDATE accounts SET principal_cents = principal_cents - 100 WHERE id = $v2"
verify_ok

step "a changed audit event is found"
ev=$(db_sql "SELECT min(id) + (max(id) - min(id)) / 2 FROM audit_log")
[[ $ev =~ ^[0-9]+$ ]] || fail "no audit events"
db_sql "UPDATE audit_log SET detail = detail || ' ' WHERE id = $ev"
verify_broken "\\b$ev\\b"
db_sql "UPDATE audit_log SET detail = substr(detail, 1, length(detail) - 1) WHERE id = $ev"
verify_ok
actor=$(db_sql "SELECT actor FROM audit_log WHERE id = $ev")
[[ $actor =~ ^[A-Za-z0-9._@-]+$ ]] || fail "unexpected actor '$actor'"
db_sql "UPDATE audit_log SET actor = 'mallory' WHERE id = $ev"
verify_broken "\\b$ev\\b"
db_sql "UPDATE audit_log SET actor = '$actor' WHERE id = $ev"
verify_ok

step "a deleted last audit event is found"
db_sql "CREATE TABLE audit_saved AS SELECT * FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)"
db_sql "DELETE FROM audit_log WHERE id = (SELECT id FROM audit_saved)"
fails 1 arrears audit verify
db_sql "INSERT INTO audit_log SELECT * FROM audit_saved"
verify_ok

step "a deleted audit event in the middle is found"
db_sql "DELETE FROM audit_log WHERE id = $ev"
fails 1 arrears audit verify
