/*
 * commands_batch.c — `batch run --as-of DATE [--chunk N] [--json]`: the nightly batch,
 * scheduler-friendly: progress on stderr, a one-line summary (or JSON) on stdout, exit
 * 0 when the date is done, 1 when it failed (run it again: it resumes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void progress(void *ctx, const arr_batch_result *r) {
  (void)ctx;
  fprintf(stderr, "\rbatch: %lld accounts", (long long)r->accounts);
  fflush(stderr);
}

int cmd_batch_run(cli_args *a) {
  EXPECT_ARGS(0, "batch run --as-of DATE [--chunk N] [--json] [--quiet]");
  const char *as_of = cli_opt_get(a, "as-of"), *chunk_s = cli_opt_get(a, "chunk");
  bool as_json = cli_flag(a, "json"), quiet = cli_flag(a, "quiet");
  if (as_of == NULL) {
    return cli_usage("batch run needs --as-of DATE%s", "");
  }
  int chunk = 0;
  if (chunk_s != NULL) {
    char *end = NULL;
    long v = strtol(chunk_s, &end, 10);
    if (chunk_s[0] == '\0' || *end != '\0' || v < 1 || v > 5000) {
      return cli_usage("--chunk must be a whole number from 1 to 5000%s", "");
    }
    chunk = (int)v;
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_batch_result r;
  arr_rc x =
      arr_svc_batch_run(svc, as_of, chunk, quiet ? NULL : progress, NULL, &r, &err);
  arr_svc_close(svc);
  if (!quiet && r.accounts > 0) {
    fputc('\n', stderr);
  }
  if (x != ARR_OK) {
    return cli_fail(&err);
  }
  json_t *o = json_pack(
      "{s:s,s:I,s:b,s:b,s:I,s:I,s:I,s:I,s:{s:I,s:I,s:I,s:I,s:I}}", "as_of", as_of,
      "run_id", (json_int_t)r.run_id, "resumed", r.resumed, "already_done",
      r.already_done, "accounts", (json_int_t)r.accounts, "interest_entries",
      (json_int_t)r.interest_entries, "interest_cents", (json_int_t)r.interest_cents,
      "time_barred", (json_int_t)r.time_barred, "arrangements", "plans",
      (json_int_t)r.monitor.plans, "promises", (json_int_t)r.monitor.promises,
      "completed", (json_int_t)r.monitor.completed, "broken",
      (json_int_t)r.monitor.broken, "settled", (json_int_t)r.monitor.settled);
  if (as_json) {
    cli_print_json(o);
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
  json_decref(o);
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
    printf("batch %s: %s (phase %s), %lld accounts, through account %lld\n",
           json_string_value(json_object_get(out, "as_of")),
           json_string_value(json_object_get(out, "status")),
           json_string_value(json_object_get(out, "phase")),
           (long long)json_integer_value(json_object_get(out, "accounts")),
           (long long)json_integer_value(json_object_get(out, "last_account_id")));
  }
  json_decref(out);
  return 0;
}
