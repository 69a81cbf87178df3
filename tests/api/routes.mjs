// routes.mjs — one harmless but valid request per operation of docs/openapi.json (by
// operationId), used by the anonymous and role-matrix tests. A route added to
// openapi.json without a sample here makes those tests fail, so every route is covered.
import assert from 'node:assert/strict';
import { as, call, expectStatus, login, pickAccount, accountDetail, unique, DEMO, PASSWORD } from './lib.mjs';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from './lib.mjs';

// Fixtures shared by the samples: a MERCY account (the client user's own client) with
// its contact points, an account of another client, and a user to act on.
export async function fixtures({ targetUser } = {}) {
  const own = await pickAccount('MERCY', 0);
  const other = await pickAccount('SUMMIT', 0);
  const detail = await accountDetail(own.id);
  const ctx = {
    account: own,
    detail,
    other,
    addressId: detail.addresses[0]?.id,
    phoneId: detail.phones[0]?.id,
    emailId: detail.emails[0]?.id,
    phone: detail.phones[0]?.number ?? '5155550100',
    lastName: detail.debtor.last_name,
    username: targetUser ?? 'api.nobody',
  };
  if (!ctx.addressId || !ctx.phoneId || !ctx.emailId) {
    // The demo gives most debtors one of each; add what this one lacks.
    const admin = await as('admin');
    if (!ctx.addressId) {
      const r = await call('POST', `/api/v1/accounts/${own.id}/addresses`, { as: admin, body: { line1: '1 Fixture St', city: 'Des Moines', state: 'IA', zip: '50309', source: 'api-test' } });
      expectStatus(r, 201, 'fixture address:');
      ctx.addressId = r.body.id;
    }
    if (!ctx.phoneId) {
      const r = await call('POST', `/api/v1/accounts/${own.id}/phones`, { as: admin, body: { number: '5155550142', type: 'home', source: 'api-test' } });
      expectStatus(r, 201, 'fixture phone:');
      ctx.phoneId = r.body.id;
      ctx.phone = '5155550142';
    }
    if (!ctx.emailId) {
      const r = await call('POST', `/api/v1/accounts/${own.id}/emails`, { as: admin, body: { address: 'fixture@example.net', source: 'api-test' } });
      expectStatus(r, 201, 'fixture email:');
      ctx.emailId = r.body.id;
    }
  }
  return ctx;
}

// A payment on the fixture account (posted by admin) to reverse.
async function freshPayment(ctx) {
  const admin = await as('admin');
  const r = await call('POST', `/api/v1/accounts/${ctx.account.id}/payments`, { as: admin, body: { amount: '1.00', method: 'cash' } });
  expectStatus(r, 201, 'payment to reverse:');
  return r.body.payment_id;
}

// A settlement offer on the fixture account awaiting a supervisor (far below the floor),
// by admin: returns {plan, approval} ids.
async function freshPendingSettlement(ctx) {
  const admin = await as('admin');
  const r = await call('POST', `/api/v1/accounts/${ctx.account.id}/settlements`, { as: admin, body: { amount: '0.01', due: '2030-01-31' } });
  expectStatus(r, 201, 'settlement to decide:');
  const list = await call('GET', '/api/v1/approvals', { as: admin });
  expectStatus(list, 200, 'approvals:');
  const approval = list.body.items.find((a) => a.plan_id === r.body.id);
  return { plan: r.body.id, approval: approval.id };
}

// An inbound correspondence item with a small PDF on the fixture account (kind other:
// no hold), filed once by admin: for the samples that read or reclassify one.
export const SAMPLE_PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n', 'latin1');
async function fixtureCorrespondence(ctx) {
  if (ctx.correspondenceId) return ctx.correspondenceId;
  const r = await call('POST', `/api/v1/accounts/${ctx.account.id}/correspondence`, {
    as: await as('admin'),
    body: {
      channel: 'upload', received_on: new Date(Date.now() - 86400e3).toISOString().slice(0, 10), kind: 'other', subject: 'role matrix scan',
      document: { file_name: 'matrix.pdf', content_type: 'application/pdf', content_base64: SAMPLE_PDF.toString('base64') },
    },
  });
  expectStatus(r, 201, 'fixture correspondence:');
  ctx.correspondenceId = r.body.id;
  return ctx.correspondenceId;
}

// Letters to read and to mark returned: fresh MERCY accounts (the client user's own
// client), each with a plan set up today, and the letters run for today (through the
// CLI, once per process), which makes their plan confirmations. The run also makes
// whatever else is due today; running the batch for today again changes nothing.
export const utcToday = () => new Date().toISOString().slice(0, 10);
const letterPool = { ids: null, next: 1 };
export async function fixtureLetters(n = 6) {
  if (letterPool.ids) return letterPool.ids;
  const tag = unique('LM').toUpperCase().replace(/[^A-Z0-9]/g, '');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'arrears-letters-'));
  try {
    const csv = path.join(dir, 'placements.csv');
    const rows = Array.from({ length: n }, (_, i) => `${tag}-${i},Letty,Matrix,80.00,${i + 1} Matrix Ave,Des Moines,IA,50309,2024-03-01,2026-01-15`);
    writeFileSync(csv, `client_account,first_name,last_name,principal,address1,city,state,zip,open_date,charge_off_date\n${rows.join('\n')}\n`);
    cli(['import', 'placements', csv, '--client', 'MERCY']);
    for (let i = 0; i < n; i++) {
      cli(['plan', 'create', `MERCY:${tag}-${i}`, '--total', '80.00', '--frequency', 'monthly', '--count', '1', '--first', '2030-01-31']);
    }
    cli(['batch', 'run', '--as-of', utcToday(), '--quiet']);
    cli(['letters', 'run', '--as-of', utcToday(), '--out', path.join(dir, 'out')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const admin = await as('admin');
  const ids = [];
  for (let i = 0; i < n; i++) {
    const r = await call('GET', `/api/v1/accounts/MERCY:${tag}-${i}/letters`, { as: admin });
    expectStatus(r, 200, 'fixture letters:');
    const l = r.body.find((x) => x.channel === 'letter' && x.status === 'mailed');
    assert.ok(l, `MERCY:${tag}-${i}: the letters run made no letter: ${r.text.slice(0, 300)}`);
    ids.push(l.id);
  }
  letterPool.ids = ids;
  return ids;
}
// A mailed letter not handed out before (the first one is kept for reading).
async function freshLetter() {
  const ids = await fixtureLetters();
  assert.ok(letterPool.next < ids.length, 'out of fixture letters to mark returned');
  return ids[letterPool.next++];
}
const SAMPLE_TEMPLATE = 'subject: Role matrix\nkind: collection\nrepeat: once\n---\n= Hello {{debtor.name}}\nYou owe {{balance.current}}.\n';

let seq = 1000 + (process.pid % 5000);
const nowIso = (offsetSeconds = 0) => new Date(Date.now() + offsetSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

// operationId → (ctx, role) → {path, body?, query?, as?}. `as` overrides the
// principal (the logout sample logs in afresh so it does not end the shared session).
export const samples = {
  health: () => ({ path: '/healthz' }),
  openapi: () => ({ path: '/api/v1/openapi.json' }),
  login: (ctx, role) => ({ path: '/api/v1/session', body: { username: DEMO[role] ?? 'alice', password: PASSWORD } }),
  getSession: () => ({ path: '/api/v1/session' }),
  logout: async (ctx, role) => ({ path: '/api/v1/session', as: role ? await login(DEMO[role]) : undefined }),
  listAccounts: () => ({ path: '/api/v1/accounts', query: { limit: 5 } }),
  searchAccounts: (ctx) => ({ path: '/api/v1/accounts/search', query: { q: ctx.lastName } }),
  getAccount: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}` }),
  postPayment: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/payments`, body: { amount: '1.00', method: 'cash', reference: 'api role matrix' } }),
  reversePayment: async (ctx, role) => ({
    // Only roles that may reverse get a fresh payment; the others are refused first.
    path: `/api/v1/payments/${role && ['supervisor', 'admin'].includes(role) ? await freshPayment(ctx) : ctx.paymentId ?? 1}/reversal`,
    body: { reason: 'error' },
  }),
  adjust: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/adjustments`, body: { bucket: 'fees', amount: '0.01', reason: 'api role matrix' } }),
  listNotes: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/notes` }),
  addNote: (ctx, role) => ({ path: `/api/v1/accounts/${ctx.account.id}/notes`, body: { body: `role matrix note by ${role ?? 'nobody'}` } }),
  listContacts: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/contacts` }),
  logContact: (ctx) => ({
    path: `/api/v1/accounts/${ctx.account.id}/contacts`,
    body: { channel: 'call', to: ctx.phone, at: nowIso(-60), outcome: 'no_answer' },
  }),
  addAddress: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/addresses`, body: { line1: '12 Matrix Ave', city: 'Des Moines', state: 'IA', zip: '50309', source: 'api-test' } }),
  // A number or address already on file is 409: a new one per request.
  addPhone: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/phones`, body: { number: `515555${String(seq++ % 10000).padStart(4, '0')}`, type: 'other', source: 'api-test' } }),
  addEmail: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/emails`, body: { address: `matrix${seq++}.${process.pid}@example.net`, source: 'api-test' } }),
  updateAddress: (ctx) => ({ path: `/api/v1/addresses/${ctx.addressId}`, body: { status: 'valid', source: 'api-test' } }),
  updatePhone: (ctx) => ({ path: `/api/v1/phones/${ctx.phoneId}`, body: { status: 'valid', source: 'api-test' } }),
  updateEmail: (ctx) => ({ path: `/api/v1/emails/${ctx.emailId}`, body: { status: 'valid', source: 'api-test' } }),
  workQueue: () => ({ path: '/api/v1/work', query: { limit: 5 } }),
  workNext: () => ({ path: '/api/v1/work/next' }),
  listClients: () => ({ path: '/api/v1/clients' }),
  addClient: () => ({ path: '/api/v1/clients', body: { code: unique('T').toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 12), name: 'API Test Client' } }),
  listUsers: () => ({ path: '/api/v1/users' }),
  addUser: () => ({ path: '/api/v1/users', body: { username: unique('api.u'), display_name: 'API Test User', role: 'collector' } }),
  setRole: (ctx) => ({ path: `/api/v1/users/${encodeURIComponent(ctx.username)}/role`, body: { role: 'collector' } }),
  setPassword: (ctx) => ({ path: `/api/v1/users/${encodeURIComponent(ctx.username)}/password`, body: { password: 'arrears-demo-matrix' } }),
  createToken: (ctx) => ({ path: `/api/v1/users/${encodeURIComponent(ctx.username)}/tokens`, body: { name: 'matrix' } }),
  listAudit: () => ({ path: '/api/v1/audit', query: { limit: 5 } }),
  verifyAudit: () => ({ path: '/api/v1/audit/verify' }),
  contactCheck: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/contact-check`, query: { channel: 'call', to: ctx.phone } }),
  listEvents: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/events` }),
  addEvent: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/events`, body: { type: 'dispute_oral', note: 'role matrix' } }),
  listRules: () => ({ path: '/api/v1/compliance/rules' }),
  listStatutes: () => ({ path: '/api/v1/compliance/statutes' }),
  listPlans: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/plans` }),
  createPlan: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/plans`, body: { total: '1.00', frequency: 'monthly', count: 1, first: '2030-01-31' } }),
  addPromise: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/promises`, body: { amount: '1.00', on: '2030-01-31' } }),
  offerSettlement: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/settlements`, body: { amount: '1.00', due: '2030-01-31' } }),
  acceptSettlement: async (ctx) => {
    const { approval, plan } = await freshPendingSettlement(ctx);
    const r = await call('POST', `/api/v1/approvals/${approval}/approve`, { as: await as('admin'), body: {} });
    expectStatus(r, 200, 'approve the settlement:');
    return { path: `/api/v1/settlements/${plan}/accept` };
  },
  listApprovals: () => ({ path: '/api/v1/approvals' }),
  batchStatus: () => ({ path: '/api/v1/batch' }),
  batchActions: () => ({ path: '/api/v1/batch/actions', query: { as_of: '2026-11-23' } }),
  queueSummary: () => ({ path: '/api/v1/queues' }),
  listStrategies: () => ({ path: '/api/v1/strategies' }),
  saveStrategy: () => ({ path: '/api/v1/strategies', body: { text: 'rule "all" then queue call_now priority 50\n', note: 'role matrix' } }),
  checkStrategy: () => ({ path: '/api/v1/strategies/check', body: { text: 'rule "all" then queue call_now priority 50\n' } }),
  assignStrategies: () => ({ path: '/api/v1/strategies/assignment', body: { champion_id: 0 } }),
  strategyReport: () => ({ path: '/api/v1/strategies/report', query: { from: '2026-01-01', to: '2026-11-30' } }),
  getStrategy: () => ({ path: '/api/v1/strategies/0' }),
  getStatement: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/statement` }),
  addStatement: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/statement`, body: { dependents: 1, income: [{ source: 'wages', amount: '2000.00', period: 'monthly' }], expenses: [{ category: 'housing', amount: '900.00', period: 'monthly' }] } }),
  requestExtension: async (ctx) => {
    // A plan for the whole balance in one payment is within every client's limits.
    const admin = await as('admin');
    const owed = (await accountDetail(ctx.account.id)).balance_cents.total;
    const total = `${Math.floor(owed / 100)}.${String(owed % 100).padStart(2, '0')}`;
    const r = await call('POST', `/api/v1/accounts/${ctx.account.id}/plans`, { as: admin, body: { total, frequency: 'monthly', count: 1, first: '2030-01-31' } });
    expectStatus(r, 201, 'plan to extend:');
    assert.equal(r.body.status, 'active', 'the plan to extend is active');
    return { path: `/api/v1/plans/${r.body.id}/extensions`, body: { kind: 'due_date', to: nowIso(86400 * 30).slice(0, 10), reason: 'role matrix' } };
  },
  approveApproval: async (ctx) => ({ path: `/api/v1/approvals/${(await freshPendingSettlement(ctx)).approval}/approve`, body: {} }),
  rejectApproval: async (ctx) => ({ path: `/api/v1/approvals/${(await freshPendingSettlement(ctx)).approval}/reject`, body: { note: 'role matrix' } }),
  setItemization: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/itemization`, body: { basis: 'transaction', date: '2025-01-31' } }),
  complianceReport: () => ({ path: '/api/v1/compliance/report', query: { from: '2026-11-01', to: '2026-11-30' } }),
  setRule: () => ({ path: '/api/v1/compliance/rules/US-DECEASED', body: { enabled: true } }),
  // File uploads: the CSV itself is the body.
  importPlacements: () => ({
    path: '/api/v1/clients/MERCY/placements',
    query: { name: 'matrix.csv' },
    raw: `client_account,first_name,last_name,principal\nMX${seq++}P${process.pid},Mat,Rix,10.00\n`,
    headers: { 'Content-Type': 'text/csv' },
  }),
  importPayments: (ctx) => ({
    path: '/api/v1/clients/MERCY/payments',
    raw: `client_account,amount,date,method,reference\n${ctx.account.client_account},0.01,${nowIso(-3600).slice(0, 10)},cash,MATRIX${seq++}\n`,
    headers: { 'Content-Type': 'text/csv' },
  }),
  // Inbound correspondence: kind other or payment, so no sample sets a hold.
  listCorrespondence: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/correspondence` }),
  addCorrespondence: (ctx, role) => ({
    path: `/api/v1/accounts/${ctx.account.id}/correspondence`,
    body: { channel: 'mail', received_on: nowIso(-86400).slice(0, 10), kind: 'other', subject: `role matrix by ${role ?? 'nobody'}` },
  }),
  getCorrespondence: async (ctx) => ({ path: `/api/v1/correspondence/${await fixtureCorrespondence(ctx)}` }),
  getCorrespondenceDocument: async (ctx) => ({ path: `/api/v1/correspondence/${await fixtureCorrespondence(ctx)}/document` }),
  classifyCorrespondence: async (ctx) => ({ path: `/api/v1/correspondence/${await fixtureCorrespondence(ctx)}/kind`, body: { kind: 'payment' } }),
  // Letters: the agency's hours are set to what they are, a template is saved again
  // with its builtin text, and the letters are the fixture's own.
  listAccountLetters: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/letters` }),
  previewLetter: (ctx) => ({ path: `/api/v1/accounts/${ctx.account.id}/letter-preview`, query: { template: 'reminder' } }),
  listLetters: () => ({ path: '/api/v1/letters', query: { as_of: utcToday(), limit: 5 } }),
  runLetters: () => ({ path: '/api/v1/letters/runs', body: { as_of: utcToday() } }),
  getLetterPdf: async (ctx, role) => ({ path: `/api/v1/letters/${role ? (await fixtureLetters())[0] : 1}/pdf` }),
  markLetterReturned: async (ctx, role) => ({
    // Only staff may; each of them returns a letter of its own (a second return is 409).
    path: `/api/v1/letters/${role && role !== 'client' ? await freshLetter() : 1}/returned`,
    body: { reason: 'role matrix' },
  }),
  getAgency: () => ({ path: '/api/v1/agency' }),
  setAgencyField: async (ctx, role) => {
    const hours = role ? (await call('GET', '/api/v1/agency', { as: await as('admin') })).body.hours : 'Monday to Friday';
    return { path: '/api/v1/agency/hours', body: { value: hours } };
  },
  listLetterTemplates: () => ({ path: '/api/v1/letter-templates' }),
  checkLetterTemplate: () => ({ path: '/api/v1/letter-templates/check', body: { text: SAMPLE_TEMPLATE } }),
  getLetterTemplate: () => ({ path: '/api/v1/letter-templates/reminder/en' }),
  saveLetterTemplate: async (ctx, role) => {
    // The builtin text saved again: a new version that makes the same letters.
    let text = SAMPLE_TEMPLATE;
    if (role === 'admin') {
      const r = await call('GET', '/api/v1/letter-templates/verification_response/es', { as: await as('admin'), query: { version: 0 } });
      expectStatus(r, 200, 'builtin template:');
      text = r.body.text;
    }
    return { path: '/api/v1/letter-templates/verification_response/es', body: { text, note: 'role matrix' } };
  },
};
