/*
 * mime.h — one plain-text email message (RFC 5322 with MIME, RFC 2045-2047), ready
 * for an SMTP client to send as is. Pure: the date is an argument.
 *
 * The message:
 *
 *     Date: Mon, 23 Nov 2026 18:00:00 +0000
 *     From: Acme Recovery <letters@acme.example>
 *     To: =?UTF-8?B?Sm9zw6kgTnXDsWV6?= <jose@example.com>
 *     Subject: Notice of a debt
 *     Message-ID: <letter-57.1a2b@arrears>
 *     List-Unsubscribe: <https://...>                  (only with a URL)
 *     List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058, with it)
 *     MIME-Version: 1.0
 *     Content-Type: text/plain; charset=UTF-8
 *     Content-Transfer-Encoding: quoted-printable
 *
 *     body, quoted-printable, CRLF line endings, no line longer than 76
 *
 * Header injection: a CR, LF or other control character in any header value is
 * refused (never stripped or folded away), with err->field naming the struct member.
 * Names and a subject that are not plain ASCII are written as RFC 2047 encoded-words
 * (=?UTF-8?B?...?=, none longer than 75 characters, one per folded line, never
 * splitting a character); ASCII names with specials are quoted.
 */
#ifndef ARR_MIME_H
#define ARR_MIME_H

#include <stdint.h>

#include "core/err.h"

enum {
  ARR_MIME_BODY_MAX = 256 * 1024, /* bytes of body_text */
  ARR_MIME_ADDR_MAX = 254,        /* bytes of an address (RFC 5321 path limit) */
  ARR_MIME_NAME_MAX = 256,        /* bytes of a display name */
  ARR_MIME_SUBJECT_MAX = 998,     /* bytes of the subject */
  ARR_MIME_URL_MAX = 900          /* bytes of the List-Unsubscribe URL */
};

typedef struct {
  const char *from_name, *from_addr, *to_name, *to_addr; /* UTF-8 names, ASCII addresses;
                                                            names may be NULL or "" */
  const char *subject, *body_text;  /* UTF-8; body lines end with LF or CRLF */
  const char *message_id;           /* without <>, e.g. "letter-57.1a2b@arrears" */
  const char *list_unsubscribe_url; /* NULL or "": no List-Unsubscribe headers; else an
                                       http(s) URL of printable ASCII */
  int64_t date_unix;                /* Date header, written in UTC "+0000" */
} arr_mime_message;

/* Composes m into *out (malloc'd, NUL-terminated, CRLF line endings), *len its length
 * without the NUL (len may be NULL). Errors: ARR_ERR_INVALID with err->field the
 * member at fault ("to_name: a header may not contain a line break", "to_addr: ...",
 * "body_text: is longer than 262144 bytes", "date_unix: ..."); ARR_ERR_NOMEM. */
arr_rc arr_mime_compose(const arr_mime_message *m, char **out, size_t *len, arr_err *err);

#endif
