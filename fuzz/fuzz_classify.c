/*
 * fuzz_classify.c — libFuzzer target for core/classify.
 *
 * Properties, not just the absence of crashes: the kind is one of the six; a phrase is
 * reported exactly when the kind is not "other", it is one the kind's table holds (its
 * kind's name parses back), and it starts at the reported offset (its first letter, in
 * either case, is the byte there), inside the bytes read; the same input classifies the
 * same way twice; and the input followed by a space and more text never finds a
 * lower-ranked kind (what follows a space cannot undo a match: phrases look back only
 * at the byte before them, and a whole-word phrase may end at a space). (A prefix may
 * find more: "represent" ends a word where "representative" does not.) Any violation
 * calls abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/classify.h"

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      abort();                                                                           \
    }                                                                                    \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  arr_corr_kind k, k2, kp;
  const char *p = NULL, *p2 = NULL, *pp = NULL;
  size_t at = 0, at2 = 0, atp = 0;
  arr_classify_correspondence(text, size, &k, &p, &at);
  CHECK(arr_corr_kind_rank(k) >= 0 && arr_corr_kind_rank(k) <= 5);
  arr_corr_kind back;
  CHECK(arr_corr_kind_parse(arr_corr_kind_name(k), &back) && back == k);
  CHECK((k == ARR_CORR_OTHER) == (p == NULL));
  if (p != NULL) {
    CHECK(at < size && at < (size_t)ARR_CLASSIFY_MAX_BYTES);
    unsigned char c = data[at];
    CHECK((c | 0x20) == (unsigned char)p[0]);
  } else {
    CHECK(at == 0);
  }
  arr_classify_correspondence(text, size, &k2, &p2, &at2);
  CHECK(k2 == k && p2 == p && at2 == at);
  char *more = malloc(2 * size + 1);
  if (more == NULL) {
    return 0;
  }
  memcpy(more, data, size);
  more[size] = ' ';
  memcpy(more + size + 1, data, size);
  arr_classify_correspondence(more, 2 * size + 1, &kp, &pp, &atp);
  CHECK(arr_corr_kind_rank(kp) >= arr_corr_kind_rank(k));
  free(more);
  return 0;
}
