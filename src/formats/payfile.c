/*
 * payfile.c — the payment file CSV (payfile.h) as a pure validator.
 *
 * A payment file moves money, so it is stricter than a placement file: any column
 * beyond the five known ones is an error (the sender's layout changed), and values are
 * not trimmed: " 123" is refused rather than silently matched to account "123", the
 * same stance core/money.h takes on " 12.00". Like placement.c, all fields are checked
 * and the failure in the lowest column is reported, so "the first bad field" is the
 * leftmost one in the file.
 */
#include "formats/payfile.h"

#include <assert.h>
#include <string.h>

#include "core/money.h"

enum { COL_ACCOUNT, COL_AMOUNT, COL_DATE, COL_METHOD, COL_REFERENCE, NCOLS };

static const char *const k_col_names[NCOLS] = {"client_account", "amount", "date",
                                               "method", "reference"};
static const char *const k_methods[ARR_PAY_METHOD_COUNT] = {"cash", "check", "card",
                                                            "ach"};

enum { ACCOUNT_MAX = ARR_PLACEMENT_ACCOUNT_MAX, REFERENCE_MAX = 64, NAME_MAX_BYTES = 63 };

const char *arr_pay_method_name(arr_pay_method m) {
  return (unsigned)m < ARR_PAY_METHOD_COUNT ? k_methods[m] : "unknown";
}

static char lower(char c) {
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool arr_pay_method_parse(const char *s, size_t len, arr_pay_method *out) {
  for (int m = 0; m < ARR_PAY_METHOD_COUNT; m++) {
    const char *lit = k_methods[m];
    size_t i = 0;
    while (i < len && lit[i] != '\0' && lower(s[i]) == lit[i]) {
      i++;
    }
    if (i == len && lit[i] == '\0') {
      *out = (arr_pay_method)m;
      return true;
    }
  }
  return false;
}

static int *col_slot(arr_payfile_header *h, int k) {
  switch (k) {
  case COL_ACCOUNT: return &h->col_client_account;
  case COL_AMOUNT: return &h->col_amount;
  case COL_DATE: return &h->col_date;
  case COL_METHOD: return &h->col_method;
  default: return &h->col_reference;
  }
}

/* Trimmed, lower-cased copy of header cell i into name; error if empty or too long. */
static arr_rc header_name(const arr_csv_record *rec, size_t i, char *name, arr_err *err) {
  const char *s = rec->f[i];
  size_t len = rec->len[i];
  while (len > 0 && (*s == ' ' || *s == '\t')) {
    s++;
    len--;
  }
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
    len--;
  }
  if (len == 0) {
    return arr_err_set(err, ARR_ERR_INVALID, "line %ld: column %zu: empty column name",
                       rec->line, i + 1);
  }
  if (len > NAME_MAX_BYTES) {
    return arr_err_set(
        err, ARR_ERR_INVALID,
        "line %ld: column %zu: unexpected column \"%.*s...\" (a payment file "
        "has client_account, amount, date, method, reference)",
        rec->line, i + 1, 32, s);
  }
  for (size_t k = 0; k < len; k++) {
    name[k] = lower(s[k]);
  }
  name[len] = '\0';
  return ARR_OK;
}

arr_rc arr_payfile_header_parse(const arr_csv_record *rec, arr_payfile_header *h,
                                arr_err *err) {
  assert(rec != NULL && h != NULL);
  h->col_client_account = h->col_amount = h->col_date = h->col_method = -1;
  h->col_reference = -1;
  h->ncols = rec->nfields;
  for (size_t i = 0; i < rec->nfields; i++) {
    char name[NAME_MAX_BYTES + 1];
    arr_rc rc = header_name(rec, i, name, err);
    if (rc != ARR_OK) {
      return rc;
    }
    int k = 0;
    while (k < NCOLS && strcmp(name, k_col_names[k]) != 0) {
      k++;
    }
    if (k == NCOLS) {
      return arr_err_set(err, ARR_ERR_INVALID,
                         "line %ld: column %zu: unexpected column \"%s\" (a payment file "
                         "has client_account, amount, date, method, reference)",
                         rec->line, i + 1, name);
    }
    int *slot = col_slot(h, k);
    if (*slot >= 0) {
      return arr_err_set(err, ARR_ERR_INVALID,
                         "line %ld: column %zu: duplicate column \"%s\"", rec->line,
                         i + 1, name);
    }
    *slot = (int)i;
  }
  for (int k = 0; k < COL_REFERENCE; k++) {
    if (*col_slot(h, k) < 0) {
      return arr_err_set(err, ARR_ERR_INVALID, "line %ld: missing required column \"%s\"",
                         rec->line, k_col_names[k]);
    }
  }
  return ARR_OK;
}

static const char *take_account(const char *s, size_t len, arr_str *out) {
  if (len == 0) {
    return "is required";
  }
  if (len > ACCOUNT_MAX) {
    return "is longer than 64 bytes";
  }
  if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t') {
    return "has leading or trailing spaces";
  }
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7F) {
      return "contains a control character";
    }
  }
  out->s = s;
  out->len = len;
  return NULL;
}

static const char *take_amount(const char *s, size_t len, int64_t *out) {
  if (len == 0) {
    return "is required";
  }
  arr_money_status st = arr_money_parse(s, len, false, out);
  if (st != ARR_MONEY_OK) {
    return arr_money_status_str(st);
  }
  return *out == 0 ? "must be greater than zero" : NULL;
}

static const char *take_date(const char *s, size_t len, arr_date today, arr_date *out) {
  if (len == 0) {
    return "is required";
  }
  if (!arr_date_parse(s, len, out)) {
    return "is not a valid date in YYYY-MM-DD form";
  }
  return *out > today ? "is after the import date" : NULL;
}

static const char *take_method(const char *s, size_t len, arr_pay_method *out) {
  if (len == 0) {
    return "is required";
  }
  return arr_pay_method_parse(s, len, out) ? NULL : "must be cash, check, card or ach";
}

/* reference: 0..64 bytes of printable ASCII (it is echoed into remittance files and
 * bank reconciliations, which are ASCII). */
static const char *take_reference(const char *s, size_t len, arr_str *out) {
  if (len > REFERENCE_MAX) {
    return "is longer than 64 bytes";
  }
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c > 0x7E) {
      return "contains a character that is not printable ASCII";
    }
  }
  out->s = s;
  out->len = len;
  return NULL;
}

static const char *take(int k, const char *s, size_t len, arr_date today,
                        arr_payfile_row *row) {
  switch (k) {
  case COL_ACCOUNT: return take_account(s, len, &row->client_account);
  case COL_AMOUNT: return take_amount(s, len, &row->amount_cents);
  case COL_DATE: return take_date(s, len, today, &row->date);
  case COL_METHOD: return take_method(s, len, &row->method);
  default: return take_reference(s, len, &row->reference);
  }
}

arr_rc arr_payfile_parse(const arr_payfile_header *h, const arr_csv_record *rec,
                         arr_date today, arr_payfile_row *row, arr_err *err) {
  assert(h != NULL && rec != NULL && row != NULL);
  if (rec->nfields != h->ncols) {
    return arr_err_set(err, ARR_ERR_INVALID, "line %ld: expected %zu fields, found %zu",
                       rec->line, h->ncols, rec->nfields);
  }
  row->client_account.s = row->reference.s = "";
  row->client_account.len = row->reference.len = 0;
  row->amount_cents = 0;
  row->date = 0;
  row->method = ARR_PAY_CASH;
  const int cols[NCOLS] = {h->col_client_account, h->col_amount, h->col_date,
                           h->col_method, h->col_reference};
  int bad = -1;
  const char *bad_why = NULL;
  for (int k = 0; k < NCOLS; k++) {
    if (cols[k] < 0) {
      continue;
    }
    assert((size_t)cols[k] < rec->nfields);
    const char *why = take(k, rec->f[cols[k]], rec->len[cols[k]], today, row);
    if (why != NULL && (bad < 0 || cols[k] < cols[bad])) {
      bad = k;
      bad_why = why;
    }
  }
  if (bad >= 0) {
    return arr_err_set(err, ARR_ERR_INVALID, "line %ld: field %s: %s", rec->line,
                       k_col_names[bad], bad_why);
  }
  return ARR_OK;
}
