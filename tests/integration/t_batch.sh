#!/usr/bin/env bash
# t_batch.sh — the nightly batch on both engines: running a date twice changes nothing;
# skipping days and catching up posts exactly what running every day posts (against a
# second database on SQLite: the engines agree too); a run killed with SIGKILL at
# random moments and run again ends with the same ledger as an uninterrupted run; on
# PostgreSQL the same holds for parallel workers by account id range.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

other="sqlite:$PWD/other.db"

# fresh_db NAME: a new empty database of the engine under test.
fresh_db() {
  if [[ $(engine) == sqlite ]]; then
    echo "sqlite:$PWD/$1.db"
  else
    "$(dirname "${BASH_SOURCE[0]}")/../../scripts/pg-test" createdb "$ARREARS_TEST_PG_DIR" \
      "it_batch_$1_$$"
  fi
}

# The state of every account that the batch changes, one line per account.
books() { # [--db URL]
  local after=0 page
  while :; do
    ok arrears account list --json --limit 1000 --after "$after" "$@"
    page=$output
    [[ $(jq length <<<"$page") -gt 0 ]] || break
    jq -c '.[] | [.id, .client_account, .balance_cents.interest, .balance_cents.total]' <<<"$page"
    after=$(jq '.[-1].id' <<<"$page")
  done
}

step "a date runs once: the second run changes nothing"
ok arrears init
ARREARS_NOW=2026-11-01T12:00:00Z ok arrears demo --accounts 300 --seed 5
ARREARS_NOW=2026-11-20T12:00:00Z ok arrears batch run --as-of 2026-11-20 --json
(($(json_get "$output" .interest_entries) > 0)) || fail "no interest posted"
before=$(books)
ARREARS_NOW=2026-11-20T12:00:00Z ok arrears batch run --as-of 2026-11-20 --json
assert_eq true "$(json_get "$output" .already_done)" "already done"
assert_eq "$before" "$(books)" "books after the second run"
ARREARS_NOW=2026-11-20T12:00:00Z fails 1 arrears batch run --as-of 2026-11-19
contains "runs go forward in time" "$errout"
fails 1 arrears batch run --as-of 2099-01-01
contains "in the future" "$errout"
ARREARS_NOW=2026-11-21T12:00:00Z ok arrears batch run --as-of 2026-11-21 --json
ok arrears audit verify

step "the batch's time-barred marks agree with account show's statute of limitations"
# The batch reads the current address's state in its chunk query; account show reads
# the addresses itself. Both must pick the same address.
for id in $(seq 1 7 300); do
  got=$(db_sql "SELECT CASE WHEN time_barred = 1 THEN 'true' ELSE 'false' END FROM account_batch WHERE account_id = $id")
  [[ -n $got ]] || continue
  ok arrears account show "$id" --json --as-of 2026-11-21
  want=$(json_get "$output" .statute_of_limitations.time_barred)
  assert_eq "$want" "$got" "account $id time-barred on 2026-11-21"
done

step "a saved strategy orders the work queue; a hold takes accounts out of it"
cat >s.txt <<'RULES'
rule "small" when balance < 500.00 then hold "below 500"; stop
rule "large" when balance >= 3000.00 then queue call_now priority 90; letter reminder_1
rule "rest" then queue call_now priority 10
RULES
ok arrears strategy save --file s.txt --note "t_batch"
sid=$(grep -o 'strategy [0-9]*' <<<"$output" | cut -d' ' -f2)
echo 'rule "x" when balance >= then queue a' >bad.txt
fails 1 arrears strategy save --file bad.txt
contains "line 1, column 26: expected a number or money amount after '>='" "$errout"
ok arrears strategy assign --champion "$sid"
fails 1 arrears strategy assign --champion 0 --challenger "$sid" --pct 0
contains "a challenger needs a share" "$errout"
fails 1 arrears strategy assign --champion "$sid" --challenger "$sid" --pct 10
contains "must differ from the champion" "$errout"
ARREARS_NOW=2026-11-22T12:00:00Z ok arrears batch run --as-of 2026-11-22 --json
ok arrears --as alice work list --json --limit 200
(($(json_get "$output" '.items | length') > 3)) || fail "alice's queue is nearly empty"
assert_eq 0 "$(jq '[.items[] | select(.balance_cents.total < 50000)] | length' <<<"$output")" "held accounts are out"
first_small=$(jq '[.items[] | .balance_cents.total < 300000] | index(true)' <<<"$output")
after_big=$(jq '[.items[] | .balance_cents.total >= 300000] | rindex(true)' <<<"$output")
if [[ $first_small != null && $after_big != null ]]; then
  ((after_big < first_small)) || fail "priority 90 accounts are not first"
fi
ok arrears batch actions --as-of 2026-11-22 --kind letter --json
(($(json_get "$output" '.items | length') > 0)) || fail "no letters due"
assert_eq reminder_1 "$(json_get "$output" '.items[0].name')" "the letter the rule names"
all_letters=$(jq -c '[.items[] | .account_id]' <<<"$output")
total=$(json_get "$output" .total)
assert_eq "$(jq length <<<"$all_letters")" "$total" "total counts every letter"
# Paged with --after and --limit: the pages together are the whole list.
after=0 paged='[]'
while :; do
  ok arrears batch actions --as-of 2026-11-22 --kind letter --limit 4 --after "$after" --json
  paged=$(jq -c --argjson p "$paged" '$p + [.items[] | .account_id]' <<<"$output")
  next=$(json_get "$output" .next_after)
  [[ $next != null ]] || break
  after=$next
done
assert_eq "$all_letters" "$paged" "letters page by page"
fails 2 arrears batch actions --as-of 2026-11-22 --limit 0
contains "--limit must be a whole number from 1 to 10000" "$errout"
ok arrears strategy report --from 2026-01-01 --to 2026-11-22 --json
assert_eq 1 "$(json_get "$output" '.items[0].strategy_version')" "accounts on version 1"
ok arrears strategy list --json
assert_eq "$sid" "$(json_get "$output" .champion_id)" "the assigned champion"
assert_eq cli "$(json_get "$output" .assigned_by)" "who assigned it"
# Checking a text saves nothing, and finds what saving would.
ok arrears strategy list --json
versions=$(json_get "$output" '.items | length')
ok arrears strategy check --file s.txt
contains "3 rules, nothing saved" "$output"
contains "line   2  large" "$output"
fails 1 arrears strategy check --file bad.txt
contains "bad.txt: line 1, column 26: expected a number or money amount after '>='" "$errout"
ok arrears strategy list --json
assert_eq "$versions" "$(json_get "$output" '.items | length')" "versions after checking"

step "the liquidation report: the period's payments over its opening balance and placements"
main_db=$ARREARS_DB
ARREARS_DB=$(fresh_db report)
export ARREARS_DB
ok arrears init
ok arrears strategy list --json
assert_eq 0 "$(json_get "$output" .champion_id)" "the built-in champion before any choice"
assert_eq null "$(json_get "$output" .assigned_by)" "nobody chose it"
ok arrears client add REP --name "Report Co"
simple_placement rep1.csv "R1,Ann,One,,1000.00,0,0" "R2,Bob,Two,,500.00,0,0"
ARREARS_NOW=2026-10-01T12:00:00Z ok arrears import placements rep1.csv --client REP
ARREARS_NOW=2026-10-15T12:00:00Z ok arrears pay REP:R1 200.00 --date 2026-10-15 --key r1
simple_placement rep2.csv "R3,Cy,Three,,300.00,0,0"
ARREARS_NOW=2026-11-05T12:00:00Z ok arrears import placements rep2.csv --client REP
ARREARS_NOW=2026-11-10T12:00:00Z ok arrears pay REP:R2 50.00 --date 2026-11-10 --key r2
ARREARS_NOW=2026-11-12T12:00:00Z ok arrears pay REP:R3 30.00 --date 2026-11-12 --key r3
ARREARS_NOW=2026-11-20T12:00:00Z ok arrears pay REP:R1 25.00 --date 2026-11-20 --key r4
ARREARS_NOW=2026-11-21T12:00:00Z ok arrears batch run --as-of 2026-11-21 --quiet
ok arrears strategy report --from 2026-11-01 --to 2026-11-15 --json
# Opening balance 800.00 + 500.00, placed in the period 300.00, paid in it 80.00
# (the 200.00 before and the 25.00 after are outside): 80 / 1600 = 5.00%.
assert_eq '[0,"champion",3,130000,30000,8000,500]' \
  "$(jq -c '.items[0] | [.strategy_version, .arm, .accounts, .balance_at_start_cents, .placed_in_period_cents, .collected_cents, .liquidation_bp]' <<<"$output")" \
  "the report's row"
ok arrears strategy report --from 2026-11-01 --to 2026-11-15
contains "1300.00" "$output"
contains "5.00%" "$output"
ARREARS_DB=$main_db
export ARREARS_DB

step "the propensity model: trained on history, AUC on held-out accounts, scores in the queue"
ARREARS_NOW=2026-11-22T13:00:00Z ok arrears score train --json
(($(json_get "$output" .n_train) >= 50)) || fail "too few training rows"
(($(json_get "$output" .n_test) >= 10)) || fail "too few held-out rows"
auc=$(json_get "$output" .auc_e4)
((auc > 5000 && auc <= 10000)) || fail "AUC $auc/10000 is no better than chance"
ARREARS_NOW=2026-11-22T13:00:00Z fails 1 arrears score train --holdout-pct 90
contains "5 to 50 percent" "$errout"
ARREARS_NOW=2026-11-23T12:00:00Z ok arrears batch run --as-of 2026-11-23 --json
ok arrears --as alice work list --json --limit 200
assert_eq 0 "$(jq '[.items[] | select(.score == null)] | length' <<<"$output")" "every queued account scored"
jq -e '[.items[].score] | all(. >= 0 and . <= 1000)' <<<"$output" >/dev/null || fail "scores out of 0..1000"

step "Next offers only accounts that may be called now"
# 10:00 UTC is 05:00 in New York and 02:00 in Los Angeles: mainland accounts are
# passed over; whatever Next offers (Hawaii, Guam...) the engine allows.
ARREARS_NOW=2026-11-23T10:00:00Z _run arrears --as alice work next --json
if ((rc == 0)); then
  (($(json_get "$output" .passed_over) >= 1)) || fail "nothing was passed over at 05:00 Eastern"
  early=$(json_get "$output" .id)
  ARREARS_NOW=2026-11-23T10:00:00Z ok arrears contact check "$early" --channel call --at 2026-11-23T10:00:00Z --json
  assert_eq true "$(json_get "$output" .allowed)" "an offered account may be called"
else
  contains "may be called now" "$errout"
fi
# 19:00 UTC is afternoon everywhere on the mainland.
ARREARS_NOW=2026-11-23T19:00:00Z ok arrears --as alice work next --json
assert_eq call_now "$(json_get "$output" .queue)" "a call_now account"
acct=$(json_get "$output" .id)
ARREARS_NOW=2026-11-23T19:00:00Z ok arrears contact check "$acct" --channel call --at 2026-11-23T19:00:00Z --json
assert_eq true "$(json_get "$output" .allowed)" "the engine agrees"

step "catching up after skipped days equals running every day"
ARREARS_DB=$(fresh_db daily)
export ARREARS_DB
# Payments go to principal first here, so that when interest is posted does not change
# how a payment is split: the principal history is the same on both sides.
for db in "" "--db $other"; do
  # shellcheck disable=SC2086
  ARREARS_NOW=2026-11-01T12:00:00Z ok arrears $db init
  # shellcheck disable=SC2086
  ARREARS_NOW=2026-11-01T12:00:00Z ok arrears $db client add DAILY --name Daily --allocation-order principal,interest,fees,costs
done
csv_file d.csv 'client_account,first_name,last_name,principal,interest_rate_pct,first_delinquency_date' \
  'D1,Amy,Ash,1000.00,18,2025-01-01' 'D2,Bo,Birch,2500.55,24.99,2025-02-01' \
  'D3,Cal,Cedar,333.33,7.25,2024-06-30' 'D4,Dee,Dogwood,98765.43,9.9,2023-03-15' \
  'D5,Eve,Elm,50.00,0,2025-05-05'
for db in "" "--db $other"; do
  # shellcheck disable=SC2086
  ARREARS_NOW=2026-11-01T12:00:00Z ok arrears $db import placements d.csv --client DAILY
done
pay() { # DB-ARGS ACCOUNT AMOUNT DATE KEY
  local db=$1
  # shellcheck disable=SC2086
  ARREARS_NOW="$4T23:00:00Z" ok arrears $db pay "DAILY:$2" "$3" --date "$4" --key "$5"
}
payments=("D1 100.00 2026-11-05 k1" "D2 33.33 2026-11-05 k2" "D4 5000.00 2026-11-11 k3"
  "D1 250.00 2026-11-17 k4" "D3 0.07 2026-11-23 k5" "D2 1000.00 2026-11-28 k6")
# Every day on the database under test, paying on the day, then the batch.
for d in $(seq -w 2 30); do
  for p in "${payments[@]}"; do
    read -r acct amt on key <<<"$p"
    [[ $on == "2026-11-$d" ]] && pay "" "$acct" "$amt" "$on" "$key"
  done
  ARREARS_NOW="2026-11-${d}T23:30:00Z" ok arrears batch run --as-of "2026-11-$d" --quiet
done
# Once on the other: the same payments first, then two batch runs (day 9 and day 30).
for p in "${payments[@]}"; do
  read -r acct amt on key <<<"$p"
  if [[ $on < 2026-11-09 ]]; then pay "--db $other" "$acct" "$amt" "$on" "$key"; fi
done
ARREARS_NOW=2026-11-09T23:30:00Z ok arrears --db "$other" batch run --as-of 2026-11-09 --quiet
for p in "${payments[@]}"; do
  read -r acct amt on key <<<"$p"
  if [[ ! $on < 2026-11-09 ]]; then pay "--db $other" "$acct" "$amt" "$on" "$key"; fi
done
ARREARS_NOW=2026-11-30T23:30:00Z ok arrears --db "$other" batch run --as-of 2026-11-30 --quiet
daily=$(books)
caught=$(books --db "$other")
assert_eq "$daily" "$caught" "balances after every day and after catching up"
ok arrears account show DAILY:D1 --json
(($(json_get "$output" .balance_cents.interest) > 0)) || fail "D1 accrued nothing"
ok arrears account show DAILY:D4 --json
assert_eq 29 "$(jq '[.ledger[] | select(.kind == "interest")] | length' <<<"$output")" "one entry per account per run"

step "killed with SIGKILL at random moments, run again: the same ledger as one clean run"
# A fresh database of the engine under test, and a clean run on SQLite to compare with.
kill_db=$(fresh_db kill)
clean="sqlite:$PWD/clean.db"
for db in "$kill_db" "$clean"; do
  ARREARS_NOW=2026-10-01T12:00:00Z ok arrears --db "$db" init
  ARREARS_NOW=2026-10-01T12:00:00Z ok arrears --db "$db" demo --accounts 1500 --seed 9
done
export ARREARS_NOW=2026-11-30T12:00:00Z
ok arrears --db "$clean" batch run --as-of 2026-11-30 --quiet
# kill_runs DATE CHUNK N [OPTION...]: N runs of the date, each killed with SIGKILL
# after a random moment; counts in $killed those that left the run unfinished. The
# moments are scaled by $kill_scale: a busy machine (or the ASan binary beside other
# suites) can take longer to start a run than the first range allows.
kill_runs() {
  local date=$1 chunk=$2 n=$3 pid ms
  shift 3
  for _ in $(seq 1 "$n"); do
    "$ARREARS" --db "$kill_db" batch run --as-of "$date" --chunk "$chunk" --quiet "$@" >/dev/null 2>&1 &
    pid=$!
    # A commit costs more on PostgreSQL: its runs last longer.
    if [[ $(engine) == sqlite ]]; then
      ms=$(((RANDOM % 140 + 10) * kill_scale))
    else
      ms=$(((RANDOM % 600 + 100) * kill_scale))
    fi
    sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # Killed before it began, mid-way, or after it ended: only mid-way counts.
    _run arrears --db "$kill_db" batch status --as-of "$date" --json
    if ((rc == 0)) && [[ $(json_get "$output" .status) == running ]]; then
      killed=$((killed + 1))
    fi
  done
}
# kill_until_midway DATE CHUNK N [OPTION...]: kill_runs, again with moments 3 and 9
# times as long while no run was killed mid-way.
kill_until_midway() {
  killed=0
  for kill_scale in 1 3 9; do
    kill_runs "$@"
    ((killed >= 1)) && return 0
  done
  return 0
}
kill_until_midway 2026-11-30 1 8
((killed >= 1)) || fail "no run was killed mid-way"
ok arrears --db "$kill_db" batch run --as-of 2026-11-30 --chunk 1 --quiet --json
assert_eq "$(books --db "$clean")" "$(books --db "$kill_db")" "books after kills and a rerun"
ok arrears --db "$kill_db" audit verify
export ARREARS_NOW=2026-12-31T12:00:00Z
ok arrears --db "$clean" batch run --as-of 2026-12-31 --chunk 7 --quiet
kill_until_midway 2026-12-31 1 6
((killed >= 1)) || fail "no second run was killed mid-way"
ok arrears --db "$kill_db" batch run --as-of 2026-12-31 --chunk 7 --quiet
assert_eq "$(books --db "$clean")" "$(books --db "$kill_db")" "books after six kills in a second run"
ok arrears --db "$kill_db" audit verify

if [[ $(engine) == sqlite ]]; then
  step "parallel workers need PostgreSQL"
  ARREARS_NOW=2027-01-05T12:00:00Z fails 1 arrears --db "$kill_db" batch run --as-of 2027-01-05 --workers 2
  contains "--workers above 1 needs PostgreSQL" "$errout"
  ARREARS_NOW=2027-01-05T12:00:00Z fails 2 arrears --db "$kill_db" batch run --as-of 2027-01-05 --workers 0
  contains "--workers must be a whole number from 1 to 32" "$errout"
else
  step "parallel workers by account id range: the same books as one sequence, killed or not"
  # The clean SQLite database runs 2027-01-31 in one sequence; the PostgreSQL one with
  # three workers, killed at random moments and resumed with a different number of
  # workers (the run keeps its ranges), then once more with one. Chunks of one account
  # make a run last long enough for a kill to land mid-way.
  export ARREARS_NOW=2027-01-31T12:00:00Z
  ok arrears --db "$clean" batch run --as-of 2027-01-31 --chunk 7 --quiet
  kill_until_midway 2027-01-31 1 8 --workers 3
  ((killed >= 1)) || fail "no parallel run was killed mid-way"
  ok arrears --db "$kill_db" batch status --as-of 2027-01-31 --json
  assert_eq 12 "$(json_get "$output" .ranges)" "ranges of the run (4 per worker)"
  ok arrears --db "$kill_db" batch run --as-of 2027-01-31 --chunk 7 --workers 2 --quiet --json
  got=$(json_get "$output" .accounts)
  ok arrears --db "$clean" batch status --as-of 2027-01-31 --json
  assert_eq "$(json_get "$output" .accounts)" "$got" "accounts counted once across kills"
  assert_eq "$(books --db "$clean")" "$(books --db "$kill_db")" "books after parallel runs"
  ok arrears --db "$kill_db" batch status --as-of 2027-01-31 --json
  assert_eq 12 "$(json_get "$output" .ranges_done)" "every range done"
  ok arrears --db "$kill_db" audit verify
  export ARREARS_NOW=2027-02-28T12:00:00Z
  ok arrears --db "$clean" batch run --as-of 2027-02-28 --quiet
  ok arrears --db "$kill_db" batch run --as-of 2027-02-28 --workers 4 --quiet
  assert_eq "$(books --db "$clean")" "$(books --db "$kill_db")" "books after an unbroken parallel run"
fi
