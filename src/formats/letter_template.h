/*
 * letter_template.h — letter templates: the parser, the filler (fields and
 * conditionals resolved into a list of blocks) and the plain-text renderer used for
 * email bodies. Pure: no I/O, no clock; the PDF renderer is formats/letter_pdf.h.
 *
 * A template is UTF-8 text, at most 64 KiB, LF or CRLF line endings (a UTF-8 byte
 * order mark at the start is skipped):
 *
 *     # comment lines (header only)
 *     subject: Notice of a debt about {{account.number}}
 *     kind: collection          collection | cease_ack | remedy | verification | ended
 *     repeat: once              "once" or "every N days", N 1..365
 *     ---
 *     body, one construct a line:
 *     = TEXT  heading            == TEXT  subheading
 *     plain lines join (one space) into a paragraph; a blank line ends it
 *     | LABEL | VALUE  row        |= LABEL | VALUE  total row (bold, rule above)
 *     [ ] TEXT  checkbox          ____ TEXT  fill-in line (TEXT, then a line to write on)
 *     %% tearoff  (the rest of the letter is the tear-off part, kept on one page)
 *     %% pagebreak
 *     ? FIELD ... ? end   lines kept only when FIELD is non-empty (?! FIELD: when empty)
 *     {{field}} anywhere in a line or in the subject: the field's value
 *
 * Limits: 64 KiB of text, 4096 bytes a line, 2000 body lines that are not blank,
 * field names [a-z0-9_.] of 1..48 bytes and only those the caller lists, one tear-off
 * (no page break after it), conditionals do not nest. Control characters other than
 * tab (read as a space) are refused. Every error names the line and the column (in
 * characters, from 1): "line 7, column 12: unknown field {{debtor.nmae}}".
 */
#ifndef ARR_LETTER_TEMPLATE_H
#define ARR_LETTER_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

enum {
  ARR_TEMPLATE_MAX_BYTES = 65536,
  ARR_TEMPLATE_FIELD_MAX = 48,
  ARR_TEMPLATE_LINE_MAX = 4096,   /* bytes, without the line ending */
  ARR_TEMPLATE_BLOCKS_MAX = 2000, /* body lines that are not blank */
  ARR_LETTER_MAX_BYTES = 1 << 20  /* a filled letter's text, all blocks together */
};

typedef enum {
  ARR_TK_COLLECTION,
  ARR_TK_CEASE_ACK,
  ARR_TK_REMEDY,
  ARR_TK_VERIFICATION,
  ARR_TK_ENDED
} arr_template_kind;

/* Every field the service fills and a template may use (templates/letters/README.md),
 * NULL-terminated: the `known` list arr_template_parse is given for letters. */
enum { ARR_LETTER_FIELD_COUNT = 40 };
extern const char *const ARR_LETTER_FIELDS[ARR_LETTER_FIELD_COUNT + 1];

typedef struct arr_letter_template arr_letter_template; /* opaque, heap-allocated */

/* Parses text[0..len). known: NULL-terminated list of the field names a template may
 * use (NULL: none). On success *out is a new template the caller frees with
 * arr_template_free; it keeps no pointer into text or known. On failure *out is NULL
 * and err says "line L, column C: ..." (ARR_ERR_INVALID, field "text"), or
 * ARR_ERR_NOMEM. */
arr_rc arr_template_parse(const char *text, size_t len, const char *const *known,
                          arr_letter_template **out, arr_err *err);
/* Frees t (NULL is fine). */
void arr_template_free(arr_letter_template *t);

arr_template_kind arr_template_kind_of(const arr_letter_template *t);
/* "collection", "cease_ack", "remedy", "verification", "ended" ("unknown" otherwise). */
const char *arr_template_kind_name(arr_template_kind k);
/* Days between repeats: 0 = once. */
int arr_template_repeat_days(const arr_letter_template *t);
/* Whether the template uses field name: in the subject, the body or a condition. */
bool arr_template_uses(const arr_letter_template *t, const char *name);

typedef enum {
  ARR_BLOCK_HEADING,
  ARR_BLOCK_SUBHEADING,
  ARR_BLOCK_PARAGRAPH,
  ARR_BLOCK_ROW,
  ARR_BLOCK_TOTAL,
  ARR_BLOCK_CHECKBOX,
  ARR_BLOCK_FILLIN,
  ARR_BLOCK_TEAROFF,
  ARR_BLOCK_PAGEBREAK
} arr_block_kind;

typedef struct {
  arr_block_kind kind;
  const char *text;  /* UTF-8, one line (no control characters); "" for TEAROFF and
                        PAGEBREAK (the renderer writes the tear-off caption) */
  const char *value; /* ROW/TOTAL: the value column; else "" */
} arr_letter_block;

/* A filled letter. One allocation: the block array and every string live in the
 * private storage after these members; free it with arr_letter_doc_free. */
typedef struct {
  const char *subject;
  int nblocks;
  const arr_letter_block *blocks;
} arr_letter_doc;

/* Returns the value of field name (never called with a name the template was not
 * parsed with) or NULL for empty. The value must be UTF-8; control characters in it
 * (a line break in an address) become spaces. */
typedef const char *(*arr_field_lookup)(void *ctx, const char *name);

/* Fills t: conditionals resolved, {{fields}} substituted, paragraph lines joined with
 * one space (a line that is empty once filled adds nothing; an empty paragraph is
 * dropped). Errors: ARR_ERR_INVALID when a value is not UTF-8 (err->field is the
 * field's name) or the letter would pass ARR_LETTER_MAX_BYTES; ARR_ERR_NOMEM. */
arr_rc arr_template_fill(const arr_letter_template *t, arr_field_lookup lookup, void *ctx,
                         arr_letter_doc **out, arr_err *err);
/* Frees d (NULL is fine). */
void arr_letter_doc_free(arr_letter_doc *d);

/* The tear-off caption in language ("es": Spanish; anything else: English). */
const char *arr_letter_tearoff_caption(const char *language);

/* Plain-text rendering (email bodies), LF line endings: headings underlined with '='
 * (subheadings '-'), paragraphs wrapped at 72 columns (UTF-8 code points; a word
 * longer than a line, such as a URL, is not broken), rows with the value
 * right-aligned at column 72 (a total row under a rule of '-'), checkboxes "[ ] text",
 * fill-in "text ________", the tear-off as a dashed line "- - - - - ..." then its
 * caption, a page break as a blank line. Blocks are separated by a blank line, except
 * consecutive rows, checkboxes or fill-ins. *out is malloc'd and NUL-terminated, *len
 * its length without the NUL (len may be NULL). Errors: ARR_ERR_NOMEM. */
arr_rc arr_letter_text(const arr_letter_doc *d, const char *language, char **out,
                       size_t *len, arr_err *err);

#endif
