/*
 * date.c — civil dates as day numbers, instants, business days, federal holidays.
 *
 * Conversions use Howard Hinnant's days_from_civil / civil_from_days
 * (https://howardhinnant.github.io/date_algorithms.html), done in int64 internally so
 * that every int32 day number converts without overflow. The algorithms count in
 * 400-year eras starting on March 1, which makes leap days fall at the end of the
 * computational year and keeps everything branch-light integer arithmetic.
 *
 * Holidays are decided in O(1) with no tables and no cache, because business-day
 * loops call the check for every day: a floating holiday ("3rd Monday of January") is
 * recognised from the date's own month, weekday and week-of-month; a fixed holiday
 * (Jan 1, Jun 19, Jul 4, Nov 11, Dec 25) is observed on a weekday d when d itself, or
 * the Saturday after a Friday d, or the Sunday before a Monday d, is that holiday.
 * Looking at the neighbour day rather than "the year's list" is what makes the
 * Dec 31 observance of a Saturday New Year's Day fall out naturally.
 *
 * Scope of the holiday rules: today's 5 U.S.C. 6103(a) list with the Uniform Monday
 * Holiday Act dates, MLK Day from 1986 and Juneteenth from 2021. Earlier statutory
 * dates (e.g. Memorial Day on May 30 before 1971) are not modelled: the rules serve
 * deadlines computed on current accounts. Inauguration Day (6103(c), DC area only) is
 * not a nationwide holiday and is excluded. Pure: no clock, no I/O.
 */
#include "core/date.h"

#include <assert.h>

enum { SECS_PER_DAY = 86400 };

/* Floor division for possibly negative numerators (C rounds toward zero). */
static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);                       /* [0, 399] */
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
  return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool leap64(int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static unsigned days_in_month64(int64_t y, unsigned m) {
  static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  assert(m >= 1 && m <= 12);
  return (m == 2 && leap64(y)) ? 29u : mdays[m - 1];
}

/* Narrows an internal day number to arr_date; leaving int32 range is a caller bug
 * (millions of years away from any real account), so it is asserted, not clamped. */
static arr_date to_date(int64_t days) {
  assert(days >= INT32_MIN && days <= INT32_MAX);
  return (arr_date)days;
}

bool arr_is_leap_year(int year) {
  return leap64(year);
}

int arr_days_in_month(int year, int month) {
  if (month < 1 || month > 12) {
    return 0;
  }
  return (int)days_in_month64(year, (unsigned)month);
}

bool arr_date_from_ymd(int year, int month, int day, arr_date *out) {
  if (year < ARR_DATE_MIN_YEAR || year > ARR_DATE_MAX_YEAR || month < 1 || month > 12 ||
      day < 1 || day > arr_days_in_month(year, month)) {
    return false;
  }
  *out = (arr_date)days_from_civil(year, (unsigned)month, (unsigned)day);
  return true;
}

void arr_date_to_ymd(arr_date d, int *year, int *month, int *day) {
  int64_t y;
  unsigned m, dd;
  civil_from_days(d, &y, &m, &dd);
  /* |y| < 6e6 for any int32 day number, so it fits int. */
  if (year != NULL) {
    *year = (int)y;
  }
  if (month != NULL) {
    *month = (int)m;
  }
  if (day != NULL) {
    *day = (int)dd;
  }
}

/* Reads n ASCII digits; -1 if any is not a digit. */
static int read_digits(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') {
      return -1;
    }
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

bool arr_date_parse(const char *s, size_t len, arr_date *out) {
  if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-') {
    return false;
  }
  int y = read_digits(s, 4);
  int m = read_digits(s + 5, 2);
  int d = read_digits(s + 8, 2);
  if (y < 0 || m < 0 || d < 0) {
    return false;
  }
  return arr_date_from_ymd(y, m, d, out);
}

/* Writes v as exactly n zero-padded digits (v must fit). */
static void put_digits(char *buf, int64_t v, int n) {
  for (int i = n - 1; i >= 0; i--) {
    buf[i] = (char)('0' + v % 10);
    v /= 10;
  }
}

/* Writes "YYYY-MM-DD" (no NUL) for day number z. A year outside 0000..9999 cannot be
 * written in four digits; it becomes "0000-00-00", which no parser accepts, so a
 * corrupt date is visible rather than silently shortened. */
static void put_date(int64_t z, char *buf) {
  int64_t y;
  unsigned m, d;
  civil_from_days(z, &y, &m, &d);
  if (y < 0 || y > 9999) {
    y = 0;
    m = 0;
    d = 0;
  }
  put_digits(buf, y, 4);
  buf[4] = '-';
  put_digits(buf + 5, m, 2);
  buf[7] = '-';
  put_digits(buf + 8, d, 2);
}

size_t arr_date_format(arr_date d, char *buf) {
  assert(buf != NULL);
  put_date(d, buf);
  buf[10] = '\0';
  return 10;
}

int arr_date_weekday(arr_date d) {
  /* 1970-01-01 was a Thursday (4). */
  int64_t w = ((int64_t)d + 4) % 7;
  return (int)(w < 0 ? w + 7 : w);
}

arr_date arr_date_add_days(arr_date d, int32_t days) {
  return to_date((int64_t)d + days);
}

arr_date arr_date_add_months(arr_date d, int32_t months) {
  int64_t y;
  unsigned m, day;
  civil_from_days(d, &y, &m, &day);
  int64_t idx = y * 12 + (int64_t)(m - 1) + months; /* months since year 0 */
  int64_t ny = floor_div(idx, 12);
  unsigned nm = (unsigned)(idx - ny * 12) + 1;
  unsigned last = days_in_month64(ny, nm);
  return to_date(days_from_civil(ny, nm, day < last ? day : last));
}

/* Is day number z the actual (not observed) date of a fixed-date holiday? */
static bool is_fixed_holiday(int64_t z) {
  int64_t y;
  unsigned m, d;
  civil_from_days(z, &y, &m, &d);
  switch (m) {
  case 1: return d == 1;               /* New Year's Day */
  case 6: return d == 19 && y >= 2021; /* Juneteenth */
  case 7: return d == 4;               /* Independence Day */
  case 11: return d == 11;             /* Veterans Day */
  case 12: return d == 25;             /* Christmas Day */
  default: return false;
  }
}

/* Is (month, day, weekday) a Monday/Thursday-rule holiday in year y? */
static bool is_floating_holiday(int64_t y, unsigned m, unsigned d, int wd) {
  unsigned nth = (d - 1) / 7 + 1; /* 1 = first such weekday of the month */
  switch (m) {
  case 1: return wd == 1 && nth == 3 && y >= 1986; /* Martin Luther King Jr. Day */
  case 2: return wd == 1 && nth == 3;              /* Washington's Birthday */
  case 5: return wd == 1 && d + 7 > 31;            /* Memorial Day: last Monday */
  case 9: return wd == 1 && nth == 1;              /* Labor Day */
  case 10: return wd == 1 && nth == 2;             /* Columbus Day */
  case 11: return wd == 4 && nth == 4;             /* Thanksgiving Day */
  default: return false;
  }
}

bool arr_date_is_federal_holiday(arr_date d) {
  int wd = arr_date_weekday(d);
  if (wd == 0 || wd == 6) {
    return false; /* observance always moves a holiday onto a weekday */
  }
  int64_t y;
  unsigned m, day;
  civil_from_days(d, &y, &m, &day);
  if (is_floating_holiday(y, m, day, wd)) {
    return true;
  }
  if (is_fixed_holiday(d)) {
    return true;
  }
  if (wd == 5 && is_fixed_holiday((int64_t)d + 1)) {
    return true; /* Saturday holiday observed the Friday before */
  }
  return wd == 1 && is_fixed_holiday((int64_t)d - 1); /* Sunday -> Monday after */
}

bool arr_date_is_business_day(arr_date d) {
  int wd = arr_date_weekday(d);
  return wd != 0 && wd != 6 && !arr_date_is_federal_holiday(d);
}

arr_date arr_date_add_business_days(arr_date d, int32_t n) {
  assert(n >= 0);
  /* Linear in n with an O(1) holiday check per day: n is a statutory period (days
   * to weeks) and consecutive business days are at most four calendar days apart
   * (a weekend plus one holiday), so the loop is short and needs no yearly table. */
  int64_t z = d;
  for (int32_t left = n; left > 0;) {
    z++;
    if (arr_date_is_business_day(to_date(z))) {
      left--;
    }
  }
  return to_date(z);
}

bool arr_time_parse(const char *s, size_t len, arr_time *out, int *offset_min) {
  if (s == NULL || len < 20 || len > 35) {
    return false;
  }
  arr_date day;
  if (!arr_date_parse(s, 10, &day) || s[10] != 'T' || s[13] != ':' || s[16] != ':') {
    return false;
  }
  int hh = read_digits(s + 11, 2);
  int mm = read_digits(s + 14, 2);
  int ss = read_digits(s + 17, 2);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) {
    return false; /* no leap second 60: Unix time cannot represent it */
  }
  /* Fractional seconds (".123", what browsers send) are accepted and truncated:
   * every time arrears keeps is to the second. */
  size_t pos = 19;
  if (s[pos] == '.') {
    size_t digits = 0;
    for (pos++; pos < len && s[pos] >= '0' && s[pos] <= '9'; pos++) {
      digits++;
    }
    if (digits == 0 || digits > 9) {
      return false;
    }
  }
  const char *z = s + pos;
  size_t zlen = len - pos;
  int off = 0;
  if (zlen == 1) {
    if (z[0] != 'Z') {
      return false;
    }
  } else if (zlen == 6) {
    if ((z[0] != '+' && z[0] != '-') || z[3] != ':') {
      return false;
    }
    int oh = read_digits(z + 1, 2);
    int om = read_digits(z + 4, 2);
    if (oh < 0 || oh > 14 || om < 0 || om > 59) {
      return false;
    }
    off = (oh * 60 + om) * (z[0] == '-' ? -1 : 1);
  } else {
    return false;
  }
  /* Local wall time minus the offset east of UTC gives the UTC instant. */
  *out = (arr_time)day * SECS_PER_DAY + hh * 3600 + mm * 60 + ss - (arr_time)off * 60;
  if (offset_min != NULL) {
    *offset_min = off;
  }
  return true;
}

size_t arr_time_format_utc(arr_time t, char *buf) {
  assert(buf != NULL);
  /* Remainder first: days * SECS_PER_DAY would overflow for t near INT64_MIN. */
  int64_t sod = t % SECS_PER_DAY;
  if (sod < 0) {
    sod += SECS_PER_DAY;
  }
  int64_t days = floor_div(t, SECS_PER_DAY); /* sod is now in [0, 86399] */
  put_date(days, buf);
  buf[10] = 'T';
  put_digits(buf + 11, sod / 3600, 2);
  buf[13] = ':';
  put_digits(buf + 14, sod / 60 % 60, 2);
  buf[16] = ':';
  put_digits(buf + 17, sod % 60, 2);
  buf[19] = 'Z';
  buf[20] = '\0';
  return 20;
}

arr_date arr_time_utc_date(arr_time t) {
  return to_date(floor_div(t, SECS_PER_DAY));
}
