#!/usr/bin/env bash
# t_letters.sh — the letters run on both engines: validation notices in English and
# Spanish read back with pdftotext (every 1006.34 element, amounts equal to the
# ledger's itemization, the validation end date across Thanksgiving), the print
# vendor's manifest, compliance refusals, event letters, idempotency (twice run = once
# run, a lost PDF made again byte for byte), returned mail, and template versions.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Tuesday 2026-11-24: five business days after it skip Thanksgiving (Thursday the
# 26th) and the weekend, so receipt is assumed on Wednesday 2 December and the
# validation period ends 30 days later, on 1 January 2027.
export ARREARS_NOW=2026-11-24T15:00:00Z
D=2026-11-24

pdf_text() { pdftotext -layout "$1" - | tr '\n' ' ' | tr -s ' '; }

ok arrears init
ok arrears client add ACME --name "Acme Bank"
csv_file p.csv \
  'client_account,first_name,last_name,ssn,principal,interest,fees,address1,city,state,zip,original_creditor,charge_off_date,itemization_date,language' \
  '40001234,Ann,Lee,111-22-3333,1000.00,50.00,25.00,12 Oak St,Austin,TX,78701,First Card,2026-06-30,2026-06-30,en' \
  '40005678,José,Núñez,222-33-4444,800.00,0,0,9 Calle Sol,Miami,FL,33101,Tienda Uno,2026-06-30,2026-06-30,es' \
  '40009999,Cy,Dee,333-44-5555,500.00,0,0,,,,,,2026-06-30,2026-06-30,en' \
  '40004444,Di,Fox,444-55-6666,700.00,0,0,5 Elm St,Denver,CO,80202,,2026-06-30,2026-06-30,en' \
  '40007777,Ed,Gray,555-66-7777,300.00,0,0,7 Pine St,Reno,NV,89501,,2026-06-30,2026-06-30,en'
ok arrears import placements p.csv --client ACME
contains "loaded 5" "$output"
ok arrears pay ACME:40001234 100.00 --date $D --key l-pay-1
ok arrears account event ACME:40004444 --type attorney_represented --at 2026-11-24T12:00:00Z
ok arrears account event ACME:40007777 --type cease_written --at 2026-11-24T13:00:00Z

step "the run needs the night's batch and the agency's profile"
fails 1 arrears letters run --as-of $D --out out
contains "batch run --as-of $D" "$errout"
ok arrears batch run --as-of $D --quiet
fails 1 arrears letters run --as-of $D --out out
contains "the agency's name is not set" "$errout"
ok arrears agency set name "Test Collections LLC"
ok arrears agency set street "100 Main Street, Suite 5"
ok arrears agency set city_line "Dallas, TX 75202"
ok arrears agency set phone "(800) 555-0100"
ok arrears agency set hours "Monday to Friday, 8 a.m. to 8 p.m. Central"
fails 1 arrears agency set fax "1"
contains "is not an agency field" "$errout"
fails 2 arrears letters run --as-of $D
fails 1 arrears letters run --as-of 2026-11-30 --out out
contains "after today" "$errout"

step "letters run: a notice per new account the engine allows, a manifest, a skipped list"
ok arrears letters run --as-of $D --out out --json
run1=$output
assert_eq 3 "$(json_get "$run1" .letters)" "two validation notices and the cease acknowledgement"
ok arrears letters list --as-of $D --json
assert_eq 3 "$(json_get "$output" 'length')" "letters of the date (two notices, one acknowledgement)"
assert_eq 3 "$(json_get "$run1" .manifest_rows)" "manifest rows"
assert_eq 3 "$(find out -name 'letter-*.pdf' | wc -l | tr -d ' ')" "one PDF per letter"
assert_eq 4 "$(wc -l <out/manifest-$D.csv | tr -d ' ')" "header + 3 rows"
head -1 out/manifest-$D.csv | grep -q '^letter_id,account_id,client,client_account,template,language,recipient_name,address1,address2,city,state,zip,pages,postage_class,file$' ||
  fail "manifest header: $(head -1 out/manifest-$D.csv)"
contains ",BAD_ADDRESS," "$(cat out/skipped-$D.csv)"
contains ",ATTORNEY_REPRESENTED," "$(cat out/skipped-$D.csv)"
contains "cease_acknowledgement" "$(cat out/manifest-$D.csv)"
not_contains "40007777,validation_notice" "$(cat out/manifest-$D.csv)"

step "the English notice: every 1006.34 element, amounts from the ledger, the end date"
ann=$(db_sql "SELECT id FROM letters WHERE template = 'validation_notice' AND language = 'en'")
ok arrears account show ACME:40001234 --json
it=$(jq -c .itemization <<<"$output")
assert_eq 107500 "$(json_get "$it" .amount_cents)" "itemization amount"
assert_eq 97500 "$(json_get "$it" .current_cents)" "current amount"
t=$(pdf_text "out/letter-$ann.pdf")
for want in "Test Collections LLC is a debt collector" "owe to Acme Bank" \
  "You had an account from First Card with account number ****1234" \
  "As of June 30, 2026, you owed: \$1,075.00" "in interest: + \$0.00" "in fees: + \$0.00" \
  "toward the debt: – \$100.00" "Total amount of the debt now: \$975.00" \
  "January 1, 2027" "www.cfpb.gov/debt-collection" "How do you want to respond?" \
  "This is not my debt." "The amount is wrong." "name and address of the original creditor" \
  "Ann Lee" "12 Oak St" "Austin, TX 78701" "100 Main Street, Suite 5" "(800) 555-0100" \
  "Detach and return this part" "Page 1 of" "November 24, 2026"; do
  contains "$want" "$t"
done
not_contains "December 31, 2026" "$t"
assert_eq "1" "$(db_sql "SELECT COUNT(*) FROM account_events WHERE type = 'validation_notice_sent' AND account_id = (SELECT account_id FROM letters WHERE id = $ann)")" "the mail date starts the validation period"
assert_eq "letter|sent" "$(db_sql "SELECT channel, outcome FROM contacts WHERE target = 'letter $ann'")" "the letter is a contact (passive-reporting clock)"

ok arrears account show ACME:40001234 --json
assert_eq 2026-12-08 "$(json_get "$output" .credit_reporting.may_furnish_from)" "14 days after the mail date (1006.30(a))"
assert_eq letter "$(json_get "$output" .credit_reporting.basis)" "basis"

step "the Spanish notice for a debtor whose language is Spanish"
jose=$(db_sql "SELECT id FROM letters WHERE template = 'validation_notice' AND language = 'es'")
t=$(pdf_text "out/letter-$jose.pdf")
for want in "es un cobrador de deudas" "Tienda Uno" "****5678" "30 de junio de 2026" \
  "\$800.00" "1 de enero de 2027" "www.cfpb.gov/debt-collection" "¿Cómo desea responder?" \
  "José Núñez" "9 Calle Sol" "Página 1 de" "Desprenda y devuelva esta parte"; do
  contains "$want" "$t"
done

step "twice run = once run; a lost PDF is made again, byte for byte"
cp -r out first
ok arrears letters run --as-of $D --out out --json
assert_eq 0 "$(json_get "$output" .letters)" "nothing new"
assert_eq 3 "$(json_get "$output" .already_made)" "all three were made before"
cmp first/manifest-$D.csv out/manifest-$D.csv || fail "the manifest changed on a rerun"
cmp first/skipped-$D.csv out/skipped-$D.csv || fail "the skipped list changed on a rerun"
rm "out/letter-$ann.pdf"
ok arrears letters run --as-of $D --out out --json
assert_eq 1 "$(json_get "$output" .pdfs_written)" "the missing PDF"
cmp "first/letter-$ann.pdf" "out/letter-$ann.pdf" || fail "the remade PDF differs"
ok arrears letters pdf "$ann" --out again.pdf
cmp "first/letter-$ann.pdf" again.pdf || fail "letters pdf differs from the mailed PDF"
assert_eq 3 "$(db_sql "SELECT COUNT(*) FROM letters")" "still three letters"

step "returned mail: the address is marked, skip tracing opens, the contact is logged"
ok arrears letters returned "$ann" --date 2026-11-24 --reason "moved, left no address"
contains "the account goes to skip tracing" "$output"
assert_eq returned "$(db_sql "SELECT a.status FROM addresses a JOIN letters l ON l.address_id = a.id WHERE l.id = $ann")" "address status"
assert_eq "returned_mail" "$(db_sql "SELECT source FROM contact_point_history WHERE kind = 'address' AND new_value = 'returned'")" "history source"
assert_eq "1" "$(db_sql "SELECT COUNT(*) FROM skip_trace_requests WHERE status = 'open'")" "skip trace"
assert_eq "returned" "$(db_sql "SELECT outcome FROM contacts WHERE target = 'letter $ann' AND outcome <> 'sent'")" "returned contact"
fails 1 arrears letters returned "$ann"
contains "is returned, not mailed" "$errout"
ok arrears contact check ACME:40001234 --channel letter --at 2026-11-24T16:00:00Z --json
contains "BAD_ADDRESS" "$output"
ok arrears account show ACME:40001234 --json
assert_eq null "$(json_get "$output" .credit_reporting.may_furnish_from)" "a return resets the passive-reporting clock"

step "templates: a saved version is checked, numbered and used by the next run"
ok arrears template show reminder --language en
printf '%s' "$output" >reminder.tmpl
contains "{{agency.name}}" "$output"
printf 'subject: x\nkind: collection\nrepeat: once\n---\nHello {{debtor.nickname}}\n' >bad.tmpl
fails 1 arrears template save reminder --language en --file bad.tmpl
contains "line 5, column 7" "$errout"
contains "debtor.nickname" "$errout"
fails 1 arrears template check --file bad.tmpl
sed 's/This communication is from a debt collector./This communication is from a debt collector. (Edited.)/' reminder.tmpl >reminder2.tmpl
ok arrears template save reminder --language en --file reminder2.tmpl --note "edited"
contains "version 1 saved" "$output"
ok arrears template list --json
assert_eq 1 "$(json_get "$output" '[.[] | select(.name == "reminder" and .language == "en")][0].version')" "newest version"
assert_eq 20 "$(json_get "$output" 'length')" "ten letters in two languages"
ok arrears letters preview ACME:40005678 --template reminder --out preview.pdf
contains "MUESTRA" "$(pdf_text preview.pdf)"

step "the audit chain holds every letter and change"
ok arrears audit verify
