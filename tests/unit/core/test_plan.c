/*
 * test_plan.c — unit and property tests for core/plan: due dates and schedules for
 * every frequency and every start date 2024..2028, amount splitting and its errors,
 * approval flags at their boundaries, the settlement floor, monthly normalization,
 * affordability options, and plan/promise monitoring around the grace deadline.
 *
 * Property checks compare against oracles written differently from the code under
 * test (year/month/day arithmetic instead of day numbers, 128-bit products instead of
 * split division, interval overlap instead of payment application), so a shared
 * mistake is unlikely to pass both. Every check is counted; main prints the total.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/money.h"
#include "core/plan.h"

static long checks;
static char ctx[256]; /* what the property loop is looking at, for failure messages */

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    checks++;                                                                            \
    if (!(cond)) {                                                                       \
      fail_msg("%s:%d: %s [%s]", __FILE__, __LINE__, #cond, ctx);                        \
    }                                                                                    \
  } while (0)

#define CHECK_EQ(a, b)                                                                   \
  do {                                                                                   \
    checks++;                                                                            \
    long long got_ = (long long)(a), want_ = (long long)(b);                             \
    if (got_ != want_) {                                                                 \
      fail_msg("%s:%d: %s = %lld, want %s = %lld [%s]", __FILE__, __LINE__, #a, got_,    \
               #b, want_, ctx);                                                          \
    }                                                                                    \
  } while (0)

#define CHECK_STR(a, b)                                                                  \
  do {                                                                                   \
    checks++;                                                                            \
    assert_string_equal((a), (b));                                                       \
  } while (0)

static arr_date D(int y, int m, int d) {
  arr_date out;
  assert_true(arr_date_from_ymd(y, m, d, &out));
  return out;
}

static const char *fmt_date(arr_date d, char *buf) {
  arr_date_format(d, buf);
  return buf;
}

/* splitmix64: deterministic, so a failure reproduces exactly. */
static uint64_t next_rand(uint64_t *s) {
  uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Uniform-enough value in lo..hi (inclusive). */
static int64_t rand_range(uint64_t *s, int64_t lo, int64_t hi) {
  return lo + (int64_t)(next_rand(s) % (uint64_t)(hi - lo + 1));
}

static const arr_frequency all_freqs[] = {ARR_FREQ_WEEKLY, ARR_FREQ_BIWEEKLY,
                                          ARR_FREQ_SEMIMONTHLY, ARR_FREQ_MONTHLY};

/* ---- Names ------------------------------------------------------------------------ */

static void test_names(void **state) {
  (void)state;
  static const char *const freq_names[] = {"weekly", "biweekly", "semimonthly",
                                           "monthly"};
  for (int i = 0; i < 4; i++) {
    arr_frequency f;
    CHECK(arr_frequency_parse(freq_names[i], &f));
    CHECK_EQ(f, all_freqs[i]);
    CHECK_STR(arr_frequency_name(f), freq_names[i]);
  }
  static const char *const bad[] = {"", "Weekly", "week", "monthly ", "daily", "yearly"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    arr_frequency f;
    arr_period p;
    CHECK(!arr_frequency_parse(bad[i], &f));
    CHECK(!arr_period_parse(bad[i], &p));
  }
  CHECK(!arr_frequency_parse("annual", &(arr_frequency){0}));
  arr_frequency f;
  CHECK(!arr_frequency_parse(NULL, &f));
  CHECK_STR(arr_frequency_name((arr_frequency)4), "unknown");

  static const char *const per_names[] = {"weekly", "biweekly", "semimonthly", "monthly",
                                          "annual"};
  static const arr_period pers[] = {ARR_PER_WEEK, ARR_PER_TWO_WEEKS, ARR_PER_HALF_MONTH,
                                    ARR_PER_MONTH, ARR_PER_YEAR};
  for (int i = 0; i < 5; i++) {
    arr_period p;
    CHECK(arr_period_parse(per_names[i], &p));
    CHECK_EQ(p, pers[i]);
    CHECK_STR(arr_period_name(p), per_names[i]);
  }
  arr_period p;
  CHECK(!arr_period_parse(NULL, &p));
  CHECK_STR(arr_period_name((arr_period)5), "unknown");

  CHECK_STR(arr_inst_status_name(ARR_INST_PENDING), "pending");
  CHECK_STR(arr_inst_status_name(ARR_INST_KEPT), "kept");
  CHECK_STR(arr_inst_status_name(ARR_INST_PARTIAL), "partial");
  CHECK_STR(arr_inst_status_name(ARR_INST_BROKEN), "broken");
  CHECK_STR(arr_inst_status_name((arr_inst_status)9), "unknown");

  /* Every status has its own non-empty message. */
  for (int a = ARR_PLAN_OK; a <= ARR_PLAN_CAPACITY; a++) {
    CHECK(strlen(arr_plan_status_message((arr_plan_status)a)) > 0);
    for (int b = ARR_PLAN_OK; b < a; b++) {
      CHECK(strcmp(arr_plan_status_message((arr_plan_status)a),
                   arr_plan_status_message((arr_plan_status)b)) != 0);
    }
  }
}

/* ---- Schedules: properties -------------------------------------------------------- */

/* Day number of a civil date (Hinnant's days_from_civil), written out here so the
 * oracle below shares no date code with plan.c and works past the parsers' years. */
static arr_date civil_days(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (arr_date)(era * 146097 + doe - 719468);
}

/* The expected semimonthly date for index k, from the rule's text, in y/m/d terms. */
static arr_date semimonthly_oracle(arr_date first, int k) {
  int y, m, d1;
  arr_date_to_ymd(first, &y, &m, &d1);
  int month_index = y * 12 + (m - 1) + k / 2;
  int day = d1;
  if (k % 2 == 1) {
    if (d1 <= 15) {
      day = d1 + 15;
    } else {
      day = d1 - 15;
      month_index++;
    }
  }
  int ty = month_index / 12, tm = month_index % 12 + 1;
  int dim = arr_days_in_month(ty, tm);
  return civil_days(ty, tm, day < dim ? day : dim);
}

/* Checks the regular due dates of one schedule against the frequency's rule. */
static void check_dates(arr_frequency f, arr_date first, const arr_installment *reg,
                        int count) {
  int fy, fm, fd;
  arr_date_to_ymd(first, &fy, &fm, &fd);
  int per_month[64 * 12] = {0}; /* installments per calendar month since fy */
  for (int k = 0; k < count; k++) {
    arr_date due = reg[k].due_on;
    int y, m, d;
    arr_date_to_ymd(due, &y, &m, &d);
    CHECK_EQ(due, arr_plan_due_date(f, first, k));
    if (k == 0) {
      CHECK_EQ(due, first);
    } else {
      CHECK(due > reg[k - 1].due_on);
    }
    switch (f) {
    case ARR_FREQ_WEEKLY: CHECK_EQ(due, first + 7 * k); break;
    case ARR_FREQ_BIWEEKLY: CHECK_EQ(due, first + 14 * k); break;
    case ARR_FREQ_MONTHLY: {
      CHECK_EQ(due, arr_date_add_months(first, k));
      CHECK_EQ(y * 12 + m, fy * 12 + fm + k);
      int dim = arr_days_in_month(y, m);
      CHECK_EQ(d, fd < dim ? fd : dim);
      break;
    }
    case ARR_FREQ_SEMIMONTHLY: {
      CHECK_EQ(due, semimonthly_oracle(first, k));
      int slot = (y - fy) * 12 + (m - 1);
      CHECK(slot >= 0 && slot < 64 * 12);
      per_month[slot]++;
      CHECK(per_month[slot] <= 2);
      if (k > 0) {
        /* Half a month apart, give or take month lengths and clamping. */
        int gap = due - reg[k - 1].due_on;
        CHECK(gap >= 12 && gap <= 16);
        int py, pm, pd;
        arr_date_to_ymd(reg[k - 1].due_on, &py, &pm, &pd);
        if (py == y && pm == m) {
          /* Two in one month fall in different halves (1-15, 16-end) - except for
           * a 31st anchor, whose second date is the 16th by the rule (Feb 16 and
           * Feb 28). */
          if (fd == 31) {
            CHECK(pd == 16 || d == 16);
          } else {
            CHECK((pd <= 15) != (d <= 15));
          }
        }
      }
      break;
    }
    }
  }
}

/* One schedule's amounts, counts and dates. */
static void check_schedule(arr_frequency f, arr_date first, int count, int64_t total,
                           int64_t down, arr_date down_on) {
  static arr_installment out[ARR_PLAN_MAX_INSTALLMENTS + 1];
  char b1[ARR_DATE_FMT_MAX];
  snprintf(ctx, sizeof ctx, "%s first=%s count=%d total=%lld down=%lld",
           arr_frequency_name(f), fmt_date(first, b1), count, (long long)total,
           (long long)down);
  int n = -1;
  arr_plan_status st =
      arr_plan_schedule(total, down, down_on, f, first, count, out, count + 1, &n);
  CHECK_EQ(st, ARR_PLAN_OK);
  int has_down = down > 0 ? 1 : 0;
  CHECK_EQ(n, count + has_down);
  int64_t sum = 0;
  for (int i = 0; i < n; i++) {
    sum += out[i].amount_cents;
    CHECK(out[i].amount_cents >= 1);
    CHECK_EQ(out[i].down_payment, has_down && i == 0);
  }
  CHECK_EQ(sum, total);
  if (has_down) {
    CHECK_EQ(out[0].amount_cents, down);
    CHECK_EQ(out[0].due_on, down_on);
    CHECK(down_on <= first);
  }
  const arr_installment *reg = out + has_down;
  int64_t per = (total - down) / count;
  for (int k = 0; k + 1 < count; k++) {
    CHECK_EQ(reg[k].amount_cents, per);
  }
  CHECK_EQ(reg[count - 1].amount_cents, per + (total - down) % count);
  check_dates(f, first, reg, count);
}

/* Picks total and down for one case; cls cycles so every (frequency, count) sees the
 * 1-cent edge, the maximum remainder, the largest amount and random ones. */
static void pick_amounts(uint64_t *rng, int cls, int count, bool with_down,
                         int64_t *total, int64_t *down) {
  int64_t d = with_down ? rand_range(rng, 1, 500000) : 0;
  switch (cls) {
  case 0: *total = d + count; break;         /* exactly 1 cent each */
  case 1: *total = d + 2 * count - 1; break; /* 1 cent each plus the largest remainder */
  case 2: *total = ARR_MONEY_MAX_CENTS; break;
  case 3: *total = rand_range(rng, ARR_MONEY_MAX_CENTS / 2, ARR_MONEY_MAX_CENTS); break;
  case 4: *total = rand_range(rng, d + count, d + count + 10000000); break;
  default: *total = rand_range(rng, d + count, INT64_C(1000000000000)); break;
  }
  if (with_down && cls >= 2) {
    /* Anything from 1 cent to leaving exactly 1 cent per installment. */
    d = next_rand(rng) % 8 == 0 ? *total - count : rand_range(rng, 1, *total - count);
  }
  *down = d;
}

static void test_schedule_properties(void **state) {
  (void)state;
  static const int counts[] = {1, 2, 3, 5, 12, 13, 24, 36, 60};
  uint64_t rng = 20240101;
  arr_date start = D(2024, 1, 1), end = D(2028, 12, 31);
  int cls = 0;
  long schedules = 0;
  for (int fi = 0; fi < 4; fi++) {
    for (arr_date first = start; first <= end; first++) {
      for (size_t ci = 0; ci < sizeof counts / sizeof counts[0]; ci++) {
        for (int with_down = 0; with_down < 2; with_down++) {
          int64_t total, down;
          pick_amounts(&rng, cls++ % 6, counts[ci], with_down, &total, &down);
          arr_date down_on = with_down ? first - (arr_date)rand_range(&rng, 0, 45)
                                       : (arr_date)INT32_MIN; /* ignored without down */
          check_schedule(all_freqs[fi], first, counts[ci], total, down, down_on);
          schedules++;
        }
      }
    }
  }
  CHECK_EQ(schedules, 4L * 1827 * 9 * 2);
}

/* The longest schedules: 520 installments, dates still increasing and exact. */
static void test_schedule_max_count(void **state) {
  (void)state;
  for (int fi = 0; fi < 4; fi++) {
    check_schedule(all_freqs[fi], D(2024, 1, 31), ARR_PLAN_MAX_INSTALLMENTS,
                   ARR_MONEY_MAX_CENTS, 0, 0);
    check_schedule(all_freqs[fi], D(2199, 12, 31), ARR_PLAN_MAX_INSTALLMENTS, 520 + 7, 7,
                   D(2199, 12, 1));
  }
}

/* ---- Schedules: named cases ------------------------------------------------------- */

static void expect_dates(arr_frequency f, arr_date first, const arr_date *want, int n) {
  char b1[ARR_DATE_FMT_MAX], b2[ARR_DATE_FMT_MAX];
  for (int k = 0; k < n; k++) {
    arr_date got = arr_plan_due_date(f, first, k);
    snprintf(ctx, sizeof ctx, "%s from %s k=%d: got %s want %s", arr_frequency_name(f),
             fmt_date(first, b1), k, fmt_date(got, b2), fmt_date(want[k], b1));
    CHECK_EQ(got, want[k]);
  }
  ctx[0] = '\0';
}

static void test_monthly_jan31(void **state) {
  (void)state;
  const arr_date leap[] = {D(2024, 1, 31),  D(2024, 2, 29), D(2024, 3, 31),
                           D(2024, 4, 30),  D(2024, 5, 31), D(2024, 6, 30),
                           D(2024, 12, 31), D(2025, 1, 31)};
  const arr_date plain[] = {D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 31),
                            D(2025, 4, 30), D(2025, 5, 31)};
  expect_dates(ARR_FREQ_MONTHLY, D(2024, 1, 31), leap, 6);
  CHECK_EQ(arr_plan_due_date(ARR_FREQ_MONTHLY, D(2024, 1, 31), 11), leap[6]);
  CHECK_EQ(arr_plan_due_date(ARR_FREQ_MONTHLY, D(2024, 1, 31), 12), leap[7]);
  expect_dates(ARR_FREQ_MONTHLY, D(2025, 1, 31), plain, 5);

  /* Through the schedule as well: Feb is clamped, March is back on the 31st. */
  arr_installment out[3];
  int n;
  CHECK_EQ(
      arr_plan_schedule(30000, 0, 0, ARR_FREQ_MONTHLY, D(2025, 1, 31), 3, out, 3, &n),
      ARR_PLAN_OK);
  CHECK_EQ(n, 3);
  CHECK_EQ(out[1].due_on, D(2025, 2, 28));
  CHECK_EQ(out[2].due_on, D(2025, 3, 31));
}

static void test_semimonthly_examples(void **state) {
  (void)state;
  const arr_date jan31_leap[] = {D(2024, 1, 31), D(2024, 2, 16), D(2024, 2, 29),
                                 D(2024, 3, 16), D(2024, 3, 31), D(2024, 4, 16),
                                 D(2024, 4, 30)};
  const arr_date jan31[] = {D(2025, 1, 31), D(2025, 2, 16), D(2025, 2, 28),
                            D(2025, 3, 16), D(2025, 3, 31)};
  const arr_date jan15[] = {D(2025, 1, 15), D(2025, 1, 30), D(2025, 2, 15),
                            D(2025, 2, 28), D(2025, 3, 15), D(2025, 3, 30)};
  const arr_date jan15_leap[] = {D(2024, 1, 15), D(2024, 1, 30), D(2024, 2, 15),
                                 D(2024, 2, 29), D(2024, 3, 15)};
  const arr_date jan1[] = {D(2025, 1, 1), D(2025, 1, 16), D(2025, 2, 1), D(2025, 2, 16)};
  const arr_date jan16[] = {D(2025, 1, 16), D(2025, 2, 1), D(2025, 2, 16), D(2025, 3, 1)};
  const arr_date jan30[] = {D(2025, 1, 30), D(2025, 2, 15), D(2025, 2, 28),
                            D(2025, 3, 15), D(2025, 3, 30)};
  const arr_date dec20[] = {D(2025, 12, 20), D(2026, 1, 5), D(2026, 1, 20),
                            D(2026, 2, 5)};
  expect_dates(ARR_FREQ_SEMIMONTHLY, jan31_leap[0], jan31_leap, 7);
  expect_dates(ARR_FREQ_SEMIMONTHLY, jan31[0], jan31, 5);
  expect_dates(ARR_FREQ_SEMIMONTHLY, jan15[0], jan15, 6);
  expect_dates(ARR_FREQ_SEMIMONTHLY, jan15_leap[0], jan15_leap, 5);
  expect_dates(ARR_FREQ_SEMIMONTHLY, jan1[0], jan1, 4);
  expect_dates(ARR_FREQ_SEMIMONTHLY, jan16[0], jan16, 4);
  expect_dates(ARR_FREQ_SEMIMONTHLY, jan30[0], jan30, 5);
  expect_dates(ARR_FREQ_SEMIMONTHLY, dec20[0], dec20, 4);

  const arr_date weekly[] = {D(2024, 12, 25), D(2025, 1, 1), D(2025, 1, 8)};
  const arr_date biweekly[] = {D(2024, 2, 22), D(2024, 3, 7), D(2024, 3, 21)};
  expect_dates(ARR_FREQ_WEEKLY, weekly[0], weekly, 3);
  expect_dates(ARR_FREQ_BIWEEKLY, biweekly[0], biweekly, 3);
}

static void test_split_amounts(void **state) {
  (void)state;
  arr_installment out[4];
  int n;
  CHECK_EQ(arr_plan_schedule(10000, 0, 0, ARR_FREQ_MONTHLY, D(2026, 1, 1), 3, out, 4, &n),
           ARR_PLAN_OK);
  CHECK_EQ(n, 3);
  CHECK_EQ(out[0].amount_cents, 3333);
  CHECK_EQ(out[1].amount_cents, 3333);
  CHECK_EQ(out[2].amount_cents, 3334);

  /* 130.00 with 30.00 down on Dec 15: the 100.00 rest splits as above. */
  CHECK_EQ(arr_plan_schedule(13000, 3000, D(2025, 12, 15), ARR_FREQ_MONTHLY,
                             D(2026, 1, 1), 3, out, 4, &n),
           ARR_PLAN_OK);
  CHECK_EQ(n, 4);
  CHECK(out[0].down_payment);
  CHECK_EQ(out[0].amount_cents, 3000);
  CHECK_EQ(out[0].due_on, D(2025, 12, 15));
  CHECK_EQ(out[1].amount_cents, 3333);
  CHECK_EQ(out[3].amount_cents, 3334);
  CHECK_EQ(out[3].due_on, D(2026, 3, 1));

  /* Down payment due the same day as the first installment is allowed. */
  CHECK_EQ(arr_plan_schedule(13000, 3000, D(2026, 1, 1), ARR_FREQ_WEEKLY, D(2026, 1, 1),
                             3, out, 4, &n),
           ARR_PLAN_OK);

  /* The smallest plans: one cent each. */
  CHECK_EQ(arr_plan_schedule(3, 0, 0, ARR_FREQ_WEEKLY, D(2026, 1, 1), 3, out, 4, &n),
           ARR_PLAN_OK);
  CHECK_EQ(out[0].amount_cents + out[1].amount_cents + out[2].amount_cents, 3);
  CHECK_EQ(out[2].amount_cents, 1);
  CHECK_EQ(arr_plan_schedule(10, 8, D(2026, 1, 1), ARR_FREQ_WEEKLY, D(2026, 1, 1), 2, out,
                             4, &n),
           ARR_PLAN_OK);
  CHECK_EQ(n, 3);
  CHECK_EQ(out[2].amount_cents, 1);
}

static void test_schedule_errors(void **state) {
  (void)state;
  arr_installment out[ARR_PLAN_MAX_INSTALLMENTS + 2];
  const arr_installment sentinel = {.due_on = 77, .amount_cents = -77};
  arr_date first = D(2026, 3, 1);
  struct {
    int64_t total, down;
    arr_date down_on, first;
    int count, cap;
    arr_plan_status want;
  } cases[] = {
      {10000, 0, 0, first, 0, 10, ARR_PLAN_BAD_COUNT},
      {10000, 0, 0, first, -1, 10, ARR_PLAN_BAD_COUNT},
      {100000, 0, 0, first, 521, 600, ARR_PLAN_BAD_COUNT},
      {100000, 0, 0, first, 520, 600, ARR_PLAN_OK},
      {0, 0, 0, first, 3, 10, ARR_PLAN_BAD_TOTAL},
      {-100, 0, 0, first, 3, 10, ARR_PLAN_BAD_TOTAL},
      {ARR_MONEY_MAX_CENTS + 1, 0, 0, first, 3, 10, ARR_PLAN_BAD_TOTAL},
      {ARR_MONEY_MAX_CENTS, 0, 0, first, 3, 10, ARR_PLAN_OK},
      {10000, 10000, first, first, 3, 10, ARR_PLAN_BAD_DOWN},
      {10000, 10001, first, first, 3, 10, ARR_PLAN_BAD_DOWN},
      {10000, -1, first, first, 3, 10, ARR_PLAN_BAD_DOWN},
      {10000, 9999, first, first, 1, 10, ARR_PLAN_OK},
      {2, 0, 0, first, 3, 10, ARR_PLAN_TOO_SMALL},
      {10, 8, first, first, 3, 10, ARR_PLAN_TOO_SMALL},
      {10000, 1000, first + 1, first, 3, 10, ARR_PLAN_BAD_DATES},
      {10000, 1000, INT32_MIN, first, 3, 10, ARR_PLAN_BAD_DATES},
      {10000, 0, 0, INT32_MIN, 3, 10, ARR_PLAN_BAD_DATES},
      {10000, 0, 0, first, 3, 10, ARR_PLAN_OK}, /* 1899-12-31, set below */
      {10000, 0, 0, first, 3, 2, ARR_PLAN_CAPACITY},
      {10000, 0, 0, first, 3, 3, ARR_PLAN_OK},
      {10000, 1000, first, first, 3, 3, ARR_PLAN_CAPACITY},
      {10000, 1000, first, first, 3, 4, ARR_PLAN_OK},
  };
  /* D() refuses years outside the parsers' range, so build 1899-12-31 by hand. */
  cases[17].first = D(1900, 1, 1) - 1;
  cases[17].want = ARR_PLAN_BAD_DATES;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    snprintf(ctx, sizeof ctx, "case %zu", i);
    for (int j = 0; j < ARR_PLAN_MAX_INSTALLMENTS + 2; j++) {
      out[j] = sentinel;
    }
    int n = -1;
    arr_plan_status st = arr_plan_schedule(
        cases[i].total, cases[i].down, cases[i].down_on, ARR_FREQ_WEEKLY, cases[i].first,
        cases[i].count, out, cases[i].cap, &n);
    CHECK_EQ(st, cases[i].want);
    if (st != ARR_PLAN_OK) {
      CHECK_EQ(n, 0);
      for (int j = 0; j < ARR_PLAN_MAX_INSTALLMENTS + 2; j++) {
        CHECK(out[j].due_on == sentinel.due_on && out[j].amount_cents == -77);
      }
    } else {
      CHECK_EQ(n, cases[i].count + (cases[i].down > 0 ? 1 : 0));
      CHECK_EQ(out[n].amount_cents, -77); /* nothing written past *n */
    }
  }
  ctx[0] = '\0';
}

/* ---- Approval --------------------------------------------------------------------- */

static const arr_arrangement_limits std_limits = {.min_installment_cents = 5000,
                                                  .max_months = 12,
                                                  .settlement_floor_bp = 6000,
                                                  .grace_days = 5};

/* Flags of a freshly built schedule. */
static int flags_of(int64_t total, int64_t down, arr_frequency f, arr_date first,
                    int count, int64_t balance, const arr_arrangement_limits *lim) {
  arr_installment out[ARR_PLAN_MAX_INSTALLMENTS + 1];
  int n;
  CHECK_EQ(arr_plan_schedule(total, down, first, f, first, count, out,
                             ARR_PLAN_MAX_INSTALLMENTS + 1, &n),
           ARR_PLAN_OK);
  return arr_plan_needs_approval(out, n, balance, lim);
}

static void test_approval_min_installment(void **state) {
  (void)state;
  arr_date first = D(2026, 1, 15);
  /* 12 x 50.00 meets the minimum; 12 x 49.99 does not. */
  CHECK_EQ(flags_of(60000, 0, ARR_FREQ_MONTHLY, first, 12, 60000, &std_limits),
           ARR_NEEDS_NONE);
  CHECK_EQ(flags_of(59988, 0, ARR_FREQ_MONTHLY, first, 12, 59988, &std_limits),
           ARR_NEEDS_BELOW_MIN_INSTALLMENT);
  /* 49.99 x 11 + remainder: the regular amount is what counts. */
  CHECK_EQ(flags_of(59999, 0, ARR_FREQ_MONTHLY, first, 12, 59999, &std_limits),
           ARR_NEEDS_BELOW_MIN_INSTALLMENT);
  /* A down payment below the minimum is fine. */
  CHECK_EQ(flags_of(60100, 100, ARR_FREQ_MONTHLY, first, 12, 60100, &std_limits),
           ARR_NEEDS_NONE);

  /* The last regular installment may be a small remainder; an earlier one may not. */
  arr_installment tail[] = {
      {first, 5000, false}, {first + 30, 5000, false}, {first + 60, 100, false}};
  CHECK_EQ(arr_plan_needs_approval(tail, 3, 10100, &std_limits), ARR_NEEDS_NONE);
  arr_installment middle[] = {
      {first, 5000, false}, {first + 30, 100, false}, {first + 60, 5000, false}};
  CHECK_EQ(arr_plan_needs_approval(middle, 3, 10100, &std_limits),
           ARR_NEEDS_BELOW_MIN_INSTALLMENT);
  arr_installment first_small[] = {{first, 4999, false}, {first + 30, 5000, false}};
  CHECK_EQ(arr_plan_needs_approval(first_small, 2, 9999, &std_limits),
           ARR_NEEDS_BELOW_MIN_INSTALLMENT);
  /* A promise (one installment) below the minimum is all remainder. */
  arr_installment promise[] = {{first, 2500, false}};
  CHECK_EQ(arr_plan_needs_approval(promise, 1, 2500, &std_limits), ARR_NEEDS_NONE);
  /* No minimum configured. */
  arr_arrangement_limits none = std_limits;
  none.min_installment_cents = 0;
  CHECK_EQ(arr_plan_needs_approval(middle, 3, 10100, &none), ARR_NEEDS_NONE);
}

static void test_approval_too_long(void **state) {
  (void)state;
  arr_date first = D(2025, 1, 1);
  /* 12 monthly payments are a 12-month plan; 13 are not. */
  CHECK_EQ(flags_of(120000, 0, ARR_FREQ_MONTHLY, first, 12, 120000, &std_limits),
           ARR_NEEDS_NONE);
  CHECK_EQ(flags_of(130000, 0, ARR_FREQ_MONTHLY, first, 13, 130000, &std_limits),
           ARR_NEEDS_TOO_LONG);
  /* Weekly from 2025-01-01: the window ends 2026-01-01. 53 weekly (last Dec 31) fit,
   * 54 (last 2026-01-07) do not. */
  CHECK_EQ(flags_of(530000, 0, ARR_FREQ_WEEKLY, first, 53, 530000, &std_limits),
           ARR_NEEDS_NONE);
  CHECK_EQ(flags_of(540000, 0, ARR_FREQ_WEEKLY, first, 54, 540000, &std_limits),
           ARR_NEEDS_TOO_LONG);
  /* Semimonthly: 24 fit (last Dec 16), the 25th is 2026-01-01. */
  CHECK_EQ(flags_of(240000, 0, ARR_FREQ_SEMIMONTHLY, first, 24, 240000, &std_limits),
           ARR_NEEDS_NONE);
  CHECK_EQ(flags_of(250000, 0, ARR_FREQ_SEMIMONTHLY, first, 25, 250000, &std_limits),
           ARR_NEEDS_TOO_LONG);

  /* The exact day: last due the day before the window end is in, on it is out. */
  arr_installment two[] = {{first, 60000, false}, {D(2025, 12, 31), 60000, false}};
  CHECK_EQ(arr_plan_needs_approval(two, 2, 120000, &std_limits), ARR_NEEDS_NONE);
  two[1].due_on = D(2026, 1, 1);
  CHECK_EQ(arr_plan_needs_approval(two, 2, 120000, &std_limits), ARR_NEEDS_TOO_LONG);

  /* Month-end anchor: 1 month from Jan 31 ends Feb 28 (clamped). */
  arr_arrangement_limits one = std_limits;
  one.max_months = 1;
  arr_installment jan31[] = {{D(2025, 1, 31), 6000, false},
                             {D(2025, 2, 27), 6000, false}};
  CHECK_EQ(arr_plan_needs_approval(jan31, 2, 12000, &one), ARR_NEEDS_NONE);
  jan31[1].due_on = D(2025, 2, 28);
  CHECK_EQ(arr_plan_needs_approval(jan31, 2, 12000, &one), ARR_NEEDS_TOO_LONG);

  /* The window starts at the first regular installment, not the down payment. */
  arr_installment down[] = {{D(2024, 6, 1), 1000, true},
                            {first, 60000, false},
                            {D(2025, 12, 31), 60000, false}};
  CHECK_EQ(arr_plan_needs_approval(down, 3, 121000, &std_limits), ARR_NEEDS_NONE);

  /* One installment has no length, even with max_months 0; two do. */
  arr_arrangement_limits zero = std_limits;
  zero.max_months = 0;
  CHECK_EQ(arr_plan_needs_approval(two, 1, 60000, &zero), ARR_NEEDS_NONE);
  two[1].due_on = first + 1;
  CHECK_EQ(arr_plan_needs_approval(two, 2, 120000, &zero), ARR_NEEDS_TOO_LONG);
}

static void test_approval_balance(void **state) {
  (void)state;
  arr_date first = D(2026, 1, 15);
  CHECK_EQ(flags_of(60000, 0, ARR_FREQ_MONTHLY, first, 6, 60000, &std_limits),
           ARR_NEEDS_NONE);
  CHECK_EQ(flags_of(60000, 0, ARR_FREQ_MONTHLY, first, 6, 60001, &std_limits),
           ARR_NEEDS_BELOW_BALANCE);
  CHECK_EQ(flags_of(60000, 0, ARR_FREQ_MONTHLY, first, 6, 59999, &std_limits),
           ARR_NEEDS_NONE);
  /* The down payment counts toward the total. */
  CHECK_EQ(flags_of(60000, 30000, ARR_FREQ_MONTHLY, first, 6, 60000, &std_limits),
           ARR_NEEDS_NONE);
  /* All three at once. */
  CHECK_EQ(
      flags_of(12 * 4999 + 4999, 0, ARR_FREQ_MONTHLY, first, 13, 1000000, &std_limits),
      ARR_NEEDS_BELOW_MIN_INSTALLMENT | ARR_NEEDS_TOO_LONG | ARR_NEEDS_BELOW_BALANCE);
  /* Nothing at all is a plan for less than the balance. */
  CHECK_EQ(arr_plan_needs_approval(NULL, 0, 1, &std_limits), ARR_NEEDS_BELOW_BALANCE);
}

/* ---- Settlement floor ------------------------------------------------------------- */

static int64_t floor_oracle(int64_t balance, int32_t bp) {
  __int128 p = (__int128)balance * bp;
  return (int64_t)((p + 9999) / 10000);
}

static void test_settlement_floor(void **state) {
  (void)state;
  CHECK_EQ(arr_settlement_floor_cents(10000, 6000), 6000);
  CHECK_EQ(arr_settlement_floor_cents(10001, 6000), 6001); /* 6000.6 rounds up */
  CHECK_EQ(arr_settlement_floor_cents(10002, 5000), 5001);
  CHECK_EQ(arr_settlement_floor_cents(101, 5000), 51);
  CHECK_EQ(arr_settlement_floor_cents(100, 5000), 50);
  CHECK_EQ(arr_settlement_floor_cents(1, 1), 1); /* 0.0001 cent is still a cent */
  CHECK_EQ(arr_settlement_floor_cents(9999, 1), 1);
  CHECK_EQ(arr_settlement_floor_cents(10000, 1), 1);
  CHECK_EQ(arr_settlement_floor_cents(10001, 1), 2);
  CHECK_EQ(arr_settlement_floor_cents(12345, 0), 0);
  CHECK_EQ(arr_settlement_floor_cents(12345, -5), 0);
  CHECK_EQ(arr_settlement_floor_cents(12345, 10000), 12345);
  CHECK_EQ(arr_settlement_floor_cents(12345, 12000), 12345); /* clamped */
  CHECK_EQ(arr_settlement_floor_cents(0, 6000), 0);
  CHECK_EQ(arr_settlement_floor_cents(-500, 6000), 0);
  CHECK_EQ(arr_settlement_floor_cents(ARR_MONEY_MAX_CENTS, 6000),
           INT64_C(600000000000000));
  CHECK_EQ(arr_settlement_floor_cents(ARR_MONEY_MAX_CENTS - 1, 6000),
           INT64_C(600000000000000)); /* 599999999999999.4 */
  CHECK_EQ(arr_settlement_floor_cents(ARR_MONEY_MAX_CENTS, 9999),
           floor_oracle(ARR_MONEY_MAX_CENTS, 9999));
  CHECK_EQ(arr_settlement_floor_cents(INT64_MAX, 9999), floor_oracle(INT64_MAX, 9999));
  CHECK_EQ(arr_settlement_floor_cents(INT64_MAX, 10000), INT64_MAX);

  uint64_t rng = 6000;
  for (int i = 0; i < 200000; i++) {
    int64_t b = i % 2 == 0 ? rand_range(&rng, 1, ARR_MONEY_MAX_CENTS)
                           : rand_range(&rng, 1, 100000000);
    int32_t bp = (int32_t)rand_range(&rng, 0, 10000);
    snprintf(ctx, sizeof ctx, "balance=%lld bp=%d", (long long)b, (int)bp);
    int64_t got = arr_settlement_floor_cents(b, bp);
    CHECK_EQ(got, floor_oracle(b, bp));
    /* The defining property of the ceiling, checked without division. */
    CHECK((__int128)got * 10000 >= (__int128)b * bp);
    CHECK((__int128)(got - 1) * 10000 < (__int128)b * bp || got == 0);
  }
  ctx[0] = '\0';
}

/* ---- Monthly normalization -------------------------------------------------------- */

static void test_monthly_cents(void **state) {
  (void)state;
  CHECK_EQ(arr_monthly_cents(100000, ARR_PER_WEEK), 433333);      /* 4333.333 */
  CHECK_EQ(arr_monthly_cents(100000, ARR_PER_TWO_WEEKS), 216667); /* 2166.667 */
  CHECK_EQ(arr_monthly_cents(100000, ARR_PER_HALF_MONTH), 200000);
  CHECK_EQ(arr_monthly_cents(100000, ARR_PER_MONTH), 100000);
  CHECK_EQ(arr_monthly_cents(1200000, ARR_PER_YEAR), 100000);
  CHECK_EQ(arr_monthly_cents(100, ARR_PER_YEAR), 8); /* 8.33 */
  /* Exact halves round away from zero (half-even would give 2 for 2.5). */
  CHECK_EQ(arr_monthly_cents(6, ARR_PER_YEAR), 1);  /* 0.5 */
  CHECK_EQ(arr_monthly_cents(18, ARR_PER_YEAR), 2); /* 1.5 */
  CHECK_EQ(arr_monthly_cents(30, ARR_PER_YEAR), 3); /* 2.5 */
  CHECK_EQ(arr_monthly_cents(-30, ARR_PER_YEAR), -3);
  CHECK_EQ(arr_monthly_cents(5, ARR_PER_YEAR), 0); /* 0.4167 */
  CHECK_EQ(arr_monthly_cents(-5, ARR_PER_YEAR), 0);
  CHECK_EQ(arr_monthly_cents(3, ARR_PER_TWO_WEEKS), 7); /* 6.5 */
  CHECK_EQ(arr_monthly_cents(-3, ARR_PER_TWO_WEEKS), -7);
  CHECK_EQ(arr_monthly_cents(-100000, ARR_PER_WEEK), -433333);
  CHECK_EQ(arr_monthly_cents(0, ARR_PER_WEEK), 0);
  CHECK_EQ(arr_monthly_cents(ARR_MONEY_MAX_CENTS, ARR_PER_WEEK),
           INT64_C(4333333333333333));
  CHECK_EQ(arr_monthly_cents(-ARR_MONEY_MAX_CENTS, ARR_PER_TWO_WEEKS),
           -INT64_C(2166666666666667));

  static const struct {
    arr_period p;
    int64_t num, den;
  } rates[] = {{ARR_PER_WEEK, 52, 12},
               {ARR_PER_TWO_WEEKS, 26, 12},
               {ARR_PER_HALF_MONTH, 2, 1},
               {ARR_PER_MONTH, 1, 1},
               {ARR_PER_YEAR, 1, 12}};
  uint64_t rng = 52;
  for (int i = 0; i < 100000; i++) {
    int r = i % 5;
    int64_t x = rand_range(&rng, -ARR_MONEY_MAX_CENTS, ARR_MONEY_MAX_CENTS) /
                (i % 3 == 0 ? 1 : INT64_C(100000000));
    snprintf(ctx, sizeof ctx, "%lld %s", (long long)x, arr_period_name(rates[r].p));
    int64_t got = arr_monthly_cents(x, rates[r].p);
    /* |got - x*num/den| <= 1/2, and an exact half goes away from zero. */
    __int128 scaled = (__int128)x * rates[r].num;
    __int128 diff2 = ((__int128)got * rates[r].den - scaled) * 2; /* in 1/(2den) */
    CHECK(diff2 <= rates[r].den && diff2 >= -rates[r].den);
    if (diff2 == rates[r].den || diff2 == -rates[r].den) {
      CHECK((got > 0) == (x > 0) && (diff2 > 0) == (x > 0));
    }
    CHECK_EQ(arr_monthly_cents(-x, rates[r].p), -got);
  }
  ctx[0] = '\0';
}

/* ---- Affordability options -------------------------------------------------------- */

static arr_affordability statement(int64_t income, int64_t expenses, int64_t liquid) {
  return (arr_affordability){.income_monthly_cents = income,
                             .expenses_monthly_cents = expenses,
                             .disposable_monthly_cents = income - expenses,
                             .liquid_assets_cents = liquid};
}

static void expect_option(const arr_option *o, arr_option_kind kind, int64_t total,
                          int64_t installment, int count, bool affordable,
                          bool within_limits) {
  CHECK_EQ(o->kind, kind);
  CHECK_EQ(o->total_cents, total);
  CHECK_EQ(o->installment_cents, installment);
  CHECK_EQ(o->count, count);
  CHECK_EQ(o->frequency, ARR_FREQ_MONTHLY);
  CHECK_EQ(o->affordable, affordable);
  CHECK_EQ(o->within_limits, within_limits);
}

static void test_options_typical(void **state) {
  (void)state;
  /* 4100.00 income, 3887.66 expenses: 212.34 a month to spare, 300.00 in the bank,
   * 1500.00 owed; client minimum 50.00 over at most 12 months, floor 60%. */
  arr_affordability a = statement(410000, 388766, 30000);
  arr_option o[5];
  CHECK_EQ(arr_afford_options(&a, 150000, &std_limits, o, 5), 5);
  expect_option(&o[0], ARR_OPT_PAY_IN_FULL, 150000, 150000, 1, false, true);
  /* min 50.00 would take 30 months; the 12-month limit raises it to 125.00. */
  expect_option(&o[1], ARR_OPT_PLAN, 150000, 12500, 12, true, true);
  /* 212.00 a month -> 8 payments of 187.50. */
  expect_option(&o[2], ARR_OPT_PLAN, 150000, 18750, 8, true, true);
  expect_option(&o[3], ARR_OPT_SETTLEMENT_LUMP, 90000, 90000, 1, false, false);
  /* 65% in three payments: 975.00 = 3 x 325.00, more than 212.34 a month. */
  expect_option(&o[4], ARR_OPT_SETTLEMENT_SHORT, 97500, 32500, 3, false, false);

  /* Where the minimum binds: 1000.00 at >= 150.00 is 6 payments of 166.66 (+4 cents
   * on the last), not 7 of 150.00, which an even split could not honour. */
  arr_arrangement_limits high = std_limits;
  high.min_installment_cents = 15000;
  CHECK_EQ(arr_afford_options(&a, 100000, &high, o, 5), 5);
  expect_option(&o[1], ARR_OPT_PLAN, 100000, 16666, 6, true, true);
  /* 212.00 a month -> 5 x 200.00. */
  expect_option(&o[2], ARR_OPT_PLAN, 100000, 20000, 5, true, true);

  /* A balance below the minimum is one installment, within limits. */
  CHECK_EQ(arr_afford_options(&a, 4000, &std_limits, o, 5), 4);
  expect_option(&o[0], ARR_OPT_PAY_IN_FULL, 4000, 4000, 1, true, true);
  expect_option(&o[1], ARR_OPT_PLAN, 4000, 4000, 1, true, true);
  CHECK_EQ(o[2].kind, ARR_OPT_SETTLEMENT_LUMP); /* 212.00 covers it: no 1-payment plan */

  /* Liquid assets alone make paying in full affordable. */
  a.liquid_assets_cents = 150000;
  CHECK_EQ(arr_afford_options(&a, 150000, &std_limits, o, 5), 5);
  CHECK(o[0].affordable);

  /* Disposable of 2.00 stretches 1500.00 past 520 installments: no affordable plan. */
  arr_affordability thin = statement(100200, 100000, 0);
  CHECK_EQ(arr_afford_options(&thin, 150000, &std_limits, o, 5), 4);
  CHECK_EQ(o[2].kind, ARR_OPT_SETTLEMENT_LUMP);
  /* 3.00 makes it 500 installments: offered, affordable, far too long. */
  thin = statement(100300, 100000, 0);
  CHECK_EQ(arr_afford_options(&thin, 150000, &std_limits, o, 5), 5);
  expect_option(&o[2], ARR_OPT_PLAN, 150000, 300, 500, true, false);
}

static void test_options_edges(void **state) {
  (void)state;
  arr_option o[5];
  /* Expenses above income: nothing is affordable, the minimum plan is still offered. */
  arr_affordability broke = statement(200000, 250000, 5000);
  CHECK_EQ(arr_afford_options(&broke, 150000, &std_limits, o, 5), 4);
  expect_option(&o[0], ARR_OPT_PAY_IN_FULL, 150000, 150000, 1, false, true);
  expect_option(&o[1], ARR_OPT_PLAN, 150000, 12500, 12, false, true);
  expect_option(&o[2], ARR_OPT_SETTLEMENT_LUMP, 90000, 90000, 1, false, false);
  expect_option(&o[3], ARR_OPT_SETTLEMENT_SHORT, 97500, 32500, 3, false, false);

  /* 0.99 a month is not a plan. */
  arr_affordability cents = statement(100099, 100000, 0);
  CHECK_EQ(arr_afford_options(&cents, 150000, &std_limits, o, 5), 4);
  CHECK_EQ(o[2].kind, ARR_OPT_SETTLEMENT_LUMP);

  /* No settlement authority (floor 100% or 0%): no settlement options. */
  arr_arrangement_limits lim = std_limits;
  lim.settlement_floor_bp = 10000;
  CHECK_EQ(arr_afford_options(&broke, 150000, &lim, o, 5), 2);
  lim.settlement_floor_bp = 0;
  CHECK_EQ(arr_afford_options(&broke, 150000, &lim, o, 5), 2);
  /* 98%: the short settlement caps at the balance, which needs no approval. */
  lim.settlement_floor_bp = 9800;
  CHECK_EQ(arr_afford_options(&broke, 150000, &lim, o, 5), 4);
  expect_option(&o[3], ARR_OPT_SETTLEMENT_SHORT, 150000, 50000, 3, false, true);

  /* Nothing owed, nothing to suggest; cap limits what is written. */
  CHECK_EQ(arr_afford_options(&broke, 0, &std_limits, o, 5), 0);
  CHECK_EQ(arr_afford_options(&broke, -100, &std_limits, o, 5), 0);
  CHECK_EQ(arr_afford_options(&broke, 150000, &std_limits, o, 2), 2);
  CHECK_EQ(o[1].kind, ARR_OPT_PLAN);
  CHECK_EQ(arr_afford_options(&broke, 150000, &std_limits, NULL, 0), 0);
}

/* Every option rebuilds with arr_plan_schedule into exactly what it describes, and
 * its flags agree with arr_plan_needs_approval on that schedule. */
static void test_options_properties(void **state) {
  (void)state;
  uint64_t rng = 212;
  arr_installment sched[ARR_PLAN_MAX_INSTALLMENTS];
  for (int i = 0; i < 3000; i++) {
    int64_t balance = i % 10 == 0 ? rand_range(&rng, 1, ARR_MONEY_MAX_CENTS)
                                  : rand_range(&rng, 1, 5000000);
    arr_affordability a =
        statement(rand_range(&rng, 0, 1000000), rand_range(&rng, 0, 1000000),
                  rand_range(&rng, 0, 500000));
    arr_arrangement_limits lim = {.min_installment_cents = rand_range(&rng, 0, 30000),
                                  .max_months = (int)rand_range(&rng, 0, 60),
                                  .settlement_floor_bp =
                                      (int32_t)rand_range(&rng, 0, 10000),
                                  .grace_days = 0};
    arr_date first = D(2024, 1, 1) + (arr_date)rand_range(&rng, 0, 1826);
    arr_option o[5];
    int n = arr_afford_options(&a, balance, &lim, o, 5);
    snprintf(ctx, sizeof ctx, "i=%d balance=%lld", i, (long long)balance);
    CHECK(n >= 2 && n <= 5);
    CHECK_EQ(o[0].kind, ARR_OPT_PAY_IN_FULL);
    CHECK_EQ(o[1].kind, ARR_OPT_PLAN);
    CHECK(o[1].count <= (lim.max_months > 1 ? lim.max_months : 1));
    for (int k = 0; k < n; k++) {
      CHECK(k == 0 || o[k].kind >= o[k - 1].kind);
      int m;
      CHECK_EQ(arr_plan_schedule(o[k].total_cents, 0, 0, o[k].frequency, first,
                                 o[k].count, sched, ARR_PLAN_MAX_INSTALLMENTS, &m),
               ARR_PLAN_OK);
      CHECK_EQ(sched[0].amount_cents, o[k].installment_cents);
      int flags = arr_plan_needs_approval(sched, m, balance, &lim);
      CHECK_EQ(flags == ARR_NEEDS_NONE, o[k].within_limits);
      int64_t largest = sched[m - 1].amount_cents;
      CHECK_EQ(o[k].affordable, a.liquid_assets_cents >= o[k].total_cents ||
                                    largest <= a.disposable_monthly_cents);
      if (o[k].kind == ARR_OPT_PAY_IN_FULL || o[k].kind == ARR_OPT_PLAN) {
        CHECK_EQ(o[k].total_cents, balance);
      } else {
        CHECK(o[k].total_cents >=
              arr_settlement_floor_cents(balance, lim.settlement_floor_bp));
        CHECK(o[k].total_cents <= balance);
      }
    }
    /* The minimum plan never needs approval for its installment size or length. */
    CHECK((o[1].within_limits));
    /* An affordable-plan option never asks for more than disposable, whole dollars. */
    if (n > 2 && o[2].kind == ARR_OPT_PLAN) {
      CHECK(o[2].installment_cents <= a.disposable_monthly_cents / 100 * 100);
    }
  }
  ctx[0] = '\0';
}

/* ---- Monitoring: named cases ------------------------------------------------------ */

typedef struct {
  arr_inst_result res[8];
  int first_failed;
  arr_plan_state state;
} monitor_out;

static monitor_out monitor(const arr_installment *inst, int n,
                           const arr_plan_payment *pays, int npays, int grace,
                           arr_date as_of) {
  monitor_out m;
  memset(&m, 0xAB, sizeof m);
  m.state = arr_plan_monitor(inst, n, pays, npays, grace, as_of, m.res, &m.first_failed);
  return m;
}

static void test_monitor_grace_boundary(void **state) {
  (void)state;
  arr_date due = D(2025, 3, 10);
  arr_installment promise[] = {{due, 10000, false}};
  arr_date deadline = due + 5; /* 2025-03-15 */

  /* Paid in full on the last day of grace: kept. */
  arr_plan_payment on_time[] = {{deadline, 10000}};
  monitor_out m = monitor(promise, 1, on_time, 1, 5, deadline + 30);
  CHECK_EQ(m.res[0].status, ARR_INST_KEPT);
  CHECK_EQ(m.res[0].paid_cents, 10000);
  CHECK_EQ(m.res[0].paid_in_time_cents, 10000);
  CHECK_EQ(m.state, ARR_PLANST_COMPLETED);
  CHECK_EQ(m.first_failed, -1);

  /* A day later: late, so broken, though the money is recorded. */
  arr_plan_payment late[] = {{deadline + 1, 10000}};
  m = monitor(promise, 1, late, 1, 5, deadline + 1);
  CHECK_EQ(m.res[0].status, ARR_INST_BROKEN);
  CHECK_EQ(m.res[0].paid_cents, 10000);
  CHECK_EQ(m.res[0].paid_in_time_cents, 0);
  CHECK_EQ(m.state, ARR_PLANST_BROKEN);
  CHECK_EQ(m.first_failed, 0);

  /* Part on time, the rest late: partial. */
  arr_plan_payment split[] = {{deadline, 4000}, {deadline + 1, 6000}};
  m = monitor(promise, 1, split, 2, 5, deadline + 1);
  CHECK_EQ(m.res[0].status, ARR_INST_PARTIAL);
  CHECK_EQ(m.res[0].paid_cents, 10000);
  CHECK_EQ(m.res[0].paid_in_time_cents, 4000);
  CHECK_EQ(m.state, ARR_PLANST_BROKEN);

  /* Unpaid on the last day of grace is still pending; the day after it is broken. */
  m = monitor(promise, 1, NULL, 0, 5, deadline);
  CHECK_EQ(m.res[0].status, ARR_INST_PENDING);
  CHECK_EQ(m.state, ARR_PLANST_ACTIVE);
  CHECK_EQ(m.first_failed, -1);
  m = monitor(promise, 1, NULL, 0, 5, deadline + 1);
  CHECK_EQ(m.res[0].status, ARR_INST_BROKEN);
  CHECK_EQ(m.res[0].paid_cents, 0);

  /* Part paid while still in grace: pending, with the amount so far. */
  m = monitor(promise, 1, split, 1, 5, deadline);
  CHECK_EQ(m.res[0].status, ARR_INST_PENDING);
  CHECK_EQ(m.res[0].paid_cents, 4000);

  /* Paid in full before it is even due: kept already. */
  arr_plan_payment early[] = {{due - 9, 10000}};
  m = monitor(promise, 1, early, 1, 5, due - 5);
  CHECK_EQ(m.res[0].status, ARR_INST_KEPT);
  CHECK_EQ(m.state, ARR_PLANST_COMPLETED);

  /* A payment dated after as_of has not happened yet. */
  m = monitor(promise, 1, late, 1, 5, deadline);
  CHECK_EQ(m.res[0].status, ARR_INST_PENDING);
  CHECK_EQ(m.res[0].paid_cents, 0);

  /* No grace: the due date itself is the deadline; negative grace counts as none. */
  arr_plan_payment on_due[] = {{due, 10000}}, after_due[] = {{due + 1, 10000}};
  CHECK_EQ(monitor(promise, 1, on_due, 1, 0, due + 1).res[0].status, ARR_INST_KEPT);
  CHECK_EQ(monitor(promise, 1, after_due, 1, 0, due + 1).res[0].status, ARR_INST_BROKEN);
  CHECK_EQ(monitor(promise, 1, after_due, 1, -3, due + 1).res[0].status, ARR_INST_BROKEN);
  CHECK_EQ(monitor(promise, 1, on_due, 1, -3, due + 1).res[0].status, ARR_INST_KEPT);
  CHECK_EQ(monitor(promise, 1, NULL, 0, -3, due).res[0].status, ARR_INST_PENDING);
  CHECK_EQ(monitor(promise, 1, NULL, 0, 0, due).res[0].status, ARR_INST_PENDING);

  /* Non-positive amounts are not payments. */
  arr_plan_payment junk[] = {{due, 0}, {due, -10000}};
  CHECK_EQ(monitor(promise, 1, junk, 2, 5, deadline + 1).res[0].status, ARR_INST_BROKEN);
}

static void test_monitor_carry_forward(void **state) {
  (void)state;
  arr_installment plan[] = {{D(2025, 1, 10), 10000, false},
                            {D(2025, 2, 10), 10000, false},
                            {D(2025, 3, 10), 10000, false}};
  /* 250.00 on Jan 5 covers two installments and half the third. */
  arr_plan_payment big[] = {{D(2025, 1, 5), 25000}, {D(2025, 3, 14), 5000}};
  monitor_out m = monitor(plan, 3, big, 1, 5, D(2025, 3, 15));
  CHECK_EQ(m.res[0].status, ARR_INST_KEPT);
  CHECK_EQ(m.res[1].status, ARR_INST_KEPT);
  CHECK_EQ(m.res[2].status, ARR_INST_PENDING);
  CHECK_EQ(m.res[2].paid_cents, 5000);
  CHECK_EQ(m.state, ARR_PLANST_ACTIVE);
  m = monitor(plan, 3, big, 1, 5, D(2025, 3, 16));
  CHECK_EQ(m.res[2].status, ARR_INST_PARTIAL);
  CHECK_EQ(m.state, ARR_PLANST_BROKEN);
  CHECK_EQ(m.first_failed, 2);
  /* With the rest on Mar 14 the plan is complete. */
  m = monitor(plan, 3, big, 2, 5, D(2025, 4, 30));
  CHECK_EQ(m.res[2].status, ARR_INST_KEPT);
  CHECK_EQ(m.state, ARR_PLANST_COMPLETED);

  /* More than the plan: every installment full, the excess is not the plan's. */
  arr_plan_payment over[] = {{D(2025, 1, 5), 40000}};
  m = monitor(plan, 3, over, 1, 5, D(2025, 4, 30));
  for (int i = 0; i < 3; i++) {
    CHECK_EQ(m.res[i].paid_cents, 10000);
    CHECK_EQ(m.res[i].status, ARR_INST_KEPT);
  }
  CHECK_EQ(m.state, ARR_PLANST_COMPLETED);

  /* A missed January: February's payment fills January first (late), so February is
   * then unpaid too. */
  arr_plan_payment feb[] = {{D(2025, 2, 10), 10000}};
  m = monitor(plan, 3, feb, 1, 5, D(2025, 2, 16));
  CHECK_EQ(m.res[0].status, ARR_INST_BROKEN);
  CHECK_EQ(m.res[0].paid_cents, 10000);
  CHECK_EQ(m.res[1].status, ARR_INST_BROKEN);
  CHECK_EQ(m.res[1].paid_cents, 0);
  CHECK_EQ(m.res[2].status, ARR_INST_PENDING);
  CHECK_EQ(m.first_failed, 0);

  /* A down payment is the first installment. */
  arr_installment with_down[] = {{D(2025, 1, 1), 5000, true},
                                 {D(2025, 1, 10), 10000, false}};
  arr_plan_payment dp[] = {{D(2025, 1, 1), 5000}, {D(2025, 1, 20), 10000}};
  m = monitor(with_down, 2, dp, 2, 5, D(2025, 1, 31));
  CHECK_EQ(m.res[0].status, ARR_INST_KEPT);
  CHECK_EQ(m.res[1].status, ARR_INST_BROKEN);
  CHECK_EQ(m.first_failed, 1);

  /* An empty plan owes nothing. */
  CHECK_EQ(arr_plan_monitor(plan, 0, NULL, 0, 5, D(2025, 1, 1), NULL, NULL),
           ARR_PLANST_COMPLETED);
}

static void test_monitor_order(void **state) {
  (void)state;
  arr_installment plan[] = {{D(2025, 1, 10), 10000, false},
                            {D(2025, 2, 10), 10000, false},
                            {D(2025, 3, 10), 10000, false}};
  /* Out of order in the array: applied by date, so all three are on time. Taken in
   * array order, the March payment would have filled January late. */
  arr_plan_payment shuffled[] = {
      {D(2025, 3, 10), 10000}, {D(2025, 1, 10), 10000}, {D(2025, 2, 10), 10000}};
  monitor_out m = monitor(plan, 3, shuffled, 3, 0, D(2025, 4, 1));
  CHECK_EQ(m.state, ARR_PLANST_COMPLETED);

  /* Equal dates: none dropped, none applied twice, both orders alike. */
  arr_plan_payment same_day[] = {{D(2025, 2, 10), 6000},
                                 {D(2025, 1, 10), 10000},
                                 {D(2025, 2, 10), 4000},
                                 {D(2025, 3, 10), 3000},
                                 {D(2025, 3, 10), 7000}};
  m = monitor(plan, 3, same_day, 5, 0, D(2025, 4, 1));
  CHECK_EQ(m.state, ARR_PLANST_COMPLETED);
  for (int i = 0; i < 3; i++) {
    CHECK_EQ(m.res[i].paid_in_time_cents, 10000);
  }
  arr_plan_payment same_day2[] = {{D(2025, 2, 10), 4000},
                                  {D(2025, 3, 10), 7000},
                                  {D(2025, 1, 10), 10000},
                                  {D(2025, 3, 10), 3000},
                                  {D(2025, 2, 10), 6000}};
  monitor_out m2 = monitor(plan, 3, same_day2, 5, 0, D(2025, 4, 1));
  CHECK(memcmp(m.res, m2.res, 3 * sizeof m.res[0]) == 0);
}

/* ---- Monitoring: properties ------------------------------------------------------- */

/* Amount of [a0, a1) that overlaps [b0, b1). */
static int64_t overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1) {
  int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
  return hi > lo ? hi - lo : 0;
}

/* Reference monitor: lay the installments end to end on a line of cents, lay the
 * eligible payments (stably sorted by date) on the same line, and read each
 * installment's paid and in-time amounts off the overlaps. */
static void monitor_oracle(const arr_installment *inst, int n,
                           const arr_plan_payment *pays, int npays, int grace,
                           arr_date as_of, arr_inst_result *res) {
  arr_plan_payment sorted[64];
  int m = 0;
  for (int i = 0; i < npays; i++) {
    if (pays[i].amount_cents <= 0 || pays[i].on > as_of) {
      continue;
    }
    int j = m++;
    while (j > 0 && sorted[j - 1].on > pays[i].on) { /* insertion sort: stable */
      sorted[j] = sorted[j - 1];
      j--;
    }
    sorted[j] = pays[i];
  }
  int64_t c0 = 0;
  for (int i = 0; i < n; i++) {
    int64_t c1 = c0 + inst[i].amount_cents;
    arr_date deadline = inst[i].due_on + (grace > 0 ? grace : 0);
    int64_t p0 = 0, paid = 0, in_time = 0;
    for (int j = 0; j < m; j++) {
      int64_t p1 = p0 + sorted[j].amount_cents;
      int64_t part = overlap(c0, c1, p0, p1);
      paid += part;
      in_time += sorted[j].on <= deadline ? part : 0;
      p0 = p1;
    }
    res[i].paid_cents = paid;
    res[i].paid_in_time_cents = in_time;
    if (in_time == inst[i].amount_cents) {
      res[i].status = ARR_INST_KEPT;
    } else if (as_of <= deadline) {
      res[i].status = ARR_INST_PENDING;
    } else {
      res[i].status = in_time > 0 ? ARR_INST_PARTIAL : ARR_INST_BROKEN;
    }
    c0 = c1;
  }
}

static void test_monitor_properties(void **state) {
  (void)state;
  uint64_t rng = 5;
  arr_installment inst[8];
  arr_plan_payment pays[16];
  for (int iter = 0; iter < 40000; iter++) {
    int count = (int)rand_range(&rng, 1, 6);
    arr_frequency f = all_freqs[rand_range(&rng, 0, 3)];
    arr_date first = D(2025, 1, 1) + (arr_date)rand_range(&rng, 0, 400);
    int64_t total = rand_range(&rng, count, 200000);
    int64_t down = rand_range(&rng, 0, 3) == 0 ? rand_range(&rng, 1, total - count) : 0;
    int n;
    CHECK_EQ(arr_plan_schedule(total, down, first - (arr_date)rand_range(&rng, 0, 10), f,
                               first, count, inst, 8, &n),
             ARR_PLAN_OK);
    int grace = (int)rand_range(&rng, 0, 10);
    arr_date last = inst[n - 1].due_on;
    int npays = (int)rand_range(&rng, 0, 12);
    for (int j = 0; j < npays; j++) {
      /* Few distinct dates so equal dates are common; amounts around an installment. */
      pays[j].on =
          first - 10 + (arr_date)(rand_range(&rng, 0, 12) * ((last - first) / 8 + 3));
      pays[j].amount_cents = rand_range(&rng, -1000, total / count + 1000);
    }
    arr_date as_of = first + (arr_date)rand_range(&rng, -20, last - first + 30);
    snprintf(ctx, sizeof ctx, "iter=%d", iter);

    arr_inst_result got[8], want[8];
    int failed;
    arr_plan_state st =
        arr_plan_monitor(inst, n, pays, npays, grace, as_of, got, &failed);
    monitor_oracle(inst, n, pays, npays, grace, as_of, want);
    int want_failed = -1;
    bool all_kept = true;
    for (int i = 0; i < n; i++) {
      CHECK_EQ(got[i].status, want[i].status);
      CHECK_EQ(got[i].paid_cents, want[i].paid_cents);
      CHECK_EQ(got[i].paid_in_time_cents, want[i].paid_in_time_cents);
      CHECK(got[i].paid_in_time_cents <= got[i].paid_cents &&
            got[i].paid_cents <= inst[i].amount_cents);
      if (want_failed < 0 &&
          (want[i].status == ARR_INST_PARTIAL || want[i].status == ARR_INST_BROKEN)) {
        want_failed = i;
      }
      all_kept = all_kept && want[i].status == ARR_INST_KEPT;
    }
    CHECK_EQ(failed, want_failed);
    CHECK_EQ(st, want_failed >= 0
                     ? ARR_PLANST_BROKEN
                     : (all_kept ? ARR_PLANST_COMPLETED : ARR_PLANST_ACTIVE));

    /* Reversing the array changes only the order of equal dates: same result. */
    arr_plan_payment rev[16];
    for (int j = 0; j < npays; j++) {
      rev[j] = pays[npays - 1 - j];
    }
    arr_inst_result again[8];
    int failed2;
    CHECK_EQ(arr_plan_monitor(inst, n, rev, npays, grace, as_of, again, &failed2), st);
    CHECK_EQ(failed2, failed);
    for (int i = 0; i < n; i++) {
      CHECK(again[i].status == got[i].status &&
            again[i].paid_cents == got[i].paid_cents &&
            again[i].paid_in_time_cents == got[i].paid_in_time_cents);
    }
    /* Already in date order (the single-pass path): same result again. */
    for (int j = 1; j < npays; j++) {
      for (int k = j; k > 0 && rev[k - 1].on > rev[k].on; k--) {
        arr_plan_payment t = rev[k];
        rev[k] = rev[k - 1];
        rev[k - 1] = t;
      }
    }
    CHECK_EQ(arr_plan_monitor(inst, n, rev, npays, grace, as_of, again, &failed2), st);
    CHECK_EQ(failed2, failed);
    for (int i = 0; i < n; i++) {
      CHECK(again[i].status == got[i].status &&
            again[i].paid_cents == got[i].paid_cents &&
            again[i].paid_in_time_cents == got[i].paid_in_time_cents);
    }
  }
  ctx[0] = '\0';
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_schedule_properties),
      cmocka_unit_test(test_schedule_max_count),
      cmocka_unit_test(test_monthly_jan31),
      cmocka_unit_test(test_semimonthly_examples),
      cmocka_unit_test(test_split_amounts),
      cmocka_unit_test(test_schedule_errors),
      cmocka_unit_test(test_approval_min_installment),
      cmocka_unit_test(test_approval_too_long),
      cmocka_unit_test(test_approval_balance),
      cmocka_unit_test(test_settlement_floor),
      cmocka_unit_test(test_monthly_cents),
      cmocka_unit_test(test_options_typical),
      cmocka_unit_test(test_options_edges),
      cmocka_unit_test(test_options_properties),
      cmocka_unit_test(test_monitor_grace_boundary),
      cmocka_unit_test(test_monitor_carry_forward),
      cmocka_unit_test(test_monitor_order),
      cmocka_unit_test(test_monitor_properties),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  printf("test_plan: %ld checks\n", checks);
  return failed;
}
