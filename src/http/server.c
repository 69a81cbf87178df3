/*
 * server.c — the core of `arrears serve`: starts libmicrohttpd with a thread pool
 * (each pool thread runs its own epoll loop), gives each request an arena, collects
 * its body up to the configured limit, dispatches to the API or the static files,
 * sends the response with security headers, writes the access log line, and shuts
 * down gracefully on SIGTERM/SIGINT.
 *
 * Each pool thread opens its own service context (database connection, keys) on its
 * first request and keeps it: SQLite connections and libpq connections must not be
 * shared between threads, and opening one per request would cost more than the
 * request. The contexts are closed after the daemon has stopped.
 *
 * Shutdown: signals are blocked in every thread and the main thread waits for one
 * with sigwait. Then the listening socket is closed (MHD_quiesce_daemon), requests
 * already being handled finish (a counter of in-flight requests, bounded by
 * drain_s), and the daemon stops.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "http/internal.h"

enum { MAX_CONTEXTS = 512, ARENA_CAP_BYTES = 32 * 1024 * 1024 };

static const arr_http_config *g_cfg;
static FILE *g_access_log;
static atomic_int g_inflight;
static pthread_mutex_t g_ctx_lock = PTHREAD_MUTEX_INITIALIZER;
static arr_svc *g_contexts[MAX_CONTEXTS];
static int g_ncontexts;
static _Thread_local arr_svc *tl_svc;
/* While a request is dispatched, jansson allocates from its arena: the account screen
 * builds a few hundred JSON values, and malloc/free for each was a quarter of the
 * server's instructions. Frees of arena memory are no-ops; the arena goes at the end
 * of the request. Outside a request (startup) jansson uses malloc. */
static _Thread_local arr_arena *tl_json_arena;

static void *json_alloc(size_t n) {
  if (tl_json_arena != NULL) {
    void *p = arr_arena_alloc(tl_json_arena, n);
    if (p != NULL) {
      return p;
    }
  }
  return malloc(n);
}

static void json_release(void *p) {
  if (p == NULL || (tl_json_arena != NULL && arr_arena_owns(tl_json_arena, p))) {
    return;
  }
  free(p);
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* This thread's service context, opened on first use. */
static arr_svc *thread_svc(arr_err *err) {
  if (tl_svc != NULL) {
    return tl_svc;
  }
  arr_svc_options opt = {g_cfg->db_url[0] ? g_cfg->db_url : NULL,
                         g_cfg->key_file[0] ? g_cfg->key_file : NULL, "anonymous", false};
  arr_svc *svc = NULL;
  if (arr_svc_open(&opt, &svc, err) != ARR_OK) {
    return NULL;
  }
  pthread_mutex_lock(&g_ctx_lock);
  bool room = g_ncontexts < MAX_CONTEXTS;
  if (room) {
    g_contexts[g_ncontexts++] = svc;
  }
  pthread_mutex_unlock(&g_ctx_lock);
  if (!room) {
    arr_svc_close(svc);
    arr_err_set(err, ARR_ERR_NOMEM, "too many server threads");
    return NULL;
  }
  tl_svc = svc;
  return svc;
}

/* ---- responses ---- */

void http_header_add(http_req *r, const char *name, const char *value) {
  if (r->nheaders < HTTP_MAX_HEADERS) {
    r->headers[r->nheaders].name = name;
    r->headers[r->nheaders].value = value;
    r->nheaders++;
  }
}

void http_json(http_req *r, unsigned status, json_t *body) {
  r->status = status;
  r->content_type = body != NULL ? "application/json" : NULL; /* 204: no body */
  if (r->resp_free) {
    free(r->resp_body);
  }
  r->resp_body = NULL;
  r->resp_len = 0;
  r->resp_free = false;
  if (body != NULL) {
    r->resp_body = http_json_text(body, &r->resp_len);
    json_decref(body);
    if (r->resp_body == NULL) {
      r->status = 500;
      r->resp_body = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\","
                     "\"field\":null}}";
      r->resp_len = strlen(r->resp_body);
    } else {
      r->resp_free = true;
    }
  }
}

void http_bytes(http_req *r, unsigned status, const char *content_type, char *data,
                size_t len) {
  if (r->resp_free) {
    free(r->resp_body);
  }
  r->status = status;
  r->content_type = content_type;
  r->resp_body = data;
  r->resp_len = len;
  r->resp_free = true;
}

void http_error(http_req *r, unsigned status, const char *code, const char *message,
                const char *field) {
  json_t *e = json_pack("{s:{s:s,s:s,s:o}}", "error", "code", code, "message", message,
                        "field", field != NULL ? json_string(field) : json_null());
  if (e == NULL) { /* a message that is not UTF-8: say so without it */
    e = json_pack("{s:{s:s,s:s,s:o}}", "error", "code", code, "message",
                  "the request contains text that is not UTF-8", "field",
                  field != NULL ? json_string(field) : json_null());
  }
  http_json(r, status, e);
  r->error_message = arr_arena_strndup(&r->arena, message, strlen(message));
}

void http_error_rc(http_req *r, const arr_err *err) {
  unsigned status = 500;
  const char *code = "internal";
  switch (err->rc) {
  case ARR_ERR_INVALID:
  case ARR_ERR_USAGE: status = 400, code = "invalid"; break;
  case ARR_ERR_NOTFOUND: status = 404, code = "not_found"; break;
  case ARR_ERR_CONFLICT: status = 409, code = "conflict"; break;
  case ARR_ERR_REFUSED: status = 422, code = "refused"; break;
  case ARR_ERR_AUTH: status = 401, code = "unauthenticated"; break;
  case ARR_ERR_FORBIDDEN: status = 403, code = "forbidden"; break;
  case ARR_ERR_THROTTLED: status = 429, code = "throttled"; break;
  default: break;
  }
  if (status == 500) {
    /* Internal details go to the log, not to the client. */
    fprintf(stderr, "arrears serve: %s %s: %s\n", r->method, r->path, err->msg);
    http_error(r, 500, code, "internal error; see the server log", NULL);
    return;
  }
  http_error(r, status, code, err->msg, err->field[0] ? err->field : NULL);
}

/* ---- the request lifecycle ---- */

static void remote_address(struct MHD_Connection *conn, char *out, size_t cap) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  snprintf(out, cap, "unknown");
  if (ci == NULL || ci->client_addr == NULL) {
    return;
  }
  const struct sockaddr *sa = ci->client_addr;
  socklen_t len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                            : sizeof(struct sockaddr_in);
  if (getnameinfo(sa, len, out, (socklen_t)cap, NULL, 0, NI_NUMERICHOST) != 0) {
    snprintf(out, cap, "unknown");
  }
}

static http_req *req_new(struct MHD_Connection *conn, const char *url,
                         const char *method) {
  http_req *r = calloc(1, sizeof *r);
  if (r == NULL) {
    return NULL;
  }
  arr_arena_init(&r->arena, ARENA_CAP_BYTES);
  r->conn = conn;
  r->cfg = g_cfg;
  r->method = arr_arena_strndup(&r->arena, method, strlen(method));
  r->path = arr_arena_strndup(&r->arena, url, strlen(url) > 2048 ? 2048 : strlen(url));
  r->resp_fd = -1;
  r->upload_fd = -1;
  r->start_ns = now_ns();
  remote_address(conn, r->remote_addr, sizeof r->remote_addr);
  if (r->method == NULL || r->path == NULL) {
    arr_arena_free(&r->arena);
    free(r);
    return NULL;
  }
  return r;
}

/* Opens the upload's temp file: a private directory (mode 0700) holding the file
 * under the name the client gave (?name=, sanitized; default upload.csv), because
 * the import records the file name. */
static void upload_open(http_req *r) {
  const char *tmp = getenv("TMPDIR");
  snprintf(r->upload_dir, sizeof r->upload_dir, "%s/arrears-upload.XXXXXX",
           tmp != NULL && tmp[0] != '\0' && strlen(tmp) < 32 ? tmp : "/tmp");
  if (mkdtemp(r->upload_dir) == NULL) {
    r->upload_dir[0] = '\0';
    r->upload_failed = true;
    return;
  }
  const char *given = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "name");
  char name[48];
  size_t n = 0;
  for (const char *p = given != NULL ? given : ""; *p != '\0' && n + 1 < sizeof name;
       p++) {
    char c = *p;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    name[n++] = ok ? c : '_';
  }
  name[n] = '\0';
  if (n == 0 || name[0] == '.') {
    snprintf(name, sizeof name, "upload.csv");
  }
  snprintf(r->upload_path, sizeof r->upload_path, "%s/%s", r->upload_dir, name);
  r->upload_fd = open(r->upload_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (r->upload_fd < 0) {
    r->upload_failed = true;
  }
}

static void upload_append(http_req *r, const char *data, size_t n) {
  if (r->upload_failed || r->body_too_large) {
    return;
  }
  if (r->upload_len + n > r->cfg->max_upload_bytes) {
    r->body_too_large = true;
    return;
  }
  while (n > 0) {
    ssize_t w = write(r->upload_fd, data, n);
    if (w < 0 && errno == EINTR) {
      continue;
    }
    if (w <= 0) {
      r->upload_failed = true;
      return;
    }
    data += w;
    n -= (size_t)w;
    r->upload_len += (uint64_t)w;
  }
}

static void upload_remove(http_req *r) {
  if (r->upload_fd >= 0) {
    close(r->upload_fd);
    r->upload_fd = -1;
  }
  if (r->upload_path[0] != '\0') {
    unlink(r->upload_path);
  }
  if (r->upload_dir[0] != '\0') {
    rmdir(r->upload_dir);
  }
}

static bool body_append(http_req *r, const char *data, size_t n) {
  if (r->body_too_large || r->body_len + n > r->cfg->max_body_bytes) {
    r->body_too_large = true;
    return false;
  }
  if (r->body_len + n + 1 > r->body_cap) {
    size_t cap = r->body_cap ? r->body_cap * 2 : 4096;
    while (cap < r->body_len + n + 1) {
      cap *= 2;
    }
    char *nb = arr_arena_alloc(&r->arena, cap);
    if (nb == NULL) {
      r->body_too_large = true;
      return false;
    }
    if (r->body_len > 0) {
      memcpy(nb, r->body, r->body_len);
    }
    r->body = nb;
    r->body_cap = cap;
  }
  memcpy(r->body + r->body_len, data, n);
  r->body_len += n;
  r->body[r->body_len] = '\0';
  return true;
}

static void add_security_headers(struct MHD_Response *resp) {
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(resp, "X-Frame-Options", "DENY");
  MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(resp, "Content-Security-Policy",
                          "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                          "img-src 'self' data:; frame-ancestors 'none'; "
                          "base-uri 'none'; form-action 'self'");
}

static enum MHD_Result send_response(http_req *r) {
  struct MHD_Response *resp = NULL;
  if (r->resp_fd >= 0) {
    resp = MHD_create_response_from_fd64(r->resp_fd_size, r->resp_fd);
    r->resp_fd = -1; /* owned by the response now */
  } else if (r->resp_free) {
    /* The response takes the malloc'd body and frees it when sent: no copy. */
    resp = MHD_create_response_from_buffer_with_free_callback(r->resp_len, r->resp_body,
                                                              free);
    if (resp != NULL) {
      r->resp_free = false;
      r->resp_body = NULL;
    }
  } else {
    resp = MHD_create_response_from_buffer(r->resp_len, r->resp_body,
                                           MHD_RESPMEM_PERSISTENT);
  }
  if (resp == NULL) {
    return MHD_NO;
  }
  if (r->content_type != NULL) {
    MHD_add_response_header(resp, "Content-Type", r->content_type);
  }
  if (strncmp(r->path, "/api/", 5) == 0) {
    MHD_add_response_header(resp, "Cache-Control", "no-store");
  }
  add_security_headers(resp);
  for (int i = 0; i < r->nheaders; i++) {
    MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
  }
  enum MHD_Result ret = MHD_queue_response(r->conn, r->status, resp);
  MHD_destroy_response(resp);
  return ret;
}

static void dispatch_in_arena(http_req *r);

/* Runs the request with jansson allocating from its arena (see json_alloc). */
static void dispatch(http_req *r) {
  tl_json_arena = &r->arena;
  dispatch_in_arena(r);
  tl_json_arena = NULL;
}

static void dispatch_in_arena(http_req *r) {
  arr_err err;
  arr_err_clear(&err);
  if (r->upload_failed) {
    http_error(r, 500, "internal", "the upload could not be stored", NULL);
    return;
  }
  if (r->body_too_large) {
    http_error(r, 413, "too_large", "the request body is larger than the server accepts",
               NULL);
    http_header_add(r, "Connection", "close");
    return;
  }
  if (strcmp(r->path, "/healthz") == 0 || strncmp(r->path, "/api/", 5) == 0) {
    r->svc = thread_svc(&err);
    if (r->svc == NULL) {
      http_error_rc(r, &err);
      return;
    }
    arr_svc_refresh_clock(r->svc);
    arr_svc_set_principal(r->svc, NULL);
    http_api(r);
    return;
  }
  if (strncmp(r->path, "/optout/", 8) == 0) { /* the public email opt-out page */
    r->svc = thread_svc(&err);
    if (r->svc == NULL) {
      fprintf(stderr, "arrears serve: %s\n", err.msg);
    } else {
      arr_svc_refresh_clock(r->svc);
      arr_svc_set_principal(r->svc, NULL);
    }
    http_optout(r);
    return;
  }
  http_static(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls) {
  http_req *r = *req_cls;
  if (r == NULL) {
    r = req_new(conn, url, method);
    if (r == NULL) {
      return MHD_NO;
    }
    atomic_fetch_add(&g_inflight, 1);
    *req_cls = r;
    if (http_is_upload(method, r->path)) {
      upload_open(r);
    }
    return MHD_YES; /* headers only so far; the body (if any) comes next */
  }
  if (*upload_data_size > 0) {
    if (r->upload_fd >= 0 || r->upload_failed) {
      upload_append(r, upload_data, *upload_data_size);
    } else {
      body_append(r, upload_data, *upload_data_size);
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (r->upload_fd >= 0) {
    close(r->upload_fd); /* complete: the handler reads it by path */
    r->upload_fd = -1;
  }
  dispatch(r);
  return send_response(r);
}

static void access_log(const http_req *r, enum MHD_RequestTerminationCode why) {
  if (g_access_log == NULL) {
    return;
  }
  char at[ARR_TIME_FMT_MAX];
  arr_time_format_utc((arr_time)time(NULL), at);
  double ms = (double)(now_ns() - r->start_ns) / 1e6;
  /* Paths are printed with control characters replaced: a log line is one line. */
  char path[512];
  size_t n = 0;
  for (const char *p = r->path; *p != '\0' && n + 1 < sizeof path; p++) {
    path[n++] = (unsigned char)*p < 0x20 || *p == '"' ? '?' : *p;
  }
  path[n] = '\0';
  fprintf(g_access_log, "%s %s %s \"%s %s\" %u %zu %.1fms%s\n", at, r->remote_addr,
          r->authenticated ? r->user.username : "-", r->method, path, r->status,
          r->resp_fd_size > 0 ? (size_t)r->resp_fd_size : r->resp_len, ms,
          why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode why) {
  http_req *r = *req_cls;
  if (r == NULL) {
    return;
  }
  access_log(r, why);
  upload_remove(r);
  if (r->resp_fd >= 0) {
    close(r->resp_fd);
  }
  if (r->resp_free) {
    free(r->resp_body);
  }
  arr_arena_free(&r->arena);
  sodium_memzero(r->csrf, sizeof r->csrf);
  free(r);
  *req_cls = NULL;
  atomic_fetch_sub(&g_inflight, 1);
}

/* ---- start and stop ---- */

static arr_rc parse_listen(const char *listen, struct sockaddr_storage *ss,
                           arr_err *err) {
  char host[64];
  const char *colon = strrchr(listen, ':');
  size_t hl = colon != NULL ? (size_t)(colon - listen) : 0;
  if (colon == NULL || hl == 0 || hl >= sizeof host) {
    return arr_err_set(err, ARR_ERR_USAGE, "--listen must be ADDR:PORT, not \"%s\"",
                       listen);
  }
  memcpy(host, listen, hl);
  host[hl] = '\0';
  if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
    memmove(host, host + 1, hl - 2);
    host[hl - 2] = '\0';
  }
  int port = atoi(colon + 1);
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons((uint16_t)port);
    return ARR_OK;
  }
  if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)port);
    return ARR_OK;
  }
  return arr_err_set(err, ARR_ERR_USAGE,
                     "--listen needs a numeric address (127.0.0.1, 0.0.0.0, [::1]), "
                     "not \"%s\"",
                     host);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
  fputs("arrears serve: ", stderr);
  vfprintf(stderr, fmt, ap);
}

static arr_rc open_access_log(const arr_http_config *cfg, arr_err *err) {
  if (strcmp(cfg->access_log, "off") == 0) {
    g_access_log = NULL;
  } else if (strcmp(cfg->access_log, "-") == 0 || cfg->access_log[0] == '\0') {
    g_access_log = stderr;
  } else {
    g_access_log = fopen(cfg->access_log, "a");
    if (g_access_log == NULL) {
      return arr_err_set(err, ARR_ERR_IO, "cannot open access log %s: %s",
                         cfg->access_log, strerror(errno));
    }
    setvbuf(g_access_log, NULL, _IOLBF, 0);
  }
  return ARR_OK;
}

arr_rc arr_http_serve(const arr_http_config *cfg, arr_err *err) {
  g_cfg = cfg;
  json_set_alloc_funcs(json_alloc, json_release);
  struct sockaddr_storage ss;
  arr_rc rc = parse_listen(cfg->listen, &ss, err);
  if (rc != ARR_OK) {
    return rc;
  }
  /* Fail before listening when the database or key cannot be opened. */
  arr_svc *probe = NULL;
  arr_svc_options opt = {cfg->db_url[0] ? cfg->db_url : NULL,
                         cfg->key_file[0] ? cfg->key_file : NULL, "anonymous", false};
  rc = arr_svc_open(&opt, &probe, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_svc_close(probe);
  rc = open_access_log(cfg, err);
  if (rc != ARR_OK) {
    return rc;
  }
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL); /* inherited by the pool threads */
  signal(SIGPIPE, SIG_IGN);

  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                   MHD_USE_TURBO | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
  struct MHD_Daemon *d = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
      NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
      (unsigned)cfg->threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->connection_limit,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_LISTEN_BACKLOG_SIZE,
      (unsigned)1024, MHD_OPTION_END);
  if (d == NULL) {
    rc = arr_err_set(err, ARR_ERR_IO,
                     "cannot listen on %s (is the port in use, or the address not "
                     "this machine's?)",
                     cfg->listen);
    goto cleanup;
  }
  fprintf(stderr, "arrears serve: listening on http://%s (%d threads)\n", cfg->listen,
          cfg->threads);
  int sig = 0;
  sigwait(&sigs, &sig);
  fprintf(stderr, "arrears serve: %s received; finishing requests in flight\n",
          sig == SIGTERM ? "SIGTERM" : "SIGINT");
  MHD_socket ls = MHD_quiesce_daemon(d);
  if (ls != MHD_INVALID_SOCKET) {
    close(ls);
  }
  uint64_t deadline = now_ns() + (uint64_t)cfg->drain_s * 1000000000u;
  while (atomic_load(&g_inflight) > 0 && now_ns() < deadline) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  int left = atomic_load(&g_inflight);
  MHD_stop_daemon(d);
  fprintf(stderr, "arrears serve: stopped%s\n",
          left > 0 ? " (some requests did not finish in time)" : "");
cleanup:
  pthread_mutex_lock(&g_ctx_lock);
  for (int i = 0; i < g_ncontexts; i++) {
    arr_svc_close(g_contexts[i]);
  }
  g_ncontexts = 0;
  pthread_mutex_unlock(&g_ctx_lock);
  if (g_access_log != NULL && g_access_log != stderr) {
    fclose(g_access_log);
  }
  g_access_log = NULL;
  return rc;
}
