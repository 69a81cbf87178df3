// A payment plan's schedule computed in the browser, ONLY to preview it while the
// collector edits the plan form. The server's schedule (POST …/plans) is the one that
// counts; this mirrors its rules (src/core/plan.c) so the preview looks the same:
// regular amount = (total - down) / count truncated, the last installment carries the
// remainder; due dates from the first due date and the index (monthly dates never
// drift after a short month); a down payment is due today. Integer cents only.

export type Freq = 'weekly' | 'biweekly' | 'semimonthly' | 'monthly';

export const FREQUENCIES: Array<[Freq, string]> = [
  ['monthly', 'Monthly'],
  ['semimonthly', 'Twice a month'],
  ['biweekly', 'Every two weeks'],
  ['weekly', 'Weekly'],
];

export interface PreviewInstallment {
  due_on: string;
  amount_cents: number;
  down_payment: boolean;
}

const MAX_INSTALLMENTS = 520;

interface Ymd {
  y: number;
  m: number; // 1..12
  d: number;
}

export function parseDay(s: string): Ymd | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return { y, m: mo, d };
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function fmt(y: number, m: number, d: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(y, 4)}-${p(m)}-${p(d)}`;
}

export function addDays(s: string, n: number): string {
  const p = parseDay(s);
  if (!p) return s;
  const t = new Date(Date.UTC(p.y, p.m - 1, p.d + n));
  return fmt(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Day `day` (clamped to the month's end) of the month `months` after the month of s. */
function dayInMonthAfter(p: Ymd, months: number, day: number): string {
  const idx = p.y * 12 + (p.m - 1) + months;
  const y = Math.floor(idx / 12);
  const m = idx - y * 12 + 1;
  return fmt(y, m, Math.min(day, daysInMonth(y, m)));
}

export function addMonths(s: string, n: number): string {
  const p = parseDay(s);
  return p ? dayInMonthAfter(p, n, p.d) : s;
}

/** Due date of regular installment k (0-based) of a schedule starting on `first`. */
export function dueDate(f: Freq, first: string, k: number): string {
  const p = parseDay(first);
  if (!p) return first;
  switch (f) {
    case 'weekly':
      return addDays(first, 7 * k);
    case 'biweekly':
      return addDays(first, 14 * k);
    case 'monthly':
      return dayInMonthAfter(p, k, p.d);
    case 'semimonthly': {
      const months = Math.floor(k / 2);
      if (k % 2 === 0) return dayInMonthAfter(p, months, p.d);
      return p.d <= 15 ? dayInMonthAfter(p, months, p.d + 15) : dayInMonthAfter(p, months + 1, p.d - 15);
    }
  }
}

export interface ScheduleInput {
  totalCents: number;
  downCents: number;
  /** When the down payment is due: the server's today. */
  downOn: string;
  frequency: Freq;
  first: string;
  count: number;
}

/** The schedule, or why it cannot be built (with the form field to blame). */
export function previewSchedule(i: ScheduleInput): { items: PreviewInstallment[] } | { error: string; field: string } {
  if (!Number.isSafeInteger(i.totalCents) || i.totalCents <= 0) return { error: 'Enter the plan total.', field: 'total' };
  if (!Number.isInteger(i.count) || i.count < 1 || i.count > MAX_INSTALLMENTS) return { error: `Installments: 1 to ${MAX_INSTALLMENTS}.`, field: 'count' };
  if (i.downCents < 0 || i.downCents >= i.totalCents) return { error: 'The down payment must be less than the total.', field: 'down' };
  const regular = i.totalCents - i.downCents;
  if (regular < i.count) return { error: 'Installments would be less than 1 cent each: use fewer installments.', field: 'count' };
  if (!parseDay(i.first)) return { error: 'Choose the first due date.', field: 'first' };
  const items: PreviewInstallment[] = [];
  if (i.downCents > 0) items.push({ due_on: i.downOn, amount_cents: i.downCents, down_payment: true });
  const each = Math.floor(regular / i.count);
  for (let k = 0; k < i.count; k++) {
    const amount = k === i.count - 1 ? regular - each * (i.count - 1) : each;
    items.push({ due_on: dueDate(i.frequency, i.first, k), amount_cents: amount, down_payment: false });
  }
  return { items };
}

export interface Limits {
  min_installment_cents: number;
  max_months: number;
}

/**
 * Why the server will probably ask for a supervisor (same rules as
 * arr_plan_needs_approval): a regular installment other than the last below the
 * minimum; regular installments reaching max_months months after the first; a total
 * below the balance. A hint only: the server decides.
 */
export function needsApproval(items: PreviewInstallment[], balanceCents: number, lim: Limits): string[] {
  const out: string[] = [];
  const regular = items.filter((x) => !x.down_payment);
  if (regular.slice(0, -1).some((x) => x.amount_cents < lim.min_installment_cents)) out.push('below_min_installment');
  if (regular.length >= 2 && regular[regular.length - 1].due_on >= addMonths(regular[0].due_on, lim.max_months)) out.push('too_long');
  const total = items.reduce((s, x) => s + x.amount_cents, 0);
  if (total < balanceCents) out.push('below_balance');
  return out;
}

const NEEDS_TEXT: Record<string, string> = {
  below_min_installment: "installment below the client's minimum",
  too_long: "longer than the client's maximum months",
  below_balance: 'total below the balance',
  below_settlement_floor: "below the client's settlement floor",
};

/** "too_long" -> "longer than the client's maximum months" (the server's wording). */
export function needsText(code: string): string {
  return NEEDS_TEXT[code] ?? code.replace(/_/g, ' ');
}

export function frequencyLabel(f: string): string {
  return FREQUENCIES.find(([v]) => v === f)?.[1].toLowerCase() ?? f;
}
