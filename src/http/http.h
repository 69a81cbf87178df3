/*
 * http.h — `arrears serve`: the JSON API under /api/v1 and the workstation's static
 * files, on libmicrohttpd (a thread pool, each thread polling with epoll).
 *
 * Every setting lives in arr_http_config; an INI file (inih) fills it first and
 * command-line flags override it (each key has a flag). arr_http_serve blocks until
 * SIGTERM or SIGINT, then stops accepting, lets in-flight requests finish (up to
 * drain_s seconds), and returns.
 */
#ifndef ARR_HTTP_H
#define ARR_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

typedef struct {
  char listen[64];         /* ADDR:PORT; [server] listen */
  int threads;             /* worker threads; [server] threads */
  char static_dir[1024];   /* built web UI; [server] static_dir */
  char access_log[1024];   /* file path, "-" = stderr, "off"; [server] access_log */
  bool secure_cookies;     /* Secure on cookies (behind TLS); [server] secure_cookies */
  size_t max_body_bytes;   /* request body limit; [server] max_body_bytes */
  size_t max_upload_bytes; /* placement/payment file uploads; [server] max_upload_bytes */
  int timeout_s;           /* idle connection timeout; [server] timeout_s */
  int connection_limit;    /* open connections; [server] connection_limit */
  int drain_s;             /* shutdown wait for in-flight requests; [server] drain_s */
  char letters_dir[1024];  /* POST /api/v1/letters/runs; [server] letters_dir */
  char db_url[1024];       /* [database] url; "" = --db / ARREARS_DB / default */
  char key_file[1024];     /* [database] key_file */
} arr_http_config;

void arr_http_config_defaults(arr_http_config *cfg);
/* Reads an INI file over cfg; unknown sections or keys are errors naming the line. */
arr_rc arr_http_config_load(const char *path, arr_http_config *cfg, arr_err *err);
/* Sets one key ("listen", "threads", ...) from text; used by the file and the flags. */
arr_rc arr_http_config_set(arr_http_config *cfg, const char *section, const char *key,
                           const char *value, arr_err *err);

/* Runs the server until SIGTERM/SIGINT. */
arr_rc arr_http_serve(const arr_http_config *cfg, arr_err *err);

#endif
