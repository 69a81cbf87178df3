/*
 * commands.c — one handler per CLI command. Each reads its arguments, rejects unknown
 * options before touching the database, calls one service function and prints the
 * result as text (for people) or JSON (--json, for programs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/money.h"

/* Common prologue: exact positional count, then the global options, then unknowns. */

static void fmt_money(int64_t cents, char *buf) {
  arr_money_format(cents, buf);
}

int cmd_init(cli_args *a) {
  EXPECT_ARGS(0, "init");
  arr_svc_options o;
  cli_svc_options(a, &o);
  o.create_key = true;
  int rc = cli_check_unused(a);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  int version = 0;
  char key_path[1024];
  if (arr_svc_init(&o, &version, key_path, sizeof key_path, &err) != ARR_OK) {
    return cli_fail(&err);
  }
  printf("database ready (schema version %d); PII key in %s\n", version, key_path);
  return 0;
}

static void demo_progress(void *ctx, int64_t done, int64_t total) {
  (void)ctx;
  if (total >= 50000) {
    fprintf(stderr, "\rdemo: %lld of %lld accounts", (long long)done, (long long)total);
    if (done == total) {
      fputc('\n', stderr);
    }
  }
}

int cmd_demo(cli_args *a) {
  EXPECT_ARGS(0, "demo [--accounts N] [--seed S]");
  const char *n_s = cli_opt_get(a, "accounts");
  const char *seed_s = cli_opt_get(a, "seed");
  char *end = NULL;
  long long n = 1000, seed = 1;
  if (n_s != NULL && ((n = strtoll(n_s, &end, 10)) <= 0 || *end != '\0')) {
    return cli_usage("--accounts must be a positive number, not \"%s\"", n_s);
  }
  if (seed_s != NULL && ((seed = strtoll(seed_s, &end, 10)) < 0 || *end != '\0')) {
    return cli_usage("--seed must be a non-negative number, not \"%s\"", seed_s);
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  arr_demo_result res;
  if (arr_svc_demo(svc, n, (uint64_t)seed, demo_progress, NULL, &res, &err) != ARR_OK) {
    arr_svc_close(svc);
    return cli_fail(&err);
  }
  arr_svc_close(svc);
  printf("demo portfolio (seed %lld): %lld clients, %lld users, %lld debtors, %lld "
         "accounts, "
         "%lld payments, %lld calls\n",
         seed, (long long)res.clients, (long long)res.users, (long long)res.debtors,
         (long long)res.accounts, (long long)res.payments, (long long)res.contacts);
  return 0;
}

int cmd_client_add(cli_args *a) {
  EXPECT_ARGS(1,
              "client add CODE --name NAME [--commission-pct P] [--allocation-order O]");
  const char *name = cli_opt_get(a, "name");
  const char *pct = cli_opt_get(a, "commission-pct");
  const char *order = cli_opt_get(a, "allocation-order");
  if (name == NULL) {
    return cli_usage("client add needs --name%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  int64_t id = 0;
  if (arr_svc_client_add(svc, a->args[0], name, pct, order, &id, &err) != ARR_OK) {
    arr_svc_close(svc);
    return cli_fail(&err);
  }
  arr_svc_close(svc);
  printf("client %s added (id %lld)\n", a->args[0], (long long)id);
  return 0;
}

int cmd_client_list(cli_args *a) {
  EXPECT_ARGS(0, "client list [--json]");
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  json_t *list = NULL;
  if (arr_svc_client_list(svc, &list, &err) != ARR_OK) {
    arr_svc_close(svc);
    return cli_fail(&err);
  }
  arr_svc_close(svc);
  if (as_json) {
    cli_print_json(list);
  } else {
    size_t i;
    json_t *c;
    printf("%-10s %-36s %10s  %s\n", "CODE", "NAME", "COMMISSION", "ALLOCATION ORDER");
    json_array_foreach(list, i, c) {
      printf("%-10s %-36s %9s%%  %s\n", json_string_value(json_object_get(c, "code")),
             json_string_value(json_object_get(c, "name")),
             json_string_value(json_object_get(c, "commission_pct")),
             json_string_value(json_object_get(c, "allocation_order")));
    }
  }
  json_decref(list);
  return 0;
}

static void print_reject(void *ctx, const char *msg) {
  (void)ctx;
  fprintf(stderr, "%s\n", msg);
}

static void print_progress(void *ctx, int64_t rows, uint64_t done, uint64_t total) {
  (void)ctx;
  if (total >= 4u << 20 && isatty(2)) {
    fprintf(stderr, "\r%lld rows (%.0f%%)", (long long)rows,
            total ? 100.0 * (double)done / (double)total : 0.0);
  } else if (total >= 4u << 20) {
    fprintf(stderr, "%lld rows, %llu of %llu bytes\n", (long long)rows,
            (unsigned long long)done, (unsigned long long)total);
  }
}

int cmd_import_placements(cli_args *a) {
  EXPECT_ARGS(1, "import placements FILE --client CODE [--rejects FILE] [--json]");
  const char *client = cli_opt_get(a, "client");
  const char *rejects = cli_opt_get(a, "rejects");
  bool as_json = cli_flag(a, "json");
  if (client == NULL) {
    return cli_usage("import placements needs --client CODE%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_import_hooks hooks = {print_reject, print_progress, NULL, rejects};
  arr_import_result res;
  arr_err err;
  arr_err_clear(&err);
  arr_rc r = arr_svc_import_placements(svc, a->args[0], client, &hooks, &res, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (isatty(2) && res.read > 0) {
    fputc('\n', stderr);
  }
  if (as_json) {
    json_t *j = json_pack(
        "{s:I,s:I,s:I,s:I,s:I}", "placement_id", (json_int_t)res.placement_id, "read",
        (json_int_t)res.read, "loaded", (json_int_t)res.loaded, "duplicates",
        (json_int_t)res.duplicates, "rejected", (json_int_t)res.rejected);
    cli_print_json(j);
    json_decref(j);
  } else {
    printf("read %lld rows: loaded %lld, already present %lld, rejected %lld\n",
           (long long)res.read, (long long)res.loaded, (long long)res.duplicates,
           (long long)res.rejected);
  }
  return 0;
}

int cmd_import_payments(cli_args *a) {
  EXPECT_ARGS(1, "import payments FILE --client CODE [--rejects FILE] [--json]");
  const char *client = cli_opt_get(a, "client");
  const char *rejects = cli_opt_get(a, "rejects");
  bool as_json = cli_flag(a, "json");
  if (client == NULL) {
    return cli_usage("import payments needs --client CODE%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_import_hooks hooks = {print_reject, print_progress, NULL, rejects};
  arr_payfile_result res;
  arr_err err;
  arr_err_clear(&err);
  arr_rc r = arr_svc_import_payments(svc, a->args[0], client, &hooks, &res, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    json_t *j =
        json_pack("{s:I,s:I,s:I,s:I}", "read", (json_int_t)res.read, "posted",
                  (json_int_t)res.posted, "duplicates", (json_int_t)res.duplicates,
                  "rejected", (json_int_t)res.rejected);
    cli_print_json(j);
    json_decref(j);
  } else {
    printf("read %lld rows: posted %lld, already posted %lld, rejected %lld\n",
           (long long)res.read, (long long)res.posted, (long long)res.duplicates,
           (long long)res.rejected);
  }
  return 0;
}

static const char *js(json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  return s != NULL ? s : "-";
}

static void print_balance_line(const char *label, json_t *bal, const char *key) {
  char buf[ARR_MONEY_FMT_MAX];
  fmt_money(json_integer_value(json_object_get(bal, key)), buf);
  printf("  %-10s %14s\n", label, buf);
}

static void print_account_text(json_t *acct) {
  json_t *d = json_object_get(acct, "debtor");
  json_t *bal = json_object_get(acct, "balance_cents");
  printf("Account %lld  %s:%s  [%s]\n",
         (long long)json_integer_value(json_object_get(acct, "id")), js(acct, "client"),
         js(acct, "client_account"), js(acct, "status"));
  printf("Debtor  %s (id %lld)  SSN %s  DOB %s  language %s\n", js(d, "name"),
         (long long)json_integer_value(json_object_get(d, "id")), js(d, "ssn"),
         js(d, "dob"), js(d, "language"));
  printf(
      "Original creditor %s; type %s; placed %s; first delinquency %s; last payment %s\n",
      js(acct, "original_creditor"), js(acct, "account_type"), js(acct, "placed_on"),
      js(acct, "first_delinquency_on"), js(acct, "last_payment_on"));
  json_t *as_of = json_object_get(acct, "as_of");
  printf("Balance (%s%s)\n", json_is_string(as_of) ? "as of " : "current",
         json_is_string(as_of) ? json_string_value(as_of) : "");
  print_balance_line("principal", bal, "principal");
  print_balance_line("interest", bal, "interest");
  print_balance_line("fees", bal, "fees");
  print_balance_line("costs", bal, "costs");
  print_balance_line("credit", bal, "credit");
  print_balance_line("total", bal, "total");
  json_t *ledger = json_object_get(acct, "ledger");
  size_t i;
  json_t *e;
  if (json_array_size(ledger) > 0) {
    printf("Ledger\n  %-6s %-10s %-11s %12s %12s %12s %12s %12s\n", "ID", "DATE", "KIND",
           "PRINCIPAL", "INTEREST", "FEES", "COSTS", "CREDIT");
  }
  json_array_foreach(ledger, i, e) {
    char p[ARR_MONEY_FMT_MAX], in[ARR_MONEY_FMT_MAX], f[ARR_MONEY_FMT_MAX],
        c[ARR_MONEY_FMT_MAX], cr[ARR_MONEY_FMT_MAX];
    fmt_money(json_integer_value(json_object_get(e, "principal_cents")), p);
    fmt_money(json_integer_value(json_object_get(e, "interest_cents")), in);
    fmt_money(json_integer_value(json_object_get(e, "fees_cents")), f);
    fmt_money(json_integer_value(json_object_get(e, "costs_cents")), c);
    fmt_money(json_integer_value(json_object_get(e, "credit_cents")), cr);
    printf("  %-6lld %-10s %-11s %12s %12s %12s %12s %12s\n",
           (long long)json_integer_value(json_object_get(e, "id")), js(e, "effective_on"),
           js(e, "kind"), p, in, f, c, cr);
  }
  if (json_is_true(json_object_get(acct, "ledger_truncated"))) {
    printf("  (only the first %zu entries are shown)\n", json_array_size(ledger));
  }
  json_t *pays = json_object_get(acct, "payments");
  if (json_array_size(pays) > 0) {
    printf("Payments\n");
  }
  json_array_foreach(pays, i, e) {
    char amt[ARR_MONEY_FMT_MAX];
    fmt_money(json_integer_value(json_object_get(e, "amount_cents")), amt);
    printf("  %-6lld %-10s %12s %-6s %-9s %s\n",
           (long long)json_integer_value(json_object_get(e, "id")), js(e, "effective_on"),
           amt, js(e, "method"), js(e, "status"), js(e, "reference"));
  }
  json_t *addrs = json_object_get(acct, "addresses");
  json_array_foreach(addrs, i, e) {
    printf("Address %s, %s %s %s  [%s, %s]\n", js(e, "line1"), js(e, "city"),
           js(e, "state"), js(e, "zip"), js(e, "status"), js(e, "source"));
  }
  json_array_foreach(json_object_get(acct, "phones"), i, e) {
    const char *num = js(e, "number");
    if (strlen(num) == 10) {
      printf("Phone   (%.3s) %.3s-%.4s %s  [%s, consent %s]\n", num, num + 3, num + 6,
             js(e, "type"), js(e, "status"), js(e, "consent"));
    } else {
      printf("Phone   %s %s  [%s, consent %s]\n", num, js(e, "type"), js(e, "status"),
             js(e, "consent"));
    }
  }
  json_array_foreach(json_object_get(acct, "emails"), i, e) {
    printf("Email   %s  [%s]\n", js(e, "address"), js(e, "status"));
  }
}

int cmd_account_show(cli_args *a) {
  EXPECT_ARGS(1, "account show ACCOUNT [--as-of DATE] [--reveal] [--json]");
  arr_show_options so = {cli_opt_get(a, "as-of"), cli_flag(a, "reveal"), true};
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  json_t *acct = NULL;
  arr_rc r = arr_svc_account_show(svc, a->args[0], &so, &acct, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(acct);
  } else {
    print_account_text(acct);
  }
  json_decref(acct);
  return 0;
}

int cmd_account_list(cli_args *a) {
  EXPECT_ARGS(
      0, "account list [--client CODE] [--status S] [--limit N] [--after ID] [--json]");
  arr_list_options lo = {cli_opt_get(a, "client"), cli_opt_get(a, "status"), 0, 100};
  const char *limit = cli_opt_get(a, "limit");
  const char *after = cli_opt_get(a, "after");
  bool as_json = cli_flag(a, "json");
  char *end = NULL;
  if (limit != NULL && ((lo.limit = (int)strtol(limit, &end, 10)) < 1 || *end != '\0' ||
                        lo.limit > 1000)) {
    return cli_usage("--limit must be a number from 1 to 1000, not \"%s\"", limit);
  }
  if (after != NULL && ((lo.after_id = strtoll(after, &end, 10)) < 0 || *end != '\0')) {
    return cli_usage("--after must be an account id, not \"%s\"", after);
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  json_t *list = NULL;
  arr_rc r = arr_svc_account_list(svc, &lo, &list, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(list);
  } else {
    printf("%-8s %-8s %-16s %-28s %-7s %12s\n", "ID", "CLIENT", "CLIENT ACCOUNT",
           "DEBTOR", "STATUS", "BALANCE");
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o) {
      char bal[ARR_MONEY_FMT_MAX];
      fmt_money(json_integer_value(
                    json_object_get(json_object_get(o, "balance_cents"), "total")),
                bal);
      printf("%-8lld %-8s %-16s %-28.28s %-7s %12s\n",
             (long long)json_integer_value(json_object_get(o, "id")), js(o, "client"),
             js(o, "client_account"), js(json_object_get(o, "debtor"), "name"),
             js(o, "status"), bal);
    }
  }
  json_decref(list);
  return 0;
}

int cmd_account_adjust(cli_args *a) {
  EXPECT_ARGS(1, "account adjust ACCOUNT --bucket B --amount AMOUNT --reason TEXT");
  const char *bucket = cli_opt_get(a, "bucket");
  const char *amount = cli_opt_get(a, "amount");
  const char *reason = cli_opt_get(a, "reason");
  if (bucket == NULL || amount == NULL || reason == NULL) {
    return cli_usage("account adjust needs --bucket, --amount and --reason%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  int64_t entry = 0;
  arr_rc r = arr_svc_adjust(svc, a->args[0], bucket, amount, reason, &entry, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  printf("adjustment posted (ledger entry %lld)\n", (long long)entry);
  return 0;
}

static json_t *pay_json(const arr_pay_result *res) {
  return json_pack("{s:I,s:I,s:b,s:o,s:o,s:s}", "payment_id", (json_int_t)res->payment_id,
                   "account_id", (json_int_t)res->account_id, "duplicate", res->duplicate,
                   "applied_cents", svc_balance_json_public(&res->applied),
                   "balance_cents", svc_balance_json_public(&res->balance), "currency",
                   "USD");
}

/* Movements are shown as positive amounts: what the payment paid off, or what the
 * reversal put back. Credit is money the debtor paid beyond the balance. */
static void print_pay_text(bool reversal, const arr_pay_result *res) {
  char total[ARR_MONEY_FMT_MAX], b[ARR_BUCKETS][ARR_MONEY_FMT_MAX];
  int64_t t = 0;
  arr_balance_total(&res->balance, &t);
  fmt_money(t, total);
  for (int i = 0; i < ARR_BUCKETS; i++) {
    int64_t v = reversal ? res->applied.cents[i] : -res->applied.cents[i];
    fmt_money(v, b[i]);
  }
  printf("payment %lld %s account %lld: %s principal %s, interest %s, fees %s, costs %s; "
         "credit %s %s; balance now %s\n",
         (long long)res->payment_id, reversal ? "reversed on" : "posted to",
         (long long)res->account_id, reversal ? "restored" : "paid",
         b[ARR_BUCKET_PRINCIPAL], b[ARR_BUCKET_INTEREST], b[ARR_BUCKET_FEES],
         b[ARR_BUCKET_COSTS], reversal ? "taken back" : "kept", b[ARR_BUCKET_CREDIT],
         total);
}

int cmd_pay(cli_args *a) {
  EXPECT_ARGS(
      2, "pay ACCOUNT AMOUNT [--method M] [--date DATE] [--ref R] [--key K] [--json]");
  arr_pay_request req = {a->args[0],
                         a->args[1],
                         cli_opt_get(a, "method"),
                         cli_opt_get(a, "date"),
                         cli_opt_get(a, "ref"),
                         cli_opt_get(a, "key")};
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  arr_pay_result res;
  arr_rc r = arr_svc_pay(svc, &req, &res, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    json_t *j = pay_json(&res);
    cli_print_json(j);
    json_decref(j);
  } else if (res.duplicate) {
    printf("payment %lld already posted with key %s; nothing changed\n",
           (long long)res.payment_id, req.key);
  } else {
    print_pay_text(false, &res);
  }
  return 0;
}

int cmd_payment_reverse(cli_args *a) {
  EXPECT_ARGS(1, "payment reverse PAYMENT_ID --reason CODE [--json]");
  const char *reason = cli_opt_get(a, "reason");
  bool as_json = cli_flag(a, "json");
  if (reason == NULL) {
    return cli_usage(
        "payment reverse needs --reason (nsf, chargeback, stop_payment, error)%s", "");
  }
  char *end = NULL;
  long long id = strtoll(a->args[0], &end, 10);
  if (id <= 0 || *end != '\0') {
    return cli_usage("PAYMENT_ID must be a payment id, not \"%s\"", a->args[0]);
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  arr_pay_result res;
  arr_rc r = arr_svc_payment_reverse(svc, id, reason, &res, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    json_t *j = pay_json(&res);
    cli_print_json(j);
    json_decref(j);
  } else {
    print_pay_text(true, &res);
  }
  return 0;
}

int cmd_note_add(cli_args *a) {
  EXPECT_ARGS(2, "note add ACCOUNT TEXT");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  int64_t id = 0;
  arr_rc r = arr_svc_note_add(svc, a->args[0], a->args[1], &id, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  printf("note %lld added\n", (long long)id);
  return 0;
}

static void print_problem(void *ctx, const char *msg) {
  json_t *list = ctx;
  if (list != NULL) {
    json_array_append_new(list, json_string(msg));
  } else {
    printf("%s\n", msg);
  }
}

int cmd_audit_verify(cli_args *a) {
  EXPECT_ARGS(0, "audit verify [--json]");
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  arr_verify_result res;
  json_t *problems = as_json ? json_array() : NULL;
  arr_rc r = arr_svc_audit_verify(svc, print_problem, problems, &res, &err);
  arr_svc_close(svc);
  if (r != ARR_OK && r != ARR_ERR_INTEGRITY) {
    json_decref(problems);
    return cli_fail(&err);
  }
  if (as_json) {
    json_t *j = json_pack("{s:b,s:I,s:I,s:I,s:o}", "ok", r == ARR_OK, "events_verified",
                          (json_int_t)res.events_checked, "accounts_verified",
                          (json_int_t)res.accounts_checked, "entries_verified",
                          (json_int_t)res.entries_checked, "problems", problems);
    cli_print_json(j);
    json_decref(j);
  } else {
    printf("audit chain: %lld events verified\n", (long long)res.events_checked);
    printf("ledger: %lld accounts verified (%lld entries)\n",
           (long long)res.accounts_checked, (long long)res.entries_checked);
  }
  if (r == ARR_ERR_INTEGRITY) {
    fprintf(stderr, "arrears: %s\n", err.msg);
    return 1;
  }
  return 0;
}

/* ---- contact points ---- */

static int done_id(arr_svc *svc, arr_rc r, const arr_err *err, const char *what,
                   int64_t id) {
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(err);
  }
  printf("%s %lld\n", what, (long long)id);
  return 0;
}

int cmd_address_add(cli_args *a) {
  EXPECT_ARGS(1, "address add ACCOUNT --line1 L [--line2 L] --city C --state S --zip Z "
                 "[--source S]");
  arr_address_input in = {cli_opt_get(a, "line1"), cli_opt_get(a, "line2"),
                          cli_opt_get(a, "city"),  cli_opt_get(a, "state"),
                          cli_opt_get(a, "zip"),   cli_opt_get(a, "source")};
  if (in.line1 == NULL || in.city == NULL || in.state == NULL || in.zip == NULL) {
    return cli_usage("address add needs --line1, --city, --state and --zip%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  int64_t id = 0;
  arr_rc r = arr_svc_address_add(svc, a->args[0], &in, &id, &err);
  return done_id(svc, r, &err, "address added:", id);
}

int cmd_phone_add(cli_args *a) {
  EXPECT_ARGS(2, "phone add ACCOUNT NUMBER [--type mobile|home|work|other] "
                 "[--consent granted|revoked|unknown] [--source S]");
  const char *type = cli_opt_get(a, "type"), *consent = cli_opt_get(a, "consent"),
             *source = cli_opt_get(a, "source");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  int64_t id = 0;
  arr_rc r =
      arr_svc_phone_add(svc, a->args[0], a->args[1], type, consent, source, &id, &err);
  return done_id(svc, r, &err, "phone added:", id);
}

int cmd_email_add(cli_args *a) {
  EXPECT_ARGS(
      2, "email add ACCOUNT ADDRESS [--consent granted|revoked|unknown] [--source S]");
  const char *consent = cli_opt_get(a, "consent"), *source = cli_opt_get(a, "source");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  int64_t id = 0;
  arr_rc r = arr_svc_email_add(svc, a->args[0], a->args[1], consent, source, &id, &err);
  return done_id(svc, r, &err, "email added:", id);
}

static int point_update(cli_args *a, const char *kind) {
  if (a->nargs != 1) {
    return cli_usage(
        "usage: arrears %s update ID [--status S] [--consent C] [--source S]", kind);
  }
  const char *status = cli_opt_get(a, "status"), *consent = cli_opt_get(a, "consent"),
             *source = cli_opt_get(a, "source");
  char *end = NULL;
  long long id = strtoll(a->args[0], &end, 10);
  if (id <= 0 || *end != '\0') {
    return cli_usage("ID must be a number, not \"%s\"", a->args[0]);
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  arr_rc r = arr_svc_point_update(svc, kind, id, status, consent, source, &err);
  char what[32];
  snprintf(what, sizeof what, "%s updated:", kind);
  return done_id(svc, r, &err, what, id);
}

int cmd_address_update(cli_args *a) {
  return point_update(a, "address");
}
int cmd_phone_update(cli_args *a) {
  return point_update(a, "phone");
}
int cmd_email_update(cli_args *a) {
  return point_update(a, "email");
}

int cmd_user_add(cli_args *a) {
  EXPECT_ARGS(1, "user add USERNAME --name NAME --role ROLE [--client CODE]");
  const char *name = cli_opt_get(a, "name"), *role = cli_opt_get(a, "role"),
             *client = cli_opt_get(a, "client");
  if (name == NULL || role == NULL) {
    return cli_usage("user add needs --name and --role%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_err_clear(&err);
  int64_t id = 0;
  arr_rc r = arr_svc_user_add(svc, a->args[0], name, role, client, &id, &err);
  return done_id(svc, r, &err, "user added:", id);
}
