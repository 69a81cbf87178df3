/*
 * commands_batch.c — `batch run --as-of DATE [--chunk N] [--workers N] [--json]`: the
 * nightly batch,
 * scheduler-friendly: progress on stderr, a one-line summary (or JSON) on stdout, exit
 * 0 when the date is done, 1 when it failed (run it again: it resumes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/money.h"

static void progress(void *ctx, const arr_batch_result *r) {
  (void)ctx;
  fprintf(stderr, "\rbatch: %lld accounts", (long long)r->accounts);
  fflush(stderr);
}

int cmd_batch_run(cli_args *a) {
  EXPECT_ARGS(0, "batch run --as-of DATE [--chunk N] [--workers N] [--json] [--quiet]");
  const char *as_of = cli_opt_get(a, "as-of");
  bool as_json = cli_flag(a, "json"), quiet = cli_flag(a, "quiet");
  if (as_of == NULL) {
    return cli_usage("batch run needs --as-of DATE%s", "");
  }
  int chunk = 0, workers = 0; /* -1 when absent: the service's defaults */
  if (!cli_int_opt(a, "chunk", 1, 5000, &chunk) ||
      !cli_int_opt(a, "workers", 1, 32, &workers)) {
    return 2;
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_batch_result r;
  arr_batch_options o = {as_of, chunk > 0 ? chunk : 0, ARR_BATCH_ALL,
                         workers > 0 ? workers : 1};
  arr_rc x = arr_svc_batch_run_with(svc, &o, quiet ? NULL : progress, NULL, &r, &err);
  arr_svc_close(svc);
  if (!quiet && r.accounts > 0) {
    fputc('\n', stderr);
  }
  if (x != ARR_OK) {
    return cli_fail(&err);
  }
  json_t *out = json_pack(
      "{s:s,s:I,s:b,s:b,s:I,s:I,s:I,s:I,s:{s:I,s:I,s:I,s:I,s:I}}", "as_of", as_of,
      "run_id", (json_int_t)r.run_id, "resumed", r.resumed, "already_done",
      r.already_done, "accounts", (json_int_t)r.accounts, "interest_entries",
      (json_int_t)r.interest_entries, "interest_cents", (json_int_t)r.interest_cents,
      "time_barred", (json_int_t)r.time_barred, "arrangements", "plans",
      (json_int_t)r.monitor.plans, "promises", (json_int_t)r.monitor.promises,
      "completed", (json_int_t)r.monitor.completed, "broken",
      (json_int_t)r.monitor.broken, "settled", (json_int_t)r.monitor.settled);
  if (as_json) {
    cli_print_json(out);
  } else if (r.already_done) {
    printf("batch %s: already done; nothing changed\n", as_of);
  } else {
    printf("batch %s: %lld accounts, %lld interest entries (%lld.%02lld), %lld "
           "time-barred; %lld plans and %lld promises judged (%lld broken, %lld "
           "settled)%s\n",
           as_of, (long long)r.accounts, (long long)r.interest_entries,
           (long long)(r.interest_cents / 100), (long long)(r.interest_cents % 100),
           (long long)r.time_barred, (long long)r.monitor.plans,
           (long long)r.monitor.promises, (long long)r.monitor.broken,
           (long long)r.monitor.settled, r.resumed ? " (resumed)" : "");
  }
  json_decref(out);
  return 0;
}

int cmd_batch_status(cli_args *a) {
  EXPECT_ARGS(0, "batch status [--as-of DATE] [--json]");
  const char *as_of = cli_opt_get(a, "as-of");
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_batch_status(svc, as_of, &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    long long ranges = json_integer_value(json_object_get(out, "ranges"));
    printf("batch %s: %s (phase %s), %lld accounts, ",
           json_string_value(json_object_get(out, "as_of")),
           json_string_value(json_object_get(out, "status")),
           json_string_value(json_object_get(out, "phase")),
           (long long)json_integer_value(json_object_get(out, "accounts")));
    if (ranges > 0) {
      printf("%lld of %lld ranges of account ids done\n",
             (long long)json_integer_value(json_object_get(out, "ranges_done")), ranges);
    } else {
      printf("through account %lld\n",
             (long long)json_integer_value(json_object_get(out, "last_account_id")));
    }
  }
  json_decref(out);
  return 0;
}

char *cli_read_text_file(const char *path, size_t max, const char **why) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    *why = "cannot be opened";
    return NULL;
  }
  char *buf = malloc(max + 2);
  size_t n = buf != NULL ? fread(buf, 1, max + 1, f) : 0;
  fclose(f);
  if (buf == NULL || n > max) {
    free(buf);
    *why = "is too large";
    return NULL;
  }
  buf[n] = '\0';
  return buf;
}

/* strategy save and strategy check: read --file, open, call, close; *out on success,
 * else the exit status in *status. */
static bool with_strategy_file(cli_args *a, const char *what, const char *note,
                               json_t **out, int *status) {
  const char *path = cli_opt_get(a, "file");
  if (path == NULL) {
    *status = cli_usage("strategy %s needs --file FILE", what);
    return false;
  }
  const char *why = NULL;
  char *text = cli_read_text_file(path, 65536, &why);
  if (text == NULL) {
    fprintf(stderr, "arrears: %s %s\n", path, why);
    *status = 1;
    return false;
  }
  arr_svc *svc = NULL;
  *status = cli_open_checked(a, &svc);
  if (*status != 0) {
    free(text);
    return false;
  }
  arr_err err;
  arr_rc r = strcmp(what, "check") == 0
                 ? arr_svc_strategy_check(svc, text, out, &err)
                 : arr_svc_strategy_save(svc, text, note, out, &err);
  arr_svc_close(svc);
  free(text);
  if (r != ARR_OK) {
    if (strcmp(err.field, "text") == 0) {
      /* A parse error: the file's name before its line and column. */
      fprintf(stderr, "arrears: %s: %s\n", path, err.msg);
      *status = 1;
    } else {
      *status = cli_fail(&err);
    }
    return false;
  }
  return true;
}

int cmd_strategy_save(cli_args *a) {
  EXPECT_ARGS(0, "strategy save --file RULES.txt [--note TEXT]");
  json_t *out = NULL;
  int status = 0;
  if (!with_strategy_file(a, "save", cli_opt_get(a, "note"), &out, &status)) {
    return status;
  }
  printf("strategy %lld saved as version %lld (%lld rules)\n",
         (long long)json_integer_value(json_object_get(out, "id")),
         (long long)json_integer_value(json_object_get(out, "version")),
         (long long)json_integer_value(json_object_get(out, "rules")));
  json_decref(out);
  return 0;
}

int cmd_strategy_check(cli_args *a) {
  EXPECT_ARGS(0, "strategy check --file RULES.txt [--json]");
  json_t *out = NULL;
  int status = 0;
  if (!with_strategy_file(a, "check", NULL, &out, &status)) {
    return status;
  }
  json_t *rules = json_object_get(out, "rules");
  if (cli_flag(a, "json")) {
    cli_print_json(out);
  } else {
    printf("%s: %zu rule%s, nothing saved\n", cli_opt_get(a, "file"),
           json_array_size(rules), json_array_size(rules) == 1 ? "" : "s");
    size_t i;
    json_t *x;
    json_array_foreach(rules, i, x) {
      printf("  line %3lld  %s\n",
             (long long)json_integer_value(json_object_get(x, "line")),
             json_string_value(json_object_get(x, "title")));
    }
  }
  json_decref(out);
  return 0;
}

static bool id_value(const char *s, int64_t *out) {
  char *end = NULL;
  long long v = s != NULL ? strtoll(s, &end, 10) : -1;
  *out = v;
  return s != NULL && s[0] != '\0' && *end == '\0' && v >= 0;
}

int cmd_strategy_assign(cli_args *a) {
  EXPECT_ARGS(0, "strategy assign --champion ID [--challenger ID --pct N]");
  const char *ch = cli_opt_get(a, "champion"), *cl = cli_opt_get(a, "challenger");
  const char *pct_s = cli_opt_get(a, "pct");
  int64_t champion = 0, challenger = 0, pct = 0;
  if (!id_value(ch, &champion) || (cl != NULL && !id_value(cl, &challenger)) ||
      (pct_s != NULL && !id_value(pct_s, &pct))) {
    return cli_usage("strategy assign needs --champion ID (0: built in), and optionally "
                     "--challenger ID --pct N%s",
                     "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_rc r = arr_svc_strategy_assign(svc, champion, challenger, (int)pct, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  printf("champion %lld", (long long)champion);
  if (challenger != 0) {
    printf(", challenger %lld on %lld%% of accounts", (long long)challenger,
           (long long)pct);
  }
  printf("\n");
  return 0;
}

/* The read-only strategy commands share a shape: call, print JSON or a summary. */
static int show_json(cli_args *a, arr_rc (*fn)(arr_svc *, void *, json_t **, arr_err *),
                     void *arg, void (*print)(json_t *)) {
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = fn(svc, arg, &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json || print == NULL) {
    cli_print_json(out);
  } else {
    print(out);
  }
  json_decref(out);
  return 0;
}

static arr_rc list_fn(arr_svc *svc, void *arg, json_t **out, arr_err *err) {
  (void)arg;
  return arr_svc_strategy_list(svc, out, err);
}

static void print_list(json_t *out) {
  size_t i;
  json_t *x;
  json_array_foreach(json_object_get(out, "items"), i, x) {
    printf("%lld  version %lld  %-10s %s  %s  %s\n",
           (long long)json_integer_value(json_object_get(x, "id")),
           (long long)json_integer_value(json_object_get(x, "version")),
           json_string_value(json_object_get(x, "role")),
           json_string_value(json_object_get(x, "created_at")),
           json_string_value(json_object_get(x, "created_by")),
           json_string_value(json_object_get(x, "note")));
  }
  if (json_integer_value(json_object_get(out, "champion_id")) == 0) {
    printf("champion: the built-in strategy (strategy show 0)%s\n",
           json_is_null(json_object_get(out, "assigned_by"))
               ? ", the default until a supervisor assigns one"
               : "");
  }
  if (!json_is_null(json_object_get(out, "assigned_by"))) {
    printf("assigned by %s at %s\n",
           json_string_value(json_object_get(out, "assigned_by")),
           json_string_value(json_object_get(out, "assigned_at")));
  }
}

int cmd_strategy_list(cli_args *a) {
  EXPECT_ARGS(0, "strategy list [--json]");
  return show_json(a, list_fn, NULL, print_list);
}

static arr_rc show_fn(arr_svc *svc, void *arg, json_t **out, arr_err *err) {
  return arr_svc_strategy_show(svc, *(int64_t *)arg, out, err);
}

static void print_show(json_t *out) {
  fputs(json_string_value(json_object_get(out, "text")), stdout);
}

int cmd_strategy_show(cli_args *a) {
  EXPECT_ARGS(1, "strategy show ID [--json]   (0: the built-in strategy)");
  int64_t id = 0;
  if (!id_value(a->args[0], &id)) {
    return cli_usage("strategy show needs an id, not \"%s\"", a->args[0]);
  }
  return show_json(a, show_fn, &id, print_show);
}

typedef struct {
  const char *from, *to;
} span;

static arr_rc report_fn(arr_svc *svc, void *arg, json_t **out, arr_err *err) {
  const span *s = arg;
  return arr_svc_strategy_report(svc, s->from, s->to, out, err);
}

static void print_report(json_t *out) {
  printf("%s to %s: collected over the balance at the start plus what was placed\n",
         json_string_value(json_object_get(out, "from")),
         json_string_value(json_object_get(out, "to")));
  printf("version  arm         accounts  balance at start  placed in period"
         "      collected  liquidation\n");
  size_t i;
  json_t *x;
  json_array_foreach(json_object_get(out, "items"), i, x) {
    int64_t bp = json_integer_value(json_object_get(x, "liquidation_bp"));
    char start[32], placed[32], paid[32];
    arr_money_format(json_integer_value(json_object_get(x, "balance_at_start_cents")),
                     start);
    arr_money_format(json_integer_value(json_object_get(x, "placed_in_period_cents")),
                     placed);
    arr_money_format(json_integer_value(json_object_get(x, "collected_cents")), paid);
    printf("%7lld  %-10s %9lld %17s %17s %14s  %4lld.%02lld%%\n",
           (long long)json_integer_value(json_object_get(x, "strategy_version")),
           json_string_value(json_object_get(x, "arm")),
           (long long)json_integer_value(json_object_get(x, "accounts")), start, placed,
           paid, (long long)(bp / 100), (long long)(bp % 100));
  }
}

int cmd_strategy_report(cli_args *a) {
  EXPECT_ARGS(0, "strategy report --from DATE --to DATE [--json]");
  span s = {cli_opt_get(a, "from"), cli_opt_get(a, "to")};
  return show_json(a, report_fn, &s, print_report);
}

typedef struct {
  const char *as_of, *kind;
  int64_t after;
  int limit;
} actions_arg;

static arr_rc actions_fn(arr_svc *svc, void *arg, json_t **out, arr_err *err) {
  const actions_arg *x = arg;
  return arr_svc_batch_actions(svc, x->as_of, x->kind, x->after, x->limit, out, err);
}

static void print_actions(json_t *out) {
  size_t i;
  json_t *x;
  json_array_foreach(json_object_get(out, "items"), i, x) {
    printf("%lld  %-10s %-24s %s\n",
           (long long)json_integer_value(json_object_get(x, "account_id")),
           json_string_value(json_object_get(x, "kind")),
           json_string_value(json_object_get(x, "name")),
           json_string_value(json_object_get(x, "rule")));
  }
  json_t *next = json_object_get(out, "next_after");
  if (json_is_integer(next)) {
    fprintf(stderr, "(%lld actions in all; the next page: --after %lld)\n",
            (long long)json_integer_value(json_object_get(out, "total")),
            (long long)json_integer_value(next));
  }
}

int cmd_batch_actions(cli_args *a) {
  EXPECT_ARGS(0,
              "batch actions --as-of DATE [--kind letter|email|skip_trace|escalate|hold] "
              "[--after ACCOUNT_ID] [--limit N] [--json]");
  actions_arg x = {cli_opt_get(a, "as-of"), cli_opt_get(a, "kind"), 0, 0};
  const char *after = cli_opt_get(a, "after");
  if (after != NULL && !id_value(after, &x.after)) {
    return cli_usage("--after must be an account id%s", "");
  }
  if (!cli_int_opt(a, "limit", 1, 10000, &x.limit)) {
    return 2;
  }
  x.limit = x.limit > 0 ? x.limit : 0;
  return show_json(a, actions_fn, &x, print_actions);
}

int cmd_score_train(cli_args *a) {
  EXPECT_ARGS(0, "score train [--as-of DATE] [--holdout-pct N] [--json]");
  const char *as_of = cli_opt_get(a, "as-of"), *pct_s = cli_opt_get(a, "holdout-pct");
  bool as_json = cli_flag(a, "json");
  int64_t pct = 20;
  if (pct_s != NULL && !id_value(pct_s, &pct)) {
    return cli_usage("--holdout-pct must be a whole number%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_score_train(svc, as_of, (int)pct, &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    int64_t auc = json_integer_value(json_object_get(out, "auc_e4"));
    printf("score model %lld: trained on %lld accounts (%lld paid within 30 days), "
           "AUC %lld.%04lld on %lld held out\n",
           (long long)json_integer_value(json_object_get(out, "id")),
           (long long)json_integer_value(json_object_get(out, "n_train")),
           (long long)json_integer_value(json_object_get(out, "positives")),
           (long long)(auc / 10000), (long long)(auc % 10000),
           (long long)json_integer_value(json_object_get(out, "n_test")));
  }
  json_decref(out);
  return 0;
}
