// The Arrangements panel of the account screen (GET …/plans): the current payment
// plan or settlement with its schedule (due, amount, paid, kept/partial/broken/pending),
// why it waits for a supervisor, a settlement offer's Accept, a plan's "Request
// extension" (due-date change or re-aging, POST /api/v1/plans/{id}/extensions) and the
// history of earlier arrangements. "Build a plan" opens the plan builder.
import { accountPath, get, post, url } from '../api';
import { h, replace, type Child } from '../dom';
import { dash, dateTime, money, today } from '../format';
import { frequencyLabel, needsText, type PreviewInstallment } from '../schedule';
import { can } from '../session';
import type { Account, Approval, Installment, Plan } from '../types';
import { badge, clearFormError, closeDialog, errorText, field, flash, formErrorBox, limited, openDialog, section, select, showFormError } from '../ui';
import { go } from '../view';

type Reload = (flashMsg?: string) => Promise<void>;

const CURRENT = ['active', 'offered', 'pending_approval'];
const SCHEDULE_SHOWN = 6;

export function planBuilderHref(accountId: number | string): string {
  return `#/account/${encodeURIComponent(String(accountId))}/plan`;
}

const STATUS_LABEL: Record<string, string> = {
  pending_approval: 'waiting for approval',
};

export function planStatusBadge(status: string): HTMLElement {
  const kind =
    status === 'active' || status === 'completed'
      ? 'ok'
      : status === 'pending_approval'
        ? 'warn'
        : status === 'offered'
          ? 'info'
          : status === 'broken'
            ? 'bad'
            : 'muted';
  const b = badge(STATUS_LABEL[status] ?? status.replace(/_/g, ' '), kind);
  b.classList.add('plan-status');
  b.dataset.status = status;
  return b;
}

export function installmentBadge(status: string): HTMLElement {
  const kind = status === 'kept' ? 'ok' : status === 'partial' ? 'warn' : status === 'broken' ? 'bad' : '';
  return badge(status, kind);
}

export function planTitle(p: Plan): string {
  return `${p.kind === 'settlement' ? 'Settlement' : 'Payment plan'} #${p.id}`;
}

/** "$1,200.00 · $100.00 down + 11 monthly installments from 2026-12-20". */
export function planSummary(p: Plan): string {
  const cur = p.currency;
  if (p.kind === 'settlement') {
    const pct = p.balance_cents > 0 ? Math.round((p.total_cents / p.balance_cents) * 100) : null;
    const n = p.installments.length;
    const pays = n === 1 ? `one payment due ${dash(p.first_due_on)}` : `${n} ${frequencyLabel(p.frequency)} payments from ${dash(p.first_due_on)}`;
    return `${money(p.total_cents, cur)} in ${pays} · ${pct === null ? '' : `${pct}% of `}the balance of ${money(p.balance_cents, cur)}`;
  }
  const regular = p.installments.filter((i) => !i.down_payment).length;
  const down = p.down_cents > 0 ? `${money(p.down_cents, cur)} down + ` : '';
  const inst = regular === 1 ? 'one installment' : `${regular} ${frequencyLabel(p.frequency)} installments`;
  return `${money(p.total_cents, cur)} · ${down}${inst} from ${dash(p.first_due_on)}`;
}

/** A schedule table: the server's (with paid and status) or a preview (without). */
export function scheduleTable(items: Array<Installment | PreviewInstallment>, currency: string, opts: { preview?: boolean; shown?: number } = {}): HTMLElement {
  const withStatus = !opts.preview;
  const total = items.reduce((s, x) => s + x.amount_cents, 0);
  const paid = withStatus ? items.reduce((s, x) => s + ((x as Installment).paid_cents ?? 0), 0) : 0;
  const numbered = items.map((x, i) => ({ x, n: i + 1 }));
  const render = (shown: typeof numbered) =>
    h(
      'table',
      { class: `grid schedule${opts.preview ? ' preview' : ''}`, 'data-count': items.length, 'data-total-cents': total },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col', class: 'num' }, '#'),
          h('th', { scope: 'col' }, 'Due'),
          h('th', { scope: 'col', class: 'num' }, 'Amount'),
          withStatus ? h('th', { scope: 'col', class: 'num' }, 'Paid') : null,
          withStatus ? h('th', { scope: 'col' }, 'Status') : null,
        ),
      ),
      h(
        'tbody',
        null,
        shown.map(({ x, n }) =>
          h(
            'tr',
            { 'data-due': x.due_on, 'data-cents': x.amount_cents, 'data-status': withStatus ? (x as Installment).status : null, class: x.down_payment ? 'down' : null },
            h('td', { class: 'num muted' }, x.down_payment ? 'down' : String(n - (items[0]?.down_payment ? 1 : 0))),
            h('td', { class: 'date' }, x.due_on),
            h('td', { class: 'num inst-amount' }, money(x.amount_cents, currency)),
            withStatus ? h('td', { class: 'num inst-paid' }, (x as Installment).paid_cents ? money((x as Installment).paid_cents, currency) : h('span', { class: 'zero' }, '—')) : null,
            withStatus ? h('td', null, installmentBadge((x as Installment).status)) : null,
          ),
        ),
      ),
      h(
        'tfoot',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'row', class: 'num' }, ''),
          h('th', { scope: 'row' }, `${items.length} payment${items.length === 1 ? '' : 's'}`),
          h('td', { class: 'num sched-total' }, money(total, currency)),
          withStatus ? h('td', { class: 'num' }, paid ? money(paid, currency) : '') : null,
          withStatus ? h('td', null) : null,
        ),
      ),
    );
  // A "Show all" that would reveal only a row or two is not worth the click.
  const limit = opts.shown ?? SCHEDULE_SHOWN;
  return limited(numbered, items.length <= limit + 2 ? items.length : limit, render);
}

/** Beside the schedule of a plan in effect (or over): what is paid, left and next. */
function planFacts(p: Plan): HTMLElement {
  const cur = p.currency;
  const paid = p.installments.reduce((s, i) => s + i.paid_cents, 0);
  const count = (st: string) => p.installments.filter((i) => i.status === st).length;
  const next = p.installments.find((i) => i.status !== 'kept' && i.paid_cents < i.amount_cents);
  const kv = (k: string, v: Child, cls?: string) => h('tr', null, h('th', { scope: 'row' }, k), h('td', { class: cls }, v));
  const tally = [
    `${count('kept')} kept`,
    count('partial') ? `${count('partial')} partial` : '',
    count('broken') ? `${count('broken')} broken` : '',
    `${count('pending')} pending`,
  ].filter(Boolean);
  return h(
    'table',
    { class: 'kv plan-facts' },
    h(
      'tbody',
      null,
      p.status === 'completed' || !next ? null : kv('Next due', [h('span', { class: 'date' }, next.due_on), ' · ', money(next.amount_cents - next.paid_cents, cur)], 'next-due'),
      kv('Paid', money(paid, cur)),
      kv('Left to pay', money(Math.max(0, p.total_cents - paid), cur)),
      kv('Installments', tally.join(' · ')),
    ),
  );
}

// ---- extension requests ---------------------------------------------------------

interface ExtensionRequest {
  approvalId: number;
  kind: string;
  to: string;
  reason: string;
}

/** Extension requests made in this tab (a collector cannot read the approvals inbox). */
const requested = new Map<number, ExtensionRequest[]>();

function extensionText(r: ExtensionRequest): string {
  return `${r.kind === 're_age' ? 'Re-aging' : 'Due-date change'} from ${r.to} requested (${r.reason}) — waiting for a supervisor`;
}

export function openExtension(p: Plan, reload: Reload): void {
  const reAgeOnly = p.status === 'broken';
  const kinds: Array<[string, string]> = reAgeOnly
    ? [['re_age', 'Re-age: spread what is still owed again']]
    : [
        ['due_date', 'Due-date change: move the open installments'],
        ['re_age', 'Re-age: spread what is still owed again'],
      ];
  const kind = select('kind', kinds, kinds[0][0]);
  const to = h('input', { type: 'date', name: 'to', required: true, min: today() });
  const reason = h('input', { name: 'reason', maxlength: 200, required: true, autocomplete: 'off', placeholder: 'Payday moved to the 5th…' });
  const submit = h('button', { type: 'submit', class: 'btn primary' }, 'Request extension');
  const form = h(
    'form',
    { id: 'extension-form', class: 'form' },
    h('p', { class: 'form-lead' }, `${planTitle(p)} · ${planSummary(p)}`),
    formErrorBox(),
    field('Kind', kind, reAgeOnly ? 'A broken plan can only be re-aged.' : undefined),
    h('div', { class: 'row' }, field('From', to, 'The open installments start again on this date'), field('Reason', reason)),
    h('p', { class: 'hint' }, 'A supervisor approves or rejects the request in the approvals inbox; nothing changes until then.'),
    h('div', { class: 'form-actions' }, submit, h('button', { type: 'button', class: 'btn', onclick: () => closeDialog() }, 'Cancel')),
  );
  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    clearFormError(form);
    if (!reason.value.trim()) {
      showFormError(form, Object.assign(new Error('Give the reason for the extension.'), { field: 'reason' }));
      return;
    }
    busy = true;
    submit.disabled = true;
    try {
      const res = await post<{ approval_id: number }>(url(`/plans/${p.id}/extensions`), { kind: kind.value, to: to.value, reason: reason.value.trim() });
      const list = requested.get(p.id) ?? [];
      list.push({ approvalId: res.approval_id, kind: kind.value, to: to.value, reason: reason.value.trim() });
      requested.set(p.id, list);
      closeDialog();
      await reload('Extension requested: waiting for a supervisor.');
    } catch (e) {
      showFormError(form, e);
    } finally {
      busy = false;
      submit.disabled = false;
    }
  });
  openDialog('Request an extension', form, { wide: true });
}

async function accept(p: Plan, reload: Reload, btn: HTMLButtonElement): Promise<void> {
  btn.disabled = true;
  try {
    await post<Plan>(url(`/settlements/${p.id}/accept`), {});
    await reload(`Settlement #${p.id} accepted: ${money(p.total_cents, p.currency)} due ${dash(p.first_due_on)}.`);
  } catch (e) {
    btn.disabled = false;
    flash(`Could not accept the settlement: ${errorText(e)}`, 'error');
  }
}

// ---- one arrangement ------------------------------------------------------------

/** A plan or settlement: title, status, why it waits, actions, schedule. */
export function planCard(p: Plan, opts: { reload?: Reload; history?: boolean; pendingExtensions?: ExtensionRequest[] } = {}): HTMLElement {
  const reload = opts.reload;
  const actions: Child[] = [];
  if (reload && can.arrange() && p.kind === 'settlement' && p.status === 'offered') {
    const btn: HTMLButtonElement = h('button', { type: 'button', class: 'btn small primary accept-settlement', 'data-plan-id': p.id, onclick: () => void accept(p, reload, btn) }, 'Accept');
    actions.push(btn);
  }
  if (reload && can.arrange() && p.kind === 'plan' && (p.status === 'active' || p.status === 'broken')) {
    actions.push(h('button', { type: 'button', class: 'btn small request-extension', 'data-plan-id': p.id, onclick: () => openExtension(p, reload) }, 'Request extension'));
  }
  const alerts: Child[] = [];
  if (p.status === 'pending_approval') {
    const why = p.needs_approval.map(needsText).join('; ');
    alerts.push(h('div', { class: 'plan-alert warn pending-approval', role: 'note' }, `Waiting for a supervisor${why ? `: ${why}` : ''}.`));
  }
  if (p.status === 'broken' && p.reason) alerts.push(h('div', { class: 'plan-alert bad' }, p.reason));
  else if (p.reason) alerts.push(h('div', { class: 'plan-alert info' }, p.reason));
  if (p.status === 'offered' && p.expires_on) alerts.push(h('div', { class: 'plan-alert info' }, `Offer open until ${p.expires_on}: the debtor accepts it by paying or agreeing, then Accept.`));
  for (const r of opts.pendingExtensions ?? []) alerts.push(h('div', { class: 'plan-alert warn extension-pending', 'data-approval-id': r.approvalId }, extensionText(r)));
  const meta: Child[] = [
    h('span', null, `created ${dateTime(p.created_at)} by ${p.created_by}`),
    p.replaces_id ? h('span', null, `replaces #${p.replaces_id}`) : null,
    p.authorization ? h('span', { class: 'auth' }, `recurring ${p.authorization.method === 'ach' ? 'ACH' : p.authorization.method} authorized ${dash(p.authorization.on)} by ${p.authorization.by}`) : null,
  ];
  const head = h(
    'div',
    { class: 'plan-head' },
    h('h3', null, planTitle(p)),
    planStatusBadge(p.status),
    h('span', { class: 'plan-sum' }, planSummary(p)),
    actions.length ? h('span', { class: 'plan-actions' }, actions) : null,
  );
  const sched = scheduleTable(p.installments, p.currency);
  return h(
    'article',
    { class: `plan-card${opts.history ? ' past' : ''}`, 'data-plan-id': p.id, 'data-status': p.status, 'data-kind': p.kind },
    head,
    h('div', { class: 'plan-meta' }, meta),
    alerts,
    opts.history
      ? h('details', { class: 'plan-schedule' }, h('summary', null, `Schedule (${p.installments.length})`), sched)
      : h('div', { class: 'plan-body' }, sched, ['active', 'broken', 'completed'].includes(p.status) ? planFacts(p) : null),
  );
}

// ---- the panel ----------------------------------------------------------------

/** Splits the arrangements (newest first) into the current ones and history. */
export function splitPlans(plans: Plan[]): { current: Plan[]; past: Plan[] } {
  const current = plans.filter((p) => CURRENT.includes(p.status));
  // A broken plan with nothing after it is still the account's arrangement (re-aging).
  if (!current.some((p) => p.status === 'active' || p.status === 'offered') && plans[0]?.status === 'broken') current.push(plans[0]);
  return { current, past: plans.filter((p) => !current.includes(p)) };
}

export function arrangementsPanel(acct: Account, reload: Reload): HTMLElement {
  const body = h('div', { class: 'arrangements' }, h('p', { class: 'empty' }, 'Loading arrangements…'));
  const count = h('span', { class: 'muted' });
  void Promise.all([
    get<{ items: Plan[] }>(url(`${accountPath(acct.id)}/plans`)),
    // Supervisors and compliance also see extension requests of other users.
    can.approvals() ? get<{ items: Approval[] }>(url('/approvals', { status: 'pending' })).catch(() => ({ items: [] as Approval[] })) : Promise.resolve({ items: [] as Approval[] }),
  ]).then(
    ([page, inbox]) => {
      const plans = page.items;
      const { current, past } = splitPlans(plans);
      count.textContent = plans.length ? String(plans.length) : '';
      const pendingExt = (id: number): ExtensionRequest[] => {
        const mine = requested.get(id) ?? [];
        const seen = new Set(mine.map((r) => r.approvalId));
        const theirs = inbox.items
          .filter((a) => a.kind === 'extension' && a.plan_id === id && a.account_id === acct.id && !seen.has(a.id))
          .map((a): ExtensionRequest => {
            const m = /^(re-aging|due-date change) of plan \d+ from (\S+)$/.exec(a.summary);
            return { approvalId: a.id, kind: m?.[1] === 're-aging' ? 're_age' : 'due_date', to: m?.[2] ?? '?', reason: a.reasons };
          });
        return [...mine, ...theirs];
      };
      replace(
        body,
        current.length
          ? current.map((p) => planCard(p, { reload, pendingExtensions: pendingExt(p.id) }))
          : h('p', { class: 'empty', id: 'no-arrangement' }, 'No payment plan or settlement in effect.'),
        past.length
          ? h(
              'details',
              { class: 'plan-history', id: 'plan-history' },
              h('summary', null, `Earlier arrangements (${past.length})`),
              past.map((p) => planCard(p, { history: true })),
            )
          : null,
      );
    },
    (e) => replace(body, h('p', { class: 'error-text' }, errorText(e))),
  );
  const panel = section(
    'Arrangements',
    [count, can.arrange() && acct.status === 'open' ? h('button', { type: 'button', class: 'btn small', id: 'build-plan', onclick: () => go(planBuilderHref(acct.id)), title: 'Financial statement, options and a new plan or settlement' }, 'Build a plan') : null],
    body,
  );
  panel.id = 'arrangements';
  return panel;
}
