// The Letters page (#/letters; supervisors, compliance and admins): the agency profile
// every letter carries (GET /api/v1/agency; an admin saves each changed field with
// PUT /api/v1/agency/{field}), the letter templates with their newest version in each
// language (GET /api/v1/letter-templates), and a template's text with its versions.
// Admins write a new version in an editor: Check parses it on the server and saves
// nothing; Save stores it as the next version (POST /api/v1/letter-templates/{name}/
// {language}); a text that does not parse comes back as "line L, column C: ..." and
// the editor marks that line (codeedit.ts, as on the Strategies page). Supervisors and
// compliance read everything and change nothing.
import { ApiError, letterApi } from '../api';
import { codeArea, refuseAt, type CodeArea } from '../codeedit';
import { h, replace, type Child } from '../dom';
import { dash, dateTime } from '../format';
import { can } from '../session';
import type { Agency, LetterTemplate, LetterTemplateDetail } from '../types';
import { badge, clearFormError, errorText, field, flash, formErrorBox, showFormError } from '../ui';
import type { View } from '../view';
import { templateLabel } from './correspondence';

const AGENCY_FIELDS: Array<[keyof Agency, string, string]> = [
  ['name', 'Agency name', 'The debt collector’s name, as letters say it'],
  ['street', 'Street', 'Where debtors mail disputes and payments'],
  ['city_line', 'City, state and ZIP', 'e.g. Dallas, TX 75202'],
  ['phone', 'Phone', 'e.g. (800) 555-0100'],
  ['hours', 'Hours', 'e.g. Monday to Friday, 8 a.m. to 8 p.m. Eastern'],
  ['email', 'Email', ''],
  ['website', 'Website', ''],
  ['dispute_url', 'Disputes online', 'Where disputes are accepted electronically'],
];

const LANGUAGES: Array<[string, string]> = [
  ['en', 'English'],
  ['es', 'Spanish'],
];

/** Where the user was: the template and language they looked at (this session). */
let selected: { name: string; language: string } | null = null;
/** What the editor held when the user left the page (unsaved; this session only). */
let draft: { name: string; language: string; base: string; text: string; note: string } | null = null;

export function repeatText(days: number): string {
  return days > 0 ? `every ${days} day${days === 1 ? '' : 's'}` : 'once';
}

function versionText(v: number): string {
  return v === 0 ? 'built in (v0)' : `version ${v}`;
}

// ---- the agency profile --------------------------------------------------------------

function agencyPanel(): HTMLElement {
  const body = h('div', { class: 'panel-body pad' }, h('p', { class: 'loading' }, 'Loading…'));
  const editing = can.editLetters();
  void letterApi.agency().then(
    (a) => replace(body, editing ? agencyForm(a) : agencyTable(a)),
    (e) => replace(body, h('p', { class: 'error-text' }, errorText(e))),
  );
  return h(
    'section',
    { class: 'panel agency-panel', id: 'agency', 'aria-labelledby': 'agency-title' },
    h('header', { class: 'panel-head' }, h('h2', { id: 'agency-title' }, 'Agency profile'), h('div', { class: 'panel-tools' }, h('span', { class: 'muted small' }, 'Printed on every letter'))),
    body,
  );
}

function agencyTable(a: Agency): HTMLElement {
  return h(
    'table',
    { class: 'kv agency-kv' },
    h(
      'tbody',
      null,
      AGENCY_FIELDS.map(([k, lbl]) => h('tr', { 'data-field': k }, h('th', { scope: 'row' }, lbl), h('td', null, dash(a[k])))),
    ),
  );
}

function agencyForm(start: Agency): HTMLFormElement {
  let saved: Agency = { ...start };
  const inputs = new Map<keyof Agency, HTMLInputElement>();
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'save-agency', disabled: true }, 'Save changes');
  const changed = () => AGENCY_FIELDS.filter(([k]) => (inputs.get(k)?.value.trim() ?? '') !== saved[k]);
  const paint = () => {
    const n = changed().length;
    submit.disabled = n === 0;
    submit.textContent = n > 1 ? `Save ${n} changes` : 'Save changes';
    for (const [k, el] of inputs) el.classList.toggle('changed', el.value.trim() !== saved[k]);
  };
  const rows = AGENCY_FIELDS.map(([k, lbl, hint]) => {
    const input = h('input', { name: k, id: `agency-${k}`, value: start[k], maxlength: 200, autocomplete: 'off' });
    input.addEventListener('input', paint);
    inputs.set(k, input);
    return field(lbl, input, hint || undefined);
  });
  const done = h('p', { class: 'notice saved-note', id: 'agency-saved', hidden: true });
  const form = h('form', { class: 'form agency-form', id: 'agency-form', novalidate: true }, rows, formErrorBox(), done, h('div', { class: 'form-actions' }, submit, h('small', { class: 'hint' }, 'Letters made from now on carry the new values; letters already made keep theirs.')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    done.hidden = true;
    const pending = changed();
    if (!pending.length) return;
    submit.disabled = true;
    const names: string[] = [];
    try {
      // One field at a time; a refusal stops there, naming the field.
      for (const [k, lbl] of pending) {
        try {
          saved = await letterApi.setAgency(k, inputs.get(k)?.value.trim() ?? '');
        } catch (err) {
          throw new ApiError(err instanceof ApiError ? err.status : 400, 'invalid', `${lbl}: ${errorText(err)}`, k);
        }
        names.push(lbl.toLowerCase());
      }
    } catch (err) {
      showFormError(form, err);
    } finally {
      if (names.length) {
        replace(done, h('strong', null, `Saved ${names.length === 1 ? names[0] : `${names.length} fields`}`), names.length > 1 ? ` (${names.join(', ')}).` : '.');
        done.hidden = false;
        flash(`Agency profile: saved ${names.join(', ')}.`);
      }
      paint();
    }
  });
  return form;
}

// ---- the templates list --------------------------------------------------------------

function templatesTable(list: LetterTemplate[], current: { name: string; language: string } | null, onOpen: (name: string, language: string) => void): HTMLElement {
  const names = [...new Set(list.map((t) => t.name))].sort();
  const of = (name: string, lang: string) => list.find((t) => t.name === name && t.language === lang) ?? null;
  const t = h(
    'table',
    { class: 'grid rows-link templates', id: 'template-list' },
    h('thead', null, h('tr', null, ['Template', 'English', 'Spanish'].map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      null,
      names.map((name) => {
        const first = of(name, 'en') ?? list.find((x) => x.name === name);
        return h(
          'tr',
          { 'data-name': name, class: current?.name === name ? 'selected' : null, 'aria-current': current?.name === name ? 'true' : null },
          h(
            'td',
            null,
            h('div', { class: 'strong' }, templateLabel(name)),
            h('div', { class: 'muted small tpl-meta' }, h('span', { class: 'mono' }, name), first ? [' · ', first.kind === 'collection' ? first.kind : h('span', { class: 'tpl-kind' }, first.kind), ` · ${repeatText(first.repeat_days)}`] : null),
          ),
          LANGUAGES.map(([lang]) => {
            const v = of(name, lang);
            return h(
              'td',
              { class: 'nowrap' },
              v
                ? h(
                    'button',
                    { type: 'button', class: `link-btn lang-version${current?.name === name && current.language === lang ? ' strong' : ''}`, 'data-language': lang, title: v.saved_by ? `Saved by ${v.saved_by}, ${dateTime(v.saved_at)}${v.note ? `: ${v.note}` : ''}` : 'The file shipped with arrears' },
                    v.version === 0 ? 'built in' : `v${v.version}`,
                  )
                : h('span', { class: 'muted' }, '—'),
            );
          }),
        );
      }),
    ),
  );
  t.addEventListener('click', (ev) => {
    const target = ev.target as HTMLElement;
    const tr = target.closest('tr[data-name]') as HTMLElement | null;
    if (!tr) return;
    const btn = target.closest('button[data-language]') as HTMLElement | null;
    onOpen(tr.dataset.name ?? '', btn?.dataset.language ?? current?.language ?? 'en');
  });
  return t;
}

// ---- one template: versions, text, editor --------------------------------------------

interface TemplateEditor {
  el: HTMLElement;
  /** Loads a template's version (asks first when the editor holds unsaved changes). */
  open(name: string, language: string, version?: number): Promise<boolean>;
}

function templateEditor(onSaved: () => Promise<void>): TemplateEditor {
  const editing = can.editLetters();
  const title = h('h2', { id: 'template-title' }, 'Template');
  const meta = h('span', { class: 'muted small', id: 'template-meta' });
  const langSwitch = h('div', { class: 'seg', role: 'group', 'aria-label': 'Language', id: 'template-language' });
  const versionsBody = h('div', { class: 'versions-scroll', id: 'template-versions' });
  const area: CodeArea = codeArea({ id: 'template-text', name: 'text', 'aria-label': 'Template text', 'aria-describedby': 'template-text-hint', readonly: !editing, rows: 24 });
  const text = area.text;
  const note = h('input', { id: 'template-note', name: 'note', maxlength: 200, autocomplete: 'off', placeholder: 'What this version changes (optional)' });
  const stats = h('span', { class: 'muted small', id: 'template-stats' });
  const from = h('span', { class: 'muted small', id: 'template-from' });
  const saved = h('p', { class: 'notice saved-note', id: 'template-saved', hidden: true });
  const save = h('button', { type: 'submit', class: 'btn primary', id: 'save-template', title: 'Save as a new version (Ctrl+Enter)' }, 'Save new version');
  const check = h('button', { type: 'button', class: 'btn', id: 'check-template', title: 'Check the template without saving it' }, 'Check');
  let cur: LetterTemplateDetail | null = null;
  let base = '';

  const paintStats = () => {
    const n = text.value.split('\n').length;
    stats.textContent = `${n} line${n === 1 ? '' : 's'}${editing && text.value !== base ? ' · changed' : ''}`;
  };
  const remember = () => {
    if (!editing || !cur) return;
    draft = { name: cur.name, language: cur.language, base, text: text.value, note: note.value };
  };
  text.addEventListener('input', () => {
    paintStats();
    remember();
  });
  note.addEventListener('input', remember);
  text.addEventListener('keydown', (e) => {
    if (editing && (e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  const form = h(
    'form',
    { class: 'form strategy-form template-form', id: 'template-form', novalidate: true },
    editing ? field('Note', note) : null,
    area.el,
    h('div', { class: 'editor-foot' }, stats, from),
    formErrorBox(),
    saved,
    editing
      ? h(
          'div',
          { class: 'form-actions' },
          save,
          check,
          h('small', { class: 'hint', id: 'template-text-hint' }, 'A saved version is used for every letter of this template made from then on; earlier letters keep the version they were made with.'),
        )
      : h('p', { class: 'hint', id: 'template-text-hint' }, 'Read-only: administrators edit templates.'),
  );

  const dirty = () => editing && !!cur && (text.value !== base || note.value.trim() !== '');

  const paintVersions = () => {
    if (!cur) return;
    const d = cur;
    replace(
      versionsBody,
      h(
        'table',
        { class: 'grid rows-link versions template-versions' },
        h('thead', null, h('tr', null, ['Version', 'Saved, and why'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          null,
          d.versions.map((v, i) =>
            h(
              'tr',
              { 'data-version': v.version, class: v.version === d.version ? 'selected' : null, 'aria-current': v.version === d.version ? 'true' : null, title: `Show ${versionText(v.version)}` },
              h('td', { class: 'nowrap' }, h('button', { type: 'button', class: 'link-btn strong' }, v.version === 0 ? 'Built-in' : `v${v.version}`), i === 0 ? [' ', badge('in use', 'ok')] : null),
              h(
                'td',
                { class: 'version-note' },
                h('span', { class: 'nowrap' }, dash(v.saved_by)),
                v.saved_at ? h('span', { class: 'muted small date' }, ` · ${dateTime(v.saved_at)}`) : null,
                v.note ? h('div', { class: 'small' }, v.note) : null,
              ),
            ),
          ),
        ),
      ),
    );
  };

  const paintHead = () => {
    if (!cur) return;
    const d = cur;
    title.textContent = templateLabel(d.name);
    replace(meta, h('span', { class: 'mono' }, d.name), ` · ${d.kind} · ${repeatText(d.repeat_days)}`);
    replace(
      langSwitch,
      LANGUAGES.map(([lang, lbl]) =>
        h(
          'button',
          { type: 'button', class: `seg-btn${lang === d.language ? ' on' : ''}`, 'data-language': lang, 'aria-pressed': lang === d.language ? 'true' : 'false', onclick: () => void api.open(d.name, lang) },
          lbl,
        ),
      ),
    );
  };

  const load = (d: LetterTemplateDetail) => {
    cur = d;
    base = d.text;
    text.value = d.text;
    note.value = '';
    area.clearMark();
    clearFormError(form);
    saved.hidden = true;
    from.textContent = d.version === d.versions[0]?.version ? `${versionText(d.version)}, in use` : `from ${versionText(d.version)} (not the one in use)`;
    text.scrollTop = 0;
    area.refresh();
    paintHead();
    paintVersions();
    paintStats();
  };

  versionsBody.addEventListener('click', (ev) => {
    const tr = (ev.target as HTMLElement).closest('tr[data-version]') as HTMLElement | null;
    if (tr && cur) void api.open(cur.name, cur.language, Number(tr.dataset.version));
  });

  // Checking and saving start alike: the last error and notice cleared, an empty text
  // refused here; a refusal marks the line and column the server names.
  const begin = (): boolean => {
    clearFormError(form);
    area.clearMark();
    saved.hidden = true;
    if (text.value.trim()) return true;
    showFormError(form, new ApiError(400, 'invalid', 'The template is empty.', 'text'));
    return false;
  };
  check.addEventListener('click', async () => {
    if (!begin()) return;
    check.disabled = true;
    try {
      const c = await letterApi.check(text.value);
      replace(saved, h('strong', null, 'The template checks out'), `: kind ${c.kind}, sent ${repeatText(c.repeat_days)}. Nothing was saved.`);
      saved.hidden = false;
    } catch (err) {
      refuseAt(form, area, err);
    } finally {
      check.disabled = false;
    }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!editing || !cur || !begin()) return;
    const d = cur;
    save.disabled = true;
    let s: LetterTemplate;
    try {
      s = await letterApi.save(d.name, d.language, text.value, note.value.trim() || undefined);
    } catch (err) {
      save.disabled = false;
      refuseAt(form, area, err);
      return;
    }
    save.disabled = false;
    draft = null;
    flash(`Saved ${templateLabel(s.name)} (${s.language}) as version ${s.version}.`);
    try {
      const fresh = await letterApi.template(s.name, s.language);
      load(fresh);
      await onSaved();
    } catch (err) {
      flash(`Saved, but the page did not refresh: ${errorText(err)}`, 'error');
    }
    replace(saved, h('strong', null, `Saved as version ${s.version}`), `: ${s.kind}, sent ${repeatText(s.repeat_days)}. Letters made from now on use it.`);
    saved.hidden = false;
  });

  const el = h(
    'section',
    { class: 'panel editor template-panel', id: 'template-panel', 'aria-labelledby': 'template-title' },
    h('header', { class: 'panel-head' }, title, meta, h('div', { class: 'panel-tools' }, langSwitch)),
    h('div', { class: 'template-grid' }, h('div', { class: 'panel-body pad' }, form), h('aside', { class: 'template-side', 'aria-label': 'Versions' }, h('div', { class: 'side-head' }, 'Versions'), versionsBody)),
  );

  const api: TemplateEditor = {
    el,
    async open(name, language, version) {
      if (dirty() && !window.confirm('Replace the text in the editor? Your changes there will be lost.')) return false;
      let d: LetterTemplateDetail;
      try {
        d = await letterApi.template(name, language, version);
      } catch (err) {
        flash(errorText(err), 'error');
        return false;
      }
      selected = { name, language };
      draft = null;
      load(d);
      return true;
    },
  };
  // A draft left on this page earlier: put back into the editor once its template loads.
  const restore = draft;
  if (editing && restore && restore.text !== restore.base) {
    void letterApi.template(restore.name, restore.language).then((d) => {
      load(d);
      base = restore.base;
      text.value = restore.text;
      note.value = restore.note;
      from.textContent = 'your unsaved draft';
      area.refresh();
      paintStats();
      draft = restore;
    });
  }
  return api;
}

// ---- the template format, in short ---------------------------------------------------

const FIELDS: Array<[string, string]> = [
  ['agency.name, agency.street, agency.city_line, agency.phone, agency.hours, agency.email, agency.website, agency.dispute_url', 'the agency profile (email, website and dispute_url may be empty)'],
  ['letter.date, letter.id', 'the mail date (long form) and the letter number'],
  ['debtor.name, debtor.street, debtor.city_line', 'to whom, where'],
  ['account.reference, account.number', 'our reference; the creditor’s number as ****1234'],
  ['creditor.current, creditor.original', 'the client; the creditor on the itemization date'],
  ['itemization.date, .amount, .interest, .fees, .payments, .current', 'the itemization of the debt'],
  ['validation.end_date, balance.current', 'the validation period’s end; the balance now'],
  ['plan.total, .installment, .count, .frequency, .first_due, .next_due', 'the payment plan'],
  ['settlement.amount, .due, .savings', 'the settlement'],
  ['payment.amount, payment.date', 'the most recent payment'],
  ['dispute.date, referral.name, referral.date', 'the dispute; the attorney referral'],
  ['optout.url', 'email only: the opt-out link'],
];

function formatHelp(): HTMLElement {
  const c = (s: string) => h('code', null, s);
  const dl = (rows: Array<[Child, Child]>) => h('dl', { class: 'help-dl' }, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
  const example = ['# A comment (header only)', 'subject: Reminder about your account', 'kind: collection', 'repeat: every 30 days', '---', '= {{agency.name}}', 'Dear {{debtor.name}},', 'The balance is {{balance.current}}.', '? payment.date', 'Thank you for your payment of {{payment.amount}}.', '? end', '| Amount owed | {{itemization.amount}}', '|= Total | {{itemization.current}}', '%% tearoff', '[ ] I want to set up a payment plan', '____ I enclosed this amount: $'];
  return h(
    'section',
    { class: 'panel help-panel', id: 'template-help', 'aria-labelledby': 'template-help-title' },
    h('header', { class: 'panel-head' }, h('h2', { id: 'template-help-title' }, 'The template format')),
    h(
      'div',
      { class: 'panel-body pad help-body' },
      h(
        'p',
        { class: 'help-lead' },
        'A header of ',
        c('subject:'),
        ' (the title and the email subject), ',
        c('kind:'),
        ' (collection, cease_ack, remedy, verification, ended) and ',
        c('repeat:'),
        ' (',
        c('once'),
        ' or ',
        c('every N days'),
        '), then ',
        c('---'),
        ' and the body, one construct per line.',
      ),
      h(
        'div',
        { class: 'help-cols two' },
        h(
          'div',
          null,
          h('h3', null, 'Body'),
          dl([
            [c('= TEXT'), 'a heading (bold, large)'],
            [c('== TEXT'), 'subheading'],
            ['plain lines', 'a paragraph (a blank line ends it)'],
            [c('| LABEL | VALUE'), 'a row of the itemization table'],
            [c('|= LABEL | VALUE'), 'a bold total row'],
            [c('[ ] TEXT'), 'a checkbox line'],
            [c('____ TEXT'), 'TEXT and a line to write on'],
            [c('%% tearoff'), 'the part the debtor detaches and returns'],
            [c('%% pagebreak'), 'a new page'],
            [[c('? FIELD'), ' … ', c('? end')], 'kept only when FIELD is not empty'],
            [[c('?! FIELD'), ' … ', c('? end')], 'kept only when FIELD is empty'],
            [c('{{field}}'), 'the field’s value (also in the subject)'],
          ]),
          h('h3', null, 'Example'),
          h('pre', { class: 'help-example' }, example.join('\n')),
        ),
        h('div', null, h('h3', null, 'Fields'), dl(FIELDS.map(([k, v]) => [h('span', { class: 'mono small field-names' }, k), v]))),
      ),
    ),
  );
}

// ---- the page ------------------------------------------------------------------------

export async function renderLetters(view: View): Promise<void> {
  document.title = 'Letters · arrears';
  const editing = can.editLetters();
  const count = h('span', { class: 'muted', id: 'templates-count' }, 'Loading…');
  const listBody = h('div', { class: 'panel-body flush' }, h('p', { class: 'loading empty' }, 'Loading…'));
  let list: LetterTemplate[] = [];

  const paintList = () => {
    const n = new Set(list.map((t) => t.name)).size;
    count.textContent = `${n} template${n === 1 ? '' : 's'} in English and Spanish`;
    replace(listBody, templatesTable(list, selected, (name, lang) => void open(name, lang)));
  };
  const reloadList = async () => {
    const l = await letterApi.templates();
    if (!view.current()) return;
    list = l;
    paintList();
  };
  const editor = templateEditor(reloadList);
  const open = async (name: string, lang: string) => {
    if (await editor.open(name, lang)) {
      paintList();
      if (window.innerWidth <= 1100) editor.el.scrollIntoView({ block: 'start', behavior: 'smooth' });
    }
  };

  replace(
    view.main,
    h(
      'div',
      { class: 'page letters-page' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, 'Letters'),
        count,
        h('div', { class: 'spacer' }),
        editing ? h('span', { class: 'muted' }, 'Every change is recorded in the audit log.') : h('span', { class: 'muted', id: 'read-only' }, 'Read-only: administrators edit templates and the agency profile.'),
      ),
      h(
        'div',
        { class: 'letters-grid' },
        h(
          'div',
          { class: 'letters-side' },
          h('section', { class: 'panel', 'aria-labelledby': 'templates-title' }, h('header', { class: 'panel-head' }, h('h2', { id: 'templates-title' }, 'Templates')), listBody),
          agencyPanel(),
        ),
        h('div', { class: 'letters-main' }, editor.el, formatHelp()),
      ),
    ),
  );

  try {
    await reloadList();
  } catch (e) {
    if (view.current()) {
      replace(listBody, h('p', { class: 'error-text' }, errorText(e)));
      count.textContent = '';
    }
    return;
  }
  if (!view.current()) return;
  if (draft && editing && draft.text !== draft.base) {
    selected = { name: draft.name, language: draft.language };
    paintList();
    return; // the editor restores the draft itself
  }
  const first = selected ?? (list.find((t) => t.name === 'validation_notice') ? { name: 'validation_notice', language: 'en' } : list[0] ? { name: list[0].name, language: list[0].language } : null);
  if (first) await open(first.name, first.language);
}
