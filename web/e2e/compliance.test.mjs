// (f) The compliance engine on the screen: a written cease recorded in the Events panel
// holds the account (the "Can I contact now?" strip and the log-a-call dialog say so);
// releasing it lifts the hold. The Rules page: compliance reads, an admin switches.
// Independent of the time of day: only the cease hold (not the hour) is asserted.
import { apiAs, assert, eq, login, shot } from './lib.mjs';

const CHECKED = '#contact-check.ok, #contact-check.wait, #contact-check.hold';

async function stripCodes(page) {
  await page.waitForSelector(CHECKED);
  return (await page.getAttribute('#contact-check', 'data-codes')) ?? '';
}

export const tests = [
  {
    name: 'compliance-cease-event-holds-and-release-lifts',
    fn: async ({ page }) => {
      const api = await apiAs('alice');
      // An account from the end of alice's queue (other tests work its start).
      const work = await api.get('/api/v1/work?limit=200');
      assert(work.items.length > 3, 'alice has a queue');
      let id = null;
      for (const a of [...work.items].reverse()) {
        const ev = await api.get(`/api/v1/accounts/${a.id}/events`);
        if (!ev.items.some((e) => e.type === 'cease_written' && !e.released_at)) {
          id = a.id;
          break;
        }
      }
      assert(id !== null, 'an account without a cease in effect');

      await login(page, 'alice');
      await page.goto(`${process.env.BASE_URL}/#/account/${id}`);
      await page.waitForSelector('.page.account[data-account-id]');
      const before = await stripCodes(page);
      assert(!before.includes('CEASE_COMMUNICATION'), `no cease hold before: ${before}`);
      await page.waitForSelector('#sec-events');

      // The hours field appears only for stated convenient hours; the server's refusal
      // of a missing value shows in the form with the field marked.
      await page.click('#add-event');
      await page.waitForSelector('#event-form');
      assert(!(await page.isVisible('#event-form input[name=hours]')), 'hours hidden for other types');
      await page.selectOption('#event-form select[name=type]', 'stated_convenient_hours');
      await page.waitForSelector('#event-form input[name=hours]', { state: 'visible' });
      await page.click('#event-form button[type=submit]');
      await page.waitForSelector('#event-form .form-error:not([hidden])');
      eq(await page.getAttribute('#event-form input[name=hours]', 'aria-invalid'), 'true', 'the hours field is marked');

      // Record a written cease.
      await page.selectOption('#event-form select[name=type]', 'cease_written');
      assert(!(await page.isVisible('#event-form input[name=hours]')), 'hours hidden again');
      await page.fill('#event-form textarea[name=note]', 'Cease letter received (e2e).');
      await page.click('#event-form button[type=submit]');
      await page.waitForSelector('#event-form', { state: 'detached' });
      await page.waitForSelector('#contact-check.hold');
      const held = await stripCodes(page);
      assert(held.includes('CEASE_COMMUNICATION'), `strip shows the cease hold: ${held}`);
      const stripText = await page.textContent('#contact-check');
      assert(stripText.includes('Not now') && stripText.includes('held'), `strip says held: ${stripText}`);
      assert(stripText.includes('1692c(c)'), `strip shows the citation: ${stripText}`);
      const li = page.locator('ul.events li[data-type=cease_written].in-effect');
      await li.waitFor();
      const liText = await li.textContent();
      assert(liText.includes('Cease written') && liText.includes('in effect') && liText.includes('Cease letter received'), `events list: ${liText}`);
      await shot(page, 'account-compliance');

      // The log-a-call dialog warns with the same hold, without blocking.
      await page.keyboard.press('c');
      await page.waitForSelector('#log-call-form #call-check.hold');
      const dlg = await page.textContent('#call-check');
      assert(dlg.includes('CEASE_COMMUNICATION') && dlg.includes('12 CFR 1006.6(c)'), `dialog shows the reason with its citation: ${dlg}`);
      assert(!(await page.isDisabled('#log-call-form button[type=submit]')), 'logging is not blocked');
      await shot(page, 'log-call-check', { both: false });
      await page.keyboard.press('Escape');
      await page.waitForSelector('#log-call-form', { state: 'detached' });

      // Release it from the list: the hold disappears.
      await li.locator('.ev-release').click();
      await page.waitForSelector('#event-form');
      eq(await page.isChecked('#event-form input[name=release]'), true, 'release is ticked');
      eq(await page.inputValue('#event-form select[name=type]'), 'cease_written', 'type preset');
      await page.click('#event-form button[type=submit]');
      await page.waitForSelector('#event-form', { state: 'detached' });
      await page.waitForSelector('ul.events li[data-type=cease_written].released');
      const after = await stripCodes(page);
      assert(!after.includes('CEASE_COMMUNICATION'), `hold lifted: ${after}`);
      const evs = await api.get(`/api/v1/accounts/${id}/events`);
      assert(evs.items.some((e) => e.type === 'cease_written' && e.released_at), 'API shows the release');

      // Releasing again: nothing in effect, the server's 409 shows in the form.
      await page.click('#add-event');
      await page.waitForSelector('#event-form');
      await page.selectOption('#event-form select[name=type]', 'cease_written');
      await page.check('#event-form input[name=release]');
      await page.click('#event-form button[type=submit]');
      await page.waitForSelector('#event-form .form-error:not([hidden])');
      assert(/release|in effect/i.test(await page.textContent('#event-form .form-error')), 'conflict message shown');
      await page.keyboard.press('Escape');
      await api.close();
    },
  },
  {
    name: 'compliance-rules-page-read-and-admin-switch',
    fn: async ({ page }) => {
      await login(page, 'cora.compliance');
      await page.click('.nav-link[data-route=rules]');
      await page.waitForURL(/#\/rules/);
      const row = page.locator('table.rules tr[data-rule-id="US-REGF-7IN7"]');
      await row.waitFor();
      const text = await row.textContent();
      assert(text.includes('12 CFR 1006.14(b)(2)(i)(A)') && text.includes('CALL_FREQUENCY'), `7-in-7 row: ${text}`);
      eq(await page.locator('table.rules input.switch').count(), 0, 'compliance has no switches');
      await shot(page, 'rules');

      await page.click('#logout');
      await login(page, 'admin');
      await page.goto(`${process.env.BASE_URL}/#/rules`);
      const wa = page.locator('table.rules tr[data-rule-id="WA-HOURS"]');
      await wa.waitFor();
      const sw = wa.locator('input.switch');
      eq(await sw.isChecked(), true, 'WA-HOURS on at first');
      const api = await apiAs('admin');
      const enabled = async () => (await api.get('/api/v1/compliance/rules')).items.find((r) => r.id === 'WA-HOURS').enabled;
      for (const want of [false, true]) {
        const [res] = await Promise.all([
          page.waitForResponse((r) => r.url().includes('/compliance/rules/WA-HOURS') && r.request().method() === 'PUT'),
          sw.click(),
        ]);
        eq(res.status(), 200, 'PUT status');
        await page.waitForFunction(([w]) => document.querySelector('tr[data-rule-id="WA-HOURS"]')?.classList.contains('rule-off') === !w, [want]);
        eq(await sw.isChecked(), want, `switch ${want ? 'on' : 'off'}`);
        eq(await enabled(), want, `API: WA-HOURS enabled ${want}`);
        if (!want) await shot(page, 'rules-admin', { both: false });
      }
      await api.close();

      // A collector has no Rules page.
      await page.click('#logout');
      await login(page, 'alice');
      eq(await page.locator('.nav-link[data-route=rules]').count(), 0, 'no Rules link for a collector');
    },
  },
  {
    name: 'compliance-refused-call-needs-a-supervisor-override',
    fn: async ({ page }) => {
      // A written cease on an account from the end of ben's queue: every call is refused.
      const ben = await apiAs('ben');
      const work = await ben.get('/api/v1/work?limit=200');
      const acct = work.items.at(-1);
      await ben.post(`/api/v1/accounts/${acct.id}/events`, { type: 'cease_written', note: 'e2e override test' });
      // The collector is refused, with the reason in the form.
      const refused = await ben.call('POST', `/api/v1/accounts/${acct.id}/contacts`, { channel: 'call', outcome: 'no_answer' });
      eq(refused.status, 422, 'a collector cannot log a call the rules refuse');
      await ben.close();

      await login(page, 'sam.supervisor');
      await page.goto(`${process.env.BASE_URL}/#/account/${acct.id}`);
      await page.waitForSelector('#contact-check.hold');
      await page.keyboard.press('c');
      await page.waitForSelector('#log-call-form');
      await page.waitForSelector('#call-check[data-allowed="false"]');
      const note = await page.textContent('#call-check');
      assert(note.includes('override'), `the dialog asks for an override: ${note}`);
      await page.selectOption('#log-call-form select[name=outcome]', 'no_answer');
      // Without a reason the server refuses, and says why.
      await page.click('#log-call-form button[type=submit]');
      await page.waitForSelector('#log-call-form .form-error:not([hidden])');
      const err = await page.textContent('#log-call-form .form-error');
      assert(err.includes('CEASE_COMMUNICATION'), `refusal names the reason: ${err}`);
      await page.fill('#log-call-form input[name=override_reason]', 'Debtor phoned in and asked for a call back (e2e).');
      await shot(page, 'log-call-override', { both: false });
      await page.click('#log-call-form button[type=submit]');
      await page.waitForSelector('#log-call-form', { state: 'detached' });
      const sam = await apiAs('sam.supervisor');
      const contacts = await sam.get(`/api/v1/accounts/${acct.id}/contacts`);
      const logged = contacts.items[0];
      eq(logged.review, 'pending', 'the overridden call waits for compliance review');
      assert(logged.override_reason.includes('asked for a call back'), 'the reason is kept');
      await sam.post(`/api/v1/accounts/${acct.id}/events`, { type: 'cease_written', release: true });
      await sam.close();
    },
  },
  {
    name: 'compliance-report-page',
    fn: async ({ page }) => {
      await login(page, 'cora.compliance');
      await page.goto(`${process.env.BASE_URL}/#/report`);
      await page.waitForSelector('#report-summary');
      const text = await page.textContent('#report-summary');
      assert(/\d+ contacts checked/.test(text), `summary: ${text}`);
      // The demo's history was judged: the tables are there, with or without rows.
      assert(await page.isVisible('section[aria-label="Busiest weeks"]'), 'busiest weeks');
      await shot(page, 'report', { both: true });
      // A period with no contacts: nothing broke a rule.
      await page.fill('#report-form input[name=from]', '2001-01-01');
      await page.fill('#report-form input[name=to]', '2001-01-31');
      await page.click('#report-form button[type=submit]');
      await page.waitForFunction(() => document.querySelector('#report-summary')?.textContent?.startsWith('0 contacts'));
      // A collector has no report.
      await page.context().clearCookies();
      await login(page, 'alice');
      assert(!(await page.isVisible('a.nav-link[data-route=report]')), 'collectors have no report link');
    },
  },
];
