// Accounts list (GET /api/v1/accounts) with client and status filters. For a client
// user the server returns only their own client's accounts.
import { get, url } from '../api';
import { h, replace } from '../dom';
import { can, user } from '../session';
import type { AccountSummary, Client, Page } from '../types';
import { errorText, field, select } from '../ui';
import { go, type View } from '../view';
import { appendRows, summaryTable } from './common';

const STATUSES: Array<[string, string]> = [
  ['', 'Any status'],
  ['open', 'open'],
  ['closed', 'closed'],
  ['paid', 'paid'],
  ['settled', 'settled'],
  ['recalled', 'recalled'],
];

export async function renderAccounts(view: View): Promise<void> {
  document.title = 'Accounts · arrears';
  const client = view.query.get('client') ?? '';
  const status = view.query.get('status') ?? '';
  const clientSel = select('client', [['', 'All clients']], client);
  const statusSel = select('status', STATUSES, status);
  if (!STATUSES.some(([v]) => v === status)) {
    statusSel.appendChild(h('option', { value: status }, status));
    statusSel.value = status;
  }
  const apply = () => {
    const q = new URLSearchParams();
    if (clientSel.value) q.set('client', clientSel.value);
    if (statusSel.value) q.set('status', statusSel.value);
    const s = q.toString();
    go(`#/accounts${s ? `?${s}` : ''}`);
  };
  clientSel.addEventListener('change', apply);
  statusSel.addEventListener('change', apply);
  const u = user();
  const body = h('div', { class: 'panel-body flush' }, h('p', { class: 'loading' }, 'Loading…'));
  const count = h('span', { class: 'muted' });
  replace(
    view.main,
    h(
      'div',
      { class: 'page' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, u?.role === 'client' && u.client ? `Accounts · ${u.client}` : 'Accounts'),
        count,
        h('div', { class: 'spacer' }),
        h('div', { class: 'filters' }, can.listClients() ? field('Client', clientSel) : null, field('Status', statusSel)),
      ),
      h('section', { class: 'panel', 'aria-label': 'Accounts' }, body),
    ),
  );
  if (can.listClients()) {
    get<Page<Client>>(url('/clients'))
      .then((p) => {
        for (const c of p.items) clientSel.appendChild(h('option', { value: c.code }, `${c.code} · ${c.name}`));
        clientSel.value = client;
      })
      .catch(() => undefined);
  }
  let table: HTMLTableElement | null = null;
  let n = 0;
  const load = async (after: number | null): Promise<void> => {
    let page: Page<AccountSummary>;
    try {
      page = await get<Page<AccountSummary>>(url('/accounts', { client, status, limit: 100, after }));
    } catch (e) {
      if (view.current()) replace(body, h('p', { class: 'error-text' }, errorText(e)));
      return;
    }
    if (!view.current()) return;
    n += page.items.length;
    const t = summaryTable(page.items, ['client', 'account', 'debtor', 'status', 'balance', 'last', 'collector']);
    if (!table) {
      table = t;
      replace(body, page.items.length ? t : h('p', { class: 'empty' }, 'No accounts match.'));
    } else appendRows(table, t);
    body.querySelector('.more')?.remove();
    if (page.next_after !== null && page.next_after !== undefined) {
      const after2 = page.next_after;
      body.appendChild(h('div', { class: 'more' }, h('button', { type: 'button', class: 'btn', onclick: () => void load(after2) }, 'Load more')));
    }
    replace(count, `${n}${page.next_after !== null ? '+' : ''} shown`);
  };
  await load(null);
}
