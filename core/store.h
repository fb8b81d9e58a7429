/* The store: typed rows per kind, keyed by uid, with a generation counter per kind.
 *
 * Only the loop thread touches the store. Sources upsert and delete rows; views read them.
 * Every row type embeds `struct store_row` as its first member. */
#ifndef GC_CORE_STORE_H
#define GC_CORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum store_kind {
    STORE_NAMESPACE,
    STORE_POD,
    STORE_DEPLOYMENT,
    STORE_STATEFULSET,
    STORE_EVENT,
    STORE_REPLICASET,
    STORE_QUOTA,
    STORE_POD_METRICS,  /* uid "ns/name" (k8s_pod_metrics_key()) */
    STORE_NODE_METRICS, /* uid = node name */
    STORE_KIND_COUNT
};

struct store_row {
    char *uid;          /* owned; the key */
    uint64_t gen;       /* table generation at which this row last changed */
    uint32_t mark;      /* list epoch that last saw this row (relist sweeps) */
    uint32_t gone;      /* set when replaced or removed: the row waits in the gone log for
                           store_commit(), so a view may still read it and learn it is gone */
};

/* Frees a row of the table's kind, including its uid and strings. */
typedef void (*store_row_free_fn)(struct store_row *row);

/* An index slot: which row, and 32 bits of its uid's hash so that a probe skips the rows of
 * other uids without reading them. */
struct store_slot {
    uint32_t row;            /* index+1 into rows, 0 empty, UINT32_MAX deleted */
    uint32_t hash;
};

struct store_table {
    enum store_kind kind;
    store_row_free_fn free_row;
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
};

/* FNV-1a of a NUL-terminated string: the hash of the uid index, for other indexes too. */
uint64_t store_hash(const char *s);

void store_init(struct store *s);
/* Frees every row. */
void store_fini(struct store *s);

/* Registers how rows of a kind are freed; call once per kind before use. */
void store_set_free(struct store *s, enum store_kind kind, store_row_free_fn fn);

struct store_table *store_table(struct store *s, enum store_kind kind);

/* Frees the rows replaced or removed since the last commit. Call once views have rebuilt
 * from the current generation (the loop does, before drawing). */
void store_commit(struct store *s);

/* Borrowed; valid until store_commit(). NULL if absent. */
struct store_row *store_get(const struct store_table *t, const char *uid);

/* Takes ownership of `row`. Replaces (and frees) any row with the same uid.
 * Sets row->gen and bumps the table generation. Returns the stored row. */
struct store_row *store_put(struct store_table *t, struct store_row *row);

/* Removes and frees the row with this uid. Returns false if absent. */
bool store_del(struct store_table *t, const char *uid);

/* Removes every row whose mark differs from `mark` (rows not seen by a relist).
 * Returns how many were removed. */
size_t store_sweep(struct store_table *t, uint32_t mark);

/* Removes every row. */
void store_clear(struct store_table *t);

#endif
