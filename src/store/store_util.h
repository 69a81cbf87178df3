/*
 * store_util.h — the helpers every store_*.c file shares: the PREPARE macro (cached
 * statement or return), NULL-aware column reads and binds, single-row and list reads.
 * Private to src/store.
 */
#ifndef ARR_STORE_UTIL_H
#define ARR_STORE_UTIL_H

#include <string.h>

#include "store/store.h"

/* ---- small helpers ---- */

#define PREPARE(sql)                                                                     \
  arr_stmt *st = NULL;                                                                   \
  do {                                                                                   \
    arr_rc prc_ = arr_db_prepare(db, (sql), &st, err);                                   \
    if (prc_ != ARR_OK) {                                                                \
      return prc_;                                                                       \
    }                                                                                    \
  } while (0)

static inline void col_copy(const arr_stmt *st, int col, char *buf, size_t cap) {
  const char *s = arr_db_col_text(st, col);
  if (s == NULL) {
    buf[0] = '\0';
    return;
  }
  size_t n = arr_db_col_len(st, col);
  if (n >= cap) {
    n = cap - 1; /* bounded by the writers; truncation here means a schema drift */
  }
  memcpy(buf, s, n);
  buf[n] = '\0';
}

static inline arr_date col_date(const arr_stmt *st, int col) {
  const char *s = arr_db_col_text(st, col);
  arr_date d;
  if (s == NULL || !arr_date_parse(s, arr_db_col_len(st, col), &d)) {
    return ARR_DATE_NONE;
  }
  return d;
}

static inline int64_t col_i64(const arr_stmt *st, int col) {
  return arr_db_col_is_null(st, col) ? 0 : arr_db_col_int64(st, col);
}

static inline void bind_date(arr_stmt *st, int idx, arr_date d) {
  if (d == ARR_DATE_NONE) {
    arr_db_bind_null(st, idx);
    return;
  }
  char buf[ARR_DATE_FMT_MAX];
  arr_date_format(d, buf);
  arr_db_bind_text(st, idx, buf, 10);
}

/* Empty strings are stored as NULL for optional text. */
static inline void bind_opt(arr_stmt *st, int idx, const char *s) {
  if (s == NULL || s[0] == '\0') {
    arr_db_bind_null(st, idx);
  } else {
    arr_db_bind_cstr(st, idx, s);
  }
}

static inline void bind_opt_id(arr_stmt *st, int idx, int64_t id) {
  if (id == 0) {
    arr_db_bind_null(st, idx);
  } else {
    arr_db_bind_int64(st, idx, id);
  }
}

/* Runs an INSERT ... RETURNING id and stores the id. */
static inline arr_rc run_returning_id(arr_stmt *st, int64_t *id_out, arr_err *err) {
  arr_rc rc = arr_db_insert(st, id_out, err);
  if (rc == ARR_OK && *id_out == 0) {
    rc = arr_err_set(err, ARR_ERR_DB, "insert returned no id");
  }
  return rc;
}

/* Steps a single-row lookup; ARR_ERR_NOTFOUND (message what_fmt) when empty. The
 * caller reads columns, then resets. */
static inline arr_rc step_one(arr_stmt *st, arr_err *err, const char *what) {
  arr_rc rc = arr_db_step(st, err);
  if (rc != ARR_OK) {
    arr_db_reset(st);
    return rc;
  }
  if (!arr_db_has_row(st)) {
    arr_db_reset(st);
    return arr_err_set(err, ARR_ERR_NOTFOUND, "%s not found", what);
  }
  return ARR_OK;
}

/* Reads every row of st (at most cap) into out[], an array of elements of size bytes,
 * with read(); *n receives the count. The shared loop of all list reads. */
typedef void (*row_reader)(const arr_stmt *st, void *out);

/* A row_reader for one-column id lists. */
static inline void read_id(const arr_stmt *st, void *out) {
  *(int64_t *)out = arr_db_col_int64(st, 0);
}

static inline arr_rc read_rows(arr_stmt *st, void *out, size_t size, int cap, int *n,
                               row_reader read, arr_err *err) {
  *n = 0;
  arr_rc rc;
  while ((rc = arr_db_step(st, err)) == ARR_OK && arr_db_has_row(st) && *n < cap) {
    read(st, (char *)out + (size_t)(*n)++ * size);
  }
  arr_db_reset(st);
  return rc;
}

/* The columns store_read_account reads (29, from 0), over accounts a and clients c. */
#define ACCOUNT_SELECT_COLS                                                              \
  "a.id, a.client_id, a.debtor_id, a.placement_id, a.collector_id, c.code,"              \
  " c.allocation_order, a.client_account, a.original_creditor, a.account_type, "         \
  "a.status,"                                                                            \
  " a.currency, a.placed_on, a.open_date, a.charge_off_date, a.first_delinquency_on,"    \
  " a.last_payment_on, a.itemization_date, a.interest_rate_pct_e4, a.principal_cents,"   \
  " a.interest_cents, a.fees_cents, a.costs_cents, a.credit_cents, a.ledger_head,"       \
  " a.attributes, a.creditor_last_payment_on, a.itemization_basis,"                      \
  " a.federal_loan_bundle"
/* How many columns ACCOUNT_SELECT_COLS has: queries that select more after them read
 * those from this index on. */
#define ACCOUNT_NCOLS 29
#define ACCOUNT_FROM " FROM accounts a JOIN clients c ON c.id = a.client_id"
#define ACCOUNT_COLS ACCOUNT_SELECT_COLS ACCOUNT_FROM

/* Reads one audit_log row (id, at, actor, action, entity, entity_id, detail,
 * prev_hash, hash) into an arr_audit_event. */
void store_read_audit_event(const arr_stmt *st, void *out);

/* Reads one ACCOUNT_SELECT_COLS row into an arr_account. */
void store_read_account(const arr_stmt *st, void *out);

#endif
