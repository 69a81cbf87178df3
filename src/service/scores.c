/*
 * scores.c — the propensity-to-pay model (core/score) trained on the portfolio's own
 * history and used by the nightly batch.
 *
 * Training looks back: features are taken as of the end of day R = as_of - 30, and the
 * label is whether a payment came in during (R, as_of]. Accounts in the hash-chosen
 * held-out set are not trained on; the model's AUC is measured on them and kept with
 * it. The nightly batch scores every account with the newest model, features as of
 * its date; the score (0..1000) orders the work queue within a strategy priority.
 * The features are those of score.h's arr_score_feature, built here from a store row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/score.h"
#include "service/internal.h"

enum { LABEL_DAYS = 30, CHUNK = 2000, MAX_ROWS = 2000000 };

static double log1p_approx(double x) {
  /* log1p for x >= 0 without libm (the pure library does not link it): a few Newton
   * steps on exp(y) = 1 + x from a bit-level first guess are exact enough for a
   * ranking feature. */
  if (x <= 0) {
    return 0;
  }
  double v = 1 + x, y = 0;
  while (v > 2) {
    v /= 2.718281828459045;
    y += 1;
  }
  /* ln(v) for v in (1, 2] by its series in t = (v-1)/(v+1). */
  double t = (v - 1) / (v + 1), t2 = t * t, sum = 0, term = t;
  for (int k = 1; k < 40; k += 2) {
    sum += term / k;
    term *= t2;
  }
  return y + 2 * sum;
}

void svc_score_features(const arr_score_row *r, arr_date ref, double *x) {
  double balance = r->balance_cents > 0 ? (double)r->balance_cents / 100 : 0;
  int placed_days =
      r->placed_on != ARR_DATE_NONE && ref > r->placed_on ? ref - r->placed_on : 0;
  bool never = r->last_payment_on == ARR_DATE_NONE;
  int since = never ? 730 : ref - r->last_payment_on;
  x[ARR_SF_LOG_BALANCE] = log1p_approx(balance);
  x[ARR_SF_LOG_DAYS_PLACED] = log1p_approx(placed_days);
  x[ARR_SF_DAYS_SINCE_PAYMENT] = since > 730 ? 730 : since < 0 ? 0 : since;
  x[ARR_SF_NEVER_PAID] = never ? 1 : 0;
  x[ARR_SF_PAYMENTS_COUNT] = log1p_approx((double)r->payments);
  x[ARR_SF_RPC_90D] = r->rpc_90d > 10 ? 10 : (double)r->rpc_90d;
  x[ARR_SF_PROMISES_KEPT] =
      r->promises > 0 ? (double)r->promises_kept / (double)r->promises : 0.5;
  x[ARR_SF_HAS_PHONE] = r->has_phone;
  x[ARR_SF_HAS_EMAIL] = r->has_email;
  x[ARR_SF_TYPE_MEDICAL] = strcmp(r->account_type, "medical") == 0;
  x[ARR_SF_TYPE_UTILITY] =
      strcmp(r->account_type, "utility") == 0 || strcmp(r->account_type, "telecom") == 0;
  x[ARR_SF_TYPE_CREDIT_CARD] = strcmp(r->account_type, "credit_card") == 0;
  x[ARR_SF_TYPE_AUTO] = strcmp(r->account_type, "auto") == 0;
  x[ARR_SF_DISPUTED] = r->disputed;
}

arr_rc svc_score_rows(arr_db *db, int64_t first, int64_t last, arr_date ref,
                      arr_date label_end, bool contact_points, bool balance_after,
                      arr_score_row *out, int cap, int *n, arr_err *err) {
  char end[ARR_TIME_FMT_MAX], from[ARR_TIME_FMT_MAX];
  arr_time_format_utc((arr_time)(ref + 1) * 86400 - 1, end);
  arr_time_format_utc((arr_time)(ref - 90 + 1) * 86400 - 1, from);
  return arr_store_score_rows(db, first, last, ref, end, from, label_end, contact_points,
                              balance_after, out, cap, n, err);
}

static json_t *doubles(const double *v, int n) {
  json_t *a = json_array();
  for (int i = 0; i < n; i++) {
    json_array_append_new(a, json_real(v[i]));
  }
  return a;
}

bool svc_score_model_load(const char *text, arr_score_model *m) {
  json_t *j = json_loads(text, 0, NULL);
  bool ok = j != NULL;
  memset(m, 0, sizeof *m);
  m->d = ok ? (int)json_integer_value(json_object_get(j, "d")) : 0;
  ok = ok && m->d == ARR_SF_COUNT;
  static const char *const KEYS[] = {"mean", "sd", "w"};
  double *dst[] = {m->mean, m->sd, m->w};
  for (int k = 0; ok && k < 3; k++) {
    json_t *a = json_object_get(j, KEYS[k]);
    ok = json_is_array(a) && (int)json_array_size(a) == m->d;
    for (int i = 0; ok && i < m->d; i++) {
      dst[k][i] = json_number_value(json_array_get(a, (size_t)i));
    }
  }
  m->bias = ok ? json_number_value(json_object_get(j, "bias")) : 0;
  json_decref(j);
  return ok;
}

arr_rc arr_svc_score_train(arr_svc *svc, const char *as_of, int holdout_pct, json_t **out,
                           arr_err *err) {
  static const char *const TRAINERS[] = {"supervisor", "admin", NULL};
  arr_rc rc = arr_svc_require(svc, "training the score model", TRAINERS, err);
  arr_date day = svc->today;
  if (rc == ARR_OK && as_of != NULL && !arr_date_parse(as_of, strlen(as_of), &day)) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "as-of", "--as-of must be a date");
  }
  if (rc == ARR_OK && day > svc->today) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "as-of", "--as-of is in the future");
  }
  if (rc == ARR_OK && (holdout_pct < 5 || holdout_pct > 50)) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "holdout-pct",
                       "the held-out share is 5 to 50 percent");
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_date ref = day - LABEL_DAYS;
  arr_account *accts = malloc(sizeof *accts * CHUNK);
  arr_score_row *rows = malloc(sizeof *rows * CHUNK);
  double *X = malloc(sizeof *X * ARR_SF_COUNT * MAX_ROWS);
  uint8_t *y = malloc(MAX_ROWS);
  int64_t *ids = malloc(sizeof *ids * MAX_ROWS);
  if (accts == NULL || rows == NULL || X == NULL || y == NULL || ids == NULL) {
    free(accts), free(rows), free(X), free(y), free(ids);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int total = 0;
  int64_t after = 0;
  int na = 0;
  do {
    arr_account_filter f = {0, NULL, after, CHUNK};
    rc = arr_store_account_list(svc->db, &f, accts, CHUNK, &na, err);
    int nr = 0;
    if (rc == ARR_OK && na > 0) {
      after = accts[na - 1].id;
      rc = svc_score_rows(svc->db, accts[0].id, after, ref, day, true, false, rows, CHUNK,
                          &nr, err);
    }
    for (int i = 0; rc == ARR_OK && i < nr && total < MAX_ROWS; i++) {
      /* Only accounts that were with us on the reference day, and no bigger than the
       * table: a row is history the model can learn from. */
      if (rows[i].placed_on == ARR_DATE_NONE || rows[i].placed_on > ref ||
          rows[i].balance_cents <= 0) {
        continue;
      }
      svc_score_features(&rows[i], ref, &X[(size_t)total * ARR_SF_COUNT]);
      y[total] = rows[i].paid_after;
      ids[total] = rows[i].account_id;
      total++;
    }
  } while (rc == ARR_OK && na == CHUNK && total < MAX_ROWS);
  /* Training rows first, held-out rows after them (each in account order). */
  double *Xt = NULL;
  uint8_t *yt = NULL;
  if (rc == ARR_OK) {
    Xt = malloc(sizeof *Xt * ARR_SF_COUNT * (size_t)(total > 0 ? total : 1));
    yt = malloc((size_t)(total > 0 ? total : 1));
    if (Xt == NULL || yt == NULL) {
      rc = arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
    }
  }
  int nt = 0, nh = 0;
  for (int i = 0; rc == ARR_OK && i < total; i++) {
    if (!arr_score_holdout(ids[i], holdout_pct)) {
      memcpy(&Xt[(size_t)nt * ARR_SF_COUNT], &X[(size_t)i * ARR_SF_COUNT],
             sizeof *X * ARR_SF_COUNT);
      yt[nt++] = y[i];
    }
  }
  for (int i = 0; rc == ARR_OK && i < total; i++) {
    if (arr_score_holdout(ids[i], holdout_pct)) {
      memcpy(&Xt[(size_t)(nt + nh) * ARR_SF_COUNT], &X[(size_t)i * ARR_SF_COUNT],
             sizeof *X * ARR_SF_COUNT);
      yt[nt + nh++] = y[i];
    }
  }
  int positives = 0;
  for (int i = 0; i < nt; i++) {
    positives += yt[i];
  }
  if (rc == ARR_OK && (nt < 50 || nh < 10 || positives == 0 || positives == nt)) {
    rc =
        arr_err_set(err, ARR_ERR_REFUSED,
                    "not enough history to train on: %d accounts (%d paid in the 30 days "
                    "to %s) and %d held out",
                    nt, positives, as_of != NULL ? as_of : "today", nh);
  }
  arr_score_model m;
  double auc = 0;
  if (rc == ARR_OK && !arr_score_train(Xt, yt, nt, ARR_SF_COUNT, NULL, &m)) {
    rc = arr_err_set(err, ARR_ERR_INTEGRITY, "training failed on the history");
  }
  if (rc == ARR_OK) {
    double *scores = malloc(sizeof *scores * (size_t)nh);
    arr_auc_item *work = malloc(sizeof *work * (size_t)nh);
    if (scores == NULL || work == NULL) {
      rc = arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; rc == ARR_OK && i < nh; i++) {
      scores[i] = arr_score_prob(&m, &Xt[(size_t)(nt + i) * ARR_SF_COUNT]);
    }
    if (rc == ARR_OK) {
      auc = arr_auc(scores, yt + nt, nh, work);
    }
    free(scores), free(work);
  }
  free(accts), free(rows), free(X), free(y), free(ids), free(Xt), free(yt);
  arr_score_model_row row;
  memset(&row, 0, sizeof row);
  if (rc == ARR_OK) {
    json_t *mj =
        json_pack("{s:i,s:o,s:o,s:o,s:f}", "d", m.d, "mean", doubles(m.mean, m.d), "sd",
                  doubles(m.sd, m.d), "w", doubles(m.w, m.d), "bias", m.bias);
    char *text = json_dumps(mj, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(mj);
    svc_strcpy(row.model, sizeof row.model, text != NULL ? text : "");
    svc_json_text_free(text);
    row.as_of = day;
    row.window_days = LABEL_DAYS;
    row.n_train = nt;
    row.n_test = nh;
    row.auc_e4 = (int64_t)(auc * 10000 + 0.5);
    svc_strcpy(row.created_by, sizeof row.created_by, svc->actor);
    svc_strcpy(row.created_at, sizeof row.created_at, svc->now_iso);
    rc = svc_begin(svc, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_score_model_insert(svc->db, &row, err);
  }
  if (rc == ARR_OK) {
    rc = svc_audit(svc, "score.train", "score_model", row.id,
                   json_pack("{s:I,s:I,s:I}", "n_train", (json_int_t)nt, "n_test",
                             (json_int_t)nh, "auc_e4", (json_int_t)row.auc_e4),
                   err);
    if (rc == ARR_OK) {
      rc = svc_commit(svc, err);
    } else {
      svc_rollback(svc);
    }
  }
  if (rc == ARR_OK) {
    *out = json_pack("{s:I,s:I,s:I,s:I,s:I,s:f,s:i}", "id", (json_int_t)row.id, "n_train",
                     (json_int_t)nt, "n_test", (json_int_t)nh, "positives",
                     (json_int_t)positives, "auc_e4", (json_int_t)row.auc_e4, "auc", auc,
                     "window_days", LABEL_DAYS);
  }
  return rc;
}
