-- 0016_letters: letters and emails to debtors, the templates they are filled from,
-- email opt-out tokens, inbound correspondence with its documents, and skip-trace
-- requests raised by returned mail.
--
-- letter_templates holds the admins' edited copies; the files under templates/letters
-- (built into the binary) are version 0 of each name and language. A letter keeps the
-- template version and the filled fields (JSON) it was made from, so its PDF can be
-- rendered again, byte for byte, without storing it.

CREATE TABLE letter_templates (
  id {{ID}},
  name TEXT NOT NULL,
  language TEXT NOT NULL,
  version BIGINT NOT NULL,
  body TEXT NOT NULL,
  note TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (name, language, version)
);

-- One row per letter or email made. trigger_key makes each one once: "once" for a
-- template sent once per account (the validation notice), the run date for repeating
-- reminders, "plan:ID", "settlement:ID", "event:ID", "paid:DATE" for event letters.
CREATE TABLE letters (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  debtor_id BIGINT NOT NULL REFERENCES debtors(id),
  channel TEXT NOT NULL CHECK (channel IN ('letter','email')),
  template TEXT NOT NULL,
  language TEXT NOT NULL,
  template_version BIGINT NOT NULL,
  trigger_key TEXT NOT NULL,
  as_of TEXT NOT NULL,
  sent_on TEXT NOT NULL,
  status TEXT NOT NULL,
  address_id BIGINT REFERENCES addresses(id),
  email_id BIGINT REFERENCES emails(id),
  recipient TEXT NOT NULL,
  pages BIGINT NOT NULL DEFAULT 0,
  fields TEXT NOT NULL,
  returned_on TEXT,
  return_reason TEXT,
  created_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  UNIQUE (account_id, template, trigger_key)
);
CREATE INDEX letters_as_of ON letters (as_of, id);

-- Only a hash of each token is kept: the token itself is in the email alone.
CREATE TABLE optout_tokens (
  token_hash TEXT PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  email_id BIGINT NOT NULL REFERENCES emails(id),
  created_at TEXT NOT NULL,
  used_at TEXT
);

-- Uploaded documents (scans, emails), base64 so that both engines store them alike.
CREATE TABLE documents (
  id {{ID}},
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at TEXT NOT NULL,
  actor TEXT NOT NULL
);

-- Inbound correspondence filed to an account. kind: dispute, cease, payment,
-- bankruptcy, attorney, other; suggested_kind is what the classifier read in it and
-- suggested_phrase the phrase that decided it (NULL for other); event_id the
-- compliance fact it set (a dispute or cease sets the hold).
CREATE TABLE correspondence (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  channel TEXT NOT NULL,
  kind TEXT NOT NULL,
  suggested_kind TEXT,
  suggested_phrase TEXT,
  received_on TEXT NOT NULL,
  subject TEXT,
  body_text TEXT,
  document_id BIGINT REFERENCES documents(id),
  event_id BIGINT REFERENCES account_events(id),
  created_at TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX correspondence_account ON correspondence (account_id, received_on, id);

-- Work for the skip tracers: an account whose mail came back or whose email bounced.
CREATE TABLE skip_trace_requests (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  reason TEXT NOT NULL,
  source TEXT NOT NULL,
  requested_on TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  created_at TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX skip_trace_requests_account ON skip_trace_requests (account_id);

-- The letters run looks for what happened in the days before its date: plans and
-- settlements changed (confirmation, offer, broken-plan letters), cease and
-- verification events (acknowledgement, verification response), accounts paid.
CREATE INDEX plans_updated ON plans (updated_at);
CREATE INDEX account_events_type_at ON account_events (type, at);
CREATE INDEX accounts_paid_off ON accounts (last_payment_on)
  WHERE principal_cents + interest_cents + fees_cents + costs_cents <= 0;
