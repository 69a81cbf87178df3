/*
 * service.h — the use cases of arrears, one function each, shared by the CLI and (later)
 * the HTTP API. A service function owns its transaction: it either commits everything
 * it did (with the audit events that describe it) or nothing.
 *
 * arr_svc is the context every use case runs in: the database, the PII keys, who is
 * acting (for attribution and audit) and what time it is. The clock is read once when
 * the context opens (or taken from ARREARS_NOW for reproducible tests and demos), so a
 * use case sees one consistent "now".
 *
 * Results that a person or program reads (account views, lists, reports) are returned
 * as jansson objects in the public JSON shape of SPEC.md; the CLI prints them as text
 * or JSON, the HTTP layer sends them as they are.
 */
#ifndef ARR_SERVICE_H
#define ARR_SERVICE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/date.h"
#include "core/err.h"
#include "core/ledger.h"
#include "store/db.h"

typedef struct arr_svc arr_svc;

typedef struct {
  const char *db_url;   /* NULL: ARREARS_DB, else sqlite:arrears.db */
  const char *key_file; /* NULL: ARREARS_KEY_FILE, else derived from the database */
  const char *actor;    /* NULL: ARREARS_USER, else "cli" */
  bool create_key;      /* init: create the key file when missing */
} arr_svc_options;

/* Opens the database and loads the key. Does not migrate (see arr_svc_init). */
arr_rc arr_svc_open(const arr_svc_options *opt, arr_svc **out, arr_err *err);
void arr_svc_close(arr_svc *svc);
arr_db *arr_svc_db(arr_svc *svc);
arr_time arr_svc_now(const arr_svc *svc);
arr_date arr_svc_today(const arr_svc *svc);

/* The authenticated user a request acts as (HTTP). */
typedef struct {
  int64_t id;
  char username[65];
  char display_name[129];
  char role[16];
  int64_t client_id; /* role client: the only client whose accounts it may read */
  char client_code[33];
} arr_principal;

/* Sets (p != NULL) or clears the acting user for the following calls; the actor name
 * used for attribution becomes p->username. The HTTP layer calls this per request on
 * its per-thread context. */
void arr_svc_set_principal(arr_svc *svc, const arr_principal *p);
/* Re-reads the clock (or ARREARS_NOW): a long-lived context calls it per request. */
void arr_svc_refresh_clock(arr_svc *svc);
/* {"id","username","display_name","role","client","active"} */
json_t *arr_svc_principal_json(const arr_principal *p);

/* Creates or migrates the schema and the key (idempotent). */
arr_rc arr_svc_init(const arr_svc_options *opt, int *schema_version, char *key_path,
                    size_t key_path_cap, arr_err *err);

/* ---- clients ---- */
arr_rc arr_svc_client_add(arr_svc *svc, const char *code, const char *name,
                          const char *commission_pct, const char *allocation_order,
                          int64_t *id_out, arr_err *err);
arr_rc arr_svc_client_list(arr_svc *svc, json_t **out, arr_err *err);

/* ---- placements ---- */
typedef struct {
  int64_t placement_id;
  int64_t read, loaded, duplicates, rejected;
} arr_import_result;

/* Called for each rejected line (message "line N: field F: reason") and for progress
 * (rows so far, bytes so far, total bytes). Either may be NULL. */
typedef struct {
  void (*reject)(void *ctx, const char *message);
  void (*progress)(void *ctx, int64_t rows, uint64_t bytes_done, uint64_t bytes_total);
  void *ctx;
  const char *rejects_path; /* NULL: no rejects file */
} arr_import_hooks;

arr_rc arr_svc_import_placements(arr_svc *svc, const char *path, const char *client_code,
                                 const arr_import_hooks *hooks, arr_import_result *res,
                                 arr_err *err);

/* ---- payments ---- */
typedef struct {
  int64_t payment_id;
  int64_t account_id;
  bool duplicate;      /* the idempotency key was seen before; nothing changed */
  arr_balance applied; /* movement per bucket (negative = paid down) */
  arr_balance balance; /* account balance after */
} arr_pay_result;

typedef struct {
  const char *account;   /* ID or CLIENT:CLIENT_ACCOUNT */
  const char *amount;    /* decimal text, > 0 */
  const char *method;    /* cash|check|card|ach; NULL = cash */
  const char *date;      /* YYYY-MM-DD; NULL = today */
  const char *reference; /* may be NULL */
  const char *key;       /* idempotency key; may be NULL */
} arr_pay_request;

arr_rc arr_svc_pay(arr_svc *svc, const arr_pay_request *req, arr_pay_result *res,
                   arr_err *err);
arr_rc arr_svc_payment_reverse(arr_svc *svc, int64_t payment_id, const char *reason,
                               arr_pay_result *res, arr_err *err);

typedef struct {
  int64_t read, posted, duplicates, rejected;
} arr_payfile_result;
arr_rc arr_svc_import_payments(arr_svc *svc, const char *path, const char *client_code,
                               const arr_import_hooks *hooks, arr_payfile_result *res,
                               arr_err *err);

/* Adds an adjustment entry to one bucket (amount may be negative; an owed bucket may
 * not go below zero, credit may not go above zero). */
arr_rc arr_svc_adjust(arr_svc *svc, const char *account, const char *bucket,
                      const char *amount, const char *reason, int64_t *entry_id,
                      arr_err *err);

/* ---- accounts ---- */
typedef struct {
  const char *as_of; /* YYYY-MM-DD or NULL */
  bool reveal_pii;   /* full SSN/DOB: supervisor, compliance or admin only; audited */
  bool with_detail;  /* ledger, payments, contact points */
} arr_show_options;

arr_rc arr_svc_account_resolve(arr_svc *svc, const char *ref, int64_t *id_out,
                               arr_err *err);
arr_rc arr_svc_account_show(arr_svc *svc, const char *ref, const arr_show_options *opt,
                            json_t **out, arr_err *err);
typedef struct {
  const char *client_code; /* NULL = any */
  const char *status;      /* NULL = any */
  int64_t after_id;
  int limit; /* 1..1000 */
} arr_list_options;
arr_rc arr_svc_account_list(arr_svc *svc, const arr_list_options *opt, json_t **out,
                            arr_err *err);
arr_rc arr_svc_note_add(arr_svc *svc, const char *account, const char *body,
                        int64_t *id_out, arr_err *err);

/* Balance as JSON {principal, interest, fees, costs, credit, total} in cents. */
json_t *svc_balance_json_public(const arr_balance *b);

/* ---- users ---- */
/* role: collector|supervisor|compliance|admin|client; client_code only (and always)
 * for role client. */
arr_rc arr_svc_user_add(arr_svc *svc, const char *username, const char *display_name,
                        const char *role, const char *client_code, int64_t *id_out,
                        arr_err *err);

/* ---- contact points (addresses, phones, emails) with history ---- */
typedef struct {
  const char *line1, *line2, *city, *state, *zip;
  const char *source; /* NULL = "manual" */
} arr_address_input;
/* Adds a current address for the account's debtor; addresses it replaces become
 * "former" (with an end date and history rows). */
arr_rc arr_svc_address_add(arr_svc *svc, const char *account, const arr_address_input *in,
                           int64_t *id_out, arr_err *err);
arr_rc arr_svc_phone_add(arr_svc *svc, const char *account, const char *number,
                         const char *type, const char *consent, const char *source,
                         int64_t *id_out, arr_err *err);
arr_rc arr_svc_email_add(arr_svc *svc, const char *account, const char *address,
                         const char *consent, const char *source, int64_t *id_out,
                         arr_err *err);
/* kind: address|phone|email. status and/or consent (NULL = unchanged). */
arr_rc arr_svc_point_update(arr_svc *svc, const char *kind, int64_t id,
                            const char *status, const char *consent, const char *source,
                            arr_err *err);

/* ---- audit ---- */
typedef struct {
  int64_t events_checked, accounts_checked, entries_checked;
  int64_t problems;
} arr_verify_result;
/* Recomputes the audit hash chain and every account's ledger chain and balance. Each
 * problem is reported through report(ctx, message). ARR_ERR_INTEGRITY if any. */
arr_rc arr_svc_audit_verify(arr_svc *svc, void (*report)(void *ctx, const char *msg),
                            void *ctx, arr_verify_result *res, arr_err *err);

/* ---- debt facts (debt_facts.c) ---- */
/* Chooses the itemization date's basis (last_statement, charge_off, last_payment,
 * transaction, judgment) and date (NULL: from the account's charge-off or last payment
 * date for those bases). Supervisor, compliance or admin; refused (ARR_ERR_CONFLICT)
 * once a validation notice has been sent. Audited. */
arr_rc arr_svc_itemization_set(arr_svc *svc, const char *account, const char *basis,
                               const char *date, arr_err *err);

/* The statute-of-limitations table (data/statute_of_limitations.csv): {"items":
 * [{"state","years":{"written_contract",...},"citation","notes"}]}. */
arr_rc arr_svc_statutes(arr_svc *svc, json_t **out, arr_err *err);

/* ---- arrangements (arrangements.c) ---- */
typedef struct {
  const char *account;
  const char *total;       /* decimal amount */
  const char *frequency;   /* weekly, biweekly, semimonthly, monthly */
  int count;               /* regular installments */
  const char *first;       /* first regular due date */
  const char *down;        /* down payment due today; NULL = none */
  const char *auth_method; /* recurring-payment authorization taken: ach, card; NULL */
} arr_plan_request;
/* A plan within the client's limits is active (superseding the current one); outside
 * them it is pending_approval and waits in the approvals inbox. *out: {"id","status",
 * "installments":[{"due_on","amount_cents",...}], ...} (SPEC.md plan create --json). */
arr_rc arr_svc_plan_create(arr_svc *svc, const arr_plan_request *req, json_t **out,
                           arr_err *err);
/* A settlement offer (one payment of amount due on `due`, lapsing on `expires`, default
 * the due date): below the client's floor it needs a supervisor's approval. */
arr_rc arr_svc_settlement_offer(arr_svc *svc, const char *account, const char *amount,
                                const char *due, const char *expires, json_t **out,
                                arr_err *err);
arr_rc arr_svc_settlement_accept(arr_svc *svc, int64_t plan_id, json_t **out,
                                 arr_err *err);
/* The account's plans and settlements, newest first: {"items":[plan...]}. */
arr_rc arr_svc_plan_list(arr_svc *svc, const char *account, json_t **out, arr_err *err);
arr_rc arr_svc_promise_add(arr_svc *svc, const char *account, const char *amount,
                           const char *on, int64_t *id_out, arr_err *err);
/* status: pending (NULL), approved, rejected, all. */
arr_rc arr_svc_approval_list(arr_svc *svc, const char *status, json_t **out,
                             arr_err *err);
/* Supervisor or admin. */
arr_rc arr_svc_approval_decide(arr_svc *svc, int64_t id, bool approve, const char *note,
                               arr_err *err);
/* A credit extension on a plan — kind due_date (an active plan's remaining
 * installments move to start on `to`) or re_age (an active or broken plan brought
 * current: what is still owed spread again from `to`) — always waits for a
 * supervisor's approval and is applied when approved. */
arr_rc arr_svc_extension_request(arr_svc *svc, int64_t plan_id, const char *kind,
                                 const char *to, const char *reason, int64_t *approval_id,
                                 arr_err *err);
typedef struct {
  int64_t plans, promises, active, completed, broken, settled;
} arr_monitor_result;
/* Judges every active plan and settlement and every open promise at as_of (NULL =
 * today): installments kept, partial or broken with the client's grace days; broken
 * ones go back to work with the reason as a note; completed settlements are settled. */
arr_rc arr_svc_arrangements_monitor(arr_svc *svc, const char *as_of,
                                    arr_monitor_result *res, arr_err *err);
typedef struct {
  const char *min_installment;           /* NULL = unchanged */
  int max_months, floor_pct, grace_days; /* -1 = unchanged */
} arr_limits_request;
arr_rc arr_svc_client_limits_set(arr_svc *svc, const char *code,
                                 const arr_limits_request *req, arr_err *err);

/* ---- financial statements (statements.c) ---- */
/* Records a new version of the debtor's statement from a JSON object: {"dependents",
 * "hardship", "income":[{"source","amount","period"}], "expenses":[{"category",
 * "amount","period"}], "assets":[{"kind","amount"}]} (amounts as decimal strings;
 * periods weekly, biweekly, semimonthly, monthly, annual). Errors name the entry and
 * field ("income[1].period"). */
arr_rc arr_svc_statement_add(arr_svc *svc, const char *account, const json_t *req,
                             int64_t *id_out, arr_err *err);
/* {"account_id","balance_cents","statement"|null,"history":[...],"affordability"|null,
 * "limits":{...},"options":[{"kind","total_cents","installment_cents","count",
 * "frequency","affordable","within_limits"}]}. */
arr_rc arr_svc_statement_show(arr_svc *svc, const char *account, json_t **out,
                              arr_err *err);

/* ---- the nightly batch (batch.c) ---- */
typedef struct {
  int64_t run_id, accounts, interest_entries, interest_cents, time_barred;
  bool resumed;      /* a run for this date had started and is finished now */
  bool already_done; /* the date had run to the end before: nothing changed */
  arr_monitor_result monitor;
} arr_batch_result;
/* Runs the nightly batch for as_of (supervisor or admin): interest, aging and the
 * statute of limitations per account in chunks of chunk_size (0 = default), each
 * committed with the run's checkpoint, then the arrangements' monitoring. Resumes an
 * interrupted run; a date already done changes nothing; a date before the latest run
 * is refused. progress (may be NULL) is called after each chunk. */
arr_rc arr_svc_batch_run(arr_svc *svc, const char *as_of, int chunk_size,
                         void (*progress)(void *ctx, const arr_batch_result *r),
                         void *ctx, arr_batch_result *res, arr_err *err);
/* The parts of a run. A run without every part still records the date as done: only
 * benchmarks use fewer (bench/batch times interest and aging alone against set-based
 * SQL doing the same), never the CLI or the API. */
enum {
  ARR_BATCH_INTEREST = 1u,  /* interest accrual and aging: always done */
  ARR_BATCH_DECISIONS = 2u, /* statute of limitations, score, strategy and its actions */
  ARR_BATCH_MONITOR = 4u,   /* plans and promises judged */
  ARR_BATCH_ALL = 7u,
};
arr_rc arr_svc_batch_run_steps(arr_svc *svc, const char *as_of, int chunk_size,
                               unsigned steps,
                               void (*progress)(void *ctx, const arr_batch_result *r),
                               void *ctx, arr_batch_result *res, arr_err *err);
/* A run with every option: workers above 1 (PostgreSQL only, at most 32) process the
 * accounts in ranges of ids side by side, each on its own connection; a run once split
 * into ranges resumes by ranges with any number of workers. */
typedef struct {
  const char *as_of;
  int chunk_size; /* 0 = default */
  unsigned steps; /* ARR_BATCH_ALL outside benchmarks */
  int workers;    /* 0 or 1 = one sequence */
} arr_batch_options;
arr_rc arr_svc_batch_run_with(arr_svc *svc, const arr_batch_options *o,
                              void (*progress)(void *ctx, const arr_batch_result *r),
                              void *ctx, arr_batch_result *res, arr_err *err);

/* The run for as_of (NULL: the latest): {"id","as_of","status","phase",
 * "last_account_id","accounts","interest_entries","interest_cents","time_barred",
 * "started_at","finished_at","actor"}. */
arr_rc arr_svc_batch_status(arr_svc *svc, const char *as_of, json_t **out, arr_err *err);

/* What the batch decided for as_of (kind NULL = every kind), a page at a time in
 * account order: the accounts after account id `after`, about `limit` actions (0: 1000,
 * at most 10000; a page ends at an account boundary, so an account's actions come
 * together). {"as_of","total","items":[{"account_id","kind","name","rule",
 * "strategy_version"}],"truncated","next_after"}: total counts every action of the
 * date and kind; next_after (null on the last page) is the `after` of the next page,
 * and truncated says there is one. The letters due for the letters run are among
 * them. */
arr_rc arr_svc_batch_actions(arr_svc *svc, const char *as_of, const char *kind,
                             int64_t after, int limit, json_t **out, arr_err *err);

/* Supervisors' view: per collector, open accounts by batch queue, how many were
 * worked today, and balances. {"since","collectors":[{"collector","accounts",
 * "worked_today","balance_cents","queues":[{"queue","accounts","worked_today",
 * "balance_cents"}]}]}. */
arr_rc arr_svc_queue_summary(arr_svc *svc, json_t **out, arr_err *err);

/* ---- scores (scores.c) ---- */
/* Trains the propensity model on history: features as of as_of - 30 days (NULL: today),
 * label = paid in the 30 days after; holdout_pct percent of accounts (by hash) held out
 * for the AUC. Supervisor or admin. {"id","n_train","n_test","positives","auc_e4",
 * "auc","window_days"}. */
arr_rc arr_svc_score_train(arr_svc *svc, const char *as_of, int holdout_pct, json_t **out,
                           arr_err *err);

/* ---- strategies (strategies.c) ---- */
/* Saves a new version (supervisor, admin); a parse error names line and column.
 * *out: {"id","version","rules"}. */
arr_rc arr_svc_strategy_save(arr_svc *svc, const char *text, const char *note,
                             json_t **out, arr_err *err);
/* The champion (0: the built-in default) and a challenger (0: none) for pct (0..50)
 * percent of the accounts. */
arr_rc arr_svc_strategy_assign(arr_svc *svc, int64_t champion_id, int64_t challenger_id,
                               int challenger_pct, arr_err *err);
/* Checks a strategy's text without saving it (supervisor, admin): the same errors as
 * saving, naming line and column. *out: {"rules":[{"title","line"}]}. */
arr_rc arr_svc_strategy_check(arr_svc *svc, const char *text, json_t **out, arr_err *err);
/* The versions and the assignment: {"items":[...],"champion_id" (0: the built-in
 * default, also when nobody has chosen yet),"challenger_id" (null: none),
 * "challenger_pct","assigned_by","assigned_at" (null until a supervisor chooses)}. */
arr_rc arr_svc_strategy_list(arr_svc *svc, json_t **out, arr_err *err);
/* id 0: the built-in default. {"id","version","text","note","created_by",
 * "created_at","rules":[{"title","line"}]}. */
arr_rc arr_svc_strategy_show(arr_svc *svc, int64_t id, json_t **out, arr_err *err);
/* Liquidation by strategy version and arm (as the latest nightly run assigned each
 * account): payments effective in [from, to] over what could be collected in that
 * period, the accounts' balance when it began plus what was placed during it. */
arr_rc arr_svc_strategy_report(arr_svc *svc, const char *from, const char *to,
                               json_t **out, arr_err *err);

/* ---- compliance (compliance.c) ---- */
typedef struct {
  const char *account;
  const char *type; /* validation_notice_sent, dispute_written, ... */
  const char *at;   /* ISO time; NULL = now */
  const char *note; /* may be NULL */
  const char *data; /* stated_convenient_hours: "HH:MM-HH:MM" */
  bool release;     /* the fact ends (at `at`) instead of starting */
} arr_event_request;
/* Records a fact that changes what may be done (audited); release ends the type's
 * events in effect (ARR_ERR_CONFLICT when none). *id_out is the new event (0 on a
 * release). */
arr_rc arr_svc_account_event(arr_svc *svc, const arr_event_request *req, int64_t *id_out,
                             arr_err *err);

typedef struct {
  const char *account;
  const char *channel; /* call|sms|email|letter|visit */
  const char *to;      /* phone for call/sms; may be NULL */
  const char *at;      /* ISO time; NULL = now */
  bool autodial;
  bool threatens_suit; /* the letter or call threatens suit (refused when time-barred) */
} arr_check_request;
/* The compliance engine's decision on a proposed contact, as SPEC.md's JSON:
 * {"allowed","reasons":[{"code","message","rule","citation"}],"next_allowed_at",
 * "zones"}. */
arr_rc arr_svc_contact_check(arr_svc *svc, const arr_check_request *req, json_t **out,
                             arr_err *err);
/* Every contact logged in [from, to] (dates, UTC days) judged again by the engine
 * against what came before it: {"from","to","contacts_checked","contacts_truncated",
 * "violations","violations_by_reason":{CODE:n},"listed":[{contact_id, account_id,
 * client, client_account, at, channel, outcome, actor, reasons[]}]} (first 1,000).
 * Supervisor, compliance or admin. */
arr_rc arr_svc_compliance_report(arr_svc *svc, const char *from, const char *to,
                                 json_t **out, arr_err *err);
/* The account's events, oldest first: {"items":[{id, type, at, released_at, note,
 * data, actor}], "next_after": null}. */
arr_rc arr_svc_event_list(arr_svc *svc, const char *account, json_t **out, arr_err *err);
/* The rules table with the admins' switches: {"items":[{id, jurisdiction, citation,
 * title, reason, enabled}]}. */
arr_rc arr_svc_compliance_rules(arr_svc *svc, json_t **out, arr_err *err);
arr_rc arr_svc_compliance_rule_set(arr_svc *svc, const char *rule_id, bool enabled,
                                   arr_err *err);

/* ---- demo ---- */
/* The password of every user `arrears demo` creates (printed by `make demo`). */
#define ARR_DEMO_PASSWORD "arrears-demo"
typedef struct {
  int64_t clients, users, debtors, accounts, payments, contacts;
} arr_demo_result;
arr_rc arr_svc_demo(arr_svc *svc, int64_t accounts, uint64_t seed,
                    void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                    arr_demo_result *res, arr_err *err);

/* ---- authentication (auth.c) ---- */
enum { ARR_TOKEN_MAX = 80, ARR_CSRF_MAX = 65 };

/* Sets a user's password (10..200 bytes; argon2id via crypto_pwhash_str) and ends
 * their open sessions. Allowed for admins, and for a user on their own account. */
arr_rc arr_svc_user_set_password(arr_svc *svc, const char *username, const char *password,
                                 arr_err *err);
/* Changes a user's role (admin only); client_code for role client. Ends sessions. */
arr_rc arr_svc_user_set_role(arr_svc *svc, const char *username, const char *role,
                             const char *client_code, json_t **user_out, arr_err *err);
/* Creates an API token for username (admin only); the secret is returned once. */
arr_rc arr_svc_token_create(arr_svc *svc, const char *username, const char *name,
                            char token_out[ARR_TOKEN_MAX], int64_t *id_out, arr_err *err);

typedef struct {
  char token[ARR_TOKEN_MAX]; /* session cookie value */
  char csrf[ARR_CSRF_MAX];
  arr_principal user;
  int64_t retry_after_s; /* ARR_ERR_THROTTLED: seconds until the window passes */
} arr_login_result;
/* Checks the password; on success opens a session. ARR_ERR_AUTH on bad credentials
 * (one message whether the user or the password was wrong), ARR_ERR_THROTTLED after
 * too many failures. Every attempt is recorded; failures are audited. */
arr_rc arr_svc_login(arr_svc *svc, const char *username, const char *password,
                     const char *remote_addr, arr_login_result *res, arr_err *err);
/* Resolves a session cookie value: ARR_ERR_AUTH when unknown, ended or expired. */
arr_rc arr_svc_session_check(arr_svc *svc, const char *token, arr_principal *p,
                             char csrf_out[ARR_CSRF_MAX], int64_t *session_id,
                             arr_err *err);
arr_rc arr_svc_logout(arr_svc *svc, int64_t session_id, arr_err *err);
/* Resolves "arr_..." bearer tokens: ARR_ERR_AUTH when unknown or revoked. */
arr_rc arr_svc_token_check(arr_svc *svc, const char *token, arr_principal *p,
                           arr_err *err);
/* Makes the context act as the user its actor names (the CLI's --as USER), with that
 * user's role and scope: for commands that belong to a user, like the work queue. */
arr_rc arr_svc_act_as(arr_svc *svc, arr_err *err);
/* Records a refused request (401, 403, or 429 throttled) in the audit log. */
arr_rc arr_svc_audit_denied(arr_svc *svc, int http_status, const char *method,
                            const char *path, const char *reason, const char *remote_addr,
                            arr_err *err);

/* ---- workstation (work.c) ---- */
typedef struct {
  const char *client_code; /* NULL = any (a client user is always scoped to its own) */
  const char *status;
  int64_t after_id;
  int limit; /* 1..200 */
} arr_page_options;
/* {"items":[summary], "next_after"} */
arr_rc arr_svc_account_summaries(arr_svc *svc, const arr_page_options *opt, json_t **out,
                                 arr_err *err);
arr_rc arr_svc_account_search(arr_svc *svc, const char *q, int limit, json_t **out,
                              arr_err *err);
/* The acting collector's queue from offset, and the next unworked account. */
arr_rc arr_svc_work_queue(arr_svc *svc, int64_t offset, int limit, json_t **out,
                          arr_err *err);
arr_rc arr_svc_work_next(arr_svc *svc, json_t **out, arr_err *err);

typedef struct {
  const char *account;
  const char *channel; /* call|sms|email|letter|visit */
  const char *to;      /* phone or email; may be NULL */
  const char *at;      /* ISO time; NULL = now */
  const char *outcome;
  const char *reason;         /* reason for delinquency; may be NULL */
  const char *note;           /* may be NULL */
  const char *promise_amount; /* decimal; with promise_on, or both NULL */
  const char *promise_on;
  /* Logging a contact the compliance engine refuses needs a supervisor's (or an
   * admin's) override with a reason; the contact is then flagged for review. */
  const char *override_reason;
} arr_contact_request;
/* Records a contact attempt (and a promise to pay taken on it) after the compliance
 * engine's check at its time: ARR_ERR_REFUSED naming the reasons when the engine
 * refuses and no override is given; ARR_ERR_FORBIDDEN when the override is not a
 * supervisor's or admin's. *out is the contact. */
arr_rc arr_svc_contact_log(arr_svc *svc, const arr_contact_request *req, json_t **out,
                           arr_err *err);
arr_rc arr_svc_contact_list(arr_svc *svc, const char *account, int64_t before_id,
                            int limit, json_t **out, arr_err *err);
arr_rc arr_svc_note_list(arr_svc *svc, const char *account, int64_t before_id, int limit,
                         json_t **out, arr_err *err);
/* {"status":"ok","schema_version":N} when the database answers. */
arr_rc arr_svc_health(arr_svc *svc, json_t **out, arr_err *err);
/* One client as JSON (the shape of client list items). */
arr_rc arr_svc_client_get_json(arr_svc *svc, const char *code, json_t **out,
                               arr_err *err);
/* ARR_OK when password meets the rules (length 10..200). */
arr_rc arr_svc_password_acceptable(const char *password, arr_err *err);
/* arr_svc_note_add for the API: role-checked, *out is the new note. */
arr_rc arr_svc_note_add_json(arr_svc *svc, const char *account, const char *body,
                             json_t **out, arr_err *err);
arr_rc arr_svc_user_list(arr_svc *svc, json_t **out, arr_err *err);
arr_rc arr_svc_user_get_json(arr_svc *svc, const char *username, json_t **out,
                             arr_err *err);
/* Oldest first from after_id when after_id >= 0 ({"items","next_after"}), else newest
 * first below before_id (0 = from the newest; {"items","next_before"}). */
arr_rc arr_svc_audit_list(arr_svc *svc, const char *action, const char *entity,
                          const char *entity_id, int64_t after_id, int64_t before_id,
                          int limit, json_t **out, arr_err *err);
/* ARR_ERR_FORBIDDEN unless the acting principal's role is one of roles (NULL-ended);
 * the command line (no principal) passes. */
arr_rc arr_svc_require(arr_svc *svc, const char *what, const char *const *roles,
                       arr_err *err);

/* ---- email (email.c) ---- */
/* The public opt-out page (/optout/TOKEN). peek reads: {"status":"active"|"already",
 * "masked_email":"a***@example.com","agency":NAME|null}; optout records the opt-out
 * once (token used, email_opt_out event, the address's consent revoked with history,
 * audit; actor "optout") and returns the same shape with status "stopped" (now) or
 * "already" (before). An unknown or malformed token is ARR_ERR_NOTFOUND with a message
 * that says nothing more. */
arr_rc arr_svc_optout_peek(arr_svc *svc, const char *token, json_t **out, arr_err *err);
arr_rc arr_svc_optout(arr_svc *svc, const char *token, json_t **out, arr_err *err);
/* `arrears email test ACCOUNT --to ADDR`: sends "This is a test message from arrears"
 * with an opt-out link to ADDR, which must be a current email of the account's debtor,
 * if the compliance engine allows an email now (time of day, opt-out, cease, ...).
 * *out: {"account_id","email_id","to","message_id"}. */
arr_rc arr_svc_email_test(arr_svc *svc, const char *account, const char *to, json_t **out,
                          arr_err *err);

/* ---- correspondence ---- */
/* Inbound correspondence (correspondence.c): a scanned letter or an email filed to an
 * account, classified (dispute, cease, payment, bankruptcy, attorney, other), with its
 * document. Filing a dispute, cease, bankruptcy notice or attorney letter records the
 * account event that holds collection (dispute_written, cease_written,
 * bankruptcy_filed, attorney_represented). */
enum {
  ARR_CORR_DOCUMENT_MAX = 10 * 1024 * 1024, /* bytes of one document */
  ARR_CORR_TEXT_MAX = 64 * 1024,            /* bytes of body_text */
  ARR_CORR_SUBJECT_MAX = 200,
  ARR_CORR_FILE_NAME_MAX = 200,
};
typedef struct {
  const char *account;     /* id or CLIENT:CLIENT_ACCOUNT */
  const char *channel;     /* mail, email, fax, upload */
  const char *received_on; /* DATE: not in the future, nor before placed_on - 1 year */
  const char *kind;        /* NULL: the classifier's suggestion */
  const char *subject;     /* NULL or 1..200 bytes, one line */
  const char *body_text;   /* NULL or up to 64 KiB of UTF-8 (an email's text) */
  /* The document (data NULL = none): file name (1..200 bytes, printable UTF-8),
   * content type (application/pdf, image/png, image/jpeg, image/tiff, text/plain,
   * message/rfc822; PDF, PNG, JPEG and TIFF must start with their magic bytes) and up
   * to ARR_CORR_DOCUMENT_MAX bytes. */
  const char *file_name;
  const char *content_type;
  const unsigned char *data;
  size_t data_len;
} arr_corr_request;
/* Files an item (staff: collector, supervisor, compliance, admin) in one transaction:
 * document, item, the hold's account event for a dispute, cease, bankruptcy or
 * attorney item (at received_on 12:00 UTC, or now when noon is still to come), audit.
 * The classifier reads the subject, body_text and a text/plain or message/rfc822
 * document; its suggestion is always stored and is the kind when none is given.
 * Errors name the field (err->field "channel", "received_on", "kind", "subject",
 * "body_text", "document.file_name", "document.content_type",
 * "document.content_base64"). *out: the item as lists show it. */
arr_rc arr_svc_correspondence_add(arr_svc *svc, const arr_corr_request *req, json_t **out,
                                  arr_err *err);
/* The account's items, newest received first: {"items":[{"id","direction":"in",
 * "account_id","channel","kind","suggested_kind","suggested_phrase","received_on",
 * "subject","has_body_text","has_document","document":{"id","file_name",
 * "content_type","size_bytes","sha256","url"}|null,"event":{"id","type","at",
 * "released_at"}|null,"created_at","actor"}],"next_after"}: the items after item
 * before_id (0 = from the newest), at most limit (1..200). A client user reads only
 * its own client's accounts. */
arr_rc arr_svc_correspondence_list(arr_svc *svc, const char *account, int64_t before_id,
                                   int limit, json_t **out, arr_err *err);
/* One item as lists show it, plus "body_text" (string or null). */
arr_rc arr_svc_correspondence_show(arr_svc *svc, int64_t id, json_t **out, arr_err *err);
typedef struct {
  unsigned char *data; /* malloc'd: free() it, or arr_svc_corr_document_free */
  size_t len;
  char file_name[201];
  char content_type[32];
  char sha256[65];
} arr_corr_document;
/* The item's document (bytes, content type, file name) for viewing; the caller may
 * read the account (a client user: its own client's). ARR_ERR_NOTFOUND when the item
 * has no document. */
arr_rc arr_svc_correspondence_document(arr_svc *svc, int64_t id, arr_corr_document *doc,
                                       arr_err *err);
void arr_svc_corr_document_free(arr_corr_document *doc);
/* The same written to path (atomically: a temporary file renamed; never over the
 * database or its key). *out: {"id","file_name","content_type","size_bytes","sha256",
 * "path"}. */
arr_rc arr_svc_correspondence_save(arr_svc *svc, int64_t id, const char *path,
                                   json_t **out, arr_err *err);
/* Changes an item's kind (supervisor, compliance, admin; audited). A change to a
 * dispute, cease, bankruptcy or attorney kind records its account event as filing
 * does; an event set before is not released (release it with `account event
 * --release`). The same kind again changes nothing. *out: the item. */
arr_rc arr_svc_correspondence_classify(arr_svc *svc, int64_t id, const char *kind,
                                       json_t **out, arr_err *err);

/* ---- letters (letters.c, letter_fields.c) ---- */
/* Makes the letters and emails due on as_of (the nightly batch's strategy letters
 * and the letters answering what happened in the seven days up to it), each checked
 * by the compliance engine: one PDF per letter in out_dir plus manifest-DATE.csv for
 * the print vendor and skipped-DATE.csv (what was due and not made, and why).
 * Idempotent per date. Supervisor or admin. *out: the run's counts and files. */
arr_rc arr_svc_letters_run(arr_svc *svc, const char *as_of, const char *out_dir,
                           json_t **out, arr_err *err);
/* An account's letters and emails, newest first (at most 200): [{"id","account_id",
 * "direction":"out","channel","template","language","template_version","as_of",
 * "sent_on","status","recipient","pages","returned_on","return_reason",
 * "created_at","actor"}]. */
arr_rc arr_svc_letters_of_account(arr_svc *svc, const char *account, json_t **out,
                                  arr_err *err);
/* The letters of one run date, id > after_id, at most limit (1..1000), by id. */
arr_rc arr_svc_letters_of_date(arr_svc *svc, const char *as_of, int64_t after_id,
                               int limit, json_t **out, arr_err *err);
/* A letter's PDF, rendered again from its stored fields (*pdf malloc'd). */
arr_rc arr_svc_letter_pdf(arr_svc *svc, int64_t id, unsigned char **pdf, size_t *len,
                          arr_err *err);
/* Mail returned (a letter) or a bounce (an email) on date (NULL = today): the address
 * or email is marked returned/bounced with its source and date, a skip-trace request
 * is opened, and the contact is logged (the passive-reporting clock starts again). */
arr_rc arr_svc_letter_returned(arr_svc *svc, int64_t id, const char *date,
                               const char *reason, json_t **out, arr_err *err);
/* A template filled for an account as it would be mailed today, not recorded.
 * language NULL: the debtor's. */
arr_rc arr_svc_letter_preview(arr_svc *svc, const char *account, const char *name,
                              const char *language, unsigned char **pdf, size_t *len,
                              arr_err *err);
/* The agency's profile letters carry: {"name","street","city_line","phone","hours",
 * "email","website","dispute_url"}; set one field (admin). */
arr_rc arr_svc_agency_show(arr_svc *svc, json_t **out, arr_err *err);
arr_rc arr_svc_agency_set(arr_svc *svc, const char *key, const char *value, arr_err *err);
/* Letter templates: the list (newest version of each name and language), one
 * template's text and versions (version < 0: the newest), a check of a text, and
 * saving a new version (admin). */
arr_rc arr_svc_templates_list(arr_svc *svc, json_t **out, arr_err *err);
arr_rc arr_svc_template_show(arr_svc *svc, const char *name, const char *lang,
                             int64_t version, json_t **out, arr_err *err);
arr_rc arr_svc_template_check(arr_svc *svc, const char *text, json_t **out, arr_err *err);
arr_rc arr_svc_template_save(arr_svc *svc, const char *name, const char *lang,
                             const char *text, const char *note, json_t **out,
                             arr_err *err);

#endif
