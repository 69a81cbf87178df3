/*
 * test_placement.c — placement header mapping and row validation (formats/placement.h).
 *
 * A full header (every SPEC column plus one attribute) and a known-good row are the
 * base; each bad case overrides one column and expects the exact "line L: field NAME:"
 * prefix and a reason substring, so a change in which field is blamed, or how, fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"
#include "formats/placement.h"

/* ---- helpers ------------------------------------------------------------------------
 */

static arr_date ymd(int y, int m, int d) {
  arr_date out;
  assert_true(arr_date_from_ymd(y, m, d, &out));
  return out;
}

/* Fills rec with the given NUL-terminated strings (the reader's contract). */
static void make_rec(arr_csv_record *rec, long line, const char *const *vals, size_t n) {
  assert_true(n <= ARR_CSV_MAX_FIELDS);
  rec->nfields = n;
  rec->line = line;
  rec->offset = 0;
  for (size_t i = 0; i < n; i++) {
    rec->f[i] = vals[i];
    rec->len[i] = strlen(vals[i]);
  }
}

/* Column names in SPEC order, plus one unknown column kept as an attribute. */
static const char *const k_cols[] = {
    "client_account",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "ssn",
    "dob",
    "address1",
    "address2",
    "city",
    "state",
    "zip",
    "phone1",
    "phone1_type",
    "phone2",
    "phone2_type",
    "email",
    "original_creditor",
    "account_type",
    "open_date",
    "charge_off_date",
    "last_payment_date",
    "first_delinquency_date",
    "principal",
    "interest",
    "fees",
    "interest_rate_pct",
    "itemization_date",
    "itemization_basis",
    "federal_loan_bundle",
    "Branch_Code",
};
enum { NCOLS = sizeof k_cols / sizeof k_cols[0] };

static const char *const k_good[NCOLS] = {
    "ACC-1",
    "Ann",
    "",
    "Lee",
    "",
    "123-45-6789",
    "1980-02-29",
    "1 Main St",
    "",
    "Springfield",
    "il",
    "62701",
    "(217) 555-0100",
    "Mobile",
    "",
    "",
    "Ann.Lee@Example.COM",
    "First Bank",
    "credit_card",
    "2019-03-15",
    "2023-01-31",
    "2022-11-02",
    "2022-08-01",
    "1234.56",
    "12.50",
    "0",
    "19.99",
    "2023-01-31",
    "charge_off",
    "",
    "B7",
};

static int col_index(const char *name) {
  for (int i = 0; i < NCOLS; i++) {
    if (strcmp(k_cols[i], name) == 0) {
      return i;
    }
  }
  fail_msg("no column %s", name);
  return -1;
}

static arr_date g_today;

static void full_header(arr_placement_header *h) {
  arr_csv_record rec;
  arr_err err;
  make_rec(&rec, 1, k_cols, NCOLS);
  assert_int_equal(arr_placement_header_parse(&rec, h, &err), ARR_OK);
}

/* Parses the good row with column `name` set to `value` (name NULL: no change). */
static arr_rc parse_with(const char *name, const char *value, arr_placement_row *row,
                         arr_err *err) {
  arr_placement_header h;
  full_header(&h);
  const char *vals[NCOLS];
  memcpy(vals, k_good, sizeof vals);
  if (name != NULL) {
    vals[col_index(name)] = value;
  }
  arr_csv_record rec;
  make_rec(&rec, 7, vals, NCOLS);
  return arr_placement_parse(&h, &rec, g_today, row, err);
}

static int setup(void **state) {
  (void)state;
  g_today = ymd(2026, 11, 20);
  return 0;
}

/* ---- header -------------------------------------------------------------------------
 */

static void test_header_mapping(void **state) {
  (void)state;
  const char *cols[] = {" Client_Account ", "FIRST_NAME", "Branch Code",
                        "last_name",        "Principal",  "ssn"};
  arr_csv_record rec;
  arr_placement_header h;
  arr_err err;
  make_rec(&rec, 1, cols, 6);
  assert_int_equal(arr_placement_header_parse(&rec, &h, &err), ARR_OK);
  assert_int_equal(h.ncols, 6);
  assert_int_equal(h.col[ARR_PF_CLIENT_ACCOUNT], 0);
  assert_int_equal(h.col[ARR_PF_FIRST_NAME], 1);
  assert_int_equal(h.col[ARR_PF_LAST_NAME], 3);
  assert_int_equal(h.col[ARR_PF_PRINCIPAL], 4);
  assert_int_equal(h.col[ARR_PF_SSN], 5);
  assert_int_equal(h.col[ARR_PF_DOB], -1);
  assert_int_equal(h.nattrs, 1);
  assert_int_equal(h.attr_col[0], 2);
  assert_string_equal(h.attr_name[0], "branch code");
  for (int f = 0; f < ARR_PF_COUNT; f++) {
    assert_string_equal(arr_placement_field_name((arr_placement_field)f), k_cols[f]);
  }
}

typedef struct {
  const char *csv_header; /* comma-separated, no quoting */
  const char *want;
} header_case;

static void test_header_errors(void **state) {
  (void)state;
  static const header_case cases[] = {
      {"client_account,first_name,last_name",
       "line 1: missing required column \"principal\""},
      {"first_name,last_name,principal",
       "line 1: missing required column \"client_account\""},
      {"client_account,first_name,principal",
       "line 1: missing required column \"last_name\""},
      {"client_account,first_name,last_name,principal,SSN,ssn",
       "line 1: column 6: duplicate column \"ssn\""},
      {"client_account,first_name,last_name,principal,x,X ",
       "line 1: column 6: duplicate column \"x\""},
      {"client_account,,first_name,last_name,principal",
       "line 1: column 2: empty column name"},
      {"client_account,first_name,last_name,principal,   ",
       "line 1: column 5: empty column name"},
      {"client_account,first_name,last_name,principal,"
       "a234567890123456789012345678901234567890123456789012345678901234",
       "line 1: column 5: column name longer than 63 bytes"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[512];
    const char *vals[64];
    size_t n = 0;
    snprintf(buf, sizeof buf, "%s", cases[i].csv_header);
    for (char *p = buf;; p++) {
      vals[n++] = p;
      p = strchr(p, ',');
      if (p == NULL) {
        break;
      }
      *p = '\0';
    }
    arr_csv_record rec;
    arr_placement_header h;
    arr_err err;
    make_rec(&rec, 1, vals, n);
    assert_int_equal(arr_placement_header_parse(&rec, &h, &err), ARR_ERR_INVALID);
    if (strcmp(err.msg, cases[i].want) != 0) {
      fail_msg("case %zu: want \"%s\" got \"%s\"", i, cases[i].want, err.msg);
    }
  }
}

static void test_header_limits(void **state) {
  (void)state;
  static char names[70][24];
  const char *vals[80];
  size_t n = 0;
  vals[n++] = "client_account";
  vals[n++] = "first_name";
  vals[n++] = "last_name";
  vals[n++] = "principal";
  vals[n++] = "a23456789012345678901234567890123456789012345678901234567890123";
  for (int i = 0; i < 63; i++) {
    snprintf(names[i], sizeof names[i], "extra_%d", i);
    vals[n++] = names[i];
  }
  arr_csv_record rec;
  arr_placement_header h;
  arr_err err;
  make_rec(&rec, 1, vals, n); /* 64 attributes, one with a 63-byte name */
  assert_int_equal(arr_placement_header_parse(&rec, &h, &err), ARR_OK);
  assert_int_equal(h.nattrs, 64);
  assert_int_equal(strlen(h.attr_name[0]), 63);
  vals[n++] = "one_too_many";
  make_rec(&rec, 1, vals, n);
  assert_int_equal(arr_placement_header_parse(&rec, &h, &err), ARR_ERR_INVALID);
  assert_string_equal(
      err.msg, "line 1: column 69: more than 64 unknown columns (\"one_too_many\")");
}

/* ---- good rows ----------------------------------------------------------------------
 */

static void test_good_row(void **state) {
  (void)state;
  arr_placement_row row;
  arr_err err;
  assert_int_equal(parse_with(NULL, NULL, &row, &err), ARR_OK);
  assert_string_equal(row.client_account.s, "ACC-1");
  assert_string_equal(row.first_name.s, "Ann");
  assert_int_equal(row.middle_name.len, 0);
  assert_string_equal(row.middle_name.s, "");
  assert_int_equal(row.suffix.len, 0);
  assert_string_equal(row.last_name.s, "Lee");
  assert_true(row.has_ssn);
  assert_string_equal(row.ssn, "123456789");
  assert_true(row.has_dob);
  assert_int_equal(row.dob, ymd(1980, 2, 29));
  assert_string_equal(row.address1.s, "1 Main St");
  assert_string_equal(row.city.s, "Springfield");
  assert_string_equal(row.state, "IL");
  assert_string_equal(row.zip, "62701");
  assert_int_equal(row.nphones, 1);
  assert_string_equal(row.phone[0], "2175550100");
  assert_int_equal(row.phone_type[0], ARR_PHONE_MOBILE);
  assert_string_equal(row.email, "Ann.Lee@example.com");
  assert_string_equal(row.original_creditor.s, "First Bank");
  assert_int_equal(row.account_type, ARR_ACCT_CREDIT_CARD);
  assert_true(row.has_open_date && row.has_charge_off_date && row.has_last_payment_date);
  assert_true(row.has_first_delinquency_date && row.has_itemization_date);
  assert_int_equal(row.open_date, ymd(2019, 3, 15));
  assert_int_equal(row.charge_off_date, ymd(2023, 1, 31));
  assert_int_equal(row.last_payment_date, ymd(2022, 11, 2));
  assert_int_equal(row.first_delinquency_date, ymd(2022, 8, 1));
  assert_int_equal(row.itemization_date, ymd(2023, 1, 31));
  assert_int_equal(row.principal_cents, 123456);
  assert_int_equal(row.interest_cents, 1250);
  assert_int_equal(row.fees_cents, 0);
  assert_true(row.has_interest_rate);
  assert_int_equal(row.interest_rate_pct_e4, 199900);
  assert_int_equal(row.nattrs, 1);
  assert_string_equal(row.attr[0].s, "B7");
}

static void test_minimal_row(void **state) {
  (void)state;
  const char *cols[] = {"client_account", "first_name", "last_name", "principal"};
  const char *vals[] = {"X9", "Bo", "Ng", "0.01"};
  arr_csv_record rec;
  arr_placement_header h;
  arr_placement_row row;
  arr_err err;
  make_rec(&rec, 1, cols, 4);
  assert_int_equal(arr_placement_header_parse(&rec, &h, &err), ARR_OK);
  make_rec(&rec, 2, vals, 4);
  assert_int_equal(arr_placement_parse(&h, &rec, g_today, &row, &err), ARR_OK);
  assert_int_equal(row.principal_cents, 1);
  assert_false(row.has_ssn || row.has_dob || row.has_open_date || row.has_interest_rate);
  assert_false(row.has_charge_off_date || row.has_itemization_date);
  assert_string_equal(row.state, "");
  assert_string_equal(row.zip, "");
  assert_string_equal(row.email, "");
  assert_int_equal(row.nphones, 0);
  assert_int_equal(row.account_type, ARR_ACCT_OTHER);
  assert_int_equal(row.interest_cents, 0);
  assert_int_equal(row.nattrs, 0);
  assert_string_equal(row.middle_name.s, "");
}

typedef struct {
  const char *col, *value, *want; /* want: normalized text of that column */
} norm_case;

static const char *normalized(const arr_placement_row *row, const char *col) {
  static char buf[64];
  if (strcmp(col, "ssn") == 0) {
    return row->ssn;
  }
  if (strcmp(col, "state") == 0) {
    return row->state;
  }
  if (strcmp(col, "zip") == 0) {
    return row->zip;
  }
  if (strcmp(col, "phone1") == 0) {
    return row->phone[0];
  }
  if (strcmp(col, "email") == 0) {
    return row->email;
  }
  if (strcmp(col, "account_type") == 0) {
    return arr_account_type_name(row->account_type);
  }
  if (strcmp(col, "phone1_type") == 0) {
    return arr_phone_type_name(row->phone_type[0]);
  }
  if (strcmp(col, "principal") == 0) {
    snprintf(buf, sizeof buf, "%lld", (long long)row->principal_cents);
    return buf;
  }
  fail_msg("no normalized view of %s", col);
  return NULL;
}

static void test_normalization(void **state) {
  (void)state;
  static const norm_case cases[] = {
      {"ssn", "123456789", "123456789"},
      {"ssn", " 123-45-6789 ", "123456789"},
      {"ssn", "665-01-0001", "665010001"},
      {"state", "Tx", "TX"},
      {"state", "dc", "DC"},
      {"state", " pr ", "PR"},
      {"state", "MP", "MP"},
      {"zip", "62701-1234", "62701-1234"},
      {"zip", "00501", "00501"},
      {"phone1", "(217) 555-0100", "2175550100"},
      {"phone1", "217-555-0100", "2175550100"},
      {"phone1", "+1 217 555 0100", "2175550100"},
      {"phone1", "2175550100", "2175550100"},
      {"phone1", "1-217-555-0100", "2175550100"},
      {"phone1", "217.555.0100", "2175550100"},
      {"phone1", "+12175550100", "2175550100"},
      {"phone1_type", "", "other"},
      {"phone1_type", "HOME", "home"},
      {"phone1_type", " work ", "work"},
      {"email", "x@SUB.Example.Org", "x@sub.example.org"},
      {"email", "First.Last+tag@example.co.uk", "First.Last+tag@example.co.uk"},
      {"account_type", "", "other"},
      {"account_type", "MEDICAL", "medical"},
      {"account_type", "student_loan", "student_loan"},
      {"principal", "0.07", "7"},
      {"principal", "10000000000000.00", "1000000000000000"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    arr_placement_row row;
    arr_err err;
    if (parse_with(cases[i].col, cases[i].value, &row, &err) != ARR_OK) {
      fail_msg("case %zu (%s=\"%s\"): %s", i, cases[i].col, cases[i].value, err.msg);
    }
    assert_string_equal(normalized(&row, cases[i].col), cases[i].want);
  }
}

static void test_trimming(void **state) {
  (void)state;
  arr_placement_header h;
  full_header(&h);
  const char *vals[NCOLS];
  memcpy(vals, k_good, sizeof vals);
  vals[col_index("first_name")] = "  Mary  Ann \t";
  vals[col_index("last_name")] = "   Lee"; /* leading only: no copy needed */
  vals[col_index("client_account")] = " A-1 ";
  vals[col_index("city")] = "Springfield   ";
  vals[col_index("Branch_Code")] = "  kept as is  ";
  arr_csv_record rec;
  arr_placement_row row;
  arr_err err;
  make_rec(&rec, 2, vals, NCOLS);
  assert_int_equal(arr_placement_parse(&h, &rec, g_today, &row, &err), ARR_OK);
  assert_int_equal(row.first_name.len, 9);
  assert_string_equal(row.first_name.s, "Mary  Ann"); /* NUL-terminated after trim */
  assert_string_equal(row.last_name.s, "Lee");
  assert_ptr_equal(row.last_name.s, vals[col_index("last_name")] + 3);
  assert_string_equal(row.client_account.s, "A-1");
  assert_string_equal(row.city.s, "Springfield");
  assert_string_equal(row.attr[0].s, "  kept as is  ");
}

static void test_phones(void **state) {
  (void)state;
  arr_placement_header h;
  full_header(&h);
  const char *vals[NCOLS];
  memcpy(vals, k_good, sizeof vals);
  vals[col_index("phone1")] = "";
  vals[col_index("phone1_type")] = "home"; /* type of an absent phone is dropped */
  vals[col_index("phone2")] = "(312) 555-0199";
  vals[col_index("phone2_type")] = "work";
  arr_csv_record rec;
  arr_placement_row row;
  arr_err err;
  make_rec(&rec, 2, vals, NCOLS);
  assert_int_equal(arr_placement_parse(&h, &rec, g_today, &row, &err), ARR_OK);
  assert_int_equal(row.nphones, 1);
  assert_string_equal(row.phone[0], "3125550199");
  assert_int_equal(row.phone_type[0], ARR_PHONE_WORK);
  vals[col_index("phone1")] = "217 555 0100";
  make_rec(&rec, 2, vals, NCOLS);
  assert_int_equal(arr_placement_parse(&h, &rec, g_today, &row, &err), ARR_OK);
  assert_int_equal(row.nphones, 2);
  assert_string_equal(row.phone[0], "2175550100");
  assert_int_equal(row.phone_type[0], ARR_PHONE_HOME);
  assert_string_equal(row.phone[1], "3125550199");
}

static void test_date_boundaries(void **state) {
  (void)state;
  arr_placement_row row;
  arr_err err;
  assert_int_equal(parse_with("dob", "2026-11-20", &row, &err), ARR_OK); /* = today */
  /* The 130-year bound, with an import date late enough that it is >= year 1900. */
  g_today = ymd(2036, 11, 20);
  assert_int_equal(parse_with("dob", "1906-11-20", &row, &err), ARR_OK);
  assert_int_equal(row.dob, ymd(1906, 11, 20));
  assert_int_equal(parse_with("dob", "1906-11-19", &row, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg,
                      "line 7: field dob: is more than 130 years before the import date");
  g_today = ymd(2026, 11, 20);
  assert_int_equal(parse_with("open_date", "2026-11-20", &row, &err), ARR_OK);
  assert_int_equal(parse_with("first_delinquency_date", "2026-11-20", &row, &err), ARR_OK);
  assert_int_equal(parse_with("dob", "", &row, &err), ARR_OK);
  assert_false(row.has_dob);
}

static void test_length_limits(void **state) {
  (void)state;
  char s64[65], s200[201], e254[255];
  memset(s64, 'a', 64);
  s64[64] = '\0';
  memset(s200, 'n', 200);
  s200[200] = '\0';
  memset(e254, 'e', 254);
  memcpy(e254 + 254 - 12, "@example.com", 12);
  e254[254] = '\0';
  arr_placement_row row;
  arr_err err;
  assert_int_equal(parse_with("client_account", s64, &row, &err), ARR_OK);
  assert_int_equal(row.client_account.len, 64);
  assert_int_equal(parse_with("first_name", s200, &row, &err), ARR_OK);
  assert_int_equal(parse_with("original_creditor", s200, &row, &err), ARR_OK);
  assert_int_equal(parse_with("Branch_Code", s200, &row, &err), ARR_OK);
  assert_int_equal(parse_with("email", e254, &row, &err), ARR_OK);
  assert_int_equal(strlen(row.email), 254);
}

/* ---- bad rows -----------------------------------------------------------------------
 */

typedef struct {
  const char *col, *value, *reason;
} bad_case;

static char g_s65[66], g_s201[202], g_e255[256];

static void check_bad(const bad_case *c, size_t i) {
  arr_placement_row row;
  arr_err err;
  arr_rc rc = parse_with(c->col, c->value, &row, &err);
  char prefix[128];
  const char *name = strcmp(c->col, "Branch_Code") == 0 ? "branch_code" : c->col;
  snprintf(prefix, sizeof prefix, "line 7: field %s: ", name);
  if (rc != ARR_ERR_INVALID || strncmp(err.msg, prefix, strlen(prefix)) != 0 ||
      strstr(err.msg + strlen(prefix), c->reason) == NULL) {
    fail_msg("case %zu (%s=\"%.40s\"): rc %d, want \"%s...%s\", got \"%s\"", i, c->col,
             c->value, rc, prefix, c->reason, rc == ARR_OK ? "" : err.msg);
  }
}

static void test_bad_rows(void **state) {
  (void)state;
  memset(g_s65, 'a', 65);
  memset(g_s201, 'n', 201);
  memset(g_e255, 'e', 255);
  memcpy(g_e255 + 255 - 12, "@example.com", 12);
  const bad_case cases[] = {
      {"client_account", "", "is required"},
      {"client_account", "   ", "is required"},
      {"client_account", g_s65, "is longer than 64 bytes"},
      {"client_account", "A\tB", "contains a control character"},
      {"client_account", "A\x7F", "contains a control character"},
      {"first_name", "", "is required"},
      {"first_name", g_s201, "is longer than 200 bytes"},
      {"middle_name", g_s201, "is longer than 200 bytes"},
      {"last_name", " \t ", "is required"},
      {"suffix", "J\x01r", "contains a control character"},
      {"address1", "1 Main\nSt", "contains a control character"},
      {"address2", g_s201, "is longer than 200 bytes"},
      {"city", g_s201, "is longer than 200 bytes"},
      {"original_creditor", g_s201, "is longer than 200 bytes"},
      {"ssn", "12345678", "must be 9 digits"},
      {"ssn", "1234567890", "must be 9 digits"},
      {"ssn", "123-456-789", "must be 9 digits"},
      {"ssn", "12a456789", "must be 9 digits"},
      {"ssn", "123 45 6789", "must be 9 digits"},
      {"ssn", "000-12-3456", "area number"},
      {"ssn", "666123456", "area number"},
      {"ssn", "900-12-3456", "area number"},
      {"ssn", "999-12-3456", "area number"},
      {"ssn", "123-00-4567", "group number 00"},
      {"ssn", "123-45-0000", "serial number 0000"},
      {"dob", "1980-2-29", "is not a valid date in YYYY-MM-DD form"},
      {"dob", "1981-02-29", "is not a valid date"},
      {"dob", "02/29/1980", "is not a valid date"},
      {"dob", " 1980-02-29", "is not a valid date"},
      {"dob", "2026-11-21", "is after the import date"},
      {"dob", "1899-12-31", "is not a valid date"}, /* before ARR_DATE_MIN_YEAR */
      {"state", "XX", "is not a USPS state or territory code"},
      {"state", "I", "is not a USPS"},
      {"state", "ILL", "is not a USPS"},
      {"state", "I1", "is not a USPS"},
      {"zip", "6270", "must be 5 digits or ZIP+4"},
      {"zip", "62701-123", "must be 5 digits or ZIP+4"},
      {"zip", "62701 1234", "must be 5 digits or ZIP+4"},
      {"zip", "6270A", "must be 5 digits or ZIP+4"},
      {"zip", "627011234", "must be 5 digits or ZIP+4"},
      {"phone1", "555-0100", "must have 10 digits"},
      {"phone1", "(017) 555-0100", "area code starting with 0 or 1"},
      {"phone1", "117-555-0100", "area code starting with 0 or 1"},
      {"phone1", "217-155-0100", "exchange starting with 0 or 1"},
      {"phone1", "217-055-0100", "exchange starting with 0 or 1"},
      {"phone1", "+44 20 7946 0958", "country code other than +1"},
      {"phone1", "+1 1 217 555 0100", "must have 10 digits"},
      {"phone1", "217-555-0100 x5", "characters other than digits"},
      {"phone1", "217/555/0100", "characters other than digits"},
      {"phone1", "121755501001", "too many digits"},
      {"phone1_type", "cell", "must be mobile, home, work or other"},
      {"phone2", "12", "must have 10 digits"},
      {"phone2_type", "fax", "must be mobile, home, work or other"},
      {"email", "ab.example.com", "must contain exactly one @"},
      {"email", "a@@example.com", "must contain exactly one @"},
      {"email", "a@b@example.com", "must contain exactly one @"},
      {"email", "@example.com", "has nothing before the @"},
      {"email", "a@example", "domain"},
      {"email", "a@", "domain"},
      {"email", "a@.example.com", "domain"},
      {"email", "a@example..com", "domain"},
      {"email", "a@example.com.", "domain"},
      {"email", "a@exa_mple.com", "domain"},
      {"email", "a b@example.com", "contains a space or control character"},
      {"email", g_e255, "is longer than 254 bytes"},
      {"account_type", "mortgage", "must be one of credit_card, medical"},
      {"open_date", "2026-11-21", "is after the import date"},
      {"open_date", "2019-3-15", "is not a valid date"},
      {"charge_off_date", "2027-01-01", "is after the import date"},
      {"charge_off_date", "2026-13-01", "is not a valid date"},
      {"last_payment_date", "20221102", "is not a valid date"},
      {"last_payment_date", "2030-01-01", "is after the import date"},
      {"first_delinquency_date", "2026-12-01", "is after the import date"},
      {"itemization_date", "2026-11-21", "is after the import date"},
      {"itemization_date", "1899-12-31", "is not a valid date"},
      {"principal", "", "is required"},
      {"principal", "0", "must be greater than zero"},
      {"principal", "0.00", "must be greater than zero"},
      {"principal", "12.345", "has more than two decimal places"},
      {"principal", "-5.00", "is negative"},
      {"principal", "1,234.56", "is not an amount"},
      {"principal", " 12.00", "is not an amount"},
      {"principal", "$12", "is not an amount"},
      {"principal", "10000000000000.01", "is larger than"},
      {"interest", "-1", "is negative"},
      {"interest", "1.5.0", "is not an amount"},
      {"fees", "1e3", "is not an amount"},
      {"interest_rate_pct", "abc", ""},
      {"interest_rate_pct", "-5", ""},
      {"interest_rate_pct", "5.123456", ""},
      {"Branch_Code", g_s201, "is longer than 200 bytes"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    check_bad(&cases[i], i);
  }
}

static void test_first_bad_field_is_leftmost(void **state) {
  (void)state;
  const char *cols[] = {"zip", "principal", "client_account", "first_name", "last_name"};
  arr_csv_record rec;
  arr_placement_header h;
  arr_placement_row row;
  arr_err err;
  make_rec(&rec, 1, cols, 5);
  assert_int_equal(arr_placement_header_parse(&rec, &h, &err), ARR_OK);
  const char *v1[] = {"627", "0", "", "A", "B"}; /* three bad fields */
  make_rec(&rec, 3, v1, 5);
  assert_int_equal(arr_placement_parse(&h, &rec, g_today, &row, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg, "line 3: field zip: must be 5 digits or ZIP+4 "
                               "(62701 or 62701-1234)");
  const char *v2[] = {"62701", "0", "", "A", "B"};
  make_rec(&rec, 4, v2, 5);
  assert_int_equal(arr_placement_parse(&h, &rec, g_today, &row, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg, "line 4: field principal: must be greater than zero");
  const char *v3[] = {"62701", "1.00", "", "A", "B"};
  make_rec(&rec, 5, v3, 5);
  assert_int_equal(arr_placement_parse(&h, &rec, g_today, &row, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg, "line 5: field client_account: is required");
}

static void test_field_count(void **state) {
  (void)state;
  arr_placement_header h;
  full_header(&h);
  arr_csv_record rec;
  arr_placement_row row;
  arr_err err;
  make_rec(&rec, 12, k_good, NCOLS - 1);
  assert_int_equal(arr_placement_parse(&h, &rec, g_today, &row, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg, "line 12: expected 31 fields, found 30");
}

/* End to end through the CSV reader: line numbers survive multi-line quoted fields. */
static void test_through_reader(void **state) {
  (void)state;
  static const char file[] =
      "\xEF\xBB\xBF"
      "Client_Account,First_Name,Last_Name,Principal,Address1,Notes\r\n"
      "A1,Ann,Lee,10.00,1 Main St,\"said \"\"call later\"\"\r\nthen hung up\"\r\n"
      "A2,Bob,Ray,0,x,\r\n"
      "\r\n"
      "A3,\"Cy\",Do,5,y,z\r\n";
  arr_csv *r = arr_csv_open_mem(file, sizeof file - 1);
  arr_csv_record rec;
  arr_placement_header h;
  arr_placement_row row;
  arr_err err;
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_OK);
  assert_int_equal(arr_placement_header_parse(&rec, &h, &err), ARR_OK);
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_OK);
  assert_int_equal(arr_placement_parse(&h, &rec, g_today, &row, &err), ARR_OK);
  assert_string_equal(row.address1.s, "1 Main St");
  /* Attribute values are opaque client data: kept verbatim, line breaks included. */
  assert_string_equal(row.attr[0].s, "said \"call later\"\r\nthen hung up");
  assert_string_equal(h.attr_name[0], "notes");
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_OK);
  assert_int_equal(arr_placement_parse(&h, &rec, g_today, &row, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg, "line 4: field principal: must be greater than zero");
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_OK);
  assert_int_equal(arr_placement_parse(&h, &rec, g_today, &row, &err), ARR_OK);
  assert_int_equal(rec.line, 6);
  assert_string_equal(row.first_name.s, "Cy");
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_ERR_NOTFOUND);
  arr_csv_close(r);
}

static void test_names(void **state) {
  (void)state;
  arr_account_type t;
  assert_true(arr_account_type_parse("Telecom", 7, &t));
  assert_int_equal(t, ARR_ACCT_TELECOM);
  assert_false(arr_account_type_parse("tele", 4, &t));
  assert_false(arr_account_type_parse("telecoms", 8, &t));
  assert_string_equal(arr_account_type_name(ARR_ACCT_PERSONAL_LOAN), "personal_loan");
  assert_string_equal(arr_phone_type_name(ARR_PHONE_MOBILE), "mobile");
}

/* The itemization date and its basis (chosen once per debt) agree; a federal loan
 * bundle is only for student loans. */
static void test_itemization_and_bundle(void **state) {
  (void)state;
  arr_placement_row row;
  arr_err err;
  assert_int_equal(parse_with(NULL, NULL, &row, &err), ARR_OK);
  assert_int_equal(row.itemization_basis, ARR_ITEMIZE_CHARGE_OFF);
  assert_string_equal(arr_itemization_basis_name(row.itemization_basis), "charge_off");
  /* A date without a basis: inferred when it is the charge-off date. */
  assert_int_equal(parse_with("itemization_basis", "", &row, &err), ARR_OK);
  assert_int_equal(row.itemization_basis, ARR_ITEMIZE_CHARGE_OFF);
  /* A basis without a date takes the date from its field. */
  assert_int_equal(parse_with("itemization_date", "", &row, &err), ARR_OK);
  assert_true(row.has_itemization_date);
  assert_int_equal(row.itemization_date, ymd(2023, 1, 31));
  /* ... but a statement date has no field of its own. */
  arr_placement_header h;
  full_header(&h);
  const char *vals[NCOLS];
  memcpy(vals, k_good, sizeof vals);
  vals[col_index("itemization_date")] = "";
  vals[col_index("itemization_basis")] = "last_statement";
  arr_csv_record rec;
  make_rec(&rec, 9, vals, NCOLS);
  assert_int_equal(arr_placement_parse(&h, &rec, g_today, &row, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg, "line 9: field itemization_basis: needs itemization_date");
  vals[col_index("itemization_date")] = "2022-12-31";
  make_rec(&rec, 9, vals, NCOLS);
  assert_int_equal(arr_placement_parse(&h, &rec, g_today, &row, &err), ARR_OK);
  assert_int_equal(row.itemization_basis, ARR_ITEMIZE_LAST_STATEMENT);
  /* A basis that contradicts its field. */
  assert_int_equal(parse_with("itemization_date", "2022-12-31", &row, &err),
                   ARR_ERR_INVALID);
  assert_string_equal(err.msg, "line 7: field itemization_date: is not the "
                               "charge_off_date its basis says it is");
  assert_int_equal(parse_with("itemization_basis", "statement", &row, &err),
                   ARR_ERR_INVALID);
  assert_string_equal(err.msg, "line 7: field itemization_basis: must be one of "
                               "last_statement, charge_off, last_payment, transaction, "
                               "judgment");
  assert_int_equal(parse_with("federal_loan_bundle", "DL-1", &row, &err),
                   ARR_ERR_INVALID);
  assert_string_equal(err.msg, "line 7: field federal_loan_bundle: is only for "
                               "account_type student_loan");
  vals[col_index("account_type")] = "student_loan";
  vals[col_index("federal_loan_bundle")] = " DL-1 ";
  make_rec(&rec, 9, vals, NCOLS);
  assert_int_equal(arr_placement_parse(&h, &rec, g_today, &row, &err), ARR_OK);
  assert_int_equal(row.federal_loan_bundle.len, 4);
  assert_memory_equal(row.federal_loan_bundle.s, "DL-1", 4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_header_mapping),
      cmocka_unit_test(test_header_errors),
      cmocka_unit_test(test_header_limits),
      cmocka_unit_test(test_good_row),
      cmocka_unit_test(test_minimal_row),
      cmocka_unit_test(test_normalization),
      cmocka_unit_test(test_trimming),
      cmocka_unit_test(test_phones),
      cmocka_unit_test(test_date_boundaries),
      cmocka_unit_test(test_length_limits),
      cmocka_unit_test(test_bad_rows),
      cmocka_unit_test(test_first_bad_field_is_leftmost),
      cmocka_unit_test(test_field_count),
      cmocka_unit_test(test_through_reader),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_itemization_and_bundle),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
