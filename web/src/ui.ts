// Shared pieces of the screens: tables, dialogs, form errors, the status line.
import { ApiError } from './api';
import { h, replace, type Child } from './dom';

export interface Column {
  label: string;
  cls?: string;
  title?: string;
}

export function table(cols: Column[], rows: Child[][], opts: { empty?: string; cls?: string; caption?: string } = {}): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, opts.empty ?? 'None.');
  return h(
    'table',
    { class: `grid ${opts.cls ?? ''}`.trim() },
    opts.caption ? h('caption', { class: 'sr-only' }, opts.caption) : null,
    h('thead', null, h('tr', null, cols.map((c) => h('th', { class: c.cls, scope: 'col', title: c.title }, c.label)))),
    h(
      'tbody',
      null,
      rows.map((r) => h('tr', null, r.map((cell, i) => h('td', { class: cols[i]?.cls }, cell)))),
    ),
  );
}

/** Shows the first n rows with a "Show all" toggle. */
export function limited<T>(items: T[], n: number, render: (shown: T[]) => HTMLElement): HTMLElement {
  if (items.length <= n) return render(items);
  const box = h('div', null);
  let all = false;
  const paint = () => {
    replace(
      box,
      render(all ? items : items.slice(0, n)),
      h(
        'div',
        { class: 'more' },
        h('button', { type: 'button', class: 'link-btn', onclick: () => ((all = !all), paint()) }, all ? 'Show fewer' : `Show all ${items.length}`),
      ),
    );
  };
  paint();
  return box;
}

export function section(title: string, extra: Child, ...body: Child[]): HTMLElement {
  const id = `sec-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': id },
    h('header', { class: 'panel-head' }, h('h2', { id }, title), extra ? h('div', { class: 'panel-tools' }, extra) : null),
    h('div', { class: 'panel-body' }, body),
  );
}

export function badge(text: string, kind = ''): HTMLElement {
  return h('span', { class: `badge ${kind}`.trim() }, text);
}

export function kbd(k: string): HTMLElement {
  return h('kbd', null, k);
}

// ---- status line (toasts) -------------------------------------------------------

let statusTimer: number | undefined;

export function flash(message: string, kind: 'ok' | 'error' = 'ok'): void {
  const el = document.getElementById('status');
  if (!el) return;
  el.className = `status ${kind}`;
  el.textContent = message;
  el.hidden = false;
  window.clearTimeout(statusTimer);
  statusTimer = window.setTimeout(() => {
    el.hidden = true;
  }, kind === 'error' ? 8000 : 4000);
}

// ---- errors ---------------------------------------------------------------------

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 429 && e.retryAfter && !/try again/i.test(e.message)) {
      const secs = Number(e.retryAfter);
      if (Number.isFinite(secs) && secs > 0) {
        const mins = Math.ceil(secs / 60);
        return `${e.message} Try again in ${mins} minute${mins === 1 ? '' : 's'}.`;
      }
    }
    return e.message;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Shows an error in a form's error box and marks the field the server named. */
export function showFormError(form: HTMLFormElement, e: unknown): void {
  const box = form.querySelector<HTMLElement>('.form-error');
  for (const el of Array.from(form.querySelectorAll('[aria-invalid]'))) el.removeAttribute('aria-invalid');
  if (box) {
    replace(box, errorText(e));
    box.hidden = false;
  }
  const field = (e as { field?: string | null } | null)?.field ?? null;
  if (field) {
    const leaf = field.split('.').pop() ?? field;
    const input =
      form.querySelector<HTMLElement>(`[name="${CSS.escape(field)}"]`) ??
      form.querySelector<HTMLElement>(`[name="${CSS.escape(leaf)}"]`) ??
      form.querySelector<HTMLElement>(`[data-field="${CSS.escape(field)}"]`);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }
}

export function clearFormError(form: HTMLFormElement): void {
  const box = form.querySelector<HTMLElement>('.form-error');
  if (box) box.hidden = true;
  for (const el of Array.from(form.querySelectorAll('[aria-invalid]'))) el.removeAttribute('aria-invalid');
}

export function formErrorBox(): HTMLElement {
  return h('div', { class: 'form-error', role: 'alert', hidden: true });
}

// ---- dialogs --------------------------------------------------------------------

let openDlg: HTMLDialogElement | null = null;

export function dialogOpen(): boolean {
  return openDlg !== null;
}

export function closeDialog(): void {
  if (openDlg) openDlg.close();
}

/** Opens a modal dialog; Esc or the close button closes it and removes it. */
export function openDialog(title: string, body: Child, opts: { wide?: boolean; onClose?: () => void } = {}): HTMLDialogElement {
  closeDialog();
  const titleId = `dlg-${Date.now()}`;
  const dlg = h(
    'dialog',
    { class: `dialog${opts.wide ? ' wide' : ''}`, 'aria-labelledby': titleId },
    h(
      'header',
      { class: 'dialog-head' },
      h('h2', { id: titleId }, title),
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close', title: 'Close (Esc)', onclick: () => dlg.close() }, '×'),
    ),
    h('div', { class: 'dialog-body' }, body),
  );
  dlg.addEventListener('close', () => {
    if (openDlg === dlg) openDlg = null;
    dlg.remove();
    opts.onClose?.();
  });
  document.body.appendChild(dlg);
  openDlg = dlg;
  dlg.showModal();
  const first = dlg.querySelector<HTMLElement>('[autofocus], .dialog-body input:not([type=hidden]), .dialog-body select, .dialog-body textarea');
  first?.focus();
  return dlg;
}

/** A labelled form row. */
export function field(labelText: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, labelText), control, hint ? h('small', { class: 'hint' }, hint) : null);
}

export function select(name: string, options: Array<[string, string]>, value?: string, attrs: Record<string, string | boolean> = {}): HTMLSelectElement {
  const s = h('select', { name, ...attrs }, options.map(([v, t]) => h('option', { value: v }, t)));
  if (value !== undefined) s.value = value;
  return s;
}
