/*
 * test_strategy.c — unit and property tests for core/strategy: every construct of the
 * rule language, precedence (against a tree-walking oracle over random conditions),
 * each field with each operator at its boundaries, missing values (never, unscored),
 * actions and stop, every parse error with its line and column, every limit at and
 * one past the boundary, the header's example end to end, and the champion/challenger
 * split.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/strategy.h"

/* Strategies are large (see strategy.h); keep them out of the test's stack. */
static arr_strategy S, S2;
static arr_strategy_error E;
static arr_strategy_action OUT[ARR_STRATEGY_MAX_OUT];
static char BIG[ARR_STRATEGY_SOURCE_MAX + 256];

static bool parse(const char *text) {
  return arr_strategy_parse(text, strlen(text), &S, &E);
}

static void must_parse(const char *text) {
  if (!parse(text)) {
    fail_msg("refused: %s\n--- text ---\n%s", E.message, text);
  }
}

/* Facts of an unremarkable account; tests change what they look at. */
static arr_strategy_facts base_facts(void) {
  arr_strategy_facts f;
  memset(&f, 0, sizeof f);
  f.balance_cents = 25000;
  f.principal_cents = 20000;
  f.days_since_placement = 100;
  f.days_since_payment = 40;
  f.days_past_due = 120;
  f.payments_count = 2;
  f.contacts_7d = 1;
  f.score = 500;
  strcpy(f.age_bucket, "91-180");
  strcpy(f.state, "TX");
  strcpy(f.account_type, "medical");
  strcpy(f.client, "ACME01");
  f.has_phone = true;
  return f;
}

static int eval(const arr_strategy_facts *f) {
  return arr_strategy_eval(&S, f, OUT, ARR_STRATEGY_MAX_OUT);
}

/* Whether `cond` holds for f, through a one-rule strategy. */
static bool holds(const char *cond, const arr_strategy_facts *f) {
  char text[2048];
  snprintf(text, sizeof text, "rule \"t\" when %s then skip_trace", cond);
  must_parse(text);
  int n = eval(f);
  assert_true(n == 0 || n == 1);
  return n == 1;
}

static void expect_error(const char *text, int line, int col, const char *msg) {
  if (parse(text)) {
    fail_msg("accepted, want line %d column %d: %s\n--- text ---\n%s", line, col, msg,
             text);
  }
  char want[300];
  snprintf(want, sizeof want, "line %d, column %d: %s", line, col, msg);
  if (E.line != line || E.column != col || strcmp(E.message, want) != 0) {
    fail_msg("got  \"%s\" (%d:%d)\nwant \"%s\"\n--- text ---\n%s", E.message, E.line,
             E.column, want, text);
  }
  assert_int_equal(arr_strategy_rule_count(&S), 0);
}

/* ---- The header's example --------------------------------------------------------- */

static const char example[] =
    "# comments start with '#'\n"
    "rule \"new placement\" when days_since_placement <= 30 and not disputed then letter "
    "validation_notice; queue new\n"
    "rule \"broken promise\" when promise_broken then queue call_now priority 90; stop\n"
    "rule \"large and silent\" when balance >= 500.00 and days_since_payment > 60 and "
    "state in (NY, CA) then queue call_now priority 70; skip_trace\n"
    "rule \"small\" when balance < 50.00 then hold \"below threshold\"\n"
    "rule \"old\" when age_bucket = \"3y+\" or time_barred then escalate "
    "attorney_review\n";

static void expect_action(int i, arr_strategy_action_kind kind, int rule,
                          const char *name, int priority, const char *reason) {
  assert_int_equal(OUT[i].kind, kind);
  assert_int_equal(OUT[i].rule, rule);
  assert_string_equal(OUT[i].name, name);
  assert_int_equal(OUT[i].priority, priority);
  assert_string_equal(OUT[i].reason, reason);
}

static void test_example(void **state) {
  must_parse(example);
  assert_int_equal(arr_strategy_rule_count(&S), 5);
  static const char *const titles[] = {"new placement", "broken promise",
                                       "large and silent", "small", "old"};
  for (int i = 0; i < 5; i++) {
    assert_string_equal(arr_strategy_rule_title(&S, i), titles[i]);
    assert_int_equal(arr_strategy_rule_line(&S, i), i + 2);
  }
  assert_string_equal(arr_strategy_rule_title(&S, 5), "");
  assert_int_equal(arr_strategy_rule_line(&S, -1), 0);

  arr_strategy_facts f = base_facts();
  assert_int_equal(eval(&f), 0); /* nothing applies to the plain account */

  f.days_since_placement = 30;
  assert_int_equal(eval(&f), 2);
  expect_action(0, ARR_ACTION_LETTER, 0, "validation_notice", -1, "");
  expect_action(1, ARR_ACTION_QUEUE, 0, "new", -1, "");
  f.disputed = true;
  assert_int_equal(eval(&f), 0);

  f = base_facts();
  f.promise_broken = true;
  f.balance_cents = 1000; /* "small" would apply, but "broken promise" stops */
  f.time_barred = true;
  assert_int_equal(eval(&f), 2);
  expect_action(0, ARR_ACTION_QUEUE, 1, "call_now", 90, "");
  expect_action(1, ARR_ACTION_STOP, 1, "", -1, "");

  f = base_facts();
  f.balance_cents = 50000;
  f.days_since_payment = 61;
  strcpy(f.state, "NY");
  assert_int_equal(eval(&f), 2);
  expect_action(0, ARR_ACTION_QUEUE, 2, "call_now", 70, "");
  expect_action(1, ARR_ACTION_SKIP_TRACE, 2, "", -1, "");
  strcpy(f.state, "CA");
  assert_int_equal(eval(&f), 2);
  strcpy(f.state, "TX");
  assert_int_equal(eval(&f), 0);
  strcpy(f.state, "NY");
  f.balance_cents = 49999;
  assert_int_equal(eval(&f), 0);
  f.balance_cents = 50000;
  f.days_since_payment = 60;
  assert_int_equal(eval(&f), 0);
  f.days_since_payment = -1; /* never paid: no numeric comparison holds */
  assert_int_equal(eval(&f), 0);

  f = base_facts();
  f.balance_cents = 4999;
  assert_int_equal(eval(&f), 1);
  expect_action(0, ARR_ACTION_HOLD, 3, "", -1, "below threshold");
  f.balance_cents = 5000;
  assert_int_equal(eval(&f), 0);

  f = base_facts();
  strcpy(f.age_bucket, "3y+");
  assert_int_equal(eval(&f), 1);
  expect_action(0, ARR_ACTION_ESCALATE, 4, "attorney_review", -1, "");
  f = base_facts();
  f.time_barred = true;
  assert_int_equal(eval(&f), 1);
  expect_action(0, ARR_ACTION_ESCALATE, 4, "attorney_review", -1, "");

  /* Several rules: all their actions, in rule order. */
  f = base_facts();
  f.days_since_placement = 5;
  f.balance_cents = 100;
  f.time_barred = true;
  assert_int_equal(eval(&f), 4);
  expect_action(0, ARR_ACTION_LETTER, 0, "validation_notice", -1, "");
  expect_action(1, ARR_ACTION_QUEUE, 0, "new", -1, "");
  expect_action(2, ARR_ACTION_HOLD, 3, "", -1, "below threshold");
  expect_action(3, ARR_ACTION_ESCALATE, 4, "attorney_review", -1, "");

  /* A copy works on its own: the strategy holds offsets, not pointers. */
  memcpy(&S2, &S, sizeof S);
  memset(&S, 0xA5, sizeof S);
  assert_int_equal(arr_strategy_eval(&S2, &f, OUT, ARR_STRATEGY_MAX_OUT), 4);
  assert_string_equal(OUT[2].reason, "below threshold");
  assert_string_equal(arr_strategy_rule_title(&S2, 3), "small");
}

/* ---- Syntax --------------------------------------------------------------------- */

static void test_layout(void **state) {
  /* Line breaks, CRLF, tabs, comments anywhere, a trailing ';', a rule without when. */
  must_parse("\r\n# header\r\n\trule \"a\"   # the first\r\n"
             "  when disputed   # still the condition\r\n"
             "   or cease\r\n"
             "  then hold \"stop contact\";   # a trailing semicolon\r\n"
             "rule \"everyone else\" then queue general;\n"
             "# the end, without a newline");
  assert_int_equal(arr_strategy_rule_count(&S), 2);
  assert_int_equal(arr_strategy_rule_line(&S, 0), 3);
  assert_int_equal(arr_strategy_rule_line(&S, 1), 7);
  arr_strategy_facts f = base_facts();
  assert_int_equal(eval(&f), 1);
  expect_action(0, ARR_ACTION_QUEUE, 1, "general", -1, "");
  f.cease = true;
  assert_int_equal(eval(&f), 2);
  expect_action(0, ARR_ACTION_HOLD, 0, "", -1, "stop contact");

  /* Not NUL-terminated: only len bytes are read. */
  const char text[] = "rule \"x\" then skip_trace GARBAGE";
  assert_true(arr_strategy_parse(text, strlen("rule \"x\" then skip_trace"), &S, &E));
  assert_int_equal(eval(&f), 1);
  /* e may be NULL. */
  assert_false(arr_strategy_parse("rule", 4, &S, NULL));
  assert_true(arr_strategy_parse(text, 24, &S, NULL));
}

static void test_actions(void **state) {
  must_parse("rule \"all\" then queue q1 priority 0; queue q_2 priority 100; queue plain;"
             " letter 2nd_notice; email pay_link; skip_trace; escalate supervisor;"
             " hold \"Reason: with (punctuation) & 'quotes'!\"; stop\n"
             "rule \"never read\" then queue unreachable");
  arr_strategy_facts f = base_facts();
  assert_int_equal(eval(&f), 9);
  expect_action(0, ARR_ACTION_QUEUE, 0, "q1", 0, "");
  expect_action(1, ARR_ACTION_QUEUE, 0, "q_2", 100, "");
  expect_action(2, ARR_ACTION_QUEUE, 0, "plain", -1, "");
  expect_action(3, ARR_ACTION_LETTER, 0, "2nd_notice", -1, "");
  expect_action(4, ARR_ACTION_EMAIL, 0, "pay_link", -1, "");
  expect_action(5, ARR_ACTION_SKIP_TRACE, 0, "", -1, "");
  expect_action(6, ARR_ACTION_ESCALATE, 0, "supervisor", -1, "");
  expect_action(7, ARR_ACTION_HOLD, 0, "", -1, "Reason: with (punctuation) & 'quotes'!");
  expect_action(8, ARR_ACTION_STOP, 0, "", -1, "");

  /* Names may look like keywords or be all digits where a name is expected. */
  must_parse("rule \"k\" then queue rule; letter 101; escalate stop; queue priority "
             "priority 5");
  assert_int_equal(eval(&f), 4);
  expect_action(0, ARR_ACTION_QUEUE, 0, "rule", -1, "");
  expect_action(1, ARR_ACTION_LETTER, 0, "101", -1, "");
  expect_action(2, ARR_ACTION_ESCALATE, 0, "stop", -1, "");
  expect_action(3, ARR_ACTION_QUEUE, 0, "priority", 5, "");

  static const char *const names[] = {"queue",    "letter", "email", "skip_trace",
                                      "escalate", "hold",   "stop"};
  for (int k = ARR_ACTION_QUEUE; k <= ARR_ACTION_STOP; k++) {
    assert_string_equal(arr_strategy_action_kind_name((arr_strategy_action_kind)k),
                        names[k]);
  }
  assert_string_equal(arr_strategy_action_kind_name((arr_strategy_action_kind)99),
                      "unknown");
  assert_string_equal(arr_strategy_action_kind_name((arr_strategy_action_kind)-1),
                      "unknown");
}

static void test_stop(void **state) {
  must_parse("rule \"one\" when disputed then hold \"disputed\"\n"
             "rule \"deceased\" when deceased then stop\n"
             "rule \"two\" when has_phone then queue call; stop\n"
             "rule \"three\" then queue general\n");
  arr_strategy_facts f = base_facts();
  /* has_phone: "two" stops, so "three" is never read. */
  assert_int_equal(eval(&f), 2);
  expect_action(0, ARR_ACTION_QUEUE, 2, "call", -1, "");
  expect_action(1, ARR_ACTION_STOP, 2, "", -1, "");
  /* A rule whose only action is stop still shows in the result (audit trail). */
  f.deceased = true;
  f.disputed = true;
  assert_int_equal(eval(&f), 2);
  expect_action(0, ARR_ACTION_HOLD, 0, "", -1, "disputed");
  expect_action(1, ARR_ACTION_STOP, 1, "", -1, "");
  /* A rule that does not apply does not stop anything. */
  f = base_facts();
  f.has_phone = false;
  assert_int_equal(eval(&f), 1);
  expect_action(0, ARR_ACTION_QUEUE, 3, "general", -1, "");
}

static void test_capacity(void **state) {
  must_parse("rule \"a\" then queue a; letter b\nrule \"b\" then skip_trace; stop");
  arr_strategy_facts f = base_facts();
  assert_int_equal(arr_strategy_eval(&S, &f, OUT, 4), 4);
  assert_int_equal(arr_strategy_eval(&S, &f, OUT, 3), -1);
  assert_int_equal(arr_strategy_eval(&S, &f, OUT, 0), -1);
  assert_int_equal(arr_strategy_eval(&S, &f, NULL, 0) == -1, 1);
  must_parse("rule \"a\" when cease then queue a");
  assert_int_equal(arr_strategy_eval(&S, &f, NULL, 0), 0);
}

/* ---- Fields and operators --------------------------------------------------------- */

typedef struct {
  const char *name;
  bool money;
  void (*set)(arr_strategy_facts *, int64_t);
} num_field;

static void set_balance(arr_strategy_facts *f, int64_t v) {
  f->balance_cents = v;
}
static void set_principal(arr_strategy_facts *f, int64_t v) {
  f->principal_cents = v;
}
static void set_dsplace(arr_strategy_facts *f, int64_t v) {
  f->days_since_placement = (int32_t)v;
}
static void set_dspay(arr_strategy_facts *f, int64_t v) {
  f->days_since_payment = (int32_t)v;
}
static void set_dpd(arr_strategy_facts *f, int64_t v) {
  f->days_past_due = (int32_t)v;
}
static void set_payments(arr_strategy_facts *f, int64_t v) {
  f->payments_count = (int32_t)v;
}
static void set_contacts(arr_strategy_facts *f, int64_t v) {
  f->contacts_7d = (int32_t)v;
}
static void set_score(arr_strategy_facts *f, int64_t v) {
  f->score = (int32_t)v;
}

static const num_field num_fields[] = {
    {"balance", true, set_balance},
    {"principal", true, set_principal},
    {"days_since_placement", false, set_dsplace},
    {"days_since_payment", false, set_dspay},
    {"days_past_due", false, set_dpd},
    {"payments_count", false, set_payments},
    {"contacts_7d", false, set_contacts},
    {"score", false, set_score},
};

static bool cmp_oracle(const char *op, int64_t a, int64_t b) {
  if (strcmp(op, "=") == 0) {
    return a == b;
  }
  if (strcmp(op, "!=") == 0) {
    return a != b;
  }
  if (strcmp(op, "<") == 0) {
    return a < b;
  }
  if (strcmp(op, "<=") == 0) {
    return a <= b;
  }
  if (strcmp(op, ">") == 0) {
    return a > b;
  }
  return a >= b;
}

static void test_numeric_fields(void **state) {
  static const char *const ops[] = {"=", "!=", "<", "<=", ">", ">="};
  for (size_t fi = 0; fi < sizeof num_fields / sizeof num_fields[0]; fi++) {
    const num_field *nf = &num_fields[fi];
    /* Money is written in dollars and compared in cents: 500.00 is 50000. */
    const char *lit = nf->money ? "500.00" : "500";
    int64_t v = nf->money ? 50000 : 500;
    for (size_t oi = 0; oi < 6; oi++) {
      char cond[128];
      snprintf(cond, sizeof cond, "%s %s %s", nf->name, ops[oi], lit);
      for (int64_t delta = -1; delta <= 1; delta++) {
        arr_strategy_facts f = base_facts();
        nf->set(&f, v + delta);
        if (holds(cond, &f) != cmp_oracle(ops[oi], v + delta, v)) {
          fail_msg("%s with %s = %lld", cond, nf->name, (long long)(v + delta));
        }
      }
    }
    char cond[128];
    snprintf(cond, sizeof cond, "%s in (1, %s, 7)", nf->name, lit);
    arr_strategy_facts f = base_facts();
    nf->set(&f, v);
    assert_true(holds(cond, &f));
    nf->set(&f, v + 1);
    assert_false(holds(cond, &f));
    snprintf(cond, sizeof cond, "%s not in (1, %s, 7)", nf->name, lit);
    assert_true(holds(cond, &f));
  }
  /* Money literals: whole dollars, one decimal, negative (credit balances). */
  arr_strategy_facts f = base_facts();
  f.balance_cents = 50;
  assert_true(holds("balance = 0.5", &f));
  assert_true(holds("balance < 1", &f));
  f.balance_cents = -1250;
  assert_true(holds("balance = -12.50", &f));
  assert_true(holds("balance < 0", &f));
  assert_true(holds("balance > -12.51", &f));
  f.balance_cents = INT64_MAX;
  assert_true(holds("balance > 10000000000000.00", &f));
  f.score = 1000;
  assert_true(holds("score = 1000", &f));
  assert_true(holds("score >= 0", &f));
}

static void test_missing_numbers(void **state) {
  arr_strategy_facts f = base_facts();
  f.days_since_payment = -1;
  /* Every numeric comparison is false for an account that never paid, != included. */
  static const char *const never_false[] = {
      "days_since_payment = 0",       "days_since_payment != 0",
      "days_since_payment < 60",      "days_since_payment <= 60",
      "days_since_payment > 60",      "days_since_payment >= 0",
      "days_since_payment in (0, 1)", "days_since_payment != never",
      "days_since_payment in (5)"};
  for (size_t i = 0; i < sizeof never_false / sizeof never_false[0]; i++) {
    if (holds(never_false[i], &f)) {
      fail_msg("'%s' holds for a never-paid account", never_false[i]);
    }
  }
  assert_true(holds("days_since_payment = never", &f));
  assert_true(holds("days_since_payment in (5, never)", &f));
  assert_true(holds("days_since_payment not in (5, 6)", &f));
  assert_true(holds("not days_since_payment <= 60", &f));
  assert_true(holds("days_since_payment > 60 or days_since_payment = never", &f));
  f.days_since_payment = INT32_MIN; /* any negative is "never" */
  assert_true(holds("days_since_payment = never", &f));
  f.days_since_payment = 0;
  assert_false(holds("days_since_payment = never", &f));
  assert_true(holds("days_since_payment != never", &f));
  assert_true(holds("days_since_payment in (0, never)", &f));
  assert_true(holds("days_since_payment = 0", &f));

  f.score = -1;
  assert_false(holds("score >= 0", &f));
  assert_false(holds("score != 500", &f));
  assert_true(holds("score = unscored", &f));
  f.score = 0;
  assert_false(holds("score = unscored", &f));
  assert_true(holds("score != unscored", &f));
  /* Other fields have no "missing": negative days are plain numbers. */
  f.days_since_placement = -3;
  assert_true(holds("days_since_placement < 0", &f));
}

static void test_text_fields(void **state) {
  arr_strategy_facts f = base_facts();
  assert_true(holds("state = TX", &f));
  assert_true(holds("state = \"TX\"", &f));
  assert_false(holds("state != TX", &f));
  assert_true(holds("state in (NY, TX)", &f));
  assert_false(holds("state not in (NY, TX)", &f));
  assert_true(holds("account_type = medical", &f));
  assert_false(holds("account_type = Medical", &f)); /* exact: case matters */
  assert_false(holds("account_type = medica", &f));
  assert_false(holds("account_type = medicals", &f));
  assert_true(holds("client = ACME01", &f));
  assert_true(holds("client in (\"ACME01\", OTHER)", &f));
  assert_true(holds("age_bucket = \"91-180\"", &f));
  strcpy(f.client, "1234");
  assert_true(holds("client = 1234", &f));
  strcpy(f.age_bucket, "3y+");
  assert_true(holds("age_bucket = \"3y+\"", &f));
  /* "" is a missing value. */
  f.state[0] = '\0';
  assert_true(holds("state = \"\"", &f));
  assert_true(holds("state != NY", &f));
  assert_false(holds("state in (NY, CA)", &f));
  /* A text fact filled to its size without a NUL is read up to its size. */
  memset(f.client, 'A', sizeof f.client);
  char cond[100];
  snprintf(cond, sizeof cond, "client = %.*s", ARR_STRATEGY_CODE_MAX + 1, f.client);
  assert_false(parse(cond)); /* 33 characters: longer than any client */
  snprintf(cond, sizeof cond, "client = \"%.*s\"", ARR_STRATEGY_CODE_MAX, f.client);
  assert_false(holds(cond, &f));
  f.client[ARR_STRATEGY_CODE_MAX] = '\0';
  assert_true(holds(cond, &f));
  memcpy(f.state, "NYX", 3);
  assert_false(holds("state = NY", &f));
}

static void test_bool_fields(void **state) {
  static const char *const names[] = {"disputed",    "time_barred", "promise_broken",
                                      "plan_active", "has_phone",   "has_email",
                                      "cease",       "bankruptcy",  "deceased"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    arr_strategy_facts f;
    memset(&f, 0, sizeof f);
    assert_false(holds(names[i], &f));
    char cond[64];
    snprintf(cond, sizeof cond, "not %s", names[i]);
    assert_true(holds(cond, &f));
    bool *flags[] = {&f.disputed,    &f.time_barred, &f.promise_broken,
                     &f.plan_active, &f.has_phone,   &f.has_email,
                     &f.cease,       &f.bankruptcy,  &f.deceased};
    *flags[i] = true;
    assert_true(holds(names[i], &f));
    assert_false(holds(cond, &f));
    /* No other flag answers for this one. */
    for (size_t j = 0; j < sizeof names / sizeof names[0]; j++) {
      if (j != i && holds(names[j], &f)) {
        fail_msg("%s set, %s holds", names[i], names[j]);
      }
    }
  }
}

/* ---- Precedence: random conditions against a tree-walking oracle ---------------------
 */

typedef struct node {
  int kind; /* 0 leaf, 1 not, 2 and, 3 or */
  int leaf; /* 0..3: disputed, cease, deceased, has_email */
  int a, b; /* children, indexes into the node pool */
} node;

static node pool[512];
static int npool;
static uint64_t rng = 42;

static uint64_t next_rand(void) {
  uint64_t z = (rng += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* A random tree with at most `leaves` leaves. */
static int gen(int leaves, int depth) {
  int i = npool++;
  node *n = &pool[i];
  int r = (int)(next_rand() % 10);
  if (leaves <= 1 || depth >= 6 || r < 3) {
    n->kind = r == 0 && depth < 6 ? 1 : 0;
    n->leaf = (int)(next_rand() % 4);
    if (n->kind == 1) {
      n->a = gen(1, depth + 1);
    }
    return i;
  }
  n->kind = r < 4 ? 1 : r < 7 ? 2 : 3;
  if (n->kind == 1) {
    n->a = gen(leaves, depth + 1);
  } else {
    int left = 1 + (int)(next_rand() % (uint64_t)(leaves - 1));
    n->a = gen(left, depth + 1);
    n->b = gen(leaves - left, depth + 1);
  }
  return i;
}

static const char *const leaf_names[] = {"disputed", "cease", "deceased", "has_email"};

static int prec(int kind) {
  return kind == 3 ? 1 : kind == 2 ? 2 : 3;
}

/* Renders with only the parentheses precedence requires, plus some extra ones. */
static void render(int i, char *buf, size_t size, int parent_prec) {
  const node *n = &pool[i];
  bool extra = next_rand() % 8 == 0;
  bool paren = extra || (n->kind != 0 && prec(n->kind) < parent_prec);
  size_t len = strlen(buf);
  if (paren) {
    snprintf(buf + len, size - len, "(");
  }
  len = strlen(buf);
  if (n->kind == 0) {
    snprintf(buf + len, size - len, "%s", leaf_names[n->leaf]);
  } else if (n->kind == 1) {
    snprintf(buf + len, size - len, "not ");
    render(n->a, buf, size, 3);
  } else {
    /* Left operand at this level (and/or are associative), right one level up so
     * "a or (b or c)" keeps its parentheses exactly when needed. */
    render(n->a, buf, size, prec(n->kind));
    len = strlen(buf);
    snprintf(buf + len, size - len, n->kind == 2 ? " and " : " or ");
    render(n->b, buf, size, prec(n->kind) + (next_rand() % 2 ? 1 : 0));
  }
  if (paren) {
    len = strlen(buf);
    snprintf(buf + len, size - len, ")");
  }
}

static bool oracle(int i, unsigned bits) {
  const node *n = &pool[i];
  switch (n->kind) {
  case 0: return (bits >> n->leaf) & 1;
  case 1: return !oracle(n->a, bits);
  case 2: return oracle(n->a, bits) && oracle(n->b, bits);
  default: return oracle(n->a, bits) || oracle(n->b, bits);
  }
}

static void test_precedence_fixed(void **state) {
  /* The documented example: not a and b or c == ((not a) and b) or c. */
  for (unsigned bits = 0; bits < 8; bits++) {
    arr_strategy_facts f;
    memset(&f, 0, sizeof f);
    f.disputed = bits & 1;
    f.cease = (bits >> 1) & 1;
    f.deceased = (bits >> 2) & 1;
    bool a = f.disputed, b = f.cease, c = f.deceased;
    assert_int_equal(holds("not disputed and cease or deceased", &f), (!a && b) || c);
    assert_int_equal(holds("disputed or cease and deceased", &f), a || (b && c));
    assert_int_equal(holds("(disputed or cease) and deceased", &f), (a || b) && c);
    assert_int_equal(holds("not (disputed or cease)", &f), !(a || b));
    assert_int_equal(holds("not (disputed and not cease)", &f), !(a && !b));
    assert_int_equal(holds("not not disputed", &f), a);
    assert_int_equal(holds("not not not disputed", &f), !a);
    assert_int_equal(holds("not ((not disputed) or not (cease and deceased))", &f),
                     a && b && c);
  }
}

static void test_precedence_random(void **state) {
  char text[4096];
  int checked = 0;
  for (int round = 0; round < 400; round++) {
    npool = 0;
    int root = gen(1 + (int)(next_rand() % 12), 0);
    strcpy(text, "rule \"r\" when ");
    render(root, text, sizeof text, 0);
    strcat(text, " then skip_trace");
    if (!parse(text)) {
      /* Only nesting beyond the limit may be refused. */
      assert_non_null(strstr(E.message, "nested"));
      continue;
    }
    for (unsigned bits = 0; bits < 16; bits++) {
      arr_strategy_facts f;
      memset(&f, 0, sizeof f);
      f.disputed = bits & 1;
      f.cease = (bits >> 1) & 1;
      f.deceased = (bits >> 2) & 1;
      f.has_email = (bits >> 3) & 1;
      int n = eval(&f);
      if ((n == 1) != oracle(root, bits)) {
        fail_msg("%s\nfacts %u: got %d, want %d", text, bits, n, oracle(root, bits));
      }
      checked++;
    }
  }
  assert_true(checked > 5000);
}

/* ---- Errors ------------------------------------------------------------------- */

static void test_errors(void **state) {
  expect_error("rule \"a\" then skip_trace\nrule \"b\" then skip_trace\n"
               "rule \"cc\" when balance >= x then skip_trace",
               3, 27, "expected a number or money amount after '>='");
  expect_error("", 1, 1, "the strategy has no rules: expected 'rule'");
  expect_error("# only a comment\n  \n", 3, 1,
               "the strategy has no rules: expected 'rule'");
  expect_error("when disputed", 1, 1, "expected 'rule'");
  expect_error("rule a", 1, 6, "expected the rule's title in double quotes after 'rule'");
  expect_error("rule \"\" then stop", 1, 6, "a rule's title cannot be empty");
  expect_error("rule \"a\" then stop\nrule \"a\" then stop", 2, 6,
               "the rule on line 1 has the same title; titles must differ");
  expect_error("rule \"a\" if disputed then stop", 1, 10,
               "expected 'when' or 'then' after the rule's title");
  expect_error("rule \"a\" when then stop", 1, 15, "expected a condition after 'when'");
  expect_error("rule \"a\" when disputed and then stop", 1, 28,
               "expected a condition after 'and'");
  expect_error("rule \"a\" when not", 1, 18, "expected a condition after 'not'");
  expect_error("rule \"a\" when balence > 5 then stop", 1, 15, "unknown field 'balence'");
  expect_error("rule \"a\" when disputed cease then stop", 1, 24,
               "expected 'and', 'or' or 'then' after 'disputed'");
  expect_error("rule \"a\" when disputed", 1, 23,
               "expected 'and', 'or' or 'then' after 'disputed'");
  expect_error("rule \"a\" when (disputed then stop", 1, 25,
               "expected 'and', 'or' or ')' after 'disputed'");
  expect_error("rule \"a\" when disputed) then stop", 1, 23,
               "expected 'and', 'or' or 'then' after 'disputed'");
  expect_error("rule \"a\" when disputed = 1 then stop", 1, 24,
               "disputed is a yes/no fact: write 'disputed' or 'not disputed', without "
               "a comparison");
  expect_error("rule \"a\" when balance then stop", 1, 23,
               "expected =, !=, <, <=, >, >= or in after 'balance'");
  expect_error("rule \"a\" when state not NY then stop", 1, 25,
               "expected 'in' after 'state not'");
  expect_error("rule \"a\" when state < NY then stop", 1, 21,
               "'<' compares numbers, but state is text: use =, != or in");
  expect_error("rule \"a\" when state = ny then stop", 1, 23,
               "a state is two capital letters, like NY, not 'ny'");
  expect_error("rule \"a\" when state in NY then stop", 1, 24, "expected '(' after 'in'");
  expect_error("rule \"a\" when state in (NY CA) then stop", 1, 28,
               "expected ',' or ')' in the 'in' list");
  expect_error("rule \"a\" when state in () then stop", 1, 25,
               "expected a text value (a word, or text in double quotes) in the 'in' "
               "list");
  expect_error("rule \"a\" when balance in (1, x) then stop", 1, 30,
               "expected a number or money amount in the 'in' list");
  expect_error("rule \"a\" when balance > 1.234 then stop", 1, 25,
               "'1.234' has more than two decimal places");
  expect_error("rule \"a\" when balance > 5. then stop", 1, 25,
               "'5.' is not an amount like 1234.56 (digits, optional '-', optional '.' "
               "and one or two decimals; no spaces, '+', commas, exponents or symbols)");
  expect_error("rule \"a\" when balance > 99999999999999.00 then stop", 1, 25,
               "'99999999999999.00' is larger than 10000000000000.00");
  expect_error("rule \"a\" when days_past_due > 1.5 then stop", 1, 31,
               "days_past_due is a whole number of 0 or more, not '1.5'");
  expect_error("rule \"a\" when days_past_due > -1 then stop", 1, 31,
               "days_past_due is a whole number of 0 or more, not '-1'");
  expect_error("rule \"a\" when days_past_due > 99999999999 then stop", 1, 31,
               "'99999999999' is too large");
  expect_error("rule \"a\" when days_past_due > never then stop", 1, 31,
               "expected a whole number after '>'");
  expect_error("rule \"a\" when days_since_payment > never then stop", 1, 36,
               "'never' can only be compared with = or !=, or listed in 'in'");
  expect_error("rule \"a\" when days_since_payment > soon then stop", 1, 36,
               "expected a whole number or 'never' after '>'");
  expect_error("rule \"a\" when score > 1001 then stop", 1, 23,
               "a score is 0 to 1000, not '1001'");
  expect_error("rule \"a\" when score < unscored then stop", 1, 23,
               "'unscored' can only be compared with = or !=, or listed in 'in'");
  expect_error("rule \"a\" when balance == 5 then stop", 1, 23,
               "write '=' (a single one) to compare for equality");
  expect_error("rule \"a\" when balance <> 5 then stop", 1, 23,
               "write '!=' for 'not equal'");
  expect_error("rule \"a\" when ! disputed then stop", 1, 15,
               "expected '!=' ('!' alone means nothing; use 'not')");
  expect_error("rule \"a\" when balance > $5 then stop", 1, 25,
               "unexpected character '$'");
  expect_error("rule \"a\" when disputed then hold \"x\xc3\xa9\"", 1, 36,
               "only printable ASCII characters may appear between quotes");
  expect_error("rule \"a\" when disputed then \xc3\xa9", 1, 29,
               "unexpected byte 0xc3 (outside quotes and comments only ASCII letters, "
               "digits and punctuation may appear)");
  expect_error("rule \"a\nb\" then stop", 1, 6,
               "a text in quotes must end with '\"' on the same line");
  expect_error("rule \"a\" then hold \"no end", 1, 20,
               "a text in quotes must end with '\"' on the same line");
  expect_error("rule \"a\" then", 1, 14,
               "expected an action (queue, letter, email, skip_trace, escalate, hold or "
               "stop) after 'then'");
  expect_error("rule \"a\" then call_now", 1, 15,
               "expected an action (queue, letter, email, skip_trace, escalate, hold or "
               "stop) after 'then'");
  expect_error("rule \"a\" then queue x;; stop", 1, 23,
               "expected an action (queue, letter, email, skip_trace, escalate, hold or "
               "stop) after ';'");
  expect_error("rule \"a\" then queue x letter y", 1, 23, "expected ';' between actions");
  expect_error("rule \"a\" then queue x priority 5 extra", 1, 34,
               "expected ';' and another action, 'rule' or the end of the strategy after "
               "'5'");
  expect_error("rule \"a\" then queue", 1, 20, "expected a name after 'queue'");
  expect_error("rule \"a\" then queue \"x\"", 1, 21, "expected a name after 'queue'");
  expect_error("rule \"a\" then letter Final", 1, 22,
               "'Final': names use lower-case letters, digits and '_'");
  expect_error("rule \"a\" then email", 1, 20, "expected a name after 'email'");
  expect_error("rule \"a\" then escalate ;", 1, 24, "expected a name after 'escalate'");
  expect_error("rule \"a\" then queue x priority 101", 1, 32,
               "expected a priority from 0 to 100 after 'priority'");
  expect_error("rule \"a\" then queue x priority high", 1, 32,
               "expected a priority from 0 to 100 after 'priority'");
  expect_error("rule \"a\" then queue x priority -1", 1, 32,
               "expected a priority from 0 to 100 after 'priority'");
  expect_error("rule \"a\" then hold", 1, 19,
               "expected the reason in double quotes after 'hold'");
  expect_error("rule \"a\" then hold below", 1, 20,
               "expected the reason in double quotes after 'hold'");
  expect_error("rule \"a\" then hold \"\"", 1, 20, "a hold's reason cannot be empty");
  expect_error("rule \"a\" then stop; queue x", 1, 21,
               "'stop' must be the last action of a rule");
  /* Errors on later lines count lines through comments and CRLF. */
  expect_error("# c\r\n\r\nrule \"a\" # c\r\n  when x = 1 then stop", 4, 8,
               "unknown field 'x'");
  /* A NUL byte in the text is not the end of it. */
  const char nul[] = "rule \"a\" then stop\0rule";
  assert_false(arr_strategy_parse(nul, sizeof nul - 1, &S, &E));
  assert_string_equal(E.message,
                      "line 1, column 19: unexpected byte 0x00 (outside quotes and "
                      "comments only ASCII letters, digits and punctuation may appear)");
  /* A failed parse leaves no rules, even after good ones. */
  must_parse(example);
  assert_false(parse("rule \"a\" then stop\nrule \"b\" then nothing"));
  assert_int_equal(arr_strategy_rule_count(&S), 0);
  arr_strategy_facts f = base_facts();
  assert_int_equal(eval(&f), 0);
}

/* ---- Limits ------------------------------------------------------------------- */

/* Appends to BIG. */
static void add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void add(const char *fmt, ...) {
  size_t len = strlen(BIG);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(BIG + len, sizeof BIG - len, fmt, ap);
  va_end(ap);
}

static void test_limit_rules(void **state) {
  BIG[0] = '\0';
  for (int i = 0; i < ARR_STRATEGY_MAX_RULES; i++) {
    add("rule \"r%d\" then queue q%d\n", i, i);
  }
  must_parse(BIG);
  assert_int_equal(arr_strategy_rule_count(&S), 64);
  arr_strategy_facts f = base_facts();
  assert_int_equal(eval(&f), 64);
  assert_string_equal(OUT[63].name, "q63");
  add("rule \"r64\" then stop\n");
  expect_error(BIG, 65, 1, "a strategy has at most 64 rules");
}

static void test_limit_actions(void **state) {
  BIG[0] = '\0';
  add("rule \"a\" then skip_trace");
  for (int i = 1; i < ARR_STRATEGY_MAX_ACTIONS; i++) {
    add("; queue q%d", i);
  }
  must_parse(BIG);
  arr_strategy_facts f = base_facts();
  assert_int_equal(eval(&f), 16);
  add("; stop");
  size_t col = strlen(BIG) - 3;
  expect_error(BIG, 1, (int)col, "a rule has at most 16 actions");

  /* The most actions one evaluation can return: 64 rules of 16. */
  BIG[0] = '\0';
  for (int r = 0; r < ARR_STRATEGY_MAX_RULES; r++) {
    add("rule \"r%d\" then skip_trace", r);
    for (int i = 1; i < ARR_STRATEGY_MAX_ACTIONS; i++) {
      add("; letter l%d", i);
    }
    add("\n");
  }
  must_parse(BIG);
  assert_int_equal(eval(&f), ARR_STRATEGY_MAX_OUT);
  assert_int_equal(arr_strategy_eval(&S, &f, OUT, ARR_STRATEGY_MAX_OUT - 1), -1);
}

static void test_limit_terms(void **state) {
  BIG[0] = '\0';
  add("rule \"a\" when disputed");
  for (int i = 1; i < ARR_STRATEGY_MAX_TERMS; i++) {
    add(" or score = %d", i);
  }
  add(" then skip_trace");
  must_parse(BIG);
  arr_strategy_facts f = base_facts();
  f.score = 31;
  assert_int_equal(eval(&f), 1);
  f.score = 32;
  assert_int_equal(eval(&f), 0);
  char *then = strstr(BIG, " then");
  *then = '\0';
  add(" or cease then skip_trace");
  expect_error(BIG, 1, (int)(strstr(BIG, "cease then") - BIG) + 1,
               "a rule's condition has at most 32 comparisons");

  /* Deepest right-nesting: 32 terms on the evaluation stack at once. */
  BIG[0] = '\0';
  add("rule \"deep\" when ");
  for (int i = 0; i < ARR_STRATEGY_MAX_TERMS - 1; i++) {
    add("score = %d or %s", i, i < ARR_STRATEGY_MAX_DEPTH ? "(" : "");
  }
  add("score = 31");
  for (int i = 0; i < ARR_STRATEGY_MAX_DEPTH; i++) {
    add(")");
  }
  add(" then skip_trace");
  must_parse(BIG);
  for (int v = 0; v < 34; v++) {
    f.score = v;
    assert_int_equal(eval(&f), v < 32 ? 1 : 0);
  }
}

static void test_limit_depth(void **state) {
  BIG[0] = '\0';
  add("rule \"a\" when ");
  for (int i = 0; i < ARR_STRATEGY_MAX_DEPTH; i++) {
    add("(not ");
  }
  add("disputed");
  for (int i = 0; i < ARR_STRATEGY_MAX_DEPTH; i++) {
    add(")");
  }
  add(" then skip_trace");
  must_parse(BIG); /* 16 nots: disputed */
  arr_strategy_facts f = base_facts();
  assert_int_equal(eval(&f), 0);
  f.disputed = true;
  assert_int_equal(eval(&f), 1);
  BIG[0] = '\0';
  add("rule \"a\" when ");
  for (int i = 0; i <= ARR_STRATEGY_MAX_DEPTH; i++) {
    add("(");
  }
  expect_error(BIG, 1, 15 + ARR_STRATEGY_MAX_DEPTH,
               "parentheses are nested more than 16 deep");
  /* A long run of `not` is not nesting. */
  BIG[0] = '\0';
  add("rule \"a\" when ");
  for (int i = 0; i < 1001; i++) {
    add("not ");
  }
  add("disputed then skip_trace");
  must_parse(BIG);
  assert_int_equal(eval(&f), 0);
}

static void test_limit_names_and_text(void **state) {
  char name[64], text[600];
  memset(name, 'n', 32);
  name[32] = '\0';
  snprintf(text, sizeof text, "rule \"a\" then queue %s; letter %s", name, name);
  must_parse(text);
  arr_strategy_facts f = base_facts();
  assert_int_equal(eval(&f), 2);
  assert_string_equal(OUT[1].name, name);
  strcat(name, "n");
  snprintf(text, sizeof text, "rule \"a\" then escalate %s", name);
  expect_error(text, 1, 24,
               "'nnnnnnnnnnnnnnnnnnnnnnnn...': names are at most 32 "
               "characters");

  char t200[256];
  memset(t200, 't', 200);
  t200[200] = '\0';
  snprintf(text, sizeof text, "rule \"%s\" then hold \"%s\"", t200, t200);
  must_parse(text);
  assert_string_equal(arr_strategy_rule_title(&S, 0), t200);
  assert_int_equal(eval(&f), 1);
  assert_string_equal(OUT[0].reason, t200);
  snprintf(text, sizeof text, "rule \"%st\" then stop", t200);
  expect_error(text, 1, 6, "a rule's title is at most 200 characters");
  snprintf(text, sizeof text, "rule \"a\" then hold \"%st\"", t200);
  expect_error(text, 1, 20, "a hold's reason is at most 200 characters");

  char v32[40];
  memset(v32, 'V', 32);
  v32[32] = '\0';
  snprintf(text, sizeof text, "rule \"a\" when client = \"%s\" then stop", v32);
  must_parse(text);
  snprintf(text, sizeof text, "rule \"a\" when client = %sV then stop", v32);
  expect_error(text, 1, 24,
               "'VVVVVVVVVVVVVVVVVVVVVVVV...': text values are at most 32 "
               "characters");
}

static void test_limit_values(void **state) {
  BIG[0] = '\0';
  add("rule \"a\" when score in (0");
  for (int i = 1; i < ARR_STRATEGY_MAX_IN; i++) {
    add(", %d", i);
  }
  add(") then skip_trace");
  must_parse(BIG);
  arr_strategy_facts f = base_facts();
  f.score = 63;
  assert_int_equal(eval(&f), 1);
  char *close = strstr(BIG, ") then");
  *close = '\0';
  add(", 64) then skip_trace");
  expect_error(BIG, 1, (int)(strstr(BIG, "64)") - BIG) + 1,
               "an 'in' list has at most 64 values");

  /* 4096 values in a strategy: 64 rules of 64, then one more. */
  BIG[0] = '\0';
  for (int r = 0; r < ARR_STRATEGY_MAX_RULES; r++) {
    add("rule \"r%d\" when days_past_due in (%d", r, r * 64);
    for (int i = 1; i < 64; i++) {
      add(",%d", r * 64 + i);
    }
    add(") then stop\n");
  }
  must_parse(BIG);
  f.days_past_due = 1000;
  assert_int_equal(eval(&f), 1);
  assert_int_equal(OUT[0].rule, 1000 / 64);
  /* One more comparison in the last rule: its value is the 4097th. */
  char *last = strstr(BIG, ",4095)");
  assert_non_null(last);
  strcpy(last, ",4095) or days_past_due = 1 then stop\n");
  char *line_start = strstr(BIG, "rule \"r63\"");
  expect_error(BIG, 64, (int)(strstr(last, "= 1") + 2 - line_start) + 1,
               "a strategy has at most 4096 values in its conditions");
}

static void test_limit_size(void **state) {
  /* Exactly 64 KiB (a comment pads it) parses; one byte more does not. */
  BIG[0] = '\0';
  add("rule \"a\" then skip_trace\n#");
  size_t len = strlen(BIG);
  memset(BIG + len, 'x', ARR_STRATEGY_SOURCE_MAX - len);
  BIG[ARR_STRATEGY_SOURCE_MAX] = '\0';
  assert_true(arr_strategy_parse(BIG, ARR_STRATEGY_SOURCE_MAX, &S, &E));
  BIG[ARR_STRATEGY_SOURCE_MAX] = 'x';
  assert_false(arr_strategy_parse(BIG, ARR_STRATEGY_SOURCE_MAX + 1, &S, &E));
  assert_string_equal(E.message,
                      "line 1, column 1: the strategy is 65537 bytes long; the limit is "
                      "65536");

  /* The string pool holds all the text a 64 KiB strategy can spell: here rules with
   * 200-character titles and `in` lists of 32-character codes, up to the limit. */
  BIG[0] = '\0';
  char t200[201];
  memset(t200, 't', 197);
  t200[197] = '\0';
  int rules = 0, values = 0;
  for (int r = 0; r < ARR_STRATEGY_MAX_RULES; r++) {
    if (strlen(BIG) + 300 + 64 * 33 > ARR_STRATEGY_SOURCE_MAX) {
      break;
    }
    add("rule \"%s%03d\" when client in (", t200, r);
    for (int i = 0; i < ARR_STRATEGY_MAX_IN; i++) {
      add("%sC%031d", i ? "," : "", values++);
    }
    add(") then escalate %032d\n", r);
    rules++;
  }
  len = strlen(BIG);
  assert_true(len > ARR_STRATEGY_SOURCE_MAX - 3000);
  must_parse(BIG);
  assert_int_equal(arr_strategy_rule_count(&S), rules);
  arr_strategy_facts f = base_facts();
  snprintf(f.client, sizeof f.client, "C%031d", values - 1);
  assert_int_equal(eval(&f), 1);
  assert_int_equal(OUT[0].rule, rules - 1);
}

/* ---- Champion / challenger ----------------------------------------------------------
 */

static void test_challenger(void **state) {
  static const int pcts[] = {1, 10, 20, 50, 90};
  for (size_t k = 0; k < sizeof pcts / sizeof pcts[0]; k++) {
    int pct = pcts[k];
    for (uint64_t salt = 0; salt < 3; salt++) {
      /* Sequential ids, as a database hands them out. */
      int in = 0;
      for (int64_t id = 1; id <= 100000; id++) {
        in += arr_strategy_is_challenger(id, salt * 7919, pct);
      }
      double share = in / 1000.0; /* percent */
      if (share < pct - 1.0 || share > pct + 1.0) {
        fail_msg("pct %d salt %llu: %.2f%%", pct, (unsigned long long)salt, share);
      }
    }
  }
  /* Arms are a function of (id, salt): same answer in any order, any number of times. */
  static bool arm[100000];
  for (int i = 0; i < 100000; i++) {
    arm[i] = arr_strategy_is_challenger(i + 1, 12345, 30);
  }
  uint64_t s = 7;
  for (int round = 0; round < 100000; round++) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    int i = (int)((s >> 33) % 100000);
    assert_int_equal(arr_strategy_is_challenger(i + 1, 12345, 30), arm[i]);
  }
  for (int i = 99999; i >= 0; i--) {
    assert_int_equal(arr_strategy_is_challenger(i + 1, 12345, 30), arm[i]);
  }
  /* A new salt draws new arms: about 30% of 30% overlap, not 30%. */
  int both = 0;
  for (int i = 0; i < 100000; i++) {
    both += arm[i] && arr_strategy_is_challenger(i + 1, 54321, 30);
  }
  assert_true(both > 8000 && both < 10000);
  /* Edges, including negative and extreme ids. */
  for (int64_t id = -5; id <= 5; id++) {
    assert_false(arr_strategy_is_challenger(id, 1, 0));
    assert_false(arr_strategy_is_challenger(id, 1, -10));
    assert_true(arr_strategy_is_challenger(id, 1, 100));
    assert_true(arr_strategy_is_challenger(id, 1, 250));
  }
  assert_true(arr_strategy_is_challenger(INT64_MIN, 0, 100));
  assert_false(arr_strategy_is_challenger(INT64_MAX, UINT64_MAX, 0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_example),
      cmocka_unit_test(test_layout),
      cmocka_unit_test(test_actions),
      cmocka_unit_test(test_stop),
      cmocka_unit_test(test_capacity),
      cmocka_unit_test(test_numeric_fields),
      cmocka_unit_test(test_missing_numbers),
      cmocka_unit_test(test_text_fields),
      cmocka_unit_test(test_bool_fields),
      cmocka_unit_test(test_precedence_fixed),
      cmocka_unit_test(test_precedence_random),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_limit_rules),
      cmocka_unit_test(test_limit_actions),
      cmocka_unit_test(test_limit_terms),
      cmocka_unit_test(test_limit_depth),
      cmocka_unit_test(test_limit_names_and_text),
      cmocka_unit_test(test_limit_values),
      cmocka_unit_test(test_limit_size),
      cmocka_unit_test(test_challenger),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
