// Strategies and queues on the screen: a supervisor writes a strategy with a mistake,
// sees the server's "line L, column C: ..." with the editor's caret on that line, fixes
// it, checks it (nothing saved), saves it as a new version, assigns it as champion and sees the assignment; then
// the Queues page lists the collectors (and says so when the nightly batch has not run,
// as in this suite's fresh database). Compliance reads the strategies without the
// editor; collectors have neither page. The assignment is put back afterwards.
import { BASE_URL, apiAs, assert, eq, login, shot } from './lib.mjs';

const tag = `E2E${Date.now().toString(36).toUpperCase()}`;

const strategyText = (threshold) =>
  [
    `# ${tag}: written by the browser test`,
    `rule "hold ${tag}" when cease or bankruptcy then hold "legal hold"; stop`,
    `rule "large ${tag}" when balance >= ${threshold} and has_phone then queue call_now priority 70`,
    `rule "rest ${tag}" then queue general`,
    '',
  ].join('\n');

export const tests = [
  {
    name: 'strategies-write-save-assign',
    fn: async ({ page }) => {
      const api = await apiAs('sam.supervisor');
      const before = await api.get('/api/v1/strategies');
      try {
        await login(page, 'sam.supervisor');
        await page.click('.nav-link[data-route=strategies]');
        await page.waitForURL(/#\/strategies/);
        await page.waitForSelector('#strategy-versions');
        await page.waitForSelector('#strategy-viewer');
        // The editor starts from the champion's text (the built-in one here).
        await page.waitForFunction(() => /\brule\b/.test(document.querySelector('#strategy-text')?.value ?? ''));

        // A mistake on line 3: no amount after '>='.
        await page.fill('#strategy-text', strategyText(''));
        await page.fill('#strategy-note', `e2e ${tag}`);
        await page.click('#save-strategy');
        const err = page.locator('#strategy-form .form-error');
        await err.waitFor({ state: 'visible' });
        const message = (await err.textContent()).trim();
        const m = /^line (\d+), column (\d+): expected a number/.exec(message);
        assert(m, `line/column message: ${JSON.stringify(message)}`);
        eq(m[1], '3', 'the line named');
        eq((await page.textContent('.gutter .err'))?.trim(), '3', 'the gutter marks line 3');
        assert(await page.isVisible('.err-band'), 'the line is highlighted');
        const caret = await page.evaluate(() => {
          const t = document.querySelector('#strategy-text');
          const before = t.value.slice(0, t.selectionStart);
          return { focused: document.activeElement === t, line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') };
        });
        assert(caret.focused, 'the editor has the focus');
        eq(caret.line, 3, 'caret line');
        eq(caret.column, Number(m[2]), 'caret column');
        await shot(page, 'strategy-error', { both: false });

        // Fixed, it checks out without being saved.
        await page.fill('#strategy-text', strategyText('1000.00'));
        let checks = 0;
        page.on('request', (r) => {
          if (r.url().endsWith('/api/v1/strategies/check')) checks++;
        });
        await page.click('#check-strategy');
        const saved = page.locator('#strategy-saved');
        await page.waitForFunction(() => /The rules check out/.test(document.querySelector('#strategy-saved')?.textContent ?? ''));
        assert((await saved.textContent()).includes('3 rules'), `check message: ${await saved.textContent()}`);
        assert(!(await err.isVisible()), 'no error after the check');
        eq(await page.locator('.gutter .err').count(), 0, 'no line marked after the check');
        eq((await api.get('/api/v1/strategies')).items.length, before.items.length, 'checking saved no version');
        eq(checks, 1, 'one request per click');

        // Then it saves as a new version that shows in the list and the viewer.
        await page.click('#save-strategy');
        await page.waitForFunction(() => /Saved as/.test(document.querySelector('#strategy-saved')?.textContent ?? ''));
        const sm = /Saved as Version (\d+) with 3 rules/.exec(await saved.textContent());
        assert(sm, `saved message: ${await saved.textContent()}`);
        const version = sm[1];
        assert(!(await err.isVisible()), 'the error is gone');
        const row = page.locator(`#strategy-versions tr[data-version="${version}"]`);
        await row.waitFor();
        const id = await row.getAttribute('data-strategy-id');
        assert((await row.textContent()).includes(`e2e ${tag}`), 'the note is listed');
        eq(await row.getAttribute('data-role'), 'none', 'a new version has no role yet');
        await page.waitForSelector(`#strategy-viewer[data-strategy-id="${id}"]`);
        const titles = await page.locator('#strategy-viewer .rule-title').allTextContents();
        eq(JSON.stringify(titles), JSON.stringify([`hold ${tag}`, `large ${tag}`, `rest ${tag}`]), 'rule titles in the viewer');

        // Assign it as the champion.
        await page.selectOption('#assign-form select[name=champion_id]', id);
        await page.selectOption('#assign-form select[name=challenger_id]', '');
        await page.click('#assign-strategy');
        await page.waitForSelector(`#strategy-assignment[data-champion-id="${id}"]`);
        assert((await page.textContent('#strategy-assignment')).includes(`Version ${version}`), 'the assignment names the version');
        await page.waitForSelector(`#strategy-versions tr[data-strategy-id="${id}"][data-role=champion]`);
        const now = await api.get('/api/v1/strategies');
        eq(now.champion_id, Number(id), 'API: the champion');
        eq(now.assigned_by, 'sam.supervisor', 'API: who assigned it');
        assert((await page.textContent('#assigned-by')).includes('Assigned by sam.supervisor'), 'the page says who assigned it');
        await page.evaluate(() => window.scrollTo(0, 0));
        await shot(page, 'strategies', { both: false });

        // Queues: a row per collector; the batch panel says whether it has run.
        await page.click('.nav-link[data-route=queues]');
        await page.waitForURL(/#\/queues/);
        await page.waitForSelector('#queues tr.collector-row');
        assert((await page.locator('#queues tr.collector-row').count()) >= 1, 'at least one collector');
        await page.waitForSelector('#no-batch, #batch-run');
        const ran = (await api.call('GET', '/api/v1/batch')).status === 200;
        if (ran) await page.waitForSelector('#batch-actions[data-kind=letter]');
        else assert((await page.textContent('#no-batch')).includes('The nightly batch has not run yet'), 'no batch: said plainly');
        await shot(page, 'queues', { both: false });
      } finally {
        await api.call('PUT', '/api/v1/strategies/assignment', {
          champion_id: before.champion_id,
          challenger_id: before.challenger_id,
          challenger_pct: before.challenger_pct,
        });
        await api.close();
      }
    },
  },
  {
    name: 'strategies-read-only-and-hidden',
    fn: async ({ page }) => {
      await login(page, 'cora.compliance');
      await page.click('.nav-link[data-route=strategies]');
      await page.waitForSelector('#strategy-viewer');
      assert(await page.isVisible('#read-only'), 'compliance: read-only note');
      eq(await page.locator('#strategy-form, #assign-form').count(), 0, 'compliance: no editor, no assignment form');
      assert(await page.isVisible('#strategy-help'), 'compliance: the language help');
      await page.click('#logout');

      await login(page, 'alice');
      await page.waitForURL(/#\/work/);
      eq(await page.locator('.nav-link[data-route=strategies], .nav-link[data-route=queues]').count(), 0, 'collector: no Strategies or Queues link');
      await page.goto(`${BASE_URL}/#/strategies`);
      await page.waitForURL(/#\/work/);
      await page.goto(`${BASE_URL}/#/queues`);
      await page.waitForURL(/#\/work/);
    },
  },
];
