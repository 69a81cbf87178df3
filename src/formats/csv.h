/*
 * csv.h — a streaming RFC 4180 reader with bounded memory.
 *
 * Reads records from a caller-supplied byte source (callback), so files of any size
 * stream through a fixed buffer. Quoted fields may contain commas, CR/LF and doubled
 * quotes. Line endings CRLF or LF (a lone CR inside an unquoted field is an error).
 * A UTF-8 BOM at the very start is skipped. Invalid UTF-8 is an error naming the line
 * and column. Limits (record bytes, field count) make hostile input fail cleanly
 * instead of exhausting memory. Line numbers are physical lines (1-based) where the
 * record starts, so an operator can open the file at that line.
 *
 * A record's fields point into the reader's buffer and stay valid until the next call
 * to arr_csv_next. Each field is NUL-terminated (the reader writes a NUL after it), so
 * f[i] may be used as a C string and len[i] is its length; an embedded NUL byte in the
 * input is rejected.
 */
#ifndef ARR_CSV_H
#define ARR_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define ARR_CSV_MAX_FIELDS 256
#define ARR_CSV_MAX_RECORD_BYTES (64 * 1024)

/* Reads up to cap bytes into buf; returns bytes read, 0 at end, -1 on error. */
typedef long (*arr_csv_read_fn)(void *ctx, char *buf, size_t cap);

typedef struct arr_csv arr_csv;

typedef struct {
  size_t nfields;
  const char *f[ARR_CSV_MAX_FIELDS];
  size_t len[ARR_CSV_MAX_FIELDS];
  long line;       /* physical line where the record starts (1-based) */
  uint64_t offset; /* byte offset of the record start in the stream */
} arr_csv_record;

/* Creates a reader over read_fn/ctx. Returns NULL on allocation failure. */
arr_csv *arr_csv_open(arr_csv_read_fn read_fn, void *ctx);
/* Convenience: reader over an in-memory buffer (not copied; must outlive reader). */
arr_csv *arr_csv_open_mem(const char *data, size_t len);
void arr_csv_close(arr_csv *r);

/* Next record into *rec. Returns ARR_OK with a record, ARR_ERR_NOTFOUND at clean end of
 * input, ARR_ERR_INVALID with err naming the line (and column) on malformed input,
 * ARR_ERR_IO if read_fn failed. Blank lines (an empty physical line outside quotes)
 * are skipped. After an error the reader is unusable (the file is rejected as a whole
 * only by the caller's choice; callers that want to continue cannot). */
arr_rc arr_csv_next(arr_csv *r, arr_csv_record *rec, arr_err *err);

/* Total bytes consumed so far (for progress reporting). */
uint64_t arr_csv_bytes_read(const arr_csv *r);

#endif
