// work.test.mjs — the collector's work queue: /work/next gives the first account not yet
// worked today, and a note by the caller marks it worked (worked_today in /work).
import test from 'node:test';
import assert from 'node:assert/strict';
import { call, login, expectStatus, expectError, DEMO } from './lib.mjs';

test('working the next account moves /work/next on and marks it worked_today', async () => {
  // ben is a demo collector no other test file acts as.
  const ben = await login('ben');
  const first = await call('GET', '/api/v1/work/next', { as: ben });
  expectStatus(first, 200, 'ben has a queue:');
  assert.equal(first.body.collector, 'ben');
  const q = await call('GET', '/api/v1/work', { as: ben, query: { limit: 200 } });
  expectStatus(q, 200);
  const entry = q.body.items.find((a) => a.id === first.body.id);
  assert.ok(entry, 'the next account is in the queue');
  assert.equal(entry.worked_today, false);
  assert.equal(q.body.items.find((a) => !a.worked_today).id, first.body.id, 'next is the first unworked account of the queue');

  expectStatus(await call('POST', `/api/v1/accounts/${first.body.id}/notes`, { as: ben, body: { body: 'worked by the api test' } }), 201);
  const q2 = await call('GET', '/api/v1/work', { as: ben, query: { limit: 200 } });
  assert.equal(q2.body.items.find((a) => a.id === first.body.id)?.worked_today, true, 'worked_today after a note');
  const second = await call('GET', '/api/v1/work/next', { as: ben });
  if (q2.body.items.every((a) => a.worked_today)) {
    expectError(second, 404, 'not_found');
  } else {
    expectStatus(second, 200);
    assert.notEqual(second.body.id, first.body.id, '/work/next still gives the account just worked');
  }
});

test('a note by someone else does not mark the account worked for the collector', async () => {
  const carmen = await login('carmen');
  const next = await call('GET', '/api/v1/work/next', { as: carmen });
  expectStatus(next, 200, 'carmen has a queue:');
  const sup = await login(DEMO.supervisor);
  expectStatus(await call('POST', `/api/v1/accounts/${next.body.id}/notes`, { as: sup, body: { body: 'supervisor note' } }), 201);
  const again = await call('GET', '/api/v1/work/next', { as: carmen });
  expectStatus(again, 200);
  assert.equal(again.body.id, next.body.id);
});

test('the queue holds only the caller\'s open accounts', async () => {
  const admin = await login(DEMO.admin);
  const q = await call('GET', '/api/v1/work', { as: admin, query: { limit: 200 } });
  expectStatus(q, 200);
  for (const a of q.body.items) assert.equal(a.collector, DEMO.admin);
});
