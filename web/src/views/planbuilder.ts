// The plan builder (#/account/{id}/plan), opened from the Arrangements panel or from
// the call dialog. Left: the debtor's financial statement (income, expenses, assets,
// dependents, hardship; prefilled from the latest one, "Save statement" records a new
// version: POST …/statement) and what it says the debtor can afford. Right: the
// server's suggested options side by side; choosing one fills the plan form, which the
// collector adjusts while a preview of the schedule follows (computed here for display
// only); submitting creates the plan (POST …/plans) or offers the settlement
// (POST …/settlements) and shows the schedule the server made, which is the one that
// counts.
import { ApiError, accountPath, get, post, url } from '../api';
import { h, replace, type Child } from '../dom';
import { dateTime, money, parseAmount, today } from '../format';
import { FREQUENCIES, addDays, needsApproval, needsText, previewSchedule, type Freq } from '../schedule';
import { can } from '../session';
import type { Account, Plan, PlanOption, StatementBody } from '../types';
import { badge, clearFormError, errorText, field, flash, formErrorBox, section, select, showFormError } from '../ui';
import type { View } from '../view';
import { refreshApprovalsCount } from './approvals';
import { planCard, planStatusBadge, planTitle, scheduleTable, splitPlans } from './arrangements';

// ---- statement vocabulary (src/service/statements.c) -------------------------------

const INCOME: Array<[string, string]> = [
  ['wages', 'Wages'],
  ['self_employment', 'Self-employment'],
  ['benefits', 'Benefits'],
  ['pension', 'Pension'],
  ['child_support', 'Child support'],
  ['alimony', 'Alimony'],
  ['other', 'Other income'],
];
const EXPENSES: Array<[string, string]> = [
  ['housing', 'Housing'],
  ['utilities', 'Utilities'],
  ['food', 'Food'],
  ['transport', 'Transport'],
  ['insurance', 'Insurance'],
  ['medical', 'Medical'],
  ['childcare', 'Childcare'],
  ['debt_payments', 'Other debts'],
  ['other', 'Other expenses'],
];
const ASSETS: Array<[string, string]> = [
  ['checking', 'Checking account'],
  ['savings', 'Savings account'],
  ['vehicle_equity', 'Vehicle equity'],
  ['property_equity', 'Property equity'],
  ['other', 'Other asset'],
];
const PERIODS: Array<[string, string]> = [
  ['monthly', 'Monthly'],
  ['semimonthly', 'Twice a month'],
  ['biweekly', 'Every 2 weeks'],
  ['weekly', 'Weekly'],
  ['annual', 'Yearly'],
];

type LineKey = 'income' | 'expenses' | 'assets';
const NAME_KEY: Record<LineKey, string> = { income: 'source', expenses: 'category', assets: 'kind' };

/** Integer cents as the decimal text the API takes and a person edits: 123456 -> "1234.56". */
function centsText(c: number): string {
  const abs = Math.abs(c);
  return `${c < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** The server names some amounts in cents ("… the balance owed (128500 cents)"): say dollars. */
function dollars(e: unknown): unknown {
  if (!(e instanceof ApiError) || !/\d+ cents/.test(e.message)) return e;
  const text = e.message.replace(/\((\d+) cents\)/g, (_, c: string) => `(${money(Number(c))})`).replace(/(\d+) cents/g, (_, c: string) => money(Number(c)));
  return new ApiError(e.status, e.code, text, e.field, e.retryAfter);
}

function localError(message: string, fieldName: string): Error & { field: string } {
  return Object.assign(new Error(message), { field: fieldName });
}

/**
 * The server's "today" decides whether a due date is in the past. The browser's clock
 * may be behind it (test servers run on a fixed clock), so the latest day the server
 * stamped on something of this account stands in for it when that is later.
 */
function serverDay(acct: Account, st: StatementBody, plans: Plan[]): string {
  let d = today();
  const stamps = [...(acct.contacts ?? []).map((c) => c.created_at), ...(acct.notes ?? []).map((n) => n.created_at), st.statement?.created_at, ...plans.map((p) => p.created_at)];
  for (const s of stamps) {
    if (!s) continue;
    const t = new Date(s);
    if (Number.isNaN(t.getTime())) continue;
    const day = t.toISOString().slice(0, 10);
    if (day > d) d = day;
  }
  return d;
}

// ---- statement form -----------------------------------------------------------------

interface Line {
  el: HTMLElement;
  name: HTMLSelectElement;
  amount: HTMLInputElement;
  period: HTMLSelectElement | null;
}

function lineEditor(key: LineKey, legend: string, names: Array<[string, string]>, initial: Array<{ name: string; amount_cents: number; period?: string }>, onChange: () => void) {
  const withPeriod = key !== 'assets';
  const lines: Line[] = [];
  const list = h('div', { class: `fin-lines${withPeriod ? '' : ' no-period'}` });
  const renumber = () => {
    lines.forEach((l, i) => {
      l.name.name = `${key}[${i}].${NAME_KEY[key]}`;
      l.amount.name = `${key}[${i}].amount`;
      if (l.period) l.period.name = `${key}[${i}].period`;
    });
    list.dataset.count = String(lines.length);
  };
  const add = (name: string, amount: string, period: string, focus = false) => {
    const sel = select('', names, name, { 'aria-label': `${legend}: kind` });
    const amt = h('input', { inputmode: 'decimal', autocomplete: 'off', placeholder: '0.00', value: amount, 'aria-label': `${legend}: amount ($)`, class: 'num' });
    const per = withPeriod ? select('', PERIODS, period, { 'aria-label': `${legend}: how often` }) : null;
    const line: Line = {
      el: h('div', { class: 'fin-line' }),
      name: sel,
      amount: amt,
      period: per,
    };
    const remove = h('button', {
      type: 'button',
      class: 'icon-btn remove-line',
      title: 'Remove this line',
      'aria-label': `Remove this ${legend.toLowerCase()} line`,
      onclick: () => {
        line.el.remove();
        lines.splice(lines.indexOf(line), 1);
        renumber();
        onChange();
      },
    }, '×');
    line.el.append(sel, amt, ...(per ? [per] : []), remove);
    lines.push(line);
    list.appendChild(line.el);
    renumber();
    if (focus) amt.focus();
  };
  for (const l of initial) add(l.name, centsText(l.amount_cents), l.period ?? 'monthly');
  const addBtn = h('button', { type: 'button', class: 'link-btn add-line', id: `add-${key}`, onclick: () => (add(names[0][0], '', 'monthly', true), onChange()) }, `+ Add ${key === 'income' ? 'income' : key === 'expenses' ? 'an expense' : 'an asset'}`);
  const el = h(
    'fieldset',
    { class: 'fin-group', 'data-field': key },
    h('legend', null, legend),
    h('div', { class: `fin-head${withPeriod ? '' : ' no-period'}`, 'aria-hidden': 'true' }, h('span', null, withPeriod ? (key === 'income' ? 'Source' : 'Category') : 'Kind'), h('span', { class: 'num' }, 'Amount ($)'), withPeriod ? h('span', null, 'How often') : null),
    list,
    addBtn,
  );
  /** Lines with an amount, for the request; blank lines are dropped from the form first. */
  const collect = (): Array<Record<string, string>> => {
    for (const l of [...lines]) {
      if (l.amount.value.trim() === '') {
        l.el.remove();
        lines.splice(lines.indexOf(l), 1);
      }
    }
    renumber();
    return lines.map((l, i) => {
      const amt = parseAmount(l.amount.value);
      if (!amt) throw localError(`${legend} line ${i + 1}: enter the amount in dollars and cents, like 1250.00.`, l.amount.name);
      const out: Record<string, string> = { [NAME_KEY[key]]: l.name.value, amount: amt.text };
      if (l.period) out.period = l.period.value;
      return out;
    });
  };
  return { el, collect };
}

function statementForm(acct: Account, st: StatementBody, onSaved: (b: StatementBody) => void) {
  const s = st.statement;
  const changed = h('p', { class: 'warn-text unsaved', hidden: true }, 'Not saved yet: the figures and options still come from the saved statement.');
  const markDirty = () => {
    changed.hidden = false;
  };
  const income = lineEditor('income', 'Income', INCOME, s ? s.income.map((l) => ({ name: l.source, amount_cents: l.amount_cents, period: l.period })) : [{ name: 'wages', amount_cents: 0, period: 'monthly' }], markDirty);
  const expenses = lineEditor(
    'expenses',
    'Expenses',
    EXPENSES,
    s
      ? s.expenses.map((l) => ({ name: l.category, amount_cents: l.amount_cents, period: l.period }))
      : [
          { name: 'housing', amount_cents: 0, period: 'monthly' },
          { name: 'utilities', amount_cents: 0, period: 'monthly' },
          { name: 'food', amount_cents: 0, period: 'monthly' },
        ],
    markDirty,
  );
  const assets = lineEditor('assets', 'Assets', ASSETS, s ? s.assets.map((l) => ({ name: l.kind, amount_cents: l.amount_cents })) : [], markDirty);
  if (!s) {
    // A new statement starts with empty amounts, not 0.00.
    for (const el of [income.el, expenses.el]) for (const i of Array.from(el.querySelectorAll<HTMLInputElement>('input'))) i.value = '';
  }
  const dependents = h('input', { type: 'number', name: 'dependents', min: 0, max: 30, step: 1, value: String(s?.dependents ?? 0), class: 'num' });
  const hardship = h('textarea', { name: 'hardship', rows: 2, maxlength: 500, placeholder: 'Lost job in October, expects work in March…' });
  hardship.value = s?.hardship ?? '';
  const save = h('button', { type: 'submit', class: 'btn primary', id: 'save-statement' }, 'Save statement');
  const form = h(
    'form',
    { id: 'statement-form', class: 'form statement-form', novalidate: true },
    income.el,
    expenses.el,
    assets.el,
    h('div', { class: 'row' }, field('Dependents', dependents), h('div', { class: 'field grow' }, h('label', { for: 'hardship' }, 'Hardship'), hardship)),
    formErrorBox(),
    h('div', { class: 'form-actions' }, save, changed),
  );
  hardship.id = 'hardship';
  form.addEventListener('input', markDirty);
  form.addEventListener('change', markDirty);
  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    save.disabled = true;
    clearFormError(form);
    try {
      const dep = dependents.value.trim() === '' ? 0 : Number(dependents.value);
      if (!Number.isInteger(dep) || dep < 0 || dep > 30) throw localError('Dependents: a whole number from 0 to 30.', 'dependents');
      const body = {
        dependents: dep,
        hardship: hardship.value.trim(),
        income: income.collect(),
        expenses: expenses.collect(),
        assets: assets.collect(),
      };
      const res = await post<StatementBody>(url(`${accountPath(acct.id)}/statement`), body);
      changed.hidden = true;
      onSaved(res);
      flash('Statement saved. Affordability and options are up to date.');
    } catch (e) {
      showFormError(form, e);
    } finally {
      busy = false;
      save.disabled = false;
    }
  });
  return form;
}

function affordability(st: StatementBody, currency: string): Child[] {
  const a = st.affordability;
  const s = st.statement;
  if (!a || !s) return [h('p', { class: 'empty', id: 'no-statement' }, 'No statement yet: enter the debtor’s income and expenses and save them to see what they can afford.')];
  const row = (name: string, cents: number, id: string, cls = '') => h('tr', { class: cls || null }, h('th', { scope: 'row' }, name), h('td', { class: `num${cents < 0 ? ' negative' : ''}`, id }, money(cents, currency)));
  return [
    h(
      'table',
      { class: 'kv money' },
      h(
        'tbody',
        null,
        row('Income', a.income_monthly_cents, 'aff-income'),
        row('− Expenses', a.expenses_monthly_cents, 'aff-expenses'),
        row('= Disposable', a.disposable_monthly_cents, 'aff-disposable', 'total'),
        row('Liquid assets (checking, savings)', a.liquid_assets_cents, 'aff-liquid'),
      ),
    ),
    h(
      'p',
      { class: 'hint aff-source' },
      `Statement of ${dateTime(s.created_at)} by ${s.created_by}`,
      st.history.length ? ` · ${st.history.length} earlier version${st.history.length === 1 ? '' : 's'}` : '',
      s.dependents ? ` · ${s.dependents} dependent${s.dependents === 1 ? '' : 's'}` : '',
    ),
  ];
}

// ---- options ----------------------------------------------------------------------

function optionTitle(o: PlanOption, i: number, all: PlanOption[]): string {
  switch (o.kind) {
    case 'pay_in_full':
      return 'Pay in full';
    case 'plan':
      // The first plan is the client's minimum installment; a second fits the budget.
      return all.slice(0, i).some((x) => x.kind === 'plan') ? 'Fits the budget' : 'Smallest installment';
    case 'settlement_lump_sum':
      return 'Settlement, one payment';
    case 'settlement_short_term':
      return `Settlement in ${o.count} payments`;
  }
  return o.kind.replace(/_/g, ' ');
}

function isSettlementOffer(o: PlanOption): boolean {
  return o.kind.startsWith('settlement') && o.count === 1;
}

function optionCard(o: PlanOption, i: number, all: PlanOption[], currency: string, onChoose: (o: PlanOption, btn: HTMLButtonElement) => void): HTMLButtonElement {
  const last = o.total_cents - o.installment_cents * (o.count - 1);
  const btn: HTMLButtonElement = h(
    'button',
    { type: 'button', class: 'option-card', 'data-kind': o.kind, 'data-index': i, 'data-count': o.count, 'aria-pressed': 'false', title: 'Use this option in the plan form' },
    h('span', { class: 'opt-kind' }, optionTitle(o, i, all)),
    h('span', { class: 'opt-total' }, money(o.total_cents, currency)),
    h(
      'span',
      { class: 'opt-sched' },
      o.count === 1 ? 'one payment' : [h('strong', null, `${o.count} × ${money(o.installment_cents, currency)}`), ` ${o.frequency}`],
      o.count > 1 && last !== o.installment_cents ? h('span', { class: 'muted' }, ` (last ${money(last, currency)})`) : null,
    ),
    h(
      'span',
      { class: 'opt-badges' },
      badge(o.affordable ? 'affordable' : 'not affordable', o.affordable ? 'ok' : 'bad'),
      badge(o.within_limits ? 'within limits' : 'needs approval', o.within_limits ? 'ok' : 'warn'),
    ),
    h('span', { class: 'opt-use' }, isSettlementOffer(o) ? 'Offer this settlement →' : 'Use this plan →'),
  );
  btn.addEventListener('click', () => onChoose(o, btn));
  return btn;
}

// ---- plan form ------------------------------------------------------------------------

interface PlanCtx {
  acct: Account;
  currency: string;
  balance: () => number;
  st: () => StatementBody;
  serverToday: string;
  onCreated: (p: Plan) => void;
}

function planForm(ctx: PlanCtx) {
  const defaultFirst = addDays(ctx.serverToday, 7);
  // Mode: a payment plan, or a one-payment settlement offer.
  const modePlan = h('input', { type: 'radio', name: 'mode', value: 'plan', checked: true });
  const modeSettle = h('input', { type: 'radio', name: 'mode', value: 'settlement' });
  const modes = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'What to set up' }, h('label', null, modePlan, 'Payment plan'), h('label', null, modeSettle, 'Settlement offer'));

  const total = h('input', { name: 'total', inputmode: 'decimal', autocomplete: 'off', placeholder: '0.00', class: 'num' });
  const frequency = select('frequency', FREQUENCIES, 'monthly');
  const count = h('input', { type: 'number', name: 'count', min: 1, max: 520, step: 1, value: '6', class: 'num' });
  const first = h('input', { type: 'date', name: 'first', value: defaultFirst, min: ctx.serverToday });
  const down = h('input', { name: 'down', inputmode: 'decimal', autocomplete: 'off', placeholder: 'none', class: 'num' });
  const authorization = select('authorization', [['', 'None'], ['ach', 'ACH (bank account)'], ['card', 'Card']], '');
  const planFields = h(
    'div',
    { class: 'mode-fields', 'data-mode': 'plan' },
    h('div', { class: 'row' }, field('Total ($)', total), field('Frequency', frequency)),
    h('div', { class: 'row' }, field('Installments', count), field('First due', first)),
    h('div', { class: 'row' }, field('Down payment ($)', down, 'Optional; due today'), field('Recurring payments', authorization, 'Authorization taken now')),
  );

  const amount = h('input', { name: 'amount', inputmode: 'decimal', autocomplete: 'off', placeholder: '0.00', class: 'num' });
  const due = h('input', { type: 'date', name: 'due', value: defaultFirst, min: ctx.serverToday });
  const expires = h('input', { type: 'date', name: 'expires', min: ctx.serverToday });
  const settleFields = h(
    'div',
    { class: 'mode-fields', 'data-mode': 'settlement', hidden: true },
    h('div', { class: 'row' }, field('Settlement amount ($)', amount), field('Due', due)),
    h('div', { class: 'row' }, field('Offer expires', expires, 'Empty: on the due date')),
  );

  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'create-plan' }, 'Create plan');
  const preview = h('div', { class: 'plan-preview', id: 'plan-preview', 'aria-live': 'polite' });
  const form = h(
    'form',
    { id: 'plan-form', class: 'form plan-form', novalidate: true },
    modes,
    planFields,
    settleFields,
    formErrorBox(),
    h('div', { class: 'form-actions' }, submit),
  );
  const mode = () => (modeSettle.checked ? 'settlement' : 'plan');

  const paint = () => {
    const m = mode();
    planFields.hidden = m !== 'plan';
    settleFields.hidden = m !== 'settlement';
    submit.textContent = m === 'plan' ? 'Create plan' : 'Offer settlement';
    const cur = ctx.currency;
    const bal = ctx.balance();
    const lim = ctx.st().limits;
    const head = (title: string, note: Child, cls: string) => h('div', { class: `preview-head ${cls}` }, h('h3', null, title), note);
    if (m === 'settlement') {
      const a = parseAmount(amount.value);
      if (!a || a.cents <= 0 || !due.value) {
        replace(preview, head('Preview', h('span', { class: 'muted' }, 'Enter the amount and the due date.'), ''));
        return;
      }
      const below = a.cents < lim.settlement_floor_cents;
      const tooMuch = a.cents >= bal;
      replace(
        preview,
        head(
          'Preview',
          tooMuch
            ? h('span', { class: 'warn-text' }, `Not a settlement: it must be less than the balance of ${money(bal, cur)}.`)
            : below
              ? h('span', { class: 'preview-needs' }, badge('needs approval', 'warn'), ` ${needsText('below_settlement_floor')} (${money(lim.settlement_floor_cents, cur)})`)
              : h('span', { class: 'preview-needs' }, badge('within limits', 'ok'), ' an offer the debtor can accept'),
          '',
        ),
        h('p', { class: 'preview-sum' }, `${money(a.cents, cur)} in one payment · ${money(bal - a.cents, cur)} forgiven when paid`),
        scheduleTable([{ due_on: due.value, amount_cents: a.cents, down_payment: false }], cur, { preview: true }),
        h('p', { class: 'hint' }, 'Preview only: the server makes the schedule.'),
      );
      return;
    }
    const t = parseAmount(total.value);
    const d = down.value.trim() ? parseAmount(down.value) : { text: '0.00', cents: 0 };
    const n = Number(count.value);
    const r =
      !t || !d
        ? { error: !t ? 'Enter the plan total.' : 'Enter the down payment in dollars and cents.', field: !t ? 'total' : 'down' }
        : previewSchedule({ totalCents: t.cents, downCents: d.cents, downOn: ctx.serverToday, frequency: frequency.value as Freq, first: first.value, count: n });
    if ('error' in r) {
      replace(preview, head('Preview', h('span', { class: 'muted' }, r.error), ''));
      return;
    }
    const needs = t!.cents > bal ? [] : needsApproval(r.items, bal, lim);
    replace(
      preview,
      head(
        'Preview',
        t!.cents > bal
          ? h('span', { class: 'warn-text' }, `More than the balance of ${money(bal, cur)}.`)
          : needs.length
            ? h('span', { class: 'preview-needs' }, badge('needs approval', 'warn'), ` ${needs.map(needsText).join('; ')}`)
            : h('span', { class: 'preview-needs' }, badge('within limits', 'ok'), ' active at once'),
        '',
      ),
      h('p', { class: 'preview-sum' }, `${r.items.length} payment${r.items.length === 1 ? '' : 's'} · total ${money(t!.cents, cur)}${t!.cents < bal ? ` · ${money(bal - t!.cents, cur)} below the balance` : ''}`),
      scheduleTable(r.items, cur, { preview: true, shown: 8 }),
      h('p', { class: 'hint' }, 'Preview only: the server makes the schedule when the plan is created.'),
    );
  };
  form.addEventListener('input', paint);
  form.addEventListener('change', paint);

  /** Fills the form from a suggested option. */
  const choose = (o: PlanOption) => {
    clearFormError(form);
    if (isSettlementOffer(o)) {
      modeSettle.checked = true;
      amount.value = centsText(o.total_cents);
    } else {
      modePlan.checked = true;
      total.value = centsText(o.total_cents);
      count.value = String(o.count);
      frequency.value = FREQUENCIES.some(([f]) => f === o.frequency) ? o.frequency : 'monthly';
      down.value = '';
    }
    paint();
  };

  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    submit.disabled = true;
    clearFormError(form);
    try {
      let plan: Plan;
      if (mode() === 'settlement') {
        const a = parseAmount(amount.value);
        if (!a || a.cents <= 0) throw localError('Enter the settlement amount in dollars and cents, like 700.00.', 'amount');
        if (!due.value) throw localError('Choose the due date.', 'due');
        const body: Record<string, string> = { amount: a.text, due: due.value };
        if (expires.value) body.expires = expires.value;
        plan = await post<Plan>(url(`${accountPath(ctx.acct.id)}/settlements`), body);
      } else {
        const t = parseAmount(total.value);
        if (!t || t.cents <= 0) throw localError('Enter the plan total in dollars and cents, like 1200.00.', 'total');
        const n = Number(count.value);
        if (!Number.isInteger(n) || n < 1 || n > 520) throw localError('Installments: a whole number from 1 to 520.', 'count');
        if (!first.value) throw localError('Choose the first due date.', 'first');
        const body: Record<string, unknown> = { total: t.text, frequency: frequency.value, count: n, first: first.value };
        if (down.value.trim()) {
          const d = parseAmount(down.value);
          if (!d) throw localError('Enter the down payment in dollars and cents, like 100.00.', 'down');
          if (d.cents > 0) body.down = d.text;
        }
        if (authorization.value) body.authorization = authorization.value;
        plan = await post<Plan>(url(`${accountPath(ctx.acct.id)}/plans`), body);
      }
      ctx.onCreated(plan);
    } catch (e) {
      showFormError(form, dollars(e));
    } finally {
      busy = false;
      submit.disabled = false;
    }
  });
  paint();
  return { form, preview, choose };
}

// ---- the page ----------------------------------------------------------------------------

export async function renderPlanBuilder(view: View, ref: string): Promise<void> {
  document.title = 'Plan builder · arrears';
  replace(view.main, h('p', { class: 'loading page' }, 'Loading the plan builder…'));
  let acct: Account;
  let st: StatementBody;
  let plans: Plan[];
  try {
    [acct, st, plans] = await Promise.all([
      get<Account>(url(accountPath(ref))),
      get<StatementBody>(url(`${accountPath(ref)}/statement`)),
      get<{ items: Plan[] }>(url(`${accountPath(ref)}/plans`)).then((p) => p.items),
    ]);
  } catch (e) {
    if (!view.current()) return;
    replace(
      view.main,
      h(
        'div',
        { class: 'page denied', role: 'alert' },
        h('h1', null, e instanceof ApiError && e.status === 403 ? 'You may not set up arrangements on this account' : e instanceof ApiError && e.status === 404 ? 'No such account' : 'The plan builder could not be loaded'),
        h('p', null, errorText(e)),
        h('p', null, h('a', { href: `#/account/${encodeURIComponent(ref)}` }, 'Back to the account')),
      ),
    );
    return;
  }
  if (!view.current()) return;
  document.title = `Plan builder · ${acct.debtor?.name ?? ''} · arrears`;
  const cur = acct.currency;
  const back = `#/account/${acct.id}`;
  const balanceEl = h('strong', { class: 'num', id: 'builder-balance' }, money(st.balance_cents, cur));
  const affBox = h('div', { id: 'affordability' });
  const optBox = h('div', { class: 'option-cards', id: 'plan-options' });
  const limitsEl = h('div', { class: 'limits-strip', id: 'plan-limits' });
  const serverToday = serverDay(acct, st, plans);

  const planPanelBody = h('div', { class: 'plan-panel' });
  let pf = planForm({ acct, currency: cur, balance: () => st.balance_cents, st: () => st, serverToday, onCreated: (p) => showResult(p) });

  const paintLimits = () => {
    const l = st.limits;
    const { current } = splitPlans(plans);
    replace(
      limitsEl,
      h('span', { class: 'lim-title' }, `${acct.client} limits`),
      h('span', null, 'installments from ', h('strong', null, money(l.min_installment_cents, cur))),
      h('span', null, 'up to ', h('strong', null, `${l.max_months} months`)),
      h('span', null, 'settlements from ', h('strong', null, `${l.settlement_floor_bp / 100}%`), ` (${money(l.settlement_floor_cents, cur)})`),
      h('span', null, h('strong', null, String(l.grace_days)), ' grace days'),
      h('span', { class: 'muted' }, 'Outside them a supervisor approves.'),
      current.length
        ? h('span', { class: 'lim-current' }, current.map((p) => [h('a', { href: back }, planTitle(p)), ' ', planStatusBadge(p.status), ' ']), current.some((p) => p.status === 'active' || p.status === 'offered') ? 'is replaced once the new one is in effect' : '')
        : null,
    );
  };
  const paintOptions = () => {
    const opts = st.options;
    replace(
      optBox,
      opts.length
        ? opts.map((o, i) =>
            optionCard(o, i, opts, cur, (chosen, btn) => {
              for (const b of Array.from(optBox.querySelectorAll('.option-card'))) b.setAttribute('aria-pressed', String(b === btn));
              pf.choose(chosen);
              if (!planPanelBody.contains(pf.form)) showForm();
              pf.form.querySelector<HTMLElement>('input[name=first], input[name=due]')?.focus({ preventScroll: true });
            }),
          )
        : h('p', { class: 'empty' }, 'No options: nothing is owed.'),
    );
  };
  const paintStatement = () => {
    replace(affBox, affordability(st, cur));
    replace(balanceEl, money(st.balance_cents, cur));
    paintLimits();
    paintOptions();
  };
  const showForm = () => {
    replace(planPanelBody, h('div', { class: 'plan-grid' }, pf.form, pf.preview));
  };
  const showResult = (p: Plan) => {
    plans = [p, ...plans];
    const pending = p.status === 'pending_approval';
    if (pending) void refreshApprovalsCount();
    flash(pending ? `${planTitle(p)} is waiting for a supervisor.` : `${planTitle(p)} is ${p.status}.`);
    replace(
      planPanelBody,
      h(
        'div',
        { class: 'plan-result', id: 'plan-result', 'data-plan-id': p.id, 'data-status': p.status },
        h('p', { class: `result-lead ${pending ? 'warn' : 'ok'}` }, pending ? 'Created — waiting for a supervisor. It takes effect once approved.' : p.kind === 'settlement' ? 'Settlement offered. Accept it on the account once the debtor agrees.' : 'Plan created and active. The schedule below is the one the server made.'),
        planCard(p),
        h(
          'div',
          { class: 'form-actions' },
          h('a', { class: 'btn primary', href: back, id: 'back-to-account' }, 'Back to the account'),
          h(
            'button',
            {
              type: 'button',
              class: 'btn',
              onclick: () => {
                pf = planForm({ acct, currency: cur, balance: () => st.balance_cents, st: () => st, serverToday, onCreated: (x) => showResult(x) });
                for (const b of Array.from(optBox.querySelectorAll('.option-card'))) b.setAttribute('aria-pressed', 'false');
                showForm();
                paintLimits();
              },
            },
            'Set up another',
          ),
        ),
      ),
    );
    paintLimits();
  };

  const stForm = statementForm(acct, st, (b) => {
    st = b;
    paintStatement();
  });
  replace(
    view.main,
    h(
      'div',
      { class: 'page plan-builder', 'data-account-id': acct.id },
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, 'Plan builder'),
        h('span', { class: 'muted builder-who' }, h('a', { href: back, id: 'builder-debtor' }, acct.debtor?.name ?? `Account #${acct.id}`), ` · ${acct.client} · ${acct.client_account}`),
        h('div', { class: 'spacer' }),
        h('span', { class: 'builder-balance' }, 'Balance ', balanceEl),
        h('a', { class: 'btn', href: back }, 'Back to the account'),
      ),
      limitsEl,
      acct.status !== 'open' ? h('p', { class: 'notice warn-text' }, `This account is ${acct.status}: the server takes no new arrangements on it.`) : null,
      h(
        'div',
        { class: 'builder-grid' },
        h('div', { class: 'builder-left' }, section('Affordability', h('span', { class: 'muted' }, 'monthly'), affBox), section('Financial statement', null, stForm)),
        h(
          'div',
          { class: 'builder-right' },
          section('Options', h('span', { class: 'muted' }, 'Choose one to fill the plan'), optBox),
          section('New arrangement', null, planPanelBody),
        ),
      ),
    ),
  );
  paintStatement();
  showForm();
  if (!can.arrange()) flash('Your role cannot set up arrangements.', 'error');
}
