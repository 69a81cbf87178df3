/*
 * test_letter_pdf.c — the letter PDF (formats/letter_pdf.h).
 *
 * Letters are rendered and read back with poppler's `pdftotext -layout` (in a
 * directory made with mkdtemp under $TMPDIR or /tmp, removed at the end): the
 * paragraphs with Spanish accents, the rows, the recipient's lines, "Page X of Y";
 * the page count of a letter forced over two pages; the tear-off moved to a new page
 * when it does not fit; the same bytes twice. Also prints the time per letter of a
 * two-page validation-notice-like letter (timing is reported, not asserted).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "formats/letter_pdf.h"
#include "formats/letter_template.h"

static const char *const k_known[] = {"debtor.name", "amount", NULL};

static const char *lookup(void *ctx, const char *name) {
  (void)ctx;
  if (strcmp(name, "debtor.name") == 0) {
    return "Jos\xC3\xA9 N\xC3\xBA\xC3\xB1\x65z";
  }
  return strcmp(name, "amount") == 0 ? "$1,234.56" : NULL;
}

static arr_letter_doc *doc_of(const char *body) {
  char text[65536];
  snprintf(text, sizeof text, "subject: Aviso\nkind: collection\nrepeat: once\n---\n%s",
           body);
  arr_letter_template *t = NULL;
  arr_letter_doc *d = NULL;
  arr_err err;
  if (arr_template_parse(text, strlen(text), k_known, &t, &err) != ARR_OK) {
    fail_msg("parse: %s", err.msg);
  }
  if (arr_template_fill(t, lookup, NULL, &d, &err) != ARR_OK) {
    fail_msg("fill: %s", err.msg);
  }
  arr_template_free(t);
  return d;
}

static arr_letter_layout layout_of(const char *language) {
  arr_letter_layout lay = {
      .sender = {"Acme Recovery LLC", "PO Box 100", "Tulsa, OK 74103", "(800) 555-0100",
                 "Monday to Friday, 8 a.m. to 8 p.m. Central"},
      .nsender = 5,
      .recipient = {"Jos\xC3\xA9 N\xC3\xBA\xC3\xB1\x65z", "12 Elm St, Apt 4",
                    "Tulsa, OK 74103"},
      .nrecipient = 3,
      .date_line = "November 23, 2026",
      .reference = "Reference 1234",
      .footer = "Letter 57",
      .language = language,
      .created_unix = 1795456800,
  };
  return lay;
}

typedef struct {
  char dir[256];
} tmp;

static int setup(void **state) {
  tmp *t = calloc(1, sizeof *t);
  const char *base = getenv("TMPDIR");
  snprintf(t->dir, sizeof t->dir, "%s/arrears-pdf.XXXXXX",
           base != NULL && base[0] != '\0' ? base : "/tmp");
  if (mkdtemp(t->dir) == NULL) {
    free(t);
    return -1;
  }
  *state = t;
  return 0;
}

static int teardown(void **state) {
  tmp *t = *state;
  char path[512];
  snprintf(path, sizeof path, "%s/letter.pdf", t->dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/letter.txt", t->dir);
  unlink(path);
  rmdir(t->dir);
  free(t);
  arr_letter_pdf_thread_done();
  return 0;
}

static unsigned char *render(const arr_letter_layout *lay, const arr_letter_doc *d,
                             size_t *len, int *pages) {
  unsigned char *pdf = NULL;
  arr_err err;
  if (arr_letter_pdf(lay, d, &pdf, len, pages, &err) != ARR_OK) {
    fail_msg("pdf: %s", err.msg);
  }
  assert_true(*len > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
  return pdf;
}

/* The text of pdf through pdftotext -layout; malloc'd. */
static char *pdf_text(const tmp *t, const unsigned char *pdf, size_t len) {
  char in[512], out[512], cmd[1200];
  snprintf(in, sizeof in, "%s/letter.pdf", t->dir);
  snprintf(out, sizeof out, "%s/letter.txt", t->dir);
  FILE *f = fopen(in, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(pdf, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
  snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' '%s'", in, out);
  assert_int_equal(system(cmd), 0);
  f = fopen(out, "rb");
  assert_non_null(f);
  char *text = calloc(1, 1 << 20);
  assert_non_null(text);
  size_t n = fread(text, 1, (1 << 20) - 1, f);
  text[n] = '\0';
  fclose(f);
  return text;
}

/* The text of page p (1-based) of pdftotext's output (pages end with a form feed). */
static char *page_of(char *text, int p) {
  char *s = text;
  for (int i = 1; i < p; i++) {
    s = strchr(s, '\f');
    assert_non_null(s);
    s++;
  }
  char *end = strchr(s, '\f');
  if (end != NULL) {
    *end = '\0';
  }
  return s;
}

static bool contains(const unsigned char *p, size_t len, const char *s) {
  size_t n = strlen(s);
  for (size_t i = 0; i + n <= len; i++) {
    if (memcmp(p + i, s, n) == 0) {
      return true;
    }
  }
  return false;
}

static int count_pages(const char *text) {
  int n = 0;
  for (const char *p = text; *p != '\0'; p++) {
    n += *p == '\f';
  }
  return n;
}

/* Whether one line of text holds a, then b further right. */
static bool same_line(const char *text, const char *a, const char *b) {
  const char *p = strstr(text, a);
  if (p == NULL) {
    return false;
  }
  const char *q = strstr(p, b), *nl = strchr(p, '\n');
  return q != NULL && (nl == NULL || q < nl);
}

static void test_text_back(void **state) {
  tmp *t = *state;
  arr_letter_doc *d = doc_of("= Aviso de una deuda\n"
                             "Se\xC3\xB1or {{debtor.name}}, usted debe una cantidad a la "
                             "compa\xC3\xB1\xC3\xAD\x61.\n"
                             "\n"
                             "== Detalle\n"
                             "| Cargos | $12.00\n"
                             "|= Total | {{amount}}\n"
                             "[ ] No es mi deuda.\n"
                             "____ Adjunto esta cantidad: $\n");
  arr_letter_layout lay = layout_of("en");
  size_t len;
  int pages;
  unsigned char *pdf = render(&lay, d, &len, &pages);
  assert_int_equal(pages, 1);
  char *text = pdf_text(t, pdf, len);
  assert_int_equal(count_pages(text), 1);
  assert_non_null(strstr(text, "Aviso de una deuda"));
  assert_non_null(strstr(text, "Se\xC3\xB1or Jos\xC3\xA9 N\xC3\xBA\xC3\xB1\x65z, usted "
                               "debe una cantidad a la compa\xC3\xB1\xC3\xAD\x61."));
  assert_true(same_line(text, "Cargos", "$12.00"));
  assert_true(same_line(text, "Total", "$1,234.56"));
  assert_non_null(strstr(text, "No es mi deuda."));
  assert_non_null(strstr(text, "Adjunto esta cantidad: $"));
  assert_true(same_line(text, "Letter 57", "Page 1 of 1"));
  assert_true(same_line(text, "Acme Recovery LLC", "November 23, 2026"));
  assert_non_null(strstr(text, "Reference 1234"));
  for (int i = 0; i < lay.nrecipient; i++) {
    assert_non_null(strstr(text, lay.recipient[i]));
  }
  /* The recipient block comes after the sender block and before the body. */
  assert_true(strstr(text, "Tulsa, OK 74103") < strstr(text, "12 Elm St"));
  assert_true(strstr(text, "12 Elm St") < strstr(text, "Aviso de una deuda"));
  free(text);

  /* Spanish page label. */
  lay = layout_of("es");
  unsigned char *pdf_es = render(&lay, d, &len, &pages);
  text = pdf_text(t, pdf_es, len);
  assert_non_null(strstr(text, "P\xC3\xA1gina 1 de 1"));
  free(text);
  free(pdf_es);
  free(pdf);
  arr_letter_doc_free(d);
}

static void test_deterministic(void **state) {
  (void)state;
  arr_letter_doc *d = doc_of("Hola {{debtor.name}}.\n%% tearoff\n[ ] S\xC3\xAD\n");
  arr_letter_layout lay = layout_of("es");
  size_t len1, len2;
  int pages;
  unsigned char *a = render(&lay, d, &len1, &pages);
  arr_letter_pdf_thread_done(); /* a fresh context makes the same bytes too */
  unsigned char *b = render(&lay, d, &len2, &pages);
  assert_int_equal(len1, len2);
  assert_memory_equal(a, b, len1);
  /* cairo 1.16 writes the date without the "D:" prefix; later versions with it. */
  assert_true(contains(a, len1, "20261123180000Z)"));
  free(b);
  lay.created_unix += 1;
  b = render(&lay, d, &len2, &pages);
  assert_true(len1 != len2 || memcmp(a, b, len1) != 0);
  free(a);
  free(b);
  arr_letter_doc_free(d);
}

/* A body of n paragraphs of about five lines each. */
static char *long_body(int n, const char *tail) {
  size_t cap = 64 * 1024;
  char *b = malloc(cap);
  assert_non_null(b);
  size_t off = 0;
  for (int i = 0; i < n; i++) {
    off +=
        (size_t)snprintf(b + off, cap - off,
                         "P%02d Lorem ipsum dolor sit amet, consectetur adipiscing elit, "
                         "sed do eiusmod tempor incididunt ut labore et dolore magna "
                         "aliqua. Ut enim ad minim veniam, quis nostrud exercitation "
                         "ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis "
                         "aute irure dolor in reprehenderit in voluptate velit esse "
                         "cillum dolore eu fugiat nulla pariatur. End%02d.\n\n",
                         i, i);
  }
  snprintf(b + off, cap - off, "%s", tail);
  return b;
}

static void test_pages(void **state) {
  tmp *t = *state;
  char *body = long_body(20, "%% pagebreak\nLast page.\n");
  arr_letter_doc *d = doc_of(body);
  free(body);
  arr_letter_layout lay = layout_of("en");
  size_t len;
  int pages;
  unsigned char *pdf = render(&lay, d, &len, &pages);
  assert_true(pages >= 3);
  char *text = pdf_text(t, pdf, len);
  assert_int_equal(count_pages(text), pages);
  char label[64];
  snprintf(label, sizeof label, "Page %d of %d", pages, pages);
  assert_non_null(strstr(text, label));
  assert_non_null(strstr(text, "Page 1 of "));
  /* The forced break: the last page holds only the last paragraph. */
  char *last = page_of(text, pages);
  assert_non_null(strstr(last, "Last page."));
  assert_null(strstr(last, "Lorem"));
  /* Every paragraph's text made it, in order. */
  free(text);
  text = pdf_text(t, pdf, len);
  const char *p = text;
  for (int i = 0; i < 20; i++) {
    char tag[16];
    snprintf(tag, sizeof tag, "End%02d.", i);
    const char *q = strstr(p, tag);
    if (q == NULL) {
      fail_msg("%s missing or out of order", tag);
    }
    p = q;
  }
  free(text);
  free(pdf);
  arr_letter_doc_free(d);
}

static const char k_tearoff[] = "%% tearoff\n"
                                "== How do you want to respond?\n"
                                "[ ] This is not my debt.\n"
                                "[ ] The amount is wrong.\n"
                                "[ ] Other.\n"
                                "____ I enclosed this amount: $\n"
                                "____ Name\n"
                                "____ Address\n";

static void test_tearoff(void **state) {
  tmp *t = *state;
  /* Fits: the tear-off stays on page 1. */
  char *body = long_body(1, k_tearoff);
  arr_letter_doc *d = doc_of(body);
  free(body);
  arr_letter_layout lay = layout_of("en");
  size_t len;
  int pages;
  unsigned char *pdf = render(&lay, d, &len, &pages);
  assert_int_equal(pages, 1);
  char *text = pdf_text(t, pdf, len);
  assert_non_null(strstr(text, "Detach and return this part"));
  free(text);
  free(pdf);
  arr_letter_doc_free(d);

  /* Does not fit below seven paragraphs: it starts page 2, whole. */
  body = long_body(7, k_tearoff);
  d = doc_of(body);
  free(body);
  pdf = render(&lay, d, &len, &pages);
  assert_int_equal(pages, 2);
  text = pdf_text(t, pdf, len);
  char *p1 = page_of(text, 1);
  assert_non_null(strstr(p1, "End06."));
  assert_null(strstr(p1, "Detach"));
  char *p2 = page_of(p1 + strlen(p1) + 1, 1);
  assert_non_null(strstr(p2, "Detach and return this part"));
  assert_non_null(strstr(p2, "This is not my debt."));
  assert_non_null(strstr(p2, "Address"));
  assert_null(strstr(p2, "Lorem"));
  free(text);
  free(pdf);
  arr_letter_doc_free(d);

  /* Spanish caption. */
  d = doc_of("Hola.\n%% tearoff\n[ ] S\xC3\xAD\n");
  lay = layout_of("es");
  pdf = render(&lay, d, &len, &pages);
  text = pdf_text(t, pdf, len);
  assert_non_null(strstr(text, "Desprenda y devuelva esta parte"));
  free(text);
  free(pdf);
  arr_letter_doc_free(d);
}

/* Dark pixels of page 1 (rendered at 72 dpi: 1 pixel = 1 pt) in [x0,x1) x [y0,y1). */
static int ink(const tmp *t, const unsigned char *pdf, size_t len, int x0, int y0, int x1,
               int y1) {
  char in[512], out[512], cmd[1200];
  snprintf(in, sizeof in, "%s/letter.pdf", t->dir);
  snprintf(out, sizeof out, "%s/page", t->dir);
  FILE *f = fopen(in, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(pdf, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
  snprintf(cmd, sizeof cmd, "pdftoppm -r 72 -gray -singlefile -f 1 -l 1 '%s' '%s'", in,
           out);
  assert_int_equal(system(cmd), 0);
  snprintf(out, sizeof out, "%s/page.pgm", t->dir);
  f = fopen(out, "rb");
  assert_non_null(f);
  int w, h, max;
  assert_int_equal(fscanf(f, "P5 %d %d %d", &w, &h, &max), 3);
  fgetc(f);
  assert_int_equal(w, 612);
  assert_int_equal(h, 792);
  unsigned char *px = malloc((size_t)w * (size_t)h);
  assert_non_null(px);
  assert_int_equal(fread(px, 1, (size_t)w * (size_t)h, f), (size_t)w * (size_t)h);
  fclose(f);
  unlink(out);
  int n = 0;
  for (int y = y0; y < y1; y++) {
    for (int x = x0; x < x1; x++) {
      n += px[y * w + x] < 160;
    }
  }
  free(px);
  return n;
}

/* The window of a #10 envelope: x 72..324, y 153..216 (points from the top left). */
static void window_only(const tmp *t, const unsigned char *pdf, size_t len) {
  assert_true(ink(t, pdf, len, 45, 36, 200, 60) > 0); /* the sender block: seen */
  assert_true(ink(t, pdf, len, 72, 153, 324, 216) > 0);
  assert_int_equal(ink(t, pdf, len, 0, 120, 612, 153), 0);   /* above it */
  assert_int_equal(ink(t, pdf, len, 0, 217, 612, 250), 0);   /* below it */
  assert_int_equal(ink(t, pdf, len, 0, 153, 71, 216), 0);    /* left of it */
  assert_int_equal(ink(t, pdf, len, 325, 153, 612, 216), 0); /* right of it */
}

static void test_window(void **state) {
  tmp *t = *state;
  arr_letter_doc *d = doc_of("Hola.\n");
  arr_letter_layout lay = layout_of("en");
  size_t len;
  int pages;
  unsigned char *pdf = render(&lay, d, &len, &pages);
  window_only(t, pdf, len);
  free(pdf);
  /* Six lines: the font shrinks until they fit, every line kept. */
  const char *six[6] = {"Jane Q. Public", "c/o John Public",
                        "Apartment 12B",  "1234 Long Street Name Boulevard",
                        "Building 7",     "Tulsa, OK 74103-1234"};
  for (int i = 0; i < 6; i++) {
    lay.recipient[i] = six[i];
  }
  lay.nrecipient = 6;
  pdf = render(&lay, d, &len, &pages);
  window_only(t, pdf, len);
  char *text = pdf_text(t, pdf, len);
  for (int i = 0; i < 6; i++) {
    assert_non_null(strstr(text, six[i]));
  }
  free(text);
  free(pdf);
  /* A line far too long for the window is cut with an ellipsis (pdftotext still
   * reads the whole name: cairo keeps it as the ellipsis's actual text). */
  lay.nrecipient = 3;
  lay.recipient[0] =
      "Maximiliano Bartholomew Fitzgerald-Montgomery Vanderbilt-Rockefeller "
      "the Third of the Long Name Family";
  pdf = render(&lay, d, &len, &pages);
  window_only(t, pdf, len);
  free(pdf);
  arr_letter_doc_free(d);
}

static void test_invalid(void **state) {
  (void)state;
  arr_letter_doc *d = doc_of("Hola.\n");
  arr_letter_layout lay = layout_of("en");
  unsigned char *pdf = (unsigned char *)1;
  size_t len;
  int pages;
  arr_err err;
  lay.nrecipient = 7;
  assert_int_equal(arr_letter_pdf(&lay, d, &pdf, &len, &pages, &err), ARR_ERR_INVALID);
  assert_null(pdf);
  assert_string_equal(err.field, "nrecipient");
  lay = layout_of("en");
  lay.recipient[0] = "bad \xC3";
  assert_int_equal(arr_letter_pdf(&lay, d, &pdf, &len, &pages, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg, "recipient: is not valid UTF-8");
  lay = layout_of("en");
  lay.created_unix = -5;
  assert_int_equal(arr_letter_pdf(&lay, d, &pdf, &len, &pages, &err), ARR_ERR_INVALID);
  assert_string_equal(err.field, "created_unix");
  arr_letter_doc_free(d);
  /* An empty letter and NULL strings still render. */
  arr_letter_doc empty = {.subject = NULL, .nblocks = 0, .blocks = NULL};
  arr_letter_layout bare = {.language = NULL};
  assert_int_equal(arr_letter_pdf(&bare, &empty, &pdf, &len, &pages, &err), ARR_OK);
  assert_int_equal(pages, 1);
  free(pdf);
}

typedef struct {
  const arr_letter_doc *doc;
  unsigned char *pdf;
  size_t len;
} job;

static void *worker(void *arg) {
  job *j = arg;
  arr_letter_layout lay = layout_of("es");
  int pages;
  arr_err err;
  for (int i = 0; i < 3; i++) {
    free(j->pdf);
    j->pdf = NULL;
    if (arr_letter_pdf(&lay, j->doc, &j->pdf, &j->len, &pages, &err) != ARR_OK) {
      return NULL;
    }
  }
  return j; /* no arr_letter_pdf_thread_done: the thread's end frees its state */
}

static void test_threads(void **state) {
  (void)state;
  arr_letter_doc *d =
      doc_of("= T\xC3\xADtulo\nHola {{debtor.name}}.\n| A | {{amount}}\n");
  arr_letter_layout lay = layout_of("es");
  size_t len;
  int pages;
  unsigned char *want = render(&lay, d, &len, &pages);
  job jobs[3] = {{d, NULL, 0}, {d, NULL, 0}, {d, NULL, 0}};
  pthread_t th[3];
  for (int i = 0; i < 3; i++) {
    assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
  }
  for (int i = 0; i < 3; i++) {
    void *ret;
    assert_int_equal(pthread_join(th[i], &ret), 0);
    assert_ptr_equal(ret, &jobs[i]);
    assert_int_equal(jobs[i].len, len);
    assert_memory_equal(jobs[i].pdf, want, len);
    free(jobs[i].pdf);
  }
  free(want);
  arr_letter_doc_free(d);
}

/* A two-page letter like the validation notice: headings, paragraphs, the
 * itemization, the tear-off form. */
static const char k_notice[] =
    "{{debtor.name}} Acme Recovery is a debt collector. We are trying to collect a debt "
    "that you owe to Mercy Hospital. We will use any information you give us to help "
    "collect the debt.\n\n"
    "== Our information shows:\n"
    "You had an account from Mercy Hospital with account number ****1234.\n\n"
    "| As of January 2, 2026, you owed: | $2,000.00\n"
    "| Between January 2, 2026 and today: |\n"
    "| You were charged this amount in interest: | + $10.00\n"
    "| You were charged this amount in fees: | + $25.00\n"
    "| You paid or were credited this amount toward the debt: | - $35.00\n"
    "|= Total amount of the debt now: | {{amount}}\n"
    "== How can you dispute the debt?\n"
    "Call or write to us by December 28, 2026, to dispute all or part of the debt. If "
    "you "
    "do not, we will assume that our information is correct.\n\n"
    "If you write to us by December 28, 2026, we must stop collection on any amount you "
    "dispute until we send you information that shows you owe the debt. You may use the "
    "form below or write to us without the form. You may also include supporting "
    "documents. Our mailing address is Acme Recovery, PO Box 100, Tulsa, OK 74103.\n\n"
    "== What else can you do?\n"
    "Write to ask for the name and address of the original creditor, if different from "
    "the current creditor. If you write by December 28, 2026, we must stop collection "
    "until we send you that information.\n\n"
    "Go to www.cfpb.gov/debt-collection to learn more about your rights under federal "
    "law. For instance, you have the right to stop or limit how we contact you.\n\n"
    "Contact us about your payment options.\n\n"
    "P\xC3\xB3ngase en contacto con nosotros para solicitar una copia de este formulario "
    "en espa\xC3\xB1ol.\n\n"
    "Call us at (800) 555-0100, Monday to Friday, 8 a.m. to 8 p.m. Central.\n"
    "%% tearoff\n"
    "== How do you want to respond?\n"
    "Mail this form to: Acme Recovery, PO Box 100, Tulsa, OK 74103\n\n"
    "From: {{debtor.name}}, 12 Elm St, Tulsa, OK 74103\n\n"
    "Reference: 1234\n\n"
    "I want to dispute the debt because I think:\n"
    "[ ] This is not my debt.\n"
    "[ ] The amount is wrong.\n"
    "[ ] Other (please describe on reverse or attach additional information).\n"
    "I want you to send me the name and address of the original creditor.\n"
    "[ ] I enclosed this amount:\n"
    "____ $\n"
    "Make your check payable to Acme Recovery. Include the reference number 1234.\n"
    "[ ] Quiero este formulario en espa\xC3\xB1ol.\n";

static void test_timing(void **state) {
  (void)state;
  arr_letter_doc *d = doc_of(k_notice);
  arr_letter_layout lay = layout_of("en");
  size_t len;
  int pages;
  unsigned char *pdf = render(&lay, d, &len, &pages); /* warms the font caches */
  free(pdf);
  assert_int_equal(pages, 2);
  enum { N = 50 };
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < N; i++) {
    pdf = render(&lay, d, &len, &pages);
    free(pdf);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms =
      ((double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
  print_message("two-page letter: %.2f ms per letter (%d letters, %zu bytes each)\n",
                ms / N, N, len);
  arr_letter_doc_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_text_back, setup, teardown),
      cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pages, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tearoff, setup, teardown),
      cmocka_unit_test_setup_teardown(test_window, setup, teardown),
      cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
      cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
      cmocka_unit_test_setup_teardown(test_timing, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
