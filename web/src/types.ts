// Shapes of the JSON API (docs/API.md). Only the fields the workstation reads.

export type Role = 'collector' | 'supervisor' | 'compliance' | 'admin' | 'client';

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  client: string | null;
  active: boolean;
}

export interface SessionBody {
  user: User;
  csrf_token: string | null;
}

export interface Buckets {
  principal: number;
  interest: number;
  fees: number;
  costs: number;
  credit: number;
  total: number;
}

export interface Page<T> {
  items: T[];
  next_after: number | null;
}

export interface AccountSummary {
  id: number;
  client: string;
  client_account: string;
  status: string;
  debtor_name: string;
  balance_cents: Buckets;
  currency: string;
  placed_on: string | null;
  last_payment_on: string | null;
  collector: string | null;
  worked_today?: boolean;
}

export interface Debtor {
  id: number;
  name: string;
  first_name: string | null;
  middle_name: string | null;
  last_name: string | null;
  suffix: string | null;
  ssn: string | null;
  ssn_last4?: string | null;
  dob: string | null;
  language: string | null;
  flags: number | string[] | null;
}

export interface LedgerEntry {
  id: number;
  kind: string;
  effective_on: string;
  posted_at: string;
  principal_cents: number;
  interest_cents: number;
  fees_cents: number;
  costs_cents: number;
  credit_cents: number;
  total_cents: number;
  payment_id: number | null;
  reverses_id: number | null;
  memo: string | null;
  actor: string | null;
}

export interface Payment {
  id: number;
  amount_cents: number;
  currency: string;
  method: string;
  effective_on: string;
  status: string;
  reference: string | null;
  reversal_reason: string | null;
  source: string | null;
}

export interface PointChange {
  field: string;
  old: string | null;
  new: string | null;
  source: string | null;
  changed_at: string;
  actor: string | null;
}

interface PointBase {
  id: number;
  status: string;
  source: string | null;
  valid_from: string | null;
  valid_to: string | null;
  history?: PointChange[];
}

export interface Address extends PointBase {
  line1: string;
  line2: string | null;
  city: string;
  state: string;
  zip: string;
}

export interface Phone extends PointBase {
  number: string;
  type: string | null;
  consent: string | null;
}

export interface Email extends PointBase {
  address: string;
  consent: string | null;
}

export interface PromiseInfo {
  id: number;
  amount_cents: number;
  currency: string;
  due_on: string;
  status: string;
}

export interface Contact {
  id: number;
  channel: string;
  to: string | null;
  at: string;
  outcome: string;
  reason: string | null;
  note: string | null;
  actor: string | null;
  created_at: string;
  promise: PromiseInfo | null;
}

export interface Note {
  id: number;
  body: string;
  actor: string | null;
  created_at: string;
}

export interface Account {
  id: number;
  client: string;
  client_account: string;
  status: string;
  debtor: Debtor;
  balance_cents: Buckets;
  currency: string;
  placed_on: string | null;
  first_delinquency_on: string | null;
  last_payment_on: string | null;
  open_date: string | null;
  charge_off_date: string | null;
  itemization_date: string | null;
  original_creditor: string | null;
  account_type: string | null;
  interest_rate_pct: string | number | null;
  collector?: string | null;
  attributes?: Record<string, unknown>;
  ledger?: LedgerEntry[];
  ledger_truncated?: boolean;
  payments?: Payment[];
  payments_truncated?: boolean;
  addresses?: Address[];
  phones?: Phone[];
  emails?: Email[];
  contacts?: Contact[];
  notes?: Note[];
  // Debt facts (12 CFR 1006.34 itemization, 1006.26(b) time-barred debt).
  itemization_basis?: string | null;
  federal_loan_bundle?: string | null;
  itemization?: Itemization | null;
  statute_of_limitations?: StatuteOfLimitations | null;
}

/** The itemization date and what changed since (from the ledger). Cents, integers. */
export interface Itemization {
  date: string | null;
  basis: string | null;
  amount_cents: number;
  interest_cents: number;
  fees_cents: number;
  payments_cents: number;
  credits_cents: number;
  current_cents: number;
}

/** The account's limitation period (docs/SOL.md). */
export interface StatuteOfLimitations {
  state: string | null;
  state_known: boolean;
  category: string;
  years: number | null;
  no_limit: boolean;
  known: boolean;
  starts_on: string | null;
  expires_on: string | null;
  time_barred: boolean;
  citation: string;
}

export interface PaymentResult {
  payment_id: number;
  account_id: number;
  duplicate: boolean;
  applied_cents: Buckets;
  balance_cents: Buckets;
  currency: string;
}

export interface Client {
  id: number;
  code: string;
  name: string;
}

export interface AuditEvent {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  entity: string | null;
  entity_id: string | number | null;
  detail: unknown;
}

// ---- compliance (contact check, account events, rules) ---------------------------

export interface CheckReason {
  code: string;
  message: string;
  rule: string | null;
  citation: string | null;
}

export interface ContactCheck {
  allowed: boolean;
  reasons: CheckReason[];
  next_allowed_at: string | null;
  zones: string[];
}

export interface AccountEvent {
  id: number;
  type: string;
  at: string;
  released_at: string | null;
  note: string | null;
  data: unknown;
  actor: string | null;
}

export interface Rule {
  id: string;
  jurisdiction: string;
  citation: string;
  title: string;
  reason: string;
  enabled: boolean;
}

export interface StatuteYears {
  written_contract: number;
  oral_contract: number;
  promissory_note: number;
  open_account: number;
  sale_of_goods: number;
}

/** One row of the statute-of-limitations table (GET /api/v1/compliance/statutes). */
export interface Statute {
  state: string;
  years: StatuteYears;
  citation: string;
  notes: string;
}
