/*
 * fuzz_money.c — libFuzzer target for core/money.
 *
 * Feeds arbitrary bytes to the money and percentage parsers and checks properties
 * rather than just "no crash", because the dangerous money bugs are silent: an
 * accepted amount must be within ±ARR_MONEY_MAX_CENTS, must format to text that
 * parses back to exactly the same cents, and the formatted text is canonical (a
 * second round trip gives the same bytes). The first 16 bytes are also read as two
 * int64 values to check formatting of every int64 (INT64_MIN included) and the checked
 * adders against 128-bit arithmetic. Any violation calls abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      abort();                                                                           \
    }                                                                                    \
  } while (0)

/* Independent canonical form of an accepted amount's text: leading zeros dropped,
 * decimals padded to two, no sign on zero. Comparing it with arr_money_format catches
 * value errors a parse->format->parse round trip cannot (e.g. "1.5" read as 1.05). */
static size_t canonical(const char *s, size_t len, char *out) {
  size_t i = 0, n = 0;
  bool neg = len > 0 && s[0] == '-';
  if (neg) {
    i = 1;
  }
  while (i + 1 < len && s[i] == '0' && s[i + 1] != '.') {
    i++; /* leading zeros, keeping one before '.' or at the end */
  }
  bool nonzero = false;
  for (size_t j = i; j < len; j++) {
    nonzero = nonzero || (s[j] >= '1' && s[j] <= '9');
  }
  if (neg && nonzero) {
    out[n++] = '-';
  }
  size_t dot = len;
  for (size_t j = i; j < len; j++) {
    if (s[j] == '.') {
      dot = j;
    }
  }
  CHECK(dot - i <= 14); /* at most 10^13 dollars */
  memcpy(out + n, s + i, dot - i);
  n += dot - i;
  out[n++] = '.';
  size_t decimals = dot < len ? len - dot - 1 : 0;
  CHECK(decimals <= 2);
  for (size_t j = 0; j < 2; j++) {
    out[n++] = j < decimals ? s[dot + 1 + j] : '0';
  }
  out[n] = '\0';
  return n;
}

static void check_money(const char *s, size_t len) {
  int64_t pos = INT64_C(0x7777), any = INT64_C(0x7777);
  arr_money_status st_pos = arr_money_parse(s, len, false, &pos);
  arr_money_status st_any = arr_money_parse(s, len, true, &any);
  CHECK(arr_money_status_str(st_pos) != NULL);
  if (st_pos != ARR_MONEY_OK) {
    CHECK(pos == INT64_C(0x7777)); /* output untouched on error */
  }
  if (st_any != ARR_MONEY_OK) {
    CHECK(any == INT64_C(0x7777));
    CHECK(st_pos != ARR_MONEY_OK); /* allowing '-' never rejects more */
    return;
  }
  if (st_pos == ARR_MONEY_OK) {
    CHECK(pos == any && pos >= 0);
  } else {
    CHECK(st_pos == ARR_MONEY_NEGATIVE && len > 0 && s[0] == '-');
  }
  CHECK(any <= ARR_MONEY_MAX_CENTS && any >= -ARR_MONEY_MAX_CENTS);

  char buf[ARR_MONEY_FMT_MAX];
  size_t n = arr_money_format(any, buf);
  CHECK(n < ARR_MONEY_FMT_MAX && strlen(buf) == n);
  char canon[ARR_MONEY_FMT_MAX];
  CHECK(canonical(s, len, canon) == n && memcmp(canon, buf, n) == 0);
  int64_t back = 0;
  CHECK(arr_money_parse(buf, n, true, &back) == ARR_MONEY_OK);
  CHECK(back == any);
  char buf2[ARR_MONEY_FMT_MAX];
  CHECK(arr_money_format(back, buf2) == n && memcmp(buf, buf2, n + 1) == 0);
}

static void check_pct(const char *s, size_t len) {
  int64_t v = -7;
  const char *why = NULL;
  if (!arr_pct_parse(s, len, &v, &why)) {
    CHECK(why != NULL && v == -7);
    return;
  }
  CHECK(v >= 0 && v <= 10000000);
  char buf[32];
  size_t n = arr_pct_format(v, buf);
  CHECK(n < 32 && strlen(buf) == n);
  int64_t back = -1;
  CHECK(arr_pct_parse(buf, n, &back, &why));
  CHECK(back == v);
}

static void check_int64(int64_t v) {
  char buf[ARR_MONEY_FMT_MAX];
  size_t n = arr_money_format(v, buf);
  CHECK(n < ARR_MONEY_FMT_MAX && strlen(buf) == n);
  int64_t back = 0;
  arr_money_status st = arr_money_parse(buf, n, true, &back);
  if (v >= -ARR_MONEY_MAX_CENTS && v <= ARR_MONEY_MAX_CENTS) {
    CHECK(st == ARR_MONEY_OK && back == v);
  } else {
    CHECK(st == ARR_MONEY_OVERFLOW);
  }
  char pbuf[32];
  size_t pn = arr_pct_format(v, pbuf);
  CHECK(pn < 32 && strlen(pbuf) == pn);
}

static void check_arith(int64_t a, int64_t b) {
  __int128 sum = (__int128)a + b, diff = (__int128)a - b;
  int64_t r = 99;
  bool ok = arr_money_add(a, b, &r);
  CHECK(ok == (sum >= INT64_MIN && sum <= INT64_MAX));
  CHECK(ok ? r == (int64_t)sum : r == 99);
  r = 99;
  ok = arr_money_sub(a, b, &r);
  CHECK(ok == (diff >= INT64_MIN && diff <= INT64_MAX));
  CHECK(ok ? r == (int64_t)diff : r == 99);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  check_money(s, size);
  check_pct(s, size);
  if (size >= 16) {
    int64_t a, b;
    memcpy(&a, data, sizeof a);
    memcpy(&b, data + 8, sizeof b);
    check_int64(a);
    check_int64(b);
    check_arith(a, b);
  }
  return 0;
}
