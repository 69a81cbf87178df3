// Debt facts on the screen: the itemization (amount on the itemization date, interest,
// fees, payments, credits, current) and the statute of limitations on the account
// screen, the itemization basis chosen by a supervisor (and refused once a validation
// notice is out), a referral for suit refused on a time-barred debt, and the
// statute-of-limitations table on the Rules page.
// Its accounts come from a placement file imported through the API: a Texas credit
// card last paid in 2019 (Texas open accounts: 4 years, so time-barred) and a recent one.
import { request } from 'playwright-core';
import { BASE_URL, PASSWORD, apiAs, assert, cents, dateInDays, eq, login, shot } from './lib.mjs';

const CLIENT = 'MERCY';
const tag = `DF${Date.now().toString(36).toUpperCase()}`;
const BARRED = `${tag}-TB`;
const RECENT = `${tag}-OK`;
const chargeOff = dateInDays(-60);

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
        'client_account,first_name,last_name,principal,interest,fees,account_type,address1,city,state,zip,last_payment_date,first_delinquency_date,charge_off_date',
        `${BARRED},Hal,Debtfacts,800.00,40.00,15.00,credit_card,1 Main St,Austin,TX,78701,2019-01-15,2019-03-01,2019-09-30`,
        `${RECENT},Ida,Debtfacts,1200.00,60.00,25.00,credit_card,2 Main St,Austin,TX,78701,${dateInDays(-240)},${dateInDays(-210)},${chargeOff}`,
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
      return { barred: await id(BARRED), recent: await id(RECENT) };
    } finally {
      await ctx.dispose();
    }
  })();
  return seeded;
}

/** The itemization figures on the screen, in cents. */
async function screenItemization(page) {
  const read = async (id) => cents(await page.textContent(`#${id}`));
  return {
    amount_cents: await read('item-amount'),
    interest_cents: await read('item-interest'),
    fees_cents: await read('item-fees'),
    payments_cents: await read('item-payments'),
    credits_cents: await read('item-credits'),
    current_cents: await read('item-current'),
  };
}

function sameFigures(screen, api, when) {
  for (const k of Object.keys(screen)) eq(screen[k], api[k], `${when}: ${k}`);
}

export const tests = [
  {
    name: 'debt-facts-itemization-and-basis',
    fn: async ({ page }) => {
      const { recent } = await seed();
      const api = await apiAs('sam.supervisor');
      // A payment after the charge-off: once the basis is the charge-off, it is itemized.
      await api.post(`/api/v1/accounts/${recent}/payments`, { amount: '100.00', method: 'card', key: `${tag}-pay` });
      const before = (await api.get(`/api/v1/accounts/${recent}`)).itemization;

      await login(page, 'sam.supervisor');
      await page.goto(`${BASE_URL}/#/account/${recent}`);
      await page.waitForSelector('#itemization');
      sameFigures(await screenItemization(page), before, 'before');
      const sol = await page.textContent('#sol');
      assert(sol.includes('TX · open account') && sol.includes('4 years'), `statute shown: ${sol}`);
      eq(await page.locator('#sol-barred').count(), 0, 'a recent debt is not time-barred');

      // Choose the charge-off as the basis (its date comes from the account).
      await page.click('#itemization-edit summary');
      await page.selectOption('#itemization-form select[name=basis]', 'charge_off');
      await page.click('#itemization-form button[type=submit]');
      await page.waitForSelector('#item-basis[data-basis=charge_off]');
      const after = (await api.get(`/api/v1/accounts/${recent}`)).itemization;
      eq(after.basis, 'charge_off', 'API basis');
      eq(after.date, chargeOff, 'API itemization date');
      eq(await page.textContent('#item-date'), chargeOff, 'date shown');
      eq(after.payments_cents, 10000, 'the payment is itemized');
      sameFigures(await screenItemization(page), after, 'after');
      assert((await page.textContent('#itemization th')).includes(`Amount on ${chargeOff}`), 'amount row names the date');
      await shot(page, 'account-debt-facts', { both: false });

      // Once a validation notice is out the basis is fixed: the server's 409 is shown.
      await api.post(`/api/v1/accounts/${recent}/events`, { type: 'validation_notice_sent' });
      await page.reload();
      await page.waitForSelector('#itemization-edit');
      await page.click('#itemization-edit summary');
      await page.selectOption('#itemization-form select[name=basis]', 'last_payment');
      await page.click('#itemization-form button[type=submit]');
      await page.waitForSelector('#itemization-form .form-error:not([hidden])');
      const err = await page.textContent('#itemization-form .form-error');
      assert(/validation notice/i.test(err), `409 message inline: ${err}`);
      eq((await api.get(`/api/v1/accounts/${recent}`)).itemization_basis, 'charge_off', 'basis unchanged');
      await api.close();
    },
  },
  {
    name: 'debt-facts-time-barred-refuses-suit',
    fn: async ({ page }) => {
      const { barred, recent } = await seed();
      await login(page, 'sam.supervisor');
      await page.goto(`${BASE_URL}/#/account/${barred}`);
      await page.waitForSelector('#sol-barred');
      const alert = await page.textContent('#sol-barred');
      assert(alert.includes('Time-barred since 2023-03-01') && alert.includes('12 CFR 1006.26(b)'), `barred alert: ${alert}`);
      assert(await page.isVisible('#time-barred'), 'header badge');
      eq(await page.textContent('#sol-starts'), '2019-03-01', 'runs from the first delinquency');

      // Referral for suit: refused by the server, its message in the form.
      await page.waitForSelector('#sec-events');
      await page.click('#add-event');
      await page.waitForSelector('#event-form');
      await page.selectOption('#event-form select[name=type]', 'suit_referred');
      assert(await page.isVisible('#suit-note'), 'the dialog warns before submitting');
      await page.click('#event-form button[type=submit]');
      await page.waitForSelector('#event-form .form-error:not([hidden])');
      const err = await page.textContent('#event-form .form-error');
      assert(err.includes('TIME_BARRED') && err.includes('referred for suit'), `refusal shown: ${err}`);
      await shot(page, 'suit-refused', { both: false });
      await page.keyboard.press('Escape');
      const api = await apiAs('sam.supervisor');
      const evs = await api.get(`/api/v1/accounts/${barred}/events`);
      assert(!evs.items.some((e) => e.type === 'suit_referred'), 'nothing recorded');
      await api.close();

      // On a debt within its period the referral is recorded and listed by its label.
      await page.goto(`${BASE_URL}/#/account/${recent}`);
      await page.waitForSelector('#add-event');
      await page.click('#add-event');
      await page.selectOption('#event-form select[name=type]', 'suit_referred');
      await page.click('#event-form button[type=submit]');
      await page.waitForSelector('#event-form', { state: 'detached' });
      const li = page.locator('ul.events li[data-type=suit_referred]');
      await li.waitFor();
      assert((await li.textContent()).includes('Referred for suit'), 'listed as Referred for suit');
    },
  },
  {
    name: 'debt-facts-statutes-table',
    fn: async ({ page }) => {
      const api = await apiAs('sam.supervisor');
      const statutes = (await api.get('/api/v1/compliance/statutes')).items;
      await api.close();
      const tx = statutes.find((s) => s.state === 'TX');
      eq(tx.years.open_account, 4, 'API: Texas open accounts');

      await login(page, 'sam.supervisor');
      await page.click('.nav-link[data-route=rules]');
      const row = page.locator('table.statutes tr[data-state=TX]');
      await row.waitFor();
      eq(await page.locator('table.statutes tr[data-state]').count(), statutes.length, 'one row per state');
      for (const [k, v] of Object.entries(tx.years)) eq(await row.locator(`td[data-category=${k}]`).textContent(), String(v), `TX ${k}`);
      assert((await row.textContent()).includes(tx.citation), 'TX citation');
      eq(await row.getAttribute('title'), tx.notes, 'notes in the title');

      await page.fill('#statute-filter', 'tx');
      await page.waitForFunction(() => document.querySelectorAll('table.statutes tr[data-state]:not([hidden])').length === 1);
      assert(await row.isVisible(), 'TX still shown');
      assert(!(await page.isVisible('table.statutes tr[data-state=CA]')), 'CA filtered out');
      await row.locator('.sol-toggle').click();
      const notes = page.locator('table.statutes tr[data-notes-for=TX]');
      await notes.waitFor();
      eq((await notes.textContent()).trim(), tx.notes, 'notes expanded');
      await shot(page, 'rules-statutes', { both: false });
      await page.fill('#statute-filter', '');
      await page.waitForFunction((n) => document.querySelectorAll('table.statutes tr[data-state]:not([hidden])').length === n, statutes.length);
    },
  },
];
