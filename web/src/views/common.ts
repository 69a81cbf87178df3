// Pieces several list screens share.
import { h, type Child } from '../dom';
import { money, dash } from '../format';
import type { AccountSummary } from '../types';
import { badge } from '../ui';

export function accountHref(a: { id: number }): string {
  return `#/account/${a.id}`;
}

export function statusBadge(status: string): HTMLElement {
  const kind = status === 'open' ? 'ok' : status === 'closed' || status === 'recalled' ? 'muted' : '';
  return badge(status, kind);
}

/** The strategy's queue and priority of a work item as a small badge (null before the
 * nightly batch has run: nothing then). */
export function queueBadge(a: { queue?: string | null; priority?: number | null }): HTMLElement | null {
  if (!a.queue) return null;
  const pri = typeof a.priority === 'number' ? a.priority : null;
  return h(
    'span',
    { class: 'badge queue-badge', title: `Queue ${a.queue}${pri === null ? '' : `, priority ${pri} (0–100, higher is worked first)`}` },
    a.queue,
    pri === null ? null : h('span', { class: 'queue-pri' }, String(pri)),
  );
}

export type SummaryColumn = 'client' | 'account' | 'debtor' | 'status' | 'balance' | 'last' | 'placed' | 'collector' | 'worked' | 'queue';

/** A table of account summaries whose rows open the account on click. */
export function summaryTable(items: AccountSummary[], cols: SummaryColumn[]): HTMLTableElement {
  const head: Record<string, [string, string]> = {
    client: ['Client', ''],
    account: ['Account', ''],
    debtor: ['Debtor', ''],
    status: ['Status', ''],
    balance: ['Balance', 'num'],
    last: ['Last payment', 'date'],
    placed: ['Placed', 'date'],
    collector: ['Collector', ''],
    worked: ['Worked today', 'center'],
    queue: ['Queue', 'nowrap'],
  };
  const cell = (a: AccountSummary, c: string): Child => {
    switch (c) {
      case 'client':
        return a.client;
      case 'account':
        return h('a', { href: accountHref(a), class: 'mono' }, a.client_account);
      case 'debtor':
        return a.debtor_name;
      case 'status':
        return statusBadge(a.status);
      case 'balance':
        return money(a.balance_cents?.total, a.currency);
      case 'last':
        return dash(a.last_payment_on);
      case 'placed':
        return dash(a.placed_on);
      case 'collector':
        return dash(a.collector);
      case 'queue':
        return queueBadge(a);
      case 'worked':
        return a.worked_today ? h('span', { class: 'check', title: 'Worked today' }, '✓', h('span', { class: 'sr-only' }, 'yes')) : h('span', { class: 'sr-only' }, 'no');
    }
    return null;
  };
  const t = h(
    'table',
    { class: 'grid rows-link' },
    h('thead', null, h('tr', null, cols.map((c) => h('th', { class: head[c][1], scope: 'col' }, head[c][0])))),
    h(
      'tbody',
      null,
      items.map((a) =>
        h(
          'tr',
          { 'data-id': a.id, 'data-queue': a.queue ?? null, class: a.worked_today ? 'worked' : null },
          cols.map((c) => h('td', { class: head[c][1] }, cell(a, c))),
        ),
      ),
    ),
  );
  t.addEventListener('click', (ev) => {
    const target = ev.target as HTMLElement;
    if (target.closest('a')) return;
    const tr = target.closest('tr[data-id]') as HTMLElement | null;
    if (tr) location.hash = `#/account/${tr.dataset.id}`;
  });
  return t;
}

export function appendRows(table: HTMLTableElement, more: HTMLTableElement): void {
  const body = table.tBodies[0];
  for (const tr of Array.from(more.tBodies[0].rows)) body.appendChild(tr);
}
