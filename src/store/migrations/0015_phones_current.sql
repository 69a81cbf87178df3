-- 0015_phones_current: the debtor's phones are looked up by debtor for whether any is
-- usable (not ended, not bad) — by the nightly batch for every account, and by the
-- compliance checks. With valid_to and status in the index that is answered from the
-- index alone rather than a visit to each phone's row. It replaces the index on
-- debtor_id alone (a prefix of this one).
CREATE INDEX phones_debtor_current ON phones (debtor_id, valid_to, status);
DROP INDEX phones_debtor;
