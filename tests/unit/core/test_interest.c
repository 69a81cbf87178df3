/*
 * test_interest.c — unit and property tests for core/interest: named accrual cases
 * (a year at 18%, one day with its carry, leap years, holds, points before start_on,
 * rate 0, credits, the largest principals and rates), thousands of random accounts
 * run on many schedules, and aging at every bucket boundary.
 *
 * The property oracle walks the period one day at a time, looks each day's principal
 * and holds up by linear scan and sums the exact numerators in __int128, where the code
 * under test cuts the period into stretches and multiplies: a shared mistake is
 * unlikely to pass both. Because the oracle gives the exact numerator up to every day,
 * each run of each schedule is checked, not only the final total: after a run at
 * as_of, everything posted so far must be floor((initial carry + numerators through
 * as_of) / ARR_INTEREST_DENOM) and the carry the remainder. Every check is counted;
 * main prints the total.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"
#include "core/interest.h"
#include "core/money.h"

typedef __int128 i128;

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

#define COUNT_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static arr_date D(int y, int m, int d) {
  arr_date out;
  assert_true(arr_date_from_ymd(y, m, d, &out));
  return out;
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

static arr_accrual_state fresh(void) {
  return (arr_accrual_state){ARR_DATE_NONE, 0};
}

/* ---- Oracle ----------------------------------------------------------------------- */

/* The exact numerator of day d (principal x rate, or 0), by linear scans. */
static i128 ref_day(arr_date start_on, int64_t rate, const arr_principal_point *pts,
                    int npts, const arr_date_range *holds, int nholds, arr_date d) {
  if (rate <= 0 || (start_on != ARR_DATE_NONE && d < start_on)) {
    return 0;
  }
  for (int h = 0; h < nholds; h++) {
    if (holds[h].from <= d && d <= holds[h].to) {
      return 0;
    }
  }
  int64_t p = 0;
  bool found = false;
  for (int i = 0; i < npts; i++) {
    if (pts[i].on <= d) {
      p = pts[i].principal_cents;
      found = true;
    }
  }
  return found && p > 0 ? (i128)p * rate : 0;
}

/* Cents posted in total after accruing days from..to in one or many runs. */
static int64_t ref_total(int64_t carry0, arr_date start_on, int64_t rate,
                         const arr_principal_point *pts, int npts,
                         const arr_date_range *holds, int nholds, arr_date from,
                         arr_date to, int64_t *carry_out) {
  i128 n = carry0;
  for (arr_date d = from; d <= to; d++) {
    n += ref_day(start_on, rate, pts, npts, holds, nholds, d);
  }
  if (carry_out != NULL) {
    *carry_out = (int64_t)(n % ARR_INTEREST_DENOM);
  }
  return (int64_t)(n / ARR_INTEREST_DENOM);
}

/* ---- Named cases ------------------------------------------------------------------ */

static const int64_t RATE_18 = 180000; /* 18% */

static void test_year_at_18(void **state) {
  (void)state;
  arr_date s = D(2025, 1, 1);
  arr_principal_point pt = {s, 100000}; /* 1000.00 */
  arr_accrual_state st = fresh();
  /* 2025 has 365 days: exactly 18% of 1000.00, nothing left over. */
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, NULL, 0, D(2025, 12, 31)), 18000);
  CHECK_EQ(st.carry, 0);
  CHECK_EQ(st.accrued_through, D(2025, 12, 31));

  /* Leap year: 366 days are 366/365 of the rate, 180.49 and 0.3 of a cent carried. */
  s = D(2024, 1, 1);
  pt.on = s;
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, NULL, 0, D(2024, 12, 31)), 18049);
  CHECK_EQ(st.carry, INT64_C(6588000000000) - INT64_C(18049) * ARR_INTEREST_DENOM);
}

static void test_one_day(void **state) {
  (void)state;
  arr_date s = D(2025, 3, 10);
  arr_principal_point pt = {s, 100000};
  arr_accrual_state st = fresh();
  /* 1000.00 x 18% / 365 = 0.49315...: 49 cents posted, 0.315 of a cent carried as
   * 100000 x 180000 - 49 x 365000000 = 115000000. */
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, NULL, 0, s), 49);
  CHECK_EQ(st.carry, 115000000);
  CHECK_EQ(st.accrued_through, s);
  /* The next day: 0.315 + 49.315 = 49.630 cents, so 49 posted and 0.630 carried. */
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, NULL, 0, s + 1), 49);
  CHECK_EQ(st.carry, 230000000);
  /* Third day: 0.630 + 49.315 = 49.945: 49 again; the fourth, 50.260: 50. */
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, NULL, 0, s + 2), 49);
  CHECK_EQ(st.carry, 345000000);
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, NULL, 0, s + 3), 50);
  CHECK_EQ(st.carry, 95000000);
}

static void test_ten_daily_runs_equal_one(void **state) {
  (void)state;
  arr_date s = D(2025, 6, 1);
  arr_principal_point pt = {s, 100000};
  arr_accrual_state daily = fresh(), once = fresh();
  int64_t sum = 0;
  for (int i = 0; i < 10; i++) {
    int64_t c = arr_interest_accrue(&daily, s, RATE_18, &pt, 1, NULL, 0, s + i);
    CHECK(c == 49 || c == 50);
    sum += c;
  }
  int64_t all = arr_interest_accrue(&once, s, RATE_18, &pt, 1, NULL, 0, s + 9);
  CHECK_EQ(all, 493); /* 4.9315... */
  CHECK_EQ(sum, all);
  CHECK_EQ(daily.carry, once.carry);
  CHECK_EQ(daily.accrued_through, once.accrued_through);
}

static void test_idempotent_rerun(void **state) {
  (void)state;
  arr_date s = D(2025, 1, 1);
  arr_principal_point pt = {s, 100000};
  arr_accrual_state st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, NULL, 0, s + 40), 2021);
  arr_accrual_state before = st;
  /* Same as_of again, and an earlier one: nothing posted, state untouched. */
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, NULL, 0, s + 40), 0);
  CHECK(memcmp(&st, &before, sizeof st) == 0);
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, NULL, 0, s + 3), 0);
  CHECK(memcmp(&st, &before, sizeof st) == 0);
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, NULL, 0, ARR_DATE_NONE), 0);
  CHECK(memcmp(&st, &before, sizeof st) == 0);
  /* A different rate or principal on a re-run cannot post either. */
  arr_principal_point big = {s, ARR_MONEY_MAX_CENTS};
  CHECK_EQ(arr_interest_accrue(&st, s, 1000000, &big, 1, NULL, 0, s + 40), 0);
  CHECK(memcmp(&st, &before, sizeof st) == 0);
}

static void test_points_and_start(void **state) {
  (void)state;
  arr_date s = D(2025, 1, 1), e = D(2025, 12, 31);
  arr_accrual_state st;

  /* A point before start_on sets the principal from start_on on; the days between
   * the point and start_on do not accrue. */
  arr_principal_point early = {s - 100, 100000};
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &early, 1, NULL, 0, e), 18000);

  /* Days before the first point accrue nothing: 300 of 365 days accrue. */
  arr_principal_point late = {s + 65, 100000};
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &late, 1, NULL, 0, e), 14794);

  /* No points at all: nothing, but the state advances. */
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, NULL, 0, NULL, 0, e), 0);
  CHECK_EQ(st.accrued_through, e);
  CHECK_EQ(st.carry, 0);

  /* start_on = ARR_DATE_NONE: accrual starts at the first point. */
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, ARR_DATE_NONE, RATE_18, &late, 1, NULL, 0, e), 14794);

  /* A run before start_on posts nothing and advances the state, and the next run
   * still starts at start_on, not at the day after that run. */
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &early, 1, NULL, 0, s - 50), 0);
  CHECK_EQ(st.accrued_through, s - 50);
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &early, 1, NULL, 0, e), 18000);

  /* A payment effective on d lowers the principal for d itself: 1000.00 for the first
   * 10 days, 500.00 for the next 355. */
  arr_principal_point pay[] = {{s, 100000}, {s + 10, 50000}};
  st = fresh();
  int64_t want = (int64_t)((INT64_C(100000) * 10 + INT64_C(50000) * 355) * RATE_18 /
                           ARR_INTEREST_DENOM);
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, pay, 2, NULL, 0, e), want);
  CHECK_EQ(want, 9246);
}

static void test_holds(void **state) {
  (void)state;
  arr_date s = D(2025, 1, 1), e = D(2025, 12, 31);
  arr_principal_point pt = {s, 100000};
  arr_accrual_state st;

  /* A hold over the whole period: nothing, the state advances, the carry stays. */
  arr_date_range all = {s - 10, e + 10};
  st = (arr_accrual_state){ARR_DATE_NONE, 123456789};
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, &all, 1, e), 0);
  CHECK_EQ(st.accrued_through, e);
  CHECK_EQ(st.carry, 123456789);

  /* A 65-day hold (both ends inclusive): 300 days accrue. */
  arr_date_range mid = {s + 100, s + 164};
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, &mid, 1, e), 14794);

  /* The same days as overlapping, unsorted holds plus an empty one. */
  arr_date_range parts[] = {
      {s + 150, s + 164}, {s + 300, s + 200}, {s + 100, s + 120}, {s + 110, s + 155}};
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, parts, COUNT_OF(parts), e),
           14794);

  /* Open-ended holds at either end. */
  arr_date_range open_end = {s + 300, INT32_MAX};
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, &open_end, 1, e), 14794);
  arr_date_range open_start = {ARR_DATE_NONE, s + 64};
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, &open_start, 1, e), 14794);

  /* A one-day hold on the only day of the run. */
  arr_date_range one = {s + 5, s + 5};
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, &one, 1, s + 4), 246);
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, &one, 1, s + 5), 0);
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &pt, 1, &one, 1, s + 6), 49);
}

static void test_rate_zero_and_credit(void **state) {
  (void)state;
  arr_date s = D(2025, 1, 1), e = D(2025, 12, 31);
  arr_principal_point pt = {s, 100000};
  arr_accrual_state st = {ARR_DATE_NONE, 5};
  CHECK_EQ(arr_interest_accrue(&st, s, 0, &pt, 1, NULL, 0, e), 0);
  CHECK_EQ(st.accrued_through, e);
  CHECK_EQ(st.carry, 5);
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, -180000, &pt, 1, NULL, 0, e), 0);
  CHECK_EQ(st.carry, 0);

  /* A credit (negative principal) and a zero principal accrue nothing; they do not
   * cancel interest on the days the principal is positive either. */
  arr_principal_point credit = {s, -100000};
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, &credit, 1, NULL, 0, e), 0);
  CHECK_EQ(st.carry, 0);
  arr_principal_point mixed[] = {
      {s, 100000}, {s + 100, -100000}, {s + 200, 0}, {s + 265, 100000}};
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, RATE_18, mixed, COUNT_OF(mixed), NULL, 0, e),
           9863); /* 200 days of 1000.00 at 18%: 98.63 */
  arr_principal_point min = {s, INT64_MIN};
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, ARR_INTEREST_MAX_RATE_E4, &min, 1, NULL, 0, e), 0);

  /* The smallest amounts: 1 cent at 0.0001% needs 365000000 days for a cent, so a
   * year leaves everything in the carry. */
  arr_principal_point cent = {s, 1};
  st = fresh();
  CHECK_EQ(arr_interest_accrue(&st, s, 1, &cent, 1, NULL, 0, e), 0);
  CHECK_EQ(st.carry, 365);
}

static void test_large(void **state) {
  (void)state;
  /* The largest principal at 100% for 3650 days (the leap days among them are just
   * days): exactly 10 x principal, in one run and day by day. */
  arr_date s = D(2025, 1, 1);
  arr_principal_point pt = {s, ARR_MONEY_MAX_CENTS};
  arr_accrual_state once = fresh(), daily = fresh();
  CHECK_EQ(arr_interest_accrue(&once, s, 1000000, &pt, 1, NULL, 0, s + 3649),
           10 * ARR_MONEY_MAX_CENTS);
  CHECK_EQ(once.carry, 0);
  int64_t sum = 0;
  for (int i = 0; i < 3650; i++) {
    sum += arr_interest_accrue(&daily, s, 1000000, &pt, 1, NULL, 0, s + i);
  }
  CHECK_EQ(sum, 10 * ARR_MONEY_MAX_CENTS);
  CHECK_EQ(daily.carry, 0);

  /* The largest principal at the largest rate over every day the date parsers accept
   * (1900..2199), in one run and in yearly runs, against the oracle. */
  arr_date a = D(ARR_DATE_MIN_YEAR, 1, 1), b = D(ARR_DATE_MAX_YEAR, 12, 31);
  pt.on = a;
  int64_t carry;
  int64_t want = ref_total(0, a, ARR_INTEREST_MAX_RATE_E4, &pt, 1, NULL, 0, a, b, &carry);
  CHECK(want > INT64_C(3000000000000000000)); /* a third of INT64_MAX */
  once = fresh();
  CHECK_EQ(arr_interest_accrue(&once, a, ARR_INTEREST_MAX_RATE_E4, &pt, 1, NULL, 0, b),
           want);
  CHECK_EQ(once.carry, carry);
  daily = fresh();
  sum = 0;
  for (int y = ARR_DATE_MIN_YEAR; y <= ARR_DATE_MAX_YEAR; y++) {
    sum += arr_interest_accrue(&daily, a, ARR_INTEREST_MAX_RATE_E4, &pt, 1, NULL, 0,
                               D(y, 12, 31));
  }
  CHECK_EQ(sum, want);
  CHECK_EQ(daily.carry, carry);

  /* The product principal x rate alone exceeds int64 for any principal above about
   * 9.2 * 10^11 at 1000%: INT64_MAX cents at 1% for a day is still exact. */
  arr_principal_point huge = {s, INT64_MAX};
  once = fresh();
  CHECK_EQ(arr_interest_accrue(&once, s, 10000, &huge, 1, NULL, 0, s),
           (int64_t)((i128)INT64_MAX * 10000 / ARR_INTEREST_DENOM));
  CHECK_EQ(once.carry, (int64_t)((i128)INT64_MAX * 10000 % ARR_INTEREST_DENOM));
}

/* ---- Properties ------------------------------------------------------------------- */

enum { MAX_PTS = 14, MAX_HOLDS = 5, MAX_SPAN = 900 };

typedef struct {
  arr_date start_on, first, end; /* first: the first day that can accrue */
  int64_t rate, carry0;
  arr_principal_point pts[MAX_PTS];
  int npts;
  arr_date_range holds[MAX_HOLDS];
  int nholds;
  /* cum[i]: carry0 + the exact numerators of days first .. first + i. */
  i128 cum[MAX_SPAN + 1];
} account;

static void gen_account(uint64_t *r, account *a) {
  memset(a, 0, sizeof *a);
  arr_date base = D(2020, 1, 1) + (arr_date)rand_range(r, 0, 3000);
  int span = (int)rand_range(r, 0, rand_range(r, 0, 9) == 0 ? MAX_SPAN - 120 : 400);
  a->start_on = rand_range(r, 0, 19) == 0 ? ARR_DATE_NONE : base;

  /* Principal history: a balance, payments lowering it on random days, sometimes an
   * increase (a reversed payment, an added charge), sometimes overpaid into credit. */
  int64_t p;
  switch (rand_range(r, 0, 19)) {
  case 0: p = rand_range(r, ARR_MONEY_MAX_CENTS / 10, ARR_MONEY_MAX_CENTS); break;
  case 1: p = -rand_range(r, 0, 100000); break;
  case 2: p = rand_range(r, 1, 100); break;
  default: p = rand_range(r, 1, 5000000); break;
  }
  a->npts = (int)rand_range(r, 1, MAX_PTS);
  arr_date on = base + (arr_date)rand_range(r, -60, 60);
  for (int i = 0; i < a->npts; i++) {
    a->pts[i] = (arr_principal_point){on, p};
    on += (arr_date)rand_range(r, 1, rand_range(r, 0, 3) == 0 ? 3 : 90);
    int64_t k = rand_range(r, 0, 19);
    if (k == 0 && p < ARR_MONEY_MAX_CENTS / 2) {
      p += rand_range(r, 1, 200000);
    } else if (k == 1) {
      p = -rand_range(r, 0, 5000);
    } else if (k == 2) {
      p = 0;
    } else if (p > 0) {
      p -= rand_range(r, 1, p / 3 + 1);
    }
  }
  a->first = a->start_on != ARR_DATE_NONE ? a->start_on : a->pts[0].on;
  a->end = a->first + span;

  /* Rates 0..36%, with whole and round rates more often than their share. */
  switch (rand_range(r, 0, 9)) {
  case 0: a->rate = 0; break;
  case 1: a->rate = rand_range(r, 0, 36) * 10000; break;
  default: a->rate = rand_range(r, 1, 360000); break;
  }

  a->nholds = (int)rand_range(r, 0, MAX_HOLDS);
  for (int h = 0; h < a->nholds; h++) {
    arr_date from = a->first + (arr_date)rand_range(r, -100, span + 50);
    arr_date to = from + (arr_date)rand_range(r, -3, 120); /* to < from: empty */
    switch (rand_range(r, 0, 29)) {
    case 0: to = INT32_MAX; break;
    case 1: from = ARR_DATE_NONE; break;
    case 2: from = a->first - 5, to = a->end + 5; break; /* the whole period */
    default: break;
    }
    a->holds[h] = (arr_date_range){from, to};
  }
  a->carry0 = rand_range(r, 0, 1) ? 0 : rand_range(r, 0, ARR_INTEREST_DENOM - 1);

  i128 n = a->carry0;
  for (int i = 0; i <= span; i++) {
    n +=
        ref_day(a->start_on, a->rate, a->pts, a->npts, a->holds, a->nholds, a->first + i);
    a->cum[i] = n;
  }
}

/* One run of a schedule: checks the cents and the state against the oracle. */
static void run_at(const account *a, arr_accrual_state *st, int64_t *posted,
                   arr_date as_of) {
  arr_accrual_state before = *st;
  int64_t c = arr_interest_accrue(st, a->start_on, a->rate, a->pts, a->npts, a->holds,
                                  a->nholds, as_of);
  CHECK(c >= 0);
  *posted += c;
  if (before.accrued_through != ARR_DATE_NONE && as_of <= before.accrued_through) {
    CHECK_EQ(c, 0);
    CHECK(memcmp(st, &before, sizeof *st) == 0);
    return;
  }
  CHECK_EQ(st->accrued_through, as_of);
  i128 n = as_of < a->first ? (i128)a->carry0 : a->cum[as_of - a->first];
  CHECK_EQ(*posted, (int64_t)(n / ARR_INTEREST_DENOM));
  CHECK_EQ(st->carry, (int64_t)(n % ARR_INTEREST_DENOM));
}

static void test_schedules_property(void **state) {
  (void)state;
  uint64_t r = 20260603;
  static account a; /* too big for a comfortable stack frame */
  int nonzero = 0;
  for (int iter = 0; iter < 3000; iter++) {
    gen_account(&r, &a);
    snprintf(ctx, sizeof ctx, "account %d rate %lld npts %d nholds %d span %d", iter,
             (long long)a.rate, a.npts, a.nholds, (int)(a.end - a.first));
    int64_t want = (int64_t)(a.cum[a.end - a.first] / ARR_INTEREST_DENOM);
    int64_t want_carry = (int64_t)(a.cum[a.end - a.first] % ARR_INTEREST_DENOM);
    nonzero += want > 0;
    /* The oracle's whole-period total, computed once more without the prefix sums. */
    int64_t carry2;
    CHECK_EQ(ref_total(a.carry0, a.start_on, a.rate, a.pts, a.npts, a.holds, a.nholds,
                       a.first, a.end, &carry2),
             want);
    CHECK_EQ(carry2, want_carry);

    arr_accrual_state st;
    int64_t posted;

    /* Nightly, from a few days before the start, sometimes running twice a night. */
    st = (arr_accrual_state){ARR_DATE_NONE, a.carry0};
    posted = 0;
    for (arr_date d = a.first - 3; d <= a.end; d++) {
      run_at(&a, &st, &posted, d);
      if (rand_range(&r, 0, 9) == 0) {
        run_at(&a, &st, &posted, d);
      }
    }
    CHECK_EQ(posted, want);
    CHECK_EQ(st.carry, want_carry);

    /* Every k nights, then the end. */
    int k = (int)rand_range(&r, 2, 60);
    st = (arr_accrual_state){ARR_DATE_NONE, a.carry0};
    posted = 0;
    for (arr_date d = a.first - 1 + k; d < a.end; d += k) {
      run_at(&a, &st, &posted, d);
    }
    run_at(&a, &st, &posted, a.end);
    CHECK_EQ(posted, want);
    CHECK_EQ(st.carry, want_carry);

    /* Irregular: missed nights, re-runs of the same date, a clock set back. */
    st = (arr_accrual_state){ARR_DATE_NONE, a.carry0};
    posted = 0;
    for (arr_date d = a.first - (arr_date)rand_range(&r, 0, 5); d < a.end;) {
      run_at(&a, &st, &posted, d);
      if (rand_range(&r, 0, 7) == 0) {
        run_at(&a, &st, &posted, d - (arr_date)rand_range(&r, 0, 30));
      }
      d += (arr_date)rand_range(&r, 0, 90);
    }
    run_at(&a, &st, &posted, a.end);
    CHECK_EQ(posted, want);
    CHECK_EQ(st.carry, want_carry);

    /* One catch-up run, then a re-run of it. */
    st = (arr_accrual_state){ARR_DATE_NONE, a.carry0};
    posted = 0;
    run_at(&a, &st, &posted, a.end);
    run_at(&a, &st, &posted, a.end);
    CHECK_EQ(posted, want);
    CHECK_EQ(st.carry, want_carry);

    /* Split once at a random day. */
    st = (arr_accrual_state){ARR_DATE_NONE, a.carry0};
    posted = 0;
    run_at(&a, &st, &posted, a.first + (arr_date)rand_range(&r, 0, a.end - a.first));
    run_at(&a, &st, &posted, a.end);
    CHECK_EQ(posted, want);
    CHECK_EQ(st.carry, want_carry);
  }
  ctx[0] = '\0';
  /* The generator must exercise real interest, not mostly zeros. */
  CHECK(nonzero > 1500); /* 1883 with this seed */
}

/* ---- Aging ------------------------------------------------------------------------ */

static void test_aging_boundaries(void **state) {
  (void)state;
  static const struct {
    int days;
    arr_age_bucket want;
  } cases[] = {
      {-400, ARR_AGE_CURRENT}, {-1, ARR_AGE_CURRENT},   {0, ARR_AGE_CURRENT},
      {1, ARR_AGE_1_30},       {30, ARR_AGE_1_30},      {31, ARR_AGE_31_60},
      {60, ARR_AGE_31_60},     {61, ARR_AGE_61_90},     {90, ARR_AGE_61_90},
      {91, ARR_AGE_91_120},    {120, ARR_AGE_91_120},   {121, ARR_AGE_121_180},
      {180, ARR_AGE_121_180},  {181, ARR_AGE_181_365},  {365, ARR_AGE_181_365},
      {366, ARR_AGE_1_2Y},     {730, ARR_AGE_1_2Y},     {731, ARR_AGE_2_3Y},
      {1095, ARR_AGE_2_3Y},    {1096, ARR_AGE_3Y_PLUS}, {40000, ARR_AGE_3Y_PLUS},
  };
  /* From several delinquency dates, including across leap days: only the count of
   * days matters. */
  static const int starts[][3] = {{2025, 1, 15}, {2024, 2, 29}, {2023, 3, 1}};
  for (int s = 0; s < COUNT_OF(starts); s++) {
    arr_date fd = D(starts[s][0], starts[s][1], starts[s][2]);
    for (int i = 0; i < COUNT_OF(cases); i++) {
      snprintf(ctx, sizeof ctx, "start %d days %d", s, cases[i].days);
      CHECK_EQ(arr_aging_bucket(fd, fd + cases[i].days), cases[i].want);
    }
  }
  ctx[0] = '\0';
  arr_date fd = D(2024, 2, 29);
  CHECK_EQ(arr_aging_bucket(ARR_DATE_NONE, fd), ARR_AGE_UNKNOWN);
  CHECK_EQ(arr_aging_bucket(fd, ARR_DATE_NONE), ARR_AGE_UNKNOWN);
  CHECK_EQ(arr_aging_bucket(ARR_DATE_NONE, ARR_DATE_NONE), ARR_AGE_UNKNOWN);
  /* Extreme dates do not overflow the difference. */
  CHECK_EQ(arr_aging_bucket(INT32_MIN + 1, INT32_MAX), ARR_AGE_3Y_PLUS);
  CHECK_EQ(arr_aging_bucket(INT32_MAX, INT32_MIN + 1), ARR_AGE_CURRENT);

  /* Every day from 0 to 1200 lands in a bucket no younger than the day before, and
   * each of the ten dated buckets is reached. */
  int seen[ARR_AGE_COUNT] = {0};
  arr_age_bucket prev = ARR_AGE_CURRENT;
  for (int d = 0; d <= 1200; d++) {
    arr_age_bucket b = arr_aging_bucket(fd, fd + d);
    CHECK(b >= prev && b <= ARR_AGE_3Y_PLUS);
    seen[b]++;
    prev = b;
  }
  for (int b = ARR_AGE_CURRENT; b <= ARR_AGE_3Y_PLUS; b++) {
    CHECK(seen[b] > 0);
  }
  CHECK_EQ(seen[ARR_AGE_1_30], 30);
  CHECK_EQ(seen[ARR_AGE_121_180], 60);
  CHECK_EQ(seen[ARR_AGE_181_365], 185);
  CHECK_EQ(seen[ARR_AGE_1_2Y], 365);
  CHECK_EQ(seen[ARR_AGE_2_3Y], 365);
}

static void test_age_names(void **state) {
  (void)state;
  static const char *const want[ARR_AGE_COUNT] = {
      "current", "1-30", "31-60", "61-90", "91-120",  "121-180",
      "181-365", "1-2y", "2-3y",  "3y+",   "unknown",
  };
  for (int b = 0; b < ARR_AGE_COUNT; b++) {
    CHECK_STR(arr_age_bucket_name((arr_age_bucket)b), want[b]);
  }
  CHECK_STR(arr_age_bucket_name(ARR_AGE_COUNT), "unknown");
  CHECK_STR(arr_age_bucket_name((arr_age_bucket)-1), "unknown");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_year_at_18),
      cmocka_unit_test(test_one_day),
      cmocka_unit_test(test_ten_daily_runs_equal_one),
      cmocka_unit_test(test_idempotent_rerun),
      cmocka_unit_test(test_points_and_start),
      cmocka_unit_test(test_holds),
      cmocka_unit_test(test_rate_zero_and_credit),
      cmocka_unit_test(test_large),
      cmocka_unit_test(test_schedules_property),
      cmocka_unit_test(test_aging_boundaries),
      cmocka_unit_test(test_age_names),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  printf("test_interest: %ld checks\n", checks);
  return failed;
}
