/*
 * store_compliance.c — the facts the compliance engine decides on: account events
 * (disputes, cease, consent, opt-outs...), a debtor's recent contacts across their
 * accounts, and the admins' rule switches (see store.h).
 */
#include "store/store.h"
#include "store/store_util.h"

arr_rc arr_store_event_insert(arr_db *db, arr_account_event *e, const char *now_iso,
                              arr_err *err) {
  PREPARE("INSERT INTO account_events (account_id, type, at, released_at, note, data,"
          " actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_int64(st, 1, e->account_id);
  arr_db_bind_cstr(st, 2, e->type);
  arr_db_bind_cstr(st, 3, e->at);
  bind_opt(st, 4, e->released_at);
  bind_opt(st, 5, e->note);
  bind_opt(st, 6, e->data);
  arr_db_bind_cstr(st, 7, e->actor);
  arr_db_bind_cstr(st, 8, now_iso);
  return run_returning_id(st, &e->id, err);
}

arr_rc arr_store_bundle_accounts(arr_db *db, int64_t debtor_id, const char *bundle,
                                 int64_t *ids, int cap, int *n, arr_err *err) {
  PREPARE("SELECT id FROM accounts WHERE debtor_id = ? AND federal_loan_bundle = ?"
          " ORDER BY id LIMIT ?");
  arr_db_bind_int64(st, 1, debtor_id);
  arr_db_bind_cstr(st, 2, bundle);
  arr_db_bind_int64(st, 3, cap);
  return read_rows(st, ids, sizeof *ids, cap, n, read_id, err);
}

static void read_event(const arr_stmt *st, void *out) {
  arr_account_event *e = out;
  e->id = arr_db_col_int64(st, 0);
  e->account_id = arr_db_col_int64(st, 1);
  col_copy(st, 2, e->type, sizeof e->type);
  col_copy(st, 3, e->at, sizeof e->at);
  col_copy(st, 4, e->released_at, sizeof e->released_at);
  col_copy(st, 5, e->note, sizeof e->note);
  col_copy(st, 6, e->data, sizeof e->data);
  col_copy(st, 7, e->actor, sizeof e->actor);
}

arr_rc arr_store_event_list(arr_db *db, int64_t account_id, arr_account_event *out,
                            int cap, int *n, arr_err *err) {
  PREPARE("SELECT id, account_id, type, at, released_at, note, data, actor"
          " FROM account_events WHERE account_id = ? ORDER BY at, id LIMIT ?");
  arr_db_bind_int64(st, 1, account_id);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_event, err);
}

arr_rc arr_store_event_release(arr_db *db, int64_t account_id, const char *type,
                               const char *released_at, int64_t *changed, arr_err *err) {
  PREPARE("UPDATE account_events SET released_at = ? WHERE account_id = ? AND type = ?"
          " AND released_at IS NULL");
  arr_db_bind_cstr(st, 1, released_at);
  arr_db_bind_int64(st, 2, account_id);
  arr_db_bind_cstr(st, 3, type);
  arr_rc rc = arr_db_run(st, err);
  *changed = rc == ARR_OK ? arr_db_changes(st) : 0;
  return rc;
}

static void read_contact_row(const arr_stmt *st, void *out) {
  arr_contact *c = out;
  memset(c, 0, sizeof *c);
  c->id = arr_db_col_int64(st, 0);
  c->account_id = arr_db_col_int64(st, 1);
  c->debtor_id = arr_db_col_int64(st, 2);
  col_copy(st, 3, c->channel, sizeof c->channel);
  col_copy(st, 4, c->target, sizeof c->target);
  col_copy(st, 5, c->at, sizeof c->at);
  col_copy(st, 6, c->outcome, sizeof c->outcome);
}

arr_rc arr_store_contacts_for_debtor(arr_db *db, int64_t debtor_id, const char *since_iso,
                                     arr_contact *out, int cap, int *n, arr_err *err) {
  PREPARE("SELECT id, account_id, debtor_id, channel, target, at, outcome FROM contacts"
          " WHERE debtor_id = ? AND at >= ? ORDER BY at DESC LIMIT ?");
  arr_db_bind_int64(st, 1, debtor_id);
  arr_db_bind_cstr(st, 2, since_iso);
  arr_db_bind_int64(st, 3, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_contact_row, err);
}

static void read_contact_actor(const arr_stmt *st, void *out) {
  read_contact_row(st, out);
  arr_contact *c = out;
  col_copy(st, 7, c->actor, sizeof c->actor);
  col_copy(st, 8, c->override_reason, sizeof c->override_reason);
  col_copy(st, 9, c->review, sizeof c->review);
}

arr_rc arr_store_contacts_between(arr_db *db, const char *from_iso, const char *to_iso,
                                  arr_contact *out, int cap, int *n, arr_err *err) {
  PREPARE("SELECT id, account_id, debtor_id, channel, target, at, outcome, actor,"
          " override_reason, review FROM contacts WHERE at >= ? AND at < ?"
          " ORDER BY at, id LIMIT ?");
  arr_db_bind_cstr(st, 1, from_iso);
  arr_db_bind_cstr(st, 2, to_iso);
  arr_db_bind_int64(st, 3, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_contact_actor, err);
}

arr_rc arr_store_rule_settings(arr_db *db, char (*ids)[33], bool *enabled, int cap,
                               int *n, arr_err *err) {
  PREPARE(
      "SELECT rule_id, enabled FROM compliance_rule_settings ORDER BY rule_id LIMIT ?");
  arr_db_bind_int64(st, 1, cap);
  *n = 0;
  arr_rc rc;
  while ((rc = arr_db_step(st, err)) == ARR_OK && arr_db_has_row(st) && *n < cap) {
    col_copy(st, 0, ids[*n], 33);
    enabled[*n] = arr_db_col_int64(st, 1) != 0;
    (*n)++;
  }
  arr_db_reset(st);
  return rc;
}

arr_rc arr_store_rule_setting_put(arr_db *db, const char *rule_id, bool enabled,
                                  const char *actor, const char *now_iso, arr_err *err) {
  PREPARE(
      "INSERT INTO compliance_rule_settings (rule_id, enabled, changed_by, changed_at)"
      " VALUES (?, ?, ?, ?) ON CONFLICT (rule_id) DO UPDATE SET enabled ="
      " excluded.enabled, changed_by = excluded.changed_by, changed_at ="
      " excluded.changed_at");
  arr_db_bind_cstr(st, 1, rule_id);
  arr_db_bind_int64(st, 2, enabled ? 1 : 0);
  arr_db_bind_cstr(st, 3, actor);
  arr_db_bind_cstr(st, 4, now_iso);
  return arr_db_run(st, err);
}
