// zz-address-throttle.test.mjs — runs last (file order): after 20 failed logins from one
// address within 15 minutes, every login from it is 429, whichever username, and
// X-Forwarded-For does not get round that. It throttles 127.0.0.1 for the rest of the
// server's life, so nothing may run after it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { call, unique, expectError, DEMO, PASSWORD } from './lib.mjs';

test('20 failed logins from one address throttle every login from it, X-Forwarded-For or not', async () => {
  let throttledAt = null;
  for (let i = 1; i <= 21; i++) {
    // A new username each time, so the per-username limit (5) never applies.
    const r = await call('POST', '/api/v1/session', {
      body: { username: unique(`api.addr${i}.`), password: 'wrong-password' },
      headers: { 'X-Forwarded-For': `203.0.113.${i}`, 'X-Real-IP': `203.0.113.${i}` },
    });
    if (r.status === 429) {
      throttledAt = i;
      break;
    }
    expectError(r, 401, 'unauthenticated', `failure ${i}:`);
  }
  // The suite's earlier failed logins count too, so the 429 may come before the 21st.
  assert.ok(throttledAt !== null, 'no 429 after 21 failed logins from one address');
  const r = await call('POST', '/api/v1/session', { body: { username: DEMO.admin, password: PASSWORD }, headers: { 'X-Forwarded-For': '198.51.100.7' } });
  expectError(r, 429, 'throttled', 'a valid login from the throttled address:');
  assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
});
