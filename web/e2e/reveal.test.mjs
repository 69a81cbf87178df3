// (c) A supervisor reveals a full SSN; the reveal is in the audit log.
import { accountWithSsnAndPhone, apiAs, assert, eq, login, shot } from './lib.mjs';

export const tests = [
  {
    name: 'supervisor-reveals-ssn-and-it-is-audited',
    fn: async ({ page }) => {
      const admin = await apiAs('admin');
      const acct = await accountWithSsnAndPhone(admin);
      const masked = acct.debtor.ssn;
      assert(/^\*\*\*-\*\*-\d{4}$/.test(masked), `API masks the SSN: ${masked}`);

      await login(page, 'sam.supervisor');
      await page.goto(`${process.env.BASE_URL}/#/account/${acct.id}`);
      await page.waitForSelector('#ssn');
      eq((await page.textContent('#ssn')).trim(), masked, 'masked SSN on screen');
      assert(/\*/.test(await page.textContent('#dob')), 'DOB masked before reveal');
      await page.click('#reveal');
      await page.waitForFunction(() => /^\d{3}-\d{2}-\d{4}$/.test(document.querySelector('#ssn')?.textContent.trim() ?? ''));
      const full = (await page.textContent('#ssn')).trim();
      eq(full.slice(-4), masked.slice(-4), 'revealed SSN ends like the masked one');
      const dob = (await page.textContent('#dob')).trim();
      assert(dob === '—' || /^\d{4}-\d{2}-\d{2}$/.test(dob), `revealed DOB: ${dob}`);
      await shot(page, 'account-revealed');

      const audit = await admin.get('/api/v1/audit?action=pii.reveal&limit=200');
      // The reveal is recorded on the debtor, naming the account in its detail.
      const names = (e) =>
        (e.entity === 'account' && String(e.entity_id) === String(acct.id)) ||
        (e.entity === 'debtor' && String(e.entity_id) === String(acct.debtor.id)) ||
        String(e.detail?.account_id) === String(acct.id);
      const hit = audit.items.find((e) => e.action === 'pii.reveal' && e.actor === 'sam.supervisor' && names(e));
      assert(hit, `pii.reveal by sam.supervisor on account ${acct.id} in the audit log: ${JSON.stringify(audit.items.slice(0, 3))}`);
      await admin.close();

      // The Audit page shows it too.
      await page.goto(`${process.env.BASE_URL}/#/audit?action=pii.reveal`);
      await page.waitForSelector('table.audit tbody tr');
      const rows = await page.locator('table.audit tbody tr').allTextContents();
      assert(rows.some((r) => r.includes('pii.reveal') && r.includes('sam.supervisor')), 'audit page lists the reveal');
      await shot(page, 'audit');
    },
  },
  {
    name: 'collector-has-no-reveal',
    fn: async ({ page }) => {
      const admin = await apiAs('admin');
      const acct = await accountWithSsnAndPhone(admin);
      await admin.close();
      await login(page, 'ben');
      await page.goto(`${process.env.BASE_URL}/#/account/${acct.id}`);
      await page.waitForSelector('#ssn');
      eq(await page.locator('#reveal').count(), 0, 'no Reveal button for a collector');
      await page.keyboard.press('r');
      await page.waitForTimeout(300);
      assert(/\*/.test(await page.textContent('#ssn')), 'SSN stays masked');
    },
  },
];
