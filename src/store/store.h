/*
 * store.h — every read and write the application makes, as functions over arr_db.
 *
 * This is the only module that holds SQL (db.c is the engine shim beneath it). Each
 * function is one prepared statement or a short fixed sequence of them; none opens or
 * commits a transaction — the service layer owns transaction boundaries (one use case,
 * one transaction). Rows cross this interface as fixed-size structs so callers never
 * free anything and every field has a bound; text that does not fit is an error at the
 * boundary that produced it (formats/ and service/ validate lengths first).
 *
 * Dates are arr_date with ARR_DATE_NONE for NULL. Lists are read in pages with keyset
 * pagination (after_id, limit), so no query returns an unbounded result.
 */
#ifndef ARR_STORE_H
#define ARR_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/err.h"
#include "core/ledger.h"
#include "core/interest.h"
#include "core/plan.h"
#include "store/db.h"

#define ARR_HASH_HEX 65 /* a 256-bit hash as 64 hex chars + NUL */

/* Applies every pending numbered migration in one transaction each; *version_out
 * receives the schema version afterwards. Idempotent. */
arr_rc arr_store_migrate(arr_db *db, int *version_out, arr_err *err);
/* Current schema version, 0 for an empty database. */
arr_rc arr_store_schema_version(arr_db *db, int *version_out, arr_err *err);

/* settings: small key/value facts (key check value, demo seed). */
arr_rc arr_store_setting_get(arr_db *db, const char *key, char *buf, size_t cap,
                             bool *found, arr_err *err);
arr_rc arr_store_setting_put(arr_db *db, const char *key, const char *value,
                             arr_err *err);

/* ---- clients ---- */
typedef struct {
  int64_t id;
  char code[33];
  char name[201];
  int64_t commission_pct_e4;
  char allocation_order[48];
  char currency[4];
} arr_client;

arr_rc arr_store_client_insert(arr_db *db, arr_client *c, const char *now_iso,
                               arr_err *err); /* sets c->id */
arr_rc arr_store_client_by_code(arr_db *db, const char *code, arr_client *out,
                                arr_err *err);
arr_rc arr_store_client_by_id(arr_db *db, int64_t id, arr_client *out, arr_err *err);
/* Up to cap clients ordered by code; *n receives how many. */
arr_rc arr_store_client_list(arr_db *db, arr_client *out, int cap, int *n, arr_err *err);

/* ---- users ---- */
typedef struct {
  int64_t id;
  char username[65];
  char display_name[129];
  char role[16];
  int64_t client_id;    /* 0 = none */
  char client_code[33]; /* filled by reads */
  bool active;
  char password_hash[160]; /* argon2id string; "" = no password (cannot log in) */
} arr_user;
arr_rc arr_store_user_insert(arr_db *db, arr_user *u, const char *now_iso, arr_err *err);
arr_rc arr_store_user_by_name(arr_db *db, const char *username, arr_user *out,
                              arr_err *err);
arr_rc arr_store_user_by_id(arr_db *db, int64_t id, arr_user *out, arr_err *err);
/* Users ordered by username, username > after (NULL = from the start), at most cap. */
arr_rc arr_store_user_list(arr_db *db, const char *after, arr_user *out, int cap, int *n,
                           arr_err *err);
arr_rc arr_store_user_set_password(arr_db *db, int64_t id, const char *hash,
                                   const char *now_iso, arr_err *err);
arr_rc arr_store_user_set_role(arr_db *db, int64_t id, const char *role,
                               int64_t client_id, arr_err *err);

/* ---- sessions, API tokens, login attempts (store_auth.c) ---- */
typedef struct {
  int64_t id;
  char csrf_token[65];
  char expires_at[ARR_TIME_FMT_MAX], last_seen_at[ARR_TIME_FMT_MAX];
  bool ended;
} arr_session;
arr_rc arr_store_session_insert(arr_db *db, const char *token_hash, int64_t user_id,
                                const char *csrf_token, const char *now_iso,
                                const char *expires_iso, const char *remote_addr,
                                int64_t *id_out, arr_err *err);
/* The session with this token hash and its user; ARR_ERR_NOTFOUND when unknown. */
arr_rc arr_store_session_get(arr_db *db, const char *token_hash, arr_session *s,
                             arr_user *u, arr_err *err);
arr_rc arr_store_session_touch(arr_db *db, int64_t id, const char *now_iso, arr_err *err);
arr_rc arr_store_session_end(arr_db *db, int64_t id, const char *now_iso, arr_err *err);
/* Ends every open session of a user (password or role change). */
arr_rc arr_store_session_end_user(arr_db *db, int64_t user_id, const char *now_iso,
                                  arr_err *err);

arr_rc arr_store_token_insert(arr_db *db, int64_t user_id, const char *name,
                              const char *token_hash, const char *now_iso,
                              const char *created_by, int64_t *id_out, arr_err *err);
/* The live (not revoked) token with this hash and its user. */
arr_rc arr_store_token_get(arr_db *db, const char *token_hash, int64_t *token_id,
                           arr_user *u, arr_err *err);

arr_rc arr_store_login_attempt_insert(arr_db *db, const char *username,
                                      const char *remote_addr, const char *at_iso,
                                      bool ok, arr_err *err);
/* Failed attempts since since_iso for the username and for the address, and the
 * oldest of each (for Retry-After); "" when none. */
arr_rc arr_store_login_failures(arr_db *db, const char *username, const char *remote_addr,
                                const char *since_iso, int64_t *by_user, int64_t *by_addr,
                                char oldest_user[ARR_TIME_FMT_MAX],
                                char oldest_addr[ARR_TIME_FMT_MAX], arr_err *err);

/* ---- debtors and contact points ---- */
typedef struct {
  int64_t id;
  char first_name[201], middle_name[201], last_name[201], suffix[33];
  char ssn_enc[129], ssn_last4[5];
  int64_t ssn_key; /* 0 = none */
  char dob_enc[129];
  int64_t namedob_key; /* 0 = none */
  char language[9];
  int64_t flags;
} arr_debtor;

arr_rc arr_store_debtor_insert(arr_db *db, arr_debtor *d, const char *now_iso,
                               arr_err *err);
arr_rc arr_store_debtor_get(arr_db *db, int64_t id, arr_debtor *out, arr_err *err);
/* Debtors whose ssn_key (or namedob_key) equals key; up to cap, ordered by id. */
arr_rc arr_store_debtor_find_ssn(arr_db *db, int64_t key, arr_debtor *out, int cap,
                                 int *n, arr_err *err);
arr_rc arr_store_debtor_find_namedob(arr_db *db, int64_t key, arr_debtor *out, int cap,
                                     int *n, arr_err *err);

typedef struct {
  int64_t id, debtor_id;
  char line1[201], line2[201], city[101], state[3], zip[11];
  char status[16], source[33];
  arr_date valid_from, valid_to;
} arr_address;
typedef struct {
  int64_t id, debtor_id;
  char number[16], type[8], consent[12], status[16], source[33];
  arr_date valid_from, valid_to;
} arr_phone;
typedef struct {
  int64_t id, debtor_id;
  char address[256], consent[12], status[16], source[33];
  arr_date valid_from, valid_to;
} arr_email;

arr_rc arr_store_address_insert(arr_db *db, arr_address *a, const char *now_iso,
                                arr_err *err);
arr_rc arr_store_phone_insert(arr_db *db, arr_phone *p, const char *now_iso,
                              arr_err *err);
arr_rc arr_store_email_insert(arr_db *db, arr_email *e, const char *now_iso,
                              arr_err *err);
arr_rc arr_store_address_list(arr_db *db, int64_t debtor_id, arr_address *out, int cap,
                              int *n, arr_err *err);
arr_rc arr_store_phone_list(arr_db *db, int64_t debtor_id, arr_phone *out, int cap,
                            int *n, arr_err *err);
arr_rc arr_store_email_list(arr_db *db, int64_t debtor_id, arr_email *out, int cap,
                            int *n, arr_err *err);

/* The fields every contact point shares, for status/consent changes. kind is
 * "address", "phone" or "email"; consent is "" for addresses. */
typedef struct {
  int64_t id, debtor_id;
  char status[16], consent[12], source[33];
  arr_date valid_from, valid_to;
} arr_point;
arr_rc arr_store_point_get(arr_db *db, const char *kind, int64_t id, arr_point *out,
                           arr_err *err);
/* Writes status, consent (ignored for addresses) and valid_to. */
arr_rc arr_store_point_update(arr_db *db, const char *kind, const arr_point *p,
                              arr_err *err);

typedef struct {
  int64_t id, point_id;
  char kind[8], field[16], old_value[64], new_value[64], source[33];
  char changed_at[ARR_TIME_FMT_MAX], actor[65];
} arr_point_change;
arr_rc arr_store_point_history_insert(arr_db *db, arr_point_change *c, arr_err *err);
/* The changes of every point of one kind of one debtor, in no particular order. */
arr_rc arr_store_point_history_for_debtor(arr_db *db, const char *kind, int64_t debtor_id,
                                          arr_point_change *out, int cap, int *n,
                                          arr_err *err);

/* ---- placements ---- */
typedef struct {
  int64_t id, client_id;
  char file_name[256], file_hash[ARR_HASH_HEX];
  int64_t rows_read, rows_loaded, rows_duplicate, rows_rejected;
} arr_placement;
arr_rc arr_store_placement_insert(arr_db *db, arr_placement *p, const char *now_iso,
                                  const char *actor, arr_err *err);
arr_rc arr_store_placement_update(arr_db *db, const arr_placement *p,
                                  const char *finished_iso, arr_err *err);

/* ---- accounts ---- */
#define ARR_ACCOUNT_ATTRIBUTES_MAX 2048
typedef struct {
  int64_t id, client_id, debtor_id, placement_id, collector_id; /* 0 = NULL */
  char client_code[33];      /* filled by reads (join), ignored by insert */
  char allocation_order[48]; /* client's, filled by reads */
  char client_account[65];
  char original_creditor[201];
  char account_type[16];
  char status[16];
  char currency[4];
  arr_date placed_on, open_date, charge_off_date, first_delinquency_on, last_payment_on,
      creditor_last_payment_on, itemization_date;
  char itemization_basis[16];   /* "" = not chosen yet */
  char federal_loan_bundle[65]; /* "" = not a bundled federal student loan */
  int64_t interest_rate_pct_e4;
  arr_balance balance; /* cached, derived from the ledger */
  char ledger_head[ARR_HASH_HEX];
  char attributes[ARR_ACCOUNT_ATTRIBUTES_MAX]; /* JSON object text, "" = none */
} arr_account;

arr_rc arr_store_account_insert(arr_db *db, arr_account *a, const char *now_iso,
                                arr_err *err);
arr_rc arr_store_account_get(arr_db *db, int64_t id, arr_account *out, arr_err *err);
/* open, settled, paid, recalled, closed. */
arr_rc arr_store_account_set_status(arr_db *db, int64_t id, const char *status,
                                    const char *now_iso, arr_err *err);
/* Sets the itemization date and its basis (ARR_ERR_NOTFOUND if no such account). */
arr_rc arr_store_account_set_itemization(arr_db *db, int64_t id, arr_date date,
                                         const char *basis, const char *now_iso,
                                         arr_err *err);
/* The same, locking the account row until the transaction ends (PostgreSQL: FOR
 * UPDATE; SQLite's BEGIN IMMEDIATE already serializes writers). Every read that is
 * followed by a balance write must use this, or two payments can both start from the
 * same balance and one of them is lost. */
arr_rc arr_store_account_get_for_update(arr_db *db, int64_t id, arr_account *out,
                                        arr_err *err);
/* Serializes bulk loads for one client across processes (PostgreSQL row lock on the
 * client; a no-op on SQLite). Call at the start of each chunk transaction. */
arr_rc arr_store_client_lock(arr_db *db, int64_t client_id, arr_err *err);
/* ARR_ERR_NOTFOUND when absent; *id_out = 0 then. */
arr_rc arr_store_account_id_by_ref(arr_db *db, int64_t client_id,
                                   const char *client_account, int64_t *id_out,
                                   arr_err *err);
/* Writes the cached balance, ledger head, last_payment_on and status. */
arr_rc arr_store_account_update_money(arr_db *db, const arr_account *a,
                                      const char *now_iso, arr_err *err);
/* Writes the cached interest balance and the ledger head only: after an interest
 * entry (the nightly batch), which changes nothing else of the account. */
arr_rc arr_store_account_update_interest(arr_db *db, const arr_account *a,
                                         const char *now_iso, arr_err *err);

typedef struct {
  int64_t client_id;  /* 0 = any */
  const char *status; /* NULL = any */
  int64_t after_id;
  int limit;
} arr_account_filter;
/* Accounts matching f, ordered by id, at most f->limit (<= cap). */
arr_rc arr_store_account_list(arr_db *db, const arr_account_filter *f, arr_account *out,
                              int cap, int *n, arr_err *err);
/* The nightly batch's chunk: up to cap accounts with after < id <= through, ordered by
 * id. On PostgreSQL they stay locked until the transaction ends (FOR UPDATE), so a
 * payment on one of them waits for the chunk rather than being overwritten by it;
 * SQLite's write lock, taken before the read, does the same there. */
arr_rc arr_store_account_chunk(arr_db *db, int64_t after, int64_t through,
                               arr_account *out, int cap, int *n, arr_err *err);

/* ---- ledger ---- */
typedef struct {
  int64_t id, account_id;
  char kind[16];
  arr_date effective_on;
  char posted_at[ARR_TIME_FMT_MAX];
  arr_balance amount;
  int64_t payment_id, reverses_id; /* 0 = NULL */
  char memo[201];
  char actor[65];
  char prev_hash[ARR_HASH_HEX], hash[ARR_HASH_HEX];
} arr_ledger_entry;

arr_rc arr_store_ledger_insert(arr_db *db, arr_ledger_entry *e,
                               arr_err *err); /* sets id */
/* Entries of one account ordered by id, id > after_id, at most cap. */
arr_rc arr_store_ledger_list(arr_db *db, int64_t account_id, int64_t after_id,
                             arr_ledger_entry *out, int cap, int *n, arr_err *err);
/* Sum of entries with effective_on <= as_of (ARR_DATE_NONE = all). */
arr_rc arr_store_ledger_sum(arr_db *db, int64_t account_id, arr_date as_of,
                            arr_balance *out, arr_err *err);
/* The ledger entry that posted payment_id (kind 'payment'). */
arr_rc arr_store_ledger_by_payment(arr_db *db, int64_t payment_id, arr_ledger_entry *out,
                                   arr_err *err);
/* All entries of accounts with id in [first_account, last_account], ordered by
 * (account_id, id), after the cursor (after_account, after_id), at most cap: the
 * streaming read `audit verify` uses. */
arr_rc arr_store_ledger_scan(arr_db *db, int64_t first_account, int64_t last_account,
                             int64_t after_account, int64_t after_id,
                             arr_ledger_entry *out, int cap, int *n, arr_err *err);

/* ---- payments ---- */
typedef struct {
  int64_t id, account_id, amount_cents;
  char currency[4];
  char method[8];
  arr_date effective_on;
  char reference[65];
  char idempotency_key[129]; /* "" = none */
  char status[12];
  char reversal_reason[33];
  char source[65];
  char created_at[ARR_TIME_FMT_MAX];
} arr_payment;

/* ARR_ERR_CONFLICT (and nothing written) when idempotency_key was used before. */
arr_rc arr_store_payment_insert(arr_db *db, arr_payment *p, const char *now_iso,
                                const char *actor, arr_err *err);
arr_rc arr_store_payment_get(arr_db *db, int64_t id, arr_payment *out, arr_err *err);
arr_rc arr_store_payment_by_key(arr_db *db, const char *key, arr_payment *out,
                                arr_err *err);
arr_rc arr_store_payment_mark_reversed(arr_db *db, int64_t id, const char *reason,
                                       const char *now_iso, arr_err *err);
arr_rc arr_store_payment_list(arr_db *db, int64_t account_id, arr_payment *out, int cap,
                              int *n, arr_err *err);
/* Latest effective_on among posted (not reversed) payments; ARR_DATE_NONE if none. */
arr_rc arr_store_payment_last_date(arr_db *db, int64_t account_id, arr_date *out,
                                   arr_err *err);
/* Latest effective_on <= as_of among payments not reversed on or before as_of. */
arr_rc arr_store_payment_last_date_as_of(arr_db *db, int64_t account_id, arr_date as_of,
                                         arr_date *out, arr_err *err);

/* ---- notes and contacts ---- */
arr_rc arr_store_note_insert(arr_db *db, int64_t account_id, const char *body,
                             const char *actor, const char *now_iso, int64_t *id_out,
                             arr_err *err);
typedef struct {
  int64_t id, account_id, debtor_id;
  char channel[8], target[256], at[ARR_TIME_FMT_MAX], outcome[24], actor[65];
  char reason[24];
  char note[1001];
  char created_at[ARR_TIME_FMT_MAX]; /* filled by reads */
  /* The promise to pay taken on this contact, filled by reads; promise_id 0 = none. */
  int64_t promise_id, promise_amount_cents;
  char promise_currency[4];
  arr_date promise_due_on;
  char promise_status[16];
  /* A contact logged against the engine's refusal: who overrode it, why, and its
   * compliance review ("pending"); "" when none. */
  char override_reason[501];
  char override_by[65];
  char review[16];
} arr_contact;
arr_rc arr_store_contact_insert(arr_db *db, arr_contact *c, const char *now_iso,
                                arr_err *err);

/* ---- workstation reads and writes (store_work.c) ---- */
typedef struct {
  int64_t id, account_id;
  char body[4001];
  char actor[65];
  char created_at[ARR_TIME_FMT_MAX];
} arr_note;
/* Newest first: id < before_id (0 = from the newest), at most cap. */
arr_rc arr_store_note_list(arr_db *db, int64_t account_id, int64_t before_id,
                           arr_note *out, int cap, int *n, arr_err *err);
arr_rc arr_store_contact_list(arr_db *db, int64_t account_id, int64_t before_id,
                              arr_contact *out, int cap, int *n, arr_err *err);

typedef struct {
  int64_t id, account_id, contact_id, amount_cents;
  char currency[4];
  arr_date due_on;
  char status[16];
  char actor[65];
  char created_at[ARR_TIME_FMT_MAX];
} arr_promise;
arr_rc arr_store_promise_insert(arr_db *db, arr_promise *p, const char *now_iso,
                                arr_err *err); /* sets p->id */
arr_rc arr_store_promise_get(arr_db *db, int64_t id, arr_promise *out, arr_err *err);

/* An account row as lists show it: the account, its primary debtor's name and its
 * collector's username, and whether the asking collector worked it today. */
typedef struct {
  arr_account a;
  char first_name[201], last_name[201];
  char collector[65];
  bool worked_today;
  char queue[33];   /* work queue reads: the batch's queue ("" before it ran) */
  int64_t priority; /* and its priority (-1 before it ran) */
  int64_t score;    /* and the propensity score, 0..1000 (-1: none) */
} arr_account_summary;

typedef enum {
  ARR_SEARCH_CLIENT_ACCOUNT = 1, /* exact client account number, any client */
  ARR_SEARCH_SSN_LAST4,          /* key: 4 digits */
  ARR_SEARCH_PHONE,              /* key: normalized 10 digits */
  ARR_SEARCH_NAME /* key: lower-case last name (prefix); key2: first name */
} arr_search_kind;
/* Accounts matching one kind of key, scoped to client_id (0 = every client), ordered
 * by id, at most cap. */
arr_rc arr_store_account_search(arr_db *db, arr_search_kind kind, const char *key,
                                const char *key2, int64_t client_id,
                                arr_account_summary *out, int cap, int *n, arr_err *err);
arr_rc arr_store_account_summaries(arr_db *db, const arr_account_filter *f,
                                   arr_account_summary *out, int cap, int *n,
                                   arr_err *err);

/* A collector's work queue: their open accounts, largest total balance first, from
 * offset; worked_today is true when `actor` wrote a payment, contact or note on it at
 * or after since_iso. only_unworked keeps the others out (the Next button). */
arr_rc arr_store_work_queue(arr_db *db, int64_t collector_id, const char *actor,
                            const char *since_iso, bool only_unworked, int64_t offset,
                            arr_account_summary *out, int cap, int *n, arr_err *err);

/* ---- audit log ---- */
typedef struct {
  int64_t id;
  char at[ARR_TIME_FMT_MAX];
  char actor[65];
  char action[49];
  char entity[33];
  char entity_id[65];
  char detail[4096];
  char prev_hash[ARR_HASH_HEX], hash[ARR_HASH_HEX];
} arr_audit_event;

/* Reads the chain head, taking a row lock that serializes audit writers (call inside
 * the transaction, before the first append). */
arr_rc arr_store_audit_head(arr_db *db, int64_t *last_id, char last_hash[ARR_HASH_HEX],
                            arr_err *err);
/* Reads the head without locking (for verification inside a read snapshot). */
arr_rc arr_store_audit_head_peek(arr_db *db, int64_t *last_id,
                                 char last_hash[ARR_HASH_HEX], arr_err *err);
arr_rc arr_store_audit_set_head(arr_db *db, int64_t last_id, const char *last_hash,
                                arr_err *err);
arr_rc arr_store_audit_insert(arr_db *db, const arr_audit_event *e, arr_err *err);
/* Events with id > after_id ordered by id, at most cap. */
arr_rc arr_store_audit_scan(arr_db *db, int64_t after_id, arr_audit_event *out, int cap,
                            int *n, arr_err *err);

/* Pages through matching keys of debtors with id > after_id (ordered by id, at most
 * cap): for building in-memory filters before a bulk load. 0 = no key. */
arr_rc arr_store_debtor_keys_scan(arr_db *db, int64_t after_id, int64_t *ids,
                                  int64_t *ssn_keys, int64_t *namedob_keys, int cap,
                                  int *n, arr_err *err);
/* Pages through a client's account numbers (id > after_id, ordered by id). */
arr_rc arr_store_account_refs_scan(arr_db *db, int64_t client_id, int64_t after_id,
                                   int64_t *ids, char (*refs)[65], int cap, int *n,
                                   arr_err *err);

/* Largest account id (0 if none), for chunking scans. */
arr_rc arr_store_account_max_id(arr_db *db, int64_t *out, arr_err *err);
arr_rc arr_store_count(arr_db *db, const char *table, int64_t *out, arr_err *err);

/* ---- compliance facts (store_compliance.c) ---- */
typedef struct {
  int64_t id, account_id;
  char type[32];
  char at[ARR_TIME_FMT_MAX];
  char released_at[ARR_TIME_FMT_MAX]; /* "" = still in effect */
  char note[501];
  char data[129]; /* type-specific, e.g. stated hours "09:00-17:00" */
  char actor[65];
} arr_account_event;
arr_rc arr_store_event_insert(arr_db *db, arr_account_event *e, const char *now_iso,
                              arr_err *err); /* sets e->id */
/* Events of an account ordered by (at, id), at most cap. */
arr_rc arr_store_event_list(arr_db *db, int64_t account_id, arr_account_event *out,
                            int cap, int *n, arr_err *err);
/* Sets released_at on the account's events of this type still in effect; *changed
 * receives how many. */
arr_rc arr_store_event_release(arr_db *db, int64_t account_id, const char *type,
                               const char *released_at, int64_t *changed, arr_err *err);
/* Ids of the debtor's accounts whose federal_loan_bundle is `bundle` (bundled federal
 * student loans: one debt for the call limits), ordered by id, at most cap. */
arr_rc arr_store_bundle_accounts(arr_db *db, int64_t debtor_id, const char *bundle,
                                 int64_t *ids, int cap, int *n, arr_err *err);
/* Contacts with a debtor (any of their accounts) at or after since_iso, at most cap. */
arr_rc arr_store_contacts_for_debtor(arr_db *db, int64_t debtor_id, const char *since_iso,
                                     arr_contact *out, int cap, int *n, arr_err *err);
/* Contacts with at in [from_iso, to_iso), ordered by (at, id), at most cap (actor,
 * override_reason and review filled). */
arr_rc arr_store_contacts_between(arr_db *db, const char *from_iso, const char *to_iso,
                                  arr_contact *out, int cap, int *n, arr_err *err);
/* The admins' switches: rule ids and enabled flags, at most cap. */
arr_rc arr_store_rule_settings(arr_db *db, char (*ids)[33], bool *enabled, int cap,
                               int *n, arr_err *err);
arr_rc arr_store_rule_setting_put(arr_db *db, const char *rule_id, bool enabled,
                                  const char *actor, const char *now_iso, arr_err *err);

typedef struct {
  const char *action, *entity, *entity_id; /* NULL or "" = any */
  int64_t before_id;                       /* newest first, id < before_id (0 = all) */
  int64_t after_id;                        /* >= 0: oldest first, id > after_id */
} arr_audit_filter;
/* Newest first (after_id < 0) or oldest first from after_id, at most cap. */
arr_rc arr_store_audit_list(arr_db *db, const arr_audit_filter *f, arr_audit_event *out,
                            int cap, int *n, arr_err *err);

/* ---- arrangements (store_arrangements.c) ---- */
arr_rc arr_store_client_limits(arr_db *db, int64_t client_id, arr_arrangement_limits *out,
                               arr_err *err);
arr_rc arr_store_client_set_limits(arr_db *db, int64_t client_id,
                                   const arr_arrangement_limits *l, arr_err *err);

typedef struct {
  int64_t id, account_id, replaces_id; /* 0 = none */
  char kind[12];                       /* plan, settlement */
  char status[20];
  int64_t total_cents, down_cents, balance_cents; /* balance when agreed */
  char currency[4];
  char frequency[12];
  int installments;                             /* regular installments */
  arr_date first_due_on, starts_on, expires_on; /* expires_on: a settlement offer's */
  int needs_approval;                           /* ARR_NEEDS_* flags */
  char reason[201];
  char auth_method[16]; /* recurring-payment authorization: ach, card; "" = none */
  arr_date auth_on;
  char auth_by[65];
  char created_by[65], decided_by[65];
  char created_at[ARR_TIME_FMT_MAX];
} arr_plan;

typedef struct {
  int seq;
  arr_installment inst;
  char status[12]; /* pending, kept, partial, broken */
  int64_t paid_cents;
} arr_plan_installment;

arr_rc arr_store_plan_insert(arr_db *db, arr_plan *p, const char *now_iso, arr_err *err);
arr_rc arr_store_plan_get(arr_db *db, int64_t id, arr_plan *out, arr_err *err);
/* The account's plans and settlements, newest first. */
arr_rc arr_store_plan_list(arr_db *db, int64_t account_id, arr_plan *out, int cap, int *n,
                           arr_err *err);
/* Ids of plans in a status, id > after_id, ordered, at most cap. */
arr_rc arr_store_plan_ids_in_status(arr_db *db, const char *status, int64_t after_id,
                                    int64_t *ids, int cap, int *n, arr_err *err);
/* reason and decided_by NULL: unchanged. */
arr_rc arr_store_plan_set_status(arr_db *db, int64_t id, const char *status,
                                 const char *reason, const char *decided_by,
                                 const char *now_iso, arr_err *err);
arr_rc arr_store_installment_insert(arr_db *db, int64_t plan_id, int seq,
                                    const arr_installment *i, arr_err *err);
arr_rc arr_store_installments(arr_db *db, int64_t plan_id, arr_plan_installment *out,
                              int cap, int *n, arr_err *err);
/* A credit extension's new due date and amount; the installment is pending again. */
arr_rc arr_store_installment_reschedule(arr_db *db, int64_t plan_id, int seq,
                                        arr_date due_on, int64_t amount_cents,
                                        arr_err *err);
arr_rc arr_store_installment_judge(arr_db *db, int64_t plan_id, int seq,
                                   const char *status, int64_t paid_cents, arr_err *err);

typedef struct {
  int64_t id, account_id, plan_id;
  char kind[24]; /* plan, settlement, extension */
  char summary[201];
  char reasons[201];
  char status[12]; /* pending, approved, rejected */
  char requested_by[65], requested_at[ARR_TIME_FMT_MAX];
  char decided_by[65], decided_at[ARR_TIME_FMT_MAX];
  char note[501];
  char payload[256]; /* extensions: {"kind","to"} JSON; "" otherwise */
} arr_approval;
arr_rc arr_store_approval_insert(arr_db *db, arr_approval *a, arr_err *err);
arr_rc arr_store_approval_get(arr_db *db, int64_t id, arr_approval *out, arr_err *err);
/* status NULL = any; ordered by id. */
arr_rc arr_store_approval_list(arr_db *db, const char *status, int64_t after_id,
                               arr_approval *out, int cap, int *n, arr_err *err);
/* ARR_ERR_CONFLICT when the approval is no longer pending. */
arr_rc arr_store_approval_decide(arr_db *db, int64_t id, const char *status,
                                 const char *by, const char *note, const char *now_iso,
                                 arr_err *err);

typedef struct {
  int64_t id, account_id, amount_cents, paid_cents;
  arr_date due_on;
  char status[16]; /* open, kept, partial, broken */
  char created_at[ARR_TIME_FMT_MAX];
  char actor[65];
} arr_promise_row;
/* Accounts with open promises, account id > after_account, ordered, at most cap. */
arr_rc arr_store_promise_accounts(arr_db *db, int64_t after_account, int64_t *ids,
                                  int cap, int *n, arr_err *err);
/* The account's open promises in due order. */
arr_rc arr_store_promises_open(arr_db *db, int64_t account_id, arr_promise_row *out,
                               int cap, int *n, arr_err *err);
arr_rc arr_store_promise_judge(arr_db *db, int64_t id, const char *status,
                               int64_t paid_cents, const char *now_iso, arr_err *err);
/* Posted (not reversed) payments on the account effective on or after since. */
arr_rc arr_store_payments_since(arr_db *db, int64_t account_id, arr_date since,
                                arr_plan_payment *out, int cap, int *n, arr_err *err);

/* Financial statements: one version per change, the newest current. */
typedef struct {
  int64_t id, debtor_id;
  int dependents;
  char hardship[501];
  char created_by[65], created_at[ARR_TIME_FMT_MAX];
} arr_fin_statement;
typedef struct {
  char kind[8];      /* income, expense, asset */
  char category[32]; /* wages, housing, savings, ... */
  int64_t amount_cents;
  char period[12]; /* weekly ... annual; assets: "once" */
} arr_fin_line;
arr_rc arr_store_statement_insert(arr_db *db, arr_fin_statement *s, const char *now_iso,
                                  arr_err *err);
arr_rc arr_store_statement_line_insert(arr_db *db, int64_t statement_id, int seq,
                                       const arr_fin_line *l, arr_err *err);
/* The debtor's statements, newest first. */
arr_rc arr_store_statements(arr_db *db, int64_t debtor_id, arr_fin_statement *out,
                            int cap, int *n, arr_err *err);
arr_rc arr_store_statement_lines(arr_db *db, int64_t statement_id, arr_fin_line *out,
                                 int cap, int *n, arr_err *err);

/* ---- the nightly batch (store_batch.c) ---- */
typedef struct {
  int64_t id;
  arr_date as_of;
  char status[12];         /* running, done */
  char phase[16];          /* accounts, arrangements, done */
  int64_t last_account_id; /* checkpoint: accounts up to this id are done */
  int64_t accounts, interest_entries, interest_cents, time_barred;
  char started_at[ARR_TIME_FMT_MAX], finished_at[ARR_TIME_FMT_MAX];
  char actor[65];
} arr_batch_run;
arr_rc arr_store_batch_run_get(arr_db *db, arr_date as_of, arr_batch_run *out,
                               bool *found, arr_err *err);
/* The run with the latest as-of date. */
arr_rc arr_store_batch_run_latest(arr_db *db, arr_batch_run *out, bool *found,
                                  arr_err *err);
arr_rc arr_store_batch_run_insert(arr_db *db, arr_batch_run *r, arr_err *err);
/* Writes status, phase, checkpoint, counters and finished_at. */
arr_rc arr_store_batch_run_save(arr_db *db, const arr_batch_run *r, arr_err *err);

/* A range of account ids of a run processed by parallel workers, with its own
 * checkpoint (accounts up to done_through are done) and counters. */
typedef struct {
  int64_t run_id, seq, first_id, last_id, done_through;
  int64_t accounts, interest_entries, interest_cents, time_barred;
} arr_batch_range;
/* The run's ranges in order of seq. */
arr_rc arr_store_batch_ranges(arr_db *db, int64_t run_id, arr_batch_range *out, int cap,
                              int *n, arr_err *err);
arr_rc arr_store_batch_range_insert(arr_db *db, const arr_batch_range *r, arr_err *err);
/* Writes the range's checkpoint and counters. */
arr_rc arr_store_batch_range_save(arr_db *db, const arr_batch_range *r, arr_err *err);
/* The smallest and largest account id after `after` (both 0 when none). */
arr_rc arr_store_account_id_bounds(arr_db *db, int64_t after, int64_t *lo, int64_t *hi,
                                   arr_err *err);

typedef struct {
  int64_t account_id;
  arr_date as_of; /* the last run that processed the account */
  arr_accrual_state accrual;
  char age_bucket[12];
  bool time_barred;
  int64_t score; /* -1 = none */
  char queue[33];
  int64_t priority; /* 0 = none */
  char arm[12];
  int64_t strategy_version; /* 0 = none */
} arr_account_batch;
arr_rc arr_store_account_batch_range(arr_db *db, int64_t first, int64_t last,
                                     arr_account_batch *out, int cap, int *n,
                                     arr_err *err);
arr_rc arr_store_account_batch_get(arr_db *db, int64_t account_id, arr_account_batch *out,
                                   bool *found, arr_err *err);
arr_rc arr_store_account_batch_put(arr_db *db, const arr_account_batch *b, arr_err *err);
/* The row of an account that has one (*updated false when it has none): a plain
 * update costs the nightly batch less than the insert-or-update of _put. */
arr_rc arr_store_account_batch_update(arr_db *db, const arr_account_batch *b,
                                      bool *updated, arr_err *err);

/* Principal movements per account and effective day (ledger sums of the entries that
 * move principal), ordered, of the accounts in first..last: read from an index alone,
 * which costs less than singling out the accounts that accrue (the caller skips the
 * others). */
typedef struct {
  int64_t account_id;
  arr_date on;
  int64_t delta_cents;
} arr_principal_day;
arr_rc arr_store_principal_days(arr_db *db, int64_t first, int64_t last,
                                arr_principal_day *out, int cap, int *n, arr_err *err);
/* Events that stop interest (written disputes until verification, bankruptcy) and
 * settlements (type "settlement", at = its start date), ordered by account and time,
 * of the accounts in first..last that accrue interest (open, with a rate). */
typedef struct {
  int64_t account_id;
  char type[32];
  /* Room for any ISO 8601 time (an offset, fractions of a second): arrears writes UTC
   * "Z" times, but a row written by another program must not lose its hold by being
   * cut short. */
  char at[40];
  char released_at[40];
} arr_hold_event;
arr_rc arr_store_hold_events(arr_db *db, int64_t first, int64_t last, arr_hold_event *out,
                             int cap, int *n, arr_err *err);

/* ---- strategies (store_strategy.c) ---- */
typedef struct {
  int64_t id, version;
  char text[65537];
  char note[201];
  char created_by[65], created_at[ARR_TIME_FMT_MAX];
} arr_strategy_row;
/* Stores a new version (version = the highest + 1); sets id and version. */
arr_rc arr_store_strategy_insert(arr_db *db, arr_strategy_row *s, arr_err *err);
arr_rc arr_store_strategy_get(arr_db *db, int64_t id, arr_strategy_row *out,
                              arr_err *err);
/* Newest first, without the text. */
arr_rc arr_store_strategy_list(arr_db *db, arr_strategy_row *out, int cap, int *n,
                               arr_err *err);
typedef struct {
  int64_t champion_id, challenger_id; /* 0 = none */
  int challenger_pct;
  char changed_by[65], changed_at[ARR_TIME_FMT_MAX];
} arr_strategy_assignment;
arr_rc arr_store_strategy_assignment(arr_db *db, arr_strategy_assignment *out,
                                     bool *found, arr_err *err);
arr_rc arr_store_strategy_assign(arr_db *db, const arr_strategy_assignment *a,
                                 arr_err *err);

typedef struct {
  arr_date as_of;
  int64_t account_id;
  char kind[16]; /* letter, email, skip_trace, escalate, hold */
  char name[65];
  char rule[201];
  int64_t strategy_version;
} arr_batch_action;
/* Once per (date, account, kind, name): a rerun adds nothing. */
arr_rc arr_store_batch_action_put(arr_db *db, arr_date as_of, int64_t account_id,
                                  const char *kind, const char *name, const char *rule,
                                  int64_t strategy_version, arr_err *err);
/* kind NULL = any; account_id > after_account, ordered. */
arr_rc arr_store_batch_actions(arr_db *db, arr_date as_of, const char *kind,
                               int64_t after_account, arr_batch_action *out, int cap,
                               int *n, arr_err *err);
/* How many actions the batch recorded for as_of (kind NULL = every kind). */
arr_rc arr_store_batch_actions_count(arr_db *db, arr_date as_of, const char *kind,
                                     int64_t *n, arr_err *err);

/* What a strategy looks at beyond the account row, per account of a chunk. */
typedef struct {
  int64_t account_id, payments, contacts_7d;
  bool disputed, cease, bankruptcy, deceased, plan_active, promise_broken, has_phone,
      has_email;
  char state[3]; /* the current address's state ("" = none) */
} arr_account_facts;
arr_rc arr_store_account_facts(arr_db *db, int64_t first, int64_t last,
                               const char *since_7d_iso, arr_date broken_since,
                               arr_account_facts *out, int cap, int *n, arr_err *err);

typedef struct {
  int64_t strategy_version; /* 0 = none */
  char arm[12];
  int64_t accounts;
  int64_t balance_at_start_cents; /* the ledger's total effective before from */
  int64_t placed_in_period_cents; /* placement entries effective in [from, to] */
  int64_t collected_cents;        /* posted payments effective in [from, to] */
} arr_liquidation_row;
/* Per strategy version and arm (as the batch last assigned accounts): accounts, their
 * balance when the period began, what was placed and what was paid during it. */
arr_rc arr_store_liquidation_by_strategy(arr_db *db, arr_date from, arr_date to,
                                         arr_liquidation_row *out, int cap, int *n,
                                         arr_err *err);

/* Open accounts per collector and batch queue ("" before the batch has run): how
 * many, how many the collector worked since since_iso, and their balance. */
typedef struct {
  char collector[65];
  char queue[33];
  int64_t accounts, worked_today, balance_cents;
} arr_queue_count;
arr_rc arr_store_queue_counts(arr_db *db, const char *since_iso, arr_queue_count *out,
                              int cap, int *n, arr_err *err);

/* ---- scores (store_strategy.c) ---- */
/* What the propensity model looks at for one account, as of the end of a day. */
typedef struct {
  int64_t account_id;
  char account_type[16];
  arr_date placed_on, last_payment_on;
  int64_t balance_cents, payments, rpc_90d, promises, promises_kept;
  bool has_phone, has_email, disputed;
  bool paid_after; /* a payment in (ref, label_end]: the training label */
} arr_score_row;
/* contact_points false leaves has_phone and has_email false, for a caller that has
 * them already (the batch reads them with the chunk's facts). balance_after true sets
 * balance_cents to minus the sum of the entries effective after ref, for a caller that
 * adds each account's cached balance (the batch, with the chunk's accounts in memory):
 * nearly every entry is on or before ref, and these are read from the ledger's index
 * alone, where summing the balance at ref reads every ledger row. */
arr_rc arr_store_score_rows(arr_db *db, int64_t first, int64_t last, arr_date ref,
                            const char *ref_end_iso, const char *rpc_from_iso,
                            arr_date label_end, bool contact_points, bool balance_after,
                            arr_score_row *out, int cap, int *n, arr_err *err);
typedef struct {
  int64_t id;
  arr_date as_of;
  int64_t window_days, n_train, n_test, auc_e4; /* AUC x 10^4 on the held-out set */
  char model[4096];                             /* JSON: d, mean, sd, w, bias */
  char created_by[65], created_at[ARR_TIME_FMT_MAX];
} arr_score_model_row;
arr_rc arr_store_score_model_insert(arr_db *db, arr_score_model_row *m, arr_err *err);
arr_rc arr_store_score_model_latest(arr_db *db, arr_score_model_row *out, bool *found,
                                    arr_err *err);

/* ---- letters (store_letters.c) ---- */
typedef struct {
  int64_t id, account_id, debtor_id;
  char channel[8]; /* letter, email */
  char template_name[33];
  char language[9];
  int64_t template_version; /* 0 = the builtin file */
  char trigger_key[65];     /* "once", the run date, "plan:ID", "event:ID", "paid:DATE" */
  arr_date as_of, sent_on;
  char status[12]; /* letter: mailed, returned; email: sending, sent, failed, bounced */
  int64_t address_id, email_id; /* 0 = none */
  char recipient[512]; /* the name and address as mailed (lines joined by '\n'), or the
                          email */
  int pages;
  char fields[16384]; /* JSON object of the filled fields */
  arr_date returned_on;
  char return_reason[201];
  char created_at[ARR_TIME_FMT_MAX], actor[65];
} arr_letter_row;
arr_rc arr_store_letter_insert(arr_db *db, arr_letter_row *l, const char *now_iso,
                               arr_err *err); /* sets l->id */
arr_rc arr_store_letter_get(arr_db *db, int64_t id, arr_letter_row *out, arr_err *err);
/* The letter made for (account, template, trigger); *id_out = 0 when none. */
arr_rc arr_store_letter_find(arr_db *db, int64_t account_id, const char *template_name,
                             const char *trigger_key, int64_t *id_out, arr_err *err);
/* When the template was last sent on the account (ARR_DATE_NONE: never). */
arr_rc arr_store_letter_last_sent(arr_db *db, int64_t account_id,
                                  const char *template_name, arr_date *out, arr_err *err);
/* The letters of one run date, id > after_id, ordered by id. */
arr_rc arr_store_letters_of_run(arr_db *db, arr_date as_of, int64_t after_id,
                                arr_letter_row *out, int cap, int *n, arr_err *err);
/* An account's letters, newest first, at most cap. */
arr_rc arr_store_letters_of_account(arr_db *db, int64_t account_id, arr_letter_row *out,
                                    int cap, int *n, arr_err *err);
arr_rc arr_store_letter_set_pages(arr_db *db, int64_t id, int pages, arr_err *err);
arr_rc arr_store_letter_set_status(arr_db *db, int64_t id, const char *status,
                                   arr_date returned_on, const char *reason,
                                   arr_err *err);

typedef struct {
  int64_t id;
  char name[33], language[9];
  int64_t version;
  char note[201], created_by[65], created_at[ARR_TIME_FMT_MAX];
} arr_template_row;
arr_rc arr_store_template_insert(arr_db *db, arr_template_row *t, const char *body,
                                 const char *now_iso, arr_err *err); /* sets t->id */
/* The version (version < 0: the newest) with its body (malloc'd; NULL = not wanted);
 * ARR_ERR_NOTFOUND when the database holds none. */
arr_rc arr_store_template_get(arr_db *db, const char *name, const char *language,
                              int64_t version, arr_template_row *out, char **body,
                              arr_err *err);
/* Every saved version (without bodies) by name, language, newest version first. */
arr_rc arr_store_template_versions(arr_db *db, arr_template_row *out, int cap, int *n,
                                   arr_err *err);

/* Something that happened which a letter answers. */
typedef struct {
  int64_t ref_id, account_id; /* the plan, event or account */
  char kind[32];              /* plan kind (plan, settlement), event type, "paid" */
  char status[20];            /* plan status; paid: the account's status */
  char at[ARR_TIME_FMT_MAX];  /* updated_at, the event's at, or the payment date */
} arr_letter_trigger;
/* Plans and settlements changed in [from_iso, to_iso), id > after_id. */
arr_rc arr_store_plan_changes(arr_db *db, const char *from_iso, const char *to_iso,
                              int64_t after_id, arr_letter_trigger *out, int cap, int *n,
                              arr_err *err);
/* Account events of one type at [from_iso, to_iso), id > after_id. */
arr_rc arr_store_events_between(arr_db *db, const char *type, const char *from_iso,
                                const char *to_iso, int64_t after_id,
                                arr_letter_trigger *out, int cap, int *n, arr_err *err);
/* Accounts with nothing owed whose last payment is in [from, to], id > after_id. */
arr_rc arr_store_paid_off_between(arr_db *db, arr_date from, arr_date to,
                                  int64_t after_id, arr_letter_trigger *out, int cap,
                                  int *n, arr_err *err);

/* The ids of the accounts whose primary debtor is debtor_id, by id, at most cap. */
arr_rc arr_store_debtor_account_ids(arr_db *db, int64_t debtor_id, int64_t *ids, int cap,
                                    int *n, arr_err *err);
arr_rc arr_store_skip_trace_insert(arr_db *db, int64_t account_id, const char *reason,
                                   const char *source, arr_date on, const char *now_iso,
                                   const char *actor, int64_t *id_out, arr_err *err);
arr_rc arr_store_skip_trace_open(arr_db *db, int64_t account_id, bool *open,
                                 arr_err *err);

/* ---- email opt-out tokens (store_email.c) ---- */
typedef struct {
  char token_hash[ARR_HASH_HEX]; /* hex SHA-256 of the token */
  int64_t account_id, email_id;
  int64_t debtor_id;       /* the email row's, filled by reads */
  char email_address[256]; /* the email row's, filled by reads */
  char created_at[ARR_TIME_FMT_MAX];
  char used_at[ARR_TIME_FMT_MAX]; /* "" = not used */
} arr_optout_token;
arr_rc arr_store_optout_insert(arr_db *db, const char *token_hash, int64_t account_id,
                               int64_t email_id, const char *now_iso, arr_err *err);
/* The token with this hash and its email row; ARR_ERR_NOTFOUND when unknown. */
arr_rc arr_store_optout_get(arr_db *db, const char *token_hash, arr_optout_token *out,
                            arr_err *err);
/* Sets used_at unless already set; *changed false when it was (used before). */
arr_rc arr_store_optout_use(arr_db *db, const char *token_hash, const char *used_iso,
                            bool *changed, arr_err *err);

/* ---- correspondence ---- */
/* Inbound correspondence (store_correspondence.c): documents (scans, emails) kept as
 * base64 text so both engines store the same bytes, and the items filed to accounts. */
typedef struct {
  int64_t id;
  char file_name[201];
  char content_type[32];
  int64_t size_bytes;
  char sha256[ARR_HASH_HEX];
  char created_at[ARR_TIME_FMT_MAX];
  char actor[65];
} arr_document;
/* Inserts the document's row with its content (data_b64, NUL-terminated base64 of
 * size_bytes bytes); sets d->id. */
arr_rc arr_store_document_insert(arr_db *db, arr_document *d, const char *data_b64,
                                 arr_err *err);
/* The document's row; with data_b64 non-NULL also its content, malloc'd (the caller
 * frees it) with its length in *b64_len. ARR_ERR_NOTFOUND when absent. */
arr_rc arr_store_document_get(arr_db *db, int64_t id, arr_document *out, char **data_b64,
                              size_t *b64_len, arr_err *err);

typedef struct {
  int64_t id, account_id;
  char channel[8];                   /* mail, email, fax, upload */
  char kind[16], suggested_kind[16]; /* dispute, cease, payment, bankruptcy, ... */
  char suggested_phrase[48];         /* "" = none */
  arr_date received_on;
  char subject[201];             /* "" = none */
  int64_t document_id, event_id; /* 0 = none */
  char created_at[ARR_TIME_FMT_MAX];
  char actor[65];
  /* Filled by reads: */
  bool has_body_text;
  arr_document document; /* when document_id != 0 (without content) */
  char event_type[32];   /* when event_id != 0 */
  char event_at[ARR_TIME_FMT_MAX], event_released_at[ARR_TIME_FMT_MAX];
} arr_correspondence;
/* Inserts an item (body_text NULL or "" = none); sets c->id. */
arr_rc arr_store_correspondence_insert(arr_db *db, arr_correspondence *c,
                                       const char *body_text, arr_err *err);
/* One item with its document's row and its event; ARR_ERR_NOTFOUND when absent. */
arr_rc arr_store_correspondence_get(arr_db *db, int64_t id, arr_correspondence *out,
                                    arr_err *err);
/* The item's body text, malloc'd (the caller frees it; NULL when it has none). */
arr_rc arr_store_correspondence_body(arr_db *db, int64_t id, char **text, arr_err *err);
/* An account's items, newest received first (then newest filed): those after the item
 * before_id in that order (0 = from the newest), at most cap. */
arr_rc arr_store_correspondence_list(arr_db *db, int64_t account_id, int64_t before_id,
                                     arr_correspondence *out, int cap, int *n,
                                     arr_err *err);
/* Sets the item's kind and its event (event_id 0 = unchanged). */
arr_rc arr_store_correspondence_set_kind(arr_db *db, int64_t id, const char *kind,
                                         int64_t event_id, arr_err *err);

#endif
