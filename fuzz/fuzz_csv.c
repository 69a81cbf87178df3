/*
 * fuzz_csv.c — libFuzzer target for formats/csv.
 *
 * Differential: the same bytes go through the in-memory reader and through a callback
 * reader whose read sizes vary pseudo-randomly (1 byte up to a few KiB, seeded from the
 * input), in lockstep; every record (line, offset, fields) and the final result and
 * message must be identical. That is the property that makes streaming safe: how the
 * bytes arrive must never change what is parsed. It also checks each record's
 * invariants: 1..ARR_CSV_MAX_FIELDS fields, each NUL-terminated with no NUL inside and
 * valid UTF-8 (checked by an independent decoder here), lines and offsets increasing,
 * and at clean end every byte consumed. Any violation calls abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/csv.h"

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      abort();                                                                           \
    }                                                                                    \
  } while (0)

typedef struct {
  const uint8_t *data;
  size_t len, pos;
  uint32_t rng;
} chunked;

static long chunked_read(void *ctx, char *buf, size_t cap) {
  chunked *c = ctx;
  c->rng = c->rng * 1664525u + 1013904223u;
  /* Mostly tiny reads (to split every structure), sometimes large ones. */
  size_t want = (c->rng >> 28) < 12 ? 1 + (c->rng >> 8) % 8 : 1 + (c->rng >> 8) % 4096;
  size_t n = c->len - c->pos;
  if (n > want) {
    n = want;
  }
  if (n > cap) {
    n = cap;
  }
  memcpy(buf, c->data + c->pos, n);
  c->pos += n;
  return (long)n;
}

/* Independent strict UTF-8 check (RFC 3629 table). */
static int utf8_ok(const unsigned char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    unsigned char b = s[i];
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xC2 && b <= 0xDF) {
      n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 3;
      lo = b == 0xE0 ? 0xA0 : 0x80;
      hi = b == 0xED ? 0x9F : 0xBF;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 4;
      lo = b == 0xF0 ? 0x90 : 0x80;
      hi = b == 0xF4 ? 0x8F : 0xBF;
    } else {
      return 0;
    }
    if (i + n > len || s[i + 1] < lo || s[i + 1] > hi) {
      return 0;
    }
    for (size_t k = 2; k < n; k++) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) {
        return 0;
      }
    }
    i += n;
  }
  return 1;
}

static void check_record(const arr_csv_record *rec) {
  CHECK(rec->nfields >= 1 && rec->nfields <= ARR_CSV_MAX_FIELDS);
  for (size_t i = 0; i < rec->nfields; i++) {
    CHECK(rec->len[i] <= ARR_CSV_MAX_RECORD_BYTES);
    CHECK(strlen(rec->f[i]) == rec->len[i]);
    CHECK(utf8_ok((const unsigned char *)rec->f[i], rec->len[i]));
  }
}

static void same_record(const arr_csv_record *a, const arr_csv_record *b) {
  CHECK(a->nfields == b->nfields && a->line == b->line && a->offset == b->offset);
  for (size_t i = 0; i < a->nfields; i++) {
    CHECK(a->len[i] == b->len[i] && memcmp(a->f[i], b->f[i], a->len[i]) == 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  chunked src = {data, size, 0, (uint32_t)size * 2654435761u};
  if (size > 0) {
    src.rng ^= data[0] | (uint32_t)data[size - 1] << 8;
  }
  arr_csv *a = arr_csv_open_mem((const char *)data, size);
  arr_csv *b = arr_csv_open(chunked_read, &src);
  CHECK(a != NULL && b != NULL);
  arr_csv_record ra, rb;
  arr_err ea, eb;
  long last_line = 0;
  uint64_t last_offset = 0;
  for (size_t n = 0;; n++) {
    CHECK(n <= size + 1); /* every record consumes at least one byte */
    arr_rc rca = arr_csv_next(a, &ra, &ea);
    arr_rc rcb = arr_csv_next(b, &rb, &eb);
    CHECK(rca == rcb);
    if (rca != ARR_OK) {
      CHECK(strcmp(ea.msg, eb.msg) == 0);
      CHECK(rca == ARR_ERR_NOTFOUND || rca == ARR_ERR_INVALID);
      if (rca == ARR_ERR_NOTFOUND) {
        CHECK(arr_csv_bytes_read(a) == size && arr_csv_bytes_read(b) == size);
      } else {
        CHECK(strncmp(ea.msg, "line ", 5) == 0);
      }
      break;
    }
    check_record(&ra);
    same_record(&ra, &rb);
    CHECK(ra.line > last_line && (n == 0 || ra.offset > last_offset));
    last_line = ra.line;
    last_offset = ra.offset;
  }
  arr_csv_close(a);
  arr_csv_close(b);
  return 0;
}
