/*
 * test_payfile.c — payment file header and rows (formats/payfile.h).
 *
 * Good and bad rows as tables with the exact expected message, the strict header
 * (unknown columns refused), and a file read end to end through the CSV reader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"
#include "formats/payfile.h"

static arr_date ymd(int y, int m, int d) {
  arr_date out;
  assert_true(arr_date_from_ymd(y, m, d, &out));
  return out;
}

/* Splits a comma-separated literal (no quoting) into rec; fields point into buf. */
static void split(arr_csv_record *rec, long line, const char *csv, char *buf,
                  size_t cap) {
  snprintf(buf, cap, "%s", csv);
  rec->nfields = 0;
  rec->line = line;
  rec->offset = 0;
  for (char *p = buf;;) {
    char *comma = strchr(p, ',');
    if (comma != NULL) {
      *comma = '\0';
    }
    rec->f[rec->nfields] = p;
    rec->len[rec->nfields] = strlen(p);
    rec->nfields++;
    if (comma == NULL) {
      break;
    }
    p = comma + 1;
  }
}

static const char *const k_header = "client_account,amount,date,method,reference";

static arr_rc parse_line(const char *header, const char *line, arr_payfile_row *row,
                         arr_err *err) {
  static char hbuf[512], lbuf[512];
  arr_csv_record hrec, rec;
  arr_payfile_header h;
  split(&hrec, 1, header, hbuf, sizeof hbuf);
  assert_int_equal(arr_payfile_header_parse(&hrec, &h, err), ARR_OK);
  split(&rec, 9, line, lbuf, sizeof lbuf);
  return arr_payfile_parse(&h, &rec, ymd(2026, 11, 20), row, err);
}

static void test_header(void **state) {
  (void)state;
  char buf[512];
  arr_csv_record rec;
  arr_payfile_header h;
  arr_err err;
  split(&rec, 1, " Reference ,METHOD,Date,Amount,client_account", buf, sizeof buf);
  assert_int_equal(arr_payfile_header_parse(&rec, &h, &err), ARR_OK);
  assert_int_equal(h.col_reference, 0);
  assert_int_equal(h.col_method, 1);
  assert_int_equal(h.col_date, 2);
  assert_int_equal(h.col_amount, 3);
  assert_int_equal(h.col_client_account, 4);
  assert_int_equal(h.ncols, 5);
  split(&rec, 1, "client_account,amount,date,method", buf, sizeof buf);
  assert_int_equal(arr_payfile_header_parse(&rec, &h, &err), ARR_OK);
  assert_int_equal(h.col_reference, -1);
}

typedef struct {
  const char *in, *want;
} str_case;

static void test_header_errors(void **state) {
  (void)state;
  static const str_case cases[] = {
      {"client_account,amount,date", "line 1: missing required column \"method\""},
      {"amount,date,method", "line 1: missing required column \"client_account\""},
      {"client_account,amount,date,method,memo",
       "line 1: column 5: unexpected column \"memo\" (a payment file has client_account, "
       "amount, date, method, reference)"},
      {"client_account,amount,Amount,date,method",
       "line 1: column 3: duplicate column \"amount\""},
      {"client_account,amount,date,method,", "line 1: column 5: empty column name"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[512];
    arr_csv_record rec;
    arr_payfile_header h;
    arr_err err;
    split(&rec, 1, cases[i].in, buf, sizeof buf);
    assert_int_equal(arr_payfile_header_parse(&rec, &h, &err), ARR_ERR_INVALID);
    if (strcmp(err.msg, cases[i].want) != 0) {
      fail_msg("case %zu: want \"%s\" got \"%s\"", i, cases[i].want, err.msg);
    }
  }
}

static void test_good_rows(void **state) {
  (void)state;
  arr_payfile_row row;
  arr_err err;
  assert_int_equal(
      parse_line(k_header, "ACC-1,125.50,2026-11-20,ACH,TRACE 0001", &row, &err), ARR_OK);
  assert_string_equal(row.client_account.s, "ACC-1");
  assert_int_equal(row.amount_cents, 12550);
  assert_int_equal(row.date, ymd(2026, 11, 20));
  assert_int_equal(row.method, ARR_PAY_ACH);
  assert_string_equal(row.reference.s, "TRACE 0001");
  assert_int_equal(parse_line(k_header, "B,0.01,2020-02-29,Check,", &row, &err), ARR_OK);
  assert_int_equal(row.method, ARR_PAY_CHECK);
  assert_int_equal(row.reference.len, 0);
  assert_int_equal(
      parse_line("method,amount,client_account,date", "card,7,Z9,2026-01-02", &row, &err),
      ARR_OK);
  assert_int_equal(row.method, ARR_PAY_CARD);
  assert_int_equal(row.amount_cents, 700);
  assert_string_equal(row.reference.s, "");
  char ref64[65];
  memset(ref64, 'r', 64);
  ref64[64] = '\0';
  char line[128];
  snprintf(line, sizeof line, "A,1.00,2026-11-01,cash,%s", ref64);
  assert_int_equal(parse_line(k_header, line, &row, &err), ARR_OK);
  assert_int_equal(row.reference.len, 64);
  assert_int_equal(row.method, ARR_PAY_CASH);
}

static void test_bad_rows(void **state) {
  (void)state;
  static const str_case cases[] = {
      {",1.00,2026-11-20,cash,", "line 9: field client_account: is required"},
      {" A,1.00,2026-11-20,cash,",
       "line 9: field client_account: has leading or trailing spaces"},
      {"A ,1.00,2026-11-20,cash,",
       "line 9: field client_account: has leading or trailing spaces"},
      {"A\x01,1.00,2026-11-20,cash,",
       "line 9: field client_account: contains a control character"},
      {"A,,2026-11-20,cash,", "line 9: field amount: is required"},
      {"A,0.00,2026-11-20,cash,", "line 9: field amount: must be greater than zero"},
      {"A,-1.00,2026-11-20,cash,",
       "line 9: field amount: is negative where only zero or more is allowed"},
      {"A,1.001,2026-11-20,cash,",
       "line 9: field amount: has more than two decimal places"},
      {"A,$1,2026-11-20,cash,", "line 9: field amount: is not an amount like 1234.56"},
      {"A,1.00,,cash,", "line 9: field date: is required"},
      {"A,1.00,2026-11-21,cash,", "line 9: field date: is after the import date"},
      {"A,1.00,11/20/2026,cash,",
       "line 9: field date: is not a valid date in YYYY-MM-DD form"},
      {"A,1.00,2026-02-29,cash,",
       "line 9: field date: is not a valid date in YYYY-MM-DD form"},
      {"A,1.00,2026-11-20,,", "line 9: field method: is required"},
      {"A,1.00,2026-11-20,wire,",
       "line 9: field method: must be cash, check, card or ach"},
      {"A,1.00,2026-11-20,cash ,",
       "line 9: field method: must be cash, check, card or ach"},
      {"A,1.00,2026-11-20,cash,r\xC3\xA9"
       "f",
       "line 9: field reference: contains a character that is not printable ASCII"},
      {"A,1.00,2026-11-20,cash,r\tf",
       "line 9: field reference: contains a character that is not printable ASCII"},
      {"A,1.00,2026-11-20,cash,"
       "12345678901234567890123456789012345678901234567890123456789012345",
       "line 9: field reference: is longer than 64 bytes"},
      {"A,1.00,2026-11-20,cash", "line 9: expected 5 fields, found 4"},
      {"A,1.00,2026-11-20,cash,x,y", "line 9: expected 5 fields, found 6"},
      /* Several bad fields: the leftmost is named. */
      {",0,x,wire,", "line 9: field client_account: is required"},
      {"A,0,x,wire,", "line 9: field amount: must be greater than zero"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    arr_payfile_row row;
    arr_err err;
    arr_rc rc = parse_line(k_header, cases[i].in, &row, &err);
    if (rc != ARR_ERR_INVALID ||
        strncmp(err.msg, cases[i].want, strlen(cases[i].want)) != 0) {
      fail_msg("case %zu: want \"%s\" got rc %d \"%s\"", i, cases[i].want, rc,
               rc == ARR_OK ? "" : err.msg);
    }
  }
  /* Column order decides "first": method is leftmost here. */
  arr_payfile_row row;
  arr_err err;
  assert_int_equal(
      parse_line("method,amount,client_account,date", "wire,0,,x", &row, &err),
      ARR_ERR_INVALID);
  assert_string_equal(err.msg, "line 9: field method: must be cash, check, card or ach");
}

static void test_methods(void **state) {
  (void)state;
  arr_pay_method m;
  assert_true(arr_pay_method_parse("CaSh", 4, &m));
  assert_int_equal(m, ARR_PAY_CASH);
  assert_true(arr_pay_method_parse("ach", 3, &m));
  assert_int_equal(m, ARR_PAY_ACH);
  assert_false(arr_pay_method_parse("ac", 2, &m));
  assert_false(arr_pay_method_parse("achx", 4, &m));
  assert_false(arr_pay_method_parse("", 0, &m));
  for (int i = 0; i < ARR_PAY_METHOD_COUNT; i++) {
    const char *name = arr_pay_method_name((arr_pay_method)i);
    assert_true(arr_pay_method_parse(name, strlen(name), &m));
    assert_int_equal(m, i);
  }
}

static void test_through_reader(void **state) {
  (void)state;
  static const char file[] = "client_account,amount,date,method,reference\r\n"
                             "\"A,1\",10.00,2026-11-01,ach,\"R \"\"1\"\"\"\r\n"
                             "A2,5.00,2026-11-02,card,\"two\r\nlines\"\r\n"
                             "A3,5.00,2026-11-02,check,ok\r\n";
  arr_csv *r = arr_csv_open_mem(file, sizeof file - 1);
  arr_csv_record rec;
  arr_payfile_header h;
  arr_payfile_row row;
  arr_err err;
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_OK);
  assert_int_equal(arr_payfile_header_parse(&rec, &h, &err), ARR_OK);
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_OK);
  assert_int_equal(arr_payfile_parse(&h, &rec, ymd(2026, 11, 20), &row, &err), ARR_OK);
  assert_string_equal(row.client_account.s, "A,1");
  assert_string_equal(row.reference.s, "R \"1\"");
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_OK);
  assert_int_equal(arr_payfile_parse(&h, &rec, ymd(2026, 11, 20), &row, &err),
                   ARR_ERR_INVALID);
  assert_string_equal(
      err.msg,
      "line 3: field reference: contains a character that is not printable ASCII");
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_OK);
  assert_int_equal(rec.line, 5);
  assert_int_equal(arr_payfile_parse(&h, &rec, ymd(2026, 11, 20), &row, &err), ARR_OK);
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_ERR_NOTFOUND);
  arr_csv_close(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_header),    cmocka_unit_test(test_header_errors),
      cmocka_unit_test(test_good_rows), cmocka_unit_test(test_bad_rows),
      cmocka_unit_test(test_methods),   cmocka_unit_test(test_through_reader),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
