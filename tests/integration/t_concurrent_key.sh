#!/usr/bin/env bash
# t_concurrent_key.sh — the same idempotency key sent by several processes at
# once (parallel retries of one request): one payment is posted, and every run exits 0
# (the contract: a key seen before is "already posted", exit 0).
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly N=${PARALLEL_N:-6}

client_with_accounts ACME "C-1,Ann,Lee,,500.00,,"

step "the same idempotency key from $N processes posts once"
parallel strict samekey "$ARREARS" pay ACME:C-1 10.00 --key RETRY-1
((succeeded >= 1)) || fail "no run succeeded"
ok arrears account show ACME:C-1 --json
assert_eq 1 "$(json_get "$output" '.payments | length')" "payments"
assert_eq 49000 "$(json_get "$output" .balance_cents.total)" "balance"
assert_eq 1 "$(cat samekey.*.out | grep -c 'posted to account')" "runs that reported a new payment"
ok arrears audit verify
