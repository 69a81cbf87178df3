#!/usr/bin/env bash
# t_compliance.sh — the compliance engine through the command line, on both engines:
# `contact check` (SPEC.md's JSON, next_allowed_at), account events and their release,
# the Massachusetts overlay from the address, and the admins' rule switches.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ok arrears init
ok arrears client add ACME --name "Acme Bank"
csv_file p.csv \
  'client_account,first_name,last_name,principal,address1,city,state,zip,phone1,phone1_type' \
  'MA1,Ann,Lee,100.00,1 Main St,Boston,MA,02108,6175550101,mobile' \
  'IL1,Bob,Ray,100.00,2 Elm St,Chicago,IL,60601,3125550102,home' \
  'FL1,Cy,Dee,100.00,3 Oak St,Miami,FL,,3055550103,home' \
  'FL2,Cy,Eve,100.00,5 Bay Rd,Miami,FL,33101,8505550105,mobile' \
  'FL3,Cy,Fay,100.00,6 Bay Rd,Miami,FL,33101,3055550106,home' \
  'AK1,Dee,Fox,100.00,4 Pine St,Chicago,IL,60601,9075550104,mobile'
ok arrears import placements p.csv --client ACME

step "time of day in the address's zones (SPEC.md JSON)"
ok arrears contact check ACME:IL1 --channel call --at 2026-11-23T13:30:00Z --json
assert_eq false "$(json_get "$output" .allowed)" "07:30 in Chicago"
assert_eq INCONVENIENT_TIME "$(json_get "$output" '.reasons[0].code')" "reason"
assert_eq 2026-11-23T14:00:00Z "$(json_get "$output" .next_allowed_at)" "08:00 Chicago"
[[ $(jq -r '.reasons[0].message | length' <<<"$output") -gt 10 ]] || fail "no message"
ok arrears contact check ACME:IL1 --channel call --at 2026-11-23T14:00:00Z --json
assert_eq true "$(json_get "$output" .allowed)" "08:00 Chicago"
assert_eq 0 "$(jq '.reasons | length' <<<"$output")" "no reasons"
assert_eq null "$(json_get "$output" .next_allowed_at)" "no next when allowed"
# Florida spans Eastern and Central: with no ZIP, 08:30 in Miami is 07:30 in the
# panhandle, and both zones are candidates.
ok arrears contact check ACME:FL1 --channel call --at 2026-11-23T13:30:00Z --json
assert_eq false "$(json_get "$output" .allowed)" "07:30 Central"
assert_eq 2026-11-23T14:00:00Z "$(json_get "$output" .next_allowed_at)" "08:00 Central"
# A Miami ZIP pins the address to Eastern; a Miami phone agrees.
ok arrears contact check ACME:FL3 --channel call --at 2026-11-23T13:30:00Z --json
assert_eq true "$(json_get "$output" .allowed)" "08:30 in Miami, ZIP 33101"
assert_eq '["America/New_York"]' "$(jq -c .zones <<<"$output")" "zones of a Miami ZIP and 305"
# A Miami address with an 850 (panhandle, Central) phone: both zones again.
ok arrears contact check ACME:FL2 --channel call --at 2026-11-23T13:30:00Z --json
assert_eq false "$(json_get "$output" .allowed)" "07:30 where the 850 phone may be"
assert_eq 2026-11-23T14:00:00Z "$(json_get "$output" .next_allowed_at)" "08:00 Central"
contains "America/Chicago" "$(jq -c .zones <<<"$output")"
contains "America/New_York" "$(jq -c .zones <<<"$output")"
ok arrears contact check ACME:FL1 --channel letter --at 2026-11-23T09:00:00Z --json
assert_eq true "$(json_get "$output" .allowed)" "letters have no hours"

step "a phone's area code adds its zones (libphonenumber data): 907 is Anchorage and Adak"
ok arrears contact check ACME:AK1 --channel call --at 2026-11-23T17:30:00Z --json
assert_eq false "$(json_get "$output" .allowed)" "07:30 in Adak"
assert_eq 2026-11-23T18:00:00Z "$(json_get "$output" .next_allowed_at)" "08:00 in Adak"
contains "America/Adak" "$(jq -c .zones <<<"$output")"
contains "America/Chicago" "$(jq -c .zones <<<"$output")"
ok arrears contact check ACME:AK1 --channel call --at 2026-11-23T18:00:00Z --json
assert_eq true "$(json_get "$output" .allowed)" "08:00 in Adak, noon in Chicago"

step "Massachusetts: the third call in 7 days to a personal number"
ok arrears contact log ACME:MA1 --channel call --to 6175550101 --at 2026-11-23T14:00:00Z --outcome no_answer
ok arrears contact log ACME:MA1 --channel call --to 6175550101 --at 2026-11-23T14:30:00Z --outcome left_message
ok arrears contact check ACME:MA1 --channel call --to 6175550101 --at 2026-11-23T14:59:00Z --json
assert_eq STATE_CALL_LIMIT "$(json_get "$output" '.reasons[0].code')" "MA limit"
assert_eq 2026-11-30T13:00:00Z "$(json_get "$output" .next_allowed_at)" "08:00 Boston, 7 days on"
ok arrears compliance rule MA-CALLS-PERSONAL --off
ok arrears contact check ACME:MA1 --channel call --to 6175550101 --at 2026-11-23T14:59:00Z --json
assert_eq true "$(json_get "$output" .allowed)" "rule switched off"
ok arrears compliance rule MA-CALLS-PERSONAL --on
fails 1 arrears compliance rule NO-SUCH-RULE --off

step "events: a written cease holds everything but the letters it allows, until released"
ok arrears account event ACME:IL1 --type cease_written --at 2026-11-23T10:00:00Z --note "letter received"
ok arrears contact check ACME:IL1 --channel call --at 2026-11-23T15:00:00Z --json
assert_eq CEASE_COMMUNICATION "$(json_get "$output" '.reasons[0].code')" "cease"
assert_eq null "$(json_get "$output" .next_allowed_at)" "waiting does not help"
ok arrears account event ACME:IL1 --type cease_written --release --at 2026-11-23T14:30:00Z
ok arrears contact check ACME:IL1 --channel call --at 2026-11-23T15:00:00Z --json
assert_eq true "$(json_get "$output" .allowed)" "released"
fails 1 arrears account event ACME:IL1 --type cease_written --release
contains "no cease_written in effect" "$errout"

step "stated convenient hours win over 08:00-21:00"
ok arrears account event ACME:IL1 --type stated_convenient_hours --hours 10:00-16:00 --at 2026-11-23T09:00:00Z
ok arrears contact check ACME:IL1 --channel call --at 2026-11-23T15:30:00Z --json
assert_eq INCONVENIENT_TIME "$(json_get "$output" '.reasons[0].code')" "09:30 before stated 10:00"
assert_eq 2026-11-23T16:00:00Z "$(json_get "$output" .next_allowed_at)" "10:00 Chicago"
fails 1 arrears account event ACME:IL1 --type stated_convenient_hours --at 2026-11-23T09:00:00Z

step "a written dispute after the validation notice holds collection until verification"
ok arrears account event ACME:FL1 --type validation_notice_sent --at 2026-11-02T15:00:00Z
ok arrears account event ACME:FL1 --type dispute_written --at 2026-11-20T15:00:00Z
ok arrears contact check ACME:FL1 --channel call --at 2026-11-23T16:00:00Z --json
assert_eq DISPUTE_PENDING "$(json_get "$output" '.reasons[0].code')" "dispute"
ok arrears account event ACME:FL1 --type verification_sent --at 2026-11-22T15:00:00Z
ok arrears contact check ACME:FL1 --channel call --at 2026-11-23T16:00:00Z --json
assert_eq true "$(json_get "$output" .allowed)" "verification mailed"

step "logging what the engine refuses needs a supervisor's override, flagged for review"
fails 1 arrears contact log ACME:MA1 --channel call --to 6175550101 --at 2026-11-23T14:45:00Z --outcome no_answer
contains "STATE_CALL_LIMIT" "$errout"
contains "override" "$errout"
ok arrears user add cole --name "Cole Collector" --role collector
ok arrears user add sue --name "Sue Supervisor" --role supervisor
fails 1 arrears --as cole contact log ACME:MA1 --channel call --to 6175550101 --at 2026-11-23T14:45:00Z --outcome no_answer --override "debtor asked us to call"
contains "supervisor" "$errout"
ok arrears --as sue contact log ACME:MA1 --channel call --to 6175550101 --at 2026-11-23T14:45:00Z --outcome no_answer --override "debtor asked us to call back" --json
assert_eq pending "$(json_get "$output" .review)" "flagged for compliance review"
assert_eq "debtor asked us to call back" "$(json_get "$output" .override_reason)" "the reason kept"
ok arrears audit list --action contact.override --json
assert_eq sue "$(json_get "$output" '.items[0].actor')" "the override is audited"
# A contact the engine allows needs no override.
ok arrears contact log ACME:IL1 --channel letter --at 2026-11-23T14:50:00Z --outcome sent

step "the compliance report finds the call that broke the Massachusetts limit"
ok arrears compliance report --from 2026-11-23 --to 2026-11-23 --json
assert_eq 1 "$(json_get "$output" .violations)" "one call over the limit"
assert_eq STATE_CALL_LIMIT "$(json_get "$output" '.listed[0].reasons[0]')" "its reason"
assert_eq 1 "$(json_get "$output" .overrides)" "logged with an override"
assert_eq pending "$(json_get "$output" '.listed[0].review')" "waiting for review"
# The Massachusetts debtor had the busiest week: three calls (the override included).
assert_eq 3 "$(json_get "$output" '.busiest_weeks[0].calls')" "calls in 7 days"
ok arrears compliance report --from 2026-11-23 --to 2026-11-23 --csv
contains "STATE_CALL_LIMIT" "$output"
ok arrears compliance report --from 2026-11-01 --to 2026-11-30
contains "broke a rule" "$output"
fails 1 arrears compliance report --from 2026-11-30 --to 2026-11-01
fails 2 arrears compliance report --from 2026-11-01

step "after a conversation: a busy signal is not a call placed, a no-answer is"
ok arrears contact log ACME:FL1 --channel call --to 3055550103 --at 2026-11-23T14:10:00Z --outcome conversation
ok arrears contact log ACME:FL1 --channel call --to 3055550103 --at 2026-11-23T14:20:00Z --outcome busy
fails 1 arrears contact log ACME:FL1 --channel call --to 3055550103 --at 2026-11-23T14:30:00Z --outcome no_answer
contains "RECENT_CONVERSATION" "$errout"

step "refused input names the problem"
fails 1 arrears account event ACME:IL1 --type nonsense --at 2026-11-23T10:00:00Z
contains "not an account event" "$errout"
fails 1 arrears account event ACME:IL1 --type email_opt_out --at 2026-11-24T10:00:00Z
contains "future" "$errout"
fails 1 arrears contact check ACME:IL1 --channel fax --at 2026-11-23T15:00:00Z
fails 1 arrears contact check ACME:IL1 --channel call --to 12 --at 2026-11-23T15:00:00Z
fails 2 arrears contact check ACME:IL1 --at 2026-11-23T15:00:00Z
ok arrears compliance rules --json
[[ $(jq '.items | length' <<<"$output") -ge 15 ]] || fail "rules table"
ok arrears audit verify
