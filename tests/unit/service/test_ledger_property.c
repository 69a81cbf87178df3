/*
 * test_ledger_property.c — thousands of random payments, duplicate-key payments,
 * reversals and adjustments against real databases (SQLite always; PostgreSQL when
 * ARREARS_TEST_PG names a server), checking after every operation that each account's
 * cached balance equals the sum of its ledger and equals an independent model of what
 * the balance must be. At the end `audit verify` must pass, and must fail after a
 * ledger row or an audit event is edited behind arrears' back.
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

#include "core/ledger.h"
#include "core/money.h"
#include "service/service.h"
#include "store/store.h"

#define NACCOUNTS 12
#define NOPS 2500

typedef struct {
  char url[1024];
  char key[512];
  char dir[256];
} env;

static uint64_t rng_state = 0x1234567;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static arr_svc *open_at(const env *e, const char *now) {
  setenv("ARREARS_NOW", now, 1);
  arr_svc_options o = {e->url, e->key, "property-test", false};
  arr_svc *svc = NULL;
  arr_err err;
  arr_rc rc = arr_svc_open(&o, &svc, &err);
  if (rc != ARR_OK) {
    fail_msg("open: %s", err.msg);
  }
  return svc;
}

static void setup_portfolio(const env *e) {
  setenv("ARREARS_NOW", "2026-06-01T12:00:00Z", 1);
  arr_svc_options o = {e->url, e->key, "property-test", true};
  arr_err err;
  int version = 0;
  if (arr_svc_init(&o, &version, NULL, 0, &err) != ARR_OK) {
    fail_msg("init: %s", err.msg);
  }
  arr_svc *svc = open_at(e, "2026-06-01T12:00:00Z");
  int64_t cid = 0;
  assert_int_equal(arr_svc_client_add(svc, "PROP", "Property Client", "20",
                                      "costs,fees,interest,principal", &cid, &err),
                   ARR_OK);
  char path[512];
  snprintf(path, sizeof path, "%s/placements.csv", e->dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("client_account,first_name,last_name,principal,interest,fees\n", f);
  for (int i = 0; i < NACCOUNTS; i++) {
    fprintf(f, "P%02d,Pat,Person%d,%d.%02d,%d.00,%d.50\n", i, i, 100 + i * 37, i, i * 3,
            i);
  }
  fclose(f);
  arr_import_result res;
  assert_int_equal(arr_svc_import_placements(svc, path, "PROP", NULL, &res, &err),
                   ARR_OK);
  assert_int_equal(res.loaded, NACCOUNTS);
  arr_svc_close(svc);
}

static int64_t total_of(const arr_balance *b) {
  int64_t t = 0;
  assert_true(arr_balance_total(b, &t));
  return t;
}

static void check_account(arr_svc *svc, int64_t id, int64_t model_total) {
  arr_err err;
  arr_account a;
  arr_balance sum;
  assert_int_equal(arr_store_account_get(arr_svc_db(svc), id, &a, &err), ARR_OK);
  assert_int_equal(arr_store_ledger_sum(arr_svc_db(svc), id, ARR_DATE_NONE, &sum, &err),
                   ARR_OK);
  for (int b = 0; b < ARR_BUCKETS; b++) {
    assert_int_equal(a.balance.cents[b], sum.cents[b]);
    if (b != ARR_BUCKET_CREDIT) {
      assert_true(a.balance.cents[b] >= 0); /* no owed bucket is ever driven negative */
    } else {
      assert_true(a.balance.cents[b] <= 0);
    }
  }
  assert_int_equal(total_of(&a.balance), model_total);
}

typedef struct {
  int64_t payment_id, account_id, amount;
  bool reversed;
} paid;

static void run_property(const env *e) {
  setup_portfolio(e);
  arr_svc *svc = open_at(e, "2026-11-23T15:00:00Z");
  arr_err err;
  int64_t model[NACCOUNTS + 1];
  for (int i = 1; i <= NACCOUNTS; i++) {
    arr_account a;
    assert_int_equal(arr_store_account_get(arr_svc_db(svc), i, &a, &err), ARR_OK);
    model[i] = total_of(&a.balance);
  }
  paid *pays = calloc(NOPS, sizeof *pays);
  int npays = 0;
  char key[64], amount[32], date[16], ref[16];
  for (int op = 0; op < NOPS; op++) {
    int64_t acct = 1 + (int64_t)(rnd() % NACCOUNTS);
    unsigned kind = (unsigned)(rnd() % 10);
    if (kind < 5) { /* payment, sometimes repeating an earlier key */
      int64_t cents = 1 + (int64_t)(rnd() % 40000);
      arr_money_format(cents, amount);
      snprintf(ref, sizeof ref, "%lld", (long long)acct);
      snprintf(date, sizeof date, "2026-%02d-%02d", 6 + (int)(rnd() % 5),
               1 + (int)(rnd() % 28));
      bool reuse = npays > 0 && rnd() % 8 == 0;
      int reuse_of = reuse ? (int)(rnd() % npays) : -1;
      snprintf(key, sizeof key, "k%d", reuse ? reuse_of : npays);
      arr_pay_request req = {ref, amount, "ach", date, NULL, key};
      arr_pay_result res;
      if (arr_svc_pay(svc, &req, &res, &err) != ARR_OK) {
        fail_msg("pay %s %s on %s: %s", ref, amount, date, err.msg);
      }
      if (reuse) {
        assert_true(res.duplicate);
      } else {
        assert_false(res.duplicate);
        model[acct] -= cents;
        pays[npays++] = (paid){res.payment_id, acct, cents, false};
      }
      check_account(svc, res.account_id, model[res.account_id]);
    } else if (kind < 7 && npays > 0) { /* reversal (a second one must be refused) */
      paid *p = &pays[rnd() % npays];
      arr_pay_result res;
      arr_rc rc = arr_svc_payment_reverse(svc, p->payment_id, "nsf", &res, &err);
      if (p->reversed) {
        assert_int_equal(rc, ARR_ERR_CONFLICT);
      } else {
        assert_int_equal(rc, ARR_OK);
        p->reversed = true;
        model[p->account_id] += p->amount;
      }
      check_account(svc, p->account_id, model[p->account_id]);
    } else { /* adjustment of a random bucket, either sign; refusals change nothing */
      static const char *const buckets[] = {"principal", "interest", "fees", "costs",
                                            "credit"};
      const char *bucket = buckets[rnd() % 5];
      int64_t cents = (int64_t)(rnd() % 20000) - 10000;
      if (cents == 0) {
        cents = 1;
      }
      arr_money_format(cents, amount);
      snprintf(ref, sizeof ref, "%lld", (long long)acct);
      int64_t entry = 0;
      arr_rc rc = arr_svc_adjust(svc, ref, bucket, amount, "property test", &entry, &err);
      if (rc == ARR_OK) {
        model[acct] += cents;
      } else {
        assert_int_equal(rc, ARR_ERR_REFUSED);
      }
      check_account(svc, acct, model[acct]);
    }
  }
  free(pays);
  arr_verify_result vr;
  assert_int_equal(arr_svc_audit_verify(svc, NULL, NULL, &vr, &err), ARR_OK);
  assert_int_equal(vr.accounts_checked, NACCOUNTS);
  assert_true(vr.events_checked > NOPS / 2);

  /* Tamper with one ledger amount: caught. Put it back: clean again. */
  arr_db *db = arr_svc_db(svc);
  assert_int_equal(arr_db_exec(db,
                               "UPDATE ledger_entries SET fees_cents = fees_cents + 1"
                               " WHERE id = 5",
                               &err),
                   ARR_OK);
  assert_int_equal(arr_svc_audit_verify(svc, NULL, NULL, &vr, &err), ARR_ERR_INTEGRITY);
  assert_true(vr.problems >= 1);
  assert_int_equal(arr_db_exec(db,
                               "UPDATE ledger_entries SET fees_cents = fees_cents - 1"
                               " WHERE id = 5",
                               &err),
                   ARR_OK);
  assert_int_equal(arr_svc_audit_verify(svc, NULL, NULL, &vr, &err), ARR_OK);
  /* Editing the cached balance and the ledger row together is still caught by the hash.
   */
  assert_int_equal(
      arr_db_exec(db,
                  "UPDATE ledger_entries SET principal_cents = principal_cents"
                  " - 100 WHERE id = 1;"
                  " UPDATE accounts SET principal_cents = principal_cents - 100"
                  " WHERE id = 1",
                  &err),
      ARR_OK);
  assert_int_equal(arr_svc_audit_verify(svc, NULL, NULL, &vr, &err), ARR_ERR_INTEGRITY);
  assert_int_equal(
      arr_db_exec(db,
                  "UPDATE ledger_entries SET principal_cents = principal_cents"
                  " + 100 WHERE id = 1;"
                  " UPDATE accounts SET principal_cents = principal_cents + 100"
                  " WHERE id = 1",
                  &err),
      ARR_OK);
  /* An edited audit event: caught. */
  assert_int_equal(
      arr_db_exec(db, "UPDATE audit_log SET actor = 'someone-else' WHERE id = 3", &err),
      ARR_OK);
  assert_int_equal(arr_svc_audit_verify(svc, NULL, NULL, &vr, &err), ARR_ERR_INTEGRITY);
  /* A deleted audit event: caught. */
  assert_int_equal(
      arr_db_exec(db,
                  "UPDATE audit_log SET actor = 'property-test' WHERE id = 3;"
                  " DELETE FROM audit_log WHERE id = 4",
                  &err),
      ARR_OK);
  assert_int_equal(arr_svc_audit_verify(svc, NULL, NULL, &vr, &err), ARR_ERR_INTEGRITY);
  arr_svc_close(svc);
}

static void make_dir(env *e) {
  snprintf(e->dir, sizeof e->dir, "/tmp/arrears-prop.XXXXXX");
  assert_non_null(mkdtemp(e->dir));
  snprintf(e->key, sizeof e->key, "%s/test.key", e->dir);
}

static void test_sqlite(void **state) {
  (void)state;
  env e;
  make_dir(&e);
  snprintf(e.url, sizeof e.url, "sqlite:%s/test.db", e.dir);
  run_property(&e);
}

static void test_postgres(void **state) {
  (void)state;
  const char *pg = getenv("ARREARS_TEST_PG");
  if (pg == NULL || pg[0] == '\0') {
    skip();
  }
  env e;
  make_dir(&e);
  /* A schema of its own, so this test never sees another test's tables. */
  char schema[64];
  snprintf(schema, sizeof schema, "prop_%d_%u", (int)getpid(),
           (unsigned)(rnd() % 100000));
  arr_db *db = NULL;
  arr_err err;
  assert_int_equal(arr_db_open(pg, &db, &err), ARR_OK);
  char sql[128];
  snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
  assert_int_equal(arr_db_exec(db, sql, &err), ARR_OK);
  arr_db_close(db);
  snprintf(e.url, sizeof e.url, "%s%soptions=-csearch_path%%3D%s", pg,
           strchr(pg, '?') != NULL ? "&" : "?", schema);
  run_property(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sqlite),
      cmocka_unit_test(test_postgres),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
