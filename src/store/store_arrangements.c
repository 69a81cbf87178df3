/*
 * store_arrangements.c — payment plans and settlements with their installments, the
 * approvals inbox, promises' judgments and the client's arrangement limits (see
 * store.h). Only SQL here; the rules are in core/plan and service/arrangements.c.
 */
#include "store/store.h"
#include "store/store_util.h"

arr_rc arr_store_client_limits(arr_db *db, int64_t client_id, arr_arrangement_limits *out,
                               arr_err *err) {
  PREPARE("SELECT min_installment_cents, max_plan_months, settlement_floor_bp,"
          " grace_days FROM clients WHERE id = ?");
  arr_db_bind_int64(st, 1, client_id);
  arr_rc rc = step_one(st, err, "client");
  if (rc != ARR_OK) {
    return rc;
  }
  out->min_installment_cents = arr_db_col_int64(st, 0);
  out->max_months = (int)arr_db_col_int64(st, 1);
  out->settlement_floor_bp = (int32_t)arr_db_col_int64(st, 2);
  out->grace_days = (int)arr_db_col_int64(st, 3);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_client_set_limits(arr_db *db, int64_t client_id,
                                   const arr_arrangement_limits *l, arr_err *err) {
  PREPARE("UPDATE clients SET min_installment_cents = ?, max_plan_months = ?,"
          " settlement_floor_bp = ?, grace_days = ? WHERE id = ?");
  arr_db_bind_int64(st, 1, l->min_installment_cents);
  arr_db_bind_int64(st, 2, l->max_months);
  arr_db_bind_int64(st, 3, l->settlement_floor_bp);
  arr_db_bind_int64(st, 4, l->grace_days);
  arr_db_bind_int64(st, 5, client_id);
  arr_rc rc = arr_db_run(st, err);
  if (rc == ARR_OK && arr_db_changes(st) != 1) {
    rc =
        arr_err_set(err, ARR_ERR_NOTFOUND, "client %lld not found", (long long)client_id);
  }
  return rc;
}

#define PLAN_COLS                                                                        \
  "id, account_id, kind, status, total_cents, down_cents, balance_cents, currency,"      \
  " frequency, installments, first_due_on, starts_on, expires_on, needs_approval,"       \
  " reason, replaces_id, auth_method, auth_on, auth_by, created_by, decided_by,"         \
  " created_at"

static void read_plan(const arr_stmt *st, void *out) {
  arr_plan *p = out;
  p->id = arr_db_col_int64(st, 0);
  p->account_id = arr_db_col_int64(st, 1);
  col_copy(st, 2, p->kind, sizeof p->kind);
  col_copy(st, 3, p->status, sizeof p->status);
  p->total_cents = arr_db_col_int64(st, 4);
  p->down_cents = arr_db_col_int64(st, 5);
  p->balance_cents = arr_db_col_int64(st, 6);
  col_copy(st, 7, p->currency, sizeof p->currency);
  col_copy(st, 8, p->frequency, sizeof p->frequency);
  p->installments = (int)arr_db_col_int64(st, 9);
  p->first_due_on = col_date(st, 10);
  p->starts_on = col_date(st, 11);
  p->expires_on = col_date(st, 12);
  p->needs_approval = (int)arr_db_col_int64(st, 13);
  col_copy(st, 14, p->reason, sizeof p->reason);
  p->replaces_id = col_i64(st, 15);
  col_copy(st, 16, p->auth_method, sizeof p->auth_method);
  p->auth_on = col_date(st, 17);
  col_copy(st, 18, p->auth_by, sizeof p->auth_by);
  col_copy(st, 19, p->created_by, sizeof p->created_by);
  col_copy(st, 20, p->decided_by, sizeof p->decided_by);
  col_copy(st, 21, p->created_at, sizeof p->created_at);
}

arr_rc arr_store_plan_insert(arr_db *db, arr_plan *p, const char *now_iso, arr_err *err) {
  PREPARE("INSERT INTO plans (account_id, kind, status, total_cents, down_cents,"
          " balance_cents, currency, frequency, installments, first_due_on, starts_on,"
          " expires_on, needs_approval, reason, replaces_id, auth_method, auth_on,"
          " auth_by, created_by, decided_by, created_at, updated_at)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          " RETURNING id");
  arr_db_bind_int64(st, 1, p->account_id);
  arr_db_bind_cstr(st, 2, p->kind);
  arr_db_bind_cstr(st, 3, p->status);
  arr_db_bind_int64(st, 4, p->total_cents);
  arr_db_bind_int64(st, 5, p->down_cents);
  arr_db_bind_int64(st, 6, p->balance_cents);
  arr_db_bind_cstr(st, 7, p->currency[0] ? p->currency : "USD");
  arr_db_bind_cstr(st, 8, p->frequency);
  arr_db_bind_int64(st, 9, p->installments);
  bind_date(st, 10, p->first_due_on);
  bind_date(st, 11, p->starts_on);
  bind_date(st, 12, p->expires_on);
  arr_db_bind_int64(st, 13, p->needs_approval);
  bind_opt(st, 14, p->reason);
  bind_opt_id(st, 15, p->replaces_id);
  bind_opt(st, 16, p->auth_method);
  bind_date(st, 17, p->auth_on);
  bind_opt(st, 18, p->auth_by);
  arr_db_bind_cstr(st, 19, p->created_by);
  bind_opt(st, 20, p->decided_by);
  arr_db_bind_cstr(st, 21, now_iso);
  arr_db_bind_cstr(st, 22, now_iso);
  return run_returning_id(st, &p->id, err);
}

arr_rc arr_store_plan_get(arr_db *db, int64_t id, arr_plan *out, arr_err *err) {
  PREPARE("SELECT " PLAN_COLS " FROM plans WHERE id = ?");
  arr_db_bind_int64(st, 1, id);
  arr_rc rc = step_one(st, err, "plan");
  if (rc != ARR_OK) {
    return rc;
  }
  read_plan(st, out);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_plan_list(arr_db *db, int64_t account_id, arr_plan *out, int cap, int *n,
                           arr_err *err) {
  PREPARE("SELECT " PLAN_COLS
          " FROM plans WHERE account_id = ? ORDER BY id DESC LIMIT ?");
  arr_db_bind_int64(st, 1, account_id);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_plan, err);
}

arr_rc arr_store_plan_set_status(arr_db *db, int64_t id, const char *status,
                                 const char *reason, const char *decided_by,
                                 const char *now_iso, arr_err *err) {
  PREPARE("UPDATE plans SET status = ?, reason = COALESCE(?, reason),"
          " decided_by = COALESCE(?, decided_by), updated_at = ? WHERE id = ?");
  arr_db_bind_cstr(st, 1, status);
  bind_opt(st, 2, reason);
  bind_opt(st, 3, decided_by);
  arr_db_bind_cstr(st, 4, now_iso);
  arr_db_bind_int64(st, 5, id);
  arr_rc rc = arr_db_run(st, err);
  if (rc == ARR_OK && arr_db_changes(st) != 1) {
    rc = arr_err_set(err, ARR_ERR_NOTFOUND, "plan %lld not found", (long long)id);
  }
  return rc;
}

arr_rc arr_store_installment_insert(arr_db *db, int64_t plan_id, int seq,
                                    const arr_installment *i, arr_err *err) {
  PREPARE("INSERT INTO plan_installments (plan_id, seq, due_on, amount_cents,"
          " down_payment) VALUES (?, ?, ?, ?, ?)");
  arr_db_bind_int64(st, 1, plan_id);
  arr_db_bind_int64(st, 2, seq);
  bind_date(st, 3, i->due_on);
  arr_db_bind_int64(st, 4, i->amount_cents);
  arr_db_bind_int64(st, 5, i->down_payment ? 1 : 0);
  return arr_db_run(st, err);
}

arr_rc arr_store_installment_reschedule(arr_db *db, int64_t plan_id, int seq,
                                        arr_date due_on, int64_t amount_cents,
                                        arr_err *err) {
  PREPARE("UPDATE plan_installments SET due_on = ?, amount_cents = ?, status = 'pending'"
          " WHERE plan_id = ? AND seq = ?");
  bind_date(st, 1, due_on);
  arr_db_bind_int64(st, 2, amount_cents);
  arr_db_bind_int64(st, 3, plan_id);
  arr_db_bind_int64(st, 4, seq);
  arr_rc rc = arr_db_run(st, err);
  if (rc == ARR_OK && arr_db_changes(st) != 1) {
    rc = arr_err_set(err, ARR_ERR_NOTFOUND, "installment %d of plan %lld not found", seq,
                     (long long)plan_id);
  }
  return rc;
}

static void read_installment(const arr_stmt *st, void *out) {
  arr_plan_installment *i = out;
  i->seq = (int)arr_db_col_int64(st, 0);
  i->inst.due_on = col_date(st, 1);
  i->inst.amount_cents = arr_db_col_int64(st, 2);
  i->inst.down_payment = arr_db_col_int64(st, 3) != 0;
  col_copy(st, 4, i->status, sizeof i->status);
  i->paid_cents = arr_db_col_int64(st, 5);
}

arr_rc arr_store_installments(arr_db *db, int64_t plan_id, arr_plan_installment *out,
                              int cap, int *n, arr_err *err) {
  PREPARE("SELECT seq, due_on, amount_cents, down_payment, status, paid_cents"
          " FROM plan_installments WHERE plan_id = ? ORDER BY seq LIMIT ?");
  arr_db_bind_int64(st, 1, plan_id);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_installment, err);
}

arr_rc arr_store_installment_judge(arr_db *db, int64_t plan_id, int seq,
                                   const char *status, int64_t paid_cents, arr_err *err) {
  PREPARE("UPDATE plan_installments SET status = ?, paid_cents = ?"
          " WHERE plan_id = ? AND seq = ?");
  arr_db_bind_cstr(st, 1, status);
  arr_db_bind_int64(st, 2, paid_cents);
  arr_db_bind_int64(st, 3, plan_id);
  arr_db_bind_int64(st, 4, seq);
  return arr_db_run(st, err);
}

/* ---- approvals ---- */

#define APPROVAL_COLS                                                                    \
  "id, kind, account_id, plan_id, summary, reasons, status, requested_by,"               \
  " requested_at, decided_by, decided_at, note, payload"

static void read_approval(const arr_stmt *st, void *out) {
  arr_approval *a = out;
  a->id = arr_db_col_int64(st, 0);
  col_copy(st, 1, a->kind, sizeof a->kind);
  a->account_id = arr_db_col_int64(st, 2);
  a->plan_id = col_i64(st, 3);
  col_copy(st, 4, a->summary, sizeof a->summary);
  col_copy(st, 5, a->reasons, sizeof a->reasons);
  col_copy(st, 6, a->status, sizeof a->status);
  col_copy(st, 7, a->requested_by, sizeof a->requested_by);
  col_copy(st, 8, a->requested_at, sizeof a->requested_at);
  col_copy(st, 9, a->decided_by, sizeof a->decided_by);
  col_copy(st, 10, a->decided_at, sizeof a->decided_at);
  col_copy(st, 11, a->note, sizeof a->note);
  col_copy(st, 12, a->payload, sizeof a->payload);
}

arr_rc arr_store_approval_insert(arr_db *db, arr_approval *a, arr_err *err) {
  PREPARE(
      "INSERT INTO approvals (kind, account_id, plan_id, summary, reasons, status,"
      " requested_by, requested_at, payload) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)"
      " RETURNING id");
  arr_db_bind_cstr(st, 1, a->kind);
  arr_db_bind_int64(st, 2, a->account_id);
  bind_opt_id(st, 3, a->plan_id);
  arr_db_bind_cstr(st, 4, a->summary);
  arr_db_bind_cstr(st, 5, a->reasons);
  arr_db_bind_cstr(st, 6, a->requested_by);
  arr_db_bind_cstr(st, 7, a->requested_at);
  bind_opt(st, 8, a->payload);
  return run_returning_id(st, &a->id, err);
}

arr_rc arr_store_approval_get(arr_db *db, int64_t id, arr_approval *out, arr_err *err) {
  PREPARE("SELECT " APPROVAL_COLS " FROM approvals WHERE id = ?");
  arr_db_bind_int64(st, 1, id);
  arr_rc rc = step_one(st, err, "approval");
  if (rc != ARR_OK) {
    return rc;
  }
  read_approval(st, out);
  arr_db_reset(st);
  return ARR_OK;
}

arr_rc arr_store_approval_list(arr_db *db, const char *status, int64_t after_id,
                               arr_approval *out, int cap, int *n, arr_err *err) {
  PREPARE("SELECT " APPROVAL_COLS " FROM approvals WHERE (CAST(? AS TEXT) IS NULL OR"
          " status = ?) AND id > ? ORDER BY id LIMIT ?");
  bind_opt(st, 1, status);
  bind_opt(st, 2, status);
  arr_db_bind_int64(st, 3, after_id);
  arr_db_bind_int64(st, 4, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_approval, err);
}

arr_rc arr_store_approval_decide(arr_db *db, int64_t id, const char *status,
                                 const char *by, const char *note, const char *now_iso,
                                 arr_err *err) {
  PREPARE("UPDATE approvals SET status = ?, decided_by = ?, decided_at = ?, note = ?"
          " WHERE id = ? AND status = 'pending'");
  arr_db_bind_cstr(st, 1, status);
  arr_db_bind_cstr(st, 2, by);
  arr_db_bind_cstr(st, 3, now_iso);
  bind_opt(st, 4, note);
  arr_db_bind_int64(st, 5, id);
  arr_rc rc = arr_db_run(st, err);
  if (rc == ARR_OK && arr_db_changes(st) != 1) {
    rc =
        arr_err_set(err, ARR_ERR_CONFLICT, "approval %lld is not pending", (long long)id);
  }
  return rc;
}

/* ---- promises ---- */

static void read_promise_row(const arr_stmt *st, void *out) {
  arr_promise_row *p = out;
  p->id = arr_db_col_int64(st, 0);
  p->account_id = arr_db_col_int64(st, 1);
  p->amount_cents = arr_db_col_int64(st, 2);
  p->due_on = col_date(st, 3);
  col_copy(st, 4, p->status, sizeof p->status);
  p->paid_cents = arr_db_col_int64(st, 5);
  col_copy(st, 6, p->created_at, sizeof p->created_at);
  col_copy(st, 7, p->actor, sizeof p->actor);
}

arr_rc arr_store_promise_accounts(arr_db *db, int64_t after_account, int64_t *ids,
                                  int cap, int *n, arr_err *err) {
  PREPARE("SELECT DISTINCT account_id FROM promises WHERE status = 'open'"
          " AND account_id > ? ORDER BY account_id LIMIT ?");
  arr_db_bind_int64(st, 1, after_account);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, ids, sizeof *ids, cap, n, read_id, err);
}

arr_rc arr_store_promises_open(arr_db *db, int64_t account_id, arr_promise_row *out,
                               int cap, int *n, arr_err *err) {
  PREPARE("SELECT id, account_id, amount_cents, due_on, status, paid_cents, created_at,"
          " actor FROM promises WHERE status = 'open' AND account_id = ?"
          " ORDER BY due_on, id LIMIT ?");
  arr_db_bind_int64(st, 1, account_id);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_promise_row, err);
}

arr_rc arr_store_plan_ids_in_status(arr_db *db, const char *status, int64_t after_id,
                                    int64_t *ids, int cap, int *n, arr_err *err) {
  PREPARE("SELECT id FROM plans WHERE status = ? AND id > ? ORDER BY id LIMIT ?");
  arr_db_bind_cstr(st, 1, status);
  arr_db_bind_int64(st, 2, after_id);
  arr_db_bind_int64(st, 3, cap);
  return read_rows(st, ids, sizeof *ids, cap, n, read_id, err);
}

arr_rc arr_store_promise_judge(arr_db *db, int64_t id, const char *status,
                               int64_t paid_cents, const char *now_iso, arr_err *err) {
  PREPARE("UPDATE promises SET status = ?, paid_cents = ?, judged_at = ? WHERE id = ?");
  arr_db_bind_cstr(st, 1, status);
  arr_db_bind_int64(st, 2, paid_cents);
  arr_db_bind_cstr(st, 3, now_iso);
  arr_db_bind_int64(st, 4, id);
  return arr_db_run(st, err);
}

static void read_pay(const arr_stmt *st, void *out) {
  arr_plan_payment *p = out;
  p->on = col_date(st, 0);
  p->amount_cents = arr_db_col_int64(st, 1);
}

arr_rc arr_store_payments_since(arr_db *db, int64_t account_id, arr_date since,
                                arr_plan_payment *out, int cap, int *n, arr_err *err) {
  PREPARE("SELECT effective_on, amount_cents FROM payments WHERE account_id = ?"
          " AND effective_on >= ? AND status = 'posted' ORDER BY effective_on, id"
          " LIMIT ?");
  arr_db_bind_int64(st, 1, account_id);
  bind_date(st, 2, since);
  arr_db_bind_int64(st, 3, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_pay, err);
}

/* ---- financial statements ---- */

arr_rc arr_store_statement_insert(arr_db *db, arr_fin_statement *s, const char *now_iso,
                                  arr_err *err) {
  PREPARE("INSERT INTO financial_statements (debtor_id, dependents, hardship, created_by,"
          " created_at) VALUES (?, ?, ?, ?, ?) RETURNING id");
  arr_db_bind_int64(st, 1, s->debtor_id);
  arr_db_bind_int64(st, 2, s->dependents);
  bind_opt(st, 3, s->hardship);
  arr_db_bind_cstr(st, 4, s->created_by);
  arr_db_bind_cstr(st, 5, now_iso);
  return run_returning_id(st, &s->id, err);
}

arr_rc arr_store_statement_line_insert(arr_db *db, int64_t statement_id, int seq,
                                       const arr_fin_line *l, arr_err *err) {
  PREPARE("INSERT INTO financial_statement_lines (statement_id, seq, kind, category,"
          " amount_cents, period) VALUES (?, ?, ?, ?, ?, ?)");
  arr_db_bind_int64(st, 1, statement_id);
  arr_db_bind_int64(st, 2, seq);
  arr_db_bind_cstr(st, 3, l->kind);
  arr_db_bind_cstr(st, 4, l->category);
  arr_db_bind_int64(st, 5, l->amount_cents);
  arr_db_bind_cstr(st, 6, l->period);
  return arr_db_run(st, err);
}

static void read_statement(const arr_stmt *st, void *out) {
  arr_fin_statement *s = out;
  s->id = arr_db_col_int64(st, 0);
  s->debtor_id = arr_db_col_int64(st, 1);
  s->dependents = (int)arr_db_col_int64(st, 2);
  col_copy(st, 3, s->hardship, sizeof s->hardship);
  col_copy(st, 4, s->created_by, sizeof s->created_by);
  col_copy(st, 5, s->created_at, sizeof s->created_at);
}

arr_rc arr_store_statements(arr_db *db, int64_t debtor_id, arr_fin_statement *out,
                            int cap, int *n, arr_err *err) {
  PREPARE("SELECT id, debtor_id, dependents, hardship, created_by, created_at"
          " FROM financial_statements WHERE debtor_id = ? ORDER BY id DESC LIMIT ?");
  arr_db_bind_int64(st, 1, debtor_id);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_statement, err);
}

static void read_line(const arr_stmt *st, void *out) {
  arr_fin_line *l = out;
  col_copy(st, 0, l->kind, sizeof l->kind);
  col_copy(st, 1, l->category, sizeof l->category);
  l->amount_cents = arr_db_col_int64(st, 2);
  col_copy(st, 3, l->period, sizeof l->period);
}

arr_rc arr_store_statement_lines(arr_db *db, int64_t statement_id, arr_fin_line *out,
                                 int cap, int *n, arr_err *err) {
  PREPARE("SELECT kind, category, amount_cents, period FROM financial_statement_lines"
          " WHERE statement_id = ? ORDER BY seq LIMIT ?");
  arr_db_bind_int64(st, 1, statement_id);
  arr_db_bind_int64(st, 2, cap);
  return read_rows(st, out, sizeof *out, cap, n, read_line, err);
}
