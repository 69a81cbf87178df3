/*
 * fuzz_letter_template.c — libFuzzer target for formats/letter_template (and, on
 * what it produces, formats/mime).
 *
 * The input is a template. A rejection must be ARR_ERR_INVALID with the documented
 * "line L, column C: " shape. An accepted template is filled twice (every field set,
 * every field empty: both sides of each condition), each letter rendered as plain
 * text and composed into an email. Filled letters must hold only valid UTF-8 without
 * control characters; the text must be as long as it says; the message must be
 * CRLF-only with no line longer than 998 (RFC 5322's hard limit). Any violation calls
 * abort(). The PDF renderer is left out: it runs pango and cairo, not our parsing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/letter_template.h"
#include "formats/mime.h"

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      abort();                                                                           \
    }                                                                                    \
  } while (0)

/* Every field set: a value with accents, a line break and a tab (made spaces). */
static const char *full(void *ctx, const char *name) {
  (void)ctx;
  (void)name;
  return "Jos\xC3\xA9 N\xC3\xBA\xC3\xB1\x65z\r\n$1,234.56\t=?x?=";
}

static const char *empty(void *ctx, const char *name) {
  (void)ctx;
  (void)name;
  return NULL;
}

static bool clean_utf8(const char *s) {
  const unsigned char *u = (const unsigned char *)s;
  while (*u != 0) {
    if (*u < 0x20 || *u == 0x7F) {
      return false;
    }
    int k = *u < 0x80 ? 0 : *u >= 0xF0 ? 3 : *u >= 0xE0 ? 2 : *u >= 0xC2 ? 1 : -1;
    if (k < 0) {
      return false;
    }
    for (int i = 1; i <= k; i++) {
      if ((u[i] & 0xC0) != 0x80) {
        return false;
      }
    }
    u += k + 1;
  }
  return true;
}

static void check_message(const char *msg, size_t len) {
  CHECK(strlen(msg) == len);
  size_t line = 0;
  for (size_t i = 0; i < len; i++) {
    if (msg[i] == '\r') {
      CHECK(i + 1 < len && msg[i + 1] == '\n');
      CHECK(line <= 998);
      line = 0;
      i++;
    } else {
      CHECK(msg[i] != '\n');
      line++;
    }
  }
  CHECK(line == 0); /* ends with CRLF */
}

static void check_doc(const arr_letter_doc *d) {
  CHECK(d->subject != NULL && clean_utf8(d->subject));
  CHECK(d->nblocks >= 0 && d->nblocks <= ARR_TEMPLATE_BLOCKS_MAX);
  for (int i = 0; i < d->nblocks; i++) {
    const arr_letter_block *b = &d->blocks[i];
    CHECK((unsigned)b->kind <= ARR_BLOCK_PAGEBREAK);
    CHECK(clean_utf8(b->text) && clean_utf8(b->value));
    CHECK(b->kind == ARR_BLOCK_ROW || b->kind == ARR_BLOCK_TOTAL || b->value[0] == '\0');
    CHECK(b->kind != ARR_BLOCK_PARAGRAPH || b->text[0] != '\0');
  }
  char *text;
  size_t len;
  arr_err err;
  CHECK(arr_letter_text(d, "es", &text, &len, &err) == ARR_OK);
  CHECK(strlen(text) == len);
  arr_mime_message m = {.from_name = "Acme",
                        .from_addr = "a@acme.example",
                        .to_name = d->subject,
                        .to_addr = "j@example.com",
                        .subject = d->subject,
                        .body_text = text,
                        .message_id = "letter-1.x@arrears",
                        .list_unsubscribe_url = "https://a.example/o",
                        .date_unix = 1795456800};
  char *msg;
  size_t mlen;
  arr_rc rc = arr_mime_compose(&m, &msg, &mlen, &err);
  if (rc == ARR_OK) {
    check_message(msg, mlen);
    free(msg);
  } else {
    /* Only sizes can fail: a long name, subject or body. */
    CHECK(rc == ARR_ERR_INVALID && strstr(err.msg, "is longer than") != NULL);
  }
  free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  arr_letter_template *t = NULL;
  arr_err err;
  arr_rc rc = arr_template_parse((const char *)data, size, ARR_LETTER_FIELDS, &t, &err);
  if (rc != ARR_OK) {
    CHECK(rc == ARR_ERR_INVALID && t == NULL);
    int line, col;
    CHECK(sscanf(err.msg, "line %d, column %d: ", &line, &col) == 2);
    CHECK(line >= 1 && col >= 1 && (size_t)col <= ARR_TEMPLATE_LINE_MAX + 1);
    CHECK(strcmp(err.field, "text") == 0);
    return 0;
  }
  CHECK((unsigned)arr_template_kind_of(t) <= ARR_TK_ENDED);
  int days = arr_template_repeat_days(t);
  CHECK(days >= 0 && days <= 365);
  arr_field_lookup lookups[2] = {full, empty};
  for (int i = 0; i < 2; i++) {
    arr_letter_doc *d = NULL;
    rc = arr_template_fill(t, lookups[i], NULL, &d, &err);
    if (rc == ARR_OK) {
      check_doc(d);
      arr_letter_doc_free(d);
    } else {
      CHECK(rc == ARR_ERR_INVALID && d == NULL &&
            strstr(err.msg, "longer than 1048576 bytes") != NULL);
    }
  }
  arr_template_free(t);
  return 0;
}
