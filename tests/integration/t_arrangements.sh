#!/usr/bin/env bash
# t_arrangements.sh — payment plans, promises, settlements and approvals through the
# command line, on both engines: SPEC.md's plan create --json, the client's limits,
# the approvals inbox, re-negotiation history, monitoring at the grace-day boundary,
# and a completed settlement written off to a zero balance.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ok arrears init
ok arrears client add ACME --name "Acme Bank"
ok arrears client limits ACME --min-installment 50.00 --max-months 12 --settlement-floor-pct 60 --grace-days 3
simple_placement p.csv 'P1,Ann,Lee,,1000.00,0,0' 'P2,Bob,Ray,,900.00,0,0' 'P3,Cy,Dee,,100.00,0,0'
ok arrears import placements p.csv --client ACME

step "plan create --json (SPEC.md): within the limits it is active; the schedule sums exactly"
ok arrears plan create ACME:P1 --total 1000.00 --frequency monthly --count 3 --first 2027-01-31 --down 100.00 --authorization ach --json
assert_eq active "$(json_get "$output" .status)" "status"
p1=$(json_get "$output" .id)
assert_eq '["2026-11-23","2027-01-31","2027-02-28","2027-03-31"]' "$(jq -c '[.installments[].due_on]' <<<"$output")" "due dates, month-end without drift"
assert_eq '[10000,30000,30000,30000]' "$(jq -c '[.installments[].amount_cents]' <<<"$output")" "amounts"
assert_eq ach "$(json_get "$output" .authorization.method)" "recurring-payment authorization"
ok arrears plan create ACME:P3 --total 100.00 --frequency weekly --count 3 --first 2026-11-30 --json
assert_eq '[3333,3333,3334]' "$(jq -c '[.installments[].amount_cents]' <<<"$output")" "the remainder on the last"
assert_eq pending_approval "$(json_get "$output" .status)" "33.33 is below the 50.00 minimum"
assert_eq '["below_min_installment"]' "$(jq -c .needs_approval <<<"$output")" "why"
p3=$(json_get "$output" .id)
ok arrears approval list --json
ok arrears approval approve "$(jq -r --argjson p "$p3" '.items[] | select(.plan_id == $p) | .id' <<<"$output")"

step "bad input names the field"
fails 1 arrears plan create ACME:P1 --total 2000.00 --frequency monthly --count 3 --first 2027-01-31
contains "total is more than the balance owed" "$errout"
fails 1 arrears plan create ACME:P1 --total 100.00 --frequency fortnightly --count 3 --first 2027-01-31
contains "frequency must be weekly, biweekly, semimonthly or monthly" "$errout"
fails 1 arrears plan create ACME:P1 --total 100.00 --frequency monthly --count 3 --first 2020-01-31
contains "first is in the past" "$errout"
fails 1 arrears plan create ACME:P1 --total 1.0.0 --frequency monthly --count 3 --first 2027-01-31
contains 'total "1.0.0"' "$errout"
fails 2 arrears plan create ACME:P1 --total 100.00 --frequency monthly --count 0 --first 2027-01-31

step "outside the limits: pending until a supervisor approves; re-negotiating keeps history"
ok arrears plan create ACME:P1 --total 900.00 --frequency monthly --count 24 --first 2026-12-15 --json
assert_eq pending_approval "$(json_get "$output" .status)" "24 months > 12"
contains too_long "$(jq -c .needs_approval <<<"$output")"
contains below_balance "$(jq -c .needs_approval <<<"$output")"
p2=$(json_get "$output" .id)
ok arrears approval list --json
aid=$(jq -r --argjson p "$p2" '.items[] | select(.plan_id == $p) | .id' <<<"$output")
[[ -n $aid ]] || fail "the plan is not in the approvals inbox"
ok arrears plan list ACME:P1 --json
assert_eq active "$(jq -r --argjson p "$p1" '.items[] | select(.id == $p) | .status' <<<"$output")" "the old plan stays active while pending"
ok arrears approval approve "$aid" --note "hardship documented"
ok arrears plan list ACME:P1 --json
assert_eq superseded "$(jq -r --argjson p "$p1" '.items[] | select(.id == $p) | .status' <<<"$output")" "old plan superseded"
assert_eq active "$(jq -r --argjson p "$p2" '.items[] | select(.id == $p) | .status' <<<"$output")" "new plan active"
assert_eq "$p1" "$(jq -r --argjson p "$p2" '.items[] | select(.id == $p) | .replaces_id' <<<"$output")" "history link"
fails 1 arrears approval approve "$aid"
contains "is not pending" "$errout"
ok arrears audit list --action approval.approve --json
assert_eq 2 "$(json_get "$output" '.items | length')" "both approvals audited"

step "monitoring: kept at due + grace days, broken one day later, back to work with the reason"
ok arrears pay ACME:P3 33.33 --key p3-1
ok arrears arrangements monitor --json
ok arrears plan list ACME:P3 --json
assert_eq '["kept","pending","pending"]' "$(jq -c '[.items[0].installments[].status]' <<<"$output")" "first kept early"
# The second installment is due 2026-12-07; grace 3 days: 2026-12-10 is the deadline.
ARREARS_NOW=2026-12-10T20:00:00Z ok arrears arrangements monitor --json
ok arrears plan list ACME:P3 --json
assert_eq active "$(json_get "$output" '.items[0].status')" "still inside the grace days"
ARREARS_NOW=2026-12-11T20:00:00Z ok arrears arrangements monitor --json
assert_eq 1 "$(json_get "$output" .broken)" "broken the day after"
ok arrears plan list ACME:P3 --json
assert_eq broken "$(json_get "$output" '.items[0].status')" "plan broken"
contains "installment 2 due 2026-12-07 not paid" "$(json_get "$output" '.items[0].reason')"
ok arrears account show ACME:P3 --json
contains "installment 2 due 2026-12-07 not paid" "$(jq -r '.notes[0].body' <<<"$output")"

step "a promise to pay: kept or broken by its grace days"
ok arrears promise add ACME:P1 --amount 20.00 --on 2026-11-25
ARREARS_NOW=2026-11-28T20:00:00Z ok arrears arrangements monitor --json
assert_eq open "$(db_sql "SELECT status FROM promises WHERE amount_cents = 2000")" "inside grace"
ARREARS_NOW=2026-11-29T20:00:00Z ok arrears arrangements monitor --json
assert_eq broken "$(db_sql "SELECT status FROM promises WHERE amount_cents = 2000")" "broken after grace"
ok arrears account show ACME:P1 --json
contains "broken: 2000 cents due 2026-11-25, 0 paid within 3 grace days" "$(jq -r '.notes[0].body' <<<"$output")"
ARREARS_NOW=2026-11-29T20:00:00Z ok arrears promise add ACME:P1 --amount 30.00 --on 2026-12-01
ARREARS_NOW=2026-12-04T20:00:00Z ok arrears pay ACME:P1 30.00 --key pr-1
ARREARS_NOW=2026-12-05T20:00:00Z ok arrears arrangements monitor --json
assert_eq kept "$(db_sql "SELECT status FROM promises WHERE amount_cents = 3000")" "paid on the last grace day"
# Two promises and one payment: the payment counts once, toward the earlier promise.
ARREARS_NOW=2026-12-05T20:00:00Z ok arrears promise add ACME:P1 --amount 20.00 --on 2026-12-07
ARREARS_NOW=2026-12-05T20:00:00Z ok arrears promise add ACME:P1 --amount 25.00 --on 2026-12-08
ARREARS_NOW=2026-12-08T20:00:00Z ok arrears pay ACME:P1 30.00 --key pr-2
ARREARS_NOW=2026-12-12T20:00:00Z ok arrears arrangements monitor --json
assert_eq kept "$(db_sql "SELECT status FROM promises WHERE amount_cents = 2000 AND due_on = '2026-12-07'")" "the earlier promise"
assert_eq partial "$(db_sql "SELECT status FROM promises WHERE amount_cents = 2500")" "the rest of the payment"
assert_eq 1000 "$(db_sql "SELECT paid_cents FROM promises WHERE amount_cents = 2500")" "10.00 left for it"
fails 2 arrears promise add ACME:P3 --amount 20.00
fails 1 arrears promise add ACME:P3 --amount 20.00 --on 2020-01-01

step "credit extensions always wait for a supervisor: a due-date change, a re-aging"
# P3's plan is broken (installment 2 missed): re-age it from 2027-01-04.
p3=$(db_sql "SELECT id FROM plans WHERE account_id = (SELECT id FROM accounts WHERE client_account = 'P3') AND status = 'broken'")
fails 1 arrears extension request "$p3" --kind due_date --to 2027-01-04 --reason "paycheck moved"
contains "a due-date change is for an active plan" "$errout"
fails 1 arrears extension request "$p3" --kind stretch --to 2027-01-04 --reason x
contains "kind must be due_date or re_age" "$errout"
ARREARS_NOW=2026-12-12T20:00:00Z ok arrears extension request "$p3" --kind re_age --to 2027-01-04 --reason "back at work"
ok arrears plan list ACME:P3 --json
assert_eq broken "$(json_get "$output" '.items[0].status')" "nothing changes before approval"
ok arrears approval list --json
ext=$(jq -r '.items[] | select(.kind == "extension") | .id' <<<"$output")
ARREARS_NOW=2026-12-12T20:00:00Z ok arrears approval approve "$ext"
ok arrears plan list ACME:P3 --json
assert_eq active "$(json_get "$output" '.items[0].status')" "re-aged plan is active"
# 100.00 in 3 weekly: 33.33 kept; what is still owed (66.67) spread from 2027-01-04.
assert_eq '["2026-11-30","2027-01-04","2027-01-11"]' "$(jq -c '[.items[0].installments[].due_on]' <<<"$output")" "rescheduled"
assert_eq '[3333,3333,3334]' "$(jq -c '[.items[0].installments[].amount_cents]' <<<"$output")" "spread again"
assert_eq 10000 "$(jq '[.items[0].installments[].amount_cents] | add' <<<"$output")" "the plan total is unchanged"
ok arrears audit list --action plan.re_age --json
assert_eq 1 "$(json_get "$output" '.items | length')" "audited"
ARREARS_NOW=2026-12-12T20:00:00Z ok arrears extension request "$p3" --kind due_date --to 2027-01-15 --reason "paycheck moved"
ok arrears approval list --json
ext=$(jq -r '.items[] | select(.kind == "extension") | .id' <<<"$output")
ARREARS_NOW=2026-12-12T20:00:00Z ok arrears approval reject "$ext" --note "no"
ok arrears plan list ACME:P3 --json
assert_eq 2027-01-04 "$(json_get "$output" '.items[0].installments[1].due_on')" "a rejected change changes nothing"

step "the financial statement: versions, affordability and options within the limits"
cat >fs.json <<'JSON'
{"dependents": 2, "hardship": "reduced hours",
 "income": [{"source": "wages", "amount": "1000.00", "period": "weekly"},
            {"source": "benefits", "amount": "200.00", "period": "monthly"}],
 "expenses": [{"category": "housing", "amount": "1500.00", "period": "monthly"},
              {"category": "food", "amount": "600.00", "period": "monthly"},
              {"category": "transport", "amount": "1200.00", "period": "annual"}],
 "assets": [{"kind": "savings", "amount": "150.00"}, {"kind": "vehicle_equity", "amount": "3000.00"}]}
JSON
ok arrears statement add ACME:P2 --file fs.json
ok arrears statement add ACME:P2 --file fs.json
ok arrears statement show ACME:P2 --json
assert_eq 453333 "$(json_get "$output" .affordability.income_monthly_cents)" "4333.33 + 200.00"
assert_eq 220000 "$(json_get "$output" .affordability.expenses_monthly_cents)" "1500 + 600 + 100"
assert_eq 233333 "$(json_get "$output" .affordability.disposable_monthly_cents)" "disposable"
assert_eq 15000 "$(json_get "$output" .affordability.liquid_assets_cents)" "savings, not equity"
assert_eq 1 "$(json_get "$output" '.history | length')" "the older version kept"
assert_eq pay_in_full "$(json_get "$output" '.options[0].kind')" "first option"
assert_eq true "$(json_get "$output" '.options[0].affordable')" "disposable covers 900.00"
contains settlement_lump_sum "$(jq -c '[.options[].kind]' <<<"$output")"
echo '{"income":[{"source":"wages","amount":"10.00","period":"daily"}]}' >bad.json
fails 1 arrears statement add ACME:P2 --file bad.json
contains "income[0].period must be weekly" "$errout"
echo '{"expenses":[{"category":"yachts","amount":"10.00","period":"weekly"}]}' >bad.json
fails 1 arrears statement add ACME:P2 --file bad.json
contains "expenses[0].category must be one of" "$errout"

step "settlements: the floor, acceptance, and completion writes off the remainder"
ok arrears settlement offer ACME:P2 --amount 500.00 --due 2026-12-15 --json
assert_eq pending_approval "$(json_get "$output" .status)" "below the 60% floor (540.00)"
contains below_settlement_floor "$(jq -c .needs_approval <<<"$output")"
ok arrears settlement offer ACME:P2 --amount 540.00 --due 2026-12-15 --json
assert_eq offered "$(json_get "$output" .status)" "at the floor"
s1=$(json_get "$output" .id)
fails 1 arrears settlement offer ACME:P2 --amount 900.00 --due 2026-12-15
contains "a settlement is for less than the balance" "$errout"
ok arrears settlement accept "$s1"
fails 1 arrears settlement accept "$s1"
ok arrears pay ACME:P2 540.00 --key s-1
ok arrears arrangements monitor --json
assert_eq 1 "$(json_get "$output" .settled)" "settled"
ok arrears account show ACME:P2 --json
assert_eq settled "$(json_get "$output" .status)" "account closed as settled"
assert_eq 0 "$(json_get "$output" .balance_cents.total)" "zero balance"
assert_eq -36000 "$(jq '[.ledger[] | select(.kind == "settlement") | .total_cents] | add' <<<"$output")" "write-off = remainder"
fails 1 arrears plan create ACME:P2 --total 10.00 --frequency monthly --count 1 --first 2027-01-31
contains "is settled; no new arrangements" "$errout"
# An offer leaves the plan in force until the debtor accepts it.
ok arrears settlement offer ACME:P1 --amount 800.00 --due 2026-12-20 --json
s2=$(json_get "$output" .id)
ok arrears plan list ACME:P1 --json
assert_eq active "$(jq -r --argjson p "$p2" '.items[] | select(.id == $p) | .status' <<<"$output")" "the plan runs while the offer is open"
ok arrears settlement accept "$s2"
ok arrears plan list ACME:P1 --json
assert_eq superseded "$(jq -r --argjson p "$p2" '.items[] | select(.id == $p) | .status' <<<"$output")" "accepting replaces the plan"
ok arrears audit verify

step "property: every completed settlement leaves zero owed, the write-off equal to the remainder"
ok arrears client add PROP --name "Property Client"
ok arrears client limits PROP --settlement-floor-pct 40
rows=()
RANDOM=7
for i in $(seq 1 12); do
  p=$((RANDOM % 500000 + 1000)) int=$((RANDOM % 20000)) fee=$((RANDOM % 5000))
  rows+=("S$i,Pat,Roe$i,,$((p / 100)).$(printf %02d $((p % 100))),$((int / 100)).$(printf %02d $((int % 100))),$((fee / 100)).$(printf %02d $((fee % 100)))")
done
simple_placement s.csv "${rows[@]}"
ok arrears import placements s.csv --client PROP
for i in $(seq 1 12); do
  ok arrears account show "PROP:S$i" --json
  owed=$(json_get "$output" .balance_cents.total)
  # A settlement between the 40% floor and the balance, paid in one or two payments.
  amt=$(((owed * 4 + 9) / 10 + RANDOM % (owed - (owed * 4 + 9) / 10)))
  ok arrears settlement offer "PROP:S$i" --amount "$((amt / 100)).$(printf %02d $((amt % 100)))" --due 2026-12-20 --json
  sid=$(json_get "$output" .id)
  assert_eq offered "$(json_get "$output" .status)" "S$i at or above the floor"
  ok arrears settlement accept "$sid"
  half=$((amt / 2))
  ok arrears pay "PROP:S$i" "$((half / 100)).$(printf %02d $((half % 100)))" --key "prop-$i-a"
  rest=$((amt - half))
  ok arrears pay "PROP:S$i" "$((rest / 100)).$(printf %02d $((rest % 100)))" --key "prop-$i-b"
done
ok arrears arrangements monitor --json
assert_eq 12 "$(json_get "$output" .settled)" "all settled"
for i in $(seq 1 12); do
  ok arrears account show "PROP:S$i" --json
  assert_eq 0 "$(json_get "$output" .balance_cents.total)" "S$i owes nothing"
  placed=$(jq '[.ledger[] | select(.kind == "placement") | .total_cents] | add' <<<"$output")
  paid=$(jq '[.ledger[] | select(.kind == "payment") | .total_cents] | add' <<<"$output")
  off=$(jq '[.ledger[] | select(.kind == "settlement") | .total_cents] | add' <<<"$output")
  assert_eq "$((placed + paid))" "$((-off))" "S$i write-off = what remained"
  assert_eq settled "$(json_get "$output" .status)" "S$i settled"
done
ok arrears audit verify
