/*
 * internal.h — what the service files share and nothing outside src/service sees: the
 * context struct, transaction helpers that keep the audit chain head in memory for
 * the length of a transaction, PII encryption, and ledger posting.
 */
#ifndef ARR_SVC_INTERNAL_H
#define ARR_SVC_INTERNAL_H

#include <sodium.h>

#include "core/compliance.h"
#include "core/score.h"
#include "core/sol.h"
#include "service/service.h"
#include "store/store.h"

struct arr_svc {
  arr_db *db;
  unsigned char enc_key[crypto_secretbox_KEYBYTES];   /* PII encryption */
  unsigned char idx_key[crypto_generichash_KEYBYTES]; /* blind indexes for matching */
  /* Nonces: a random per-process prefix and a counter, so every value gets a unique
   * nonce without a system call per value. */
  unsigned char nonce_prefix[16];
  uint64_t nonce_counter;
  char key_path[1024];
  char actor[65];
  /* Who is acting when a request came through the HTTP API (authenticated there);
   * has_principal false means the command line, where the actor names a user only
   * for attribution and role checks look the user up. */
  bool has_principal;
  arr_principal principal;
  arr_time now;
  arr_date today;
  char now_iso[ARR_TIME_FMT_MAX];
  /* Audit chain head, loaded at the first event of a transaction and written back at
   * commit, so a chunk of N events costs one head update rather than N. */
  bool audit_loaded;
  /* Bulk generators set this so that several ledger entries on one account write the
   * account row once (the caller writes it); everything else leaves it false. */
  bool defer_account_writes;
  int64_t audit_last_id;
  char audit_last_hash[ARR_HASH_HEX];
};

arr_rc svc_begin(arr_svc *svc, arr_err *err);
arr_rc svc_commit(arr_svc *svc, arr_err *err);
void svc_rollback(arr_svc *svc);

/* Appends an audit event inside the open transaction. detail is a JSON object (or
 * NULL) and is consumed (decref'd) whatever happens. */
arr_rc svc_audit(arr_svc *svc, const char *action, const char *entity, int64_t entity_id,
                 json_t *detail, arr_err *err);

/* Whether the compliance engine allows a contact on account_id at `at` (against the
 * contacts before it); a call whose outcome shows it never connected is exempt from
 * the call-count tests. When not, why holds "CODE (citation); ..." and *codes the
 * reason codes (a JSON array the caller owns; also set when allowed). */
arr_rc svc_contact_allowed(arr_svc *svc, int64_t account_id, const char *channel,
                           const char *to, const char *outcome, arr_time at,
                           bool *allowed, char *why, size_t why_cap, json_t **codes,
                           arr_err *err);

/* The same for a letter or email of the given kind (a cease acknowledgement, a
 * verification and a remedy letter are what a written cease or a dispute still
 * allows). to: the email address for channel "email", else NULL. */
arr_rc svc_letter_allowed(arr_svc *svc, int64_t account_id, const char *channel,
                          const char *to, arr_letter_kind kind, arr_time at,
                          bool *allowed, char *why, size_t why_cap, arr_err *err);

/* Records account event `type` (one of arr_svc_account_event's types) at `at` on
 * account_id inside the caller's open transaction, with the same audit event
 * (account.event) arr_svc_account_event writes for a fact that starts; no other check
 * (the caller has validated the account, the time and the type's data). *id_out: the
 * new event's id. */
arr_rc svc_event_add(arr_svc *svc, int64_t account_id, const char *type, arr_time at,
                     const char *note, const char *data, int64_t *id_out, arr_err *err);

/* Calls placed one after another on one account (generated history): the engine's
 * facts loaded once for calls from `at` on (the contacts of the 31 days before it and
 * everything after), each placed call added with svc_call_plan_add. next: the earliest
 * instant in [at, until) at which a call is allowed (following the engine's
 * next_allowed_at); *found false when there is none. A plan is reused from account to
 * account; new returns NULL when out of memory. */
typedef struct svc_call_plan svc_call_plan;
svc_call_plan *svc_call_plan_new(void);
void svc_call_plan_free(svc_call_plan *p);
arr_rc svc_call_plan_load(arr_svc *svc, svc_call_plan *p, int64_t account_id, arr_time at,
                          arr_err *err);
arr_rc svc_call_plan_next(svc_call_plan *p, arr_time at, arr_time until, arr_time *when,
                          bool *found, arr_err *err);
void svc_call_plan_add(svc_call_plan *p, const arr_contact *contact);

/* The debtor's current address (the first one in effect and not bad, with a state):
 * its state and ZIP place the debtor for time zones, state rules and the statute of
 * limitations. -1 when none. */
int svc_current_address(const arr_address *as, int na);

/* The itemization of a debt (1006.34(c)(2)(vi)-(viii)): the amount owed on the
 * itemization date and the interest, fees, payments and credits since, from the
 * ledger; amount + interest + fees - payments - credits == current (the balance). */
typedef struct {
  arr_date date; /* ARR_DATE_NONE when not chosen yet */
  char basis[16];
  int64_t amount_cents, interest_cents, fees_cents, payments_cents, credits_cents,
      current_cents;
} arr_itemization;
arr_rc svc_itemization(arr_svc *svc, const arr_account *a, arr_itemization *it,
                       arr_err *err);

/* The statute of limitations of account a as of a date: svc_sol_evaluate with the
 * debtor's state given (no I/O), svc_sol loading the current address. */
void svc_sol_evaluate(const arr_account *a, const char *state, arr_date as_of,
                      arr_sol_status *out);
arr_rc svc_sol(arr_svc *svc, const arr_account *a, arr_date as_of, arr_sol_status *out,
               arr_err *err);
json_t *svc_sol_json(const arr_sol_status *s);

/* The propensity model's features (core/score.h arr_score_feature) of one account as
 * of the end of day ref, its store row, and a stored model back from its JSON. */
void svc_score_features(const arr_score_row *r, arr_date ref, double *x);
arr_rc svc_score_rows(arr_db *db, int64_t first, int64_t last, arr_date ref,
                      arr_date label_end, bool contact_points, bool balance_after,
                      arr_score_row *out, int cap, int *n, arr_err *err);
bool svc_score_model_load(const char *text, arr_score_model *m);

/* "YYYY-MM-DD", or JSON null for ARR_DATE_NONE. */
static inline json_t *svc_date_json(arr_date d) {
  if (d == ARR_DATE_NONE) {
    return json_null();
  }
  char buf[ARR_DATE_FMT_MAX];
  arr_date_format(d, buf);
  return json_string(buf);
}

/* Frees text returned by json_dumps with jansson's current allocator (the server
 * gives jansson a per-request arena; see src/http/server.c). */
void svc_json_text_free(char *text);

void svc_hash_hex(const void *data, size_t len, char out[ARR_HASH_HEX]);
/* Recomputes an audit event's hash from its fields and prev_hash. */
void svc_audit_hash(const arr_audit_event *e, char out[ARR_HASH_HEX]);

/* PII at rest: base64(nonce || secretbox(plain)). cap >= 129 for SSN/DOB. */
arr_rc svc_encrypt(arr_svc *svc, const char *plain, size_t len, char *out, size_t cap,
                   arr_err *err);
arr_rc svc_decrypt(const arr_svc *svc, const char *b64, char *out, size_t cap,
                   arr_err *err);
/* Keyed 64-bit blind index of data (never 0), for equality matching without storing
 * the plaintext. */
int64_t svc_blind_index(const arr_svc *svc, const char *data, size_t len);

/* Ledger chain: the first entry of an account chains to a genesis hash derived from the
 * account's identity; each entry's hash covers its content and the previous hash. */
void svc_ledger_genesis(int64_t client_id, const char *client_account,
                        char out[ARR_HASH_HEX]);
void svc_ledger_hash(const arr_ledger_entry *e, char out[ARR_HASH_HEX]);

/* Prepares e for posting to account a: prev_hash = a->ledger_head, posted_at and actor
 * from svc, hash computed; then a->balance += e->amount and a->ledger_head = e->hash.
 * Does not write anything. ARR_ERR_INVALID on overflow. */
arr_rc svc_ledger_prepare(arr_svc *svc, arr_account *a, arr_ledger_entry *e,
                          arr_err *err);
/* Inserts an entry svc_ledger_prepare prepared and writes the account's money columns
 * (unless svc->defer_account_writes). */
arr_rc svc_ledger_store(arr_svc *svc, arr_account *a, arr_ledger_entry *e, arr_err *err);
/* svc_ledger_prepare + svc_ledger_store. */
arr_rc svc_ledger_post(arr_svc *svc, arr_account *a, arr_ledger_entry *e, arr_err *err);

/* Posts payment p (amount, method, date, reference, key, source set) to the loaded
 * account a inside the caller's transaction: checks status and dates (ARR_ERR_INVALID /
 * ARR_ERR_REFUSED before writing anything), inserts the payment, allocates and posts
 * the ledger entry. res may be NULL. */
arr_rc svc_post_payment(arr_svc *svc, arr_account *a, arr_payment *p, arr_pay_result *res,
                        arr_err *err);

/* ARR_OK when the acting user (svc->actor) exists and has one of roles (NULL-ended);
 * otherwise records an access.denied audit event and returns ARR_ERR_REFUSED. Call
 * outside a transaction. */
arr_rc svc_require_role(arr_svc *svc, const char *what, const char *const *roles,
                        arr_err *err);

/* ARR_ERR_INVALID when path names the database, its WAL or the key file: output files
 * (rejects) must never overwrite them. */
arr_rc svc_check_output_path(const arr_svc *svc, const char *path, arr_err *err);

/* Copies the C string src into dst (cap bytes), truncating if needed; always
 * NUL-terminates. The fast replacement for snprintf(dst, cap, "%s", src) on hot paths. */
void svc_strcpy(char *dst, size_t cap, const char *src);

/* Copies s into a fixed buffer; false if it does not fit. */
bool svc_copy(char *dst, size_t cap, const char *s, size_t len);

/* Balance as JSON {principal, interest, fees, costs, credit, total}. */
json_t *svc_balance_json(const arr_balance *b);

/* Object setters for views built per row on hot paths (the account screen): keys are
 * our own ASCII literals, so they skip jansson's key check; values are checked as
 * usual (json_string validates UTF-8). json_pack parses its format on every call and
 * cost ~14k instructions per row object. */
static inline void svc_set(json_t *o, const char *key, json_t *v) {
  json_object_set_new_nocheck(o, key, v);
}
static inline void svc_set_str(json_t *o, const char *key, const char *v) {
  json_object_set_new_nocheck(o, key, json_string(v));
}
static inline void svc_set_int(json_t *o, const char *key, int64_t v) {
  json_object_set_new_nocheck(o, key, json_integer((json_int_t)v));
}

/* ---- email (email.c) ---- */
/* True when ARREARS_SMTP_URL is set (email is on); the rest of the configuration is
 * checked by svc_email_config_check and by every send. */
bool svc_email_configured(void);
/* Checks the whole SMTP configuration and ARREARS_PUBLIC_URL: ARR_ERR_INVALID naming
 * the variable (also in err->field). For a run to stop before it sends anything. */
arr_rc svc_email_config_check(arr_err *err);
/* ARREARS_PUBLIC_URL (default http://127.0.0.1:8080) without a trailing slash: the
 * base of links in emails. */
arr_rc svc_public_url(char *out, size_t cap, arr_err *err);
/* Creates an opt-out token for (account_id, email_id) (the email must be the
 * account's debtor's) in the open transaction, or in its own when none is open;
 * url_out gets "<public url>/optout/<token>" (cap >= 460 is enough). Only the token's
 * hash is stored. */
arr_rc svc_optout_token_new(arr_svc *svc, int64_t account_id, int64_t email_id,
                            char *url_out, size_t cap, arr_err *err);
typedef struct {
  int64_t letter_id; /* letters.id; 0 = a test message */
  const char *to_addr, *to_name, *subject, *body_text;
  const char *optout_url; /* List-Unsubscribe; NULL/"" = none */
} svc_email_message;
/* Composes m (arr_mime_compose: From from ARREARS_SMTP_FROM[_NAME], Date = svc's now,
 * Message-ID "letter-<id>.<random>@<from domain>", List-Unsubscribe and
 * List-Unsubscribe-Post with optout_url) and sends it through the configured SMTP
 * server. ARR_ERR_INVALID for a bad configuration (naming the variable) or message
 * (a header field with a line break: err->field "to_name" / "subject" / "to");
 * ARR_ERR_IO with the server's reason when sending fails. No database work. */
arr_rc svc_email_send(arr_svc *svc, const svc_email_message *m, arr_err *err);
/* svc_email_send that also returns the Message-ID (without <>) it used. */
arr_rc svc_email_send_id(arr_svc *svc, const svc_email_message *m, char *message_id,
                         size_t cap, arr_err *err);

#endif
