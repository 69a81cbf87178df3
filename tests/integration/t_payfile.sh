#!/usr/bin/env bash
# t_payfile.sh — import payments: good rows post, bad rows (amount, future date,
# method, unknown account, field count) are named on stderr and in the rejects file,
# importing the same file again posts nothing; a bad header is refused.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

totals() {
  local out="" a
  for a in F-1 F-2 F-3; do
    out+="$(balance "ACME:$a" total) "
  done
  echo "${out% }"
}

# Placed on 2026-11-01, so every payment date in the file is after placement.
ARREARS_NOW=2026-11-01T15:00:00Z client_with_accounts ACME \
  "F-1,Ann,Lee,,100.00,," "F-2,Bob,Ray,,200.00,," "F-3,Cy,Ode,,50.00,,"
ok arrears client add OTHER --name "Other Bank"
simple_placement other.csv "O-1,Dee,Fox,,40.00,,"
ok env ARREARS_NOW=2026-11-01T15:00:00Z "$ARREARS" import placements other.csv --client OTHER

header="client_account,amount,date,method,reference"
csv_file payments.csv \
  "$header" \
  "F-1,10.00,2026-11-20,check,CHK-100" \
  "F-2,25.50,2026-11-21,ACH,ACH-7" \
  "F-1,12.345,2026-11-20,cash,X1" \
  "F-2,5.00,2026-12-01,cash,X2" \
  "F-3,5.00,2026-11-20,bitcoin,X3" \
  "NOPE-9,5.00,2026-11-20,cash,X4" \
  "F-3,7.00,2026-11-22,card," \
  "F-3,1.00,2026-11-22" \
  "O-1,3.00,2026-11-22,cash,X5"
# good: lines 2 3 8; bad: 4 5 6 7 9 10 (O-1 belongs to another client)

step "import with good and bad rows"
ok arrears import payments payments.csv --client ACME --rejects rejects.csv
contains "read 9 rows: posted 3, already posted 0, rejected 6" "$output"
for want in "line 4: field amount:" "line 5: field date:" "line 6: field method:" \
  "line 7: field client_account:" "line 9:" "line 10: field client_account:"; do
  contains "$want" "$errout"
done
for good in 2 3 8; do
  not_contains "line $good:" "$errout"
done

step "the rejects file"
[[ -f rejects.csv ]] || fail "rejects file not written"
assert_eq "line,reason,$header" "$(head -n 1 rejects.csv | tr -d '\r')" "rejects header"
assert_eq "4 5 6 7 9 10" "$(grep -oE '^[0-9]+,' rejects.csv | tr -d , | tr '\n' ' ' | sed 's/ $//')" "reject line numbers"
grep -q '^6,.*bitcoin' rejects.csv || fail "the rejected row for line 6 does not carry the original values"

step "the good rows posted"
assert_eq "9000 17450 4300" "$(totals)" "balances"
assert_eq 4000 "$(balance OTHER:O-1 total)" "OTHER:O-1 is untouched"
ok arrears account show ACME:F-1 --json
assert_eq "1000 check 2026-11-20 CHK-100 posted" \
  "$(json_get "$output" '.payments[] | "\(.amount_cents) \(.method) \(.effective_on) \(.reference) \(.status)"')" "F-1 payment"
ok arrears account show ACME:F-2 --json
assert_eq "ach" "$(json_get "$output" '.payments[0].method')" "method is case-insensitive"

step "importing the same file again posts nothing"
ok arrears import payments payments.csv --client ACME
contains "read 9 rows: posted 0, already posted 3, rejected 6" "$output"
ok arrears import payments payments.csv --client ACME --json
assert_eq "9 0 3 6" "$(json_get "$output" '"\(.read) \(.posted) \(.duplicates) \(.rejected)"')" "json summary"
assert_eq "9000 17450 4300" "$(totals)" "balances after re-import"

step "a bad header is refused and posts nothing"
csv_file extra.csv "client_account,amount,date,method,reference,extra" "F-1,1.00,2026-11-20,cash,Y1,z"
fails 1 arrears import payments extra.csv --client ACME
csv_file noamount.csv "client_account,date,method" "F-1,2026-11-20,cash"
fails 1 arrears import payments noamount.csv --client ACME
contains amount "$errout"
assert_eq "9000 17450 4300" "$(totals)" "balances after refused files"

step "unknown client, unreadable file"
fails 1 arrears import payments payments.csv --client NOPE
fails 1 arrears import payments no-such.csv --client ACME

step "the books still verify"
ok arrears audit verify

step "several payments to one account, and identical rows, in one file"
csv_file multi.csv "$header" \
  "F-3,1.00,2026-11-22,cash,SAME" \
  "F-1,2.00,2026-11-22,cash,M1" \
  "F-3,1.00,2026-11-22,cash,SAME" \
  "F-3,0.50,2026-11-21,ach,M2"
ok arrears import payments multi.csv --client ACME
contains "read 4 rows: posted 4, already posted 0, rejected 0" "$output"
assert_eq "8800 17450 4050" "$(totals)" "identical rows both post; each account sums its payments"
ok arrears import payments multi.csv --client ACME
contains "read 4 rows: posted 0, already posted 4, rejected 0" "$output"
ok arrears audit verify
