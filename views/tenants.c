/* The tenants view: one row per tenant (namespaces grouped by the tenant label), with pod
 * health counts. Enter shows that tenant's apps. */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8s_model.h"
#include "core/xalloc.h"
#include "views/view.h"

enum tenants_col { TC_NAME, TC_DISPLAY, TC_NAMESPACES, TC_PODS, TC_FAILING, TC_PENDING, TC_AGE,
                   TC_COUNT };

static const struct view_column tenants_columns[TC_COUNT] = {
    [TC_NAME] = {"NAME", 6, 0, 'N'},
    [TC_DISPLAY] = {"DISPLAY NAME", 12, COL_GROW, 'D'},
    [TC_NAMESPACES] = {"NAMESPACES", 10, COL_RIGHT, 'S'},
    [TC_PODS] = {"PODS OK", 7, COL_RIGHT, 'P'},
    [TC_FAILING] = {"FAILING", 7, COL_RIGHT, 'F'},
    [TC_PENDING] = {"PENDING", 7, COL_RIGHT, 'W'},
    [TC_AGE] = {"AGE", 4, COL_RIGHT, 'A'},
};

struct tenant_row {
    const char *name;    /* borrowed from a namespace row */
    const char *display; /* first display-name annotation seen, or NULL */
    const char *first_ns;
    int namespaces;
    int pods, ok, failing, pending;
    int64_t created;     /* oldest namespace */
};

struct ns_ref {
    const char *ns;
    size_t tenant; /* index into rows */
};

struct tenants_state {
    struct tenant_row *rows;
    size_t count;
    uint64_t pod_gen, ns_gen;
    bool built;
};

static int tenant_name_cmp(const void *a, const void *b)
{
    return strcmp(((const struct tenant_row *)a)->name, ((const struct tenant_row *)b)->name);
}

static int ns_ref_cmp(const void *a, const void *b)
{
    return strcmp(((const struct ns_ref *)a)->ns, ((const struct ns_ref *)b)->ns);
}

static int int_cmp(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static int tenants_cmp(const void *pa, const void *pb, void *arg)
{
    const struct tenant_row *a = pa, *b = pb;
    const struct view *v = arg;
    int c = 0;

    switch ((enum tenants_col)v->sort_col) {
    case TC_DISPLAY:
        c = strcmp(a->display ? a->display : "", b->display ? b->display : "");
        break;
    case TC_NAMESPACES:
        c = int_cmp(a->namespaces, b->namespaces);
        break;
    case TC_PODS:
        c = int_cmp(a->ok, b->ok);
        break;
    case TC_FAILING:
        c = int_cmp(a->failing, b->failing);
        break;
    case TC_PENDING:
        c = int_cmp(a->pending, b->pending);
        break;
    case TC_AGE:
        c = int_cmp(b->created, a->created);
        break;
    case TC_NAME:
    case TC_COUNT:
        break;
    }
    if (v->sort_desc) {
        c = -c;
    }
    if (c == 0) {
        c = strcmp(a->name, b->name);
        if (v->sort_desc && v->sort_col == TC_NAME) {
            c = -c;
        }
    }
    return c;
}

static bool tenants_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct tenants_state *st = v->state;

    return !st->built || st->pod_gen != ctx->store->tables[STORE_POD].gen ||
           st->ns_gen != ctx->store->tables[STORE_NAMESPACE].gen;
}

static void tenants_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct tenants_state *st = v->state;
    const struct store_table *nt = &ctx->store->tables[STORE_NAMESPACE];
    const struct store_table *pt = &ctx->store->tables[STORE_POD];
    struct ns_ref *refs = xcalloc(nt->count + 1, sizeof *refs);
    size_t nrefs = 0, n = 0;

    free(st->rows);
    st->rows = xcalloc(nt->count + 1, sizeof *st->rows);
    /* One row per distinct tenant label in scope. */
    for (size_t i = 0; i < nt->count; i++) {
        const struct k8s_namespace *ns = (const struct k8s_namespace *)nt->rows[i];

        if (ns->tenant == NULL ||
            (ctx->scope->tenant[0] != '\0' && strcmp(ns->tenant, ctx->scope->tenant) != 0)) {
            continue;
        }
        st->rows[n].name = ns->tenant;
        n++;
    }
    qsort(st->rows, n, sizeof *st->rows, tenant_name_cmp);
    st->count = 0;
    for (size_t i = 0; i < n; i++) {
        if (st->count == 0 || strcmp(st->rows[st->count - 1].name, st->rows[i].name) != 0) {
            st->rows[st->count++] = st->rows[i];
        }
    }
    for (size_t i = 0; i < nt->count; i++) {
        const struct k8s_namespace *ns = (const struct k8s_namespace *)nt->rows[i];
        struct tenant_row key = {.name = ns->tenant};
        struct tenant_row *t;

        if (ns->tenant == NULL) {
            continue;
        }
        t = bsearch(&key, st->rows, st->count, sizeof *st->rows, tenant_name_cmp);
        if (t == NULL) {
            continue;
        }
        t->namespaces++;
        if (t->display == NULL && ns->display != NULL) {
            t->display = ns->display;
        }
        if (t->created == 0 || (ns->created != 0 && ns->created < t->created)) {
            t->created = ns->created;
        }
        refs[nrefs].ns = ns->name;
        refs[nrefs].tenant = (size_t)(t - st->rows);
        nrefs++;
    }
    qsort(refs, nrefs, sizeof *refs, ns_ref_cmp);
    for (size_t i = 0; i < pt->count; i++) {
        const struct k8s_pod *p = (const struct k8s_pod *)pt->rows[i];
        struct ns_ref key = {p->ns, 0};
        const struct ns_ref *r = bsearch(&key, refs, nrefs, sizeof *refs, ns_ref_cmp);
        struct tenant_row *t;

        if (r == NULL) {
            continue;
        }
        t = &st->rows[r->tenant];
        t->pods++;
        switch (k8s_pod_health(p)) {
        case K8S_POD_OK:
        case K8S_POD_DONE:
            t->ok++;
            break;
        case K8S_POD_FAILING:
            t->failing++;
            break;
        case K8S_POD_PENDING:
            t->pending++;
            break;
        case K8S_POD_WARN:
        case K8S_POD_UNKNOWN:
            break;
        }
    }
    free(refs);
    qsort_r(st->rows, st->count, sizeof *st->rows, tenants_cmp, v);
    st->pod_gen = pt->gen;
    st->ns_gen = nt->gen;
    st->built = true;
}

static void tenants_sort(struct view *v, size_t col, bool desc)
{
    struct tenants_state *st = v->state;

    (void)col;
    (void)desc;
    if (st->rows == NULL) {
        return;
    }
    qsort_r(st->rows, st->count, sizeof *st->rows, tenants_cmp, v);
}

static size_t tenants_count(const struct view *v)
{
    const struct tenants_state *st = v->state;

    return st->count;
}

static enum view_tone tenants_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                   size_t col, char *buf, size_t size)
{
    const struct tenants_state *st = v->state;
    const struct tenant_row *t = &st->rows[row];

    switch ((enum tenants_col)col) {
    case TC_NAME:
        snprintf(buf, size, "%s", t->name);
        return TONE_NORMAL;
    case TC_DISPLAY:
        snprintf(buf, size, "%s", t->display ? t->display : "");
        return TONE_NORMAL;
    case TC_NAMESPACES:
        snprintf(buf, size, "%d", t->namespaces);
        return TONE_NORMAL;
    case TC_PODS:
        snprintf(buf, size, "%d/%d", t->ok, t->pods);
        return t->ok == t->pods ? TONE_OK : TONE_WARN;
    case TC_FAILING:
        snprintf(buf, size, "%d", t->failing);
        return t->failing > 0 ? TONE_CRIT : TONE_DIM;
    case TC_PENDING:
        snprintf(buf, size, "%d", t->pending);
        return t->pending > 0 ? TONE_PENDING : TONE_DIM;
    case TC_AGE:
        if (t->created == 0) {
            snprintf(buf, size, "<unknown>");
        } else {
            k8s_fmt_age(ctx->now - t->created, buf, size);
        }
        return TONE_NORMAL;
    case TC_COUNT:
        break;
    }
    buf[0] = '\0';
    return TONE_NORMAL;
}

static const char *tenants_row_key(const struct view *v, size_t row)
{
    const struct tenants_state *st = v->state;

    return row < st->count ? st->rows[row].name : NULL;
}

static bool tenants_enter(const struct view *v, const struct view_scope *scope, size_t row,
                          struct view_target *out)
{
    const struct tenants_state *st = v->state;

    if (row >= st->count) {
        return false;
    }
    out->view = "apps";
    out->scope = *scope;
    snprintf(out->scope.tenant, sizeof out->scope.tenant, "%s", st->rows[row].name);
    snprintf(out->label, sizeof out->label, "%s", st->rows[row].name);
    return true;
}

static void tenants_fini(struct view *v)
{
    struct tenants_state *st = v->state;

    free(st->rows);
}

static const char *const tenants_aliases[] = {"tenant", "te", NULL};

const struct view_ops tenants_view = {
    .name = "tenants",
    .aliases = tenants_aliases,
    .title = "tenants",
    .columns = tenants_columns,
    .ncolumns = TC_COUNT,
    .state_size = sizeof(struct tenants_state),
    .fini = tenants_fini,
    .stale = tenants_stale,
    .rebuild = tenants_rebuild,
    .count = tenants_count,
    .cell = tenants_cell,
    .row_key = tenants_row_key,
    .sort = tenants_sort,
    .enter = tenants_enter,
};
