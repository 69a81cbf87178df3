// Helpers for the browser tests: environment, sign-in through the UI, an API client
// (for setting up and checking), money parsing, screenshots at both desk sizes.
import { request } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
export const PASSWORD = process.env.DEMO_PASSWORD ?? 'arrears-demo';
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? '';

export const SMALL = { width: 1366, height: 768 };
export const LARGE = { width: 1920, height: 1080 };

/** Signs in through the login form and waits for the first screen. */
export async function login(page, username, password = PASSWORD) {
  await page.goto(`${BASE_URL}/`);
  await page.waitForSelector('#username');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForSelector('.topbar'), page.click('.login-card button[type=submit]')]);
}

/** An API client signed in as `username` (cookie session + CSRF header). */
export async function apiAs(username, password = PASSWORD) {
  const ctx = await request.newContext({ baseURL: BASE_URL });
  const res = await ctx.post('/api/v1/session', { data: { username, password } });
  if (res.status() !== 200) throw new Error(`API sign-in as ${username}: ${res.status()} ${await res.text()}`);
  const { csrf_token: csrf } = await res.json();
  const call = async (method, path, data) => {
    const r = await ctx.fetch(path, {
      method,
      data,
      headers: method === 'GET' ? {} : { 'X-CSRF-Token': csrf ?? '' },
    });
    const text = await r.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: r.status(), body };
  };
  const ok = async (method, path, data) => {
    const r = await call(method, path, data);
    if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path} -> ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  return {
    call,
    get: (path) => ok('GET', path),
    post: (path, data) => ok('POST', path, data),
    close: () => ctx.dispose(),
  };
}

/** "$10,726.24" / "-$25.00" -> integer cents, by string handling only. */
export function cents(text) {
  const s = String(text).trim();
  const m = /^(-?)\$?([\d,]+)\.(\d{2})$/.exec(s.replace(/\s/g, ''));
  if (!m) throw new Error(`not a dollar amount: ${JSON.stringify(text)}`);
  const v = Number(m[2].replace(/,/g, '')) * 100 + Number(m[3]);
  return m[1] ? -v : v;
}

// Dates are counted from the server's clock (tests/browser/run fixes it with
// ARREARS_NOW), in UTC like the server's "today".
export function dateInDays(n) {
  const d = process.env.ARREARS_NOW ? new Date(process.env.ARREARS_NOW) : new Date();
  d.setUTCDate(d.getUTCDate() + n);
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
}

/** Saves NAME-1366.png and NAME-1920.png (for people to look at; never compared). */
export async function shot(page, name, { both = true } = {}) {
  if (!SCREENSHOT_DIR) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const vp = page.viewportSize() ?? SMALL;
  if (both) {
    await page.setViewportSize(LARGE);
    await page.waitForTimeout(50);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-1920.png`) });
  }
  await page.setViewportSize(SMALL);
  await page.waitForTimeout(50);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-1366.png`) });
  if (vp.width !== SMALL.width || vp.height !== SMALL.height) await page.setViewportSize(vp);
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export function eq(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** The first account (by id) of a client other than `notClient`, via the API. */
export async function accountOfOtherClient(api, notClient) {
  const clients = await api.get('/api/v1/clients');
  for (const c of clients.items) {
    if (c.code === notClient) continue;
    const page = await api.get(`/api/v1/accounts?client=${encodeURIComponent(c.code)}&limit=1`);
    if (page.items.length) return page.items[0];
  }
  throw new Error(`no account outside client ${notClient}`);
}

/** An account whose debtor has an SSN (masked in the API answer) and a phone. */
export async function accountWithSsnAndPhone(api) {
  let after = null;
  for (let round = 0; round < 5; round++) {
    const list = await api.get(`/api/v1/accounts?limit=50${after ? `&after=${after}` : ''}`);
    for (const s of list.items) {
      const a = await api.get(`/api/v1/accounts/${s.id}`);
      if (a.debtor?.ssn && (a.phones ?? []).length) return a;
    }
    if (list.next_after === null) break;
    after = list.next_after;
  }
  throw new Error('no account with an SSN and a phone');
}
