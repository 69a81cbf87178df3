/*
 * strategies.c — collection strategies as data (core/strategy's language): saving a
 * version, listing and showing them, choosing the champion and a challenger with its
 * share of accounts, the rules the batch runs (the built-in default until a
 * supervisor saves one), and the liquidation report by strategy and arm.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strategy.h"
#include "service/internal.h"

static const char *const EDITORS[] = {"supervisor", "admin", NULL};
static const char *const READERS[] = {"supervisor", "compliance", "admin", NULL};

/* The strategy the batch runs until a supervisor saves one: compliance holds first,
 * then broken promises, the validation notice for new placements, and the call queue
 * by balance. */
const char ARR_DEFAULT_STRATEGY[] =
    "# The built-in strategy (version 0), used until a supervisor saves one.\n"
    "rule \"legal holds\" when bankruptcy or deceased then hold \"legal hold\"; stop\n"
    "rule \"cease\" when cease then hold \"written cease\"; stop\n"
    "rule \"dispute\" when disputed then hold \"dispute pending\"; stop\n"
    "rule \"paying\" when plan_active then queue monitor priority 5; stop\n"
    "rule \"broken promise\" when promise_broken then queue call_now priority 90\n"
    "rule \"new placement\" when days_since_placement <= 5 then letter "
    "validation_notice; queue new priority 60\n"
    "rule \"large\" when balance >= 1000.00 and has_phone then queue call_now priority "
    "70\n"
    "rule \"no phone\" when not has_phone then skip_trace; queue trace priority 20\n"
    "rule \"time-barred\" when time_barred then queue call_now priority 10\n"
    "rule \"the rest\" when has_phone then queue call_now priority 40\n";

/* Parses text as a strategy into *s (allocated; the caller frees it), or fails with
 * the error saving it would give. */
static arr_rc parse_text(const char *text, arr_strategy **s, arr_err *err) {
  size_t len = text != NULL ? strlen(text) : 0;
  if (len == 0 || len > ARR_STRATEGY_SOURCE_MAX) {
    return arr_err_field(err, ARR_ERR_INVALID, "text",
                         "a strategy is 1 to %d bytes of rules", ARR_STRATEGY_SOURCE_MAX);
  }
  *s = malloc(sizeof **s);
  if (*s == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  arr_strategy_error pe;
  if (!arr_strategy_parse(text, len, *s, &pe)) {
    free(*s);
    *s = NULL;
    return arr_err_field(err, ARR_ERR_INVALID, "text", "%s", pe.message);
  }
  return ARR_OK;
}

/* [{"title","line"}] of a parsed strategy. */
static json_t *rules_json(const arr_strategy *s) {
  json_t *rules = json_array();
  for (int i = 0; i < arr_strategy_rule_count(s); i++) {
    json_array_append_new(rules,
                          json_pack("{s:s,s:i}", "title", arr_strategy_rule_title(s, i),
                                    "line", arr_strategy_rule_line(s, i)));
  }
  return rules;
}

arr_rc arr_svc_strategy_check(arr_svc *svc, const char *text, json_t **out,
                              arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "checking a strategy", EDITORS, err);
  arr_strategy *s = NULL;
  if (rc == ARR_OK) {
    rc = parse_text(text, &s, err);
  }
  if (rc == ARR_OK) {
    *out = json_pack("{s:o}", "rules", rules_json(s));
  }
  free(s);
  return rc;
}

arr_rc arr_svc_strategy_save(arr_svc *svc, const char *text, const char *note,
                             json_t **out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "saving a strategy", EDITORS, err);
  if (rc != ARR_OK) {
    return rc;
  }
  if (note != NULL && strlen(note) > 200) {
    return arr_err_field(err, ARR_ERR_INVALID, "note", "a note is at most 200 bytes");
  }
  arr_strategy *s = NULL;
  rc = parse_text(text, &s, err);
  if (rc != ARR_OK) {
    return rc;
  }
  int rules = arr_strategy_rule_count(s);
  free(s);
  arr_strategy_row *row = malloc(sizeof *row);
  if (row == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  memset(row, 0, sizeof *row);
  svc_strcpy(row->text, sizeof row->text, text);
  svc_strcpy(row->note, sizeof row->note, note != NULL ? note : "");
  svc_strcpy(row->created_by, sizeof row->created_by, svc->actor);
  svc_strcpy(row->created_at, sizeof row->created_at, svc->now_iso);
  rc = svc_begin(svc, err);
  if (rc == ARR_OK) {
    rc = arr_store_strategy_insert(svc->db, row, err);
  }
  if (rc == ARR_OK) {
    rc = svc_audit(svc, "strategy.save", "strategy", row->id,
                   json_pack("{s:I,s:i,s:s}", "version", (json_int_t)row->version,
                             "rules", rules, "note", row->note),
                   err);
  }
  if (rc == ARR_OK) {
    rc = svc_commit(svc, err);
  } else {
    svc_rollback(svc);
  }
  if (rc == ARR_OK) {
    *out = json_pack("{s:I,s:I,s:i}", "id", (json_int_t)row->id, "version",
                     (json_int_t)row->version, "rules", rules);
  }
  free(row);
  return rc;
}

arr_rc arr_svc_strategy_assign(arr_svc *svc, int64_t champion_id, int64_t challenger_id,
                               int challenger_pct, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "choosing the strategies", EDITORS, err);
  if (rc == ARR_OK && (challenger_pct < 0 || challenger_pct > 50)) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "pct",
                       "a challenger takes 0 to 50 percent of the accounts");
  }
  if (rc == ARR_OK && challenger_id != 0 && challenger_id == champion_id) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "challenger",
                       "the challenger must differ from the champion");
  }
  if (rc == ARR_OK && challenger_id == 0 && challenger_pct != 0) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "pct", "a share needs a challenger");
  }
  if (rc == ARR_OK && challenger_id != 0 && challenger_pct == 0) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "pct",
                       "a challenger needs a share of the accounts (1 to 50 percent)");
  }
  if (rc == ARR_OK) {
    rc = svc_begin(svc, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_strategy_row *row = malloc(sizeof *row);
  if (row == NULL) {
    svc_rollback(svc);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  if (champion_id != 0) {
    rc = arr_store_strategy_get(svc->db, champion_id, row, err);
  }
  if (rc == ARR_OK && challenger_id != 0) {
    rc = arr_store_strategy_get(svc->db, challenger_id, row, err);
  }
  free(row);
  arr_strategy_assignment a = {champion_id, challenger_id, challenger_pct, "", ""};
  svc_strcpy(a.changed_by, sizeof a.changed_by, svc->actor);
  svc_strcpy(a.changed_at, sizeof a.changed_at, svc->now_iso);
  if (rc == ARR_OK) {
    rc = arr_store_strategy_assign(svc->db, &a, err);
  }
  if (rc == ARR_OK) {
    rc = svc_audit(svc, "strategy.assign", "strategy", champion_id,
                   json_pack("{s:I,s:I,s:i}", "champion_id", (json_int_t)champion_id,
                             "challenger_id", (json_int_t)challenger_id, "challenger_pct",
                             challenger_pct),
                   err);
  }
  if (rc == ARR_OK) {
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

arr_rc arr_svc_strategy_list(arr_svc *svc, json_t **out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "the strategies", READERS, err);
  if (rc != ARR_OK) {
    return rc;
  }
  enum { MAX = 200 };
  arr_strategy_row *rows = malloc(sizeof *rows * MAX);
  if (rows == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  arr_strategy_assignment a;
  bool assigned = false;
  rc = arr_store_strategy_list(svc->db, rows, MAX, &n, err);
  if (rc == ARR_OK) {
    rc = arr_store_strategy_assignment(svc->db, &a, &assigned, err);
  }
  json_t *items = json_array();
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    const char *role = !assigned                       ? "none"
                       : rows[i].id == a.champion_id   ? "champion"
                       : rows[i].id == a.challenger_id ? "challenger"
                                                       : "none";
    json_array_append_new(
        items,
        json_pack("{s:I,s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)rows[i].id, "version",
                  (json_int_t)rows[i].version, "note", rows[i].note, "created_by",
                  rows[i].created_by, "created_at", rows[i].created_at, "role", role));
  }
  free(rows);
  if (rc != ARR_OK) {
    json_decref(items);
    return rc;
  }
  /* Until a supervisor chooses, the built-in default is the champion: champion_id 0
   * either way, and assigned_by says whether anyone chose it. */
  *out =
      json_pack("{s:o,s:I,s:o,s:i,s:o,s:o}", "items", items, "champion_id",
                (json_int_t)(assigned ? a.champion_id : 0), "challenger_id",
                assigned && a.challenger_id ? json_integer(a.challenger_id) : json_null(),
                "challenger_pct", assigned ? a.challenger_pct : 0, "assigned_by",
                assigned ? json_string(a.changed_by) : json_null(), "assigned_at",
                assigned ? json_string(a.changed_at) : json_null());
  return ARR_OK;
}

arr_rc arr_svc_strategy_show(arr_svc *svc, int64_t id, json_t **out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "the strategies", READERS, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_strategy_row *row = malloc(sizeof *row);
  arr_strategy *s = malloc(sizeof *s);
  if (row == NULL || s == NULL) {
    free(row), free(s);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  if (id == 0) {
    memset(row, 0, sizeof *row);
    svc_strcpy(row->text, sizeof row->text, ARR_DEFAULT_STRATEGY);
    svc_strcpy(row->note, sizeof row->note, "built in");
    svc_strcpy(row->created_by, sizeof row->created_by, "arrears");
  } else {
    rc = arr_store_strategy_get(svc->db, id, row, err);
  }
  json_t *rules =
      rc == ARR_OK && arr_strategy_parse(row->text, strlen(row->text), s, NULL)
          ? rules_json(s)
          : json_array();
  if (rc == ARR_OK) {
    *out = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:o}", "id", (json_int_t)row->id,
                     "version", (json_int_t)row->version, "text", row->text, "note",
                     row->note, "created_by", row->created_by, "created_at",
                     row->created_at, "rules", rules);
  } else {
    json_decref(rules);
  }
  free(row), free(s);
  return rc;
}

arr_rc arr_svc_strategy_report(arr_svc *svc, const char *from, const char *to,
                               json_t **out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "the strategy report", READERS, err);
  arr_date f = ARR_DATE_NONE, t = ARR_DATE_NONE;
  if (rc == ARR_OK && (from == NULL || !arr_date_parse(from, strlen(from), &f))) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "from",
                       "from must be a date like 2026-11-01");
  }
  if (rc == ARR_OK && (to == NULL || !arr_date_parse(to, strlen(to), &t) || t < f)) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "to", "to must be a date on or after from");
  }
  if (rc != ARR_OK) {
    return rc;
  }
  enum { MAX = 200 };
  arr_liquidation_row rows[MAX];
  int n = 0;
  rc = arr_store_liquidation_by_strategy(svc->db, f, t, rows, MAX, &n, err);
  if (rc != ARR_OK) {
    return rc;
  }
  json_t *items = json_array();
  for (int i = 0; i < n; i++) {
    /* Liquidation in basis points of what could be collected in the period: the
     * balance when it began and what was placed during it, both from the ledger.
     * Integers, no rounding drift. */
    const arr_liquidation_row *x = &rows[i];
    int64_t base = 0;
    if (__builtin_add_overflow(x->balance_at_start_cents, x->placed_in_period_cents,
                               &base)) {
      base = 0;
    }
    int64_t bp = base > 0 && x->collected_cents <= INT64_MAX / 10000
                     ? x->collected_cents * 10000 / base
                     : 0;
    json_array_append_new(
        items,
        json_pack("{s:I,s:s,s:I,s:I,s:I,s:I,s:I}", "strategy_version",
                  (json_int_t)x->strategy_version, "arm", x->arm[0] ? x->arm : "champion",
                  "accounts", (json_int_t)x->accounts, "balance_at_start_cents",
                  (json_int_t)x->balance_at_start_cents, "placed_in_period_cents",
                  (json_int_t)x->placed_in_period_cents, "collected_cents",
                  (json_int_t)x->collected_cents, "liquidation_bp", (json_int_t)bp));
  }
  *out = json_pack("{s:s,s:s,s:o}", "from", from, "to", to, "items", items);
  return ARR_OK;
}
