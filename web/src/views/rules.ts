// Compliance rules (GET /api/v1/compliance/rules) for supervisors, compliance and
// admins; an admin switches a rule on or off (PUT /api/v1/compliance/rules/{id}).
import { get, put, url } from '../api';
import { h, replace } from '../dom';
import { can } from '../session';
import type { Rule } from '../types';
import { badge, errorText, flash } from '../ui';
import type { View } from '../view';

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
