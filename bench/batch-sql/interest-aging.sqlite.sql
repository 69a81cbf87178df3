-- interest-aging.sqlite.sql — the nightly batch's interest and aging for one as-of date
-- as set-based SQL for the sqlite3 CLI: the baseline of bench/batch (f). It must end
-- with exactly what `arrears batch run --as-of D` writes for interest and aging
-- (bench/batch compares the two databases afterwards), so every rule below follows a
-- line of arrears' source:
--
--   src/service/batch.c      which accounts run (no batch state for D yet), which
--                            accrue (open, rate > 0, rate capped at 1000%), hold ranges
--                            (hold_ranges), the memo, the principal points
--   src/core/interest.c      accrual: days max(accrued_through + 1, placed_on + 1) ..
--                            D minus hold days; total = carry + rate x sum over those
--                            days of the principal (> 0) in effect at the end of the
--                            day; cents = total / 365000000, new carry = remainder;
--                            aging buckets from first_delinquency_on
--   src/store/store_batch.c  the hold events read, the account_batch upsert
--   src/service/context.c    svc_ledger_hash: the entry's canonical text
--                            "prev|kind|date|posted|p|i|f|c|cr|payment|reverses|memo|actor"
--
-- Usage (what bench/batch runs; the parameters are SQL literals, hence the two quotes):
--   sqlite3 -bail -cmd 'PRAGMA temp_store=MEMORY' \
--           -cmd ".parameter set @as_of \"'2026-11-23'\"" \
--           -cmd ".parameter set @now \"'2026-11-23T23:00:00Z'\"" DB < interest-aging.sqlite.sql
-- @actor is optional (default 'cli', what the CLI records without --as). temp_store
-- must be set before the parameters, because changing it empties the temp schema where
-- the CLI keeps them; the script checks that it was (and that @as_of and @now are set).
--
-- What it does NOT do (the arrears side does, so the comparison is conservative): the
-- statute of limitations, the propensity score, the strategy (queues, letters, holds
-- as actions), the arrangements monitor, per-chunk commits and checkpoints. It writes
-- the interest entries, the accounts' interest and ledger head, the account_batch
-- accrual and aging columns (keeping the others), a batch_runs row and one audit event.
--
-- Hashes: arrears chains with BLAKE2b (libsodium); the sqlite3 CLI has no BLAKE2b, so
-- the same canonical text is hashed with the CLI's built-in sha3(X, 256), of similar
-- cost. The hashes therefore differ from arrears' and are not compared.
--
-- Exactness: integers only. Days are unixepoch(date(x)) / 86400 (exact: midnights are
-- multiples of 86400), never julianday(), which is a float. Integer overflow: SQLite
-- turns an overflowing integer product into a REAL silently (sum() raises an error);
-- the accrual table's CHECK (typeof(total) = 'integer') makes that fail the script
-- instead. The bound: carry + rate_e4 x sum(principal_cents x days) < 2^63, i.e. at
-- the 1000% cap principal x days < 9.2e11 (100,000.00 over 25 years), at 18% < 5.1e13;
-- a nightly run accrues one day, so no real account comes near it.
--
-- Ties the SQL cannot see: arrears reads an account's hold events ORDER BY at, and a
-- written dispute ends at the first verification_sent after it in that order; for two
-- events with the same `at` text the order is the engine's, here taken as id order.
-- arrears also stops at 64 hold ranges per account (MAX_RANGES); this script has no cap.
.bail on
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
PRAGMA foreign_keys=ON;
PRAGMA cache_size=-262144; -- arrears' settings (src/store/db_sqlite.c)

CREATE TEMP TABLE p (
  as_of TEXT NOT NULL CHECK (as_of GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  d INTEGER NOT NULL, -- as_of as a day number
  now TEXT NOT NULL,
  actor TEXT NOT NULL,
  temp_store INTEGER NOT NULL CHECK (temp_store = 2) -- MEMORY, as arrears
);
INSERT INTO temp.p SELECT @as_of, unixepoch(@as_of) / 86400, @now, coalesce(@actor, 'cli'),
                          (SELECT temp_store FROM pragma_temp_store);

BEGIN;

-- 1. The accounts this run processes: every account whose batch state is not yet at
-- the date (batch.c: one processed for the date is skipped). `advance`: the accrual
-- state moves to the date (arr_interest_accrue leaves it alone when the date is not
-- after accrued_through). `lo`: the first day to accrue.
CREATE TEMP TABLE acc (
  id INTEGER PRIMARY KEY,
  rate INTEGER NOT NULL,
  through_old TEXT,
  carry INTEGER NOT NULL,
  advance INTEGER NOT NULL,
  lo INTEGER,
  accrues INTEGER NOT NULL,
  age_bucket TEXT NOT NULL
);
INSERT INTO temp.acc
SELECT id, rate, through_old, carry, advance, lo,
       advance AND rate > 0 AND lo <= d AS accrues, age_bucket
FROM (
  SELECT a.id,
         CASE WHEN a.status = 'open' THEN min(a.interest_rate_pct_e4, 10000000) ELSE 0 END
           AS rate,
         b.accrued_through AS through_old, coalesce(b.interest_carry, 0) AS carry,
         (b.accrued_through IS NULL OR b.accrued_through < p.as_of) AS advance,
         max(coalesce(unixepoch(date(b.accrued_through)) / 86400 + 1, -2147483648),
             coalesce(unixepoch(date(a.placed_on)) / 86400 + 1, -2147483648)) AS lo,
         p.d,
         CASE
           WHEN unixepoch(date(a.first_delinquency_on)) IS NULL THEN 'unknown'
           ELSE (SELECT CASE WHEN dd <= 0 THEN 'current' WHEN dd <= 30 THEN '1-30'
                             WHEN dd <= 60 THEN '31-60' WHEN dd <= 90 THEN '61-90'
                             WHEN dd <= 120 THEN '91-120' WHEN dd <= 180 THEN '121-180'
                             WHEN dd <= 365 THEN '181-365' WHEN dd <= 730 THEN '1-2y'
                             WHEN dd <= 1095 THEN '2-3y' ELSE '3y+' END
                 FROM (SELECT p.d - unixepoch(date(a.first_delinquency_on)) / 86400 AS dd))
         END AS age_bucket
  FROM accounts a LEFT JOIN account_batch b ON b.account_id = a.id, temp.p
  WHERE b.as_of IS NULL OR b.as_of < p.as_of
);

-- 2. Principal stretches of the accruing accounts: the ledger's principal movements
-- summed by day (up to the date), a running total per account, each point in effect
-- until the day before the next point; clipped to [lo, d], positive principal only.
CREATE TEMP TABLE seg AS
SELECT account_id, s, e, principal FROM (
  SELECT x.account_id, max(x.day, acc.lo) AS s,
         coalesce(lead(x.day) OVER w - 1, p.d) AS e,
         sum(x.delta) OVER (w ROWS UNBOUNDED PRECEDING) AS principal
  FROM (SELECT l.account_id, unixepoch(l.effective_on) / 86400 AS day,
               sum(l.principal_cents) AS delta
        FROM temp.acc JOIN ledger_entries l ON l.account_id = acc.id, temp.p
        WHERE acc.accrues AND l.effective_on <= p.as_of
        GROUP BY l.account_id, l.effective_on) x
  JOIN temp.acc ON acc.id = x.account_id, temp.p
  WINDOW w AS (PARTITION BY x.account_id ORDER BY x.day)
) WHERE principal > 0 AND s <= e;

-- 3. Hold ranges (batch.c hold_ranges): a written dispute until the day before the next
-- verification_sent (and before its release), a bankruptcy until the day before its
-- release, a settlement (active, offered or completed) from its start, open-ended;
-- clipped to the accrual span, then merged per account (gaps and islands) so that the
-- days they cover can be subtracted without counting a day twice.
CREATE TEMP TABLE ev AS
SELECT e.id, e.account_id, e.type, e.at, e.released_at
FROM temp.acc JOIN account_events e ON e.account_id = acc.id
WHERE acc.accrues AND e.type IN ('dispute_written', 'verification_sent', 'bankruptcy_filed')
UNION ALL
SELECT pl.id, pl.account_id, 'settlement', pl.starts_on, NULL
FROM temp.acc JOIN plans pl ON pl.account_id = acc.id
WHERE acc.accrues AND pl.kind = 'settlement' AND pl.status IN ('active', 'offered', 'completed');
CREATE INDEX temp.ev_account ON ev (account_id, type, at);

CREATE TEMP TABLE hold AS
WITH r AS (
  SELECT ev.account_id, unixepoch(date(ev.at)) / 86400 AS f,
         min(coalesce(unixepoch(date(ev.released_at)) / 86400 - 1, 2147483647),
             CASE WHEN ev.type = 'dispute_written' THEN coalesce(
               (SELECT unixepoch(date(v.at)) / 86400 - 1 FROM temp.ev v
                WHERE v.account_id = ev.account_id AND v.type = 'verification_sent'
                  AND date(v.at) IS NOT NULL
                  AND (v.at > ev.at OR (v.at = ev.at AND v.id > ev.id))
                ORDER BY v.at, v.id LIMIT 1), 2147483647)
             ELSE 2147483647 END) AS t
  FROM temp.ev WHERE ev.type <> 'verification_sent' AND date(ev.at) IS NOT NULL
), c AS (
  SELECT r.account_id, max(r.f, acc.lo) AS f, min(r.t, p.d) AS t
  FROM r JOIN temp.acc ON acc.id = r.account_id, temp.p
  WHERE max(r.f, acc.lo) <= min(r.t, p.d)
), b AS (
  SELECT *, CASE WHEN f > max(t) OVER (PARTITION BY account_id ORDER BY f, t
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
            THEN 1 ELSE 0 END AS brk
  FROM c
), g AS (
  SELECT *, sum(brk) OVER (PARTITION BY account_id ORDER BY f, t ROWS UNBOUNDED PRECEDING)
              AS island
  FROM b
)
SELECT account_id, min(f) AS f, max(t) AS t FROM g GROUP BY account_id, island;
CREATE INDEX temp.hold_account ON hold (account_id);

-- 4. The accrual of every processed account: total = carry + rate x principal-days
-- outside holds (the CHECK turns a silent integer overflow into an error), then whole
-- cents and the new carry.
CREATE TEMP TABLE accrual (
  id INTEGER PRIMARY KEY,
  total INTEGER NOT NULL CHECK (typeof(total) = 'integer' AND total >= 0)
);
INSERT INTO temp.accrual
SELECT acc.id, acc.carry + acc.rate * coalesce(pd.principal_days, 0)
FROM temp.acc LEFT JOIN (
  SELECT seg.account_id,
         sum(seg.principal * (seg.e - seg.s + 1 - coalesce(
           (SELECT sum(max(0, min(seg.e, h.t) - max(seg.s, h.f) + 1)) FROM temp.hold h
            WHERE h.account_id = seg.account_id), 0))) AS principal_days
  FROM temp.seg GROUP BY seg.account_id
) pd ON pd.account_id = acc.id
WHERE acc.accrues;

CREATE TEMP TABLE res AS
SELECT acc.id, acc.rate, acc.through_old, acc.age_bucket,
       CASE WHEN acc.advance THEN p.as_of ELSE acc.through_old END AS through_new,
       coalesce(x.total / 365000000, 0) AS cents,
       coalesce(x.total % 365000000, acc.carry) AS carry_new
FROM temp.acc LEFT JOIN temp.accrual x ON x.id = acc.id, temp.p;

-- 5. One interest entry per account with cents > 0, chained to the account's ledger
-- head (the genesis hash when it has none), in account order.
CREATE TEMP TABLE post AS
SELECT r.id AS account_id, r.cents, r.memo, r.prev,
       lower(hex(sha3(r.prev || '|interest|' || p.as_of || '|' || p.now || '|0|' || r.cents
                      || '|0|0|0|0|0|' || r.memo || '|' || p.actor, 256))) AS hash
FROM (
  SELECT res.id, res.cents,
         'interest after ' || coalesce(res.through_old, 'placement') || ' through '
           || p.as_of || ' at ' || (res.rate / 10000) || '.'
           || printf('%04d', res.rate % 10000) || '%' AS memo,
         CASE WHEN a.ledger_head = '' THEN
           lower(hex(sha3('arrears-ledger-v1|' || a.client_id || '|' || a.client_account, 256)))
         ELSE a.ledger_head END AS prev
  FROM temp.res JOIN accounts a ON a.id = res.id, temp.p
  WHERE res.cents > 0
) r, temp.p;

INSERT INTO ledger_entries (account_id, kind, effective_on, posted_at, principal_cents,
                            interest_cents, fees_cents, costs_cents, credit_cents,
                            payment_id, reverses_id, memo, actor, prev_hash, hash)
SELECT post.account_id, 'interest', p.as_of, p.now, 0, post.cents, 0, 0, 0, NULL, NULL,
       post.memo, p.actor, post.prev, post.hash
FROM temp.post, temp.p ORDER BY post.account_id;

UPDATE accounts SET interest_cents = interest_cents + post.cents, ledger_head = post.hash,
                    updated_at = (SELECT now FROM temp.p)
FROM temp.post WHERE accounts.id = post.account_id;

-- 6. The batch state: accrual and aging columns; the others (score, queue, ...) kept.
INSERT INTO account_batch (account_id, as_of, accrued_through, interest_carry, age_bucket)
SELECT res.id, p.as_of, res.through_new, res.carry_new, res.age_bucket
FROM temp.res, temp.p WHERE true ORDER BY res.id
ON CONFLICT (account_id) DO UPDATE SET as_of = excluded.as_of,
  accrued_through = excluded.accrued_through, interest_carry = excluded.interest_carry,
  age_bucket = excluded.age_bucket;

-- 7. The run and one audit event.
INSERT INTO batch_runs (as_of, status, phase, last_account_id, accounts, interest_entries,
                        interest_cents, time_barred, started_at, finished_at, actor)
SELECT p.as_of, 'done', 'done', coalesce((SELECT max(id) FROM temp.res), 0),
       (SELECT count(*) FROM temp.res), (SELECT count(*) FROM temp.post),
       (SELECT coalesce(sum(cents), 0) FROM temp.post), 0, p.now, p.now, p.actor
FROM temp.p WHERE true
ON CONFLICT (as_of) DO NOTHING;
INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, prev_hash, hash)
SELECT h.last_id + 1, p.now, p.actor, 'batch.done', 'batch_run',
       CAST((SELECT id FROM batch_runs WHERE as_of = p.as_of) AS TEXT),
       json_object('as_of', p.as_of, 'accounts', (SELECT count(*) FROM temp.res),
                   'interest_entries', (SELECT count(*) FROM temp.post)),
       h.last_hash, lower(hex(sha3(h.last_hash || '|batch.done|' || p.as_of, 256)))
FROM audit_head h, temp.p WHERE h.id = 1;
UPDATE audit_head SET last_id = last_id + 1,
       last_hash = (SELECT hash FROM audit_log WHERE id = audit_head.last_id + 1) WHERE id = 1;
COMMIT;

SELECT 'sqlite3 interest and aging ' || p.as_of || ': ' || (SELECT count(*) FROM temp.res)
       || ' accounts, ' || (SELECT count(*) FROM temp.post) || ' interest entries ('
       || (SELECT coalesce(sum(cents), 0) FROM temp.post) || ' cents)'
FROM temp.p;
