// arrangements.test.mjs — a collector's plan outside the client's limits waits for a
// supervisor: the collector cannot approve it, the supervisor can, and then it is the
// account's active plan.
import test from 'node:test';
import assert from 'node:assert/strict';
import { as, call, expectStatus, pickAccount, accountDetail } from './lib.mjs';

test("a collector's out-of-limit plan is pending until a supervisor approves it", async () => {
  // An open FIRSTCU account owing at least 100.00 (other tests pay some down).
  let account = null;
  for (let n = 5; account === null && n < 40; n++) {
    const a = await pickAccount('FIRSTCU', n);
    if ((await accountDetail(a.id)).balance_cents.total >= 10000) account = a;
  }
  assert.ok(account, 'an account owing at least 100.00');
  const collector = await as('collector');
  // 520 weekly installments (ten years) is far past any client's maximum months.
  const total = '100.00';
  const created = await call('POST', `/api/v1/accounts/${account.id}/plans`, {
    as: collector,
    body: { total, frequency: 'weekly', count: 520, first: '2030-01-07' },
  });
  expectStatus(created, 201, 'plan:');
  assert.equal(created.body.status, 'pending_approval');
  assert.ok(created.body.needs_approval.includes('too_long'));
  assert.equal(created.body.installments.reduce((s, i) => s + i.amount_cents, 0), 10000);

  const inbox = await call('GET', '/api/v1/approvals', { as: await as('supervisor') });
  expectStatus(inbox, 200, 'inbox:');
  const item = inbox.body.items.find((a) => a.plan_id === created.body.id);
  assert.ok(item, 'the plan is in the approvals inbox');

  const denied = await call('POST', `/api/v1/approvals/${item.id}/approve`, { as: collector, body: {} });
  expectStatus(denied, 403, 'a collector cannot approve:');
  const plans = await call('GET', `/api/v1/accounts/${account.id}/plans`, { as: collector });
  assert.equal(plans.body.items.find((p) => p.id === created.body.id).status, 'pending_approval');

  const approved = await call('POST', `/api/v1/approvals/${item.id}/approve`, { as: await as('supervisor'), body: { note: 'hardship' } });
  expectStatus(approved, 200, 'supervisor approves:');
  const after = await call('GET', `/api/v1/accounts/${account.id}/plans`, { as: collector });
  assert.equal(after.body.items.find((p) => p.id === created.body.id).status, 'active');
  const again = await call('POST', `/api/v1/approvals/${item.id}/approve`, { as: await as('supervisor'), body: {} });
  expectStatus(again, 409, 'decided once:');
});
