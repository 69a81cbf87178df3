// roles.test.mjs — the role matrix: every route of openapi.json × every demo role, with a
// session cookie and its CSRF token. A role listed in the operation's x-roles gets an
// answer (2xx, or the per-route outcomes below), any other role 403 forbidden. Then the
// client user's confinement to its own client's accounts, and PII reveal.
import test from 'node:test';
import assert from 'node:assert/strict';
import { operations, call, as, login, expectStatus, expectError, unique, ROLES, DEMO, pickAccount, lastAuditId, auditSince } from './lib.mjs';
import { fixtures, samples } from './routes.mjs';

// Outcomes besides 2xx that still mean "allowed" for a route's sample request.
const ALSO_ALLOWED = {
  workNext: [404], // the queue may be done (supervisor and admin have no accounts)
  logContact: [422], // the compliance engine may refuse a call at this hour (refused)
};

let ctx;
let target;
test.before(async () => {
  const admin = await as('admin');
  target = unique('api.target');
  const res = await call('POST', '/api/v1/users', { as: admin, body: { username: target, display_name: 'API Target', role: 'collector', password: 'arrears-target-1' } });
  expectStatus(res, 201, 'create target user:');
  ctx = await fixtures({ targetUser: target });
  ctx.paymentId = ctx.detail.payments[0]?.id ?? 1;
});

for (const { method, path, op } of operations()) {
  const roles = op['x-roles'];
  test(`${method} ${path} [${roles.join(', ')}]`, async (t) => {
    for (const role of ROLES) {
      const allowed = roles.includes(role) || roles.includes('anonymous');
      await t.test(`${role} ${allowed ? 'allowed' : 'forbidden'}`, async () => {
        const s = await samples[op.operationId](ctx, role);
        const who = s.as ?? (await as(role));
        const res = await call(method, s.path, { as: who, query: s.query, body: s.body, raw: s.raw, headers: s.headers });
        const what = `${role} ${method} ${s.path}:`;
        if (allowed) {
          const ok = (res.status >= 200 && res.status < 300) || (ALSO_ALLOWED[op.operationId] || []).includes(res.status);
          assert.ok(ok, `${what} role is in x-roles, expected 2xx${ALSO_ALLOWED[op.operationId] ? '/' + ALSO_ALLOWED[op.operationId].join('/') : ''}, got ${res.status} ${res.text.slice(0, 300)}`);
        } else {
          expectError(res, 403, 'forbidden', what);
        }
      });
    }
  });
}

test('a client user sees its own client\'s accounts and gets 403 on any other', async (t) => {
  const client = await as('client');
  const own = ctx.account;
  const other = ctx.other;
  await t.test('own account by id: 200', async () => {
    const r = await call('GET', `/api/v1/accounts/${own.id}`, { as: client });
    expectStatus(r, 200);
    assert.equal(r.body.client, 'MERCY');
  });
  await t.test('own account by CLIENT:ACCOUNT (":" and "%3A"): 200, same account', async () => {
    for (const name of [`MERCY:${own.client_account}`, `MERCY%3A${encodeURIComponent(own.client_account)}`]) {
      const r = await call('GET', `/api/v1/accounts/${name}`, { as: client });
      expectStatus(r, 200, name);
      assert.equal(r.body.id, own.id, name);
    }
  });
  for (const [what, p] of [
    ['account', `/api/v1/accounts/${other.id}`],
    ['account by CLIENT:ACCOUNT', `/api/v1/accounts/${other.client}:${other.client_account}`],
    ['notes', `/api/v1/accounts/${other.id}/notes`],
    ['contacts', `/api/v1/accounts/${other.id}/contacts`],
  ]) {
    await t.test(`another client's ${what}: 403 forbidden`, async () => {
      const r = await call('GET', p, { as: client });
      expectError(r, 403, 'forbidden', p);
    });
  }
  await t.test('the account list holds only MERCY accounts, also with ?client=SUMMIT', async () => {
    const r = await call('GET', '/api/v1/accounts', { as: client, query: { limit: 200 } });
    expectStatus(r, 200);
    assert.ok(r.body.items.length > 0, 'no accounts at all for the client');
    assert.deepEqual([...new Set(r.body.items.map((a) => a.client))], ['MERCY']);
    const r2 = await call('GET', '/api/v1/accounts', { as: client, query: { client: 'SUMMIT', limit: 200 } });
    if (r2.status === 200) assert.deepEqual(r2.body.items.filter((a) => a.client !== 'MERCY'), []);
    else expectError(r2, 403, 'forbidden');
  });
  await t.test('search finds no other client\'s accounts', async () => {
    const detail = await call('GET', `/api/v1/accounts/${other.id}`, { as: await as('admin') });
    for (const q of [detail.body.debtor.last_name, other.client_account]) {
      const r = await call('GET', '/api/v1/accounts/search', { as: client, query: { q } });
      expectStatus(r, 200, q);
      assert.deepEqual(r.body.items.filter((a) => a.client !== 'MERCY'), [], `search ${q}`);
    }
  });
  await t.test('an API token of the client user is confined the same way', async () => {
    const r = await call('POST', `/api/v1/users/${DEMO.client}/tokens`, { as: await as('admin'), body: { name: 'portal' } });
    expectStatus(r, 201);
    const tok = { kind: 'token', token: r.body.token };
    expectStatus(await call('GET', `/api/v1/accounts/${own.id}`, { as: tok }), 200);
    expectError(await call('GET', `/api/v1/accounts/${other.id}`, { as: tok }), 403, 'forbidden');
    expectError(await call('POST', `/api/v1/accounts/${own.id}/notes`, { as: tok, body: { body: 'portal note' } }), 403, 'forbidden');
  });
  await t.test('never full PII: ?reveal=1 is 403 or masked', async () => {
    const r = await call('GET', `/api/v1/accounts/${own.id}`, { as: client, query: { reveal: 1 } });
    if (r.status === 200) {
      assert.ok(r.body.debtor.ssn === null || /^\*\*\*-\*\*-\d{4}$/.test(r.body.debtor.ssn), `ssn ${r.body.debtor.ssn}`);
      assert.ok(r.body.debtor.dob === null || r.body.debtor.dob === '****-**-**', `dob ${r.body.debtor.dob}`);
    } else {
      expectError(r, 403, 'forbidden');
    }
  });
});

test('revealing full SSN/DOB is for supervisor, compliance and admin', async (t) => {
  // An account whose debtor has an SSN and a DOB on file.
  const acct = await pickAccount('SUMMIT', 1);
  for (const role of ['supervisor', 'compliance', 'admin']) {
    await t.test(`${role}: ?reveal=1 shows them`, async () => {
      const r = await call('GET', `/api/v1/accounts/${acct.id}`, { as: await as(role), query: { reveal: 1 } });
      expectStatus(r, 200);
      const d = r.body.debtor;
      assert.ok(d.ssn === null || /^\d{3}-?\d{2}-?\d{4}$/.test(d.ssn), `ssn not revealed: ${d.ssn}`);
      assert.ok(d.dob === null || /^\d{4}-\d{2}-\d{2}$/.test(d.dob), `dob not revealed: ${d.dob}`);
      assert.ok(d.ssn !== null || d.dob !== null, 'pick an account with PII on file');
    });
  }
  await t.test('collector: ?reveal=1 is 403 forbidden', async () => {
    const r = await call('GET', `/api/v1/accounts/${acct.id}`, { as: await as('collector'), query: { reveal: 1 } });
    expectError(r, 403, 'forbidden');
  });
  await t.test('both the reveal and the refusal are in the audit log', async () => {
    const base = await lastAuditId();
    expectStatus(await call('GET', `/api/v1/accounts/${acct.id}`, { as: await as('supervisor'), query: { reveal: 1 } }), 200);
    expectError(await call('GET', `/api/v1/accounts/${acct.id}`, { as: await as('collector'), query: { reveal: 1 } }), 403, 'forbidden');
    const ev = await auditSince(base);
    const reveal = ev.find((e) => e.action === 'pii.reveal' && e.actor === DEMO.supervisor);
    assert.ok(reveal, `no pii.reveal by ${DEMO.supervisor}: ${JSON.stringify(ev.map((e) => [e.action, e.actor]))}`);
    assert.equal(reveal.detail.account_id, acct.id);
    const refusal = ev.find((e) => e.action === 'access.denied' && e.actor === DEMO.collector && e.detail?.path === `/api/v1/accounts/${acct.id}`);
    assert.ok(refusal, `no access.denied for the collector's reveal: ${JSON.stringify(ev.map((e) => [e.action, e.actor]))}`);
  });
  await t.test('without reveal the SSN and DOB are masked, for every role', async () => {
    for (const role of ['collector', 'supervisor', 'compliance', 'admin']) {
      const r = await call('GET', `/api/v1/accounts/${acct.id}`, { as: await as(role) });
      expectStatus(r, 200);
      const d = r.body.debtor;
      assert.ok(d.ssn === null || /^\*\*\*-\*\*-\d{4}$/.test(d.ssn), `${role}: ssn ${d.ssn}`);
      assert.ok(d.dob === null || d.dob === '****-**-**', `${role}: dob ${d.dob}`);
    }
  });
});

test('any user may set their own password; others need admin', async () => {
  const admin = await as('admin');
  const me = unique('api.self');
  let r = await call('POST', '/api/v1/users', { as: admin, body: { username: me, display_name: 'API Self', role: 'collector', password: 'arrears-self-1' } });
  expectStatus(r, 201);
  const s = await login(me, 'arrears-self-1');
  r = await call('POST', `/api/v1/users/${DEMO.collector}/password`, { as: s, body: { password: 'arrears-self-3' } });
  expectError(r, 403, 'forbidden', 'someone else\'s password:');
  r = await call('POST', `/api/v1/users/${me}/password`, { as: s, body: { password: 'short' } });
  expectError(r, 400, 'invalid', 'a 5-character password:');
  assert.equal(r.body.error.field, 'password');
  r = await call('POST', `/api/v1/users/${me}/password`, { as: s, body: { password: 'arrears-self-2' } });
  expectStatus(r, 204, 'own password:');
  await login(me, 'arrears-self-2');
  r = await call('POST', '/api/v1/session', { body: { username: me, password: 'arrears-self-1' } });
  expectError(r, 401, 'unauthenticated', 'the old password:');
});

// API.md: a role change ends the user's open sessions; they log in again under the new role.
test('a role change ends the user\'s sessions; the next login has the new role', async () => {
  const admin = await as('admin');
  const acct = await pickAccount('SUMMIT', 3);
  const name = unique('api.rolechg');
  expectStatus(await call('POST', '/api/v1/users', { as: admin, body: { username: name, display_name: 'Role Change', role: 'collector', password: 'arrears-role-1' } }), 201);
  let s = await login(name, 'arrears-role-1');
  expectStatus(await call('POST', `/api/v1/accounts/${acct.id}/payments`, { as: s, body: { amount: '1.00', method: 'cash' } }), 201, 'as collector:');
  const r = await call('PUT', `/api/v1/users/${name}/role`, { as: admin, body: { role: 'compliance' } });
  expectStatus(r, 200);
  assert.equal(r.body.role, 'compliance');
  const p = await call('POST', `/api/v1/accounts/${acct.id}/payments`, { as: s, body: { amount: '1.00', method: 'cash' } });
  expectError(p, 401, 'unauthenticated', 'old session after the change:');
  s = await login(name, 'arrears-role-1');
  assert.equal(s.user.role, 'compliance');
  expectError(await call('POST', `/api/v1/accounts/${acct.id}/payments`, { as: s, body: { amount: '1.00', method: 'cash' } }), 403, 'forbidden', 'as compliance:');
  const c = await call('PUT', `/api/v1/users/${name}/role`, { as: admin, body: { role: 'client' } });
  expectError(c, 400, 'invalid', 'role client without a client:');
  const m = await call('PUT', `/api/v1/users/${name}/role`, { as: admin, body: { role: 'client', client: 'MERCY' } });
  expectStatus(m, 200);
  assert.equal(m.body.client, 'MERCY');
  s = await login(name, 'arrears-role-1');
  const own = await call('GET', '/api/v1/accounts', { as: s, query: { limit: 200 } });
  expectStatus(own, 200);
  assert.deepEqual([...new Set(own.body.items.map((a) => a.client))], ['MERCY'], 'now confined to MERCY');
  assert.equal(c.body.error.field, 'client', 'PUT role client without a client: error.field');
});
