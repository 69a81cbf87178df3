// The Debt facts panel of the account screen: the itemization (12 CFR 1006.34(c):
// the amount on the itemization date, then interest, fees, payments and credits since,
// to the current amount) and the statute of limitations (docs/SOL.md; a time-barred
// debt may not be sued on, nor suit threatened, 12 CFR 1006.26(b)). Supervisors,
// compliance and admins choose the itemization date basis (PUT …/itemization).
import { accountPath, put, url } from '../api';
import { h, type Child } from '../dom';
import { dash, money, today } from '../format';
import { can } from '../session';
import type { Account, Itemization, StatuteOfLimitations, StatuteYears } from '../types';
import { clearFormError, field, formErrorBox, section, select, showFormError } from '../ui';

type Reload = (flashMsg?: string) => Promise<void>;

/** The itemization date bases of 12 CFR 1006.34(b)(3), in the API's order. */
export const ITEMIZATION_BASES: Array<[string, string]> = [
  ['last_statement', 'Last statement'],
  ['charge_off', 'Charge-off'],
  ['last_payment', 'Last payment'],
  ['transaction', 'Transaction'],
  ['judgment', 'Judgment'],
];

/** The debt categories of the limitation table (docs/SOL.md), in its column order. */
export const SOL_CATEGORIES: Array<[keyof StatuteYears, string]> = [
  ['written_contract', 'Written contract'],
  ['oral_contract', 'Oral contract'],
  ['promissory_note', 'Promissory note'],
  ['open_account', 'Open account'],
  ['sale_of_goods', 'Sale of goods'],
];

const CATEGORY_NAMES: Record<keyof StatuteYears, string> = {
  written_contract: 'written contract',
  oral_contract: 'oral contract',
  promissory_note: 'promissory note',
  open_account: 'open account',
  sale_of_goods: 'sale of goods',
};

export function basisLabel(basis: string | null | undefined): string {
  if (!basis) return 'no basis';
  return ITEMIZATION_BASES.find(([b]) => b === basis)?.[1] ?? basis.replace(/_/g, ' ');
}

function categoryLabel(category: string): string {
  return (CATEGORY_NAMES as Record<string, string>)[category] ?? category.replace(/_/g, ' ');
}

function groupTitle(title: string, extra?: Child): HTMLElement {
  return h('div', { class: 'facts-title' }, h('h3', null, title), extra ? h('span', { class: 'muted' }, extra) : null);
}

function itemizationGroup(it: Itemization, currency: string): HTMLElement {
  const on = it.date;
  const row = (name: string, cents: number, id: string, cls = '') =>
    h('tr', { class: cls || null }, h('th', { scope: 'row' }, name), h('td', { class: 'num', id }, money(cents, currency)));
  return h(
    'div',
    { class: 'facts-group', id: 'itemization' },
    groupTitle('Itemization', [
      h('span', { class: 'date', id: 'item-date' }, on ?? 'date not chosen'),
      ' · ',
      h('span', { id: 'item-basis', 'data-basis': it.basis ?? '' }, basisLabel(it.basis)),
    ]),
    h(
      'table',
      { class: 'kv money' },
      h(
        'tbody',
        null,
        row(on ? `Amount on ${on}` : 'Amount placed', it.amount_cents, 'item-amount'),
        row('+ Interest', it.interest_cents, 'item-interest', it.interest_cents ? '' : 'zero'),
        row('+ Fees', it.fees_cents, 'item-fees', it.fees_cents ? '' : 'zero'),
        row('− Payments', it.payments_cents, 'item-payments', it.payments_cents ? '' : 'zero'),
        row('− Credits', it.credits_cents, 'item-credits', it.credits_cents ? '' : 'zero'),
        row('= Current', it.current_cents, 'item-current', 'total'),
      ),
    ),
  );
}

function solAlerts(s: StatuteOfLimitations): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (s.time_barred) {
    out.push(
      h(
        'div',
        { class: 'sol-alert bad', id: 'sol-barred', role: 'note' },
        `Time-barred since ${dash(s.expires_on)} — no suit, no threat of suit (12 CFR 1006.26(b))`,
      ),
    );
  }
  if (s.no_limit) out.push(h('div', { class: 'sol-alert info', id: 'sol-no-limit' }, 'No limitation period (federal student loan)'));
  if (!s.state_known && !s.no_limit) out.push(h('div', { class: 'sol-alert warn', id: 'sol-state-unknown' }, 'State unknown: shortest period used'));
  if (!s.known && !s.no_limit) out.push(h('div', { class: 'sol-alert warn', id: 'sol-unknown' }, 'No payment, delinquency or charge-off date: the period cannot be computed'));
  return out;
}

function solGroup(s: StatuteOfLimitations, bundle: string | null | undefined): HTMLElement {
  const kv = (k: string, v: Child, id?: string) => h('tr', null, h('th', { scope: 'row' }, k), h('td', { id }, v));
  const where = `${s.state ?? 'unknown'} · ${categoryLabel(s.category)}`;
  return h(
    'div',
    { class: 'facts-group', id: 'sol', 'data-time-barred': String(s.time_barred) },
    groupTitle('Statute of limitations'),
    solAlerts(s),
    h(
      'table',
      { class: 'kv' },
      h(
        'tbody',
        null,
        kv('State', where, 'sol-where'),
        kv('Period', s.no_limit ? 'none' : s.years === null ? '—' : `${s.years} year${s.years === 1 ? '' : 's'}`, 'sol-years'),
        s.no_limit ? null : kv('Runs from', h('span', { class: 'date' }, dash(s.starts_on)), 'sol-starts'),
        s.no_limit ? null : kv('Expires', h('span', { class: `date${s.time_barred ? ' barred' : ''}` }, dash(s.expires_on)), 'sol-expires'),
        bundle ? kv('Federal loans', h('span', { class: 'mono' }, bundle), 'sol-bundle') : null,
        kv('Citation', h('span', { class: 'citation' }, dash(s.citation)), 'sol-citation'),
      ),
    ),
  );
}

function basisForm(acct: Account, reload: Reload): HTMLElement {
  const current = acct.itemization?.basis ?? acct.itemization_basis ?? '';
  const basis = select('basis', current ? ITEMIZATION_BASES : [['', 'Choose…'], ...ITEMIZATION_BASES], current);
  const date = h('input', { type: 'date', name: 'date', max: today() });
  const submit = h('button', { type: 'submit', class: 'btn small primary' }, 'Set basis');
  const form = h(
    'form',
    { id: 'itemization-form', class: 'form facts-form' },
    formErrorBox(),
    h('div', { class: 'row' }, field('Basis', basis), field('Date', date)),
    h('small', { class: 'hint' }, 'Empty date: the charge-off or last payment date on file. Chosen once per debt: locked once a validation notice is sent.'),
    h('div', { class: 'form-actions' }, submit),
  );
  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    submit.disabled = true;
    clearFormError(form);
    try {
      const body: Record<string, string> = { basis: basis.value };
      if (date.value) body.date = date.value;
      const res = await put<{ itemization_date: string | null; itemization_basis: string | null }>(url(`${accountPath(acct.id)}/itemization`), body);
      await reload(`Itemization basis set: ${basisLabel(res.itemization_basis)}, ${dash(res.itemization_date)}.`);
    } catch (e) {
      showFormError(form, e);
    } finally {
      busy = false;
      submit.disabled = false;
    }
  });
  return h('details', { class: 'facts-edit', id: 'itemization-edit' }, h('summary', null, 'Change itemization basis'), form);
}

export function debtFactsPanel(acct: Account, reload: Reload): HTMLElement {
  const it = acct.itemization ?? null;
  const sol = acct.statute_of_limitations ?? null;
  return section(
    'Debt facts',
    null,
    it ? itemizationGroup(it, acct.currency) : h('p', { class: 'empty' }, 'No itemization.'),
    sol ? solGroup(sol, acct.federal_loan_bundle) : h('p', { class: 'empty' }, 'No limitation period computed.'),
    can.setItemization() ? basisForm(acct, reload) : null,
  );
}
