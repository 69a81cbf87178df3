#!/usr/bin/env bash
# t_backdate.sh — backdated payments (--date) and balances as of a date: a payment
# counts from its effective date, whatever order payments were posted in, and
# last_payment_on is the latest effective date.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

view() { # ACCOUNT [options]: "fees total"
  local a=$1
  shift
  ok arrears account show "$a" --json "$@"
  json_get "$output" '"\(.balance_cents.fees) \(.balance_cents.total)"'
}

last_paid() { # ACCOUNT [options]: last_payment_on
  local a=$1
  shift
  ok arrears account show "$a" --json "$@"
  json_get "$output" .last_payment_on
}

step "placed on 2026-10-01"
ok arrears init
ok arrears client add ACME --name "Acme Bank"
simple_placement p.csv "B-1,Maria,Lopez,,500.00,,50.00"
ok env ARREARS_NOW=2026-10-01T15:00:00Z "$ARREARS" import placements p.csv --client ACME
ok arrears account show ACME:B-1 --json
assert_eq 2026-10-01 "$(json_get "$output" .placed_on)" placed_on

step "post a payment dated 2026-11-10, then one dated 2026-11-05"
ok arrears pay ACME:B-1 10.00 --date 2026-11-10
ok arrears pay ACME:B-1 20.00 --date 2026-11-05
ok arrears account show ACME:B-1 --json
assert_eq "2026-11-05 2026-11-10" "$(json_get "$output" '[.payments[].effective_on] | sort | join(" ")')" "payment dates"

step "balances as of dates"
assert_eq "5000 55000" "$(view ACME:B-1 --as-of 2026-10-15)" "as of 2026-10-15"
assert_eq "5000 55000" "$(view ACME:B-1 --as-of 2026-11-04)" "as of 2026-11-04"
assert_eq "3000 53000" "$(view ACME:B-1 --as-of 2026-11-05)" "as of 2026-11-05"
assert_eq "3000 53000" "$(view ACME:B-1 --as-of 2026-11-09)" "as of 2026-11-09"
assert_eq "2000 52000" "$(view ACME:B-1 --as-of 2026-11-10)" "as of 2026-11-10"
assert_eq "2000 52000" "$(view ACME:B-1)" "today"

step "last_payment_on is the latest effective date, not the latest posted"
assert_eq 2026-11-10 "$(last_paid ACME:B-1)" "last_payment_on today"

step "a payment today"
ok arrears pay ACME:B-1 5.00
assert_eq "1500 51500" "$(view ACME:B-1)" "today, after paying today"
assert_eq 2026-11-23 "$(last_paid ACME:B-1)" "last_payment_on after paying today"
assert_eq "2000 52000" "$(view ACME:B-1 --as-of 2026-11-22)" "as of yesterday"

step "as-of in the text view"
ok arrears account show ACME:B-1 --as-of 2026-11-04
contains B-1 "$output"

step "a payment dated tomorrow is refused"
fails 1 arrears pay ACME:B-1 5.00 --date 2026-11-24
assert_eq "1500 51500" "$(view ACME:B-1)" "after the refused payment"

step "last_payment_on as of a date counts only payments effective by then"
assert_eq null "$(last_paid ACME:B-1 --as-of 2026-11-04)" "last_payment_on as of 2026-11-04"
assert_eq 2026-11-05 "$(last_paid ACME:B-1 --as-of 2026-11-09)" "last_payment_on as of 2026-11-09"
assert_eq 2026-11-10 "$(last_paid ACME:B-1 --as-of 2026-11-22)" "last_payment_on as of 2026-11-22"
