/*
 * db_impl.h — internals shared by db.c (engine-independent part) and the two engine
 * files db_sqlite.c and db_pg.c. Nothing outside src/store/db*.c includes this.
 *
 * Design: a tagged union, not a vtable. arr_db and arr_stmt carry the engine tag and
 * a union of the two engines' handles; db.c switches on the tag and calls the engine
 * function directly. With two engines a switch is simpler to read than a table of
 * function pointers, and the compiler sees every call target.
 *
 * Statement cache: an open-addressing table (linear probing, power-of-two size) from
 * the SQL text *pointer* to its arr_stmt. Store code passes string literals, so the
 * pointer identifies the statement and a lookup is one multiply and, usually, one
 * compare — the SQL text is never hashed or compared. The table is bounded
 * (ARR_DB_MAX_STMTS) so a caller that wrongly passes heap strings fails loudly instead
 * of growing the cache forever.
 *
 * Bind errors: the bind functions return void (the contract keeps call sites short),
 * so the first failure since the last prepare is remembered in the statement and
 * reported by the next arr_db_step / arr_db_run, which then do not execute.
 */
#ifndef ARR_DB_IMPL_H
#define ARR_DB_IMPL_H

#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/db.h"

/* Upper bound on distinct statements cached per connection. The program has a few
 * hundred SQL literals at most; reaching this means non-literal SQL is being passed. */
enum { ARR_DB_MAX_STMTS = 4096 };

/* PostgreSQL's wire protocol limit on parameters per statement. */
enum { ARR_DB_MAX_PARAMS = 65535 };

/* One bound PostgreSQL parameter: a reusable text buffer, so rebinding in a hot loop
 * does not allocate once the buffer is large enough. */
typedef struct {
  char *buf;  /* NUL-terminated text of the value; owned */
  size_t cap; /* bytes allocated at buf */
} arr_pg_param;

struct arr_stmt {
  arr_db *db;
  const char *sql;      /* the caller's literal; the cache key */
  const char *bind_why; /* first bind failure since prepare (static text), or NULL */
  int bind_idx;         /* parameter index of that failure */
  bool started;         /* executed since the last reset */
  bool done;            /* no more rows (or failed): step returns no row, no re-run */
  bool has_row;         /* a current row is available */
  int64_t changes;      /* rows changed by the last completed execution */
  union {
    struct {
      sqlite3_stmt *h;
      bool returning_rowid; /* " RETURNING id" stripped; arr_db_insert reads the rowid */
      int64_t total_before; /* sqlite3_total_changes64 when execution started */
    } sq;
    struct {
      char name[16];        /* server-side prepared statement name, "s<n>" */
      int nparams;          /* number of `?` in sql */
      int ncols;            /* result columns, from PQdescribePrepared */
      arr_pg_param *params; /* nparams reusable buffers */
      const char **values;  /* nparams pointers into params, NULL = SQL NULL */
      PGresult *res;        /* result of the current execution, or NULL */
      int row;              /* current row index into res */
      int nrows;            /* PQntuples(res) */
    } pg;
  } u;
};

struct arr_db {
  arr_db_engine engine;
  char *sqlite_path; /* owned copy of the path for SQLite; NULL for PostgreSQL */
  char *url;         /* owned copy of the URL it was opened with (arr_db_open_again) */
  union {
    sqlite3 *sq;
    PGconn *pg;
  } h;
  arr_stmt **slots;   /* open-addressing table of cached statements, NULL = empty */
  size_t nslots;      /* power of two, or 0 before the first prepare */
  size_t nstmts;      /* occupied slots */
  unsigned next_name; /* PostgreSQL statement name counter */
  /* SQLite, during a bulk session that writes: the thread that checkpoints the WAL
   * beside the writer (db_sqlite.c), started at the first commit; NULL otherwise. */
  struct arr_sq_ckpt *ckpt;
  bool ckpt_failed; /* it could not be started: checkpoint as SQLite does by default */
};

/* --- db.c helpers used by the engines --------------------------------------------- */

/* Fills err with a database failure: rc, the engine's message and the start of the
 * SQL text (sql may be NULL). Returns rc. */
arr_rc arr_db__fail(arr_err *err, arr_rc rc, const char *engine_msg, const char *sql);

/* Rewrites `?` placeholders to $1, $2, ... outside single-quoted literals, double-
 * quoted identifiers and comments. Returns a malloc'ed string (caller frees) and the
 * placeholder count in *nparams, or NULL when out of memory or when there are more
 * than ARR_DB_MAX_PARAMS placeholders (*nparams is then > ARR_DB_MAX_PARAMS). */
char *arr_db__rewrite_placeholders(const char *sql, int *nparams);

/* Records a bind failure on st unless an earlier one is already recorded. */
void arr_db__bind_fail(arr_stmt *st, int idx, const char *why);

/* --- SQLite engine (db_sqlite.c) ------------------------------------------------- */

arr_rc arr_sq_open(arr_db *db, const char *path, arr_err *err);
void arr_sq_close(arr_db *db);
arr_rc arr_sq_exec(arr_db *db, const char *sql, arr_err *err);
arr_rc arr_sq_begin(arr_db *db, arr_err *err);
arr_rc arr_sq_commit(arr_db *db, arr_err *err);
arr_rc arr_sq_rollback(arr_db *db);
bool arr_sq_in_tx(const arr_db *db);
arr_rc arr_sq_prepare(arr_db *db, arr_stmt *st, arr_err *err); /* fills st->u.sq */
void arr_sq_finalize(arr_stmt *st);
void arr_sq_reset(arr_stmt *st, bool clear_bindings);
void arr_sq_bind_int64(arr_stmt *st, int idx, int64_t v);
void arr_sq_bind_text(arr_stmt *st, int idx, const char *s, size_t len);
int64_t arr_sq_inserted_id(const arr_stmt *st);
arr_rc arr_sq_begin_read(arr_db *db, arr_err *err);
arr_rc arr_sq_bulk(arr_db *db, bool on, arr_err *err);
void arr_sq_background_checkpoints(arr_db *db, bool on);
arr_rc arr_pg_begin_read(arr_db *db, arr_err *err);
void arr_sq_bind_text_static(arr_stmt *st, int idx, const char *s, size_t len);
void arr_sq_bind_null(arr_stmt *st, int idx);
arr_rc arr_sq_step(arr_stmt *st, arr_err *err);
bool arr_sq_col_is_null(const arr_stmt *st, int col);
int64_t arr_sq_col_int64(const arr_stmt *st, int col);
const char *arr_sq_col_text(const arr_stmt *st, int col);
size_t arr_sq_col_len(const arr_stmt *st, int col);
int arr_sq_col_count(const arr_stmt *st);

/* --- PostgreSQL engine (db_pg.c) ------------------------------------------------- */

arr_rc arr_pg_open(arr_db *db, const char *url, arr_err *err);
void arr_pg_close(arr_db *db);
arr_rc arr_pg_exec(arr_db *db, const char *sql, arr_err *err);
arr_rc arr_pg_begin(arr_db *db, arr_err *err);
arr_rc arr_pg_commit(arr_db *db, arr_err *err);
arr_rc arr_pg_rollback(arr_db *db);
bool arr_pg_in_tx(const arr_db *db);
arr_rc arr_pg_prepare(arr_db *db, arr_stmt *st, arr_err *err); /* fills st->u.pg */
void arr_pg_finalize(arr_stmt *st);
void arr_pg_reset(arr_stmt *st, bool clear_bindings);
void arr_pg_bind_int64(arr_stmt *st, int idx, int64_t v);
void arr_pg_bind_text(arr_stmt *st, int idx, const char *s, size_t len);
void arr_pg_bind_null(arr_stmt *st, int idx);
arr_rc arr_pg_step(arr_stmt *st, arr_err *err);
bool arr_pg_col_is_null(const arr_stmt *st, int col);
int64_t arr_pg_col_int64(const arr_stmt *st, int col);
const char *arr_pg_col_text(const arr_stmt *st, int col);
size_t arr_pg_col_len(const arr_stmt *st, int col);
int arr_pg_col_count(const arr_stmt *st);

#endif
