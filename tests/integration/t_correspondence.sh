#!/usr/bin/env bash
# t_correspondence.sh — inbound correspondence through the command line and the API,
# on both engines: an email's text classified as a dispute sets the hold the contact
# check reports; a cease scan filed with its kind; a PDF comes back byte for byte (CLI
# and API); a hold received today starts now; refusals name the field (magic bytes,
# size, dates, channel, kind); the list's JSON shape and paging; reclassifying (roles,
# the earlier event stays); a client user's scope over the API; the audit chain.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ok arrears init
ok arrears client add ACME --name "Acme Bank"
ok arrears client add BETA --name "Beta Bank"
csv_file acme.csv \
  'client_account,first_name,last_name,principal,address1,city,state,zip,phone1,phone1_type' \
  'A1,Ann,Lee,100.00,2 Elm St,Chicago,IL,60601,3125550101,home' \
  'A2,Bob,Ray,100.00,3 Oak St,Chicago,IL,60601,3125550102,home' \
  'A3,Cy,Dee,100.00,4 Ash St,Chicago,IL,60601,3125550103,home' \
  'A4,Di,Fox,100.00,5 Fir St,Chicago,IL,60601,3125550104,home'
ok arrears import placements acme.csv --client ACME
csv_file beta.csv 'client_account,first_name,last_name,principal' 'B1,Eve,Gil,50.00'
ok arrears import placements beta.csv --client BETA
a1=$(account_id ACME:A1)
a2=$(account_id ACME:A2)
b1=$(account_id BETA:B1)
placed=$(json_get "$(arrears account show ACME:A1 --json)" .placed_on)

step "an email disputing the debt: classified from its text, and the hold is set"
ok arrears contact check ACME:A1 --channel call --at 2026-11-23T18:00:00Z --json
assert_eq true "$(json_get "$output" .allowed)" "callable before"
printf 'Hello,\nI dispute this, it is not my debt.\n' >dispute.txt
ok arrears correspondence add ACME:A1 --channel email --received 2026-11-20 \
  --subject "Re: your letter" --text-file dispute.txt --json
disp=$(json_get "$output" .id)
assert_eq dispute "$(json_get "$output" .kind)" "kind from the classifier"
assert_eq dispute "$(json_get "$output" .suggested_kind)" "suggested kind"
assert_eq dispute "$(json_get "$output" .suggested_phrase)" "the phrase that decided"
assert_eq in "$(json_get "$output" .direction)" "direction"
assert_eq true "$(json_get "$output" .has_body_text)" "body text kept"
assert_eq null "$(json_get "$output" .document)" "no document"
assert_eq dispute_written "$(json_get "$output" .event.type)" "event"
assert_eq 2026-11-20T12:00:00Z "$(json_get "$output" .event.at)" "noon of received_on"
ok arrears contact check ACME:A1 --channel call --at 2026-11-23T18:00:00Z --json
assert_eq false "$(json_get "$output" .allowed)" "held"
contains DISPUTE_PENDING "$(jq -c '[.reasons[].code]' <<<"$output")"
ok arrears correspondence show "$disp" --json
assert_eq "$(cat dispute.txt)" "$(json_get "$output" .body_text)" "body text as sent"

step "a cease scan (PDF) filed with its kind: CEASE_COMMUNICATION, bytes kept exactly"
printf '%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n\x00\x01\xfe\xff\r\n%%%%EOF\n' >cease.pdf
ok arrears correspondence add ACME:A2 --channel mail --received 2026-11-21 --kind cease \
  --file cease.pdf --json
cease=$(json_get "$output" .id)
assert_eq cease "$(json_get "$output" .kind)" "kind given"
assert_eq other "$(json_get "$output" .suggested_kind)" "a scan's words are not read"
assert_eq null "$(json_get "$output" .suggested_phrase)" "no phrase"
assert_eq cease_written "$(json_get "$output" .event.type)" "event"
assert_eq cease.pdf "$(json_get "$output" .document.file_name)" "file name"
assert_eq application/pdf "$(json_get "$output" .document.content_type)" "content type"
assert_eq "$(stat -c %s cease.pdf)" "$(json_get "$output" .document.size_bytes)" "size"
sha=$(sha256sum cease.pdf | cut -d' ' -f1)
assert_eq "$sha" "$(json_get "$output" .document.sha256)" "sha256"
assert_eq "/api/v1/correspondence/$cease/document" "$(json_get "$output" .document.url)" "url"
ok arrears contact check ACME:A2 --channel call --at 2026-11-23T18:00:00Z --json
contains CEASE_COMMUNICATION "$(jq -c '[.reasons[].code]' <<<"$output")"
ok arrears correspondence get "$cease" --out back.pdf
contains "$sha" "$output"
cmp cease.pdf back.pdf || fail "the document did not come back byte for byte"
assert_eq "$sha|$(stat -c %s cease.pdf)" \
  "$(db_sql "SELECT d.sha256, d.size_bytes FROM documents d JOIN correspondence c ON c.document_id = d.id WHERE c.id = $cease")" \
  "stored row"
assert_eq "$(base64 -w0 cease.pdf)" \
  "$(db_sql "SELECT d.data FROM documents d JOIN correspondence c ON c.document_id = d.id WHERE c.id = $cease")" \
  "stored as base64"
fails 1 arrears correspondence get "$disp" --out none.pdf
contains "has no document" "$errout"
[[ ! -e none.pdf ]] || fail "a file was written for an item without a document"
fails 1 arrears correspondence get 99999 --out none.pdf
contains "not found" "$errout"
fails 1 arrears correspondence get "$cease" --out "${ARREARS_KEY_FILE}"
contains "refusing to overwrite" "$errout"

step "received today before noon: the hold starts now, not at noon"
_run env ARREARS_NOW=2026-11-23T09:00:00Z "$ARREARS" correspondence add ACME:A3 \
  --channel fax --received 2026-11-23 --subject "Notice: Chapter 13, automatic stay" --json
assert_eq 0 "$rc" "exit"
assert_eq bankruptcy "$(json_get "$output" .kind)" "kind"
assert_eq "chapter 13" "$(json_get "$output" .suggested_phrase)" "phrase"
assert_eq bankruptcy_filed "$(json_get "$output" .event.type)" "event"
assert_eq 2026-11-23T09:00:00Z "$(json_get "$output" .event.at)" "now, not noon"
ok arrears contact check ACME:A3 --channel letter --at 2026-11-23T10:00:00Z --json
contains BANKRUPTCY "$(jq -c '[.reasons[].code]' <<<"$output")"

step "a payment letter sets no hold; Spanish; a text document is read"
ok arrears correspondence add ACME:A4 --channel mail --received 2026-11-10 \
  --subject "Check enclosed" --json
assert_eq payment "$(json_get "$output" .kind)" "payment"
assert_eq null "$(json_get "$output" .event)" "no event"
printf 'Por favor dejen de llamarme.\n' >carta.txt
ok arrears correspondence add ACME:A4 --channel upload --received 2026-11-12 --file carta.txt \
  --kind other --json
assert_eq cease "$(json_get "$output" .suggested_kind)" "suggested from the text file"
assert_eq "dejen de" "$(json_get "$output" .suggested_phrase)" "Spanish phrase"
assert_eq other "$(json_get "$output" .kind)" "the kind given wins"
assert_eq text/plain "$(json_get "$output" .document.content_type)" "type from .txt"
assert_eq null "$(json_get "$output" .event)" "no event for other"
ok arrears contact check ACME:A4 --channel call --at 2026-11-23T18:00:00Z --json
assert_eq true "$(json_get "$output" .allowed)" "no hold"

step "refusals name the field; usage errors exit 2"
printf 'GIF89a not a pdf' >fake.pdf
fails 1 arrears correspondence add ACME:A4 --channel mail --received 2026-11-20 --file fake.pdf
contains "document" "$errout"
contains "does not match its content type application/pdf" "$errout"
fails 1 arrears correspondence add ACME:A4 --channel mail --received 2026-11-20 \
  --file cease.pdf --content-type image/png
contains "image/png" "$errout"
fails 1 arrears correspondence add ACME:A4 --channel mail --received 2026-11-20 \
  --file cease.pdf --content-type application/msword
contains "document.content_type" "$errout"
{
  printf '%%PDF-1.4\n'
  head -c 10485760 /dev/zero
} >big.pdf
fails 1 arrears correspondence add ACME:A4 --channel mail --received 2026-11-20 --file big.pdf
contains "at most 10485760 bytes" "$errout"
head -c 70000 /dev/zero | tr '\0' a >big.txt
fails 1 arrears correspondence add ACME:A4 --channel email --received 2026-11-20 --text-file big.txt
contains "--text-file" "$errout"
fails 1 arrears correspondence add ACME:A4 --channel email --received 2026-11-24 --subject x
contains "received_on must not be in the future" "$errout"
early=$(date -u -d "$placed -13 months" +%F)
fails 1 arrears correspondence add ACME:A4 --channel email --received "$early" --subject x
contains "a year before the account was placed" "$errout"
fails 1 arrears correspondence add ACME:A4 --channel pigeon --received 2026-11-20 --subject x
contains "channel" "$errout"
fails 1 arrears correspondence add ACME:A4 --channel mail --received 2026-11-20 --subject x --kind angry
contains "kind must be" "$errout"
fails 1 arrears correspondence add ACME:A4 --channel mail --received 20-11-2026 --subject x
contains "received_on" "$errout"
fails 1 arrears correspondence add ACME:A4 --channel mail --received 2026-11-20
contains "needs a subject, a body_text or a document" "$errout"
fails 1 arrears correspondence add ACME:A4 --channel mail --received 2026-11-20 --file missing.pdf
contains "missing.pdf" "$errout"
fails 1 arrears correspondence add NOPE:1 --channel mail --received 2026-11-20 --subject x
printf 'x' >note.doc
fails 2 arrears correspondence add ACME:A4 --channel mail --received 2026-11-20 --file note.doc
contains "--content-type" "$errout"
fails 2 arrears correspondence add ACME:A4 --received 2026-11-20 --subject x
fails 2 arrears correspondence add ACME:A4 --channel mail --received 2026-11-20 --subject x --bogus 1
fails 2 arrears correspondence get abc --out x.pdf
fails 2 arrears correspondence get "$cease"
fails 2 arrears correspondence classify "$cease"
fails 2 arrears correspondence list
fails 2 arrears correspondence list ACME:A1 --limit 0
assert_eq 0 "$(db_sql "SELECT count(*) FROM correspondence WHERE account_id = $(account_id ACME:A4) AND channel <> 'mail' AND channel <> 'upload'")" "nothing half-written"

step "list: newest received first, the JSON shape, paging"
ok arrears correspondence add ACME:A1 --channel mail --received 2026-11-22 --subject "Later letter" --kind other
ok arrears correspondence add ACME:A1 --channel fax --received 2026-11-01 --subject "Earlier fax" --kind other
ok arrears correspondence list ACME:A1 --json
assert_eq 3 "$(jq '.items | length' <<<"$output")" "three items"
assert_eq '["2026-11-22","2026-11-20","2026-11-01"]' "$(jq -c '[.items[].received_on]' <<<"$output")" "order"
assert_eq null "$(json_get "$output" .next_after)" "one page"
assert_eq '["account_id","actor","channel","created_at","direction","document","event","has_body_text","has_document","id","kind","received_on","subject","suggested_kind","suggested_phrase"]' \
  "$(jq -c '.items[1] | keys' <<<"$output")" "item keys"
ok arrears correspondence list ACME:A2 --json
assert_eq '["content_type","file_name","id","sha256","size_bytes","url"]' \
  "$(jq -c '.items[0].document | keys' <<<"$output")" "document keys"
assert_eq '["at","id","released_at","type"]' "$(jq -c '.items[0].event | keys' <<<"$output")" "event keys"
ok arrears correspondence list ACME:A1 --limit 2 --json
assert_eq '["2026-11-22","2026-11-20"]' "$(jq -c '[.items[].received_on]' <<<"$output")" "page 1"
next=$(json_get "$output" .next_after)
assert_eq "$disp" "$next" "cursor is the last item shown"
ok arrears correspondence list ACME:A1 --limit 2 --after "$next" --json
assert_eq '["2026-11-01"]' "$(jq -c '[.items[].received_on]' <<<"$output")" "page 2"
assert_eq null "$(json_get "$output" .next_after)" "last page"
ok arrears correspondence list ACME:A1
contains "dispute" "$output"
contains "found 'dispute'" "$output"
ok arrears correspondence list BETA:B1
contains "no correspondence" "$output"

step "reclassify (on the command line; roles are checked over the API below): the earlier event stays in effect"
ok arrears user add carla --name "Carla Collector" --role collector
ok arrears user add sam --name "Sam Supervisor" --role supervisor
ok arrears user add portal --name "Acme Portal" --role client --client ACME
ok arrears --as carla correspondence add ACME:A4 --channel mail --received 2026-11-15 \
  --subject "a note from the debtor" --json
assert_eq carla "$(json_get "$output" .actor)" "actor"
ok arrears --as sam correspondence classify "$disp" --kind cease --json
assert_eq cease "$(json_get "$output" .kind)" "new kind"
assert_eq cease_written "$(json_get "$output" .event.type)" "new event"
assert_eq dispute "$(json_get "$output" .suggested_kind)" "suggestion unchanged"
assert_eq "1|1" "$(db_sql "SELECT sum(CASE WHEN type = 'dispute_written' THEN 1 ELSE 0 END), sum(CASE WHEN type = 'cease_written' THEN 1 ELSE 0 END) FROM account_events WHERE account_id = $a1 AND released_at IS NULL")" \
  "dispute still in effect, cease added"
ok arrears --as sam correspondence classify "$disp" --kind cease --json
assert_eq 2 "$(db_sql "SELECT count(*) FROM account_events WHERE account_id = $a1")" "same kind again: nothing new"
ok arrears --as sam correspondence classify "$disp" --kind payment --json
assert_eq payment "$(json_get "$output" .kind)" "to payment"
assert_eq cease_written "$(json_get "$output" .event.type)" "the event it set stays"
fails 1 arrears --as sam correspondence classify "$disp" --kind angry
fails 1 arrears --as sam correspondence classify 99999 --kind other
ok arrears audit list --action correspondence.classify
contains "correspondence.classify" "$output"
ok arrears audit list --action correspondence.add
contains "correspondence.add" "$output"

step "the API: a client user reads only its own client's correspondence"
ok arrears correspondence add BETA:B1 --channel mail --received 2026-11-20 --kind other \
  --file cease.pdf
beta_item=$(db_sql "SELECT max(id) FROM correspondence WHERE account_id = $b1")
_run bash -c "printf 'portal-password-1\n' | \"$ARREARS\" user passwd portal --password-stdin"
assert_eq 0 "$rc" "passwd"
ok arrears user add boss --name "Boss" --role admin
ok arrears user token boss --name it
token=$(grep -Eo 'arr_[A-Za-z0-9_-]+' <<<"$output" | head -n1)
[[ -n $token ]] || fail "no token in: $output"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$ARREARS" serve --listen "127.0.0.1:$port" --access-log off 2>serve.err &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
api="http://127.0.0.1:$port/api/v1"
ok curl -fsS -c jar -H 'Content-Type: application/json' \
  -d '{"username":"portal","password":"portal-password-1"}' "$api/session"
csrf=$(json_get "$output" .csrf_token)
ok curl -fsS -b jar "$api/accounts/$a1/correspondence"
assert_eq 3 "$(jq '.items | length' <<<"$output")" "own client's list"
_run curl -sS -b jar -o body -w '%{http_code}' "$api/accounts/$b1/correspondence"
assert_eq 403 "$output" "another client's list"
assert_eq forbidden "$(jq -r .error.code body)" "code"
_run curl -sS -b jar -D headers -o portal.pdf -w '%{http_code}' "$api/correspondence/$cease/document"
assert_eq 200 "$output" "own document"
cmp cease.pdf portal.pdf || fail "the API document differs"
contains "Content-Type: application/pdf" "$(<headers)"
contains "Content-Disposition: inline; filename=\"cease.pdf\"" "$(<headers)"
contains "X-Content-Type-Options: nosniff" "$(<headers)"
_run curl -sS -b jar -o body -w '%{http_code}' "$api/correspondence/$beta_item/document"
assert_eq 403 "$output" "another client's document"
_run curl -sS -b jar -o body -w '%{http_code}' "$api/correspondence/$beta_item"
assert_eq 403 "$output" "another client's item"
_run curl -sS -b jar -o body -w '%{http_code}' -H "X-CSRF-Token: $csrf" \
  -H 'Content-Type: application/json' -d '{"channel":"mail","received_on":"2026-11-20","subject":"x"}' \
  "$api/accounts/$a1/correspondence"
assert_eq 403 "$output" "a client user cannot file"
_run curl -sS -b jar -o body -w '%{http_code}' -X PUT -H "X-CSRF-Token: $csrf" \
  -H 'Content-Type: application/json' -d '{"kind":"other"}' "$api/correspondence/$cease/kind"
assert_eq 403 "$output" "a client user cannot reclassify"

step "the API: filing a PDF as base64, reading it back; wrong magic names the field"
jq -n --arg b64 "$(base64 -w0 cease.pdf)" \
  '{channel:"upload",received_on:"2026-11-22",subject:"I do not owe this",document:{file_name:"scan \"1\".pdf",content_type:"application/pdf",content_base64:$b64}}' >up.json
_run curl -sS -o body -w '%{http_code}' -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' --data-binary @up.json "$api/accounts/$b1/correspondence"
assert_eq 201 "$output" "filed"
assert_eq dispute "$(jq -r .kind body)" "classified from the subject"
assert_eq "do not owe" "$(jq -r .suggested_phrase body)" "phrase"
api_item=$(jq -r .id body)
_run curl -sS -D headers -o api.pdf -w '%{http_code}' -H "Authorization: Bearer $token" \
  "$api/correspondence/$api_item/document"
assert_eq 200 "$output" "download"
cmp cease.pdf api.pdf || fail "the uploaded document differs"
contains "filename=\"scan _1_.pdf\"; filename*=UTF-8''scan%20%221%22.pdf" "$(<headers)"
jq -n --arg b64 "$(printf 'GIF89a....' | base64 -w0)" \
  '{channel:"upload",received_on:"2026-11-22",document:{file_name:"x.pdf",content_type:"application/pdf",content_base64:$b64}}' >bad.json
_run curl -sS -o body -w '%{http_code}' -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' --data-binary @bad.json "$api/accounts/$b1/correspondence"
assert_eq 400 "$output" "wrong magic"
assert_eq document.content_base64 "$(jq -r .error.field body)" "field"
kill -TERM $pid
wait $pid || true
trap - EXIT

ok arrears audit verify
