/*
 * plan.c — payment arrangements: due dates, schedules, approval checks, affordability
 * options and monitoring.
 *
 * Due dates are a function of (first, k) alone. Monthly dates come from
 * arr_date_add_months(first, k); semimonthly dates from the first of the month k/2 (or
 * k/2 + 1) months on, plus the anchor day clamped to that month's length. Neither ever
 * looks at the previous date, which is what keeps Jan 31 plans on the 31st in March
 * after a short February.
 *
 * Amounts split truncating and put the remainder on the final regular installment, so
 * the sum is exact by construction and the debtor's regular amount is the smaller one.
 * Affordability options are expressed in that same shape, and their within_limits is
 * computed by building the schedule and running arr_plan_needs_approval on it, so an
 * option a collector picks can never turn into a plan that needs approval.
 *
 * Monitoring walks payments in (date, index) order without sorting (no scratch
 * memory): when pays[] is already sorted, which is how a store returns them, that is a
 * single pass; otherwise each step scans for the successor. Pure: no I/O, no clock, no
 * allocation, no floating point.
 */
#include "core/plan.h"

#include <assert.h>
#include <string.h>

#include "core/money.h"

#define COUNT_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const frequency_names[] = {
    [ARR_FREQ_WEEKLY] = "weekly",
    [ARR_FREQ_BIWEEKLY] = "biweekly",
    [ARR_FREQ_SEMIMONTHLY] = "semimonthly",
    [ARR_FREQ_MONTHLY] = "monthly",
};

static const char *const period_names[] = {
    [ARR_PER_WEEK] = "weekly",
    [ARR_PER_TWO_WEEKS] = "biweekly",
    [ARR_PER_HALF_MONTH] = "semimonthly",
    [ARR_PER_MONTH] = "monthly",
    [ARR_PER_YEAR] = "annual",
};

static const char *const inst_status_names[] = {
    [ARR_INST_PENDING] = "pending",
    [ARR_INST_KEPT] = "kept",
    [ARR_INST_PARTIAL] = "partial",
    [ARR_INST_BROKEN] = "broken",
};

/* Index of s in names[0..count), or -1. */
static int name_index(const char *const *names, int count, const char *s) {
  if (s == NULL) {
    return -1;
  }
  for (int i = 0; i < count; i++) {
    if (strcmp(names[i], s) == 0) {
      return i;
    }
  }
  return -1;
}

bool arr_frequency_parse(const char *s, arr_frequency *out) {
  assert(out != NULL);
  int i = name_index(frequency_names, COUNT_OF(frequency_names), s);
  if (i < 0) {
    return false;
  }
  *out = (arr_frequency)i;
  return true;
}

const char *arr_frequency_name(arr_frequency f) {
  if ((int)f < 0 || (int)f >= COUNT_OF(frequency_names)) {
    return "unknown";
  }
  return frequency_names[f];
}

bool arr_period_parse(const char *s, arr_period *out) {
  assert(out != NULL);
  int i = name_index(period_names, COUNT_OF(period_names), s);
  if (i < 0) {
    return false;
  }
  *out = (arr_period)i;
  return true;
}

const char *arr_period_name(arr_period p) {
  if ((int)p < 0 || (int)p >= COUNT_OF(period_names)) {
    return "unknown";
  }
  return period_names[p];
}

const char *arr_inst_status_name(arr_inst_status s) {
  if ((int)s < 0 || (int)s >= COUNT_OF(inst_status_names)) {
    return "unknown";
  }
  return inst_status_names[s];
}

/* ---- Due dates -------------------------------------------------------------------- */

/* Day `day` (clamped to the month's end) of the month `months` after the month of d. */
static arr_date day_in_month_after(arr_date d, int months, int day) {
  int y, m, dd;
  arr_date_to_ymd(d, &y, &m, &dd);
  /* Step from the 1st so arr_date_add_months never clamps; then place the day. */
  arr_date month_start = arr_date_add_months(arr_date_add_days(d, 1 - dd), months);
  arr_date_to_ymd(month_start, &y, &m, &dd);
  int last = arr_days_in_month(y, m);
  return arr_date_add_days(month_start, (day < last ? day : last) - 1);
}

static arr_date semimonthly_due(arr_date first, int k) {
  int d1;
  arr_date_to_ymd(first, NULL, NULL, &d1);
  int months = k / 2;
  if (k % 2 == 0) {
    return day_in_month_after(first, months, d1);
  }
  /* The second date of the pair is half a month after the first: later in the same
   * month for an anchor in the first half, early next month for one in the second. */
  if (d1 <= 15) {
    return day_in_month_after(first, months, d1 + 15);
  }
  return day_in_month_after(first, months + 1, d1 - 15);
}

arr_date arr_plan_due_date(arr_frequency f, arr_date first, int k) {
  assert(k >= 0);
  switch (f) {
  case ARR_FREQ_WEEKLY: return arr_date_add_days(first, 7 * k);
  case ARR_FREQ_BIWEEKLY: return arr_date_add_days(first, 14 * k);
  case ARR_FREQ_SEMIMONTHLY: return semimonthly_due(first, k);
  case ARR_FREQ_MONTHLY: return arr_date_add_months(first, k);
  }
  assert(!"bad arr_frequency");
  return first;
}

/* ---- Schedules -------------------------------------------------------------------- */

const char *arr_plan_status_message(arr_plan_status s) {
  switch (s) {
  case ARR_PLAN_OK: return "ok";
  case ARR_PLAN_BAD_TOTAL:
    return "total must be more than 0.00 and at most 10000000000000.00";
  case ARR_PLAN_BAD_COUNT: return "count must be 1 to 520 installments";
  case ARR_PLAN_BAD_DOWN:
    return "down payment must not be negative and must be less than the total";
  case ARR_PLAN_TOO_SMALL:
    return "installments would be less than 0.01 each; use fewer installments";
  case ARR_PLAN_BAD_DATES:
    return "down payment must be due on or before the first installment, and dates must "
           "be in the years 1900 to 2199";
  case ARR_PLAN_CAPACITY: return "installment buffer too small (internal error)";
  }
  return "unknown plan status";
}

/* Dates the parsers accept; anything else (ARR_DATE_NONE included) is not a due date. */
static bool date_in_range(arr_date d) {
  arr_date lo, hi;
  bool ok = arr_date_from_ymd(ARR_DATE_MIN_YEAR, 1, 1, &lo) &&
            arr_date_from_ymd(ARR_DATE_MAX_YEAR, 12, 31, &hi);
  assert(ok);
  (void)ok;
  return d >= lo && d <= hi;
}

arr_plan_status arr_plan_schedule(int64_t total_cents, int64_t down_cents,
                                  arr_date down_on, arr_frequency f, arr_date first,
                                  int count, arr_installment *out, int cap, int *n) {
  assert(n != NULL);
  assert((int)f >= 0 && (int)f < COUNT_OF(frequency_names));
  *n = 0;
  bool has_down = down_cents > 0;
  if (total_cents <= 0 || total_cents > ARR_MONEY_MAX_CENTS) {
    return ARR_PLAN_BAD_TOTAL;
  }
  if (count < 1 || count > ARR_PLAN_MAX_INSTALLMENTS) {
    return ARR_PLAN_BAD_COUNT;
  }
  if (down_cents < 0 || down_cents >= total_cents) {
    return ARR_PLAN_BAD_DOWN;
  }
  int64_t regular_total = total_cents - down_cents;
  if (regular_total < count) {
    return ARR_PLAN_TOO_SMALL;
  }
  if (!date_in_range(first) ||
      (has_down && (!date_in_range(down_on) || down_on > first))) {
    return ARR_PLAN_BAD_DATES;
  }
  int needed = count + (has_down ? 1 : 0);
  if (out == NULL || cap < needed) {
    return ARR_PLAN_CAPACITY;
  }

  int w = 0;
  if (has_down) {
    out[w++] = (arr_installment){
        .due_on = down_on, .amount_cents = down_cents, .down_payment = true};
  }
  int64_t regular = regular_total / count;
  for (int k = 0; k < count; k++) {
    out[w++] = (arr_installment){.due_on = arr_plan_due_date(f, first, k),
                                 .amount_cents = regular,
                                 .down_payment = false};
  }
  out[w - 1].amount_cents += regular_total % count;
  *n = w;
  return ARR_PLAN_OK;
}

/* ---- Approval --------------------------------------------------------------------- */

int arr_plan_needs_approval(const arr_installment *inst, int n, int64_t balance_cents,
                            const arr_arrangement_limits *lim) {
  assert(lim != NULL);
  assert(n >= 0 && (n == 0 || inst != NULL));
  int flags = ARR_NEEDS_NONE;
  int first_regular = -1, last_regular = -1, regulars = 0;
  int64_t total = 0;
  for (int i = 0; i < n; i++) {
    total += inst[i].amount_cents;
    if (inst[i].down_payment) {
      continue;
    }
    /* Judge the previous regular installment now that we know it was not the last. */
    if (last_regular >= 0 &&
        inst[last_regular].amount_cents < lim->min_installment_cents) {
      flags |= ARR_NEEDS_BELOW_MIN_INSTALLMENT;
    }
    if (first_regular < 0) {
      first_regular = i;
    }
    last_regular = i;
    regulars++;
  }
  if (regulars >= 2) {
    /* The payments must all fall inside [first, first + max_months): a 12-month limit
     * admits 12 monthly installments, and the same window for other frequencies. */
    arr_date window_end =
        arr_date_add_months(inst[first_regular].due_on, lim->max_months);
    if (inst[last_regular].due_on >= window_end) {
      flags |= ARR_NEEDS_TOO_LONG;
    }
  }
  if (total < balance_cents) {
    flags |= ARR_NEEDS_BELOW_BALANCE;
  }
  return flags;
}

int64_t arr_settlement_floor_cents(int64_t balance_cents, int32_t floor_bp) {
  if (balance_cents <= 0 || floor_bp <= 0) {
    return 0;
  }
  if (floor_bp >= 10000) {
    return balance_cents;
  }
  /* balance = q*10000 + r, so balance*bp/10000 = q*bp + r*bp/10000 with q*bp <= balance
   * and r*bp < 10^8: no intermediate exceeds the balance, for any int64 balance. */
  int64_t q = balance_cents / 10000, r = balance_cents % 10000;
  int64_t part = r * floor_bp;
  return q * floor_bp + part / 10000 + (part % 10000 != 0 ? 1 : 0);
}

/* ---- Affordability ---------------------------------------------------------------- */

int64_t arr_monthly_cents(int64_t amount_cents, arr_period p) {
  assert(amount_cents >= -ARR_MONEY_MAX_CENTS && amount_cents <= ARR_MONEY_MAX_CENTS);
  int64_t num, den;
  switch (p) {
  case ARR_PER_WEEK: num = 52, den = 12; break;
  case ARR_PER_TWO_WEEKS: num = 26, den = 12; break;
  case ARR_PER_HALF_MONTH: num = 2, den = 1; break;
  case ARR_PER_MONTH: num = 1, den = 1; break;
  case ARR_PER_YEAR: num = 1, den = 12; break;
  default: assert(!"bad arr_period"); return 0;
  }
  /* Round the magnitude half up, then restore the sign: half away from zero, so a
   * debtor's income and the same amount as an expense normalize symmetrically.
   * |amount| * 52 <= 5.2e16, far inside int64. */
  int64_t mag = amount_cents < 0 ? -amount_cents : amount_cents;
  int64_t m = (mag * num + den / 2) / den;
  return amount_cents < 0 ? -m : m;
}

/* A date to hang option schedules on: for monthly schedules the approval flags do not
 * depend on the start date (add_months is strictly monotonic in the month count), and
 * a month-end in a leap year exercises the clamping anyway. */
static arr_date option_anchor(void) {
  arr_date d;
  bool ok = arr_date_from_ymd(2000, 1, 31, &d);
  assert(ok);
  (void)ok;
  return d;
}

/* Fills o as the monthly schedule total/count and judges it; false if it cannot be
 * built (count out of range or too small to give each installment a cent). */
static bool make_option(arr_option_kind kind, int64_t total, int count,
                        const arr_affordability *a, int64_t balance,
                        const arr_arrangement_limits *lim, arr_option *o) {
  arr_installment sched[ARR_PLAN_MAX_INSTALLMENTS];
  int n = 0;
  arr_date first = option_anchor();
  arr_plan_status st = arr_plan_schedule(total, 0, first, ARR_FREQ_MONTHLY, first, count,
                                         sched, ARR_PLAN_MAX_INSTALLMENTS, &n);
  if (st != ARR_PLAN_OK) {
    return false;
  }
  int64_t largest = sched[n - 1].amount_cents; /* the final one carries the remainder */
  *o = (arr_option){
      .kind = kind,
      .total_cents = total,
      .installment_cents = sched[0].amount_cents,
      .count = count,
      .frequency = ARR_FREQ_MONTHLY,
      .affordable =
          a->liquid_assets_cents >= total || largest <= a->disposable_monthly_cents,
      .within_limits = arr_plan_needs_approval(sched, n, balance, lim) == ARR_NEEDS_NONE,
  };
  return true;
}

/* count = balance / min, clamped to 1..max_months: the most installments (so the
 * smallest amount) for which the truncated split still meets the minimum. */
static int minimum_plan_count(int64_t balance, const arr_arrangement_limits *lim) {
  int64_t min = lim->min_installment_cents > 0 ? lim->min_installment_cents : 1;
  int64_t limit = lim->max_months;
  if (limit > ARR_PLAN_MAX_INSTALLMENTS) {
    limit = ARR_PLAN_MAX_INSTALLMENTS;
  }
  int64_t count = balance / min;
  if (count > limit) {
    count = limit;
  }
  return count < 1 ? 1 : (int)count;
}

int arr_afford_options(const arr_affordability *a, int64_t balance_cents,
                       const arr_arrangement_limits *lim, arr_option *out, int cap) {
  assert(a != NULL && lim != NULL);
  assert(cap <= 0 || out != NULL);
  if (balance_cents <= 0 || balance_cents > ARR_MONEY_MAX_CENTS) {
    return 0;
  }
  arr_option opts[5];
  int k = 0;
  int64_t b = balance_cents;
  if (make_option(ARR_OPT_PAY_IN_FULL, b, 1, a, b, lim, &opts[k])) {
    k++;
  }
  if (make_option(ARR_OPT_PLAN, b, minimum_plan_count(b, lim), a, b, lim, &opts[k])) {
    k++;
  }
  /* Whole dollars: an offer of "$212 a month" is what a debtor can commit to. */
  int64_t afford = a->disposable_monthly_cents / 100 * 100;
  if (afford > 0) {
    int64_t count = b / afford + (b % afford != 0 ? 1 : 0);
    if (count >= 2 && count <= ARR_PLAN_MAX_INSTALLMENTS &&
        make_option(ARR_OPT_PLAN, b, (int)count, a, b, lim, &opts[k])) {
      k++;
    }
  }
  int64_t floor_cents = arr_settlement_floor_cents(b, lim->settlement_floor_bp);
  if (floor_cents > 0 && floor_cents < b) {
    if (make_option(ARR_OPT_SETTLEMENT_LUMP, floor_cents, 1, a, b, lim, &opts[k])) {
      k++;
    }
    /* floor_bp < 10000 here, so adding 500 cannot overflow int32. */
    int64_t short_total = arr_settlement_floor_cents(b, lim->settlement_floor_bp + 500);
    if (make_option(ARR_OPT_SETTLEMENT_SHORT, short_total, 3, a, b, lim, &opts[k])) {
      k++;
    }
  }
  int written = k < cap ? k : (cap > 0 ? cap : 0);
  for (int i = 0; i < written; i++) {
    out[i] = opts[i];
  }
  return written;
}

/* ---- Monitoring ------------------------------------------------------------------- */

/* Does payment i come after payment j in (date, index) order? */
static bool pay_after(const arr_plan_payment *pays, int i, int j) {
  return pays[i].on > pays[j].on || (i > j && pays[i].on == pays[j].on);
}

/* The payment following `prev` (-1 = before the first) in (date, index) order, or -1
 * when there is none. */
static int next_payment(const arr_plan_payment *pays, int npays, bool sorted, int prev) {
  if (sorted) {
    return prev + 1 < npays ? prev + 1 : -1;
  }
  int best = -1;
  for (int i = 0; i < npays; i++) {
    if (prev >= 0 && !pay_after(pays, i, prev)) {
      continue;
    }
    if (best < 0 || pays[i].on < pays[best].on) {
      best = i; /* strict <: among equal dates the lowest index wins (stable) */
    }
  }
  return best;
}

static arr_date deadline(const arr_installment *in, int grace_days) {
  return arr_date_add_days(in->due_on, grace_days);
}

/* Applies one payment from installment *cursor on, advancing the cursor past
 * installments it fills. */
static void apply_payment(const arr_plan_payment *p, const arr_installment *inst, int n,
                          int grace_days, arr_inst_result *res, int *cursor) {
  int64_t left = p->amount_cents;
  int j = *cursor;
  while (left > 0 && j < n) {
    int64_t room = inst[j].amount_cents - res[j].paid_cents;
    if (room <= 0) {
      j++;
      continue;
    }
    int64_t take = left < room ? left : room;
    res[j].paid_cents += take;
    if (p->on <= deadline(&inst[j], grace_days)) {
      res[j].paid_in_time_cents += take;
    }
    left -= take;
  }
  *cursor = j;
}

static arr_inst_status judge(const arr_installment *in, const arr_inst_result *r,
                             int grace_days, arr_date as_of) {
  if (r->paid_in_time_cents >= in->amount_cents) {
    return ARR_INST_KEPT;
  }
  if (as_of <= deadline(in, grace_days)) {
    return ARR_INST_PENDING;
  }
  return r->paid_in_time_cents > 0 ? ARR_INST_PARTIAL : ARR_INST_BROKEN;
}

arr_plan_state arr_plan_monitor(const arr_installment *inst, int n,
                                const arr_plan_payment *pays, int npays, int grace_days,
                                arr_date as_of, arr_inst_result *res, int *first_failed) {
  assert(n >= 0 && npays >= 0);
  assert(n == 0 || (inst != NULL && res != NULL));
  assert(npays == 0 || pays != NULL);
  if (grace_days < 0) {
    grace_days = 0;
  }
  for (int i = 0; i < n; i++) {
    assert(i == 0 || inst[i].due_on >= inst[i - 1].due_on);
    res[i] = (arr_inst_result){.status = ARR_INST_PENDING};
  }
  bool sorted = true;
  for (int i = 1; i < npays && sorted; i++) {
    sorted = pays[i].on >= pays[i - 1].on;
  }
  int cursor = 0;
  for (int p = next_payment(pays, npays, sorted, -1); p >= 0;
       p = next_payment(pays, npays, sorted, p)) {
    if (pays[p].amount_cents > 0 && pays[p].on <= as_of) {
      apply_payment(&pays[p], inst, n, grace_days, res, &cursor);
    }
  }

  int failed = -1;
  bool all_kept = true;
  for (int i = 0; i < n; i++) {
    res[i].status = judge(&inst[i], &res[i], grace_days, as_of);
    all_kept = all_kept && res[i].status == ARR_INST_KEPT;
    if (failed < 0 &&
        (res[i].status == ARR_INST_PARTIAL || res[i].status == ARR_INST_BROKEN)) {
      failed = i;
    }
  }
  if (first_failed != NULL) {
    *first_failed = failed;
  }
  if (failed >= 0) {
    return ARR_PLANST_BROKEN;
  }
  return all_kept ? ARR_PLANST_COMPLETED : ARR_PLANST_ACTIVE;
}
