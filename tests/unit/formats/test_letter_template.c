/*
 * test_letter_template.c — letter templates (formats/letter_template.h).
 *
 * The header and body constructs parsed; bad templates as a table with the exact
 * message (line and column); filling with conditionals, paragraph joining and values
 * that hold line breaks; the 1 MiB output bound; the plain-text rendering (wrapping
 * by characters, right-aligned rows, the tear-off) compared whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "formats/letter_template.h"

static const char *const k_known[] = {
    "debtor.name",  "agency.name",     "agency.website",
    "agency.email", "balance.current", "itemization.fees",
    "optout.url",   "letter.date",     NULL};

/* Field values for the lookup: name=value pairs; a name not listed is empty. */
typedef struct {
  const char *pairs[16][2];
} values;

static const char *lookup(void *ctx, const char *name) {
  values *v = ctx;
  for (int i = 0; i < 16 && v->pairs[i][0] != NULL; i++) {
    if (strcmp(v->pairs[i][0], name) == 0) {
      return v->pairs[i][1];
    }
  }
  return NULL;
}

static arr_letter_template *parse_ok(const char *text) {
  arr_letter_template *t = NULL;
  arr_err err;
  arr_rc rc = arr_template_parse(text, strlen(text), k_known, &t, &err);
  if (rc != ARR_OK) {
    fail_msg("parse failed: %s", err.msg);
  }
  return t;
}

static arr_letter_doc *fill_ok(const arr_letter_template *t, values *v) {
  arr_letter_doc *d = NULL;
  arr_err err;
  arr_rc rc = arr_template_fill(t, lookup, v, &d, &err);
  if (rc != ARR_OK) {
    fail_msg("fill failed: %s", err.msg);
  }
  return d;
}

static const char k_letter[] = "# The validation notice\r\n"
                               "subject: Notice for {{debtor.name}}\r\n"
                               "kind: collection\r\n"
                               "repeat: every 30 days\r\n"
                               "---\r\n"
                               "= Notice of a debt\r\n"
                               "{{agency.name}} is a debt collector.\r\n"
                               "We are trying to collect a debt\r\n"
                               "\tthat you owe.\r\n"
                               "\r\n"
                               "== What you owe\r\n"
                               "| Fees since then | {{itemization.fees}}\r\n"
                               "|= Total | {{balance.current}}\r\n"
                               "You can pay online\r\n"
                               "? agency.website\r\n"
                               "at {{agency.website}}\r\n"
                               "? end\r\n"
                               "or by mail.\r\n"
                               "?! agency.email\r\n"
                               "We have no email address.\r\n"
                               "? end\r\n"
                               "%% pagebreak\r\n"
                               "%% tearoff\r\n"
                               "[ ] I want to dispute the debt.\r\n"
                               "____ I enclosed this amount: $\r\n"
                               "____\r\n";

static void test_parse(void **state) {
  (void)state;
  arr_letter_template *t = parse_ok(k_letter);
  assert_int_equal(arr_template_kind_of(t), ARR_TK_COLLECTION);
  assert_int_equal(arr_template_repeat_days(t), 30);
  assert_true(arr_template_uses(t, "debtor.name"));
  assert_true(arr_template_uses(t, "agency.email")); /* in a condition only */
  assert_true(arr_template_uses(t, "balance.current"));
  assert_false(arr_template_uses(t, "optout.url"));
  assert_false(arr_template_uses(t, "letter.date"));
  arr_template_free(t);
  assert_string_equal(arr_template_kind_name(ARR_TK_CEASE_ACK), "cease_ack");
  assert_string_equal(arr_template_kind_name(ARR_TK_ENDED), "ended");
  assert_string_equal(arr_template_kind_name((arr_template_kind)99), "unknown");

  static const struct {
    const char *repeat;
    int days;
  } rep[] = {
      {"once", 0}, {"every 1 day", 1}, {"every 7 days", 7}, {"every 365 days", 365}};
  for (size_t i = 0; i < sizeof rep / sizeof rep[0]; i++) {
    char text[256];
    snprintf(text, sizeof text,
             "\xEF\xBB\xBFsubject: S\nkind: ended\nrepeat: %s\n---\nHello.",
             rep[i].repeat);
    t = parse_ok(text);
    assert_int_equal(arr_template_repeat_days(t), rep[i].days);
    assert_int_equal(arr_template_kind_of(t), ARR_TK_ENDED);
    arr_template_free(t);
  }
}

typedef struct {
  const char *in, *want;
} bad_case;

#define HDR "subject: S\nkind: collection\nrepeat: once\n---\n"

static void test_parse_errors(void **state) {
  (void)state;
  static const bad_case cases[] = {
      {"", "line 1, column 1: the header does not end with a '---' line"},
      {"subject: S\nkind: collection\nrepeat: once\n",
       "line 3, column 1: the header does not end with a '---' line"},
      {"subject: S\nkind: collection\n---\nx",
       "line 3, column 1: the header has no \"repeat\" (subject, kind and repeat are "
       "required)"},
      {"subject: S\nkind: collection\nrepeat: once\nfrom: me\n---\nx",
       "line 4, column 1: unknown header key \"from\" (the keys are subject, kind and "
       "repeat)"},
      {"subject: S\nsubject: T\n", "line 2, column 1: duplicate header key \"subject\" "
                                   "(first on line 1)"},
      {"Hello\n---\n",
       "line 1, column 1: a header line is 'key: value' (subject, kind or "
       "repeat); the header ends with a '---' line"},
      {"subject:   \n", "line 1, column 9: the subject is empty"},
      {"kind: letter\n", "line 1, column 7: kind must be collection, cease_ack, remedy, "
                         "verification or ended"},
      {"repeat: every 0 days\n", "line 1, column 9: repeat must be \"once\" or \"every N "
                                 "days\" with N from 1 to 365"},
      {"repeat: every 366 days\n", "line 1, column 9: repeat must be \"once\" or \"every "
                                   "N days\" with N from 1 to 365"},
      {"repeat: every 1000 days\n",
       "line 1, column 9: repeat must be \"once\" or \"every "
       "N days\" with N from 1 to 365"},
      {"repeat: weekly\n",
       "line 1, column 9: repeat must be \"once\" or \"every N days\" "
       "with N from 1 to 365"},
      {HDR, "line 4, column 1: the body after '---' is empty"},
      {HDR "\n\n", "line 4, column 1: the body after '---' is empty"},
      {HDR "Dear {{debtor.nmae}},", "line 5, column 6: unknown field {{debtor.nmae}}"},
      {HDR "Dear {{Debtor.name}},",
       "line 5, column 6: a field name is 1 to 48 characters "
       "of a-z, 0-9, '_' and '.'"},
      {HDR "Dear {{}},", "line 5, column 6: a field name is 1 to 48 characters of a-z, "
                         "0-9, '_' and '.'"},
      {HDR "Dear {{debtor.name},",
       "line 5, column 6: '{{' without '}}' on the same line"},
      {"subject: Hi {{debtor.name}\n",
       "line 1, column 13: '{{' without '}}' on the same line"},
      {HDR "Se\xC3\xB1or {{x}}", "line 5, column 7: unknown field {{x}}"},
      {HDR "ok\nbad \xC3(\n", "line 6, column 5: invalid UTF-8"},
      {HDR "bell\x07", "line 5, column 5: a control character (0x07)"},
      {HDR "a\rb\n", "line 5, column 2: a carriage return inside a line"},
      {HDR "? debtor.name\nx\n", "line 5, column 1: this condition is never closed with "
                                 "'? end'"},
      {HDR "x\n? debtor.name\ny\n?! agency.email\n? end\n",
       "line 8, column 1: conditions do not nest (the one on line 6 is still open)"},
      {HDR "x\n? end\n", "line 6, column 1: '? end' without an open '? FIELD'"},
      {HDR "? nope\n? end\n", "line 5, column 3: unknown field nope"},
      {HDR "?debtor.name\n", "line 5, column 1: a condition is '? FIELD', '?! FIELD' or "
                             "'? end'"},
      {HDR "=Title\n", "line 5, column 1: a heading is '= TEXT' (or '== TEXT' for a "
                       "subheading)"},
      {HDR "| Total\n", "line 5, column 8: a row is '| LABEL | VALUE': the second '|' is "
                        "missing"},
      {HDR "|  | 5\n", "line 5, column 3: a row's label is empty"},
      {HDR "| a | b | c\n", "line 5, column 9: a row has two cells: '| LABEL | VALUE'"},
      {HDR "|x\n", "line 5, column 1: a row is '| LABEL | VALUE' (or '|= LABEL | VALUE' "
                   "for a total)"},
      {HDR "%% cut\n", "line 5, column 1: unknown directive (the directives are '%% "
                       "tearoff' and '%% pagebreak')"},
      {HDR "%% tearoff\nx\n%% tearoff\n", "line 7, column 1: a second '%% tearoff' (the "
                                          "first is on line 5)"},
      {HDR "%% tearoff\n%% pagebreak\n", "line 6, column 1: '%% pagebreak' after '%% "
                                         "tearoff' (line 5): the tear-off part stays on "
                                         "one page"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    arr_letter_template *t = (arr_letter_template *)1;
    arr_err err;
    arr_rc rc = arr_template_parse(cases[i].in, strlen(cases[i].in), k_known, &t, &err);
    if (rc != ARR_ERR_INVALID || strcmp(err.msg, cases[i].want) != 0) {
      fail_msg("case %zu: want \"%s\" got rc %d \"%s\"", i, cases[i].want, rc,
               rc == ARR_OK ? "" : err.msg);
    }
    assert_null(t);
    assert_string_equal(err.field, "text");
  }
}

static void test_parse_limits(void **state) {
  (void)state;
  arr_err err;
  arr_letter_template *t;
  size_t n = ARR_TEMPLATE_MAX_BYTES + 1;
  char *big = malloc(n);
  assert_non_null(big);
  memset(big, 'a', n);
  assert_int_equal(arr_template_parse(big, n, k_known, &t, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg,
                      "line 1, column 1: the template is longer than 65536 bytes");
  /* A 4097-byte line. */
  int off = snprintf(big, n, HDR);
  memset(big + off, 'b', 4097);
  assert_int_equal(arr_template_parse(big, (size_t)off + 4097, k_known, &t, &err),
                   ARR_ERR_INVALID);
  assert_string_equal(err.msg, "line 5, column 1: the line is longer than 4096 bytes");
  assert_int_equal(arr_template_parse(big, (size_t)off + 4096, k_known, &t, &err),
                   ARR_OK);
  arr_template_free(t);
  /* 2001 body lines. */
  off = snprintf(big, n, HDR);
  for (int i = 0; i < 2001; i++) {
    off += snprintf(big + off, n - (size_t)off, "x\n");
  }
  assert_int_equal(arr_template_parse(big, (size_t)off, k_known, &t, &err),
                   ARR_ERR_INVALID);
  assert_string_equal(err.msg,
                      "line 2005, column 1: the body has more than 2000 lines that are "
                      "not blank");
  assert_int_equal(arr_template_parse(big, (size_t)off - 2, k_known, &t, &err), ARR_OK);
  arr_template_free(t);
  /* A NUL byte inside the text. */
  assert_int_equal(arr_template_parse(HDR "a\0b", sizeof HDR + 2, k_known, &t, &err),
                   ARR_ERR_INVALID);
  assert_string_equal(err.msg, "line 5, column 2: a NUL byte");
  /* No list of known fields: a field is unknown. */
  assert_int_equal(arr_template_parse(HDR "{{a}}", sizeof HDR + 4, NULL, &t, &err),
                   ARR_ERR_INVALID);
  assert_string_equal(err.msg, "line 5, column 1: unknown field {{a}}");
  free(big);
}

static void test_fill(void **state) {
  (void)state;
  arr_letter_template *t = parse_ok(k_letter);
  values v = {{{"debtor.name", "Jos\xC3\xA9 N\xC3\xBA\xC3\xB1\x65z"},
               {"agency.name", "Acme Recovery"},
               {"itemization.fees", "$0.00"},
               {"balance.current", "$1,234.56"},
               {"agency.website", ""},
               {"agency.email", "help@acme.example"}}};
  arr_letter_doc *d = fill_ok(t, &v);
  assert_string_equal(d->subject, "Notice for Jos\xC3\xA9 N\xC3\xBA\xC3\xB1\x65z");
  static const struct {
    arr_block_kind kind;
    const char *text, *value;
  } want[] = {
      {ARR_BLOCK_HEADING, "Notice of a debt", ""},
      {ARR_BLOCK_PARAGRAPH,
       "Acme Recovery is a debt collector. We are trying to collect a debt that you owe.",
       ""},
      {ARR_BLOCK_SUBHEADING, "What you owe", ""},
      {ARR_BLOCK_ROW, "Fees since then", "$0.00"},
      {ARR_BLOCK_TOTAL, "Total", "$1,234.56"},
      {ARR_BLOCK_PARAGRAPH, "You can pay online or by mail.", ""},
      {ARR_BLOCK_PAGEBREAK, "", ""},
      {ARR_BLOCK_TEAROFF, "", ""},
      {ARR_BLOCK_CHECKBOX, "I want to dispute the debt.", ""},
      {ARR_BLOCK_FILLIN, "I enclosed this amount: $", ""},
      {ARR_BLOCK_FILLIN, "", ""},
  };
  assert_int_equal(d->nblocks, sizeof want / sizeof want[0]);
  for (int i = 0; i < d->nblocks; i++) {
    assert_int_equal(d->blocks[i].kind, want[i].kind);
    assert_string_equal(d->blocks[i].text, want[i].text);
    assert_string_equal(d->blocks[i].value, want[i].value);
  }
  arr_letter_doc_free(d);

  /* The other way round: a website, no email; a value with line breaks. */
  values w = {{{"agency.name", "Acme\r\nRecovery\t"},
               {"agency.website", "acme.example"},
               {"balance.current", "$5.00"}}};
  d = fill_ok(t, &w);
  assert_string_equal(d->subject, "Notice for");
  assert_string_equal(d->blocks[1].text, "Acme  Recovery  is a debt collector. We are "
                                         "trying to collect a debt that you owe.");
  assert_string_equal(d->blocks[3].value, "");
  assert_string_equal(d->blocks[5].text, "You can pay online at acme.example or by mail. "
                                         "We have no email address.");
  arr_letter_doc_free(d);
  arr_template_free(t);
}

static void test_fill_paragraphs(void **state) {
  (void)state;
  arr_letter_template *t =
      parse_ok("subject: {{agency.email}}\nkind: ended\nrepeat: once\n"
               "---\n"
               "  {{agency.email}}  \n"
               "{{agency.email}}\n"
               "\n"
               "\n"
               "First {{agency.email}}\n"
               "{{agency.email}}\n"
               "  second.\n"
               "? agency.email\n"
               "\n"
               "dropped\n"
               "? end\n"
               "third\n");
  values v = {{{NULL, NULL}}};
  arr_letter_doc *d = fill_ok(t, &v);
  assert_string_equal(d->subject, ""); /* the first text is empty */
  assert_int_equal(d->nblocks, 1);
  assert_int_equal(d->blocks[0].kind, ARR_BLOCK_PARAGRAPH);
  assert_string_equal(d->blocks[0].text, "First second. third");
  arr_letter_doc_free(d);
  arr_template_free(t);
}

static void test_fill_errors(void **state) {
  (void)state;
  arr_letter_template *t = parse_ok(HDR "Dear {{debtor.name}}\n");
  arr_letter_doc *d = (arr_letter_doc *)1;
  arr_err err;
  values v = {{{"debtor.name", "Jos\xE9"}}};
  assert_int_equal(arr_template_fill(t, lookup, &v, &d, &err), ARR_ERR_INVALID);
  assert_null(d);
  assert_string_equal(err.msg, "field debtor.name: the value is not valid UTF-8");
  assert_string_equal(err.field, "debtor.name");
  arr_template_free(t);

  /* 2000 lines of a 1 KiB value: past 1 MiB; of 500 bytes: within it. */
  char *text = malloc(64 * 1024);
  assert_non_null(text);
  int off = snprintf(text, 64 * 1024, HDR);
  for (int i = 0; i < 2000; i++) {
    off += snprintf(text + off, 64 * 1024 - (size_t)off, "{{debtor.name}}\n");
  }
  t = parse_ok(text);
  char *kib = malloc(1025);
  assert_non_null(kib);
  memset(kib, 'n', 1024);
  kib[1024] = '\0';
  values big = {{{"debtor.name", kib}}};
  assert_int_equal(arr_template_fill(t, lookup, &big, &d, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg, "the filled letter is longer than 1048576 bytes");
  kib[500] = '\0';
  d = fill_ok(t, &big);
  assert_int_equal(d->nblocks, 1);
  assert_int_equal(strlen(d->blocks[0].text), 2000 * 501 - 1);
  arr_letter_doc_free(d);
  free(kib);
  free(text);
  arr_template_free(t);
}

static void test_text(void **state) {
  (void)state;
  arr_letter_template *t = parse_ok(
      HDR
      "= Aviso de una deuda\n"
      "Usted debe una deuda a {{agency.name}}. Este aviso le explica la deuda y lo que "
      "puede hacer. Ni\xC3\xB1o acci\xC3\xB3n \xC3\xA1rbol se\xC3\xB1or "
      "caf\xC3\xA9 "
      "ma\xC3\xB1\x61na: las letras con acento cuentan como una columna.\n"
      "\n"
      "Visite https://example.com/a/very/long/path/that/is/longer/than/seventy-two/"
      "columns/in/one/word hoy.\n"
      "== Lo que debe\n"
      "| Cargos | {{itemization.fees}}\n"
      "|= Total ahora | {{balance.current}}\n"
      "| Una etiqueta muy larga que no cabe en una sola linea junto con su valor al "
      "lado | $1.00\n"
      "[ ] Quiero disputar la deuda porque creo que no es m\xC3\xAD\x61 o que la "
      "cantidad es incorrecta.\n"
      "[ ] Otra\n"
      "____ Adjunto esta cantidad: $\n"
      "%% pagebreak\n"
      "%% tearoff\n"
      "Fin.\n");
  values v = {{{"agency.name", "Acme"},
               {"itemization.fees", "$12.00"},
               {"balance.current", "$1,234.56"}}};
  arr_letter_doc *d = fill_ok(t, &v);
  char *out;
  size_t len;
  arr_err err;
  assert_int_equal(arr_letter_text(d, "es", &out, &len, &err), ARR_OK);
  const char *want =
      "Aviso de una deuda\n"
      "==================\n"
      "\n"
      "Usted debe una deuda a Acme. Este aviso le explica la deuda y lo que\n"
      "puede hacer. Ni\xC3\xB1o acci\xC3\xB3n \xC3\xA1rbol se\xC3\xB1or caf\xC3\xA9 "
      "ma\xC3\xB1\x61na: las letras con acento\n" /* 71 characters, 77 bytes */
      "cuentan como una columna.\n"
      "\n"
      "Visite\n"
      "https://example.com/a/very/long/path/that/is/longer/than/seventy-two/columns/in/"
      "one/"
      "word\n"
      "hoy.\n"
      "\n"
      "Lo que debe\n"
      "-----------\n"
      "\n"
      "Cargos                                                            $12.00\n"
      "                                                               ---------\n"
      "Total ahora                                                    $1,234.56\n"
      "Una etiqueta muy larga que no cabe en una sola linea junto con su valor\n"
      "al lado\n"
      "                                                                   $1.00\n"
      "\n"
      "[ ] Quiero disputar la deuda porque creo que no es m\xC3\xAD\x61 o que la "
      "cantidad\n"
      "    es incorrecta.\n"
      "[ ] Otra\n"
      "\n"
      "Adjunto esta cantidad: $ ________\n"
      "\n"
      "\n"
      "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -\n"
      "Desprenda y devuelva esta parte\n"
      "\n"
      "Fin.\n";
  if (strcmp(out, want) != 0) {
    fail_msg("text:\n%s\nwant:\n%s", out, want);
  }
  assert_int_equal(len, strlen(want));
  free(out);
  assert_int_equal(arr_letter_text(d, "en", &out, NULL, &err), ARR_OK);
  assert_non_null(strstr(out, "\nDetach and return this part\n"));
  free(out);
  arr_letter_doc_free(d);
  arr_template_free(t);
  assert_string_equal(arr_letter_tearoff_caption(NULL), "Detach and return this part");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_parse_errors),
      cmocka_unit_test(test_parse_limits),
      cmocka_unit_test(test_fill),
      cmocka_unit_test(test_fill_paragraphs),
      cmocka_unit_test(test_fill_errors),
      cmocka_unit_test(test_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
