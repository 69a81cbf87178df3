// Formatting for the screen. Money is integer cents from the server and is only ever
// handled as integers here: no floating-point arithmetic on amounts.

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 123456 -> "$1,234.56"; -500 -> "-$5.00". Non-integers (never expected) show as "—". */
export function money(cents: number | null | undefined, currency = 'USD'): string {
  if (typeof cents !== 'number' || !Number.isSafeInteger(cents)) return '—';
  const neg = cents < 0;
  const abs = neg ? -cents : cents;
  const frac = abs % 100;
  const whole = (abs - frac) / 100; // exact: abs - frac is a multiple of 100
  const sym = currency === 'USD' ? '$' : '';
  const tail = currency === 'USD' ? '' : ` ${currency}`;
  return `${neg ? '-' : ''}${sym}${group(String(whole))}.${String(frac).padStart(2, '0')}${tail}`;
}

/**
 * Reads what a person typed as an amount ("25", "25.5", "$1,025.50") and returns the
 * canonical decimal string the API takes ("1025.50") and its value in cents, or null.
 */
export function parseAmount(input: string): { text: string; cents: number } | null {
  const s = input.trim().replace(/^\$/, '').replace(/,(?=\d{3}(\D|$))/g, '');
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(s) ?? /^()\.(\d{1,2})$/.exec(s);
  if (!m) return null;
  const whole = m[1] === '' ? '0' : m[1].replace(/^0+(?=\d)/, '');
  const frac = (m[2] ?? '').padEnd(2, '0');
  const cents = Number(whole) * 100 + Number(frac);
  return { text: `${whole}.${frac}`, cents };
}

export function dash(v: string | number | null | undefined): string {
  return v === null || v === undefined || v === '' ? '—' : String(v);
}

/** "2026-11-23T14:05:00Z" -> "2026-11-23 09:05" in the browser's time zone. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Today's date in the browser's time zone, YYYY-MM-DD. */
export function today(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** "9735550167" -> "(973) 555-0167"; anything else unchanged. */
export function phone(n: string | null | undefined): string {
  if (!n) return '—';
  const d = n.replace(/\D/g, '');
  const ten = d.length === 11 && d.startsWith('1') ? d.slice(1) : d;
  if (ten.length === 10) return `(${ten.slice(0, 3)}) ${ten.slice(3, 6)}-${ten.slice(6)}`;
  return n;
}

/** "left_message" -> "Left message". */
export function label(code: string | null | undefined): string {
  if (!code) return '—';
  const s = code.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
