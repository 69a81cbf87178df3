#!/usr/bin/env bash
# t_client.sh — client add/list: codes are unique (a duplicate is refused with exit 1
# and changes nothing), commission and allocation order are stored, list --json has
# code, name, commission_pct, allocation_order.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

order_of() { # prints a client's allocation order as "a,b,c,d" (string or array)
  json_get "$1" ".[] | select(.code == \"$2\") | .allocation_order | if type == \"array\" then join(\",\") else . end"
}

ok arrears init

step "add clients"
ok arrears client add ACME --name "Acme Bank" --commission-pct 25
ok arrears client add MED --name "Mercy Hospital" --allocation-order principal,interest,fees,costs
ok arrears client add UTIL --name "City Power & Light" --commission-pct 12.5

step "a duplicate code is refused and changes nothing"
fails 1 arrears client add ACME --name "Another Acme"
[[ -n $errout ]] || fail "no message on stderr"

step "an invalid allocation order is refused"
fails 1 arrears client add BAD1 --name "Bad" --allocation-order costs,fees,bogus,principal
fails 1 arrears client add BAD2 --name "Bad" --allocation-order costs,fees

step "client list --json"
ok arrears client list --json
list=$output
assert_eq 3 "$(json_get "$list" length)" "number of clients"
assert_eq "Acme Bank" "$(json_get "$list" '.[] | select(.code == "ACME") | .name')" "ACME name"
assert_eq "City Power & Light" "$(json_get "$list" '.[] | select(.code == "UTIL") | .name')" "UTIL name"
pct=$(json_get "$list" '.[] | select(.code == "ACME") | .commission_pct | tostring')
[[ $pct =~ ^25(\.0+)?$ ]] || fail "ACME commission_pct: expected 25, got $pct"
pct=$(json_get "$list" '.[] | select(.code == "UTIL") | .commission_pct | tostring')
[[ $pct =~ ^12\.50*$ ]] || fail "UTIL commission_pct: expected 12.5, got $pct"
assert_eq "costs,fees,interest,principal" "$(order_of "$list" ACME)" "default allocation order"
assert_eq "principal,interest,fees,costs" "$(order_of "$list" MED)" "MED allocation order"

step "client list (text)"
ok arrears client list
contains ACME "$output"
contains "Acme Bank" "$output"
contains "Mercy Hospital" "$output"
not_contains "Another Acme" "$output"
