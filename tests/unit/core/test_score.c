/*
 * test_score.c — unit and property tests for core/score: the logistic function against
 * known values, training on synthetic data drawn from a known model (the recovered
 * weights have the right signs and sizes, the held-out AUC is close to the true
 * model's), determinism bit for bit, degenerate and invalid inputs, AUC on hand-worked
 * cases and against the pairwise definition, and the held-out split.
 *
 * The data come from a splitmix64 generator with a fixed seed, so a failure reproduces
 * exactly. Labels are drawn as u < p with p from a hand-built arr_score_model holding
 * the true weights, so the test needs no libm either.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/score.h"
#include "core/strategy.h"

static uint64_t rng;

static uint64_t next_rand(void) {
  uint64_t z = (rng += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static double uniform(void) {
  return (double)(next_rand() >> 11) * (1.0 / 9007199254740992.0);
}

/* Approximately standard normal (Irwin-Hall: the sum of 12 uniforms, minus 6). */
static double normal(void) {
  double s = -6;
  for (int i = 0; i < 12; i++) {
    s += uniform();
  }
  return s;
}

static bool close_to(double a, double b, double tol) {
  double d = a - b;
  return d <= tol && d >= -tol;
}

static bool is_nan(double v) {
  return v != v;
}

/* A model that applies raw weights directly: mean 0, sd 1. */
static arr_score_model raw_model(int d, const double *w, double bias) {
  arr_score_model m;
  memset(&m, 0, sizeof m);
  m.d = d;
  for (int j = 0; j < d; j++) {
    m.sd[j] = 1;
    m.w[j] = w[j];
  }
  m.bias = bias;
  return m;
}

/* ---- The logistic function and points ---------------------------------------------- */

static void test_prob_known_values(void **state) {
  static const double one = 1.0;
  arr_score_model m = raw_model(1, &one, 0);
  static const struct {
    double z, p;
  } cases[] = {
      /* 1 / (1 + e^-z), correctly rounded (computed to 40 digits). */
      {0, 0.5},
      {1, 0.7310585786300049},
      {-1, 0.2689414213699951},
      {-2, 0.11920292202211756},
      {0.5, 0.6224593312018546},
      {3.7, 0.9758729785823308},
      {10, 0.9999546021312976},
      {-10, 4.5397868702434395e-05},
      {-30, 9.357622968839299e-14},
      {-45.5, 1.7362052831002947e-20},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    double p = arr_score_prob(&m, &cases[i].z);
    double tol = cases[i].p * 4e-16;
    if (!close_to(p, cases[i].p, tol)) {
      fail_msg("sigmoid(%g) = %.17g, want %.17g", cases[i].z, p, cases[i].p);
    }
  }
  /* Saturation, never NaN or outside 0..1. */
  static const double big[] = {60, 1e300, -60, -1e300};
  for (int i = 0; i < 4; i++) {
    double p = arr_score_prob(&m, &big[i]);
    assert_false(is_nan(p));
    assert_true(p >= 0 && p <= 1);
    assert_true(big[i] > 0 ? p == 1.0 : p < 1e-21);
  }
  /* A non-finite feature counts as the mean: contributes nothing. */
  double nan = 0.0 / 0.0, inf = 1.0 / 0.0;
  m.bias = 1;
  assert_true(close_to(arr_score_prob(&m, &nan), 0.7310585786300049, 1e-16));
  assert_true(close_to(arr_score_prob(&m, &inf), 0.7310585786300049, 1e-16));
}

static void test_points(void **state) {
  static const double one = 1.0;
  arr_score_model m = raw_model(1, &one, 0);
  double x = 0;
  assert_int_equal(arr_score_points(&m, &x), 500);
  x = 1; /* 731.06 */
  assert_int_equal(arr_score_points(&m, &x), 731);
  x = -2; /* 119.20 */
  assert_int_equal(arr_score_points(&m, &x), 119);
  x = 0.002; /* 500.4999 -> 500; 0.0021 -> 500.525 -> 501 */
  assert_int_equal(arr_score_points(&m, &x), 500);
  x = 0.0021;
  assert_int_equal(arr_score_points(&m, &x), 501);
  x = 100;
  assert_int_equal(arr_score_points(&m, &x), 1000);
  x = -100;
  assert_int_equal(arr_score_points(&m, &x), 0);
  /* Monotone in the probability. */
  int prev = -1;
  for (x = -12; x <= 12; x += 0.01) {
    int pts = arr_score_points(&m, &x);
    assert_true(pts >= prev && pts >= 0 && pts <= 1000);
    prev = pts;
  }
}

/* ---- Training on data from a known model ---------------------------------------------
 */

enum { NROWS = 30000, NF = 5 };
static double X[NROWS * NF];
static uint8_t Y[NROWS];
static double Xtr[NROWS * NF], Xte[NROWS * NF];
static uint8_t Ytr[NROWS], Yte[NROWS];
static double scores[NROWS], true_scores[NROWS];
static arr_auc_item work[NROWS];

/* The generating model, in raw units. Features: a standard normal; days 0..365; a
 * 0/1 flag (30% ones); a count 0..9; and pure noise with weight 0 on a large scale. */
static const double beta[NF] = {1.2, -0.006, 0.8, 0.15, 0.0};
static const double beta0 = -0.4;

static void make_data(void) {
  rng = 20240601;
  arr_score_model truth = raw_model(NF, beta, beta0);
  for (int i = 0; i < NROWS; i++) {
    double *x = &X[i * NF];
    x[0] = normal();
    x[1] = (double)(next_rand() % 366);
    x[2] = uniform() < 0.3 ? 1 : 0;
    x[3] = (double)(next_rand() % 10);
    x[4] = 1000 + 250 * normal();
    Y[i] = uniform() < arr_score_prob(&truth, x);
  }
}

/* Splits by arr_score_holdout on ids 1..NROWS; returns the training row count. */
static int split(int *nte) {
  int ntr = 0;
  *nte = 0;
  for (int i = 0; i < NROWS; i++) {
    if (arr_score_holdout(i + 1, 30)) {
      memcpy(&Xte[*nte * NF], &X[i * NF], sizeof(double) * NF);
      Yte[(*nte)++] = Y[i];
    } else {
      memcpy(&Xtr[ntr * NF], &X[i * NF], sizeof(double) * NF);
      Ytr[ntr++] = Y[i];
    }
  }
  return ntr;
}

static void test_train_recovers_model(void **state) {
  make_data();
  int nte, ntr = split(&nte);
  assert_true(nte > 8500 && nte < 9500);

  arr_score_model m;
  arr_score_train_opts o = ARR_SCORE_TRAIN_DEFAULTS;
  o.l2 = 1e-4;
  assert_true(arr_score_train(Xtr, Ytr, ntr, NF, &o, &m));
  assert_int_equal(m.d, NF);
  for (int j = 0; j < NF; j++) {
    double raw = m.w[j] / m.sd[j]; /* back to raw units */
    print_message("feature %d: sd %.4g, w %+.4f (raw %+.5f, true %+.5f)\n", j, m.sd[j],
                  m.w[j], raw, beta[j]);
    if (beta[j] != 0) {
      /* Right sign and within 20% of the true weight. */
      assert_true(raw * beta[j] > 0);
      assert_true(close_to(raw, beta[j], 0.2 * (beta[j] > 0 ? beta[j] : -beta[j])));
    } else {
      /* The noise feature's standardized weight is near zero. */
      assert_true(close_to(m.w[j], 0, 0.05));
    }
  }
  /* The bias in raw terms: bias - sum w_j mean_j / sd_j. */
  double raw_bias = m.bias;
  for (int j = 0; j < NF; j++) {
    raw_bias -= m.w[j] * m.mean[j] / m.sd[j];
  }
  print_message("bias %+.4f (raw %+.4f, true %+.4f)\n", m.bias, raw_bias, beta0);
  assert_true(close_to(raw_bias, beta0, 0.25));

  /* Held-out AUC: above 0.75, and within 0.01 of the true model's own AUC. */
  arr_score_model truth = raw_model(NF, beta, beta0);
  for (int i = 0; i < nte; i++) {
    scores[i] = arr_score_prob(&m, &Xte[i * NF]);
    true_scores[i] = arr_score_prob(&truth, &Xte[i * NF]);
  }
  double auc = arr_auc(scores, Yte, nte, work);
  double best = arr_auc(true_scores, Yte, nte, work);
  print_message("held-out AUC %.4f (true model %.4f) on %d rows\n", auc, best, nte);
  assert_true(auc > 0.75);
  assert_true(auc > best - 0.01);
  /* Points order accounts as probabilities do. */
  for (int i = 0; i < nte; i++) {
    scores[i] = arr_score_points(&m, &Xte[i * NF]);
  }
  assert_true(arr_auc(scores, Yte, nte, work) > auc - 0.005);

  /* The default iteration count has converged: three times more changes little. */
  arr_score_model m10;
  o.iterations *= 3;
  assert_true(arr_score_train(Xtr, Ytr, ntr, NF, &o, &m10));
  for (int j = 0; j < NF; j++) {
    assert_true(close_to(m.w[j], m10.w[j], 0.01));
  }
  assert_true(close_to(m.bias, m10.bias, 0.01));
}

static void test_train_deterministic(void **state) {
  make_data();
  arr_score_model a, b;
  memset(&a, 0x11, sizeof a);
  memset(&b, 0x22, sizeof b);
  assert_true(arr_score_train(X, Y, 8000, NF, NULL, &a));
  assert_true(arr_score_train(X, Y, 8000, NF, NULL, &b));
  assert_memory_equal(&a, &b, sizeof a);
  /* NULL options are the defaults. */
  arr_score_train_opts o = ARR_SCORE_TRAIN_DEFAULTS;
  assert_true(arr_score_train(X, Y, 8000, NF, &o, &b));
  assert_memory_equal(&a, &b, sizeof a);
}

static void test_train_correlated_features(void **state) {
  /* Near-duplicate columns (a feature, itself, and a rescaled copy plus noise) make a
   * fixed step size diverge; the default step adapts and training stays sane. */
  enum { N = 5000, D = 6 };
  static double Xd[N * D];
  make_data();
  for (int i = 0; i < N; i++) {
    double v = X[i * NF];
    for (int k = 0; k < D; k++) {
      Xd[i * D + k] = k == 0 ? v : k == 1 ? v : 3 * v + 1 + 1e-3 * normal();
    }
  }
  arr_score_model m;
  assert_true(arr_score_train(Xd, Y, N, D, NULL, &m));
  double sum = 0;
  for (int j = 0; j < D; j++) {
    assert_false(is_nan(m.w[j]));
    sum += m.w[j];
  }
  /* Together the copies carry the one true weight (standardized: 1.2 * sd 1). */
  assert_true(sum > 0.8 && sum < 1.6);
  for (int i = 0; i < N; i++) {
    scores[i] = arr_score_prob(&m, &Xd[i * D]);
    true_scores[i] = X[i * NF];
  }
  assert_true(
      close_to(arr_auc(scores, Y, N, work), arr_auc(true_scores, Y, N, work), 0.005));
}

static void test_train_degenerate(void **state) {
  enum { N = 2000, D = 3 };
  static double Xd[N * D];
  static uint8_t yd[N];
  make_data();
  for (int i = 0; i < N; i++) {
    Xd[i * D] = X[i * NF];
    Xd[i * D + 1] = 0.1; /* constant, and not exactly representable: sums drift */
    Xd[i * D + 2] = X[i * NF + 3];
  }
  arr_score_model m;
  for (int label = 0; label <= 1; label++) {
    memset(yd, label, sizeof yd);
    assert_true(arr_score_train(Xd, yd, N, D, NULL, &m));
    for (int j = 0; j < D; j++) {
      assert_false(is_nan(m.w[j]) || is_nan(m.mean[j]) || is_nan(m.sd[j]));
      assert_true(close_to(m.w[j], 0, 1e-6));
    }
    assert_false(is_nan(m.bias));
    double p = arr_score_prob(&m, &Xd[0]);
    assert_true(label ? p > 0.99 : p < 0.01);
  }
  /* The constant column: sd exactly 0, mean exactly its value, weight exactly 0, and
   * scoring ignores it whatever its value. */
  memcpy(yd, Y, sizeof yd);
  assert_true(arr_score_train(Xd, yd, N, D, NULL, &m));
  assert_true(m.sd[1] == 0 && m.mean[1] == 0.1 && m.w[1] == 0);
  double row[D] = {0.3, 0.1, 4}, row2[D] = {0.3, -1e9, 4};
  assert_true(arr_score_prob(&m, row) == arr_score_prob(&m, row2));
  assert_true(m.w[0] > 0.5);

  /* One row; two rows perfectly separated (l2 keeps the weight finite). */
  double one[1] = {5};
  uint8_t y1[1] = {1};
  assert_true(arr_score_train(one, y1, 1, 1, NULL, &m));
  assert_true(m.sd[0] == 0 && !is_nan(m.bias) && m.bias > 0);
  double two[2] = {-1, 1};
  uint8_t y2[2] = {0, 1};
  assert_true(arr_score_train(two, y2, 2, 1, NULL, &m));
  assert_false(is_nan(m.w[0]));
  assert_true(m.w[0] > 1 && m.w[0] < 1000);
  assert_true(arr_score_prob(&m, &two[1]) > 0.9);

  /* Extreme values within the limit. */
  double ext[4] = {1e15, -1e15, 1e-300, 0};
  uint8_t y4[4] = {1, 0, 1, 0};
  assert_true(arr_score_train(ext, y4, 4, 1, NULL, &m));
  assert_false(is_nan(m.w[0]) || is_nan(m.bias) || is_nan(m.sd[0]));
  assert_false(is_nan(arr_score_prob(&m, &ext[0])));
}

static void test_train_invalid(void **state) {
  make_data();
  arr_score_model m, before;
  memset(&m, 0x5A, sizeof m);
  before = m;
  arr_score_train_opts o = ARR_SCORE_TRAIN_DEFAULTS;
  assert_false(arr_score_train(X, Y, 0, NF, NULL, &m));
  assert_false(arr_score_train(X, Y, -1, NF, NULL, &m));
  assert_false(arr_score_train(X, Y, 10, 0, NULL, &m));
  assert_false(arr_score_train(X, Y, 10, ARR_SCORE_MAX_FEATURES + 1, NULL, &m));
  assert_false(arr_score_train(NULL, Y, 10, NF, NULL, &m));
  assert_false(arr_score_train(X, NULL, 10, NF, NULL, &m));
  double x[4] = {1, 2, 3, 4};
  uint8_t y[4] = {0, 1, 0, 1};
  x[2] = 0.0 / 0.0;
  assert_false(arr_score_train(x, y, 4, 1, NULL, &m));
  x[2] = -1.0 / 0.0;
  assert_false(arr_score_train(x, y, 4, 1, NULL, &m));
  x[2] = 1.0001e15;
  assert_false(arr_score_train(x, y, 4, 1, NULL, &m));
  x[2] = -1e300;
  assert_false(arr_score_train(x, y, 4, 1, NULL, &m));
  x[2] = 3;
  y[1] = 2;
  assert_false(arr_score_train(x, y, 4, 1, NULL, &m));
  y[1] = 1;
  o.iterations = 0;
  assert_false(arr_score_train(x, y, 4, 1, &o, &m));
  o = ARR_SCORE_TRAIN_DEFAULTS;
  o.learning_rate = -0.1;
  assert_false(arr_score_train(x, y, 4, 1, &o, &m));
  o = ARR_SCORE_TRAIN_DEFAULTS;
  o.l2 = -1;
  assert_false(arr_score_train(x, y, 4, 1, &o, &m));
  o.l2 = 0.0 / 0.0;
  assert_false(arr_score_train(x, y, 4, 1, &o, &m));
  assert_memory_equal(&m, &before, sizeof m); /* untouched throughout */
  /* A fixed learning rate is used as given. */
  o = ARR_SCORE_TRAIN_DEFAULTS;
  o.learning_rate = 0.5;
  assert_true(arr_score_train(x, y, 4, 1, &o, &m));
  /* The widest model. */
  static double wide[100 * ARR_SCORE_MAX_FEATURES];
  for (int i = 0; i < 100 * ARR_SCORE_MAX_FEATURES; i++) {
    wide[i] = normal();
  }
  assert_true(arr_score_train(wide, Y, 100, ARR_SCORE_MAX_FEATURES, NULL, &m));
  assert_int_equal(m.d, ARR_SCORE_MAX_FEATURES);
}

/* ---- AUC --------------------------------------------------------------------------- */

static double auc_both(const double *s, const uint8_t *y, int n) {
  double sorted = arr_auc(s, y, n, work);
  double pairwise = arr_auc(s, y, n, NULL);
  if (sorted != pairwise) {
    fail_msg("AUC by sorting %.17g, pairwise %.17g", sorted, pairwise);
  }
  return sorted;
}

static void test_auc_cases(void **state) {
  double s[8] = {0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9};
  uint8_t y[8] = {0, 0, 0, 0, 1, 1, 1, 1};
  assert_true(auc_both(s, y, 8) == 1.0);
  uint8_t r[8] = {1, 1, 1, 1, 0, 0, 0, 0};
  assert_true(auc_both(s, r, 8) == 0.0);
  double eq[8] = {3, 3, 3, 3, 3, 3, 3, 3};
  assert_true(auc_both(eq, y, 8) == 0.5);
  /* Worked by hand: positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4. */
  double s4[4] = {0.1, 0.4, 0.35, 0.8};
  uint8_t y4[4] = {0, 0, 1, 1};
  assert_true(auc_both(s4, y4, 4) == 0.75);
  /* Ties count half: (1,1) tie, (2,1) win, (1,2) loss, (2,2) tie -> 2 of 4. */
  double t4[4] = {1, 1, 2, 2};
  uint8_t ty[4] = {0, 1, 0, 1};
  assert_true(auc_both(t4, ty, 4) == 0.5);
  /* Positives 0.5 and 0.9 against one negative at 0.5: tie + win = 1.5 of 2. */
  double t3[3] = {0.5, 0.5, 0.9};
  uint8_t y3[3] = {1, 0, 1};
  assert_true(auc_both(t3, y3, 3) == 0.75);
  /* Labels: any nonzero is positive. */
  uint8_t y3b[3] = {7, 0, 255};
  assert_true(auc_both(t3, y3b, 3) == 0.75);
  /* NaN ranks lowest: a NaN negative is beaten by every positive. */
  double nan = 0.0 / 0.0;
  double sn[3] = {nan, -1e300, 0};
  uint8_t yn[3] = {0, 1, 1};
  assert_true(auc_both(sn, yn, 3) == 1.0);
  double sn2[2] = {nan, nan};
  uint8_t yn2[2] = {0, 1};
  assert_true(auc_both(sn2, yn2, 2) == 0.5);
  /* Nothing to rank. */
  assert_true(auc_both(s, y, 0) == 0.5);
  assert_true(auc_both(s, y, 4) == 0.5); /* only negatives */
  assert_true(auc_both(s + 4, y + 4, 4) == 0.5);
  /* Order of rows does not matter; the inputs are not modified. */
  double s8[8] = {0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.6, 0.4};
  uint8_t y8[8] = {1, 0, 1, 0, 1, 0, 1, 0};
  assert_true(auc_both(s8, y8, 8) == 1.0);
  assert_true(s8[0] == 0.9 && s8[1] == 0.1 && y8[0] == 1);
}

static void test_auc_random(void **state) {
  /* Sorting and pairwise counting agree exactly, with heavy ties and some NaNs; and
   * AUC(-s) = 1 - AUC(s). */
  static double s[400], neg[400];
  static uint8_t y[400];
  rng = 99;
  for (int round = 0; round < 300; round++) {
    int n = 1 + (int)(next_rand() % 400);
    int levels = 1 + (int)(next_rand() % 20);
    for (int i = 0; i < n; i++) {
      s[i] = next_rand() % 50 == 0 ? 0.0 / 0.0 : (double)(next_rand() % levels);
      neg[i] = s[i] != s[i] ? s[i] : -s[i];
      y[i] = next_rand() % 3 == 0;
    }
    double a = auc_both(s, y, n);
    assert_true(a >= 0 && a <= 1);
    bool has_nan = false;
    for (int i = 0; i < n; i++) {
      has_nan = has_nan || s[i] != s[i];
    }
    if (!has_nan) {
      assert_true(close_to(auc_both(neg, y, n), 1 - a, 1e-12) || a == 0.5);
    }
  }
}

/* ---- Held-out split ---------------------------------------------------------------- */

static void test_holdout(void **state) {
  static const int pcts[] = {5, 20, 30, 50};
  for (size_t k = 0; k < sizeof pcts / sizeof pcts[0]; k++) {
    int in = 0;
    for (int64_t id = 1; id <= 100000; id++) {
      in += arr_score_holdout(id, pcts[k]);
    }
    double share = in / 1000.0;
    assert_true(share > pcts[k] - 1.0 && share < pcts[k] + 1.0);
  }
  for (int64_t id = -3; id <= 3; id++) {
    assert_false(arr_score_holdout(id, 0));
    assert_true(arr_score_holdout(id, 100));
    assert_int_equal(arr_score_holdout(id, 37), arr_score_holdout(id, 37));
  }
  /* Not tied to the challenger arm for any salt tried, the holdout key included:
   * 30% held out of a 50% arm is about 15% of accounts. */
  static const uint64_t salts[] = {0, 1, 0x686f6c646f7574, UINT64_MAX};
  for (size_t k = 0; k < sizeof salts / sizeof salts[0]; k++) {
    int both = 0;
    for (int64_t id = 1; id <= 100000; id++) {
      both += arr_score_holdout(id, 30) && arr_strategy_is_challenger(id, salts[k], 50);
    }
    assert_true(both > 14000 && both < 16000);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_prob_known_values),
      cmocka_unit_test(test_points),
      cmocka_unit_test(test_train_recovers_model),
      cmocka_unit_test(test_train_deterministic),
      cmocka_unit_test(test_train_correlated_features),
      cmocka_unit_test(test_train_degenerate),
      cmocka_unit_test(test_train_invalid),
      cmocka_unit_test(test_auc_cases),
      cmocka_unit_test(test_auc_random),
      cmocka_unit_test(test_holdout),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
