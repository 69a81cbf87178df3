/*
 * csv.c — streaming RFC 4180 reader over one bounded buffer (at most 1 MiB).
 *
 * How it works. The reader owns a buffer of cap (+1 slack byte) bytes. Bytes from
 * read_fn land at its end; records are parsed in place: each field's terminator (comma,
 * LF, CR of CRLF, closing quote) is overwritten with NUL, and doubled quotes in a quoted
 * field are compacted left, so fields are C strings inside the buffer and no per-field
 * allocation or copy happens. When the parser needs a byte past the data, refill()
 * reads more; if the buffer is full it first makes room: it doubles the buffer (from 16
 * KiB up to ARR_CSV_BUF_BYTES, so small files stay cheap) or, at full size, slides the
 * partial record to the front. Either way relocate() rebases every pointer into the
 * record (cursor and rec->f[]). A record is at most ARR_CSV_MAX_RECORD_BYTES (+2
 * terminator bytes) and the full buffer is far larger, so a record always fits.
 *
 * Determinism. Every decision depends only on the bytes, never on how read_fn chunked
 * them: the parser never looks further than rec_start + HARD_LIMIT, and asks for more
 * data exactly when it needs a byte it does not have. So a reader fed one byte at a time
 * returns the same records and the same errors as the in-memory reader (the tests and
 * the fuzz target check this).
 *
 * Speed. The hot loop skips "plain" bytes (anything but the few structural bytes, NUL
 * and non-ASCII) 16 at a time with SSE2 where available, else with a class table. A
 * byte >= 0x80 drops to utf8_seq(), which validates one sequence (no overlongs, no
 * surrogates, nothing above U+10FFFF), so ASCII data never pays for UTF-8 checks.
 *
 * Positions in messages: lines are physical (1-based, counting LF, including LFs inside
 * quoted fields); columns are 1-based byte offsets within that physical line (the BOM
 * is not counted).
 */
#include "formats/csv.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum {
  ARR_CSV_BUF_BYTES = 1024 * 1024, /* the buffer's fixed upper bound */
  ARR_CSV_BUF_INITIAL = 16 * 1024, /* first size; doubled while a refill finds it full */
  /* The parser may look at record bytes [0, HARD_LIMIT): MAX content bytes plus a
   * CRLF terminator. Needing byte HARD_LIMIT means the record is too long. */
  HARD_LIMIT = ARR_CSV_MAX_RECORD_BYTES + 2,
};
_Static_assert(ARR_CSV_BUF_BYTES >= 4 * HARD_LIMIT, "buffer must hold a whole record");

struct arr_csv {
  arr_csv_read_fn read_fn;
  void *ctx;
  const char *mem; /* arr_csv_open_mem source */
  size_t mem_len, mem_pos;
  char *buf;           /* cap + 1 bytes (slack for a NUL after the last byte) */
  size_t cap;          /* ARR_CSV_BUF_INITIAL .. ARR_CSV_BUF_BYTES */
  char *pos;           /* first byte not yet consumed by a returned record */
  char *end;           /* end of valid data in buf */
  uint64_t buf_offset; /* stream offset of buf[0] */
  long line;           /* physical line number at pos */
  bool started, eof;
  arr_rc failed; /* ARR_OK, or the error that stopped the reader */
};

/* Parse state for one record. All pointers point into r->buf and are rebased by
 * relocate() when the record moves (buffer grown or record slid to the front). */
typedef struct {
  char *rec;        /* record start */
  char *p;          /* next byte to examine */
  char *fstart;     /* current field's first content byte */
  char *w;          /* end of the current field's content (compaction target) */
  char *line_start; /* first byte of the physical line containing p */
  long line;        /* physical line of p */
} cursor;

/* Bytes that stop the plain-byte skip: 1 = structural/NUL/non-ASCII. */
#define HI8 1, 1, 1, 1, 1, 1, 1, 1
#define HI128                                                                            \
  HI8, HI8, HI8, HI8, HI8, HI8, HI8, HI8, HI8, HI8, HI8, HI8, HI8, HI8, HI8, HI8
static const unsigned char k_stop_unquoted[256] = {
    [0] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [','] = 1, [128] = HI128};
static const unsigned char k_stop_quoted[256] = {
    [0] = 1, ['\n'] = 1, ['"'] = 1, [128] = HI128};

/* First byte in [p, lim) that is not plain for an unquoted field. */
static inline char *skip_unquoted(char *p, const char *lim) {
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"');
  const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  const __m128i zero = _mm_setzero_si128();
  while (lim - p >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i m =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, quote)),
                     _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, zero));
    /* movemask of v itself flags bytes >= 0x80 (their top bit). */
    unsigned mask = (unsigned)(_mm_movemask_epi8(m) | _mm_movemask_epi8(v));
    if (mask != 0) {
      return p + __builtin_ctz(mask);
    }
    p += 16;
  }
#endif
  while (p < lim && !k_stop_unquoted[(unsigned char)*p]) {
    p++;
  }
  return p;
}

/* First byte in [p, lim) that is not plain inside quotes (comma and CR are content). */
static inline char *skip_quoted(char *p, const char *lim) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), lf = _mm_set1_epi8('\n');
  const __m128i zero = _mm_setzero_si128();
  while (lim - p >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i m =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, lf)),
                     _mm_cmpeq_epi8(v, zero));
    unsigned mask = (unsigned)(_mm_movemask_epi8(m) | _mm_movemask_epi8(v));
    if (mask != 0) {
      return p + __builtin_ctz(mask);
    }
    p += 16;
  }
#endif
  while (p < lim && !k_stop_quoted[(unsigned char)*p]) {
    p++;
  }
  return p;
}

static long mem_read(void *ctx, char *buf, size_t cap) {
  arr_csv *r = ctx;
  size_t n = r->mem_len - r->mem_pos;
  if (n > cap) {
    n = cap;
  }
  if (n == 0) {
    return 0; /* also covers data == NULL with len 0, which memcpy must not see */
  }
  memcpy(buf, r->mem + r->mem_pos, n);
  r->mem_pos += n;
  return (long)n;
}

arr_csv *arr_csv_open(arr_csv_read_fn read_fn, void *ctx) {
  assert(read_fn != NULL);
  arr_csv *r = calloc(1, sizeof *r);
  if (r == NULL) {
    return NULL;
  }
  r->cap = ARR_CSV_BUF_INITIAL;
  r->buf = malloc(r->cap + 1);
  if (r->buf == NULL) {
    free(r);
    return NULL;
  }
  r->read_fn = read_fn;
  r->ctx = ctx;
  r->pos = r->end = r->buf;
  r->line = 1;
  return r;
}

arr_csv *arr_csv_open_mem(const char *data, size_t len) {
  assert(data != NULL || len == 0);
  /* The source is copied through the buffer like any stream because parsing writes
   * NULs in place and the caller's data is const. memcpy costs far less than parsing. */
  arr_csv *r = arr_csv_open(mem_read, NULL);
  if (r != NULL) {
    r->ctx = r;
    r->mem = data;
    r->mem_len = len;
  }
  return r;
}

void arr_csv_close(arr_csv *r) {
  if (r != NULL) {
    free(r->buf);
    free(r);
  }
}

uint64_t arr_csv_bytes_read(const arr_csv *r) {
  return r->buf_offset + (uint64_t)(r->pos - r->buf);
}

static long col_of(const cursor *c, const char *at) {
  return (long)(at - c->line_start) + 1;
}

/* Moves the partial record [c->rec, r->end) to the start of dst and rebases every
 * pointer into it (cursor, r->pos, fields already found). dst is r->buf itself (slide)
 * or a new, larger buffer (grow). Offsets are taken relative to c->rec before anything
 * moves, so this is plain pointer arithmetic within the old buffer. */
static void relocate(arr_csv *r, cursor *c, arr_csv_record *rec, char *dst) {
  char *from = c->rec;
  size_t keep = (size_t)(r->end - from);
  memmove(dst, from, keep);
  c->p = dst + (c->p - from);
  c->fstart = dst + (c->fstart - from);
  c->w = dst + (c->w - from);
  c->line_start = dst + (c->line_start - from);
  for (size_t i = 0; i < rec->nfields; i++) {
    rec->f[i] = dst + (rec->f[i] - from);
  }
  r->pos = dst + (r->pos - from);
  r->buf_offset += (uint64_t)(from - r->buf);
  r->end = dst + keep;
  c->rec = dst;
}

/* The buffer is full: grow it (doubling up to ARR_CSV_BUF_BYTES) or, at full size, slide
 * the partial record to the front. Small inputs thus never pay for a 1 MiB buffer. */
static arr_rc make_room(arr_csv *r, cursor *c, arr_csv_record *rec) {
  if (r->cap < ARR_CSV_BUF_BYTES) {
    size_t cap = r->cap * 2 < ARR_CSV_BUF_BYTES ? r->cap * 2 : ARR_CSV_BUF_BYTES;
    char *dst = malloc(cap + 1);
    if (dst == NULL) {
      return ARR_ERR_NOMEM;
    }
    relocate(r, c, rec, dst);
    free(r->buf);
    r->buf = dst;
    r->cap = cap;
    return ARR_OK;
  }
  /* A record never exceeds HARD_LIMIT bytes, so sliding frees most of the buffer. */
  assert(c->rec > r->buf && r->end - c->rec <= HARD_LIMIT);
  relocate(r, c, rec, r->buf);
  return ARR_OK;
}

/* Reads more bytes after r->end, making room first if the buffer is full. Returns
 * ARR_OK (more data), ARR_ERR_NOTFOUND (end of input), ARR_ERR_IO or ARR_ERR_NOMEM. */
static arr_rc refill(arr_csv *r, cursor *c, arr_csv_record *rec) {
  if (r->eof) {
    return ARR_ERR_NOTFOUND;
  }
  if (r->end == r->buf + r->cap) {
    arr_rc rc = make_room(r, c, rec);
    if (rc != ARR_OK) {
      return rc;
    }
  }
  size_t room = (size_t)(r->buf + r->cap - r->end);
  long n = r->read_fn(r->ctx, r->end, room);
  if (n < 0) {
    return ARR_ERR_IO;
  }
  if (n == 0) {
    r->eof = true;
    return ARR_ERR_NOTFOUND;
  }
  assert((size_t)n <= room);
  r->end += n;
  return ARR_OK;
}

static int too_long(const arr_csv_record *rec, arr_err *err) {
  arr_err_set(err, ARR_ERR_INVALID, "line %ld: record longer than %d bytes", rec->line,
              ARR_CSV_MAX_RECORD_BYTES);
  return -1;
}

/* Makes byte c->p[ahead] available. Returns 1 if it is, 0 at end of input, -1 with err
 * set if the record would exceed the size limit or the read failed. */
static int need(arr_csv *r, cursor *c, arr_csv_record *rec, size_t ahead, arr_err *err) {
  for (;;) {
    if ((size_t)(c->p - c->rec) + ahead >= HARD_LIMIT) {
      return too_long(rec, err);
    }
    if (c->p + ahead < r->end) {
      return 1;
    }
    arr_rc rc = refill(r, c, rec);
    if (rc == ARR_ERR_NOTFOUND) {
      return 0;
    }
    if (rc == ARR_ERR_NOMEM) {
      arr_err_set(err, rc, "line %ld: out of memory", c->line);
      return -1;
    }
    if (rc != ARR_OK) {
      arr_err_set(err, ARR_ERR_IO, "line %ld: read error", c->line);
      return -1;
    }
  }
}

/* Where scanning must stop: end of data or the record's hard limit. */
static inline const char *scan_limit(const arr_csv *r, const cursor *c) {
  const char *hard = c->rec + HARD_LIMIT;
  return r->end < hard ? r->end : hard;
}

static int fail_at(arr_err *err, const cursor *c, const char *at, const char *what) {
  arr_err_set(err, ARR_ERR_INVALID, "line %ld, column %ld: %s", c->line, col_of(c, at),
              what);
  return -1;
}

/* Validates the UTF-8 sequence whose lead byte (>= 0x80) is at c->p and steps over it,
 * copying it to c->w when compact. Returns 0 or -1 with err set. */
static int utf8_seq(arr_csv *r, cursor *c, arr_csv_record *rec, bool compact,
                    arr_err *err) {
  unsigned char b0 = (unsigned char)*c->p;
  unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
  size_t n;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    lo = b0 == 0xE0 ? 0xA0 : 0x80; /* E0 80..9F would be overlong */
    hi = b0 == 0xED ? 0x9F : 0xBF; /* ED A0..BF are UTF-16 surrogates */
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    lo = b0 == 0xF0 ? 0x90 : 0x80; /* F0 80..8F would be overlong */
    hi = b0 == 0xF4 ? 0x8F : 0xBF; /* above F4 8F is beyond U+10FFFF */
  } else {
    return fail_at(err, c, c->p, "invalid UTF-8");
  }
  for (size_t i = 1; i < n; i++) {
    int have = need(r, c, rec, i, err);
    if (have < 0) {
      return -1;
    }
    unsigned char b = have ? (unsigned char)c->p[i] : 0;
    if (have == 0 || b < lo || b > hi) {
      return fail_at(err, c, c->p, "invalid UTF-8");
    }
    lo = 0x80;
    hi = 0xBF;
  }
  if (compact && c->w != c->p) {
    memmove(c->w, c->p, n);
  }
  c->p += n;
  c->w += n;
  return 0;
}

/* Appends [c->fstart, c->w) as the next field and NUL-terminates it in place. */
static int add_field(cursor *c, arr_csv_record *rec, arr_err *err) {
  if (rec->nfields == ARR_CSV_MAX_FIELDS) {
    arr_err_set(err, ARR_ERR_INVALID, "line %ld: more than %d fields", rec->line,
                ARR_CSV_MAX_FIELDS);
    return -1;
  }
  *c->w = '\0';
  rec->f[rec->nfields] = c->fstart;
  rec->len[rec->nfields] = (size_t)(c->w - c->fstart);
  rec->nfields++;
  return 0;
}

enum { FIELD_MORE = 1, FIELD_LAST = 2 }; /* after a field: a comma, or end of record */

/* Called with the field's content in [c->fstart, c->w) and c->p on the byte after it.
 * Consumes a comma (FIELD_MORE), or LF / CRLF / end of input (FIELD_LAST); any other
 * byte is an error described by `stray`. Returns -1 with err set on error. */
static int finish_field(arr_csv *r, cursor *c, arr_csv_record *rec, const char *stray,
                        arr_err *err) {
  int have = need(r, c, rec, 0, err);
  if (have < 0) {
    return -1;
  }
  size_t term = 0;
  if (have > 0) {
    char ch = *c->p;
    if (ch == ',') {
      if (add_field(c, rec, err) < 0) {
        return -1;
      }
      c->p++;
      return FIELD_MORE;
    }
    if (ch == '\n') {
      term = 1;
    } else if (ch == '\r') {
      have = need(r, c, rec, 1, err);
      if (have < 0) {
        return -1;
      }
      if (have == 0 || c->p[1] != '\n') {
        return fail_at(err, c, c->p, "carriage return not followed by line feed");
      }
      term = 2;
    } else {
      return fail_at(err, c, c->p, stray);
    }
  }
  if (c->p - c->rec > ARR_CSV_MAX_RECORD_BYTES) {
    return too_long(rec, err);
  }
  if (add_field(c, rec, err) < 0) {
    return -1;
  }
  if (term > 0) {
    c->p += term;
    c->line++;
    c->line_start = c->p;
  }
  return FIELD_LAST;
}

/* Parses an unquoted field starting at c->p. The common case (plain bytes then a comma)
 * stays in this loop; line ends and end of input go through finish_field. */
static int field_unquoted(arr_csv *r, cursor *c, arr_csv_record *rec, arr_err *err) {
  c->fstart = c->p;
  for (;;) {
    const char *lim = scan_limit(r, c);
    char *q = skip_unquoted(c->p, lim);
    c->p = q;
    if (q == lim) {
      int have = need(r, c, rec, 0, err);
      if (have < 0) {
        return -1;
      }
      if (have > 0) {
        continue;
      }
      c->w = c->p;
      return finish_field(r, c, rec, "", err);
    }
    unsigned char ch = (unsigned char)*q;
    if (ch == ',') {
      c->w = q;
      if (add_field(c, rec, err) < 0) {
        return -1;
      }
      c->p = q + 1;
      return FIELD_MORE;
    }
    if (ch >= 0x80) {
      if (utf8_seq(r, c, rec, false, err) < 0) {
        return -1;
      }
      continue;
    }
    if (ch == '"') {
      return fail_at(err, c, q, "quote inside unquoted field");
    }
    if (ch == '\0') {
      return fail_at(err, c, q, "NUL byte");
    }
    c->w = q; /* LF or CR */
    return finish_field(r, c, rec, "", err);
  }
}

/* Parses a quoted field; c->p is on the opening quote. Content is compacted in place
 * (a doubled quote becomes one) so the field stays contiguous. */
static int field_quoted(arr_csv *r, cursor *c, arr_csv_record *rec, arr_err *err) {
  long open_line = c->line, open_col = col_of(c, c->p);
  c->p++;
  c->fstart = c->w = c->p;
  for (;;) {
    const char *lim = scan_limit(r, c);
    char *q = skip_quoted(c->p, lim);
    size_t run = (size_t)(q - c->p);
    if (c->w != c->p) {
      memmove(c->w, c->p, run);
    }
    c->w += run;
    c->p = q;
    if (q == lim) {
      int have = need(r, c, rec, 0, err);
      if (have < 0) {
        return -1;
      }
      if (have > 0) {
        continue;
      }
      arr_err_set(err, ARR_ERR_INVALID,
                  "line %ld, column %ld: quoted field not closed before end of input",
                  open_line, open_col);
      return -1;
    }
    unsigned char ch = (unsigned char)*q;
    if (ch == '"') {
      int have = need(r, c, rec, 1, err);
      if (have < 0) {
        return -1;
      }
      if (have > 0 && c->p[1] == '"') {
        *c->w++ = '"';
        c->p += 2;
        continue;
      }
      c->p++; /* the closing quote */
      return finish_field(r, c, rec, "text after closing quote", err);
    }
    if (ch == '\n') {
      *c->w++ = '\n';
      c->p++;
      c->line++;
      c->line_start = c->p;
      continue;
    }
    if (ch == '\0') {
      return fail_at(err, c, q, "NUL byte");
    }
    if (utf8_seq(r, c, rec, true, err) < 0) {
      return -1;
    }
  }
}

/* Skips a UTF-8 BOM at the very start of the stream. */
static int skip_bom(arr_csv *r, cursor *c, arr_csv_record *rec, arr_err *err) {
  int have = need(r, c, rec, 2, err);
  if (have < 0) {
    return -1;
  }
  if (have > 0 && memcmp(c->p, "\xEF\xBB\xBF", 3) == 0) {
    c->p += 3;
    c->rec = c->line_start = c->p;
    r->pos = c->p;
  }
  return 0;
}

/* Skips blank lines (LF or CRLF alone). Returns 1 at a record start, 0 at end of
 * input, -1 on error. */
static int skip_blank(arr_csv *r, cursor *c, arr_csv_record *rec, arr_err *err) {
  for (;;) {
    c->rec = c->line_start = c->fstart = c->w = c->p;
    r->pos = c->p;
    int have = need(r, c, rec, 0, err);
    if (have <= 0) {
      return have;
    }
    size_t term = 0;
    if (*c->p == '\n') {
      term = 1;
    } else if (*c->p == '\r') {
      have = need(r, c, rec, 1, err);
      if (have < 0) {
        return -1;
      }
      if (have > 0 && c->p[1] == '\n') {
        term = 2;
      }
    }
    if (term == 0) {
      return 1;
    }
    c->p += term;
    c->line++;
  }
}

static arr_rc parse_record(arr_csv *r, cursor *c, arr_csv_record *rec, arr_err *err) {
  if (!r->started) {
    r->started = true;
    if (skip_bom(r, c, rec, err) < 0) {
      return err->rc;
    }
  }
  int st = skip_blank(r, c, rec, err);
  if (st < 0) {
    return err->rc;
  }
  if (st == 0) {
    return arr_err_set(err, ARR_ERR_NOTFOUND, "end of input");
  }
  rec->line = c->line;
  rec->offset = r->buf_offset + (uint64_t)(c->rec - r->buf);
  do {
    int have = need(r, c, rec, 0, err);
    if (have < 0) {
      return err->rc;
    }
    st = have > 0 && *c->p == '"' ? field_quoted(r, c, rec, err)
                                  : field_unquoted(r, c, rec, err);
    if (st < 0) {
      return err->rc;
    }
  } while (st == FIELD_MORE);
  return ARR_OK;
}

arr_rc arr_csv_next(arr_csv *r, arr_csv_record *rec, arr_err *err) {
  assert(r != NULL && rec != NULL);
  arr_err local;
  if (err == NULL) {
    err = &local; /* the parser reads err->rc back; callers may pass NULL */
  }
  if (r->failed != ARR_OK) {
    return arr_err_set(err, r->failed, "line %ld: reader stopped after an error",
                       r->line);
  }
  cursor c = {r->pos, r->pos, r->pos, r->pos, r->pos, r->line};
  rec->nfields = 0;
  rec->line = r->line;
  rec->offset = 0;
  arr_rc rc = parse_record(r, &c, rec, err);
  if (rc == ARR_OK || rc == ARR_ERR_NOTFOUND) {
    r->pos = c.p;
    r->line = c.line;
    return rc;
  }
  r->failed = rc;
  rec->nfields = 0;
  return rc;
}
