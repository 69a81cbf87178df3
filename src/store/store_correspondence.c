/*
 * store_correspondence.c — inbound correspondence: the documents (scans, emails)
 * and the items filed to accounts, with the compliance event an item set (see
 * store.h).
 *
 * A document's content is base64 text in documents.data (both engines store it
 * alike); it is read only when asked for, never by lists. Lists read each item with
 * its document's row and its event through left joins, newest received first.
 */
#include <stdlib.h>

#include "store/store.h"
#include "store/store_util.h"

arr_rc arr_store_document_insert(arr_db *db, arr_document *d, const char *data_b64,
                                 arr_err *err) {
  PREPARE("INSERT INTO documents (file_name, content_type, size_bytes, sha256, data,"
          " created_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_cstr(st, 1, d->file_name);
  arr_db_bind_cstr(st, 2, d->content_type);
  arr_db_bind_int64(st, 3, d->size_bytes);
  arr_db_bind_cstr(st, 4, d->sha256);
  arr_db_bind_cstr(st, 5, data_b64);
  arr_db_bind_cstr(st, 6, d->created_at);
  arr_db_bind_cstr(st, 7, d->actor);
  return run_returning_id(st, &d->id, err);
}

/* Copies column col into a malloc'd NUL-terminated string (NULL for SQL NULL). */
static arr_rc col_malloc(const arr_stmt *st, int col, char **out, size_t *len,
                         arr_err *err) {
  *out = NULL;
  if (len != NULL) {
    *len = 0;
  }
  const char *s = arr_db_col_text(st, col);
  if (s == NULL) {
    return ARR_OK;
  }
  size_t n = arr_db_col_len(st, col);
  char *copy = malloc(n + 1);
  if (copy == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory reading %zu bytes", n);
  }
  memcpy(copy, s, n);
  copy[n] = '\0';
  *out = copy;
  if (len != NULL) {
    *len = n;
  }
  return ARR_OK;
}

arr_rc arr_store_document_get(arr_db *db, int64_t id, arr_document *out, char **data_b64,
                              size_t *b64_len, arr_err *err) {
  /* Two statements, so that reading the row alone never fetches the content. */
  const char *sql_row = "SELECT id, file_name, content_type, size_bytes, sha256,"
                        " created_at, actor, NULL FROM documents WHERE id = ?";
  const char *sql_data = "SELECT id, file_name, content_type, size_bytes, sha256,"
                         " created_at, actor, data FROM documents WHERE id = ?";
  arr_stmt *st = NULL;
  arr_rc rc = arr_db_prepare(db, data_b64 != NULL ? sql_data : sql_row, &st, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_db_bind_int64(st, 1, id);
  rc = step_one(st, err, "document");
  if (rc != ARR_OK) {
    return rc;
  }
  memset(out, 0, sizeof *out);
  out->id = arr_db_col_int64(st, 0);
  col_copy(st, 1, out->file_name, sizeof out->file_name);
  col_copy(st, 2, out->content_type, sizeof out->content_type);
  out->size_bytes = col_i64(st, 3);
  col_copy(st, 4, out->sha256, sizeof out->sha256);
  col_copy(st, 5, out->created_at, sizeof out->created_at);
  col_copy(st, 6, out->actor, sizeof out->actor);
  if (data_b64 != NULL) {
    rc = col_malloc(st, 7, data_b64, b64_len, err);
  }
  arr_db_reset(st);
  return rc;
}

arr_rc arr_store_correspondence_insert(arr_db *db, arr_correspondence *c,
                                       const char *body_text, arr_err *err) {
  PREPARE("INSERT INTO correspondence (account_id, channel, kind, suggested_kind,"
          " suggested_phrase, received_on, subject, body_text, document_id, event_id,"
          " created_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_int64(st, 1, c->account_id);
  arr_db_bind_cstr(st, 2, c->channel);
  arr_db_bind_cstr(st, 3, c->kind);
  bind_opt(st, 4, c->suggested_kind);
  bind_opt(st, 5, c->suggested_phrase);
  bind_date(st, 6, c->received_on);
  bind_opt(st, 7, c->subject);
  bind_opt(st, 8, body_text);
  bind_opt_id(st, 9, c->document_id);
  bind_opt_id(st, 10, c->event_id);
  arr_db_bind_cstr(st, 11, c->created_at);
  arr_db_bind_cstr(st, 12, c->actor);
  return run_returning_id(st, &c->id, err);
}

/* The columns an item is read with, over correspondence c, documents d and
 * account_events e (read_item reads them in this order). */
#define ITEM_COLS                                                                        \
  "SELECT c.id, c.account_id, c.channel, c.kind, c.suggested_kind, c.suggested_phrase,"  \
  " c.received_on, c.subject, c.document_id, c.event_id, c.created_at, c.actor,"         \
  " CASE WHEN c.body_text IS NULL THEN 0 ELSE 1 END, d.file_name, d.content_type,"       \
  " d.size_bytes, d.sha256, d.created_at, d.actor, e.type, e.at, e.released_at"          \
  " FROM correspondence c LEFT JOIN documents d ON d.id = c.document_id"                 \
  " LEFT JOIN account_events e ON e.id = c.event_id"

static void read_item(const arr_stmt *st, void *out) {
  arr_correspondence *c = out;
  memset(c, 0, sizeof *c);
  c->id = arr_db_col_int64(st, 0);
  c->account_id = arr_db_col_int64(st, 1);
  col_copy(st, 2, c->channel, sizeof c->channel);
  col_copy(st, 3, c->kind, sizeof c->kind);
  col_copy(st, 4, c->suggested_kind, sizeof c->suggested_kind);
  col_copy(st, 5, c->suggested_phrase, sizeof c->suggested_phrase);
  c->received_on = col_date(st, 6);
  col_copy(st, 7, c->subject, sizeof c->subject);
  c->document_id = col_i64(st, 8);
  c->event_id = col_i64(st, 9);
  col_copy(st, 10, c->created_at, sizeof c->created_at);
  col_copy(st, 11, c->actor, sizeof c->actor);
  c->has_body_text = col_i64(st, 12) != 0;
  if (c->document_id != 0) {
    c->document.id = c->document_id;
    col_copy(st, 13, c->document.file_name, sizeof c->document.file_name);
    col_copy(st, 14, c->document.content_type, sizeof c->document.content_type);
    c->document.size_bytes = col_i64(st, 15);
    col_copy(st, 16, c->document.sha256, sizeof c->document.sha256);
    col_copy(st, 17, c->document.created_at, sizeof c->document.created_at);
    col_copy(st, 18, c->document.actor, sizeof c->document.actor);
  }
  if (c->event_id != 0) {
    col_copy(st, 19, c->event_type, sizeof c->event_type);
    col_copy(st, 20, c->event_at, sizeof c->event_at);
    col_copy(st, 21, c->event_released_at, sizeof c->event_released_at);
  }
}

arr_rc arr_store_correspondence_get(arr_db *db, int64_t id, arr_correspondence *out,
                                    arr_err *err) {
  PREPARE(ITEM_COLS " WHERE c.id = ?");
  arr_db_bind_int64(st, 1, id);
  arr_rc rc = step_one(st, err, "correspondence");
  if (rc == ARR_OK) {
    read_item(st, out);
    arr_db_reset(st);
  }
  return rc;
}

arr_rc arr_store_correspondence_body(arr_db *db, int64_t id, char **text, arr_err *err) {
  PREPARE("SELECT body_text FROM correspondence WHERE id = ?");
  arr_db_bind_int64(st, 1, id);
  arr_rc rc = step_one(st, err, "correspondence");
  if (rc == ARR_OK) {
    rc = col_malloc(st, 0, text, NULL, err);
    arr_db_reset(st);
  }
  return rc;
}

arr_rc arr_store_correspondence_list(arr_db *db, int64_t account_id, int64_t before_id,
                                     arr_correspondence *out, int cap, int *n,
                                     arr_err *err) {
  /* Keyset on (received_on, id) descending; the cursor item's received_on is read
   * from its row. */
  PREPARE(ITEM_COLS
          " WHERE c.account_id = ? AND (? = 0 OR c.received_on <"
          " (SELECT received_on FROM correspondence WHERE id = ?) OR (c.received_on ="
          " (SELECT received_on FROM correspondence WHERE id = ?) AND c.id < ?))"
          " ORDER BY c.received_on DESC, c.id DESC LIMIT ?");
  arr_db_bind_int64(st, 1, account_id);
  arr_db_bind_int64(st, 2, before_id);
  arr_db_bind_int64(st, 3, before_id);
  arr_db_bind_int64(st, 4, before_id);
  arr_db_bind_int64(st, 5, before_id);
  arr_db_bind_int64(st, 6, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_item, err);
}

arr_rc arr_store_correspondence_set_kind(arr_db *db, int64_t id, const char *kind,
                                         int64_t event_id, arr_err *err) {
  PREPARE("UPDATE correspondence SET kind = ?, event_id = CASE WHEN ? = 0 THEN event_id"
          " ELSE ? END WHERE id = ?");
  arr_db_bind_cstr(st, 1, kind);
  arr_db_bind_int64(st, 2, event_id);
  arr_db_bind_int64(st, 3, event_id);
  arr_db_bind_int64(st, 4, id);
  arr_rc rc = arr_db_run(st, err);
  if (rc == ARR_OK && arr_db_changes(st) == 0) {
    rc = arr_err_set(err, ARR_ERR_NOTFOUND, "correspondence %lld not found",
                     (long long)id);
  }
  return rc;
}
