// Audit log (GET /api/v1/audit) for supervisors, compliance and admins.
import { get, url } from '../api';
import { h, replace } from '../dom';
import { dateTime, dash } from '../format';
import type { AuditEvent } from '../types';

interface AuditPage {
  items: AuditEvent[];
  next_after?: number | null;
  next_before?: number | null;
}
import { errorText, field } from '../ui';
import { go, type View } from '../view';

function detailText(d: unknown): string {
  if (d === null || d === undefined || d === '') return '';
  if (typeof d === 'string') return d;
  return JSON.stringify(d);
}

export async function renderAudit(view: View): Promise<void> {
  document.title = 'Audit · arrears';
  const q = view.query;
  const entity = h('input', { name: 'entity', value: q.get('entity') ?? '', placeholder: 'account, payment…', size: 14 });
  const entityId = h('input', { name: 'entity_id', value: q.get('entity_id') ?? '', placeholder: 'id', size: 8 });
  const action = h('input', { name: 'action', value: q.get('action') ?? '', placeholder: 'pii.reveal…', size: 18 });
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const p = new URLSearchParams();
        if (entity.value.trim()) p.set('entity', entity.value.trim());
        if (entityId.value.trim()) p.set('entity_id', entityId.value.trim());
        if (action.value.trim()) p.set('action', action.value.trim());
        const s = p.toString();
        go(`#/audit${s ? `?${s}` : ''}`);
      },
    },
    field('Entity', entity),
    field('Entity id', entityId),
    field('Action', action),
    h('button', { type: 'submit', class: 'btn' }, 'Filter'),
  );
  const body = h('div', { class: 'panel-body flush' }, h('p', { class: 'loading' }, 'Loading…'));
  replace(
    view.main,
    h('div', { class: 'page' }, h('div', { class: 'page-head' }, h('h1', null, 'Audit log'), h('div', { class: 'spacer' }), form), h('section', { class: 'panel', 'aria-label': 'Audit events' }, body)),
  );
  let tbody: HTMLTableSectionElement | null = null;
  // Newest first: without ?after the server pages backwards with ?before and answers
  // next_before (docs/API.md documents only next_after; both are handled).
  const load = async (cursor: { before?: number; after?: number }): Promise<void> => {
    let page: AuditPage;
    try {
      page = await get<AuditPage>(
        url('/audit', { entity: q.get('entity'), entity_id: q.get('entity_id'), action: q.get('action'), limit: 100, ...cursor }),
      );
    } catch (e) {
      if (view.current()) replace(body, h('p', { class: 'error-text' }, errorText(e)));
      return;
    }
    if (!view.current()) return;
    const rows = page.items.map((ev) => {
      const detail = detailText(ev.detail);
      // Link to the account: the event's entity, or detail.account_id (reveals are
      // recorded on the debtor, calls on the contact, each naming the account).
      const detailAccount = (ev.detail as { account_id?: number | string } | null)?.account_id;
      const accountId = ev.entity === 'account' && ev.entity_id !== null && ev.entity_id !== '' ? ev.entity_id : detailAccount ?? null;
      return h(
        'tr',
        { 'data-action': ev.action },
        h('td', { class: 'num' }, String(ev.id)),
        h('td', { class: 'date' }, dateTime(ev.at)),
        h('td', null, dash(ev.actor)),
        h('td', null, h('code', null, ev.action)),
        h('td', null, dash(ev.entity)),
        h('td', null, dash(ev.entity_id)),
        h('td', null, accountId !== null && accountId !== undefined ? h('a', { href: `#/account/${encodeURIComponent(String(accountId))}` }, String(accountId)) : ''),
        h('td', { class: 'detail', title: detail }, detail),
      );
    });
    if (!tbody) {
      if (rows.length === 0) {
        replace(body, h('p', { class: 'empty' }, 'No audit events match.'));
        return;
      }
      tbody = h('tbody', null, rows);
      replace(
        body,
        h(
          'table',
          { class: 'grid audit' },
          h('thead', null, h('tr', null, ['#', 'When', 'Actor', 'Action', 'Entity', 'Entity id', 'Account', 'Detail'].map((t, i) => h('th', { scope: 'col', class: i === 0 ? 'num' : null }, t)))),
          tbody,
        ),
      );
    } else for (const r of rows) tbody.appendChild(r);
    body.querySelector('.more')?.remove();
    const next =
      page.next_before !== null && page.next_before !== undefined
        ? { before: page.next_before }
        : page.next_after !== null && page.next_after !== undefined
          ? { after: page.next_after }
          : null;
    if (next) {
      body.appendChild(h('div', { class: 'more' }, h('button', { type: 'button', class: 'btn', onclick: () => void load(next) }, 'Load older events')));
    }
  };
  await load({});
}
