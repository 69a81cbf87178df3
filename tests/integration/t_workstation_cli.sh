#!/usr/bin/env bash
# t_workstation_cli.sh — the workstation's operations from the command line: passwords,
# roles and API tokens, search, logging a call with a promise, the work queue, and the
# audit list. (The same operations over HTTP are tests/api.)
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# 20:00 UTC: every US zone is between 08:00 and 21:00, so the call logged below is
# at a convenient time wherever the debtor lives (the compliance engine checks it).
export ARREARS_NOW=2026-11-23T20:00:00Z
ok arrears init
ok arrears demo --accounts 120 --seed 5

step "user passwd: from stdin, length rules, unknown users"
_run bash -c "printf 'a-long-enough-password\n' | \"$ARREARS\" user passwd alice --password-stdin"
assert_eq 0 "$rc" "passwd exit"
contains "password set for alice" "$output"
_run bash -c "printf 'short\n' | \"$ARREARS\" user passwd alice --password-stdin"
assert_eq 1 "$rc" "short password exit"
contains "10 to 200" "$errout"
_run bash -c "printf 'a-long-enough-password\n' | \"$ARREARS\" user passwd nobody --password-stdin"
assert_eq 1 "$rc" "unknown user exit"
fails 1 arrears user passwd alice </dev/null
contains "password-stdin" "$errout"

step "user role: change, client scoping rules, refused values"
ok arrears user add temp --name "Temp" --role collector
ok arrears user role temp supervisor --json
assert_eq supervisor "$(json_get "$output" .role)" "new role"
fails 1 arrears user role temp client
contains "client code" "$errout"
ok arrears user role temp client --client MERCY --json
assert_eq MERCY "$(json_get "$output" .client)" "client of the portal user"
fails 1 arrears user role temp janitor
ok arrears user list --json
contains '"username": "temp"' "$output"

step "user token: printed once, its hash stored, audited"
ok arrears user token alice --name "integration"
matches '^arr_[A-Za-z0-9_-]{43}$' "$output"
token=$output
if [[ $(engine) == sqlite ]]; then
  stored=$(db_sql "SELECT token_hash FROM api_tokens")
  not_contains "$token" "$stored"
fi
fails 2 arrears user token alice

step "account search: name, account number, SSN last 4, phone"
# An open account with an SSN and a usable phone, whose debtor had no contact in the
# last 9 days (so no frequency or after-conversation rule applies to the call below).
acct=$(db_sql "SELECT a.id FROM accounts a JOIN debtors d ON d.id = a.debtor_id WHERE d.ssn_last4 IS NOT NULL AND a.status = 'open' AND EXISTS (SELECT 1 FROM phones p WHERE p.debtor_id = d.id AND p.status = 'unverified') AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.debtor_id = d.id AND c.at >= '2026-11-14') ORDER BY a.id LIMIT 1")
last=$(db_sql "SELECT d.last_name FROM accounts a JOIN debtors d ON d.id = a.debtor_id WHERE a.id = $acct")
last4=$(db_sql "SELECT d.ssn_last4 FROM accounts a JOIN debtors d ON d.id = a.debtor_id WHERE a.id = $acct")
number=$(db_sql "SELECT client_account FROM accounts WHERE id = $acct")
phone=$(db_sql "SELECT p.number FROM accounts a JOIN phones p ON p.debtor_id = a.debtor_id WHERE a.id = $acct AND p.status = 'unverified' ORDER BY p.id LIMIT 1")
for q in "$last" "${last,,}" "$number" "$last4" "$phone"; do
  ok arrears account search "$q" --json
  ids=$(jq -r '[.items[].id] | map(tostring) | join(",")' <<<"$output")
  [[ ",$ids," == *",$acct,"* ]] || fail "search '$q' did not find account $acct (got $ids)"
done
ok arrears account search "' OR 1=1 --" --json
assert_eq 0 "$(jq '.items | length' <<<"$output")" "SQL metacharacters find nothing"
fails 1 arrears account search ""

step "contact log: a conversation with a promise; refused values name the field"
ok arrears --as alice contact log "$acct" --channel call --to "$phone" --at 2026-11-23T19:30:00Z \
  --outcome conversation --reason illness --note "will pay on the 1st" \
  --promise-amount 50.00 --promise-on 2026-12-01 --json
assert_eq 5000 "$(json_get "$output" .promise.amount_cents)" "promise amount"
assert_eq 2026-12-01 "$(json_get "$output" .promise.due_on)" "promise date"
assert_eq alice "$(json_get "$output" .actor)" "attributed to alice"
fails 1 arrears contact log "$acct" --channel fax --outcome busy
contains "channel" "$errout"
fails 1 arrears contact log "$acct" --channel call --outcome no_answer --promise-amount 5.00 --promise-on 2026-12-01
contains "conversation" "$errout"
fails 1 arrears contact log "$acct" --channel call --outcome conversation --promise-amount 5.001 --promise-on 2026-12-01
fails 1 arrears contact log "$acct" --channel call --outcome busy --at 2026-11-24T09:00:00Z
contains "future" "$errout"
ok arrears account show "$acct" --json
assert_eq conversation "$(json_get "$output" '.contacts[0].outcome')" "newest contact first"
assert_eq 5000 "$(json_get "$output" '.contacts[0].promise.amount_cents')" "promise on the account"

step "work queue: by balance, worked today drops out of next"
ok arrears --as ben work list --json
first=$(jq -r '[.items[] | select(.worked_today | not)][0].id' <<<"$output")
second=$(jq -r '[.items[] | select(.worked_today | not)][1].id' <<<"$output")
b1=$(json_get "$output" '.items[0].balance_cents.total')
b2=$(json_get "$output" '.items[1].balance_cents.total')
((b1 >= b2)) || fail "queue not by balance: $b1 then $b2"
ok arrears --as ben work next --json
assert_eq "$first" "$(json_get "$output" .id)" "next is the top of the queue"
ok arrears --as ben note add "$first" "left voicemail"
ok arrears --as ben work next --json
assert_eq "$second" "$(json_get "$output" .id)" "a worked account is skipped"
fails 1 arrears --as nobody work next
fails 1 arrears --as cora.compliance work next
contains "role" "$errout"

step "an account paying under a plan leaves the queue; a broken plan sends it back"
ok arrears --as ben work list --json
top=$(json_get "$output" '.items[0].id')
owed=$(json_get "$output" '.items[0].balance_cents.total')
ok arrears --as ben plan create "$top" --total "$((owed / 100)).$(printf %02d $((owed % 100)))" --frequency monthly --count 1 --first 2026-11-25 --json
assert_eq active "$(json_get "$output" .status)" "one payment of the whole balance"
ok arrears --as ben work list --json
not_contains "\"id\":$top," "$(jq -c '.items[]' <<<"$output")"
ARREARS_NOW=2026-12-05T15:00:00Z ok arrears arrangements monitor
ARREARS_NOW=2026-12-05T15:00:00Z ok arrears --as ben work list --json
assert_eq "$top" "$(json_get "$output" '.items[0].id')" "back at the top of the queue"

step "audit list: newest first, filters"
ok arrears audit list --action contact.log --json
assert_eq contact.log "$(json_get "$output" '.items[0].action')" "filtered by action"
ok arrears audit list --limit 2 --json
assert_eq 2 "$(jq '.items | length' <<<"$output")" "limit"
before=$(json_get "$output" '.next_before')
ok arrears audit list --limit 2 --before "$before" --json
((  $(json_get "$output" '.items[0].id') < before )) || fail "--before pages back"
ok arrears audit verify
