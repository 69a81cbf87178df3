/*
 * db_sqlite.c — the SQLite engine behind db.h. SQLite is the embedded default and the
 * hot path (a bulk import runs millions of inserts through here), so every function
 * is a thin wrapper over one sqlite3_* call: no allocation after a statement is first
 * prepared, and text is bound with SQLITE_TRANSIENT because the contract says bound
 * text is copied (SQLite then reuses the statement's buffer, so it does not allocate
 * per bind either once warmed up).
 *
 * Open: sqlite3_open_v2 with CREATE and NOMUTEX (a connection and its cached
 * statements are single-threaded by contract, so SQLite's per-call mutex is waste),
 * extended result codes, then the pragmas that make a WAL database fast and safe:
 * busy_timeout first (switching to WAL needs a lock another process may hold),
 * journal_mode=WAL, foreign_keys=ON, synchronous=NORMAL (durable at checkpoints,
 * never corrupt), temp tables in memory. Sized for bulk work on one machine: a 256 MiB
 * page cache (an upper bound, used only as pages are touched), reads through a 1 GiB
 * memory map, and a checkpoint every 256 MiB of WAL — checkpointing every few MiB made
 * a payment file rewrite the same scattered index pages to the database again and
 * again (measured: 200k payments 16 s -> 6.6 s).
 *
 * Transactions use cached statements ("BEGIN IMMEDIATE" takes the write lock up
 * front, so two writers never deadlock upgrading a read lock); whether one is open is
 * read from SQLite itself, which may roll back on its own after some errors.
 */
#include "store/db_impl.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

/* The WAL is checkpointed when a commit leaves it at this many pages (256 MiB). */
enum { WAL_LIMIT_FRAMES = 65536 };
#define WAL_LIMIT_FRAMES_TEXT "65536"
#define SQL_CACHE "PRAGMA cache_size=-262144;"
#define SQL_MMAP "PRAGMA mmap_size=1073741824;"
/* The nightly batch touches each page about once: a cache bigger than a chunk's pages
 * only costs a malloc and page faults per page as it fills (1M accounts, interest and
 * aging: 11.3 s with 256 MiB, 7.9 s with 16 MiB). */
#define SQL_BULK_CACHE "PRAGMA cache_size=-16384;"
static const char SQL_PRAGMAS[] =
    "PRAGMA busy_timeout=10000;"
    "PRAGMA journal_mode=WAL;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA synchronous=NORMAL;" SQL_CACHE "PRAGMA temp_store=MEMORY;"
    "PRAGMA wal_autocheckpoint=" WAL_LIMIT_FRAMES_TEXT ";" SQL_MMAP;

/* Unique and primary-key violations are "already there" for callers; the other
 * constraint failures (NOT NULL, CHECK, FOREIGN KEY) are bugs or bad data. */
static arr_rc map_code(int xcode) {
  if (xcode == SQLITE_CONSTRAINT_UNIQUE || xcode == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return ARR_ERR_CONFLICT;
  }
  return ARR_ERR_DB;
}

static arr_rc fail_db(sqlite3 *h, arr_err *err, const char *sql) {
  return arr_db__fail(err, map_code(sqlite3_extended_errcode(h)), sqlite3_errmsg(h), sql);
}

arr_rc arr_sq_open(arr_db *db, const char *path, arr_err *err) {
  sqlite3 *h = NULL;
  /* Memory statistics make every sqlite3_malloc take a global mutex; we never read
   * them. Must precede SQLite's initialization; later calls just return MISUSE. */
  static bool configured = false;
  if (!configured) {
    configured = true;
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path, &h, flags, NULL);
  if (rc != SQLITE_OK) {
    arr_err_set(err, ARR_ERR_DB, "Cannot open SQLite database \"%s\": %s.", path,
                h != NULL ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
    sqlite3_close(h);
    return ARR_ERR_DB;
  }
  db->h.sq = h;
  sqlite3_extended_result_codes(h, 1);
  char *msg = NULL;
  rc = sqlite3_exec(h, SQL_PRAGMAS, NULL, NULL, &msg);
  if (rc != SQLITE_OK) {
    /* e.g. "file is not a database": surfaces here, at open, not at first use. */
    arr_err_set(err, ARR_ERR_DB, "Cannot open SQLite database \"%s\": %s.", path,
                msg != NULL ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return ARR_ERR_DB;
  }
  return ARR_OK;
}

static void ckpt_stop(arr_db *db);

void arr_sq_close(arr_db *db) {
  ckpt_stop(db); /* a bulk session left on */
  /* db.c finalized every cached statement first, so close cannot be busy. */
  int rc = sqlite3_close(db->h.sq);
  assert(rc == SQLITE_OK);
  (void)rc;
  db->h.sq = NULL;
}

arr_rc arr_sq_exec(arr_db *db, const char *sql, arr_err *err) {
  char *msg = NULL;
  int rc = sqlite3_exec(db->h.sq, sql, NULL, NULL, &msg);
  if (rc == SQLITE_OK) {
    return ARR_OK;
  }
  arr_rc out = arr_db__fail(err, map_code(sqlite3_extended_errcode(db->h.sq)),
                            msg != NULL ? msg : sqlite3_errstr(rc), sql);
  sqlite3_free(msg);
  return out;
}

static arr_rc run_literal(arr_db *db, const char *sql, arr_err *err) {
  arr_stmt *st = NULL;
  arr_rc rc = arr_db_prepare(db, sql, &st, err);
  if (rc != ARR_OK) {
    return rc;
  }
  return arr_db_run(st, err);
}

arr_rc arr_sq_begin(arr_db *db, arr_err *err) {
  return run_literal(db, SQL_BEGIN, err);
}

static const char SQL_BEGIN_READ[] = "BEGIN DEFERRED";
arr_rc arr_sq_begin_read(arr_db *db, arr_err *err) {
  return run_literal(db, SQL_BEGIN_READ, err);
}

/* ---- checkpoints beside a bulk writer ----
 *
 * A commit that leaves the WAL at WAL_LIMIT_FRAMES pages has SQLite copy them all into
 * the database file (and sync both) before the commit returns: in the nightly batch
 * that was a fifth of the writer's time, spent while the other core waited. During a
 * bulk session the writer instead asks a thread with its own connection to checkpoint
 * (PASSIVE: it copies what no reader still needs and never blocks the writer) every
 * CKPT_STEP_FRAMES pages, so the copying runs beside the writing. The WAL is still
 * reset as before: when it reaches WAL_LIMIT_FRAMES the writer waits for that thread
 * and checkpoints the last few pages itself, so that the next transaction can start
 * the WAL from the beginning. Nothing is synced later than SQLite's own checkpoints
 * would sync it (the database file is synced more often, see sync_db_file), so a
 * crash or power loss leaves what it leaves today: the last commits may be lost, the
 * database is never corrupt. 1M accounts, interest and aging: about 6.1 s -> 5.4 s. */
enum { CKPT_STEP_FRAMES = 8192 };

struct arr_sq_ckpt {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  sqlite3 *h; /* the thread's own connection */
  bool busy, quit;
  int asked_at; /* the WAL's size in pages when the thread was last asked */
};

/* SQLite syncs the database file only at a checkpoint that reaches the end of the
 * WAL, which beside a busy writer is the writer's own: it then waited for the disk to
 * take every page copied since the last one (0.6 s at each 256 MiB). Syncing here after
 * each copy leaves it only its own few pages. */
static void sync_db_file(sqlite3 *h) {
  sqlite3_file *f = NULL;
  if (sqlite3_file_control(h, NULL, SQLITE_FCNTL_FILE_POINTER, &f) == SQLITE_OK &&
      f != NULL && f->pMethods != NULL) {
    (void)f->pMethods->xSync(f, SQLITE_SYNC_NORMAL);
  }
}

static void *ckpt_main(void *arg) {
  struct arr_sq_ckpt *k = arg;
  pthread_mutex_lock(&k->mu);
  for (;;) {
    while (!k->busy && !k->quit) {
      pthread_cond_wait(&k->cv, &k->mu);
    }
    if (!k->busy) {
      break; /* asked to quit, with no checkpoint asked for (one asked for is done) */
    }
    pthread_mutex_unlock(&k->mu);
    /* BUSY (another checkpoint running) or an I/O error leaves the pages in the WAL,
     * where every reader still finds them; the next checkpoint copies them. */
    int copied = 0;
    if (sqlite3_wal_checkpoint_v2(k->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, &copied) ==
            SQLITE_OK &&
        copied > 0) {
      sync_db_file(k->h);
    }
    pthread_mutex_lock(&k->mu);
    k->busy = false;
    pthread_cond_broadcast(&k->cv);
  }
  pthread_mutex_unlock(&k->mu);
  return NULL;
}

static struct arr_sq_ckpt *ckpt_start(const char *path) {
  struct arr_sq_ckpt *k = calloc(1, sizeof *k);
  if (k == NULL) {
    return NULL;
  }
  if (sqlite3_open_v2(path, &k->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
          SQLITE_OK ||
      sqlite3_exec(k->h, "PRAGMA synchronous=NORMAL;", NULL, NULL, NULL) != SQLITE_OK) {
    sqlite3_close(k->h);
    free(k);
    return NULL;
  }
  pthread_mutex_init(&k->mu, NULL);
  pthread_cond_init(&k->cv, NULL);
  if (pthread_create(&k->thread, NULL, ckpt_main, k) != 0) {
    pthread_cond_destroy(&k->cv);
    pthread_mutex_destroy(&k->mu);
    sqlite3_close(k->h);
    free(k);
    return NULL;
  }
  return k;
}

static void ckpt_wait(struct arr_sq_ckpt *k) {
  pthread_mutex_lock(&k->mu);
  while (k->busy) {
    pthread_cond_wait(&k->cv, &k->mu);
  }
  pthread_mutex_unlock(&k->mu);
}

static void ckpt_stop(arr_db *db) {
  struct arr_sq_ckpt *k = db->ckpt;
  if (k == NULL) {
    return;
  }
  pthread_mutex_lock(&k->mu);
  k->quit = true;
  pthread_cond_broadcast(&k->cv);
  pthread_mutex_unlock(&k->mu);
  pthread_join(k->thread, NULL);
  pthread_cond_destroy(&k->cv);
  pthread_mutex_destroy(&k->mu);
  sqlite3_close(k->h);
  free(k);
  db->ckpt = NULL;
}

/* sqlite3_wal_hook: runs in the writer after each commit, with the WAL's size. */
static int bulk_wal_hook(void *arg, sqlite3 *h, const char *schema, int frames) {
  arr_db *db = arg;
  if (db->ckpt == NULL && !db->ckpt_failed) {
    db->ckpt = ckpt_start(db->sqlite_path);
    db->ckpt_failed = db->ckpt == NULL;
  }
  struct arr_sq_ckpt *k = db->ckpt;
  if (frames >= WAL_LIMIT_FRAMES) {
    if (k != NULL) {
      ckpt_wait(k);
      k->asked_at = 0;
    }
    (void)sqlite3_wal_checkpoint_v2(h, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
  }
  if (k == NULL) {
    return SQLITE_OK;
  }
  if (frames < k->asked_at) {
    k->asked_at = 0; /* the WAL was reset */
  }
  if (frames - k->asked_at >= CKPT_STEP_FRAMES) {
    pthread_mutex_lock(&k->mu);
    if (!k->busy) {
      k->busy = true;
      k->asked_at = frames;
      pthread_cond_broadcast(&k->cv);
    }
    pthread_mutex_unlock(&k->mu);
  }
  return SQLITE_OK;
}

/* db.h arr_db_background_checkpoints. */
void arr_sq_background_checkpoints(arr_db *db, bool on) {
  if (on) {
    sqlite3_wal_hook(db->h.sq, bulk_wal_hook, db);
    return;
  }
  ckpt_stop(db);
  db->ckpt_failed = false;
  sqlite3_wal_autocheckpoint(db->h.sq, WAL_LIMIT_FRAMES);
}

/* The nightly batch's session (db.h arr_db_bulk_session); off restores SQL_PRAGMAS'
 * values and SQLite's own checkpoints. */
arr_rc arr_sq_bulk(arr_db *db, bool on, arr_err *err) {
  arr_sq_background_checkpoints(db, on);
  return arr_sq_exec(db, on ? "PRAGMA mmap_size=0;" SQL_BULK_CACHE : SQL_CACHE SQL_MMAP,
                     err);
}

arr_rc arr_sq_commit(arr_db *db, arr_err *err) {
  return run_literal(db, SQL_COMMIT, err);
}

arr_rc arr_sq_rollback(arr_db *db) {
  if (!arr_sq_in_tx(db)) {
    return ARR_OK;
  }
  return run_literal(db, SQL_ROLLBACK, NULL);
}

bool arr_sq_in_tx(const arr_db *db) {
  return sqlite3_get_autocommit(db->h.sq) == 0;
}

/* Only blanks, semicolons and comments may follow the one statement: a second
 * statement would be silently ignored by SQLite (PostgreSQL refuses it outright).
 * Preparing the tail yields no statement exactly when it holds nothing to run. */
static bool tail_is_empty(sqlite3 *h, const char *tail) {
  if (tail == NULL || tail[strspn(tail, " \t\r\n;")] == '\0') {
    return true;
  }
  sqlite3_stmt *next = NULL;
  int rc = sqlite3_prepare_v2(h, tail, -1, &next, NULL);
  sqlite3_finalize(next);
  return rc == SQLITE_OK && next == NULL;
}

arr_rc arr_sq_prepare(arr_db *db, arr_stmt *st, arr_err *err) {
  const char *tail = NULL;
  sqlite3_stmt *h = NULL;
  /* SQLite implements RETURNING by buffering rows in a temporary table, which costs
   * more than the insert itself on bulk loads; sqlite3_last_insert_rowid gives the
   * same id for free. arr_db_insert hides the difference. */
  static const char suffix[] = " RETURNING id";
  size_t len = strlen(st->sql);
  st->u.sq.returning_rowid =
      len > sizeof suffix && strcmp(st->sql + len - (sizeof suffix - 1), suffix) == 0;
  if (st->u.sq.returning_rowid) {
    len -= sizeof suffix - 1;
  }
  int rc = sqlite3_prepare_v3(db->h.sq, st->sql, (int)len, SQLITE_PREPARE_PERSISTENT, &h,
                              &tail);
  if (rc != SQLITE_OK) {
    return fail_db(db->h.sq, err, st->sql);
  }
  if (h == NULL) {
    return arr_db__fail(err, ARR_ERR_DB, "the SQL holds no statement", st->sql);
  }
  if (tail != st->sql + len && !tail_is_empty(db->h.sq, tail)) {
    sqlite3_finalize(h);
    return arr_db__fail(err, ARR_ERR_DB,
                        "the SQL holds more than one statement (use arr_db_exec)",
                        st->sql);
  }
  st->u.sq.h = h;
  return ARR_OK;
}

void arr_sq_finalize(arr_stmt *st) {
  sqlite3_finalize(st->u.sq.h);
  st->u.sq.h = NULL;
}

void arr_sq_reset(arr_stmt *st, bool clear_bindings) {
  sqlite3_reset(st->u.sq.h); /* returns the last step's error, already reported */
  if (clear_bindings) {
    sqlite3_clear_bindings(st->u.sq.h);
  }
}

static void check_bind(arr_stmt *st, int idx, int rc) {
  if (rc == SQLITE_OK) {
    return;
  }
  const char *why = "could not be bound";
  if (rc == SQLITE_RANGE) {
    why = "is out of range for this statement";
  } else if (rc == SQLITE_NOMEM) {
    why = "could not be bound (out of memory)";
  } else if (rc == SQLITE_TOOBIG) {
    why = "is too large";
  }
  arr_db__bind_fail(st, idx, why);
}

void arr_sq_bind_int64(arr_stmt *st, int idx, int64_t v) {
  check_bind(st, idx, sqlite3_bind_int64(st->u.sq.h, idx, v));
}

void arr_sq_bind_text(arr_stmt *st, int idx, const char *s, size_t len) {
  check_bind(st, idx,
             sqlite3_bind_text64(st->u.sq.h, idx, s, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

void arr_sq_bind_text_static(arr_stmt *st, int idx, const char *s, size_t len) {
  check_bind(st, idx,
             sqlite3_bind_text64(st->u.sq.h, idx, s, len, SQLITE_STATIC, SQLITE_UTF8));
}

void arr_sq_bind_null(arr_stmt *st, int idx) {
  check_bind(st, idx, sqlite3_bind_null(st->u.sq.h, idx));
}

arr_rc arr_sq_step(arr_stmt *st, arr_err *err) {
  sqlite3 *h = st->db->h.sq;
  if (!st->started) {
    st->started = true;
    st->changes = 0;
    st->u.sq.total_before = sqlite3_total_changes64(h);
  }
  int rc = sqlite3_step(st->u.sq.h);
  if (rc == SQLITE_ROW) {
    st->has_row = true;
    return ARR_OK;
  }
  st->has_row = false;
  st->done = true;
  if (rc == SQLITE_DONE) {
    /* sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE even after
     * DDL or a SELECT; the total-changes delta tells whether this statement changed
     * anything at all, and sqlite3_changes64 then excludes trigger side effects. */
    if (sqlite3_total_changes64(h) != st->u.sq.total_before) {
      st->changes = sqlite3_changes64(h);
    }
    return ARR_OK;
  }
  arr_rc out = fail_db(h, err, st->sql);
  sqlite3_reset(st->u.sq.h); /* release locks now; done keeps it from re-running */
  return out;
}

bool arr_sq_col_is_null(const arr_stmt *st, int col) {
  return sqlite3_column_type(st->u.sq.h, col) == SQLITE_NULL;
}

int64_t arr_sq_col_int64(const arr_stmt *st, int col) {
  return sqlite3_column_int64(st->u.sq.h, col);
}

const char *arr_sq_col_text(const arr_stmt *st, int col) {
  return (const char *)sqlite3_column_text(st->u.sq.h, col);
}

size_t arr_sq_col_len(const arr_stmt *st, int col) {
  /* After column_text (or alone) this is the UTF-8 length, as the contract wants. */
  return (size_t)sqlite3_column_bytes(st->u.sq.h, col);
}

int arr_sq_col_count(const arr_stmt *st) {
  return sqlite3_column_count(st->u.sq.h);
}

int64_t arr_sq_inserted_id(const arr_stmt *st) {
  return st->changes > 0 ? sqlite3_last_insert_rowid(st->db->h.sq) : 0;
}
