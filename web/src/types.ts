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
  /** Work queue items (GET /api/v1/work): the strategy's queue and priority (0..100,
   * higher is worked first); null before the nightly batch has run. */
  queue?: string | null;
  priority?: number | null;
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

// ---- arrangements (plans, settlements, statements, approvals) -------------------

export type PlanStatus = 'pending_approval' | 'active' | 'offered' | 'completed' | 'broken' | 'superseded' | 'rejected' | 'expired';
export type Frequency = 'weekly' | 'biweekly' | 'semimonthly' | 'monthly';

export interface Installment {
  due_on: string;
  amount_cents: number;
  down_payment: boolean;
  status: 'pending' | 'kept' | 'partial' | 'broken' | string;
  paid_cents: number;
}

/** A payment plan or a settlement (GET/POST …/plans, POST …/settlements). */
export interface Plan {
  id: number;
  account_id: number;
  kind: 'plan' | 'settlement';
  status: PlanStatus | string;
  total_cents: number;
  down_cents: number;
  balance_cents: number;
  currency: string;
  frequency: Frequency | string;
  first_due_on: string | null;
  starts_on: string | null;
  expires_on: string | null;
  /** Codes: below_min_installment, too_long, below_balance, below_settlement_floor. */
  needs_approval: string[];
  reason: string | null;
  replaces_id: number | null;
  authorization: { method: string; on: string | null; by: string } | null;
  created_by: string;
  created_at: string;
  installments: Installment[];
}

export interface StatementIncome {
  source: string;
  amount_cents: number;
  period: string;
  monthly_cents: number;
}

export interface StatementExpense {
  category: string;
  amount_cents: number;
  period: string;
  monthly_cents: number;
}

export interface StatementAsset {
  kind: string;
  amount_cents: number;
}

export interface FinancialStatement {
  id: number;
  dependents: number;
  hardship: string | null;
  created_by: string;
  created_at: string;
  income: StatementIncome[];
  expenses: StatementExpense[];
  assets: StatementAsset[];
}

export interface Affordability {
  income_monthly_cents: number;
  expenses_monthly_cents: number;
  disposable_monthly_cents: number;
  liquid_assets_cents: number;
}

export interface ArrangementLimits {
  min_installment_cents: number;
  max_months: number;
  settlement_floor_bp: number;
  grace_days: number;
  settlement_floor_cents: number;
}

/** A suggestion of the plan builder (kind pay_in_full, plan, settlement_lump_sum, settlement_short_term). */
export interface PlanOption {
  kind: string;
  total_cents: number;
  installment_cents: number;
  count: number;
  frequency: Frequency | string;
  affordable: boolean;
  within_limits: boolean;
}

/** GET/POST /api/v1/accounts/{account}/statement. */
export interface StatementBody {
  account_id: number;
  balance_cents: number;
  statement: FinancialStatement | null;
  history: Array<{ id: number; created_by: string; created_at: string }>;
  affordability: Affordability | null;
  limits: ArrangementLimits;
  options: PlanOption[];
}

/** An item of the approvals inbox (GET /api/v1/approvals). */
export interface Approval {
  id: number;
  kind: 'plan' | 'settlement' | 'extension' | string;
  account_id: number;
  plan_id: number | null;
  summary: string;
  /** Free text: "; "-separated reasons (a plan), or the requester's reason (an extension). */
  reasons: string;
  status: 'pending' | 'approved' | 'rejected' | string;
  requested_by: string;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  note: string | null;
}

// ---- the nightly batch, work queues, strategies ----------------------------------

/** A run of the nightly batch (GET /api/v1/batch). status: running or done. */
export interface BatchRun {
  id: number;
  as_of: string;
  status: 'running' | 'done' | string;
  phase: string;
  last_account_id: number;
  accounts: number;
  interest_entries: number;
  interest_cents: number;
  time_barred: number;
  started_at: string;
  finished_at: string | null;
  actor: string;
  /** Ranges of account ids the run was split into for parallel workers (0: one sequence). */
  ranges: number;
  ranges_done: number;
}

export type BatchActionKind = 'letter' | 'email' | 'skip_trace' | 'escalate' | 'hold';

/** What the batch decided for one account (GET /api/v1/batch/actions). */
export interface BatchAction {
  account_id: number;
  kind: BatchActionKind | string;
  /** The letter or email template, the escalation, or the hold's reason. */
  name: string;
  /** The title of the strategy rule that decided it. */
  rule: string;
  strategy_version: number;
}

/** One page of them, in account order. */
export interface BatchActions {
  as_of: string;
  /** Every action of the date (and kind), on all pages. */
  total: number;
  items: BatchAction[];
  /** Another page follows; next_after is its `after`. */
  truncated: boolean;
  next_after: number | null;
}

export interface QueueCount {
  /** "unsorted" for accounts no strategy put in a queue. */
  queue: string;
  accounts: number;
  worked_today: number;
  balance_cents: number;
}

export interface CollectorQueues extends Omit<QueueCount, 'queue'> {
  collector: string;
  queues: QueueCount[];
}

/** GET /api/v1/queues; worked_today counts work since `since` (midnight UTC). */
export interface QueuesBody {
  since: string;
  collectors: CollectorQueues[];
}

export type StrategyRole = 'champion' | 'challenger' | 'none';

/** A saved strategy version (GET /api/v1/strategies). */
export interface StrategyVersion {
  id: number;
  version: number;
  note: string;
  created_by: string;
  created_at: string;
  role: StrategyRole | string;
}

/** The versions and the assignment; champion_id null: the built-in strategy. */
export interface StrategyList {
  items: StrategyVersion[];
  /** 0: the built-in strategy, which is also the champion before any assignment. */
  champion_id: number;
  challenger_id: number | null;
  challenger_pct: number;
  /** Who chose the assignment, and when; null until a supervisor does. */
  assigned_by: string | null;
  assigned_at: string | null;
}

/** POST /api/v1/strategies/check: the rules of a text that parses (nothing saved). */
export interface StrategyCheck {
  rules: { title: string; line: number }[];
}

/** GET /api/v1/strategies/{id} (id 0: the built-in strategy). */
export interface StrategyDetail {
  id: number;
  version: number;
  text: string;
  note: string;
  created_by: string;
  created_at: string;
  rules: Array<{ title: string; line: number }>;
}

/** POST /api/v1/strategies: the new version and its number of rules. */
export interface StrategySaved {
  id: number;
  version: number;
  rules: number;
}

export interface LiquidationRow {
  strategy_version: number;
  arm: 'champion' | 'challenger' | string;
  accounts: number;
  /** The accounts' ledger total at the start of the period. */
  balance_at_start_cents: number;
  /** Placements effective in the period. */
  placed_in_period_cents: number;
  /** Posted payments effective in the period. */
  collected_cents: number;
  /** collected / (balance at start + placed in period), in basis points (integer). */
  liquidation_bp: number;
}

export interface StrategyReport {
  from: string;
  to: string;
  items: LiquidationRow[];
}

// ---- letters and correspondence (docs/API.md) ----------------------------------------

export type LetterStatus = 'mailed' | 'returned' | 'sending' | 'sent' | 'failed' | 'bounced';

/** An outbound letter or email (GET /api/v1/accounts/{id}/letters, newest first). */
export interface Letter {
  id: number;
  account_id: number;
  direction: 'out';
  channel: 'letter' | 'email' | string;
  template: string;
  language: string;
  /** 0: the built-in template. */
  template_version: number;
  as_of: string;
  sent_on: string | null;
  status: LetterStatus | string;
  recipient: string | null;
  pages: number | null;
  returned_on: string | null;
  return_reason: string | null;
  created_at: string;
  actor: string | null;
  /** POST …/returned: the skip-trace request it opened. */
  skip_trace_id?: number | null;
}

export type CorrespondenceKind = 'dispute' | 'cease' | 'payment' | 'bankruptcy' | 'attorney' | 'other';

/** An inbound item (GET /api/v1/accounts/{id}/correspondence). */
export interface CorrespondenceItem {
  id: number;
  direction: 'in';
  account_id: number;
  channel: 'mail' | 'email' | 'fax' | 'upload' | string;
  kind: CorrespondenceKind | string;
  /** The classifier's suggestion from the subject, text and a text document. */
  suggested_kind: string | null;
  /** The words that decided the suggestion. */
  suggested_phrase: string | null;
  received_on: string;
  subject: string | null;
  has_body_text: boolean;
  has_document: boolean;
  document: { id: number; file_name: string; content_type: string; size_bytes: number; sha256: string; url: string } | null;
  /** The account event filing recorded (a hold: dispute_written, cease_written, …). */
  event: { id: number; type: string; at: string; released_at: string | null } | null;
  created_at: string;
  actor: string | null;
}

export interface CorrespondencePage {
  items: CorrespondenceItem[];
  next_after: number | null;
}

/** POST /api/v1/accounts/{id}/correspondence. */
export interface CorrespondenceFiling {
  channel: string;
  received_on: string;
  kind?: string;
  subject?: string;
  body_text?: string;
  document?: { file_name: string; content_type: string; content_base64: string };
}

/** The newest version of a template in one language (GET /api/v1/letter-templates). */
export interface LetterTemplate {
  name: string;
  language: string;
  version: number;
  kind: string;
  /** 0: once. */
  repeat_days: number;
  saved_by: string | null;
  saved_at: string | null;
  note: string | null;
}

export interface LetterTemplateVersion {
  version: number;
  saved_by: string | null;
  saved_at: string | null;
  note: string | null;
}

/** GET /api/v1/letter-templates/{name}/{language}[?version=V]. */
export interface LetterTemplateDetail extends LetterTemplate {
  text: string;
  /** Newest first; version 0 is the built-in file. */
  versions: LetterTemplateVersion[];
}

/** POST /api/v1/letter-templates/check (400 "line L, column C: …" when it does not parse). */
export interface TemplateCheck {
  ok: boolean;
  kind: string;
  repeat_days: number;
}

/** GET /api/v1/agency: what letters say about the agency. */
export interface Agency {
  name: string;
  street: string;
  city_line: string;
  phone: string;
  hours: string;
  email: string;
  website: string;
  dispute_url: string;
}
