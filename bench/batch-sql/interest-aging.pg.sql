-- interest-aging.pg.sql — the nightly batch's interest and aging for one as-of date
-- as set-based SQL for PostgreSQL: the second baseline of bench/batch (f), the same
-- work as interest-aging.sqlite.sql (read its header: the rules, and what it leaves to
-- arrears), in one transaction, on an arrears database (`arrears --db postgresql://...
-- init`, then the rows).
--
-- Usage:
--   psql -X -q -v as_of=2026-11-23 -v now=2026-11-23T23:00:00Z -f interest-aging.pg.sql URL
-- (now defaults to as_of T23:00:00Z; actor defaults to 'cli').
--
-- Differences from the SQLite script, none of which changes a result: dates are the
-- date type (day arithmetic is exact integers); the money sums are numeric (sum() of a
-- bigint is numeric), cents and carry come from div()/mod() and fit bigint; a product
-- principal x days that overflowed bigint would raise an error, never wrap. Hashes are
-- sha256() over the same canonical text (arrears: BLAKE2b), not compared. Timestamps
-- in account_events.at are read in UTC (SET LOCAL TimeZone), as arrears does; a value
-- that does not parse raises an error here, where arrears skips the event.
\set ON_ERROR_STOP on
\if :{?now}
\else
\set now :as_of'T23:00:00Z'
\endif
\if :{?actor}
\else
\set actor cli
\endif
SET temp_buffers = '256MB'; -- before the session's first temp table
BEGIN;
SET LOCAL work_mem = '256MB';
SET LOCAL TimeZone = 'UTC';

CREATE TEMP TABLE p ON COMMIT DROP AS
SELECT CAST(:'as_of' AS date) AS d, CAST(:'as_of' AS text) AS as_of,
       CAST(:'now' AS text) AS now, CAST(:'actor' AS text) AS actor;
ANALYZE p; -- one row: without statistics the planner assumes 1,270 and costs every join
           -- high enough to JIT-compile it

-- 1. The accounts this run processes (no batch state for the date yet), their accrual
-- span and aging bucket.
CREATE TEMP TABLE acc ON COMMIT DROP AS
SELECT id, rate, through_old, carry, advance, lo,
       advance AND rate > 0 AND lo <= d AS accrues, age_bucket
FROM (
  SELECT a.id,
         CASE WHEN a.status = 'open' THEN least(a.interest_rate_pct_e4, 10000000) ELSE 0 END
           AS rate,
         b.accrued_through AS through_old, coalesce(b.interest_carry, 0) AS carry,
         (b.accrued_through IS NULL OR b.accrued_through < p.as_of) AS advance,
         greatest(CAST(b.accrued_through AS date) + 1, CAST(a.placed_on AS date) + 1) AS lo,
         p.d,
         CASE
           WHEN a.first_delinquency_on IS NULL THEN 'unknown'
           ELSE (SELECT CASE WHEN dd <= 0 THEN 'current' WHEN dd <= 30 THEN '1-30'
                             WHEN dd <= 60 THEN '31-60' WHEN dd <= 90 THEN '61-90'
                             WHEN dd <= 120 THEN '91-120' WHEN dd <= 180 THEN '121-180'
                             WHEN dd <= 365 THEN '181-365' WHEN dd <= 730 THEN '1-2y'
                             WHEN dd <= 1095 THEN '2-3y' ELSE '3y+' END
                 FROM (SELECT p.d - CAST(a.first_delinquency_on AS date) AS dd) x)
         END AS age_bucket
  FROM accounts a LEFT JOIN account_batch b ON b.account_id = a.id CROSS JOIN p
  WHERE b.as_of IS NULL OR b.as_of < p.as_of
) s;
ALTER TABLE acc ADD PRIMARY KEY (id);
ANALYZE acc;

-- 2. Principal stretches of the accruing accounts (running total of the principal
-- movements by day, each in effect until the day before the next), clipped to
-- [lo, d], positive principal only.
CREATE TEMP TABLE seg ON COMMIT DROP AS
SELECT account_id, s, e, principal FROM (
  SELECT x.account_id, greatest(x.day, acc.lo) AS s,
         coalesce(lead(x.day) OVER w - 1, p.d) AS e,
         sum(x.delta) OVER (w ROWS UNBOUNDED PRECEDING) AS principal
  FROM (SELECT l.account_id, CAST(l.effective_on AS date) AS day,
               sum(l.principal_cents) AS delta
        FROM acc JOIN ledger_entries l ON l.account_id = acc.id CROSS JOIN p
        WHERE acc.accrues AND l.effective_on <= p.as_of
        GROUP BY l.account_id, l.effective_on) x
  JOIN acc ON acc.id = x.account_id CROSS JOIN p
  WINDOW w AS (PARTITION BY x.account_id ORDER BY x.day)
) y WHERE principal > 0 AND s <= e;
ANALYZE seg;

-- 3. Hold ranges, clipped to the accrual span and merged per account.
CREATE TEMP TABLE ev ON COMMIT DROP AS
SELECT e.id, e.account_id, e.type, e.at, e.released_at
FROM acc JOIN account_events e ON e.account_id = acc.id
WHERE acc.accrues AND e.type IN ('dispute_written', 'verification_sent', 'bankruptcy_filed')
UNION ALL
SELECT pl.id, pl.account_id, 'settlement', pl.starts_on, NULL
FROM acc JOIN plans pl ON pl.account_id = acc.id
WHERE acc.accrues AND pl.kind = 'settlement' AND pl.status IN ('active', 'offered', 'completed');
CREATE INDEX ON ev (account_id, type, at);
ANALYZE ev;

CREATE TEMP TABLE hold ON COMMIT DROP AS
WITH r AS (
  SELECT ev.account_id, CAST(CAST(ev.at AS timestamptz) AS date) AS f,
         least(CAST(CAST(nullif(ev.released_at, '') AS timestamptz) AS date) - 1,
               CASE WHEN ev.type = 'dispute_written' THEN
                 (SELECT CAST(CAST(v.at AS timestamptz) AS date) - 1 FROM ev v
                  WHERE v.account_id = ev.account_id AND v.type = 'verification_sent'
                    AND (v.at > ev.at OR (v.at = ev.at AND v.id > ev.id))
                  ORDER BY v.at, v.id LIMIT 1)
               END) AS t -- NULL: open-ended (least() ignores NULLs)
  FROM ev WHERE ev.type <> 'verification_sent'
), c AS (
  SELECT r.account_id, greatest(r.f, acc.lo) AS f, least(r.t, p.d) AS t
  FROM r JOIN acc ON acc.id = r.account_id CROSS JOIN p
  WHERE greatest(r.f, acc.lo) <= least(r.t, p.d)
), b AS (
  SELECT c.*, CASE WHEN f > max(t) OVER (PARTITION BY account_id ORDER BY f, t
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
              THEN 1 ELSE 0 END AS brk
  FROM c
), g AS (
  SELECT b.*, sum(brk) OVER (PARTITION BY account_id ORDER BY f, t
                             ROWS UNBOUNDED PRECEDING) AS island
  FROM b
)
SELECT account_id, min(f) AS f, max(t) AS t FROM g GROUP BY account_id, island;
CREATE INDEX ON hold (account_id);
ANALYZE hold;

-- 4. The accrual: total = carry + rate x principal-days outside holds (numeric), whole
-- cents and the new carry.
CREATE TEMP TABLE res ON COMMIT DROP AS
SELECT acc.id, acc.rate, acc.through_old, acc.age_bucket,
       CASE WHEN acc.advance THEN p.as_of ELSE acc.through_old END AS through_new,
       CAST(coalesce(div(x.total, 365000000), 0) AS bigint) AS cents,
       CAST(coalesce(mod(x.total, 365000000), acc.carry) AS bigint) AS carry_new
FROM acc
LEFT JOIN (
  SELECT acc.id, acc.carry + acc.rate * coalesce(pd.principal_days, 0) AS total
  FROM acc LEFT JOIN (
    SELECT seg.account_id,
           sum(seg.principal * (seg.e - seg.s + 1 - coalesce(
             (SELECT sum(greatest(0, least(seg.e, h.t) - greatest(seg.s, h.f) + 1))
              FROM hold h WHERE h.account_id = seg.account_id), 0))) AS principal_days
    FROM seg GROUP BY seg.account_id
  ) pd ON pd.account_id = acc.id
  WHERE acc.accrues
) x ON x.id = acc.id
CROSS JOIN p;

-- 5. One interest entry per account with cents > 0, chained to its ledger head.
CREATE TEMP TABLE post ON COMMIT DROP AS
SELECT r.id AS account_id, r.cents, r.memo, r.prev,
       encode(sha256(convert_to(r.prev || '|interest|' || p.as_of || '|' || p.now || '|0|'
                                || r.cents || '|0|0|0|0|0|' || r.memo || '|' || p.actor,
                                'UTF8')), 'hex') AS hash
FROM (
  SELECT res.id, res.cents,
         'interest after ' || coalesce(res.through_old, 'placement') || ' through '
           || p.as_of || ' at ' || (res.rate / 10000) || '.'
           || lpad(CAST(res.rate % 10000 AS text), 4, '0') || '%' AS memo,
         CASE WHEN a.ledger_head = '' THEN
           encode(sha256(convert_to('arrears-ledger-v1|' || a.client_id || '|'
                                    || a.client_account, 'UTF8')), 'hex')
         ELSE a.ledger_head END AS prev
  FROM res JOIN accounts a ON a.id = res.id CROSS JOIN p
  WHERE res.cents > 0
) r CROSS JOIN p;

INSERT INTO ledger_entries (account_id, kind, effective_on, posted_at, principal_cents,
                            interest_cents, fees_cents, costs_cents, credit_cents,
                            payment_id, reverses_id, memo, actor, prev_hash, hash)
SELECT post.account_id, 'interest', p.as_of, p.now, 0, post.cents, 0, 0, 0, NULL, NULL,
       post.memo, p.actor, post.prev, post.hash
FROM post CROSS JOIN p ORDER BY post.account_id;

UPDATE accounts SET interest_cents = accounts.interest_cents + post.cents,
                    ledger_head = post.hash, updated_at = p.now
FROM post CROSS JOIN p WHERE accounts.id = post.account_id;

-- 6. The batch state: accrual and aging columns; the others kept.
INSERT INTO account_batch (account_id, as_of, accrued_through, interest_carry, age_bucket)
SELECT res.id, p.as_of, res.through_new, res.carry_new, res.age_bucket
FROM res CROSS JOIN p ORDER BY res.id
ON CONFLICT (account_id) DO UPDATE SET as_of = excluded.as_of,
  accrued_through = excluded.accrued_through, interest_carry = excluded.interest_carry,
  age_bucket = excluded.age_bucket;

-- 7. The run and one audit event.
INSERT INTO batch_runs (as_of, status, phase, last_account_id, accounts, interest_entries,
                        interest_cents, time_barred, started_at, finished_at, actor)
SELECT p.as_of, 'done', 'done', coalesce((SELECT max(id) FROM res), 0),
       (SELECT count(*) FROM res), (SELECT count(*) FROM post),
       (SELECT coalesce(sum(cents), 0) FROM post), 0, p.now, p.now, p.actor
FROM p
ON CONFLICT (as_of) DO NOTHING;
INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, prev_hash, hash)
SELECT h.last_id + 1, p.now, p.actor, 'batch.done', 'batch_run',
       CAST((SELECT id FROM batch_runs WHERE as_of = p.as_of) AS text),
       json_build_object('as_of', p.as_of, 'accounts', (SELECT count(*) FROM res),
                         'interest_entries', (SELECT count(*) FROM post))::text,
       h.last_hash,
       encode(sha256(convert_to(h.last_hash || '|batch.done|' || p.as_of, 'UTF8')), 'hex')
FROM audit_head h CROSS JOIN p WHERE h.id = 1;
UPDATE audit_head SET last_id = last_id + 1,
       last_hash = (SELECT hash FROM audit_log WHERE id = audit_head.last_id + 1) WHERE id = 1;

SELECT 'postgres interest and aging ' || p.as_of || ': ' || (SELECT count(*) FROM res)
       || ' accounts, ' || (SELECT count(*) FROM post) || ' interest entries ('
       || (SELECT coalesce(sum(cents), 0) FROM post) || ' cents)'
FROM p;
COMMIT;
