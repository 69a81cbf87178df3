/*
 * interest.c — interest accrual with a carried remainder, and aging buckets.
 *
 * Accrual never walks day by day: the batch catches up years of skipped nights for
 * millions of accounts, so the run's days are cut into stretches on which the
 * principal is constant and no hold starts or ends, and each stretch adds
 * principal x days in one multiplication. The day numerators are summed as
 * rate x sum(principal x days) in __int128, then the carry is added and a single
 * division splits whole cents from the new carry. That one division per run is the
 * whole exactness argument (see interest.h): nothing is rounded per day or per
 * stretch.
 *
 * Holds may overlap and come in any order (they come from several tables), and
 * sorting would need scratch memory, so a stretch ends at the nearest hold start
 * ahead and a day inside holds jumps past the furthest end of the holds covering it.
 * Pure: no I/O, no clock, no allocation, no floating point.
 */
#include "core/interest.h"

#include <assert.h>
#include <stddef.h>

typedef __int128 i128;

/* Index of the last point with on <= day, or -1 when every point is later. */
static int point_at(const arr_principal_point *pts, int npts, int64_t day) {
  int lo = 0, hi = npts; /* answer + 1 lies in lo..hi */
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (pts[mid].on <= day) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo - 1;
}

/* Sum of principal x days over days lo..hi (int64 so that neither end needs a sentinel
 * that could overflow an arr_date) that are outside every hold, counting only positive
 * principal. At most 2^63 x 2^33, well inside __int128. */
static i128 principal_days(const arr_principal_point *pts, int npts,
                           const arr_date_range *holds, int nholds, int64_t lo,
                           int64_t hi) {
  i128 sum = 0;
  if (npts == 0) {
    return 0;
  }
  int j = point_at(pts, npts, lo);
  int64_t c = lo;
  if (j < 0) { /* days before the first point have no principal */
    j = 0;
    c = pts[0].on;
  }
  while (c <= hi) {
    while (j + 1 < npts && pts[j + 1].on <= c) {
      j++;
    }
    /* Inside a hold: jump past every hold that covers c. Another hold may cover the
     * day after; the next pass of the loop sees it. */
    int64_t past = c;
    for (int h = 0; h < nholds; h++) {
      if (holds[h].from <= c && c <= holds[h].to && (int64_t)holds[h].to + 1 > past) {
        past = (int64_t)holds[h].to + 1;
      }
    }
    if (past > c) {
      c = past;
      continue;
    }
    /* Outside holds: the stretch runs to the next principal change, the next hold
     * start or hi, whichever is first. */
    int64_t e = hi;
    if (j + 1 < npts && (int64_t)pts[j + 1].on - 1 < e) {
      e = (int64_t)pts[j + 1].on - 1;
    }
    for (int h = 0; h < nholds; h++) {
      if (holds[h].from > c && holds[h].from <= holds[h].to &&
          (int64_t)holds[h].from - 1 < e) {
        e = (int64_t)holds[h].from - 1;
      }
    }
    if (pts[j].principal_cents > 0) {
      sum += (i128)pts[j].principal_cents * (e - c + 1);
    }
    c = e + 1;
  }
  return sum;
}

int64_t arr_interest_accrue(arr_accrual_state *st, arr_date start_on, int64_t rate_e4,
                            const arr_principal_point *pts, int npts,
                            const arr_date_range *holds, int nholds, arr_date as_of) {
  assert(st != NULL);
  assert(st->carry >= 0 && st->carry < ARR_INTEREST_DENOM);
  assert(rate_e4 <= ARR_INTEREST_MAX_RATE_E4);
  assert(npts >= 0 && (npts == 0 || pts != NULL));
  assert(nholds >= 0 && (nholds == 0 || holds != NULL));
#ifndef NDEBUG
  for (int i = 1; i < npts; i++) {
    assert(pts[i - 1].on < pts[i].on);
  }
#endif
  if (as_of == ARR_DATE_NONE) {
    return 0;
  }
  if (st->accrued_through != ARR_DATE_NONE && as_of <= st->accrued_through) {
    return 0;
  }
  /* INT32_MIN is ARR_DATE_NONE itself, so it stands for "no lower bound". */
  int64_t lo = st->accrued_through == ARR_DATE_NONE ? (int64_t)INT32_MIN
                                                    : (int64_t)st->accrued_through + 1;
  if (start_on != ARR_DATE_NONE && lo < start_on) {
    lo = start_on;
  }
  i128 total = st->carry;
  if (rate_e4 > 0 && lo <= as_of) {
    total += principal_days(pts, npts, holds, nholds, lo, as_of) * rate_e4;
  }
  i128 cents = total / ARR_INTEREST_DENOM;
  /* Only a span of many centuries at the largest principal and rate gets here: no
   * real account, so a caller bug rather than something to clamp. */
  assert(cents <= INT64_MAX);
  st->accrued_through = as_of;
  st->carry = (int64_t)(total % ARR_INTEREST_DENOM);
  return (int64_t)cents;
}

/* ---- Aging ------------------------------------------------------------------------ */

static const char *const age_names[] = {
    [ARR_AGE_CURRENT] = "current", [ARR_AGE_1_30] = "1-30",
    [ARR_AGE_31_60] = "31-60",     [ARR_AGE_61_90] = "61-90",
    [ARR_AGE_91_120] = "91-120",   [ARR_AGE_121_180] = "121-180",
    [ARR_AGE_181_365] = "181-365", [ARR_AGE_1_2Y] = "1-2y",
    [ARR_AGE_2_3Y] = "2-3y",       [ARR_AGE_3Y_PLUS] = "3y+",
    [ARR_AGE_UNKNOWN] = "unknown",
};

/* Upper bound (days past due, inclusive) of each bucket from 1-30 to 2-3y. */
static const struct {
  int64_t max_days;
  arr_age_bucket bucket;
} age_limits[] = {
    {30, ARR_AGE_1_30},    {60, ARR_AGE_31_60},    {90, ARR_AGE_61_90},
    {120, ARR_AGE_91_120}, {180, ARR_AGE_121_180}, {365, ARR_AGE_181_365},
    {730, ARR_AGE_1_2Y},   {1095, ARR_AGE_2_3Y},
};

arr_age_bucket arr_aging_bucket(arr_date first_delinquency, arr_date as_of) {
  if (first_delinquency == ARR_DATE_NONE || as_of == ARR_DATE_NONE) {
    return ARR_AGE_UNKNOWN;
  }
  /* int64: the difference of two arr_dates can exceed int32. */
  int64_t days = (int64_t)as_of - first_delinquency;
  if (days <= 0) {
    return ARR_AGE_CURRENT;
  }
  for (size_t i = 0; i < sizeof(age_limits) / sizeof(age_limits[0]); i++) {
    if (days <= age_limits[i].max_days) {
      return age_limits[i].bucket;
    }
  }
  return ARR_AGE_3Y_PLUS;
}

const char *arr_age_bucket_name(arr_age_bucket b) {
  if ((int)b < 0 || b >= ARR_AGE_COUNT) {
    return "unknown";
  }
  return age_names[b];
}
