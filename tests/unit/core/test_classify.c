/*
 * test_classify.c — unit tests for core/classify: each kind in English and Spanish,
 * the precedence between kinds (the safe order), the phrase and offset reported, case
 * and wrapped whitespace, word starts and ends (no match inside another word), UTF-8
 * around a match (accents, typographic quotes, no-break spaces, ¡), malformed UTF-8,
 * empty and NULL text, the read bound, and the kind names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/classify.h"

typedef struct {
  arr_corr_kind kind;
  const char *phrase;
  size_t at;
} result;

static result classify(const char *text) {
  result r = {ARR_CORR_OTHER, NULL, 0};
  arr_classify_correspondence(text, text != NULL ? strlen(text) : 0, &r.kind, &r.phrase,
                              &r.at);
  return r;
}

/* Asserts text classifies as kind, decided by phrase (NULL: none). */
static void expect(const char *text, arr_corr_kind kind, const char *phrase) {
  result r = classify(text);
  if (r.kind != kind) {
    fail_msg("\"%s\": expected %s, got %s (phrase %s)", text, arr_corr_kind_name(kind),
             arr_corr_kind_name(r.kind), r.phrase != NULL ? r.phrase : "none");
  }
  if (phrase == NULL) {
    assert_null(r.phrase);
  } else {
    assert_non_null(r.phrase);
    assert_string_equal(r.phrase, phrase);
  }
}

static void test_each_kind_english(void **state) {
  (void)state;
  expect("I dispute this, it is not my debt", ARR_CORR_DISPUTE, "dispute");
  expect("This is not my debt.", ARR_CORR_DISPUTE, "not my debt");
  expect("I do not owe you anything", ARR_CORR_DISPUTE, "do not owe");
  expect("I don't owe this", ARR_CORR_DISPUTE, "don't owe");
  expect("Please verify the amount", ARR_CORR_DISPUTE, "verify");
  expect("I request validation of this debt", ARR_CORR_DISPUTE, "validation");
  expect("The balance is disputed", ARR_CORR_DISPUTE, "dispute");
  expect("Cease and desist all communication", ARR_CORR_CEASE, "cease");
  expect("Please stop contacting me", ARR_CORR_CEASE, "stop contacting");
  expect("stop calling my house", ARR_CORR_CEASE, "stop calling");
  expect("Do not contact me again", ARR_CORR_CEASE, "do not contact");
  expect("I filed for bankruptcy last month", ARR_CORR_BANKRUPTCY, "bankruptcy");
  expect("Filed under Chapter 7 of the Code", ARR_CORR_BANKRUPTCY, "chapter 7");
  expect("a chapter 13 plan", ARR_CORR_BANKRUPTCY, "chapter 13");
  expect("the automatic stay is in effect", ARR_CORR_BANKRUPTCY, "automatic stay");
  expect("Case No. 26-10423", ARR_CORR_BANKRUPTCY, "case no");
  expect("Smith & Co, attorneys at law", ARR_CORR_ATTORNEY, "attorney");
  expect("Law Offices of Ann Smith", ARR_CORR_ATTORNEY, "law office");
  expect("We represent Mr. Rivera", ARR_CORR_ATTORNEY, "represent");
  expect("Mr. Rivera is represented by us", ARR_CORR_ATTORNEY, "represented");
  expect("please direct all contact to his counsel.", ARR_CORR_ATTORNEY, "counsel");
  expect("Here is my payment of $50", ARR_CORR_PAYMENT, "payment");
  expect("check enclosed for the balance", ARR_CORR_PAYMENT, "check enclosed");
  expect("a money order for $20", ARR_CORR_PAYMENT, "money order");
  expect("Please find $20 enclosed.", ARR_CORR_PAYMENT, "enclosed");
  expect("Hello, I moved to a new address.", ARR_CORR_OTHER, NULL);
}

static void test_each_kind_spanish(void **state) {
  (void)state;
  expect("Disputo esta cuenta", ARR_CORR_DISPUTE, "disputo");
  expect("Esta no es mi deuda", ARR_CORR_DISPUTE, "no es mi deuda");
  expect("Por favor dejen de llamarme", ARR_CORR_CEASE, "dejen de");
  expect("¡Dejen de llamar!", ARR_CORR_CEASE, "dejen de");
  expect("Me declaré en bancarrota", ARR_CORR_BANKRUPTCY, "bancarrota");
  expect("estoy en quiebra", ARR_CORR_BANKRUPTCY, "quiebra");
  expect("Mi abogado le escribirá", ARR_CORR_ATTORNEY, "abogado");
  expect("Adjunto mi pago de $50", ARR_CORR_PAYMENT, "pago");
  expect("Cambié de dirección", ARR_CORR_OTHER, NULL);
}

static void test_precedence(void **state) {
  (void)state;
  /* A payment with a dispute is a dispute; with a cease, a cease. */
  expect("Enclosed is a payment under protest; I dispute the balance", ARR_CORR_DISPUTE,
         "dispute");
  expect("payment enclosed. Stop calling me.", ARR_CORR_CEASE, "stop calling");
  /* A lawyer announcing a bankruptcy: bankruptcy, wherever it is said. */
  expect("Our law office represents the debtor, who filed a chapter 13 petition",
         ARR_CORR_BANKRUPTCY, "chapter 13");
  /* Cease outranks a dispute and representation. */
  expect("I dispute this debt. Cease all contact.", ARR_CORR_CEASE, "cease");
  expect("My attorney says: do not contact me", ARR_CORR_CEASE, "do not contact");
  /* Representation outranks a dispute. */
  expect("We represent Ms. Lee, who disputes the debt", ARR_CORR_ATTORNEY, "represent");
  /* Negation is not understood: the safe error. */
  expect("I do not dispute this; here is my payment", ARR_CORR_DISPUTE, "dispute");
  assert_true(arr_corr_kind_rank(ARR_CORR_BANKRUPTCY) >
              arr_corr_kind_rank(ARR_CORR_CEASE));
  assert_true(arr_corr_kind_rank(ARR_CORR_CEASE) > arr_corr_kind_rank(ARR_CORR_ATTORNEY));
  assert_true(arr_corr_kind_rank(ARR_CORR_ATTORNEY) >
              arr_corr_kind_rank(ARR_CORR_DISPUTE));
  assert_true(arr_corr_kind_rank(ARR_CORR_DISPUTE) >
              arr_corr_kind_rank(ARR_CORR_PAYMENT));
  assert_true(arr_corr_kind_rank(ARR_CORR_PAYMENT) > arr_corr_kind_rank(ARR_CORR_OTHER));
}

static void test_offset_is_first_of_deciding_kind(void **state) {
  (void)state;
  const char *t = "payment here. Later: not my debt, and I dispute it.";
  result r = classify(t);
  assert_int_equal(r.kind, ARR_CORR_DISPUTE);
  assert_string_equal(r.phrase, "not my debt");
  assert_int_equal(r.at, (size_t)(strstr(t, "not my debt") - t));
  r = classify("none of these words");
  assert_int_equal(r.at, 0);
}

static void test_case_and_whitespace(void **state) {
  (void)state;
  expect("I DISPUTE THIS", ARR_CORR_DISPUTE, "dispute");
  expect("NOT   MY\r\n DEBT", ARR_CORR_DISPUTE, "not my debt");
  expect("stop\tcontacting me", ARR_CORR_CEASE, "stop contacting");
  expect("not\xC2\xA0my\xC2\xA0"
         "debt",
         ARR_CORR_DISPUTE, "not my debt");                            /* U+00A0 */
  expect("I don\xE2\x80\x99t owe it", ARR_CORR_DISPUTE, "don't owe"); /* ’ */
  expect("notmy debt", ARR_CORR_OTHER, NULL);
}

static void test_word_boundaries(void **state) {
  (void)state;
  /* Not inside another word. */
  expect("undisputed facts", ARR_CORR_OTHER, NULL);
  expect("prepayment terms", ARR_CORR_OTHER, NULL);
  expect("We are a credit counseling agency", ARR_CORR_OTHER, NULL);
  expect("our customer service representative", ARR_CORR_OTHER, NULL);
  expect("In case nobody told you", ARR_CORR_OTHER, NULL);
  expect("see chapter 71 of the manual", ARR_CORR_OTHER, NULL);
  expect("apagon", ARR_CORR_OTHER, NULL);
  /* Continuations that still count. */
  expect("Disputes: see below", ARR_CORR_DISPUTE, "dispute");
  expect("my attorney's letter", ARR_CORR_ATTORNEY, "attorney");
  expect("counsel's address", ARR_CORR_ATTORNEY, "counsel");
  expect("(case no: 12-3)", ARR_CORR_BANKRUPTCY, "case no");
  expect("pagos atrasados", ARR_CORR_PAYMENT, "pago");
  /* A letter with an accent before the phrase is inside a word; punctuation is not. */
  expect("é"
         "dispute",
         ARR_CORR_OTHER, NULL);
  expect("«dispute»", ARR_CORR_DISPUTE, "dispute");
  expect("\xE2\x80\x9C"
         "dispute"
         "\xE2\x80\x9D",
         ARR_CORR_DISPUTE, "dispute"); /* “” */
  /* A whole-word phrase followed by an accented letter is inside a word. */
  expect("counselé", ARR_CORR_OTHER, NULL);
}

static void test_malformed_and_empty(void **state) {
  (void)state;
  expect("", ARR_CORR_OTHER, NULL);
  result r = classify(NULL);
  assert_int_equal(r.kind, ARR_CORR_OTHER);
  assert_null(r.phrase);
  /* Stray continuation bytes, a truncated sequence at the end, a lone lead byte. */
  expect("\x80\x80 dispute \xC3", ARR_CORR_DISPUTE, "dispute");
  expect("\xE2\x80", ARR_CORR_OTHER, NULL);
  expect("abc \xF0\x9F", ARR_CORR_OTHER, NULL);
  expect("counsel\xE2", ARR_CORR_ATTORNEY, "counsel");
  /* Embedded NUL: the length is what counts. */
  const char t[] = "hello\0dispute";
  arr_corr_kind k;
  const char *p = NULL;
  size_t at = 0;
  arr_classify_correspondence(t, sizeof t - 1, &k, &p, &at);
  assert_int_equal(k, ARR_CORR_DISPUTE);
  assert_int_equal(at, 6);
}

static void test_read_bound(void **state) {
  (void)state;
  size_t n = (size_t)ARR_CLASSIFY_MAX_BYTES + 64;
  char *t = malloc(n);
  assert_non_null(t);
  memset(t, ' ', n);
  memcpy(t + n - 20, "dispute", 7); /* past the bound: not read */
  arr_corr_kind k;
  const char *p = NULL;
  size_t at = 0;
  arr_classify_correspondence(t, n, &k, &p, &at);
  assert_int_equal(k, ARR_CORR_OTHER);
  memcpy(t + 100, "payment", 7);
  arr_classify_correspondence(t, n, &k, &p, &at);
  assert_int_equal(k, ARR_CORR_PAYMENT);
  assert_int_equal(at, 100);
  free(t);
}

static void test_names(void **state) {
  (void)state;
  const char *names[] = {"other",    "payment", "dispute",
                         "attorney", "cease",   "bankruptcy"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    arr_corr_kind k;
    assert_true(arr_corr_kind_parse(names[i], &k));
    assert_string_equal(arr_corr_kind_name(k), names[i]);
  }
  arr_corr_kind k;
  assert_false(arr_corr_kind_parse("Dispute", &k));
  assert_false(arr_corr_kind_parse("", &k));
  assert_false(arr_corr_kind_parse(NULL, &k));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_each_kind_english),
      cmocka_unit_test(test_each_kind_spanish),
      cmocka_unit_test(test_precedence),
      cmocka_unit_test(test_offset_is_first_of_deciding_kind),
      cmocka_unit_test(test_case_and_whitespace),
      cmocka_unit_test(test_word_boundaries),
      cmocka_unit_test(test_malformed_and_empty),
      cmocka_unit_test(test_read_bound),
      cmocka_unit_test(test_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
