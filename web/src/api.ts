// The one place that talks to the server: JSON in and out, the session cookie
// (credentials: same-origin) and the CSRF header on every state-changing request.
import type {
  Agency,
  BatchActionKind,
  BatchActions,
  BatchRun,
  CorrespondenceFiling,
  CorrespondenceItem,
  CorrespondencePage,
  Letter,
  LetterTemplate,
  LetterTemplateDetail,
  QueuesBody,
  StrategyCheck,
  StrategyDetail,
  StrategyList,
  StrategyReport,
  StrategySaved,
  TemplateCheck,
} from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    readonly retryAfter: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when an authenticated request answers 401 (the session ended). */
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** Do not call the unauthenticated handler on 401 (login and session probes). */
  quiet401?: boolean;
}

export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check the connection and try again.');
  }
  const text = res.status === 204 ? '' : await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; field?: string | null } } | null)
      ?.error;
    const err = new ApiError(
      res.status,
      e?.code ?? `http_${res.status}`,
      e?.message ?? `The server answered ${res.status} ${res.statusText}.`.replace(/ \./, '.'),
      e?.field ?? null,
      res.headers.get('Retry-After'),
    );
    if (res.status === 401 && !opts.quiet401 && onUnauthenticated) onUnauthenticated();
    throw err;
  }
  return data as T;
}

export const get = <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts);
export const post = <T>(path: string, body: unknown, opts?: RequestOptions) =>
  request<T>('POST', path, body, opts);
export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, body);
export const del = <T>(path: string) => request<T>('DELETE', path);

/** Builds "/api/v1/…?a=b" leaving out empty parameters. */
export function url(path: string, params: Record<string, string | number | null | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  }
  const qs = q.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ''}`;
}

/** An account reference (id or CLIENT:ACCOUNT) as a path segment. */
export function accountPath(ref: string | number): string {
  return `/accounts/${encodeURIComponent(String(ref))}`;
}

// ---- the nightly batch, work queues, strategies (docs/API.md) ---------------------

export const batchApi = {
  /** The latest run (or the run of as_of); 404 when the batch has not run. */
  run: (asOf?: string) => get<BatchRun>(url('/batch', { as_of: asOf })),
  /** What the run of as_of decided: the first page of about `limit` (and the total). */
  actions: (asOf: string, kind?: BatchActionKind, limit?: number) =>
    get<BatchActions>(url('/batch/actions', { as_of: asOf, kind, limit })),
  queues: () => get<QueuesBody>(url('/queues')),
};

export const strategyApi = {
  list: () => get<StrategyList>(url('/strategies')),
  /** id 0: the built-in strategy. */
  show: (id: number) => get<StrategyDetail>(url(`/strategies/${id}`)),
  /** 400 with "line L, column C: ..." when the text does not parse. */
  save: (text: string, note?: string) => post<StrategySaved>(url('/strategies'), note ? { text, note } : { text }),
  check: (text: string) => post<StrategyCheck>(url('/strategies/check'), { text }),
  assign: (championId: number, challengerId: number | null, challengerPct: number) =>
    put<StrategyList>(url('/strategies/assignment'), {
      champion_id: championId,
      challenger_id: challengerId,
      challenger_pct: challengerId === null ? 0 : challengerPct,
    }),
  report: (from: string, to: string) => get<StrategyReport>(url('/strategies/report', { from, to })),
};

// ---- letters, templates, the agency profile, inbound correspondence ------------------

export const letterApi = {
  /** The account's letters and emails, newest first (at most 200). */
  ofAccount: (account: string | number) => get<Letter[]>(url(`${accountPath(account)}/letters`)),
  /** Opened in a new tab: the letter as mailed (application/pdf, inline). */
  pdfUrl: (id: number) => url(`/letters/${id}/pdf`),
  /** A template filled for the account as it would be mailed today (nothing recorded). */
  previewUrl: (account: string | number, template: string, language?: string) =>
    url(`${accountPath(account)}/letter-preview`, { template, language }),
  /** Returned mail (a letter) or a bounce (an email): the address is marked, skip tracing opens. */
  returned: (id: number, date?: string, reason?: string) =>
    post<Letter>(url(`/letters/${id}/returned`), { ...(date ? { date } : {}), ...(reason ? { reason } : {}) }),
  templates: () => get<LetterTemplate[]>(url('/letter-templates')),
  /** version undefined: the newest. */
  template: (name: string, language: string, version?: number) =>
    get<LetterTemplateDetail>(url(`/letter-templates/${encodeURIComponent(name)}/${encodeURIComponent(language)}`, { version })),
  /** 400 with "line L, column C: ..." when the text does not parse. */
  check: (text: string) => post<TemplateCheck>(url('/letter-templates/check'), { text }),
  save: (name: string, language: string, text: string, note?: string) =>
    post<LetterTemplate>(url(`/letter-templates/${encodeURIComponent(name)}/${encodeURIComponent(language)}`), note ? { text, note } : { text }),
  agency: () => get<Agency>(url('/agency')),
  /** Sets one field; answers the whole profile. */
  setAgency: (fieldName: keyof Agency, value: string) => put<Agency>(url(`/agency/${fieldName}`), { value }),
};

export const correspondenceApi = {
  /** Newest received first; `after`: the next page after that item. */
  list: (account: string | number, limit = 200, after?: number) =>
    get<CorrespondencePage>(url(`${accountPath(account)}/correspondence`, { limit, after })),
  /** Files an item; without a kind the server's suggestion (suggested_kind) is the kind. */
  add: (account: string | number, filing: CorrespondenceFiling) => post<CorrespondenceItem>(url(`${accountPath(account)}/correspondence`), filing),
  /** Supervisors, compliance and admins: a changed kind may record its hold event. */
  setKind: (id: number, kind: string) => put<CorrespondenceItem>(url(`/correspondence/${id}/kind`), { kind }),
  documentUrl: (id: number) => url(`/correspondence/${id}/document`),
};
