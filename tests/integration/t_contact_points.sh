#!/usr/bin/env bash
# t_contact_points.sh — addresses, phones and emails: adding and changing them keeps
# the history (old value, new value, source, when, who) and every change is audited.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ok arrears init
ok arrears client add ACME --name "Acme Bank"
csv_file p.csv "client_account,first_name,last_name,principal,address1,city,state,zip,phone1,phone1_type,email" \
  "C-1,Ann,Lee,100.00,1 Old Rd,Springfield,IL,62701,(217) 555-0100,mobile,ann@example.com"
ok arrears import placements p.csv --client ACME

step "a new address becomes current; the old one is kept as former, with history"
ok arrears address add ACME:C-1 --line1 "9 New St" --city Chicago --state il --zip 60601 --source skip_trace
ok arrears account show ACME:C-1 --json
assert_eq "former unverified" "$(json_get "$output" '[.addresses[].status] | join(" ")')" "address statuses"
assert_eq "IL" "$(json_get "$output" '.addresses[1].state')" "state upper-cased"
assert_eq "2026-11-23" "$(json_get "$output" '.addresses[0].valid_to')" "old address end date"
assert_eq "status unverified former skip_trace" \
  "$(json_get "$output" '.addresses[0].history[0] | "\(.field) \(.old) \(.new) \(.source)"')" "address history"
fails 1 arrears address add ACME:C-1 --line1 "1 X" --city Y --state ZZ --zip 60601
contains "state" "$errout"
fails 1 arrears address add ACME:C-1 --line1 "1 X" --city Y --state IL --zip 6060
contains "zip" "$errout"

step "phones: added, duplicates refused, status and consent changes kept"
ok arrears phone add ACME:C-1 "312-555-0199" --type work --consent granted
fails 1 arrears phone add ACME:C-1 2175550100
contains "already on file" "$errout"
fails 1 arrears phone add ACME:C-1 "123"
ok arrears account show ACME:C-1 --json
phone1=$(json_get "$output" '.phones[0].id')
ok arrears phone update "$phone1" --status wrong_number --consent revoked --source call
fails 1 arrears phone update "$phone1" --status nonsense
fails 1 arrears phone update "$phone1"
ok arrears account show ACME:C-1 --json
assert_eq "wrong_number revoked" "$(json_get "$output" '.phones[0] | "\(.status) \(.consent)"')" "phone now"
assert_eq "status:unverified>wrong_number consent:unknown>revoked" \
  "$(json_get "$output" '[.phones[0].history[] | "\(.field):\(.old)>\(.new)"] | join(" ")')" "phone history"

step "emails: added, bad ones refused; addresses have no consent"
ok arrears email add ACME:C-1 Ann.Lee@Example.ORG
fails 1 arrears email add ACME:C-1 not-an-email
ok arrears account show ACME:C-1 --json
address1=$(json_get "$output" '.addresses[0].id')
fails 1 arrears address update "$address1" --consent granted
ok arrears account show ACME:C-1 --json
assert_eq 2 "$(json_get "$output" '.emails | length')" "emails"

step "every change is in the audit chain, which verifies"
ok arrears audit verify
