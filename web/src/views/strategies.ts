// Collection strategies (#/strategies; GET/POST /api/v1/strategies, src/core/strategy.h)
// for supervisors, compliance and admins: the saved versions with their role
// (champion, challenger), the current assignment, a viewer for a version's text and its
// rules, and the liquidation report by version and arm. Supervisors and admins also
// write new versions in an editor (a text that does not parse comes back as "line L,
// column C: ..." and the editor marks that line) and choose the champion and a
// challenger with its share of the accounts (PUT /api/v1/strategies/assignment).
// Compliance reads everything and changes nothing.
import { ApiError, strategyApi } from '../api';
import { codeArea, refuseAt } from '../codeedit';
import { h, replace, type Child } from '../dom';
import { dateTime, money, today } from '../format';
import { can } from '../session';
import type { LiquidationRow, StrategyDetail, StrategyList, StrategySaved, StrategyVersion } from '../types';
import { badge, clearFormError, errorText, field, flash, formErrorBox, select, showFormError, table } from '../ui';
import type { View } from '../view';

/** The built-in strategy as a row of the versions list (it is not one of the items). */
const BUILT_IN: StrategyVersion = { id: 0, version: 0, note: 'built in', created_by: 'arrears', created_at: '', role: 'none' };

/** Saved versions never change, and neither does the built-in text: fetched once. */
const details = new Map<number, StrategyDetail>();

/** What the editor held when the user left the page (kept for this session only). */
let draft: { text: string; note: string; base: string } | null = null;

function loadDetail(id: number): Promise<StrategyDetail> {
  const hit = details.get(id);
  if (hit) return Promise.resolve(hit);
  return strategyApi.show(id).then((d) => (details.set(id, d), d));
}

export function versionName(version: number): string {
  return version === 0 ? 'Built-in (version 0)' : `Version ${version}`;
}

function short(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** 1062 basis points -> "10.62%" (integers only). */
export function percentBp(bp: number): string {
  const neg = bp < 0;
  const a = Math.abs(Math.trunc(bp));
  return `${neg ? '-' : ''}${Math.trunc(a / 100)}.${String(a % 100).padStart(2, '0')}%`;
}

/** The list's items with the built-in strategy last, each with its current role. */
function allVersions(list: StrategyList): StrategyVersion[] {
  return [...list.items, { ...BUILT_IN, role: list.champion_id === 0 ? 'champion' : 'none' }];
}

function byId(list: StrategyList, id: number | null): StrategyVersion | null {
  if (id === null || id === 0) return id === 0 ? BUILT_IN : null;
  return list.items.find((v) => v.id === id) ?? null;
}

function roleBadge(role: string, list: StrategyList): HTMLElement | null {
  if (role === 'champion') return badge('champion', 'ok');
  if (role === 'challenger') return badge(`challenger · ${list.challenger_pct}%`, 'info');
  return null;
}

// ---- the assignment ------------------------------------------------------------------

function assignmentSummary(list: StrategyList): HTMLElement {
  const champ = byId(list, list.champion_id) ?? BUILT_IN;
  const chall = byId(list, list.challenger_id);
  const pct = list.challenger_pct;
  const who = (v: StrategyVersion) =>
    v.id === 0
      ? h('span', { class: 'muted' }, list.assigned_by ? ' · the built-in rules' : ' · the default until a supervisor assigns a saved version')
      : h('span', { class: 'muted' }, [v.note ? ` · “${short(v.note, 80)}”` : '', ` · ${v.created_by}, ${dateTime(v.created_at)}`]);
  return h(
    'div',
    {
      class: 'assignment',
      id: 'strategy-assignment',
      'data-champion-id': champ.id,
      'data-challenger-id': chall ? chall.id : '',
      'data-challenger-pct': pct,
    },
    h(
      'div',
      { class: 'arm' },
      badge('champion', 'ok'),
      ' ',
      h('strong', { class: 'arm-name' }, versionName(champ.version)),
      who(champ),
      h('span', { class: 'arm-share' }, chall && pct > 0 ? `${100 - pct}% of accounts` : 'every account'),
    ),
    h(
      'div',
      { class: 'arm' },
      chall
        ? [
            badge('challenger', 'info'),
            ' ',
            h('strong', { class: 'arm-name' }, versionName(chall.version)),
            who(chall),
            h('span', { class: 'arm-share' }, pct > 0 ? `${pct}% of accounts` : '0%: it takes no accounts'),
          ]
        : [badge('challenger', 'muted'), ' ', h('span', { class: 'muted' }, 'None: the champion decides for every account.')],
    ),
    list.assigned_by && list.assigned_at
      ? h('p', { class: 'muted small assigned-by', id: 'assigned-by' }, `Assigned by ${list.assigned_by}, ${dateTime(list.assigned_at)}.`)
      : h('p', { class: 'muted small assigned-by', id: 'assigned-by' }, 'No supervisor has assigned a strategy yet.'),
  );
}

function assignForm(list: StrategyList, onAssigned: (l: StrategyList) => void): HTMLFormElement {
  const opts: Array<[string, string]> = list.items.map((v) => [String(v.id), `${versionName(v.version)}${v.note ? ` — ${short(v.note, 40)}` : ''}`]);
  const champion = select('champion_id', [['0', 'Built-in (version 0)'], ...opts], String(list.champion_id));
  const challenger = select('challenger_id', [['', 'No challenger'], ...opts], list.challenger_id === null ? '' : String(list.challenger_id), { 'data-field': 'challenger' });
  const pct = h('input', { type: 'number', name: 'challenger_pct', 'data-field': 'pct', min: 0, max: 50, step: 1, value: list.challenger_pct, class: 'num pct-input', inputmode: 'numeric', title: 'The challenger’s share of the accounts: 0 to 50 percent' });
  const syncPct = () => {
    pct.disabled = challenger.value === '';
    if (pct.disabled) pct.value = '0';
  };
  challenger.addEventListener('change', syncPct);
  syncPct();
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'assign-strategy' }, 'Assign');
  const form = h(
    'form',
    { class: 'form assign-form', id: 'assign-form', novalidate: true },
    h(
      'div',
      { class: 'row' },
      field('Champion', champion),
      field('Challenger', challenger),
      field('Share (%)', pct),
      h('div', { class: 'form-actions' }, submit),
    ),
    formErrorBox(),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const share = pct.value.trim() === '' ? 0 : Number(pct.value);
    if (!Number.isInteger(share) || share < 0 || share > 50) {
      showFormError(form, new ApiError(400, 'invalid', 'The challenger’s share is a whole number from 0 to 50.', 'challenger_pct'));
      return;
    }
    submit.disabled = true;
    try {
      const chall = challenger.value === '' ? null : Number(challenger.value);
      const l = await strategyApi.assign(Number(champion.value), chall, share);
      const c = byId(l, l.champion_id) ?? BUILT_IN;
      const lower = (t: string) => t.charAt(0).toLowerCase() + t.slice(1);
      flash(`${versionName(c.version)} is the champion${l.challenger_id ? `, ${lower(versionName(byId(l, l.challenger_id)?.version ?? 0))} the challenger on ${l.challenger_pct}% of accounts` : ''}. The next nightly batch uses ${l.challenger_id ? 'them' : 'it'}.`);
      onAssigned(l);
    } catch (err) {
      showFormError(form, err);
      submit.disabled = false;
    }
  });
  return form;
}

// ---- the versions list ---------------------------------------------------------------

function versionsTable(list: StrategyList, viewing: number, fresh: number | null, onView: (id: number) => void): HTMLElement {
  const rows = allVersions(list).map((v) =>
    h(
      'tr',
      {
        'data-strategy-id': v.id,
        'data-version': v.version,
        'data-role': v.role,
        class: [v.id === viewing ? 'selected' : '', v.id === fresh ? 'new' : ''].join(' ').trim() || null,
        'aria-current': v.id === viewing ? 'true' : null,
      },
      h('td', { class: 'nowrap' }, h('button', { type: 'button', class: 'link-btn strong view-version', title: `View ${versionName(v.version)}` }, v.version === 0 ? 'Built-in' : `v${v.version}`)),
      h('td', { class: 'version-note' }, v.id === 0 ? h('span', { class: 'muted' }, 'the default strategy') : v.note || h('span', { class: 'muted' }, '—')),
      h('td', { class: 'nowrap saved-cell' }, v.created_by, v.id === 0 ? null : h('div', { class: 'muted small date' }, dateTime(v.created_at))),
      h('td', { class: 'nowrap' }, roleBadge(v.role, list)),
    ),
  );
  const t = h(
    'table',
    { class: 'grid rows-link versions', id: 'strategy-versions' },
    h('thead', null, h('tr', null, ['Version', 'Note', 'Saved', 'Role'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, rows),
  );
  t.addEventListener('click', (ev) => {
    const tr = (ev.target as HTMLElement).closest('tr[data-strategy-id]') as HTMLElement | null;
    if (tr) onView(Number(tr.dataset.strategyId));
  });
  return t;
}

// ---- showing a strategy's text -------------------------------------------------------

const KEYWORDS = new Set(['rule', 'when', 'then', 'and', 'or', 'not', 'in', 'stop', 'priority']);
const ACTIONS = new Set(['queue', 'letter', 'email', 'skip_trace', 'escalate', 'hold']);

/** One line of strategy text with comments, strings, keywords and actions marked. */
function codeLine(text: string): Child[] {
  const out: Child[] = [];
  const re = /("[^"]*"?)|(#.*$)|([A-Za-z_][A-Za-z0-9_]*)|([^"#A-Za-z_]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[1] !== undefined) out.push(h('span', { class: 'tk-str' }, m[1]));
    else if (m[2] !== undefined) out.push(h('span', { class: 'tk-com' }, m[2]));
    else if (m[3] !== undefined) out.push(KEYWORDS.has(m[3]) ? h('span', { class: 'tk-kw' }, m[3]) : ACTIONS.has(m[3]) ? h('span', { class: 'tk-act' }, m[3]) : m[3]);
    else out.push(m[4]);
  }
  return out;
}

function viewerPanel(d: StrategyDetail, list: StrategyList, onCopy: ((d: StrategyDetail) => void) | null): HTMLElement {
  const lines = d.text.replace(/\n$/, '').split('\n');
  const ruleAt = new Map(d.rules.map((r) => [r.line, r.title]));
  const code = h(
    'div',
    { class: 'code-view', tabindex: 0, 'aria-label': `${versionName(d.version)}: text` },
    lines.map((l, i) => h('div', { class: `cl${ruleAt.has(i + 1) ? ' rule-start' : ''}`, 'data-line': i + 1 }, h('span', { class: 'ln', 'aria-hidden': 'true' }, String(i + 1)), h('span', { class: 'ct' }, codeLine(l)))),
  );
  const goLine = (line: number) => {
    for (const el of Array.from(code.querySelectorAll('.cl.hl'))) el.classList.remove('hl');
    const el = code.querySelector<HTMLElement>(`.cl[data-line="${line}"]`);
    if (!el) return;
    el.classList.add('hl');
    code.scrollTop = Math.max(0, el.offsetTop - code.clientHeight / 3);
  };
  const role = allVersions(list).find((v) => v.id === d.id)?.role ?? 'none';
  return h(
    'section',
    { class: 'panel viewer', id: 'strategy-viewer', 'data-strategy-id': d.id, 'aria-labelledby': 'viewer-title' },
    h(
      'header',
      { class: 'panel-head' },
      h('h2', { id: 'viewer-title' }, versionName(d.version)),
      roleBadge(role, list),
      h('span', { class: 'muted small viewer-meta' }, d.id === 0 ? 'built in' : [d.note ? `“${short(d.note, 60)}” · ` : '', `${d.created_by}, ${dateTime(d.created_at)}`]),
      onCopy ? h('div', { class: 'panel-tools' }, h('button', { type: 'button', class: 'btn small', id: 'copy-to-editor', onclick: () => onCopy(d), title: 'Start a new version from this text' }, 'Edit a copy')) : null,
    ),
    h(
      'div',
      { class: 'viewer-body' },
      code,
      h(
        'nav',
        { class: 'rule-list', 'aria-label': 'Rules' },
        h('div', { class: 'rule-list-head' }, `${d.rules.length} rule${d.rules.length === 1 ? '' : 's'}`, h('span', { class: 'muted' }, ' · top to bottom')),
        h(
          'ol',
          null,
          d.rules.map((r) => h('li', null, h('button', { type: 'button', class: 'link-btn rule-title', 'data-line': r.line, onclick: () => goLine(r.line), title: `Line ${r.line}` }, r.title))),
        ),
      ),
    ),
  );
}

// ---- the editor ----------------------------------------------------------------------

interface Editor {
  el: HTMLElement;
  /** Replaces the text (asks first when the user changed what was there). */
  load(text: string, from: string, ask?: boolean): void;
  /** Puts back a draft the user left: its base text, what they typed and the note. */
  restore(d: { text: string; note: string; base: string }): void;
  focus(): void;
}

function strategyEditor(onSaved: (s: StrategySaved) => Promise<void>): Editor {
  const area = codeArea({ id: 'strategy-text', name: 'text', 'aria-label': 'Strategy text', 'aria-describedby': 'strategy-text-hint' });
  const text = area.text;
  const note = h('input', { id: 'strategy-note', name: 'note', maxlength: 200, autocomplete: 'off', placeholder: 'What this version changes (optional)' });
  const from = h('span', { class: 'muted small', id: 'editor-from' });
  const stats = h('span', { class: 'muted small', id: 'editor-stats' });
  const saved = h('p', { class: 'notice saved-note', id: 'strategy-saved', hidden: true });
  const save = h('button', { type: 'submit', class: 'btn primary', id: 'save-strategy', title: 'Save as a new version (Ctrl+Enter)' }, 'Save new version');
  const check = h('button', { type: 'button', class: 'btn', id: 'check-strategy', title: 'Check the rules without saving them' }, 'Check');
  let base = '';

  const paintStats = () => {
    const n = text.value.split('\n').length;
    stats.textContent = `${n} line${n === 1 ? '' : 's'}${text.value !== base ? ' · changed' : ''}`;
  };
  const remember = () => {
    draft = { text: text.value, note: note.value, base };
  };
  text.addEventListener('input', () => {
    paintStats();
    remember();
  });
  note.addEventListener('input', remember);
  text.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  const form = h(
    'form',
    { class: 'form strategy-form', id: 'strategy-form', novalidate: true },
    field('Note', note),
    area.el,
    h('div', { class: 'editor-foot' }, stats, from),
    formErrorBox(),
    saved,
    h(
      'div',
      { class: 'form-actions' },
      save,
      check,
      h('small', { class: 'hint', id: 'strategy-text-hint' }, 'A new version changes nothing until it is assigned as champion or challenger.'),
    ),
  );
  // Checking and saving start alike: the last error and notice cleared, an empty text
  // refused here; and a refusal marks the line and column the server names.
  const begin = (): boolean => {
    clearFormError(form);
    area.clearMark();
    saved.hidden = true;
    if (text.value.trim()) return true;
    showFormError(form, new ApiError(400, 'invalid', 'Write at least one rule.', 'text'));
    return false;
  };
  const refused = (err: unknown) => refuseAt(form, area, err);
  // Checking parses the text on the server, exactly as saving would, and saves nothing.
  check.addEventListener('click', async () => {
    if (!begin()) return;
    check.disabled = true;
    try {
      const c = await strategyApi.check(text.value);
      const n = c.rules.length;
      replace(saved, h('strong', null, `The rules check out: ${n} rule${n === 1 ? '' : 's'}`), ` (${c.rules.map((r) => r.title).join(', ')}). Nothing was saved.`);
      saved.hidden = false;
    } catch (err) {
      refused(err);
    } finally {
      check.disabled = false;
    }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!begin()) return;
    save.disabled = true;
    let s: StrategySaved;
    try {
      s = await strategyApi.save(text.value, note.value.trim() || undefined);
    } catch (err) {
      save.disabled = false;
      refused(err);
      return;
    }
    save.disabled = false;
    base = text.value;
    note.value = '';
    draft = null;
    paintStats();
    replace(saved, h('strong', null, `Saved as ${versionName(s.version)}`), ` with ${s.rules} rule${s.rules === 1 ? '' : 's'}. Assign it above to have the nightly batch use it.`);
    saved.hidden = false;
    from.textContent = `from ${versionName(s.version)}`;
    flash(`Saved ${versionName(s.version)} (${s.rules} rule${s.rules === 1 ? '' : 's'}).`);
    try {
      await onSaved(s);
    } catch (err) {
      flash(`Saved, but the list did not refresh: ${errorText(err)}`, 'error');
    }
  });

  const panel = h(
    'section',
    { class: 'panel editor', 'aria-labelledby': 'editor-title' },
    h('header', { class: 'panel-head' }, h('h2', { id: 'editor-title' }, 'Write a new version'), h('div', { class: 'panel-tools' }, h('span', { class: 'muted small' }, 'Ctrl+Enter saves'))),
    h('div', { class: 'panel-body pad' }, form),
  );
  return {
    el: panel,
    load(t: string, source: string, ask = false) {
      if (ask && text.value !== base && text.value.trim() && !window.confirm('Replace the text in the editor? Your changes there will be lost.')) return;
      base = t;
      text.value = t;
      area.clearMark();
      clearFormError(form);
      saved.hidden = true;
      from.textContent = `from ${source}`;
      text.scrollTop = 0;
      area.refresh();
      paintStats();
      remember();
    },
    restore(d) {
      this.load(d.base, 'your unsaved draft');
      text.value = d.text;
      note.value = d.note;
      area.refresh();
      paintStats();
      remember();
    },
    focus() {
      text.focus();
    },
  } satisfies Editor;
}

/** Puts back the session's draft into a fresh editor when it holds unsaved changes. */
function restoreDraft(ed: Editor): boolean {
  if (!draft || (draft.text === draft.base && !draft.note.trim())) return false;
  ed.restore(draft);
  return true;
}

// ---- the language, in short ----------------------------------------------------------

function helpPanel(): HTMLElement {
  const dl = (rows: Array<[Child, Child]>) => h('dl', { class: 'help-dl' }, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
  const c = (s: string) => h('code', null, s);
  const words = (...ws: string[]) => ws.map((w, i) => [i ? ' ' : '', c(w)]);
  const example = [
    '# Anything after # is a comment.',
    'rule "new placement" when days_since_placement <= 30 and not disputed',
    '  then letter validation_notice; queue new',
    'rule "broken promise" when promise_broken then queue call_now priority 90; stop',
    'rule "large and silent"',
    '  when balance >= 500.00 and days_since_payment > 60 and state in (NY, CA)',
    '  then queue call_now priority 70; skip_trace',
    'rule "small" when balance < 50.00 then hold "below threshold"',
    'rule "old" when age_bucket = "3y+" or time_barred then escalate attorney_review',
    'rule "everyone else" then queue general',
  ];
  const fields = [
    h('h3', null, 'Fields'),
    dl([
      ['Money', [words('balance', 'principal'), ' in dollars: ', c('500.00')]],
      ['Days', words('days_since_placement', 'days_since_payment', 'days_past_due')],
      ['Counts', [words('payments_count', 'contacts_7d', 'score'), ' (0–1000)']],
      ['Text', [c('state'), ' (', c('NY'), ') ', words('client', 'account_type', 'age_bucket')]],
      ['Yes/no', words('disputed', 'time_barred', 'promise_broken', 'plan_active', 'has_phone', 'has_email', 'cease', 'bankruptcy', 'deceased')],
    ]),
  ];
  const conditions = [
    h('h3', null, 'Conditions'),
    dl([
      ['Compare', [words('=', '!=', '<', '<=', '>', '>='), ' as in ', c('balance >= 500.00')]],
      ['Lists', [c('state in (NY, CA)'), ', ', c('state not in (NY, CA)')]],
      ['Combine', [words('and', 'or', 'not', '( … )'), ': ', c('not'), ' binds tighter than ', c('and'), ', ', c('and'), ' than ', c('or')]],
      ['Yes/no', [c('disputed'), ' alone, or ', c('not disputed')]],
      ['Missing', ['never paid or unscored makes every comparison false: write ', c('days_since_payment = never'), ' or ', c('score = unscored')]],
      ['Text', ['a bare word or ', c('"3y+"'), '; ', c('""'), ' is missing; case matters']],
    ]),
  ];
  const actions = [
    h('h3', null, 'Actions, separated by ;'),
    dl([
      [c('queue NAME priority N'), 'work queue NAME; N is 0–100, higher is worked first (optional)'],
      [c('letter TEMPLATE'), 'send a letter'],
      [c('email TEMPLATE'), 'send an email'],
      [c('skip_trace'), 'look for new contact information'],
      [c('escalate NAME'), ['refer it: ', words('attorney_review', 'supervisor'), ', …']],
      [c('hold "REASON"'), 'do not work the account, and say why'],
      [c('stop'), 'the last action of a rule: the rules below are not read'],
    ]),
    h('p', { class: 'hint' }, 'Names are lower-case letters, digits and _ (up to 32). The compliance engine still checks every letter and call. Limits: 64 rules; 16 actions and 32 comparisons a rule.'),
  ];
  const sample = [h('h3', null, 'Example'), h('pre', { class: 'help-example' }, example.map((l) => h('div', null, codeLine(l))))];
  return h(
    'section',
    { class: 'panel help-panel', id: 'strategy-help', 'aria-labelledby': 'help-title' },
    h('header', { class: 'panel-head' }, h('h2', { id: 'help-title' }, 'The strategy language')),
    h(
      'div',
      { class: 'panel-body pad help-body' },
      h(
        'p',
        { class: 'help-lead' },
        'Rules are read top to bottom. Every rule whose condition holds adds its actions; a rule ending in ',
        c('stop'),
        ' ends the reading for that account. A rule is ',
        c('rule "TITLE" when CONDITION then ACTION; ACTION'),
        ' (without ',
        c('when'),
        ' it applies to every account that reaches it). Titles must differ; a long rule may span lines.',
      ),
      h('div', { class: 'help-cols' }, h('div', null, fields, conditions), h('div', null, actions, sample)),
    ),
  );
}

// ---- the liquidation report ----------------------------------------------------------

function daysAgo(n: number): string {
  const d = new Date();
  d.setDate(d.getDate() - n);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function reportTable(items: LiquidationRow[]): HTMLElement {
  const best = Math.max(1, ...items.map((r) => r.liquidation_bp));
  return table(
    [
      { label: 'Strategy' },
      { label: 'Arm' },
      { label: 'Accounts', cls: 'num' },
      { label: 'Balance at start', cls: 'num', title: 'The accounts’ balance when the period began, from the ledger' },
      { label: 'Placed in period', cls: 'num', title: 'Placements with an effective date in the period' },
      { label: 'Collected', cls: 'num', title: 'Payments with an effective date in the period' },
      { label: 'Liquidation', cls: 'num', title: 'Collected ÷ (balance at start + placed in period)' },
      { label: '', cls: 'bar-cell' },
    ],
    items.map((r) => [
      h('strong', null, versionName(r.strategy_version)),
      badge(r.arm, r.arm === 'challenger' ? 'info' : 'ok'),
      r.accounts.toLocaleString('en-US'),
      money(r.balance_at_start_cents),
      money(r.placed_in_period_cents),
      money(r.collected_cents),
      h('strong', { class: 'liq' }, percentBp(r.liquidation_bp)),
      h('div', { class: 'bar thin', 'aria-hidden': 'true' }, h('div', { class: 'bar-fill', style: `width:${Math.round((Math.max(0, r.liquidation_bp) * 100) / best)}%` })),
    ]),
    { empty: 'No account has been through the nightly batch yet: run it to see liquidation by strategy.', cls: 'liquidation', caption: 'Liquidation by strategy version and arm' },
  );
}

function reportSection(view: View): HTMLElement {
  const from = h('input', { type: 'date', name: 'from', id: 'liq-from', value: daysAgo(29), required: true });
  const to = h('input', { type: 'date', name: 'to', id: 'liq-to', value: today(), required: true });
  const out = h('div', { class: 'panel-body flush', id: 'liquidation' }, h('p', { class: 'loading empty' }, 'Loading…'));
  const form = h('form', { class: 'form inline', id: 'liquidation-form' }, field('From', from), field('To', to), h('button', { type: 'submit', class: 'btn' }, 'Run'));
  const run = async () => {
    replace(out, h('p', { class: 'loading empty' }, 'Loading…'));
    try {
      const r = await strategyApi.report(from.value, to.value);
      if (view.current()) replace(out, reportTable(r.items));
    } catch (e) {
      if (view.current()) replace(out, h('p', { class: 'error-text' }, errorText(e)));
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  void run();
  return h(
    'section',
    { class: 'liquidation-section', 'aria-labelledby': 'liq-title' },
    h(
      'div',
      { class: 'page-head' },
      h('h2', { class: 'page-h2', id: 'liq-title' }, 'Liquidation by strategy'),
      h('span', { class: 'muted' }, 'Collected in the period ÷ what could be collected in it (the balance at its start and what was placed during it), by the version and arm the latest batch gave each account.'),
      h('div', { class: 'spacer' }),
      form,
    ),
    h('div', { class: 'panel' }, out),
  );
}

// ---- the page ------------------------------------------------------------------------

export async function renderStrategies(view: View): Promise<void> {
  document.title = 'Strategies · arrears';
  const editing = can.editStrategies();
  const count = h('span', { class: 'muted', id: 'strategies-count' }, 'Loading…');
  const assignBody = h('div', { class: 'panel-body pad' }, h('p', { class: 'loading' }, 'Loading…'));
  const versionsBody = h('div', { class: 'panel-body flush versions-scroll' }, h('p', { class: 'loading empty' }, 'Loading…'));
  const viewerSlot = h('div', { class: 'viewer-slot' }, h('section', { class: 'panel' }, h('p', { class: 'loading empty' }, 'Loading…')));
  let list: StrategyList | null = null;
  let viewing = -1;
  let fresh: number | null = null;

  const editor = editing ? strategyEditor(async (s) => {
    fresh = s.id;
    await reload();
    await show(s.id);
  }) : null;

  const copy = editor
    ? (d: StrategyDetail) => {
        editor.load(d.text, versionName(d.version), true);
        editor.el.scrollIntoView({ block: 'start', behavior: 'smooth' });
        editor.focus();
      }
    : null;

  const paintVersions = () => {
    if (!list) return;
    const n = list.items.length;
    count.textContent = `${n} saved version${n === 1 ? '' : 's'}`;
    replace(versionsBody, versionsTable(list, viewing, fresh, (id) => void show(id)));
  };
  // Apart from the versions, so that viewing a version leaves a half-filled form alone.
  const paintAssignment = () => {
    if (!list) return;
    replace(
      assignBody,
      assignmentSummary(list),
      editing
        ? assignForm(list, (nl) => {
            list = nl;
            paint();
            void show(viewing);
          })
        : null,
    );
  };
  const paint = () => {
    paintVersions();
    paintAssignment();
  };

  const reload = async () => {
    const l = await strategyApi.list();
    if (!view.current()) return;
    list = l;
    paint();
  };

  const show = async (id: number) => {
    viewing = id;
    paintVersions();
    try {
      const d = await loadDetail(id);
      if (!view.current() || viewing !== id || !list) return;
      replace(viewerSlot, viewerPanel(d, list, copy));
    } catch (e) {
      if (view.current()) replace(viewerSlot, h('section', { class: 'panel' }, h('p', { class: 'error-text' }, errorText(e))));
    }
  };

  replace(
    view.main,
    h(
      'div',
      { class: 'page strategies-page' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, 'Strategies'),
        count,
        h('div', { class: 'spacer' }),
        editing ? h('span', { class: 'muted' }, 'Saving and assigning are recorded in the audit log.') : h('span', { class: 'muted', id: 'read-only' }, 'Read-only: supervisors and administrators write and assign strategies.'),
      ),
      h('section', { class: 'panel assignment-panel', 'aria-labelledby': 'assign-title' }, h('header', { class: 'panel-head' }, h('h2', { id: 'assign-title' }, 'Assignment'), h('div', { class: 'panel-tools' }, h('span', { class: 'muted small' }, 'The nightly batch splits accounts between the champion and the challenger.'))), assignBody),
      h(
        'div',
        { class: 'strategies-grid' },
        h('section', { class: 'panel', 'aria-labelledby': 'versions-title' }, h('header', { class: 'panel-head' }, h('h2', { id: 'versions-title' }, 'Versions')), versionsBody),
        viewerSlot,
      ),
      h('div', { class: `strategies-grid editor-grid${editor ? '' : ' read-only'}` }, editor?.el ?? null, helpPanel()),
      reportSection(view),
    ),
  );

  try {
    await reload();
  } catch (e) {
    if (view.current()) {
      replace(versionsBody, h('p', { class: 'error-text' }, errorText(e)));
      replace(assignBody, h('p', { class: 'error-text' }, errorText(e)));
      replace(viewerSlot);
      count.textContent = '';
    }
    return;
  }
  if (!view.current() || !list) return;
  const champion = (list as StrategyList).champion_id;
  await show(champion);
  if (!editor || !view.current()) return;
  if (restoreDraft(editor)) return;
  try {
    const d = await loadDetail(champion);
    if (view.current() && !(draft && draft.text !== draft.base)) editor.load(d.text, `the champion, ${versionName(d.version)}`);
  } catch (e) {
    flash(`Could not load the champion’s text: ${errorText(e)}`, 'error');
  }
}

