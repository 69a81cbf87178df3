-- 0003_compliance: the facts that change what may be done with an account (events such
-- as a written dispute or a cease, each with when it happened and, for facts that
-- end, when it was released), and the admins' switches over the compliance rules.

CREATE TABLE account_events (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  released_at TEXT,
  note TEXT,
  data TEXT,
  actor TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX account_events_account ON account_events (account_id, type);

CREATE TABLE compliance_rule_settings (
  rule_id TEXT PRIMARY KEY,
  enabled BIGINT NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
