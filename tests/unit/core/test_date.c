/*
 * test_date.c — unit tests for core/date: conversions checked against a naive
 * day-by-day calendar walk over the whole accepted range, strict parsing, month
 * arithmetic with end-of-month clamping, full federal-holiday calendars for several
 * years plus a cross-check against an independent straightforward holiday
 * implementation, business-day arithmetic, and ISO 8601 instants.
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

/* Builds a date the test knows is valid; fails the test otherwise. */
static arr_date D(int y, int m, int d) {
  arr_date out = 0;
  if (!arr_date_from_ymd(y, m, d, &out)) {
    fail_msg("test bug: %04d-%02d-%02d is not a valid date", y, m, d);
  }
  return out;
}

/* Parses a date literal the test knows is valid. */
static arr_date P(const char *s) {
  arr_date out = 0;
  if (!arr_date_parse(s, strlen(s), &out)) {
    fail_msg("test bug: \"%s\" does not parse", s);
  }
  return out;
}

static void assert_date_eq(arr_date got, arr_date want) {
  if (got != want) {
    char g[ARR_DATE_FMT_MAX], w[ARR_DATE_FMT_MAX];
    arr_date_format(got, g);
    arr_date_format(want, w);
    fail_msg("got %s, want %s", g, w);
  }
}

/* splitmix64: reproducible PRNG for the property tests. */
static uint64_t rng_next(uint64_t *s) {
  uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static int rng_range(uint64_t *s, int lo, int hi) {
  return lo + (int)(rng_next(s) % (uint64_t)(hi - lo + 1));
}

/* Naive calendar used as the reference: no formulas, just month lengths. */
static int naive_mdays(int y, int m) {
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : mdays[m - 1];
}

static void naive_next(int *y, int *m, int *d) {
  if (++*d > naive_mdays(*y, *m)) {
    *d = 1;
    if (++*m > 12) {
      *m = 1;
      ++*y;
    }
  }
}

static void naive_prev(int *y, int *m, int *d) {
  if (--*d < 1) {
    if (--*m < 1) {
      *m = 12;
      --*y;
    }
    *d = naive_mdays(*y, *m);
  }
}

static void test_leap_and_month_length(void **state) {
  (void)state;
  assert_true(arr_is_leap_year(2000));
  assert_true(arr_is_leap_year(2024));
  assert_false(arr_is_leap_year(1900));
  assert_false(arr_is_leap_year(2100));
  assert_false(arr_is_leap_year(2023));
  assert_true(arr_is_leap_year(1600));
  assert_int_equal(arr_days_in_month(2024, 2), 29);
  assert_int_equal(arr_days_in_month(2023, 2), 28);
  assert_int_equal(arr_days_in_month(2100, 2), 28);
  assert_int_equal(arr_days_in_month(2023, 1), 31);
  assert_int_equal(arr_days_in_month(2023, 4), 30);
  assert_int_equal(arr_days_in_month(2023, 12), 31);
  assert_int_equal(arr_days_in_month(2023, 0), 0);
  assert_int_equal(arr_days_in_month(2023, 13), 0);
}

static void test_known_day_numbers(void **state) {
  (void)state;
  assert_int_equal(D(1970, 1, 1), 0);
  assert_int_equal(D(1970, 1, 2), 1);
  assert_int_equal(D(1969, 12, 31), -1);
  assert_int_equal(D(2000, 3, 1), 11017);
  assert_int_equal(D(1900, 1, 1), -25567);
  assert_int_equal(D(2026, 11, 25), 20782);
  int y, m, d;
  arr_date_to_ymd(-25567, &y, &m, &d);
  assert_int_equal(y, 1900);
  assert_int_equal(m, 1);
  assert_int_equal(d, 1);
  arr_date_to_ymd(0, NULL, &m, NULL); /* outputs may be NULL */
  assert_int_equal(m, 1);
  assert_int_equal(arr_date_weekday(D(1970, 1, 1)), 4);
  assert_int_equal(arr_date_weekday(D(1969, 12, 31)), 3);
  assert_int_equal(arr_date_weekday(D(1900, 1, 1)), 1);
  assert_int_equal(arr_date_weekday(D(2026, 11, 25)), 3);
  assert_int_equal(arr_date_weekday(D(2026, 7, 4)), 6);
  assert_int_equal(arr_date_weekday(D(2023, 1, 1)), 0);
}

static void test_from_ymd_rejects(void **state) {
  (void)state;
  static const int bad[][3] = {
      {2023, 2, 29}, {2024, 2, 30}, {1900, 2, 29}, {2100, 2, 29}, {2023, 4, 31},
      {2023, 0, 1},  {2023, 13, 1}, {2023, 1, 0},  {2023, 1, 32}, {1899, 12, 31},
      {2200, 1, 1},  {-1, 1, 1},    {2023, -1, 1}, {2023, 1, -1},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    arr_date out = 12345;
    assert_false(arr_date_from_ymd(bad[i][0], bad[i][1], bad[i][2], &out));
    assert_int_equal(out, 12345);
  }
  arr_date out;
  assert_true(arr_date_from_ymd(2000, 2, 29, &out));
  assert_true(arr_date_from_ymd(1900, 1, 1, &out));
  assert_true(arr_date_from_ymd(2199, 12, 31, &out));
}

/* Walks every day of the accepted range with the naive calendar and checks the
 * formula conversions, weekday, parse and format against it. */
static void test_exhaustive_walk(void **state) {
  (void)state;
  int y = 1900, m = 1, d = 1;
  arr_date expect = D(1900, 1, 1);
  int wd = 1; /* 1900-01-01 was a Monday */
  long days = 0;
  while (y <= 2199) {
    arr_date got;
    assert_true(arr_date_from_ymd(y, m, d, &got));
    assert_int_equal(got, expect);
    int gy, gm, gd;
    arr_date_to_ymd(expect, &gy, &gm, &gd);
    assert_int_equal(gy, y);
    assert_int_equal(gm, m);
    assert_int_equal(gd, d);
    assert_int_equal(arr_date_weekday(expect), wd);
    char buf[ARR_DATE_FMT_MAX], want[32];
    assert_int_equal(arr_date_format(expect, buf), 10);
    snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
    assert_string_equal(buf, want);
    arr_date back;
    assert_true(arr_date_parse(buf, 10, &back));
    assert_int_equal(back, expect);
    naive_next(&y, &m, &d);
    expect++;
    wd = (wd + 1) % 7;
    days++;
  }
  assert_int_equal(days, 109573); /* 300 years of the Gregorian calendar */
}

/* Random start dates and offsets: add_days agrees with walking the naive calendar. */
static void test_random_add_days_vs_naive(void **state) {
  (void)state;
  uint64_t seed = 42;
  for (int i = 0; i < 5000; i++) {
    int y = rng_range(&seed, 1905, 2194);
    int m = rng_range(&seed, 1, 12);
    int d = rng_range(&seed, 1, naive_mdays(y, m));
    int k = rng_range(&seed, -1500, 1500);
    arr_date start = D(y, m, d);
    for (int j = 0; j < abs(k); j++) {
      if (k > 0) {
        naive_next(&y, &m, &d);
      } else {
        naive_prev(&y, &m, &d);
      }
    }
    arr_date got = arr_date_add_days(start, k);
    assert_int_equal(got, D(y, m, d));
    assert_int_equal(got - start, k);
  }
}

static void test_parse_table(void **state) {
  (void)state;
  static const char *const good[] = {"2026-11-25", "1900-01-01", "2199-12-31",
                                     "2024-02-29", "2000-02-29"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    arr_date out;
    char buf[ARR_DATE_FMT_MAX];
    assert_true(arr_date_parse(good[i], 10, &out));
    arr_date_format(out, buf);
    assert_string_equal(buf, good[i]);
  }
  static const char *const bad[] = {
      "",
      "2026-1-25",
      "2026/11/25",
      "20261125",
      "2026-11-25 ",
      " 2026-11-25",
      "2026-11-31",
      "+026-11-25",
      "1899-12-31",
      "2200-01-01",
      "2026-11-2a",
      "2026-13-01",
      "2026-00-10",
      "2026-11-00",
      "2023-02-29",
      "1900-02-29",
      "2026-11-25T00:00:00Z",
      "26-11-25",
      "2026-11--5",
      "-026-11-25",
      "2026 11 25",
      "2026-11-5 ",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    arr_date out = 777;
    if (arr_date_parse(bad[i], strlen(bad[i]), &out)) {
      fail_msg("accepted bad date \"%s\"", bad[i]);
    }
    assert_int_equal(out, 777);
  }
  arr_date out;
  assert_true(arr_date_parse("2026-11-25trailing", 10, &out)); /* len bounds input */
  assert_false(arr_date_parse(NULL, 0, &out));
}

static void test_format_out_of_range(void **state) {
  (void)state;
  char buf[ARR_DATE_FMT_MAX];
  /* Years beyond four digits cannot be written; the sentinel never parses. */
  assert_int_equal(arr_date_format(INT32_MAX, buf), 10);
  assert_string_equal(buf, "0000-00-00");
  assert_int_equal(arr_date_format(INT32_MIN, buf), 10);
  assert_string_equal(buf, "0000-00-00");
  arr_date_format(D(2199, 12, 31) + 1, buf);
  assert_string_equal(buf, "2200-01-01"); /* formattable, just not parseable */
}

static void test_add_months(void **state) {
  (void)state;
  static const struct {
    const char *from;
    int32_t months;
    const char *want;
  } cases[] = {
      {"2023-01-31", 1, "2023-02-28"},   {"2024-01-31", 1, "2024-02-29"},
      {"2024-01-31", 2, "2024-03-31"},   {"2024-01-31", 3, "2024-04-30"},
      {"2023-01-31", 2, "2023-03-31"},   {"2024-02-29", 12, "2025-02-28"},
      {"2024-02-29", 48, "2028-02-29"},  {"2024-03-31", -1, "2024-02-29"},
      {"2023-03-31", -1, "2023-02-28"},  {"2026-01-15", -1, "2025-12-15"},
      {"2026-12-15", 1, "2027-01-15"},   {"2026-11-25", 0, "2026-11-25"},
      {"2026-11-25", -24, "2024-11-25"}, {"2000-05-31", -3, "2000-02-29"},
      {"2100-01-29", 1, "2100-02-28"},   {"1900-01-31", 1200, "2000-01-31"},
      {"2026-08-31", 1, "2026-09-30"},   {"2026-10-31", 1, "2026-11-30"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_date_eq(arr_date_add_months(P(cases[i].from), cases[i].months),
                   P(cases[i].want));
  }
  /* Why the header asks for anchoring: stepping one month at a time drifts to the
   * 28th after February, adding k months to the original does not. */
  arr_date anchor = P("2023-01-31");
  arr_date chained = anchor;
  for (int k = 1; k <= 3; k++) {
    chained = arr_date_add_months(chained, 1);
  }
  assert_date_eq(chained, P("2023-04-28"));
  assert_date_eq(arr_date_add_months(anchor, 3), P("2023-04-30"));
}

/* Property: for days 1..28 add_months is invertible, and in general the result is in
 * the right month with the day clamped. */
static void test_add_months_property(void **state) {
  (void)state;
  uint64_t seed = 7;
  for (int i = 0; i < 20000; i++) {
    int y = rng_range(&seed, 1920, 2179);
    int m = rng_range(&seed, 1, 12);
    int d = rng_range(&seed, 1, naive_mdays(y, m));
    int k = rng_range(&seed, -240, 240);
    arr_date r = arr_date_add_months(D(y, m, d), k);
    int idx = y * 12 + (m - 1) + k;
    int wy = idx / 12, wm = idx % 12 + 1;
    int wd = d < naive_mdays(wy, wm) ? d : naive_mdays(wy, wm);
    assert_int_equal(r, D(wy, wm, wd));
    if (d <= 28) {
      assert_int_equal(arr_date_add_months(r, -k), D(y, m, d));
    }
  }
}

/* Every observed federal holiday of the year, in order. */
typedef struct {
  int year;
  const char *days[14];
} holiday_year;

static const holiday_year holiday_years[] = {
    {1985, /* before MLK Day */
     {"1985-01-01", "1985-02-18", "1985-05-27", "1985-07-04", "1985-09-02", "1985-10-14",
      "1985-11-11", "1985-11-28", "1985-12-25"}},
    {1986, /* first MLK Day */
     {"1986-01-01", "1986-01-20", "1986-02-17", "1986-05-26", "1986-07-04", "1986-09-01",
      "1986-10-13", "1986-11-11", "1986-11-27", "1986-12-25"}},
    {2020, /* before Juneteenth: Fri 2020-06-19 is a business day */
     {"2020-01-01", "2020-01-20", "2020-02-17", "2020-05-25", "2020-07-03", "2020-09-07",
      "2020-10-12", "2020-11-11", "2020-11-26", "2020-12-25"}},
    {2021, /* Juneteenth Sat -> Fri 06-18; Jul 4 Sun -> Mon; Dec 31 observes 2022-01-01 */
     {"2021-01-01", "2021-01-18", "2021-02-15", "2021-05-31", "2021-06-18", "2021-07-05",
      "2021-09-06", "2021-10-11", "2021-11-11", "2021-11-25", "2021-12-24",
      "2021-12-31"}},
    {2022, /* no Jan 1 holiday inside 2022; Juneteenth Sun -> Mon 06-20 */
     {"2022-01-17", "2022-02-21", "2022-05-30", "2022-06-20", "2022-07-04", "2022-09-05",
      "2022-10-10", "2022-11-11", "2022-11-24", "2022-12-26"}},
    {2023, /* Jan 1 Sun -> Mon 01-02; Veterans Day Sat -> Fri 11-10 */
     {"2023-01-02", "2023-01-16", "2023-02-20", "2023-05-29", "2023-06-19", "2023-07-04",
      "2023-09-04", "2023-10-09", "2023-11-10", "2023-11-23", "2023-12-25"}},
    {2026, /* Jul 4 Sat -> Fri 07-03; Thanksgiving 11-26 */
     {"2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03",
      "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"}},
    {2027, /* Christmas Sat -> Fri 12-24; Jan 1 2028 Sat -> Fri 12-31 */
     {"2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18", "2027-07-05",
      "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24",
      "2027-12-31"}},
};

static void test_holiday_calendars(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof holiday_years / sizeof holiday_years[0]; i++) {
    const holiday_year *hy = &holiday_years[i];
    size_t next = 0;
    for (arr_date d = D(hy->year, 1, 1); d <= D(hy->year, 12, 31); d++) {
      bool want = hy->days[next] != NULL && d == P(hy->days[next]);
      bool got = arr_date_is_federal_holiday(d);
      if (got != want) {
        char buf[ARR_DATE_FMT_MAX];
        arr_date_format(d, buf);
        fail_msg("%s: holiday=%d, want %d", buf, got, want);
      }
      if (want) {
        int wd = arr_date_weekday(d);
        assert_true(wd >= 1 && wd <= 5); /* observed holidays are weekdays */
        assert_false(arr_date_is_business_day(d));
        next++;
      }
    }
    assert_null(hy->days[next]); /* every expected holiday was seen */
  }
}

/* The actual dates behind the observances are not holidays themselves when they
 * fall on a weekend, and ordinary days are not holidays. */
static void test_holiday_spot_checks(void **state) {
  (void)state;
  assert_false(arr_date_is_federal_holiday(P("2022-01-01"))); /* Sat, seen 2021-12-31 */
  assert_false(arr_date_is_federal_holiday(P("2023-01-01"))); /* Sun */
  assert_false(arr_date_is_federal_holiday(P("2026-07-04"))); /* Sat */
  assert_false(arr_date_is_federal_holiday(P("2027-12-25"))); /* Sat */
  assert_false(arr_date_is_federal_holiday(P("2026-11-27"))); /* day after Thanksgiving */
  assert_false(arr_date_is_federal_holiday(P("2026-12-24"))); /* Christmas Eve, Thu */
  assert_false(arr_date_is_federal_holiday(P("2028-01-03"))); /* Mon after Sat Jan 1 */
  assert_true(arr_date_is_federal_holiday(P("2026-11-26")));
  assert_true(arr_date_is_federal_holiday(P("2033-12-26"))); /* Christmas Sun -> Mon */
  assert_true(arr_date_is_federal_holiday(P("2034-01-02"))); /* New Year Sun -> Mon */
  assert_true(arr_date_is_business_day(P("2026-11-25")));
  assert_false(arr_date_is_business_day(P("2026-11-28"))); /* Saturday */
  assert_false(arr_date_is_business_day(P("2026-11-29"))); /* Sunday */
}

/* Independent, straightforward holiday calendar: find each holiday by scanning the
 * month, shift weekend fixed dates, and mark a table. */
enum { RANGE_DAYS = 109573 };
static arr_date range_first;
static unsigned char naive_holiday[RANGE_DAYS];

static void mark(arr_date d) {
  int64_t i = (int64_t)d - range_first;
  if (i >= 0 && i < RANGE_DAYS) {
    naive_holiday[i] = 1;
  }
}

static void mark_nth_weekday(int y, int m, int wd, int nth) {
  int seen = 0;
  arr_date last = 0;
  for (int d = 1; d <= naive_mdays(y, m); d++) {
    if (arr_date_weekday(D(y, m, d)) == wd) {
      last = D(y, m, d);
      if (++seen == nth) {
        mark(last);
        return;
      }
    }
  }
  mark(last); /* nth < 0: the last one */
}

static void mark_fixed(arr_date actual) {
  int wd = arr_date_weekday(actual);
  mark(wd == 6 ? actual - 1 : wd == 0 ? actual + 1 : actual);
}

static void test_holidays_vs_naive(void **state) {
  (void)state;
  range_first = D(1900, 1, 1);
  memset(naive_holiday, 0, sizeof naive_holiday);
  for (int y = 1900; y <= 2199; y++) {
    mark_fixed(D(y, 1, 1));
    mark_fixed(D(y, 12, 31) + 1); /* next Jan 1, possibly observed on Dec 31 */
    if (y >= 1986) {
      mark_nth_weekday(y, 1, 1, 3);
    }
    mark_nth_weekday(y, 2, 1, 3);
    mark_nth_weekday(y, 5, 1, -1);
    if (y >= 2021) {
      mark_fixed(D(y, 6, 19));
    }
    mark_fixed(D(y, 7, 4));
    mark_nth_weekday(y, 9, 1, 1);
    mark_nth_weekday(y, 10, 1, 2);
    mark_fixed(D(y, 11, 11));
    mark_nth_weekday(y, 11, 4, 4);
    mark_fixed(D(y, 12, 25));
  }
  long count = 0;
  arr_date prev_business = 0;
  bool have_prev = false;
  for (int64_t i = 0; i < RANGE_DAYS; i++) {
    arr_date d = (arr_date)(range_first + i);
    if (arr_date_is_federal_holiday(d) != (naive_holiday[i] != 0)) {
      char buf[ARR_DATE_FMT_MAX];
      arr_date_format(d, buf);
      fail_msg("%s: fast=%d naive=%d", buf, !naive_holiday[i], naive_holiday[i]);
    }
    count += naive_holiday[i];
    /* The business-day loop relies on business days being at most 4 days apart. */
    if (arr_date_is_business_day(d)) {
      if (have_prev) {
        assert_true(d - prev_business <= 4);
      }
      prev_business = d;
      have_prev = true;
    }
  }
  assert_true(count > 300 * 9);
}

static void test_add_business_days(void **state) {
  (void)state;
  static const struct {
    const char *from;
    int32_t n;
    const char *want;
  } cases[] = {
      {"2026-11-20", 1, "2026-11-23"}, /* header example: Fri -> Mon */
      {"2026-11-20", 0, "2026-11-20"},
      {"2026-11-21", 0, "2026-11-21"}, /* n = 0 returns d even on a Saturday */
      {"2026-11-21", 1, "2026-11-23"}, /* from Saturday */
      {"2026-11-22", 1, "2026-11-23"}, /* from Sunday */
      {"2026-11-25", 1, "2026-11-27"}, /* skips Thanksgiving */
      {"2026-11-25", 5, "2026-12-03"}, /* validation period across Thanksgiving */
      {"2026-11-26", 1, "2026-11-27"}, /* from the holiday itself */
      {"2026-07-02", 1, "2026-07-06"}, /* skips observed Fri Jul 3 and weekend */
      {"2021-12-23", 1, "2021-12-27"}, /* skips Fri Dec 24 observed Christmas */
      {"2021-12-30", 1, "2022-01-03"}, /* skips Fri Dec 31 observed New Year 2022 */
      {"2022-12-23", 1, "2022-12-27"}, /* skips Mon Dec 26 */
      {"2022-12-30", 1, "2023-01-03"}, /* skips Mon Jan 2 2023 */
      {"2027-12-23", 2, "2027-12-28"},
      {"2026-11-25", 30, "2027-01-11"},  /* skips Dec 25 and Jan 1 */
      {"2026-01-01", 250, "2026-12-31"}, /* 2026 has 250 business days */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    arr_date got = arr_date_add_business_days(P(cases[i].from), cases[i].n);
    if (got != P(cases[i].want)) {
      char buf[ARR_DATE_FMT_MAX];
      arr_date_format(got, buf);
      fail_msg("%s + %d business days = %s, want %s", cases[i].from, cases[i].n, buf,
               cases[i].want);
    }
  }
}

/* Property: the result is a business day, exactly n business days lie in (d, r]. */
static void test_business_days_property(void **state) {
  (void)state;
  uint64_t seed = 99;
  for (int i = 0; i < 5000; i++) {
    arr_date d = D(rng_range(&seed, 1950, 2150), rng_range(&seed, 1, 12), 1) +
                 rng_range(&seed, 0, 27);
    int n = rng_range(&seed, 0, 400);
    arr_date r = arr_date_add_business_days(d, n);
    int counted = 0;
    for (arr_date x = d + 1; x <= r; x++) {
      counted += arr_date_is_business_day(x);
    }
    assert_int_equal(counted, n);
    if (n > 0) {
      assert_true(arr_date_is_business_day(r));
    } else {
      assert_int_equal(r, d);
    }
  }
}

static void test_time_parse_table(void **state) {
  (void)state;
  const arr_time day = 86400;
  const struct {
    const char *in;
    arr_time want;
    int offset;
  } good[] = {
      {"1970-01-01T00:00:00Z", 0, 0},
      {"1970-01-01T00:00:01Z", 1, 0},
      {"1969-12-31T23:59:59Z", -1, 0},
      {"2026-11-25T08:00:00-06:00", D(2026, 11, 25) * day + 14 * 3600, -360},
      {"2026-11-25T08:00:00+00:00", D(2026, 11, 25) * day + 8 * 3600, 0},
      {"2026-11-25T08:00:00-00:00", D(2026, 11, 25) * day + 8 * 3600, 0},
      {"2000-01-01T00:30:00+01:00", D(1999, 12, 31) * day + 23 * 3600 + 30 * 60, 60},
      {"2026-01-01T00:00:00+14:00", D(2025, 12, 31) * day + 10 * 3600, 840},
      {"2026-01-01T00:00:00-12:00", D(2026, 1, 1) * day + 12 * 3600, -720},
      {"2026-01-01T00:00:00+05:45", D(2025, 12, 31) * day + 18 * 3600 + 15 * 60, 345},
      {"2026-01-01T00:00:00+14:59", D(2025, 12, 31) * day + 9 * 3600 + 60, 899},
      {"2199-12-31T23:59:59Z", D(2199, 12, 31) * day + 86399, 0},
      {"1900-01-01T00:00:00+01:00", D(1900, 1, 1) * day - 3600, 60},
      {"2024-02-29T12:34:56Z", D(2024, 2, 29) * day + 12 * 3600 + 34 * 60 + 56, 0},
      /* Fractional seconds, as browsers send them, are truncated. */
      {"2026-11-25T08:00:00.5Z", D(2026, 11, 25) * day + 8 * 3600, 0},
      {"2026-11-25T08:00:00.999Z", D(2026, 11, 25) * day + 8 * 3600, 0},
      {"2026-11-25T08:00:00.123456789-06:00", D(2026, 11, 25) * day + 14 * 3600, -360},
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    arr_time t = 0;
    int off = 12345;
    if (!arr_time_parse(good[i].in, strlen(good[i].in), &t, &off)) {
      fail_msg("rejected good instant \"%s\"", good[i].in);
    }
    assert_int_equal(t, good[i].want);
    assert_int_equal(off, good[i].offset);
    assert_true(arr_time_parse(good[i].in, strlen(good[i].in), &t, NULL));
  }
  static const char *const bad[] = {
      "",
      "2026-11-25",
      "2026-11-25T08:00:00",
      "2026-11-25T08:00:00z",
      "2026-11-25t08:00:00Z",
      "2026-11-25 08:00:00Z",
      "2026-11-25T08:00:00.Z",
      "2026-11-25T08:00:00.1234567890Z",
      "2026-11-25T08:00:00,5Z",
      "2026-11-25T08:00:00.5",
      "2026-11-25T24:00:00Z",
      "2026-11-25T23:60:00Z",
      "2026-11-25T23:59:60Z",
      "2026-11-25T8:00:00Z ",
      "2026-11-25T08:00:00+15:00",
      "2026-11-25T08:00:00+05:60",
      "2026-11-25T08:00:00+0500",
      "2026-11-25T08:00:00+05",
      "2026-11-25T08:00:00 05:00",
      "2026-11-25T08:00:00+05-00",
      "2026-11-25T08:00:00+5:000",
      "2026-11-25T08:00:00Z+00:00",
      "2026-11-25T08:00:00UTC",
      "2026-11-25T08-00-00Z",
      "2026-02-30T08:00:00Z",
      "1899-12-31T23:59:59Z",
      "2200-01-01T00:00:00Z",
      "2026-11-25T0a:00:00Z",
      "2026-11-25T08:00:00+0a:00",
      "2026-11-25T08:00:00ZZ",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    arr_time t = 555;
    int off = 666;
    if (arr_time_parse(bad[i], strlen(bad[i]), &t, &off)) {
      fail_msg("accepted bad instant \"%s\"", bad[i]);
    }
    assert_int_equal(t, 555);
    assert_int_equal(off, 666);
  }
}

static void test_time_format(void **state) {
  (void)state;
  char buf[ARR_TIME_FMT_MAX];
  assert_int_equal(arr_time_format_utc(0, buf), 20);
  assert_string_equal(buf, "1970-01-01T00:00:00Z");
  arr_time_format_utc(-1, buf);
  assert_string_equal(buf, "1969-12-31T23:59:59Z");
  arr_time_format_utc(1700000000, buf);
  assert_string_equal(buf, "2023-11-14T22:13:20Z");
  arr_time_format_utc(D(2026, 11, 25) * INT64_C(86400) + 14 * 3600, buf);
  assert_string_equal(buf, "2026-11-25T14:00:00Z");
  /* Extremes must not crash or overrun; the date part is the unparseable sentinel. */
  assert_int_equal(arr_time_format_utc(INT64_MIN, buf), 20);
  assert_int_equal(strlen(buf), 20);
  assert_int_equal(arr_time_format_utc(INT64_MAX, buf), 20);
  assert_int_equal(strlen(buf), 20);
  assert_int_equal(strncmp(buf, "0000-00-00T", 11), 0);

  assert_int_equal(arr_time_utc_date(0), 0);
  assert_int_equal(arr_time_utc_date(86399), 0);
  assert_int_equal(arr_time_utc_date(86400), 1);
  assert_int_equal(arr_time_utc_date(-1), -1);
  assert_int_equal(arr_time_utc_date(-86400), -1);
  assert_int_equal(arr_time_utc_date(-86401), -2);
}

/* Property: random instants in range format and parse back; parsing with an offset
 * equals parsing the same wall time as UTC minus the offset. */
static void test_time_roundtrip_property(void **state) {
  (void)state;
  uint64_t seed = 1234;
  const arr_time lo = D(1900, 1, 2) * INT64_C(86400);
  const arr_time hi = D(2199, 12, 30) * INT64_C(86400);
  for (int i = 0; i < 20000; i++) {
    arr_time t = lo + (arr_time)(rng_next(&seed) % (uint64_t)(hi - lo));
    char buf[32];
    assert_int_equal(arr_time_format_utc(t, buf), 20);
    arr_time back = 0;
    int off = 1;
    assert_true(arr_time_parse(buf, 20, &back, &off));
    assert_int_equal(back, t);
    assert_int_equal(off, 0);
    arr_date day;
    assert_true(arr_date_parse(buf, 10, &day));
    assert_int_equal(arr_time_utc_date(t), day);

    int oh = rng_range(&seed, 0, 14), om = rng_range(&seed, 0, 59);
    char sign = rng_range(&seed, 0, 1) ? '+' : '-';
    char with_off[32];
    snprintf(with_off, sizeof with_off, "%.19s%c%02d:%02d", buf, sign, oh, om);
    assert_true(arr_time_parse(with_off, 25, &back, &off));
    int want_off = (sign == '-' ? -1 : 1) * (oh * 60 + om);
    assert_int_equal(off, want_off);
    assert_int_equal(back, t - (arr_time)want_off * 60);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_leap_and_month_length),
      cmocka_unit_test(test_known_day_numbers),
      cmocka_unit_test(test_from_ymd_rejects),
      cmocka_unit_test(test_exhaustive_walk),
      cmocka_unit_test(test_random_add_days_vs_naive),
      cmocka_unit_test(test_parse_table),
      cmocka_unit_test(test_format_out_of_range),
      cmocka_unit_test(test_add_months),
      cmocka_unit_test(test_add_months_property),
      cmocka_unit_test(test_holiday_calendars),
      cmocka_unit_test(test_holiday_spot_checks),
      cmocka_unit_test(test_holidays_vs_naive),
      cmocka_unit_test(test_add_business_days),
      cmocka_unit_test(test_business_days_property),
      cmocka_unit_test(test_time_parse_table),
      cmocka_unit_test(test_time_format),
      cmocka_unit_test(test_time_roundtrip_property),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
