#!/usr/bin/env bash
# t_list.sh — account list: --json is an array of account objects ordered by id,
# default limit 100, keyset paging with --after/--limit, filters --client and --status.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ids() { json_get "$1" '[.[].id | tostring] | join(" ")'; }

ok arrears init
ok arrears client add ACME --name "Acme Bank"
ok arrears client add MED --name "Mercy Hospital"
rows=()
for i in $(seq 1 105); do
  rows+=("$(printf 'L-%03d,First%d,Last%d,,%d.00,,' "$i" "$i" "$i" "$((i + 10))")")
done
simple_placement acme.csv "${rows[@]}"
ok arrears import placements acme.csv --client ACME
contains "loaded 105," "$output"
simple_placement med.csv "M-1,Ann,Lee,,1.00,," "M-2,Bob,Ray,,2.00,," "M-3,Cy,Ode,,3.00,,"
ok arrears import placements med.csv --client MED
contains "loaded 3," "$output"

step "everything, paged by 50"
all=""
after=0
for _ in 1 2 3 4; do
  ok arrears account list --json --limit 50 --after "$after"
  page=$(ids "$output")
  [[ -n $page ]] || break
  all+="$page "
  after=${page##* }
done
all=${all% }
read -r -a all_ids <<<"$all"
assert_eq 108 "${#all_ids[@]}" "accounts seen when paging"
assert_eq "$all" "$(tr ' ' '\n' <<<"$all" | sort -n | uniq | tr '\n' ' ' | sed 's/ $//')" "ids ascending and unique"

step "default limit is 100, ordered by id"
ok arrears account list --json
assert_eq 100 "$(json_get "$output" length)" "default page size"
assert_eq "${all_ids[*]:0:100}" "$(ids "$output")" "first 100 ids"

step "--limit and --after"
ok arrears account list --json --limit 5
assert_eq "${all_ids[*]:0:5}" "$(ids "$output")" "first page of 5"
ok arrears account list --json --limit 5 --after "${all_ids[4]}"
assert_eq "${all_ids[*]:5:5}" "$(ids "$output")" "second page of 5"
ok arrears account list --json --after "${all_ids[107]}"
assert_eq 0 "$(json_get "$output" length)" "page after the last id"
assert_eq "[]" "$(json_get "$output" 'tojson')" "empty page is an empty array"

step "elements are shaped like account show --json"
ok arrears account list --json --limit 1
first=$(json_get "$output" '.[0] | tojson')
for field in id client client_account status debtor balance_cents currency placed_on; do
  [[ $(json_get "$first" "has(\"$field\")") == true ]] || fail "list element lacks $field"
done
ok arrears account show "${all_ids[0]}" --json
assert_eq "$(json_get "$output" '.balance_cents | tojson')" "$(json_get "$first" '.balance_cents | tojson')" "balance in list and show"
assert_eq "$(json_get "$output" '.debtor.name')" "$(json_get "$first" '.debtor.name')" "debtor name in list and show"

step "--client"
ok arrears account list --json --client MED
assert_eq "M-1 M-2 M-3" "$(json_get "$output" '[.[].client_account] | join(" ")')" "MED accounts"
assert_eq "MED" "$(json_get "$output" '[.[].client] | unique | join(" ")')" "clients in the MED list"
ok arrears account list --json --client ACME --limit 1000
assert_eq 105 "$(json_get "$output" length)" "ACME accounts"

step "--status"
status=$(json_get "$first" .status)
ok arrears account list --json --status "$status" --limit 1000
assert_eq 108 "$(json_get "$output" length)" "accounts with status $status"
assert_eq "$status" "$(json_get "$output" '[.[].status] | unique | join(" ")')" "statuses in the filtered list"

step "text list"
ok arrears account list --limit 3
contains L-001 "$output"
contains L-003 "$output"
not_contains L-004 "$output"
