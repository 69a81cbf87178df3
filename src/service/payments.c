/*
 * payments.c — posting payments (one at a time and from files), reversals and
 * adjustments. Every money movement is a new ledger entry; the account row's cached
 * balance moves with it in the same transaction.
 *
 * Allocation uses the client's order against the account's current balance, so no
 * owed bucket can be driven below zero; what is left over is kept as credit. A
 * backdated payment keeps its effective date (for as-of views and interest) but is
 * allocated against today's balance — allocating against the historical balance could
 * pay down a bucket a later payment had already cleared.
 *
 * Idempotency: a key given with a payment is stored under a UNIQUE constraint; the same
 * key again returns the first payment and changes nothing. Payment-file rows get a key
 * derived from their content and their occurrence number within the file, so
 * re-importing a file (or an overlapping one) never posts a row twice while two
 * genuinely identical payments in one file both post.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "formats/payfile.h"
#include "service/internal.h"

static arr_rc resolve_ref(arr_svc *svc, const char *ref, int64_t *id_out, arr_err *err);

arr_rc arr_svc_account_resolve(arr_svc *svc, const char *ref, int64_t *id_out,
                               arr_err *err) {
  arr_rc rc = resolve_ref(svc, ref, id_out, err);
  if (rc != ARR_OK || !svc->has_principal || svc->principal.client_id == 0) {
    return rc;
  }
  /* A creditor's portal user sees its own client's accounts and nothing else. */
  arr_account a;
  rc = arr_store_account_get(svc->db, *id_out, &a, err);
  if (rc == ARR_OK && a.client_id != svc->principal.client_id) {
    rc = arr_err_set(err, ARR_ERR_FORBIDDEN, "account %s belongs to another client", ref);
  }
  return rc;
}

static arr_rc resolve_ref(arr_svc *svc, const char *ref, int64_t *id_out, arr_err *err) {
  const char *colon = strchr(ref, ':');
  if (colon == NULL) {
    char *end = NULL;
    long long id = strtoll(ref, &end, 10);
    if (ref[0] == '\0' || end == NULL || *end != '\0' || id <= 0) {
      return arr_err_field(err, ARR_ERR_INVALID, "account",
                           "account must be an id or CLIENT:CLIENT_ACCOUNT, not \"%s\"",
                           ref);
    }
    *id_out = id;
    return ARR_OK;
  }
  char code[33];
  if (!svc_copy(code, sizeof code, ref, (size_t)(colon - ref))) {
    return arr_err_field(err, ARR_ERR_INVALID, "account",
                         "client code in \"%s\" is too long", ref);
  }
  arr_client c;
  arr_rc rc = arr_store_client_by_code(svc->db, code, &c, err);
  if (rc != ARR_OK) {
    return rc;
  }
  rc = arr_store_account_id_by_ref(svc->db, c.id, colon + 1, id_out, err);
  if (rc == ARR_ERR_NOTFOUND) {
    arr_err_set(err, rc, "account %s not found", ref);
  }
  return rc;
}

static arr_rc load_account(arr_svc *svc, const char *ref, arr_account *a, arr_err *err) {
  int64_t id = 0;
  arr_rc rc = arr_svc_account_resolve(svc, ref, &id, err);
  if (rc == ARR_OK) {
    rc = arr_store_account_get_for_update(svc->db, id, a, err);
  }
  return rc;
}

arr_rc svc_post_payment(arr_svc *svc, arr_account *a, arr_payment *p, arr_pay_result *res,
                        arr_err *err) {
  if (strcmp(a->status, "open") != 0) {
    return arr_err_set(err, ARR_ERR_REFUSED,
                       "account %lld is %s; payments are not accepted", (long long)a->id,
                       a->status);
  }
  if (p->effective_on > svc->today) {
    return arr_err_field(err, ARR_ERR_INVALID, "date", "payment date is in the future");
  }
  if (a->placed_on != ARR_DATE_NONE && p->effective_on < a->placed_on) {
    char placed[ARR_DATE_FMT_MAX];
    arr_date_format(a->placed_on, placed);
    return arr_err_field(err, ARR_ERR_INVALID, "date",
                         "payment date is before the account was placed (%s)", placed);
  }
  arr_alloc_order order;
  const char *why = NULL;
  if (!arr_alloc_order_parse(a->allocation_order, &order, &why)) {
    order = arr_alloc_order_default();
  }
  p->account_id = a->id;
  arr_rc rc = arr_store_payment_insert(svc->db, p, svc->now_iso, svc->actor, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_ledger_entry e;
  memset(&e, 0, sizeof e);
  svc_strcpy(e.kind, sizeof e.kind, "payment");
  e.effective_on = p->effective_on;
  e.payment_id = p->id;
  arr_alloc_payment(&a->balance, &order, p->amount_cents, &e.amount);
  if (a->last_payment_on == ARR_DATE_NONE || p->effective_on > a->last_payment_on) {
    a->last_payment_on = p->effective_on;
  }
  rc = svc_ledger_post(svc, a, &e, err);
  if (rc == ARR_OK && res != NULL) {
    res->payment_id = p->id;
    res->account_id = a->id;
    res->duplicate = false;
    res->applied = e.amount;
    res->balance = a->balance;
  }
  return rc;
}

static json_t *applied_json(const arr_balance *applied) {
  return svc_balance_json(applied);
}

static arr_rc duplicate_result(arr_svc *svc, const arr_payment *first,
                               arr_pay_result *res, arr_err *err) {
  arr_account a;
  arr_ledger_entry e;
  arr_rc rc = arr_store_account_get(svc->db, first->account_id, &a, err);
  if (rc == ARR_OK) {
    rc = arr_store_ledger_by_payment(svc->db, first->id, &e, err);
  }
  if (rc == ARR_OK) {
    res->payment_id = first->id;
    res->account_id = first->account_id;
    res->duplicate = true;
    res->applied = e.amount;
    res->balance = a.balance;
  }
  return rc;
}

arr_rc arr_svc_pay(arr_svc *svc, const arr_pay_request *req, arr_pay_result *res,
                   arr_err *err) {
  memset(res, 0, sizeof *res);
  arr_payment p;
  memset(&p, 0, sizeof p);
  arr_money_status ms =
      arr_money_parse(req->amount, strlen(req->amount), false, &p.amount_cents);
  if (ms != ARR_MONEY_OK) {
    return arr_err_field(err, ARR_ERR_INVALID, "amount", "amount \"%s\" %s", req->amount,
                         arr_money_status_str(ms));
  }
  if (p.amount_cents <= 0) {
    return arr_err_field(err, ARR_ERR_INVALID, "amount",
                         "amount \"%s\" must be greater than zero", req->amount);
  }
  arr_pay_method m = ARR_PAY_CASH;
  if (req->method != NULL &&
      !arr_pay_method_parse(req->method, strlen(req->method), &m)) {
    return arr_err_field(err, ARR_ERR_INVALID, "method",
                         "method \"%s\" is not one of cash, check, card, ach",
                         req->method);
  }
  svc_strcpy(p.method, sizeof p.method, arr_pay_method_name(m));
  p.effective_on = svc->today;
  if (req->date != NULL &&
      !arr_date_parse(req->date, strlen(req->date), &p.effective_on)) {
    return arr_err_field(err, ARR_ERR_INVALID, "date",
                         "date \"%s\" is not a date like 2026-11-23", req->date);
  }
  if (req->reference != NULL && !svc_copy(p.reference, sizeof p.reference, req->reference,
                                          strlen(req->reference))) {
    return arr_err_field(err, ARR_ERR_INVALID, "reference",
                         "reference is longer than 64 bytes");
  }
  if (req->key != NULL &&
      (req->key[0] == '\0' || !svc_copy(p.idempotency_key, sizeof p.idempotency_key,
                                        req->key, strlen(req->key)))) {
    return arr_err_field(err, ARR_ERR_INVALID, "key", "key must be 1 to 128 bytes");
  }
  svc_strcpy(p.source, sizeof p.source, "manual");

  arr_rc rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  if (p.idempotency_key[0] != '\0') {
    arr_payment first;
    rc = arr_store_payment_by_key(svc->db, p.idempotency_key, &first, err);
    if (rc == ARR_OK) {
      rc = duplicate_result(svc, &first, res, err);
      svc_rollback(svc);
      return rc;
    }
    if (rc != ARR_ERR_NOTFOUND) {
      svc_rollback(svc);
      return rc;
    }
  }
  arr_account a;
  rc = load_account(svc, req->account, &a, err);
  if (rc == ARR_OK) {
    rc = svc_post_payment(svc, &a, &p, res, err);
  }
  if (rc == ARR_ERR_CONFLICT && p.idempotency_key[0] != '\0') {
    /* Another process posted the same key between our check and our insert: the
     * earlier payment stands and this request is its duplicate. */
    svc_rollback(svc);
    arr_payment first;
    rc = arr_store_payment_by_key(svc->db, p.idempotency_key, &first, err);
    return rc == ARR_OK ? duplicate_result(svc, &first, res, err) : rc;
  }
  if (rc == ARR_OK) {
    json_t *d =
        json_pack("{s:I,s:I,s:s,s:s,s:o}", "account_id", (json_int_t)a.id, "amount_cents",
                  (json_int_t)p.amount_cents, "method", p.method, "key",
                  p.idempotency_key, "applied_cents", applied_json(&res->applied));
    char date[ARR_DATE_FMT_MAX];
    arr_date_format(p.effective_on, date);
    json_object_set_new(d, "effective_on", json_string(date));
    rc = svc_audit(svc, "payment.post", "payment", p.id, d, err);
  }
  if (rc == ARR_OK) {
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

static bool reversal_reason_ok(const char *reason) {
  static const char *const reasons[] = {"nsf",   "chargeback",     "stop_payment",
                                        "error", "account_closed", "unauthorized"};
  for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
    if (strcmp(reason, reasons[i]) == 0) {
      return true;
    }
  }
  return false;
}

arr_rc arr_svc_payment_reverse(arr_svc *svc, int64_t payment_id, const char *reason,
                               arr_pay_result *res, arr_err *err) {
  memset(res, 0, sizeof *res);
  if (!reversal_reason_ok(reason)) {
    return arr_err_field(
        err, ARR_ERR_INVALID, "reason",
        "reason \"%s\" is not one of nsf, chargeback, stop_payment, error, "
        "account_closed, unauthorized",
        reason);
  }
  arr_rc rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_payment p;
  arr_account a;
  arr_ledger_entry orig, e;
  rc = arr_store_payment_get(svc->db, payment_id, &p, err);
  if (rc == ARR_OK && strcmp(p.status, "posted") != 0) {
    rc = arr_err_set(err, ARR_ERR_CONFLICT, "payment %lld is already reversed",
                     (long long)payment_id);
  }
  if (rc == ARR_OK) {
    rc = arr_store_payment_mark_reversed(svc->db, payment_id, reason, svc->now_iso, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_ledger_by_payment(svc->db, payment_id, &orig, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_account_get_for_update(svc->db, p.account_id, &a, err);
  }
  if (rc == ARR_OK) {
    /* The exact opposite of the original allocation restores every bucket. */
    memset(&e, 0, sizeof e);
    svc_strcpy(e.kind, sizeof e.kind, "reversal");
    e.effective_on = svc->today;
    e.payment_id = payment_id;
    e.reverses_id = orig.id;
    svc_strcpy(e.memo, sizeof e.memo, reason);
    arr_balance_negate(&orig.amount, &e.amount);
    rc = arr_store_payment_last_date(svc->db, a.id, &a.last_payment_on, err);
    if (a.last_payment_on == ARR_DATE_NONE ||
        (a.creditor_last_payment_on != ARR_DATE_NONE &&
         a.creditor_last_payment_on > a.last_payment_on)) {
      a.last_payment_on = a.creditor_last_payment_on;
    }
  }
  if (rc == ARR_OK) {
    rc = svc_ledger_post(svc, &a, &e, err);
  }
  if (rc == ARR_OK) {
    res->payment_id = payment_id;
    res->account_id = a.id;
    res->applied = e.amount;
    res->balance = a.balance;
    json_t *d = json_pack("{s:I,s:I,s:s,s:o}", "account_id", (json_int_t)a.id,
                          "amount_cents", (json_int_t)p.amount_cents, "reason", reason,
                          "restored_cents", svc_balance_json(&e.amount));
    rc = svc_audit(svc, "payment.reverse", "payment", payment_id, d, err);
  }
  if (rc == ARR_OK) {
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

arr_rc arr_svc_adjust(arr_svc *svc, const char *account, const char *bucket,
                      const char *amount, const char *reason, int64_t *entry_id,
                      arr_err *err) {
  int b = -1;
  for (int i = 0; i < ARR_BUCKETS; i++) {
    if (strcmp(bucket, arr_bucket_name((arr_bucket)i)) == 0) {
      b = i;
    }
  }
  if (b < 0) {
    return arr_err_field(
        err, ARR_ERR_INVALID, "bucket",
        "bucket \"%s\" is not one of principal, interest, fees, costs, credit", bucket);
  }
  int64_t cents = 0;
  arr_money_status ms = arr_money_parse(amount, strlen(amount), true, &cents);
  if (ms != ARR_MONEY_OK || cents == 0) {
    return arr_err_field(err, ARR_ERR_INVALID, "amount", "amount \"%s\" %s", amount,
                         ms != ARR_MONEY_OK ? arr_money_status_str(ms)
                                            : "must not be zero");
  }
  if (reason == NULL || reason[0] == '\0' || strlen(reason) > 200) {
    return arr_err_field(err, ARR_ERR_INVALID, "reason",
                         "a reason of 1 to 200 bytes is required");
  }
  arr_rc rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_account a;
  rc = load_account(svc, account, &a, err);
  if (rc == ARR_OK) {
    int64_t after = 0;
    if (!arr_money_add(a.balance.cents[b], cents, &after)) {
      rc = arr_err_set(err, ARR_ERR_INVALID, "adjustment overflows the balance");
    } else if (b != ARR_BUCKET_CREDIT && after < 0) {
      rc = arr_err_set(err, ARR_ERR_REFUSED, "adjustment would make %s negative", bucket);
    } else if (b == ARR_BUCKET_CREDIT && after > 0) {
      rc = arr_err_set(err, ARR_ERR_REFUSED, "adjustment would make credit positive");
    }
  }
  arr_ledger_entry e;
  memset(&e, 0, sizeof e);
  if (rc == ARR_OK) {
    svc_strcpy(e.kind, sizeof e.kind, "adjustment");
    e.effective_on = svc->today;
    e.amount.cents[b] = cents;
    svc_strcpy(e.memo, sizeof e.memo, reason);
    rc = svc_ledger_post(svc, &a, &e, err);
  }
  if (rc == ARR_OK) {
    json_t *d = json_pack("{s:I,s:s,s:I,s:s}", "account_id", (json_int_t)a.id, "bucket",
                          bucket, "amount_cents", (json_int_t)cents, "reason", reason);
    rc = svc_audit(svc, "ledger.adjust", "ledger_entry", e.id, d, err);
  }
  if (rc == ARR_OK) {
    *entry_id = e.id;
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}
