/*
 * interest.h — the nightly batch's pure core: interest accrual and aging buckets.
 *
 * Interest is simple interest on the principal bucket only (never on interest, fees or
 * costs), actual/365: every calendar day accrues 1/365 of the annual rate, so a leap
 * year of 366 days accrues 366/365 of the annual rate (1000.00 at 18% over 2024 is
 * 180.49, over 2025 exactly 180.00). The exact amount for one day, in cents, is
 *   numerator / ARR_INTEREST_DENOM = principal_cents * rate_e4 / (365 * 100 * 10^4)
 * with rate_e4 the annual rate in units of 1/10000 percent (18% = 180000, as
 * accounts.interest_rate_pct_e4 and arr_pct_parse store it).
 *
 * Runs post whole cents and keep the fraction as a numerator remainder (the carry, in
 * 0..ARR_INTEREST_DENOM-1) in the account's accrual state. A run posts
 *   floor((carry + sum of the day numerators of the run) / ARR_INTEREST_DENOM)
 * and keeps the remainder, so after any sequence of runs the cents posted in total are
 * floor((initial carry + sum of every day's numerator) / ARR_INTEREST_DENOM): the same
 * to the cent whether the batch ran every night, every k nights, or once after a gap
 * (the sum of floors telescopes because each run's remainder is carried into the next).
 * Only the final fraction of a cent is ever unposted, and it is not lost: it is the
 * carry.
 *
 * Arithmetic is exact in 128-bit integers: with |principal| < 2^63, a rate of at most
 * ARR_INTEREST_MAX_RATE_E4 and any span of arr_date days the numerator sum cannot
 * overflow, and the cents posted fit int64 for any real account (10^15 cents at 1000%
 * for the 300 years the date parsers accept is about 3 * 10^18).
 *
 * Pure: no I/O, no clock (as_of is an argument), no allocation, no floating point.
 */
#ifndef ARR_INTEREST_H
#define ARR_INTEREST_H

#include <stdint.h>

#include "core/date.h"

/* ---- Interest accrual ------------------------------------------------------------- */

#define ARR_INTEREST_DENOM INT64_C(365000000) /* 365 days x 100 percent x 10^4 */
/* Highest rate accepted: 1000%, arr_pct_parse's maximum (asserted: a larger rate is a
 * caller bug, and bounding it is what keeps the 128-bit sums from overflowing). */
#define ARR_INTEREST_MAX_RATE_E4 INT64_C(10000000)

/* An account's accrual progress, stored with the account between runs. A new
 * account starts at {ARR_DATE_NONE, 0}. */
typedef struct {
  arr_date accrued_through; /* last day accrued, inclusive; ARR_DATE_NONE = never */
  int64_t carry;            /* 0 <= carry < ARR_INTEREST_DENOM (asserted) */
} arr_accrual_state;

/* The principal in effect from `on` on (inclusive), as the ledger says at the end of
 * that day: a payment effective on d lowers the principal that accrues on d. */
typedef struct {
  arr_date on;
  int64_t principal_cents;
} arr_principal_point;

/* Inclusive; days on which no interest accrues (a dispute hold, a bankruptcy stay, an
 * active settlement). from > to is an empty range. A hold that has not ended yet can
 * use to = INT32_MAX; a hold from the beginning of time, from = ARR_DATE_NONE. */
typedef struct {
  arr_date from, to;
} arr_date_range;

/* Accrues for each day d with st->accrued_through < d <= as_of (or, when
 * accrued_through is ARR_DATE_NONE, from start_on inclusive), using the principal of
 * the latest point with on <= d (points sorted by on, strictly increasing, asserted;
 * days before the first point accrue nothing; points before start_on count for the
 * days from start_on on). Days inside any hold range accrue nothing (holds may be
 * unsorted and may overlap); principal <= 0 (a credit) accrues nothing; rate_e4 <= 0
 * accrues nothing; rate_e4 <= ARR_INTEREST_MAX_RATE_E4 (asserted).
 *
 * Days before start_on never accrue, whatever the state says (start_on =
 * ARR_DATE_NONE: no such bound), so a run with as_of before start_on just advances the
 * state and a later run still starts at start_on.
 *
 * Returns the whole cents to post (>= 0) and advances st (accrued_through = as_of,
 * carry updated). as_of <= accrued_through, or as_of = ARR_DATE_NONE: returns 0, state
 * unchanged (an idempotent re-run). Days that accrue nothing still advance the state
 * and leave the carry as it was.
 *
 * The whole run uses one rate and the holds as given: a caller changing an account's
 * rate accrues through the day before the change at the old rate first, and days
 * already accrued are never revisited (a backdated payment or hold changes only the
 * days after accrued_through). Cost O((npts + nholds) * nholds) at worst, independent
 * of the number of days. */
int64_t arr_interest_accrue(arr_accrual_state *st, arr_date start_on, int64_t rate_e4,
                            const arr_principal_point *pts, int npts,
                            const arr_date_range *holds, int nholds, arr_date as_of);

/* ---- Aging ------------------------------------------------------------------------ */

/* Aging buckets by days past due, as_of - first_delinquency:
 *   <= 0 current;   1..30 "1-30";      31..60 "31-60";     61..90 "61-90";
 *   91..120 "91-120";  121..180 "121-180";  181..365 "181-365";
 *   366..730 "1-2y";   731..1095 "2-3y";    1096 and more "3y+".
 * So 30 days past due is 1-30 and 31 is 31-60; 365 is 181-365 and 366 is 1-2y; 730 is
 * 1-2y and 731 is 2-3y; 1095 is 2-3y and 1096 is 3y+. Years are blocks of 365 days,
 * not calendar years, so a leap day never moves a boundary. */
typedef enum {
  ARR_AGE_CURRENT,
  ARR_AGE_1_30,
  ARR_AGE_31_60,
  ARR_AGE_61_90,
  ARR_AGE_91_120,
  ARR_AGE_121_180,
  ARR_AGE_181_365,
  ARR_AGE_1_2Y,
  ARR_AGE_2_3Y,
  ARR_AGE_3Y_PLUS,
  ARR_AGE_UNKNOWN,
  ARR_AGE_COUNT
} arr_age_bucket;

/* UNKNOWN when first_delinquency (or as_of) is ARR_DATE_NONE; CURRENT when
 * as_of <= first_delinquency. */
arr_age_bucket arr_aging_bucket(arr_date first_delinquency, arr_date as_of);
/* "current","1-30","31-60","61-90","91-120","121-180","181-365","1-2y","2-3y","3y+",
 * "unknown"; "unknown" also for a value that is not a bucket. */
const char *arr_age_bucket_name(arr_age_bucket b);

#endif
