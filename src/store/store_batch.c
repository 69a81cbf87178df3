/*
 * store_batch.c — what the nightly batch reads and writes (see store.h): its runs with
 * their checkpoints, the per-account batch state, and the chunk prefetches (principal
 * movements by day, hold events, settlements) that let it decide a chunk of accounts
 * in memory.
 */
#include "store/store.h"
#include "store/store_util.h"

#define RUN_COLS                                                                         \
  "id, as_of, status, phase, last_account_id, accounts, interest_entries,"               \
  " interest_cents, time_barred, started_at, finished_at, actor"

static void read_run(const arr_stmt *st, void *out) {
  arr_batch_run *r = out;
  r->id = arr_db_col_int64(st, 0);
  r->as_of = col_date(st, 1);
  col_copy(st, 2, r->status, sizeof r->status);
  col_copy(st, 3, r->phase, sizeof r->phase);
  r->last_account_id = arr_db_col_int64(st, 4);
  r->accounts = arr_db_col_int64(st, 5);
  r->interest_entries = arr_db_col_int64(st, 6);
  r->interest_cents = arr_db_col_int64(st, 7);
  r->time_barred = arr_db_col_int64(st, 8);
  col_copy(st, 9, r->started_at, sizeof r->started_at);
  col_copy(st, 10, r->finished_at, sizeof r->finished_at);
  col_copy(st, 11, r->actor, sizeof r->actor);
}

static arr_rc run_one(arr_stmt *st, arr_batch_run *out, bool *found, arr_err *err) {
  int n = 0;
  arr_rc rc = read_rows(st, out, sizeof *out, 1, &n, read_run, err);
  *found = rc == ARR_OK && n == 1;
  return rc;
}

arr_rc arr_store_batch_run_get(arr_db *db, arr_date as_of, arr_batch_run *out,
                               bool *found, arr_err *err) {
  PREPARE("SELECT " RUN_COLS " FROM batch_runs WHERE as_of = ?");
  bind_date(st, 1, as_of);
  return run_one(st, out, found, err);
}

arr_rc arr_store_batch_run_latest(arr_db *db, arr_batch_run *out, bool *found,
                                  arr_err *err) {
  PREPARE("SELECT " RUN_COLS " FROM batch_runs ORDER BY as_of DESC LIMIT 1");
  return run_one(st, out, found, err);
}

arr_rc arr_store_batch_run_insert(arr_db *db, arr_batch_run *r, arr_err *err) {
  PREPARE("INSERT INTO batch_runs (as_of, status, phase, started_at, actor)"
          " VALUES (?, ?, ?, ?, ?) RETURNING id");
  bind_date(st, 1, r->as_of);
  arr_db_bind_cstr(st, 2, r->status);
  arr_db_bind_cstr(st, 3, r->phase);
  arr_db_bind_cstr(st, 4, r->started_at);
  arr_db_bind_cstr(st, 5, r->actor);
  return run_returning_id(st, &r->id, err);
}

arr_rc arr_store_batch_run_save(arr_db *db, const arr_batch_run *r, arr_err *err) {
  PREPARE(
      "UPDATE batch_runs SET status = ?, phase = ?, last_account_id = ?, accounts = ?,"
      " interest_entries = ?, interest_cents = ?, time_barred = ?, finished_at = ?"
      " WHERE id = ?");
  arr_db_bind_cstr(st, 1, r->status);
  arr_db_bind_cstr(st, 2, r->phase);
  arr_db_bind_int64(st, 3, r->last_account_id);
  arr_db_bind_int64(st, 4, r->accounts);
  arr_db_bind_int64(st, 5, r->interest_entries);
  arr_db_bind_int64(st, 6, r->interest_cents);
  arr_db_bind_int64(st, 7, r->time_barred);
  bind_opt(st, 8, r->finished_at);
  arr_db_bind_int64(st, 9, r->id);
  return arr_db_run(st, err);
}

#define RANGE_COLS                                                                       \
  "run_id, seq, first_id, last_id, done_through, accounts, interest_entries,"            \
  " interest_cents, time_barred"

static void read_range(const arr_stmt *st, void *out) {
  arr_batch_range *r = out;
  int64_t *v[] = {
      &r->run_id,       &r->seq,      &r->first_id,         &r->last_id,
      &r->done_through, &r->accounts, &r->interest_entries, &r->interest_cents,
      &r->time_barred};
  for (int i = 0; i < (int)(sizeof v / sizeof v[0]); i++) {
    *v[i] = arr_db_col_int64(st, i);
  }
}

arr_rc arr_store_batch_ranges(arr_db *db, int64_t run_id, arr_batch_range *out, int cap,
                              int *n, arr_err *err) {
  PREPARE("SELECT " RANGE_COLS " FROM batch_run_ranges WHERE run_id = ? ORDER BY seq");
  arr_db_bind_int64(st, 1, run_id);
  return read_rows(st, out, sizeof *out, cap, n, read_range, err);
}

arr_rc arr_store_batch_range_insert(arr_db *db, const arr_batch_range *r, arr_err *err) {
  PREPARE("INSERT INTO batch_run_ranges (" RANGE_COLS
          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const int64_t v[] = {
      r->run_id,       r->seq,      r->first_id,         r->last_id,
      r->done_through, r->accounts, r->interest_entries, r->interest_cents,
      r->time_barred};
  for (int i = 0; i < (int)(sizeof v / sizeof v[0]); i++) {
    arr_db_bind_int64(st, i + 1, v[i]);
  }
  return arr_db_run(st, err);
}

arr_rc arr_store_batch_range_save(arr_db *db, const arr_batch_range *r, arr_err *err) {
  PREPARE("UPDATE batch_run_ranges SET done_through = ?, accounts = ?,"
          " interest_entries = ?, interest_cents = ?, time_barred = ?"
          " WHERE run_id = ? AND seq = ?");
  const int64_t v[] = {r->done_through,
                       r->accounts,
                       r->interest_entries,
                       r->interest_cents,
                       r->time_barred,
                       r->run_id,
                       r->seq};
  for (int i = 0; i < (int)(sizeof v / sizeof v[0]); i++) {
    arr_db_bind_int64(st, i + 1, v[i]);
  }
  return arr_db_run(st, err);
}

arr_rc arr_store_account_id_bounds(arr_db *db, int64_t after, int64_t *lo, int64_t *hi,
                                   arr_err *err) {
  PREPARE("SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM accounts WHERE id > ?");
  arr_db_bind_int64(st, 1, after);
  arr_rc rc = arr_db_step(st, err);
  *lo = *hi = 0;
  if (rc == ARR_OK && arr_db_has_row(st)) {
    *lo = arr_db_col_int64(st, 0);
    *hi = arr_db_col_int64(st, 1);
  }
  arr_db_reset(st);
  return rc;
}

static void read_account_batch(const arr_stmt *st, void *out) {
  arr_account_batch *b = out;
  b->account_id = arr_db_col_int64(st, 0);
  b->as_of = col_date(st, 1);
  b->accrual.accrued_through = col_date(st, 2);
  b->accrual.carry = arr_db_col_int64(st, 3);
  col_copy(st, 4, b->age_bucket, sizeof b->age_bucket);
  b->time_barred = arr_db_col_int64(st, 5) != 0;
  b->score = arr_db_col_is_null(st, 6) ? -1 : arr_db_col_int64(st, 6);
  col_copy(st, 7, b->queue, sizeof b->queue);
  b->priority = col_i64(st, 8);
  col_copy(st, 9, b->arm, sizeof b->arm);
  b->strategy_version = col_i64(st, 10);
}

#define ACCOUNT_BATCH_COLS                                                               \
  "account_id, as_of, accrued_through, interest_carry, age_bucket, time_barred, score,"  \
  " queue, priority, arm, strategy_version"

arr_rc arr_store_account_batch_range(arr_db *db, int64_t first, int64_t last,
                                     arr_account_batch *out, int cap, int *n,
                                     arr_err *err) {
  PREPARE("SELECT " ACCOUNT_BATCH_COLS " FROM account_batch WHERE account_id BETWEEN ?"
          " AND ? ORDER BY account_id LIMIT ?");
  arr_db_bind_int64(st, 1, first);
  arr_db_bind_int64(st, 2, last);
  arr_db_bind_int64(st, 3, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_account_batch, err);
}

arr_rc arr_store_account_batch_get(arr_db *db, int64_t account_id, arr_account_batch *out,
                                   bool *found, arr_err *err) {
  int n = 0;
  arr_rc rc = arr_store_account_batch_range(db, account_id, account_id, out, 1, &n, err);
  *found = rc == ARR_OK && n == 1;
  return rc;
}

/* Binds b's columns after account_id from index `first` on (as_of ... strategy_version,
 * ten of them, in ACCOUNT_BATCH_COLS order). */
static void bind_account_batch(arr_stmt *st, int first, const arr_account_batch *b) {
  int i = first;
  bind_date(st, i++, b->as_of);
  bind_date(st, i++, b->accrual.accrued_through);
  arr_db_bind_int64(st, i++, b->accrual.carry);
  arr_db_bind_cstr(st, i++, b->age_bucket);
  arr_db_bind_int64(st, i++, b->time_barred ? 1 : 0);
  if (b->score < 0) {
    arr_db_bind_null(st, i++);
  } else {
    arr_db_bind_int64(st, i++, b->score);
  }
  bind_opt(st, i++, b->queue);
  bind_opt_id(st, i++, b->priority);
  bind_opt(st, i++, b->arm);
  bind_opt_id(st, i, b->strategy_version);
}

arr_rc arr_store_account_batch_put(arr_db *db, const arr_account_batch *b, arr_err *err) {
  PREPARE(
      "INSERT INTO account_batch (" ACCOUNT_BATCH_COLS ")"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET"
      " as_of = excluded.as_of, accrued_through = excluded.accrued_through,"
      " interest_carry = excluded.interest_carry, age_bucket = excluded.age_bucket,"
      " time_barred = excluded.time_barred, score = excluded.score,"
      " queue = excluded.queue, priority = excluded.priority, arm = excluded.arm,"
      " strategy_version = excluded.strategy_version");
  arr_db_bind_int64(st, 1, b->account_id);
  bind_account_batch(st, 2, b);
  return arr_db_run(st, err);
}

arr_rc arr_store_account_batch_update(arr_db *db, const arr_account_batch *b,
                                      bool *updated, arr_err *err) {
  PREPARE("UPDATE account_batch SET as_of = ?, accrued_through = ?, interest_carry = ?,"
          " age_bucket = ?, time_barred = ?, score = ?, queue = ?, priority = ?, arm = ?,"
          " strategy_version = ? WHERE account_id = ?");
  bind_account_batch(st, 1, b);
  arr_db_bind_int64(st, 11, b->account_id);
  arr_rc rc = arr_db_run(st, err);
  *updated = rc == ARR_OK && arr_db_changes(st) == 1;
  return rc;
}

/* The accounts the batch accrues interest on (service/batch.c: an open account's
 * rate; a closed account accrues nothing). */
#define ACCRUES "a.status = 'open' AND a.interest_rate_pct_e4 > 0"

static void read_principal_day(const arr_stmt *st, void *out) {
  arr_principal_day *d = out;
  d->account_id = arr_db_col_int64(st, 0);
  d->on = col_date(st, 1);
  d->delta_cents = arr_db_col_int64(st, 2);
}

arr_rc arr_store_principal_days(arr_db *db, int64_t first, int64_t last,
                                arr_principal_day *out, int cap, int *n, arr_err *err) {
  /* From the index on (account_id, effective_on, principal_cents) alone: entries that
   * move no principal (interest) add nothing to a day, and the accounts that do not
   * accrue are passed over by the batch itself, which has their rows in memory. */
  PREPARE("SELECT account_id, effective_on, SUM(principal_cents) FROM ledger_entries"
          " WHERE account_id BETWEEN ? AND ? AND principal_cents <> 0"
          " GROUP BY account_id, effective_on ORDER BY account_id, effective_on LIMIT ?");
  arr_db_bind_int64(st, 1, first);
  arr_db_bind_int64(st, 2, last);
  arr_db_bind_int64(st, 3, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_principal_day, err);
}

static void read_hold(const arr_stmt *st, void *out) {
  arr_hold_event *h = out;
  h->account_id = arr_db_col_int64(st, 0);
  col_copy(st, 1, h->type, sizeof h->type);
  col_copy(st, 2, h->at, sizeof h->at);
  col_copy(st, 3, h->released_at, sizeof h->released_at);
}

arr_rc arr_store_hold_events(arr_db *db, int64_t first, int64_t last, arr_hold_event *out,
                             int cap, int *n, arr_err *err) {
  /* "p.status || ''": an equality on plans.status would have SQLite read every plan of
   * that status through plans_status, for every chunk, instead of the chunk's range. */
  PREPARE("SELECT e.account_id, e.type, e.at, e.released_at FROM account_events e"
          " JOIN accounts a ON a.id = e.account_id WHERE e.account_id BETWEEN ? AND ?"
          " AND " ACCRUES " AND e.type IN ('dispute_written', 'verification_sent',"
          " 'bankruptcy_filed')"
          " UNION ALL SELECT p.account_id, 'settlement', p.starts_on, NULL FROM plans p"
          " JOIN accounts a ON a.id = p.account_id WHERE p.account_id BETWEEN ? AND ?"
          " AND " ACCRUES " AND p.kind = 'settlement' AND p.status || '' IN ('active',"
          " 'offered', 'completed') ORDER BY 1, 3, 2 LIMIT ?");
  arr_db_bind_int64(st, 1, first);
  arr_db_bind_int64(st, 2, last);
  arr_db_bind_int64(st, 3, first);
  arr_db_bind_int64(st, 4, last);
  arr_db_bind_int64(st, 5, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_hold, err);
}
