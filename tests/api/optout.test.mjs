// optout.test.mjs — the public email opt-out page, /optout/TOKEN: an HTML page for the
// person an email went to (no session, no JSON, so not in openapi.json; docs/API.md,
// "Public pages"). A token is made here the way the server stores one (the hex SHA-256
// of 43 base64url characters, in optout_tokens) for a new account of a new client;
// tests/integration/t_email.sh takes one from a real message at an SMTP sink instead.
// Checks: the page shows the masked address and the agency's name HTML-escaped, with a
// POST form and no script; unknown and malformed tokens get one and the same 404; the
// one-click POST of RFC 8058 stops emails once (audited, actor "optout"), and then the
// page says already stopped; the compliance engine refuses email (EMAIL_OPT_OUT).
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE_URL, cli, unique, lastAuditId, auditSince } from './lib.mjs';

// SQL on the test database (sqlite3 or psql): to plant a token and read the settings.
function sql(statement) {
  const url = process.env.ARREARS_DB_URL || '';
  if (url.startsWith('sqlite:')) {
    return execFileSync('sqlite3', ['-batch', '-bail', url.slice('sqlite:'.length), statement], { encoding: 'utf8' }).trim();
  }
  return execFileSync('psql', [url, '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', statement], { encoding: 'utf8' }).trim();
}

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

async function page(method, pathname, opts = {}) {
  const res = await fetch(`${BASE_URL}${pathname}`, { method, redirect: 'manual', ...opts });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const AGENCY = 'Acme & <Sons> "Recovery"';
let ctx;

test.before(() => {
  assert.ok(process.env.ARREARS_DB_URL, 'ARREARS_DB_URL is not set (run through tests/api/run)');
  const code = unique('OPT').toUpperCase().slice(0, 24);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'arrears-optout-'));
  try {
    const csv = path.join(dir, 'p.csv');
    writeFileSync(csv, 'client_account,first_name,last_name,principal,email\nO-1,Zoe,Quinn,50.00,zoe.quinn@example.org\n');
    cli(['client', 'add', code, '--name', 'Opt-out page test']);
    cli(['import', 'placements', csv, '--client', code]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const account = JSON.parse(cli(['account', 'show', `${code}:O-1`, '--json']));
  const email = account.emails.find((e) => e.address === 'zoe.quinn@example.org');
  assert.ok(email, 'the placed account has no email');
  const token = randomBytes(32).toString('base64url');
  assert.equal(token.length, 43);
  const hash = createHash('sha256').update(token).digest('hex');
  sql(`INSERT INTO optout_tokens (token_hash, account_id, email_id, created_at) VALUES (${q(hash)}, ${account.id}, ${email.id}, '2026-01-05T12:00:00Z')`);
  const before = sql("SELECT value FROM settings WHERE key = 'agency.name'");
  sql(`INSERT INTO settings (key, value) VALUES ('agency.name', ${q(AGENCY)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
  ctx = { account, email, token, hash, agencyBefore: before, url: `/optout/${token}` };
});

test.after(() => {
  if (!ctx) return;
  if (ctx.agencyBefore === '') sql("DELETE FROM settings WHERE key = 'agency.name'");
  else sql(`UPDATE settings SET value = ${q(ctx.agencyBefore)} WHERE key = 'agency.name'`);
});

test('GET shows the masked address, the agency (escaped) and a POST form; no cache, no script', async () => {
  const res = await page('GET', ctx.url);
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /^text\/html; charset=utf-8/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('x-robots-tag'), 'noindex');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  assert.ok(res.headers.get('content-security-policy'));
  assert.ok(res.text.includes('z***@example.org'), res.text);
  assert.ok(!res.text.includes('zoe.quinn'), 'the full address is on the page');
  assert.ok(res.text.includes('Acme &amp; &lt;Sons&gt; &quot;Recovery&quot;'), res.text);
  assert.ok(!res.text.includes('<Sons>'), 'the agency name is not escaped');
  assert.match(res.text, /<form method="post">[\s\S]*<button type="submit">Stop emails<\/button>/);
  assert.ok(!/<script/i.test(res.text));
  const head = await page('HEAD', ctx.url);
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
});

test('unknown and malformed tokens get the same 404 page, which tells nothing', async () => {
  const unknown = await page('GET', `/optout/${randomBytes(32).toString('base64url')}`);
  assert.equal(unknown.status, 404);
  assert.match(unknown.headers.get('content-type'), /^text\/html/);
  assert.ok(!unknown.text.includes('example.org'));
  for (const t of ['x', ctx.token.slice(0, 42), `${ctx.token}A`, `${ctx.token.slice(0, 42)}.`, `${ctx.token}/more`, 'A'.repeat(4000), '%3Cscript%3E']) {
    for (const method of ['GET', 'POST']) {
      const res = await page(method, `/optout/${t}`);
      assert.equal(res.status, 404, `${method} /optout/${t.slice(0, 50)}`);
      assert.equal(res.text, unknown.text, `${method} /optout/${t.slice(0, 50)}: a different 404`);
    }
  }
  const put = await page('PUT', ctx.url);
  assert.equal(put.status, 405);
  assert.equal(put.headers.get('allow'), 'GET, HEAD, POST');
  assert.equal(sql(`SELECT count(*) FROM optout_tokens WHERE token_hash = ${q(ctx.hash)} AND used_at IS NULL`), '1', 'a refused request used the token');
});

test('the one-click POST (RFC 8058) stops emails once; then the page says already stopped', async () => {
  const auditFrom = await lastAuditId();
  const res = await page('POST', ctx.url, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  assert.equal(res.status, 200, res.text);
  assert.ok(res.text.includes('Emails stopped'), res.text);
  assert.ok(res.text.includes('z***@example.org'));
  assert.ok(res.text.includes('Acme &amp; &lt;Sons&gt;'));

  const again = await page('POST', ctx.url, { body: 'List-Unsubscribe=One-Click' });
  assert.equal(again.status, 200);
  assert.match(again.text, /already stopped/);
  const get = await page('GET', ctx.url);
  assert.equal(get.status, 200);
  assert.match(get.text, /already stopped/);
  assert.ok(!get.text.includes('<form'));

  const events = (await auditSince(auditFrom, { action: 'email.opt_out' })).filter((e) => e.entity_id === String(ctx.account.id) || e.entity_id === ctx.account.id);
  assert.equal(events.length, 1, JSON.stringify(events));
  assert.equal(events[0].actor, 'optout');
  const account = JSON.parse(cli(['account', 'show', String(ctx.account.id), '--json']));
  assert.equal(account.emails.find((e) => e.id === ctx.email.id).consent, 'revoked');
  const at = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const check = JSON.parse(cli(['contact', 'check', String(ctx.account.id), '--channel', 'email', '--to', 'zoe.quinn@example.org', '--at', at, '--json']));
  assert.equal(check.allowed, false);
  assert.ok(check.reasons.some((r) => r.code === 'EMAIL_OPT_OUT'), JSON.stringify(check.reasons));
});
