/*
 * db_pg.c — the PostgreSQL engine behind db.h, over libpq's synchronous API.
 *
 * Connect: PQconnectdb with the caller's URI, then SET client_min_messages=warning so
 * migrations' NOTICEs ("table ... does not exist, skipping") do not reach stderr.
 *
 * Statements: the `?` SQL is rewritten to $1..$n (db.c) and PQprepare'd once per
 * connection under the name "s<counter>"; parameter types are left to the server to
 * infer from context (write CAST(? AS BIGINT) where context gives none). Parameters
 * are sent as text: each has a reusable buffer, so rebinding in a loop does not
 * allocate once warmed up. The first arr_db_step runs PQexecPrepared and keeps the
 * whole result; later steps walk its rows. The result is held until reset/prepare.
 *
 * Errors: SQLSTATE 23505 (unique_violation) is ARR_ERR_CONFLICT. Messages carry the
 * server's primary message and the SQLSTATE but not its DETAIL line, which quotes key
 * values and could put PII into logs and API errors.
 *
 * Unlike SQLite, any error inside a PostgreSQL transaction aborts the transaction:
 * later statements fail until rollback, and COMMIT would silently roll back. Commit
 * therefore checks for that state and reports it as an error instead of success.
 * Store code that wants "insert if absent" inside a transaction should use
 * INSERT ... ON CONFLICT DO NOTHING, which both engines accept.
 */
#include "store/db_impl.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies src into dst as one line: libpq messages end in "\n" and may span lines. */
static void one_line(char *dst, size_t cap, const char *src) {
  size_t n = 0;
  for (const char *p = src; *p != '\0' && n + 1 < cap; p++) {
    char c = *p;
    dst[n++] = (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  while (n > 0 && dst[n - 1] == ' ') {
    n--;
  }
  dst[n] = '\0';
}

/* Fills err from a failed result (res may be NULL: out of memory or connection lost,
 * then the connection's message is used). Returns the mapped code. */
static arr_rc fail_res(arr_db *db, const PGresult *res, arr_err *err, const char *sql) {
  const char *state = NULL;
  const char *primary = NULL;
  if (res != NULL) {
    state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  }
  arr_rc rc = ARR_ERR_DB;
  if (state != NULL && strcmp(state, "23505") == 0) {
    rc = ARR_ERR_CONFLICT;
  }
  char msg[400];
  if (primary != NULL) {
    snprintf(msg, sizeof msg, "%s [SQLSTATE %s]", primary, state != NULL ? state : "?");
  } else {
    one_line(msg, sizeof msg, PQerrorMessage(db->h.pg));
  }
  return arr_db__fail(err, rc, msg, sql);
}

/* Runs a parameterless command; any result other than success is an error. */
static arr_rc simple(arr_db *db, const char *sql, arr_err *err) {
  PGresult *r = PQexec(db->h.pg, sql);
  ExecStatusType s = r != NULL ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  arr_rc rc = ARR_OK;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY) {
    rc = fail_res(db, r, err, sql);
  }
  PQclear(r);
  return rc;
}

arr_rc arr_pg_open(arr_db *db, const char *url, arr_err *err) {
  PGconn *c = PQconnectdb(url);
  if (c == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "Out of memory connecting to PostgreSQL.");
  }
  db->h.pg = c; /* closed by arr_db_close even when the connection failed */
  if (PQstatus(c) != CONNECTION_OK) {
    char msg[400];
    one_line(msg, sizeof msg, PQerrorMessage(c));
    return arr_err_set(err, ARR_ERR_DB, "Cannot connect to PostgreSQL: %s.", msg);
  }
  return simple(db, "SET client_min_messages = warning", err);
}

void arr_pg_close(arr_db *db) {
  PQfinish(db->h.pg); /* server-side prepared statements die with the session */
  db->h.pg = NULL;
}

arr_rc arr_pg_exec(arr_db *db, const char *sql, arr_err *err) {
  return simple(db, sql, err);
}

arr_rc arr_pg_begin(arr_db *db, arr_err *err) {
  return simple(db, "BEGIN", err);
}

arr_rc arr_pg_begin_read(arr_db *db, arr_err *err) {
  return simple(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err);
}

arr_rc arr_pg_commit(arr_db *db, arr_err *err) {
  if (PQtransactionStatus(db->h.pg) == PQTRANS_INERROR) {
    arr_pg_rollback(db);
    return arr_db__fail(err, ARR_ERR_DB,
                        "the transaction was aborted by an earlier error and has been "
                        "rolled back",
                        "COMMIT");
  }
  PGresult *r = PQexec(db->h.pg, "COMMIT");
  arr_rc rc = ARR_OK;
  if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
    rc = fail_res(db, r, err, "COMMIT");
  } else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
    /* The server answers COMMIT of a failed transaction with a ROLLBACK tag. */
    rc = arr_db__fail(err, ARR_ERR_DB, "the transaction was rolled back by the server",
                      "COMMIT");
  }
  PQclear(r);
  return rc;
}

arr_rc arr_pg_rollback(arr_db *db) {
  if (PQtransactionStatus(db->h.pg) == PQTRANS_IDLE) {
    return ARR_OK;
  }
  return simple(db, "ROLLBACK", NULL);
}

bool arr_pg_in_tx(const arr_db *db) {
  PGTransactionStatusType s = PQtransactionStatus(db->h.pg);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR;
}

arr_rc arr_pg_prepare(arr_db *db, arr_stmt *st, arr_err *err) {
  int n = 0;
  char *text = arr_db__rewrite_placeholders(st->sql, &n);
  if (text == NULL) {
    if (n > ARR_DB_MAX_PARAMS) {
      return arr_db__fail(err, ARR_ERR_DB, "too many parameters", st->sql);
    }
    return arr_err_set(err, ARR_ERR_NOMEM, "Out of memory preparing a statement.");
  }
  snprintf(st->u.pg.name, sizeof st->u.pg.name, "s%u", db->next_name++);
  PGresult *r = PQprepare(db->h.pg, st->u.pg.name, text, 0, NULL);
  free(text);
  arr_rc rc = ARR_OK;
  if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
    rc = fail_res(db, r, err, st->sql);
  }
  PQclear(r);
  if (rc != ARR_OK) {
    return rc;
  }
  /* One more round trip, once per statement and connection, so arr_db_col_count
   * works before the first step as it does on SQLite. */
  r = PQdescribePrepared(db->h.pg, st->u.pg.name);
  if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
    rc = fail_res(db, r, err, st->sql);
    PQclear(r);
    return rc;
  }
  st->u.pg.ncols = PQnfields(r);
  PQclear(r);
  st->u.pg.nparams = n;
  st->u.pg.row = -1;
  if (n > 0) {
    st->u.pg.params = calloc((size_t)n, sizeof *st->u.pg.params);
    st->u.pg.values = calloc((size_t)n, sizeof *st->u.pg.values);
    if (st->u.pg.params == NULL || st->u.pg.values == NULL) {
      arr_pg_finalize(st);
      return arr_err_set(err, ARR_ERR_NOMEM, "Out of memory preparing a statement.");
    }
  }
  return ARR_OK;
}

void arr_pg_finalize(arr_stmt *st) {
  PQclear(st->u.pg.res);
  st->u.pg.res = NULL;
  if (st->u.pg.params != NULL) {
    for (int i = 0; i < st->u.pg.nparams; i++) {
      free(st->u.pg.params[i].buf);
    }
  }
  free(st->u.pg.params);
  free(st->u.pg.values);
  st->u.pg.params = NULL;
  st->u.pg.values = NULL;
}

void arr_pg_reset(arr_stmt *st, bool clear_bindings) {
  PQclear(st->u.pg.res);
  st->u.pg.res = NULL;
  st->u.pg.row = -1;
  st->u.pg.nrows = 0;
  if (clear_bindings && st->u.pg.nparams > 0) {
    memset(st->u.pg.values, 0, (size_t)st->u.pg.nparams * sizeof *st->u.pg.values);
  }
}

/* Returns parameter idx's buffer with room for need bytes, or NULL after recording
 * the bind failure (index out of range or out of memory). */
static char *param_buf(arr_stmt *st, int idx, size_t need) {
  if (idx < 1 || idx > st->u.pg.nparams) {
    arr_db__bind_fail(st, idx, "is out of range for this statement");
    return NULL;
  }
  arr_pg_param *p = &st->u.pg.params[idx - 1];
  if (p->cap < need) {
    size_t cap = p->cap * 2;
    if (cap < need) {
      cap = need < 32 ? 32 : need;
    }
    char *buf = realloc(p->buf, cap);
    if (buf == NULL) {
      st->u.pg.values[idx - 1] = NULL;
      arr_db__bind_fail(st, idx, "could not be bound (out of memory)");
      return NULL;
    }
    p->buf = buf;
    p->cap = cap;
  }
  st->u.pg.values[idx - 1] = p->buf;
  return p->buf;
}

void arr_pg_bind_int64(arr_stmt *st, int idx, int64_t v) {
  char *out = param_buf(st, idx, 24);
  if (out == NULL) {
    return;
  }
  /* Digits in reverse from the magnitude as uint64, which INT64_MIN also has. */
  char tmp[24];
  size_t n = 0;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    tmp[n++] = (char)('0' + (int)(u % 10));
    u /= 10;
  } while (u != 0);
  size_t k = 0;
  if (v < 0) {
    out[k++] = '-';
  }
  while (n > 0) {
    out[k++] = tmp[--n];
  }
  out[k] = '\0';
}

void arr_pg_bind_text(arr_stmt *st, int idx, const char *s, size_t len) {
  char *out = param_buf(st, idx, len + 1);
  if (out == NULL) {
    return;
  }
  memcpy(out, s, len);
  out[len] = '\0';
}

void arr_pg_bind_null(arr_stmt *st, int idx) {
  if (idx < 1 || idx > st->u.pg.nparams) {
    arr_db__bind_fail(st, idx, "is out of range for this statement");
    return;
  }
  st->u.pg.values[idx - 1] = NULL;
}

/* Rows changed, for INSERT/UPDATE/DELETE/MERGE only: PQcmdTuples also counts the
 * rows of SELECT, FETCH, MOVE and COPY, which the contract does not call changes. */
static int64_t changed_rows(PGresult *r) {
  const char *tag = PQcmdStatus(r);
  static const char *const verbs[] = {"INSERT ", "UPDATE ", "DELETE ", "MERGE "};
  for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
    if (strncmp(tag, verbs[i], strlen(verbs[i])) == 0) {
      return strtoll(PQcmdTuples(r), NULL, 10);
    }
  }
  return 0;
}

/* Executes st and keeps its result. */
static arr_rc execute(arr_stmt *st, arr_err *err) {
  arr_db *db = st->db;
  PGresult *r = PQexecPrepared(db->h.pg, st->u.pg.name, st->u.pg.nparams, st->u.pg.values,
                               NULL, NULL, 0);
  ExecStatusType s = r != NULL ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
    arr_rc rc = fail_res(db, r, err, st->sql);
    PQclear(r);
    return rc;
  }
  st->u.pg.res = r;
  st->u.pg.nrows = PQntuples(r);
  st->u.pg.row = -1;
  st->changes = changed_rows(r);
  return ARR_OK;
}

arr_rc arr_pg_step(arr_stmt *st, arr_err *err) {
  if (!st->started) {
    st->started = true;
    st->changes = 0;
    arr_rc rc = execute(st, err);
    if (rc != ARR_OK) {
      st->done = true;
      st->has_row = false;
      return rc;
    }
  }
  st->u.pg.row++;
  st->has_row = st->u.pg.row < st->u.pg.nrows;
  st->done = !st->has_row;
  return ARR_OK;
}

bool arr_pg_col_is_null(const arr_stmt *st, int col) {
  return PQgetisnull(st->u.pg.res, st->u.pg.row, col) != 0;
}

int64_t arr_pg_col_int64(const arr_stmt *st, int col) {
  if (PQgetisnull(st->u.pg.res, st->u.pg.row, col)) {
    return 0; /* as SQLite does */
  }
  return strtoll(PQgetvalue(st->u.pg.res, st->u.pg.row, col), NULL, 10);
}

const char *arr_pg_col_text(const arr_stmt *st, int col) {
  if (PQgetisnull(st->u.pg.res, st->u.pg.row, col)) {
    return NULL;
  }
  return PQgetvalue(st->u.pg.res, st->u.pg.row, col);
}

size_t arr_pg_col_len(const arr_stmt *st, int col) {
  return (size_t)PQgetlength(st->u.pg.res, st->u.pg.row, col);
}

int arr_pg_col_count(const arr_stmt *st) {
  return st->u.pg.ncols;
}
