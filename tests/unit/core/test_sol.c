/*
 * test_sol.c — unit tests for core/sol: the expiry boundary, the choice of start date,
 * unknown dates and states, the debt-type mapping (with "other" taking the state's
 * shortest period), federal student loans, a Feb 29 start, the generated table's shape
 * (sorted, unique, every state and DC) and a handful of periods checked against the
 * state codes independently of the CSV.
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
#include "core/sol.h"

/* Builds a date the test knows is valid; fails the test otherwise. */
static arr_date D(int y, int m, int d) {
  arr_date out = 0;
  if (!arr_date_from_ymd(y, m, d, &out)) {
    fail_msg("test bug: %04d-%02d-%02d is not a valid date", y, m, d);
  }
  return out;
}

static void assert_date_eq(arr_date got, arr_date want) {
  if (got != want) {
    char g[ARR_DATE_FMT_MAX] = "NONE", w[ARR_DATE_FMT_MAX] = "NONE";
    if (got != ARR_DATE_NONE) {
      arr_date_format(got, g);
    }
    if (want != ARR_DATE_NONE) {
      arr_date_format(want, w);
    }
    fail_msg("got %s, want %s", g, w);
  }
}

static const arr_date NONE = ARR_DATE_NONE;

/* Texas credit card: 4 years (open account), start 2020-03-15. */
static void test_boundary(void **state) {
  (void)state;
  arr_sol_status st;
  arr_date start = D(2020, 3, 15);
  arr_sol_evaluate("TX", "credit_card", false, start, NONE, NONE, D(2024, 3, 14), &st);
  assert_true(st.known);
  assert_true(st.state_known);
  assert_false(st.no_limit);
  assert_int_equal(st.years, 4);
  assert_int_equal(st.category, ARR_SOL_OPEN_ACCOUNT);
  assert_date_eq(st.starts_on, start);
  assert_date_eq(st.expires_on, D(2024, 3, 15));
  assert_false(st.time_barred); /* the day before expiry */

  arr_sol_evaluate("TX", "credit_card", false, start, NONE, NONE, D(2024, 3, 15), &st);
  assert_true(st.time_barred); /* the expiry day */
  arr_sol_evaluate("TX", "credit_card", false, start, NONE, NONE, D(2031, 1, 1), &st);
  assert_true(st.time_barred);
  arr_sol_evaluate("TX", "credit_card", false, start, NONE, NONE, start, &st);
  assert_false(st.time_barred);
}

static void test_start_is_later_of_payment_and_delinquency(void **state) {
  (void)state;
  arr_sol_status st;
  /* Delinquency after the last payment: the delinquency starts the period. */
  arr_sol_evaluate("FL", "medical", false, D(2019, 1, 10), D(2019, 2, 10), D(2019, 8, 1),
                   D(2023, 2, 9), &st);
  assert_date_eq(st.starts_on, D(2019, 2, 10));
  assert_int_equal(st.years, 4);
  assert_date_eq(st.expires_on, D(2023, 2, 10));
  assert_false(st.time_barred);
  /* A payment after the first delinquency: the payment starts it. */
  arr_sol_evaluate("FL", "medical", false, D(2020, 6, 1), D(2019, 2, 10), D(2019, 8, 1),
                   D(2024, 5, 31), &st);
  assert_date_eq(st.starts_on, D(2020, 6, 1));
  assert_date_eq(st.expires_on, D(2024, 6, 1));
  assert_false(st.time_barred);
  /* Only one of the two known: that one, charge-off ignored. */
  arr_sol_evaluate("FL", "medical", false, NONE, D(2019, 2, 10), D(2019, 8, 1),
                   D(2023, 2, 10), &st);
  assert_date_eq(st.starts_on, D(2019, 2, 10));
  assert_true(st.time_barred);
  arr_sol_evaluate("FL", "medical", false, D(2018, 12, 1), NONE, D(2019, 8, 1),
                   D(2023, 2, 10), &st);
  assert_date_eq(st.starts_on, D(2018, 12, 1));
  assert_true(st.time_barred);
}

static void test_charge_off_fallback(void **state) {
  (void)state;
  arr_sol_status st;
  arr_sol_evaluate("FL", "utility", false, NONE, NONE, D(2019, 8, 1), D(2023, 7, 31),
                   &st);
  assert_true(st.known);
  assert_date_eq(st.starts_on, D(2019, 8, 1));
  assert_date_eq(st.expires_on, D(2023, 8, 1));
  assert_false(st.time_barred);
  arr_sol_evaluate("FL", "utility", false, NONE, NONE, D(2019, 8, 1), D(2023, 8, 1), &st);
  assert_true(st.time_barred);
}

static void test_unknown_dates(void **state) {
  (void)state;
  arr_sol_status st;
  arr_sol_evaluate("NY", "credit_card", false, NONE, NONE, NONE, D(2040, 1, 1), &st);
  assert_false(st.known);
  assert_false(st.time_barred);
  assert_date_eq(st.starts_on, NONE);
  assert_date_eq(st.expires_on, NONE);
  /* The period is still reported, for display. */
  assert_true(st.state_known);
  assert_int_equal(st.years, 3);
  assert_string_equal(st.state, "NY");
  assert_non_null(st.citation);
}

static void test_unknown_state(void **state) {
  (void)state;
  arr_sol_status st;
  const char *unknown[] = {NULL, "", "ZZ", "T", "TXX", "Texas"};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    arr_sol_evaluate(unknown[i], "credit_card", false, D(2020, 1, 1), NONE, NONE,
                     D(2023, 1, 1), &st);
    assert_false(st.state_known);
    assert_null(st.state);
    assert_non_null(st.citation);
    assert_int_equal(st.category, ARR_SOL_OPEN_ACCOUNT);
    assert_int_equal(st.years, 3); /* shortest open-account period (AL, AK, ...) */
    assert_date_eq(st.expires_on, D(2023, 1, 1));
    assert_true(st.time_barred);
  }

  /* Computed from the table: the minimum over all rows for each category. */
  int n = 0;
  const arr_sol_row *rows = arr_sol_table(&n);
  const char *types[] = {"student_loan", "personal_loan", "credit_card", "auto"};
  const arr_sol_category cats[] = {ARR_SOL_WRITTEN, ARR_SOL_PROMISSORY,
                                   ARR_SOL_OPEN_ACCOUNT, ARR_SOL_SALE_OF_GOODS};
  for (size_t t = 0; t < 4; t++) {
    int want = 99;
    for (int i = 0; i < n; i++) {
      if (rows[i].years[cats[t]] < want) {
        want = rows[i].years[cats[t]];
      }
    }
    arr_sol_evaluate("XX", types[t], false, D(2020, 1, 1), NONE, NONE, D(2020, 1, 1),
                     &st);
    assert_int_equal(st.category, cats[t]);
    assert_int_equal(st.years, want);
  }

  /* "other" in an unknown state: the shortest of all, California's 2-year oral. */
  arr_sol_evaluate(NULL, "other", false, D(2020, 1, 1), NONE, NONE, D(2022, 1, 1), &st);
  assert_int_equal(st.category, ARR_SOL_ORAL);
  assert_int_equal(st.years, 2);
  assert_true(st.time_barred);
}

static void test_other_type_takes_shortest(void **state) {
  (void)state;
  arr_sol_status st;
  /* Alabama: 6 written/oral/note, 3 open account, 4 goods -> 3, open account. */
  arr_sol_evaluate("AL", "other", false, D(2020, 1, 1), NONE, NONE, D(2023, 1, 1), &st);
  assert_int_equal(st.years, 3);
  assert_int_equal(st.category, ARR_SOL_OPEN_ACCOUNT);
  assert_true(st.time_barred);
  /* California: 2-year oral contracts. */
  arr_sol_evaluate("ca", "OTHER", false, D(2020, 1, 1), NONE, NONE, D(2021, 12, 31), &st);
  assert_int_equal(st.years, 2);
  assert_int_equal(st.category, ARR_SOL_ORAL);
  assert_false(st.time_barred);
  /* Unknown, empty and NULL types are treated as "other". */
  const char *odd[] = {NULL, "", "mortgage", "credit card"};
  for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
    arr_sol_evaluate("CA", odd[i], false, D(2020, 1, 1), NONE, NONE, D(2022, 1, 1), &st);
    assert_int_equal(st.years, 2);
    assert_true(st.time_barred);
  }
  /* For every row, "other" is the minimum of the row. */
  int n = 0;
  const arr_sol_row *rows = arr_sol_table(&n);
  for (int i = 0; i < n; i++) {
    int want = 99;
    for (int c = 0; c < ARR_SOL_CATEGORIES; c++) {
      if (rows[i].years[c] < want) {
        want = rows[i].years[c];
      }
    }
    arr_sol_evaluate(rows[i].state, "other", false, D(2020, 1, 1), NONE, NONE,
                     D(2020, 1, 1), &st);
    assert_int_equal(st.years, want);
    assert_int_equal(rows[i].years[st.category], want);
  }
}

static void test_type_mapping(void **state) {
  (void)state;
  static const struct {
    const char *type;
    arr_sol_category cat;
  } cases[] = {
      {"credit_card", ARR_SOL_OPEN_ACCOUNT}, {"medical", ARR_SOL_OPEN_ACCOUNT},
      {"utility", ARR_SOL_OPEN_ACCOUNT},     {"telecom", ARR_SOL_OPEN_ACCOUNT},
      {"auto", ARR_SOL_SALE_OF_GOODS},       {"student_loan", ARR_SOL_WRITTEN},
      {"personal_loan", ARR_SOL_PROMISSORY}, {"Credit_Card", ARR_SOL_OPEN_ACCOUNT},
  };
  const arr_sol_row *il = arr_sol_row_of("IL");
  assert_non_null(il);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    arr_sol_status st;
    arr_sol_evaluate("IL", cases[i].type, false, D(2020, 1, 1), NONE, NONE, D(2020, 1, 1),
                     &st);
    assert_int_equal(st.category, cases[i].cat);
    assert_int_equal(st.years, il->years[cases[i].cat]);
    assert_string_equal(st.citation, il->citation);
  }
  assert_string_equal(arr_sol_category_name(ARR_SOL_WRITTEN), "written_contract");
  assert_string_equal(arr_sol_category_name(ARR_SOL_ORAL), "oral_contract");
  assert_string_equal(arr_sol_category_name(ARR_SOL_PROMISSORY), "promissory_note");
  assert_string_equal(arr_sol_category_name(ARR_SOL_OPEN_ACCOUNT), "open_account");
  assert_string_equal(arr_sol_category_name(ARR_SOL_SALE_OF_GOODS), "sale_of_goods");
  assert_string_equal(arr_sol_category_name(ARR_SOL_CATEGORIES), "unknown");
}

static void test_federal_student_loan(void **state) {
  (void)state;
  arr_sol_status st;
  arr_sol_evaluate("TX", "student_loan", true, D(1990, 1, 1), D(1990, 2, 1), NONE,
                   D(2199, 12, 31), &st);
  assert_true(st.no_limit);
  assert_true(st.known);
  assert_false(st.time_barred);
  assert_int_equal(st.years, 0);
  assert_date_eq(st.expires_on, NONE);
  assert_non_null(strstr(st.citation, "1091a"));
  /* The flag wins over whatever the type and state say. */
  arr_sol_evaluate(NULL, "other", true, D(1990, 1, 1), NONE, NONE, D(2100, 1, 1), &st);
  assert_true(st.no_limit);
  assert_false(st.time_barred);
  /* A private student loan is a written contract (Texas 4). */
  arr_sol_evaluate("TX", "student_loan", false, D(1990, 1, 1), NONE, NONE, D(1994, 1, 1),
                   &st);
  assert_false(st.no_limit);
  assert_int_equal(st.category, ARR_SOL_WRITTEN);
  assert_int_equal(st.years, 4);
  assert_true(st.time_barred);
}

static void test_feb29_start(void **state) {
  (void)state;
  arr_sol_status st;
  /* Pennsylvania, 4 years: 2024-02-29 + 4 years lands on a leap day again. */
  arr_sol_evaluate("PA", "credit_card", false, D(2024, 2, 29), NONE, NONE, D(2028, 2, 28),
                   &st);
  assert_date_eq(st.expires_on, D(2028, 2, 29));
  assert_false(st.time_barred);
  /* A 5-year period (Florida written contract) ends in a common year: Feb 28. */
  arr_sol_evaluate("FL", "student_loan", false, D(2024, 2, 29), NONE, NONE,
                   D(2029, 2, 27), &st);
  assert_int_equal(st.years, 5);
  assert_date_eq(st.expires_on, D(2029, 2, 28));
  assert_false(st.time_barred);
  arr_sol_evaluate("FL", "student_loan", false, D(2024, 2, 29), NONE, NONE,
                   D(2029, 2, 28), &st);
  assert_true(st.time_barred);
}

static void test_table_shape(void **state) {
  (void)state;
  int n = 0;
  const arr_sol_row *rows = arr_sol_table(&n);
  assert_non_null(rows);
  assert_true(n >= 51);
  for (int i = 0; i < n; i++) {
    assert_int_equal(strlen(rows[i].state), 2);
    assert_true(rows[i].state[0] >= 'A' && rows[i].state[0] <= 'Z');
    assert_true(rows[i].state[1] >= 'A' && rows[i].state[1] <= 'Z');
    if (i > 0 && strcmp(rows[i - 1].state, rows[i].state) >= 0) {
      fail_msg("rows %s and %s out of order or repeated", rows[i - 1].state,
               rows[i].state);
    }
    for (int c = 0; c < ARR_SOL_CATEGORIES; c++) {
      assert_in_range(rows[i].years[c], 1, 20);
    }
    assert_true(rows[i].citation != NULL && rows[i].citation[0] != '\0');
    assert_non_null(rows[i].notes);
    assert_ptr_equal(arr_sol_row_of(rows[i].state), &rows[i]);
  }
  static const char *const STATES[] = {
      "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID",
      "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO",
      "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA",
      "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY"};
  assert_int_equal(sizeof STATES / sizeof STATES[0], 51);
  for (size_t i = 0; i < 51; i++) {
    if (arr_sol_row_of(STATES[i]) == NULL) {
      fail_msg("no row for %s", STATES[i]);
    }
  }
}

static void test_lookup_case_insensitive(void **state) {
  (void)state;
  const arr_sol_row *tx = arr_sol_row_of("TX");
  assert_non_null(tx);
  assert_string_equal(tx->state, "TX");
  assert_ptr_equal(arr_sol_row_of("tx"), tx);
  assert_ptr_equal(arr_sol_row_of("Tx"), tx);
  assert_ptr_equal(arr_sol_row_of("tX"), tx);
  assert_ptr_equal(arr_sol_row_of("dc"), arr_sol_row_of("DC"));
  assert_null(arr_sol_row_of(NULL));
  assert_null(arr_sol_row_of(""));
  assert_null(arr_sol_row_of("T"));
  assert_null(arr_sol_row_of("TXX"));
  assert_null(arr_sol_row_of("ZZ"));
  assert_null(arr_sol_row_of("T1"));
  /* Evaluation looks states up the same way. */
  arr_sol_status st;
  arr_sol_evaluate("ny", "medical", false, D(2020, 1, 1), NONE, NONE, D(2020, 1, 1), &st);
  assert_true(st.state_known);
  assert_string_equal(st.state, "NY");
}

/* Periods checked against the statutes themselves, not the CSV: a wrong edit of one
 * of these rows fails here. W O P A S = written, oral, note, account, goods. */
static void test_well_known_periods(void **state) {
  (void)state;
  static const struct {
    const char *state;
    int8_t years[ARR_SOL_CATEGORIES];
  } known[] = {
      {"AL", {6, 6, 6, 3, 4}},  /* Ala. Code 6-2-34, 6-2-37 */
      {"CA", {4, 2, 4, 4, 4}},  /* Cal. Civ. Proc. Code 337, 339 */
      {"CT", {6, 3, 6, 6, 4}},  /* Conn. Gen. Stat. 52-576, 52-581 */
      {"FL", {5, 4, 5, 4, 4}},  /* Fla. Stat. 95.11(2)(b), 95.11(3) */
      {"IL", {10, 5, 6, 5, 4}}, /* 735 ILCS 5/13-206, 5/13-205 (note: 3-118) */
      {"NJ", {6, 6, 6, 6, 4}},  /* N.J. Stat. 2A:14-1 */
      {"NY", {3, 3, 3, 3, 3}},  /* C.P.L.R. 214-i: consumer credit */
      {"PA", {4, 4, 4, 4, 4}},  /* 42 Pa. C.S. 5525 */
      {"TX", {4, 4, 4, 4, 4}},  /* Tex. Civ. Prac. & Rem. Code 16.004 */
      {"WI", {6, 6, 6, 6, 6}},  /* Wis. Stat. 893.43, 402.725 */
  };
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    const arr_sol_row *r = arr_sol_row_of(known[i].state);
    if (r == NULL) {
      fail_msg("no row for %s", known[i].state);
    }
    for (int c = 0; c < ARR_SOL_CATEGORIES; c++) {
      if (r->years[c] != known[i].years[c]) {
        fail_msg("%s %s: table says %d, want %d", known[i].state,
                 arr_sol_category_name((arr_sol_category)c), r->years[c],
                 known[i].years[c]);
      }
    }
  }
  assert_non_null(strstr(arr_sol_row_of("FL")->citation, "95.11(2)(b)"));
  assert_non_null(strstr(arr_sol_row_of("NY")->citation, "214-i"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_boundary),
      cmocka_unit_test(test_start_is_later_of_payment_and_delinquency),
      cmocka_unit_test(test_charge_off_fallback),
      cmocka_unit_test(test_unknown_dates),
      cmocka_unit_test(test_unknown_state),
      cmocka_unit_test(test_other_type_takes_shortest),
      cmocka_unit_test(test_type_mapping),
      cmocka_unit_test(test_federal_student_loan),
      cmocka_unit_test(test_feb29_start),
      cmocka_unit_test(test_table_shape),
      cmocka_unit_test(test_lookup_case_insensitive),
      cmocka_unit_test(test_well_known_periods),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
