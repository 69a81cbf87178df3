// The keyboard shortcut overlay (press ?).
import { h } from '../dom';
import { can } from '../session';
import { kbd, openDialog } from '../ui';

export function showHelp(): void {
  const rows: Array<[string, string, boolean]> = [
    ['/', 'Focus the search box', true],
    ['n', 'Next account in my queue', can.workQueue()],
    ['w', 'My work queue', can.workQueue()],
    ['a', 'Accounts list', true],
    ['u', 'Audit log', can.audit()],
    ['k', 'Compliance rules', can.rules()],
    ['o', 'Compliance report', can.rules()],
    ['q', 'Collectors’ queues and the nightly batch', can.queues()],
    ['s', 'Collection strategies', can.strategies()],
    ['l', 'Letter templates and the agency profile', can.letters()],
    ['c', 'Log a call (account screen)', can.logCall()],
    ['p', 'Post a payment (account screen)', can.pay()],
    ['m', 'Add a note (account screen)', can.addNote()],
    ['e', 'Record an account event (account screen)', can.addEvent()],
    ['r', 'Reveal full SSN and date of birth (account screen)', can.reveal()],
    ['?', 'Show this help', true],
    ['Esc', 'Close a dialog or the search results', true],
  ];
  openDialog(
    'Keyboard shortcuts',
    h(
      'div',
      { id: 'help' },
      h(
        'table',
        { class: 'shortcuts' },
        h('tbody', null, rows.filter((r) => r[2]).map(([k, d]) => h('tr', null, h('td', null, kbd(k)), h('td', null, d)))),
      ),
      h('p', { class: 'hint' }, 'Shortcuts do nothing while you are typing in a field. In search: ↑ ↓ choose a result, Enter opens it.'),
    ),
  );
}
