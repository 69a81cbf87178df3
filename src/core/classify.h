/*
 * classify.h — what a piece of inbound correspondence (a scanned letter's subject, an
 * email's text) most likely is: a dispute, a cease request, a bankruptcy notice, an
 * attorney's letter, a payment, or other; with the phrase that decided it, so the
 * screen can say "suggested: dispute — found 'not my debt'".
 *
 * A keyword reader, not a model: a fixed table of English and Spanish phrases, matched
 * case-insensitively at the start of a word. The suggestion is only a suggestion —
 * the person filing the item confirms or changes the kind — but when nobody does, the
 * suggestion is what gets filed, and a dispute, cease, bankruptcy or attorney filing
 * sets a compliance hold. So the errors are made in the safe direction:
 *
 *   - Precedence, when phrases of several kinds appear: bankruptcy, then cease, then
 *     attorney, then dispute, then payment, then other. This is the order of how much
 *     each one stops (the automatic stay stops every act of collection by court order;
 *     a cease stops all communication; representation stops communication with the
 *     debtor; a dispute stops collection until verification is mailed; a payment stops
 *     nothing). A letter that encloses a payment "under protest, I dispute the
 *     balance" is a dispute; a lawyer's letter announcing a chapter 13 filing is a
 *     bankruptcy notice. Missing a legal notice costs far more than holding an account
 *     a supervisor then releases.
 *   - No negation: "I do not dispute this" reads as a dispute. Over-holding is the
 *     safe error; the person filing sees the phrase and can correct the kind.
 *
 * Matching: a phrase matches at a word start (the byte before is not a letter or digit
 * — bytes of multi-byte UTF-8 characters count as letters) and, for most phrases, may
 * continue ("dispute" matches "disputed", "bankruptcy" matches "bankruptcy's"); short
 * or ambiguous phrases must end at a word end ("counsel" but not "counseling", "case
 * no" but not "case now"). A space in a phrase matches any run of spaces, tabs, line
 * breaks and no-break spaces (U+00A0), so text wrapped by a scanner or a mail client
 * still matches; an apostrophe matches ' and the typographic ’ (U+2019). ASCII letters
 * are compared without case; every phrase is ASCII, so a match never starts or ends
 * inside a multi-byte character and offsets are safe to cut UTF-8 text at.
 *
 * Pure: no I/O, no allocation; at most ARR_CLASSIFY_MAX_BYTES of the text are read.
 */
#ifndef ARR_CLASSIFY_H
#define ARR_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  ARR_CORR_OTHER = 0,
  ARR_CORR_PAYMENT,
  ARR_CORR_DISPUTE,
  ARR_CORR_ATTORNEY,
  ARR_CORR_CEASE,
  ARR_CORR_BANKRUPTCY,
} arr_corr_kind;

/* How much text is read (1 MiB); the rest is ignored. */
enum { ARR_CLASSIFY_MAX_BYTES = 1024 * 1024 };

/* The kind's stable name ("dispute", "cease", "payment", "bankruptcy", "attorney",
 * "other"). */
const char *arr_corr_kind_name(arr_corr_kind k);
/* Parses a kind's name (exact, lower case); false when it is none of them. */
bool arr_corr_kind_parse(const char *s, arr_corr_kind *out);
/* The precedence above as a number: a kind with a higher rank outranks a lower one
 * when both are found (other 0 ... bankruptcy 5). */
int arr_corr_kind_rank(arr_corr_kind k);

/* Classifies text[0..len) (NULL with len 0 is other). *kind receives the kind; *phrase
 * the listed phrase that decided it (a static ASCII string) or NULL for other; *at the
 * byte offset in text where that phrase was first found (0 for other). Of several
 * phrases of the deciding kind, the earliest in the text is reported. */
void arr_classify_correspondence(const char *text, size_t len, arr_corr_kind *kind,
                                 const char **phrase, size_t *at);

#endif
