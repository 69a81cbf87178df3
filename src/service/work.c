/*
 * work.c — the collector's workstation use cases: account lists and the search box,
 * the work queue and its Next button, logging a contact (with a promise to pay taken
 * on the call), note and call history, the user list and the audit log view.
 *
 * Scope: a principal with role client sees only its own client's accounts; every
 * list and search here adds that filter in SQL, and single-account operations go
 * through arr_svc_account_resolve, which refuses other clients' accounts.
 *
 * A collector's queue is their assigned open accounts, in the order the nightly
 * batch's strategy gave them (priority; until the batch has run, the largest balance
 * first), leaving out accounts the strategy holds and accounts paying under an active
 * plan or an offered settlement (a broken one sends the account back, with the reason
 * as a note); "worked today" means the collector wrote a payment, contact or
 * note on the account since midnight UTC.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "formats/placement.h"
#include "service/internal.h"

enum { PAGE_MAX = 200, SEARCH_MAX = 50 };

static const char *const CHANNELS[] = {"call", "sms", "email", "letter", "visit", NULL};
static const char *const OUTCOMES[] = {
    "conversation", "left_message", "voicemail_no_message",
    "no_answer",    "busy",         "not_in_service",
    "wrong_number", "dropped",      "sent",
    "returned",     "bounced",      NULL};
static const char *const REASONS[] = {
    "unemployment", "illness", "divorce",  "overextended", "dispute",
    "forgot",       "refuses", "deceased", "other",        NULL};
static const char *const WORKERS[] = {"collector", "supervisor", "admin", NULL};
static const char *const NOTERS[] = {"collector", "supervisor", "compliance", "admin",
                                     NULL};
static const char *const OVERSEERS[] = {"supervisor", "compliance", "admin", NULL};

static bool in_list(const char *s, const char *const *list) {
  for (int i = 0; list[i] != NULL; i++) {
    if (strcmp(s, list[i]) == 0) {
      return true;
    }
  }
  return false;
}

static int64_t scope_client(const arr_svc *svc) {
  return svc->has_principal ? svc->principal.client_id : 0;
}

static json_t *summary_json(const arr_account_summary *s, bool with_worked) {
  char name[420];
  snprintf(name, sizeof name, "%s %s", s->first_name, s->last_name);
  json_t *o = json_pack(
      "{s:I,s:s,s:s,s:s,s:s,s:o,s:s,s:o,s:o,s:o}", "id", (json_int_t)s->a.id, "client",
      s->a.client_code, "client_account", s->a.client_account, "status", s->a.status,
      "debtor_name", name, "balance_cents", svc_balance_json(&s->a.balance), "currency",
      s->a.currency, "placed_on", svc_date_json(s->a.placed_on), "last_payment_on",
      svc_date_json(s->a.last_payment_on), "collector",
      s->collector[0] ? json_string(s->collector) : json_null());
  if (with_worked) {
    json_object_set_new(o, "worked_today", json_boolean(s->worked_today));
    json_object_set_new(o, "queue", s->queue[0] ? json_string(s->queue) : json_null());
    json_object_set_new(o, "priority",
                        s->priority >= 0 ? json_integer(s->priority) : json_null());
    json_object_set_new(o, "score", s->score >= 0 ? json_integer(s->score) : json_null());
  }
  return o;
}

static json_t *page_json(const arr_account_summary *rows, int n, bool with_worked,
                         json_t *next_after) {
  json_t *items = json_array();
  for (int i = 0; i < n; i++) {
    json_array_append_new(items, summary_json(&rows[i], with_worked));
  }
  return json_pack("{s:o,s:o}", "items", items, "next_after", next_after);
}

/* Row buffers are malloc'd, not calloc'd: the reads fill every field of the rows they
 * return, and zeroing hundreds of kilobytes per request was the server's top cost. */
static arr_account_summary *alloc_rows(int n, arr_err *err) {
  arr_account_summary *rows = malloc((size_t)n * sizeof *rows);
  if (rows == NULL) {
    arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  return rows;
}

static arr_rc check_limit(int limit, int max, arr_err *err) {
  if (limit < 1 || limit > max) {
    return arr_err_field(err, ARR_ERR_INVALID, "limit", "limit must be between 1 and %d",
                         max);
  }
  return ARR_OK;
}

arr_rc arr_svc_account_summaries(arr_svc *svc, const arr_page_options *opt, json_t **out,
                                 arr_err *err) {
  arr_rc rc = check_limit(opt->limit, PAGE_MAX, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_account_filter f = {scope_client(svc), opt->status, opt->after_id, opt->limit + 1};
  if (opt->client_code != NULL && opt->client_code[0] != '\0') {
    arr_client c;
    rc = arr_store_client_by_code(svc->db, opt->client_code, &c, err);
    if (rc != ARR_OK) {
      return rc;
    }
    if (f.client_id != 0 && f.client_id != c.id) {
      return arr_err_set(err, ARR_ERR_FORBIDDEN, "client %s is not yours to see",
                         opt->client_code);
    }
    f.client_id = c.id;
  }
  arr_account_summary *rows = alloc_rows(opt->limit + 1, err);
  if (rows == NULL) {
    return ARR_ERR_NOMEM;
  }
  int n = 0;
  rc = arr_store_account_summaries(svc->db, &f, rows, opt->limit + 1, &n, err);
  if (rc == ARR_OK) {
    /* One row more than asked says whether another page exists. */
    bool more = n > opt->limit;
    int shown = more ? opt->limit : n;
    *out = page_json(rows, shown, false,
                     more ? json_integer(rows[shown - 1].a.id) : json_null());
  }
  free(rows);
  return rc;
}

/* Appends rows[0..n) to acc (deduplicated by id, kept in id order), at most cap. */
static void merge_rows(arr_account_summary *acc, int *acc_n, int cap,
                       const arr_account_summary *rows, int n) {
  for (int i = 0; i < n; i++) {
    bool seen = false;
    for (int j = 0; j < *acc_n && !seen; j++) {
      seen = acc[j].a.id == rows[i].a.id;
    }
    if (seen || *acc_n >= cap) {
      continue;
    }
    int at = *acc_n;
    while (at > 0 && acc[at - 1].a.id > rows[i].a.id) {
      acc[at] = acc[at - 1];
      at--;
    }
    acc[at] = rows[i];
    (*acc_n)++;
  }
}

/* Splits a name query into a lower-case last-name prefix and first-name prefix:
 * "rivera", "mateo rivera", "Rivera, Mateo". False when it has no letters. */
static bool split_name(const char *q, char *last, char *first, size_t cap) {
  char buf[256];
  size_t n = 0;
  bool letters = false;
  for (const char *p = q; *p != '\0' && n + 1 < sizeof buf; p++) {
    unsigned char c = (unsigned char)*p;
    letters = letters || isalpha(c);
    buf[n++] = (char)tolower(c);
  }
  buf[n] = '\0';
  first[0] = last[0] = '\0';
  if (!letters) {
    return false;
  }
  char *comma = strchr(buf, ',');
  char *a = buf, *b = NULL;
  if (comma != NULL) { /* "last, first" */
    *comma = '\0';
    b = comma + 1;
  } else {
    char *sp = strrchr(buf, ' ');
    if (sp != NULL) { /* "first last" */
      *sp = '\0';
      b = buf;
      a = sp + 1;
    }
  }
  while (*a == ' ') {
    a++;
  }
  while (b != NULL && *b == ' ') {
    b++;
  }
  snprintf(last, cap, "%s", a);
  snprintf(first, cap, "%s", b != NULL ? b : "");
  size_t l = strlen(last);
  while (l > 0 && last[l - 1] == ' ') {
    last[--l] = '\0';
  }
  return last[0] != '\0';
}

arr_rc arr_svc_account_search(arr_svc *svc, const char *q, int limit, json_t **out,
                              arr_err *err) {
  arr_rc rc = check_limit(limit, SEARCH_MAX, err);
  if (rc != ARR_OK) {
    return rc;
  }
  size_t qlen = q != NULL ? strlen(q) : 0;
  while (qlen > 0 && q[0] == ' ') {
    q++;
    qlen--;
  }
  if (qlen == 0 || qlen > 200) {
    return arr_err_field(err, ARR_ERR_INVALID, "q",
                         "search text must be 1 to 200 characters");
  }
  arr_account_summary *acc = alloc_rows(limit, err);
  arr_account_summary *rows = alloc_rows(limit, err);
  if (acc == NULL || rows == NULL) {
    free(acc);
    free(rows);
    return ARR_ERR_NOMEM;
  }
  int acc_n = 0, n = 0;
  int64_t scope = scope_client(svc);
  char digits[32] = "";
  size_t nd = 0;
  for (const char *p = q; *p != '\0' && nd + 1 < sizeof digits; p++) {
    if (isdigit((unsigned char)*p)) {
      digits[nd++] = *p;
    }
  }
  digits[nd] = '\0';
  /* Every interpretation that fits runs; results merge by account id. */
  rc = arr_store_account_search(svc->db, ARR_SEARCH_CLIENT_ACCOUNT, q, NULL, scope, rows,
                                limit, &n, err);
  merge_rows(acc, &acc_n, limit, rows, rc == ARR_OK ? n : 0);
  bool only_digits = nd > 0 && strspn(q, "0123456789()-. +") == qlen;
  if (rc == ARR_OK && only_digits && nd == 4) {
    rc = arr_store_account_search(svc->db, ARR_SEARCH_SSN_LAST4, digits, NULL, scope,
                                  rows, limit, &n, err);
    merge_rows(acc, &acc_n, limit, rows, rc == ARR_OK ? n : 0);
  }
  char phone[16];
  if (rc == ARR_OK && only_digits && nd >= 10 &&
      arr_norm_phone(digits, nd, phone) == NULL) {
    rc = arr_store_account_search(svc->db, ARR_SEARCH_PHONE, phone, NULL, scope, rows,
                                  limit, &n, err);
    merge_rows(acc, &acc_n, limit, rows, rc == ARR_OK ? n : 0);
  }
  char last[210], first[210];
  if (rc == ARR_OK && split_name(q, last, first, sizeof last)) {
    rc = arr_store_account_search(svc->db, ARR_SEARCH_NAME, last, first, scope, rows,
                                  limit, &n, err);
    merge_rows(acc, &acc_n, limit, rows, rc == ARR_OK ? n : 0);
  }
  if (rc == ARR_OK) {
    *out = page_json(acc, acc_n, false, json_null());
  }
  free(acc);
  free(rows);
  return rc;
}

static void today_start(const arr_svc *svc, char out[ARR_TIME_FMT_MAX]) {
  arr_time_format_utc(svc->now - (svc->now % 86400 + 86400) % 86400, out);
}

static arr_rc queue_read(arr_svc *svc, bool only_unworked, int64_t offset, int limit,
                         arr_account_summary *rows, int *n, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "a work queue", WORKERS, err);
  if (rc != ARR_OK) {
    return rc;
  }
  if (!svc->has_principal) {
    return arr_err_set(err, ARR_ERR_INVALID, "a work queue belongs to a logged-in user");
  }
  char since[ARR_TIME_FMT_MAX];
  today_start(svc, since);
  return arr_store_work_queue(svc->db, svc->principal.id, svc->principal.username, since,
                              only_unworked, offset, rows, limit, n, err);
}

arr_rc arr_svc_work_queue(arr_svc *svc, int64_t offset, int limit, json_t **out,
                          arr_err *err) {
  arr_rc rc = check_limit(limit, PAGE_MAX, err);
  if (rc == ARR_OK && offset < 0) {
    rc = arr_err_set(err, ARR_ERR_INVALID, "after must not be negative");
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_account_summary *rows = alloc_rows(limit + 1, err);
  if (rows == NULL) {
    return ARR_ERR_NOMEM;
  }
  int n = 0;
  rc = queue_read(svc, false, offset, limit + 1, rows, &n, err);
  if (rc == ARR_OK) {
    bool more = n > limit;
    *out = page_json(rows, more ? limit : n, true,
                     more ? json_integer(offset + limit) : json_null());
  }
  free(rows);
  return rc;
}

/* How many of the queue's next accounts `work next` considers when the compliance
 * engine refuses a call now: enough to find one, bounded so Next stays quick. */
enum { NEXT_LOOKAHEAD = 50 };

/* The first account of the caller's queue not worked today. An account the strategy
 * queued to call now is passed over while the compliance engine would refuse a call
 * at this moment (its hours, the call limits, a hold), so Next only offers calls that
 * may be made; how many were passed over is reported. */
arr_rc arr_svc_work_next(arr_svc *svc, json_t **out, arr_err *err) {
  arr_account_summary *rows = alloc_rows(NEXT_LOOKAHEAD, err);
  if (rows == NULL) {
    return ARR_ERR_NOMEM;
  }
  int n = 0;
  arr_rc rc = queue_read(svc, true, 0, NEXT_LOOKAHEAD, rows, &n, err);
  if (rc == ARR_OK && n == 0) {
    rc = arr_err_set(err, ARR_ERR_NOTFOUND,
                     "every account in your queue was worked today");
  }
  int pick = -1, passed = 0;
  for (int i = 0; rc == ARR_OK && i < n && pick < 0; i++) {
    if (strcmp(rows[i].queue, "call_now") != 0) {
      pick = i;
      break;
    }
    bool allowed = false;
    char why[256];
    json_t *codes = NULL;
    rc = svc_contact_allowed(svc, rows[i].a.id, "call", NULL, NULL, svc->now, &allowed,
                             why, sizeof why, &codes, err);
    json_decref(codes);
    if (rc == ARR_OK && allowed) {
      pick = i;
    } else {
      passed++;
    }
  }
  if (rc == ARR_OK && pick < 0) {
    rc = arr_err_set(err, ARR_ERR_NOTFOUND,
                     "none of the next %d accounts in your queue may be called now", n);
  }
  if (rc == ARR_OK) {
    *out = summary_json(&rows[pick], true);
    json_object_set_new(*out, "passed_over", json_integer(passed));
  }
  free(rows);
  return rc;
}

/* ---- contacts and notes ---- */

static json_t *promise_json(const arr_promise *p) {
  return json_pack("{s:I,s:I,s:s,s:o,s:s}", "id", (json_int_t)p->id, "amount_cents",
                   (json_int_t)p->amount_cents, "currency", p->currency, "due_on",
                   svc_date_json(p->due_on), "status", p->status);
}

static json_t *opt_text(const char *s) {
  return s[0] != '\0' ? json_string(s) : json_null();
}

static arr_rc contact_json(arr_svc *svc, const arr_contact *c, json_t **out,
                           arr_err *err) {
  json_t *promise = json_null();
  if (c->promise_id != 0) { /* read with the contact (one query per list) */
    arr_promise p;
    memset(&p, 0, sizeof p);
    p.id = c->promise_id;
    p.amount_cents = c->promise_amount_cents;
    svc_strcpy(p.currency, sizeof p.currency, c->promise_currency);
    p.due_on = c->promise_due_on;
    svc_strcpy(p.status, sizeof p.status, c->promise_status);
    promise = promise_json(&p);
  }
  json_t *o = json_object();
  svc_set_int(o, "id", c->id);
  svc_set_str(o, "channel", c->channel);
  svc_set(o, "to", opt_text(c->target));
  svc_set_str(o, "at", c->at);
  svc_set_str(o, "outcome", c->outcome);
  svc_set(o, "reason", opt_text(c->reason));
  svc_set(o, "note", opt_text(c->note));
  svc_set_str(o, "actor", c->actor);
  svc_set_str(o, "created_at", c->created_at);
  svc_set(o, "promise", promise);
  svc_set(o, "override_reason", opt_text(c->override_reason));
  svc_set(o, "review", opt_text(c->review));
  *out = o;
  return ARR_OK;
}

/* Validates a contact request into c (and p when a promise is given). */
static arr_rc contact_validate(const arr_svc *svc, const arr_contact_request *req,
                               arr_contact *c, arr_promise *p, bool *has_promise,
                               arr_err *err) {
  if (req->channel == NULL || !in_list(req->channel, CHANNELS)) {
    return arr_err_field(err, ARR_ERR_INVALID, "channel",
                         "channel must be one of call, sms, email, letter, visit");
  }
  if (req->outcome == NULL || !in_list(req->outcome, OUTCOMES)) {
    return arr_err_field(err, ARR_ERR_INVALID, "outcome",
                         "outcome must be one of conversation, left_message, "
                         "voicemail_no_message, no_answer, busy, not_in_service, "
                         "wrong_number, dropped");
  }
  if (req->reason != NULL && req->reason[0] != '\0' && !in_list(req->reason, REASONS)) {
    return arr_err_field(err, ARR_ERR_INVALID, "reason",
                         "reason must be one of unemployment, illness, divorce, "
                         "overextended, dispute, forgot, refuses, deceased, other");
  }
  if (req->note != NULL && strlen(req->note) >= sizeof c->note) {
    return arr_err_field(err, ARR_ERR_INVALID, "note",
                         "a call note is at most 1000 bytes");
  }
  if (req->to != NULL && strlen(req->to) >= sizeof c->target) {
    return arr_err_field(err, ARR_ERR_INVALID, "to", "to is at most 255 bytes");
  }
  svc_strcpy(c->channel, sizeof c->channel, req->channel);
  svc_strcpy(c->outcome, sizeof c->outcome, req->outcome);
  svc_strcpy(c->reason, sizeof c->reason, req->reason != NULL ? req->reason : "");
  svc_strcpy(c->note, sizeof c->note, req->note != NULL ? req->note : "");
  svc_strcpy(c->target, sizeof c->target, req->to != NULL ? req->to : "");
  /* A call or text goes to a phone number, an email to an address: kept normalized so
   * the compliance engine can count contacts per number. */
  if (c->target[0] != '\0' &&
      (strcmp(c->channel, "call") == 0 || strcmp(c->channel, "sms") == 0)) {
    char phone[16];
    const char *why = arr_norm_phone(c->target, strlen(c->target), phone);
    if (why != NULL) {
      return arr_err_field(err, ARR_ERR_INVALID, "to", "to: phone number \"%s\" %s",
                           c->target, why);
    }
    svc_strcpy(c->target, sizeof c->target, phone);
  } else if (c->target[0] != '\0' && strcmp(c->channel, "email") == 0) {
    char email[256];
    const char *why = arr_norm_email(c->target, strlen(c->target), email);
    if (why != NULL) {
      return arr_err_field(err, ARR_ERR_INVALID, "to", "to: email \"%s\" %s", c->target,
                           why);
    }
    svc_strcpy(c->target, sizeof c->target, email);
  }
  if (req->at != NULL && req->at[0] != '\0') {
    arr_time t;
    if (!arr_time_parse(req->at, strlen(req->at), &t, NULL)) {
      return arr_err_field(err, ARR_ERR_INVALID, "at",
                           "at must be an ISO 8601 time with offset, like "
                           "2026-11-23T14:05:00-05:00");
    }
    if (t > svc->now + 300) {
      return arr_err_field(err, ARR_ERR_INVALID, "at", "at must not be in the future");
    }
    arr_time_format_utc(t, c->at);
  } else {
    svc_strcpy(c->at, sizeof c->at, svc->now_iso);
  }
  *has_promise = (req->promise_amount != NULL && req->promise_amount[0] != '\0') ||
                 (req->promise_on != NULL && req->promise_on[0] != '\0');
  if (!*has_promise) {
    return ARR_OK;
  }
  if (req->promise_amount == NULL || req->promise_on == NULL) {
    return arr_err_field(err, ARR_ERR_INVALID, "promise",
                         "a promise needs both an amount and a date");
  }
  if (strcmp(req->outcome, "conversation") != 0) {
    return arr_err_field(err, ARR_ERR_INVALID, "promise",
                         "a promise to pay is taken in a conversation (outcome "
                         "conversation)");
  }
  arr_money_status ms = arr_money_parse(req->promise_amount, strlen(req->promise_amount),
                                        false, &p->amount_cents);
  if (ms != ARR_MONEY_OK) {
    return arr_err_field(err, ARR_ERR_INVALID, "promise.amount",
                         "promise amount \"%s\" %s", req->promise_amount,
                         arr_money_status_str(ms));
  }
  if (p->amount_cents <= 0) {
    return arr_err_field(err, ARR_ERR_INVALID, "promise.amount",
                         "promise amount must be more than zero");
  }
  if (!arr_date_parse(req->promise_on, strlen(req->promise_on), &p->due_on)) {
    return arr_err_field(err, ARR_ERR_INVALID, "promise.on",
                         "promise date must be YYYY-MM-DD");
  }
  if (p->due_on < svc->today) {
    return arr_err_field(err, ARR_ERR_INVALID, "promise.on",
                         "promise date must not be in the past");
  }
  return ARR_OK;
}

arr_rc arr_svc_contact_log(arr_svc *svc, const arr_contact_request *req, json_t **out,
                           arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "logging a contact", WORKERS, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_contact c;
  arr_promise p;
  memset(&c, 0, sizeof c);
  memset(&p, 0, sizeof p);
  bool has_promise = false;
  rc = contact_validate(svc, req, &c, &p, &has_promise, err);
  int64_t id = 0;
  if (rc == ARR_OK) {
    rc = arr_svc_account_resolve(svc, req->account, &id, err);
  }
  const char *override = req->override_reason;
  if (rc == ARR_OK && override != NULL && strlen(override) > 500) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "override_reason",
                       "an override reason is at most 500 bytes");
  }
  /* Everything that contacts a debtor goes through the engine, judged at the
   * contact's time against the contacts before it. */
  bool allowed = true;
  char why[400];
  json_t *codes = NULL;
  if (rc == ARR_OK) {
    arr_time at = 0;
    arr_time_parse(c.at, strlen(c.at), &at, NULL);
    rc = svc_contact_allowed(svc, id, c.channel, c.target, c.outcome, at, &allowed, why,
                             sizeof why, &codes, err);
  }
  if (rc == ARR_OK && !allowed && (override == NULL || override[0] == '\0')) {
    rc =
        arr_err_set(err, ARR_ERR_REFUSED,
                    "The compliance engine does not allow this contact: %s; a supervisor "
                    "may log it with an override reason",
                    why);
  }
  if (rc == ARR_OK && !allowed) {
    static const char *const OVERRIDERS[] = {"supervisor", "admin", NULL};
    rc = svc_require_role(svc, "overriding the compliance engine", OVERRIDERS, err);
    svc_strcpy(c.override_reason, sizeof c.override_reason, override);
    svc_strcpy(c.override_by, sizeof c.override_by, svc->actor);
    svc_strcpy(c.review, sizeof c.review, "pending");
  }
  if (rc != ARR_OK) {
    json_decref(codes);
    return rc;
  }
  rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    json_decref(codes);
    return rc;
  }
  arr_account a;
  rc = arr_store_account_get(svc->db, id, &a, err);
  if (rc == ARR_OK) {
    c.account_id = a.id;
    c.debtor_id = a.debtor_id;
    svc_strcpy(c.actor, sizeof c.actor, svc->actor);
    rc = arr_store_contact_insert(svc->db, &c, svc->now_iso, err);
  }
  if (rc == ARR_OK && has_promise) {
    p.account_id = a.id;
    p.contact_id = c.id;
    svc_strcpy(p.currency, sizeof p.currency, a.currency);
    svc_strcpy(p.actor, sizeof p.actor, svc->actor);
    rc = arr_store_promise_insert(svc->db, &p, svc->now_iso, err);
    c.promise_id = p.id;
    c.promise_amount_cents = p.amount_cents;
    svc_strcpy(c.promise_currency, sizeof c.promise_currency, p.currency);
    c.promise_due_on = p.due_on;
    svc_strcpy(c.promise_status, sizeof c.promise_status, "open");
  }
  if (rc == ARR_OK) {
    json_t *d = json_pack("{s:I,s:s,s:s,s:o}", "account_id", (json_int_t)a.id, "channel",
                          c.channel, "outcome", c.outcome, "promise_cents",
                          has_promise ? json_integer(p.amount_cents) : json_null());
    rc = svc_audit(svc, "contact.log", "contact", c.id, d, err);
  }
  if (rc == ARR_OK && !allowed) {
    json_t *d = json_pack("{s:I,s:O,s:s}", "account_id", (json_int_t)a.id, "reasons",
                          codes, "reason", c.override_reason);
    rc = svc_audit(svc, "contact.override", "contact", c.id, d, err);
  }
  json_decref(codes);
  if (rc == ARR_OK) {
    rc = svc_commit(svc, err);
  } else {
    svc_rollback(svc);
  }
  if (rc == ARR_OK) {
    svc_strcpy(c.created_at, sizeof c.created_at, svc->now_iso);
    rc = contact_json(svc, &c, out, err);
  }
  return rc;
}

arr_rc arr_svc_contact_list(arr_svc *svc, const char *account, int64_t before_id,
                            int limit, json_t **out, arr_err *err) {
  arr_rc rc = check_limit(limit, PAGE_MAX, err);
  int64_t id = 0;
  if (rc == ARR_OK) {
    rc = arr_svc_account_resolve(svc, account, &id, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_contact *rows = malloc(((size_t)limit + 1) * sizeof *rows);
  if (rows == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  rc = arr_store_contact_list(svc->db, id, before_id, rows, limit + 1, &n, err);
  json_t *items = json_array();
  bool more = n > limit;
  int shown = more ? limit : n;
  for (int i = 0; rc == ARR_OK && i < shown; i++) {
    json_t *o = NULL;
    rc = contact_json(svc, &rows[i], &o, err);
    if (rc == ARR_OK) {
      json_array_append_new(items, o);
    }
  }
  if (rc == ARR_OK) {
    *out = json_pack("{s:o,s:o}", "items", items, "next_after",
                     more ? json_integer(rows[shown - 1].id) : json_null());
  } else {
    json_decref(items);
  }
  free(rows);
  return rc;
}

static json_t *note_json(const arr_note *n) {
  json_t *o = json_object();
  svc_set_int(o, "id", n->id);
  svc_set_str(o, "body", n->body);
  svc_set_str(o, "actor", n->actor);
  svc_set_str(o, "created_at", n->created_at);
  return o;
}

arr_rc arr_svc_note_list(arr_svc *svc, const char *account, int64_t before_id, int limit,
                         json_t **out, arr_err *err) {
  arr_rc rc = check_limit(limit, PAGE_MAX, err);
  int64_t id = 0;
  if (rc == ARR_OK) {
    rc = arr_svc_account_resolve(svc, account, &id, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_note *rows = malloc(((size_t)limit + 1) * sizeof *rows);
  if (rows == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  rc = arr_store_note_list(svc->db, id, before_id, rows, limit + 1, &n, err);
  if (rc == ARR_OK) {
    bool more = n > limit;
    int shown = more ? limit : n;
    json_t *items = json_array();
    for (int i = 0; i < shown; i++) {
      json_array_append_new(items, note_json(&rows[i]));
    }
    *out = json_pack("{s:o,s:o}", "items", items, "next_after",
                     more ? json_integer(rows[shown - 1].id) : json_null());
  }
  free(rows);
  return rc;
}

arr_rc arr_svc_note_add_json(arr_svc *svc, const char *account, const char *body,
                             json_t **out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "adding a note", NOTERS, err);
  int64_t id = 0;
  if (rc == ARR_OK) {
    rc = arr_svc_note_add(svc, account, body, &id, err);
  }
  if (rc == ARR_OK) {
    arr_note n;
    memset(&n, 0, sizeof n);
    n.id = id;
    svc_strcpy(n.body, sizeof n.body, body);
    svc_strcpy(n.actor, sizeof n.actor, svc->actor);
    svc_strcpy(n.created_at, sizeof n.created_at, svc->now_iso);
    *out = note_json(&n);
  }
  return rc;
}

arr_rc arr_svc_health(arr_svc *svc, json_t **out, arr_err *err) {
  int version = 0;
  arr_rc rc = arr_store_schema_version(svc->db, &version, err);
  if (rc == ARR_OK) {
    *out = json_pack("{s:s,s:i}", "status", "ok", "schema_version", version);
  }
  return rc;
}

arr_rc arr_svc_client_get_json(arr_svc *svc, const char *code, json_t **out,
                               arr_err *err) {
  json_t *list = NULL;
  arr_rc rc = arr_svc_client_list(svc, &list, err);
  if (rc != ARR_OK) {
    return rc;
  }
  size_t i;
  json_t *c;
  json_array_foreach(list, i, c) {
    if (strcmp(json_string_value(json_object_get(c, "code")), code) == 0) {
      *out = json_incref(c);
      json_decref(list);
      return ARR_OK;
    }
  }
  json_decref(list);
  return arr_err_set(err, ARR_ERR_NOTFOUND, "client %s not found", code);
}

/* ---- users and audit ---- */

static json_t *user_json(const arr_user *u) {
  return json_pack(
      "{s:I,s:s,s:s,s:s,s:o,s:b}", "id", (json_int_t)u->id, "username", u->username,
      "display_name", u->display_name, "role", u->role, "client",
      u->client_code[0] ? json_string(u->client_code) : json_null(), "active", u->active);
}

arr_rc arr_svc_user_list(arr_svc *svc, json_t **out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "the user list", OVERSEERS, err);
  if (rc != ARR_OK) {
    return rc;
  }
  enum { CAP = 500 };
  arr_user *rows = malloc(CAP * sizeof *rows);
  if (rows == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  rc = arr_store_user_list(svc->db, NULL, rows, CAP, &n, err);
  if (rc == ARR_OK) {
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
      json_array_append_new(items, user_json(&rows[i]));
    }
    *out = json_pack("{s:o,s:n}", "items", items, "next_after");
  }
  free(rows);
  return rc;
}

arr_rc arr_svc_user_get_json(arr_svc *svc, const char *username, json_t **out,
                             arr_err *err) {
  arr_user u;
  arr_rc rc = arr_store_user_by_name(svc->db, username, &u, err);
  if (rc == ARR_ERR_NOTFOUND) {
    return arr_err_set(err, rc, "user %s not found", username);
  }
  if (rc == ARR_OK) {
    *out = user_json(&u);
  }
  return rc;
}

arr_rc arr_svc_audit_list(arr_svc *svc, const char *action, const char *entity,
                          const char *entity_id, int64_t after_id, int64_t before_id,
                          int limit, json_t **out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "the audit log", OVERSEERS, err);
  if (rc == ARR_OK) {
    rc = check_limit(limit, PAGE_MAX, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_audit_event *rows = malloc(((size_t)limit + 1) * sizeof *rows);
  if (rows == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  arr_audit_filter f = {action, entity, entity_id, before_id, after_id};
  int n = 0;
  rc = arr_store_audit_list(svc->db, &f, rows, limit + 1, &n, err);
  if (rc == ARR_OK) {
    bool more = n > limit;
    int shown = more ? limit : n;
    json_t *items = json_array();
    for (int i = 0; i < shown; i++) {
      json_t *detail = json_loads(rows[i].detail, 0, NULL);
      json_array_append_new(items,
                            json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o}", "id",
                                      (json_int_t)rows[i].id, "at", rows[i].at, "actor",
                                      rows[i].actor, "action", rows[i].action, "entity",
                                      rows[i].entity, "entity_id", rows[i].entity_id,
                                      "detail", detail != NULL ? detail : json_object()));
    }
    json_t *next = more ? json_integer(rows[shown - 1].id) : json_null();
    /* Oldest first pages with next_after; newest first with next_before (and a null
     * next_after, so every list has the same envelope). */
    *out = after_id >= 0 ? json_pack("{s:o,s:o}", "items", items, "next_after", next)
                         : json_pack("{s:o,s:n,s:o}", "items", items, "next_after",
                                     "next_before", next);
  }
  free(rows);
  return rc;
}

arr_rc arr_svc_queue_summary(arr_svc *svc, json_t **out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "the queues", OVERSEERS, err);
  if (rc != ARR_OK) {
    return rc;
  }
  enum { MAX = 2000 };
  arr_queue_count *rows = malloc(sizeof *rows * MAX);
  if (rows == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  char midnight[ARR_TIME_FMT_MAX];
  arr_time_format_utc((arr_time)svc->today * 86400, midnight);
  int n = 0;
  rc = arr_store_queue_counts(svc->db, midnight, rows, MAX, &n, err);
  json_t *collectors = json_array();
  json_t *cur = NULL;
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    if (cur == NULL || strcmp(json_string_value(json_object_get(cur, "collector")),
                              rows[i].collector) != 0) {
      cur = json_pack("{s:s,s:I,s:I,s:I,s:o}", "collector", rows[i].collector, "accounts",
                      (json_int_t)0, "worked_today", (json_int_t)0, "balance_cents",
                      (json_int_t)0, "queues", json_array());
      json_array_append_new(collectors, cur);
    }
    json_array_append_new(json_object_get(cur, "queues"),
                          json_pack("{s:s,s:I,s:I,s:I}", "queue",
                                    rows[i].queue[0] ? rows[i].queue : "unsorted",
                                    "accounts", (json_int_t)rows[i].accounts,
                                    "worked_today", (json_int_t)rows[i].worked_today,
                                    "balance_cents", (json_int_t)rows[i].balance_cents));
    static const char *const SUMS[] = {"accounts", "worked_today", "balance_cents"};
    int64_t add[] = {rows[i].accounts, rows[i].worked_today, rows[i].balance_cents};
    for (int k = 0; k < 3; k++) {
      json_object_set_new(
          cur, SUMS[k],
          json_integer(json_integer_value(json_object_get(cur, SUMS[k])) + add[k]));
    }
  }
  free(rows);
  if (rc != ARR_OK) {
    json_decref(collectors);
    return rc;
  }
  *out = json_pack("{s:s,s:o}", "since", midnight, "collectors", collectors);
  return ARR_OK;
}
