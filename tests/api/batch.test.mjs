// batch.test.mjs — the nightly batch's decisions over the API: GET /api/v1/batch/actions
// pages through a date's actions in account order (?after= the previous page's
// next_after, ?limit=), each page ending at an account boundary, and the pages together
// are exactly the full list; total counts them all. tests/api/run runs the batch for
// today with a strategy that writes a letter and an email for every account.
import test from 'node:test';
import assert from 'node:assert/strict';
import { call, as, expectStatus } from './lib.mjs';

const today = new Date().toISOString().slice(0, 10);
const key = (a) => `${a.account_id}/${a.kind}/${a.name}`;

async function pages(who, limit, kind) {
  const out = [];
  let after = null;
  for (let guard = 0; guard < 5000; guard++) {
    const query = { as_of: today, limit };
    if (kind) query.kind = kind;
    if (after !== null) query.after = after;
    const r = await call('GET', '/api/v1/batch/actions', { as: who, query });
    expectStatus(r, 200, `page ${out.length + 1} (limit ${limit}):`);
    out.push(r.body);
    assert.equal(r.body.truncated, r.body.next_after !== null, 'truncated says whether a page follows');
    if (r.body.next_after === null) return out;
    assert.ok(r.body.items.length >= limit, `a page before the last holds at least ${limit}`);
    assert.equal(r.body.next_after, r.body.items.at(-1).account_id, 'next_after is the last account of the page');
    after = r.body.next_after;
  }
  assert.fail('more than 5000 pages');
}

test('batch actions: pages end at account boundaries and together are the full list', async (t) => {
  const sup = await as('supervisor');
  const full = await call('GET', '/api/v1/batch/actions', { as: sup, query: { as_of: today, limit: 10000 } });
  expectStatus(full, 200);
  const all = full.body.items;
  assert.ok(all.length >= 200, `the strategy gives every demo account actions (got ${all.length})`);
  assert.equal(full.body.total, all.length);
  assert.equal(full.body.next_after, null);
  assert.equal(full.body.truncated, false);
  for (let i = 1; i < all.length; i++) {
    assert.ok(all[i - 1].account_id <= all[i].account_id, 'in account order');
  }
  for (const limit of [1, 3, 50]) {
    await t.test(`limit ${limit}`, async () => {
      const ps = await pages(sup, limit);
      assert.deepEqual(ps.flatMap((p) => p.items).map(key), all.map(key));
      for (const p of ps) assert.equal(p.total, all.length, 'total on every page');
      for (let i = 1; i < ps.length; i++) {
        assert.notEqual(ps[i - 1].items.at(-1).account_id, ps[i].items[0].account_id, 'an account is never split across pages');
      }
    });
  }
  await t.test('kind', async () => {
    const letters = await pages(sup, 40, 'letter');
    const got = letters.flatMap((p) => p.items);
    assert.deepEqual(got.map(key), all.filter((a) => a.kind === 'letter').map(key));
    assert.equal(letters[0].total, got.length);
    assert.ok(got.length > 0);
  });
});

test('batch actions: bad paging names the field', async () => {
  const sup = await as('supervisor');
  for (const [query, field] of [
    [{ as_of: today, limit: 0 }, 'limit'],
    [{ as_of: today, limit: 10001 }, 'limit'],
    [{ as_of: today, after: -1 }, 'after'],
    [{ as_of: today, after: 'x' }, 'after'],
  ]) {
    const r = await call('GET', '/api/v1/batch/actions', { as: sup, query });
    expectStatus(r, 400, JSON.stringify(query));
    assert.equal(r.body.error.field, field);
  }
});
