-- holds-fixture.sql — hold events and settlements for bench/batch (f), applied once to
-- the interest benchmark's state database before it is copied for arrears, sqlite3 and
-- PostgreSQL. The demo portfolio has no disputes, bankruptcies or settlements, so
-- without these rows the equivalence check would never exercise hold_ranges. About 6%
-- of the accounts (id % 211 in 1..12) get events dated around 2026-11-23: open and
-- verified disputes, releases, overlapping holds, a verification
-- before the dispute, settlements starting before, on and after the date.
-- Times are UTC "Z" instants as arrears writes them (service/compliance.c): arrears
-- reads `at` into a 21-byte buffer (arr_hold_event), so an instant with an offset or
-- fractional seconds would be cut short and its hold silently dropped.
BEGIN;
CREATE TEMP TABLE fx (k INTEGER, type TEXT, at TEXT, released_at TEXT);
INSERT INTO temp.fx VALUES
 (1, 'dispute_written', '2026-11-10T15:00:00Z', NULL),
 (2, 'dispute_written', '2026-11-05T15:00:00Z', NULL),
 (2, 'verification_sent', '2026-11-23T09:00:00Z', NULL),
 (3, 'dispute_written', '2026-11-22T05:30:00Z', NULL),
 (3, 'verification_sent', '2026-11-22T10:00:00Z', NULL),
 (4, 'bankruptcy_filed', '2026-11-15T12:00:00Z', '2026-11-23T08:00:00Z'),
 (5, 'bankruptcy_filed', '2026-11-01T12:00:00Z', NULL),
 (8, 'dispute_written', '2026-11-03T12:00:00Z', NULL),
 (8, 'verification_sent', '2026-11-12T12:00:00Z', NULL),
 (8, 'dispute_written', '2026-11-10T12:00:00Z', '2026-11-18T12:00:00Z'),
 (8, 'bankruptcy_filed', '2026-11-16T12:00:00Z', '2026-11-21T00:00:00Z'),
 (9, 'verification_sent', '2026-11-01T12:00:00Z', NULL),
 (9, 'dispute_written', '2026-11-12T12:00:00Z', NULL),
 (9, 'verification_sent', '2026-11-20T12:00:00Z', NULL),
 (10, 'dispute_written', '2026-11-23T18:00:00Z', NULL),
 (11, 'dispute_written', '2026-11-22T20:00:00Z', NULL),
 (11, 'verification_sent', '2026-11-23T20:00:00Z', NULL),
 (12, 'bankruptcy_filed', '2026-11-08', '2026-11-09');
INSERT INTO account_events (account_id, type, at, released_at, note, actor, created_at)
SELECT a.id, fx.type, fx.at, fx.released_at, 'bench/batch holds fixture', 'cli',
       '2026-11-23T12:00:00Z'
FROM accounts a JOIN temp.fx ON fx.k = a.id % 211 ORDER BY a.id, fx.rowid;
INSERT INTO plans (account_id, kind, status, total_cents, down_cents, balance_cents,
                   frequency, installments, first_due_on, starts_on, created_by,
                   created_at, updated_at)
SELECT a.id, 'settlement', 'offered', 10000, 0, 10000, 'once', 1, s.due, s.starts, 'cli',
       '2026-11-23T12:00:00Z', '2026-11-23T12:00:00Z'
FROM accounts a JOIN (SELECT 6 AS k, '2026-11-23' AS starts, '2026-12-15' AS due
                      UNION ALL SELECT 7, '2026-11-24', '2026-12-15'
                      UNION ALL SELECT 8, '2026-11-19', '2026-12-15') s ON s.k = a.id % 211;
COMMIT;
