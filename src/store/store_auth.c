/*
 * store_auth.c — sessions, API tokens and login attempts (see store.h).
 *
 * Tokens are never stored: callers pass a hash of the secret (the service hashes
 * with a keyed BLAKE2b), so reading the database does not give anyone a session.
 * Times are ISO 8601 UTC text, which compares correctly as text on both engines.
 */
#include "store/store.h"
#include "store/store_util.h"

arr_rc arr_store_session_insert(arr_db *db, const char *token_hash, int64_t user_id,
                                const char *csrf_token, const char *now_iso,
                                const char *expires_iso, const char *remote_addr,
                                int64_t *id_out, arr_err *err) {
  PREPARE("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at,"
          " last_seen_at, remote_addr) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_cstr(st, 1, token_hash);
  arr_db_bind_int64(st, 2, user_id);
  arr_db_bind_cstr(st, 3, csrf_token);
  arr_db_bind_cstr(st, 4, now_iso);
  arr_db_bind_cstr(st, 5, expires_iso);
  arr_db_bind_cstr(st, 6, now_iso);
  bind_opt(st, 7, remote_addr);
  return run_returning_id(st, id_out, err);
}

#define USER_JOIN_COLS                                                                   \
  " u.id, u.username, u.display_name, u.role, u.client_id, c.code, u.active"

static void read_joined_user(const arr_stmt *st, int col, arr_user *u) {
  u->id = arr_db_col_int64(st, col);
  col_copy(st, col + 1, u->username, sizeof u->username);
  col_copy(st, col + 2, u->display_name, sizeof u->display_name);
  col_copy(st, col + 3, u->role, sizeof u->role);
  u->client_id = col_i64(st, col + 4);
  col_copy(st, col + 5, u->client_code, sizeof u->client_code);
  u->active = col_i64(st, col + 6) != 0;
  u->password_hash[0] = '\0';
}

arr_rc arr_store_session_get(arr_db *db, const char *token_hash, arr_session *s,
                             arr_user *u, arr_err *err) {
  PREPARE("SELECT s.id, s.csrf_token, s.expires_at, s.last_seen_at, "
          "s.ended_at," USER_JOIN_COLS " FROM sessions s JOIN users u ON u.id = s.user_id"
          " LEFT JOIN clients c ON c.id = u.client_id WHERE s.token_hash = ?");
  arr_db_bind_cstr(st, 1, token_hash);
  arr_rc rc = step_one(st, err, "session");
  if (rc != ARR_OK) {
    return rc;
  }
  s->id = arr_db_col_int64(st, 0);
  col_copy(st, 1, s->csrf_token, sizeof s->csrf_token);
  col_copy(st, 2, s->expires_at, sizeof s->expires_at);
  col_copy(st, 3, s->last_seen_at, sizeof s->last_seen_at);
  s->ended = !arr_db_col_is_null(st, 4);
  read_joined_user(st, 5, u);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_session_touch(arr_db *db, int64_t id, const char *now_iso,
                               arr_err *err) {
  PREPARE("UPDATE sessions SET last_seen_at = ? WHERE id = ?");
  arr_db_bind_cstr(st, 1, now_iso);
  arr_db_bind_int64(st, 2, id);
  return arr_db_run(st, err);
}

arr_rc arr_store_session_end(arr_db *db, int64_t id, const char *now_iso, arr_err *err) {
  PREPARE("UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL");
  arr_db_bind_cstr(st, 1, now_iso);
  arr_db_bind_int64(st, 2, id);
  return arr_db_run(st, err);
}

arr_rc arr_store_session_end_user(arr_db *db, int64_t user_id, const char *now_iso,
                                  arr_err *err) {
  PREPARE("UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL");
  arr_db_bind_cstr(st, 1, now_iso);
  arr_db_bind_int64(st, 2, user_id);
  return arr_db_run(st, err);
}

arr_rc arr_store_token_insert(arr_db *db, int64_t user_id, const char *name,
                              const char *token_hash, const char *now_iso,
                              const char *created_by, int64_t *id_out, arr_err *err) {
  PREPARE("INSERT INTO api_tokens (user_id, name, token_hash, created_at, created_by)"
          " VALUES (?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_int64(st, 1, user_id);
  arr_db_bind_cstr(st, 2, name);
  arr_db_bind_cstr(st, 3, token_hash);
  arr_db_bind_cstr(st, 4, now_iso);
  arr_db_bind_cstr(st, 5, created_by);
  return run_returning_id(st, id_out, err);
}

arr_rc arr_store_token_get(arr_db *db, const char *token_hash, int64_t *token_id,
                           arr_user *u, arr_err *err) {
  PREPARE("SELECT t.id," USER_JOIN_COLS " FROM api_tokens t JOIN users u ON u.id ="
          " t.user_id LEFT JOIN clients c ON c.id = u.client_id"
          " WHERE t.token_hash = ? AND t.revoked_at IS NULL");
  arr_db_bind_cstr(st, 1, token_hash);
  arr_rc rc = step_one(st, err, "token");
  if (rc != ARR_OK) {
    return rc;
  }
  *token_id = arr_db_col_int64(st, 0);
  read_joined_user(st, 1, u);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_login_attempt_insert(arr_db *db, const char *username,
                                      const char *remote_addr, const char *at_iso,
                                      bool ok, arr_err *err) {
  PREPARE(
      "INSERT INTO login_attempts (username, remote_addr, at, ok) VALUES (?, ?, ?, ?)");
  arr_db_bind_cstr(st, 1, username);
  arr_db_bind_cstr(st, 2, remote_addr);
  arr_db_bind_cstr(st, 3, at_iso);
  arr_db_bind_int64(st, 4, ok ? 1 : 0);
  return arr_db_run(st, err);
}

static arr_rc count_failures(arr_db *db, const char *sql, const char *key,
                             const char *since_iso, int64_t *count,
                             char oldest[ARR_TIME_FMT_MAX], arr_err *err) {
  PREPARE(sql);
  arr_db_bind_cstr(st, 1, key);
  arr_db_bind_cstr(st, 2, since_iso);
  arr_rc rc = step_one(st, err, "login attempts");
  if (rc != ARR_OK) {
    return rc;
  }
  *count = arr_db_col_int64(st, 0);
  col_copy(st, 1, oldest, ARR_TIME_FMT_MAX);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_login_failures(arr_db *db, const char *username, const char *remote_addr,
                                const char *since_iso, int64_t *by_user, int64_t *by_addr,
                                char oldest_user[ARR_TIME_FMT_MAX],
                                char oldest_addr[ARR_TIME_FMT_MAX], arr_err *err) {
  arr_rc rc = count_failures(db,
                             "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE"
                             " username = ? AND at >= ? AND ok = 0",
                             username, since_iso, by_user, oldest_user, err);
  if (rc != ARR_OK) {
    return rc;
  }
  return count_failures(db,
                        "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE"
                        " remote_addr = ? AND at >= ? AND ok = 0",
                        remote_addr, since_iso, by_addr, oldest_addr, err);
}
