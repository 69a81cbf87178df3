/*
 * compliance.c (service) — gathers what the compliance engine decides on, and records
 * the facts that change it: account events (`arrears account event`), the contact
 * check (`arrears contact check`), and the admins' rule switches.
 *
 * Facts come from the database as of the proposed contact's time: events in effect
 * then (not released), the debtor's contacts of the last 31 days across all their
 * accounts (each account is its own debt for counting), the candidate zones (the
 * current address's state, and each usable phone's area code from libphonenumber's
 * data), the Massachusetts, Washington and New York City overlays (address state and
 * ZIP), and the number or address being contacted (its kind, status and consent).
 * core/compliance decides; nothing here has a rule in it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/compliance.h"
#include "core/zones.h"
#include "formats/placement.h"
#include "service/internal.h"

enum {
  MAX_EVENTS = 256,
  MAX_HISTORY = 512,
  MAX_POINTS = 32,
  MAX_RULES = 64,
  MAX_BUNDLE = 64
};

static const char *const EVENT_TYPES[] = {"validation_notice_sent",
                                          "dispute_written",
                                          "dispute_oral",
                                          "verification_sent",
                                          "cease_written",
                                          "attorney_represented",
                                          "bankruptcy_filed",
                                          "deceased_reported",
                                          "consent_to_call",
                                          "employer_prohibits_calls",
                                          "stated_convenient_hours",
                                          "email_opt_out",
                                          "sms_opt_out",
                                          "autodial_consent",
                                          "autodial_consent_revoked",
                                          "suit_referred",
                                          NULL};

static bool known_type(const char *t) {
  for (int i = 0; EVENT_TYPES[i] != NULL; i++) {
    if (strcmp(t, EVENT_TYPES[i]) == 0) {
      return true;
    }
  }
  return false;
}

/* "HH:MM-HH:MM" into minutes; false when malformed or empty. */
static bool parse_hours(const char *s, int32_t *from, int32_t *to) {
  if (s == NULL || strlen(s) != 11 || s[2] != ':' || s[5] != '-' || s[8] != ':') {
    return false;
  }
  int h1 = atoi(s), m1 = atoi(s + 3), h2 = atoi(s + 6), m2 = atoi(s + 9);
  if (h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 || (h2 == 24 && m2 != 0)) {
    return false;
  }
  *from = h1 * 60 + m1;
  *to = h2 * 60 + m2;
  return *to > *from;
}

static arr_rc parse_at(const arr_svc *svc, const char *at, arr_time *out, arr_err *err) {
  if (at == NULL || at[0] == '\0') {
    *out = svc->now;
    return ARR_OK;
  }
  if (!arr_time_parse(at, strlen(at), out, NULL)) {
    return arr_err_field(err, ARR_ERR_INVALID, "at",
                         "at must be an ISO 8601 time with offset, like "
                         "2026-11-23T14:05:00-05:00");
  }
  return ARR_OK;
}

static arr_rc suit_allowed(arr_svc *svc, int64_t account_id, const char *account,
                           arr_time at, arr_err *err);

arr_rc arr_svc_account_event(arr_svc *svc, const arr_event_request *req, int64_t *id_out,
                             arr_err *err) {
  if (req->type == NULL || !known_type(req->type)) {
    return arr_err_field(
        err, ARR_ERR_INVALID, "type",
        "type \"%s\" is not an account event (validation_notice_sent, "
        "dispute_written, dispute_oral, verification_sent, cease_written, "
        "attorney_represented, bankruptcy_filed, deceased_reported, "
        "consent_to_call, employer_prohibits_calls, "
        "stated_convenient_hours, email_opt_out, sms_opt_out, "
        "autodial_consent, autodial_consent_revoked, suit_referred)",
        req->type != NULL ? req->type : "");
  }
  arr_time at = 0;
  arr_rc rc = parse_at(svc, req->at, &at, err);
  if (rc != ARR_OK) {
    return rc;
  }
  if (at > svc->now + 300) {
    return arr_err_field(err, ARR_ERR_INVALID, "at", "at must not be in the future");
  }
  int32_t from = 0, to = 0;
  if (!req->release && strcmp(req->type, "stated_convenient_hours") == 0 &&
      !parse_hours(req->data, &from, &to)) {
    return arr_err_field(err, ARR_ERR_INVALID, "hours",
                         "hours must be HH:MM-HH:MM, like 09:00-17:00 (the stated "
                         "convenient hours)");
  }
  if (req->note != NULL && strlen(req->note) > 500) {
    return arr_err_field(err, ARR_ERR_INVALID, "note", "a note is at most 500 bytes");
  }
  int64_t id = 0;
  rc = arr_svc_account_resolve(svc, req->account, &id, err);
  if (rc != ARR_OK) {
    return rc;
  }
  rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_account a;
  char at_iso[ARR_TIME_FMT_MAX];
  arr_time_format_utc(at, at_iso);
  rc = arr_store_account_get(svc->db, id, &a, err);
  int64_t released = 0;
  if (rc == ARR_OK && req->release) {
    rc = arr_store_event_release(svc->db, id, req->type, at_iso, &released, err);
    if (rc == ARR_OK && released == 0) {
      rc = arr_err_set(err, ARR_ERR_CONFLICT, "no %s in effect on account %s to release",
                       req->type, req->account);
    }
    *id_out = 0;
  } else if (rc == ARR_OK) {
    if (strcmp(req->type, "suit_referred") == 0) {
      rc = suit_allowed(svc, id, req->account, at, err);
    }
  }
  if (rc == ARR_OK && !req->release) {
    rc = svc_event_add(svc, id, req->type, at, req->note, req->data, id_out, err);
  } else if (rc == ARR_OK) {
    json_t *d = json_pack("{s:I,s:s,s:s,s:b}", "account_id", (json_int_t)id, "type",
                          req->type, "at", at_iso, "release", true);
    rc = svc_audit(svc, "account.event_release", "account", id, d, err);
  }
  if (rc == ARR_OK) {
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

arr_rc svc_event_add(arr_svc *svc, int64_t account_id, const char *type, arr_time at,
                     const char *note, const char *data, int64_t *id_out, arr_err *err) {
  if (type == NULL || !known_type(type)) {
    return arr_err_field(err, ARR_ERR_INVALID, "type",
                         "type \"%s\" is not an account event", type != NULL ? type : "");
  }
  arr_account_event e;
  memset(&e, 0, sizeof e);
  e.account_id = account_id;
  svc_strcpy(e.type, sizeof e.type, type);
  arr_time_format_utc(at, e.at);
  svc_strcpy(e.note, sizeof e.note, note != NULL ? note : "");
  svc_strcpy(e.data, sizeof e.data, data != NULL ? data : "");
  svc_strcpy(e.actor, sizeof e.actor, svc->actor);
  arr_rc rc = arr_store_event_insert(svc->db, &e, svc->now_iso, err);
  if (rc == ARR_OK) {
    *id_out = e.id;
    json_t *d = json_pack("{s:I,s:s,s:s,s:b}", "account_id", (json_int_t)account_id,
                          "type", type, "at", e.at, "release", false);
    rc = svc_audit(svc, "account.event", "account", account_id, d, err);
  }
  return rc;
}

/* ---- facts ---- */

static arr_time iso_time(const char *s) {
  arr_time t = 0;
  return s[0] != '\0' && arr_time_parse(s, strlen(s), &t, NULL) ? t : 0;
}

static bool in_effect(const arr_account_event *e, arr_time at) {
  arr_time from = iso_time(e->at);
  arr_time until = iso_time(e->released_at);
  return from <= at && (e->released_at[0] == '\0' || until > at);
}

/* Applies the account's events in effect at `at` to the facts. */
static void apply_events(const arr_account_event *ev, int n, arr_time at,
                         arr_compliance_facts *f, bool *autodial_consent,
                         bool *autodial_revoked) {
  arr_time notice = 0, dispute = 0, verification = 0, consent_revoked = 0, consent = 0;
  for (int i = 0; i < n; i++) {
    const arr_account_event *e = &ev[i];
    if (!in_effect(e, at)) {
      continue;
    }
    arr_time t = iso_time(e->at);
    const char *ty = e->type;
    if (strcmp(ty, "validation_notice_sent") == 0) {
      notice = t;
    } else if (strcmp(ty, "dispute_written") == 0) {
      dispute = t > dispute ? t : dispute;
    } else if (strcmp(ty, "verification_sent") == 0) {
      verification = t > verification ? t : verification;
    } else if (strcmp(ty, "cease_written") == 0) {
      f->cease = true;
    } else if (strcmp(ty, "attorney_represented") == 0) {
      f->attorney = true;
    } else if (strcmp(ty, "bankruptcy_filed") == 0) {
      f->bankruptcy = true;
    } else if (strcmp(ty, "deceased_reported") == 0) {
      f->deceased = true;
    } else if (strcmp(ty, "consent_to_call") == 0) {
      f->consent_at = t > f->consent_at ? t : f->consent_at;
    } else if (strcmp(ty, "employer_prohibits_calls") == 0) {
      f->employer_prohibits_calls = true;
    } else if (strcmp(ty, "stated_convenient_hours") == 0) {
      int32_t from = 0, to = 0;
      if (parse_hours(e->data, &from, &to)) {
        f->stated_from_min = from;
        f->stated_to_min = to;
      }
    } else if (strcmp(ty, "email_opt_out") == 0) {
      f->email_opt_out = true;
    } else if (strcmp(ty, "sms_opt_out") == 0) {
      f->sms_opt_out = true;
    } else if (strcmp(ty, "autodial_consent") == 0) {
      consent = t > consent ? t : consent;
    } else if (strcmp(ty, "autodial_consent_revoked") == 0) {
      consent_revoked = t > consent_revoked ? t : consent_revoked;
    }
  }
  /* A written dispute holds collection until verification is mailed: 1006.38(d)(2)
   * applies within the validation period; before a notice is sent the period has not
   * started, and the dispute is held all the same (the safe reading). */
  if (dispute != 0 && verification < dispute) {
    arr_date end = ARR_DATE_NONE;
    if (notice != 0) {
      end = arr_date_add_business_days(arr_time_utc_date(notice), 5) + 30;
    }
    f->dispute_pending = notice == 0 || arr_time_utc_date(dispute) <= end;
  }
  *autodial_consent = consent != 0 && consent > consent_revoked;
  *autodial_revoked = consent_revoked != 0 && consent_revoked >= consent;
}

static arr_channel channel_of(const char *s) {
  return strcmp(s, "sms") == 0      ? ARR_CH_SMS
         : strcmp(s, "email") == 0  ? ARR_CH_EMAIL
         : strcmp(s, "letter") == 0 ? ARR_CH_LETTER
         : strcmp(s, "visit") == 0  ? ARR_CH_VISIT
                                    : ARR_CH_CALL;
}

static arr_outcome outcome_of(const char *s) {
  static const char *const N[] = {"conversation", "left_message", "voicemail_no_message",
                                  "no_answer",    "busy",         "not_in_service",
                                  "wrong_number", "dropped"};
  for (int i = 0; i < 8; i++) {
    if (strcmp(s, N[i]) == 0) {
      return (arr_outcome)i;
    }
  }
  return ARR_OUT_SENT;
}

static arr_line line_of(const char *type) {
  return strcmp(type, "mobile") == 0 ? ARR_LINE_MOBILE
         : strcmp(type, "home") == 0 ? ARR_LINE_HOME
         : strcmp(type, "work") == 0 ? ARR_LINE_WORK
                                     : ARR_LINE_OTHER;
}

static bool bad_status(const char *status) {
  return strcmp(status, "bad") == 0 || strcmp(status, "wrong_number") == 0 ||
         strcmp(status, "disconnected") == 0 || strcmp(status, "returned") == 0 ||
         strcmp(status, "bounced") == 0;
}

/* New York City by ZIP: Manhattan, Staten Island, the Bronx, Brooklyn and Queens. */
static bool nyc_zip(const char *zip) {
  static const char *const NYC[] = {"100", "101", "102", "103", "104",
                                    "111", "112", "113", "114", "116"};
  for (size_t i = 0; i < sizeof NYC / sizeof NYC[0]; i++) {
    if (strncmp(zip, NYC[i], 3) == 0) {
      return true;
    }
  }
  return false;
}

static void add_zone(arr_compliance_facts *f, const char *name) {
  const arr_tz *z = arr_tz_find(name);
  if (z == NULL || f->nzones >= ARR_COMPLIANCE_MAX_ZONES) {
    return;
  }
  for (int i = 0; i < f->nzones; i++) {
    if (f->zones[i] == z) {
      return;
    }
  }
  f->zones[f->nzones++] = z;
}

/* Candidate zones: the current address's (its ZIP is not mapped yet, so every zone of
 * its state), then every zone of each usable phone's area code. The first is the
 * zone whose calendar counts days. Overlays come from the address. */
int svc_current_address(const arr_address *as, int na) {
  for (int i = 0; i < na; i++) {
    if (as[i].valid_to == ARR_DATE_NONE && !bad_status(as[i].status) &&
        strcmp(as[i].status, "former") != 0 && as[i].state[0] != '\0') {
      return i;
    }
  }
  return -1;
}

static void zone_facts(const arr_address *as, int na, const arr_phone *ps, int np,
                       arr_compliance_facts *f, char state[3]) {
  state[0] = '\0';
  int cur = svc_current_address(as, na);
  if (cur >= 0) {
    svc_strcpy(state, 3, as[cur].state);
    f->in_ma = strcmp(state, "MA") == 0;
    f->in_wa = strcmp(state, "WA") == 0;
    f->in_nyc = strcmp(state, "NY") == 0 && nyc_zip(as[cur].zip);
  }
  f->nzones = 0;
  /* The address's ZIP pins its zone where the ZIP table knows it; otherwise every
   * zone of the state is a candidate. */
  const char *zip_zone =
      cur >= 0 ? arr_zone_of_zip(as[cur].zip, strlen(as[cur].zip)) : NULL;
  if (zip_zone != NULL) {
    add_zone(f, zip_zone);
  } else {
    const char *const *zones = state[0] ? arr_zones_of_state(state) : NULL;
    for (int i = 0; zones != NULL && zones[i] != NULL; i++) {
      add_zone(f, zones[i]);
    }
  }
  for (int i = 0; i < np; i++) {
    if (bad_status(ps[i].status) || ps[i].valid_to != ARR_DATE_NONE ||
        strlen(ps[i].number) != 10) {
      continue;
    }
    int code = (ps[i].number[0] - '0') * 100 + (ps[i].number[1] - '0') * 10 +
               (ps[i].number[2] - '0');
    const char *const *pz = arr_zones_of_area_code(code);
    for (int k = 0; pz != NULL && pz[k] != NULL; k++) {
      add_zone(f, pz[k]);
    }
  }
  if (f->nzones == 0) {
    /* Nothing known: every mainland zone, so "convenient" holds wherever they are. */
    static const char *const MAINLAND[] = {"America/New_York", "America/Chicago",
                                           "America/Denver", "America/Los_Angeles"};
    for (int i = 0; i < 4; i++) {
      add_zone(f, MAINLAND[i]);
    }
  }
}

static arr_rc load_rules(arr_svc *svc, arr_rule *rules, int *n, arr_err *err) {
  int count = 0;
  const arr_rule *builtin = arr_compliance_rules(&count);
  if (count > MAX_RULES) {
    count = MAX_RULES;
  }
  memcpy(rules, builtin, sizeof *rules * (size_t)count);
  *n = count;
  char ids[MAX_RULES][33];
  bool enabled[MAX_RULES];
  int ns = 0;
  arr_rc rc = arr_store_rule_settings(svc->db, ids, enabled, MAX_RULES, &ns, err);
  for (int i = 0; rc == ARR_OK && i < ns; i++) {
    for (int k = 0; k < count; k++) {
      if (strcmp(rules[k].id, ids[i]) == 0) {
        rules[k].enabled = enabled[i];
      }
    }
  }
  return rc;
}

typedef struct {
  arr_account a;
  arr_debtor d;
  arr_address addresses[MAX_POINTS];
  arr_phone phones[MAX_POINTS];
  arr_email emails[MAX_POINTS];
  int na, np, ne;
  arr_account_event events[MAX_EVENTS];
  int nevents;
  arr_contact contacts[MAX_HISTORY];
  int ncontacts;
  int64_t bundle[MAX_BUNDLE]; /* the account's bundled federal student loans */
  int nbundle;
  arr_past_contact history[MAX_HISTORY];
  arr_rule rules[MAX_RULES];
  int nrules;
  char state[3];
} check_data;

static arr_rc load(arr_svc *svc, int64_t account_id, arr_time at, check_data *c,
                   arr_err *err) {
  arr_rc rc = arr_store_account_get(svc->db, account_id, &c->a, err);
  if (rc == ARR_OK) {
    rc = arr_store_debtor_get(svc->db, c->a.debtor_id, &c->d, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_address_list(svc->db, c->a.debtor_id, c->addresses, MAX_POINTS, &c->na,
                                err);
  }
  if (rc == ARR_OK) {
    rc =
        arr_store_phone_list(svc->db, c->a.debtor_id, c->phones, MAX_POINTS, &c->np, err);
  }
  if (rc == ARR_OK) {
    rc =
        arr_store_email_list(svc->db, c->a.debtor_id, c->emails, MAX_POINTS, &c->ne, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_event_list(svc->db, account_id, c->events, MAX_EVENTS, &c->nevents,
                              err);
  }
  if (rc == ARR_OK) {
    char since[ARR_TIME_FMT_MAX];
    arr_time_format_utc(at - 31 * 86400, since);
    rc = arr_store_contacts_for_debtor(svc->db, c->a.debtor_id, since, c->contacts,
                                       MAX_HISTORY, &c->ncontacts, err);
  }
  if (rc == ARR_OK && c->a.federal_loan_bundle[0] != '\0') {
    rc = arr_store_bundle_accounts(svc->db, c->a.debtor_id, c->a.federal_loan_bundle,
                                   c->bundle, MAX_BUNDLE, &c->nbundle, err);
  }
  if (rc == ARR_OK) {
    rc = load_rules(svc, c->rules, &c->nrules, err);
  }
  return rc;
}

/* The debt a contact on account_id was about: federal student loans serviced under
 * one account number when obtained are one debt (1006.14(b)(4)), keyed by the lowest
 * account id of the bundle; every other account is its own debt. */
static int64_t debt_key_of(const check_data *c, int64_t account_id) {
  for (int i = 0; i < c->nbundle; i++) {
    if (c->bundle[i] == account_id) {
      return c->bundle[0];
    }
  }
  return account_id;
}

/* The phone on file matching a normalized number, or NULL. */
static const arr_phone *find_phone(const check_data *c, const char *number) {
  for (int i = 0; i < c->np; i++) {
    if (strcmp(c->phones[i].number, number) == 0) {
      return &c->phones[i];
    }
  }
  return NULL;
}

static json_t *decision_json(const arr_decision *d, const arr_compliance_facts *f) {
  json_t *reasons = json_array();
  for (int i = 0; i < d->nreasons; i++) {
    const arr_rule *r = d->reasons[i].rule;
    json_t *o = json_object();
    svc_set_str(o, "code", arr_reason_code(d->reasons[i].code));
    svc_set_str(o, "message", r->title);
    svc_set_str(o, "rule", r->id);
    svc_set_str(o, "citation", r->citation);
    json_array_append_new(reasons, o);
  }
  json_t *zones = json_array();
  for (int i = 0; i < f->nzones; i++) {
    json_array_append_new(zones, json_string(f->zones[i]->name));
  }
  json_t *next = json_null();
  if (!d->allowed && d->has_next) {
    char iso[ARR_TIME_FMT_MAX];
    arr_time_format_utc(d->next_allowed_at, iso);
    next = json_string(iso);
  }
  json_t *o = json_object();
  svc_set(o, "allowed", json_boolean(d->allowed));
  svc_set(o, "reasons", reasons);
  svc_set(o, "next_allowed_at", next);
  svc_set(o, "zones", zones);
  return o;
}

static bool valid_channel(const char *ch) {
  return ch != NULL &&
         (strcmp(ch, "call") == 0 || strcmp(ch, "sms") == 0 || strcmp(ch, "email") == 0 ||
          strcmp(ch, "letter") == 0 || strcmp(ch, "visit") == 0);
}

/* Decides a contact on account_id at `at`: loads the facts (in one read snapshot),
 * counts only contacts strictly before `at` other than exclude_id (a logged contact is
 * judged against what came before it), and fills f and d. */
enum {
  DECIDE_AUTODIAL = 1, /* placed by a dialer (TCPA) */
  DECIDE_SUIT = 2,     /* threatens suit, or is the referral for suit */
  /* A letter that is not a demand for payment (what a written cease still allows). */
  DECIDE_CEASE_ACK = 4,    /* says collection has ended */
  DECIDE_REMEDY = 8,       /* says a specific remedy may be invoked */
  DECIDE_VERIFICATION = 16 /* the verification of a disputed debt */
};

/* Loads what the engine needs about account_id at `at` into c, in one snapshot. */
static arr_rc decide_load(arr_svc *svc, int64_t account_id, arr_time at, check_data *c,
                          arr_err *err) {
  /* The counts only: the struct is 1.3 MB, and zeroing all of it per decision (a page
   * fault per 4 KiB) was most of the cost of a decision. */
  c->na = c->np = c->ne = c->nevents = c->ncontacts = c->nbundle = c->nrules = 0;
  c->state[0] = '\0';
  bool own_tx = !arr_db_in_tx(svc->db);
  arr_rc rc = own_tx ? arr_db_begin_read(svc->db, err) : ARR_OK;
  if (rc == ARR_OK) {
    rc = load(svc, account_id, at, c, err);
    if (own_tx) {
      arr_db_commit(svc->db, NULL);
    }
  }
  return rc;
}

/* The engine's decision on a contact at `at`, from c as loaded for a moment no later
 * than at (the contacts of the 31 days before at are the history, as a load at `at`
 * would have read them). */
static arr_rc decide_loaded(check_data *c, const char *channel, const char *to,
                            arr_time at, unsigned flags, int64_t exclude_id,
                            arr_compliance_facts *f, arr_decision *d, arr_err *err) {
  memset(f, 0, sizeof *f);
  arr_proposed_contact p;
  memset(&p, 0, sizeof p);
  f->stated_from_min = f->stated_to_min = -1;
  f->debt_key = debt_key_of(c, c->a.id);
  f->closed = strcmp(c->a.status, "open") != 0;
  bool consent = false, revoked = false;
  apply_events(c->events, c->nevents, at, f, &consent, &revoked);
  zone_facts(c->addresses, c->na, c->phones, c->np, f, c->state);
  p.channel = channel_of(channel);
  p.at = at;
  p.autodial = (flags & DECIDE_AUTODIAL) != 0;
  p.threatens_suit = (flags & DECIDE_SUIT) != 0;
  if (p.threatens_suit) {
    /* A suit is a remedy: a written cease still allows saying it may be invoked. */
    p.letter_kind = ARR_LETTER_REMEDY;
    arr_sol_status sol;
    svc_sol_evaluate(&c->a, c->state, arr_time_utc_date(at), &sol);
    f->time_barred = sol.time_barred;
  }
  p.line = ARR_LINE_UNKNOWN;
  if (!p.threatens_suit) {
    p.letter_kind = (flags & DECIDE_CEASE_ACK) != 0      ? ARR_LETTER_CEASE_ACK
                    : (flags & DECIDE_REMEDY) != 0       ? ARR_LETTER_REMEDY
                    : (flags & DECIDE_VERIFICATION) != 0 ? ARR_LETTER_VERIFICATION
                                                         : ARR_LETTER_COLLECTION;
  }
  if (to != NULL && to[0] != '\0' &&
      (p.channel == ARR_CH_CALL || p.channel == ARR_CH_SMS)) {
    char number[16];
    if (arr_norm_phone(to, strlen(to), number) != NULL) {
      return arr_err_field(err, ARR_ERR_INVALID, "to", "to: \"%s\" is not a phone number",
                           to);
    }
    const arr_phone *ph = find_phone(c, number);
    if (ph != NULL) {
      p.line = line_of(ph->type);
      p.target_bad = bad_status(ph->status) || ph->valid_to != ARR_DATE_NONE;
      p.autodial_consent = !revoked && (consent || strcmp(ph->consent, "granted") == 0);
    }
  }
  /* A letter needs a current mailing address; an email, an address not marked bad
   * (a bounce) or ended. */
  if (p.channel == ARR_CH_LETTER) {
    p.target_bad = svc_current_address(c->addresses, c->na) < 0;
  }
  if (p.channel == ARR_CH_EMAIL && to != NULL && to[0] != '\0') {
    for (int i = 0; i < c->ne; i++) {
      if (strcasecmp(c->emails[i].address, to) == 0) {
        p.target_bad =
            bad_status(c->emails[i].status) || c->emails[i].valid_to != ARR_DATE_NONE;
      }
    }
  }
  int nh = 0;
  for (int i = 0; i < c->ncontacts; i++) {
    arr_time t = iso_time(c->contacts[i].at);
    if (t >= at || t < at - 31 * 86400 || c->contacts[i].id == exclude_id) {
      continue;
    }
    arr_past_contact *h = &c->history[nh++];
    h->at = t;
    h->channel = channel_of(c->contacts[i].channel);
    h->outcome = outcome_of(c->contacts[i].outcome);
    h->debt_key = debt_key_of(c, c->contacts[i].account_id);
    const arr_phone *ph = find_phone(c, c->contacts[i].target);
    h->line = ph != NULL ? line_of(ph->type) : ARR_LINE_UNKNOWN;
  }
  arr_compliance_check(c->rules, c->nrules, f, c->history, nh, &p, d);
  return ARR_OK;
}

static arr_rc decide(arr_svc *svc, int64_t account_id, const char *channel,
                     const char *to, arr_time at, unsigned flags, int64_t exclude_id,
                     check_data *c, arr_compliance_facts *f, arr_decision *d,
                     arr_err *err) {
  arr_rc rc = decide_load(svc, account_id, at, c, err);
  return rc == ARR_OK ? decide_loaded(c, channel, to, at, flags, exclude_id, f, d, err)
                      : rc;
}

/* A referral for suit goes through the engine as a remedy: refused on a time-barred
 * debt (1006.26(b)), in bankruptcy, with a dispute pending or on a closed account.
 * (Representation by an attorney does not stop a suit; it changes whom we talk to.) */
static arr_rc suit_allowed(arr_svc *svc, int64_t account_id, const char *account,
                           arr_time at, arr_err *err) {
  check_data *c = malloc(sizeof *c);
  if (c == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  arr_compliance_facts f;
  arr_decision d;
  arr_rc rc = decide(svc, account_id, "letter", NULL, at, DECIDE_SUIT, 0, c, &f, &d, err);
  char why[512] = "";
  for (int i = 0; rc == ARR_OK && i < d.nreasons; i++) {
    if (d.reasons[i].code == ARR_R_ATTORNEY_REPRESENTED) {
      continue;
    }
    size_t used = strlen(why);
    snprintf(why + used, sizeof why - used, "%s%s (%s)", used ? "; " : "",
             arr_reason_code(d.reasons[i].code), d.reasons[i].rule->citation);
  }
  if (rc == ARR_OK && why[0] != '\0') {
    arr_sol_status sol;
    svc_sol_evaluate(&c->a, c->state, arr_time_utc_date(at), &sol);
    char expired[ARR_DATE_FMT_MAX] = "";
    if (sol.time_barred) {
      arr_date_format(sol.expires_on, expired);
    }
    rc = arr_err_set(err, ARR_ERR_REFUSED,
                     "account %s may not be referred for suit: %s%s%s", account, why,
                     sol.time_barred ? "; the limitation period ended on " : "", expired);
  }
  free(c);
  return rc;
}

arr_rc arr_svc_contact_check(arr_svc *svc, const arr_check_request *req, json_t **out,
                             arr_err *err) {
  if (!valid_channel(req->channel)) {
    return arr_err_field(err, ARR_ERR_INVALID, "channel",
                         "channel must be one of call, sms, email, letter, visit");
  }
  arr_time at = 0;
  arr_rc rc = parse_at(svc, req->at, &at, err);
  int64_t id = 0;
  if (rc == ARR_OK) {
    rc = arr_svc_account_resolve(svc, req->account, &id, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  check_data *c = malloc(sizeof *c);
  if (c == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  arr_compliance_facts f;
  arr_decision d;
  unsigned flags =
      (req->autodial ? DECIDE_AUTODIAL : 0u) | (req->threatens_suit ? DECIDE_SUIT : 0u);
  rc = decide(svc, id, req->channel, req->to, at, flags, 0, c, &f, &d, err);
  if (rc == ARR_OK) {
    *out = decision_json(&d, &f);
  }
  free(c);
  return rc;
}

/* A logged call that never connected (busy, not in service) is not counted by either
 * Regulation F call test (1006.14(b)(3)): drop those reasons from the decision. */
static void exempt_unconnected(arr_decision *d, const char *outcome) {
  if (outcome == NULL ||
      (strcmp(outcome, "busy") != 0 && strcmp(outcome, "not_in_service") != 0)) {
    return;
  }
  int kept = 0;
  for (int i = 0; i < d->nreasons; i++) {
    arr_reason r = d->reasons[i].code;
    if (r != ARR_R_CALL_FREQUENCY && r != ARR_R_RECENT_CONVERSATION) {
      d->reasons[kept++] = d->reasons[i];
    }
  }
  d->nreasons = kept;
  d->allowed = kept == 0;
}

arr_rc svc_contact_allowed(arr_svc *svc, int64_t account_id, const char *channel,
                           const char *to, const char *outcome, arr_time at,
                           bool *allowed, char *why, size_t why_cap, json_t **codes,
                           arr_err *err) {
  check_data *c = malloc(sizeof *c);
  if (c == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  arr_compliance_facts f;
  arr_decision d;
  arr_rc rc = decide(svc, account_id, channel, to, at, 0, 0, c, &f, &d, err);
  if (rc != ARR_OK) {
    free(c);
    return rc;
  }
  exempt_unconnected(&d, outcome);
  *allowed = d.allowed;
  *codes = json_array();
  why[0] = '\0';
  for (int i = 0; i < d.nreasons; i++) {
    size_t used = strlen(why);
    snprintf(why + used, why_cap - used, "%s%s (%s)", i ? "; " : "",
             arr_reason_code(d.reasons[i].code), d.reasons[i].rule->citation);
    json_array_append_new(*codes, json_string(arr_reason_code(d.reasons[i].code)));
  }
  free(c); /* after the reasons: they point into its rules */
  return ARR_OK;
}

arr_rc svc_letter_allowed(arr_svc *svc, int64_t account_id, const char *channel,
                          const char *to, arr_letter_kind kind, arr_time at,
                          bool *allowed, char *why, size_t why_cap, arr_err *err) {
  check_data *c = malloc(sizeof *c);
  if (c == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  unsigned flags = kind == ARR_LETTER_CEASE_ACK      ? DECIDE_CEASE_ACK
                   : kind == ARR_LETTER_REMEDY       ? DECIDE_REMEDY
                   : kind == ARR_LETTER_VERIFICATION ? DECIDE_VERIFICATION
                                                     : 0;
  arr_compliance_facts f;
  arr_decision d;
  arr_rc rc = decide(svc, account_id, channel, to, at, flags, 0, c, &f, &d, err);
  if (rc == ARR_OK) {
    *allowed = d.allowed;
    why[0] = '\0';
    for (int i = 0; i < d.nreasons; i++) {
      size_t used = strlen(why);
      snprintf(why + used, why_cap - used, "%s%s (%s)", i ? "; " : "",
               arr_reason_code(d.reasons[i].code), d.reasons[i].rule->citation);
    }
  }
  free(c); /* after the reasons: they point into its rules */
  return rc;
}

/* ---- a run of calls on one account (generated history: the demo) ----
 *
 * The demo places each call at the earliest moment the engine allows from a
 * candidate time on, so that its history is one a compliant agency could have. Loading
 * the facts for every call was a third of generating a portfolio: a plan loads them
 * once per account and adds each call it places to the loaded history, which is what a
 * new load would read (the calls are the only thing that changes in between). */
struct svc_call_plan {
  check_data c;
};

svc_call_plan *svc_call_plan_new(void) {
  return malloc(sizeof(svc_call_plan));
}

void svc_call_plan_free(svc_call_plan *p) {
  free(p);
}

arr_rc svc_call_plan_load(arr_svc *svc, svc_call_plan *p, int64_t account_id, arr_time at,
                          arr_err *err) {
  return decide_load(svc, account_id, at, &p->c, err);
}

void svc_call_plan_add(svc_call_plan *p, const arr_contact *contact) {
  if (p->c.ncontacts < MAX_HISTORY) { /* as many as a load keeps */
    p->c.contacts[p->c.ncontacts++] = *contact;
  }
}

arr_rc svc_call_plan_next(svc_call_plan *p, arr_time at, arr_time until, arr_time *when,
                          bool *found, arr_err *err) {
  *found = false;
  arr_rc rc = ARR_OK;
  arr_time t = at;
  /* A next_allowed_at answers every reason at once, but a later time can meet a new
   * one (a window opening onto the night): a few steps settle it. */
  for (int step = 0; rc == ARR_OK && step < 4 && t < until; step++) {
    arr_compliance_facts f;
    arr_decision d;
    rc = decide_loaded(&p->c, "call", NULL, t, 0, 0, &f, &d, err);
    if (rc != ARR_OK) {
      break;
    }
    if (d.allowed) {
      *found = true;
      *when = t;
      break;
    }
    if (!d.has_next || d.next_allowed_at <= t) {
      break;
    }
    t = d.next_allowed_at;
  }
  return rc;
}

/* ---- the compliance report: every contact of a period judged again ---- */

enum { REPORT_MAX_CONTACTS = 100000, REPORT_MAX_LISTED = 1000, REPORT_BUSIEST = 20 };

static int by_debt_then_time(const void *x, const void *y) {
  const arr_contact *a = x, *b = y;
  if (a->debtor_id != b->debtor_id) {
    return a->debtor_id < b->debtor_id ? -1 : 1;
  }
  if (a->account_id != b->account_id) {
    return a->account_id < b->account_id ? -1 : 1;
  }
  return strcmp(a->at, b->at);
}

/* The person/debt pairs with the most calls in any 7 consecutive days of the period
 * (UTC days; busy and not-in-service calls not counted), most first. Sorts contacts. */
static json_t *busiest_weeks(arr_contact *contacts, int n) {
  qsort(contacts, (size_t)n, sizeof *contacts, by_debt_then_time);
  typedef struct {
    int64_t debtor_id, account_id, calls;
    char from[ARR_TIME_FMT_MAX];
  } best;
  best top[REPORT_BUSIEST];
  int ntop = 0;
  for (int i = 0; i < n;) {
    int j = i;
    while (j < n && contacts[j].debtor_id == contacts[i].debtor_id &&
           contacts[j].account_id == contacts[i].account_id) {
      j++;
    }
    /* Sliding window over this debt's counted calls. */
    int64_t most = 0;
    int most_at = i;
    int lo = i;
    int64_t in_window = 0;
    for (int k = i; k < j; k++) {
      const arr_contact *c = &contacts[k];
      bool counted = strcmp(c->channel, "call") == 0 && strcmp(c->outcome, "busy") != 0 &&
                     strcmp(c->outcome, "not_in_service") != 0;
      if (!counted) {
        continue;
      }
      in_window++;
      arr_date day = arr_time_utc_date(iso_time(c->at));
      while (arr_time_utc_date(iso_time(contacts[lo].at)) <= day - 7) {
        const arr_contact *o = &contacts[lo++];
        in_window -= strcmp(o->channel, "call") == 0 && strcmp(o->outcome, "busy") != 0 &&
                     strcmp(o->outcome, "not_in_service") != 0;
      }
      if (in_window > most) {
        most = in_window;
        most_at = lo;
      }
    }
    int pos = -1;
    if (most > 0 && ntop < REPORT_BUSIEST) {
      pos = ntop++;
    } else if (most > 0 && most > top[REPORT_BUSIEST - 1].calls) {
      pos = REPORT_BUSIEST - 1; /* replaces the least busy of a full list */
    }
    if (pos >= 0) {
      top[pos] = (best){contacts[i].debtor_id, contacts[i].account_id, most, ""};
      svc_strcpy(top[pos].from, sizeof top[pos].from, contacts[most_at].at);
      for (int k = pos; k > 0 && top[k].calls > top[k - 1].calls; k--) {
        best t = top[k];
        top[k] = top[k - 1];
        top[k - 1] = t;
      }
    }
    i = j;
  }
  json_t *out = json_array();
  for (int k = 0; k < ntop; k++) {
    json_t *o = json_object();
    svc_set_int(o, "debtor_id", top[k].debtor_id);
    svc_set_int(o, "account_id", top[k].account_id);
    svc_set_int(o, "calls", top[k].calls);
    svc_set_str(o, "window_from", top[k].from);
    json_array_append_new(out, o);
  }
  return out;
}

arr_rc arr_svc_compliance_report(arr_svc *svc, const char *from, const char *to,
                                 json_t **out, arr_err *err) {
  static const char *const READERS[] = {"supervisor", "compliance", "admin", NULL};
  arr_rc rc = arr_svc_require(svc, "the compliance report", READERS, err);
  arr_date d0 = 0, d1 = 0;
  if (rc == ARR_OK && (from == NULL || !arr_date_parse(from, strlen(from), &d0))) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "from",
                       "from must be a date like 2026-11-01");
  }
  if (rc == ARR_OK && (to == NULL || !arr_date_parse(to, strlen(to), &d1) || d1 < d0)) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "to",
                       "to must be a date like 2026-11-30, not before from");
  }
  if (rc == ARR_OK && d1 - d0 > 366) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "to", "a report covers at most 366 days");
  }
  if (rc != ARR_OK) {
    return rc;
  }
  char from_iso[ARR_TIME_FMT_MAX], to_iso[ARR_TIME_FMT_MAX];
  arr_time_format_utc((arr_time)d0 * 86400, from_iso);
  arr_time_format_utc((arr_time)(d1 + 1) * 86400, to_iso);
  arr_contact *contacts = malloc(sizeof *contacts * REPORT_MAX_CONTACTS);
  check_data *c = malloc(sizeof *c);
  if (contacts == NULL || c == NULL) {
    free(contacts);
    free(c);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  rc = arr_db_begin_read(svc->db, err);
  if (rc == ARR_OK) {
    rc = arr_store_contacts_between(svc->db, from_iso, to_iso, contacts,
                                    REPORT_MAX_CONTACTS, &n, err);
  }
  json_t *violations = json_array();
  int64_t nviolations = 0, noverrides = 0;
  int64_t by_reason[ARR_R_COUNT] = {0};
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    const arr_contact *k = &contacts[i];
    arr_compliance_facts f;
    arr_decision d;
    rc = decide(svc, k->account_id, k->channel, k->target, iso_time(k->at), 0, k->id, c,
                &f, &d, err);
    if (rc != ARR_OK || d.allowed) {
      continue;
    }
    nviolations++;
    noverrides += k->override_reason[0] != '\0';
    json_t *codes = json_array();
    for (int r = 0; r < d.nreasons; r++) {
      by_reason[d.reasons[r].code]++;
      json_array_append_new(codes, json_string(arr_reason_code(d.reasons[r].code)));
    }
    if (json_array_size(violations) < REPORT_MAX_LISTED) {
      json_t *o = json_object();
      svc_set_int(o, "contact_id", k->id);
      svc_set_int(o, "account_id", k->account_id);
      svc_set_str(o, "client", c->a.client_code);
      svc_set_str(o, "client_account", c->a.client_account);
      svc_set_str(o, "at", k->at);
      svc_set_str(o, "channel", k->channel);
      svc_set_str(o, "outcome", k->outcome);
      svc_set_str(o, "actor", k->actor);
      svc_set(o, "reasons", codes);
      svc_set(o, "override_reason",
              k->override_reason[0] ? json_string(k->override_reason) : json_null());
      svc_set(o, "review", k->review[0] ? json_string(k->review) : json_null());
      json_array_append_new(violations, o);
    } else {
      json_decref(codes);
    }
  }
  if (arr_db_in_tx(svc->db)) {
    arr_db_commit(svc->db, NULL);
  }
  if (rc == ARR_OK) {
    json_t *counts = json_object();
    for (int r = 0; r < ARR_R_COUNT; r++) {
      if (by_reason[r] > 0) {
        svc_set_int(counts, arr_reason_code((arr_reason)r), by_reason[r]);
      }
    }
    json_t *o = json_object();
    svc_set_str(o, "from", from);
    svc_set_str(o, "to", to);
    svc_set_int(o, "contacts_checked", n);
    svc_set(o, "contacts_truncated", json_boolean(n == REPORT_MAX_CONTACTS));
    svc_set_int(o, "violations", nviolations);
    svc_set_int(o, "overrides", noverrides);
    svc_set(o, "violations_by_reason", counts);
    svc_set(o, "listed", violations);
    svc_set(o, "busiest_weeks", busiest_weeks(contacts, n));
    *out = o;
  } else {
    json_decref(violations);
  }
  free(contacts);
  free(c);
  return rc;
}

arr_rc arr_svc_compliance_rules(arr_svc *svc, json_t **out, arr_err *err) {
  arr_rule rules[MAX_RULES];
  int n = 0;
  arr_rc rc = load_rules(svc, rules, &n, err);
  if (rc != ARR_OK) {
    return rc;
  }
  static const char *const J[] = {"US", "MA", "WA", "NYC"};
  json_t *items = json_array();
  for (int i = 0; i < n; i++) {
    json_t *o = json_object();
    svc_set_str(o, "id", rules[i].id);
    svc_set_str(o, "jurisdiction", J[rules[i].jurisdiction]);
    svc_set_str(o, "citation", rules[i].citation);
    svc_set_str(o, "title", rules[i].title);
    svc_set_str(o, "reason", arr_reason_code(rules[i].reason));
    svc_set(o, "enabled", json_boolean(rules[i].enabled));
    json_array_append_new(items, o);
  }
  *out = json_pack("{s:o,s:n}", "items", items, "next_after");
  return ARR_OK;
}

arr_rc arr_svc_compliance_rule_set(arr_svc *svc, const char *rule_id, bool enabled,
                                   arr_err *err) {
  static const char *const ADMINS[] = {"admin", NULL};
  arr_rc rc = arr_svc_require(svc, "switching compliance rules", ADMINS, err);
  if (rc != ARR_OK) {
    return rc;
  }
  int n = 0;
  const arr_rule *rules = arr_compliance_rules(&n);
  bool known = false;
  for (int i = 0; i < n; i++) {
    known = known || strcmp(rules[i].id, rule_id) == 0;
  }
  if (!known) {
    return arr_err_set(err, ARR_ERR_NOTFOUND, "no compliance rule %s", rule_id);
  }
  rc = svc_begin(svc, err);
  if (rc == ARR_OK) {
    rc = arr_store_rule_setting_put(svc->db, rule_id, enabled, svc->actor, svc->now_iso,
                                    err);
  }
  if (rc == ARR_OK) {
    rc = svc_audit(svc, "compliance.rule", "rule", 0,
                   json_pack("{s:s,s:b}", "rule", rule_id, "enabled", enabled), err);
  }
  if (rc == ARR_OK) {
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

arr_rc arr_svc_event_list(arr_svc *svc, const char *account, json_t **out, arr_err *err) {
  int64_t id = 0;
  arr_rc rc = arr_svc_account_resolve(svc, account, &id, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_account_event *ev = malloc(sizeof *ev * MAX_EVENTS);
  if (ev == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  rc = arr_store_event_list(svc->db, id, ev, MAX_EVENTS, &n, err);
  if (rc == ARR_OK) {
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
      json_t *o = json_object();
      svc_set_int(o, "id", ev[i].id);
      svc_set_str(o, "type", ev[i].type);
      svc_set_str(o, "at", ev[i].at);
      svc_set(o, "released_at",
              ev[i].released_at[0] ? json_string(ev[i].released_at) : json_null());
      svc_set(o, "note", ev[i].note[0] ? json_string(ev[i].note) : json_null());
      svc_set(o, "data", ev[i].data[0] ? json_string(ev[i].data) : json_null());
      svc_set_str(o, "actor", ev[i].actor);
      json_array_append_new(items, o);
    }
    /* The validation period (1006.34): it ends 30 days after the notice's assumed
     * receipt, 5 business days after it was sent. */
    arr_time notice = 0;
    for (int i = 0; i < n; i++) {
      if (strcmp(ev[i].type, "validation_notice_sent") == 0 &&
          in_effect(&ev[i], svc->now)) {
        notice = iso_time(ev[i].at);
      }
    }
    arr_compliance_facts f;
    memset(&f, 0, sizeof f);
    bool consent = false, revoked = false;
    apply_events(ev, n, svc->now, &f, &consent, &revoked);
    json_t *validation = json_object();
    char day[ARR_DATE_FMT_MAX];
    if (notice != 0) {
      arr_date sent = arr_time_utc_date(notice);
      arr_date_format(sent, day);
      svc_set_str(validation, "notice_sent_on", day);
      arr_date_format(arr_date_add_business_days(sent, 5) + 30, day);
      svc_set_str(validation, "period_end", day);
    } else {
      svc_set(validation, "notice_sent_on", json_null());
      svc_set(validation, "period_end", json_null());
    }
    svc_set(validation, "dispute_pending", json_boolean(f.dispute_pending));
    *out = json_pack("{s:o,s:n,s:o}", "items", items, "next_after", "validation",
                     validation);
  }
  free(ev);
  return rc;
}
