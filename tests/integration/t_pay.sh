#!/usr/bin/env bash
# t_pay.sh — posting payments: allocation in the client's order (default
# costs→fees→interest→principal), overpayment becomes a credit (negative), the
# ledger sums to the balance, idempotency keys post once, bad amounts and future dates
# are refused with nothing changed; adjustments move one bucket.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

buckets() { # ACCOUNT [show options]: "principal interest fees costs credit total"
  local a=$1
  shift
  ok arrears account show "$a" --json "$@"
  json_get "$output" '.balance_cents | "\(.principal) \(.interest) \(.fees) \(.costs) \(.credit) \(.total)"'
}

applied() { # JSON: applied_cents as absolute values "principal interest fees costs credit"
  json_get "$1" '.applied_cents | [.principal, .interest, .fees, .costs, .credit] | map(if . < 0 then -. else . end) | map(tostring) | join(" ")'
}

client_with_accounts ACME "P-1,Maria,Lopez,,1000.00,50.00,25.00" "P-2,John,Smith,,500.00,,"
ok arrears client add MED --name "Mercy Hospital" --allocation-order principal,interest,fees,costs
simple_placement med.csv "M-1,Ann,Lee,,300.00,20.00,10.00"
ok arrears import placements med.csv --client MED
id1=$(account_id ACME:P-1)

step "adjustment adds costs"
ok arrears account adjust ACME:P-1 --bucket costs --amount 10.00 --reason "court filing fee"
assert_eq "100000 5000 2500 1000 0 108500" "$(buckets ACME:P-1)" "balance after adjustment"

step "a payment pays costs, then fees, then interest"
ok arrears pay ACME:P-1 40.00
matches "^payment [0-9]+ posted to account $id1\\b" "$output"
assert_eq "100000 4500 0 0 0 104500" "$(buckets ACME:P-1)" "balance after paying 40.00"

step "then interest, then principal (--json)"
ok arrears pay ACME:P-1 100.00 --method check --ref CHK-1 --json
r=$output
assert_eq false "$(json_get "$r" .duplicate)" duplicate
[[ $(json_get "$r" '.payment_id | type') == number ]] || fail "payment_id is not a number"
assert_eq "5500 4500 0 0 0" "$(applied "$r")" "applied_cents (absolute)"
assert_eq "94500 0 0 0 0 94500" \
  "$(json_get "$r" '.balance_cents | "\(.principal) \(.interest) \(.fees) \(.costs) \(.credit) \(.total)"')" \
  "balance_cents in pay --json"
assert_eq "94500 0 0 0 0 94500" "$(buckets ACME:P-1)" "balance after paying 100.00"

step "an overpayment becomes a credit"
ok arrears pay ACME:P-1 1000.00 --method card --json
assert_eq "94500 0 0 0 5500" "$(applied "$output")" "applied_cents of the overpayment (absolute)"
assert_eq "0 0 0 0 -5500 -5500" "$(buckets ACME:P-1)" "balance after overpaying"

step "the ledger sums to the balance, bucket by bucket"
for b in principal interest fees costs credit; do
  assert_eq "$(balance ACME:P-1 "$b")" "$(ledger_sum ACME:P-1 "$b")" "ledger sum of $b"
done

step "payments are listed with amount, method, date, status and reference"
ok arrears account show ACME:P-1 --json
s=$output
assert_eq 3 "$(json_get "$s" '.payments | length')" payments
assert_eq "4000 10000 100000" "$(json_get "$s" '[.payments[].amount_cents] | sort | map(tostring) | join(" ")')" amounts
assert_eq "cash" "$(json_get "$s" '.payments[] | select(.amount_cents == 4000) | .method')" "default method"
assert_eq "check CHK-1" "$(json_get "$s" '.payments[] | select(.amount_cents == 10000) | "\(.method) \(.reference)"')" "method and reference"
assert_eq "posted posted posted" "$(json_get "$s" '[.payments[].status] | join(" ")')" statuses
assert_eq 2026-11-23 "$(json_get "$s" '.payments[0].effective_on')" "effective_on defaults to today"
assert_eq 2026-11-23 "$(json_get "$s" .last_payment_on)" last_payment_on
pid=$(json_get "$r" .payment_id)
assert_eq 1 "$(json_get "$s" "[.ledger[] | select(.payment_id == $pid)] | length")" "ledger entries of payment $pid"

step "the client's allocation order is used (MED: principal first)"
ok arrears pay MED:M-1 50.00
assert_eq "25000 2000 1000 0 0 28000" "$(buckets MED:M-1)" "MED balance after paying 50.00"

step "an idempotency key posts once"
ok arrears pay ACME:P-2 25.00 --key K-100 --json
first=$(json_get "$output" .payment_id)
assert_eq false "$(json_get "$output" .duplicate)" "first post duplicate"
before=$(buckets ACME:P-2)
assert_eq "47500 0 0 0 0 47500" "$before" "P-2 after one payment"
ok arrears pay ACME:P-2 25.00 --key K-100
contains "already posted" "$output"
ok arrears pay ACME:P-2 25.00 --key K-100 --json
assert_eq true "$(json_get "$output" .duplicate)" "second post duplicate"
assert_eq "$first" "$(json_get "$output" .payment_id)" "payment id of the duplicate"
assert_eq "$before" "$(buckets ACME:P-2)" "P-2 after repeated posts"
ok arrears account show ACME:P-2 --json
assert_eq 1 "$(json_get "$output" '.payments | length')" "payments on P-2"

step "bad amounts are refused with a message naming the amount"
for amt in 12.345 -5 1,000 abc 1e3 12. .5.5; do
  fails 1 arrears pay ACME:P-2 "$amt"
  contains "$amt" "$errout"
done
for amt in 0 0.00; do
  fails 1 arrears pay ACME:P-2 "$amt"
  [[ -n $errout ]] || fail "no message for amount $amt"
done

step "a payment dated in the future is refused"
fails 1 arrears pay ACME:P-2 5.00 --date 2026-11-24
fails 1 arrears pay ACME:P-2 5.00 --date 2026-13-01
assert_eq "$before" "$(buckets ACME:P-2)" "P-2 after refused payments"
ok arrears account show ACME:P-2 --json
assert_eq 1 "$(json_get "$output" '.payments | length')" "payments on P-2 after refusals"

step "negative adjustment; a bucket may not go below zero"
ok arrears account adjust ACME:P-2 --bucket principal --amount -10.00 --reason "goodwill"
assert_eq "46500 0 0 0 0 46500" "$(buckets ACME:P-2)" "P-2 after adjustment"
fails 1 arrears account adjust ACME:P-2 --bucket fees --amount -1.00 --reason "below zero"
fails 1 arrears account adjust ACME:P-2 --bucket fees --amount 1.001 --reason "bad amount"
assert_eq "46500 0 0 0 0 46500" "$(buckets ACME:P-2)" "P-2 after refused adjustments"
for b in principal interest fees costs credit; do
  assert_eq "$(balance ACME:P-2 "$b")" "$(ledger_sum ACME:P-2 "$b")" "P-2 ledger sum of $b"
done

step "who acted is recorded: --as before or after the verb, or ARREARS_USER"
ok arrears --as alice pay ACME:P-2 1.00
ok arrears pay ACME:P-2 2.00 --as bob
ok env ARREARS_USER=carol "$ARREARS" pay ACME:P-2 3.00
ok arrears account show ACME:P-2 --json
assert_eq "alice bob carol" "$(json_get "$output" '[.ledger[] | select(.kind == "payment") | .actor] | .[-3:] | join(" ")')" "actors of the last three payments"
assert_eq "alice bob carol" "$(db_sql "SELECT actor FROM audit_log ORDER BY id DESC LIMIT 3" | tac | tr '\n' ' ' | sed 's/ $//')" "actors of the last three audit events"

step "the books still verify"
ok arrears audit verify
