// The search box in the top bar: GET /api/v1/accounts/search?q= as you type;
// ↑/↓ choose, Enter opens the chosen (first) result, Esc closes.
import { get, url } from '../api';
import { h, replace } from '../dom';
import { money } from '../format';
import type { AccountSummary, Page } from '../types';
import { errorText } from '../ui';
import { go } from '../view';

export function searchBox() {
  const input = h('input', {
    type: 'search',
    id: 'search',
    name: 'q',
    placeholder: 'Search name, account no., phone, SSN last 4',
    autocomplete: 'off',
    spellcheck: 'false',
    role: 'combobox',
    'aria-expanded': 'false',
    'aria-controls': 'search-results',
    'aria-autocomplete': 'list',
    'aria-label': 'Search accounts',
  });
  const list = h('ul', { id: 'search-results', class: 'search-results', role: 'listbox', hidden: true });
  const el = h('div', { class: 'search', role: 'search' }, input, h('kbd', { class: 'search-key', 'aria-hidden': 'true' }, '/'), list);

  let items: AccountSummary[] = [];
  let active = 0;
  let seq = 0;
  let pending: Promise<void> | null = null;
  let lastQuery = '';
  let timer: number | undefined;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  };

  const paint = (message?: string) => {
    if (message) {
      replace(list, h('li', { class: 'search-msg' }, message));
    } else {
      replace(
        list,
        items.map((a, i) =>
          h(
            'li',
            {
              id: `sr-${i}`,
              role: 'option',
              class: i === active ? 'active' : null,
              'aria-selected': i === active ? 'true' : 'false',
              onmousedown: (ev: Event) => {
                ev.preventDefault();
                open(i);
              },
            },
            h('span', { class: 'sr-name' }, a.debtor_name),
            h('span', { class: 'sr-acct mono' }, `${a.client} · ${a.client_account}`),
            h('span', { class: 'sr-bal num' }, money(a.balance_cents?.total, a.currency)),
          ),
        ),
      );
      if (items.length) input.setAttribute('aria-activedescendant', `sr-${active}`);
    }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  };

  const run = (q: string): Promise<void> => {
    const mine = ++seq;
    lastQuery = q;
    pending = get<Page<AccountSummary>>(url('/accounts/search', { q, limit: 20 }))
      .then((page) => {
        if (mine !== seq) return;
        items = page.items;
        active = 0;
        list.dataset.q = q; // which query the list shows (tests wait on it)
        if (document.activeElement === input) paint(items.length ? undefined : 'No accounts match.');
      })
      .catch((e) => {
        if (mine !== seq) return;
        items = [];
        list.dataset.q = q;
        paint(errorText(e));
      });
    return pending;
  };

  const open = (i: number) => {
    const a = items[i];
    if (!a) return;
    close();
    input.blur();
    go(`#/account/${a.id}`);
  };

  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) {
      seq++;
      items = [];
      lastQuery = '';
      close();
      return;
    }
    timer = window.setTimeout(() => void run(q), 200);
  });

  input.addEventListener('keydown', async (ev) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!items.length) return;
      ev.preventDefault();
      active = (active + (ev.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      paint();
      list.querySelector('.active')?.scrollIntoView({ block: 'nearest' });
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      const q = input.value.trim();
      if (q.length < 1) return;
      window.clearTimeout(timer);
      if (q !== lastQuery) await run(q);
      else if (pending) await pending;
      if (items.length) open(Math.min(active, items.length - 1));
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      close();
      input.blur();
    }
  });
  input.addEventListener('focus', () => {
    if (items.length && input.value.trim() === lastQuery) paint();
  });
  input.addEventListener('blur', () => window.setTimeout(close, 150));

  return {
    el,
    focus: () => {
      input.focus();
      input.select();
    },
    close,
  };
}
