/* A bump allocator for jansson while a worker decodes a list page.
 *
 * A 500-pod page is ~150,000 JSON values; with malloc/free per value, allocation cost more
 * than parsing. Inside jsonarena_begin()/jsonarena_end() on a thread, jansson's allocations
 * come from large chunks and its frees are no-ops; the chunks go at the end. Everything the
 * caller keeps must be copied out (xstrdup) before jsonarena_end(), and the tree must be
 * released (json_decref) before it. Other threads, and this one outside the bracket, use
 * malloc as usual. */
#ifndef GC_CORE_JSONARENA_H
#define GC_CORE_JSONARENA_H

#include <stddef.h>

struct jsonarena_chunk;

struct jsonarena {
    struct jsonarena_chunk *chunks;
    size_t bytes; /* allocated through the arena, for tests and the bench */
};

/* Routes jansson's allocations through the arena hooks. Call once, before any thread uses
 * jansson (main does, with json_object_seed). */
void jsonarena_install(void);

/* Makes `a` (zeroed by the caller) the calling thread's arena. */
void jsonarena_begin(struct jsonarena *a);
/* Stops using `a` on this thread and frees its chunks. */
void jsonarena_end(struct jsonarena *a);

#endif
