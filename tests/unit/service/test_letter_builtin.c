/*
 * test_letter_builtin.c — the builtin letter templates compiled into the binary
 * (service/letter_builtin.h, from templates/letters by scripts/embed-templates).
 *
 * Every builtin parses with the complete field list of the letters design, has the
 * kind and repeat it is meant to have, exists in English and Spanish, and fills and
 * renders with no field left over. The validation notice holds every element 12 CFR
 * 1006.34(c) requires (checked on the raw text, its lines joined as paragraphs join, in
 * both languages, and on the filled letter's blocks: the itemization rows, the
 * tear-off and the dispute checkboxes after it). The other letters carry the
 * 1692e(11) disclosure, the agency's phone and hours and the reference number; the
 * email letters end with the opt-out block; the cease acknowledgement never mentions
 * payment and the referral letter threatens nothing.
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
#include "service/letter_builtin.h"

typedef struct {
  const char *name;
  arr_template_kind kind;
  int repeat_days; /* 0: once */
  bool email;      /* may be sent by email: ends with the opt-out block */
} expected;

static const expected EXPECTED[] = {
    {"attorney_referral", ARR_TK_REMEDY, 0, false},
    {"broken_plan", ARR_TK_COLLECTION, 0, true},
    {"cease_acknowledgement", ARR_TK_CEASE_ACK, 0, false},
    {"paid_in_full", ARR_TK_ENDED, 0, true},
    {"plan_confirmation", ARR_TK_COLLECTION, 0, true},
    {"reminder", ARR_TK_COLLECTION, 30, true},
    {"settlement_confirmation", ARR_TK_COLLECTION, 0, true},
    {"settlement_offer", ARR_TK_COLLECTION, 0, true},
    {"validation_notice", ARR_TK_COLLECTION, 0, false},
    {"verification_response", ARR_TK_VERIFICATION, 0, false},
};
enum { NEXPECTED = sizeof EXPECTED / sizeof EXPECTED[0] };
static const char *const LANGUAGES[] = {"en", "es"};

static const expected *expected_of(const char *name) {
  for (int i = 0; i < NEXPECTED; i++) {
    if (strcmp(EXPECTED[i].name, name) == 0) {
      return &EXPECTED[i];
    }
  }
  return NULL;
}

static const arr_builtin_template *find(const char *name, const char *language) {
  for (int i = 0; i < ARR_BUILTIN_TEMPLATE_COUNT; i++) {
    const arr_builtin_template *t = &ARR_BUILTIN_TEMPLATES[i];
    if (strcmp(t->name, name) == 0 && strcmp(t->language, language) == 0) {
      return t;
    }
  }
  return NULL;
}

static arr_letter_template *parse(const arr_builtin_template *b) {
  arr_letter_template *t = NULL;
  arr_err err;
  if (arr_template_parse(b->text, b->text_len, ARR_LETTER_FIELDS, &t, &err) != ARR_OK) {
    fail_msg("%s (%s): %s", b->name, b->language, err.msg);
  }
  return t;
}

/* The raw text with every line ending turned into one space, as plain lines join into
 * a paragraph, so a phrase is found across the line breaks of the file. */
static char *joined(const arr_builtin_template *b) {
  char *s = malloc(b->text_len + 1);
  assert_non_null(s);
  size_t n = 0;
  for (size_t i = 0; i < b->text_len; i++) {
    char c = b->text[i];
    if (c == '\r') {
      continue;
    }
    s[n++] = c == '\n' ? ' ' : c;
  }
  s[n] = '\0';
  return s;
}

/* The body (after the "---" line) of the raw text, lines joined. */
static const char *body_of(const char *joined_text) {
  const char *p = strstr(joined_text, " --- ");
  assert_non_null(p);
  return p + 5;
}

static void expect_phrase(const arr_builtin_template *b, const char *text,
                          const char *phrase) {
  if (strstr(text, phrase) == NULL) {
    fail_msg("%s (%s) lacks: %s", b->name, b->language, phrase);
  }
}

static bool contains_ci(const char *text, const char *word) {
  size_t n = strlen(word);
  for (const char *p = text; *p; p++) {
    size_t i = 0;
    while (i < n && p[i] && (p[i] | 0x20) == (word[i] | 0x20)) {
      i++;
    }
    if (i == n) {
      return true;
    }
  }
  return false;
}

/* ---- sample values for filling ------------------------------------------------------
 */

typedef struct {
  const char *optout; /* NULL: a printed letter */
  const char *dispute_url;
} sample;

static const char *sample_value(void *ctx, const char *name) {
  const sample *s = ctx;
  static const struct {
    const char *name, *value;
  } values[] = {
      {"agency.name", "Rockville Recovery"},
      {"agency.street", "100 Main St, Suite 2"},
      {"agency.city_line", "Rockville, MD 20850"},
      {"agency.phone", "(800) 555-0100"},
      {"agency.hours", "Monday to Friday, 8 a.m. to 8 p.m. Eastern"},
      {"agency.email", "help@example.com"},
      {"agency.website", "www.example.com"},
      {"letter.date", "November 23, 2026"},
      {"letter.id", "4711"},
      {"debtor.name", "Jane Q. Doe"},
      {"debtor.street", "456 Elm St, Apt 3"},
      {"debtor.city_line", "Anytown, VA 22201"},
      {"account.reference", "90210"},
      {"account.number", "****1234"},
      {"creditor.current", "Bank of Rockville"},
      {"creditor.original", "Main Street Store Card"},
      {"itemization.date", "January 2, 2026"},
      {"itemization.amount", "$2,234.56"},
      {"itemization.interest", "$75.00"},
      {"itemization.fees", "$25.00"},
      {"itemization.payments", "$50.00"},
      {"itemization.current", "$2,284.56"},
      {"validation.end_date", "January 4, 2027"},
      {"balance.current", "$2,284.56"},
      {"plan.total", "$2,284.56"},
      {"plan.installment", "$190.38"},
      {"plan.count", "12"},
      {"plan.frequency", "monthly"},
      {"plan.first_due", "December 1, 2026"},
      {"plan.next_due", "December 1, 2026"},
      {"settlement.amount", "$1,500.00"},
      {"settlement.due", "December 15, 2026"},
      {"settlement.savings", "$784.56"},
      {"payment.amount", "$50.00"},
      {"payment.date", "October 30, 2026"},
      {"dispute.date", "November 2, 2026"},
      {"referral.name", "Smith & Jones LLP"},
      {"referral.date", "November 20, 2026"},
  };
  if (strcmp(name, "optout.url") == 0) {
    return s->optout;
  }
  if (strcmp(name, "agency.dispute_url") == 0) {
    return s->dispute_url;
  }
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    if (strcmp(values[i].name, name) == 0) {
      return values[i].value;
    }
  }
  fail_msg("no sample value for field %s", name);
  return NULL;
}

static arr_letter_doc *fill(const arr_builtin_template *b, const sample *s) {
  arr_letter_template *t = parse(b);
  arr_letter_doc *d = NULL;
  arr_err err;
  if (arr_template_fill(t, sample_value, (void *)s, &d, &err) != ARR_OK) {
    fail_msg("%s (%s): fill: %s", b->name, b->language, err.msg);
  }
  arr_template_free(t);
  return d;
}

static char *render(const arr_builtin_template *b, const arr_letter_doc *d) {
  char *text = NULL;
  size_t len = 0;
  arr_err err;
  assert_int_equal(arr_letter_text(d, b->language, &text, &len, &err), ARR_OK);
  assert_int_equal(strlen(text), len);
  return text;
}

/* Index of the first block of kind whose text contains needle (-1: none). */
static int block_index(const arr_letter_doc *d, arr_block_kind kind, const char *needle) {
  for (int i = 0; i < d->nblocks; i++) {
    if (d->blocks[i].kind == kind && strstr(d->blocks[i].text, needle) != NULL) {
      return i;
    }
  }
  return -1;
}

/* Whether any block's text or value of d contains needle (the rendered text wraps
 * lines, so a phrase is looked for in the blocks). */
static bool doc_contains(const arr_letter_doc *d, const char *needle) {
  for (int i = 0; i < d->nblocks; i++) {
    if (strstr(d->blocks[i].text, needle) != NULL ||
        strstr(d->blocks[i].value, needle) != NULL) {
      return true;
    }
  }
  return false;
}

/* ---- tests ---------------------------------------------------------------------------
 */

/* 20 entries: every name in both languages, sorted by name then language, each with
 * its text length right. */
static void test_every_name_in_both_languages(void **state) {
  (void)state;
  assert_int_equal(ARR_BUILTIN_TEMPLATE_COUNT, NEXPECTED * 2);
  for (int i = 0; i < NEXPECTED; i++) {
    for (int l = 0; l < 2; l++) {
      const arr_builtin_template *b = find(EXPECTED[i].name, LANGUAGES[l]);
      if (b == NULL) {
        fail_msg("no builtin %s (%s)", EXPECTED[i].name, LANGUAGES[l]);
      }
    }
  }
  for (int i = 0; i < ARR_BUILTIN_TEMPLATE_COUNT; i++) {
    const arr_builtin_template *b = &ARR_BUILTIN_TEMPLATES[i];
    assert_int_equal(strlen(b->text), b->text_len);
    assert_true(b->text_len <= ARR_TEMPLATE_MAX_BYTES);
    if (i > 0) {
      const arr_builtin_template *a = &ARR_BUILTIN_TEMPLATES[i - 1];
      int c = strcmp(a->name, b->name);
      assert_true(c < 0 || (c == 0 && strcmp(a->language, b->language) < 0));
    }
  }
}

/* Each parses with the design's field list, with its kind and repeat; every letter
 * names the agency's phone and hours and the reference number; only the email letters
 * use optout.url. */
static void test_all_parse_with_kind_and_repeat(void **state) {
  (void)state;
  for (int i = 0; i < ARR_BUILTIN_TEMPLATE_COUNT; i++) {
    const arr_builtin_template *b = &ARR_BUILTIN_TEMPLATES[i];
    const expected *e = expected_of(b->name);
    if (e == NULL) {
      fail_msg("unexpected builtin %s", b->name);
    }
    arr_letter_template *t = parse(b);
    if (arr_template_kind_of(t) != e->kind) {
      fail_msg("%s (%s): kind %s", b->name, b->language,
               arr_template_kind_name(arr_template_kind_of(t)));
    }
    assert_int_equal(arr_template_repeat_days(t), e->repeat_days);
    assert_true(arr_template_uses(t, "agency.phone"));
    assert_true(arr_template_uses(t, "agency.hours"));
    assert_true(arr_template_uses(t, "account.reference"));
    assert_int_equal(arr_template_uses(t, "optout.url"), e->email);
    arr_template_free(t);
  }
}

/* The English validation notice: Model Form B-1's wording and every 1006.34(c)
 * element, on the raw text. */
static void test_validation_notice_english(void **state) {
  (void)state;
  const arr_builtin_template *b = find("validation_notice", "en");
  assert_non_null(b);
  char *j = joined(b);
  const char *body = body_of(j);
  static const char *const phrases[] = {
      "{{agency.name}} is a debt collector.",
      "We are trying to collect a debt that you owe to {{creditor.current}}.",
      "We will use any information you give us to help collect the debt.",
      "{{debtor.name}}",
      "{{debtor.street}}",
      "{{debtor.city_line}}",
      "{{account.reference}}",
      "Our information shows:",
      "from {{creditor.original}} with account number {{account.number}}.",
      "| As of {{itemization.date}}, you owed: | {{itemization.amount}}",
      "| Between {{itemization.date}} and today: |",
      "| You were charged this amount in interest: | + {{itemization.interest}}",
      "| You were charged this amount in fees: | + {{itemization.fees}}",
      "| You paid or were credited this amount toward the debt: | \xe2\x80\x93 "
      "{{itemization.payments}}",
      "|= Total amount of the debt now: | {{itemization.current}}",
      "How can you dispute the debt?",
      "Call or write to us by {{validation.end_date}}, to dispute all or part of the "
      "debt.",
      "If you do not, we will assume that our information is correct.",
      "If you write to us by {{validation.end_date}}, we must stop collection on any "
      "amount you dispute until we send you information that shows you owe the debt.",
      "You may use the form below or write to us without the form.",
      "You may also include supporting documents.",
      "{{agency.name}}, {{agency.street}}, {{agency.city_line}}",
      "? agency.dispute_url We accept disputes electronically at "
      "{{agency.dispute_url}}. ? end",
      "What else can you do?",
      "Write to ask for the name and address of the original creditor, if different "
      "from the current creditor.",
      "If you write by {{validation.end_date}}, we must stop collection until we send "
      "you that information.",
      "Go to www.cfpb.gov/debt-collection to learn more about your rights under federal "
      "law.",
      "For instance, you have the right to stop or limit how we contact you.",
      "Contact us about your payment options.",
      "P\xc3\xb3ngase en contacto con nosotros para solicitar una copia de este "
      "formulario en espa\xc3\xb1ol.",
      "Call us at {{agency.phone}}, {{agency.hours}}",
      "%% tearoff",
      "How do you want to respond?",
      "Check all that apply:",
      "I want to dispute the debt because I think:",
      "[ ] This is not my debt.",
      "[ ] The amount is wrong.",
      "[ ] Other (please describe on reverse or attach additional information).",
      "[ ] I want you to send me the name and address of the original creditor.",
      "____ I enclosed this amount: $",
      "Make your check payable to {{agency.name}}. Include the reference number "
      "{{account.reference}}.",
      "[ ] Quiero este formulario en espa\xc3\xb1ol.",
      "Mail this form to: {{agency.name}}, {{agency.street}}, {{agency.city_line}}",
  };
  for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++) {
    expect_phrase(b, body, phrases[i]);
  }
  /* The response form is in the tear-off part. */
  const char *tear = strstr(body, "%% tearoff");
  assert_true(strstr(body, "[ ] This is not my debt.") > tear);
  assert_true(strstr(body, "How do you want to respond?") > tear);
  assert_true(strstr(body, "Mail this form to:") > tear);
  assert_non_null(
      strstr(tear, "{{debtor.name}}, {{debtor.street}}, {{debtor.city_line}}"));
  free(j);
}

/* The Spanish validation notice: the CFPB's Spanish model form wording, the same
 * elements. */
static void test_validation_notice_spanish(void **state) {
  (void)state;
  const arr_builtin_template *b = find("validation_notice", "es");
  assert_non_null(b);
  char *j = joined(b);
  const char *body = body_of(j);
  static const char *const phrases[] = {
      "{{agency.name}} es un cobrador de deudas.",
      "Estamos tratando de cobrar una deuda que usted le debe a {{creditor.current}}.",
      "Usaremos cualquier informaci\xc3\xb3n que usted nos d\xc3\xa9 para ayudarnos a "
      "cobrar la deuda.",
      "{{debtor.name}}",
      "{{debtor.street}}",
      "{{debtor.city_line}}",
      "{{account.reference}}",
      "Nuestra informaci\xc3\xb3n indica:",
      "de {{creditor.original}} con el n\xc3\xbamero de cuenta {{account.number}}.",
      "| Al {{itemization.date}}, usted deb\xc3\xad"
      "a: | {{itemization.amount}}",
      "| Entre el {{itemization.date}} y hoy: |",
      "| Se le cobr\xc3\xb3 esta cantidad en intereses: | + {{itemization.interest}}",
      "| Se le cobr\xc3\xb3 esta cantidad en cargos: | + {{itemization.fees}}",
      "| Usted pag\xc3\xb3 o se le acredit\xc3\xb3 esta cantidad a la deuda: | "
      "\xe2\x80\x93 {{itemization.payments}}",
      "|= Cantidad total de la deuda ahora: | {{itemization.current}}",
      "\xc2\xbf"
      "C\xc3\xb3mo puede disputar la deuda?",
      "a m\xc3\xa1s tardar el {{validation.end_date}} para disputar toda la deuda o "
      "parte "
      "de ella.",
      "Si no lo hace, asumiremos que nuestra informaci\xc3\xb3n es correcta.",
      "Si nos escribe a m\xc3\xa1s tardar el {{validation.end_date}}, debemos dejar de "
      "cobrar cualquier cantidad que usted dispute hasta que le enviemos "
      "informaci\xc3\xb3n "
      "que demuestre que usted debe la deuda.",
      "Puede usar el formulario a continuaci\xc3\xb3n o escribirnos sin el formulario.",
      "{{agency.name}}, {{agency.street}}, {{agency.city_line}}",
      "? agency.dispute_url Aceptamos disputas electr\xc3\xb3nicamente en "
      "{{agency.dispute_url}}. ? end",
      "\xc2\xbfQu\xc3\xa9 m\xc3\xa1s puede hacer?",
      "Escr\xc3\xad"
      "banos para pedir el nombre y la direcci\xc3\xb3n del acreedor original, si es "
      "diferente del acreedor actual.",
      "debemos dejar de cobrar la deuda hasta que le enviemos esa informaci\xc3\xb3n.",
      "Visite www.cfpb.gov/debt-collection",
      "Ll\xc3\xa1menos al {{agency.phone}}, {{agency.hours}}",
      "%% tearoff",
      "\xc2\xbf"
      "C\xc3\xb3mo desea responder?",
      "Quiero disputar la deuda porque creo que:",
      "[ ] Esta no es mi deuda.",
      "[ ] La cantidad es incorrecta.",
      "[ ] Otro (",
      "[ ] Quiero que me env\xc3\xad"
      "en el nombre y la direcci\xc3\xb3n del acreedor original.",
      "____ Adjunto esta cantidad: $",
      "Haga su cheque pagadero a {{agency.name}}. Incluya el n\xc3\xbamero de referencia "
      "{{account.reference}}.",
      "Env\xc3\xad"
      "e este formulario por correo a: {{agency.name}}, {{agency.street}}, "
      "{{agency.city_line}}",
  };
  for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++) {
    expect_phrase(b, body, phrases[i]);
  }
  const char *tear = strstr(body, "%% tearoff");
  assert_true(strstr(body, "[ ] Esta no es mi deuda.") > tear);
  assert_non_null(
      strstr(tear, "{{debtor.name}}, {{debtor.street}}, {{debtor.city_line}}"));
  free(j);
}

/* The filled validation notice, both languages: the itemization rows with their
 * values, the bold total, the electronic-dispute paragraph only when the agency takes
 * disputes online, one tear-off with the checkboxes and the fill-in after it. */
static void test_validation_notice_filled(void **state) {
  (void)state;
  for (int l = 0; l < 2; l++) {
    const arr_builtin_template *b = find("validation_notice", LANGUAGES[l]);
    bool en = l == 0;
    sample with = {NULL, "www.example.com/dispute"};
    arr_letter_doc *d = fill(b, &with);
    int rows = 0, totals = 0, tearoffs = 0, tear = -1;
    for (int i = 0; i < d->nblocks; i++) {
      rows += d->blocks[i].kind == ARR_BLOCK_ROW;
      totals += d->blocks[i].kind == ARR_BLOCK_TOTAL;
      if (d->blocks[i].kind == ARR_BLOCK_TEAROFF) {
        tearoffs++;
        tear = i;
      }
    }
    assert_int_equal(rows, 5);
    assert_int_equal(totals, 1);
    assert_int_equal(tearoffs, 1);
    int total = block_index(d, ARR_BLOCK_TOTAL, "");
    assert_string_equal(d->blocks[total].value, "$2,284.56");
    int owed = block_index(d, ARR_BLOCK_ROW, "January 2, 2026");
    assert_true(owed >= 0);
    assert_string_equal(d->blocks[owed].value, "$2,234.56");
    assert_true(block_index(d, ARR_BLOCK_ROW, en ? "interest" : "intereses") >= 0);
    assert_string_equal(
        d->blocks[block_index(d, ARR_BLOCK_ROW, en ? "interest" : "intereses")].value,
        "+ $75.00");
    assert_true(block_index(d, ARR_BLOCK_PARAGRAPH, "www.example.com/dispute") >= 0);
    assert_true(block_index(d, ARR_BLOCK_PARAGRAPH, "January 4, 2027") >= 0);
    assert_true(block_index(d, ARR_BLOCK_PARAGRAPH, "www.cfpb.gov/debt-collection") >= 0);
    int c1 = block_index(d, ARR_BLOCK_CHECKBOX,
                         en ? "This is not my debt." : "Esta no es mi deuda.");
    int c2 = block_index(d, ARR_BLOCK_CHECKBOX,
                         en ? "The amount is wrong." : "La cantidad es incorrecta.");
    int c3 = block_index(d, ARR_BLOCK_CHECKBOX, en ? "Other (" : "Otro (");
    int c4 = block_index(d, ARR_BLOCK_CHECKBOX,
                         en ? "original creditor" : "acreedor original");
    int f = block_index(d, ARR_BLOCK_FILLIN,
                        en ? "I enclosed this amount" : "Adjunto esta cantidad");
    assert_true(c1 > tear && c2 > tear && c3 > tear && c4 > tear && f > tear);
    assert_true(block_index(d, ARR_BLOCK_PARAGRAPH, "Jane Q. Doe") >= 0);
    char *text = render(b, d);
    assert_null(strstr(text, "{{"));
    assert_non_null(strstr(text, arr_letter_tearoff_caption(LANGUAGES[l])));
    free(text);
    arr_letter_doc_free(d);

    sample without = {NULL, NULL};
    d = fill(b, &without);
    assert_int_equal(block_index(d, ARR_BLOCK_PARAGRAPH,
                                 en ? "electronically" : "electr\xc3\xb3nicamente"),
                     -1);
    arr_letter_doc_free(d);
  }
}

/* Every builtin fills and renders with no field left; the email letters show the
 * opt-out link as their last paragraph when there is one, and nothing about it in a
 * printed letter. */
static void test_all_fill_and_render(void **state) {
  (void)state;
  for (int i = 0; i < ARR_BUILTIN_TEMPLATE_COUNT; i++) {
    const arr_builtin_template *b = &ARR_BUILTIN_TEMPLATES[i];
    const expected *e = expected_of(b->name);
    bool en = strcmp(b->language, "en") == 0;
    const char *optout_text = en ? "To stop receiving emails from us, visit"
                                 : "Para dejar de recibir correos electr\xc3\xb3nicos";
    for (int email = 0; email < 2; email++) {
      sample s = {email ? "https://example.com/o/abc123" : NULL, "www.example.com/d"};
      arr_letter_doc *d = fill(b, &s);
      assert_non_null(d->subject);
      assert_true(d->subject[0] != '\0');
      assert_null(strstr(d->subject, "{{"));
      assert_true(d->nblocks > 3);
      char *text = render(b, d);
      assert_null(strstr(text, "{{"));
      assert_null(strstr(text, "}}"));
      assert_true(doc_contains(d, "(800) 555-0100"));
      assert_true(doc_contains(d, "Monday to Friday, 8 a.m. to 8 p.m. Eastern"));
      assert_true(doc_contains(d, "90210"));
      const arr_letter_block *last = &d->blocks[d->nblocks - 1];
      if (email && e->email) {
        assert_non_null(strstr(last->text, optout_text));
        assert_non_null(strstr(last->text, "https://example.com/o/abc123"));
      } else {
        assert_null(strstr(text, optout_text));
      }
      free(text);
      arr_letter_doc_free(d);
    }
  }
}

/* The 1692e(11) disclosure in every letter but the validation notice (which says it
 * in the model form's words); the cease acknowledgement asks for nothing; the
 * referral letter threatens nothing. */
static void test_disclosures_and_forbidden_words(void **state) {
  (void)state;
  for (int i = 0; i < ARR_BUILTIN_TEMPLATE_COUNT; i++) {
    const arr_builtin_template *b = &ARR_BUILTIN_TEMPLATES[i];
    bool en = strcmp(b->language, "en") == 0;
    char *j = joined(b);
    const char *body = body_of(j);
    if (strcmp(b->name, "validation_notice") != 0) {
      expect_phrase(b, body,
                    en ? "This communication is from a debt collector."
                       : "Esta comunicaci\xc3\xb3n proviene de un cobrador de deudas.");
    }
    if (strcmp(b->name, "cease_acknowledgement") == 0) {
      static const char *const no_en[] = {"pay", "settle", "plan", "balance", "owe"};
      static const char *const no_es[] = {"pag", "acuerdo", "plan", "saldo", "debe"};
      for (int k = 0; k < 5; k++) {
        if (contains_ci(body, en ? no_en[k] : no_es[k])) {
          fail_msg("cease_acknowledgement (%s) mentions \"%s\"", b->language,
                   en ? no_en[k] : no_es[k]);
        }
      }
    }
    if (strcmp(b->name, "attorney_referral") == 0) {
      static const char *const no_en[] = {"lawsuit",      "sue",      "court",
                                          "legal action", "judgment", "garnish"};
      static const char *const no_es[] = {
          "demanda", "juicio", "tribunal", "corte", "acci\xc3\xb3n legal", "embargo"};
      for (int k = 0; k < 6; k++) {
        if (contains_ci(body, en ? no_en[k] : no_es[k])) {
          fail_msg("attorney_referral (%s) mentions \"%s\"", b->language,
                   en ? no_en[k] : no_es[k]);
        }
      }
    }
    free(j);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_name_in_both_languages),
      cmocka_unit_test(test_all_parse_with_kind_and_repeat),
      cmocka_unit_test(test_validation_notice_english),
      cmocka_unit_test(test_validation_notice_spanish),
      cmocka_unit_test(test_validation_notice_filled),
      cmocka_unit_test(test_all_fill_and_render),
      cmocka_unit_test(test_disclosures_and_forbidden_words),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
