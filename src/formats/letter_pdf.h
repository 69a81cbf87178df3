/*
 * letter_pdf.h — renders a filled letter (letter_template.h) as a US Letter PDF for
 * printing and mailing in a #10 window envelope, with cairo and pango (the font is
 * DejaVu Sans, Debian's fonts-dejavu-core, found through fontconfig). Pure apart from
 * reading the font; the output is a buffer.
 *
 * Page 1: the sender block at the top left (agency name bold), the date and the
 * reference at the top right, the recipient's address in the envelope window (1 in
 * from the left, 2.125 in from the top, at most 3.5 x 0.875 in: the font shrinks down
 * to 8 pt, then lines are cut with an ellipsis, never past the window), the body from
 * 3.5 in down. Later pages: the body from 1 in down. Margins 1 in; a footer 0.5 in
 * from the bottom with the footer text at the left and "Page X of Y" ("Página X de Y")
 * at the right. Paragraphs split across pages line by line; other blocks move whole
 * to the next page; a heading stays with what follows it; the tear-off part (from the
 * tear-off block to the end) starts a new page when it does not fit on the current
 * one, unless it is taller than a page.
 *
 * Deterministic: the same input gives the same bytes (the creation date is
 * created_unix, nothing else depends on the clock). Thread-safe: each thread keeps
 * its own pango context and font map (fontconfig's caches are shared), freed when the
 * thread ends or calls arr_letter_pdf_thread_done.
 *
 * Under LeakSanitizer, fontconfig's one-time loading of its configuration leaks a few
 * hundred bytes inside the library: tests/lsan.supp suppresses exactly that.
 */
#ifndef ARR_LETTER_PDF_H
#define ARR_LETTER_PDF_H

#include <stdint.h>

#include "core/err.h"
#include "formats/letter_template.h"

enum { ARR_LETTER_PDF_MAX_PAGES = 100, ARR_LETTER_LAYOUT_LINES = 6 };

typedef struct {
  const char *sender[ARR_LETTER_LAYOUT_LINES];    /* return address block: agency name, */
  int nsender;                                    /* street, city line, phone, hours */
  const char *recipient[ARR_LETTER_LAYOUT_LINES]; /* name, street line(s), city line */
  int nrecipient;
  const char *date_line; /* "November 23, 2026" */
  const char *reference; /* printed under the date, e.g. "Reference 1234" */
  const char *footer;    /* footer text at the left, e.g. "Letter 57" */
  const char *language;  /* "en" | "es": "Page 1 of 2" / "Página 1 de 2", the tear-off
                            caption */
  int64_t created_unix;  /* the PDF's creation date */
} arr_letter_layout;

/* Renders doc into a PDF in memory: *pdf malloc'd (the caller frees it), *len its
 * size, *pages the page count. Strings must be UTF-8 (NULL reads as ""). Errors:
 * ARR_ERR_INVALID (bad layout: line counts, UTF-8, created_unix out of range; err->field
 * names it; or more than ARR_LETTER_PDF_MAX_PAGES pages), ARR_ERR_IO (the font is not
 * installed, cairo failed), ARR_ERR_NOMEM. */
arr_rc arr_letter_pdf(const arr_letter_layout *lay, const arr_letter_doc *doc,
                      unsigned char **pdf, size_t *len, int *pages, arr_err *err);

/* Frees the calling thread's pango context, fonts and font map now (the next
 * arr_letter_pdf on the thread makes them again). Optional: a thread that ends frees
 * them by itself; the main thread may call it before exiting. */
void arr_letter_pdf_thread_done(void);

#endif
