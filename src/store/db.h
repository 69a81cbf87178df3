/*
 * db.h — one small SQL interface over two engines: SQLite and PostgreSQL (libpq).
 *
 * Only src/store uses this. Statements are written once in portable SQL with `?`
 * placeholders; for PostgreSQL the layer rewrites them to $1, $2, ... (a `?` inside a
 * single-quoted literal is left alone). Every statement is prepared and parameters are
 * bound, never spliced. Prepared statements are cached per connection, keyed by the
 * SQL text pointer (store code passes string constants), so hot loops prepare once.
 *
 * Values cross the interface as int64, text or NULL. Booleans are integers 0/1, money
 * is int64 cents, dates are 'YYYY-MM-DD' text, instants are ISO 8601 UTC text, binary
 * data (ciphertext) is base64 text — so both engines store the same bytes.
 *
 * SQLite is opened in WAL mode with foreign keys on, synchronous=NORMAL and a busy
 * timeout; PostgreSQL over a libpq URI. A statement's results are read row by row with
 * arr_db_step; on PostgreSQL the whole result of one execution is fetched at the first
 * step (keep result sets bounded with LIMIT — store code always does).
 *
 * Transactions: arr_db_begin/commit/rollback. On SQLite begin is BEGIN IMMEDIATE so a
 * writer takes the lock up front (no deadlock-prone upgrade later).
 */
#ifndef ARR_DB_H
#define ARR_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef enum { ARR_DB_SQLITE = 1, ARR_DB_POSTGRES = 2 } arr_db_engine;

typedef struct arr_db arr_db;
typedef struct arr_stmt arr_stmt;

/* Opens "sqlite:PATH" or "postgresql://..." / "postgres://...". Any other scheme is
 * ARR_ERR_USAGE with a message listing the accepted forms. For SQLite the file is
 * created if missing. */
arr_rc arr_db_open(const char *url, arr_db **out, arr_err *err);
void arr_db_close(arr_db *db);
/* Another connection to the database db is connected to (for the batch's threads). */
arr_rc arr_db_open_again(const arr_db *db, arr_db **out, arr_err *err);
arr_db_engine arr_db_engine_of(const arr_db *db);
/* For SQLite URLs, the file path (for deriving e.g. the default key file path);
 * NULL for PostgreSQL. */
const char *arr_db_sqlite_path(const arr_db *db);

/* Runs one or more ;-separated statements without parameters (migrations, pragmas).
 * On PostgreSQL sent as one simple query. */
arr_rc arr_db_exec(arr_db *db, const char *sql, arr_err *err);

/* Tunes this connection for a job that rewrites a large share of the database (the
 * nightly batch) or reads alongside one (on), and back to the defaults (off). SQLite:
 * reads go through the page cache instead of the memory map, because with the WAL
 * that such a job grows, every read of a mapped page first searches the WAL index
 * (1M-account batch: 23.4 s -> 17.9 s); and the page cache is small, because each page
 * is touched about once and filling a large one costs a malloc and page faults per
 * page; and a connection that writes has its WAL checkpointed by a thread of its own
 * beside it, instead of inside every few-hundredth commit (1M-account interest and
 * aging: about 6.1 s -> 5.4 s). PostgreSQL: nothing. */
arr_rc arr_db_bulk_session(arr_db *db, bool on, arr_err *err);

/* Only the checkpoints of a bulk session (on), for a long writer that keeps the usual
 * cache (the demo generator, imports); off restores SQLite's own. PostgreSQL: nothing. */
void arr_db_background_checkpoints(arr_db *db, bool on);

/* SQLite's PRAGMA data_version: a number that changes when another connection commits
 * to the database (never for this connection's own commits), so a reader can tell
 * whether what it read elsewhere is still current. PostgreSQL: ARR_ERR_USAGE. */
arr_rc arr_db_data_version(arr_db *db, int64_t *out, arr_err *err);

arr_rc arr_db_begin(arr_db *db, arr_err *err);
/* A read-only snapshot (SQLite: deferred, takes no write lock; PostgreSQL: repeatable
 * read, read only), for long consistent reads such as `audit verify`. End it with
 * arr_db_rollback. */
arr_rc arr_db_begin_read(arr_db *db, arr_err *err);
arr_rc arr_db_commit(arr_db *db, arr_err *err);
arr_rc arr_db_rollback(arr_db *db); /* safe to call when no transaction is open */
bool arr_db_in_tx(const arr_db *db);

/* Returns the cached prepared statement for sql (preparing it on first use), reset
 * and with bindings cleared. sql must be a string that outlives db (a literal). The
 * statement belongs to db: never finalize it. Parameters are 1-based. */
arr_rc arr_db_prepare(arr_db *db, const char *sql, arr_stmt **out, arr_err *err);

void arr_db_bind_int64(arr_stmt *st, int idx, int64_t v);
void arr_db_bind_text(arr_stmt *st, int idx, const char *s, size_t len); /* copied */
/* NUL-terminated text, NOT copied on SQLite: s must stay valid and unchanged until the
 * statement has been stepped to completion or reset (store functions bind their
 * caller's fields and step before returning, so this holds there). NULL binds NULL. */
void arr_db_bind_cstr(arr_stmt *st, int idx, const char *s);
void arr_db_bind_null(arr_stmt *st, int idx);

/* Executes (first call) and advances. Returns ARR_OK with a row available (check
 * arr_db_has_row), or ARR_OK with no row when done; errors as ARR_ERR_DB, except a
 * unique-constraint violation, which is ARR_ERR_CONFLICT (so callers can treat a
 * duplicate as "already there"). err->msg includes the engine's message. */
arr_rc arr_db_step(arr_stmt *st, arr_err *err);
bool arr_db_has_row(const arr_stmt *st);

/* Executes a statement that returns no rows (or ignores them) in one call. */
arr_rc arr_db_run(arr_stmt *st, arr_err *err);

/* Runs an INSERT whose SQL ends with " RETURNING id" and stores the new row's id, or 0
 * when no row was inserted (ON CONFLICT DO NOTHING). Such statements must be run with
 * this function: on SQLite the RETURNING clause is stripped at prepare time and the id
 * read from sqlite3_last_insert_rowid, which is much cheaper. Resets st. */
arr_rc arr_db_insert(arr_stmt *st, int64_t *id_out, arr_err *err);

/* Column accessors for the current row (0-based). Text is valid until the next step
 * or reset; NULL text is returned as NULL. */
bool arr_db_col_is_null(const arr_stmt *st, int col);
int64_t arr_db_col_int64(const arr_stmt *st, int col);
const char *arr_db_col_text(const arr_stmt *st, int col);
size_t arr_db_col_len(const arr_stmt *st, int col);
int arr_db_col_count(const arr_stmt *st);

/* Rows changed by the last INSERT/UPDATE/DELETE run through st. */
int64_t arr_db_changes(const arr_stmt *st);

/* Releases a statement's current result (PostgreSQL) / resets it (SQLite) so locks and
 * memory are not held; arr_db_prepare does this too. */
void arr_db_reset(arr_stmt *st);

#endif
