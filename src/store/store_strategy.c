/*
 * store_strategy.c — strategy versions and the champion/challenger assignment, the
 * batch's per-account decisions (batch_actions), the facts a strategy looks at
 * (prefetched per chunk), and the liquidation report by strategy (see store.h).
 */
#include <string.h>

#include "store/store.h"
#include "store/store_util.h"

static void read_strategy(const arr_stmt *st, void *out) {
  arr_strategy_row *s = out;
  s->id = arr_db_col_int64(st, 0);
  s->version = arr_db_col_int64(st, 1);
  col_copy(st, 2, s->text, sizeof s->text);
  col_copy(st, 3, s->note, sizeof s->note);
  col_copy(st, 4, s->created_by, sizeof s->created_by);
  col_copy(st, 5, s->created_at, sizeof s->created_at);
}

arr_rc arr_store_strategy_insert(arr_db *db, arr_strategy_row *s, arr_err *err) {
  PREPARE("INSERT INTO strategies (version, text, note, created_by, created_at)"
          " VALUES ((SELECT COALESCE(MAX(version), 0) + 1 FROM strategies), ?, ?, ?, ?)"
          " RETURNING id");
  arr_db_bind_cstr(st, 1, s->text);
  bind_opt(st, 2, s->note);
  arr_db_bind_cstr(st, 3, s->created_by);
  arr_db_bind_cstr(st, 4, s->created_at);
  arr_rc rc = run_returning_id(st, &s->id, err);
  if (rc == ARR_OK) {
    arr_strategy_row again;
    rc = arr_store_strategy_get(db, s->id, &again, err);
    s->version = again.version;
  }
  return rc;
}

arr_rc arr_store_strategy_get(arr_db *db, int64_t id, arr_strategy_row *out,
                              arr_err *err) {
  PREPARE("SELECT id, version, text, note, created_by, created_at FROM strategies"
          " WHERE id = ?");
  arr_db_bind_int64(st, 1, id);
  arr_rc rc = step_one(st, err, "strategy");
  if (rc != ARR_OK) {
    return rc;
  }
  read_strategy(st, out);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_strategy_list(arr_db *db, arr_strategy_row *out, int cap, int *n,
                               arr_err *err) {
  PREPARE("SELECT id, version, '', note, created_by, created_at FROM strategies"
          " ORDER BY version DESC LIMIT ?");
  arr_db_bind_int64(st, 1, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_strategy, err);
}

arr_rc arr_store_strategy_assignment(arr_db *db, arr_strategy_assignment *out,
                                     bool *found, arr_err *err) {
  PREPARE("SELECT champion_id, challenger_id, challenger_pct, changed_by, changed_at"
          " FROM strategy_assignment WHERE id = 1");
  arr_rc rc = arr_db_step(st, err);
  *found = rc == ARR_OK && arr_db_has_row(st);
  if (*found) {
    out->champion_id = col_i64(st, 0);
    out->challenger_id = col_i64(st, 1);
    out->challenger_pct = (int)arr_db_col_int64(st, 2);
    col_copy(st, 3, out->changed_by, sizeof out->changed_by);
    col_copy(st, 4, out->changed_at, sizeof out->changed_at);
  }
  arr_db_reset(st);
  return rc;
}

arr_rc arr_store_strategy_assign(arr_db *db, const arr_strategy_assignment *a,
                                 arr_err *err) {
  PREPARE("INSERT INTO strategy_assignment (id, champion_id, challenger_id,"
          " challenger_pct, changed_by, changed_at) VALUES (1, ?, ?, ?, ?, ?)"
          " ON CONFLICT (id) DO UPDATE SET champion_id = excluded.champion_id,"
          " challenger_id = excluded.challenger_id,"
          " challenger_pct = excluded.challenger_pct, changed_by = excluded.changed_by,"
          " changed_at = excluded.changed_at");
  bind_opt_id(st, 1, a->champion_id);
  bind_opt_id(st, 2, a->challenger_id);
  arr_db_bind_int64(st, 3, a->challenger_pct);
  arr_db_bind_cstr(st, 4, a->changed_by);
  arr_db_bind_cstr(st, 5, a->changed_at);
  return arr_db_run(st, err);
}

arr_rc arr_store_batch_action_put(arr_db *db, arr_date as_of, int64_t account_id,
                                  const char *kind, const char *name, const char *rule,
                                  int64_t strategy_version, arr_err *err) {
  PREPARE("INSERT INTO batch_actions (as_of, account_id, kind, name, rule,"
          " strategy_version) VALUES (?, ?, ?, ?, ?, ?)"
          " ON CONFLICT (as_of, account_id, kind, name) DO NOTHING");
  bind_date(st, 1, as_of);
  arr_db_bind_int64(st, 2, account_id);
  arr_db_bind_cstr(st, 3, kind);
  arr_db_bind_cstr(st, 4, name);
  arr_db_bind_cstr(st, 5, rule);
  arr_db_bind_int64(st, 6, strategy_version);
  return arr_db_run(st, err);
}

static void read_action(const arr_stmt *st, void *out) {
  arr_batch_action *a = out;
  a->as_of = col_date(st, 0);
  a->account_id = arr_db_col_int64(st, 1);
  col_copy(st, 2, a->kind, sizeof a->kind);
  col_copy(st, 3, a->name, sizeof a->name);
  col_copy(st, 4, a->rule, sizeof a->rule);
  a->strategy_version = arr_db_col_int64(st, 5);
}

arr_rc arr_store_batch_actions(arr_db *db, arr_date as_of, const char *kind,
                               int64_t after_account, arr_batch_action *out, int cap,
                               int *n, arr_err *err) {
  PREPARE("SELECT as_of, account_id, kind, name, rule, strategy_version FROM"
          " batch_actions WHERE as_of = ? AND (CAST(? AS TEXT) IS NULL OR kind = ?)"
          " AND account_id > ? ORDER BY account_id, kind, name LIMIT ?");
  bind_date(st, 1, as_of);
  bind_opt(st, 2, kind);
  bind_opt(st, 3, kind);
  arr_db_bind_int64(st, 4, after_account);
  arr_db_bind_int64(st, 5, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_action, err);
}

arr_rc arr_store_batch_actions_count(arr_db *db, arr_date as_of, const char *kind,
                                     int64_t *n, arr_err *err) {
  PREPARE("SELECT COUNT(*) FROM batch_actions WHERE as_of = ?"
          " AND (CAST(? AS TEXT) IS NULL OR kind = ?)");
  bind_date(st, 1, as_of);
  bind_opt(st, 2, kind);
  bind_opt(st, 3, kind);
  arr_rc rc = arr_db_step(st, err);
  *n = rc == ARR_OK && arr_db_has_row(st) ? arr_db_col_int64(st, 0) : 0;
  arr_db_reset(st);
  return rc;
}

/* The accounts of a chunk with what is keyed by debtor (a usable phone, a usable email,
 * the current address's state); the per-account counts and flags start at zero. */
static void read_facts_base(const arr_stmt *st, void *out) {
  arr_account_facts *f = out;
  memset(f, 0, sizeof *f);
  f->account_id = arr_db_col_int64(st, 0);
  f->has_phone = arr_db_col_int64(st, 1) != 0;
  f->has_email = arr_db_col_int64(st, 2) != 0;
  col_copy(st, 3, f->state, sizeof f->state);
}

static arr_rc facts_base(arr_db *db, int64_t first, int64_t last, arr_account_facts *out,
                         int cap, int *n, arr_err *err) {
  PREPARE(
      "SELECT a.id,"
      " CASE WHEN EXISTS (SELECT 1 FROM phones ph WHERE ph.debtor_id = a.debtor_id AND"
      " ph.valid_to IS NULL AND ph.status NOT IN ('bad', 'wrong_number',"
      " 'disconnected')) THEN 1 ELSE 0 END,"
      " CASE WHEN EXISTS (SELECT 1 FROM emails em WHERE em.debtor_id = a.debtor_id AND"
      " em.valid_to IS NULL AND em.status NOT IN ('bad', 'bounced') AND em.consent <>"
      " 'revoked') THEN 1 ELSE 0 END,"
      /* The current address's state, as svc_current_address picks it: the first (by
       * id) address in effect, not bad or former, with a state. */
      " (SELECT ad.state FROM addresses ad WHERE ad.debtor_id = a.debtor_id AND"
      " ad.valid_to IS NULL AND ad.status NOT IN ('bad', 'wrong_number',"
      " 'disconnected', 'returned', 'bounced', 'former') AND ad.state IS NOT NULL AND"
      " ad.state <> '' ORDER BY ad.id LIMIT 1)"
      " FROM accounts a WHERE a.id BETWEEN ? AND ? ORDER BY a.id LIMIT ?");
  arr_db_bind_int64(st, 1, first);
  arr_db_bind_int64(st, 2, last);
  arr_db_bind_int64(st, 3, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_facts_base, err);
}

/* Steps st, whose rows are ordered by account id (column 0), and hands each row to
 * apply() with its account's element of out[0..n): an array of elements of `size`
 * bytes, each starting with its int64_t account id, sorted by it. The batch's chunk
 * reads are a few range scans merged this way rather than a dozen correlated lookups
 * per account. */
static arr_rc merge_by_account(arr_stmt *st, void *out, size_t size, int n,
                               void (*apply)(const arr_stmt *st, void *row),
                               arr_err *err) {
  int pos = 0;
  arr_rc rc;
  while ((rc = arr_db_step(st, err)) == ARR_OK && arr_db_has_row(st)) {
    int64_t id = arr_db_col_int64(st, 0);
    int64_t at = 0;
    while (pos < n) {
      memcpy(&at, (char *)out + (size_t)pos * size, sizeof at);
      if (at >= id) {
        break;
      }
      pos++;
    }
    if (pos < n && at == id) {
      apply(st, (char *)out + (size_t)pos * size);
    }
  }
  arr_db_reset(st);
  return rc;
}

static void apply_counts(const arr_stmt *st, void *row) {
  arr_account_facts *f = row;
  f->payments = arr_db_col_int64(st, 1);
  f->contacts_7d = arr_db_col_int64(st, 2);
}

/* Posted payments and contacts in the last 7 days, per account of the range. */
static arr_rc facts_counts(arr_db *db, int64_t first, int64_t last, const char *since_7d,
                           arr_account_facts *out, int n, arr_err *err) {
  PREPARE("SELECT account_id, SUM(payments), SUM(contacts) FROM ("
          " SELECT account_id, COUNT(*) AS payments, 0 AS contacts FROM payments"
          " WHERE account_id BETWEEN ? AND ? AND status = 'posted' GROUP BY account_id"
          " UNION ALL SELECT account_id, 0, COUNT(*) FROM contacts"
          " WHERE account_id BETWEEN ? AND ? AND at >= ? GROUP BY account_id) AS x"
          " GROUP BY account_id ORDER BY account_id");
  arr_db_bind_int64(st, 1, first);
  arr_db_bind_int64(st, 2, last);
  arr_db_bind_int64(st, 3, first);
  arr_db_bind_int64(st, 4, last);
  arr_db_bind_cstr(st, 5, since_7d);
  return merge_by_account(st, out, sizeof *out, n, apply_counts, err);
}

static void apply_flag(const arr_stmt *st, void *row) {
  arr_account_facts *f = row;
  const char *t = arr_db_col_text(st, 1);
  if (t == NULL) {
    return;
  }
  if (strcmp(t, "dispute_written") == 0 || strcmp(t, "dispute_oral") == 0) {
    f->disputed = true;
  } else if (strcmp(t, "cease_written") == 0) {
    f->cease = true;
  } else if (strcmp(t, "bankruptcy_filed") == 0) {
    f->bankruptcy = true;
  } else if (strcmp(t, "deceased_reported") == 0) {
    f->deceased = true;
  } else if (strcmp(t, "plan_active") == 0) {
    f->plan_active = true;
  } else if (strcmp(t, "promise_broken") == 0) {
    f->promise_broken = true;
  }
}

/* The flags of the range's accounts: unreleased disputes, ceases, bankruptcies and
 * deaths, an active plan, a promise broken (or partly kept) since broken_since. */
static arr_rc facts_flags(arr_db *db, int64_t first, int64_t last, arr_date broken_since,
                          arr_account_facts *out, int n, arr_err *err) {
  PREPARE("SELECT account_id, type FROM account_events WHERE account_id BETWEEN ? AND ?"
          " AND type IN ('dispute_written', 'dispute_oral', 'cease_written',"
          " 'bankruptcy_filed', 'deceased_reported') AND released_at IS NULL"
          /* "status || ''" keeps SQLite on the range (see arr_store_hold_events). */
          " UNION ALL SELECT account_id, 'plan_active' FROM plans WHERE account_id"
          " BETWEEN ? AND ? AND kind = 'plan' AND status || '' = 'active'"
          " UNION ALL SELECT account_id, 'promise_broken' FROM promises WHERE account_id"
          " BETWEEN ? AND ? AND status IN ('broken', 'partial') AND due_on >= ?"
          " ORDER BY 1");
  for (int i = 0; i < 3; i++) {
    arr_db_bind_int64(st, 2 * i + 1, first);
    arr_db_bind_int64(st, 2 * i + 2, last);
  }
  bind_date(st, 7, broken_since);
  return merge_by_account(st, out, sizeof *out, n, apply_flag, err);
}

arr_rc arr_store_account_facts(arr_db *db, int64_t first, int64_t last,
                               const char *since_7d_iso, arr_date broken_since,
                               arr_account_facts *out, int cap, int *n, arr_err *err) {
  /* A few range scans merged by account id rather than a dozen correlated lookups per
   * account: the nightly batch reads millions of accounts' facts this way (on 1M
   * accounts the correlated form was 40% of the batch's time). */
  arr_rc rc = facts_base(db, first, last, out, cap, n, err);
  if (rc == ARR_OK && *n > 0) {
    rc = facts_counts(db, first, last, since_7d_iso, out, *n, err);
  }
  if (rc == ARR_OK && *n > 0) {
    rc = facts_flags(db, first, last, broken_since, out, *n, err);
  }
  return rc;
}

static void read_liquidation(const arr_stmt *st, void *out) {
  arr_liquidation_row *r = out;
  r->strategy_version = col_i64(st, 0);
  col_copy(st, 1, r->arm, sizeof r->arm);
  r->accounts = arr_db_col_int64(st, 2);
  r->balance_at_start_cents = arr_db_col_int64(st, 3);
  r->placed_in_period_cents = arr_db_col_int64(st, 4);
  r->collected_cents = arr_db_col_int64(st, 5);
}

arr_rc arr_store_liquidation_by_strategy(arr_db *db, arr_date from, arr_date to,
                                         arr_liquidation_row *out, int cap, int *n,
                                         arr_err *err) {
  PREPARE("SELECT ab.strategy_version, COALESCE(ab.arm, ''), COUNT(*),"
          " COALESCE(SUM((SELECT SUM(l.principal_cents + l.interest_cents + l.fees_cents"
          " + l.costs_cents + l.credit_cents) FROM ledger_entries l"
          " WHERE l.account_id = ab.account_id AND l.effective_on < ?)), 0),"
          " COALESCE(SUM((SELECT SUM(l.principal_cents + l.interest_cents + l.fees_cents"
          " + l.costs_cents) FROM ledger_entries l WHERE l.account_id = ab.account_id"
          " AND l.kind = 'placement' AND l.effective_on BETWEEN ? AND ?)), 0),"
          " COALESCE(SUM((SELECT SUM(p.amount_cents) FROM payments p WHERE"
          " p.account_id = ab.account_id AND p.status = 'posted' AND p.effective_on"
          " BETWEEN ? AND ?)), 0)"
          " FROM account_batch ab GROUP BY ab.strategy_version, COALESCE(ab.arm, '')"
          " ORDER BY 1, 2 LIMIT ?");
  bind_date(st, 1, from);
  bind_date(st, 2, from);
  bind_date(st, 3, to);
  bind_date(st, 4, from);
  bind_date(st, 5, to);
  arr_db_bind_int64(st, 6, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_liquidation, err);
}

/* ---- scores ---- */

/* The accounts of a scoring range with their own columns and what is keyed by debtor;
 * the counts and flags start at zero and the ledger balance at zero. */
static void read_score_base(const arr_stmt *st, void *out) {
  arr_score_row *r = out;
  memset(r, 0, sizeof *r);
  r->account_id = arr_db_col_int64(st, 0);
  col_copy(st, 1, r->account_type, sizeof r->account_type);
  r->placed_on = col_date(st, 2);
  r->last_payment_on = ARR_DATE_NONE;
  r->has_phone = arr_db_col_int64(st, 3) != 0;
  r->has_email = arr_db_col_int64(st, 4) != 0;
}

/* Without the debtor's phones and emails (has_phone, has_email false): for a caller
 * that read them already (the batch's chunk facts). */
static arr_rc score_base_own(arr_db *db, int64_t first, int64_t last, arr_score_row *out,
                             int cap, int *n, arr_err *err) {
  PREPARE("SELECT a.id, a.account_type, a.placed_on, 0, 0 FROM accounts a"
          " WHERE a.id BETWEEN ? AND ? ORDER BY a.id LIMIT ?");
  arr_db_bind_int64(st, 1, first);
  arr_db_bind_int64(st, 2, last);
  arr_db_bind_int64(st, 3, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_score_base, err);
}

static arr_rc score_base(arr_db *db, int64_t first, int64_t last, arr_score_row *out,
                         int cap, int *n, arr_err *err) {
  PREPARE("SELECT a.id, a.account_type, a.placed_on,"
          " CASE WHEN EXISTS (SELECT 1 FROM phones ph WHERE ph.debtor_id = a.debtor_id"
          " AND ph.valid_to IS NULL AND ph.status NOT IN ('bad', 'wrong_number',"
          " 'disconnected')) THEN 1 ELSE 0 END,"
          " CASE WHEN EXISTS (SELECT 1 FROM emails em WHERE em.debtor_id = a.debtor_id"
          " AND em.valid_to IS NULL AND em.status NOT IN ('bad', 'bounced') AND"
          " em.consent <> 'revoked') THEN 1 ELSE 0 END"
          " FROM accounts a WHERE a.id BETWEEN ? AND ? ORDER BY a.id LIMIT ?");
  arr_db_bind_int64(st, 1, first);
  arr_db_bind_int64(st, 2, last);
  arr_db_bind_int64(st, 3, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_score_base, err);
}

static void apply_balance(const arr_stmt *st, void *row) {
  ((arr_score_row *)row)->balance_cents = arr_db_col_int64(st, 1);
}

/* The balance at the end of day ref, from the ledger; with `after`, minus the sum of
 * the entries effective after ref instead (see arr_store_score_rows). */
static arr_rc score_balances(arr_db *db, int64_t first, int64_t last, arr_date ref,
                             bool after, arr_score_row *out, int n, arr_err *err) {
  PREPARE(after
              ? "SELECT account_id, -SUM(principal_cents + interest_cents + fees_cents +"
                " costs_cents + credit_cents) FROM ledger_entries WHERE account_id"
                " BETWEEN ? AND ? AND effective_on > ? GROUP BY account_id"
                " ORDER BY account_id"
              : "SELECT account_id, SUM(principal_cents + interest_cents + fees_cents +"
                " costs_cents + credit_cents) FROM ledger_entries WHERE account_id"
                " BETWEEN ? AND ? AND effective_on <= ? GROUP BY account_id"
                " ORDER BY account_id");
  arr_db_bind_int64(st, 1, first);
  arr_db_bind_int64(st, 2, last);
  bind_date(st, 3, ref);
  return merge_by_account(st, out, sizeof *out, n, apply_balance, err);
}

static void apply_score_counts(const arr_stmt *st, void *row) {
  arr_score_row *r = row;
  const char *what = arr_db_col_text(st, 1);
  if (what == NULL) {
    return;
  }
  if (strcmp(what, "payments") == 0) {
    r->payments = arr_db_col_int64(st, 2);
    r->last_payment_on = col_date(st, 3);
    r->paid_after = arr_db_col_int64(st, 4) != 0;
  } else if (strcmp(what, "rpc") == 0) {
    r->rpc_90d = arr_db_col_int64(st, 2);
  } else if (strcmp(what, "promises") == 0) {
    r->promises = arr_db_col_int64(st, 2);
    r->promises_kept = arr_db_col_int64(st, 4);
  } else if (strcmp(what, "disputed") == 0) {
    r->disputed = true;
  }
}

/* Per account of the range, one row per source: posted payments by the end of ref
 * (count, the latest date) and whether one came in (ref, label_end]; conversations in
 * (rpc_from, ref_end]; promises due by ref and those kept; a dispute by ref_end. */
static arr_rc score_counts(arr_db *db, int64_t first, int64_t last, arr_date ref,
                           const char *ref_end_iso, const char *rpc_from_iso,
                           arr_date label_end, arr_score_row *out, int n, arr_err *err) {
  PREPARE("SELECT account_id, what, n, latest, extra FROM ("
          " SELECT account_id, 'payments' AS what,"
          " SUM(CASE WHEN effective_on <= ? THEN 1 ELSE 0 END) AS n,"
          " MAX(CASE WHEN effective_on <= ? THEN effective_on END) AS latest,"
          " MAX(CASE WHEN effective_on > ? AND effective_on <= ? THEN 1 ELSE 0 END)"
          " AS extra FROM payments WHERE account_id BETWEEN ? AND ? AND status ="
          " 'posted' GROUP BY account_id"
          " UNION ALL SELECT account_id, 'rpc', COUNT(*), NULL, 0 FROM contacts"
          " WHERE account_id BETWEEN ? AND ? AND outcome = 'conversation' AND at > ?"
          " AND at <= ? GROUP BY account_id"
          " UNION ALL SELECT account_id, 'promises', COUNT(*), NULL,"
          " SUM(CASE WHEN status = 'kept' THEN 1 ELSE 0 END) FROM promises"
          " WHERE account_id BETWEEN ? AND ? AND due_on <= ? GROUP BY account_id"
          " UNION ALL SELECT DISTINCT account_id, 'disputed', 0, NULL, 0 FROM"
          " account_events WHERE account_id BETWEEN ? AND ? AND type IN"
          " ('dispute_written', 'dispute_oral') AND at <= ?) AS x ORDER BY account_id");
  int i = 1;
  bind_date(st, i++, ref);
  bind_date(st, i++, ref);
  bind_date(st, i++, ref);
  bind_date(st, i++, label_end != ARR_DATE_NONE ? label_end : ref);
  arr_db_bind_int64(st, i++, first);
  arr_db_bind_int64(st, i++, last);
  arr_db_bind_int64(st, i++, first);
  arr_db_bind_int64(st, i++, last);
  arr_db_bind_cstr(st, i++, rpc_from_iso);
  arr_db_bind_cstr(st, i++, ref_end_iso);
  arr_db_bind_int64(st, i++, first);
  arr_db_bind_int64(st, i++, last);
  bind_date(st, i++, ref);
  arr_db_bind_int64(st, i++, first);
  arr_db_bind_int64(st, i++, last);
  arr_db_bind_cstr(st, i++, ref_end_iso);
  return merge_by_account(st, out, sizeof *out, n, apply_score_counts, err);
}

arr_rc arr_store_score_rows(arr_db *db, int64_t first, int64_t last, arr_date ref,
                            const char *ref_end_iso, const char *rpc_from_iso,
                            arr_date label_end, bool contact_points, bool balance_after,
                            arr_score_row *out, int cap, int *n, arr_err *err) {
  /* Everything as of the end of day `ref`, and whether a payment came in
   * (ref, label_end]: the label when training, ignored when scoring. Range scans
   * merged by account (see merge_by_account). */
  arr_rc rc = contact_points ? score_base(db, first, last, out, cap, n, err)
                             : score_base_own(db, first, last, out, cap, n, err);
  if (rc == ARR_OK && *n > 0) {
    rc = score_balances(db, first, last, ref, balance_after, out, *n, err);
  }
  if (rc == ARR_OK && *n > 0) {
    rc = score_counts(db, first, last, ref, ref_end_iso, rpc_from_iso, label_end, out, *n,
                      err);
  }
  return rc;
}

arr_rc arr_store_score_model_insert(arr_db *db, arr_score_model_row *m, arr_err *err) {
  PREPARE("INSERT INTO score_models (as_of, window_days, n_train, n_test, auc_e4, model,"
          " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  bind_date(st, 1, m->as_of);
  arr_db_bind_int64(st, 2, m->window_days);
  arr_db_bind_int64(st, 3, m->n_train);
  arr_db_bind_int64(st, 4, m->n_test);
  arr_db_bind_int64(st, 5, m->auc_e4);
  arr_db_bind_cstr(st, 6, m->model);
  arr_db_bind_cstr(st, 7, m->created_by);
  arr_db_bind_cstr(st, 8, m->created_at);
  return run_returning_id(st, &m->id, err);
}

static void read_model(const arr_stmt *st, void *out) {
  arr_score_model_row *m = out;
  m->id = arr_db_col_int64(st, 0);
  m->as_of = col_date(st, 1);
  m->window_days = arr_db_col_int64(st, 2);
  m->n_train = arr_db_col_int64(st, 3);
  m->n_test = arr_db_col_int64(st, 4);
  m->auc_e4 = arr_db_col_int64(st, 5);
  col_copy(st, 6, m->model, sizeof m->model);
  col_copy(st, 7, m->created_by, sizeof m->created_by);
  col_copy(st, 8, m->created_at, sizeof m->created_at);
}

arr_rc arr_store_score_model_latest(arr_db *db, arr_score_model_row *out, bool *found,
                                    arr_err *err) {
  PREPARE("SELECT id, as_of, window_days, n_train, n_test, auc_e4, model, created_by,"
          " created_at FROM score_models ORDER BY id DESC LIMIT 1");
  int n = 0;
  arr_rc rc = read_rows(st, out, sizeof *out, 1, &n, read_model, err);
  *found = rc == ARR_OK && n == 1;
  return rc;
}
