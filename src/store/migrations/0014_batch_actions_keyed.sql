-- 0014_batch_actions_keyed: the nightly batch records about 15 decisions per 100
-- accounts every night (1.5 million a night at 10 million accounts). The table was a
-- rowid table plus its primary-key index plus an index on (as_of, kind): three B-tree
-- inserts per decision. On SQLite it is now stored in its primary key itself
-- ({{WITHOUT_ROWID}}), one B-tree; the (as_of, kind) index goes, as the key's leading
-- as_of already narrows every query to one night, which is then read in account order.
CREATE TABLE batch_actions_new (
  as_of TEXT NOT NULL,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  rule TEXT NOT NULL,
  strategy_version BIGINT NOT NULL,
  PRIMARY KEY (as_of, account_id, kind, name)
) {{WITHOUT_ROWID}};
INSERT INTO batch_actions_new (as_of, account_id, kind, name, rule, strategy_version)
  SELECT as_of, account_id, kind, name, rule, strategy_version FROM batch_actions;
DROP TABLE batch_actions;
ALTER TABLE batch_actions_new RENAME TO batch_actions;
