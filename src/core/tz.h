/*
 * tz.h — local time in US time zones without I/O: the offset history of each zone is
 * a table generated from the tz database by scripts/gen-tz (src/core/tz_data.c), so
 * the compliance engine can ask "what is the local time there at this instant?" and
 * "when is the next 08:00 there?" purely, correctly across daylight-saving changes.
 */
#ifndef ARR_TZ_H
#define ARR_TZ_H

#include <stdint.h>

#include "core/date.h"

typedef struct {
  int64_t at_utc;     /* the instant the offset changes */
  int32_t offset_min; /* minutes east of UTC from then on */
} arr_tz_transition;

typedef struct {
  const char *name;        /* tz database name, e.g. "America/New_York" */
  int32_t base_offset_min; /* before the first transition */
  const arr_tz_transition *transitions;
  int ntransitions;
} arr_tz;

extern const arr_tz arr_tz_zones[];
extern const int arr_tz_zone_count;

/* The zone with this tz database name, or NULL. */
const arr_tz *arr_tz_find(const char *name);
/* Minutes east of UTC in zone z at instant t. */
int32_t arr_tz_offset_min(const arr_tz *z, arr_time t);
/* Local civil date and minute of day (0..1439) of instant t in zone z. */
void arr_tz_local(const arr_tz *z, arr_time t, arr_date *day, int32_t *minute);
/* The first instant >= t at which the local wall clock in z reads day at minute (or,
 * when that wall time does not exist because the clock jumped over it, the instant of
 * the jump). */
arr_time arr_tz_instant(const arr_tz *z, arr_date day, int32_t minute);

#endif
