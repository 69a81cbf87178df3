/*
 * score.h — propensity to pay: a logistic regression model trained on the portfolio's
 * own history, the 0..1000 score that orders the work queues, the area under the ROC
 * curve (AUC) to report how well it ranks, and a hash split for the held-out set.
 *
 * Pure: no I/O, no clock, no allocation; the caller passes the data and any scratch
 * space. Floating point is used here and only here in core: a score is a ranking, not
 * money, and no amount is ever computed from it.
 *
 * Deterministic: training starts from zero weights and runs a fixed number of full-batch
 * gradient steps in a fixed order, so the same data and options give the same model bit
 * for bit on the same build. exp and sqrt are computed in score.c rather than taken from
 * libm, so the result does not depend on the C library's version either (and the pure
 * library needs no -lm).
 *
 * ---- Features the service builds -------------------------------------------------
 *
 * The model is agnostic about what the columns mean; the service builds one row per
 * account, in the same order for training and for scoring. The suggested layout is
 * arr_score_feature below. Every feature must be a finite number; each is standardized
 * with the mean and standard deviation of the training rows, so units do not matter,
 * but long-tailed amounts and counts are better taken through log1p first.
 *
 * Label for training: 1 if the account received a payment (net of reversals) in the
 * 30 days after the date its features describe, else 0. Train on rows whose 30 days
 * have passed, features as of the start of the window; score with features as of today.
 */
#ifndef ARR_SCORE_H
#define ARR_SCORE_H

#include <stdbool.h>
#include <stdint.h>

enum { ARR_SCORE_MAX_FEATURES = 32 };

/* Suggested feature columns (index into a row). */
typedef enum {
  ARR_SF_LOG_BALANCE,        /* log1p(balance in dollars), 0 for a balance <= 0 */
  ARR_SF_LOG_DAYS_PLACED,    /* log1p(days since placement) */
  ARR_SF_DAYS_SINCE_PAYMENT, /* days since the last payment, capped at 730; 730 when
                                the account never paid */
  ARR_SF_NEVER_PAID,         /* 1 if the account never paid, else 0 */
  ARR_SF_PAYMENTS_COUNT,     /* log1p(number of payments received) */
  ARR_SF_RPC_90D,            /* right-party contacts in the last 90 days, capped at 10 */
  ARR_SF_PROMISES_KEPT,      /* kept / made promises to pay, 0.5 when none made */
  ARR_SF_HAS_PHONE,          /* 1 if a callable phone number is on file */
  ARR_SF_HAS_EMAIL,          /* 1 if an email address with consent is on file */
  ARR_SF_TYPE_MEDICAL,       /* account type one-hot: 1 if medical */
  ARR_SF_TYPE_UTILITY,       /* 1 if utility or telecom */
  ARR_SF_TYPE_CREDIT_CARD,   /* 1 if credit_card */
  ARR_SF_TYPE_AUTO,          /* 1 if auto; all four 0 for any other type */
  ARR_SF_DISPUTED,           /* 1 if the account was ever disputed */
  ARR_SF_COUNT               /* number of suggested features (d) */
} arr_score_feature;

/* The model: p = 1 / (1 + exp(-(bias + sum_j w[j] * (x[j] - mean[j]) / sd[j]))).
 * w is in standardized units (the change in log-odds for one standard deviation);
 * w[j] / sd[j] is the change per unit of feature j. A feature with sd[j] == 0 was
 * constant in training: it carries no information, its weight is 0 and it is skipped.
 * The service may store the model as these numbers (e.g. JSON) and load it back. */
typedef struct {
  int d;
  double mean[ARR_SCORE_MAX_FEATURES], sd[ARR_SCORE_MAX_FEATURES];
  double w[ARR_SCORE_MAX_FEATURES], bias;
} arr_score_model;

/* Training options; pass NULL for the defaults (ARR_SCORE_TRAIN_DEFAULTS). */
typedef struct {
  int iterations; /* full-batch gradient steps, 1..100000 (default 400) */
  /* Step size. 0 (the default) picks 1/L, L being a bound on the loss's curvature
   * computed from the data (a quarter of the largest eigenvalue of the standardized
   * features' covariance, bounded by its largest absolute row sum, plus l2): every
   * step then lowers the loss, whatever the features' correlations. A positive value
   * is used as is, for every step. */
  double learning_rate;
  /* L2 penalty on the weights (not the bias): the loss minimized is the mean log loss
   * plus l2/2 * sum w[j]^2. Keeps weights finite when a feature separates the classes
   * perfectly. 0..10 (default 0.001). */
  double l2;
} arr_score_train_opts;

/* Largest feature magnitude accepted for training: far above any sensible feature
 * (money in cents fits), and small enough that sums of squares over millions of rows
 * stay finite. */
#define ARR_SCORE_MAX_ABS 1e15

#define ARR_SCORE_TRAIN_DEFAULTS ((arr_score_train_opts){400, 0.0, 0.001})

/* Trains on n rows: X is row-major n x d (row i is X[i*d .. i*d+d)), y[i] is 0 or 1.
 * Returns false, leaving *m untouched, when n < 1, d is not 1..ARR_SCORE_MAX_FEATURES,
 * a value of X is not finite or beyond +-ARR_SCORE_MAX_ABS, a label is not 0 or 1, or
 * an option is out of range.
 * With all labels equal the weights stay near 0 and the bias moves toward that label
 * (finite; never NaN). Cost: first, passes over X for the means, standard deviations
 * and curvature bound (n*d*d/2 multiply-adds); then each iteration is one pass of 2*n*d
 * multiply-adds and n exponentials: measured at about 30 ns per row per iteration
 * with 14 features, so 400 iterations on 1M rows take some 12 s on one core. Train on
 * a sample if that is too slow. */
bool arr_score_train(const double *X, const uint8_t *y, int n, int d,
                     const arr_score_train_opts *o, arr_score_model *m);

/* The probability of payment for the row x[0..m->d), in 0..1. A non-finite x[j] is
 * taken as the training mean (it contributes nothing). */
double arr_score_prob(const arr_score_model *m, const double *x);

/* The probability as points: round(1000 * p), 0..1000. */
int arr_score_points(const arr_score_model *m, const double *x);

/* Scratch space for arr_auc: one element per row. */
typedef struct {
  double score;
  uint8_t positive;
} arr_auc_item;

/* Area under the ROC curve of scores[] against labels y[] (nonzero = positive): the
 * probability that a random positive row scores above a random negative one, a tie
 * counting half. 1 = perfect ranking, 0.5 = no better than chance, 0 = reversed.
 * With work (n elements) the cost is O(n log n) (an in-place heap sort of work);
 * with work NULL it compares every pair, O(n^2): fine for a few thousand rows.
 * A NaN score ranks below every other score and ties with other NaNs.
 * Returns 0.5 when there is no positive or no negative row (nothing to rank). */
double arr_auc(const double *scores, const uint8_t *y, int n, arr_auc_item *work);

/* True when the account belongs to the held-out set (pct percent of accounts, by a
 * hash of the id): train on the others, report AUC on these. pct <= 0 holds out none,
 * >= 100 all. The hash mixes the id twice with a fixed key, unlike
 * arr_strategy_is_challenger's single round with the experiment's salt, so the
 * held-out set is not tied to either strategy arm. */
bool arr_score_holdout(int64_t account_id, int pct);

#endif
