-- 0004_contact_review: what the compliance engine needs once every contact goes
-- through it. (Kept apart from 0003 so that a database migrated to 0003 gets them;
-- IF NOT EXISTS because development builds briefly had the indexes in 0003.)

-- The engine reads a person's recent contacts across their accounts, and the
-- compliance report reads a period's contacts.
CREATE INDEX IF NOT EXISTS contacts_debtor_at ON contacts (debtor_id, at);
CREATE INDEX IF NOT EXISTS contacts_at ON contacts (at);

-- A contact the engine would have refused is logged only with a supervisor's
-- override and its reason, and waits for compliance review.
ALTER TABLE contacts ADD COLUMN override_reason TEXT;
ALTER TABLE contacts ADD COLUMN override_by TEXT;
ALTER TABLE contacts ADD COLUMN review TEXT;
