/*
 * store_email.c — email opt-out tokens (table optout_tokens, migration 0016).
 *
 * Each email carries a link with a random token; only the token's hash (hex SHA-256)
 * is stored, with the account and the email address (emails row) it was sent about.
 * A token is used once: the opt-out sets used_at with a conditional UPDATE, so two
 * clicks at once record one opt-out (the second sees no row changed).
 */
#include "store/store.h"
#include "store/store_util.h"

arr_rc arr_store_optout_insert(arr_db *db, const char *token_hash, int64_t account_id,
                               int64_t email_id, const char *now_iso, arr_err *err) {
  PREPARE("INSERT INTO optout_tokens (token_hash, account_id, email_id, created_at)"
          " VALUES (?, ?, ?, ?)");
  arr_db_bind_cstr(st, 1, token_hash);
  arr_db_bind_int64(st, 2, account_id);
  arr_db_bind_int64(st, 3, email_id);
  arr_db_bind_cstr(st, 4, now_iso);
  return arr_db_run(st, err);
}

arr_rc arr_store_optout_get(arr_db *db, const char *token_hash, arr_optout_token *out,
                            arr_err *err) {
  PREPARE("SELECT t.token_hash, t.account_id, t.email_id, t.created_at, t.used_at,"
          " e.address, e.debtor_id FROM optout_tokens t JOIN emails e ON e.id ="
          " t.email_id WHERE t.token_hash = ?");
  arr_db_bind_cstr(st, 1, token_hash);
  arr_rc rc = step_one(st, err, "opt-out token");
  if (rc != ARR_OK) {
    return rc;
  }
  col_copy(st, 0, out->token_hash, sizeof out->token_hash);
  out->account_id = arr_db_col_int64(st, 1);
  out->email_id = arr_db_col_int64(st, 2);
  col_copy(st, 3, out->created_at, sizeof out->created_at);
  col_copy(st, 4, out->used_at, sizeof out->used_at);
  col_copy(st, 5, out->email_address, sizeof out->email_address);
  out->debtor_id = arr_db_col_int64(st, 6);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_optout_use(arr_db *db, const char *token_hash, const char *used_iso,
                            bool *changed, arr_err *err) {
  PREPARE(
      "UPDATE optout_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL");
  arr_db_bind_cstr(st, 1, used_iso);
  arr_db_bind_cstr(st, 2, token_hash);
  arr_rc rc = arr_db_run(st, err);
  *changed = rc == ARR_OK && arr_db_changes(st) > 0;
  return rc;
}
