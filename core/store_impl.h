/* The store's tables, for core/ only: the sources that fill them and the access layer that
 * reads them for views. Views and the tui see the opaque types of core/store.h and read rows
 * through core/access.h (`make check-layers` refuses this header outside core/ and tests/). */
#ifndef GC_CORE_STORE_IMPL_H
#define GC_CORE_STORE_IMPL_H

#include "core/store.h"

/* An index slot: which row, and 32 bits of its uid's hash so that a probe skips the rows of
 * other uids without reading them. */
struct store_slot {
    uint32_t row;            /* index+1 into rows, 0 empty, UINT32_MAX deleted */
    uint32_t hash;
};

struct store_table {
    enum store_kind kind;
    store_row_free_fn free_row;
    const struct store_tenancy *tenancy; /* set by store_register() */
    struct store_row **rows; /* dense, unordered; index changes on delete */
    size_t count, cap;
    struct store_slot *slots; /* open addressing on uid */
    size_t nslots, used_slots;
    uint64_t gen;            /* bumped on every change */
    struct store *owner;
    /* Since the last store_commit(): the rows put (some gone again since) and the rows
     * replaced or removed, so that a view can catch up with the changes without rescanning
     * every row. The gone rows are kept alive until then (freed by free_row), so that views
     * holding pointers from their last rebuild never read freed memory. */
    struct store_row **put_log, **gone_log;
    size_t nput, capput, ngone, capgone;
};

struct store {
    struct store_table tables[STORE_KIND_COUNT];
    const struct store_tenancy *tenancies[STORE_KIND_COUNT]; /* distinct, registered */
    size_t ntenancies;
};

#endif
