/*
 * arrangements.c — payment plans, settlements, promises to pay and the approvals
 * inbox: the use cases over core/plan (schedules, limits, monitoring).
 *
 * A plan inside the client's limits is active at once; outside them (an installment
 * below the minimum, too many months, a total below the balance) it waits in the
 * approvals inbox for a supervisor. Re-negotiating supersedes the old plan, which
 * stays in history. Monitoring (on demand here; the nightly batch runs it every night)
 * matches posted payments since the plan started to its installments: kept, partial
 * or broken with the client's grace days; a broken plan or promise goes back to work
 * with the reason as a note. A completed settlement writes off what is left with one
 * "settlement" ledger entry and the account closes as settled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "core/plan.h"
#include "service/internal.h"

enum { MAX_INST = ARR_PLAN_MAX_INSTALLMENTS + 1, MAX_PAYS = 4096, MONITOR_CHUNK = 256 };

static const char *const STAFF[] = {"collector", "supervisor", "compliance", "admin",
                                    NULL};
static const char *const APPROVERS[] = {"supervisor", "admin", NULL};

static arr_rc parse_amount(const char *s, const char *field, int64_t *out, arr_err *err) {
  if (s == NULL || s[0] == '\0') {
    return arr_err_field(err, ARR_ERR_INVALID, field, "%s is required", field);
  }
  arr_money_status ms = arr_money_parse(s, strlen(s), false, out);
  if (ms != ARR_MONEY_OK) {
    return arr_err_field(err, ARR_ERR_INVALID, field, "%s \"%s\" %s", field, s,
                         arr_money_status_str(ms));
  }
  return ARR_OK;
}

static arr_rc parse_day(const char *s, const char *field, bool required, arr_date *out,
                        arr_err *err) {
  *out = ARR_DATE_NONE;
  if (s == NULL || s[0] == '\0') {
    return required ? arr_err_field(err, ARR_ERR_INVALID, field, "%s is required", field)
                    : ARR_OK;
  }
  if (!arr_date_parse(s, strlen(s), out)) {
    return arr_err_field(err, ARR_ERR_INVALID, field,
                         "%s \"%s\" is not a date like 2026-11-23", field, s);
  }
  return ARR_OK;
}

static void needs_text(int needs, char *buf, size_t cap) {
  buf[0] = '\0';
  static const struct {
    int flag;
    const char *text;
  } T[] = {{ARR_NEEDS_BELOW_MIN_INSTALLMENT, "installment below the client's minimum"},
           {ARR_NEEDS_TOO_LONG, "longer than the client's maximum months"},
           {ARR_NEEDS_BELOW_BALANCE, "total below the balance"},
           {ARR_NEEDS_BELOW_FLOOR, "below the client's settlement floor"}};
  for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
    if (needs & T[i].flag) {
      size_t used = strlen(buf);
      snprintf(buf + used, cap - used, "%s%s", used ? "; " : "", T[i].text);
    }
  }
}

static json_t *needs_json(int needs) {
  json_t *a = json_array();
  if (needs & ARR_NEEDS_BELOW_MIN_INSTALLMENT) {
    json_array_append_new(a, json_string("below_min_installment"));
  }
  if (needs & ARR_NEEDS_TOO_LONG) {
    json_array_append_new(a, json_string("too_long"));
  }
  if (needs & ARR_NEEDS_BELOW_BALANCE) {
    json_array_append_new(a, json_string("below_balance"));
  }
  if (needs & ARR_NEEDS_BELOW_FLOOR) {
    json_array_append_new(a, json_string("below_settlement_floor"));
  }
  return a;
}

/* The plan with its installments as JSON (SPEC.md's plan create --json shape plus the
 * plan's other fields). */
static arr_rc plan_json(arr_svc *svc, const arr_plan *p, json_t **out, arr_err *err) {
  arr_plan_installment *is = malloc(sizeof *is * MAX_INST);
  if (is == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  arr_rc rc = arr_store_installments(svc->db, p->id, is, MAX_INST, &n, err);
  json_t *inst = json_array();
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    json_t *j = json_object();
    svc_set(j, "due_on", svc_date_json(is[i].inst.due_on));
    svc_set_int(j, "amount_cents", is[i].inst.amount_cents);
    svc_set(j, "down_payment", json_boolean(is[i].inst.down_payment));
    svc_set_str(j, "status", is[i].status);
    svc_set_int(j, "paid_cents", is[i].paid_cents);
    json_array_append_new(inst, j);
  }
  free(is);
  if (rc != ARR_OK) {
    json_decref(inst);
    return rc;
  }
  json_t *o = json_object();
  svc_set_int(o, "id", p->id);
  svc_set_int(o, "account_id", p->account_id);
  svc_set_str(o, "kind", p->kind);
  svc_set_str(o, "status", p->status);
  svc_set_int(o, "total_cents", p->total_cents);
  svc_set_int(o, "down_cents", p->down_cents);
  svc_set_int(o, "balance_cents", p->balance_cents);
  svc_set_str(o, "currency", p->currency);
  svc_set_str(o, "frequency", p->frequency);
  svc_set(o, "first_due_on", svc_date_json(p->first_due_on));
  svc_set(o, "starts_on", svc_date_json(p->starts_on));
  svc_set(o, "expires_on", svc_date_json(p->expires_on));
  svc_set(o, "needs_approval", needs_json(p->needs_approval));
  svc_set(o, "reason", p->reason[0] ? json_string(p->reason) : json_null());
  svc_set(o, "replaces_id", p->replaces_id ? json_integer(p->replaces_id) : json_null());
  svc_set(o, "authorization",
          p->auth_method[0] ? json_pack("{s:s,s:o,s:s}", "method", p->auth_method, "on",
                                        svc_date_json(p->auth_on), "by", p->auth_by)
                            : json_null());
  svc_set_str(o, "created_by", p->created_by);
  svc_set_str(o, "created_at", p->created_at);
  svc_set(o, "installments", inst);
  *out = o;
  return ARR_OK;
}

/* The active (or offered) arrangement of the account, if any: the one a new agreement
 * supersedes. */
static arr_rc current_plan(arr_svc *svc, int64_t account_id, arr_plan *out, bool *found,
                           arr_err *err) {
  enum { MAX = 64 };
  arr_plan *ps = malloc(sizeof *ps * MAX);
  if (ps == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  arr_rc rc = arr_store_plan_list(svc->db, account_id, ps, MAX, &n, err);
  *found = false;
  for (int i = 0; rc == ARR_OK && i < n && !*found; i++) {
    if (strcmp(ps[i].status, "active") == 0 || strcmp(ps[i].status, "offered") == 0) {
      *out = ps[i];
      *found = true;
    }
  }
  free(ps);
  return rc;
}

/* Stores a new arrangement with its installments; active ones supersede the current
 * one; pending ones go to the approvals inbox. */
static arr_rc store_arrangement(arr_svc *svc, arr_plan *p, const arr_installment *inst,
                                int n, const char *summary, arr_err *err) {
  bool has_current = false;
  arr_plan cur;
  arr_rc rc = current_plan(svc, p->account_id, &cur, &has_current, err);
  if (rc == ARR_OK && has_current) {
    p->replaces_id = cur.id;
  }
  bool pending = strcmp(p->status, "pending_approval") == 0;
  /* Only an arrangement in force replaces the current one: an offer (or one waiting
   * for approval) leaves it running until accepted (or approved). */
  if (rc == ARR_OK && has_current && strcmp(p->status, "active") == 0) {
    rc = arr_store_plan_set_status(svc->db, cur.id, "superseded", NULL, NULL,
                                   svc->now_iso, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_plan_insert(svc->db, p, svc->now_iso, err);
  }
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    rc = arr_store_installment_insert(svc->db, p->id, i + 1, &inst[i], err);
  }
  if (rc == ARR_OK && pending) {
    arr_approval a;
    memset(&a, 0, sizeof a);
    svc_strcpy(a.kind, sizeof a.kind, p->kind);
    a.account_id = p->account_id;
    a.plan_id = p->id;
    svc_strcpy(a.summary, sizeof a.summary, summary);
    needs_text(p->needs_approval, a.reasons, sizeof a.reasons);
    svc_strcpy(a.requested_by, sizeof a.requested_by, svc->actor);
    svc_strcpy(a.requested_at, sizeof a.requested_at, svc->now_iso);
    rc = arr_store_approval_insert(svc->db, &a, err);
  }
  if (rc == ARR_OK) {
    char action[32];
    snprintf(action, sizeof action, "%s.create", p->kind);
    rc = svc_audit(svc, action, "plan", p->id,
                   json_pack("{s:I,s:s,s:I,s:I,s:s,s:i,s:I}", "account_id",
                             (json_int_t)p->account_id, "status", p->status,
                             "total_cents", (json_int_t)p->total_cents, "down_cents",
                             (json_int_t)p->down_cents, "frequency", p->frequency,
                             "installments", p->installments, "replaces_id",
                             (json_int_t)p->replaces_id),
                   err);
  }
  return rc;
}

/* The account for a new arrangement: open, with a positive balance, and its client's
 * limits. */
static arr_rc arrangement_account(arr_svc *svc, const char *ref, arr_account *a,
                                  arr_arrangement_limits *lim, int64_t *balance,
                                  arr_err *err) {
  int64_t id = 0;
  arr_rc rc = arr_svc_account_resolve(svc, ref, &id, err);
  if (rc == ARR_OK) {
    rc = arr_store_account_get_for_update(svc->db, id, a, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_client_limits(svc->db, a->client_id, lim, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  if (strcmp(a->status, "open") != 0) {
    return arr_err_set(err, ARR_ERR_REFUSED, "account %s is %s; no new arrangements", ref,
                       a->status);
  }
  *balance = 0;
  arr_balance_total(&a->balance, balance);
  if (*balance <= 0) {
    return arr_err_set(err, ARR_ERR_REFUSED, "account %s has nothing owing", ref);
  }
  return ARR_OK;
}

arr_rc arr_svc_plan_create(arr_svc *svc, const arr_plan_request *req, json_t **out,
                           arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "creating a payment plan", STAFF, err);
  int64_t total = 0, down = 0;
  arr_frequency freq = ARR_FREQ_MONTHLY;
  arr_date first = ARR_DATE_NONE;
  if (rc == ARR_OK) {
    rc = parse_amount(req->total, "total", &total, err);
  }
  if (rc == ARR_OK && req->down != NULL && req->down[0] != '\0') {
    rc = parse_amount(req->down, "down", &down, err);
  }
  if (rc == ARR_OK &&
      (req->frequency == NULL || !arr_frequency_parse(req->frequency, &freq))) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "frequency",
                       "frequency must be weekly, biweekly, semimonthly or monthly");
  }
  if (rc == ARR_OK && (req->count < 1 || req->count > ARR_PLAN_MAX_INSTALLMENTS)) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "count",
                       "count must be 1 to %d installments", ARR_PLAN_MAX_INSTALLMENTS);
  }
  if (rc == ARR_OK) {
    rc = parse_day(req->first, "first", true, &first, err);
  }
  if (rc == ARR_OK && first < svc->today) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "first", "first is in the past");
  }
  if (rc == ARR_OK && req->auth_method != NULL && req->auth_method[0] != '\0' &&
      strcmp(req->auth_method, "ach") != 0 && strcmp(req->auth_method, "card") != 0) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "authorization",
                       "a recurring-payment authorization is ach or card");
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_installment *inst = malloc(sizeof *inst * MAX_INST);
  if (inst == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  arr_plan_status ps = arr_plan_schedule(total, down, svc->today, freq, first, req->count,
                                         inst, MAX_INST, &n);
  if (ps != ARR_PLAN_OK) {
    free(inst);
    return arr_err_field(err, ARR_ERR_INVALID,
                         ps == ARR_PLAN_BAD_DOWN    ? "down"
                         : ps == ARR_PLAN_BAD_COUNT ? "count"
                                                    : "total",
                         "%s", arr_plan_status_message(ps));
  }
  rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    free(inst);
    return rc;
  }
  arr_account a;
  arr_arrangement_limits lim;
  int64_t balance = 0;
  rc = arrangement_account(svc, req->account, &a, &lim, &balance, err);
  if (rc == ARR_OK && total > balance) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "total",
                       "total is more than the balance owed (%lld cents)",
                       (long long)balance);
  }
  arr_plan p;
  memset(&p, 0, sizeof p);
  if (rc == ARR_OK) {
    p.account_id = a.id;
    svc_strcpy(p.kind, sizeof p.kind, "plan");
    p.needs_approval = arr_plan_needs_approval(inst, n, balance, &lim);
    svc_strcpy(p.status, sizeof p.status,
               p.needs_approval ? "pending_approval" : "active");
    p.total_cents = total;
    p.down_cents = down;
    p.balance_cents = balance;
    svc_strcpy(p.currency, sizeof p.currency, a.currency);
    svc_strcpy(p.frequency, sizeof p.frequency, arr_frequency_name(freq));
    p.installments = req->count;
    p.first_due_on = first;
    p.starts_on = svc->today;
    p.expires_on = ARR_DATE_NONE;
    p.auth_on = ARR_DATE_NONE;
    if (req->auth_method != NULL && req->auth_method[0] != '\0') {
      svc_strcpy(p.auth_method, sizeof p.auth_method, req->auth_method);
      p.auth_on = svc->today;
      svc_strcpy(p.auth_by, sizeof p.auth_by, svc->actor);
    }
    svc_strcpy(p.created_by, sizeof p.created_by, svc->actor);
    svc_strcpy(p.created_at, sizeof p.created_at, svc->now_iso);
    char summary[201];
    snprintf(summary, sizeof summary, "plan of %lld cents in %d %s installments",
             (long long)total, req->count, arr_frequency_name(freq));
    rc = store_arrangement(svc, &p, inst, n, summary, err);
  }
  free(inst);
  if (rc == ARR_OK) {
    rc = svc_commit(svc, err);
  } else {
    svc_rollback(svc);
  }
  if (rc == ARR_OK) {
    rc = plan_json(svc, &p, out, err);
  }
  return rc;
}

arr_rc arr_svc_settlement_offer(arr_svc *svc, const char *account, const char *amount,
                                const char *due, const char *expires, json_t **out,
                                arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "offering a settlement", STAFF, err);
  int64_t cents = 0;
  arr_date due_on = ARR_DATE_NONE, expires_on = ARR_DATE_NONE;
  if (rc == ARR_OK) {
    rc = parse_amount(amount, "amount", &cents, err);
  }
  if (rc == ARR_OK && cents <= 0) {
    rc =
        arr_err_field(err, ARR_ERR_INVALID, "amount", "amount must be greater than zero");
  }
  if (rc == ARR_OK) {
    rc = parse_day(due, "due", true, &due_on, err);
  }
  if (rc == ARR_OK && due_on < svc->today) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "due", "due is in the past");
  }
  if (rc == ARR_OK) {
    rc = parse_day(expires, "expires", false, &expires_on, err);
  }
  if (rc == ARR_OK && expires_on == ARR_DATE_NONE) {
    expires_on = due_on; /* an offer not accepted by its due date lapses */
  }
  if (rc == ARR_OK && (expires_on < svc->today || expires_on > due_on)) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "expires",
                       "the offer must expire between today and its due date");
  }
  if (rc == ARR_OK) {
    rc = svc_begin(svc, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_account a;
  arr_arrangement_limits lim;
  int64_t balance = 0;
  rc = arrangement_account(svc, account, &a, &lim, &balance, err);
  if (rc == ARR_OK && cents >= balance) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "amount",
                       "a settlement is for less than the balance (%lld cents); take a "
                       "payment or a plan instead",
                       (long long)balance);
  }
  arr_plan p;
  memset(&p, 0, sizeof p);
  if (rc == ARR_OK) {
    arr_installment one = {due_on, cents, false};
    int64_t floor = arr_settlement_floor_cents(balance, lim.settlement_floor_bp);
    p.account_id = a.id;
    svc_strcpy(p.kind, sizeof p.kind, "settlement");
    /* At or above the client's floor a collector may offer it; below, a supervisor. */
    p.needs_approval = cents < floor ? ARR_NEEDS_BELOW_FLOOR : ARR_NEEDS_NONE;
    svc_strcpy(p.status, sizeof p.status,
               p.needs_approval ? "pending_approval" : "offered");
    p.total_cents = cents;
    p.balance_cents = balance;
    svc_strcpy(p.currency, sizeof p.currency, a.currency);
    svc_strcpy(p.frequency, sizeof p.frequency, "monthly");
    p.installments = 1;
    p.first_due_on = due_on;
    p.starts_on = svc->today;
    p.expires_on = expires_on;
    p.auth_on = ARR_DATE_NONE;
    svc_strcpy(p.created_by, sizeof p.created_by, svc->actor);
    svc_strcpy(p.created_at, sizeof p.created_at, svc->now_iso);
    char summary[201];
    snprintf(summary, sizeof summary,
             "settlement of %lld cents on a balance of %lld (floor %lld)",
             (long long)cents, (long long)balance, (long long)floor);
    rc = store_arrangement(svc, &p, &one, 1, summary, err);
  }
  if (rc == ARR_OK) {
    rc = svc_commit(svc, err);
  } else {
    svc_rollback(svc);
  }
  if (rc == ARR_OK) {
    rc = plan_json(svc, &p, out, err);
  }
  return rc;
}

arr_rc arr_svc_settlement_accept(arr_svc *svc, int64_t plan_id, json_t **out,
                                 arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "accepting a settlement", STAFF, err);
  if (rc == ARR_OK) {
    rc = svc_begin(svc, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_plan p;
  rc = arr_store_plan_get(svc->db, plan_id, &p, err);
  if (rc == ARR_OK &&
      (strcmp(p.kind, "settlement") != 0 || strcmp(p.status, "offered") != 0)) {
    rc = arr_err_set(
        err, ARR_ERR_CONFLICT,
        "plan %lld is a %s that is %s; only an offered settlement is accepted",
        (long long)plan_id, p.kind, p.status);
  }
  if (rc == ARR_OK && p.expires_on != ARR_DATE_NONE && svc->today > p.expires_on) {
    rc = arr_err_set(err, ARR_ERR_CONFLICT, "the settlement offer %lld has expired",
                     (long long)plan_id);
  }
  /* Accepted, the settlement replaces whatever else was in force or on offer. */
  enum { MAX = 64 };
  arr_plan *others = rc == ARR_OK ? malloc(sizeof *others * MAX) : NULL;
  int no = 0;
  if (rc == ARR_OK && others == NULL) {
    rc = arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  if (rc == ARR_OK) {
    rc = arr_store_plan_list(svc->db, p.account_id, others, MAX, &no, err);
  }
  for (int i = 0; rc == ARR_OK && i < no; i++) {
    if (others[i].id != plan_id && (strcmp(others[i].status, "active") == 0 ||
                                    strcmp(others[i].status, "offered") == 0)) {
      rc = arr_store_plan_set_status(svc->db, others[i].id, "superseded", NULL, NULL,
                                     svc->now_iso, err);
    }
  }
  free(others);
  if (rc == ARR_OK) {
    rc = arr_store_plan_set_status(svc->db, plan_id, "active", NULL, NULL, svc->now_iso,
                                   err);
  }
  if (rc == ARR_OK) {
    svc_strcpy(p.status, sizeof p.status, "active");
    rc = svc_audit(svc, "settlement.accept", "plan", plan_id,
                   json_pack("{s:I}", "account_id", (json_int_t)p.account_id), err);
  }
  if (rc == ARR_OK) {
    rc = svc_commit(svc, err);
  } else {
    svc_rollback(svc);
  }
  if (rc == ARR_OK) {
    rc = plan_json(svc, &p, out, err);
  }
  return rc;
}

arr_rc arr_svc_plan_list(arr_svc *svc, const char *account, json_t **out, arr_err *err) {
  int64_t id = 0;
  arr_rc rc = arr_svc_account_resolve(svc, account, &id, err);
  if (rc != ARR_OK) {
    return rc;
  }
  enum { MAX = 64 };
  arr_plan *ps = malloc(sizeof *ps * MAX);
  if (ps == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  rc = arr_store_plan_list(svc->db, id, ps, MAX, &n, err);
  json_t *items = json_array();
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    json_t *j = NULL;
    rc = plan_json(svc, &ps[i], &j, err);
    if (rc == ARR_OK) {
      json_array_append_new(items, j);
    }
  }
  free(ps);
  if (rc != ARR_OK) {
    json_decref(items);
    return rc;
  }
  *out = json_pack("{s:o}", "items", items);
  return ARR_OK;
}

arr_rc arr_svc_promise_add(arr_svc *svc, const char *account, const char *amount,
                           const char *on, int64_t *id_out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "recording a promise to pay", STAFF, err);
  int64_t cents = 0;
  arr_date due = ARR_DATE_NONE;
  if (rc == ARR_OK) {
    rc = parse_amount(amount, "amount", &cents, err);
  }
  if (rc == ARR_OK && cents <= 0) {
    rc =
        arr_err_field(err, ARR_ERR_INVALID, "amount", "amount must be greater than zero");
  }
  if (rc == ARR_OK) {
    rc = parse_day(on, "on", true, &due, err);
  }
  if (rc == ARR_OK && due < svc->today) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "on", "a promise is for today or later");
  }
  if (rc == ARR_OK) {
    rc = svc_begin(svc, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_account a;
  arr_arrangement_limits lim;
  int64_t balance = 0;
  rc = arrangement_account(svc, account, &a, &lim, &balance, err);
  arr_promise p;
  memset(&p, 0, sizeof p);
  if (rc == ARR_OK) {
    p.account_id = a.id;
    p.amount_cents = cents;
    p.due_on = due;
    svc_strcpy(p.currency, sizeof p.currency, a.currency);
    svc_strcpy(p.actor, sizeof p.actor, svc->actor);
    rc = arr_store_promise_insert(svc->db, &p, svc->now_iso, err);
  }
  if (rc == ARR_OK) {
    rc = svc_audit(svc, "promise.add", "promise", p.id,
                   json_pack("{s:I,s:I,s:o}", "account_id", (json_int_t)a.id,
                             "amount_cents", (json_int_t)cents, "due_on",
                             svc_date_json(due)),
                   err);
  }
  if (rc == ARR_OK) {
    *id_out = p.id;
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

/* ---- approvals ---- */

static json_t *approval_json(const arr_approval *a) {
  return json_pack(
      "{s:I,s:s,s:I,s:o,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "id", (json_int_t)a->id,
      "kind", a->kind, "account_id", (json_int_t)a->account_id, "plan_id",
      a->plan_id ? json_integer(a->plan_id) : json_null(), "summary", a->summary,
      "reasons", a->reasons, "status", a->status, "requested_by", a->requested_by,
      "requested_at", a->requested_at, "decided_by",
      a->decided_by[0] ? json_string(a->decided_by) : json_null(), "decided_at",
      a->decided_at[0] ? json_string(a->decided_at) : json_null(), "note",
      a->note[0] ? json_string(a->note) : json_null());
}

arr_rc arr_svc_approval_list(arr_svc *svc, const char *status, json_t **out,
                             arr_err *err) {
  static const char *const READERS[] = {"supervisor", "compliance", "admin", NULL};
  arr_rc rc = arr_svc_require(svc, "the approvals inbox", READERS, err);
  if (rc != ARR_OK) {
    return rc;
  }
  if (status != NULL && strcmp(status, "pending") != 0 &&
      strcmp(status, "approved") != 0 && strcmp(status, "rejected") != 0 &&
      strcmp(status, "all") != 0) {
    return arr_err_field(err, ARR_ERR_INVALID, "status",
                         "status must be pending, approved, rejected or all");
  }
  const char *want = status == NULL               ? "pending"
                     : strcmp(status, "all") == 0 ? NULL
                                                  : status;
  enum { MAX = 500 };
  arr_approval *as = malloc(sizeof *as * MAX);
  if (as == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  rc = arr_store_approval_list(svc->db, want, 0, as, MAX, &n, err);
  json_t *items = json_array();
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    json_array_append_new(items, approval_json(&as[i]));
  }
  free(as);
  if (rc != ARR_OK) {
    json_decref(items);
    return rc;
  }
  *out = json_pack("{s:o,s:b}", "items", items, "truncated", n == MAX);
  return ARR_OK;
}

/* ---- credit extensions ---- */

/* Applies an approved extension to its plan. The installments not yet kept are
 * rescheduled from the new date at the plan's frequency: a due-date change keeps
 * their amounts; a re-aging spreads what they still owe evenly again (the remainder
 * on the last) and brings a broken plan back to active. Payments already made count
 * again at the next monitoring, toward the earliest installments. */
static arr_rc apply_extension(arr_svc *svc, const arr_approval *a, arr_err *err) {
  json_t *pl = json_loads(a->payload, 0, NULL);
  const char *kind = json_string_value(json_object_get(pl, "kind"));
  /* Copied out: the strings die with the payload. */
  char to_s[ARR_DATE_FMT_MAX] = "";
  svc_strcpy(to_s, sizeof to_s,
             json_string_value(json_object_get(pl, "to")) != NULL
                 ? json_string_value(json_object_get(pl, "to"))
                 : "");
  arr_date to = ARR_DATE_NONE;
  bool re_age = kind != NULL && strcmp(kind, "re_age") == 0;
  json_decref(pl);
  arr_rc rc = arr_date_parse(to_s, strlen(to_s), &to)
                  ? ARR_OK
                  : arr_err_set(err, ARR_ERR_INTEGRITY, "approval %lld: bad payload",
                                (long long)a->id);
  arr_plan p;
  if (rc == ARR_OK) {
    rc = arr_store_plan_get(svc->db, a->plan_id, &p, err);
  }
  if (rc == ARR_OK && strcmp(p.status, "active") != 0 &&
      !(re_age && strcmp(p.status, "broken") == 0)) {
    rc = arr_err_set(err, ARR_ERR_CONFLICT,
                     "plan %lld is %s; the extension no longer applies", (long long)p.id,
                     p.status);
  }
  arr_plan_installment *pi = malloc(sizeof *pi * MAX_INST);
  arr_installment *fresh = malloc(sizeof *fresh * MAX_INST);
  if (pi == NULL || fresh == NULL) {
    free(pi), free(fresh);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0, m = 0;
  if (rc == ARR_OK) {
    rc = arr_store_installments(svc->db, p.id, pi, MAX_INST, &n, err);
  }
  int64_t owed = 0;
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    if (strcmp(pi[i].status, "kept") != 0) {
      owed += pi[i].inst.amount_cents;
      m++;
    }
  }
  arr_frequency f = ARR_FREQ_MONTHLY;
  arr_frequency_parse(p.frequency, &f);
  if (rc == ARR_OK && m == 0) {
    rc = arr_err_set(err, ARR_ERR_CONFLICT, "plan %lld has nothing left to reschedule",
                     (long long)p.id);
  }
  int nf = 0;
  if (rc == ARR_OK && re_age &&
      arr_plan_schedule(owed, 0, to, f, to, m, fresh, MAX_INST, &nf) != ARR_PLAN_OK) {
    rc = arr_err_set(err, ARR_ERR_REFUSED,
                     "cannot spread %lld cents over %d installments", (long long)owed, m);
  }
  for (int i = 0, j = 0; rc == ARR_OK && i < n; i++) {
    if (strcmp(pi[i].status, "kept") == 0) {
      continue;
    }
    arr_date due = arr_plan_due_date(f, to, j);
    int64_t amount = re_age ? fresh[j].amount_cents : pi[i].inst.amount_cents;
    rc = arr_store_installment_reschedule(svc->db, p.id, pi[i].seq, due, amount, err);
    j++;
  }
  free(pi), free(fresh);
  if (rc == ARR_OK && strcmp(p.status, "active") != 0) {
    char reason[201];
    snprintf(reason, sizeof reason, "re-aged from %s (approval %lld)", to_s,
             (long long)a->id);
    rc = arr_store_plan_set_status(svc->db, p.id, "active", reason, NULL, svc->now_iso,
                                   err);
  }
  if (rc == ARR_OK) {
    rc =
        svc_audit(svc, re_age ? "plan.re_age" : "plan.due_date_change", "plan", p.id,
                  json_pack("{s:I,s:s,s:i,s:I}", "approval_id", (json_int_t)a->id, "from",
                            to_s, "installments", m, "owed_cents", (json_int_t)owed),
                  err);
  }
  return rc;
}

arr_rc arr_svc_extension_request(arr_svc *svc, int64_t plan_id, const char *kind,
                                 const char *to, const char *reason, int64_t *approval_id,
                                 arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "requesting a credit extension", STAFF, err);
  bool re_age = kind != NULL && strcmp(kind, "re_age") == 0;
  if (rc == ARR_OK && !re_age && (kind == NULL || strcmp(kind, "due_date") != 0)) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "kind", "kind must be due_date or re_age");
  }
  arr_date day = ARR_DATE_NONE;
  if (rc == ARR_OK) {
    rc = parse_day(to, "to", true, &day, err);
  }
  if (rc == ARR_OK && (day < svc->today || day > svc->today + 366)) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "to",
                       "to must be from today to a year ahead");
  }
  if (rc == ARR_OK && (reason == NULL || reason[0] == '\0' || strlen(reason) > 200)) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "reason",
                       "a reason of 1 to 200 bytes is required");
  }
  if (rc == ARR_OK) {
    rc = svc_begin(svc, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_plan p;
  rc = arr_store_plan_get(svc->db, plan_id, &p, err);
  if (rc == ARR_OK && strcmp(p.kind, "plan") != 0) {
    rc = arr_err_set(err, ARR_ERR_CONFLICT, "%lld is a %s; extensions are for plans",
                     (long long)plan_id, p.kind);
  }
  if (rc == ARR_OK && strcmp(p.status, "active") != 0 &&
      !(re_age && strcmp(p.status, "broken") == 0)) {
    rc = arr_err_set(
        err, ARR_ERR_CONFLICT,
        "plan %lld is %s; a due-date change is for an active plan, a re-aging "
        "for an active or broken one",
        (long long)plan_id, p.status);
  }
  arr_approval a;
  memset(&a, 0, sizeof a);
  if (rc == ARR_OK) {
    svc_strcpy(a.kind, sizeof a.kind, "extension");
    a.account_id = p.account_id;
    a.plan_id = p.id;
    snprintf(a.summary, sizeof a.summary, "%s of plan %lld from %s",
             re_age ? "re-aging" : "due-date change", (long long)p.id, to);
    svc_strcpy(a.reasons, sizeof a.reasons, reason);
    svc_strcpy(a.requested_by, sizeof a.requested_by, svc->actor);
    svc_strcpy(a.requested_at, sizeof a.requested_at, svc->now_iso);
    snprintf(a.payload, sizeof a.payload, "{\"kind\":\"%s\",\"to\":\"%s\"}",
             re_age ? "re_age" : "due_date", to);
    rc = arr_store_approval_insert(svc->db, &a, err);
  }
  if (rc == ARR_OK) {
    rc = svc_audit(svc, "extension.request", "plan", p.id,
                   json_pack("{s:I,s:s,s:s,s:s}", "approval_id", (json_int_t)a.id, "kind",
                             re_age ? "re_age" : "due_date", "to", to, "reason", reason),
                   err);
  }
  if (rc == ARR_OK) {
    *approval_id = a.id;
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

arr_rc arr_svc_approval_decide(arr_svc *svc, int64_t id, bool approve, const char *note,
                               arr_err *err) {
  arr_rc rc = arr_svc_require(svc, approve ? "approving" : "rejecting", APPROVERS, err);
  if (rc == ARR_OK && note != NULL && strlen(note) > 500) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "note", "a note is at most 500 bytes");
  }
  if (rc == ARR_OK) {
    rc = svc_begin(svc, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_approval a;
  rc = arr_store_approval_get(svc->db, id, &a, err);
  if (rc == ARR_OK) {
    rc = arr_store_approval_decide(svc->db, id, approve ? "approved" : "rejected",
                                   svc->actor, note, svc->now_iso, err);
  }
  arr_plan p;
  if (rc == ARR_OK && strcmp(a.kind, "extension") == 0) {
    if (approve) {
      rc = apply_extension(svc, &a, err);
    }
  } else if (rc == ARR_OK && a.plan_id != 0) {
    rc = arr_store_plan_get(svc->db, a.plan_id, &p, err);
    if (rc == ARR_OK && strcmp(p.status, "pending_approval") != 0) {
      rc = arr_err_set(err, ARR_ERR_CONFLICT, "plan %lld is %s, no longer pending",
                       (long long)p.id, p.status);
    }
    /* Approved: a plan becomes active (superseding the current one); a settlement
     * becomes an offer the debtor may accept. */
    const char *next = !approve                            ? "rejected"
                       : strcmp(p.kind, "settlement") == 0 ? "offered"
                                                           : "active";
    if (rc == ARR_OK && approve && strcmp(next, "active") == 0) {
      bool has_current = false;
      arr_plan cur;
      rc = current_plan(svc, p.account_id, &cur, &has_current, err);
      if (rc == ARR_OK && has_current) {
        rc = arr_store_plan_set_status(svc->db, cur.id, "superseded", NULL, NULL,
                                       svc->now_iso, err);
      }
    }
    if (rc == ARR_OK) {
      rc = arr_store_plan_set_status(svc->db, p.id, next, NULL, svc->actor, svc->now_iso,
                                     err);
    }
  }
  if (rc == ARR_OK) {
    rc = svc_audit(svc, approve ? "approval.approve" : "approval.reject", "approval", id,
                   json_pack("{s:I,s:s,s:s}", "account_id", (json_int_t)a.account_id,
                             "kind", a.kind, "note", note != NULL ? note : ""),
                   err);
  }
  if (rc == ARR_OK) {
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

/* ---- monitoring ---- */

/* Writes off what is left after a completed settlement: one "settlement" entry taking
 * every owed bucket to zero; the account closes as settled. */
static arr_rc settle(arr_svc *svc, const arr_plan *p, arr_err *err) {
  arr_account a;
  arr_rc rc = arr_store_account_get_for_update(svc->db, p->account_id, &a, err);
  arr_ledger_entry e;
  memset(&e, 0, sizeof e);
  bool any = false;
  for (int b = 0; rc == ARR_OK && b < ARR_OWED_BUCKETS; b++) {
    if (a.balance.cents[b] > 0) {
      e.amount.cents[b] = -a.balance.cents[b];
      any = true;
    }
  }
  if (rc == ARR_OK && any) {
    svc_strcpy(e.kind, sizeof e.kind, "settlement");
    e.effective_on = svc->today;
    snprintf(e.memo, sizeof e.memo, "settlement %lld completed: remainder written off",
             (long long)p->id);
    rc = svc_ledger_post(svc, &a, &e, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_account_set_status(svc->db, a.id, "settled", svc->now_iso, err);
  }
  if (rc == ARR_OK) {
    int64_t off = 0;
    arr_balance_total(&e.amount, &off);
    rc = svc_audit(svc, "settlement.complete", "account", a.id,
                   json_pack("{s:I,s:I,s:I}", "plan_id", (json_int_t)p->id,
                             "written_off_cents", (json_int_t)-off, "entry_id",
                             (json_int_t)e.id),
                   err);
  }
  return rc;
}

/* Grace days of the account's client. */
static arr_rc grace_of(arr_svc *svc, int64_t account_id, int *grace, arr_err *err) {
  arr_account a;
  arr_arrangement_limits lim;
  arr_rc rc = arr_store_account_get(svc->db, account_id, &a, err);
  if (rc == ARR_OK) {
    rc = arr_store_client_limits(svc->db, a.client_id, &lim, err);
  }
  *grace = rc == ARR_OK ? lim.grace_days : 0;
  return rc;
}

/* Judges one active plan or settlement (by id) at as_of inside the open transaction;
 * a plan no longer active (judged by a concurrent run) is left alone. */
static arr_rc monitor_plan(arr_svc *svc, int64_t plan_id, arr_date as_of,
                           arr_monitor_result *res, arr_err *err) {
  arr_plan plan;
  const arr_plan *p = &plan;
  int grace = 0;
  arr_rc rc = arr_store_plan_get(svc->db, plan_id, &plan, err);
  if (rc != ARR_OK || strcmp(plan.status, "active") != 0) {
    return rc;
  }
  res->plans++;
  rc = grace_of(svc, plan.account_id, &grace, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_plan_installment *pi = malloc(sizeof *pi * MAX_INST);
  arr_installment *inst = malloc(sizeof *inst * MAX_INST);
  arr_inst_result *ir = malloc(sizeof *ir * MAX_INST);
  arr_plan_payment *pays = malloc(sizeof *pays * MAX_PAYS);
  if (pi == NULL || inst == NULL || ir == NULL || pays == NULL) {
    free(pi), free(inst), free(ir), free(pays);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0, np = 0;
  rc = arr_store_installments(svc->db, p->id, pi, MAX_INST, &n, err);
  if (rc == ARR_OK) {
    rc = arr_store_payments_since(svc->db, p->account_id, p->starts_on, pays, MAX_PAYS,
                                  &np, err);
  }
  for (int i = 0; i < n; i++) {
    inst[i] = pi[i].inst;
  }
  int failed = -1;
  arr_plan_state state = ARR_PLANST_ACTIVE;
  if (rc == ARR_OK) {
    state = arr_plan_monitor(inst, n, pays, np, grace, as_of, ir, &failed);
  }
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    const char *st = arr_inst_status_name(ir[i].status);
    if (strcmp(st, pi[i].status) != 0 || ir[i].paid_cents != pi[i].paid_cents) {
      rc = arr_store_installment_judge(svc->db, p->id, pi[i].seq, st, ir[i].paid_cents,
                                       err);
    }
  }
  if (rc == ARR_OK && state == ARR_PLANST_BROKEN) {
    char reason[201], due[ARR_DATE_FMT_MAX];
    arr_date_format(inst[failed].due_on, due);
    snprintf(
        reason, sizeof reason,
        "%s %lld broken: installment %d due %s %s (%lld of %lld cents paid within %d "
        "grace days)",
        p->kind, (long long)p->id, failed + 1, due,
        ir[failed].status == ARR_INST_PARTIAL ? "partially kept" : "not paid",
        (long long)ir[failed].paid_in_time_cents, (long long)inst[failed].amount_cents,
        grace);
    rc = arr_store_plan_set_status(svc->db, p->id, "broken", reason, NULL, svc->now_iso,
                                   err);
    int64_t note_id = 0;
    if (rc == ARR_OK) {
      /* Back to work with the reason: the collector sees it first on the account. */
      rc = arr_store_note_insert(svc->db, p->account_id, reason, svc->actor, svc->now_iso,
                                 &note_id, err);
    }
    if (rc == ARR_OK) {
      rc = svc_audit(svc, "plan.broken", "plan", p->id,
                     json_pack("{s:I,s:s}", "account_id", (json_int_t)p->account_id,
                               "reason", reason),
                     err);
    }
    res->broken++;
  } else if (rc == ARR_OK && state == ARR_PLANST_COMPLETED) {
    rc = arr_store_plan_set_status(svc->db, p->id, "completed", NULL, NULL, svc->now_iso,
                                   err);
    if (rc == ARR_OK && strcmp(p->kind, "settlement") == 0) {
      rc = settle(svc, p, err);
      res->settled++;
    }
    if (rc == ARR_OK) {
      rc = svc_audit(svc, "plan.completed", "plan", p->id,
                     json_pack("{s:I}", "account_id", (json_int_t)p->account_id), err);
    }
    res->completed++;
  } else {
    res->active++;
  }
  free(pi), free(inst), free(ir), free(pays);
  return rc;
}

/* Judges the account's open promises together, in due order, like the installments of
 * a plan: one payment counts once, toward the earliest promise it can fill. Payments
 * since the earliest open promise was made count. */
static arr_rc monitor_promises(arr_svc *svc, int64_t account_id, arr_date as_of,
                               arr_monitor_result *res, arr_err *err) {
  enum { MAX = 256 };
  arr_promise_row *pr = malloc(sizeof *pr * MAX);
  arr_installment *inst = malloc(sizeof *inst * MAX);
  arr_inst_result *ir = malloc(sizeof *ir * MAX);
  arr_plan_payment *pays = malloc(sizeof *pays * MAX_PAYS);
  if (pr == NULL || inst == NULL || ir == NULL || pays == NULL) {
    free(pr), free(inst), free(ir), free(pays);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int grace = 0, n = 0, np = 0;
  arr_rc rc = grace_of(svc, account_id, &grace, err);
  if (rc == ARR_OK) {
    rc = arr_store_promises_open(svc->db, account_id, pr, MAX, &n, err);
  }
  arr_date since = ARR_DATE_NONE;
  for (int i = 0; i < n; i++) {
    inst[i] = (arr_installment){pr[i].due_on, pr[i].amount_cents, false};
    arr_time t = 0;
    if (arr_time_parse(pr[i].created_at, strlen(pr[i].created_at), &t, NULL) &&
        (since == ARR_DATE_NONE || arr_time_utc_date(t) < since)) {
      since = arr_time_utc_date(t);
    }
  }
  if (rc == ARR_OK && n > 0) {
    rc = arr_store_payments_since(svc->db, account_id, since, pays, MAX_PAYS, &np, err);
  }
  if (rc == ARR_OK && n > 0) {
    arr_plan_monitor(inst, n, pays, np, grace, as_of, ir, NULL);
  }
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    res->promises++;
    if (ir[i].status == ARR_INST_PENDING) {
      res->active++;
      continue;
    }
    const char *st = arr_inst_status_name(ir[i].status);
    rc = arr_store_promise_judge(svc->db, pr[i].id, st, ir[i].paid_cents, svc->now_iso,
                                 err);
    if (rc == ARR_OK && ir[i].status != ARR_INST_KEPT) {
      char reason[201], due[ARR_DATE_FMT_MAX];
      arr_date_format(pr[i].due_on, due);
      snprintf(reason, sizeof reason,
               "promise %lld %s: %lld cents due %s, %lld paid within %d grace days",
               (long long)pr[i].id,
               ir[i].status == ARR_INST_PARTIAL ? "partially kept" : "broken",
               (long long)pr[i].amount_cents, due, (long long)ir[i].paid_in_time_cents,
               grace);
      int64_t note_id = 0;
      rc = arr_store_note_insert(svc->db, account_id, reason, svc->actor, svc->now_iso,
                                 &note_id, err);
      res->broken++;
    } else {
      res->completed++;
    }
    if (rc == ARR_OK) {
      rc = svc_audit(svc, "promise.judged", "promise", pr[i].id,
                     json_pack("{s:I,s:s,s:I}", "account_id", (json_int_t)account_id,
                               "status", st, "paid_cents", (json_int_t)ir[i].paid_cents),
                     err);
    }
  }
  free(pr), free(inst), free(ir), free(pays);
  return rc;
}

typedef arr_rc (*id_lister)(arr_db *db, int64_t after, int64_t *ids, int cap, int *n,
                            arr_err *err);
typedef arr_rc (*id_judge)(arr_svc *svc, int64_t id, arr_date as_of,
                           arr_monitor_result *res, arr_err *err);

static arr_rc active_plan_ids(arr_db *db, int64_t after, int64_t *ids, int cap, int *n,
                              arr_err *err) {
  return arr_store_plan_ids_in_status(db, "active", after, ids, cap, n, err);
}

/* Pages through the ids `list` gives and judges each in its own transaction: a
 * judgment is made whole or not at all, and a rerun judges only what is still open. */
static arr_rc judge_each(arr_svc *svc, id_lister list, id_judge judge, arr_date as_of,
                         arr_monitor_result *res, arr_err *err) {
  int64_t ids[MONITOR_CHUNK];
  int64_t after = 0;
  int n = 0;
  arr_rc rc;
  do {
    rc = list(svc->db, after, ids, MONITOR_CHUNK, &n, err);
    for (int i = 0; rc == ARR_OK && i < n; i++) {
      after = ids[i];
      rc = svc_begin(svc, err);
      if (rc == ARR_OK) {
        rc = judge(svc, ids[i], as_of, res, err);
      }
      if (rc == ARR_OK) {
        rc = svc_commit(svc, err);
      } else {
        svc_rollback(svc);
      }
    }
  } while (rc == ARR_OK && n == MONITOR_CHUNK);
  return rc;
}

arr_rc arr_svc_arrangements_monitor(arr_svc *svc, const char *as_of,
                                    arr_monitor_result *res, arr_err *err) {
  memset(res, 0, sizeof *res);
  static const char *const RUNNERS[] = {"supervisor", "admin", NULL};
  arr_rc rc = arr_svc_require(svc, "monitoring arrangements", RUNNERS, err);
  arr_date day = svc->today;
  if (rc == ARR_OK && as_of != NULL && as_of[0] != '\0') {
    rc = parse_day(as_of, "as-of", true, &day, err);
  }
  if (rc == ARR_OK && day > svc->today) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "as-of", "as-of is in the future");
  }
  if (rc == ARR_OK) {
    rc = judge_each(svc, active_plan_ids, monitor_plan, day, res, err);
  }
  if (rc == ARR_OK) {
    rc = judge_each(svc, arr_store_promise_accounts, monitor_promises, day, res, err);
  }
  return rc;
}

arr_rc arr_svc_client_limits_set(arr_svc *svc, const char *code,
                                 const arr_limits_request *req, arr_err *err) {
  static const char *const ADMINS[] = {"admin", NULL};
  arr_rc rc = arr_svc_require(svc, "setting a client's arrangement limits", ADMINS, err);
  if (rc == ARR_OK) {
    rc = svc_begin(svc, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_client c;
  arr_arrangement_limits l;
  rc = arr_store_client_by_code(svc->db, code, &c, err);
  if (rc == ARR_OK) {
    rc = arr_store_client_limits(svc->db, c.id, &l, err);
  }
  if (rc == ARR_OK && req->min_installment != NULL) {
    rc = parse_amount(req->min_installment, "min-installment", &l.min_installment_cents,
                      err);
  }
  if (rc == ARR_OK && req->max_months >= 0) {
    if (req->max_months < 1 || req->max_months > 120) {
      rc = arr_err_field(err, ARR_ERR_INVALID, "max-months",
                         "max-months must be 1 to 120");
    }
    l.max_months = req->max_months;
  }
  if (rc == ARR_OK && req->floor_pct >= 0) {
    if (req->floor_pct > 100) {
      rc = arr_err_field(err, ARR_ERR_INVALID, "settlement-floor-pct",
                         "settlement-floor-pct must be 0 to 100");
    }
    l.settlement_floor_bp = req->floor_pct * 100;
  }
  if (rc == ARR_OK && req->grace_days >= 0) {
    if (req->grace_days > 60) {
      rc =
          arr_err_field(err, ARR_ERR_INVALID, "grace-days", "grace-days must be 0 to 60");
    }
    l.grace_days = req->grace_days;
  }
  if (rc == ARR_OK) {
    rc = arr_store_client_set_limits(svc->db, c.id, &l, err);
  }
  if (rc == ARR_OK) {
    rc = svc_audit(svc, "client.limits", "client", c.id,
                   json_pack("{s:I,s:i,s:i,s:i}", "min_installment_cents",
                             (json_int_t)l.min_installment_cents, "max_months",
                             l.max_months, "settlement_floor_bp",
                             (int)l.settlement_floor_bp, "grace_days", l.grace_days),
                   err);
  }
  if (rc == ARR_OK) {
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}
