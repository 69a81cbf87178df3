// input.test.mjs — bad input is refused with the error shape and stores nothing:
// malformed JSON, wrong types, missing fields, out-of-range values, oversized bodies
// (over 64 KiB: 413). SQL metacharacters are data: stored and returned literally, and a
// search for them finds nothing.
import test from 'node:test';
import assert from 'node:assert/strict';
import { call, as, expectStatus, expectError, pickAccount, counts, accounts } from './lib.mjs';

let acct;
let admin;
test.before(async () => {
  acct = await pickAccount('CITYPWR', 0);
  admin = await as('admin');
});

// Sends a bad request as admin (who may do everything) and checks: a 4xx with the error
// shape (code invalid unless told otherwise, field when given), and no change on the account.
async function refused(method, p, { raw, body, status = [400], code = 'invalid', field } = {}) {
  const before = await counts(acct.id);
  const r = await call(method, p, { as: admin, raw, body });
  const what = `${method} ${p} ${raw !== undefined ? JSON.stringify(String(raw).slice(0, 60)) : JSON.stringify(body)?.slice(0, 80)}:`;
  expectError(r, status, code, what);
  if (field !== undefined) assert.equal(r.body.error.field, field, `${what} error.field`);
  assert.deepEqual(await counts(acct.id), before, `${what} something was stored`);
  return r;
}

const A = () => `/api/v1/accounts/${acct.id}`;
// A contact time an hour ago: the server refuses times in the future.
const AT = new Date(Date.now() - 3600e3).toISOString().replace(/\.\d{3}Z$/, 'Z');

test('malformed JSON bodies: 400 invalid, nothing stored', async (t) => {
  for (const raw of ['{"body": ', '{body: "x"}', "{'body': 'x'}", '{"body": "x",}', '', 'not json', '{"body": "x"} trailing', '\u00ff\u00fe{']) {
    await t.test(JSON.stringify(raw), () => refused('POST', `${A()}/notes`, { raw, status: [400] }));
  }
  for (const raw of ['[]', '"a note"', 'null', '42', 'true']) {
    await t.test(`not an object: ${raw}`, () => refused('POST', `${A()}/notes`, { raw }));
  }
  await t.test('malformed JSON on a payment', () => refused('POST', `${A()}/payments`, { raw: '{"amount": "1.00", "method": ', status: [400] }));
});

test('wrong types and bad values: 4xx invalid naming the field, nothing stored', async (t) => {
  const cases = [
    ['notes', { body: 42 }, 'body'],
    ['notes', { body: null }, 'body'],
    ['notes', { body: ['a'] }, 'body'],
    ['notes', { body: { text: 'x' } }, 'body'],
    ['notes', { body: '' }, 'body'],
    ['notes', { body: 'x'.repeat(4001) }, 'body'],
    ['payments', { amount: 25, method: 'cash' }, 'amount'],
    ['payments', { amount: 'abc', method: 'cash' }, 'amount'],
    ['payments', { amount: '1.234', method: 'cash' }, 'amount'],
    ['payments', { amount: '-5.00', method: 'cash' }, 'amount'],
    ['payments', { amount: '0.00', method: 'cash' }, 'amount'],
    ['payments', { amount: '1.00', method: 'bitcoin' }, 'method'],
    ['payments', { amount: '1.00', method: 'cash', date: '2026-13-45' }, 'date'],
    ['payments', { amount: '1.00', method: 7 }, 'method'],
    ['adjustments', { bucket: 'snacks', amount: '1.00', reason: 'x' }, 'bucket'],
    ['adjustments', { bucket: 'fees', amount: 'ten', reason: 'x' }, 'amount'],
    ['contacts', { channel: 'fax', outcome: 'no_answer', at: AT }, 'channel'],
    ['contacts', { channel: 'call', outcome: 'bogus', at: AT }, 'outcome'],
    ['contacts', { channel: 'call', outcome: 'no_answer', at: 'yesterday' }, 'at'],
    ['contacts', { channel: 'call', outcome: 'conversation', reason: 'aliens', at: AT }, 'reason'],
    ['contacts', { channel: 'call', outcome: 'conversation', at: AT, promise: { amount: 'lots', on: '2026-12-01' } }, 'promise.amount'],
    ['phones', { number: 5155550100 }, 'number'],
    ['phones', { number: '5155550100', type: 'pager' }, 'type'],
    ['phones', { number: '5155550100', consent: 'maybe' }, 'consent'],
    ['emails', { address: 42 }, 'address'],
    ['addresses', { line1: ['x'], city: 'Des Moines', state: 'IA', zip: '50309' }, 'line1'],
  ];
  for (const [route, body, field] of cases) {
    await t.test(`${route} ${JSON.stringify(body).slice(0, 70)}`, async () => {
      const r = await refused('POST', `${A()}/${route}`, { body });
      // The promise's amount may be named "promise.amount" or "amount".
      if (field.includes('.')) assert.ok([field, field.split('.').pop(), field.split('.')[0]].includes(r.body.error.field), `field ${r.body.error.field}`);
      else assert.equal(r.body.error.field, field, `error.field for ${JSON.stringify(body).slice(0, 70)}`);
    });
  }
});

test('missing required fields: 4xx invalid naming the field, nothing stored', async (t) => {
  const cases = [
    ['notes', {}, 'body'],
    ['payments', { method: 'cash' }, 'amount'],
    ['adjustments', { bucket: 'fees', reason: 'x' }, 'amount'],
    ['adjustments', { amount: '1.00', reason: 'x' }, 'bucket'],
    ['contacts', { outcome: 'no_answer' }, 'channel'],
    ['contacts', { channel: 'call' }, 'outcome'],
    ['addresses', { line1: '1 Main St', state: 'IA', zip: '50309' }, 'city'],
    ['phones', { type: 'home' }, 'number'],
    ['emails', {}, 'address'],
  ];
  for (const [route, body, field] of cases) {
    await t.test(`${route} without ${field}`, async () => {
      const r = await refused('POST', `${A()}/${route}`, { body });
      assert.equal(r.body.error.field, field);
    });
  }
  await t.test('reversal without reason', async () => {
    const r = await call('POST', '/api/v1/payments/1/reversal', { as: admin, body: {} });
    expectError(r, 400, 'invalid');
    assert.equal(r.body.error.field, 'reason');
  });
  await t.test('login without password', async () => {
    const r = await call('POST', '/api/v1/session', { body: { username: 'admin' } });
    expectError(r, 400, 'invalid');
    assert.equal(r.body.error.field, 'password');
  });
  await t.test('PATCH with nothing to change', async () => {
    const d = await call('GET', A(), { as: admin });
    const r = await call('PATCH', `/api/v1/phones/${d.body.phones[0].id}`, { as: admin, body: {} });
    expectError(r, 400, 'invalid');
  });
});

test('bodies over 64 KiB: 413 too_large, nothing stored', async (t) => {
  await t.test('a 70 KiB note', () => refused('POST', `${A()}/notes`, { body: { body: 'x'.repeat(70 * 1024) }, status: [413], code: 'too_large' }));
  await t.test('a 65 KiB + 1 byte body of JSON padding', () =>
    refused('POST', `${A()}/notes`, { raw: '{"body":"ok"' + ' '.repeat(64 * 1024 + 1) + '}', status: [413], code: 'too_large' }));
  await t.test('a 4 MiB payment body, then the server still answers', async () => {
    const before = await counts(acct.id);
    const r = await call('POST', `${A()}/payments`, { as: admin, raw: JSON.stringify({ amount: '1.00', method: 'cash', reference: 'y'.repeat(4 << 20) }), allowReset: true });
    if (r.status !== 0) expectError(r, 413, 'too_large');
    assert.deepEqual(await counts(acct.id), before);
    expectStatus(await call('GET', '/healthz'), 200);
  });
  await t.test('just under 64 KiB is not refused for its size', async () => {
    const r = await call('POST', `${A()}/notes`, { as: admin, raw: '{"body":"size ok"' + ' '.repeat(60 * 1024) + '}' });
    expectStatus(r, 201);
  });
});

test('SQL metacharacters are stored and returned literally', async (t) => {
  const texts = [
    "'); DROP TABLE accounts;--",
    "Robert'); DELETE FROM notes WHERE ('1'='1",
    '" OR ""="',
    "\\'; SELECT pg_sleep(5); --",
    'Zoë 🙂 «quoted» back\\slash % _ ; -- /* */',
  ];
  for (const text of texts) {
    await t.test(JSON.stringify(text), async () => {
      const before = await counts(acct.id);
      const r = await call('POST', `${A()}/notes`, { as: admin, body: { body: text } });
      expectStatus(r, 201);
      assert.equal(r.body.body, text, 'note body as returned by POST');
      const l = await call('GET', `${A()}/notes`, { as: admin, query: { limit: 200 } });
      expectStatus(l, 200);
      const got = l.body.items.find((n) => n.id === r.body.id);
      assert.ok(got, 'the note is in the list');
      assert.equal(got.body, text, 'note body as listed');
      const after = await counts(acct.id);
      assert.equal(after.notes, before.notes + 1);
    });
  }
  await t.test('the accounts are all still there', async () => {
    const all = await call('GET', '/api/v1/accounts', { as: admin, query: { limit: 1 } });
    expectStatus(all, 200);
    assert.equal(all.body.items.length, 1);
    const d = await call('GET', A(), { as: admin });
    expectStatus(d, 200);
  });
});

test('search with SQL metacharacters or wildcards finds nothing unexpected', async (t) => {
  const total = (await accounts()).length;
  for (const q of ["' OR 1=1 --", "' OR '1'='1", 'x" OR "1"="1', "rivera' --", '%', '_', '%%', "'; DROP TABLE accounts;--", '*']) {
    await t.test(JSON.stringify(q), async () => {
      const r = await call('GET', '/api/v1/accounts/search', { as: admin, query: { q } });
      if (r.status === 200) {
        assert.equal(r.body.next_after, null);
        assert.deepEqual(r.body.items.map((a) => `${a.id} ${a.debtor_name}`), [], `search ${q} found rows`);
      } else {
        expectError(r, 400, 'invalid', `search ${q}:`);
      }
    });
  }
  await t.test('and the accounts table is intact', async () => {
    let n = 0;
    let after = null;
    for (;;) {
      const r = await call('GET', '/api/v1/accounts', { as: admin, query: after === null ? { limit: 200 } : { limit: 200, after } });
      expectStatus(r, 200);
      n += r.body.items.length;
      if (r.body.next_after === null) break;
      after = r.body.next_after;
    }
    assert.equal(n, total);
  });
});

// Search is not paginated (next_after is always null); the server caps its limit at 50,
// which API.md leaves open (its 1..200 is for paginated lists).
test('search takes limit 1..50', async () => {
  for (const limit of [1, 50]) {
    const r = await call('GET', '/api/v1/accounts/search', { as: admin, query: { q: 'a', limit } });
    expectStatus(r, 200, `search limit ${limit}:`);
    assert.ok(r.body.items.length <= limit);
  }
  for (const limit of [0, 201, 'x']) {
    const r = await call('GET', '/api/v1/accounts/search', { as: admin, query: { q: 'a', limit } });
    expectError(r, 400, 'invalid', `search limit ${limit}:`);
    assert.equal(r.body.error.field, 'limit');
  }
});

test('search finds by last name, client account number, phone digits and SSN last 4', async (t) => {
  const d = (await call('GET', A(), { as: admin })).body;
  const cases = [
    ['last name', d.debtor.last_name.toLowerCase()],
    ['full name', `${d.debtor.first_name} ${d.debtor.last_name}`.toLowerCase()],
    ['client account', d.client_account],
  ];
  if (d.phones[0]) cases.push(['phone digits', d.phones[0].number.replace(/\D/g, '')]);
  if (d.debtor.ssn) cases.push(['SSN last 4', d.debtor.ssn.slice(-4)]);
  for (const [what, q] of cases) {
    await t.test(`${what}: ${q}`, async () => {
      const r = await call('GET', '/api/v1/accounts/search', { as: admin, query: { q } });
      expectStatus(r, 200);
      assert.ok(r.body.items.some((a) => a.id === acct.id), `account ${acct.id} not found by ${what} ${q}`);
    });
  }
});

test('an account is named by id or CLIENT:CLIENT_ACCOUNT (":" or "%3A") on every {account} route', async (t) => {
  const names = [String(acct.id), `${acct.client}:${acct.client_account}`, `${acct.client}%3A${encodeURIComponent(acct.client_account)}`, `${acct.client}%3a${encodeURIComponent(acct.client_account)}`];
  for (const name of names) {
    await t.test(name, async () => {
      const g = await call('GET', `/api/v1/accounts/${name}`, { as: admin });
      expectStatus(g, 200);
      assert.equal(g.body.id, acct.id);
      const n = await call('POST', `/api/v1/accounts/${name}/notes`, { as: admin, body: { body: `named ${name}` } });
      expectStatus(n, 201);
      const l = await call('GET', `/api/v1/accounts/${name}/notes`, { as: admin });
      expectStatus(l, 200);
      assert.equal(l.body.items[0].id, n.body.id);
      expectStatus(await call('GET', `/api/v1/accounts/${name}/contacts`, { as: admin }), 200);
    });
  }
});

test('?as_of=DATE gives the balance as of that day', async () => {
  const d = (await call('GET', A(), { as: admin })).body;
  const r = await call('GET', A(), { as: admin, query: { as_of: d.placed_on } });
  expectStatus(r, 200);
  assert.equal(r.body.as_of, d.placed_on);
  const placement = d.ledger.find((e) => e.kind === 'placement');
  if (placement && placement.effective_on === d.placed_on) {
    // Only entries effective on or before placed_on count.
    const expected = d.ledger.filter((e) => e.effective_on <= d.placed_on).reduce((s, e) => s + e.total_cents, 0);
    assert.equal(r.body.balance_cents.total, expected);
  }
});

test('bad path and query values: 4xx with the error shape', async (t) => {
  const cases = [
    ['GET', '/api/v1/accounts/999999999', [404], 'not_found'],
    ['GET', "/api/v1/accounts/1%20OR%201=1", [400, 404], null],
    ['GET', "/api/v1/accounts/MERCY:'%20OR%20'1'='1", [404], 'not_found'],
    ['GET', '/api/v1/accounts/NOSUCH:1', [404], 'not_found'],
    ['POST', '/api/v1/payments/999999999/reversal', [404], 'not_found'],
    ['PATCH', '/api/v1/phones/999999999', [404], 'not_found'],
    ['GET', '/api/v1/accounts?limit=abc', [400], 'invalid'],
    ['GET', '/api/v1/accounts?after=abc', [400], 'invalid'],
    ['GET', '/api/v1/accounts?limit=0', [400], 'invalid'],
    ['GET', '/api/v1/accounts?limit=201', [400], 'invalid'],
    ['GET', '/api/v1/accounts/1?as_of=2026-02-30', [400], 'invalid'],
    ['PUT', '/api/v1/accounts', [404, 405], null],
    ['GET', '/api/v1/accounts/search?q=', [400], 'invalid'],
    ['GET', '/api/v1/accounts?client=NOSUCH', [200, 404], null],
    ['POST', '/api/v1/users/api.nosuch.user/tokens', [404], 'not_found'],
    ['PUT', '/api/v1/users/api.nosuch.user/role', [404], 'not_found'],
    ['POST', '/api/v1/users/api.nosuch.user/password', [404], 'not_found'],
    ['POST', '/api/v1/clients', [409], 'conflict'],
    ['POST', '/api/v1/users', [409], 'conflict'],
  ];
  for (const [method, p, status, code] of cases) {
    await t.test(`${method} ${p}`, async () => {
      const bodies = {
        '/api/v1/users/api.nosuch.user/tokens': { name: 'x' },
        '/api/v1/users/api.nosuch.user/role': { role: 'collector' },
        '/api/v1/users/api.nosuch.user/password': { password: 'arrears-nosuch-1' },
        '/api/v1/clients': { code: 'MERCY', name: 'a second MERCY' },
        '/api/v1/users': { username: 'alice', display_name: 'a second alice', role: 'collector' },
      };
      const body = bodies[p] ?? (method === 'GET' || p === '/api/v1/accounts' ? undefined : method === 'PATCH' ? { status: 'bad' } : { reason: 'error' });
      const r = await call(method, p, { as: admin, body });
      if (code) expectError(r, status, code, p);
      else expectStatus(r, status, p);
    });
  }
});

test('payments are idempotent by key; a reversal cannot be repeated', async () => {
  const key = `api-idem-${process.pid}-${Date.now()}`;
  const before = await counts(acct.id);
  const r1 = await call('POST', `${A()}/payments`, { as: admin, body: { amount: '3.00', method: 'check', key } });
  expectStatus(r1, 201);
  assert.equal(r1.body.duplicate, false);
  assert.equal(r1.body.account_id, acct.id);
  assert.equal(-r1.body.applied_cents.total, 300);
  const r2 = await call('POST', `${A()}/payments`, { as: admin, body: { amount: '3.00', method: 'check', key } });
  expectStatus(r2, 200);
  assert.equal(r2.body.duplicate, true);
  assert.equal(r2.body.payment_id, r1.body.payment_id);
  const mid = await counts(acct.id);
  assert.equal(mid.payments, before.payments + 1);
  assert.equal(mid.balance, before.balance - 300);
  const v1 = await call('POST', `/api/v1/payments/${r1.body.payment_id}/reversal`, { as: admin, body: { reason: 'nsf' } });
  expectStatus(v1, 200);
  assert.equal(v1.body.payment_id, r1.body.payment_id);
  const v2 = await call('POST', `/api/v1/payments/${r1.body.payment_id}/reversal`, { as: admin, body: { reason: 'nsf' } });
  expectStatus(v2, [409, 422]);
  assert.ok(['conflict', 'refused'].includes(v2.body.error.code), v2.text);
  const after = await counts(acct.id);
  assert.equal(after.balance, before.balance);
});

test('contact times may not be in the future; to is normalized', async (t) => {
  await t.test('at an hour ahead: 400 invalid, field at', () =>
    refused('POST', `${A()}/contacts`, { body: { channel: 'call', outcome: 'no_answer', at: new Date(Date.now() + 3600e3).toISOString() }, field: 'at' }));
  await t.test('a call to "(515) 555-0148" is stored as 5155550148', async () => {
    const r = await call('POST', `${A()}/contacts`, { as: admin, body: { channel: 'call', to: '(515) 555-0148', outcome: 'no_answer', at: AT } });
    if (r.status === 422) return expectError(r, 422, 'refused');
    expectStatus(r, 201);
    assert.equal(r.body.to, '5155550148');
  });
  await t.test('an email to "Someone@Example.NET" is stored with its domain lower-cased', async () => {
    const r = await call('POST', `${A()}/contacts`, { as: admin, body: { channel: 'email', to: 'Someone@Example.NET', outcome: 'no_answer', at: AT } });
    if (r.status === 422) return expectError(r, 422, 'refused');
    expectStatus(r, 201);
    // The local part is the mailbox owner's and may be case-sensitive (RFC 5321).
    assert.equal(r.body.to, 'Someone@example.net');
  });
  await t.test('without at: now', async () => {
    const r = await call('POST', `${A()}/contacts`, { as: admin, body: { channel: 'letter', outcome: 'no_answer' } });
    if (r.status === 422) return expectError(r, 422, 'refused');
    expectStatus(r, 201);
    assert.ok(Math.abs(Date.parse(r.body.at) - Date.now()) < 120e3, `at ${r.body.at}`);
  });
});

test('a call with a promise to pay stores the promise', async () => {
  const d = (await call('GET', A(), { as: admin })).body;
  const body = { channel: 'call', to: d.phones[0]?.number, at: new Date(Date.now() - 60e3).toISOString(), outcome: 'conversation', reason: 'forgot', note: 'will pay', promise: { amount: '50.00', on: '2099-12-01' } };
  const r = await call('POST', `${A()}/contacts`, { as: admin, body });
  if (r.status === 422) {
    // The compliance engine may refuse a call now (e.g. outside 8am-9pm local time).
    expectError(r, 422, 'refused');
    return;
  }
  expectStatus(r, 201);
  assert.equal(r.body.outcome, 'conversation');
  assert.equal(r.body.reason, 'forgot');
  assert.equal(r.body.note, 'will pay');
  assert.ok(r.body.promise, 'no promise on the contact');
  assert.equal(r.body.promise.amount_cents, 5000);
  assert.equal(r.body.promise.due_on, '2099-12-01');
  const l = await call('GET', `${A()}/contacts`, { as: admin });
  assert.ok(l.body.items.some((c) => c.id === r.body.id && c.promise?.amount_cents === 5000));
});

// API.md: text limits are bytes of UTF-8 (a note is 1..4000 bytes).
test('note length is 1..4000 bytes of UTF-8', async (t) => {
  for (const [what, text] of [['4000 × "x"', 'x'.repeat(4000)], ['2000 × "é" (4000 bytes)', 'é'.repeat(2000)], ['1000 × "🙂" (4000 bytes)', '🙂'.repeat(1000)]]) {
    await t.test(`${what}: accepted and returned whole`, async () => {
      const r = await call('POST', `${A()}/notes`, { as: admin, body: { body: text } });
      expectStatus(r, 201, what);
      assert.equal(r.body.body, text);
    });
  }
  for (const [what, text] of [['4001 × "x"', 'x'.repeat(4001)], ['2001 × "é" (4002 bytes)', 'é'.repeat(2001)], ['"x" + 1000 × "🙂" (4001 bytes)', 'x' + '🙂'.repeat(1000)]]) {
    await t.test(`${what}: refused`, () => refused('POST', `${A()}/notes`, { body: { body: text }, field: 'body' }));
  }
});

test('bodies JSON cannot carry: invalid UTF-8, NUL, deep nesting, duplicate keys, other content types', async (t) => {
  const cases = [
    ['invalid UTF-8', Buffer.from('{"body":"\xff\xfe"}', 'latin1'), {}],
    ['a NUL in a string', '{"body":"before\\u0000after"}', {}],
    ['20000 levels of nesting', '['.repeat(20000) + ']'.repeat(20000), {}],
    ['a duplicate key', '{"body":"one","body":"two"}', {}],
    ['Content-Type text/plain', '{"body":"typed as text"}', { 'Content-Type': 'text/plain' }],
  ];
  for (const [what, raw, headers] of cases) {
    await t.test(what, async () => {
      const before = await counts(acct.id);
      const r = await call('POST', `${A()}/notes`, { as: admin, raw, headers });
      if (what === 'a NUL in a string' && r.status === 201) {
        assert.equal(r.body.body, 'before\u0000after', 'a NUL cut the note short');
        return;
      }
      expectError(r, what.startsWith('Content-Type') ? 415 : 400, 'invalid', what);
      assert.deepEqual(await counts(acct.id), before);
    });
  }
  await t.test('and the server still answers', async () => expectStatus(await call('GET', '/healthz'), 200));
});

test('concurrent payments with one idempotency key store one payment', async () => {
  const key = `api-race-${process.pid}-${Date.now()}`;
  const before = await counts(acct.id);
  const tok = { kind: 'token', token: (await call('POST', '/api/v1/users/admin/tokens', { as: admin, body: { name: 'race' } })).body.token };
  const rs = await Promise.all(Array.from({ length: 12 }, () => call('POST', `${A()}/payments`, { as: tok, body: { amount: '4.00', method: 'ach', key } })));
  const statuses = rs.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201], `statuses ${statuses}: ${rs.find((r) => r.status >= 300)?.text}`);
  assert.equal(new Set(rs.map((r) => r.body.payment_id)).size, 1, 'one payment id for all');
  const after = await counts(acct.id);
  assert.equal(after.payments, before.payments + 1);
  assert.equal(after.balance, before.balance - 400);
});
