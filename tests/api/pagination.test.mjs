// pagination.test.mjs — ?limit= and ?after= walk every list without duplicates or gaps:
// accounts (by id, with filters), notes, contacts, the audit log and the work queue
// (whose after is an offset).
import test from 'node:test';
import assert from 'node:assert/strict';
import { call, as, expectStatus, pickAccount, DEMO } from './lib.mjs';

async function walk(p, limit, who, extra = {}, start = null) {
  const pages = [];
  let after = start;
  for (let guard = 0; guard < 2000; guard++) {
    const query = { ...extra, limit };
    if (after !== null) query.after = after;
    const r = await call('GET', p, { as: who, query });
    expectStatus(r, 200, `${p} page ${pages.length + 1}:`);
    assert.ok(r.body.items.length <= limit, `page of ${r.body.items.length} items over limit ${limit}`);
    pages.push(r.body);
    if (r.body.next_after === null) return pages;
    assert.ok(r.body.items.length > 0, `${p}: an empty page with next_after ${r.body.next_after}`);
    assert.notEqual(r.body.next_after, after, `${p}: next_after did not move (${after})`);
    after = r.body.next_after;
  }
  assert.fail(`${p}: more than 2000 pages`);
}

const ids = (pages) => pages.flatMap((p) => p.items.map((i) => i.id));
function noDuplicates(list, what) {
  const seen = new Set();
  const dups = list.filter((x) => (seen.has(x) ? true : (seen.add(x), false)));
  assert.deepEqual(dups, [], `${what}: duplicates`);
}

test('accounts: every page size walks all accounts once, in id order', async (t) => {
  const admin = await as('admin');
  // Other tests (file uploads, the role matrix) add accounts: at least the 200 demo
  // accounts, and each walk is compared with a full walk taken just before it.
  const full = ids(await walk('/api/v1/accounts', 200, admin));
  assert.ok(full.length >= 200, 'the demo database has 200 accounts');
  for (const limit of [1, 7, 50, 199]) {
    await t.test(`limit ${limit}`, async () => {
      const before = ids(await walk('/api/v1/accounts', 200, admin));
      const pages = await walk('/api/v1/accounts', limit, admin);
      const got = ids(pages);
      noDuplicates(got, `limit ${limit}`);
      assert.deepEqual(got, before);
      for (let i = 1; i < got.length; i++) assert.ok(got[i] > got[i - 1], 'ids ascend');
      for (const p of pages.slice(0, -1)) assert.equal(p.next_after, p.items.at(-1).id, 'next_after is the last id of the page');
      if (limit === 199) assert.equal(pages.length, Math.ceil(before.length / 199));
    });
  }
  await t.test('default limit is 50', async () => {
    const r = await call('GET', '/api/v1/accounts', { as: admin });
    expectStatus(r, 200);
    assert.equal(r.body.items.length, 50);
    assert.equal(r.body.next_after, r.body.items[49].id);
  });
  await t.test('after the last id: an empty last page', async () => {
    const r = await call('GET', '/api/v1/accounts', { as: admin, query: { after: full.at(-1) } });
    expectStatus(r, 200);
    assert.deepEqual(r.body, { items: [], next_after: null });
  });
});

test('accounts: client and status filters page through exactly the matching accounts', async (t) => {
  const admin = await as('admin');
  const all = (await walk('/api/v1/accounts', 200, admin)).flatMap((p) => p.items);
  for (const [k, v] of [['client', 'MERCY'], ['client', 'SUMMIT'], ['status', 'open']]) {
    await t.test(`${k}=${v}`, async () => {
      const got = ids(await walk('/api/v1/accounts', 9, admin, { [k]: v }));
      noDuplicates(got, `${k}=${v}`);
      assert.deepEqual(got, all.filter((a) => a[k] === v).map((a) => a.id));
      assert.ok(got.length > 0);
    });
  }
  await t.test('client user: pages hold only MERCY, all of them', async () => {
    const got = ids(await walk('/api/v1/accounts', 13, await as('client')));
    assert.deepEqual(got, all.filter((a) => a.client === 'MERCY').map((a) => a.id));
  });
});

test('notes and contacts: limit/after walk all items once', async (t) => {
  const admin = await as('admin');
  const acct = await pickAccount('SUMMIT', 2);
  for (let i = 0; i < 7; i++) {
    expectStatus(await call('POST', `/api/v1/accounts/${acct.id}/notes`, { as: admin, body: { body: `page note ${i}` } }), 201);
  }
  for (const what of ['notes', 'contacts']) {
    await t.test(what, async () => {
      const p = `/api/v1/accounts/${acct.id}/${what}`;
      const all = ids(await walk(p, 200, admin));
      if (what === 'notes') assert.ok(all.length >= 7);
      const got = ids(await walk(p, 3, admin));
      noDuplicates(got, what);
      assert.deepEqual(got, all, `${what} by 3 vs all at once`);
    });
  }
  await t.test('notes are newest first', async () => {
    const r = await call('GET', `/api/v1/accounts/${acct.id}/notes`, { as: admin, query: { limit: 200 } });
    const n = r.body.items.map((x) => x.id);
    assert.deepEqual(n, [...n].sort((a, b) => b - a));
    assert.equal(r.body.items[0].body, 'page note 6');
  });
});

// The audit log pages oldest first from ?after (after=0: from the start); without ?after
// it answers newest first and continues with ?before/next_before (the server's choice for
// the audit screen, described in openapi.json; API.md names only after).
test('audit log: limit/after walk from after=0 without duplicates, oldest first', async () => {
  const admin = await as('admin');
  const all = ids(await walk('/api/v1/audit', 200, admin, {}, 0));
  const got = ids(await walk('/api/v1/audit', 11, admin, {}, 0));
  noDuplicates(got, 'audit');
  // Reading the audit log may itself be audited: compare the common prefix.
  assert.deepEqual(got.slice(0, all.length), all);
  for (let i = 1; i < got.length; i++) assert.ok(got[i] > got[i - 1], 'ids ascend');
});

test('audit log: without after, newest first; before/next_before walk back to the first event', async () => {
  const admin = await as('admin');
  const first = await call('GET', '/api/v1/audit', { as: admin, query: { limit: 7 } });
  expectStatus(first, 200);
  const got = [];
  let r = first;
  for (let guard = 0; guard < 1000; guard++) {
    got.push(...r.body.items.map((e) => e.id));
    if (r.body.next_before === null || r.body.next_before === undefined) break;
    r = await call('GET', '/api/v1/audit', { as: admin, query: { limit: 7, before: r.body.next_before } });
    expectStatus(r, 200);
  }
  noDuplicates(got, 'audit newest first');
  for (let i = 1; i < got.length; i++) assert.ok(got[i] < got[i - 1], 'ids descend');
  assert.equal(got.at(-1), 1, 'the walk reaches the first event');
  assert.equal(got.length, got[0], 'no gaps: the audit chain has ids 1..N');
});

test('work queue: after is an offset; the walk covers the queue once, by priority then balance', async () => {
  const alice = await as('collector');
  const pages = await walk('/api/v1/work', 4, alice);
  const items = pages.flatMap((p) => p.items);
  const got = items.map((i) => i.id);
  noDuplicates(got, 'work');
  assert.ok(got.length > 0, 'alice has an empty queue in the demo');
  for (const a of items) {
    assert.equal(a.collector, DEMO.collector);
    assert.equal(a.status, 'open');
  }
  // The nightly batch's strategy orders the queue: priority, then the propensity
  // score, then the largest balance.
  const key = (a) => [a.priority ?? -1, a.score ?? -1, a.balance_cents.total];
  const before = (x, z) => x[0] > z[0] || (x[0] === z[0] && (x[1] > z[1] || (x[1] === z[1] && x[2] >= z[2])));
  for (let i = 1; i < items.length; i++) {
    assert.ok(before(key(items[i - 1]), key(items[i])), `priority, score, balance: ${key(items[i - 1])} before ${key(items[i])}`);
  }
  const once = await call('GET', '/api/v1/work', { as: alice, query: { limit: 200 } });
  assert.deepEqual(once.body.items.map((i) => i.id), got);
  let offset = 0;
  for (const p of pages.slice(0, -1)) {
    offset += p.items.length;
    assert.equal(p.next_after, offset, 'next_after is the offset of the next page');
  }
});

test('clients and users: one page, next_after null', async () => {
  const admin = await as('admin');
  for (const p of ['/api/v1/clients', '/api/v1/users']) {
    const r = await call('GET', p, { as: admin });
    expectStatus(r, 200);
    assert.equal(r.body.next_after, null);
    assert.ok(r.body.items.length >= 4);
  }
});
