/* Kubernetes tenancy: a namespace index (overrides, labels, the pattern) and each kind's
 * namespace. */
#include "core/k8s/k8s_tenancy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8s/k8s_model.h"
#include "core/store_impl.h"
#include "core/tenant_pattern.h"
#include "core/xalloc.h"

/* One namespace's tenant, in an open-addressing index keyed by the namespace name. */
struct k8s_tenancy_ns {
    const char *ns;     /* borrowed from the namespace row or an override */
    const char *tenant; /* borrowed; NULL if none */
};

struct k8s_tenancy_override {
    char *ns;
    char *tenant;
};

struct k8s_tenancy {
    struct store *store;
    struct store_tenancy ops;
    struct k8s_tenancy_override *overrides;
    size_t noverrides;
    struct tenant_pattern *pattern; /* NULL: labels and overrides only */
    /* The index, built for namespace table generation `index_gen`. */
    struct k8s_tenancy_ns *index;
    size_t nindex; /* slots, a power of two */
    uint64_t index_gen;
    uint64_t epoch; /* bumped at every build: the tenancy's generation */
    bool built;
    char conflicts[256]; /* "dst (labelled dst, mapped to dmi)": namespaces refused */
    size_t nconflicts;
    struct {
        char *tenant, *display;
    } *displays; /* [tenant NAME] display */
    size_t ndisplays;
};

static struct k8s_tenancy_ns *k8s_tenancy_slot(const struct k8s_tenancy *t, const char *ns)
{
    size_t mask = t->nindex - 1;

    for (size_t i = (size_t)store_hash(ns) & mask;; i = (i + 1) & mask) {
        if (t->index[i].ns == NULL || strcmp(t->index[i].ns, ns) == 0) {
            return &t->index[i];
        }
    }
}

static void k8s_tenancy_put(struct k8s_tenancy *t, const char *ns, const char *tenant)
{
    struct k8s_tenancy_ns *e = k8s_tenancy_slot(t, ns);

    if (e->ns == NULL) {
        e->ns = ns;
        e->tenant = tenant;
    }
}

/* A namespace labelled for one tenant and mapped to another by the configuration belongs to
 * neither: never silently reassigned. Said in the conflicts. */
static void k8s_tenancy_conflict(struct k8s_tenancy *t, struct k8s_tenancy_ns *e,
                                 const char *label)
{
    size_t o = strlen(t->conflicts);

    if (o < sizeof t->conflicts) {
        snprintf(t->conflicts + o, sizeof t->conflicts - o, "%s%s (labelled %s, mapped to %s)",
                 o > 0 ? ", " : "", e->ns, label, e->tenant != NULL ? e->tenant : "?");
    }
    t->nconflicts++;
    e->tenant = NULL;
}

/* Rebuilds the index when the namespaces changed since it was built. */
static void k8s_tenancy_index(struct k8s_tenancy *t)
{
    const struct store_table *nt = &t->store->tables[STORE_NAMESPACE];
    size_t want = 16;

    if (t->built && t->index_gen == nt->gen) {
        return;
    }
    while (want < 2 * (nt->count + t->noverrides) + 2) {
        want *= 2;
    }
    if (want != t->nindex) {
        free(t->index);
        t->index = xmalloc(want * sizeof *t->index);
        t->nindex = want;
    }
    memset(t->index, 0, t->nindex * sizeof *t->index);
    t->conflicts[0] = '\0';
    t->nconflicts = 0;
    for (size_t i = 0; i < t->noverrides; i++) {
        k8s_tenancy_put(t, t->overrides[i].ns, t->overrides[i].tenant);
    }
    for (size_t i = 0; i < nt->count; i++) {
        const struct k8s_namespace *ns = (const struct k8s_namespace *)nt->rows[i];
        struct k8s_tenancy_ns *e;

        if (ns->name == NULL) {
            continue;
        }
        e = k8s_tenancy_slot(t, ns->name);
        if (e->ns != NULL) { /* mapped by the configuration */
            if (ns->tenant != NULL && e->tenant != NULL && strcmp(ns->tenant, e->tenant) != 0) {
                k8s_tenancy_conflict(t, e, ns->tenant);
            }
            continue;
        }
        k8s_tenancy_put(t, ns->name,
                        ns->tenant != NULL ? ns->tenant
                                           : tenant_pattern_match(t->pattern, ns->name));
    }
    t->index_gen = nt->gen;
    t->epoch++;
    t->built = true;
}

const char *k8s_tenancy_ns_tenant(struct k8s_tenancy *t, const char *ns)
{
    const struct k8s_tenancy_ns *e;

    k8s_tenancy_index(t);
    if (ns == NULL) {
        return NULL;
    }
    e = k8s_tenancy_slot(t, ns);
    return e->ns != NULL ? e->tenant : NULL;
}

/* Where a row of `kind` lives: its namespace (NULL for cluster-scoped rows). Every kind
 * Kubernetes owns is named here. */
static const char *k8s_tenancy_row_ns(enum store_kind kind, const struct store_row *r)
{
    switch (kind) {
    case STORE_NAMESPACE:
        return ((const struct k8s_namespace *)r)->name;
    case STORE_POD:
        return ((const struct k8s_pod *)r)->ns;
    case STORE_DEPLOYMENT:
    case STORE_STATEFULSET:
        return ((const struct k8s_workload *)r)->ns;
    case STORE_EVENT:
        return ((const struct k8s_event *)r)->ns;
    case STORE_REPLICASET:
        return ((const struct k8s_replicaset *)r)->ns;
    case STORE_QUOTA:
        return ((const struct k8s_quota *)r)->ns;
    case STORE_POD_METRICS:
    case STORE_NODE_METRICS: /* a node's: NULL, cluster-scoped */
        return ((const struct k8s_metrics *)r)->ns;
    case STORE_NODE: /* cluster-scoped: no namespace, so no tenant */
        return NULL;
    default:
        return NULL;
    }
}

static const char *k8s_tenancy_row_tenant(void *ctx, enum store_kind kind,
                                          const struct store_row *row)
{
    return k8s_tenancy_ns_tenant(ctx, k8s_tenancy_row_ns(kind, row));
}

static uint64_t k8s_tenancy_gen(void *ctx)
{
    struct k8s_tenancy *t = ctx;

    k8s_tenancy_index(t);
    return t->epoch;
}

/* The namespaces, the tenants they belong to and the tenants' display names (the
 * namespaces' annotation, and [tenant NAME] display). */
static void k8s_tenancy_names(void *ctx, void (*fn)(const char *name, const char *tenant, void *arg),
                              void *arg)
{
    struct k8s_tenancy *t = ctx;
    const struct store_table *nt = &t->store->tables[STORE_NAMESPACE];

    k8s_tenancy_index(t);
    for (size_t i = 0; i < t->nindex; i++) {
        const struct k8s_tenancy_ns *e = &t->index[i];

        if (e->ns != NULL) {
            fn(e->ns, e->tenant, arg);
            if (e->tenant != NULL) {
                fn(e->tenant, e->tenant, arg);
            }
        }
    }
    for (size_t i = 0; i < nt->count; i++) {
        const struct k8s_namespace *ns = (const struct k8s_namespace *)nt->rows[i];

        if (ns->display != NULL && ns->name != NULL) {
            fn(ns->display, k8s_tenancy_ns_tenant(t, ns->name), arg);
        }
    }
    for (size_t i = 0; i < t->ndisplays; i++) {
        fn(t->displays[i].display, t->displays[i].tenant, arg);
    }
}

/* The tenants' display names: each labelled namespace's annotation, and [tenant NAME] display. */
static void k8s_tenancy_displays(void *ctx,
                                 void (*fn)(const char *display, const char *tenant, void *arg),
                                 void *arg)
{
    struct k8s_tenancy *t = ctx;
    const struct store_table *nt = &t->store->tables[STORE_NAMESPACE];

    k8s_tenancy_index(t);
    for (size_t i = 0; i < t->ndisplays; i++) {
        fn(t->displays[i].display, t->displays[i].tenant, arg);
    }
    for (size_t i = 0; i < nt->count; i++) {
        const struct k8s_namespace *ns = (const struct k8s_namespace *)nt->rows[i];
        const char *tenant = ns->name != NULL ? k8s_tenancy_ns_tenant(t, ns->name) : NULL;

        if (ns->display != NULL && tenant != NULL) {
            fn(ns->display, tenant, arg);
        }
    }
}

struct k8s_tenancy *k8s_tenancy_new(struct store *s)
{
    struct k8s_tenancy *t = xcalloc(1, sizeof *t);

    t->store = s;
    t->ops = (struct store_tenancy){
        .row_tenant = k8s_tenancy_row_tenant,
        .gen = k8s_tenancy_gen,
        .names = k8s_tenancy_names,
        .displays = k8s_tenancy_displays,
        .ctx = t,
    };
    return t;
}

void k8s_tenancy_free(struct k8s_tenancy *t)
{
    if (t == NULL) {
        return;
    }
    for (size_t i = 0; i < t->noverrides; i++) {
        free(t->overrides[i].ns);
        free(t->overrides[i].tenant);
    }
    free(t->overrides);
    for (size_t i = 0; i < t->ndisplays; i++) {
        free(t->displays[i].tenant);
        free(t->displays[i].display);
    }
    free(t->displays);
    tenant_pattern_free(t->pattern);
    free(t->index);
    free(t);
}

void k8s_tenancy_map_namespace(struct k8s_tenancy *t, const char *ns, const char *tenant)
{
    t->overrides = xrealloc(t->overrides, (t->noverrides + 1) * sizeof *t->overrides);
    t->overrides[t->noverrides].ns = xstrdup(ns);
    t->overrides[t->noverrides].tenant = xstrdup(tenant);
    t->noverrides++;
    t->built = false;
}

void k8s_tenancy_set_display(struct k8s_tenancy *t, const char *tenant, const char *display)
{
    t->displays = xrealloc(t->displays, (t->ndisplays + 1) * sizeof *t->displays);
    t->displays[t->ndisplays].tenant = xstrdup(tenant);
    t->displays[t->ndisplays].display = xstrdup(display);
    t->ndisplays++;
}

int k8s_tenancy_set_pattern(struct k8s_tenancy *t, const char *pattern, char **err)
{
    char *why = NULL;
    struct tenant_pattern *tp = tenant_pattern_new(pattern, &why);

    if (tp == NULL) {
        *err = xasprintf("bad tenant_pattern: %s", why);
        free(why);
        return -1;
    }
    tenant_pattern_free(t->pattern);
    t->pattern = tp;
    t->built = false;
    return 0;
}

void k8s_tenancy_register(struct k8s_tenancy *t)
{
    static const enum store_kind kinds[] = {
        STORE_NAMESPACE, STORE_POD,   STORE_DEPLOYMENT,  STORE_STATEFULSET,  STORE_EVENT,
        STORE_REPLICASET, STORE_QUOTA, STORE_POD_METRICS, STORE_NODE_METRICS, STORE_NODE,
    };

    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        store_register(t->store, kinds[i], k8s_row_free_fn(kinds[i]), &t->ops);
    }
}

const char *k8s_tenancy_conflicts(struct k8s_tenancy *t, size_t *n)
{
    k8s_tenancy_index(t);
    *n = t->nconflicts;
    return t->conflicts;
}

const struct store_tenancy *k8s_tenancy_ops(struct k8s_tenancy *t)
{
    return &t->ops;
}
