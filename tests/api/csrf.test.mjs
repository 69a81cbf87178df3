// csrf.test.mjs — a state-changing request made with the session cookie needs the
// session's X-CSRF-Token: without it, with a wrong one, or with another session's, it is
// 403 csrf and stores nothing. Bearer API tokens need no CSRF header.
import test from 'node:test';
import assert from 'node:assert/strict';
import { call, as, login, tokenFor, expectStatus, expectError, pickAccount, counts, accountDetail, cli, DEMO } from './lib.mjs';

let acct;
let alice;
test.before(async () => {
  acct = await pickAccount('FIRSTCU', 0);
  alice = await login(DEMO.collector);
  assert.ok(typeof alice.csrf === 'string' && alice.csrf.length >= 16, `csrf_token ${alice.csrf}`);
});

const attempts = (acctId, phoneId) => [
  ['POST note', 'POST', `/api/v1/accounts/${acctId}/notes`, { body: 'csrf test note' }, 'notes'],
  ['POST payment', 'POST', `/api/v1/accounts/${acctId}/payments`, { amount: '2.00', method: 'cash' }, 'payments'],
  ['POST phone', 'POST', `/api/v1/accounts/${acctId}/phones`, { number: '5155550123', type: 'home' }, 'phones'],
  ['PATCH phone', 'PATCH', `/api/v1/phones/${phoneId}`, { status: 'bad', source: 'csrf-test' }, null],
];

for (const [label, header] of [
  ['without X-CSRF-Token', false],
  ['with a wrong X-CSRF-Token', 'wrong-csrf-token-0123456789abcdef'],
  ['with an empty X-CSRF-Token', ''],
]) {
  test(`cookie request ${label}: 403 csrf, nothing stored`, async (t) => {
    const before = await accountDetail(acct.id);
    const phone = before.phones[0];
    assert.ok(phone, 'the account needs a phone');
    for (const [what, method, p, body, key] of attempts(acct.id, phone.id)) {
      await t.test(what, async () => {
        const c0 = await counts(acct.id);
        const r = await call(method, p, { as: alice, body, csrf: header, headers: header === '' ? { 'X-CSRF-Token': '' } : {} });
        expectError(r, 403, 'csrf', `${method} ${p}:`);
        const c1 = await counts(acct.id);
        assert.deepEqual(c1, c0, 'something was stored');
        if (key === null) {
          const after = (await accountDetail(acct.id)).phones.find((x) => x.id === phone.id);
          assert.deepEqual(after, phone, 'the phone changed');
        }
      });
    }
  });
}

test('cookie request with another session\'s CSRF token: 403 csrf', async () => {
  const other = await login(DEMO.supervisor);
  const c0 = await counts(acct.id);
  const r = await call('POST', `/api/v1/accounts/${acct.id}/notes`, { as: alice, csrf: other.csrf, body: { body: 'cross-session csrf' } });
  expectError(r, 403, 'csrf');
  assert.deepEqual(await counts(acct.id), c0);
});

test('DELETE /api/v1/session without the CSRF token is refused and the session lives on', async () => {
  const s = await login(DEMO.collector);
  const r = await call('DELETE', '/api/v1/session', { as: s, csrf: false });
  expectError(r, 403, 'csrf');
  const g = await call('GET', '/api/v1/session', { as: s });
  expectStatus(g, 200, 'session after refused logout:');
});

test('cookie requests with the right token work; reads need no token', async () => {
  const c0 = await counts(acct.id);
  const r = await call('POST', `/api/v1/accounts/${acct.id}/notes`, { as: alice, body: { body: 'csrf ok note' } });
  expectStatus(r, 201);
  assert.equal(r.body.body, 'csrf ok note');
  assert.equal(r.body.actor, DEMO.collector);
  const c1 = await counts(acct.id);
  assert.equal(c1.notes, c0.notes + 1);
  const g = await call('GET', `/api/v1/accounts/${acct.id}/notes`, { as: alice, csrf: false });
  expectStatus(g, 200);
  const s = await call('GET', '/api/v1/session', { as: alice, csrf: false });
  expectStatus(s, 200);
  assert.equal(s.body.csrf_token, alice.csrf, 'GET /session returns the same CSRF token');
  assert.equal(s.body.user.username, DEMO.collector);
});

test('a bearer API token (POST /users/{username}/tokens) needs no CSRF header', async () => {
  const tok = await tokenFor(DEMO.collector, 'csrf-test');
  assert.match(tok.token, /^arr_/);
  const c0 = await counts(acct.id);
  const r = await call('POST', `/api/v1/accounts/${acct.id}/notes`, { as: tok, body: { body: 'token note' } });
  expectStatus(r, 201);
  assert.equal(r.body.actor, DEMO.collector);
  const p = await call('POST', `/api/v1/accounts/${acct.id}/payments`, { as: tok, body: { amount: '1.50', method: 'card' } });
  expectStatus(p, 201);
  const c1 = await counts(acct.id);
  assert.equal(c1.notes, c0.notes + 1);
  assert.equal(c1.payments, c0.payments + 1);
  const s = await call('GET', '/api/v1/session', { as: tok });
  expectStatus(s, 200);
  assert.equal(s.body.user.username, DEMO.collector);
  assert.equal(s.body.csrf_token, null, 'csrf_token is null for token auth');
  // A token keeps its user's role: a collector's token may not list users.
  const u = await call('GET', '/api/v1/users', { as: tok });
  expectError(u, 403, 'forbidden');
});

test('a token from `arrears user token USER --name NAME` works too', async () => {
  let out;
  try {
    out = cli(['user', 'token', DEMO.collector, '--name', 'cli-token']);
  } catch (e) {
    assert.fail(`arrears user token failed (exit ${e.status}): ${e.stderr || e.message}`);
  }
  const m = /arr_[A-Za-z0-9_\-]+/.exec(out);
  assert.ok(m, `no arr_ token in the output: ${out}`);
  const r = await call('POST', `/api/v1/accounts/${acct.id}/notes`, { as: { kind: 'token', token: m[0] }, body: { body: 'cli token note' } });
  expectStatus(r, 201);
});
