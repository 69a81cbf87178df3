// Arrangements on the screen: a collector logs a conversation, goes from the call
// dialog to the plan builder, records the debtor's financial statement, picks the
// option that fits the budget and creates a monthly plan whose schedule (from the
// server) shows on the account's Arrangements panel. Then a plan outside the client's
// limits (60 monthly installments; MERCY allows 24 months) waits for a supervisor, who
// approves it from the Approvals inbox; compliance reads the inbox but cannot decide.
// Its accounts come from a placement file imported through the API (MERCY, Texas).
import { request } from 'playwright-core';
import { BASE_URL, PASSWORD, apiAs, assert, cents, dateInDays, eq, login, shot } from './lib.mjs';

const CLIENT = 'MERCY';
const tag = `AR${Date.now().toString(36).toUpperCase()}`;
const PLAN = `${tag}-PL`; // 1,200.00 + 60.00 + 25.00 = 1,285.00
const LONG = `${tag}-LG`; // 1,800.00

let seeded = null;

/** Imports the two accounts once (whichever test runs first); returns their ids. */
function seed() {
  seeded ??= (async () => {
    const ctx = await request.newContext({ baseURL: BASE_URL });
    try {
      const s = await ctx.post('/api/v1/session', { data: { username: 'sam.supervisor', password: PASSWORD } });
      if (s.status() !== 200) throw new Error(`sign-in: ${s.status()} ${await s.text()}`);
      const { csrf_token: csrf } = await s.json();
      const csv = [
        'client_account,first_name,last_name,principal,interest,fees,account_type,address1,city,state,zip,phone1,phone1_type',
        `${PLAN},Ava,Planner,1200.00,60.00,25.00,medical,3 Main St,Austin,TX,78701,5125550142,mobile`,
        `${LONG},Bo,Planner,1800.00,0.00,0.00,medical,4 Main St,Austin,TX,78701,5125550143,mobile`,
        '',
      ].join('\n');
      const r = await ctx.post(`/api/v1/clients/${CLIENT}/placements?name=${tag}.csv`, {
        data: csv,
        headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': csrf ?? '' },
      });
      const body = await r.json();
      if (r.status() !== 200 || body.loaded !== 2) throw new Error(`placement import: ${r.status()} ${JSON.stringify(body)}`);
      const id = async (acct) => {
        const a = await ctx.get(`/api/v1/accounts/${encodeURIComponent(`${CLIENT}:${acct}`)}`);
        if (a.status() !== 200) throw new Error(`GET account ${acct}: ${a.status()}`);
        return (await a.json()).id;
      };
      return { plan: await id(PLAN), long: await id(LONG) };
    } finally {
      await ctx.dispose();
    }
  })();
  return seeded;
}

/** Dates and amounts of a schedule table on the screen (all rows, "Show all" opened). */
async function screenSchedule(scope) {
  const more = scope.locator('.more button', { hasText: /^Show all/ });
  if (await more.count()) await more.first().click();
  const rows = scope.locator('table.schedule tbody tr');
  const n = await rows.count();
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = rows.nth(i);
    out.push({ due_on: await r.getAttribute('data-due'), amount_cents: cents(await r.locator('td.inst-amount').textContent()), status: await r.getAttribute('data-status') });
  }
  return out;
}

export const tests = [
  {
    name: 'arrangements-plan-from-call',
    fn: async ({ page }) => {
      const { plan: id } = await seed();
      await login(page, 'alice');
      await page.goto(`${BASE_URL}/#/account/${id}`);
      await page.waitForSelector('#arrangements');
      await page.waitForSelector('#no-arrangement');

      // Log the conversation; the dialog offers to go on to a plan.
      await page.click('#log-call');
      await page.waitForSelector('#log-call-form');
      assert(!(await page.isVisible('#log-call-plan')), 'no plan button before the outcome is a conversation');
      await page.selectOption('#log-call-form select[name=outcome]', 'conversation');
      await page.selectOption('#log-call-form select[name=reason]', 'illness');
      await page.fill('#log-call-form textarea[name=note]', 'Can pay monthly after rent (e2e).');
      await page.click('#log-call-plan');
      await page.waitForURL(new RegExp(`#/account/${id}/plan$`));
      await page.waitForSelector('#statement-form');

      // The statement: 2,400 income; 1,200 + 300 + 600 expenses -> 300.00 disposable.
      await page.fill('#statement-form input[name="income[0].amount"]', '2400.00');
      await page.fill('#statement-form input[name="expenses[0].amount"]', '1200.00');
      await page.fill('#statement-form input[name="expenses[1].amount"]', '300.00');
      await page.fill('#statement-form input[name="expenses[2].amount"]', '600.00');
      await page.click('#add-assets');
      await page.selectOption('#statement-form select[name="assets[0].kind"]', 'savings');
      await page.fill('#statement-form input[name="assets[0].amount"]', '150.00');
      await page.fill('#statement-form input[name=dependents]', '1');
      await page.fill('#statement-form textarea[name=hardship]', 'Hospital stay in the spring.');
      await page.click('#save-statement');
      await page.waitForSelector('#aff-disposable');
      eq(cents(await page.textContent('#aff-income')), 240000, 'income a month');
      eq(cents(await page.textContent('#aff-expenses')), 210000, 'expenses a month');
      eq(cents(await page.textContent('#aff-disposable')), 30000, 'disposable a month');
      eq(cents(await page.textContent('#aff-liquid')), 15000, 'liquid assets');

      // The option that fits the budget: 1,285.00 in 5 monthly installments of 257.00.
      const card = page.locator('.option-card[data-kind=plan][data-count="5"]');
      await card.waitFor();
      const cardText = await card.textContent();
      assert(cardText.includes('affordable') && !cardText.includes('not affordable') && cardText.includes('within limits'), `option card: ${cardText}`);
      await card.click();
      eq(await card.getAttribute('aria-pressed'), 'true', 'chosen card');
      eq(await page.inputValue('#plan-form input[name=total]'), '1285.00', 'total from the option');
      eq(await page.inputValue('#plan-form input[name=count]'), '5', 'count from the option');
      eq(await page.inputValue('#plan-form select[name=frequency]'), 'monthly', 'frequency from the option');
      const first = dateInDays(10);
      await page.fill('#plan-form input[name=first]', first);
      await page.waitForSelector('#plan-preview table.schedule[data-count="5"]');
      eq(await page.getAttribute('#plan-preview table.schedule', 'data-total-cents'), '128500', 'preview sums to the total');
      assert((await page.textContent('#plan-preview')).includes('within limits'), 'preview: within limits');
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'plan-builder', { both: false });

      await page.click('#create-plan');
      await page.waitForSelector('#plan-result[data-status=active]');
      const created = await screenSchedule(page.locator('#plan-result'));
      eq(created.length, 5, 'installments the server made');

      // The account's Arrangements panel shows the plan and its schedule.
      await page.click('#back-to-account');
      const cardOnAccount = page.locator('#arrangements .plan-card[data-status=active]');
      await cardOnAccount.waitFor();
      const sched = await screenSchedule(cardOnAccount);
      eq(sched.length, 5, 'installments on the account');
      eq(sched.reduce((s, x) => s + x.amount_cents, 0), 128500, 'the schedule sums to the total (cents)');
      eq(sched[0].due_on, first, 'first due date');
      assert(sched.every((x) => x.amount_cents === 25700), `five installments of 257.00: ${JSON.stringify(sched)}`);
      assert(sched.every((x) => x.status === 'pending'), 'all pending');
      for (let k = 1; k < sched.length; k++) eq(sched[k].due_on.slice(8), first.slice(8), `installment ${k + 1} is due on the same day of the month`);
      await cardOnAccount.scrollIntoViewIfNeeded();
      await shot(page, 'account-arrangements', { both: false });

      const api = await apiAs('alice');
      const plans = (await api.get(`/api/v1/accounts/${id}/plans`)).items;
      eq(plans[0].status, 'active', 'API: plan status');
      eq(plans[0].total_cents, 128500, 'API: plan total');
      eq(JSON.stringify(plans[0].installments.map((i) => [i.due_on, i.amount_cents])), JSON.stringify(sched.map((i) => [i.due_on, i.amount_cents])), 'screen schedule = server schedule');
      const st = await api.get(`/api/v1/accounts/${id}/statement`);
      eq(st.statement.dependents, 1, 'API: dependents');
      eq(st.affordability.disposable_monthly_cents, 30000, 'API: disposable');
      const contact = (await api.get(`/api/v1/accounts/${id}`)).contacts[0];
      eq(contact.outcome, 'conversation', 'the call was logged');
      await api.close();
    },
  },
  {
    name: 'arrangements-approval-inbox',
    fn: async ({ page }) => {
      const { long: id } = await seed();
      await login(page, 'alice');
      await page.goto(`${BASE_URL}/#/account/${id}`);
      await page.click('#build-plan');
      await page.waitForSelector('#plan-form');
      await page.fill('#plan-form input[name=total]', '1800.00');
      await page.fill('#plan-form input[name=count]', '60');
      await page.selectOption('#plan-form select[name=frequency]', 'monthly');
      await page.fill('#plan-form input[name=first]', dateInDays(14));
      await page.waitForSelector('#plan-preview table.schedule[data-count="60"]');
      assert((await page.textContent('#plan-preview')).includes("longer than the client's maximum months"), 'preview warns');
      await page.click('#create-plan');
      const result = page.locator('#plan-result[data-status=pending_approval]');
      await result.waitFor();
      assert(/waiting for a supervisor/i.test(await result.textContent()), 'result says waiting for a supervisor');
      const planId = await result.getAttribute('data-plan-id');

      await page.click('#back-to-account');
      const pending = page.locator(`#arrangements .plan-card[data-plan-id="${planId}"][data-status=pending_approval]`);
      await pending.waitFor();
      const alert = await pending.locator('.pending-approval').textContent();
      assert(alert.includes("Waiting for a supervisor: longer than the client's maximum months"), `reason shown: ${alert}`);

      // Compliance reads the inbox but has no Approve / Reject.
      await page.click('#logout');
      await login(page, 'cora.compliance');
      await page.click('.nav-link[data-route=approvals]');
      await page.waitForSelector(`table.approvals tr[data-plan-id="${planId}"]`);
      assert(await page.isVisible('#read-only'), 'compliance: read-only note');
      eq(await page.locator('table.approvals button.approve').count(), 0, 'compliance: no Approve buttons');

      // The supervisor approves it with a note.
      await page.click('#logout');
      await login(page, 'sam.supervisor');
      await page.waitForFunction(() => Number(document.getElementById('approvals-count')?.textContent || 0) >= 1);
      await page.click('.nav-link[data-route=approvals]');
      const row = page.locator(`table.approvals tr[data-plan-id="${planId}"][data-status=pending]`);
      await row.waitFor();
      const rowText = await row.textContent();
      assert(rowText.includes('$1,800.00') && rowText.includes('60 monthly') && rowText.includes("longer than the client's maximum months") && rowText.includes('alice'), `inbox row: ${rowText}`);
      await shot(page, 'approvals', { both: false });
      await row.locator('input.decision-note').fill('Hardship confirmed (e2e).');
      await row.locator('button.approve').click();
      await page.waitForSelector(`table.approvals tr[data-plan-id="${planId}"][data-status=approved]`);

      await page.goto(`${BASE_URL}/#/account/${id}`);
      await page.waitForSelector(`#arrangements .plan-card[data-plan-id="${planId}"][data-status=active]`);
      const api = await apiAs('sam.supervisor');
      const plan = (await api.get(`/api/v1/accounts/${id}/plans`)).items.find((p) => String(p.id) === planId);
      eq(plan.status, 'active', 'API: approved plan is active');
      const done = (await api.get('/api/v1/approvals?status=approved')).items.find((a) => String(a.plan_id) === planId);
      eq(done?.note, 'Hardship confirmed (e2e).', 'API: the note');
      await api.close();
    },
  },
];
