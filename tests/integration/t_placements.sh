#!/usr/bin/env bash
# t_placements.sh — import placements: good rows load, bad rows are named (line and
# field) on stderr and in the rejects file, importing the same file again adds
# nothing; an unreadable file or a bad header is refused with nothing loaded. Also:
# the loaded account's JSON view, debtor linking by SSN, and SSN/DOB masking.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ok arrears init
ok arrears client add ACME --name "Acme Bank"

header="client_account,first_name,last_name,ssn,dob,address1,city,state,zip,phone1,phone1_type,email,principal,interest,fees,first_delinquency_date,segment"
# Line numbers in the file (header = line 1) are in the comments.
csv_file placements.csv \
  "$header" \
  "A-1001,Maria,Lopez,123-45-6789,1980-04-12,12 Main St,Springfield,IL,62701,(217) 555-0100,mobile,maria@Example.COM,1000.00,50.00,25.00,2025-01-15,gold" \
  "A-1002,Maria,Lopez,123456789,1980-04-12,12 Main St,Springfield,il,62701,,,,250.50,,,,silver" \
  "A-1003,John,Smith,,,,,,,,,,99.99,,,," \
  "A-1004,Bad,Amount,,,,,,,,,,12.345,,,," \
  "A-1005,Bad,State,,,,,XX,,,,,10.00,,,," \
  "A-1006,\"Ann \"\"Annie\"\"\",\"O'Brien, Jr\",,,\"1 Elm St, Apt 2\",Peoria,IL,61602-1234,217-555-0199,home,,75.00,,,," \
  "A-1007,Bad,Ssn,000-12-3456,,,,,,,,,10.00,,,," \
  "A-1008,Bad,Dob,,1990-02-30,,,,,,,,10.00,,,," \
  "A-1009,,NoFirst,,,,,,,,,,10.00,,,," \
  "A-1010,Zero,Principal,,,,,,,,,,0,,,," \
  "A-1011,Too,Few" \
  "A-1012,Kim,Park,345-67-8901,1975-12-31,,,,,,,,1.00,0.50,,," \
  "A-1013,Bad,Phone,,,,,,,555-0100,,,10.00,,,,"
# good: lines 2 3 4 7 13 (5 rows); bad: 5 6 8 9 10 11 12 14 (8 rows); 13 data rows

step "import with good and bad rows"
ok arrears import placements placements.csv --client ACME --rejects rejects.csv
contains "read 13 rows: loaded 5, already present 0, rejected 8" "$output"

step "each bad row is named on stderr with its line and field"
for want in "line 5: field principal:" "line 6: field state:" "line 8: field ssn:" \
  "line 9: field dob:" "line 10: field first_name:" "line 11: field principal:" \
  "line 12:" "line 14: field phone1:"; do
  contains "$want" "$errout"
done
for good in 2 3 4 7 13; do
  not_contains "line $good:" "$errout"
done

step "the rejects file: header line,reason,<original header>; one row per reject"
[[ -f rejects.csv ]] || fail "rejects file not written"
assert_eq "line,reason,$header" "$(head -n 1 rejects.csv | tr -d '\r')" "rejects header"
assert_eq 8 "$(grep -cE '^[0-9]+,' rejects.csv)" "reject rows"
assert_eq "5 6 8 9 10 11 12 14" "$(grep -oE '^[0-9]+,' rejects.csv | tr -d , | tr '\n' ' ' | sed 's/ $//')" "reject line numbers"
grep -q '^5,.*A-1004.*12\.345' rejects.csv || fail "the rejected row for line 5 does not carry the original values"
grep -q '^5,.*principal' rejects.csv || fail "the reject reason for line 5 does not name the field"

step "the good rows loaded"
ok arrears account list --json
assert_eq 5 "$(json_get "$output" length)" "accounts"
assert_eq "A-1001 A-1002 A-1003 A-1006 A-1012" "$(json_get "$output" '[.[].client_account] | sort | join(" ")')" "loaded accounts"

step "importing the same file again adds nothing"
ok arrears import placements placements.csv --client ACME --rejects rejects2.csv
contains "read 13 rows: loaded 0, already present 5, rejected 8" "$output"
ok arrears import placements placements.csv --client ACME --json
assert_eq 13 "$(json_get "$output" .read)" "json read"
assert_eq 0 "$(json_get "$output" .loaded)" "json loaded"
assert_eq 5 "$(json_get "$output" .duplicates)" "json duplicates"
assert_eq 8 "$(json_get "$output" .rejected)" "json rejected"
[[ $(json_get "$output" '.placement_id | type') == number ]] || fail "placement_id is not a number"
ok arrears account list --json
assert_eq 5 "$(json_get "$output" length)" "accounts after re-import"

step "the same rows in another order are still already present"
{
  echo "$header"
  tail -n +2 placements.csv | tac
} >reordered.csv
ok arrears import placements reordered.csv --client ACME
contains "read 13 rows: loaded 0, already present 5, rejected 8" "$output"

step "a corrected reject loads on the next import"
csv_file fixed.csv "$header" "A-1004,Bad,Amount,,,,,,,,,,12.34,,,,"
ok arrears import placements fixed.csv --client ACME
contains "read 1 rows: loaded 1, already present 0, rejected 0" "$output"
assert_eq 1234 "$(balance ACME:A-1004 principal)" "A-1004 principal"

step "a CRLF file with a UTF-8 BOM and upper-case column names"
printf '\xef\xbb\xbfCLIENT_ACCOUNT,First_Name,LAST_NAME,Principal\r\nW-1,Wen,Wu,12.00\r\nW-2,Xi,Xu,13.00\r\n' >windows.csv
ok arrears import placements windows.csv --client ACME
contains "read 2 rows: loaded 2, already present 0, rejected 0" "$output"
ok arrears account show ACME:W-2 --json
assert_eq "Xu 1300" "$(json_get "$output" '"\(.debtor.last_name) \(.balance_cents.principal)"')" "W-2"

step "account show --json of a loaded account"
ok arrears account show ACME:A-1001 --json
a=$output
id1=$(json_get "$a" .id)
assert_eq ACME "$(json_get "$a" .client)" client
assert_eq A-1001 "$(json_get "$a" .client_account)" client_account
[[ -n $(json_get "$a" '.status // empty') ]] || fail "status is empty"
assert_eq Maria "$(json_get "$a" .debtor.first_name)" first_name
assert_eq Lopez "$(json_get "$a" .debtor.last_name)" last_name
contains Maria "$(json_get "$a" .debtor.name)"
contains Lopez "$(json_get "$a" .debtor.name)"
assert_eq "***-**-6789" "$(json_get "$a" .debtor.ssn)" "masked ssn"
assert_eq "****-**-**" "$(json_get "$a" .debtor.dob)" "masked dob"
assert_eq "100000 5000 2500 0 107500" \
  "$(json_get "$a" '.balance_cents | "\(.principal) \(.interest) \(.fees) \(.costs) \(.total)"')" balances
assert_eq USD "$(json_get "$a" .currency)" currency
assert_eq 2026-11-23 "$(json_get "$a" .placed_on)" placed_on
assert_eq 2025-01-15 "$(json_get "$a" .first_delinquency_on)" first_delinquency_on
assert_eq null "$(json_get "$a" .last_payment_on)" last_payment_on
contains 2175550100 "$(json_get "$a" '.phones | tostring' | tr -cd '0-9')"
contains "maria@example.com" "$(json_get "$a" '.emails | tostring')"
contains "12 Main St" "$(json_get "$a" '.addresses | tostring')"
contains "62701" "$(json_get "$a" '.addresses | tostring')"
ok arrears account show "$id1" --json
assert_eq "$id1" "$(json_get "$output" .id)" "show by id"

step "quoted fields keep their commas and quotes"
ok arrears account show ACME:A-1006 --json
assert_eq 'Ann "Annie"' "$(json_get "$output" .debtor.first_name)" first_name
assert_eq "O'Brien, Jr" "$(json_get "$output" .debtor.last_name)" last_name
contains "1 Elm St, Apt 2" "$(json_get "$output" '.addresses | tostring')"

step "two accounts with the same SSN share one debtor; others do not"
d1=$(json_get "$a" .debtor.id)
ok arrears account show ACME:A-1002 --json
assert_eq "$d1" "$(json_get "$output" .debtor.id)" "debtor of A-1002"
assert_eq "***-**-6789" "$(json_get "$output" .debtor.ssn)" "masked ssn of A-1002"
ok arrears account show ACME:A-1003 --json
d3=$(json_get "$output" .debtor.id)
[[ $d3 != "$d1" ]] || fail "A-1003 (no SSN, other name) was linked to A-1001's debtor"
assert_eq null "$(json_get "$output" .debtor.ssn)" "ssn of a debtor without one"
assert_eq null "$(json_get "$output" .debtor.dob)" "dob of a debtor without one"
ok arrears account show ACME:A-1012 --json
d12=$(json_get "$output" .debtor.id)
[[ $d12 != "$d1" && $d12 != "$d3" ]] || fail "A-1012 (own SSN) was linked to another debtor"

step "the full SSN and DOB never appear in output"
for cmd in "account show ACME:A-1001" "account show ACME:A-1001 --json" \
  "account show ACME:A-1002 --json" "account list" "account list --json"; do
  # shellcheck disable=SC2086 # word splitting of $cmd is intended
  ok arrears $cmd
  for secret in 123-45-6789 123456789 1980-04-12 345-67-8901 345678901 1975-12-31; do
    not_contains "$secret" "$output"
    not_contains "$secret" "$errout"
  done
done
if [[ $(engine) == sqlite ]]; then
  step "the SSN and DOB are not stored in clear"
  ! grep -qa -e 123-45-6789 -e 123456789 -e 1980-04-12 "${ARREARS_DB#sqlite:}"* ||
    fail "the SSN or DOB appears in clear in the database files"
fi

step "--reveal needs a supervisor, compliance or admin user; refusals are audited"
ok arrears user add sam --name "Sam Supervisor" --role supervisor
ok arrears user add cal --name "Cal Collector" --role collector
ok arrears audit verify
events_before=$(grep -oE 'audit chain: [0-9]+' <<<"$output" | grep -oE '[0-9]+$')
fails 1 arrears account show ACME:A-1001 --json --reveal
contains "needs a user whose role" "$errout"
not_contains 123-45-6789 "$output"
fails 1 arrears --as cal account show ACME:A-1001 --json --reveal
not_contains 123-45-6789 "$output"
ok arrears audit verify
events_mid=$(grep -oE 'audit chain: [0-9]+' <<<"$output" | grep -oE '[0-9]+$')
assert_eq $((events_before + 2)) "$events_mid" "two access.denied events"

step "--reveal shows the full SSN and DOB, and is audited"
ok arrears --as sam account show ACME:A-1001 --json --reveal
assert_eq 123-45-6789 "$(json_get "$output" .debtor.ssn)" "revealed ssn"
assert_eq 1980-04-12 "$(json_get "$output" .debtor.dob)" "revealed dob"
ok arrears audit verify
events_after=$(grep -oE 'audit chain: [0-9]+' <<<"$output" | grep -oE '[0-9]+$')
assert_eq $((events_mid + 1)) "$events_after" "audit events after one reveal"

step "the same client_account under another client is a different account"
ok arrears client add OTHER --name "Other Bank"
csv_file other.csv "client_account,first_name,last_name,principal" "A-1001,Maria,Lopez,5.00"
ok arrears import placements other.csv --client OTHER
contains "read 1 rows: loaded 1, already present 0, rejected 0" "$output"
ok arrears account show OTHER:A-1001 --json
assert_eq 500 "$(json_get "$output" .balance_cents.principal)" "OTHER:A-1001 principal"
[[ $(json_get "$output" .id) != "$id1" ]] || fail "OTHER:A-1001 has the id of ACME:A-1001"

step "a header without a required column is refused; nothing loads"
csv_file noprincipal.csv "client_account,first_name,last_name,interest" "B-1,Al,Bee,1.00"
fails 1 arrears import placements noprincipal.csv --client ACME
contains principal "$errout"
csv_file empty.csv
fails 1 arrears import placements empty.csv --client ACME
ok arrears account list --json --client ACME
assert_eq 8 "$(json_get "$output" length)" "ACME accounts after refused imports"

step "a file that cannot be read is refused"
fails 1 arrears import placements no-such-file.csv --client ACME
fails 1 arrears import placements . --client ACME

step "a language column sets the debtor's language and is kept as an attribute"
csv_file lang.csv "client_account,first_name,last_name,principal,Language" \
  "L-1,Ana,Ruiz,10.00,ES" "L-2,Bo,Li,5.00,"
ok arrears import placements lang.csv --client ACME
ok arrears account show ACME:L-1 --json
assert_eq "es ES" "$(json_get "$output" '"\(.debtor.language) \(.attributes.language)"')" "L-1 language"
ok arrears account show ACME:L-2 --json
assert_eq "en" "$(json_get "$output" .debtor.language)" "L-2 language defaults to en"

step "the rejects file may not be the file being imported"
cp lang.csv again.csv
fails 1 arrears import placements again.csv --client ACME --rejects ./again.csv
contains "is the file being imported" "$errout"
assert_eq 3 "$(wc -l <again.csv | tr -d ' ')" "the input file is untouched"

step "the rejects file may not be the database or its key"
if [[ $(engine) == sqlite ]]; then
  fails 1 arrears import placements lang.csv --client ACME --rejects "${ARREARS_DB#sqlite:}"
  contains "refusing to overwrite" "$errout"
fi
fails 1 arrears import placements lang.csv --client ACME --rejects "$ARREARS_KEY_FILE"
contains "refusing to overwrite" "$errout"
ok arrears audit verify
