// The compliance engine on the account screen: the "Can I contact now?" strip
// (GET …/contact-check), the decision shown inside the log-a-call dialog, and the
// Events panel (GET/POST …/events: cease, disputes, attorney, consents…).
import { accountPath, get, post, url } from '../api';
import { h, replace, type Child } from '../dom';
import { dateTime, label, phone as fmtPhone } from '../format';
import { can } from '../session';
import type { Account, AccountEvent, ContactCheck, Phone } from '../types';
import { badge, clearFormError, closeDialog, errorText, field, formErrorBox, openDialog, section, select, showFormError } from '../ui';

type Reload = (flashMsg?: string) => Promise<void>;

export const EVENT_TYPES = [
  'validation_notice_sent',
  'dispute_written',
  'dispute_oral',
  'verification_sent',
  'cease_written',
  'attorney_represented',
  'bankruptcy_filed',
  'deceased_reported',
  'consent_to_call',
  'employer_prohibits_calls',
  'stated_convenient_hours',
  'email_opt_out',
  'sms_opt_out',
  'autodial_consent',
  'autodial_consent_revoked',
  'suit_referred',
];

/** Event names where the generic "snake_case" label reads badly. */
const EVENT_LABELS: Record<string, string> = {
  suit_referred: 'Referred for suit',
};

export function eventLabel(type: string): string {
  return EVENT_LABELS[type] ?? label(type);
}

const BAD_PHONE = ['bad', 'wrong_number', 'former'];

/** The phone a collector would dial first: a valid one, else the first not known bad. */
export function firstCallablePhone(phones: Phone[] | undefined): Phone | null {
  const usable = (phones ?? []).filter((p) => !BAD_PHONE.includes(p.status));
  return usable.find((p) => p.status === 'valid') ?? usable[0] ?? null;
}

/** "Mon 08:00 (America/Chicago)"; a date is added when it is more than 6 days away. */
export function zonedTime(iso: string, zone: string | undefined): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const opts: Intl.DateTimeFormatOptions = { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  if (Math.abs(d.getTime() - Date.now()) > 6 * 86400000) Object.assign(opts, { month: 'short', day: 'numeric' });
  let text: string;
  try {
    text = new Intl.DateTimeFormat('en-US', { ...opts, timeZone: zone || undefined }).format(d);
  } catch {
    text = new Intl.DateTimeFormat('en-US', opts).format(d);
    zone = undefined;
  }
  return `${text.replace(/,/g, '')}${zone ? ` (${zone})` : ''}`;
}

export function checkCall(acct: Account, to: string | null, at?: string | null): Promise<ContactCheck> {
  return get<ContactCheck>(url(`${accountPath(acct.id)}/contact-check`, { channel: 'call', to, at }));
}

/** When the call may be made, or why waiting does not help. */
function whenText(c: ContactCheck): string {
  if (c.allowed) return '';
  return c.next_allowed_at ? `next allowed ${zonedTime(c.next_allowed_at, c.zones[0])}` : 'held — not by waiting';
}

function reasonList(c: ContactCheck): HTMLElement {
  return h(
    'ul',
    { class: 'check-reasons' },
    c.reasons.map((r) =>
      h(
        'li',
        { 'data-code': r.code },
        h('code', { class: 'reason-code' }, r.code),
        ' ',
        h('span', { class: 'reason-msg' }, r.message),
        r.citation ? h('span', { class: 'citation', title: r.rule ? `rule ${r.rule}` : '' }, ` ${r.citation}`) : null,
      ),
    ),
  );
}

function stateOf(c: ContactCheck): 'ok' | 'wait' | 'hold' {
  return c.allowed ? 'ok' : c.next_allowed_at ? 'wait' : 'hold';
}

/** The compact strip under the account header: may the debtor be called now? */
export function contactStrip(acct: Account): HTMLElement | null {
  if (!can.contactCheck()) return null;
  const p = firstCallablePhone(acct.phones);
  const strip = h('div', { class: 'check-strip loading', id: 'contact-check', role: 'status', 'aria-live': 'polite' }, h('span', { class: 'muted' }, 'Checking whether a call is allowed now…'));
  const target = p ? fmtPhone(p.number) : 'no phone on file';
  void checkCall(acct, p?.number ?? null).then(
    (c) => {
      const st = stateOf(c);
      strip.className = `check-strip ${st}`;
      strip.dataset.allowed = String(c.allowed);
      strip.dataset.codes = c.reasons.map((r) => r.code).join(' ');
      replace(
        strip,
        h(
          'div',
          { class: 'check-line' },
          h('strong', { class: 'check-verdict' }, c.allowed ? 'Call allowed now' : 'Not now'),
          h('span', { class: 'muted' }, `call · ${target}`),
          c.allowed ? null : h('span', { class: 'check-when' }, whenText(c)),
          c.zones.length ? h('span', { class: 'muted check-zones', title: 'Candidate time zones of the debtor' }, c.zones.join(', ')) : null,
        ),
        c.reasons.length ? reasonList(c) : null,
      );
    },
    (e) => {
      strip.className = 'check-strip error';
      replace(strip, h('span', null, `Could not check the contact rules: ${errorText(e)}`));
    },
  );
  return strip;
}

/** The decision box of the log-a-call dialog; call update() when phone or time change. */
export function callCheckBox(acct: Account): { el: HTMLElement; update: (to: string, at: string | null) => void } {
  const el = h('div', { class: 'call-check', id: 'call-check', 'aria-live': 'polite' });
  let seq = 0;
  const update = (to: string, at: string | null) => {
    if (!can.contactCheck()) return;
    const mine = ++seq;
    el.className = 'call-check loading';
    replace(el, h('span', { class: 'muted' }, 'Checking the contact rules…'));
    void checkCall(acct, to || null, at).then(
      (c) => {
        if (mine !== seq) return;
        const st = stateOf(c);
        el.className = `call-check ${st}`;
        el.dataset.allowed = String(c.allowed);
        el.dataset.codes = c.reasons.map((r) => r.code).join(' ');
        replace(
          el,
          h(
            'div',
            { class: 'check-line' },
            h('strong', null, c.allowed ? `Allowed ${at ? 'at that time' : 'now'}` : `Warning: not allowed ${at ? 'at that time' : 'now'}`),
            c.allowed ? null : h('span', { class: 'check-when' }, whenText(c)),
          ),
          c.reasons.length ? reasonList(c) : null,
          c.allowed
            ? null
            : h(
                'p',
                { class: 'check-note' },
                can.overrideCompliance()
                  ? 'Logging it needs your override reason below; it will be flagged for compliance review.'
                  : 'It cannot be logged as it is: a supervisor may log it with an override reason.',
              ),
        );
      },
      (e) => {
        if (mine !== seq) return;
        el.className = 'call-check error';
        replace(el, `Could not check the contact rules: ${errorText(e)}`);
      },
    );
  };
  return { el, update };
}

// ---- Events panel ---------------------------------------------------------------

function eventData(ev: AccountEvent): string {
  if (ev.data === null || ev.data === undefined || ev.data === '') return '';
  return typeof ev.data === 'string' ? ev.data : JSON.stringify(ev.data);
}

export function eventsPanel(acct: Account, reload: Reload): HTMLElement {
  const body = h('div', null, h('p', { class: 'empty' }, 'Loading events…'));
  const count = h('span', { class: 'muted' });
  type Validation = { notice_sent_on: string | null; period_end: string | null; dispute_pending: boolean };
  void get<{ items: AccountEvent[]; validation?: Validation }>(url(`${accountPath(acct.id)}/events`)).then(
    (page) => {
      const items = [...page.items].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id));
      count.textContent = String(items.length);
      const v = page.validation;
      // The validation period (12 CFR 1006.34): shown once a notice has been sent.
      const period =
        v && v.notice_sent_on
          ? h(
              'p',
              { class: 'validation-period', id: 'validation-period' },
              `Validation notice sent ${v.notice_sent_on}; period ends ${v.period_end}`,
              v.dispute_pending ? [' ', badge('dispute pending', 'warn')] : null,
            )
          : null;
      if (!items.length) {
        replace(body, h('p', { class: 'empty' }, 'No events.'));
        return;
      }
      replace(
        body,
        period,
        h(
          'ul',
          { class: 'events' },
          items.map((ev) => {
            const data = eventData(ev);
            return h(
              'li',
              { 'data-event-id': ev.id, 'data-type': ev.type, class: ev.released_at ? 'released' : 'in-effect' },
              h(
                'div',
                { class: 'ev-main' },
                h('span', { class: 'ev-type' }, eventLabel(ev.type)),
                data ? h('span', { class: 'mono ev-data' }, data) : null,
                ev.released_at ? badge(`released ${dateTime(ev.released_at)}`, 'muted') : badge('in effect', 'warn'),
                !ev.released_at && can.addEvent()
                  ? h('button', { type: 'button', class: 'link-btn ev-release', title: `Release ${eventLabel(ev.type).toLowerCase()}`, onclick: () => openAddEvent(acct, reload, { type: ev.type, release: true }) }, 'Release')
                  : null,
              ),
              h('div', { class: 'note-meta' }, h('span', { class: 'date' }, dateTime(ev.at)), h('span', null, ev.actor ?? '')),
              ev.note ? h('div', { class: 'note-body' }, ev.note) : null,
            );
          }),
        ),
      );
    },
    (e) => replace(body, h('p', { class: 'error-text' }, errorText(e))),
  );
  const tools: Child[] = [count, can.addEvent() ? h('button', { type: 'button', class: 'link-btn', id: 'add-event', onclick: () => openAddEvent(acct, reload), title: 'Record an event (e)' }, '+ Add') : null];
  return section('Events', tools, body);
}

/** "2026-11-23T14:05" for a datetime-local input, in the browser's zone. */
function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A datetime-local value as an ISO time with offset (UTC), or null when empty. */
export function localToIso(v: string): string | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function nowLocalInput(): string {
  return localInput(new Date());
}

export function openAddEvent(acct: Account, reload: Reload, preset: { type?: string; release?: boolean } = {}): void {
  const type = select('type', EVENT_TYPES.map((t): [string, string] => [t, eventLabel(t)]), preset.type ?? 'dispute_written');
  const start = nowLocalInput();
  const at = h('input', { type: 'datetime-local', name: 'at', value: start, max: start });
  const note = h('textarea', { name: 'note', rows: 3, maxlength: 4000 });
  const hours = h('input', { name: 'hours', placeholder: '09:00-17:00', autocomplete: 'off', size: 12 });
  const hoursField = field('Convenient hours (debtor’s local time)', hours, 'HH:MM-HH:MM');
  const sol = acct.statute_of_limitations;
  const suitNote = h(
    'p',
    { class: `check-note${sol?.time_barred ? ' warn-text' : ''}`, id: 'suit-note' },
    sol?.time_barred
      ? `Time-barred since ${sol.expires_on ?? '?'}: a referral for suit will be refused (12 CFR 1006.26(b)).`
      : 'Refused on a time-barred debt, in bankruptcy, with a dispute pending or on a closed account.',
  );
  const release = h('input', { type: 'checkbox', name: 'release' });
  release.checked = !!preset.release;
  const releaseRow = h('label', { class: 'check-row' }, release, ' Release: the event no longer applies (e.g. the debtor withdrew the cease)');
  const submit = h('button', { type: 'submit', class: 'btn primary' }, 'Record event');
  const sync = () => {
    hoursField.hidden = type.value !== 'stated_convenient_hours' || release.checked;
    suitNote.hidden = type.value !== 'suit_referred' || release.checked;
    submit.textContent = release.checked ? 'Release event' : 'Record event';
  };
  type.addEventListener('change', sync);
  release.addEventListener('change', sync);
  const form = h(
    'form',
    { id: 'event-form', class: 'form' },
    formErrorBox(),
    h('div', { class: 'row' }, field('Event', type), field('When', at)),
    suitNote,
    hoursField,
    field('Note', note),
    releaseRow,
    h('div', { class: 'form-actions' }, submit, h('button', { type: 'button', class: 'btn', onclick: () => closeDialog() }, 'Cancel')),
  );
  sync();
  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    submit.disabled = true;
    clearFormError(form);
    try {
      const body: Record<string, unknown> = { type: type.value };
      // Left at its default the time is the server's "now" (no clock skew, never "future").
      if (at.value && at.value !== start) body.at = localToIso(at.value);
      if (note.value.trim()) body.note = note.value.trim();
      if (release.checked) body.release = true;
      else if (type.value === 'stated_convenient_hours') body.hours = hours.value.trim();
      await post(url(`${accountPath(acct.id)}/events`), body);
      closeDialog();
      await reload(release.checked ? `${eventLabel(type.value)} released.` : `Event recorded: ${eventLabel(type.value)}.`);
    } catch (e) {
      showFormError(form, e);
    } finally {
      busy = false;
      submit.disabled = false;
    }
  });
  openDialog(preset.release ? 'Release an event' : 'Record an event', form);
}
