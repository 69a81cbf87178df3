/*
 * verify.c — `audit verify`: proves the audit log and every account's ledger are
 * intact.
 *
 * Audit: events are read in id order; each must follow the previous id without a gap,
 * chain to the previous hash, and hash to its stored hash; the last must match the
 * stored head. Ledger: for each account, its entries (in id order) must chain from the
 * account's genesis hash to the account's ledger_head, each entry's hash must match
 * its content, and the sum of the entries must equal the cached balance. Editing any
 * amount, date or kind in a ledger row, deleting or inserting a row, or changing a
 * cached balance is caught. Reads are paged (keyset) so memory stays bounded however
 * big the portfolio.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/internal.h"

#define AUDIT_PAGE 2000
#define ACCOUNT_PAGE 1000
#define LEDGER_PAGE 5000
/* A corrupted database can have millions of problems; the first ones say what
 * happened, the count says how far it goes. */
#define REPORT_MAX 200

typedef struct {
  void (*report)(void *ctx, const char *msg);
  void *ctx;
  arr_verify_result *res;
} reporter;

static void problem(reporter *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void problem(reporter *r, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  r->res->problems++;
  if (r->report != NULL && r->res->problems <= REPORT_MAX) {
    r->report(r->ctx, msg);
  } else if (r->report != NULL && r->res->problems == REPORT_MAX + 1) {
    r->report(r->ctx, "(further problems are counted but not listed)");
  }
}

static arr_rc verify_audit(arr_svc *svc, reporter *r, arr_err *err) {
  arr_audit_event *page = malloc(sizeof *page * AUDIT_PAGE);
  if (page == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int64_t last_id = 0;
  char last_hash[ARR_HASH_HEX] = "";
  arr_rc rc = ARR_OK;
  for (;;) {
    int n = 0;
    rc = arr_store_audit_scan(svc->db, last_id, page, AUDIT_PAGE, &n, err);
    if (rc != ARR_OK || n == 0) {
      break;
    }
    for (int i = 0; i < n; i++) {
      arr_audit_event *e = &page[i];
      if (e->id != last_id + 1) {
        problem(r, "audit: event %lld follows event %lld (events missing)",
                (long long)e->id, (long long)last_id);
      }
      if (strcmp(e->prev_hash, last_hash) != 0) {
        problem(r, "audit: event %lld does not chain to the event before it",
                (long long)e->id);
      }
      char h[ARR_HASH_HEX];
      svc_audit_hash(e, h);
      if (strcmp(h, e->hash) != 0) {
        problem(r,
                "audit: event %lld (%s) was altered: its content does not match its hash",
                (long long)e->id, e->action);
      }
      last_id = e->id;
      memcpy(last_hash, e->hash, ARR_HASH_HEX);
      r->res->events_checked++;
    }
  }
  free(page);
  if (rc != ARR_OK) {
    return rc;
  }
  int64_t head_id = 0;
  char head_hash[ARR_HASH_HEX];
  rc = arr_store_audit_head_peek(svc->db, &head_id, head_hash, err);
  if (rc == ARR_OK && (head_id != last_id || strcmp(head_hash, last_hash) != 0)) {
    problem(
        r, "audit: the chain ends at event %lld but the head says %lld (events removed?)",
        (long long)last_id, (long long)head_id);
  }
  return rc;
}

typedef struct {
  arr_account *acct; /* current account being checked */
  char hash[ARR_HASH_HEX];
  arr_balance sum;
  int64_t entries;
  bool chain_ok;
} account_check;

static void finish_account(reporter *r, account_check *c) {
  if (c->acct == NULL) {
    return;
  }
  const arr_account *a = c->acct;
  if (c->chain_ok && strcmp(c->hash, a->ledger_head) != 0) {
    problem(r,
            "ledger: account %lld: its entries do not end at the recorded ledger head "
            "(an entry was added or removed outside arrears)",
            (long long)a->id);
  }
  for (int b = 0; b < ARR_BUCKETS; b++) {
    if (c->sum.cents[b] != a->balance.cents[b]) {
      problem(
          r, "ledger: account %lld: %s balance is %lld cents but its ledger sums to %lld",
          (long long)a->id, arr_bucket_name((arr_bucket)b),
          (long long)a->balance.cents[b], (long long)c->sum.cents[b]);
    }
  }
  r->res->accounts_checked++;
  c->acct = NULL;
}

static void start_account(account_check *c, arr_account *a) {
  c->acct = a;
  svc_ledger_genesis(a->client_id, a->client_account, c->hash);
  memset(&c->sum, 0, sizeof c->sum);
  c->entries = 0;
  c->chain_ok = true;
}

static void check_entry(reporter *r, account_check *c, const arr_ledger_entry *e) {
  if (c->chain_ok && strcmp(e->prev_hash, c->hash) != 0) {
    problem(r, "ledger: account %lld: entry %lld does not chain to the entry before it",
            (long long)e->account_id, (long long)e->id);
    c->chain_ok = false;
  }
  char h[ARR_HASH_HEX];
  svc_ledger_hash(e, h);
  if (strcmp(h, e->hash) != 0) {
    problem(r,
            "ledger: account %lld: entry %lld (%s) was altered: its content does not "
            "match its hash",
            (long long)e->account_id, (long long)e->id, e->kind);
  }
  memcpy(c->hash, e->hash, ARR_HASH_HEX);
  arr_balance_add(&c->sum, &e->amount);
  c->entries++;
  r->res->entries_checked++;
}

static arr_rc verify_ledgers(arr_svc *svc, reporter *r, arr_err *err) {
  arr_account *accts = malloc(sizeof *accts * ACCOUNT_PAGE);
  arr_ledger_entry *ents = malloc(sizeof *ents * LEDGER_PAGE);
  if (accts == NULL || ents == NULL) {
    free(accts);
    free(ents);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  arr_rc rc = ARR_OK;
  arr_account_filter f = {0, NULL, 0, ACCOUNT_PAGE};
  for (;;) {
    int na = 0;
    rc = arr_store_account_list(svc->db, &f, accts, ACCOUNT_PAGE, &na, err);
    if (rc != ARR_OK || na == 0) {
      break;
    }
    int64_t first = accts[0].id, last = accts[na - 1].id;
    int ai = 0;
    account_check c = {0};
    int64_t cur_acct = first - 1, cur_id = 0;
    for (;;) {
      int ne = 0;
      rc = arr_store_ledger_scan(svc->db, first, last, cur_acct, cur_id, ents,
                                 LEDGER_PAGE, &ne, err);
      if (rc != ARR_OK || ne == 0) {
        break;
      }
      for (int i = 0; i < ne; i++) {
        const arr_ledger_entry *e = &ents[i];
        while (c.acct == NULL || c.acct->id != e->account_id) {
          finish_account(r, &c);
          if (ai >= na || accts[ai].id > e->account_id) {
            problem(r, "ledger: entry %lld belongs to account %lld, which does not exist",
                    (long long)e->id, (long long)e->account_id);
            break;
          }
          start_account(&c, &accts[ai++]);
        }
        if (c.acct != NULL && c.acct->id == e->account_id) {
          check_entry(r, &c, e);
        }
        cur_acct = e->account_id;
        cur_id = e->id;
      }
    }
    if (rc != ARR_OK) {
      break;
    }
    finish_account(r, &c);
    while (ai < na) { /* accounts with no entries at all */
      start_account(&c, &accts[ai++]);
      finish_account(r, &c);
    }
    f.after_id = last;
  }
  free(accts);
  free(ents);
  return rc;
}

arr_rc arr_svc_audit_verify(arr_svc *svc, void (*report)(void *ctx, const char *msg),
                            void *ctx, arr_verify_result *res, arr_err *err) {
  memset(res, 0, sizeof *res);
  reporter r = {report, ctx, res};
  /* One read transaction gives a consistent snapshot of both chains. */
  arr_rc rc = arr_db_begin_read(svc->db, err);
  if (rc == ARR_OK) {
    rc = verify_audit(svc, &r, err);
  }
  if (rc == ARR_OK) {
    rc = verify_ledgers(svc, &r, err);
  }
  arr_db_rollback(svc->db);
  if (rc == ARR_OK && res->problems > 0) {
    rc = arr_err_set(err, ARR_ERR_INTEGRITY, "verification found %lld problem(s)",
                     (long long)res->problems);
  }
  return rc;
}
