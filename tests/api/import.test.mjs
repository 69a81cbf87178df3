// import.test.mjs — placement and payment files uploaded over the API: the same
// guarantees as the CLI (bad rows named by line and field, a re-upload adds nothing,
// a broken file refused whole), the content type and emptiness checks, who may upload,
// and audit verification over the API.
import test from 'node:test';
import assert from 'node:assert/strict';
import { call, as, expectStatus, expectError, unique } from './lib.mjs';

const csv = { 'Content-Type': 'text/csv' };

test('a placement file over the API: good rows load, bad rows are named, a re-upload adds nothing', async () => {
  const admin = await as('admin');
  const tag = unique('UP').replace(/[^A-Za-z0-9]/g, '').slice(0, 12);
  const file = 'client_account,first_name,last_name,principal,ssn\n'
    + `${tag}1,Ann,Upload,100.00,\n`
    + `${tag}2,Bob,Badamount,12.345,\n`
    + `${tag}3,Cy,Badssn,50.00,12-34\n`;
  const r = await call('POST', '/api/v1/clients/MERCY/placements', { as: admin, raw: file, headers: csv, query: { name: `${tag}.csv` } });
  expectStatus(r, 200);
  assert.equal(r.body.read, 3);
  assert.equal(r.body.loaded, 1);
  assert.equal(r.body.rejected, 2);
  assert.match(r.body.rejects[0], /^line 3: field principal: /);
  assert.match(r.body.rejects[1], /^line 4: field ssn: /);
  const again = await call('POST', '/api/v1/clients/MERCY/placements', { as: admin, raw: file, headers: csv });
  expectStatus(again, 200);
  assert.equal(again.body.loaded, 0);
  assert.equal(again.body.duplicates, 1);
  const acct = await call('GET', `/api/v1/accounts/MERCY:${tag}1`, { as: admin });
  expectStatus(acct, 200);
  assert.equal(acct.body.balance_cents.total, 10000);

  const pay = 'client_account,amount,date,method,reference\n'
    + `${tag}1,25.00,${new Date().toISOString().slice(0, 10)},ach,${tag}R1\n` // placed today: not before
    + `${tag}1,abc,2026-01-01,ach,${tag}R2\n`;
  const p = await call('POST', '/api/v1/clients/MERCY/payments', { as: admin, raw: pay, headers: csv });
  expectStatus(p, 200);
  assert.equal(p.body.posted, 1);
  assert.equal(p.body.rejected, 1);
  assert.match(p.body.rejects[0], /^line 3: field amount: /);
  const p2 = await call('POST', '/api/v1/clients/MERCY/payments', { as: admin, raw: pay, headers: csv });
  expectStatus(p2, 200);
  assert.equal(p2.body.posted, 0);
  assert.equal(p2.body.duplicates, 1);
  const after = await call('GET', `/api/v1/accounts/MERCY:${tag}1`, { as: admin });
  assert.equal(after.body.balance_cents.total, 7500, 'posted once');
});

test('uploads: a broken file, the wrong type, an empty body, an unknown client, the wrong role', async () => {
  const admin = await as('admin');
  const broken = await call('POST', '/api/v1/clients/MERCY/placements', { as: admin, raw: 'client_account,first_name\n"unterminated,x\n', headers: csv });
  expectError(broken, 400, 'invalid');
  const json = await call('POST', '/api/v1/clients/MERCY/placements', { as: admin, body: { rows: [] } });
  expectError(json, 415, 'invalid');
  const empty = await call('POST', '/api/v1/clients/MERCY/placements', { as: admin, raw: '', headers: csv });
  expectError(empty, 400, 'invalid');
  const nobody = await call('POST', '/api/v1/clients/NOSUCH/placements', { as: admin, raw: 'client_account,first_name,last_name,principal\nX,a,b,1.00\n', headers: csv });
  expectError(nobody, 404, 'not_found');
  const collector = await call('POST', '/api/v1/clients/MERCY/payments', { as: await as('collector'), raw: 'client_account,amount,date,method,reference\n', headers: csv });
  expectError(collector, 403, 'forbidden');
});

test('audit verify over the API', async () => {
  const r = await call('POST', '/api/v1/audit/verify', { as: await as('compliance') });
  expectStatus(r, 200);
  assert.equal(r.body.ok, true);
  assert.equal(r.body.problems, 0);
  assert.ok(r.body.events_checked > 0 && r.body.accounts_checked > 0);
  expectError(await call('POST', '/api/v1/audit/verify', { as: await as('supervisor') }), 403, 'forbidden');
});
