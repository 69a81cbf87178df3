// compliance.test.mjs — the compliance engine over the API: contact check in SPEC.md's
// shape, events recorded and released (and what they change), the rules table and its
// switches.
import test from 'node:test';
import assert from 'node:assert/strict';
import { call, as, expectStatus, expectError, pickAccount } from './lib.mjs';

test('contact check: SPEC.md shape, and a hold with no next time', async () => {
  const admin = await as('admin');
  const acct = await pickAccount('CITYPWR', 4);
  // A letter at any hour is allowed unless something holds it.
  const letter = await call('GET', `/api/v1/accounts/${acct.id}/contact-check`, { as: admin, query: { channel: 'letter', at: '2026-11-23T09:00:00Z' } });
  expectStatus(letter, 200);
  assert.equal(letter.body.allowed, true);
  assert.deepEqual(letter.body.reasons, []);
  assert.equal(letter.body.next_allowed_at, null);
  assert.ok(letter.body.zones.length >= 1);
  // 03:00 in every US zone is inconvenient; the next allowed time is later the same day.
  const night = await call('GET', `/api/v1/accounts/${acct.id}/contact-check`, { as: admin, query: { channel: 'sms', at: '2026-11-23T09:00:00Z' } });
  expectStatus(night, 200);
  assert.equal(night.body.allowed, false);
  assert.equal(night.body.reasons[0].code, 'INCONVENIENT_TIME');
  assert.ok(night.body.reasons[0].citation.includes('1006.6'));
  assert.ok(night.body.next_allowed_at > '2026-11-23T09:00:00Z');
  // A written cease holds every call; releasing it lifts the hold.
  const cease = await call('POST', `/api/v1/accounts/${acct.id}/events`, { as: admin, body: { type: 'cease_written', at: '2026-11-20T15:00:00Z', note: 'letter in the mail' } });
  expectStatus(cease, 201);
  const held = await call('GET', `/api/v1/accounts/${acct.id}/contact-check`, { as: admin, query: { channel: 'email', at: '2026-11-23T18:00:00Z' } });
  expectStatus(held, 200);
  assert.equal(held.body.allowed, false);
  assert.ok(held.body.reasons.some((r) => r.code === 'CEASE_COMMUNICATION'));
  assert.equal(held.body.next_allowed_at, null);
  const events = await call('GET', `/api/v1/accounts/${acct.id}/events`, { as: admin });
  expectStatus(events, 200);
  assert.ok(events.body.items.some((e) => e.type === 'cease_written' && e.released_at === null));
  const rel = await call('POST', `/api/v1/accounts/${acct.id}/events`, { as: admin, body: { type: 'cease_written', release: true, at: '2026-11-21T15:00:00Z' } });
  expectStatus(rel, 200);
  const again = await call('POST', `/api/v1/accounts/${acct.id}/events`, { as: admin, body: { type: 'cease_written', release: true } });
  expectError(again, 409, 'conflict');
  const lifted = await call('GET', `/api/v1/accounts/${acct.id}/contact-check`, { as: admin, query: { channel: 'letter', at: '2026-11-23T18:00:00Z' } });
  assert.equal(lifted.body.allowed, true);
});

test('events: bad input is refused naming the field', async () => {
  const admin = await as('admin');
  const acct = await pickAccount('CITYPWR', 5);
  expectError(await call('POST', `/api/v1/accounts/${acct.id}/events`, { as: admin, body: { type: 'nonsense' } }), 400, 'invalid');
  const hours = await call('POST', `/api/v1/accounts/${acct.id}/events`, { as: admin, body: { type: 'stated_convenient_hours', hours: '9 to 5' } });
  expectError(hours, 400, 'invalid');
  assert.equal(hours.body.error.field, 'hours');
  const future = await call('POST', `/api/v1/accounts/${acct.id}/events`, { as: admin, body: { type: 'email_opt_out', at: '2099-01-01T00:00:00Z' } });
  expectError(future, 400, 'invalid');
  assert.equal(future.body.error.field, 'at');
  expectError(await call('GET', `/api/v1/accounts/${acct.id}/contact-check`, { as: admin, query: { channel: 'fax' } }), 400, 'invalid');
  expectError(await call('GET', `/api/v1/accounts/${acct.id}/contact-check`, { as: admin }), 400, 'invalid');
});

test('rules: compliance reads them, only an admin switches them', async () => {
  const list = await call('GET', '/api/v1/compliance/rules', { as: await as('compliance') });
  expectStatus(list, 200);
  assert.ok(list.body.items.length >= 15);
  for (const id of ['US-REGF-TIME', 'US-REGF-7IN7', 'US-REGF-CONVERSATION', 'MA-CALLS-PERSONAL', 'WA-COMMUNICATIONS', 'NYC-ATTEMPTS']) {
    assert.ok(list.body.items.some((r) => r.id === id), id);
  }
  const admin = await as('admin');
  const off = await call('PUT', '/api/v1/compliance/rules/WA-HOURS', { as: admin, body: { enabled: false } });
  expectStatus(off, 200);
  assert.equal(off.body.enabled, false);
  const on = await call('PUT', '/api/v1/compliance/rules/WA-HOURS', { as: admin, body: { enabled: true } });
  assert.equal(on.body.enabled, true);
  expectError(await call('PUT', '/api/v1/compliance/rules/NOPE', { as: admin, body: { enabled: true } }), 404, 'not_found');
  expectError(await call('PUT', '/api/v1/compliance/rules/WA-HOURS', { as: admin, body: { enabled: 'yes' } }), 400, 'invalid');
  expectError(await call('PUT', '/api/v1/compliance/rules/WA-HOURS', { as: await as('compliance'), body: { enabled: false } }), 403, 'forbidden');
});

test('the compliance report judges every contact of a period again', async () => {
  const r = await call('GET', '/api/v1/compliance/report', { as: await as('compliance'), query: { from: '2026-01-01', to: '2026-12-31' } });
  expectStatus(r, 200);
  assert.ok(r.body.contacts_checked > 0, 'the demo has calls');
  // A contact may break several rules: the per-reason counts add up to at least the
  // number of contacts that broke one.
  const byReason = Object.values(r.body.violations_by_reason).reduce((a, b) => a + b, 0);
  assert.ok(byReason >= r.body.violations);
  assert.equal(r.body.listed.length, Math.min(r.body.violations, 1000));
  for (const v of r.body.listed) assert.ok(v.reasons.length > 0);
  expectError(await call('GET', '/api/v1/compliance/report', { as: await as('compliance'), query: { from: '2026-12-01', to: '2026-11-01' } }), 400, 'invalid');
  expectError(await call('GET', '/api/v1/compliance/report', { as: await as('collector'), query: { from: '2026-11-01', to: '2026-11-30' } }), 403, 'forbidden');
});

test('logging a contact goes through the engine: refused, overridden by a supervisor, flagged', async () => {
  const acct = await pickAccount('CITYPWR', 6);
  // 09:00 UTC yesterday is 01:00-05:00 in every US zone: the engine refuses a call.
  const at = `${new Date(Date.now() - 86400e3).toISOString().slice(0, 10)}T09:00:00Z`;
  const body = { channel: 'call', at, outcome: 'no_answer' };
  const refused = await call('POST', `/api/v1/accounts/${acct.id}/contacts`, { as: await as('collector'), body });
  expectError(refused, 422, 'refused');
  assert.match(refused.body.error.message, /INCONVENIENT_TIME/);
  const collector = await call('POST', `/api/v1/accounts/${acct.id}/contacts`, { as: await as('collector'), body: { ...body, override_reason: 'asked to call early' } });
  expectError(collector, 403, 'forbidden');
  const sup = await call('POST', `/api/v1/accounts/${acct.id}/contacts`, { as: await as('supervisor'), body: { ...body, override_reason: 'debtor asked for a call before work' } });
  expectStatus(sup, 201);
  assert.equal(sup.body.review, 'pending');
  assert.equal(sup.body.override_reason, 'debtor asked for a call before work');
  const audit = await call('GET', '/api/v1/audit', { as: await as('admin'), query: { action: 'contact.override' } });
  assert.ok(audit.body.items.some((e) => e.entity_id === String(sup.body.id)));
  // A letter at that hour is allowed: no override needed, nothing flagged.
  const letter = await call('POST', `/api/v1/accounts/${acct.id}/contacts`, { as: await as('collector'), body: { channel: 'letter', at, outcome: 'sent' } });
  expectStatus(letter, 201);
  assert.equal(letter.body.review, null);
});

test('events carry the validation period: send date + 5 business days + 30 days', async () => {
  const admin = await as('admin');
  const acct = await pickAccount('CITYPWR', 7);
  const none = await call('GET', `/api/v1/accounts/${acct.id}/events`, { as: admin });
  expectStatus(none, 200);
  assert.deepEqual(none.body.validation, { notice_sent_on: null, period_end: null, dispute_pending: false });
  // Sent Wednesday 2026-11-18: 5 business days are Thu 19, Fri 20, (weekend) Mon 23,
  // Tue 24, Wed 25; 30 days after that, the period ends on 2026-12-25.
  expectStatus(await call('POST', `/api/v1/accounts/${acct.id}/events`, { as: admin, body: { type: 'validation_notice_sent', at: '2026-11-18T15:00:00Z' } }), 201);
  const v = await call('GET', `/api/v1/accounts/${acct.id}/events`, { as: admin });
  assert.equal(v.body.validation.notice_sent_on, '2026-11-18');
  assert.equal(v.body.validation.period_end, '2026-12-25');
  expectStatus(await call('POST', `/api/v1/accounts/${acct.id}/events`, { as: admin, body: { type: 'dispute_written', at: '2026-11-20T15:00:00Z' } }), 201);
  const d = await call('GET', `/api/v1/accounts/${acct.id}/events`, { as: admin });
  assert.equal(d.body.validation.dispute_pending, true);
});
