/*
 * utf8.h — strict UTF-8 validation: no overlong forms, no surrogates, nothing past
 * U+10FFFF. Pure.
 */
#ifndef ARR_UTF8_H
#define ARR_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 prefix of s[0..n) (n when all of it is valid). */
size_t arr_utf8_valid_prefix(const char *s, size_t n);

#endif
