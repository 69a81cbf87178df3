// The approvals inbox (#/approvals?status=…; GET /api/v1/approvals): plans outside
// the client's limits, settlements below the floor and credit extensions waiting for a
// supervisor. Supervisors and admins approve or reject each with an optional note
// (POST /api/v1/approvals/{id}/approve|reject); compliance reads it only. The count of
// pending items shows next to the "Approvals" link of the top bar.
import { get, post, url } from '../api';
import { h, replace, type Child } from '../dom';
import { dateTime, dash, label, money } from '../format';
import { can, user } from '../session';
import type { Approval, Plan } from '../types';
import { badge, errorText, flash } from '../ui';
import { go, type View } from '../view';
import { planCard } from './arrangements';

const STATUSES: Array<[string, string]> = [
  ['pending', 'Pending'],
  ['approved', 'Approved'],
  ['rejected', 'Rejected'],
  ['all', 'All'],
];

/** Updates the pending count next to the "Approvals" link (nothing for other roles). */
export async function refreshApprovalsCount(): Promise<void> {
  if (!can.approvals()) return;
  const el = document.getElementById('approvals-count');
  if (!el) return;
  try {
    const page = await get<{ items: Approval[]; truncated: boolean }>(url('/approvals', { status: 'pending' }));
    showCount(page.items.length, page.truncated);
  } catch {
    /* the link works without its count */
  }
}

function showCount(n: number, truncated = false): void {
  const el = document.getElementById('approvals-count');
  if (!el) return;
  el.textContent = `${n}${truncated ? '+' : ''}`;
  el.hidden = n === 0;
  el.title = `${n}${truncated ? '+' : ''} waiting for a decision`;
}

/** The server's summary names amounts in cents; this says them in dollars. */
export function summaryText(a: Approval): string {
  const s = a.summary;
  let m = /^plan of (\d+) cents in (\d+) (\w+) installments$/.exec(s);
  if (m) return `Plan of ${money(Number(m[1]))} in ${m[2]} ${m[3]} installments`;
  m = /^settlement of (\d+) cents on a balance of (\d+) \(floor (\d+)\)$/.exec(s);
  if (m) return `Settlement of ${money(Number(m[1]))} on a balance of ${money(Number(m[2]))} (floor ${money(Number(m[3]))})`;
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "Show the plan": its schedule, loaded when opened. */
function planDetails(a: Approval): HTMLElement | null {
  if (!a.plan_id) return null;
  const box = h('div', { class: 'approval-plan' }, h('p', { class: 'loading' }, 'Loading…'));
  const d = h('details', { class: 'show-plan' }, h('summary', null, a.kind === 'extension' ? 'Show the plan it changes' : 'Show the plan'), box);
  let loaded = false;
  d.addEventListener('toggle', () => {
    if (!d.open || loaded) return;
    loaded = true;
    get<{ items: Plan[] }>(url(`/accounts/${a.account_id}/plans`)).then(
      (page) => {
        const p = page.items.find((x) => x.id === a.plan_id);
        replace(box, p ? planCard(p) : h('p', { class: 'empty' }, `Plan #${a.plan_id} is not on the account.`));
      },
      (e) => {
        loaded = false;
        replace(box, h('p', { class: 'error-text' }, errorText(e)));
      },
    );
  });
  return d;
}

function reasonsCell(a: Approval): Child {
  if (!a.reasons) return '';
  if (a.kind === 'extension') return h('span', { class: 'ext-reason' }, h('span', { class: 'muted' }, 'Reason: '), a.reasons);
  return h(
    'ul',
    { class: 'reasons' },
    a.reasons.split(/;\s*/).map((r) => h('li', null, r)),
  );
}

function statusBadge(status: string): HTMLElement {
  return badge(status, status === 'approved' ? 'ok' : status === 'rejected' ? 'bad' : 'warn');
}

function decisionCell(a: Approval): Child {
  if (a.status === 'pending') return statusBadge('pending');
  return h(
    'div',
    { class: 'decision' },
    statusBadge(a.status),
    h('div', { class: 'muted small' }, `${dash(a.decided_by)} · ${dateTime(a.decided_at)}`),
    a.note ? h('div', { class: 'decision-note-text' }, a.note) : null,
  );
}

function actionsCell(a: Approval, onDecided: (a: Approval) => void): HTMLElement {
  const note = h('input', { class: 'decision-note', name: 'note', maxlength: 500, placeholder: 'Note (optional)', autocomplete: 'off', 'aria-label': `Note on approval ${a.id}` });
  const err = h('div', { class: 'row-error', role: 'alert', hidden: true });
  const decide = async (approve: boolean) => {
    approveBtn.disabled = true;
    rejectBtn.disabled = true;
    err.hidden = true;
    const body: Record<string, string> = {};
    if (note.value.trim()) body.note = note.value.trim();
    try {
      const res = await post<{ id: number; status: string }>(url(`/approvals/${a.id}/${approve ? 'approve' : 'reject'}`), body);
      onDecided({ ...a, status: res.status, decided_by: user()?.username ?? null, decided_at: new Date().toISOString(), note: body.note ?? null });
      flash(`${label(a.kind)} for account ${a.account_id} ${res.status}.`);
      void refreshApprovalsCount();
    } catch (e) {
      err.textContent = errorText(e);
      err.hidden = false;
      approveBtn.disabled = false;
      rejectBtn.disabled = false;
    }
  };
  const approveBtn: HTMLButtonElement = h('button', { type: 'button', class: 'btn small primary approve', onclick: () => void decide(true) }, 'Approve');
  const rejectBtn: HTMLButtonElement = h('button', { type: 'button', class: 'btn small reject', onclick: () => void decide(false) }, 'Reject');
  return h('div', { class: 'decide' }, note, h('div', { class: 'decide-buttons' }, approveBtn, rejectBtn), err);
}

export async function renderApprovals(view: View): Promise<void> {
  document.title = 'Approvals · arrears';
  const raw = view.query.get('status') ?? 'pending';
  const status = STATUSES.some(([s]) => s === raw) ? raw : 'pending';
  const count = h('span', { class: 'muted', id: 'approvals-total' }, 'Loading…');
  const filter = h('select', { id: 'approval-status', name: 'status', 'aria-label': 'Show' }, STATUSES.map(([v, t]) => h('option', { value: v }, t)));
  filter.value = status;
  filter.addEventListener('change', () => go(`#/approvals${filter.value === 'pending' ? '' : `?status=${filter.value}`}`));
  const body = h('div', { class: 'panel-body flush' }, h('p', { class: 'loading empty' }, 'Loading…'));
  replace(
    view.main,
    h(
      'div',
      { class: 'page approvals-page' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, 'Approvals'),
        count,
        h('div', { class: 'spacer' }),
        can.decide() ? null : h('span', { class: 'muted', id: 'read-only' }, 'Read-only: supervisors and administrators decide.'),
        h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: 'approval-status' }, 'Show'), filter)),
      ),
      h('section', { class: 'panel', 'aria-label': 'Approvals' }, body),
    ),
  );
  let page: { items: Approval[]; truncated: boolean };
  try {
    page = await get<{ items: Approval[]; truncated: boolean }>(url('/approvals', { status }));
  } catch (e) {
    if (view.current()) replace(body, h('p', { class: 'error-text' }, errorText(e)));
    return;
  }
  if (!view.current()) return;
  const items = page.items;
  let pending = items.filter((a) => a.status === 'pending').length;
  const showTotal = () => {
    count.textContent = `${items.length}${page.truncated ? '+' : ''} ${status === 'all' ? 'items' : status}${status === 'all' && pending ? ` · ${pending} pending` : ''}`;
  };
  showTotal();
  if (status === 'pending') showCount(items.length, page.truncated);
  if (!items.length) {
    replace(body, h('p', { class: 'empty', id: 'no-approvals' }, status === 'pending' ? 'Nothing is waiting for a decision.' : 'None.'));
    return;
  }
  const decideCol = can.decide() && items.some((a) => a.status === 'pending');
  const row = (a: Approval): HTMLTableRowElement => {
    const tr = h(
      'tr',
      { 'data-approval-id': a.id, 'data-status': a.status, 'data-kind': a.kind, 'data-plan-id': a.plan_id ?? '' },
      h('td', { class: 'num muted' }, String(a.id)),
      h('td', null, h('span', { class: `kind kind-${a.kind}` }, label(a.kind))),
      h('td', { class: 'nowrap' }, h('a', { href: `#/account/${a.account_id}`, class: 'acct-link' }, `Account ${a.account_id}`), a.plan_id ? h('div', { class: 'muted small' }, `plan #${a.plan_id}`) : null),
      h('td', { class: 'summary' }, summaryText(a), planDetails(a)),
      h('td', { class: 'why' }, reasonsCell(a)),
      h('td', { class: 'nowrap' }, h('div', null, a.requested_by), h('div', { class: 'muted small date' }, dateTime(a.requested_at))),
      h('td', { class: 'status-cell' }, decisionCell(a)),
      decideCol ? h('td', { class: 'actions-cell' }, a.status === 'pending' ? actionsCell(a, (d) => (pending--, showTotal(), tr.replaceWith(row(d)))) : null) : null,
    );
    return tr;
  };
  replace(
    body,
    h(
      'table',
      { class: 'grid approvals' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col', class: 'num' }, '#'),
          h('th', { scope: 'col' }, 'Kind'),
          h('th', { scope: 'col' }, 'Account'),
          h('th', { scope: 'col' }, 'Summary'),
          h('th', { scope: 'col' }, 'Why it needs approval'),
          h('th', { scope: 'col' }, 'Requested'),
          h('th', { scope: 'col' }, 'Status'),
          decideCol ? h('th', { scope: 'col' }, 'Decision') : null,
        ),
      ),
      h('tbody', null, items.map(row)),
    ),
  );
}
