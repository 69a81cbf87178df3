/*
 * zones.c — US states and territories to the tz database zones they span, area codes
 * and ZIP codes to theirs (zones.h). Where part of a state keeps another zone (the
 * Florida panhandle, west Texas, the Idaho panhandle...), every zone is listed: a
 * contact must be convenient in all of them unless the ZIP narrows it down.
 */
#include "core/zones.h"

#include <string.h>

typedef struct {
  const char *state;
  const char *zones[5];
} state_zones;

static const state_zones STATES[] = {
    {"AL", {"America/Chicago"}},
    {"AK", {"America/Anchorage", "America/Adak"}},
    {"AZ", {"America/Phoenix", "America/Denver"}}, /* the Navajo Nation keeps DST */
    {"AR", {"America/Chicago"}},
    {"CA", {"America/Los_Angeles"}},
    {"CO", {"America/Denver"}},
    {"CT", {"America/New_York"}},
    {"DE", {"America/New_York"}},
    {"DC", {"America/New_York"}},
    {"FL", {"America/New_York", "America/Chicago"}},
    {"GA", {"America/New_York"}},
    {"HI", {"Pacific/Honolulu"}},
    {"ID", {"America/Boise", "America/Los_Angeles"}},
    {"IL", {"America/Chicago"}},
    {"IN", {"America/Indiana/Indianapolis", "America/Chicago"}},
    {"IA", {"America/Chicago"}},
    {"KS", {"America/Chicago", "America/Denver"}},
    {"KY", {"America/New_York", "America/Chicago"}},
    {"LA", {"America/Chicago"}},
    {"ME", {"America/New_York"}},
    {"MD", {"America/New_York"}},
    {"MA", {"America/New_York"}},
    {"MI", {"America/Detroit", "America/Menominee"}},
    {"MN", {"America/Chicago"}},
    {"MS", {"America/Chicago"}},
    {"MO", {"America/Chicago"}},
    {"MT", {"America/Denver"}},
    {"NE", {"America/Chicago", "America/Denver"}},
    {"NV", {"America/Los_Angeles", "America/Denver"}},
    {"NH", {"America/New_York"}},
    {"NJ", {"America/New_York"}},
    {"NM", {"America/Denver"}},
    {"NY", {"America/New_York"}},
    {"NC", {"America/New_York"}},
    {"ND", {"America/Chicago", "America/Denver"}},
    {"OH", {"America/New_York"}},
    {"OK", {"America/Chicago"}},
    {"OR", {"America/Los_Angeles", "America/Boise"}},
    {"PA", {"America/New_York"}},
    {"RI", {"America/New_York"}},
    {"SC", {"America/New_York"}},
    {"SD", {"America/Chicago", "America/Denver"}},
    {"TN", {"America/Chicago", "America/New_York"}},
    {"TX", {"America/Chicago", "America/Denver"}},
    {"UT", {"America/Denver"}},
    {"VT", {"America/New_York"}},
    {"VA", {"America/New_York"}},
    {"WA", {"America/Los_Angeles"}},
    {"WV", {"America/New_York"}},
    {"WI", {"America/Chicago"}},
    {"WY", {"America/Denver"}},
    {"PR", {"America/Puerto_Rico"}},
    {"VI", {"America/St_Thomas"}},
    {"GU", {"Pacific/Guam"}},
    {"MP", {"Pacific/Saipan"}},
    {"AS", {"Pacific/Pago_Pago"}},
};

const char *const *arr_zones_of_state(const char *state) {
  for (size_t i = 0; i < sizeof STATES / sizeof STATES[0]; i++) {
    if (strcmp(STATES[i].state, state) == 0) {
      return STATES[i].zones;
    }
  }
  return NULL;
}

const char *const *arr_zones_of_area_code(int code) {
  int lo = 0, hi = arr_area_code_count - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    if (arr_area_codes[mid].code == code) {
      return arr_area_codes[mid].zones;
    }
    if (arr_area_codes[mid].code < code) {
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return NULL;
}

const char *arr_zone_of_zip(const char *zip, size_t len) {
  if (zip == NULL || (len != 5 && len != 9 && len != 10)) {
    return NULL;
  }
  /* The +4 digits are checked but not used: the zone belongs to the 5-digit ZIP. */
  uint32_t n = 0;
  for (size_t i = 0; i < len; i++) {
    char c = zip[i];
    if (len == 10 && i == 5) {
      if (c != '-') {
        return NULL;
      }
      continue;
    }
    if (c < '0' || c > '9') {
      return NULL;
    }
    if (i < 5) {
      n = n * 10 + (uint32_t)(c - '0');
    }
  }
  /* The last range starting at or before n is the only one that can hold it. */
  int lo = 0, hi = arr_zip_range_count - 1, found = -1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    if (arr_zip_ranges[mid].first <= n) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found < 0 || n > arr_zip_ranges[found].last) {
    return NULL;
  }
  return arr_zip_zone_names[arr_zip_ranges[found].zone];
}
