-- 0002_workstation: what the HTTP workstation needs — passwords, sessions shared by
-- every server process (so several `arrears serve` can run against one PostgreSQL),
-- API tokens for integrations, login attempts for throttling, call details (reason
-- for delinquency, a note) and promises to pay taken on a call, and indexes for the
-- collector's search box and work queue.

ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN password_changed_at TEXT;

-- Only a hash of the session token is stored: a database dump does not hand out
-- live sessions. The CSRF token is per session, returned to the page at login.
CREATE TABLE sessions (
  id {{ID}},
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  remote_addr TEXT,
  ended_at TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);

CREATE TABLE login_attempts (
  id {{ID}},
  username TEXT NOT NULL,
  remote_addr TEXT NOT NULL,
  at TEXT NOT NULL,
  ok BIGINT NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts (username, at);
CREATE INDEX login_attempts_addr ON login_attempts (remote_addr, at);

ALTER TABLE contacts ADD COLUMN reason TEXT;
ALTER TABLE contacts ADD COLUMN note TEXT;

CREATE TABLE promises (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  contact_id BIGINT REFERENCES contacts(id),
  amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
  currency TEXT NOT NULL DEFAULT 'USD',
  due_on TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  actor TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX promises_account ON promises (account_id);
CREATE INDEX promises_contact ON promises (contact_id) WHERE contact_id IS NOT NULL;

-- Search: by last name (case-insensitive), SSN last four, phone number. Client
-- account numbers use the (client_id, client_account) unique index per client.
CREATE INDEX debtors_last_name ON debtors (lower(last_name));
CREATE INDEX debtors_ssn_last4 ON debtors (ssn_last4) WHERE ssn_last4 IS NOT NULL;
CREATE INDEX phones_number ON phones (number);
-- The work queue: a collector's open accounts.
CREATE INDEX accounts_collector ON accounts (collector_id, status)
  WHERE collector_id IS NOT NULL;
CREATE INDEX audit_log_action ON audit_log (action);
