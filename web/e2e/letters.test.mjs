// Letters and correspondence on the screen. Setup (once, through the command line on
// the suite's database, as an operator would): a new placement with an itemization
// basis, then the nightly batch and the letters run for the server's today, so the
// account has a validation notice mailed. Then: the account's Correspondence panel
// lists the letter (View PDF answers a PDF; Preview letter too); a collector marks it
// returned (the address is marked and skip tracing opens), uploads a letter with
// dispute wording without choosing a kind and sees it filed as a dispute, suggested
// from the text, with the account on hold; the admin's Letters page refuses a bad
// template at its line and column, checks and saves a good one as a new version and
// saves an agency field; supervisors and compliance read without edit controls, and
// collectors have no Letters page.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_URL, apiAs, assert, dateInDays, eq, login, shot } from './lib.mjs';

const tag = `L${Date.now().toString(36).toUpperCase()}`;
const TODAY = dateInDays(0); // the server's today (tests/browser/run fixes its clock)

/** Runs the arrears command on the suite's database; returns its stdout. */
function arrears(...args) {
  const bin = process.env.ARREARS_BIN ?? 'build/arrears';
  const db = process.env.ARREARS_DB;
  if (!db) throw new Error('ARREARS_DB is not set (run through tests/browser/run)');
  return execFileSync(bin, ['--db', db, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
}

let setupDone = null;

/** The account with a mailed letter: our new placement (or, when the batch of today had
 * already run before it was placed, any account the letters run wrote to). */
function setup() {
  setupDone ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arrears-letters-'));
    try {
      const csv = join(dir, 'placement.csv');
      writeFileSync(
        csv,
        'client_account,first_name,last_name,principal,address1,city,state,zip,phone1,phone1_type,charge_off_date,itemization_basis,original_creditor\n' +
          `${tag},Lena,Ortiz,1250.00,12 Elm St,Tulsa,OK,74103,9185550142,mobile,2025-06-01,charge_off,Summit Lending\n`,
      );
      arrears('--as', 'admin', 'import', 'placements', csv, '--client', 'SUMMIT');
      arrears('--as', 'admin', 'batch', 'run', '--as-of', TODAY, '--quiet');
      arrears('--as', 'admin', 'letters', 'run', '--as-of', TODAY, '--out', join(dir, 'out'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const api = await apiAs('admin');
    try {
      const acct = await api.get(`/api/v1/accounts/${encodeURIComponent(`SUMMIT:${tag}`)}`);
      let letters = await api.get(`/api/v1/accounts/${acct.id}/letters`);
      if (letters.some((l) => l.status === 'mailed')) return { id: acct.id, letter: letters.find((l) => l.status === 'mailed') };
      const day = await api.get(`/api/v1/letters?as_of=${TODAY}&limit=1000`);
      const mailed = day.filter((l) => l.channel === 'letter' && l.status === 'mailed');
      assert(mailed.length > 0, `the letters run of ${TODAY} mailed something`);
      const pick = mailed[mailed.length - 1];
      letters = await api.get(`/api/v1/accounts/${pick.account_id}/letters`);
      return { id: pick.account_id, letter: letters.find((l) => l.id === pick.id) };
    } finally {
      await api.close();
    }
  })();
  return setupDone;
}

/** GETs url in the page (the session's cookie) and returns its type and first bytes. */
async function fetchHead(page, url) {
  return page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'same-origin' });
    const b = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get('content-type'), head: String.fromCharCode(...b.slice(0, 5)), size: b.length };
  }, url);
}

const DISPUTE_LETTER = [
  'To whom it may concern,',
  '',
  'I received your letter about this account. I dispute this debt: I do not believe I owe it.',
  'Please send me verification of the debt and the name of the original creditor.',
  '',
  'Lena Ortiz',
  '',
].join('\n');

export const tests = [
  {
    name: 'letters-account-correspondence',
    fn: async ({ page }) => {
      const { id, letter } = await setup();
      await login(page, 'alice');
      await page.goto(`${BASE_URL}/#/account/${id}`);
      await page.waitForSelector('.page.account[data-account-id]');
      await page.waitForSelector('#correspondence[data-loaded]');

      // The mailed letter: Out, its template, mailed, a PDF link opening in a new tab.
      const row = page.locator(`#correspondence tr[data-letter-id="${letter.id}"]`);
      await row.waitFor();
      eq(await row.getAttribute('data-status'), 'mailed', 'the letter is mailed');
      eq(await row.getAttribute('data-direction'), 'out', 'outbound');
      const rowText = await row.textContent();
      assert(rowText.includes('Out') && rowText.includes('Letter'), `direction and channel: ${rowText}`);
      assert(rowText.includes(letter.template === 'validation_notice' ? 'Validation notice' : ''), `template named: ${rowText}`);
      const pdf = row.locator('a.view-pdf');
      eq(await pdf.textContent(), 'View PDF', 'link text');
      eq(await pdf.getAttribute('target'), '_blank', 'opens in a new tab');
      const href = await pdf.getAttribute('href');
      eq(href, `/api/v1/letters/${letter.id}/pdf`, 'PDF address');
      const got = await fetchHead(page, href);
      eq(got.status, 200, 'PDF status');
      eq(got.type, 'application/pdf', 'PDF content type');
      eq(got.head, '%PDF-', 'PDF magic');

      // Preview: the template names from /letter-templates; the link answers a PDF.
      await page.waitForSelector('#preview-template:not([disabled])');
      const names = await page.locator('#preview-template option').evaluateAll((os) => os.map((o) => o.value));
      assert(names.includes('validation_notice') && names.includes('reminder'), `preview templates: ${names}`);
      await page.selectOption('#preview-template', 'reminder');
      await page.selectOption('#preview-language', 'es');
      const previewHref = await page.getAttribute('#preview-letter', 'href');
      eq(previewHref, `/api/v1/accounts/${id}/letter-preview?template=reminder&language=es`, 'preview address');
      eq(await page.getAttribute('#preview-letter', 'target'), '_blank', 'preview opens in a new tab');
      const prev = await fetchHead(page, previewHref);
      eq(prev.type, 'application/pdf', 'preview content type');
      eq(prev.head, '%PDF-', 'preview magic');

      // Returned mail: the collector marks it, with a reason; the address is marked.
      await row.locator('button.mark-returned').click();
      await page.waitForSelector('#returned-form');
      await page.fill('#returned-form input[name=date]', TODAY);
      await page.fill('#returned-form input[name=reason]', 'Moved, left no address (e2e)');
      await page.click('#submit-returned');
      await page.waitForSelector('#returned-form', { state: 'detached' });
      await page.waitForSelector(`#correspondence tr[data-letter-id="${letter.id}"][data-status=returned]`);
      const returnedText = await page.textContent(`#correspondence tr[data-letter-id="${letter.id}"]`);
      assert(returnedText.includes('Moved, left no address (e2e)') && returnedText.includes(TODAY), `returned date and reason shown: ${returnedText}`);
      eq(await page.locator(`#correspondence tr[data-letter-id="${letter.id}"] button.mark-returned`).count(), 0, 'no Returned action once returned');
      const api = await apiAs('alice');
      try {
        const acct = await api.get(`/api/v1/accounts/${id}`);
        assert(acct.addresses.some((a) => a.status === 'returned' || a.status === 'bad'), `an address is marked: ${JSON.stringify(acct.addresses.map((a) => a.status))}`);
      } finally {
        await api.close();
      }

      // Upload a letter with dispute wording, kind left to the server's suggestion.
      await page.click('#upload-correspondence');
      await page.waitForSelector('#upload-form');
      eq(await page.inputValue('#corr-kind'), '', 'the kind starts as "Suggest from text"');
      eq((await page.locator('#corr-kind option[value=""]').textContent()).trim(), 'Suggest from text', 'the suggestion option');
      await page.setInputFiles('#corr-file', { name: `dispute-${tag}.txt`, mimeType: 'text/plain', buffer: Buffer.from(DISPUTE_LETTER) });
      await page.selectOption('#corr-channel', 'mail');
      await page.fill('#corr-received', TODAY);
      await page.click('#submit-upload');
      await page.waitForSelector('#upload-form', { state: 'detached' });
      const notice = page.locator('#corr-filed');
      await notice.waitFor();
      eq(await notice.getAttribute('data-kind'), 'dispute', 'filed as a dispute');
      eq(await notice.getAttribute('data-suggested-kind'), 'dispute', 'the server suggested it');
      const noticeText = await notice.textContent();
      assert(/suggested from the text/.test(noticeText), `the notice says it was suggested: ${noticeText}`);
      assert(/on hold/.test(noticeText), `the notice says the account is on hold: ${noticeText}`);
      const inRow = page.locator('#correspondence tr[data-direction=in][data-kind=dispute].new');
      await inRow.waitFor();
      const inText = await inRow.textContent();
      assert(inText.includes('In') && inText.includes('on hold') && inText.includes(`dispute-${tag}.txt`), `inbound row: ${inText}`);
      // Newest first: received today, filed after the letter.
      eq(await page.getAttribute('#correspondence tbody tr:first-child', 'data-direction'), 'in', 'the upload is listed first');
      const docHref = await inRow.locator('a.view-doc').getAttribute('href');
      const doc = await fetchHead(page, docHref);
      assert(doc.type.startsWith('text/plain'), `document type: ${doc.type}`);
      eq(doc.head, 'To wh', 'document bytes');
      // The hold: in the Events panel and the contact strip.
      await page.waitForSelector('ul.events li[data-type=dispute_written].in-effect');
      await page.waitForSelector('#contact-check.ok, #contact-check.wait, #contact-check.hold');
      const codes = (await page.getAttribute('#contact-check', 'data-codes')) ?? '';
      assert(codes.includes('DISPUTE_PENDING'), `the strip names the dispute: ${codes}`);
      // A collector does not reclassify.
      eq(await page.locator('#correspondence button.change-kind').count(), 0, 'collector: no Change kind');

      await page.locator('#sec-correspondence').scrollIntoViewIfNeeded();
      await page.evaluate(() => window.scrollBy(0, -60));
      await shot(page, 'letters-account');
      await page.locator('#correspondence').evaluate((el) => el.closest('section')?.scrollIntoView({ block: 'start' }));
      await page.evaluate(() => window.scrollBy(0, -52));
      await shot(page, 'letters-correspondence', { both: false });
    },
  },
  {
    name: 'letters-admin-templates-and-agency',
    fn: async ({ page }) => {
      await setup();
      const api = await apiAs('admin');
      const agencyBefore = await api.get('/api/v1/agency');
      try {
        await login(page, 'admin');
        await page.click('.nav-link[data-route=letters]');
        await page.waitForURL(/#\/letters/);
        await page.waitForSelector('#template-list tr[data-name=reminder]');
        await page.click('#template-list tr[data-name=reminder] button[data-language=en]');
        await page.waitForFunction(() => /^subject: /m.test(document.querySelector('#template-text')?.value ?? ''));
        eq(await page.getAttribute('#template-language button[data-language=en]', 'aria-pressed'), 'true', 'English chosen');
        const original = await page.inputValue('#template-text');
        const before = await api.get('/api/v1/letter-templates/reminder/en');

        // A mistake on line 6: an unknown field. Save refuses it at its line and column.
        const bad = ['subject: Reminder about your account', 'kind: collection', 'repeat: every 30 days', '---', 'Dear {{debtor.name}},', `Your balance is {{balance.owed}} (${tag}).`, ''].join('\n');
        await page.fill('#template-text', bad);
        await page.fill('#template-note', `e2e ${tag}`);
        await page.click('#save-template');
        const err = page.locator('#template-form .form-error');
        await err.waitFor({ state: 'visible' });
        const message = (await err.textContent()).trim();
        const m = /^line (\d+), column (\d+): .*balance\.owed/.exec(message);
        assert(m, `line/column message: ${JSON.stringify(message)}`);
        eq(m[1], '6', 'the line named');
        eq((await page.textContent('#template-form .gutter .err'))?.trim(), '6', 'the gutter marks line 6');
        assert(await page.isVisible('#template-form .err-band'), 'the line is highlighted');
        const caret = await page.evaluate(() => {
          const t = document.querySelector('#template-text');
          const b = t.value.slice(0, t.selectionStart);
          return { focused: document.activeElement === t, line: b.split('\n').length, column: b.length - b.lastIndexOf('\n') };
        });
        assert(caret.focused, 'the editor has the focus');
        eq(caret.line, 6, 'caret line');
        eq(caret.column, Number(m[2]), 'caret column');
        eq((await api.get('/api/v1/letter-templates/reminder/en')).version, before.version, 'nothing saved');
        await shot(page, 'letters-template-error', { both: false });

        // Fixed: Check says it parses and saves nothing; Save makes the next version.
        const good = original.replace(/\n*$/, '\n') + `\nReference ${tag}.\n`;
        await page.fill('#template-text', good);
        await page.click('#check-template');
        await page.waitForFunction(() => /checks out/.test(document.querySelector('#template-saved')?.textContent ?? ''));
        assert((await page.textContent('#template-saved')).includes('every 30 days'), 'check names the repeat');
        eq(await page.locator('#template-form .gutter .err').count(), 0, 'no line marked after the check');
        eq((await api.get('/api/v1/letter-templates/reminder/en')).version, before.version, 'checking saved nothing');
        await page.click('#save-template');
        await page.waitForFunction(() => /Saved as version/.test(document.querySelector('#template-saved')?.textContent ?? ''));
        const sm = /Saved as version (\d+)/.exec(await page.textContent('#template-saved'));
        eq(Number(sm[1]), before.version + 1, 'the next version');
        const after = await api.get('/api/v1/letter-templates/reminder/en');
        eq(after.version, before.version + 1, 'API: the new version');
        assert(after.text.includes(`Reference ${tag}.`), 'API: the new text');
        const vrow = page.locator(`#template-versions tr[data-version="${after.version}"]`);
        await vrow.waitFor();
        assert((await vrow.textContent()).includes(`e2e ${tag}`), 'the versions list shows the note');
        await page.waitForSelector(`#template-list tr[data-name=reminder] button[data-language=en]:text("v${after.version}")`);

        // An older version can be shown; the Spanish one too.
        await page.click(`#template-versions tr[data-version="${before.version}"] button`);
        await page.waitForFunction((v) => document.querySelector(`#template-versions tr[data-version="${v}"]`)?.classList.contains('selected'), before.version);
        eq(await page.inputValue('#template-text'), before.text, 'the older text');
        await page.click('#template-language button[data-language=es]');
        await page.waitForSelector('#template-language button[data-language=es][aria-pressed=true]');
        assert((await page.inputValue('#template-text')).includes('---'), 'the Spanish text');

        // The agency profile: change the phone, save, and see it stored.
        await page.waitForSelector('#agency-form');
        eq(await page.isDisabled('#save-agency'), true, 'nothing to save yet');
        await page.fill('#agency-phone', '(800) 555-0199');
        await page.click('#save-agency');
        await page.waitForFunction(() => /Saved phone/.test(document.querySelector('#agency-saved')?.textContent ?? ''));
        eq((await api.get('/api/v1/agency')).phone, '(800) 555-0199', 'API: the phone');
        eq(await page.isDisabled('#save-agency'), true, 'saved: nothing left to save');
        // An empty name is refused, naming the field.
        await page.fill('#agency-name', '');
        await page.click('#save-agency');
        await page.waitForSelector('#agency-form .form-error:not([hidden])');
        eq(await page.getAttribute('#agency-name', 'aria-invalid'), 'true', 'the name field is marked');
        await page.fill('#agency-name', agencyBefore.name);
        await page.evaluate(() => window.scrollTo(0, 0));
        await shot(page, 'letters-admin');
      } finally {
        await api.call('PUT', '/api/v1/agency/phone', { value: agencyBefore.phone });
        await api.close();
      }
    },
  },
  {
    name: 'letters-read-only-and-hidden',
    fn: async ({ page }) => {
      await login(page, 'sam.supervisor');
      await page.click('.nav-link[data-route=letters]');
      await page.waitForSelector('#template-list tr[data-name]');
      await page.waitForFunction(() => /^subject: /m.test(document.querySelector('#template-text')?.value ?? ''));
      assert(await page.isVisible('#read-only'), 'supervisor: read-only note');
      eq(await page.locator('#save-template, #check-template, #template-note, #agency-form, #save-agency').count(), 0, 'supervisor: no edit controls');
      eq(await page.getAttribute('#template-text', 'readonly'), '', 'supervisor: the text is read-only');
      await page.waitForSelector('#agency table.agency-kv');
      await shot(page, 'letters-read-only', { both: false });
      await page.click('#logout');

      await login(page, 'cora.compliance');
      await page.click('.nav-link[data-route=letters]');
      await page.waitForSelector('#template-list tr[data-name]');
      eq(await page.locator('#save-template, #check-template, #agency-form').count(), 0, 'compliance: no edit controls');
      await page.click('#logout');

      await login(page, 'alice');
      await page.waitForURL(/#\/work/);
      eq(await page.locator('.nav-link[data-route=letters]').count(), 0, 'collector: no Letters link');
      await page.goto(`${BASE_URL}/#/letters`);
      await page.waitForURL(/#\/work/);
      eq(await page.locator('#template-form, #agency-form, #save-template').count(), 0, 'collector: no edit controls');
    },
  },
];
