// (a) A collector's round: sign in, Next, log a call with a promise, post a payment,
// see the new balance and the new ledger line. Also: add a phone and change its status.
import { apiAs, assert, cents, dateInDays, eq, login, shot } from './lib.mjs';

async function accountIdOnScreen(page) {
  await page.waitForSelector('.page.account[data-account-id]');
  return page.getAttribute('.page.account', 'data-account-id');
}

export const tests = [
  {
    name: 'collector-next-call-promise-payment',
    fn: async ({ page }) => {
      await page.goto(`${process.env.BASE_URL}/`);
      await page.waitForSelector('#username');
      await shot(page, 'login');
      await login(page, 'alice');
      await page.waitForURL(/#\/work/);
      await page.waitForSelector('table.grid tbody tr');
      await shot(page, 'my-work');

      // Next opens the first account of the queue not yet worked today.
      await page.click('#next');
      const id = await accountIdOnScreen(page);
      await page.waitForURL(new RegExp(`#/account/${id}$`));
      const before = cents(await page.textContent('#balance-total'));
      const debtor = (await page.textContent('#debtor-name')).trim();
      assert(debtor.length > 0, 'debtor name shown');
      await shot(page, 'account');

      // Log a call with a promise (keyboard shortcut c opens the form).
      await page.keyboard.press('c');
      await page.waitForSelector('#log-call-form');
      const phoneOptions = await page.$$eval('#log-call-form select[name=to] option', (os) => os.map((o) => o.value).filter(Boolean));
      await page.selectOption('#log-call-form select[name=outcome]', 'conversation');
      await page.selectOption('#log-call-form select[name=reason]', 'unemployment');
      const promiseOn = dateInDays(7);
      await page.fill('#log-call-form input[name=promise_on]', promiseOn);
      await page.fill('#log-call-form input[name=promise_amount]', '50.00');
      await page.fill('#log-call-form textarea[name=note]', 'Lost job in October; will pay 50 next week (e2e).');
      await shot(page, 'log-call', { both: false });
      await page.click('#log-call-form button[type=submit]');
      await page.waitForSelector('#log-call-form', { state: 'detached' });
      const firstContact = page.locator('table.contacts tbody tr').first();
      await firstContact.waitFor();
      const contactText = await firstContact.textContent();
      assert(contactText.includes('Conversation'), `newest contact is the conversation: ${contactText}`);
      assert(contactText.includes('Unemployment'), `newest contact has the reason: ${contactText}`);
      assert(contactText.includes('$50.00') && contactText.includes(promiseOn), `newest contact has the promise: ${contactText}`);
      if (phoneOptions.length) {
        const digits = phoneOptions[0].slice(-4);
        assert(contactText.replace(/\D/g, '').includes(digits), `contact shows the phone called: ${contactText}`);
      }

      // Post a payment; a double click posts it once (one idempotency key per form).
      const api = await apiAs('alice');
      const paymentsBefore = (await api.get(`/api/v1/accounts/${id}`)).payments.length;
      await page.keyboard.press('p');
      await page.waitForSelector('#payment-form');
      await page.fill('#payment-form input[name=amount]', '25.00');
      await page.waitForSelector('#payment-after:has-text("Balance after this payment")');
      eq(cents((await page.textContent('#payment-after')).replace(/^.*: /, '').replace(/\.$/, '')), before - 2500, 'balance preview in the form');
      await page.selectOption('#payment-form select[name=method]', 'card');
      await page.fill('#payment-form input[name=reference]', 'E2E-1');
      await shot(page, 'post-payment', { both: false });
      await page.dblclick('#payment-form button[type=submit]');
      await page.waitForSelector('#payment-form', { state: 'detached' });
      await page.waitForSelector('table.ledger tbody tr.new');
      const after = cents(await page.textContent('#balance-total'));
      eq(after, before - 2500, 'total balance after paying $25.00 (cents)');

      const newLine = page.locator('table.ledger tbody tr').first();
      const cells = await newLine.locator('td').allTextContents();
      eq(cells[1], 'Payment', 'kind of the newest ledger line');
      eq(cents(cells[7]), -2500, 'total of the newest ledger line (cents)');
      const payRow = await page.locator('table.payments tbody tr').first().textContent();
      assert(payRow.includes('$25.00') && payRow.includes('E2E-1'), `payments list shows the new payment: ${payRow}`);
      await shot(page, 'account-after-payment');

      const acct = await api.get(`/api/v1/accounts/${id}`);
      eq(acct.payments.length, paymentsBefore + 1, 'payments on the account after a double click');
      eq(acct.balance_cents.total, after, 'API total matches the screen');
      const worked = await api.get('/api/v1/work?limit=200');
      const row = worked.items.find((a) => String(a.id) === String(id));
      if (row) eq(row.worked_today, true, 'account counts as worked today');
      await api.close();
    },
  },
  {
    name: 'collector-add-phone-and-change-status',
    fn: async ({ page }) => {
      await login(page, 'alice');
      await page.waitForURL(/#\/work/);
      await page.waitForSelector('table.grid tbody tr');
      const href = await page.getAttribute('table.grid tbody tr:nth-child(2) a', 'href');
      await page.goto(`${process.env.BASE_URL}/${href}`);
      await accountIdOnScreen(page);
      const number = `312555${String(Date.now()).slice(-4)}`;
      await page.click('#add-phone');
      // A number the server refuses: its message shows in the form, the field is marked.
      await page.fill('#phone-form input[name=number]', '12');
      const [bad] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/phones') && r.request().method() === 'POST'),
        page.click('#phone-form button[type=submit]'),
      ]);
      const badBody = await bad.json();
      assert(bad.status() >= 400 && badBody.error?.message, `server refuses phone "12": ${bad.status()}`);
      await page.waitForSelector('#phone-form .form-error:not([hidden])');
      eq((await page.textContent('#phone-form .form-error')).trim(), badBody.error.message, 'form shows the server message');
      if (badBody.error.field === 'number') {
        eq(await page.getAttribute('#phone-form input[name=number]', 'aria-invalid'), 'true', 'the refused field is marked');
      }
      await page.fill('#phone-form input[name=number]', number);
      await page.selectOption('#phone-form select[name=type]', 'home');
      await page.fill('#phone-form input[name=source]', 'debtor');
      await page.click('#phone-form button[type=submit]');
      await page.waitForSelector('#phone-form', { state: 'detached' });
      const li = page.locator('ul.points li', { hasText: `${number.slice(0, 3)}) ${number.slice(3, 6)}-${number.slice(6)}` });
      await li.waitFor();
      const sel = li.locator('select');
      eq(await sel.inputValue(), 'unverified', 'a new phone starts unverified');
      await sel.selectOption('bad');
      await page.waitForFunction(
        (n) => {
          const el = Array.from(document.querySelectorAll('ul.points li')).find((x) => x.textContent.includes(n));
          return el && el.querySelector('select')?.value === 'bad' && el.querySelector('details.history');
        },
        `${number.slice(6)}`,
      );
      const hist = await li.locator('details.history').textContent();
      assert(/unverified/.test(hist) && /bad/.test(hist), `history shows the change: ${hist}`);
      await li.locator('details.history summary').click();
      await shot(page, 'contact-points', { both: false });
    },
  },
];
