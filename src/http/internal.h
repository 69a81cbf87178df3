/*
 * internal.h — what the files of src/http share: the per-request state, response
 * helpers, and the two request handlers the server core dispatches to (the JSON API
 * and the static files of the web UI).
 */
#ifndef ARR_HTTP_INTERNAL_H
#define ARR_HTTP_INTERNAL_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "http/http.h"
#include "service/service.h"

enum { HTTP_MAX_HEADERS = 6, HTTP_MAX_PARAMS = 3 };

typedef struct {
  const char *name, *value; /* arena or static strings */
} http_header;

/* One request, from its first byte to its log line. Everything allocated for it is
 * in arena and freed when it completes. */
typedef struct {
  arr_arena arena;
  struct MHD_Connection *conn;
  const arr_http_config *cfg;
  arr_svc *svc; /* this thread's service context */
  const char *method, *path;
  char remote_addr[64];
  uint64_t start_ns;
  /* Body, accumulated up to cfg->max_body_bytes. */
  char *body;
  size_t body_len, body_cap;
  bool body_too_large;
  /* File uploads (placement and payment files) stream to a private temp directory
   * instead, up to cfg->max_upload_bytes; upload_fd < 0 when not an upload. */
  int upload_fd;
  char upload_dir[64];
  char upload_path[128];
  uint64_t upload_len;
  bool upload_failed;
  /* Who is asking (after authentication). */
  bool authenticated;
  bool cookie_auth; /* session cookie (needs CSRF) rather than an API token */
  arr_principal user;
  int64_t session_id;
  char csrf[ARR_CSRF_MAX];
  /* Path parameters matched by the router. */
  const char *params[HTTP_MAX_PARAMS];
  /* The response. */
  unsigned status;
  const char *error_message; /* the last http_error's message (arena), for the audit */
  char *resp_body;           /* arena or malloc'd (resp_free) */
  size_t resp_len;
  bool resp_free;
  const char *content_type;
  http_header headers[HTTP_MAX_HEADERS];
  int nheaders;
  int resp_fd; /* static file, or -1 */
  uint64_t resp_fd_size;
} http_req;

/* Sets a JSON response (takes ownership of body). */
void http_json(http_req *r, unsigned status, json_t *body);
/* Sets a response of other bytes (a PDF): takes ownership of data (malloc'd). */
void http_bytes(http_req *r, unsigned status, const char *content_type, char *data,
                size_t len);
/* Sets the error response {"error":{"code","message","field"}}. */
void http_error(http_req *r, unsigned status, const char *code, const char *message,
                const char *field);
/* Maps a service result code to a status and error response. */
void http_error_rc(http_req *r, const arr_err *err);
void http_header_add(http_req *r, const char *name, const char *value);

/* Compact JSON text of j (malloc'd, NUL-terminated, *len bytes), or NULL when out of
 * memory: a faster json_dumps(j, JSON_COMPACT) (see json_out.c). */
char *http_json_text(const json_t *j, size_t *len);

/* True when method/path is a file upload route (its body goes to a temp file). */
bool http_is_upload(const char *method, const char *path);

/* Dispatchers: each fills r's response. */
void http_api(http_req *r);
void http_static(http_req *r);
/* GET/POST /optout/TOKEN: the public email opt-out page (optout.c); r->svc may be
 * NULL (no database: a 500 page). */
void http_optout(http_req *r);

/* The OpenAPI document (generated from docs/openapi.json at build time). */
extern const char arr_openapi_json[];
extern const size_t arr_openapi_json_len;

#endif
