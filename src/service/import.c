/*
 * import.c — placement import: a client's CSV of new accounts into debtors, contact
 * points, accounts and opening ledger entries.
 *
 * Two passes. The first streams the whole file through the CSV reader only, to prove
 * it is structurally sound (quoting, UTF-8, field counts are the row validator's job)
 * and to hash it; a file that is not valid CSV is refused as a whole before anything
 * is written. The second pass validates each row (formats/placement.c), sends bad rows
 * to the rejects list with line, field and reason, and loads good rows in chunks of
 * IMPORT_CHUNK_ROWS, each chunk one transaction with one audit event. Re-importing a
 * file, or resuming after a crash, is safe: an account already present for the client
 * (same client_account) is counted as a duplicate and skipped.
 *
 * Debtor matching: a row is the same person as an existing debtor when the SSN matches
 * (by blind index, then confirmed by decrypting), or, when either side lacks an SSN,
 * when first name, last name and DOB match. The blind index lets us find candidates
 * without storing SSNs in the clear.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "formats/csv.h"
#include "formats/placement.h"
#include "service/import_internal.h"
#include "service/internal.h"

#define IMPORT_CHUNK_ROWS 20000
#define MATCH_CANDIDATES 8
#define IMPORT_FILTER_MIN_ROWS 20000

/* ---- file reading with hashing ---- */

long import_file_read(void *ctx, char *buf, size_t cap) {
  import_file *f = ctx;
  size_t n = fread(buf, 1, cap, f->fp);
  if (n == 0 && ferror(f->fp)) {
    return -1;
  }
  if (f->hashing) {
    crypto_generichash_update(&f->sha, (const unsigned char *)buf, n);
  }
  return (long)n;
}

arr_rc import_file_open(import_file *f, const char *path, arr_err *err) {
  memset(f, 0, sizeof *f);
  f->fp = fopen(path, "rb");
  if (f->fp == NULL) {
    return arr_err_set(err, ARR_ERR_IO, "cannot open %s: %s", path, strerror(errno));
  }
  struct stat sb;
  if (fstat(fileno(f->fp), &sb) == 0) {
    f->size = (uint64_t)sb.st_size;
  }
  crypto_generichash_init(&f->sha, NULL, 0, 32);
  f->hashing = true;
  return ARR_OK;
}

void import_file_rewind(import_file *f) {
  rewind(f->fp);
  f->hashing = false;
}

void import_file_digest(import_file *f, char out[ARR_HASH_HEX]) {
  unsigned char bin[32];
  crypto_generichash_final(&f->sha, bin, sizeof bin);
  sodium_bin2hex(out, ARR_HASH_HEX, bin, sizeof bin);
}

void import_file_close(import_file *f) {
  if (f->fp != NULL) {
    fclose(f->fp);
    f->fp = NULL;
  }
}

/* Pass one: the whole file must be valid CSV. Returns the number of data records. */
arr_rc import_check_structure(import_file *f, int64_t *records,
                              char sha_out[ARR_HASH_HEX], arr_err *err) {
  arr_csv *csv = arr_csv_open(import_file_read, f);
  if (csv == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  arr_csv_record *rec = malloc(sizeof *rec);
  if (rec == NULL) {
    arr_csv_close(csv);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int64_t n = 0;
  arr_rc rc;
  while ((rc = arr_csv_next(csv, rec, err)) == ARR_OK) {
    n++;
  }
  arr_csv_close(csv);
  free(rec);
  if (rc != ARR_ERR_NOTFOUND) {
    char msg[ARR_ERR_MSG_MAX];
    memcpy(msg, err->msg, sizeof msg);
    return arr_err_set(err, rc, "file refused, nothing loaded: %s", msg);
  }
  if (n == 0) {
    return arr_err_set(err, ARR_ERR_INVALID, "file refused: it is empty (no header row)");
  }
  import_file_digest(f, sha_out);
  *records = n - 1;
  import_file_rewind(f);
  arr_err_clear(err);
  return ARR_OK;
}

/* ---- rejects file ---- */

static void csv_write_field(FILE *out, const char *s, size_t len) {
  bool quote = false;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    fwrite(s, 1, len, out);
    return;
  }
  fputc('"', out);
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '"') {
      fputc('"', out);
    }
    fputc(s[i], out);
  }
  fputc('"', out);
}

arr_rc import_rejects_open(const arr_svc *svc, import_rejects *r, const char *path,
                           const import_file *input, const arr_csv_record *header,
                           arr_err *err) {
  r->fp = NULL;
  if (path == NULL) {
    return ARR_OK;
  }
  arr_rc rc = svc_check_output_path(svc, path, err);
  if (rc != ARR_OK) {
    return rc;
  }
  /* Opening the rejects file truncates it: make sure it is not the file being read. */
  struct stat in_sb, out_sb;
  if (input != NULL && fstat(fileno(input->fp), &in_sb) == 0 &&
      stat(path, &out_sb) == 0 && in_sb.st_dev == out_sb.st_dev &&
      in_sb.st_ino == out_sb.st_ino) {
    return arr_err_set(
        err, ARR_ERR_INVALID,
        "the rejects file %s is the file being imported; choose another name", path);
  }
  r->fp = fopen(path, "w");
  if (r->fp == NULL) {
    return arr_err_set(err, ARR_ERR_IO, "cannot write rejects file %s: %s", path,
                       strerror(errno));
  }
  fputs("line,reason", r->fp);
  for (size_t i = 0; i < header->nfields; i++) {
    fputc(',', r->fp);
    csv_write_field(r->fp, header->f[i], header->len[i]);
  }
  fputc('\n', r->fp);
  return ARR_OK;
}

/* Reports the reject and writes "line,reason" to the rejects file; false when there is
 * no rejects file to write the fields to. */
static bool reject_prefix(import_rejects *r, const arr_import_hooks *hooks, long line,
                          const char *message) {
  if (hooks != NULL && hooks->reject != NULL) {
    hooks->reject(hooks->ctx, message);
  }
  if (r->fp == NULL) {
    return false;
  }
  /* The message starts "line N: "; the rejects file has the line in its own column. */
  const char *reason = message;
  if (strncmp(reason, "line ", 5) == 0) {
    const char *colon = strstr(reason, ": ");
    if (colon != NULL) {
      reason = colon + 2;
    }
  }
  fprintf(r->fp, "%ld,", line);
  csv_write_field(r->fp, reason, strlen(reason));
  return true;
}

void import_reject(import_rejects *r, const arr_import_hooks *hooks,
                   const arr_csv_record *rec, const char *message) {
  if (!reject_prefix(r, hooks, rec->line, message)) {
    return;
  }
  for (size_t i = 0; i < rec->nfields; i++) {
    fputc(',', r->fp);
    csv_write_field(r->fp, rec->f[i], rec->len[i]);
  }
  fputc('\n', r->fp);
}

void import_reject_text(import_rejects *r, const arr_import_hooks *hooks, long line,
                        const char *message, const char *fields_csv) {
  if (!reject_prefix(r, hooks, line, message)) {
    return;
  }
  fputc(',', r->fp);
  fputs(fields_csv, r->fp);
  fputc('\n', r->fp);
}

arr_rc import_rejects_close(import_rejects *r, arr_err *err) {
  if (r->fp == NULL) {
    return ARR_OK;
  }
  int rc = fclose(r->fp);
  r->fp = NULL;
  return rc == 0 ? ARR_OK
                 : arr_err_set(err, ARR_ERR_IO, "cannot finish the rejects file");
}

/* ---- bulk-load filters ---- */

static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static uint64_t str_hash64(const char *s, size_t len) {
  uint64_t h = UINT64_C(0xCBF29CE484222325); /* FNV-1a, then mixed */
  for (size_t i = 0; i < len; i++) {
    h = (h ^ (unsigned char)s[i]) * UINT64_C(0x100000001B3);
  }
  return mix64(h);
}

static bool filter_init(import_filter *f, int64_t keys) {
  uint64_t want = (uint64_t)(keys < 1024 ? 1024 : keys) * 16; /* ~0.2% false positives */
  uint64_t nbits = 1 << 16;
  while (nbits < want && nbits < (UINT64_C(1) << 32)) {
    nbits <<= 1;
  }
  f->words = calloc(nbits / 64, sizeof *f->words);
  f->nbits = nbits;
  return f->words != NULL;
}

static void filter_add(import_filter *f, uint64_t key) {
  uint64_t h = mix64(key);
  for (int i = 0; i < 3; i++, h = mix64(h + (uint64_t)i)) {
    uint64_t bit = h & (f->nbits - 1);
    f->words[bit >> 6] |= UINT64_C(1) << (bit & 63);
  }
}

static bool filter_maybe(const import_filter *f, uint64_t key) {
  uint64_t h = mix64(key);
  for (int i = 0; i < 3; i++, h = mix64(h + (uint64_t)i)) {
    uint64_t bit = h & (f->nbits - 1);
    if ((f->words[bit >> 6] & (UINT64_C(1) << (bit & 63))) == 0) {
      return false;
    }
  }
  return true;
}

void import_filters_free(import_filters *f) {
  free(f->debtors.words);
  free(f->accounts.words);
  memset(f, 0, sizeof *f);
}

arr_rc import_filters_refresh(arr_svc *svc, import_filters *f, arr_err *err) {
  enum { PAGE = 5000 };
  if (!f->active) {
    return ARR_OK;
  }
  int64_t *ids = malloc(sizeof *ids * PAGE), *k1 = malloc(sizeof *k1 * PAGE),
          *k2 = malloc(sizeof *k2 * PAGE);
  char(*refs)[65] = malloc(sizeof *refs * PAGE);
  arr_rc rc = ARR_OK;
  if (ids == NULL || k1 == NULL || k2 == NULL || refs == NULL) {
    rc = arr_err_set(err, ARR_ERR_NOMEM, "out of memory for the import filters");
  }
  int n = PAGE;
  while (rc == ARR_OK && n == PAGE) {
    rc = arr_store_debtor_keys_scan(svc->db, f->debtors_seen, ids, k1, k2, PAGE, &n, err);
    for (int i = 0; rc == ARR_OK && i < n; i++) {
      if (k1[i] != 0) {
        filter_add(&f->debtors, (uint64_t)k1[i]);
      }
      if (k2[i] != 0) {
        filter_add(&f->debtors, (uint64_t)k2[i]);
      }
      f->debtors_seen = ids[i];
    }
  }
  n = PAGE;
  while (rc == ARR_OK && n == PAGE) {
    rc = arr_store_account_refs_scan(svc->db, f->client_id, f->accounts_seen, ids, refs,
                                     PAGE, &n, err);
    for (int i = 0; rc == ARR_OK && i < n; i++) {
      filter_add(&f->accounts, str_hash64(refs[i], strlen(refs[i])));
      f->accounts_seen = ids[i];
    }
  }
  free(ids);
  free(k1);
  free(k2);
  free(refs);
  return rc;
}

arr_rc import_filters_load(arr_svc *svc, int64_t client_id, int64_t expected_rows,
                           import_filters *f, arr_err *err) {
  memset(f, 0, sizeof *f);
  int64_t debtors = 0, accounts = 0;
  arr_rc rc = arr_store_count(svc->db, "debtors", &debtors, err);
  if (rc == ARR_OK) {
    rc = arr_store_count(svc->db, "accounts", &accounts, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  if (!filter_init(&f->debtors, 2 * (debtors + expected_rows)) ||
      !filter_init(&f->accounts, accounts + expected_rows)) {
    import_filters_free(f);
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory for the import filters");
  }
  f->client_id = client_id;
  f->active = true;
  rc = import_filters_refresh(svc, f, err);
  if (rc != ARR_OK) {
    import_filters_free(f);
  }
  return rc;
}

/* ---- debtor matching ---- */

static void lower_copy(char *dst, size_t cap, const char *s, size_t len) {
  size_t n = len < cap - 1 ? len : cap - 1;
  for (size_t i = 0; i < n; i++) {
    dst[i] = (char)tolower((unsigned char)s[i]);
  }
  dst[n] = '\0';
}

static int64_t namedob_key(const arr_svc *svc, const arr_placement_row *row) {
  char buf[512], first[201], last[201], dob[ARR_DATE_FMT_MAX];
  lower_copy(first, sizeof first, row->first_name.s, row->first_name.len);
  lower_copy(last, sizeof last, row->last_name.s, row->last_name.len);
  arr_date_format(row->dob, dob);
  int n = snprintf(buf, sizeof buf, "namedob|%s|%s|%s", last, first, dob);
  return svc_blind_index(svc, buf, (size_t)n);
}

static int64_t ssn_key(const arr_svc *svc, const char *ssn) {
  char buf[32];
  int n = snprintf(buf, sizeof buf, "ssn|%s", ssn);
  return svc_blind_index(svc, buf, (size_t)n);
}

/* A row's blind-index keys, computed once per row (each is a keyed BLAKE2b). */
typedef struct {
  int64_t ssn;     /* 0 = no SSN */
  int64_t namedob; /* 0 = no DOB */
} row_keys;

static row_keys keys_of(const arr_svc *svc, const arr_placement_row *row) {
  row_keys k = {row->has_ssn ? ssn_key(svc, row->ssn) : 0,
                row->has_dob ? namedob_key(svc, row) : 0};
  return k;
}

/* Finds the existing debtor for row (0 if none). */
static arr_rc match_debtor(arr_svc *svc, const arr_placement_row *row, const row_keys *k,
                           const import_filters *f, int64_t *debtor_id, arr_err *err) {
  arr_debtor cand[MATCH_CANDIDATES];
  int n = 0;
  *debtor_id = 0;
  bool active = f != NULL && f->active;
  if (row->has_ssn && (!active || filter_maybe(&f->debtors, (uint64_t)k->ssn))) {
    arr_rc rc =
        arr_store_debtor_find_ssn(svc->db, k->ssn, cand, MATCH_CANDIDATES, &n, err);
    if (rc != ARR_OK) {
      return rc;
    }
    for (int i = 0; i < n; i++) {
      char plain[16];
      rc = svc_decrypt(svc, cand[i].ssn_enc, plain, sizeof plain, err);
      if (rc != ARR_OK) {
        return rc;
      }
      if (strcmp(plain, row->ssn) == 0) {
        *debtor_id = cand[i].id;
        return ARR_OK;
      }
    }
  }
  if (!row->has_dob || (active && !filter_maybe(&f->debtors, (uint64_t)k->namedob))) {
    return ARR_OK;
  }
  arr_rc rc =
      arr_store_debtor_find_namedob(svc->db, k->namedob, cand, MATCH_CANDIDATES, &n, err);
  if (rc != ARR_OK) {
    return rc;
  }
  char want_dob[ARR_DATE_FMT_MAX];
  arr_date_format(row->dob, want_dob);
  for (int i = 0; i < n; i++) {
    /* Same name and DOB, but two different SSNs on record are two people. */
    if (row->has_ssn && cand[i].ssn_enc[0] != '\0') {
      continue;
    }
    if (strlen(cand[i].first_name) != row->first_name.len ||
        strncasecmp(cand[i].first_name, row->first_name.s, row->first_name.len) != 0 ||
        strlen(cand[i].last_name) != row->last_name.len ||
        strncasecmp(cand[i].last_name, row->last_name.s, row->last_name.len) != 0) {
      continue;
    }
    char dob[32];
    rc = svc_decrypt(svc, cand[i].dob_enc, dob, sizeof dob, err);
    if (rc != ARR_OK) {
      return rc;
    }
    if (strcmp(dob, want_dob) == 0) {
      *debtor_id = cand[i].id;
      return ARR_OK;
    }
  }
  return ARR_OK;
}

/* ---- contact points ---- */

static arr_rc add_contact_points(arr_svc *svc, int64_t debtor_id,
                                 const arr_placement_row *row, bool existing,
                                 arr_err *err) {
  arr_rc rc = ARR_OK;
  if (row->address1.len > 0) {
    bool present = false;
    if (existing) {
      arr_address *have = malloc(sizeof *have * 32);
      int n = 0;
      if (have == NULL) {
        return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
      }
      rc = arr_store_address_list(svc->db, debtor_id, have, 32, &n, err);
      for (int i = 0; rc == ARR_OK && i < n && !present; i++) {
        present = strcasecmp(have[i].line1, row->address1.s) == 0 &&
                  strncmp(have[i].zip, row->zip, 5) == 0;
      }
      free(have);
    }
    if (rc == ARR_OK && !present) {
      arr_address a;
      memset(&a, 0, sizeof a);
      a.debtor_id = debtor_id;
      svc_copy(a.line1, sizeof a.line1, row->address1.s, row->address1.len);
      svc_copy(a.line2, sizeof a.line2, row->address2.s, row->address2.len);
      svc_copy(a.city, sizeof a.city, row->city.s, row->city.len);
      svc_strcpy(a.state, sizeof a.state, row->state);
      svc_strcpy(a.zip, sizeof a.zip, row->zip);
      svc_strcpy(a.source, sizeof a.source, "placement");
      a.valid_from = svc->today;
      a.valid_to = ARR_DATE_NONE;
      rc = arr_store_address_insert(svc->db, &a, svc->now_iso, err);
    }
  }
  for (int p = 0; rc == ARR_OK && p < row->nphones; p++) {
    bool present = false;
    if (existing) {
      arr_phone have[32];
      int n = 0;
      rc = arr_store_phone_list(svc->db, debtor_id, have, 32, &n, err);
      for (int i = 0; rc == ARR_OK && i < n && !present; i++) {
        present = strcmp(have[i].number, row->phone[p]) == 0;
      }
    }
    if (rc == ARR_OK && !present) {
      arr_phone ph;
      memset(&ph, 0, sizeof ph);
      ph.debtor_id = debtor_id;
      svc_strcpy(ph.number, sizeof ph.number, row->phone[p]);
      svc_strcpy(ph.type, sizeof ph.type, arr_phone_type_name(row->phone_type[p]));
      svc_strcpy(ph.source, sizeof ph.source, "placement");
      ph.valid_from = svc->today;
      ph.valid_to = ARR_DATE_NONE;
      rc = arr_store_phone_insert(svc->db, &ph, svc->now_iso, err);
    }
  }
  if (rc == ARR_OK && row->email[0] != '\0') {
    bool present = false;
    if (existing) {
      arr_email *have = malloc(sizeof *have * 16);
      int n = 0;
      if (have == NULL) {
        return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
      }
      rc = arr_store_email_list(svc->db, debtor_id, have, 16, &n, err);
      for (int i = 0; rc == ARR_OK && i < n && !present; i++) {
        present = strcasecmp(have[i].address, row->email) == 0;
      }
      free(have);
    }
    if (rc == ARR_OK && !present) {
      arr_email e;
      memset(&e, 0, sizeof e);
      e.debtor_id = debtor_id;
      svc_strcpy(e.address, sizeof e.address, row->email);
      svc_strcpy(e.source, sizeof e.source, "placement");
      e.valid_from = svc->today;
      e.valid_to = ARR_DATE_NONE;
      rc = arr_store_email_insert(svc->db, &e, svc->now_iso, err);
    }
  }
  return rc;
}

static arr_rc insert_debtor(arr_svc *svc, const arr_placement_row *row, const row_keys *k,
                            const char *language, int64_t *id, arr_err *err) {
  arr_debtor d;
  memset(&d, 0, sizeof d);
  svc_copy(d.first_name, sizeof d.first_name, row->first_name.s, row->first_name.len);
  svc_copy(d.middle_name, sizeof d.middle_name, row->middle_name.s, row->middle_name.len);
  svc_copy(d.last_name, sizeof d.last_name, row->last_name.s, row->last_name.len);
  svc_copy(d.suffix, sizeof d.suffix, row->suffix.s, row->suffix.len);
  arr_rc rc = ARR_OK;
  if (row->has_ssn) {
    rc = svc_encrypt(svc, row->ssn, 9, d.ssn_enc, sizeof d.ssn_enc, err);
    memcpy(d.ssn_last4, row->ssn + 5, 5);
    d.ssn_key = k->ssn;
  }
  if (rc == ARR_OK && row->has_dob) {
    char dob[ARR_DATE_FMT_MAX];
    arr_date_format(row->dob, dob);
    rc = svc_encrypt(svc, dob, 10, d.dob_enc, sizeof d.dob_enc, err);
    d.namedob_key = k->namedob;
  }
  svc_strcpy(d.language, sizeof d.language, language != NULL ? language : "en");
  if (rc == ARR_OK) {
    rc = arr_store_debtor_insert(svc->db, &d, svc->now_iso, err);
  }
  *id = d.id;
  return rc;
}

/* ---- one row ---- */

arr_rc import_row(arr_svc *svc, const arr_client *client, int64_t placement_id,
                  const arr_placement_row *row, const import_row_extra *extra,
                  const char *attributes_json, import_row_result *out, arr_err *err) {
  static const import_row_extra no_extra = {NULL, NULL, 0, 0};
  if (extra == NULL) {
    extra = &no_extra;
  }
  memset(out, 0, sizeof *out);
  char client_account[65];
  if (!svc_copy(client_account, sizeof client_account, row->client_account.s,
                row->client_account.len)) {
    return arr_err_set(err, ARR_ERR_INVALID, "client_account is longer than 64 bytes");
  }
  /* Everything that can reject the row is checked before the first write, so a
   * rejected row leaves nothing behind in the chunk's transaction. */
  if (attributes_json != NULL && strlen(attributes_json) >= ARR_ACCOUNT_ATTRIBUTES_MAX) {
    return arr_err_set(err, ARR_ERR_INVALID,
                       "extra columns are too large (2 KiB at most)");
  }
  import_filters *f =
      extra->filters != NULL && extra->filters->active ? extra->filters : NULL;
  uint64_t ref_hash = str_hash64(client_account, row->client_account.len);
  arr_rc rc = ARR_ERR_NOTFOUND;
  if (f == NULL || filter_maybe(&f->accounts, ref_hash)) {
    int64_t existing = 0;
    rc = arr_store_account_id_by_ref(svc->db, client->id, client_account, &existing, err);
    if (rc == ARR_OK) {
      out->duplicate = true;
      out->account_id = existing;
      return ARR_OK;
    }
    if (rc != ARR_ERR_NOTFOUND) {
      return rc;
    }
    arr_err_clear(err);
  }

  int64_t debtor_id = 0;
  row_keys keys = keys_of(svc, row);
  rc = match_debtor(svc, row, &keys, f, &debtor_id, err);
  bool matched = debtor_id != 0;
  if (rc == ARR_OK && !matched) {
    rc = insert_debtor(svc, row, &keys, extra->language, &debtor_id, err);
    if (rc == ARR_OK && f != NULL) {
      if (row->has_ssn) {
        filter_add(&f->debtors, (uint64_t)keys.ssn);
      }
      if (row->has_dob) {
        filter_add(&f->debtors, (uint64_t)keys.namedob);
      }
    }
  }
  if (rc == ARR_OK) {
    rc = add_contact_points(svc, debtor_id, row, matched, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }

  arr_account a;
  memset(&a, 0, sizeof a);
  a.client_id = client->id;
  a.debtor_id = debtor_id;
  a.placement_id = placement_id;
  a.collector_id = extra->collector_id;
  svc_strcpy(a.client_account, sizeof a.client_account, client_account);
  svc_copy(a.original_creditor, sizeof a.original_creditor, row->original_creditor.s,
           row->original_creditor.len);
  svc_strcpy(a.account_type, sizeof a.account_type,
             arr_account_type_name(row->account_type));
  svc_strcpy(a.status, sizeof a.status, "open");
  svc_strcpy(a.currency, sizeof a.currency, client->currency);
  a.placed_on = extra->placed_on != 0 ? extra->placed_on : svc->today;
  a.open_date = row->has_open_date ? row->open_date : ARR_DATE_NONE;
  a.charge_off_date = row->has_charge_off_date ? row->charge_off_date : ARR_DATE_NONE;
  a.first_delinquency_on =
      row->has_first_delinquency_date ? row->first_delinquency_date : ARR_DATE_NONE;
  a.last_payment_on = row->has_last_payment_date ? row->last_payment_date : ARR_DATE_NONE;
  a.creditor_last_payment_on = a.last_payment_on;
  a.itemization_date = row->has_itemization_date ? row->itemization_date : ARR_DATE_NONE;
  svc_strcpy(a.itemization_basis, sizeof a.itemization_basis,
             arr_itemization_basis_name(row->itemization_basis));
  svc_copy(a.federal_loan_bundle, sizeof a.federal_loan_bundle,
           row->federal_loan_bundle.s, row->federal_loan_bundle.len);
  a.interest_rate_pct_e4 = row->has_interest_rate ? row->interest_rate_pct_e4 : 0;
  if (attributes_json != NULL) {
    svc_strcpy(a.attributes, sizeof a.attributes,
               attributes_json); /* length checked above */
  }

  /* The opening balance is the first ledger entry; the account row caches it. */
  arr_ledger_entry e;
  memset(&e, 0, sizeof e);
  svc_strcpy(e.kind, sizeof e.kind, "placement");
  e.effective_on = a.placed_on;
  e.amount.cents[ARR_BUCKET_PRINCIPAL] = row->principal_cents;
  e.amount.cents[ARR_BUCKET_INTEREST] = row->interest_cents;
  e.amount.cents[ARR_BUCKET_FEES] = row->fees_cents;
  rc = svc_ledger_prepare(svc, &a, &e, err);
  if (rc == ARR_OK) {
    rc = arr_store_account_insert(svc->db, &a, svc->now_iso, err);
  }
  if (rc == ARR_OK) {
    e.account_id = a.id;
    rc = arr_store_ledger_insert(svc->db, &e, err);
  }
  if (rc == ARR_OK && f != NULL) {
    filter_add(&f->accounts, ref_hash);
  }
  out->account_id = a.id;
  out->debtor_id = debtor_id;
  out->account = a;
  out->debtor_matched = matched;
  return rc;
}

/* ---- the use case ---- */

/* A "language" column is not in the contract's list but clients send it; an ISO 639-1
 * code there (en, es, ...) sets the debtor's language, which later picks the letter
 * and notice versions. Anything else stays an ordinary attribute. */
static const char *row_language(const arr_placement_header *h,
                                const arr_placement_row *row, char out[4]) {
  for (size_t i = 0; i < h->nattrs && i < row->nattrs; i++) {
    if (strcmp(h->attr_name[i], "language") != 0 || row->attr[i].len != 2) {
      continue;
    }
    char a = (char)tolower((unsigned char)row->attr[i].s[0]);
    char b = (char)tolower((unsigned char)row->attr[i].s[1]);
    if (a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z') {
      out[0] = a;
      out[1] = b;
      out[2] = '\0';
      return out;
    }
  }
  return NULL;
}

static char *attributes_json(const arr_placement_header *h,
                             const arr_placement_row *row) {
  if (h->nattrs == 0) {
    return NULL;
  }
  json_t *o = json_object();
  for (size_t i = 0; i < row->nattrs && i < h->nattrs; i++) {
    json_object_set_new(o, h->attr_name[i],
                        json_stringn(row->attr[i].s, row->attr[i].len));
  }
  char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(o);
  return s;
}

typedef struct {
  int64_t first_line, last_line, loaded, duplicates, rejected, first_account,
      last_account;
} chunk_stats;

static arr_rc commit_chunk(arr_svc *svc, arr_placement *p, chunk_stats *c, bool final,
                           arr_err *err) {
  arr_rc rc = ARR_OK;
  if (c->loaded + c->duplicates + c->rejected > 0) {
    json_t *d = json_pack("{s:I,s:[I,I],s:I,s:I,s:I}", "placement_id", (json_int_t)p->id,
                          "lines", (json_int_t)c->first_line, (json_int_t)c->last_line,
                          "loaded", (json_int_t)c->loaded, "duplicates",
                          (json_int_t)c->duplicates, "rejected", (json_int_t)c->rejected);
    if (c->loaded > 0) {
      json_object_set_new(
          d, "account_ids",
          json_pack("[I,I]", (json_int_t)c->first_account, (json_int_t)c->last_account));
    }
    rc = svc_audit(svc, "placement.load_chunk", "placement", p->id, d, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_placement_update(svc->db, p, final ? svc->now_iso : NULL, err);
  }
  if (rc == ARR_OK && final) {
    json_t *d =
        json_pack("{s:s,s:s,s:I,s:I,s:I,s:I}", "file", p->file_name, "blake2b",
                  p->file_hash, "read", (json_int_t)p->rows_read, "loaded",
                  (json_int_t)p->rows_loaded, "duplicates", (json_int_t)p->rows_duplicate,
                  "rejected", (json_int_t)p->rows_rejected);
    rc = svc_audit(svc, "placement.import", "placement", p->id, d, err);
  }
  if (rc == ARR_OK) {
    rc = svc_commit(svc, err);
  } else {
    svc_rollback(svc);
  }
  memset(c, 0, sizeof *c);
  return rc;
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash != NULL ? slash + 1 : path;
}

static arr_rc import_placements_file(arr_svc *svc, const char *path,
                                     const char *client_code,
                                     const arr_import_hooks *hooks,
                                     arr_import_result *res, arr_err *err) {
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
  arr_placement p;
  memset(&p, 0, sizeof p);
  p.client_id = client.id;
  svc_strcpy(p.file_name, sizeof p.file_name, base_name(path));
  int64_t records = 0;
  rc = import_check_structure(&f, &records, p.file_hash, err);

  arr_csv *csv = NULL;
  arr_csv_record *rec = malloc(sizeof *rec);
  arr_placement_header *hdr = malloc(sizeof *hdr);
  arr_placement_row *row = malloc(sizeof *row);
  import_rejects rejects = {0};
  if (rc == ARR_OK && (rec == NULL || hdr == NULL || row == NULL)) {
    rc = arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  if (rc == ARR_OK) {
    csv = arr_csv_open(import_file_read, &f);
    rc = csv == NULL ? arr_err_set(err, ARR_ERR_NOMEM, "out of memory")
                     : arr_csv_next(csv, rec, err);
  }
  if (rc == ARR_OK) {
    rc = arr_placement_header_parse(rec, hdr, err);
    if (rc != ARR_OK) {
      char msg[ARR_ERR_MSG_MAX];
      memcpy(msg, err->msg, sizeof msg);
      arr_err_set(err, rc, "file refused, nothing loaded: header: %s", msg);
    }
  }
  if (rc == ARR_OK) {
    rc = import_rejects_open(svc, &rejects, hooks != NULL ? hooks->rejects_path : NULL,
                             &f, rec, err);
  }
  if (rc == ARR_OK) {
    rc = svc_begin(svc, err);
  }
  /* Big files read every key once up front and skip most per-row lookups; loading
   * the filters costs a scan of the existing keys, which only pays off then. */
  import_filters filters = {0};
  import_row_extra extra = {NULL, NULL, 0, 0};
  if (rc == ARR_OK) {
    rc = arr_store_client_lock(svc->db, client.id, err);
  }
  if (rc == ARR_OK && records >= IMPORT_FILTER_MIN_ROWS) {
    rc = import_filters_load(svc, client.id, records, &filters, err);
    extra.filters = &filters;
  }
  if (rc == ARR_OK) {
    rc = arr_store_placement_insert(svc->db, &p, svc->now_iso, svc->actor, err);
  }
  chunk_stats chunk = {0};
  int64_t in_chunk = 0;
  while (rc == ARR_OK) {
    rc = arr_csv_next(csv, rec, err);
    if (rc == ARR_ERR_NOTFOUND) {
      rc = ARR_OK;
      break;
    }
    if (rc != ARR_OK) {
      break; /* cannot happen after pass one unless the file changed underneath us */
    }
    p.rows_read++;
    if (chunk.first_line == 0) {
      chunk.first_line = rec->line;
    }
    chunk.last_line = rec->line;
    arr_err row_err;
    arr_err_clear(&row_err);
    if (arr_placement_parse(hdr, rec, svc->today, row, &row_err) != ARR_OK) {
      p.rows_rejected++;
      chunk.rejected++;
      import_reject(&rejects, hooks, rec, row_err.msg);
    } else {
      char *attrs = attributes_json(hdr, row);
      import_row_result r;
      char language[4];
      extra.language = row_language(hdr, row, language);
      rc = import_row(svc, &client, p.id, row, &extra, attrs, &r, err);
      free(attrs);
      if (rc == ARR_ERR_INVALID) {
        /* A row that validates but cannot be stored (e.g. extra columns too large) is
         * still one bad row, not a failed file. */
        char msg[ARR_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "line %ld: %s", rec->line, err->msg);
        p.rows_rejected++;
        chunk.rejected++;
        import_reject(&rejects, hooks, rec, msg);
        rc = ARR_OK;
      } else if (rc == ARR_OK && r.duplicate) {
        p.rows_duplicate++;
        chunk.duplicates++;
      } else if (rc == ARR_OK) {
        p.rows_loaded++;
        chunk.loaded++;
        if (chunk.first_account == 0) {
          chunk.first_account = r.account_id;
        }
        chunk.last_account = r.account_id;
      }
    }
    if (rc == ARR_OK && ++in_chunk >= IMPORT_CHUNK_ROWS) {
      rc = commit_chunk(svc, &p, &chunk, false, err);
      in_chunk = 0;
      if (hooks != NULL && hooks->progress != NULL) {
        hooks->progress(hooks->ctx, p.rows_read, arr_csv_bytes_read(csv), f.size);
      }
      if (rc == ARR_OK) {
        rc = svc_begin(svc, err);
      }
      if (rc == ARR_OK) {
        rc = arr_store_client_lock(svc->db, client.id, err);
      }
      if (rc == ARR_OK) {
        rc = import_filters_refresh(svc, &filters, err);
      }
    }
  }
  if (rc == ARR_OK) {
    rc = commit_chunk(svc, &p, &chunk, true, err);
  } else if (arr_db_in_tx(svc->db)) {
    svc_rollback(svc);
  }
  arr_err close_err;
  if (import_rejects_close(&rejects, &close_err) != ARR_OK && rc == ARR_OK) {
    *err = close_err;
    rc = close_err.rc;
  }
  res->placement_id = p.id;
  res->read = p.rows_read;
  res->loaded = p.rows_loaded;
  res->duplicates = p.rows_duplicate;
  res->rejected = p.rows_rejected;
  import_filters_free(&filters);
  arr_csv_close(csv);
  free(rec);
  free(hdr);
  free(row);
  import_file_close(&f);
  return rc;
}

/* A file of a million rows writes gigabytes of WAL: checkpointed beside the import
 * (db.h arr_db_background_checkpoints) rather than inside its commits. */
arr_rc arr_svc_import_placements(arr_svc *svc, const char *path, const char *client_code,
                                 const arr_import_hooks *hooks, arr_import_result *res,
                                 arr_err *err) {
  arr_db_background_checkpoints(svc->db, true);
  arr_rc rc = import_placements_file(svc, path, client_code, hooks, res, err);
  arr_db_background_checkpoints(svc->db, false);
  return rc;
}
