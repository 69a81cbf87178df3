# lib.sh — helpers for the CLI integration tests (tests/integration/t_*.sh).
#
# Sourced by each test script, which tests/integration/run starts in a fresh temporary
# work directory (the cwd) with ARREARS (absolute path of the binary), ARREARS_DB (an
# empty database: sqlite:PATH or a postgresql:// URL), ARREARS_KEY_FILE and ARREARS_NOW
# exported. A script passes by exiting 0; any failed check prints what was run, its exit
# status, stdout and stderr, and exits 1.
#
#   ok CMD...            CMD must exit 0; its stdout is left in $output, stderr in $errout
#   fails CODE CMD...    CMD must exit with CODE; $output and $errout as for ok
#   contains TEXT STR    STR must contain TEXT (not_contains: must not)
#   matches REGEX STR    STR must match the extended regular expression REGEX
#   json_get FILE_OR_STRING .path   prints jq -r's answer (fails if jq does)
#   assert_eq EXPECTED ACTUAL [WHAT]
#   arrears ARGS...      runs the binary under test
#   db_sql SQL           runs SQL directly on the test database (sqlite3 or psql);
#                        prints rows, fields separated by '|'
#   step TEXT            names what the script is about to check (shown on failure)
#   parallel strict|tolerant NAME CMD...   runs CMD several times at once (see below)
# shellcheck shell=bash

set -Eeuo pipefail

: "${ARREARS:?ARREARS must name the arrears binary (tests/integration/run sets it)}"
: "${ARREARS_DB:?ARREARS_DB must name the test database}"

output=""
errout=""
rc=0
_step="(start)"
_errfile=$(mktemp "${TMPDIR:-/tmp}/arrears-it-err.XXXXXX")

# A command that fails outside the helpers (set -e) still says where.
trap 'echo "FAIL: line $LINENO: command failed: $BASH_COMMAND (during: $_step)" >&2' ERR
trap 'rm -f "$_errfile"' EXIT

step() {
  _step=$*
  echo "-- $*"
}

fail() {
  local i
  trap - ERR
  {
    echo "FAIL: $* (during: $_step)"
    # The call stack, outside this file: where in the test script the check failed.
    for ((i = 1; i < ${#FUNCNAME[@]}; i++)); do
      if [[ ${BASH_SOURCE[i]} != "${BASH_SOURCE[0]}" || $i == $((${#FUNCNAME[@]} - 1)) ]]; then
        echo "  at ${BASH_SOURCE[i]##*/}:${BASH_LINENO[i - 1]} (${FUNCNAME[i]})"
      fi
    done
  } >&2
  exit 1
}

# Prints its argument with each line indented and marked, for failure reports.
_indent() {
  local line
  while IFS= read -r line || [[ -n $line ]]; do
    printf '    | %s\n' "$line"
  done <<<"$1"
}

# Prints the last command's details (for a failed check).
_show_last() {
  {
    printf '  command:'
    printf ' %q' "$@"
    printf '\n  exit status: %s\n' "$rc"
    printf '  stdout:\n%s\n' "$(_indent "$output")"
    printf '  stderr:\n%s\n' "$(_indent "$errout")"
  } >&2
}

_run() {
  rc=0
  output=$("$@" 2>"$_errfile") || rc=$?
  errout=$(<"$_errfile")
}

arrears() {
  "$ARREARS" "$@"
}

ok() {
  _run "$@"
  if ((rc != 0)); then
    _show_last "$@"
    fail "expected exit status 0, got $rc"
  fi
}

fails() {
  local want=$1
  shift
  _run "$@"
  if [[ $rc != "$want" ]]; then
    _show_last "$@"
    fail "expected exit status $want, got $rc"
  fi
}

contains() {
  if [[ $2 != *"$1"* ]]; then
    printf '  text:\n%s\n' "$(_indent "$2")" >&2
    fail "expected the text to contain: $1"
  fi
}

not_contains() {
  if [[ $2 == *"$1"* ]]; then
    printf '  text:\n%s\n' "$(_indent "$2")" >&2
    fail "expected the text NOT to contain: $1"
  fi
}

matches() {
  if ! grep -Eq -- "$1" <<<"$2"; then
    printf '  text:\n%s\n' "$(_indent "$2")" >&2
    fail "expected the text to match /$1/"
  fi
}

assert_eq() {
  if [[ $1 != "$2" ]]; then
    fail "${3:-value}: expected '$1', got '$2'"
  fi
}

json_get() {
  local src=$1 path=$2 v
  if [[ -f $src ]]; then
    v=$(jq -r "$path" "$src" 2>&1) || fail "jq '$path' on file $src: $v"
  else
    v=$(jq -r "$path" <<<"$src" 2>&1) || {
      printf '  json:\n%s\n' "$(_indent "$src")" >&2
      fail "jq '$path': $v"
    }
  fi
  printf '%s\n' "$v"
}

# --- engine access (for tampering tests) ----------------------------------------
engine() {
  case $ARREARS_DB in
  sqlite:*) echo sqlite ;;
  postgres://* | postgresql://*) echo postgres ;;
  *) fail "unknown database URL: $ARREARS_DB" ;;
  esac
}

db_sql() {
  case $(engine) in
  sqlite) sqlite3 -batch -bail "${ARREARS_DB#sqlite:}" "$1" ;;
  postgres) psql "$ARREARS_DB" -X -q -t -A -v ON_ERROR_STOP=1 -c "$1" ;;
  esac
}

# --- fixtures ----------------------------------------------------------------------
# csv_file PATH LINE...: writes one line per argument.
csv_file() {
  local f=$1
  shift
  printf '%s\n' "$@" >"$f"
}

# account_id CLIENT:ACCOUNT: prints the numeric id from account show --json.
account_id() {
  ok arrears account show "$1" --json
  json_get "$output" .id
}

# balance ACCOUNT BUCKET [--as-of DATE]: prints balance_cents.BUCKET.
balance() {
  local acct=$1 bucket=$2
  shift 2
  ok arrears account show "$acct" --json "$@"
  json_get "$output" ".balance_cents.$bucket"
}

# simple_placement FILE ROW...: a placement CSV with the columns
# client_account,first_name,last_name,ssn,principal,interest,fees and one row per ROW.
simple_placement() {
  local f=$1
  shift
  csv_file "$f" "client_account,first_name,last_name,ssn,principal,interest,fees" "$@"
}

# client_with_accounts CLIENT ROW...: init, add CLIENT and import ROWs (as for
# simple_placement); every row must load.
client_with_accounts() {
  local code=$1
  shift
  ok arrears init
  ok arrears client add "$code" --name "$code Lending"
  simple_placement "placement-$code.csv" "$@"
  ok arrears import placements "placement-$code.csv" --client "$code"
  contains "loaded $#, already present 0, rejected 0" "$output"
}

# --- concurrency ---------------------------------------------------------------------
# parallel strict|tolerant NAME CMD...: runs CMD $PARALLEL_N (default 6) times at
# once, leaving NAME.I.out, .err and .rc per run, and sets succeeded to the number
# of runs that exited 0. strict: every run must exit 0. tolerant: a run may exit 1
# (refused; printed as a note). Any other exit status fails.
succeeded=0
parallel() {
  local mode=$1 name=$2 i rc n=${PARALLEL_N:-6}
  shift 2
  for ((i = 1; i <= n; i++)); do
    (
      rc=0
      "$@" >"$name.$i.out" 2>"$name.$i.err" || rc=$?
      echo "$rc" >"$name.$i.rc"
    ) &
  done
  wait
  succeeded=0
  for ((i = 1; i <= n; i++)); do
    rc=$(<"$name.$i.rc")
    case $rc in
    0) succeeded=$((succeeded + 1)) ;;
    1)
      echo "note: $name run $i of $n was refused: $(head -c 300 "$name.$i.err")"
      [[ $mode == tolerant ]] || fail "$name run $i of $n exited 1"
      ;;
    *)
      cat "$name.$i.err" >&2
      fail "$name run $i of $n exited $rc"
      ;;
    esac
  done
}

# abs N: prints |N| (applied amounts may be reported as negative movements).
abs() {
  local n=$1
  echo "${n#-}"
}

# ledger_sum ACCOUNT BUCKET: the sum of BUCKET_cents over the account's ledger.
ledger_sum() {
  ok arrears account show "$1" --json
  json_get "$output" "[.ledger[].${2}_cents] | add // 0"
}
