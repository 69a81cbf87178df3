/*
 * tz.c — offset lookup in the generated zone tables (binary search over transitions)
 * and the conversions between instants and local wall time (see tz.h).
 */
#include "core/tz.h"

#include <assert.h>
#include <string.h>

const arr_tz *arr_tz_find(const char *name) {
  for (int i = 0; i < arr_tz_zone_count; i++) {
    if (strcmp(arr_tz_zones[i].name, name) == 0) {
      return &arr_tz_zones[i];
    }
  }
  return NULL;
}

/* Index of the last transition at or before t, or -1. */
static int last_transition(const arr_tz *z, arr_time t) {
  int lo = 0, hi = z->ntransitions - 1, found = -1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    if (z->transitions[mid].at_utc <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

int32_t arr_tz_offset_min(const arr_tz *z, arr_time t) {
  assert(z != NULL);
  int i = last_transition(z, t);
  return i < 0 ? z->base_offset_min : z->transitions[i].offset_min;
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void arr_tz_local(const arr_tz *z, arr_time t, arr_date *day, int32_t *minute) {
  int64_t local = t + (int64_t)arr_tz_offset_min(z, t) * 60;
  int64_t d = floor_div(local, 86400);
  *day = (arr_date)d;
  *minute = (int32_t)((local - d * 86400) / 60);
}

arr_time arr_tz_instant(const arr_tz *z, arr_date day, int32_t minute) {
  const int64_t wall = (int64_t)day * 86400 + (int64_t)minute * 60;
  /* No US zone is more than 14 hours from UTC: the offsets in effect 14 hours either
   * side of the wall time are the only candidates. */
  int32_t before = arr_tz_offset_min(z, wall - 14 * 3600);
  int32_t after = arr_tz_offset_min(z, wall + 14 * 3600);
  arr_time best = 0;
  bool found = false;
  const int32_t cand[2] = {before, after};
  for (int i = 0; i < 2; i++) {
    arr_time t = wall - (int64_t)cand[i] * 60;
    if (arr_tz_offset_min(z, t) == cand[i] && (!found || t < best)) {
      best = t;
      found = true;
    }
  }
  if (found) {
    return best; /* in a repeated hour, the first of the two instants */
  }
  /* The wall time was skipped (spring forward): the jump itself is the first instant
   * at or after it. */
  arr_time t = wall - (int64_t)before * 60;
  int i = last_transition(z, t);
  assert(i >= 0);
  return z->transitions[i].at_utc;
}
