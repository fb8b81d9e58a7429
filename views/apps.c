/* The apps view: every Deployment and StatefulSet in scope (`:dp` and `:sts` narrow it to one
 * kind), with its tenant from the namespace's label, the restarts of its pods and kubectl's
 * rollout status. Two workloads of
 * the same app in one namespace with different versions are two rows, their VERSION marked.
 * While a Deployment's old ReplicaSets still have pods next to the new one, VERSION shows
 * "old→new" (when the versions differ) and ROLLOUT how far it is. Enter shows the app's pods. */
#define _GNU_SOURCE /* qsort_r */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/directory/dir_model.h" /* directory (issue 16) */
#include "core/k8s/k8s_model.h"
#include "core/k8s/k8s_request.h"
#include "core/servicenow/sn_model.h"
#include "core/servicenow/sn_request.h"
#include "core/sources.h"
#include "core/xalloc.h"
#include "views/view.h"

enum apps_col {
    AC_TENANT,
    AC_NAMESPACE,
    AC_NAME,
    AC_APP,
    AC_VERSION,
    AC_IMAGE,
    AC_READY,
    AC_UPTODATE,
    AC_AVAILABLE,
    AC_RESTARTS,
    AC_AGE,
    AC_ROLLOUT,
    AC_KIND,
    AC_OWNER, /* directory enrichment (issue 16) */
    AC_COUNT
};

#define APPS_ROLLOUT_WIDTH 17

static const struct view_column apps_columns[AC_COUNT] = {
    [AC_TENANT] = {"TENANT", 6, 0, 'E', 6},
    [AC_NAMESPACE] = {"NAMESPACE", 9, 0, 'P', 5},
    [AC_NAME] = {"NAME", 12, COL_GROW | COL_MIDCUT, 'N', COL_KEEP_ALWAYS},
    [AC_APP] = {"APP", 8, 0, 'M', 3},
    [AC_VERSION] = {"VERSION", 7, 0, 'V', 7},
    [AC_IMAGE] = {"IMAGE", 6, 0, 'I', 2},
    [AC_READY] = {"READY", 5, COL_RIGHT, 'R', 8},
    [AC_UPTODATE] = {"UP-TO-DATE", 10, COL_RIGHT, 'U', 4},
    [AC_AVAILABLE] = {"AVAILABLE", 9, COL_RIGHT, 'L', 4},
    [AC_RESTARTS] = {"RESTARTS", 8, COL_RIGHT, 'T', 7},
    [AC_AGE] = {"AGE", 4, COL_RIGHT, 'A', 6},
    /* wide enough for "progressing 10/12" from the start: a rollout does not move columns */
    [AC_ROLLOUT] = {"ROLLOUT", APPS_ROLLOUT_WIDTH, COL_NOTRUNC, 'O', 8},
    [AC_KIND] = {"KIND", 11, 0, 'K', 5},
    [AC_OWNER] = {"OWNER", 5, COL_SHRINK, 'W', 1}, /* directory (issue 16): first to go */
};

struct app_entry {
    const struct k8s_workload *w;
    const char *tenant; /* borrowed from the namespace row; NULL when unlabelled */
    const char *app;    /* w->app, else w->name */
    int64_t restarts;   /* sum over the app's pods */
    bool version_split; /* another workload of this app in the namespace has another version */
    uint32_t rank;      /* position in the default order: the cheap tie-break of sorts */
    /* A Deployment's ReplicaSets (borrowed): the new one (the highest revision) and, of the
     * old ones that still have pods, the newest, and how many pods the old ones have. */
    const char *new_version; /* the new ReplicaSet's version label; NULL if none */
    const char *old_version; /* the newest old ReplicaSet's with pods; NULL if none */
    int32_t old_pods;        /* status.replicas of the old ReplicaSets, summed */
    const char *change;      /* a ServiceNow change in progress on the app's CI (its number,
                                borrowed), NULL when none */
    const char *owner;       /* directory (issue 16): the registered owner, NULL when none */
};

struct apps_state {
    struct app_entry *rows;
    size_t count, cap;
    uint64_t ns_gen, pod_gen, deploy_gen, sts_gen, rs_gen;
    uint64_t chg_gen; /* ServiceNow changes (issue 14) */
    uint64_t dir_gen; /* directory (issue 16): registered apps */
    bool has_directory; /* its source runs: else OWNER stays empty */
    bool built;
};

static int apps_str_cmp_null(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return (a == NULL) - (b == NULL);
    }
    return strcmp(a, b);
}

static int apps_int_cmp(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static const char *apps_kind_name(const struct k8s_workload *w)
{
    return w->kind == K8S_WORKLOAD_STATEFULSET ? "StatefulSet" : "Deployment";
}

/* The version a rollout moves to when old pods run another one, else NULL. */
static const char *apps_rollout_to(const struct app_entry *e)
{
    const char *to = e->new_version != NULL ? e->new_version : e->w->version;

    if (e->old_pods <= 0 || e->old_version == NULL || to == NULL ||
        strcmp(e->old_version, to) == 0) {
        return NULL;
    }
    return to;
}

/* Default order: tenant (unlabelled last), namespace, app, name: versions side by side. */
static int apps_entry_cmp(const void *pa, const void *pb)
{
    const struct app_entry *a = pa, *b = pb;
    int c = a->tenant == b->tenant ? 0 : apps_str_cmp_null(a->tenant, b->tenant);

    if (c == 0) {
        c = strcmp(a->w->ns, b->w->ns);
    }
    if (c == 0) {
        c = strcmp(a->app, b->app);
    }
    if (c == 0) {
        c = strcmp(a->w->name, b->w->name);
    }
    if (c == 0) {
        c = apps_int_cmp(a->w->kind, b->w->kind);
    }
    return c;
}

/* Orders entry pointers by namespace and app (the pods' lookup key). */
static int apps_ns_app_cmp(const char *ns_a, const char *app_a, const char *ns_b, const char *app_b)
{
    int c = strcmp(ns_a, ns_b);

    return c != 0 ? c : strcmp(app_a, app_b);
}

static int apps_idx_cmp(const void *pa, const void *pb)
{
    const struct app_entry *a = *(struct app_entry *const *)pa;
    const struct app_entry *b = *(struct app_entry *const *)pb;

    return apps_ns_app_cmp(a->w->ns, a->app, b->w->ns, b->app);
}

static bool apps_in_scope(const struct view_scope *sc, const struct k8s_workload *w,
                          const char *app, const char *tenant)
{
    if (sc->kind[0] != '\0' && strcmp(apps_kind_name(w), sc->kind) != 0) {
        return false;
    }
    if (sc->tenant[0] != '\0' && (tenant == NULL || strcmp(tenant, sc->tenant) != 0)) {
        return false;
    }
    if (sc->ns[0] != '\0' && strcmp(w->ns, sc->ns) != 0) {
        return false;
    }
    return sc->app[0] == '\0' || strcmp(app, sc->app) == 0;
}

static int apps_cmp_col(const struct app_entry *a, const struct app_entry *b, int col)
{
    const struct k8s_workload *x = a->w, *y = b->w;
    int c = 0;

    switch ((enum apps_col)col) {
    case AC_TENANT:
        c = apps_str_cmp_null(a->tenant, b->tenant);
        break;
    case AC_NAMESPACE:
        c = strcmp(x->ns, y->ns);
        break;
    case AC_NAME:
        c = strcmp(x->name, y->name);
        break;
    case AC_APP:
        c = strcmp(a->app, b->app);
        break;
    case AC_VERSION:
        c = apps_str_cmp_null(x->version, y->version);
        if (c == 0) { /* rollouts from an old version first, by that version */
            c = apps_str_cmp_null(apps_rollout_to(a) != NULL ? a->old_version : NULL,
                                  apps_rollout_to(b) != NULL ? b->old_version : NULL);
        }
        break;
    case AC_IMAGE:
        c = apps_str_cmp_null(x->image_tag, y->image_tag);
        break;
    case AC_READY:
        c = apps_int_cmp(x->ready, y->ready);
        if (c == 0) {
            c = apps_int_cmp(x->desired, y->desired);
        }
        break;
    case AC_UPTODATE:
        c = apps_int_cmp(x->updated, y->updated);
        break;
    case AC_AVAILABLE:
        c = apps_int_cmp(x->available, y->available);
        break;
    case AC_RESTARTS:
        c = apps_int_cmp(a->restarts, b->restarts);
        break;
    case AC_AGE: /* youngest first, as ages read */
        c = apps_int_cmp(y->created, x->created);
        break;
    case AC_ROLLOUT:
        c = apps_int_cmp(x->rollout, y->rollout);
        if (c == 0) {
            c = apps_str_cmp_null(x->stall_reason, y->stall_reason);
        }
        break;
    case AC_KIND:
        c = strcmp(apps_kind_name(x), apps_kind_name(y));
        break;
    case AC_OWNER:
        c = apps_str_cmp_null(a->owner, b->owner);
        break;
    case AC_COUNT:
        break;
    }
    return c;
}

struct apps_sort {
    int col;
    bool desc;
};

static int apps_rank_cmp(const void *pa, const void *pb, void *arg)
{
    const struct app_entry *a = pa, *b = pb;

    (void)arg;
    return apps_int_cmp(a->rank, b->rank);
}

static int apps_sort_cmp(const void *pa, const void *pb, void *arg)
{
    const struct app_entry *a = pa, *b = pb;
    const struct apps_sort *as = arg;
    int c = apps_cmp_col(a, b, as->col);

    if (as->desc) {
        c = -c;
    }
    return c != 0 ? c : apps_int_cmp(a->rank, b->rank);
}

static void apps_order(struct apps_state *st, int col, bool desc)
{
    struct apps_sort as = {col, desc};

    if (st->count < 2) {
        return;
    }
    if (col >= 0) {
        qsort_r(st->rows, st->count, sizeof *st->rows, apps_sort_cmp, &as);
    } else {
        qsort_r(st->rows, st->count, sizeof *st->rows, apps_rank_cmp, NULL);
    }
}

static void apps_sort(struct view *v, size_t col, bool desc)
{
    apps_order(v->state, (int)col, desc);
}

static bool apps_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct apps_state *st = v->state;

    return !st->built || st->ns_gen != store_gen(ctx->store, STORE_NAMESPACE) || st->pod_gen != store_gen(ctx->store, STORE_POD) ||
           st->deploy_gen != store_gen(ctx->store, STORE_DEPLOYMENT) || st->sts_gen != store_gen(ctx->store, STORE_STATEFULSET) ||
           st->rs_gen != store_gen(ctx->store, STORE_REPLICASET) ||
           st->chg_gen != store_gen(ctx->store, STORE_CHANGE) ||
           st->dir_gen != store_gen(ctx->store, STORE_DIR_APP); /* directory (issue 16) */
}

/* Adds the workloads of one kind that are in scope. */
static void apps_collect(struct apps_state *st, const struct view_ctx *ctx, enum store_kind kind)
{
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;

    access_rows(ctx->access, kind, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        const struct k8s_workload *w = (const struct k8s_workload *)r;
        const char *app = w->app != NULL ? w->app : w->name;

        if (w->ns == NULL || !apps_in_scope(ctx->scope, w, app, tenant)) {
            continue;
        }
        st->rows[st->count] = (struct app_entry){.w = w, .tenant = tenant, .app = app};
        st->count++;
    }
}

/* RESTARTS: the pods of each app (same namespace and app label) summed; with versions side
 * by side, a pod counts for the workload of its version. Marks split versions too. */
static void apps_link_pods(struct apps_state *st, struct access *acc)
{
    struct access_cursor cur;
    const struct store_row *r;
    struct app_entry **idx = xcalloc(st->count + 1, sizeof *idx);
    size_t n = st->count;

    for (size_t i = 0; i < n; i++) {
        idx[i] = &st->rows[i];
    }
    qsort(idx, n, sizeof *idx, apps_idx_cmp);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        bool split = false;

        while (j < n && apps_idx_cmp(&idx[i], &idx[j]) == 0) {
            if (apps_str_cmp_null(idx[i]->w->version, idx[j]->w->version) != 0) {
                split = true;
            }
            j++;
        }
        for (size_t k = i; k < j; k++) {
            idx[k]->version_split = split;
        }
        i = j;
    }
    access_rows(acc, STORE_POD, &cur);
    while (n > 0 && (r = access_next(&cur, NULL)) != NULL) {
        const struct k8s_pod *p = (const struct k8s_pod *)r;
        size_t lo = 0, hi = n;

        if (p->app == NULL || p->ns == NULL) {
            continue;
        }
        while (lo < hi) { /* first entry not below (ns, app) */
            size_t mid = lo + (hi - lo) / 2;

            if (apps_ns_app_cmp(idx[mid]->w->ns, idx[mid]->app, p->ns, p->app) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (; lo < n && apps_ns_app_cmp(idx[lo]->w->ns, idx[lo]->app, p->ns, p->app) == 0; lo++) {
            if (k8s_pod_of_app(p, idx[lo]->w->ns, idx[lo]->app, idx[lo]->w->version)) {
                idx[lo]->restarts += p->restarts;
            }
        }
    }
    free(idx);
}

static int apps_rs_owner_cmp(const void *pa, const void *pb)
{
    const struct k8s_replicaset *a = *(const struct k8s_replicaset *const *)pa;
    const struct k8s_replicaset *b = *(const struct k8s_replicaset *const *)pb;

    return strcmp(a->owner_uid, b->owner_uid);
}

/* The new ReplicaSet of a Deployment: the highest revision (the controller gives the new one
 * the Deployment's revision, which is the highest), the newest on a tie. */
static bool apps_rs_newer(const struct k8s_replicaset *a, const struct k8s_replicaset *b)
{
    return b == NULL || a->revision > b->revision ||
           (a->revision == b->revision && a->created > b->created);
}

/* Each Deployment's ReplicaSets, through an index of the visible ones by owner uid built once:
 * the new one's version, and the old ones that still have pods. */
static void apps_link_replicasets(struct apps_state *st, const struct view_ctx *ctx)
{
    const size_t t_count = store_count(ctx->store, STORE_REPLICASET);
    const struct k8s_replicaset **idx = xcalloc(t_count + 1, sizeof *idx);
    struct access_cursor cur;
    const struct store_row *r;
    size_t n = 0;

    access_rows(ctx->access, STORE_REPLICASET, &cur);
    while (n < t_count && (r = access_next(&cur, NULL)) != NULL) {
        const struct k8s_replicaset *rs = (const struct k8s_replicaset *)r;

        if (rs->owner_uid != NULL) {
            idx[n++] = rs;
        }
    }
    if (n > 1) {
        qsort(idx, n, sizeof *idx, apps_rs_owner_cmp);
    }
    for (size_t i = 0; i < st->count && n > 0; i++) {
        struct app_entry *e = &st->rows[i];
        const struct k8s_replicaset *newest = NULL, *old = NULL;
        size_t lo = 0, hi = n;

        if (e->w->kind != K8S_WORKLOAD_DEPLOYMENT) {
            continue;
        }
        while (lo < hi) { /* the first of the Deployment's */
            size_t mid = lo + (hi - lo) / 2;

            if (strcmp(idx[mid]->owner_uid, e->w->row.uid) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (hi = lo; hi < n && strcmp(idx[hi]->owner_uid, e->w->row.uid) == 0; hi++) {
            if (apps_rs_newer(idx[hi], newest)) {
                newest = idx[hi];
            }
        }
        for (size_t j = lo; j < hi; j++) {
            if (idx[j] != newest && idx[j]->current > 0) {
                e->old_pods += idx[j]->current;
                old = apps_rs_newer(idx[j], old) ? idx[j] : old;
            }
        }
        e->new_version = newest != NULL ? newest->version : NULL;
        e->old_version = old != NULL ? old->version : NULL;
    }
    free(idx);
}

/* The ServiceNow changes in progress (Implement) on an app's CI, named TENANT-APP as the
 * incidents' are (issue 14): each entry's number. */
static void apps_link_changes(struct apps_state *st, struct access *acc)
{
    struct access_cursor cur;
    const struct store_row *r;

    for (size_t i = 0; i < st->count; i++) {
        st->rows[i].change = NULL;
    }
    access_rows(acc, STORE_CHANGE, &cur);
    while ((r = access_next(&cur, NULL)) != NULL) {
        const struct sn_change *ch = (const struct sn_change *)r;

        if (!ch->has_state || ch->state != SN_CHANGE_IMPLEMENT || ch->cmdb_ci == NULL) {
            continue;
        }
        for (size_t i = 0; i < st->count; i++) {
            struct app_entry *e = &st->rows[i];
            size_t tl = e->tenant != NULL ? strlen(e->tenant) : 0;

            if (e->tenant != NULL && strncmp(ch->cmdb_ci, e->tenant, tl) == 0 &&
                ch->cmdb_ci[tl] == '-' && strcmp(ch->cmdb_ci + tl + 1, e->app) == 0) {
                e->change = ch->number;
            }
        }
    }
}

/* directory (issue 16): each app's owner as registered in the directory (TENANT/APP). */
static void apps_link_owners(struct apps_state *st, const struct view_ctx *ctx)
{
    bool any = store_count(ctx->store, STORE_DIR_APP) > 0;
    char key[256];

    st->has_directory = ctx->sources == NULL || sources_find(ctx->sources, "directory") != NULL;
    for (size_t i = 0; i < st->count; i++) {
        struct app_entry *e = &st->rows[i];
        const struct dir_object *o = NULL;

        if (any && e->tenant != NULL && dir_object_key(e->tenant, e->app, key, sizeof key)) {
            o = (const struct dir_object *)access_get(ctx->access, STORE_DIR_APP, key);
        }
        e->owner = o != NULL ? o->owner : NULL;
    }
}

static void apps_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct apps_state *st = v->state;
    const uint64_t nt_gen = store_gen(ctx->store, STORE_NAMESPACE);
    const uint64_t pt_gen = store_gen(ctx->store, STORE_POD);
    const uint64_t dt_gen = store_gen(ctx->store, STORE_DEPLOYMENT);
    const size_t dt_count = store_count(ctx->store, STORE_DEPLOYMENT);
    const uint64_t sst_gen = store_gen(ctx->store, STORE_STATEFULSET);
    const size_t sst_count = store_count(ctx->store, STORE_STATEFULSET);
    size_t total = dt_count + sst_count;

    if (st->rows == NULL || st->cap < total) {
        st->cap = total + total / 4 + 16;
        free(st->rows);
        st->rows = xmalloc(st->cap * sizeof *st->rows);
    }
    st->count = 0;
    apps_collect(st, ctx, STORE_DEPLOYMENT);
    apps_collect(st, ctx, STORE_STATEFULSET);
    if (st->count > 1) {
        qsort(st->rows, st->count, sizeof *st->rows, apps_entry_cmp);
    }
    apps_link_pods(st, ctx->access);
    apps_link_replicasets(st, ctx);
    apps_link_changes(st, ctx->access);
    apps_link_owners(st, ctx); /* directory (issue 16) */
    for (size_t i = 0; i < st->count; i++) {
        st->rows[i].rank = (uint32_t)i;
    }
    if (v->sort_col >= 0) {
        apps_order(st, v->sort_col, v->sort_desc);
    }
    st->ns_gen = nt_gen;
    st->pod_gen = pt_gen;
    st->deploy_gen = dt_gen;
    st->sts_gen = sst_gen;
    st->rs_gen = store_gen(ctx->store, STORE_REPLICASET);
    st->chg_gen = store_gen(ctx->store, STORE_CHANGE);
    st->dir_gen = store_gen(ctx->store, STORE_DIR_APP); /* directory (issue 16) */
    st->built = true;
}

static size_t apps_count(const struct view *v)
{
    const struct apps_state *st = v->state;

    return st->count;
}

static enum view_tone apps_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                size_t col, char *buf, size_t size)
{
    const struct apps_state *st = v->state;
    const struct app_entry *e = &st->rows[row];
    const struct k8s_workload *w = e->w;

    switch ((enum apps_col)col) {
    case AC_TENANT:
        snprintf(buf, size, "%s", e->tenant != NULL ? e->tenant : "-");
        return e->tenant != NULL ? TONE_NORMAL : TONE_DIM;
    case AC_NAMESPACE:
        snprintf(buf, size, "%s", w->ns);
        return TONE_NORMAL;
    case AC_NAME:
        if (e->change != NULL) { /* a platform change in progress on it */
            snprintf(buf, size, "%s [%s in progress]", w->name, e->change);
            return TONE_WARN;
        }
        snprintf(buf, size, "%s", w->name);
        return TONE_NORMAL;
    case AC_APP:
        snprintf(buf, size, "%s", e->app);
        return TONE_NORMAL;
    case AC_VERSION:
        if (apps_rollout_to(e) != NULL) {
            /* U+2192 where the terminal's character set has it */
            bool utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;

            snprintf(buf, size, "%s%s%s", e->old_version, utf8 ? "\xe2\x86\x92" : "->",
                     apps_rollout_to(e));
            return e->version_split ? TONE_WARN : TONE_PENDING;
        }
        snprintf(buf, size, "%s", w->version != NULL ? w->version : "-");
        if (e->version_split) {
            return TONE_WARN;
        }
        return w->version != NULL ? TONE_NORMAL : TONE_DIM;
    case AC_IMAGE:
        snprintf(buf, size, "%s", w->image_tag != NULL ? w->image_tag : "-");
        return w->image_tag != NULL ? TONE_NORMAL : TONE_DIM;
    case AC_READY:
        snprintf(buf, size, "%d/%d", (int)w->ready, (int)w->desired);
        return w->ready < w->desired ? TONE_WARN : TONE_NORMAL;
    case AC_UPTODATE:
        snprintf(buf, size, "%d", (int)w->updated);
        return w->updated < w->desired ? TONE_WARN : TONE_NORMAL;
    case AC_AVAILABLE:
        snprintf(buf, size, "%d", (int)w->available);
        return w->available < w->desired ? TONE_WARN : TONE_NORMAL;
    case AC_RESTARTS:
        snprintf(buf, size, "%lld", (long long)e->restarts);
        return TONE_NORMAL;
    case AC_AGE:
        if (w->created == 0) {
            snprintf(buf, size, "<unknown>");
        } else {
            k8s_fmt_age(ctx->now - w->created, buf, size);
        }
        return TONE_NORMAL;
    case AC_ROLLOUT:
        switch (w->rollout) {
        case K8S_ROLLOUT_COMPLETE:
            snprintf(buf, size, "complete");
            return TONE_OK;
        case K8S_ROLLOUT_PROGRESSING:
            /* old pods still up: kubectl's "N out of M new replicas have been updated", then
             * "K old replicas are pending termination", shortened to APPS_ROLLOUT_WIDTH */
            if (e->old_pods > 0 && w->updated < w->desired) {
                snprintf(buf, size, "progressing %d/%d", (int)w->updated, (int)w->desired);
            } else if (e->old_pods > 0) {
                snprintf(buf, size, "progressing %d old", (int)e->old_pods);
            } else {
                snprintf(buf, size, "progressing");
            }
            return TONE_PENDING;
        case K8S_ROLLOUT_STALLED:
            snprintf(buf, size, "stalled: %s",
                     w->stall_reason != NULL ? w->stall_reason : "unknown");
            return TONE_CRIT;
        }
        break;
    case AC_KIND:
        snprintf(buf, size, "%s", apps_kind_name(w));
        return TONE_NORMAL;
    case AC_OWNER: /* directory (issue 16): empty without a directory, "-" when unregistered */
        snprintf(buf, size, "%s", e->owner != NULL ? e->owner : st->has_directory ? "-" : "");
        return e->owner != NULL ? TONE_NORMAL : TONE_DIM;
    case AC_COUNT:
        break;
    }
    buf[0] = '\0';
    return TONE_NORMAL;
}

static const char *apps_row_key(const struct view *v, size_t row)
{
    const struct apps_state *st = v->state;

    return row < st->count ? st->rows[row].w->row.uid : NULL;
}

/* The workload's row; the digest covers what the cells take from elsewhere: the kind (two
 * tables), the tenant (the namespace's label), the restarts of the pods, the versions of the
 * other workloads and of the ReplicaSets. */
static const struct store_row *apps_row_source(const struct view *v, size_t row, uint64_t *extra)
{
    const struct apps_state *st = v->state;
    const struct app_entry *e = &st->rows[row];
    uint64_t h = view_mix((uint64_t)e->w->kind, (uint64_t)e->restarts);

    h = view_mix(view_mix(h, e->version_split), (uint64_t)e->old_pods);
    h = view_mix_str(view_mix_str(h, e->tenant), e->new_version);
    *extra = view_mix_str(view_mix_str(view_mix_str(h, e->old_version), e->change), e->owner);
    return &e->w->row;
}

static int64_t apps_next_tick(const struct view *v, const struct view_ctx *ctx, size_t row)
{
    const struct apps_state *st = v->state;
    const struct k8s_workload *w = st->rows[row].w;

    return w->created != 0 ? k8s_age_next_change(ctx->now - w->created) : -1;
}

static bool apps_enter(const struct view *v, const struct view_scope *scope, size_t row,
                       struct view_target *out)
{
    const struct apps_state *st = v->state;
    const struct app_entry *e;

    if (row >= st->count) {
        return false;
    }
    e = &st->rows[row];
    out->view = "pods";
    out->scope = *scope;
    snprintf(out->scope.ns, sizeof out->scope.ns, "%s", e->w->ns);
    snprintf(out->scope.app, sizeof out->scope.app, "%s", e->app);
    snprintf(out->label, sizeof out->label, "%s", e->app);
    return true;
}

/* The workload of a row whose names can go into a path, else NULL. */
static const struct k8s_workload *apps_workload(const struct view *v, size_t row)
{
    const struct apps_state *st = v->state;
    const struct k8s_workload *w;

    if (row >= st->count) {
        return NULL;
    }
    w = st->rows[row].w;
    return k8s_valid_name(w->ns) && k8s_valid_name(w->name) ? w : NULL;
}

/* The containers the app's pods have in common, the default (first) one first; NULL when it
 * has no pod in the session's scope. *npods gets how many pods it has. Caller frees. */
static char *apps_log_containers(const struct view *v, const struct view_ctx *ctx, size_t row,
                                 size_t *npods)
{
    const struct apps_state *st = v->state;
    const struct k8s_workload *w = st->rows[row].w;
    char *common = NULL;
    struct access_cursor cur;
    const struct store_row *r;

    *npods = 0;
    access_rows(ctx->access, STORE_POD, &cur);
    while ((r = access_next(&cur, NULL)) != NULL) {
        const struct k8s_pod *p = (const struct k8s_pod *)r;

        if (!k8s_pod_of_app(p, w->ns, st->rows[row].app, w->version)) {
            continue;
        }
        if (common == NULL) {
            common = p->containers != NULL ? xstrdup(p->containers) : NULL;
        } else {
            char *both = k8s_containers_common(common, p->containers);

            if (both != NULL) { /* pods without a name in common: the first pod's */
                free(common);
                common = both;
            }
        }
        (*npods)++;
    }
    return common;
}

/* TENANT and NAMESPACE when every app is one tenant's or in one namespace; APP when every
 * app is named as its workload; IMAGE when every image tag is the version; KIND when every
 * app is of one kind (`:sts`); OWNER when the directory registers none of them. */
static bool apps_redundant(const struct view *v, size_t col)
{
    const struct apps_state *st = v->state;

    if (st->count == 0) {
        return false;
    }
    for (size_t i = 0; i < st->count; i++) {
        const struct app_entry *e = &st->rows[i];
        bool same;

        switch (col) {
        case AC_TENANT:
            same = apps_str_cmp_null(e->tenant, st->rows[0].tenant) == 0;
            break;
        case AC_NAMESPACE:
            same = strcmp(e->w->ns, st->rows[0].w->ns) == 0;
            break;
        case AC_APP:
            same = strcmp(e->app, e->w->name) == 0;
            break;
        case AC_IMAGE:
            same = apps_str_cmp_null(e->w->image_tag, e->w->version) == 0;
            break;
        case AC_KIND:
            same = e->w->kind == st->rows[0].w->kind;
            break;
        case AC_OWNER: /* directory (issue 16): none registered (or no directory) */
            same = e->owner == NULL;
            break;
        default:
            return false;
        }
        if (!same) {
            return false;
        }
    }
    return true;
}

static const enum action apps_actions[] = {ACT_DESCRIBE, ACT_RAW,          ACT_LOGS, ACT_RESTART,
                                           ACT_SCALE,    ACT_NEW_INCIDENT, ACT_NONE};

/* n on an app: a ServiceNow incident prefilled with what the console knows, ending in the
 * evidence (ready against desired, its pods' restarts, the rollout). */
static struct source_request *apps_incident(const struct app_entry *e, const char *tenant)
{
    const struct k8s_workload *w = e->w;
    char *shortd, *desc, *ci;
    struct source_request *r;

    shortd = xasprintf("%s: %d of %d replicas ready", e->app, w->ready, w->desired);
    desc = xasprintf("Evidence from govconsole:\n%s %s/%s, version %s\n%d/%d ready, %d up to "
                     "date, %d available, %lld restarts of its pods%s%s%s",
                     apps_kind_name(w), w->ns, w->name, w->version != NULL ? w->version : "unknown",
                     w->ready, w->desired, w->updated, w->available, (long long)e->restarts,
                     w->stall_reason != NULL ? "\nrollout stalled (" : "",
                     w->stall_reason != NULL ? w->stall_reason : "",
                     w->stall_reason != NULL ? ")" : "");
    ci = tenant != NULL ? xasprintf("%s-%s", tenant, e->app) : NULL;
    r = sn_request_create(tenant, shortd, desc, ci);
    free(shortd);
    free(desc);
    free(ci);
    return r;
}

/* d, y, l, r and s: the workload's requests to the Kubernetes source. */
/* How many more pods the ResourceQuotas of `ns` admit (the least of them), -1 when none
 * limits pods. */
static long apps_pods_left(const struct view_ctx *ctx, const char *ns)
{
    struct access_cursor cur;
    const struct store_row *r;
    long left = -1;

    access_rows(ctx->access, STORE_QUOTA, &cur);
    while ((r = access_next(&cur, NULL)) != NULL) {
        const struct k8s_quota *q = (const struct k8s_quota *)r;
        long room;

        if (q->pods_hard < 0 || q->ns == NULL || strcmp(q->ns, ns) != 0) {
            continue;
        }
        room = (long)(q->pods_hard - (q->pods_used > 0 ? q->pods_used : 0));
        room = room < 0 ? 0 : room;
        left = left < 0 || room < left ? room : left;
    }
    return left;
}

static struct source_request *apps_request(const struct view *v, const struct view_ctx *ctx,
                                           size_t row, enum action act, char **err)
{
    const struct k8s_workload *w = apps_workload(v, row);
    const struct apps_state *st = v->state;
    struct source_request *r;
    enum k8s_object obj;
    const char *tenant;
    char *containers;
    size_t npods;

    if (w == NULL) {
        *err = xstrdup("this app's name cannot be used in a request");
        return NULL;
    }
    obj = w->kind == K8S_WORKLOAD_STATEFULSET ? K8S_OBJECT_STATEFULSET : K8S_OBJECT_DEPLOYMENT;
    tenant = access_row_tenant(ctx->access,
                               w->kind == K8S_WORKLOAD_STATEFULSET ? STORE_STATEFULSET
                                                                   : STORE_DEPLOYMENT,
                               &w->row);
    switch (act) {
    case ACT_DESCRIBE:
    case ACT_RAW:
        return k8s_request_detail(obj, w->ns, w->name, w->row.uid, tenant, act == ACT_RAW);
    case ACT_RESTART:
        return k8s_request_restart(obj, w->ns, w->name, tenant);
    case ACT_SCALE:
        return k8s_request_scale(obj, w->ns, w->name, w->desired, apps_pods_left(ctx, w->ns),
                                 tenant);
    case ACT_LOGS:
        containers = apps_log_containers(v, ctx, row, &npods);
        if (npods == 0) {
            *err = xstrdup("no pod to show the log of");
            return NULL;
        }
        r = k8s_request_app_logs(obj, w->ns, w->name, st->rows[row].app, w->version, containers,
                                 tenant);
        free(containers);
        if (r == NULL) {
            *err = xstrdup("this app's name cannot be used in a request");
        }
        return r;
    case ACT_NEW_INCIDENT: /* ServiceNow (issue 14) */
        return apps_incident(&st->rows[row], tenant);
    default:
        break;
    }
    *err = xstrdup("not here");
    return NULL;
}

static void apps_fini(struct view *v)
{
    struct apps_state *st = v->state;

    free(st->rows);
}

static const char *const apps_aliases[] = {"app", NULL};

/* kubectl's names of the two kinds narrow the view to that kind. */
static const struct view_narrow apps_narrows[] = {
    {"dp", "Deployment", "deployments"},
    {"deploy", "Deployment", "deployments"},
    {"deployments", "Deployment", "deployments"},
    {"sts", "StatefulSet", "statefulsets"},
    {"statefulsets", "StatefulSet", "statefulsets"},
    {NULL, NULL, NULL},
};

const struct view_ops apps_view = {
    .name = "apps",
    .aliases = apps_aliases,
    .narrows = apps_narrows,
    .title = "apps",
    .columns = apps_columns,
    .ncolumns = AC_COUNT,
    .state_size = sizeof(struct apps_state),
    .source = "kubernetes",
    .tenant_entry = true,
    .fini = apps_fini,
    .stale = apps_stale,
    .rebuild = apps_rebuild,
    .count = apps_count,
    .cell = apps_cell,
    .row_key = apps_row_key,
    .row_source = apps_row_source,
    .next_tick = apps_next_tick,
    .redundant = apps_redundant,
    .sort = apps_sort,
    .enter = apps_enter,
    .actions = apps_actions,
    .request = apps_request,
};
