/*
 * mime.c — composes one plain-text email message (mime.h).
 *
 * Everything is checked before anything is written: the header values for line
 * breaks and control characters (header injection: refused, never cleaned up), the
 * addresses and the message id for a conservative shape, the URL, the sizes and the
 * UTF-8. Then the message is written into one growing buffer.
 *
 * Encoded-words: a name or subject that is not printable ASCII (or that holds "=?",
 * which a reader would take for an encoded-word) is written whole as B encoded-words,
 * each cut at a character boundary so that its line stays within 76 columns (so no
 * word passes 75), one per folded line; readers drop the folding whitespace between
 * adjacent encoded-words, so the text comes back exactly. ASCII subjects are folded
 * at spaces near 78 columns.
 *
 * Quoted-printable (RFC 2045 6.7): printable ASCII but '=' as is, every other byte as
 * =XX, a space or tab at the end of a line as =20/=09, soft line breaks ("=" CRLF) so
 * no line passes 76 columns, an escape never split. A '.' or "From " at the start of a
 * line is escaped too, so neither SMTP dot-stuffing nor an mbox reader can change it.
 */
#include "formats/mime.h"
#include "core/utf8.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
  LINE_SOFT = 78, /* RFC 5322's "SHOULD" line length, for folding headers */
  QP_LINE = 76,   /* RFC 2045's limit for encoded lines */
  EW_LINE = 76,   /* lines holding encoded-words stay within this */
  MSGID_MAX = 200,
  LOCAL_MAX = 64
};

typedef struct {
  char *p;
  size_t len, cap;
  bool oom;
} mbuf;

static void put(mbuf *b, const char *s, size_t n) {
  if (b->oom) {
    return;
  }
  if (b->len + n + 1 > b->cap) {
    size_t ncap = b->cap == 0 ? 4096 : b->cap;
    while (ncap < b->len + n + 1) {
      ncap *= 2;
    }
    char *q = realloc(b->p, ncap);
    if (q == NULL) {
      b->oom = true;
      return;
    }
    b->p = q;
    b->cap = ncap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void puts_(mbuf *b, const char *s) {
  put(b, s, strlen(s));
}

/* ---- checks ----------------------------------------------------------------------- */

static bool utf8_valid(const char *s, size_t n) {
  return arr_utf8_valid_prefix(s, n) == n;
}

static arr_rc bad(arr_err *err, const char *field, const char *why) {
  return arr_err_field(err, ARR_ERR_INVALID, field, "%s: %s", field, why);
}

/* The injection check, for every header value first: no CR, LF or other control. */
static arr_rc check_controls(const char *field, const char *s, arr_err *err) {
  for (const char *q = s; q != NULL && *q != '\0'; q++) {
    unsigned char c = (unsigned char)*q;
    if (c == '\r' || c == '\n') {
      return bad(err, field, "a header may not contain a line break");
    }
    if (c < 0x20 || c == 0x7F) {
      return bad(err, field, "a header may not contain a control character");
    }
  }
  return ARR_OK;
}

/* A UTF-8 header text (name or subject) of at most max bytes. */
static arr_rc check_text(const char *field, const char *s, size_t max, arr_err *err) {
  size_t n = s == NULL ? 0 : strlen(s);
  if (n > max) {
    char why[64];
    snprintf(why, sizeof why, "is longer than %zu bytes", max);
    return bad(err, field, why);
  }
  return utf8_valid(s == NULL ? "" : s, n) ? ARR_OK
                                           : bad(err, field, "is not valid UTF-8");
}

static bool dots_ok(const char *s, size_t n) {
  if (n == 0 || s[0] == '.' || s[n - 1] == '.') {
    return false;
  }
  for (size_t i = 1; i < n; i++) {
    if (s[i] == '.' && s[i - 1] == '.') {
      return false;
    }
  }
  return true;
}

/* An address (or a message id, which has the same shape): local@domain, printable
 * ASCII without spaces or specials, one '@', at most max bytes. */
static arr_rc check_addr(const char *field, const char *s, size_t max, arr_err *err) {
  if (s == NULL || s[0] == '\0') {
    return bad(err, field, "is required");
  }
  size_t n = strlen(s);
  if (n > max) {
    char why[64];
    snprintf(why, sizeof why, "is longer than %zu bytes", max);
    return bad(err, field, why);
  }
  const char *at = NULL;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ') {
      return bad(err, field, "may not contain a space");
    }
    if (c < 0x21 || c > 0x7E || strchr("<>\",;()[]:\\", c) != NULL) {
      return bad(err, field, "may contain only printable ASCII without <>\",;()[]:\\");
    }
    if (c == '@') {
      if (at != NULL) {
        return bad(err, field, "must contain exactly one '@'");
      }
      at = s + i;
    }
  }
  if (at == NULL) {
    return bad(err, field, "must contain exactly one '@'");
  }
  size_t local = (size_t)(at - s);
  if (local > LOCAL_MAX || !dots_ok(s, local) || !dots_ok(at + 1, n - local - 1)) {
    return bad(err, field, "is not a valid address (local@domain)");
  }
  return ARR_OK;
}

static arr_rc check_url(const char *s, arr_err *err) {
  const char *field = "list_unsubscribe_url";
  size_t n = strlen(s);
  if (n > ARR_MIME_URL_MAX) {
    return bad(err, field, "is longer than 900 bytes");
  }
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x21 || c > 0x7E || c == '<' || c == '>') {
      return bad(err, field, "may contain only printable ASCII without spaces or <>");
    }
  }
  if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0) {
    return bad(err, field, "must be an http or https URL");
  }
  return ARR_OK;
}

static arr_rc check_body(const char *s, arr_err *err) {
  if (s == NULL) {
    return bad(err, "body_text", "is required");
  }
  size_t n = strlen(s);
  if (n > ARR_MIME_BODY_MAX) {
    return bad(err, "body_text", "is longer than 262144 bytes");
  }
  return utf8_valid(s, n) ? ARR_OK : bad(err, "body_text", "is not valid UTF-8");
}

static arr_rc check(const arr_mime_message *m, arr_err *err) {
  const char *fields[] = {
      "from_name",  "from_addr",           "to_name", "to_addr", "subject",
      "message_id", "list_unsubscribe_url"};
  const char *values[] = {
      m->from_name,  m->from_addr,           m->to_name, m->to_addr, m->subject,
      m->message_id, m->list_unsubscribe_url};
  arr_rc rc = ARR_OK;
  for (size_t i = 0; i < sizeof fields / sizeof fields[0] && rc == ARR_OK; i++) {
    rc = check_controls(fields[i], values[i], err);
  }
  if (rc == ARR_OK && m->subject == NULL) {
    rc = bad(err, "subject", "is required");
  }
  if (rc == ARR_OK) {
    rc = check_text("from_name", m->from_name, ARR_MIME_NAME_MAX, err);
  }
  if (rc == ARR_OK) {
    rc = check_addr("from_addr", m->from_addr, ARR_MIME_ADDR_MAX, err);
  }
  if (rc == ARR_OK) {
    rc = check_text("to_name", m->to_name, ARR_MIME_NAME_MAX, err);
  }
  if (rc == ARR_OK) {
    rc = check_addr("to_addr", m->to_addr, ARR_MIME_ADDR_MAX, err);
  }
  if (rc == ARR_OK) {
    rc = check_text("subject", m->subject, ARR_MIME_SUBJECT_MAX, err);
  }
  if (rc == ARR_OK) {
    rc = check_addr("message_id", m->message_id, MSGID_MAX, err);
  }
  if (rc == ARR_OK && m->list_unsubscribe_url != NULL && m->list_unsubscribe_url[0]) {
    rc = check_url(m->list_unsubscribe_url, err);
  }
  if (rc == ARR_OK) {
    rc = check_body(m->body_text, err);
  }
  if (rc == ARR_OK && (m->date_unix < 0 || m->date_unix > 253402300799)) {
    rc = bad(err, "date_unix", "must be a time from 1970 to 9999");
  }
  return rc;
}

/* ---- headers ---------------------------------------------------------------------- */

static void base64(mbuf *b, const unsigned char *s, size_t n) {
  static const char k[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)s[i] << 16;
    v |= i + 1 < n ? (unsigned)s[i + 1] << 8 : 0;
    v |= i + 2 < n ? s[i + 2] : 0;
    char q[4] = {k[v >> 18], k[(v >> 12) & 63], i + 1 < n ? k[(v >> 6) & 63] : '=',
                 i + 2 < n ? k[v & 63] : '='};
    put(b, q, 4);
  }
}

/* Writes s[0..n) as encoded-words starting at column col; returns the final column. */
static size_t put_encoded(mbuf *b, const char *s, size_t n, size_t col) {
  static const char pre[] = "=?UTF-8?B?";
  const size_t overhead = sizeof pre - 1 + 2;
  size_t i = 0;
  while (i < n) {
    if (col + overhead + 8 > EW_LINE) {
      puts_(b, "\r\n ");
      col = 1;
    }
    size_t take = (EW_LINE - col - overhead) / 4 * 3;
    if (take >= n - i) {
      take = n - i;
    } else {
      while (take > 0 && ((unsigned char)s[i + take] & 0xC0) == 0x80) {
        take--; /* never split a character */
      }
    }
    puts_(b, pre);
    base64(b, (const unsigned char *)s + i, take);
    puts_(b, "?=");
    col += overhead + (take + 2) / 3 * 4;
    i += take;
    if (i < n) {
      puts_(b, "\r\n ");
      col = 1;
    }
  }
  return col;
}

static bool needs_encoding(const char *s) {
  for (const char *q = s; *q != '\0'; q++) {
    if ((unsigned char)*q >= 0x80) {
      return true;
    }
  }
  return strstr(s, "=?") != NULL;
}

/* "Name <addr>" (the name encoded or quoted as needed) or the bare address. */
static void put_mailbox(mbuf *b, const char *header, const char *name, const char *addr) {
  puts_(b, header);
  size_t col = strlen(header);
  if (name != NULL && name[0] != '\0') {
    size_t n = strlen(name);
    if (needs_encoding(name)) {
      col = put_encoded(b, name, n, col);
    } else if (strpbrk(name, "()<>[]:;@\\,.\"") != NULL || name[0] == ' ' ||
               name[n - 1] == ' ') {
      put(b, "\"", 1);
      for (const char *q = name; *q != '\0'; q++) {
        if (*q == '"' || *q == '\\') {
          put(b, "\\", 1);
          col++;
        }
        put(b, q, 1);
      }
      put(b, "\"", 1);
      col += n + 2;
    } else {
      put(b, name, n);
      col += n;
    }
    bool fold = col + 3 + strlen(addr) > LINE_SOFT;
    puts_(b, fold ? "\r\n <" : " <");
    puts_(b, addr);
    put(b, ">", 1);
  } else {
    puts_(b, addr);
  }
  puts_(b, "\r\n");
}

/* An ASCII subject folded before a space where a line would pass 78 columns. */
static void put_ascii_folded(mbuf *b, const char *s, size_t col) {
  const char *seg = s;
  while (*seg != '\0') {
    const char *end = strchr(seg + 1, ' ');
    if (end == NULL) {
      end = seg + strlen(seg);
    }
    size_t n = (size_t)(end - seg);
    if (seg != s && *seg == ' ' && col + n > LINE_SOFT) {
      puts_(b, "\r\n");
      col = 0;
    }
    put(b, seg, n);
    col += n;
    seg = end;
  }
}

static void put_subject(mbuf *b, const char *subject) {
  puts_(b, "Subject: ");
  if (needs_encoding(subject)) {
    put_encoded(b, subject, strlen(subject), 9);
  } else {
    put_ascii_folded(b, subject, 9);
  }
  puts_(b, "\r\n");
}

static void put_date(mbuf *b, int64_t unix_s) {
  static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t t = (time_t)unix_s;
  struct tm tm;
  char line[64];
  if (gmtime_r(&t, &tm) == NULL) {
    b->oom = true; /* checked range: cannot happen */
    return;
  }
  snprintf(line, sizeof line, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
           wd[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
           tm.tm_min, tm.tm_sec);
  puts_(b, line);
}

/* ---- body ------------------------------------------------------------------------- */

/* Appends one body line s[0..n) quoted-printable, then CRLF. */
static void put_qp_line(mbuf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  size_t col = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    bool last = i + 1 == n;
    bool lit = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
    if (i == 0 && (c == '.' || (n >= 5 && memcmp(s, "From ", 5) == 0))) {
      lit = false;
    }
    char tok[3] = {(char)c, hex[c >> 4], hex[c & 15]};
    size_t k = lit ? 1 : 3;
    if (col + k > QP_LINE - 1 && !(last && col + k <= QP_LINE)) {
      puts_(b, "=\r\n");
      col = 0;
    }
    if (lit) {
      put(b, tok, 1);
    } else {
      put(b, "=", 1);
      put(b, tok + 1, 2);
    }
    col += k;
  }
  puts_(b, "\r\n");
}

static void put_qp_body(mbuf *b, const char *s) {
  while (*s != '\0') {
    size_t n = strcspn(s, "\r\n");
    put_qp_line(b, s, n);
    s += n;
    if (s[0] == '\r' && s[1] == '\n') {
      s += 2;
    } else if (*s != '\0') {
      s++;
    }
  }
}

arr_rc arr_mime_compose(const arr_mime_message *m, char **out, size_t *len,
                        arr_err *err) {
  assert(m != NULL && out != NULL);
  *out = NULL;
  arr_rc rc = check(m, err);
  if (rc != ARR_OK) {
    return rc;
  }
  mbuf b = {0};
  put_date(&b, m->date_unix);
  put_mailbox(&b, "From: ", m->from_name, m->from_addr);
  put_mailbox(&b, "To: ", m->to_name, m->to_addr);
  put_subject(&b, m->subject);
  puts_(&b, "Message-ID: <");
  puts_(&b, m->message_id);
  puts_(&b, ">\r\n");
  if (m->list_unsubscribe_url != NULL && m->list_unsubscribe_url[0] != '\0') {
    puts_(&b, "List-Unsubscribe: <");
    puts_(&b, m->list_unsubscribe_url);
    puts_(&b, ">\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
  }
  puts_(&b, "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n");
  put_qp_body(&b, m->body_text);
  if (b.oom) {
    free(b.p);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  *out = b.p;
  if (len != NULL) {
    *len = b.len;
  }
  return ARR_OK;
}
