// The collectors' queues (#/queues; GET /api/v1/queues) for supervisors, compliance
// and admins: per collector the accounts, how many were worked today (a progress bar),
// the balance and the breakdown by the strategy's queues; beside it the latest nightly
// batch run (GET /api/v1/batch; 404 until it has run) and below, what that run decided
// for the day, letters first (GET /api/v1/batch/actions?as_of=&kind=).
import { ApiError, batchApi } from '../api';
import { h, replace, type Child } from '../dom';
import { dateTime, money } from '../format';
import type { BatchAction, BatchActionKind, BatchRun, CollectorQueues, QueueCount, QueuesBody } from '../types';
import { badge, errorText, limited, table } from '../ui';
import type { View } from '../view';

const KINDS: Array<[BatchActionKind, string, string]> = [
  ['letter', 'Letters', 'Letter'],
  ['email', 'Emails', 'Email'],
  ['skip_trace', 'Skip traces', 'Skip trace'],
  ['escalate', 'Escalations', 'Escalate to'],
  ['hold', 'Holds', 'Hold'],
];

/** The first this many decisions are listed (the API answers every one of the day). */
const LISTED = 200;

const count = (n: number) => n.toLocaleString('en-US');

function pct(part: number, whole: number): number {
  return whole > 0 ? Math.floor((part * 100) / whole) : 0;
}

/** worked / accounts as a bar with the numbers beside it. */
function progress(worked: number, accounts: number, who: string): HTMLElement {
  const p = pct(worked, accounts);
  return h(
    'div',
    { class: 'progress' },
    h(
      'div',
      {
        class: `bar${worked >= accounts && accounts > 0 ? ' done' : ''}`,
        role: 'progressbar',
        'aria-valuemin': 0,
        'aria-valuemax': accounts,
        'aria-valuenow': worked,
        'aria-label': `${who}: ${worked} of ${accounts} worked today`,
      },
      h('div', { class: 'bar-fill', style: `width:${p}%` }),
    ),
    h('span', { class: 'progress-text' }, h('strong', null, count(worked)), ` / ${count(accounts)}`, h('span', { class: 'muted' }, ` · ${p}%`)),
  );
}

function queueName(q: string): HTMLElement {
  return q === 'unsorted' ? h('span', { class: 'muted', title: 'No strategy rule put these accounts in a queue' }, 'unsorted') : h('code', { class: 'queue-name' }, q);
}

function queueRows(c: CollectorQueues, all: number): HTMLTableRowElement[] {
  const top = h(
    'tr',
    { class: 'collector-row', 'data-collector': c.collector, 'data-accounts': c.accounts, 'data-worked': c.worked_today },
    h('th', { scope: 'row', class: 'collector' }, c.collector),
    h('td', { class: 'num' }, count(c.accounts)),
    h('td', { class: 'progress-cell' }, progress(c.worked_today, c.accounts, c.collector)),
    h('td', { class: 'num' }, money(c.balance_cents)),
    h('td', { class: 'muted small share' }, `${pct(c.accounts, all)}% of all accounts`),
  );
  // Before the batch has run every account is "unsorted": no breakdown to show then.
  if (c.queues.length === 1 && c.queues[0].queue === 'unsorted') return [top];
  const subs = c.queues.map((q: QueueCount) =>
    h(
      'tr',
      { class: 'queue-row', 'data-collector': c.collector, 'data-queue': q.queue },
      h('td', { class: 'queue-indent' }, queueName(q.queue)),
      h('td', { class: 'num' }, count(q.accounts)),
      h('td', { class: 'progress-cell' }, progress(q.worked_today, q.accounts, `${c.collector}, ${q.queue}`)),
      h('td', { class: 'num' }, money(q.balance_cents)),
      h('td', { class: 'muted small share' }, `${pct(q.accounts, c.accounts)}% of ${c.collector}’s`),
    ),
  );
  return [top, ...subs];
}

function queuesTable(body: QueuesBody): HTMLElement {
  const cs = body.collectors;
  if (!cs.length) return h('p', { class: 'empty', id: 'no-queues' }, 'No open account is assigned to a collector.');
  const total = cs.reduce((t, c) => ({ accounts: t.accounts + c.accounts, worked: t.worked + c.worked_today, balance: t.balance + c.balance_cents }), { accounts: 0, worked: 0, balance: 0 });
  return h(
    'table',
    { class: 'grid queues', id: 'queues' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Collector / queue'),
        h('th', { scope: 'col', class: 'num' }, 'Accounts'),
        h('th', { scope: 'col' }, 'Worked today'),
        h('th', { scope: 'col', class: 'num' }, 'Balance'),
        h('th', { scope: 'col' }, 'Share'),
      ),
    ),
    cs.map((c) => h('tbody', { class: 'collector-group' }, queueRows(c, total.accounts))),
    cs.length > 1
      ? h(
          'tfoot',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, `${cs.length} collectors`),
            h('td', { class: 'num' }, count(total.accounts)),
            h('td', { class: 'progress-cell' }, progress(total.worked, total.accounts, 'All collectors')),
            h('td', { class: 'num' }, money(total.balance)),
            h('td', null),
          ),
        )
      : null,
  );
}

// ---- the nightly batch ---------------------------------------------------------------

function runPanel(run: BatchRun | null, error: string | null): HTMLElement {
  const head = (extra: Child) => h('header', { class: 'panel-head' }, h('h2', { id: 'batch-title' }, 'Nightly batch'), extra ? h('div', { class: 'panel-tools' }, extra) : null);
  if (error !== null) return h('section', { class: 'panel batch-panel', 'aria-labelledby': 'batch-title' }, head(null), h('p', { class: 'error-text' }, error));
  if (!run) {
    return h(
      'section',
      { class: 'panel batch-panel', 'aria-labelledby': 'batch-title' },
      head(null),
      h('div', { class: 'panel-body pad', id: 'no-batch' }, h('p', { class: 'empty-strong' }, 'The nightly batch has not run yet.'), h('p', { class: 'muted small' }, 'Until it runs, accounts carry no queue or priority and no letters are due. It runs with ', h('code', null, 'arrears batch run --as-of DATE'), '.')),
    );
  }
  const done = run.status === 'done';
  const kv = (k: string, v: Child, id?: string) => h('tr', null, h('th', { scope: 'row' }, k), h('td', { id }, v));
  return h(
    'section',
    { class: 'panel batch-panel', id: 'batch-run', 'data-as-of': run.as_of, 'data-status': run.status, 'aria-labelledby': 'batch-title' },
    head(badge(done ? 'done' : `${run.status}${run.phase && run.phase !== run.status ? ` · ${run.phase}` : ''}`, done ? 'ok' : 'warn')),
    h(
      'table',
      { class: 'kv batch-kv' },
      h(
        'tbody',
        null,
        kv('For', h('strong', { class: 'date' }, run.as_of), 'batch-as-of'),
        kv('Accounts', count(run.accounts), 'batch-accounts'),
        kv('Interest', [h('span', { class: 'num' }, money(run.interest_cents)), h('span', { class: 'muted' }, ` in ${count(run.interest_entries)} entr${run.interest_entries === 1 ? 'y' : 'ies'}`)], 'batch-interest'),
        kv('Time-barred', count(run.time_barred), 'batch-time-barred'),
        kv('Started', h('span', { class: 'date' }, dateTime(run.started_at))),
        kv('Finished', done ? h('span', { class: 'date' }, dateTime(run.finished_at)) : h('span', { class: 'warn-text' }, run.ranges > 0 ? `not yet (${count(run.ranges_done)} of ${count(run.ranges)} ranges of accounts done)` : `not yet (at account ${run.last_account_id})`)),
        run.ranges > 0 ? kv('Workers', `${count(run.ranges)} ranges of account ids, side by side`, 'batch-ranges') : null,
        kv('By', run.actor),
      ),
    ),
  );
}

function actionsTable(items: BatchAction[], kind: BatchActionKind): HTMLElement {
  const what = KINDS.find(([k]) => k === kind)?.[2] ?? 'Action';
  const shown = items.slice(0, LISTED);
  return limited(shown, 25, (rows) =>
    table(
      [{ label: 'Account' }, { label: kind === 'skip_trace' ? 'Action' : what }, { label: 'Rule' }, { label: 'Strategy' }],
      rows.map((a) => [
        h('a', { href: `#/account/${a.account_id}`, class: 'acct-link mono' }, `#${a.account_id}`),
        kind === 'skip_trace' ? 'skip trace' : kind === 'hold' ? a.name : h('code', null, a.name),
        a.rule,
        a.strategy_version === 0 ? 'built-in' : `v${a.strategy_version}`,
      ]),
      { empty: 'None for this day.', cls: 'batch-actions', caption: 'Batch decisions' },
    ),
  );
}

function actionsSection(view: View, asOf: string): HTMLElement {
  const sel = h('select', { id: 'action-kind', name: 'kind', 'aria-label': 'Which decisions' }, KINDS.map(([k, t]) => h('option', { value: k }, t)));
  const title = h('h2', { id: 'actions-title' }, '');
  const note = h('span', { class: 'muted', id: 'actions-count' });
  const body = h('div', { class: 'panel-body flush', id: 'batch-actions' });
  const load = async () => {
    const kind = sel.value as BatchActionKind;
    title.textContent = `${KINDS.find(([k]) => k === kind)?.[1] ?? kind} due ${asOf}`;
    note.textContent = '';
    replace(body, h('p', { class: 'loading empty' }, 'Loading…'));
    try {
      const r = await batchApi.actions(asOf, kind, LISTED);
      if (!view.current() || sel.value !== kind) return;
      const n = r.total;
      note.textContent = `${count(n)}${n > r.items.length ? ` · the first ${count(r.items.length)} listed` : ''}`;
      replace(body, actionsTable(r.items, kind));
      body.dataset.kind = kind;
      body.dataset.count = String(n);
    } catch (e) {
      if (view.current()) replace(body, h('p', { class: 'error-text' }, errorText(e)));
    }
  };
  sel.addEventListener('change', () => void load());
  void load();
  return h(
    'section',
    { class: 'panel actions-panel', id: 'letters', 'aria-labelledby': 'actions-title' },
    h('header', { class: 'panel-head' }, title, note, h('div', { class: 'panel-tools' }, h('label', { for: 'action-kind', class: 'muted small' }, 'Show'), sel)),
    body,
  );
}

// ---- the page ------------------------------------------------------------------------

export async function renderQueues(view: View): Promise<void> {
  document.title = 'Queues · arrears';
  const since = h('span', { class: 'muted', id: 'queues-since' }, 'Loading…');
  const queuesBody = h('div', { class: 'panel-body flush' }, h('p', { class: 'loading empty' }, 'Loading…'));
  const side = h('div', { class: 'queues-side' }, h('section', { class: 'panel' }, h('p', { class: 'loading empty' }, 'Loading…')));
  const below = h('div', { class: 'queues-below' });
  replace(
    view.main,
    h(
      'div',
      { class: 'page queues-page' },
      h('div', { class: 'page-head' }, h('h1', null, 'Queues'), since, h('div', { class: 'spacer' }), h('a', { href: '#/strategies', class: 'muted' }, 'The strategy decides the queues →')),
      h('div', { class: 'queues-grid' }, h('section', { class: 'panel', 'aria-label': 'Collectors’ queues' }, queuesBody), side),
      below,
    ),
  );

  void batchApi.queues().then(
    (q) => {
      if (!view.current()) return;
      since.textContent = `Worked today counts work since ${dateTime(q.since)}`;
      replace(queuesBody, queuesTable(q));
    },
    (e) => {
      if (!view.current()) return;
      since.textContent = '';
      replace(queuesBody, h('p', { class: 'error-text' }, errorText(e)));
    },
  );

  let run: BatchRun | null = null;
  try {
    run = await batchApi.run();
  } catch (e) {
    if (!view.current()) return;
    if (!(e instanceof ApiError && e.status === 404)) {
      replace(side, runPanel(null, errorText(e)));
      return;
    }
  }
  if (!view.current()) return;
  replace(side, runPanel(run, null));
  if (run) replace(below, actionsSection(view, run.as_of));
}
