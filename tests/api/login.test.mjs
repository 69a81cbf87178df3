// login.test.mjs — POST/GET/DELETE /api/v1/session: bad credentials, the session cookie's
// attributes, throttling after 5 failures for one username (429 with Retry-After),
// logout ending the session, and every 401/403 written to the audit log.
import test from 'node:test';
import assert from 'node:assert/strict';
import { call, as, login, expectStatus, expectError, sessionCookieOf, unique, auditSince, lastAuditId, pickAccount, counts, DEMO, PASSWORD } from './lib.mjs';

test('login: the right password gives a session cookie and a CSRF token', async () => {
  const r = await call('POST', '/api/v1/session', { body: { username: DEMO.supervisor, password: PASSWORD } });
  expectStatus(r, 200);
  assert.equal(r.body.user.username, DEMO.supervisor);
  assert.equal(r.body.user.role, 'supervisor');
  assert.equal(r.body.user.client, null);
  assert.equal(r.body.user.active, true);
  assert.ok(typeof r.body.csrf_token === 'string' && r.body.csrf_token.length >= 16);
  const c = sessionCookieOf(r);
  assert.ok(c, 'no arrears_session cookie');
  assert.ok(c.value.length >= 20, 'the session id is long enough to be unguessable');
  assert.match(c.header, /;\s*HttpOnly/i);
  assert.match(c.header, /;\s*SameSite=Strict/i);
  assert.match(c.header, /;\s*Path=\//i);
  const g = await call('GET', '/api/v1/session', { as: { kind: 'session', cookie: c.value } });
  expectStatus(g, 200);
  assert.equal(g.body.user.username, DEMO.supervisor);
  assert.equal(g.body.csrf_token, r.body.csrf_token);
  const client = await login(DEMO.client);
  assert.equal(client.user.role, 'client');
  assert.equal(client.user.client, 'MERCY');
});

test('every login is a new session with its own CSRF token, also when a cookie is sent', async () => {
  const a = await login(DEMO.compliance);
  const r = await call('POST', '/api/v1/session', { as: { kind: 'cookie-only', cookie: a.cookie }, body: { username: DEMO.compliance, password: PASSWORD } });
  expectStatus(r, 200);
  const b = sessionCookieOf(r);
  assert.ok(b && b.value !== a.cookie, 'the session id was reused (session fixation)');
  assert.notEqual(r.body.csrf_token, a.csrf, 'two sessions share a CSRF token');
  // The first session's token does not pass for the second session.
  const n = await call('DELETE', '/api/v1/session', { as: { kind: 'session', cookie: b.value, csrf: a.csrf } });
  expectError(n, 403, 'csrf');
});

test('no CORS: a cross-origin request gets no Access-Control-Allow-Origin', async () => {
  const s = await as('admin');
  for (const [method, p] of [['GET', '/api/v1/accounts'], ['OPTIONS', '/api/v1/accounts']]) {
    const res = await fetch(new URL(p, process.env.BASE_URL).href, {
      method,
      headers: { Origin: 'http://evil.example', Cookie: `arrears_session=${s.cookie}`, 'Access-Control-Request-Method': 'POST' },
    });
    await res.arrayBuffer();
    assert.equal(res.headers.get('access-control-allow-origin'), null, `${method} ${p}`);
    assert.equal(res.headers.get('access-control-allow-credentials'), null, `${method} ${p}`);
  }
});

test('login: a wrong password or an unknown user is 401, the same answer for both', async () => {
  const a = await call('POST', '/api/v1/session', { body: { username: DEMO.compliance, password: 'wrong-password' } });
  expectError(a, 401, 'unauthenticated');
  assert.equal(sessionCookieOf(a)?.value || '', '', 'a failed login set a session cookie');
  const b = await call('POST', '/api/v1/session', { body: { username: unique('api.nosuch'), password: 'wrong-password' } });
  expectError(b, 401, 'unauthenticated');
  assert.equal(b.body.error.message, a.body.error.message, 'the message tells an unknown user from a wrong password');
});

test('login throttling: after 5 failures for one username, 429 with Retry-After (even with the right password)', async () => {
  const admin = await as('admin');
  const name = unique('api.throttle');
  const pw = 'arrears-throttle-1';
  expectStatus(await call('POST', '/api/v1/users', { as: admin, body: { username: name, display_name: 'Throttle', role: 'collector', password: pw } }), 201);
  for (let i = 1; i <= 5; i++) {
    const r = await call('POST', '/api/v1/session', { body: { username: name, password: `wrong-${i}` } });
    expectError(r, 401, 'unauthenticated', `failure ${i}:`);
  }
  const r = await call('POST', '/api/v1/session', { body: { username: name, password: pw } });
  expectError(r, 429, 'throttled', 'after 5 failures:');
  const ra = r.headers.get('retry-after');
  assert.ok(ra !== null, 'no Retry-After header');
  assert.match(ra, /^\d+$/, `Retry-After ${ra}`);
  assert.ok(Number(ra) > 0 && Number(ra) <= 15 * 60, `Retry-After ${ra} is not within the 15-minute window`);
  assert.equal(sessionCookieOf(r)?.value || '', '');
  // Another username from the same address is not throttled by this.
  await login(DEMO.compliance);
});

test('logout ends the session: the old cookie then gets 401', async () => {
  const acct = await pickAccount('FIRSTCU', 1);
  const s = await login(DEMO.collector);
  const keep = await login(DEMO.collector);
  const r = await call('DELETE', '/api/v1/session', { as: s });
  expectStatus(r, 204);
  const g = await call('GET', '/api/v1/session', { as: s });
  expectError(g, 401, 'unauthenticated', 'GET /session after logout:');
  const a = await call('GET', '/api/v1/accounts', { as: s });
  expectError(a, 401, 'unauthenticated', 'GET /accounts after logout:');
  const before = await counts(acct.id);
  const n = await call('POST', `/api/v1/accounts/${acct.id}/notes`, { as: s, body: { body: 'after logout' } });
  expectError(n, 401, 'unauthenticated', 'POST note after logout:');
  assert.deepEqual(await counts(acct.id), before);
  const again = await call('DELETE', '/api/v1/session', { as: s });
  expectError(again, 401, 'unauthenticated', 'second logout:');
  // Only that session ended.
  expectStatus(await call('GET', '/api/v1/session', { as: keep }), 200, 'the other session of the same user:');
});

// The server writes action access.unauthenticated (401) or access.denied (403), entity
// "request", detail {status, method, path, reason, remote_addr}; actor is the user when
// one was authenticated.
test('every 401 and 403 is written to the audit log', async (t) => {
  const base = await lastAuditId();
  const denials = [];
  const deny = async (label, method, p, opts, status, code, actor) => {
    const r = await call(method, p, opts);
    expectError(r, status, code, label);
    denials.push({ label, method, p, status, actor });
  };
  const acct = await pickAccount('FIRSTCU', 1);
  await deny('anonymous', 'GET', `/api/v1/accounts/${acct.id}`, {}, 401, 'unauthenticated', null);
  await deny('bad token', 'GET', '/api/v1/users', { as: { kind: 'token', token: 'arr_bogus' } }, 401, 'unauthenticated', null);
  await deny('client on users', 'POST', '/api/v1/clients', { as: await as('client'), body: { code: 'NOPE', name: 'nope' } }, 403, 'forbidden', DEMO.client);
  await deny('collector without csrf', 'POST', `/api/v1/accounts/${acct.id}/notes`, { as: await as('collector'), csrf: false, body: { body: 'x' } }, 403, 'csrf', DEMO.collector);
  await deny('compliance on work', 'GET', '/api/v1/work', { as: await as('compliance') }, 403, 'forbidden', DEMO.compliance);
  await deny('client on another client\'s account', 'GET', `/api/v1/accounts/${acct.id}`, { as: await as('client') }, 403, 'forbidden', DEMO.client);
  await deny('wrong password', 'POST', '/api/v1/session', { body: { username: DEMO.supervisor, password: 'wrong-password-audit' } }, 401, 'unauthenticated', null);

  const events = (await auditSince(base)).filter((e) => /^access\./.test(e.action));
  const unmatched = [...events];
  for (const d of denials) {
    await t.test(`${d.label}: ${d.method} ${d.p} -> ${d.status}`, () => {
      const i = unmatched.findIndex((e) => e.detail && e.detail.status === d.status && e.detail.method === d.method && String(e.detail.path).split('?')[0] === d.p);
      assert.ok(i >= 0, `no audit event for it among ${JSON.stringify(unmatched, null, 1).slice(0, 1500)}`);
      const e = unmatched.splice(i, 1)[0];
      assert.equal(e.action, d.status === 401 ? 'access.unauthenticated' : 'access.denied');
      if (d.actor) assert.equal(e.actor, d.actor, 'the audit actor is the refused user');
    });
  }
});
