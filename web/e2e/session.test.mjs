// Sign-in errors (the server's message, including 429 throttling) and sign-out.
import { assert, eq, login, BASE_URL } from './lib.mjs';

export const tests = [
  {
    name: 'login-shows-server-errors-and-throttling',
    fn: async ({ page }) => {
      await page.goto(`${BASE_URL}/`);
      await page.waitForSelector('#username');
      const user = `e2e-nobody-${Date.now()}`;
      let last = null;
      for (let i = 0; i < 7; i++) {
        await page.fill('#username', user);
        await page.fill('#password', 'not-the-password');
        const [res] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST'),
          page.click('.login-card button[type=submit]'),
        ]);
        const body = await res.json();
        await page.waitForSelector('#login-error:not([hidden])');
        const shown = (await page.textContent('#login-error')).trim();
        assert(shown.startsWith(body.error.message), `login error shows the server message ${JSON.stringify(body.error.message)}, got ${JSON.stringify(shown)}`);
        last = res.status();
        if (last === 429) break;
        eq(last, 401, 'a wrong password answers 401');
      }
      eq(last, 429, 'throttled after repeated failures');
    },
  },
  {
    name: 'logout-ends-the-session',
    fn: async ({ page }) => {
      await login(page, 'ben');
      await page.waitForSelector('#logout');
      await page.click('#logout');
      await page.waitForSelector('#username');
      const status = await page.evaluate(async () => (await fetch('/api/v1/session', { credentials: 'same-origin' })).status);
      eq(status, 401, 'session is gone after sign-out');
      await page.reload();
      await page.waitForSelector('#username');
    },
  },
];
