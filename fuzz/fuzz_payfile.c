/*
 * fuzz_payfile.c — libFuzzer target for formats/payfile (through formats/csv).
 *
 * First record is the header, then every record is validated. Accepted rows must keep
 * the money-file contract (amount > 0 and in range, date not after the import date,
 * method known, account 1..64 bytes, reference printable ASCII up to 64 bytes);
 * rejections must have the documented message shape. Any violation calls abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/money.h"
#include "formats/payfile.h"

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      abort();                                                                           \
    }                                                                                    \
  } while (0)

static void check_row(const arr_payfile_row *row, arr_date today) {
  CHECK(row->client_account.len >= 1 && row->client_account.len <= 64);
  CHECK(strlen(row->client_account.s) == row->client_account.len);
  CHECK(row->amount_cents > 0 && row->amount_cents <= ARR_MONEY_MAX_CENTS);
  CHECK(row->date <= today);
  CHECK((unsigned)row->method < ARR_PAY_METHOD_COUNT);
  CHECK(row->reference.len <= 64 && strlen(row->reference.s) == row->reference.len);
  for (size_t i = 0; i < row->reference.len; i++) {
    CHECK(row->reference.s[i] >= 0x20 && row->reference.s[i] <= 0x7E);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  arr_date today;
  CHECK(arr_date_from_ymd(2026, 11, 20, &today));
  arr_csv *r = arr_csv_open_mem((const char *)data, size);
  CHECK(r != NULL);
  arr_csv_record rec;
  arr_err err;
  arr_payfile_header h;
  if (arr_csv_next(r, &rec, &err) != ARR_OK ||
      arr_payfile_header_parse(&rec, &h, &err) != ARR_OK) {
    arr_csv_close(r);
    return 0;
  }
  CHECK(h.col_client_account >= 0 && h.col_amount >= 0 && h.col_date >= 0 &&
        h.col_method >= 0 && h.ncols <= 5);
  for (size_t n = 0; n <= size && arr_csv_next(r, &rec, &err) == ARR_OK; n++) {
    arr_payfile_row row;
    arr_rc rc = arr_payfile_parse(&h, &rec, today, &row, &err);
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
