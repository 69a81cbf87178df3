/*
 * test_csv.c — the streaming CSV reader (formats/csv.h).
 *
 * Most checks go through dump(): parse a whole input and render every record (line,
 * offset, fields with non-printable bytes escaped) and the final result code and
 * message as one string. Comparing that string for the in-memory reader and for
 * callback readers with many chunk sizes (down to 1 byte) proves the reader does not
 * depend on how its input arrives, including at the 1 MiB buffer boundary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "formats/csv.h"

/* ---- helpers ------------------------------------------------------------------------
 */

typedef struct {
  const char *data;
  size_t len, pos;
  size_t chunk;      /* bytes per read call */
  long fail_at_call; /* return -1 on this call (0 = never) */
  long calls;
} src;

static long src_read(void *ctx, char *buf, size_t cap) {
  src *s = ctx;
  s->calls++;
  if (s->fail_at_call != 0 && s->calls == s->fail_at_call) {
    return -1;
  }
  size_t n = s->len - s->pos;
  if (n > s->chunk) {
    n = s->chunk;
  }
  if (n > cap) {
    n = cap;
  }
  memcpy(buf, s->data + s->pos, n);
  s->pos += n;
  return (long)n;
}

typedef struct {
  char *s;
  size_t len, cap;
} sbuf;

static void sb_putc(sbuf *b, char c) {
  if (b->len + 2 > b->cap) {
    b->cap = b->cap ? b->cap * 2 : 256;
    b->s = realloc(b->s, b->cap);
    assert_non_null(b->s);
  }
  b->s[b->len++] = c;
  b->s[b->len] = '\0';
}

static void sb_printf(sbuf *b, const char *fmt, ...) {
  char tmp[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  assert_true(n >= 0 && (size_t)n < sizeof tmp);
  for (int i = 0; i < n; i++) {
    sb_putc(b, tmp[i]);
  }
}

/* Renders every record and the final status. chunk 0 = arr_csv_open_mem. */
static char *dump(const char *data, size_t len, size_t chunk) {
  src s = {data, len, 0, chunk, 0, 0};
  arr_csv *r = chunk == 0 ? arr_csv_open_mem(data, len) : arr_csv_open(src_read, &s);
  assert_non_null(r);
  sbuf b = {0};
  arr_csv_record rec;
  arr_err err;
  arr_rc rc;
  while ((rc = arr_csv_next(r, &rec, &err)) == ARR_OK) {
    sb_printf(&b, "L%ld@%llu:", rec.line, (unsigned long long)rec.offset);
    for (size_t i = 0; i < rec.nfields; i++) {
      assert_int_equal(strlen(rec.f[i]), rec.len[i]); /* NUL-terminated, no NULs inside */
      sb_putc(&b, '[');
      for (size_t k = 0; k < rec.len[i]; k++) {
        unsigned char c = (unsigned char)rec.f[i][k];
        if (c < 0x20 || c >= 0x7F || c == '[' || c == ']' || c == '\\') {
          sb_printf(&b, "\\x%02X", c);
        } else {
          sb_putc(&b, (char)c);
        }
      }
      sb_putc(&b, ']');
    }
    sb_putc(&b, '\n');
  }
  sb_printf(&b, "rc=%d %s", (int)rc, err.msg);
  if (rc == ARR_ERR_NOTFOUND) {
    assert_int_equal(arr_csv_bytes_read(r), len);
  }
  arr_csv_close(r);
  return b.s;
}

static const size_t k_chunks[] = {1, 2, 3, 5, 7, 16, 4093, 65536, 1 << 20};

/* dump() with the in-memory reader, after checking every chunked reader agrees. */
static char *dump_all(const char *data, size_t len) {
  char *mem = dump(data, len, 0);
  for (size_t i = 0; i < sizeof k_chunks / sizeof k_chunks[0]; i++) {
    char *other = dump(data, len, k_chunks[i]);
    if (strcmp(mem, other) != 0) {
      print_error("chunk %zu differs:\n%s\n--- vs mem ---\n%s\n", k_chunks[i], other,
                  mem);
      fail();
    }
    free(other);
  }
  return mem;
}

static void expect_dump(const char *data, size_t len, const char *want) {
  char *got = dump_all(data, len);
  if (strcmp(got, want) != 0) {
    print_error("input: %.*s\nwant:\n%s\ngot:\n%s\n", (int)len, data, want, got);
    fail();
  }
  free(got);
}

#define EXPECT(lit, want) expect_dump(lit, sizeof(lit) - 1, want)

/* ---- records ------------------------------------------------------------------------
 */

static void test_simple(void **state) {
  (void)state;
  EXPECT("a,b,c\n1,2,3\n", "L1@0:[a][b][c]\nL2@6:[1][2][3]\nrc=2 end of input");
  EXPECT("a,b\r\n1,2\r\n", "L1@0:[a][b]\nL2@5:[1][2]\nrc=2 end of input");
  EXPECT("a,b\r\n1,2\n3,4", "L1@0:[a][b]\nL2@5:[1][2]\nL3@9:[3][4]\nrc=2 end of input");
  EXPECT("", "rc=2 end of input");
  EXPECT("x", "L1@0:[x]\nrc=2 end of input");
}

static void test_empty_fields(void **state) {
  (void)state;
  EXPECT("a,\n", "L1@0:[a][]\nrc=2 end of input");
  EXPECT("a,", "L1@0:[a][]\nrc=2 end of input");
  EXPECT(",\n", "L1@0:[][]\nrc=2 end of input");
  EXPECT(",,a,,\n", "L1@0:[][][a][][]\nrc=2 end of input");
  EXPECT("\"\"\n", "L1@0:[]\nrc=2 end of input");
  EXPECT("\"\",\"\"", "L1@0:[][]\nrc=2 end of input");
  EXPECT(" \n", "L1@0:[ ]\nrc=2 end of input"); /* spaces are data, not a blank line */
}

static void test_blank_lines(void **state) {
  (void)state;
  EXPECT("\n\na\n\r\n\nb\n\n", "L3@2:[a]\nL6@7:[b]\nrc=2 end of input");
  EXPECT("\r\n\r\n", "rc=2 end of input");
  EXPECT("a\n\n", "L1@0:[a]\nrc=2 end of input");
}

static void test_bom(void **state) {
  (void)state;
  EXPECT("\xEF\xBB\xBF"
         "a,b\nc\n",
         "L1@3:[a][b]\nL2@7:[c]\nrc=2 end of input");
  EXPECT("\xEF\xBB\xBF", "rc=2 end of input");
  EXPECT("\xEF\xBB\xBF\n\"q\"\n", "L2@4:[q]\nrc=2 end of input");
  /* Only at the very start: later it is an ordinary character (U+FEFF). */
  EXPECT("a\n\xEF\xBB\xBF"
         "b\n",
         "L1@0:[a]\nL2@2:[\\xEF\\xBB\\xBFb]\nrc=2 end of input");
  /* A lone or partial BOM is invalid UTF-8, not silently skipped. */
  EXPECT("\xEF\xBB,a\n", "rc=1 line 1, column 1: invalid UTF-8");
}

static void test_quoting(void **state) {
  (void)state;
  EXPECT("\"a,b\",c\n", "L1@0:[a,b][c]\nrc=2 end of input");
  EXPECT("\"say \"\"hi\"\"\",x\n", "L1@0:[say \"hi\"][x]\nrc=2 end of input");
  EXPECT("\"\"\"\"\n", "L1@0:[\"]\nrc=2 end of input");
  EXPECT("\"\"\"\"\"\"\n", "L1@0:[\"\"]\nrc=2 end of input");
  EXPECT("\"a\"\"\",\"\"\"b\"\n", "L1@0:[a\"][\"b]\nrc=2 end of input");
  EXPECT("\"a\"", "L1@0:[a]\nrc=2 end of input");
  EXPECT("\"a\"\r\n", "L1@0:[a]\nrc=2 end of input");
  EXPECT("\"a\rb\"\n", "L1@0:[a\\x0Db]\nrc=2 end of input"); /* lone CR inside quotes */
}

static void test_multiline_quoted(void **state) {
  (void)state;
  EXPECT("id,note\n1,\"line one\nline two\"\n2,x\n",
         "L1@0:[id][note]\nL2@8:[1][line one\\x0Aline two]\nL4@30:[2][x]\nrc=2 end of "
         "input");
  /* CRLF inside quotes is kept as data; line numbers still count the LFs. */
  EXPECT("1,\"a\r\nb\r\n\r\nc\"\r\n2,y\r\n",
         "L1@0:[1][a\\x0D\\x0Ab\\x0D\\x0A\\x0D\\x0Ac]\nL5@15:[2][y]\nrc=2 end of input");
  /* Errors after a multi-line field name the physical line of the bad byte. */
  EXPECT("1,\"a\nb\"\n2,c\"d\n",
         "L1@0:[1][a\\x0Ab]\nrc=1 line 3, column 4: quote inside unquoted field");
  EXPECT("1,\"a\nbc\xFF\"\n", "rc=1 line 2, column 3: invalid UTF-8");
  /* Blank lines inside quotes are data, not skipped. */
  EXPECT("\"\n\n\"\nx\n", "L1@0:[\\x0A\\x0A]\nL4@5:[x]\nrc=2 end of input");
}

static void test_utf8_valid(void **state) {
  (void)state;
  EXPECT(
      "Jos\xC3\xA9,\xE2\x82\xAC"
      "5,\xF0\x9F\x98\x80\n",
      "L1@0:[Jos\\xC3\\xA9][\\xE2\\x82\\xAC5][\\xF0\\x9F\\x98\\x80]\nrc=2 end of input");
  /* Boundaries: U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF. */
  EXPECT(
      "\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF"
      "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF",
      "L1@0:[\\xC2\\x80\\xDF\\xBF\\xE0\\xA0\\x80\\xED\\x9F\\xBF\\xEE\\x80\\x80\\xEF\\xBF"
      "\\xBF\\xF0\\x90\\x80\\x80\\xF4\\x8F\\xBF\\xBF]\nrc=2 end of input");
  EXPECT("\"\xC3\xA9\"\"\xC3\xA9\"\n",
         "L1@0:[\\xC3\\xA9\"\\xC3\\xA9]\nrc=2 end of input");
}

typedef struct {
  const char *in;
  size_t len;       /* 0 = strlen(in) */
  const char *want; /* exact final message */
} bad_case;

static void test_errors(void **state) {
  (void)state;
  static const bad_case cases[] = {
      {"a\"b\n", 0, "line 1, column 2: quote inside unquoted field"},
      {"ok\nab\"\n", 0, "line 2, column 3: quote inside unquoted field"},
      {" \"a\"\n", 0, "line 1, column 2: quote inside unquoted field"},
      {"\"a\"b\n", 0, "line 1, column 4: text after closing quote"},
      {"\"a\" ,b\n", 0, "line 1, column 4: text after closing quote"},
      {"x,\"a\"\"\"b\n", 0, "line 1, column 8: text after closing quote"},
      {"\"abc", 0, "line 1, column 1: quoted field not closed before end of input"},
      {"a\nb,\"x\ny\n\nz\n", 0,
       "line 2, column 3: quoted field not closed before end of input"},
      {"\"a\"\"", 0, "line 1, column 1: quoted field not closed before end of input"},
      {"a\rb\n", 0, "line 1, column 2: carriage return not followed by line feed"},
      {"a\r", 0, "line 1, column 2: carriage return not followed by line feed"},
      {"\"a\"\rb", 0, "line 1, column 4: carriage return not followed by line feed"},
      {"\r", 0, "line 1, column 1: carriage return not followed by line feed"},
      {"a\0b\n", 4, "line 1, column 2: NUL byte"},
      {"\"a\0b\"\n", 6, "line 1, column 3: NUL byte"},
      {"\0", 1, "line 1, column 1: NUL byte"},
      {"\x80\n", 0, "line 1, column 1: invalid UTF-8"},         /* stray continuation */
      {"ab\xC0\x80\n", 0, "line 1, column 3: invalid UTF-8"},   /* overlong NUL */
      {"\xC1\xBF\n", 0, "line 1, column 1: invalid UTF-8"},     /* overlong */
      {"\xE0\x80\x80\n", 0, "line 1, column 1: invalid UTF-8"}, /* overlong 3-byte */
      {"\xE0\x9F\xBF\n", 0, "line 1, column 1: invalid UTF-8"}, /* overlong U+07FF */
      {"\xED\xA0\x80\n", 0, "line 1, column 1: invalid UTF-8"}, /* surrogate D800 */
      {"\xED\xBF\xBF\n", 0, "line 1, column 1: invalid UTF-8"}, /* surrogate DFFF */
      {"\xF0\x80\x80\x80\n", 0, "line 1, column 1: invalid UTF-8"}, /* overlong 4-byte */
      {"\xF0\x8F\xBF\xBF\n", 0, "line 1, column 1: invalid UTF-8"},
      {"\xF4\x90\x80\x80\n", 0, "line 1, column 1: invalid UTF-8"}, /* > U+10FFFF */
      {"\xF5\x80\x80\x80\n", 0, "line 1, column 1: invalid UTF-8"},
      {"\xFF\n", 0, "line 1, column 1: invalid UTF-8"},
      {"a,\xC3", 0, "line 1, column 3: invalid UTF-8"},     /* truncated at EOF */
      {"a,\xC3,b\n", 0, "line 1, column 3: invalid UTF-8"}, /* truncated by comma */
      {"\xE2\x82\n", 0, "line 1, column 1: invalid UTF-8"},
      {"\"\xE2\x82\"\n", 0, "line 1, column 2: invalid UTF-8"},
      {"\"\xC3\"\"\xA9\"\n", 0, "line 1, column 2: invalid UTF-8"}, /* split by "" */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
    char *got = dump_all(cases[i].in, len);
    const char *tail = strstr(got, "rc=1 ");
    if (tail == NULL || strcmp(tail + 5, cases[i].want) != 0) {
      print_error("case %zu: want \"%s\"\ngot:\n%s\n", i, cases[i].want, got);
      fail();
    }
    free(got);
  }
}

static void test_error_is_final(void **state) {
  (void)state;
  arr_csv *r = arr_csv_open_mem("a\"\nb\n", 5);
  arr_csv_record rec;
  arr_err err;
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_ERR_INVALID);
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_ERR_INVALID);
  assert_non_null(strstr(err.msg, "reader stopped after an error"));
  arr_csv_close(r);
}

static void test_read_error(void **state) {
  (void)state;
  src s = {"a,b\nc,d\n", 8, 0, 4, 2, 0}; /* second read fails */
  arr_csv *r = arr_csv_open(src_read, &s);
  arr_csv_record rec;
  arr_err err;
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_OK); /* first 4 bytes: "a,b\n" */
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_ERR_IO);
  assert_string_equal(err.msg, "line 2: read error");
  arr_csv_close(r);
}

/* ---- limits -------------------------------------------------------------------------
 */

static void test_field_count_limit(void **state) {
  (void)state;
  char buf[4096];
  size_t n = 0;
  for (int i = 0; i < ARR_CSV_MAX_FIELDS; i++) {
    n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%d", i ? "," : "", i);
  }
  buf[n++] = '\n';
  char *got = dump_all(buf, n);
  assert_non_null(strstr(got, "[255]\nrc=2 end of input"));
  free(got);
  memcpy(buf + n - 1, ",x\n", 3);
  n += 2;
  got = dump_all(buf, n);
  assert_string_equal(got, "rc=1 line 1: more than 256 fields");
  free(got);
  /* Many empty fields count too. */
  memset(buf, ',', 300);
  got = dump_all(buf, 300);
  assert_string_equal(got, "rc=1 line 1: more than 256 fields");
  free(got);
}

/* A record of exactly `content` bytes (excluding terminator) on line 2. */
static char *record_of(size_t content, bool quoted, const char *term, size_t *len) {
  size_t tl = strlen(term);
  char *b = malloc(2 + content + tl + 3);
  assert_non_null(b);
  memcpy(b, "h\n", 2);
  memset(b + 2, 'x', content);
  if (quoted) {
    b[2] = '"';
    b[2 + content - 1] = '"';
    b[2 + content / 2] = '\n'; /* an LF inside quotes counts toward the limit */
  }
  memcpy(b + 2 + content, term, tl);
  memcpy(b + 2 + content + tl, "z\n", 2);
  *len = 2 + content + tl + 2;
  return b;
}

static void test_record_size_limit(void **state) {
  (void)state;
  const size_t max = ARR_CSV_MAX_RECORD_BYTES;
  const char *terms[] = {"\n", "\r\n"};
  for (int q = 0; q < 2; q++) {
    for (int t = 0; t < 2; t++) {
      size_t len;
      char *b = record_of(max, q, terms[t], &len);
      char *got = dump_all(b, len);
      assert_non_null(strstr(got, "\nrc=2 end of input"));
      assert_non_null(strstr(got, q ? "\nL4@" : "\nL3@")); /* the "z" line after it */
      free(got);
      free(b);
      b = record_of(max + 1, q, terms[t], &len);
      got = dump_all(b, len);
      assert_string_equal(got, "L1@0:[h]\nrc=1 line 2: record longer than 65536 bytes");
      free(got);
      free(b);
    }
  }
  /* At end of input without a terminator. */
  size_t len;
  char *b = record_of(max, false, "", &len);
  len -= 2; /* drop "z\n" */
  char *got = dump_all(b, len);
  assert_non_null(strstr(got, "]\nrc=2 end of input"));
  free(got);
  free(b);
  b = record_of(max + 1, false, "", &len);
  got = dump_all(b, len - 2);
  assert_string_equal(got, "L1@0:[h]\nrc=1 line 2: record longer than 65536 bytes");
  free(got);
  free(b);
  /* Far too long: refused without reading to the end. */
  b = record_of(5 * max, false, "\n", &len);
  got = dump_all(b, len);
  assert_string_equal(got, "L1@0:[h]\nrc=1 line 2: record longer than 65536 bytes");
  free(got);
  free(b);
}

/* Deterministic pseudo-random records over several MiB, so records straddle the 1 MiB
 * buffer boundary in every shape (inside quotes, at a doubled quote, mid UTF-8, at a
 * CRLF), including near-limit records. */
static void test_streaming_large(void **state) {
  (void)state;
  size_t cap = 6u << 20, n = 0;
  char *b = malloc(cap);
  assert_non_null(b);
  uint32_t seed = 12345;
  long records = 0;
  while (n + 70000 < cap) {
    size_t rec_start = n;
    seed = seed * 1103515245u + 12345u;
    uint32_t kind = (seed >> 16) % 100;
    int nf = 1 + (int)((seed >> 8) % 12);
    for (int f = 0; f < nf; f++) {
      if (f > 0) {
        b[n++] = ',';
      }
      seed = seed * 1103515245u + 12345u;
      size_t flen = kind == 0 ? 65000 / (size_t)nf : (seed >> 20) % 40;
      /* A lone empty unquoted field would be a blank line, which is skipped. */
      bool quoted = (seed >> 4) % 4 == 0 || (nf == 1 && flen == 0);
      if (quoted) {
        b[n++] = '"';
      }
      /* Stay under the record limit: at most 4 bytes per step plus quote/comma. */
      for (size_t k = 0; k < flen && n - rec_start < 65500; k++) {
        uint32_t c = (seed >> (k % 13)) % 17;
        if (quoted && c == 0) {
          memcpy(b + n, "\"\"", 2);
          n += 2;
        } else if (quoted && c == 1) {
          memcpy(b + n, "\r\n", 2);
          n += 2;
        } else if (c == 2) {
          memcpy(b + n, "\xC3\xA9", 2);
          n += 2;
        } else if (c == 3) {
          memcpy(b + n, "\xF0\x9F\x98\x80", 4);
          n += 4;
        } else {
          b[n++] = (char)('a' + c);
        }
      }
      if (quoted) {
        b[n++] = '"';
      }
    }
    if (kind < 50) {
      memcpy(b + n, "\r\n", 2);
      n += 2;
    } else {
      b[n++] = '\n';
    }
    if (kind == 99) {
      b[n++] = '\n'; /* a blank line */
    }
    records++;
  }
  char *mem = dump(b, n, 0);
  assert_non_null(strstr(mem, "rc=2 end of input"));
  size_t lines = 0;
  for (const char *p = mem; *p; p++) {
    lines += *p == '\n';
  }
  assert_int_equal(lines, (size_t)records);
  const size_t chunks[] = {1, 3, 1000, 65537, 1 << 20};
  for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
    char *other = dump(b, n, chunks[i]);
    assert_string_equal(mem, other);
    free(other);
  }
  free(mem);
  free(b);
}

static void test_bytes_read(void **state) {
  (void)state;
  arr_csv *r = arr_csv_open_mem("ab,c\n\nd\n", 8);
  arr_csv_record rec;
  arr_err err;
  assert_int_equal(arr_csv_bytes_read(r), 0);
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_OK);
  assert_int_equal(arr_csv_bytes_read(r), 5);
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_OK);
  assert_int_equal(rec.line, 3);
  assert_int_equal(rec.offset, 6);
  assert_int_equal(arr_csv_bytes_read(r), 8);
  assert_int_equal(arr_csv_next(r, &rec, &err), ARR_ERR_NOTFOUND);
  arr_csv_close(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_simple),
      cmocka_unit_test(test_empty_fields),
      cmocka_unit_test(test_blank_lines),
      cmocka_unit_test(test_bom),
      cmocka_unit_test(test_quoting),
      cmocka_unit_test(test_multiline_quoted),
      cmocka_unit_test(test_utf8_valid),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_error_is_final),
      cmocka_unit_test(test_read_error),
      cmocka_unit_test(test_field_count_limit),
      cmocka_unit_test(test_record_size_limit),
      cmocka_unit_test(test_streaming_large),
      cmocka_unit_test(test_bytes_read),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
