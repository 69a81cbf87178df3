/*
 * contact_points.c — adding and changing a debtor's addresses, phones and emails
 * with history.
 *
 * Contact points are never edited in place: a new address is a new row (the previous
 * current addresses become "former" with an end date), and every change of status or
 * consent writes the old and new value to contact_point_history with its source, date
 * and who made it, plus an audit event. A skip tracer or compliance officer can always
 * answer "what did we have, since when, and who told us".
 */
#include <stdlib.h>
#include <string.h>

#include "formats/placement.h"
#include "service/internal.h"

#define MAX_POINTS 64

static const char *const ADDRESS_STATUSES[] = {"unverified", "valid", "bad", "former",
                                               NULL};
static const char *const PHONE_STATUSES[] = {"unverified",   "valid",  "bad",
                                             "wrong_number", "former", NULL};
static const char *const EMAIL_STATUSES[] = {"unverified", "valid", "bad", "former",
                                             NULL};
static const char *const CONSENTS[] = {"unknown", "granted", "revoked", NULL};

static bool in_list(const char *v, const char *const *list) {
  for (int i = 0; list[i] != NULL; i++) {
    if (strcmp(v, list[i]) == 0) {
      return true;
    }
  }
  return false;
}

static arr_rc check_source(const char *source, arr_err *err) {
  size_t n = source != NULL ? strlen(source) : 0;
  if (n == 0 || n > 32) {
    return arr_err_field(err, ARR_ERR_INVALID, "source",
                         "source must be 1 to 32 characters");
  }
  return ARR_OK;
}

static arr_rc debtor_of(arr_svc *svc, const char *account, int64_t *debtor_id,
                        arr_err *err) {
  int64_t id = 0;
  arr_account a;
  arr_rc rc = arr_svc_account_resolve(svc, account, &id, err);
  if (rc == ARR_OK) {
    rc = arr_store_account_get(svc->db, id, &a, err);
  }
  if (rc == ARR_OK) {
    *debtor_id = a.debtor_id;
  }
  return rc;
}

static arr_rc record_change(arr_svc *svc, const char *kind, int64_t point_id,
                            const char *field, const char *old_value,
                            const char *new_value, const char *source, arr_err *err) {
  arr_point_change c;
  memset(&c, 0, sizeof c);
  svc_strcpy(c.kind, sizeof c.kind, kind);
  c.point_id = point_id;
  svc_strcpy(c.field, sizeof c.field, field);
  svc_strcpy(c.old_value, sizeof c.old_value, old_value);
  svc_strcpy(c.new_value, sizeof c.new_value, new_value);
  svc_strcpy(c.source, sizeof c.source, source);
  svc_strcpy(c.changed_at, sizeof c.changed_at, svc->now_iso);
  svc_strcpy(c.actor, sizeof c.actor, svc->actor);
  return arr_store_point_history_insert(svc->db, &c, err);
}

/* Applies a status/consent change to p (already loaded) with history rows. */
static arr_rc change_point(arr_svc *svc, const char *kind, arr_point *p,
                           const char *status, const char *consent, const char *source,
                           arr_err *err) {
  arr_rc rc = ARR_OK;
  arr_point next = *p;
  if (status != NULL) {
    svc_strcpy(next.status, sizeof next.status, status);
    if (strcmp(status, "former") == 0 && next.valid_to == ARR_DATE_NONE) {
      next.valid_to = svc->today;
    }
  }
  if (consent != NULL) {
    svc_strcpy(next.consent, sizeof next.consent, consent);
  }
  if (strcmp(next.status, p->status) != 0) {
    rc = record_change(svc, kind, p->id, "status", p->status, next.status, source, err);
  }
  if (rc == ARR_OK && strcmp(next.consent, p->consent) != 0) {
    rc =
        record_change(svc, kind, p->id, "consent", p->consent, next.consent, source, err);
  }
  if (rc == ARR_OK && next.valid_to != p->valid_to) {
    char d[ARR_DATE_FMT_MAX];
    arr_date_format(next.valid_to, d);
    rc = record_change(svc, kind, p->id, "valid_to", "", d, source, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_point_update(svc->db, kind, &next, err);
  }
  *p = next;
  return rc;
}

static arr_rc finish(arr_svc *svc, arr_rc rc, const char *action, const char *kind,
                     int64_t id, json_t *detail, arr_err *err) {
  if (rc == ARR_OK) {
    rc = svc_audit(svc, action, kind, id, detail, err);
    detail = NULL;
  }
  json_decref(detail);
  if (rc == ARR_OK) {
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

arr_rc arr_svc_address_add(arr_svc *svc, const char *account, const arr_address_input *in,
                           int64_t *id_out, arr_err *err) {
  arr_address a;
  memset(&a, 0, sizeof a);
  const char *why = NULL;
  if (in->line1 == NULL || in->line1[0] == '\0' ||
      !svc_copy(a.line1, sizeof a.line1, in->line1, strlen(in->line1))) {
    return arr_err_field(err, ARR_ERR_INVALID, "line1",
                         "line1 must be 1 to 200 characters");
  }
  if (in->line2 != NULL &&
      !svc_copy(a.line2, sizeof a.line2, in->line2, strlen(in->line2))) {
    return arr_err_field(err, ARR_ERR_INVALID, "line2",
                         "line2 must be at most 200 characters");
  }
  if (in->city == NULL || in->city[0] == '\0' ||
      !svc_copy(a.city, sizeof a.city, in->city, strlen(in->city))) {
    return arr_err_field(err, ARR_ERR_INVALID, "city",
                         "city must be 1 to 100 characters");
  }
  if (in->state == NULL ||
      (why = arr_norm_state(in->state, strlen(in->state), a.state)) != NULL ||
      a.state[0] == '\0') {
    return arr_err_field(err, ARR_ERR_INVALID, "state", "state %s",
                         why != NULL ? why : "is required");
  }
  if (in->zip == NULL || (why = arr_norm_zip(in->zip, strlen(in->zip), a.zip)) != NULL ||
      a.zip[0] == '\0') {
    return arr_err_field(err, ARR_ERR_INVALID, "zip", "zip %s",
                         why != NULL ? why : "is required");
  }
  const char *source = in->source != NULL ? in->source : "manual";
  arr_rc rc = check_source(source, err);
  if (rc != ARR_OK) {
    return rc;
  }
  svc_strcpy(a.source, sizeof a.source, source);
  rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  rc = debtor_of(svc, account, &a.debtor_id, err);
  arr_address *have = NULL;
  int n = 0;
  if (rc == ARR_OK) {
    have = malloc(sizeof *have * MAX_POINTS);
    rc = have == NULL
             ? arr_err_set(err, ARR_ERR_NOMEM, "out of memory")
             : arr_store_address_list(svc->db, a.debtor_id, have, MAX_POINTS, &n, err);
  }
  /* The new address becomes current; the ones it replaces are kept as former. */
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    if (have[i].valid_to != ARR_DATE_NONE || strcmp(have[i].status, "former") == 0) {
      continue;
    }
    arr_point p;
    rc = arr_store_point_get(svc->db, "address", have[i].id, &p, err);
    if (rc == ARR_OK) {
      rc = change_point(svc, "address", &p, "former", NULL, source, err);
    }
  }
  free(have);
  if (rc == ARR_OK) {
    svc_strcpy(a.status, sizeof a.status, "unverified");
    a.valid_from = svc->today;
    a.valid_to = ARR_DATE_NONE;
    rc = arr_store_address_insert(svc->db, &a, svc->now_iso, err);
  }
  json_t *d =
      json_pack("{s:I,s:s,s:s,s:s,s:s}", "debtor_id", (json_int_t)a.debtor_id, "city",
                a.city, "state", a.state, "zip", a.zip, "source", a.source);
  *id_out = a.id;
  return finish(svc, rc, "address.add", "address", a.id, d, err);
}

arr_rc arr_svc_phone_add(arr_svc *svc, const char *account, const char *number,
                         const char *type, const char *consent, const char *source,
                         int64_t *id_out, arr_err *err) {
  arr_phone ph;
  memset(&ph, 0, sizeof ph);
  const char *why =
      number != NULL ? arr_norm_phone(number, strlen(number), ph.number) : "is required";
  if (why != NULL) {
    return arr_err_field(err, ARR_ERR_INVALID, "number", "phone number %s", why);
  }
  arr_phone_type t = ARR_PHONE_OTHER;
  if (type != NULL && (why = arr_norm_phone_type(type, strlen(type), &t)) != NULL) {
    return arr_err_field(err, ARR_ERR_INVALID, "type", "phone type %s", why);
  }
  svc_strcpy(ph.type, sizeof ph.type, arr_phone_type_name(t));
  if (consent != NULL && !in_list(consent, CONSENTS)) {
    return arr_err_field(err, ARR_ERR_INVALID, "consent",
                         "consent must be unknown, granted or revoked");
  }
  svc_strcpy(ph.consent, sizeof ph.consent, consent != NULL ? consent : "unknown");
  source = source != NULL ? source : "manual";
  arr_rc rc = check_source(source, err);
  if (rc != ARR_OK) {
    return rc;
  }
  svc_strcpy(ph.source, sizeof ph.source, source);
  rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  rc = debtor_of(svc, account, &ph.debtor_id, err);
  arr_phone have[MAX_POINTS];
  int n = 0;
  if (rc == ARR_OK) {
    rc = arr_store_phone_list(svc->db, ph.debtor_id, have, MAX_POINTS, &n, err);
  }
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    if (strcmp(have[i].number, ph.number) == 0 && strcmp(have[i].status, "former") != 0) {
      rc = arr_err_set(err, ARR_ERR_CONFLICT, "phone %s is already on file (phone %lld)",
                       ph.number, (long long)have[i].id);
    }
  }
  if (rc == ARR_OK) {
    svc_strcpy(ph.status, sizeof ph.status, "unverified");
    ph.valid_from = svc->today;
    ph.valid_to = ARR_DATE_NONE;
    rc = arr_store_phone_insert(svc->db, &ph, svc->now_iso, err);
  }
  json_t *d = json_pack("{s:I,s:s,s:s,s:s}", "debtor_id", (json_int_t)ph.debtor_id,
                        "type", ph.type, "consent", ph.consent, "source", ph.source);
  *id_out = ph.id;
  return finish(svc, rc, "phone.add", "phone", ph.id, d, err);
}

arr_rc arr_svc_email_add(arr_svc *svc, const char *account, const char *address,
                         const char *consent, const char *source, int64_t *id_out,
                         arr_err *err) {
  arr_email e;
  memset(&e, 0, sizeof e);
  const char *why = address != NULL ? arr_norm_email(address, strlen(address), e.address)
                                    : "is required";
  if (why != NULL || e.address[0] == '\0') {
    return arr_err_field(err, ARR_ERR_INVALID, "address", "email %s",
                         why != NULL ? why : "is required");
  }
  if (consent != NULL && !in_list(consent, CONSENTS)) {
    return arr_err_field(err, ARR_ERR_INVALID, "consent",
                         "consent must be unknown, granted or revoked");
  }
  svc_strcpy(e.consent, sizeof e.consent, consent != NULL ? consent : "unknown");
  source = source != NULL ? source : "manual";
  arr_rc rc = check_source(source, err);
  if (rc != ARR_OK) {
    return rc;
  }
  svc_strcpy(e.source, sizeof e.source, source);
  rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  rc = debtor_of(svc, account, &e.debtor_id, err);
  arr_email *have = NULL;
  int n = 0;
  if (rc == ARR_OK) {
    have = malloc(sizeof *have * MAX_POINTS);
    rc = have == NULL
             ? arr_err_set(err, ARR_ERR_NOMEM, "out of memory")
             : arr_store_email_list(svc->db, e.debtor_id, have, MAX_POINTS, &n, err);
  }
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    if (strcmp(have[i].address, e.address) == 0 &&
        strcmp(have[i].status, "former") != 0) {
      rc = arr_err_set(err, ARR_ERR_CONFLICT, "email %s is already on file (email %lld)",
                       e.address, (long long)have[i].id);
    }
  }
  free(have);
  if (rc == ARR_OK) {
    svc_strcpy(e.status, sizeof e.status, "unverified");
    e.valid_from = svc->today;
    e.valid_to = ARR_DATE_NONE;
    rc = arr_store_email_insert(svc->db, &e, svc->now_iso, err);
  }
  json_t *d = json_pack("{s:I,s:s,s:s}", "debtor_id", (json_int_t)e.debtor_id, "consent",
                        e.consent, "source", e.source);
  *id_out = e.id;
  return finish(svc, rc, "email.add", "email", e.id, d, err);
}

arr_rc arr_svc_point_update(arr_svc *svc, const char *kind, int64_t id,
                            const char *status, const char *consent, const char *source,
                            arr_err *err) {
  const char *const *statuses = strcmp(kind, "address") == 0 ? ADDRESS_STATUSES
                                : strcmp(kind, "phone") == 0 ? PHONE_STATUSES
                                : strcmp(kind, "email") == 0 ? EMAIL_STATUSES
                                                             : NULL;
  if (statuses == NULL) {
    return arr_err_set(err, ARR_ERR_INVALID, "kind must be address, phone or email");
  }
  if (status == NULL && consent == NULL) {
    return arr_err_set(err, ARR_ERR_INVALID,
                       "nothing to change: give a status or a consent");
  }
  if (status != NULL && !in_list(status, statuses)) {
    return arr_err_field(err, ARR_ERR_INVALID, "status",
                         "status \"%s\" is not valid for a %s", status, kind);
  }
  if (consent != NULL && (strcmp(kind, "address") == 0 || !in_list(consent, CONSENTS))) {
    return arr_err_field(err, ARR_ERR_INVALID, "consent",
                         strcmp(kind, "address") == 0
                             ? "addresses have no consent"
                             : "consent must be unknown, granted or revoked");
  }
  source = source != NULL ? source : "manual";
  arr_rc rc = check_source(source, err);
  if (rc != ARR_OK) {
    return rc;
  }
  rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_point p;
  rc = arr_store_point_get(svc->db, kind, id, &p, err);
  char old_status[16] = "", old_consent[12] = "";
  if (rc == ARR_OK) {
    svc_strcpy(old_status, sizeof old_status, p.status);
    svc_strcpy(old_consent, sizeof old_consent, p.consent);
    rc = change_point(svc, kind, &p, status, consent, source, err);
  }
  char action[32];
  snprintf(action, sizeof action, "%s.update", kind);
  json_t *d =
      json_pack("{s:I,s:{s:s,s:s},s:{s:s,s:s},s:s}", "debtor_id", (json_int_t)p.debtor_id,
                "before", "status", old_status, "consent", old_consent, "after", "status",
                p.status, "consent", p.consent, "source", source);
  return finish(svc, rc, action, kind, id, d, err);
}
