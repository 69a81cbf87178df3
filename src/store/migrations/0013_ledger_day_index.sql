-- 0013_ledger_day_index: the ledger's per-account index also carries the effective date
-- and the principal, so the nightly batch reads an account's principal movements by day
-- from the index alone (a range scan in account order) instead of visiting every
-- ledger row; interest entries, which move no principal, are skipped in the index.
-- It replaces the index on account_id alone (a prefix of this one), so a ledger insert
-- still maintains one index for accounts.
CREATE INDEX ledger_entries_account_day ON ledger_entries (account_id, effective_on,
  principal_cents);
DROP INDEX ledger_entries_account;
