/*
 * statements.c — the debtor's financial statement (income by source, expenses by
 * category, assets, dependents, hardship), kept with history, and what it says the
 * debtor can afford: monthly disposable income and the suggested options within the
 * client's limits (core/plan's arr_afford_options), side by side for the plan builder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "core/plan.h"
#include "service/internal.h"

enum { MAX_LINES = 40, MAX_VERSIONS = 50 };

static const char *const STAFF[] = {"collector", "supervisor", "compliance", "admin",
                                    NULL};

static const char *const INCOME[] = {
    "wages",         "self_employment", "benefits", "pension",
    "child_support", "alimony",         "other",    NULL};
static const char *const EXPENSES[] = {
    "housing", "utilities", "food",          "transport", "insurance",
    "medical", "childcare", "debt_payments", "other",     NULL};
static const char *const ASSETS[] = {"checking",        "savings", "vehicle_equity",
                                     "property_equity", "other",   NULL};

static bool one_of(const char *s, const char *const *list) {
  for (int i = 0; list[i] != NULL; i++) {
    if (strcmp(s, list[i]) == 0) {
      return true;
    }
  }
  return false;
}

static void join(const char *const *list, char *buf, size_t cap) {
  buf[0] = '\0';
  for (int i = 0; list[i] != NULL; i++) {
    size_t used = strlen(buf);
    snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", list[i]);
  }
}

/* Reads one array of lines ("income", "expenses", "assets") from the request into
 * lines[], naming the entry and field on error ("income[2].amount: ..."). */
static arr_rc read_lines(const json_t *req, const char *key, const char *kind,
                         const char *name_key, const char *const *names,
                         arr_fin_line *lines, int *n, arr_err *err) {
  json_t *arr = json_object_get(req, key);
  if (arr == NULL || json_is_null(arr)) {
    return ARR_OK;
  }
  if (!json_is_array(arr)) {
    return arr_err_field(err, ARR_ERR_INVALID, key, "%s must be a list", key);
  }
  size_t i;
  json_t *e;
  json_array_foreach(arr, i, e) {
    char field[48];
    if (*n >= MAX_LINES) {
      return arr_err_field(err, ARR_ERR_INVALID, key, "a statement has at most %d lines",
                           MAX_LINES);
    }
    const char *name = json_string_value(json_object_get(e, name_key));
    const char *amount = json_string_value(json_object_get(e, "amount"));
    const char *period = json_string_value(json_object_get(e, "period"));
    snprintf(field, sizeof field, "%s[%zu].%s", key, i, name_key);
    if (name == NULL || !one_of(name, names)) {
      char all[200];
      join(names, all, sizeof all);
      return arr_err_field(err, ARR_ERR_INVALID, field, "%s must be one of %s", field,
                           all);
    }
    snprintf(field, sizeof field, "%s[%zu].amount", key, i);
    int64_t cents = 0;
    arr_money_status ms = amount != NULL
                              ? arr_money_parse(amount, strlen(amount), false, &cents)
                              : ARR_MONEY_EMPTY;
    if (ms != ARR_MONEY_OK) {
      return arr_err_field(err, ARR_ERR_INVALID, field, "%s: %s", field,
                           amount == NULL ? "a decimal amount as a string is required"
                                          : arr_money_status_str(ms));
    }
    arr_fin_line *l = &lines[(*n)++];
    memset(l, 0, sizeof *l);
    svc_strcpy(l->kind, sizeof l->kind, kind);
    svc_strcpy(l->category, sizeof l->category, name);
    l->amount_cents = cents;
    if (strcmp(kind, "asset") == 0) {
      svc_strcpy(l->period, sizeof l->period, "once");
      continue;
    }
    arr_period p;
    snprintf(field, sizeof field, "%s[%zu].period", key, i);
    if (period == NULL || !arr_period_parse(period, &p)) {
      return arr_err_field(err, ARR_ERR_INVALID, field,
                           "%s must be weekly, biweekly, semimonthly, monthly or annual",
                           field);
    }
    svc_strcpy(l->period, sizeof l->period, period);
  }
  return ARR_OK;
}

arr_rc arr_svc_statement_add(arr_svc *svc, const char *account, const json_t *req,
                             int64_t *id_out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "recording a financial statement", STAFF, err);
  if (rc != ARR_OK) {
    return rc;
  }
  if (!json_is_object(req)) {
    return arr_err_set(err, ARR_ERR_INVALID, "a statement is a JSON object");
  }
  arr_fin_statement s;
  memset(&s, 0, sizeof s);
  json_t *dep = json_object_get(req, "dependents");
  if (dep != NULL && (!json_is_integer(dep) || json_integer_value(dep) < 0 ||
                      json_integer_value(dep) > 30)) {
    return arr_err_field(err, ARR_ERR_INVALID, "dependents",
                         "dependents must be a whole number from 0 to 30");
  }
  s.dependents = dep != NULL ? (int)json_integer_value(dep) : 0;
  const char *hardship = json_string_value(json_object_get(req, "hardship"));
  if (hardship != NULL && strlen(hardship) > 500) {
    return arr_err_field(err, ARR_ERR_INVALID, "hardship",
                         "hardship is at most 500 bytes");
  }
  svc_strcpy(s.hardship, sizeof s.hardship, hardship != NULL ? hardship : "");
  arr_fin_line lines[MAX_LINES];
  int n = 0;
  rc = read_lines(req, "income", "income", "source", INCOME, lines, &n, err);
  if (rc == ARR_OK) {
    rc = read_lines(req, "expenses", "expense", "category", EXPENSES, lines, &n, err);
  }
  if (rc == ARR_OK) {
    rc = read_lines(req, "assets", "asset", "kind", ASSETS, lines, &n, err);
  }
  int64_t id = 0;
  if (rc == ARR_OK) {
    rc = arr_svc_account_resolve(svc, account, &id, err);
  }
  if (rc == ARR_OK) {
    rc = svc_begin(svc, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_account a;
  rc = arr_store_account_get(svc->db, id, &a, err);
  if (rc == ARR_OK) {
    s.debtor_id = a.debtor_id;
    svc_strcpy(s.created_by, sizeof s.created_by, svc->actor);
    rc = arr_store_statement_insert(svc->db, &s, svc->now_iso, err);
  }
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    rc = arr_store_statement_line_insert(svc->db, s.id, i + 1, &lines[i], err);
  }
  if (rc == ARR_OK) {
    rc = svc_audit(svc, "statement.add", "debtor", a.debtor_id,
                   json_pack("{s:I,s:I,s:i}", "account_id", (json_int_t)id,
                             "statement_id", (json_int_t)s.id, "lines", n),
                   err);
  }
  if (rc == ARR_OK) {
    *id_out = s.id;
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

static const char *option_name(arr_option_kind k) {
  switch (k) {
  case ARR_OPT_PAY_IN_FULL: return "pay_in_full";
  case ARR_OPT_PLAN: return "plan";
  case ARR_OPT_SETTLEMENT_LUMP: return "settlement_lump_sum";
  case ARR_OPT_SETTLEMENT_SHORT: return "settlement_short_term";
  }
  return "unknown";
}

/* The statement's lines and its monthly figures. */
static json_t *statement_json(const arr_fin_statement *s, const arr_fin_line *lines,
                              int n, arr_affordability *af) {
  memset(af, 0, sizeof *af);
  json_t *income = json_array(), *expenses = json_array(), *assets = json_array();
  for (int i = 0; i < n; i++) {
    const arr_fin_line *l = &lines[i];
    arr_period p = ARR_PER_MONTH;
    bool periodic = arr_period_parse(l->period, &p);
    int64_t monthly = periodic ? arr_monthly_cents(l->amount_cents, p) : 0;
    json_t *j = json_object();
    svc_set_str(j,
                strcmp(l->kind, "income") == 0    ? "source"
                : strcmp(l->kind, "expense") == 0 ? "category"
                                                  : "kind",
                l->category);
    svc_set_int(j, "amount_cents", l->amount_cents);
    if (periodic) {
      svc_set_str(j, "period", l->period);
      svc_set_int(j, "monthly_cents", monthly);
    }
    if (strcmp(l->kind, "income") == 0) {
      af->income_monthly_cents += monthly;
      json_array_append_new(income, j);
    } else if (strcmp(l->kind, "expense") == 0) {
      af->expenses_monthly_cents += monthly;
      json_array_append_new(expenses, j);
    } else {
      /* Money the debtor could pay with now: bank balances, not equity. */
      if (strcmp(l->category, "checking") == 0 || strcmp(l->category, "savings") == 0) {
        af->liquid_assets_cents += l->amount_cents;
      }
      json_array_append_new(assets, j);
    }
  }
  af->disposable_monthly_cents = af->income_monthly_cents - af->expenses_monthly_cents;
  return json_pack("{s:I,s:i,s:o,s:s,s:s,s:o,s:o,s:o}", "id", (json_int_t)s->id,
                   "dependents", s->dependents, "hardship",
                   s->hardship[0] ? json_string(s->hardship) : json_null(), "created_by",
                   s->created_by, "created_at", s->created_at, "income", income,
                   "expenses", expenses, "assets", assets);
}

arr_rc arr_svc_statement_show(arr_svc *svc, const char *account, json_t **out,
                              arr_err *err) {
  int64_t id = 0;
  arr_rc rc = arr_svc_account_resolve(svc, account, &id, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_account a;
  arr_arrangement_limits lim;
  arr_fin_statement *vs = malloc(sizeof *vs * MAX_VERSIONS);
  arr_fin_line *lines = malloc(sizeof *lines * MAX_LINES);
  if (vs == NULL || lines == NULL) {
    free(vs), free(lines);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int nv = 0, nl = 0;
  rc = arr_store_account_get(svc->db, id, &a, err);
  if (rc == ARR_OK) {
    rc = arr_store_client_limits(svc->db, a.client_id, &lim, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_statements(svc->db, a.debtor_id, vs, MAX_VERSIONS, &nv, err);
  }
  if (rc == ARR_OK && nv > 0) {
    rc = arr_store_statement_lines(svc->db, vs[0].id, lines, MAX_LINES, &nl, err);
  }
  if (rc != ARR_OK) {
    free(vs), free(lines);
    return rc;
  }
  arr_affordability af;
  memset(&af, 0, sizeof af);
  json_t *current = nv > 0 ? statement_json(&vs[0], lines, nl, &af) : json_null();
  json_t *history = json_array();
  for (int i = 1; i < nv; i++) {
    json_array_append_new(history, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)vs[i].id,
                                             "created_by", vs[i].created_by, "created_at",
                                             vs[i].created_at));
  }
  free(vs), free(lines);
  int64_t balance = 0;
  arr_balance_total(&a.balance, &balance);
  arr_option opts[8];
  int no = arr_afford_options(&af, balance, &lim, opts, 8);
  json_t *options = json_array();
  int64_t floor_cents = arr_settlement_floor_cents(balance, lim.settlement_floor_bp);
  for (int i = 0; i < no; i++) {
    /* A one-payment settlement at or above the floor is the collector's to offer
     * (settlement offer); a short-term one is a plan below the balance. */
    if (opts[i].kind == ARR_OPT_SETTLEMENT_LUMP) {
      opts[i].within_limits = opts[i].total_cents >= floor_cents;
    }
    json_array_append_new(
        options,
        json_pack("{s:s,s:I,s:I,s:i,s:s,s:b,s:b}", "kind", option_name(opts[i].kind),
                  "total_cents", (json_int_t)opts[i].total_cents, "installment_cents",
                  (json_int_t)opts[i].installment_cents, "count", opts[i].count,
                  "frequency", arr_frequency_name(opts[i].frequency), "affordable",
                  opts[i].affordable, "within_limits", opts[i].within_limits));
  }
  json_t *afford =
      nv > 0
          ? json_pack("{s:I,s:I,s:I,s:I}", "income_monthly_cents",
                      (json_int_t)af.income_monthly_cents, "expenses_monthly_cents",
                      (json_int_t)af.expenses_monthly_cents, "disposable_monthly_cents",
                      (json_int_t)af.disposable_monthly_cents, "liquid_assets_cents",
                      (json_int_t)af.liquid_assets_cents)
          : json_null();
  json_t *limits =
      json_pack("{s:I,s:i,s:i,s:i,s:I}", "min_installment_cents",
                (json_int_t)lim.min_installment_cents, "max_months", lim.max_months,
                "settlement_floor_bp", (int)lim.settlement_floor_bp, "grace_days",
                lim.grace_days, "settlement_floor_cents", (json_int_t)floor_cents);
  *out =
      json_pack("{s:I,s:I,s:o,s:o,s:o,s:o,s:o}", "account_id", (json_int_t)a.id,
                "balance_cents", (json_int_t)balance, "statement", current, "history",
                history, "affordability", afford, "limits", limits, "options", options);
  return ARR_OK;
}
