/*
 * context.c — opening a service context (database, key, actor, clock), transactions
 * with the audit chain head, PII encryption and blind indexes, ledger posting.
 *
 * Keys: one 32-byte master key in a file (mode 0600, created by `arrears init`, never
 * in the database). Two subkeys are derived from it with crypto_kdf: one encrypts SSN
 * and DOB (XSalsa20-Poly1305 secretbox, random nonce per value), one keys the BLAKE2b
 * blind indexes used to match a person across placements without decrypting. A key
 * check value in `settings` makes a wrong key file an immediate, clear error instead
 * of undecryptable data.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "service/internal.h"

#define KDF_CONTEXT "arrears_"

void svc_strcpy(char *dst, size_t cap, const char *src) {
  size_t n = strnlen(src, cap - 1);
  memcpy(dst, src, n);
  dst[n] = '\0';
}

bool svc_copy(char *dst, size_t cap, const char *s, size_t len) {
  if (s == NULL) {
    dst[0] = '\0';
    return true;
  }
  if (len >= cap) {
    return false;
  }
  memcpy(dst, s, len);
  dst[len] = '\0';
  return true;
}

/* Chain hashes are BLAKE2b-256: as strong as SHA-256 for this purpose and several
 * times cheaper in libsodium, which matters at one hash per ledger entry on bulk
 * loads. (Files are still identified by SHA-256, the format people compare with.) */
void svc_json_text_free(char *text) {
  json_malloc_t alloc_fn;
  json_free_t free_fn;
  json_get_alloc_funcs(&alloc_fn, &free_fn);
  free_fn(text);
}

void svc_hash_hex(const void *data, size_t len, char out[ARR_HASH_HEX]) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, data, len, NULL, 0);
  sodium_bin2hex(out, ARR_HASH_HEX, h, sizeof h);
}

static arr_rc default_key_path(const arr_svc_options *opt, arr_db *db, char *out,
                               size_t cap, arr_err *err) {
  const char *path = opt->key_file;
  if (path == NULL || path[0] == '\0') {
    path = getenv("ARREARS_KEY_FILE");
  }
  int n;
  if (path != NULL && path[0] != '\0') {
    n = snprintf(out, cap, "%s", path);
  } else if (arr_db_sqlite_path(db) != NULL) {
    n = snprintf(out, cap, "%s.key", arr_db_sqlite_path(db));
  } else {
    n = snprintf(out, cap, "arrears.key");
  }
  if (n < 0 || (size_t)n >= cap) {
    return arr_err_set(err, ARR_ERR_USAGE, "key file path is too long");
  }
  return ARR_OK;
}

static arr_rc create_key_file(const char *path, arr_err *err) {
  unsigned char key[crypto_kdf_KEYBYTES];
  crypto_kdf_keygen(key);
  char hex[crypto_kdf_KEYBYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, key, sizeof key);
  sodium_memzero(key, sizeof key);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    return arr_err_set(err, ARR_ERR_IO, "cannot create key file %s: %s", path,
                       strerror(errno));
  }
  size_t len = strlen(hex);
  hex[len] = '\n';
  ssize_t w = write(fd, hex, len + 1);
  int sync_rc = fsync(fd);
  close(fd);
  sodium_memzero(hex, sizeof hex);
  if (w != (ssize_t)(len + 1) || sync_rc != 0) {
    unlink(path);
    return arr_err_set(err, ARR_ERR_IO, "cannot write key file %s", path);
  }
  return ARR_OK;
}

static arr_rc load_key(arr_svc *svc, const char *path, bool create, arr_err *err) {
  struct stat sb;
  if (stat(path, &sb) != 0) {
    if (errno == ENOENT && create) {
      arr_rc rc = create_key_file(path, err);
      if (rc != ARR_OK) {
        return rc;
      }
    } else {
      return arr_err_set(
          err, ARR_ERR_CRYPTO,
          "key file %s not found (run `arrears init`, or set --key-file or "
          "ARREARS_KEY_FILE)",
          path);
    }
  } else if ((sb.st_mode & 077) != 0) {
    return arr_err_set(err, ARR_ERR_CRYPTO,
                       "key file %s is readable by others (mode %03o); chmod 600 it",
                       path, (unsigned)(sb.st_mode & 0777));
  }
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    return arr_err_set(err, ARR_ERR_IO, "cannot read key file %s: %s", path,
                       strerror(errno));
  }
  char hex[crypto_kdf_KEYBYTES * 2 + 8] = {0};
  size_t n = fread(hex, 1, sizeof hex - 1, f);
  fclose(f);
  unsigned char master[crypto_kdf_KEYBYTES];
  size_t bin_len = 0;
  if (n < crypto_kdf_KEYBYTES * 2 ||
      sodium_hex2bin(master, sizeof master, hex, crypto_kdf_KEYBYTES * 2, NULL, &bin_len,
                     NULL) != 0 ||
      bin_len != sizeof master) {
    sodium_memzero(hex, sizeof hex);
    return arr_err_set(err, ARR_ERR_CRYPTO, "key file %s is not a valid arrears key",
                       path);
  }
  sodium_memzero(hex, sizeof hex);
  crypto_kdf_derive_from_key(svc->enc_key, sizeof svc->enc_key, 1, KDF_CONTEXT, master);
  crypto_kdf_derive_from_key(svc->idx_key, sizeof svc->idx_key, 2, KDF_CONTEXT, master);
  sodium_memzero(master, sizeof master);
  return ARR_OK;
}

/* A value derived from the key that proves the same key is used next time. */
static void key_check_value(const arr_svc *svc, char out[33]) {
  unsigned char h[16];
  static const char label[] = "arrears key check v1";
  crypto_generichash(h, sizeof h, (const unsigned char *)label, sizeof label - 1,
                     svc->idx_key, sizeof svc->idx_key);
  sodium_bin2hex(out, 33, h, sizeof h);
}

static arr_rc check_key(arr_svc *svc, bool store_if_missing, arr_err *err) {
  char want[33];
  key_check_value(svc, want);
  char have[64];
  bool found = false;
  arr_rc rc = arr_store_setting_get(svc->db, "key_check", have, sizeof have, &found, err);
  if (rc != ARR_OK) {
    return rc;
  }
  if (!found) {
    return store_if_missing ? arr_store_setting_put(svc->db, "key_check", want, err)
                            : ARR_OK;
  }
  if (strcmp(have, want) != 0) {
    return arr_err_set(err, ARR_ERR_CRYPTO,
                       "key file %s does not belong to this database (key check failed)",
                       svc->key_path);
  }
  return ARR_OK;
}

static arr_rc set_clock(arr_svc *svc, arr_err *err) {
  const char *fixed = getenv("ARREARS_NOW");
  if (fixed != NULL && fixed[0] != '\0') {
    if (!arr_time_parse(fixed, strlen(fixed), &svc->now, NULL)) {
      return arr_err_set(
          err, ARR_ERR_USAGE,
          "ARREARS_NOW must be an ISO 8601 time like 2026-11-23T15:00:00Z");
    }
  } else {
    svc->now = (arr_time)time(NULL);
  }
  arr_time_format_utc(svc->now, svc->now_iso);
  svc->today = arr_time_utc_date(svc->now);
  return ARR_OK;
}

static arr_rc open_common(const arr_svc_options *opt, bool create_key, arr_svc **out,
                          arr_err *err) {
  if (sodium_init() < 0) {
    return arr_err_set(err, ARR_ERR_CRYPTO, "libsodium failed to initialize");
  }
  arr_svc *svc = calloc(1, sizeof *svc);
  if (svc == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  const char *url = opt->db_url;
  if (url == NULL || url[0] == '\0') {
    url = getenv("ARREARS_DB");
  }
  if (url == NULL || url[0] == '\0') {
    url = "sqlite:arrears.db";
  }
  const char *actor = opt->actor;
  if (actor == NULL || actor[0] == '\0') {
    actor = getenv("ARREARS_USER");
  }
  if (actor == NULL || actor[0] == '\0') {
    actor = "cli";
  }
  svc_strcpy(svc->actor, sizeof svc->actor, actor);
  randombytes_buf(svc->nonce_prefix, sizeof svc->nonce_prefix);
  arr_rc rc = set_clock(svc, err);
  if (rc == ARR_OK) {
    rc = arr_db_open(url, &svc->db, err);
  }
  if (rc == ARR_OK) {
    rc = default_key_path(opt, svc->db, svc->key_path, sizeof svc->key_path, err);
  }
  if (rc == ARR_OK) {
    rc = load_key(svc, svc->key_path, create_key, err);
  }
  if (rc != ARR_OK) {
    arr_svc_close(svc);
    return rc;
  }
  *out = svc;
  return ARR_OK;
}

arr_rc arr_svc_open(const arr_svc_options *opt, arr_svc **out, arr_err *err) {
  arr_svc *svc = NULL;
  arr_rc rc = open_common(opt, false, &svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  int version = 0;
  rc = arr_store_schema_version(svc->db, &version, err);
  if (rc == ARR_OK && version == 0) {
    rc = arr_err_set(err, ARR_ERR_NOTFOUND,
                     "the database has no arrears schema; run `arrears init` first");
  }
  if (rc == ARR_OK) {
    rc = check_key(svc, false, err);
  }
  if (rc != ARR_OK) {
    arr_svc_close(svc);
    return rc;
  }
  *out = svc;
  return ARR_OK;
}

arr_rc arr_svc_init(const arr_svc_options *opt, int *schema_version, char *key_path,
                    size_t key_path_cap, arr_err *err) {
  arr_svc *svc = NULL;
  arr_rc rc = open_common(opt, true, &svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  int before = 0;
  rc = arr_store_schema_version(svc->db, &before, err);
  if (rc == ARR_OK) {
    rc = arr_store_migrate(svc->db, schema_version, err);
  }
  if (rc == ARR_OK) {
    rc = svc_begin(svc, err);
    if (rc == ARR_OK) {
      rc = check_key(svc, true, err);
    }
    if (rc == ARR_OK && before != *schema_version) {
      json_t *d =
          json_pack("{s:i,s:i}", "from_version", before, "to_version", *schema_version);
      rc = svc_audit(svc, "schema.migrate", "database", 0, d, err);
    }
    if (rc == ARR_OK) {
      rc = svc_commit(svc, err);
    } else {
      svc_rollback(svc);
    }
  }
  if (rc == ARR_OK && key_path != NULL) {
    snprintf(key_path, key_path_cap, "%s", svc->key_path);
  }
  arr_svc_close(svc);
  return rc;
}

void arr_svc_close(arr_svc *svc) {
  if (svc == NULL) {
    return;
  }
  arr_db_close(svc->db);
  sodium_memzero(svc, sizeof *svc);
  free(svc);
}

arr_db *arr_svc_db(arr_svc *svc) {
  return svc->db;
}
arr_time arr_svc_now(const arr_svc *svc) {
  return svc->now;
}
arr_date arr_svc_today(const arr_svc *svc) {
  return svc->today;
}

/* ---- transactions and audit ---- */

arr_rc svc_begin(arr_svc *svc, arr_err *err) {
  svc->audit_loaded = false;
  return arr_db_begin(svc->db, err);
}

arr_rc svc_commit(arr_svc *svc, arr_err *err) {
  arr_rc rc = ARR_OK;
  if (svc->audit_loaded) {
    rc = arr_store_audit_set_head(svc->db, svc->audit_last_id, svc->audit_last_hash, err);
  }
  if (rc == ARR_OK) {
    rc = arr_db_commit(svc->db, err);
  }
  if (rc != ARR_OK) {
    arr_db_rollback(svc->db);
  }
  svc->audit_loaded = false;
  return rc;
}

void svc_rollback(arr_svc *svc) {
  arr_db_rollback(svc->db);
  svc->audit_loaded = false;
}

void svc_audit_hash(const arr_audit_event *e, char out[ARR_HASH_HEX]) {
  crypto_generichash_state h;
  crypto_generichash_init(&h, NULL, 0, 32);
  char idbuf[32];
  int n = snprintf(idbuf, sizeof idbuf, "%lld", (long long)e->id);
  const char *parts[] = {e->at,        e->actor,  e->action,   e->entity,
                         e->entity_id, e->detail, e->prev_hash};
  crypto_generichash_update(&h, (const unsigned char *)idbuf, (size_t)n);
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
    crypto_generichash_update(&h, (const unsigned char *)"|", 1);
    crypto_generichash_update(&h, (const unsigned char *)parts[i], strlen(parts[i]));
  }
  unsigned char bin[32];
  crypto_generichash_final(&h, bin, sizeof bin);
  sodium_bin2hex(out, ARR_HASH_HEX, bin, sizeof bin);
}

arr_rc svc_audit(arr_svc *svc, const char *action, const char *entity, int64_t entity_id,
                 json_t *detail, arr_err *err) {
  arr_audit_event e;
  memset(&e, 0, sizeof e);
  char *text = NULL;
  if (detail != NULL) {
    text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(detail);
  }
  if (text != NULL && strlen(text) >= sizeof e.detail) {
    svc_json_text_free(text);
    return arr_err_set(err, ARR_ERR_INVALID, "audit detail for %s is too large", action);
  }
  svc_strcpy(e.detail, sizeof e.detail, text != NULL ? text : "{}");
  svc_json_text_free(text);
  if (!svc->audit_loaded) {
    arr_rc rc =
        arr_store_audit_head(svc->db, &svc->audit_last_id, svc->audit_last_hash, err);
    if (rc != ARR_OK) {
      return rc;
    }
    svc->audit_loaded = true;
  }
  e.id = svc->audit_last_id + 1;
  svc_strcpy(e.at, sizeof e.at, svc->now_iso);
  svc_strcpy(e.actor, sizeof e.actor, svc->actor);
  svc_strcpy(e.action, sizeof e.action, action);
  svc_strcpy(e.entity, sizeof e.entity, entity);
  snprintf(e.entity_id, sizeof e.entity_id, "%lld", (long long)entity_id);
  svc_strcpy(e.prev_hash, sizeof e.prev_hash, svc->audit_last_hash);
  svc_audit_hash(&e, e.hash);
  arr_rc rc = arr_store_audit_insert(svc->db, &e, err);
  if (rc == ARR_OK) {
    svc->audit_last_id = e.id;
    memcpy(svc->audit_last_hash, e.hash, ARR_HASH_HEX);
  }
  return rc;
}

/* ---- PII ---- */

arr_rc svc_encrypt(arr_svc *svc, const char *plain, size_t len, char *out, size_t cap,
                   arr_err *err) {
  unsigned char buf[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 64];
  if (len > 64) {
    return arr_err_set(err, ARR_ERR_INVALID, "value too long to encrypt");
  }
  memcpy(buf, svc->nonce_prefix, sizeof svc->nonce_prefix);
  uint64_t counter = ++svc->nonce_counter;
  memcpy(buf + sizeof svc->nonce_prefix, &counter, sizeof counter);
  crypto_secretbox_easy(buf + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain,
                        len, buf, svc->enc_key);
  size_t total = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
  if (sodium_base64_ENCODED_LEN(total, sodium_base64_VARIANT_ORIGINAL) > cap) {
    return arr_err_set(err, ARR_ERR_INVALID, "ciphertext buffer too small");
  }
  sodium_bin2base64(out, cap, buf, total, sodium_base64_VARIANT_ORIGINAL);
  return ARR_OK;
}

arr_rc svc_decrypt(const arr_svc *svc, const char *b64, char *out, size_t cap,
                   arr_err *err) {
  unsigned char buf[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 64];
  size_t n = 0;
  if (sodium_base642bin(buf, sizeof buf, b64, strlen(b64), NULL, &n, NULL,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      n < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return arr_err_set(err, ARR_ERR_CRYPTO, "stored ciphertext is malformed");
  }
  size_t plain_len = n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
  if (plain_len >= cap) {
    return arr_err_set(err, ARR_ERR_CRYPTO, "decrypted value too long");
  }
  if (crypto_secretbox_open_easy((unsigned char *)out, buf + crypto_secretbox_NONCEBYTES,
                                 n - crypto_secretbox_NONCEBYTES, buf,
                                 svc->enc_key) != 0) {
    return arr_err_set(err, ARR_ERR_CRYPTO, "cannot decrypt a stored value (wrong key?)");
  }
  out[plain_len] = '\0';
  return ARR_OK;
}

int64_t svc_blind_index(const arr_svc *svc, const char *data, size_t len) {
  unsigned char h[8];
  crypto_generichash(h, sizeof h, (const unsigned char *)data, len, svc->idx_key,
                     sizeof svc->idx_key);
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) {
    v = (v << 8) | h[i];
  }
  int64_t s = (int64_t)(v >> 1); /* keep it positive: portable across engines and tools */
  return s == 0 ? 1 : s;
}

/* ---- ledger chain ---- */

void svc_ledger_genesis(int64_t client_id, const char *client_account,
                        char out[ARR_HASH_HEX]) {
  char buf[160];
  int n = snprintf(buf, sizeof buf, "arrears-ledger-v1|%lld|%s", (long long)client_id,
                   client_account);
  svc_hash_hex(buf, (size_t)n, out);
}

static char *put_str(char *p, const char *s) {
  size_t n = strlen(s);
  memcpy(p, s, n);
  p[n] = '|';
  return p + n + 1;
}

static char *put_i64(char *p, int64_t v) {
  char tmp[24];
  int n = 0;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) {
    *p++ = '-';
  }
  while (n > 0) {
    *p++ = tmp[--n];
  }
  *p++ = '|';
  return p;
}

/* The entry's canonical text is "prev|kind|date|posted|p|i|f|c|cr|payment|reverses|memo|
 * actor"; built by hand because this runs once per ledger entry on bulk loads, where
 * snprintf was a tenth of the time. Every field is bounded (see arr_ledger_entry), so
 * the buffer cannot overflow. */
void svc_ledger_hash(const arr_ledger_entry *e, char out[ARR_HASH_HEX]) {
  char buf[ARR_HASH_HEX + sizeof e->kind + ARR_DATE_FMT_MAX + sizeof e->posted_at +
           7 * 24 + sizeof e->memo + sizeof e->actor + 16];
  char *p = put_str(buf, e->prev_hash);
  p = put_str(p, e->kind);
  arr_date_format(e->effective_on, p);
  p[10] = '|';
  p += 11;
  p = put_str(p, e->posted_at);
  for (int b = 0; b < ARR_BUCKETS; b++) {
    p = put_i64(p, e->amount.cents[b]);
  }
  p = put_i64(p, e->payment_id);
  p = put_i64(p, e->reverses_id);
  p = put_str(p, e->memo);
  p = put_str(p, e->actor);
  svc_hash_hex(buf, (size_t)(p - buf - 1), out); /* no trailing separator */
}

arr_rc svc_ledger_prepare(arr_svc *svc, arr_account *a, arr_ledger_entry *e,
                          arr_err *err) {
  arr_balance next = a->balance;
  if (!arr_balance_add(&next, &e->amount)) {
    return arr_err_set(err, ARR_ERR_INVALID, "amount overflows the account balance");
  }
  if (a->ledger_head[0] == '\0') {
    svc_ledger_genesis(a->client_id, a->client_account, a->ledger_head);
  }
  memcpy(e->prev_hash, a->ledger_head, ARR_HASH_HEX);
  svc_strcpy(e->posted_at, sizeof e->posted_at, svc->now_iso);
  svc_strcpy(e->actor, sizeof e->actor, svc->actor);
  svc_ledger_hash(e, e->hash);
  a->balance = next;
  memcpy(a->ledger_head, e->hash, ARR_HASH_HEX);
  return ARR_OK;
}

arr_rc svc_ledger_store(arr_svc *svc, arr_account *a, arr_ledger_entry *e, arr_err *err) {
  e->account_id = a->id;
  arr_rc rc = arr_store_ledger_insert(svc->db, e, err);
  if (rc == ARR_OK && !svc->defer_account_writes) {
    rc = arr_store_account_update_money(svc->db, a, svc->now_iso, err);
  }
  return rc;
}

arr_rc svc_ledger_post(arr_svc *svc, arr_account *a, arr_ledger_entry *e, arr_err *err) {
  arr_rc rc = svc_ledger_prepare(svc, a, e, err);
  return rc == ARR_OK ? svc_ledger_store(svc, a, e, err) : rc;
}

json_t *svc_balance_json(const arr_balance *b) {
  int64_t total = 0;
  arr_balance_total(b, &total);
  return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "principal",
                   (json_int_t)b->cents[ARR_BUCKET_PRINCIPAL], "interest",
                   (json_int_t)b->cents[ARR_BUCKET_INTEREST], "fees",
                   (json_int_t)b->cents[ARR_BUCKET_FEES], "costs",
                   (json_int_t)b->cents[ARR_BUCKET_COSTS], "credit",
                   (json_int_t)b->cents[ARR_BUCKET_CREDIT], "total", (json_int_t)total);
}

static bool same_file(const struct stat *a, const char *path) {
  struct stat b;
  return path != NULL && stat(path, &b) == 0 && a->st_dev == b.st_dev &&
         a->st_ino == b.st_ino;
}

arr_rc svc_check_output_path(const arr_svc *svc, const char *path, arr_err *err) {
  struct stat sb;
  if (path == NULL || stat(path, &sb) != 0) {
    return ARR_OK; /* a new file cannot be one of ours */
  }
  const char *db = arr_db_sqlite_path(svc->db);
  char wal[1100];
  snprintf(wal, sizeof wal, "%s-wal", db != NULL ? db : "");
  if (same_file(&sb, db) || (db != NULL && same_file(&sb, wal)) ||
      same_file(&sb, svc->key_path)) {
    return arr_err_set(err, ARR_ERR_INVALID,
                       "%s is the database or its key file; refusing to overwrite it",
                       path);
  }
  return ARR_OK;
}

json_t *svc_balance_json_public(const arr_balance *b) {
  return svc_balance_json(b);
}

void arr_svc_set_principal(arr_svc *svc, const arr_principal *p) {
  if (p == NULL) {
    svc->has_principal = false;
    memset(&svc->principal, 0, sizeof svc->principal);
    svc_strcpy(svc->actor, sizeof svc->actor, "anonymous");
    return;
  }
  svc->has_principal = true;
  svc->principal = *p;
  svc_strcpy(svc->actor, sizeof svc->actor, p->username);
}

void arr_svc_refresh_clock(arr_svc *svc) {
  arr_err ignored;
  /* set_clock only fails on a malformed ARREARS_NOW, which arr_svc_open already
   * refused, so the previous value stands in that impossible case. */
  (void)set_clock(svc, &ignored);
}

json_t *arr_svc_principal_json(const arr_principal *p) {
  return json_pack(
      "{s:I,s:s,s:s,s:s,s:o,s:b}", "id", (json_int_t)p->id, "username", p->username,
      "display_name", p->display_name, "role", p->role, "client",
      p->client_code[0] ? json_string(p->client_code) : json_null(), "active", 1);
}
