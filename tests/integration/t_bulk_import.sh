#!/usr/bin/env bash
# t_bulk_import.sh — a placement file big enough (>= 20,000 rows) to take the bulk
# path (Bloom filters over existing keys, refreshed per chunk): everything loads, the
# same file again adds nothing, an overlapping file adds only its new rows, people who
# appear twice are linked, and the books verify.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python3 "$root/bench/gen-placements" --seed 7 21000 big.csv
# The second file: the last 1,000 rows of the first plus 21,000 rows under another prefix.
{ head -n 1 big.csv; tail -n 1000 big.csv; } >overlap.csv
python3 "$root/bench/gen-placements" --seed 8 --prefix N 21000 more.csv
tail -n +2 more.csv >>overlap.csv

ok arrears init
ok arrears client add BULK --name "Bulk Bank"

step "a 21,000-row file loads through the bulk path"
ok arrears import placements big.csv --client BULK --json
assert_eq "21000 21000 0 0" "$(json_get "$output" '"\(.read) \(.loaded) \(.duplicates) \(.rejected)"')" "first import"

step "the same file again adds nothing"
ok arrears import placements big.csv --client BULK --json
assert_eq "21000 0 21000 0" "$(json_get "$output" '"\(.read) \(.loaded) \(.duplicates) \(.rejected)"')" "second import"

step "an overlapping file adds only its new rows"
ok arrears import placements overlap.csv --client BULK --json
assert_eq "22000 21000 1000 0" "$(json_get "$output" '"\(.read) \(.loaded) \(.duplicates) \(.rejected)"')" "overlap import"

step "repeated people are linked to one debtor; the books verify"
debtors=$(db_sql "SELECT COUNT(*) FROM debtors")
accounts=$(db_sql "SELECT COUNT(*) FROM accounts")
assert_eq 42000 "$accounts" "accounts"
[[ $debtors -lt 41000 ]] || fail "expected repeated people to share a debtor: $debtors debtors for 42000 accounts"
ok arrears audit verify
contains "ledger: 42000 accounts verified" "$output"
