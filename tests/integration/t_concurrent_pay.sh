#!/usr/bin/env bash
# t_concurrent_pay.sh — several processes post payments on one account at once:
# each payment that succeeds counts exactly once in the balance, the ledger sums to
# the balance and its hash chain verifies. A run may be refused (exit 1, e.g. a
# serialization conflict) if it changed nothing; refusals are printed as notes.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly N=${PARALLEL_N:-6}

client_with_accounts ACME "C-1,Ann,Lee,,500.00,,"

step "$N different payments on one account at once"
parallel tolerant many "$ARREARS" pay ACME:C-1 1.00
((succeeded >= 1)) || fail "no run succeeded"
ok arrears account show ACME:C-1 --json
assert_eq "$succeeded" "$(json_get "$output" '.payments | length')" "payments ($succeeded runs succeeded)"
assert_eq $((50000 - succeeded * 100)) "$(json_get "$output" .balance_cents.total)" "balance ($succeeded runs succeeded)"
assert_eq $((50000 - succeeded * 100)) "$(ledger_sum ACME:C-1 total)" "ledger sum ($succeeded runs succeeded)"
ok arrears audit verify
