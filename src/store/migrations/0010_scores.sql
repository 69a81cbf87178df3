-- 0010_scores: propensity-to-pay models trained on the portfolio's own history (core/
-- score). Each training is kept with its held-out AUC; the newest scores accounts in
-- the nightly batch.
CREATE TABLE score_models (
  id {{ID}},
  as_of TEXT NOT NULL,
  window_days BIGINT NOT NULL,
  n_train BIGINT NOT NULL,
  n_test BIGINT NOT NULL,
  auc_e4 BIGINT NOT NULL,
  model TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
