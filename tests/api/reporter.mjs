// reporter.mjs — node:test reporter for tests/api/run: one line per test
// ("PASS file > name (ms)" / "FAIL ..." with the error indented), and node:test's own
// pass/fail totals written to $API_SUMMARY_FILE as "PASSED FAILED" for the closing line.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

function where(data) {
  return data.file ? path.basename(data.file) : '';
}

function indent(text) {
  return String(text)
    .split('\n')
    .slice(0, 40)
    .map((l) => `    | ${l}`)
    .join('\n');
}

function errorText(err) {
  if (!err) return '';
  // node:test wraps the thrown error: the interesting one is its cause.
  const e = err.cause ?? err;
  if (e && typeof e === 'object') {
    let s = e.message ?? String(e);
    if (e.code === 'ERR_ASSERTION' && e.generatedMessage && 'expected' in e) {
      s += `\nexpected: ${JSON.stringify(e.expected)}\nactual:   ${JSON.stringify(e.actual)}`;
    }
    return s;
  }
  return String(e);
}

export default async function* reporter(source) {
  const names = new Map(); // nesting level → name, to print "parent > child"
  let pass = null;
  let fail = null;
  for await (const ev of source) {
    const d = ev.data ?? {};
    switch (ev.type) {
      case 'test:start':
        names.set(d.nesting, d.name);
        break;
      case 'test:pass':
      case 'test:fail': {
        if (d.details?.type === 'suite' && ev.type === 'test:pass') break;
        names.set(d.nesting, d.name);
        const chain = [];
        for (let i = 0; i <= d.nesting; i++) chain.push(names.get(i));
        const ms = d.details?.duration_ms !== undefined ? ` (${Math.round(d.details.duration_ms)} ms)` : '';
        const label = `${where(d)} > ${chain.join(' > ')}`;
        if (ev.type === 'test:pass') {
          yield `${d.skip ? 'SKIP' : 'PASS'} ${label}${ms}\n`;
        } else {
          const err = d.details?.error;
          const sub = err?.failureType === 'subtestsFailed';
          yield `FAIL ${label}${ms}\n${sub ? '' : indent(errorText(err)) + '\n'}`;
        }
        break;
      }
      case 'test:diagnostic':
        if (d.nesting === 0) {
          const m = /^(pass|fail) (\d+)$/.exec(d.message);
          if (m) {
            if (m[1] === 'pass') pass = Number(m[2]);
            else fail = Number(m[2]);
          }
        }
        break;
      case 'test:stderr':
      case 'test:stdout':
        if (d.message) yield indent(d.message.replace(/\n$/, '')) + '\n';
        break;
      default:
        break;
    }
  }
  if (process.env.API_SUMMARY_FILE && pass !== null && fail !== null) {
    writeFileSync(process.env.API_SUMMARY_FILE, `${pass} ${fail}\n`);
  }
}
