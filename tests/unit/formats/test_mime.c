/*
 * test_mime.c — composing an email message (formats/mime.h).
 *
 * A plain message compared whole; encoded-words and quoted-printable decoded back and
 * compared with what went in, with every line's length checked; header injection (a
 * line break in each header field) refused with the field named; addresses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "formats/mime.h"

static arr_mime_message base(void) {
  arr_mime_message m = {
      .from_name = "Acme Recovery",
      .from_addr = "letters@acme.example",
      .to_name = "Jane Doe",
      .to_addr = "jane@example.com",
      .subject = "Notice of a debt",
      .body_text = "Hello Jane.\n\nWe wrote.\n",
      .message_id = "letter-57.1a2b@arrears",
      .date_unix = 1795456800, /* 2026-11-23 18:00:00 UTC */
  };
  return m;
}

/* Not inlined: GCC 12 at -O3 then takes the message for a pointer to this function's
 * local `out` (a false -Wdangling-pointer in its callers). */
__attribute__((noinline)) static char *compose_ok(const arr_mime_message *m) {
  char *out = NULL;
  size_t len = 0;
  arr_err err;
  arr_rc rc = arr_mime_compose(m, &out, &len, &err);
  if (rc != ARR_OK) {
    fail_msg("compose failed: %s", err.msg);
  }
  assert_int_equal(len, strlen(out));
  return out;
}

static void test_plain(void **state) {
  (void)state;
  arr_mime_message m = base();
  char *out = compose_ok(&m);
  assert_string_equal(out, "Date: Mon, 23 Nov 2026 18:00:00 +0000\r\n"
                           "From: Acme Recovery <letters@acme.example>\r\n"
                           "To: Jane Doe <jane@example.com>\r\n"
                           "Subject: Notice of a debt\r\n"
                           "Message-ID: <letter-57.1a2b@arrears>\r\n"
                           "MIME-Version: 1.0\r\n"
                           "Content-Type: text/plain; charset=UTF-8\r\n"
                           "Content-Transfer-Encoding: quoted-printable\r\n"
                           "\r\n"
                           "Hello Jane.\r\n"
                           "\r\n"
                           "We wrote.\r\n");
  free(out);

  m.from_name = NULL;
  m.to_name = "Doe, Jane \"JD\"";
  m.list_unsubscribe_url = "https://acme.example/optout?t=abc";
  m.date_unix = 1793588645; /* 2026-11-02 03:04:05 */
  out = compose_ok(&m);
  assert_non_null(strstr(out, "Date: Mon, 02 Nov 2026 03:04:05 +0000\r\n"
                              "From: letters@acme.example\r\n"
                              "To: \"Doe, Jane \\\"JD\\\"\" <jane@example.com>\r\n"));
  assert_non_null(strstr(out, "Message-ID: <letter-57.1a2b@arrears>\r\n"
                              "List-Unsubscribe: <https://acme.example/optout?t=abc>\r\n"
                              "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
                              "MIME-Version: 1.0\r\n"));
  free(out);
  m.list_unsubscribe_url = "";
  out = compose_ok(&m);
  assert_null(strstr(out, "List-Unsubscribe"));
  free(out);
}

/* ---- decoding helpers ----------------------------------------------------------- */

static int b64val(char c) {
  const char *k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const char *p = strchr(k, c);
  return c != '\0' && p != NULL ? (int)(p - k) : -1;
}

/* Decodes the value of header name (unfolded, encoded-words joined) into out. */
static void header_value(const char *msg, const char *name, char *out, size_t cap) {
  char key[64];
  snprintf(key, sizeof key, "\r\n%s: ", name);
  const char *p = strstr(msg, key);
  if (p == NULL && strncmp(msg, key + 2, strlen(key) - 2) == 0) {
    p = msg - 2;
  }
  assert_non_null(p);
  p += strlen(key);
  size_t n = 0;
  for (;;) {
    if (p[0] == '\r' && p[1] == '\n') {
      if (p[2] != ' ' && p[2] != '\t') {
        break;
      }
      p += 2; /* unfold */
      continue;
    }
    if (strncmp(p, "=?UTF-8?B?", 10) == 0) {
      p += 10;
      unsigned acc = 0;
      int bits = 0;
      while (*p != '?') {
        if (*p != '=') {
          int v = b64val(*p);
          assert_true(v >= 0);
          acc = (acc << 6) | (unsigned)v;
          bits += 6;
          if (bits >= 8) {
            bits -= 8;
            out[n++] = (char)((acc >> bits) & 0xFF);
          }
        }
        p++;
      }
      assert_true(p[1] == '=');
      p += 2;
      /* Whitespace between two encoded-words is not part of the text. */
      const char *q = p;
      while (*q == ' ' || *q == '\r' || *q == '\n') {
        q++;
      }
      if (strncmp(q, "=?UTF-8?B?", 10) == 0 && (q - p) > 0) {
        p = q;
      }
      continue;
    }
    out[n++] = *p++;
    assert_true(n < cap);
  }
  out[n] = '\0';
}

/* Every line of msg ends with CRLF, has no bare CR or LF, and is at most max long. */
static void check_lines(const char *msg, size_t max) {
  const char *line = msg;
  for (const char *p = msg; *p != '\0'; p++) {
    if (*p == '\n') {
      assert_true(p > msg && p[-1] == '\r');
      size_t len = (size_t)(p - 1 - line);
      if (len > max) {
        fail_msg("line longer than %zu: %.*s", max, (int)len, line);
      }
      line = p + 1;
    } else if (*p == '\r') {
      assert_true(p[1] == '\n');
    }
  }
  assert_true(*line == '\0'); /* ends with CRLF */
}

static int hexval(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes the quoted-printable body after the blank line; body lines end with LF. */
static char *qp_decode(const char *msg) {
  const char *p = strstr(msg, "\r\n\r\n");
  assert_non_null(p);
  p += 4;
  const char *start = p;
  char *out = malloc(strlen(p) + 1);
  assert_non_null(out);
  size_t n = 0;
  while (*p != '\0') {
    if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
      p += 3; /* soft line break */
    } else if (p[0] == '=') {
      assert_true(hexval(p[1]) >= 0 && hexval(p[2]) >= 0);
      out[n++] = (char)(hexval(p[1]) * 16 + hexval(p[2]));
      p += 3;
    } else if (p[0] == '\r' && p[1] == '\n') {
      /* No literal space or tab ends an encoded line. */
      assert_true(p == start || (p[-1] != ' ' && p[-1] != '\t'));
      out[n++] = '\n';
      p += 2;
    } else {
      assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7F && *p != '=');
      out[n++] = *p++;
    }
  }
  out[n] = '\0';
  return out;
}

static void test_encoded_words(void **state) {
  (void)state;
  arr_mime_message m = base();
  m.from_name = "Cobranzas Se\xC3\xB1or \xE2\x82\xAC";
  m.to_name = "Jos\xC3\xA9 Mar\xC3\xAD\x61 N\xC3\xBA\xC3\xB1\x65z de la Pe\xC3\xB1\x61 "
              "Garc\xC3\xAD\x61-Rodr\xC3\xADguez y Fern\xC3\xA1ndez";
  m.subject =
      "Aviso de una deuda: su cuenta con Acme ha sido transferida a nuestra "
      "agencia \xE2\x80\x94 acci\xC3\xB3n requerida, por favor lea con atenci\xC3\xB3n "
      "\xF0\x9F\x93\xAC fin";
  char *out = compose_ok(&m);
  check_lines(out, 78);
  char v[2048];
  header_value(out, "Subject", v, sizeof v);
  assert_string_equal(v, m.subject);
  header_value(out, "To", v, sizeof v);
  char want[1024];
  snprintf(want, sizeof want, "%s <jane@example.com>", m.to_name);
  assert_string_equal(v, want);
  header_value(out, "From", v, sizeof v);
  snprintf(want, sizeof want, "%s <letters@acme.example>", m.from_name);
  assert_string_equal(v, want);
  /* No encoded-word passes 75 characters; each decodes alone (whole characters). */
  for (const char *p = strstr(out, "=?UTF-8?B?"); p != NULL;
       p = strstr(p + 1, "=?UTF-8?B?")) {
    const char *end = strstr(p + 10, "?=");
    assert_non_null(end);
    assert_true(end + 2 - p <= 75);
  }
  free(out);

  /* ASCII with "=?" is encoded too; a long ASCII subject is folded at spaces. */
  m = base();
  m.subject = "Looks like =?an encoded word?=";
  out = compose_ok(&m);
  assert_non_null(strstr(out, "Subject: =?UTF-8?B?"));
  header_value(out, "Subject", v, sizeof v);
  assert_string_equal(v, m.subject);
  free(out);
  m.subject =
      "A long subject line that goes on and on about the debt and the payment plan "
      "and the settlement offer until it is well past seventy-eight columns";
  out = compose_ok(&m);
  check_lines(out, 78);
  header_value(out, "Subject", v, sizeof v);
  assert_string_equal(v, m.subject);
  free(out);
}

static void test_quoted_printable(void **state) {
  (void)state;
  arr_mime_message m = base();
  static char body[8192];
  snprintf(
      body, sizeof body,
      "Se\xC3\xB1or: a=b, 100%% sure.   \n"
      ".a line with a dot\r\n"
      "From here on\n"
      "tab at end\t\n"
      "\n"
      "%s\n"
      "%s\n"
      "%s",
      "A very long line of plain words that goes past seventy-six columns for sure, "
      "and then some more words to make it wrap twice over the limit of the line.",
      "==========================================================================="
      "=====",
      "\xC3\xA1\xC3\xA1\xC3\xA1\xC3\xA1\xC3\xA1\xC3\xA1\xC3\xA1\xC3\xA1\xC3\xA1\xC3\xA1"
      "\xC3\xA1\xC3\xA1\xC3\xA1\xC3\xA1\xC3\xA1\xC3\xA1\xC3\xA1\xC3\xA1 no newline");
  m.body_text = body;
  char *out = compose_ok(&m);
  check_lines(out, 76);
  char *dec = qp_decode(out);
  /* What went in, with CRLF read as LF and a final line break. */
  char want[8192];
  size_t n = 0;
  for (const char *p = body; *p != '\0'; p++) {
    if (!(p[0] == '\r' && p[1] == '\n')) {
      want[n++] = *p;
    }
  }
  want[n++] = '\n';
  want[n] = '\0';
  assert_string_equal(dec, want);
  assert_non_null(strstr(out, "\r\n=2Ea line with a dot\r\n"));
  assert_non_null(strstr(out, "\r\n=46rom here on\r\n"));
  assert_non_null(strstr(out, "sure.  =20\r\n"));
  assert_non_null(strstr(out, "tab at end=09\r\n"));
  free(dec);
  free(out);
}

typedef struct {
  const char *field, *want;
} inj_case;

static void test_injection(void **state) {
  (void)state;
  static const inj_case cases[] = {
      {"from_name", "from_name: a header may not contain a line break"},
      {"from_addr", "from_addr: a header may not contain a line break"},
      {"to_name", "to_name: a header may not contain a line break"},
      {"to_addr", "to_addr: a header may not contain a line break"},
      {"subject", "subject: a header may not contain a line break"},
      {"message_id", "message_id: a header may not contain a line break"},
      {"list_unsubscribe_url", "list_unsubscribe_url: a header may not contain a line "
                               "break"},
  };
  const char *evil[] = {"x\r\nBcc: victim@example.com", "x\nBcc: v@example.com", "x\r"};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    for (size_t e = 0; e < sizeof evil / sizeof evil[0]; e++) {
      arr_mime_message m = base();
      const char **slot = strcmp(cases[i].field, "from_name") == 0   ? &m.from_name
                          : strcmp(cases[i].field, "from_addr") == 0 ? &m.from_addr
                          : strcmp(cases[i].field, "to_name") == 0   ? &m.to_name
                          : strcmp(cases[i].field, "to_addr") == 0   ? &m.to_addr
                          : strcmp(cases[i].field, "subject") == 0   ? &m.subject
                          : strcmp(cases[i].field, "message_id") == 0
                              ? &m.message_id
                              : &m.list_unsubscribe_url;
      *slot = evil[e];
      char *out = (char *)1;
      arr_err err;
      assert_int_equal(arr_mime_compose(&m, &out, NULL, &err), ARR_ERR_INVALID);
      assert_null(out);
      assert_string_equal(err.msg, cases[i].want);
      assert_string_equal(err.field, cases[i].field);
    }
  }
  arr_mime_message m = base();
  m.to_name = "Tab\there";
  char *out;
  arr_err err;
  assert_int_equal(arr_mime_compose(&m, &out, NULL, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg, "to_name: a header may not contain a control character");
}

static void test_invalid(void **state) {
  (void)state;
  static const struct {
    const char *addr, *want;
  } addrs[] = {
      {"", "to_addr: is required"},
      {"jane", "to_addr: must contain exactly one '@'"},
      {"a@b@c", "to_addr: must contain exactly one '@'"},
      {"jane doe@example.com", "to_addr: may not contain a space"},
      {"<jane@example.com>", "to_addr: may contain only printable ASCII without "
                             "<>\",;()[]:\\"},
      {"ja,ne@example.com", "to_addr: may contain only printable ASCII without "
                            "<>\",;()[]:\\"},
      {"jos\xC3\xA9@example.com", "to_addr: may contain only printable ASCII without "
                                  "<>\",;()[]:\\"},
      {"@example.com", "to_addr: is not a valid address (local@domain)"},
      {"jane@", "to_addr: is not a valid address (local@domain)"},
      {"jane.@example.com", "to_addr: is not a valid address (local@domain)"},
      {"jane@example..com", "to_addr: is not a valid address (local@domain)"},
  };
  for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
    arr_mime_message m = base();
    m.to_addr = addrs[i].addr;
    char *out;
    arr_err err;
    assert_int_equal(arr_mime_compose(&m, &out, NULL, &err), ARR_ERR_INVALID);
    if (strcmp(err.msg, addrs[i].want) != 0) {
      fail_msg("case %zu: want \"%s\" got \"%s\"", i, addrs[i].want, err.msg);
    }
  }
  char long_addr[300];
  memset(long_addr, 'a', 251);
  memcpy(long_addr + 251, "@b.c", 5); /* 255 bytes */
  arr_mime_message m = base();
  m.to_addr = long_addr;
  char *out;
  arr_err err;
  assert_int_equal(arr_mime_compose(&m, &out, NULL, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg, "to_addr: is longer than 254 bytes");

  m = base();
  m.list_unsubscribe_url = "mailto:stop@acme.example";
  assert_int_equal(arr_mime_compose(&m, &out, NULL, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg, "list_unsubscribe_url: must be an http or https URL");
  m.list_unsubscribe_url = "https://a.example/x y";
  assert_int_equal(arr_mime_compose(&m, &out, NULL, &err), ARR_ERR_INVALID);
  assert_string_equal(err.field, "list_unsubscribe_url");

  m = base();
  m.subject = "bad \xC3";
  assert_int_equal(arr_mime_compose(&m, &out, NULL, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg, "subject: is not valid UTF-8");
  m = base();
  m.date_unix = -1;
  assert_int_equal(arr_mime_compose(&m, &out, NULL, &err), ARR_ERR_INVALID);
  assert_string_equal(err.field, "date_unix");

  m = base();
  char *big = malloc(ARR_MIME_BODY_MAX + 2);
  assert_non_null(big);
  memset(big, 'x', ARR_MIME_BODY_MAX + 1);
  big[ARR_MIME_BODY_MAX + 1] = '\0';
  m.body_text = big;
  assert_int_equal(arr_mime_compose(&m, &out, NULL, &err), ARR_ERR_INVALID);
  assert_string_equal(err.msg, "body_text: is longer than 262144 bytes");
  big[ARR_MIME_BODY_MAX] = '\0';
  assert_int_equal(arr_mime_compose(&m, &out, NULL, &err), ARR_OK);
  check_lines(out, 76);
  free(out);
  free(big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain),
      cmocka_unit_test(test_encoded_words),
      cmocka_unit_test(test_quoted_printable),
      cmocka_unit_test(test_injection),
      cmocka_unit_test(test_invalid),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
