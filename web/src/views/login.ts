// Sign-in screen: POST /api/v1/session; shows the server's message on failure
// (bad credentials, 429 throttling with Retry-After).
import { post } from '../api';
import { h, replace } from '../dom';
import type { SessionBody } from '../types';
import { errorText } from '../ui';

export function renderLogin(app: HTMLElement, onSignedIn: (b: SessionBody) => void, notice?: string): void {
  document.title = 'Sign in · arrears';
  const username = h('input', { name: 'username', id: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const err = h('div', { class: 'form-error', id: 'login-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'btn primary block' }, 'Sign in');
  let busy = false;
  const form = h(
    'form',
    {
      class: 'login-card',
      'aria-labelledby': 'login-title',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        if (busy) return;
        busy = true;
        button.disabled = true;
        button.textContent = 'Signing in…';
        err.hidden = true;
        try {
          const body = await post<SessionBody>('/api/v1/session', { username: username.value.trim(), password: password.value }, { quiet401: true });
          onSignedIn(body);
        } catch (e) {
          replace(err, errorText(e));
          err.hidden = false;
          password.value = '';
          password.focus();
        } finally {
          busy = false;
          button.disabled = false;
          button.textContent = 'Sign in';
        }
      },
    },
    h('div', { class: 'login-brand' }, 'arrears'),
    h('h1', { id: 'login-title' }, 'Sign in to the workstation'),
    notice ? h('p', { class: 'notice' }, notice) : null,
    err,
    h('div', { class: 'field' }, h('label', { for: 'username' }, 'Username'), username),
    h('div', { class: 'field' }, h('label', { for: 'password' }, 'Password'), password),
    button,
  );
  replace(app, h('div', { class: 'login-page' }, form));
  username.focus();
}
