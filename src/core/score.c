/*
 * score.c — logistic regression by full-batch gradient descent, the 0..1000 score,
 * AUC by ranking, and the held-out split.
 *
 * Training never stores the standardized matrix (that would need n*d scratch): the
 * gradient passes work on the raw rows with the standardization folded into the
 * weights (see arr_score_train). The step size defaults
 * to 1/L for L an upper bound on the curvature of the mean log loss: the Hessian is at
 * most (1/4) * E[z z^T] + l2 * I, where z is the standardized row with a 1 for the
 * bias; since the standardized columns have mean 0, E[z z^T] is the covariance matrix
 * with a 1 added on the diagonal for the bias, and Gershgorin's theorem bounds its
 * largest eigenvalue by the largest absolute row sum. Gradient descent with that step
 * cannot overshoot, so near-duplicate features slow training instead of blowing it up.
 *
 * exp and sqrt are local (exp by range reduction and a degree-13 Taylor polynomial,
 * about 1 ulp; sqrt by Newton's method) so results do not depend on libm.
 */
#include "core/score.h"

#include <math.h>
#include <string.h>

/* ---- Arithmetic without libm ------------------------------------------------------ */

/* e^x for |x| <= 50 (callers clamp): x = k*ln2 + r with |r| <= ln2/2, e^r by Taylor
 * series (the first omitted term is below 2^-56 relative), then scaled by 2^k built
 * from its bits. ln2_hi has its low bits zero, so k * ln2_hi is exact. */
static double exp_small(double x) {
  static const double ln2_hi = 6.93147180369123816490e-01;
  static const double ln2_lo = 1.90821492927058770002e-10;
  static const double inv_ln2 = 1.44269504088896338700e+00;
  double kf = x * inv_ln2;
  int k = (int)(kf + (kf >= 0 ? 0.5 : -0.5));
  double r = (x - k * ln2_hi) - k * ln2_lo;
  double p = 1.0 / 6227020800.0; /* 1/13! */
  static const double inv_fact[] = {1.0 / 479001600.0,
                                    1.0 / 39916800.0,
                                    1.0 / 3628800.0,
                                    1.0 / 362880.0,
                                    1.0 / 40320.0,
                                    1.0 / 5040.0,
                                    1.0 / 720.0,
                                    1.0 / 120.0,
                                    1.0 / 24.0,
                                    1.0 / 6.0,
                                    1.0 / 2.0,
                                    1.0,
                                    1.0};
  for (size_t i = 0; i < sizeof inv_fact / sizeof inv_fact[0]; i++) {
    p = p * r + inv_fact[i];
  }
  uint64_t bits = (uint64_t)(k + 1023) << 52;
  double scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

/* 1 / (1 + e^-z), never NaN for finite z; saturates beyond |z| = 50 (where the exact
 * value is within 2e-22 of 0 or 1). */
static double sigmoid(double z) {
  if (z > 50) {
    z = 50;
  } else if (z < -50) {
    z = -50;
  }
  if (z >= 0) {
    return 1.0 / (1.0 + exp_small(-z));
  }
  double e = exp_small(z);
  return e / (1.0 + e);
}

/* sqrt(v) for v > 0 by Newton's method from a guess that halves the exponent (within
 * 6%; each step squares the relative error, so 6 steps reach full precision). */
static double sqrt_pos(double v) {
  if (!(v > 0)) {
    return 0;
  }
  uint64_t b;
  memcpy(&b, &v, sizeof b);
  b = (b >> 1) + (UINT64_C(1023) << 51);
  double g;
  memcpy(&g, &b, sizeof g);
  for (int i = 0; i < 8; i++) {
    g = 0.5 * (g + v / g);
  }
  return g;
}

/* ---- Training ------------------------------------------------------------------- */

static bool options_ok(const arr_score_train_opts *o) {
  return o->iterations >= 1 && o->iterations <= 100000 && isfinite(o->learning_rate) &&
         o->learning_rate >= 0 && o->learning_rate <= 1e6 && isfinite(o->l2) &&
         o->l2 >= 0 && o->l2 <= 10;
}

/* Means and standard deviations (population). A column whose values are all equal
 * gets that value as its mean and sd 0 exactly: computed, its sd would be rounding
 * noise (around n * 1e-16 of the value) and standardizing by it would amplify noise
 * into a feature. */
static void standardize_params(const double *X, int n, int d, double *mean, double *sd) {
  for (int j = 0; j < d; j++) {
    double first = X[j], sum = 0;
    bool constant = true;
    for (int i = 0; i < n; i++) {
      double v = X[(size_t)i * (size_t)d + (size_t)j];
      constant = constant && v == first;
      sum += v - first; /* shifted: exact for constant columns, less cancellation */
    }
    if (constant) {
      mean[j] = first;
      sd[j] = 0;
      continue;
    }
    double mu = first + sum / n, ss = 0;
    for (int i = 0; i < n; i++) {
      double dv = X[(size_t)i * (size_t)d + (size_t)j] - mu;
      ss += dv * dv;
    }
    mean[j] = mu;
    sd[j] = sqrt_pos(ss / n);
  }
}

/* Writes the standardized row into z (0 for constant columns). */
static void standardize_row(const double *x, int d, const double *mean,
                            const double *inv_sd, double *z) {
  for (int j = 0; j < d; j++) {
    z[j] = (x[j] - mean[j]) * inv_sd[j];
  }
}

/* v . x with four partial sums: a shorter chain of dependent additions, in a fixed
 * order so the result is the same on every run. */
static double dot(const double *v, const double *x, int d) {
  double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  int j = 0;
  for (; j + 4 <= d; j += 4) {
    a0 += v[j] * x[j];
    a1 += v[j + 1] * x[j + 1];
    a2 += v[j + 2] * x[j + 2];
    a3 += v[j + 3] * x[j + 3];
  }
  for (; j < d; j++) {
    a0 += v[j] * x[j];
  }
  return (a0 + a1) + (a2 + a3);
}

/* The largest absolute row sum of E[z z^T] (bias included as a constant 1 column,
 * uncorrelated with the centered columns): Gershgorin's bound on its top eigenvalue. */
static double curvature_bound(const double *X, int n, int d, const double *mean,
                              const double *inv_sd) {
  double cov[ARR_SCORE_MAX_FEATURES][ARR_SCORE_MAX_FEATURES] = {{0}};
  double z[ARR_SCORE_MAX_FEATURES];
  for (int i = 0; i < n; i++) {
    standardize_row(X + (size_t)i * (size_t)d, d, mean, inv_sd, z);
    for (int j = 0; j < d; j++) {
      for (int k = 0; k <= j; k++) {
        cov[j][k] += z[j] * z[k];
      }
    }
  }
  double bound = 1.0; /* the bias row */
  for (int j = 0; j < d; j++) {
    double row = 0;
    for (int k = 0; k < d; k++) {
      double c = j >= k ? cov[j][k] : cov[k][j];
      row += (c < 0 ? -c : c) / n;
    }
    if (row > bound) {
      bound = row;
    }
  }
  return bound;
}

bool arr_score_train(const double *X, const uint8_t *y, int n, int d,
                     const arr_score_train_opts *o, arr_score_model *m) {
  arr_score_train_opts opts = o != NULL ? *o : ARR_SCORE_TRAIN_DEFAULTS;
  if (X == NULL || y == NULL || m == NULL || n < 1 || d < 1 ||
      d > ARR_SCORE_MAX_FEATURES || !options_ok(&opts)) {
    return false;
  }
  for (size_t i = 0; i < (size_t)n * (size_t)d; i++) {
    if (!(X[i] >= -ARR_SCORE_MAX_ABS && X[i] <= ARR_SCORE_MAX_ABS)) { /* NaN too */
      return false;
    }
  }
  for (int i = 0; i < n; i++) {
    if (y[i] > 1) {
      return false;
    }
  }

  arr_score_model r;
  memset(&r, 0, sizeof r);
  r.d = d;
  standardize_params(X, n, d, r.mean, r.sd);
  double inv_sd[ARR_SCORE_MAX_FEATURES];
  for (int j = 0; j < d; j++) {
    inv_sd[j] = r.sd[j] > 0 ? 1.0 / r.sd[j] : 0.0;
  }
  double step = opts.learning_rate;
  if (step == 0) {
    step = 1.0 / (curvature_bound(X, n, d, r.mean, inv_sd) / 4.0 + opts.l2);
  }

  /* Each pass works on the raw rows: with v = w / sd and c = bias - sum v * mean, the
   * model's t is c + v . x, and the gradient for w[j] is (sum g x[j] - mean[j] sum g) /
   * sd[j]. Same model as standardizing every row, at about half the cost. */
  double v[ARR_SCORE_MAX_FEATURES], gx[ARR_SCORE_MAX_FEATURES];
  for (int it = 0; it < opts.iterations; it++) {
    double c = r.bias;
    for (int j = 0; j < d; j++) {
      v[j] = r.w[j] * inv_sd[j];
      c -= v[j] * r.mean[j];
    }
    double gb = 0;
    memset(gx, 0, sizeof gx);
    for (int i = 0; i < n; i++) {
      const double *x = X + (size_t)i * (size_t)d;
      double g = sigmoid(c + dot(v, x, d)) - y[i];
      gb += g;
      for (int j = 0; j < d; j++) {
        gx[j] += g * x[j];
      }
    }
    for (int j = 0; j < d; j++) {
      double gw = (gx[j] - r.mean[j] * gb) * inv_sd[j] / n;
      r.w[j] -= step * (gw + opts.l2 * r.w[j]);
    }
    r.bias -= step * (gb / n);
  }
  *m = r;
  return true;
}

double arr_score_prob(const arr_score_model *m, const double *x) {
  double t = m->bias;
  for (int j = 0; j < m->d && j < ARR_SCORE_MAX_FEATURES; j++) {
    if (m->sd[j] > 0 && isfinite(x[j])) {
      t += m->w[j] * ((x[j] - m->mean[j]) * (1.0 / m->sd[j]));
    }
  }
  if (t != t) {
    return 0.5; /* only from a model with NaN in it; keep the score defined */
  }
  return sigmoid(t);
}

int arr_score_points(const arr_score_model *m, const double *x) {
  int pts = (int)(arr_score_prob(m, x) * 1000.0 + 0.5);
  return pts < 0 ? 0 : pts > 1000 ? 1000 : pts;
}

/* ---- AUC ----------------------------------------------------------------------- */

/* Strict order on scores with NaN below everything (so sorting is well defined). */
static bool score_less(double a, double b) {
  if (a != a) {
    return b == b;
  }
  return b == b && a < b;
}

static void sift_down(arr_auc_item *h, int root, int end) {
  for (;;) {
    int child = 2 * root + 1;
    if (child >= end) {
      return;
    }
    if (child + 1 < end && score_less(h[child].score, h[child + 1].score)) {
      child++;
    }
    if (!score_less(h[root].score, h[child].score)) {
      return;
    }
    arr_auc_item t = h[root];
    h[root] = h[child];
    h[child] = t;
    root = child;
  }
}

/* In-place heap sort, ascending: O(n log n), no recursion, no allocation. */
static void heap_sort(arr_auc_item *h, int n) {
  for (int i = n / 2 - 1; i >= 0; i--) {
    sift_down(h, i, n);
  }
  for (int end = n - 1; end > 0; end--) {
    arr_auc_item t = h[0];
    h[0] = h[end];
    h[end] = t;
    sift_down(h, 0, end);
  }
}

double arr_auc(const double *scores, const uint8_t *y, int n, arr_auc_item *work) {
  int64_t pos = 0, neg = 0;
  for (int i = 0; i < n; i++) {
    if (y[i]) {
      pos++;
    } else {
      neg++;
    }
  }
  if (pos == 0 || neg == 0) {
    return 0.5;
  }
  /* Twice the Mann-Whitney U: a positive above a negative counts 2, a tie 1. */
  int64_t twice_u = 0;
  if (work == NULL) {
    for (int i = 0; i < n; i++) {
      if (!y[i]) {
        continue;
      }
      for (int j = 0; j < n; j++) {
        if (!y[j]) {
          twice_u += score_less(scores[j], scores[i])   ? 2
                     : score_less(scores[i], scores[j]) ? 0
                                                        : 1;
        }
      }
    }
  } else {
    for (int i = 0; i < n; i++) {
      work[i].score = scores[i];
      work[i].positive = y[i] != 0;
    }
    heap_sort(work, n);
    int64_t neg_below = 0;
    for (int i = 0; i < n;) {
      int64_t pos_g = 0, neg_g = 0;
      int j = i;
      do {
        if (work[j].positive) {
          pos_g++;
        } else {
          neg_g++;
        }
        j++;
      } while (j < n && !score_less(work[i].score, work[j].score));
      twice_u += pos_g * (2 * neg_below + neg_g);
      neg_below += neg_g;
      i = j;
    }
  }
  return (double)twice_u / (2.0 * (double)pos * (double)neg);
}

/* ---- Held-out split ------------------------------------------------------------- */

static uint64_t mix64(uint64_t z) {
  z += UINT64_C(0x9E3779B97F4A7C15);
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

bool arr_score_holdout(int64_t account_id, int pct) {
  if (pct <= 0) {
    return false;
  }
  if (pct >= 100) {
    return true;
  }
  /* A fixed key ("holdout" in ASCII): changing it would reshuffle every model's
   * held-out set. */
  return mix64(mix64((uint64_t)account_id) ^ UINT64_C(0x686f6c646f7574)) % 100 <
         (uint64_t)pct;
}
