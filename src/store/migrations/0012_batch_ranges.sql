-- 0012_batch_ranges: a nightly run split into ranges of account ids so that several
-- workers (each its own PostgreSQL connection, so its own server process) process the
-- ranges side by side. Each range keeps its own checkpoint and counters, committed
-- with each chunk of it, so a killed run resumes every range where it stopped, with
-- any number of workers. A run processed in one sequence has no ranges and keeps its
-- checkpoint in batch_runs; when a run's accounts phase ends, its ranges' counters are
-- added to batch_runs.
CREATE TABLE batch_run_ranges (
  run_id BIGINT NOT NULL REFERENCES batch_runs(id),
  seq BIGINT NOT NULL,
  first_id BIGINT NOT NULL,
  last_id BIGINT NOT NULL,
  done_through BIGINT NOT NULL,
  accounts BIGINT NOT NULL DEFAULT 0,
  interest_entries BIGINT NOT NULL DEFAULT 0,
  interest_cents BIGINT NOT NULL DEFAULT 0,
  time_barred BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, seq)
);
