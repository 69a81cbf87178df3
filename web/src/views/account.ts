// The account screen (GET /api/v1/accounts/{id}): header, balances by bucket, debtor
// with masked PII and Reveal, arrangements (plans and settlements), contact history,
// ledger, payments, notes and contact points with their history; letters and inbound
// correspondence (views/correspondence.ts). A 403 shows only the refusal, never account data.
import { ApiError, accountPath, get, url } from '../api';
import { h, replace, type Child } from '../dom';
import { dash, dateTime, label, money, phone as fmtPhone } from '../format';
import { can } from '../session';
import type { Account, Address, Contact, Email, LedgerEntry, Note, Payment, Phone, PointChange } from '../types';
import { badge, errorText, flash, kbd, limited, section, table } from '../ui';
import type { View } from '../view';
import { changePoint, openAddAddress, openAddEmail, openAddPhone, openLogCall, openNote, openPayment, POINT_STATUSES } from './actions';
import { statusBadge } from './common';
import { contactStrip, eventsPanel, openAddEvent } from './compliance';
import { arrangementsPanel } from './arrangements';
import { correspondencePanel } from './correspondence';
import { debtFactsPanel } from './debtfacts';
import { nextButton } from './work';

interface Active {
  acct: Account;
  reload: (msg?: string, hl?: { paymentId?: number }) => Promise<void>;
  reveal: () => Promise<void>;
  view: View;
}

let active: Active | null = null;

/** Account-screen shortcuts; returns true when the key was used. */
export function accountShortcut(key: string): boolean {
  if (!active || !active.view.current()) return false;
  const { acct, reload } = active;
  switch (key) {
    case 'c':
      if (!can.logCall()) return false;
      openLogCall(acct, reload);
      return true;
    case 'p':
      if (!can.pay()) return false;
      openPayment(acct, reload);
      return true;
    case 'm':
      if (!can.addNote()) return false;
      openNote(acct, reload);
      return true;
    case 'e':
      if (!can.addEvent()) return false;
      openAddEvent(acct, reload);
      return true;
    case 'r':
      if (!can.reveal()) return false;
      void active.reveal();
      return true;
  }
  return false;
}

const LEDGER_SHOWN = 12;
const PAYMENTS_SHOWN = 8;
const CONTACTS_SHOWN = 10;

export async function renderAccount(view: View, ref: string, opts: { reveal?: boolean; flashMsg?: string; highlight?: { paymentId?: number }; keepScroll?: boolean } = {}): Promise<void> {
  if (!opts.keepScroll) {
    active = null;
    document.title = 'Account · arrears';
    replace(view.main, h('p', { class: 'loading page' }, 'Loading account…'));
  }
  let acct: Account;
  try {
    acct = await get<Account>(url(accountPath(ref), { reveal: opts.reveal ? 1 : null }));
  } catch (e) {
    if (!view.current()) return;
    active = null;
    if (e instanceof ApiError && e.status === 403) {
      document.title = 'No access · arrears';
      replace(
        view.main,
        h(
          'div',
          { class: 'page denied', id: 'denied', role: 'alert' },
          h('h1', null, 'You do not have access to this account'),
          h('p', null, 'Your role does not allow you to open it. If you need it, ask a supervisor or administrator.'),
          h('p', null, h('a', { href: '#/accounts' }, 'Back to the accounts list')),
        ),
      );
      return;
    }
    if (opts.keepScroll) {
      flash(errorText(e), 'error');
      return;
    }
    replace(
      view.main,
      h(
        'div',
        { class: 'page denied', role: 'alert' },
        h('h1', null, e instanceof ApiError && e.status === 404 ? 'No such account' : 'The account could not be loaded'),
        h('p', null, errorText(e)),
      ),
    );
    return;
  }
  if (!view.current()) return;
  const scroll = window.scrollY;
  const reload = async (msg?: string, hl?: { paymentId?: number }) => {
    await renderAccount(view, String(acct.id), { flashMsg: msg, highlight: hl, keepScroll: true });
  };
  const reveal = async () => {
    await renderAccount(view, String(acct.id), { reveal: true, keepScroll: true, flashMsg: 'Full SSN and date of birth shown. This view is recorded in the audit log.' });
  };
  active = { acct, reload, reveal, view };
  document.title = `${acct.debtor?.name ?? 'Account'} · ${acct.client}:${acct.client_account} · arrears`;
  replace(view.main, accountPage(acct, reload, reveal, !!opts.reveal, opts.highlight));
  if (opts.keepScroll) window.scrollTo(0, scroll);
  if (opts.flashMsg) flash(opts.flashMsg);
}

function accountPage(acct: Account, reload: Active['reload'], reveal: Active['reveal'], revealed: boolean, hl?: { paymentId?: number }): HTMLElement {
  const d = acct.debtor;
  const actions = h(
    'div',
    { class: 'acct-actions' },
    can.logCall() ? h('button', { type: 'button', class: 'btn primary', id: 'log-call', onclick: () => openLogCall(acct, reload), title: 'Log a call (c)' }, 'Log call ', kbd('c')) : null,
    can.pay() ? h('button', { type: 'button', class: 'btn', id: 'post-payment', onclick: () => openPayment(acct, reload), title: 'Post a payment (p)' }, 'Post payment ', kbd('p')) : null,
    can.addNote() ? h('button', { type: 'button', class: 'btn', id: 'add-note', onclick: () => openNote(acct, reload), title: 'Add a note (m)' }, 'Note ', kbd('m')) : null,
    can.workQueue() ? nextButton() : null,
  );
  const meta: Child[] = [
    h('span', { class: 'mono', title: 'Client and client account number' }, `${acct.client} · ${acct.client_account}`),
    h('span', null, `Account #${acct.id}`),
    h('span', null, 'Collector ', h('strong', null, dash(acct.collector ?? null))),
    h('span', null, 'Placed ', dash(acct.placed_on)),
  ];
  const head = h(
    'div',
    { class: 'acct-head' },
    h('div', { class: 'acct-title' }, h('div', { class: 'acct-name-row' }, h('h1', { id: 'debtor-name' }, d?.name ?? '—'), statusBadge(acct.status), timeBarredBadge(acct)), h('div', { class: 'acct-meta' }, meta)),
    actions,
  );

  const summary = h('div', { class: 'acct-summary' }, balancePanel(acct), debtorPanel(acct, reveal, revealed), detailsPanel(acct));

  const left = h('div', { class: 'acct-main' }, arrangementsPanel(acct, reload), contactsPanel(acct.contacts ?? []), correspondencePanel(acct, reload), ledgerPanel(acct, hl), paymentsPanel(acct, hl));
  const right = h(
    'div',
    { class: 'acct-side' },
    eventsPanel(acct, reload),
    debtFactsPanel(acct, reload),
    phonesPanel(acct, reload),
    addressesPanel(acct, reload),
    emailsPanel(acct, reload),
    notesPanel(acct.notes ?? [], acct, reload),
  );
  return h('div', { class: 'page account', 'data-account-id': acct.id }, head, contactStrip(acct), summary, h('div', { class: 'acct-body' }, left, right));
}

/** In the header: a time-barred debt may not be sued on (details in Debt facts). */
function timeBarredBadge(acct: Account): HTMLElement | null {
  const s = acct.statute_of_limitations;
  if (!s?.time_barred) return null;
  const b = badge('time-barred', 'bad');
  b.id = 'time-barred';
  b.title = `Limitation period ended ${s.expires_on ?? '?'}: no suit, no threat of suit (12 CFR 1006.26(b))`;
  return b;
}

// ---- summary panels --------------------------------------------------------------

function balancePanel(acct: Account): HTMLElement {
  const b = acct.balance_cents;
  const row = (name: string, cents: number, id: string, cls = '') =>
    h('tr', { class: cls || null }, h('th', { scope: 'row' }, name), h('td', { class: 'num', id }, money(cents, acct.currency)));
  return section(
    'Balance',
    null,
    h(
      'table',
      { class: 'kv money' },
      h(
        'tbody',
        null,
        row('Principal', b.principal, 'bal-principal'),
        row('Interest', b.interest, 'bal-interest'),
        row('Fees', b.fees, 'bal-fees'),
        row('Costs', b.costs, 'bal-costs'),
        b.credit ? row('Credit', b.credit, 'bal-credit') : row('Credit', 0, 'bal-credit', 'zero'),
        row('Total', b.total, 'balance-total', 'total'),
      ),
    ),
  );
}

function debtorPanel(acct: Account, reveal: Active['reveal'], revealed: boolean): HTMLElement {
  const d = acct.debtor;
  const ssn = d?.ssn ?? null;
  const canReveal = can.reveal() && !revealed && ((ssn !== null && ssn.includes('*')) || (d?.dob ?? '').includes('*'));
  const flags = Array.isArray(d?.flags) ? d.flags.join(', ') : d?.flags ? `0x${Number(d.flags).toString(16)}` : 'none';
  const kv = (k: string, v: Child, id?: string) => h('tr', null, h('th', { scope: 'row' }, k), h('td', { id }, v));
  return section(
    'Debtor',
    canReveal
      ? h('button', { type: 'button', class: 'btn small', id: 'reveal', onclick: () => void reveal(), title: 'Show full SSN and date of birth (r). Audited.' }, 'Reveal ', kbd('r'))
      : revealed
        ? badge('revealed · audited', 'warn')
        : null,
    h(
      'table',
      { class: 'kv' },
      h(
        'tbody',
        null,
        kv('SSN', h('span', { class: 'mono' }, ssn ?? 'not on file'), 'ssn'),
        kv('Date of birth', h('span', { class: 'mono' }, dash(d?.dob)), 'dob'),
        kv('Language', dash(d?.language)),
        kv('Flags', flags),
        kv('Debtor id', dash(d?.id)),
      ),
    ),
  );
}

function detailsPanel(acct: Account): HTMLElement {
  const kv = (k: string, v: Child) => h('tr', null, h('th', { scope: 'row' }, k), h('td', null, v));
  return section(
    'Account',
    null,
    h(
      'table',
      { class: 'kv' },
      h(
        'tbody',
        null,
        kv('Original creditor', dash(acct.original_creditor)),
        kv('Type', label(acct.account_type)),
        kv('Opened', dash(acct.open_date)),
        kv('Charged off', dash(acct.charge_off_date)),
        kv('First delinquency', dash(acct.first_delinquency_on)),
        kv('Last payment', dash(acct.last_payment_on)),
        kv('Interest rate', acct.interest_rate_pct === null || acct.interest_rate_pct === undefined ? '—' : `${acct.interest_rate_pct}%`),
      ),
    ),
  );
}

// ---- history tables --------------------------------------------------------------

function contactsPanel(unsorted: Contact[]): HTMLElement {
  // By when the contact happened, newest first (the API orders by when it was recorded).
  const contacts = [...unsorted].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id));
  return section(
    'Contact history',
    h('span', { class: 'muted' }, `${contacts.length}${contacts.length >= 100 ? '+' : ''}`),
    limited(contacts, CONTACTS_SHOWN, (shown) =>
      table(
        [{ label: 'When' }, { label: 'Channel' }, { label: 'Outcome' }, { label: 'Reason' }, { label: 'Promise' }, { label: 'Note' }, { label: 'By' }],
        shown.map((c) => [
          h('span', { class: 'date' }, dateTime(c.at)),
          h('span', { class: 'nowrap' }, c.channel, c.to ? h('span', { class: 'muted' }, ` ${c.channel === 'call' || c.channel === 'sms' ? fmtPhone(c.to) : c.to}`) : null),
          h('span', { class: c.outcome === 'conversation' ? 'strong' : null }, label(c.outcome)),
          c.reason ? label(c.reason) : '',
          c.promise ? h('span', { class: 'promise' }, money(c.promise.amount_cents, c.promise.currency), ' on ', c.promise.due_on, ' ', badge(c.promise.status, c.promise.status === 'kept' ? 'ok' : c.promise.status === 'broken' ? 'bad' : '')) : '',
          h('span', { class: 'note-cell', title: c.note ?? '' }, c.note ?? ''),
          dash(c.actor),
        ]),
        { empty: 'No contact attempts yet.', cls: 'contacts' },
      ),
    ),
  );
}

function ledgerPanel(acct: Account, hl?: { paymentId?: number }): HTMLElement {
  const entries: LedgerEntry[] = [...(acct.ledger ?? [])].reverse();
  const cur = acct.currency;
  const m = (c: number) => (c === 0 ? h('span', { class: 'zero' }, '0.00') : money(c, cur));
  return section(
    'Ledger',
    h('span', { class: 'muted' }, acct.ledger_truncated ? `latest ${entries.length}` : `${entries.length}`),
    limited(entries, LEDGER_SHOWN, (shown) => {
      const t = table(
        [
          { label: 'Date' },
          { label: 'Kind' },
          { label: 'Principal', cls: 'num' },
          { label: 'Interest', cls: 'num' },
          { label: 'Fees', cls: 'num' },
          { label: 'Costs', cls: 'num' },
          { label: 'Credit', cls: 'num' },
          { label: 'Total', cls: 'num' },
          { label: 'Memo' },
          { label: 'By' },
        ],
        shown.map((e) => [
          h('span', { class: 'date', title: `posted ${dateTime(e.posted_at)}` }, e.effective_on),
          label(e.kind),
          m(e.principal_cents),
          m(e.interest_cents),
          m(e.fees_cents),
          m(e.costs_cents),
          m(e.credit_cents),
          h('strong', null, money(e.total_cents, cur)),
          e.memo ?? (e.payment_id ? `payment #${e.payment_id}` : e.reverses_id ? `reverses entry #${e.reverses_id}` : ''),
          dash(e.actor),
        ]),
        { empty: 'No ledger entries.', cls: 'ledger' },
      );
      const rows = t.querySelectorAll('tbody tr');
      shown.forEach((e, i) => {
        const tr = rows[i] as HTMLElement | undefined;
        if (!tr) return;
        tr.dataset.ledgerId = String(e.id);
        if (e.payment_id !== null) tr.dataset.paymentId = String(e.payment_id);
        if (hl?.paymentId !== undefined && e.payment_id === hl.paymentId && e.kind === 'payment') tr.classList.add('new');
      });
      return t;
    }),
  );
}

function paymentsPanel(acct: Account, hl?: { paymentId?: number }): HTMLElement {
  const ps: Payment[] = [...(acct.payments ?? [])].reverse();
  return section(
    'Payments',
    h('span', { class: 'muted' }, acct.payments_truncated ? `latest ${ps.length}` : `${ps.length}`),
    limited(ps, PAYMENTS_SHOWN, (shown) => {
      const t = table(
        [{ label: 'Date' }, { label: '#', cls: 'num' }, { label: 'Method' }, { label: 'Amount', cls: 'num' }, { label: 'Status' }, { label: 'Reference' }, { label: 'Source' }],
        shown.map((p) => [
          p.effective_on,
          String(p.id),
          p.method === 'ach' ? 'ACH' : label(p.method),
          money(p.amount_cents, p.currency),
          badge(p.status + (p.reversal_reason ? ` · ${p.reversal_reason}` : ''), p.status === 'posted' ? 'ok' : p.status === 'reversed' ? 'bad' : ''),
          dash(p.reference),
          dash(p.source),
        ]),
        { empty: 'No payments.', cls: 'payments' },
      );
      const rows = t.querySelectorAll('tbody tr');
      shown.forEach((p, i) => {
        const tr = rows[i] as HTMLElement | undefined;
        if (tr && hl?.paymentId === p.id) tr.classList.add('new');
      });
      return t;
    }),
  );
}

function notesPanel(notes: Note[], acct: Account, reload: Active['reload']): HTMLElement {
  return section(
    'Notes',
    can.addNote() ? h('button', { type: 'button', class: 'link-btn', onclick: () => openNote(acct, reload) }, '+ Add') : null,
    notes.length
      ? limited(notes, 6, (shown) =>
          h(
            'ul',
            { class: 'notes' },
            shown.map((n) => h('li', null, h('div', { class: 'note-meta' }, h('span', null, dash(n.actor)), h('span', { class: 'date' }, dateTime(n.created_at))), h('div', { class: 'note-body' }, n.body))),
          ),
        )
      : h('p', { class: 'empty' }, 'No notes.'),
  );
}

// ---- contact points ---------------------------------------------------------------

function historyList(hist: PointChange[] | undefined): HTMLElement | null {
  if (!hist || hist.length === 0) return null;
  return h(
    'details',
    { class: 'history' },
    h('summary', null, `History (${hist.length})`),
    h(
      'ul',
      null,
      hist.map((c) => h('li', null, h('span', { class: 'date' }, dateTime(c.changed_at)), ' ', `${c.field}: ${c.old ?? '—'} → ${c.new ?? '—'}`, h('span', { class: 'muted' }, ` · ${c.source ?? ''}${c.actor ? ` · ${c.actor}` : ''}`))),
    ),
  );
}

function statusControl(kind: 'address' | 'phone' | 'email', id: number, status: string, reload: Active['reload']): HTMLElement {
  const cls = `pt-status st-${status}`;
  if (!can.editContactPoints()) return badge(status.replace(/_/g, ' '), cls);
  const opts = POINT_STATUSES[kind].includes(status) ? POINT_STATUSES[kind] : [status, ...POINT_STATUSES[kind]];
  const sel = h(
    'select',
    { class: `${cls} compact`, 'aria-label': `Status of ${kind} ${id}`, 'data-point': `${kind}-${id}`, title: 'Change status' },
    opts.map((s) => h('option', { value: s }, s.replace(/_/g, ' '))),
  );
  sel.value = status;
  sel.addEventListener('change', async () => {
    const v = sel.value;
    sel.disabled = true;
    const ok = await changePoint(kind, id, { status: v }, reload);
    if (!ok) {
      sel.value = status;
      sel.disabled = false;
    }
  });
  return sel;
}

function pointMeta(control: HTMLElement, p: { source: string | null; valid_from: string | null; valid_to: string | null }, extra: Child[] = []): HTMLElement {
  return h(
    'div',
    { class: 'pt-meta' },
    control,
    extra,
    h('span', null, dash(p.source)),
    h('span', { class: 'date' }, p.valid_to ? `${p.valid_from ?? '?'} – ${p.valid_to}` : `since ${p.valid_from ?? '?'}`),
  );
}

/** Consent is shown when it is known (granted or revoked); "unknown" is the default. */
function consentNote(consent: string | null): Child[] {
  if (!consent || consent === 'unknown') return [];
  return [h('span', { class: consent === 'revoked' ? 'consent-revoked' : 'consent-granted' }, `consent ${consent}`)];
}

const sortPoints = <T extends { status: string; id: number }>(ps: T[]): T[] => {
  const rank = (s: string) => (s === 'valid' ? 0 : s === 'unverified' ? 1 : s === 'former' ? 3 : 2);
  return [...ps].sort((a, b) => rank(a.status) - rank(b.status) || b.id - a.id);
};

function phonesPanel(acct: Account, reload: Active['reload']): HTMLElement {
  const phones: Phone[] = sortPoints(acct.phones ?? []);
  return section(
    'Phones',
    can.editContactPoints() ? h('button', { type: 'button', class: 'link-btn', id: 'add-phone', onclick: () => openAddPhone(acct, reload) }, '+ Add') : null,
    phones.length
      ? h(
          'ul',
          { class: 'points' },
          phones.map((p) =>
            h(
              'li',
              { class: `st-${p.status}`, 'data-phone-id': p.id },
              h('div', { class: 'pt-main' }, h('span', { class: 'pt-value mono' }, fmtPhone(p.number)), h('span', { class: 'muted' }, dash(p.type))),
              pointMeta(statusControl('phone', p.id, p.status, reload), p, consentNote(p.consent)),
              historyList(p.history),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'No phones on file.'),
  );
}

function addressesPanel(acct: Account, reload: Active['reload']): HTMLElement {
  const as: Address[] = sortPoints(acct.addresses ?? []);
  return section(
    'Addresses',
    can.editContactPoints() ? h('button', { type: 'button', class: 'link-btn', id: 'add-address', onclick: () => openAddAddress(acct, reload) }, '+ Add') : null,
    as.length
      ? h(
          'ul',
          { class: 'points' },
          as.map((a) =>
            h(
              'li',
              { class: `st-${a.status}`, 'data-address-id': a.id },
              h(
                'div',
                { class: 'pt-main' },
                h('span', { class: 'pt-value' }, a.line1, a.line2 ? `, ${a.line2}` : '', ` · ${a.city}, ${a.state} ${a.zip}`),
              ),
              pointMeta(statusControl('address', a.id, a.status, reload), a),
              historyList(a.history),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'No addresses on file.'),
  );
}

function emailsPanel(acct: Account, reload: Active['reload']): HTMLElement {
  const es: Email[] = sortPoints(acct.emails ?? []);
  return section(
    'Emails',
    can.editContactPoints() ? h('button', { type: 'button', class: 'link-btn', id: 'add-email', onclick: () => openAddEmail(acct, reload) }, '+ Add') : null,
    es.length
      ? h(
          'ul',
          { class: 'points' },
          es.map((e) =>
            h(
              'li',
              { class: `st-${e.status}`, 'data-email-id': e.id },
              h('div', { class: 'pt-main' }, h('span', { class: 'pt-value' }, e.address)),
              pointMeta(statusControl('email', e.id, e.status, reload), e, consentNote(e.consent)),
              historyList(e.history),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'No emails on file.'),
  );
}
