/*
 * ledger.h — balance buckets and payment allocation.
 *
 * A balance is split into buckets. principal, interest, fees and costs are what the
 * debtor owes (positive = owed). credit holds money the debtor overpaid: it is zero or
 * negative, so the total (sum of all five) is what is owed net of credit. Ledger
 * entries carry a signed amount per bucket; a payment is negative amounts.
 *
 * Allocation applies a payment to the owed buckets in the client's order, each bucket
 * paid down to zero before the next; whatever is left becomes credit. It never drops
 * a cent: sum(applied) + (-credit) == amount. Pure.
 */
#ifndef ARR_LEDGER_H
#define ARR_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
  ARR_BUCKET_PRINCIPAL = 0,
  ARR_BUCKET_INTEREST = 1,
  ARR_BUCKET_FEES = 2,
  ARR_BUCKET_COSTS = 3,
  ARR_BUCKET_CREDIT = 4,
  ARR_BUCKETS = 5,
} arr_bucket;

/* Owed buckets are the first four; allocation orders permute them. */
#define ARR_OWED_BUCKETS 4

typedef struct {
  int64_t cents[ARR_BUCKETS];
} arr_balance;

typedef struct {
  arr_bucket order[ARR_OWED_BUCKETS]; /* a permutation of the four owed buckets */
} arr_alloc_order;

const char *arr_bucket_name(arr_bucket b); /* "principal", ..., "credit" */

/* costs, fees, interest, principal */
arr_alloc_order arr_alloc_order_default(void);
/* Parses "costs,fees,interest,principal" (all four owed bucket names, each once,
 * comma separated, no spaces). false with *why on error. */
bool arr_alloc_order_parse(const char *s, arr_alloc_order *out, const char **why);
/* Writes the canonical comma-separated text; buf needs 48 bytes. */
void arr_alloc_order_format(const arr_alloc_order *o, char *buf);

/* Sum of all five buckets (checked: false on overflow). */
bool arr_balance_total(const arr_balance *b, int64_t *out);

/* Allocates amount_cents (> 0) against bal: out->cents[i] receives the (negative)
 * movement for each bucket, including credit for any excess. Owed buckets that are
 * zero or negative receive nothing. Postcondition: sum(out) == -amount_cents. */
void arr_alloc_payment(const arr_balance *bal, const arr_alloc_order *order,
                       int64_t amount_cents, arr_balance *out);

/* out = -in for every bucket (used by reversals). */
void arr_balance_negate(const arr_balance *in, arr_balance *out);
/* acc += delta bucket by bucket; false on overflow (acc unchanged then). */
bool arr_balance_add(arr_balance *acc, const arr_balance *delta);

#endif
