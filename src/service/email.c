/*
 * email.c — email to debtors: the SMTP configuration, sending one message through
 * libcurl, the opt-out tokens every message carries, and the opt-out itself (the
 * public /optout/TOKEN page calls arr_svc_optout_peek and arr_svc_optout).
 *
 * Configuration is the environment (README, "Email"): ARREARS_SMTP_URL (unset: email
 * is off), ARREARS_SMTP_USER with ARREARS_SMTP_PASSWORD or ARREARS_SMTP_PASSWORD_FILE,
 * ARREARS_SMTP_FROM and ARREARS_SMTP_FROM_NAME, ARREARS_SMTP_TLS (required: STARTTLS
 * must succeed and the certificate must verify; none: plain SMTP, only to this
 * machine), ARREARS_SMTP_CA_FILE, ARREARS_SMTP_TIMEOUT_MS and ARREARS_PUBLIC_URL (the
 * base of the opt-out links). It is read and checked on every send (a handful of
 * getenv calls and, with a password file, one small read): a wrong value is an error
 * naming the variable, never a message sent half-configured.
 *
 * Sending: formats/mime composes the message (it refuses CR/LF in header fields, and
 * this file refuses control characters in them first, naming the field: a debtor's
 * name comes from a placement file and must not add headers); libcurl speaks SMTP
 * (EHLO, STARTTLS, AUTH, MAIL FROM, RCPT TO, DATA with dot-stuffing) with connect and
 * total timeouts and no signals. A failure is ARR_ERR_IO with the server's own reply
 * ("535 Authentication failed") where there is one. Sending does no database work:
 * the caller records what was sent.
 *
 * Opt-out tokens: 32 random bytes (libsodium), base64url without padding (43
 * characters) in the link; only the hex SHA-256 of the token is stored
 * (optout_tokens), with the account and the email row. The opt-out is one
 * transaction: the token is used (once), an email_opt_out account event is recorded
 * (the compliance engine then refuses email: EMAIL_OPT_OUT, 1006.6(e)), the address's
 * consent becomes "revoked" with its history row, and an audit event says so; the
 * actor of all of it is "optout".
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "formats/mime.h"
#include "formats/placement.h"
#include "service/internal.h"

enum {
  TOKEN_BYTES = 32,
  TOKEN_CHARS = 43, /* base64url of 32 bytes, no padding */
  TIMEOUT_MS_DEFAULT = 30000,
  TIMEOUT_MS_MIN = 100,
  TIMEOUT_MS_MAX = 600000,
  PUBLIC_URL_MAX = 400,
  MAX_EMAILS = 64,
};

#define PUBLIC_URL_DEFAULT "http://127.0.0.1:8080"
#define OPTOUT_ACTOR "optout"

typedef struct {
  char url[512];      /* smtp://host:port or smtps://host:port (as given) */
  char host[256];     /* without brackets */
  bool implicit_tls;  /* smtps:// */
  bool tls_none;      /* ARREARS_SMTP_TLS=none */
  char user[256];     /* "" = no AUTH */
  char password[512]; /* wiped after use */
  char from_addr[256];
  char from_domain[256];
  char from_name[201];
  char ca_file[1024]; /* "" = the system's CAs */
  long timeout_ms;
} email_config;

/* ---- configuration ---- */

bool svc_email_configured(void) {
  const char *u = getenv("ARREARS_SMTP_URL");
  return u != NULL && u[0] != '\0';
}

static const char *env(const char *name) {
  const char *v = getenv(name);
  return v != NULL && v[0] != '\0' ? v : NULL;
}

static arr_rc bad_var(arr_err *err, const char *var, const char *what) {
  return arr_err_field(err, ARR_ERR_INVALID, var, "%s %s", var, what);
}

static bool host_char(char c) {
  return isalnum((unsigned char)c) || c == '.' || c == '-';
}

/* smtp[s]://HOST[:PORT][/] with HOST a name, an IPv4 address or [IPv6]; no user info
 * (credentials are separate variables), no query. */
static arr_rc parse_smtp_url(const char *v, email_config *c, arr_err *err) {
  const char *p = NULL;
  if (strncmp(v, "smtp://", 7) == 0) {
    p = v + 7;
  } else if (strncmp(v, "smtps://", 8) == 0) {
    p = v + 8;
    c->implicit_tls = true;
  } else {
    return bad_var(err, "ARREARS_SMTP_URL",
                   "must be smtp://HOST:PORT (STARTTLS) or smtps://HOST:PORT (TLS)");
  }
  if (strlen(v) >= sizeof c->url) {
    return bad_var(err, "ARREARS_SMTP_URL", "is too long");
  }
  size_t n = 0;
  if (*p == '[') {
    const char *close = strchr(p, ']');
    n = close != NULL ? (size_t)(close - p - 1) : 0;
    for (size_t i = 1; i <= n; i++) {
      if (!isxdigit((unsigned char)p[i]) && p[i] != ':' && p[i] != '.') {
        n = 0;
      }
    }
    if (n == 0 || n >= sizeof c->host) {
      return bad_var(err, "ARREARS_SMTP_URL", "has a malformed [IPv6] host");
    }
    memcpy(c->host, p + 1, n);
    p += n + 2;
  } else {
    while (host_char(p[n])) {
      n++;
    }
    if (n == 0 || n >= sizeof c->host) {
      return bad_var(err, "ARREARS_SMTP_URL",
                     "needs a host name or address (no user:password@: use "
                     "ARREARS_SMTP_USER and ARREARS_SMTP_PASSWORD)");
    }
    memcpy(c->host, p, n);
    p += n;
  }
  c->host[n] = '\0';
  if (*p == ':') {
    char *end = NULL;
    long port = strtol(p + 1, &end, 10);
    if (!isdigit((unsigned char)p[1]) || port < 1 || port > 65535) {
      return bad_var(err, "ARREARS_SMTP_URL", "has a port that is not 1 to 65535");
    }
    p = end;
  }
  if (*p == '/') {
    p++;
  }
  if (*p != '\0') {
    return bad_var(err, "ARREARS_SMTP_URL",
                   "must be smtp://HOST:PORT or smtps://HOST:PORT with nothing after");
  }
  svc_strcpy(c->url, sizeof c->url, v);
  return ARR_OK;
}

static bool local_host(const char *h) {
  return strcmp(h, "127.0.0.1") == 0 || strcmp(h, "localhost") == 0 ||
         strcmp(h, "::1") == 0;
}

/* A header value we write: printable, no control characters (CR/LF would start a new
 * header), at most max bytes. UTF-8 is the composer's to encode. */
static bool header_text_ok(const char *s, size_t max) {
  size_t n = 0;
  for (; s[n] != '\0'; n++) {
    unsigned char ch = (unsigned char)s[n];
    if (ch < 0x20 || ch == 0x7f) {
      return false;
    }
  }
  return n <= max;
}

static bool atext(char c) {
  return isalnum((unsigned char)c) || strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL;
}

/* A plain ASCII address local@domain (what MAIL FROM / RCPT TO carry between <>). */
static bool address_ok(const char *s) {
  const char *at = strrchr(s, '@');
  size_t len = strlen(s);
  if (at == NULL || at == s || len > 254 || (size_t)(at - s) > 64 || at[1] == '\0') {
    return false;
  }
  for (const char *p = s; p < at; p++) {
    if (!atext(*p)) {
      return false;
    }
  }
  if (s[0] == '.' || at[-1] == '.' || at[1] == '.' || s[len - 1] == '.') {
    return false;
  }
  for (const char *p = at + 1; *p != '\0'; p++) {
    if (!host_char(*p) || (p[0] == '.' && p[1] == '.')) {
      return false;
    }
  }
  return true;
}

static arr_rc read_password_file(const char *path, email_config *c, arr_err *err) {
  struct stat sb;
  if (stat(path, &sb) != 0) {
    return arr_err_field(err, ARR_ERR_INVALID, "ARREARS_SMTP_PASSWORD_FILE",
                         "ARREARS_SMTP_PASSWORD_FILE %s: %s", path, strerror(errno));
  }
  if ((sb.st_mode & 077) != 0) {
    return arr_err_field(err, ARR_ERR_INVALID, "ARREARS_SMTP_PASSWORD_FILE",
                         "ARREARS_SMTP_PASSWORD_FILE %s is readable by others (mode "
                         "%03o); chmod 600 it",
                         path, (unsigned)(sb.st_mode & 0777));
  }
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    return arr_err_field(err, ARR_ERR_INVALID, "ARREARS_SMTP_PASSWORD_FILE",
                         "ARREARS_SMTP_PASSWORD_FILE %s: %s", path, strerror(errno));
  }
  size_t n = fread(c->password, 1, sizeof c->password - 1, f);
  bool more = fgetc(f) != EOF;
  fclose(f);
  c->password[n] = '\0';
  while (n > 0 && (c->password[n - 1] == '\n' || c->password[n - 1] == '\r')) {
    c->password[--n] = '\0';
  }
  if (more || n == 0 || strlen(c->password) != n || strpbrk(c->password, "\r\n")) {
    sodium_memzero(c->password, sizeof c->password);
    return arr_err_field(err, ARR_ERR_INVALID, "ARREARS_SMTP_PASSWORD_FILE",
                         "ARREARS_SMTP_PASSWORD_FILE %s must hold the password on one "
                         "line (1 to %zu bytes)",
                         path, sizeof c->password - 1);
  }
  return ARR_OK;
}

static arr_rc load_credentials(email_config *c, arr_err *err) {
  const char *user = env("ARREARS_SMTP_USER");
  const char *pw = env("ARREARS_SMTP_PASSWORD");
  const char *pw_file = env("ARREARS_SMTP_PASSWORD_FILE");
  if (user == NULL) {
    return pw != NULL || pw_file != NULL
               ? bad_var(err, "ARREARS_SMTP_USER",
                         "is not set, but a password is: set both, or neither")
               : ARR_OK;
  }
  if (!header_text_ok(user, sizeof c->user - 1)) {
    return bad_var(err, "ARREARS_SMTP_USER",
                   "must be 1 to 255 characters without control characters");
  }
  svc_strcpy(c->user, sizeof c->user, user);
  if (pw != NULL && pw_file != NULL) {
    return bad_var(err, "ARREARS_SMTP_PASSWORD",
                   "and ARREARS_SMTP_PASSWORD_FILE are both set: use one");
  }
  if (pw_file != NULL) {
    return read_password_file(pw_file, c, err);
  }
  if (pw == NULL) {
    return bad_var(err, "ARREARS_SMTP_PASSWORD",
                   "(or ARREARS_SMTP_PASSWORD_FILE) is needed with ARREARS_SMTP_USER");
  }
  if (strlen(pw) >= sizeof c->password || strpbrk(pw, "\r\n") != NULL) {
    return bad_var(err, "ARREARS_SMTP_PASSWORD", "must be one line of at most 511 bytes");
  }
  svc_strcpy(c->password, sizeof c->password, pw);
  return ARR_OK;
}

static arr_rc load_sender(email_config *c, arr_err *err) {
  const char *from = env("ARREARS_SMTP_FROM");
  if (from == NULL || !address_ok(from)) {
    return bad_var(err, "ARREARS_SMTP_FROM",
                   from == NULL ? "must be set to the sender's address (with "
                                  "ARREARS_SMTP_URL)"
                                : "must be a plain address like notices@agency.example");
  }
  svc_strcpy(c->from_addr, sizeof c->from_addr, from);
  svc_strcpy(c->from_domain, sizeof c->from_domain, strrchr(from, '@') + 1);
  const char *name = env("ARREARS_SMTP_FROM_NAME");
  if (name != NULL && !header_text_ok(name, sizeof c->from_name - 1)) {
    return bad_var(err, "ARREARS_SMTP_FROM_NAME",
                   "must be at most 200 bytes without control characters");
  }
  svc_strcpy(c->from_name, sizeof c->from_name, name != NULL ? name : "");
  return ARR_OK;
}

static arr_rc load_transport(email_config *c, arr_err *err) {
  const char *tls = env("ARREARS_SMTP_TLS");
  if (tls != NULL && strcmp(tls, "required") != 0 && strcmp(tls, "none") != 0) {
    return bad_var(err, "ARREARS_SMTP_TLS", "must be required (the default) or none");
  }
  c->tls_none = tls != NULL && strcmp(tls, "none") == 0;
  if (c->tls_none && (c->implicit_tls || !local_host(c->host))) {
    return bad_var(err, "ARREARS_SMTP_TLS",
                   c->implicit_tls ? "=none contradicts an smtps:// URL"
                                   : "=none is only allowed for a relay on this machine "
                                     "(smtp://127.0.0.1 or smtp://localhost)");
  }
  const char *ca = env("ARREARS_SMTP_CA_FILE");
  if (ca != NULL && (strlen(ca) >= sizeof c->ca_file || access(ca, R_OK) != 0)) {
    return arr_err_field(err, ARR_ERR_INVALID, "ARREARS_SMTP_CA_FILE",
                         "ARREARS_SMTP_CA_FILE %s cannot be read", ca);
  }
  svc_strcpy(c->ca_file, sizeof c->ca_file, ca != NULL ? ca : "");
  const char *t = env("ARREARS_SMTP_TIMEOUT_MS");
  c->timeout_ms = TIMEOUT_MS_DEFAULT;
  if (t != NULL) {
    char *end = NULL;
    long ms = strtol(t, &end, 10);
    if (!isdigit((unsigned char)t[0]) || *end != '\0' || ms < TIMEOUT_MS_MIN ||
        ms > TIMEOUT_MS_MAX) {
      return bad_var(err, "ARREARS_SMTP_TIMEOUT_MS",
                     "must be a whole number of milliseconds from 100 to 600000");
    }
    c->timeout_ms = ms;
  }
  return ARR_OK;
}

/* Reads and checks the whole SMTP configuration; ARR_ERR_INVALID naming the variable
 * (field = its name). The password is in c: wipe c after use. */
static arr_rc config_load(email_config *c, arr_err *err) {
  memset(c, 0, sizeof *c);
  const char *url = env("ARREARS_SMTP_URL");
  if (url == NULL) {
    return arr_err_field(err, ARR_ERR_INVALID, "ARREARS_SMTP_URL",
                         "SMTP not configured: set ARREARS_SMTP_URL (see README, Email)");
  }
  arr_rc rc = parse_smtp_url(url, c, err);
  if (rc == ARR_OK) {
    rc = load_sender(c, err);
  }
  if (rc == ARR_OK) {
    rc = load_transport(c, err);
  }
  if (rc == ARR_OK) {
    rc = load_credentials(c, err);
  }
  if (rc != ARR_OK) {
    sodium_memzero(c->password, sizeof c->password);
  }
  return rc;
}

arr_rc svc_email_config_check(arr_err *err) {
  email_config c;
  arr_rc rc = config_load(&c, err);
  sodium_memzero(&c, sizeof c);
  if (rc == ARR_OK) {
    char url[PUBLIC_URL_MAX + 1];
    rc = svc_public_url(url, sizeof url, err);
  }
  return rc;
}

/* ARREARS_PUBLIC_URL: http(s)://host[:port][/path], no query, no trailing slash. */
arr_rc svc_public_url(char *out, size_t cap, arr_err *err) {
  const char *v = env("ARREARS_PUBLIC_URL");
  if (v == NULL) {
    v = PUBLIC_URL_DEFAULT;
  }
  size_t n = strlen(v);
  while (n > 0 && v[n - 1] == '/') {
    n--;
  }
  size_t scheme = strncmp(v, "https://", 8) == 0  ? 8
                  : strncmp(v, "http://", 7) == 0 ? 7
                                                  : 0;
  bool ok = scheme > 0 && n > scheme && n <= PUBLIC_URL_MAX && n < cap;
  for (size_t i = 0; ok && i < n; i++) {
    unsigned char ch = (unsigned char)v[i];
    ok = ch > 0x20 && ch < 0x7f && strchr("\"<>\\^`{|}?#'", ch) == NULL;
  }
  if (!ok) {
    return bad_var(err, "ARREARS_PUBLIC_URL",
                   "must be the server's address as debtors reach it, like "
                   "https://pay.agency.example (http or https, no query)");
  }
  memcpy(out, v, n);
  out[n] = '\0';
  return ARR_OK;
}

/* ---- opt-out tokens ---- */

/* True when s is 43 base64url characters; then hash gets its hex SHA-256. */
static bool token_hash_of(const char *s, char hash[ARR_HASH_HEX]) {
  if (s == NULL || strnlen(s, TOKEN_CHARS + 1) != TOKEN_CHARS) {
    return false;
  }
  for (int i = 0; i < TOKEN_CHARS; i++) {
    if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_') {
      return false;
    }
  }
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, (const unsigned char *)s, TOKEN_CHARS);
  sodium_bin2hex(hash, ARR_HASH_HEX, h, sizeof h);
  return true;
}

static arr_rc token_insert(arr_svc *svc, int64_t account_id, int64_t email_id,
                           const char *hash, arr_err *err) {
  arr_account a;
  arr_point p;
  arr_rc rc = arr_store_account_get(svc->db, account_id, &a, err);
  if (rc == ARR_OK) {
    rc = arr_store_point_get(svc->db, "email", email_id, &p, err);
  }
  if (rc == ARR_OK && p.debtor_id != a.debtor_id) {
    rc = arr_err_set(err, ARR_ERR_INVALID,
                     "email %lld is not the debtor's of account %lld",
                     (long long)email_id, (long long)account_id);
  }
  if (rc == ARR_OK) {
    rc = arr_store_optout_insert(svc->db, hash, account_id, email_id, svc->now_iso, err);
  }
  return rc;
}

arr_rc svc_optout_token_new(arr_svc *svc, int64_t account_id, int64_t email_id,
                            char *url_out, size_t cap, arr_err *err) {
  char base[PUBLIC_URL_MAX + 1];
  arr_rc rc = svc_public_url(base, sizeof base, err);
  if (rc != ARR_OK) {
    return rc;
  }
  unsigned char raw[TOKEN_BYTES];
  char token[sodium_base64_ENCODED_LEN(TOKEN_BYTES,
                                       sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2base64(token, sizeof token, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  char hash[ARR_HASH_HEX];
  bool well_formed = token_hash_of(token, hash);
  assert(well_formed);
  (void)well_formed;
  int n = snprintf(url_out, cap, "%s/optout/%s", base, token);
  if (n < 0 || (size_t)n >= cap) {
    return arr_err_set(err, ARR_ERR_INVALID, "the opt-out link does not fit in %zu bytes",
                       cap);
  }
  bool own_tx = !arr_db_in_tx(svc->db);
  rc = own_tx ? svc_begin(svc, err) : ARR_OK;
  if (rc == ARR_OK) {
    rc = token_insert(svc, account_id, email_id, hash, err);
  }
  if (own_tx && rc == ARR_OK) {
    rc = svc_commit(svc, err);
  } else if (own_tx && rc != ARR_OK) {
    svc_rollback(svc);
  }
  if (rc != ARR_OK) {
    url_out[0] = '\0';
  }
  return rc;
}

/* ---- sending ---- */

static pthread_once_t g_curl_once = PTHREAD_ONCE_INIT;
static CURLcode g_curl_init_rc = CURLE_FAILED_INIT;

static void curl_init_once(void) {
  g_curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct {
  const char *data;
  size_t len, off;
} upload;

static size_t read_cb(char *buf, size_t size, size_t nitems, void *ud) {
  upload *u = ud;
  size_t room = size * nitems, left = u->len - u->off;
  size_t n = left < room ? left : room;
  memcpy(buf, u->data + u->off, n);
  u->off += n;
  return n;
}

/* Keeps the server's last error reply (4xx/5xx line), for the error message. Only
 * what the server sent is looked at: the AUTH lines we send never are. */
static int debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *ud) {
  (void)h;
  char *last = ud;
  if (type != CURLINFO_HEADER_IN || size < 4 || (data[0] != '4' && data[0] != '5') ||
      !isdigit((unsigned char)data[1]) || !isdigit((unsigned char)data[2])) {
    return 0;
  }
  size_t n = 0;
  for (; n < size && n < 200 && data[n] != '\r' && data[n] != '\n'; n++) {
    unsigned char ch = (unsigned char)data[n];
    last[n] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
  }
  last[n] = '\0';
  return 0;
}

static arr_rc send_failed(const email_config *c, CURLcode cc, const char *reply,
                          const char *errbuf, arr_err *err) {
  const char *why = reply[0] != '\0' ? reply
                    : errbuf[0]      ? errbuf
                                     : curl_easy_strerror(cc);
  switch (cc) {
  case CURLE_LOGIN_DENIED:
    return arr_err_set(err, ARR_ERR_IO, "SMTP login as %s at %s failed: %s", c->user,
                       c->url, why);
  case CURLE_USE_SSL_FAILED:
    return arr_err_set(err, ARR_ERR_IO,
                       "SMTP server %s does not offer STARTTLS and ARREARS_SMTP_TLS is "
                       "required: nothing sent (%s)",
                       c->url, why);
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CONNECT_ERROR:
    return arr_err_set(err, ARR_ERR_IO,
                       "TLS with SMTP server %s failed (its certificate must verify; "
                       "ARREARS_SMTP_CA_FILE names the CA for a private one): %s",
                       c->url, why);
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
    return arr_err_set(err, ARR_ERR_IO, "cannot connect to SMTP server %s: %s", c->url,
                       why);
  case CURLE_OPERATION_TIMEDOUT:
    return arr_err_set(err, ARR_ERR_IO,
                       "SMTP server %s did not finish within %ld ms "
                       "(ARREARS_SMTP_TIMEOUT_MS): %s",
                       c->url, c->timeout_ms, why);
  default:
    return arr_err_set(err, ARR_ERR_IO, "SMTP server %s refused the message: %s", c->url,
                       why);
  }
}

/* Sends msg (CRLF lines) from c->from_addr to `to` through the configured server. */
static arr_rc smtp_send(const email_config *c, const char *to, const char *msg,
                        size_t len, arr_err *err) {
  pthread_once(&g_curl_once, curl_init_once);
  if (g_curl_init_rc != CURLE_OK) {
    return arr_err_set(err, ARR_ERR_IO, "libcurl failed to initialize: %s",
                       curl_easy_strerror(g_curl_init_rc));
  }
  CURL *h = curl_easy_init();
  if (h == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "libcurl: out of memory");
  }
  char from[300], rcpt[300], errbuf[CURL_ERROR_SIZE] = "", reply[256] = "";
  snprintf(from, sizeof from, "<%s>", c->from_addr);
  snprintf(rcpt, sizeof rcpt, "<%s>", to);
  struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
  upload u = {msg, len, 0};
  arr_rc rc = ARR_OK;
  if (rcpts == NULL) {
    rc = arr_err_set(err, ARR_ERR_NOMEM, "libcurl: out of memory");
    goto cleanup;
  }
  curl_easy_setopt(h, CURLOPT_URL, c->url);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
  curl_easy_setopt(h, CURLOPT_USE_SSL,
                   c->tls_none ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
  curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
  if (c->ca_file[0] != '\0') {
    curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
  }
  if (c->user[0] != '\0') {
    curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
    curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
  }
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt(h, CURLOPT_READDATA, &u);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, (void *)reply);
  curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
  CURLcode cc = curl_easy_perform(h);
  if (cc != CURLE_OK) {
    rc = send_failed(c, cc, reply, errbuf, err);
  }
cleanup:
  curl_slist_free_all(rcpts);
  curl_easy_cleanup(h);
  return rc;
}

static arr_rc check_message(const svc_email_message *m, arr_err *err) {
  if (m->to_addr == NULL || !address_ok(m->to_addr)) {
    return arr_err_field(err, ARR_ERR_INVALID, "to",
                         "the address \"%s\" cannot be sent to (a plain ASCII address "
                         "local@domain is needed)",
                         m->to_addr != NULL ? m->to_addr : "");
  }
  if (m->to_name != NULL && !header_text_ok(m->to_name, ARR_MIME_NAME_MAX)) {
    return arr_err_field(err, ARR_ERR_INVALID, "to_name",
                         "the recipient's name contains a line break or another control "
                         "character (or is over 256 bytes): refused, since it would "
                         "change the message's headers; correct the debtor's name");
  }
  if (m->subject == NULL || m->subject[0] == '\0' ||
      !header_text_ok(m->subject, ARR_MIME_SUBJECT_MAX)) {
    return arr_err_field(err, ARR_ERR_INVALID, "subject",
                         "the subject must be one line of 1 to 998 bytes without "
                         "control characters");
  }
  if (m->body_text == NULL) {
    return arr_err_field(err, ARR_ERR_INVALID, "body", "the message has no body");
  }
  return ARR_OK;
}

arr_rc svc_email_send_id(arr_svc *svc, const svc_email_message *m, char *message_id,
                         size_t cap, arr_err *err) {
  email_config c;
  arr_rc rc = check_message(m, err);
  if (rc == ARR_OK) {
    rc = config_load(&c, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  unsigned char rnd[8];
  char hex[sizeof rnd * 2 + 1], mid[400];
  randombytes_buf(rnd, sizeof rnd);
  sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
  if (m->letter_id > 0) {
    snprintf(mid, sizeof mid, "letter-%lld.%s@%s", (long long)m->letter_id, hex,
             c.from_domain);
  } else {
    snprintf(mid, sizeof mid, "test.%s@%s", hex, c.from_domain);
  }
  arr_mime_message mm = {
      .from_name = c.from_name,
      .from_addr = c.from_addr,
      .to_name = m->to_name != NULL ? m->to_name : "",
      .to_addr = m->to_addr,
      .subject = m->subject,
      .body_text = m->body_text,
      .message_id = mid,
      .list_unsubscribe_url = m->optout_url,
      .date_unix = (int64_t)svc->now,
  };
  char *text = NULL;
  size_t len = 0;
  rc = arr_mime_compose(&mm, &text, &len, err);
  if (rc == ARR_OK) {
    rc = smtp_send(&c, m->to_addr, text, len, err);
  }
  free(text);
  sodium_memzero(&c, sizeof c);
  if (rc == ARR_OK && message_id != NULL) {
    svc_strcpy(message_id, cap, mid);
  }
  return rc;
}

arr_rc svc_email_send(arr_svc *svc, const svc_email_message *m, arr_err *err) {
  return svc_email_send_id(svc, m, NULL, 0, err);
}

/* ---- the opt-out ---- */

/* "a***@example.com": the first character of the local part and the domain. */
static void mask_email(const char *addr, char *out, size_t cap) {
  const char *at = strrchr(addr, '@');
  if (at == NULL || at == addr || (unsigned char)addr[0] >= 0x80) {
    snprintf(out, cap, "***%s", at != NULL ? at : "");
    return;
  }
  snprintf(out, cap, "%c***%s", addr[0], at);
}

/* The agency's name from the settings (key agency.name), or NULL when not set. */
static arr_rc agency_name(arr_svc *svc, char *buf, size_t cap, bool *found,
                          arr_err *err) {
  arr_rc rc = arr_store_setting_get(svc->db, "agency.name", buf, cap, found, err);
  *found = rc == ARR_OK && *found && buf[0] != '\0';
  return rc;
}

static json_t *optout_json(const char *status, const arr_optout_token *t,
                           const char *agency) {
  char masked[300];
  mask_email(t->email_address, masked, sizeof masked);
  json_t *o = json_object();
  svc_set_str(o, "status", status);
  svc_set_str(o, "masked_email", masked);
  svc_set(o, "agency", agency != NULL ? json_string(agency) : json_null());
  return o;
}

static arr_rc unknown_token(arr_err *err) {
  return arr_err_set(err, ARR_ERR_NOTFOUND, "no such opt-out link");
}

arr_rc arr_svc_optout_peek(arr_svc *svc, const char *token, json_t **out, arr_err *err) {
  char hash[ARR_HASH_HEX], agency[201];
  if (!token_hash_of(token, hash)) {
    return unknown_token(err);
  }
  arr_optout_token t;
  bool has_agency = false;
  arr_rc rc = arr_store_optout_get(svc->db, hash, &t, err);
  if (rc == ARR_ERR_NOTFOUND) {
    return unknown_token(err);
  }
  if (rc == ARR_OK) {
    rc = agency_name(svc, agency, sizeof agency, &has_agency, err);
  }
  if (rc == ARR_OK) {
    *out = optout_json(t.used_at[0] != '\0' ? "already" : "active", &t,
                       has_agency ? agency : NULL);
  }
  return rc;
}

/* The opt-out's writes, inside the open transaction, by actor "optout". The person
 * asked us to stop emailing them (1006.6(e)), not only about the account in that
 * email: the email_opt_out event is recorded on every account of the debtor. */
static arr_rc record_optout(arr_svc *svc, const arr_optout_token *t, arr_err *err) {
  enum { ACCOUNTS_MAX = 1000 };
  int64_t *ids = malloc(sizeof *ids * ACCOUNTS_MAX);
  if (ids == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int nids = 0;
  arr_rc rc =
      arr_store_debtor_account_ids(svc->db, t->debtor_id, ids, ACCOUNTS_MAX, &nids, err);
  bool listed = false;
  for (int i = 0; rc == ARR_OK && i < nids; i++) {
    listed = listed || ids[i] == t->account_id;
  }
  if (rc == ARR_OK && !listed && nids < ACCOUNTS_MAX) {
    ids[nids++] = t->account_id; /* a co-signer's account: the token's own */
  }
  arr_account_event e;
  memset(&e, 0, sizeof e);
  for (int i = 0; rc == ARR_OK && i < nids; i++) {
    memset(&e, 0, sizeof e);
    e.account_id = ids[i];
    svc_strcpy(e.type, sizeof e.type, "email_opt_out");
    svc_strcpy(e.at, sizeof e.at, svc->now_iso);
    snprintf(e.note, sizeof e.note, "opt-out link in an email (email %lld)",
             (long long)t->email_id);
    svc_strcpy(e.actor, sizeof e.actor, OPTOUT_ACTOR);
    rc = arr_store_event_insert(svc->db, &e, svc->now_iso, err);
  }
  free(ids);
  arr_point p;
  char old_consent[12] = "";
  if (rc == ARR_OK) {
    rc = arr_store_point_get(svc->db, "email", t->email_id, &p, err);
  }
  if (rc == ARR_OK && strcmp(p.consent, "revoked") != 0) {
    svc_strcpy(old_consent, sizeof old_consent, p.consent);
    arr_point_change ch;
    memset(&ch, 0, sizeof ch);
    svc_strcpy(ch.kind, sizeof ch.kind, "email");
    ch.point_id = p.id;
    svc_strcpy(ch.field, sizeof ch.field, "consent");
    svc_strcpy(ch.old_value, sizeof ch.old_value, p.consent);
    svc_strcpy(ch.new_value, sizeof ch.new_value, "revoked");
    svc_strcpy(ch.source, sizeof ch.source, OPTOUT_ACTOR);
    svc_strcpy(ch.changed_at, sizeof ch.changed_at, svc->now_iso);
    svc_strcpy(ch.actor, sizeof ch.actor, OPTOUT_ACTOR);
    rc = arr_store_point_history_insert(svc->db, &ch, err);
    svc_strcpy(p.consent, sizeof p.consent, "revoked");
    if (rc == ARR_OK) {
      rc = arr_store_point_update(svc->db, "email", &p, err);
    }
  }
  if (rc == ARR_OK) {
    json_t *d =
        json_pack("{s:I,s:I,s:I,s:i,s:s}", "account_id", (json_int_t)t->account_id,
                  "email_id", (json_int_t)t->email_id, "event_id", (json_int_t)e.id,
                  "accounts", nids, "consent_before", old_consent);
    rc = svc_audit(svc, "email.opt_out", "account", t->account_id, d, err);
  }
  return rc;
}

arr_rc arr_svc_optout(arr_svc *svc, const char *token, json_t **out, arr_err *err) {
  char hash[ARR_HASH_HEX], agency[201];
  if (!token_hash_of(token, hash)) {
    return unknown_token(err);
  }
  char actor[sizeof svc->actor];
  svc_strcpy(actor, sizeof actor, svc->actor);
  arr_rc rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  svc_strcpy(svc->actor, sizeof svc->actor, OPTOUT_ACTOR);
  arr_optout_token t;
  bool used_now = false, has_agency = false;
  rc = arr_store_optout_get(svc->db, hash, &t, err);
  if (rc == ARR_ERR_NOTFOUND) {
    rc = unknown_token(err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_optout_use(svc->db, hash, svc->now_iso, &used_now, err);
  }
  if (rc == ARR_OK && used_now) {
    rc = record_optout(svc, &t, err);
  }
  if (rc == ARR_OK) {
    rc = agency_name(svc, agency, sizeof agency, &has_agency, err);
  }
  if (rc == ARR_OK) {
    rc = svc_commit(svc, err);
  } else {
    svc_rollback(svc);
  }
  svc_strcpy(svc->actor, sizeof svc->actor, actor);
  if (rc == ARR_OK) {
    *out = optout_json(used_now ? "stopped" : "already", &t, has_agency ? agency : NULL);
  }
  return rc;
}

/* ---- `arrears email test` ---- */

static void full_name(const arr_debtor *d, char *out, size_t cap) {
  const char *parts[] = {d->first_name, d->middle_name, d->last_name, d->suffix};
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
    if (parts[i][0] == '\0') {
      continue;
    }
    int n = snprintf(out + used, cap - used, "%s%s", used ? " " : "", parts[i]);
    if (n < 0 || (size_t)n >= cap - used) {
      break;
    }
    used += (size_t)n;
  }
}

/* The debtor's email row for `to` (normalized; compared without case, as people
 * write addresses), current and usable. */
static arr_rc find_email(arr_svc *svc, const arr_account *a, const char *to,
                         arr_email *out, arr_err *err) {
  char want[256];
  const char *why = arr_norm_email(to, strlen(to), want);
  if (why != NULL || want[0] == '\0') {
    return arr_err_field(err, ARR_ERR_INVALID, "to", "--to: email %s",
                         why != NULL ? why : "is required");
  }
  arr_email *have = malloc(sizeof *have * MAX_EMAILS);
  if (have == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  arr_rc rc = arr_store_email_list(svc->db, a->debtor_id, have, MAX_EMAILS, &n, err);
  int found = -1;
  for (int i = 0; rc == ARR_OK && i < n; i++) {
    if (strcasecmp(have[i].address, want) == 0 && strcmp(have[i].status, "former") != 0) {
      found = i;
    }
  }
  if (rc == ARR_OK && found < 0) {
    rc = arr_err_field(err, ARR_ERR_NOTFOUND, "to",
                       "%s is not a current email of account %lld's debtor (add it with "
                       "`arrears email add`)",
                       want, (long long)a->id);
  } else if (rc == ARR_OK && (strcmp(have[found].status, "bad") == 0 ||
                              strcmp(have[found].consent, "revoked") == 0)) {
    rc = arr_err_set(err, ARR_ERR_REFUSED,
                     "email %lld (%s) may not be used: its status is %s and consent %s",
                     (long long)have[found].id, want, have[found].status,
                     have[found].consent);
  }
  if (rc == ARR_OK) {
    *out = have[found];
  }
  free(have);
  return rc;
}

/* Loads the account, its debtor and the email, and asks the compliance engine. */
static arr_rc test_target(arr_svc *svc, const char *account, const char *to,
                          arr_account *a, arr_debtor *d, arr_email *e, arr_err *err) {
  int64_t id = 0;
  arr_rc rc = arr_svc_account_resolve(svc, account, &id, err);
  if (rc == ARR_OK) {
    rc = arr_store_account_get(svc->db, id, a, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_debtor_get(svc->db, a->debtor_id, d, err);
  }
  if (rc == ARR_OK) {
    rc = find_email(svc, a, to, e, err);
  }
  bool allowed = false;
  char why[512];
  json_t *codes = NULL;
  if (rc == ARR_OK) {
    rc = svc_contact_allowed(svc, id, "email", e->address, NULL, svc->now, &allowed, why,
                             sizeof why, &codes, err);
    json_decref(codes);
  }
  if (rc == ARR_OK && !allowed) {
    rc = arr_err_set(err, ARR_ERR_REFUSED,
                     "an email to account %s is not allowed now: %s", account, why);
  }
  return rc;
}

arr_rc arr_svc_email_test(arr_svc *svc, const char *account, const char *to, json_t **out,
                          arr_err *err) {
  if (!svc_email_configured()) {
    return arr_err_field(err, ARR_ERR_INVALID, "ARREARS_SMTP_URL",
                         "not sent: SMTP not configured (set ARREARS_SMTP_URL; see "
                         "README, Email)");
  }
  arr_rc rc = svc_email_config_check(err);
  arr_account a;
  arr_debtor d;
  arr_email e;
  if (rc == ARR_OK) {
    rc = test_target(svc, account, to, &a, &d, &e, err);
  }
  char url[PUBLIC_URL_MAX + 64], name[700], body[1024], mid[400];
  if (rc == ARR_OK) {
    rc = svc_optout_token_new(svc, a.id, e.id, url, sizeof url, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  full_name(&d, name, sizeof name);
  snprintf(body, sizeof body,
           "This is a test message from arrears.\n\n"
           "If you do not want to receive emails from us, open this link:\n%s\n",
           url);
  svc_email_message m = {0, e.address, name, "Test message from arrears", body, url};
  rc = svc_email_send_id(svc, &m, mid, sizeof mid, err);
  if (rc == ARR_OK) {
    rc = svc_begin(svc, err);
    if (rc == ARR_OK) {
      json_t *det = json_pack("{s:I,s:I,s:s}", "account_id", (json_int_t)a.id, "email_id",
                              (json_int_t)e.id, "message_id", mid);
      rc = svc_audit(svc, "email.test", "account", a.id, det, err);
      if (rc == ARR_OK) {
        rc = svc_commit(svc, err);
      } else {
        svc_rollback(svc);
      }
    }
  }
  if (rc == ARR_OK) {
    *out = json_object();
    svc_set_int(*out, "account_id", a.id);
    svc_set_int(*out, "email_id", e.id);
    svc_set_str(*out, "to", e.address);
    svc_set_str(*out, "message_id", mid);
  }
  return rc;
}
