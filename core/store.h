/* The store: typed rows per kind, keyed by uid, with a generation counter per kind.
 *
 * Only the loop thread touches the store. Sources upsert and delete rows; views read them,
 * through core/access.h. Every row type embeds `struct store_row` as its first member. The
 * tables themselves are opaque outside core/ (core/store_impl.h). */
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
    STORE_NODE,         /* cluster-scoped: no tenant */
    /* nagios (issue 13): core/nagios/nagios_status.h rows */
    STORE_NAGIOS_HOST,    /* uid = host name */
    STORE_NAGIOS_SERVICE, /* uid = "host;service" */
    /* sla (issue 13): core/nagios/sla_source.h rows */
    STORE_SLA,        /* uid = "level;tenant;app;host;service": the held period's rows */
    STORE_SLA_CHANGE, /* uid = "index": the held timeline of one service */
    /* krakend (issue 15) */
    STORE_ROUTE,        /* uid "METHOD /path": a gateway endpoint (core/krakend/krakend_route.h) */
    /* ServiceNow (core/servicenow/) */
    STORE_INCIDENT,     /* uid = sys_id; tenant = company (sn_model.h) */
    STORE_CHANGE,       /* uid = sys_id; tenant = company (sn_model.h) */
    /* MapR (core/mapr/mapr_model.h) */
    STORE_MAPR_VOLUME,  /* uid = volume name */
    STORE_MAPR_STREAM,  /* uid = stream path */
    STORE_MAPR_TOPIC,   /* uid = "PATH:TOPIC" */
    STORE_MAPR_ALARM,   /* uid = "ENTITY ALARM_NAME"; a node's has no tenant */
    /* directory enrichment (issue 16): core/directory/dir_model.h rows */
    STORE_DIR_TENANT,   /* uid = the tenant's name */
    STORE_DIR_APP,      /* uid = "TENANT/APP" */
    STORE_DIR_DATASET,  /* uid = "TENANT/VOLUME" or "TENANT/STREAM PATH" */
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

/* How the rows of a kind map to a tenant, declared by the source that owns the kind
 * (core/access.c asks it for every row a session reads, and every action's object). */
struct store_tenancy {
    /* Required: the tenant of a row (borrowed until store_commit()), NULL when it has none
     * (a cluster-scoped object: visible only to a session scoped to every tenant). */
    const char *(*row_tenant)(void *ctx, enum store_kind kind, const struct store_row *row);
    /* Required: changes whenever the tenant of a row may have changed without the row
     * changing (a namespace relabelled): views built for an older value rebuild. */
    uint64_t (*gen)(void *ctx);
    /* Optional: calls fn for every name this source knows that a text could use to point
     * at a tenant's things (a namespace, a tenant, a tenant's display name), with its tenant
     * (NULL when it has none). For withholding texts that name what a session may not see. */
    void (*names)(void *ctx, void (*fn)(const char *name, const char *tenant, void *arg),
                  void *arg);
    /* Optional: calls fn for every tenant's display name this source knows ("Danish
     * Meteorological Institute" for dmi), with its tenant: other sources map their own
     * names of a tenant (ServiceNow's company) through them. */
    void (*displays)(void *ctx, void (*fn)(const char *display, const char *tenant, void *arg),
                     void *arg);
    void *ctx;
};

struct store_table;
struct store;

/* FNV-1a of a NUL-terminated string: the hash of the uid index, for other indexes too. */
uint64_t store_hash(const char *s);

/* A new, empty store (store_init() on the heap). */
struct store *store_new(void);
/* Frees every row, then the store. NULL is ignored. */
void store_free(struct store *s);

void store_init(struct store *s);
/* Frees every row. */
void store_fini(struct store *s);

/* Registers a kind: how its rows are freed and how they map to a tenant (both required;
 * `tenancy` borrowed for the store's life). Call once per kind before use. Returns -1, and
 * registers nothing, when either is missing: a kind whose rows have no declared tenant
 * could not be filtered by the access layer. */
int store_register(struct store *s, enum store_kind kind, store_row_free_fn free_row,
                   const struct store_tenancy *tenancy);

/* The tenant of a row of `kind` (its tenancy's answer; NULL for an unregistered kind). */
const char *store_row_tenant(const struct store *s, enum store_kind kind,
                             const struct store_row *row);

/* The sum of the generations of every registered tenancy: changes when any row's tenant
 * may have changed. */
uint64_t store_tenancy_gen(const struct store *s);

/* Every name every registered tenancy knows, with its tenant (see store_tenancy.names). */
void store_names(const struct store *s, void (*fn)(const char *name, const char *tenant, void *arg),
                 void *arg);

/* Every tenant display name the registered tenancies other than `except` (NULL: none) know,
 * with its tenant (see store_tenancy.displays). */
void store_displays(const struct store *s, const struct store_tenancy *except,
                    void (*fn)(const char *display, const char *tenant, void *arg), void *arg);
/* The sum of the generations of the tenancies store_displays() asks: changes when a display
 * name may have changed. */
uint64_t store_displays_gen(const struct store *s, const struct store_tenancy *except);

/* Generation and row count of a kind, for views' stale checks and sizing. */
uint64_t store_gen(const struct store *s, enum store_kind kind);
size_t store_count(const struct store *s, enum store_kind kind);

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
