/*
 * letter_template.c — letter templates (letter_template.h): parse once, fill many.
 *
 * Parsing checks everything that can be checked without the values (encoding, line
 * shapes, field names against the caller's list, conditionals, the header) and keeps
 * the body as a list of lines, each a kind plus "segments": a run of literal text in
 * the template's own copy of its text, or a field reference (an index into the
 * template's list of the fields it uses). Filling walks that list once per letter:
 * conditionals switch lines off, segments are copied or looked up, plain lines join
 * into paragraphs. All of a filled letter (struct, block array, strings) is one
 * allocation; its strings are built in a growing buffer as offsets and turned into
 * pointers at the end.
 *
 * Columns in error messages count characters (code points) from 1, as an editor
 * shows them. Tabs are read as spaces (in the template's copy, so columns stay right).
 */
#include "formats/letter_template.h"
#include "core/utf8.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields arrears fills (templates/letters/README.md), in one place for the
 * service, its tests and the fuzz target. */
const char *const ARR_LETTER_FIELDS[ARR_LETTER_FIELD_COUNT + 1] = {"agency.name",
                                                                   "agency.street",
                                                                   "agency.city_line",
                                                                   "agency.phone",
                                                                   "agency.hours",
                                                                   "agency.email",
                                                                   "agency.website",
                                                                   "agency.dispute_url",
                                                                   "letter.date",
                                                                   "letter.id",
                                                                   "debtor.name",
                                                                   "debtor.street",
                                                                   "debtor.city_line",
                                                                   "account.reference",
                                                                   "account.number",
                                                                   "creditor.current",
                                                                   "creditor.original",
                                                                   "itemization.date",
                                                                   "itemization.amount",
                                                                   "itemization.interest",
                                                                   "itemization.fees",
                                                                   "itemization.payments",
                                                                   "itemization.current",
                                                                   "validation.end_date",
                                                                   "balance.current",
                                                                   "plan.total",
                                                                   "plan.installment",
                                                                   "plan.count",
                                                                   "plan.frequency",
                                                                   "plan.first_due",
                                                                   "plan.next_due",
                                                                   "settlement.amount",
                                                                   "settlement.due",
                                                                   "settlement.savings",
                                                                   "payment.amount",
                                                                   "payment.date",
                                                                   "dispute.date",
                                                                   "referral.name",
                                                                   "referral.date",
                                                                   "optout.url",
                                                                   NULL};

typedef enum {
  L_BLANK,
  L_TEXT,
  L_HEADING,
  L_SUBHEADING,
  L_ROW,
  L_TOTAL,
  L_CHECKBOX,
  L_FILLIN,
  L_TEAROFF,
  L_PAGEBREAK,
  L_IF,    /* ? FIELD */
  L_IFNOT, /* ?! FIELD */
  L_END    /* ? end */
} line_kind;

/* field >= 0: a reference to t->fields[field]; else literal pool[off..off+len). */
typedef struct {
  int off, len, field;
} seg;

typedef struct {
  line_kind kind;
  int field;        /* L_IF / L_IFNOT: the condition's field */
  int seg0, nseg;   /* text (label for rows) */
  int vseg0, nvseg; /* rows: the value */
} tline;

typedef char field_name[ARR_TEMPLATE_FIELD_MAX + 1];

struct arr_letter_template {
  arr_template_kind kind;
  int repeat_days;
  char *pool; /* the template's text, tabs made spaces */
  seg *segs;
  int nsegs, capsegs;
  tline *lines;
  int nlines, caplines;
  int subj_seg0, subj_nseg;
  field_name *fields;
  int nfields, capfields;
};

static const char *const k_kind_names[] = {"collection", "cease_ack", "remedy",
                                           "verification", "ended"};
enum { NKINDS = sizeof k_kind_names / sizeof k_kind_names[0], REPEAT_MAX_DAYS = 365 };

const char *arr_template_kind_name(arr_template_kind k) {
  return (unsigned)k < NKINDS ? k_kind_names[k] : "unknown";
}

arr_template_kind arr_template_kind_of(const arr_letter_template *t) {
  assert(t != NULL);
  return t->kind;
}

int arr_template_repeat_days(const arr_letter_template *t) {
  assert(t != NULL);
  return t->repeat_days;
}

bool arr_template_uses(const arr_letter_template *t, const char *name) {
  assert(t != NULL && name != NULL);
  for (int i = 0; i < t->nfields; i++) {
    if (strcmp(t->fields[i], name) == 0) {
      return true;
    }
  }
  return false;
}

const char *arr_letter_tearoff_caption(const char *language) {
  if (language != NULL && strcmp(language, "es") == 0) {
    return "Desprenda y devuelva esta parte";
  }
  return "Detach and return this part";
}

void arr_template_free(arr_letter_template *t) {
  if (t == NULL) {
    return;
  }
  free(t->pool);
  free(t->segs);
  free(t->lines);
  free(t->fields);
  free(t);
}

/* ---- UTF-8 ------------------------------------------------------------------------ */

/* Code points in s[0..n) of valid UTF-8. */
static int utf8_count(const char *s, size_t n) {
  int w = 0;
  for (size_t i = 0; i < n; i++) {
    w += ((unsigned char)s[i] & 0xC0) != 0x80;
  }
  return w;
}

/* ---- parser ----------------------------------------------------------------------- */

typedef struct {
  arr_letter_template *t;
  const char *const *known;
  arr_err *err;
  int lineno;
  const char *line; /* current line in t->pool, without its line ending */
  size_t line_len;
  bool nomem;
} parser;

/* Sets the error "line L, column C: ..." with C the column of at (in p->line). */
__attribute__((format(printf, 3, 4))) static arr_rc perr(parser *p, const char *at,
                                                         const char *fmt, ...) {
  char msg[ARR_ERR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int col = 1;
  if (at != NULL && p->line != NULL && at >= p->line) {
    col += utf8_count(p->line, (size_t)(at - p->line));
  }
  return arr_err_field(p->err, ARR_ERR_INVALID, "text", "line %d, column %d: %s",
                       p->lineno, col, msg);
}

static arr_rc nomem(arr_err *err) {
  return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
}

/* arr (n elements of size sz, room for *cap) with room for one more: arr itself or a
 * larger copy (*cap updated); NULL when out of memory (arr is then unchanged). */
static void *grow(void *arr, int n, int *cap, size_t sz) {
  if (n < *cap) {
    return arr;
  }
  int ncap = *cap == 0 ? 16 : *cap * 2;
  void *q = realloc(arr, (size_t)ncap * sz);
  if (q != NULL) {
    *cap = ncap;
  }
  return q;
}

static arr_rc push_seg(parser *p, int off, int len, int field) {
  arr_letter_template *t = p->t;
  seg *q = grow(t->segs, t->nsegs, &t->capsegs, sizeof *t->segs);
  if (q == NULL) {
    return nomem(p->err);
  }
  t->segs = q;
  t->segs[t->nsegs++] = (seg){off, len, field};
  return ARR_OK;
}

static tline *push_line(parser *p, line_kind kind) {
  arr_letter_template *t = p->t;
  tline *q = grow(t->lines, t->nlines, &t->caplines, sizeof *t->lines);
  if (q == NULL) {
    return NULL;
  }
  t->lines = q;
  tline *l = &t->lines[t->nlines++];
  *l = (tline){kind, -1, t->nsegs, 0, t->nsegs, 0};
  return l;
}

static bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* The index of field name s[0..n) in t->fields, adding it; -1 when out of memory. */
static int intern(arr_letter_template *t, const char *s, size_t n) {
  for (int i = 0; i < t->nfields; i++) {
    if (strlen(t->fields[i]) == n && memcmp(t->fields[i], s, n) == 0) {
      return i;
    }
  }
  field_name *q = grow(t->fields, t->nfields, &t->capfields, sizeof *t->fields);
  if (q == NULL) {
    return -1;
  }
  t->fields = q;
  memcpy(t->fields[t->nfields], s, n);
  t->fields[t->nfields][n] = '\0';
  return t->nfields++;
}

/* Checks that s[0..n) is a listed field name; *index: its place in t->fields.
 * at: where an error points; braces: whether the error shows the name as {{name}}. */
static arr_rc field_ref(parser *p, const char *s, size_t n, const char *at, bool braces,
                        int *index) {
  bool ok = n >= 1 && n <= ARR_TEMPLATE_FIELD_MAX;
  for (size_t i = 0; ok && i < n; i++) {
    ok = name_char(s[i]);
  }
  if (!ok) {
    return perr(p, at, "a field name is 1 to %d characters of a-z, 0-9, '_' and '.'",
                ARR_TEMPLATE_FIELD_MAX);
  }
  bool known = false;
  for (const char *const *k = p->known; k != NULL && *k != NULL && !known; k++) {
    known = strlen(*k) == n && memcmp(*k, s, n) == 0;
  }
  if (!known) {
    return braces ? perr(p, at, "unknown field {{%.*s}}", (int)n, s)
                  : perr(p, at, "unknown field %.*s", (int)n, s);
  }
  *index = intern(p->t, s, n);
  return *index < 0 ? nomem(p->err) : ARR_OK;
}

static const char *find2(const char *s, const char *e, char a, char b) {
  for (; s + 1 < e; s++) {
    if (s[0] == a && s[1] == b) {
      return s;
    }
  }
  return NULL;
}

/* Splits s..e into literal and {{field}} segments; *seg0 and *nseg: where they went. */
static arr_rc tokenize(parser *p, const char *s, const char *e, int *seg0, int *nseg) {
  arr_letter_template *t = p->t;
  *seg0 = t->nsegs;
  arr_rc rc = ARR_OK;
  while (s < e && rc == ARR_OK) {
    const char *open = find2(s, e, '{', '{');
    const char *lit_end = open != NULL ? open : e;
    if (lit_end > s) {
      rc = push_seg(p, (int)(s - t->pool), (int)(lit_end - s), -1);
    }
    if (open == NULL || rc != ARR_OK) {
      break;
    }
    const char *close = find2(open + 2, e, '}', '}');
    if (close == NULL) {
      return perr(p, open, "'{{' without '}}' on the same line");
    }
    int f;
    rc = field_ref(p, open + 2, (size_t)(close - open - 2), open, true, &f);
    if (rc == ARR_OK) {
      rc = push_seg(p, 0, 0, f);
    }
    s = close + 2;
  }
  *nseg = t->nsegs - *seg0;
  return rc;
}

static const char *skip_sp(const char *s, const char *e) {
  while (s < e && *s == ' ') {
    s++;
  }
  return s;
}

static const char *trim_end(const char *s, const char *e) {
  while (e > s && e[-1] == ' ') {
    e--;
  }
  return e;
}

static bool starts(const char *s, const char *e, const char *lit) {
  size_t n = strlen(lit);
  return (size_t)(e - s) >= n && memcmp(s, lit, n) == 0;
}

static bool equals(const char *s, const char *e, const char *lit) {
  return (size_t)(e - s) == strlen(lit) && memcmp(s, lit, (size_t)(e - s)) == 0;
}

/* Checks the current line's encoding and characters. */
static arr_rc check_line(parser *p) {
  const char *s = p->line;
  size_t n = p->line_len;
  if (n > ARR_TEMPLATE_LINE_MAX) {
    return perr(p, s, "the line is longer than %d bytes", ARR_TEMPLATE_LINE_MAX);
  }
  size_t ok = arr_utf8_valid_prefix(s, n);
  if (ok < n) {
    return perr(p, s + ok, "invalid UTF-8");
  }
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\r') {
      return perr(p, s + i, "a carriage return inside a line");
    }
    if (c == 0) {
      return perr(p, s + i, "a NUL byte");
    }
    if (c < 0x20 || c == 0x7F) {
      return perr(p, s + i, "a control character (0x%02X)", c);
    }
  }
  return ARR_OK;
}

/* ---- the header ------------------------------------------------------------------- */

enum { H_SUBJECT, H_KIND, H_REPEAT, NHEADER };
static const char *const k_header_keys[NHEADER] = {"subject", "kind", "repeat"};

static arr_rc parse_repeat(parser *p, const char *v, const char *e) {
  if (equals(v, e, "once")) {
    p->t->repeat_days = 0;
    return ARR_OK;
  }
  const char *q = v + 6, *digits = q;
  bool ok = starts(v, e, "every ") && q < e && *q >= '1' && *q <= '9';
  int n = 0;
  while (ok && q < e && *q >= '0' && *q <= '9' && q - digits < 3) {
    n = n * 10 + (*q++ - '0');
  }
  ok = ok && n <= REPEAT_MAX_DAYS && (equals(q, e, " days") || equals(q, e, " day"));
  if (!ok) {
    return perr(p, v, "repeat must be \"once\" or \"every N days\" with N from 1 to %d",
                REPEAT_MAX_DAYS);
  }
  p->t->repeat_days = n;
  return ARR_OK;
}

static arr_rc parse_header_value(parser *p, int key, const char *v, const char *e) {
  arr_letter_template *t = p->t;
  switch (key) {
  case H_SUBJECT:
    if (v == e) {
      return perr(p, v, "the subject is empty");
    }
    return tokenize(p, v, e, &t->subj_seg0, &t->subj_nseg);
  case H_KIND:
    for (int k = 0; k < (int)NKINDS; k++) {
      if (equals(v, e, k_kind_names[k])) {
        t->kind = (arr_template_kind)k;
        return ARR_OK;
      }
    }
    return perr(p, v,
                "kind must be collection, cease_ack, remedy, verification or ended");
  default: return parse_repeat(p, v, e);
  }
}

/* One header line (not a comment, not blank, not "---"). seen[k]: line of key k. */
static arr_rc parse_header_line(parser *p, int seen[NHEADER]) {
  const char *s = skip_sp(p->line, p->line + p->line_len);
  const char *e = trim_end(s, p->line + p->line_len);
  const char *k = s;
  while (k < e && *k >= 'a' && *k <= 'z') {
    k++;
  }
  if (k == s || k == e || *k != ':') {
    return perr(p, s,
                "a header line is 'key: value' (subject, kind or repeat); the header "
                "ends with a '---' line");
  }
  int key = 0;
  while (key < NHEADER && !equals(s, k, k_header_keys[key])) {
    key++;
  }
  if (key == NHEADER) {
    return perr(p, s,
                "unknown header key \"%.*s\" (the keys are subject, kind and repeat)",
                (int)(k - s), s);
  }
  if (seen[key] != 0) {
    return perr(p, s, "duplicate header key \"%s\" (first on line %d)",
                k_header_keys[key], seen[key]);
  }
  seen[key] = p->lineno;
  return parse_header_value(p, key, skip_sp(k + 1, e), e);
}

/* ---- the body --------------------------------------------------------------------- */

typedef struct {
  int nonblank;
  int if_line; /* line of the open condition, 0 when none */
  int tearoff_line;
} body_state;

static arr_rc parse_row(parser *p, line_kind kind, const char *s, const char *e) {
  const char *bar = memchr(s, '|', (size_t)(e - s));
  if (bar == NULL) {
    return perr(p, e, "a row is '| LABEL | VALUE': the second '|' is missing");
  }
  const char *ls = skip_sp(s, bar), *le = trim_end(ls, bar);
  if (ls == le) {
    return perr(p, s, "a row's label is empty");
  }
  const char *vs = skip_sp(bar + 1, e);
  const char *extra = memchr(vs, '|', (size_t)(e - vs));
  if (extra != NULL) {
    return perr(p, extra, "a row has two cells: '| LABEL | VALUE'");
  }
  tline *l = push_line(p, kind);
  if (l == NULL) {
    return nomem(p->err);
  }
  int li = p->t->nlines - 1, seg0, nseg;
  arr_rc rc = tokenize(p, ls, le, &seg0, &nseg);
  if (rc != ARR_OK) {
    return rc;
  }
  p->t->lines[li].seg0 = seg0;
  p->t->lines[li].nseg = nseg;
  rc = tokenize(p, vs, e, &seg0, &nseg);
  p->t->lines[li].vseg0 = seg0;
  p->t->lines[li].nvseg = nseg;
  return rc;
}

/* A line whose text is s..e (kind decided): tokenized into one tline. */
static arr_rc text_line(parser *p, line_kind kind, const char *s, const char *e) {
  if (push_line(p, kind) == NULL) {
    return nomem(p->err);
  }
  int li = p->t->nlines - 1, seg0, nseg;
  arr_rc rc = tokenize(p, s, e, &seg0, &nseg);
  p->t->lines[li].seg0 = seg0;
  p->t->lines[li].nseg = nseg;
  return rc;
}

static arr_rc parse_condition(parser *p, body_state *b, const char *s, const char *e) {
  if (equals(s, e, "? end")) {
    if (b->if_line == 0) {
      return perr(p, s, "'? end' without an open '? FIELD'");
    }
    b->if_line = 0;
    return push_line(p, L_END) != NULL ? ARR_OK : nomem(p->err);
  }
  bool negate = starts(s, e, "?! ");
  if (!negate && !starts(s, e, "? ")) {
    return perr(p, s, "a condition is '? FIELD', '?! FIELD' or '? end'");
  }
  if (b->if_line != 0) {
    return perr(p, s, "conditions do not nest (the one on line %d is still open)",
                b->if_line);
  }
  const char *name = skip_sp(s + (negate ? 3 : 2), e);
  int f;
  arr_rc rc = field_ref(p, name, (size_t)(e - name), name, false, &f);
  if (rc != ARR_OK) {
    return rc;
  }
  tline *l = push_line(p, negate ? L_IFNOT : L_IF);
  if (l == NULL) {
    return nomem(p->err);
  }
  l->field = f;
  b->if_line = p->lineno;
  return ARR_OK;
}

static arr_rc parse_directive(parser *p, body_state *b, const char *s, const char *e) {
  if (equals(s, e, "%% tearoff")) {
    if (b->tearoff_line != 0) {
      return perr(p, s, "a second '%%%% tearoff' (the first is on line %d)",
                  b->tearoff_line);
    }
    b->tearoff_line = p->lineno;
    return push_line(p, L_TEAROFF) != NULL ? ARR_OK : nomem(p->err);
  }
  if (equals(s, e, "%% pagebreak")) {
    if (b->tearoff_line != 0) {
      return perr(p, s,
                  "'%%%% pagebreak' after '%%%% tearoff' (line %d): the tear-off part "
                  "stays on one page",
                  b->tearoff_line);
    }
    return push_line(p, L_PAGEBREAK) != NULL ? ARR_OK : nomem(p->err);
  }
  return perr(p, s,
              "unknown directive (the directives are '%%%% tearoff' and "
              "'%%%% pagebreak')");
}

static arr_rc parse_body_line(parser *p, body_state *b) {
  const char *s = skip_sp(p->line, p->line + p->line_len);
  const char *e = trim_end(s, p->line + p->line_len);
  if (s == e) {
    int n = p->t->nlines;
    if (n > 0 && p->t->lines[n - 1].kind == L_BLANK) {
      return ARR_OK;
    }
    return push_line(p, L_BLANK) != NULL ? ARR_OK : nomem(p->err);
  }
  if (++b->nonblank > ARR_TEMPLATE_BLOCKS_MAX) {
    return perr(p, s, "the body has more than %d lines that are not blank",
                ARR_TEMPLATE_BLOCKS_MAX);
  }
  switch (*s) {
  case '=':
    if (starts(s, e, "== ")) {
      return text_line(p, L_SUBHEADING, skip_sp(s + 3, e), e);
    }
    if (starts(s, e, "= ")) {
      return text_line(p, L_HEADING, skip_sp(s + 2, e), e);
    }
    return perr(p, s, "a heading is '= TEXT' (or '== TEXT' for a subheading)");
  case '|':
    if (starts(s, e, "|= ")) {
      return parse_row(p, L_TOTAL, s + 3, e);
    }
    if (starts(s, e, "| ")) {
      return parse_row(p, L_ROW, s + 2, e);
    }
    return perr(p, s, "a row is '| LABEL | VALUE' (or '|= LABEL | VALUE' for a total)");
  case '?': return parse_condition(p, b, s, e);
  default: break;
  }
  if (starts(s, e, "%%")) {
    return parse_directive(p, b, s, e);
  }
  if (starts(s, e, "[ ] ")) {
    return text_line(p, L_CHECKBOX, skip_sp(s + 4, e), e);
  }
  if (starts(s, e, "____ ") || equals(s, e, "____")) {
    return text_line(p, L_FILLIN, skip_sp(s + 4, e), e);
  }
  return text_line(p, L_TEXT, s, e);
}

/* ---- the whole template ----------------------------------------------------------- */

/* Called at the '---' line: every header key must have been given. */
static arr_rc header_complete(parser *p, const int seen[NHEADER]) {
  for (int k = 0; k < NHEADER; k++) {
    if (seen[k] == 0) {
      return perr(p, p->line,
                  "the header has no \"%s\" (subject, kind and repeat are "
                  "required)",
                  k_header_keys[k]);
    }
  }
  return ARR_OK;
}

/* Checks after the last line: a closed header, a body, no open condition. */
static arr_rc finish(parser *p, bool in_body, const body_state *b, int dash_line) {
  if (!in_body) {
    return perr(p, NULL, "the header does not end with a '---' line");
  }
  if (b->if_line != 0) {
    p->lineno = b->if_line;
    return perr(p, NULL, "this condition is never closed with '? end'");
  }
  if (b->nonblank == 0) {
    p->lineno = dash_line;
    return perr(p, NULL, "the body after '---' is empty");
  }
  return ARR_OK;
}

static arr_rc parse_lines(parser *p, size_t len) {
  char *pool = p->t->pool;
  size_t pos = 0;
  if (len >= 3 && memcmp(pool, "\xEF\xBB\xBF", 3) == 0) {
    pos = 3;
  }
  int seen[NHEADER] = {0};
  body_state b = {0};
  bool in_body = false;
  int dash_line = 0;
  arr_rc rc = ARR_OK;
  while (pos < len && rc == ARR_OK) {
    char *nl = memchr(pool + pos, '\n', len - pos);
    size_t end = nl != NULL ? (size_t)(nl - pool) : len;
    p->lineno++;
    p->line = pool + pos;
    p->line_len = end - pos;
    if (p->line_len > 0 && p->line[p->line_len - 1] == '\r') {
      p->line_len--;
    }
    pos = end + 1;
    rc = check_line(p);
    if (rc != ARR_OK) {
      break;
    }
    const char *s = skip_sp(p->line, p->line + p->line_len);
    const char *e = trim_end(s, p->line + p->line_len);
    if (in_body) {
      rc = parse_body_line(p, &b);
    } else if (equals(s, e, "---")) {
      rc = header_complete(p, seen);
      in_body = true;
      dash_line = p->lineno;
    } else if (s != e && *s != '#') {
      rc = parse_header_line(p, seen);
    }
  }
  if (rc == ARR_OK) {
    p->line = NULL;
    p->lineno = p->lineno > 0 ? p->lineno : 1;
    rc = finish(p, in_body, &b, dash_line);
  }
  return rc;
}

arr_rc arr_template_parse(const char *text, size_t len, const char *const *known,
                          arr_letter_template **out, arr_err *err) {
  assert(out != NULL && (text != NULL || len == 0));
  *out = NULL;
  parser p = {.known = known, .err = err};
  if (len > ARR_TEMPLATE_MAX_BYTES) {
    p.lineno = 1;
    return perr(&p, NULL, "the template is longer than %d bytes", ARR_TEMPLATE_MAX_BYTES);
  }
  arr_letter_template *t = calloc(1, sizeof *t);
  if (t == NULL) {
    return nomem(err);
  }
  t->pool = malloc(len + 1);
  if (t->pool == NULL) {
    free(t);
    return nomem(err);
  }
  for (size_t i = 0; i < len; i++) {
    t->pool[i] = text[i] == '\t' ? ' ' : text[i];
  }
  t->pool[len] = '\0';
  p.t = t;
  arr_rc rc = parse_lines(&p, len);
  if (rc != ARR_OK) {
    arr_template_free(t);
    return rc;
  }
  *out = t;
  return ARR_OK;
}

/* ---- filling ---------------------------------------------------------------------- */

typedef struct {
  arr_block_kind kind;
  size_t text, value; /* offsets in buf; SIZE_MAX: "" */
} block_off;

typedef struct {
  const arr_letter_template *t;
  arr_field_lookup lookup;
  void *ctx;
  arr_err *err;
  char *buf;
  size_t len, cap;
  block_off *bl;
  int nbl, capbl;
  bool in_para;
  size_t para; /* where the open paragraph starts */
} filler;

static arr_rc put(filler *f, const char *s, size_t n) {
  if (n > ARR_LETTER_MAX_BYTES - f->len) {
    return arr_err_set(f->err, ARR_ERR_INVALID,
                       "the filled letter is longer than %d bytes", ARR_LETTER_MAX_BYTES);
  }
  if (f->len + n + 1 > f->cap) {
    size_t ncap = f->cap == 0 ? 4096 : f->cap;
    while (ncap < f->len + n + 1) {
      ncap *= 2;
    }
    char *q = realloc(f->buf, ncap);
    if (q == NULL) {
      return nomem(f->err);
    }
    f->buf = q;
    f->cap = ncap;
  }
  memcpy(f->buf + f->len, s, n);
  f->len += n;
  return ARR_OK;
}

/* Appends a field's value: checked for UTF-8, control characters made spaces. */
static arr_rc put_value(filler *f, int field) {
  const char *name = f->t->fields[field];
  const char *v = f->lookup(f->ctx, name);
  if (v == NULL) {
    return ARR_OK;
  }
  size_t n = strlen(v);
  if (arr_utf8_valid_prefix(v, n) != n) {
    return arr_err_field(f->err, ARR_ERR_INVALID, name,
                         "field %s: the value is not valid UTF-8", name);
  }
  size_t at = f->len;
  arr_rc rc = put(f, v, n);
  for (size_t i = at; rc == ARR_OK && i < f->len; i++) {
    unsigned char c = (unsigned char)f->buf[i];
    if (c < 0x20 || c == 0x7F) {
      f->buf[i] = ' ';
    }
  }
  return rc;
}

/* Appends segments seg0..seg0+n, then trims the spaces the new text starts and ends
 * with. *empty: whether nothing is left. */
static arr_rc put_segs(filler *f, int seg0, int n, bool *empty) {
  size_t at = f->len;
  arr_rc rc = ARR_OK;
  for (int i = seg0; i < seg0 + n && rc == ARR_OK; i++) {
    const seg *s = &f->t->segs[i];
    rc = s->field >= 0 ? put_value(f, s->field)
                       : put(f, f->t->pool + s->off, (size_t)s->len);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  size_t lead = at;
  while (lead < f->len && f->buf[lead] == ' ') {
    lead++;
  }
  if (lead > at) {
    memmove(f->buf + at, f->buf + lead, f->len - lead);
    f->len -= lead - at;
  }
  while (f->len > at && f->buf[f->len - 1] == ' ') {
    f->len--;
  }
  *empty = f->len == at;
  return ARR_OK;
}

static arr_rc push_block(filler *f, arr_block_kind kind, size_t text, size_t value) {
  block_off *q = grow(f->bl, f->nbl, &f->capbl, sizeof *f->bl);
  if (q == NULL) {
    return nomem(f->err);
  }
  f->bl = q;
  f->bl[f->nbl++] = (block_off){kind, text, value};
  return ARR_OK;
}

static arr_rc end_para(filler *f) {
  if (!f->in_para) {
    return ARR_OK;
  }
  f->in_para = false;
  arr_rc rc = put(f, "", 1);
  return rc != ARR_OK ? rc : push_block(f, ARR_BLOCK_PARAGRAPH, f->para, SIZE_MAX);
}

/* A plain line: joined to the open paragraph with one space, or starts one. */
static arr_rc para_line(filler *f, const tline *l) {
  size_t before = f->len;
  arr_rc rc = f->in_para ? put(f, " ", 1) : ARR_OK;
  bool empty;
  if (rc == ARR_OK) {
    rc = put_segs(f, l->seg0, l->nseg, &empty);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  if (empty) {
    f->len = before;
  } else if (!f->in_para) {
    f->in_para = true;
    f->para = before;
  }
  return ARR_OK;
}

static arr_block_kind block_kind(line_kind k) {
  switch (k) {
  case L_HEADING: return ARR_BLOCK_HEADING;
  case L_SUBHEADING: return ARR_BLOCK_SUBHEADING;
  case L_ROW: return ARR_BLOCK_ROW;
  case L_TOTAL: return ARR_BLOCK_TOTAL;
  case L_CHECKBOX: return ARR_BLOCK_CHECKBOX;
  case L_FILLIN: return ARR_BLOCK_FILLIN;
  case L_TEAROFF: return ARR_BLOCK_TEAROFF;
  default: return ARR_BLOCK_PAGEBREAK;
  }
}

/* A line that is a block of its own (heading, row, ...). */
static arr_rc block_line(filler *f, const tline *l) {
  arr_rc rc = end_para(f);
  size_t text = f->len, value = SIZE_MAX;
  bool empty;
  if (rc == ARR_OK) {
    rc = put_segs(f, l->seg0, l->nseg, &empty);
  }
  if (rc == ARR_OK) {
    rc = put(f, "", 1);
  }
  if (rc == ARR_OK && (l->kind == L_ROW || l->kind == L_TOTAL)) {
    value = f->len;
    rc = put_segs(f, l->vseg0, l->nvseg, &empty);
    if (rc == ARR_OK) {
      rc = put(f, "", 1);
    }
  }
  return rc != ARR_OK ? rc : push_block(f, block_kind(l->kind), text, value);
}

static bool value_empty(filler *f, int field) {
  const char *v = f->lookup(f->ctx, f->t->fields[field]);
  return v == NULL || v[0] == '\0';
}

static arr_rc fill_body(filler *f) {
  bool on = true;
  arr_rc rc = ARR_OK;
  for (int i = 0; i < f->t->nlines && rc == ARR_OK; i++) {
    const tline *l = &f->t->lines[i];
    switch (l->kind) {
    case L_IF: on = !value_empty(f, l->field); break;
    case L_IFNOT: on = value_empty(f, l->field); break;
    case L_END: on = true; break;
    case L_BLANK: rc = on ? end_para(f) : ARR_OK; break;
    case L_TEXT: rc = on ? para_line(f, l) : ARR_OK; break;
    default: rc = on ? block_line(f, l) : ARR_OK; break;
    }
  }
  return rc == ARR_OK ? end_para(f) : rc;
}

struct doc_mem {
  arr_letter_doc doc;
  arr_letter_block blocks[];
};

/* One allocation: the doc, its blocks, then f->buf's strings. */
static arr_rc assemble(filler *f, arr_letter_doc **out) {
  size_t head = sizeof(struct doc_mem) + (size_t)f->nbl * sizeof(arr_letter_block);
  struct doc_mem *m = malloc(head + f->len);
  if (m == NULL) {
    return nomem(f->err);
  }
  char *chars = (char *)m + head;
  memcpy(chars, f->buf, f->len);
  m->doc.subject = chars;
  m->doc.nblocks = f->nbl;
  m->doc.blocks = m->blocks;
  for (int i = 0; i < f->nbl; i++) {
    m->blocks[i].kind = f->bl[i].kind;
    m->blocks[i].text = f->bl[i].text == SIZE_MAX ? "" : chars + f->bl[i].text;
    m->blocks[i].value = f->bl[i].value == SIZE_MAX ? "" : chars + f->bl[i].value;
  }
  *out = &m->doc;
  return ARR_OK;
}

arr_rc arr_template_fill(const arr_letter_template *t, arr_field_lookup lookup, void *ctx,
                         arr_letter_doc **out, arr_err *err) {
  assert(t != NULL && lookup != NULL && out != NULL);
  *out = NULL;
  filler f = {.t = t, .lookup = lookup, .ctx = ctx, .err = err};
  bool empty;
  arr_rc rc = put_segs(&f, t->subj_seg0, t->subj_nseg, &empty);
  if (rc == ARR_OK) {
    rc = put(&f, "", 1);
  }
  if (rc == ARR_OK) {
    rc = fill_body(&f);
  }
  if (rc == ARR_OK) {
    rc = assemble(&f, out);
  }
  free(f.buf);
  free(f.bl);
  return rc;
}

void arr_letter_doc_free(arr_letter_doc *d) {
  free(d); /* d is the first member of its struct doc_mem */
}

/* ---- plain text ------------------------------------------------------------------- */

enum { TEXT_WIDTH = 72, TEXT_MAX_BYTES = 8 * ARR_LETTER_MAX_BYTES };

typedef struct {
  char *p;
  size_t len, cap;
  bool oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n) {
  if (b->oom) {
    return;
  }
  if (b->len + n + 1 > b->cap) {
    size_t ncap = b->cap == 0 ? 4096 : b->cap;
    while (ncap < b->len + n + 1) {
      ncap *= 2;
    }
    char *q = ncap <= TEXT_MAX_BYTES ? realloc(b->p, ncap) : NULL;
    if (q == NULL) {
      b->oom = true;
      return;
    }
    b->p = q;
    b->cap = ncap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s) {
  sb_put(b, s, strlen(s));
}

static void sb_rep(sbuf *b, char c, int n) {
  for (int i = 0; i < n; i++) {
    sb_put(b, &c, 1);
  }
}

/* Writes text word-wrapped at TEXT_WIDTH columns: the first line after first_prefix,
 * later lines after indent spaces. Returns the width of the widest line; *last_w
 * (may be NULL): the width of the last line. No final newline. */
static int wrap(sbuf *b, const char *text, const char *first_prefix, int indent,
                int *last_w) {
  int col = utf8_count(first_prefix, strlen(first_prefix));
  sb_str(b, first_prefix);
  int widest = col, start_col = col;
  const char *s = text;
  while (*s != '\0') {
    while (*s == ' ') {
      s++;
    }
    const char *w = s;
    while (*s != '\0' && *s != ' ') {
      s++;
    }
    if (s == w) {
      break;
    }
    int ww = utf8_count(w, (size_t)(s - w));
    if (col > start_col && col + 1 + ww > TEXT_WIDTH) {
      sb_put(b, "\n", 1);
      sb_rep(b, ' ', indent);
      col = start_col = indent;
    } else if (col > start_col) {
      sb_put(b, " ", 1);
      col++;
    }
    sb_put(b, w, (size_t)(s - w));
    col += ww;
    widest = col > widest ? col : widest;
  }
  if (last_w != NULL) {
    *last_w = col;
  }
  return widest;
}

static const char *nz(const char *s) {
  return s != NULL ? s : "";
}

static void text_row(sbuf *b, const arr_letter_block *bl) {
  const char *text = nz(bl->text), *value = nz(bl->value);
  int lw = utf8_count(text, strlen(text));
  int vw = utf8_count(value, strlen(value));
  if (bl->kind == ARR_BLOCK_TOTAL) {
    int rule = vw > 8 ? vw : 8;
    sb_rep(b, ' ', TEXT_WIDTH - (rule < TEXT_WIDTH ? rule : TEXT_WIDTH));
    sb_rep(b, '-', rule < TEXT_WIDTH ? rule : TEXT_WIDTH);
    sb_put(b, "\n", 1);
  }
  if (lw + 2 + vw <= TEXT_WIDTH) {
    sb_str(b, text);
    sb_rep(b, ' ', TEXT_WIDTH - lw - vw);
  } else {
    wrap(b, text, "", 0, NULL);
    sb_put(b, "\n", 1);
    sb_rep(b, ' ', vw < TEXT_WIDTH ? TEXT_WIDTH - vw : 0);
  }
  sb_str(b, value);
}

static void text_block(sbuf *b, const arr_letter_block *bl, const char *language) {
  int w, last;
  const char *text = nz(bl->text);
  switch (bl->kind) {
  case ARR_BLOCK_HEADING:
  case ARR_BLOCK_SUBHEADING:
    w = wrap(b, text, "", 0, NULL);
    sb_put(b, "\n", 1);
    sb_rep(b, bl->kind == ARR_BLOCK_HEADING ? '=' : '-', w);
    break;
  case ARR_BLOCK_PARAGRAPH: wrap(b, text, "", 0, NULL); break;
  case ARR_BLOCK_ROW:
  case ARR_BLOCK_TOTAL: text_row(b, bl); break;
  case ARR_BLOCK_CHECKBOX: wrap(b, text, "[ ] ", 4, NULL); break;
  case ARR_BLOCK_FILLIN:
    wrap(b, text, "", 0, &last);
    if (last == 0) {
      sb_str(b, "________");
    } else if (last + 9 <= TEXT_WIDTH) {
      sb_str(b, " ________");
    } else {
      sb_str(b, "\n________");
    }
    break;
  case ARR_BLOCK_TEAROFF:
    for (int i = 0; i < TEXT_WIDTH / 2; i++) {
      sb_str(b, i == 0 ? "-" : " -");
    }
    sb_put(b, "\n", 1);
    sb_str(b, arr_letter_tearoff_caption(language));
    break;
  case ARR_BLOCK_PAGEBREAK: break;
  }
}

/* Rows, checkboxes and fill-ins in a run are not separated by blank lines. */
static bool same_group(arr_block_kind a, arr_block_kind b) {
  bool rows_a = a == ARR_BLOCK_ROW || a == ARR_BLOCK_TOTAL;
  bool rows_b = b == ARR_BLOCK_ROW || b == ARR_BLOCK_TOTAL;
  return (rows_a && rows_b) ||
         (a == b && (a == ARR_BLOCK_CHECKBOX || a == ARR_BLOCK_FILLIN));
}

arr_rc arr_letter_text(const arr_letter_doc *d, const char *language, char **out,
                       size_t *len, arr_err *err) {
  assert(d != NULL && out != NULL);
  *out = NULL;
  sbuf b = {0};
  sb_put(&b, "", 0);
  for (int i = 0; i < d->nblocks; i++) {
    const arr_letter_block *bl = &d->blocks[i];
    if (i > 0) {
      bool tight = same_group(d->blocks[i - 1].kind, bl->kind) ||
                   bl->kind == ARR_BLOCK_PAGEBREAK; /* it adds one blank line */
      sb_str(&b, tight ? "\n" : "\n\n");
    }
    text_block(&b, bl, language);
  }
  if (d->nblocks > 0) {
    sb_put(&b, "\n", 1);
  }
  if (b.oom) {
    free(b.p);
    return nomem(err);
  }
  *out = b.p;
  if (len != NULL) {
    *len = b.len;
  }
  return ARR_OK;
}
