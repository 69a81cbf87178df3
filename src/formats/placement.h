/*
 * placement.h — the placement CSV contract (SPEC.md) as a pure row validator.
 *
 * arr_placement_header maps a header record's column names (case-insensitive, trimmed
 * of surrounding spaces) to known fields; unknown columns are kept as attributes.
 * arr_placement_parse turns one data record into an arr_placement_row with every value
 * checked and normalized, or reports the FIRST bad field with a reason. No I/O, no
 * allocation: the row's strings point into the CSV record (valid until the next
 * record) or into the row's own small buffers.
 *
 * Normalization: names trimmed (internal whitespace kept); ssn to 9 digits (accepts
 * "123-45-6789" or "123456789"; rejects all-zero groups 000/00/0000, area 666 and
 * 900-999); dob/dates strict YYYY-MM-DD; dob not after the import date and not more
 * than 130 years before it; state a USPS two-letter code (50 states, DC, PR, VI, GU,
 * AS, MP), upper-cased; zip 5 digits or ZIP+4 ("62701" or "62701-1234"); phones to 10
 * digits NANP (accepts "(217) 555-0100", "217-555-0100", "+1 217 555 0100",
 * "2175550100"; area and exchange must not start with 0 or 1); phone types mobile,
 * home, work, other (empty = other); email a single '@' with non-empty local part and
 * a dotted domain, lower-cased domain, max 254 bytes; amounts via arr_money_parse
 * (non-negative; principal must be > 0); account_type from the SPEC list (empty =
 * other); interest_rate_pct via arr_pct_parse; text fields max 200 bytes.
 */
#ifndef ARR_PLACEMENT_H
#define ARR_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/err.h"
#include "formats/csv.h"

typedef enum {
  ARR_PF_CLIENT_ACCOUNT,
  ARR_PF_FIRST_NAME,
  ARR_PF_MIDDLE_NAME,
  ARR_PF_LAST_NAME,
  ARR_PF_SUFFIX,
  ARR_PF_SSN,
  ARR_PF_DOB,
  ARR_PF_ADDRESS1,
  ARR_PF_ADDRESS2,
  ARR_PF_CITY,
  ARR_PF_STATE,
  ARR_PF_ZIP,
  ARR_PF_PHONE1,
  ARR_PF_PHONE1_TYPE,
  ARR_PF_PHONE2,
  ARR_PF_PHONE2_TYPE,
  ARR_PF_EMAIL,
  ARR_PF_ORIGINAL_CREDITOR,
  ARR_PF_ACCOUNT_TYPE,
  ARR_PF_OPEN_DATE,
  ARR_PF_CHARGE_OFF_DATE,
  ARR_PF_LAST_PAYMENT_DATE,
  ARR_PF_FIRST_DELINQUENCY_DATE,
  ARR_PF_PRINCIPAL,
  ARR_PF_INTEREST,
  ARR_PF_FEES,
  ARR_PF_INTEREST_RATE_PCT,
  ARR_PF_ITEMIZATION_DATE,
  ARR_PF_ITEMIZATION_BASIS,
  ARR_PF_FEDERAL_LOAN_BUNDLE,
  ARR_PF_COUNT
} arr_placement_field;

/* Column name as in SPEC.md ("client_account", ...). */
const char *arr_placement_field_name(arr_placement_field f);

#define ARR_PLACEMENT_MAX_ATTRS 64

/* Byte limits on values (after trimming): client_account, every other text field and
 * attribute value, email. Added with placement.c; the numbers are the ones stated in the
 * comments here. */
#define ARR_PLACEMENT_ACCOUNT_MAX 64
#define ARR_PLACEMENT_TEXT_MAX 200
#define ARR_PLACEMENT_EMAIL_MAX 254
/* Room for trimmed copies of client_account, federal_loan_bundle and the eight other
 * trimmed text fields (names, address lines, city, original creditor), each with its
 * NUL. */
#define ARR_PLACEMENT_ROW_TEXT_BYTES                                                     \
  (2 * (ARR_PLACEMENT_ACCOUNT_MAX + 1) + 8 * (ARR_PLACEMENT_TEXT_MAX + 1))

typedef struct {
  int col[ARR_PF_COUNT]; /* column index of each known field, -1 if absent */
  size_t ncols;          /* columns in the header */
  size_t nattrs;         /* unknown columns kept as attributes */
  int attr_col[ARR_PLACEMENT_MAX_ATTRS];
  char attr_name[ARR_PLACEMENT_MAX_ATTRS][64]; /* lower-cased names */
} arr_placement_header;

/* Builds the column map. Errors (ARR_ERR_INVALID, message names the column): a
 * required column missing (client_account, first_name, last_name, principal), a
 * duplicate column, an empty column name, a name longer than 63 bytes, more than
 * ARR_PLACEMENT_MAX_ATTRS unknown columns. */
arr_rc arr_placement_header_parse(const arr_csv_record *rec, arr_placement_header *h,
                                  arr_err *err);

typedef enum {
  ARR_ACCT_CREDIT_CARD,
  ARR_ACCT_MEDICAL,
  ARR_ACCT_UTILITY,
  ARR_ACCT_AUTO,
  ARR_ACCT_STUDENT_LOAN,
  ARR_ACCT_PERSONAL_LOAN,
  ARR_ACCT_TELECOM,
  ARR_ACCT_OTHER,
  ARR_ACCT_TYPE_COUNT
} arr_account_type;
const char *arr_account_type_name(arr_account_type t);
bool arr_account_type_parse(const char *s, size_t len, arr_account_type *out);

/* What the itemization date is (12 CFR 1006.34(b)(3)): chosen once per debt and used
 * consistently. NONE = not chosen yet. */
typedef enum {
  ARR_ITEMIZE_NONE,
  ARR_ITEMIZE_LAST_STATEMENT,
  ARR_ITEMIZE_CHARGE_OFF,
  ARR_ITEMIZE_LAST_PAYMENT,
  ARR_ITEMIZE_TRANSACTION,
  ARR_ITEMIZE_JUDGMENT,
  ARR_ITEMIZE_COUNT
} arr_itemization_basis;
/* "last_statement", "charge_off", "last_payment", "transaction", "judgment"; "" for
 * NONE. */
const char *arr_itemization_basis_name(arr_itemization_basis b);
bool arr_itemization_basis_parse(const char *s, size_t len, arr_itemization_basis *out);

typedef enum {
  ARR_PHONE_OTHER,
  ARR_PHONE_MOBILE,
  ARR_PHONE_HOME,
  ARR_PHONE_WORK
} arr_phone_type;
const char *arr_phone_type_name(arr_phone_type t);

/* A string view; s is NUL-terminated, len may be 0 (field absent or empty). */
typedef struct {
  const char *s;
  size_t len;
} arr_str;

typedef struct {
  arr_str client_account; /* required, 1..64 bytes, no control characters */
  arr_str first_name, middle_name, last_name, suffix;
  bool has_ssn;
  char ssn[10]; /* 9 digits + NUL */
  bool has_dob;
  arr_date dob;
  arr_str address1, address2, city;
  char state[3]; /* "" if absent */
  char zip[11];  /* "" if absent, else "62701" or "62701-1234" */
  int nphones;   /* 0..2, absent/empty phones skipped */
  char phone[2][11];
  arr_phone_type phone_type[2];
  char email[256]; /* "" if absent */
  arr_str original_creditor;
  arr_account_type account_type;
  bool has_open_date, has_charge_off_date, has_last_payment_date,
      has_first_delinquency_date, has_itemization_date;
  arr_date open_date, charge_off_date, last_payment_date, first_delinquency_date,
      itemization_date;
  /* The itemization date's basis. Given a basis without a date, the date is taken from
   * the matching field (charge_off_date, last_payment_date); given a date without a
   * basis, the basis is inferred when the date equals one of those fields. */
  arr_itemization_basis itemization_basis;
  /* Federal student loans (HEA Title IV) serviced under one account number when
   * obtained count as one debt for the call limits (1006.14(b)(4)): the accounts that
   * share this value for one debtor are bundled. Only with account_type student_loan;
   * "" if absent. */
  arr_str federal_loan_bundle;
  int64_t principal_cents, interest_cents, fees_cents; /* >= 0; principal > 0 */
  bool has_interest_rate;
  int64_t interest_rate_pct_e4;
  size_t nattrs; /* attribute values in header order (may be empty strings) */
  arr_str attr[ARR_PLACEMENT_MAX_ATTRS];
  /* Added with placement.c. Backing store for text values that had trailing whitespace
   * trimmed: the record is read-only, so such a value is copied here to stay
   * NUL-terminated, and the arr_str above points into it. Values without trailing
   * whitespace point into the record instead (no copy). Not for direct use. */
  char text_buf[ARR_PLACEMENT_ROW_TEXT_BYTES];
} arr_placement_row;

/* Validates one data record against the header. today is the import date (for DOB
 * plausibility). On error returns ARR_ERR_INVALID and err->msg is
 * "line L: field NAME: reason" (e.g. "line 7: field principal: has more than two
 * decimal places"); a record with a different number of fields than the header is
 * "line L: expected N fields, found M". */
arr_rc arr_placement_parse(const arr_placement_header *h, const arr_csv_record *rec,
                           arr_date today, arr_placement_row *row, arr_err *err);

/* Single-value normalizers with the same rules as the placement columns; each returns
 * NULL on success (out written) or the reason text ("is not a valid ...") on error. An
 * empty value normalizes to "" (state, zip, email) or is an error (phone). */
const char *arr_norm_state(const char *s, size_t len, char out[3]);
const char *arr_norm_zip(const char *s, size_t len, char out[11]);
const char *arr_norm_phone(const char *s, size_t len, char out[11]);
const char *arr_norm_phone_type(const char *s, size_t len, arr_phone_type *out);
const char *arr_norm_email(const char *s, size_t len, char out[256]);

#endif
