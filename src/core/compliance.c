/*
 * compliance.c — the rules table and the decision (see compliance.h).
 *
 * Each rule answers one question: "from which instant, at or after t, does this rule
 * allow the contact?" — t itself when it allows it now, a later instant when it only
 * needs time (a window sliding past old calls, the next 08:00), or NEVER for holds and
 * opt-outs. The decision lists every rule that refuses at the proposed time, and
 * next_allowed_at is the fixed point of taking the latest of those instants until all
 * rules agree (bounded iterations: each step moves forward to a day boundary or an
 * allowed hour, and the windows are at most 30 days).
 */
#include "core/compliance.h"

#include <stddef.h>

#define NEVER INT64_MAX
enum { MAX_ROUNDS = 64 };

static const char *const REASON_CODES[ARR_R_COUNT] = {
    "CALL_FREQUENCY",       "RECENT_CONVERSATION",
    "INCONVENIENT_TIME",    "CEASE_COMMUNICATION",
    "ATTORNEY_REPRESENTED", "DISPUTE_PENDING",
    "BANKRUPTCY",           "DECEASED",
    "NO_AUTODIAL_CONSENT",  "EMAIL_OPT_OUT",
    "SMS_OPT_OUT",          "EMPLOYER_PROHIBITED",
    "STATE_CALL_LIMIT",     "BAD_NUMBER",
    "BAD_ADDRESS",          "ACCOUNT_CLOSED",
    "TIME_BARRED",
};

const char *arr_reason_code(arr_reason r) {
  return r >= 0 && r < ARR_R_COUNT ? REASON_CODES[r] : "UNKNOWN";
}

/* clang-format off */
static const arr_rule RULES[] = {
    {"US-REGF-TIME", "12 CFR 1006.6(b)(1)(i); 15 U.S.C. 1692c(a)(1)",
     "No calls, texts, emails or visits before 08:00 or after 21:00 local time in any "
     "candidate zone, unless the consumer stated other convenient hours",
     ARR_J_US, ARR_K_TIME_OF_DAY, ARR_R_INCONVENIENT_TIME, true, 0, 0, 8 * 60, 21 * 60},
    {"US-REGF-7IN7", "12 CFR 1006.14(b)(2)(i)(A)",
     "At most 7 calls about a debt within 7 consecutive days (the 8th is presumed a "
     "violation); busy and not-in-service calls are not counted",
     ARR_J_US, ARR_K_CALL_FREQUENCY, ARR_R_CALL_FREQUENCY, true, 7, 7, 0, 0},
    {"US-REGF-CONVERSATION", "12 CFR 1006.14(b)(2)(i)(B)",
     "No call within 7 days after a telephone conversation about the debt (its day is "
     "day 1)",
     ARR_J_US, ARR_K_AFTER_CONVERSATION, ARR_R_RECENT_CONVERSATION, true, 0, 7, 0, 0},
    {"US-FDCPA-CEASE", "12 CFR 1006.6(c); 15 U.S.C. 1692c(c)",
     "After a written cease or refusal to pay, only letters saying collection has ended "
     "or that a remedy may be invoked",
     ARR_J_US, ARR_K_HOLD_CEASE, ARR_R_CEASE_COMMUNICATION, true, 0, 0, 0, 0},
    {"US-FDCPA-ATTORNEY", "12 CFR 1006.6(b)(2); 15 U.S.C. 1692c(a)(2)",
     "A consumer represented by an attorney for this debt is not contacted",
     ARR_J_US, ARR_K_HOLD_ATTORNEY, ARR_R_ATTORNEY_REPRESENTED, true, 0, 0, 0, 0},
    {"US-REGF-DISPUTE", "12 CFR 1006.38(d)(2); 15 U.S.C. 1692g(b)",
     "A dispute within the validation period holds collection until verification is "
     "mailed (the verification letter itself is allowed)",
     ARR_J_US, ARR_K_HOLD_DISPUTE, ARR_R_DISPUTE_PENDING, true, 0, 0, 0, 0},
    {"US-BANKRUPTCY-STAY", "11 U.S.C. 362(a)",
     "The automatic stay: no contact with a debtor in bankruptcy",
     ARR_J_US, ARR_K_HOLD_BANKRUPTCY, ARR_R_BANKRUPTCY, true, 0, 0, 0, 0},
    {"US-DECEASED", "12 CFR 1006.2(e); 1006.6(a)(4)",
     "No consumer contact on a deceased debtor's account (estate workflow)",
     ARR_J_US, ARR_K_HOLD_DECEASED, ARR_R_DECEASED, true, 0, 0, 0, 0},
    {"US-ACCOUNT-CLOSED", "client instruction",
     "No collection contact on a closed, recalled or paid account",
     ARR_J_US, ARR_K_HOLD_CLOSED, ARR_R_ACCOUNT_CLOSED, true, 0, 0, 0, 0},
    {"US-REGF-EMAIL-OPTOUT", "12 CFR 1006.6(e); 1006.14(h)",
     "No email after the consumer opted out of email",
     ARR_J_US, ARR_K_EMAIL_OPT_OUT, ARR_R_EMAIL_OPT_OUT, true, 0, 0, 0, 0},
    {"US-REGF-SMS-OPTOUT", "12 CFR 1006.6(e); 1006.14(h)",
     "No text message after the consumer opted out of texts",
     ARR_J_US, ARR_K_SMS_OPT_OUT, ARR_R_SMS_OPT_OUT, true, 0, 0, 0, 0},
    {"US-FDCPA-EMPLOYER", "12 CFR 1006.6(b)(3); 1006.22(f)(3) (verify)",
     "No calls to a work number, nor emails to an employer-provided address, when the "
     "employer prohibits such contact",
     ARR_J_US, ARR_K_EMPLOYER, ARR_R_EMPLOYER_PROHIBITED, true, 0, 0, 0, 0},
    {"US-TCPA-AUTODIAL", "47 U.S.C. 227(b)(1)(A)(iii)",
     "No autodialed call or text to a mobile number without prior express consent "
     "(revocable by any reasonable means)",
     ARR_J_US, ARR_K_AUTODIAL_CONSENT, ARR_R_NO_AUTODIAL_CONSENT, true, 0, 0, 0, 0},
    {"US-BAD-TARGET", "data quality",
     "No contact through a number or address marked bad (wrong number, disconnected, "
     "returned mail, bounced)",
     ARR_J_US, ARR_K_BAD_TARGET, ARR_R_BAD_NUMBER, true, 0, 0, 0, 0},
    {"US-REGF-TIME-BARRED", "12 CFR 1006.26(b)",
     "No suit, and no threat of suit, on a debt past its statute of limitations (the "
     "limitation table by state and debt type)",
     ARR_J_US, ARR_K_TIME_BARRED, ARR_R_TIME_BARRED, true, 0, 0, 0, 0},
    {"MA-CALLS-PERSONAL", "940 CMR 7.04(1)(f); 209 CMR 18.16",
     "Massachusetts: at most 2 collector-initiated calls per 7 days to a residence, "
     "cell or personal number, per debt",
     ARR_J_MA, ARR_K_STATE_CALLS_PERSONAL, ARR_R_STATE_CALL_LIMIT, true, 2, 7, 0, 0},
    {"MA-CALLS-OTHER", "940 CMR 7.04(1)(f); 209 CMR 18.16",
     "Massachusetts: at most 2 collector-initiated calls per 30 days to other numbers, "
     "per debt",
     ARR_J_MA, ARR_K_STATE_CALLS_OTHER, ARR_R_STATE_CALL_LIMIT, true, 2, 30, 0, 0},
    {"WA-COMMUNICATIONS", "RCW 19.16.250(13) (verify)",
     "Washington: at most 3 communications a week to the debtor",
     ARR_J_WA, ARR_K_STATE_COMMUNICATIONS, ARR_R_STATE_CALL_LIMIT, true, 3, 7, 0, 0},
    {"WA-WORK-CALLS", "RCW 19.16.250(13) (verify)",
     "Washington: at most 1 call a week to the debtor's place of employment",
     ARR_J_WA, ARR_K_STATE_WORK_CALLS, ARR_R_STATE_CALL_LIMIT, true, 1, 7, 0, 0},
    {"WA-HOURS", "RCW 19.16.250(13) (verify)",
     "Washington: no calls before 07:30 or after 21:00",
     ARR_J_WA, ARR_K_TIME_OF_DAY, ARR_R_INCONVENIENT_TIME, true, 0, 0, 7 * 60 + 30, 21 * 60},
    {"NYC-ATTEMPTS", "6 RCNY 5-77(b)(7) (verify)",
     "New York City: at most 3 contacts or attempts per 7 days across all channels",
     ARR_J_NYC, ARR_K_STATE_ATTEMPTS, ARR_R_STATE_CALL_LIMIT, true, 3, 7, 0, 0},
};
/* clang-format on */

const arr_rule *arr_compliance_rules(int *n) {
  *n = (int)(sizeof RULES / sizeof RULES[0]);
  return RULES;
}

/* ---- calendar helpers: days and midnights in the consumer's day zone ---- */

static arr_date local_day(const arr_compliance_facts *f, arr_time t) {
  arr_date d;
  int32_t minute;
  arr_tz_local(f->zones[0], t, &d, &minute);
  return d;
}

static arr_time day_start(const arr_compliance_facts *f, arr_date d) {
  return arr_tz_instant(f->zones[0], d, 0);
}

static bool connected(const arr_past_contact *h) {
  return h->outcome != ARR_OUT_BUSY && h->outcome != ARR_OUT_NOT_IN_SERVICE;
}

/* Consent to call (1006.14(b)(3)): calls within 7 days of it (its day is day 1) are
 * not counted, until the next conversation uses it up. */
static bool under_consent(const arr_compliance_facts *f, const arr_past_contact *hist,
                          int n, arr_time t) {
  if (f->consent_at == 0 || t < f->consent_at) {
    return false;
  }
  arr_date c = local_day(f, f->consent_at);
  arr_date d = local_day(f, t);
  if (d > c + 6) {
    return false;
  }
  for (int i = 0; i < n; i++) {
    if (hist[i].channel == ARR_CH_CALL && hist[i].outcome == ARR_OUT_CONVERSATION &&
        hist[i].at >= f->consent_at && hist[i].at < t) {
      return false;
    }
  }
  return true;
}

/* ---- which past contacts a counting rule counts ---- */

static bool personal_line(arr_line l) {
  return l == ARR_LINE_HOME || l == ARR_LINE_MOBILE || l == ARR_LINE_UNKNOWN;
}

static bool counts(const arr_rule *r, const arr_compliance_facts *f,
                   const arr_past_contact *hist, int n, const arr_past_contact *h) {
  switch (r->kind) {
  case ARR_K_CALL_FREQUENCY:
    return h->channel == ARR_CH_CALL && h->debt_key == f->debt_key && connected(h) &&
           !under_consent(f, hist, n, h->at);
  case ARR_K_STATE_CALLS_PERSONAL:
    return h->channel == ARR_CH_CALL && h->debt_key == f->debt_key && connected(h) &&
           personal_line(h->line);
  case ARR_K_STATE_CALLS_OTHER:
    return h->channel == ARR_CH_CALL && h->debt_key == f->debt_key && connected(h) &&
           !personal_line(h->line);
  case ARR_K_STATE_COMMUNICATIONS:
    return h->channel != ARR_CH_VISIT && (h->channel != ARR_CH_CALL || connected(h));
  case ARR_K_STATE_WORK_CALLS:
    return h->channel == ARR_CH_CALL && h->line == ARR_LINE_WORK && connected(h);
  case ARR_K_STATE_ATTEMPTS: return true;
  default: return false;
  }
}

/* Whether the proposed contact is one the counting rule limits. */
static bool limited(const arr_rule *r, const arr_proposed_contact *p) {
  switch (r->kind) {
  case ARR_K_CALL_FREQUENCY:
  case ARR_K_AFTER_CONVERSATION: return p->channel == ARR_CH_CALL;
  case ARR_K_STATE_CALLS_PERSONAL:
    return p->channel == ARR_CH_CALL && personal_line(p->line);
  case ARR_K_STATE_CALLS_OTHER:
    return p->channel == ARR_CH_CALL && !personal_line(p->line);
  case ARR_K_STATE_COMMUNICATIONS: return p->channel != ARR_CH_VISIT;
  case ARR_K_STATE_WORK_CALLS:
    return p->channel == ARR_CH_CALL && p->line == ARR_LINE_WORK;
  case ARR_K_STATE_ATTEMPTS: return true;
  default: return false;
  }
}

/* A counting rule: allowed on day D when fewer than limit counted contacts fall on
 * days D-window+1 .. D. Returns the first allowed instant >= t. */
static arr_time count_earliest(const arr_rule *r, const arr_compliance_facts *f,
                               const arr_past_contact *hist, int n, arr_time t) {
  arr_date d0 = local_day(f, t);
  for (arr_date d = d0; d <= d0 + r->window_days; d++) {
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (counts(r, f, hist, n, &hist[i])) {
        arr_date hd = local_day(f, hist[i].at);
        count += hd > d - r->window_days && hd <= d;
      }
    }
    if (count < r->limit) {
      return d == d0 ? t : day_start(f, d);
    }
  }
  return NEVER; /* more than limit contacts dated in the future: cannot happen */
}

/* No call from a conversation's day through the window's last day. */
static arr_time conversation_earliest(const arr_rule *r, const arr_compliance_facts *f,
                                      const arr_past_contact *hist, int n, arr_time t) {
  arr_date d = local_day(f, t);
  arr_date free_from = d;
  for (int i = 0; i < n; i++) {
    const arr_past_contact *h = &hist[i];
    if (h->channel != ARR_CH_CALL || h->outcome != ARR_OUT_CONVERSATION ||
        h->debt_key != f->debt_key || under_consent(f, hist, n, h->at)) {
      continue;
    }
    arr_date c = local_day(f, h->at);
    if (c <= d && d < c + r->window_days && c + r->window_days > free_from) {
      free_from = c + r->window_days;
    }
  }
  return free_from == d ? t : day_start(f, free_from);
}

/* Local time must be within [from, to] in every candidate zone. */
static arr_time hours_earliest(int32_t from_min, int32_t to_min,
                               const arr_compliance_facts *f, arr_time t) {
  arr_time best = t;
  for (int z = 0; z < f->nzones; z++) {
    int64_t local = t + (int64_t)arr_tz_offset_min(f->zones[z], t) * 60;
    int64_t days = local / 86400 - (local % 86400 < 0);
    arr_date day = (arr_date)days;
    int64_t sod = local - days * 86400; /* seconds since local midnight */
    if (sod >= (int64_t)from_min * 60 && sod <= (int64_t)to_min * 60) {
      continue;
    }
    arr_date open_day = sod < (int64_t)from_min * 60 ? day : day + 1;
    arr_time open = arr_tz_instant(f->zones[z], open_day, from_min);
    if (open > best) {
      best = open;
    }
  }
  return best;
}

static bool jurisdiction_applies(const arr_rule *r, const arr_compliance_facts *f) {
  switch (r->jurisdiction) {
  case ARR_J_US: return true;
  case ARR_J_MA: return f->in_ma;
  case ARR_J_WA: return f->in_wa;
  case ARR_J_NYC: return f->in_nyc;
  }
  return false;
}

/* The first instant >= t at which rule r allows p (NEVER: no time will). */
static arr_time rule_earliest(const arr_rule *r, const arr_compliance_facts *f,
                              const arr_past_contact *hist, int n,
                              const arr_proposed_contact *p, arr_time t) {
  bool personal = p->channel != ARR_CH_LETTER;
  switch (r->kind) {
  case ARR_K_TIME_OF_DAY: {
    if (p->channel == ARR_CH_LETTER) {
      return t;
    }
    if (r->jurisdiction == ARR_J_WA && p->channel != ARR_CH_CALL) {
      return t; /* the Washington hours are about calls */
    }
    bool stated = r->jurisdiction == ARR_J_US && f->stated_from_min >= 0 &&
                  f->stated_to_min > f->stated_from_min;
    return stated ? hours_earliest(f->stated_from_min, f->stated_to_min, f, t)
                  : hours_earliest(r->from_min, r->to_min, f, t);
  }
  case ARR_K_CALL_FREQUENCY:
  case ARR_K_AFTER_CONVERSATION:
    if (!limited(r, p) || under_consent(f, hist, n, t)) {
      return t;
    }
    return r->kind == ARR_K_CALL_FREQUENCY ? count_earliest(r, f, hist, n, t)
                                           : conversation_earliest(r, f, hist, n, t);
  case ARR_K_STATE_CALLS_PERSONAL:
  case ARR_K_STATE_CALLS_OTHER:
  case ARR_K_STATE_COMMUNICATIONS:
  case ARR_K_STATE_WORK_CALLS:
  case ARR_K_STATE_ATTEMPTS: return limited(r, p) ? count_earliest(r, f, hist, n, t) : t;
  case ARR_K_HOLD_CEASE:
    return f->cease && !(p->channel == ARR_CH_LETTER &&
                         (p->letter_kind == ARR_LETTER_CEASE_ACK ||
                          p->letter_kind == ARR_LETTER_REMEDY))
               ? NEVER
               : t;
  case ARR_K_HOLD_ATTORNEY: return f->attorney ? NEVER : t;
  case ARR_K_HOLD_DISPUTE:
    return f->dispute_pending && !(p->channel == ARR_CH_LETTER &&
                                   p->letter_kind == ARR_LETTER_VERIFICATION)
               ? NEVER
               : t;
  case ARR_K_HOLD_BANKRUPTCY: return f->bankruptcy ? NEVER : t;
  case ARR_K_HOLD_DECEASED: return f->deceased && personal ? NEVER : t;
  case ARR_K_HOLD_CLOSED: return f->closed ? NEVER : t;
  case ARR_K_EMAIL_OPT_OUT:
    return f->email_opt_out && p->channel == ARR_CH_EMAIL ? NEVER : t;
  case ARR_K_SMS_OPT_OUT: return f->sms_opt_out && p->channel == ARR_CH_SMS ? NEVER : t;
  case ARR_K_EMPLOYER:
    return f->employer_prohibits_calls &&
                   ((p->channel == ARR_CH_CALL && p->line == ARR_LINE_WORK) ||
                    (p->channel == ARR_CH_EMAIL && p->to_work_address))
               ? NEVER
               : t;
  case ARR_K_AUTODIAL_CONSENT:
    return (p->channel == ARR_CH_CALL || p->channel == ARR_CH_SMS) && p->autodial &&
                   p->line == ARR_LINE_MOBILE && !p->autodial_consent
               ? NEVER
               : t;
  case ARR_K_BAD_TARGET: return p->target_bad ? NEVER : t;
  case ARR_K_TIME_BARRED: return f->time_barred && p->threatens_suit ? NEVER : t;
  }
  return t;
}

static arr_reason reason_of(const arr_rule *r, const arr_proposed_contact *p) {
  if (r->kind == ARR_K_BAD_TARGET) {
    return p->channel == ARR_CH_CALL || p->channel == ARR_CH_SMS ? ARR_R_BAD_NUMBER
                                                                 : ARR_R_BAD_ADDRESS;
  }
  return r->reason;
}

void arr_compliance_check(const arr_rule *rules, int nrules,
                          const arr_compliance_facts *f, const arr_past_contact *history,
                          int nhistory, const arr_proposed_contact *p,
                          arr_decision *out) {
  out->allowed = true;
  out->nreasons = 0;
  out->has_next = true;
  out->next_allowed_at = p->at;
  if (f->nzones < 1) {
    /* Without a zone the time of day cannot be known: the call is not convenient. */
    out->allowed = false;
    out->has_next = false;
    for (int i = 0; i < nrules; i++) {
      if (rules[i].kind == ARR_K_TIME_OF_DAY && out->nreasons == 0) {
        out->reasons[out->nreasons].code = ARR_R_INCONVENIENT_TIME;
        out->reasons[out->nreasons++].rule = &rules[i];
      }
    }
    return;
  }
  for (int i = 0; i < nrules; i++) {
    const arr_rule *r = &rules[i];
    if (!r->enabled || !jurisdiction_applies(r, f)) {
      continue;
    }
    arr_time e = rule_earliest(r, f, history, nhistory, p, p->at);
    if (e == p->at) {
      continue;
    }
    out->allowed = false;
    arr_reason code = reason_of(r, p);
    bool listed = false;
    for (int k = 0; k < out->nreasons; k++) {
      listed = listed || out->reasons[k].code == code;
    }
    if (!listed && out->nreasons < ARR_COMPLIANCE_MAX_REASONS) {
      out->reasons[out->nreasons].code = code;
      out->reasons[out->nreasons++].rule = r;
    }
    if (e == NEVER) {
      out->has_next = false;
    }
  }
  if (out->allowed || !out->has_next) {
    return;
  }
  /* Move forward until every rule allows the contact at the same instant. */
  arr_time t = p->at;
  for (int round = 0; round < MAX_ROUNDS; round++) {
    arr_time latest = t;
    for (int i = 0; i < nrules; i++) {
      const arr_rule *r = &rules[i];
      if (!r->enabled || !jurisdiction_applies(r, f)) {
        continue;
      }
      arr_time e = rule_earliest(r, f, history, nhistory, p, t);
      if (e == NEVER) {
        out->has_next = false;
        return;
      }
      if (e > latest) {
        latest = e;
      }
    }
    if (latest == t) {
      out->next_allowed_at = t;
      return;
    }
    t = latest;
  }
  out->has_next = false; /* no fixed point within the bound: say "unknown" */
}

/* ---- passive credit reporting ---- */

arr_date arr_passive_reporting_from(const arr_passive_event *events, int n,
                                    bool *conversation) {
  arr_date talk = ARR_DATE_NONE, returned = ARR_DATE_NONE, sent = ARR_DATE_NONE;
  for (int i = 0; i < n; i++) {
    const arr_passive_event *e = &events[i];
    if (e->kind == ARR_PASSIVE_CONVERSATION && (talk == ARR_DATE_NONE || e->on < talk)) {
      talk = e->on;
    }
    if (e->kind == ARR_PASSIVE_RETURNED &&
        (returned == ARR_DATE_NONE || e->on > returned)) {
      returned = e->on;
    }
  }
  for (int i = 0; i < n; i++) {
    const arr_passive_event *e = &events[i];
    /* A letter returned on the day it was mailed was not delivered either. */
    if (e->kind == ARR_PASSIVE_SENT && (returned == ARR_DATE_NONE || e->on > returned) &&
        (sent == ARR_DATE_NONE || e->on < sent)) {
      sent = e->on;
    }
  }
  arr_date by_mail = sent != ARR_DATE_NONE ? sent + 14 : ARR_DATE_NONE;
  bool by_talk = talk != ARR_DATE_NONE && (by_mail == ARR_DATE_NONE || talk <= by_mail);
  if (conversation != NULL) {
    *conversation = by_talk;
  }
  return by_talk ? talk : by_mail;
}
