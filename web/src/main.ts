// arrears workstation: the app shell (top bar, search, shortcuts) and the hash router.
import './style.css';
import { del, get, setCsrfToken, setUnauthenticatedHandler, ApiError } from './api';
import { h, isTyping, replace } from './dom';
import { can, homeRoute, setUser, user } from './session';
import type { SessionBody } from './types';
import { closeDialog, dialogOpen, flash, errorText } from './ui';
import { newView, go } from './view';
import { renderLogin } from './views/login';
import { renderWork, goNext } from './views/work';
import { renderAccounts } from './views/accounts';
import { renderAccount, accountShortcut } from './views/account';
import { renderAudit } from './views/audit';
import { renderReport } from './views/report';
import { renderRules } from './views/rules';
import { refreshApprovalsCount, renderApprovals } from './views/approvals';
import { renderPlanBuilder } from './views/planbuilder';
import { renderQueues } from './views/queues';
import { renderStrategies } from './views/strategies';
import { renderLetters } from './views/letters';
import { searchBox } from './views/search';
import { showHelp } from './views/help';

const app = document.getElementById('app') as HTMLElement;
let main: HTMLElement | null = null;
let search: ReturnType<typeof searchBox> | null = null;

function navLink(href: string, text: string, key: string): HTMLElement {
  return h('a', { href, class: 'nav-link', 'data-route': href.slice(2).split('/')[0], title: `${text} (${key})` }, text);
}

/** "Approvals" with the number of pending items (filled in by refreshApprovalsCount). */
function approvalsLink(): HTMLElement {
  const a = h('a', { href: '#/approvals', class: 'nav-link', 'data-route': 'approvals', title: 'Plans, settlements and extensions waiting for a supervisor' }, 'Approvals');
  a.appendChild(h('span', { class: 'nav-count', id: 'approvals-count', hidden: true }));
  return a;
}

function shell(): void {
  const u = user();
  if (!u) return;
  search = searchBox();
  main = h('main', { id: 'main', tabindex: '-1' });
  replace(
    app,
    h(
      'header',
      { class: 'topbar' },
      h('a', { class: 'brand', href: homeRoute() }, 'arrears'),
      h(
        'nav',
        { class: 'nav', 'aria-label': 'Main' },
        can.workQueue() ? navLink('#/work', 'My work', 'w') : null,
        navLink('#/accounts', 'Accounts', 'a'),
        can.audit() ? navLink('#/audit', 'Audit', 'u') : null,
        can.rules() ? navLink('#/rules', 'Rules', 'k') : null,
        can.rules() ? navLink('#/report', 'Report', 'o') : null,
        can.approvals() ? approvalsLink() : null,
        can.queues() ? navLink('#/queues', 'Queues', 'q') : null,
        can.strategies() ? navLink('#/strategies', 'Strategies', 's') : null,
        can.letters() ? navLink('#/letters', 'Letters', 'l') : null,
      ),
      search.el,
      h(
        'div',
        { class: 'me' },
        h('span', { class: 'me-name', title: `Signed in as ${u.username}` }, u.display_name || u.username),
        h('span', { class: 'me-role' }, u.role === 'client' && u.client ? `client ${u.client}` : u.role),
        h('button', { type: 'button', class: 'link-btn', onclick: () => showHelp(), title: 'Keyboard shortcuts (?)' }, 'Shortcuts'),
        h('button', { type: 'button', class: 'link-btn', id: 'logout', onclick: () => void logout() }, 'Sign out'),
      ),
    ),
    h('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite', hidden: true }),
    main,
  );
}

async function logout(): Promise<void> {
  try {
    await del('/api/v1/session');
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) flash(errorText(e), 'error');
  }
  signedOut('You are signed out.');
}

function signedOut(message?: string): void {
  closeDialog();
  setUser(null);
  setCsrfToken(null);
  main = null;
  renderLogin(app, onSignedIn, message);
}

function onSignedIn(body: SessionBody): void {
  setUser(body.user);
  setCsrfToken(body.csrf_token);
  shell();
  void refreshApprovalsCount();
  const h0 = location.hash;
  if (!h0 || h0 === '#/' || h0 === '#/login') location.replace(homeRoute());
  route();
}

function route(): void {
  if (!user() || !main) return;
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean);
  const view = newView(main, new URLSearchParams(qs ?? ''));
  closeDialog();
  search?.close();
  for (const a of Array.from(document.querySelectorAll<HTMLElement>('.nav-link'))) {
    a.classList.toggle('active', a.dataset.route === parts[0]);
    if (a.dataset.route === parts[0]) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  switch (parts[0]) {
    case 'work':
      if (can.workQueue()) return void renderWork(view);
      break;
    case 'accounts':
      return void renderAccounts(view);
    case 'account':
      if (parts[1] && parts[2] === 'plan' && can.arrange()) return void renderPlanBuilder(view, decodeURIComponent(parts[1]));
      if (parts[1]) return void renderAccount(view, decodeURIComponent(parts[1]));
      break;
    case 'approvals':
      if (can.approvals()) return void renderApprovals(view);
      break;
    case 'audit':
      if (can.audit()) return void renderAudit(view);
      break;
    case 'rules':
      if (can.rules()) return void renderRules(view);
      break;
    case 'report':
      if (can.rules()) return void renderReport(view);
      break;
    case 'queues':
      if (can.queues()) return void renderQueues(view);
      break;
    case 'strategies':
      if (can.strategies()) return void renderStrategies(view);
      break;
    case 'letters':
      if (can.letters()) return void renderLetters(view);
      break;
  }
  location.replace(homeRoute());
}

function onKey(e: KeyboardEvent): void {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (!user() || !main) return;
  if (e.key === 'Escape') {
    search?.close();
    return;
  }
  if (dialogOpen() || isTyping(e.target)) return;
  let handled = true;
  switch (e.key) {
    case '/':
      search?.focus();
      break;
    case '?':
      showHelp();
      break;
    case 'n':
      if (can.workQueue()) void goNext();
      else handled = false;
      break;
    case 'w':
      if (can.workQueue()) go('#/work');
      else handled = false;
      break;
    case 'a':
      go('#/accounts');
      break;
    case 'u':
      if (can.audit()) go('#/audit');
      else handled = false;
      break;
    case 'k':
      if (can.rules()) go('#/rules');
      else handled = false;
      break;
    case 'o':
      if (can.rules()) go('#/report');
      else handled = false;
      break;
    case 'q':
      if (can.queues()) go('#/queues');
      else handled = false;
      break;
    case 's':
      if (can.strategies()) go('#/strategies');
      else handled = false;
      break;
    case 'l':
      if (can.letters()) go('#/letters');
      else handled = false;
      break;
    default:
      handled = accountShortcut(e.key);
  }
  if (handled) e.preventDefault();
}

async function boot(): Promise<void> {
  setUnauthenticatedHandler(() => signedOut('Your session has ended. Sign in again.'));
  // A deep link like /account/12 (served index.html by the fallback) becomes #/account/12.
  if (location.pathname !== '/' && !location.hash && !location.pathname.startsWith('/api/')) {
    history.replaceState(null, '', `/#${location.pathname}${location.search}`);
  }
  window.addEventListener('hashchange', route);
  document.addEventListener('keydown', onKey);
  try {
    const body = await get<SessionBody>('/api/v1/session', { quiet401: true });
    onSignedIn(body);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) renderLogin(app, onSignedIn);
    else renderLogin(app, onSignedIn, errorText(e));
  }
}

void boot();
