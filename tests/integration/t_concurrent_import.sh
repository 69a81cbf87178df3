#!/usr/bin/env bash
# t_concurrent_import.sh — the same placement file imported by several processes at
# once loads each account once, and the books verify. A run may be refused (exit 1)
# if it changed nothing; refusals are printed as notes.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly N=${PARALLEL_N:-6}

client_with_accounts ACME "C-1,Ann,Lee,,500.00,,"

step "the same placement file imported by $N processes at once"
rows=()
for i in $(seq 1 40); do
  rows+=("$(printf 'Q-%02d,First%d,Last%d,,%d.00,,' "$i" "$i" "$i" "$i")")
done
simple_placement q.csv "${rows[@]}"
parallel tolerant imp "$ARREARS" import placements q.csv --client ACME --json
((succeeded >= 1)) || fail "no run succeeded"
ok arrears account list --json --client ACME --limit 1000
assert_eq 41 "$(json_get "$output" length)" "accounts"
assert_eq 40 "$(json_get "$output" '[.[].client_account | select(startswith("Q-"))] | unique | length')" "distinct Q- accounts"
ok arrears audit verify
contains "ledger: 41 accounts verified" "$output"

step "importing once more finds every row present"
ok arrears import placements q.csv --client ACME
contains "read 40 rows: loaded 0, already present 40, rejected 0" "$output"
