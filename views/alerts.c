/* The alerts view (:alerts, -c alerts): every Nagios host and service that is not OK, worst
 * first (critical, down, unreachable, warning, unknown; then longest in state), or all of them
 * (t toggles). The title counts the rows in scope by state. Narrowed to a tenant
 * (`:alerts dmi`) or to one Nagios host (scope.node holds the host: Enter on a service), where
 * it shows every state of that host.
 *
 * Enter on a host row whose app runs in Kubernetes (a Deployment or StatefulSet with that
 * app label in the host's tenant) shows that app's pods; on any other row, the host's
 * services. d shows every field Nagios returns for the object with its comments and
 * downtimes; a acknowledges a problem and D schedules a downtime (core/nagios/
 * nagios_request.h); until the next poll shows the change, its cell says "sent". */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8s/k8s_model.h"
#include "core/nagios/nagios_request.h"
#include "core/nagios/nagios_status.h"
#include "core/servicenow/sn_request.h"
#include "core/xalloc.h"
#include "views/view.h"

enum alerts_col {
    LC_STATE,
    LC_TENANT,
    LC_APP,
    LC_HOST,
    LC_SERVICE,
    LC_DURATION,
    LC_ATTEMPT,
    LC_OUTPUT,
    LC_ACK,
    LC_DOWNTIME,
    LC_FLAP,
    LC_CHECKED,
    LC_COUNT
};

/* Sort keys avoid D (downtime) and G (bottom): bound keys win on a view that offers them. */
static const struct view_column alerts_columns[LC_COUNT] = {
    [LC_STATE] = {"STATE", 8, COL_NOTRUNC, 'S', COL_KEEP_ALWAYS},
    [LC_TENANT] = {"TENANT", 6, 0, 'T', 6},
    [LC_APP] = {"APP", 3, COL_MIDCUT, 'P', 5},
    [LC_HOST] = {"HOST", 4, COL_GROW | COL_MIDCUT, 'H', COL_KEEP_ALWAYS},
    [LC_SERVICE] = {"SERVICE", 7, COL_MIDCUT, 'V', 8},
    [LC_DURATION] = {"DURATION", 8, COL_RIGHT, 'U', 7},
    [LC_ATTEMPT] = {"ATTEMPT", 7, COL_RIGHT, 'M', 4},
    [LC_OUTPUT] = {"OUTPUT", 6, COL_SHRINK, 'O', 6},
    [LC_ACK] = {"ACK", 3, 0, 'K', 5},
    [LC_DOWNTIME] = {"DOWNTIME", 8, 0, 'W', 5},
    [LC_FLAP] = {"FLAP", 4, 0, 'F', 2},
    [LC_CHECKED] = {"CHECKED", 7, COL_RIGHT, 'C', 3},
};

struct alert_entry {
    const struct nagios_row *r;
    enum store_kind kind;
    const char *k8s_ns; /* a host row whose app runs in Kubernetes: its namespace, else NULL */
    uint32_t rank;
};

struct alerts_state {
    struct alert_entry *rows;
    size_t count;
    uint64_t host_gen, svc_gen, dep_gen, sts_gen, access_gen;
    bool all;       /* every state, not only problems */
    bool built_all; /* what the rows were built with */
    bool built;
    bool one_host;  /* narrowed to one host: every state shows */
    size_t by_state[NAGIOS_UNREACHABLE + 1]; /* rows in scope, whatever the toggle */
    char scope_key[64 + 256];
};

/* ---- order ------------------------------------------------------------------------------ */

/* The default order: worst first, then longest in state, then host and service. */
static int alerts_default_cmp(const struct nagios_row *a, const struct nagios_row *b)
{
    int c = view_int_cmp(nagios_state_rank(a->state), nagios_state_rank(b->state));

    if (c == 0) {
        c = view_int_cmp(a->last_state_change, b->last_state_change);
    }
    if (c == 0) {
        c = strcmp(a->host, b->host);
    }
    if (c == 0) {
        c = view_str_cmp(a->service, b->service);
    }
    return c;
}

static int alerts_qsort_default(const void *pa, const void *pb)
{
    return alerts_default_cmp(((const struct alert_entry *)pa)->r,
                              ((const struct alert_entry *)pb)->r);
}

static int alerts_cmp_col(const struct alert_entry *ea, const struct alert_entry *eb, int col)
{
    const struct nagios_row *a = ea->r, *b = eb->r;

    switch ((enum alerts_col)col) {
    case LC_STATE:
        return view_int_cmp(nagios_state_rank(a->state), nagios_state_rank(b->state));
    case LC_TENANT:
        return view_str_cmp(a->tenant, b->tenant);
    case LC_APP:
        return view_str_cmp(a->app, b->app);
    case LC_HOST:
        return strcmp(a->host, b->host);
    case LC_SERVICE:
        return view_str_cmp(a->service, b->service);
    case LC_DURATION: /* longest first, as durations read largest first */
        return view_int_cmp(b->last_state_change, a->last_state_change);
    case LC_ATTEMPT:
        return view_int_cmp(a->attempt, b->attempt);
    case LC_OUTPUT:
        return strcmp(a->output, b->output);
    case LC_ACK:
        return view_int_cmp(a->acked, b->acked);
    case LC_DOWNTIME:
        return view_int_cmp(a->downtime_depth, b->downtime_depth);
    case LC_FLAP:
        return view_int_cmp(a->flapping, b->flapping);
    case LC_CHECKED:
        return view_int_cmp(b->last_check, a->last_check);
    case LC_COUNT:
        break;
    }
    return 0;
}

static int alerts_sort_cmp(const void *pa, const void *pb, void *arg)
{
    const struct alert_entry *a = pa, *b = pb;
    const struct view *v = arg;
    int c = v->sort_col >= 0 ? alerts_cmp_col(a, b, v->sort_col) : 0;

    if (v->sort_desc) {
        c = -c;
    }
    return c != 0 ? c : view_int_cmp(a->rank, b->rank);
}

static void alerts_sort(struct view *v, size_t col, bool desc)
{
    struct alerts_state *st = v->state;

    (void)col;
    (void)desc; /* v->sort_col and v->sort_desc say the same */
    if (st->count > 1) {
        qsort_r(st->rows, st->count, sizeof *st->rows, alerts_sort_cmp, v);
    }
}

/* ---- rows ------------------------------------------------------------------------------- */

static void alerts_scope_key(const struct view_ctx *ctx, char *buf, size_t size)
{
    snprintf(buf, size, "%s\n%s", ctx->scope->tenant, ctx->scope->node);
}

static bool alerts_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct alerts_state *st = v->state;
    char key[sizeof st->scope_key];

    alerts_scope_key(ctx, key, sizeof key);
    return !st->built || st->all != st->built_all ||
           st->host_gen != store_gen(ctx->store, STORE_NAGIOS_HOST) ||
           st->svc_gen != store_gen(ctx->store, STORE_NAGIOS_SERVICE) ||
           st->dep_gen != store_gen(ctx->store, STORE_DEPLOYMENT) ||
           st->sts_gen != store_gen(ctx->store, STORE_STATEFULSET) ||
           st->access_gen != access_gen(ctx->access) || strcmp(key, st->scope_key) != 0;
}

/* "tenant\napp" of a workload, for finding a host's app in Kubernetes. */
struct k8s_app_key {
    char *key;
    const char *ns;
};

static int k8s_app_key_cmp(const void *a, const void *b)
{
    return strcmp(((const struct k8s_app_key *)a)->key, ((const struct k8s_app_key *)b)->key);
}

/* Every Deployment and StatefulSet in scope by tenant and app, sorted (caller frees). */
static struct k8s_app_key *alerts_k8s_apps(const struct view_ctx *ctx, size_t *n)
{
    static const enum store_kind kinds[] = {STORE_DEPLOYMENT, STORE_STATEFULSET};
    size_t cap = store_count(ctx->store, STORE_DEPLOYMENT) +
                 store_count(ctx->store, STORE_STATEFULSET) + 1;
    struct k8s_app_key *keys = xcalloc(cap, sizeof *keys);

    *n = 0;
    for (size_t k = 0; k < 2; k++) {
        struct access_cursor cur;
        const struct store_row *r;
        const char *tenant;

        access_rows(ctx->access, kinds[k], &cur);
        while ((r = access_next(&cur, &tenant)) != NULL && *n < cap) {
            const struct k8s_workload *w = (const struct k8s_workload *)r;

            if (tenant != NULL && w->app != NULL) {
                keys[*n].key = xasprintf("%s\n%s", tenant, w->app);
                keys[*n].ns = w->ns;
                (*n)++;
            }
        }
    }
    qsort(keys, *n, sizeof *keys, k8s_app_key_cmp);
    return keys;
}

/* Adds the visible rows of one kind to st->rows (sized by the caller). */
static void alerts_collect(struct alerts_state *st, const struct view_ctx *ctx,
                           enum store_kind kind, const struct k8s_app_key *apps, size_t napps)
{
    struct access_cursor cur;
    const struct store_row *row;
    const char *tenant;
    const struct view_scope *sc = ctx->scope;

    access_rows(ctx->access, kind, &cur);
    while ((row = access_next(&cur, &tenant)) != NULL) {
        const struct nagios_row *r = (const struct nagios_row *)row;
        struct alert_entry *e;

        if (sc->tenant[0] != '\0' && (tenant == NULL || strcmp(tenant, sc->tenant) != 0)) {
            continue;
        }
        if (sc->node[0] != '\0' && strcmp(r->host, sc->node) != 0) {
            continue;
        }
        st->by_state[r->state]++;
        if (!st->all && sc->node[0] == '\0' && !nagios_state_problem(r->state)) {
            continue;
        }
        e = &st->rows[st->count++];
        *e = (struct alert_entry){.r = r, .kind = kind};
        if (kind == STORE_NAGIOS_HOST && tenant != NULL && r->app != NULL && napps > 0) {
            char *k = xasprintf("%s\n%s", tenant, r->app);
            struct k8s_app_key key = {.key = k}, *hit;

            hit = bsearch(&key, apps, napps, sizeof *apps, k8s_app_key_cmp);
            e->k8s_ns = hit != NULL ? hit->ns : NULL;
            free(k);
        }
    }
}

static void alerts_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct alerts_state *st = v->state;
    size_t napps = 0;
    struct k8s_app_key *apps = alerts_k8s_apps(ctx, &napps);

    free(st->rows);
    st->rows = xcalloc(store_count(ctx->store, STORE_NAGIOS_HOST) +
                           store_count(ctx->store, STORE_NAGIOS_SERVICE) + 1,
                       sizeof *st->rows);
    st->count = 0;
    memset(st->by_state, 0, sizeof st->by_state);
    alerts_collect(st, ctx, STORE_NAGIOS_HOST, apps, napps);
    alerts_collect(st, ctx, STORE_NAGIOS_SERVICE, apps, napps);
    for (size_t i = 0; i < napps; i++) {
        free(apps[i].key);
    }
    free(apps);
    qsort(st->rows, st->count, sizeof *st->rows, alerts_qsort_default);
    for (size_t i = 0; i < st->count; i++) {
        st->rows[i].rank = (uint32_t)i;
    }
    if (v->sort_col >= 0) {
        alerts_sort(v, (size_t)v->sort_col, v->sort_desc);
    }
    st->host_gen = store_gen(ctx->store, STORE_NAGIOS_HOST);
    st->svc_gen = store_gen(ctx->store, STORE_NAGIOS_SERVICE);
    st->dep_gen = store_gen(ctx->store, STORE_DEPLOYMENT);
    st->sts_gen = store_gen(ctx->store, STORE_STATEFULSET);
    st->access_gen = access_gen(ctx->access);
    alerts_scope_key(ctx, st->scope_key, sizeof st->scope_key);
    st->built_all = st->all;
    st->one_host = ctx->scope->node[0] != '\0';
    st->built = true;
}

static size_t alerts_count(const struct view *v)
{
    const struct alerts_state *st = v->state;

    return st->count;
}

static enum view_tone alerts_state_tone(enum nagios_state s)
{
    switch (s) {
    case NAGIOS_CRITICAL:
    case NAGIOS_DOWN:
    case NAGIOS_UNREACHABLE:
        return TONE_CRIT;
    case NAGIOS_WARNING:
        return TONE_WARN;
    case NAGIOS_UNKNOWN:
        return TONE_UNKNOWN;
    case NAGIOS_PENDING:
        return TONE_PENDING;
    case NAGIOS_OK:
    case NAGIOS_UP:
        break;
    }
    return TONE_OK;
}

static enum view_tone alerts_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                  size_t col, char *buf, size_t size)
{
    const struct alerts_state *st = v->state;
    const struct nagios_row *r = st->rows[row].r;

    switch ((enum alerts_col)col) {
    case LC_STATE:
        snprintf(buf, size, "%s", nagios_state_name(r->state));
        return alerts_state_tone(r->state);
    case LC_TENANT:
        snprintf(buf, size, "%s", r->tenant != NULL ? r->tenant : "-");
        return r->tenant != NULL ? TONE_NORMAL : TONE_DIM;
    case LC_APP:
        snprintf(buf, size, "%s", r->app != NULL ? r->app : "-");
        return TONE_NORMAL;
    case LC_HOST:
        snprintf(buf, size, "%s", r->host);
        return TONE_NORMAL;
    case LC_SERVICE:
        snprintf(buf, size, "%s", r->service != NULL ? r->service : "(host)");
        return r->service != NULL ? TONE_NORMAL : TONE_DIM;
    case LC_DURATION:
        if (r->last_state_change == 0) {
            snprintf(buf, size, "-");
            return TONE_DIM;
        }
        k8s_fmt_age(ctx->now - r->last_state_change, buf, size);
        return TONE_NORMAL;
    case LC_ATTEMPT:
        snprintf(buf, size, "%d/%d %s", r->attempt, r->max_attempts, r->hard ? "H" : "S");
        return r->hard ? TONE_NORMAL : TONE_DIM;
    case LC_OUTPUT:
        snprintf(buf, size, "%s", r->output);
        return TONE_NORMAL;
    case LC_ACK:
        if (r->waiting == NAGIOS_WAIT_ACK && !r->acked) {
            snprintf(buf, size, "sent");
            return TONE_PENDING;
        }
        snprintf(buf, size, "%s", r->acked ? "yes" : "-");
        return r->acked ? TONE_OK : TONE_DIM;
    case LC_DOWNTIME:
        if (r->waiting == NAGIOS_WAIT_DOWNTIME && r->downtime_depth == 0) {
            snprintf(buf, size, "sent");
            return TONE_PENDING;
        }
        snprintf(buf, size, "%s", r->downtime_depth > 0 ? "yes" : "-");
        return r->downtime_depth > 0 ? TONE_OK : TONE_DIM;
    case LC_FLAP:
        snprintf(buf, size, "%s", r->flapping ? "yes" : "-");
        return r->flapping ? TONE_WARN : TONE_DIM;
    case LC_CHECKED:
        if (r->last_check == 0) {
            snprintf(buf, size, "never");
            return TONE_DIM;
        }
        k8s_fmt_age(ctx->now - r->last_check, buf, size);
        return TONE_NORMAL;
    case LC_COUNT:
        break;
    }
    buf[0] = '\0';
    return TONE_NORMAL;
}

static const char *alerts_row_key(const struct view *v, size_t row)
{
    const struct alerts_state *st = v->state;

    return row < st->count ? st->rows[row].r->row.uid : NULL;
}

/* The row; its tenant and app come from the host map, and a host row's Enter from
 * Kubernetes. */
static const struct store_row *alerts_row_source(const struct view *v, size_t row,
                                                 uint64_t *extra)
{
    const struct alerts_state *st = v->state;
    const struct alert_entry *e = &st->rows[row];

    *extra = view_mix_str(view_mix_str(view_mix_str(e->kind, e->r->tenant), e->r->app),
                          e->k8s_ns);
    return &e->r->row;
}

static int64_t alerts_next_tick(const struct view *v, const struct view_ctx *ctx, size_t row)
{
    const struct alerts_state *st = v->state;
    const struct nagios_row *r = st->rows[row].r;
    int64_t a = r->last_state_change != 0 ? k8s_age_next_change(ctx->now - r->last_state_change)
                                          : -1;
    int64_t b = r->last_check != 0 ? k8s_age_next_change(ctx->now - r->last_check) : -1;

    return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

static bool alerts_redundant(const struct view *v, size_t col)
{
    const struct alerts_state *st = v->state;

    if (st->count == 0) {
        return false;
    }
    for (size_t i = 1; i < st->count; i++) {
        const struct nagios_row *a = st->rows[0].r, *b = st->rows[i].r;

        if (col == LC_TENANT && view_str_cmp(a->tenant, b->tenant) != 0) {
            return false;
        }
        if (col == LC_HOST && strcmp(a->host, b->host) != 0) {
            return false;
        }
    }
    return col == LC_TENANT || col == LC_HOST ? st->count > 1 : false;
}

static bool alerts_enter(const struct view *v, const struct view_scope *scope, size_t row,
                         struct view_target *out)
{
    const struct alerts_state *st = v->state;
    const struct alert_entry *e;

    if (row >= st->count) {
        return false;
    }
    e = &st->rows[row];
    out->scope = *scope;
    if (e->kind == STORE_NAGIOS_HOST && e->k8s_ns != NULL && e->r->tenant != NULL &&
        strlen(e->r->app) < sizeof out->scope.app && strlen(e->k8s_ns) < sizeof out->scope.ns) {
        out->view = "pods";
        snprintf(out->scope.tenant, sizeof out->scope.tenant, "%s", e->r->tenant);
        snprintf(out->scope.ns, sizeof out->scope.ns, "%s", e->k8s_ns);
        snprintf(out->scope.app, sizeof out->scope.app, "%s", e->r->app);
        out->scope.node[0] = '\0';
        snprintf(out->label, sizeof out->label, "%s", e->r->host);
        return true;
    }
    if (strlen(e->r->host) >= sizeof out->scope.node || scope->node[0] != '\0') {
        return false; /* already the host's services */
    }
    out->view = "alerts";
    snprintf(out->scope.node, sizeof out->scope.node, "%s", e->r->host);
    snprintf(out->label, sizeof out->label, "%s", e->r->host);
    return true;
}

static const enum action alerts_actions[] = {ACT_DESCRIBE, ACT_ACKNOWLEDGE, ACT_DOWNTIME,
                                             ACT_TOGGLE, ACT_NEW_INCIDENT, ACT_NONE};

/* n on an alert: a ServiceNow incident prefilled with what Nagios says, ending in the
 * evidence (state, attempt, how long, the plugin's output). */
static struct source_request *alerts_incident(const struct nagios_row *r, const char *tenant,
                                              const char *app, int64_t now)
{
    char since[32] = "", checked[32] = "", *what, *shortd, *desc, *ci;
    struct source_request *req;

    if (r->last_state_change > 0) {
        k8s_fmt_age(now - r->last_state_change, since, sizeof since);
    }
    if (r->last_check > 0) {
        k8s_fmt_age(now - r->last_check, checked, sizeof checked);
    }
    what = r->service != NULL ? xasprintf("%s on %s", r->service, r->host)
                              : xasprintf("host %s", r->host);
    shortd = xasprintf("%s: %s is %s", app != NULL ? app : r->host, what,
                       nagios_state_name(r->state));
    desc = xasprintf("Evidence from govconsole:\nNagios reports %s %s (%s, attempt %d/%d)%s%s\n"
                     "last checked %s%s:\n%s",
                     what, nagios_state_name(r->state), r->hard ? "hard" : "soft", r->attempt,
                     r->max_attempts, since[0] != '\0' ? " for " : "", since,
                     checked[0] != '\0' ? checked : "never", checked[0] != '\0' ? " ago" : "",
                     r->output != NULL ? r->output : "(no output)");
    ci = tenant != NULL && app != NULL ? xasprintf("%s-%s", tenant, app) : NULL;
    req = sn_request_create(tenant, shortd, desc, ci);
    free(what);
    free(shortd);
    free(desc);
    free(ci);
    return req;
}

static struct source_request *alerts_request(const struct view *v, const struct view_ctx *ctx,
                                             size_t row, enum action act, char **err)
{
    const struct alerts_state *st = v->state;
    const struct alert_entry *e;
    const char *tenant;

    if (row >= st->count) {
        *err = xstrdup("no alert selected");
        return NULL;
    }
    e = &st->rows[row];
    tenant = access_row_tenant(ctx->access, e->kind, &e->r->row);
    switch (act) {
    case ACT_DESCRIBE:
        return nagios_request_detail(e->r, tenant);
    case ACT_ACKNOWLEDGE:
        return nagios_request_ack(e->r, tenant, err);
    case ACT_DOWNTIME:
        return nagios_request_downtime(e->r, tenant);
    case ACT_NEW_INCIDENT: /* ServiceNow (issue 14) */
        return alerts_incident(e->r, tenant, e->r->app, ctx->now);
    default:
        break;
    }
    *err = xasprintf("the alerts view has no %s", "such action");
    return NULL;
}

static const char *alerts_toggle(struct view *v)
{
    struct alerts_state *st = v->state;

    st->all = !st->all;
    return st->all ? "showing every host and service (t: problems only)"
                   : "showing problems only (t: everything)";
}

static void alerts_summary(const struct view *v, char *buf, size_t size)
{
    const struct alerts_state *st = v->state;
    const size_t *n = st->by_state;

    snprintf(buf, size, "CRIT %zu  DOWN %zu  UNREACH %zu  WARN %zu  UNKN %zu  OK %zu%s",
             n[NAGIOS_CRITICAL], n[NAGIOS_DOWN], n[NAGIOS_UNREACHABLE], n[NAGIOS_WARNING],
             n[NAGIOS_UNKNOWN], n[NAGIOS_OK] + n[NAGIOS_UP],
             st->one_host ? "" : st->all ? "  (all)" : "  (problems)");
}

static void alerts_fini(struct view *v)
{
    struct alerts_state *st = v->state;

    free(st->rows);
}

static const char *const alerts_aliases[] = {"alert", "al", NULL};

const struct view_ops alerts_view = {
    .name = "alerts",
    .tenant_entry = true, /* offered by Enter on a tenant */
    .aliases = alerts_aliases,
    .title = "alerts",
    .columns = alerts_columns,
    .ncolumns = LC_COUNT,
    .state_size = sizeof(struct alerts_state),
    .source = "nagios",
    .fini = alerts_fini,
    .stale = alerts_stale,
    .rebuild = alerts_rebuild,
    .count = alerts_count,
    .cell = alerts_cell,
    .row_key = alerts_row_key,
    .row_source = alerts_row_source,
    .redundant = alerts_redundant,
    .next_tick = alerts_next_tick,
    .sort = alerts_sort,
    .enter = alerts_enter,
    .actions = alerts_actions,
    .request = alerts_request,
    .toggle = alerts_toggle,
    .summary = alerts_summary,
};
