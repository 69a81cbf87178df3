/*
 * test_ledger.c — unit tests for core/ledger: bucket names, allocation order parsing
 * and formatting (all 24 permutations), worked allocation examples, and a seeded
 * random property run proving allocation conserves every cent, never drives an owed
 * bucket below zero and respects the order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/ledger.h"

enum {
  P = ARR_BUCKET_PRINCIPAL,
  I = ARR_BUCKET_INTEREST,
  F = ARR_BUCKET_FEES,
  C = ARR_BUCKET_COSTS,
  CR = ARR_BUCKET_CREDIT
};

static arr_balance bal5(int64_t p, int64_t i, int64_t f, int64_t c, int64_t cr) {
  arr_balance b = {{0}};
  b.cents[P] = p;
  b.cents[I] = i;
  b.cents[F] = f;
  b.cents[C] = c;
  b.cents[CR] = cr;
  return b;
}

static void assert_balance_eq(const arr_balance *got, const arr_balance *want) {
  for (int b = 0; b < ARR_BUCKETS; b++) {
    if (got->cents[b] != want->cents[b]) {
      fail_msg("bucket %s: got %lld, want %lld", arr_bucket_name((arr_bucket)b),
               (long long)got->cents[b], (long long)want->cents[b]);
    }
  }
}

static void test_bucket_names(void **state) {
  (void)state;
  assert_string_equal(arr_bucket_name(ARR_BUCKET_PRINCIPAL), "principal");
  assert_string_equal(arr_bucket_name(ARR_BUCKET_INTEREST), "interest");
  assert_string_equal(arr_bucket_name(ARR_BUCKET_FEES), "fees");
  assert_string_equal(arr_bucket_name(ARR_BUCKET_COSTS), "costs");
  assert_string_equal(arr_bucket_name(ARR_BUCKET_CREDIT), "credit");
  assert_string_equal(arr_bucket_name(ARR_BUCKETS), "unknown");
  assert_string_equal(arr_bucket_name((arr_bucket)-1), "unknown");
}

static void test_default_order(void **state) {
  (void)state;
  arr_alloc_order o = arr_alloc_order_default();
  assert_int_equal(o.order[0], ARR_BUCKET_COSTS);
  assert_int_equal(o.order[1], ARR_BUCKET_FEES);
  assert_int_equal(o.order[2], ARR_BUCKET_INTEREST);
  assert_int_equal(o.order[3], ARR_BUCKET_PRINCIPAL);
  char buf[48];
  arr_alloc_order_format(&o, buf);
  assert_string_equal(buf, "costs,fees,interest,principal");
}

/* All 24 permutations format to text that parses back to the same order. */
static void test_order_roundtrip_all_permutations(void **state) {
  (void)state;
  int count = 0;
  for (int a = 0; a < 4; a++) {
    for (int b = 0; b < 4; b++) {
      for (int c = 0; c < 4; c++) {
        int d = 6 - a - b - c;
        if (a == b || a == c || b == c || d < 0 || d > 3 || d == a || d == b || d == c) {
          continue;
        }
        arr_alloc_order o = {
            {(arr_bucket)a, (arr_bucket)b, (arr_bucket)c, (arr_bucket)d}};
        char buf[48];
        arr_alloc_order_format(&o, buf);
        arr_alloc_order back;
        const char *why = NULL;
        assert_true(arr_alloc_order_parse(buf, &back, &why));
        assert_memory_equal(&back, &o, sizeof o);
        count++;
      }
    }
  }
  assert_int_equal(count, 24);
}

static void test_order_parse_rejects(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",
      "costs",
      "costs,fees,interest",
      "costs,fees,interest,",
      "costs,fees,interest,principal,",
      ",costs,fees,interest,principal",
      "costs,fees,interest,credit",
      "costs,fees,interest,principal,credit",
      "costs,costs,interest,principal",
      "costs,fees,fees,fees",
      "costs, fees,interest,principal",
      "costs,fees,interest,principal ",
      "Costs,fees,interest,principal",
      "costs;fees;interest;principal",
      "costs,,fees,interest,principal",
      "cost,fees,interest,principal",
      "costsx,fees,interest,principal",
  };
  arr_alloc_order sentinel = arr_alloc_order_default();
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    arr_alloc_order out = sentinel;
    const char *why = NULL;
    if (arr_alloc_order_parse(bad[i], &out, &why)) {
      fail_msg("accepted bad order \"%s\"", bad[i]);
    }
    assert_non_null(why);
    assert_memory_equal(&out, &sentinel, sizeof out); /* untouched on error */
  }
  arr_alloc_order out;
  const char *why = NULL;
  assert_false(arr_alloc_order_parse(NULL, &out, &why));
  assert_non_null(why);
  assert_false(arr_alloc_order_parse("x", &out, NULL)); /* why may be NULL */
  assert_true(arr_alloc_order_parse("principal,interest,fees,costs", &out, NULL));
  assert_int_equal(out.order[0], ARR_BUCKET_PRINCIPAL);
  assert_int_equal(out.order[3], ARR_BUCKET_COSTS);
}

static void test_balance_total(void **state) {
  (void)state;
  int64_t t = 99;
  arr_balance b = bal5(100000, 2500, 3500, 1000, -500);
  assert_true(arr_balance_total(&b, &t));
  assert_int_equal(t, 106500);
  b = bal5(INT64_MAX, 1, 0, 0, 0);
  t = 99;
  assert_false(arr_balance_total(&b, &t));
  assert_int_equal(t, 99);
  b = bal5(INT64_MAX, 1, 0, 0, -1); /* intermediate overflow is still reported */
  assert_false(arr_balance_total(&b, &t));
  b = bal5(INT64_MIN, 0, 0, 0, 0);
  assert_true(arr_balance_total(&b, &t));
  assert_int_equal(t, INT64_MIN);
}

static void test_alloc_examples(void **state) {
  (void)state;
  arr_alloc_order def = arr_alloc_order_default();
  arr_balance bal = bal5(1000, 200, 50, 25, 0);
  arr_balance out, want;

  /* Partial payment: costs, then fees, then part of interest. */
  arr_alloc_payment(&bal, &def, 100, &out);
  want = bal5(0, -25, -50, -25, 0);
  assert_balance_eq(&out, &want);

  /* Exact payoff leaves no credit. */
  arr_alloc_payment(&bal, &def, 1275, &out);
  want = bal5(-1000, -200, -50, -25, 0);
  assert_balance_eq(&out, &want);

  /* Overpayment: the excess becomes credit (negative). */
  arr_alloc_payment(&bal, &def, 2000, &out);
  want = bal5(-1000, -200, -50, -25, -725);
  assert_balance_eq(&out, &want);

  /* One cent goes to the first bucket in the order. */
  arr_alloc_payment(&bal, &def, 1, &out);
  want = bal5(0, 0, 0, -1, 0);
  assert_balance_eq(&out, &want);

  /* Principal-first order. */
  arr_alloc_order pf;
  assert_true(arr_alloc_order_parse("principal,interest,fees,costs", &pf, NULL));
  arr_alloc_payment(&bal, &pf, 1100, &out);
  want = bal5(-1000, -100, 0, 0, 0);
  assert_balance_eq(&out, &want);

  /* Zero and negative owed buckets get nothing; existing credit is left alone. */
  bal = bal5(500, -30, 0, 40, -100);
  arr_alloc_payment(&bal, &def, 600, &out);
  want = bal5(-500, 0, 0, -40, -60);
  assert_balance_eq(&out, &want);

  /* Nothing owed at all: everything is credit. */
  bal = bal5(0, 0, 0, 0, -5);
  arr_alloc_payment(&bal, &def, 12345, &out);
  want = bal5(0, 0, 0, 0, -12345);
  assert_balance_eq(&out, &want);

  /* Largest payment and largest balances: no overflow in the arithmetic. */
  bal = bal5(INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX, 0);
  arr_alloc_payment(&bal, &def, INT64_MAX, &out);
  want = bal5(0, 0, 0, -INT64_MAX, 0);
  assert_balance_eq(&out, &want);
  bal = bal5(0, 0, 0, 0, 0);
  arr_alloc_payment(&bal, &def, INT64_MAX, &out);
  want = bal5(0, 0, 0, 0, -INT64_MAX);
  assert_balance_eq(&out, &want);

  /* out may alias bal. */
  bal = bal5(1000, 200, 50, 25, 0);
  arr_alloc_payment(&bal, &def, 100, &bal);
  want = bal5(0, -25, -50, -25, 0);
  assert_balance_eq(&bal, &want);
}

static uint64_t rng_next(uint64_t *s) {
  uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* A random owed-bucket balance: often zero or negative, sometimes large. */
static int64_t random_owed(uint64_t *seed) {
  uint64_t r = rng_next(seed);
  switch (r % 6) {
  case 0: return 0;
  case 1: return -(int64_t)(r >> 8 & 0xffff);
  case 2: return (int64_t)((r >> 8) % 1000000000000);
  default: return (int64_t)(r >> 8 & 0xfffff) + 1;
  }
}

static void test_alloc_property(void **state) {
  (void)state;
  uint64_t seed = 31337;
  for (int iter = 0; iter < 100000; iter++) {
    arr_balance bal;
    for (int b = 0; b < ARR_OWED_BUCKETS; b++) {
      bal.cents[b] = random_owed(&seed);
    }
    bal.cents[CR] = -(int64_t)(rng_next(&seed) % 1000);
    /* Random permutation (Fisher-Yates). */
    arr_alloc_order o = {
        {ARR_BUCKET_PRINCIPAL, ARR_BUCKET_INTEREST, ARR_BUCKET_FEES, ARR_BUCKET_COSTS}};
    for (int i = ARR_OWED_BUCKETS - 1; i > 0; i--) {
      int j = (int)(rng_next(&seed) % (uint64_t)(i + 1));
      arr_bucket t = o.order[i];
      o.order[i] = o.order[j];
      o.order[j] = t;
    }
    int64_t owed = 0;
    for (int b = 0; b < ARR_OWED_BUCKETS; b++) {
      owed += bal.cents[b] > 0 ? bal.cents[b] : 0;
    }
    /* Amounts around the owed total exercise partial, exact and over payment. */
    int64_t amount;
    switch (iter % 3) {
    case 0: amount = 1 + (int64_t)(rng_next(&seed) % (uint64_t)(owed + 1)); break;
    case 1: amount = owed > 0 ? owed : 1; break;
    default: amount = owed + 1 + (int64_t)(rng_next(&seed) % 100000); break;
    }

    arr_balance mv;
    arr_alloc_payment(&bal, &o, amount, &mv);

    /* Conservation: movements sum to exactly -amount. */
    int64_t sum;
    assert_true(arr_balance_total(&mv, &sum));
    assert_int_equal(sum, -amount);
    /* No owed bucket paid below zero; zero/negative buckets untouched; credit <= 0. */
    for (int b = 0; b < ARR_OWED_BUCKETS; b++) {
      assert_true(mv.cents[b] <= 0);
      if (bal.cents[b] <= 0) {
        assert_int_equal(mv.cents[b], 0);
      } else {
        assert_true(bal.cents[b] + mv.cents[b] >= 0);
      }
    }
    assert_true(mv.cents[CR] <= 0);
    /* Order: once a bucket is left unpaid, nothing later in the order (nor credit)
     * receives money. */
    bool unpaid_seen = false;
    for (int i = 0; i < ARR_OWED_BUCKETS; i++) {
      arr_bucket b = o.order[i];
      if (unpaid_seen) {
        assert_int_equal(mv.cents[b], 0);
      }
      if (bal.cents[b] + mv.cents[b] > 0) {
        unpaid_seen = true;
      }
    }
    if (unpaid_seen) {
      assert_int_equal(mv.cents[CR], 0);
    } else {
      assert_int_equal(mv.cents[CR], -(amount - owed));
    }
  }
}

static void test_negate_and_add(void **state) {
  (void)state;
  arr_balance a = bal5(100, -20, 0, 5, -7), n;
  arr_balance_negate(&a, &n);
  arr_balance want = bal5(-100, 20, 0, -5, 7);
  assert_balance_eq(&n, &want);
  arr_balance_negate(&a, &a); /* in-place */
  assert_balance_eq(&a, &want);
  n = bal5(INT64_MAX, 0, 0, 0, -INT64_MAX);
  arr_balance_negate(&n, &n);
  want = bal5(-INT64_MAX, 0, 0, 0, INT64_MAX);
  assert_balance_eq(&n, &want);

  arr_balance acc = bal5(1000, 200, 50, 25, 0);
  arr_balance delta = bal5(-1000, -100, 10, 0, -3);
  assert_true(arr_balance_add(&acc, &delta));
  want = bal5(0, 100, 60, 25, -3);
  assert_balance_eq(&acc, &want);

  /* A posting followed by its reversal restores the balance. */
  arr_balance before = acc, rev;
  arr_balance_negate(&delta, &rev);
  assert_true(arr_balance_add(&acc, &delta));
  assert_true(arr_balance_add(&acc, &rev));
  assert_balance_eq(&acc, &before);

  /* Overflow in any bucket (even the last) leaves acc unchanged. */
  acc = bal5(1, 2, 3, 4, INT64_MAX);
  arr_balance saved = acc;
  delta = bal5(10, 10, 10, 10, 1);
  assert_false(arr_balance_add(&acc, &delta));
  assert_balance_eq(&acc, &saved);
  acc = bal5(INT64_MIN, 0, 0, 0, 0);
  saved = acc;
  delta = bal5(-1, 0, 0, 0, 0);
  assert_false(arr_balance_add(&acc, &delta));
  assert_balance_eq(&acc, &saved);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bucket_names),
      cmocka_unit_test(test_default_order),
      cmocka_unit_test(test_order_roundtrip_all_permutations),
      cmocka_unit_test(test_order_parse_rejects),
      cmocka_unit_test(test_balance_total),
      cmocka_unit_test(test_alloc_examples),
      cmocka_unit_test(test_alloc_property),
      cmocka_unit_test(test_negate_and_add),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
