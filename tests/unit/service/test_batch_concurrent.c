/*
 * test_batch_concurrent.c — payments committed by another connection between two chunks
 * of the nightly batch are neither lost nor overwritten.
 *
 * On SQLite the batch reads chunk k+1 on a second connection while it writes chunk k
 * (service/batch.c, "the read-ahead thread"). A payment committed after that read and
 * before chunk k+1 is written would leave the read-ahead stale: interest posted from a
 * stale balance would overwrite the payment in the cached balance and fork the
 * account's hash chain. The batch's progress callback runs exactly in that gap, so the
 * test posts a payment there, through a second service connection, to the first
 * account of the next chunk — every time, not by luck of timing — and then checks each
 * account's cached balance against its ledger and `audit verify`. It runs on SQLite and,
 * when ARREARS_TEST_PG names a server, on PostgreSQL, where a chunk's read also locks
 * its accounts against other connections' updates until it is written.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/ledger.h"
#include "service/service.h"
#include "store/store.h"

#define NACCOUNTS 41
#define CHUNK 4

typedef struct {
  char url[1024];
  char key[512];
  char dir[256];
} env;

static arr_svc *open_at(const env *e, const char *now) {
  setenv("ARREARS_NOW", now, 1);
  arr_svc_options o = {e->url, e->key, "batch-test", false};
  arr_svc *svc = NULL;
  arr_err err;
  if (arr_svc_open(&o, &svc, &err) != ARR_OK) {
    fail_msg("open: %s", err.msg);
  }
  return svc;
}

static void setup_portfolio(const env *e) {
  setenv("ARREARS_NOW", "2026-10-01T12:00:00Z", 1);
  arr_svc_options o = {e->url, e->key, "batch-test", true};
  arr_err err;
  int version = 0;
  if (arr_svc_init(&o, &version, NULL, 0, &err) != ARR_OK) {
    fail_msg("init: %s", err.msg);
  }
  arr_svc *svc = open_at(e, "2026-10-01T12:00:00Z");
  int64_t cid = 0;
  assert_int_equal(arr_svc_client_add(svc, "GAP", "Gap Client", "20",
                                      "costs,fees,interest,principal", &cid, &err),
                   ARR_OK);
  char path[512];
  snprintf(path, sizeof path, "%s/placements.csv", e->dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("client_account,first_name,last_name,principal,interest_rate_pct,"
        "first_delinquency_date\n",
        f);
  for (int i = 0; i < NACCOUNTS; i++) {
    fprintf(f, "G%02d,Gil,Gap%d,%d.%02d,%d.5,2025-03-01\n", i, i, 500 + i * 91, i % 100,
            6 + i % 20);
  }
  fclose(f);
  arr_import_result res;
  assert_int_equal(arr_svc_import_placements(svc, path, "GAP", NULL, &res, &err), ARR_OK);
  assert_int_equal(res.loaded, NACCOUNTS);
  arr_svc_close(svc);
}

typedef struct {
  arr_svc *other; /* a second connection, as another user's process would have */
  int paid;
} gap;

/* Runs after each chunk's commit, before the next chunk takes the write lock. */
static void pay_next(void *ctx, const arr_batch_result *r) {
  gap *g = ctx;
  if (r->accounts >= NACCOUNTS) {
    return;
  }
  char account[32], key[32];
  snprintf(account, sizeof account, "%lld", (long long)(r->accounts + 1));
  snprintf(key, sizeof key, "gap-%lld", (long long)r->accounts);
  arr_pay_request req = {account, "12.34", "ach", NULL, NULL, key};
  arr_pay_result res;
  arr_err err;
  arr_rc rc = arr_svc_pay(g->other, &req, &res, &err);
  if (rc != ARR_OK) {
    fail_msg("pay %s: %s", account, err.msg);
  }
  g->paid++;
}

static void run_gap(const env *e) {
  setup_portfolio(e);
  arr_svc *svc = open_at(e, "2026-11-20T12:00:00Z");
  gap g = {open_at(e, "2026-11-20T12:00:00Z"), 0};
  arr_batch_result res;
  arr_err err;
  arr_rc rc = arr_svc_batch_run(svc, "2026-11-20", CHUNK, pay_next, &g, &res, &err);
  if (rc != ARR_OK) {
    fail_msg("batch: %s", err.msg);
  }
  assert_int_equal(res.accounts, NACCOUNTS);
  assert_int_equal(res.interest_entries, NACCOUNTS);
  assert_int_equal(g.paid, (NACCOUNTS + CHUNK - 1) / CHUNK - 1);
  arr_db *db = arr_svc_db(svc);
  for (int64_t id = 1; id <= NACCOUNTS; id++) {
    arr_account a;
    arr_balance sum;
    assert_int_equal(arr_store_account_get(db, id, &a, &err), ARR_OK);
    assert_int_equal(arr_store_ledger_sum(db, id, ARR_DATE_NONE, &sum, &err), ARR_OK);
    for (int b = 0; b < ARR_BUCKETS; b++) {
      assert_int_equal(a.balance.cents[b], sum.cents[b]);
    }
  }
  arr_verify_result vr;
  assert_int_equal(arr_svc_audit_verify(svc, NULL, NULL, &vr, &err), ARR_OK);
  assert_int_equal(vr.accounts_checked, NACCOUNTS);
  arr_svc_close(g.other);
  arr_svc_close(svc);
}

static void make_dir(env *e) {
  snprintf(e->dir, sizeof e->dir, "/tmp/arrears-gap.XXXXXX");
  assert_non_null(mkdtemp(e->dir));
  snprintf(e->key, sizeof e->key, "%s/test.key", e->dir);
}

static void test_sqlite(void **state) {
  (void)state;
  env e;
  make_dir(&e);
  snprintf(e.url, sizeof e.url, "sqlite:%s/test.db", e.dir);
  run_gap(&e);
}

/* e for a PostgreSQL schema of its own (so this test never sees another test's
 * tables), named prefix_PID; false when ARREARS_TEST_PG is not set. */
static bool pg_env(env *e, const char *prefix) {
  const char *pg = getenv("ARREARS_TEST_PG");
  if (pg == NULL || pg[0] == '\0') {
    return false;
  }
  make_dir(e);
  char schema[64];
  snprintf(schema, sizeof schema, "%s_%d", prefix, (int)getpid());
  arr_db *db = NULL;
  arr_err err;
  assert_int_equal(arr_db_open(pg, &db, &err), ARR_OK);
  char sql[128];
  snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
  assert_int_equal(arr_db_exec(db, sql, &err), ARR_OK);
  arr_db_close(db);
  snprintf(e->url, sizeof e->url, "%s%soptions=-csearch_path%%3D%s", pg,
           strchr(pg, '?') != NULL ? "&" : "?", schema);
  return true;
}

static void test_postgres(void **state) {
  (void)state;
  env e;
  if (!pg_env(&e, "gap")) {
    skip();
  }
  run_gap(&e);
}

/* On PostgreSQL (READ COMMITTED) a payment committed between a chunk's read and its
 * write would be overwritten by the batch's account update, so the chunk's read locks
 * its accounts: another connection's update of one of them waits (here: times out)
 * until the chunk's transaction ends, while an account outside the chunk is free. */
static void test_postgres_chunk_locks(void **state) {
  (void)state;
  env e;
  if (!pg_env(&e, "lock")) {
    skip();
  }
  setup_portfolio(&e);
  arr_db *batch = NULL, *other = NULL;
  arr_err err;
  assert_int_equal(arr_db_open(e.url, &batch, &err), ARR_OK);
  assert_int_equal(arr_db_open(e.url, &other, &err), ARR_OK);
  assert_int_equal(arr_db_exec(other, "SET lock_timeout = '300ms'", &err), ARR_OK);
  arr_account chunk[CHUNK];
  int n = 0;
  assert_int_equal(arr_db_begin(batch, &err), ARR_OK);
  assert_int_equal(arr_store_account_chunk(batch, 0, INT64_MAX, chunk, CHUNK, &n, &err),
                   ARR_OK);
  assert_int_equal(n, CHUNK);
  assert_int_equal(chunk[1].id, 2);
  static const char in_chunk[] =
      "UPDATE accounts SET updated_at = updated_at WHERE id = 2";
  static const char outside[] =
      "UPDATE accounts SET updated_at = updated_at WHERE id = 9";
  assert_int_equal(arr_db_exec(other, outside, &err), ARR_OK);
  assert_int_not_equal(arr_db_exec(other, in_chunk, &err), ARR_OK);
  assert_non_null(strstr(err.msg, "lock timeout"));
  assert_int_equal(arr_db_commit(batch, &err), ARR_OK);
  assert_int_equal(arr_db_exec(other, in_chunk, &err), ARR_OK);
  arr_db_close(other);
  arr_db_close(batch);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sqlite),
      cmocka_unit_test(test_postgres),
      cmocka_unit_test(test_postgres_chunk_locks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
