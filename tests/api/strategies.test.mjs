// strategies.test.mjs — checking a strategy over the API (POST /api/v1/strategies/check):
// a text that parses gives its rules and saves nothing; one that does not gives the same
// 400 as saving would, naming line and column; only editors may check. And the list
// says plainly who chose the champion: champion_id is 0 for the built-in strategy, with
// assigned_by naming whoever assigned it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { call, as, expectStatus, expectError } from './lib.mjs';

const good = 'rule "held" when cease then hold "cease"; stop\nrule "rest" then queue call_now priority 10\n';
const bad = 'rule "held" when cease then hold "cease"; stop\nrule "x" when balance >= then queue a\n';

test('strategy check: rules of a good text, nothing saved', async () => {
  const sup = await as('supervisor');
  const before = await call('GET', '/api/v1/strategies', { as: sup });
  expectStatus(before, 200);
  const r = await call('POST', '/api/v1/strategies/check', { as: sup, body: { text: good } });
  expectStatus(r, 200);
  assert.deepEqual(r.body.rules, [
    { title: 'held', line: 1 },
    { title: 'rest', line: 2 },
  ]);
  const after = await call('GET', '/api/v1/strategies', { as: sup });
  assert.equal(after.body.items.length, before.body.items.length, 'no version was saved');
});

test('strategy check: a mistake names line and column, as saving does', async () => {
  const sup = await as('supervisor');
  const checked = await call('POST', '/api/v1/strategies/check', { as: sup, body: { text: bad } });
  expectError(checked, 400, 'invalid');
  assert.match(checked.body.error.message, /^line 2, column 26: expected a number/);
  assert.equal(checked.body.error.field, 'text');
  const saved = await call('POST', '/api/v1/strategies', { as: sup, body: { text: bad } });
  expectError(saved, 400, 'invalid');
  assert.equal(saved.body.error.message, checked.body.error.message, 'the same message as saving');
  const empty = await call('POST', '/api/v1/strategies/check', { as: sup, body: { text: '' } });
  expectError(empty, 400, 'invalid');
  const comp = await call('POST', '/api/v1/strategies/check', { as: await as('compliance'), body: { text: good } });
  expectError(comp, 403, 'forbidden');
});

test('strategy list: champion_id 0 is the built-in strategy, assigned_by says who chose', async () => {
  const sup = await as('supervisor');
  const before = (await call('GET', '/api/v1/strategies', { as: sup })).body;
  try {
    const r = await call('PUT', '/api/v1/strategies/assignment', { as: sup, body: { champion_id: 0 } });
    expectStatus(r, 200);
    assert.equal(r.body.champion_id, 0);
    assert.equal(r.body.challenger_id, null);
    assert.equal(r.body.assigned_by, 'sam.supervisor');
    assert.match(r.body.assigned_at, /^\d{4}-\d\d-\d\dT/);
    assert.ok(!r.body.items.some((v) => v.role === 'champion'), 'no saved version is the champion');
  } finally {
    await call('PUT', '/api/v1/strategies/assignment', {
      as: sup,
      body: { champion_id: before.champion_id, challenger_id: before.challenger_id, challenger_pct: before.challenger_pct },
    });
  }
});
