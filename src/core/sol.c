/*
 * sol.c — statutes of limitations on debt (sol.h): the debt-type mapping, the start
 * date, the expiry date and the time-barred decision over the generated table
 * (sol_data.c, from data/statute_of_limitations.csv). The table is data a compliance
 * officer and counsel review, not legal advice; this file only applies it. Pure: no
 * I/O, no clock, no allocation.
 */
#include "core/sol.h"

#include <stddef.h>

/* Shown in place of a statute when the period did not come from a state's row, so a
 * listing always says where its number came from. */
static const char FEDERAL_STUDENT_LOAN_CITATION[] =
    "20 U.S.C. 1091a(a): no limitation period for federal student loans";
static const char UNKNOWN_STATE_CITATION[] =
    "state not in the table: the shortest period across all states";

static const char *const CATEGORY_NAMES[ARR_SOL_CATEGORIES] = {
    "written_contract", "oral_contract", "promissory_note", "open_account",
    "sale_of_goods"};

const char *arr_sol_category_name(arr_sol_category c) {
  if ((int)c < 0 || c >= ARR_SOL_CATEGORIES) {
    return "unknown";
  }
  return CATEGORY_NAMES[c];
}

/* Locale-independent: the inputs are ASCII codes, and a locale must not change them. */
static char ascii_lower(char ch) {
  return (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
}

static bool ascii_ieq(const char *a, const char *b) {
  while (*a != '\0' && ascii_lower(*a) == ascii_lower(*b)) {
    a++;
    b++;
  }
  return *a == '\0' && *b == '\0';
}

typedef struct {
  const char *type;
  arr_sol_category category;
} type_category;

/* The mapping documented in sol.h; types not listed (other) take the shortest. */
static const type_category TYPE_CATEGORIES[] = {
    {"credit_card", ARR_SOL_OPEN_ACCOUNT}, {"medical", ARR_SOL_OPEN_ACCOUNT},
    {"utility", ARR_SOL_OPEN_ACCOUNT},     {"telecom", ARR_SOL_OPEN_ACCOUNT},
    {"auto", ARR_SOL_SALE_OF_GOODS},       {"student_loan", ARR_SOL_WRITTEN},
    {"personal_loan", ARR_SOL_PROMISSORY},
};

static bool category_of(const char *debt_type, arr_sol_category *out) {
  if (debt_type == NULL) {
    return false;
  }
  for (size_t i = 0; i < sizeof TYPE_CATEGORIES / sizeof TYPE_CATEGORIES[0]; i++) {
    if (ascii_ieq(debt_type, TYPE_CATEGORIES[i].type)) {
      *out = TYPE_CATEGORIES[i].category;
      return true;
    }
  }
  return false;
}

const arr_sol_row *arr_sol_table(int *n) {
  if (n != NULL) {
    *n = arr_sol_row_count;
  }
  return arr_sol_rows;
}

const arr_sol_row *arr_sol_row_of(const char *state) {
  if (state == NULL || state[0] == '\0' || state[1] == '\0' || state[2] != '\0') {
    return NULL;
  }
  char key[3] = {ascii_lower(state[0]), ascii_lower(state[1]), '\0'};
  /* Binary search: the generator writes the rows sorted by upper-case code, and two
   * letters compare the same way in either case. */
  int lo = 0, hi = arr_sol_row_count - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    const char *s = arr_sol_rows[mid].state;
    int cmp = (unsigned char)key[0] - (unsigned char)ascii_lower(s[0]);
    if (cmp == 0) {
      cmp = (unsigned char)key[1] - (unsigned char)ascii_lower(s[1]);
    }
    if (cmp == 0) {
      return &arr_sol_rows[mid];
    }
    if (cmp < 0) {
      hi = mid - 1;
    } else {
      lo = mid + 1;
    }
  }
  return NULL;
}

/* The shortest period of one category across every row: what an unknown state gets,
 * because the debt could be governed by any of them. */
static int shortest_across_states(arr_sol_category c) {
  int best = INT8_MAX;
  for (int i = 0; i < arr_sol_row_count; i++) {
    if (arr_sol_rows[i].years[c] < best) {
      best = arr_sol_rows[i].years[c];
    }
  }
  return best;
}

/* Years for a category in a row, or across all states when row is NULL. */
static int period_years(const arr_sol_row *row, arr_sol_category c) {
  return row != NULL ? row->years[c] : shortest_across_states(c);
}

/* The category with the shortest period (the first in enum order on a tie). */
static arr_sol_category shortest_category(const arr_sol_row *row) {
  arr_sol_category best = ARR_SOL_WRITTEN;
  for (int c = 1; c < ARR_SOL_CATEGORIES; c++) {
    if (period_years(row, (arr_sol_category)c) < period_years(row, best)) {
      best = (arr_sol_category)c;
    }
  }
  return best;
}

/* The period runs from the default that follows the last payment, and a payment made
 * after the first delinquency restarts it in many states; the later of the two dates
 * covers both. With neither, the charge-off date: the debt was in default by then,
 * though the true start is usually months earlier (docs/SOL.md). */
static arr_date start_date(arr_date last_payment, arr_date first_delinquency,
                           arr_date charge_off) {
  if (last_payment != ARR_DATE_NONE && first_delinquency != ARR_DATE_NONE) {
    return last_payment > first_delinquency ? last_payment : first_delinquency;
  }
  if (last_payment != ARR_DATE_NONE) {
    return last_payment;
  }
  if (first_delinquency != ARR_DATE_NONE) {
    return first_delinquency;
  }
  return charge_off;
}

void arr_sol_evaluate(const char *state, const char *debt_type, bool federal_student_loan,
                      arr_date last_payment, arr_date first_delinquency,
                      arr_date charge_off, arr_date as_of, arr_sol_status *out) {
  const arr_sol_row *row = arr_sol_row_of(state);
  arr_sol_category category;
  if (!category_of(debt_type, &category)) {
    category = shortest_category(row);
  }

  out->state_known = row != NULL;
  out->state = row != NULL ? row->state : NULL;
  out->category = category;
  out->years = period_years(row, category);
  out->citation = row != NULL ? row->citation : UNKNOWN_STATE_CITATION;
  out->no_limit = federal_student_loan;
  if (out->no_limit) {
    out->years = 0;
    out->citation = FEDERAL_STUDENT_LOAN_CITATION;
  }
  out->starts_on = start_date(last_payment, first_delinquency, charge_off);
  out->known = out->starts_on != ARR_DATE_NONE;
  out->expires_on = ARR_DATE_NONE;
  out->time_barred = false;
  if (out->known && !out->no_limit) {
    /* Calendar years, anchored on the start date: Feb 29 + 1 year is Feb 28. */
    out->expires_on = arr_date_add_months(out->starts_on, 12 * out->years);
    out->time_barred = as_of != ARR_DATE_NONE && as_of >= out->expires_on;
  }
}
