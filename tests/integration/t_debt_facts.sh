#!/usr/bin/env bash
# t_debt_facts.sh — facts about a debt the compliance rules rest on, on both engines:
# the itemization date's basis (chosen once per debt) and the itemization computed
# from the ledger; bundled federal student loans counted as one debt for the call
# limits.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ok arrears init
ok arrears client add ACME --name "Acme Bank"
ok arrears client add EDU --name "Federal Loan Servicer"

step "the itemization basis from the placement file, checked against its dates"
csv_file p.csv \
  'client_account,first_name,last_name,principal,interest,fees,charge_off_date,last_payment_date,itemization_date,itemization_basis' \
  'C1,Ann,Lee,1000.00,50.00,25.00,2025-06-30,2025-01-15,,charge_off' \
  'C2,Bob,Ray,500.00,0,0,2025-06-30,2025-01-15,2025-05-31,last_statement' \
  'C3,Cy,Dee,500.00,0,0,2025-06-30,2025-01-15,2025-05-31,charge_off' \
  'C4,Di,Fox,500.00,0,0,,,,judgment' \
  'C5,Ed,Gray,500.00,0,0,2025-06-30,,2025-06-30,'
ok arrears import placements p.csv --client ACME --rejects rej.csv
contains "loaded 3, already present 0, rejected 2" "$output"
contains "4,field itemization_date: is not the charge_off_date its basis says it is" "$(cat rej.csv)"
contains "5,field itemization_basis: needs itemization_date" "$(cat rej.csv)"
ok arrears account show ACME:C1 --json
assert_eq charge_off "$(json_get "$output" .itemization_basis)" "basis"
assert_eq 2025-06-30 "$(json_get "$output" .itemization_date)" "date taken from charge_off_date"
ok arrears account show ACME:C5 --json
assert_eq charge_off "$(json_get "$output" .itemization_basis)" "basis inferred from the date"

step "the itemization from the ledger: amount then, interest, fees, payments, credits since"
ok arrears pay ACME:C1 100.00 --key it-1
ok arrears pay ACME:C1 40.00 --key it-2
ok arrears payment reverse "$(db_sql "SELECT id FROM payments WHERE idempotency_key = 'it-2'")" --reason nsf
ok arrears account adjust ACME:C1 --bucket fees --amount 15.00 --reason "returned check fee"
ok arrears account adjust ACME:C1 --bucket principal --amount -20.00 --reason "goodwill credit"
ok arrears account show ACME:C1 --json
it=$(jq -c .itemization <<<"$output")
assert_eq 107500 "$(json_get "$it" .amount_cents)" "amount on the itemization date"
assert_eq 0 "$(json_get "$it" .interest_cents)" "interest since"
assert_eq 1500 "$(json_get "$it" .fees_cents)" "fees since"
assert_eq 10000 "$(json_get "$it" .payments_cents)" "payments since, net of the NSF"
assert_eq 2000 "$(json_get "$it" .credits_cents)" "credits since"
assert_eq 97000 "$(json_get "$it" .current_cents)" "current amount"
assert_eq "$(json_get "$output" .balance_cents.total)" "$(json_get "$it" .current_cents)" "current = balance"

step "account itemization: chosen once per debt, fixed once a validation notice is sent"
fails 1 arrears account itemization ACME:C2 --basis judgment
contains "has no judgment date on file; give the date" "$errout"
fails 1 arrears account itemization ACME:C2 --basis weekly --date 2025-05-31
contains "basis must be one of" "$errout"
fails 1 arrears account itemization ACME:C2 --basis transaction --date 2099-01-01
contains "must not be in the future" "$errout"
ok arrears account itemization ACME:C2 --basis charge_off
ok arrears account show ACME:C2 --json
assert_eq 2025-06-30 "$(json_get "$output" .itemization_date)" "date from the charge-off"
ok arrears account event ACME:C2 --type validation_notice_sent --at 2026-11-20T12:00:00Z
fails 1 arrears account itemization ACME:C2 --basis last_statement --date 2025-05-31
contains "a validation notice has been sent" "$errout"
ok arrears audit list --action account.itemization --json
assert_eq 1 "$(json_get "$output" '.items | length')" "one audited change"

step "federal student loans serviced under one account number count as one debt"
csv_file s.csv \
  'client_account,first_name,last_name,ssn,principal,account_type,federal_loan_bundle,state,phone1' \
  'L1,Flo,Hart,123-45-6789,3000.00,student_loan,DL-778,IL,3125550111' \
  'L2,Flo,Hart,123-45-6789,2000.00,student_loan,DL-778,IL,3125550111' \
  'L3,Flo,Hart,123-45-6789,1000.00,student_loan,,IL,3125550111' \
  'L4,Gus,Ives,287-65-4321,1000.00,credit_card,DL-9,IL,3125550112'
ok arrears import placements s.csv --client EDU --rejects srej.csv
contains "loaded 3" "$output"
contains "5,field federal_loan_bundle: is only for account_type student_loan" "$(cat srej.csv)"
for d in 16 17 18 19 20 21 22; do
  ok arrears contact log EDU:L1 --channel call --to 3125550111 --at "2026-11-${d}T16:00:00Z" --outcome no_answer
done
ok arrears contact check EDU:L2 --channel call --to 3125550111 --at 2026-11-22T20:00:00Z --json
assert_eq false "$(json_get "$output" .allowed)" "L2 is the same debt as L1"
assert_eq CALL_FREQUENCY "$(json_get "$output" '.reasons[0].code')" "7 calls in 7 days on the bundle"
ok arrears contact check EDU:L3 --channel call --to 3125550111 --at 2026-11-22T20:00:00Z --json
assert_eq true "$(json_get "$output" .allowed)" "L3 is not in the bundle: its own debt"

step "the statute of limitations from the table, by state and debt type"
ok arrears client add OLD --name "Old Accounts"
csv_file o.csv \
  'client_account,first_name,last_name,principal,account_type,address1,city,state,last_payment_date,first_delinquency_date,federal_loan_bundle' \
  'TB1,Hal,Jay,800.00,credit_card,1 Main St,Austin,TX,2020-01-15,2020-03-01,' \
  'OK1,Ida,Kay,800.00,credit_card,2 Main St,Austin,TX,2023-05-01,2023-06-01,' \
  'FED,Jo,Lee,900.00,student_loan,3 Main St,Austin,TX,2001-01-01,2001-02-01,DL-1' \
  'NOST,Kim,May,700.00,credit_card,,,,2022-01-01,2022-02-01,'
ok arrears import placements o.csv --client OLD
contains "loaded 4" "$output"
ok arrears account show OLD:TB1 --json
sol=$(jq -c .statute_of_limitations <<<"$output")
assert_eq TX "$(json_get "$sol" .state)" "state from the address"
assert_eq open_account "$(json_get "$sol" .category)" "a card is an open account"
assert_eq 4 "$(json_get "$sol" .years)" "Texas: 4 years"
assert_eq 2020-03-01 "$(json_get "$sol" .starts_on)" "later of last payment and first delinquency"
assert_eq 2024-03-01 "$(json_get "$sol" .expires_on)" "expiry"
assert_eq true "$(json_get "$sol" .time_barred)" "time-barred"
contains "16.004" "$(json_get "$sol" .citation)"
ok arrears account show OLD:TB1 --json --as-of 2024-02-29
assert_eq false "$(json_get "$output" .statute_of_limitations.time_barred)" "the day before expiry"
ok arrears account show OLD:OK1 --json
assert_eq false "$(json_get "$output" .statute_of_limitations.time_barred)" "inside the period"
ok arrears account show OLD:FED --json
assert_eq true "$(json_get "$output" .statute_of_limitations.no_limit)" "federal student loan"
assert_eq false "$(json_get "$output" .statute_of_limitations.time_barred)" "never barred"
ok arrears account show OLD:NOST --json
assert_eq false "$(json_get "$output" .statute_of_limitations.state_known)" "no state on file"
ok arrears compliance statutes --state tx --json
assert_eq 4 "$(json_get "$output" '.items[0].years.open_account')" "the table row"
fails 1 arrears compliance statutes --state ZZ

step "a time-barred debt: no threat of suit, no referral for suit; payment may still be asked"
ok arrears contact check OLD:TB1 --channel letter --at 2026-11-23T15:00:00Z --json
assert_eq true "$(json_get "$output" .allowed)" "a letter asking for payment"
ok arrears contact check OLD:TB1 --channel letter --threatens-suit --at 2026-11-23T15:00:00Z --json
assert_eq false "$(json_get "$output" .allowed)" "a letter threatening suit"
assert_eq TIME_BARRED "$(json_get "$output" '.reasons[0].code')" "reason"
assert_eq null "$(json_get "$output" .next_allowed_at)" "never"
fails 1 arrears account event OLD:TB1 --type suit_referred --at 2026-11-23T12:00:00Z --note "Smith & Co"
contains "may not be referred for suit: TIME_BARRED (12 CFR 1006.26(b)); the limitation period ended on 2024-03-01" "$errout"
ok arrears account event OLD:OK1 --type suit_referred --at 2026-11-23T12:00:00Z --note "Smith & Co"
ok arrears account event OLD:FED --type suit_referred --at 2026-11-23T12:00:00Z
ok arrears account event OLD:OK1 --type bankruptcy_filed --at 2026-11-23T13:00:00Z
fails 1 arrears account event OLD:OK1 --type suit_referred --at 2026-11-23T14:00:00Z
contains "may not be referred for suit: BANKRUPTCY (11 U.S.C. 362(a))" "$errout"
ok arrears account event OLD:OK1 --type cease_written --at 2026-11-23T14:10:00Z
ok arrears account event OLD:OK1 --type bankruptcy_filed --release --at 2026-11-23T14:20:00Z
ok arrears account event OLD:OK1 --type suit_referred --at 2026-11-23T14:30:00Z --note "a cease still allows a remedy"
