/* The tenants view: one row per tenant (namespaces grouped by the tenant label), with pod
 * health counts. Enter shows that tenant's apps. */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8s_model.h"
#include "core/xalloc.h"
#include "views/view.h"

enum tenants_col { TC_NAME, TC_DISPLAY, TC_NAMESPACES, TC_APPS, TC_PODS, TC_FAILING, TC_PENDING,
                   TC_AGE, TC_COUNT };

static const struct view_column tenants_columns[TC_COUNT] = {
    [TC_NAME] = {"NAME", 6, 0, 'N'},
    [TC_DISPLAY] = {"DISPLAY NAME", 12, COL_GROW, 'D'},
    [TC_NAMESPACES] = {"NAMESPACES", 10, COL_RIGHT, 'S'},
    [TC_APPS] = {"APPS", 4, COL_RIGHT, 'K'},
    [TC_PODS] = {"PODS OK", 7, COL_RIGHT, 'P'},
    [TC_FAILING] = {"FAILING", 7, COL_RIGHT, 'F'},
    [TC_PENDING] = {"PENDING", 7, COL_RIGHT, 'W'},
    [TC_AGE] = {"AGE", 4, COL_RIGHT, 'A'},
};

struct tenant_row {
    const char *name;    /* borrowed from a namespace row */
    const char *display; /* first display-name annotation seen, or NULL */
    int namespaces;
    int apps;
    int pods, ok, failing, pending;
    int64_t created;     /* oldest namespace */
};

/* One app of a tenant: a workload's (namespace, app name), counted once. */
struct app_ref {
    const char *tenant;
    const char *ns;
    const char *app;
};

struct tenants_state {
    struct tenant_row *rows;
    size_t count;
    uint64_t pod_gen, ns_gen, deploy_gen, sts_gen;
    bool built;
};

static int tenant_name_cmp(const void *a, const void *b)
{
    return strcmp(((const struct tenant_row *)a)->name, ((const struct tenant_row *)b)->name);
}

static int app_ref_cmp(const void *pa, const void *pb)
{
    const struct app_ref *a = pa, *b = pb;
    int c = strcmp(a->tenant, b->tenant);

    if (c == 0) {
        c = strcmp(a->ns, b->ns);
    }
    return c != 0 ? c : strcmp(a->app, b->app);
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
    case TC_APPS:
        c = int_cmp(a->apps, b->apps);
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
    const struct store_table *t = ctx->store->tables;

    return !st->built || st->pod_gen != t[STORE_POD].gen || st->ns_gen != t[STORE_NAMESPACE].gen ||
           st->deploy_gen != t[STORE_DEPLOYMENT].gen || st->sts_gen != t[STORE_STATEFULSET].gen;
}

/* The row of `tenant`, or NULL when it is not one of the rows (out of the view's scope). */
static struct tenant_row *tenants_find(struct tenants_state *st, const char *tenant)
{
    struct tenant_row key = {.name = tenant};

    return tenant == NULL ? NULL
                          : bsearch(&key, st->rows, st->count, sizeof *st->rows, tenant_name_cmp);
}

/* APPS: distinct (namespace, app) pairs of the tenants' Deployments and StatefulSets. */
static void tenants_count_apps(struct tenants_state *st, const struct view_ctx *ctx)
{
    static const enum store_kind kinds[] = {STORE_DEPLOYMENT, STORE_STATEFULSET};
    const struct store_table *t = ctx->store->tables;
    struct app_ref *refs =
        xcalloc(t[STORE_DEPLOYMENT].count + t[STORE_STATEFULSET].count + 1, sizeof *refs);
    size_t n = 0;

    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        struct access_cursor cur;
        const struct store_row *r;
        const char *tenant;

        access_rows(ctx->access, kinds[k], &cur);
        while ((r = access_next(&cur, &tenant)) != NULL) {
            const struct k8s_workload *w = (const struct k8s_workload *)r;

            if (tenant != NULL && w->ns != NULL && tenants_find(st, tenant) != NULL) {
                refs[n++] = (struct app_ref){tenant, w->ns, w->app != NULL ? w->app : w->name};
            }
        }
    }
    qsort(refs, n, sizeof *refs, app_ref_cmp);
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || app_ref_cmp(&refs[i - 1], &refs[i]) != 0) {
            tenants_find(st, refs[i].tenant)->apps++;
        }
    }
    free(refs);
}

static void tenants_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct tenants_state *st = v->state;
    const struct store_table *nt = &ctx->store->tables[STORE_NAMESPACE];
    const struct store_table *pt = &ctx->store->tables[STORE_POD];
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;
    size_t n = 0;

    free(st->rows);
    st->rows = xcalloc(nt->count + 1, sizeof *st->rows);
    /* One row per distinct tenant in the session's and the view's scope. */
    access_rows(ctx->access, STORE_NAMESPACE, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        if (tenant == NULL ||
            (ctx->scope->tenant[0] != '\0' && strcmp(tenant, ctx->scope->tenant) != 0)) {
            continue;
        }
        st->rows[n++].name = tenant;
    }
    qsort(st->rows, n, sizeof *st->rows, tenant_name_cmp);
    st->count = 0;
    for (size_t i = 0; i < n; i++) {
        if (st->count == 0 || strcmp(st->rows[st->count - 1].name, st->rows[i].name) != 0) {
            st->rows[st->count++] = st->rows[i];
        }
    }
    access_rows(ctx->access, STORE_NAMESPACE, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        const struct k8s_namespace *ns = (const struct k8s_namespace *)r;
        struct tenant_row *t = tenants_find(st, tenant);

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
    }
    access_rows(ctx->access, STORE_POD, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        struct tenant_row *t = tenants_find(st, tenant);

        if (t == NULL) {
            continue;
        }
        t->pods++;
        switch (k8s_pod_health((const struct k8s_pod *)r)) {
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
    tenants_count_apps(st, ctx);
    qsort_r(st->rows, st->count, sizeof *st->rows, tenants_cmp, v);
    st->pod_gen = pt->gen;
    st->ns_gen = nt->gen;
    st->deploy_gen = ctx->store->tables[STORE_DEPLOYMENT].gen;
    st->sts_gen = ctx->store->tables[STORE_STATEFULSET].gen;
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
    case TC_APPS:
        snprintf(buf, size, "%d", t->apps);
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
