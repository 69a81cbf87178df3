/*
 * ledger.c — balance buckets, allocation orders and payment allocation.
 *
 * Allocation walks the client's order once, paying each owed bucket down to zero
 * before the next, and puts whatever remains into credit as a negative movement. The
 * movement for a bucket is never larger than its positive balance, so no owed bucket
 * is driven below zero, and the credit takes the exact remainder, so the movements
 * always sum to -amount: not a cent is created or lost.
 *
 * Balance arithmetic is checked and all-or-nothing (a failed add leaves the
 * accumulator unchanged) so a caller can report an overflow without having to undo a
 * half-applied delta. Pure: no I/O, no allocation.
 */
#include "core/ledger.h"

#include <assert.h>
#include <string.h>

static const char *const bucket_names[ARR_BUCKETS] = {
    [ARR_BUCKET_PRINCIPAL] = "principal", [ARR_BUCKET_INTEREST] = "interest",
    [ARR_BUCKET_FEES] = "fees",           [ARR_BUCKET_COSTS] = "costs",
    [ARR_BUCKET_CREDIT] = "credit",
};

const char *arr_bucket_name(arr_bucket b) {
  if ((int)b < 0 || b >= ARR_BUCKETS) {
    return "unknown";
  }
  return bucket_names[b];
}

arr_alloc_order arr_alloc_order_default(void) {
  /* Collection-industry custom: recover the agency's outlay (costs, fees) first, then
   * interest, and reduce principal last. */
  arr_alloc_order o = {
      {ARR_BUCKET_COSTS, ARR_BUCKET_FEES, ARR_BUCKET_INTEREST, ARR_BUCKET_PRINCIPAL}};
  return o;
}

/* Owed bucket named s[0..len), or -1. */
static int owed_bucket_from_name(const char *s, size_t len) {
  for (int b = 0; b < ARR_OWED_BUCKETS; b++) {
    const char *name = bucket_names[b];
    if (strlen(name) == len && memcmp(name, s, len) == 0) {
      return b;
    }
  }
  return -1;
}

bool arr_alloc_order_parse(const char *s, arr_alloc_order *out, const char **why) {
  assert(out != NULL);
  const char *reason = NULL;
  arr_alloc_order o;
  bool seen[ARR_OWED_BUCKETS] = {false};
  if (s == NULL || s[0] == '\0') {
    reason = "is empty; expected the four buckets costs,fees,interest,principal in the "
             "order payments should pay them";
    goto fail;
  }
  const char *p = s;
  for (int i = 0; i < ARR_OWED_BUCKETS; i++) {
    const char *end = strchr(p, ',');
    size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
    int b = owed_bucket_from_name(p, len);
    if (b < 0) {
      reason = "names something other than principal, interest, fees or costs (names "
               "are lower case, comma separated, without spaces)";
      goto fail;
    }
    if (seen[b]) {
      reason = "names a bucket twice";
      goto fail;
    }
    seen[b] = true;
    o.order[i] = (arr_bucket)b;
    bool last = i == ARR_OWED_BUCKETS - 1;
    if (end == NULL && !last) {
      reason = "names fewer than all four buckets principal, interest, fees and costs";
      goto fail;
    }
    if (end != NULL && last) {
      reason = "has more than four entries";
      goto fail;
    }
    p = end != NULL ? end + 1 : p + len;
  }
  *out = o;
  return true;
fail:
  if (why != NULL) {
    *why = reason;
  }
  return false;
}

/* True if o holds each owed bucket exactly once. */
static bool order_is_permutation(const arr_alloc_order *o) {
  bool seen[ARR_OWED_BUCKETS] = {false};
  for (int i = 0; i < ARR_OWED_BUCKETS; i++) {
    int b = (int)o->order[i];
    if (b < 0 || b >= ARR_OWED_BUCKETS || seen[b]) {
      return false;
    }
    seen[b] = true;
  }
  return true;
}

void arr_alloc_order_format(const arr_alloc_order *o, char *buf) {
  assert(o != NULL && buf != NULL);
  assert(order_is_permutation(o));
  size_t n = 0;
  for (int i = 0; i < ARR_OWED_BUCKETS; i++) {
    if (i > 0) {
      buf[n++] = ',';
    }
    for (const char *c = bucket_names[o->order[i]]; *c != '\0'; c++) {
      buf[n++] = *c;
    }
  }
  buf[n] = '\0';
  assert(n < 48);
}

bool arr_balance_total(const arr_balance *b, int64_t *out) {
  assert(b != NULL && out != NULL);
  int64_t sum = 0;
  for (int i = 0; i < ARR_BUCKETS; i++) {
    if (__builtin_add_overflow(sum, b->cents[i], &sum)) {
      return false;
    }
  }
  *out = sum;
  return true;
}

void arr_alloc_payment(const arr_balance *bal, const arr_alloc_order *order,
                       int64_t amount_cents, arr_balance *out) {
  assert(bal != NULL && order != NULL && out != NULL);
  assert(amount_cents > 0);
  assert(order_is_permutation(order));
  /* Copy first so that out may alias bal. */
  arr_balance owed = *bal;
  arr_balance mv = {{0}};
  int64_t left = amount_cents;
  for (int i = 0; i < ARR_OWED_BUCKETS && left > 0; i++) {
    arr_bucket b = order->order[i];
    if (owed.cents[b] <= 0) {
      continue; /* nothing owed (or already over-credited): pays nothing */
    }
    int64_t pay = owed.cents[b] < left ? owed.cents[b] : left;
    mv.cents[b] = -pay;
    left -= pay;
  }
  mv.cents[ARR_BUCKET_CREDIT] = -left; /* 0 <= left <= amount, so no overflow */
  *out = mv;
}

void arr_balance_negate(const arr_balance *in, arr_balance *out) {
  assert(in != NULL && out != NULL);
  for (int i = 0; i < ARR_BUCKETS; i++) {
    /* -INT64_MIN does not exist; no checked path can produce it from parsed amounts. */
    assert(in->cents[i] != INT64_MIN);
    out->cents[i] = -in->cents[i];
  }
}

bool arr_balance_add(arr_balance *acc, const arr_balance *delta) {
  assert(acc != NULL && delta != NULL);
  arr_balance r;
  for (int i = 0; i < ARR_BUCKETS; i++) {
    if (__builtin_add_overflow(acc->cents[i], delta->cents[i], &r.cents[i])) {
      return false;
    }
  }
  *acc = r;
  return true;
}
