// The compliance report (GET /api/v1/compliance/report) for supervisors, compliance
// and admins: every contact of a period judged again by the rules engine, the
// overrides among them, and the busiest person/debt weeks; the listed contacts can be
// downloaded as CSV.
import { get, url } from '../api';
import { h, replace } from '../dom';
import { dateTime, label } from '../format';
import type { View } from '../view';
import { badge, errorText, field, table } from '../ui';

interface Violation {
  contact_id: number;
  account_id: number;
  client: string;
  client_account: string;
  at: string;
  channel: string;
  outcome: string;
  actor: string;
  reasons: string[];
  override_reason: string | null;
  review: string | null;
}

interface Report {
  from: string;
  to: string;
  contacts_checked: number;
  contacts_truncated: boolean;
  violations: number;
  overrides: number;
  violations_by_reason: Record<string, number>;
  listed: Violation[];
  busiest_weeks: Array<{ debtor_id: number; account_id: number; calls: number; window_from: string }>;
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function csvCell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvOf(r: Report): string {
  const head = ['contact_id', 'account_id', 'client', 'client_account', 'at', 'channel', 'outcome', 'actor', 'reasons', 'override_reason', 'review'];
  const lines = r.listed.map((v) =>
    [v.contact_id, v.account_id, v.client, v.client_account, v.at, v.channel, v.outcome, v.actor, v.reasons.join(';'), v.override_reason, v.review].map(csvCell).join(','),
  );
  return [head.join(','), ...lines].join('\r\n') + '\r\n';
}

function download(name: string, text: string): void {
  const a = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

function results(r: Report): HTMLElement {
  const reasons = Object.entries(r.violations_by_reason);
  const csv = h('button', { type: 'button', class: 'btn', id: 'report-csv', disabled: r.listed.length === 0 }, 'Download CSV');
  csv.addEventListener('click', () => download(`compliance-${r.from}-${r.to}.csv`, csvOf(r)));
  return h(
    'div',
    null,
    h(
      'p',
      { class: 'report-summary', id: 'report-summary' },
      h('strong', null, String(r.contacts_checked)),
      ` contacts checked${r.contacts_truncated ? ' (the first 100,000)' : ''} · `,
      h('strong', { class: r.violations ? 'bad-text' : 'ok-text' }, String(r.violations)),
      ' broke a rule · ',
      h('strong', null, String(r.overrides)),
      ' logged with an override',
      reasons.length ? ' · ' : '',
      reasons.map(([code, n]) => [badge(`${code} ${n}`, 'bad'), ' ']),
      ' ',
      csv,
    ),
    h(
      'section',
      { class: 'panel', 'aria-label': 'Contacts that broke a rule' },
      h('header', { class: 'panel-head' }, h('h2', null, 'Contacts that broke a rule'), h('span', { class: 'muted' }, r.listed.length < r.violations ? `first ${r.listed.length}` : '')),
      h(
        'div',
        { class: 'panel-body flush' },
        table(
          [{ label: 'When' }, { label: 'Account' }, { label: 'Channel' }, { label: 'Outcome' }, { label: 'By' }, { label: 'Rules broken' }, { label: 'Override' }],
          r.listed.map((v) => [
            dateTime(v.at),
            h('a', { href: `#/account/${v.account_id}` }, `${v.client} · ${v.client_account}`),
            v.channel,
            label(v.outcome),
            v.actor,
            v.reasons.join(', '),
            v.override_reason ? [v.override_reason, ' ', v.review ? badge(v.review, 'warn') : null] : '—',
          ]),
          { empty: 'No contact broke a rule in this period.', caption: 'Contacts that broke a rule' },
        ),
      ),
    ),
    h(
      'section',
      { class: 'panel', 'aria-label': 'Busiest weeks' },
      h('header', { class: 'panel-head' }, h('h2', null, 'Most calls in 7 days, per person and debt')),
      h(
        'div',
        { class: 'panel-body flush' },
        table(
          [{ label: 'Account' }, { label: 'Debtor' }, { label: 'Calls', cls: 'num' }, { label: 'Week from' }],
          r.busiest_weeks.map((b) => [h('a', { href: `#/account/${b.account_id}` }, `#${b.account_id}`), `#${b.debtor_id}`, String(b.calls), dateTime(b.window_from)]),
          { empty: 'No calls in this period.', caption: 'Busiest weeks' },
        ),
      ),
    ),
  );
}

export function renderReport(view: View): void {
  document.title = 'Compliance report · arrears';
  const now = new Date();
  const from = h('input', { type: 'date', name: 'from', value: isoDay(new Date(now.getTime() - 29 * 86400e3)), required: true });
  const to = h('input', { type: 'date', name: 'to', value: isoDay(now), required: true });
  const out = h('div', { id: 'report-results' });
  const form = h('form', { class: 'form inline', id: 'report-form' }, field('From', from), field('To', to), h('button', { type: 'submit', class: 'btn primary' }, 'Run'));
  const run = async () => {
    replace(out, h('p', { class: 'loading' }, 'Judging every contact of the period…'));
    try {
      const r = await get<Report>(url('/compliance/report', { from: from.value, to: to.value }));
      if (view.current()) replace(out, results(r));
    } catch (e) {
      if (view.current()) replace(out, h('p', { class: 'error-text' }, errorText(e)));
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  replace(
    view.main,
    h('div', { class: 'page' }, h('div', { class: 'page-head' }, h('h1', null, 'Compliance report'), h('div', { class: 'spacer' }), form), out),
  );
  void run();
}
