// letters.test.mjs — the letters routes of docs/API.md: the agency profile (read by
// staff, set by an admin, audited), the letter templates (list, show, check, save as
// versions 1, 2, ...), a preview PDF for a demo account, and the letters of a run.
//
// The run: the test places fresh accounts with MERCY (the client user's client) and
// SUMMIT through the CLI, sets up a plan on each today (a plan confirmation is due) and
// runs `arrears letters run --as-of TODAY --out DIR` on the test database while the
// server runs (tests/api/run has run the nightly batch for today, which the letters run
// needs; running it again here changes nothing). The server and the CLI both take the
// date from the clock in UTC (ARREARS_NOW is unset), so TODAY is the UTC date. Then,
// over the API: the date's list equals the run's manifest, each account shows its
// letter, each PDF is the same bytes as the run's file, returned mail is recorded once
// (409 the second time), and the client user reads only its own client's letters.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE_URL, call, as, expectStatus, expectError, cli, unique, accountDetail, pickAccount, lastAuditId, auditSince } from './lib.mjs';

const TEMPLATE_NAMES = [
  'validation_notice', 'reminder', 'plan_confirmation', 'settlement_offer', 'settlement_confirmation',
  'paid_in_full', 'broken_plan', 'cease_acknowledgement', 'verification_response', 'attorney_referral',
];
const AGENCY_FIELDS = ['name', 'street', 'city_line', 'phone', 'hours', 'email', 'website', 'dispute_url'];
const today = () => new Date().toISOString().slice(0, 10);

// A GET whose answer may be a PDF: the bytes as sent (call() reads a body as text).
async function fetchRaw(pathname, who, query) {
  const headers = {};
  if (who?.kind === 'session') headers.Cookie = `arrears_session=${who.cookie}`;
  else if (who?.kind === 'token') headers.Authorization = `Bearer ${who.token}`;
  const q = query ? `?${new URLSearchParams(query)}` : '';
  const res = await fetch(`${BASE_URL}${pathname}${q}`, { headers, redirect: 'manual' });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

function assertPdf(res, what, fileName) {
  assert.equal(res.status, 200, `${what}: HTTP ${res.status}: ${res.bytes.toString('utf8', 0, 300)}`);
  assert.equal(res.headers.get('content-type'), 'application/pdf', `${what}: Content-Type`);
  assert.equal(res.bytes.subarray(0, 5).toString('latin1'), '%PDF-', `${what}: does not start with %PDF-`);
  assert.ok(res.bytes.length > 1000, `${what}: only ${res.bytes.length} bytes`);
  assert.match(res.bytes.subarray(-64).toString('latin1'), /%%EOF\s*$/, `${what}: no %%EOF at the end`);
  if (fileName) assert.equal(res.headers.get('content-disposition'), `inline; filename="${fileName}"`, `${what}: Content-Disposition`);
  // The server adds these to every /api/ answer: once each, not twice.
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(res.headers.get('cache-control'), 'no-store', `${what}: Cache-Control`);
}

/* ---- the agency profile -------------------------------------------------------------- */

test('agency profile: staff read it; an admin sets a field (audited); a collector may not; an unknown field is 400', async () => {
  const admin = await as('admin');
  const got = await call('GET', '/api/v1/agency', { as: await as('collector') });
  expectStatus(got, 200, 'collector reads the profile:');
  assert.deepEqual(Object.keys(got.body).sort(), [...AGENCY_FIELDS].sort());
  assert.ok(got.body.name.length > 0, 'the demo sets the agency name');
  const before = got.body;
  const hours = `Monday to Friday 9 a.m. to 5 p.m. ${unique('T')}`;
  try {
    const base = await lastAuditId();
    const set = await call('PUT', '/api/v1/agency/hours', { as: admin, body: { value: hours } });
    expectStatus(set, 200, 'admin sets hours:');
    assert.deepEqual(set.body, { ...before, hours }, 'the answer is the whole profile, changed');
    const again = await call('GET', '/api/v1/agency', { as: await as('supervisor') });
    assert.equal(again.body.hours, hours);
    const ev = (await auditSince(base)).find((e) => e.action === 'agency.set');
    assert.ok(ev, 'no agency.set audit event');
    assert.equal(ev.actor, 'admin');
    assert.deepEqual(ev.detail, { key: 'hours', old: before.hours, new: hours });

    expectError(await call('PUT', '/api/v1/agency/hours', { as: await as('collector'), body: { value: 'x' } }), 403, 'forbidden', 'collector sets:');
    expectError(await call('PUT', '/api/v1/agency/hours', { as: await as('supervisor'), body: { value: 'x' } }), 403, 'forbidden', 'supervisor sets:');

    const unknown = await call('PUT', '/api/v1/agency/fax_number', { as: admin, body: { value: '555' } });
    expectError(unknown, 400, 'invalid', 'unknown field:');
    assert.equal(unknown.body.error.field, 'key');
    assert.match(unknown.body.error.message, /"fax_number" is not an agency field/);

    const empty = await call('PUT', '/api/v1/agency/name', { as: admin, body: { value: '' } });
    expectError(empty, 400, 'invalid', 'empty name:');
    assert.equal(empty.body.error.field, 'name');
    const missing = await call('PUT', '/api/v1/agency/name', { as: admin, body: {} });
    expectError(missing, 400, 'invalid', 'no value:');
    assert.equal(missing.body.error.field, 'value');
    const twoLines = await call('PUT', '/api/v1/agency/street', { as: admin, body: { value: '1 Main St\nSuite 2' } });
    expectError(twoLines, 400, 'invalid', 'a line break:');
    assert.equal(twoLines.body.error.field, 'street');
    // An optional field may be cleared.
    const cleared = await call('PUT', '/api/v1/agency/website', { as: admin, body: { value: '' } });
    expectStatus(cleared, 200, 'clear the website:');
    assert.equal(cleared.body.website, '');
    expectError(await call('GET', '/api/v1/agency', { as: await as('client') }), 403, 'forbidden', 'client reads the profile:');
  } finally {
    for (const k of ['hours', 'website']) {
      const r = await call('PUT', `/api/v1/agency/${k}`, { as: admin, body: { value: before[k] } });
      expectStatus(r, 200, `restore ${k}:`);
    }
  }
});

/* ---- templates -------------------------------------------------------------------------- */

test('template list: 20 entries, the 10 names in en and es', async () => {
  const r = await call('GET', '/api/v1/letter-templates', { as: await as('compliance') });
  expectStatus(r, 200);
  assert.equal(r.body.length, 20);
  const keys = r.body.map((t) => `${t.name}/${t.language}`).sort();
  assert.deepEqual(keys, TEMPLATE_NAMES.flatMap((n) => [`${n}/en`, `${n}/es`]).sort());
  const reminder = r.body.find((t) => t.name === 'reminder' && t.language === 'es');
  assert.equal(reminder.kind, 'collection');
  assert.equal(reminder.repeat_days, 30);
  const notice = r.body.find((t) => t.name === 'validation_notice' && t.language === 'en');
  assert.equal(notice.repeat_days, 0, 'the validation notice is sent once');
  expectError(await call('GET', '/api/v1/letter-templates', { as: await as('client') }), 403, 'forbidden', 'client:');
});

test('template show: the text and the versions (0, the builtin file, last)', async () => {
  const col = await as('collector');
  const r = await call('GET', '/api/v1/letter-templates/reminder/es', { as: col });
  expectStatus(r, 200);
  assert.equal(r.body.name, 'reminder');
  assert.equal(r.body.language, 'es');
  assert.match(r.body.text, /^(#.*\n)*subject: /m);
  assert.match(r.body.text, /^kind: collection\r?$/m);
  assert.match(r.body.text, /^---\r?$/m);
  assert.ok(r.body.versions.length >= 1);
  assert.deepEqual(r.body.versions.at(-1), { version: 0, saved_by: 'builtin', saved_at: null, note: 'the file shipped with arrears' });
  const v0 = await call('GET', '/api/v1/letter-templates/reminder/es', { as: col, query: { version: 0 } });
  expectStatus(v0, 200);
  assert.equal(v0.body.version, 0);
  expectError(await call('GET', '/api/v1/letter-templates/reminder/es', { as: col, query: { version: 999999 } }), 404, 'not_found', 'no such version:');
  expectError(await call('GET', '/api/v1/letter-templates/reminders/en', { as: col }), 404, 'not_found', 'no such name:');
  const fr = await call('GET', '/api/v1/letter-templates/reminder/fr', { as: col });
  expectError(fr, 400, 'invalid', 'language fr:');
  assert.equal(fr.body.error.field, 'language');
});

const GOOD = 'subject: Your account {{account.reference}}\nkind: collection\nrepeat: every 30 days\n---\n= Hello {{debtor.name}}\nYou owe {{balance.current}}.\n';
const BAD = 'subject: Your account\nkind: collection\nrepeat: once\n---\nHello {{nope}}\n';

test('template check: a template gives its kind; a mistake is 400 naming line and column; admin only', async () => {
  const admin = await as('admin');
  const ok = await call('POST', '/api/v1/letter-templates/check', { as: admin, body: { text: GOOD } });
  expectStatus(ok, 200);
  assert.deepEqual(ok.body, { ok: true, kind: 'collection', repeat_days: 30 });
  const bad = await call('POST', '/api/v1/letter-templates/check', { as: admin, body: { text: BAD } });
  expectError(bad, 400, 'invalid');
  assert.match(bad.body.error.message, /^line 5, column 7: unknown field \{\{nope\}\}/);
  assert.equal(bad.body.error.field, 'text');
  const unclosed = await call('POST', '/api/v1/letter-templates/check', { as: admin, body: { text: GOOD.replace('{{debtor.name}}', '{{debtor.name') } });
  expectError(unclosed, 400, 'invalid', 'an unclosed {{:');
  assert.match(unclosed.body.error.message, /^line 5, column \d+: /);
  expectError(await call('POST', '/api/v1/letter-templates/check', { as: admin, body: {} }), 400, 'invalid', 'no text:');
  expectError(await call('POST', '/api/v1/letter-templates/check', { as: await as('supervisor'), body: { text: GOOD } }), 403, 'forbidden', 'supervisor:');
});

test('template save: an admin saves versions 1 then 2 (audited; list and show see them); a collector may not', async () => {
  const admin = await as('admin');
  const url = '/api/v1/letter-templates/attorney_referral/en';
  const shown = await call('GET', url, { as: admin });
  expectStatus(shown, 200);
  const builtin = (await call('GET', url, { as: admin, query: { version: 0 } })).body.text;
  const last = Math.max(...shown.body.versions.map((v) => v.version));
  assert.equal(last, 0, 'a fresh demo database has no saved version of attorney_referral/en');
  // The builtin text with one more header comment: letters made from it read the same.
  const text1 = `# edited by the API test (1)\n${builtin}`;
  const text2 = `# edited by the API test (2)\n${builtin}`;
  const base = await lastAuditId();
  const s1 = await call('POST', url, { as: admin, body: { text: text1, note: 'first edit' } });
  expectStatus(s1, 201, 'save 1:');
  assert.equal(s1.body.version, 1);
  assert.equal(s1.body.saved_by, 'admin');
  assert.equal(s1.body.note, 'first edit');
  assert.equal(s1.body.kind, 'remedy');
  const s2 = await call('POST', url, { as: admin, body: { text: text2 } });
  expectStatus(s2, 201, 'save 2:');
  assert.equal(s2.body.version, 2);
  assert.equal(s2.body.note, null);

  const now = await call('GET', url, { as: await as('collector') });
  assert.equal(now.body.version, 2);
  assert.equal(now.body.text, text2);
  assert.deepEqual(now.body.versions.map((v) => v.version), [2, 1, 0]);
  assert.equal(now.body.versions[1].note, 'first edit');
  assert.equal(now.body.versions[0].saved_by, 'admin');
  const one = await call('GET', url, { as: admin, query: { version: 1 } });
  assert.equal(one.body.text, text1);
  const listed = (await call('GET', '/api/v1/letter-templates', { as: admin })).body.find((t) => t.name === 'attorney_referral' && t.language === 'en');
  assert.equal(listed.version, 2);
  assert.equal(listed.saved_by, 'admin');
  const es = (await call('GET', '/api/v1/letter-templates/attorney_referral/es', { as: admin })).body;
  assert.equal(es.version, 0, 'the Spanish template is not changed');
  const saved = (await auditSince(base)).filter((e) => e.action === 'template.saved');
  assert.deepEqual(saved.map((e) => e.detail), [
    { name: 'attorney_referral', language: 'en', version: 1 },
    { name: 'attorney_referral', language: 'en', version: 2 },
  ]);

  expectError(await call('POST', url, { as: await as('collector'), body: { text: text1 } }), 403, 'forbidden', 'collector saves:');
  expectError(await call('POST', url, { as: await as('supervisor'), body: { text: text1 } }), 403, 'forbidden', 'supervisor saves:');
  const bad = await call('POST', url, { as: admin, body: { text: BAD } });
  expectError(bad, 400, 'invalid', 'save a bad text:');
  assert.match(bad.body.error.message, /^line 5, column 7: /);
  expectError(await call('POST', '/api/v1/letter-templates/final_demand/en', { as: admin, body: { text: GOOD } }), 404, 'not_found', 'a new name:');
  const still = await call('GET', url, { as: admin });
  assert.equal(still.body.version, 2, 'refused saves made no version');
});

/* ---- preview ------------------------------------------------------------------------------- */

test('letter preview: a PDF of the template filled for a demo account, recorded nowhere', async () => {
  const acct = await pickAccount('MERCY', 5);
  const col = await as('collector');
  const before = await call('GET', `/api/v1/accounts/${acct.id}/letters`, { as: col });
  expectStatus(before, 200);
  const url = `/api/v1/accounts/${acct.id}/letter-preview`;
  assertPdf(await fetchRaw(url, col, { template: 'validation_notice' }), 'preview', 'preview.pdf');
  assertPdf(await fetchRaw(url, col, { template: 'reminder', language: 'es' }), 'Spanish preview', 'preview.pdf');
  assertPdf(await fetchRaw(`/api/v1/accounts/${acct.client}:${acct.client_account}/letter-preview`, await as('compliance'), { template: 'paid_in_full' }), 'preview by CLIENT:ACCOUNT');
  const after = await call('GET', `/api/v1/accounts/${acct.id}/letters`, { as: col });
  assert.deepEqual(after.body, before.body, 'a preview records no letter');

  const none = await call('GET', url, { as: col });
  expectError(none, 400, 'invalid', 'no template:');
  assert.equal(none.body.error.field, 'template');
  const unknown = await call('GET', url, { as: col, query: { template: 'final_demand' } });
  expectError(unknown, 404, 'not_found', 'unknown template:');
  assert.equal(unknown.body.error.field, 'template');
  const fr = await call('GET', url, { as: col, query: { template: 'reminder', language: 'fr' } });
  expectError(fr, 400, 'invalid', 'language fr:');
  assert.equal(fr.body.error.field, 'language');
  expectError(await call('GET', '/api/v1/accounts/999999999/letter-preview', { as: col, query: { template: 'reminder' } }), 404, 'not_found', 'no such account:');
  expectError(await call('GET', url, { as: await as('client'), query: { template: 'reminder' } }), 403, 'forbidden', 'client:');
});

/* ---- a letters run -------------------------------------------------------------------------- */

const run = {};
test('a letters run for today (CLI) makes the plan confirmations of fresh MERCY and SUMMIT accounts', () => {
  assert.ok(process.env.ARREARS_DB_URL, 'ARREARS_DB_URL is not set (run through tests/api/run)');
  const tag = unique('LT').toUpperCase().replace(/[^A-Z0-9]/g, '');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'arrears-letters-test-'));
  run.dir = dir;
  run.date = today();
  run.accounts = { MERCY: [`MERCY:${tag}-1`, `MERCY:${tag}-2`], SUMMIT: [`SUMMIT:${tag}-1`] };
  const csv = path.join(dir, 'placements.csv');
  writeFileSync(csv, 'client_account,first_name,last_name,principal,address1,city,state,zip,open_date,charge_off_date\n' +
    `${tag}-1,Lena,Tester,120.00,5 Elm St,Des Moines,IA,50309,2024-03-01,2026-01-15\n` +
    `${tag}-2,Omar,Tester,95.50,7 Oak Ave,Des Moines,IA,50310,2024-03-01,2026-01-15\n`);
  cli(['import', 'placements', csv, '--client', 'MERCY']);
  cli(['import', 'placements', csv, '--client', 'SUMMIT']);
  for (const ref of [...run.accounts.MERCY, ...run.accounts.SUMMIT]) {
    const total = ref.endsWith('-2') ? '95.50' : '120.00';
    cli(['plan', 'create', ref, '--total', total, '--frequency', 'monthly', '--count', '1', '--first', '2030-01-31']);
  }
  cli(['batch', 'run', '--as-of', run.date, '--quiet']); // done already: changes nothing
  const out = JSON.parse(cli(['letters', 'run', '--as-of', run.date, '--out', path.join(dir, 'out'), '--json']));
  run.out = path.join(dir, 'out');
  assert.equal(out.as_of, run.date);
  assert.ok(out.letters >= 3, `the run made ${out.letters} letters: ${JSON.stringify(out)}`);
  // The manifest: every letter of the date (made by this run or an earlier one).
  const lines = readFileSync(out.manifest, 'utf8').trim().split('\n');
  assert.match(lines[0], /^letter_id,account_id,client,client_account,template,/);
  run.manifest = lines.slice(1).map((l) => {
    const f = l.split(',');
    return { id: Number(f[0]), account_id: Number(f[1]), client: f[2], client_account: f[3], template: f[4], file: f.at(-1) };
  });
  assert.equal(run.manifest.length, out.manifest_rows);
  // A second run of the date makes nothing more.
  const again = JSON.parse(cli(['letters', 'run', '--as-of', run.date, '--out', run.out, '--json']));
  assert.equal(again.letters, 0);
  assert.equal(again.manifest_rows, out.manifest_rows);
});

test('POST /api/v1/letters/runs runs the same date into the server\'s letters_dir: nothing twice', async () => {
  assert.ok(run.manifest, 'the run did not happen');
  const r = await call('POST', '/api/v1/letters/runs', { as: await as('supervisor'), body: { as_of: run.date } });
  expectStatus(r, 200);
  assert.equal(r.body.as_of, run.date);
  assert.equal(r.body.letters, 0, 'every letter of the date was made by the CLI run');
  assert.equal(r.body.manifest_rows, run.manifest.length, 'the same letters in its manifest');
  assert.match(r.body.manifest, new RegExp(`manifest-${run.date}\\.csv$`));
  assert.equal(readFileSync(r.body.manifest, 'utf8').trim().split('\n').length, run.manifest.length + 1);
  expectStatus(await call('POST', '/api/v1/letters/runs', { as: await as('collector'), body: { as_of: run.date } }), 403);
  const bad = await call('POST', '/api/v1/letters/runs', { as: await as('admin'), body: { as_of: '2026-13-01' } });
  expectStatus(bad, 400);
  assert.equal(bad.body.error.field, 'as_of');
});

// The run's letter for an account reference (CLIENT:ACCOUNT), from the manifest.
function runLetter(ref) {
  const [client, acct] = ref.split(':');
  const l = run.manifest.find((m) => m.client === client && m.client_account === acct);
  assert.ok(l, `no letter for ${ref} in the manifest`);
  assert.equal(l.template, 'plan_confirmation');
  return l;
}

test('GET /api/v1/letters?as_of= lists the run\'s letters, page by page, as the manifest does', async () => {
  assert.ok(run.manifest, 'the run did not happen');
  const sup = await as('supervisor');
  const all = [];
  let after = 0;
  for (let guard = 0; guard < 1000; guard++) {
    const r = await call('GET', '/api/v1/letters', { as: sup, query: { as_of: run.date, after, limit: 2 } });
    expectStatus(r, 200);
    all.push(...r.body);
    if (r.body.length < 2) break;
    after = r.body.at(-1).id;
  }
  const ids = all.map((l) => l.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'by id');
  assert.equal(new Set(ids).size, ids.length, 'no letter twice across pages');
  assert.deepEqual(all.filter((l) => l.channel === 'letter').map((l) => l.id), run.manifest.map((m) => m.id).sort((a, b) => a - b));
  for (const l of all) assert.equal(l.as_of, run.date);
  for (const ref of [...run.accounts.MERCY, ...run.accounts.SUMMIT]) {
    const m = runLetter(ref);
    const l = all.find((x) => x.id === m.id);
    assert.equal(l.account_id, m.account_id);
    assert.equal(l.template, 'plan_confirmation');
    assert.equal(l.status, 'mailed');
    assert.equal(l.direction, 'out');
  }
  const col = await as('collector');
  const empty = await call('GET', '/api/v1/letters', { as: col, query: { as_of: '2001-01-02' } });
  expectStatus(empty, 200, 'a date without letters:');
  assert.deepEqual(empty.body, []);
  const noDate = await call('GET', '/api/v1/letters', { as: col });
  expectError(noDate, 400, 'invalid', 'no as_of:');
  assert.equal(noDate.body.error.field, 'as_of');
  const badDate = await call('GET', '/api/v1/letters', { as: col, query: { as_of: '2026-13-01' } });
  expectError(badDate, 400, 'invalid', 'a bad as_of:');
  assert.equal(badDate.body.error.field, 'as_of');
  const bigLimit = await call('GET', '/api/v1/letters', { as: col, query: { as_of: run.date, limit: 1001 } });
  expectError(bigLimit, 400, 'invalid', 'limit 1001:');
  assert.equal(bigLimit.body.error.field, 'limit');
});

test('GET /api/v1/accounts/{account}/letters shows the account\'s letter', async () => {
  assert.ok(run.manifest, 'the run did not happen');
  const ref = run.accounts.MERCY[0];
  const m = runLetter(ref);
  for (const name of [ref, String(m.account_id)]) {
    const r = await call('GET', `/api/v1/accounts/${name}/letters`, { as: await as('collector') });
    expectStatus(r, 200, name);
    assert.equal(r.body.length, 1, `${name}: ${r.text.slice(0, 300)}`);
    const l = r.body[0];
    assert.equal(l.id, m.id);
    assert.equal(l.account_id, m.account_id);
    assert.equal(l.channel, 'letter');
    assert.equal(l.language, 'en');
    assert.equal(l.template_version, 0);
    assert.equal(l.sent_on, run.date);
    assert.equal(l.recipient, 'Lena Tester');
    assert.ok(l.pages >= 1);
    assert.equal(l.returned_on, null);
    assert.equal(l.return_reason, null);
  }
  // The account screen has the letter among its contacts.
  const detail = await accountDetail(m.account_id);
  assert.ok(detail.contacts.some((c) => c.channel === 'letter' && c.to === `letter ${m.id}` && c.outcome === 'sent'), 'no contact for the letter');
});

test('GET /api/v1/letters/{id}/pdf is the same bytes as the run\'s file', async () => {
  assert.ok(run.manifest, 'the run did not happen');
  const col = await as('collector');
  for (const ref of [...run.accounts.MERCY, ...run.accounts.SUMMIT]) {
    const m = runLetter(ref);
    const res = await fetchRaw(`/api/v1/letters/${m.id}/pdf`, col);
    assertPdf(res, `letter ${m.id}`, `letter-${m.id}.pdf`);
    const file = readFileSync(path.join(run.out, m.file));
    assert.ok(res.bytes.equals(file), `letter ${m.id}: ${res.bytes.length} bytes, the run's ${m.file} ${file.length}`);
  }
  expectError(await call('GET', '/api/v1/letters/999999999/pdf', { as: col }), 404, 'not_found', 'no such letter:');
  expectError(await call('GET', '/api/v1/letters/abc/pdf', { as: col }), 404, 'not_found', 'not an id:');
});

test('POST /api/v1/letters/{id}/returned marks it returned (address, contact, skip trace); a second call is 409', async () => {
  assert.ok(run.manifest, 'the run did not happen');
  const col = await as('collector');
  const m = runLetter(run.accounts.MERCY[1]);
  const base = await lastAuditId();
  const r = await call('POST', `/api/v1/letters/${m.id}/returned`, { as: col, body: { reason: 'moved, left no address' } });
  expectStatus(r, 200);
  assert.equal(r.body.id, m.id);
  assert.equal(r.body.status, 'returned');
  assert.equal(r.body.returned_on, today());
  assert.equal(r.body.return_reason, 'moved, left no address');
  assert.ok(Number.isInteger(r.body.skip_trace_id) && r.body.skip_trace_id > 0, `skip_trace_id ${r.body.skip_trace_id}`);
  const listed = await call('GET', `/api/v1/accounts/${m.account_id}/letters`, { as: col });
  assert.equal(listed.body[0].status, 'returned');
  assert.equal(listed.body[0].returned_on, today());
  const detail = await accountDetail(m.account_id);
  assert.deepEqual(detail.addresses.map((a) => a.status), ['returned'], 'the address is marked returned');
  assert.equal(detail.addresses[0].history.at(-1).source, 'returned_mail');
  assert.ok(detail.contacts.some((c) => c.channel === 'letter' && c.outcome === 'returned' && c.to === `letter ${m.id}`), 'the return is logged as a contact');
  const ev = (await auditSince(base)).find((e) => e.action === 'letter.returned' && e.entity_id === String(m.id));
  assert.ok(ev, 'no letter.returned audit event');
  assert.equal(ev.actor, 'alice');
  assert.equal(ev.detail.skip_trace_id, r.body.skip_trace_id);

  const again = await call('POST', `/api/v1/letters/${m.id}/returned`, { as: col, body: {} });
  expectError(again, 409, 'conflict', 'returned twice:');
  assert.match(again.body.error.message, /is returned, not mailed/);

  // A return dated before the mail date is refused and changes nothing.
  const s = runLetter(run.accounts.SUMMIT[0]);
  const early = await call('POST', `/api/v1/letters/${s.id}/returned`, { as: col, body: { date: '2001-01-02' } });
  expectError(early, 400, 'invalid', 'dated before the mail date:');
  assert.equal(early.body.error.field, 'date');
  const notDate = await call('POST', `/api/v1/letters/${s.id}/returned`, { as: col, body: { date: 'yesterday' } });
  expectError(notDate, 400, 'invalid', 'not a date:');
  const still = await call('GET', `/api/v1/accounts/${s.account_id}/letters`, { as: col });
  assert.equal(still.body[0].status, 'mailed');
  expectError(await call('POST', '/api/v1/letters/999999999/returned', { as: col, body: {} }), 404, 'not_found', 'no such letter:');
});

test('a client user reads its own client\'s letters only', async () => {
  assert.ok(run.manifest, 'the run did not happen');
  const client = await as('client');
  const own = runLetter(run.accounts.MERCY[0]);
  const other = runLetter(run.accounts.SUMMIT[0]);
  const mine = await call('GET', `/api/v1/accounts/${own.account_id}/letters`, { as: client });
  expectStatus(mine, 200, 'own account\'s letters:');
  assert.deepEqual(mine.body.map((l) => l.id), [own.id]);
  const pdf = await fetchRaw(`/api/v1/letters/${own.id}/pdf`, client);
  assertPdf(pdf, 'own letter');
  assert.ok(pdf.bytes.equals(readFileSync(path.join(run.out, own.file))), 'own letter: the run\'s bytes');

  expectError(await call('GET', `/api/v1/accounts/${other.account_id}/letters`, { as: client }), 403, 'forbidden', 'another client\'s account:');
  const theirs = await call('GET', `/api/v1/letters/${other.id}/pdf`, { as: client });
  expectError(theirs, 404, 'not_found', 'another client\'s letter PDF:');
  assert.doesNotMatch(theirs.body.error.message, new RegExp(`\\b${other.account_id}\\b`), 'the answer does not name the account');
  // The same as a letter that does not exist.
  const missing = await call('GET', '/api/v1/letters/999999999/pdf', { as: client });
  assert.deepEqual(theirs.body, missing.body);

  expectError(await call('GET', '/api/v1/letters', { as: client, query: { as_of: run.date } }), 403, 'forbidden', 'the date\'s letters:');
  expectError(await call('POST', `/api/v1/letters/${own.id}/returned`, { as: client, body: {} }), 403, 'forbidden', 'mark returned:');
});

test.after(() => {
  if (run.dir) rmSync(run.dir, { recursive: true, force: true });
});
