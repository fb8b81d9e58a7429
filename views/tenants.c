/* The tenants view: one row per tenant (namespaces grouped by the tenant label), with pod
 * health counts, the ResourceQuotas' requests against their limit (as `kubectl get quota`
 * prints them) and, beside them, CPU and memory used (metrics.k8s.io); CPU in cores and
 * memory in GiB, one unit a column. Enter shows that tenant's apps. */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonw.h"
#include "core/k8s/k8s_model.h"
#include "core/sources.h"
#include "core/krakend/krakend_route.h"
#include "core/xalloc.h"
#include "views/datasets.h" /* MapR */
#include "core/directory/dir_model.h" /* directory (issue 16) */
#include "views/view.h"

enum tenants_col { TC_NAME, TC_DISPLAY, TC_NAMESPACES, TC_APPS, TC_PODS, TC_FAILING, TC_PENDING,
                   TC_CPU, TC_CPU_USED, TC_MEM, TC_MEM_USED, TC_AGE,
                   TC_ROUTES, /* krakend (issue 15) */
                   TC_DATASETS, /* MapR */
                   TC_RESPONSIBLE, TC_CONTACT, /* directory (issue 16) */
                   TC_COUNT };

static const struct view_column tenants_columns[TC_COUNT] = {
    [TC_NAME] = {"NAME", 6, 0, 'N', COL_KEEP_ALWAYS},
    [TC_DISPLAY] = {"DISPLAY NAME", 12, COL_GROW, 'D', 5},
    [TC_NAMESPACES] = {"NAMESPACES", 10, COL_RIGHT, 'S', 3},
    [TC_APPS] = {"APPS", 4, COL_RIGHT, 'K', 7},
    [TC_PODS] = {"PODS OK", 7, COL_RIGHT, 'P', COL_KEEP_ALWAYS},
    [TC_FAILING] = {"FAILING", 7, COL_RIGHT, 'F', 8},
    [TC_PENDING] = {"PENDING", 7, COL_RIGHT, 'W', 7},
    [TC_CPU] = {"CPU QUOTA", 9, COL_RIGHT, 'C', 6},
    [TC_CPU_USED] = {"CPU USED", 8, COL_RIGHT, 'U', 5},
    [TC_MEM] = {"GiB QUOTA", 9, COL_RIGHT, 'M', 6},
    [TC_MEM_USED] = {"GiB USED", 8, COL_RIGHT, 'B', 5},
    [TC_AGE] = {"AGE", 4, COL_RIGHT, 'A', 2},
    [TC_ROUTES] = {"ROUTES", 6, COL_RIGHT, 'R', 4}, /* krakend (issue 15) */
    [TC_DATASETS] = {"DATASETS", 8, COL_RIGHT, 'T', 6}, /* MapR */
    /* directory (issue 16): free text, cut first; CONTACT is the first column to go */
    [TC_RESPONSIBLE] = {"RESPONSIBLE", 11, COL_SHRINK, 'O', 3},
    [TC_CONTACT] = {"CONTACT", 7, COL_SHRINK, 'H', 1},
};

struct tenant_row {
    const char *name;    /* borrowed from a namespace row */
    const char *display; /* first display-name annotation seen, or NULL */
    int namespaces;
    int apps;
    int pods, ok, failing, pending;
    int64_t cpu_used;    /* millicores summed over the pods' metrics; -1 without any */
    int64_t mem_used;    /* bytes; -1 without any */
    int64_t cpu_hard;    /* the quotas' CPU summed over the namespaces; -1 without any */
    int64_t mem_hard;
    int64_t cpu_req;     /* what the quotas count as used (requests), summed; -1 without any */
    int64_t mem_req;
    int64_t created;     /* oldest namespace */
    int routes, routes_failing; /* krakend (issue 15): the gateway's routes, those failing */
    int datasets;        /* MapR volumes and streams */
    int datasets_bad;    /* of them, overdue or failing */
    const char *responsible, *contact; /* directory (issue 16): borrowed, NULL when none */
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
    uint64_t pod_gen, ns_gen, deploy_gen, sts_gen, metrics_gen, quota_gen;
    uint64_t route_gen; /* krakend (issue 15) */
    uint64_t dataset_gen; /* MapR: volumes + streams */
    int64_t dataset_due;  /* MapR: when a dataset turns overdue by time alone; 0 none */
    bool has_routes, has_datasets; /* their sources run: else those cells stay empty */
    uint64_t dir_gen;              /* directory (issue 16): STORE_DIR_TENANT */
    bool has_directory;            /* its source runs: else RESPONSIBLE and CONTACT are empty */
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

/* Usage as a share of quota in per mille, for sorting and tones: -1 when either is unknown. */
static int64_t tenants_permille(int64_t used, int64_t hard)
{
    if (used < 0 || hard <= 0) {
        return -1;
    }
    return used * 1000 / hard;
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
    case TC_CPU: /* by share of quota, then by requests */
        c = int_cmp(tenants_permille(a->cpu_req, a->cpu_hard),
                    tenants_permille(b->cpu_req, b->cpu_hard));
        if (c == 0) {
            c = int_cmp(a->cpu_req, b->cpu_req);
        }
        break;
    case TC_CPU_USED:
        c = int_cmp(a->cpu_used, b->cpu_used);
        break;
    case TC_MEM:
        c = int_cmp(tenants_permille(a->mem_req, a->mem_hard),
                    tenants_permille(b->mem_req, b->mem_hard));
        if (c == 0) {
            c = int_cmp(a->mem_req, b->mem_req);
        }
        break;
    case TC_MEM_USED:
        c = int_cmp(a->mem_used, b->mem_used);
        break;
    case TC_AGE:
        c = int_cmp(b->created, a->created);
        break;
    case TC_ROUTES: /* krakend (issue 15): failing ones first when descending */
        c = int_cmp(a->routes_failing, b->routes_failing);
        if (c == 0) {
            c = int_cmp(a->routes, b->routes);
        }
        break;
    case TC_DATASETS: /* the ones with a dataset in trouble first, when descending */
        c = int_cmp(a->datasets_bad, b->datasets_bad);
        if (c == 0) {
            c = int_cmp(a->datasets, b->datasets);
        }
        break;
    case TC_RESPONSIBLE: /* directory (issue 16) */
        c = strcmp(a->responsible ? a->responsible : "", b->responsible ? b->responsible : "");
        break;
    case TC_CONTACT:
        c = strcmp(a->contact ? a->contact : "", b->contact ? b->contact : "");
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

/* ---- MapR: DATASETS ---- */

static uint64_t tenants_dataset_gen(const struct view_ctx *ctx)
{
    return store_gen(ctx->store, STORE_MAPR_VOLUME) + store_gen(ctx->store, STORE_MAPR_STREAM);
}

static struct tenant_row *tenants_find(struct tenants_state *st, const char *tenant);

/* Each tenant's volumes and streams, and how many of them are overdue or failing. */
static void tenants_count_datasets(struct tenants_state *st, const struct view_ctx *ctx)
{
    static const enum store_kind kinds[] = {STORE_MAPR_VOLUME, STORE_MAPR_STREAM};

    st->dataset_due = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        struct access_cursor cur;
        const struct store_row *r;
        const char *tenant;

        access_rows(ctx->access, kinds[k], &cur);
        while ((r = access_next(&cur, &tenant)) != NULL) {
            struct tenant_row *t = tenants_find(st, tenant);

            if (t == NULL) {
                continue;
            }
            int64_t due = datasets_overdue_at(kinds[k], r, ctx->now);

            if (due > 0 && (st->dataset_due == 0 || due < st->dataset_due)) {
                st->dataset_due = due;
            }
            t->datasets++;
            if (datasets_failing(kinds[k], r) ||
                datasets_verdict(kinds[k], r, ctx->now) == MAPR_FRESH_OVERDUE) {
                t->datasets_bad++;
            }
        }
    }
}

/* The DATASETS mark changes with time alone when a dataset turns overdue: a tick then. */
static int64_t tenants_next_tick(const struct view *v, const struct view_ctx *ctx, size_t row)
{
    const struct tenants_state *st = v->state;

    (void)row;
    return st->dataset_due > 0 ? (st->dataset_due > ctx->now ? st->dataset_due - ctx->now : 1)
                               : -1;
}

static bool tenants_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct tenants_state *st = v->state;

    return !st->built || st->pod_gen != store_gen(ctx->store, STORE_POD) || st->ns_gen != store_gen(ctx->store, STORE_NAMESPACE) ||
           st->deploy_gen != store_gen(ctx->store, STORE_DEPLOYMENT) || st->sts_gen != store_gen(ctx->store, STORE_STATEFULSET) ||
           st->metrics_gen != store_gen(ctx->store, STORE_POD_METRICS) || st->quota_gen != store_gen(ctx->store, STORE_QUOTA) ||
           st->route_gen != store_gen(ctx->store, STORE_ROUTE) || /* krakend (issue 15) */
           st->dataset_gen != tenants_dataset_gen(ctx) ||
           st->dir_gen != store_gen(ctx->store, STORE_DIR_TENANT) || /* directory (issue 16) */
           (st->dataset_due > 0 && ctx->now >= st->dataset_due);
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
    struct app_ref *refs =
        xcalloc(store_count(ctx->store, STORE_DEPLOYMENT) + store_count(ctx->store, STORE_STATEFULSET) + 1, sizeof *refs);
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

/* Adds `v` (>= 0) to a sum that is -1 until its first term. */
static void tenants_add(int64_t *sum, int64_t v)
{
    if (v >= 0) {
        *sum = *sum < 0 ? v : *sum + v;
    }
}

/* CPU and memory: the pods' usage and the namespaces' quotas, summed per tenant. */
static void tenants_sum_usage(struct tenants_state *st, const struct view_ctx *ctx)
{
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;

    for (size_t i = 0; i < st->count; i++) {
        st->rows[i].cpu_used = st->rows[i].mem_used = -1;
        st->rows[i].cpu_hard = st->rows[i].mem_hard = -1;
        st->rows[i].cpu_req = st->rows[i].mem_req = -1;
    }
    access_rows(ctx->access, STORE_POD_METRICS, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        const struct k8s_metrics *m = (const struct k8s_metrics *)r;
        struct tenant_row *t = tenants_find(st, tenant);

        if (t != NULL) {
            tenants_add(&t->cpu_used, m->cpu_m);
            tenants_add(&t->mem_used, m->mem_b);
        }
    }
    access_rows(ctx->access, STORE_QUOTA, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        const struct k8s_quota *q = (const struct k8s_quota *)r;
        struct tenant_row *t = tenants_find(st, tenant);

        if (t != NULL) {
            tenants_add(&t->cpu_hard, q->cpu_hard);
            tenants_add(&t->mem_hard, q->mem_hard);
            tenants_add(&t->cpu_req, q->cpu_hard >= 0 ? q->cpu_used : -1);
            tenants_add(&t->mem_req, q->mem_hard >= 0 ? q->mem_used : -1);
        }
    }
}

/* krakend (issue 15): ROUTES: the gateway's routes of each tenant, and those failing. */
static void tenants_count_routes(struct tenants_state *st, const struct view_ctx *ctx)
{
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;

    access_rows(ctx->access, STORE_ROUTE, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        struct tenant_row *t = tenants_find(st, tenant);

        if (t != NULL) {
            t->routes++;
            t->routes_failing += krakend_route_failing((const struct krakend_route *)r);
        }
    }
}

/* directory (issue 16): the display name (where the directory has one: it wins over the
 * namespace annotation), responsible person and contact of each tenant's entry. */
static void tenants_directory(struct tenants_state *st, const struct view_ctx *ctx)
{
    for (size_t i = 0; i < st->count && store_count(ctx->store, STORE_DIR_TENANT) > 0; i++) {
        struct tenant_row *t = &st->rows[i];
        const struct dir_tenant *d =
            (const struct dir_tenant *)access_get(ctx->access, STORE_DIR_TENANT, t->name);

        if (d != NULL) {
            t->display = d->display != NULL ? d->display : t->display;
            t->responsible = d->responsible;
            t->contact = d->contact;
        }
    }
    st->has_directory = ctx->sources == NULL || sources_find(ctx->sources, "directory") != NULL;
    st->dir_gen = store_gen(ctx->store, STORE_DIR_TENANT);
}

static void tenants_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct tenants_state *st = v->state;
    const uint64_t nt_gen = store_gen(ctx->store, STORE_NAMESPACE);
    const size_t nt_count = store_count(ctx->store, STORE_NAMESPACE);
    const uint64_t pt_gen = store_gen(ctx->store, STORE_POD);
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;
    size_t n = 0;

    free(st->rows);
    st->rows = xcalloc(nt_count + 1, sizeof *st->rows);
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
    tenants_sum_usage(st, ctx);
    tenants_count_routes(st, ctx); /* krakend (issue 15) */
    tenants_count_datasets(st, ctx);
    tenants_directory(st, ctx); /* directory (issue 16) */
    /* a count of 0 from a source that is not configured would read as "none" */
    st->has_routes = ctx->sources == NULL || sources_find(ctx->sources, "krakend") != NULL;
    st->has_datasets = ctx->sources == NULL || sources_find(ctx->sources, "mapr") != NULL;
    qsort_r(st->rows, st->count, sizeof *st->rows, tenants_cmp, v);
    st->pod_gen = pt_gen;
    st->ns_gen = nt_gen;
    st->deploy_gen = store_gen(ctx->store, STORE_DEPLOYMENT);
    st->sts_gen = store_gen(ctx->store, STORE_STATEFULSET);
    st->metrics_gen = store_gen(ctx->store, STORE_POD_METRICS);
    st->quota_gen = store_gen(ctx->store, STORE_QUOTA);
    st->route_gen = store_gen(ctx->store, STORE_ROUTE); /* krakend (issue 15) */
    st->dataset_gen = tenants_dataset_gen(ctx);
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

/* QUOTA: "requests/limit" of the quotas, as `kubectl get quota` pairs them ("1.5/8.0"), "-"
 * without a quota; warns at 80 % and is critical at 95 %. */
static enum view_tone tenants_quota(int64_t req, int64_t hard,
                                    char *(*fmt)(int64_t, char *, size_t), char *buf, size_t size)
{
    char r[32], h[32];
    int64_t pm = tenants_permille(req, hard);

    if (hard < 0) {
        snprintf(buf, size, "-");
        return TONE_DIM;
    }
    snprintf(buf, size, "%s/%s", fmt(req < 0 ? 0 : req, r, sizeof r), fmt(hard, h, sizeof h));
    return pm >= 950 ? TONE_CRIT : pm >= 800 ? TONE_WARN : TONE_NORMAL;
}

/* USED: what metrics.k8s.io measured, "n/a" without metrics; measured against the quota's
 * limit when there is one (80 % warns, 95 % is critical). */
static enum view_tone tenants_used(int64_t used, int64_t hard,
                                   char *(*fmt)(int64_t, char *, size_t), char *buf, size_t size)
{
    int64_t pm = tenants_permille(used, hard);

    fmt(used, buf, size);
    if (used < 0) {
        return TONE_DIM;
    }
    return pm >= 950 ? TONE_CRIT : pm >= 800 ? TONE_WARN : TONE_NORMAL;
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
    case TC_CPU:
        return tenants_quota(t->cpu_req, t->cpu_hard, k8s_fmt_cores, buf, size);
    case TC_CPU_USED:
        return tenants_used(t->cpu_used, t->cpu_hard, k8s_fmt_cores, buf, size);
    case TC_MEM:
        return tenants_quota(t->mem_req, t->mem_hard, k8s_fmt_gib, buf, size);
    case TC_MEM_USED:
        return tenants_used(t->mem_used, t->mem_hard, k8s_fmt_gib, buf, size);
    case TC_AGE:
        if (t->created == 0) {
            snprintf(buf, size, "<unknown>");
        } else {
            k8s_fmt_age(ctx->now - t->created, buf, size);
        }
        return TONE_NORMAL;
    case TC_ROUTES: /* krakend (issue 15): "12", "12 2!" with two failing */
        if (!st->has_routes) {
            buf[0] = '\0';
            return TONE_DIM;
        }
        if (t->routes_failing > 0) {
            snprintf(buf, size, "%d %d!", t->routes, t->routes_failing);
            return TONE_WARN;
        }
        snprintf(buf, size, "%d", t->routes);
        return t->routes > 0 ? TONE_NORMAL : TONE_DIM;
    case TC_DATASETS: /* "3", or "3 !" when one is overdue or failing */
        if (!st->has_datasets) {
            buf[0] = '\0';
            return TONE_DIM;
        }
        snprintf(buf, size, t->datasets_bad > 0 ? "%d !" : "%d", t->datasets);
        return t->datasets_bad > 0 ? TONE_OVERDUE : t->datasets > 0 ? TONE_NORMAL : TONE_DIM;
    case TC_RESPONSIBLE: /* directory (issue 16): empty without one, "-" when it has none */
    case TC_CONTACT: {
        const char *s = col == TC_RESPONSIBLE ? t->responsible : t->contact;

        snprintf(buf, size, "%s", s != NULL ? s : st->has_directory ? "-" : "");
        return s != NULL ? TONE_NORMAL : TONE_DIM;
    }
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
    out->choose = true; /* its apps, datasets, routes: the views with tenant_entry */
    out->scope = *scope;
    snprintf(out->scope.tenant, sizeof out->scope.tenant, "%s", st->rows[row].name);
    snprintf(out->label, sizeof out->label, "%s", st->rows[row].name);
    return true;
}

/* ---- d and y: the tenant as a whole ---- */

/* The namespaces of `tenant` the session sees, by name (borrowed rows), and how many. */
static size_t tenants_namespaces(const struct view_ctx *ctx, const char *tenant,
                                 const struct k8s_namespace ***out)
{
    struct access_cursor cur;
    const struct store_row *r;
    const char *t;
    size_t n = 0, cap = 0;
    const struct k8s_namespace **list = NULL;

    access_rows(ctx->access, STORE_NAMESPACE, &cur);
    while ((r = access_next(&cur, &t)) != NULL) {
        if (t == NULL || strcmp(t, tenant) != 0) {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            list = xrealloc(list, cap * sizeof *list);
        }
        list[n++] = (const struct k8s_namespace *)r;
    }
    for (size_t i = 1; i < n; i++) { /* few: insertion sort by name */
        for (size_t j = i; j > 0 && strcmp(list[j - 1]->name, list[j]->name) > 0; j--) {
            const struct k8s_namespace *x = list[j];

            list[j] = list[j - 1];
            list[j - 1] = x;
        }
    }
    *out = list;
    return n;
}

/* One quota resource: "  key  used  hard" into the text, or its member into the JSON
 * object (used: false writes the hard value, true the used one). */
static void tenants_quota_item(FILE *f, struct jsonw *j, bool used, const char *key, int64_t h,
                               int64_t u, char *(*fmt)(int64_t, char *, size_t))
{
    char hb[32], ub[32];

    if (key == NULL || h < 0) {
        return;
    }
    fmt(h, hb, sizeof hb);
    fmt(u < 0 ? 0 : u, ub, sizeof ub);
    if (f != NULL) {
        fprintf(f, "      %-16s %-8s %s\n", key, ub, hb);
    } else {
        jsonw_string(j, key, used ? ub : hb);
    }
}

static char *tenants_count_fmt(int64_t v, char *buf, size_t size)
{
    snprintf(buf, size, "%lld", (long long)v);
    return buf;
}

/* The quotas of namespace `ns`: as text lines (f) or as elements of the open JSON array j. */
static void tenants_quotas(const struct view_ctx *ctx, const char *ns, FILE *f, struct jsonw *j)
{
    struct access_cursor cur;
    const struct store_row *r;
    bool any = false;

    access_rows(ctx->access, STORE_QUOTA, &cur);
    while ((r = access_next(&cur, NULL)) != NULL) {
        const struct k8s_quota *q = (const struct k8s_quota *)r;

        if (q->ns == NULL || strcmp(q->ns, ns) != 0) {
            continue;
        }
        if (f != NULL) {
            fprintf(f, "%s    %s:\n      %-16s %-8s %s\n      %-16s %-8s %s\n",
                    any ? "" : "  Resource Quotas:\n", q->name != NULL ? q->name : "?",
                    "Resource", "Used", "Hard", "--------", "----", "----");
            tenants_quota_item(f, NULL, false, "pods", q->pods_hard, q->pods_used,
                               tenants_count_fmt);
            tenants_quota_item(f, NULL, false, q->cpu_key, q->cpu_hard, q->cpu_used, k8s_fmt_cpu);
            tenants_quota_item(f, NULL, false, q->mem_key, q->mem_hard, q->mem_used, k8s_fmt_mem);
        } else {
            jsonw_object(j, NULL);
            jsonw_string(j, "namespace", ns);
            jsonw_string(j, "name", q->name);
            for (int used = 0; used < 2; used++) {
                jsonw_object(j, used ? "used" : "hard");
                tenants_quota_item(NULL, j, used, "pods", q->pods_hard, q->pods_used,
                                   tenants_count_fmt);
                tenants_quota_item(NULL, j, used, q->cpu_key, q->cpu_hard, q->cpu_used,
                                   k8s_fmt_cpu);
                tenants_quota_item(NULL, j, used, q->mem_key, q->mem_hard, q->mem_used,
                                   k8s_fmt_mem);
                jsonw_end_object(j);
            }
            jsonw_end_object(j);
        }
        any = true;
    }
    if (f != NULL && !any) {
        fprintf(f, "  Resource Quotas:  <none>\n");
    }
}

static void tenants_time(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (t == 0 || gmtime_r(&tt, &tm) == NULL) {
        snprintf(buf, size, "<unknown>");
        return;
    }
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A namespace's labels ("k=v,k=v") as members of the open JSON object j. */
static void tenants_labels_json(struct jsonw *j, const char *labels)
{
    for (const char *p = labels; p != NULL && *p != '\0';) {
        const char *comma = strchr(p, ',');
        size_t l = comma != NULL ? (size_t)(comma - p) : strlen(p);
        char *kv = xstrndup(p, l), *eq = strchr(kv, '=');

        if (eq != NULL) {
            *eq = '\0';
            jsonw_string(j, kv, eq + 1);
        }
        free(kv);
        p = comma != NULL ? comma + 1 : p + l;
    }
}

/* y on a tenant: the same as d, as one JSON document. */
static char *tenants_describe_json(const struct view_ctx *ctx, const struct tenant_row *t,
                                   const struct k8s_namespace *const *nss, size_t n)
{
    struct jsonw j = {0};
    char when[32];

    jsonw_object(&j, NULL);
    jsonw_string(&j, "tenant", t->name);
    jsonw_string(&j, "displayName", t->display);
    jsonw_string(&j, "responsible", t->responsible); /* directory (issue 16) */
    jsonw_string(&j, "contact", t->contact);
    jsonw_int(&j, "apps", t->apps);
    jsonw_object(&j, "pods");
    jsonw_int(&j, "total", t->pods);
    jsonw_int(&j, "ok", t->ok);
    jsonw_int(&j, "failing", t->failing);
    jsonw_int(&j, "pending", t->pending);
    jsonw_end_object(&j);
    jsonw_array(&j, "namespaces");
    for (size_t i = 0; i < n; i++) {
        tenants_time(nss[i]->created, when, sizeof when);
        jsonw_object(&j, NULL);
        jsonw_string(&j, "name", nss[i]->name);
        jsonw_string(&j, "phase", nss[i]->phase);
        jsonw_string(&j, "created", when);
        jsonw_object(&j, "labels");
        tenants_labels_json(&j, nss[i]->labels);
        jsonw_end_object(&j);
        jsonw_end_object(&j);
    }
    jsonw_end_array(&j);
    jsonw_array(&j, "resourceQuotas");
    for (size_t i = 0; i < n; i++) {
        tenants_quotas(ctx, nss[i]->name, NULL, &j);
    }
    jsonw_end_array(&j);
    jsonw_end_object(&j);
    return jsonw_finish(&j);
}

/* A tenant as one text (d) or one JSON document (y): its name and display name, its counts,
 * then each of its namespaces the session sees with status, age, labels and quotas. */
static char *tenants_describe(const struct view *v, const struct view_ctx *ctx, size_t row,
                              bool raw, char **err)
{
    const struct tenants_state *st = v->state;
    const struct tenant_row *t;
    const struct k8s_namespace **nss = NULL;
    size_t n, len = 0;
    char *text = NULL, when[32], age[32];
    FILE *f;

    if (row >= st->count) {
        *err = xstrdup("no tenant here");
        return NULL;
    }
    t = &st->rows[row];
    n = tenants_namespaces(ctx, t->name, &nss);
    if (raw) {
        text = tenants_describe_json(ctx, t, nss, n);
        free(nss);
        return text;
    }
    f = open_memstream(&text, &len);
    fprintf(f, "Name:          %s\nDisplay Name:  %s\nNamespaces:    %zu\nApps:          %d\n"
               "Pods:          %d (%d ok, %d failing, %d pending)\n",
            t->name, t->display != NULL ? t->display : "<none>", n, t->apps, t->pods, t->ok,
            t->failing, t->pending);
    if (st->has_directory) { /* directory (issue 16) */
        fprintf(f, "Responsible:   %s\nContact:       %s\n",
                t->responsible != NULL ? t->responsible : "<none>",
                t->contact != NULL ? t->contact : "<none>");
    }
    for (size_t i = 0; i < n; i++) {
        const struct k8s_namespace *ns = nss[i];

        tenants_time(ns->created, when, sizeof when);
        k8s_fmt_age(ns->created != 0 ? ctx->now - ns->created : 0, age, sizeof age);
        fprintf(f, "\nNamespace %s\n  Status:  %s\n  Age:     %s (since %s)\n  Labels:  ",
                ns->name, ns->phase != NULL ? ns->phase : "<unknown>",
                ns->created != 0 ? age : "<unknown>", when);
        if (ns->labels == NULL) {
            fprintf(f, "<none>\n");
        }
        for (const char *p = ns->labels; p != NULL && *p != '\0';) {
            const char *comma = strchr(p, ',');
            int l = comma != NULL ? (int)(comma - p) : (int)strlen(p);

            fprintf(f, "%s%.*s\n", p == ns->labels ? "" : "           ", l, p);
            p = comma != NULL ? comma + 1 : p + l;
        }
        tenants_quotas(ctx, ns->name, f, NULL);
    }
    free(nss);
    fclose(f);
    return text;
}

/* directory (issue 16): RESPONSIBLE and CONTACT say nothing when no tenant has one (no
 * directory, or none registered): the first columns to give up their place then. */
static bool tenants_redundant(const struct view *v, size_t col)
{
    const struct tenants_state *st = v->state;

    if (col != TC_RESPONSIBLE && col != TC_CONTACT) {
        return false;
    }
    for (size_t i = 0; i < st->count; i++) {
        if ((col == TC_RESPONSIBLE ? st->rows[i].responsible : st->rows[i].contact) != NULL) {
            return false;
        }
    }
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
    .source = "kubernetes",
    .fini = tenants_fini,
    .stale = tenants_stale,
    .next_tick = tenants_next_tick, /* MapR: DATASETS */
    .rebuild = tenants_rebuild,
    .count = tenants_count,
    .cell = tenants_cell,
    .row_key = tenants_row_key,
    .sort = tenants_sort,
    .enter = tenants_enter,
    .describe = tenants_describe,
    .redundant = tenants_redundant, /* directory (issue 16) */
};
