/*
 * strategy.h — collection strategies: a small rule language that decides, account by
 * account, which queue, letter, email, skip trace, escalation or hold applies, and the
 * champion/challenger split that tries a second strategy on a fixed share of accounts.
 *
 * Pure: no I/O, no clock, no allocation. A strategy is parsed once into a caller-owned
 * arr_strategy (fixed arrays) and then evaluated against millions of accounts' facts
 * with no parsing and no allocation in the loop.
 *
 * ---- The language, for the people who write and review strategies ----------------
 *
 * A strategy is a list of rules, read from top to bottom. For each account, every rule
 * whose condition holds adds its actions, in order. A rule whose actions end with
 * `stop` ends the reading: the rules below it are not looked at for that account.
 *
 *   # Anything after '#' on a line is a comment.
 *   rule "new placement" when days_since_placement <= 30 and not disputed
 *     then letter validation_notice; queue new
 *   rule "broken promise" when promise_broken then queue call_now priority 90; stop
 *   rule "large and silent"
 *     when balance >= 500.00 and days_since_payment > 60 and state in (NY, CA)
 *     then queue call_now priority 70; skip_trace
 *   rule "small" when balance < 50.00 then hold "below threshold"
 *   rule "old" when age_bucket = "3y+" or time_barred then escalate attorney_review
 *   rule "everyone else" then queue general
 *
 * A rule is: `rule "TITLE"`, then optionally `when CONDITION`, then `then ACTIONS`.
 * A rule without `when` applies to every account that reaches it (useful last, after
 * rules that `stop`). Line breaks are like spaces, so a long rule may be split over
 * several lines. Titles are 1 to 200 printable characters in double quotes and must be
 * different from each other (reports name rules by title).
 *
 * Conditions compare the account's facts (below) with values:
 *   balance >= 500.00         = equal, != not equal, < <= > >= for numbers and money
 *   state in (NY, CA)         one of the listed values; `state not in (NY, CA)` is the
 *                             opposite
 *   disputed                  a yes/no fact is written alone; `not disputed` negates
 *   A and B, A or B, not A, ( ... )
 * `not` binds tighter than `and`, which binds tighter than `or`:
 *   not a and b or c   means   ((not a) and b) or c
 * Use parentheses whenever a reader might hesitate.
 *
 * Values: money as dollars with up to two decimals (500, 500.00, -12.50); whole
 * numbers for days and counts (0 or more); text either as a bare word of letters,
 * digits and '_' (NY, medical, ACME01) or in double quotes ("3y+", "" for a fact that
 * is missing). Text comparisons are exact: upper and lower case differ. A state must be
 * two capital letters (or ""), a score 0 to 1000.
 *
 * Missing numbers. An account that never paid has no days_since_payment, and an
 * account the model has not scored has no score. Every comparison with a number is
 * false for them, `!=` included (as in SQL): `days_since_payment > 60` does not pick
 * up accounts that never paid. Write `days_since_payment = never` (or `!= never`, or
 * list `never` in an `in`) to select them, and `score = unscored` likewise. Note that
 * `not days_since_payment <= 60` is true for an account that never paid, while
 * `days_since_payment > 60` is false.
 *
 * Actions, separated by ';':
 *   queue NAME [priority N]   put the account in work queue NAME; N is 0..100
 *                             (higher is worked first); without it the score decides
 *   letter TEMPLATE           send the letter TEMPLATE
 *   email TEMPLATE            send the email TEMPLATE
 *   skip_trace                look for new contact information
 *   escalate NAME             refer the account to NAME (attorney_review, supervisor)
 *   hold "REASON"             do not work the account, and say why (1..200 characters)
 *   stop                      the last action of a rule: rules below are not read
 * NAME and TEMPLATE are 1 to 32 lower-case letters, digits and '_'.
 *
 * The strategy does not replace the compliance engine: a `letter` or `queue call_now`
 * for an account under cease, bankruptcy or a dispute is still refused there. The
 * cease, bankruptcy, deceased and disputed facts are here so strategies can route such
 * accounts (to a hold, say) rather than leave them to be refused one action at a time.
 *
 * Limits: 64 rules, 16 actions per rule (stop included), 32 comparisons per rule,
 * 64 values in one `in` list and 4096 values in a strategy, parentheses nested 16
 * deep, 64 KiB of text. Text inside quotes is printable ASCII.
 */
#ifndef ARR_STRATEGY_H
#define ARR_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
  ARR_STRATEGY_MAX_RULES = 64,
  ARR_STRATEGY_MAX_ACTIONS = 16, /* per rule, stop included */
  ARR_STRATEGY_MAX_TERMS = 32,   /* comparisons per rule */
  ARR_STRATEGY_MAX_IN = 64,      /* values in one `in (...)` list */
  ARR_STRATEGY_MAX_VALUES = 4096,
  ARR_STRATEGY_MAX_DEPTH = 16, /* nested parentheses */
  ARR_STRATEGY_NAME_MAX = 32,  /* queue, letter, email and escalation names */
  ARR_STRATEGY_CODE_MAX = 32,  /* text values: age_bucket, account_type, client */
  ARR_STRATEGY_TEXT_MAX = 200, /* rule titles and hold reasons */
  ARR_STRATEGY_SOURCE_MAX = 65536,
  /* Most actions one evaluation can return: an out[] this large never overflows. */
  ARR_STRATEGY_MAX_OUT = ARR_STRATEGY_MAX_RULES * ARR_STRATEGY_MAX_ACTIONS
};

/* ---- Facts: what a rule can look at ------------------------------------------------ */

/* One account as the strategy sees it, filled by the batch from its prefetched arrays.
 * Text fields are NUL-terminated; "" means missing. A text field filled to its full
 * size without a NUL is read up to its size (never beyond). */
typedef struct {
  int64_t balance_cents;   /* balance: current balance; rules write dollars (500.00) */
  int64_t principal_cents; /* principal: principal placed */
  int32_t days_since_placement; /* days_since_placement */
  int32_t days_since_payment;   /* days_since_payment: < 0 = never paid (see above) */
  int32_t days_past_due;        /* days_past_due */
  int32_t payments_count;       /* payments_count: payments received, ever */
  int32_t contacts_7d;          /* contacts_7d: contact attempts in the last 7 days */
  int32_t score;                /* score: 0..1000 from core/score; < 0 = unscored */
  char age_bucket[ARR_STRATEGY_CODE_MAX + 1];   /* age_bucket: the batch's aging bucket */
  char state[3];                                /* state: two-letter code, e.g. "NY" */
  char account_type[ARR_STRATEGY_CODE_MAX + 1]; /* account_type: "medical", ... */
  char client[ARR_STRATEGY_CODE_MAX + 1];       /* client: the client's code */
  bool disputed;                                /* disputed: an open dispute */
  bool time_barred;    /* time_barred: past the statute of limitations (core/sol) */
  bool promise_broken; /* promise_broken: a promise to pay was broken */
  bool plan_active;    /* plan_active: a payment plan is being kept */
  bool has_phone;      /* has_phone: a callable phone number is on file */
  bool has_email;      /* has_email: an email address with consent is on file */
  bool cease;          /* cease: the consumer asked us to cease communication */
  bool bankruptcy;     /* bankruptcy: a bankruptcy is on file */
  bool deceased;       /* deceased: the consumer is deceased */
} arr_strategy_facts;

/* ---- Parsed strategy ------------------------------------------------------------- */

/* The internals below are laid out for the parser and evaluator; read a strategy
 * through the functions further down. About 155 KiB: keep it off small stacks. */
typedef struct {
  uint8_t field, op; /* private enums in strategy.c */
  bool negate;       /* the result is inverted (from `not`, pushed down to the term) */
  uint8_t nvalues;   /* 1 for a comparison, 1..ARR_STRATEGY_MAX_IN for `in` */
  uint16_t first_value;
} arr_strategy_term;

typedef struct {
  int64_t num;          /* numbers and money (cents) */
  uint32_t str;         /* text: offset in the string pool */
  uint8_t len, missing; /* text length; missing: the literal `never` / `unscored` */
} arr_strategy_value;

typedef struct {
  uint8_t kind;    /* arr_strategy_action_kind */
  int8_t priority; /* queue: 0..100, or -1 when the rule gave none */
  uint32_t arg;    /* name or hold reason: offset in the string pool */
} arr_strategy_stored_action;

typedef struct {
  uint32_t title; /* offset in the string pool */
  int line;       /* line of the `rule` keyword, 1-based */
  uint8_t nterms, nops, nactions;
  bool stop;
  /* The condition in postfix: each byte is a term index, or OP_AND / OP_OR (strategy.c).
   * No ops at all means "always". */
  uint8_t ops[2 * ARR_STRATEGY_MAX_TERMS];
  arr_strategy_term terms[ARR_STRATEGY_MAX_TERMS];
  arr_strategy_stored_action actions[ARR_STRATEGY_MAX_ACTIONS];
} arr_strategy_rule;

typedef struct {
  int nrules;
  int nvalues;
  uint32_t pool_len;
  arr_strategy_rule rules[ARR_STRATEGY_MAX_RULES];
  arr_strategy_value values[ARR_STRATEGY_MAX_VALUES];
  /* Every name, title and text value, NUL-terminated. A string in the pool is never
   * longer than its spelling in the source, so the source limit bounds the pool. */
  char pool[ARR_STRATEGY_SOURCE_MAX + 64];
} arr_strategy;

/* Where and why a strategy was refused. message reads, in full,
 * "line 3, column 27: expected a number or money amount after '>='". Lines and
 * columns count from 1; columns count bytes (a tab is one column). */
typedef struct {
  int line, column;
  char message[256];
} arr_strategy_error;

/* Parses text[0..len) into *out. On success returns true (e may be NULL). On failure
 * returns false, fills *e (if not NULL) with the first problem found, and leaves *out
 * holding no rules. The text need not be NUL-terminated; a NUL byte in it (outside a
 * comment) is an error. */
bool arr_strategy_parse(const char *text, size_t len, arr_strategy *out,
                        arr_strategy_error *e);

int arr_strategy_rule_count(const arr_strategy *s);
/* Title and source line of rule i (0-based); "" and 0 for an i out of range. */
const char *arr_strategy_rule_title(const arr_strategy *s, int i);
int arr_strategy_rule_line(const arr_strategy *s, int i);

/* ---- Evaluation ---------------------------------------------------------------- */

typedef enum {
  ARR_ACTION_QUEUE,
  ARR_ACTION_LETTER,
  ARR_ACTION_EMAIL,
  ARR_ACTION_SKIP_TRACE,
  ARR_ACTION_ESCALATE,
  ARR_ACTION_HOLD,
  ARR_ACTION_STOP
} arr_strategy_action_kind;

/* "queue", "letter", "email", "skip_trace", "escalate", "hold", "stop" (the keywords
 * of the language); "unknown" for anything else. */
const char *arr_strategy_action_kind_name(arr_strategy_action_kind k);

/* One action decided for an account. The strings point into the arr_strategy that was
 * evaluated: valid while it lives unchanged. Never NULL. */
typedef struct {
  arr_strategy_action_kind kind;
  int rule;           /* index of the rule it came from (arr_strategy_rule_title) */
  int priority;       /* queue: 0..100, or -1 when the rule gave none; others: -1 */
  const char *name;   /* queue / letter / email / escalate: the name; others: "" */
  const char *reason; /* hold: the reason; others: "" */
} arr_strategy_action;

/* Evaluates s for one account: writes the actions of every rule whose condition holds,
 * rule by rule in order and in each rule in written order, up to and including the
 * first rule that stops (its ARR_ACTION_STOP is written too, last, so an audit trail
 * shows which rule ended the evaluation). Nothing is merged or de-duplicated: when two
 * rules queue an account, both queue actions are returned, first rule first.
 * Returns the number written, or -1 if they did not all fit in out[0..cap) (out is then
 * partly written); cap >= ARR_STRATEGY_MAX_OUT always suffices. */
int arr_strategy_eval(const arr_strategy *s, const arr_strategy_facts *f,
                      arr_strategy_action *out, int cap);

/* ---- Champion / challenger ------------------------------------------------------- */

/* True when the account belongs to the challenger arm: splitmix64(account_id ^ salt)
 * mod 100 < challenger_pct. A pure function of its arguments, so an account stays in
 * its arm night after night for the same salt, whatever order accounts are processed
 * in, and in any process. Use a new salt (the experiment's id) to draw new arms.
 * challenger_pct <= 0 gives false for every account, >= 100 true. */
bool arr_strategy_is_challenger(int64_t account_id, uint64_t salt, int challenger_pct);

#endif
