/* Per-kind row tables: a dense array plus an open-addressing index on uid. */
#include "core/store.h"

#include "core/store_impl.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define SLOT_EMPTY 0u
#define SLOT_DELETED UINT32_MAX

uint64_t store_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

void store_init(struct store *s)
{
    memset(s, 0, sizeof *s);
    for (int k = 0; k < STORE_KIND_COUNT; k++) {
        s->tables[k].kind = (enum store_kind)k;
        s->tables[k].owner = s;
    }
}

/* Appends a row to one of a table's change logs. */
static void store_log(struct store_row ***log, size_t *n, size_t *cap, struct store_row *row)
{
    if (*n == *cap) {
        *cap = *cap != 0 ? *cap * 2 : 256;
        *log = xrealloc(*log, *cap * sizeof **log);
    }
    (*log)[(*n)++] = row;
}

/* Defers freeing a row until store_commit(): the gone log keeps it. */
static void store_bury(struct store_table *t, struct store_row *row)
{
    if (t->owner == NULL) {
        t->free_row(row);
        return;
    }
    row->gone = 1;
    store_log(&t->gone_log, &t->ngone, &t->capgone, row);
}

void store_commit(struct store *s)
{
    for (int k = 0; k < STORE_KIND_COUNT; k++) {
        struct store_table *t = &s->tables[k];

        for (size_t i = 0; i < t->ngone; i++) {
            t->free_row(t->gone_log[i]);
        }
        t->nput = 0;
        t->ngone = 0;
        if (t->capput > 65536) { /* a metrics poll's worth, not kept for ever */
            free(t->put_log);
            t->put_log = NULL;
            t->capput = 0;
        }
        if (t->capgone > 65536) {
            free(t->gone_log);
            t->gone_log = NULL;
            t->capgone = 0;
        }
    }
}

void store_clear(struct store_table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        store_bury(t, t->rows[i]);
    }
    t->count = 0;
    if (t->slots != NULL) {
        memset(t->slots, 0, t->nslots * sizeof *t->slots);
    }
    t->used_slots = 0;
    t->gen++;
}

void store_fini(struct store *s)
{
    for (int k = 0; k < STORE_KIND_COUNT; k++) {
        struct store_table *t = &s->tables[k];

        if (t->free_row != NULL) {
            store_clear(t);
        }
        free(t->rows);
        free(t->slots);
    }
    store_commit(s);
    for (int k = 0; k < STORE_KIND_COUNT; k++) {
        free(s->tables[k].put_log);
        free(s->tables[k].gone_log);
    }
    memset(s, 0, sizeof *s);
}

struct store *store_new(void)
{
    struct store *s = xmalloc(sizeof *s);

    store_init(s);
    return s;
}

void store_free(struct store *s)
{
    if (s != NULL) {
        store_fini(s);
        free(s);
    }
}

int store_register(struct store *s, enum store_kind kind, store_row_free_fn free_row,
                   const struct store_tenancy *tenancy)
{
    if (free_row == NULL || tenancy == NULL || tenancy->row_tenant == NULL ||
        tenancy->gen == NULL || kind >= STORE_KIND_COUNT) {
        return -1;
    }
    s->tables[kind].free_row = free_row;
    s->tables[kind].tenancy = tenancy;
    /* The distinct tenancies, again: one registered again may replace another. */
    s->ntenancies = 0;
    for (int k = 0; k < STORE_KIND_COUNT; k++) {
        const struct store_tenancy *t = s->tables[k].tenancy;
        bool known = t == NULL;

        for (size_t i = 0; !known && i < s->ntenancies; i++) {
            known = s->tenancies[i] == t;
        }
        if (!known) {
            s->tenancies[s->ntenancies++] = t;
        }
    }
    return 0;
}

const char *store_row_tenant(const struct store *s, enum store_kind kind,
                             const struct store_row *row)
{
    const struct store_tenancy *t = s->tables[kind].tenancy;

    return t != NULL ? t->row_tenant(t->ctx, kind, row) : NULL;
}

uint64_t store_tenancy_gen(const struct store *s)
{
    uint64_t g = 0;

    for (size_t i = 0; i < s->ntenancies; i++) {
        g += s->tenancies[i]->gen(s->tenancies[i]->ctx);
    }
    return g;
}

void store_names(const struct store *s, void (*fn)(const char *name, const char *tenant, void *arg),
                 void *arg)
{
    for (size_t i = 0; i < s->ntenancies; i++) {
        const struct store_tenancy *t = s->tenancies[i];

        if (t->names != NULL) {
            t->names(t->ctx, fn, arg);
        }
    }
}

void store_displays(const struct store *s, const struct store_tenancy *except,
                    void (*fn)(const char *display, const char *tenant, void *arg), void *arg)
{
    for (size_t i = 0; i < s->ntenancies; i++) {
        const struct store_tenancy *t = s->tenancies[i];

        if (t != except && t->displays != NULL) {
            t->displays(t->ctx, fn, arg);
        }
    }
}

uint64_t store_displays_gen(const struct store *s, const struct store_tenancy *except)
{
    uint64_t g = 0;

    for (size_t i = 0; i < s->ntenancies; i++) {
        const struct store_tenancy *t = s->tenancies[i];

        if (t != except && t->displays != NULL) {
            g += t->gen(t->ctx);
        }
    }
    return g;
}

uint64_t store_gen(const struct store *s, enum store_kind kind)
{
    return s->tables[kind].gen;
}

size_t store_count(const struct store *s, enum store_kind kind)
{
    return s->tables[kind].count;
}

struct store_table *store_table(struct store *s, enum store_kind kind)
{
    return &s->tables[kind];
}

/* Slot holding uid, or the slot where it would go (first tombstone or empty); nslots > 0.
 * h is store_hash(uid). */
static size_t store_probe(const struct store_table *t, const char *uid, uint64_t h, bool *found)
{
    size_t mask = t->nslots - 1;
    size_t i = (size_t)h & mask;
    uint32_t fp = (uint32_t)(h >> 32);
    size_t first_free = SIZE_MAX;

    for (;;) {
        const struct store_slot *sl = &t->slots[i];

        if (sl->row == SLOT_EMPTY) {
            *found = false;
            return first_free != SIZE_MAX ? first_free : i;
        }
        if (sl->row == SLOT_DELETED) {
            if (first_free == SIZE_MAX) {
                first_free = i;
            }
        } else if (sl->hash == fp && strcmp(t->rows[sl->row - 1]->uid, uid) == 0) {
            *found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
}

static void store_slot_set(struct store_table *t, size_t i, size_t r, uint64_t h)
{
    t->slots[i].row = (uint32_t)(r + 1);
    t->slots[i].hash = (uint32_t)(h >> 32);
}

/* Rebuilds the index at a size that keeps the load under one half. */
static void store_rehash(struct store_table *t)
{
    size_t n = 64;

    while (n < (t->count + 1) * 2) {
        n *= 2;
    }
    free(t->slots);
    t->slots = xcalloc(n, sizeof *t->slots);
    t->nslots = n;
    t->used_slots = t->count;
    for (size_t r = 0; r < t->count; r++) {
        bool found;
        uint64_t h = store_hash(t->rows[r]->uid);
        size_t i = store_probe(t, t->rows[r]->uid, h, &found);

        store_slot_set(t, i, r, h);
    }
}

struct store_row *store_get(const struct store_table *t, const char *uid)
{
    bool found;
    size_t i;

    if (t->nslots == 0 || uid == NULL) {
        return NULL;
    }
    i = store_probe(t, uid, store_hash(uid), &found);
    return found ? t->rows[t->slots[i].row - 1] : NULL;
}

struct store_row *store_put(struct store_table *t, struct store_row *row)
{
    bool found;
    size_t i;
    uint64_t h;

    if (t->nslots == 0 || (t->used_slots + 1) * 2 > t->nslots) {
        store_rehash(t);
    }
    t->gen++;
    row->gen = t->gen;
    row->gone = 0;
    if (t->owner != NULL) {
        store_log(&t->put_log, &t->nput, &t->capput, row);
    }
    h = store_hash(row->uid);
    i = store_probe(t, row->uid, h, &found);
    if (found) {
        size_t r = t->slots[i].row - 1;

        store_bury(t, t->rows[r]);
        t->rows[r] = row;
        return row;
    }
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->rows = xrealloc(t->rows, t->cap * sizeof *t->rows);
    }
    t->rows[t->count++] = row;
    if (t->slots[i].row == SLOT_EMPTY) {
        t->used_slots++;
    }
    store_slot_set(t, i, t->count - 1, h);
    return row;
}

/* Removes the row at dense index r whose index slot is i. */
static void store_remove_at(struct store_table *t, size_t i, size_t r)
{
    size_t last = t->count - 1;

    store_bury(t, t->rows[r]);
    t->slots[i].row = SLOT_DELETED;
    if (r != last) {
        bool found;
        uint64_t h = store_hash(t->rows[last]->uid);
        size_t j = store_probe(t, t->rows[last]->uid, h, &found);

        t->rows[r] = t->rows[last];
        store_slot_set(t, j, r, h);
    }
    t->count--;
    t->gen++;
}

bool store_del(struct store_table *t, const char *uid)
{
    bool found;
    size_t i;

    if (t->nslots == 0 || uid == NULL) {
        return false;
    }
    i = store_probe(t, uid, store_hash(uid), &found);
    if (!found) {
        return false;
    }
    store_remove_at(t, i, t->slots[i].row - 1);
    return true;
}

size_t store_sweep(struct store_table *t, uint32_t mark)
{
    size_t removed = 0;
    size_t r = 0;

    while (r < t->count) {
        if (t->rows[r]->mark != mark) {
            bool found;
            size_t i = store_probe(t, t->rows[r]->uid, store_hash(t->rows[r]->uid), &found);

            store_remove_at(t, i, r);
            removed++;
        } else {
            r++;
        }
    }
    if (removed > 0 && t->used_slots > t->count * 4 + 64) {
        store_rehash(t);
    }
    return removed;
}
