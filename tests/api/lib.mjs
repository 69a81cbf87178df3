// lib.mjs — shared helpers for the HTTP API tests: the OpenAPI document, a fetch wrapper
// that validates every response against the schema docs/openapi.json declares for its
// route and status, logins for the demo users, and a few fixtures found through the API.
//
// Environment (set by tests/api/run): BASE_URL (http://127.0.0.1:PORT), ARREARS_DB_URL,
// ARREARS_KEY_FILE, ARREARS_BIN.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const PASSWORD = 'arrears-demo';
export const DEMO = {
  admin: 'admin',
  supervisor: 'sam.supervisor',
  compliance: 'cora.compliance',
  collector: 'alice',
  client: 'mercy.portal',
};
export const ROLES = ['collector', 'supervisor', 'compliance', 'admin', 'client'];
export const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const openapi = JSON.parse(readFileSync(path.join(root, 'docs/openapi.json'), 'utf8'));

/* ---- schema validation ------------------------------------------------------------ */

// OpenAPI 3.0 "nullable" is not JSON Schema: rewrite {nullable:true, ...s} as
// {anyOf:[s, {type:null}]} (works for typed schemas and for allOf/$ref wrappers alike).
function toJsonSchema(node) {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable' || k === 'example' || k.startsWith('x-')) continue;
    out[k] = toJsonSchema(v);
  }
  if (node.nullable === true) return { anyOf: [out, { type: 'null' }] };
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'openapi', components: toJsonSchema(openapi.components) });

const validators = new Map();
export function schemaValidator(componentName) {
  const key = `#${componentName}`;
  if (!validators.has(key)) validators.set(key, ajv.compile({ $ref: `openapi#/components/schemas/${componentName}` }));
  return validators.get(key);
}

function resolve(obj) {
  let o = obj;
  while (o && o.$ref) {
    const parts = o.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    o = parts.reduce((acc, p) => acc[p], openapi);
  }
  return o;
}

// The template of the openapi path that a concrete path matches (literal segments win
// over {params}: /accounts/search before /accounts/{account}).
const templates = Object.keys(openapi.paths)
  .map((t) => ({
    t,
    params: (t.match(/\{/g) || []).length,
    re: new RegExp('^' + t.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+') + '$'),
  }))
  .sort((a, b) => a.params - b.params);

export function templateOf(pathname) {
  const hit = templates.find((x) => x.re.test(pathname));
  return hit ? hit.t : null;
}

export function operations() {
  const ops = [];
  for (const [p, item] of Object.entries(openapi.paths)) {
    for (const m of METHODS) {
      if (item[m]) ops.push({ path: p, method: m.toUpperCase(), op: item[m], id: item[m].operationId });
    }
  }
  return ops;
}

function declaredSchema(method, template, status) {
  const op = openapi.paths[template]?.[method.toLowerCase()];
  if (!op) return { undocumented: `no operation ${method} ${template} in openapi.json` };
  const resp = resolve(op.responses[String(status)] ?? op.responses.default);
  if (!resp) return { undocumented: `status ${status} is not declared for ${method} ${template}` };
  return { resp, schema: resp.content?.['application/json']?.schema };
}

export const validated = { count: 0 };

// Checks a response against openapi.json; throws with the path and ajv's error text.
function check(method, url, status, headers, text) {
  const pathname = new URL(url).pathname;
  const template = templateOf(pathname);
  const where = `${method} ${pathname} -> ${status}`;
  const isJson = (headers.get('content-type') || '').toLowerCase().startsWith('application/json');
  let body;
  if (text.length > 0 && isJson) {
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new Error(`${where}: body is not valid JSON (${e.message}): ${text.slice(0, 200)}`);
    }
  }
  if (template === null) {
    // Not an API route (e.g. a web page): errors must still have the error shape.
    if (status >= 400 && pathname.startsWith('/api/')) assertErrorShape(where, status, body, text);
    return body;
  }
  if (status >= 400) {
    assertErrorShape(where, status, body, text);
    return body;
  }
  if (status >= 200 && status < 300) {
    const d = declaredSchema(method, template, status);
    if (d.undocumented) throw new Error(`${where}: ${d.undocumented}`);
    if (status === 204) {
      if (text.length > 0) throw new Error(`${where}: 204 with a body: ${text.slice(0, 200)}`);
      return undefined;
    }
    if (!d.schema) return body;
    if (!isJson) throw new Error(`${where}: Content-Type is ${headers.get('content-type')}, not application/json`);
    const validate = validatorForResponse(method, template, status, d.schema);
    if (!validate(body)) {
      throw new Error(`${where}: response does not match openapi.json: ${ajv.errorsText(validate.errors, { separator: '; ' })}\n  body: ${text.slice(0, 600)}`);
    }
    validated.count++;
  }
  return body;
}

function validatorForResponse(method, template, status, schema) {
  const key = `${method} ${template} ${status}`;
  if (!validators.has(key)) {
    validators.set(key, ajv.compile(rebase(toJsonSchema(schema))));
  }
  return validators.get(key);
}

// "#/components/schemas/X" inside a path's schema → "openapi#/components/schemas/X".
function rebase(node) {
  if (Array.isArray(node)) return node.map(rebase);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? 'openapi' + v : rebase(v);
  }
  return out;
}

const errorValidator = () => schemaValidator('Error');
const CODE_STATUS = {
  unauthenticated: [401], forbidden: [403], csrf: [403], not_found: [404], method_not_allowed: [405], invalid: [400, 415],
  conflict: [409], too_large: [413], throttled: [429], refused: [422], internal: [500],
};

export function assertErrorShape(where, status, body, text) {
  if (body === undefined) throw new Error(`${where}: error answer is not JSON: ${String(text).slice(0, 200)}`);
  const v = errorValidator();
  if (!v(body)) throw new Error(`${where}: error body does not match the error shape: ${ajv.errorsText(v.errors)}: ${String(text).slice(0, 300)}`);
  const allowed = CODE_STATUS[body.error.code];
  if (allowed && !allowed.includes(status)) {
    throw new Error(`${where}: error code ${body.error.code} comes with HTTP ${status} (API.md: ${allowed.join('/')})`);
  }
}

/* ---- HTTP ------------------------------------------------------------------------------ */

// A principal: {kind:'session', cookie, csrf, user} | {kind:'token', token} | null.
// opts: {as, body (object → JSON), raw (string/Buffer sent as is), csrf (override:
// false = omit, string = send this), headers, query}
export async function call(method, pathname, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  const as = opts.as || null;
  if (as?.kind === 'session') {
    headers.Cookie = `arrears_session=${as.cookie}`;
    let csrf = as.csrf;
    if (opts.csrf !== undefined) csrf = opts.csrf;
    if (STATE_CHANGING.has(method) && csrf && !('X-CSRF-Token' in headers)) headers['X-CSRF-Token'] = csrf;
  } else if (as?.kind === 'token') {
    headers.Authorization = `Bearer ${as.token}`;
  } else if (as?.kind === 'cookie-only') {
    headers.Cookie = `arrears_session=${as.cookie}`;
  }
  let body;
  if (opts.raw !== undefined) {
    body = opts.raw;
    if (!('Content-Type' in headers)) headers['Content-Type'] = 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  let url = BASE_URL + pathname;
  if (opts.query) {
    const q = new URLSearchParams(opts.query).toString();
    if (q) url += (url.includes('?') ? '&' : '?') + q;
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body, redirect: 'manual' });
  } catch (e) {
    // An oversized body may be answered (413) and the connection closed while we send.
    if (opts.allowReset) return { status: 0, headers: new Headers(), body: undefined, text: '', error: e };
    throw new Error(`${method} ${pathname}: request failed: ${e.cause?.message || e.message}`);
  }
  const text = await res.text();
  const parsed = check(method, url, res.status, res.headers, text);
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export function expectStatus(res, statuses, what = '') {
  const list = Array.isArray(statuses) ? statuses : [statuses];
  assert.ok(list.includes(res.status), `${what} expected HTTP ${list.join('/')}, got ${res.status}: ${res.text.slice(0, 400)}`);
}

export function expectError(res, status, code, what = '') {
  expectStatus(res, status, what);
  assert.equal(res.body?.error?.code, code, `${what} expected error code ${code}, got ${res.text.slice(0, 300)}`);
}

export function sessionCookieOf(res) {
  const cookies = res.headers.getSetCookie ? res.headers.getSetCookie() : [res.headers.get('set-cookie') || ''];
  for (const c of cookies) {
    const m = /(?:^|;\s*)arrears_session=([^;]*)/.exec(c);
    if (m) return { value: m[1], header: c };
  }
  return null;
}

export async function login(username, password = PASSWORD) {
  const res = await call('POST', '/api/v1/session', { body: { username, password } });
  expectStatus(res, 200, `login ${username}:`);
  const c = sessionCookieOf(res);
  assert.ok(c && c.value, `login ${username}: no arrears_session cookie in ${JSON.stringify(res.headers.getSetCookie?.())}`);
  return { kind: 'session', cookie: c.value, csrf: res.body.csrf_token, user: res.body.user, setCookie: c.header };
}

const sessions = new Map();
export async function as(role) {
  const username = DEMO[role] || role;
  if (!sessions.has(username)) sessions.set(username, await login(username));
  return sessions.get(username);
}

export async function tokenFor(username, name = 'api-test') {
  const admin = await as('admin');
  const res = await call('POST', `/api/v1/users/${encodeURIComponent(username)}/tokens`, { as: admin, body: { name } });
  expectStatus(res, 201, `token for ${username}:`);
  return { kind: 'token', token: res.body.token, id: res.body.id };
}

/* ---- fixtures ----------------------------------------------------------------------- */

// All accounts, walked page by page as admin (cached per process).
let allAccounts;
export async function accounts() {
  if (allAccounts) return allAccounts;
  const admin = await as('admin');
  const out = [];
  let after = null;
  for (let guard = 0; guard < 1000; guard++) {
    const res = await call('GET', '/api/v1/accounts', { as: admin, query: after === null ? { limit: 200 } : { limit: 200, after } });
    expectStatus(res, 200, 'list accounts:');
    out.push(...res.body.items);
    if (res.body.next_after === null) break;
    after = res.body.next_after;
  }
  allAccounts = out;
  return out;
}

// A distinct open account per purpose, so test files never share an account whose
// counts they compare: n-th open account of the client.
export async function pickAccount(client, n) {
  const list = (await accounts()).filter((a) => a.client === client && a.status === 'open');
  assert.ok(list.length > n, `need at least ${n + 1} open ${client} accounts, have ${list.length}`);
  return list[n];
}

export async function accountDetail(id, who) {
  const res = await call('GET', `/api/v1/accounts/${id}`, { as: who || (await as('admin')) });
  expectStatus(res, 200, `account ${id}:`);
  return res.body;
}

// Counts of what can be stored on an account through the API, for before/after checks.
export async function counts(id) {
  const a = await accountDetail(id);
  return {
    notes: a.notes.length,
    contacts: a.contacts.length,
    payments: a.payments.length,
    ledger: a.ledger.length,
    addresses: a.addresses.length,
    phones: a.phones.length,
    emails: a.emails.length,
    balance: a.balance_cents.total,
  };
}

export function unique(prefix) {
  return `${prefix}${process.pid}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export function cli(args) {
  const bin = process.env.ARREARS_BIN || path.join(root, 'build/arrears');
  const a = [];
  if (process.env.ARREARS_DB_URL) a.push('--db', process.env.ARREARS_DB_URL);
  if (process.env.ARREARS_KEY_FILE) a.push('--key-file', process.env.ARREARS_KEY_FILE);
  return execFileSync(bin, [...a, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// Every audit event with id > afterId (optionally filtered), walked page by page.
export async function auditSince(afterId, query = {}) {
  const admin = await as('admin');
  const out = [];
  let after = afterId;
  for (let guard = 0; guard < 1000; guard++) {
    const res = await call('GET', '/api/v1/audit', { as: admin, query: { ...query, limit: 200, after } });
    expectStatus(res, 200, 'audit:');
    out.push(...res.body.items);
    if (res.body.next_after === null) break;
    after = res.body.next_after;
  }
  return out;
}

export async function lastAuditId() {
  const all = await auditSince(0);
  return all.length ? Math.max(...all.map((e) => e.id)) : 0;
}
