/*
 * test_arena.c — the request arena: alignment, growth past a block, the cap, strndup,
 * and reuse after free (ASan in `make test` catches any overrun or leak).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"

static void test_alloc_and_free(void **state) {
  (void)state;
  arr_arena a;
  arr_arena_init(&a, 0);
  for (int i = 1; i < 2000; i++) {
    unsigned char *p = arr_arena_alloc(&a, (size_t)(i % 97) + 1);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
    memset(p, 0xab, (size_t)(i % 97) + 1);
  }
  void *big = arr_arena_alloc(&a, 100000); /* larger than a block: a block of its own */
  assert_non_null(big);
  memset(big, 1, 100000);
  char *s = arr_arena_strndup(&a, "hello world", 5);
  assert_string_equal(s, "hello");
  arr_arena_free(&a);
  assert_null(a.head);
  assert_int_equal(a.used_bytes, 0);
  assert_non_null(arr_arena_alloc(&a, 10)); /* usable again */
  arr_arena_free(&a);
}

static void test_cap(void **state) {
  (void)state;
  arr_arena a;
  arr_arena_init(&a, 64 * 1024);
  assert_non_null(arr_arena_alloc(&a, 40000));
  assert_null(arr_arena_alloc(&a, 40000)); /* would pass the cap */
  assert_non_null(arr_arena_alloc(&a, 1000));
  assert_null(arr_arena_alloc(&a, SIZE_MAX));
  arr_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_alloc_and_free),
      cmocka_unit_test(test_cap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
