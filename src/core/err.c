/*
 * err.c — formatting of arr_err records. Pure: no I/O.
 */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>

arr_rc arr_err_set(arr_err *err, arr_rc rc, const char *fmt, ...) {
  if (err == NULL) {
    return rc;
  }
  err->rc = rc;
  err->field[0] = '\0';
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return rc;
}

arr_rc arr_err_field(arr_err *err, arr_rc rc, const char *field, const char *fmt, ...) {
  if (err == NULL) {
    return rc;
  }
  err->rc = rc;
  snprintf(err->field, sizeof err->field, "%s", field);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return rc;
}

void arr_err_clear(arr_err *err) {
  if (err != NULL) {
    err->rc = ARR_OK;
    err->msg[0] = '\0';
    err->field[0] = '\0';
  }
}

const char *arr_rc_name(arr_rc rc) {
  switch (rc) {
  case ARR_OK: return "ok";
  case ARR_ERR_INVALID: return "invalid";
  case ARR_ERR_NOTFOUND: return "not_found";
  case ARR_ERR_CONFLICT: return "conflict";
  case ARR_ERR_REFUSED: return "refused";
  case ARR_ERR_DB: return "database";
  case ARR_ERR_IO: return "io";
  case ARR_ERR_NOMEM: return "no_memory";
  case ARR_ERR_CRYPTO: return "crypto";
  case ARR_ERR_INTEGRITY: return "integrity";
  case ARR_ERR_USAGE: return "usage";
  case ARR_ERR_AUTH: return "unauthenticated";
  case ARR_ERR_FORBIDDEN: return "forbidden";
  case ARR_ERR_THROTTLED: return "throttled";
  }
  return "unknown";
}
