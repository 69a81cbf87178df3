// The Correspondence panel of the account screen: the letters and emails we sent
// (GET …/letters) and the mail, email and faxes we received (GET …/correspondence)
// in one list, newest first, each with its PDF or document (opened in a new tab).
// Staff mark a mailed letter returned (or an email bounced: POST /letters/{id}/returned,
// which marks the address and opens skip tracing), file an inbound item with its
// document (POST …/correspondence: without a kind the server classifies the text and
// files it as its suggestion), and preview any template filled for the account.
// Supervisors, compliance and admins change an inbound item's kind. Filing a dispute,
// cease, bankruptcy or attorney letter records the account event that holds the
// account, so the whole account is reloaded after a filing.
import { correspondenceApi, get, letterApi, url } from '../api';
import { h, replace, type Child } from '../dom';
import { dash, dateTime, label, today } from '../format';
import { can } from '../session';
import type { Account, CorrespondenceFiling, CorrespondenceItem, Letter, LetterTemplate } from '../types';
import { badge, clearFormError, closeDialog, errorText, field, flash, formErrorBox, limited, openDialog, section, select, showFormError, table } from '../ui';
import { eventLabel } from './compliance';

type Reload = (flashMsg?: string) => Promise<void>;

export const CORR_KINDS = ['dispute', 'cease', 'payment', 'bankruptcy', 'attorney', 'other'];
/** Kinds whose filing records an account event that holds collection. */
const HOLD_KINDS = ['dispute', 'cease', 'bankruptcy', 'attorney'];
const CHANNELS: Array<[string, string]> = [
  ['mail', 'Mail'],
  ['email', 'Email'],
  ['fax', 'Fax'],
  ['upload', 'Upload (portal, other)'],
];
const DOC_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  txt: 'text/plain',
  eml: 'message/rfc822',
};
const DOC_MAX_BYTES = 10 * 1024 * 1024;
const SHOWN = 10;

/** The item just filed on this screen: the reloaded panel says how it was classified. */
let justFiled: { accountId: number; item: CorrespondenceItem } | null = null;

/** The template names (they never change while the server runs): fetched once. */
let templateNames: Promise<string[]> | null = null;

function loadTemplateNames(): Promise<string[]> {
  if (!templateNames) {
    templateNames = letterApi.templates().then(
      (ts: LetterTemplate[]) => [...new Set(ts.map((t) => t.name))].sort(),
      (e: unknown) => {
        templateNames = null;
        throw e;
      },
    );
  }
  return templateNames;
}

// ---- the list ------------------------------------------------------------------------

type Row = { dir: 'out'; date: string; created: string; id: number; letter: Letter } | { dir: 'in'; date: string; created: string; id: number; item: CorrespondenceItem };

/** Newest first: by date, then by when it was recorded, inbound before outbound on a tie. */
function merge(letters: Letter[], items: CorrespondenceItem[]): Row[] {
  const rows: Row[] = [
    ...letters.map((l): Row => ({ dir: 'out', date: l.sent_on ?? l.as_of, created: l.created_at, id: l.id, letter: l })),
    ...items.map((i): Row => ({ dir: 'in', date: i.received_on, created: i.created_at, id: i.id, item: i })),
  ];
  const cmp = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);
  return rows.sort((a, b) => cmp(a.date, b.date) || cmp(a.created, b.created) || (a.dir === b.dir ? b.id - a.id : a.dir === 'in' ? -1 : 1));
}

export function templateLabel(name: string): string {
  return label(name);
}

function letterStatus(l: Letter): HTMLElement {
  const kind = l.status === 'sent' || l.status === 'mailed' ? 'ok' : l.status === 'sending' ? 'warn' : 'bad';
  const b = badge(l.status, kind);
  b.classList.add('letter-status');
  b.dataset.status = l.status;
  if (l.status !== 'returned' && l.status !== 'bounced') return b;
  return h('span', { class: 'returned-info' }, b, h('span', { class: 'muted small' }, ` ${dash(l.returned_on)}${l.return_reason ? ` · ${l.return_reason}` : ''}`));
}

function directionCell(dir: 'in' | 'out'): HTMLElement {
  return h(
    'span',
    { class: `dir dir-${dir}`, title: dir === 'in' ? 'Received from the debtor or on their behalf' : 'Sent by us' },
    h('span', { class: 'dir-icon', 'aria-hidden': 'true' }, dir === 'in' ? '↙' : '↗'),
    dir === 'in' ? 'In' : 'Out',
  );
}

function kindBadge(kind: string): HTMLElement {
  const b = badge(kind, HOLD_KINDS.includes(kind) ? 'warn' : kind === 'payment' ? 'ok' : '');
  b.classList.add('corr-kind');
  b.dataset.kind = kind;
  return b;
}

/** "suggested from “I dispute”" or "text suggested: cease". */
function suggestionNote(i: CorrespondenceItem): Child {
  if (!i.suggested_kind) return null;
  if (i.suggested_kind === i.kind) {
    return h('span', { class: 'muted small suggestion', title: 'The server classified the text' }, i.suggested_phrase ? `suggested from “${i.suggested_phrase}”` : 'as suggested');
  }
  return h('span', { class: 'muted small suggestion' }, `text suggested: ${i.suggested_kind}${i.suggested_phrase ? ` (“${i.suggested_phrase}”)` : ''}`);
}

function holdNote(i: CorrespondenceItem): Child {
  if (!i.event) return h('span', { class: 'muted' }, 'filed');
  const ev = i.event;
  if (ev.released_at) return h('span', { class: 'hold released', title: `Released ${dateTime(ev.released_at)}` }, badge('released', 'muted'), ' ', h('span', { class: 'muted small' }, eventLabel(ev.type)));
  return h('span', { class: 'hold', title: `${eventLabel(ev.type)} recorded ${dateTime(ev.at)}: see Events` }, badge('on hold', 'bad'), ' ', h('span', { class: 'small' }, eventLabel(ev.type)));
}

function outRow(l: Letter, reload: Reload): Child[] {
  const isEmail = l.channel === 'email';
  const canReturn = can.markReturned() && ((l.channel === 'letter' && l.status === 'mailed') || (isEmail && l.status === 'sent'));
  return [
    h('span', { class: 'date', title: `made ${dateTime(l.created_at)}` }, l.sent_on ?? l.as_of),
    directionCell('out'),
    isEmail ? 'Email' : 'Letter',
    h(
      'div',
      { class: 'corr-what' },
      h('span', { class: 'strong' }, templateLabel(l.template)),
      l.language !== 'en' ? [' ', badge(l.language.toUpperCase(), 'info')] : null,
      l.template_version > 0 ? h('span', { class: 'muted small', title: 'Template version' }, ` v${l.template_version}`) : null,
      l.recipient ? h('div', { class: 'muted small' }, `to ${l.recipient}${l.pages ? ` · ${l.pages} page${l.pages === 1 ? '' : 's'}` : ''}`) : null,
    ),
    letterStatus(l),
    // An email has no PDF (the server answers 404): its template and recipient say what went.
    isEmail
      ? h('span', { class: 'muted', title: 'An email has no PDF' }, '—')
      : h('a', { href: letterApi.pdfUrl(l.id), target: '_blank', rel: 'noopener', class: 'view-pdf', title: `Letter #${l.id} as mailed (opens in a new tab)` }, 'View PDF'),
    canReturn
      ? h('button', { type: 'button', class: 'link-btn mark-returned', onclick: () => openReturned(l, reload), title: isEmail ? 'The email bounced' : 'The mail came back undelivered' }, isEmail ? 'Bounced…' : 'Returned…')
      : null,
    dash(l.actor),
  ];
}

function inRow(i: CorrespondenceItem, reload: Reload): Child[] {
  const doc = i.document;
  return [
    h('span', { class: 'date', title: `filed ${dateTime(i.created_at)}` }, i.received_on),
    directionCell('in'),
    label(i.channel),
    h(
      'div',
      { class: 'corr-what' },
      kindBadge(i.kind),
      ' ',
      suggestionNote(i),
      i.subject || doc ? h('div', { class: 'muted small corr-subject' }, i.subject ?? doc?.file_name ?? '') : null,
    ),
    holdNote(i),
    doc
      ? h('a', { href: correspondenceApi.documentUrl(i.id), target: '_blank', rel: 'noopener', class: 'view-doc', title: `${doc.file_name} · ${doc.content_type} · ${sizeText(doc.size_bytes)} (opens in a new tab)` }, 'View document')
      : i.has_body_text
        ? h('button', { type: 'button', class: 'link-btn view-text', onclick: () => void showText(i) }, 'View text')
        : h('span', { class: 'muted' }, '—'),
    can.classifyCorrespondence() ? h('button', { type: 'button', class: 'link-btn change-kind', onclick: () => openChangeKind(i, reload) }, 'Change kind…') : null,
    dash(i.actor),
  ];
}

function sizeText(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${Math.round((n * 10) / (1024 * 1024)) / 10} MB`;
}

function rowsTable(rows: Row[], reload: Reload, fresh: number | null): HTMLElement {
  const t = table(
    [{ label: 'Date' }, { label: 'In/Out' }, { label: 'Channel' }, { label: 'Template or kind' }, { label: 'Status' }, { label: 'Document' }, { label: '' }, { label: 'By' }],
    rows.map((r) => (r.dir === 'out' ? outRow(r.letter, reload) : inRow(r.item, reload))),
    { empty: 'No letters sent or correspondence received yet.', cls: 'correspondence', caption: 'Letters sent and correspondence received, newest first' },
  );
  const trs = t.querySelectorAll('tbody tr');
  rows.forEach((r, n) => {
    const tr = trs[n] as HTMLElement | undefined;
    if (!tr) return;
    tr.dataset.direction = r.dir;
    if (r.dir === 'out') {
      tr.dataset.letterId = String(r.id);
      tr.dataset.status = r.letter.status;
      tr.dataset.template = r.letter.template;
    } else {
      tr.dataset.correspondenceId = String(r.id);
      tr.dataset.kind = r.item.kind;
      if (r.id === fresh) tr.classList.add('new');
    }
  });
  return t;
}

/** What a filing did, said once above the list after the account reloads. */
function filedNotice(i: CorrespondenceItem): HTMLElement {
  const how =
    i.suggested_kind === i.kind
      ? [' — the kind suggested from the text', i.suggested_phrase ? ` (“${i.suggested_phrase}”)` : '', '.']
      : i.suggested_kind
        ? [` — as you chose; the text suggested ${i.suggested_kind}.`]
        : ['.'];
  return h(
    'div',
    { class: `corr-filed ${i.event ? 'hold' : ''}`.trim(), id: 'corr-filed', role: 'status', 'data-kind': i.kind, 'data-suggested-kind': i.suggested_kind ?? '' },
    h('div', null, `Filed #${i.id} as `, h('strong', null, i.kind), how),
    i.event
      ? h('div', { class: 'corr-hold' }, h('strong', null, 'The account is on hold: '), `${eventLabel(i.event.type)} recorded (see Events). Collection stops until it is resolved or released.`)
      : null,
  );
}

function previewBar(acct: Account): HTMLElement {
  const tpl = select('template', [['', 'Loading templates…']], '', { id: 'preview-template', 'aria-label': 'Template to preview', disabled: true });
  const lang = select('language', [['en', 'English'], ['es', 'Spanish']], acct.debtor?.language === 'es' ? 'es' : 'en', { id: 'preview-language', 'aria-label': 'Language' });
  const open = h('a', { class: 'btn small disabled', id: 'preview-letter', target: '_blank', rel: 'noopener', 'aria-disabled': 'true', title: 'The template filled for this account as it would be mailed today; nothing is recorded' }, 'Preview letter ↗');
  const sync = () => {
    if (tpl.value) {
      open.setAttribute('href', letterApi.previewUrl(acct.id, tpl.value, lang.value));
      open.removeAttribute('aria-disabled');
      open.classList.remove('disabled');
    } else {
      open.removeAttribute('href');
      open.setAttribute('aria-disabled', 'true');
      open.classList.add('disabled');
    }
  };
  tpl.addEventListener('change', sync);
  lang.addEventListener('change', sync);
  loadTemplateNames().then(
    (names) => {
      replace(tpl, names.map((n) => h('option', { value: n }, templateLabel(n))));
      tpl.value = names.includes('reminder') ? 'reminder' : (names[0] ?? '');
      tpl.disabled = names.length === 0;
      sync();
    },
    (e) => {
      replace(tpl, h('option', { value: '' }, 'Templates unavailable'));
      tpl.title = errorText(e);
    },
  );
  return h('div', { class: 'corr-preview', id: 'letter-preview-bar' }, h('span', { class: 'muted small' }, 'Preview a letter:'), tpl, lang, open);
}

export function correspondencePanel(acct: Account, reload: Reload): HTMLElement {
  const count = h('span', { class: 'muted', id: 'correspondence-count' });
  const body = h('div', { id: 'correspondence' }, h('p', { class: 'empty loading' }, 'Loading correspondence…'));
  const filed = justFiled && justFiled.accountId === acct.id ? justFiled.item : null;
  justFiled = null;
  void Promise.all([letterApi.ofAccount(acct.id), correspondenceApi.list(acct.id)]).then(
    ([letters, page]) => {
      const rows = merge(letters, page.items);
      const more = page.next_after !== null || letters.length >= 200;
      count.textContent = `${rows.length}${more ? '+' : ''}`;
      body.dataset.loaded = 'true';
      replace(body, limited(rows, SHOWN, (shown) => rowsTable(shown, reload, filed?.id ?? null)));
    },
    (e) => replace(body, h('p', { class: 'error-text' }, errorText(e))),
  );
  const tools: Child[] = [
    count,
    can.fileCorrespondence() ? h('button', { type: 'button', class: 'link-btn', id: 'upload-correspondence', onclick: () => openUpload(acct, reload), title: 'File a letter, email or fax the debtor sent' }, '+ Upload correspondence') : null,
  ];
  return section('Correspondence', tools, can.previewLetters() ? previewBar(acct) : null, filed ? filedNotice(filed) : null, body);
}

// ---- dialogs -------------------------------------------------------------------------

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

function actions(submitLabel: string, id: string): HTMLElement {
  return h(
    'div',
    { class: 'form-actions' },
    h('button', { type: 'submit', class: 'btn primary', id }, submitLabel),
    h('button', { type: 'button', class: 'btn', onclick: () => closeDialog() }, 'Cancel'),
  );
}

function openReturned(l: Letter, reload: Reload): void {
  const isEmail = l.channel === 'email';
  const date = h('input', { type: 'date', name: 'date', min: l.sent_on ?? l.as_of, title: 'Empty: today' });
  const reason = h('input', { name: 'reason', maxlength: 200, autocomplete: 'off', placeholder: isEmail ? 'e.g. mailbox does not exist' : 'e.g. moved, left no address' });
  const form = h(
    'form',
    { class: 'form', id: 'returned-form', novalidate: true },
    h(
      'p',
      { class: 'form-lead' },
      `${templateLabel(l.template)} #${l.id}, ${isEmail ? 'sent' : 'mailed'} ${dash(l.sent_on)}${l.recipient ? ` to ${l.recipient}` : ''}. `,
      h('strong', null, isEmail ? 'The email address is marked bounced' : 'The address is marked returned'),
      ' and a skip trace is opened.',
    ),
    formErrorBox(),
    h('div', { class: 'row' }, field(isEmail ? 'Bounced on' : 'Returned on', date, 'Empty: today'), field('Reason', reason)),
    actions(isEmail ? 'Mark bounced' : 'Mark returned', 'submit-returned'),
  );
  submitter(form, async () => {
    const r = await letterApi.returned(l.id, date.value || undefined, reason.value.trim() || undefined);
    closeDialog();
    await reload(`${templateLabel(l.template)} #${r.id} marked ${r.status}${r.skip_trace_id ? `; skip trace #${r.skip_trace_id} opened` : ''}.`);
  });
  openDialog(isEmail ? 'Email bounced' : 'Mail returned', form);
}

function openChangeKind(i: CorrespondenceItem, reload: Reload): void {
  const kind = select('kind', CORR_KINDS.map((k): [string, string] => [k, label(k)]), i.kind, { id: 'change-kind-select' });
  const form = h(
    'form',
    { class: 'form', id: 'change-kind-form', novalidate: true },
    h('p', { class: 'form-lead' }, `Item #${i.id}, received ${i.received_on}, filed as `, h('strong', null, i.kind), '.'),
    formErrorBox(),
    field('Kind', kind, 'A dispute, cease, bankruptcy or attorney letter records its hold on the account. A hold recorded before stays until it is released in Events.'),
    actions('Change kind', 'submit-kind'),
  );
  submitter(form, async () => {
    if (kind.value === i.kind) {
      closeDialog();
      return;
    }
    const r = await correspondenceApi.setKind(i.id, kind.value);
    closeDialog();
    await reload(`Item #${r.id} is now ${r.kind}${r.event && !r.event.released_at && HOLD_KINDS.includes(r.kind) ? `; ${eventLabel(r.event.type)} holds the account` : ''}.`);
  });
  openDialog('Change the kind', form);
}

async function showText(i: CorrespondenceItem): Promise<void> {
  try {
    const full = await get<CorrespondenceItem & { body_text: string | null }>(url(`/correspondence/${i.id}`));
    openDialog(i.subject ?? `Item #${i.id}`, h('div', { class: 'corr-text', id: 'correspondence-text' }, full.body_text ?? ''), { wide: true });
  } catch (e) {
    flash(errorText(e), 'error');
  }
}

/** The file as base64 (FileReader: the data URL's part after the comma). */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const s = String(r.result ?? '');
      resolve(s.slice(s.indexOf(',') + 1));
    };
    r.onerror = () => reject(localError(`The file could not be read: ${r.error?.message ?? 'unknown error'}`, 'document'));
    r.readAsDataURL(file);
  });
}

function contentType(file: File): string | null {
  const ext = file.name.toLowerCase().split('.').pop() ?? '';
  const byName = DOC_TYPES[ext] ?? null;
  const known = Object.values(DOC_TYPES);
  if (file.type && known.includes(file.type)) return file.type;
  return byName;
}

function openUpload(acct: Account, reload: Reload): void {
  const file = h('input', { type: 'file', name: 'document', id: 'corr-file', accept: '.pdf,.png,.jpg,.jpeg,.tif,.tiff,.txt,.eml,application/pdf,image/png,image/jpeg,image/tiff,text/plain,message/rfc822' });
  const channel = select('channel', CHANNELS, 'mail', { id: 'corr-channel' });
  const received = h('input', { type: 'date', name: 'received_on', id: 'corr-received', value: today(), max: today(), required: true });
  const kind = select('kind', [['', 'Suggest from text'], ...CORR_KINDS.map((k): [string, string] => [k, label(k)])], '', { id: 'corr-kind' });
  const subject = h('input', { name: 'subject', id: 'corr-subject', maxlength: 200, autocomplete: 'off', placeholder: 'Optional: an email’s subject, a short description' });
  const text = h('textarea', { name: 'body_text', id: 'corr-text', rows: 4, placeholder: 'Optional: the email’s text, or what the letter says (the classifier reads it)' });
  const kindHint = h('small', { class: 'hint', id: 'corr-kind-hint' }, 'The server reads the subject, the text and a .txt or .eml document, and files the item as the kind it suggests.');
  kind.addEventListener('change', () => {
    kindHint.textContent = kind.value
      ? HOLD_KINDS.includes(kind.value)
        ? `Filing a ${kind.value} records its hold on the account.`
        : 'The item is filed as you chose; the server’s suggestion is kept beside it.'
      : 'The server reads the subject, the text and a .txt or .eml document, and files the item as the kind it suggests.';
  });
  const form = h(
    'form',
    { class: 'form', id: 'upload-form', novalidate: true },
    formErrorBox(),
    h('div', { class: 'field' }, h('label', { for: 'corr-file' }, 'Document'), file, h('small', { class: 'hint' }, 'PDF, PNG, JPEG, TIFF, text or .eml, up to 10 MB. Optional when you type the text.')),
    h('div', { class: 'row' }, field('Channel', channel), field('Received', received)),
    h('div', { class: 'field' }, h('label', { for: 'corr-kind' }, 'Kind'), kind, kindHint),
    field('Subject', subject),
    field('Text', text),
    h('p', { class: 'hint' }, 'A dispute, cease, bankruptcy notice or attorney letter puts the account on hold from the day it was received.'),
    actions('File it', 'submit-upload'),
  );
  submitter(form, async () => {
    if (!received.value) throw localError('Enter the date it was received.', 'received_on');
    const f = file.files?.[0] ?? null;
    if (!f && !text.value.trim() && !subject.value.trim()) throw localError('Choose the document, or type its text.', 'document');
    const filing: CorrespondenceFiling = { channel: channel.value, received_on: received.value };
    if (kind.value) filing.kind = kind.value;
    if (subject.value.trim()) filing.subject = subject.value.trim();
    if (text.value.trim()) filing.body_text = text.value;
    if (f) {
      const type = contentType(f);
      if (!type) throw localError('The document must be a PDF, PNG, JPEG, TIFF, plain text or .eml file.', 'document');
      if (f.size > DOC_MAX_BYTES) throw localError('The document is larger than 10 MB.', 'document');
      if (f.size === 0) throw localError('The document is empty.', 'document');
      filing.document = { file_name: f.name, content_type: type, content_base64: await readBase64(f) };
    }
    const item = await correspondenceApi.add(acct.id, filing);
    closeDialog();
    justFiled = { accountId: acct.id, item };
    await reload(`Filed as ${item.kind}${item.event ? '; the account is on hold' : ''}.`);
  });
  // The server names document.* fields: the file input carries them.
  file.setAttribute('data-field', 'document.content_base64');
  openDialog('Upload correspondence', form, { wide: true });
}
