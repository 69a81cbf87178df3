/*
 * placement.c — the placement CSV contract (SPEC.md "Placement CSV") as a pure
 * validator: header mapping, then one record at a time into an arr_placement_row.
 *
 * How it works. arr_placement_header_parse maps column names to arr_placement_field
 * values once per file. arr_placement_parse then visits the known fields in enum order
 * and each attribute, validating and normalizing each value with a small per-kind
 * function that returns NULL or a reason ("is after the import date"). It does not stop
 * at the first failure: of all failures it reports the one with the lowest column index,
 * so "the first bad field" means the leftmost one in the file, as an operator reads it,
 * whatever order the client's columns are in. Good rows (the common case) pay nothing
 * for that choice.
 *
 * Trimming: text fields (client_account, names, address lines, city, original creditor)
 * and the coded fields (ssn, state, zip, phones, phone types, email, account type) are
 * trimmed of surrounding spaces and tabs. Dates and amounts are not: they follow the
 * strict parsers in core (money.h rejects " 12"), because a silently reinterpreted
 * amount is money lost. A trimmed text value that had trailing whitespace is copied
 * into row->text_buf so it stays NUL-terminated; otherwise it points into the record.
 *
 * Speed: no allocation, no memset of the (large) row; each member is assigned once.
 */
#include "formats/placement.h"

#include <assert.h>
#include <string.h>

#include "core/money.h"

static const char *const k_field_names[ARR_PF_COUNT] = {
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
};

static const char *const k_itemization_bases[ARR_ITEMIZE_COUNT] = {
    "", "last_statement", "charge_off", "last_payment", "transaction", "judgment",
};

static const char *const k_account_types[ARR_ACCT_TYPE_COUNT] = {
    "credit_card",  "medical",       "utility", "auto",
    "student_loan", "personal_loan", "telecom", "other",
};

static const char *const k_phone_types[] = {"other", "mobile", "home", "work"};

/* USPS codes accepted for state: 50 states, DC, and the territories PR, VI, GU, AS, MP.
 */
static const char k_states[][3] = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV",
    "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN",
    "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "PR", "VI", "GU", "AS", "MP",
};

/* Years a date of birth may lie before the import date. */
enum { DOB_MAX_AGE_YEARS = 130, HEADER_NAME_MAX = 63 };

const char *arr_placement_field_name(arr_placement_field f) {
  return (unsigned)f < ARR_PF_COUNT ? k_field_names[f] : "unknown";
}

const char *arr_account_type_name(arr_account_type t) {
  return (unsigned)t < ARR_ACCT_TYPE_COUNT ? k_account_types[t] : "unknown";
}

const char *arr_phone_type_name(arr_phone_type t) {
  return (unsigned)t <= ARR_PHONE_WORK ? k_phone_types[t] : "unknown";
}

static char lower(char c) {
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c) {
  return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/* Case-insensitive (ASCII) equality of s[0..len) and the NUL-terminated lit. */
static bool ieq(const char *s, size_t len, const char *lit) {
  size_t i = 0;
  for (; i < len; i++) {
    if (lit[i] == '\0' || lower(s[i]) != lit[i]) {
      return false;
    }
  }
  return lit[i] == '\0';
}

bool arr_account_type_parse(const char *s, size_t len, arr_account_type *out) {
  for (int t = 0; t < ARR_ACCT_TYPE_COUNT; t++) {
    if (ieq(s, len, k_account_types[t])) {
      *out = (arr_account_type)t;
      return true;
    }
  }
  return false;
}

static bool is_space(char c) {
  return c == ' ' || c == '\t';
}

/* Narrows [*s, *s + *len) to drop surrounding spaces and tabs. */
static void trim(const char **s, size_t *len) {
  const char *p = *s;
  size_t n = *len;
  while (n > 0 && is_space(*p)) {
    p++;
    n--;
  }
  while (n > 0 && is_space(p[n - 1])) {
    n--;
  }
  *s = p;
  *len = n;
}

/* ---- header ---------------------------------------------------------------------- */

/* Trims and lower-cases a header cell into out (HEADER_NAME_MAX + 1 bytes). */
static arr_rc header_name(const arr_csv_record *rec, size_t i, char *out, arr_err *err) {
  const char *s = rec->f[i];
  size_t len = rec->len[i];
  trim(&s, &len);
  if (len == 0) {
    return arr_err_set(err, ARR_ERR_INVALID, "line %ld: column %zu: empty column name",
                       rec->line, i + 1);
  }
  if (len > HEADER_NAME_MAX) {
    return arr_err_set(err, ARR_ERR_INVALID,
                       "line %ld: column %zu: column name longer than %d bytes",
                       rec->line, i + 1, HEADER_NAME_MAX);
  }
  for (size_t k = 0; k < len; k++) {
    out[k] = lower(s[k]);
  }
  out[len] = '\0';
  return ARR_OK;
}

/* Adds an unknown column as an attribute, refusing duplicates and overflow. */
static arr_rc header_attr(arr_placement_header *h, const arr_csv_record *rec, size_t i,
                          const char *name, arr_err *err) {
  for (size_t a = 0; a < h->nattrs; a++) {
    if (strcmp(h->attr_name[a], name) == 0) {
      return arr_err_set(err, ARR_ERR_INVALID,
                         "line %ld: column %zu: duplicate column \"%s\"", rec->line,
                         i + 1, name);
    }
  }
  if (h->nattrs == ARR_PLACEMENT_MAX_ATTRS) {
    return arr_err_set(err, ARR_ERR_INVALID,
                       "line %ld: column %zu: more than %d unknown columns (\"%s\")",
                       rec->line, i + 1, ARR_PLACEMENT_MAX_ATTRS, name);
  }
  h->attr_col[h->nattrs] = (int)i;
  memcpy(h->attr_name[h->nattrs], name, strlen(name) + 1);
  h->nattrs++;
  return ARR_OK;
}

arr_rc arr_placement_header_parse(const arr_csv_record *rec, arr_placement_header *h,
                                  arr_err *err) {
  assert(rec != NULL && h != NULL && rec->nfields <= ARR_CSV_MAX_FIELDS);
  for (int f = 0; f < ARR_PF_COUNT; f++) {
    h->col[f] = -1;
  }
  h->ncols = rec->nfields;
  h->nattrs = 0;
  for (size_t i = 0; i < rec->nfields; i++) {
    char name[HEADER_NAME_MAX + 1];
    arr_rc rc = header_name(rec, i, name, err);
    if (rc != ARR_OK) {
      return rc;
    }
    int f = 0;
    while (f < ARR_PF_COUNT && strcmp(k_field_names[f], name) != 0) {
      f++;
    }
    if (f == ARR_PF_COUNT) {
      rc = header_attr(h, rec, i, name, err);
      if (rc != ARR_OK) {
        return rc;
      }
    } else if (h->col[f] >= 0) {
      return arr_err_set(err, ARR_ERR_INVALID,
                         "line %ld: column %zu: duplicate column \"%s\"", rec->line,
                         i + 1, name);
    } else {
      h->col[f] = (int)i;
    }
  }
  static const arr_placement_field required[] = {ARR_PF_CLIENT_ACCOUNT, ARR_PF_FIRST_NAME,
                                                 ARR_PF_LAST_NAME, ARR_PF_PRINCIPAL};
  for (size_t k = 0; k < sizeof required / sizeof required[0]; k++) {
    if (h->col[required[k]] < 0) {
      return arr_err_set(err, ARR_ERR_INVALID, "line %ld: missing required column \"%s\"",
                         rec->line, k_field_names[required[k]]);
    }
  }
  return ARR_OK;
}

/* ---- field validators: each returns NULL or a reason ------------------------------ */

/* Per-row state shared by the validators. */
typedef struct {
  arr_date today;
  size_t text_used; /* bytes of row->text_buf in use */
  bool phone_given[2];
} row_ctx;

/* Any C0 control or DEL in s[0..len)? Branch-free so the compiler can vectorize it:
 * text fields are most of a placement row's bytes. */
static bool has_control(const char *s, size_t len) {
  unsigned bad = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    bad |= (unsigned)(c < 0x20) | (unsigned)(c == 0x7F);
  }
  return bad != 0;
}

/* A trimmed text value: length limit, no control characters, required if asked. */
static const char *take_text(arr_placement_row *row, row_ctx *x, const char *s,
                             size_t len, size_t max, bool required, arr_str *out) {
  const char *end = s + len; /* s[len] is the record's NUL */
  trim(&s, &len);
  if (len == 0) {
    out->s = "";
    out->len = 0;
    return required ? "is required" : NULL;
  }
  if (len > max) {
    return max == ARR_PLACEMENT_ACCOUNT_MAX ? "is longer than 64 bytes"
                                            : "is longer than 200 bytes";
  }
  if (has_control(s, len)) {
    return "contains a control character";
  }
  if (s + len != end) {
    /* Trailing whitespace was trimmed: copy so the value is NUL-terminated. */
    assert(x->text_used + len + 1 <= sizeof row->text_buf);
    char *dst = row->text_buf + x->text_used;
    memcpy(dst, s, len);
    dst[len] = '\0';
    x->text_used += len + 1;
    s = dst;
  }
  out->s = s;
  out->len = len;
  return NULL;
}

static const char *take_ssn(const char *s, size_t len, arr_placement_row *row) {
  trim(&s, &len);
  if (len == 0) {
    return NULL;
  }
  char d[9];
  if (len == 11 && s[3] == '-' && s[6] == '-') {
    memcpy(d, s, 3);
    memcpy(d + 3, s + 4, 2);
    memcpy(d + 5, s + 7, 4);
  } else if (len == 9) {
    memcpy(d, s, 9);
  } else {
    return "must be 9 digits, as 123-45-6789 or 123456789";
  }
  for (int i = 0; i < 9; i++) {
    if (!is_digit(d[i])) {
      return "must be 9 digits, as 123-45-6789 or 123456789";
    }
  }
  if (memcmp(d, "000", 3) == 0 || memcmp(d, "666", 3) == 0 || d[0] == '9') {
    return "has an area number (000, 666 or 900-999) that is never issued";
  }
  if (memcmp(d + 3, "00", 2) == 0) {
    return "has group number 00, which is never issued";
  }
  if (memcmp(d + 5, "0000", 4) == 0) {
    return "has serial number 0000, which is never issued";
  }
  memcpy(row->ssn, d, 9);
  row->ssn[9] = '\0';
  row->has_ssn = true;
  return NULL;
}

/* A strict YYYY-MM-DD date not after today; empty leaves *has false. */
static const char *take_date(const char *s, size_t len, arr_date today, bool *has,
                             arr_date *out) {
  if (len == 0) {
    return NULL;
  }
  if (!arr_date_parse(s, len, out)) {
    return "is not a valid date in YYYY-MM-DD form";
  }
  if (*out > today) {
    return "is after the import date";
  }
  *has = true;
  return NULL;
}

static const char *take_dob(const char *s, size_t len, arr_date today,
                            arr_placement_row *row) {
  const char *why = take_date(s, len, today, &row->has_dob, &row->dob);
  if (why == NULL && row->has_dob &&
      row->dob < arr_date_add_months(today, -12 * DOB_MAX_AGE_YEARS)) {
    row->has_dob = false;
    return "is more than 130 years before the import date";
  }
  return why;
}

static const char *take_state(const char *s, size_t len, arr_placement_row *row) {
  trim(&s, &len);
  row->state[0] = '\0';
  if (len == 0) {
    return NULL;
  }
  if (len == 2) {
    char up[3] = {upper(s[0]), upper(s[1]), '\0'};
    for (size_t i = 0; i < sizeof k_states / sizeof k_states[0]; i++) {
      if (up[0] == k_states[i][0] && up[1] == k_states[i][1]) {
        memcpy(row->state, up, 3);
        return NULL;
      }
    }
  }
  return "is not a USPS state or territory code";
}

static const char *take_zip(const char *s, size_t len, arr_placement_row *row) {
  trim(&s, &len);
  row->zip[0] = '\0';
  if (len == 0) {
    return NULL;
  }
  bool ok = len == 5 || (len == 10 && s[5] == '-');
  for (size_t i = 0; ok && i < len; i++) {
    ok = i == 5 ? true : is_digit(s[i]);
  }
  if (!ok) {
    return "must be 5 digits or ZIP+4 (62701 or 62701-1234)";
  }
  memcpy(row->zip, s, len);
  row->zip[len] = '\0';
  return NULL;
}

/* NANP phone to 10 digits. Accepts digits with spaces, '-', '.', '(' and ')', and an
 * optional leading "+1" or "1" country code. */
static const char *take_phone(const char *s, size_t len, char out[11], bool *given) {
  trim(&s, &len);
  out[0] = '\0';
  *given = len > 0;
  if (len == 0) {
    return NULL;
  }
  char d[11] = {0};
  size_t nd = 0, i = 0;
  bool plus = s[0] == '+';
  if (plus) {
    if (len < 2 || s[1] != '1') {
      return "has a country code other than +1";
    }
    i = 2;
  }
  for (; i < len; i++) {
    char c = s[i];
    if (is_digit(c)) {
      if (nd == sizeof d) {
        return "has too many digits for a 10-digit NANP number";
      }
      d[nd++] = c;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return "contains characters other than digits, spaces and ( ) - .";
    }
  }
  const char *num = d;
  if (!plus && nd == 11 && d[0] == '1') {
    num++;
    nd--;
  }
  if (nd != 10) {
    return "must have 10 digits (NANP)";
  }
  if (num[0] == '0' || num[0] == '1') {
    return "has an area code starting with 0 or 1";
  }
  if (num[3] == '0' || num[3] == '1') {
    return "has an exchange starting with 0 or 1";
  }
  memcpy(out, num, 10);
  out[10] = '\0';
  return NULL;
}

static const char *take_phone_type(const char *s, size_t len, arr_phone_type *out) {
  trim(&s, &len);
  *out = ARR_PHONE_OTHER;
  if (len == 0) {
    return NULL;
  }
  for (int t = 0; t <= ARR_PHONE_WORK; t++) {
    if (ieq(s, len, k_phone_types[t])) {
      *out = (arr_phone_type)t;
      return NULL;
    }
  }
  return "must be mobile, home, work or other";
}

/* Domain: dot-separated non-empty labels of letters, digits and '-', at least two. */
static bool valid_domain(const char *d, size_t len) {
  size_t label = 0, dots = 0;
  for (size_t i = 0; i < len; i++) {
    char c = d[i];
    if (c == '.') {
      if (label == 0) {
        return false;
      }
      label = 0;
      dots++;
    } else if (is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'z') || c == '-') {
      label++;
    } else {
      return false;
    }
  }
  return dots > 0 && label > 0;
}

static const char *take_email(const char *s, size_t len, arr_placement_row *row) {
  trim(&s, &len);
  row->email[0] = '\0';
  if (len == 0) {
    return NULL;
  }
  if (len > ARR_PLACEMENT_EMAIL_MAX) {
    return "is longer than 254 bytes";
  }
  size_t at = len, nat = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c <= 0x20 || c == 0x7F) {
      return "contains a space or control character";
    }
    if (c == '@') {
      at = i;
      nat++;
    }
  }
  if (nat != 1) {
    return "must contain exactly one @";
  }
  if (at == 0) {
    return "has nothing before the @";
  }
  if (!valid_domain(s + at + 1, len - at - 1)) {
    return "has a domain that is not like example.com";
  }
  /* The local part is kept as sent (it may be case-sensitive); the domain is not. */
  memcpy(row->email, s, at + 1);
  for (size_t i = at + 1; i < len; i++) {
    row->email[i] = lower(s[i]);
  }
  row->email[len] = '\0';
  return NULL;
}

/* A non-negative amount; empty is zero unless required. */
static const char *take_amount(const char *s, size_t len, bool principal, int64_t *out) {
  *out = 0;
  if (len == 0) {
    return principal ? "is required" : NULL;
  }
  arr_money_status st = arr_money_parse(s, len, false, out);
  if (st != ARR_MONEY_OK) {
    return arr_money_status_str(st);
  }
  if (principal && *out == 0) {
    return "must be greater than zero";
  }
  return NULL;
}

static const char *take_account_type(const char *s, size_t len, arr_account_type *out) {
  trim(&s, &len);
  *out = ARR_ACCT_OTHER;
  if (len == 0 || arr_account_type_parse(s, len, out)) {
    return NULL;
  }
  return "must be one of credit_card, medical, utility, auto, student_loan, "
         "personal_loan, telecom, other";
}

const char *arr_itemization_basis_name(arr_itemization_basis b) {
  return (unsigned)b < ARR_ITEMIZE_COUNT ? k_itemization_bases[b] : "";
}

bool arr_itemization_basis_parse(const char *s, size_t len, arr_itemization_basis *out) {
  for (int i = 1; i < ARR_ITEMIZE_COUNT; i++) {
    if (strlen(k_itemization_bases[i]) == len &&
        memcmp(s, k_itemization_bases[i], len) == 0) {
      *out = (arr_itemization_basis)i;
      return true;
    }
  }
  return false;
}

static const char *take_itemization_basis(const char *s, size_t len,
                                          arr_itemization_basis *out) {
  trim(&s, &len);
  *out = ARR_ITEMIZE_NONE;
  if (len == 0 || arr_itemization_basis_parse(s, len, out)) {
    return NULL;
  }
  return "must be one of last_statement, charge_off, last_payment, transaction, "
         "judgment";
}

static const char *take_rate(const char *s, size_t len, arr_placement_row *row) {
  if (len == 0) {
    return NULL;
  }
  const char *why = "is not a percentage";
  if (!arr_pct_parse(s, len, &row->interest_rate_pct_e4, &why)) {
    return why;
  }
  row->has_interest_rate = true;
  return NULL;
}

/* Validates field f's value s[0..len) into row. */
static const char *take_field(arr_placement_field f, const char *s, size_t len,
                              arr_placement_row *row, row_ctx *x) {
  const size_t text = ARR_PLACEMENT_TEXT_MAX;
  switch (f) {
  case ARR_PF_CLIENT_ACCOUNT:
    return take_text(row, x, s, len, ARR_PLACEMENT_ACCOUNT_MAX, true,
                     &row->client_account);
  case ARR_PF_FIRST_NAME: return take_text(row, x, s, len, text, true, &row->first_name);
  case ARR_PF_MIDDLE_NAME:
    return take_text(row, x, s, len, text, false, &row->middle_name);
  case ARR_PF_LAST_NAME: return take_text(row, x, s, len, text, true, &row->last_name);
  case ARR_PF_SUFFIX: return take_text(row, x, s, len, text, false, &row->suffix);
  case ARR_PF_SSN: return take_ssn(s, len, row);
  case ARR_PF_DOB: return take_dob(s, len, x->today, row);
  case ARR_PF_ADDRESS1: return take_text(row, x, s, len, text, false, &row->address1);
  case ARR_PF_ADDRESS2: return take_text(row, x, s, len, text, false, &row->address2);
  case ARR_PF_CITY: return take_text(row, x, s, len, text, false, &row->city);
  case ARR_PF_STATE: return take_state(s, len, row);
  case ARR_PF_ZIP: return take_zip(s, len, row);
  case ARR_PF_PHONE1: return take_phone(s, len, row->phone[0], &x->phone_given[0]);
  case ARR_PF_PHONE1_TYPE: return take_phone_type(s, len, &row->phone_type[0]);
  case ARR_PF_PHONE2: return take_phone(s, len, row->phone[1], &x->phone_given[1]);
  case ARR_PF_PHONE2_TYPE: return take_phone_type(s, len, &row->phone_type[1]);
  case ARR_PF_EMAIL: return take_email(s, len, row);
  case ARR_PF_ORIGINAL_CREDITOR:
    return take_text(row, x, s, len, text, false, &row->original_creditor);
  case ARR_PF_ACCOUNT_TYPE: return take_account_type(s, len, &row->account_type);
  case ARR_PF_OPEN_DATE:
    return take_date(s, len, x->today, &row->has_open_date, &row->open_date);
  case ARR_PF_CHARGE_OFF_DATE:
    return take_date(s, len, x->today, &row->has_charge_off_date, &row->charge_off_date);
  case ARR_PF_LAST_PAYMENT_DATE:
    return take_date(s, len, x->today, &row->has_last_payment_date,
                     &row->last_payment_date);
  case ARR_PF_FIRST_DELINQUENCY_DATE:
    return take_date(s, len, x->today, &row->has_first_delinquency_date,
                     &row->first_delinquency_date);
  case ARR_PF_PRINCIPAL: return take_amount(s, len, true, &row->principal_cents);
  case ARR_PF_INTEREST: return take_amount(s, len, false, &row->interest_cents);
  case ARR_PF_FEES: return take_amount(s, len, false, &row->fees_cents);
  case ARR_PF_INTEREST_RATE_PCT: return take_rate(s, len, row);
  case ARR_PF_ITEMIZATION_DATE:
    return take_date(s, len, x->today, &row->has_itemization_date,
                     &row->itemization_date);
  case ARR_PF_ITEMIZATION_BASIS:
    return take_itemization_basis(s, len, &row->itemization_basis);
  case ARR_PF_FEDERAL_LOAN_BUNDLE:
    return take_text(row, x, s, len, ARR_PLACEMENT_ACCOUNT_MAX, false,
                     &row->federal_loan_bundle);
  case ARR_PF_COUNT: break;
  }
  assert(0 && "unreachable field");
  return "is not a known field";
}

/* Every member gets its "absent" value, so absent columns need no further work. */
static void row_defaults(arr_placement_row *row) {
  static const arr_str empty = {"", 0};
  row->client_account = row->first_name = row->middle_name = row->last_name = empty;
  row->suffix = row->address1 = row->address2 = row->city = empty;
  row->original_creditor = row->federal_loan_bundle = empty;
  row->itemization_basis = ARR_ITEMIZE_NONE;
  row->has_ssn = row->has_dob = false;
  row->ssn[0] = row->state[0] = row->zip[0] = row->email[0] = '\0';
  row->dob = 0;
  row->nphones = 0;
  row->phone[0][0] = row->phone[1][0] = '\0';
  row->phone_type[0] = row->phone_type[1] = ARR_PHONE_OTHER;
  row->account_type = ARR_ACCT_OTHER;
  row->has_open_date = row->has_charge_off_date = row->has_last_payment_date = false;
  row->has_first_delinquency_date = row->has_itemization_date = false;
  row->open_date = row->charge_off_date = row->last_payment_date = 0;
  row->first_delinquency_date = row->itemization_date = 0;
  row->principal_cents = row->interest_cents = row->fees_cents = 0;
  row->has_interest_rate = false;
  row->interest_rate_pct_e4 = 0;
  row->nattrs = 0;
}

/* Keeps given phones in order, dropping an absent phone1 so phone2 moves up. */
static void pack_phones(arr_placement_row *row, const row_ctx *x) {
  int n = 0;
  for (int i = 0; i < 2; i++) {
    if (x->phone_given[i]) {
      if (n != i) {
        memcpy(row->phone[n], row->phone[i], sizeof row->phone[n]);
        row->phone_type[n] = row->phone_type[i];
      }
      n++;
    }
  }
  row->nphones = n;
}

/* Rules between fields, checked once every field is valid on its own: the itemization
 * date and its basis agree, and a loan bundle is only for student loans. */
static void cross_field(const arr_placement_header *h, arr_placement_row *row,
                        const char **name, const char **why) {
  (void)h;
  if (row->federal_loan_bundle.len > 0 && row->account_type != ARR_ACCT_STUDENT_LOAN) {
    *name = "federal_loan_bundle";
    *why = "is only for account_type student_loan";
    return;
  }
  arr_itemization_basis b = row->itemization_basis;
  if (b != ARR_ITEMIZE_NONE && !row->has_itemization_date) {
    if (b == ARR_ITEMIZE_CHARGE_OFF && row->has_charge_off_date) {
      row->has_itemization_date = true;
      row->itemization_date = row->charge_off_date;
    } else if (b == ARR_ITEMIZE_LAST_PAYMENT && row->has_last_payment_date) {
      row->has_itemization_date = true;
      row->itemization_date = row->last_payment_date;
    } else {
      *name = "itemization_basis";
      *why = b == ARR_ITEMIZE_CHARGE_OFF
                 ? "charge_off needs charge_off_date or itemization_date"
             : b == ARR_ITEMIZE_LAST_PAYMENT ? "last_payment needs last_payment_date or "
                                               "itemization_date"
                                             : "needs itemization_date";
      return;
    }
  }
  if (b == ARR_ITEMIZE_CHARGE_OFF && row->has_charge_off_date &&
      row->itemization_date != row->charge_off_date) {
    *name = "itemization_date";
    *why = "is not the charge_off_date its basis says it is";
    return;
  }
  if (b == ARR_ITEMIZE_LAST_PAYMENT && row->has_last_payment_date &&
      row->itemization_date != row->last_payment_date) {
    *name = "itemization_date";
    *why = "is not the last_payment_date its basis says it is";
    return;
  }
  if (b == ARR_ITEMIZE_NONE && row->has_itemization_date) {
    if (row->has_charge_off_date && row->itemization_date == row->charge_off_date) {
      row->itemization_basis = ARR_ITEMIZE_CHARGE_OFF;
    } else if (row->has_last_payment_date &&
               row->itemization_date == row->last_payment_date) {
      row->itemization_basis = ARR_ITEMIZE_LAST_PAYMENT;
    }
  }
}

arr_rc arr_placement_parse(const arr_placement_header *h, const arr_csv_record *rec,
                           arr_date today, arr_placement_row *row, arr_err *err) {
  assert(h != NULL && rec != NULL && row != NULL);
  if (rec->nfields != h->ncols) {
    return arr_err_set(err, ARR_ERR_INVALID, "line %ld: expected %zu fields, found %zu",
                       rec->line, h->ncols, rec->nfields);
  }
  row_defaults(row);
  row_ctx x = {today, 0, {false, false}};
  size_t bad_col = SIZE_MAX;
  const char *bad_name = NULL, *bad_why = NULL;
  for (int f = 0; f < ARR_PF_COUNT; f++) {
    int col = h->col[f];
    if (col < 0) {
      continue;
    }
    assert((size_t)col < rec->nfields);
    const char *why =
        take_field((arr_placement_field)f, rec->f[col], rec->len[col], row, &x);
    if (why != NULL && (size_t)col < bad_col) {
      bad_col = (size_t)col;
      bad_name = k_field_names[f];
      bad_why = why;
    }
  }
  pack_phones(row, &x);
  for (size_t a = 0; a < h->nattrs; a++) {
    size_t col = (size_t)h->attr_col[a];
    assert(col < rec->nfields);
    row->attr[a].s = rec->f[col];
    row->attr[a].len = rec->len[col];
    if (col < bad_col && rec->len[col] > ARR_PLACEMENT_TEXT_MAX) {
      bad_col = col;
      bad_name = h->attr_name[a];
      bad_why = "is longer than 200 bytes";
    }
  }
  row->nattrs = h->nattrs;
  if (bad_why == NULL) {
    cross_field(h, row, &bad_name, &bad_why);
  }
  if (bad_why != NULL) {
    return arr_err_set(err, ARR_ERR_INVALID, "line %ld: field %s: %s", rec->line,
                       bad_name, bad_why);
  }
  return ARR_OK;
}

/* ---- single-value normalizers (for edits made one at a time, e.g. a new phone) ---- */

const char *arr_norm_state(const char *s, size_t len, char out[3]) {
  arr_placement_row r;
  const char *why = take_state(s, len, &r);
  if (why == NULL) {
    memcpy(out, r.state, 3);
  }
  return why;
}

const char *arr_norm_zip(const char *s, size_t len, char out[11]) {
  arr_placement_row r;
  const char *why = take_zip(s, len, &r);
  if (why == NULL) {
    memcpy(out, r.zip, 11);
  }
  return why;
}

const char *arr_norm_phone(const char *s, size_t len, char out[11]) {
  bool given = false;
  const char *why = take_phone(s, len, out, &given);
  if (why == NULL && !given) {
    why = "is empty";
  }
  return why;
}

const char *arr_norm_phone_type(const char *s, size_t len, arr_phone_type *out) {
  return take_phone_type(s, len, out);
}

const char *arr_norm_email(const char *s, size_t len, char out[256]) {
  arr_placement_row r;
  const char *why = take_email(s, len, &r);
  if (why == NULL) {
    memcpy(out, r.email, 256);
  }
  return why;
}
