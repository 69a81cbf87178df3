// correspondence.test.mjs — inbound correspondence over the API: filing (the classifier's
// suggestion, the hold it sets and the contact check that sees it), documents as base64
// and back byte for byte with their headers, refusals naming the field (magic bytes,
// size, type, base64, dates, body limits, content type), the list's order and paging,
// one item with its text, reclassifying (roles, events), a client user's scope, CSRF,
// and the audit trail.
import test from 'node:test';
import assert from 'node:assert/strict';
import { call, as, expectStatus, expectError, pickAccount, BASE_URL, auditSince, lastAuditId } from './lib.mjs';
import { SAMPLE_PDF } from './routes.mjs';

const day = (offsetDays = 0) => new Date(Date.now() + offsetDays * 86400e3).toISOString().slice(0, 10);
const soon = () => new Date(Date.now() + 60e3).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pdfDoc = (name = 'scan.pdf', bytes = SAMPLE_PDF) => ({ file_name: name, content_type: 'application/pdf', content_base64: bytes.toString('base64') });
const path = (acct) => `/api/v1/accounts/${acct.id}/correspondence`;

// GET of a document as raw bytes (call() reads bodies as text).
async function download(id, who) {
  const headers = who.kind === 'session' ? { Cookie: `arrears_session=${who.cookie}` } : { Authorization: `Bearer ${who.token}` };
  const res = await fetch(`${BASE_URL}/api/v1/correspondence/${id}/document`, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function reasonsAt(acct, channel = 'letter') {
  const r = await call('GET', `/api/v1/accounts/${acct.id}/contact-check`, { as: await as('admin'), query: { channel, at: soon() } });
  expectStatus(r, 200);
  return r.body.reasons.map((x) => x.code);
}

test('an email disputing the debt is classified, and the dispute holds the account', async () => {
  const acct = await pickAccount('MERCY', 5);
  assert.ok(!(await reasonsAt(acct)).includes('DISPUTE_PENDING'), 'no dispute before');
  const collector = await as('collector');
  const r = await call('POST', path(acct), { as: collector, body: { channel: 'email', received_on: day(-2), subject: 'Your letter', body_text: 'Hello,\nI dispute this, it is not my debt.\n' } });
  expectStatus(r, 201);
  assert.equal(r.body.direction, 'in');
  assert.equal(r.body.kind, 'dispute');
  assert.equal(r.body.suggested_kind, 'dispute');
  assert.equal(r.body.suggested_phrase, 'dispute');
  assert.equal(r.body.has_body_text, true);
  assert.equal(r.body.has_document, false);
  assert.equal(r.body.document, null);
  assert.equal(r.body.event.type, 'dispute_written');
  assert.equal(r.body.event.at, `${day(-2)}T12:00:00Z`);
  assert.equal(r.body.event.released_at, null);
  assert.equal(r.body.actor, 'alice');
  assert.ok((await reasonsAt(acct)).includes('DISPUTE_PENDING'), 'the contact check sees the dispute');
  const events = await call('GET', `/api/v1/accounts/${acct.id}/events`, { as: collector });
  assert.ok(events.body.items.some((e) => e.id === r.body.event.id && e.type === 'dispute_written'));
  const one = await call('GET', `/api/v1/correspondence/${r.body.id}`, { as: collector });
  expectStatus(one, 200);
  assert.equal(one.body.body_text, 'Hello,\nI dispute this, it is not my debt.\n');
});

test('a PDF filed as base64 comes back byte for byte, viewable inline', async () => {
  const acct = await pickAccount('MERCY', 6);
  const bytes = Buffer.concat([SAMPLE_PDF, Buffer.from([0, 1, 2, 0xfe, 0xff, 0x0d, 0x0a])]);
  const name = 'cease "letter" ñ.pdf';
  const r = await call('POST', path(acct), { as: await as('supervisor'), body: { channel: 'mail', received_on: day(-1), kind: 'cease', document: pdfDoc(name, bytes) } });
  expectStatus(r, 201);
  assert.equal(r.body.kind, 'cease');
  assert.equal(r.body.suggested_kind, 'other', 'a scan is not read');
  assert.equal(r.body.event.type, 'cease_written');
  assert.equal(r.body.document.size_bytes, bytes.length);
  assert.equal(r.body.document.file_name, name);
  assert.equal(r.body.document.url, `/api/v1/correspondence/${r.body.id}/document`);
  assert.match(r.body.document.sha256, /^[0-9a-f]{64}$/);
  assert.ok((await reasonsAt(acct)).includes('CEASE_COMMUNICATION'));
  const d = await download(r.body.id, await as('compliance'));
  assert.equal(d.status, 200);
  assert.ok(d.bytes.equals(bytes), 'the same bytes');
  assert.equal(d.headers.get('content-type'), 'application/pdf');
  assert.equal(d.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(d.headers.get('content-disposition'), `inline; filename="cease _letter_ __.pdf"; filename*=UTF-8''cease%20%22letter%22%20%C3%B1.pdf`);
  assert.equal(d.headers.get('cache-control'), 'no-store');
  // A text document: read by the classifier, served as UTF-8 text.
  const t = await call('POST', path(acct), { as: await as('admin'), body: { channel: 'upload', received_on: day(-1), kind: 'other', document: { file_name: 'carta.txt', content_type: 'text/plain', content_base64: Buffer.from('Disputo esta cuenta.\n').toString('base64') } } });
  expectStatus(t, 201);
  assert.equal(t.body.suggested_kind, 'dispute');
  assert.equal(t.body.suggested_phrase, 'disputo');
  assert.equal(t.body.event, null, 'kind other: no event');
  const td = await download(t.body.id, await as('admin'));
  assert.equal(td.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(td.bytes.toString('utf8'), 'Disputo esta cuenta.\n');
});

test('refusals name the field, and nothing is filed', async () => {
  const acct = await pickAccount('MERCY', 7);
  const admin = await as('admin');
  const before = (await call('GET', path(acct), { as: admin })).body.items.length;
  const cases = [
    [{ channel: 'mail', received_on: day(-1), document: pdfDoc('x.pdf', Buffer.from('GIF89a not a pdf')) }, 'document.content_base64', /does not match its content type application\/pdf/],
    [{ channel: 'mail', received_on: day(-1), document: { file_name: 'x.png', content_type: 'image/png', content_base64: SAMPLE_PDF.toString('base64') } }, 'document.content_base64', /image\/png/],
    [{ channel: 'mail', received_on: day(-1), document: { file_name: 'x.doc', content_type: 'application/msword', content_base64: 'AAAA' } }, 'document.content_type', /not accepted/],
    [{ channel: 'mail', received_on: day(-1), document: { file_name: 'x.pdf', content_type: 'application/pdf', content_base64: '%%% not base64' } }, 'document.content_base64', /base64/],
    [{ channel: 'mail', received_on: day(-1), document: { file_name: 'x.pdf', content_type: 'application/pdf', content_base64: '' } }, 'document.content_base64', /empty/],
    [{ channel: 'mail', received_on: day(-1), document: { file_name: 'a/b.pdf', content_type: 'application/pdf', content_base64: SAMPLE_PDF.toString('base64') } }, 'document.file_name', /file_name/],
    [{ channel: 'mail', received_on: day(-1), document: { file_name: 'x.pdf', content_type: 'application/pdf' } }, 'document.content_base64', /required/],
    [{ channel: 'mail', received_on: day(-1), document: 'x' }, 'document', /object/],
    [{ channel: 'pigeon', received_on: day(-1), subject: 'x' }, 'channel', /channel/],
    [{ received_on: day(-1), subject: 'x' }, 'channel', /required/],
    [{ channel: 'mail', received_on: day(1), subject: 'x' }, 'received_on', /future/],
    [{ channel: 'mail', received_on: '2001-01-01', subject: 'x' }, 'received_on', /year before/],
    [{ channel: 'mail', received_on: 'yesterday', subject: 'x' }, 'received_on', /date/],
    [{ channel: 'mail', received_on: day(-1), subject: 'x', kind: 'angry' }, 'kind', /kind/],
    [{ channel: 'mail', received_on: day(-1), subject: 'line\nbreak' }, 'subject', /one line/],
    [{ channel: 'mail', received_on: day(-1), subject: 'x'.repeat(201) }, 'subject', /200/],
    [{ channel: 'mail', received_on: day(-1), body_text: 'x'.repeat(65537) }, 'body_text', /65536/],
    [{ channel: 'mail', received_on: day(-1) }, 'document', /needs a subject/],
  ];
  for (const [body, field, message] of cases) {
    const r = await call('POST', path(acct), { as: admin, body });
    expectError(r, 400, 'invalid', JSON.stringify(body).slice(0, 120));
    assert.equal(r.body.error.field, field, `${JSON.stringify(body).slice(0, 120)}: ${r.body.error.message}`);
    assert.match(r.body.error.message, message);
  }
  // Over 10 MiB decoded: refused by the service; over 16 MiB of body: 413.
  const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
  SAMPLE_PDF.copy(big);
  const tooBig = await call('POST', path(acct), { as: admin, body: { channel: 'mail', received_on: day(-1), document: pdfDoc('big.pdf', big) } });
  expectError(tooBig, 400, 'invalid');
  assert.equal(tooBig.body.error.field, 'document.content_base64');
  assert.match(tooBig.body.error.message, /10 MiB/);
  const huge = await call('POST', path(acct), { as: admin, raw: JSON.stringify({ channel: 'mail', received_on: day(-1), subject: 'x', pad: 'x'.repeat(17 * 1024 * 1024) }), allowReset: true });
  if (huge.status !== 0) expectError(huge, 413, 'too_large');
  // Not JSON, or not an object.
  expectError(await call('POST', path(acct), { as: admin, raw: 'channel=mail', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 415, 'invalid');
  expectError(await call('POST', path(acct), { as: admin, raw: '{"channel":' }), 400, 'invalid');
  expectError(await call('POST', path(acct), { as: admin, raw: '[1]' }), 400, 'invalid');
  expectError(await call('POST', path(acct), { as: admin, raw: '{"channel":"mail","channel":"fax"}' }), 400, 'invalid');
  expectError(await call('POST', '/api/v1/accounts/999999999/correspondence', { as: admin, body: { channel: 'mail', received_on: day(-1), subject: 'x' } }), 404, 'not_found');
  const after = (await call('GET', path(acct), { as: admin })).body.items.length;
  assert.equal(after, before, 'nothing was filed');
});

test('the list: newest received first, paged; one item; no document is 404', async () => {
  const acct = await pickAccount('MERCY', 8);
  const admin = await as('admin');
  const ids = [];
  for (const [d, subject] of [[day(-5), 'middle'], [day(-1), 'newest'], [day(-9), 'oldest']]) {
    const r = await call('POST', path(acct), { as: admin, body: { channel: 'fax', received_on: d, subject, kind: 'other' } });
    expectStatus(r, 201);
    ids.push(r.body.id);
  }
  const all = await call('GET', path(acct), { as: admin });
  expectStatus(all, 200);
  assert.deepEqual(all.body.items.map((x) => x.subject), ['newest', 'middle', 'oldest']);
  assert.equal(all.body.next_after, null);
  const p1 = await call('GET', path(acct), { as: admin, query: { limit: 2 } });
  assert.deepEqual(p1.body.items.map((x) => x.subject), ['newest', 'middle']);
  assert.equal(p1.body.next_after, ids[0]);
  const p2 = await call('GET', path(acct), { as: admin, query: { limit: 2, after: p1.body.next_after } });
  assert.deepEqual(p2.body.items.map((x) => x.subject), ['oldest']);
  assert.equal(p2.body.next_after, null);
  expectError(await call('GET', path(acct), { as: admin, query: { limit: 0 } }), 400, 'invalid');
  const by = await call('GET', `/api/v1/accounts/MERCY:${encodeURIComponent(acct.client_account)}/correspondence`, { as: admin });
  assert.equal(by.body.items.length, 3, 'CLIENT:ACCOUNT names the account too');
  const one = await call('GET', `/api/v1/correspondence/${ids[0]}`, { as: admin });
  expectStatus(one, 200);
  assert.equal(one.body.body_text, null);
  expectError(await call('GET', `/api/v1/correspondence/${ids[0]}/document`, { as: admin }), 404, 'not_found');
  expectError(await call('GET', '/api/v1/correspondence/999999999', { as: admin }), 404, 'not_found');
  expectError(await call('GET', '/api/v1/correspondence/abc/document', { as: admin }), 404, 'not_found');
});

test('reclassifying: supervisors, compliance and admins; a new hold, the old event stays', async () => {
  const acct = await pickAccount('MERCY', 9);
  const admin = await as('admin');
  const r = await call('POST', path(acct), { as: admin, body: { channel: 'mail', received_on: day(-3), subject: 'Payment enclosed' } });
  expectStatus(r, 201);
  assert.equal(r.body.kind, 'payment');
  assert.equal(r.body.event, null);
  const kindPath = `/api/v1/correspondence/${r.body.id}/kind`;
  expectError(await call('PUT', kindPath, { as: await as('collector'), body: { kind: 'dispute' } }), 403, 'forbidden');
  expectError(await call('PUT', kindPath, { as: await as('client'), body: { kind: 'dispute' } }), 403, 'forbidden');
  expectError(await call('PUT', kindPath, { as: admin, body: { kind: 'angry' } }), 400, 'invalid');
  expectError(await call('PUT', kindPath, { as: admin, body: {} }), 400, 'invalid');
  const mark = await lastAuditId();
  const d = await call('PUT', kindPath, { as: await as('compliance'), body: { kind: 'dispute' } });
  expectStatus(d, 200);
  assert.equal(d.body.kind, 'dispute');
  assert.equal(d.body.suggested_kind, 'payment', 'the suggestion is kept');
  assert.equal(d.body.event.type, 'dispute_written');
  assert.equal(d.body.event.at, `${day(-3)}T12:00:00Z`);
  assert.ok((await reasonsAt(acct)).includes('DISPUTE_PENDING'));
  const again = await call('PUT', kindPath, { as: admin, body: { kind: 'dispute' } });
  assert.equal(again.body.event.id, d.body.event.id, 'the same kind again changes nothing');
  const o = await call('PUT', kindPath, { as: await as('supervisor'), body: { kind: 'other' } });
  expectStatus(o, 200);
  assert.equal(o.body.kind, 'other');
  assert.equal(o.body.event.id, d.body.event.id, 'the event it recorded is still named');
  assert.ok((await reasonsAt(acct)).includes('DISPUTE_PENDING'), 'the dispute is not released');
  const audit = await auditSince(mark);
  const changes = audit.filter((e) => e.action === 'correspondence.classify' && e.entity_id === String(r.body.id));
  assert.equal(changes.length, 2, 'two changes audited');
  assert.ok(audit.some((e) => e.action === 'account.event' && e.entity_id === String(acct.id)), 'the event audited');
});

test('a client user reads its own client\'s correspondence only, and files nothing', async () => {
  const own = await pickAccount('MERCY', 6);
  const other = await pickAccount('SUMMIT', 6);
  const admin = await as('admin');
  const o = await call('POST', path(other), { as: admin, body: { channel: 'upload', received_on: day(-1), kind: 'other', document: pdfDoc('summit.pdf') } });
  expectStatus(o, 201);
  const client = await as('client');
  const list = await call('GET', path(own), { as: client });
  expectStatus(list, 200);
  assert.ok(list.body.items.length >= 1);
  const withDoc = list.body.items.find((x) => x.has_document);
  const mine = await download(withDoc.id, client);
  assert.equal(mine.status, 200, 'its own client\'s document');
  expectError(await call('GET', path(other), { as: client }), 403, 'forbidden');
  expectError(await call('GET', `/api/v1/correspondence/${o.body.id}`, { as: client }), 403, 'forbidden');
  const theirs = await download(o.body.id, client);
  assert.equal(theirs.status, 403, 'another client\'s document');
  assert.equal(JSON.parse(theirs.bytes.toString()).error.code, 'forbidden');
  expectError(await call('POST', path(own), { as: client, body: { channel: 'mail', received_on: day(-1), subject: 'x' } }), 403, 'forbidden');
});

test('filing with the session cookie needs the CSRF token', async () => {
  const acct = await pickAccount('MERCY', 9);
  const collector = await as('collector');
  const before = (await call('GET', path(acct), { as: collector })).body.items.length;
  const r = await call('POST', path(acct), { as: collector, csrf: false, body: { channel: 'mail', received_on: day(-1), subject: 'csrf test', kind: 'other' } });
  expectError(r, 403, 'csrf');
  assert.equal((await call('GET', path(acct), { as: collector })).body.items.length, before);
});

test('filing is audited with the document\'s hash', async () => {
  const acct = await pickAccount('MERCY', 8);
  const mark = await lastAuditId();
  const r = await call('POST', path(acct), { as: await as('admin'), body: { channel: 'upload', received_on: day(-1), kind: 'other', document: pdfDoc('audit.pdf') } });
  expectStatus(r, 201);
  const add = (await auditSince(mark)).find((e) => e.action === 'correspondence.add' && e.entity_id === String(r.body.id));
  assert.ok(add, 'correspondence.add audited');
  const detail = typeof add.detail === 'string' ? JSON.parse(add.detail) : add.detail;
  assert.equal(detail.document.sha256, r.body.document.sha256);
  assert.equal(detail.account_id, acct.id);
});
