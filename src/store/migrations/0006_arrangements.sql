-- 0006_arrangements: payment plans, settlements, promises' monitoring, approvals, and
-- the client's limits for them.

-- What a collector may agree without a supervisor: the smallest installment, the
-- longest plan, the lowest settlement (basis points of the balance) and the grace
-- days before a missed installment or promise counts as broken.
ALTER TABLE clients ADD COLUMN min_installment_cents BIGINT NOT NULL DEFAULT 2500;
ALTER TABLE clients ADD COLUMN max_plan_months BIGINT NOT NULL DEFAULT 24;
ALTER TABLE clients ADD COLUMN settlement_floor_bp BIGINT NOT NULL DEFAULT 6000;
ALTER TABLE clients ADD COLUMN grace_days BIGINT NOT NULL DEFAULT 5;

-- A plan or a settlement. Re-negotiating supersedes the old one (replaces_id links
-- them), so the history stays. status: pending_approval, active, completed, broken,
-- superseded, rejected, expired (an offer not accepted in time), offered (a
-- settlement offer not yet accepted).
CREATE TABLE plans (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  kind TEXT NOT NULL CHECK (kind IN ('plan','settlement')),
  status TEXT NOT NULL,
  total_cents BIGINT NOT NULL CHECK (total_cents > 0),
  down_cents BIGINT NOT NULL DEFAULT 0,
  balance_cents BIGINT NOT NULL,
  currency TEXT NOT NULL DEFAULT 'USD',
  frequency TEXT NOT NULL,
  installments BIGINT NOT NULL,
  first_due_on TEXT NOT NULL,
  starts_on TEXT NOT NULL,
  expires_on TEXT,
  needs_approval BIGINT NOT NULL DEFAULT 0,
  reason TEXT,
  replaces_id BIGINT REFERENCES plans(id),
  auth_method TEXT,
  auth_on TEXT,
  auth_by TEXT,
  created_by TEXT NOT NULL,
  decided_by TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX plans_account ON plans (account_id, id);
CREATE INDEX plans_status ON plans (status);

CREATE TABLE plan_installments (
  plan_id BIGINT NOT NULL REFERENCES plans(id),
  seq BIGINT NOT NULL,
  due_on TEXT NOT NULL,
  amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
  down_payment BIGINT NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'pending',
  paid_cents BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (plan_id, seq)
);

-- Arrangements outside the client's limits and credit extensions wait here for a
-- supervisor. status: pending, approved, rejected.
CREATE TABLE approvals (
  id {{ID}},
  kind TEXT NOT NULL,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  plan_id BIGINT REFERENCES plans(id),
  summary TEXT NOT NULL,
  reasons TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  requested_by TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT,
  note TEXT
);
CREATE INDEX approvals_status ON approvals (status, id);

-- A promise is judged like a one-installment plan.
ALTER TABLE promises ADD COLUMN paid_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE promises ADD COLUMN judged_at TEXT;

-- The debtor's financial statement, one version per change (history kept; the newest
-- is current). Lines: income by source, expenses by category, assets.
CREATE TABLE financial_statements (
  id {{ID}},
  debtor_id BIGINT NOT NULL REFERENCES debtors(id),
  dependents BIGINT NOT NULL DEFAULT 0,
  hardship TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX financial_statements_debtor ON financial_statements (debtor_id, id);
CREATE TABLE financial_statement_lines (
  statement_id BIGINT NOT NULL REFERENCES financial_statements(id),
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('income','expense','asset')),
  category TEXT NOT NULL,
  amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
  period TEXT NOT NULL,
  PRIMARY KEY (statement_id, seq)
);
