// The forms that change an account: log a call, post a payment, add a note, add or
// edit addresses, phones and emails. Each reloads the account when it succeeds.
import { accountPath, patch, post, url } from '../api';
import { h } from '../dom';
import { money, parseAmount, phone as fmtPhone, today } from '../format';
import type { Account, PaymentResult } from '../types';
import { callCheckBox, localToIso, nowLocalInput } from './compliance';
import { planBuilderHref } from './arrangements';
import { go } from '../view';
import { can } from '../session';
import { clearFormError, closeDialog, field, flash, formErrorBox, openDialog, select, showFormError, errorText } from '../ui';

export const OUTCOMES = ['conversation', 'left_message', 'voicemail_no_message', 'no_answer', 'busy', 'not_in_service', 'wrong_number', 'dropped'];
export const REASONS = ['unemployment', 'illness', 'divorce', 'overextended', 'dispute', 'forgot', 'refuses', 'deceased', 'other'];
const METHODS: Array<[string, string]> = [
  ['card', 'Card'],
  ['ach', 'ACH'],
  ['check', 'Check'],
  ['cash', 'Cash'],
];
export const POINT_STATUSES: Record<'address' | 'phone' | 'email', string[]> = {
  address: ['valid', 'unverified', 'bad', 'former'],
  phone: ['valid', 'unverified', 'bad', 'wrong_number', 'former'],
  email: ['valid', 'unverified', 'bad', 'former'],
};
const pretty = (s: string) => s.replace(/_/g, ' ');

type Reload = (flashMsg?: string, highlight?: { paymentId?: number }) => Promise<void>;

/** Wraps a form's submit: one request at a time, errors shown in the form. */
function submitter(form: HTMLFormElement, run: () => Promise<void>): void {
  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    const buttons = Array.from(form.querySelectorAll<HTMLButtonElement>('button[type=submit]'));
    for (const b of buttons) b.disabled = true;
    clearFormError(form);
    try {
      await run();
    } catch (e) {
      showFormError(form, e);
    } finally {
      busy = false;
      for (const b of buttons) b.disabled = false;
    }
  });
}

function localError(message: string, fieldName: string): Error & { field: string } {
  return Object.assign(new Error(message), { field: fieldName });
}

function buttons(submitLabel: string): HTMLElement {
  return h(
    'div',
    { class: 'form-actions' },
    h('button', { type: 'submit', class: 'btn primary' }, submitLabel),
    h('button', { type: 'button', class: 'btn', onclick: () => closeDialog() }, 'Cancel'),
  );
}

// ---- log a call -----------------------------------------------------------------

export function openLogCall(acct: Account, reload: Reload): void {
  const phones = acct.phones ?? [];
  const usable = phones.filter((p) => p.status !== 'former');
  const to = select(
    'to',
    [
      ...usable.map((p): [string, string] => [p.number, `${fmtPhone(p.number)} · ${p.type ?? 'phone'} · ${pretty(p.status)}`]),
      ['', phones.length ? 'Other / not listed' : 'No phone on file'],
    ],
    usable.find((p) => p.status === 'valid')?.number ?? usable[0]?.number ?? '',
  );
  const outcome = select('outcome', [['', 'Choose the outcome…'], ...OUTCOMES.map((o): [string, string] => [o, pretty(o)])], '', { required: true });
  const reason = select('reason', [['', '—'], ...REASONS.map((r): [string, string] => [r, pretty(r)])], '');
  const promiseOn = h('input', { type: 'date', name: 'promise_on', 'data-field': 'promise.on', min: today() });
  const promiseAmount = h('input', { name: 'promise_amount', 'data-field': 'promise.amount', inputmode: 'decimal', placeholder: '0.00', autocomplete: 'off', size: 10 });
  const note = h('textarea', { name: 'note', rows: 3, maxlength: 4000 });
  const when = h('input', { type: 'datetime-local', name: 'at', max: nowLocalInput(), title: 'Leave empty for now' });
  const override = h('input', { name: 'override_reason', 'data-field': 'override_reason', maxlength: 500, autocomplete: 'off' });
  const check = callCheckBox(acct);
  const recheck = () => check.update(to.value, localToIso(when.value));
  to.addEventListener('change', recheck);
  when.addEventListener('change', recheck);
  const rpc = h('fieldset', { class: 'rpc', disabled: true }, h('legend', null, 'Right-party conversation'), h('div', { class: 'row' }, field('Reason for delinquency', reason), field('Promise date', promiseOn), field('Promise amount', promiseAmount)));
  // After a conversation the collector may go straight on to a payment plan.
  let thenPlan = false;
  const planBtn = can.arrange()
    ? h('button', { type: 'submit', class: 'btn', id: 'log-call-plan', hidden: true, title: 'Log the conversation, then open the plan builder for this account', onclick: () => (thenPlan = true) }, 'Log call, then set up a plan…')
    : null;
  outcome.addEventListener('change', () => {
    rpc.disabled = outcome.value !== 'conversation';
    if (planBtn) planBtn.hidden = outcome.value !== 'conversation';
  });
  const form = h(
    'form',
    { id: 'log-call-form', class: 'form' },
    formErrorBox(),
    h('div', { class: 'row' }, field('Phone', to), field('When', when, 'Empty: now'), field('Outcome', outcome)),
    check.el,
    rpc,
    field('Note', note),
    can.overrideCompliance() ? field('Override reason', override, 'Only to log a call the rules refuse; flagged for compliance review') : null,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn primary', onclick: () => (thenPlan = false) }, 'Log call'),
      planBtn,
      h('button', { type: 'button', class: 'btn', onclick: () => closeDialog() }, 'Cancel'),
    ),
  );
  submitter(form, async () => {
    if (!outcome.value) throw localError('Choose the outcome of the call.', 'outcome');
    const body: Record<string, unknown> = { channel: 'call', outcome: outcome.value };
    if (to.value) body.to = to.value;
    const at = localToIso(when.value);
    if (at) body.at = at;
    if (note.value.trim()) body.note = note.value.trim();
    if (override.value.trim()) body.override_reason = override.value.trim();
    if (outcome.value === 'conversation') {
      if (reason.value) body.reason = reason.value;
      const hasDate = promiseOn.value !== '';
      const hasAmount = promiseAmount.value.trim() !== '';
      if (hasDate !== hasAmount) {
        throw localError('A promise needs both a date and an amount.', hasDate ? 'promise_amount' : 'promise_on');
      }
      if (hasDate) {
        const amt = parseAmount(promiseAmount.value);
        if (!amt || amt.cents <= 0) throw localError('Enter the promised amount in dollars and cents, like 50.00.', 'promise_amount');
        body.promise = { amount: amt.text, on: promiseOn.value };
      }
    }
    await post(url(`${accountPath(acct.id)}/contacts`), body);
    closeDialog();
    const p = body.promise as { amount: string; on: string } | undefined;
    const msg = p ? `Call logged with a promise of $${p.amount} on ${p.on}.` : 'Call logged.';
    if (thenPlan && outcome.value === 'conversation') {
      flash(`${msg} Set up the plan with the debtor.`);
      go(planBuilderHref(acct.id));
      return;
    }
    await reload(msg);
  });
  openDialog('Log a call', form, { wide: true });
  recheck();
  outcome.focus();
}

// ---- post a payment -------------------------------------------------------------

function newKey(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return `web-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

export function openPayment(acct: Account, reload: Reload): void {
  const key = newKey(); // one key per opening: a double submit posts once
  const amount = h('input', { name: 'amount', inputmode: 'decimal', placeholder: '0.00', autocomplete: 'off', required: true, size: 12 });
  const method = select('method', METHODS, 'card');
  const date = h('input', { type: 'date', name: 'date', value: today(), max: today(), required: true });
  const reference = h('input', { name: 'reference', autocomplete: 'off', maxlength: 100 });
  const after = h('p', { class: 'form-lead', id: 'payment-after', 'aria-live': 'polite' });
  const total = acct.balance_cents.total;
  const showAfter = () => {
    const amt = parseAmount(amount.value);
    if (!amt || amt.cents <= 0) {
      after.textContent = '';
      after.classList.remove('warn-text');
      return;
    }
    const rest = total - amt.cents;
    after.classList.toggle('warn-text', rest < 0);
    after.textContent =
      rest < 0
        ? `More than the balance: ${money(-rest, acct.currency)} will be kept as a credit.`
        : `Balance after this payment: ${money(rest, acct.currency)}.`;
  };
  amount.addEventListener('input', showAfter);
  const form = h(
    'form',
    { id: 'payment-form', class: 'form' },
    h('p', { class: 'form-lead' }, 'Current balance ', h('strong', { class: 'num' }, money(total, acct.currency))),
    formErrorBox(),
    h('div', { class: 'row' }, field('Amount ($)', amount), field('Method', method)),
    after,
    h('div', { class: 'row' }, field('Date', date), field('Reference', reference, 'Check no., authorisation code…')),
    buttons('Post payment'),
  );
  submitter(form, async () => {
    const amt = parseAmount(amount.value);
    if (!amt || amt.cents <= 0) throw localError('Enter the amount in dollars and cents, like 25.00.', 'amount');
    const body: Record<string, unknown> = { amount: amt.text, method: method.value, key };
    // Today is left to the server's clock (its "today" may be a different calendar day
    // from the browser's near midnight); another date is sent as chosen.
    if (date.value && date.value !== today()) body.date = date.value;
    if (reference.value.trim()) body.reference = reference.value.trim();
    const res = await post<PaymentResult>(url(`${accountPath(acct.id)}/payments`), body);
    closeDialog();
    const msg = res.duplicate
      ? `This payment was already posted. Balance ${money(res.balance_cents?.total, res.currency)}.`
      : `Payment of ${money(amt.cents, acct.currency)} posted. New balance ${money(res.balance_cents?.total, res.currency)}.`;
    await reload(msg, { paymentId: res.payment_id });
  });
  openDialog('Post a payment', form);
}

// ---- notes ----------------------------------------------------------------------

export function openNote(acct: Account, reload: Reload): void {
  const body = h('textarea', { name: 'body', rows: 5, maxlength: 4000, required: true });
  const form = h('form', { id: 'note-form', class: 'form' }, formErrorBox(), field('Note', body), buttons('Add note'));
  submitter(form, async () => {
    const text = body.value.trim();
    if (!text) throw localError('Write the note first.', 'body');
    await post(url(`${accountPath(acct.id)}/notes`), { body: text });
    closeDialog();
    await reload('Note added.');
  });
  openDialog('Add a note', form);
}

// ---- contact points -------------------------------------------------------------

const CONSENTS: Array<[string, string]> = [
  ['', '—'],
  ['unknown', 'unknown'],
  ['granted', 'granted'],
  ['revoked', 'revoked'],
];

function sourceInput(): HTMLInputElement {
  return h('input', { name: 'source', placeholder: 'debtor, skip trace…', autocomplete: 'off', list: 'sources' });
}

function sourceList(): HTMLDataListElement {
  return h('datalist', { id: 'sources' }, ['debtor', 'skip_trace', 'client', 'returned_mail', 'directory'].map((s) => h('option', { value: s })));
}

export function openAddAddress(acct: Account, reload: Reload): void {
  const line1 = h('input', { name: 'line1', required: true, autocomplete: 'off' });
  const line2 = h('input', { name: 'line2', autocomplete: 'off' });
  const city = h('input', { name: 'city', required: true, autocomplete: 'off' });
  const state = h('input', { name: 'state', required: true, maxlength: 2, size: 3, autocomplete: 'off' });
  const zip = h('input', { name: 'zip', required: true, maxlength: 10, size: 10, autocomplete: 'off' });
  const source = sourceInput();
  const form = h(
    'form',
    { id: 'address-form', class: 'form' },
    formErrorBox(),
    field('Line 1', line1),
    field('Line 2', line2),
    h('div', { class: 'row' }, field('City', city), field('State', state), field('ZIP', zip)),
    field('Source', source),
    sourceList(),
    buttons('Add address'),
  );
  submitter(form, async () => {
    const body: Record<string, string> = { line1: line1.value.trim(), city: city.value.trim(), state: state.value.trim().toUpperCase(), zip: zip.value.trim() };
    if (line2.value.trim()) body.line2 = line2.value.trim();
    if (source.value.trim()) body.source = source.value.trim();
    await post(url(`${accountPath(acct.id)}/addresses`), body);
    closeDialog();
    await reload('Address added.');
  });
  openDialog('Add an address', form);
}

export function openAddPhone(acct: Account, reload: Reload): void {
  const number = h('input', { name: 'number', required: true, inputmode: 'tel', autocomplete: 'off' });
  const type = select('type', [['mobile', 'mobile'], ['home', 'home'], ['work', 'work'], ['other', 'other']], 'mobile');
  const consent = select('consent', CONSENTS, '');
  const source = sourceInput();
  const form = h(
    'form',
    { id: 'phone-form', class: 'form' },
    formErrorBox(),
    h('div', { class: 'row' }, field('Number', number), field('Type', type)),
    h('div', { class: 'row' }, field('Consent', consent), field('Source', source)),
    sourceList(),
    buttons('Add phone'),
  );
  submitter(form, async () => {
    const body: Record<string, string> = { number: number.value.trim(), type: type.value };
    if (consent.value) body.consent = consent.value;
    if (source.value.trim()) body.source = source.value.trim();
    await post(url(`${accountPath(acct.id)}/phones`), body);
    closeDialog();
    await reload('Phone added.');
  });
  openDialog('Add a phone', form);
}

export function openAddEmail(acct: Account, reload: Reload): void {
  const address = h('input', { name: 'address', type: 'email', required: true, autocomplete: 'off' });
  const consent = select('consent', CONSENTS, '');
  const source = sourceInput();
  const form = h(
    'form',
    { id: 'email-form', class: 'form' },
    formErrorBox(),
    field('Email address', address),
    h('div', { class: 'row' }, field('Consent', consent), field('Source', source)),
    sourceList(),
    buttons('Add email'),
  );
  submitter(form, async () => {
    const body: Record<string, string> = { address: address.value.trim() };
    if (consent.value) body.consent = consent.value;
    if (source.value.trim()) body.source = source.value.trim();
    await post(url(`${accountPath(acct.id)}/emails`), body);
    closeDialog();
    await reload('Email added.');
  });
  openDialog('Add an email', form);
}

/** PATCH /api/v1/{addresses|phones|emails}/{id} with a new status or consent. */
export async function changePoint(
  kind: 'address' | 'phone' | 'email',
  id: number,
  change: { status?: string; consent?: string },
  reload: Reload,
): Promise<boolean> {
  const plural = kind === 'address' ? 'addresses' : `${kind}s`;
  try {
    await patch(url(`/${plural}/${id}`), change);
  } catch (e) {
    flash(`Could not change the ${kind}: ${errorText(e)}`, 'error');
    return false;
  }
  const what = change.status ? `status ${pretty(change.status)}` : `consent ${change.consent}`;
  await reload(`The ${kind} now has ${what}.`);
  return true;
}
