/*
 * arena.h — a bump allocator for memory that lives exactly as long as one request or
 * one batch chunk: allocate as you go, free everything with one call, so request code
 * has no scattered free() and cannot leak on an error path.
 *
 * Blocks are malloc'd by the arena itself (the caller chose to use one; core code
 * never allocates behind a caller's back). A hard cap bounds what one arena may hold;
 * past it allocations return NULL, which request code turns into a 413 or 500.
 */
#ifndef ARR_ARENA_H
#define ARR_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct arr_arena_block arr_arena_block;

typedef struct {
  arr_arena_block *head;
  size_t used_bytes; /* sum of block sizes */
  size_t cap_bytes;  /* 0 = no cap */
} arr_arena;

void arr_arena_init(arr_arena *a, size_t cap_bytes);
/* n bytes aligned for any type, or NULL (cap reached or out of memory). */
void *arr_arena_alloc(arr_arena *a, size_t n);
/* A NUL-terminated copy of s[0..n), or NULL. */
char *arr_arena_strndup(arr_arena *a, const char *s, size_t n);
/* True when p points into one of a's blocks (O(blocks)). */
bool arr_arena_owns(const arr_arena *a, const void *p);
/* Frees every block; the arena can be used again afterwards. */
void arr_arena_free(arr_arena *a);

#endif
