#!/usr/bin/env bash
# t_init.sh — `arrears init` creates the database and the key file, is idempotent (a
# second run changes neither the key nor the data), and the database can be named by
# --db before or after the verb, by ARREARS_DB, or defaults to sqlite:arrears.db.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

step "first init creates the database and the key file"
ok arrears init
[[ -s $ARREARS_KEY_FILE ]] || fail "init did not create the key file $ARREARS_KEY_FILE"
if [[ $(engine) == sqlite ]]; then
  [[ -f ${ARREARS_DB#sqlite:} ]] || fail "init did not create ${ARREARS_DB#sqlite:}"
fi
key_sum=$(sha256sum <"$ARREARS_KEY_FILE")

step "the key file is readable by its owner only"
mode=$(stat -c %a "$ARREARS_KEY_FILE")
[[ $mode == 600 || $mode == 400 ]] || fail "key file mode is $mode, expected 600 or 400"

step "second init succeeds and keeps the key"
ok arrears init
assert_eq "$key_sum" "$(sha256sum <"$ARREARS_KEY_FILE")" "key file after a second init"

step "init keeps existing data"
ok arrears client add ACME --name "Acme Bank"
ok arrears init
ok arrears client list --json
assert_eq 1 "$(json_get "$output" length)" "clients after init"
assert_eq ACME "$(json_get "$output" '.[0].code')" "client code"

step "--db before the verb"
ok arrears --db "sqlite:$PWD/before.db" init
[[ -f before.db ]] || fail "--db before the verb: before.db not created"
ok arrears --db "sqlite:$PWD/before.db" client list --json
assert_eq 0 "$(json_get "$output" length)" "clients in a new database"

step "--db after the verb"
ok arrears init --db "sqlite:$PWD/after.db"
[[ -f after.db ]] || fail "--db after the verb: after.db not created"
ok arrears client list --json --db "sqlite:$PWD/after.db"
assert_eq 0 "$(json_get "$output" length)" "clients in a new database"

step "--db overrides ARREARS_DB"
ok arrears client list --json
assert_eq 1 "$(json_get "$output" length)" "clients in ARREARS_DB after other databases were made"

step "without --db or ARREARS_DB the database is sqlite:arrears.db in the cwd"
ok env -u ARREARS_DB "$ARREARS" init
[[ -f arrears.db ]] || fail "default database arrears.db not created in $PWD"
