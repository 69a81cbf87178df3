/*
 * store.c — the application's SQL, one function per read or write (see store.h).
 *
 * Conventions: every statement is a string literal passed to arr_db_prepare (which
 * caches it per connection); NULL columns read as "" / 0 / ARR_DATE_NONE; reads that
 * may stop before the end of a result call arr_db_reset so SQLite releases its read.
 */
#include "store/store.h"
#include "store/store_util.h"

#include <stdio.h>
#include <string.h>

/* ---- settings ---- */

arr_rc arr_store_setting_get(arr_db *db, const char *key, char *buf, size_t cap,
                             bool *found, arr_err *err) {
  PREPARE("SELECT value FROM settings WHERE key = ?");
  arr_db_bind_cstr(st, 1, key);
  arr_rc rc = arr_db_step(st, err);
  *found = rc == ARR_OK && arr_db_has_row(st);
  if (*found) {
    col_copy(st, 0, buf, cap);
  }
  arr_db_reset(st);
  return rc;
}

arr_rc arr_store_setting_put(arr_db *db, const char *key, const char *value,
                             arr_err *err) {
  PREPARE("INSERT INTO settings (key, value) VALUES (?, ?)"
          " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  arr_db_bind_cstr(st, 1, key);
  arr_db_bind_cstr(st, 2, value);
  return arr_db_run(st, err);
}

/* ---- clients ---- */

#define CLIENT_COLS "id, code, name, commission_pct_e4, allocation_order, currency"

static void read_client(const arr_stmt *st, void *out) {
  arr_client *c = out;
  c->id = arr_db_col_int64(st, 0);
  col_copy(st, 1, c->code, sizeof c->code);
  col_copy(st, 2, c->name, sizeof c->name);
  c->commission_pct_e4 = arr_db_col_int64(st, 3);
  col_copy(st, 4, c->allocation_order, sizeof c->allocation_order);
  col_copy(st, 5, c->currency, sizeof c->currency);
}

arr_rc arr_store_client_insert(arr_db *db, arr_client *c, const char *now_iso,
                               arr_err *err) {
  PREPARE(
      "INSERT INTO clients (code, name, commission_pct_e4, allocation_order, currency,"
      " created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_cstr(st, 1, c->code);
  arr_db_bind_cstr(st, 2, c->name);
  arr_db_bind_int64(st, 3, c->commission_pct_e4);
  arr_db_bind_cstr(st, 4, c->allocation_order);
  arr_db_bind_cstr(st, 5, c->currency[0] ? c->currency : "USD");
  arr_db_bind_cstr(st, 6, now_iso);
  return run_returning_id(st, &c->id, err);
}

arr_rc arr_store_client_by_code(arr_db *db, const char *code, arr_client *out,
                                arr_err *err) {
  PREPARE("SELECT " CLIENT_COLS " FROM clients WHERE code = ?");
  arr_db_bind_cstr(st, 1, code);
  arr_rc rc = step_one(st, err, "client");
  if (rc != ARR_OK) {
    if (rc == ARR_ERR_NOTFOUND) {
      arr_err_set(err, rc, "client %s not found", code);
    }
    return rc;
  }
  read_client(st, out);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_client_by_id(arr_db *db, int64_t id, arr_client *out, arr_err *err) {
  PREPARE("SELECT " CLIENT_COLS " FROM clients WHERE id = ?");
  arr_db_bind_int64(st, 1, id);
  arr_rc rc = step_one(st, err, "client");
  if (rc != ARR_OK) {
    return rc;
  }
  read_client(st, out);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_client_list(arr_db *db, arr_client *out, int cap, int *n, arr_err *err) {
  PREPARE("SELECT " CLIENT_COLS " FROM clients ORDER BY code LIMIT ?");
  arr_db_bind_int64(st, 1, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_client, err);
}

/* ---- users ---- */

arr_rc arr_store_user_insert(arr_db *db, arr_user *u, const char *now_iso, arr_err *err) {
  PREPARE("INSERT INTO users (username, display_name, role, client_id, created_at)"
          " VALUES (?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_cstr(st, 1, u->username);
  arr_db_bind_cstr(st, 2, u->display_name);
  arr_db_bind_cstr(st, 3, u->role);
  bind_opt_id(st, 4, u->client_id);
  arr_db_bind_cstr(st, 5, now_iso);
  return run_returning_id(st, &u->id, err);
}

#define USER_COLS                                                                        \
  "u.id, u.username, u.display_name, u.role, u.client_id, c.code, u.active,"             \
  " u.password_hash FROM users u LEFT JOIN clients c ON c.id = u.client_id"

static void read_user(const arr_stmt *st, void *out) {
  arr_user *u = out;
  u->id = arr_db_col_int64(st, 0);
  col_copy(st, 1, u->username, sizeof u->username);
  col_copy(st, 2, u->display_name, sizeof u->display_name);
  col_copy(st, 3, u->role, sizeof u->role);
  u->client_id = col_i64(st, 4);
  col_copy(st, 5, u->client_code, sizeof u->client_code);
  u->active = col_i64(st, 6) != 0;
  col_copy(st, 7, u->password_hash, sizeof u->password_hash);
}

static arr_rc user_one(arr_stmt *st, arr_user *out, arr_err *err) {
  arr_rc rc = step_one(st, err, "user");
  if (rc != ARR_OK) {
    return rc;
  }
  read_user(st, out);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_user_by_name(arr_db *db, const char *username, arr_user *out,
                              arr_err *err) {
  PREPARE("SELECT " USER_COLS " WHERE u.username = ?");
  arr_db_bind_cstr(st, 1, username);
  return user_one(st, out, err);
}

arr_rc arr_store_user_by_id(arr_db *db, int64_t id, arr_user *out, arr_err *err) {
  PREPARE("SELECT " USER_COLS " WHERE u.id = ?");
  arr_db_bind_int64(st, 1, id);
  return user_one(st, out, err);
}

arr_rc arr_store_user_list(arr_db *db, const char *after, arr_user *out, int cap, int *n,
                           arr_err *err) {
  PREPARE("SELECT " USER_COLS " WHERE u.username > ? AND u.role <> 'system'"
          " ORDER BY u.username LIMIT ?");
  arr_db_bind_cstr(st, 1, after != NULL ? after : "");
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_user, err);
}

arr_rc arr_store_user_set_password(arr_db *db, int64_t id, const char *hash,
                                   const char *now_iso, arr_err *err) {
  PREPARE("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?");
  arr_db_bind_cstr(st, 1, hash);
  arr_db_bind_cstr(st, 2, now_iso);
  arr_db_bind_int64(st, 3, id);
  return arr_db_run(st, err);
}

arr_rc arr_store_user_set_role(arr_db *db, int64_t id, const char *role,
                               int64_t client_id, arr_err *err) {
  PREPARE("UPDATE users SET role = ?, client_id = ? WHERE id = ?");
  arr_db_bind_cstr(st, 1, role);
  bind_opt_id(st, 2, client_id);
  arr_db_bind_int64(st, 3, id);
  return arr_db_run(st, err);
}

/* ---- debtors ---- */

#define DEBTOR_COLS                                                                      \
  "id, first_name, middle_name, last_name, suffix, ssn_enc, ssn_last4, ssn_key, "        \
  "dob_enc,"                                                                             \
  " namedob_key, language, flags"

static void read_debtor(const arr_stmt *st, void *out) {
  arr_debtor *d = out;
  d->id = arr_db_col_int64(st, 0);
  col_copy(st, 1, d->first_name, sizeof d->first_name);
  col_copy(st, 2, d->middle_name, sizeof d->middle_name);
  col_copy(st, 3, d->last_name, sizeof d->last_name);
  col_copy(st, 4, d->suffix, sizeof d->suffix);
  col_copy(st, 5, d->ssn_enc, sizeof d->ssn_enc);
  col_copy(st, 6, d->ssn_last4, sizeof d->ssn_last4);
  d->ssn_key = col_i64(st, 7);
  col_copy(st, 8, d->dob_enc, sizeof d->dob_enc);
  d->namedob_key = col_i64(st, 9);
  col_copy(st, 10, d->language, sizeof d->language);
  d->flags = col_i64(st, 11);
}

arr_rc arr_store_debtor_insert(arr_db *db, arr_debtor *d, const char *now_iso,
                               arr_err *err) {
  PREPARE("INSERT INTO debtors (first_name, middle_name, last_name, suffix, ssn_enc,"
          " ssn_last4, ssn_key, dob_enc, namedob_key, language, flags, created_at,"
          " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_cstr(st, 1, d->first_name);
  bind_opt(st, 2, d->middle_name);
  arr_db_bind_cstr(st, 3, d->last_name);
  bind_opt(st, 4, d->suffix);
  bind_opt(st, 5, d->ssn_enc);
  bind_opt(st, 6, d->ssn_last4);
  bind_opt_id(st, 7, d->ssn_key);
  bind_opt(st, 8, d->dob_enc);
  bind_opt_id(st, 9, d->namedob_key);
  arr_db_bind_cstr(st, 10, d->language[0] ? d->language : "en");
  arr_db_bind_int64(st, 11, d->flags);
  arr_db_bind_cstr(st, 12, now_iso);
  arr_db_bind_cstr(st, 13, now_iso);
  return run_returning_id(st, &d->id, err);
}

arr_rc arr_store_debtor_get(arr_db *db, int64_t id, arr_debtor *out, arr_err *err) {
  PREPARE("SELECT " DEBTOR_COLS " FROM debtors WHERE id = ?");
  arr_db_bind_int64(st, 1, id);
  arr_rc rc = step_one(st, err, "debtor");
  if (rc != ARR_OK) {
    return rc;
  }
  read_debtor(st, out);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_debtor_find_ssn(arr_db *db, int64_t key, arr_debtor *out, int cap,
                                 int *n, arr_err *err) {
  PREPARE("SELECT " DEBTOR_COLS " FROM debtors WHERE ssn_key = ? ORDER BY id LIMIT ?");
  arr_db_bind_int64(st, 1, key);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_debtor, err);
}

arr_rc arr_store_debtor_find_namedob(arr_db *db, int64_t key, arr_debtor *out, int cap,
                                     int *n, arr_err *err) {
  PREPARE("SELECT " DEBTOR_COLS
          " FROM debtors WHERE namedob_key = ? ORDER BY id LIMIT ?");
  arr_db_bind_int64(st, 1, key);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_debtor, err);
}

/* ---- contact points ---- */

arr_rc arr_store_address_insert(arr_db *db, arr_address *a, const char *now_iso,
                                arr_err *err) {
  PREPARE(
      "INSERT INTO addresses (debtor_id, line1, line2, city, state, zip, status, source,"
      " valid_from, valid_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " RETURNING id");
  arr_db_bind_int64(st, 1, a->debtor_id);
  arr_db_bind_cstr(st, 2, a->line1);
  bind_opt(st, 3, a->line2);
  bind_opt(st, 4, a->city);
  bind_opt(st, 5, a->state);
  bind_opt(st, 6, a->zip);
  arr_db_bind_cstr(st, 7, a->status[0] ? a->status : "unverified");
  arr_db_bind_cstr(st, 8, a->source);
  bind_date(st, 9, a->valid_from);
  bind_date(st, 10, a->valid_to);
  arr_db_bind_cstr(st, 11, now_iso);
  return run_returning_id(st, &a->id, err);
}

arr_rc arr_store_phone_insert(arr_db *db, arr_phone *p, const char *now_iso,
                              arr_err *err) {
  PREPARE(
      "INSERT INTO phones (debtor_id, number, type, consent, status, source, valid_from,"
      " valid_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_int64(st, 1, p->debtor_id);
  arr_db_bind_cstr(st, 2, p->number);
  arr_db_bind_cstr(st, 3, p->type[0] ? p->type : "other");
  arr_db_bind_cstr(st, 4, p->consent[0] ? p->consent : "unknown");
  arr_db_bind_cstr(st, 5, p->status[0] ? p->status : "unverified");
  arr_db_bind_cstr(st, 6, p->source);
  bind_date(st, 7, p->valid_from);
  bind_date(st, 8, p->valid_to);
  arr_db_bind_cstr(st, 9, now_iso);
  return run_returning_id(st, &p->id, err);
}

arr_rc arr_store_email_insert(arr_db *db, arr_email *e, const char *now_iso,
                              arr_err *err) {
  PREPARE("INSERT INTO emails (debtor_id, address, consent, status, source, valid_from,"
          " valid_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_int64(st, 1, e->debtor_id);
  arr_db_bind_cstr(st, 2, e->address);
  arr_db_bind_cstr(st, 3, e->consent[0] ? e->consent : "unknown");
  arr_db_bind_cstr(st, 4, e->status[0] ? e->status : "unverified");
  arr_db_bind_cstr(st, 5, e->source);
  bind_date(st, 6, e->valid_from);
  bind_date(st, 7, e->valid_to);
  arr_db_bind_cstr(st, 8, now_iso);
  return run_returning_id(st, &e->id, err);
}

static void read_address(const arr_stmt *st, void *out) {
  arr_address *a = out;
  a->id = arr_db_col_int64(st, 0);
  a->debtor_id = arr_db_col_int64(st, 1);
  col_copy(st, 2, a->line1, sizeof a->line1);
  col_copy(st, 3, a->line2, sizeof a->line2);
  col_copy(st, 4, a->city, sizeof a->city);
  col_copy(st, 5, a->state, sizeof a->state);
  col_copy(st, 6, a->zip, sizeof a->zip);
  col_copy(st, 7, a->status, sizeof a->status);
  col_copy(st, 8, a->source, sizeof a->source);
  a->valid_from = col_date(st, 9);
  a->valid_to = col_date(st, 10);
}

arr_rc arr_store_address_list(arr_db *db, int64_t debtor_id, arr_address *out, int cap,
                              int *n, arr_err *err) {
  PREPARE(
      "SELECT id, debtor_id, line1, line2, city, state, zip, status, source, valid_from,"
      " valid_to FROM addresses WHERE debtor_id = ? ORDER BY id LIMIT ?");
  arr_db_bind_int64(st, 1, debtor_id);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_address, err);
}

static void read_phone(const arr_stmt *st, void *out) {
  arr_phone *p = out;
  p->id = arr_db_col_int64(st, 0);
  p->debtor_id = arr_db_col_int64(st, 1);
  col_copy(st, 2, p->number, sizeof p->number);
  col_copy(st, 3, p->type, sizeof p->type);
  col_copy(st, 4, p->consent, sizeof p->consent);
  col_copy(st, 5, p->status, sizeof p->status);
  col_copy(st, 6, p->source, sizeof p->source);
  p->valid_from = col_date(st, 7);
  p->valid_to = col_date(st, 8);
}

arr_rc arr_store_phone_list(arr_db *db, int64_t debtor_id, arr_phone *out, int cap,
                            int *n, arr_err *err) {
  PREPARE(
      "SELECT id, debtor_id, number, type, consent, status, source, valid_from, valid_to"
      " FROM phones WHERE debtor_id = ? ORDER BY id LIMIT ?");
  arr_db_bind_int64(st, 1, debtor_id);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_phone, err);
}

static void read_email(const arr_stmt *st, void *out) {
  arr_email *e = out;
  e->id = arr_db_col_int64(st, 0);
  e->debtor_id = arr_db_col_int64(st, 1);
  col_copy(st, 2, e->address, sizeof e->address);
  col_copy(st, 3, e->consent, sizeof e->consent);
  col_copy(st, 4, e->status, sizeof e->status);
  col_copy(st, 5, e->source, sizeof e->source);
  e->valid_from = col_date(st, 6);
  e->valid_to = col_date(st, 7);
}

arr_rc arr_store_email_list(arr_db *db, int64_t debtor_id, arr_email *out, int cap,
                            int *n, arr_err *err) {
  PREPARE("SELECT id, debtor_id, address, consent, status, source, valid_from, valid_to"
          " FROM emails WHERE debtor_id = ? ORDER BY id LIMIT ?");
  arr_db_bind_int64(st, 1, debtor_id);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_email, err);
}

/* ---- contact point status and history ---- */

arr_rc arr_store_point_get(arr_db *db, const char *kind, int64_t id, arr_point *out,
                           arr_err *err) {
  const char *sql = NULL;
  if (strcmp(kind, "address") == 0) {
    sql = "SELECT id, debtor_id, status, '', source, valid_from, valid_to FROM addresses"
          " WHERE id = ?";
  } else if (strcmp(kind, "phone") == 0) {
    sql =
        "SELECT id, debtor_id, status, consent, source, valid_from, valid_to FROM phones"
        " WHERE id = ?";
  } else if (strcmp(kind, "email") == 0) {
    sql =
        "SELECT id, debtor_id, status, consent, source, valid_from, valid_to FROM emails"
        " WHERE id = ?";
  } else {
    return arr_err_set(err, ARR_ERR_INVALID, "unknown contact point kind %s", kind);
  }
  PREPARE(sql);
  arr_db_bind_int64(st, 1, id);
  arr_rc rc = step_one(st, err, kind);
  if (rc != ARR_OK) {
    if (rc == ARR_ERR_NOTFOUND) {
      arr_err_set(err, rc, "%s %lld not found", kind, (long long)id);
    }
    return rc;
  }
  out->id = arr_db_col_int64(st, 0);
  out->debtor_id = arr_db_col_int64(st, 1);
  col_copy(st, 2, out->status, sizeof out->status);
  col_copy(st, 3, out->consent, sizeof out->consent);
  col_copy(st, 4, out->source, sizeof out->source);
  out->valid_from = col_date(st, 5);
  out->valid_to = col_date(st, 6);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_point_update(arr_db *db, const char *kind, const arr_point *p,
                              arr_err *err) {
  const char *sql = NULL;
  if (strcmp(kind, "address") == 0) {
    sql = "UPDATE addresses SET status = ?, valid_to = ? WHERE id = ?";
  } else if (strcmp(kind, "phone") == 0) {
    sql = "UPDATE phones SET status = ?, valid_to = ?, consent = ? WHERE id = ?";
  } else if (strcmp(kind, "email") == 0) {
    sql = "UPDATE emails SET status = ?, valid_to = ?, consent = ? WHERE id = ?";
  } else {
    return arr_err_set(err, ARR_ERR_INVALID, "unknown contact point kind %s", kind);
  }
  PREPARE(sql);
  arr_db_bind_cstr(st, 1, p->status);
  bind_date(st, 2, p->valid_to);
  if (strcmp(kind, "address") == 0) {
    arr_db_bind_int64(st, 3, p->id);
  } else {
    arr_db_bind_cstr(st, 3, p->consent);
    arr_db_bind_int64(st, 4, p->id);
  }
  arr_rc rc = arr_db_run(st, err);
  if (rc == ARR_OK && arr_db_changes(st) != 1) {
    rc = arr_err_set(err, ARR_ERR_NOTFOUND, "%s %lld not found", kind, (long long)p->id);
  }
  return rc;
}

arr_rc arr_store_point_history_insert(arr_db *db, arr_point_change *c, arr_err *err) {
  PREPARE(
      "INSERT INTO contact_point_history (kind, point_id, field, old_value, new_value,"
      " source, changed_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_cstr(st, 1, c->kind);
  arr_db_bind_int64(st, 2, c->point_id);
  arr_db_bind_cstr(st, 3, c->field);
  bind_opt(st, 4, c->old_value);
  bind_opt(st, 5, c->new_value);
  arr_db_bind_cstr(st, 6, c->source);
  arr_db_bind_cstr(st, 7, c->changed_at);
  arr_db_bind_cstr(st, 8, c->actor);
  return run_returning_id(st, &c->id, err);
}

static void read_point_change(const arr_stmt *st, void *out) {
  arr_point_change *c = out;
  c->id = arr_db_col_int64(st, 0);
  c->point_id = arr_db_col_int64(st, 1);
  col_copy(st, 2, c->kind, sizeof c->kind);
  col_copy(st, 3, c->field, sizeof c->field);
  col_copy(st, 4, c->old_value, sizeof c->old_value);
  col_copy(st, 5, c->new_value, sizeof c->new_value);
  col_copy(st, 6, c->source, sizeof c->source);
  col_copy(st, 7, c->changed_at, sizeof c->changed_at);
  col_copy(st, 8, c->actor, sizeof c->actor);
}

arr_rc arr_store_point_history_for_debtor(arr_db *db, const char *kind, int64_t debtor_id,
                                          arr_point_change *out, int cap, int *n,
                                          arr_err *err) {
  /* One statement per kind: the table name cannot be a parameter. CROSS JOIN keeps
   * SQLite (which has no statistics here) on the debtor's few points first, then the
   * history index; PostgreSQL plans it as an ordinary join. No ORDER BY: a sort made
   * SQLite build a temporary B-tree (half of the account screen's cost); the caller
   * orders the few rows. */
  static const char SQL_ADDRESS[] =
      "SELECT h.id, h.point_id, h.kind, h.field, h.old_value, h.new_value, h.source,"
      " h.changed_at, h.actor FROM addresses p CROSS JOIN contact_point_history h"
      " WHERE p.debtor_id = ? AND h.kind = 'address' AND h.point_id = p.id"
      " LIMIT ?";
  static const char SQL_PHONE[] =
      "SELECT h.id, h.point_id, h.kind, h.field, h.old_value, h.new_value, h.source,"
      " h.changed_at, h.actor FROM phones p CROSS JOIN contact_point_history h"
      " WHERE p.debtor_id = ? AND h.kind = 'phone' AND h.point_id = p.id"
      " LIMIT ?";
  static const char SQL_EMAIL[] =
      "SELECT h.id, h.point_id, h.kind, h.field, h.old_value, h.new_value, h.source,"
      " h.changed_at, h.actor FROM emails p CROSS JOIN contact_point_history h"
      " WHERE p.debtor_id = ? AND h.kind = 'email' AND h.point_id = p.id"
      " LIMIT ?";
  const char *sql = strcmp(kind, "address") == 0 ? SQL_ADDRESS
                    : strcmp(kind, "phone") == 0 ? SQL_PHONE
                    : strcmp(kind, "email") == 0 ? SQL_EMAIL
                                                 : NULL;
  if (sql == NULL) {
    return arr_err_set(err, ARR_ERR_INVALID, "kind must be address, phone or email");
  }
  PREPARE(sql);
  arr_db_bind_int64(st, 1, debtor_id);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_point_change, err);
}

/* ---- placements ---- */

arr_rc arr_store_placement_insert(arr_db *db, arr_placement *p, const char *now_iso,
                                  const char *actor, arr_err *err) {
  PREPARE("INSERT INTO placements (client_id, file_name, file_hash, started_at, actor)"
          " VALUES (?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_int64(st, 1, p->client_id);
  arr_db_bind_cstr(st, 2, p->file_name);
  arr_db_bind_cstr(st, 3, p->file_hash);
  arr_db_bind_cstr(st, 4, now_iso);
  arr_db_bind_cstr(st, 5, actor);
  return run_returning_id(st, &p->id, err);
}

arr_rc arr_store_placement_update(arr_db *db, const arr_placement *p,
                                  const char *finished_iso, arr_err *err) {
  PREPARE("UPDATE placements SET file_hash = ?, rows_read = ?, rows_loaded = ?,"
          " rows_duplicate = ?, rows_rejected = ?, finished_at = ? WHERE id = ?");
  arr_db_bind_cstr(st, 1, p->file_hash);
  arr_db_bind_int64(st, 2, p->rows_read);
  arr_db_bind_int64(st, 3, p->rows_loaded);
  arr_db_bind_int64(st, 4, p->rows_duplicate);
  arr_db_bind_int64(st, 5, p->rows_rejected);
  bind_opt(st, 6, finished_iso);
  arr_db_bind_int64(st, 7, p->id);
  return arr_db_run(st, err);
}

/* ---- accounts ---- */

void store_read_account(const arr_stmt *st, void *out) {
  arr_account *a = out;
  a->id = arr_db_col_int64(st, 0);
  a->client_id = arr_db_col_int64(st, 1);
  a->debtor_id = arr_db_col_int64(st, 2);
  a->placement_id = col_i64(st, 3);
  a->collector_id = col_i64(st, 4);
  col_copy(st, 5, a->client_code, sizeof a->client_code);
  col_copy(st, 6, a->allocation_order, sizeof a->allocation_order);
  col_copy(st, 7, a->client_account, sizeof a->client_account);
  col_copy(st, 8, a->original_creditor, sizeof a->original_creditor);
  col_copy(st, 9, a->account_type, sizeof a->account_type);
  col_copy(st, 10, a->status, sizeof a->status);
  col_copy(st, 11, a->currency, sizeof a->currency);
  a->placed_on = col_date(st, 12);
  a->open_date = col_date(st, 13);
  a->charge_off_date = col_date(st, 14);
  a->first_delinquency_on = col_date(st, 15);
  a->last_payment_on = col_date(st, 16);
  a->itemization_date = col_date(st, 17);
  a->interest_rate_pct_e4 = col_i64(st, 18);
  for (int b = 0; b < ARR_BUCKETS; b++) {
    a->balance.cents[b] = arr_db_col_int64(st, 19 + b);
  }
  col_copy(st, 24, a->ledger_head, sizeof a->ledger_head);
  col_copy(st, 25, a->attributes, sizeof a->attributes);
  a->creditor_last_payment_on = col_date(st, 26);
  col_copy(st, 27, a->itemization_basis, sizeof a->itemization_basis);
  col_copy(st, 28, a->federal_loan_bundle, sizeof a->federal_loan_bundle);
}

arr_rc arr_store_account_insert(arr_db *db, arr_account *a, const char *now_iso,
                                arr_err *err) {
  PREPARE(
      "INSERT INTO accounts (client_id, client_account, debtor_id, placement_id,"
      " collector_id, original_creditor, account_type, status, currency, placed_on,"
      " open_date, charge_off_date, first_delinquency_on, last_payment_on,"
      " itemization_date, interest_rate_pct_e4, principal_cents, interest_cents,"
      " fees_cents, costs_cents, credit_cents, ledger_head, attributes, created_at,"
      " updated_at, creditor_last_payment_on, itemization_basis, federal_loan_bundle)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
      " ?, ?, ?, ?) RETURNING id");
  arr_db_bind_int64(st, 1, a->client_id);
  arr_db_bind_cstr(st, 2, a->client_account);
  arr_db_bind_int64(st, 3, a->debtor_id);
  bind_opt_id(st, 4, a->placement_id);
  bind_opt_id(st, 5, a->collector_id);
  bind_opt(st, 6, a->original_creditor);
  arr_db_bind_cstr(st, 7, a->account_type[0] ? a->account_type : "other");
  arr_db_bind_cstr(st, 8, a->status[0] ? a->status : "open");
  arr_db_bind_cstr(st, 9, a->currency[0] ? a->currency : "USD");
  bind_date(st, 10, a->placed_on);
  bind_date(st, 11, a->open_date);
  bind_date(st, 12, a->charge_off_date);
  bind_date(st, 13, a->first_delinquency_on);
  bind_date(st, 14, a->last_payment_on);
  bind_date(st, 15, a->itemization_date);
  arr_db_bind_int64(st, 16, a->interest_rate_pct_e4);
  for (int b = 0; b < ARR_BUCKETS; b++) {
    arr_db_bind_int64(st, 17 + b, a->balance.cents[b]);
  }
  arr_db_bind_cstr(st, 22, a->ledger_head);
  bind_opt(st, 23, a->attributes);
  arr_db_bind_cstr(st, 24, now_iso);
  arr_db_bind_cstr(st, 25, now_iso);
  bind_date(st, 26, a->creditor_last_payment_on);
  bind_opt(st, 27, a->itemization_basis);
  bind_opt(st, 28, a->federal_loan_bundle);
  return run_returning_id(st, &a->id, err);
}

arr_rc arr_store_account_set_itemization(arr_db *db, int64_t id, arr_date date,
                                         const char *basis, const char *now_iso,
                                         arr_err *err) {
  PREPARE("UPDATE accounts SET itemization_date = ?, itemization_basis = ?,"
          " updated_at = ? WHERE id = ?");
  bind_date(st, 1, date);
  bind_opt(st, 2, basis);
  arr_db_bind_cstr(st, 3, now_iso);
  arr_db_bind_int64(st, 4, id);
  arr_rc rc = arr_db_run(st, err);
  if (rc == ARR_OK && arr_db_changes(st) != 1) {
    rc = arr_err_set(err, ARR_ERR_NOTFOUND, "account %lld not found", (long long)id);
  }
  return rc;
}

static arr_rc account_get_with(arr_db *db, const char *sql, int64_t id, arr_account *out,
                               arr_err *err) {
  PREPARE(sql);
  arr_db_bind_int64(st, 1, id);
  arr_rc rc = step_one(st, err, "account");
  if (rc != ARR_OK) {
    if (rc == ARR_ERR_NOTFOUND) {
      arr_err_set(err, rc, "account %lld not found", (long long)id);
    }
    return rc;
  }
  store_read_account(st, out);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_account_set_status(arr_db *db, int64_t id, const char *status,
                                    const char *now_iso, arr_err *err) {
  PREPARE("UPDATE accounts SET status = ?, updated_at = ? WHERE id = ?");
  arr_db_bind_cstr(st, 1, status);
  arr_db_bind_cstr(st, 2, now_iso);
  arr_db_bind_int64(st, 3, id);
  arr_rc rc = arr_db_run(st, err);
  if (rc == ARR_OK && arr_db_changes(st) != 1) {
    rc = arr_err_set(err, ARR_ERR_NOTFOUND, "account %lld not found", (long long)id);
  }
  return rc;
}

arr_rc arr_store_account_get(arr_db *db, int64_t id, arr_account *out, arr_err *err) {
  return account_get_with(db, "SELECT " ACCOUNT_COLS " WHERE a.id = ?", id, out, err);
}

arr_rc arr_store_account_get_for_update(arr_db *db, int64_t id, arr_account *out,
                                        arr_err *err) {
  if (arr_db_engine_of(db) == ARR_DB_SQLITE) {
    return arr_store_account_get(db, id, out, err);
  }
  return account_get_with(db, "SELECT " ACCOUNT_COLS " WHERE a.id = ? FOR UPDATE OF a",
                          id, out, err);
}

arr_rc arr_store_client_lock(arr_db *db, int64_t client_id, arr_err *err) {
  if (arr_db_engine_of(db) == ARR_DB_SQLITE) {
    return ARR_OK;
  }
  PREPARE("SELECT id FROM clients WHERE id = ? FOR UPDATE");
  arr_db_bind_int64(st, 1, client_id);
  arr_rc rc = step_one(st, err, "client");
  if (rc == ARR_OK) {
    arr_db_reset(st);
  }
  return rc;
}

arr_rc arr_store_account_id_by_ref(arr_db *db, int64_t client_id,
                                   const char *client_account, int64_t *id_out,
                                   arr_err *err) {
  PREPARE("SELECT id FROM accounts WHERE client_id = ? AND client_account = ?");
  arr_db_bind_int64(st, 1, client_id);
  arr_db_bind_cstr(st, 2, client_account);
  *id_out = 0;
  arr_rc rc = step_one(st, err, "account");
  if (rc != ARR_OK) {
    return rc;
  }
  *id_out = arr_db_col_int64(st, 0);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_account_update_money(arr_db *db, const arr_account *a,
                                      const char *now_iso, arr_err *err) {
  PREPARE("UPDATE accounts SET principal_cents = ?, interest_cents = ?, fees_cents = ?,"
          " costs_cents = ?, credit_cents = ?, ledger_head = ?, last_payment_on = ?,"
          " status = ?, updated_at = ? WHERE id = ?");
  for (int b = 0; b < ARR_BUCKETS; b++) {
    arr_db_bind_int64(st, 1 + b, a->balance.cents[b]);
  }
  arr_db_bind_cstr(st, 6, a->ledger_head);
  bind_date(st, 7, a->last_payment_on);
  arr_db_bind_cstr(st, 8, a->status);
  arr_db_bind_cstr(st, 9, now_iso);
  arr_db_bind_int64(st, 10, a->id);
  arr_rc rc = arr_db_run(st, err);
  if (rc == ARR_OK && arr_db_changes(st) != 1) {
    rc = arr_err_set(err, ARR_ERR_NOTFOUND, "account %lld not found", (long long)a->id);
  }
  return rc;
}

arr_rc arr_store_account_update_interest(arr_db *db, const arr_account *a,
                                         const char *now_iso, arr_err *err) {
  PREPARE("UPDATE accounts SET interest_cents = ?, ledger_head = ?, updated_at = ?"
          " WHERE id = ?");
  arr_db_bind_int64(st, 1, a->balance.cents[ARR_BUCKET_INTEREST]);
  arr_db_bind_cstr(st, 2, a->ledger_head);
  arr_db_bind_cstr(st, 3, now_iso);
  arr_db_bind_int64(st, 4, a->id);
  arr_rc rc = arr_db_run(st, err);
  if (rc == ARR_OK && arr_db_changes(st) != 1) {
    rc = arr_err_set(err, ARR_ERR_NOTFOUND, "account %lld not found", (long long)a->id);
  }
  return rc;
}

arr_rc arr_store_account_list(arr_db *db, const arr_account_filter *f, arr_account *out,
                              int cap, int *n, arr_err *err) {
  PREPARE("SELECT " ACCOUNT_COLS " WHERE a.id > ? AND (? = 0 OR a.client_id = ?)"
          " AND (CAST(? AS TEXT) IS NULL OR a.status = ?) ORDER BY a.id LIMIT ?");
  int limit = f->limit < cap ? f->limit : cap;
  arr_db_bind_int64(st, 1, f->after_id);
  arr_db_bind_int64(st, 2, f->client_id);
  arr_db_bind_int64(st, 3, f->client_id);
  bind_opt(st, 4, f->status);
  bind_opt(st, 5, f->status);
  arr_db_bind_int64(st, 6, limit);
  return read_rows(st, out, sizeof *out, limit, n, store_read_account, err);
}

arr_rc arr_store_account_chunk(arr_db *db, int64_t after, int64_t through,
                               arr_account *out, int cap, int *n, arr_err *err) {
  PREPARE(
      arr_db_engine_of(db) == ARR_DB_SQLITE
          ? "SELECT " ACCOUNT_COLS " WHERE a.id > ? AND a.id <= ? ORDER BY a.id LIMIT ?"
          : "SELECT " ACCOUNT_COLS " WHERE a.id > ? AND a.id <= ? ORDER BY a.id LIMIT ?"
            " FOR UPDATE OF a");
  arr_db_bind_int64(st, 1, after);
  arr_db_bind_int64(st, 2, through);
  arr_db_bind_int64(st, 3, cap);
  return read_rows(st, out, sizeof *out, cap, n, store_read_account, err);
}

arr_rc arr_store_debtor_keys_scan(arr_db *db, int64_t after_id, int64_t *ids,
                                  int64_t *ssn_keys, int64_t *namedob_keys, int cap,
                                  int *n, arr_err *err) {
  PREPARE(
      "SELECT id, ssn_key, namedob_key FROM debtors WHERE id > ? ORDER BY id LIMIT ?");
  arr_db_bind_int64(st, 1, after_id);
  arr_db_bind_int64(st, 2, cap);
  *n = 0;
  arr_rc rc;
  while ((rc = arr_db_step(st, err)) == ARR_OK && arr_db_has_row(st) && *n < cap) {
    ids[*n] = arr_db_col_int64(st, 0);
    ssn_keys[*n] = col_i64(st, 1);
    namedob_keys[*n] = col_i64(st, 2);
    (*n)++;
  }
  arr_db_reset(st);
  return rc;
}

arr_rc arr_store_account_refs_scan(arr_db *db, int64_t client_id, int64_t after_id,
                                   int64_t *ids, char (*refs)[65], int cap, int *n,
                                   arr_err *err) {
  PREPARE("SELECT id, client_account FROM accounts WHERE client_id = ? AND id > ?"
          " ORDER BY id LIMIT ?");
  arr_db_bind_int64(st, 1, client_id);
  arr_db_bind_int64(st, 2, after_id);
  arr_db_bind_int64(st, 3, cap);
  *n = 0;
  arr_rc rc;
  while ((rc = arr_db_step(st, err)) == ARR_OK && arr_db_has_row(st) && *n < cap) {
    ids[*n] = arr_db_col_int64(st, 0);
    col_copy(st, 1, refs[*n], 65);
    (*n)++;
  }
  arr_db_reset(st);
  return rc;
}

arr_rc arr_store_account_max_id(arr_db *db, int64_t *out, arr_err *err) {
  PREPARE("SELECT COALESCE(MAX(id), 0) FROM accounts");
  arr_rc rc = step_one(st, err, "max id");
  if (rc != ARR_OK) {
    return rc;
  }
  *out = arr_db_col_int64(st, 0);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_count(arr_db *db, const char *table, int64_t *out, arr_err *err) {
  /* Table names cannot be bound, so each allowed table has its own literal. */
  static const struct {
    const char *table, *sql;
  } counts[] = {
      {"clients", "SELECT COUNT(*) FROM clients"},
      {"debtors", "SELECT COUNT(*) FROM debtors"},
      {"accounts", "SELECT COUNT(*) FROM accounts"},
      {"ledger_entries", "SELECT COUNT(*) FROM ledger_entries"},
      {"payments", "SELECT COUNT(*) FROM payments"},
      {"contacts", "SELECT COUNT(*) FROM contacts"},
      {"users", "SELECT COUNT(*) FROM users"},
      {"audit_log", "SELECT COUNT(*) FROM audit_log"},
  };
  for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
    if (strcmp(counts[i].table, table) == 0) {
      PREPARE(counts[i].sql);
      arr_rc rc = step_one(st, err, "count");
      if (rc != ARR_OK) {
        return rc;
      }
      *out = arr_db_col_int64(st, 0);
      arr_db_reset(st);
      return ARR_OK;
    }
  }
  return arr_err_set(err, ARR_ERR_INVALID, "cannot count table %s", table);
}

/* ---- ledger ---- */

#define LEDGER_COLS                                                                      \
  "id, account_id, kind, effective_on, posted_at, principal_cents, interest_cents,"      \
  " fees_cents, costs_cents, credit_cents, payment_id, reverses_id, memo, actor,"        \
  " prev_hash, hash FROM ledger_entries"

static void read_ledger(const arr_stmt *st, void *out) {
  arr_ledger_entry *e = out;
  e->id = arr_db_col_int64(st, 0);
  e->account_id = arr_db_col_int64(st, 1);
  col_copy(st, 2, e->kind, sizeof e->kind);
  e->effective_on = col_date(st, 3);
  col_copy(st, 4, e->posted_at, sizeof e->posted_at);
  for (int b = 0; b < ARR_BUCKETS; b++) {
    e->amount.cents[b] = arr_db_col_int64(st, 5 + b);
  }
  e->payment_id = col_i64(st, 10);
  e->reverses_id = col_i64(st, 11);
  col_copy(st, 12, e->memo, sizeof e->memo);
  col_copy(st, 13, e->actor, sizeof e->actor);
  col_copy(st, 14, e->prev_hash, sizeof e->prev_hash);
  col_copy(st, 15, e->hash, sizeof e->hash);
}

arr_rc arr_store_ledger_insert(arr_db *db, arr_ledger_entry *e, arr_err *err) {
  PREPARE("INSERT INTO ledger_entries (account_id, kind, effective_on, posted_at,"
          " principal_cents, interest_cents, fees_cents, costs_cents, credit_cents,"
          " payment_id, reverses_id, memo, actor, prev_hash, hash)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_int64(st, 1, e->account_id);
  arr_db_bind_cstr(st, 2, e->kind);
  bind_date(st, 3, e->effective_on);
  arr_db_bind_cstr(st, 4, e->posted_at);
  for (int b = 0; b < ARR_BUCKETS; b++) {
    arr_db_bind_int64(st, 5 + b, e->amount.cents[b]);
  }
  bind_opt_id(st, 10, e->payment_id);
  bind_opt_id(st, 11, e->reverses_id);
  bind_opt(st, 12, e->memo);
  arr_db_bind_cstr(st, 13, e->actor);
  arr_db_bind_cstr(st, 14, e->prev_hash);
  arr_db_bind_cstr(st, 15, e->hash);
  return run_returning_id(st, &e->id, err);
}

arr_rc arr_store_ledger_list(arr_db *db, int64_t account_id, int64_t after_id,
                             arr_ledger_entry *out, int cap, int *n, arr_err *err) {
  PREPARE("SELECT " LEDGER_COLS " WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?");
  arr_db_bind_int64(st, 1, account_id);
  arr_db_bind_int64(st, 2, after_id);
  arr_db_bind_int64(st, 3, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_ledger, err);
}

arr_rc arr_store_ledger_sum(arr_db *db, int64_t account_id, arr_date as_of,
                            arr_balance *out, arr_err *err) {
  PREPARE("SELECT COALESCE(SUM(principal_cents), 0), COALESCE(SUM(interest_cents), 0),"
          " COALESCE(SUM(fees_cents), 0), COALESCE(SUM(costs_cents), 0),"
          " COALESCE(SUM(credit_cents), 0) FROM ledger_entries"
          " WHERE account_id = ? AND (CAST(? AS TEXT) IS NULL OR effective_on <= ?)");
  arr_db_bind_int64(st, 1, account_id);
  bind_date(st, 2, as_of);
  bind_date(st, 3, as_of);
  arr_rc rc = step_one(st, err, "ledger sum");
  if (rc != ARR_OK) {
    return rc;
  }
  for (int b = 0; b < ARR_BUCKETS; b++) {
    out->cents[b] = arr_db_col_int64(st, b);
  }
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_ledger_by_payment(arr_db *db, int64_t payment_id, arr_ledger_entry *out,
                                   arr_err *err) {
  PREPARE("SELECT " LEDGER_COLS " WHERE payment_id = ? AND kind = 'payment'");
  arr_db_bind_int64(st, 1, payment_id);
  arr_rc rc = step_one(st, err, "ledger entry of the payment");
  if (rc != ARR_OK) {
    return rc;
  }
  read_ledger(st, out);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_ledger_scan(arr_db *db, int64_t first_account, int64_t last_account,
                             int64_t after_account, int64_t after_id,
                             arr_ledger_entry *out, int cap, int *n, arr_err *err) {
  PREPARE("SELECT " LEDGER_COLS " WHERE account_id >= ? AND account_id <= ?"
          " AND (account_id > ? OR (account_id = ? AND id > ?))"
          " ORDER BY account_id, id LIMIT ?");
  arr_db_bind_int64(st, 1, first_account);
  arr_db_bind_int64(st, 2, last_account);
  arr_db_bind_int64(st, 3, after_account);
  arr_db_bind_int64(st, 4, after_account);
  arr_db_bind_int64(st, 5, after_id);
  arr_db_bind_int64(st, 6, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_ledger, err);
}

/* ---- payments ---- */

#define PAYMENT_COLS                                                                     \
  "id, account_id, amount_cents, currency, method, effective_on, reference,"             \
  " idempotency_key, status, reversal_reason, source, created_at FROM payments"

static void read_payment(const arr_stmt *st, void *out) {
  arr_payment *p = out;
  p->id = arr_db_col_int64(st, 0);
  p->account_id = arr_db_col_int64(st, 1);
  p->amount_cents = arr_db_col_int64(st, 2);
  col_copy(st, 3, p->currency, sizeof p->currency);
  col_copy(st, 4, p->method, sizeof p->method);
  p->effective_on = col_date(st, 5);
  col_copy(st, 6, p->reference, sizeof p->reference);
  col_copy(st, 7, p->idempotency_key, sizeof p->idempotency_key);
  col_copy(st, 8, p->status, sizeof p->status);
  col_copy(st, 9, p->reversal_reason, sizeof p->reversal_reason);
  col_copy(st, 10, p->source, sizeof p->source);
  col_copy(st, 11, p->created_at, sizeof p->created_at);
}

arr_rc arr_store_payment_insert(arr_db *db, arr_payment *p, const char *now_iso,
                                const char *actor, arr_err *err) {
  PREPARE(
      "INSERT INTO payments (account_id, amount_cents, currency, method, effective_on,"
      " reference, idempotency_key, status, source, created_at, actor)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, 'posted', ?, ?, ?)"
      " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id");
  arr_db_bind_int64(st, 1, p->account_id);
  arr_db_bind_int64(st, 2, p->amount_cents);
  arr_db_bind_cstr(st, 3, p->currency[0] ? p->currency : "USD");
  arr_db_bind_cstr(st, 4, p->method);
  bind_date(st, 5, p->effective_on);
  bind_opt(st, 6, p->reference);
  bind_opt(st, 7, p->idempotency_key);
  arr_db_bind_cstr(st, 8, p->source);
  arr_db_bind_cstr(st, 9, now_iso);
  arr_db_bind_cstr(st, 10, actor);
  snprintf(p->status, sizeof p->status, "posted");
  snprintf(p->created_at, sizeof p->created_at, "%s", now_iso);
  /* A duplicate key returns no row (ON CONFLICT DO NOTHING) rather than an error, so a
   * PostgreSQL transaction stays usable and the caller can report the earlier payment. */
  arr_rc rc = arr_db_insert(st, &p->id, err);
  if (rc == ARR_OK && p->id == 0) {
    rc = arr_err_set(err, ARR_ERR_CONFLICT, "idempotency key %s was used before",
                     p->idempotency_key);
  }
  return rc;
}

arr_rc arr_store_payment_get(arr_db *db, int64_t id, arr_payment *out, arr_err *err) {
  PREPARE("SELECT " PAYMENT_COLS " WHERE id = ?");
  arr_db_bind_int64(st, 1, id);
  arr_rc rc = step_one(st, err, "payment");
  if (rc != ARR_OK) {
    if (rc == ARR_ERR_NOTFOUND) {
      arr_err_set(err, rc, "payment %lld not found", (long long)id);
    }
    return rc;
  }
  read_payment(st, out);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_payment_by_key(arr_db *db, const char *key, arr_payment *out,
                                arr_err *err) {
  PREPARE("SELECT " PAYMENT_COLS " WHERE idempotency_key = ?");
  arr_db_bind_cstr(st, 1, key);
  arr_rc rc = step_one(st, err, "payment");
  if (rc != ARR_OK) {
    return rc;
  }
  read_payment(st, out);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_payment_mark_reversed(arr_db *db, int64_t id, const char *reason,
                                       const char *now_iso, arr_err *err) {
  PREPARE("UPDATE payments SET status = 'reversed', reversal_reason = ?, reversed_at = ?"
          " WHERE id = ? AND status = 'posted'");
  arr_db_bind_cstr(st, 1, reason);
  arr_db_bind_cstr(st, 2, now_iso);
  arr_db_bind_int64(st, 3, id);
  arr_rc rc = arr_db_run(st, err);
  if (rc == ARR_OK && arr_db_changes(st) != 1) {
    rc = arr_err_set(err, ARR_ERR_CONFLICT, "payment %lld is already reversed",
                     (long long)id);
  }
  return rc;
}

arr_rc arr_store_payment_list(arr_db *db, int64_t account_id, arr_payment *out, int cap,
                              int *n, arr_err *err) {
  PREPARE("SELECT " PAYMENT_COLS " WHERE account_id = ? ORDER BY id LIMIT ?");
  arr_db_bind_int64(st, 1, account_id);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_payment, err);
}

arr_rc arr_store_payment_last_date(arr_db *db, int64_t account_id, arr_date *out,
                                   arr_err *err) {
  PREPARE("SELECT MAX(effective_on) FROM payments WHERE account_id = ? AND status = "
          "'posted'");
  arr_db_bind_int64(st, 1, account_id);
  arr_rc rc = step_one(st, err, "payment date");
  if (rc != ARR_OK) {
    return rc;
  }
  *out = col_date(st, 0);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_payment_last_date_as_of(arr_db *db, int64_t account_id, arr_date as_of,
                                         arr_date *out, arr_err *err) {
  /* reversed_at is an ISO instant; its first ten characters are the UTC date. */
  PREPARE(
      "SELECT MAX(effective_on) FROM payments WHERE account_id = ? AND effective_on <= ?"
      " AND (status = 'posted' OR SUBSTR(reversed_at, 1, 10) > ?)");
  char d[ARR_DATE_FMT_MAX];
  arr_date_format(as_of, d);
  arr_db_bind_int64(st, 1, account_id);
  arr_db_bind_cstr(st, 2, d);
  arr_db_bind_cstr(st, 3, d);
  arr_rc rc = step_one(st, err, "payment date");
  if (rc != ARR_OK) {
    return rc;
  }
  *out = col_date(st, 0);
  arr_db_reset(st);
  return ARR_OK;
}

/* ---- notes and contacts ---- */

arr_rc arr_store_note_insert(arr_db *db, int64_t account_id, const char *body,
                             const char *actor, const char *now_iso, int64_t *id_out,
                             arr_err *err) {
  PREPARE("INSERT INTO notes (account_id, body, actor, created_at) VALUES (?, ?, ?, ?)"
          " RETURNING id");
  arr_db_bind_int64(st, 1, account_id);
  arr_db_bind_cstr(st, 2, body);
  arr_db_bind_cstr(st, 3, actor);
  arr_db_bind_cstr(st, 4, now_iso);
  return run_returning_id(st, id_out, err);
}

arr_rc arr_store_contact_insert(arr_db *db, arr_contact *c, const char *now_iso,
                                arr_err *err) {
  PREPARE(
      "INSERT INTO contacts (account_id, debtor_id, channel, target, at, outcome, actor,"
      " created_at, reason, note, override_reason, override_by, review)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_int64(st, 1, c->account_id);
  arr_db_bind_int64(st, 2, c->debtor_id);
  arr_db_bind_cstr(st, 3, c->channel);
  bind_opt(st, 4, c->target);
  arr_db_bind_cstr(st, 5, c->at);
  arr_db_bind_cstr(st, 6, c->outcome);
  arr_db_bind_cstr(st, 7, c->actor);
  arr_db_bind_cstr(st, 8, now_iso);
  bind_opt(st, 9, c->reason);
  bind_opt(st, 10, c->note);
  bind_opt(st, 11, c->override_reason);
  bind_opt(st, 12, c->override_by);
  bind_opt(st, 13, c->review);
  return run_returning_id(st, &c->id, err);
}

/* ---- audit ---- */

arr_rc arr_store_audit_head(arr_db *db, int64_t *last_id, char last_hash[ARR_HASH_HEX],
                            arr_err *err) {
  /* A no-op UPDATE takes the row lock on PostgreSQL (and is harmless on SQLite, whose
   * BEGIN IMMEDIATE already serializes writers), so concurrent writers queue here and
   * never fork the chain. */
  {
    PREPARE("UPDATE audit_head SET last_id = last_id WHERE id = 1");
    arr_rc rc = arr_db_run(st, err);
    if (rc != ARR_OK) {
      return rc;
    }
  }
  PREPARE("SELECT last_id, last_hash FROM audit_head WHERE id = 1");
  arr_rc rc = step_one(st, err, "audit head");
  if (rc != ARR_OK) {
    return rc;
  }
  *last_id = arr_db_col_int64(st, 0);
  col_copy(st, 1, last_hash, ARR_HASH_HEX);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_audit_head_peek(arr_db *db, int64_t *last_id,
                                 char last_hash[ARR_HASH_HEX], arr_err *err) {
  PREPARE("SELECT last_id, last_hash FROM audit_head WHERE id = 1");
  arr_rc rc = step_one(st, err, "audit head");
  if (rc != ARR_OK) {
    return rc;
  }
  *last_id = arr_db_col_int64(st, 0);
  col_copy(st, 1, last_hash, ARR_HASH_HEX);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_audit_set_head(arr_db *db, int64_t last_id, const char *last_hash,
                                arr_err *err) {
  PREPARE("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1");
  arr_db_bind_int64(st, 1, last_id);
  arr_db_bind_cstr(st, 2, last_hash);
  return arr_db_run(st, err);
}

arr_rc arr_store_audit_insert(arr_db *db, const arr_audit_event *e, arr_err *err) {
  PREPARE("INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail,"
          " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  arr_db_bind_int64(st, 1, e->id);
  arr_db_bind_cstr(st, 2, e->at);
  arr_db_bind_cstr(st, 3, e->actor);
  arr_db_bind_cstr(st, 4, e->action);
  arr_db_bind_cstr(st, 5, e->entity);
  arr_db_bind_cstr(st, 6, e->entity_id);
  arr_db_bind_cstr(st, 7, e->detail);
  arr_db_bind_cstr(st, 8, e->prev_hash);
  arr_db_bind_cstr(st, 9, e->hash);
  return arr_db_run(st, err);
}

void store_read_audit_event(const arr_stmt *st, void *out) {
  arr_audit_event *e = out;
  e->id = arr_db_col_int64(st, 0);
  col_copy(st, 1, e->at, sizeof e->at);
  col_copy(st, 2, e->actor, sizeof e->actor);
  col_copy(st, 3, e->action, sizeof e->action);
  col_copy(st, 4, e->entity, sizeof e->entity);
  col_copy(st, 5, e->entity_id, sizeof e->entity_id);
  col_copy(st, 6, e->detail, sizeof e->detail);
  col_copy(st, 7, e->prev_hash, sizeof e->prev_hash);
  col_copy(st, 8, e->hash, sizeof e->hash);
}

arr_rc arr_store_audit_scan(arr_db *db, int64_t after_id, arr_audit_event *out, int cap,
                            int *n, arr_err *err) {
  PREPARE("SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash"
          " FROM audit_log WHERE id > ? ORDER BY id LIMIT ?");
  arr_db_bind_int64(st, 1, after_id);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, store_read_audit_event, err);
}
