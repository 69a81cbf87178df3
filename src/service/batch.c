/*
 * batch.c — the nightly batch: `batch run --as-of DATE` brings every account up to date
 * and then judges the arrangements.
 *
 * Accounts are processed in chunks by id. A chunk is prefetched into arrays with a few
 * range scans (the accounts, their batch state, principal movements by day, hold
 * events, the strategy's facts, the scoring rows: chunk_read), decided with no I/O in
 * the loop (interest accrual and its hashed ledger entry, aging, the statute of
 * limitations, the score, the strategy: chunk_decide), and written back in one
 * transaction together with the run's checkpoint (chunk_apply). On SQLite a second
 * thread reads, and when it is the faster side decides, the next chunk while the
 * current one is written (see "the read-ahead thread"). A run killed at any moment and
 * started again resumes after the last committed chunk, and an account already
 * processed for this date is never processed twice (its batch state records the date),
 * so no interest is posted twice.
 *
 * Interest is simple, actual/365 on the principal, one ledger entry per account per
 * run. core/interest carries the fraction of a cent between runs, so skipping days and
 * catching up posts exactly what running every day would have. Written disputes (until
 * verification), bankruptcy and settlements stop it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "core/interest.h"
#include "core/sol.h"
#include "core/strategy.h"
#include "service/internal.h"

enum {
  DEFAULT_CHUNK = 500,
  MAX_CHUNK = 5000,
  MAX_DAYS = 400000, /* principal movements per chunk */
  MAX_HOLDS = 50000,
  MAX_POINTS = 4096, /* per account */
  MAX_RANGES = 64,
};

static const char *const RUNNERS[] = {"supervisor", "admin", NULL};

/* The chunk in memory. */
/* The strategies of this run: the champion, and a challenger for challenger_pct of the
 * accounts (chosen by a hash of the account id salted with the challenger's id). */
typedef struct {
  arr_strategy *champion, *challenger;
  int64_t champion_version, challenger_version, challenger_id;
  int challenger_pct;
  bool has_model; /* the newest propensity model scores every account */
  bool decisions; /* ARR_BATCH_DECISIONS: limitation, score, strategy this run */
  arr_score_model model;
} strategies;

extern const char ARR_DEFAULT_STRATEGY[];

/* What the batch decided for one account of a chunk, for chunk_apply to write. */
typedef struct {
  bool skip;      /* processed for this date before a crash: never twice */
  bool had_state; /* an account_batch row exists: update it */
  bool post;      /* entries[i] is an interest entry to post (prepared, hashed) */
  arr_account_batch b;
} decision;

/* The chunk in memory: what was read, then what was decided (chunk_decide, which does
 * no I/O and so can run on the read-ahead thread). */
typedef struct {
  arr_account *accounts;
  arr_account_facts *facts;
  arr_score_row *scores;
  arr_account_batch *state;
  arr_principal_day *days;
  arr_hold_event *holds;
  arr_principal_point *points;
  int na, ns, nd, nh, nf, nsc;
  /* decided */
  decision *dec;
  arr_ledger_entry *entries;
  arr_batch_action *acts; /* the strategy's letters, skip traces, ... in account order */
  int nacts, acts_cap;
  arr_strategy_action *eval; /* scratch for arr_strategy_eval */
  int64_t processed, interest_entries, interest_cents, time_barred;
  bool decided;
} chunk;

static void chunk_free(chunk *c) {
  free(c->accounts), free(c->state), free(c->days), free(c->holds), free(c->points);
  free(c->facts), free(c->scores), free(c->dec), free(c->entries), free(c->acts);
  free(c->eval);
}

static arr_rc chunk_alloc(chunk *c, int size, arr_err *err) {
  memset(c, 0, sizeof *c);
  c->accounts = malloc(sizeof *c->accounts * (size_t)size);
  c->state = malloc(sizeof *c->state * (size_t)size);
  c->days = malloc(sizeof *c->days * MAX_DAYS);
  c->holds = malloc(sizeof *c->holds * MAX_HOLDS);
  c->points = malloc(sizeof *c->points * MAX_POINTS);
  c->facts = malloc(sizeof *c->facts * (size_t)size);
  c->scores = malloc(sizeof *c->scores * (size_t)size);
  c->dec = malloc(sizeof *c->dec * (size_t)size);
  c->entries = malloc(sizeof *c->entries * (size_t)size);
  c->eval = malloc(sizeof *c->eval * ARR_STRATEGY_MAX_OUT);
  if (c->accounts == NULL || c->state == NULL || c->days == NULL || c->holds == NULL ||
      c->points == NULL || c->facts == NULL || c->scores == NULL || c->dec == NULL ||
      c->entries == NULL || c->eval == NULL) {
    chunk_free(c);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  return ARR_OK;
}

static arr_date day_of(const char *iso) {
  arr_date d = ARR_DATE_NONE;
  arr_time t = 0;
  size_t n = strlen(iso);
  if (n == 10 && arr_date_parse(iso, n, &d)) {
    return d;
  }
  return n > 0 && arr_time_parse(iso, n, &t, NULL) ? arr_time_utc_date(t) : ARR_DATE_NONE;
}

/* The hold ranges of one account from its events (sorted by time): a written dispute
 * holds until the verification is sent, bankruptcy until released, a settlement from
 * its start on. */
static int hold_ranges(const arr_hold_event *h, int nh, arr_date_range *out, int cap) {
  int n = 0;
  for (int i = 0; i < nh && n < cap; i++) {
    arr_date from = day_of(h[i].at);
    if (from == ARR_DATE_NONE) {
      continue;
    }
    arr_date to = INT32_MAX;
    arr_date released =
        h[i].released_at[0] != '\0' ? day_of(h[i].released_at) : ARR_DATE_NONE;
    if (released != ARR_DATE_NONE) {
      to = released - 1;
    }
    if (strcmp(h[i].type, "dispute_written") == 0) {
      for (int k = i + 1; k < nh; k++) {
        arr_date v =
            strcmp(h[k].type, "verification_sent") == 0 ? day_of(h[k].at) : ARR_DATE_NONE;
        if (v != ARR_DATE_NONE) {
          to = v - 1 < to ? v - 1 : to;
          break;
        }
      }
    } else if (strcmp(h[i].type, "verification_sent") == 0) {
      continue;
    }
    out[n++] = (arr_date_range){from, to};
  }
  return n;
}

static void copy_code(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src != NULL ? src : "");
}

/* Adds an action to the chunk's list. */
static arr_rc add_action(chunk *c, arr_date as_of, int64_t account_id, const char *kind,
                         const char *name, const char *rule, int64_t version,
                         arr_err *err) {
  if (c->nacts == c->acts_cap) {
    int cap = c->acts_cap > 0 ? c->acts_cap * 2 : 1024;
    arr_batch_action *more = realloc(c->acts, sizeof *more * (size_t)cap);
    if (more == NULL) {
      return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
    }
    c->acts = more, c->acts_cap = cap;
  }
  arr_batch_action *x = &c->acts[c->nacts++];
  x->as_of = as_of;
  x->account_id = account_id;
  copy_code(x->kind, sizeof x->kind, kind);
  copy_code(x->name, sizeof x->name, name);
  copy_code(x->rule, sizeof x->rule, rule);
  x->strategy_version = version;
  return ARR_OK;
}

/* Evaluates the account's strategy arm and records what it decided: the queue and its
 * priority (a hold takes the account out of every queue), and the letters, emails,
 * skip traces and escalations for the letters run and the reports. */
static arr_rc decide_strategy(chunk *c, arr_date as_of, const arr_account *a,
                              arr_account_batch *b, const arr_account_facts *fa,
                              const arr_sol_status *sol, const strategies *st,
                              arr_err *err) {
  b->queue[0] = '\0';
  b->priority = 0;
  if (strcmp(a->status, "open") != 0 || st == NULL) {
    return ARR_OK;
  }
  bool challenger =
      st->challenger != NULL &&
      arr_strategy_is_challenger(a->id, (uint64_t)st->challenger_id, st->challenger_pct);
  const arr_strategy *s = challenger ? st->challenger : st->champion;
  b->strategy_version = challenger ? st->challenger_version : st->champion_version;
  copy_code(b->arm, sizeof b->arm, challenger ? "challenger" : "champion");
  arr_strategy_facts f;
  memset(&f, 0, sizeof f);
  arr_balance_total(&a->balance, &f.balance_cents);
  f.principal_cents = a->balance.cents[ARR_BUCKET_PRINCIPAL];
  f.days_since_placement = a->placed_on != ARR_DATE_NONE ? as_of - a->placed_on : 0;
  f.days_since_payment =
      a->last_payment_on != ARR_DATE_NONE ? as_of - a->last_payment_on : -1;
  f.days_past_due =
      a->first_delinquency_on != ARR_DATE_NONE ? as_of - a->first_delinquency_on : 0;
  f.payments_count = fa != NULL ? (int32_t)fa->payments : 0;
  f.contacts_7d = fa != NULL ? (int32_t)fa->contacts_7d : 0;
  f.score = (int32_t)b->score;
  copy_code(f.age_bucket, sizeof f.age_bucket, b->age_bucket);
  copy_code(f.state, sizeof f.state, sol->state_known ? sol->state : "");
  copy_code(f.account_type, sizeof f.account_type, a->account_type);
  copy_code(f.client, sizeof f.client, a->client_code);
  f.time_barred = b->time_barred;
  if (fa != NULL) {
    f.disputed = fa->disputed;
    f.promise_broken = fa->promise_broken;
    f.plan_active = fa->plan_active;
    f.has_phone = fa->has_phone;
    f.has_email = fa->has_email;
    f.cease = fa->cease;
    f.bankruptcy = fa->bankruptcy;
    f.deceased = fa->deceased;
  }
  int n = arr_strategy_eval(s, &f, c->eval, ARR_STRATEGY_MAX_OUT);
  arr_rc rc = ARR_OK;
  bool queued = false;
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    const arr_strategy_action *x = &c->eval[i];
    const char *rule = arr_strategy_rule_title(s, x->rule);
    switch (x->kind) {
    case ARR_ACTION_QUEUE:
      if (!queued) {
        copy_code(b->queue, sizeof b->queue, x->name);
        b->priority = x->priority >= 0 ? x->priority : 50;
        queued = true;
      }
      break;
    case ARR_ACTION_HOLD:
      if (!queued) {
        copy_code(b->queue, sizeof b->queue, "hold");
        b->priority = 0;
        queued = true;
      }
      rc = add_action(c, as_of, a->id, "hold", x->reason, rule, b->strategy_version, err);
      break;
    case ARR_ACTION_LETTER:
    case ARR_ACTION_EMAIL:
    case ARR_ACTION_ESCALATE:
    case ARR_ACTION_SKIP_TRACE:
      rc = add_action(c, as_of, a->id, arr_strategy_action_kind_name(x->kind),
                      x->kind == ARR_ACTION_SKIP_TRACE ? "skip_trace" : x->name, rule,
                      b->strategy_version, err);
      break;
    case ARR_ACTION_STOP: break;
    }
  }
  return rc;
}

/* Decides one account: its interest (the entry prepared and hashed in *e, *post true,
 * the account's balance and ledger head moved in memory), its aging, and with the
 * decisions on the limitation, the strategy's queue and actions; fills b. No I/O. */
static arr_rc decide_account(arr_svc *svc, chunk *c, arr_date as_of, arr_account *a,
                             arr_account_batch *b, const arr_principal_day *days, int nd,
                             const arr_hold_event *holds, int nh,
                             const arr_account_facts *facts, const strategies *st,
                             arr_ledger_entry *e, bool *post, arr_err *err) {
  arr_principal_point *points = c->points;
  *post = false;
  int64_t rate = strcmp(a->status, "open") == 0 ? a->interest_rate_pct_e4 : 0;
  if (rate > ARR_INTEREST_MAX_RATE_E4) {
    rate = ARR_INTEREST_MAX_RATE_E4;
  }
  /* Principal by day from the ledger: a point per day with a movement (only interest
   * at a rate needs them). */
  int np = 0;
  int64_t running = 0;
  for (int i = 0; rate > 0 && i < nd; i++) {
    running += days[i].delta_cents;
    if (days[i].on > as_of) {
      break;
    }
    if (np == MAX_POINTS) {
      return arr_err_set(err, ARR_ERR_INTEGRITY,
                         "account %lld has more than %d days of principal movements",
                         (long long)a->id, MAX_POINTS);
    }
    points[np++] = (arr_principal_point){days[i].on, running};
  }
  arr_date_range ranges[MAX_RANGES];
  if (nh > MAX_RANGES) {
    return arr_err_set(err, ARR_ERR_INTEGRITY,
                       "account %lld has more than %d events that stop interest",
                       (long long)a->id, MAX_RANGES);
  }
  int nr = hold_ranges(holds, nh, ranges, MAX_RANGES);
  arr_date start = a->placed_on != ARR_DATE_NONE ? a->placed_on + 1 : ARR_DATE_NONE;
  arr_date from = b->accrual.accrued_through;
  int64_t cents =
      arr_interest_accrue(&b->accrual, start, rate, points, np, ranges, nr, as_of);
  arr_rc rc = ARR_OK;
  if (cents > 0) {
    memset(e, 0, sizeof *e);
    svc_strcpy(e->kind, sizeof e->kind, "interest");
    e->effective_on = as_of;
    e->amount.cents[ARR_BUCKET_INTEREST] = cents;
    char d1[ARR_DATE_FMT_MAX] = "placement", d2[ARR_DATE_FMT_MAX];
    if (from != ARR_DATE_NONE) {
      arr_date_format(from, d1);
    }
    arr_date_format(as_of, d2);
    snprintf(e->memo, sizeof e->memo, "interest after %s through %s at %lld.%04lld%%", d1,
             d2, (long long)(rate / 10000), (long long)(rate % 10000));
    rc = svc_ledger_prepare(svc, a, e, err);
    *post = rc == ARR_OK;
    c->interest_entries += *post;
    c->interest_cents += *post ? cents : 0;
  }
  svc_strcpy(b->age_bucket, sizeof b->age_bucket,
             arr_age_bucket_name(arr_aging_bucket(a->first_delinquency_on, as_of)));
  b->account_id = a->id;
  b->as_of = as_of;
  if (rc != ARR_OK || !st->decisions) {
    return rc; /* the limitation, score and queue stay as the last full run left them */
  }
  /* The chunk read the current address's state with the facts (every account of the
   * chunk has a facts row: both come from one snapshot of the same range). */
  arr_sol_status sol;
  memset(&sol, 0, sizeof sol);
  svc_sol_evaluate(a, facts != NULL ? facts->state : "", as_of, &sol);
  b->time_barred = sol.time_barred;
  c->time_barred += b->time_barred;
  return decide_strategy(c, as_of, a, b, facts, &sol, st, err);
}

enum { READ_FACTS = 1u, READ_SCORES = 2u };

/* What a run reads per chunk besides the accounts and what interest needs. */
static unsigned reads_of(const strategies *st) {
  return st->decisions ? READ_FACTS | (st->has_model ? READ_SCORES : 0u) : 0u;
}

/* Reads the chunk of up to size accounts with after < id <= through into c, through
 * db: the accounts, their batch state, what interest needs (principal movements by
 * day, hold events), and as `reads` says the strategy's facts and the scoring rows.
 * c->na is 0 when no accounts are left. */

static arr_rc chunk_read(arr_db *db, arr_date as_of, int64_t after, int64_t through,
                         int size, unsigned reads, chunk *c, arr_err *err) {
  c->na = c->ns = c->nd = c->nh = c->nf = c->nsc = 0;
  c->decided = false;
  arr_rc rc = arr_store_account_chunk(db, after, through, c->accounts, size, &c->na, err);
  if (rc != ARR_OK || c->na == 0) {
    return rc;
  }
  int64_t first = c->accounts[0].id, last = c->accounts[c->na - 1].id;
  rc = arr_store_account_batch_range(db, first, last, c->state, size, &c->ns, err);
  if (rc == ARR_OK) {
    rc = arr_store_principal_days(db, first, last, c->days, MAX_DAYS, &c->nd, err);
  }
  if (rc == ARR_OK && c->nd == MAX_DAYS) {
    rc = arr_err_set(err, ARR_ERR_INTEGRITY,
                     "accounts %lld..%lld have more than %d days of principal movements; "
                     "run with a smaller chunk",
                     (long long)first, (long long)last, MAX_DAYS);
  }
  if (rc == ARR_OK) {
    rc = arr_store_hold_events(db, first, last, c->holds, MAX_HOLDS, &c->nh, err);
  }
  if (rc == ARR_OK && c->nh == MAX_HOLDS) {
    rc = arr_err_set(err, ARR_ERR_INTEGRITY,
                     "accounts %lld..%lld have more than %d events that stop interest; "
                     "run with a smaller chunk",
                     (long long)first, (long long)last, MAX_HOLDS);
  }
  if (rc == ARR_OK && (reads & READ_FACTS) != 0) {
    char since[ARR_TIME_FMT_MAX];
    arr_time_format_utc((arr_time)(as_of - 6) * 86400, since);
    rc = arr_store_account_facts(db, first, last, since, as_of - 30, c->facts, size,
                                 &c->nf, err);
  }
  if (rc == ARR_OK && (reads & READ_SCORES) != 0) {
    /* The phones and emails come from the facts just read (READ_SCORES implies
     * READ_FACTS), not from a second lookup per account; the balance at the end of
     * as_of is the account's cached balance (read with it, under the same snapshot)
     * less what is effective after as_of, rather than a sum of its whole ledger. */
    rc = svc_score_rows(db, first, last, as_of, ARR_DATE_NONE, false, true, c->scores,
                        size, &c->nsc, err);
    for (int i = 0, k = 0, j = 0; rc == ARR_OK && i < c->nsc; i++) {
      while (k < c->nf && c->facts[k].account_id < c->scores[i].account_id) {
        k++;
      }
      if (k < c->nf && c->facts[k].account_id == c->scores[i].account_id) {
        c->scores[i].has_phone = c->facts[k].has_phone;
        c->scores[i].has_email = c->facts[k].has_email;
      }
      while (j < c->na && c->accounts[j].id < c->scores[i].account_id) {
        j++;
      }
      if (j < c->na && c->accounts[j].id == c->scores[i].account_id) {
        for (int b = 0; b < ARR_BUCKETS; b++) {
          c->scores[i].balance_cents += c->accounts[j].balance.cents[b];
        }
      }
    }
  }
  return rc;
}

/* Decides every account of the chunk read into c, for the run's date: no I/O, so it
 * runs on the read-ahead thread (svc is only read: its clock and actor for the ledger
 * entries). */
static arr_rc chunk_decide(arr_svc *svc, arr_date as_of, const strategies *st, chunk *c,
                           arr_err *err) {
  c->decided = false;
  c->nacts = 0;
  c->processed = c->interest_entries = c->interest_cents = c->time_barred = 0;
  arr_rc rc = ARR_OK;
  int si = 0, di = 0, hi = 0, fi = 0, sci = 0;
  for (int i = 0; rc == ARR_OK && i < c->na; i++) {
    arr_account *a = &c->accounts[i];
    decision *d = &c->dec[i];
    memset(d, 0, sizeof *d);
    arr_account_batch *b = &d->b;
    b->accrual.accrued_through = ARR_DATE_NONE;
    b->score = -1;
    while (si < c->ns && c->state[si].account_id < a->id) {
      si++;
    }
    d->had_state = si < c->ns && c->state[si].account_id == a->id;
    if (d->had_state) {
      *b = c->state[si];
    }
    int d0 = di, h0 = hi;
    while (di < c->nd && c->days[di].account_id <= a->id) {
      di += 1;
    }
    while (d0 < di && c->days[d0].account_id < a->id) {
      d0++;
    }
    while (hi < c->nh && c->holds[hi].account_id <= a->id) {
      hi += 1;
    }
    while (h0 < hi && c->holds[h0].account_id < a->id) {
      h0++;
    }
    if (b->as_of != ARR_DATE_NONE && b->as_of >= as_of && b->account_id == a->id) {
      d->skip = true; /* processed for this date before a crash: never twice */
      continue;
    }
    while (sci < c->nsc && c->scores[sci].account_id < a->id) {
      sci++;
    }
    if (sci < c->nsc && c->scores[sci].account_id == a->id) {
      double x[ARR_SF_COUNT];
      svc_score_features(&c->scores[sci], as_of, x);
      b->score = arr_score_points(&st->model, x);
    }
    while (fi < c->nf && c->facts[fi].account_id < a->id) {
      fi++;
    }
    const arr_account_facts *fa =
        fi < c->nf && c->facts[fi].account_id == a->id ? &c->facts[fi] : NULL;
    rc = decide_account(svc, c, as_of, a, b, &c->days[d0], di - d0, &c->holds[h0],
                        hi - h0, fa, st, &c->entries[i], &d->post, err);
    c->processed++;
  }
  c->decided = rc == ARR_OK;
  return rc;
}

/* Writes what chunk_decide decided, in the open transaction (the caller moves the
 * checkpoint past the chunk in the same transaction). */
static arr_rc chunk_apply(arr_svc *svc, chunk *c, arr_err *err) {
  arr_rc rc = ARR_OK;
  for (int i = 0; rc == ARR_OK && i < c->na; i++) {
    const decision *d = &c->dec[i];
    if (d->skip) {
      continue;
    }
    if (d->post) {
      /* An interest entry changes only the interest balance and the ledger head. */
      c->entries[i].account_id = c->accounts[i].id;
      rc = arr_store_ledger_insert(svc->db, &c->entries[i], err);
      if (rc == ARR_OK) {
        rc = arr_store_account_update_interest(svc->db, &c->accounts[i], svc->now_iso,
                                               err);
      }
    }
    bool updated = false;
    if (rc == ARR_OK && d->had_state) {
      rc = arr_store_account_batch_update(svc->db, &d->b, &updated, err);
    }
    if (rc == ARR_OK && !updated) {
      rc = arr_store_account_batch_put(svc->db, &d->b, err);
    }
  }
  for (int i = 0; rc == ARR_OK && i < c->nacts; i++) {
    const arr_batch_action *x = &c->acts[i];
    rc = arr_store_batch_action_put(svc->db, x->as_of, x->account_id, x->kind, x->name,
                                    x->rule, x->strategy_version, err);
  }
  return rc;
}

/* A run's counters, in batch_runs or in one of its ranges. */
static void add_counts(const chunk *c, int64_t *accounts, int64_t *interest_entries,
                       int64_t *interest_cents, int64_t *time_barred) {
  *accounts += c->processed;
  *interest_entries += c->interest_entries;
  *interest_cents += c->interest_cents;
  *time_barred += c->time_barred;
}

/* ---- the read-ahead thread (SQLite) ----
 *
 * SQLite has one writer at a time, so the chunks are written one after another; but
 * reading the next chunk needs no write lock. While the batch decides and writes chunk
 * k, a second thread with its own connection reads chunk k+1, so the two cores share
 * the work (reading is about half of it).
 *
 * Why what it read is still true when chunk k+1 is written: the read starts after the
 * batch has taken the write lock for chunk k, so until the batch commits chunk k nobody
 * else can commit; the batch's own chunk k changes nothing that chunk k+1 reads (its
 * accounts, their ledger, events, state and facts are all keyed by accounts of chunk
 * k+1). In the gap between committing chunk k and taking the lock for chunk k+1 another
 * process may commit (a payment from the API), and SQLite's data_version, read under
 * the lock at both points, says whether one did: if so the read-ahead is discarded and
 * the chunk is read again under the lock. PostgreSQL runs the batch without it. */
typedef struct {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  arr_db *db;   /* the thread's own connection */
  arr_svc *svc; /* read only: the clock and actor of the entries it prepares */
  const strategies *st;
  bool busy, quit, started;
  /* Moving averages of a chunk's time, in seconds: this thread reading, the batch
   * writing (without deciding). */
  double read_s, apply_s;
  /* the request, set while not busy */
  arr_date as_of;
  int64_t after;
  int size;
  unsigned reads;
  chunk *buf;
  /* the result, when not busy */
  arr_rc rc;
  arr_err err;
} read_ahead;

static double seconds_since(struct timespec t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
}

/* The batch's side of the moving averages. */
static void read_ahead_note_apply(read_ahead *r, double apply_s) {
  pthread_mutex_lock(&r->mu);
  r->apply_s = r->apply_s > 0 ? 0.8 * r->apply_s + 0.2 * apply_s : apply_s;
  pthread_mutex_unlock(&r->mu);
}

static void *read_ahead_main(void *arg) {
  read_ahead *r = arg;
  prctl(PR_SET_NAME, "batch-read", 0, 0, 0); /* its own name in top and perf */
  pthread_mutex_lock(&r->mu);
  for (;;) {
    while (!r->busy && !r->quit) {
      pthread_cond_wait(&r->cv, &r->mu);
    }
    if (r->quit) {
      break;
    }
    pthread_mutex_unlock(&r->mu);
    arr_err err;
    memset(&err, 0, sizeof err);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* One snapshot for the whole chunk. */
    arr_rc rc = arr_db_begin_read(r->db, &err);
    if (rc == ARR_OK) {
      rc = chunk_read(r->db, r->as_of, r->after, INT64_MAX, r->size, r->reads, r->buf,
                      &err);
    }
    arr_db_rollback(r->db);
    /* Deciding needs no lock, so the faster side does it: this thread when it reads a
     * chunk in less time than the batch writes one, else the batch. Whichever side
     * is slower (reading at a million accounts, writing at ten million here), the
     * longer of the two never grows. */
    double read_s = seconds_since(t0);
    pthread_mutex_lock(&r->mu);
    r->read_s = r->read_s > 0 ? 0.8 * r->read_s + 0.2 * read_s : read_s;
    bool decide = r->read_s < r->apply_s;
    pthread_mutex_unlock(&r->mu);
    if (rc == ARR_OK && decide && r->buf->na > 0) {
      rc = chunk_decide(r->svc, r->as_of, r->st, r->buf, &err);
    }
    pthread_mutex_lock(&r->mu);
    r->rc = rc;
    r->err = err;
    r->busy = false;
    pthread_cond_broadcast(&r->cv);
  }
  pthread_mutex_unlock(&r->mu);
  return NULL;
}

/* Starts the thread on SQLite; false (and the batch reads each chunk itself) on
 * PostgreSQL or when the second connection cannot be had. */
static bool read_ahead_start(arr_svc *svc, const strategies *st, read_ahead *r) {
  memset(r, 0, sizeof *r);
  r->svc = svc;
  r->st = st;
  const char *path = arr_db_sqlite_path(svc->db);
  if (path == NULL || strlen(path) > 4000) {
    return false;
  }
  char url[4100];
  snprintf(url, sizeof url, "sqlite:%s", path);
  arr_err err;
  if (arr_db_open(url, &r->db, &err) != ARR_OK) {
    return false;
  }
  if (arr_db_bulk_session(r->db, true, &err) != ARR_OK) {
    arr_db_close(r->db);
    return false;
  }
  pthread_mutex_init(&r->mu, NULL);
  pthread_cond_init(&r->cv, NULL);
  if (pthread_create(&r->thread, NULL, read_ahead_main, r) != 0) {
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    arr_db_close(r->db);
    return false;
  }
  r->started = true;
  return true;
}

static void read_ahead_request(read_ahead *r, arr_date as_of, int64_t after, int size,
                               unsigned reads, chunk *buf) {
  pthread_mutex_lock(&r->mu);
  r->as_of = as_of, r->after = after, r->size = size, r->reads = reads, r->buf = buf;
  r->busy = true;
  pthread_cond_broadcast(&r->cv);
  pthread_mutex_unlock(&r->mu);
}

/* Waits for the request in flight, if any. */
static void read_ahead_wait(read_ahead *r) {
  pthread_mutex_lock(&r->mu);
  while (r->busy) {
    pthread_cond_wait(&r->cv, &r->mu);
  }
  pthread_mutex_unlock(&r->mu);
}

static void read_ahead_stop(read_ahead *r) {
  if (!r->started) {
    return;
  }
  read_ahead_wait(r);
  pthread_mutex_lock(&r->mu);
  r->quit = true;
  pthread_cond_broadcast(&r->cv);
  pthread_mutex_unlock(&r->mu);
  pthread_join(r->thread, NULL);
  pthread_cond_destroy(&r->cv);
  pthread_mutex_destroy(&r->mu);
  arr_db_close(r->db);
  r->started = false;
}

/* The accounts phase: every chunk after run->last_account_id, each in one transaction
 * with the checkpoint. */
static arr_rc run_accounts(arr_svc *svc, arr_batch_run *run, int size,
                           const strategies *st,
                           void (*progress)(void *ctx, const arr_batch_result *r),
                           void *ctx, arr_batch_result *res, arr_err *err) {
  chunk bufs[2];
  arr_rc rc = chunk_alloc(&bufs[0], size, err);
  if (rc != ARR_OK) {
    return rc;
  }
  rc = chunk_alloc(&bufs[1], size, err);
  if (rc != ARR_OK) {
    chunk_free(&bufs[0]);
    return rc;
  }
  read_ahead ra;
  bool piped = read_ahead_start(svc, st, &ra);
  rc = arr_db_bulk_session(svc->db, true, err);
  int cur = 0;
  bool ahead = false; /* bufs[cur] holds a read-ahead of the accounts after ahead_after */
  int64_t ahead_after = 0, ahead_version = 0;
  bool more = true;
  while (rc == ARR_OK && more) {
    chunk *c = &bufs[cur];
    rc = svc_begin(svc, err);
    if (rc != ARR_OK) {
      break;
    }
    int64_t version = 0;
    if (piped) {
      rc = arr_db_data_version(svc->db, &version, err);
      read_ahead_wait(&ra);
    }
    bool fresh = ahead && ra.rc == ARR_OK && version == ahead_version &&
                 ahead_after == run->last_account_id;
    if (rc == ARR_OK && !fresh) {
      rc = chunk_read(svc->db, run->as_of, run->last_account_id, INT64_MAX, size,
                      reads_of(st), c, err);
    }
    if (rc == ARR_OK && c->na > 0 && !c->decided) {
      rc = chunk_decide(svc, run->as_of, st, c, err);
    }
    more = rc == ARR_OK && c->na > 0;
    ahead = false;
    if (more && piped) {
      read_ahead_request(&ra, run->as_of, c->accounts[c->na - 1].id, size, reads_of(st),
                         &bufs[1 - cur]);
      ahead = true;
      ahead_after = c->accounts[c->na - 1].id;
      ahead_version = version;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (more) {
      rc = chunk_apply(svc, c, err);
    }
    if (rc == ARR_OK && more) {
      add_counts(c, &run->accounts, &run->interest_entries, &run->interest_cents,
                 &run->time_barred);
      run->last_account_id = c->accounts[c->na - 1].id;
      rc = arr_store_batch_run_save(svc->db, run, err);
    }
    if (rc == ARR_OK) {
      rc = svc_commit(svc, err);
    } else {
      svc_rollback(svc);
    }
    if (more && piped) {
      read_ahead_note_apply(&ra, seconds_since(t0)); /* writing and committing */
    }
    if (rc == ARR_OK && more && progress != NULL) {
      res->accounts = run->accounts;
      progress(ctx, res);
    }
    cur = 1 - cur;
  }
  if (piped) {
    read_ahead_stop(&ra);
  }
  arr_err ignored;
  arr_db_bulk_session(svc->db, false, &ignored);
  chunk_free(&bufs[0]);
  chunk_free(&bufs[1]);
  return rc;
}

/* ---- parallel workers by account id range (PostgreSQL) ----
 *
 * PostgreSQL serves each connection with its own server process, and workers writing
 * different accounts take different row locks, so several connections can process the
 * night side by side. The accounts the run has left are split once, when the run starts
 * (or when a run begun in one sequence resumes with workers), into ranges of ids, the
 * last one open-ended so that accounts placed during the run are processed too. Each
 * worker thread, with its own connection, takes the next unfinished range and works
 * through it in chunks, committing each chunk with the range's checkpoint and counters
 * (batch_run_ranges). A killed run resumes every range from its checkpoint, with any
 * number of workers; and as in one sequence, an account's batch state records the date
 * it was processed for, so nothing is processed twice. When every range is done, their
 * counters are added to the run in the same statement that ends its accounts phase.
 *
 * A worker's service is a copy of the batch's with its own connection: deciding and
 * writing a chunk use only the clock, the actor and the connection (no audit event, no
 * encryption, so the copied audit head and nonce counter are never used). */
enum { MAX_RUN_RANGES = 256, RANGES_PER_WORKER = 4, MAX_WORKERS = 32 };

typedef struct {
  arr_svc *svc; /* the batch's, read only while the workers run */
  const strategies *st;
  arr_date as_of;
  int size;
  pthread_mutex_t mu;
  arr_batch_range *ranges; /* each one owned by the worker that took it */
  int nranges, next;
  bool failed;
  arr_rc rc;
  arr_err err;
  /* progress: accounts counted before the workers started, and by them since */
  int64_t base_accounts, done_accounts;
  void (*progress)(void *ctx, const arr_batch_result *r);
  void *ctx;
  arr_batch_result *res;
} workers;

static void workers_fail(workers *w, arr_rc rc, const arr_err *err) {
  pthread_mutex_lock(&w->mu);
  if (!w->failed) {
    w->failed = true;
    w->rc = rc;
    w->err = *err;
  }
  pthread_mutex_unlock(&w->mu);
}

static bool range_done(const arr_batch_range *g) {
  return g->done_through >= g->last_id;
}

/* Adds a range's counters to its run's. */
static void add_range_counts(arr_batch_run *run, const arr_batch_range *g) {
  run->accounts += g->accounts;
  run->interest_entries += g->interest_entries;
  run->interest_cents += g->interest_cents;
  run->time_barred += g->time_barred;
}

/* The next unfinished range, or NULL when none is left or a worker has failed. */
static arr_batch_range *workers_take(workers *w) {
  arr_batch_range *g = NULL;
  pthread_mutex_lock(&w->mu);
  while (!w->failed && g == NULL && w->next < w->nranges) {
    arr_batch_range *cand = &w->ranges[w->next++];
    g = range_done(cand) ? NULL : cand;
  }
  pthread_mutex_unlock(&w->mu);
  return g;
}

static bool workers_failed(workers *w) {
  pthread_mutex_lock(&w->mu);
  bool failed = w->failed;
  pthread_mutex_unlock(&w->mu);
  return failed;
}

/* Processes range g chunk by chunk on svc's connection, each chunk committed with the
 * range's checkpoint; stops early (rc ARR_OK) when another worker has failed. */
static arr_rc range_run(arr_svc *svc, workers *w, arr_batch_range *g, chunk *c,
                        arr_err *err) {
  arr_rc rc = ARR_OK;
  while (rc == ARR_OK && !range_done(g) && !workers_failed(w)) {
    rc = svc_begin(svc, err);
    if (rc != ARR_OK) {
      break;
    }
    rc = chunk_read(svc->db, w->as_of, g->done_through, g->last_id, w->size,
                    reads_of(w->st), c, err);
    if (rc == ARR_OK && c->na > 0) {
      rc = chunk_decide(svc, w->as_of, w->st, c, err);
    }
    if (rc == ARR_OK && c->na > 0) {
      rc = chunk_apply(svc, c, err);
    }
    arr_batch_range next = *g;
    if (c->na > 0) {
      add_counts(c, &next.accounts, &next.interest_entries, &next.interest_cents,
                 &next.time_barred);
      next.done_through = c->accounts[c->na - 1].id;
    } else {
      next.done_through = next.last_id; /* nothing left in the range */
    }
    if (rc == ARR_OK) {
      rc = arr_store_batch_range_save(svc->db, &next, err);
    }
    if (rc == ARR_OK) {
      rc = svc_commit(svc, err);
    } else {
      svc_rollback(svc);
    }
    if (rc == ARR_OK) {
      *g = next;
      pthread_mutex_lock(&w->mu);
      w->done_accounts += c->processed;
      if (w->progress != NULL && c->na > 0) {
        w->res->accounts = w->base_accounts + w->done_accounts;
        w->progress(w->ctx, w->res);
      }
      pthread_mutex_unlock(&w->mu);
    }
  }
  return rc;
}

static void *worker_main(void *arg) {
  workers *w = arg;
  prctl(PR_SET_NAME, "batch-worker", 0, 0, 0);
  arr_err err;
  memset(&err, 0, sizeof err);
  arr_svc own = *w->svc;
  own.db = NULL;
  own.audit_loaded = false;
  chunk c;
  bool have_chunk = false;
  arr_rc rc = arr_db_open_again(w->svc->db, &own.db, &err);
  if (rc == ARR_OK) {
    rc = chunk_alloc(&c, w->size, &err);
    have_chunk = rc == ARR_OK;
  }
  arr_batch_range *g;
  while (rc == ARR_OK && (g = workers_take(w)) != NULL) {
    rc = range_run(&own, w, g, &c, &err);
  }
  if (rc != ARR_OK) {
    workers_fail(w, rc, &err);
  }
  if (have_chunk) {
    chunk_free(&c);
  }
  arr_db_close(own.db);
  sodium_memzero(&own, sizeof own);
  return NULL;
}

/* Splits the accounts after the run's checkpoint into ranges of ids (about
 * RANGES_PER_WORKER per worker, so that a worker that finishes early takes another) and
 * stores them; *n = 0 when no account is left. */
static arr_rc ranges_create(arr_svc *svc, const arr_batch_run *run, int nworkers,
                            arr_batch_range *ranges, int *n, arr_err *err) {
  *n = 0;
  int64_t lo = 0, hi = 0;
  arr_rc rc = arr_store_account_id_bounds(svc->db, run->last_account_id, &lo, &hi, err);
  if (rc != ARR_OK || hi == 0) {
    return rc;
  }
  int64_t span = hi - lo + 1;
  int k = nworkers * RANGES_PER_WORKER;
  k = k > MAX_RUN_RANGES ? MAX_RUN_RANGES : k;
  k = span < k ? (int)span : k;
  for (int i = 0; i < k; i++) {
    arr_batch_range *g = &ranges[i];
    memset(g, 0, sizeof *g);
    g->run_id = run->id;
    g->seq = i;
    g->first_id = i == 0 ? run->last_account_id + 1 : ranges[i - 1].last_id + 1;
    /* even shares of [lo, hi]; the last range is open-ended */
    g->last_id =
        i == k - 1 ? INT64_MAX : lo - 1 + span / k * (i + 1) + span % k * (i + 1) / k;
    g->done_through = g->first_id - 1;
  }
  rc = svc_begin(svc, err);
  for (int i = 0; rc == ARR_OK && i < k; i++) {
    rc = arr_store_batch_range_insert(svc->db, &ranges[i], err);
  }
  if (rc == ARR_OK) {
    rc = svc_commit(svc, err);
  } else {
    svc_rollback(svc);
  }
  *n = rc == ARR_OK ? k : 0;
  return rc;
}

/* The accounts phase by ranges with nworkers threads; on success the ranges' counters
 * are added to run (in memory: the caller's save ends the phase with them). */
static arr_rc run_ranges(arr_svc *svc, arr_batch_run *run, int size, const strategies *st,
                         int nworkers, arr_batch_range *ranges, int nranges,
                         void (*progress)(void *ctx, const arr_batch_result *r),
                         void *ctx, arr_batch_result *res, arr_err *err) {
  arr_rc rc = ARR_OK;
  if (nranges == 0) {
    rc = ranges_create(svc, run, nworkers, ranges, &nranges, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  workers w;
  memset(&w, 0, sizeof w);
  w.svc = svc, w.st = st, w.as_of = run->as_of, w.size = size;
  w.ranges = ranges, w.nranges = nranges;
  w.progress = progress, w.ctx = ctx, w.res = res;
  w.base_accounts = run->accounts;
  int open = 0;
  for (int i = 0; i < nranges; i++) {
    w.base_accounts += ranges[i].accounts;
    open += range_done(&ranges[i]) ? 0 : 1;
  }
  int nthreads = nworkers < open ? nworkers : open;
  pthread_mutex_init(&w.mu, NULL);
  pthread_t threads[MAX_WORKERS];
  int started = 0;
  for (; started < nthreads; started++) {
    if (pthread_create(&threads[started], NULL, worker_main, &w) != 0) {
      arr_err e;
      arr_err_set(&e, ARR_ERR_IO, "cannot start batch worker %d of %d", started + 1,
                  nthreads);
      workers_fail(&w, e.rc, &e);
      break;
    }
  }
  for (int i = 0; i < started; i++) {
    pthread_join(threads[i], NULL);
  }
  pthread_mutex_destroy(&w.mu);
  if (w.failed) {
    *err = w.err;
    return w.rc;
  }
  for (int i = 0; i < nranges; i++) {
    add_range_counts(run, &ranges[i]);
  }
  int64_t lo = 0, hi = 0;
  rc = arr_store_account_id_bounds(svc->db, 0, &lo, &hi, err);
  run->last_account_id = hi > run->last_account_id ? hi : run->last_account_id;
  return rc;
}

static void strategies_free(strategies *st) {
  free(st->champion), free(st->challenger);
  memset(st, 0, sizeof *st);
}

/* Parses one strategy version (0: the built-in default) into *out (allocated). */
static arr_rc load_strategy(arr_svc *svc, int64_t id, arr_strategy **out,
                            int64_t *version, arr_err *err) {
  arr_strategy_row *row = malloc(sizeof *row);
  *out = malloc(sizeof **out);
  if (row == NULL || *out == NULL) {
    free(row);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  arr_rc rc = ARR_OK;
  *version = 0;
  const char *text = ARR_DEFAULT_STRATEGY;
  if (id != 0) {
    rc = arr_store_strategy_get(svc->db, id, row, err);
    text = row->text;
    *version = row->version;
  }
  arr_strategy_error pe;
  if (rc == ARR_OK && !arr_strategy_parse(text, strlen(text), *out, &pe)) {
    rc = arr_err_set(err, ARR_ERR_INTEGRITY, "strategy version %lld does not parse: %s",
                     (long long)*version, pe.message);
  }
  free(row);
  return rc;
}

static arr_rc load_strategies(arr_svc *svc, strategies *st, arr_err *err) {
  arr_strategy_assignment a;
  bool found = false;
  arr_rc rc = arr_store_strategy_assignment(svc->db, &a, &found, err);
  if (rc == ARR_OK) {
    rc = load_strategy(svc, found ? a.champion_id : 0, &st->champion,
                       &st->champion_version, err);
  }
  if (rc == ARR_OK && found && a.challenger_id != 0 && a.challenger_pct > 0) {
    rc = load_strategy(svc, a.challenger_id, &st->challenger, &st->challenger_version,
                       err);
    st->challenger_id = a.challenger_id;
    st->challenger_pct = a.challenger_pct;
  }
  if (rc == ARR_OK) {
    arr_score_model_row *row = malloc(sizeof *row);
    bool have = false;
    rc = row != NULL ? arr_store_score_model_latest(svc->db, row, &have, err)
                     : arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
    st->has_model = rc == ARR_OK && have && svc_score_model_load(row->model, &st->model);
    free(row);
  }
  if (rc != ARR_OK) {
    strategies_free(st);
  }
  return rc;
}

arr_rc arr_svc_batch_run(arr_svc *svc, const char *as_of, int chunk_size,
                         void (*progress)(void *ctx, const arr_batch_result *r),
                         void *ctx, arr_batch_result *res, arr_err *err) {
  return arr_svc_batch_run_steps(svc, as_of, chunk_size, ARR_BATCH_ALL, progress, ctx,
                                 res, err);
}

arr_rc arr_svc_batch_run_steps(arr_svc *svc, const char *as_of, int chunk_size,
                               unsigned steps,
                               void (*progress)(void *ctx, const arr_batch_result *r),
                               void *ctx, arr_batch_result *res, arr_err *err) {
  arr_batch_options o = {as_of, chunk_size, steps, 1};
  return arr_svc_batch_run_with(svc, &o, progress, ctx, res, err);
}

arr_rc arr_svc_batch_run_with(arr_svc *svc, const arr_batch_options *o,
                              void (*progress)(void *ctx, const arr_batch_result *r),
                              void *ctx, arr_batch_result *res, arr_err *err) {
  const char *as_of = o->as_of;
  int chunk_size = o->chunk_size;
  unsigned steps = o->steps;
  int nworkers = o->workers > 0 ? o->workers : 1;
  memset(res, 0, sizeof *res);
  arr_rc rc = arr_svc_require(svc, "running the nightly batch", RUNNERS, err);
  arr_date day = ARR_DATE_NONE;
  if (rc == ARR_OK && (as_of == NULL || !arr_date_parse(as_of, strlen(as_of), &day))) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "as-of",
                       "--as-of must be a date like 2026-11-23");
  }
  if (rc == ARR_OK && day > svc->today) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "as-of", "--as-of is in the future");
  }
  int size = chunk_size > 0 ? chunk_size : DEFAULT_CHUNK;
  if (rc == ARR_OK && size > MAX_CHUNK) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "chunk", "a chunk is at most %d accounts",
                       MAX_CHUNK);
  }
  if (rc == ARR_OK && nworkers > MAX_WORKERS) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "workers", "--workers is at most %d",
                       MAX_WORKERS);
  }
  if (rc == ARR_OK && nworkers > 1 && arr_db_engine_of(svc->db) == ARR_DB_SQLITE) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "workers",
                       "--workers above 1 needs PostgreSQL: SQLite has one writer at a "
                       "time (there the batch reads ahead on a second thread instead)");
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_batch_run run, latest;
  bool found = false, have_latest = false;
  rc = arr_store_batch_run_latest(svc->db, &latest, &have_latest, err);
  if (rc == ARR_OK && have_latest && latest.as_of > day) {
    char d[ARR_DATE_FMT_MAX];
    arr_date_format(latest.as_of, d);
    rc = arr_err_set(err, ARR_ERR_CONFLICT,
                     "the batch has already run for %s; runs go forward in time", d);
  }
  if (rc == ARR_OK) {
    rc = arr_store_batch_run_get(svc->db, day, &run, &found, err);
  }
  if (rc == ARR_OK && !found) {
    memset(&run, 0, sizeof run);
    run.as_of = day;
    svc_strcpy(run.status, sizeof run.status, "running");
    svc_strcpy(run.phase, sizeof run.phase, "accounts");
    svc_strcpy(run.started_at, sizeof run.started_at, svc->now_iso);
    svc_strcpy(run.actor, sizeof run.actor, svc->actor);
    rc = svc_begin(svc, err);
    if (rc == ARR_OK) {
      rc = arr_store_batch_run_insert(svc->db, &run, err);
    }
    if (rc == ARR_OK) {
      rc = svc_audit(svc, "batch.start", "batch_run", run.id,
                     json_pack("{s:s}", "as_of", as_of), err);
    }
    if (rc == ARR_OK) {
      rc = svc_commit(svc, err);
    } else {
      svc_rollback(svc);
    }
  }
  if (rc != ARR_OK) {
    return rc;
  }
  res->resumed = found && strcmp(run.status, "done") != 0;
  res->already_done = found && strcmp(run.status, "done") == 0;
  strategies st;
  memset(&st, 0, sizeof st);
  if (!res->already_done && strcmp(run.phase, "accounts") == 0) {
    rc = load_strategies(svc, &st, err);
    st.decisions = (steps & ARR_BATCH_DECISIONS) != 0;
  }
  if (rc == ARR_OK && !res->already_done && strcmp(run.phase, "accounts") == 0) {
    /* A run split into ranges stays split when it resumes, whatever --workers says. */
    arr_batch_range *ranges = calloc(MAX_RUN_RANGES, sizeof *ranges);
    int nranges = 0;
    rc = ranges != NULL ? arr_store_batch_ranges(svc->db, run.id, ranges, MAX_RUN_RANGES,
                                                 &nranges, err)
                        : arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
    if (rc == ARR_OK && (nworkers > 1 || nranges > 0)) {
      rc = run_ranges(svc, &run, size, &st, nworkers, ranges, nranges, progress, ctx, res,
                      err);
    } else if (rc == ARR_OK) {
      rc = run_accounts(svc, &run, size, &st, progress, ctx, res, err);
    }
    free(ranges);
    strategies_free(&st);
    if (rc == ARR_OK) {
      svc_strcpy(run.phase, sizeof run.phase, "arrangements");
      rc = arr_store_batch_run_save(svc->db, &run, err);
    }
  }
  if (rc == ARR_OK && !res->already_done && strcmp(run.phase, "arrangements") == 0) {
    if ((steps & ARR_BATCH_MONITOR) != 0) {
      rc = arr_svc_arrangements_monitor(svc, as_of, &res->monitor, err);
    }
    if (rc == ARR_OK) {
      svc_strcpy(run.phase, sizeof run.phase, "done");
      svc_strcpy(run.status, sizeof run.status, "done");
      svc_strcpy(run.finished_at, sizeof run.finished_at, svc->now_iso);
      rc = svc_begin(svc, err);
      if (rc == ARR_OK) {
        rc = arr_store_batch_run_save(svc->db, &run, err);
      }
      if (rc == ARR_OK) {
        rc = svc_audit(svc, "batch.done", "batch_run", run.id,
                       json_pack("{s:s,s:I,s:I,s:I}", "as_of", as_of, "accounts",
                                 (json_int_t)run.accounts, "interest_entries",
                                 (json_int_t)run.interest_entries, "interest_cents",
                                 (json_int_t)run.interest_cents),
                       err);
      }
      if (rc == ARR_OK) {
        rc = svc_commit(svc, err);
      } else {
        svc_rollback(svc);
      }
    }
  }
  res->run_id = run.id;
  res->accounts = run.accounts;
  res->interest_entries = run.interest_entries;
  res->interest_cents = run.interest_cents;
  res->time_barred = run.time_barred;
  return rc;
}

arr_rc arr_svc_batch_status(arr_svc *svc, const char *as_of, json_t **out, arr_err *err) {
  static const char *const READERS[] = {"supervisor", "compliance", "admin", NULL};
  arr_rc rc = arr_svc_require(svc, "the batch's runs", READERS, err);
  arr_date day = ARR_DATE_NONE;
  if (rc == ARR_OK && as_of != NULL && !arr_date_parse(as_of, strlen(as_of), &day)) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "as-of",
                       "--as-of must be a date like 2026-11-23");
  }
  arr_batch_run r;
  bool found = false;
  if (rc == ARR_OK) {
    rc = day != ARR_DATE_NONE ? arr_store_batch_run_get(svc->db, day, &r, &found, err)
                              : arr_store_batch_run_latest(svc->db, &r, &found, err);
  }
  if (rc == ARR_OK && !found) {
    rc = arr_err_set(err, ARR_ERR_NOTFOUND, "no batch run%s%s", as_of ? " for " : "",
                     as_of ? as_of : "");
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_batch_range *ranges = calloc(MAX_RUN_RANGES, sizeof *ranges);
  int nranges = 0, done = 0;
  rc = ranges != NULL
           ? arr_store_batch_ranges(svc->db, r.id, ranges, MAX_RUN_RANGES, &nranges, err)
           : arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  for (int i = 0; i < nranges; i++) {
    done += range_done(&ranges[i]) ? 1 : 0;
    if (strcmp(r.phase, "accounts") == 0) { /* afterwards they are in the run's counts */
      add_range_counts(&r, &ranges[i]);
    }
  }
  free(ranges);
  if (rc != ARR_OK) {
    return rc;
  }
  char d[ARR_DATE_FMT_MAX];
  arr_date_format(r.as_of, d);
  *out = json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:s,s:o,s:s,s:i,s:i}", "id",
                   (json_int_t)r.id, "as_of", d, "status", r.status, "phase", r.phase,
                   "last_account_id", (json_int_t)r.last_account_id, "accounts",
                   (json_int_t)r.accounts, "interest_entries",
                   (json_int_t)r.interest_entries, "interest_cents",
                   (json_int_t)r.interest_cents, "time_barred", (json_int_t)r.time_barred,
                   "started_at", r.started_at, "finished_at",
                   r.finished_at[0] ? json_string(r.finished_at) : json_null(), "actor",
                   r.actor, "ranges", nranges, "ranges_done", done);
  return ARR_OK;
}

arr_rc arr_svc_batch_actions(arr_svc *svc, const char *as_of, const char *kind,
                             int64_t after, int limit, json_t **out, arr_err *err) {
  static const char *const READERS[] = {"supervisor", "compliance", "admin", NULL};
  arr_rc rc = arr_svc_require(svc, "the batch's decisions", READERS, err);
  arr_date day = ARR_DATE_NONE;
  if (rc == ARR_OK && (as_of == NULL || !arr_date_parse(as_of, strlen(as_of), &day))) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "as-of",
                       "--as-of must be a date like 2026-11-23");
  }
  static const char *const KINDS[] = {"letter",   "email", "skip_trace",
                                      "escalate", "hold",  NULL};
  bool known = kind == NULL;
  for (int i = 0; !known && KINDS[i] != NULL; i++) {
    known = strcmp(kind, KINDS[i]) == 0;
  }
  if (rc == ARR_OK && !known) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "kind",
                       "kind must be letter, email, skip_trace, escalate or hold");
  }
  enum { DEFAULT_LIMIT = 1000, MAX_LIMIT = 10000 };
  if (rc == ARR_OK && (limit < 0 || limit > MAX_LIMIT)) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "limit",
                       "limit must be a whole number from 1 to %d", MAX_LIMIT);
  }
  if (rc == ARR_OK && after < 0) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "after", "after must be an account id");
  }
  if (rc != ARR_OK) {
    return rc;
  }
  limit = limit == 0 ? DEFAULT_LIMIT : limit;
  /* One row more than the page (and, for an account cut by it, the rest of that
   * account's actions: a strategy records a handful per account at most). */
  int cap = limit + ARR_STRATEGY_MAX_OUT + 1;
  arr_batch_action *xs = malloc(sizeof *xs * (size_t)cap);
  if (xs == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int64_t total = 0;
  int n = 0;
  rc = arr_store_batch_actions_count(svc->db, day, kind, &total, err);
  if (rc == ARR_OK) {
    rc = arr_store_batch_actions(svc->db, day, kind, after, xs, cap, &n, err);
  }
  /* The page: `limit` rows, then the rest of the last account's. */
  int take = n < limit ? n : limit;
  while (take > 0 && take < n && xs[take].account_id == xs[take - 1].account_id) {
    take++;
  }
  json_t *items = json_array();
  for (int i = 0; rc == ARR_OK && i < take; i++) {
    json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s,s:I}", "account_id",
                                           (json_int_t)xs[i].account_id, "kind",
                                           xs[i].kind, "name", xs[i].name, "rule",
                                           xs[i].rule, "strategy_version",
                                           (json_int_t)xs[i].strategy_version));
  }
  bool more = take < n;
  int64_t next = more ? xs[take - 1].account_id : 0;
  free(xs);
  if (rc != ARR_OK) {
    json_decref(items);
    return rc;
  }
  *out = json_pack("{s:s,s:I,s:o,s:b,s:o}", "as_of", as_of, "total", (json_int_t)total,
                   "items", items, "truncated", more, "next_after",
                   more ? json_integer(next) : json_null());
  return ARR_OK;
}
