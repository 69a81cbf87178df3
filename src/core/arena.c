/*
 * arena.c — bump allocation in chained blocks (see arena.h). A request that needs
 * more than a block gets a block of its own size, so large bodies cost one malloc.
 */
#include "core/arena.h"

#include <assert.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK_BYTES = 16 * 1024 };

struct arr_arena_block {
  arr_arena_block *next;
  size_t size, used;
  alignas(max_align_t) unsigned char data[];
};

void arr_arena_init(arr_arena *a, size_t cap_bytes) {
  a->head = NULL;
  a->used_bytes = 0;
  a->cap_bytes = cap_bytes;
}

void *arr_arena_alloc(arr_arena *a, size_t n) {
  const size_t align = alignof(max_align_t);
  if (n > SIZE_MAX / 2) {
    return NULL;
  }
  n = (n + align - 1) & ~(align - 1);
  arr_arena_block *b = a->head;
  if (b == NULL || b->size - b->used < n) {
    size_t size = n > BLOCK_BYTES ? n : BLOCK_BYTES;
    if (a->cap_bytes != 0 && a->used_bytes + size > a->cap_bytes) {
      return NULL;
    }
    b = malloc(sizeof *b + size);
    if (b == NULL) {
      return NULL;
    }
    b->size = size;
    b->used = 0;
    b->next = a->head;
    a->head = b;
    a->used_bytes += size;
  }
  void *p = b->data + b->used;
  b->used += n;
  assert(b->used <= b->size);
  return p;
}

char *arr_arena_strndup(arr_arena *a, const char *s, size_t n) {
  char *p = arr_arena_alloc(a, n + 1);
  if (p != NULL) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

bool arr_arena_owns(const arr_arena *a, const void *p) {
  const unsigned char *q = p;
  for (const arr_arena_block *b = a->head; b != NULL; b = b->next) {
    /* Compared as integers: p may belong to no block at all. */
    if ((uintptr_t)q >= (uintptr_t)b->data &&
        (uintptr_t)q < (uintptr_t)(b->data + b->size)) {
      return true;
    }
  }
  return false;
}

void arr_arena_free(arr_arena *a) {
  arr_arena_block *b = a->head;
  while (b != NULL) {
    arr_arena_block *next = b->next;
    free(b);
    b = next;
  }
  a->head = NULL;
  a->used_bytes = 0;
}
