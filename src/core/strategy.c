/*
 * strategy.c — the strategy rule language: a hand-written lexer and recursive-descent
 * parser that compiles each rule's condition to postfix, an evaluator with a fixed
 * 32-entry stack, and the champion/challenger hash.
 *
 * `not` is pushed down to the comparisons while parsing (De Morgan: not (a or b) is
 * compiled as (not a) and (not b)), so a compiled condition holds only comparisons,
 * `and` and `or`: at most 32 + 31 operations, and the only recursion left is through
 * parentheses, which is bounded by ARR_STRATEGY_MAX_DEPTH. The negation stays on the
 * comparison's result rather than flipping its operator, which is what keeps
 * `not days_since_payment <= 60` true for an account that never paid.
 *
 * Every string the strategy keeps (titles, names, reasons, text values) is copied
 * NUL-terminated into the strategy's own pool and referred to by offset, so a parsed
 * strategy may be copied with memcpy and does not point into the source text.
 */
#include "core/strategy.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/money.h"

#define COUNT_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Postfix operations besides term indexes (which are < ARR_STRATEGY_MAX_TERMS). */
enum { OP_AND = 0xFE, OP_OR = 0xFF };

/* Comparison operators of a term. */
enum { CMP_TRUE, CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_IN };

typedef enum { FT_MONEY, FT_INT, FT_TEXT, FT_BOOL } field_type;

typedef struct {
  const char *name;
  field_type type;
  size_t off, size;
  const char *missing_word; /* the literal for "no value" (negative in the facts) */
} field_def;

#define FIELD(name, type, member, missing)                                               \
  {                                                                                      \
    name, type, offsetof(arr_strategy_facts, member),                                    \
        sizeof(((arr_strategy_facts *)0)->member), missing                               \
  }

static const field_def fields[] = {
    FIELD("balance", FT_MONEY, balance_cents, NULL),
    FIELD("principal", FT_MONEY, principal_cents, NULL),
    FIELD("days_since_placement", FT_INT, days_since_placement, NULL),
    FIELD("days_since_payment", FT_INT, days_since_payment, "never"),
    FIELD("days_past_due", FT_INT, days_past_due, NULL),
    FIELD("payments_count", FT_INT, payments_count, NULL),
    FIELD("contacts_7d", FT_INT, contacts_7d, NULL),
    FIELD("score", FT_INT, score, "unscored"),
    FIELD("age_bucket", FT_TEXT, age_bucket, NULL),
    FIELD("state", FT_TEXT, state, NULL),
    FIELD("account_type", FT_TEXT, account_type, NULL),
    FIELD("client", FT_TEXT, client, NULL),
    FIELD("disputed", FT_BOOL, disputed, NULL),
    FIELD("time_barred", FT_BOOL, time_barred, NULL),
    FIELD("promise_broken", FT_BOOL, promise_broken, NULL),
    FIELD("plan_active", FT_BOOL, plan_active, NULL),
    FIELD("has_phone", FT_BOOL, has_phone, NULL),
    FIELD("has_email", FT_BOOL, has_email, NULL),
    FIELD("cease", FT_BOOL, cease, NULL),
    FIELD("bankruptcy", FT_BOOL, bankruptcy, NULL),
    FIELD("deceased", FT_BOOL, deceased, NULL),
};

static const char *const action_names[] = {
    [ARR_ACTION_QUEUE] = "queue",       [ARR_ACTION_LETTER] = "letter",
    [ARR_ACTION_EMAIL] = "email",       [ARR_ACTION_SKIP_TRACE] = "skip_trace",
    [ARR_ACTION_ESCALATE] = "escalate", [ARR_ACTION_HOLD] = "hold",
    [ARR_ACTION_STOP] = "stop",
};

const char *arr_strategy_action_kind_name(arr_strategy_action_kind k) {
  if ((int)k < 0 || (int)k >= COUNT_OF(action_names)) {
    return "unknown";
  }
  return action_names[k];
}

/* ---- Lexer --------------------------------------------------------------------- */

typedef enum {
  T_EOF,
  T_WORD,   /* [A-Za-z0-9_]+ that is not all digits */
  T_NUMBER, /* -?[0-9]+(.[0-9]*)? */
  T_STRING, /* "...": s/len exclude the quotes */
  T_LPAREN,
  T_RPAREN,
  T_COMMA,
  T_SEMI,
  T_OP /* = != < <= > >= */
} tok_kind;

typedef struct {
  tok_kind kind;
  const char *s;
  size_t len;
  int line, col;
} token;

typedef struct {
  const char *text;
  size_t len, pos, line_start;
  int line;
  token tok;     /* the current token */
  char prev[40]; /* the previous token's text, for "after '...'" in messages */
  arr_strategy *out;
  arr_strategy_error *e;
  int depth; /* open parentheses */
} parser;

static bool fail_at(parser *p, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool fail_at(parser *p, int line, int col, const char *fmt, ...) {
  if (p->e != NULL) {
    p->e->line = line;
    p->e->column = col;
    int n =
        snprintf(p->e->message, sizeof p->e->message, "line %d, column %d: ", line, col);
    if (n > 0 && (size_t)n < sizeof p->e->message) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(p->e->message + n, sizeof p->e->message - (size_t)n, fmt, ap);
      va_end(ap);
    }
  }
  return false;
}

/* An error at the current token. */
#define FAIL(p, ...) fail_at((p), (p)->tok.line, (p)->tok.col, __VA_ARGS__)

static bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_';
}

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

static bool is_printable(char c) {
  return c >= 0x20 && c <= 0x7e;
}

/* Writes a short quotation of the token for messages ("'balence'", "the end"). */
static void describe(const token *t, char *buf, size_t size) {
  if (t->kind == T_EOF) {
    snprintf(buf, size, "the end of the strategy");
    return;
  }
  int n = t->len > 24 ? 24 : (int)t->len;
  const char *q = t->kind == T_STRING ? "\"" : "";
  snprintf(buf, size, "'%s%.*s%s%s'", q, n, t->s, t->len > 24 ? "..." : "", q);
}

static void remember_prev(parser *p) {
  int n = p->tok.len > 24 ? 24 : (int)p->tok.len;
  if (p->tok.kind == T_STRING) {
    snprintf(p->prev, sizeof p->prev, "\"%.*s%s\"", n, p->tok.s,
             p->tok.len > 24 ? "..." : "");
  } else {
    snprintf(p->prev, sizeof p->prev, "%.*s", n, p->tok.s);
  }
}

/* Advances to the next token; false (with the error set) on a lexical error. */
static bool next(parser *p) {
  if (p->tok.kind != T_EOF || p->tok.s != NULL) {
    remember_prev(p);
  }
  const char *t = p->text;
  for (;;) {
    while (p->pos < p->len &&
           (t[p->pos] == ' ' || t[p->pos] == '\t' || t[p->pos] == '\r' ||
            t[p->pos] == '\f' || t[p->pos] == '\v' || t[p->pos] == '\n')) {
      if (t[p->pos] == '\n') {
        p->line++;
        p->line_start = p->pos + 1;
      }
      p->pos++;
    }
    if (p->pos < p->len && t[p->pos] == '#') {
      while (p->pos < p->len && t[p->pos] != '\n') {
        p->pos++;
      }
      continue;
    }
    break;
  }
  token *k = &p->tok;
  k->s = t + p->pos;
  k->len = 0;
  k->line = p->line;
  k->col = (int)(p->pos - p->line_start) + 1;
  if (p->pos >= p->len) {
    k->kind = T_EOF;
    return true;
  }
  size_t start = p->pos;
  char c = t[p->pos];
  char c1 = p->pos + 1 < p->len ? t[p->pos + 1] : '\0';
  if (c == '"') {
    size_t i = start + 1;
    while (i < p->len && t[i] != '"') {
      if (t[i] == '\n') {
        return FAIL(p, "a text in quotes must end with '\"' on the same line");
      }
      if (!is_printable(t[i])) {
        return fail_at(p, p->line, (int)(i - p->line_start) + 1,
                       "only printable ASCII characters may appear between quotes");
      }
      i++;
    }
    if (i >= p->len) {
      return FAIL(p, "a text in quotes must end with '\"' on the same line");
    }
    k->kind = T_STRING;
    k->s = t + start + 1;
    k->len = i - start - 1;
    p->pos = i + 1;
    return true;
  }
  if (is_digit(c) || (c == '-' && is_digit(c1))) {
    size_t i = start + 1;
    while (i < p->len && is_word_char(t[i])) {
      i++;
    }
    bool digits = true;
    for (size_t j = (c == '-' ? start + 1 : start); j < i; j++) {
      digits = digits && is_digit(t[j]);
    }
    if (!digits && c != '-') {
      k->kind = T_WORD; /* a name that starts with a digit: 2nd_notice */
    } else {
      /* "-5x" is kept whole so the error quotes it, and money parsing rejects it. */
      if (digits && i < p->len && t[i] == '.') {
        i++;
        while (i < p->len && is_digit(t[i])) {
          i++;
        }
      }
      k->kind = T_NUMBER;
    }
    k->len = i - start;
    p->pos = i;
    return true;
  }
  if (is_word_char(c)) {
    size_t i = start;
    while (i < p->len && is_word_char(t[i])) {
      i++;
    }
    k->kind = T_WORD;
    k->len = i - start;
    p->pos = i;
    return true;
  }
  switch (c) {
  case '(': k->kind = T_LPAREN; break;
  case ')': k->kind = T_RPAREN; break;
  case ',': k->kind = T_COMMA; break;
  case ';': k->kind = T_SEMI; break;
  case '=':
    if (c1 == '=') {
      return FAIL(p, "write '=' (a single one) to compare for equality");
    }
    k->kind = T_OP;
    break;
  case '!':
    if (c1 != '=') {
      return FAIL(p, "expected '!=' ('!' alone means nothing; use 'not')");
    }
    k->kind = T_OP;
    k->len = 1;
    break;
  case '<':
  case '>':
    k->kind = T_OP;
    if (c1 == '=') {
      k->len = 1;
    } else if (c == '<' && c1 == '>') {
      return FAIL(p, "write '!=' for 'not equal'");
    }
    break;
  default:
    if (is_printable(c)) {
      return FAIL(p, "unexpected character '%c'", c);
    }
    return FAIL(p,
                "unexpected byte 0x%02x (outside quotes and comments only ASCII "
                "letters, digits and punctuation may appear)",
                (unsigned)(unsigned char)c);
  }
  k->len += 1;
  p->pos = start + k->len;
  return true;
}

static bool is_word(const parser *p, const char *w) {
  size_t n = strlen(w);
  return p->tok.kind == T_WORD && p->tok.len == n && memcmp(p->tok.s, w, n) == 0;
}

static bool at_kind(const parser *p, tok_kind k) {
  return p->tok.kind == k;
}

/* ---- Strings in the pool -------------------------------------------------------- */

static bool pool_add(parser *p, const char *s, size_t len, uint32_t *off) {
  arr_strategy *o = p->out;
  /* Cannot happen for text within ARR_STRATEGY_SOURCE_MAX (see strategy.h). */
  if (len + 1 > sizeof o->pool - o->pool_len) {
    return FAIL(p, "the strategy holds too much text");
  }
  memcpy(o->pool + o->pool_len, s, len);
  o->pool[o->pool_len + len] = '\0';
  *off = o->pool_len;
  o->pool_len += (uint32_t)(len + 1);
  return true;
}

/* ---- Conditions ---------------------------------------------------------------- */

static int field_index(const token *t) {
  for (int i = 0; i < COUNT_OF(fields); i++) {
    size_t n = strlen(fields[i].name);
    if (t->len == n && memcmp(t->s, fields[i].name, n) == 0) {
      return i;
    }
  }
  return -1;
}

/* At most 32 terms and 31 binary operations: ops[64] always has room. */
static void emit(arr_strategy_rule *r, uint8_t op) {
  r->ops[r->nops++] = op;
}

/* A whole number 0..INT32_MAX from a NUMBER token of digits only. */
static bool token_uint(const token *t, int64_t *out) {
  if (t->kind != T_NUMBER || t->len == 0 || t->len > 10) {
    return false;
  }
  int64_t v = 0;
  for (size_t i = 0; i < t->len; i++) {
    if (!is_digit(t->s[i])) {
      return false;
    }
    v = v * 10 + (t->s[i] - '0');
  }
  if (v > INT32_MAX) {
    return false;
  }
  *out = v;
  return true;
}

static bool all_digits(const token *t) {
  for (size_t i = 0; i < t->len; i++) {
    if (!is_digit(t->s[i])) {
      return false;
    }
  }
  return true;
}

static bool parse_value(parser *p, const field_def *fd, int cmp, const char *where) {
  arr_strategy *o = p->out;
  if (o->nvalues >= ARR_STRATEGY_MAX_VALUES) {
    return FAIL(p, "a strategy has at most %d values in its conditions",
                ARR_STRATEGY_MAX_VALUES);
  }
  arr_strategy_value *v = &o->values[o->nvalues];
  memset(v, 0, sizeof *v);
  char what[40];
  describe(&p->tok, what, sizeof what);
  switch (fd->type) {
  case FT_MONEY: {
    if (!at_kind(p, T_NUMBER)) {
      return FAIL(p, "expected a number or money amount %s", where);
    }
    int64_t cents = 0;
    arr_money_status st = arr_money_parse(p->tok.s, p->tok.len, true, &cents);
    if (st != ARR_MONEY_OK) {
      return FAIL(p, "%s %s", what, arr_money_status_str(st));
    }
    v->num = cents;
    break;
  }
  case FT_INT: {
    if (fd->missing_word != NULL && is_word(p, fd->missing_word)) {
      if (cmp != CMP_EQ && cmp != CMP_NE && cmp != CMP_IN) {
        return FAIL(p, "'%s' can only be compared with = or !=, or listed in 'in'",
                    fd->missing_word);
      }
      v->missing = 1;
      break;
    }
    int64_t n = 0;
    if (!at_kind(p, T_NUMBER)) {
      if (fd->missing_word != NULL) {
        return FAIL(p, "expected a whole number or '%s' %s", fd->missing_word, where);
      }
      return FAIL(p, "expected a whole number %s", where);
    }
    if (!token_uint(&p->tok, &n)) {
      if (all_digits(&p->tok)) {
        return FAIL(p, "%s is too large", what);
      }
      return FAIL(p, "%s is a whole number of 0 or more, not %s", fd->name, what);
    }
    if (strcmp(fd->name, "score") == 0 && n > 1000) {
      return FAIL(p, "a score is 0 to 1000, not %s", what);
    }
    v->num = n;
    break;
  }
  case FT_TEXT: {
    bool ok = at_kind(p, T_WORD) || at_kind(p, T_STRING) ||
              (at_kind(p, T_NUMBER) && all_digits(&p->tok));
    if (!ok) {
      return FAIL(p, "expected a text value (a word, or text in double quotes) %s",
                  where);
    }
    if (p->tok.len > ARR_STRATEGY_CODE_MAX) {
      return FAIL(p, "%s: text values are at most %d characters", what,
                  ARR_STRATEGY_CODE_MAX);
    }
    if (strcmp(fd->name, "state") == 0 && p->tok.len != 0 &&
        !(p->tok.len == 2 && p->tok.s[0] >= 'A' && p->tok.s[0] <= 'Z' &&
          p->tok.s[1] >= 'A' && p->tok.s[1] <= 'Z')) {
      return FAIL(p, "a state is two capital letters, like NY, not %s", what);
    }
    if (!pool_add(p, p->tok.s, p->tok.len, &v->str)) {
      return false;
    }
    v->len = (uint8_t)p->tok.len;
    break;
  }
  case FT_BOOL: return FAIL(p, "internal error: a yes/no fact has no value");
  }
  o->nvalues++;
  return next(p);
}

static bool parse_term(parser *p, arr_strategy_rule *r, bool negate) {
  if (!at_kind(p, T_WORD)) {
    return FAIL(p, "expected a condition after '%s'", p->prev);
  }
  int fi = field_index(&p->tok);
  if (fi < 0) {
    static const char *const keywords[] = {"then", "and", "or", "when", "rule", "in"};
    for (int i = 0; i < COUNT_OF(keywords); i++) {
      if (is_word(p, keywords[i])) {
        return FAIL(p, "expected a condition after '%s'", p->prev);
      }
    }
    char what[40];
    describe(&p->tok, what, sizeof what);
    return FAIL(p, "unknown field %s", what);
  }
  if (r->nterms >= ARR_STRATEGY_MAX_TERMS) {
    return FAIL(p, "a rule's condition has at most %d comparisons",
                ARR_STRATEGY_MAX_TERMS);
  }
  const field_def *fd = &fields[fi];
  int ti = r->nterms;
  arr_strategy_term *t = &r->terms[ti];
  memset(t, 0, sizeof *t);
  t->field = (uint8_t)fi;
  t->first_value = (uint16_t)p->out->nvalues;
  if (!next(p)) {
    return false;
  }
  if (fd->type == FT_BOOL) {
    if (at_kind(p, T_OP) || is_word(p, "in")) {
      return FAIL(p, "%s is a yes/no fact: write '%s' or 'not %s', without a comparison",
                  fd->name, fd->name, fd->name);
    }
    t->op = CMP_TRUE;
  } else {
    bool not_in = false;
    if (is_word(p, "not")) {
      if (!next(p)) {
        return false;
      }
      if (!is_word(p, "in")) {
        return FAIL(p, "expected 'in' after '%s not'", fd->name);
      }
      not_in = true;
    }
    if (is_word(p, "in")) {
      t->op = CMP_IN;
      if (!next(p)) {
        return false;
      }
      if (!at_kind(p, T_LPAREN)) {
        return FAIL(p, "expected '(' after 'in'");
      }
      if (!next(p)) {
        return false;
      }
      for (;;) {
        if (t->nvalues >= ARR_STRATEGY_MAX_IN) {
          return FAIL(p, "an 'in' list has at most %d values", ARR_STRATEGY_MAX_IN);
        }
        if (!parse_value(p, fd, CMP_IN, "in the 'in' list")) {
          return false;
        }
        t->nvalues++;
        if (at_kind(p, T_RPAREN)) {
          break;
        }
        if (!at_kind(p, T_COMMA)) {
          return FAIL(p, "expected ',' or ')' in the 'in' list");
        }
        if (!next(p)) {
          return false;
        }
      }
      if (!next(p)) {
        return false;
      }
      t->negate = not_in;
    } else if (at_kind(p, T_OP)) {
      const token *o = &p->tok;
      char c0 = o->s[0], c1 = o->len > 1 ? o->s[1] : '\0';
      t->op = c0 == '='   ? CMP_EQ
              : c0 == '!' ? CMP_NE
              : c0 == '<' ? (c1 == '=' ? CMP_LE : CMP_LT)
                          : (c1 == '=' ? CMP_GE : CMP_GT);
      if (fd->type == FT_TEXT && t->op != CMP_EQ && t->op != CMP_NE) {
        return FAIL(p, "'%.*s' compares numbers, but %s is text: use =, != or in",
                    (int)o->len, o->s, fd->name);
      }
      char where[16];
      snprintf(where, sizeof where, "after '%.*s'", (int)o->len, o->s);
      if (!next(p)) {
        return false;
      }
      if (!parse_value(p, fd, t->op, where)) {
        return false;
      }
      t->nvalues = 1;
    } else {
      return FAIL(p, "expected =, !=, <, <=, >, >= or in after '%s'", fd->name);
    }
  }
  t->negate = t->negate != negate;
  r->nterms++;
  emit(r, (uint8_t)ti);
  return true;
}

static bool parse_or(parser *p, arr_strategy_rule *r, bool negate);

static bool parse_not(parser *p, arr_strategy_rule *r, bool negate) {
  while (is_word(p, "not")) {
    negate = !negate;
    if (!next(p)) {
      return false;
    }
  }
  if (!at_kind(p, T_LPAREN)) {
    return parse_term(p, r, negate);
  }
  if (p->depth >= ARR_STRATEGY_MAX_DEPTH) {
    return FAIL(p, "parentheses are nested more than %d deep", ARR_STRATEGY_MAX_DEPTH);
  }
  p->depth++;
  if (!next(p) || !parse_or(p, r, negate)) {
    return false;
  }
  if (!at_kind(p, T_RPAREN)) {
    return FAIL(p, "expected 'and', 'or' or ')' after '%s'", p->prev);
  }
  p->depth--;
  return next(p);
}

/* With negate set, "a and b" compiles as "(not a) or (not b)" (De Morgan). */
static bool parse_and(parser *p, arr_strategy_rule *r, bool negate) {
  if (!parse_not(p, r, negate)) {
    return false;
  }
  while (is_word(p, "and")) {
    if (!next(p) || !parse_not(p, r, negate)) {
      return false;
    }
    emit(r, negate ? OP_OR : OP_AND);
  }
  return true;
}

static bool parse_or(parser *p, arr_strategy_rule *r, bool negate) {
  if (!parse_and(p, r, negate)) {
    return false;
  }
  while (is_word(p, "or")) {
    if (!next(p) || !parse_and(p, r, negate)) {
      return false;
    }
    emit(r, negate ? OP_AND : OP_OR);
  }
  return true;
}

/* ---- Rules and actions --------------------------------------------------------- */

static bool is_action_word(const parser *p) {
  for (int i = 0; i < COUNT_OF(action_names); i++) {
    if (is_word(p, action_names[i])) {
      return true;
    }
  }
  return false;
}

/* A queue, letter, email or escalation name: 1..32 of [a-z0-9_]. */
static bool parse_name(parser *p, const char *after, uint32_t *off) {
  const token *t = &p->tok;
  if (!(at_kind(p, T_WORD) || (at_kind(p, T_NUMBER) && all_digits(t)))) {
    return FAIL(p, "expected a name after '%s'", after);
  }
  char what[40];
  describe(t, what, sizeof what);
  for (size_t i = 0; i < t->len; i++) {
    if (t->s[i] >= 'A' && t->s[i] <= 'Z') {
      return FAIL(p, "%s: names use lower-case letters, digits and '_'", what);
    }
  }
  if (t->len > ARR_STRATEGY_NAME_MAX) {
    return FAIL(p, "%s: names are at most %d characters", what, ARR_STRATEGY_NAME_MAX);
  }
  return pool_add(p, t->s, t->len, off) && next(p);
}

static bool parse_text(parser *p, const char *what, uint32_t *off) {
  if (p->tok.len == 0) {
    return FAIL(p, "%s cannot be empty", what);
  }
  if (p->tok.len > ARR_STRATEGY_TEXT_MAX) {
    return FAIL(p, "%s is at most %d characters", what, ARR_STRATEGY_TEXT_MAX);
  }
  return pool_add(p, p->tok.s, p->tok.len, off);
}

static bool parse_action(parser *p, arr_strategy_rule *r) {
  if (r->stop) {
    return FAIL(p, "'stop' must be the last action of a rule");
  }
  if (r->nactions >= ARR_STRATEGY_MAX_ACTIONS) {
    return FAIL(p, "a rule has at most %d actions", ARR_STRATEGY_MAX_ACTIONS);
  }
  arr_strategy_stored_action *a = &r->actions[r->nactions];
  memset(a, 0, sizeof *a);
  a->priority = -1;
  a->arg = UINT32_MAX; /* no argument: read as "" */
  if (is_word(p, "queue")) {
    a->kind = ARR_ACTION_QUEUE;
    if (!next(p) || !parse_name(p, "queue", &a->arg)) {
      return false;
    }
    if (is_word(p, "priority")) {
      int64_t n = -1;
      if (!next(p)) {
        return false;
      }
      if (!token_uint(&p->tok, &n) || n > 100) {
        return FAIL(p, "expected a priority from 0 to 100 after 'priority'");
      }
      a->priority = (int8_t)n;
      if (!next(p)) {
        return false;
      }
    }
  } else if (is_word(p, "letter") || is_word(p, "email") || is_word(p, "escalate")) {
    a->kind = is_word(p, "letter")  ? ARR_ACTION_LETTER
              : is_word(p, "email") ? ARR_ACTION_EMAIL
                                    : ARR_ACTION_ESCALATE;
    const char *kw = action_names[a->kind];
    if (!next(p) || !parse_name(p, kw, &a->arg)) {
      return false;
    }
  } else if (is_word(p, "skip_trace")) {
    a->kind = ARR_ACTION_SKIP_TRACE;
    if (!next(p)) {
      return false;
    }
  } else if (is_word(p, "hold")) {
    a->kind = ARR_ACTION_HOLD;
    if (!next(p)) {
      return false;
    }
    if (!at_kind(p, T_STRING)) {
      return FAIL(p, "expected the reason in double quotes after 'hold'");
    }
    if (!parse_text(p, "a hold's reason", &a->arg) || !next(p)) {
      return false;
    }
  } else if (is_word(p, "stop")) {
    a->kind = ARR_ACTION_STOP;
    r->stop = true;
    if (!next(p)) {
      return false;
    }
  } else {
    return FAIL(p,
                "expected an action (queue, letter, email, skip_trace, escalate, hold "
                "or stop) after '%s'",
                p->prev);
  }
  r->nactions++;
  return true;
}

static bool parse_rule(parser *p) {
  arr_strategy *o = p->out;
  if (o->nrules >= ARR_STRATEGY_MAX_RULES) {
    return FAIL(p, "a strategy has at most %d rules", ARR_STRATEGY_MAX_RULES);
  }
  arr_strategy_rule *r = &o->rules[o->nrules];
  memset(r, 0, sizeof *r);
  r->line = p->tok.line;
  if (!next(p)) {
    return false;
  }
  if (!at_kind(p, T_STRING)) {
    return FAIL(p, "expected the rule's title in double quotes after 'rule'");
  }
  for (int i = 0; i < o->nrules; i++) {
    const char *other = o->pool + o->rules[i].title;
    if (strlen(other) == p->tok.len && memcmp(other, p->tok.s, p->tok.len) == 0) {
      return FAIL(p, "the rule on line %d has the same title; titles must differ",
                  o->rules[i].line);
    }
  }
  if (!parse_text(p, "a rule's title", &r->title) || !next(p)) {
    return false;
  }
  if (is_word(p, "when")) {
    p->depth = 0;
    if (!next(p) || !parse_or(p, r, false)) {
      return false;
    }
    if (!is_word(p, "then")) {
      return FAIL(p, "expected 'and', 'or' or 'then' after '%s'", p->prev);
    }
  } else if (!is_word(p, "then")) {
    return FAIL(p, "expected 'when' or 'then' after the rule's title");
  }
  if (!next(p)) {
    return false;
  }
  for (;;) {
    if (!parse_action(p, r)) {
      return false;
    }
    if (at_kind(p, T_SEMI)) {
      if (!next(p)) {
        return false;
      }
      if (at_kind(p, T_EOF) || is_word(p, "rule")) {
        break; /* a ';' after the last action is allowed */
      }
      continue;
    }
    if (at_kind(p, T_EOF) || is_word(p, "rule")) {
      break;
    }
    if (is_action_word(p)) {
      return FAIL(p, "expected ';' between actions");
    }
    return FAIL(p,
                "expected ';' and another action, 'rule' or the end of the strategy "
                "after '%s'",
                p->prev);
  }
  o->nrules++;
  return true;
}

bool arr_strategy_parse(const char *text, size_t len, arr_strategy *out,
                        arr_strategy_error *e) {
  memset(out, 0, sizeof *out);
  if (e != NULL) {
    memset(e, 0, sizeof *e);
  }
  parser p = {.text = text != NULL ? text : "",
              .len = text != NULL ? len : 0,
              .line = 1,
              .out = out,
              .e = e};
  p.tok.kind = T_EOF;
  bool ok;
  if (len > ARR_STRATEGY_SOURCE_MAX) {
    ok = fail_at(&p, 1, 1, "the strategy is %zu bytes long; the limit is %d", len,
                 ARR_STRATEGY_SOURCE_MAX);
  } else if (!next(&p)) {
    ok = false;
  } else if (at_kind(&p, T_EOF)) {
    ok = FAIL(&p, "the strategy has no rules: expected 'rule'");
  } else {
    ok = true;
    while (ok && !at_kind(&p, T_EOF)) {
      ok = is_word(&p, "rule") ? parse_rule(&p) : FAIL(&p, "expected 'rule'");
    }
  }
  if (!ok) {
    out->nrules = 0;
  }
  return ok;
}

int arr_strategy_rule_count(const arr_strategy *s) {
  return s->nrules;
}

const char *arr_strategy_rule_title(const arr_strategy *s, int i) {
  if (i < 0 || i >= s->nrules) {
    return "";
  }
  return s->pool + s->rules[i].title;
}

int arr_strategy_rule_line(const arr_strategy *s, int i) {
  if (i < 0 || i >= s->nrules) {
    return 0;
  }
  return s->rules[i].line;
}

/* ---- Evaluation ---------------------------------------------------------------- */

static bool cmp_num(int op, int64_t a, int64_t b) {
  switch (op) {
  case CMP_EQ:
  case CMP_IN: return a == b;
  case CMP_NE: return a != b;
  case CMP_LT: return a < b;
  case CMP_LE: return a <= b;
  case CMP_GT: return a > b;
  case CMP_GE: return a >= b;
  default: return false;
  }
}

static bool eval_term(const arr_strategy *s, const arr_strategy_term *t,
                      const arr_strategy_facts *f) {
  const field_def *fd = &fields[t->field];
  const char *at = (const char *)f + fd->off;
  const arr_strategy_value *v = &s->values[t->first_value];
  bool hit = false;
  switch (fd->type) {
  case FT_BOOL: {
    bool b;
    memcpy(&b, at, sizeof b);
    hit = b;
    break;
  }
  case FT_MONEY:
  case FT_INT: {
    int64_t x;
    bool missing = false;
    if (fd->type == FT_MONEY) {
      memcpy(&x, at, sizeof x);
    } else {
      int32_t x32;
      memcpy(&x32, at, sizeof x32);
      x = x32;
      missing = fd->missing_word != NULL && x32 < 0;
    }
    for (int i = 0; i < t->nvalues && !hit; i++) {
      if (v[i].missing) {
        hit = t->op == CMP_NE ? !missing : missing;
      } else if (!missing) {
        hit = cmp_num(t->op, x, v[i].num);
      }
    }
    break;
  }
  case FT_TEXT: {
    const char *nul = memchr(at, '\0', fd->size);
    size_t n = nul != NULL ? (size_t)(nul - at) : fd->size;
    bool eq = false;
    for (int i = 0; i < t->nvalues && !eq; i++) {
      eq = v[i].len == n && memcmp(s->pool + v[i].str, at, n) == 0;
    }
    hit = t->op == CMP_NE ? !eq : eq;
    break;
  }
  }
  return hit != t->negate;
}

static bool eval_rule(const arr_strategy *s, const arr_strategy_rule *r,
                      const arr_strategy_facts *f) {
  bool stack[ARR_STRATEGY_MAX_TERMS];
  int sp = 0;
  if (r->nops == 0) {
    return true;
  }
  for (int i = 0; i < r->nops; i++) {
    uint8_t op = r->ops[i];
    if (op < ARR_STRATEGY_MAX_TERMS) {
      stack[sp++] = eval_term(s, &r->terms[op], f);
    } else {
      sp--;
      stack[sp - 1] =
          op == OP_AND ? (stack[sp - 1] && stack[sp]) : (stack[sp - 1] || stack[sp]);
    }
  }
  return stack[0];
}

int arr_strategy_eval(const arr_strategy *s, const arr_strategy_facts *f,
                      arr_strategy_action *out, int cap) {
  int n = 0;
  for (int ri = 0; ri < s->nrules; ri++) {
    const arr_strategy_rule *r = &s->rules[ri];
    if (!eval_rule(s, r, f)) {
      continue;
    }
    for (int ai = 0; ai < r->nactions; ai++) {
      if (n >= cap) {
        return -1;
      }
      const arr_strategy_stored_action *a = &r->actions[ai];
      const char *arg = a->arg == UINT32_MAX ? "" : s->pool + a->arg;
      out[n].kind = (arr_strategy_action_kind)a->kind;
      out[n].rule = ri;
      out[n].priority = a->priority;
      out[n].name = a->kind == ARR_ACTION_HOLD ? "" : arg;
      out[n].reason = a->kind == ARR_ACTION_HOLD ? arg : "";
      n++;
    }
    if (r->stop) {
      break;
    }
  }
  return n;
}

/* ---- Champion / challenger ------------------------------------------------------- */

/* splitmix64's finalizer: every input bit affects every output bit, so consecutive
 * account ids land in the arms independently. */
static uint64_t mix64(uint64_t z) {
  z += UINT64_C(0x9E3779B97F4A7C15);
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

bool arr_strategy_is_challenger(int64_t account_id, uint64_t salt, int challenger_pct) {
  if (challenger_pct <= 0) {
    return false;
  }
  if (challenger_pct >= 100) {
    return true;
  }
  return mix64((uint64_t)account_id ^ salt) % 100 < (uint64_t)challenger_pct;
}
