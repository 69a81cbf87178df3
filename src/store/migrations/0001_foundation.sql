-- 0001_foundation.sql — clients, users, debtors and their contact points, accounts,
-- the append-only ledger, payments, notes, contacts and the hash-chained audit log.
-- Shared by SQLite and PostgreSQL: {{ID}} becomes the engine's auto-increment primary
-- key; everything else is portable SQL. Money is BIGINT cents, dates 'YYYY-MM-DD'
-- text, instants ISO 8601 UTC text, ciphertext base64 text.

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE clients (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  commission_pct_e4 BIGINT NOT NULL DEFAULT 0,
  allocation_order TEXT NOT NULL DEFAULT 'costs,fees,interest,principal',
  currency TEXT NOT NULL DEFAULT 'USD',
  active BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);

CREATE TABLE users (
  id {{ID}},
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('collector','supervisor','compliance','admin','client','system')),
  client_id BIGINT REFERENCES clients(id),
  active BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);

CREATE TABLE debtors (
  id {{ID}},
  first_name TEXT NOT NULL,
  middle_name TEXT,
  last_name TEXT NOT NULL,
  suffix TEXT,
  ssn_enc TEXT,
  ssn_last4 TEXT,
  ssn_key BIGINT,
  dob_enc TEXT,
  namedob_key BIGINT,
  language TEXT NOT NULL DEFAULT 'en',
  flags BIGINT NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX debtors_ssn_key ON debtors (ssn_key) WHERE ssn_key IS NOT NULL;
CREATE INDEX debtors_namedob_key ON debtors (namedob_key) WHERE namedob_key IS NOT NULL;

CREATE TABLE addresses (
  id {{ID}},
  debtor_id BIGINT NOT NULL REFERENCES debtors(id),
  line1 TEXT NOT NULL,
  line2 TEXT,
  city TEXT,
  state TEXT,
  zip TEXT,
  status TEXT NOT NULL DEFAULT 'unverified',
  source TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX addresses_debtor ON addresses (debtor_id);

CREATE TABLE phones (
  id {{ID}},
  debtor_id BIGINT NOT NULL REFERENCES debtors(id),
  number TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'other',
  consent TEXT NOT NULL DEFAULT 'unknown',
  status TEXT NOT NULL DEFAULT 'unverified',
  source TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX phones_debtor ON phones (debtor_id);

CREATE TABLE emails (
  id {{ID}},
  debtor_id BIGINT NOT NULL REFERENCES debtors(id),
  address TEXT NOT NULL,
  consent TEXT NOT NULL DEFAULT 'unknown',
  status TEXT NOT NULL DEFAULT 'unverified',
  source TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX emails_debtor ON emails (debtor_id);

-- Every change to an address, phone or email (status, consent, replacement) keeps
-- the old value here, so history survives edits.
CREATE TABLE contact_point_history (
  id {{ID}},
  kind TEXT NOT NULL CHECK (kind IN ('address','phone','email')),
  point_id BIGINT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT,
  source TEXT NOT NULL,
  changed_at TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX contact_point_history_point ON contact_point_history (kind, point_id);

CREATE TABLE placements (
  id {{ID}},
  client_id BIGINT NOT NULL REFERENCES clients(id),
  file_name TEXT NOT NULL,
  file_hash TEXT NOT NULL,
  rows_read BIGINT NOT NULL DEFAULT 0,
  rows_loaded BIGINT NOT NULL DEFAULT 0,
  rows_duplicate BIGINT NOT NULL DEFAULT 0,
  rows_rejected BIGINT NOT NULL DEFAULT 0,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  actor TEXT NOT NULL
);

CREATE TABLE accounts (
  id {{ID}},
  client_id BIGINT NOT NULL REFERENCES clients(id),
  client_account TEXT NOT NULL,
  debtor_id BIGINT NOT NULL REFERENCES debtors(id),
  placement_id BIGINT REFERENCES placements(id),
  original_creditor TEXT,
  account_type TEXT NOT NULL DEFAULT 'other',
  status TEXT NOT NULL DEFAULT 'open',
  currency TEXT NOT NULL DEFAULT 'USD',
  placed_on TEXT NOT NULL,
  open_date TEXT,
  charge_off_date TEXT,
  first_delinquency_on TEXT,
  last_payment_on TEXT,
  -- The last payment date the creditor reported at placement; kept apart so that
  -- last_payment_on can fall back to it when our own payments are reversed.
  creditor_last_payment_on TEXT,
  itemization_date TEXT,
  interest_rate_pct_e4 BIGINT NOT NULL DEFAULT 0,
  collector_id BIGINT REFERENCES users(id),
  -- Cached balances: derived from ledger_entries, verified by `audit verify`.
  principal_cents BIGINT NOT NULL DEFAULT 0,
  interest_cents BIGINT NOT NULL DEFAULT 0,
  fees_cents BIGINT NOT NULL DEFAULT 0,
  costs_cents BIGINT NOT NULL DEFAULT 0,
  credit_cents BIGINT NOT NULL DEFAULT 0,
  -- Hash of the newest ledger entry: each entry chains to the one before it.
  ledger_head TEXT NOT NULL DEFAULT '',
  attributes TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (client_id, client_account)
);
CREATE INDEX accounts_debtor ON accounts (debtor_id);

-- Further debtors on an account (co-signers); the primary is accounts.debtor_id.
CREATE TABLE account_debtors (
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  debtor_id BIGINT NOT NULL REFERENCES debtors(id),
  role TEXT NOT NULL DEFAULT 'co-signer',
  PRIMARY KEY (account_id, debtor_id)
);

CREATE TABLE payments (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
  currency TEXT NOT NULL DEFAULT 'USD',
  method TEXT NOT NULL,
  effective_on TEXT NOT NULL,
  reference TEXT,
  idempotency_key TEXT UNIQUE,
  status TEXT NOT NULL DEFAULT 'posted' CHECK (status IN ('posted','reversed')),
  reversal_reason TEXT,
  reversed_at TEXT,
  source TEXT NOT NULL,
  created_at TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX payments_account ON payments (account_id);

-- Append-only: rows are never updated or deleted; corrections are new entries.
CREATE TABLE ledger_entries (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  kind TEXT NOT NULL,
  effective_on TEXT NOT NULL,
  posted_at TEXT NOT NULL,
  principal_cents BIGINT NOT NULL,
  interest_cents BIGINT NOT NULL,
  fees_cents BIGINT NOT NULL,
  costs_cents BIGINT NOT NULL,
  credit_cents BIGINT NOT NULL,
  payment_id BIGINT REFERENCES payments(id),
  reverses_id BIGINT REFERENCES ledger_entries(id),
  memo TEXT,
  actor TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id);
-- Partial: placements, adjustments and interest have no payment, and skipping them
-- keeps bulk loads from maintaining index entries nobody looks up.
CREATE INDEX ledger_entries_payment ON ledger_entries (payment_id)
  WHERE payment_id IS NOT NULL;

CREATE TABLE notes (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  body TEXT NOT NULL,
  actor TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX notes_account ON notes (account_id);

CREATE TABLE contacts (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  debtor_id BIGINT NOT NULL REFERENCES debtors(id),
  channel TEXT NOT NULL,
  target TEXT,
  at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  actor TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX contacts_account ON contacts (account_id);

-- Hash-chained audit log. ids are assigned from audit_head (not auto-increment) so the
-- chain has no gaps; audit_head's single row also serializes writers on PostgreSQL.
CREATE TABLE audit_log (
  id BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE audit_head (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  last_id BIGINT NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '');
