/*
 * batch-interest.c (bench) — the nightly batch's interest-and-aging part alone, for
 * bench/batch (f): the same service code as `arrears batch run` (chunked prefetch,
 * the read-ahead thread on SQLite, core/interest, one ledger entry per account, the
 * per-chunk commit with the checkpoint) with the other parts switched off (statute of
 * limitations, score, strategy, arrangements), so that it does what the set-based SQL
 * baselines in bench/batch-sql do and nothing more. Not a command of the product: a
 * run with parts off still records its date as done.
 *
 *   bench_batch_interest DB_URL AS_OF [CHUNK]    ARREARS_NOW sets "now"
 *
 * Prints the run's summary and its wall time (the caller times the process too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/service.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: bench_batch_interest DB_URL AS_OF [CHUNK]\n");
    return 2;
  }
  int chunk = argc == 4 ? atoi(argv[3]) : 0;
  arr_svc_options o = {argv[1], NULL, NULL, false};
  arr_svc *svc = NULL;
  arr_err err;
  if (arr_svc_open(&o, &svc, &err) != ARR_OK) {
    fprintf(stderr, "bench_batch_interest: %s\n", err.msg);
    return 1;
  }
  arr_batch_result r;
  double t0 = now_s();
  arr_rc rc = arr_svc_batch_run_steps(svc, argv[2], chunk, ARR_BATCH_INTEREST, NULL, NULL,
                                      &r, &err);
  double t = now_s() - t0;
  arr_svc_close(svc);
  if (rc != ARR_OK) {
    fprintf(stderr, "bench_batch_interest: %s\n", err.msg);
    return 1;
  }
  printf(
      "arrears interest and aging %s: %lld accounts, %lld interest entries (%lld cents)"
      " in %.2f s\n",
      argv[2], (long long)r.accounts, (long long)r.interest_entries,
      (long long)r.interest_cents, t);
  return 0;
}
