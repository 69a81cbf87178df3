/*
 * fuzz_config.c — libFuzzer target for the server's INI config reader (inih driving
 * arr_http_config_set). Arbitrary bytes as a config file must never crash; accepted
 * settings must stay within their documented bounds, and a rejected file must name a
 * line. Any violation calls abort().
 */
#include <ini.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

typedef struct {
  arr_http_config *cfg;
  arr_err err;
  int failed;
} ctx;

static int on_key(void *user, const char *section, const char *name, const char *value) {
  ctx *c = user;
  if (arr_http_config_set(c->cfg, section, name, value, &c->err) != ARR_OK) {
    if (c->err.msg[0] == '\0') {
      abort(); /* a refusal must say why */
    }
    c->failed++;
    return 0;
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 16384) {
    return 0;
  }
  char *text = malloc(size + 1);
  if (text == NULL) {
    return 0;
  }
  memcpy(text, data, size);
  text[size] = '\0';
  arr_http_config cfg;
  arr_http_config_defaults(&cfg);
  ctx c = {&cfg, {0}, 0};
  int line = ini_parse_string(text, on_key, &c);
  if (c.failed > 0 && line <= 0) {
    abort(); /* a refused key must give its line */
  }
  if (cfg.threads < 1 || cfg.threads > 256 || cfg.timeout_s < 1 || cfg.timeout_s > 3600 ||
      cfg.max_body_bytes < 1024 || cfg.max_body_bytes > 16 * 1024 * 1024 ||
      cfg.connection_limit < 1 || cfg.drain_s < 0 || cfg.drain_s > 600 ||
      memchr(cfg.listen, '\0', sizeof cfg.listen) == NULL ||
      strchr(cfg.listen, ':') == NULL) {
    abort();
  }
  free(text);
  return 0;
}
