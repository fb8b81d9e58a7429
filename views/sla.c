/* The sla view (:sla, -c sla): service levels for a period (by default the [sla] period, a
 * month unless set, containing now; `:sla 2026-11`, `:sla 2026-11-01..2026-11-15`; [ and ]
 * step), one row per tenant; Enter narrows to
 * a tenant's apps, then an app's services, then (the timeline view) a service's state changes.
 * The rows come from the sla source (core/nagios/sla_source.h), which the view asks for its
 * period; the numbers are written by core/sla/sla_table.h's functions, as `govconsole report
 * sla` writes them. Incidents and MTTR come from ServiceNow when it is configured; when it
 * failed, the title line says why (the source's note). */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/nagios/sla_source.h"
#include "core/sources.h"
#include "core/xalloc.h"
#include "views/view.h"

enum sla_col {
    SC_TENANT,
    SC_APP,
    SC_SERVICE,
    SC_TARGET,
    SC_AVAIL,
    SC_DOWN,
    SC_SCHED,
    SC_LEFT,
    SC_LEFT_PCT,
    SC_BAR,
    SC_INCIDENTS,
    SC_MTTR,
    SC_STATUS,
    SC_COUNT
};

static const struct view_column sla_columns[SC_COUNT] = {
    [SC_TENANT] = {"TENANT", 6, 0, 'T', COL_KEEP_ALWAYS},
    [SC_APP] = {"APP", 3, COL_MIDCUT, 'P', 8},
    [SC_SERVICE] = {"SERVICE", 7, COL_GROW | COL_MIDCUT, 'V', 8},
    [SC_TARGET] = {"TARGET%", 7, COL_RIGHT, 'R', 5},
    [SC_AVAIL] = {"AVAIL%", 7, COL_RIGHT, 'A', COL_KEEP_ALWAYS},
    [SC_DOWN] = {"DOWN MIN", 8, COL_RIGHT, 'O', 7},
    [SC_SCHED] = {"SCHED MIN", 9, COL_RIGHT, 'H', 4},
    [SC_LEFT] = {"BUDGET MIN", 10, COL_RIGHT, 'B', 6},
    [SC_LEFT_PCT] = {"BUDGET%", 7, COL_RIGHT, 'U', 7},
    [SC_BAR] = {"BUDGET", 12, 0, 0, 3},
    [SC_INCIDENTS] = {"INCIDENTS", 9, COL_RIGHT, 0, 2},
    [SC_MTTR] = {"MTTR", 4, COL_RIGHT, 0, 2},
    [SC_STATUS] = {"STATUS", 8, COL_NOTRUNC, 'S', COL_KEEP_ALWAYS},
};

struct sla_view_state {
    const struct sla_store_row **rows;
    size_t count;
    struct sla_period period;
    bool period_set; /* from the scope's param, or the month of the first rebuild */
    char want[48];   /* what the rows were built for */
    bool built;
    uint64_t gen, access_gen;
    char scope_key[64 + 128 + 64];
    char note[160]; /* the source's: why incidents and MTTR are blank; "" none */
};

/* The level a scope shows: tenants, a tenant's apps, an app's services. */
static enum sla_level sla_view_level(const struct view_scope *sc)
{
    return sc->tenant[0] == '\0' ? SLA_LEVEL_TENANT
           : sc->app[0] == '\0'  ? SLA_LEVEL_APP
                                 : SLA_LEVEL_SERVICE;
}

static void sla_view_scope_key(const struct view_scope *sc, char *buf, size_t size)
{
    snprintf(buf, size, "%s\n%s\n%s", sc->tenant, sc->app, sc->param);
}

/* The period the view shows, settled on first use: the scope's (:sla 2026-11), else the
 * source's default ([sla] period containing now), else the month. */
static void sla_view_period(struct sla_view_state *st, const struct view_ctx *ctx,
                            struct source *src)
{
    char def[48] = "";

    if (st->period_set) {
        return;
    }
    if (ctx->scope->param[0] != '\0' && sla_period_parse(ctx->scope->param, &st->period) == 0) {
        st->period_set = true;
        return;
    }
    if (src != NULL && src->ops->want != NULL) {
        src->ops->want(src->state, "", def, sizeof def);
    }
    if (def[0] == '\0' || sla_period_parse(def, &st->period) != 0) {
        sla_period_containing(SLA_UNIT_MONTH, ctx->now, &st->period);
    }
    st->period_set = true;
}

static bool sla_view_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct sla_view_state *st = v->state;
    char key[sizeof st->scope_key], want[48];

    if (!st->built || !st->period_set) {
        return true;
    }
    sla_view_scope_key(ctx->scope, key, sizeof key);
    sla_period_format(&st->period, want, sizeof want);
    return st->gen != store_gen(ctx->store, STORE_SLA) ||
           st->access_gen != access_gen(ctx->access) || strcmp(key, st->scope_key) != 0 ||
           strcmp(want, st->want) != 0;
}

static int sla_view_order_cmp(const void *a, const void *b)
{
    const struct sla_store_row *x = *(const struct sla_store_row *const *)a;
    const struct sla_store_row *y = *(const struct sla_store_row *const *)b;

    return view_int_cmp((int64_t)x->order, (int64_t)y->order);
}

static void sla_view_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct sla_view_state *st = v->state;
    const struct view_scope *sc = ctx->scope;
    enum sla_level level = sla_view_level(sc);
    struct source *src = ctx->sources != NULL ? sources_find(ctx->sources, "sla") : NULL;
    struct access_cursor cur;
    const struct store_row *row;
    const char *tenant;

    sla_view_period(st, ctx, src);
    sla_period_format(&st->period, st->want, sizeof st->want);
    if (src != NULL && src->ops->want != NULL) {
        src->ops->want(src->state, st->want, NULL, 0); /* rows come later when not held */
    }
    free(st->rows);
    st->rows = xcalloc(store_count(ctx->store, STORE_SLA) + 1, sizeof *st->rows);
    st->count = 0;
    access_rows(ctx->access, STORE_SLA, &cur);
    while ((row = access_next(&cur, &tenant)) != NULL) {
        const struct sla_store_row *r = (const struct sla_store_row *)row;

        if (r->r.level != level || (sc->tenant[0] != '\0' && strcmp(r->r.tenant, sc->tenant)) ||
            (sc->app[0] != '\0' && strcmp(r->r.app, sc->app) != 0)) {
            continue;
        }
        st->rows[st->count++] = r;
    }
    qsort(st->rows, st->count, sizeof *st->rows, sla_view_order_cmp);
    if (v->sort_col >= 0 && v->ops->sort != NULL) {
        v->ops->sort(v, (size_t)v->sort_col, v->sort_desc);
    }
    st->note[0] = '\0';
    if (src != NULL && src->ops->note != NULL && src->ops->note(src->state) != NULL) {
        snprintf(st->note, sizeof st->note, "%s", src->ops->note(src->state));
    }
    st->gen = store_gen(ctx->store, STORE_SLA);
    st->access_gen = access_gen(ctx->access);
    sla_view_scope_key(sc, st->scope_key, sizeof st->scope_key);
    st->built = true;
}

static size_t sla_view_count(const struct view *v)
{
    const struct sla_view_state *st = v->state;

    return st->count;
}

static enum view_tone sla_view_status_tone(enum sla_status s)
{
    switch (s) {
    case SLA_STATUS_MET:
        return TONE_OK;
    case SLA_STATUS_AT_RISK:
        return TONE_WARN;
    case SLA_STATUS_BREACHED:
        return TONE_CRIT;
    case SLA_STATUS_NODATA:
    default:
        return TONE_DIM;
    }
}

/* "[#####-----]": the budget left, in ten steps. */
static void sla_view_bar(const struct sla_figures *f, char *buf, size_t size)
{
    int fill = f->budget_left_pct <= 0 ? 0 : f->budget_left_pct >= 100 ? 10
                                           : (int)(f->budget_left_pct / 10.0 + 0.5);
    char bar[16];

    for (int i = 0; i < 10; i++) {
        bar[i] = i < fill ? '#' : '-';
    }
    bar[10] = '\0';
    snprintf(buf, size, "[%s]", bar);
}

static enum view_tone sla_view_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                    size_t col, char *buf, size_t size)
{
    const struct sla_view_state *st = v->state;
    const struct sla_row *r = &st->rows[row]->r;
    const struct sla_figures *f = &r->f;
    enum view_tone tone = sla_view_status_tone(f->status);

    (void)ctx;
    switch ((enum sla_col)col) {
    case SC_TENANT:
        snprintf(buf, size, "%s", r->tenant);
        return TONE_NORMAL;
    case SC_APP:
        snprintf(buf, size, "%s", r->app != NULL ? r->app : "");
        return TONE_NORMAL;
    case SC_SERVICE:
        if (r->level == SLA_LEVEL_SERVICE) {
            snprintf(buf, size, "%s %s", r->host, r->service);
        } else {
            snprintf(buf, size, "%zu service%s", r->services, r->services == 1 ? "" : "s");
            return TONE_DIM;
        }
        return TONE_NORMAL;
    case SC_TARGET:
        sla_fmt_target(f->target, buf, size);
        return TONE_NORMAL;
    case SC_AVAIL:
        sla_fmt_availability(f, buf, size);
        if (buf[0] == '\0') {
            snprintf(buf, size, "-");
        }
        return tone;
    case SC_DOWN:
        sla_fmt_minutes((double)f->down, buf, size);
        return TONE_NORMAL;
    case SC_SCHED:
        sla_fmt_minutes((double)f->scheduled, buf, size);
        return f->scheduled > 0 ? TONE_NORMAL : TONE_DIM;
    case SC_LEFT:
        sla_fmt_minutes(f->budget_left, buf, size);
        return tone;
    case SC_LEFT_PCT:
        sla_fmt_percent(f->budget_left_pct, buf, size);
        return tone;
    case SC_BAR:
        sla_view_bar(f, buf, size);
        return tone;
    case SC_INCIDENTS:
        sla_fmt_incidents(r, buf, size);
        return TONE_NORMAL;
    case SC_MTTR:
        sla_fmt_mttr(r, buf, size);
        return TONE_NORMAL;
    case SC_STATUS:
        snprintf(buf, size, "%s", sla_status_name(f->status));
        return tone;
    case SC_COUNT:
        break;
    }
    buf[0] = '\0';
    return TONE_NORMAL;
}

static const char *sla_view_row_key(const struct view *v, size_t row)
{
    const struct sla_view_state *st = v->state;

    return row < st->count ? st->rows[row]->row.uid : NULL;
}

static const struct store_row *sla_view_row_source(const struct view *v, size_t row,
                                                   uint64_t *extra)
{
    const struct sla_view_state *st = v->state;

    *extra = 0;
    return &st->rows[row]->row;
}

/* The columns a level says nothing in: a tenant's rows have no app, and so on. */
static bool sla_view_redundant(const struct view *v, size_t col)
{
    const struct sla_view_state *st = v->state;
    enum sla_level level = st->count > 0 ? st->rows[0]->r.level : SLA_LEVEL_TENANT;

    if (col == SC_INCIDENTS || col == SC_MTTR) {
        for (size_t i = 0; i < st->count; i++) {
            if (st->rows[i]->r.incidents >= 0) {
                return false;
            }
        }
        return true; /* blank: no ServiceNow, it failed, or service rows */
    }
    if (col == SC_TENANT) {
        return level != SLA_LEVEL_TENANT;
    }
    if (col == SC_APP) {
        return level == SLA_LEVEL_TENANT || level == SLA_LEVEL_SERVICE;
    }
    return false;
}

static double sla_view_num(const struct sla_row *r, int col)
{
    switch ((enum sla_col)col) {
    case SC_TARGET:
        return r->f.target;
    case SC_AVAIL:
        return r->f.status == SLA_STATUS_NODATA ? 1000.0 : r->f.availability;
    case SC_DOWN:
        return (double)r->f.down;
    case SC_SCHED:
        return (double)r->f.scheduled;
    case SC_LEFT:
        return r->f.budget_left;
    case SC_LEFT_PCT:
        return r->f.budget_left_pct;
    case SC_STATUS:
        return (double)r->f.status;
    case SC_INCIDENTS:
        return (double)r->incidents;
    case SC_MTTR:
        return (double)r->mttr;
    default:
        return 0;
    }
}

static int sla_view_sort_cmp(const void *pa, const void *pb, void *arg)
{
    const struct sla_store_row *a = *(const struct sla_store_row *const *)pa;
    const struct sla_store_row *b = *(const struct sla_store_row *const *)pb;
    const struct view *v = arg;
    int c = 0;

    switch ((enum sla_col)v->sort_col) {
    case SC_TENANT:
        c = strcmp(a->r.tenant, b->r.tenant);
        break;
    case SC_APP:
        c = view_str_cmp(a->r.app, b->r.app);
        break;
    case SC_SERVICE:
        c = view_str_cmp(a->r.host, b->r.host);
        c = c != 0 ? c : view_str_cmp(a->r.service, b->r.service);
        break;
    default: {
        double x = sla_view_num(&a->r, v->sort_col), y = sla_view_num(&b->r, v->sort_col);

        c = (x > y) - (x < y);
        break;
    }
    }
    if (v->sort_desc) {
        c = -c;
    }
    return c != 0 ? c : view_int_cmp((int64_t)a->order, (int64_t)b->order);
}

static void sla_view_sort(struct view *v, size_t col, bool desc)
{
    struct sla_view_state *st = v->state;

    (void)col;
    (void)desc;
    if (st->count > 1 && v->sort_col >= 0) {
        qsort_r(st->rows, st->count, sizeof *st->rows, sla_view_sort_cmp, v);
    }
}

static bool sla_view_enter(const struct view *v, const struct view_scope *scope, size_t row,
                           struct view_target *out)
{
    const struct sla_view_state *st = v->state;
    const struct sla_row *r;

    if (row >= st->count) {
        return false;
    }
    r = &st->rows[row]->r;
    out->scope = *scope;
    snprintf(out->scope.param, sizeof out->scope.param, "%s", st->want);
    switch (r->level) {
    case SLA_LEVEL_TENANT:
        out->view = "sla";
        snprintf(out->scope.tenant, sizeof out->scope.tenant, "%s", r->tenant);
        snprintf(out->label, sizeof out->label, "%s", r->tenant);
        return strlen(r->tenant) < sizeof out->scope.tenant;
    case SLA_LEVEL_APP:
        out->view = "sla";
        snprintf(out->scope.app, sizeof out->scope.app, "%s", r->app);
        snprintf(out->label, sizeof out->label, "%s", r->app);
        return strlen(r->app) < sizeof out->scope.app;
    case SLA_LEVEL_SERVICE:
    default: {
        /* the timeline view: the service as "host\tservice" */
        out->view = "timeline";
        size_t hl = strlen(r->host), sl = strlen(r->service);

        if (hl + sl + 2 > sizeof out->scope.node) {
            return false;
        }
        memcpy(out->scope.node, r->host, hl);
        out->scope.node[hl] = '\t';
        memcpy(out->scope.node + hl + 1, r->service, sl + 1);
        snprintf(out->label, sizeof out->label, "%.60s %.60s", r->host, r->service);
        return true;
    }
    }
}

static void sla_view_step(struct view *v, int dir, char *buf, size_t size)
{
    struct sla_view_state *st = v->state;
    struct sla_period p;
    char name[48];

    if (!st->period_set) {
        snprintf(buf, size, "no period yet");
        return;
    }
    sla_period_step(&st->period, dir, &p);
    st->period = p;
    sla_period_format(&p, name, sizeof name);
    snprintf(buf, size, "period %s", name);
}

static bool sla_view_param(const char *arg, struct view_scope *scope)
{
    struct sla_period p;

    if (strlen(arg) >= sizeof scope->param || sla_period_parse(arg, &p) != 0) {
        return false;
    }
    snprintf(scope->param, sizeof scope->param, "%s", arg);
    return true;
}

static void sla_view_summary(const struct view *v, char *buf, size_t size)
{
    const struct sla_view_state *st = v->state;
    size_t breached = 0, risk = 0;

    for (size_t i = 0; i < st->count; i++) {
        breached += st->rows[i]->r.f.status == SLA_STATUS_BREACHED;
        risk += st->rows[i]->r.f.status == SLA_STATUS_AT_RISK;
    }
    snprintf(buf, size, "%s  breached %zu  at risk %zu%s%s", st->want, breached, risk,
             st->note[0] != '\0' ? "  " : "", st->note);
}

static void sla_view_fini(struct view *v)
{
    struct sla_view_state *st = v->state;

    free(st->rows);
}

const struct view_ops sla_view = {
    .name = "sla",
    .title = "sla",
    .columns = sla_columns,
    .ncolumns = SC_COUNT,
    .state_size = sizeof(struct sla_view_state),
    .source = "sla",
    .fini = sla_view_fini,
    .stale = sla_view_stale,
    .rebuild = sla_view_rebuild,
    .count = sla_view_count,
    .cell = sla_view_cell,
    .row_key = sla_view_row_key,
    .row_source = sla_view_row_source,
    .redundant = sla_view_redundant,
    .sort = sla_view_sort,
    .enter = sla_view_enter,
    .step = sla_view_step,
    .param = sla_view_param,
    .summary = sla_view_summary,
};
