#!/usr/bin/env bash
# t_reverse.sh — payment reverse: restores every bucket exactly (including a credit
# from an overpayment), marks the payment reversed, is refused a second time, and an
# idempotency key stays spent after its payment is reversed.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bal() { # ACCOUNT: balance_cents as compact JSON
  ok arrears account show "$1" --json
  json_get "$output" '.balance_cents | tojson'
}

client_with_accounts ACME "R-1,Maria,Lopez,,200.00,30.00,20.00" "R-2,John,Smith,,80.00,5.00,"
initial=$(bal ACME:R-1)

step "pay, then reverse (nsf): every bucket is restored"
ok arrears pay ACME:R-1 60.00 --json
pid=$(json_get "$output" .payment_id)
[[ $(bal ACME:R-1) != "$initial" ]] || fail "the payment did not change the balance"
ok arrears payment reverse "$pid" --reason nsf
assert_eq "$initial" "$(bal ACME:R-1)" "balance after reversal"
ok arrears account show ACME:R-1 --json
assert_eq reversed "$(json_get "$output" ".payments[] | select(.id == $pid) | .status")" "payment status"

step "a second reversal is refused"
fails 1 arrears payment reverse "$pid" --reason nsf
contains "already reversed" "$errout"
assert_eq "$initial" "$(bal ACME:R-1)" "balance after the refused reversal"

step "reversing an overpayment removes the credit"
ok arrears pay ACME:R-1 300.00 --json
pid2=$(json_get "$output" .payment_id)
[[ $(balance ACME:R-1 credit) -lt 0 ]] || fail "the overpayment made no credit"
ok arrears payment reverse "$pid2" --reason chargeback --json
assert_eq "$initial" "$(bal ACME:R-1)" "balance after reversing the overpayment"

step "reverse the latest of two payments"
ok arrears pay ACME:R-1 10.00
after_one=$(bal ACME:R-1)
ok arrears pay ACME:R-1 25.00 --json
pid4=$(json_get "$output" .payment_id)
ok arrears payment reverse "$pid4" --reason stop_payment
assert_eq "$after_one" "$(bal ACME:R-1)" "balance after reversing the second payment"

step "the ledger sums to the balance"
for b in principal interest fees costs credit; do
  assert_eq "$(balance ACME:R-1 "$b")" "$(ledger_sum ACME:R-1 "$b")" "ledger sum of $b"
done

step "an idempotency key stays spent after its payment is reversed"
r2=$(bal ACME:R-2)
ok arrears pay ACME:R-2 15.00 --key KEY-R2 --json
pid5=$(json_get "$output" .payment_id)
ok arrears payment reverse "$pid5" --reason error
assert_eq "$r2" "$(bal ACME:R-2)" "R-2 after reversal"
ok arrears pay ACME:R-2 15.00 --key KEY-R2
contains "already posted" "$output"
assert_eq "$r2" "$(bal ACME:R-2)" "R-2 after re-sending the spent key"

step "unknown payment"
fails 1 arrears payment reverse 999999 --reason error

step "the books still verify"
ok arrears audit verify
