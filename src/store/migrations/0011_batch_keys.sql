-- 0011_batch_keys: the nightly batch rewrites every account's batch state each night,
-- so its table is keyed by the account id itself ({{KEY}}: the rowid on SQLite, where
-- "BIGINT PRIMARY KEY" had made a rowid table plus a separate unique index, two B-tree
-- writes per account). The (queue, priority) index is dropped: no query reads through
-- it (the work queue joins by account id), and every nightly upsert paid for it.
CREATE TABLE account_batch_new (
  account_id {{KEY}} REFERENCES accounts(id),
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
INSERT INTO account_batch_new (account_id, as_of, accrued_through, interest_carry,
  age_bucket, time_barred, score, queue, priority, arm, strategy_version)
  SELECT account_id, as_of, accrued_through, interest_carry, age_bucket, time_barred,
  score, queue, priority, arm, strategy_version FROM account_batch;
DROP TABLE account_batch;
ALTER TABLE account_batch_new RENAME TO account_batch;
