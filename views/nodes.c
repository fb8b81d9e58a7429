/* The nodes view, for operators: each node as `kubectl get nodes` shows it (STATUS with
 * SchedulingDisabled, ROLES, VERSION, AGE), with its pods against what it can hold, its CPU
 * and memory used (metrics.k8s.io) against its allocatable, and its taints. Nodes belong to no
 * tenant: a session scoped to some tenants cannot open the view. Enter shows the node's pods. */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8s/k8s_model.h"
#include "core/xalloc.h"
#include "views/view.h"

enum nodes_col { OC_NAME, OC_STATUS, OC_ROLES, OC_PODS, OC_CPU, OC_MEM, OC_VERSION, OC_AGE,
                 OC_TAINTS, OC_COUNT };

static const struct view_column nodes_columns[OC_COUNT] = {
    [OC_NAME] = {"NAME", 8, COL_GROW | COL_MIDCUT, 'N', COL_KEEP_ALWAYS},
    [OC_STATUS] = {"STATUS", 6, COL_NOTRUNC, 'S', COL_KEEP_ALWAYS},
    [OC_ROLES] = {"ROLES", 5, 0, 'R', 6},
    /* amounts are whole or not shown: a cut one reads as another */
    [OC_PODS] = {"PODS", 4, COL_RIGHT | COL_NOTRUNC, 'P', 7},
    [OC_CPU] = {"CPU/ALLOC", 9, COL_RIGHT | COL_NOTRUNC, 'C', 8},
    [OC_MEM] = {"MEM/ALLOC", 9, COL_RIGHT | COL_NOTRUNC, 'M', 8},
    [OC_VERSION] = {"VERSION", 7, 0, 'V', 5},
    [OC_AGE] = {"AGE", 4, COL_RIGHT, 'A', 4},
    [OC_TAINTS] = {"TAINTS", 6, COL_SHRINK, 'T', 3},
};

struct node_entry {
    const struct k8s_node *node;
    int64_t pods;  /* pods whose spec.nodeName is the node */
    int64_t cpu_m; /* used, from its NodeMetrics; -1 without a sample */
    int64_t mem_b;
    uint32_t rank; /* position in the default order (by name) */
};

struct nodes_state {
    struct node_entry *rows;
    size_t count;
    uint64_t node_gen, pod_gen, metrics_gen;
    bool metrics_any; /* some node has a sample: one without shows "-", else all "n/a" */
    bool built;
};

static int nodes_name_cmp(const void *pa, const void *pb)
{
    const struct node_entry *a = pa, *b = pb;

    return strcmp(a->node->name, b->node->name);
}

/* Used as a share of allocatable in per mille, -1 when either is unknown. */
static int64_t nodes_permille(int64_t used, int64_t alloc)
{
    return used < 0 || alloc <= 0 ? -1 : used * 1000 / alloc;
}

/* A usage column's order: by share of allocatable, then by amount. */
static int nodes_usage_cmp(int64_t used_a, int64_t alloc_a, int64_t used_b, int64_t alloc_b)
{
    int c = view_int_cmp(nodes_permille(used_a, alloc_a), nodes_permille(used_b, alloc_b));

    return c != 0 ? c : view_int_cmp(used_a, used_b);
}

static int nodes_cmp_col(const struct node_entry *a, const struct node_entry *b, int col)
{
    const struct k8s_node *x = a->node, *y = b->node;

    switch ((enum nodes_col)col) {
    case OC_NAME:
        return strcmp(x->name, y->name);
    case OC_STATUS:
        return strcmp(x->status, y->status);
    case OC_ROLES:
        return view_str_cmp(x->roles, y->roles);
    case OC_PODS:
        return nodes_usage_cmp(a->pods, x->pods_alloc, b->pods, y->pods_alloc);
    case OC_CPU:
        return nodes_usage_cmp(a->cpu_m, x->cpu_alloc, b->cpu_m, y->cpu_alloc);
    case OC_MEM:
        return nodes_usage_cmp(a->mem_b, x->mem_alloc, b->mem_b, y->mem_alloc);
    case OC_VERSION:
        return view_str_cmp(x->version, y->version);
    case OC_AGE: /* youngest first, as ages read */
        return view_int_cmp(y->created, x->created);
    case OC_TAINTS:
        return view_str_cmp(x->taints, y->taints);
    case OC_COUNT:
        break;
    }
    return 0;
}

static int nodes_sort_cmp(const void *pa, const void *pb, void *arg)
{
    const struct node_entry *a = pa, *b = pb;
    const struct view *v = arg;
    int c = v->sort_col >= 0 ? nodes_cmp_col(a, b, v->sort_col) : 0;

    if (v->sort_desc) {
        c = -c;
    }
    return c != 0 ? c : view_int_cmp(a->rank, b->rank);
}

static void nodes_sort(struct view *v, size_t col, bool desc)
{
    struct nodes_state *st = v->state;

    (void)col;
    (void)desc; /* v->sort_col and v->sort_desc say the same */
    if (st->count > 1) {
        qsort_r(st->rows, st->count, sizeof *st->rows, nodes_sort_cmp, v);
    }
}

static bool nodes_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct nodes_state *st = v->state;

    return !st->built || st->node_gen != store_gen(ctx->store, STORE_NODE) ||
           st->pod_gen != store_gen(ctx->store, STORE_POD) ||
           st->metrics_gen != store_gen(ctx->store, STORE_NODE_METRICS);
}

/* PODS: each scheduled pod counted for its node's row (rows sorted by name). */
static void nodes_count_pods(struct nodes_state *st, struct access *acc)
{
    struct access_cursor cur;
    const struct store_row *r;

    access_rows(acc, STORE_POD, &cur);
    while (st->count > 0 && (r = access_next(&cur, NULL)) != NULL) {
        const struct k8s_pod *p = (const struct k8s_pod *)r;
        struct k8s_node key_node = {.name = p->node};
        struct node_entry key = {.node = &key_node}, *e;

        if (p->node == NULL) {
            continue;
        }
        e = bsearch(&key, st->rows, st->count, sizeof *st->rows, nodes_name_cmp);
        if (e != NULL) {
            e->pods++;
        }
    }
}

static void nodes_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct nodes_state *st = v->state;
    struct access_cursor cur;
    const struct store_row *r;

    free(st->rows);
    st->rows = xcalloc(store_count(ctx->store, STORE_NODE) + 1, sizeof *st->rows);
    st->count = 0;
    st->metrics_any = false;
    access_rows(ctx->access, STORE_NODE, &cur);
    while ((r = access_next(&cur, NULL)) != NULL) {
        const struct k8s_node *n = (const struct k8s_node *)r;
        const struct k8s_metrics *m;

        if (n->name == NULL) {
            continue;
        }
        /* NodeMetrics are keyed by the node's name (k8s_model.h) */
        m = (const struct k8s_metrics *)access_get(ctx->access, STORE_NODE_METRICS, n->name);
        st->rows[st->count++] = (struct node_entry){
            .node = n, .cpu_m = m != NULL ? m->cpu_m : -1, .mem_b = m != NULL ? m->mem_b : -1};
        st->metrics_any = st->metrics_any || m != NULL;
    }
    qsort(st->rows, st->count, sizeof *st->rows, nodes_name_cmp);
    nodes_count_pods(st, ctx->access);
    for (size_t i = 0; i < st->count; i++) {
        st->rows[i].rank = (uint32_t)i;
    }
    if (v->sort_col >= 0) {
        nodes_sort(v, (size_t)v->sort_col, v->sort_desc);
    }
    st->node_gen = store_gen(ctx->store, STORE_NODE);
    st->pod_gen = store_gen(ctx->store, STORE_POD);
    st->metrics_gen = store_gen(ctx->store, STORE_NODE_METRICS);
    st->built = true;
}

static size_t nodes_count(const struct view *v)
{
    const struct nodes_state *st = v->state;

    return st->count;
}

/* The tone of a share of capacity: critical from 95 %, a warning from 80 %. */
static enum view_tone nodes_share_tone(int64_t permille)
{
    return permille >= 950 ? TONE_CRIT : permille >= 800 ? TONE_WARN : TONE_NORMAL;
}

/* "used/alloc pct%" with both in `unit` (1000 millicores a core, 2^30 bytes a GiB) to one
 * decimal and `suffix` after alloc: "3.2/15.8 20%", "41.3/61.7Gi 67%". Usage unknown: "n/a"
 * when no node has a sample, "-" when this one has none; allocatable unknown: "-". */
static enum view_tone nodes_usage(const struct nodes_state *st, int64_t used, int64_t alloc,
                                  double unit, const char *suffix, char *buf, size_t size)
{
    char u[32], al[32];
    int64_t pm = nodes_permille(used, alloc);

    if (used >= 0) {
        snprintf(u, sizeof u, "%.1f", (double)used / unit);
    } else {
        snprintf(u, sizeof u, "%s", st->metrics_any ? "-" : "n/a");
    }
    if (alloc >= 0) {
        snprintf(al, sizeof al, "%.1f%s", (double)alloc / unit, suffix);
    } else {
        snprintf(al, sizeof al, "-");
    }
    if (pm < 0) {
        snprintf(buf, size, "%s/%s", u, al);
        return used < 0 ? TONE_DIM : TONE_NORMAL;
    }
    snprintf(buf, size, "%s/%s %lld%%", u, al, (long long)((pm + 5) / 10));
    return nodes_share_tone(pm);
}

static enum view_tone nodes_status_tone(const struct k8s_node *n)
{
    if (n->ready != K8S_NODE_READY) {
        return TONE_CRIT;
    }
    return n->unschedulable ? TONE_WARN : TONE_OK;
}

static enum view_tone nodes_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                 size_t col, char *buf, size_t size)
{
    const struct nodes_state *st = v->state;
    const struct node_entry *e = &st->rows[row];
    const struct k8s_node *n = e->node;

    switch ((enum nodes_col)col) {
    case OC_NAME:
        snprintf(buf, size, "%s", n->name);
        return TONE_NORMAL;
    case OC_STATUS:
        snprintf(buf, size, "%s", n->status);
        return nodes_status_tone(n);
    case OC_ROLES:
        snprintf(buf, size, "%s", n->roles != NULL ? n->roles : "<none>");
        return n->roles != NULL ? TONE_NORMAL : TONE_DIM;
    case OC_PODS:
        if (n->pods_alloc < 0) {
            snprintf(buf, size, "%lld", (long long)e->pods);
            return TONE_NORMAL;
        }
        snprintf(buf, size, "%lld/%lld", (long long)e->pods, (long long)n->pods_alloc);
        return nodes_share_tone(nodes_permille(e->pods, n->pods_alloc));
    case OC_CPU:
        return nodes_usage(st, e->cpu_m, n->cpu_alloc, 1000.0, "", buf, size);
    case OC_MEM:
        return nodes_usage(st, e->mem_b, n->mem_alloc, 1073741824.0, "Gi", buf, size);
    case OC_VERSION:
        snprintf(buf, size, "%s", n->version != NULL ? n->version : "-");
        return n->version != NULL ? TONE_NORMAL : TONE_DIM;
    case OC_AGE:
        if (n->created == 0) {
            snprintf(buf, size, "<unknown>");
        } else {
            k8s_fmt_age(ctx->now - n->created, buf, size);
        }
        return TONE_NORMAL;
    case OC_TAINTS:
        snprintf(buf, size, "%s", n->taints != NULL ? n->taints : "<none>");
        return n->taints != NULL ? TONE_NORMAL : TONE_DIM;
    case OC_COUNT:
        break;
    }
    buf[0] = '\0';
    return TONE_NORMAL;
}

static const char *nodes_row_key(const struct view *v, size_t row)
{
    const struct nodes_state *st = v->state;

    return row < st->count ? st->rows[row].node->row.uid : NULL;
}

/* The node's row; its pods and usage come from elsewhere, and whether any node has metrics
 * decides "n/a" or "-". */
static const struct store_row *nodes_row_source(const struct view *v, size_t row, uint64_t *extra)
{
    const struct nodes_state *st = v->state;
    const struct node_entry *e = &st->rows[row];
    uint64_t h = view_mix((uint64_t)e->pods, (uint64_t)e->cpu_m);

    *extra = view_mix(view_mix(h, (uint64_t)e->mem_b), st->metrics_any);
    return &e->node->row;
}

static int64_t nodes_next_tick(const struct view *v, const struct view_ctx *ctx, size_t row)
{
    const struct nodes_state *st = v->state;
    const struct k8s_node *n = st->rows[row].node;

    return n->created != 0 ? k8s_age_next_change(ctx->now - n->created) : -1;
}

static bool nodes_enter(const struct view *v, const struct view_scope *scope, size_t row,
                        struct view_target *out)
{
    const struct nodes_state *st = v->state;
    const char *name;

    if (row >= st->count) {
        return false;
    }
    name = st->rows[row].node->name;
    if (strlen(name) >= sizeof out->scope.node) {
        return false; /* not a node name Kubernetes allows */
    }
    out->view = "pods";
    out->scope = *scope;
    snprintf(out->scope.node, sizeof out->scope.node, "%s", name);
    snprintf(out->label, sizeof out->label, "%s", name);
    return true;
}

static void nodes_fini(struct view *v)
{
    struct nodes_state *st = v->state;

    free(st->rows);
}

static const char *const nodes_aliases[] = {"no", "node", NULL};

const struct view_ops nodes_view = {
    .name = "nodes",
    .aliases = nodes_aliases,
    .title = "nodes",
    .columns = nodes_columns,
    .ncolumns = OC_COUNT,
    .state_size = sizeof(struct nodes_state),
    .source = "kubernetes",
    .source_part = "nodes",
    .cluster_scoped = true,
    .fini = nodes_fini,
    .stale = nodes_stale,
    .rebuild = nodes_rebuild,
    .count = nodes_count,
    .cell = nodes_cell,
    .row_key = nodes_row_key,
    .row_source = nodes_row_source,
    .next_tick = nodes_next_tick,
    .sort = nodes_sort,
    .enter = nodes_enter,
};
