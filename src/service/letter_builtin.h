/*
 * letter_builtin.h — the builtin letter templates compiled into the binary (generated
 * from templates/letters/LANG/NAME.tmpl by scripts/embed-templates). These are version 0
 * of each letter: an admin's edited copy saved in the database (versions 1, 2, ...)
 * overrides the builtin of the same name and language. The format is described in
 * templates/letters/README.md and parsed by src/formats/letter_template.h.
 */
#ifndef ARR_LETTER_BUILTIN_H
#define ARR_LETTER_BUILTIN_H

#include <stddef.h>

typedef struct {
  const char *name;     /* "validation_notice": [a-z0-9_]+, from the file name */
  const char *language; /* "en", "es": from the directory name */
  const char *text;     /* the file's bytes, UTF-8, NUL terminated */
  size_t text_len;      /* bytes in text, without the NUL */
} arr_builtin_template;

/* Sorted by name, then language; ARR_BUILTIN_TEMPLATE_COUNT entries. */
extern const arr_builtin_template ARR_BUILTIN_TEMPLATES[];
extern const int ARR_BUILTIN_TEMPLATE_COUNT;

#endif
