/*
 * store_letters.c — letters and emails made by the letters run, the admins' template
 * versions, what the run looks for (plans changed, cease and verification events,
 * accounts paid off, in a date window), and skip-trace requests from returned mail.
 *
 * A letter row is the record that the letter exists: (account, template, trigger key)
 * is unique, so a rerun of the same date, or a later date's run seeing the same
 * trigger, cannot make it twice. The row keeps the filled fields, from which the PDF
 * is rendered again on demand.
 */
#include <stdlib.h>

#include "store/store_util.h"

#define LETTER_COLS                                                                      \
  "id, account_id, debtor_id, channel, template, language, template_version,"            \
  " trigger_key, as_of, sent_on, status, address_id, email_id, recipient, pages,"        \
  " fields, returned_on, return_reason, created_at, actor"

static void read_letter(const arr_stmt *st, void *out) {
  arr_letter_row *l = out;
  l->id = arr_db_col_int64(st, 0);
  l->account_id = arr_db_col_int64(st, 1);
  l->debtor_id = arr_db_col_int64(st, 2);
  col_copy(st, 3, l->channel, sizeof l->channel);
  col_copy(st, 4, l->template_name, sizeof l->template_name);
  col_copy(st, 5, l->language, sizeof l->language);
  l->template_version = arr_db_col_int64(st, 6);
  col_copy(st, 7, l->trigger_key, sizeof l->trigger_key);
  l->as_of = col_date(st, 8);
  l->sent_on = col_date(st, 9);
  col_copy(st, 10, l->status, sizeof l->status);
  l->address_id = col_i64(st, 11);
  l->email_id = col_i64(st, 12);
  col_copy(st, 13, l->recipient, sizeof l->recipient);
  l->pages = (int)arr_db_col_int64(st, 14);
  col_copy(st, 15, l->fields, sizeof l->fields);
  l->returned_on = col_date(st, 16);
  col_copy(st, 17, l->return_reason, sizeof l->return_reason);
  col_copy(st, 18, l->created_at, sizeof l->created_at);
  col_copy(st, 19, l->actor, sizeof l->actor);
}

arr_rc arr_store_letter_insert(arr_db *db, arr_letter_row *l, const char *now_iso,
                               arr_err *err) {
  PREPARE("INSERT INTO letters (account_id, debtor_id, channel, template, language,"
          " template_version, trigger_key, as_of, sent_on, status, address_id, email_id,"
          " recipient, pages, fields, created_at, actor)"
          " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
  arr_db_bind_int64(st, 1, l->account_id);
  arr_db_bind_int64(st, 2, l->debtor_id);
  arr_db_bind_cstr(st, 3, l->channel);
  arr_db_bind_cstr(st, 4, l->template_name);
  arr_db_bind_cstr(st, 5, l->language);
  arr_db_bind_int64(st, 6, l->template_version);
  arr_db_bind_cstr(st, 7, l->trigger_key);
  bind_date(st, 8, l->as_of);
  bind_date(st, 9, l->sent_on);
  arr_db_bind_cstr(st, 10, l->status);
  bind_opt_id(st, 11, l->address_id);
  bind_opt_id(st, 12, l->email_id);
  arr_db_bind_cstr(st, 13, l->recipient);
  arr_db_bind_int64(st, 14, l->pages);
  arr_db_bind_cstr(st, 15, l->fields);
  arr_db_bind_cstr(st, 16, now_iso);
  arr_db_bind_cstr(st, 17, l->actor);
  return run_returning_id(st, &l->id, err);
}

arr_rc arr_store_letter_get(arr_db *db, int64_t id, arr_letter_row *out, arr_err *err) {
  PREPARE("SELECT " LETTER_COLS " FROM letters WHERE id = ?");
  arr_db_bind_int64(st, 1, id);
  arr_rc rc = step_one(st, err, "letter");
  if (rc == ARR_OK) {
    read_letter(st, out);
    arr_db_reset(st);
  }
  return rc;
}

arr_rc arr_store_letter_find(arr_db *db, int64_t account_id, const char *template_name,
                             const char *trigger_key, int64_t *id_out, arr_err *err) {
  PREPARE("SELECT id FROM letters WHERE account_id = ? AND template = ?"
          " AND trigger_key = ?");
  arr_db_bind_int64(st, 1, account_id);
  arr_db_bind_cstr(st, 2, template_name);
  arr_db_bind_cstr(st, 3, trigger_key);
  arr_rc rc = arr_db_step(st, err);
  *id_out = rc == ARR_OK && arr_db_has_row(st) ? arr_db_col_int64(st, 0) : 0;
  arr_db_reset(st);
  return rc;
}

arr_rc arr_store_letter_last_sent(arr_db *db, int64_t account_id,
                                  const char *template_name, arr_date *out,
                                  arr_err *err) {
  PREPARE("SELECT MAX(sent_on) FROM letters WHERE account_id = ? AND template = ?");
  arr_db_bind_int64(st, 1, account_id);
  arr_db_bind_cstr(st, 2, template_name);
  arr_rc rc = arr_db_step(st, err);
  *out = rc == ARR_OK && arr_db_has_row(st) ? col_date(st, 0) : ARR_DATE_NONE;
  arr_db_reset(st);
  return rc;
}

arr_rc arr_store_letters_of_run(arr_db *db, arr_date as_of, int64_t after_id,
                                arr_letter_row *out, int cap, int *n, arr_err *err) {
  PREPARE("SELECT " LETTER_COLS " FROM letters WHERE as_of = ? AND id > ?"
          " ORDER BY id LIMIT ?");
  bind_date(st, 1, as_of);
  arr_db_bind_int64(st, 2, after_id);
  arr_db_bind_int64(st, 3, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_letter, err);
}

arr_rc arr_store_letters_of_account(arr_db *db, int64_t account_id, arr_letter_row *out,
                                    int cap, int *n, arr_err *err) {
  PREPARE("SELECT " LETTER_COLS " FROM letters WHERE account_id = ?"
          " ORDER BY id DESC LIMIT ?");
  arr_db_bind_int64(st, 1, account_id);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_letter, err);
}

arr_rc arr_store_letter_set_status(arr_db *db, int64_t id, const char *status,
                                   arr_date returned_on, const char *reason,
                                   arr_err *err) {
  PREPARE("UPDATE letters SET status = ?, returned_on = ?, return_reason = ?"
          " WHERE id = ?");
  arr_db_bind_cstr(st, 1, status);
  bind_date(st, 2, returned_on);
  bind_opt(st, 3, reason);
  arr_db_bind_int64(st, 4, id);
  return arr_db_run(st, err);
}

arr_rc arr_store_letter_set_pages(arr_db *db, int64_t id, int pages, arr_err *err) {
  PREPARE("UPDATE letters SET pages = ? WHERE id = ?");
  arr_db_bind_int64(st, 1, pages);
  arr_db_bind_int64(st, 2, id);
  return arr_db_run(st, err);
}

/* ---- templates ---- */

static void read_template(const arr_stmt *st, void *out) {
  arr_template_row *t = out;
  t->id = arr_db_col_int64(st, 0);
  col_copy(st, 1, t->name, sizeof t->name);
  col_copy(st, 2, t->language, sizeof t->language);
  t->version = arr_db_col_int64(st, 3);
  col_copy(st, 4, t->note, sizeof t->note);
  col_copy(st, 5, t->created_by, sizeof t->created_by);
  col_copy(st, 6, t->created_at, sizeof t->created_at);
}

arr_rc arr_store_template_insert(arr_db *db, arr_template_row *t, const char *body,
                                 const char *now_iso, arr_err *err) {
  PREPARE("INSERT INTO letter_templates (name, language, version, body, note,"
          " created_by, created_at) VALUES (?,?,?,?,?,?,?) RETURNING id");
  arr_db_bind_cstr(st, 1, t->name);
  arr_db_bind_cstr(st, 2, t->language);
  arr_db_bind_int64(st, 3, t->version);
  arr_db_bind_cstr(st, 4, body);
  bind_opt(st, 5, t->note);
  arr_db_bind_cstr(st, 6, t->created_by);
  arr_db_bind_cstr(st, 7, now_iso);
  return run_returning_id(st, &t->id, err);
}

arr_rc arr_store_template_get(arr_db *db, const char *name, const char *language,
                              int64_t version, arr_template_row *out, char **body,
                              arr_err *err) {
  /* version < 0: the newest. */
  PREPARE("SELECT id, name, language, version, note, created_by, created_at, body"
          " FROM letter_templates WHERE name = ? AND language = ?"
          " AND (? < 0 OR version = ?) ORDER BY version DESC LIMIT 1");
  arr_db_bind_cstr(st, 1, name);
  arr_db_bind_cstr(st, 2, language);
  arr_db_bind_int64(st, 3, version);
  arr_db_bind_int64(st, 4, version);
  arr_rc rc = step_one(st, err, "template version");
  if (rc != ARR_OK) {
    return rc;
  }
  read_template(st, out);
  if (body != NULL) {
    size_t n = arr_db_col_len(st, 7);
    *body = malloc(n + 1);
    if (*body == NULL) {
      rc = arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
    } else {
      memcpy(*body, arr_db_col_text(st, 7), n);
      (*body)[n] = '\0';
    }
  }
  arr_db_reset(st);
  return rc;
}

arr_rc arr_store_template_versions(arr_db *db, arr_template_row *out, int cap, int *n,
                                   arr_err *err) {
  PREPARE("SELECT id, name, language, version, note, created_by, created_at"
          " FROM letter_templates ORDER BY name, language, version DESC LIMIT ?");
  arr_db_bind_int64(st, 1, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_template, err);
}

/* ---- what the run looks for ---- */

static void read_trigger(const arr_stmt *st, void *out) {
  arr_letter_trigger *t = out;
  t->ref_id = arr_db_col_int64(st, 0);
  t->account_id = arr_db_col_int64(st, 1);
  col_copy(st, 2, t->kind, sizeof t->kind);
  col_copy(st, 3, t->status, sizeof t->status);
  col_copy(st, 4, t->at, sizeof t->at);
}

arr_rc arr_store_plan_changes(arr_db *db, const char *from_iso, const char *to_iso,
                              int64_t after_id, arr_letter_trigger *out, int cap, int *n,
                              arr_err *err) {
  PREPARE("SELECT id, account_id, kind, status, updated_at FROM plans"
          " WHERE updated_at >= ? AND updated_at < ? AND id > ? ORDER BY id LIMIT ?");
  arr_db_bind_cstr(st, 1, from_iso);
  arr_db_bind_cstr(st, 2, to_iso);
  arr_db_bind_int64(st, 3, after_id);
  arr_db_bind_int64(st, 4, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_trigger, err);
}

arr_rc arr_store_events_between(arr_db *db, const char *type, const char *from_iso,
                                const char *to_iso, int64_t after_id,
                                arr_letter_trigger *out, int cap, int *n, arr_err *err) {
  PREPARE("SELECT id, account_id, type, '', at FROM account_events"
          " WHERE type = ? AND at >= ? AND at < ? AND id > ? ORDER BY id LIMIT ?");
  arr_db_bind_cstr(st, 1, type);
  arr_db_bind_cstr(st, 2, from_iso);
  arr_db_bind_cstr(st, 3, to_iso);
  arr_db_bind_int64(st, 4, after_id);
  arr_db_bind_int64(st, 5, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_trigger, err);
}

arr_rc arr_store_paid_off_between(arr_db *db, arr_date from, arr_date to,
                                  int64_t after_id, arr_letter_trigger *out, int cap,
                                  int *n, arr_err *err) {
  PREPARE("SELECT id, id, 'paid', status, last_payment_on FROM accounts"
          " WHERE principal_cents + interest_cents + fees_cents + costs_cents <= 0"
          " AND last_payment_on >= ? AND last_payment_on <= ? AND id > ?"
          " ORDER BY id LIMIT ?");
  bind_date(st, 1, from);
  bind_date(st, 2, to);
  arr_db_bind_int64(st, 3, after_id);
  arr_db_bind_int64(st, 4, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_trigger, err);
}

arr_rc arr_store_debtor_account_ids(arr_db *db, int64_t debtor_id, int64_t *ids, int cap,
                                    int *n, arr_err *err) {
  PREPARE("SELECT id FROM accounts WHERE debtor_id = ? ORDER BY id LIMIT ?");
  arr_db_bind_int64(st, 1, debtor_id);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, ids, sizeof *ids, cap, n, read_id, err);
}

/* ---- skip tracing ---- */

arr_rc arr_store_skip_trace_insert(arr_db *db, int64_t account_id, const char *reason,
                                   const char *source, arr_date on, const char *now_iso,
                                   const char *actor, int64_t *id_out, arr_err *err) {
  PREPARE("INSERT INTO skip_trace_requests (account_id, reason, source, requested_on,"
          " created_at, actor) VALUES (?,?,?,?,?,?) RETURNING id");
  arr_db_bind_int64(st, 1, account_id);
  arr_db_bind_cstr(st, 2, reason);
  arr_db_bind_cstr(st, 3, source);
  bind_date(st, 4, on);
  arr_db_bind_cstr(st, 5, now_iso);
  arr_db_bind_cstr(st, 6, actor);
  return run_returning_id(st, id_out, err);
}

arr_rc arr_store_skip_trace_open(arr_db *db, int64_t account_id, bool *open,
                                 arr_err *err) {
  PREPARE("SELECT COUNT(*) FROM skip_trace_requests WHERE account_id = ?"
          " AND status = 'open'");
  arr_db_bind_int64(st, 1, account_id);
  arr_rc rc = arr_db_step(st, err);
  *open = rc == ARR_OK && arr_db_has_row(st) && arr_db_col_int64(st, 0) > 0;
  arr_db_reset(st);
  return rc;
}
