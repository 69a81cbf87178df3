/*
 * fuzz_date.c — libFuzzer target for core/date.
 *
 * Checks properties, not just absence of crashes: an accepted "YYYY-MM-DD" formats
 * back to exactly the input bytes (the parser is strict, so accepted text is
 * canonical); an accepted instant formats as UTC and parses back to the same second,
 * and a "Z" instant formats back to the input bytes; arr_time_parse and the formatters
 * never crash or overrun on any input or any int32 day / int64 second. Dates in the
 * accepted range also exercise the holiday and business-day functions. Any violation
 * calls abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      abort();                                                                           \
    }                                                                                    \
  } while (0)

/* Properties of a day number known to lie in the accepted year range. */
static void check_in_range_date(arr_date d, uint8_t knob) {
  int y, m, dd;
  arr_date_to_ymd(d, &y, &m, &dd);
  arr_date back;
  CHECK(arr_date_from_ymd(y, m, dd, &back) && back == d);
  char buf[ARR_DATE_FMT_MAX];
  CHECK(arr_date_format(d, buf) == 10 && strlen(buf) == 10);
  CHECK(arr_date_parse(buf, 10, &back) && back == d);
  int wd = arr_date_weekday(d);
  CHECK(wd >= 0 && wd <= 6);
  CHECK(arr_date_weekday(arr_date_add_days(d, 1)) == (wd + 1) % 7);
  bool hol = arr_date_is_federal_holiday(d);
  CHECK(!(hol && (wd == 0 || wd == 6)));
  CHECK(arr_date_is_business_day(d) == (!hol && wd != 0 && wd != 6));
  int32_t n = knob % 40;
  arr_date r = arr_date_add_business_days(d, n);
  CHECK(n == 0 ? r == d : (r > d && arr_date_is_business_day(r)));
  int32_t k = (int32_t)(knob % 49) - 24;
  arr_date mo = arr_date_add_months(d, k);
  int my, mm, md;
  arr_date_to_ymd(mo, &my, &mm, &md);
  CHECK((my * 12 + mm - 1) == (y * 12 + m - 1) + k);
  CHECK(md == (dd < arr_days_in_month(my, mm) ? dd : arr_days_in_month(my, mm)));
}

static void check_date_text(const char *s, size_t len, uint8_t knob) {
  arr_date d = 123;
  if (!arr_date_parse(s, len, &d)) {
    CHECK(d == 123);
    return;
  }
  char buf[ARR_DATE_FMT_MAX];
  CHECK(len == 10 && arr_date_format(d, buf) == 10 && memcmp(buf, s, 10) == 0);
  check_in_range_date(d, knob);
}

static void check_time_text(const char *s, size_t len) {
  arr_time t = 5;
  int off = 6;
  if (!arr_time_parse(s, len, &t, &off)) {
    CHECK(t == 5 && off == 6);
    return;
  }
  /* 19 characters of date and time, optional fractional seconds (".d" to 9 digits),
   * then "Z" (1) or an offset (6). */
  size_t frac = 0;
  if (s[19] == '.') {
    while (20 + frac < len && s[20 + frac] >= '0' && s[20 + frac] <= '9') {
      frac++;
    }
    CHECK(frac >= 1 && frac <= 9);
    frac++; /* the dot */
  }
  size_t zone = len - 19 - frac;
  CHECK(zone == 1 || zone == 6);
  CHECK(off >= -(14 * 60 + 59) && off <= 14 * 60 + 59);
  CHECK(zone == 6 || off == 0);
  char buf[ARR_TIME_FMT_MAX];
  CHECK(arr_time_format_utc(t, buf) == 20 && strlen(buf) == 20);
  if (len == 20) {
    CHECK(memcmp(buf, s, 20) == 0);
  }
  if (frac > 0) { /* the fraction is truncated: same instant as without it */
    char whole[40];
    memcpy(whole, s, 19);
    memcpy(whole + 19, s + 19 + frac, zone);
    arr_time w = 0;
    CHECK(arr_time_parse(whole, 19 + zone, &w, NULL) && w == t);
  }
  arr_time back = 0;
  int back_off = 1;
  if (arr_time_parse(buf, 20, &back, &back_off)) {
    CHECK(back == t && back_off == 0);
  } else {
    /* Only an offset can move the UTC instant out of the accepted years. */
    int y;
    arr_date_to_ymd(arr_time_utc_date(t), &y, NULL, NULL);
    CHECK(y == ARR_DATE_MIN_YEAR - 1 || y == ARR_DATE_MAX_YEAR + 1);
  }
}

static void check_raw(const uint8_t *data) {
  int32_t d32;
  int64_t t64;
  memcpy(&d32, data, sizeof d32);
  memcpy(&t64, data + 4, sizeof t64);
  char buf[ARR_TIME_FMT_MAX];
  CHECK(arr_date_format(d32, buf) == 10 && strlen(buf) == 10);
  CHECK(arr_time_format_utc(t64, buf) == 20 && strlen(buf) == 20);
  int wd = arr_date_weekday(d32);
  CHECK(wd >= 0 && wd <= 6);
  (void)arr_date_is_federal_holiday(d32);
  int y;
  arr_date_to_ymd(d32, &y, NULL, NULL);
  if (y >= ARR_DATE_MIN_YEAR && y <= ARR_DATE_MAX_YEAR) {
    check_in_range_date(d32, data[11]);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  uint8_t knob = size > 0 ? data[size - 1] : 0;
  check_date_text(s, size, knob);
  check_time_text(s, size);
  if (size >= 10) {
    check_date_text(s, 10, knob); /* a prefix, so longer inputs still reach parse */
  }
  if (size >= 12) {
    check_raw(data);
  }
  return 0;
}
