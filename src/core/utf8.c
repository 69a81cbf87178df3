/*
 * utf8.c — strict UTF-8 validation for the writers that must not pass bad bytes on
 * (letter templates and their fields, email headers and bodies). The CSV reader
 * validates as it streams and keeps its own loop.
 */
#include "core/utf8.h"

/* Length of the valid UTF-8 prefix of s[0..n) (n when all of it is valid). Strict:
 * no overlong forms, no surrogates, nothing past U+10FFFF. */
size_t arr_utf8_valid_prefix(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    unsigned c = u[i];
    size_t k;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      k = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      k = 2;
      lo = c == 0xE0 ? 0xA0 : 0x80;
      hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
      k = 3;
      lo = c == 0xF0 ? 0x90 : 0x80;
      hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
      return i;
    }
    if (n - i <= k || u[i + 1] < lo || u[i + 1] > hi) {
      return i;
    }
    for (size_t j = 2; j <= k; j++) {
      if ((u[i + j] & 0xC0) != 0x80) {
        return i;
      }
    }
    i += k + 1;
  }
  return n;
}
