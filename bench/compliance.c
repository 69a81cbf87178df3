/*
 * compliance.c (bench) — decisions per second of the compliance engine, the way a
 * dialer list is filtered: N proposed calls, each with its person's facts (one to three
 * candidate zones, sometimes a hold or a state overlay) and a contact history of up to
 * 12 past contacts, decided in a loop with no I/O. Single thread (per core figures).
 *
 * Baseline, side by side: the same N instants converted to local time with glibc's
 * localtime_r under TZ (the system tz database), the usual way C code answers "what
 * time is it there?" — one call per zone, no rules at all.
 *
 *   bench_compliance N SEED      prints one line per measurement, key=value
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/compliance.h"

static uint64_t rng;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum { HIST = 12 };

typedef struct {
  arr_compliance_facts f;
  arr_past_contact hist[HIST];
  int nhist;
  arr_proposed_contact p;
} item;

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  rng = argc > 2 ? strtoull(argv[2], NULL, 10) * 2654435761u + 1 : 42;
  static const char *const ZONES[] = {
      "America/New_York",    "America/Chicago",
      "America/Denver",      "America/Phoenix",
      "America/Los_Angeles", "America/Anchorage",
      "Pacific/Honolulu",    "America/Indiana/Indianapolis"};
  item *items = malloc(sizeof *items * (size_t)n);
  if (items == NULL) {
    return 1;
  }
  const arr_time base = 1795500000; /* 2026-11-23 */
  for (long i = 0; i < n; i++) {
    item *it = &items[i];
    memset(it, 0, sizeof *it);
    it->f.nzones = 1 + (int)(rnd() % 3);
    for (int z = 0; z < it->f.nzones; z++) {
      it->f.zones[z] = arr_tz_find(ZONES[rnd() % 8]);
    }
    it->f.stated_from_min = it->f.stated_to_min = -1;
    it->f.debt_key = 1;
    it->f.cease = rnd() % 100 == 0;
    it->f.dispute_pending = rnd() % 100 == 0;
    it->f.in_ma = rnd() % 50 == 0;
    it->f.consent_at = rnd() % 20 == 0 ? base - (arr_time)(rnd() % (10 * 86400)) : 0;
    it->nhist = (int)(rnd() % (HIST + 1));
    for (int h = 0; h < it->nhist; h++) {
      it->hist[h].at = base - (arr_time)(rnd() % (14 * 86400));
      it->hist[h].channel = rnd() % 5 == 0 ? ARR_CH_SMS : ARR_CH_CALL;
      it->hist[h].outcome = (arr_outcome)(rnd() % 8);
      it->hist[h].line = (arr_line)(1 + rnd() % 3);
      it->hist[h].debt_key = 1 + (rnd() % 4 == 0);
    }
    it->p.channel = ARR_CH_CALL;
    it->p.at = base + (arr_time)(rnd() % 86400);
    it->p.line = (arr_line)(1 + rnd() % 3);
    it->p.autodial = rnd() % 2;
    it->p.autodial_consent = rnd() % 2;
  }
  int nrules = 0;
  const arr_rule *rules = arr_compliance_rules(&nrules);

  double w0 = now_s(), c0 = cpu_s();
  long allowed = 0;
  for (long i = 0; i < n; i++) {
    arr_decision d;
    arr_compliance_check(rules, nrules, &items[i].f, items[i].hist, items[i].nhist,
                         &items[i].p, &d);
    allowed += d.allowed;
  }
  double w1 = now_s(), c1 = cpu_s();
  printf("engine decisions=%ld allowed=%ld wall_s=%.3f cpu_s=%.3f per_s=%.0f\n", n,
         allowed, w1 - w0, c1 - c0, (double)n / (c1 - c0));

  /* Baseline: localtime_r in each candidate zone (TZ switched per zone, grouped so
   * tzset reloads once per zone, which favors the baseline). */
  long in_hours = 0;
  double b0 = now_s(), bc0 = cpu_s();
  for (int z = 0; z < 8; z++) {
    setenv("TZ", ZONES[z], 1);
    tzset();
    const arr_tz *zone = arr_tz_find(ZONES[z]);
    for (long i = 0; i < n; i++) {
      for (int k = 0; k < items[i].f.nzones; k++) {
        if (items[i].f.zones[k] == zone) {
          time_t t = (time_t)items[i].p.at;
          struct tm tm;
          localtime_r(&t, &tm);
          in_hours += tm.tm_hour >= 8 && tm.tm_hour < 21;
        }
      }
    }
  }
  double b1 = now_s(), bc1 = cpu_s();
  long zone_lookups = 0;
  for (long i = 0; i < n; i++) {
    zone_lookups += items[i].f.nzones;
  }
  printf("baseline localtime_r_calls=%ld in_hours=%ld wall_s=%.3f cpu_s=%.3f "
         "decisions_per_s=%.0f\n",
         zone_lookups, in_hours, b1 - b0, bc1 - bc0, (double)n / (bc1 - bc0));
  free(items);
  return 0;
}
