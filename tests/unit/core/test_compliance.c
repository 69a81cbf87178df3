/*
 * test_compliance.c — the compliance engine against the scenarios in
 * compliance_cases.txt, a small language a compliance officer can read:
 *
 *   case NAME                       starts a case (history and facts reset)
 *   zone America/Chicago [...]      candidate zones; the first one's calendar counts
 *   state MA|WA|NYC                 a state or city overlay applies
 *   fact cease|attorney|dispute|bankruptcy|deceased|closed|email_opt_out|
 *        sms_opt_out|employer|time_barred
 *   consent YYYY-MM-DD HH:MM        consent to call given then
 *   stated HH:MM HH:MM              the consumer's stated convenient hours
 *   rule off RULE-ID                switch a rule off for this case
 *   past CHANNEL DATE TIME OUTCOME [home|mobile|work|other] [debt N]
 *   try CHANNEL DATE TIME [home|mobile|work|other] [autodial] [consent] [bad]
 *       [workmail] [letter:collection|cease_ack|remedy|verification] [suit]
 *   expect allowed | expect CODE[,CODE...] next DATE TIME | next none
 *
 * Dates and times are local wall time in the first zone ("UTC" suffix: UTC). Every
 * try/expect pair is one scenario; the test fails listing each scenario that differs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/compliance.h"
#include "core/zones.h"

enum { MAX_HISTORY = 64 };

typedef struct {
  char name[160];
  arr_rule rules[64];
  int nrules;
  arr_compliance_facts facts;
  arr_past_contact hist[MAX_HISTORY];
  int nhist;
  arr_proposed_contact p;
  bool have_try;
} scenario;

static int failures, scenarios;

static void reset(scenario *s, const char *name) {
  memset(s, 0, sizeof *s);
  snprintf(s->name, sizeof s->name, "%s", name);
  int n = 0;
  const arr_rule *r = arr_compliance_rules(&n);
  memcpy(s->rules, r, sizeof *r * (size_t)n);
  s->nrules = n;
  s->facts.stated_from_min = s->facts.stated_to_min = -1;
  s->facts.debt_key = 1;
  s->facts.zones[0] = arr_tz_find("America/Chicago");
  s->facts.nzones = 1;
}

/* "YYYY-MM-DD HH:MM" local in the first zone, or with a trailing "UTC". */
static arr_time parse_when(const scenario *s, char **tok) {
  const char *d = strtok_r(NULL, " \t", tok);
  const char *hm = strtok_r(NULL, " \t", tok);
  if (d == NULL || hm == NULL) {
    fail_msg("%s: expected DATE TIME", s->name);
  }
  arr_date day;
  if (!arr_date_parse(d, strlen(d), &day)) {
    fail_msg("%s: bad date %s", s->name, d);
  }
  int h = atoi(hm), m = atoi(hm + 3);
  if (strstr(hm, "UTC") != NULL) {
    return (arr_time)day * 86400 + h * 3600 + m * 60;
  }
  return arr_tz_instant(s->facts.zones[0], day, h * 60 + m);
}

static arr_channel channel_of(const scenario *s, const char *w) {
  static const char *const N[] = {"call", "sms", "email", "letter", "visit"};
  for (int i = 0; i < 5; i++) {
    if (strcmp(w, N[i]) == 0) {
      return (arr_channel)i;
    }
  }
  fail_msg("%s: unknown channel %s", s->name, w);
  return ARR_CH_CALL;
}

static arr_outcome outcome_of(const scenario *s, const char *w) {
  static const char *const N[] = {"conversation", "left_message", "voicemail_no_message",
                                  "no_answer",    "busy",         "not_in_service",
                                  "wrong_number", "dropped",      "sent"};
  for (int i = 0; i < 9; i++) {
    if (strcmp(w, N[i]) == 0) {
      return (arr_outcome)i;
    }
  }
  fail_msg("%s: unknown outcome %s", s->name, w);
  return ARR_OUT_SENT;
}

static bool line_of(const char *w, arr_line *out) {
  static const char *const N[] = {"unknown", "mobile", "home", "work", "other"};
  for (int i = 0; i < 5; i++) {
    if (strcmp(w, N[i]) == 0) {
      *out = (arr_line)i;
      return true;
    }
  }
  return false;
}

static void format_local(const scenario *s, arr_time t, char *buf, size_t cap) {
  arr_date d;
  int32_t minute;
  arr_tz_local(s->facts.zones[0], t, &d, &minute);
  char ds[ARR_DATE_FMT_MAX];
  arr_date_format(d, ds);
  snprintf(buf, cap, "%s %02d:%02d", ds, minute / 60, minute % 60);
}

static void check(scenario *s, char *rest, int line) {
  scenarios++;
  arr_decision dec;
  arr_compliance_check(s->rules, s->nrules, &s->facts, s->hist, s->nhist, &s->p, &dec);
  char got[256] = "", want[256] = "";
  if (dec.allowed) {
    snprintf(got, sizeof got, "allowed");
  } else {
    /* Reasons sorted by code name so the order of rules does not matter. */
    const char *codes[ARR_COMPLIANCE_MAX_REASONS];
    for (int i = 0; i < dec.nreasons; i++) {
      codes[i] = arr_reason_code(dec.reasons[i].code);
    }
    for (int i = 1; i < dec.nreasons; i++) {
      for (int j = i; j > 0 && strcmp(codes[j - 1], codes[j]) > 0; j--) {
        const char *x = codes[j];
        codes[j] = codes[j - 1];
        codes[j - 1] = x;
      }
    }
    for (int i = 0; i < dec.nreasons; i++) {
      strcat(got, i ? "," : "");
      strcat(got, codes[i]);
    }
    char next[40] = "none";
    if (dec.has_next) {
      format_local(s, dec.next_allowed_at, next, sizeof next);
    }
    size_t used = strlen(got);
    snprintf(got + used, sizeof got - used, " next %s", next);
  }
  /* Normalize the expectation: codes sorted the same way. */
  char *tok = NULL;
  char *first = strtok_r(rest, " \t", &tok);
  if (first == NULL) {
    fail_msg("line %d: expect what?", line);
  }
  if (strcmp(first, "allowed") == 0) {
    snprintf(want, sizeof want, "allowed");
  } else {
    char codes_buf[200];
    snprintf(codes_buf, sizeof codes_buf, "%s", first);
    const char *codes[16];
    int nc = 0;
    char *ct = NULL;
    for (char *c = strtok_r(codes_buf, ",", &ct); c != NULL && nc < 16;
         c = strtok_r(NULL, ",", &ct)) {
      codes[nc++] = c;
    }
    for (int i = 1; i < nc; i++) {
      for (int j = i; j > 0 && strcmp(codes[j - 1], codes[j]) > 0; j--) {
        const char *x = codes[j];
        codes[j] = codes[j - 1];
        codes[j - 1] = x;
      }
    }
    for (int i = 0; i < nc; i++) {
      strcat(want, i ? "," : "");
      strcat(want, codes[i]);
    }
    const char *kw = strtok_r(NULL, " \t", &tok);
    if (kw == NULL || strcmp(kw, "next") != 0) {
      fail_msg("line %d: expect CODES next DATE TIME|none", line);
    }
    const char *d = strtok_r(NULL, " \t", &tok);
    const char *hm =
        d != NULL && strcmp(d, "none") != 0 ? strtok_r(NULL, " \t", &tok) : "";
    size_t used = strlen(want);
    snprintf(want + used, sizeof want - used, " next %s%s%s", d != NULL ? d : "?",
             hm[0] ? " " : "", hm);
  }
  if (strcmp(got, want) != 0) {
    failures++;
    fprintf(stderr, "line %d: %s: expected %s, got %s\n", line, s->name, want, got);
  }
}

static void directive(scenario *s, char *text, int line) {
  char *tok = NULL;
  char *w = strtok_r(text, " \t", &tok);
  if (w == NULL || w[0] == '#') {
    return;
  }
  if (strcmp(w, "case") == 0) {
    reset(s, tok != NULL ? tok : "");
  } else if (strcmp(w, "zone") == 0) {
    s->facts.nzones = 0;
    for (char *z = strtok_r(NULL, " \t", &tok); z != NULL;
         z = strtok_r(NULL, " \t", &tok)) {
      const arr_tz *tz = arr_tz_find(z);
      if (tz == NULL) {
        fail_msg("line %d: unknown zone %s", line, z);
      }
      s->facts.zones[s->facts.nzones++] = tz;
    }
  } else if (strcmp(w, "state") == 0) {
    const char *st = strtok_r(NULL, " \t", &tok);
    s->facts.in_ma = strcmp(st, "MA") == 0;
    s->facts.in_wa = strcmp(st, "WA") == 0;
    s->facts.in_nyc = strcmp(st, "NYC") == 0;
  } else if (strcmp(w, "fact") == 0) {
    const char *fct = strtok_r(NULL, " \t", &tok);
    arr_compliance_facts *f = &s->facts;
    bool *flags[] = {&f->cease,         &f->attorney,    &f->dispute_pending,
                     &f->bankruptcy,    &f->deceased,    &f->closed,
                     &f->email_opt_out, &f->sms_opt_out, &f->employer_prohibits_calls,
                     &f->time_barred};
    static const char *const N[] = {
        "cease",  "attorney",      "dispute",     "bankruptcy", "deceased",
        "closed", "email_opt_out", "sms_opt_out", "employer",   "time_barred"};
    bool found = false;
    for (int i = 0; i < 10; i++) {
      if (strcmp(fct, N[i]) == 0) {
        *flags[i] = found = true;
      }
    }
    if (!found) {
      fail_msg("line %d: unknown fact %s", line, fct);
    }
  } else if (strcmp(w, "consent") == 0) {
    s->facts.consent_at = parse_when(s, &tok);
  } else if (strcmp(w, "stated") == 0) {
    const char *a = strtok_r(NULL, " \t", &tok), *b = strtok_r(NULL, " \t", &tok);
    s->facts.stated_from_min = atoi(a) * 60 + atoi(a + 3);
    s->facts.stated_to_min = atoi(b) * 60 + atoi(b + 3);
  } else if (strcmp(w, "rule") == 0) {
    strtok_r(NULL, " \t", &tok); /* "off" */
    const char *id = strtok_r(NULL, " \t", &tok);
    bool found = false;
    for (int i = 0; i < s->nrules; i++) {
      if (strcmp(s->rules[i].id, id) == 0) {
        s->rules[i].enabled = false;
        found = true;
      }
    }
    if (!found) {
      fail_msg("line %d: unknown rule %s", line, id);
    }
  } else if (strcmp(w, "past") == 0) {
    if (s->nhist >= MAX_HISTORY) {
      fail_msg("line %d: too much history", line);
    }
    arr_past_contact *h = &s->hist[s->nhist++];
    memset(h, 0, sizeof *h);
    h->channel = channel_of(s, strtok_r(NULL, " \t", &tok));
    h->at = parse_when(s, &tok);
    h->outcome = outcome_of(s, strtok_r(NULL, " \t", &tok));
    h->line = ARR_LINE_UNKNOWN;
    h->debt_key = 1;
    for (char *x = strtok_r(NULL, " \t", &tok); x != NULL;
         x = strtok_r(NULL, " \t", &tok)) {
      if (strcmp(x, "debt") == 0) {
        h->debt_key = atoi(strtok_r(NULL, " \t", &tok));
      } else if (!line_of(x, &h->line)) {
        fail_msg("line %d: unknown word %s", line, x);
      }
    }
  } else if (strcmp(w, "try") == 0) {
    arr_proposed_contact *p = &s->p;
    memset(p, 0, sizeof *p);
    p->channel = channel_of(s, strtok_r(NULL, " \t", &tok));
    p->at = parse_when(s, &tok);
    p->line = ARR_LINE_UNKNOWN;
    for (char *x = strtok_r(NULL, " \t", &tok); x != NULL;
         x = strtok_r(NULL, " \t", &tok)) {
      if (strcmp(x, "autodial") == 0) {
        p->autodial = true;
      } else if (strcmp(x, "consent") == 0) {
        p->autodial_consent = true;
      } else if (strcmp(x, "bad") == 0) {
        p->target_bad = true;
      } else if (strcmp(x, "workmail") == 0) {
        p->to_work_address = true;
      } else if (strcmp(x, "suit") == 0) {
        p->threatens_suit = true;
      } else if (strncmp(x, "letter:", 7) == 0) {
        static const char *const K[] = {"collection", "cease_ack", "remedy",
                                        "verification"};
        bool found = false;
        for (int i = 0; i < 4; i++) {
          if (strcmp(x + 7, K[i]) == 0) {
            p->letter_kind = (arr_letter_kind)i;
            found = true;
          }
        }
        if (!found) {
          fail_msg("line %d: unknown letter kind %s", line, x + 7);
        }
      } else if (!line_of(x, &p->line)) {
        fail_msg("line %d: unknown word %s", line, x);
      }
    }
    s->have_try = true;
  } else if (strcmp(w, "expect") == 0) {
    if (!s->have_try) {
      fail_msg("line %d: expect without try", line);
    }
    check(s, tok, line);
  } else {
    fail_msg("line %d: unknown directive %s", line, w);
  }
}

static void test_cases(void **state) {
  (void)state;
  const char *path = getenv("COMPLIANCE_CASES");
  FILE *f = fopen(path != NULL ? path : "compliance_cases.txt", "r");
  assert_non_null(f);
  scenario *s = calloc(1, sizeof *s);
  reset(s, "(no case)");
  char buf[512];
  int line = 0;
  while (fgets(buf, sizeof buf, f) != NULL) {
    line++;
    buf[strcspn(buf, "\r\n")] = '\0';
    directive(s, buf, line);
  }
  fclose(f);
  free(s);
  fprintf(stderr, "%d scenarios, %d failed\n", scenarios, failures);
  assert_true(scenarios >= 150);
  assert_int_equal(failures, 0);
}

static void test_rules_table(void **state) {
  (void)state;
  int n = 0;
  const arr_rule *r = arr_compliance_rules(&n);
  assert_true(n >= 15);
  for (int i = 0; i < n; i++) {
    assert_non_null(r[i].id);
    assert_true(strlen(r[i].citation) > 0 && strlen(r[i].title) > 0);
    assert_true(r[i].enabled);
    for (int j = 0; j < i; j++) {
      assert_string_not_equal(r[i].id, r[j].id);
    }
  }
}

static bool has_zone(const char *const *zones, const char *name) {
  for (int i = 0; zones != NULL && zones[i] != NULL; i++) {
    if (strcmp(zones[i], name) == 0) {
      return true;
    }
  }
  return false;
}

static void test_zone_tables(void **state) {
  (void)state;
  /* States spanning two zones yield both; area codes from libphonenumber's data. */
  assert_true(has_zone(arr_zones_of_state("FL"), "America/Chicago"));
  assert_true(has_zone(arr_zones_of_state("FL"), "America/New_York"));
  assert_false(has_zone(arr_zones_of_state("CA"), "America/New_York"));
  assert_null(arr_zones_of_state("ZZ"));
  assert_true(has_zone(arr_zones_of_area_code(850), "America/Chicago"));
  assert_true(has_zone(arr_zones_of_area_code(850), "America/New_York"));
  assert_true(has_zone(arr_zones_of_area_code(907), "America/Adak"));
  assert_true(has_zone(arr_zones_of_area_code(212), "America/New_York"));
  assert_false(has_zone(arr_zones_of_area_code(212), "America/Chicago"));
  assert_null(arr_zones_of_area_code(999));
  /* Every zone a table names is one the engine can compute. */
  for (int i = 0; i < arr_area_code_count; i++) {
    for (int k = 0; arr_area_codes[i].zones[k] != NULL; k++) {
      assert_non_null(arr_tz_find(arr_area_codes[i].zones[k]));
    }
    assert_true(i == 0 || arr_area_codes[i - 1].code < arr_area_codes[i].code);
  }
  static const char *const STATES[] = {"AL", "AK", "AZ", "CA", "CO", "DC", "FL",
                                       "HI", "ID", "IN", "KY", "MI", "ND", "NY",
                                       "OR", "PR", "TN", "TX", "WA", "GU"};
  for (size_t i = 0; i < sizeof STATES / sizeof STATES[0]; i++) {
    const char *const *z = arr_zones_of_state(STATES[i]);
    assert_non_null(z);
    for (int k = 0; z[k] != NULL; k++) {
      assert_non_null(arr_tz_find(z[k]));
    }
  }
}

static void test_tz(void **state) {
  (void)state;
  const arr_tz *ny = arr_tz_find("America/New_York");
  const arr_tz *phx = arr_tz_find("America/Phoenix");
  assert_non_null(ny);
  assert_null(arr_tz_find("Mars/Olympus_Mons"));
  arr_date d;
  assert_true(arr_date_parse("2026-03-08", 10, &d));
  /* 2026-03-08 is the US spring-forward day: 02:30 does not exist in New York. */
  arr_time t = arr_tz_instant(ny, d, 2 * 60 + 30);
  assert_int_equal(arr_tz_offset_min(ny, t), -240);
  assert_int_equal(t, (arr_time)d * 86400 + 7 * 3600); /* the jump, 07:00 UTC */
  assert_int_equal(arr_tz_instant(ny, d, 8 * 60), (arr_time)d * 86400 + 12 * 3600);
  assert_int_equal(arr_tz_offset_min(phx, t), -420); /* Arizona keeps standard time */
  assert_true(arr_date_parse("2026-11-01", 10, &d));
  /* Fall back: 01:30 happens twice; the first (EDT) is returned. */
  assert_int_equal(arr_tz_instant(ny, d, 90), (arr_time)d * 86400 + 5 * 3600 + 1800);
}

/* 1006.30(a): a conversation, or 14 days after a letter with no return; a return
 * resets the requirement. */
static void test_passive_reporting(void **state) {
  (void)state;
  arr_date d0;
  assert_true(arr_date_from_ymd(2026, 11, 2, &d0));
  bool talk = true;
  assert_int_equal(arr_passive_reporting_from(NULL, 0, &talk), ARR_DATE_NONE);
  assert_false(talk);
  arr_passive_event sent[] = {{ARR_PASSIVE_SENT, d0}};
  assert_int_equal(arr_passive_reporting_from(sent, 1, &talk), d0 + 14);
  assert_false(talk);
  /* A return after the letter: nothing counts until a letter is sent after it. */
  arr_passive_event back[] = {{ARR_PASSIVE_SENT, d0}, {ARR_PASSIVE_RETURNED, d0 + 5}};
  assert_int_equal(arr_passive_reporting_from(back, 2, &talk), ARR_DATE_NONE);
  arr_passive_event again[] = {
      {ARR_PASSIVE_SENT, d0}, {ARR_PASSIVE_RETURNED, d0 + 5}, {ARR_PASSIVE_SENT, d0 + 9}};
  assert_int_equal(arr_passive_reporting_from(again, 3, &talk), d0 + 23);
  /* Returned the day it was mailed: not delivered either. */
  arr_passive_event same[] = {{ARR_PASSIVE_SENT, d0}, {ARR_PASSIVE_RETURNED, d0}};
  assert_int_equal(arr_passive_reporting_from(same, 2, &talk), ARR_DATE_NONE);
  /* A conversation before the 14 days are over is the earlier basis. */
  arr_passive_event call[] = {{ARR_PASSIVE_SENT, d0}, {ARR_PASSIVE_CONVERSATION, d0 + 3}};
  assert_int_equal(arr_passive_reporting_from(call, 2, &talk), d0 + 3);
  assert_true(talk);
  arr_passive_event late[] = {{ARR_PASSIVE_CONVERSATION, d0 + 20},
                              {ARR_PASSIVE_SENT, d0}};
  assert_int_equal(arr_passive_reporting_from(late, 2, &talk), d0 + 14);
  assert_false(talk);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tz),
      cmocka_unit_test(test_zone_tables),
      cmocka_unit_test(test_rules_table),
      cmocka_unit_test(test_cases),
      cmocka_unit_test(test_passive_reporting),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
