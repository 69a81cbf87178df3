/*
 * payfile_import.c — posting a payment file (lockbox, processor or client remittance
 * CSV: client_account, amount, date, method, reference).
 *
 * The file is proved to be valid CSV first (nothing is posted from a broken file),
 * then read in chunks of PAYFILE_CHUNK_ROWS rows. Each chunk is one transaction with
 * one audit event. Within a chunk the rows are posted in account order, not file order:
 * account numbers are resolved in sorted order and payments applied sorted by account
 * id, so the account index, account rows and the per-account ledger and payment
 * indexes are touched sequentially instead of at random, and several payments to one
 * account write its row once. (Measured on 1M payments this is what separates a
 * disk-bound posting from a CPU-bound one.) Rejected rows are reported in file order
 * at the end of each chunk.
 *
 * Idempotency: each row's key is derived from its content and its occurrence number
 * among identical rows in the file, computed in file order, so re-posting a file (or
 * an overlapping one) never posts a row twice while two genuinely identical payments in
 * one file both post.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "formats/payfile.h"
#include "service/import_internal.h"
#include "service/internal.h"

#define PAYFILE_CHUNK_ROWS 50000
/* The duplicate-row counter holds 12 bytes per row for the whole file; beyond this a
 * file is refused (split it) rather than risk exhausting memory. */
#define PAYFILE_MAX_ROWS 20000000

/* ---- occurrences of identical rows ---- */

typedef struct {
  uint64_t *keys;
  uint32_t *counts;
  size_t cap;
} occurrence_map;

static bool occ_init(occurrence_map *m, int64_t rows) {
  size_t cap = 1024;
  while (cap < (size_t)rows * 2) {
    cap <<= 1;
  }
  m->keys = calloc(cap, sizeof *m->keys);
  m->counts = calloc(cap, sizeof *m->counts);
  m->cap = cap;
  return m->keys != NULL && m->counts != NULL;
}

static uint32_t occ_next(occurrence_map *m, uint64_t key) {
  key |= 1; /* 0 marks an empty slot */
  size_t i = (size_t)(key * UINT64_C(0x9E3779B97F4A7C15) >> 20) & (m->cap - 1);
  while (m->keys[i] != 0 && m->keys[i] != key) {
    i = (i + 1) & (m->cap - 1);
  }
  m->keys[i] = key;
  return ++m->counts[i];
}

static void occ_free(occurrence_map *m) {
  free(m->keys);
  free(m->counts);
}

/* ---- one chunk ---- */

typedef struct {
  long line;
  char client_account[65];
  int64_t amount_cents;
  arr_date date;
  arr_pay_method method;
  char reference[65];
  char key[129];
  int64_t account_id;
  bool done; /* posted, duplicate or rejected */
} pay_row;

typedef struct {
  long line;
  char *message; /* "line N: ..." */
  char *fields;  /* the row as CSV text (without line/reason) */
} deferred_reject;

typedef struct {
  arr_svc *svc;
  const arr_client *client;
  const arr_payfile_header *hdr;
  const arr_import_hooks *hooks;
  import_rejects *rejects;
  char file_hash[ARR_HASH_HEX];
  pay_row *rows;
  int nrows;
  int *order;
  deferred_reject *rej;
  int nrej;
  long first_line, last_line;
  int64_t posted, duplicates, rejected, posted_cents;
  arr_payfile_result *res;
} chunk;

static void csv_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n,
                       bool comma) {
  size_t need = *len + 2 * n + 4;
  if (need > *cap) {
    *cap = need * 2;
    *buf = realloc(*buf, *cap);
  }
  char *w = *buf + *len;
  if (comma) {
    *w++ = ',';
  }
  bool quote =
      memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n) || memchr(s, '\r', n);
  if (quote) {
    *w++ = '"';
  }
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"') {
      *w++ = '"';
    }
    *w++ = s[i];
  }
  if (quote) {
    *w++ = '"';
  }
  *len = (size_t)(w - *buf);
  (*buf)[*len] = '\0';
}

static char *record_csv(const arr_csv_record *rec) {
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (size_t i = 0; i < rec->nfields; i++) {
    csv_append(&buf, &len, &cap, rec->f[i], rec->len[i], i > 0);
  }
  return buf != NULL ? buf : strdup("");
}

/* The row's values in the file's own column order, for the rejects file. */
static char *row_csv(const chunk *c, const pay_row *r) {
  char amount[ARR_MONEY_FMT_MAX], date[ARR_DATE_FMT_MAX];
  arr_money_format(r->amount_cents, amount);
  arr_date_format(r->date, date);
  const char *by_col[ARR_CSV_MAX_FIELDS] = {0};
  const arr_payfile_header *h = c->hdr;
  by_col[h->col_client_account] = r->client_account;
  by_col[h->col_amount] = amount;
  by_col[h->col_date] = date;
  by_col[h->col_method] = arr_pay_method_name(r->method);
  if (h->col_reference >= 0) {
    by_col[h->col_reference] = r->reference;
  }
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (size_t i = 0; i < h->ncols && i < ARR_CSV_MAX_FIELDS; i++) {
    const char *v = by_col[i] != NULL ? by_col[i] : "";
    csv_append(&buf, &len, &cap, v, strlen(v), i > 0);
  }
  return buf != NULL ? buf : strdup("");
}

static void defer_reject(chunk *c, long line, const char *message, char *fields) {
  deferred_reject *d = &c->rej[c->nrej++];
  d->line = line;
  d->message = strdup(message);
  d->fields = fields;
  c->rejected++;
  c->res->rejected++;
}

static int by_line(const void *a, const void *b) {
  const deferred_reject *x = a, *y = b;
  return (x->line > y->line) - (x->line < y->line);
}

static void flush_rejects(chunk *c) {
  qsort(c->rej, (size_t)c->nrej, sizeof *c->rej, by_line);
  for (int i = 0; i < c->nrej; i++) {
    import_reject_text(c->rejects, c->hooks, c->rej[i].line, c->rej[i].message,
                       c->rej[i].fields);
    free(c->rej[i].message);
    free(c->rej[i].fields);
  }
  c->nrej = 0;
}

static const chunk *sort_ctx; /* qsort has no context argument in C17 */

static int by_client_account(const void *a, const void *b) {
  return strcmp(sort_ctx->rows[*(const int *)a].client_account,
                sort_ctx->rows[*(const int *)b].client_account);
}

static int by_account_id(const void *a, const void *b) {
  const pay_row *x = &sort_ctx->rows[*(const int *)a],
                *y = &sort_ctx->rows[*(const int *)b];
  if (x->account_id != y->account_id) {
    return (x->account_id > y->account_id) - (x->account_id < y->account_id);
  }
  return (x->line > y->line) - (x->line < y->line); /* file order within an account */
}

/* Resolves keys and accounts (sorted by account number), then posts (sorted by account
 * id), all inside the open transaction. */
static arr_rc post_chunk(chunk *c, arr_err *err) {
  arr_svc *svc = c->svc;
  int n = 0;
  for (int i = 0; i < c->nrows; i++) {
    c->order[n++] = i;
  }
  sort_ctx = c;
  qsort(c->order, (size_t)n, sizeof *c->order, by_client_account);
  arr_rc rc = ARR_OK;
  int live = 0;
  for (int k = 0; rc == ARR_OK && k < n; k++) {
    pay_row *r = &c->rows[c->order[k]];
    arr_payment first;
    rc = arr_store_payment_by_key(svc->db, r->key, &first, err);
    if (rc == ARR_OK) {
      r->done = true;
      c->duplicates++;
      c->res->duplicates++;
      continue;
    }
    if (rc != ARR_ERR_NOTFOUND) {
      break;
    }
    rc = arr_store_account_id_by_ref(svc->db, c->client->id, r->client_account,
                                     &r->account_id, err);
    if (rc == ARR_ERR_NOTFOUND) {
      rc = ARR_OK;
      char msg[ARR_ERR_MSG_MAX];
      snprintf(msg, sizeof msg,
               "line %ld: field client_account: no account %s for client %s", r->line,
               r->client_account, c->client->code);
      r->done = true;
      defer_reject(c, r->line, msg, row_csv(c, r));
      continue;
    }
    if (rc == ARR_OK) {
      c->order[live++] = c->order[k];
    }
  }
  if (rc != ARR_OK) {
    return rc;
  }
  qsort(c->order, (size_t)live, sizeof *c->order, by_account_id);
  arr_account a;
  bool have = false;
  bool dirty = false;
  svc->defer_account_writes = true; /* each account row is written once, below */
  for (int k = 0; rc == ARR_OK && k < live; k++) {
    pay_row *r = &c->rows[c->order[k]];
    if (!have || a.id != r->account_id) {
      if (have && dirty) {
        rc = arr_store_account_update_money(svc->db, &a, svc->now_iso, err);
      }
      if (rc == ARR_OK) {
        rc = arr_store_account_get_for_update(svc->db, r->account_id, &a, err);
      }
      have = rc == ARR_OK;
      dirty = false;
      if (rc != ARR_OK) {
        break;
      }
    }
    arr_payment p;
    memset(&p, 0, sizeof p);
    p.amount_cents = r->amount_cents;
    p.effective_on = r->date;
    svc_strcpy(p.method, sizeof p.method, arr_pay_method_name(r->method));
    svc_strcpy(p.reference, sizeof p.reference, r->reference);
    svc_strcpy(p.idempotency_key, sizeof p.idempotency_key, r->key);
    snprintf(p.source, sizeof p.source, "file:%.16s", c->file_hash);
    arr_err post_err;
    arr_rc prc = svc_post_payment(svc, &a, &p, NULL, &post_err);
    if (prc == ARR_ERR_INVALID || prc == ARR_ERR_REFUSED) {
      /* Refused before anything was written for this row. */
      char msg[ARR_ERR_MSG_MAX];
      snprintf(msg, sizeof msg, "line %ld: %s", r->line, post_err.msg);
      defer_reject(c, r->line, msg, row_csv(c, r));
    } else if (prc != ARR_OK) {
      *err = post_err;
      rc = prc;
    } else {
      dirty = true;
      c->posted++;
      c->res->posted++;
      c->posted_cents += p.amount_cents;
    }
    r->done = true;
  }
  if (rc == ARR_OK && have && dirty) {
    rc = arr_store_account_update_money(svc->db, &a, svc->now_iso, err);
  }
  svc->defer_account_writes = false;
  return rc;
}

static arr_rc audit_chunk(chunk *c, arr_err *err) {
  json_t *d = json_pack("{s:s,s:s,s:[i,i],s:I,s:I,s:I,s:I}", "client", c->client->code,
                        "blake2b", c->file_hash, "lines", (int)c->first_line,
                        (int)c->last_line, "posted", (json_int_t)c->posted,
                        "posted_cents", (json_int_t)c->posted_cents, "duplicates",
                        (json_int_t)c->duplicates, "rejected", (json_int_t)c->rejected);
  return svc_audit(c->svc, "payment.file_chunk", "payment_file", 0, d, err);
}

/* Posts the buffered rows as one transaction and reports the chunk's rejects. */
static arr_rc finish_chunk(chunk *c, bool last, arr_err *err) {
  arr_svc *svc = c->svc;
  arr_rc rc = svc_begin(svc, err);
  if (rc == ARR_OK) {
    rc = arr_store_client_lock(svc->db, c->client->id, err);
  }
  if (rc == ARR_OK) {
    rc = post_chunk(c, err);
  }
  if (rc == ARR_OK && (c->posted + c->duplicates + c->rejected > 0 || last)) {
    rc = audit_chunk(c, err);
  }
  if (rc == ARR_OK && last) {
    json_t *d = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I}", "client", c->client->code,
                          "blake2b", c->file_hash, "read", (json_int_t)c->res->read,
                          "posted", (json_int_t)c->res->posted, "duplicates",
                          (json_int_t)c->res->duplicates, "rejected",
                          (json_int_t)c->res->rejected);
    rc = svc_audit(svc, "payment.file_import", "payment_file", 0, d, err);
  }
  if (rc == ARR_OK) {
    rc = svc_commit(svc, err);
  } else {
    svc_rollback(svc);
  }
  if (rc == ARR_OK) {
    flush_rejects(c);
  }
  c->nrows = 0;
  c->first_line = c->last_line = 0;
  c->posted = c->duplicates = c->rejected = c->posted_cents = 0;
  return rc;
}

/* The row's content digest (128 bits, hex) and its 64-bit prefix for counting
 * identical rows. */
static void payfile_digest(const char *client_code, const arr_payfile_row *row,
                           char hex[ARR_HASH_HEX], uint64_t *digest64) {
  char date[ARR_DATE_FMT_MAX];
  arr_date_format(row->date, date);
  char buf[512];
  int n = snprintf(buf, sizeof buf, "%s|%.*s|%lld|%s|%s|%.*s", client_code,
                   (int)row->client_account.len, row->client_account.s,
                   (long long)row->amount_cents, date, arr_pay_method_name(row->method),
                   (int)row->reference.len, row->reference.s);
  svc_hash_hex(buf, (size_t)n, hex);
  uint64_t d = 0;
  for (int i = 0; i < 16; i++) {
    char ch = hex[i];
    d = (d << 4) | (uint64_t)(ch <= '9' ? ch - '0' : ch - 'a' + 10);
  }
  *digest64 = d;
}

static arr_rc import_payments_file(arr_svc *svc, const char *path,
                                   const char *client_code, const arr_import_hooks *hooks,
                                   arr_payfile_result *res, arr_err *err) {
  memset(res, 0, sizeof *res);
  arr_client client;
  arr_rc rc = arr_store_client_by_code(svc->db, client_code, &client, err);
  if (rc != ARR_OK) {
    return rc;
  }
  import_file f;
  rc = import_file_open(&f, path, err);
  if (rc != ARR_OK) {
    return rc;
  }
  chunk c;
  memset(&c, 0, sizeof c);
  c.svc = svc;
  c.client = &client;
  c.hooks = hooks;
  c.res = res;
  int64_t records = 0;
  rc = import_check_structure(&f, &records, c.file_hash, err);
  occurrence_map occ = {0};
  arr_csv *csv = NULL;
  arr_csv_record *rec = malloc(sizeof *rec);
  arr_payfile_header hdr;
  import_rejects rejects = {0};
  c.hdr = &hdr;
  c.rejects = &rejects;
  c.rows = malloc(sizeof *c.rows * PAYFILE_CHUNK_ROWS);
  c.order = malloc(sizeof *c.order * PAYFILE_CHUNK_ROWS);
  c.rej = malloc(sizeof *c.rej * PAYFILE_CHUNK_ROWS);
  if (rc == ARR_OK && records > PAYFILE_MAX_ROWS) {
    rc = arr_err_set(
        err, ARR_ERR_INVALID,
        "file refused, nothing posted: %lld rows is more than the %d a payment "
        "file may hold; split it",
        (long long)records, PAYFILE_MAX_ROWS);
  }
  if (rc == ARR_OK && (rec == NULL || c.rows == NULL || c.order == NULL ||
                       c.rej == NULL || !occ_init(&occ, records))) {
    rc = arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  if (rc == ARR_OK) {
    csv = arr_csv_open(import_file_read, &f);
    rc = csv == NULL ? arr_err_set(err, ARR_ERR_NOMEM, "out of memory")
                     : arr_csv_next(csv, rec, err);
  }
  if (rc == ARR_OK) {
    rc = arr_payfile_header_parse(rec, &hdr, err);
    if (rc != ARR_OK) {
      char msg[ARR_ERR_MSG_MAX];
      memcpy(msg, err->msg, sizeof msg);
      arr_err_set(err, rc, "file refused, nothing posted: header: %s", msg);
    }
  }
  if (rc == ARR_OK) {
    rc = import_rejects_open(svc, &rejects, hooks != NULL ? hooks->rejects_path : NULL,
                             &f, rec, err);
  }
  while (rc == ARR_OK) {
    rc = arr_csv_next(csv, rec, err);
    if (rc == ARR_ERR_NOTFOUND) {
      rc = finish_chunk(&c, true, err);
      break;
    }
    if (rc != ARR_OK) {
      break;
    }
    res->read++;
    c.first_line = c.first_line == 0 ? rec->line : c.first_line;
    c.last_line = rec->line;
    arr_payfile_row row;
    arr_err row_err;
    arr_err_clear(&row_err);
    if (arr_payfile_parse(&hdr, rec, svc->today, &row, &row_err) != ARR_OK) {
      defer_reject(&c, rec->line, row_err.msg, record_csv(rec));
    } else if (row.client_account.len >= sizeof c.rows[0].client_account) {
      snprintf(row_err.msg, sizeof row_err.msg,
               "line %ld: field client_account: too long", rec->line);
      defer_reject(&c, rec->line, row_err.msg, record_csv(rec));
    } else {
      pay_row *r = &c.rows[c.nrows++];
      memset(r, 0, sizeof *r);
      r->line = rec->line;
      svc_copy(r->client_account, sizeof r->client_account, row.client_account.s,
               row.client_account.len);
      r->amount_cents = row.amount_cents;
      r->date = row.date;
      r->method = row.method;
      svc_copy(r->reference, sizeof r->reference, row.reference.s, row.reference.len);
      char hex[ARR_HASH_HEX];
      uint64_t d64 = 0;
      payfile_digest(client.code, &row, hex, &d64);
      /* 128 bits of digest: ample against collisions, and a compact unique index. */
      snprintf(r->key, sizeof r->key, "f1:%.32s:%u", hex, occ_next(&occ, d64));
    }
    if (c.nrows + c.nrej >= PAYFILE_CHUNK_ROWS) {
      rc = finish_chunk(&c, false, err);
      if (hooks != NULL && hooks->progress != NULL) {
        hooks->progress(hooks->ctx, res->read, arr_csv_bytes_read(csv), f.size);
      }
    }
  }
  arr_err close_err;
  if (import_rejects_close(&rejects, &close_err) != ARR_OK && rc == ARR_OK) {
    *err = close_err;
    rc = close_err.rc;
  }
  for (int i = 0; i < c.nrej; i++) { /* only left over when a chunk failed */
    free(c.rej[i].message);
    free(c.rej[i].fields);
  }
  occ_free(&occ);
  arr_csv_close(csv);
  free(rec);
  free(c.rows);
  free(c.order);
  free(c.rej);
  import_file_close(&f);
  return rc;
}

/* A file of a million rows writes gigabytes of WAL: checkpointed beside the import
 * (db.h arr_db_background_checkpoints) rather than inside its commits. */
arr_rc arr_svc_import_payments(arr_svc *svc, const char *path, const char *client_code,
                               const arr_import_hooks *hooks, arr_payfile_result *res,
                               arr_err *err) {
  arr_db_background_checkpoints(svc->db, true);
  arr_rc rc = import_payments_file(svc, path, client_code, hooks, res, err);
  arr_db_background_checkpoints(svc->db, false);
  return rc;
}
