/*
 * plan.h — payment arrangements: schedules, affordability, approval limits and
 * monitoring of plans and promises to pay.
 *
 * A plan is an optional down payment plus 1..ARR_PLAN_MAX_INSTALLMENTS regular
 * installments at a fixed frequency. Schedules are exact: the installments always sum
 * to the plan total to the cent, and due dates are computed from the first due date
 * and the installment's index (never from the previous date), so month-end dates do
 * not drift. A promise to pay is a one-installment plan.
 *
 * Pure: no I/O, no clock (as_of is an argument), no allocation (the caller passes
 * arrays and their capacities), no floating point (money is int64 cents, rates are
 * integer basis points).
 */
#ifndef ARR_PLAN_H
#define ARR_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"

/* ---- Frequencies and due dates ---------------------------------------------------- */

typedef enum {
  ARR_FREQ_WEEKLY,
  ARR_FREQ_BIWEEKLY,
  ARR_FREQ_SEMIMONTHLY,
  ARR_FREQ_MONTHLY
} arr_frequency;

/* "weekly" "biweekly" "semimonthly" "monthly" (exact, lower case); false otherwise. */
bool arr_frequency_parse(const char *s, arr_frequency *out);
const char *arr_frequency_name(arr_frequency f); /* "unknown" for a bad value */

typedef struct {
  arr_date due_on;
  int64_t amount_cents;
  bool down_payment;
} arr_installment;

enum { ARR_PLAN_MAX_INSTALLMENTS = 520 }; /* ten years weekly */

/* Due date of regular installment k (0-based, k >= 0) of a schedule whose first
 * regular installment is due on `first`.
 *   weekly: first + 7k; biweekly: first + 14k;
 *   monthly: arr_date_add_months(first, k) (anchored on first: Jan 31 -> Feb 28/29 ->
 *     Mar 31, never drifting);
 *   semimonthly: two dates a month. d1 = day of month of first; d2 = d1 + 15 in the
 *     same month if d1 <= 15, else d1 - 15 in the following month. Even k is d1 in
 *     month (first's month + k/2); odd k is d2 in that month (d1 <= 15) or the next
 *     (d1 > 15). Each is clamped to its month's end and computed from the month
 *     index, so: Jan 31 start -> Jan 31, Feb 16, Feb 28/29, Mar 16, Mar 31, ...;
 *     Jan 15 start -> Jan 15, Jan 30, Feb 15, Feb 28, Mar 15, ...
 * Dates are strictly increasing in k for every frequency. */
arr_date arr_plan_due_date(arr_frequency f, arr_date first, int k);

/* ---- Building a schedule ---------------------------------------------------------- */

typedef enum {
  ARR_PLAN_OK,
  ARR_PLAN_BAD_TOTAL, /* total <= 0 or above ARR_MONEY_MAX_CENTS */
  ARR_PLAN_BAD_COUNT, /* count outside 1..ARR_PLAN_MAX_INSTALLMENTS */
  ARR_PLAN_BAD_DOWN,  /* down < 0 or down >= total */
  ARR_PLAN_TOO_SMALL, /* a regular installment would be less than 1 cent */
  ARR_PLAN_BAD_DATES, /* down_on after first, or a date outside the parsers' years */
  ARR_PLAN_CAPACITY   /* out[] too small (a caller bug, not a user error) */
} arr_plan_status;

/* A sentence fragment for the user, e.g. "count must be 1 to 520 installments". */
const char *arr_plan_status_message(arr_plan_status s);

/* Builds the schedule into out[0..*n).
 * total_cents in 1..ARR_MONEY_MAX_CENTS; 0 <= down_cents < total_cents; count in
 * 1..ARR_PLAN_MAX_INSTALLMENTS regular installments. If down_cents > 0, a down-payment
 * installment due on down_on (which must be <= first) comes first with
 * down_payment = true; if down_cents == 0, down_on is ignored (ARR_DATE_NONE is fine).
 * Regular installment k is due arr_plan_due_date(f, first, k). The regular amount is
 * (total - down) / count, truncated; the final regular installment carries the
 * remainder (100.00 in 3 = 33.33, 33.33, 33.34), so the sum of out[].amount_cents is
 * exactly total_cents. Each regular installment must be at least 1 cent (else
 * TOO_SMALL). first and down_on must lie in years ARR_DATE_MIN_YEAR..MAX_YEAR.
 * cap must be >= count + (down ? 1 : 0) (else CAPACITY).
 * Checks run in the order of the status enum; on any error *n = 0 and out[] is not
 * written. */
arr_plan_status arr_plan_schedule(int64_t total_cents, int64_t down_cents,
                                  arr_date down_on, arr_frequency f, arr_date first,
                                  int count, arr_installment *out, int cap, int *n);

/* ---- Client limits and approval --------------------------------------------------- */

/* Client limits for arrangements. */
typedef struct {
  int64_t min_installment_cents;
  int max_months;
  int32_t settlement_floor_bp; /* basis points of balance, e.g. 6000 = 60% */
  int grace_days;
} arr_arrangement_limits;

/* Why a plan needs a supervisor's approval (bit flags). */
enum {
  ARR_NEEDS_NONE = 0,
  ARR_NEEDS_BELOW_MIN_INSTALLMENT = 1,
  ARR_NEEDS_TOO_LONG = 2,
  ARR_NEEDS_BELOW_BALANCE = 4,
  /* A settlement below the client's floor (arr_settlement_floor_cents): set by the
   * service for settlement offers, never by arr_plan_needs_approval. */
  ARR_NEEDS_BELOW_FLOOR = 8
};

/* Checks a built schedule (inst[0..n) in due order, as arr_plan_schedule writes it)
 * against the limits and returns the OR of the flags that apply:
 *   BELOW_MIN_INSTALLMENT: a regular installment other than the last is below
 *     min_installment_cents. The last regular installment may be smaller: it is the
 *     remainder after whole installments (a promise or a one-installment plan is all
 *     remainder). Down payments are not held to the minimum.
 *   TOO_LONG: the plan has two or more regular installments and the last is due on or
 *     after arr_date_add_months(first regular due, max_months), i.e. the payments do
 *     not all fall within max_months months starting at the first due date. A monthly
 *     plan of max_months installments is within; max_months + 1 is too long.
 *   BELOW_BALANCE: the total of all installments (down payment included) is below
 *     balance_cents: a plan for less than the balance is a settlement.
 * settlement_floor_bp and grace_days are not consulted here. */
int arr_plan_needs_approval(const arr_installment *inst, int n, int64_t balance_cents,
                            const arr_arrangement_limits *lim);

/* Lowest settlement the client accepts: ceil(balance * floor_bp / 10000). floor_bp is
 * clamped to 0..10000 (a floor cannot exceed the balance); a balance <= 0 gives 0.
 * Exact for every non-negative int64 balance (no overflow, no floating point). */
int64_t arr_settlement_floor_cents(int64_t balance_cents, int32_t floor_bp);

/* ---- Affordability ---------------------------------------------------------------- */

typedef enum {
  ARR_PER_WEEK,
  ARR_PER_TWO_WEEKS,
  ARR_PER_HALF_MONTH,
  ARR_PER_MONTH,
  ARR_PER_YEAR
} arr_period;

/* "weekly","biweekly","semimonthly","monthly","annual"; false otherwise. */
bool arr_period_parse(const char *s, arr_period *out);
const char *arr_period_name(arr_period p); /* "unknown" for a bad value */

/* A statement line normalized to monthly cents: weekly x52/12, biweekly x26/12,
 * semimonthly x2, monthly x1, annual /12, computed exactly in integers and rounded
 * half away from zero once, at the end of the line (1000.00 weekly -> 4333.33;
 * 0.03 biweekly = 0.065 -> 0.07). |amount_cents| <= ARR_MONEY_MAX_CENTS (asserted). */
int64_t arr_monthly_cents(int64_t amount_cents, arr_period p);

typedef struct {
  int64_t income_monthly_cents, expenses_monthly_cents;
  int64_t disposable_monthly_cents; /* income - expenses, may be negative */
  int64_t liquid_assets_cents;
} arr_affordability;

typedef enum {
  ARR_OPT_PAY_IN_FULL,
  ARR_OPT_PLAN,
  ARR_OPT_SETTLEMENT_LUMP,
  ARR_OPT_SETTLEMENT_SHORT
} arr_option_kind;

/* One suggestion. Every option is a monthly schedule that
 * arr_plan_schedule(total_cents, 0, -, frequency, first, count) reproduces exactly:
 * installment_cents is its regular amount (total / count, truncated) and the final
 * installment carries the remainder. */
typedef struct {
  arr_option_kind kind;
  int64_t total_cents;
  int64_t installment_cents;
  int count;
  arr_frequency frequency;
  bool affordable;    /* liquid assets cover the total, or every installment fits in
                         one month's disposable income */
  bool within_limits; /* arr_plan_needs_approval of that schedule is ARR_NEEDS_NONE */
} arr_option;

/* Suggested options for balance_cents, written to out[0..cap) in this order:
 *   1. pay in full (one installment of the balance);
 *   2. the minimum plan: the smallest monthly installment the client allows without
 *      approval: count = balance / min_installment (truncated), clamped to
 *      1..max_months, so every installment is at least the minimum (a balance below
 *      the minimum is one installment). Always present, affordable or not;
 *   3. the affordable plan: installment at most the disposable income rounded down to
 *      whole dollars, count = ceil(balance / that); skipped when disposable is under
 *      1.00, when it needs one installment (that is pay in full) or more than
 *      ARR_PLAN_MAX_INSTALLMENTS;
 *   4. lump-sum settlement at arr_settlement_floor_cents; skipped when the floor is 0
 *      or the whole balance;
 *   5. short-term settlement: 3 monthly payments totalling the floor plus 5 percentage
 *      points of the balance, capped at the balance; present with option 4.
 * Settlements are below the balance, so they are never within_limits. Returns the
 * number written (at most 5; 0 for a balance <= 0). */
int arr_afford_options(const arr_affordability *a, int64_t balance_cents,
                       const arr_arrangement_limits *lim, arr_option *out, int cap);

/* ---- Monitoring ------------------------------------------------------------------- */

typedef struct {
  arr_date on; /* effective date */
  int64_t amount_cents;
} arr_plan_payment;

typedef enum {
  ARR_INST_PENDING,
  ARR_INST_KEPT,
  ARR_INST_PARTIAL,
  ARR_INST_BROKEN
} arr_inst_status;

const char *arr_inst_status_name(arr_inst_status s); /* "pending","kept",... */

typedef struct {
  arr_inst_status status;
  int64_t paid_cents;         /* everything applied to this installment */
  int64_t paid_in_time_cents; /* the part dated on or before due_on + grace_days */
} arr_inst_result;

typedef enum {
  ARR_PLANST_ACTIVE,
  ARR_PLANST_COMPLETED,
  ARR_PLANST_BROKEN
} arr_plan_state;

/* Judges inst[0..n) (in due order) at as_of and fills res[0..n).
 * Payments dated on or before as_of with amount > 0 are applied in date order (stable
 * for equal dates; pays[] need not be sorted) to installments in due order, each
 * filling the earliest installment not yet paid in full, the excess carrying to the
 * next; anything beyond the last installment is not the plan's (it is account credit).
 * Payments dated after as_of have not happened yet and are ignored, as are amounts
 * <= 0. With deadline = due_on + grace_days (negative grace counts as 0):
 *   KEPT:    paid in full by the deadline (inclusive), whenever as_of is;
 *   PENDING: not paid in full by the deadline and as_of <= deadline;
 *   PARTIAL: as_of > deadline and some, not all, paid by the deadline;
 *   BROKEN:  as_of > deadline and nothing paid by the deadline.
 * A late payment still fills its installment (paid_cents) but does not make it KEPT.
 * Returns COMPLETED when every installment is KEPT, BROKEN when any is PARTIAL or
 * BROKEN, else ACTIVE. *first_failed (may be NULL) receives the index of the first
 * PARTIAL/BROKEN installment or -1. Cost is O(n + npays), or O(npays^2) when pays[]
 * is not in date order. */
arr_plan_state arr_plan_monitor(const arr_installment *inst, int n,
                                const arr_plan_payment *pays, int npays, int grace_days,
                                arr_date as_of, arr_inst_result *res, int *first_failed);

#endif
