/*
 * commands_arrangements.c — `plan create|list`, `promise add`, `settlement
 * offer|accept`, `approval list|approve|reject`, `arrangements monitor` and `client
 * limits`: thin wrappers over service/arrangements.c (SPEC.md names the first ones).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/money.h"

/* A whole number option: -1 when absent; false (usage error printed) when not a
 * number in [lo, hi]. */
static bool id_arg(const char *s, int64_t *out) {
  char *end = NULL;
  long long v = strtoll(s, &end, 10);
  *out = v;
  return s[0] != '\0' && *end == '\0' && v > 0;
}

static void print_plan(json_t *p) {
  printf("%s %lld: %s, %lld cents (%s)\n", json_string_value(json_object_get(p, "kind")),
         (long long)json_integer_value(json_object_get(p, "id")),
         json_string_value(json_object_get(p, "status")),
         (long long)json_integer_value(json_object_get(p, "total_cents")),
         json_string_value(json_object_get(p, "frequency")));
  size_t i;
  json_t *n;
  json_array_foreach(json_object_get(p, "needs_approval"), i, n) {
    printf("  needs approval: %s\n", json_string_value(n));
  }
  json_t *inst;
  json_array_foreach(json_object_get(p, "installments"), i, inst) {
    printf("  %s  %10lld  %s%s\n", json_string_value(json_object_get(inst, "due_on")),
           (long long)json_integer_value(json_object_get(inst, "amount_cents")),
           json_string_value(json_object_get(inst, "status")),
           json_is_true(json_object_get(inst, "down_payment")) ? " (down payment)" : "");
  }
}

static int finish(arr_svc *svc, arr_rc r, arr_err *err, json_t *out, bool as_json) {
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    print_plan(out);
  }
  json_decref(out);
  return 0;
}

int cmd_plan_create(cli_args *a) {
  EXPECT_ARGS(1, "plan create ACCOUNT --total AMOUNT --frequency "
                 "weekly|biweekly|semimonthly|monthly --count N --first DATE "
                 "[--down AMOUNT] [--authorization ach|card] [--json]");
  int count = 0;
  if (!cli_int_opt(a, "count", 1, 520, &count)) {
    return 2;
  }
  arr_plan_request q = {a->args[0],
                        cli_opt_get(a, "total"),
                        cli_opt_get(a, "frequency"),
                        count,
                        cli_opt_get(a, "first"),
                        cli_opt_get(a, "down"),
                        cli_opt_get(a, "authorization")};
  bool as_json = cli_flag(a, "json");
  if (q.total == NULL || q.frequency == NULL || count < 0 || q.first == NULL) {
    return cli_usage("plan create needs --total, --frequency, --count and --first%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_plan_create(svc, &q, &out, &err);
  return finish(svc, r, &err, out, as_json);
}

int cmd_plan_list(cli_args *a) {
  EXPECT_ARGS(1, "plan list ACCOUNT [--json]");
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_plan_list(svc, a->args[0], &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(out, "items"), i, p) {
      print_plan(p);
    }
  }
  json_decref(out);
  return 0;
}

int cmd_promise_add(cli_args *a) {
  EXPECT_ARGS(1, "promise add ACCOUNT --amount AMOUNT --on DATE");
  const char *amount = cli_opt_get(a, "amount"), *on = cli_opt_get(a, "on");
  if (amount == NULL || on == NULL) {
    return cli_usage("promise add needs --amount and --on%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  int64_t id = 0;
  arr_rc r = arr_svc_promise_add(svc, a->args[0], amount, on, &id, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  printf("promise %lld recorded: %s on %s\n", (long long)id, amount, on);
  return 0;
}

int cmd_settlement_offer(cli_args *a) {
  EXPECT_ARGS(
      1, "settlement offer ACCOUNT --amount AMOUNT --due DATE [--expires DATE] [--json]");
  const char *amount = cli_opt_get(a, "amount"), *due = cli_opt_get(a, "due");
  const char *expires = cli_opt_get(a, "expires");
  bool as_json = cli_flag(a, "json");
  if (amount == NULL || due == NULL) {
    return cli_usage("settlement offer needs --amount and --due%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_settlement_offer(svc, a->args[0], amount, due, expires, &out, &err);
  return finish(svc, r, &err, out, as_json);
}

int cmd_settlement_accept(cli_args *a) {
  EXPECT_ARGS(1, "settlement accept PLAN_ID [--json]");
  bool as_json = cli_flag(a, "json");
  int64_t id = 0;
  if (!id_arg(a->args[0], &id)) {
    return cli_usage("settlement accept needs a plan id, not \"%s\"", a->args[0]);
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_settlement_accept(svc, id, &out, &err);
  return finish(svc, r, &err, out, as_json);
}

int cmd_approval_list(cli_args *a) {
  EXPECT_ARGS(0, "approval list [--status pending|approved|rejected|all] [--json]");
  bool as_json = cli_flag(a, "json");
  const char *status = cli_opt_get(a, "status");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_approval_list(svc, status, &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(out, "items"), i, x) {
      printf("%lld  %-9s account %lld  %s — %s (by %s)\n",
             (long long)json_integer_value(json_object_get(x, "id")),
             json_string_value(json_object_get(x, "status")),
             (long long)json_integer_value(json_object_get(x, "account_id")),
             json_string_value(json_object_get(x, "summary")),
             json_string_value(json_object_get(x, "reasons")),
             json_string_value(json_object_get(x, "requested_by")));
    }
  }
  json_decref(out);
  return 0;
}

static int decide(cli_args *a, bool approve) {
  EXPECT_ARGS(1, "approval approve|reject ID [--note TEXT]");
  const char *note = cli_opt_get(a, "note");
  int64_t id = 0;
  if (!id_arg(a->args[0], &id)) {
    return cli_usage("approval needs an approval id, not \"%s\"", a->args[0]);
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_rc r = arr_svc_approval_decide(svc, id, approve, note, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  printf("approval %lld %s\n", (long long)id, approve ? "approved" : "rejected");
  return 0;
}

int cmd_approval_approve(cli_args *a) {
  return decide(a, true);
}

int cmd_approval_reject(cli_args *a) {
  return decide(a, false);
}

int cmd_arrangements_monitor(cli_args *a) {
  EXPECT_ARGS(0, "arrangements monitor [--as-of DATE] [--json]");
  const char *as_of = cli_opt_get(a, "as-of");
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_monitor_result res;
  arr_rc r = arr_svc_arrangements_monitor(svc, as_of, &res, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  json_t *o =
      json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "plans", (json_int_t)res.plans, "promises",
                (json_int_t)res.promises, "active", (json_int_t)res.active, "completed",
                (json_int_t)res.completed, "broken", (json_int_t)res.broken, "settled",
                (json_int_t)res.settled);
  if (as_json) {
    cli_print_json(o);
  } else {
    printf("judged %lld plans and %lld promises: %lld still active, %lld completed or "
           "kept, %lld broken, %lld settled\n",
           (long long)res.plans, (long long)res.promises, (long long)res.active,
           (long long)res.completed, (long long)res.broken, (long long)res.settled);
  }
  json_decref(o);
  return 0;
}

int cmd_client_limits(cli_args *a) {
  EXPECT_ARGS(1, "client limits CODE [--min-installment AMOUNT] [--max-months N] "
                 "[--settlement-floor-pct P] [--grace-days N]");
  arr_limits_request q = {cli_opt_get(a, "min-installment"), -1, -1, -1};
  if (!cli_int_opt(a, "max-months", 1, 120, &q.max_months) ||
      !cli_int_opt(a, "settlement-floor-pct", 0, 100, &q.floor_pct) ||
      !cli_int_opt(a, "grace-days", 0, 60, &q.grace_days)) {
    return 2;
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_rc r = arr_svc_client_limits_set(svc, a->args[0], &q, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  printf("client %s: arrangement limits set\n", a->args[0]);
  return 0;
}

int cmd_statement_add(cli_args *a) {
  EXPECT_ARGS(1, "statement add ACCOUNT --file STATEMENT.json");
  const char *path = cli_opt_get(a, "file");
  if (path == NULL) {
    return cli_usage("statement add needs --file FILE (a JSON statement)%s", "");
  }
  json_error_t jerr;
  /* A statement is small; anything near the limit is not one. */
  json_t *req = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
  if (req == NULL) {
    fprintf(stderr, "arrears: %s: line %d: %s\n", path, jerr.line, jerr.text);
    return 1;
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    json_decref(req);
    return rc;
  }
  arr_err err;
  int64_t id = 0;
  arr_rc r = arr_svc_statement_add(svc, a->args[0], req, &id, &err);
  arr_svc_close(svc);
  json_decref(req);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  printf("financial statement %lld recorded\n", (long long)id);
  return 0;
}

int cmd_statement_show(cli_args *a) {
  EXPECT_ARGS(1, "statement show ACCOUNT [--json]");
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_statement_show(svc, a->args[0], &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
    json_decref(out);
    return 0;
  }
  char m1[ARR_MONEY_FMT_MAX], m2[ARR_MONEY_FMT_MAX], m3[ARR_MONEY_FMT_MAX];
  json_t *af = json_object_get(out, "affordability");
  if (json_is_null(af)) {
    printf("no financial statement on file\n");
  } else {
    arr_money_format(json_integer_value(json_object_get(af, "income_monthly_cents")), m1);
    arr_money_format(json_integer_value(json_object_get(af, "expenses_monthly_cents")),
                     m2);
    arr_money_format(json_integer_value(json_object_get(af, "disposable_monthly_cents")),
                     m3);
    printf("monthly income %s, expenses %s, disposable %s\n", m1, m2, m3);
  }
  size_t i;
  json_t *o;
  json_array_foreach(json_object_get(out, "options"), i, o) {
    arr_money_format(json_integer_value(json_object_get(o, "total_cents")), m1);
    arr_money_format(json_integer_value(json_object_get(o, "installment_cents")), m2);
    printf("  %-22s %12s = %3lld x %10s %s%s\n",
           json_string_value(json_object_get(o, "kind")), m1,
           (long long)json_integer_value(json_object_get(o, "count")), m2,
           json_is_true(json_object_get(o, "affordable")) ? "affordable"
                                                          : "not affordable",
           json_is_true(json_object_get(o, "within_limits")) ? "" : ", needs approval");
  }
  json_decref(out);
  return 0;
}

int cmd_extension_request(cli_args *a) {
  EXPECT_ARGS(1, "extension request PLAN_ID --kind due_date|re_age --to DATE --reason R");
  const char *kind = cli_opt_get(a, "kind"), *to = cli_opt_get(a, "to");
  const char *reason = cli_opt_get(a, "reason");
  int64_t id = 0;
  if (!id_arg(a->args[0], &id)) {
    return cli_usage("extension request needs a plan id, not \"%s\"", a->args[0]);
  }
  if (kind == NULL || to == NULL || reason == NULL) {
    return cli_usage("extension request needs --kind, --to and --reason%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  int64_t approval = 0;
  arr_rc r = arr_svc_extension_request(svc, id, kind, to, reason, &approval, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  printf("extension requested: approval %lld waits for a supervisor\n",
         (long long)approval);
  return 0;
}
