// "My work": the collector's queue (GET /api/v1/work) and Next (GET /api/v1/work/next).
import { ApiError, get, url } from '../api';
import { h, replace } from '../dom';
import type { AccountSummary, Page } from '../types';
import { errorText, flash, kbd } from '../ui';
import { go, type View } from '../view';
import { summaryTable, appendRows, type SummaryColumn } from './common';

const COLS: SummaryColumn[] = ['client', 'account', 'debtor', 'balance', 'last', 'placed', 'worked'];
// With the queue (and priority) the nightly batch gave each account, once it has run.
const COLS_QUEUED: SummaryColumn[] = ['client', 'account', 'debtor', 'queue', 'balance', 'last', 'placed', 'worked'];

let nextBusy = false;

export async function goNext(): Promise<void> {
  if (nextBusy) return;
  nextBusy = true;
  try {
    const a = await get<AccountSummary>('/api/v1/work/next');
    go(`#/account/${a.id}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) flash('Your queue is done: every account has been worked today.');
    else flash(errorText(e), 'error');
  } finally {
    nextBusy = false;
  }
}

export function nextButton(): HTMLButtonElement {
  return h('button', { type: 'button', class: 'btn primary', id: 'next', onclick: () => void goNext(), title: 'Open the next account in my queue (n)' }, 'Next account ', kbd('n'));
}

export async function renderWork(view: View): Promise<void> {
  document.title = 'My work · arrears';
  const summary = h('span', { class: 'muted' }, 'Loading…');
  const body = h('div', { class: 'panel-body flush' });
  replace(
    view.main,
    h(
      'div',
      { class: 'page' },
      h('div', { class: 'page-head' }, h('h1', null, 'My work'), summary, h('div', { class: 'spacer' }), nextButton()),
      h('section', { class: 'panel', 'aria-label': 'Queue' }, body),
    ),
  );
  let table: HTMLTableElement | null = null;
  let cols: SummaryColumn[] | null = null;
  let count = 0;
  let worked = 0;
  const load = async (after: number | null): Promise<void> => {
    let page: Page<AccountSummary>;
    try {
      page = await get<Page<AccountSummary>>(url('/work', { limit: 100, after }));
    } catch (e) {
      if (view.current()) replace(body, h('p', { class: 'error-text' }, errorText(e)));
      return;
    }
    if (!view.current()) return;
    count += page.items.length;
    worked += page.items.filter((a) => a.worked_today).length;
    // Every page keeps the first page's columns, so that appended rows line up.
    cols ??= page.items.some((a) => a.queue) ? COLS_QUEUED : COLS;
    const t = summaryTable(page.items, cols);
    if (!table) {
      table = t;
      replace(body, page.items.length ? t : h('p', { class: 'empty' }, 'No accounts are assigned to you.'));
    } else {
      appendRows(table, t);
    }
    body.querySelector('.more')?.remove();
    if (page.next_after !== null && page.next_after !== undefined) {
      const n = page.next_after;
      body.appendChild(h('div', { class: 'more' }, h('button', { type: 'button', class: 'btn', onclick: () => void load(n) }, 'Load more')));
    }
    replace(summary, `${count}${page.next_after !== null ? '+' : ''} accounts · ${worked} worked today`);
  };
  await load(null);
}
