// Search from the top bar (SSN last 4, phone, name), keyboard shortcuts, help overlay.
import { accountWithSsnAndPhone, apiAs, assert, eq, login, shot } from './lib.mjs';

async function searchFor(page, q) {
  await page.keyboard.press('Escape');
  await page.locator('body').click({ position: { x: 5, y: 200 } });
  await page.keyboard.press('/');
  const focused = await page.evaluate(() => document.activeElement?.id);
  eq(focused, 'search', 'the / shortcut focuses the search box');
  // Wait for this query's answer (the list may still show the previous results).
  const answered = page.waitForResponse((r) => {
    const u = new URL(r.url());
    return u.pathname === '/api/v1/accounts/search' && u.searchParams.get('q') === q;
  });
  await page.keyboard.type(q);
  await answered;
  await page.waitForFunction((query) => {
    const list = document.querySelector('#search-results');
    return list && !list.hidden && list.dataset.q === query && list.querySelector('li');
  }, q);
  return page.locator('#search-results li').allTextContents();
}

export const tests = [
  {
    name: 'search-by-ssn-last4-phone-and-name',
    fn: async ({ page }) => {
      const admin = await apiAs('admin');
      const acct = await accountWithSsnAndPhone(admin);
      await admin.close();
      await login(page, 'alice');
      await page.waitForSelector('#search');

      const last4 = acct.debtor.ssn.slice(-4);
      let results = await searchFor(page, last4);
      assert(results.some((r) => r.includes(acct.client_account)), `SSN last 4 ${last4} finds ${acct.client_account}: ${results.join(' | ')}`);
      await shot(page, 'search', { both: false });
      // Choose our account with the arrow keys, then Enter opens it.
      const idx = results.findIndex((r) => r.includes(acct.client_account));
      for (let i = 0; i < idx; i++) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`#/account/${acct.id}$`));
      await page.waitForSelector('#debtor-name');

      const digits = acct.phones[0].number.replace(/\D/g, '');
      results = await searchFor(page, digits);
      assert(results.some((r) => r.includes(acct.client_account)), `phone ${digits} finds ${acct.client_account}: ${results.join(' | ')}`);

      results = await searchFor(page, acct.client_account);
      assert(results[0]?.includes(acct.client_account), `account number finds it first: ${results.join(' | ')}`);
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`#/account/${acct.id}$`));

      const last = acct.debtor.last_name;
      results = await searchFor(page, last);
      assert(results.some((r) => r.includes(last)), `name ${last} finds debtors: ${results.join(' | ')}`);
    },
  },
  {
    name: 'keyboard-shortcuts-and-help',
    fn: async ({ page }) => {
      await login(page, 'carmen');
      await page.waitForURL(/#\/work/);
      await page.waitForSelector('table.grid tbody tr');
      await page.keyboard.press('?');
      await page.waitForSelector('dialog #help');
      await shot(page, 'help', { both: false });
      await page.keyboard.press('Escape');
      await page.waitForSelector('dialog #help', { state: 'detached' });

      // Typing in the search box never fires shortcuts.
      await page.keyboard.press('/');
      await page.keyboard.type('n');
      await page.waitForTimeout(300);
      assert(/#\/work/.test(page.url()), `typing "n" in search does not navigate (${page.url()})`);
      eq(await page.inputValue('#search'), 'n', 'the letter went into the search box');
      await page.keyboard.press('Escape');

      // n opens the next account; w goes back to the queue; a opens the accounts list.
      await page.locator('body').click({ position: { x: 5, y: 300 } });
      await page.keyboard.press('n');
      await page.waitForURL(/#\/account\/\d+$/);
      await page.waitForSelector('#debtor-name');
      await page.keyboard.press('m');
      await page.waitForSelector('#note-form');
      await page.fill('#note-form textarea', 'Shortcut note (e2e).');
      await page.click('#note-form button[type=submit]');
      await page.waitForSelector('#note-form', { state: 'detached' });
      await page.waitForSelector('ul.notes li:has-text("Shortcut note (e2e).")');
      await page.keyboard.press('w');
      await page.waitForURL(/#\/work$/);
      await page.keyboard.press('a');
      await page.waitForURL(/#\/accounts/);
      await page.waitForSelector('table.grid tbody tr');
      await shot(page, 'accounts', { both: false });
    },
  },
];
