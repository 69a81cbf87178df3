/*
 * db.c — the engine-independent half of the SQL interface in db.h: URL parsing,
 * dispatch to the SQLite (db_sqlite.c) or PostgreSQL (db_pg.c) engine, the per-
 * connection statement cache, bind-error bookkeeping and the `?` -> $n rewrite.
 *
 * How it works: arr_db and arr_stmt are tagged unions (db_impl.h). Every public
 * function asserts its arguments and switches on the engine tag. The statement cache
 * is an open-addressing table keyed by the SQL text pointer (store code passes string
 * literals), so the hot path of a bulk import — prepare, bind, step — costs a pointer
 * hash and a reset on top of the engine's own work, with no allocation and no string
 * hashing. Statements live until arr_db_close.
 *
 * Statement state machine (common to both engines):
 *   prepare/reset -> started=false, done=false
 *   step #1       -> executes; has_row, or done (changes recorded)
 *   step #n       -> next row, or done
 *   step when done-> ARR_OK, no row; never re-executes (SQLite would otherwise
 *                    auto-reset and run the statement again)
 * An execution error, or a bind error remembered since prepare, marks it done too.
 */
#include "store/db_impl.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of SQL quoted in an error message: enough to recognise the statement. */
enum { SQL_QUOTE_MAX = 120 };

static const char SQLITE_PREFIX[] = "sqlite:";
enum { SQLITE_PREFIX_LEN = sizeof SQLITE_PREFIX - 1 };

/* --- errors ------------------------------------------------------------------------ */

arr_rc arr_db__fail(arr_err *err, arr_rc rc, const char *engine_msg, const char *sql) {
  if (err == NULL) {
    return rc;
  }
  if (engine_msg == NULL || engine_msg[0] == '\0') {
    engine_msg = "unknown error";
  }
  if (sql == NULL) {
    return arr_err_set(err, rc, "Database error: %s.", engine_msg);
  }
  /* One line of SQL: statements are often written across lines. */
  char quoted[SQL_QUOTE_MAX + 4];
  size_t n = 0;
  for (const char *p = sql; *p != '\0' && n < SQL_QUOTE_MAX; p++) {
    char c = *p;
    quoted[n++] = (c == '\n' || c == '\t' || c == '\r') ? ' ' : c;
  }
  quoted[n] = '\0';
  if (strlen(sql) > SQL_QUOTE_MAX) {
    memcpy(quoted + n, "...", 4);
  }
  return arr_err_set(err, rc, "Database error: %s (statement: %s).", engine_msg, quoted);
}

void arr_db__bind_fail(arr_stmt *st, int idx, const char *why) {
  if (st->bind_why == NULL) {
    st->bind_why = why;
    st->bind_idx = idx;
  }
}

/* --- placeholder rewrite ------------------------------------------------------------ */

/* Scans sql once. With out == NULL only measures: returns the rewritten length and
 * the placeholder count. With out, also writes the rewritten text (not terminated).
 * `?` is a placeholder only outside '...' literals, "..." identifiers, -- and block
 * comments; a doubled '' inside a literal closes and reopens it, which is harmless.
 * PostgreSQL-only E'\'' escapes and $$ quoting are not portable SQL and not handled. */
static size_t rewrite_scan(const char *sql, char *out, long *count) {
  size_t n = 0;
  long k = 0;
  char mode = 0; /* 0 code, '\'' or '"' quoted, '-' line comment, '*' block comment */
  for (const char *p = sql; *p != '\0'; p++) {
    char c = *p;
    if (mode == 0 && c == '?') {
      k++;
      char num[24];
      int len = snprintf(num, sizeof num, "$%ld", k);
      if (out != NULL) {
        memcpy(out + n, num, (size_t)len);
      }
      n += (size_t)len;
      continue;
    }
    if (mode == 0) {
      if (c == '\'' || c == '"') {
        mode = c;
      } else if (c == '-' && p[1] == '-') {
        mode = '-';
      } else if (c == '/' && p[1] == '*') {
        mode = '*';
        if (out != NULL) {
          out[n] = c;
        }
        n++;
        p++;
        c = *p; /* the '*' of the opener must not also count as a closer */
      }
    } else if (mode == '-') {
      if (c == '\n') {
        mode = 0;
      }
    } else if (mode == '*') {
      if (c == '*' && p[1] == '/') {
        if (out != NULL) {
          out[n] = c;
        }
        n++;
        p++;
        c = *p;
        mode = 0;
      }
    } else if (c == mode) {
      mode = 0;
    }
    if (out != NULL) {
      out[n] = c;
    }
    n++;
  }
  *count = k;
  return n;
}

char *arr_db__rewrite_placeholders(const char *sql, int *nparams) {
  assert(sql != NULL && nparams != NULL);
  long count = 0;
  size_t len = rewrite_scan(sql, NULL, &count);
  if (count > ARR_DB_MAX_PARAMS) {
    *nparams = ARR_DB_MAX_PARAMS + 1;
    return NULL;
  }
  *nparams = (int)count;
  char *out = malloc(len + 1);
  if (out == NULL) {
    return NULL;
  }
  long again = 0;
  size_t written = rewrite_scan(sql, out, &again);
  assert(written == len && again == count);
  out[written] = '\0';
  return out;
}

/* --- open / close ------------------------------------------------------------------ */

static bool has_prefix(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

arr_rc arr_db_open(const char *url, arr_db **out, arr_err *err) {
  assert(out != NULL);
  *out = NULL;
  if (url == NULL) {
    url = "";
  }
  arr_db_engine engine;
  if (has_prefix(url, SQLITE_PREFIX)) {
    engine = ARR_DB_SQLITE;
    if (url[SQLITE_PREFIX_LEN] == '\0') {
      return arr_err_set(err, ARR_ERR_USAGE,
                         "Database URL \"sqlite:\" has no file path: use sqlite:PATH.");
    }
  } else if (has_prefix(url, "postgresql://") || has_prefix(url, "postgres://")) {
    engine = ARR_DB_POSTGRES;
  } else {
    /* Quote only the scheme: the rest of a URL may hold a password. */
    int scheme_len = (int)strcspn(url, ":/");
    if (scheme_len > 32) {
      scheme_len = 32;
    }
    return arr_err_set(err, ARR_ERR_USAGE,
                       "Unsupported database URL scheme \"%.*s\": use sqlite:PATH or "
                       "postgresql://... (also postgres://...).",
                       scheme_len, url);
  }

  arr_db *db = calloc(1, sizeof *db);
  if (db == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "Out of memory opening the database.");
  }
  db->engine = engine;
  arr_rc rc;
  db->url = strdup(url);
  if (db->url == NULL) {
    rc = arr_err_set(err, ARR_ERR_NOMEM, "Out of memory opening the database.");
    goto cleanup;
  }
  if (engine == ARR_DB_SQLITE) {
    const char *path = url + SQLITE_PREFIX_LEN;
    size_t len = strlen(path);
    db->sqlite_path = malloc(len + 1);
    if (db->sqlite_path == NULL) {
      rc = arr_err_set(err, ARR_ERR_NOMEM, "Out of memory opening the database.");
      goto cleanup;
    }
    memcpy(db->sqlite_path, path, len + 1);
    rc = arr_sq_open(db, db->sqlite_path, err);
  } else {
    rc = arr_pg_open(db, url, err);
  }
cleanup:
  if (rc != ARR_OK) {
    arr_db_close(db);
    return rc;
  }
  *out = db;
  return ARR_OK;
}

void arr_db_close(arr_db *db) {
  if (db == NULL) {
    return;
  }
  for (size_t i = 0; i < db->nslots; i++) {
    arr_stmt *st = db->slots[i];
    if (st == NULL) {
      continue;
    }
    if (db->engine == ARR_DB_SQLITE) {
      arr_sq_finalize(st);
    } else {
      arr_pg_finalize(st);
    }
    free(st);
  }
  free(db->slots);
  if (db->engine == ARR_DB_SQLITE) {
    arr_sq_close(db);
  } else {
    arr_pg_close(db);
  }
  free(db->sqlite_path);
  free(db->url);
  free(db);
}

arr_rc arr_db_open_again(const arr_db *db, arr_db **out, arr_err *err) {
  assert(db != NULL && db->url != NULL);
  return arr_db_open(db->url, out, err);
}

arr_db_engine arr_db_engine_of(const arr_db *db) {
  assert(db != NULL);
  return db->engine;
}

const char *arr_db_sqlite_path(const arr_db *db) {
  assert(db != NULL);
  return db->sqlite_path;
}

/* --- exec and transactions --------------------------------------------------------- */

arr_rc arr_db_exec(arr_db *db, const char *sql, arr_err *err) {
  assert(db != NULL && sql != NULL);
  return db->engine == ARR_DB_SQLITE ? arr_sq_exec(db, sql, err)
                                     : arr_pg_exec(db, sql, err);
}

arr_rc arr_db_bulk_session(arr_db *db, bool on, arr_err *err) {
  assert(db != NULL);
  return db->engine == ARR_DB_SQLITE ? arr_sq_bulk(db, on, err) : ARR_OK;
}

void arr_db_background_checkpoints(arr_db *db, bool on) {
  assert(db != NULL);
  if (db->engine == ARR_DB_SQLITE) {
    arr_sq_background_checkpoints(db, on);
  }
}

arr_rc arr_db_data_version(arr_db *db, int64_t *out, arr_err *err) {
  assert(db != NULL && out != NULL);
  if (db->engine != ARR_DB_SQLITE) {
    return arr_db__fail(err, ARR_ERR_USAGE, "data_version is SQLite's", NULL);
  }
  arr_stmt *st = NULL;
  arr_rc rc = arr_db_prepare(db, "PRAGMA data_version", &st, err);
  if (rc == ARR_OK) {
    rc = arr_db_step(st, err);
  }
  if (rc == ARR_OK) {
    *out = arr_db_has_row(st) ? arr_db_col_int64(st, 0) : 0;
  }
  if (st != NULL) {
    arr_db_reset(st);
  }
  return rc;
}

/* Nesting and stray commits are refused up front: SQLite treats them as errors while
 * PostgreSQL only warns, and one behaviour for both engines keeps store code honest. */
arr_rc arr_db_begin(arr_db *db, arr_err *err) {
  assert(db != NULL);
  if (arr_db_in_tx(db)) {
    return arr_db__fail(err, ARR_ERR_DB, "a transaction is already open", NULL);
  }
  return db->engine == ARR_DB_SQLITE ? arr_sq_begin(db, err) : arr_pg_begin(db, err);
}

arr_rc arr_db_begin_read(arr_db *db, arr_err *err) {
  assert(db != NULL);
  if (arr_db_in_tx(db)) {
    return arr_db__fail(err, ARR_ERR_DB, "a transaction is already open", NULL);
  }
  return db->engine == ARR_DB_SQLITE ? arr_sq_begin_read(db, err)
                                     : arr_pg_begin_read(db, err);
}

arr_rc arr_db_commit(arr_db *db, arr_err *err) {
  assert(db != NULL);
  if (!arr_db_in_tx(db)) {
    return arr_db__fail(err, ARR_ERR_DB, "commit without an open transaction", NULL);
  }
  return db->engine == ARR_DB_SQLITE ? arr_sq_commit(db, err) : arr_pg_commit(db, err);
}

arr_rc arr_db_rollback(arr_db *db) {
  assert(db != NULL);
  return db->engine == ARR_DB_SQLITE ? arr_sq_rollback(db) : arr_pg_rollback(db);
}

bool arr_db_in_tx(const arr_db *db) {
  assert(db != NULL);
  return db->engine == ARR_DB_SQLITE ? arr_sq_in_tx(db) : arr_pg_in_tx(db);
}

/* --- statement cache --------------------------------------------------------------- */

/* Fibonacci hashing of the pointer: literals are close together and aligned, so the
 * multiply spreads their low-entropy bits over the high half we take. */
static size_t slot_of(const char *sql, size_t mask) {
  uint64_t h = (uint64_t)(uintptr_t)sql * UINT64_C(0x9E3779B97F4A7C15);
  return (size_t)(h >> 32) & mask;
}

static arr_stmt *cache_find(const arr_db *db, const char *sql) {
  if (db->nslots == 0) {
    return NULL;
  }
  size_t mask = db->nslots - 1;
  for (size_t i = slot_of(sql, mask);; i = (i + 1) & mask) {
    arr_stmt *st = db->slots[i];
    if (st == NULL || st->sql == sql) {
      return st; /* load factor <= 1/2 guarantees an empty slot ends the probe */
    }
  }
}

static void cache_put(arr_stmt **slots, size_t nslots, arr_stmt *st) {
  size_t mask = nslots - 1;
  size_t i = slot_of(st->sql, mask);
  while (slots[i] != NULL) {
    i = (i + 1) & mask;
  }
  slots[i] = st;
}

/* Makes room for one more statement, keeping the load factor at most 1/2. */
static arr_rc cache_reserve(arr_db *db, arr_err *err) {
  if ((db->nstmts + 1) * 2 <= db->nslots) {
    return ARR_OK;
  }
  size_t nslots = db->nslots == 0 ? 64 : db->nslots * 2;
  arr_stmt **slots = calloc(nslots, sizeof *slots);
  if (slots == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "Out of memory caching a statement.");
  }
  for (size_t i = 0; i < db->nslots; i++) {
    if (db->slots[i] != NULL) {
      cache_put(slots, nslots, db->slots[i]);
    }
  }
  free(db->slots);
  db->slots = slots;
  db->nslots = nslots;
  return ARR_OK;
}

/* Returns st to "prepared, not executed"; clear also drops bindings and any bind
 * failure. changes is kept: it describes the last completed execution. */
static void stmt_reset(arr_stmt *st, bool clear) {
  if (st->db->engine == ARR_DB_SQLITE) {
    arr_sq_reset(st, clear);
  } else {
    arr_pg_reset(st, clear);
  }
  st->started = false;
  st->done = false;
  st->has_row = false;
  if (clear) {
    st->bind_why = NULL;
    st->bind_idx = 0;
  }
}

arr_rc arr_db_prepare(arr_db *db, const char *sql, arr_stmt **out, arr_err *err) {
  assert(db != NULL && sql != NULL && out != NULL);
  arr_stmt *st = cache_find(db, sql);
  if (st != NULL) {
    stmt_reset(st, true);
    *out = st;
    return ARR_OK;
  }
  *out = NULL;
  if (db->nstmts >= ARR_DB_MAX_STMTS) {
    return arr_db__fail(err, ARR_ERR_DB,
                        "too many distinct statements (SQL must be string literals)",
                        sql);
  }
  arr_rc rc = cache_reserve(db, err);
  if (rc != ARR_OK) {
    return rc;
  }
  st = calloc(1, sizeof *st);
  if (st == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "Out of memory preparing a statement.");
  }
  st->db = db;
  st->sql = sql;
  rc = db->engine == ARR_DB_SQLITE ? arr_sq_prepare(db, st, err)
                                   : arr_pg_prepare(db, st, err);
  if (rc != ARR_OK) {
    free(st);
    return rc;
  }
  cache_put(db->slots, db->nslots, st);
  db->nstmts++;
  *out = st;
  return ARR_OK;
}

void arr_db_reset(arr_stmt *st) {
  assert(st != NULL);
  stmt_reset(st, false);
}

/* --- binding ----------------------------------------------------------------------- */

void arr_db_bind_int64(arr_stmt *st, int idx, int64_t v) {
  assert(st != NULL && idx >= 1);
  if (st->db->engine == ARR_DB_SQLITE) {
    arr_sq_bind_int64(st, idx, v);
  } else {
    arr_pg_bind_int64(st, idx, v);
  }
}

void arr_db_bind_text(arr_stmt *st, int idx, const char *s, size_t len) {
  assert(st != NULL && idx >= 1);
  if (s == NULL) {
    assert(len == 0);
    arr_db_bind_null(st, idx);
    return;
  }
  /* PostgreSQL text cannot hold NUL and C readers of either engine would truncate:
   * refuse rather than store different bytes per engine. */
  if (memchr(s, '\0', len) != NULL) {
    arr_db__bind_fail(st, idx, "is text containing a NUL byte");
    return;
  }
  if (st->db->engine == ARR_DB_SQLITE) {
    arr_sq_bind_text(st, idx, s, len);
  } else {
    arr_pg_bind_text(st, idx, s, len);
  }
}

void arr_db_bind_cstr(arr_stmt *st, int idx, const char *s) {
  if (s == NULL) {
    arr_db_bind_null(st, idx);
  } else if (st->db->engine == ARR_DB_SQLITE) {
    /* Not copied (see db.h): saves a malloc+memcpy per bound string on the hot path. */
    arr_sq_bind_text_static(st, idx, s, strlen(s));
  } else {
    arr_db_bind_text(st, idx, s, strlen(s));
  }
}

void arr_db_bind_null(arr_stmt *st, int idx) {
  assert(st != NULL && idx >= 1);
  if (st->db->engine == ARR_DB_SQLITE) {
    arr_sq_bind_null(st, idx);
  } else {
    arr_pg_bind_null(st, idx);
  }
}

/* --- execution -----------------------------------------------------------------------
 */

arr_rc arr_db_step(arr_stmt *st, arr_err *err) {
  assert(st != NULL);
  if (st->bind_why != NULL) {
    st->done = true;
    st->has_row = false;
    char why[96];
    snprintf(why, sizeof why, "parameter %d %s", st->bind_idx, st->bind_why);
    return arr_db__fail(err, ARR_ERR_DB, why, st->sql);
  }
  if (st->done) {
    st->has_row = false;
    return ARR_OK;
  }
  return st->db->engine == ARR_DB_SQLITE ? arr_sq_step(st, err) : arr_pg_step(st, err);
}

bool arr_db_has_row(const arr_stmt *st) {
  assert(st != NULL);
  return st->has_row;
}

arr_rc arr_db_run(arr_stmt *st, arr_err *err) {
  assert(st != NULL);
  arr_rc rc = arr_db_step(st, err);
  /* Drain rows (e.g. RETURNING) so the statement completes and changes is final;
   * on PostgreSQL the rows are already in memory and this only walks them. */
  while (rc == ARR_OK && st->has_row) {
    rc = arr_db_step(st, err);
  }
  /* Release engine resources but stay "done": a later step must not re-run it. */
  if (st->db->engine == ARR_DB_SQLITE) {
    arr_sq_reset(st, false);
  } else {
    arr_pg_reset(st, false);
  }
  st->done = true;
  st->has_row = false;
  return rc;
}

/* --- columns ----------------------------------------------------------------------- */

bool arr_db_col_is_null(const arr_stmt *st, int col) {
  assert(st != NULL && st->has_row && col >= 0);
  return st->db->engine == ARR_DB_SQLITE ? arr_sq_col_is_null(st, col)
                                         : arr_pg_col_is_null(st, col);
}

int64_t arr_db_col_int64(const arr_stmt *st, int col) {
  assert(st != NULL && st->has_row && col >= 0);
  return st->db->engine == ARR_DB_SQLITE ? arr_sq_col_int64(st, col)
                                         : arr_pg_col_int64(st, col);
}

const char *arr_db_col_text(const arr_stmt *st, int col) {
  assert(st != NULL && st->has_row && col >= 0);
  return st->db->engine == ARR_DB_SQLITE ? arr_sq_col_text(st, col)
                                         : arr_pg_col_text(st, col);
}

size_t arr_db_col_len(const arr_stmt *st, int col) {
  assert(st != NULL && st->has_row && col >= 0);
  return st->db->engine == ARR_DB_SQLITE ? arr_sq_col_len(st, col)
                                         : arr_pg_col_len(st, col);
}

int arr_db_col_count(const arr_stmt *st) {
  assert(st != NULL);
  return st->db->engine == ARR_DB_SQLITE ? arr_sq_col_count(st) : arr_pg_col_count(st);
}

int64_t arr_db_changes(const arr_stmt *st) {
  assert(st != NULL);
  return st->changes;
}

arr_rc arr_db_insert(arr_stmt *st, int64_t *id_out, arr_err *err) {
  *id_out = 0;
  arr_rc rc = arr_db_step(st, err);
  if (rc == ARR_OK) {
    if (st->db->engine == ARR_DB_SQLITE) {
      *id_out = st->u.sq.returning_rowid ? arr_sq_inserted_id(st) : 0;
    } else if (arr_db_has_row(st)) {
      *id_out = arr_db_col_int64(st, 0);
    }
  }
  arr_db_reset(st);
  return rc;
}
