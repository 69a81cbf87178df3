// A plain-text editor for the texts the server parses (strategies, letter templates):
// a textarea with line numbers, and when the server refuses a text with "line L,
// column C: ...", that line marked in the gutter and on a band across the text, and
// the caret put at the column. Text goes in and out as text only.
import { h, replace, type Attrs } from './dom';
import { errorText, showFormError } from './ui';

const LINE_PX = 18; // .code-edit textarea line-height
const PAD_PX = 6; // .code-edit textarea padding-top

/** "line 4, column 8: ..." -> [4, 8]. */
export function errorPosition(message: string): [number, number] | null {
  const m = /^line (\d+), column (\d+):/.exec(message);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** The textarea offset of a 1-based line and byte column (the server counts bytes). */
export function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  const ln = Math.min(Math.max(line, 1), lines.length);
  let off = 0;
  for (let i = 0; i < ln - 1; i++) off += lines[i].length + 1;
  const enc = new TextEncoder();
  let bytes = 1;
  let chars = 0;
  for (const ch of lines[ln - 1]) {
    const n = enc.encode(ch).length;
    if (bytes + n > column) break;
    bytes += n;
    chars += ch.length;
  }
  return off + chars;
}

export interface CodeArea {
  /** The .code-edit box (gutter, error band, textarea). */
  el: HTMLElement;
  text: HTMLTextAreaElement;
  /** Marks a 1-based line, puts the caret at the byte column and scrolls to it. */
  mark(line: number, column: number): void;
  clearMark(): void;
  /** Repaints the line numbers after text.value was set from code. */
  refresh(): void;
}

/** A line-numbered textarea; attrs go on the textarea (id, name, aria-label, …). */
export function codeArea(attrs: Attrs): CodeArea {
  const text = h('textarea', { class: 'code', wrap: 'off', spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off', rows: 22, ...attrs });
  const gutter = h('div', { class: 'gutter', 'aria-hidden': 'true' });
  const band = h('div', { class: 'err-band', hidden: true, 'aria-hidden': 'true' });
  let errLine = 0;
  let lineCount = 0;

  const sync = () => {
    gutter.style.transform = `translateY(${-text.scrollTop}px)`;
    if (errLine) band.style.transform = `translateY(${PAD_PX + (errLine - 1) * LINE_PX - text.scrollTop}px)`;
  };
  const clearMark = () => {
    errLine = 0;
    band.hidden = true;
    gutter.querySelector('.err')?.classList.remove('err');
  };
  const paintGutter = () => {
    const n = text.value.split('\n').length;
    if (n === lineCount) return;
    // Lines added or removed: the marked line is no longer where the server saw it.
    if (errLine && lineCount) clearMark();
    lineCount = n;
    replace(gutter, Array.from({ length: n }, (_, i) => h('div', { class: i + 1 === errLine ? 'err' : null }, String(i + 1))));
  };
  const mark = (line: number, column: number) => {
    clearMark();
    paintGutter();
    const n = text.value.split('\n').length;
    errLine = Math.min(Math.max(line, 1), n);
    gutter.children[errLine - 1]?.classList.add('err');
    band.hidden = false;
    const off = offsetOf(text.value, errLine, column);
    text.focus();
    text.setSelectionRange(off, off);
    // Bring the line (and the column) into view: with wrap off a line is one row.
    text.scrollTop = Math.max(0, (errLine - 1) * LINE_PX - text.clientHeight / 3);
    const ctx = document.createElement('canvas').getContext('2d');
    let charPx = 7.5;
    if (ctx) {
      ctx.font = getComputedStyle(text).font;
      charPx = ctx.measureText('0000000000').width / 10 || charPx;
    }
    const lineStart = offsetOf(text.value, errLine, 1);
    const x = (off - lineStart) * charPx;
    text.scrollLeft = x > text.clientWidth - 80 ? x - text.clientWidth / 2 : 0;
    sync();
  };
  text.addEventListener('scroll', sync);
  text.addEventListener('input', () => {
    paintGutter();
    sync();
  });
  const el = h('div', { class: 'code-edit' }, h('div', { class: 'gutter-box' }, gutter), band, text);
  return {
    el,
    text,
    mark,
    clearMark,
    refresh() {
      paintGutter();
      sync();
    },
  };
}

/** Shows a refusal in the form's error box and, when it names a line and column, marks it. */
export function refuseAt(form: HTMLFormElement, area: CodeArea, err: unknown): void {
  showFormError(form, err);
  const pos = errorPosition(errorText(err));
  if (pos) area.mark(pos[0], pos[1]);
}
