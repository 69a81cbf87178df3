/*
 * fuzz_placement.c — libFuzzer target for formats/placement (through formats/csv).
 *
 * Reads the input as a placement file: the first record is the header, then every
 * record is validated against it, as the importer does. Beyond "no crash", every
 * accepted row must honor the contract in placement.h (required values present and
 * within length, normalized codes in their canonical shapes, amounts in range, dates
 * not after the import date, strings NUL-terminated at len), and every rejection must
 * carry a message in the documented shape. Any violation calls abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/money.h"
#include "formats/placement.h"

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      abort();                                                                           \
    }                                                                                    \
  } while (0)

static void check_str(arr_str s, size_t max) {
  CHECK(s.s != NULL && s.len <= max && strlen(s.s) == s.len);
}

static int all_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') {
      return 0;
    }
  }
  return s[n] == '\0';
}

static void check_row(const arr_placement_row *row, arr_date today) {
  check_str(row->client_account, ARR_PLACEMENT_ACCOUNT_MAX);
  CHECK(row->client_account.len > 0 && row->first_name.len > 0 && row->last_name.len > 0);
  const arr_str texts[] = {row->first_name, row->middle_name,      row->last_name,
                           row->suffix,     row->address1,         row->address2,
                           row->city,       row->original_creditor};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    check_str(texts[i], ARR_PLACEMENT_TEXT_MAX);
  }
  CHECK(!row->has_ssn || all_digits(row->ssn, 9));
  CHECK(strlen(row->state) == 0 || strlen(row->state) == 2);
  CHECK(strlen(row->zip) == 0 || strlen(row->zip) == 5 || strlen(row->zip) == 10);
  CHECK(row->nphones >= 0 && row->nphones <= 2);
  for (int i = 0; i < row->nphones; i++) {
    CHECK(all_digits(row->phone[i], 10) && row->phone[i][0] >= '2' &&
          row->phone[i][3] >= '2');
  }
  CHECK(strlen(row->email) <= ARR_PLACEMENT_EMAIL_MAX);
  CHECK(row->principal_cents > 0 && row->principal_cents <= ARR_MONEY_MAX_CENTS);
  CHECK(row->interest_cents >= 0 && row->interest_cents <= ARR_MONEY_MAX_CENTS);
  CHECK(row->fees_cents >= 0 && row->fees_cents <= ARR_MONEY_MAX_CENTS);
  CHECK(!row->has_dob || row->dob <= today);
  CHECK(!row->has_open_date || row->open_date <= today);
  CHECK(!row->has_charge_off_date || row->charge_off_date <= today);
  CHECK(!row->has_last_payment_date || row->last_payment_date <= today);
  CHECK(!row->has_first_delinquency_date || row->first_delinquency_date <= today);
  CHECK(!row->has_itemization_date || row->itemization_date <= today);
  CHECK((unsigned)row->account_type < ARR_ACCT_TYPE_COUNT);
  CHECK(row->nattrs <= ARR_PLACEMENT_MAX_ATTRS);
  for (size_t i = 0; i < row->nattrs; i++) {
    check_str(row->attr[i], ARR_PLACEMENT_TEXT_MAX);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  arr_date today;
  CHECK(arr_date_from_ymd(2026, 11, 20, &today));
  arr_csv *r = arr_csv_open_mem((const char *)data, size);
  CHECK(r != NULL);
  arr_csv_record rec;
  arr_err err;
  arr_placement_header h;
  if (arr_csv_next(r, &rec, &err) != ARR_OK) {
    arr_csv_close(r);
    return 0;
  }
  if (arr_placement_header_parse(&rec, &h, &err) != ARR_OK) {
    CHECK(strncmp(err.msg, "line ", 5) == 0);
    arr_csv_close(r);
    return 0;
  }
  CHECK(h.ncols == rec.nfields && h.nattrs <= ARR_PLACEMENT_MAX_ATTRS);
  static arr_placement_row row; /* large; static keeps the fuzzer's stack small */
  for (size_t n = 0; n <= size && arr_csv_next(r, &rec, &err) == ARR_OK; n++) {
    arr_rc rc = arr_placement_parse(&h, &rec, today, &row, &err);
    if (rc == ARR_OK) {
      check_row(&row, today);
    } else {
      CHECK(rc == ARR_ERR_INVALID && strncmp(err.msg, "line ", 5) == 0);
      CHECK(strstr(err.msg, ": field ") != NULL ||
            strstr(err.msg, ": expected ") != NULL);
    }
  }
  arr_csv_close(r);
  return 0;
}
