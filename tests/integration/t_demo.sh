#!/usr/bin/env bash
# t_demo.sh — arrears demo: makes exactly the requested number of accounts, books that
# verify, the same portfolio for the same seed (and on either engine), a different one
# for another seed.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

portfolio() { # [--db URL]: every account as JSON
  ok arrears account list --json --limit 1000 "$@"
  printf '%s\n' "$output"
}

step "demo with 40 accounts"
ok arrears init
ok arrears demo --accounts 40 --seed 7
p1=$(portfolio)
assert_eq 40 "$(json_get "$p1" length)" "accounts"
ok arrears client list --json
(($(json_get "$output" length) >= 1)) || fail "demo made no clients"
ok arrears audit verify
contains "ledger: 40 accounts verified" "$output"

step "no full SSN in the demo's output"
if grep -Eq '\b[0-9]{3}-?[0-9]{2}-?[0-9]{4}\b' <<<"$(json_get "$p1" '[.[].debtor.ssn] | join("\n")')"; then
  fail "a full SSN appears in account list --json"
fi

step "the same seed gives the same portfolio"
ok arrears --db "sqlite:$PWD/again.db" init
ok arrears --db "sqlite:$PWD/again.db" demo --accounts 40 --seed 7
p2=$(portfolio --db "sqlite:$PWD/again.db")
if [[ $(engine) == sqlite ]]; then
  assert_eq "$p1" "$p2" "portfolio for seed 7, second run"
else
  # PostgreSQL (the test database) and SQLite must hold the same portfolio.
  assert_eq "$p1" "$p2" "portfolio for seed 7 on PostgreSQL and on SQLite"
fi

step "another seed gives another portfolio"
ok arrears --db "sqlite:$PWD/other.db" init
ok arrears --db "sqlite:$PWD/other.db" demo --accounts 40 --seed 8
p3=$(portfolio --db "sqlite:$PWD/other.db")
[[ $p3 != "$p1" ]] || fail "seeds 7 and 8 gave the same portfolio"

step "the demo's contact history is one the compliance engine allows"
ok arrears init --db "sqlite:$PWD/calls.db"
ok arrears --db "sqlite:$PWD/calls.db" demo --accounts 300 --seed 11
ok arrears --db "sqlite:$PWD/calls.db" compliance report --from 2025-11-24 --to 2026-11-23 --json
(($(json_get "$output" .contacts_checked) > 100)) || fail "too few demo calls to judge"
assert_eq 0 "$(json_get "$output" '.violations | length')" "demo calls that broke a rule"
