/*
 * test_money.c — unit tests for core/money: strict parse tables (every example in
 * money.h), boundaries at ARR_MONEY_MAX_CENTS, formatting down to INT64_MIN, checked
 * arithmetic, percentages, and a seeded random round-trip property.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/money.h"

typedef struct {
  const char *in;
  bool allow_negative;
  arr_money_status want;
  int64_t cents; /* checked only when want == ARR_MONEY_OK */
} money_case;

static const money_case money_cases[] = {
    /* Accepted examples from money.h. */
    {"1234.56", false, ARR_MONEY_OK, 123456},
    {"1234.5", false, ARR_MONEY_OK, 123450},
    {"1234", false, ARR_MONEY_OK, 123400},
    {"-12.00", true, ARR_MONEY_OK, -1200},
    {"0.07", false, ARR_MONEY_OK, 7},
    /* Rejected examples from money.h. */
    {"1,234.56", true, ARR_MONEY_SYNTAX, 0},
    {"12.345", true, ARR_MONEY_PRECISION, 0},
    {"1.2.3", true, ARR_MONEY_SYNTAX, 0},
    {" 12", true, ARR_MONEY_SYNTAX, 0},
    {"12 ", true, ARR_MONEY_SYNTAX, 0},
    {"+5", true, ARR_MONEY_SYNTAX, 0},
    {".5", true, ARR_MONEY_SYNTAX, 0},
    {"5.", true, ARR_MONEY_SYNTAX, 0},
    {"", true, ARR_MONEY_EMPTY, 0},
    {"1e3", true, ARR_MONEY_SYNTAX, 0},
    {"$5", true, ARR_MONEY_SYNTAX, 0},
    /* Sign handling. */
    {"-12.00", false, ARR_MONEY_NEGATIVE, 0},
    {"-0.00", false, ARR_MONEY_NEGATIVE, 0},
    {"-0", false, ARR_MONEY_NEGATIVE, 0},
    {"-0.00", true, ARR_MONEY_OK, 0},
    {"-0.01", true, ARR_MONEY_OK, -1},
    {"-", true, ARR_MONEY_SYNTAX, 0},
    {"--5", true, ARR_MONEY_SYNTAX, 0},
    {"-.5", true, ARR_MONEY_SYNTAX, 0},
    {"5-", true, ARR_MONEY_SYNTAX, 0},
    /* Other shapes. */
    {"0", false, ARR_MONEY_OK, 0},
    {"0.0", false, ARR_MONEY_OK, 0},
    {"007.50", false, ARR_MONEY_OK, 750},
    {"0.1", false, ARR_MONEY_OK, 10},
    {"12.3x", true, ARR_MONEY_SYNTAX, 0},
    {"12.000", true, ARR_MONEY_PRECISION, 0},
    {"1.23456789", true, ARR_MONEY_PRECISION, 0},
    {"12,5", true, ARR_MONEY_SYNTAX, 0},
    {"\t5", true, ARR_MONEY_SYNTAX, 0},
    {"5\n", true, ARR_MONEY_SYNTAX, 0},
    {"0x10", true, ARR_MONEY_SYNTAX, 0},
    {"1_000", true, ARR_MONEY_SYNTAX, 0},
    {"NaN", true, ARR_MONEY_SYNTAX, 0},
    {"\xef\xbc\x95", true, ARR_MONEY_SYNTAX, 0}, /* fullwidth digit five */
    /* Boundaries at ARR_MONEY_MAX_CENTS = 10^15 cents = 10^13 dollars. */
    {"10000000000000.00", false, ARR_MONEY_OK, INT64_C(1000000000000000)},
    {"10000000000000", false, ARR_MONEY_OK, INT64_C(1000000000000000)},
    {"-10000000000000.00", true, ARR_MONEY_OK, -INT64_C(1000000000000000)},
    {"9999999999999.99", false, ARR_MONEY_OK, INT64_C(999999999999999)},
    {"10000000000000.01", false, ARR_MONEY_OVERFLOW, 0},
    {"-10000000000000.01", true, ARR_MONEY_OVERFLOW, 0},
    {"10000000000000.1", false, ARR_MONEY_OVERFLOW, 0},
    {"10000000000001", false, ARR_MONEY_OVERFLOW, 0},
    {"92233720368547758.07", false, ARR_MONEY_OVERFLOW, 0},
    {"99999999999999999999999999999999999999", false, ARR_MONEY_OVERFLOW, 0},
    {"000000000000000000000000000000000000001.00", false, ARR_MONEY_OK, 100},
    /* Reason precedence: shape before precision before sign before size. */
    {"-99999999999999999999", false, ARR_MONEY_NEGATIVE, 0},
    {"99999999999999999999.999", false, ARR_MONEY_PRECISION, 0},
    {"99999999999999999999x", false, ARR_MONEY_SYNTAX, 0},
};

static void test_parse_table(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof money_cases / sizeof money_cases[0]; i++) {
    const money_case *c = &money_cases[i];
    int64_t got = INT64_C(0x5a5a5a5a);
    arr_money_status st = arr_money_parse(c->in, strlen(c->in), c->allow_negative, &got);
    if (st != c->want) {
      print_error("input \"%s\" (allow_negative=%d): status %d, want %d\n", c->in,
                  c->allow_negative, (int)st, (int)c->want);
    }
    assert_int_equal(st, c->want);
    if (c->want == ARR_MONEY_OK) {
      assert_int_equal(got, c->cents);
    } else {
      assert_int_equal(got, INT64_C(0x5a5a5a5a)); /* untouched on error */
    }
  }
}

/* len, not NUL, ends the input: an embedded NUL is a syntax error and bytes after len
 * are never read. */
static void test_parse_respects_len(void **state) {
  (void)state;
  int64_t got = 0;
  assert_int_equal(arr_money_parse("12.34999", 5, false, &got), ARR_MONEY_OK);
  assert_int_equal(got, 1234);
  assert_int_equal(arr_money_parse("1\0002", 3, false, &got), ARR_MONEY_SYNTAX);
  assert_int_equal(arr_money_parse(NULL, 0, false, &got), ARR_MONEY_EMPTY);
  assert_int_equal(arr_money_parse("5", 0, false, &got), ARR_MONEY_EMPTY);
}

static void test_status_str(void **state) {
  (void)state;
  for (int st = ARR_MONEY_OK; st <= ARR_MONEY_NEGATIVE; st++) {
    const char *s = arr_money_status_str((arr_money_status)st);
    assert_non_null(s);
    assert_true(strlen(s) > 0);
  }
  assert_string_equal(arr_money_status_str(ARR_MONEY_PRECISION),
                      "has more than two decimal places");
}

static void test_format(void **state) {
  (void)state;
  static const struct {
    int64_t cents;
    const char *want;
  } cases[] = {
      {0, "0.00"},
      {1, "0.01"},
      {-1, "-0.01"},
      {10, "0.10"},
      {99, "0.99"},
      {100, "1.00"},
      {-1200, "-12.00"},
      {123456, "1234.56"},
      {ARR_MONEY_MAX_CENTS, "10000000000000.00"},
      {INT64_MAX, "92233720368547758.07"},
      {INT64_MIN, "-92233720368547758.08"},
      {INT64_MIN + 1, "-92233720368547758.07"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[ARR_MONEY_FMT_MAX];
    memset(buf, 'X', sizeof buf);
    size_t n = arr_money_format(cases[i].cents, buf);
    assert_string_equal(buf, cases[i].want);
    assert_int_equal(n, strlen(cases[i].want));
    assert_true(n < ARR_MONEY_FMT_MAX);
  }
}

static void test_add_sub(void **state) {
  (void)state;
  int64_t r = 42;
  assert_true(arr_money_add(5, 7, &r));
  assert_int_equal(r, 12);
  assert_true(arr_money_sub(5, 7, &r));
  assert_int_equal(r, -2);
  assert_true(arr_money_add(INT64_MAX - 1, 1, &r));
  assert_int_equal(r, INT64_MAX);

  r = 42;
  assert_false(arr_money_add(INT64_MAX, 1, &r));
  assert_false(arr_money_add(INT64_MIN, -1, &r));
  assert_false(arr_money_sub(INT64_MIN, 1, &r));
  assert_false(arr_money_sub(0, INT64_MIN, &r));
  assert_false(arr_money_sub(INT64_MAX, -1, &r));
  assert_int_equal(r, 42); /* untouched on overflow */
  assert_true(arr_money_sub(-1, INT64_MAX, &r));
  assert_int_equal(r, INT64_MIN);
}

static void test_pct_parse(void **state) {
  (void)state;
  static const struct {
    const char *in;
    bool ok;
    int64_t want;
  } cases[] = {
      {"5", true, 50000},
      {"5.25", true, 52500},
      {"18.9999", true, 189999},
      {"0", true, 0},
      {"0.0001", true, 1},
      {"1000", true, 10000000},
      {"1000.0000", true, 10000000},
      {"999.9999", true, 9999999},
      {"1000.0001", false, 0},
      {"1001", false, 0},
      {"99999999999999999999999", false, 0},
      {"5.25001", false, 0},
      {"", false, 0},
      {"-5", false, 0},
      {"+5", false, 0},
      {" 5", false, 0},
      {"5 ", false, 0},
      {"5%", false, 0},
      {"5.", false, 0},
      {".5", false, 0},
      {"1,5", false, 0},
      {"1e1", false, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t got = -7;
    const char *why = NULL;
    bool ok = arr_pct_parse(cases[i].in, strlen(cases[i].in), &got, &why);
    if (ok != cases[i].ok) {
      print_error("pct input \"%s\": ok=%d\n", cases[i].in, ok);
    }
    assert_int_equal(ok, cases[i].ok);
    if (ok) {
      assert_int_equal(got, cases[i].want);
    } else {
      assert_int_equal(got, -7);
      assert_non_null(why);
    }
  }
  const char *why = NULL;
  int64_t got;
  assert_false(arr_pct_parse("5.12345", 7, &got, &why));
  assert_string_equal(why, "has more than four decimal places");
  assert_false(arr_pct_parse("x", 1, &got, NULL)); /* why may be NULL */
}

static void test_pct_format(void **state) {
  (void)state;
  static const struct {
    int64_t e4;
    const char *want;
  } cases[] = {
      {0, "0"},           {50000, "5"},
      {52500, "5.25"},    {189999, "18.9999"},
      {1, "0.0001"},      {10, "0.001"},
      {10000000, "1000"}, {100500, "10.05"},
      {-52500, "-5.25"},  {INT64_MIN, "-922337203685477.5808"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[32];
    size_t n = arr_pct_format(cases[i].e4, buf);
    assert_string_equal(buf, cases[i].want);
    assert_int_equal(n, strlen(buf));
  }
}

/* splitmix64: a tiny, well-distributed PRNG so the property run is reproducible. */
static uint64_t rng_next(uint64_t *s) {
  uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Every in-range amount formats to text that parses back to the same amount, and the
 * text matches what printf would produce from the integer parts. */
static void test_roundtrip_property(void **state) {
  (void)state;
  uint64_t seed = 20261125;
  for (int i = 0; i < 200000; i++) {
    uint64_t r = rng_next(&seed);
    int64_t cents;
    switch (i % 3) {
    case 0:
      cents =
          (int64_t)(r % (2 * (uint64_t)ARR_MONEY_MAX_CENTS + 1)) - ARR_MONEY_MAX_CENTS;
      break;
    case 1: cents = (int64_t)(r % 200001) - 100000; break;
    default: cents = (int64_t)(r % 21) - 10 + (i % 2 ? ARR_MONEY_MAX_CENTS : 0); break;
    }
    char buf[ARR_MONEY_FMT_MAX];
    size_t n = arr_money_format(cents, buf);
    int64_t back = 0;
    arr_money_status st = arr_money_parse(buf, n, true, &back);
    uint64_t mag = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    char want[64];
    snprintf(want, sizeof want, "%s%llu.%02llu", cents < 0 ? "-" : "",
             (unsigned long long)(mag / 100), (unsigned long long)(mag % 100));
    assert_string_equal(buf, want);
    if (mag <= (uint64_t)ARR_MONEY_MAX_CENTS) {
      assert_int_equal(st, ARR_MONEY_OK);
      assert_int_equal(back, cents);
    } else {
      assert_int_equal(st, ARR_MONEY_OVERFLOW);
    }
  }
}

/* Percentages: every value 0..1000% formats and parses back exactly. */
static void test_pct_roundtrip_exhaustive(void **state) {
  (void)state;
  for (int64_t e4 = 0; e4 <= 10000000; e4++) {
    char buf[32];
    size_t n = arr_pct_format(e4, buf);
    int64_t back = -1;
    const char *why = NULL;
    if (!arr_pct_parse(buf, n, &back, &why) || back != e4) {
      fail_msg("pct %lld formatted as \"%s\" did not round-trip", (long long)e4, buf);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_table),
      cmocka_unit_test(test_parse_respects_len),
      cmocka_unit_test(test_status_str),
      cmocka_unit_test(test_format),
      cmocka_unit_test(test_add_sub),
      cmocka_unit_test(test_pct_parse),
      cmocka_unit_test(test_pct_format),
      cmocka_unit_test(test_roundtrip_property),
      cmocka_unit_test(test_pct_roundtrip_exhaustive),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
