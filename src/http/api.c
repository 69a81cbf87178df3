/*
 * api.c — the JSON API under /api/v1 (docs/API.md, docs/openapi.json): routing,
 * authentication (session cookie or bearer token), authorization by role, CSRF, and
 * the thin handlers that turn a request into one service call and its result into
 * JSON.
 *
 * Order of checks for a request: the route must exist (404) and allow the method
 * (405); then credentials (401), the role (403), and for cookie sessions on a
 * state-changing method the X-CSRF-Token header (403 "csrf"); then the handler parses
 * and validates its body (400 naming the field) and calls the service. Every 401 and
 * 403 is written to the audit log, whoever produced it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http/internal.h"

/* ---- roles ---- */
enum {
  R_COLLECTOR = 1,
  R_SUPERVISOR = 2,
  R_COMPLIANCE = 4,
  R_ADMIN = 8,
  R_CLIENT = 16,
  R_ANY = 31,
  R_STAFF = R_COLLECTOR | R_SUPERVISOR | R_COMPLIANCE | R_ADMIN,
  R_WORKERS = R_COLLECTOR | R_SUPERVISOR | R_ADMIN,
  R_OVERSEERS = R_SUPERVISOR | R_COMPLIANCE | R_ADMIN,
  R_PUBLIC = 0, /* no authentication */
};

static int role_bit(const char *role) {
  static const char *const NAMES[] = {"collector", "supervisor", "compliance", "admin",
                                      "client"};
  for (int i = 0; i < 5; i++) {
    if (strcmp(role, NAMES[i]) == 0) {
      return 1 << i;
    }
  }
  return 0;
}

typedef void (*handler)(http_req *r, json_t *body);

typedef struct {
  const char *method;
  const char *pattern; /* segments; "*" matches one segment, captured in params */
  handler fn;
  int roles;
} route;

/* ---- small helpers ---- */

static const char *query(http_req *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

static bool query_int(http_req *r, const char *name, int64_t lo, int64_t hi, int64_t dflt,
                      int64_t *out) {
  const char *v = query(r, name);
  if (v == NULL || v[0] == '\0') {
    *out = dflt;
    return true;
  }
  char *end = NULL;
  long long x = strtoll(v, &end, 10);
  if (*end != '\0' || x < lo || x > hi || !isdigit((unsigned char)v[0])) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s must be a whole number from %lld to %lld", name,
             (long long)lo, (long long)hi);
    http_error(r, 400, "invalid", msg, name);
    return false;
  }
  *out = x;
  return true;
}

/* ?limit (1..200, default 50) and ?after (an id or offset, default 0) of a list. */
static bool page_query(http_req *r, int64_t *limit, int64_t *after) {
  return query_int(r, "limit", 1, 200, 50, limit) &&
         query_int(r, "after", 0, INT64_MAX, 0, after);
}

/* A string field of the JSON body: NULL when absent (an error when required), a
 * 400 naming the field when it is not a string, too long or holds a NUL. */
static bool body_str(http_req *r, json_t *body, const char *key, bool required,
                     size_t max_len, const char **out) {
  *out = NULL;
  json_t *v = body != NULL ? json_object_get(body, key) : NULL;
  char msg[160];
  if (v == NULL || json_is_null(v)) {
    if (required) {
      snprintf(msg, sizeof msg, "%s is required", key);
      http_error(r, 400, "invalid", msg, key);
      return false;
    }
    return true;
  }
  if (!json_is_string(v)) {
    snprintf(msg, sizeof msg, "%s must be a string", key);
    http_error(r, 400, "invalid", msg, key);
    return false;
  }
  size_t n = json_string_length(v);
  if (n > max_len || strlen(json_string_value(v)) != n) {
    snprintf(msg, sizeof msg, "%s must be at most %zu bytes of text", key, max_len);
    http_error(r, 400, "invalid", msg, key);
    return false;
  }
  if (required && n == 0) {
    snprintf(msg, sizeof msg, "%s must not be empty", key);
    http_error(r, 400, "invalid", msg, key);
    return false;
  }
  *out = json_string_value(v);
  return true;
}

/* Parses a path parameter as a positive id. */
static bool param_id(http_req *r, int i, int64_t *out) {
  char *end = NULL;
  long long v = strtoll(r->params[i], &end, 10);
  if (*end != '\0' || v <= 0 || !isdigit((unsigned char)r->params[i][0])) {
    http_error(r, 404, "not_found", "no such id", NULL);
    return false;
  }
  *out = v;
  return true;
}

static void reply(http_req *r, arr_rc rc, const arr_err *err, unsigned ok_status,
                  json_t *out) {
  if (rc != ARR_OK) {
    json_decref(out);
    http_error_rc(r, err);
    return;
  }
  http_json(r, ok_status, out);
}

static json_t *pay_result_json(const arr_pay_result *res) {
  return json_pack("{s:I,s:I,s:b,s:o,s:o,s:s}", "payment_id", (json_int_t)res->payment_id,
                   "account_id", (json_int_t)res->account_id, "duplicate", res->duplicate,
                   "applied_cents", svc_balance_json_public(&res->applied),
                   "balance_cents", svc_balance_json_public(&res->balance), "currency",
                   "USD");
}

static char *cookie_header(http_req *r, const char *value, int max_age) {
  char *h = arr_arena_alloc(&r->arena, 256);
  if (h != NULL) {
    snprintf(h, 256,
             "arrears_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", value,
             max_age, r->cfg->secure_cookies ? "; Secure" : "");
  }
  return h;
}

/* ---- session ---- */

static void h_health(http_req *r, json_t *body) {
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_health(r->svc, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_openapi(http_req *r, json_t *body) {
  r->status = 200;
  r->content_type = "application/json";
  r->resp_body = (char *)arr_openapi_json;
  r->resp_len = arr_openapi_json_len;
}

static void h_login(http_req *r, json_t *body) {
  const char *username = NULL, *password = NULL;
  if (!body_str(r, body, "username", true, 64, &username) ||
      !body_str(r, body, "password", true, 200, &password)) {
    return;
  }
  arr_login_result res;
  arr_err err;
  arr_rc rc = arr_svc_login(r->svc, username, password, r->remote_addr, &res, &err);
  if (rc == ARR_ERR_THROTTLED) {
    char *ra = arr_arena_alloc(&r->arena, 24);
    if (ra != NULL) {
      snprintf(ra, 24, "%lld", (long long)res.retry_after_s);
      http_header_add(r, "Retry-After", ra);
    }
  }
  if (rc != ARR_OK) {
    http_error_rc(r, &err);
    return;
  }
  http_header_add(r, "Set-Cookie", cookie_header(r, res.token, 12 * 3600));
  r->authenticated = true;
  r->user = res.user;
  http_json(r, 200,
            json_pack("{s:o,s:s}", "user", arr_svc_principal_json(&res.user),
                      "csrf_token", res.csrf));
  sodium_memzero(&res, sizeof res);
}

static void h_session(http_req *r, json_t *body) {
  http_json(r, 200,
            json_pack("{s:o,s:o}", "user", arr_svc_principal_json(&r->user), "csrf_token",
                      r->cookie_auth ? json_string(r->csrf) : json_null()));
}

static void h_logout(http_req *r, json_t *body) {
  arr_err err;
  arr_rc rc = ARR_OK;
  if (r->cookie_auth) {
    rc = arr_svc_logout(r->svc, r->session_id, &err);
  }
  if (rc != ARR_OK) {
    http_error_rc(r, &err);
    return;
  }
  http_header_add(r, "Set-Cookie", cookie_header(r, "", 0));
  http_json(r, 204, NULL);
}

/* ---- accounts ---- */

static void h_accounts(http_req *r, json_t *body) {
  int64_t limit = 0, after = 0;
  if (!page_query(r, &limit, &after)) {
    return;
  }
  arr_page_options o = {query(r, "client"), query(r, "status"), after, (int)limit};
  if (o.status != NULL && o.status[0] == '\0') {
    o.status = NULL;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_account_summaries(r->svc, &o, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_search(http_req *r, json_t *body) {
  int64_t limit = 0;
  if (!query_int(r, "limit", 1, 50, 20, &limit)) {
    return;
  }
  const char *q = query(r, "q");
  if (q == NULL || q[0] == '\0') {
    http_error(r, 400, "invalid", "q is required", "q");
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_account_search(r->svc, q, (int)limit, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_account(http_req *r, json_t *body) {
  const char *reveal = query(r, "reveal");
  arr_show_options o = {query(r, "as_of"), false, true};
  o.reveal_pii =
      reveal != NULL && (strcmp(reveal, "1") == 0 || strcmp(reveal, "true") == 0);
  if (o.as_of != NULL && o.as_of[0] == '\0') {
    o.as_of = NULL;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_account_show(r->svc, r->params[0], &o, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_pay(http_req *r, json_t *body) {
  arr_pay_request q = {r->params[0], NULL, NULL, NULL, NULL, NULL};
  if (!body_str(r, body, "amount", true, 32, &q.amount) ||
      !body_str(r, body, "method", false, 16, &q.method) ||
      !body_str(r, body, "date", false, 10, &q.date) ||
      !body_str(r, body, "reference", false, 64, &q.reference) ||
      !body_str(r, body, "key", false, 128, &q.key)) {
    return;
  }
  arr_pay_result res;
  arr_err err;
  arr_rc rc = arr_svc_pay(r->svc, &q, &res, &err);
  if (rc != ARR_OK) {
    http_error_rc(r, &err);
    return;
  }
  http_json(r, res.duplicate ? 200 : 201, pay_result_json(&res));
}

static void h_reverse(http_req *r, json_t *body) {
  int64_t id = 0;
  const char *reason = NULL;
  if (!param_id(r, 0, &id) || !body_str(r, body, "reason", true, 32, &reason)) {
    return;
  }
  arr_pay_result res;
  arr_err err;
  arr_rc rc = arr_svc_payment_reverse(r->svc, id, reason, &res, &err);
  if (rc != ARR_OK) {
    http_error_rc(r, &err);
    return;
  }
  http_json(r, 200, pay_result_json(&res));
}

static void h_adjust(http_req *r, json_t *body) {
  const char *bucket = NULL, *amount = NULL, *reason = NULL;
  if (!body_str(r, body, "bucket", true, 16, &bucket) ||
      !body_str(r, body, "amount", true, 32, &amount) ||
      !body_str(r, body, "reason", true, 200, &reason)) {
    return;
  }
  int64_t id = 0;
  arr_err err;
  arr_rc rc = arr_svc_adjust(r->svc, r->params[0], bucket, amount, reason, &id, &err);
  reply(r, rc, &err, 201, rc == ARR_OK ? json_pack("{s:I}", "id", (json_int_t)id) : NULL);
}

static void h_notes(http_req *r, json_t *body) {
  int64_t limit = 0, after = 0;
  if (!page_query(r, &limit, &after)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_note_list(r->svc, r->params[0], after, (int)limit, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_note_add(http_req *r, json_t *body) {
  const char *text = NULL;
  if (!body_str(r, body, "body", true, 4000, &text)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_note_add_json(r->svc, r->params[0], text, &out, &err);
  reply(r, rc, &err, 201, out);
}

static void h_contacts(http_req *r, json_t *body) {
  int64_t limit = 0, after = 0;
  if (!page_query(r, &limit, &after)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_contact_list(r->svc, r->params[0], after, (int)limit, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_contact_add(http_req *r, json_t *body) {
  arr_contact_request q;
  memset(&q, 0, sizeof q);
  q.account = r->params[0];
  if (!body_str(r, body, "channel", true, 16, &q.channel) ||
      !body_str(r, body, "to", false, 255, &q.to) ||
      !body_str(r, body, "at", false, 40, &q.at) ||
      !body_str(r, body, "outcome", true, 32, &q.outcome) ||
      !body_str(r, body, "reason", false, 32, &q.reason) ||
      !body_str(r, body, "note", false, 1000, &q.note) ||
      !body_str(r, body, "override_reason", false, 500, &q.override_reason)) {
    return;
  }
  json_t *promise = json_object_get(body, "promise");
  if (promise != NULL && !json_is_null(promise)) {
    if (!json_is_object(promise)) {
      http_error(r, 400, "invalid", "promise must be an object {amount, on}", "promise");
      return;
    }
    if (!body_str(r, promise, "amount", true, 32, &q.promise_amount) ||
        !body_str(r, promise, "on", true, 10, &q.promise_on)) {
      return;
    }
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_contact_log(r->svc, &q, &out, &err);
  reply(r, rc, &err, 201, out);
}

/* ---- contact points ---- */

static void h_address_add(http_req *r, json_t *body) {
  arr_address_input in;
  memset(&in, 0, sizeof in);
  if (!body_str(r, body, "line1", true, 200, &in.line1) ||
      !body_str(r, body, "line2", false, 200, &in.line2) ||
      !body_str(r, body, "city", true, 100, &in.city) ||
      !body_str(r, body, "state", true, 2, &in.state) ||
      !body_str(r, body, "zip", true, 10, &in.zip) ||
      !body_str(r, body, "source", false, 32, &in.source)) {
    return;
  }
  int64_t id = 0;
  arr_err err;
  arr_rc rc = arr_svc_address_add(r->svc, r->params[0], &in, &id, &err);
  reply(r, rc, &err, 201, rc == ARR_OK ? json_pack("{s:I}", "id", (json_int_t)id) : NULL);
}

static void h_phone_add(http_req *r, json_t *body) {
  const char *number = NULL, *type = NULL, *consent = NULL, *source = NULL;
  if (!body_str(r, body, "number", true, 32, &number) ||
      !body_str(r, body, "type", false, 16, &type) ||
      !body_str(r, body, "consent", false, 16, &consent) ||
      !body_str(r, body, "source", false, 32, &source)) {
    return;
  }
  int64_t id = 0;
  arr_err err;
  arr_rc rc =
      arr_svc_phone_add(r->svc, r->params[0], number, type, consent, source, &id, &err);
  reply(r, rc, &err, 201, rc == ARR_OK ? json_pack("{s:I}", "id", (json_int_t)id) : NULL);
}

static void h_email_add(http_req *r, json_t *body) {
  const char *address = NULL, *consent = NULL, *source = NULL;
  if (!body_str(r, body, "address", true, 254, &address) ||
      !body_str(r, body, "consent", false, 16, &consent) ||
      !body_str(r, body, "source", false, 32, &source)) {
    return;
  }
  int64_t id = 0;
  arr_err err;
  arr_rc rc =
      arr_svc_email_add(r->svc, r->params[0], address, consent, source, &id, &err);
  reply(r, rc, &err, 201, rc == ARR_OK ? json_pack("{s:I}", "id", (json_int_t)id) : NULL);
}

static void point_update(http_req *r, json_t *body, const char *kind) {
  int64_t id = 0;
  const char *status = NULL, *consent = NULL, *source = NULL;
  if (!param_id(r, 0, &id) || !body_str(r, body, "status", false, 16, &status) ||
      !body_str(r, body, "consent", false, 16, &consent) ||
      !body_str(r, body, "source", false, 32, &source)) {
    return;
  }
  arr_err err;
  arr_rc rc = arr_svc_point_update(r->svc, kind, id, status, consent, source, &err);
  reply(r, rc, &err, 200, rc == ARR_OK ? json_pack("{s:I}", "id", (json_int_t)id) : NULL);
}

static void h_address_update(http_req *r, json_t *body) {
  point_update(r, body, "address");
}
static void h_phone_update(http_req *r, json_t *body) {
  point_update(r, body, "phone");
}
static void h_email_update(http_req *r, json_t *body) {
  point_update(r, body, "email");
}

/* ---- work queue ---- */

static void h_work(http_req *r, json_t *body) {
  int64_t limit = 0, after = 0;
  if (!page_query(r, &limit, &after)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_work_queue(r->svc, after, (int)limit, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_work_next(http_req *r, json_t *body) {
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_work_next(r->svc, &out, &err);
  reply(r, rc, &err, 200, out);
}

/* ---- clients, users, audit ---- */

static void h_clients(http_req *r, json_t *body) {
  json_t *list = NULL;
  arr_err err;
  arr_rc rc = arr_svc_client_list(r->svc, &list, &err);
  reply(r, rc, &err, 200,
        rc == ARR_OK ? json_pack("{s:o,s:n}", "items", list, "next_after") : NULL);
}

static void h_client_add(http_req *r, json_t *body) {
  const char *code = NULL, *name = NULL, *pct = NULL, *order = NULL;
  if (!body_str(r, body, "code", true, 32, &code) ||
      !body_str(r, body, "name", true, 200, &name) ||
      !body_str(r, body, "commission_pct", false, 16, &pct) ||
      !body_str(r, body, "allocation_order", false, 47, &order)) {
    return;
  }
  int64_t id = 0;
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_client_add(r->svc, code, name, pct, order, &id, &err);
  if (rc == ARR_OK) {
    rc = arr_svc_client_get_json(r->svc, code, &out, &err);
  }
  reply(r, rc, &err, 201, out);
}

static void h_users(http_req *r, json_t *body) {
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_user_list(r->svc, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_user_add(http_req *r, json_t *body) {
  const char *username = NULL, *name = NULL, *role = NULL, *client = NULL,
             *password = NULL;
  if (!body_str(r, body, "username", true, 64, &username) ||
      !body_str(r, body, "display_name", true, 128, &name) ||
      !body_str(r, body, "role", true, 16, &role) ||
      !body_str(r, body, "client", false, 32, &client) ||
      !body_str(r, body, "password", false, 200, &password)) {
    return;
  }
  arr_err err;
  if (password != NULL && arr_svc_password_acceptable(password, &err) != ARR_OK) {
    http_error(r, 400, "invalid", err.msg, "password");
    return;
  }
  int64_t id = 0;
  json_t *out = NULL;
  arr_rc rc = arr_svc_user_add(r->svc, username, name, role, client, &id, &err);
  if (rc == ARR_OK && password != NULL) {
    rc = arr_svc_user_set_password(r->svc, username, password, &err);
  }
  if (rc == ARR_OK) {
    rc = arr_svc_user_get_json(r->svc, username, &out, &err);
  }
  reply(r, rc, &err, 201, out);
}

static void h_user_role(http_req *r, json_t *body) {
  const char *role = NULL, *client = NULL;
  if (!body_str(r, body, "role", true, 16, &role) ||
      !body_str(r, body, "client", false, 32, &client)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_user_set_role(r->svc, r->params[0], role, client, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_user_password(http_req *r, json_t *body) {
  const char *password = NULL;
  if (!body_str(r, body, "password", true, 200, &password)) {
    return;
  }
  arr_err err;
  arr_rc rc = arr_svc_user_set_password(r->svc, r->params[0], password, &err);
  reply(r, rc, &err, 204, NULL);
}

static void h_user_token(http_req *r, json_t *body) {
  const char *name = NULL;
  if (!body_str(r, body, "name", true, 100, &name)) {
    return;
  }
  char token[ARR_TOKEN_MAX];
  int64_t id = 0;
  arr_err err;
  arr_rc rc = arr_svc_token_create(r->svc, r->params[0], name, token, &id, &err);
  reply(r, rc, &err, 201,
        rc == ARR_OK ? json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "name", name,
                                 "token", token)
                     : NULL);
  sodium_memzero(token, sizeof token);
}

static void h_audit(http_req *r, json_t *body) {
  int64_t limit = 0, after = 0, before = 0;
  /* ?after=ID pages oldest first (like every list); without it, newest first, paged
   * with ?before=ID — what a person reading the log wants. */
  if (!query_int(r, "limit", 1, 200, 50, &limit) ||
      !query_int(r, "after", 0, INT64_MAX, -1, &after) ||
      !query_int(r, "before", 0, INT64_MAX, 0, &before)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc =
      arr_svc_audit_list(r->svc, query(r, "action"), query(r, "entity"),
                         query(r, "entity_id"), after, before, (int)limit, &out, &err);
  reply(r, rc, &err, 200, out);
}

/* ---- file imports and verification ---- */

typedef struct {
  json_t *messages;
  int64_t dropped;
} reject_list;

enum { REJECTS_SHOWN = 1000 };

static void collect_reject(void *ctx, const char *message) {
  reject_list *l = ctx;
  if (json_array_size(l->messages) < REJECTS_SHOWN) {
    json_array_append_new(l->messages, json_string(message));
  } else {
    l->dropped++;
  }
}

/* The upload must be CSV text; the file went to r->upload_path as it arrived. */
static bool upload_ok(http_req *r) {
  const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
  if (ct == NULL || strncmp(ct, "text/csv", 8) != 0) {
    http_error(r, 415, "invalid",
               "upload the file as the body, with Content-Type text/csv", NULL);
    return false;
  }
  if (r->upload_len == 0) {
    http_error(r, 400, "invalid", "the uploaded file is empty", NULL);
    return false;
  }
  return true;
}

/* Answers an import: its counts (an object, consumed) with the rejects collected. */
static void import_reply(http_req *r, arr_rc rc, const arr_err *err, reject_list *l,
                         json_t *counts) {
  if (rc != ARR_OK) {
    json_decref(l->messages);
    json_decref(counts);
    http_error_rc(r, err);
    return;
  }
  json_object_set_new(counts, "rejects", l->messages);
  json_object_set_new(counts, "rejects_truncated", json_boolean(l->dropped > 0));
  http_json(r, 200, counts);
}

static void h_import_placements(http_req *r, json_t *body) {
  if (!upload_ok(r)) {
    return;
  }
  reject_list l = {json_array(), 0};
  arr_import_hooks hooks = {collect_reject, NULL, &l, NULL};
  arr_import_result res;
  arr_err err;
  arr_rc rc =
      arr_svc_import_placements(r->svc, r->upload_path, r->params[0], &hooks, &res, &err);
  import_reply(r, rc, &err, &l,
               rc != ARR_OK
                   ? NULL
                   : json_pack("{s:I,s:I,s:I,s:I,s:I}", "placement_id",
                               (json_int_t)res.placement_id, "read", (json_int_t)res.read,
                               "loaded", (json_int_t)res.loaded, "duplicates",
                               (json_int_t)res.duplicates, "rejected",
                               (json_int_t)res.rejected));
}

static void h_import_payments(http_req *r, json_t *body) {
  if (!upload_ok(r)) {
    return;
  }
  reject_list l = {json_array(), 0};
  arr_import_hooks hooks = {collect_reject, NULL, &l, NULL};
  arr_payfile_result res;
  arr_err err;
  arr_rc rc =
      arr_svc_import_payments(r->svc, r->upload_path, r->params[0], &hooks, &res, &err);
  import_reply(r, rc, &err, &l,
               rc != ARR_OK ? NULL
                            : json_pack("{s:I,s:I,s:I,s:I}", "read", (json_int_t)res.read,
                                        "posted", (json_int_t)res.posted, "duplicates",
                                        (json_int_t)res.duplicates, "rejected",
                                        (json_int_t)res.rejected));
}

static void collect_problem(void *ctx, const char *message) {
  collect_reject(ctx, message);
}

static void h_audit_verify(http_req *r, json_t *body) {
  reject_list l = {json_array(), 0};
  arr_verify_result res;
  arr_err err;
  arr_rc rc = arr_svc_audit_verify(r->svc, collect_problem, &l, &res, &err);
  if (rc != ARR_OK && rc != ARR_ERR_INTEGRITY) {
    json_decref(l.messages);
    http_error_rc(r, &err);
    return;
  }
  /* A failed verification is a finding, not a failed request: 200 with ok false. */
  http_json(r, 200,
            json_pack("{s:b,s:I,s:I,s:I,s:I,s:o}", "ok", rc == ARR_OK, "events_checked",
                      (json_int_t)res.events_checked, "accounts_checked",
                      (json_int_t)res.accounts_checked, "entries_checked",
                      (json_int_t)res.entries_checked, "problems",
                      (json_int_t)res.problems, "messages", l.messages));
}

/* ---- compliance ---- */

static bool query_bool(http_req *r, const char *name) {
  const char *v = query(r, name);
  return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

static void h_contact_check(http_req *r, json_t *body) {
  arr_check_request q = {
      r->params[0],   query(r, "channel"),       query(r, "to"),
      query(r, "at"), query_bool(r, "autodial"), query_bool(r, "threatens_suit")};
  if (q.channel == NULL || q.channel[0] == '\0') {
    http_error(r, 400, "invalid", "channel is required", "channel");
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_contact_check(r->svc, &q, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_events(http_req *r, json_t *body) {
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_event_list(r->svc, r->params[0], &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_event_add(http_req *r, json_t *body) {
  arr_event_request q;
  memset(&q, 0, sizeof q);
  q.account = r->params[0];
  if (!body_str(r, body, "type", true, 32, &q.type) ||
      !body_str(r, body, "at", false, 40, &q.at) ||
      !body_str(r, body, "note", false, 500, &q.note) ||
      !body_str(r, body, "hours", false, 11, &q.data)) {
    return;
  }
  json_t *rel = json_object_get(body, "release");
  if (rel != NULL && !json_is_boolean(rel)) {
    http_error(r, 400, "invalid", "release must be true or false", "release");
    return;
  }
  q.release = json_is_true(rel);
  int64_t id = 0;
  arr_err err;
  arr_rc rc = arr_svc_account_event(r->svc, &q, &id, &err);
  reply(r, rc, &err, q.release ? 200 : 201,
        rc == ARR_OK ? json_pack("{s:o}", "id", id ? json_integer(id) : json_null())
                     : NULL);
}

static void h_itemization_set(http_req *r, json_t *body) {
  const char *basis = NULL, *date = NULL;
  if (!body_str(r, body, "basis", true, 20, &basis) ||
      !body_str(r, body, "date", false, 10, &date)) {
    return;
  }
  arr_err err;
  arr_rc rc = arr_svc_itemization_set(r->svc, r->params[0], basis, date, &err);
  json_t *out = NULL;
  if (rc == ARR_OK) {
    arr_show_options opt = {NULL, false, true};
    rc = arr_svc_account_show(r->svc, r->params[0], &opt, &out, &err);
  }
  reply(r, rc, &err, 200,
        rc == ARR_OK
            ? json_pack("{s:O,s:O,s:O}", "itemization_date",
                        json_object_get(out, "itemization_date"), "itemization_basis",
                        json_object_get(out, "itemization_basis"), "itemization",
                        json_object_get(out, "itemization"))
            : NULL);
  json_decref(out);
}

static void h_statutes(http_req *r, json_t *body) {
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_statutes(r->svc, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_rules(http_req *r, json_t *body) {
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_compliance_rules(r->svc, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_rule_set(http_req *r, json_t *body) {
  json_t *en = json_object_get(body, "enabled");
  if (!json_is_boolean(en)) {
    http_error(r, 400, "invalid", "enabled must be true or false", "enabled");
    return;
  }
  arr_err err;
  arr_rc rc = arr_svc_compliance_rule_set(r->svc, r->params[0], json_is_true(en), &err);
  json_t *all = NULL, *found = NULL;
  if (rc == ARR_OK) {
    rc = arr_svc_compliance_rules(r->svc, &all, &err);
  }
  if (rc == ARR_OK) {
    size_t i;
    json_t *rule;
    json_array_foreach(json_object_get(all, "items"), i, rule) {
      if (strcmp(json_string_value(json_object_get(rule, "id")), r->params[0]) == 0) {
        found = json_incref(rule);
      }
    }
  }
  json_decref(all);
  reply(r, rc, &err, 200, found);
}

static void h_compliance_report(http_req *r, json_t *body) {
  json_t *out = NULL;
  arr_err err;
  arr_rc rc =
      arr_svc_compliance_report(r->svc, query(r, "from"), query(r, "to"), &out, &err);
  reply(r, rc, &err, 200, out);
}

/* ---- arrangements ---- */

static void h_plans(http_req *r, json_t *body) {
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_plan_list(r->svc, r->params[0], &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_plan_create(http_req *r, json_t *body) {
  arr_plan_request q;
  memset(&q, 0, sizeof q);
  q.account = r->params[0];
  json_t *count = json_object_get(body, "count");
  if (!body_str(r, body, "total", true, 24, &q.total) ||
      !body_str(r, body, "frequency", true, 16, &q.frequency) ||
      !body_str(r, body, "first", true, 10, &q.first) ||
      !body_str(r, body, "down", false, 24, &q.down) ||
      !body_str(r, body, "authorization", false, 8, &q.auth_method)) {
    return;
  }
  if (!json_is_integer(count) || json_integer_value(count) < 1 ||
      json_integer_value(count) > 520) {
    http_error(r, 400, "invalid", "count must be a whole number from 1 to 520", "count");
    return;
  }
  q.count = (int)json_integer_value(count);
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_plan_create(r->svc, &q, &out, &err);
  reply(r, rc, &err, 201, out);
}

static void h_promise_add(http_req *r, json_t *body) {
  const char *amount = NULL, *on = NULL;
  if (!body_str(r, body, "amount", true, 24, &amount) ||
      !body_str(r, body, "on", true, 10, &on)) {
    return;
  }
  int64_t id = 0;
  arr_err err;
  arr_rc rc = arr_svc_promise_add(r->svc, r->params[0], amount, on, &id, &err);
  reply(r, rc, &err, 201, rc == ARR_OK ? json_pack("{s:I}", "id", (json_int_t)id) : NULL);
}

static void h_settlement_offer(http_req *r, json_t *body) {
  const char *amount = NULL, *due = NULL, *expires = NULL;
  if (!body_str(r, body, "amount", true, 24, &amount) ||
      !body_str(r, body, "due", true, 10, &due) ||
      !body_str(r, body, "expires", false, 10, &expires)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc =
      arr_svc_settlement_offer(r->svc, r->params[0], amount, due, expires, &out, &err);
  reply(r, rc, &err, 201, out);
}

static void h_settlement_accept(http_req *r, json_t *body) {
  int64_t id = 0;
  if (!param_id(r, 0, &id)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_settlement_accept(r->svc, id, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_statement(http_req *r, json_t *body) {
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_statement_show(r->svc, r->params[0], &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_statement_add(http_req *r, json_t *body) {
  int64_t id = 0;
  arr_err err;
  arr_rc rc = arr_svc_statement_add(r->svc, r->params[0], body, &id, &err);
  json_t *out = NULL;
  if (rc == ARR_OK) {
    rc = arr_svc_statement_show(r->svc, r->params[0], &out, &err);
  }
  reply(r, rc, &err, 201, out);
}

static void h_extension(http_req *r, json_t *body) {
  int64_t id = 0;
  const char *kind = NULL, *to = NULL, *reason = NULL;
  if (!param_id(r, 0, &id) || !body_str(r, body, "kind", true, 16, &kind) ||
      !body_str(r, body, "to", true, 10, &to) ||
      !body_str(r, body, "reason", true, 200, &reason)) {
    return;
  }
  int64_t approval = 0;
  arr_err err;
  arr_rc rc = arr_svc_extension_request(r->svc, id, kind, to, reason, &approval, &err);
  reply(r, rc, &err, 201,
        rc == ARR_OK ? json_pack("{s:I}", "approval_id", (json_int_t)approval) : NULL);
}

static void h_approvals(http_req *r, json_t *body) {
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_approval_list(r->svc, query(r, "status"), &out, &err);
  reply(r, rc, &err, 200, out);
}

static void approval_decide(http_req *r, json_t *body, bool approve) {
  int64_t id = 0;
  const char *note = NULL;
  if (!param_id(r, 0, &id) || !body_str(r, body, "note", false, 500, &note)) {
    return;
  }
  arr_err err;
  arr_rc rc = arr_svc_approval_decide(r->svc, id, approve, note, &err);
  reply(r, rc, &err, 200,
        rc == ARR_OK ? json_pack("{s:I,s:s}", "id", (json_int_t)id, "status",
                                 approve ? "approved" : "rejected")
                     : NULL);
}

static void h_approval_approve(http_req *r, json_t *body) {
  approval_decide(r, body, true);
}

static void h_approval_reject(http_req *r, json_t *body) {
  approval_decide(r, body, false);
}

/* ---- the nightly batch, strategies, queues ---- */

static void h_batch_status(http_req *r, json_t *body) {
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_batch_status(r->svc, query(r, "as_of"), &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_batch_actions(http_req *r, json_t *body) {
  int64_t limit = 0, after = 0;
  if (!query_int(r, "limit", 1, 10000, 1000, &limit) ||
      !query_int(r, "after", 0, INT64_MAX, 0, &after)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_batch_actions(r->svc, query(r, "as_of"), query(r, "kind"), after,
                                    (int)limit, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_queues(http_req *r, json_t *body) {
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_queue_summary(r->svc, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_strategies(http_req *r, json_t *body) {
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_strategy_list(r->svc, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_strategy_save(http_req *r, json_t *body) {
  const char *text = NULL, *note = NULL;
  if (!body_str(r, body, "text", true, 65536, &text) ||
      !body_str(r, body, "note", false, 200, &note)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_strategy_save(r->svc, text, note, &out, &err);
  reply(r, rc, &err, 201, out);
}

static void h_strategy_check(http_req *r, json_t *body) {
  const char *text = NULL;
  if (!body_str(r, body, "text", true, 65536, &text)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_strategy_check(r->svc, text, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_strategy_show(http_req *r, json_t *body) {
  char *end = NULL;
  long long id = strtoll(r->params[0], &end, 10);
  if (r->params[0][0] == '\0' || *end != '\0' || id < 0) {
    http_error(r, 400, "invalid", "a strategy id is a whole number (0: built in)", "id");
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_strategy_show(r->svc, id, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_strategy_assign(http_req *r, json_t *body) {
  json_t *ch = json_object_get(body, "champion_id");
  json_t *cl = json_object_get(body, "challenger_id");
  json_t *pct = json_object_get(body, "challenger_pct");
  if (!json_is_integer(ch) || json_integer_value(ch) < 0 ||
      (cl != NULL && !json_is_null(cl) &&
       (!json_is_integer(cl) || json_integer_value(cl) < 0)) ||
      (pct != NULL && (!json_is_integer(pct) || json_integer_value(pct) < 0 ||
                       json_integer_value(pct) > 100))) {
    http_error(r, 400, "invalid",
               "champion_id (0: built in), challenger_id and challenger_pct are whole "
               "numbers",
               "champion_id");
    return;
  }
  arr_err err;
  arr_rc rc = arr_svc_strategy_assign(
      r->svc, json_integer_value(ch), json_is_integer(cl) ? json_integer_value(cl) : 0,
      pct != NULL ? (int)json_integer_value(pct) : 0, &err);
  json_t *out = NULL;
  if (rc == ARR_OK) {
    rc = arr_svc_strategy_list(r->svc, &out, &err);
  }
  reply(r, rc, &err, 200, out);
}

static void h_strategy_report(http_req *r, json_t *body) {
  json_t *out = NULL;
  arr_err err;
  arr_rc rc =
      arr_svc_strategy_report(r->svc, query(r, "from"), query(r, "to"), &out, &err);
  reply(r, rc, &err, 200, out);
}

/* ---- letters ---- */

static void h_account_letters(http_req *r, json_t *body) {
  (void)body;
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_letters_of_account(r->svc, r->params[0], &out, &err);
  reply(r, rc, &err, 200, out);
}

static void pdf_reply(http_req *r, arr_rc rc, const arr_err *err, unsigned char *pdf,
                      size_t len, const char *file_name) {
  if (rc != ARR_OK) {
    http_error_rc(r, err);
    return;
  }
  /* X-Content-Type-Options and Cache-Control: no-store come with every /api/ answer.
   * The header is read after the handler returns: it lives in the request's arena. */
  char *disp = arr_arena_alloc(&r->arena, 96);
  if (disp != NULL) {
    snprintf(disp, 96, "inline; filename=\"%.64s\"", file_name);
    http_header_add(r, "Content-Disposition", disp);
  }
  http_bytes(r, 200, "application/pdf", (char *)pdf, len);
}

static void h_letter_preview(http_req *r, json_t *body) {
  (void)body;
  const char *name = query(r, "template");
  if (name == NULL || name[0] == '\0') {
    http_error(r, 400, "invalid", "template is required", "template");
    return;
  }
  const char *lang = query(r, "language");
  if (lang != NULL && lang[0] != '\0' && strcmp(lang, "en") != 0 &&
      strcmp(lang, "es") != 0) {
    http_error(r, 400, "invalid", "language must be en or es", "language");
    return;
  }
  unsigned char *pdf = NULL;
  size_t len = 0;
  arr_err err;
  arr_rc rc = arr_svc_letter_preview(r->svc, r->params[0], name, lang, &pdf, &len, &err);
  pdf_reply(r, rc, &err, pdf, len, "preview.pdf");
}

static void h_letters(http_req *r, json_t *body) {
  (void)body;
  int64_t limit = 0, after = 0;
  if (!query_int(r, "limit", 1, 1000, 100, &limit) ||
      !query_int(r, "after", 0, INT64_MAX, 0, &after)) {
    return;
  }
  const char *as_of = query(r, "as_of");
  if (as_of == NULL) {
    http_error(r, 400, "invalid", "as_of is required", "as_of");
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_letters_of_date(r->svc, as_of, after, (int)limit, &out, &err);
  reply(r, rc, &err, 200, out);
}

/* The letters run for a date into the server's letters_dir (the print vendor's pickup),
 * as `arrears letters run` does. */
static void h_letters_run(http_req *r, json_t *body) {
  const char *as_of = NULL;
  if (!body_str(r, body, "as_of", true, 10, &as_of)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_letters_run(r->svc, as_of, r->cfg->letters_dir, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_letter_pdf(http_req *r, json_t *body) {
  (void)body;
  int64_t id = 0;
  if (!param_id(r, 0, &id)) {
    return;
  }
  unsigned char *pdf = NULL;
  size_t len = 0;
  arr_err err;
  arr_rc rc = arr_svc_letter_pdf(r->svc, id, &pdf, &len, &err);
  if (rc == ARR_ERR_FORBIDDEN) {
    /* Another client's letter (a client user): as if there were none, without naming
     * the account it belongs to. */
    rc = arr_err_set(&err, ARR_ERR_NOTFOUND, "letter not found");
  }
  char name[48];
  snprintf(name, sizeof name, "letter-%lld.pdf", (long long)id);
  pdf_reply(r, rc, &err, pdf, len, name);
}

static void h_letter_returned(http_req *r, json_t *body) {
  int64_t id = 0;
  const char *date = NULL, *reason = NULL;
  if (!param_id(r, 0, &id) || !body_str(r, body, "date", false, 10, &date) ||
      !body_str(r, body, "reason", false, 200, &reason)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_letter_returned(r->svc, id, date, reason, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_agency(http_req *r, json_t *body) {
  (void)body;
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_agency_show(r->svc, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_agency_set(http_req *r, json_t *body) {
  /* "" clears an optional field (email, website, dispute_url); the service refuses it
   * for the others. */
  const char *value = NULL;
  if (!body_str(r, body, "value", false, 200, &value)) {
    return;
  }
  if (value == NULL) {
    http_error(r, 400, "invalid", "value is required", "value");
    return;
  }
  arr_err err;
  arr_rc rc = arr_svc_agency_set(r->svc, r->params[0], value, &err);
  json_t *out = NULL;
  if (rc == ARR_OK) {
    rc = arr_svc_agency_show(r->svc, &out, &err);
  }
  reply(r, rc, &err, 200, out);
}

static void h_templates(http_req *r, json_t *body) {
  (void)body;
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_templates_list(r->svc, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_template(http_req *r, json_t *body) {
  (void)body;
  int64_t version = 0;
  if (!query_int(r, "version", 0, 1000000, -1, &version)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc =
      arr_svc_template_show(r->svc, r->params[0], r->params[1], version, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_template_save(http_req *r, json_t *body) {
  const char *text = NULL, *note = NULL;
  if (!body_str(r, body, "text", true, 65536, &text) ||
      !body_str(r, body, "note", false, 200, &note)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc =
      arr_svc_template_save(r->svc, r->params[0], r->params[1], text, note, &out, &err);
  reply(r, rc, &err, 201, out);
}

static void h_template_check(http_req *r, json_t *body) {
  const char *text = NULL;
  if (!body_str(r, body, "text", true, 65536, &text)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_template_check(r->svc, text, &out, &err);
  reply(r, rc, &err, 200, out);
}

/* ---- correspondence ----
 *
 * Filing (POST .../correspondence) takes a JSON body that may carry a document of up
 * to 10 MiB in base64, past max_body_bytes: the route is an upload route (see
 * http_is_upload), so its body streams to a temp file like a placement file's, and
 * the handler reads it back (at most CORR_UPLOAD_MAX bytes). */

enum { CORR_UPLOAD_MAX = 16 * 1024 * 1024 }; /* 10 MiB in base64 is 13.4 MiB */

/* A string member key of o: NULL when absent (a 400 when required); a 400 naming
 * field when it is not a string, longer than max_len bytes or holds a NUL. */
static bool corr_str(http_req *r, json_t *o, const char *key, const char *field,
                     bool required, size_t max_len, const char **out) {
  *out = NULL;
  json_t *v = json_object_get(o, key);
  char msg[160];
  if (v == NULL || json_is_null(v)) {
    if (!required) {
      return true;
    }
    snprintf(msg, sizeof msg, "%s is required", field);
  } else if (!json_is_string(v) || json_string_length(v) > max_len ||
             strlen(json_string_value(v)) != json_string_length(v)) {
    snprintf(msg, sizeof msg, "%s must be a string of at most %zu bytes", field, max_len);
  } else {
    *out = json_string_value(v);
    return true;
  }
  http_error(r, 400, "invalid", msg, field);
  return false;
}

/* The filing's JSON object, read from the upload; NULL after an error response. */
static json_t *corr_read_body(http_req *r) {
  const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
  if (ct == NULL || strncmp(ct, "application/json", 16) != 0) {
    http_error(r, 415, "invalid", "the request body must be application/json", NULL);
    return NULL;
  }
  if (r->upload_len > CORR_UPLOAD_MAX) {
    http_error(r, 413, "too_large",
               "a filing is at most 16 MiB of JSON (a 10 MiB document in base64)", NULL);
    return NULL;
  }
  char *text = malloc(r->upload_len + 1);
  FILE *f = text != NULL ? fopen(r->upload_path, "rb") : NULL;
  size_t n = f != NULL ? fread(text, 1, r->upload_len, f) : 0;
  if (f != NULL) {
    fclose(f);
  }
  json_error_t jerr;
  json_t *body = n == r->upload_len && text != NULL
                     ? json_loadb(text, n, JSON_REJECT_DUPLICATES, &jerr)
                     : NULL;
  free(text);
  if (f == NULL || n != r->upload_len) {
    http_error(r, 500, "internal", "the upload could not be read", NULL);
    return NULL;
  }
  if (body == NULL || !json_is_object(body)) {
    char msg[300];
    if (body == NULL) {
      snprintf(msg, sizeof msg, "the body is not valid JSON: line %d, column %d: %s",
               jerr.line, jerr.column, jerr.text);
    } else {
      snprintf(msg, sizeof msg, "the body must be a JSON object");
    }
    json_decref(body);
    http_error(r, 400, "invalid", msg, NULL);
    return NULL;
  }
  return body;
}

/* Reads body's "document" into q (data malloc'd into *data); false after a 400. */
static bool corr_document(http_req *r, json_t *body, arr_corr_request *q,
                          unsigned char **data) {
  json_t *doc = json_object_get(body, "document");
  if (doc == NULL || json_is_null(doc)) {
    return true;
  }
  const char *b64 = NULL;
  if (!json_is_object(doc)) {
    http_error(r, 400, "invalid", "document must be an object", "document");
    return false;
  }
  if (!corr_str(r, doc, "file_name", "document.file_name", true, 200, &q->file_name) ||
      !corr_str(r, doc, "content_type", "document.content_type", true, 64,
                &q->content_type) ||
      !corr_str(r, doc, "content_base64", "document.content_base64", true,
                CORR_UPLOAD_MAX, &b64)) {
    return false;
  }
  size_t len = strlen(b64), cap = len / 4 * 3 + 3, out = 0;
  *data = malloc(cap);
  if (*data == NULL || sodium_base642bin(*data, cap, b64, len, " \r\n\t", &out, NULL,
                                         sodium_base64_VARIANT_ORIGINAL) != 0) {
    http_error(r, 400, "invalid",
               "document.content_base64 must be base64 (RFC 4648, with padding)",
               "document.content_base64");
    return false;
  }
  q->data = *data;
  q->data_len = out;
  return true;
}

static void h_correspondence_add(http_req *r, json_t *unused) {
  json_t *body = corr_read_body(r);
  if (body == NULL) {
    return;
  }
  arr_corr_request q;
  memset(&q, 0, sizeof q);
  q.account = r->params[0];
  unsigned char *data = NULL;
  if (corr_str(r, body, "channel", "channel", true, 16, &q.channel) &&
      corr_str(r, body, "received_on", "received_on", true, 10, &q.received_on) &&
      corr_str(r, body, "kind", "kind", false, 16, &q.kind) &&
      corr_str(r, body, "subject", "subject", false, ARR_CORR_SUBJECT_MAX, &q.subject) &&
      corr_str(r, body, "body_text", "body_text", false, ARR_CORR_TEXT_MAX,
               &q.body_text) &&
      corr_document(r, body, &q, &data)) {
    json_t *out = NULL;
    arr_err err;
    arr_rc rc = arr_svc_correspondence_add(r->svc, &q, &out, &err);
    reply(r, rc, &err, 201, out);
  }
  free(data);
  json_decref(body);
}

static void h_correspondence_list(http_req *r, json_t *body) {
  int64_t limit = 0, after = 0;
  if (!page_query(r, &limit, &after)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc =
      arr_svc_correspondence_list(r->svc, r->params[0], after, (int)limit, &out, &err);
  reply(r, rc, &err, 200, out);
}

static void h_correspondence_show(http_req *r, json_t *body) {
  int64_t id = 0;
  if (!param_id(r, 0, &id)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_correspondence_show(r->svc, id, &out, &err);
  reply(r, rc, &err, 200, out);
}

/* Content-Disposition for a stored file name: an ASCII fallback (quotes, backslashes
 * and other bytes replaced by '_') and the exact name in RFC 5987 form. */
static const char *disposition(http_req *r, const char *name) {
  size_t n = strlen(name);
  char *h = arr_arena_alloc(&r->arena, 64 + n * 4);
  if (h == NULL) {
    return "inline";
  }
  static const char HEAD[] = "inline; filename=\"", MID[] = "\"; filename*=UTF-8''";
  memcpy(h, HEAD, sizeof HEAD - 1);
  size_t k = sizeof HEAD - 1;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)name[i];
    h[k++] = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char)c : '_';
  }
  memcpy(h + k, MID, sizeof MID - 1);
  k += sizeof MID - 1;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)name[i];
    if (isalnum(c) || strchr("!#$&+-.^_`|~", c) != NULL) {
      h[k++] = (char)c;
    } else {
      k += (size_t)sprintf(h + k, "%%%02X", c);
    }
  }
  h[k] = '\0';
  return h;
}

static void h_correspondence_document(http_req *r, json_t *body) {
  int64_t id = 0;
  if (!param_id(r, 0, &id)) {
    return;
  }
  arr_corr_document doc;
  arr_err err;
  arr_rc rc = arr_svc_correspondence_document(r->svc, id, &doc, &err);
  if (rc != ARR_OK) {
    http_error_rc(r, &err);
    return;
  }
  bool text = strcmp(doc.content_type, "text/plain") == 0;
  char *type = arr_arena_alloc(&r->arena, sizeof doc.content_type + 16);
  if (type != NULL) {
    snprintf(type, sizeof doc.content_type + 16, "%s%s", doc.content_type,
             text ? "; charset=utf-8" : "");
  }
  http_header_add(r, "Content-Disposition", disposition(r, doc.file_name));
  http_bytes(r, 200, type != NULL ? type : "application/octet-stream", (char *)doc.data,
             doc.len);
}

static void h_correspondence_kind(http_req *r, json_t *body) {
  int64_t id = 0;
  const char *kind = NULL;
  if (!param_id(r, 0, &id) || !body_str(r, body, "kind", true, 16, &kind)) {
    return;
  }
  json_t *out = NULL;
  arr_err err;
  arr_rc rc = arr_svc_correspondence_classify(r->svc, id, kind, &out, &err);
  reply(r, rc, &err, 200, out);
}

/* ---- routing ---- */

static const route ROUTES[] = {
    {"GET", "/healthz", h_health, R_PUBLIC},
    {"GET", "/api/v1/openapi.json", h_openapi, R_PUBLIC},
    {"POST", "/api/v1/session", h_login, R_PUBLIC},
    {"GET", "/api/v1/session", h_session, R_ANY},
    {"DELETE", "/api/v1/session", h_logout, R_ANY},
    {"GET", "/api/v1/accounts", h_accounts, R_ANY},
    {"GET", "/api/v1/accounts/search", h_search, R_ANY},
    {"GET", "/api/v1/accounts/*", h_account, R_ANY},
    {"POST", "/api/v1/accounts/*/payments", h_pay, R_WORKERS},
    {"POST", "/api/v1/payments/*/reversal", h_reverse, R_SUPERVISOR | R_ADMIN},
    {"POST", "/api/v1/accounts/*/adjustments", h_adjust, R_SUPERVISOR | R_ADMIN},
    {"GET", "/api/v1/accounts/*/notes", h_notes, R_ANY},
    {"POST", "/api/v1/accounts/*/notes", h_note_add, R_STAFF},
    {"GET", "/api/v1/accounts/*/contacts", h_contacts, R_ANY},
    {"POST", "/api/v1/accounts/*/contacts", h_contact_add, R_WORKERS},
    {"POST", "/api/v1/accounts/*/addresses", h_address_add, R_WORKERS},
    {"POST", "/api/v1/accounts/*/phones", h_phone_add, R_WORKERS},
    {"POST", "/api/v1/accounts/*/emails", h_email_add, R_WORKERS},
    {"PATCH", "/api/v1/addresses/*", h_address_update, R_WORKERS},
    {"PATCH", "/api/v1/phones/*", h_phone_update, R_WORKERS},
    {"PATCH", "/api/v1/emails/*", h_email_update, R_WORKERS},
    {"GET", "/api/v1/work", h_work, R_WORKERS},
    {"GET", "/api/v1/work/next", h_work_next, R_WORKERS},
    {"GET", "/api/v1/clients", h_clients, R_STAFF},
    {"POST", "/api/v1/clients", h_client_add, R_ADMIN},
    {"GET", "/api/v1/users", h_users, R_OVERSEERS},
    {"POST", "/api/v1/users", h_user_add, R_ADMIN},
    {"PUT", "/api/v1/users/*/role", h_user_role, R_ADMIN},
    {"POST", "/api/v1/users/*/password", h_user_password, R_ANY},
    {"POST", "/api/v1/users/*/tokens", h_user_token, R_ADMIN},
    {"GET", "/api/v1/audit", h_audit, R_OVERSEERS},
    {"POST", "/api/v1/audit/verify", h_audit_verify, R_COMPLIANCE | R_ADMIN},
    {"POST", "/api/v1/clients/*/placements", h_import_placements, R_SUPERVISOR | R_ADMIN},
    {"POST", "/api/v1/clients/*/payments", h_import_payments, R_SUPERVISOR | R_ADMIN},
    {"GET", "/api/v1/accounts/*/contact-check", h_contact_check, R_STAFF},
    {"GET", "/api/v1/accounts/*/events", h_events, R_ANY},
    {"POST", "/api/v1/accounts/*/events", h_event_add, R_STAFF},
    {"PUT", "/api/v1/accounts/*/itemization", h_itemization_set, R_OVERSEERS},
    {"GET", "/api/v1/accounts/*/plans", h_plans, R_ANY},
    {"POST", "/api/v1/accounts/*/plans", h_plan_create, R_STAFF},
    {"POST", "/api/v1/accounts/*/promises", h_promise_add, R_STAFF},
    {"GET", "/api/v1/accounts/*/statement", h_statement, R_STAFF},
    {"POST", "/api/v1/accounts/*/statement", h_statement_add, R_STAFF},
    {"POST", "/api/v1/accounts/*/settlements", h_settlement_offer, R_STAFF},
    {"POST", "/api/v1/settlements/*/accept", h_settlement_accept, R_STAFF},
    {"POST", "/api/v1/plans/*/extensions", h_extension, R_STAFF},
    {"GET", "/api/v1/approvals", h_approvals, R_OVERSEERS},
    {"GET", "/api/v1/batch", h_batch_status, R_OVERSEERS},
    {"GET", "/api/v1/batch/actions", h_batch_actions, R_OVERSEERS},
    {"GET", "/api/v1/queues", h_queues, R_OVERSEERS},
    {"GET", "/api/v1/strategies", h_strategies, R_OVERSEERS},
    {"POST", "/api/v1/strategies", h_strategy_save, R_SUPERVISOR | R_ADMIN},
    {"POST", "/api/v1/strategies/check", h_strategy_check, R_SUPERVISOR | R_ADMIN},
    {"PUT", "/api/v1/strategies/assignment", h_strategy_assign, R_SUPERVISOR | R_ADMIN},
    {"GET", "/api/v1/strategies/report", h_strategy_report, R_OVERSEERS},
    {"GET", "/api/v1/strategies/*", h_strategy_show, R_OVERSEERS},
    {"POST", "/api/v1/approvals/*/approve", h_approval_approve, R_SUPERVISOR | R_ADMIN},
    {"POST", "/api/v1/approvals/*/reject", h_approval_reject, R_SUPERVISOR | R_ADMIN},
    {"GET", "/api/v1/compliance/rules", h_rules, R_OVERSEERS},
    {"GET", "/api/v1/compliance/statutes", h_statutes, R_OVERSEERS},
    {"PUT", "/api/v1/compliance/rules/*", h_rule_set, R_ADMIN},
    {"GET", "/api/v1/compliance/report", h_compliance_report, R_OVERSEERS},
    {"GET", "/api/v1/accounts/*/letters", h_account_letters, R_ANY},
    {"GET", "/api/v1/accounts/*/letter-preview", h_letter_preview, R_STAFF},
    {"GET", "/api/v1/letters", h_letters, R_STAFF},
    {"POST", "/api/v1/letters/runs", h_letters_run, R_SUPERVISOR | R_ADMIN},
    {"GET", "/api/v1/letters/*/pdf", h_letter_pdf, R_ANY},
    {"POST", "/api/v1/letters/*/returned", h_letter_returned, R_STAFF},
    {"GET", "/api/v1/agency", h_agency, R_STAFF},
    {"PUT", "/api/v1/agency/*", h_agency_set, R_ADMIN},
    {"GET", "/api/v1/letter-templates", h_templates, R_STAFF},
    {"POST", "/api/v1/letter-templates/check", h_template_check, R_ADMIN},
    {"GET", "/api/v1/letter-templates/*/*", h_template, R_STAFF},
    {"POST", "/api/v1/letter-templates/*/*", h_template_save, R_ADMIN},
    {"GET", "/api/v1/accounts/*/correspondence", h_correspondence_list, R_ANY},
    {"POST", "/api/v1/accounts/*/correspondence", h_correspondence_add, R_STAFF},
    {"GET", "/api/v1/correspondence/*", h_correspondence_show, R_ANY},
    {"GET", "/api/v1/correspondence/*/document", h_correspondence_document, R_ANY},
    {"PUT", "/api/v1/correspondence/*/kind", h_correspondence_kind, R_OVERSEERS},
};
#define NROUTES (int)(sizeof ROUTES / sizeof ROUTES[0])

/* Matches path against pattern, capturing "*" segments into r->params. */
static bool match(http_req *r, const char *pattern, const char *path) {
  int np = 0;
  const char *p = pattern, *s = path;
  while (*p != '\0' && *s != '\0') {
    if (*p == '*') {
      const char *end = strchr(s, '/');
      size_t n = end != NULL ? (size_t)(end - s) : strlen(s);
      if (n == 0 || n > 200 || np >= HTTP_MAX_PARAMS) {
        return false;
      }
      r->params[np++] = arr_arena_strndup(&r->arena, s, n);
      if (r->params[np - 1] == NULL) {
        return false;
      }
      p++;
      s += n;
      continue;
    }
    if (*p != *s) {
      return false;
    }
    p++;
    s++;
  }
  return *p == '\0' && (*s == '\0' || (s[0] == '/' && s[1] == '\0'));
}

bool http_is_upload(const char *method, const char *path) {
  static const char *const UPLOADS[] = {"/api/v1/clients/*/placements",
                                        "/api/v1/clients/*/payments",
                                        "/api/v1/accounts/*/correspondence"};
  if (strcmp(method, "POST") != 0) {
    return false;
  }
  for (size_t i = 0; i < sizeof UPLOADS / sizeof UPLOADS[0]; i++) {
    /* The same matcher as routing, without capturing parameters. */
    const char *p = UPLOADS[i], *s = path;
    while (*p != '\0' && *s != '\0') {
      if (*p == '*') {
        const char *end = strchr(s, '/');
        if (end == NULL || end == s) {
          break;
        }
        s = end;
        p++;
        continue;
      }
      if (*p != *s) {
        break;
      }
      p++;
      s++;
    }
    if (*p == '\0' && *s == '\0') {
      return true;
    }
  }
  return false;
}

static bool state_changing(const char *method) {
  return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* Authenticates r from the bearer token or the session cookie. */
static arr_rc authenticate(http_req *r, arr_err *err) {
  const char *auth =
      MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
  if (auth != NULL) {
    if (strncmp(auth, "Bearer ", 7) != 0) {
      return arr_err_set(err, ARR_ERR_AUTH, "Authorization must be \"Bearer TOKEN\"");
    }
    r->cookie_auth = false;
    return arr_svc_token_check(r->svc, auth + 7, &r->user, err);
  }
  const char *cookie =
      MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "arrears_session");
  if (cookie == NULL) {
    return arr_err_set(err, ARR_ERR_AUTH, "log in first (no session cookie or token)");
  }
  r->cookie_auth = true;
  return arr_svc_session_check(r->svc, cookie, &r->user, r->csrf, &r->session_id, err);
}

static void deny(http_req *r, unsigned status, const char *code, const char *message) {
  http_error(r, status, code, message, NULL);
}

static bool csrf_ok(http_req *r) {
  const char *sent =
      MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
  size_t n = strlen(r->csrf);
  return sent != NULL && n > 0 && strlen(sent) == n &&
         sodium_memcmp(sent, r->csrf, n) == 0;
}

static json_t *parse_body(http_req *r, bool *ok) {
  *ok = true;
  if (r->body_len == 0) {
    return NULL;
  }
  const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
  if (ct == NULL || strncmp(ct, "application/json", 16) != 0) {
    http_error(r, 415, "invalid", "the request body must be application/json", NULL);
    *ok = false;
    return NULL;
  }
  json_error_t jerr;
  json_t *body = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
  if (body == NULL || !json_is_object(body)) {
    char msg[300];
    if (body == NULL) {
      snprintf(msg, sizeof msg, "the body is not valid JSON: line %d, column %d: %s",
               jerr.line, jerr.column, jerr.text);
    } else {
      snprintf(msg, sizeof msg, "the body must be a JSON object");
    }
    json_decref(body);
    http_error(r, 400, "invalid", msg, NULL);
    *ok = false;
    return NULL;
  }
  return body;
}

/* Records 401/403 responses in the audit log. */
static void audit_refusal(http_req *r) {
  if (r->status != 401 && r->status != 403 && r->status != 429) {
    return;
  }
  const char *msg = r->error_message != NULL ? r->error_message : "";
  arr_err err;
  if (arr_svc_audit_denied(r->svc, (int)r->status, r->method, r->path, msg,
                           r->remote_addr, &err) != ARR_OK) {
    fprintf(stderr, "arrears serve: could not audit a refused request: %s\n", err.msg);
  }
}

static void run_route(http_req *r, const route *rt) {
  arr_err err;
  if (rt->roles != R_PUBLIC) {
    if (authenticate(r, &err) != ARR_OK) {
      http_error_rc(r, &err);
      return;
    }
    r->authenticated = true;
    arr_svc_set_principal(r->svc, &r->user);
    if ((rt->roles & role_bit(r->user.role)) == 0) {
      char msg[160];
      snprintf(msg, sizeof msg, "%s %s is not allowed for the role %s", r->method,
               rt->pattern, r->user.role);
      deny(r, 403, "forbidden", msg);
      return;
    }
    if (r->cookie_auth && state_changing(r->method) && !csrf_ok(r)) {
      deny(r, 403, "csrf", "missing or wrong X-CSRF-Token header");
      return;
    }
  }
  bool ok = true;
  json_t *body = parse_body(r, &ok);
  if (ok) {
    rt->fn(r, body);
  }
  json_decref(body);
}

void http_api(http_req *r) {
  bool path_known = false;
  const route *found = NULL;
  for (int i = 0; i < NROUTES && found == NULL; i++) {
    if (match(r, ROUTES[i].pattern, r->path)) {
      path_known = true;
      if (strcmp(ROUTES[i].method, r->method) == 0) {
        found = &ROUTES[i];
      }
    }
  }
  if (found == NULL) {
    if (path_known) {
      http_error(r, 405, "method_not_allowed", "this path does not take that method",
                 NULL);
    } else {
      http_error(r, 404, "not_found", "no such API route", NULL);
    }
    return;
  }
  run_route(r, found);
  if (r->status == 0) {
    http_error(r, 500, "internal", "the handler produced no response", NULL);
  }
  audit_refusal(r);
}
