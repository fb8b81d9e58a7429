/* The namespaces view: every namespace in scope with the tenant it belongs to (the tenancy's
 * answer: a [tenant NAME] mapping, the label, the pattern), its phase, how many pods it has,
 * its age and labels. Enter shows its apps. */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8s/k8s_model.h"
#include "core/xalloc.h"
#include "views/view.h"

enum namespaces_col { NC_NAME, NC_TENANT, NC_STATUS, NC_PODS, NC_AGE, NC_LABELS, NC_COUNT };

static const struct view_column namespaces_columns[NC_COUNT] = {
    [NC_NAME] = {"NAME", 12, COL_GROW | COL_MIDCUT, 'N', COL_KEEP_ALWAYS},
    [NC_TENANT] = {"TENANT", 6, 0, 'E', 8},
    [NC_STATUS] = {"STATUS", 6, COL_NOTRUNC, 'S', COL_KEEP_ALWAYS},
    [NC_PODS] = {"PODS", 4, COL_RIGHT, 'P', 7},
    [NC_AGE] = {"AGE", 4, COL_RIGHT, 'A', 6},
    [NC_LABELS] = {"LABELS", 6, COL_SHRINK, 'L', 2},
};

struct ns_entry {
    const struct k8s_namespace *ns;
    const char *tenant; /* borrowed from the tenancy; NULL when it has none */
    int64_t pods;
    uint32_t rank;      /* position in the default order (by name) */
};

struct namespaces_state {
    struct ns_entry *rows;
    size_t count;
    uint64_t ns_gen, pod_gen;
    bool built;
};

static int namespaces_name_cmp(const void *pa, const void *pb)
{
    const struct ns_entry *a = pa, *b = pb;

    return strcmp(a->ns->name, b->ns->name);
}

static int namespaces_cmp_col(const struct ns_entry *a, const struct ns_entry *b, int col)
{
    switch ((enum namespaces_col)col) {
    case NC_NAME:
        return strcmp(a->ns->name, b->ns->name);
    case NC_TENANT:
        return view_str_cmp(a->tenant, b->tenant);
    case NC_STATUS:
        return view_str_cmp(a->ns->phase, b->ns->phase);
    case NC_PODS:
        return view_int_cmp(a->pods, b->pods);
    case NC_AGE: /* youngest first, as ages read */
        return view_int_cmp(b->ns->created, a->ns->created);
    case NC_LABELS:
        return view_str_cmp(a->ns->labels, b->ns->labels);
    case NC_COUNT:
        break;
    }
    return 0;
}

static int namespaces_sort_cmp(const void *pa, const void *pb, void *arg)
{
    const struct ns_entry *a = pa, *b = pb;
    const struct view *v = arg;
    int c = v->sort_col >= 0 ? namespaces_cmp_col(a, b, v->sort_col) : 0;

    if (v->sort_desc) {
        c = -c;
    }
    return c != 0 ? c : view_int_cmp(a->rank, b->rank);
}

static void namespaces_sort(struct view *v, size_t col, bool desc)
{
    struct namespaces_state *st = v->state;

    (void)col;
    (void)desc; /* v->sort_col and v->sort_desc say the same */
    if (st->count > 1) {
        qsort_r(st->rows, st->count, sizeof *st->rows, namespaces_sort_cmp, v);
    }
}

static bool namespaces_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct namespaces_state *st = v->state;

    return !st->built || st->ns_gen != store_gen(ctx->store, STORE_NAMESPACE) ||
           st->pod_gen != store_gen(ctx->store, STORE_POD);
}

/* PODS: each pod counted for its namespace's row (rows sorted by name). */
static void namespaces_count_pods(struct namespaces_state *st, struct access *acc)
{
    struct access_cursor cur;
    const struct store_row *r;

    access_rows(acc, STORE_POD, &cur);
    while (st->count > 0 && (r = access_next(&cur, NULL)) != NULL) {
        const struct k8s_pod *p = (const struct k8s_pod *)r;
        struct k8s_namespace key_ns = {.name = p->ns};
        struct ns_entry key = {.ns = &key_ns}, *e;

        if (p->ns == NULL) {
            continue;
        }
        e = bsearch(&key, st->rows, st->count, sizeof *st->rows, namespaces_name_cmp);
        if (e != NULL) {
            e->pods++;
        }
    }
}

static void namespaces_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct namespaces_state *st = v->state;
    const struct view_scope *sc = ctx->scope;
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;

    free(st->rows);
    st->rows = xcalloc(store_count(ctx->store, STORE_NAMESPACE) + 1, sizeof *st->rows);
    st->count = 0;
    access_rows(ctx->access, STORE_NAMESPACE, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        const struct k8s_namespace *ns = (const struct k8s_namespace *)r;

        if (ns->name == NULL ||
            (sc->tenant[0] != '\0' && (tenant == NULL || strcmp(tenant, sc->tenant) != 0)) ||
            (sc->ns[0] != '\0' && strcmp(ns->name, sc->ns) != 0)) {
            continue;
        }
        st->rows[st->count++] = (struct ns_entry){.ns = ns, .tenant = tenant};
    }
    qsort(st->rows, st->count, sizeof *st->rows, namespaces_name_cmp);
    namespaces_count_pods(st, ctx->access);
    for (size_t i = 0; i < st->count; i++) {
        st->rows[i].rank = (uint32_t)i;
    }
    if (v->sort_col >= 0) {
        namespaces_sort(v, (size_t)v->sort_col, v->sort_desc);
    }
    st->ns_gen = store_gen(ctx->store, STORE_NAMESPACE);
    st->pod_gen = store_gen(ctx->store, STORE_POD);
    st->built = true;
}

static size_t namespaces_count(const struct view *v)
{
    const struct namespaces_state *st = v->state;

    return st->count;
}

static enum view_tone namespaces_cell(const struct view *v, const struct view_ctx *ctx,
                                      size_t row, size_t col, char *buf, size_t size)
{
    const struct namespaces_state *st = v->state;
    const struct ns_entry *e = &st->rows[row];
    const struct k8s_namespace *ns = e->ns;

    switch ((enum namespaces_col)col) {
    case NC_NAME:
        snprintf(buf, size, "%s", ns->name);
        return TONE_NORMAL;
    case NC_TENANT:
        snprintf(buf, size, "%s", e->tenant != NULL ? e->tenant : "-");
        return e->tenant != NULL ? TONE_NORMAL : TONE_DIM;
    case NC_STATUS:
        snprintf(buf, size, "%s", ns->phase != NULL ? ns->phase : "Unknown");
        if (ns->phase != NULL && strcmp(ns->phase, "Active") == 0) {
            return TONE_OK;
        }
        return ns->phase != NULL && strcmp(ns->phase, "Terminating") == 0 ? TONE_WARN
                                                                           : TONE_UNKNOWN;
    case NC_PODS:
        snprintf(buf, size, "%lld", (long long)e->pods);
        return e->pods > 0 ? TONE_NORMAL : TONE_DIM;
    case NC_AGE:
        if (ns->created == 0) {
            snprintf(buf, size, "<unknown>");
        } else {
            k8s_fmt_age(ctx->now - ns->created, buf, size);
        }
        return TONE_NORMAL;
    case NC_LABELS:
        snprintf(buf, size, "%s", ns->labels != NULL ? ns->labels : "<none>");
        return ns->labels != NULL ? TONE_NORMAL : TONE_DIM;
    case NC_COUNT:
        break;
    }
    buf[0] = '\0';
    return TONE_NORMAL;
}

static const char *namespaces_row_key(const struct view *v, size_t row)
{
    const struct namespaces_state *st = v->state;

    return row < st->count ? st->rows[row].ns->row.uid : NULL;
}

/* The namespace's row; its tenant and pod count come from elsewhere. */
static const struct store_row *namespaces_row_source(const struct view *v, size_t row,
                                                     uint64_t *extra)
{
    const struct namespaces_state *st = v->state;
    const struct ns_entry *e = &st->rows[row];

    *extra = view_mix(view_mix_str(0, e->tenant), (uint64_t)e->pods);
    return &e->ns->row;
}

static int64_t namespaces_next_tick(const struct view *v, const struct view_ctx *ctx, size_t row)
{
    const struct namespaces_state *st = v->state;
    const struct k8s_namespace *ns = st->rows[row].ns;

    return ns->created != 0 ? k8s_age_next_change(ctx->now - ns->created) : -1;
}

/* TENANT when every namespace is one tenant's (:ns dmi). */
static bool namespaces_redundant(const struct view *v, size_t col)
{
    const struct namespaces_state *st = v->state;

    if (col != NC_TENANT || st->count == 0) {
        return false;
    }
    for (size_t i = 1; i < st->count; i++) {
        if (view_str_cmp(st->rows[i].tenant, st->rows[0].tenant) != 0) {
            return false;
        }
    }
    return true;
}

static bool namespaces_enter(const struct view *v, const struct view_scope *scope, size_t row,
                             struct view_target *out)
{
    const struct namespaces_state *st = v->state;
    const char *name;

    if (row >= st->count) {
        return false;
    }
    name = st->rows[row].ns->name;
    if (strlen(name) >= sizeof out->scope.ns) {
        return false; /* not a namespace name Kubernetes allows */
    }
    out->view = "apps";
    out->scope = *scope;
    snprintf(out->scope.ns, sizeof out->scope.ns, "%s", name);
    snprintf(out->label, sizeof out->label, "%s", name);
    return true;
}

static void namespaces_fini(struct view *v)
{
    struct namespaces_state *st = v->state;

    free(st->rows);
}

static const char *const namespaces_aliases[] = {"ns", "namespace", NULL};

const struct view_ops namespaces_view = {
    .name = "namespaces",
    .aliases = namespaces_aliases,
    .title = "namespaces",
    .columns = namespaces_columns,
    .ncolumns = NC_COUNT,
    .state_size = sizeof(struct namespaces_state),
    .source = "kubernetes",
    .fini = namespaces_fini,
    .stale = namespaces_stale,
    .rebuild = namespaces_rebuild,
    .count = namespaces_count,
    .cell = namespaces_cell,
    .row_key = namespaces_row_key,
    .row_source = namespaces_row_source,
    .next_tick = namespaces_next_tick,
    .redundant = namespaces_redundant,
    .sort = namespaces_sort,
    .enter = namespaces_enter,
};
