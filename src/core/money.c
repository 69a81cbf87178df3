/*
 * money.c — strict parsing and exact formatting of cents and percentages.
 *
 * Amounts arrive from clients' files, so the parser accepts exactly one shape,
 * -?digits(.d|.dd)?, and refuses everything else with a reason instead of guessing:
 * a misread "1,234.56" is money lost. Digits are accumulated in uint64 with a cap so a
 * thousand-digit input cannot overflow; the cap is checked against ARR_MONEY_MAX_CENTS
 * only after the syntax is known to be valid, so that the reported reason is the most
 * basic thing wrong with the input (syntax, then precision, then sign, then size).
 *
 * Formatting works on the uint64 magnitude so INT64_MIN (whose negation is undefined
 * in int64) prints correctly. Pure: no I/O, no allocation, no floating point.
 */
#include "core/money.h"

#include <assert.h>

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/* Result of scanning "digits[.digits]" without judging precision or range. */
typedef struct {
  bool ok;            /* shape is digits, optionally '.' and at least one digit */
  bool neg;           /* a leading '-' was present */
  bool whole_too_big; /* integer part exceeded whole_cap while scanning */
  uint64_t whole;     /* integer part (meaningless if whole_too_big) */
  uint64_t frac;      /* first max_frac fractional digits, as written */
  size_t frac_digits; /* number of fractional digits actually present */
} decimal_scan;

/* Scans s[0..len). Stops growing `whole` once it passes whole_cap so arbitrary
 * lengths are safe; only the first max_frac fractional digits are kept because more
 * are an error the caller reports. */
static decimal_scan scan_decimal(const char *s, size_t len, bool allow_minus,
                                 uint64_t whole_cap, size_t max_frac) {
  decimal_scan r = {0};
  size_t i = 0;
  if (allow_minus && len > 0 && s[0] == '-') {
    r.neg = true;
    i = 1;
  }
  size_t int_start = i;
  while (i < len && is_digit(s[i])) {
    if (!r.whole_too_big) {
      r.whole = r.whole * 10 + (uint64_t)(s[i] - '0');
      if (r.whole > whole_cap) {
        r.whole_too_big = true;
      }
    }
    i++;
  }
  if (i == int_start) {
    return r; /* no integer digits: "", "-", ".5", "$5", "+5" */
  }
  if (i < len) {
    if (s[i] != '.') {
      return r;
    }
    i++;
    size_t frac_start = i;
    while (i < len && is_digit(s[i])) {
      if (i - frac_start < max_frac) {
        r.frac = r.frac * 10 + (uint64_t)(s[i] - '0');
      }
      i++;
    }
    r.frac_digits = i - frac_start;
    if (i < len || r.frac_digits == 0) {
      return r; /* "1.2.3", "5.", "12.3x" */
    }
  }
  r.ok = true;
  return r;
}

arr_money_status arr_money_parse(const char *s, size_t len, bool allow_negative,
                                 int64_t *out_cents) {
  assert(out_cents != NULL);
  if (s == NULL || len == 0) {
    return ARR_MONEY_EMPTY;
  }
  const uint64_t max = (uint64_t)ARR_MONEY_MAX_CENTS;
  decimal_scan r = scan_decimal(s, len, true, max / 100, 2);
  if (!r.ok) {
    return ARR_MONEY_SYNTAX;
  }
  if (r.frac_digits > 2) {
    return ARR_MONEY_PRECISION;
  }
  if (r.neg && !allow_negative) {
    return ARR_MONEY_NEGATIVE;
  }
  if (r.whole_too_big) {
    return ARR_MONEY_OVERFLOW;
  }
  uint64_t frac = r.frac_digits == 1 ? r.frac * 10 : r.frac;
  uint64_t mag = r.whole * 100 + frac; /* whole <= max/100, so no wrap */
  if (mag > max) {
    return ARR_MONEY_OVERFLOW;
  }
  *out_cents = r.neg ? -(int64_t)mag : (int64_t)mag;
  return ARR_MONEY_OK;
}

const char *arr_money_status_str(arr_money_status st) {
  switch (st) {
  case ARR_MONEY_OK: return "is valid";
  case ARR_MONEY_EMPTY: return "is empty";
  case ARR_MONEY_SYNTAX:
    return "is not an amount like 1234.56 (digits, optional '-', optional '.' and "
           "one or two decimals; no spaces, '+', commas, exponents or symbols)";
  case ARR_MONEY_PRECISION: return "has more than two decimal places";
  case ARR_MONEY_OVERFLOW: return "is larger than 10000000000000.00";
  case ARR_MONEY_NEGATIVE: return "is negative where only zero or more is allowed";
  }
  return "has an unknown problem";
}

/* Writes the decimal digits of v into buf (no NUL); returns how many. */
static size_t put_uint(uint64_t v, char *buf) {
  char tmp[20]; /* UINT64_MAX has 20 digits */
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (size_t i = 0; i < n; i++) {
    buf[i] = tmp[n - 1 - i];
  }
  return n;
}

/* Writes v (< 10000) as exactly four zero-padded digits (no NUL). */
static void put_digits4(uint64_t v, char *buf) {
  for (int i = 3; i >= 0; i--) {
    buf[i] = (char)('0' + v % 10);
    v /= 10;
  }
}

/* |v| as uint64 without evaluating -INT64_MIN in int64 (undefined behaviour). */
static uint64_t magnitude(int64_t v) {
  return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

size_t arr_money_format(int64_t cents, char *buf) {
  assert(buf != NULL);
  uint64_t mag = magnitude(cents);
  size_t n = 0;
  if (cents < 0) {
    buf[n++] = '-';
  }
  n += put_uint(mag / 100, buf + n);
  buf[n++] = '.';
  buf[n++] = (char)('0' + mag % 100 / 10);
  buf[n++] = (char)('0' + mag % 10);
  buf[n] = '\0';
  assert(n < ARR_MONEY_FMT_MAX);
  return n;
}

bool arr_money_add(int64_t a, int64_t b, int64_t *out) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    return false;
  }
  *out = r;
  return true;
}

bool arr_money_sub(int64_t a, int64_t b, int64_t *out) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) {
    return false;
  }
  *out = r;
  return true;
}

/* 1000 percent in units of 1/10000 percent. */
#define PCT_MAX_E4 INT64_C(10000000)

bool arr_pct_parse(const char *s, size_t len, int64_t *out_pct_e4, const char **why) {
  assert(out_pct_e4 != NULL);
  const char *reason = NULL;
  if (s == NULL || len == 0) {
    reason = "is empty";
    goto fail;
  }
  decimal_scan r = scan_decimal(s, len, false, (uint64_t)PCT_MAX_E4 / 10000, 4);
  if (!r.ok) {
    reason = "is not a percentage like 5 or 5.25 (digits, optional '.' and up to four "
             "decimals; no spaces, signs, commas, exponents or '%')";
    goto fail;
  }
  if (r.frac_digits > 4) {
    reason = "has more than four decimal places";
    goto fail;
  }
  uint64_t frac = r.frac;
  for (size_t i = r.frac_digits; i < 4; i++) {
    frac *= 10;
  }
  uint64_t v = r.whole * 10000 + frac; /* whole <= 1001 when not too big */
  if (r.whole_too_big || v > (uint64_t)PCT_MAX_E4) {
    reason = "is above 1000 percent";
    goto fail;
  }
  *out_pct_e4 = (int64_t)v;
  return true;
fail:
  if (why != NULL) {
    *why = reason;
  }
  return false;
}

size_t arr_pct_format(int64_t pct_e4, char *buf) {
  assert(buf != NULL);
  uint64_t mag = magnitude(pct_e4);
  size_t n = 0;
  if (pct_e4 < 0) {
    buf[n++] = '-';
  }
  n += put_uint(mag / 10000, buf + n);
  uint64_t frac = mag % 10000;
  if (frac != 0) {
    /* Four digits, then drop trailing zeros: 2500 -> ".25", 5 -> ".0005". */
    buf[n++] = '.';
    put_digits4(frac, buf + n);
    n += 4;
    while (buf[n - 1] == '0') {
      n--;
    }
  }
  buf[n] = '\0';
  assert(n < 32);
  return n;
}
