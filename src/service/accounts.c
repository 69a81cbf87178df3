/*
 * accounts.c — clients, account views and lists, notes.
 *
 * Account views are built as JSON objects in the public shape of SPEC.md
 * (`account show --json`). PII is masked unless the caller asks to reveal it, and a
 * reveal is itself an audited event: who saw which debtor's full SSN/DOB, and when.
 */
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "core/compliance.h"
#include "service/internal.h"

#define SHOW_LEDGER_MAX 500
#define SHOW_POINTS_MAX 32

arr_rc arr_svc_client_add(arr_svc *svc, const char *code, const char *name,
                          const char *commission_pct, const char *allocation_order,
                          int64_t *id_out, arr_err *err) {
  arr_client c;
  memset(&c, 0, sizeof c);
  size_t code_len = strlen(code);
  if (code_len == 0 || code_len > 32) {
    return arr_err_field(err, ARR_ERR_INVALID, "code",
                         "client code must be 1 to 32 characters");
  }
  for (size_t i = 0; i < code_len; i++) {
    char ch = code[i];
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
          (ch >= '0' && ch <= '9') || ch == '_' || ch == '-')) {
      return arr_err_field(err, ARR_ERR_INVALID, "code",
                           "client code may hold only letters, digits, '_' and '-'");
    }
  }
  if (name == NULL || name[0] == '\0' || strlen(name) > 200) {
    return arr_err_field(err, ARR_ERR_INVALID, "name",
                         "client name must be 1 to 200 characters");
  }
  svc_strcpy(c.code, sizeof c.code, code);
  svc_strcpy(c.name, sizeof c.name, name);
  if (commission_pct != NULL) {
    const char *why = NULL;
    if (!arr_pct_parse(commission_pct, strlen(commission_pct), &c.commission_pct_e4,
                       &why) ||
        c.commission_pct_e4 > 1000000) {
      return arr_err_field(err, ARR_ERR_INVALID, "commission_pct",
                           "commission \"%s\": %s", commission_pct,
                           why != NULL ? why : "must be between 0 and 100");
    }
  }
  arr_alloc_order order = arr_alloc_order_default();
  if (allocation_order != NULL) {
    const char *why = NULL;
    if (!arr_alloc_order_parse(allocation_order, &order, &why)) {
      return arr_err_field(err, ARR_ERR_INVALID, "allocation_order",
                           "allocation order \"%s\": %s", allocation_order, why);
    }
  }
  arr_alloc_order_format(&order, c.allocation_order);
  snprintf(c.currency, sizeof c.currency, "USD");
  arr_rc rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  rc = arr_store_client_insert(svc->db, &c, svc->now_iso, err);
  if (rc == ARR_ERR_CONFLICT) {
    arr_err_set(err, rc, "client %s already exists", code);
  }
  if (rc == ARR_OK) {
    json_t *d = json_pack("{s:s,s:s,s:I,s:s}", "code", c.code, "name", c.name,
                          "commission_pct_e4", (json_int_t)c.commission_pct_e4,
                          "allocation_order", c.allocation_order);
    rc = svc_audit(svc, "client.add", "client", c.id, d, err);
  }
  if (rc == ARR_OK) {
    *id_out = c.id;
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

static json_t *pct_json(int64_t pct_e4) {
  char buf[32];
  arr_pct_format(pct_e4, buf);
  return json_string(buf);
}

arr_rc arr_svc_client_list(arr_svc *svc, json_t **out, arr_err *err) {
  enum { MAX_CLIENTS = 1000 };
  arr_client *cs = malloc(sizeof *cs * MAX_CLIENTS);
  if (cs == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  arr_rc rc = arr_store_client_list(svc->db, cs, MAX_CLIENTS, &n, err);
  json_t *arr = json_array();
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    json_array_append_new(
        arr, json_pack("{s:I,s:s,s:s,s:o,s:s,s:s}", "id", (json_int_t)cs[i].id, "code",
                       cs[i].code, "name", cs[i].name, "commission_pct",
                       pct_json(cs[i].commission_pct_e4), "allocation_order",
                       cs[i].allocation_order, "currency", cs[i].currency));
  }
  free(cs);
  if (rc != ARR_OK) {
    json_decref(arr);
    return rc;
  }
  *out = arr;
  return ARR_OK;
}

static json_t *opt_str(const char *s) {
  return s[0] != '\0' ? json_string(s) : json_null();
}

static arr_rc debtor_json(arr_svc *svc, int64_t debtor_id, bool reveal, json_t **out,
                          arr_err *err) {
  arr_debtor d;
  arr_rc rc = arr_store_debtor_get(svc->db, debtor_id, &d, err);
  if (rc != ARR_OK) {
    return rc;
  }
  char name[700];
  snprintf(name, sizeof name, "%s%s%s %s%s%s", d.first_name, d.middle_name[0] ? " " : "",
           d.middle_name, d.last_name, d.suffix[0] ? " " : "", d.suffix);
  json_t *ssn = json_null(), *dob = json_null();
  if (d.ssn_enc[0] != '\0') {
    char buf[32];
    if (reveal) {
      char plain[16];
      rc = svc_decrypt(svc, d.ssn_enc, plain, sizeof plain, err);
      if (rc != ARR_OK) {
        return rc;
      }
      snprintf(buf, sizeof buf, "%.3s-%.2s-%.4s", plain, plain + 3, plain + 5);
    } else {
      snprintf(buf, sizeof buf, "***-**-%s", d.ssn_last4);
    }
    ssn = json_string(buf);
  }
  if (d.dob_enc[0] != '\0') {
    char plain[32];
    if (reveal) {
      rc = svc_decrypt(svc, d.dob_enc, plain, sizeof plain, err);
      if (rc != ARR_OK) {
        json_decref(ssn);
        return rc;
      }
    } else {
      snprintf(plain, sizeof plain, "****-**-**");
    }
    dob = json_string(plain);
  }
  *out = json_pack("{s:I,s:s,s:s,s:o,s:s,s:o,s:o,s:o,s:s,s:I}", "id", (json_int_t)d.id,
                   "name", name, "first_name", d.first_name, "middle_name",
                   opt_str(d.middle_name), "last_name", d.last_name, "suffix",
                   opt_str(d.suffix), "ssn", ssn, "dob", dob, "language", d.language,
                   "flags", (json_int_t)d.flags);
  json_object_set_new(*out, "ssn_last4",
                      d.ssn_last4[0] ? json_string(d.ssn_last4) : json_null());
  return ARR_OK;
}

/* Adds "history" (status/consent/end-date changes, oldest first) to each point object. */
static int change_order(const void *a, const void *b) {
  const arr_point_change *x = a, *y = b;
  return (x->id > y->id) - (x->id < y->id);
}

/* Adds "history" (status/consent/end-date changes, oldest first) to each point object:
 * one query per kind for all of the debtor's points, not one per point. */
static arr_rc add_history(arr_svc *svc, const char *kind, int64_t debtor_id,
                          json_t *points, arr_err *err) {
  enum { MAX = 512 };
  arr_point_change *ch = malloc(sizeof *ch * MAX);
  if (ch == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  arr_rc rc = json_array_size(points) == 0
                  ? ARR_OK
                  : arr_store_point_history_for_debtor(svc->db, kind, debtor_id, ch, MAX,
                                                       &n, err);
  if (rc == ARR_OK) {
    qsort(ch, (size_t)n, sizeof *ch, change_order); /* oldest first */
  }
  size_t i;
  json_t *p;
  json_array_foreach(points, i, p) {
    json_int_t id = json_integer_value(json_object_get(p, "id"));
    json_t *h = json_array();
    for (int k = 0; rc == ARR_OK && k < n; k++) {
      if (ch[k].point_id != id) {
        continue;
      }
      json_t *c = json_object();
      svc_set_str(c, "field", ch[k].field);
      svc_set(c, "old", opt_str(ch[k].old_value));
      svc_set(c, "new", opt_str(ch[k].new_value));
      svc_set_str(c, "source", ch[k].source);
      svc_set_str(c, "changed_at", ch[k].changed_at);
      svc_set_str(c, "actor", ch[k].actor);
      json_array_append_new(h, c);
    }
    json_object_set_new(p, "history", h);
  }
  free(ch);
  return rc;
}

/* The fields every contact point shares, in the order the API has always listed them. */
static void point_common(json_t *j, const char *status, const char *source,
                         arr_date valid_from, arr_date valid_to) {
  svc_set_str(j, "status", status);
  svc_set_str(j, "source", source);
  svc_set(j, "valid_from", svc_date_json(valid_from));
  svc_set(j, "valid_to", svc_date_json(valid_to));
}

static arr_rc contact_points_json(arr_svc *svc, int64_t debtor_id, json_t *obj,
                                  arr_err *err) {
  arr_address *as = malloc(sizeof *as * SHOW_POINTS_MAX);
  arr_phone *ps = malloc(sizeof *ps * SHOW_POINTS_MAX);
  arr_email *es = malloc(sizeof *es * SHOW_POINTS_MAX);
  int na = 0, np = 0, ne = 0;
  arr_rc rc =
      (as && ps && es) ? ARR_OK : arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  if (rc == ARR_OK) {
    rc = arr_store_address_list(svc->db, debtor_id, as, SHOW_POINTS_MAX, &na, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_phone_list(svc->db, debtor_id, ps, SHOW_POINTS_MAX, &np, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_email_list(svc->db, debtor_id, es, SHOW_POINTS_MAX, &ne, err);
  }
  if (rc == ARR_OK) {
    json_t *ja = json_array(), *jp = json_array(), *je = json_array();
    for (int i = 0; i < na; i++) {
      json_t *j = json_object();
      svc_set_int(j, "id", as[i].id);
      svc_set_str(j, "line1", as[i].line1);
      svc_set(j, "line2", opt_str(as[i].line2));
      svc_set(j, "city", opt_str(as[i].city));
      svc_set(j, "state", opt_str(as[i].state));
      svc_set(j, "zip", opt_str(as[i].zip));
      point_common(j, as[i].status, as[i].source, as[i].valid_from, as[i].valid_to);
      json_array_append_new(ja, j);
    }
    for (int i = 0; i < np; i++) {
      json_t *j = json_object();
      svc_set_int(j, "id", ps[i].id);
      svc_set_str(j, "number", ps[i].number);
      svc_set_str(j, "type", ps[i].type);
      svc_set_str(j, "consent", ps[i].consent);
      point_common(j, ps[i].status, ps[i].source, ps[i].valid_from, ps[i].valid_to);
      json_array_append_new(jp, j);
    }
    for (int i = 0; i < ne; i++) {
      json_t *j = json_object();
      svc_set_int(j, "id", es[i].id);
      svc_set_str(j, "address", es[i].address);
      svc_set_str(j, "consent", es[i].consent);
      point_common(j, es[i].status, es[i].source, es[i].valid_from, es[i].valid_to);
      json_array_append_new(je, j);
    }
    json_object_set_new(obj, "addresses", ja);
    json_object_set_new(obj, "phones", jp);
    json_object_set_new(obj, "emails", je);
    rc = add_history(svc, "address", debtor_id, ja, err);
    if (rc == ARR_OK) {
      rc = add_history(svc, "phone", debtor_id, jp, err);
    }
    if (rc == ARR_OK) {
      rc = add_history(svc, "email", debtor_id, je, err);
    }
  }
  free(as);
  free(ps);
  free(es);
  return rc;
}

static arr_rc ledger_json(arr_svc *svc, int64_t account_id, arr_date as_of, json_t *obj,
                          arr_err *err) {
  arr_ledger_entry *es = malloc(sizeof *es * SHOW_LEDGER_MAX);
  if (es == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  arr_rc rc = arr_store_ledger_list(svc->db, account_id, 0, es, SHOW_LEDGER_MAX, &n, err);
  json_t *arr = json_array();
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    const arr_ledger_entry *e = &es[i];
    if (as_of != ARR_DATE_NONE && e->effective_on > as_of) {
      continue;
    }
    int64_t total = 0;
    arr_balance_total(&e->amount, &total);
    json_t *j = json_object();
    svc_set_int(j, "id", e->id);
    svc_set_str(j, "kind", e->kind);
    svc_set(j, "effective_on", svc_date_json(e->effective_on));
    svc_set_str(j, "posted_at", e->posted_at);
    svc_set_int(j, "principal_cents", e->amount.cents[ARR_BUCKET_PRINCIPAL]);
    svc_set_int(j, "interest_cents", e->amount.cents[ARR_BUCKET_INTEREST]);
    svc_set_int(j, "fees_cents", e->amount.cents[ARR_BUCKET_FEES]);
    svc_set_int(j, "costs_cents", e->amount.cents[ARR_BUCKET_COSTS]);
    svc_set_int(j, "credit_cents", e->amount.cents[ARR_BUCKET_CREDIT]);
    svc_set_int(j, "total_cents", total);
    svc_set(j, "payment_id", e->payment_id ? json_integer(e->payment_id) : json_null());
    svc_set(j, "reverses_id",
            e->reverses_id ? json_integer(e->reverses_id) : json_null());
    svc_set(j, "memo", opt_str(e->memo));
    svc_set_str(j, "actor", e->actor);
    json_array_append_new(arr, j);
  }
  free(es);
  json_object_set_new(obj, "ledger", arr);
  /* Views are bounded; say so rather than let a long history look complete. */
  json_object_set_new(obj, "ledger_truncated", json_boolean(n == SHOW_LEDGER_MAX));
  return rc;
}

/* "credit_reporting": when the debt may first be furnished to a credit bureau under
 * the passive-reporting rule (1006.30(a)), from the account's contacts: a conversation,
 * or letters and emails sent and returned. The newest CONTACTS_MAX contacts are read. */
static arr_rc credit_reporting_json(arr_svc *svc, int64_t account_id, json_t *obj,
                                    arr_err *err) {
  enum { PAGE = 200, CONTACTS_MAX = 5000 };
  arr_contact *cs = malloc(sizeof *cs * PAGE);
  arr_passive_event *ev = malloc(sizeof *ev * CONTACTS_MAX);
  if (cs == NULL || ev == NULL) {
    free(cs);
    free(ev);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0, nev = 0, total = 0;
  int64_t before = 0;
  arr_rc rc;
  do {
    rc = arr_store_contact_list(svc->db, account_id, before, cs, PAGE, &n, err);
    for (int i = 0; rc == ARR_OK && i < n && nev < CONTACTS_MAX; i++) {
      const arr_contact *c = &cs[i];
      before = c->id;
      arr_date on;
      if (!arr_date_parse(c->at, 10, &on)) {
        continue;
      }
      bool mail = strcmp(c->channel, "letter") == 0 || strcmp(c->channel, "email") == 0;
      if (strcmp(c->outcome, "conversation") == 0) {
        ev[nev++] = (arr_passive_event){ARR_PASSIVE_CONVERSATION, on};
      } else if (mail && strcmp(c->outcome, "sent") == 0) {
        ev[nev++] = (arr_passive_event){ARR_PASSIVE_SENT, on};
      } else if (mail && (strcmp(c->outcome, "returned") == 0 ||
                          strcmp(c->outcome, "bounced") == 0)) {
        ev[nev++] = (arr_passive_event){ARR_PASSIVE_RETURNED, on};
      }
    }
    total += n;
  } while (rc == ARR_OK && n == PAGE && total < CONTACTS_MAX);
  if (rc == ARR_OK) {
    bool talk = false;
    arr_date from = arr_passive_reporting_from(ev, nev, &talk);
    json_object_set_new(obj, "credit_reporting",
                        json_pack("{s:o,s:o}", "may_furnish_from", svc_date_json(from),
                                  "basis",
                                  from == ARR_DATE_NONE ? json_null()
                                  : talk                ? json_string("conversation")
                                                        : json_string("letter")));
  }
  free(cs);
  free(ev);
  return rc;
}

/* "itemization": the amount on the itemization date and what changed since. */
static arr_rc itemization_json(arr_svc *svc, const arr_account *a, json_t *obj,
                               arr_err *err) {
  arr_itemization it;
  arr_rc rc = svc_itemization(svc, a, &it, err);
  if (rc != ARR_OK) {
    return rc;
  }
  json_t *j = json_object();
  svc_set(j, "date", svc_date_json(it.date));
  svc_set(j, "basis", opt_str(it.basis));
  svc_set_int(j, "amount_cents", it.amount_cents);
  svc_set_int(j, "interest_cents", it.interest_cents);
  svc_set_int(j, "fees_cents", it.fees_cents);
  svc_set_int(j, "payments_cents", it.payments_cents);
  svc_set_int(j, "credits_cents", it.credits_cents);
  svc_set_int(j, "current_cents", it.current_cents);
  json_object_set_new(obj, "itemization", j);
  return ARR_OK;
}

static arr_rc payments_json(arr_svc *svc, int64_t account_id, json_t *obj, arr_err *err) {
  enum { MAX = 500 };
  arr_payment *ps = malloc(sizeof *ps * MAX);
  if (ps == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  arr_rc rc = arr_store_payment_list(svc->db, account_id, ps, MAX, &n, err);
  json_t *arr = json_array();
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    json_t *j = json_object();
    svc_set_int(j, "id", ps[i].id);
    svc_set_int(j, "amount_cents", ps[i].amount_cents);
    svc_set_str(j, "currency", ps[i].currency);
    svc_set_str(j, "method", ps[i].method);
    svc_set(j, "effective_on", svc_date_json(ps[i].effective_on));
    svc_set_str(j, "status", ps[i].status);
    svc_set(j, "reference", opt_str(ps[i].reference));
    svc_set(j, "reversal_reason", opt_str(ps[i].reversal_reason));
    svc_set_str(j, "source", ps[i].source);
    json_array_append_new(arr, j);
  }
  free(ps);
  json_object_set_new(obj, "payments", arr);
  json_object_set_new(obj, "payments_truncated", json_boolean(n == MAX));
  return rc;
}

/* The account object shared by show and list. */
/* Adds "contacts" and "notes", newest first, up to 100 each. */
static arr_rc history_json(arr_svc *svc, int64_t account_id, json_t *obj, arr_err *err) {
  char ref[24];
  snprintf(ref, sizeof ref, "%lld", (long long)account_id);
  json_t *contacts = NULL, *notes = NULL;
  arr_rc rc = arr_svc_contact_list(svc, ref, 0, 100, &contacts, err);
  if (rc == ARR_OK) {
    rc = arr_svc_note_list(svc, ref, 0, 100, &notes, err);
  }
  if (rc == ARR_OK) {
    json_object_set(obj, "contacts", json_object_get(contacts, "items"));
    json_object_set(obj, "notes", json_object_get(notes, "items"));
  }
  json_decref(contacts);
  json_decref(notes);
  return rc;
}

static arr_rc account_json(arr_svc *svc, const arr_account *a,
                           const arr_show_options *opt, json_t **out, arr_err *err) {
  arr_date as_of = ARR_DATE_NONE;
  if (opt->as_of != NULL && !arr_date_parse(opt->as_of, strlen(opt->as_of), &as_of)) {
    return arr_err_set(err, ARR_ERR_INVALID,
                       "--as-of \"%s\" is not a date like 2026-11-23", opt->as_of);
  }
  arr_balance bal = a->balance;
  arr_date last_payment = a->last_payment_on;
  if (as_of != ARR_DATE_NONE) {
    arr_rc rc = arr_store_ledger_sum(svc->db, a->id, as_of, &bal, err);
    arr_date paid = ARR_DATE_NONE;
    if (rc == ARR_OK) {
      rc = arr_store_payment_last_date_as_of(svc->db, a->id, as_of, &paid, err);
    }
    if (rc != ARR_OK) {
      return rc;
    }
    /* Payments we posted win; otherwise the creditor's last payment date from the
     * placement, if it was on or before the as-of date. */
    if (paid != ARR_DATE_NONE) {
      last_payment = paid;
    } else if (a->creditor_last_payment_on != ARR_DATE_NONE &&
               a->creditor_last_payment_on <= as_of) {
      last_payment = a->creditor_last_payment_on;
    } else {
      last_payment = ARR_DATE_NONE;
    }
  }
  json_t *debtor = NULL;
  arr_rc rc = debtor_json(svc, a->debtor_id, opt->reveal_pii, &debtor, err);
  if (rc != ARR_OK) {
    return rc;
  }
  json_t *o = json_pack(
      "{s:I,s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
      (json_int_t)a->id, "client", a->client_code, "client_account", a->client_account,
      "status", a->status, "debtor", debtor, "balance_cents", svc_balance_json(&bal),
      "currency", a->currency, "placed_on", svc_date_json(a->placed_on),
      "first_delinquency_on", svc_date_json(a->first_delinquency_on), "last_payment_on",
      svc_date_json(last_payment), "open_date", svc_date_json(a->open_date),
      "charge_off_date", svc_date_json(a->charge_off_date), "itemization_date",
      svc_date_json(a->itemization_date), "original_creditor",
      opt_str(a->original_creditor), "as_of",
      as_of != ARR_DATE_NONE ? svc_date_json(as_of) : json_null(), "account_type",
      json_string(a->account_type));
  json_object_set_new(o, "interest_rate_pct", pct_json(a->interest_rate_pct_e4));
  json_object_set_new(o, "collector_id",
                      a->collector_id ? json_integer(a->collector_id) : json_null());
  json_t *collector = json_null();
  if (a->collector_id != 0) {
    arr_user u;
    rc = arr_store_user_by_id(svc->db, a->collector_id, &u, err);
    if (rc != ARR_OK) {
      json_decref(o);
      return rc;
    }
    collector = json_string(u.username);
  }
  json_object_set_new(o, "collector", collector);
  json_object_set_new(o, "itemization_basis", opt_str(a->itemization_basis));
  if (opt->with_detail) {
    arr_sol_status sol;
    rc = svc_sol(svc, a, as_of != ARR_DATE_NONE ? as_of : svc->today, &sol, err);
    if (rc != ARR_OK) {
      json_decref(o);
      return rc;
    }
    json_object_set_new(o, "statute_of_limitations", svc_sol_json(&sol));
  }
  json_object_set_new(o, "federal_loan_bundle", opt_str(a->federal_loan_bundle));
  json_t *attrs = a->attributes[0] ? json_loads(a->attributes, 0, NULL) : NULL;
  json_object_set_new(o, "attributes", attrs != NULL ? attrs : json_object());
  if (opt->with_detail) {
    rc = itemization_json(svc, a, o, err);
    if (rc == ARR_OK) {
      rc = credit_reporting_json(svc, a->id, o, err);
    }
    if (rc == ARR_OK) {
      rc = ledger_json(svc, a->id, as_of, o, err);
    }
    if (rc == ARR_OK) {
      rc = payments_json(svc, a->id, o, err);
    }
    if (rc == ARR_OK) {
      rc = contact_points_json(svc, a->debtor_id, o, err);
    }
    if (rc == ARR_OK) {
      rc = history_json(svc, a->id, o, err);
    }
  }
  if (rc != ARR_OK) {
    json_decref(o);
    return rc;
  }
  *out = o;
  return ARR_OK;
}

arr_rc arr_svc_account_show(arr_svc *svc, const char *ref, const arr_show_options *opt,
                            json_t **out, arr_err *err) {
  int64_t id = 0;
  arr_account a;
  static const char *const REVEALERS[] = {"supervisor", "compliance", "admin", NULL};
  if (opt->reveal_pii) {
    arr_rc rc = svc_require_role(svc, "revealing SSN and date of birth", REVEALERS, err);
    if (rc != ARR_OK) {
      return rc;
    }
  }
  /* One read snapshot for the dozen reads of the screen: a consistent view, and on
   * SQLite one shared lock instead of one per statement (each costs system calls). */
  arr_rc rc = arr_db_begin_read(svc->db, err);
  if (rc == ARR_OK) {
    rc = arr_svc_account_resolve(svc, ref, &id, err);
    if (rc == ARR_OK) {
      rc = arr_store_account_get(svc->db, id, &a, err);
    }
    if (rc == ARR_OK) {
      rc = account_json(svc, &a, opt, out, err);
    }
    arr_rc end = arr_db_commit(svc->db, rc == ARR_OK ? err : NULL);
    if (rc == ARR_OK && end != ARR_OK) {
      rc = end;
      json_decref(*out);
      *out = NULL;
    }
  }
  if (rc == ARR_OK && opt->reveal_pii) {
    /* Seeing full PII is recorded before the caller can print it. */
    rc = svc_begin(svc, err);
    if (rc == ARR_OK) {
      json_t *d = json_pack("{s:I,s:I}", "account_id", (json_int_t)a.id, "debtor_id",
                            (json_int_t)a.debtor_id);
      rc = svc_audit(svc, "pii.reveal", "debtor", a.debtor_id, d, err);
      rc = rc == ARR_OK ? svc_commit(svc, err) : (svc_rollback(svc), rc);
    }
    if (rc != ARR_OK) {
      json_decref(*out);
      *out = NULL;
    }
  }
  return rc;
}

arr_rc arr_svc_account_list(arr_svc *svc, const arr_list_options *opt, json_t **out,
                            arr_err *err) {
  if (opt->limit < 1 || opt->limit > 1000) {
    return arr_err_set(err, ARR_ERR_INVALID, "limit must be between 1 and 1000");
  }
  arr_account_filter f = {0, opt->status, opt->after_id, opt->limit};
  if (opt->client_code != NULL) {
    arr_client c;
    arr_rc rc = arr_store_client_by_code(svc->db, opt->client_code, &c, err);
    if (rc != ARR_OK) {
      return rc;
    }
    f.client_id = c.id;
  }
  arr_account *as = malloc(sizeof *as * (size_t)opt->limit);
  if (as == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  arr_rc rc = arr_store_account_list(svc->db, &f, as, opt->limit, &n, err);
  json_t *arr = json_array();
  arr_show_options so = {NULL, false, false};
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    json_t *o = NULL;
    rc = account_json(svc, &as[i], &so, &o, err);
    if (rc == ARR_OK) {
      json_array_append_new(arr, o);
    }
  }
  free(as);
  if (rc != ARR_OK) {
    json_decref(arr);
    return rc;
  }
  *out = arr;
  return ARR_OK;
}

arr_rc arr_svc_note_add(arr_svc *svc, const char *account, const char *body,
                        int64_t *id_out, arr_err *err) {
  size_t len = body != NULL ? strlen(body) : 0;
  if (len == 0 || len > 4000) {
    return arr_err_field(err, ARR_ERR_INVALID, "body", "a note must be 1 to 4000 bytes");
  }
  int64_t id = 0;
  arr_rc rc = arr_svc_account_resolve(svc, account, &id, err);
  if (rc != ARR_OK) {
    return rc;
  }
  rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_account a;
  rc = arr_store_account_get(svc->db, id, &a, err);
  if (rc == ARR_OK) {
    rc = arr_store_note_insert(svc->db, id, body, svc->actor, svc->now_iso, id_out, err);
  }
  if (rc == ARR_OK) {
    json_t *d =
        json_pack("{s:I,s:I}", "account_id", (json_int_t)id, "length", (json_int_t)len);
    rc = svc_audit(svc, "note.add", "note", *id_out, d, err);
  }
  if (rc == ARR_OK) {
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}
