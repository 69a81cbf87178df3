// openapi.test.mjs — docs/openapi.json describes exactly the routes of docs/API.md with
// the roles API.md gives them, the server serves that same document, and /healthz.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openapi, operations, root, call, expectStatus, ROLES } from './lib.mjs';
import { samples } from './routes.mjs';

// The route table of API.md: "| `METHOD /path` | roles | ... |".
function apiMdRoutes() {
  const md = readFileSync(path.join(root, 'docs/API.md'), 'utf8');
  const out = [];
  for (const line of md.split('\n')) {
    const m = /^\| `(GET|POST|PUT|PATCH|DELETE) ([^`]+)`((?:, `[^`]+`)*) \| ([^|]+) \|/.exec(line);
    if (!m) continue;
    const method = m[1];
    let first = m[2].replace(/\?.*$/, '');
    const paths = [first];
    // "`PATCH /api/v1/addresses/{id}`, `/phones/{id}`, `/emails/{id}`"
    for (const extra of m[3].matchAll(/`([^`]+)`/g)) {
      paths.push(first.replace(/\/[^/]+\/\{id\}$/, '') + extra[1]);
    }
    for (const p of paths) out.push({ method, path: p, roles: m[4].trim() });
  }
  return out;
}

function rolesOf(text) {
  const t = text.toLowerCase();
  if (t === 'anyone') return ['anonymous'];
  if (t === 'any user' || t === 'all') return [...ROLES];
  if (t === 'all but client') return ROLES.filter((r) => r !== 'client');
  if (t.startsWith('admin, or the user themself')) return ['admin'];
  return t.split(',').map((s) => s.trim());
}

test('openapi.json is OpenAPI 3.0.3 with x-roles and a unique operationId on every operation', () => {
  assert.equal(openapi.openapi, '3.0.3');
  const ids = new Set();
  for (const { method, path: p, op } of operations()) {
    assert.ok(op.operationId, `${method} ${p}: no operationId`);
    assert.ok(!ids.has(op.operationId), `duplicate operationId ${op.operationId}`);
    ids.add(op.operationId);
    assert.ok(Array.isArray(op['x-roles']) && op['x-roles'].length > 0, `${method} ${p}: no x-roles`);
    for (const r of op['x-roles']) assert.ok([...ROLES, 'anonymous'].includes(r), `${method} ${p}: unknown role ${r}`);
    if (!op['x-roles'].includes('anonymous')) {
      assert.ok(op.responses['401'] && op.responses['403'], `${method} ${p}: 401/403 not declared`);
    }
    for (const name of p.match(/\{([^}]+)\}/g) || []) {
      const n = name.slice(1, -1);
      assert.ok((op.parameters || []).some((x) => x.in === 'path' && x.name === n && x.required), `${method} ${p}: path parameter ${n} not declared`);
    }
    assert.ok(samples[op.operationId], `${op.operationId}: no sample request in tests/api/routes.mjs`);
  }
  const schemes = openapi.components.securitySchemes;
  assert.deepEqual(schemes.session, { ...schemes.session, type: 'apiKey', in: 'cookie', name: 'arrears_session' });
  assert.equal(schemes.bearer.scheme, 'bearer');
});

test('openapi.json has exactly the routes of docs/API.md, with its roles', () => {
  const md = apiMdRoutes();
  assert.ok(md.length >= 25, `parsed only ${md.length} routes from API.md`);
  const doc = new Map(operations().map((o) => [`${o.method} ${o.path}`, o.op]));
  for (const r of md) {
    const op = doc.get(`${r.method} ${r.path}`);
    assert.ok(op, `API.md route ${r.method} ${r.path} is missing from openapi.json`);
    assert.deepEqual([...op['x-roles']].sort(), rolesOf(r.roles).sort(), `${r.method} ${r.path}: x-roles vs API.md "${r.roles}"`);
    doc.delete(`${r.method} ${r.path}`);
  }
  assert.deepEqual([...doc.keys()], [], 'routes in openapi.json that API.md does not list');
});

// JSON pointers where a and b differ (at most max of them).
function diffs(a, b, at = '', out = [], max = 8) {
  if (out.length >= max) return out;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(k in a)) out.push(`${at}/${k}: only in docs/openapi.json`);
      else if (!(k in b)) out.push(`${at}/${k}: only in the served document`);
      else diffs(a[k], b[k], `${at}/${k}`, out, max);
      if (out.length >= max) break;
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(`${at}: served ${JSON.stringify(a)?.slice(0, 80)}, file ${JSON.stringify(b)?.slice(0, 80)}`);
  }
  return out;
}

test('GET /api/v1/openapi.json serves docs/openapi.json', async () => {
  const res = await call('GET', '/api/v1/openapi.json');
  expectStatus(res, 200);
  const d = diffs(res.body, openapi);
  assert.deepEqual(d, [], 'the served document differs from docs/openapi.json (the binary embeds it at build time: rebuild)');
});

test('GET /healthz answers ok with the schema version', async () => {
  const res = await call('GET', '/healthz');
  expectStatus(res, 200);
  assert.equal(res.body.status, 'ok');
  assert.ok(Number.isInteger(res.body.schema_version) && res.body.schema_version >= 2, `schema_version ${res.body.schema_version}`);
});

test('an unknown API route answers 404 not_found with the error shape', async () => {
  const res = await call('GET', '/api/v1/no-such-route');
  // Unknown and unauthenticated: either answer is fine, but it must be the error shape.
  expectStatus(res, [401, 404]);
});
