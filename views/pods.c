/* The pods view: every pod in scope (a tenant, a namespace, an app, a node), with its tenant
 * from the namespace's label and its CPU and memory from metrics.k8s.io ("n/a" while there are
 * no metrics at all). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8s/k8s_model.h"
#include "core/k8s/k8s_request.h"
#include "core/keysort.h"
#include "core/servicenow/sn_model.h"
#include "core/servicenow/sn_request.h"
#include "core/xalloc.h"
#include "views/view.h"

enum pods_col { PC_TENANT, PC_NAMESPACE, PC_NAME, PC_READY, PC_STATUS, PC_RESTARTS, PC_CPU,
                PC_MEM, PC_AGE, PC_REASON, PC_NODE, PC_IP, PC_COUNT };

static const struct view_column pods_columns[PC_COUNT] = {
    [PC_TENANT] = {"TENANT", 6, 0, 'E', 6},
    [PC_NAMESPACE] = {"NAMESPACE", 9, 0, 'P', 5},
    [PC_NAME] = {"NAME", 16, COL_GROW | COL_MIDCUT, 'N', COL_KEEP_ALWAYS},
    [PC_READY] = {"READY", 5, COL_RIGHT, 'R', 8},
    [PC_STATUS] = {"STATUS", 7, COL_NOTRUNC, 'S', COL_KEEP_ALWAYS},
    [PC_RESTARTS] = {"RESTARTS", 8, COL_RIGHT, 'T', 7},
    [PC_CPU] = {"CPU", 4, COL_RIGHT, 'C', 4},
    [PC_MEM] = {"MEM", 5, COL_RIGHT, 'M', 4},
    [PC_AGE] = {"AGE", 4, COL_RIGHT, 'A', 7},
    [PC_REASON] = {"LAST REASON", 11, 0, 'L', 3},
    [PC_NODE] = {"NODE", 8, 0, 'O', 2},
    [PC_IP] = {"IP", 7, 0, 'I', 1},
};

struct pod_entry {
    const struct k8s_pod *pod;
    const char *tenant; /* borrowed from the namespace row; NULL when unlabelled */
    int64_t cpu_m;      /* usage in millicores from the pod's metrics, -1 without a sample */
    int64_t mem_b;      /* bytes, -1 without a sample */
    uint32_t rank;      /* position in the default order: the cheap tie-break of sorts */
    uint32_t change;    /* a ServiceNow change in progress on its app's CI: 1 + its slot in
                           pods_changes, 0 when none (in the padding: 40 bytes a row) */
};

/* The ServiceNow changes in progress, by CI (TENANT-APP, as the apps view matches them):
 * an open-addressed set rebuilt only when the changes move, so that a pod's mark is one probe
 * and never a scan of the changes. */
struct pods_change_slot {
    const char *ci, *number; /* borrowed from the change rows; ci NULL: a free slot */
    uint64_t hash;
};

struct pods_changes {
    struct pods_change_slot *slots;
    size_t mask;  /* slots - 1 (a power of two) */
    size_t count; /* 0: no change in progress, no probe at all */
    uint64_t gen; /* STORE_CHANGE's generation they were taken from */
    bool built;
};

struct pods_state {
    struct pod_entry *rows;
    size_t count, cap;
    uint64_t pod_gen, ns_gen, metrics_gen, access_gen;
    const struct access *access; /* what the rows were built for: this session ... */
    struct view_scope scope;     /* ... narrowed to this */
    bool metrics_any; /* some pod has a sample: a pod without one shows "-", else all "n/a" */
    bool built;
    struct pods_changes changes; /* issue 14 */
};

static int str_cmp_null(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return (a == NULL) - (b == NULL);
    }
    return strcmp(a, b);
}

/* Default order: tenant, namespace, name (unlabelled namespaces last). */
static int pod_entry_cmp(const void *pa, const void *pb)
{
    const struct pod_entry *a = pa, *b = pb;
    int c = a->tenant == b->tenant ? 0 : str_cmp_null(a->tenant, b->tenant);

    if (c == 0) {
        c = strcmp(a->pod->ns, b->pod->ns);
    }
    if (c == 0) {
        c = strcmp(a->pod->name, b->pod->name);
    }
    return c;
}

static bool pods_in_scope(const struct view_scope *sc, const struct k8s_pod *p,
                          const char *tenant)
{
    if (sc->tenant[0] != '\0' && (tenant == NULL || strcmp(tenant, sc->tenant) != 0)) {
        return false;
    }
    if (sc->ns[0] != '\0' && strcmp(p->ns, sc->ns) != 0) {
        return false;
    }
    if (sc->node[0] != '\0' && (p->node == NULL || strcmp(p->node, sc->node) != 0)) {
        return false;
    }
    return sc->app[0] == '\0' || (p->app != NULL && strcmp(p->app, sc->app) == 0);
}

/* The text of a string column, NULL for a number column (or an absent value). */
static const char *pods_col_str(const struct pod_entry *e, int col)
{
    switch ((enum pods_col)col) {
    case PC_TENANT:
        return e->tenant;
    case PC_NAMESPACE:
        return e->pod->ns;
    case PC_NAME:
        return e->pod->name;
    case PC_STATUS:
        return e->pod->status;
    case PC_REASON:
        return e->pod->last_reason;
    case PC_NODE:
        return e->pod->node;
    case PC_IP:
        return e->pod->ip;
    default:
        return NULL;
    }
}

static bool pods_text_col(int col)
{
    return col != PC_READY && col != PC_RESTARTS && col != PC_CPU && col != PC_MEM &&
           col != PC_AGE;
}

/* A signed number as an unsigned key in the same order. */
static uint64_t pods_num_key(int64_t v)
{
    return (uint64_t)v ^ ((uint64_t)1 << 63);
}

/* The entry's value in a number column as a key in the column's order. */
static uint64_t pods_num_col_key(const struct pod_entry *e, int col)
{
    const struct k8s_pod *p = e->pod;

    switch ((enum pods_col)col) {
    case PC_READY:
        return ((uint64_t)p->ready << 32) | p->total;
    case PC_RESTARTS:
        return pods_num_key(p->restarts);
    case PC_CPU:
        return pods_num_key(e->cpu_m);
    case PC_MEM:
        return pods_num_key(e->mem_b);
    case PC_AGE: /* youngest first, as ages read */
        return pods_num_key(-p->created);
    default:
        return 0;
    }
}

/* Sorts by a column (col < 0: the default order), ties in the default order. The pairs
 * start in rank order (ranks are 0..count-1) and the sort is stable. */
static void pods_order(struct pods_state *st, int col, bool desc)
{
    struct keysort_item *items;
    struct pod_entry *sorted;
    uint64_t flip = desc ? UINT64_MAX : 0;

    if (st->count < 2) {
        return;
    }
    items = xmalloc(st->count * sizeof *items);
    for (size_t i = 0; i < st->count; i++) {
        const struct pod_entry *e = &st->rows[i];
        uint64_t key = col < 0 || pods_text_col(col) ? 0 : pods_num_col_key(e, col);

        items[e->rank] = (struct keysort_item){key ^ flip, (uint32_t)i};
    }
    if (col >= 0 && pods_text_col(col)) {
        /* The rows' strings in one array first, the pods fetched ahead (a pass of cache
         * misses either way, but overlapped). */
        const char **strs = xmalloc(st->count * sizeof *strs);

        for (size_t i = 0; i < st->count; i++) {
            if (i + 8 < st->count) {
                __builtin_prefetch(st->rows[i + 8].pod);
            }
            strs[i] = pods_col_str(&st->rows[i], col);
        }
        keysort_strings(items, st->count, strs, desc);
        free(strs);
    } else if (col >= 0) {
        keysort(items, st->count);
    }
    sorted = xmalloc(st->cap * sizeof *sorted);
    for (size_t i = 0; i < st->count; i++) {
        sorted[i] = st->rows[items[i].idx];
    }
    free(st->rows);
    st->rows = sorted;
    free(items);
}

static void pods_sort(struct view *v, size_t col, bool desc)
{
    pods_order(v->state, (int)col, desc);
}

static bool pods_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct pods_state *st = v->state;

    return !st->built || st->pod_gen != store_gen(ctx->store, STORE_POD) ||
           st->ns_gen != store_gen(ctx->store, STORE_NAMESPACE) ||
           st->metrics_gen != store_gen(ctx->store, STORE_POD_METRICS) ||
           st->changes.gen != store_gen(ctx->store, STORE_CHANGE);
}

/* One entry's usage from its pod's PodMetrics (keyed "ns/name"), -1 without one. */
static void pods_lookup_usage(struct pod_entry *e, const struct view_ctx *ctx)
{
    char key[K8S_METRICS_KEY_MAX];
    const struct k8s_metrics *m = (const struct k8s_metrics *)access_get(
        ctx->access, STORE_POD_METRICS,
        k8s_pod_metrics_key(e->pod->ns, e->pod->name, key, sizeof key));

    e->cpu_m = m != NULL ? m->cpu_m : -1;
    e->mem_b = m != NULL ? m->mem_b : -1;
}

static bool pods_any_usage(const struct pods_state *st)
{
    for (size_t i = 0; i < st->count; i++) {
        if (st->rows[i].cpu_m >= 0 || st->rows[i].mem_b >= 0) {
            return true;
        }
    }
    return false;
}

static void pods_fill_metrics(struct pods_state *st, const struct view_ctx *ctx)
{
    for (size_t i = 0; i < st->count; i++) {
        pods_lookup_usage(&st->rows[i], ctx);
    }
    st->metrics_any = pods_any_usage(st);
    st->metrics_gen = store_gen(ctx->store, STORE_POD_METRICS);
}

/* FNV-1a, continued over several strings: a CI's hash from its tenant and app as from its
 * name. */
static uint64_t pods_fnv(uint64_t h, const char *s)
{
    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    }
    return h;
}

#define PODS_FNV_BASIS 0xcbf29ce484222325ULL

/* Whether a CI is TENANT-APP. */
static bool pods_ci_is(const char *ci, const char *tenant, const char *app)
{
    size_t tl = strlen(tenant);

    return strncmp(ci, tenant, tl) == 0 && ci[tl] == '-' && strcmp(ci + tl + 1, app) == 0;
}

static bool pods_change_in_progress(const struct sn_change *ch)
{
    return ch->has_state && ch->state == SN_CHANGE_IMPLEMENT && ch->cmdb_ci != NULL;
}

/* The changes in progress, taken again when STORE_CHANGE moved (or `force`: another session
 * sees others); returns whether it did. */
static bool pods_changes_update(struct pods_changes *pc, const struct view_ctx *ctx, bool force)
{
    const uint64_t gen = store_gen(ctx->store, STORE_CHANGE);
    struct access_cursor cur;
    const struct store_row *r;
    size_t n = 0, size = 16;

    if (pc->built && pc->gen == gen && !force) {
        return false;
    }
    pc->gen = gen;
    pc->built = true;
    pc->count = 0;
    access_rows(ctx->access, STORE_CHANGE, &cur);
    while ((r = access_next(&cur, NULL)) != NULL) {
        n += pods_change_in_progress((const struct sn_change *)r);
    }
    if (n == 0) {
        return true;
    }
    while (size < 2 * n) {
        size *= 2;
    }
    if (pc->slots == NULL || pc->mask + 1 < size) {
        free(pc->slots);
        pc->slots = xmalloc(size * sizeof *pc->slots);
        pc->mask = size - 1;
    }
    memset(pc->slots, 0, (pc->mask + 1) * sizeof *pc->slots);
    access_rows(ctx->access, STORE_CHANGE, &cur);
    while ((r = access_next(&cur, NULL)) != NULL) {
        const struct sn_change *ch = (const struct sn_change *)r;
        uint64_t h;
        size_t i;

        if (!pods_change_in_progress(ch)) {
            continue;
        }
        h = pods_fnv(PODS_FNV_BASIS, ch->cmdb_ci);
        for (i = h & pc->mask;
             pc->slots[i].ci != NULL &&
             (pc->slots[i].hash != h || strcmp(pc->slots[i].ci, ch->cmdb_ci) != 0);
             i = (i + 1) & pc->mask) {
        }
        /* Two on one CI: the last one, as the apps view shows it. */
        pc->count += pc->slots[i].ci == NULL;
        pc->slots[i] = (struct pods_change_slot){ch->cmdb_ci, ch->number, h};
    }
    return true;
}

/* The change in progress on TENANT-APP, as pod_entry.change has it: one probe. */
static uint32_t pods_change_of(const struct pods_changes *pc, const char *tenant,
                               const char *app)
{
    uint64_t h;

    if (pc->count == 0 || tenant == NULL || app == NULL) {
        return 0;
    }
    h = pods_fnv(pods_fnv(pods_fnv(PODS_FNV_BASIS, tenant), "-"), app);
    for (size_t i = h & pc->mask; pc->slots[i].ci != NULL; i = (i + 1) & pc->mask) {
        if (pc->slots[i].hash == h && pods_ci_is(pc->slots[i].ci, tenant, app)) {
            return (uint32_t)i + 1;
        }
    }
    return 0;
}

/* The number of an entry's change in progress, NULL when none. */
static const char *pods_change_number(const struct pods_state *st, const struct pod_entry *e)
{
    return e->change != 0 ? st->changes.slots[e->change - 1].number : NULL;
}

static void pods_link_changes(struct pods_state *st)
{
    for (size_t i = 0; i < st->count; i++) {
        st->rows[i].change = pods_change_of(&st->changes, st->rows[i].tenant,
                                            st->rows[i].pod->app);
    }
}

/* The first index in rows[0..n) whose row sorts after `e` in the default order (`after`), or
 * not before it. */
static size_t pods_bound(const struct pod_entry *rows, size_t n, const struct pod_entry *e,
                         bool after)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = pod_entry_cmp(&rows[mid], e);

        if (c < 0 || (after && c == 0)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static int pods_size_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;

    return (x > y) - (x < y);
}

/* Drops the rows whose pod was replaced or removed since the last rebuild; returns how many
 * stay. The few gone pods are looked up by their place in the default order (a gone row keeps
 * its strings until store_commit()); many make one pass over every row cheaper. */
static size_t pods_drop_gone(struct pods_state *st, const struct view_ctx *ctx)
{
    struct store_row *const *gone;
    size_t ngone = access_rows_gone(ctx->access, STORE_POD, &gone), *drop, nd = 0, kept = 0;

    if (ngone > st->count / 16) {
        for (size_t i = 0; i < st->count; i++) {
            if (!st->rows[i].pod->row.gone) {
                st->rows[kept++] = st->rows[i];
            }
        }
        return kept;
    }
    drop = xmalloc((ngone + 1) * sizeof *drop);
    for (size_t g = 0; g < ngone; g++) {
        struct pod_entry key = {0};
        size_t lo;

        key.pod = (const struct k8s_pod *)gone[g];
        key.tenant = access_row_tenant(ctx->access, STORE_POD, gone[g]);
        /* Two pods may share namespace and name for a while (a relist puts the new one before
         * it sweeps the old): their order is either, so look along the equal ones. */
        for (lo = pods_bound(st->rows, st->count, &key, false);
             lo < st->count && st->rows[lo].pod != key.pod &&
             pod_entry_cmp(&st->rows[lo], &key) == 0;
             lo++) {
        }
        if (lo < st->count && st->rows[lo].pod == key.pod) {
            drop[nd++] = lo;
        }
    }
    qsort(drop, nd, sizeof *drop, pods_size_cmp);
    kept = nd > 0 ? drop[0] : st->count;
    for (size_t d = 0; d < nd; d++) {
        size_t from = drop[d] + 1, to = d + 1 < nd ? drop[d + 1] : st->count;

        memmove(&st->rows[kept], &st->rows[from], (to - from) * sizeof *st->rows);
        kept += to - from;
    }
    free(drop);
    return kept;
}

/* Churn, in the default order: the rows of the last rebuild stay where they are unless gone,
 * and the pods put since are sorted and merged in; only those look their usage up. 50,000
 * rows cost a pass over the kept ones instead of a sort and 50,000 metrics lookups. */
static void pods_merge_changes(struct pods_state *st, const struct view_ctx *ctx)
{
    struct pod_entry *add = NULL;
    size_t nadd = 0, capadd = 0, kept = 0, end;
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;

    access_rows_since(ctx->access, STORE_POD, st->pod_gen, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        const struct k8s_pod *p = (const struct k8s_pod *)r;

        if (!pods_in_scope(ctx->scope, p, tenant)) {
            continue;
        }
        if (nadd == capadd) {
            capadd = capadd != 0 ? capadd * 2 : 64;
            add = xrealloc(add, capadd * sizeof *add);
        }
        add[nadd].pod = p;
        add[nadd].tenant = tenant;
        add[nadd].change = pods_change_of(&st->changes, tenant, p->app);
        pods_lookup_usage(&add[nadd++], ctx);
    }
    kept = pods_drop_gone(st, ctx);
    if (nadd > 1) {
        qsort(add, nadd, sizeof *add, pod_entry_cmp);
    }
    if (kept + nadd > st->cap) {
        st->cap = kept + nadd + (kept + nadd) / 4 + 16;
        st->rows = xrealloc(st->rows, st->cap * sizeof *st->rows);
    }
    /* From the back: each new row's place among the kept ones, the kept ones after it moved
     * up in one block. */
    end = kept;
    for (size_t j = nadd; j > 0; j--) {
        size_t at = pods_bound(st->rows, end, &add[j - 1], true);

        memmove(&st->rows[at + j], &st->rows[at], (end - at) * sizeof *st->rows);
        st->rows[at + j - 1] = add[j - 1];
        end = at;
    }
    st->count = kept + nadd;
    for (size_t i = 0; i < st->count; i++) {
        st->rows[i].rank = (uint32_t)i;
    }
    st->metrics_any = pods_any_usage(st);
    free(add);
}

static bool pods_sorted_by_usage(const struct view *v)
{
    return v->sort_col == PC_CPU || v->sort_col == PC_MEM;
}

static void pods_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct pods_state *st = v->state;
    const uint64_t nt_gen = store_gen(ctx->store, STORE_NAMESPACE);
    const uint64_t pt_gen = store_gen(ctx->store, STORE_POD);
    const size_t pt_count = store_count(ctx->store, STORE_POD);
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;
    /* Built for the same namespaces, session and scope: only pods or usage moved. */
    bool same = st->built && st->ns_gen == nt_gen && st->access == ctx->access &&
                st->access_gen == access_gen(ctx->access) &&
                strcmp(st->scope.tenant, ctx->scope->tenant) == 0 &&
                strcmp(st->scope.ns, ctx->scope->ns) == 0 &&
                strcmp(st->scope.app, ctx->scope->app) == 0 &&
                strcmp(st->scope.node, ctx->scope->node) == 0;

    if (same && (st->pod_gen == pt_gen || ctx->rows_alive)) {
        bool reorder = false, changes_moved = pods_changes_update(&st->changes, ctx, false);

        if (st->pod_gen != pt_gen) {
            /* The changes merge into the default order; a column's order is sorted again
             * from it (a radix sort, a few ms at 50,000 rows). */
            if (v->sort_col >= 0) {
                pods_order(st, -1, false);
                reorder = true;
            }
            pods_merge_changes(st, ctx);
            st->pod_gen = pt_gen;
        }
        if (st->metrics_gen != store_gen(ctx->store, STORE_POD_METRICS)) {
            /* A metrics poll: usage refreshed in place, the order kept. */
            pods_fill_metrics(st, ctx);
            reorder = reorder || pods_sorted_by_usage(v);
        }
        if (changes_moved) {
            pods_link_changes(st);
        }
        if (reorder) {
            pods_order(st, v->sort_col, v->sort_desc);
        }
        return;
    }
    if (st->rows == NULL || st->cap < pt_count) {
        st->cap = pt_count + pt_count / 4 + 16;
        free(st->rows);
        st->rows = xmalloc(st->cap * sizeof *st->rows);
    }
    st->count = 0;
    pods_changes_update(&st->changes, ctx, true);
    access_rows(ctx->access, STORE_POD, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        const struct k8s_pod *p = (const struct k8s_pod *)r;

        if (!pods_in_scope(ctx->scope, p, tenant)) {
            continue;
        }
        st->rows[st->count].pod = p;
        st->rows[st->count].tenant = tenant;
        st->rows[st->count].change = pods_change_of(&st->changes, tenant, p->app);
        st->count++;
    }
    if (st->count > 1) {
        qsort(st->rows, st->count, sizeof *st->rows, pod_entry_cmp);
    }
    for (size_t i = 0; i < st->count; i++) {
        st->rows[i].rank = (uint32_t)i;
    }
    pods_fill_metrics(st, ctx);
    if (v->sort_col >= 0) {
        pods_order(st, v->sort_col, v->sort_desc);
    }
    st->pod_gen = pt_gen;
    st->ns_gen = nt_gen;
    st->access = ctx->access;
    st->access_gen = access_gen(ctx->access);
    st->scope = *ctx->scope;
    st->built = true;
}

static size_t pods_count(const struct view *v)
{
    const struct pods_state *st = v->state;

    return st->count;
}

/* The tone kubectl users read into a STATUS. */
static enum view_tone pods_status_tone(const struct k8s_pod *p)
{
    switch (k8s_pod_health(p)) {
    case K8S_POD_OK:
        return TONE_OK;
    case K8S_POD_DONE:
        return TONE_DIM;
    case K8S_POD_PENDING:
        return TONE_PENDING;
    case K8S_POD_WARN:
        return TONE_WARN;
    case K8S_POD_FAILING:
        return TONE_CRIT;
    case K8S_POD_UNKNOWN:
        break;
    }
    return TONE_UNKNOWN;
}

/* A usage cell: the value, "-" for a pod without a sample, "n/a" when no pod has one (no
 * metrics API, or none yet). */
static enum view_tone pods_usage(const struct pods_state *st, int64_t v,
                                 char *(*fmt)(int64_t, char *, size_t), char *buf, size_t size)
{
    if (v < 0) {
        snprintf(buf, size, "%s", st->metrics_any ? "-" : "n/a");
        return TONE_DIM;
    }
    fmt(v, buf, size);
    return TONE_NORMAL;
}

static enum view_tone pods_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                size_t col, char *buf, size_t size)
{
    const struct pods_state *st = v->state;
    const struct pod_entry *e = &st->rows[row];
    const struct k8s_pod *p = e->pod;

    switch ((enum pods_col)col) {
    case PC_TENANT:
        snprintf(buf, size, "%s", e->tenant != NULL ? e->tenant : "-");
        return e->tenant != NULL ? TONE_NORMAL : TONE_DIM;
    case PC_NAMESPACE:
        snprintf(buf, size, "%s", p->ns);
        return TONE_NORMAL;
    case PC_NAME:
        if (e->change != 0) { /* a platform change in progress on its app, as in :apps */
            snprintf(buf, size, "%s [%s in progress]", p->name, pods_change_number(st, e));
            return TONE_WARN;
        }
        snprintf(buf, size, "%s", p->name);
        return TONE_NORMAL;
    case PC_READY:
        snprintf(buf, size, "%u/%u", p->ready, p->total);
        return p->ready < p->total && strcmp(p->status, "Completed") != 0 ? TONE_WARN
                                                                          : TONE_NORMAL;
    case PC_STATUS:
        snprintf(buf, size, "%s", p->status != NULL ? p->status : "");
        return pods_status_tone(p);
    case PC_RESTARTS:
        k8s_fmt_restarts(p->restarts, p->last_restart, ctx->now, buf, size);
        return p->last_restart != 0 && ctx->now - p->last_restart < 600 ? TONE_WARN
                                                                        : TONE_NORMAL;
    case PC_CPU:
        return pods_usage(st, e->cpu_m, k8s_fmt_cpu, buf, size);
    case PC_MEM:
        return pods_usage(st, e->mem_b, k8s_fmt_mem, buf, size);
    case PC_AGE:
        if (p->created == 0) {
            snprintf(buf, size, "<unknown>");
        } else {
            k8s_fmt_age(ctx->now - p->created, buf, size);
        }
        return TONE_NORMAL;
    case PC_REASON:
        snprintf(buf, size, "%s", p->last_reason != NULL ? p->last_reason : "-");
        if (p->last_reason == NULL) {
            return TONE_DIM;
        }
        return strcmp(p->last_reason, "Completed") != 0 ? TONE_WARN : TONE_NORMAL;
    case PC_NODE:
        snprintf(buf, size, "%s", p->node != NULL ? p->node : "<none>");
        return p->node != NULL ? TONE_NORMAL : TONE_DIM;
    case PC_IP:
        snprintf(buf, size, "%s", p->ip != NULL ? p->ip : "<none>");
        return p->ip != NULL ? TONE_NORMAL : TONE_DIM;
    case PC_COUNT:
        break;
    }
    buf[0] = '\0';
    return TONE_NORMAL;
}

static const char *pods_row_key(const struct view *v, size_t row)
{
    const struct pods_state *st = v->state;

    return row < st->count ? st->rows[row].pod->row.uid : NULL;
}

/* The pod row a table row shows, and a digest of what else its cells read (for the filter
 * texts kept across rebuilds, see view.h). */
static const struct store_row *pods_row_source(const struct view *v, size_t row, uint64_t *extra)
{
    const struct pods_state *st = v->state;
    const struct pod_entry *e = &st->rows[row];

    *extra = view_mix_str(
        view_mix(view_mix(view_mix_str(st->metrics_any, e->tenant), (uint64_t)e->cpu_m),
                 (uint64_t)e->mem_b),
        pods_change_number(st, e));
    return &e->pod->row;
}

static int64_t pods_next_tick(const struct view *v, const struct view_ctx *ctx, size_t row)
{
    const struct pods_state *st = v->state;
    const struct k8s_pod *p = st->rows[row].pod;
    int64_t next = p->created != 0 ? k8s_age_next_change(ctx->now - p->created) : -1;

    if (p->last_restart != 0) {
        int64_t r = k8s_age_next_change(ctx->now - p->last_restart);
        if (next < 0 || r < next) {
            next = r;
        }
    }
    return next;
}

/* TENANT when every pod is one tenant's, NAMESPACE when every pod is in one namespace, NODE
 * when every pod is on one node (a node's pods). */
static bool pods_redundant(const struct view *v, size_t col)
{
    const struct pods_state *st = v->state;

    if ((col != PC_TENANT && col != PC_NAMESPACE && col != PC_NODE) || st->count == 0) {
        return false;
    }
    for (size_t i = 1; i < st->count; i++) {
        const char *a = pods_col_str(&st->rows[i], (int)col);
        const char *b = pods_col_str(&st->rows[0], (int)col);

        if (str_cmp_null(a, b) != 0) {
            return false;
        }
    }
    return true;
}

static const enum action pods_actions[] = {ACT_DESCRIBE, ACT_RAW, ACT_DELETE, ACT_LOGS,
                                           ACT_NEW_INCIDENT, ACT_NONE};

/* n on a pod: a ServiceNow incident prefilled with what the console knows, ending in the
 * evidence (status, restarts, the last restart's reason). */
static struct source_request *pods_incident(const struct k8s_pod *p, const char *tenant,
                                            int64_t now)
{
    char ago[32] = "", *shortd, *desc, *ci;
    struct source_request *r;

    if (p->last_restart != 0) {
        k8s_fmt_age(now - p->last_restart, ago, sizeof ago);
    }
    shortd = xasprintf("%s: pod %s is %s", p->app != NULL ? p->app : p->name, p->name,
                       p->status != NULL ? p->status : "unknown");
    desc = xasprintf("Evidence from govconsole:\npod %s/%s: status %s, %d/%d ready, %d restarts"
                     "%s%s%s%s%s\nnode %s, version %s",
                     p->ns, p->name, p->status != NULL ? p->status : "unknown", p->ready,
                     p->total, p->restarts, p->last_reason != NULL ? "\nlast restart reason " : "",
                     p->last_reason != NULL ? p->last_reason : "", ago[0] != '\0' ? " (" : "",
                     ago, ago[0] != '\0' ? " ago)" : "", p->node != NULL ? p->node : "none",
                     p->version != NULL ? p->version : "unknown");
    ci = tenant != NULL && p->app != NULL ? xasprintf("%s-%s", tenant, p->app) : NULL;
    r = sn_request_create(tenant, shortd, desc, ci);
    free(shortd);
    free(desc);
    free(ci);
    return r;
}

/* d, y, Ctrl-D and l: the pod's requests to the Kubernetes source. */
static struct source_request *pods_request(const struct view *v, const struct view_ctx *ctx,
                                           size_t row, enum action act, char **err)
{
    const struct pods_state *st = v->state;
    const struct k8s_pod *p;
    const char *tenant;
    struct source_request *r = NULL;

    if (row >= st->count) {
        *err = xstrdup("no pod here");
        return NULL;
    }
    p = st->rows[row].pod;
    tenant = access_row_tenant(ctx->access, STORE_POD, &p->row);
    switch (act) {
    case ACT_DESCRIBE:
    case ACT_RAW:
        r = k8s_request_detail(K8S_OBJECT_POD, p->ns, p->name, p->row.uid, tenant,
                               act == ACT_RAW);
        break;
    case ACT_DELETE:
        r = k8s_request_delete_pod(p->ns, p->name, p->row.uid, p->owner, tenant);
        break;
    case ACT_LOGS:
        r = k8s_request_logs(p->ns, p->name, p->row.uid, p->containers, tenant);
        break;
    case ACT_NEW_INCIDENT: /* ServiceNow (issue 14) */
        r = pods_incident(p, tenant, ctx->now);
        break;
    default:
        break;
    }
    if (r == NULL) {
        *err = xstrdup("this pod's name cannot be used in a request");
    }
    return r;
}

static void pods_fini(struct view *v)
{
    struct pods_state *st = v->state;

    free(st->rows);
    free(st->changes.slots);
}

static const char *const pods_aliases[] = {"po", "pod", NULL};

const struct view_ops pods_view = {
    .name = "pods",
    .aliases = pods_aliases,
    .title = "pods",
    .columns = pods_columns,
    .ncolumns = PC_COUNT,
    .state_size = sizeof(struct pods_state),
    .source = "kubernetes",
    .fini = pods_fini,
    .stale = pods_stale,
    .rebuild = pods_rebuild,
    .count = pods_count,
    .cell = pods_cell,
    .row_key = pods_row_key,
    .row_source = pods_row_source,
    .next_tick = pods_next_tick,
    .redundant = pods_redundant,
    .sort = pods_sort,
    .actions = pods_actions,
    .request = pods_request,
};
