/*
 * store_work.c — the reads and writes of the collector's workstation: notes and call
 * history, promises taken on a call, the search box, account summaries for lists, the
 * work queue, and the audit log as a filtered, newest-first list (see store.h).
 *
 * Every list takes a cap and a keyset or offset cursor, so no request reads an
 * unbounded result. Searches use the indexes of migration 0002 (debtors by lower-case
 * last name and by SSN last four, phones by number) and the (client_id,
 * client_account) unique index for account numbers.
 */
#include "store/store.h"
#include "store/store_util.h"

/* ---- notes and contacts ---- */

static void read_note(const arr_stmt *st, void *out) {
  arr_note *n = out;
  n->id = arr_db_col_int64(st, 0);
  n->account_id = arr_db_col_int64(st, 1);
  col_copy(st, 2, n->body, sizeof n->body);
  col_copy(st, 3, n->actor, sizeof n->actor);
  col_copy(st, 4, n->created_at, sizeof n->created_at);
}

arr_rc arr_store_note_list(arr_db *db, int64_t account_id, int64_t before_id,
                           arr_note *out, int cap, int *n, arr_err *err) {
  PREPARE("SELECT id, account_id, body, actor, created_at FROM notes"
          " WHERE account_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?");
  arr_db_bind_int64(st, 1, account_id);
  arr_db_bind_int64(st, 2, before_id);
  arr_db_bind_int64(st, 3, before_id);
  arr_db_bind_int64(st, 4, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_note, err);
}

static void read_contact(const arr_stmt *st, void *out) {
  arr_contact *c = out;
  c->id = arr_db_col_int64(st, 0);
  c->account_id = arr_db_col_int64(st, 1);
  c->debtor_id = arr_db_col_int64(st, 2);
  col_copy(st, 3, c->channel, sizeof c->channel);
  col_copy(st, 4, c->target, sizeof c->target);
  col_copy(st, 5, c->at, sizeof c->at);
  col_copy(st, 6, c->outcome, sizeof c->outcome);
  col_copy(st, 7, c->actor, sizeof c->actor);
  col_copy(st, 8, c->created_at, sizeof c->created_at);
  col_copy(st, 9, c->reason, sizeof c->reason);
  col_copy(st, 10, c->note, sizeof c->note);
  c->promise_id = col_i64(st, 11);
  c->promise_amount_cents = col_i64(st, 12);
  col_copy(st, 13, c->promise_currency, sizeof c->promise_currency);
  c->promise_due_on = col_date(st, 14);
  col_copy(st, 15, c->promise_status, sizeof c->promise_status);
  col_copy(st, 16, c->override_reason, sizeof c->override_reason);
  col_copy(st, 17, c->override_by, sizeof c->override_by);
  col_copy(st, 18, c->review, sizeof c->review);
}

arr_rc arr_store_contact_list(arr_db *db, int64_t account_id, int64_t before_id,
                              arr_contact *out, int cap, int *n, arr_err *err) {
  /* One promise at most is taken per contact (arr_svc_contact_log), so the join
   * adds no rows. */
  PREPARE(
      "SELECT c.id, c.account_id, c.debtor_id, c.channel, c.target, c.at, c.outcome,"
      " c.actor, c.created_at, c.reason, c.note, p.id, p.amount_cents, p.currency,"
      " p.due_on, p.status, c.override_reason, c.override_by, c.review FROM contacts c"
      " LEFT JOIN promises p ON p.contact_id = c.id"
      " WHERE c.account_id = ? AND (? = 0 OR c.id < ?) ORDER BY c.id DESC LIMIT ?");
  arr_db_bind_int64(st, 1, account_id);
  arr_db_bind_int64(st, 2, before_id);
  arr_db_bind_int64(st, 3, before_id);
  arr_db_bind_int64(st, 4, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_contact, err);
}

/* ---- promises ---- */

arr_rc arr_store_promise_insert(arr_db *db, arr_promise *p, const char *now_iso,
                                arr_err *err) {
  PREPARE("INSERT INTO promises (account_id, contact_id, amount_cents, currency, due_on,"
          " status, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_int64(st, 1, p->account_id);
  bind_opt_id(st, 2, p->contact_id);
  arr_db_bind_int64(st, 3, p->amount_cents);
  arr_db_bind_cstr(st, 4, p->currency[0] ? p->currency : "USD");
  bind_date(st, 5, p->due_on);
  arr_db_bind_cstr(st, 6, p->status[0] ? p->status : "open");
  arr_db_bind_cstr(st, 7, p->actor);
  arr_db_bind_cstr(st, 8, now_iso);
  return run_returning_id(st, &p->id, err);
}

arr_rc arr_store_promise_get(arr_db *db, int64_t id, arr_promise *out, arr_err *err) {
  PREPARE("SELECT id, account_id, contact_id, amount_cents, currency, due_on, status,"
          " actor, created_at FROM promises WHERE id = ?");
  arr_db_bind_int64(st, 1, id);
  arr_rc rc = step_one(st, err, "promise");
  if (rc != ARR_OK) {
    return rc;
  }
  out->id = arr_db_col_int64(st, 0);
  out->account_id = arr_db_col_int64(st, 1);
  out->contact_id = col_i64(st, 2);
  out->amount_cents = arr_db_col_int64(st, 3);
  col_copy(st, 4, out->currency, sizeof out->currency);
  out->due_on = col_date(st, 5);
  col_copy(st, 6, out->status, sizeof out->status);
  col_copy(st, 7, out->actor, sizeof out->actor);
  col_copy(st, 8, out->created_at, sizeof out->created_at);
  arr_db_reset(st);
  return ARR_OK;
}

/* ---- account summaries, search, work queue ---- */

#define SUMMARY_SELECT                                                                   \
  "SELECT " ACCOUNT_SELECT_COLS ", d.first_name, d.last_name, u.username"
#define SUMMARY_JOINS                                                                    \
  ACCOUNT_FROM " JOIN debtors d ON d.id = a.debtor_id"                                   \
               " LEFT JOIN users u ON u.id = a.collector_id"

static void read_summary(const arr_stmt *st, void *out) {
  arr_account_summary *s = out;
  store_read_account(st, &s->a);
  col_copy(st, ACCOUNT_NCOLS, s->first_name, sizeof s->first_name);
  col_copy(st, ACCOUNT_NCOLS + 1, s->last_name, sizeof s->last_name);
  col_copy(st, ACCOUNT_NCOLS + 2, s->collector, sizeof s->collector);
  bool queued = arr_db_col_count(st) > ACCOUNT_NCOLS + 6;
  s->worked_today =
      arr_db_col_count(st) > ACCOUNT_NCOLS + 3 && col_i64(st, ACCOUNT_NCOLS + 3) != 0;
  s->queue[0] = '\0';
  s->priority = -1;
  s->score = -1;
  if (queued) {
    col_copy(st, ACCOUNT_NCOLS + 4, s->queue, sizeof s->queue);
    s->priority = arr_db_col_is_null(st, ACCOUNT_NCOLS + 5)
                      ? -1
                      : arr_db_col_int64(st, ACCOUNT_NCOLS + 5);
    s->score = arr_db_col_is_null(st, ACCOUNT_NCOLS + 6)
                   ? -1
                   : arr_db_col_int64(st, ACCOUNT_NCOLS + 6);
  }
}

arr_rc arr_store_account_summaries(arr_db *db, const arr_account_filter *f,
                                   arr_account_summary *out, int cap, int *n,
                                   arr_err *err) {
  PREPARE(SUMMARY_SELECT SUMMARY_JOINS " WHERE a.id > ? AND (? = 0 OR a.client_id = ?)"
                                       " AND (CAST(? AS TEXT) IS NULL OR a.status = ?)"
                                       " ORDER BY a.id LIMIT ?");
  int limit = f->limit < cap ? f->limit : cap;
  arr_db_bind_int64(st, 1, f->after_id);
  arr_db_bind_int64(st, 2, f->client_id);
  arr_db_bind_int64(st, 3, f->client_id);
  bind_opt(st, 4, f->status);
  bind_opt(st, 5, f->status);
  arr_db_bind_int64(st, 6, limit);
  return read_rows(st, out, sizeof *out, limit, n, read_summary, err);
}

static const char *search_sql(arr_search_kind kind) {
  switch (kind) {
  case ARR_SEARCH_CLIENT_ACCOUNT:
    /* The IN list lets both engines probe the (client_id, client_account) unique
     * index once per client instead of scanning accounts. */
    return SUMMARY_SELECT SUMMARY_JOINS
        " WHERE a.client_id IN (SELECT id FROM clients) AND a.client_account = ?"
        " AND ? = ? AND (? = 0 OR a.client_id = ?) ORDER BY a.id LIMIT ?";
  case ARR_SEARCH_SSN_LAST4:
    return SUMMARY_SELECT SUMMARY_JOINS " WHERE d.ssn_last4 = ? AND ? = ?"
                                        " AND (? = 0 OR a.client_id = ?)"
                                        " ORDER BY a.id LIMIT ?";
  case ARR_SEARCH_PHONE:
    return SUMMARY_SELECT SUMMARY_JOINS
        " WHERE a.debtor_id IN (SELECT p.debtor_id FROM phones p WHERE p.number = ?)"
        " AND ? = ? AND (? = 0 OR a.client_id = ?) ORDER BY a.id LIMIT ?";
  case ARR_SEARCH_NAME:
    /* key is a lower-case last-name prefix: the range [key, key || U+FFFF) uses the
     * lower(last_name) index; key2 (first name prefix, may be "") filters. */
    return SUMMARY_SELECT SUMMARY_JOINS
        " WHERE lower(d.last_name) >= ? AND lower(d.last_name) < ? || '\xef\xbf\xbf'"
        " AND lower(d.first_name) LIKE ? AND (? = 0 OR a.client_id = ?)"
        " ORDER BY a.id LIMIT ?";
  }
  return NULL;
}

arr_rc arr_store_account_search(arr_db *db, arr_search_kind kind, const char *key,
                                const char *key2, int64_t client_id,
                                arr_account_summary *out, int cap, int *n, arr_err *err) {
  const char *sql = search_sql(kind);
  if (sql == NULL) {
    return arr_err_set(err, ARR_ERR_INVALID, "unknown search kind");
  }
  PREPARE(sql);
  char like[210];
  if (kind == ARR_SEARCH_NAME) {
    size_t len = key2 != NULL ? strlen(key2) : 0;
    if (len > 200) {
      len = 200;
    }
    memcpy(like, key2 != NULL ? key2 : "", len);
    like[len] = '%';
    like[len + 1] = '\0';
    arr_db_bind_cstr(st, 1, key);
    arr_db_bind_cstr(st, 2, key);
    arr_db_bind_cstr(st, 3, like);
  } else {
    arr_db_bind_cstr(st, 1, key);
    arr_db_bind_int64(st, 2, 1);
    arr_db_bind_int64(st, 3, 1);
  }
  arr_db_bind_int64(st, 4, client_id);
  arr_db_bind_int64(st, 5, client_id);
  arr_db_bind_int64(st, 6, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_summary, err);
}

#define WORKED_TODAY                                                                     \
  "(EXISTS (SELECT 1 FROM contacts x WHERE x.account_id = a.id AND x.actor = ?"          \
  " AND x.at >= ?) OR EXISTS (SELECT 1 FROM notes x WHERE x.account_id = a.id"           \
  " AND x.actor = ? AND x.created_at >= ?) OR EXISTS (SELECT 1 FROM payments x"          \
  " WHERE x.account_id = a.id AND x.actor = ? AND x.created_at >= ?))"

arr_rc arr_store_work_queue(arr_db *db, int64_t collector_id, const char *actor,
                            const char *since_iso, bool only_unworked, int64_t offset,
                            arr_account_summary *out, int cap, int *n, arr_err *err) {
  /* Once the nightly batch has run, its strategy orders the queue (priority, then the
   * propensity score) and takes held accounts out of it; before that, the largest
   * balance comes first. */
  PREPARE(SUMMARY_SELECT ", CASE WHEN " WORKED_TODAY " THEN 1 ELSE 0 END, ab.queue,"
                         " ab.priority, ab.score" SUMMARY_JOINS
                         " LEFT JOIN account_batch ab ON ab.account_id = a.id"
                         " WHERE a.collector_id = ? AND a.status = 'open'"
                         " AND NOT EXISTS (SELECT 1 FROM plans p WHERE p.account_id ="
                         " a.id AND p.status IN ('active', 'offered'))"
                         " AND (ab.queue IS NULL OR ab.queue <> 'hold')"
                         " AND (? = 0 OR NOT " WORKED_TODAY ")"
                         " ORDER BY COALESCE(ab.priority, -1) DESC,"
                         " COALESCE(ab.score, -1) DESC,"
                         " a.principal_cents + a.interest_cents + a.fees_cents"
                         " + a.costs_cents + a.credit_cents DESC, a.id LIMIT ? OFFSET ?");
  int i = 1;
  for (int k = 0; k < 3; k++) {
    arr_db_bind_cstr(st, i++, actor);
    arr_db_bind_cstr(st, i++, since_iso);
  }
  arr_db_bind_int64(st, i++, collector_id);
  arr_db_bind_int64(st, i++, only_unworked ? 1 : 0);
  for (int k = 0; k < 3; k++) {
    arr_db_bind_cstr(st, i++, actor);
    arr_db_bind_cstr(st, i++, since_iso);
  }
  arr_db_bind_int64(st, i++, cap);
  arr_db_bind_int64(st, i++, offset);
  return read_rows(st, out, sizeof *out, cap, n, read_summary, err);
}

/* ---- audit log ---- */

static arr_rc audit_list_run(arr_stmt *st, const arr_audit_filter *f, int64_t cursor,
                             arr_audit_event *out, int cap, int *n, arr_err *err) {
  const char *action = f->action != NULL ? f->action : "";
  const char *entity = f->entity != NULL ? f->entity : "";
  const char *entity_id = f->entity_id != NULL ? f->entity_id : "";
  arr_db_bind_int64(st, 1, cursor);
  arr_db_bind_int64(st, 2, cursor);
  arr_db_bind_cstr(st, 3, action);
  arr_db_bind_cstr(st, 4, action);
  arr_db_bind_cstr(st, 5, entity);
  arr_db_bind_cstr(st, 6, entity);
  arr_db_bind_cstr(st, 7, entity_id);
  arr_db_bind_cstr(st, 8, entity_id);
  arr_db_bind_int64(st, 9, cap);
  return read_rows(st, out, sizeof *out, cap, n, store_read_audit_event, err);
}

#define AUDIT_FILTER                                                                     \
  " AND (? = '' OR action = ?) AND (? = '' OR entity = ?) AND (? = '' OR entity_id = ?)"

arr_rc arr_store_audit_list(arr_db *db, const arr_audit_filter *f, arr_audit_event *out,
                            int cap, int *n, arr_err *err) {
  if (f->after_id >= 0) {
    PREPARE("SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash"
            " FROM audit_log WHERE (? < 0 OR id > ?)" AUDIT_FILTER
            " ORDER BY id LIMIT ?");
    return audit_list_run(st, f, f->after_id, out, cap, n, err);
  }
  PREPARE("SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash"
          " FROM audit_log WHERE (? = 0 OR id < ?)" AUDIT_FILTER
          " ORDER BY id DESC LIMIT ?");
  return audit_list_run(st, f, f->before_id, out, cap, n, err);
}

/* ---- supervisors' view of the queues ---- */

static void read_queue_count(const arr_stmt *st, void *out) {
  arr_queue_count *q = out;
  col_copy(st, 0, q->collector, sizeof q->collector);
  col_copy(st, 1, q->queue, sizeof q->queue);
  q->accounts = arr_db_col_int64(st, 2);
  q->worked_today = arr_db_col_int64(st, 3);
  q->balance_cents = arr_db_col_int64(st, 4);
}

arr_rc arr_store_queue_counts(arr_db *db, const char *since_iso, arr_queue_count *out,
                              int cap, int *n, arr_err *err) {
  PREPARE("SELECT u.username, COALESCE(ab.queue, ''), COUNT(*),"
          " SUM(CASE WHEN EXISTS (SELECT 1 FROM contacts x WHERE x.account_id = a.id AND"
          " x.actor = u.username AND x.at >= ?) OR EXISTS (SELECT 1 FROM notes x WHERE"
          " x.account_id = a.id AND x.actor = u.username AND x.created_at >= ?) OR"
          " EXISTS (SELECT 1 FROM payments x WHERE x.account_id = a.id AND x.actor ="
          " u.username AND x.created_at >= ?) THEN 1 ELSE 0 END),"
          " SUM(a.principal_cents + a.interest_cents + a.fees_cents + a.costs_cents +"
          " a.credit_cents)"
          " FROM accounts a JOIN users u ON u.id = a.collector_id"
          " LEFT JOIN account_batch ab ON ab.account_id = a.id WHERE a.status = 'open'"
          " GROUP BY u.username, COALESCE(ab.queue, '') ORDER BY 1, 2 LIMIT ?");
  arr_db_bind_cstr(st, 1, since_iso);
  arr_db_bind_cstr(st, 2, since_iso);
  arr_db_bind_cstr(st, 3, since_iso);
  arr_db_bind_int64(st, 4, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_queue_count, err);
}
