/*
 * test_auth.c — passwords, sessions, API tokens and login throttling in the service
 * layer, on SQLite and (when ARREARS_TEST_PG names a server) PostgreSQL. The clock is
 * moved with ARREARS_NOW + arr_svc_refresh_clock, so expiry and the throttling window
 * are tested at their exact boundaries without sleeping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "service/service.h"

typedef struct {
  char url[1024];
  char key[512];
  char dir[256];
} env;

static void at(arr_svc *svc, const char *now) {
  setenv("ARREARS_NOW", now, 1);
  arr_svc_refresh_clock(svc);
}

static arr_svc *setup(const env *e) {
  setenv("ARREARS_NOW", "2026-11-23T08:00:00Z", 1);
  arr_svc_options o = {e->url, e->key, "test", true};
  arr_err err;
  int version = 0;
  if (arr_svc_init(&o, &version, NULL, 0, &err) != ARR_OK) {
    fail_msg("init: %s", err.msg);
  }
  o.create_key = false;
  arr_svc *svc = NULL;
  if (arr_svc_open(&o, &svc, &err) != ARR_OK) {
    fail_msg("open: %s", err.msg);
  }
  int64_t id = 0;
  assert_int_equal(arr_svc_client_add(svc, "ACME", "Acme", NULL, NULL, &id, &err),
                   ARR_OK);
  assert_int_equal(arr_svc_user_add(svc, "alice", "Alice", "collector", NULL, &id, &err),
                   ARR_OK);
  assert_int_equal(arr_svc_user_add(svc, "boss", "Boss", "admin", NULL, &id, &err),
                   ARR_OK);
  assert_int_equal(arr_svc_user_add(svc, "portal", "Portal", "client", "ACME", &id, &err),
                   ARR_OK);
  assert_int_equal(arr_svc_user_set_password(svc, "alice", "correct horse", &err),
                   ARR_OK);
  assert_int_equal(arr_svc_user_set_password(svc, "portal", "portal-password", &err),
                   ARR_OK);
  return svc;
}

static void check_passwords_and_sessions(arr_svc *svc) {
  arr_err err;
  arr_login_result res;
  arr_principal p;
  char csrf[ARR_CSRF_MAX];
  int64_t sid = 0;

  /* Length rules; no password at all means no login. */
  assert_int_equal(arr_svc_user_set_password(svc, "alice", "short", &err),
                   ARR_ERR_INVALID);
  assert_int_equal(arr_svc_login(svc, "boss", "anything-at-all", "10.0.0.1", &res, &err),
                   ARR_ERR_AUTH);

  /* Wrong password and unknown user give the same answer. */
  assert_int_equal(arr_svc_login(svc, "alice", "wrong horse", "10.0.0.1", &res, &err),
                   ARR_ERR_AUTH);
  char msg_wrong[ARR_ERR_MSG_MAX];
  snprintf(msg_wrong, sizeof msg_wrong, "%s", err.msg);
  assert_int_equal(arr_svc_login(svc, "nobody", "wrong horse", "10.0.0.1", &res, &err),
                   ARR_ERR_AUTH);
  assert_string_equal(err.msg, msg_wrong);

  assert_int_equal(arr_svc_login(svc, "alice", "correct horse", "10.0.0.1", &res, &err),
                   ARR_OK);
  assert_string_equal(res.user.username, "alice");
  assert_string_equal(res.user.role, "collector");
  assert_true(strlen(res.token) >= 43 && strlen(res.csrf) >= 43);

  assert_int_equal(arr_svc_session_check(svc, res.token, &p, csrf, &sid, &err), ARR_OK);
  assert_string_equal(p.username, "alice");
  assert_string_equal(csrf, res.csrf);
  assert_int_equal(arr_svc_session_check(svc, "not-a-token", &p, csrf, &sid, &err),
                   ARR_ERR_AUTH);

  /* Idle timeout: 2 hours without a request ends it; a request inside keeps it. */
  at(svc, "2026-11-23T09:59:00Z");
  assert_int_equal(arr_svc_session_check(svc, res.token, &p, csrf, &sid, &err), ARR_OK);
  at(svc, "2026-11-23T11:58:59Z");
  assert_int_equal(arr_svc_session_check(svc, res.token, &p, csrf, &sid, &err), ARR_OK);
  at(svc, "2026-11-23T13:59:00Z");
  assert_int_equal(arr_svc_session_check(svc, res.token, &p, csrf, &sid, &err),
                   ARR_ERR_AUTH);

  /* Absolute lifetime: 12 hours however busy. */
  at(svc, "2026-11-23T14:00:00Z");
  assert_int_equal(arr_svc_login(svc, "alice", "correct horse", "10.0.0.1", &res, &err),
                   ARR_OK);
  const char *steps[] = {"2026-11-23T15:30:00Z", "2026-11-23T17:00:00Z",
                         "2026-11-23T18:30:00Z", "2026-11-23T20:00:00Z",
                         "2026-11-23T21:30:00Z", "2026-11-23T23:00:00Z",
                         "2026-11-24T00:30:00Z", "2026-11-24T01:59:59Z"};
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    at(svc, steps[i]);
    assert_int_equal(arr_svc_session_check(svc, res.token, &p, csrf, &sid, &err), ARR_OK);
  }
  at(svc, "2026-11-24T02:00:00Z");
  assert_int_equal(arr_svc_session_check(svc, res.token, &p, csrf, &sid, &err),
                   ARR_ERR_AUTH);

  /* Logout ends the session; a password change ends every session of the user. */
  assert_int_equal(arr_svc_login(svc, "alice", "correct horse", "10.0.0.1", &res, &err),
                   ARR_OK);
  assert_int_equal(arr_svc_session_check(svc, res.token, &p, csrf, &sid, &err), ARR_OK);
  assert_int_equal(arr_svc_logout(svc, sid, &err), ARR_OK);
  assert_int_equal(arr_svc_session_check(svc, res.token, &p, csrf, &sid, &err),
                   ARR_ERR_AUTH);
  assert_int_equal(arr_svc_login(svc, "alice", "correct horse", "10.0.0.1", &res, &err),
                   ARR_OK);
  assert_int_equal(arr_svc_user_set_password(svc, "alice", "battery staple", &err),
                   ARR_OK);
  assert_int_equal(arr_svc_session_check(svc, res.token, &p, csrf, &sid, &err),
                   ARR_ERR_AUTH);
  assert_int_equal(arr_svc_login(svc, "alice", "correct horse", "10.0.0.1", &res, &err),
                   ARR_ERR_AUTH);
  assert_int_equal(arr_svc_login(svc, "alice", "battery staple", "10.0.0.1", &res, &err),
                   ARR_OK);

  /* A role change also ends sessions; the client portal user carries its client. */
  assert_int_equal(
      arr_svc_login(svc, "portal", "portal-password", "10.0.0.2", &res, &err), ARR_OK);
  assert_string_equal(res.user.client_code, "ACME");
  assert_int_equal(arr_svc_user_set_role(svc, "portal", "collector", NULL, NULL, &err),
                   ARR_OK);
  assert_int_equal(arr_svc_session_check(svc, res.token, &p, csrf, &sid, &err),
                   ARR_ERR_AUTH);
}

static void check_throttling(arr_svc *svc) {
  arr_err err;
  arr_login_result res;
  at(svc, "2026-11-25T09:00:00Z");
  /* Five failures for one username within 15 minutes... */
  for (int i = 0; i < 5; i++) {
    char now[32];
    snprintf(now, sizeof now, "2026-11-25T09:0%d:00Z", i);
    at(svc, now);
    assert_int_equal(arr_svc_login(svc, "alice", "guess-guess", "10.0.0.9", &res, &err),
                     ARR_ERR_AUTH);
  }
  /* ...and even the right password is refused, with the wait until the oldest
   * failure leaves the window. */
  at(svc, "2026-11-25T09:05:00Z");
  assert_int_equal(arr_svc_login(svc, "alice", "battery staple", "10.0.0.9", &res, &err),
                   ARR_ERR_THROTTLED);
  assert_int_equal(res.retry_after_s, 600);
  /* Another user from another address is not affected. */
  assert_int_equal(
      arr_svc_login(svc, "portal", "portal-password", "10.0.0.8", &res, &err), ARR_OK);
  /* At 09:15:00 the first failure (09:00:00) is out of the window: 4 remain. */
  at(svc, "2026-11-25T09:14:59Z");
  assert_int_equal(arr_svc_login(svc, "alice", "battery staple", "10.0.0.9", &res, &err),
                   ARR_ERR_THROTTLED);
  assert_int_equal(res.retry_after_s, 1);
  at(svc, "2026-11-25T09:15:01Z");
  assert_int_equal(arr_svc_login(svc, "alice", "battery staple", "10.0.0.9", &res, &err),
                   ARR_OK);
}

static void check_tokens(arr_svc *svc) {
  arr_err err;
  char token[ARR_TOKEN_MAX];
  int64_t id = 0;
  arr_principal p;
  assert_int_equal(arr_svc_token_create(svc, "alice", "crm sync", token, &id, &err),
                   ARR_OK);
  assert_true(strncmp(token, "arr_", 4) == 0);
  assert_int_equal(arr_svc_token_check(svc, token, &p, &err), ARR_OK);
  assert_string_equal(p.username, "alice");
  token[10] = token[10] == 'A' ? 'B' : 'A';
  assert_int_equal(arr_svc_token_check(svc, token, &p, &err), ARR_ERR_AUTH);
  assert_int_equal(arr_svc_token_check(svc, "", &p, &err), ARR_ERR_AUTH);
  assert_int_equal(arr_svc_token_create(svc, "nobody", "x", token, &id, &err),
                   ARR_ERR_NOTFOUND);
  assert_int_equal(arr_svc_token_create(svc, "alice", "", token, &id, &err),
                   ARR_ERR_INVALID);

  /* Acting as a collector over the API: admin-only operations are forbidden. */
  assert_int_equal(arr_svc_token_check(svc, "arr_x", &p, &err), ARR_ERR_AUTH);
  arr_login_result res;
  at(svc, "2026-11-26T09:00:00Z");
  assert_int_equal(arr_svc_login(svc, "alice", "battery staple", "10.0.0.1", &res, &err),
                   ARR_OK);
  arr_svc_set_principal(svc, &res.user);
  assert_int_equal(arr_svc_token_create(svc, "alice", "mine", token, &id, &err),
                   ARR_ERR_FORBIDDEN);
  assert_int_equal(arr_svc_user_set_role(svc, "alice", "admin", NULL, NULL, &err),
                   ARR_ERR_FORBIDDEN);
  assert_int_equal(arr_svc_user_set_password(svc, "boss", "a-new-password", &err),
                   ARR_ERR_FORBIDDEN);
  /* ...but a user may change their own password. */
  assert_int_equal(arr_svc_user_set_password(svc, "alice", "her-own-choice", &err),
                   ARR_OK);
  arr_svc_set_principal(svc, NULL);

  arr_verify_result vr;
  assert_int_equal(arr_svc_audit_verify(svc, NULL, NULL, &vr, &err), ARR_OK);
}

static void run_all(const env *e) {
  arr_svc *svc = setup(e);
  check_passwords_and_sessions(svc);
  check_throttling(svc);
  check_tokens(svc);
  arr_svc_close(svc);
}

static void make_dir(env *e) {
  snprintf(e->dir, sizeof e->dir, "/tmp/arrears-auth.XXXXXX");
  assert_non_null(mkdtemp(e->dir));
  snprintf(e->key, sizeof e->key, "%s/test.key", e->dir);
}

static void test_sqlite(void **state) {
  (void)state;
  env e;
  make_dir(&e);
  snprintf(e.url, sizeof e.url, "sqlite:%s/test.db", e.dir);
  run_all(&e);
}

static void test_postgres(void **state) {
  (void)state;
  const char *pg = getenv("ARREARS_TEST_PG");
  if (pg == NULL || pg[0] == '\0') {
    skip();
  }
  env e;
  make_dir(&e);
  char schema[64];
  snprintf(schema, sizeof schema, "auth_%d", (int)getpid());
  arr_db *db = NULL;
  arr_err err;
  assert_int_equal(arr_db_open(pg, &db, &err), ARR_OK);
  char sql[128];
  snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
  assert_int_equal(arr_db_exec(db, sql, &err), ARR_OK);
  arr_db_close(db);
  snprintf(e.url, sizeof e.url, "%s%soptions=-csearch_path%%3D%s", pg,
           strchr(pg, '?') != NULL ? "&" : "?", schema);
  run_all(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sqlite),
      cmocka_unit_test(test_postgres),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
