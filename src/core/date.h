/*
 * date.h — civil dates and instants, business days, US federal holidays.
 *
 * arr_date is a day number: days since 1970-01-01 in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil algorithm), so date arithmetic is integer
 * arithmetic. arr_time is seconds since the Unix epoch (UTC). Pure: no clock, no I/O,
 * no time-zone database (zones are the compliance module's job).
 *
 * Federal holidays follow 5 U.S.C. 6103(a) with observed dates (Saturday -> Friday
 * before, Sunday -> Monday after), including Juneteenth from 2021 on. When Jan 1 falls
 * on a Saturday the observed holiday is Dec 31 of the year before.
 */
#ifndef ARR_DATE_H
#define ARR_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t arr_date; /* days since 1970-01-01 */
/* "No date" (an absent optional date): far outside the parsers' years. */
#define ARR_DATE_NONE INT32_MIN
typedef int64_t arr_time; /* seconds since 1970-01-01T00:00:00Z */

/* Years accepted by the parsers; everything outside is an input error. */
#define ARR_DATE_MIN_YEAR 1900
#define ARR_DATE_MAX_YEAR 2199

bool arr_is_leap_year(int year);
int arr_days_in_month(int year, int month); /* month 1..12 */

/* Validates and converts; false if y/m/d is not a real date or out of range. */
bool arr_date_from_ymd(int year, int month, int day, arr_date *out);
void arr_date_to_ymd(arr_date d, int *year, int *month, int *day);

/* Strict "YYYY-MM-DD" (exactly 10 chars, real date, year in range). */
bool arr_date_parse(const char *s, size_t len, arr_date *out);
/* Writes "YYYY-MM-DD" plus NUL; buf needs ARR_DATE_FMT_MAX bytes; returns 10. */
#define ARR_DATE_FMT_MAX 11
size_t arr_date_format(arr_date d, char *buf);

int arr_date_weekday(arr_date d); /* 0 = Sunday .. 6 = Saturday */
arr_date arr_date_add_days(arr_date d, int32_t days);
/* Adds calendar months keeping the day of month, clamped to the month's end
 * (Jan 31 + 1 month = Feb 28/29). Anchored: callers that step repeatedly should add
 * k months to the original date rather than 1 month k times, to avoid drift. */
arr_date arr_date_add_months(arr_date d, int32_t months);

bool arr_date_is_federal_holiday(arr_date d);
/* Not Saturday, not Sunday, not an (observed) federal holiday. */
bool arr_date_is_business_day(arr_date d);
/* The date n business days after d (n >= 0), not counting d itself: from Friday
 * 2026-11-20, 1 business day is Monday 2026-11-23. n = 0 returns d. */
arr_date arr_date_add_business_days(arr_date d, int32_t n);

/* Strict ISO 8601 instant: "YYYY-MM-DDTHH:MM:SS", optional fractional seconds (1 to 9
 * digits, truncated), then "Z" or "+HH:MM"/"-HH:MM". Returns false on any deviation.
 * *offset_min (may be NULL) receives the offset in minutes east of UTC. */
bool arr_time_parse(const char *s, size_t len, arr_time *out, int *offset_min);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" (UTC); buf needs ARR_TIME_FMT_MAX; returns 20. */
#define ARR_TIME_FMT_MAX 21
size_t arr_time_format_utc(arr_time t, char *buf);
/* The UTC calendar date of an instant. */
arr_date arr_time_utc_date(arr_time t);

#endif
