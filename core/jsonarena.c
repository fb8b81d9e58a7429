/* Thread-local bump arenas behind jansson's allocation hooks. */
#include "core/jsonarena.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/xalloc.h"

#define JSONARENA_CHUNK ((size_t)1 << 20)

struct jsonarena_chunk {
    struct jsonarena_chunk *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

static _Thread_local struct jsonarena *current;

/* Is p inside one of the arena's chunks? */
static int jsonarena_owns(const struct jsonarena *a, const void *p)
{
    for (const struct jsonarena_chunk *c = a->chunks; c != NULL; c = c->next) {
        if ((const unsigned char *)p >= c->data && (const unsigned char *)p < c->data + c->size) {
            return 1;
        }
    }
    return 0;
}

static void *jsonarena_malloc(size_t size)
{
    struct jsonarena *a = current;
    struct jsonarena_chunk *c;
    size_t need = (size + 15) & ~(size_t)15;

    if (a == NULL) {
        return malloc(size);
    }
    c = a->chunks;
    if (c == NULL || c->size - c->used < need) {
        size_t cs = need > JSONARENA_CHUNK / 4 ? need : JSONARENA_CHUNK;

        c = xmalloc(sizeof *c + cs);
        c->size = cs;
        c->used = 0;
        if (need > JSONARENA_CHUNK / 4 && a->chunks != NULL) {
            /* A big block gets its own chunk behind the current one, which stays in use. */
            c->next = a->chunks->next;
            a->chunks->next = c;
            c->used = need;
            a->bytes += need;
            return c->data;
        }
        c->next = a->chunks;
        a->chunks = c;
    }
    c->used += need;
    a->bytes += need;
    return c->data + c->used - need;
}

static void jsonarena_free(void *p)
{
    struct jsonarena *a = current;

    if (p != NULL && (a == NULL || !jsonarena_owns(a, p))) {
        free(p);
    }
}

void jsonarena_install(void)
{
    json_set_alloc_funcs(jsonarena_malloc, jsonarena_free);
}

void jsonarena_begin(struct jsonarena *a)
{
    current = a;
}

void jsonarena_end(struct jsonarena *a)
{
    struct jsonarena_chunk *c, *next;

    if (current == a) {
        current = NULL;
    }
    for (c = a->chunks; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    a->chunks = NULL;
}
