// (b) A client user sees only its own accounts: another client's account shows the
// refusal and none of its data.
import { accountOfOtherClient, apiAs, assert, login, shot } from './lib.mjs';

export const tests = [
  {
    name: 'client-user-refused-other-clients-account',
    fn: async ({ page }) => {
      const admin = await apiAs('admin');
      const other = await accountOfOtherClient(admin, 'MERCY');
      const full = await admin.get(`/api/v1/accounts/${other.id}`);
      await admin.close();

      await login(page, 'mercy.portal');
      await page.waitForURL(/#\/accounts/);
      await page.waitForSelector('table.grid tbody tr');
      const clients = await page.$$eval('table.grid tbody tr td:first-child', (tds) => [...new Set(tds.map((td) => td.textContent.trim()))]);
      assert(clients.length === 1 && clients[0] === 'MERCY', `client user lists only MERCY accounts, saw ${clients.join(',')}`);
      assert((await page.locator('a.nav-link[href="#/work"]').count()) === 0, 'no work queue for a client user');
      await shot(page, 'client-accounts', { both: false });

      const seen = [];
      page.on('response', (r) => {
        if (r.url().includes(`/api/v1/accounts/${other.id}`)) seen.push(r.status());
      });
      await page.goto(`${process.env.BASE_URL}/#/account/${other.id}`);
      await page.waitForSelector('#denied');
      const text = await page.textContent('body');
      assert(text.includes('You do not have access to this account'), 'refusal message shown');
      assert(seen.includes(403), `the API answered 403 (saw ${seen.join(',')})`);
      for (const secret of [full.debtor.name, full.debtor.last_name, full.client_account]) {
        if (secret) assert(!text.includes(secret), `page must not show ${JSON.stringify(secret)}`);
      }
      assert((await page.locator('#balance-total, table.ledger, #debtor-name').count()) === 0, 'no account panels rendered');
      await shot(page, 'client-denied', { both: false });

      // The account route also by CLIENT:ACCOUNT.
      await page.goto(`${process.env.BASE_URL}/#/account/${encodeURIComponent(`${other.client}:${other.client_account}`)}`);
      await page.waitForFunction(() => document.querySelector('#denied') || document.querySelector('.page.denied'));
      const text2 = await page.textContent('body');
      assert(!text2.includes(full.debtor.name), 'no debtor name via CLIENT:ACCOUNT either');
    },
  },
];
