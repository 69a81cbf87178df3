// Compliance rules (GET /api/v1/compliance/rules) for supervisors, compliance and
// admins; an admin switches a rule on or off (PUT /api/v1/compliance/rules/{id}).
// Below them, the statute-of-limitations table (GET /api/v1/compliance/statutes),
// filtered by state code.
import { get, put, url } from '../api';
import { h, replace } from '../dom';
import { can } from '../session';
import type { Rule, Statute } from '../types';
import { badge, errorText, flash } from '../ui';
import type { View } from '../view';
import { SOL_CATEGORIES } from './debtfacts';

function toggle(rule: Rule, onChange: (r: Rule) => void): HTMLElement {
  const box = h('input', { type: 'checkbox', role: 'switch', class: 'switch', 'data-rule': rule.id, 'aria-label': `Rule ${rule.id} enabled`, title: rule.enabled ? 'On: click to switch off' : 'Off: click to switch on' });
  box.checked = rule.enabled;
  box.addEventListener('change', async () => {
    const want = box.checked;
    box.disabled = true;
    try {
      const r = await put<Rule>(url(`/compliance/rules/${encodeURIComponent(rule.id)}`), { enabled: want });
      onChange(r);
      flash(`Rule ${r.id} is now ${r.enabled ? 'on' : 'off'}.`);
    } catch (e) {
      box.checked = !want;
      flash(`Could not switch rule ${rule.id}: ${errorText(e)}`, 'error');
    } finally {
      box.disabled = false;
    }
  });
  return box;
}

function stateCell(rule: Rule): HTMLElement {
  return h('span', { class: 'rule-state' }, badge(rule.enabled ? 'on' : 'off', rule.enabled ? 'ok' : 'bad'));
}

export async function renderRules(view: View): Promise<void> {
  document.title = 'Rules · arrears';
  const count = h('span', { class: 'muted' });
  const body = h('div', { class: 'panel-body flush' }, h('p', { class: 'loading' }, 'Loading…'));
  replace(
    view.main,
    h(
      'div',
      { class: 'page' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, 'Compliance rules'),
        count,
        h('div', { class: 'spacer' }),
        h('span', { class: 'muted' }, can.editRules() ? 'Switching a rule is recorded in the audit log.' : 'Only an administrator can switch rules.'),
      ),
      h('section', { class: 'panel', 'aria-label': 'Compliance rules' }, body),
      statutesSection(view),
    ),
  );
  let rules: Rule[];
  try {
    rules = (await get<{ items: Rule[] }>(url('/compliance/rules'))).items;
  } catch (e) {
    if (view.current()) replace(body, h('p', { class: 'error-text' }, errorText(e)));
    return;
  }
  if (!view.current()) return;
  const off = () => rules.filter((r) => !r.enabled).length;
  const showCount = () => {
    count.textContent = `${rules.length} rules${off() ? ` · ${off()} off` : ''}`;
  };
  showCount();
  if (!rules.length) {
    replace(body, h('p', { class: 'empty' }, 'No rules.'));
    return;
  }
  const rows = rules.map((r) => {
    const tr = h('tr', { 'data-rule-id': r.id, class: r.enabled ? null : 'rule-off' });
    const state = h('td', { class: 'center nowrap' });
    const paint = (rule: Rule) => {
      tr.classList.toggle('rule-off', !rule.enabled);
      replace(state, can.editRules() ? [toggle(rule, (nr) => ((rules = rules.map((x) => (x.id === nr.id ? nr : x))), showCount(), paint(nr))), ' ', stateCell(rule)] : stateCell(rule));
    };
    paint(r);
    replace(
      tr,
      h('td', { class: 'nowrap' }, h('code', null, r.id)),
      h('td', null, r.jurisdiction),
      h('td', { class: 'citation' }, r.citation),
      h('td', { class: 'rule-title' }, r.title),
      h('td', null, h('code', null, r.reason)),
      state,
    );
    return tr;
  });
  replace(
    body,
    h(
      'table',
      { class: 'grid rules' },
      h('thead', null, h('tr', null, ['Rule', 'Jurisdiction', 'Citation', 'Title', 'Reason', 'On'].map((t) => h('th', { scope: 'col', class: t === 'On' ? 'center' : null }, t)))),
      h('tbody', null, rows),
    ),
  );
}

// ---- statutes of limitations -------------------------------------------------------

/** "tx, ca" -> rows whose state code starts with TX or CA; empty -> every row. */
function stateMatcher(text: string): (state: string) => boolean {
  const codes = text.toUpperCase().split(/[^A-Z]+/).filter(Boolean);
  return (state) => codes.length === 0 || codes.some((c) => state.startsWith(c));
}

function statuteRows(st: Statute): { row: HTMLTableRowElement; notes: HTMLTableRowElement } {
  const verify = /\bverify\b/i.test(st.notes);
  const notes = h('tr', { class: 'sol-notes', 'data-notes-for': st.state, hidden: true }, h('td', { colspan: SOL_CATEGORIES.length + 3 }, st.notes || 'No notes.'));
  const toggle = h('button', { type: 'button', class: 'link-btn sol-toggle', 'aria-expanded': 'false', title: 'Show how the periods were chosen' }, 'Notes');
  toggle.addEventListener('click', () => {
    notes.hidden = !notes.hidden;
    toggle.setAttribute('aria-expanded', String(!notes.hidden));
    toggle.textContent = notes.hidden ? 'Notes' : 'Hide';
    row.classList.toggle('open', !notes.hidden);
  });
  const row = h(
    'tr',
    { 'data-state': st.state, title: st.notes || null },
    h('td', { class: 'nowrap' }, h('strong', { class: 'mono' }, st.state), verify ? [' ', badge('verify', 'warn')] : null),
    SOL_CATEGORIES.map(([k]) => h('td', { class: 'center years', 'data-category': k }, String(st.years[k]))),
    h('td', { class: 'citation' }, st.citation),
    h('td', { class: 'nowrap' }, st.notes ? toggle : null),
  );
  return { row, notes };
}

function statutesSection(view: View): HTMLElement {
  const count = h('span', { class: 'muted', id: 'statutes-count' });
  const filter = h('input', { type: 'search', id: 'statute-filter', name: 'state', placeholder: 'TX, CA…', autocomplete: 'off', size: 12, 'aria-label': 'Filter by state code' });
  const body = h('div', { class: 'panel-body flush' }, h('p', { class: 'loading' }, 'Loading…'));
  const none = h('p', { class: 'empty', hidden: true }, 'No state matches the filter.');
  void get<{ items: Statute[] }>(url('/compliance/statutes')).then(
    ({ items }) => {
      if (!view.current()) return;
      if (!items.length) {
        replace(body, h('p', { class: 'empty' }, 'No statutes in the table.'));
        return;
      }
      const rows = items.map(statuteRows);
      const apply = () => {
        const match = stateMatcher(filter.value);
        let shown = 0;
        for (const { row, notes } of rows) {
          const ok = match(row.dataset.state ?? '');
          row.hidden = !ok;
          if (!ok) notes.hidden = true;
          else if (row.classList.contains('open')) notes.hidden = false;
          if (ok) shown++;
        }
        none.hidden = shown > 0;
        count.textContent = shown === items.length ? `${items.length} jurisdictions` : `${shown} of ${items.length}`;
      };
      filter.addEventListener('input', apply);
      replace(
        body,
        h(
          'table',
          { class: 'grid statutes' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, 'State'),
              SOL_CATEGORIES.map(([, name]) => h('th', { scope: 'col', class: 'center', title: `${name}: years` }, name)),
              h('th', { scope: 'col' }, 'Citation'),
              h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Notes')),
            ),
          ),
          h('tbody', null, rows.map(({ row, notes }) => [row, notes])),
        ),
        none,
      );
      apply();
    },
    (e) => {
      if (view.current()) replace(body, h('p', { class: 'error-text' }, errorText(e)));
    },
  );
  return h(
    'section',
    { class: 'statutes-section', id: 'statutes', 'aria-labelledby': 'statutes-title' },
    h(
      'div',
      { class: 'page-head' },
      h('h2', { class: 'page-h2', id: 'statutes-title' }, 'Statutes of limitations'),
      count,
      h('div', { class: 'spacer' }),
      h('span', { class: 'muted' }, 'Years by debt category. Rows marked verify await counsel’s review.'),
      h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: 'statute-filter' }, 'State'), filter)),
    ),
    h('div', { class: 'panel' }, body),
  );
}
