-- 0008_batch: the nightly batch. One run per as-of date, resumable: each chunk of
-- accounts commits together with the run's checkpoint, so a run killed at any moment
-- and started again continues where the last committed chunk ended. What the batch
-- keeps per account (interest accrued through, the carried fraction of a cent, aging,
-- time-barred, score, queue) lives apart from the account row.
CREATE TABLE batch_runs (
  id {{ID}},
  as_of TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  phase TEXT NOT NULL,
  last_account_id BIGINT NOT NULL DEFAULT 0,
  accounts BIGINT NOT NULL DEFAULT 0,
  interest_entries BIGINT NOT NULL DEFAULT 0,
  interest_cents BIGINT NOT NULL DEFAULT 0,
  time_barred BIGINT NOT NULL DEFAULT 0,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  actor TEXT NOT NULL
);

CREATE TABLE account_batch (
  account_id BIGINT PRIMARY KEY REFERENCES accounts(id),
  as_of TEXT NOT NULL,
  accrued_through TEXT,
  interest_carry BIGINT NOT NULL DEFAULT 0,
  age_bucket TEXT NOT NULL,
  time_barred BIGINT NOT NULL DEFAULT 0,
  score BIGINT,
  queue TEXT,
  priority BIGINT,
  arm TEXT,
  strategy_version BIGINT
);
CREATE INDEX account_batch_queue ON account_batch (queue, priority);
