// Runs the browser tests (web/e2e/*.test.mjs) in headless Chromium via playwright-core.
// Each test file exports `tests = [{ name, fn({ page, context, browser }) }]`. Each test
// gets a fresh browser context (no shared cookies). Prints "PASS name" / "FAIL name"
// per test and finally "browser: N passed, M failed"; exits 1 when any failed.
// Arguments: optional substrings; only tests whose name contains one of them run.
import { chromium } from 'playwright-core';
import { readdir, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SCREENSHOT_DIR, SMALL } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const TEST_TIMEOUT_MS = Number(process.env.E2E_TEST_TIMEOUT_MS ?? 90000);

const tests = [];
for (const f of (await readdir(here)).filter((n) => n.endsWith('.test.mjs')).sort()) {
  const mod = await import(pathToFileURL(join(here, f)).href);
  for (const t of mod.tests) tests.push(t);
}
const selected = filters.length ? tests.filter((t) => filters.some((f) => t.name.includes(f))) : tests;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
});

let passed = 0;
let failed = 0;
for (const t of selected) {
  const context = await browser.newContext({ viewport: SMALL });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  let timer;
  try {
    await Promise.race([
      t.fn({ page, context, browser }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${TEST_TIMEOUT_MS} ms`)), TEST_TIMEOUT_MS);
      }),
    ]);
    if (pageErrors.length) throw new Error(`uncaught error in the page: ${pageErrors[0]}`);
    passed++;
    console.log(`PASS ${t.name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${t.name}`);
    for (const line of String(e?.stack ?? e).split('\n').slice(0, 8)) console.log(`    ${line}`);
    if (SCREENSHOT_DIR) {
      try {
        await mkdir(SCREENSHOT_DIR, { recursive: true });
        await page.screenshot({ path: join(SCREENSHOT_DIR, `FAIL-${t.name}.png`) });
        console.log(`    screenshot: ${join(SCREENSHOT_DIR, `FAIL-${t.name}.png`)}`);
      } catch {
        /* the page may be gone */
      }
    }
  } finally {
    clearTimeout(timer);
    await context.close().catch(() => undefined);
  }
}
await browser.close();
if (failed && process.env.SERVER_LOG) {
  try {
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(process.env.SERVER_LOG, 'utf8').trimEnd().split('\n').slice(-30);
    console.log('--- server log (last 30 lines) ---');
    for (const l of lines) console.log(`    ${l}`);
  } catch {
    /* no log */
  }
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || selected.length === 0 ? 1 : 0);
