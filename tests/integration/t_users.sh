#!/usr/bin/env bash
# t_users.sh — user add: roles, the client role's client, duplicates and bad input.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ok arrears init
ok arrears client add ACME --name "Acme Bank"

step "each staff role, and a client portal user tied to its client"
for role in collector supervisor compliance admin; do
  ok arrears user add "u.$role" --name "User $role" --role "$role"
  contains "user added:" "$output"
done
ok arrears user add acme.portal --name "Acme portal" --role client --client ACME

step "refused: duplicates, unknown roles, a client user without its client, bad names"
fails 1 arrears user add u.admin --name "Again" --role admin
contains "already exists" "$errout"
fails 1 arrears user add x --name X --role janitor
contains "janitor" "$errout"
fails 1 arrears user add y --name Y --role client
fails 1 arrears user add z --name Z --role collector --client ACME
fails 1 arrears user add "Bad Name" --name B --role collector
fails 1 arrears user add w --name W --role client --client NOPE
fails 2 arrears user add w --role collector

step "every user add is in the audit chain"
ok arrears audit verify
