/*
 * err.h — the one result type used everywhere (arr_rc) and an error record that
 * carries a human message naming what went wrong (line, field, reason).
 *
 * Every fallible function returns arr_rc and, when it fails, fills an arr_err the
 * caller passed in. Messages are complete sentences meant for the operator; codes are
 * for programs (CLI exit codes, HTTP status mapping).
 */
#ifndef ARR_ERR_H
#define ARR_ERR_H

#include <stddef.h>

typedef enum {
  ARR_OK = 0,
  ARR_ERR_INVALID = 1,  /* bad input from the user or a file */
  ARR_ERR_NOTFOUND = 2, /* named thing does not exist */
  ARR_ERR_CONFLICT = 3, /* duplicate, already done, or state does not allow it */
  ARR_ERR_REFUSED = 4,  /* a rule forbids the operation */
  ARR_ERR_DB = 5,       /* the database failed */
  ARR_ERR_IO = 6,       /* file or OS failure */
  ARR_ERR_NOMEM = 7,
  ARR_ERR_CRYPTO = 8,     /* key missing/wrong, decrypt failed */
  ARR_ERR_INTEGRITY = 9,  /* audit or ledger verification failed */
  ARR_ERR_USAGE = 10,     /* command-line usage error */
  ARR_ERR_AUTH = 11,      /* not authenticated: no, bad or expired credentials */
  ARR_ERR_FORBIDDEN = 12, /* authenticated, but the role or scope does not allow it */
  ARR_ERR_THROTTLED = 13, /* too many attempts; try again later */
} arr_rc;

enum { ARR_ERR_MSG_MAX = 512 };

typedef struct {
  arr_rc rc;
  char msg[ARR_ERR_MSG_MAX];
  char field[48]; /* the input field at fault ("amount", "promise.on"), or "" */
} arr_err;

/* Sets err (if not NULL) to rc and a formatted message; returns rc so callers can
 * write `return arr_err_set(err, ARR_ERR_INVALID, "...")`. */
arr_rc arr_err_set(arr_err *err, arr_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* arr_err_set that also names the input field at fault (JSON errors report it). */
arr_rc arr_err_field(arr_err *err, arr_rc rc, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Clears err to ARR_OK with an empty message. */
void arr_err_clear(arr_err *err);

/* Short stable name of a code ("invalid", "not_found", ...), used in JSON errors. */
const char *arr_rc_name(arr_rc rc);

#endif
