/*
 * auth.c — passwords, sessions, API tokens and login throttling for the HTTP API.
 *
 * Passwords are argon2id strings from libsodium's crypto_pwhash_str (interactive
 * limits: ~64 MiB and a fraction of a second, which is what makes guessing slow).
 * Session and API token secrets are 32 random bytes, base64url; the database keeps
 * only their BLAKE2b hash, so a copy of the database opens no sessions. Sessions live
 * in the database so several server processes (PostgreSQL) share them; they end at
 * logout, after SESSION_TTL_S, or after SESSION_IDLE_S without a request.
 *
 * Throttling counts failed attempts in a sliding window per username and per remote
 * address; past the limit the login is refused before the password is even checked
 * (so a throttled attacker learns nothing), with the seconds until the window frees.
 */
#include <string.h>

#include "service/internal.h"

enum {
  SESSION_TTL_S = 12 * 3600,
  SESSION_IDLE_S = 2 * 3600,
  SESSION_TOUCH_S = 60, /* last_seen_at is written at most once a minute */
  THROTTLE_WINDOW_S = 15 * 60,
  THROTTLE_PER_USER = 5,
  THROTTLE_PER_ADDR = 20,
  PASSWORD_MIN = 10,
  PASSWORD_MAX = 200,
};

static const char *const ADMINS[] = {"admin", NULL};

/* 32 random bytes as unpadded base64url after prefix. */
static void new_secret(const char *prefix, char *out, size_t cap) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  size_t plen = strlen(prefix);
  memcpy(out, prefix, plen);
  sodium_bin2base64(out + plen, cap - plen, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
}

static void principal_from_user(const arr_user *u, arr_principal *p) {
  memset(p, 0, sizeof *p);
  p->id = u->id;
  svc_strcpy(p->username, sizeof p->username, u->username);
  svc_strcpy(p->display_name, sizeof p->display_name, u->display_name);
  svc_strcpy(p->role, sizeof p->role, u->role);
  p->client_id = u->client_id;
  svc_strcpy(p->client_code, sizeof p->client_code, u->client_code);
}

static arr_time iso_to_time(const char *iso) {
  arr_time t = 0;
  if (!arr_time_parse(iso, strlen(iso), &t, NULL)) {
    return 0;
  }
  return t;
}

static bool password_ok(const char *password, arr_err *err) {
  size_t n = password != NULL ? strlen(password) : 0;
  if (n < PASSWORD_MIN || n > PASSWORD_MAX) {
    arr_err_field(err, ARR_ERR_INVALID, "password",
                  "a password must be %d to %d characters", PASSWORD_MIN, PASSWORD_MAX);
    return false;
  }
  return true;
}

/* Commits the open transaction when rc is ARR_OK, else rolls it back; returns rc. */
static arr_rc finish(arr_svc *svc, arr_rc rc, arr_err *err) {
  if (rc == ARR_OK) {
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

arr_rc arr_svc_password_acceptable(const char *password, arr_err *err) {
  return password_ok(password, err) ? ARR_OK : ARR_ERR_INVALID;
}

arr_rc arr_svc_user_set_password(arr_svc *svc, const char *username, const char *password,
                                 arr_err *err) {
  bool self = svc->has_principal && strcmp(svc->principal.username, username) == 0;
  if (!self) {
    arr_rc rc = arr_svc_require(svc, "setting another user's password", ADMINS, err);
    if (rc != ARR_OK) {
      return rc;
    }
  }
  if (!password_ok(password, err)) {
    return ARR_ERR_INVALID;
  }
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password, strlen(password),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return arr_err_set(err, ARR_ERR_NOMEM, "password hashing ran out of memory");
  }
  arr_rc rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_user u;
  rc = arr_store_user_by_name(svc->db, username, &u, err);
  if (rc == ARR_OK) {
    rc = arr_store_user_set_password(svc->db, u.id, hash, svc->now_iso, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_session_end_user(svc->db, u.id, svc->now_iso, err);
  }
  if (rc == ARR_OK) {
    rc = svc_audit(svc, "user.password", "user", u.id,
                   json_pack("{s:s}", "username", u.username), err);
  }
  return finish(svc, rc, err);
}

arr_rc arr_svc_user_set_role(arr_svc *svc, const char *username, const char *role,
                             const char *client_code, json_t **user_out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "changing a user's role", ADMINS, err);
  if (rc != ARR_OK) {
    return rc;
  }
  static const char *const ROLES[] = {"collector", "supervisor", "compliance",
                                      "admin",     "client",     NULL};
  bool known = false;
  for (int i = 0; ROLES[i] != NULL; i++) {
    known = known || strcmp(role, ROLES[i]) == 0;
  }
  if (!known) {
    return arr_err_field(err, ARR_ERR_INVALID, "role",
                         "role \"%s\" is not one of collector, supervisor, compliance, "
                         "admin, client",
                         role);
  }
  if ((strcmp(role, "client") == 0) != (client_code != NULL && client_code[0] != '\0')) {
    return arr_err_field(err, ARR_ERR_INVALID, "client",
                         "a client user needs a client code, and only a client user has "
                         "one");
  }
  rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_user u;
  arr_client c = {0};
  rc = arr_store_user_by_name(svc->db, username, &u, err);
  if (rc == ARR_OK && client_code != NULL && client_code[0] != '\0') {
    rc = arr_store_client_by_code(svc->db, client_code, &c, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_user_set_role(svc->db, u.id, role, c.id, err);
  }
  if (rc == ARR_OK) {
    /* A role change takes effect now, not at the next login. */
    rc = arr_store_session_end_user(svc->db, u.id, svc->now_iso, err);
  }
  if (rc == ARR_OK) {
    json_t *d = json_pack("{s:s,s:s,s:s,s:o}", "username", u.username, "from", u.role,
                          "to", role, "client", c.id ? json_string(c.code) : json_null());
    rc = svc_audit(svc, "user.role", "user", u.id, d, err);
  }
  rc = finish(svc, rc, err);
  if (rc == ARR_OK && user_out != NULL) {
    rc = arr_svc_user_get_json(svc, username, user_out, err);
  }
  return rc;
}

arr_rc arr_svc_token_create(arr_svc *svc, const char *username, const char *name,
                            char token_out[ARR_TOKEN_MAX], int64_t *id_out,
                            arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "creating API tokens", ADMINS, err);
  if (rc != ARR_OK) {
    return rc;
  }
  if (name == NULL || name[0] == '\0' || strlen(name) > 100) {
    return arr_err_field(err, ARR_ERR_INVALID, "name",
                         "a token needs a name of 1 to 100 characters");
  }
  new_secret("arr_", token_out, ARR_TOKEN_MAX);
  char hash[ARR_HASH_HEX];
  svc_hash_hex(token_out, strlen(token_out), hash);
  rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_user u;
  rc = arr_store_user_by_name(svc->db, username, &u, err);
  if (rc == ARR_OK) {
    rc = arr_store_token_insert(svc->db, u.id, name, hash, svc->now_iso, svc->actor,
                                id_out, err);
  }
  if (rc == ARR_OK) {
    rc = svc_audit(svc, "token.create", "api_token", *id_out,
                   json_pack("{s:s,s:s}", "username", u.username, "name", name), err);
  }
  rc = finish(svc, rc, err);
  if (rc != ARR_OK) {
    sodium_memzero(token_out, ARR_TOKEN_MAX);
  }
  return rc;
}

/* ARR_ERR_THROTTLED (with res->retry_after_s) when too many recent failures. */
static arr_rc check_throttle(arr_svc *svc, const char *username, const char *addr,
                             arr_login_result *res, arr_err *err) {
  char since[ARR_TIME_FMT_MAX], oldest_user[ARR_TIME_FMT_MAX],
      oldest_addr[ARR_TIME_FMT_MAX];
  arr_time_format_utc(svc->now - THROTTLE_WINDOW_S, since);
  int64_t by_user = 0, by_addr = 0;
  arr_rc rc = arr_store_login_failures(svc->db, username, addr, since, &by_user, &by_addr,
                                       oldest_user, oldest_addr, err);
  if (rc != ARR_OK) {
    return rc;
  }
  const char *oldest = NULL;
  if (by_user >= THROTTLE_PER_USER) {
    oldest = oldest_user;
  } else if (by_addr >= THROTTLE_PER_ADDR) {
    oldest = oldest_addr;
  }
  if (oldest == NULL) {
    return ARR_OK;
  }
  int64_t wait = iso_to_time(oldest) + THROTTLE_WINDOW_S - svc->now;
  res->retry_after_s = wait > 1 ? wait : 1;
  return arr_err_set(err, ARR_ERR_THROTTLED,
                     "too many failed logins; try again in %lld seconds",
                     (long long)res->retry_after_s);
}

/* Checks username/password; constant work whether or not the user exists. */
static bool verify_password(const arr_user *u, bool found, const char *password) {
  if (!found || !u->active || u->password_hash[0] == '\0') {
    /* Spend the same effort as a real check so timing does not reveal usernames. */
    char dummy[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(dummy, password, strlen(password),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
      return false; /* out of memory: the answer is "no" either way */
    }
    return false;
  }
  return crypto_pwhash_str_verify(u->password_hash, password, strlen(password)) == 0;
}

arr_rc arr_svc_login(arr_svc *svc, const char *username, const char *password,
                     const char *remote_addr, arr_login_result *res, arr_err *err) {
  memset(res, 0, sizeof *res);
  if (username == NULL || username[0] == '\0' || strlen(username) > 64 ||
      password == NULL || strlen(password) > PASSWORD_MAX) {
    return arr_err_set(err, ARR_ERR_AUTH, "wrong username or password");
  }
  arr_rc rc = check_throttle(svc, username, remote_addr, res, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_user u;
  arr_err lookup_err;
  rc = arr_store_user_by_name(svc->db, username, &u, &lookup_err);
  if (rc != ARR_OK && rc != ARR_ERR_NOTFOUND) {
    *err = lookup_err;
    return rc;
  }
  bool ok = verify_password(&u, rc == ARR_OK, password);
  rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  rc = arr_store_login_attempt_insert(svc->db, username, remote_addr, svc->now_iso, ok,
                                      err);
  if (rc == ARR_OK && ok) {
    char hash[ARR_HASH_HEX], expires[ARR_TIME_FMT_MAX];
    new_secret("", res->token, sizeof res->token);
    new_secret("", res->csrf, sizeof res->csrf);
    svc_hash_hex(res->token, strlen(res->token), hash);
    arr_time_format_utc(svc->now + SESSION_TTL_S, expires);
    int64_t sid = 0;
    rc = arr_store_session_insert(svc->db, hash, u.id, res->csrf, svc->now_iso, expires,
                                  remote_addr, &sid, err);
    principal_from_user(&u, &res->user);
    svc_strcpy(svc->actor, sizeof svc->actor, u.username);
    if (rc == ARR_OK) {
      rc = svc_audit(svc, "session.create", "user", u.id,
                     json_pack("{s:s,s:I}", "remote_addr", remote_addr, "session_id",
                               (json_int_t)sid),
                     err);
    }
  }
  rc = finish(svc, rc, err);
  if (rc == ARR_OK && !ok) {
    sodium_memzero(res, sizeof *res);
    rc = arr_err_set(err, ARR_ERR_AUTH, "wrong username or password");
  }
  return rc;
}

arr_rc arr_svc_session_check(arr_svc *svc, const char *token, arr_principal *p,
                             char csrf_out[ARR_CSRF_MAX], int64_t *session_id,
                             arr_err *err) {
  if (token == NULL || token[0] == '\0' || strlen(token) >= ARR_TOKEN_MAX) {
    return arr_err_set(err, ARR_ERR_AUTH, "not logged in");
  }
  char hash[ARR_HASH_HEX];
  svc_hash_hex(token, strlen(token), hash);
  arr_session s;
  arr_user u;
  arr_rc rc = arr_store_session_get(svc->db, hash, &s, &u, err);
  if (rc == ARR_ERR_NOTFOUND) {
    return arr_err_set(err, ARR_ERR_AUTH, "not logged in");
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_time seen = iso_to_time(s.last_seen_at);
  if (s.ended || !u.active || iso_to_time(s.expires_at) <= svc->now ||
      seen + SESSION_IDLE_S <= svc->now) {
    return arr_err_set(err, ARR_ERR_AUTH, "the session has ended; log in again");
  }
  if (seen + SESSION_TOUCH_S <= svc->now) {
    rc = svc_begin(svc, err);
    if (rc == ARR_OK) {
      rc = finish(svc, arr_store_session_touch(svc->db, s.id, svc->now_iso, err), err);
    }
    if (rc != ARR_OK) {
      return rc;
    }
  }
  principal_from_user(&u, p);
  svc_strcpy(csrf_out, ARR_CSRF_MAX, s.csrf_token);
  *session_id = s.id;
  return ARR_OK;
}

arr_rc arr_svc_logout(arr_svc *svc, int64_t session_id, arr_err *err) {
  arr_rc rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  rc = arr_store_session_end(svc->db, session_id, svc->now_iso, err);
  if (rc == ARR_OK) {
    rc = svc_audit(svc, "session.end", "session", session_id, NULL, err);
  }
  return finish(svc, rc, err);
}

arr_rc arr_svc_token_check(arr_svc *svc, const char *token, arr_principal *p,
                           arr_err *err) {
  if (token == NULL || strncmp(token, "arr_", 4) != 0 || strlen(token) >= ARR_TOKEN_MAX) {
    return arr_err_set(err, ARR_ERR_AUTH, "unknown API token");
  }
  char hash[ARR_HASH_HEX];
  svc_hash_hex(token, strlen(token), hash);
  int64_t token_id = 0;
  arr_user u;
  arr_rc rc = arr_store_token_get(svc->db, hash, &token_id, &u, err);
  if (rc == ARR_ERR_NOTFOUND || (rc == ARR_OK && !u.active)) {
    return arr_err_set(err, ARR_ERR_AUTH, "unknown or revoked API token");
  }
  if (rc != ARR_OK) {
    return rc;
  }
  principal_from_user(&u, p);
  return ARR_OK;
}

arr_rc arr_svc_audit_denied(arr_svc *svc, int http_status, const char *method,
                            const char *path, const char *reason, const char *remote_addr,
                            arr_err *err) {
  arr_rc rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  char short_path[201];
  svc_strcpy(short_path, sizeof short_path, path);
  json_t *d = json_pack("{s:i,s:s,s:s,s:s,s:s}", "status", http_status, "method", method,
                        "path", short_path, "reason", reason, "remote_addr", remote_addr);
  rc = svc_audit(svc,
                 http_status == 401   ? "access.unauthenticated"
                 : http_status == 429 ? "access.throttled"
                                      : "access.denied",
                 "request", svc->has_principal ? svc->principal.id : 0, d, err);
  return finish(svc, rc, err);
}

arr_rc arr_svc_act_as(arr_svc *svc, arr_err *err) {
  arr_user u;
  arr_rc rc = arr_store_user_by_name(svc->db, svc->actor, &u, err);
  if (rc == ARR_ERR_NOTFOUND) {
    return arr_err_set(err, ARR_ERR_INVALID,
                       "\"%s\" is not a user; name one with --as USER (or ARREARS_USER)",
                       svc->actor);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_principal p;
  principal_from_user(&u, &p);
  arr_svc_set_principal(svc, &p);
  return ARR_OK;
}
