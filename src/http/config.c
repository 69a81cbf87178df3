/*
 * config.c — the server's settings: defaults, the INI file (inih) and the one setter
 * both the file and the command-line flags go through, so every key has a flag and
 * the same validation.
 */
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

void arr_http_config_defaults(arr_http_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  snprintf(cfg->listen, sizeof cfg->listen, "127.0.0.1:8080");
  cfg->threads = 4;
  snprintf(cfg->static_dir, sizeof cfg->static_dir, "web/dist");
  snprintf(cfg->letters_dir, sizeof cfg->letters_dir, "letters");
  snprintf(cfg->access_log, sizeof cfg->access_log, "-");
  cfg->max_body_bytes = 64 * 1024;
  cfg->max_upload_bytes = 256 * 1024 * 1024;
  cfg->timeout_s = 30;
  cfg->connection_limit = 1024;
  cfg->drain_s = 10;
}

static arr_rc set_int(int *out, const char *key, const char *value, long lo, long hi,
                      arr_err *err) {
  char *end = NULL;
  long v = strtol(value, &end, 10);
  if (value[0] == '\0' || *end != '\0' || v < lo || v > hi) {
    return arr_err_set(err, ARR_ERR_INVALID, "%s must be a whole number from %ld to %ld",
                       key, lo, hi);
  }
  *out = (int)v;
  return ARR_OK;
}

static arr_rc set_str(char *out, size_t cap, const char *key, const char *value,
                      arr_err *err) {
  if (strlen(value) >= cap) {
    return arr_err_set(err, ARR_ERR_INVALID, "%s is longer than %zu bytes", key, cap - 1);
  }
  snprintf(out, cap, "%s", value);
  return ARR_OK;
}

arr_rc arr_http_config_set(arr_http_config *cfg, const char *section, const char *key,
                           const char *value, arr_err *err) {
  if (strcmp(section, "database") == 0) {
    if (strcmp(key, "url") == 0) {
      return set_str(cfg->db_url, sizeof cfg->db_url, key, value, err);
    }
    if (strcmp(key, "key_file") == 0) {
      return set_str(cfg->key_file, sizeof cfg->key_file, key, value, err);
    }
    return arr_err_set(err, ARR_ERR_INVALID, "unknown key [database] %s", key);
  }
  if (strcmp(section, "server") != 0) {
    return arr_err_set(err, ARR_ERR_INVALID,
                       "unknown section [%s] (sections: server, database)", section);
  }
  if (strcmp(key, "listen") == 0) {
    const char *colon = strrchr(value, ':');
    int port = 0;
    if (colon == NULL || colon == value ||
        set_int(&port, "the port in listen", colon + 1, 0, 65535, err) != ARR_OK) {
      return arr_err_set(err, ARR_ERR_INVALID, "listen must be ADDR:PORT, not \"%s\"",
                         value);
    }
    return set_str(cfg->listen, sizeof cfg->listen, key, value, err);
  }
  if (strcmp(key, "threads") == 0) {
    return set_int(&cfg->threads, key, value, 1, 256, err);
  }
  if (strcmp(key, "static_dir") == 0) {
    return set_str(cfg->static_dir, sizeof cfg->static_dir, key, value, err);
  }
  if (strcmp(key, "letters_dir") == 0) {
    return set_str(cfg->letters_dir, sizeof cfg->letters_dir, key, value, err);
  }
  if (strcmp(key, "access_log") == 0) {
    return set_str(cfg->access_log, sizeof cfg->access_log, key, value, err);
  }
  if (strcmp(key, "secure_cookies") == 0) {
    bool on = strcmp(value, "true") == 0 || strcmp(value, "1") == 0 ||
              strcmp(value, "yes") == 0;
    bool off = strcmp(value, "false") == 0 || strcmp(value, "0") == 0 ||
               strcmp(value, "no") == 0;
    if (!on && !off) {
      return arr_err_set(err, ARR_ERR_INVALID, "secure_cookies must be true or false");
    }
    cfg->secure_cookies = on;
    return ARR_OK;
  }
  if (strcmp(key, "max_body_bytes") == 0) {
    int v = 0;
    arr_rc rc = set_int(&v, key, value, 1024, 16 * 1024 * 1024, err);
    cfg->max_body_bytes = rc == ARR_OK ? (size_t)v : cfg->max_body_bytes;
    return rc;
  }
  if (strcmp(key, "max_upload_bytes") == 0) {
    int v = 0;
    arr_rc rc = set_int(&v, key, value, 1024, 2047 * 1024 * 1024, err);
    cfg->max_upload_bytes = rc == ARR_OK ? (size_t)v : cfg->max_upload_bytes;
    return rc;
  }
  if (strcmp(key, "timeout_s") == 0) {
    return set_int(&cfg->timeout_s, key, value, 1, 3600, err);
  }
  if (strcmp(key, "connection_limit") == 0) {
    return set_int(&cfg->connection_limit, key, value, 1, 65536, err);
  }
  if (strcmp(key, "drain_s") == 0) {
    return set_int(&cfg->drain_s, key, value, 0, 600, err);
  }
  return arr_err_set(err, ARR_ERR_INVALID, "unknown key [server] %s", key);
}

typedef struct {
  arr_http_config *cfg;
  arr_err *err;
  bool failed;
} ini_ctx;

static int on_ini(void *user, const char *section, const char *name, const char *value
#if INI_HANDLER_LINENO
                  ,
                  int lineno
#endif
) {
  ini_ctx *c = user;
  if (c->failed) {
    return 0;
  }
  if (arr_http_config_set(c->cfg, section, name, value, c->err) != ARR_OK) {
    c->failed = true;
    return 0;
  }
  return 1;
}

arr_rc arr_http_config_load(const char *path, arr_http_config *cfg, arr_err *err) {
  ini_ctx c = {cfg, err, false};
  int line = ini_parse(path, on_ini, &c);
  if (line == -1) {
    return arr_err_set(err, ARR_ERR_IO, "cannot open config file %s", path);
  }
  if (line == -2) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory reading %s", path);
  }
  if (line > 0) {
    if (c.failed) {
      char why[ARR_ERR_MSG_MAX];
      snprintf(why, sizeof why, "%s", err->msg);
      return arr_err_set(err, ARR_ERR_INVALID, "%s line %d: %s", path, line, why);
    }
    return arr_err_set(err, ARR_ERR_INVALID, "%s line %d: not a key = value line", path,
                       line);
  }
  return ARR_OK;
}
