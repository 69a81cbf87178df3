#!/usr/bin/env bash
# t_usage.sh — exit codes: 2 for usage errors (unknown verb or option, missing
# argument or option value) with a message on stderr; 1 for a refused operation on
# something that does not exist (account, payment, client, file).
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage_error() {
  fails 2 "$@"
  [[ -n $errout ]] || fail "usage error without a message on stderr: $*"
}

refused() {
  fails 1 "$@"
  [[ -n $errout ]] || fail "refusal without a message on stderr: $*"
}

step "usage errors exit 2"
usage_error arrears
usage_error arrears frobnicate
usage_error arrears client frobnicate
usage_error arrears init --no-such-option
usage_error arrears client add
usage_error arrears client add ACME
usage_error arrears client add ACME --name
usage_error arrears client list --bogus
usage_error arrears account show
usage_error arrears account list --limit
usage_error arrears account list --after
usage_error arrears pay
usage_error arrears pay 1
usage_error arrears payment reverse 1
usage_error arrears payment reverse --reason nsf
usage_error arrears import placements
usage_error arrears import placements file.csv
usage_error arrears import payments file.csv
usage_error arrears account adjust 1 --bucket fees --amount 1.00
usage_error arrears --db

step "setup"
client_with_accounts ACME "U-1,Ann,Lee,,100.00,,"
id=$(account_id ACME:U-1)

step "unknown things are refused with exit 1"
refused arrears account show 424242
refused arrears account show ACME:NO-SUCH
refused arrears account show NOCLIENT:U-1
refused arrears account show --as-of 2026-11-01 424242
refused arrears pay 424242 10.00
refused arrears pay ACME:NO-SUCH 10.00
refused arrears payment reverse 424242 --reason error
refused arrears account adjust 424242 --bucket fees --amount 1.00 --reason test
refused arrears import placements placement-ACME.csv --client NOCLIENT
refused arrears import placements no-such-file.csv --client ACME
refused arrears import payments no-such-file.csv --client ACME

step "nothing changed"
ok arrears account show "$id" --json
assert_eq 10000 "$(json_get "$output" .balance_cents.total)" "balance"
assert_eq 0 "$(json_get "$output" '.payments | length')" "payments"
