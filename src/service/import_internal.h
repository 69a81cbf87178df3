/*
 * import_internal.h — pieces of the import machinery shared by placement import,
 * payment-file import and the demo generator (which loads its synthetic accounts
 * through the same row path as a real placement file).
 */
#ifndef ARR_IMPORT_INTERNAL_H
#define ARR_IMPORT_INTERNAL_H

#include <sodium.h>
#include <stdio.h>

#include "formats/csv.h"
#include "formats/placement.h"
#include "service/service.h"
#include "store/store.h"

typedef struct {
  FILE *fp;
  uint64_t size;
  bool hashing; /* pass one hashes the file; pass two only reads it */
  crypto_generichash_state sha;
} import_file;

arr_rc import_file_open(import_file *f, const char *path, arr_err *err);
long import_file_read(void *ctx, char *buf, size_t cap); /* arr_csv_read_fn */
void import_file_rewind(import_file *f);
void import_file_digest(import_file *f, char out[ARR_HASH_HEX]);
void import_file_close(import_file *f);
/* Pass one: whole file valid CSV; counts data records, hashes, rewinds. */
arr_rc import_check_structure(import_file *f, int64_t *records,
                              char sha_out[ARR_HASH_HEX], arr_err *err);

typedef struct {
  FILE *fp;
} import_rejects;
/* Opens the rejects file (NULL path: none) and writes its header; refuses a path that
 * is the input file itself, the database, its WAL or the key file. */
arr_rc import_rejects_open(const arr_svc *svc, import_rejects *r, const char *path,
                           const import_file *input, const arr_csv_record *header,
                           arr_err *err);
void import_reject(import_rejects *r, const arr_import_hooks *hooks,
                   const arr_csv_record *rec, const char *message);
/* The same for a row already encoded as CSV text (fields in the file's column order). */
void import_reject_text(import_rejects *r, const arr_import_hooks *hooks, long line,
                        const char *message, const char *fields_csv);
arr_rc import_rejects_close(import_rejects *r, arr_err *err);

/* Bloom filters over the keys a bulk load looks up (debtor match keys, the client's
 * account numbers). A negative answer is certain, so most rows of a big file skip three
 * index lookups; a positive answer is confirmed in the database as before. Bounded:
 * sized for the rows present plus the file, at most 512 MiB of bits. */
typedef struct {
  uint64_t *words;
  uint64_t nbits; /* a power of two */
} import_filter;

typedef struct {
  bool active;
  import_filter debtors;  /* ssn and name+DOB keys */
  import_filter accounts; /* hash of client_account for the one client */
  int64_t client_id;
  int64_t debtors_seen, accounts_seen; /* highest ids already in the filters */
} import_filters;

/* Builds the filters from what the database holds (for client_id) plus room for
 * expected_rows new rows. */
arr_rc import_filters_load(arr_svc *svc, int64_t client_id, int64_t expected_rows,
                           import_filters *f, arr_err *err);
/* Adds rows committed since the last load/refresh (by this or another process). Call
 * at the start of each chunk transaction, after arr_store_client_lock, so no account
 * of the client can appear unseen while the chunk runs. */
arr_rc import_filters_refresh(arr_svc *svc, import_filters *f, arr_err *err);
void import_filters_free(import_filters *f);

typedef struct {
  import_filters *filters; /* NULL: look everything up in the database */
  const char *language;    /* NULL = "en" */
  int64_t collector_id;    /* 0 = unassigned */
  arr_date placed_on;      /* 0 = today */
} import_row_extra;

typedef struct {
  int64_t account_id, debtor_id;
  bool duplicate, debtor_matched;
  arr_account account; /* the new account as stored (when not a duplicate) */
} import_row_result;

/* Loads one validated placement row inside the caller's transaction. A row whose
 * client_account already exists for the client is a duplicate (nothing written). */
arr_rc import_row(arr_svc *svc, const arr_client *client, int64_t placement_id,
                  const arr_placement_row *row, const import_row_extra *extra,
                  const char *attributes_json, import_row_result *out, arr_err *err);

#endif
