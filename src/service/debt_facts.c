/*
 * debt_facts.c — facts about a debt that the validation notice and the suit rules
 * rest on: the itemization date with its basis (chosen once per debt, 12 CFR
 * 1006.34(b)(3)) and the itemization computed from the ledger since that date
 * (1006.34(c)(2)(vi)-(viii)); the statute of limitations (core/sol, a data table by
 * state and debt type) and the refusal to refer a time-barred debt for suit
 * (1006.26(b)).
 */
#include <stdlib.h>
#include <string.h>

#include "core/sol.h"
#include "formats/placement.h"
#include "service/internal.h"

enum { ITEMIZE_PAGE = 512 };

/* Whether a validation notice has been sent on the account (in effect or not: once
 * sent, the itemization date it showed is the one to keep using). */
static arr_rc notice_sent(arr_svc *svc, int64_t account_id, bool *sent, arr_err *err) {
  enum { MAX = 256 };
  arr_account_event *ev = malloc(sizeof *ev * MAX);
  if (ev == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  arr_rc rc = arr_store_event_list(svc->db, account_id, ev, MAX, &n, err);
  *sent = false;
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    *sent = *sent || strcmp(ev[i].type, "validation_notice_sent") == 0;
  }
  free(ev);
  return rc;
}

arr_rc arr_svc_itemization_set(arr_svc *svc, const char *account, const char *basis,
                               const char *date, arr_err *err) {
  static const char *const EDITORS[] = {"supervisor", "compliance", "admin", NULL};
  arr_rc rc = arr_svc_require(svc, "choosing the itemization date", EDITORS, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_itemization_basis b = ARR_ITEMIZE_NONE;
  if (basis == NULL || !arr_itemization_basis_parse(basis, strlen(basis), &b)) {
    return arr_err_field(err, ARR_ERR_INVALID, "basis",
                         "basis must be one of last_statement, charge_off, last_payment, "
                         "transaction, judgment");
  }
  arr_date d = ARR_DATE_NONE;
  if (date != NULL && date[0] != '\0' && !arr_date_parse(date, strlen(date), &d)) {
    return arr_err_field(err, ARR_ERR_INVALID, "date",
                         "date \"%s\" is not a date like 2026-11-23", date);
  }
  if (d != ARR_DATE_NONE && d > svc->today) {
    return arr_err_field(err, ARR_ERR_INVALID, "date", "date must not be in the future");
  }
  int64_t id = 0;
  rc = arr_svc_account_resolve(svc, account, &id, err);
  if (rc == ARR_OK) {
    rc = svc_begin(svc, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_account a;
  bool sent = false;
  rc = arr_store_account_get(svc->db, id, &a, err);
  if (rc == ARR_OK) {
    rc = notice_sent(svc, id, &sent, err);
  }
  if (rc == ARR_OK && sent) {
    rc =
        arr_err_set(err, ARR_ERR_CONFLICT,
                    "account %s: a validation notice has been sent with itemization date "
                    "basis %s; the basis is chosen once per debt and used consistently "
                    "(12 CFR 1006.34(b)(3))",
                    account, a.itemization_basis[0] ? a.itemization_basis : "(none)");
  }
  if (rc == ARR_OK && d == ARR_DATE_NONE) {
    /* Bases with a field of their own take the date from it. */
    d = b == ARR_ITEMIZE_CHARGE_OFF     ? a.charge_off_date
        : b == ARR_ITEMIZE_LAST_PAYMENT ? a.creditor_last_payment_on
                                        : ARR_DATE_NONE;
    if (d == ARR_DATE_NONE) {
      rc = arr_err_field(err, ARR_ERR_INVALID, "date",
                         "account %s has no %s date on file; give the date", account,
                         b == ARR_ITEMIZE_CHARGE_OFF     ? "charge-off"
                         : b == ARR_ITEMIZE_LAST_PAYMENT ? "last payment"
                                                         : basis);
    }
  }
  if (rc == ARR_OK) {
    rc = arr_store_account_set_itemization(svc->db, id, d, basis, svc->now_iso, err);
  }
  if (rc == ARR_OK) {
    char was[ARR_DATE_FMT_MAX] = "", now_d[ARR_DATE_FMT_MAX];
    if (a.itemization_date != ARR_DATE_NONE) {
      arr_date_format(a.itemization_date, was);
    }
    arr_date_format(d, now_d);
    rc = svc_audit(svc, "account.itemization", "account", id,
                   json_pack("{s:s,s:s,s:s,s:s}", "basis", basis, "date", now_d,
                             "previous_basis", a.itemization_basis, "previous_date", was),
                   err);
  }
  if (rc == ARR_OK) {
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

/* Adds an entry's movement to the itemization: payments (and their reversals) net as
 * payments; other entries' increases of interest and of fees or costs as interest and
 * fees; everything else that lowers the debt (or moves principal) as credits. */
static void itemize_entry(const arr_ledger_entry *e, arr_itemization *it) {
  const int64_t *c = e->amount.cents;
  if (strcmp(e->kind, "payment") == 0 || strcmp(e->kind, "reversal") == 0) {
    int64_t total = 0;
    arr_balance_total(&e->amount, &total);
    it->payments_cents -= total;
    return;
  }
  it->interest_cents += c[ARR_BUCKET_INTEREST] > 0 ? c[ARR_BUCKET_INTEREST] : 0;
  it->fees_cents += c[ARR_BUCKET_FEES] > 0 ? c[ARR_BUCKET_FEES] : 0;
  it->fees_cents += c[ARR_BUCKET_COSTS] > 0 ? c[ARR_BUCKET_COSTS] : 0;
  int64_t lowered = -c[ARR_BUCKET_PRINCIPAL] - c[ARR_BUCKET_CREDIT];
  lowered += c[ARR_BUCKET_INTEREST] < 0 ? -c[ARR_BUCKET_INTEREST] : 0;
  lowered += c[ARR_BUCKET_FEES] < 0 ? -c[ARR_BUCKET_FEES] : 0;
  lowered += c[ARR_BUCKET_COSTS] < 0 ? -c[ARR_BUCKET_COSTS] : 0;
  it->credits_cents += lowered;
}

arr_rc svc_itemization(arr_svc *svc, const arr_account *a, arr_itemization *it,
                       arr_err *err) {
  memset(it, 0, sizeof *it);
  it->date = a->itemization_date;
  svc_strcpy(it->basis, sizeof it->basis, a->itemization_basis);
  arr_ledger_entry *es = malloc(sizeof *es * ITEMIZE_PAGE);
  if (es == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int64_t after = 0;
  int n = 0;
  arr_rc rc;
  do {
    rc = arr_store_ledger_list(svc->db, a->id, after, es, ITEMIZE_PAGE, &n, err);
    for (int i = 0; rc == ARR_OK && i < n; i++) {
      const arr_ledger_entry *e = &es[i];
      after = e->id;
      int64_t total = 0;
      arr_balance_total(&e->amount, &total);
      it->current_cents += total;
      /* The placement carries the creditor's figures as of the itemization date; what
       * the ledger shows on or before that date belongs to the amount then owed. */
      if (strcmp(e->kind, "placement") == 0 || it->date == ARR_DATE_NONE ||
          e->effective_on <= it->date) {
        it->amount_cents += total;
      } else {
        itemize_entry(e, it);
      }
    }
  } while (rc == ARR_OK && n == ITEMIZE_PAGE);
  free(es);
  return rc;
}

/* ---- statute of limitations ---- */

void svc_sol_evaluate(const arr_account *a, const char *state, arr_date as_of,
                      arr_sol_status *out) {
  arr_sol_evaluate(state != NULL && state[0] != '\0' ? state : NULL, a->account_type,
                   a->federal_loan_bundle[0] != '\0', a->last_payment_on,
                   a->first_delinquency_on, a->charge_off_date, as_of, out);
}

arr_rc svc_sol(arr_svc *svc, const arr_account *a, arr_date as_of, arr_sol_status *out,
               arr_err *err) {
  enum { MAX = 32 };
  arr_address *as = malloc(sizeof *as * MAX);
  if (as == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  arr_rc rc = arr_store_address_list(svc->db, a->debtor_id, as, MAX, &n, err);
  if (rc == ARR_OK) {
    int cur = svc_current_address(as, n);
    svc_sol_evaluate(a, cur >= 0 ? as[cur].state : NULL, as_of, out);
  }
  free(as);
  return rc;
}

json_t *svc_sol_json(const arr_sol_status *s) {
  json_t *o = json_object();
  svc_set(o, "state", s->state != NULL ? json_string(s->state) : json_null());
  svc_set(o, "state_known", json_boolean(s->state_known));
  svc_set_str(o, "category", arr_sol_category_name(s->category));
  svc_set(o, "years", s->no_limit ? json_null() : json_integer(s->years));
  svc_set(o, "no_limit", json_boolean(s->no_limit));
  svc_set(o, "known", json_boolean(s->known));
  svc_set(o, "starts_on", svc_date_json(s->starts_on));
  svc_set(o, "expires_on", svc_date_json(s->expires_on));
  svc_set(o, "time_barred", json_boolean(s->time_barred));
  svc_set_str(o, "citation", s->citation);
  return o;
}

arr_rc arr_svc_statutes(arr_svc *svc, json_t **out, arr_err *err) {
  (void)svc;
  (void)err;
  int n = 0;
  const arr_sol_row *rows = arr_sol_table(&n);
  json_t *items = json_array();
  for (int i = 0; i < n; i++) {
    json_t *years = json_object();
    for (int c = 0; c < ARR_SOL_CATEGORIES; c++) {
      svc_set_int(years, arr_sol_category_name((arr_sol_category)c), rows[i].years[c]);
    }
    json_t *o = json_object();
    svc_set_str(o, "state", rows[i].state);
    svc_set(o, "years", years);
    svc_set_str(o, "citation", rows[i].citation);
    svc_set_str(o, "notes", rows[i].notes != NULL ? rows[i].notes : "");
    json_array_append_new(items, o);
  }
  *out = json_pack("{s:o}", "items", items);
  return ARR_OK;
}
