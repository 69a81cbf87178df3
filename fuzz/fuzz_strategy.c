/*
 * fuzz_strategy.c — libFuzzer target for core/strategy.
 *
 * Parses the input as a strategy. A refusal must carry a message in the documented
 * shape ("line L, column C: ...", matching the error's line and column, within the
 * input) and leave no rules. An accepted strategy is parsed a second time and must come
 * out byte for byte the same (the parser is deterministic and leaves no stale bytes),
 * then is evaluated against a few fixed accounts (never paid, unscored, extreme
 * amounts, text facts filled to their size without a NUL); every result must honor the
 * contract in strategy.h (actions in rule order, names and reasons within their
 * limits, stop only last, -1 exactly when out[] is too small). Any violation calls
 * abort().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strategy.h"

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      abort();                                                                           \
    }                                                                                    \
  } while (0)

static arr_strategy s1, s2;
static arr_strategy_action out[ARR_STRATEGY_MAX_OUT], out2[ARR_STRATEGY_MAX_OUT];

static void check_error(const uint8_t *data, size_t size, const arr_strategy_error *e) {
  CHECK(memchr(e->message, '\0', sizeof e->message) != NULL);
  int lines = 1;
  for (size_t i = 0; i < size && size <= ARR_STRATEGY_SOURCE_MAX; i++) {
    lines += data[i] == '\n';
  }
  CHECK(e->line >= 1 && e->line <= lines);
  CHECK(e->column >= 1 && (size_t)e->column <= size + 1);
  char prefix[64];
  int n = snprintf(prefix, sizeof prefix, "line %d, column %d: ", e->line, e->column);
  CHECK(strncmp(e->message, prefix, (size_t)n) == 0 && e->message[n] != '\0');
  CHECK(arr_strategy_rule_count(&s1) == 0);
}

static bool is_name(const char *s) {
  size_t n = strlen(s);
  if (n < 1 || n > ARR_STRATEGY_NAME_MAX) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_')) {
      return false;
    }
  }
  return true;
}

static void check_eval(const arr_strategy *s, const arr_strategy_facts *f) {
  int n = arr_strategy_eval(s, f, out, ARR_STRATEGY_MAX_OUT);
  CHECK(n >= 0 && n <= ARR_STRATEGY_MAX_OUT);
  int prev_rule = 0;
  for (int i = 0; i < n; i++) {
    const arr_strategy_action *a = &out[i];
    CHECK(a->rule >= prev_rule && a->rule < arr_strategy_rule_count(s));
    prev_rule = a->rule;
    CHECK(a->name != NULL && a->reason != NULL);
    CHECK(strcmp(arr_strategy_action_kind_name(a->kind), "unknown") != 0);
    switch (a->kind) {
    case ARR_ACTION_QUEUE:
      CHECK(a->priority >= -1 && a->priority <= 100);
      CHECK(is_name(a->name) && a->reason[0] == '\0');
      break;
    case ARR_ACTION_LETTER:
    case ARR_ACTION_EMAIL:
    case ARR_ACTION_ESCALATE:
      CHECK(a->priority == -1 && is_name(a->name) && a->reason[0] == '\0');
      break;
    case ARR_ACTION_HOLD:
      CHECK(a->priority == -1 && a->name[0] == '\0');
      CHECK(strlen(a->reason) >= 1 && strlen(a->reason) <= ARR_STRATEGY_TEXT_MAX);
      break;
    case ARR_ACTION_SKIP_TRACE:
    case ARR_ACTION_STOP:
      CHECK(a->priority == -1 && a->name[0] == '\0' && a->reason[0] == '\0');
      CHECK(a->kind != ARR_ACTION_STOP || i == n - 1);
      break;
    }
  }
  if (n > 0) {
    /* One slot short: -1. Exactly enough: the same actions. */
    CHECK(arr_strategy_eval(s, f, out2, n - 1) == -1);
    CHECK(arr_strategy_eval(s, f, out2, n) == n);
    CHECK(memcmp(out, out2, sizeof out[0] * (size_t)n) == 0);
  }
}

static arr_strategy_facts facts(int which) {
  arr_strategy_facts f;
  memset(&f, 0, sizeof f);
  switch (which) {
  case 0: /* a new placement that never paid and has no score yet */
    f.balance_cents = 123456;
    f.principal_cents = 100000;
    f.days_since_placement = 3;
    f.days_since_payment = -1;
    f.score = -1;
    strcpy(f.age_bucket, "0-30");
    strcpy(f.state, "NY");
    strcpy(f.account_type, "medical");
    strcpy(f.client, "ACME01");
    f.has_phone = true;
    break;
  case 1: /* an old, small, troubled account */
    f.balance_cents = 4999;
    f.principal_cents = 5000;
    f.days_since_placement = 2000;
    f.days_since_payment = 400;
    f.days_past_due = 2500;
    f.payments_count = 3;
    f.contacts_7d = 7;
    f.score = 1000;
    strcpy(f.age_bucket, "3y+");
    strcpy(f.state, "CA");
    strcpy(f.account_type, "credit_card");
    f.disputed = f.time_barred = f.promise_broken = f.cease = f.bankruptcy = true;
    f.deceased = f.plan_active = f.has_email = true;
    break;
  default: /* extremes, and text filled to its size without a NUL */
    f.balance_cents = INT64_MIN;
    f.principal_cents = INT64_MAX;
    f.days_since_placement = INT32_MIN;
    f.days_since_payment = INT32_MAX;
    f.days_past_due = INT32_MAX;
    f.payments_count = INT32_MIN;
    f.score = 0;
    memset(f.age_bucket, 'Z', sizeof f.age_bucket);
    memset(f.state, 'N', sizeof f.state);
    memset(f.account_type, 'a', sizeof f.account_type);
    memset(f.client, '1', sizeof f.client);
    break;
  }
  return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  arr_strategy_error e;
  const char *text = (const char *)data;
  if (!arr_strategy_parse(text, size, &s1, &e)) {
    check_error(data, size, &e);
    return 0;
  }
  int rules = arr_strategy_rule_count(&s1);
  CHECK(rules >= 1 && rules <= ARR_STRATEGY_MAX_RULES);
  for (int i = 0; i < rules; i++) {
    size_t n = strlen(arr_strategy_rule_title(&s1, i));
    CHECK(n >= 1 && n <= ARR_STRATEGY_TEXT_MAX);
    CHECK(arr_strategy_rule_line(&s1, i) >= (i ? arr_strategy_rule_line(&s1, i - 1) : 1));
  }
  CHECK(arr_strategy_parse(text, size, &s2, NULL));
  CHECK(memcmp(&s1, &s2, sizeof s1) == 0);
  for (int w = 0; w < 3; w++) {
    arr_strategy_facts f = facts(w);
    check_eval(&s1, &f);
  }
  return 0;
}
