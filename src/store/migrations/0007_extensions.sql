-- 0007_extensions: a credit extension (a due-date change or a re-aging of a plan)
-- waits in the approvals inbox with what was asked for, applied when approved.
ALTER TABLE approvals ADD COLUMN payload TEXT;
