/*
 * zones.h — the time zones a US state (or territory) spans, for the compliance
 * engine's candidate zones when only the state is known. A state that spans two zones
 * yields both. Data from the tz database's zone boundaries (zone1970.tab comments and
 * the zones' coverage), kept as a table; see zones.c.
 */
#ifndef ARR_ZONES_H
#define ARR_ZONES_H

/* NULL-terminated list of tz names for a two-letter state code, or NULL if unknown. */
const char *const *arr_zones_of_state(const char *state);

#endif
