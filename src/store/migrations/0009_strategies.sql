-- 0009_strategies: collection strategies as data. Every save is a new version (the
-- old ones stay, so a run can always say which rules it applied); one assignment row
-- says which version is the champion and which, if any, the challenger with its share
-- of accounts. What the batch decided per account and date — letters, emails, skip
-- traces, escalations, holds — is kept for the letters run and the reports.
CREATE TABLE strategies (
  id {{ID}},
  version BIGINT NOT NULL UNIQUE,
  text TEXT NOT NULL,
  note TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE strategy_assignment (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  champion_id BIGINT REFERENCES strategies(id),
  challenger_id BIGINT REFERENCES strategies(id),
  challenger_pct BIGINT NOT NULL DEFAULT 0,
  changed_by TEXT NOT NULL,
  changed_at TEXT NOT NULL
);

CREATE TABLE batch_actions (
  as_of TEXT NOT NULL,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  rule TEXT NOT NULL,
  strategy_version BIGINT NOT NULL,
  PRIMARY KEY (as_of, account_id, kind, name)
);
CREATE INDEX batch_actions_kind ON batch_actions (as_of, kind);
